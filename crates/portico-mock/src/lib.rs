//! A mock server for every Portico provider, driven by its spec, on loopback.
//!
//! [`MockServer::start`] serves one of the specs in `specs/` (or any spec with an
//! `x-portico.mock` block, with [`MockServer::from_spec`]): every operation is routed,
//! credentials are checked the way the provider checks them, parameters and JSON bodies are
//! checked against the spec's schemas, and the reply is the spec's example in the provider's
//! envelope, or the provider's own error reply. Rate limits (the provider's documented ones,
//! with its 429) are on request, and so are faults ([`MockServer::inject`], [`FAULT_HEADER`]).
//! Tests need no network and no API key; `cargo xtask mock <provider>` runs one from the shell.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use portico_mock::{Fault, MockServer, Provider};
//!
//! let server = MockServer::start(Provider::Tatango).await?;
//! server.inject(Fault::json(503, r#"{"message": "Service Unavailable"}"#, false));
//! let reply = reqwest::Client::new()
//!     .post(format!("{}/transactional_messages/send_sms", server.url()))
//!     .header("x-api-key", "tatango_key_demo")
//!     .send()
//!     .await?;
//! assert_eq!(reply.status(), 503);
//! # Ok(())
//! # }
//! ```
//!
//! [`FaultServer`] is the other server here: it answers by a script of faults and counts what it
//! acted on, for retry tests.

pub mod fault;
mod http;
mod schema;
mod server;
mod spec;

pub use fault::{Fault, FaultServer, Recorded};
pub use server::{Builder, FAULT_HEADER, MockServer, StartError};
pub use spec::SpecError;

/// A provider whose spec is built in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provider {
    /// Resend (email), `specs/resend.yaml`.
    Resend,
    /// Tatango (SMS), `specs/tatango.yaml`.
    Tatango,
    /// Sendo (messaging), `specs/sendo.yaml`.
    Sendo,
    /// Nango v1 (unified CRM), `specs/nango.yaml`.
    Nango,
    /// TagoIO (IoT), `specs/tago.yaml`.
    Tago,
}

impl Provider {
    /// Every built-in provider.
    pub const ALL: [Provider; 5] = [
        Provider::Resend,
        Provider::Tatango,
        Provider::Sendo,
        Provider::Nango,
        Provider::Tago,
    ];

    /// The provider's name, as in its spec's `x-portico.provider` and its crate's name.
    pub fn name(self) -> &'static str {
        match self {
            Provider::Resend => "resend",
            Provider::Tatango => "tatango",
            Provider::Sendo => "sendo",
            Provider::Nango => "nango",
            Provider::Tago => "tago",
        }
    }

    /// The spec's file name in `specs/`.
    pub fn file(self) -> &'static str {
        match self {
            Provider::Resend => "resend.yaml",
            Provider::Tatango => "tatango.yaml",
            Provider::Sendo => "sendo.yaml",
            Provider::Nango => "nango.yaml",
            Provider::Tago => "tago.yaml",
        }
    }

    /// The spec's text, built into this crate.
    pub fn spec(self) -> &'static str {
        match self {
            Provider::Resend => include_str!("../../../specs/resend.yaml"),
            Provider::Tatango => include_str!("../../../specs/tatango.yaml"),
            Provider::Sendo => include_str!("../../../specs/sendo.yaml"),
            Provider::Nango => include_str!("../../../specs/nango.yaml"),
            Provider::Tago => include_str!("../../../specs/tago.yaml"),
        }
    }
}

impl std::str::FromStr for Provider {
    type Err = String;

    /// A provider by its [`name`](Provider::name).
    fn from_str(name: &str) -> Result<Provider, String> {
        Provider::ALL
            .into_iter()
            .find(|p| p.name() == name)
            .ok_or_else(|| {
                let names: Vec<&str> = Provider::ALL.iter().map(|p| p.name()).collect();
                format!("no provider {name:?}; one of {}", names.join(", "))
            })
    }
}
