// Small building blocks shared by the pages.

import type { ServiceResponse, SlashRequestResponse } from "../../clients/ts/src/RestakeHub.types";
import type { Ctx } from "./context";
import { formatAmount, formatPct, formatTime, relativeTime, shortAddr } from "./format";
import { html, type Html, type Part } from "./html";

export interface Page {
  title: string;
  body: Html;
  /** Wires up the page's inputs once it is in the document. */
  mount?: (root: HTMLElement) => void;
}

export function card(label: string, value: string, testid: string, raw?: string, sub?: Part): Html {
  return html`<div class="card" data-testid="${testid}" ${raw !== undefined ? html`data-raw="${raw}"` : ""}>
    <div class="card-label">${label}</div>
    <div class="card-value">${value}</div>
    ${sub ? html`<div class="card-sub">${sub}</div>` : ""}
  </div>`;
}

export function section(title: string, body: Part, testid: string, extra: Part = ""): Html {
  return html`<section class="panel" data-testid="${testid}"><h2>${title}${extra}</h2>${body}</section>`;
}

export function empty(text: string, testid: string): Html {
  return html`<p class="empty" data-testid="${testid}">${text}</p>`;
}

/** A name if the simulator gave one, the short address otherwise; full address on hover. */
export function who(ctx: Ctx, address: string): Html {
  const name = ctx.names.get(address);
  return html`<span class="addr" title="${address}">${name ?? shortAddr(address)}</span>`;
}

export function stakerLink(ctx: Ctx, address: string): Html {
  return html`<a href="#/staker/${address}">${who(ctx, address)}</a>`;
}

export function serviceLink(services: Map<number, ServiceResponse>, id: number): Html {
  const s = services.get(id);
  return html`<a href="#/service/${id}" class="svc">${s ? s.name : `#${id}`}</a>`;
}

export function statusBadge(status: string): Html {
  return html`<span class="badge badge-${status}">${status}</span>`;
}

export const bonded = (ctx: Ctx, amount: string | bigint): string => formatAmount(amount, ctx.bonded);

export function when(ctx: Ctx, nanos: string): Html {
  return html`<span class="when" title="${nanos}"><span class="date">${formatTime(nanos)}</span> <span class="rel">(${relativeTime(nanos, ctx.now)})</span></span>`;
}

export function slashTable(ctx: Ctx, reqs: SlashRequestResponse[], services: Map<number, ServiceResponse>, showService: boolean): Html {
  return html`<table class="table" data-testid="slash-table">
    <thead><tr><th>#</th>${showService ? html`<th>Service</th>` : ""}<th>Validator</th><th>Fraction</th><th>Status</th><th class="num">Slashed</th><th>Executable at</th><th>Evidence</th></tr></thead>
    <tbody>${reqs.map(
      (r) => html`<tr data-slash="${r.id}">
        <td>${r.id}</td>
        ${showService ? html`<td>${serviceLink(services, r.service_id)}</td>` : ""}
        <td>${who(ctx, r.validator)}</td>
        <td data-col="fraction">${formatPct(r.fraction)}</td>
        <td data-col="status">${statusBadge(r.status)}</td>
        <td class="num" data-col="slashed" data-raw="${r.slashed_amount}">${bonded(ctx, r.slashed_amount)}</td>
        <td data-col="executable">${when(ctx, r.executable_at)}</td>
        <td class="evidence">${r.evidence}</td>
      </tr>`,
    )}</tbody></table>`;
}
