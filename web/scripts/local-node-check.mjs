// The dashboard against a real node: serves web/dist on localhost, opens the overview, a
// staker and a service page in headless Chromium with `?lcd=<node's REST API>&contract=<hub>`
// and compares the numbers shown with the node's own LCD answers. Screenshots go to
// docs/screenshots/local-node-*.png. Run by scripts/local-node.sh:
//
//   node web/scripts/local-node-check.mjs <lcd url> <hub address> <staker address>

import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

const [lcd, hub, staker] = process.argv.slice(2);
if (!lcd || !hub || !staker) {
  console.error("usage: node web/scripts/local-node-check.mjs <lcd url> <hub address> <staker address>");
  process.exit(2);
}
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const DIST = path.join(ROOT, "web/dist");
const SHOTS = path.join(ROOT, "docs/screenshots");
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml" };

const smart = async (msg) => {
  const b64 = encodeURIComponent(Buffer.from(JSON.stringify(msg)).toString("base64"));
  const r = await fetch(`${lcd}/cosmwasm/wasm/v1/contract/${hub}/smart/${b64}`);
  assert.ok(r.ok, `the node answers ${JSON.stringify(msg)}: ${r.status}`);
  return (await r.json()).data;
};

const server = createServer(async (req, res) => {
  const url = new URL(req.url, "http://localhost");
  const file = path.join(DIST, url.pathname === "/" ? "index.html" : path.normalize(url.pathname));
  try {
    const body = await readFile(file.startsWith(DIST) ? file : path.join(DIST, "index.html"));
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${server.address().port}/?lcd=${encodeURIComponent(lcd)}&contract=${encodeURIComponent(hub)}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
const errors = [];
try {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.on("pageerror", (e) => errors.push(e.message));
  page.setDefaultTimeout(20_000);
  const open = async (hash, ready) => {
    await page.goto(base + hash);
    await page.locator(`${ready}, [data-testid=error]`).first().waitFor();
    const err = page.locator("[data-testid=error]");
    if ((await err.count()) > 0) throw new Error(`the page shows an error: ${await err.innerText()}`);
  };
  const raw = (testid) => page.locator(`[data-testid=${testid}]`).getAttribute("data-raw");

  await open("", "[data-testid=stat-total-bonded]");
  const stats = await smart({ stats: {} });
  assert.equal(await raw("stat-total-bonded"), stats.total_bonded);
  assert.equal(await raw("stat-total-restaked"), stats.total_restaked);
  assert.equal(await raw("stat-stakers"), String(stats.stakers));
  assert.equal(await raw("stat-services"), String(stats.services));
  await page.screenshot({ path: path.join(SHOTS, "local-node-overview.png"), fullPage: true });
  console.log(`overview: total bonded ${stats.total_bonded}, restaked ${stats.total_restaked}, ${stats.stakers} staker(s), ${stats.services} services`);

  await open(`#/staker/${staker}`, "[data-testid=stat-bonded]");
  const overview = await smart({ staker_overview: { staker } });
  assert.equal(await raw("stat-bonded"), overview.bonded);
  assert.equal(await raw("stat-unbonding"), overview.unbonding);
  assert.equal(await raw("stat-exposure"), overview.max_slash_exposure);
  await page.screenshot({ path: path.join(SHOTS, "local-node-staker.png"), fullPage: true });
  console.log(`staker: bonded ${overview.bonded}, exposure ${overview.max_slash_exposure}`);

  await open("#/service/1", "[data-testid=stat-service-stake]");
  const service = await smart({ service: { service_id: 1 } });
  assert.equal(await raw("stat-service-stake"), service.total_stake);
  assert.equal(await raw("stat-max-slash"), service.max_slash);
  await page.screenshot({ path: path.join(SHOTS, "local-node-service.png"), fullPage: true });
  console.log(`service 1: stake ${service.total_stake}, max slash ${service.max_slash}`);
  assert.deepEqual(errors, [], "the pages threw no uncaught errors");
} finally {
  await browser.close();
  server.close();
}
console.log("the dashboard shows the local node's hub as its LCD reports it");
