// Human-readable amounts, fractions, durations and dates. Pure functions (no DOM).

/** How to show an asset: `uatom` → 6 decimals of ATOM, a cw20 → its token_info. */
export interface AssetMeta {
  symbol: string;
  decimals: number;
}

/** Display of a native denom: `u`-prefixed denoms are micro-units of the upper-cased rest. */
export function nativeMeta(denom: string): AssetMeta {
  if (/^u[a-z][a-z0-9]{1,15}$/.test(denom)) {
    return { symbol: denom.slice(1).toUpperCase(), decimals: 6 };
  }
  if (denom.startsWith("ibc/")) return { symbol: `ibc/${denom.slice(4, 10)}…`, decimals: 0 };
  return { symbol: denom, decimals: 0 };
}

const group = (digits: string): string => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/** `"1234567"` with 6 decimals → `"1.234567"`; trailing zeros dropped; thousands grouped. */
export function formatUnits(raw: string | bigint, decimals: number): string {
  const n = typeof raw === "bigint" ? raw : BigInt(raw);
  const base = 10n ** BigInt(decimals);
  const whole = group((n / base).toString());
  const frac = n % base;
  if (decimals === 0 || frac === 0n) return whole;
  return `${whole}.${frac.toString().padStart(decimals, "0").replace(/0+$/, "")}`;
}

export function formatAmount(raw: string | bigint, meta: AssetMeta): string {
  return `${formatUnits(raw, meta.decimals)} ${meta.symbol}`;
}

const ONE = 10n ** 18n;

/** A cosmwasm `Decimal` string as an integer of 10^-18 units. */
export function decimalAtoms(d: string): bigint {
  const [i, f = ""] = d.split(".");
  return BigInt(i || "0") * ONE + BigInt((f + "0".repeat(18)).slice(0, 18));
}

/** `"0.1"` → `"10%"`, `"0.125"` → `"12.5%"`. */
export function formatPct(d: string): string {
  return `${formatUnits(decimalAtoms(d) * 100n, 18)}%`;
}

/** num / den as a percentage cut to 2 decimals (`"15%"`, `"12.34%"`); 0 when den is 0. */
export function ratioPct(num: string | bigint, den: string | bigint): string {
  const d = BigInt(den);
  if (d === 0n) return "0%";
  return `${formatUnits((BigInt(num) * 10000n) / d, 2)}%`;
}

/** amount × min(1, Σ fractions), rounded down: the most a set of services can take. */
export function maxSlashOf(amount: string | bigint, fractions: string[]): bigint {
  let sum = fractions.reduce((s, f) => s + decimalAtoms(f), 0n);
  if (sum > ONE) sum = ONE;
  return (BigInt(amount) * sum) / ONE;
}

/** Seconds → `"2d"`, `"1d 12h"`, `"90m"` → `"1h 30m"`; 0 → `"none"`. */
export function formatDuration(secs: number): string {
  if (secs <= 0) return "none";
  const parts: string[] = [];
  let left = secs;
  for (const [unit, name] of [
    [86400, "d"],
    [3600, "h"],
    [60, "m"],
    [1, "s"],
  ] as const) {
    if (left >= unit) {
      parts.push(`${Math.floor(left / unit)}${name}`);
      left %= unit;
    }
  }
  return parts.join(" ");
}

/** A cosmwasm `Timestamp` (nanoseconds) → `"2023-12-05 22:13 UTC"`. */
export function formatTime(nanos: string): string {
  const ms = Number(BigInt(nanos) / 1_000_000n);
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** Distance from `now` (both nanoseconds) in the two largest units: `"in 3d 4h"`, `"2h ago"`. */
export function relativeTime(nanos: string, nowNanos: bigint): string {
  const diff = (BigInt(nanos) - nowNanos) / 1_000_000_000n;
  const secs = Number(diff < 0n ? -diff : diff);
  if (secs < 60) return "now";
  const short = formatDuration(secs).split(" ").slice(0, 2).join(" ");
  return diff > 0n ? `in ${short}` : `${short} ago`;
}

/** `cosmos1abcdef…wxyz` */
export function shortAddr(a: string): string {
  return a.length > 20 ? `${a.slice(0, 12)}…${a.slice(-6)}` : a;
}
