// Expected formatting, written here independently of the dashboard's formatters: amounts
// with grouped thousands and trailing zeros cut, percentages, and token metadata read
// straight from the chain-registry package (not from the dashboard's build-time extract).

import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

const groupDigits = (s) => s.replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/** Raw integer → decimal text with `decimals` places, trailing zeros cut. */
export function units(raw, decimals) {
  const s = BigInt(raw).toString().padStart(decimals + 1, "0");
  const whole = groupDigits(s.slice(0, s.length - decimals) || "0");
  const frac = decimals ? s.slice(s.length - decimals).replace(/0+$/, "") : "";
  return frac ? `${whole}.${frac}` : whole;
}

export const atom = (raw) => `${units(raw, 6)} ATOM`;

/** A cosmwasm Decimal string in 10^-18 units. */
export function decimalAtoms(d) {
  const [i, f = ""] = d.split(".");
  return BigInt(i || "0") * 10n ** 18n + BigInt((f + "0".repeat(18)).slice(0, 18));
}

export const pct = (d) => `${units(decimalAtoms(d) * 100n, 18)}%`;

/** Symbol and display decimals of the registry's native asset with base denom `base`
 * (the Cosmos Hub's list first, then noble's, then every other chain's). */
export function registryMeta(base) {
  const { assetLists } = require("chain-registry");
  const order = ["cosmoshub", "noble"];
  const lists = [...assetLists].sort((a, b) => {
    const ia = order.indexOf(a.chainName);
    const ib = order.indexOf(b.chainName);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
  });
  for (const l of lists) {
    for (const a of l.assets) {
      if (a.base !== base || a.base.startsWith("ibc/")) continue;
      const unit = a.denomUnits.find((u) => u.denom === a.display);
      return { symbol: a.symbol, decimals: unit.exponent };
    }
  }
  throw new Error(`no registry asset with base ${base}`);
}
