//! When a failed attempt is tried again, and after how long.
//!
//! # The rule: never a duplicate send
//!
//! Messages and emails cost money and reach people, so a request is repeated only when repeating
//! it cannot do the thing twice:
//!
//! - A `GET`, `HEAD`, `OPTIONS`, `PUT` or `DELETE`, or a request that carries an idempotency key
//!   (Resend's `Idempotency-Key`: Portico generates one per call unless you set your own, and
//!   sends the same key on every attempt), is retried on a connection failure, a timeout, a broken
//!   reply, and HTTP 408, 425, 429, 500, 502, 503 and 504.
//! - Any other `POST` or `PATCH` is retried only when the failure proves the server did not act
//!   on it: the connection could not be opened (nothing was sent), or HTTP 429 (refused before
//!   processing). A 500, a timeout or a connection that broke after sending is returned to you,
//!   because the message may have gone out.
//! - A quota that is used up (for example Resend's `daily_quota_exceeded`) is never retried.
//!
//! # Waits
//!
//! The wait before retry *n* is drawn uniformly from zero to `initial_backoff · 2ⁿ⁻¹`, capped at
//! `max_backoff` ("full jitter", so that many clients do not retry in step). When the server says
//! how long to wait (`Retry-After` in seconds or as an HTTP date, or on a 429 the provider's
//! `ratelimit-reset` / `X-RateLimit-Reset`), that wait is used instead; a hint longer than
//! `max_backoff`, or one that would end past the call's total timeout, returns the error at once
//! with the hint in [`Error::retry_after`](crate::Error::retry_after).
//!
//! # Budget
//!
//! Each client (with its clones) holds a retry budget of [`RETRY_BUDGET`] tokens. A retry costs
//! [`RETRY_COST`] ([`TIMEOUT_RETRY_COST`] after a timeout); a call that succeeds at its first
//! attempt puts one token back. When the budget is empty, failures are returned without retrying,
//! so that an outage does not multiply the traffic sent to it.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use crate::error::ErrorKind;

/// Tokens in a new client's retry budget.
pub const RETRY_BUDGET: u32 = 500;
/// Tokens one retry takes from the budget.
pub const RETRY_COST: u32 = 5;
/// Tokens a retry after a timeout takes: a server that times out is more likely overloaded.
pub const TIMEOUT_RETRY_COST: u32 = 10;

/// How many times a failed attempt is retried and how long to wait in between.
///
/// The default: 2 retries (3 attempts at most), waits starting at 0.5 s, capped at 8 s. Set it
/// for a client with [`ClientBuilder::retry`](crate::ClientBuilder::retry), or for some calls with
/// the provider client's `with_options`.
///
/// ```
/// use std::time::Duration;
/// use portico::RetryPolicy;
///
/// let patient = RetryPolicy::default()
///     .max_retries(5)
///     .initial_backoff(Duration::from_secs(1))
///     .max_backoff(Duration::from_secs(30));
/// assert_eq!(patient.max_retries, 5);
/// assert_eq!(RetryPolicy::none().max_retries, 0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// The upper bound of the first wait.
    pub initial_backoff: Duration,
    /// The longest wait, and the longest server hint that is waited for.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
        }
    }
}

impl RetryPolicy {
    /// No retries: every call makes one attempt.
    pub fn none() -> RetryPolicy {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// Sets the number of retries after the first attempt.
    pub fn max_retries(mut self, retries: u32) -> RetryPolicy {
        self.max_retries = retries;
        self
    }

    /// Sets the upper bound of the first wait; each later one doubles it.
    pub fn initial_backoff(mut self, wait: Duration) -> RetryPolicy {
        self.initial_backoff = wait;
        self
    }

    /// Sets the longest wait, and the longest server hint that is waited for.
    pub fn max_backoff(mut self, wait: Duration) -> RetryPolicy {
        self.max_backoff = wait;
        self
    }

    /// The wait before retry `retry` (1 for the first) when the server gave no hint: uniform in
    /// `[0, min(max_backoff, initial_backoff · 2^(retry-1))]`. `unit` is a random number in [0, 1).
    pub(crate) fn backoff(&self, retry: u32, unit: f64) -> Duration {
        let doubling = 2f64.powi(retry.saturating_sub(1).min(62) as i32);
        let ceiling =
            (self.initial_backoff.as_secs_f64() * doubling).min(self.max_backoff.as_secs_f64());
        Duration::from_secs_f64(ceiling * unit.clamp(0.0, 1.0))
    }
}

/// Why an attempt failed, as far as retrying goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The connection could not be opened: nothing was sent.
    NotConnected,
    /// Sent, then no usable reply: the connection broke, the body was cut, or time ran out.
    Transport { timeout: bool },
    /// The server answered with an error status.
    Status { status: u16, kind: ErrorKind },
}

impl Failure {
    /// Whether this failure may be retried. `repeatable`: the request is safe to send again
    /// (an idempotent method, or an idempotency key).
    pub(crate) fn retryable(self, repeatable: bool) -> bool {
        match self {
            Failure::NotConnected => true,
            Failure::Transport { .. } => repeatable,
            Failure::Status {
                kind: ErrorKind::QuotaExceeded,
                ..
            } => false,
            // A 429 is refused before it is processed: safe to repeat whatever the method.
            Failure::Status { status: 429, .. } => true,
            Failure::Status {
                status: 408 | 425 | 500 | 502 | 503 | 504,
                ..
            } => repeatable,
            Failure::Status { .. } => false,
        }
    }

    /// What a retry after this failure takes from the budget.
    pub(crate) fn cost(self) -> u32 {
        match self {
            Failure::Transport { timeout: true } => TIMEOUT_RETRY_COST,
            _ => RETRY_COST,
        }
    }
}

/// Whether sending `method` twice has the same effect as sending it once (RFC 9110 §9.2.2).
pub(crate) fn idempotent_method(method: &http::Method) -> bool {
    matches!(
        *method,
        http::Method::GET
            | http::Method::HEAD
            | http::Method::OPTIONS
            | http::Method::PUT
            | http::Method::DELETE
            | http::Method::TRACE
    )
}

/// A client's retry budget: a token bucket shared by the client and its clones.
#[derive(Debug)]
pub(crate) struct Budget(AtomicU32);

impl Budget {
    pub(crate) fn new() -> Budget {
        Budget(AtomicU32::new(RETRY_BUDGET))
    }

    /// Takes `cost` tokens; `false` (taking nothing) when there are not enough.
    pub(crate) fn try_spend(&self, cost: u32) -> bool {
        self.0
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |left| {
                left.checked_sub(cost)
            })
            .is_ok()
    }

    /// A first attempt succeeded: one token back, up to the full budget.
    pub(crate) fn refund(&self) {
        let _ = self
            .0
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |left| {
                (left < RETRY_BUDGET).then_some(left + 1)
            });
    }
}

/// 64 unpredictable bits for jitter and idempotency keys. Each `RandomState` carries keys drawn
/// from the operating system's generator (and advanced per instance), so hashing a counter with
/// it gives distinct, unguessable values without another dependency.
pub(crate) fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.finish()
}

/// A random number in [0, 1).
pub(crate) fn random_unit() -> f64 {
    (random_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// A new idempotency key: a random UUID (version 4), 36 characters. Written by hand rather
/// than with `format!`: it is made on every keyed call.
pub(crate) fn idempotency_key() -> http::HeaderValue {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    // Where each byte's two digits go in 8-4-4-4-12: the dashes sit between.
    const AT: [usize; 16] = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
    let (hi, lo) = (random_u64(), random_u64());
    let hi = (hi & !0xf000) | 0x4000; // version 4
    let lo = (lo & !(0b11 << 62)) | (0b10 << 62); // RFC 4122 variant
    let bytes = ((u128::from(hi) << 64) | u128::from(lo)).to_be_bytes();
    let mut text = [b'-'; 36];
    for (byte, at) in bytes.into_iter().zip(AT) {
        text[at] = HEX[usize::from(byte >> 4)];
        text[at + 1] = HEX[usize::from(byte & 0xf)];
    }
    // Owned by the `Bytes` it is in from the start: the copies that go out with each attempt
    // share it, where a copied buffer would be moved to a shared one on the first copy.
    http::HeaderValue::from_maybe_shared(bytes::Bytes::from_owner(text))
        .unwrap_or(http::HeaderValue::from_static(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.backoff(1, 1.0), Duration::from_millis(500));
        assert_eq!(policy.backoff(2, 1.0), Duration::from_secs(1));
        assert_eq!(policy.backoff(5, 1.0), Duration::from_secs(8));
        assert_eq!(policy.backoff(6, 1.0), Duration::from_secs(8));
        assert_eq!(policy.backoff(200, 1.0), Duration::from_secs(8));
        assert_eq!(policy.backoff(3, 0.0), Duration::ZERO);
        assert_eq!(policy.backoff(3, 0.5), Duration::from_secs(1));
    }

    #[test]
    fn what_is_retried() {
        let status = |status| Failure::Status {
            status,
            kind: ErrorKind::from_status(status),
        };
        for repeatable in [true, false] {
            assert!(Failure::NotConnected.retryable(repeatable));
            assert!(status(429).retryable(repeatable));
            assert!(!status(400).retryable(repeatable));
            assert!(!status(404).retryable(repeatable));
            assert!(!status(501).retryable(repeatable));
            let quota = Failure::Status {
                status: 429,
                kind: ErrorKind::QuotaExceeded,
            };
            assert!(!quota.retryable(repeatable));
        }
        for s in [408, 425, 500, 502, 503, 504] {
            assert!(status(s).retryable(true), "{s}");
            assert!(!status(s).retryable(false), "{s}");
        }
        assert!(Failure::Transport { timeout: true }.retryable(true));
        assert!(!Failure::Transport { timeout: false }.retryable(false));
    }

    #[test]
    fn budget_runs_out_and_refills() {
        let budget = Budget::new();
        let retries = (0..1000)
            .take_while(|_| budget.try_spend(RETRY_COST))
            .count();
        assert_eq!(retries as u32, RETRY_BUDGET / RETRY_COST);
        for _ in 0..RETRY_COST {
            budget.refund();
        }
        assert!(budget.try_spend(RETRY_COST));
        assert!(!budget.try_spend(RETRY_COST));
        let full = Budget::new();
        full.refund();
        assert_eq!(full.0.load(Ordering::Relaxed), RETRY_BUDGET);
    }

    #[test]
    fn idempotency_keys_are_distinct_uuids() {
        let keys: std::collections::HashSet<String> = (0..1000)
            .map(|_| idempotency_key().to_str().unwrap().to_string())
            .collect();
        assert_eq!(keys.len(), 1000);
        for key in keys.iter().take(20) {
            assert_eq!(key.len(), 36, "{key}");
            assert_eq!(&key[14..15], "4", "{key}");
            assert!("89ab".contains(&key[19..20]), "{key}");
            let dashes = [8, 13, 18, 23];
            assert!(
                key.char_indices().all(|(at, c)| if dashes.contains(&at) {
                    c == '-'
                } else {
                    c.is_ascii_digit() || ('a'..='f').contains(&c)
                }),
                "{key}"
            );
        }
        let unit = random_unit();
        assert!((0.0..1.0).contains(&unit));
    }
}
