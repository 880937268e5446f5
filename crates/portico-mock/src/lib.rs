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

#![warn(missing_docs)]

pub mod fault;
mod http;
mod schema;
mod server;
mod spec;

pub use fault::{Fault, FaultServer, Recorded};
pub use server::{Builder, FAULT_HEADER, MockServer, StartError};
pub use spec::SpecError;

include!(concat!(env!("OUT_DIR"), "/providers.rs"));

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
