// One service: what it is (its metadata document), what it pays (7- and 30-day yields per
// asset) and risks (terms, slash history), the stake securing it now and over time.

import type { ServiceHistoryResponse, ServiceResponse } from "../../../clients/ts/src/RestakeHub.types";
import { commandBlock, wasmdExecute } from "../actions";
import { barChart } from "../charts";
import type { Ctx } from "../context";
import { allServices, allSlashRequests, serviceStake } from "../data";
import { formatDuration, formatPct, formatTime } from "../format";
import { annualised, HISTORY_DAYS, mountRanges, rangedCharts, serviceSeries, today, yields } from "../history";
import { html, type Html } from "../html";
import { loadMetadata, type MetadataResult, viaGateway } from "../metadata";
import { bonded, card, empty, type Page, section, slashTable, statusBadge, who } from "../ui";

/** The metadata document as people read it, or the note that says why there is none. */
function metadataPanel(ctx: Ctx, service: ServiceResponse, m: MetadataResult): Html {
  if (!m.ok) {
    return html`<p class="banner warn" data-testid="metadata-note">Showing the on-chain name “${service.name}” only. ${m.note}</p>`;
  }
  const d = m.doc;
  const logo = d.logo ? viaGateway(d.logo, ctx.settings.ipfs) : "";
  return html`<div class="metadata" data-testid="metadata">
    ${logo ? html`<img class="logo" data-testid="metadata-logo" src="${logo}" alt="${d.name} logo" width="64" height="64" referrerpolicy="no-referrer"/>` : ""}
    <div>
      <p class="meta-name"><b data-testid="metadata-name">${d.name}</b>${d.category ? html` <span class="badge" data-testid="metadata-category">${d.category}</span>` : ""}
        ${d.name !== service.name ? html` <small class="muted">(on chain: ${service.name})</small>` : ""}</p>
      ${d.description ? html`<p data-testid="metadata-description">${d.description}</p>` : ""}
      <dl class="details">
        ${d.website ? html`<dt>Website</dt><dd><a data-testid="metadata-website" href="${d.website}" rel="noopener noreferrer" target="_blank">${d.website}</a></dd>` : ""}
        ${d.audits?.length
          ? html`<dt>Audits</dt><dd data-testid="metadata-audits">${d.audits.map(
              (a) => html`<a href="${viaGateway(a.url, ctx.settings.ipfs)}" rel="noopener noreferrer" target="_blank">${a.auditor}${a.date ? ` (${a.date})` : ""}</a> `,
            )}</dd>`
          : ""}
        ${d.contact?.email ? html`<dt>Contact</dt><dd><a href="mailto:${d.contact.email}">${d.contact.email}</a></dd>` : ""}
        ${d.contact?.url ? html`<dt>Contact page</dt><dd><a href="${d.contact.url}" rel="noopener noreferrer" target="_blank">${d.contact.url}</a></dd>` : ""}
        ${d.contact?.security ? html`<dt>Security reports</dt><dd><a href="${d.contact.security}" rel="noopener noreferrer" target="_blank">${d.contact.security}</a></dd>` : ""}
      </dl>
      <p class="muted small" data-testid="metadata-source">Read from ${m.from}; the on-chain terms below are what counts.</p>
    </div>
  </div>`;
}

export async function servicePage(ctx: Ctx, id: number): Promise<Page> {
  // The service first: an unknown id is then reported once, by the same query.
  const service = await ctx.lcd.smart<ServiceResponse>({ service: { service_id: id } });
  const [stake, slashes, services, history, meta] = await Promise.all([
    serviceStake(ctx.lcd, id),
    allSlashRequests(ctx.lcd, { service_id: id }),
    allServices(ctx.lcd),
    ctx.lcd.smart<ServiceHistoryResponse>({ service_history: { service_id: id, days: HISTORY_DAYS } }),
    loadMetadata(service.metadata_uri, ctx.settings.ipfs),
  ]);
  await ctx.assets.load(service.reward_tokens, service.reward_denoms);
  await ctx.assets.loadFrom(service.rewards_paid);
  const day = today(ctx);
  const y7 = yields(service, history, 7, day);
  const y30 = yields(service, history, 30, day);
  const yieldTable =
    y7.length === 0
      ? empty("This service declares no reward asset.", "empty-yield")
      : html`<table class="table narrow" data-testid="yield-table">
      <thead><tr><th>Asset</th><th class="num">Last 7 days, annualised</th><th class="num">Last 30 days, annualised</th></tr></thead>
      <tbody>${y7.map((y, i) => {
        const a = y.asset.denom ?? y.asset.cw20 ?? "";
        return html`<tr data-asset="${a}"><td title="${ctx.assets.meta(y.asset).source ?? ""}">${ctx.assets.meta(y.asset).symbol}</td>
          <td class="num" data-col="y7" data-paid="${y.paid ?? ""}">${annualised(ctx, y)}</td>
          <td class="num" data-col="y30" data-paid="${y30[i].paid ?? ""}">${annualised(ctx, y30[i])}</td></tr>`;
      })}</tbody></table>
      <p class="hint">Paid per unit of restaked stake over the window (the hub's reward index now minus then), times 365 / days. Past payments, not a promise.</p>`;
  const historyChart = rangedCharts(ctx, [serviceSeries("Restaked stake", history)], (v) => bonded(ctx, v), "Restaked stake", "chart-service-history");
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
    ${service.metadata_uri ? html`<dt>Metadata URI</dt><dd class="uri" data-testid="metadata-uri">${service.metadata_uri.length > 80 ? `${service.metadata_uri.slice(0, 79)}…` : service.metadata_uri}</dd>` : ""}
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
    html`<p class="hint">With a browser wallet, act from your own staker page (My stake). Without one, run these with your staker key (<code>$STAKER</code>) and the validator of your position.</p>
    <div class="cmds">${[
      { action: "opt_in", what: `secure ${service.name} with a position`, command: wasmdExecute(ctx.lcd.contract, { opt_in: { validator: val, service_ids: [id] } }, "$STAKER", undefined, ctx.chain.cli) },
      { action: "opt_out", what: `start leaving ${service.name} (${service.opt_out_delay > 0 ? `completes after ${formatDuration(service.opt_out_delay)}` : "then complete_opt_out"})`, command: wasmdExecute(ctx.lcd.contract, { opt_out: { validator: val, service_ids: [id] } }, "$STAKER", undefined, ctx.chain.cli) },
    ].map(commandBlock)}</div>`,
    "service-actions",
  );

  return {
    title: `Service ${service.name}`,
    body: html`
      <h1>Service <span data-testid="service-name">${service.name}</span> <small class="muted">#${service.id}</small> ${statusBadge(service.status)}</h1>
      ${section("About", metadataPanel(ctx, service, meta), "metadata-panel")}
      ${cards}
      <div class="two">
        ${section("Yield per unit of restaked stake", yieldTable, "yield-panel")}
        ${section("Rewards paid", paid, "paid-panel")}
      </div>
      ${section("Terms and roles", details, "details-panel")}
      ${section("Stake securing it", html`${historyChart}${stakeBody}`, "stake-panel")}
      ${section("Slash history", slashBody, "slash-history")}
      ${actions}`,
    mount: mountRanges,
  };
}
