//! Client-side rate limits on the wire: a loopback server enforces a provider's documented
//! limits (every window, counted as a sliding window, the strictest reading) and answers 429
//! past them. Each provider's client, with its defaults, must sustain at least 95% of the
//! allowed rate with no 429, from one caller and from 64 concurrent callers on one client.
//!
//! These tests run in real time (a few seconds each) because the limit is a rate; they assert
//! ratios of rates, never how fast the machine is. `-- --nocapture` prints the sustained rates.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portico::{Provider, RateLimitRule};
use portico_tests::{CANARY_KEY, example};
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Answers `ok` while every window of `rules` has room, 429 otherwise; keeps arrival times.
#[derive(Clone)]
struct Enforcer(Arc<EnforcerState>);

struct EnforcerState {
    rules: Vec<RateLimitRule>,
    ok: ResponseTemplate,
    accepted: Mutex<Vec<Instant>>,
    rejected: AtomicUsize,
}

impl Respond for Enforcer {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let now = Instant::now();
        let mut accepted = self.0.accepted.lock().unwrap();
        let full = self.0.rules.iter().any(|rule| {
            let window = Duration::from_secs(u64::from(rule.per_seconds));
            let recent = accepted
                .iter()
                .rev()
                .take_while(|t| now.duration_since(**t) < window)
                .count();
            recent >= rule.requests as usize
        });
        if full {
            self.0.rejected.fetch_add(1, Ordering::Relaxed);
            return ResponseTemplate::new(429)
                .set_body_json(serde_json::json!({"message": "Too many requests"}));
        }
        accepted.push(now);
        self.0.ok.clone()
    }
}

type Call =
    Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Result<(), portico::Error>> + Send>> + Send + Sync>;

/// Runs `calls` calls from `callers` concurrent tasks against a server enforcing `provider`'s
/// documented limits, and checks the rate the server saw.
async fn sustain(
    provider: &'static Provider,
    ok_status: u16,
    ok_body: Value,
    callers: usize,
    connect: impl FnOnce(String) -> Call,
) {
    let rules = provider.rate_limits.to_vec();
    // The shortest window binds over a run of seconds (Tatango's daily window never fills).
    let fastest = *rules
        .iter()
        .min_by_key(|r| r.per_seconds)
        .expect("the provider documents a rate limit");
    let enforcer = Enforcer(Arc::new(EnforcerState {
        rules: rules.clone(),
        ok: ResponseTemplate::new(ok_status).set_body_json(ok_body),
        accepted: Mutex::new(Vec::new()),
        rejected: AtomicUsize::new(0),
    }));
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(enforcer.clone())
        .mount(&server)
        .await;
    let call = connect(server.uri());

    // A whole number of windows after the first burst, plus one: at least one call per caller.
    let per_window = fastest.requests as usize;
    let windows = (callers.max(2 * per_window) - 1).div_ceil(per_window);
    let total = per_window * windows + 1;
    let tickets = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..callers)
        .map(|_| {
            let (call, tickets) = (call.clone(), tickets.clone());
            tokio::spawn(async move {
                while tickets.fetch_add(1, Ordering::Relaxed) < total {
                    call().await.expect("every call succeeds");
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }

    let accepted = enforcer.0.accepted.lock().unwrap().clone();
    assert_eq!(
        enforcer.0.rejected.load(Ordering::Relaxed),
        0,
        "{}: 429s",
        provider.name
    );
    assert_eq!(accepted.len(), total);
    let elapsed = accepted[total - 1]
        .duration_since(accepted[0])
        .as_secs_f64();
    let rate = (total - 1) as f64 / elapsed;
    let allowed = f64::from(fastest.requests) / f64::from(fastest.per_seconds);
    println!(
        "{}: {callers} caller(s), {total} calls in {elapsed:.2} s: {rate:.2}/s sustained of {allowed}/s allowed ({:.1}%)",
        provider.name,
        100.0 * rate / allowed
    );
    assert!(
        rate >= 0.95 * allowed,
        "{}: sustained {rate:.2}/s, under 95% of {allowed}/s",
        provider.name
    );
    assert!(
        rate <= allowed * 1.001,
        "{}: {rate:.2}/s is over the limit",
        provider.name
    );
}

fn resend(base_url: String) -> Call {
    let client = portico_resend::Client::builder()
        .api_key(CANARY_KEY)
        .base_url(base_url)
        .build()
        .unwrap();
    Arc::new(move || {
        let client = client.clone();
        Box::pin(async move {
            client.get_email().email_id("4ef9a417").send().await?;
            Ok(())
        })
    })
}

fn tatango(base_url: String) -> Call {
    let client = portico_tatango::Client::builder()
        .api_key(CANARY_KEY)
        .base_url(base_url)
        .build()
        .unwrap();
    Arc::new(move || {
        let client = client.clone();
        Box::pin(async move {
            client
                .send_sms()
                .body_map(|b| {
                    b.phone_number("+1 555-123-4567")
                        .webhook_url("https://example.com/hooks")
                        .content("Your code is 482913.")
                })
                .send()
                .await?;
            Ok(())
        })
    })
}

fn sendo(base_url: String) -> Call {
    let client = portico_sendo::Client::builder()
        .api_key(CANARY_KEY)
        .base_url(base_url)
        .build()
        .unwrap();
    Arc::new(move || {
        let client = client.clone();
        Box::pin(async move {
            client.get_message().id("3e8c5a17").send().await?;
            Ok(())
        })
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resend_one_caller() {
    sustain(
        &portico_resend::PROVIDER,
        200,
        example("resend", "get_email"),
        1,
        resend,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resend_64_callers() {
    sustain(
        &portico_resend::PROVIDER,
        200,
        example("resend", "get_email"),
        64,
        resend,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tatango_one_caller() {
    sustain(
        &portico_tatango::PROVIDER,
        202,
        example("tatango", "send_sms"),
        1,
        tatango,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tatango_64_callers() {
    sustain(
        &portico_tatango::PROVIDER,
        202,
        example("tatango", "send_sms"),
        64,
        tatango,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sendo_one_caller() {
    sustain(
        &portico_sendo::PROVIDER,
        200,
        example("sendo", "get_message"),
        1,
        sendo,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sendo_64_callers() {
    sustain(
        &portico_sendo::PROVIDER,
        200,
        example("sendo", "get_message"),
        64,
        sendo,
    )
    .await;
}

fn nango(base_url: String) -> Call {
    let client = portico_nango::Client::builder()
        .api_key(CANARY_KEY)
        .user_token(portico_tests::USER_TOKEN)
        .base_url(base_url)
        .build()
        .unwrap();
    Arc::new(move || {
        let client = client.clone();
        Box::pin(async move {
            client.get_contact().id("3f6a2c1e").send().await?;
            Ok(())
        })
    })
}

fn nango_ok() -> Value {
    serde_json::json!({ "status": "ok", "result": example("nango", "get_contact") })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nango_one_caller() {
    sustain(&portico_nango::PROVIDER, 200, nango_ok(), 1, nango).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nango_64_callers() {
    sustain(&portico_nango::PROVIDER, 200, nango_ok(), 64, nango).await;
}

/// Nango counts per user token: a client and its `for_user` twin each get the full rate, at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nango_limits_each_user_token_separately() {
    let rule = portico_nango::PROVIDER.rate_limits[0];
    let server = MockServer::start().await;
    let mut enforcers = Vec::new();
    let users = [
        portico_tests::USER_TOKEN,
        "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e",
    ];
    for user in users {
        let enforcer = Enforcer(Arc::new(EnforcerState {
            rules: vec![rule],
            ok: ResponseTemplate::new(200).set_body_json(nango_ok()),
            accepted: Mutex::new(Vec::new()),
            rejected: AtomicUsize::new(0),
        }));
        Mock::given(wiremock::matchers::header("x-user-account", user))
            .respond_with(enforcer.clone())
            .mount(&server)
            .await;
        enforcers.push(enforcer);
    }
    let first = portico_nango::Client::builder()
        .api_key(CANARY_KEY)
        .user_token(users[0])
        .base_url(server.uri())
        .build()
        .unwrap();
    let second = first.for_user(users[1]).unwrap();
    let calls = 2 * rule.requests as usize + 1;
    let run = |client: portico_nango::Client| async move {
        for _ in 0..calls {
            client
                .get_contact()
                .id("3f6a2c1e")
                .send()
                .await
                .expect("no 429");
        }
    };
    let started = Instant::now();
    tokio::join!(run(first), run(second));
    let elapsed = started.elapsed().as_secs_f64();
    for (user, enforcer) in users.iter().zip(&enforcers) {
        assert_eq!(
            enforcer.0.rejected.load(Ordering::Relaxed),
            0,
            "{user}: 429s"
        );
        let accepted = enforcer.0.accepted.lock().unwrap().clone();
        assert_eq!(accepted.len(), calls);
        let span = accepted[calls - 1]
            .duration_since(accepted[0])
            .as_secs_f64();
        let rate = (calls - 1) as f64 / span;
        println!(
            "nango, user {user}: {rate:.1}/s sustained of {}/s, both users at once",
            rule.requests
        );
        assert!(
            rate >= 0.95 * f64::from(rule.requests),
            "{user}: {rate:.1}/s"
        );
    }
    // Both users' calls ran side by side, not one after the other.
    assert!(
        elapsed < 2.0 * (calls - 1) as f64 / f64::from(rule.requests),
        "{elapsed:.2} s"
    );
}

#[test]
fn every_provider_documents_its_limits() {
    let per_second = |p: &Provider| {
        p.rate_limits
            .iter()
            .map(|r| (r.requests, r.per_seconds))
            .collect::<Vec<_>>()
    };
    assert_eq!(per_second(&portico_resend::PROVIDER), [(5, 1)]);
    assert_eq!(
        per_second(&portico_tatango::PROVIDER),
        [(10, 1), (10_000, 86_400)]
    );
    assert_eq!(per_second(&portico_sendo::PROVIDER), [(20, 1)]);
    assert_eq!(per_second(&portico_nango::PROVIDER), [(100, 1)]);
}
