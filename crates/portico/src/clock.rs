//! Time for retries and rate limits, behind a trait so that tests can replace it.
//!
//! Every wait in the runtime (a retry's backoff, a rate-limit slot) goes through the client's
//! [`Clock`]: an async sleep, never a blocking one. Tests give the client a [`ManualClock`], whose
//! sleeps return at once and are recorded, so that they can check each wait without waiting.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A future returned by [`Clock::sleep`].
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send>>;

/// The time source of a client: what "now" is and how to wait.
///
/// The default, [`TokioClock`], reads tokio's clock and sleeps with `tokio::time::sleep`.
/// Replace it with [`ClientBuilder::clock`](crate::ClientBuilder::clock), usually with a
/// [`ManualClock`] in tests.
pub trait Clock: Send + Sync + fmt::Debug + 'static {
    /// The current instant.
    fn now(&self) -> Instant;
    /// Waits `duration` without blocking the executor.
    fn sleep(&self, duration: Duration) -> Sleep;
}

/// tokio's clock (so `tokio::time::pause` applies to it too); the default.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioClock;

impl Clock for TokioClock {
    fn now(&self) -> Instant {
        tokio::time::Instant::now().into_std()
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// A clock for tests: `sleep` returns at once and moves this clock forward by the duration, and
/// every sleep is recorded. Clones share the same time and record.
///
/// ```
/// use std::time::Duration;
/// use portico::clock::{Clock, ManualClock};
///
/// # tokio_test_block_on(async {
/// let clock = ManualClock::new();
/// let start = clock.now();
/// clock.sleep(Duration::from_millis(250)).await;
/// assert_eq!(clock.now() - start, Duration::from_millis(250));
/// assert_eq!(clock.sleeps(), vec![Duration::from_millis(250)]);
/// # });
/// # fn tokio_test_block_on(f: impl std::future::Future<Output = ()>) {
/// #     futures_util::FutureExt::now_or_never(f).unwrap()
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<Manual>>);

#[derive(Debug)]
struct Manual {
    now: Instant,
    sleeps: Vec<Duration>,
}

impl ManualClock {
    /// A clock that starts at the real current instant and then moves only when slept on or
    /// advanced.
    pub fn new() -> ManualClock {
        ManualClock(Arc::new(Mutex::new(Manual {
            now: Instant::now(),
            sleeps: Vec::new(),
        })))
    }

    /// Every duration slept so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.lock().sleeps.clone()
    }

    /// Moves the clock forward without recording a sleep (time passing elsewhere).
    pub fn advance(&self, duration: Duration) {
        self.lock().now += duration;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Manual> {
        // A test that panicked while holding the lock has failed already; keep the data.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        ManualClock::new()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        self.lock().now
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        let mut manual = self.lock();
        manual.now += duration;
        manual.sleeps.push(duration);
        Box::pin(std::future::ready(()))
    }
}
