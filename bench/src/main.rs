//! `portico-bench`: what Portico costs per call, in throughput, to decode and in memory, against
//! hand-written reqwest (the floor) and resend-rs, all against one loopback server; and, with
//! `build`, what it costs to build and to generate. Prints Markdown tables. Run through
//! `cargo xtask bench [args]`; BENCHMARKS.md has the figures and how they were made.
//!
//! The server runs on its own OS thread with its own runtime; the client runs on a
//! single-threaded runtime on the main thread. Client CPU is the main thread's time on CPU from
//! `/proc/thread-self/schedstat`; every thread of the process is sampled before and after each
//! measurement, so any CPU spent on other threads (the server's, or any a client library
//! started) is reported in a column of its own rather than lost or mixed in.

mod build;
mod cpu;
mod fixtures;
mod server;

use std::collections::HashMap;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use reqwest::header::{AUTHORIZATION, HeaderValue, USER_AGENT};
use serde::{Deserialize, Serialize};

use server::{Routes, Server};

const USAGE: &str = "usage: portico-bench [section ...] [--quick]

  (none)        every runtime section: calls, throughput, decode, memory
  calls         per-call latency and CPU, POST /emails
  throughput    req/s on one shared client at concurrency 1, 16, 64
  decode        a 1,000-item list: full SDK call vs. raw reqwest + serde_json
  memory        streaming 1k/10k/100k Sendo messages: peak RSS (child processes)
  build         clean build, rebuild and generate times (minutes; run from the repo)
  instructions  instructions per call under callgrind (needs valgrind; load-independent)
  stream N      (internal) stream N messages and print peak RSS
  profile SENDER N [IN_FLIGHT]
                N `POST /emails` from one sender, IN_FLIGHT at once (default 1): a loop to
                run under a profiler or callgrind (SENDER: floor, portico, resend-rs,
                floor-timeout, floor-like-portico, floor-retry-ready, portico-own-key,
                portico-no-retry)
  --quick       a tenth of the calls, for a smoke test";

const API_KEY: &str = "re_bench";
const FROM: &str = "Acme <onboarding@acme.dev>";
const TO: &str = "user@example.com";
const SUBJECT: &str = "Welcome";
const HTML: &str = "<p>Hello!</p>";

fn main() -> ExitCode {
    // resend-rs reads its rate limit from the environment when a client is made (9 per 1.1 s
    // by default); a limit it never reaches turns its limiter's waiting off, as
    // `rate_limits([])` does for Portico. Its limiter is still consulted on every call.
    if std::env::var_os("RESEND_RATE_LIMIT").is_none() {
        // SAFETY: the process has one thread here; nothing reads the environment concurrently.
        unsafe { std::env::set_var("RESEND_RATE_LIMIT", "1000000000") };
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick");
    let args: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| *a != "--quick")
        .collect();
    let scale = if quick { 10 } else { 1 };
    match args.as_slice() {
        ["stream", n] => match n.parse() {
            Ok(n) => stream_child(n),
            Err(_) => usage(),
        },
        ["build"] => build::run(),
        ["instructions"] => instructions(),
        ["profile", sender, n] => match (Sender::parse(sender), n.parse()) {
            (Some(sender), Ok(n)) => profile(sender, n, 1),
            _ => usage(),
        },
        ["profile", sender, n, in_flight] => {
            match (Sender::parse(sender), n.parse(), in_flight.parse()) {
                (Some(sender), Ok(n), Ok(in_flight)) if in_flight > 0 => {
                    profile(sender, n, in_flight)
                }
                _ => usage(),
            }
        }
        [] => {
            header();
            calls(scale);
            throughput(scale);
            decode(scale);
            memory();
            ExitCode::SUCCESS
        }
        sections => {
            let known = ["calls", "throughput", "decode", "memory"];
            if sections.iter().any(|s| !known.contains(s)) {
                return usage();
            }
            header();
            for section in sections {
                match *section {
                    "calls" => calls(scale),
                    "throughput" => throughput(scale),
                    "decode" => decode(scale),
                    _ => memory(),
                }
            }
            ExitCode::SUCCESS
        }
    }
}

fn usage() -> ExitCode {
    eprintln!("{USAGE}");
    ExitCode::from(2)
}

fn header() {
    println!("# portico-bench\n");
    println!("- machine: {}", machine());
    println!("- load before: {}", load());
    println!();
}

/// Cores, CPU model and rustc.
pub fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).to_string())
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let rustc = std::process::Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "rustc ?".into());
    format!("{cores} cores, {model}, {rustc}")
}

/// `/proc/loadavg`'s three averages.
pub fn load() -> String {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let parts: Vec<&str> = text.split_whitespace().take(3).collect();
    format!("load average {}", parts.join(", "))
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime")
}

// ---------------------------------------------------------------------------------------------
// The clients

#[derive(Serialize)]
struct FloorEmail<'a> {
    from: &'a str,
    to: [&'a str; 1],
    subject: &'a str,
    html: &'a str,
}

#[derive(Deserialize)]
struct FloorSent {
    id: String,
}

/// What sends `POST /emails`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Sender {
    /// Hand-written reqwest + serde_json.
    Floor,
    /// portico-resend, limiter off, default retry policy.
    Portico,
    /// resend-rs, its limiter never reached.
    ResendRs,
    // Diagnostics, to find where Portico's cost is.
    /// The floor plus what Portico puts on every request: a per-request timeout, `accept`, a
    /// fresh idempotency key.
    FloorLikePortico,
    /// `FloorLikePortico` that also keeps a copy of the request until the reply, ready for a
    /// retry (what any client that retries a request it has handed to reqwest must do).
    FloorRetryReady,
    /// The floor plus a per-request timeout (Portico sets one on every attempt).
    FloorTimeout,
    /// portico-resend with the caller's idempotency key (no key generated).
    PorticoOwnKey,
    /// portico-resend with `RetryPolicy::none()`: shows what being ready to retry costs.
    PorticoNoRetry,
}

impl Sender {
    fn parse(name: &str) -> Option<Sender> {
        Some(match name {
            "floor" => Sender::Floor,
            "portico" => Sender::Portico,
            "resend-rs" => Sender::ResendRs,
            "floor-timeout" => Sender::FloorTimeout,
            "floor-like-portico" => Sender::FloorLikePortico,
            "floor-retry-ready" => Sender::FloorRetryReady,
            "portico-own-key" => Sender::PorticoOwnKey,
            "portico-no-retry" => Sender::PorticoNoRetry,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Sender::Floor => "floor: reqwest + serde_json",
            Sender::Portico => "portico-resend",
            Sender::ResendRs => "resend-rs 0.35.1",
            Sender::FloorLikePortico => {
                "floor + timeout, accept, idempotency key (same request as Portico)"
            }
            Sender::FloorRetryReady => "same request as Portico + a copy kept for a retry",
            Sender::FloorTimeout => "floor + per-request timeout",
            Sender::PorticoOwnKey => "portico-resend, caller's idempotency key",
            Sender::PorticoNoRetry => "portico-resend, RetryPolicy::none()",
        }
    }
}

struct Clients {
    emails_url: String,
    floor: reqwest::Client,
    auth: HeaderValue,
    user_agent: HeaderValue,
    portico: portico_resend::Client,
    portico_no_retry: portico_resend::Client,
    resend: resend_rs::Resend,
}

impl Clients {
    fn new(base: &str) -> Clients {
        let portico = portico_resend::Client::builder()
            .api_key(API_KEY)
            .base_url(base)
            .rate_limits([])
            .build()
            .expect("portico client");
        let portico_no_retry = portico_resend::Client::builder()
            .api_key(API_KEY)
            .base_url(base)
            .rate_limits([])
            .retry(portico::RetryPolicy::none())
            .build()
            .expect("portico client");
        let resend = resend_rs::Resend::with_config(
            resend_rs::ConfigBuilder::new(API_KEY)
                .base_url(base.parse().expect("url"))
                .build(),
        );
        Clients {
            emails_url: format!("{base}/emails"),
            floor: reqwest::Client::new(),
            auth: HeaderValue::from_str(&format!("Bearer {API_KEY}")).expect("header"),
            user_agent: HeaderValue::from_static("bench-floor/1"),
            portico,
            portico_no_retry,
            resend,
        }
    }

    /// One `POST /emails`; the id's length, so that nothing is optimised away.
    async fn send(&self, sender: Sender) -> usize {
        match sender {
            Sender::Floor
            | Sender::FloorTimeout
            | Sender::FloorLikePortico
            | Sender::FloorRetryReady => {
                let mut request = self
                    .floor
                    .post(&self.emails_url)
                    .header(AUTHORIZATION, self.auth.clone())
                    .header(USER_AGENT, self.user_agent.clone())
                    .json(&FloorEmail {
                        from: FROM,
                        to: [TO],
                        subject: SUBJECT,
                        html: HTML,
                    });
                if sender != Sender::Floor {
                    request = request.timeout(Duration::from_secs(60));
                }
                if matches!(sender, Sender::FloorLikePortico | Sender::FloorRetryReady) {
                    request = request
                        .header(
                            reqwest::header::ACCEPT,
                            HeaderValue::from_static("application/json"),
                        )
                        .header(
                            reqwest::header::HeaderName::from_static("idempotency-key"),
                            idempotency_key(),
                        );
                }
                let request = request.build().expect("floor: built");
                let spare = (sender == Sender::FloorRetryReady)
                    .then(|| request.try_clone())
                    .flatten();
                let reply = self.floor.execute(request).await.expect("floor: sent");
                assert!(reply.status().is_success());
                let sent: FloorSent = reply.json().await.expect("floor: decoded");
                drop(std::hint::black_box(spare));
                sent.id.len()
            }
            Sender::Portico | Sender::PorticoOwnKey | Sender::PorticoNoRetry => {
                let client = if sender == Sender::PorticoNoRetry {
                    &self.portico_no_retry
                } else {
                    &self.portico
                };
                let mut call = client.send_email();
                if sender == Sender::PorticoOwnKey {
                    call = call.idempotency_key("bench-own-key");
                }
                let sent = call
                    .body_map(|email| {
                        email
                            .from(FROM)
                            .to(vec![TO.to_string()])
                            .subject(SUBJECT)
                            .html(Some(HTML.to_string()))
                    })
                    .send()
                    .await
                    .expect("portico: sent");
                sent.id.len()
            }
            Sender::ResendRs => {
                let email = resend_rs::types::CreateEmailBaseOptions::new(FROM, [TO], SUBJECT)
                    .with_html(HTML);
                let sent = self
                    .resend
                    .emails
                    .send(email)
                    .await
                    .expect("resend-rs: sent");
                sent.id.len()
            }
        }
    }
}

/// A fresh UUID v4 as a header value, made the way Portico makes its own
/// (`portico::retry`, private there): two SipHash draws from per-call `RandomState`s, the 36
/// characters written by hand into a shared `Bytes`, so that this diagnostic prices the key as
/// Portico pays it.
fn idempotency_key() -> HeaderValue {
    use std::hash::{BuildHasher as _, Hasher as _};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    const HEX: &[u8; 16] = b"0123456789abcdef";
    const AT: [usize; 16] = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
    let draw = || {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        h.finish()
    };
    let hi = (draw() & !0xf000) | 0x4000;
    let lo = (draw() & !(0b11 << 62)) | (0b10 << 62);
    let bytes = ((u128::from(hi) << 64) | u128::from(lo)).to_be_bytes();
    let mut text = [b'-'; 36];
    for (byte, at) in bytes.into_iter().zip(AT) {
        text[at] = HEX[usize::from(byte >> 4)];
        text[at + 1] = HEX[usize::from(byte & 0xf)];
    }
    HeaderValue::from_maybe_shared(bytes::Bytes::from_owner(text)).expect("hex digits and dashes")
}

fn email_server() -> Server {
    let mut routes = Routes::default();
    routes
        .canned
        .insert("/emails", fixtures::SENT_EMAIL.as_bytes().to_vec());
    Server::start(routes)
}

// ---------------------------------------------------------------------------------------------
// Measuring

/// CPU used by a measurement, in ns: the client's thread, the server's, any other.
#[derive(Default, Clone, Copy)]
struct Cpu {
    client: u64,
    server: u64,
    other: u64,
}

impl Cpu {
    fn add(&mut self, (client, server, other): (u64, u64, u64)) {
        self.client += client;
        self.server += server;
        self.other += other;
    }
}

/// Runs `work` on the runtime and returns its wall time and the CPU it took, per thread group.
fn measured<F: Future>(
    rt: &tokio::runtime::Runtime,
    server: &Server,
    work: F,
) -> (Duration, (u64, u64, u64)) {
    let main = cpu::current_tid();
    let before = cpu::all_threads();
    let start = Instant::now();
    rt.block_on(work);
    let wall = start.elapsed();
    let after = cpu::all_threads();
    (wall, cpu::split(&before, &after, main, server.tid))
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ratio(value: f64, floor: f64) -> String {
    if floor == 0.0 {
        return "–".into();
    }
    let pct = (value / floor - 1.0) * 100.0;
    format!("{:.3}× ({pct:+.1}%)", value / floor)
}

// ---------------------------------------------------------------------------------------------
// 1. Per-call cost

fn calls(scale: usize) {
    let server = email_server();
    let rt = runtime();
    let clients = Clients::new(&server.url);
    let senders = [
        Sender::Floor,
        Sender::Portico,
        Sender::ResendRs,
        Sender::FloorTimeout,
        Sender::FloorLikePortico,
        Sender::FloorRetryReady,
        Sender::PorticoOwnKey,
        Sender::PorticoNoRetry,
    ];
    let calls = 5_000 / scale;
    let rounds = 25;
    let warmup = 1_000 / scale;

    // What each sends, as the server received it.
    println!("## 1. Per-call cost: `POST /emails`\n");
    println!("Request each client sends (as received):\n");
    println!("| client | request bytes (head + body) | body |");
    println!("|---|---:|---|");
    for sender in [Sender::Floor, Sender::Portico, Sender::ResendRs] {
        rt.block_on(clients.send(sender));
        let raw = server.last_email_request.lock().expect("lock").clone();
        let text = String::from_utf8_lossy(&raw);
        let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        println!("| {} | {} | `{}` |", sender.name(), raw.len(), body);
    }
    println!();
    for sender in [Sender::Floor, Sender::Portico, Sender::ResendRs] {
        rt.block_on(clients.send(sender));
        let raw = server.last_email_request.lock().expect("lock").clone();
        let text = String::from_utf8_lossy(&raw);
        let head = text.split_once("\r\n\r\n").map_or("", |(h, _)| h);
        let names: Vec<&str> = head
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once(':').map(|(n, _)| n))
            .collect();
        println!("- {} headers: {}", sender.name(), names.join(", "));
    }
    println!();

    for &sender in &senders {
        rt.block_on(async {
            for _ in 0..warmup {
                clients.send(sender).await;
            }
        });
    }
    let mut latencies: HashMap<Sender, Vec<Duration>> = HashMap::new();
    let mut walls: HashMap<Sender, Duration> = HashMap::new();
    let mut cpus: HashMap<Sender, Cpu> = HashMap::new();
    for round in 0..rounds {
        // Each round runs every client in turn, in a rotating order, so that a change of load
        // on the machine falls on all of them alike.
        for i in 0..senders.len() {
            let sender = senders[(i + round) % senders.len()];
            let lat = latencies.entry(sender).or_default();
            let (wall, cpu) = measured(&rt, &server, async {
                for _ in 0..calls / rounds {
                    let start = Instant::now();
                    std::hint::black_box(clients.send(sender).await);
                    lat.push(start.elapsed());
                }
            });
            *walls.entry(sender).or_default() += wall;
            cpus.entry(sender).or_default().add(cpu);
        }
    }
    let n = (calls / rounds * rounds) as f64;
    let floor_mean = us(walls[&Sender::Floor]) / n;
    let floor_cpu = cpus[&Sender::Floor].client as f64 / n / 1e3;
    println!(
        "{calls} sequential calls per client after {warmup} warm-up calls, in {rounds} rounds \
         that rotate the order; one connection each (keep-alive). CPU is per call, in µs.\n"
    );
    println!(
        "| client | mean µs | p50 µs | p99 µs | client CPU µs | other threads CPU µs | server CPU µs | mean vs floor | client CPU vs floor |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (i, &sender) in senders.iter().enumerate() {
        if i == 3 {
            println!("| *diagnostics* | | | | | | | | |");
        }
        let lat = latencies.get_mut(&sender).expect("measured");
        lat.sort();
        let mean = us(walls[&sender]) / n;
        let cpu = cpus[&sender];
        let client_cpu = cpu.client as f64 / n / 1e3;
        println!(
            "| {} | {mean:.1} | {:.1} | {:.1} | {client_cpu:.2} | {:.2} | {:.2} | {} | {} |",
            sender.name(),
            us(percentile(lat, 50.0)),
            us(percentile(lat, 99.0)),
            cpu.other as f64 / n / 1e3,
            cpu.server as f64 / n / 1e3,
            ratio(mean, floor_mean),
            ratio(client_cpu, floor_cpu),
        );
    }
    println!();
    let portico_cpu = cpus[&Sender::Portico].client as f64 / n / 1e3;
    let resend_cpu = cpus[&Sender::ResendRs].client as f64 / n / 1e3;
    let portico_mean = us(walls[&Sender::Portico]) / n;
    let resend_mean = us(walls[&Sender::ResendRs]) / n;
    println!(
        "Target (portico within 5% of the floor, ahead of resend-rs): mean latency {:+.1}% vs \
         the floor ({}), client CPU {:+.1}% ({}); vs resend-rs: mean {:.1} vs {:.1} µs, CPU \
         {:.2} vs {:.2} µs ({}).\n",
        (portico_mean / floor_mean - 1.0) * 100.0,
        met(portico_mean <= floor_mean * 1.05),
        (portico_cpu / floor_cpu - 1.0) * 100.0,
        met(portico_cpu <= floor_cpu * 1.05),
        portico_mean,
        resend_mean,
        portico_cpu,
        resend_cpu,
        met(portico_mean < resend_mean && portico_cpu < resend_cpu),
    );
}

/// `portico-bench profile SENDER N [IN_FLIGHT]`: the per-call loop alone, for a profiler;
/// prints the client thread's CPU per call.
fn profile(sender: Sender, n: usize, in_flight: usize) -> ExitCode {
    let server = email_server();
    let rt = runtime();
    let clients = Clients::new(&server.url);
    // One at a time in a plain loop (what `instructions` counts), or through
    // `for_each_concurrent` as in `throughput`.
    let (wall, (client, _, _)) = if in_flight == 1 {
        measured(&rt, &server, async {
            for _ in 0..n {
                std::hint::black_box(clients.send(sender).await);
            }
        })
    } else {
        measured(
            &rt,
            &server,
            futures_util::stream::iter(0..n).for_each_concurrent(in_flight, |_| async {
                std::hint::black_box(clients.send(sender).await);
            }),
        )
    };
    println!(
        "{}: {n} calls, {:.1} µs/call wall, {:.2} µs/call client CPU",
        sender.name(),
        us(wall) / n as f64,
        client as f64 / n as f64 / 1e3
    );
    ExitCode::SUCCESS
}

fn met(yes: bool) -> &'static str {
    if yes { "met" } else { "not met" }
}

// ---------------------------------------------------------------------------------------------
// 2. Throughput

fn throughput(scale: usize) {
    let server = email_server();
    let rt = runtime();
    let clients = Clients::new(&server.url);
    // The last is a diagnostic: what Portico puts on the wire, and its per-request timer, without
    // Portico.
    let senders = [
        Sender::Floor,
        Sender::Portico,
        Sender::ResendRs,
        Sender::FloorLikePortico,
    ];
    let total = 20_000 / scale;
    println!("## 2. Throughput: `POST /emails` on one shared client\n");
    println!(
        "{total} calls per cell, `concurrency` in flight at once on the client's one thread \
         (`for_each_concurrent`), in 2 halves with the clients in opposite orders.\n"
    );
    println!(
        "| concurrency | client | req/s | client CPU µs/call | server CPU µs/call | req/s vs floor |"
    );
    println!("|---:|---|---:|---:|---:|---:|");
    for concurrency in [1usize, 16, 64] {
        // Warm up: open the connections the concurrency needs.
        for &sender in &senders {
            rt.block_on(
                futures_util::stream::iter(0..concurrency * 20).for_each_concurrent(
                    concurrency,
                    |_| async {
                        clients.send(sender).await;
                    },
                ),
            );
        }
        let mut walls: HashMap<Sender, Duration> = HashMap::new();
        let mut cpus: HashMap<Sender, Cpu> = HashMap::new();
        for half in 0..2 {
            for i in 0..senders.len() {
                let sender = if half == 0 {
                    senders[i]
                } else {
                    senders[senders.len() - 1 - i]
                };
                let (wall, cpu) = measured(
                    &rt,
                    &server,
                    futures_util::stream::iter(0..total / 2).for_each_concurrent(
                        concurrency,
                        |_| async {
                            std::hint::black_box(clients.send(sender).await);
                        },
                    ),
                );
                *walls.entry(sender).or_default() += wall;
                cpus.entry(sender).or_default().add(cpu);
            }
        }
        let n = (total / 2 * 2) as f64;
        let floor_rps = n / walls[&Sender::Floor].as_secs_f64();
        for &sender in &senders {
            let rps = n / walls[&sender].as_secs_f64();
            let cpu = cpus[&sender];
            println!(
                "| {concurrency} | {} | {rps:.0} | {:.2} | {:.2} | {} |",
                sender.name(),
                cpu.client as f64 / n / 1e3,
                cpu.server as f64 / n / 1e3,
                ratio(rps, floor_rps),
            );
        }
    }
    println!();
}

// ---------------------------------------------------------------------------------------------
// 3. Decode cost of a 1,000-item list

/// TagoIO's envelope, for the floor.
#[derive(Deserialize)]
struct TagoEnvelope<T> {
    #[allow(dead_code)]
    status: bool,
    result: T,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum List {
    Resend,
    Sendo,
    Tago,
}

impl List {
    fn name(self) -> &'static str {
        match self {
            List::Resend => "Resend `list_emails` → `ListEmailsResponse`",
            List::Sendo => "Sendo `list_messages` → `ListMessagesResponse`",
            List::Tago => "TagoIO `get_data` → `DataReply` (in the envelope)",
        }
    }

    fn path(self) -> &'static str {
        match self {
            List::Resend => "/emails",
            List::Sendo => "/v1/message/list",
            List::Tago => "/data",
        }
    }
}

struct ListClients {
    base: String,
    floor: reqwest::Client,
    resend: portico_resend::Client,
    sendo: portico_sendo::Client,
    tago: portico_tago::DeviceClient,
}

impl ListClients {
    fn new(base: &str) -> ListClients {
        ListClients {
            base: base.to_string(),
            floor: reqwest::Client::new(),
            resend: portico_resend::Client::builder()
                .api_key(API_KEY)
                .base_url(base)
                .rate_limits([])
                .build()
                .expect("resend client"),
            sendo: portico_sendo::Client::builder()
                .api_key("sendo_bench")
                .base_url(base)
                .rate_limits([])
                .build()
                .expect("sendo client"),
            tago: portico_tago::DeviceClient::builder()
                .api_key("ca4a7e00-9f8e-4d6c-8b4a-0c0ffee0ca4a")
                .base_url(base)
                .rate_limits([])
                .build()
                .expect("tago client"),
        }
    }

    /// The floor: the same bytes through reqwest, decoded with `serde_json::from_slice` into
    /// the generated type. Returns the item count.
    async fn floor(&self, list: List) -> usize {
        let bytes = self
            .floor
            .get(format!("{}{}", self.base, list.path()))
            .header(AUTHORIZATION, "Bearer k")
            .send()
            .await
            .expect("floor: sent")
            .bytes()
            .await
            .expect("floor: read");
        decode_bytes(list, &bytes)
    }

    /// The full SDK call. Returns the item count.
    async fn sdk(&self, list: List) -> usize {
        match list {
            List::Resend => self
                .resend
                .list_emails()
                .send()
                .await
                .expect("resend")
                .data
                .len(),
            List::Sendo => self
                .sendo
                .list_messages()
                .campaign("CK7Q2M9X")
                .send()
                .await
                .expect("sendo")
                .messages
                .len(),
            List::Tago => match self
                .tago
                .get_data()
                .send()
                .await
                .expect("tago")
                .into_inner()
            {
                portico_tago::types::DataReply::DataPointList(points) => points.len(),
                portico_tago::types::DataReply::Double(_) => 0,
            },
        }
    }
}

/// `serde_json::from_slice` into the generated type; the item count.
fn decode_bytes(list: List, bytes: &[u8]) -> usize {
    match list {
        List::Resend => serde_json::from_slice::<portico_resend::types::ListEmailsResponse>(bytes)
            .expect("resend list")
            .data
            .len(),
        List::Sendo => serde_json::from_slice::<portico_sendo::types::ListMessagesResponse>(bytes)
            .expect("sendo list")
            .messages
            .len(),
        List::Tago => {
            match serde_json::from_slice::<TagoEnvelope<portico_tago::types::DataReply>>(bytes)
                .expect("tago data")
                .result
            {
                portico_tago::types::DataReply::DataPointList(points) => points.len(),
                portico_tago::types::DataReply::Double(_) => 0,
            }
        }
    }
}

fn decode(scale: usize) {
    let items = 1_000;
    let bodies = [
        (List::Resend, fixtures::resend_emails(items)),
        (List::Sendo, fixtures::sendo_messages(items)),
        (List::Tago, fixtures::tago_data(items)),
    ];
    let mut routes = Routes::default();
    for (list, body) in &bodies {
        routes.canned.insert(list.path(), body.as_bytes().to_vec());
    }
    let server = Server::start(routes);
    let rt = runtime();
    let clients = ListClients::new(&server.url);
    let calls = 200 / scale;
    let rounds = 4;
    println!("## 3. Decode cost of a 1,000-item list\n");
    println!(
        "{calls} calls each after 20 warm-up calls, in {rounds} rounds alternating floor and \
         SDK. Floor: raw reqwest fetching the same bytes + `serde_json::from_slice` into the same \
         generated type (TagoIO's: inside a `{{status, result}}` struct). `from_slice` alone: \
         decoding the bytes already in memory, no HTTP. Times are ms per call.\n"
    );
    println!(
        "| list | body KiB | `from_slice` alone ms | floor ms | SDK ms | SDK vs floor | floor client CPU ms | SDK client CPU ms |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (list, body) in &bodies {
        // Both paths must see every item.
        assert_eq!(rt.block_on(clients.floor(*list)), items, "{list:?} floor");
        assert_eq!(rt.block_on(clients.sdk(*list)), items, "{list:?} sdk");
        rt.block_on(async {
            for _ in 0..20 {
                clients.floor(*list).await;
                clients.sdk(*list).await;
            }
        });
        let alone = {
            let start = Instant::now();
            for _ in 0..calls {
                std::hint::black_box(decode_bytes(*list, body.as_bytes()));
            }
            start.elapsed().as_secs_f64() * 1e3 / calls as f64
        };
        let (mut floor_wall, mut sdk_wall) = (Duration::ZERO, Duration::ZERO);
        let (mut floor_cpu, mut sdk_cpu) = (Cpu::default(), Cpu::default());
        for _ in 0..rounds {
            let (wall, cpu) = measured(&rt, &server, async {
                for _ in 0..calls / rounds {
                    std::hint::black_box(clients.floor(*list).await);
                }
            });
            floor_wall += wall;
            floor_cpu.add(cpu);
            let (wall, cpu) = measured(&rt, &server, async {
                for _ in 0..calls / rounds {
                    std::hint::black_box(clients.sdk(*list).await);
                }
            });
            sdk_wall += wall;
            sdk_cpu.add(cpu);
        }
        let n = (calls / rounds * rounds) as f64;
        let floor_ms = floor_wall.as_secs_f64() * 1e3 / n;
        let sdk_ms = sdk_wall.as_secs_f64() * 1e3 / n;
        println!(
            "| {} | {:.1} | {alone:.3} | {floor_ms:.3} | {sdk_ms:.3} | {} | {:.3} | {:.3} |",
            list.name(),
            body.len() as f64 / 1024.0,
            ratio(sdk_ms, floor_ms),
            floor_cpu.client as f64 / n / 1e6,
            sdk_cpu.client as f64 / n / 1e6,
        );
    }
    println!();
    tago_envelope_paths(&bodies[2].1, calls);
}

/// TagoIO's list decoded in memory, four ways: what the envelope costs, then and now, and what
/// the untagged `DataReply` costs.
fn tago_envelope_paths(body: &str, calls: usize) {
    use portico_tago::types::{DataPointList, DataReply};
    #[derive(Deserialize)]
    struct Raw<'a> {
        #[allow(dead_code)]
        status: serde_json::Value,
        #[serde(borrow)]
        result: &'a serde_json::value::RawValue,
    }
    let bytes = body.as_bytes();
    let count = |reply: DataReply| match reply {
        DataReply::DataPointList(points) => points.len(),
        DataReply::Double(_) => 0,
    };
    let paths: [(&str, &dyn Fn() -> usize); 4] = [
        (
            "one pass into `{status, result: DataReply}` (the floor's decode)",
            &|| {
                count(
                    serde_json::from_slice::<TagoEnvelope<DataReply>>(bytes)
                        .expect("one pass")
                        .result,
                )
            },
        ),
        (
            "Portico's old path: parse into `serde_json::Value`, `to_vec` the result, parse that as `DataReply`",
            &|| {
                let value: serde_json::Value = serde_json::from_slice(bytes).expect("value");
                let result = serde_json::to_vec(&value["result"]).expect("to_vec");
                count(serde_json::from_slice::<DataReply>(&result).expect("result"))
            },
        ),
        (
            "Portico's path now (`envelope::open`): `{status: Value, result: &RawValue}`, then the raw result parsed as `DataReply`",
            &|| {
                let raw: Raw = serde_json::from_slice(bytes).expect("raw");
                count(serde_json::from_str::<DataReply>(raw.result.get()).expect("result"))
            },
        ),
        (
            "one pass into `{status, result: DataPointList}` (no untagged enum)",
            &|| {
                serde_json::from_slice::<TagoEnvelope<DataPointList>>(bytes)
                    .expect("list")
                    .result
                    .len()
            },
        ),
    ];
    println!(
        "TagoIO's 1,000 points decoded in memory (no HTTP), {calls} times each, ms per decode:\n"
    );
    println!("| decode | ms | vs one pass |");
    println!("|---|---:|---:|");
    let mut first = 0.0;
    for (i, (label, decode)) in paths.iter().enumerate() {
        assert_eq!(decode(), 1_000, "{label}");
        let start = Instant::now();
        for _ in 0..calls {
            std::hint::black_box(decode());
        }
        let ms = start.elapsed().as_secs_f64() * 1e3 / calls as f64;
        if i == 0 {
            first = ms;
        }
        println!("| {label} | {ms:.3} | {} |", ratio(ms, first));
    }
    println!();
}

// ---------------------------------------------------------------------------------------------
// 4. Memory while streaming

/// `portico-bench stream N`: streams N Sendo messages, 100 per page, and prints what it took.
fn stream_child(total: u64) -> ExitCode {
    let server = Server::start(Routes {
        message_total: Some(total),
        ..Routes::default()
    });
    let rt = runtime();
    let client = portico_sendo::Client::builder()
        .api_key("sendo_bench")
        .base_url(&server.url)
        .rate_limits([])
        .build()
        .expect("sendo client");
    let before = status_kib("VmHWM");
    let start = Instant::now();
    let (count, bytes) = rt.block_on(async {
        let mut stream = client
            .list_messages()
            .campaign("CK7Q2M9X")
            .stream_with_page_size(100);
        let (mut count, mut bytes) = (0u64, 0usize);
        while let Some(message) = stream.next().await {
            let message = message.expect("a message");
            count += 1;
            bytes += message.body.as_deref().map_or(0, str::len);
        }
        (count, bytes)
    });
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(count, total, "every message streamed");
    println!(
        "items={count} secs={secs:.6} hwm_before_kib={before} hwm_kib={} rss_kib={} body_bytes={bytes}",
        status_kib("VmHWM"),
        status_kib("VmRSS"),
    );
    ExitCode::SUCCESS
}

/// A `/proc/self/status` figure, in KiB.
fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn memory() {
    let exe = std::env::current_exe().expect("own path");
    println!("## 4. Memory: streaming Sendo messages through pagination\n");
    println!(
        "`client.list_messages().stream_with_page_size(100)` over N messages that the server \
         makes page by page from `skip`/`limit` (~0.5 KiB each); each N in a child process \
         (`portico-bench stream N`), which reads its own peak RSS (`VmHWM`) at the end. \
         \"before\" is the peak after the server and client were made, before the first page.\n"
    );
    println!("| messages | pages | peak RSS before KiB | peak RSS KiB | items/s |");
    println!("|---:|---:|---:|---:|---:|");
    for total in [1_000u64, 10_000, 100_000] {
        let output = std::process::Command::new(&exe)
            .args(["stream", &total.to_string()])
            .output()
            .expect("child");
        let text = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            println!(
                "| {total} | failed: {} | | | |",
                String::from_utf8_lossy(&output.stderr).trim()
            );
            continue;
        }
        let field = |name: &str| -> f64 {
            text.split_whitespace()
                .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
                .and_then(|v| v.parse().ok())
                .unwrap_or(f64::NAN)
        };
        println!(
            "| {total} | {} | {:.0} | {:.0} | {:.0} |",
            total / 100 + 1,
            field("hwm_before_kib"),
            field("hwm_kib"),
            field("items") / field("secs"),
        );
    }
    println!();
}

// ---------------------------------------------------------------------------------------------
// Instructions per call, under callgrind

/// A callgrind run's client-thread total and its inclusive cost per function.
struct Callgrind {
    total: u64,
    functions: HashMap<String, u64>,
}

fn callgrind(dir: &std::path::Path, sender: &str, calls: usize) -> Result<Callgrind, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let prefix = format!("{sender}-{calls}");
    let status = std::process::Command::new("valgrind")
        .args([
            "--tool=callgrind",
            "--separate-threads=yes",
            &format!("--callgrind-out-file={}/{prefix}.%p", dir.display()),
        ])
        .arg(&exe)
        .args(["profile", sender, &calls.to_string()])
        .output()
        .map_err(|e| format!("valgrind: {e} (is valgrind installed?)"))?;
    if !status.status.success() {
        return Err(String::from_utf8_lossy(&status.stderr).into_owned());
    }
    // Thread 1 is the main thread: the client and its runtime.
    let file = std::fs::read_dir(dir)
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&format!("{prefix}.")) && n.ends_with("-01"))
        })
        .ok_or("no callgrind output for the main thread")?;
    let text = std::fs::read_to_string(&file).map_err(|e| e.to_string())?;
    let total = text
        .lines()
        .find_map(|l| l.strip_prefix("summary: "))
        .and_then(|v| v.trim().parse().ok())
        .ok_or("no summary line")?;
    let annotated = std::process::Command::new("callgrind_annotate")
        .args(["--inclusive=yes", "--threshold=100"])
        .arg(&file)
        .output()
        .map_err(|e| format!("callgrind_annotate: {e}"))?;
    let mut functions = HashMap::new();
    for line in String::from_utf8_lossy(&annotated.stdout).lines() {
        let line = line.trim_start();
        let Some((count, rest)) = line.split_once(' ') else {
            continue;
        };
        let Ok(count) = count.replace(',', "").parse::<u64>() else {
            continue;
        };
        let Some((_, name)) = rest.split_once(")  ") else {
            continue;
        };
        let name = name.strip_prefix("???:").unwrap_or(name);
        let name = name.rsplit_once(" [").map_or(name, |(n, _)| n);
        functions.entry(name.to_string()).or_insert(count);
    }
    Ok(Callgrind { total, functions })
}

/// `portico-bench instructions`: user-space instructions per call on the client's thread,
/// counted by callgrind (independent of the machine's load), and where Portico's go.
fn instructions() -> ExitCode {
    let dir = std::env::temp_dir().join("portico-bench-callgrind");
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("{}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    let senders = [
        ("floor", Sender::Floor),
        ("portico", Sender::Portico),
        ("resend-rs", Sender::ResendRs),
        ("floor-timeout", Sender::FloorTimeout),
        ("floor-like-portico", Sender::FloorLikePortico),
        ("floor-retry-ready", Sender::FloorRetryReady),
        ("portico-own-key", Sender::PorticoOwnKey),
        ("portico-no-retry", Sender::PorticoNoRetry),
    ];
    let (small, large) = (500usize, 2_500usize);
    let per_call = |a: u64, b: u64| (b.saturating_sub(a)) as f64 / (large - small) as f64;
    let mut runs: HashMap<&str, (Callgrind, Callgrind)> = HashMap::new();
    for (name, _) in senders {
        eprintln!("callgrind: {name}");
        match (callgrind(&dir, name, small), callgrind(&dir, name, large)) {
            (Ok(a), Ok(b)) => {
                runs.insert(name, (a, b));
            }
            (Err(e), _) | (_, Err(e)) => {
                eprintln!("{name}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!("## Instructions per call (callgrind)\n");
    println!(
        "User-space instructions on the client's thread (the calls and reqwest/hyper's \
         connection task, which run there), per `POST /emails`: the difference between a run \
         of {large} and one of {small} calls, divided by {}, so that start-up is left out. \
         Callgrind counts instructions, not time: the figure does not move with the machine's \
         load. Kernel work (the socket calls) is not in it.\n",
        large - small
    );
    println!("| client | instructions/call | vs floor |");
    println!("|---|---:|---:|");
    let floor = {
        let (a, b) = &runs["floor"];
        per_call(a.total, b.total)
    };
    for (name, sender) in senders {
        let (a, b) = &runs[name];
        let n = per_call(a.total, b.total);
        println!("| {} | {n:.0} | {} |", sender.name(), ratio(n, floor));
    }
    println!();
    let parts: [(&str, &str); 14] = [
        (
            "the whole call (excluding the connection task)",
            "portico_bench::Clients::send::{{closure}}",
        ),
        (
            "hyper's connection task (spawned, same thread)",
            "tokio::runtime::task::harness::Harness<T,S>::poll",
        ),
        (
            "reqwest: the request future (`Pending::poll`)",
            "<reqwest::async_impl::client::Pending as core::future::future::Future>::poll",
        ),
        (
            "URL parsing (`url::ParseOptions::parse`)",
            "url::ParseOptions::parse",
        ),
        (
            "generated `SendEmail::body_map` (typify's builder)",
            "portico_resend::api::builder::SendEmail::body_map",
        ),
        (
            "generated `SendEmail::send`: arguments checked, body serialized, request made",
            "portico_resend::api::builder::SendEmail::send",
        ),
        (
            "portico `transport::json_body`: the body serialized once for every attempt",
            "portico::transport::json_body",
        ),
        (
            "portico `transport::fixed_endpoint`: the operation's URL, made once per client",
            "portico::transport::fixed_endpoint",
        ),
        (
            "portico `transport::call`: credential, User-Agent, idempotency key, span",
            "portico::transport::call",
        ),
        (
            "portico `transport::prepare` (in `call`): credential, User-Agent, key",
            "portico::transport::prepare",
        ),
        (
            "portico `retry::idempotency_key` (in `prepare`): a fresh UUID v4",
            "portico::retry::idempotency_key",
        ),
        (
            "portico `Provider::find` (in `call`): the operation at its place",
            "portico::provider::Provider::find",
        ),
        (
            "portico `transport::attempt`: reqwest's future, the whole reply read",
            "portico::transport::attempt",
        ),
        (
            "memcpy (moves of large futures, buffers)",
            "__memcpy_avx_unaligned_erms",
        ),
    ];
    println!(
        "Where they go, inclusive instructions per call of single functions (a function's callees are in its figure; rows overlap):\n"
    );
    println!("| part | floor | portico-resend | resend-rs |");
    println!("|---|---:|---:|---:|");
    for (label, symbol) in parts {
        let cell = |name: &str| -> String {
            let (a, b) = &runs[name];
            let find = |c: &Callgrind| {
                c.functions
                    .iter()
                    .filter(|(k, _)| k.ends_with(symbol))
                    .map(|(_, v)| *v)
                    .max()
                    .unwrap_or(0)
            };
            let n = per_call(find(a), find(b));
            if n < 0.5 {
                "–".into()
            } else {
                format!("{n:.0}")
            }
        };
        println!(
            "| {label} | {} | {} | {} |",
            cell("floor"),
            cell("portico"),
            cell("resend-rs")
        );
    }
    println!();
    ExitCode::SUCCESS
}
