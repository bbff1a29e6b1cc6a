// The exact `wasmd tx wasm execute` command of each staker action, with a copy button.
// Transactions are out of scope: people paste these into their own wallet's CLI.

import type { ExecuteMsg } from "../../clients/ts/src/RestakeHub.types";
import { html, type Html } from "./html";

const GAS = "--gas auto --gas-adjustment 2";

/** `'...'` quoting for a POSIX shell. */
const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export function wasmdExecute(contract: string, msg: ExecuteMsg, from: string, funds?: string): string {
  const amount = funds ? ` --amount ${funds}` : "";
  return `wasmd tx wasm execute ${contract} ${shellQuote(JSON.stringify(msg))}${amount} --from ${from} ${GAS}`;
}

export interface CommandItem {
  action: string;
  what: string;
  command: string;
}

let nextId = 0;

export function commandBlock(c: CommandItem): Html {
  const id = `cmd-${++nextId}`;
  return html`<div class="cmd" data-action="${c.action}">
    <div class="cmd-head"><code class="cmd-name">${c.action}</code><span>${c.what}</span>
      <button type="button" class="copy" data-copy="${id}" aria-label="Copy the ${c.action} command">Copy</button></div>
    <pre><code id="${id}" data-testid="cmd-${c.action}">${c.command}</code></pre>
  </div>`;
}

/** Ids typed as `1, 2` → [1, 2] (anything else is dropped). */
export function parseIds(s: string): number[] {
  return s
    .split(/[\s,]+/)
    .filter((x) => /^\d+$/.test(x))
    .map(Number);
}

export interface StakerActionInput {
  contract: string;
  staker: string;
  denom: string;
  validator: string;
  amount: string;
  unbondAmount: string;
  optIn: number[];
  optOut: number[];
}

export function stakerCommands(i: StakerActionInput): CommandItem[] {
  const v = i.validator || "$VAL";
  const c = (msg: ExecuteMsg, funds?: string) => wasmdExecute(i.contract, msg, i.staker, funds);
  // The hub refuses an empty list: say so rather than print a command that fails.
  const ids = (list: number[], msg: ExecuteMsg) =>
    list.length === 0 ? "# type the service ids above (the hub refuses an empty list)" : c(msg);
  return [
    { action: "deposit", what: "stake more on this validator through the hub", command: c({ deposit: { validator: v } }, `${i.amount || "0"}${i.denom}`) },
    { action: "opt_in", what: "secure (and earn from) these services with the whole position", command: ids(i.optIn, { opt_in: { validator: v, service_ids: i.optIn } }) },
    { action: "opt_out", what: "start leaving these services (waits for their opt-out delay)", command: ids(i.optOut, { opt_out: { validator: v, service_ids: i.optOut } }) },
    { action: "complete_opt_out", what: "finish every opt-out whose delay has passed", command: c({ complete_opt_out: { validator: v } }) },
    { action: "unbond", what: "stop earning now; tokens stay slashable until claimed", command: c({ unbond: { validator: v, amount: i.unbondAmount || "0" } }) },
    { action: "claim_unbonded", what: "receive every matured unbonding", command: c({ claim_unbonded: {} }) },
    { action: "claim_rewards", what: "receive all pending rewards, every denom and token", command: c({ claim_rewards: {} }) },
  ];
}

/** Copies the text of `[data-copy]`'s target; says so on the button. */
export async function copyFrom(button: HTMLElement): Promise<void> {
  const target = document.getElementById(button.dataset.copy ?? "");
  if (!target) return;
  const text = target.textContent ?? "";
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const ta = document.createElement("textarea");
    ta.value = text;
    document.body.append(ta);
    ta.select();
    document.execCommand("copy");
    ta.remove();
  }
  button.textContent = "Copied";
  button.classList.add("copied");
  setTimeout(() => {
    button.textContent = "Copy";
    button.classList.remove("copied");
  }, 1500);
}
