//! # Portico runtime
//!
//! The hand-written crate behind every generated Portico SDK (`portico-resend`, ...). Each
//! provider crate is generated from its OpenAPI spec by `cargo xtask generate`; this crate gives
//! all of them the same behaviour:
//!
//! - [`config`]: credentials, base URL, User-Agent, timeouts, call options, and the
//!   [`ClientBuilder`];
//! - [`error`]: one [`Error`] type, with kind, status, provider code and message, request id;
//! - [`transport`]: the call through which every request passes, and [`CallStats`];
//! - [`retry`]: which failures are retried and after how long, so that nothing is sent twice;
//! - client-side rate limits at each provider's documented rate (a private module behind the
//!   builder's [`rate_limits`](ClientBuilder::rate_limits));
//! - [`clock`]: the time source of every wait, replaceable in tests;
//! - envelopes: opening `{status, result}` bodies (a private module behind
//!   [`Provider::envelope`]);
//! - [`pagination`]: paginated lists as `Stream`s;
//! - [`open_enum`](mod@open_enum): enums that keep values they do not know;
//! - [`webhooks`]: typed webhook events and shared-secret checks;
//! - [`provider`]: what a spec says about its provider, as data;
//! - [`tls`]: the TLS backend, chosen by this crate's features.
//!
//! You normally use it through a provider crate, whose `Client` is built by [`ClientBuilder`]
//! and whose errors convert into [`Error`] with `?`.

#![warn(missing_docs)]

pub mod clock;
pub mod config;
mod envelope;
pub mod error;
mod limiter;
pub mod open_enum;
pub mod pagination;
pub mod provider;
pub mod retry;
pub mod tls;
pub mod transport;
pub mod webhooks;

pub use config::{CallOptions, ClientBuilder, Config, ProviderClient, Secret};
pub use error::{Error, ErrorKind, RateLimit, WireError};
pub use provider::{
    Auth, Envelope, EnvelopeMode, EnvelopeOk, ErrorFormat, Operation, OperationRef, Provider,
    QueryArrays, RateLimitRule, ResetFormat, RouteLimit, UserCredential,
};
pub use retry::RetryPolicy;
pub use transport::CallStats;

/// Re-exports for generated code and macros; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use futures_util;
    pub use progenitor_client;
    pub use serde;
    pub use serde_json;
}
