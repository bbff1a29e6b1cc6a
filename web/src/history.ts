// The hub's own bounded history (`hub_history`, `service_history`: a point per UTC day on
// which a series changed, 90 days at most) turned into chart series and yields.

import type {
  HubHistoryResponse,
  ServiceHistoryResponse,
  ServicePoint,
  ServiceResponse,
} from "../../clients/ts/src/RestakeHub.types";
import { lineChart, type Series } from "./charts";
import type { Ctx } from "./context";
import { decimalAtoms, formatAmount, formatUnits } from "./format";
import { html, type Html } from "./html";

export const DAY_NS = 86_400n * 1_000_000_000n;
export const HISTORY_DAYS = 90;

export const today = (ctx: Ctx): number => Number(ctx.now / DAY_NS);

/** Points and then `now`, one value per day (the later wins). */
export function hubSeries(h: HubHistoryResponse): { bonded: Series; restaked: Series } {
  const pts = [...h.points, h.now];
  return {
    bonded: { name: "Bonded", points: pts.map((p) => [p.day, BigInt(p.bonded)]) },
    restaked: { name: "Restaked", points: pts.map((p) => [p.day, BigInt(p.restaked)]) },
  };
}

export function serviceSeries(name: string, h: ServiceHistoryResponse): Series {
  return { name, points: [...h.points, h.now].map((p) => [p.day, BigInt(p.stake)]) };
}

/** 30- and 90-day charts of the same series, with a toggle (30 shown first). */
export function rangedCharts(ctx: Ctx, series: Series[], format: (v: bigint) => string, title: string, testid: string): Html {
  const to = today(ctx);
  const chart = (days: number) => lineChart(series, to - days, to, format, `${title}, last ${days} days`, `${testid}-${days}`);
  return html`<div class="ranged" data-testid="${testid}">
    <div class="range-toggle" role="group" aria-label="Period">
      <button type="button" data-range="30" aria-pressed="true">30 days</button>
      <button type="button" data-range="90" aria-pressed="false">90 days</button>
    </div>
    <div data-range-panel="30">${chart(30)}</div>
    <div data-range-panel="90" hidden>${chart(90)}</div>
  </div>`;
}

/** Wires every 30/90 toggle under `root`. */
export function mountRanges(root: HTMLElement): void {
  for (const box of root.querySelectorAll<HTMLElement>(".ranged")) {
    box.addEventListener("click", (ev) => {
      const b = (ev.target as HTMLElement).closest<HTMLButtonElement>("button[data-range]");
      if (!b) return;
      for (const other of box.querySelectorAll<HTMLButtonElement>("button[data-range]")) other.setAttribute("aria-pressed", String(other === b));
      for (const p of box.querySelectorAll<HTMLElement>("[data-range-panel]")) p.hidden = p.dataset.rangePanel !== b.dataset.range;
    });
  }
}

export interface AssetYield {
  asset: { denom?: string | null; cw20?: string | null };
  days: number;
  /** Paid per base unit of stake over the window, in 10^-18 reward base units. */
  paid: bigint | null;
}

const key = (a: { denom?: string | null; cw20?: string | null }) => (a.cw20 ? `cw20:${a.cw20}` : `native:${a.denom}`);

function indexOf(p: ServicePoint | undefined, asset: string): bigint {
  const i = p?.reward_indexes.find((r) => key(r) === asset);
  return i ? decimalAtoms(i.index) : 0n;
}

/**
 * What the service paid per unit of restaked stake over the last `days` days, per asset:
 * index now − index at the end of day (today − days). That index is the last point on or
 * before that day; with none, it is 0 if the service is younger than the hub's history (it
 * cannot have changed before its first point), and unknown otherwise.
 */
export function yields(s: ServiceResponse, h: ServiceHistoryResponse, days: number, todayDay: number): AssetYield[] {
  const at = todayDay - days;
  const registeredDay = Number(BigInt(s.registered_at) / DAY_NS);
  const before = h.points.filter((p) => p.day <= at).pop();
  const young = registeredDay >= todayDay - HISTORY_DAYS;
  const assets = [...s.reward_denoms.map((denom) => ({ denom })), ...s.reward_tokens.map((cw20) => ({ cw20 }))];
  return assets.map((asset) => {
    const k = key(asset);
    const then = before ? indexOf(before, k) : young ? 0n : null;
    return { asset, days, paid: then === null ? null : indexOf(h.now, k) - then };
  });
}

/** Annualised: reward per 1 display unit of stake per year (a % when paid in the bonded denom). */
export function annualised(ctx: Ctx, y: AssetYield): string {
  if (y.paid === null) return "—";
  const yearly = (y.paid * 365n) / BigInt(y.days);
  if (!y.asset.cw20 && y.asset.denom === ctx.config.bonded_denom) {
    const bp = (yearly * 10000n) / 10n ** 18n; // basis points
    return `${formatUnits(bp, 2)}%`;
  }
  const perUnit = (yearly * 10n ** BigInt(ctx.bonded.decimals ?? 0)) / 10n ** 18n;
  return `${formatAmount(perUnit, ctx.assets.meta(y.asset))} per ${ctx.bonded.symbol}`;
}
