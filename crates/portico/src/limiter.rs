//! The client-side rate limiter: every attempt of every call waits here for a slot, so that a
//! client stays under its provider's documented limits instead of collecting 429s.
//!
//! Each window of the provider's `x-portico.rate-limits` ("5 requests per second", "10,000 per
//! day") keeps its last `requests` requests; a new one may go when the oldest of them is one
//! window old. That holds the limit over *every* window, as a provider that counts a sliding
//! window sees it (and so also over fixed windows), while still allowing the documented burst.
//!
//! A request is dated by when its attempt *ended* (its reply arrived or it failed), not by when
//! it was sent: the server saw it at some moment in between, so the end is a safe bound however
//! long the connection took. A new request that needs the slot of one still in flight waits for
//! it to end. Windows are also stretched by [`GUARD`].
//!
//! When the server answers 429 anyway (another process shares the key, or the limits changed),
//! the limiter slows down: windows stretch by [`SLOWDOWN`] each time, up to [`MAX_SLOWDOWN`], and
//! every caller pauses for the server's hint if it gave one. Each success then takes a tenth of
//! the stretch back.
//!
//! Waiters take turns in arrival order, and the time recorded is the time the wait ended, so
//! the limit holds under any number of concurrent callers.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::clock::Clock;
use crate::provider::RateLimitRule;

/// How much longer than documented each window is taken to be (2%).
pub const GUARD: f64 = 1.02;
/// How much a 429 stretches the windows.
pub const SLOWDOWN: f64 = 2.0;
/// The most the windows are stretched.
pub const MAX_SLOWDOWN: f64 = 16.0;

/// A rate limiter shared by a client and its clones.
#[derive(Debug)]
pub(crate) struct Limiter {
    /// Held while a caller waits for its slot: callers are served in arrival order.
    turn: tokio::sync::Mutex<()>,
    state: Mutex<State>,
    /// Signalled when a request in flight ends.
    ended: tokio::sync::Notify,
}

/// A taken slot. Dropping it (when the attempt ends, however it ends) dates the request.
pub(crate) struct Permit<'a> {
    limiter: &'a Limiter,
    clock: &'a dyn Clock,
    id: u64,
    /// How long the caller waited for the slot.
    pub(crate) waited: Duration,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.limiter.end(self.id, self.clock.now());
    }
}

#[derive(Debug)]
struct State {
    windows: Vec<Window>,
    /// ≥ 1: how much the windows are stretched after 429s.
    slowdown: f64,
    /// No send before this (a 429's hint).
    paused_until: Option<Instant>,
    next_id: u64,
}

#[derive(Debug)]
struct Window {
    requests: usize,
    length: Duration,
    /// The last `requests` requests, oldest first.
    sent: VecDeque<Sent>,
}

#[derive(Debug, Clone, Copy)]
struct Sent {
    id: u64,
    /// When the attempt ended; until then, when it was sent.
    at: Instant,
    ended: bool,
}

/// When the next request may go.
enum Ready {
    Now,
    At(Instant),
    /// After a request in flight ends (and perhaps later).
    AfterInFlight,
}

impl Limiter {
    /// A limiter for `rules`; `None` when there are none (no limit).
    pub(crate) fn new(rules: &[RateLimitRule]) -> Option<Limiter> {
        let windows: Vec<Window> = rules
            .iter()
            .filter(|r| r.requests > 0 && r.per_seconds > 0)
            .map(|r| Window {
                requests: r.requests as usize,
                length: Duration::from_secs(u64::from(r.per_seconds)),
                sent: VecDeque::new(),
            })
            .collect();
        (!windows.is_empty()).then(|| Limiter {
            turn: tokio::sync::Mutex::new(()),
            state: Mutex::new(State {
                windows,
                slowdown: 1.0,
                paused_until: None,
                next_id: 0,
            }),
            ended: tokio::sync::Notify::new(),
        })
    }

    /// Waits for a slot and takes it. If the slot is later than `deadline`, takes nothing and
    /// returns `Err` with the wait it would have needed (or the time left, if that depends on a
    /// request still in flight).
    pub(crate) async fn acquire<'a>(
        &'a self,
        clock: &'a dyn Clock,
        deadline: Instant,
    ) -> Result<Permit<'a>, Duration> {
        let start = clock.now();
        let _turn = self.turn.lock().await;
        loop {
            // Registered before looking, so that an end in between is not missed.
            let ended = self.ended.notified();
            futures_util::pin_mut!(ended);
            ended.as_mut().enable();
            let now = clock.now();
            let ready = {
                let mut state = self.lock();
                match state.ready_at(now) {
                    Ready::Now => {
                        let id = state.record(now);
                        return Ok(Permit {
                            limiter: self,
                            clock,
                            id,
                            waited: now - start,
                        });
                    }
                    other => other,
                }
            };
            match ready {
                Ready::At(at) if at > deadline => return Err(at - start),
                Ready::At(at) => clock.sleep(at - now).await,
                _ if now >= deadline => return Err(now - start),
                _ => {
                    // Real time, even under a manual clock: the request in flight ends when its
                    // reply arrives, which no clock of ours decides.
                    if tokio::time::timeout(deadline - now, ended).await.is_err() {
                        return Err(deadline - start);
                    }
                }
            }
        }
    }

    /// A request's attempt ended at `now`: date it, and wake whoever waits on it.
    fn end(&self, id: u64, now: Instant) {
        {
            let mut state = self.lock();
            for window in &mut state.windows {
                if let Ok(i) = window.sent.binary_search_by_key(&id, |s| s.id) {
                    window.sent[i].at = now;
                    window.sent[i].ended = true;
                }
            }
        }
        self.ended.notify_waiters();
    }

    /// The server answered 429: slow down, and if it said how long to wait, pause every caller.
    pub(crate) fn throttled(&self, now: Instant, hint: Option<Duration>) {
        let mut state = self.lock();
        state.slowdown = (state.slowdown * SLOWDOWN).min(MAX_SLOWDOWN);
        if let Some(hint) = hint {
            let until = now + hint;
            state.paused_until = Some(state.paused_until.map_or(until, |p| p.max(until)));
        }
    }

    /// A request went through: take a tenth of the slowdown back.
    pub(crate) fn succeeded(&self) {
        let mut state = self.lock();
        if state.slowdown > 1.0 {
            state.slowdown = 1.0 + (state.slowdown - 1.0) * 0.9;
            if state.slowdown < 1.01 {
                state.slowdown = 1.0;
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state stays consistent at every step, so a panic elsewhere leaves it usable.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl State {
    fn ready_at(&self, now: Instant) -> Ready {
        let stretch = GUARD * self.slowdown;
        let mut ready = self.paused_until.filter(|p| *p > now);
        for window in &self.windows {
            if window.sent.len() >= window.requests {
                let oldest = window.sent[window.sent.len() - window.requests];
                if !oldest.ended {
                    return Ready::AfterInFlight;
                }
                let at = oldest.at + window.length.mul_f64(stretch);
                ready = Some(ready.map_or(at, |r| r.max(at)));
            }
        }
        match ready {
            Some(at) if at > now => Ready::At(at),
            _ => Ready::Now,
        }
    }

    fn record(&mut self, now: Instant) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        for window in &mut self.windows {
            window.sent.push_back(Sent {
                id,
                at: now,
                ended: false,
            });
            while window.sent.len() > window.requests {
                window.sent.pop_front();
            }
        }
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    fn rule(requests: u32, per_seconds: u32) -> RateLimitRule {
        RateLimitRule {
            requests,
            per_seconds,
            scope: "test",
        }
    }

    /// Send times (from the start) of `n` requests, one after the other.
    fn schedule(limiter: &Limiter, clock: &ManualClock, n: usize) -> Vec<Duration> {
        let start = clock.now();
        let far = start + Duration::from_secs(1_000_000);
        (0..n)
            .map(|_| {
                let permit = futures_util::FutureExt::now_or_never(limiter.acquire(clock, far))
                    .expect("a manual clock never really waits")
                    .expect("within the deadline");
                // The attempt ends at once.
                drop(permit);
                clock.now() - start
            })
            .collect()
    }

    fn max_in_any_window(times: &[Duration], window: Duration) -> usize {
        times
            .iter()
            .map(|&t| times.iter().filter(|&&u| u >= t && u < t + window).count())
            .max()
            .unwrap_or(0)
    }

    #[tokio::test]
    async fn bursts_then_holds_the_documented_rate() {
        let clock = ManualClock::new();
        let limiter = Limiter::new(&[rule(5, 1)]).unwrap();
        let times = schedule(&limiter, &clock, 20);
        assert!(times[..5].iter().all(|t| t.is_zero()), "{times:?}");
        assert_eq!(max_in_any_window(&times, Duration::from_secs(1)), 5);
        // 15 more after the burst, in 3 windows of 1.02 s.
        assert_eq!(times[19], Duration::from_secs(1).mul_f64(3.0 * GUARD));
    }

    #[tokio::test]
    async fn every_window_holds() {
        let clock = ManualClock::new();
        let limiter = Limiter::new(&[rule(10, 1), rule(25, 10)]).unwrap();
        let times = schedule(&limiter, &clock, 60);
        assert_eq!(max_in_any_window(&times, Duration::from_secs(1)), 10);
        assert_eq!(max_in_any_window(&times, Duration::from_secs(10)), 25);
    }

    #[tokio::test]
    async fn a_slot_past_the_deadline_is_refused_and_not_taken() {
        let clock = ManualClock::new();
        let limiter = Limiter::new(&[rule(1, 60)]).unwrap();
        let now = clock.now();
        let first = limiter.acquire(&clock, now).await.unwrap();
        assert_eq!(first.waited, Duration::ZERO);
        drop(first);
        let refused = limiter.acquire(&clock, now + Duration::from_secs(5)).await;
        let needed = refused.err().unwrap();
        assert!(needed > Duration::from_secs(60), "{needed:?}");
        assert!(clock.sleeps().is_empty(), "refusing must not wait");
    }

    #[tokio::test]
    async fn a_429_pauses_slows_down_and_recovers() {
        let clock = ManualClock::new();
        let limiter = Limiter::new(&[rule(100, 1)]).unwrap();
        limiter.throttled(clock.now(), Some(Duration::from_secs(3)));
        let times = schedule(&limiter, &clock, 1);
        assert_eq!(times[0], Duration::from_secs(3));
        assert_eq!(limiter.lock().slowdown, SLOWDOWN);
        for _ in 0..100 {
            limiter.succeeded();
        }
        assert_eq!(limiter.lock().slowdown, 1.0);
        for _ in 0..10 {
            limiter.throttled(clock.now(), None);
        }
        assert_eq!(limiter.lock().slowdown, MAX_SLOWDOWN);
    }

    #[tokio::test]
    async fn a_slot_held_by_a_request_in_flight_waits_for_its_end() {
        let clock = ManualClock::new();
        let limiter = Limiter::new(&[rule(1, 1)]).unwrap();
        let far = clock.now() + Duration::from_secs(100);
        let in_flight = limiter.acquire(&clock, far).await.unwrap();
        // The next request cannot be dated before the first one ends.
        let mut next = Box::pin(limiter.acquire(&clock, far));
        assert!(futures_util::FutureExt::now_or_never(next.as_mut()).is_none());
        clock.advance(Duration::from_millis(300)); // the reply takes 300 ms
        drop(in_flight);
        let permit = next.await.unwrap();
        // One window after the first request *ended*.
        assert_eq!(
            permit.waited,
            Duration::from_millis(300) + Duration::from_secs(1).mul_f64(GUARD)
        );
    }

    #[test]
    fn no_rules_no_limiter() {
        assert!(Limiter::new(&[]).is_none());
        assert!(Limiter::new(&[rule(0, 1)]).is_none());
    }
}
