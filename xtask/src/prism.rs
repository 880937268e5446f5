//! `cargo xtask prism`: replays the HTTP requests every generated SDK sends in its wire tests to
//! [Stoplight Prism](https://github.com/stoplightio/prism), and fails on any request Prism finds
//! at odds with the provider's spec.
//!
//! The wire tests already check every request against `portico-mock`, but that mock is ours:
//! it reads the specs the way the generator does, so a misreading shared by both would go
//! unnoticed. Prism is an independent OpenAPI implementation. Here:
//!
//! 1. the pinned Prism in `tools/` is installed with `npm ci` when missing;
//! 2. the wire tests (`resend`, `tatango`, `sendo`, `nango`, `tago`) run with
//!    `PORTICO_RECORD_DIR=target/portico-requests`, where each mock server writes every request
//!    it received to `<provider>.jsonl`;
//! 3. for each provider, `prism mock specs/<provider>.yaml` serves on a free loopback port and
//!    every recorded request is sent to it again: same method, target, headers (but the
//!    hop-by-hop ones, written anew) and body (as recorded, UTF-8 with invalid bytes replaced);
//! 4. a request passes when Prism answers 2xx without an `sl-violations` header. Prism reports
//!    what it finds wrong with the request (security, parameters, body), and with the spec's
//!    own example it answers with, in that header or as a 4xx. A request that makes Prism crash
//!    fails too, and Prism is started again. A short, commented [allow-list](ALLOWED) excuses
//!    what OpenAPI 3.0.3 cannot say or Prism cannot read, each matched on provider, code and
//!    message and each reported;
//! 5. so that a silent Prism cannot pass for an approving one, one recorded request per
//!    provider is sent again without its credentials, and Prism must refuse it.
//!
//! Plain std: a tiny blocking HTTP/1.1 client over [`TcpStream`] (`Connection: close`, the
//! reply read to EOF) is all the replay needs.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::{Read as _, Write as _};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The providers whose wire tests record requests, each with `specs/<provider>.yaml` and a test
/// binary `tests/<provider>.rs` of the same name.
pub const PROVIDERS: [&str; 5] = ["resend", "tatango", "sendo", "nango", "tago"];

/// Where the wire tests record requests, relative to the workspace root.
const RECORD_DIR: &str = "target/portico-requests";

/// How long Prism may take to start listening.
const STARTUP: Duration = Duration::from_secs(30);

/// How long one request may take, connecting, writing or reading.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The longest body excerpt a failure shows, in characters.
const EXCERPT: usize = 300;

/// Headers the replay writes itself (or must not repeat): the rest are sent as recorded.
const HOP_BY_HOP: [&str; 4] = ["host", "content-length", "connection", "transfer-encoding"];

/// A violation Prism reports that is no fault of the SDK's: a limit of OpenAPI 3.0.3 or of Prism.
#[derive(Debug)]
pub struct Allowed {
    /// The provider it applies to.
    pub provider: &'static str,
    /// The violation's `code`, exactly.
    pub code: &'static str,
    /// A substring of the violation's `message`.
    pub message: &'static str,
    /// Why this is no fault of the SDK's.
    pub why: &'static str,
}

/// Violations excused, each narrowly: one provider, one code, one message. Every entry is
/// reported with the number of requests it excused, and an entry that excuses nothing fails the
/// run, so that the list cannot outlive the limitation it works around.
pub const ALLOWED: &[Allowed] = &[
    // Sendo's `errorCode` is null unless a message failed (documented), and its type is the
    // open enum `MessageErrorCode`. OpenAPI 3.0.3 has no nullable reference: the spec says
    // `type: string, nullable: true, allOf: [$ref MessageErrorCode]`, which the generator, the
    // SDK and portico-mock read as "null or a code", while Prism's strict reading lets the
    // `allOf` refuse null. These are violations of Prism's own reply (the spec's example, with
    // `errorCode: null`), not of the request the SDK sent.
    Allowed {
        provider: "sendo",
        code: "type",
        message: "errorCode must be string",
        why: "OpenAPI 3.0.3 cannot mark a $ref nullable; null is documented for errorCode",
    },
    Allowed {
        provider: "sendo",
        code: "enum",
        message: "errorCode must be equal to one of the allowed values",
        why: "OpenAPI 3.0.3 cannot mark a $ref nullable; null is documented for errorCode",
    },
];

/// Runs the cross-check: installs Prism if needed, records the wire tests' requests, replays
/// them to Prism, prints a summary per provider and every failure, and fails if any request
/// failed.
pub fn run(root: &Path) -> Result<(), String> {
    let started = Instant::now();
    let prism = ensure_prism(root)?;
    let dir = root.join(RECORD_DIR);
    record(root, &dir)?;

    let mut reports = Vec::new();
    for provider in PROVIDERS {
        let path = dir.join(format!("{provider}.jsonl"));
        let text = std::fs::read_to_string(&path).map_err(|e| {
            format!(
                "cargo xtask prism: no requests recorded for {provider} ({}: {e})",
                path.display()
            )
        })?;
        let requests = parse_records(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        reports.push(replay(root, &prism, provider, &requests)?);
    }

    let (summary, ok) = summarize(&reports);
    print!("{summary}");
    println!("prism: done in {:.1}s", started.elapsed().as_secs_f64());
    if ok {
        Ok(())
    } else {
        Err("cargo xtask prism: failed (the FAIL lines above)".into())
    }
}

/// Makes sure Node.js is on PATH and `tools/node_modules/.bin/prism` exists (running `npm ci`
/// in `tools/` if not), and returns the path of Prism's executable.
fn ensure_prism(root: &Path) -> Result<PathBuf, String> {
    let node = Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !node.is_ok_and(|s| s.success()) {
        return Err(
            "cargo xtask prism needs Node.js (node and npm on PATH) to run Stoplight Prism; \
             install Node.js 20.19 or later"
                .into(),
        );
    }
    let prism = root.join("tools/node_modules/.bin/prism");
    if prism.exists() {
        return Ok(prism);
    }
    println!("prism: installing the pinned tools (npm ci --prefix tools)");
    let status = Command::new("npm")
        .current_dir(root)
        .args([
            "ci",
            "--prefix",
            "tools",
            "--no-audit",
            "--no-fund",
            "--silent",
        ])
        .env("REDOCLY_TELEMETRY", "off")
        .status()
        .map_err(|e| format!("cannot run npm (Node.js's package manager): {e}"))?;
    if !status.success() {
        return Err(format!("npm ci --prefix tools failed ({status})"));
    }
    if !prism.exists() {
        return Err(format!(
            "npm ci --prefix tools did not install {}; is @stoplight/prism-cli in tools/package.json?",
            prism.display()
        ));
    }
    Ok(prism)
}

/// Empties `dir` and runs the wire tests with `PORTICO_RECORD_DIR=dir`.
fn record(root: &Path, dir: &Path) -> Result<(), String> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| format!("cannot empty {}: {e}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    println!(
        "prism: recording the wire tests' requests in {}",
        dir.display()
    );
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(root)
        .args(["test", "--quiet", "-p", "portico-tests"])
        .env("PORTICO_RECORD_DIR", dir);
    for provider in PROVIDERS {
        command.args(["--test", provider]);
    }
    let status = command
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!(
            "cargo xtask prism: the wire tests failed ({status}); fix them first"
        ));
    }
    Ok(())
}

/// A request as a wire test's mock server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub method: String,
    /// The request target: path and query string, as sent.
    pub target: String,
    /// Names lower-cased, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Recorded {
    /// The method and the path without its query: one operation, give or take path parameters.
    pub fn route(&self) -> (String, String) {
        let path = self.target.split('?').next().unwrap_or_default();
        (self.method.clone(), path.to_string())
    }
}

/// Parses a `<provider>.jsonl` record: one JSON object a line, `{"method", "path", "headers":
/// [[name, value], ...], "body"}`. Blank lines are skipped.
pub fn parse_records(text: &str) -> Result<Vec<Recorded>, String> {
    let mut requests = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |what: &str| format!("line {}: {what}", number + 1);
        let value: Value = serde_json::from_str(line).map_err(|e| bad(&e.to_string()))?;
        let text = |key: &str| {
            value
                .get(key)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| bad(&format!("no string \"{key}\"")))
        };
        let headers = value
            .get("headers")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("no array \"headers\""))?
            .iter()
            .map(|pair| match pair.as_array().map(Vec::as_slice) {
                Some([Value::String(name), Value::String(value)]) => {
                    Ok((name.to_ascii_lowercase(), value.clone()))
                }
                _ => Err(bad("a header that is not [name, value]")),
            })
            .collect::<Result<_, _>>()?;
        requests.push(Recorded {
            method: text("method")?,
            target: text("path")?,
            headers,
            body: text("body")?,
        });
    }
    Ok(requests)
}

/// Prism serving one spec; killed when dropped, on every path out.
struct Prism {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Prism {
    /// Starts `prism mock specs/<provider>.yaml` on a free loopback port and waits until it
    /// accepts connections.
    /// `run` numbers the log, `prism-<provider>-<run>.log`, as Prism is restarted after a crash.
    fn start(root: &Path, prism: &Path, provider: &str, run: usize) -> Result<Prism, String> {
        let port = free_port()?;
        let log = root
            .join(RECORD_DIR)
            .join(format!("prism-{provider}-{run}.log"));
        let out = std::fs::File::create(&log)
            .map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let err = out
            .try_clone()
            .map_err(|e| format!("cannot share {}: {e}", log.display()))?;
        let spec = format!("specs/{provider}.yaml");
        let port_arg = port.to_string();
        let child = Command::new(prism)
            .current_dir(root)
            .args([
                "mock",
                &spec,
                "-h",
                "127.0.0.1",
                "-p",
                &port_arg,
                "-v",
                "error",
            ])
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", prism.display()))?;
        let mut server = Prism { child, port, log };
        server.wait_until_listening(provider)?;
        Ok(server)
    }

    fn wait_until_listening(&mut self, provider: &str) -> Result<(), String> {
        let started = Instant::now();
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        loop {
            if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "Prism exited ({status}) before serving specs/{provider}.yaml:\n{}",
                    self.log_text()
                ));
            }
            if started.elapsed() > STARTUP {
                return Err(format!(
                    "Prism did not listen on port {} within {}s for specs/{provider}.yaml:\n{}",
                    self.port,
                    STARTUP.as_secs(),
                    self.log_text()
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Whether Prism has exited, or does within a second.
    fn exited(&mut self) -> bool {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(1) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nothing listens on now: bound to 127.0.0.1:0, then released.
fn free_port() -> Result<u16, String> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|e| format!("cannot find a free port: {e}"))
}

/// What one provider's replay found.
#[derive(Debug, Default)]
pub struct Report {
    pub provider: String,
    pub replayed: usize,
    /// Passed with no violation at all.
    pub passed: usize,
    /// Passed only because every violation is on the [allow-list](ALLOWED): the entries (their
    /// indexes) that excused each request.
    pub allowed: Vec<(Vec<usize>, Recorded)>,
    pub failed: Vec<Failure>,
    /// Distinct method and path (without query).
    pub routes: usize,
    /// The check that Prism checks anything: a recorded request stripped of its credentials
    /// (its target), and whether Prism refused it as it should. `None`: no request to strip.
    pub canary: Option<(String, bool)>,
}

/// A request Prism disagrees with.
#[derive(Debug)]
pub struct Failure {
    pub method: String,
    pub target: String,
    /// Prism's status code; 0 when the request made Prism crash.
    pub status: u16,
    /// The `sl-violations` header, or an excerpt of Prism's body.
    pub detail: String,
}

/// Replays `requests` to a fresh Prism serving `provider`'s spec.
fn replay(
    root: &Path,
    prism: &Path,
    provider: &str,
    requests: &[Recorded],
) -> Result<Report, String> {
    let started = Instant::now();
    let mut runs = 1;
    let mut server = Prism::start(root, prism, provider, runs)?;
    println!(
        "prism: {provider}: Prism listening on port {} after {:.1}s; replaying {} requests",
        server.port,
        started.elapsed().as_secs_f64(),
        requests.len()
    );
    let mut report = Report {
        provider: provider.to_string(),
        replayed: requests.len(),
        routes: requests
            .iter()
            .map(Recorded::route)
            .collect::<BTreeSet<_>>()
            .len(),
        ..Report::default()
    };
    for request in requests {
        let (status, verdict) = match send(server.port, request) {
            Ok(reply) => (reply.status, judge(provider, &reply)),
            // A request that kills Prism is a failure (unless allowed) of that request; Prism
            // is started again for the next.
            Err(_) if server.exited() => {
                let crash = crash_report(&server.log_text());
                runs += 1;
                server = Prism::start(root, prism, provider, runs)?;
                (0, judge_crash(provider, &crash, ALLOWED))
            }
            Err(e) => {
                return Err(format!(
                    "{provider}: {} {}: no reply from Prism: {e}\n{}",
                    request.method,
                    request.target,
                    server.log_text()
                ));
            }
        };
        match verdict {
            Verdict::Pass => report.passed += 1,
            Verdict::Allowed(entries) => report.allowed.push((entries, request.clone())),
            Verdict::Fail(detail) => report.failed.push(Failure {
                method: request.method.clone(),
                target: request.target.clone(),
                status,
                detail,
            }),
        }
    }
    report.canary = canary(server.port, provider, requests)?;
    Ok(report)
}

/// The headers the five specs' security schemes name (Resend, Sendo and Nango use
/// `Authorization`, Tatango `x-api-key`, TagoIO `token`, Nango also `x-user-account`).
const CREDENTIALS: [&str; 4] = ["authorization", "x-api-key", "token", "x-user-account"];

/// Sends the first recorded request that carries credentials again without them: Prism must
/// refuse it, or its silence about the others means nothing.
fn canary(
    port: u16,
    provider: &str,
    requests: &[Recorded],
) -> Result<Option<(String, bool)>, String> {
    let Some(request) = requests.iter().find(|r| {
        r.headers
            .iter()
            .any(|(n, _)| CREDENTIALS.contains(&n.as_str()))
    }) else {
        return Ok(None);
    };
    let mut stripped = request.clone();
    stripped
        .headers
        .retain(|(n, _)| !CREDENTIALS.contains(&n.as_str()));
    let reply = send(port, &stripped).map_err(|e| {
        format!(
            "{provider}: {} {} without credentials: no reply from Prism: {e}",
            request.method, request.target
        )
    })?;
    let refused = judge_with(provider, &reply, &[]) != Verdict::Pass;
    Ok(Some((
        format!("{} {}", request.method, request.target),
        refused,
    )))
}

/// An HTTP reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    /// Names lower-cased.
    pub headers: Vec<(String, String)>,
    /// De-chunked when the reply was chunked.
    pub body: Vec<u8>,
}

impl Reply {
    /// The first header named `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The bytes of `request` sent to `127.0.0.1:<port>`: the recorded method, target, headers
/// (but [`HOP_BY_HOP`], which are written anew) and body.
pub fn encode(port: u16, request: &Recorded) -> Vec<u8> {
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n",
        request.method, request.target
    );
    for (name, value) in &request.headers {
        if !HOP_BY_HOP.contains(&name.as_str()) {
            let _ = write!(head, "{name}: {value}\r\n");
        }
    }
    // A request that came with a length (or a body) keeps one; one without (a GET) gets none, as
    // Prism, like most servers, reads "no length" as "no body".
    let had_length = request.headers.iter().any(|(n, _)| n == "content-length");
    if had_length || !request.body.is_empty() {
        let _ = write!(head, "Content-Length: {}\r\n", request.body.len());
    }
    head.push_str("Connection: close\r\n\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(request.body.as_bytes());
    bytes
}

/// Sends `request` to `127.0.0.1:<port>` and reads the reply to EOF.
fn send(port: u16, request: &Recorded) -> Result<Reply, String> {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream =
        TcpStream::connect_timeout(&address, REQUEST_TIMEOUT).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(REQUEST_TIMEOUT))
        .and_then(|()| stream.set_write_timeout(Some(REQUEST_TIMEOUT)))
        .map_err(|e| e.to_string())?;
    stream
        .write_all(&encode(port, request))
        .map_err(|e| format!("writing: {e}"))?;
    let mut bytes = Vec::new();
    stream
        .read_to_end(&mut bytes)
        .map_err(|e| format!("reading: {e}"))?;
    parse_reply(&bytes)
}

/// Parses an HTTP/1.1 reply read to EOF: status line, headers, body (de-chunked when
/// `Transfer-Encoding: chunked`, cut at `Content-Length` when given).
pub fn parse_reply(bytes: &[u8]) -> Result<Reply, String> {
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("a reply without the blank line that ends its headers")?;
    let head = std::str::from_utf8(&bytes[..end]).map_err(|_| "a reply head that is not UTF-8")?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .strip_prefix("HTTP/1.")
        .and_then(|rest| rest.get(2..5))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| format!("a bad status line: {status_line:?}"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_string()))
        .collect();
    let mut reply = Reply {
        status,
        headers,
        body: bytes[end + 4..].to_vec(),
    };
    if reply
        .header("transfer-encoding")
        .is_some_and(|te| te.eq_ignore_ascii_case("chunked"))
    {
        reply.body = dechunk(&reply.body)?;
    } else if let Some(length) = reply.header("content-length").and_then(|l| l.parse().ok()) {
        reply.body.truncate(length);
    }
    Ok(reply)
}

/// Decodes a chunked body.
fn dechunk(mut bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        let line_end = bytes
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("a chunked body cut short")?;
        let size_line = String::from_utf8_lossy(&bytes[..line_end]);
        let size_hex = size_line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_hex, 16)
            .map_err(|_| format!("a bad chunk size: {size_hex:?}"))?;
        bytes = &bytes[line_end + 2..];
        if size == 0 {
            return Ok(body);
        }
        let chunk = bytes.get(..size).ok_or("a chunk cut short")?;
        body.extend_from_slice(chunk);
        bytes = bytes.get(size + 2..).unwrap_or_default();
    }
}

/// One violation Prism reports, in `sl-violations` or in a problem body's `validation`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Where, dot-joined (`request.query.limit`).
    pub location: String,
    pub severity: String,
    pub code: String,
    pub message: String,
}

/// Parses a JSON array of Prism violations (`[{location, severity, code, message}]`).
pub fn parse_violations(value: &Value) -> Option<Vec<Violation>> {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    value
        .as_array()?
        .iter()
        .map(|v| {
            Some(Violation {
                location: v
                    .get("location")
                    .and_then(Value::as_array)
                    .map(|parts| parts.iter().map(text).collect::<Vec<_>>().join("."))
                    .unwrap_or_default(),
                severity: v.get("severity").map(text).unwrap_or_default(),
                code: text(v.get("code")?),
                message: v.get("message").map(text).unwrap_or_default(),
            })
        })
        .collect()
}

/// How Prism took a request.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// 2xx, no violation.
    Pass,
    /// Only violations on the allow-list (their indexes in [`ALLOWED`]).
    Allowed(Vec<usize>),
    /// Anything else, with the `sl-violations` header or an excerpt of the body.
    Fail(String),
}

/// Judges Prism's `reply` to a request for `provider`.
pub fn judge(provider: &str, reply: &Reply) -> Verdict {
    judge_with(provider, reply, ALLOWED)
}

/// [`judge`] with the given allow-list.
pub fn judge_with(provider: &str, reply: &Reply, allowed: &[Allowed]) -> Verdict {
    let ok = (200..300).contains(&reply.status);
    let header = reply.header("sl-violations");
    if ok && header.is_none() {
        return Verdict::Pass;
    }
    let body = String::from_utf8_lossy(&reply.body);
    let detail = match header {
        Some(value) => format!("sl-violations: {value}"),
        None => format!("body: {}", excerpt(&body)),
    };
    // The violations: Prism's header; or, on a 4xx of Prism's own making, its problem body.
    let violations = match header {
        Some(value) => serde_json::from_str(value)
            .ok()
            .and_then(|v| parse_violations(&v)),
        None => serde_json::from_str::<Value>(&body)
            .ok()
            .and_then(|v| v.get("validation").and_then(parse_violations)),
    };
    match violations.and_then(|v| excuse(provider, &v, allowed)) {
        Some(entries) => Verdict::Allowed(entries),
        None => Verdict::Fail(detail),
    }
}

/// The code of the pseudo-violation a request that makes Prism crash gets, its message the
/// error Prism printed.
pub const CRASHED: &str = "prism-crashed";

/// Judges a request that made Prism crash, `crash` being the error Prism printed.
pub fn judge_crash(provider: &str, crash: &str, allowed: &[Allowed]) -> Verdict {
    let violation = Violation {
        location: String::new(),
        severity: "Fatal".into(),
        code: CRASHED.into(),
        message: crash.to_string(),
    };
    match excuse(provider, &[violation], allowed) {
        Some(entries) => Verdict::Allowed(entries),
        None => Verdict::Fail(format!("Prism crashed: {}", excerpt(crash))),
    }
}

/// The allow-list entries that excuse every one of `violations` (at least one), or `None`.
fn excuse(provider: &str, violations: &[Violation], allowed: &[Allowed]) -> Option<Vec<usize>> {
    if violations.is_empty() {
        return None;
    }
    let mut entries = violations
        .iter()
        .map(|violation| {
            allowed.iter().position(|a| {
                a.provider == provider
                    && a.code == violation.code
                    && violation.message.contains(a.message)
            })
        })
        .collect::<Option<Vec<_>>>()?;
    entries.sort_unstable();
    entries.dedup();
    Some(entries)
}

/// What Prism printed when it crashed: its log, without the startup line, on one line.
fn crash_report(log: &str) -> String {
    log.lines()
        .filter(|line| !line.contains("Starting Prism"))
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// At most [`EXCERPT`] characters of `text`, on one line.
fn excerpt(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    match flat.char_indices().nth(EXCERPT) {
        Some((cut, _)) => format!("{}…", &flat[..cut]),
        None => flat,
    }
}

/// The summary table, the allow-list's use and every failure; `false` if anything failed (a
/// request, a provider with no requests, an allow-list entry that excused nothing).
pub fn summarize(reports: &[Report]) -> (String, bool) {
    let mut out = String::new();
    let mut ok = true;
    let _ = writeln!(
        out,
        "\n{:<10} {:>9} {:>7} {:>8} {:>7} {:>11}  canary",
        "provider", "requests", "passed", "allowed", "failed", "operations"
    );
    for r in reports {
        let canary = match r.canary {
            Some((_, true)) => "refused",
            Some((_, false)) => "ACCEPTED",
            None => "none",
        };
        let _ = writeln!(
            out,
            "{:<10} {:>9} {:>7} {:>8} {:>7} {:>11}  {canary}",
            r.provider,
            r.replayed,
            r.passed,
            r.allowed.len(),
            r.failed.len(),
            r.routes
        );
    }
    let _ = writeln!(
        out,
        "(operations: distinct method and path without query; allowed: passed only by the \
         allow-list; canary: a recorded request sent again without credentials, which Prism must \
         refuse)"
    );
    for r in reports.iter().filter(|r| r.replayed == 0) {
        ok = false;
        let _ = writeln!(out, "\nFAIL {}: no requests recorded", r.provider);
    }
    for r in reports {
        match &r.canary {
            Some((_, true)) => {}
            Some((request, false)) => {
                ok = false;
                let _ = writeln!(
                    out,
                    "\nFAIL {}: Prism accepted {request} without its credentials: it is not \
                     checking requests",
                    r.provider
                );
            }
            None if r.replayed > 0 => {
                ok = false;
                let _ = writeln!(
                    out,
                    "\nFAIL {}: no recorded request carries credentials, so none shows that \
                     Prism checks them",
                    r.provider
                );
            }
            None => {}
        }
    }
    for (index, entry) in ALLOWED.iter().enumerate() {
        let excused: Vec<&Recorded> = reports
            .iter()
            .flat_map(|r| &r.allowed)
            .filter(|(entries, _)| entries.contains(&index))
            .map(|(_, request)| request)
            .collect();
        let _ = writeln!(
            out,
            "\nallow-list #{index} ({}, code {:?}, message containing {:?}): {}; excused {}:",
            entry.provider,
            entry.code,
            entry.message,
            entry.why,
            excused.len()
        );
        for request in &excused {
            let _ = writeln!(out, "     {} {}", request.method, request.target);
        }
        if excused.is_empty() && reports.iter().any(|r| r.provider == entry.provider) {
            ok = false;
            let _ = writeln!(out, "FAIL allow-list #{index} excused nothing: remove it");
        }
    }
    for r in reports {
        for f in &r.failed {
            ok = false;
            let _ = writeln!(
                out,
                "\nFAIL {} {} {} -> {}\n     {}",
                r.provider, f.method, f.target, f.status, f.detail
            );
        }
    }
    (out, ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(headers: &[(&str, &str)], body: &str) -> Recorded {
        Recorded {
            method: "POST".into(),
            target: "/emails?x=1".into(),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: body.into(),
        }
    }

    fn reply(status: u16, headers: &[(&str, &str)], body: &str) -> Reply {
        Reply {
            status,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn records_parse() {
        let text = r#"{"method":"GET","path":"/a?b[]=1","headers":[["Host","x"],["token","t"]],"body":""}

{"method":"POST","path":"/c","headers":[],"body":"{}"}"#;
        let records = parse_records(text).unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].target, "/a?b[]=1");
        assert_eq!(records[0].headers[0], ("host".into(), "x".into()));
        assert_eq!(records[0].route(), ("GET".into(), "/a".into()));
        assert!(parse_records(r#"{"method":"GET"}"#).is_err());
    }

    #[test]
    fn requests_are_encoded_with_fresh_hop_by_hop_headers() {
        let sent = request(
            &[
                ("host", "127.0.0.1:1"),
                ("authorization", "Bearer k"),
                ("content-length", "99"),
                ("connection", "keep-alive"),
            ],
            "{\"a\":1}",
        );
        let bytes = String::from_utf8(encode(4010, &sent)).unwrap();
        assert_eq!(
            bytes,
            "POST /emails?x=1 HTTP/1.1\r\nHost: 127.0.0.1:4010\r\nauthorization: Bearer k\r\n\
             Content-Length: 7\r\nConnection: close\r\n\r\n{\"a\":1}"
        );
        let get = Recorded {
            method: "GET".into(),
            ..request(&[], "")
        };
        assert!(
            !String::from_utf8(encode(1, &get))
                .unwrap()
                .contains("Content-Length")
        );
    }

    #[test]
    fn replies_parse_plain_and_chunked() {
        let plain = parse_reply(
            b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\nSL-Violations: []\r\n\r\n{}",
        )
        .unwrap();
        assert_eq!(plain.status, 201);
        assert_eq!(plain.header("sl-violations"), Some("[]"));
        assert_eq!(plain.body, b"{}");
        let chunked = parse_reply(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n",
        )
        .unwrap();
        assert_eq!(chunked.body, b"abcde");
        assert!(parse_reply(b"garbage").is_err());
    }

    #[test]
    fn verdicts() {
        let violations = r#"[{"location":["request","query","tags[]"],"severity":"Error","code":"additionalProperties","message":"Request query parameter tags[] is not allowed"}]"#;
        let allow = [Allowed {
            provider: "tago",
            code: "additionalProperties",
            message: "tags[]",
            why: "test",
        }];
        assert_eq!(
            judge_with("tago", &reply(200, &[], "{}"), &allow),
            Verdict::Pass
        );
        assert_eq!(
            judge_with(
                "tago",
                &reply(200, &[("sl-violations", violations)], ""),
                &allow
            ),
            Verdict::Allowed(vec![0])
        );
        // Never for another provider, nor for a status without violations.
        assert!(matches!(
            judge_with(
                "resend",
                &reply(200, &[("sl-violations", violations)], ""),
                &allow
            ),
            Verdict::Fail(_)
        ));
        assert!(matches!(
            judge_with(
                "tago",
                &reply(401, &[], "{\"title\":\"Invalid security scheme used\"}"),
                &allow
            ),
            Verdict::Fail(_)
        ));
        // A problem body's violations count too.
        let problem = format!("{{\"status\":422,\"validation\":{violations}}}");
        assert_eq!(
            judge_with("tago", &reply(422, &[], &problem), &allow),
            Verdict::Allowed(vec![0])
        );
        let long = "x".repeat(1000);
        let Verdict::Fail(detail) = judge_with("tago", &reply(500, &[], &long), &allow) else {
            panic!("a 500 fails");
        };
        assert!(detail.chars().count() <= EXCERPT + 10);
    }

    #[test]
    fn crashes_fail_unless_allowed() {
        let log = "[4:52:10 AM] › [CLI] …  awaiting  Starting Prism…\n\
                   multipart.ts:182\n    const contentType = part.contentTypeHeader.split(':')[1].trim()\n\
                   TypeError: Cannot read properties of undefined (reading 'trim')\n";
        let crash = crash_report(log);
        assert!(!crash.contains("Starting Prism"));
        assert!(crash.contains("TypeError"));
        let allow = [Allowed {
            provider: "resend",
            code: CRASHED,
            message: "part.contentTypeHeader.split(':')[1].trim()",
            why: "a crash of Prism's multipart parser",
        }];
        assert!(matches!(
            judge_crash("resend", &crash, &allow),
            Verdict::Allowed(_)
        ));
        assert!(matches!(
            judge_crash("tago", &crash, &allow),
            Verdict::Fail(_)
        ));
        assert!(matches!(
            judge_crash("resend", "TypeError: something else", &allow),
            Verdict::Fail(_)
        ));
        assert!(matches!(
            judge_crash("resend", &crash, ALLOWED),
            Verdict::Fail(_)
        ));
    }

    #[test]
    fn allow_list_entries_name_a_provider() {
        for entry in ALLOWED {
            assert!(PROVIDERS.contains(&entry.provider), "{entry:?}");
            assert!(!entry.message.is_empty(), "{entry:?}");
        }
    }
}
