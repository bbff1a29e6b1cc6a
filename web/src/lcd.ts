// Queries through a chain's REST (LCD) endpoint, as wasmd's gRPC-gateway serves them:
// GET /cosmwasm/wasm/v1/contract/{address}/smart/{base64 query} → {"data": ...}.

import type { QueryMsg } from "../../clients/ts/src/RestakeHub.types";

/** Why a query failed, so each gets its own message. */
export type ErrorKind =
  | "unreachable" // nothing answered at the LCD URL
  | "not-lcd" // something answered, but not an LCD endpoint
  | "bad-address" // the contract address is not an address
  | "no-contract" // no contract at that address
  | "not-hub" // a contract, but not a restake hub
  | "query"; // the hub refused this query (bad staker address, unknown service...)

export class LcdError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly detail = "",
  ) {
    super(message);
  }
}

function toBase64(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let bin = "";
  bytes.forEach((b) => (bin += String.fromCharCode(b)));
  return btoa(bin);
}

interface GatewayError {
  code?: number;
  message?: string;
}

export class Lcd {
  readonly base: string;
  constructor(
    base: string,
    readonly contract: string,
  ) {
    this.base = base.replace(/\/+$/, "");
  }

  /** GET a path of the LCD and parse its JSON; errors are classified. */
  async get<T>(path: string): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.base + path, { headers: { Accept: "application/json" } });
    } catch (e) {
      throw new LcdError(
        "unreachable",
        `Cannot reach the LCD endpoint at ${this.base}.`,
        String(e instanceof Error ? e.message : e),
      );
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      throw new LcdError(
        "not-lcd",
        `${this.base} answered ${res.status} without JSON: is it a chain's LCD (REST) endpoint?`,
      );
    }
    if (!res.ok) {
      const e = body as GatewayError;
      const message = typeof e?.message === "string" ? e.message : `HTTP ${res.status}`;
      if (res.status === 404 || res.status === 501) {
        throw new LcdError("not-lcd", `${this.base} does not serve ${path.split("/").slice(0, 5).join("/")}…: is it a CosmWasm chain's LCD endpoint?`, message);
      }
      throw new LcdError("query", message, message);
    }
    return body as T;
  }

  /** A smart query of `contract` (the hub by default). */
  async smart<T>(msg: QueryMsg | Record<string, unknown>, contract = this.contract): Promise<T> {
    const q = encodeURIComponent(toBase64(JSON.stringify(msg)));
    try {
      const r = await this.get<{ data: T }>(
        `/cosmwasm/wasm/v1/contract/${encodeURIComponent(contract)}/smart/${q}`,
      );
      return r.data;
    } catch (e) {
      if (!(e instanceof LcdError) || e.kind !== "query") throw e;
      const m = e.detail;
      if (/no such contract|contract: not found|not found: contract/i.test(m)) {
        throw new LcdError("no-contract", `There is no contract at ${contract} on this chain.`, m);
      }
      if (/decoding bech32 failed|invalid address/i.test(m) && contract === this.contract) {
        throw new LcdError("bad-address", `"${contract}" is not a valid contract address.`, m);
      }
      const name = Object.keys(msg)[0];
      if (/unknown variant|Error parsing into type/i.test(m) && name === "config") {
        throw new LcdError(
          "not-hub",
          `The contract at ${contract} is not a restake hub: it does not answer the hub's queries.`,
          m,
        );
      }
      throw new LcdError("query", `The hub refused the query "${name}": ${cleanMessage(m)}`, m);
    }
  }

  /** Every page of a `start_after` / `limit` list (bounded, in case of a misbehaving node). */
  async all<T, K>(
    page: (startAfter: K | undefined) => Promise<T[]>,
    key: (item: T) => K,
    limit = 30,
    maxPages = 50,
  ): Promise<T[]> {
    const out: T[] = [];
    let after: K | undefined;
    for (let i = 0; i < maxPages; i++) {
      const items = await page(after);
      out.push(...items);
      if (items.length < limit) break;
      after = key(items[items.length - 1]);
    }
    return out;
  }
}

/** The contract's own words, without the chain's wrapping. */
export function cleanMessage(m: string): string {
  return m.replace(/: query wasm contract failed: unknown request$/, "").replace(/^rpc error: code = \w+ desc = /, "");
}
