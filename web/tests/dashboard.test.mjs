// Browser tests of the dashboard: `restake serve` plays shipped scenarios on the embedded
// chain, headless Chromium opens every page, and each number shown is compared with what the
// same LCD endpoint answers — formatting included, by formatters written here independently
// of the dashboard's. Error, empty and loading states are checked; screenshots land in
// docs/screenshots/.
//
//   RESTAKE_BIN=target/debug/restake node --test tests/     (scripts/test-web.sh does it all)

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = path.resolve(ROOT, process.env.RESTAKE_BIN ?? "target/debug/restake");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SHOTS = path.join(ROOT, "docs/screenshots");
const WEB_DIST = path.join(ROOT, "web/dist");

// ------------------------------------------------------------------ expected formatting

const groupDigits = (s) => s.replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/** Raw integer string → decimal text with `decimals` places, trailing zeros cut. */
function units(raw, decimals) {
  const s = BigInt(raw).toString().padStart(decimals + 1, "0");
  const whole = groupDigits(s.slice(0, s.length - decimals) || "0");
  const frac = decimals ? s.slice(s.length - decimals).replace(/0+$/, "") : "";
  return frac ? `${whole}.${frac}` : whole;
}

/** Native denoms as the dashboard promises: `u`-prefixed = micro-units of the rest. */
function denomMeta(denom) {
  return /^u[a-z][a-z0-9]+$/.test(denom) ? { symbol: denom.slice(1).toUpperCase(), decimals: 6 } : { symbol: denom, decimals: 0 };
}

/** A cosmwasm Decimal string in 10^-18 units. */
const decimalAtoms = (d) => {
  const [i, f = ""] = d.split(".");
  return BigInt(i) * 10n ** 18n + BigInt((f + "0".repeat(18)).slice(0, 18));
};
const pct = (d) => `${units(decimalAtoms(d) * 100n, 18)}%`;
const ratio = (num, den) => (BigInt(den) === 0n ? "0%" : `${units((BigInt(num) * 10000n) / BigInt(den), 2)}%`);
const dur = (s) => {
  if (s === 0) return "none";
  const out = [];
  for (const [u, n] of [[86400, "d"], [3600, "h"], [60, "m"], [1, "s"]]) {
    if (s >= u) {
      out.push(`${Math.floor(s / u)}${n}`);
      s %= u;
    }
  }
  return out.join(" ");
};
const date = (nanos) => `${new Date(Number(BigInt(nanos) / 1_000_000n)).toISOString().slice(0, 16).replace("T", " ")} UTC`;

// ------------------------------------------------------------------ restake serve

/** Starts `restake serve <scenario> --port 0`; resolves once it prints its URLs. */
function serve(scenario) {
  return new Promise((resolve, reject) => {
    const proc = spawn(BIN, ["serve", scenario, "--port", "0", "--web-dir", WEB_DIST], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`restake serve did not start:\n${out}\n${err}`)), 120_000);
    proc.stderr.on("data", (d) => (err += d));
    proc.stdout.on("data", (d) => {
      out += d;
      const lcd = /^LCD +(http:\/\/\S+)$/m.exec(out);
      const hub = /^contract +(\S+)$/m.exec(out);
      if (lcd && hub && /Press Ctrl-C/.test(out)) {
        clearTimeout(timer);
        resolve({ proc, base: lcd[1], hub: hub[1], out });
      }
    });
    proc.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`restake serve exited ${code}:\n${out}\n${err}`));
    });
  });
}

function stop(server) {
  return new Promise((resolve) => {
    if (!server || server.proc.exitCode !== null) return resolve(null);
    server.proc.once("exit", (code) => resolve(code));
    server.proc.kill("SIGINT");
  });
}

/** A chain client for the expectations: the same LCD endpoint the page uses. */
function chain(server) {
  const get = async (p) => {
    const r = await fetch(server.base + p);
    const body = await r.json();
    if (!r.ok) throw new Error(`${p}: ${r.status} ${JSON.stringify(body)}`);
    return body;
  };
  const smart = async (msg, contract = server.hub) =>
    (await get(`/cosmwasm/wasm/v1/contract/${contract}/smart/${encodeURIComponent(Buffer.from(JSON.stringify(msg)).toString("base64"))}`)).data;
  return { get, smart };
}

/** Display of any reward asset (`{denom}` or `{cw20}`), from the chain itself. */
async function assetFormatter(c) {
  const tokens = new Map();
  return async (r) => {
    if (r.cw20) {
      if (!tokens.has(r.cw20)) tokens.set(r.cw20, await c.smart({ token_info: {} }, r.cw20));
      const t = tokens.get(r.cw20);
      return { symbol: t.symbol, text: `${units(r.amount, t.decimals)} ${t.symbol}` };
    }
    const m = denomMeta(r.denom);
    return { symbol: m.symbol, text: `${units(r.amount, m.decimals)} ${m.symbol}` };
  };
}

async function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// ------------------------------------------------------------------ browser

let browser;
const pageErrors = [];

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // Playwright gives every launch a fresh temporary profile (its own --user-data-dir) and
  // deletes it on close; it refuses the flag itself.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});

after(async () => {
  await browser?.close();
  assert.deepEqual(pageErrors, [], "the pages threw no uncaught errors");
});

async function newPage() {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  page.on("pageerror", (e) => pageErrors.push(e.message));
  page.setDefaultTimeout(20_000);
  return page;
}

const dashboardUrl = (server, hash = "", contract = server.hub, lcd = server.base) =>
  `${server.base}/?lcd=${encodeURIComponent(lcd)}&contract=${encodeURIComponent(contract)}${hash}`;

/** Opens a page and waits until it shows content or an error (never the spinner). */
async function open(page, url, ready) {
  await page.goto(url);
  await page.locator(`${ready}, [data-testid=error]`).first().waitFor();
  const err = page.locator("[data-testid=error]");
  if (ready !== "[data-testid=error]" && (await err.count()) > 0) {
    throw new Error(`the page shows an error: ${await err.innerText()}`);
  }
}

const text = async (page, selector) => (await page.locator(selector).innerText()).trim();
const cardValue = (page, testid) => text(page, `[data-testid=${testid}] .card-value`);

async function shot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, name), fullPage: true });
}

// ================================================================== reward-split.yaml

describe("reward-split.yaml: two services, two native denoms and a cw20", () => {
  let server;
  let c;
  let names;
  let fmtAsset;
  const atom = (raw) => `${units(raw, 6)} ATOM`;

  before(async () => {
    server = await serve("scenarios/reward-split.yaml");
    c = chain(server);
    names = await c.get("/restake/v1/scenario");
    fmtAsset = await assetFormatter(c);
    assert.equal((await c.smart({ config: {} })).bonded_denom, "uatom");
  });
  after(async () => assert.equal(await stop(server), 0, "restake serve stops cleanly on Ctrl-C"));

  test("overview: totals, services, restaked chart and empty slash list match the hub", async () => {
    const page = await newPage();
    await open(page, dashboardUrl(server), "[data-testid=stat-total-bonded]");
    const stats = await c.smart({ stats: {} });
    assert.equal(await cardValue(page, "stat-total-bonded"), atom(stats.total_bonded));
    assert.equal(await cardValue(page, "stat-total-restaked"), atom(stats.total_restaked));
    assert.equal(await cardValue(page, "stat-total-unbonding"), atom(stats.total_unbonding));
    assert.equal(await cardValue(page, "stat-total-slashed"), atom(stats.total_slashed));
    assert.equal(await cardValue(page, "stat-stakers"), String(stats.stakers));
    assert.equal(await cardValue(page, "stat-services"), String(stats.services));
    assert.equal(await cardValue(page, "stat-total-bonded"), "5 ATOM");

    const { services } = await c.smart({ services: { limit: 30 } });
    assert.equal(services.length, 2);
    assert.equal(await page.locator("[data-testid=services-table] tbody tr").count(), services.length);
    for (const s of services) {
      const row = `[data-testid=services-table] tr[data-service="${s.id}"]`;
      assert.equal(await text(page, `${row} [data-col=stake]`), atom(s.total_stake));
      assert.equal(await text(page, `${row} [data-col=max-slash]`), pct(s.max_slash));
      assert.equal(await text(page, `${row} [data-col=veto]`), dur(s.veto_period));
      assert.equal(await text(page, `${row} [data-col=opt-out]`), dur(s.opt_out_delay));
      assert.equal(await text(page, `${row} [data-col=status]`), s.status);
      const symbols = [...s.reward_denoms.map((d) => denomMeta(d).symbol)];
      for (const t of s.reward_tokens) symbols.push((await fmtAsset({ cw20: t, amount: "0" })).symbol);
      assert.equal(await text(page, `${row} [data-col=assets]`), symbols.join(", "));
      // One bar per service, as long as its stake.
      const bar = page.locator(`[data-testid=chart-restaked] g[data-label="${s.name}"]`);
      assert.equal(await bar.getAttribute("data-value"), s.total_stake);
      assert.equal((await bar.locator("text.bar-value").textContent()).trim(), atom(s.total_stake));
    }
    assert.equal(await text(page, "[data-testid=services-table] tr[data-service='1'] [data-col=assets]"), "OSMO, ION");
    assert.ok(await page.locator("[data-testid=empty-slashes]").isVisible(), "no slash request: an empty state");
    // Names of the simulation link to each staker.
    assert.deepEqual(
      await page.locator("[data-testid=known-stakers] a").allInnerTexts(),
      names.stakers.map((s) => s.name),
    );
    await page.context().close();
  });

  test("staker pages: positions, exposure, rewards, unbondings and wallet match the hub", async () => {
    const { services } = await c.smart({ services: { limit: 30 } });
    const byId = new Map(services.map((s) => [s.id, s]));
    const now = BigInt(
      Date.parse((await c.get("/cosmos/base/tendermint/v1beta1/blocks/latest")).block.header.time),
    ) * 1_000_000n;
    const page = await newPage();
    for (const { name, address } of names.stakers) {
      await open(page, dashboardUrl(server, `#/staker/${address}`), "[data-testid=stat-bonded]");
      assert.equal(await text(page, "[data-testid=staker-name]"), name);
      const o = await c.smart({ staker_overview: { staker: address } });
      assert.equal(await cardValue(page, "stat-bonded"), atom(o.bonded), `${name} bonded`);
      assert.equal(await cardValue(page, "stat-unbonding"), atom(o.unbonding), `${name} unbonding`);
      assert.equal(await cardValue(page, "stat-claimable"), atom(o.claimable), `${name} claimable`);
      assert.equal(await cardValue(page, "stat-exposure"), atom(o.max_slash_exposure), `${name} exposure`);
      const exposurePct = ratio(o.max_slash_exposure, BigInt(o.bonded) + BigInt(o.unbonding));
      assert.equal(await text(page, "[data-testid=stat-exposure-pct]"), exposurePct);
      assert.equal(await page.locator("[data-testid=chart-exposure] text.gauge-value").textContent(), exposurePct);
      for (const r of o.restaked) {
        const bar = page.locator(`[data-testid=chart-staker-restaked] g[data-label="${byId.get(r.service_id).name}"]`);
        assert.equal(await bar.getAttribute("data-value"), r.amount);
      }

      const { positions } = await c.smart({ positions: { staker: address, limit: 30 } });
      if (positions.length === 0) {
        assert.ok(await page.locator("[data-testid=empty-positions]").isVisible(), `${name}: empty positions state`);
      } else {
        assert.equal(await page.locator("[data-testid=positions-table] tbody tr").count(), positions.length);
      }
      for (const p of positions) {
        const row = `[data-testid=positions-table] tr[data-validator="${p.validator}"]`;
        assert.equal(await text(page, `${row} [data-col=amount]`), atom(p.amount));
        const svcText = await text(page, `${row} [data-col=services]`);
        for (const id of p.service_ids) {
          const s = byId.get(id);
          assert.ok(svcText.includes(`${s.name} ${pct(s.max_slash)}`), `${name}: ${svcText} lists ${s.name}`);
        }
        // amount × min(1, Σ max_slash), rounded down
        let sum = p.service_ids.reduce((t, id) => t + decimalAtoms(byId.get(id).max_slash), 0n);
        if (sum > 10n ** 18n) sum = 10n ** 18n;
        const max = (BigInt(p.amount) * sum) / 10n ** 18n;
        assert.equal(await text(page, `${row} [data-col=max-slash]`), atom(max));
      }

      const { rewards } = await c.smart({ pending_rewards: { staker: address } });
      if (rewards.length === 0) assert.ok(await page.locator("[data-testid=empty-rewards]").isVisible());
      for (const r of rewards) {
        const cell = `[data-testid=rewards-table] tr[data-asset="${r.denom ?? r.cw20}"] [data-col=amount]`;
        assert.equal(await text(page, cell), (await fmtAsset(r)).text, `${name} pending ${r.denom ?? r.cw20}`);
      }

      const { unbondings } = await c.smart({ unbondings: { staker: address, limit: 30 } });
      if (unbondings.length === 0) assert.ok(await page.locator("[data-testid=empty-unbondings]").isVisible());
      for (const u of unbondings) {
        const row = `[data-testid=unbondings-table] tr[data-unbonding="${u.id}"]`;
        assert.equal(await text(page, `${row} [data-col=amount]`), atom(u.amount));
        // A pending slash request that covers the unbonding freezes its claim: shown beside the status.
        assert.equal(await text(page, `${row} [data-col=status]`), u.frozen ? `${u.status} frozen by a pending slash` : u.status);
        assert.equal(await page.locator(`${row} [data-testid=frozen]`).count(), u.frozen ? 1 : 0);
        assert.equal(await text(page, `${row} [data-col=completion] .date`), date(u.completion_time));
        const days = Number((BigInt(u.completion_time) - now) / 86_400_000_000_000n);
        assert.equal(await text(page, `${row} [data-col=completion] .rel`), `(in ${days}d)`);
      }

      const optOuts = positions.flatMap((p) => p.pending_opt_outs);
      if (optOuts.length === 0) assert.ok(await page.locator("[data-testid=empty-opt-outs]").isVisible());

      const { balances } = await c.get(`/cosmos/bank/v1beta1/balances/${address}`);
      for (const b of balances) {
        const m = denomMeta(b.denom);
        assert.equal(
          await text(page, `[data-testid=wallet-table] tr[data-asset="${b.denom}"] td.num`),
          `${units(b.amount, m.decimals)} ${m.symbol}`,
        );
      }

      // The exact commands, ready to paste.
      const claim = `wasmd tx wasm execute ${server.hub} '{"claim_rewards":{}}' --from ${address} --gas auto --gas-adjustment 2`;
      assert.equal(await text(page, "[data-testid=cmd-claim_rewards]"), claim);
      const v = positions[0]?.validator ?? names.validators[0].address;
      assert.equal(
        await text(page, "[data-testid=cmd-deposit]"),
        `wasmd tx wasm execute ${server.hub} '{"deposit":{"validator":"${v}"}}' --amount 1000000uatom --from ${address} --gas auto --gas-adjustment 2`,
      );
      if (positions[0]) {
        assert.equal(
          await text(page, "[data-testid=cmd-unbond]"),
          `wasmd tx wasm execute ${server.hub} '{"unbond":{"validator":"${v}","amount":"${positions[0].amount}"}}' --from ${address} --gas auto --gas-adjustment 2`,
        );
      }
    }
    await page.context().close();
  });

  test("staker page: the expected values of the scenario itself, commands follow the form, copy works", async () => {
    const alice = names.stakers.find((s) => s.name === "alice").address;
    const bob = names.stakers.find((s) => s.name === "bob").address;
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await ctx.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.base });
    const page = await ctx.newPage();
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await open(page, dashboardUrl(server, `#/staker/${alice}`), "[data-testid=stat-bonded]");
    // Numbers the scenario's comments work out: alice 1,000,000 in oracle (10%) + bridge (5%).
    assert.equal(await cardValue(page, "stat-bonded"), "1 ATOM");
    assert.equal(await cardValue(page, "stat-exposure"), "0.15 ATOM");
    assert.equal(await text(page, "[data-testid=stat-exposure-pct]"), "15%");
    assert.equal(await text(page, "[data-testid=positions-table] td[data-col=services]"), "oracle 10% bridge 5%");

    // Editing the form rewrites the commands.
    const v2 = names.validators[1].address;
    await page.fill("[data-testid=action-form] input[name=validator]", v2);
    await page.locator("[data-testid=action-form] input[name=validator]").dispatchEvent("change");
    await page.fill("[data-testid=action-form] input[name=amount]", "2500000");
    await page.fill("[data-testid=action-form] input[name=optIn]", "1, 2");
    assert.equal(
      await text(page, "[data-testid=cmd-deposit]"),
      `wasmd tx wasm execute ${server.hub} '{"deposit":{"validator":"${v2}"}}' --amount 2500000uatom --from ${alice} --gas auto --gas-adjustment 2`,
    );
    assert.equal(
      await text(page, "[data-testid=cmd-opt_in]"),
      `wasmd tx wasm execute ${server.hub} '{"opt_in":{"validator":"${v2}","service_ids":[1,2]}}' --from ${alice} --gas auto --gas-adjustment 2`,
    );
    // A validator without a position: nothing to opt out of, so no failing command.
    assert.match(await text(page, "[data-testid=cmd-opt_out]"), /^# type the service ids/);
    await page.locator(".cmd[data-action=claim_rewards] button.copy").click();
    // the button says so once the (asynchronous) clipboard write is done, for 1.5 s
    await page.locator(".cmd[data-action=claim_rewards] button.copy.copied").waitFor();
    assert.equal(await text(page, ".cmd[data-action=claim_rewards] button.copy"), "Copied");
    assert.equal(
      await page.evaluate(() => navigator.clipboard.readText()),
      `wasmd tx wasm execute ${server.hub} '{"claim_rewards":{}}' --from ${alice} --gas auto --gas-adjustment 2`,
    );

    // bob unbonded everything: no positions (an empty state), but rewards and an unbonding.
    await open(page, dashboardUrl(server, `#/staker/${bob}`), "[data-testid=stat-bonded]");
    assert.equal(await text(page, "[data-testid=empty-positions]"), "This address has no positions in the hub.");
    assert.equal(await text(page, "[data-testid=rewards-table] tr[data-asset=uosmo] [data-col=amount]"), "0.030499 OSMO");
    assert.equal(await text(page, "[data-testid=unbondings-table] tbody tr [data-col=amount]"), "3 ATOM");
    assert.equal(await page.locator("[data-testid=no-stake]").count(), 0);

    // An address that holds nothing in the hub (the bridge's admin).
    const admin = names.services.find((s) => s.name === "bridge").admin;
    await open(page, dashboardUrl(server, `#/staker/${admin}`), "[data-testid=stat-bonded]");
    assert.ok(await page.locator("[data-testid=no-stake]").isVisible());
    assert.ok(await page.locator("[data-testid=empty-positions]").isVisible());
    assert.ok(await page.locator("[data-testid=empty-rewards]").isVisible());
    assert.ok(await page.locator("[data-testid=empty-unbondings]").isVisible());
    assert.equal(await text(page, "[data-testid=stat-exposure-pct]"), "0%");

    // The lookup box in the header opens a staker.
    await open(page, dashboardUrl(server), "[data-testid=stat-total-bonded]");
    await page.fill("#lookup input[name=address]", alice);
    await page.press("#lookup input[name=address]", "Enter");
    await page.locator("[data-testid=staker-name]").waitFor();
    assert.equal(await text(page, "[data-testid=staker-name]"), "alice");
    await ctx.close();
  });

  test("service pages: stake per validator, rewards paid and slash history match the hub", async () => {
    const page = await newPage();
    const { services } = await c.smart({ services: { limit: 30 } });
    for (const s of services) {
      await open(page, dashboardUrl(server, `#/service/${s.id}`), "[data-testid=stat-service-stake]");
      assert.equal(await text(page, "[data-testid=service-name]"), s.name);
      assert.equal(await cardValue(page, "stat-service-stake"), atom(s.total_stake));
      assert.equal(await cardValue(page, "stat-max-slash"), pct(s.max_slash));
      assert.equal(await cardValue(page, "stat-veto"), dur(s.veto_period));
      assert.equal(await cardValue(page, "stat-opt-out"), dur(s.opt_out_delay));
      assert.equal(await cardValue(page, "stat-service-slashed"), atom(s.total_slashed));
      const stake = await c.smart({ service_stake: { service_id: s.id, limit: 30 } });
      assert.equal(await text(page, "[data-testid=stake-total]"), atom(stake.total));
      assert.equal(await page.locator("[data-testid=stake-table] tbody tr").count(), stake.validators.length);
      for (const v of stake.validators) {
        assert.equal(await text(page, `[data-testid=stake-table] tr[data-validator="${v.validator}"] td.num`), atom(v.amount));
        const label = names.validators.find((x) => x.address === v.validator).name;
        assert.equal(
          await page.locator(`[data-testid=chart-service-stake] g[data-label="${label}"]`).getAttribute("data-value"),
          v.amount,
        );
      }
      assert.equal(await page.locator("[data-testid=paid-table] tbody tr").count(), s.rewards_paid.length);
      for (const r of s.rewards_paid) {
        assert.equal(
          await text(page, `[data-testid=paid-table] tr[data-asset="${r.denom ?? r.cw20}"] td.num`),
          (await fmtAsset(r)).text,
        );
      }
      const { slash_requests } = await c.smart({ slash_requests: { service_id: s.id, limit: 30 } });
      assert.equal(slash_requests.length, 0);
      assert.ok(await page.locator("[data-testid=slash-history] [data-testid=empty-slashes]").isVisible());
    }
    // oracle was paid 71,000 uosmo and 8,000 ION in the scenario.
    await open(page, dashboardUrl(server, "#/service/1"), "[data-testid=paid-table]");
    assert.deepEqual(await page.locator("[data-testid=paid-table] td.num").allInnerTexts(), ["0.071 OSMO", "0.008 ION"]);
    await page.context().close();
  });

  test("error states: endpoint down, wrong or invalid contract, not a hub, bad queries", async () => {
    const page = await newPage();
    const port = await freePort();
    const down = `http://127.0.0.1:${port}`;
    await open(page, dashboardUrl(server, "", server.hub, down), "[data-testid=error]");
    assert.equal(await page.getAttribute("[data-testid=error]", "data-kind"), "unreachable");
    assert.equal(await text(page, "[data-testid=error] h2"), "Endpoint unreachable");
    assert.equal(await text(page, "[data-testid=error-message]"), `Cannot reach the LCD endpoint at ${down}.`);

    const nobody = names.stakers[0].address; // an account, not a contract
    await open(page, dashboardUrl(server, "", nobody), "[data-testid=error]");
    assert.equal(await page.getAttribute("[data-testid=error]", "data-kind"), "no-contract");
    assert.equal(await text(page, "[data-testid=error] h2"), "Wrong contract address");
    assert.equal(await text(page, "[data-testid=error-message]"), `There is no contract at ${nobody} on this chain.`);

    await open(page, dashboardUrl(server, "", "cosmwasm1notanaddress"), "[data-testid=error]");
    assert.equal(await page.getAttribute("[data-testid=error]", "data-kind"), "bad-address");
    assert.equal(await text(page, "[data-testid=error-message]"), `"cosmwasm1notanaddress" is not a valid contract address.`);

    const ion = names.tokens.find((t) => t.symbol === "ION").address;
    await open(page, dashboardUrl(server, "", ion), "[data-testid=error]");
    assert.equal(await page.getAttribute("[data-testid=error]", "data-kind"), "not-hub");
    assert.equal(await text(page, "[data-testid=error] h2"), "Not a restake hub");

    // The hub refuses a query: its own words are shown.
    await open(page, dashboardUrl(server, "#/staker/not-an-address"), "[data-testid=error]");
    assert.equal(await page.getAttribute("[data-testid=error]", "data-kind"), "query");
    assert.match(await text(page, "[data-testid=error-message]"), /^The hub refused the query "staker_overview": invalid staker: "not-an-address" is not a valid address/);
    await open(page, dashboardUrl(server, "#/service/99"), "[data-testid=error]");
    assert.equal(await text(page, "[data-testid=error-message]"), `The hub refused the query "service": service 99 not found`);
    await open(page, dashboardUrl(server, "#/nowhere"), "[data-testid=error]");
    assert.equal(await page.getAttribute("[data-testid=error]", "data-kind"), "not-found");

    // Settings: fix a wrong contract from the form.
    await open(page, dashboardUrl(server, "", nobody), "[data-testid=error]");
    await page.click("[data-testid=error] [data-open-settings]");
    await page.fill("[data-testid=settings-form] input[name=contract]", server.hub);
    await page.click("[data-testid=settings-form] button[type=submit]");
    await page.locator("[data-testid=stat-total-bonded]").waitFor();
    assert.ok(new URL(page.url()).searchParams.get("contract") === server.hub, "the URL keeps the settings");
    await page.context().close();
  });

  test("loading state shows while the hub answers", async () => {
    const page = await newPage();
    let release;
    const held = new Promise((r) => (release = r));
    await page.route(/\/smart\/eyJzdGF0cyI6e319/, async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(dashboardUrl(server));
    const loading = page.locator("[data-testid=loading]");
    await loading.waitFor();
    assert.equal(await loading.innerText(), "Loading the hub…");
    assert.equal(await page.locator("[data-testid=stat-total-bonded]").count(), 0);
    release();
    await page.locator("[data-testid=stat-total-bonded]").waitFor();
    assert.equal(await loading.count(), 0);
    await page.context().close();
  });
});

// ================================================================== slash-with-veto.yaml

describe("slash-with-veto.yaml: slash history, then the endpoint goes down", () => {
  let server;
  let c;
  const atom = (raw) => `${units(raw, 6)} ATOM`;

  before(async () => {
    server = await serve("scenarios/slash-with-veto.yaml");
    c = chain(server);
  });
  after(async () => stop(server));

  test("overview and service page list the slash requests as the hub reports them", async () => {
    const page = await newPage();
    const { slash_requests } = await c.smart({ slash_requests: { limit: 30 } });
    assert.deepEqual(slash_requests.map((r) => r.status), ["vetoed", "executed"]);
    const { services } = await c.smart({ services: {} });
    const check = async (scope) => {
      const rows = page.locator(`${scope} [data-testid=slash-table] tbody tr`);
      assert.equal(await rows.count(), slash_requests.length);
      // Most recent first.
      assert.deepEqual(
        await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-slash"))),
        slash_requests.map((r) => String(r.id)).reverse(),
      );
      for (const r of slash_requests) {
        const row = `${scope} [data-testid=slash-table] tr[data-slash="${r.id}"]`;
        assert.equal(await text(page, `${row} [data-col=fraction]`), pct(r.fraction));
        assert.equal(await text(page, `${row} [data-col=status]`), r.status);
        assert.equal(await text(page, `${row} [data-col=slashed]`), atom(r.slashed_amount));
        assert.equal(await text(page, `${row} [data-col=executable] .date`), date(r.executable_at));
      }
    };
    await open(page, dashboardUrl(server), "[data-testid=stat-total-bonded]");
    await check("[data-testid=slashes-panel]");
    const stats = await c.smart({ stats: {} });
    assert.equal(await cardValue(page, "stat-total-slashed"), atom(stats.total_slashed));
    assert.equal(await cardValue(page, "stat-total-slashed"), "0.1 ATOM");

    await open(page, dashboardUrl(server, `#/service/${services[0].id}`), "[data-testid=stat-service-stake]");
    await check("[data-testid=slash-history]");
    assert.equal(await cardValue(page, "stat-veto"), "2d");
    assert.equal(await cardValue(page, "stat-opt-out"), "7d");
    assert.equal(await cardValue(page, "stat-service-slashed"), atom(services[0].total_slashed));
    assert.ok(await page.locator("[data-testid=empty-paid]").isVisible(), "the bridge never paid: an empty state");

    // The endpoint goes away while the page is open: Reload says so.
    assert.equal(await stop(server), 0);
    await page.click("#context [data-retry]");
    await page.locator("[data-testid=error]").waitFor();
    assert.equal(await page.getAttribute("[data-testid=error]", "data-kind"), "unreachable");
    await page.context().close();
  });
});

// ================================================================== a frozen unbonding

describe("fixtures/frozen.yaml: a pending slash request freezes a matured unbonding", () => {
  let server;
  let c;

  before(async () => {
    server = await serve("web/tests/fixtures/frozen.yaml");
    c = chain(server);
  });
  after(async () => stop(server));

  test("the staker page marks it frozen and does not count it claimable", async () => {
    const { stakers } = await c.get("/restake/v1/scenario");
    const alice = stakers.find((s) => s.name === "alice").address;
    const { unbondings } = await c.smart({ unbondings: { staker: alice } });
    assert.equal(unbondings.length, 1);
    assert.equal(unbondings[0].frozen, true, "the hub reports the unbonding frozen");
    assert.equal(unbondings[0].matured, true);
    const overview = await c.smart({ staker_overview: { staker: alice } });
    assert.equal(overview.claimable, "0");

    const page = await newPage();
    await open(page, dashboardUrl(server, `#/staker/${alice}`), "[data-testid=stat-bonded]");
    const row = `[data-testid=unbondings-table] tr[data-unbonding="${unbondings[0].id}"]`;
    assert.ok(await page.locator(`${row} [data-testid=frozen]`).isVisible(), "a frozen badge");
    assert.equal(await cardValue(page, "stat-claimable"), "0 ATOM");
    await page.context().close();
  });
});

// ================================================================== sixty days of history

describe("vault.yaml: a restake-vault's page (#/vault/<address>/<holder>)", () => {
  let server;
  let c;
  let vault;
  let bob;
  before(async () => {
    server = await serve("scenarios/vault.yaml");
    c = chain(server);
    const sc = await c.get("/restake/v1/scenario");
    vault = sc.vaults.find((v) => v.name === "rst").address;
    bob = sc.stakers.find((s) => s.name === "bob").address;
  });
  after(() => stop(server));

  test("allocation, price, strategy, cranks and a holder's shares match the vault's queries", async () => {
    const page = await newPage();
    await open(page, dashboardUrl(server, `#/vault/${vault}/${bob}`), "[data-testid=vault-title]");
    const [state, strategy, cranks, token, holder] = await Promise.all([
      c.smart({ state: {} }, vault),
      c.smart({ strategy: {} }, vault),
      c.smart({ cranks: {} }, vault),
      c.smart({ token_info: {} }, vault),
      c.smart({ holder: { address: bob } }, vault),
    ]);
    const atom = (raw) => `${units(raw, 6)} ATOM`;
    assert.match(await text(page, "[data-testid=vault-title]"), new RegExp(`${token.name}\\s+${token.symbol}`));
    for (const [id, raw, shown] of [
      ["vault-nav", state.nav, atom(state.nav)],
      ["vault-bonded", state.bonded, atom(state.bonded)],
      ["vault-losses", state.expected_losses, atom(state.expected_losses)],
      ["vault-supply", state.supply, `${units(state.supply, token.decimals)} ${token.symbol}`],
      ["vault-price", state.price, state.price],
      ["vault-exposure", state.max_position_exposure, pct(state.max_position_exposure)],
      ["vault-holder-shares", holder.shares, `${units(holder.shares, token.decimals)} ${token.symbol}`],
      ["vault-holder-value", holder.value, atom(holder.value)],
    ]) {
      assert.equal(await page.locator(`[data-testid=${id}]`).getAttribute("data-raw"), raw, id);
      assert.equal(await cardValue(page, id), shown, id);
    }
    // the scenario's story: bob's 1.5 ATOM after the slash, the vault holds exactly that
    assert.equal(holder.value, "1475000");
    assert.equal(state.bonded, "1475000");
    // one row per validator, as the vault reports its positions at the hub
    assert.equal(await page.locator("[data-testid=vault-allocation] tbody tr").count(), state.validators.length);
    for (const v of state.validators) {
      const row = page.locator(`[data-testid=vault-allocation] tr[data-validator="${v.validator}"]`);
      assert.equal(await row.locator("[data-col=bonded]").getAttribute("data-raw"), v.bonded);
      assert.equal((await row.locator("[data-col=bonded]").innerText()).trim(), atom(v.bonded));
      const services = v.services.length ? v.services.map((x) => `#${x}`).join(", ") : "none";
      assert.equal((await row.locator("[data-col=services]").innerText()).trim(), services);
      assert.equal(await row.locator("[data-testid=vault-frozen]").count(), v.frozen ? 1 : 0);
    }
    assert.equal(await text(page, "[data-testid=vault-risk-budget]"), `${pct(strategy.active.risk_budget)} (Σ max slash of one position's services)`);
    assert.equal(await text(page, "[data-testid=vault-timelock]"), dur(strategy.active.timelock));
    assert.equal(await page.locator("[data-testid=vault-pending]").count(), strategy.pending ? 1 : 0);
    // each crank: its work lines, or "nothing to do"
    for (const name of ["process_exits", "rebalance", "harvest"]) {
      const cell = (await page.locator(`[data-testid=vault-cranks] tr[data-crank=${name}] td`).nth(1).innerText()).trim();
      assert.equal(cell, cranks[name].length ? cranks[name].join("\n") : "nothing to do", name);
    }
    // bob never exited; the deposit command names the vault and the bonded denom
    assert.equal(await page.locator("[data-testid=vault-no-exits]").count(), holder.exits.length ? 0 : 1);
    assert.match(await text(page, "[data-testid=cmd-deposit]"), new RegExp(`tx wasm execute ${vault} '\\{"deposit":\\{\\}\\}' --amount 1000000uatom`));
    // the vault is named as the scenario names it on the hub's pages too
    await shot(page, "vault.png");
    await page.context().close();
  });

  test("an address that is not a vault shows the vault's query error", async () => {
    const page = await newPage();
    await open(page, dashboardUrl(server, `#/vault/${server.hub}`), "[data-testid=error]");
    assert.equal(await page.locator("[data-testid=error]").getAttribute("data-kind"), "query");
    await page.context().close();
  });
});

describe("fixtures/history.yaml: charts over 30 and 90 days, yields over 7 and 30", () => {
  let server;
  let c;

  before(async () => {
    server = await serve("web/tests/fixtures/history.yaml");
    c = chain(server);
  });
  after(async () => stop(server));

  test("the overview charts every point of the hub's history inside each range", async () => {
    const h = await c.smart({ hub_history: { days: 90 } });
    assert.ok(h.points.length >= 4, "the scenario wrote a point on each day it changed");
    const page = await newPage();
    await open(page, dashboardUrl(server), "[data-testid=chart-hub-history]");
    const today = h.now.day;
    for (const days of [30, 90]) {
      const chart = `[data-testid=chart-hub-history-${days}]`;
      assert.equal(await page.getAttribute(chart, "data-to"), String(today));
      assert.equal(await page.getAttribute(chart, "data-from"), String(today - days));
      for (const [series, field] of [["Bonded", "bonded"], ["Restaked", "restaked"]]) {
        const g = `${chart} g[data-series=${series}]`;
        assert.equal(await page.getAttribute(g, "data-last"), h.now[field]);
        const dots = await page.locator(`${g} circle`).evaluateAll((cs) => cs.map((el) => [Number(el.getAttribute("data-day")), el.getAttribute("data-value")]));
        const expected = [...h.points, h.now].filter((p) => p.day > today - days).map((p) => [p.day, p[field]]);
        assert.deepEqual(dots, expected, `${series}, ${days} days`);
      }
    }
    // Only the 90-day view reaches back to the first deposit (58 days ago).
    const first = h.points[0].day;
    assert.equal(await page.locator(`[data-testid=chart-hub-history-30] circle[data-day="${first}"]`).count(), 0);
    assert.equal(await page.locator(`[data-testid=chart-hub-history-90] g[data-series=Bonded] circle[data-day="${first}"]`).count(), 1);
    await page.keyboard.press("Tab"); // the toggle is a button: reachable and pressable
    await page.focus("[data-testid=chart-hub-history] button[data-range='90']");
    await page.keyboard.press("Enter");
    assert.ok(await page.locator("[data-testid=chart-hub-history-90]").isVisible());
    assert.equal(await page.getAttribute("[data-testid=chart-hub-history] button[data-range='90']", "aria-pressed"), "true");
    const { services } = await c.smart({ services: {} });
    for (const s of services) {
      const sh = await c.smart({ service_history: { service_id: s.id, days: 90 } });
      assert.equal(await page.getAttribute(`[data-testid=chart-services-history-90] g[data-series="${s.name}"]`, "data-last"), sh.now.stake);
    }
    await shot(page, "overview.png");
    await page.context().close();
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const p = await phone.newPage();
    p.on("pageerror", (e) => pageErrors.push(e.message));
    await open(p, dashboardUrl(server), "[data-testid=chart-hub-history]");
    assert.ok((await p.evaluate(() => document.documentElement.scrollWidth)) <= 390, "no sideways scrolling on a phone");
    await shot(p, "overview-phone.png");
    await phone.close();
  });

  test("a service's 7- and 30-day yields are its reward index's growth, annualised", async () => {
    const { services } = await c.smart({ services: {} });
    const oracle = services.find((s) => s.name === "oracle");
    const h = await c.smart({ service_history: { service_id: oracle.id, days: 90 } });
    const page = await newPage();
    await open(page, dashboardUrl(server, `#/service/${oracle.id}`), "[data-testid=yield-table]");
    const idx = (p, denom) => decimalAtoms(p?.reward_indexes.find((r) => r.denom === denom)?.index ?? "0");
    const expected = { 7: {}, 30: {} };
    for (const days of [7, 30]) {
      const then = h.points.filter((p) => p.day <= h.now.day - days).pop();
      assert.ok(then, `a point at least ${days} days old`);
      for (const denom of oracle.reward_denoms) {
        const paid = idx(h.now, denom) - idx(then, denom);
        const cell = `[data-testid=yield-table] tr[data-asset="${denom}"] [data-col=y${days}]`;
        assert.equal(await page.getAttribute(cell, "data-paid"), String(paid));
        const yearly = (paid * 365n) / BigInt(days);
        expected[days][denom] =
          denom === "uatom" ? `${units((yearly * 10000n) / 10n ** 18n, 2)}%` : `${units((yearly * 10n ** 6n) / 10n ** 18n, 6)} USDC per ATOM`;
        assert.equal(await text(page, cell), expected[days][denom]);
      }
    }
    // By hand from the scenario: 270,000 + 54,000 uusdc over 27 ATOM in the last 7 days, and
    // nothing more in the last 30 (0.012 per uatom either way); 150,000 uatom over 35 ATOM 28
    // days ago, inside the 30-day window only.
    assert.equal(expected[7].uusdc, "0.625714 USDC per ATOM"); // 0.012 × 365 / 7
    assert.equal(expected[30].uusdc, "0.146 USDC per ATOM"); // 0.012 × 365 / 30
    assert.equal(expected[7].uatom, "0%");
    assert.equal(expected[30].uatom, "5.21%"); // 0.0042857 × 365 / 30
    await page.context().close();
  });
});
