// One staker: positions and their services, exposure and what could be lost, pending
// rewards, opt-outs, unbondings, open proposals with the staker's vote, and every action:
// signed by a browser wallet, or as a command to copy.

import type {
  PendingRewardsResponse,
  ServiceResponse,
  StakerOverviewResponse,
} from "../../../clients/ts/src/RestakeHub.types";
import { actionsPanel, clearResult, mountActions, type ActData } from "../act";
import { commandBlock, parseIds, stakerCommands, type StakerActionInput } from "../actions";
import { barChart, gauge } from "../charts";
import type { Ctx } from "../context";
import { allPositions, allServices, allUnbondings, bondedValidators } from "../data";
import { formatPct, maxSlashOf, ratioPct } from "../format";
import { governancePanel, openProposals } from "../gov";
import { html } from "../html";
import { serviceRisks, validatorRisks } from "../risk";
import { bonded, card, empty, type Page, section, serviceLink, statusBadge, when, who } from "../ui";
import { connected as walletConnected } from "../wallet";

interface Balances {
  balances: { denom: string; amount: string }[];
}

/** The chain-slash fraction the "what could I lose" panel shows (Cosmos Hub double-sign: 5 %). */
const CHAIN_SLASH = "0.05";

export async function stakerPage(ctx: Ctx, staker: string, opts: { fresh: boolean; rerender: () => void }): Promise<Page> {
  if (opts.fresh) clearResult();
  // The overview first: a wrong address is then reported once, by the same query.
  const overview = await ctx.lcd.smart<StakerOverviewResponse>({ staker_overview: { staker } });
  const [positions, rewards, unbondings, services, wallet, validators] = await Promise.all([
    allPositions(ctx.lcd, staker),
    ctx.lcd.smart<PendingRewardsResponse>({ pending_rewards: { staker } }),
    allUnbondings(ctx.lcd, staker),
    allServices(ctx.lcd),
    ctx.lcd.get<Balances>(`/cosmos/bank/v1beta1/balances/${encodeURIComponent(staker)}`).catch(() => null),
    bondedValidators(ctx.lcd),
  ]);
  for (const [v, moniker] of validators) if (moniker && !ctx.names.has(v)) ctx.names.set(v, moniker);
  const proposals = await openProposals(ctx, staker);
  await ctx.assets.loadFrom(rewards.rewards, wallet?.balances ?? [], services.flatMap((s) => s.reward_denoms.map((denom) => ({ denom }))));
  const byId = new Map<number, ServiceResponse>(services.map((s) => [s.id, s]));
  const name = ctx.names.get(staker);
  const atRisk = BigInt(overview.bonded) + BigInt(overview.unbonding);
  const exposurePct = ratioPct(overview.max_slash_exposure, atRisk);
  const exposureBp = atRisk === 0n ? 0 : Number((BigInt(overview.max_slash_exposure) * 10000n) / atRisk);

  const cards = html`<div class="cards">
    ${card("Bonded", bonded(ctx, overview.bonded), "stat-bonded", overview.bonded)}
    ${card("Unbonding", bonded(ctx, overview.unbonding), "stat-unbonding", overview.unbonding)}
    ${card("Claimable now", bonded(ctx, overview.claimable), "stat-claimable", overview.claimable)}
    ${card("Max slash exposure", bonded(ctx, overview.max_slash_exposure), "stat-exposure", overview.max_slash_exposure, html`<span data-testid="stat-exposure-pct">${exposurePct}</span> of bonded + unbonding`)}
    ${card("Positions", String(overview.positions), "stat-positions", String(overview.positions))}
  </div>`;

  const restakedBars = overview.restaked.map((r) => ({
    label: byId.get(r.service_id)?.name ?? `#${r.service_id}`,
    value: BigInt(r.amount),
    display: bonded(ctx, r.amount),
    href: `#/service/${r.service_id}`,
  }));
  const charts = html`<div class="charts">
    ${gauge(exposureBp, exposurePct, "Could be lost if every service slashed its maximum", "chart-exposure")}
    ${restakedBars.length > 0
      ? barChart(restakedBars, "Restaked per service (the same stake can secure several)", "chart-staker-restaked")
      : empty(
          BigInt(overview.max_slash_exposure) > 0n
            ? "No bonded stake secures a service now; unbonding tokens stay slashable by their services until claimed."
            : "This stake secures no service: it risks nothing beyond normal staking.",
          "empty-restaked",
        )}
  </div>`;

  const positionsTable =
    positions.length === 0
      ? empty("This address has no positions in the hub.", "empty-positions")
      : html`<table class="table" data-testid="positions-table">
      <thead><tr><th>Validator</th><th class="num">Bonded</th><th>Services</th><th class="num">Max slash</th><th>Pending opt-outs</th></tr></thead>
      <tbody>${positions.map((p) => {
        const fractions = p.service_ids.map((id) => byId.get(id)?.max_slash ?? "0");
        const max = maxSlashOf(p.amount, fractions);
        return html`<tr data-validator="${p.validator}">
          <td>${who(ctx, p.validator)}</td>
          <td class="num" data-col="amount" data-raw="${p.amount}">${bonded(ctx, p.amount)}</td>
          <td data-col="services">${p.service_ids.length === 0
            ? html`<span class="muted">none</span>`
            : p.service_ids.map((id) => html`<span class="svc-chip">${serviceLink(byId, id)} <small>${formatPct(byId.get(id)?.max_slash ?? "0")}</small></span> `)}</td>
          <td class="num" data-col="max-slash" data-raw="${max}">${bonded(ctx, max)}</td>
          <td data-col="opt-outs">${p.pending_opt_outs.length === 0 ? html`<span class="muted">—</span>` : p.pending_opt_outs.map((o) => byId.get(o.service_id)?.name ?? `#${o.service_id}`).join(", ")}</td>
        </tr>`;
      })}</tbody></table>`;

  const rewardsTable =
    rewards.rewards.length === 0
      ? empty("No pending rewards.", "empty-rewards")
      : html`<table class="table narrow" data-testid="rewards-table">
      <thead><tr><th>Asset</th><th class="num">Pending</th></tr></thead>
      <tbody>${rewards.rewards.map(
        (r) => html`<tr data-asset="${r.denom ?? r.cw20 ?? ""}">
          <td>${ctx.assets.meta(r).symbol} ${r.cw20 ? html`<small class="muted">cw20</small>` : ""}</td>
          <td class="num" data-col="amount" data-raw="${r.amount}">${ctx.assets.fmt(r)}</td></tr>`,
      )}</tbody></table>`;

  const optOuts = positions.flatMap((p) => p.pending_opt_outs.map((o) => ({ validator: p.validator, ...o })));
  const optOutTable =
    optOuts.length === 0
      ? empty("No pending opt-outs.", "empty-opt-outs")
      : html`<table class="table" data-testid="opt-outs-table">
      <thead><tr><th>Validator</th><th>Service</th><th>Ready at</th><th>State</th></tr></thead>
      <tbody>${optOuts.map(
        (o) => html`<tr data-validator="${o.validator}" data-service="${o.service_id}">
          <td>${who(ctx, o.validator)}</td><td>${serviceLink(byId, o.service_id)}</td>
          <td data-col="ready">${when(ctx, o.ready_at)}</td>
          <td>${BigInt(o.ready_at) <= ctx.now ? html`<span class="badge badge-active">ready: complete_opt_out</span>` : html`<span class="badge badge-pending">waiting</span>`}</td></tr>`,
      )}</tbody></table>`;

  const unbondingTable =
    unbondings.length === 0
      ? empty("No unbondings.", "empty-unbondings")
      : html`<table class="table" data-testid="unbondings-table">
      <thead><tr><th>#</th><th>Validator</th><th class="num">Amount</th><th>Slashable by</th><th>Status</th><th>Completes</th></tr></thead>
      <tbody>${unbondings.map(
        (u) => html`<tr data-unbonding="${u.id}">
          <td>${u.id}</td><td>${who(ctx, u.validator)}</td>
          <td class="num" data-col="amount" data-raw="${u.amount}">${bonded(ctx, u.amount)}</td>
          <td>${u.service_ids.length === 0 ? html`<span class="muted">none</span>` : u.service_ids.map((id) => html`<span class="svc-chip">${serviceLink(byId, id)}</span>`)}</td>
          <td data-col="status">${statusBadge(u.status)}${u.frozen ? html` <span class="badge badge-pending" data-testid="frozen" title="a pending slash request covers this unbonding: it cannot be claimed until the request is executed or vetoed">frozen by a pending slash</span>` : ""}</td>
          <td data-col="completion">${when(ctx, u.completion_time)}</td></tr>`,
      )}</tbody></table>`;

  const walletTable =
    wallet === null
      ? ""
      : section(
          "Wallet",
          wallet.balances.length === 0
            ? empty("No tokens in the wallet.", "empty-wallet")
            : html`<table class="table narrow" data-testid="wallet-table"><thead><tr><th>Asset</th><th class="num">Balance</th></tr></thead>
            <tbody>${wallet.balances.map((b) => html`<tr data-asset="${b.denom}"><td title="${ctx.assets.meta(b).source ?? ""}">${ctx.assets.meta(b).symbol}</td><td class="num" data-col="amount" data-raw="${b.amount}">${ctx.assets.fmt(b)}</td></tr>`)}</tbody></table>`,
          "wallet-panel",
        );

  // Commands for people without a browser wallet: defaults from the first position.
  const cliValidators = [...new Set([...positions.map((p) => p.validator), ...validators.map(([v]) => v), ...(ctx.sim?.validators.map((v) => v.address) ?? [])])];
  const defaults = (validator: string): StakerActionInput => {
    const p = positions.find((x) => x.validator === validator);
    const inPos = p?.service_ids ?? [];
    return {
      cli: ctx.chain.cli,
      contract: ctx.lcd.contract,
      staker,
      denom: ctx.config.bonded_denom,
      validator,
      amount: BigInt(ctx.config.min_deposit) > 1000000n ? ctx.config.min_deposit : "1000000",
      unbondAmount: p?.amount ?? "0",
      optIn: services.filter((s) => s.status === "active" && !inPos.includes(s.id)).map((s) => s.id),
      optOut: inPos,
      proposal: proposals?.[0]?.id ?? null,
    };
  };
  const first = defaults(cliValidators[0] ?? "");
  const commands = html`<details class="cli" data-testid="cli-commands" ${walletConnected() ? "" : html`open`}>
    <summary>Commands for your own CLI (<code>${ctx.chain.cli} tx wasm execute</code>)</summary>
    <form class="action-form" data-testid="action-form" onsubmit="return false">
      <label>Validator <input name="validator" list="validator-list" value="${first.validator}" placeholder="${ctx.chain.prefix}valoper1…" size="40"/></label>
      <datalist id="validator-list">${cliValidators.map((v) => html`<option value="${v}">${ctx.names.get(v) ?? ""}</option>`)}</datalist>
      <label>Deposit amount <input name="amount" value="${first.amount}" inputmode="numeric" size="12"/> <small>${ctx.config.bonded_denom}</small></label>
      <label>Unbond amount <input name="unbondAmount" value="${first.unbondAmount}" inputmode="numeric" size="12"/></label>
      <label>Opt in to <input name="optIn" value="${first.optIn.join(", ")}" size="8"/></label>
      <label>Opt out of <input name="optOut" value="${first.optOut.join(", ")}" size="8"/></label>
    </form>
    <div class="cmds" data-testid="commands">${stakerCommands(first).map(commandBlock)}</div>
  </details>`;

  const data: ActData = { staker, positions, services, balances: wallet?.balances ?? [], validators };
  const actions = section(
    "Act",
    html`<div data-testid="act">${actionsPanel(ctx, data)}</div>${commands}`,
    "actions-panel",
  );

  // What could I lose: every service at its maximum, every validator slashed by the chain.
  const sRisks = serviceRisks(positions, unbondings, byId);
  const vRisks = validatorRisks(positions, unbondings, CHAIN_SLASH);
  const risk = section(
    "What could I lose",
    sRisks.length === 0 && vRisks.length === 0
      ? empty("Nothing: this address has no stake in the hub.", "empty-risk")
      : html`<p class="hint">From the hub's answers above; each slash is rounded down per exposure group, so a real one can differ by a base unit or two.</p>
      <table class="table" data-testid="risk-table">
        <thead><tr><th>If…</th><th class="num">Stake exposed</th><th class="num">You lose</th></tr></thead>
        <tbody>
        ${sRisks.map(
          (r) => html`<tr data-risk-service="${r.service_id}"><td>${serviceLink(byId, r.service_id)} slashes its maximum (${formatPct(r.max_slash)}) on every validator</td>
            <td class="num" data-col="exposed" data-raw="${r.exposed}">${bonded(ctx, r.exposed)}</td>
            <td class="num" data-col="loss" data-raw="${r.loss}">${bonded(ctx, r.loss)}</td></tr>`,
        )}
        ${vRisks.map(
          (r) => html`<tr data-risk-validator="${r.validator}"><td>the chain slashes ${who(ctx, r.validator)} by ${formatPct(CHAIN_SLASH)} (double signing)${r.unbonding > 0n ? html` <small>(unbonding counted: an upper bound)</small>` : ""}</td>
            <td class="num" data-col="exposed" data-raw="${r.bonded + r.unbonding}">${bonded(ctx, r.bonded + r.unbonding)}</td>
            <td class="num" data-col="loss" data-raw="${r.loss}">${bonded(ctx, r.loss)}</td></tr>`,
        )}
        </tbody></table>`,
    "risk-panel",
  );

  const gov = governancePanel(ctx, proposals, staker);

  const mount = (root: HTMLElement) => {
    mountActions(root, ctx, data, opts.rerender);
    const form = root.querySelector<HTMLFormElement>("[data-testid=action-form]");
    const cmds = root.querySelector<HTMLElement>("[data-testid=commands]");
    if (!form || !cmds) return;
    const field = (n: string) => form.elements.namedItem(n) as HTMLInputElement;
    const redraw = () => {
      const input: StakerActionInput = {
        ...first,
        validator: field("validator").value.trim(),
        amount: field("amount").value.replace(/[^\d]/g, ""),
        unbondAmount: field("unbondAmount").value.replace(/[^\d]/g, ""),
        optIn: parseIds(field("optIn").value),
        optOut: parseIds(field("optOut").value),
      };
      cmds.innerHTML = stakerCommands(input).map(commandBlock).join("");
    };
    field("validator").addEventListener("change", () => {
      const d = defaults(field("validator").value.trim());
      field("unbondAmount").value = d.unbondAmount;
      field("optIn").value = d.optIn.join(", ");
      field("optOut").value = d.optOut.join(", ");
      redraw();
    });
    form.addEventListener("input", redraw);
  };

  const nothing = positions.length === 0 && unbondings.length === 0 && rewards.rewards.length === 0;
  return {
    title: `Staker ${name ?? staker}`,
    body: html`
      <h1>Staker ${name ? html`<span data-testid="staker-name">${name}</span>` : ""}</h1>
      <p class="address" data-testid="staker-address"><code id="staker-addr">${staker}</code>
        <button type="button" class="copy small" data-copy="staker-addr">Copy</button></p>
      ${nothing ? html`<div class="banner" data-testid="no-stake">This address holds nothing in the hub: no positions, unbondings or rewards.</div>` : ""}
      ${cards}
      ${charts}
      ${section("Positions", positionsTable, "positions-panel")}
      <div class="two">
        ${section("Pending rewards", rewardsTable, "rewards-panel")}
        ${walletTable}
      </div>
      ${section("Pending opt-outs", optOutTable, "opt-outs-panel")}
      ${section("Unbondings", unbondingTable, "unbondings-panel")}
      ${risk}
      ${actions}
      ${gov}`,
    mount,
  };
}
