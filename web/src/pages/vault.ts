// A restake-vault on this hub (`#/vault/<address>`, and `#/vault/<address>/<holder>` for one
// holder): what the vault holds and where, its share price, the curator's strategy (and a
// pending change with the time it may apply), the work its cranks have now, and the
// commands to deposit, exit, claim and crank. Read-only: every number is one of the vault's
// own queries (`config`, `state`, `strategy`, `cranks`, `token_info`, `holder`).

import { commandBlock } from "../actions";
import type { Ctx } from "../context";
import { formatDuration, formatPct, formatTime, formatUnits, shortAddr } from "../format";
import { html, type Html } from "../html";
import { Lcd } from "../lcd";
import { bonded, card, empty, type Page, section, who } from "../ui";

interface VaultConfig {
  hub: string;
  bonded_denom: string;
  min_deposit: string;
  exit_epoch: number;
  min_timelock: number;
}
interface Allocation {
  validator: string;
  weight: number;
  bonded: string;
  services: number[];
  target_services: number[];
  pending_slash_loss: string;
  frozen: boolean;
}
interface VaultState {
  nav: string;
  bonded: string;
  unbonding: string;
  pending_rewards: string;
  idle: string;
  expected_losses: string;
  supply: string;
  open_exit_shares: string;
  price: string;
  validators: Allocation[];
  max_position_exposure: string;
}
interface Strategy {
  validators: { validator: string; weight: number; services: number[] }[];
  services: { service_id: number; max_share: string }[];
  risk_budget: string;
  slash_limit: { max_fraction: string; window: number };
  timelock: number;
}
interface StrategyResponse {
  active: Strategy;
  applied_at: string;
  pending: { strategy: Strategy; proposed_at: string; effective_at: string } | null;
  left: { service_id: number; reason: string; at: string }[];
}
interface Cranks {
  rebalance: string[];
  harvest: string[];
  process_exits: string[];
}
interface TokenInfo {
  name: string;
  symbol: string;
  decimals: number;
  total_supply: string;
}
interface Holder {
  shares: string;
  value: string;
  exits: { batch_id: number; shares: string; status: string; claimable: string; expected: string }[];
}

const shares = (t: TokenInfo, raw: string): string => `${formatUnits(raw, t.decimals)} ${t.symbol}`;
const ids = (xs: number[]): string => (xs.length ? xs.map((x) => `#${x}`).join(", ") : "none");

function strategyPanel(s: StrategyResponse): Html {
  const a = s.active;
  const pending = s.pending
    ? html`<p class="banner warn" data-testid="vault-pending">A new strategy is proposed (${formatTime(s.pending.proposed_at)}): risk budget
        ${formatPct(s.pending.strategy.risk_budget)}, ${s.pending.strategy.validators.length} validators. It may apply from
        <b data-testid="vault-pending-at">${formatTime(s.pending.effective_at)}</b>; holders who disagree can exit before.</p>`
    : html`<p class="muted" data-testid="vault-no-pending">No strategy change is pending.</p>`;
  const left = s.left.length
    ? html`<ul data-testid="vault-left">${s.left.map((l) => html`<li>service #${l.service_id}: ${l.reason} (${formatTime(l.at)})</li>`)}</ul>`
    : "";
  return html`<dl class="details" data-testid="vault-strategy">
      <dt>Risk budget</dt><dd data-testid="vault-risk-budget">${formatPct(a.risk_budget)} (Σ max slash of one position's services)</dd>
      <dt>Services</dt><dd data-testid="vault-services">${a.services.map((x) => html`<a href="#/service/${x.service_id}">#${x.service_id}</a> (at most ${formatPct(x.max_share)}) `)}</dd>
      <dt>Leaves a service</dt><dd>when paused, when it raises its terms, or when its slash requests in ${formatDuration(a.slash_limit.window)} exceed ${formatPct(a.slash_limit.max_fraction)}</dd>
      <dt>Timelock</dt><dd data-testid="vault-timelock">${formatDuration(a.timelock)}</dd>
      <dt>Applied</dt><dd>${formatTime(s.applied_at)}</dd>
    </dl>${pending}${left ? html`<p>Left by rule or by the curator:</p>${left}` : ""}`;
}

function cranksPanel(c: Cranks): Html {
  const row = (name: string, work: string[]) =>
    html`<tr data-crank="${name}"><td><code>${name}</code></td><td>${work.length ? html`<ul>${work.map((w) => html`<li>${w}</li>`)}</ul>` : html`<span class="muted">nothing to do</span>`}</td></tr>`;
  return html`<table class="table" data-testid="vault-cranks"><thead><tr><th>Crank</th><th>Work now (the vault's <code>cranks</code> query)</th></tr></thead>
    <tbody>${row("process_exits", c.process_exits)}${row("rebalance", c.rebalance)}${row("harvest", c.harvest)}</tbody></table>
    <p class="hint"><code>restake keeper --vault &lt;address&gt;</code> sends each crank only while its list is not empty.</p>`;
}

export async function vaultPage(ctx: Ctx, address: string, holder?: string): Promise<Page> {
  const lcd = new Lcd(ctx.lcd.base, address);
  const config = await lcd.smart<VaultConfig>({ config: {} });
  const [state, strategy, cranks, token, h] = await Promise.all([
    lcd.smart<VaultState>({ state: {} }),
    lcd.smart<StrategyResponse>({ strategy: {} }),
    lcd.smart<Cranks>({ cranks: {} }),
    lcd.smart<TokenInfo>({ token_info: {} }),
    holder ? lcd.smart<Holder>({ holder: { address: holder } }) : Promise.resolve(null),
  ]);
  const otherHub = config.hub !== ctx.lcd.contract;
  const cards = html`<div class="cards">
    ${card("Net asset value", bonded(ctx, state.nav), "vault-nav", state.nav, "every pending slash request counted as executed")}
    ${card("Share price", state.price, "vault-price", state.price, `${config.bonded_denom} per share unit (10^-${token.decimals} ${token.symbol})`)}
    ${card("Shares", shares(token, state.supply), "vault-supply", state.supply)}
    ${card("Bonded at the hub", bonded(ctx, state.bonded), "vault-bonded", state.bonded)}
    ${card("Expected losses", bonded(ctx, state.expected_losses), "vault-losses", state.expected_losses, "pending slash requests, unsynced chain slashes")}
    ${card("Riskiest position", formatPct(state.max_position_exposure), "vault-exposure", state.max_position_exposure, "Σ max slash of its services")}
  </div>`;
  const allocation = state.validators.length
    ? html`<table class="table" data-testid="vault-allocation"><thead><tr><th>Validator</th><th class="num">Weight</th><th class="num">Bonded</th><th>Secures</th><th>Strategy wants</th><th class="num">Pending slash loss</th></tr></thead>
      <tbody>${state.validators.map(
        (v) => html`<tr data-validator="${v.validator}"><td>${who(ctx, v.validator)}${v.frozen ? html` <span class="badge warn" data-testid="vault-frozen">frozen</span>` : ""}</td>
          <td class="num">${String(v.weight)}</td><td class="num" data-col="bonded" data-raw="${v.bonded}">${bonded(ctx, v.bonded)}</td>
          <td data-col="services">${ids(v.services)}</td><td data-col="target">${ids(v.target_services)}</td>
          <td class="num" data-col="loss" data-raw="${v.pending_slash_loss}">${bonded(ctx, v.pending_slash_loss)}</td></tr>`,
      )}</tbody></table>`
    : empty("Nothing deposited yet.", "vault-empty");
  const holderPanel = h
    ? section(
        `Holder ${ctx.names.get(holder ?? "") ?? shortAddr(holder ?? "")}`,
        html`<div class="cards">${card("Shares", shares(token, h.shares), "vault-holder-shares", h.shares)}${card("Value", bonded(ctx, h.value), "vault-holder-value", h.value, "at the exit price")}</div>
        ${h.exits.length
          ? html`<table class="table" data-testid="vault-exits"><thead><tr><th>Batch</th><th class="num">Shares</th><th>Status</th><th class="num">Expected</th><th class="num">Claimable</th></tr></thead>
            <tbody>${h.exits.map((e) => html`<tr data-batch="${String(e.batch_id)}"><td>${String(e.batch_id)}</td><td class="num">${shares(token, e.shares)}</td><td>${e.status}</td><td class="num">${bonded(ctx, e.expected)}</td><td class="num" data-col="claimable" data-raw="${e.claimable}">${bonded(ctx, e.claimable)}</td></tr>`)}</tbody></table>`
          : empty("No exits.", "vault-no-exits")}`,
        "vault-holder",
      )
    : "";
  const cli = ctx.chain.cli;
  const exec = (msg: unknown, from: string, funds = "") =>
    `${cli} tx wasm execute ${address} '${JSON.stringify(msg)}'${funds ? ` --amount ${funds}` : ""} --from ${from} --gas auto --gas-adjustment 2`;
  const commands = [
    { action: "deposit", what: `deposit (at least ${bonded(ctx, config.min_deposit)}); shares are minted at the price that holds if every pending slash request executes`, command: exec({ deposit: {} }, "<your key>", `1000000${config.bonded_denom}`) },
    { action: "exit", what: `burn shares into the open exit batch (sent every ${formatDuration(config.exit_epoch)})`, command: exec({ exit: { shares: "<shares>" } }, "<your key>") },
    { action: "claim", what: "pay your exits whose batch has returned", command: exec({ claim: {} }, "<your key>") },
    { action: "claim_rewards", what: "service rewards in other assets", command: exec({ claim_rewards: {} }, "<your key>") },
  ];
  return {
    title: `Vault ${token.symbol}`,
    body: html`<h1 data-testid="vault-title">${token.name} <small class="muted">${token.symbol} · <code title="${address}">${address}</code></small></h1>
      ${otherHub ? html`<p class="banner warn" data-testid="vault-other-hub">This vault runs on another hub (${config.hub}), not the one in Settings.</p>` : ""}
      ${cards}
      ${section("Allocation", allocation, "vault-allocation-panel")}
      ${section("Strategy", strategyPanel(strategy), "vault-strategy-panel")}
      ${section("Cranks", cranksPanel(cranks), "vault-cranks-panel")}
      ${holderPanel}
      ${section("Commands", html`${commands.map(commandBlock)}`, "vault-commands")}`,
  };
}
