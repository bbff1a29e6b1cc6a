// The staker page's actions, signed by the connected browser wallet: every hub message a
// staker sends, composed by the generated client's message composer (deposit and opt_in
// travel in one transaction). Each result shows the transaction hash and gas used, or the
// hub's own refusal; the page then refreshes from the chain.

import { RestakeHubMsgComposer } from "../../clients/ts/src/RestakeHub.message-composer";
import type { PositionResponse, ServiceResponse, VoteOption, WeightedVote } from "../../clients/ts/src/RestakeHub.types";
import type { Ctx } from "./context";
import { formatAmount, formatPct, parseUnits, shortAddr } from "./format";
import { html, type Html } from "./html";
import { shareDenom } from "./registry";
import type { TxOutcome } from "./txresult";
import * as wallet from "./wallet";

export interface ActData {
  staker: string;
  positions: PositionResponse[];
  services: ServiceResponse[];
  balances: { denom: string; amount: string }[];
  /** Bonded validators of the chain: [operator address, moniker]. */
  validators: [string, string][];
}

/** The last result, kept across the refresh that follows it (cleared on navigation). */
let last: TxOutcome | null = null;
export const clearResult = (): void => {
  last = null;
};

export function resultBox(o: TxOutcome | null): Html {
  if (!o) return html`<div class="tx-result" data-testid="tx-result" role="status" aria-live="polite"></div>`;
  if (o.ok) {
    return html`<div class="tx-result ok" data-testid="tx-result" data-ok="true" data-action="${o.action}" data-hash="${o.hash ?? ""}" role="status" aria-live="polite">
      <b>${o.action}</b>: included in block <span data-testid="tx-height">${o.height ?? ""}</span>.
      Transaction <code data-testid="tx-hash">${o.hash ?? ""}</code>, gas used <span data-testid="tx-gas-used">${o.gasUsed ?? ""}</span> of ${o.gasWanted ?? ""}.
    </div>`;
  }
  const where =
    o.stage === "simulation"
      ? "was refused in simulation: nothing was signed or sent"
      : o.stage === "chain"
        ? `failed on chain (code ${o.code ?? "?"}, transaction ${o.hash ?? ""}): the fee was paid, nothing else changed`
        : "was not sent";
  return html`<div class="tx-result bad" data-testid="tx-result" data-ok="false" data-action="${o.action}" data-stage="${o.stage}" role="alert">
    <b>${o.action}</b> ${where}.
    <p class="refusal" data-testid="tx-refusal">${o.reason ?? ""}</p>
    ${o.detail && o.detail !== o.reason ? html`<details><summary>Details from the node</summary><pre>${o.detail}</pre></details>` : ""}
  </div>`;
}

/** A select's options (the select is `required`: with no service, "none" blocks the submit). */
const serviceOptions = (services: ServiceResponse[]): Html[] =>
  services.length === 0
    ? [html`<option value="">none</option>`]
    : services.map((s) => html`<option value="${s.id}">${s.name} (#${s.id}, max slash ${formatPct(s.max_slash)})</option>`);

/** The panel: connect, or the forms. */
export function actionsPanel(ctx: Ctx, d: ActData): Html {
  const c = wallet.connected();
  const found = wallet.available();
  if (!c) {
    return html`${resultBox(last)}<p class="hint" data-testid="act-connect">${
      found.length === 0
        ? "No browser wallet (Keplr or Leap) is installed: use the commands below with your own CLI."
        : html`Connect ${found.map((w) => html`<button type="button" data-wallet-connect="${w.kind}">${w.label}</button> `)}to sign these actions from this page.`
    }</p>`;
  }
  if (c.address !== d.staker) {
    return html`${resultBox(last)}<p class="hint" data-testid="act-other">Your wallet is <code>${shortAddr(c.address)}</code>, not this staker: <a href="#/staker/${c.address}">open your own page</a> to act.</p>`;
  }
  const bondedDenom = ctx.config.bonded_denom;
  const unit = ctx.bonded.decimals === null ? `${bondedDenom} (base units)` : ctx.bonded.symbol;
  const active = d.services.filter((s) => s.status === "active");
  const byId = new Map(d.services.map((s) => [s.id, s]));
  const balance = d.balances.find((b) => b.denom === bondedDenom)?.amount ?? "0";
  const shares = d.balances.filter((b) => shareDenom(b.denom));
  const vals = [...new Map([...d.validators, ...d.positions.map((p) => [p.validator, ""] as [string, string])]).entries()];
  const valName = (v: string, m: string) => `${m || ctx.names.get(v) || "validator"} · ${shortAddr(v)}`;
  const first = d.positions[0];

  const deposit = html`<form class="act" data-testid="form-deposit" data-act="deposit">
    <h3>Deposit</h3>
    <label>Validator <select name="validator" required>${vals.map(([v, m]) => html`<option value="${v}">${valName(v, m)}</option>`)}</select></label>
    <label>Amount (${unit}) <input name="amount" inputmode="decimal" autocomplete="off" required placeholder="1.5"/></label>
    <small class="muted">Wallet: ${formatAmount(balance, ctx.bonded)}. Minimum deposit ${formatAmount(ctx.config.min_deposit, ctx.bonded)}.</small>
    ${active.length > 0
      ? html`<fieldset><legend>Opt in to, in the same transaction</legend>${active.map(
          (s) => html`<label class="check"><input type="checkbox" name="optIn" value="${s.id}"/> ${s.name} <small>(max slash ${formatPct(s.max_slash)})</small></label>`,
        )}</fieldset>`
      : ""}
    <button type="submit">Deposit</button>
  </form>`;

  const depositShares =
    shares.length === 0
      ? ""
      : html`<form class="act" data-testid="form-deposit-shares" data-act="deposit_shares">
    <h3>Deposit tokenized shares</h3>
    <p class="hint">Shares from <code>tokenize-share</code> join the hub without unbonding, on their own validator.</p>
    <label>Shares <select name="denom">${shares.map((b) => html`<option value="${b.denom}">${b.denom} (${formatAmount(b.amount, ctx.assets.meta(b))})</option>`)}</select></label>
    <label>Amount (${unit}) <input name="amount" inputmode="decimal" autocomplete="off" required/></label>
    <button type="submit">Deposit shares</button>
  </form>`;

  const manage =
    d.positions.length === 0
      ? html`<p class="muted" data-testid="no-position-actions">Opt-ins, opt-outs, unbonding and share withdrawals appear once you have a position.</p>`
      : html`<div class="act-group" data-testid="position-actions">
    <h3>Manage a position</h3>
    <label>Position <select name="position" data-testid="position-select">${d.positions.map(
      (p) => html`<option value="${p.validator}">${valName(p.validator, vals.find(([v]) => v === p.validator)?.[1] ?? "")}: ${formatAmount(p.amount, ctx.bonded)}</option>`,
    )}</select></label>
    <div class="act-row">
      <form class="act" data-testid="form-opt-in" data-act="opt_in">
        <label>Opt in to <select name="service" required>${serviceOptions(active.filter((s) => !first?.service_ids.includes(s.id)))}</select></label>
        <button type="submit">Opt in</button>
      </form>
      <form class="act" data-testid="form-opt-out" data-act="opt_out">
        <label>Opt out of <select name="service" required>${serviceOptions((first?.service_ids ?? []).map((id) => byId.get(id)).filter((s): s is ServiceResponse => !!s))}</select></label>
        <button type="submit">Start opt-out</button>
      </form>
      <form class="act" data-testid="form-complete-opt-out" data-act="complete_opt_out">
        <button type="submit">Complete opt-outs</button>
      </form>
    </div>
    <div class="act-row">
      <form class="act" data-testid="form-unbond" data-act="unbond">
        <label>Unbond (${unit}) <input name="amount" inputmode="decimal" autocomplete="off" required/></label>
        <button type="submit">Unbond</button>
      </form>
      <form class="act" data-testid="form-withdraw-shares" data-act="withdraw_shares">
        <label>Withdraw as shares (${unit}) <input name="amount" inputmode="decimal" autocomplete="off" required/></label>
        <button type="submit">Withdraw shares</button>
      </form>
    </div>
  </div>`;

  const claims = html`<div class="act-row">
    <form class="act" data-testid="form-claim-rewards" data-act="claim_rewards"><button type="submit">Claim rewards</button></form>
    <form class="act" data-testid="form-claim-unbonded" data-act="claim_unbonded"><button type="submit">Claim unbonded</button></form>
  </div>`;

  return html`${resultBox(last)}
    <p class="hint">Signed by ${c.label} (<b>${c.name}</b>). The hub checks each message in a simulation first: a refusal costs nothing.</p>
    <div class="act-grid">${deposit}${depositShares}</div>
    ${manage}
    <h3>Claims</h3>${claims}`;
}

/** One vote form per open proposal (rendered by the governance panel), preset to the
 * staker's current vote (`Yes` when none). */
export function voteForm(proposalId: number, enabled: boolean, current?: { option?: VoteOption | null; weighted?: { option: VoteOption; weight: string }[] | null } | null): Html {
  if (!enabled) return html``;
  const options: [VoteOption, string][] = [
    ["yes", "Yes"],
    ["no", "No"],
    ["abstain", "Abstain"],
    ["no_with_veto", "No with veto"],
  ];
  const weighted = current?.weighted ?? [];
  const preset = current?.option ?? (weighted.length > 0 ? "weighted" : "yes");
  const weightedText = weighted.map((w) => `${w.option}=${w.weight}`).join(", ");
  return html`<form class="act vote" data-testid="form-vote-${proposalId}" data-act="vote" data-proposal="${proposalId}">
    <fieldset><legend>Vote with your hub stake</legend>
      ${options.map(([o, label]) => html`<label class="check"><input type="radio" name="option" value="${o}" ${o === preset ? "checked" : ""}/> ${label}</label>`)}
      <label class="check"><input type="radio" name="option" value="weighted" ${preset === "weighted" ? "checked" : ""}/> Weighted: <input name="weighted" placeholder="yes=0.7, no=0.3" size="18" value="${weightedText}" aria-label="Weighted vote, e.g. yes=0.7, no=0.3"/></label>
    </fieldset>
    <button type="submit">Vote</button>
  </form>`;
}

/** `yes=0.7, no=0.3` → weighted votes (the hub checks the weights). */
export function parseWeighted(s: string): WeightedVote[] | null {
  const parts = s.split(/[,;]+/).map((x) => x.trim()).filter(Boolean);
  const out: WeightedVote[] = [];
  for (const p of parts) {
    const m = /^(yes|no|abstain|no_with_veto)\s*[=:]\s*(\d*\.?\d+)$/.exec(p);
    if (!m) return null;
    out.push({ option: m[1] as VoteOption, weight: m[2] });
  }
  return out.length > 0 ? out : null;
}

class InputError extends Error {}

function amountOf(ctx: Ctx, form: HTMLFormElement, name = "amount"): string {
  const text = (form.elements.namedItem(name) as HTMLInputElement).value;
  const v = parseUnits(text, ctx.bonded.decimals ?? 0);
  if (v === null || v === 0n) throw new InputError(`"${text}" is not an amount of ${ctx.bonded.symbol}${ctx.bonded.decimals ? ` (up to ${ctx.bonded.decimals} decimals)` : ""}.`);
  return v.toString();
}

/** Wires the forms of the page (actions and votes) once it is in the document. */
export function mountActions(root: HTMLElement, ctx: Ctx, d: ActData, rerender: () => void): void {
  const c = wallet.connected();
  if (!c || c.address !== d.staker) return;
  const compose = new RestakeHubMsgComposer(c.address, ctx.lcd.contract);
  const byId = new Map(d.services.map((s) => [s.id, s]));
  const positionSelect = root.querySelector<HTMLSelectElement>("[data-testid=position-select]");
  const position = () => d.positions.find((p) => p.validator === positionSelect?.value);

  // Opt-in/out choices follow the chosen position.
  positionSelect?.addEventListener("change", () => {
    const p = position();
    const fill = (form: string, ids: number[]) => {
      const sel = root.querySelector<HTMLSelectElement>(`[data-testid=${form}] select[name=service]`);
      if (sel) sel.innerHTML = serviceOptions(ids.map((id) => byId.get(id)).filter((s): s is ServiceResponse => !!s)).join("");
    };
    fill("form-opt-in", d.services.filter((s) => s.status === "active" && !p?.service_ids.includes(s.id)).map((s) => s.id));
    fill("form-opt-out", p?.service_ids ?? []);
  });

  const build = (form: HTMLFormElement): { action: string; msgs: ReturnType<typeof compose.deposit>[] } => {
    const act = form.dataset.act ?? "";
    const v = position()?.validator ?? "";
    const field = (n: string) => form.elements.namedItem(n) as HTMLInputElement | HTMLSelectElement | null;
    switch (act) {
      case "deposit": {
        const validator = field("validator")?.value ?? "";
        const amount = amountOf(ctx, form);
        const ids = [...form.querySelectorAll<HTMLInputElement>("input[name=optIn]:checked")].map((i) => Number(i.value));
        const msgs = [compose.deposit({ validator }, [{ denom: ctx.config.bonded_denom, amount }])];
        if (ids.length > 0) msgs.push(compose.optIn({ validator, serviceIds: ids }));
        return { action: ids.length > 0 ? "deposit + opt_in" : "deposit", msgs };
      }
      case "deposit_shares": {
        const denom = field("denom")?.value ?? "";
        const validator = shareDenom(denom)?.validator ?? "";
        return { action: "deposit (shares)", msgs: [compose.deposit({ validator }, [{ denom, amount: amountOf(ctx, form) }])] };
      }
      case "opt_in":
      case "opt_out": {
        const id = Number(field("service")?.value ?? "");
        if (!id) throw new InputError("Choose a service.");
        const m = act === "opt_in" ? compose.optIn({ validator: v, serviceIds: [id] }) : compose.optOut({ validator: v, serviceIds: [id] });
        return { action: act, msgs: [m] };
      }
      case "complete_opt_out":
        return { action: act, msgs: [compose.completeOptOut({ validator: v })] };
      case "unbond":
        return { action: act, msgs: [compose.unbond({ validator: v, amount: amountOf(ctx, form) })] };
      case "withdraw_shares":
        return { action: act, msgs: [compose.withdrawShares({ validator: v, amount: amountOf(ctx, form) })] };
      case "claim_rewards":
        return { action: act, msgs: [compose.claimRewards()] };
      case "claim_unbonded":
        return { action: act, msgs: [compose.claimUnbonded()] };
      case "vote": {
        const proposalId = Number(form.dataset.proposal);
        const choice = (form.querySelector<HTMLInputElement>("input[name=option]:checked")?.value ?? "yes") as VoteOption | "weighted";
        if (choice === "weighted") {
          const text = (field("weighted")?.value ?? "").trim();
          const weighted = parseWeighted(text);
          if (!weighted) throw new InputError(`"${text}" is not a weighted vote: write it as yes=0.7, no=0.3.`);
          return { action: `vote on proposal ${proposalId}`, msgs: [compose.vote({ proposalId, weighted })] };
        }
        return { action: `vote on proposal ${proposalId}`, msgs: [compose.vote({ proposalId, option: choice })] };
      }
      default:
        throw new InputError(`unknown action ${act}`);
    }
  };

  const show = (o: TxOutcome) => {
    for (const box of root.querySelectorAll<HTMLElement>("[data-testid=tx-result]")) box.outerHTML = resultBox(o).s;
  };

  for (const form of root.querySelectorAll<HTMLFormElement>("form[data-act]")) {
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      let built;
      try {
        built = build(form);
      } catch (e) {
        show({ action: form.dataset.act ?? "", ok: false, stage: "wallet", reason: e instanceof Error ? e.message : String(e) });
        return;
      }
      const buttons = [...root.querySelectorAll<HTMLButtonElement>("form[data-act] button")];
      buttons.forEach((b) => (b.disabled = true));
      root.setAttribute("aria-busy", "true");
      for (const box of root.querySelectorAll<HTMLElement>("[data-testid=tx-result]")) {
        box.className = "tx-result working";
        box.removeAttribute("data-ok");
        box.textContent = `${built.action}: simulating, then waiting for ${c.label} and the chain…`;
      }
      let outcome: TxOutcome;
      try {
        outcome = await wallet.send(ctx, built.action, built.msgs);
      } catch (e) {
        outcome = { action: built.action, ok: false, stage: "wallet", reason: e instanceof Error ? e.message : String(e) };
      }
      root.removeAttribute("aria-busy");
      last = outcome;
      if (outcome.ok) {
        rerender();
      } else {
        buttons.forEach((b) => (b.disabled = false));
        show(outcome);
      }
    });
  }
}
