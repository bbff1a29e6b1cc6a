// Token decimals and symbols, in the order a person can trust them:
//   1. the chain-registry asset list of the chain the LCD serves (by chain id);
//   2. for an `ibc/…` voucher, the chain's own denom trace, then the registry's native asset
//      with that base denom (a voucher of uosmo is OSMO, 6 decimals, wherever it went);
//   3. the chain's bank metadata for the denom (`denoms_metadata`);
//   4. a native asset of a known chain with the same base denom (a local chain's `uatom`);
//   5. a `u` prefix on a plain denom: micro-units (the Cosmos convention);
// and otherwise the amount in base units with the denom as it is, marked so. An `ibc/…`
// denom is never guessed: without a trace and a known base it stays in base units.

import type { AssetMeta } from "./format";
import { shortAddr } from "./format";

/** One chain of the build-time extract of the `chain-registry` package (build/chain-registry.mjs). */
export interface RegistryChain {
  id: string;
  name: string;
  pretty: string;
  daemon: string | null;
  prefix: string | null;
  net: string | null;
  rpc: string | null;
  rest: string | null;
  /** [denom, fixedMinGasPrice, lowGasPrice, averageGasPrice] */
  fee: [string, number | null, number | null, number | null][];
  /** [base denom, symbol, display exponent, 1 if minted on this chain] */
  assets: [string, string, number, number][];
}

/** Known chains first when a base denom is looked up across chains. */
const PREFERRED = ["cosmoshub", "noble", "osmosis", "neutron", "stride", "celestia", "axelar"];

export class Registry {
  private byId = new Map<string, RegistryChain>();
  private native = new Map<string, AssetMeta>();

  constructor(chains: RegistryChain[]) {
    const rank = (c: RegistryChain) => {
      const i = PREFERRED.indexOf(c.name);
      return i < 0 ? PREFERRED.length + (c.net === "mainnet" ? 0 : 1) : i;
    };
    for (const c of [...chains].sort((a, b) => rank(a) - rank(b))) {
      if (!this.byId.has(c.id)) this.byId.set(c.id, c);
      for (const [base, symbol, decimals, native] of c.assets) {
        if (native && !this.native.has(base)) {
          this.native.set(base, { symbol, decimals, source: `chain-registry (${c.name})` });
        }
      }
    }
  }

  chain(chainId: string): RegistryChain | undefined {
    return this.byId.get(chainId);
  }

  /** The asset list entry of `denom` on chain `chainId`. */
  onChain(chainId: string, denom: string): AssetMeta | undefined {
    const c = this.byId.get(chainId);
    const a = c?.assets.find(([base]) => base === denom);
    return a && c ? { symbol: a[1], decimals: a[2], source: `chain-registry (${c.name})` } : undefined;
  }

  /** The native asset of some known chain whose base denom is `base`. */
  nativeBase(base: string): AssetMeta | undefined {
    return this.native.get(base);
  }
}

let loaded: Promise<Registry> | null = null;

/** The registry extract, fetched once as a chunk of its own. */
export function registry(): Promise<Registry> {
  loaded ??= import("virtual:chain-registry").then((m) => new Registry(m.chains as RegistryChain[]));
  return loaded;
}

/** `cosmosvaloper1…/42`: x/liquid tokenized shares of a validator's delegation. */
export function shareDenom(denom: string): { validator: string; record: string } | null {
  const m = /^([a-z0-9]+valoper1[a-z0-9]+)\/(\d+)$/.exec(denom);
  return m ? { validator: m[1], record: m[2] } : null;
}

export const unknownMeta = (denom: string): AssetMeta => ({
  symbol: denom.startsWith("ibc/") ? `ibc/${denom.slice(4, 10)}…` : denom,
  decimals: null,
  source: "unknown: amounts in base units",
});

/** A plain `u`-prefixed denom is micro-units of the upper-cased rest (`uatom` → ATOM, 6). */
export function prefixMeta(denom: string): AssetMeta | undefined {
  return /^u[a-z][a-z0-9]{1,15}$/.test(denom)
    ? { symbol: denom.slice(1).toUpperCase(), decimals: 6, source: "u prefix (micro-units)" }
    : undefined;
}

interface DenomTraceV2 {
  denom?: { base?: string; trace?: { port_id: string; channel_id: string }[] };
}
interface DenomTraceV1 {
  denom_trace?: { path?: string; base_denom?: string };
}
interface BankMetadata {
  metadata?: { display?: string; symbol?: string; denom_units?: { denom: string; exponent: number; aliases?: string[] }[] };
}

/** Asks the chain (through the page's LCD getter) what the registry does not know. */
export async function resolveDenom(
  reg: Registry,
  chainId: string,
  denom: string,
  get: <T>(path: string) => Promise<T>,
  bonded: AssetMeta,
): Promise<AssetMeta> {
  const listed = reg.onChain(chainId, denom);
  if (listed) return listed;
  const share = shareDenom(denom);
  if (share) {
    return { symbol: `shares ${shortAddr(share.validator)}/${share.record}`, decimals: bonded.decimals, source: "x/liquid tokenized shares" };
  }
  if (denom.startsWith("ibc/")) {
    const hash = denom.slice(4);
    let base: string | undefined;
    try {
      base = (await get<DenomTraceV2>(`/ibc/apps/transfer/v1/denoms/${hash}`)).denom?.base;
    } catch {
      try {
        base = (await get<DenomTraceV1>(`/ibc/apps/transfer/v1/denom_traces/${hash}`)).denom_trace?.base_denom;
      } catch {
        base = undefined;
      }
    }
    const known = base ? reg.nativeBase(base) : undefined;
    return known ? { ...known, source: `IBC trace to ${base}, ${known.source}` } : unknownMeta(denom);
  }
  try {
    const m = (await get<BankMetadata>(`/cosmos/bank/v1beta1/denoms_metadata/${encodeURIComponent(denom)}`)).metadata;
    const unit = m?.denom_units?.find((u) => u.denom === m.display || (u.aliases ?? []).includes(m.display ?? ""));
    if (m && unit) return { symbol: m.symbol || unit.denom.toUpperCase(), decimals: unit.exponent, source: "the chain's bank metadata" };
  } catch {
    // no metadata for this denom
  }
  return reg.nativeBase(denom) ?? prefixMeta(denom) ?? unknownMeta(denom);
}
