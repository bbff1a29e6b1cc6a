// The exact `<chain CLI> tx wasm execute` command of each staker action, with a copy button,
// for people without a browser wallet (the CLI is the chain's: `gaiad` on the Cosmos Hub).

import type { ExecuteMsg } from "../../clients/ts/src/RestakeHub.types";
import { html, type Html } from "./html";

const GAS = "--gas auto --gas-adjustment 2";

/** `'...'` quoting for a POSIX shell. */
const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export function wasmdExecute(contract: string, msg: ExecuteMsg, from: string, funds?: string, cli = "wasmd"): string {
  const amount = funds ? ` --amount ${funds}` : "";
  return `${cli} tx wasm execute ${contract} ${shellQuote(JSON.stringify(msg))}${amount} --from ${from} ${GAS}`;
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
  /** The chain's CLI (`gaiad`, `wasmd`, …). */
  cli: string;
  contract: string;
  staker: string;
  denom: string;
  validator: string;
  amount: string;
  unbondAmount: string;
  optIn: number[];
  optOut: number[];
  /** An open proposal to show the vote command for. */
  proposal: number | null;
}

export function stakerCommands(i: StakerActionInput): CommandItem[] {
  const v = i.validator || "$VAL";
  const c = (msg: ExecuteMsg, funds?: string) => wasmdExecute(i.contract, msg, i.staker, funds, i.cli);
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
    { action: "withdraw_shares", what: "leave as tokenized shares of the validator (stake that secures no service)", command: c({ withdraw_shares: { validator: v, amount: i.unbondAmount || "0" } }) },
    {
      action: "vote",
      what: i.proposal === null ? "vote on an open proposal with your stake in the hub" : `vote on proposal ${i.proposal} with your stake in the hub`,
      command: c({ vote: { proposal_id: i.proposal ?? 0, option: "yes" } }),
    },
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
