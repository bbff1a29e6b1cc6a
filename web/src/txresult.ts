// What a transaction came to, and the words of whoever refused it. Pure (no CosmJS), so the
// page can show results without loading the signer.

export interface TxOutcome {
  action: string;
  ok: boolean;
  /** Where a refusal happened: in the simulation (nothing was signed or sent) or on chain. */
  stage: "simulation" | "chain" | "wallet" | "done";
  hash?: string;
  height?: number;
  gasUsed?: string;
  gasWanted?: string;
  code?: number;
  /** The refusal in the refuser's own words. */
  reason?: string;
  /** The full error, for the details view. */
  detail?: string;
}

/**
 * The contract's (or module's) own words inside a node's error text:
 * `…message index: 0: <the hub's text>: execute wasm contract failed [CosmWasm/…] With gas…`
 * or `…desc = <module text> [cosmos/…] With gas wanted…`.
 */
export function refusalText(raw: string): string {
  const wasm = /message index: \d+: ([\s\S]*?): execute wasm contract failed/.exec(raw);
  if (wasm) return wasm[1].replace(/^Error parsing into type [^:]+: /, "").trim();
  const desc = /desc = ([\s\S]*?)(?: \[[^\]]*\])?(?: With gas wanted[\s\S]*)?(?:: unknown request)?$/.exec(raw);
  if (desc) return desc[1].replace(/^failed to execute message; message index: \d+: /, "").trim();
  return raw.replace(/^(Error: )?(Broadcasting transaction failed with code \d+ \(codespace: \w+\)\. Log: )?/, "").trim();
}
