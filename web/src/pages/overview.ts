// The hub at a glance: totals, services and their restaked stake, recent slash requests.

import type { HubHistoryResponse, ServiceHistoryResponse, ServiceResponse, StatsResponse } from "../../../clients/ts/src/RestakeHub.types";
import { barChart } from "../charts";
import type { Ctx } from "../context";
import { allServices, allSlashRequests } from "../data";
import { formatDuration, formatPct } from "../format";
import { HISTORY_DAYS, hubSeries, mountRanges, rangedCharts, serviceSeries } from "../history";
import { html } from "../html";
import { bonded, card, empty, type Page, section, serviceLink, slashTable, stakerLink, statusBadge } from "../ui";

export async function overviewPage(ctx: Ctx): Promise<Page> {
  const [stats, services, slashes, hub] = await Promise.all([
    ctx.lcd.smart<StatsResponse>({ stats: {} }),
    allServices(ctx.lcd),
    allSlashRequests(ctx.lcd),
    ctx.lcd.smart<HubHistoryResponse>({ hub_history: { days: HISTORY_DAYS } }),
  ]);
  // The largest services get a line each (a chart of dozens of lines reads as none).
  const charted = [...services].sort((a, b) => (BigInt(b.total_stake) > BigInt(a.total_stake) ? 1 : -1)).slice(0, 8);
  const serviceHistories = await Promise.all(
    charted.map((s) => ctx.lcd.smart<ServiceHistoryResponse>({ service_history: { service_id: s.id, days: HISTORY_DAYS } })),
  );
  await ctx.assets.load(services.flatMap((s) => s.reward_tokens), services.flatMap((s) => s.reward_denoms));
  const byId = new Map<number, ServiceResponse>(services.map((s) => [s.id, s]));
  const recent = slashes.slice(-10).reverse();

  const cards = html`<div class="cards">
    ${card("Total bonded", bonded(ctx, stats.total_bonded), "stat-total-bonded", stats.total_bonded)}
    ${card("Total restaked", bonded(ctx, stats.total_restaked), "stat-total-restaked", stats.total_restaked, "Σ over services of the stake securing each")}
    ${card("Unbonding", bonded(ctx, stats.total_unbonding), "stat-total-unbonding", stats.total_unbonding)}
    ${card("Stakers", String(stats.stakers), "stat-stakers", String(stats.stakers))}
    ${card("Services", String(stats.services), "stat-services", String(stats.services))}
    ${card("Slashed", bonded(ctx, stats.total_slashed), "stat-total-slashed", stats.total_slashed)}
  </div>`;

  const chart = barChart(
    services.map((s) => ({
      label: s.name,
      value: BigInt(s.total_stake),
      display: bonded(ctx, s.total_stake),
      href: `#/service/${s.id}`,
    })),
    "The same stake may secure several services, so these add up to more than the bonded total.",
    "chart-restaked",
  );

  const hs = hubSeries(hub);
  const fmt = (v: bigint) => bonded(ctx, v);
  const overTime = section(
    "Restaked value over time",
    html`${rangedCharts(ctx, [hs.bonded, hs.restaked], fmt, "Total bonded and restaked", "chart-hub-history")}
    ${charted.length > 0 ? rangedCharts(ctx, charted.map((s, i) => serviceSeries(s.name, serviceHistories[i])), fmt, "Restaked stake per service", "chart-services-history") : ""}
    <p class="hint">From the hub's own daily history: one point per UTC day on which a total changed, kept for ${HISTORY_DAYS} days.</p>`,
    "history-panel",
  );

  const table =
    services.length === 0
      ? empty("No service is registered yet.", "empty-services")
      : html`<table class="table" data-testid="services-table">
      <thead><tr><th>#</th><th>Service</th><th>Status</th><th class="num">Restaked</th><th>Max slash</th><th>Veto window</th><th>Opt-out delay</th><th>Reward assets</th></tr></thead>
      <tbody>${services.map(
        (s) => html`<tr data-service="${s.id}">
          <td>${s.id}</td>
          <td>${serviceLink(byId, s.id)}</td>
          <td data-col="status">${statusBadge(s.status)}</td>
          <td class="num" data-col="stake" data-raw="${s.total_stake}">${bonded(ctx, s.total_stake)}</td>
          <td data-col="max-slash">${formatPct(s.max_slash)}</td>
          <td data-col="veto">${formatDuration(s.veto_period)}</td>
          <td data-col="opt-out">${formatDuration(s.opt_out_delay)}</td>
          <td data-col="assets">${[
            ...s.reward_denoms.map((d) => ctx.assets.meta({ denom: d }).symbol),
            ...s.reward_tokens.map((t) => ctx.assets.meta({ cw20: t }).symbol),
          ].join(", ") || "—"}</td>
        </tr>`,
      )}</tbody></table>`;

  const slashPanel =
    recent.length === 0
      ? empty("No slash request so far.", "empty-slashes")
      : slashTable(ctx, recent, byId, true);

  const known = ctx.sim?.stakers ?? [];
  const stakers =
    known.length > 0
      ? section(
          "Stakers in this simulation",
          html`<p class="hint">Names come from <code>restake serve</code>'s scenario; on a real chain, open a staker by address.</p>
          <ul class="chips" data-testid="known-stakers">${known.slice(0, 60).map((s) => html`<li>${stakerLink(ctx, s.address)}</li>`)}</ul>`,
          "stakers-panel",
        )
      : "";

  return {
    title: "Hub overview",
    body: html`
      <h1>Hub overview</h1>
      ${ctx.config.paused ? html`<div class="banner warn" data-testid="paused">The hub is paused: deposits and opt-ins are stopped; exits still work.</div>` : ""}
      ${cards}
      ${overTime}
      ${services.length > 0 ? section("Restaked stake per service", chart, "chart-panel") : ""}
      ${section("Services", table, "services-panel")}
      ${section(`Recent slash requests`, slashPanel, "slashes-panel", slashes.length > 10 ? html` <small>(last 10 of ${slashes.length})</small>` : "")}
      ${stakers}`,
    mount: mountRanges,
  };
}
