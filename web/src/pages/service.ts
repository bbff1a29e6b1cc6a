// One service: its terms, the stake securing it per validator, slash history, rewards paid.

import type { ServiceResponse } from "../../../clients/ts/src/RestakeHub.types";
import { commandBlock, wasmdExecute } from "../actions";
import { barChart } from "../charts";
import type { Ctx } from "../context";
import { allServices, allSlashRequests, serviceStake } from "../data";
import { formatDuration, formatPct, formatTime } from "../format";
import { html } from "../html";
import { bonded, card, empty, type Page, section, slashTable, statusBadge, who } from "../ui";

export async function servicePage(ctx: Ctx, id: number): Promise<Page> {
  // The service first: an unknown id is then reported once, by the same query.
  const service = await ctx.lcd.smart<ServiceResponse>({ service: { service_id: id } });
  const [stake, slashes, services] = await Promise.all([
    serviceStake(ctx.lcd, id),
    allSlashRequests(ctx.lcd, { service_id: id }),
    allServices(ctx.lcd),
  ]);
  await ctx.assets.load(service.reward_tokens);
  await ctx.assets.loadFrom(service.rewards_paid);
  const byId = new Map<number, ServiceResponse>(services.map((s) => [s.id, s]));

  const cards = html`<div class="cards">
    ${card("Restaked stake", bonded(ctx, service.total_stake), "stat-service-stake", service.total_stake)}
    ${card("Max slash", formatPct(service.max_slash), "stat-max-slash", service.max_slash, "per slash request")}
    ${card("Veto window", formatDuration(service.veto_period), "stat-veto", String(service.veto_period))}
    ${card("Opt-out delay", formatDuration(service.opt_out_delay), "stat-opt-out", String(service.opt_out_delay))}
    ${card("Slashed so far", bonded(ctx, service.total_slashed), "stat-service-slashed", service.total_slashed)}
  </div>`;

  const assets = [
    ...service.reward_denoms.map((d) => ctx.assets.meta({ denom: d }).symbol),
    ...service.reward_tokens.map((t) => `${ctx.assets.meta({ cw20: t }).symbol} (cw20)`),
  ];
  const details = html`<dl class="details" data-testid="service-details">
    <dt>Admin</dt><dd>${who(ctx, service.admin)}</dd>
    <dt>Slasher</dt><dd>${who(ctx, service.slasher)}</dd>
    <dt>Resolver (veto)</dt><dd>${service.resolver ? who(ctx, service.resolver) : html`<span class="muted">none (only the hub's owner may veto)</span>`}</dd>
    <dt>Reward assets</dt><dd data-testid="service-assets">${assets.join(", ") || "—"}</dd>
    <dt>Registered</dt><dd>${formatTime(service.registered_at)}</dd>
    ${service.metadata_uri ? html`<dt>Metadata</dt><dd><a href="${service.metadata_uri}" rel="noopener noreferrer" target="_blank">${service.metadata_uri}</a></dd>` : ""}
  </dl>`;

  const stakeBody =
    stake.validators.length === 0
      ? empty("No stake secures this service yet.", "empty-stake")
      : html`${barChart(
          stake.validators.map((v) => ({ label: ctx.names.get(v.validator) ?? v.validator.slice(0, 18) + "…", value: BigInt(v.amount), display: bonded(ctx, v.amount) })),
          "Stake per validator",
          "chart-service-stake",
        )}
        <table class="table narrow" data-testid="stake-table">
          <thead><tr><th>Validator</th><th class="num">Stake</th></tr></thead>
          <tbody>${stake.validators.map((v) => html`<tr data-validator="${v.validator}"><td>${who(ctx, v.validator)}</td><td class="num" data-raw="${v.amount}">${bonded(ctx, v.amount)}</td></tr>`)}</tbody>
          <tfoot><tr><th>Total</th><th class="num" data-testid="stake-total" data-raw="${stake.total}">${bonded(ctx, stake.total)}</th></tr></tfoot>
        </table>`;

  const paid =
    service.rewards_paid.length === 0
      ? empty("This service has paid no rewards yet.", "empty-paid")
      : html`<table class="table narrow" data-testid="paid-table">
        <thead><tr><th>Asset</th><th class="num">Paid to stakers</th></tr></thead>
        <tbody>${service.rewards_paid.map((r) => html`<tr data-asset="${r.denom ?? r.cw20 ?? ""}"><td>${ctx.assets.meta(r).symbol}</td><td class="num" data-raw="${r.amount}">${ctx.assets.fmt(r)}</td></tr>`)}</tbody></table>`;

  const slashBody = slashes.length === 0 ? empty("No slash request against this service's stakers.", "empty-slashes") : slashTable(ctx, [...slashes].reverse(), byId, false);

  const val = stake.validators[0]?.validator ?? ctx.sim?.validators[0]?.address ?? "$VAL";
  const actions = section(
    "Secure this service",
    html`<p class="hint">Run with your staker key (<code>$STAKER</code>); pick the validator of your position.</p>
    <div class="cmds">${[
      { action: "opt_in", what: `secure ${service.name} with a position`, command: wasmdExecute(ctx.lcd.contract, { opt_in: { validator: val, service_ids: [id] } }, "$STAKER") },
      { action: "opt_out", what: `start leaving ${service.name} (${service.opt_out_delay > 0 ? `completes after ${formatDuration(service.opt_out_delay)}` : "then complete_opt_out"})`, command: wasmdExecute(ctx.lcd.contract, { opt_out: { validator: val, service_ids: [id] } }, "$STAKER") },
    ].map(commandBlock)}</div>`,
    "service-actions",
  );

  return {
    title: `Service ${service.name}`,
    body: html`
      <h1>Service <span data-testid="service-name">${service.name}</span> <small class="muted">#${service.id}</small> ${statusBadge(service.status)}</h1>
      ${cards}
      <div class="two">
        ${section("Terms and roles", details, "details-panel")}
        ${section("Rewards paid", paid, "paid-panel")}
      </div>
      ${section("Stake securing it", stakeBody, "stake-panel")}
      ${section("Slash history", slashBody, "slash-history")}
      ${actions}`,
  };
}
