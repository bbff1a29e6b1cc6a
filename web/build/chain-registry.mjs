// Build-time extract of the `chain-registry` npm package: per chain its id, names, CLI
// (daemon) name, address prefix and fee tokens, and per asset only what the dashboard needs
// to show an amount (base denom, symbol, display exponent, native or not). The whole
// package is ~30 MB of JavaScript with descriptions and logos; this extract is what the
// page downloads, as a chunk of its own, once per visit.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** The display exponent of a chain-registry asset (`denomUnits` entry named `display`). */
export function displayExponent(asset) {
  const units = asset.denomUnits ?? [];
  const shown = units.find((u) => u.denom === asset.display || (u.aliases ?? []).includes(asset.display));
  if (shown) return shown.exponent;
  return units.reduce((m, u) => Math.max(m, u.exponent), 0);
}

/** Minted on the chain that lists it (not a voucher that arrived over IBC): such a base denom
 * means the same asset wherever a chain without a registry entry holds it as is. */
const isNative = (asset) =>
  !asset.base.startsWith("ibc/") && asset.typeAsset !== "ics20" && !(asset.traces ?? []).some((t) => t.type?.startsWith("ibc"));

export function extract() {
  const { chains, assetLists } = require("chain-registry");
  const lists = new Map(assetLists.map((l) => [l.chainName, l.assets]));
  const out = [];
  for (const c of chains) {
    if (!c.chainId || c.chainType !== "cosmos") continue;
    const fee = (c.fees?.feeTokens ?? []).map((t) => [
      t.denom,
      t.fixedMinGasPrice ?? null,
      t.lowGasPrice ?? null,
      t.averageGasPrice ?? null,
    ]);
    const assets = (lists.get(c.chainName) ?? []).map((a) => [a.base, a.symbol, displayExponent(a), isNative(a) ? 1 : 0]);
    out.push({
      id: c.chainId,
      name: c.chainName,
      pretty: c.prettyName ?? c.chainName,
      daemon: c.daemonName ?? null,
      prefix: c.bech32Prefix ?? null,
      net: c.networkType ?? null,
      rpc: c.apis?.rpc?.[0]?.address ?? null,
      rest: c.apis?.rest?.[0]?.address ?? null,
      fee,
      assets,
    });
  }
  return out;
}

/** Vite plugin: `import { chains } from "virtual:chain-registry"`. */
export function chainRegistryPlugin() {
  const id = "virtual:chain-registry";
  const resolved = "\0" + id;
  return {
    name: "restake-chain-registry",
    resolveId: (source) => (source === id ? resolved : null),
    load: (source) => (source === resolved ? `export const chains = ${JSON.stringify(extract())};` : null),
  };
}
