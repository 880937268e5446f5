//! What the runtime knows about one provider. Each generated crate holds one [`Provider`], written
//! by `cargo xtask generate` from its spec (`servers`, `securitySchemes` and the `x-portico-*`
//! extensions), so that no provider-specific branch lives in this crate.

use crate::error::ErrorKind;

/// A provider as its spec describes it. Generated; users read it through `Client::PROVIDER`-style
/// constants of each provider crate.
///
/// ```
/// # let provider = portico::Provider::EXAMPLE;
/// assert!(provider.default_base_url.starts_with("https://"));
/// ```
#[derive(Debug)]
pub struct Provider {
    /// Short name, as in the crate name `portico-<name>` (e.g. `resend`).
    pub name: &'static str,
    /// Version of the generated crate, sent in the User-Agent.
    pub crate_version: &'static str,
    /// The spec's first `servers` entry.
    pub default_base_url: &'static str,
    /// The environment variable that `Client::from_env` reads.
    pub env_var: &'static str,
    /// How the credential is sent.
    pub auth: Auth,
    /// Where the provider puts its error code and message in an error body.
    pub error_format: ErrorFormat,
    /// Response headers that carry the provider's request id, in order of preference.
    pub request_id_headers: &'static [&'static str],
    /// Every operation of the spec, sorted by operation id.
    pub operations: &'static [Operation],
}

impl Provider {
    /// A made-up provider for documentation examples.
    #[doc(hidden)]
    pub const EXAMPLE: &'static Provider = &Provider {
        name: "example",
        crate_version: "0.0.0",
        default_base_url: "https://api.example.com",
        env_var: "EXAMPLE_API_KEY",
        auth: Auth::Bearer,
        error_format: ErrorFormat {
            code: &[],
            message: &[],
            kinds: &[],
        },
        request_id_headers: &[],
        operations: &[],
    };

    /// Looks an operation up by its spec `operationId`.
    pub fn operation(&self, id: &str) -> Option<&'static Operation> {
        self.operations
            .binary_search_by(|op| op.id.cmp(id))
            .ok()
            .map(|i| &self.operations[i])
    }
}

/// How a provider takes its credential, from the spec's `securitySchemes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Auth {
    /// `Authorization: Bearer <key>` (`type: http, scheme: bearer`).
    Bearer,
    /// The key as the whole value of a header (`type: apiKey, in: header`).
    Header(&'static str),
}

/// Where to find the code and message in a provider's JSON error body (`x-portico-error`).
#[derive(Debug)]
pub struct ErrorFormat {
    /// Path of object keys to the error code, e.g. `["name"]`. Empty: no code.
    pub code: &'static [&'static str],
    /// Path of object keys to the human-readable message.
    pub message: &'static [&'static str],
    /// Provider codes whose kind is not what the HTTP status alone says.
    pub kinds: &'static [(&'static str, ErrorKind)],
}

/// One operation of a spec, as far as the runtime needs it.
#[derive(Debug)]
pub struct Operation {
    /// The spec's `operationId`.
    pub id: &'static str,
    /// HTTP method, upper case.
    pub method: &'static str,
}
