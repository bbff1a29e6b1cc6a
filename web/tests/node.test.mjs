// The dashboard against a real chain: a local gaiad v25.1.1 node (scripts/gaia-node.sh, started
// and stopped here: tests/lib/gaia.mjs), the hub stored and instantiated from artifacts/restake_hub.wasm,
// and a test wallet with Keplr's API over a CosmJS key. Each staker action is clicked in
// headless Chromium, signed by the wallet, broadcast, and the chain's state is read back
// through the node's own REST API; a refusal must show the hub's words. Also: service
// metadata from data:, https: and ipfs: URIs, yields from the hub's history, the "what could
// I lose" panel checked by a real slash, keyboard-only use, and screenshots.
//
//   node --test tests/node.test.mjs            (WEB_GAIA_PORT_BASE moves the node's ports;
//                                              GAIA_ENV=<env file> uses a running node)

import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

import { startNode, UNTRACED_IBC } from "./lib/gaia.mjs";
import { deployHub, deployVault, exec, execMany, Node, readEnv, until } from "./lib/chain.mjs";
import { atom, decimalAtoms, pct, registryMeta, units } from "./lib/expect.mjs";
import { serveDist, serveHttps } from "./lib/servers.mjs";
import { installWallet } from "./lib/wallet.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SHOTS = path.join(ROOT, "docs/screenshots");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const svgLogo = `data:image/svg+xml;base64,${Buffer.from(
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="#0891b2"/><text x="32" y="42" font-size="28" text-anchor="middle" fill="white" font-family="sans-serif">O</text></svg>`,
).toString("base64")}`;
// The hub keeps metadata_uri to 256 characters: a data: URI carries a small document only.
const oracleDoc = { name: "Oracle Network", description: "Signed price feeds.", website: "https://oracle.example", category: "oracle" };
const bridgeDoc = {
  name: "Bridge Relay",
  description: "Moves assets between the Hub and its consumer chains.",
  website: "https://bridge.example",
  logo: svgLogo,
  category: "bridge",
  audits: [{ auditor: "Example Audits", url: "https://audits.example/bridge.pdf", date: "2026-10-01" }],
  contact: { email: "security@bridge.example" },
};
const dataDoc = { name: "Data Layer", description: "Blob storage with availability sampling.", category: "data-availability", contact: { url: "https://data.example/contact" } };
const IPFS_PATH = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/data.json";

let gaia;
let node;
let hub;
let browser;
let dist;
let tls;
let url;
let proposalId;
const services = {};
const pageErrors = [];

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  gaia = startNode(ROOT);
  node = new Node(readEnv(gaia.envFile));
  tls = await serveHttps({
    "/bridge.json": ["application/json", JSON.stringify(bridgeDoc)],
    [`/ipfs/${IPFS_PATH}`]: ["application/json", JSON.stringify(dataDoc)],
  });
  dist = await serveDist(path.join(ROOT, "web/dist"));
  ({ hub } = await deployHub(node, ROOT));
  const admin = await node.account("service");
  const reg = (name, extra) => ({
    msg: {
      register_service: {
        name,
        slasher: admin.address,
        max_slash: "0.1",
        veto_period: 0,
        opt_out_delay: 4,
        reward_denoms: [node.denom],
        ...extra,
      },
    },
  });
  await execMany(node, "service", hub, [
    reg("oracle", {
      reward_denoms: ["uusdc", node.denom],
      metadata_uri: `data:application/json,${encodeURIComponent(JSON.stringify(oracleDoc))}`,
    }),
    reg("bridge", { max_slash: "0.05", reward_denoms: [UNTRACED_IBC], metadata_uri: `${tls.base}/bridge.json` }),
    reg("data-layer", { max_slash: "0.2", metadata_uri: `ipfs://${IPFS_PATH}` }),
    reg("sequencer", { max_slash: "0.15", metadata_uri: "data:application/json,%7B%22name%22%3A%20" }),
    reg("keeper", { max_slash: "0.01" }),
  ]);
  for (const s of (await node.smart(hub, { services: {} })).services) services[s.name] = s;
  assert.equal(Object.keys(services).length, 5);
  // A text proposal in its voting period, for the governance panel.
  const owner = await node.account("owner");
  const res = await owner.client.signAndBroadcast(
    owner.address,
    [
      {
        typeUrl: "/cosmos.gov.v1.MsgSubmitProposal",
        value: {
          messages: [],
          initialDeposit: [{ denom: node.denom, amount: "1000000" }],
          proposer: owner.address,
          metadata: "restake-hub dashboard test",
          title: "Signal: fund the restake hub's audit",
          summary: "A text proposal for the dashboard's tests.",
          expedited: false,
        },
      },
    ],
    "auto",
  );
  assert.equal(res.code, 0, res.rawLog);
  const open = await node.get("/cosmos/gov/v1/proposals?proposal_status=PROPOSAL_STATUS_VOTING_PERIOD");
  proposalId = Number(open.proposals.at(-1).id);

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  url = (hash = "") =>
    `${dist.base}/?lcd=${encodeURIComponent(node.rest)}&contract=${hub}&rpc=${encodeURIComponent(node.rpc)}&ipfs=${encodeURIComponent(`${tls.base}/ipfs/`)}${hash}`;
});

after(async () => {
  await browser?.close();
  await dist?.close();
  await tls?.close();
  gaia?.stop();
  assert.deepEqual(pageErrors, [], "the pages threw no uncaught errors");
});

/** A browser context (https errors ignored for the self-signed metadata server). */
async function newContext(viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport, ignoreHTTPSErrors: true });
  context.on("page", (p) => p.on("pageerror", (e) => pageErrors.push(e.message)));
  return context;
}

async function open(page, hash, ready) {
  await page.goto(url(hash));
  await page.locator(`${ready}, [data-testid=error]`).first().waitFor({ timeout: 30_000 });
  if (ready !== "[data-testid=error]" && (await page.locator("[data-testid=error]").count()) > 0) {
    throw new Error(`the page shows an error: ${await page.locator("[data-testid=error]").innerText()}`);
  }
}

const text = async (page, sel) => (await page.locator(sel).first().innerText()).trim();

/** Submits form `testid` (after `fill`) and waits for its outcome; returns it. */
async function act(page, testid, fill = async () => {}) {
  const form = page.locator(`[data-testid=${testid}]`);
  await fill(form);
  await page.evaluate(() => document.querySelectorAll("[data-testid=tx-result]").forEach((b) => b.removeAttribute("data-ok")));
  await form.locator("button[type=submit]").click();
  return outcome(page);
}

async function outcome(page) {
  const box = page.locator("[data-testid=tx-result][data-ok]").first();
  await box.waitFor({ timeout: 90_000 });
  const ok = (await box.getAttribute("data-ok")) === "true";
  return {
    ok,
    hash: await box.getAttribute("data-hash"),
    stage: await box.getAttribute("data-stage"),
    gasUsed: ok ? await text(page, "[data-testid=tx-gas-used]") : null,
    refusal: ok ? null : await text(page, "[data-testid=tx-refusal]"),
    text: (await box.innerText()).trim(),
  };
}

/** The executed hub messages of a transaction, decoded. */
async function hubMessages(hash) {
  const tx = await node.tx(hash);
  return {
    tx,
    msgs: tx.tx.body.messages.map((m) => {
      assert.equal(m["@type"], "/cosmwasm.wasm.v1.MsgExecuteContract");
      assert.equal(m.contract, hub);
      return { msg: m.msg, funds: m.funds };
    }),
  };
}

const feeOf = (tx) => BigInt(tx.tx.auth_info.fee.amount.find((c) => c.denom === node.denom)?.amount ?? "0");

const position = (staker, validator) => node.smart(hub, { position: { staker, validator } });

describe("the staker app on a local gaiad node, signed by a test wallet", () => {
  let context;
  let page;
  let wallet;
  let alice;
  let V; // the genesis validator
  let V2; // a second validator (never signs; its slashing window outlasts the tests)

  before(async () => {
    V = node.env.GAIA_VALIDATOR;
    V2 = node.env.GAIA_VALIDATOR_VAL2;
    assert.ok(V2, "a second validator (val2) was added");
    context = await newContext();
    wallet = await installWallet(context, { mnemonic: node.mnemonic("alice"), keyName: "alice" });
    alice = wallet.address;
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
  });
  after(async () => context?.close());

  test("connect: Keplr's API, the local chain suggested with the node's endpoints", async () => {
    await open(page, "", "[data-testid=stat-total-bonded]");
    assert.equal(await page.locator("[data-testid=connect-leap]").count(), 0, "only the wallet the browser has");
    await page.click("[data-testid=connect-keplr]");
    await page.locator("[data-testid=wallet-connected]").waitFor();
    assert.equal(await page.getAttribute("[data-testid=wallet-connected]", "title"), alice);
    assert.equal(wallet.log.suggested.length, 1, "a chain the registry does not know is suggested");
    const s = wallet.log.suggested[0];
    assert.equal(s.chainId, node.chainId);
    assert.equal(s.rpc, node.rpc);
    assert.equal(s.rest, node.rest);
    assert.equal(s.bech32Config.bech32PrefixAccAddr, "cosmos");
    // uatom on an unknown chain: the registry's native asset with that base denom.
    const meta = registryMeta("uatom");
    assert.deepEqual(s.stakeCurrency, { coinDenom: meta.symbol, coinMinimalDenom: "uatom", coinDecimals: meta.decimals });
    assert.equal(s.feeCurrencies[0].gasPriceStep.low, Number(node.env.GAIA_GAS_PRICE));
    assert.deepEqual(wallet.log.enabled, [node.chainId]);

    await page.click("[data-testid=my-stake]");
    await page.locator("[data-testid=form-deposit]").waitFor();
    assert.equal(await text(page, "#staker-addr"), alice);
    assert.ok(await page.locator("[data-testid=no-position-actions]").isVisible());
    // Reloading reconnects the remembered wallet.
    await page.reload();
    await page.locator("[data-testid=form-deposit]").waitFor();
  });

  test("deposit and opt in: one transaction of two hub messages; the chain holds the stake", async () => {
    const before = await node.balance(alice);
    const r = await act(page, "form-deposit", async (f) => {
      await f.locator("select[name=validator]").selectOption(V);
      await f.locator("input[name=amount]").fill("5");
      await f.locator(`input[name=optIn][value="${services.oracle.id}"]`).check();
      await f.locator(`input[name=optIn][value="${services["data-layer"].id}"]`).check();
    });
    assert.ok(r.ok, r.text);
    const { tx, msgs } = await hubMessages(r.hash);
    assert.equal(tx.tx_response.code, 0);
    assert.equal(r.gasUsed, tx.tx_response.gas_used, "the page shows the chain's gas used");
    assert.deepEqual(msgs, [
      { msg: { deposit: { validator: V } }, funds: [{ denom: "uatom", amount: "5000000" }] },
      { msg: { opt_in: { service_ids: [services.oracle.id, services["data-layer"].id], validator: V } }, funds: [] },
    ]);
    const p = await position(alice, V);
    assert.equal(p.amount, "5000000");
    assert.deepEqual(p.service_ids, [services.oracle.id, services["data-layer"].id]);
    assert.equal(await node.balance(alice), before - 5_000_000n - feeOf(tx));
    // The page refreshed from the chain.
    assert.equal(await text(page, `[data-testid=positions-table] tr[data-validator="${V}"] [data-col=amount]`), atom("5000000"));
    assert.equal(wallet.log.signed.length, 1);
  });

  test("refusals show the hub's own words; nothing is signed or changed", async () => {
    const signed = wallet.log.signed.length;
    let r = await act(page, "form-unbond", (f) => f.locator("input[name=amount]").fill("100"));
    assert.equal(r.ok, false);
    assert.equal(r.stage, "simulation");
    assert.equal(r.refusal, `amount 100000000 exceeds your bonded 5000000 on ${V}`);
    r = await act(page, "form-withdraw-shares", (f) => f.locator("input[name=amount]").fill("1"));
    assert.equal(r.ok, false);
    assert.match(r.refusal, new RegExp(`^withdraw_shares is for stake that secures no service; your position on ${V} secures services .*${services.oracle.id}.*: opt out first, or unbond$`));
    // The page's own check: not an amount.
    r = await act(page, "form-unbond", (f) => f.locator("input[name=amount]").fill("1.0000001"));
    assert.equal(r.refusal, `"1.0000001" is not an amount of ATOM (up to 6 decimals).`);
    assert.equal(wallet.log.signed.length, signed, "a refused message is never signed");
    assert.equal((await position(alice, V)).amount, "5000000");
  });

  test("unbond: queued at once, sent and matured on the chain, then claimed", async () => {
    let r = await act(page, "form-unbond", (f) => f.locator("input[name=amount]").fill("1"));
    assert.ok(r.ok, r.text);
    assert.equal((await position(alice, V)).amount, "4000000");
    const [u] = (await node.smart(hub, { unbondings: { staker: alice } })).unbondings;
    assert.equal(u.amount, "1000000");
    assert.ok(await page.locator(`[data-testid=unbondings-table] tr[data-unbonding="${u.id}"]`).isVisible());
    // The crank sends the batch to the chain (anyone may: the keeper account does).
    await until("the unbonding batch to be sent", async () => {
      await exec(node, "keeper", hub, { process_unbondings: {} }).catch(() => null);
      const [x] = (await node.smart(hub, { unbondings: { staker: alice } })).unbondings;
      return x.status !== "queued";
    }, 60_000, 2000);
    await until("the unbonding to mature", async () => {
      const [x] = (await node.smart(hub, { unbondings: { staker: alice } })).unbondings;
      return x.matured;
    }, 90_000, 2000);
    await page.reload();
    await page.locator("[data-testid=form-claim-unbonded]").waitFor();
    const before = await node.balance(alice);
    r = await act(page, "form-claim-unbonded");
    assert.ok(r.ok, r.text);
    const { tx } = await hubMessages(r.hash);
    assert.equal(await node.balance(alice), before + 1_000_000n - feeOf(tx));
    assert.deepEqual((await node.smart(hub, { unbondings: { staker: alice } })).unbondings, []);
    assert.ok(await page.locator("[data-testid=empty-unbondings]").isVisible());
  });

  test("opt in, opt out, complete the opt-out after the service's delay", async () => {
    let r = await act(page, "form-opt-in", (f) => f.locator("select[name=service]").selectOption(String(services.bridge.id)));
    assert.ok(r.ok, r.text);
    assert.deepEqual((await position(alice, V)).service_ids, [services.oracle.id, services.bridge.id, services["data-layer"].id]);
    r = await act(page, "form-opt-out", (f) => f.locator("select[name=service]").selectOption(String(services.bridge.id)));
    assert.ok(r.ok, r.text);
    const p = await position(alice, V);
    assert.equal(p.pending_opt_outs.length, 1);
    assert.equal(p.pending_opt_outs[0].service_id, services.bridge.id);
    assert.ok(await page.locator(`[data-testid=opt-outs-table] tr[data-service="${services.bridge.id}"]`).isVisible());
    const ready = Number(BigInt(p.pending_opt_outs[0].ready_at) / 1_000_000_000n);
    await until("the opt-out delay to pass on the chain", async () => (await node.time()) > ready, 30_000);
    r = await act(page, "form-complete-opt-out");
    assert.ok(r.ok, r.text);
    const after = await position(alice, V);
    assert.deepEqual(after.service_ids, [services.oracle.id, services["data-layer"].id]);
    assert.deepEqual(after.pending_opt_outs, []);
  });

  test("rewards: a service pays in USDC and ATOM; amounts read in registry units; the staker claims", async () => {
    await exec(node, "service", hub, { distribute_rewards: { service_id: services.oracle.id } }, [
      { denom: node.denom, amount: "40000" },
      { denom: "uusdc", amount: "2500000" },
    ]);
    await page.reload();
    await page.locator("[data-testid=rewards-table]").waitFor();
    const { rewards } = await node.smart(hub, { pending_rewards: { staker: alice } });
    const usdc = rewards.find((r) => r.denom === "uusdc");
    assert.ok(BigInt(usdc.amount) >= 2_499_999n, "the only staker gets the payment, to within a unit");
    const m = registryMeta("uusdc");
    assert.equal(m.symbol, "USDC");
    assert.equal(await text(page, `[data-testid=rewards-table] tr[data-asset="uusdc"] [data-col=amount]`), `${units(usdc.amount, m.decimals)} USDC`);
    // A voucher without a trace on this chain stays in base units: never 0 decimals by guess.
    const ibc = (await node.balances(alice)).find((b) => b.denom === UNTRACED_IBC);
    assert.equal(
      await text(page, `[data-testid=wallet-table] tr[data-asset="${UNTRACED_IBC}"] [data-col=amount]`),
      `${units(ibc.amount, 0)} ibc/F66352… (base units)`,
    );
    const before = await node.balance(alice, "uusdc");
    const r = await act(page, "form-claim-rewards");
    assert.ok(r.ok, r.text);
    assert.equal(await node.balance(alice, "uusdc"), before + BigInt(usdc.amount));
    assert.deepEqual((await node.smart(hub, { pending_rewards: { staker: alice } })).rewards.filter((x) => x.denom === "uusdc"), []);
  });

  test("tokenized shares: withdraw plain stake as shares, deposit them back without unbonding", async () => {
    let r = await act(page, "form-deposit", async (f) => {
      await f.locator("select[name=validator]").selectOption(V2);
      await f.locator("input[name=amount]").fill("3");
    });
    assert.ok(r.ok, r.text);
    assert.deepEqual((await position(alice, V2)).service_ids, []);
    await page.locator("[data-testid=position-select]").selectOption(V2);
    r = await act(page, "form-withdraw-shares", (f) => f.locator("input[name=amount]").fill("1.25"));
    assert.ok(r.ok, r.text);
    assert.equal((await position(alice, V2)).amount, "1750000");
    const shares = (await node.balances(alice)).filter((b) => b.denom.startsWith(`${V2}/`));
    assert.equal(shares.length, 1);
    assert.equal(shares[0].amount, "1250000", "an unslashed validator: one share per token");
    await page.locator("[data-testid=form-deposit-shares]").waitFor();
    r = await act(page, "form-deposit-shares", async (f) => {
      await f.locator("select[name=denom]").selectOption(shares[0].denom);
      await f.locator("input[name=amount]").fill("1.25");
    });
    assert.ok(r.ok, r.text);
    const { msgs } = await hubMessages(r.hash);
    assert.deepEqual(msgs, [{ msg: { deposit: { validator: V2 } }, funds: [{ denom: shares[0].denom, amount: "1250000" }] }]);
    assert.equal((await position(alice, V2)).amount, "3000000");
    assert.deepEqual((await node.balances(alice)).filter((b) => b.denom.startsWith(`${V2}/`)), []);
  });

  test("governance: the open proposal with the staker's vote; a vote and a weighted vote reach the chain", async () => {
    const card = `[data-testid=proposal-${proposalId}]`;
    await page.locator(card).waitFor();
    assert.equal(await text(page, `${card} [data-testid=staker-vote]`), "not voted");
    let r = await act(page, `form-vote-${proposalId}`, (f) => f.locator("input[name=option][value=no]").check());
    assert.ok(r.ok, r.text);
    let v = await node.smart(hub, { staker_vote: { proposal_id: proposalId, staker: alice } });
    assert.equal(v.option, "no");
    assert.equal(v.stake, "7000000", "all of alice's bonded stake in the hub: 4 + 3 ATOM");
    assert.equal(await text(page, `${card} [data-testid=staker-vote]`), "No");
    // The hub's delegator on each validator voted on the chain.
    const proxy = async (val) => (await node.smart(hub, { validator: { validator: val } })).delegator;
    const chainVote = async (val) => (await node.get(`/cosmos/gov/v1/proposals/${proposalId}/votes/${await proxy(val)}`)).vote.options;
    assert.deepEqual(await chainVote(V), [{ option: "VOTE_OPTION_NO", weight: "1.000000000000000000" }]);

    r = await act(page, `form-vote-${proposalId}`, async (f) => {
      await f.locator("input[name=option][value=weighted]").check();
      await f.locator("input[name=weighted]").fill("yes=0.7, no=0.3");
    });
    assert.ok(r.ok, r.text);
    v = await node.smart(hub, { staker_vote: { proposal_id: proposalId, staker: alice } });
    assert.deepEqual(v.weighted, [{ option: "yes", weight: "0.7" }, { option: "no", weight: "0.3" }]);
    assert.equal(await text(page, `${card} [data-testid=staker-vote]`), "Yes 70%, No 30%");
    // The form shows the vote the staker holds.
    assert.ok(await page.locator(`${card} input[name=option][value=weighted]`).isChecked());
    assert.equal(await page.locator(`${card} input[name=weighted]`).inputValue(), "yes=0.7, no=0.3");
    for (const val of [V, V2]) {
      assert.deepEqual(await chainVote(val), [
        { option: "VOTE_OPTION_YES", weight: "0.700000000000000000" },
        { option: "VOTE_OPTION_NO", weight: "0.300000000000000000" },
      ]);
    }
  });

  test("what could I lose: each service at its maximum and a 5 % chain slash; a real slash agrees", async () => {
    await page.reload();
    await page.locator("[data-testid=risk-table]").waitFor();
    const pV = await position(alice, V);
    const pV2 = await position(alice, V2);
    const floorTimes = (a, f) => (BigInt(a) * decimalAtoms(f)) / 10n ** 18n;
    for (const s of [services.oracle, services["data-layer"]]) {
      const row = `[data-testid=risk-table] tr[data-risk-service="${s.id}"]`;
      assert.equal(await page.getAttribute(`${row} [data-col=loss]`, "data-raw"), String(floorTimes(pV.amount, s.max_slash)));
      assert.equal(await text(page, `${row} [data-col=loss]`), atom(floorTimes(pV.amount, s.max_slash)));
      assert.match(await text(page, `${row} td`), new RegExp(`slashes its maximum \\(${pct(s.max_slash).replace(".", "\\.")}\\)`));
    }
    assert.equal(await page.locator("[data-testid=risk-table] tr[data-risk-service]").count(), 2, "only the services alice secures");
    for (const p of [pV, pV2]) {
      assert.equal(
        await page.getAttribute(`[data-testid=risk-table] tr[data-risk-validator="${p.validator}"] [data-col=loss]`, "data-raw"),
        String(floorTimes(p.amount, "0.05")),
      );
    }
    // The oracle's slasher slashes its maximum on V (veto window 0: applied at once).
    const predicted = BigInt(await page.getAttribute(`[data-testid=risk-table] tr[data-risk-service="${services.oracle.id}"] [data-col=loss]`, "data-raw"));
    await exec(node, "service", hub, { slash: { service_id: services.oracle.id, validator: V, fraction: services.oracle.max_slash, evidence: "web test" } });
    const lost = BigInt(pV.amount) - BigInt((await position(alice, V)).amount);
    assert.ok(lost >= predicted - 1n && lost <= predicted + 1n, `lost ${lost}, the panel said ${predicted}`);
    assert.equal((await position(alice, V2)).amount, pV2.amount, "stake on another validator is untouched");
  });

  test("keyboard only: a deposit and a vote without the mouse", async () => {
    await page.reload();
    await page.locator("[data-testid=form-deposit]").waitFor();
    await page.mouse.move(0, 0);
    const focusOn = async (selector, max = 150) => {
      await page.evaluate(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
      for (let i = 0; i < max; i++) {
        await page.keyboard.press("Tab");
        if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) {
          const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
          assert.notEqual(outline, "none", `${selector} shows its focus`);
          return;
        }
      }
      throw new Error(`Tab never reached ${selector}`);
    };
    const before = BigInt((await position(alice, V2)).amount);
    await focusOn("[data-testid=form-deposit] select[name=validator]");
    for (let i = 0; i < 5 && (await page.locator("[data-testid=form-deposit] select[name=validator]").inputValue()) !== V2; i++) {
      await page.keyboard.press("ArrowDown");
    }
    assert.equal(await page.locator("[data-testid=form-deposit] select[name=validator]").inputValue(), V2);
    await focusOn("[data-testid=form-deposit] input[name=amount]");
    await page.keyboard.type("0.5");
    await page.evaluate(() => document.querySelectorAll("[data-testid=tx-result]").forEach((b) => b.removeAttribute("data-ok")));
    await page.keyboard.press("Enter");
    let r = await outcome(page);
    assert.ok(r.ok, r.text);
    assert.equal(BigInt((await position(alice, V2)).amount), before + 500_000n);

    await focusOn(`[data-testid=form-vote-${proposalId}] input[name=option][value=abstain]`).catch(async () => {
      // Radio groups take one Tab stop: reach the group, then choose with the arrow keys.
      await focusOn(`[data-testid=form-vote-${proposalId}] input[name=option]`);
    });
    while ((await page.evaluate(() => document.activeElement?.getAttribute("value"))) !== "abstain") await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Space");
    await focusOn(`[data-testid=form-vote-${proposalId}] button[type=submit]`);
    await page.evaluate(() => document.querySelectorAll("[data-testid=tx-result]").forEach((b) => b.removeAttribute("data-ok")));
    await page.keyboard.press("Enter");
    r = await outcome(page);
    assert.ok(r.ok, r.text);
    assert.equal((await node.smart(hub, { staker_vote: { proposal_id: proposalId, staker: alice } })).option, "abstain");
  });

  test("screenshots: the staker page with a wallet (and the last transaction's outcome), desktop and phone", async () => {
    await page.locator("[data-testid=tx-result][data-ok=true]").waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(SHOTS, "staker.png"), fullPage: true });
    const phone = await newContext({ width: 390, height: 844 });
    await installWallet(phone, { mnemonic: node.mnemonic("alice"), keyName: "alice" });
    const p = await phone.newPage();
    await p.goto(url(`#/staker/${alice}`));
    await p.locator("[data-testid=stat-bonded]").waitFor();
    assert.ok((await p.evaluate(() => document.documentElement.scrollWidth)) <= 390, "no sideways scrolling on a phone");
    await p.screenshot({ path: path.join(SHOTS, "staker-phone.png"), fullPage: true });
    await phone.close();
  });
});

describe("other wallets", () => {
  test("Leap's injected API (the same as Keplr's) connects and signs", async () => {
    const context = await newContext();
    const leap = await installWallet(context, { mnemonic: node.mnemonic("bob"), keyName: "bob", as: ["leap"] });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await open(page, "", "[data-testid=stat-total-bonded]");
    assert.equal(await page.locator("[data-testid=connect-keplr]").count(), 0);
    await page.click("[data-testid=connect-leap]");
    await page.locator("[data-testid=wallet-connected]").waitFor();
    assert.equal(await page.getAttribute("[data-testid=wallet-connected]", "title"), leap.address);
    await page.click("[data-testid=my-stake]");
    const r = await act(page, "form-deposit", async (f) => {
      await f.locator("select[name=validator]").selectOption(node.env.GAIA_VALIDATOR);
      await f.locator("input[name=amount]").fill("2");
    });
    assert.ok(r.ok, r.text);
    assert.equal((await position(leap.address, node.env.GAIA_VALIDATOR)).amount, "2000000");
    assert.equal(leap.log.signed.length, 1);
    await context.close();
  });

  test("without a wallet: no connect button, a note, and the CLI lines", async () => {
    const context = await newContext();
    const page = await context.newPage();
    await open(page, `#/staker/${(await node.account("carol")).address}`, "[data-testid=stat-bonded]");
    assert.ok(await page.locator("[data-testid=no-wallet]").isVisible());
    assert.equal(await page.locator("[data-testid^=connect-]").count(), 0);
    assert.match(await page.locator("body").innerText(), /tx wasm execute/);
    await context.close();
  });
});

describe("services: metadata, yields and history from the node", () => {
  let context;
  let page;
  before(async () => {
    context = await newContext();
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
  });
  after(async () => context?.close());

  test("metadata from a data: URI renders", async () => {
    await open(page, `#/service/${services.oracle.id}`, "[data-testid=metadata-panel]");
    assert.equal(await text(page, "[data-testid=metadata-name]"), oracleDoc.name);
    assert.equal(await text(page, "[data-testid=metadata-description]"), oracleDoc.description);
    assert.equal(await page.getAttribute("[data-testid=metadata-website]", "href"), oracleDoc.website);
    assert.equal(await text(page, "[data-testid=metadata-category]"), "oracle");
    assert.equal(await text(page, "[data-testid=metadata-source]"), "Read from an inline data: URI; the on-chain terms below are what counts.");
    assert.equal(await page.locator("[data-testid=metadata-note]").count(), 0);
    await page.screenshot({ path: path.join(SHOTS, "service.png"), fullPage: true });
  });

  test("metadata from https: (logo, audits, contact) and from ipfs: through the configured gateway", async () => {
    await open(page, `#/service/${services.bridge.id}`, "[data-testid=metadata-panel]");
    assert.equal(await text(page, "[data-testid=metadata-name]"), bridgeDoc.name);
    assert.match(await text(page, "[data-testid=metadata-source]"), new RegExp(`${tls.base}/bridge.json`));
    assert.equal(tls.hits.get("/bridge.json") >= 1, true);
    assert.equal(await page.getAttribute("[data-testid=metadata-logo]", "src"), svgLogo);
    assert.ok(await page.locator("[data-testid=metadata-logo]").evaluate((img) => img.complete && img.naturalWidth > 0), "the logo loads");
    assert.match(await text(page, "[data-testid=metadata-audits]"), /Example Audits \(2026-10-01\)/);
    await open(page, `#/service/${services["data-layer"].id}`, "[data-testid=metadata-panel]");
    assert.equal(await text(page, "[data-testid=metadata-name]"), dataDoc.name);
    assert.match(await text(page, "[data-testid=metadata-source]"), new RegExp(`${tls.base}/ipfs/${IPFS_PATH}`));
    assert.equal(tls.hits.get(`/ipfs/${IPFS_PATH}`) >= 1, true);
  });

  test("malformed or missing metadata leaves the on-chain name with a note", async () => {
    await open(page, `#/service/${services.sequencer.id}`, "[data-testid=metadata-panel]");
    assert.equal(await text(page, "[data-testid=service-name]"), "sequencer");
    assert.match(await text(page, "[data-testid=metadata-note]"), /^Showing the on-chain name “sequencer” only\. The metadata document at an inline data: URI is not JSON\.$/);
    await open(page, `#/service/${services.keeper.id}`, "[data-testid=metadata-panel]");
    assert.match(await text(page, "[data-testid=metadata-note]"), /no metadata document \(no metadata_uri\)/);
  });

  test("yields: 7 and 30 days from the hub's reward index, annualised per asset", async () => {
    const s = await node.smart(hub, { service: { service_id: services.oracle.id } });
    const h = await node.smart(hub, { service_history: { service_id: services.oracle.id, days: 90 } });
    await open(page, `#/service/${s.id}`, "[data-testid=yield-table]");
    const now = Math.floor((await node.time()) / 86400);
    const idx = (p, denom) => decimalAtoms(p?.reward_indexes.find((r) => r.denom === denom)?.index ?? "0");
    for (const days of [7, 30]) {
      const then = h.points.filter((p) => p.day <= now - days).pop(); // none: registered today
      for (const denom of s.reward_denoms) {
        const paid = idx(h.now, denom) - idx(then, denom);
        assert.ok(paid > 0n, `the oracle paid ${denom}`);
        const cell = `[data-testid=yield-table] tr[data-asset="${denom}"] [data-col=y${days}]`;
        assert.equal(await page.getAttribute(cell, "data-paid"), String(paid));
        const yearly = (paid * 365n) / BigInt(days);
        const expected =
          denom === node.denom
            ? `${units((yearly * 10000n) / 10n ** 18n, 2)}%`
            : `${units((yearly * 10n ** 6n) / 10n ** 18n, registryMeta(denom).decimals)} ${registryMeta(denom).symbol} per ATOM`;
        assert.equal(await text(page, cell), expected);
      }
    }
  });

  test("overview: totals and their history from the hub; no sideways scrolling on a phone", async () => {
    await open(page, "", "[data-testid=chart-hub-history]");
    const stats = await node.smart(hub, { stats: {} });
    const h = await node.smart(hub, { hub_history: { days: 90 } });
    assert.equal(await page.getAttribute("[data-testid=stat-total-bonded]", "data-raw"), stats.total_bonded);
    assert.equal(h.now.bonded, stats.total_bonded);
    for (const days of [30, 90]) {
      const chart = `[data-testid=chart-hub-history-${days}]`;
      assert.equal(await page.getAttribute(`${chart} g[data-series=Bonded]`, "data-last"), h.now.bonded);
      assert.equal(await page.getAttribute(`${chart} g[data-series=Restaked]`, "data-last"), h.now.restaked);
    }
    // The 90-day view is one key press away.
    await page.click("[data-testid=chart-hub-history] button[data-range='90']");
    assert.ok(await page.locator("[data-testid=chart-hub-history-90]").isVisible());
    assert.ok(!(await page.locator("[data-testid=chart-hub-history-30]").isVisible()));
    for (const s of Object.values(services)) {
      const now = (await node.smart(hub, { service_history: { service_id: s.id, days: 90 } })).now;
      const g = page.locator(`[data-testid=chart-services-history-30] g[data-series="${s.name}"]`);
      if ((await g.count()) > 0) assert.equal(await g.getAttribute("data-last"), now.stake);
    }
    const phone = await newContext({ width: 390, height: 844 });
    const p = await phone.newPage();
    for (const [hash, ready, name] of [
      ["", "[data-testid=stat-total-bonded]", null], // the overview's screenshots: dashboard.test.mjs (60 days of history)
      [`#/service/${services.oracle.id}`, "[data-testid=metadata-panel]", "service-phone.png"],
    ]) {
      await p.goto(url(hash));
      await p.locator(ready).waitFor();
      assert.ok((await p.evaluate(() => document.documentElement.scrollWidth)) <= 390, `${name ?? "overview"}: no sideways scrolling`);
      if (name) await p.screenshot({ path: path.join(SHOTS, name), fullPage: true });
    }
    await phone.close();
  });
});

describe("a restake-vault on the node: its page reads what the vault answers", () => {
  let vault;
  let dave;
  before(async () => {
    vault = await deployVault(node, ROOT, hub, node.env.GAIA_VALIDATOR, services.keeper.id);
    dave = (await node.account("dave")).address;
    await exec(node, "dave", vault, { deposit: {} }, [{ denom: node.denom, amount: "5000000" }]);
  });

  test("the vault page: allocation at the hub, price, strategy, cranks and a holder", async () => {
    const context = await newContext();
    const page = await context.newPage();
    await open(page, `#/vault/${vault}/${dave}`, "[data-testid=vault-title]");
    const [state, holder, token, cranks] = await Promise.all([
      node.smart(vault, { state: {} }),
      node.smart(vault, { holder: { address: dave } }),
      node.smart(vault, { token_info: {} }),
      node.smart(vault, { cranks: {} }),
    ]);
    // the deposit is the vault's position at the hub, securing the strategy's service
    const pos = await position(vault, node.env.GAIA_VALIDATOR);
    assert.equal(pos.amount, "5000000");
    assert.deepEqual(pos.service_ids, [services.keeper.id]);
    assert.equal(state.bonded, "5000000");
    for (const [id, raw, shown] of [
      ["vault-bonded", state.bonded, atom(state.bonded)],
      ["vault-supply", state.supply, `${units(state.supply, token.decimals)} ${token.symbol}`],
      ["vault-holder-shares", holder.shares, `${units(holder.shares, token.decimals)} ${token.symbol}`],
    ]) {
      assert.equal(await page.getAttribute(`[data-testid=${id}]`, "data-raw"), raw, id);
      assert.equal(await text(page, `[data-testid=${id}] .card-value`), shown, id);
    }
    // native rewards accrue every block: the NAV the page shows is the one it read
    assert.ok(BigInt(await page.getAttribute("[data-testid=vault-nav]", "data-raw")) >= 5_000_000n - 1n);
    const row = page.locator(`[data-testid=vault-allocation] tr[data-validator="${node.env.GAIA_VALIDATOR}"]`);
    assert.equal(await row.locator("[data-col=bonded]").getAttribute("data-raw"), "5000000");
    assert.equal((await row.locator("[data-col=services]").innerText()).trim(), `#${services.keeper.id}`);
    assert.equal(await text(page, "[data-testid=vault-risk-budget]"), `${pct("0.1")} (Σ max slash of one position's services)`);
    // nothing to exit or rebalance on a fresh vault; rewards wait at the hub to compound
    assert.deepEqual(cranks.process_exits, []);
    assert.equal(await text(page, "[data-testid=vault-cranks] tr[data-crank=process_exits] td:nth-child(2)"), "nothing to do");
    assert.match(await text(page, "[data-testid=vault-cranks] tr[data-crank=harvest] td:nth-child(2)"), /of rewards at the hub to compound|nothing to do/);
    await page.screenshot({ path: path.join(SHOTS, "local-node-vault.png"), fullPage: true });
    await context.close();
  });
});
