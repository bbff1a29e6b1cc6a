// What every page needs: the LCD, the hub's config, the chain (id, CLI name, registry entry),
// the chain's time, asset metadata and (under `restake serve` only) the scenario's names for
// addresses.

import type { ConfigResponse, RewardAmount } from "../../clients/ts/src/RestakeHub.types";
import { type AssetMeta, formatAmount, shortAddr } from "./format";
import { Lcd } from "./lcd";
import { type Registry, type RegistryChain, resolveDenom, unknownMeta } from "./registry";

/** `/restake/v1/scenario`, served by `restake serve` (not by a real chain). */
export interface ScenarioInfo {
  file: string;
  name: string | null;
  contract: string;
  ok: boolean;
  failure: string | null;
  validators: { name: string; address: string }[];
  stakers: { name: string; address: string }[];
  accounts: { name: string; address: string }[];
  services: { id: number; name: string; admin: string }[];
  tokens: { symbol: string; address: string }[];
}

/** cw20's `token_info` answer (cw20, not the hub: not in the hub's generated types). */
interface Cw20TokenInfo {
  name: string;
  symbol: string;
  decimals: number;
}

export class Assets {
  private cw20 = new Map<string, AssetMeta>();
  private native = new Map<string, AssetMeta>();
  constructor(
    private lcd: Lcd,
    private reg: Registry,
    private chainId: string,
    readonly bonded: AssetMeta,
  ) {}

  /** Resolves the native denoms and cw20 tokens not known yet (see registry.ts). */
  async load(tokens: string[], denoms: string[] = []): Promise<void> {
    const missing = [...new Set(tokens)].filter((t) => !this.cw20.has(t));
    const missingDenoms = [...new Set(denoms)].filter((d) => !this.native.has(d));
    await Promise.all([
      ...missing.map(async (t) => {
        try {
          const info = await this.lcd.smart<Cw20TokenInfo>({ token_info: {} }, t);
          this.cw20.set(t, { symbol: info.symbol, decimals: info.decimals, source: "the token's token_info" });
        } catch {
          this.cw20.set(t, { symbol: shortAddr(t), decimals: null, source: "unknown: token_info failed" });
        }
      }),
      ...missingDenoms.map(async (d) => {
        this.native.set(d, await resolveDenom(this.reg, this.chainId, d, (p) => this.lcd.get(p), this.bonded));
      }),
    ]);
  }

  meta(asset: { denom?: string | null; cw20?: string | null }): AssetMeta {
    if (asset.cw20) return this.cw20.get(asset.cw20) ?? { symbol: shortAddr(asset.cw20), decimals: null };
    const d = asset.denom ?? "";
    return this.native.get(d) ?? unknownMeta(d);
  }

  fmt(r: RewardAmount | { denom: string; amount: string }): string {
    return formatAmount(r.amount, this.meta(r));
  }

  /** Loads the assets named in reward lists. */
  async loadFrom(...lists: (RewardAmount | { denom?: string | null; cw20?: string | null })[][]): Promise<void> {
    const all = lists.flat();
    await this.load(
      all.flatMap((r) => (r.cw20 ? [r.cw20] : [])),
      all.flatMap((r) => (r.denom ? [r.denom] : [])),
    );
  }
}

/** What the page knows of the chain behind the LCD. */
export interface ChainInfo {
  /** From the node (`node_info`); "" if it does not say. */
  id: string;
  /** The node's application name (`gaiad`, `wasmd`, …): the CLI the copyable commands use. */
  cli: string;
  /** The chain-registry entry of this chain id, if any. */
  known: RegistryChain | undefined;
  /** The address prefix (from the hub's own address). */
  prefix: string;
}

interface NodeInfo {
  default_node_info?: { network?: string };
  application_version?: { app_name?: string; name?: string };
}

export async function chainInfo(lcd: Lcd, reg: Registry, contract: string): Promise<ChainInfo> {
  let id = "";
  let app = "";
  try {
    const n = await lcd.get<NodeInfo>("/cosmos/base/tendermint/v1beta1/node_info");
    id = n.default_node_info?.network ?? "";
    app = n.application_version?.app_name || n.application_version?.name || "";
  } catch {
    // restake serve and some gateways do not serve node_info
  }
  const known = id ? reg.chain(id) : undefined;
  const prefix = /^([a-z]+)1/.exec(contract)?.[1] ?? known?.prefix ?? "cosmos";
  return { id, cli: known?.daemon ?? (app || "wasmd"), known, prefix };
}

export interface Ctx {
  lcd: Lcd;
  config: ConfigResponse;
  /** The chain's latest block time, in nanoseconds (the browser's clock if unknown). */
  now: bigint;
  /** Names of addresses (simulator only; empty on a real chain). */
  names: Map<string, string>;
  sim: ScenarioInfo | null;
  assets: Assets;
  bonded: AssetMeta;
  chain: ChainInfo;
  settings: Settings;
}

/** What the URL (or the Settings form) says. */
export interface Settings {
  lcd: string;
  contract: string;
  /** CometBFT RPC for signing (the chain-registry's for known chains when blank). */
  rpc: string;
  /** Gateway for `ipfs://` metadata: `https://…/ipfs/` + CID/path. */
  ipfs: string;
  /** Gas price override, e.g. `0.005uatom`. */
  gasPrice: string;
}

export const DEFAULT_IPFS_GATEWAY = "https://ipfs.io/ipfs/";

interface LatestBlock {
  block?: { header?: { time?: string } };
  sdk_block?: { header?: { time?: string } };
}

/** `2023-11-14T22:13:20.5Z` → nanoseconds. */
export function parseRfc3339(t: string): bigint | null {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(t);
  if (!m) return null;
  const ms = Date.parse(`${m[1]}Z`);
  if (Number.isNaN(ms)) return null;
  return BigInt(ms) * 1_000_000n + BigInt(((m[2] ?? "") + "000000000").slice(0, 9));
}

export async function chainTime(lcd: Lcd): Promise<bigint> {
  try {
    const b = await lcd.get<LatestBlock>("/cosmos/base/tendermint/v1beta1/blocks/latest");
    const t = b.sdk_block?.header?.time ?? b.block?.header?.time;
    const n = t ? parseRfc3339(t) : null;
    if (n !== null) return n;
  } catch {
    // fall back to the browser's clock
  }
  return BigInt(Date.now()) * 1_000_000n;
}

export async function scenarioInfo(lcd: Lcd): Promise<ScenarioInfo | null> {
  try {
    const s = await lcd.get<ScenarioInfo>("/restake/v1/scenario");
    return s && typeof s.contract === "string" ? s : null;
  } catch {
    return null;
  }
}

export function namesOf(sim: ScenarioInfo | null): Map<string, string> {
  const m = new Map<string, string>();
  if (!sim) return m;
  for (const list of [sim.validators, sim.stakers, sim.accounts]) {
    for (const { name, address } of list) m.set(address, name);
  }
  for (const t of sim.tokens) m.set(t.address, t.symbol);
  return m;
}
