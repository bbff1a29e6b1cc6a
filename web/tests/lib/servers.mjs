// Local servers the browser tests start: the built dashboard (web/dist) over http, and an
// https server with a self-signed certificate (made by openssl for this run) that plays a
// service's website and an IPFS gateway for metadata documents.

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { createServer as createHttps } from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".json": "application/json" };

/** Serves `dir` (a Vite build) on 127.0.0.1; resolves to { base, close }. */
export async function serveDist(dir) {
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://localhost");
    const file = path.join(dir, url.pathname === "/" ? "index.html" : path.normalize(url.pathname));
    try {
      const body = readFileSync(file.startsWith(dir) ? file : path.join(dir, "index.html"));
      res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { base: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

/**
 * An https server answering `routes` (path → [content type, body]) with CORS for any
 * origin, and counting requests per path. The certificate is for 127.0.0.1 and made now.
 */
export async function serveHttps(routes) {
  const dir = mkdtempSync(path.join(tmpdir(), "restake-web-tls-"));
  const key = path.join(dir, "key.pem");
  const cert = path.join(dir, "cert.pem");
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
  ], { stdio: "ignore" });
  const hits = new Map();
  const server = createHttps({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    const p = new URL(req.url, "https://localhost").pathname;
    hits.set(p, (hits.get(p) ?? 0) + 1);
    const r = routes[p];
    const cors = { "access-control-allow-origin": "*" };
    if (!r) return res.writeHead(404, cors).end("not found");
    res.writeHead(200, { ...cors, "content-type": r[0] });
    res.end(r[1]);
  });
  rmSync(dir, { recursive: true, force: true });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { base: `https://127.0.0.1:${server.address().port}`, hits, close: () => new Promise((r) => server.close(r)) };
}
