//! `restake serve`: plays a scenario on the embedded chain, then answers on localhost the
//! REST (LCD) queries a front-end sends to a real chain, and serves the staker dashboard
//! (`web/dist`).
//!
//! Endpoints, shaped as wasmd's and the Cosmos SDK's gRPC-gateway answers them:
//! - `GET /cosmwasm/wasm/v1/contract/{address}/smart/{base64 query}` → `{"data": <result>}`,
//!   or `{"code":..,"message":..,"details":[]}` with HTTP 400 (malformed request) or 500
//!   (the contract refused the query, no contract at that address);
//! - `GET /cosmos/bank/v1beta1/balances/{address}` → `{"balances":[..],"pagination":..}`;
//! - `GET /cosmos/base/tendermint/v1beta1/blocks/latest` → the block header (chain time);
//! - `GET /restake/v1/scenario` → the simulator's names for addresses (not on a real chain:
//!   the dashboard uses it only when present).
//!
//! Every answer carries CORS headers, so a dashboard served from elsewhere (`npm run dev`)
//! can query it too. The chain is read-only: nothing executes after the scenario.
//!
//! The HTTP side is std threads around httparse: a thread per connection reads one request
//! head (parsed by httparse) and hands it to the thread that owns the chain (cw-multi-test's
//! `App` is not `Send`), then writes the answer and closes (`Connection: close`), so an idle
//! browser connection never holds a request back. A server crate was tried and measured:
//! tiny_http 0.12 (the small synchronous one) answered 1,200 requests beside 16 idle and
//! keep-alive connections without a stall, but in its source (0.12.0) `Response::add_header`
//! drops a `Connection` header, `ClientConnection` keeps an HTTP/1.1 connection open unless
//! the client asked to close it, with no idle timeout, and a request it cannot parse gets an
//! empty 400 written by the crate (no CORS headers, no gateway error body). So a client that
//! reads the stream to its end (the OPTIONS request in the test below) waits for its own
//! timeout, and a dashboard on another origin cannot read why a request failed. Closing
//! after one answer is the behaviour we want, and with httparse doing the parsing it is ~110
//! lines of code below.
//!
//! Why one file: the endpoints, the scenario they answer for and the HTTP serving them are one
//! small server; its tests drive it over a real socket.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use clap::Args;
use cosmwasm_std::{
    to_json_vec, Addr, Api, Binary, ContractResult, Empty, Querier, QueryRequest, SystemResult,
    Timestamp, WasmQuery,
};
use restake_multitest::Suite;
use serde_json::{json, Value};

use crate::cli::{EXIT_FAILED, EXIT_INVALID};
use crate::scenario::load;
use crate::sim::{Sim, SimError};
use crate::units::fmt_duration;

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// The scenario file to play before serving (YAML; JSON is read too)
    pub file: PathBuf,
    /// Port to listen on (1317 is the LCD's usual port; 0 picks a free one)
    #[arg(long, default_value_t = 1317)]
    pub port: u16,
    /// Address to listen on (keep the default unless you know why)
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// The built dashboard (default: web/dist of the current folder or of this repository)
    #[arg(long)]
    pub web_dir: Option<PathBuf>,
}

/// An HTTP answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl Reply {
    fn json(status: u16, v: &Value) -> Reply {
        Reply {
            status,
            content_type: "application/json",
            body: serde_json::to_vec(v).unwrap_or_default(),
        }
    }

    /// A gRPC-gateway error body: `{"code": <gRPC code>, "message": .., "details": []}`.
    fn grpc_error(status: u16, code: u32, message: impl Into<String>) -> Reply {
        // A struct, not `json!`, to keep the gateway's field order.
        #[derive(serde::Serialize)]
        struct GatewayError {
            code: u32,
            message: String,
            details: [(); 0],
        }
        let e = GatewayError {
            code,
            message: message.into(),
            details: [],
        };
        Reply {
            status,
            content_type: "application/json",
            body: serde_json::to_vec(&e).unwrap_or_default(),
        }
    }
}

// gRPC status codes, and the HTTP status the gateway gives them.
const UNKNOWN: (u16, u32) = (500, 2);
const INVALID_ARGUMENT: (u16, u32) = (400, 3);
const NOT_FOUND: (u16, u32) = (404, 5);
const UNIMPLEMENTED: (u16, u32) = (501, 12);

/// A played scenario: the chain, ready to answer queries.
pub struct Served {
    pub suite: Suite,
    /// What `/restake/v1/scenario` answers: names of the scenario's addresses.
    pub scenario: Value,
    /// The built dashboard, if found.
    pub web_dir: Option<PathBuf>,
}

/// Where the dashboard is: `--web-dir`, else `web/dist` here, else in this repository.
pub fn find_web_dir(arg: Option<&Path>) -> Option<PathBuf> {
    let candidates: Vec<PathBuf> = match arg {
        Some(p) => vec![p.to_path_buf()],
        None => vec![
            PathBuf::from("web/dist"),
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/dist"),
        ],
    };
    candidates
        .into_iter()
        .find(|d| d.join("index.html").is_file())
}

/// How the scenario ended (`restake serve` serves the chain either way).
pub enum Outcome {
    Passed {
        steps: usize,
    },
    /// An expectation or invariant failed: the chain is served as it was at that step.
    Stopped(String),
}

/// Loads and plays a scenario. `Err` is a file error (exit code 2).
pub fn play(file: &Path, web_dir: Option<&Path>) -> Result<(Served, Outcome), String> {
    let path = file.to_string_lossy().to_string();
    let (src, sc) = load(&path).map_err(|e| e.to_string())?;
    let mut sim = Sim::new(&src, &sc).map_err(|e| e.to_string())?;
    let outcome = match sim.run(&mut |_, _| {}) {
        Ok(()) => Outcome::Passed {
            steps: sim.records.len(),
        },
        Err(SimError::Invalid(e)) => return Err(e.to_string()),
        Err(SimError::Failed(f)) => Outcome::Stopped(f.to_string()),
    };
    let named = |name: &str| json!({"name": name, "address": sim.address(name)});
    let mut accounts: Vec<Value> = sim.names.accounts.iter().map(|a| named(a)).collect();
    // Token holders and the services' roles, each once (a staker is listed as a staker).
    let mut seen: Vec<&String> = sim
        .names
        .accounts
        .iter()
        .chain(&sim.names.stakers)
        .collect();
    let roles = sim.names.services.iter().flat_map(|s| {
        [Some(&s.admin), Some(&s.slasher), s.resolver.as_ref()]
            .into_iter()
            .flatten()
    });
    for h in sim.names.holders.iter().chain(roles) {
        if !seen.contains(&h) {
            seen.push(h);
            accounts.push(named(h));
        }
    }
    // vaults of `vaults:` are named like accounts (the dashboard shows their names)
    for (name, addr) in &sim.vaults {
        accounts.push(json!({"name": name, "address": addr}));
    }
    let (ok, failure) = match &outcome {
        Outcome::Passed { .. } => (true, Value::Null),
        Outcome::Stopped(f) => (false, Value::String(f.clone())),
    };
    let scenario = json!({
        "file": path,
        "name": sc.name,
        "contract": sim.suite.hub.to_string(),
        "bonded_denom": sim.names.denom,
        "elapsed": sim.elapsed(),
        "ok": ok,
        "failure": failure,
        "validators": sim.names.validators.iter()
            .map(|(n, a)| json!({"name": n, "address": a})).collect::<Vec<_>>(),
        "stakers": sim.names.stakers.iter().map(|s| named(s)).collect::<Vec<_>>(),
        "accounts": accounts,
        "services": sim.names.services.iter().map(|s| json!({
            "id": s.id,
            "name": s.name,
            "admin": sim.address(&s.admin),
            "slasher": sim.address(&s.slasher),
            "resolver": s.resolver.as_ref().map(|r| sim.address(r)),
        })).collect::<Vec<_>>(),
        "tokens": sim.names.token_addrs.iter()
            .map(|(sym, a)| json!({"symbol": sym, "address": a})).collect::<Vec<_>>(),
        "vaults": sim.vaults.iter()
            .map(|(n, a)| json!({"name": n, "address": a})).collect::<Vec<_>>(),
    });
    let suite = sim.suite;
    Ok((
        Served {
            suite,
            scenario,
            web_dir: find_web_dir(web_dir),
        },
        outcome,
    ))
}

/// Standard base64, URL-safe base64, padded or not: the gateway reads them all.
fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let cfg = GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    [
        GeneralPurpose::new(&alphabet::STANDARD, cfg),
        GeneralPurpose::new(&alphabet::URL_SAFE, cfg),
    ]
    .iter()
    .find_map(|e| e.decode(s).ok())
}

/// `%2B` → `+` (a path segment; `+` stays `+`). `None` when the bytes are not UTF-8 or a
/// `%` is not followed by two hex digits: percent-encoding passes such a `%` through as
/// text, and the gateway (like the hand-written decoder this replaced) refuses it.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let malformed = b.iter().enumerate().any(|(i, &c)| {
        c == b'%'
            && !b
                .get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
    });
    if malformed {
        return None;
    }
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|c| c.into_owned())
}

/// A block time as Go's RFC 3339 with nanoseconds (`2019-10-23T02:23:39.879305533Z`).
pub fn rfc3339(t: Timestamp) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(t.nanos()))
        .ok()
        .and_then(|d| {
            d.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// The contract's error without cw-multi-test's wrapping, as wasmd reports it.
fn contract_error_text(e: &str) -> String {
    let mut t = e.trim();
    for prefix in [
        "Error executing WasmMsg:",
        "Generic error: Querier contract error:",
    ] {
        if let Some(rest) = t.strip_prefix(prefix) {
            t = rest.trim();
        }
    }
    t.to_string()
}

impl Served {
    /// Answers one request (`url` is the path with its query string).
    pub fn handle(&self, method: &str, url: &str) -> Reply {
        if method == "OPTIONS" {
            return Reply {
                status: 204,
                content_type: "text/plain",
                body: vec![],
            };
        }
        if method != "GET" && method != "HEAD" {
            let (s, c) = UNIMPLEMENTED;
            return Reply::grpc_error(s, c, "Method Not Allowed");
        }
        let path = url.split(['?', '#']).next().unwrap_or("/");
        let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        match segs.as_slice() {
            ["cosmwasm", "wasm", "v1", "contract", addr, "smart", query] => {
                self.smart_query(addr, query)
            }
            ["cosmos", "bank", "v1beta1", "balances", addr] => self.balances(addr),
            ["cosmos", "base", "tendermint", "v1beta1", "blocks", "latest"] => self.latest_block(),
            ["restake", "v1", "scenario"] => Reply::json(200, &self.scenario),
            ["cosmwasm", ..] | ["cosmos", ..] | ["restake", ..] => {
                let (s, c) = NOT_FOUND;
                Reply::grpc_error(s, c, "Not Found")
            }
            _ => self.static_file(path),
        }
    }

    fn smart_query(&self, addr: &str, query: &str) -> Reply {
        let Some(addr) = percent_decode(addr) else {
            let (s, c) = INVALID_ARGUMENT;
            return Reply::grpc_error(s, c, "invalid address encoding");
        };
        let Some(msg) = percent_decode(query).and_then(|q| decode_base64(&q)) else {
            let (s, c) = INVALID_ARGUMENT;
            return Reply::grpc_error(
                s,
                c,
                "type mismatch, parameter: query_data, error: illegal base64 data",
            );
        };
        if serde_json::from_slice::<serde::de::IgnoredAny>(&msg).is_err() {
            let (s, c) = INVALID_ARGUMENT;
            return Reply::grpc_error(s, c, "invalid query data");
        }
        let contract = match self.suite.app.api().addr_validate(&addr) {
            Ok(a) => a,
            Err(e) => {
                let (s, c) = UNKNOWN;
                return Reply::grpc_error(s, c, format!("decoding bech32 failed: {e}"));
            }
        };
        if self.suite.app.contract_data(&contract).is_err() {
            let (s, c) = UNKNOWN;
            return Reply::grpc_error(
                s,
                c,
                format!("address {contract}: no such contract: unknown request"),
            );
        }
        match self.raw_smart_query(&contract, msg) {
            Ok(data) => {
                // The result's own bytes, as wasmd embeds them (field order kept).
                let mut body = br#"{"data":"#.to_vec();
                body.extend_from_slice(&data);
                body.push(b'}');
                Reply {
                    status: 200,
                    content_type: "application/json",
                    body,
                }
            }
            Err(e) => {
                let (s, c) = UNKNOWN;
                Reply::grpc_error(
                    s,
                    c,
                    format!(
                        "{}: query wasm contract failed: unknown request",
                        contract_error_text(&e)
                    ),
                )
            }
        }
    }

    fn raw_smart_query(&self, contract: &Addr, msg: Vec<u8>) -> Result<Vec<u8>, String> {
        let request: QueryRequest<Empty> = QueryRequest::Wasm(WasmQuery::Smart {
            contract_addr: contract.to_string(),
            msg: Binary::new(msg),
        });
        let bin = to_json_vec(&request).map_err(|e| e.to_string())?;
        match self.suite.app.raw_query(&bin) {
            SystemResult::Ok(ContractResult::Ok(data)) => {
                // A contract answers JSON; anything else is reported, not embedded.
                serde_json::from_slice::<serde::de::IgnoredAny>(data.as_slice())
                    .map_err(|e| format!("the contract answered invalid JSON: {e}"))?;
                Ok(data.to_vec())
            }
            SystemResult::Ok(ContractResult::Err(e)) => Err(e),
            SystemResult::Err(e) => Err(e.to_string()),
        }
    }

    fn balances(&self, addr: &str) -> Reply {
        let addr = percent_decode(addr).unwrap_or_default();
        let who = match self.suite.app.api().addr_validate(&addr) {
            Ok(a) => a,
            Err(e) => {
                let (s, c) = INVALID_ARGUMENT;
                return Reply::grpc_error(s, c, format!("invalid address: {e}"));
            }
        };
        // Deprecated for contracts (it costs unbounded gas); the LCD endpoint lists them all.
        #[allow(deprecated)]
        let all = self.suite.app.wrap().query_all_balances(who);
        match all {
            Ok(coins) => Reply::json(
                200,
                &json!({
                    "balances": coins,
                    "pagination": {"next_key": null, "total": coins.len().to_string()},
                }),
            ),
            Err(e) => {
                let (s, c) = UNKNOWN;
                Reply::grpc_error(s, c, e.to_string())
            }
        }
    }

    fn latest_block(&self) -> Reply {
        let b = self.suite.app.block_info();
        let header = json!({
            "chain_id": b.chain_id,
            "height": b.height.to_string(),
            "time": rfc3339(b.time),
        });
        Reply::json(
            200,
            &json!({
                "block_id": {"hash": "", "part_set_header": {"total": 0, "hash": ""}},
                "block": {"header": header},
                "sdk_block": {"header": header},
            }),
        )
    }

    fn static_file(&self, path: &str) -> Reply {
        let not_found = || Reply {
            status: 404,
            content_type: "text/plain; charset=utf-8",
            body: b"not found".to_vec(),
        };
        let Some(dir) = &self.web_dir else {
            return if path == "/" || path == "/index.html" {
                Reply {
                    status: 200,
                    content_type: "text/html; charset=utf-8",
                    body: NOT_BUILT.as_bytes().to_vec(),
                }
            } else {
                not_found()
            };
        };
        let Some(rel) = percent_decode(path.trim_start_matches('/')) else {
            return not_found();
        };
        let rel = if rel.is_empty() { "index.html" } else { &rel };
        let rel = Path::new(rel);
        if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
            return not_found();
        }
        match std::fs::read(dir.join(rel)) {
            Ok(body) => Reply {
                status: 200,
                content_type: content_type(rel),
                body,
            },
            Err(_) => not_found(),
        }
    }
}

fn content_type(p: &Path) -> &'static str {
    match p.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

const NOT_BUILT: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>restake dashboard not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 44rem; margin: 3rem auto; line-height: 1.5">
<h1>The dashboard is not built yet</h1>
<p>The LCD endpoint works (<code>/cosmwasm/wasm/v1/contract/{address}/smart/{base64 query}</code>),
but <code>web/dist</code> was not found. Build the dashboard once, then reload this page:</p>
<pre>cd web &amp;&amp; npm ci &amp;&amp; npm run build</pre>
<p>Run <code>restake serve</code> from the repository's root, or give <code>--web-dir path/to/web/dist</code>.</p>
</body></html>
"#;

const CORS: &str = "Access-Control-Allow-Origin: *\r\n\
    Access-Control-Allow-Methods: GET, HEAD, OPTIONS\r\n\
    Access-Control-Allow-Headers: Content-Type, Accept\r\n\
    Access-Control-Max-Age: 600\r\n";

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        404 => "Not Found",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        _ => "",
    }
}

/// A request read from a connection, for the thread that owns the chain; it answers on
/// `reply`.
struct Incoming {
    method: String,
    target: String,
    reply: mpsc::Sender<Reply>,
}

/// Reads one request head (request line and headers; these requests have no body) and
/// parses it with httparse: (method, target).
fn read_head(stream: &mut TcpStream) -> Option<(String, String)> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut req = httparse::Request::new(&mut headers);
        match req.parse(&buf) {
            Ok(httparse::Status::Complete(_)) => {
                return Some((req.method?.to_string(), req.path?.to_string()))
            }
            Ok(httparse::Status::Partial) if buf.len() <= 16 * 1024 => {}
            _ => return None,
        }
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn write_reply(stream: &mut TcpStream, r: &Reply, head_only: bool) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n{CORS}Cache-Control: no-store\r\nConnection: close\r\n\r\n",
        r.status,
        reason(r.status),
        r.content_type,
        r.body.len()
    );
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(&r.body)?;
    }
    stream.flush()
}

/// One connection, one request (`Connection: close`): keep-alive buys nothing on
/// localhost, and this way no idle browser connection can hold a request back.
fn connection(mut stream: TcpStream, to_chain: mpsc::Sender<Incoming>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
    let Some((method, target)) = read_head(&mut stream) else {
        let _ = write_reply(
            &mut stream,
            &Reply::grpc_error(400, 3, "malformed HTTP request"),
            false,
        );
        return;
    };
    let (tx, rx) = mpsc::channel();
    let head_only = method == "HEAD";
    let asked = to_chain.send(Incoming {
        method,
        target,
        reply: tx,
    });
    // No answer: the server is stopping.
    if let Some(r) = asked.ok().and_then(|_| rx.recv().ok()) {
        let _ = write_reply(&mut stream, &r, head_only);
    }
}

/// Accepts connections until `stop` is set. The chain (not `Send`) stays on this thread,
/// which answers the requests one at a time.
pub fn run_server(served: &Served, listener: TcpListener, stop: &AtomicBool) {
    let addr = listener.local_addr().ok();
    let (tx, rx) = mpsc::channel::<Incoming>();
    let accepting = Arc::new(AtomicBool::new(true));
    let still = accepting.clone();
    let acceptor = std::thread::spawn(move || {
        for stream in listener.incoming() {
            if !still.load(Ordering::SeqCst) {
                break;
            }
            if let Ok(s) = stream {
                let tx = tx.clone();
                std::thread::spawn(move || connection(s, tx));
            }
        }
    });
    while !stop.load(Ordering::SeqCst) {
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(req) => {
                let _ = req.reply.send(served.handle(&req.method, &req.target));
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    // Wake the accepting thread so that it sees the stop.
    accepting.store(false, Ordering::SeqCst);
    if let Some(a) = addr {
        let _ = TcpStream::connect(a);
    }
    let _ = acceptor.join();
}

/// Runs `restake serve`: plays the scenario, prints where to look, serves until `stop` is
/// set (Ctrl-C in `main`). `ready` hears the bound address. Returns the exit code.
pub fn serve(
    args: &ServeArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
    stop: &AtomicBool,
    ready: &mut dyn FnMut(SocketAddr),
) -> u8 {
    let path = args.file.to_string_lossy().to_string();
    let _ = writeln!(out, "playing {path} on the embedded chain…");
    let (served, outcome) = match play(&args.file, args.web_dir.as_deref()) {
        Ok(x) => x,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return EXIT_INVALID;
        }
    };
    match &outcome {
        Outcome::Passed { steps } => {
            let _ = writeln!(
                out,
                "✓ {steps} steps played, expectations met (chain time t+{})",
                fmt_duration(served.scenario["elapsed"].as_u64().unwrap_or(0))
            );
        }
        Outcome::Stopped(f) => {
            let _ = writeln!(
                err,
                "warning: the scenario stopped at a failed step; serving the chain as it was then\n{f}"
            );
        }
    }
    let listener = match TcpListener::bind((args.host.as_str(), args.port)) {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(
                err,
                "error: cannot listen on {}:{}: {e} (another `restake serve`? try --port)",
                args.host, args.port
            );
            return EXIT_FAILED;
        }
    };
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return EXIT_FAILED;
        }
    };
    let host = match addr.ip() {
        ip if ip.is_unspecified() => "127.0.0.1".to_string(),
        std::net::IpAddr::V6(ip) => format!("[{ip}]"),
        ip => ip.to_string(),
    };
    let base = format!("http://{host}:{}", addr.port());
    let sc = &served.scenario;
    let contract = sc["contract"].as_str().unwrap_or_default();
    let list = |key: &str| -> Vec<(String, String)> {
        sc[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|v| {
                        (
                            v["name"].as_str().unwrap_or_default().to_string(),
                            v["address"].as_str().unwrap_or_default().to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let _ = writeln!(out);
    let _ = writeln!(out, "contract     {contract}");
    let stakers = list("stakers");
    for (i, (n, a)) in stakers.iter().enumerate() {
        if i == 20 {
            let _ = writeln!(out, "             … {} stakers in all", stakers.len());
            break;
        }
        let label = if i == 0 { "stakers" } else { "" };
        let _ = writeln!(out, "{label:<12} {n:<14} {a}");
    }
    if let Some(svcs) = sc["services"].as_array() {
        for (i, s) in svcs.iter().enumerate() {
            let label = if i == 0 { "services" } else { "" };
            let _ = writeln!(
                out,
                "{label:<12} #{:<13} {} (admin {})",
                s["id"],
                s["name"].as_str().unwrap_or_default(),
                s["admin"].as_str().unwrap_or_default()
            );
        }
    }
    for (i, (n, a)) in list("validators").iter().enumerate() {
        let label = if i == 0 { "validators" } else { "" };
        let _ = writeln!(out, "{label:<12} {n:<14} {a}");
    }
    if served.web_dir.is_none() {
        let _ = writeln!(
            err,
            "note: web/dist not found; build the dashboard with `cd web && npm ci && npm run build` (or pass --web-dir)"
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "LCD          {base}");
    let _ = writeln!(out, "dashboard    {base}/?lcd={base}&contract={contract}");
    let _ = writeln!(out, "Press Ctrl-C to stop.");
    let _ = out.flush();
    ready(addr);
    run_server(&served, listener, stop);
    let _ = writeln!(out, "stopped.");
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../scenarios")
            .join(name)
    }

    fn served() -> Served {
        let (s, outcome) = play(&scenario("reward-split.yaml"), None).expect("plays");
        assert!(matches!(outcome, Outcome::Passed { .. }));
        s
    }

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    fn body(r: &Reply) -> Value {
        serde_json::from_slice(&r.body).expect("json body")
    }

    #[test]
    fn smart_query_answers_data_like_the_gateway() {
        let s = served();
        let hub = s.suite.hub.to_string();
        let r = s.handle(
            "GET",
            &format!(
                "/cosmwasm/wasm/v1/contract/{hub}/smart/{}",
                b64(r#"{"stats":{}}"#)
            ),
        );
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        let v = body(&r);
        let stats: Value = s.suite.query_json(r#"{"stats":{}}"#).unwrap();
        assert_eq!(v, json!({ "data": stats }));
        assert_eq!(v["data"]["total_bonded"], "5000000");
        // URL-safe, unpadded and percent-encoded forms are read too.
        let q = r#"{"service":{"service_id":1}}"#;
        let std = b64(q);
        for enc in [
            std.replace('=', "%3D"),
            std.trim_end_matches('=').to_string(),
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(q),
        ] {
            let r = s.handle(
                "GET",
                &format!("/cosmwasm/wasm/v1/contract/{hub}/smart/{enc}"),
            );
            assert_eq!(body(&r)["data"]["name"], "oracle", "{enc}");
        }
    }

    #[test]
    fn percent_decoding_refuses_what_it_cannot_read() {
        assert_eq!(percent_decode("a%2Bb+c").as_deref(), Some("a+b+c"));
        assert_eq!(percent_decode("%E2%82%ac").as_deref(), Some("€"));
        assert_eq!(percent_decode("100%"), None);
        assert_eq!(percent_decode("%2"), None);
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(percent_decode("%ff"), None);
        let s = served();
        let r = s.handle(
            "GET",
            &format!(
                "/cosmwasm/wasm/v1/contract/%zz/smart/{}",
                b64(r#"{"stats":{}}"#)
            ),
        );
        assert_eq!(r.status, 400);
        assert_eq!(body(&r)["message"], "invalid address encoding");
    }

    #[test]
    fn errors_carry_code_message_and_details() {
        let s = served();
        let hub = s.suite.hub.to_string();
        let smart = |addr: &str, q: &str| {
            s.handle(
                "GET",
                &format!("/cosmwasm/wasm/v1/contract/{addr}/smart/{q}"),
            )
        };
        // The contract refuses the query.
        let r = smart(&hub, &b64(r#"{"service":{"service_id":99}}"#));
        assert_eq!(r.status, 500);
        let v = body(&r);
        assert_eq!(v["code"], 2);
        assert_eq!(v["details"], json!([]));
        let m = v["message"].as_str().unwrap();
        assert!(
            m.contains("99") && m.ends_with("query wasm contract failed: unknown request"),
            "{m}"
        );
        assert!(!m.contains("Querier contract error"), "{m}");
        // An unknown query.
        let r = smart(&hub, &b64(r#"{"nope":{}}"#));
        assert_eq!(r.status, 500);
        assert!(body(&r)["message"].as_str().unwrap().contains("nope"));
        // No contract at a valid address.
        let nobody = s.suite.addr("nobody").to_string();
        let r = smart(&nobody, &b64(r#"{"stats":{}}"#));
        assert_eq!(r.status, 500);
        assert!(body(&r)["message"]
            .as_str()
            .unwrap()
            .contains("no such contract"));
        // Not an address at all.
        let r = smart("cosmwasm1xyz", &b64(r#"{"stats":{}}"#));
        assert_eq!(r.status, 500);
        assert!(body(&r)["message"]
            .as_str()
            .unwrap()
            .contains("decoding bech32 failed"));
        // Not base64, not JSON.
        let r = smart(&hub, "!!!");
        assert_eq!((r.status, body(&r)["code"].clone()), (400, json!(3)));
        let r = smart(&hub, &b64("{not json"));
        assert_eq!(
            (r.status, body(&r)["message"].clone()),
            (400, json!("invalid query data"))
        );
        // Unknown routes.
        let r = s.handle("GET", "/cosmos/staking/v1beta1/validators");
        assert_eq!((r.status, body(&r)["code"].clone()), (404, json!(5)));
        assert_eq!(
            s.handle("POST", "/cosmos/bank/v1beta1/balances/x").status,
            501
        );
    }

    #[test]
    fn balances_block_and_scenario_names() {
        let s = served();
        let alice = s.suite.addr("alice").to_string();
        let r = s.handle("GET", &format!("/cosmos/bank/v1beta1/balances/{alice}"));
        let v = body(&r);
        let uatom = v["balances"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["denom"] == "uatom")
            .unwrap();
        assert_eq!(uatom["amount"], "9000000");
        assert_eq!(v["pagination"]["next_key"], Value::Null);
        assert_eq!(
            s.handle("GET", "/cosmos/bank/v1beta1/balances/zz").status,
            400
        );

        let v = body(&s.handle("GET", "/cosmos/base/tendermint/v1beta1/blocks/latest"));
        let time = v["block"]["header"]["time"].as_str().unwrap();
        assert!(time.starts_with("20") && time.ends_with('Z'), "{time}");

        let v = body(&s.handle("GET", "/restake/v1/scenario?x=1"));
        assert_eq!(v["contract"], s.suite.hub.to_string());
        assert_eq!(v["stakers"][0], json!({"name": "alice", "address": alice}));
        assert_eq!(v["services"][1]["name"], "bridge");
        assert_eq!(v["tokens"][0]["symbol"], "ION");
        assert_eq!(v["ok"], true);
    }

    #[test]
    fn rfc3339_matches_known_dates() {
        assert_eq!(rfc3339(Timestamp::from_seconds(0)), "1970-01-01T00:00:00Z");
        assert_eq!(
            rfc3339(Timestamp::from_nanos(1_571_797_419_879_305_533)),
            "2019-10-23T02:23:39.879305533Z"
        );
        assert_eq!(
            rfc3339(Timestamp::from_seconds(951_782_400).plus_nanos(500_000_000)),
            "2000-02-29T00:00:00.5Z"
        );
    }

    #[test]
    fn static_files_stay_inside_the_web_dir() {
        let dir = std::env::temp_dir().join(format!("restake-serve-web-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("assets")).unwrap();
        std::fs::write(dir.join("index.html"), "<p>hi</p>").unwrap();
        std::fs::write(dir.join("assets/app.js"), "1").unwrap();
        let mut s = served();
        s.web_dir = find_web_dir(Some(&dir));
        let r = s.handle("GET", "/?lcd=x&contract=y");
        assert_eq!(
            (r.status, r.content_type),
            (200, "text/html; charset=utf-8")
        );
        assert_eq!(r.body, b"<p>hi</p>");
        assert_eq!(
            s.handle("GET", "/assets/app.js").content_type,
            "text/javascript; charset=utf-8"
        );
        assert_eq!(s.handle("GET", "/../Cargo.toml").status, 404);
        assert_eq!(s.handle("GET", "/assets/%2e%2e/%2e%2e/x").status, 404);
        assert_eq!(s.handle("GET", "/missing.js").status, 404);
        // Without a built dashboard, the page says how to build it.
        s.web_dir = None;
        let r = s.handle("GET", "/");
        assert!(String::from_utf8_lossy(&r.body).contains("npm run build"));
    }

    #[test]
    fn serves_over_http_with_cors_until_stopped() {
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, rx) = std::sync::mpsc::channel();
        let flag = stop.clone();
        let handle = std::thread::spawn(move || {
            let args = ServeArgs {
                file: scenario("quickstart.yaml"),
                port: 0,
                host: "127.0.0.1".into(),
                web_dir: None,
            };
            let (mut out, mut err) = (vec![], vec![]);
            let code = serve(&args, &mut out, &mut err, &flag, &mut |a| {
                let _ = tx.send(a);
            });
            (code, String::from_utf8(out).unwrap())
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(120))
            .expect("listening");
        let get = |path: &str| -> String {
            let mut c = std::net::TcpStream::connect(addr).unwrap();
            write!(
                c,
                "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            )
            .unwrap();
            let mut s = String::new();
            c.read_to_string(&mut s).unwrap();
            s
        };
        let resp = get(&format!(
            "/cosmwasm/wasm/v1/contract/{}/smart/{}",
            "x",
            b64(r#"{"config":{}}"#)
        ));
        assert!(resp.starts_with("HTTP/1.1 500"), "{resp}");
        assert!(resp.contains("Access-Control-Allow-Origin: *"), "{resp}");
        let scenario = get("/restake/v1/scenario");
        let json_start = scenario.find("\r\n\r\n").unwrap() + 4;
        let v: Value = serde_json::from_str(&scenario[json_start..]).unwrap();
        let hub = v["contract"].as_str().unwrap().to_string();
        let resp = get(&format!(
            "/cosmwasm/wasm/v1/contract/{hub}/smart/{}",
            b64(r#"{"config":{}}"#)
        ));
        assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
        assert!(resp.contains(r#"{"data":{"owner":"#), "{resp}");
        // Idle connections (a browser's) hold nobody back; concurrent requests all get answers.
        let idle: Vec<std::net::TcpStream> = (0..8)
            .map(|_| std::net::TcpStream::connect(addr).unwrap())
            .collect();
        let stats = format!(
            "/cosmwasm/wasm/v1/contract/{hub}/smart/{}",
            b64(r#"{"stats":{}}"#)
        );
        let answers: Vec<String> = std::thread::scope(|s| {
            let workers: Vec<_> = (0..12).map(|_| s.spawn(|| get(&stats))).collect();
            workers.into_iter().map(|w| w.join().unwrap()).collect()
        });
        assert!(answers.iter().all(|a| a.starts_with("HTTP/1.1 200")));
        let options = {
            let mut c = std::net::TcpStream::connect(addr).unwrap();
            write!(c, "OPTIONS {stats} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
            let mut s = String::new();
            c.read_to_string(&mut s).unwrap();
            s
        };
        assert!(options.starts_with("HTTP/1.1 204"), "{options}");
        assert!(
            options.contains("Access-Control-Allow-Methods: GET"),
            "{options}"
        );
        drop(idle);
        stop.store(true, Ordering::SeqCst);
        let (code, out) = handle.join().unwrap();
        assert_eq!(code, 0);
        assert!(out.contains(&format!("contract     {hub}")), "{out}");
        assert!(out.contains("dashboard    http://127.0.0.1:"), "{out}");
        assert!(out.trim_end().ends_with("stopped."), "{out}");
    }

    #[test]
    fn a_broken_file_is_refused() {
        let dir =
            std::env::temp_dir().join(format!("restake-serve-bad-{}.yaml", std::process::id()));
        std::fs::write(&dir, "steps:\n  - fly: {}\n").unwrap();
        let args = ServeArgs {
            file: dir,
            port: 0,
            host: "127.0.0.1".into(),
            web_dir: None,
        };
        let (mut out, mut err) = (vec![], vec![]);
        let stop = AtomicBool::new(true);
        let code = serve(&args, &mut out, &mut err, &stop, &mut |_| {});
        assert_eq!(code, EXIT_INVALID);
        assert!(String::from_utf8_lossy(&err).contains("restake-serve-bad-"));
    }
}
