// What every page needs: the LCD, the hub's config, the chain's time, asset metadata and
// (under `restake serve` only) the scenario's names for addresses.

import type { ConfigResponse, RewardAmount } from "../../clients/ts/src/RestakeHub.types";
import { type AssetMeta, formatAmount, nativeMeta, shortAddr } from "./format";
import { Lcd } from "./lcd";

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
  constructor(private lcd: Lcd) {}

  /** Reads `token_info` of the cw20 tokens not known yet. */
  async load(tokens: string[]): Promise<void> {
    const missing = [...new Set(tokens)].filter((t) => !this.cw20.has(t));
    await Promise.all(
      missing.map(async (t) => {
        try {
          const info = await this.lcd.smart<Cw20TokenInfo>({ token_info: {} }, t);
          this.cw20.set(t, { symbol: info.symbol, decimals: info.decimals });
        } catch {
          this.cw20.set(t, { symbol: shortAddr(t), decimals: 0 });
        }
      }),
    );
  }

  meta(asset: { denom?: string | null; cw20?: string | null }): AssetMeta {
    if (asset.cw20) return this.cw20.get(asset.cw20) ?? { symbol: shortAddr(asset.cw20), decimals: 0 };
    return nativeMeta(asset.denom ?? "");
  }

  fmt(r: RewardAmount): string {
    return formatAmount(r.amount, this.meta(r));
  }

  /** Loads the tokens named in reward lists. */
  async loadFrom(...lists: RewardAmount[][]): Promise<void> {
    await this.load(lists.flat().flatMap((r) => (r.cw20 ? [r.cw20] : [])));
  }
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
}

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
