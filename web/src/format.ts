// Human-readable amounts, fractions, durations and dates. Pure functions (no DOM).

/** How to show an asset: its symbol and display decimals (`null`: unknown, shown in base
 * units and marked so), and where that came from (shown on hover). See registry.ts. */
export interface AssetMeta {
  symbol: string;
  decimals: number | null;
  source?: string;
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
  if (meta.decimals === null) return `${formatUnits(raw, 0)} ${meta.symbol} (base units)`;
  return `${formatUnits(raw, meta.decimals)} ${meta.symbol}`;
}

/** `"1.5"` in display units of `decimals` → base units (`"1500000"`); null if not a number
 * or finer than the asset's smallest unit. */
export function parseUnits(text: string, decimals: number): bigint | null {
  const t = text.trim().replace(/[,_ ]/g, "");
  const m = /^(\d*)(?:\.(\d*))?$/.exec(t);
  if (!m || (m[1] === "" && !m[2])) return null;
  const frac = m[2] ?? "";
  if (frac.replace(/0+$/, "").length > decimals) return null;
  return BigInt(m[1] || "0") * 10n ** BigInt(decimals) + BigInt((frac + "0".repeat(decimals)).slice(0, decimals) || "0");
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
