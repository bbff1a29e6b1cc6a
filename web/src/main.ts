// Entry point: settings from the URL (`?lcd=…&contract=…&rpc=…`), hash routing, the wallet
// in the header, and the clear loading / error states around each page.

import type { ConfigResponse } from "../../clients/ts/src/RestakeHub.types";
import { copyFrom } from "./actions";
import { Assets, chainInfo, chainTime, type Ctx, DEFAULT_IPFS_GATEWAY, namesOf, scenarioInfo, type Settings } from "./context";
import { formatTime, shortAddr } from "./format";
import { html, type Html } from "./html";
import { bondedValidators } from "./data";
import { Lcd, LcdError } from "./lcd";
import { overviewPage } from "./pages/overview";
import { servicePage } from "./pages/service";
import { stakerPage } from "./pages/staker";
import { vaultPage } from "./pages/vault";
import { registry, resolveDenom } from "./registry";
import "./style.css";
import type { Page } from "./ui";
import * as wallet from "./wallet";

const app = document.getElementById("app") as HTMLElement;
const settingsEl = document.getElementById("settings") as HTMLElement;
const contextEl = document.getElementById("context") as HTMLElement;
const settingsToggle = document.getElementById("settings-toggle") as HTMLButtonElement;
const walletEl = document.getElementById("wallet") as HTMLElement;

function readSettings(): Settings {
  const p = new URLSearchParams(location.search);
  const here = location.protocol.startsWith("http") ? location.origin : "";
  const get = (k: string) => (p.get(k) ?? "").trim();
  return { lcd: get("lcd") || here, contract: get("contract"), rpc: get("rpc"), ipfs: get("ipfs") || DEFAULT_IPFS_GATEWAY, gasPrice: get("gasPrice") };
}

function writeSettings(s: Settings): void {
  const p = new URLSearchParams(location.search);
  const put = (k: string, v: string, dflt = "") => (v && v !== dflt ? p.set(k, v) : p.delete(k));
  put("lcd", s.lcd);
  put("contract", s.contract);
  put("rpc", s.rpc);
  put("ipfs", s.ipfs, DEFAULT_IPFS_GATEWAY);
  put("gasPrice", s.gasPrice);
  history.pushState(null, "", `${location.pathname}?${p.toString()}${location.hash}`);
}

class NeedsSettings extends Error {}
class NotFound extends Error {}

let cached: { key: string; ctx: Ctx } | null = null;

async function context(s: Settings): Promise<Ctx> {
  if (!s.lcd) throw new NeedsSettings("Enter the LCD (REST) endpoint of the chain.");
  const key = JSON.stringify(s);
  if (cached?.key === key) {
    cached.ctx.now = await chainTime(cached.ctx.lcd);
    return cached.ctx;
  }
  const probe = new Lcd(s.lcd, s.contract);
  const [sim, now, reg] = await Promise.all([scenarioInfo(probe), chainTime(probe), registry()]);
  const contract = s.contract || sim?.contract || "";
  if (!contract) throw new NeedsSettings("Enter the restake hub's contract address.");
  const lcd = new Lcd(s.lcd, contract);
  const config = await lcd.smart<ConfigResponse>({ config: {} });
  const [chain, validators] = await Promise.all([chainInfo(lcd, reg, contract), bondedValidators(lcd)]);
  const get = <T>(p: string) => lcd.get<T>(p);
  const bonded = await resolveDenom(reg, chain.id, config.bonded_denom, get, { symbol: config.bonded_denom, decimals: null });
  const assets = new Assets(lcd, reg, chain.id, bonded);
  await assets.load([], [config.bonded_denom]);
  const ctx: Ctx = {
    lcd,
    config,
    now,
    sim: sim && sim.contract === contract ? sim : null,
    names: new Map([...validators.filter(([, m]) => m), ...namesOf(sim)]),
    assets,
    bonded,
    chain,
    settings: s,
  };
  cached = { key, ctx };
  return ctx;
}

/** The page's context for the wallet (loads it if no page has yet). */
const currentContext = (): Promise<Ctx> => context(readSettings());

function renderSettings(s: Settings, message = ""): void {
  settingsEl.innerHTML = html`<form id="settings-form" class="settings-form" data-testid="settings-form">
    ${message ? html`<p class="settings-msg" data-testid="settings-message">${message}</p>` : ""}
    <label>LCD endpoint <input name="lcd" value="${s.lcd}" placeholder="http://127.0.0.1:1317" size="34" required/></label>
    <label>Hub contract <input name="contract" value="${s.contract}" placeholder="cosmos1… (blank: ask restake serve)" size="66"/></label>
    <label>RPC endpoint (signing) <input name="rpc" value="${s.rpc}" placeholder="http://127.0.0.1:26657 (blank: chain-registry's)" size="34"/></label>
    <label>IPFS gateway <input name="ipfs" value="${s.ipfs}" placeholder="${DEFAULT_IPFS_GATEWAY}" size="28"/></label>
    <label>Gas price <input name="gasPrice" value="${s.gasPrice}" placeholder="blank: the chain's fee market" size="14"/></label>
    <button type="submit">Apply</button>
  </form>`.s;
  settingsEl
    .querySelector<HTMLFormElement>("#settings-form")
    ?.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const f = ev.target as HTMLFormElement;
      const get = (n: string) => (f.elements.namedItem(n) as HTMLInputElement).value.trim();
      writeSettings({ lcd: get("lcd"), contract: get("contract"), rpc: get("rpc"), ipfs: get("ipfs") || DEFAULT_IPFS_GATEWAY, gasPrice: get("gasPrice") });
      cached = null;
      showSettings(false);
      void render();
    });
}

function showSettings(open: boolean, message = ""): void {
  renderSettings(readSettings(), message);
  settingsEl.hidden = !open;
  settingsToggle.setAttribute("aria-expanded", String(open));
}

function renderContext(ctx: Ctx | null, s: Settings): void {
  contextEl.innerHTML = html`<span>LCD <code data-testid="ctx-lcd">${s.lcd || "—"}</code></span>
    <span>Hub <code data-testid="ctx-contract" title="${ctx?.lcd.contract ?? s.contract}">${shortAddr(ctx?.lcd.contract ?? s.contract) || "—"}</code></span>
    ${ctx?.chain.id ? html`<span>Chain <code data-testid="ctx-chain">${ctx.chain.id}</code>${ctx.chain.known ? html` <small>(${ctx.chain.known.pretty})</small>` : ""}</span>` : ""}
    ${ctx ? html`<span>Chain time <b data-testid="ctx-time">${formatTime(ctx.now.toString())}</b></span>` : ""}
    ${ctx?.sim ? html`<span class="sim" data-testid="ctx-sim" title="${ctx.sim.file}">simulator: ${ctx.sim.name ?? ctx.sim.file}${ctx.sim.ok ? "" : " (stopped at a failed step)"}</span>` : ""}
    <button type="button" class="link-button" data-retry>Reload</button>`.s;
}

const TITLES: Record<string, [string, string]> = {
  unreachable: ["Endpoint unreachable", "Start the chain's node (or `restake serve <scenario>`), or correct the LCD endpoint in Settings."],
  "not-lcd": ["Not an LCD endpoint", "The URL answers, but not like a CosmWasm chain's REST (LCD) endpoint. Correct it in Settings."],
  "bad-address": ["Invalid contract address", "Paste the hub's contract address (bech32, e.g. cosmos1…) in Settings."],
  "no-contract": ["Wrong contract address", "Nothing is deployed at that address on this chain. Check the address (and the chain) in Settings."],
  "not-hub": ["Not a restake hub", "That contract exists but is not a restake hub. Check the address in Settings."],
  query: ["Query failed", "The hub refused this query: check the address or id in the page's URL."],
  settings: ["Settings needed", "Fill in the form above."],
  "not-found": ["Page not found", "Use the Overview, or open a staker by address."],
};

function errorPanel(kind: string, message: string, detail = ""): Html {
  const [title, hint] = TITLES[kind] ?? ["Something went wrong", ""];
  return html`<div class="error" role="alert" data-testid="error" data-kind="${kind}">
    <h2>${title}</h2>
    <p class="error-message" data-testid="error-message">${message}</p>
    ${hint ? html`<p class="hint">${hint}</p>` : ""}
    ${detail && detail !== message ? html`<details><summary>Details from the endpoint</summary><pre>${detail}</pre></details>` : ""}
    <p><button type="button" data-retry>Retry</button> <button type="button" data-open-settings>Settings</button></p>
  </div>`;
}

type Route =
  | { name: "overview" }
  | { name: "staker"; address: string }
  | { name: "service"; id: number }
  | { name: "vault"; address: string; holder?: string }
  | { name: "missing"; path: string };

function route(): Route {
  const h = decodeURIComponent(location.hash.replace(/^#\/?/, ""));
  const [head, arg, third] = h.split("/");
  if (!head) return { name: "overview" };
  if (head === "staker" && arg) return { name: "staker", address: arg.trim() };
  if (head === "service" && arg && /^\d+$/.test(arg)) return { name: "service", id: Number(arg) };
  if (head === "vault" && arg) return { name: "vault", address: arg.trim(), holder: third?.trim() || undefined };
  return { name: "missing", path: h };
}

let generation = 0;

async function render(opts: { keepResult?: boolean } = {}): Promise<void> {
  const mine = ++generation;
  const s = readSettings();
  const r = route();
  for (const a of document.querySelectorAll<HTMLAnchorElement>("[data-nav]")) {
    a.classList.toggle("active", r.name === a.dataset.nav);
  }
  const what =
    r.name === "staker" ? `staker ${shortAddr(r.address)}` : r.name === "service" ? `service #${r.id}` : r.name === "vault" ? `vault ${shortAddr(r.address)}` : "the hub";
  // A refresh after a transaction keeps the page in place until the new answers are in.
  if (!opts.keepResult) app.innerHTML = html`<div class="loading" data-testid="loading" aria-busy="true"><span class="spinner"></span> Loading ${what}…</div>`.s;
  let ctx: Ctx | null = null;
  try {
    ctx = await context(s);
    if (mine !== generation) return;
    renderContext(ctx, s);
    renderWallet();
    let page: Page;
    if (r.name === "overview") page = await overviewPage(ctx);
    else if (r.name === "staker") page = await stakerPage(ctx, r.address, { fresh: !opts.keepResult, rerender: () => render({ keepResult: true }) });
    else if (r.name === "service") page = await servicePage(ctx, r.id);
    else if (r.name === "vault") page = await vaultPage(ctx, r.address, r.holder);
    else throw new NotFound(`Nothing lives at #/${r.path}.`);
    if (mine !== generation) return;
    app.innerHTML = page.body.s;
    page.mount?.(app);
    document.title = `${page.title} · restake-hub`;
  } catch (e) {
    if (mine !== generation) return;
    renderContext(ctx, s);
    if (e instanceof LcdError) {
      app.innerHTML = errorPanel(e.kind, e.message, e.detail).s;
      if (["unreachable", "not-lcd", "bad-address", "no-contract", "not-hub"].includes(e.kind)) cached = null;
    } else if (e instanceof NeedsSettings) {
      app.innerHTML = errorPanel("settings", e.message).s;
      showSettings(true, e.message);
    } else if (e instanceof NotFound) {
      app.innerHTML = errorPanel("not-found", e.message).s;
    } else {
      app.innerHTML = errorPanel("unexpected", e instanceof Error ? e.message : String(e)).s;
    }
    document.title = "Error · restake-hub";
  }
}

// ------------------------------------------------------------------ wallet in the header

function renderWallet(message = ""): void {
  const c = wallet.connected();
  const found = wallet.available();
  walletEl.innerHTML = (c
    ? html`<span class="wallet-on" data-testid="wallet-connected" title="${c.address}">${c.label}: <b>${c.name}</b> <code data-testid="wallet-address">${shortAddr(c.address)}</code></span>
      <a href="#/staker/${c.address}" data-testid="my-stake">My stake</a>
      <button type="button" data-wallet-disconnect>Disconnect</button>`
    : found.length === 0
      ? html`<span class="muted" data-testid="no-wallet" title="Install Keplr or Leap to sign from this page; the commands on each page work without one">No browser wallet</span>`
      : html`${found.map((w) => html`<button type="button" data-wallet-connect="${w.kind}" data-testid="connect-${w.kind}">Connect ${w.label}</button>`)}`) +
    (message ? html`<span class="wallet-msg" role="alert" data-testid="wallet-error">${message}</span>`.s : "");
}

async function connectWallet(kind: wallet.WalletKind, quiet = false): Promise<void> {
  try {
    const ctx = await currentContext();
    await wallet.connect(kind, ctx);
    renderWallet();
    if (!quiet) void render();
  } catch (e) {
    if (!quiet) renderWallet(e instanceof Error ? e.message : String(e));
    else renderWallet();
  }
}

document.addEventListener("click", (ev) => {
  const w = (ev.target as HTMLElement).closest<HTMLElement>("[data-wallet-connect], [data-wallet-disconnect]");
  if (w) {
    if (w.dataset.walletConnect) void connectWallet(w.dataset.walletConnect as wallet.WalletKind);
    else {
      wallet.disconnect();
      renderWallet();
      void render();
    }
    return;
  }
  const t = (ev.target as HTMLElement).closest<HTMLElement>("[data-copy], [data-retry], [data-open-settings]");
  if (!t) return;
  if (t.dataset.copy !== undefined) void copyFrom(t);
  else if (t.hasAttribute("data-retry")) {
    cached = null;
    void render();
  } else showSettings(true);
});

settingsToggle.addEventListener("click", () => showSettings(settingsEl.hidden));

document.getElementById("lookup")?.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const input = (ev.target as HTMLFormElement).elements.namedItem("address") as HTMLInputElement;
  const a = input.value.trim();
  if (a) location.hash = `#/staker/${a}`;
});

window.addEventListener("hashchange", () => void render());
window.addEventListener("popstate", () => {
  cached = null;
  void render();
});

renderSettings(readSettings());
renderWallet();
// Wallets inject themselves when the page loads: look again once it has.
window.addEventListener("load", () => {
  const again = wallet.remembered();
  if (again && !wallet.connected()) void connectWallet(again, true).then(() => render({ keepResult: true }));
  else renderWallet();
});
void render();
