//! What the runtime knows about one provider. Each generated crate holds one [`Provider`], written
//! by `cargo xtask generate` from its spec (`servers`, `securitySchemes` and the `x-portico-*`
//! extensions), so that no provider-specific branch lives in this crate.

use crate::error::{ErrorKind, RateLimit};

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
    /// A second credential that names the end user (`x-portico.user-credential`), if any.
    pub user_credential: Option<UserCredential>,
    /// How every body is wrapped (`x-portico.envelope`), if it is.
    pub envelope: Option<Envelope>,
    /// How array query parameters are written (`x-portico.query-arrays`).
    pub query_arrays: QueryArrays,
    /// The plans that per-route rate limits name (`x-portico-rate-limits` on operations), the
    /// default first.
    pub plans: &'static [&'static str],
    /// Where the provider puts its error code and message in an error body.
    pub error_format: ErrorFormat,
    /// Response headers that carry the provider's request id, in order of preference.
    pub request_id_headers: &'static [&'static str],
    /// The provider's documented rate limits (`x-portico.rate-limits`), every window.
    pub rate_limits: &'static [RateLimitRule],
    /// How the provider's rate-limit reset header counts (`x-portico.rate-limit-reset`).
    pub rate_limit_reset: ResetFormat,
    /// Every operation of the spec, sorted by operation id.
    pub operations: &'static [Operation],
}

impl Provider {
    /// A made-up provider for documentation examples.
    #[doc(hidden)]
    pub const EXAMPLE: &'static Provider = &Provider::EXAMPLE_VALUE;

    /// [`Provider::EXAMPLE`] as a value, to build other made-up providers from.
    #[doc(hidden)]
    pub const EXAMPLE_VALUE: Provider = Provider {
        name: "example",
        crate_version: "0.0.0",
        default_base_url: "https://api.example.com",
        env_var: "EXAMPLE_API_KEY",
        auth: Auth::Bearer,
        user_credential: None,
        envelope: None,
        query_arrays: QueryArrays::Repeat,
        plans: &[],
        error_format: ErrorFormat {
            code: &[],
            message: &[],
            kinds: &[],
            statuses: &[],
        },
        request_id_headers: &[],
        rate_limits: &[],
        rate_limit_reset: ResetFormat::DeltaSeconds,
        operations: &[],
    };

    /// Looks an operation up by its spec `operationId`.
    pub fn operation(&self, id: &str) -> Option<&'static Operation> {
        self.position(id).map(|i| &self.operations[i])
    }

    fn position(&self, id: &str) -> Option<usize> {
        self.operations.binary_search_by(|op| op.id.cmp(id)).ok()
    }

    /// The operation `operation` names, with its place in [`Provider::operations`]: read at the
    /// place it gives when the id there matches (generated code), looked up by id otherwise.
    ///
    /// ```
    /// use portico::provider::OperationRef;
    /// # let provider = portico::Provider::EXAMPLE;
    /// // `provider` is any generated crate's `PROVIDER`.
    /// assert!(provider.find(OperationRef::named("no_such_operation")).is_none());
    /// ```
    pub fn find(&self, operation: OperationRef) -> Option<(usize, &'static Operation)> {
        let operations = self.operations;
        match operations.get(operation.index) {
            Some(op) if op.id == operation.id => Some((operation.index, op)),
            _ => self.position(operation.id).map(|i| (i, &operations[i])),
        }
    }

    /// The rate-limit headers of a reply, with the reset read the way this provider sends it.
    /// `None` when the reply has none.
    ///
    /// ```
    /// let mut headers = http::HeaderMap::new();
    /// headers.insert("x-ratelimit-remaining", "19".parse().unwrap());
    /// let limits = portico::Provider::EXAMPLE.rate_limit(&headers).unwrap();
    /// assert_eq!(limits.remaining, Some(19));
    /// ```
    pub fn rate_limit(&self, headers: &http::HeaderMap) -> Option<RateLimit> {
        RateLimit::from_headers(headers, self.rate_limit_reset)
    }
}

/// One documented rate-limit window: `requests` per `per_seconds`, counted per `scope`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitRule {
    /// Requests allowed in one window.
    pub requests: u32,
    /// The window's length in seconds.
    pub per_seconds: u32,
    /// What the provider counts against, as its docs say (`team`, `api-key`, ...).
    pub scope: &'static str,
}

/// How a provider's `ratelimit-reset` / `x-ratelimit-reset` header counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResetFormat {
    /// Seconds until the window resets (the IETF draft; Resend).
    DeltaSeconds,
    /// The Unix time at which the window resets, in seconds (a value too large for seconds is
    /// read as milliseconds).
    UnixSeconds,
}

/// The end user's credential, sent beside the API key (Nango's `X-User-Account`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserCredential {
    /// The header it goes in, lower case.
    pub header: &'static str,
    /// The environment variable `Client::from_env` reads it from (optional there).
    pub env_var: &'static str,
}

/// A provider that wraps every body: `{<status>: <ok>, <result>: …}` on success, and anything
/// else in `status` is an error, whatever the HTTP status says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Envelope {
    /// The field that says whether the call succeeded.
    pub status: &'static str,
    /// Its value on success.
    pub ok: EnvelopeOk,
    /// The field holding the payload.
    pub result: &'static str,
}

/// The value of an envelope's status field on success.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvelopeOk {
    /// A string such as `"ok"` (Nango).
    Text(&'static str),
    /// `true` (TagoIO).
    Bool(bool),
}

impl EnvelopeOk {
    pub(crate) fn matches(self, value: &serde_json::Value) -> bool {
        match self {
            EnvelopeOk::Text(text) => value.as_str() == Some(text),
            EnvelopeOk::Bool(flag) => value.as_bool() == Some(flag),
        }
    }
}

/// How array query parameters go on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryArrays {
    /// `ids=a&ids=b`.
    Repeat,
    /// `ids[]=a&ids[]=b` (TagoIO).
    Brackets,
}

/// A rate limit of one route, by plan: `requests` per `per_seconds` for the plan in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteLimit {
    /// The window's length in seconds.
    pub per_seconds: u32,
    /// What the provider counts against (`profile`, ...).
    pub scope: &'static str,
    /// Requests per window, by plan name.
    pub plans: &'static [(&'static str, u32)],
}

/// How one operation's reply relates to the provider's [`Envelope`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvelopeMode {
    /// The method returns the envelope's result (the usual case).
    Unwrap,
    /// The method returns the whole body (its status is still checked): for pages whose cursor
    /// sits beside the result.
    Whole,
    /// Unwrapped if the body is an envelope, taken as it is if not (replies that the provider
    /// documents both ways).
    Optional,
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
    /// Paths of object keys to the human-readable message; the first one present wins.
    pub message: &'static [&'static [&'static str]],
    /// Provider codes whose kind is not what the HTTP status alone says.
    pub kinds: &'static [(&'static str, ErrorKind)],
    /// HTTP statuses whose kind, for this provider, is not [`ErrorKind::from_status`]'s (e.g. a
    /// 403 that means "bad API key"). A code listed in `kinds` wins over these.
    pub statuses: &'static [(u16, ErrorKind)],
}

impl ErrorFormat {
    /// The kind of an error reply with this status and provider code.
    ///
    /// ```
    /// use portico::{ErrorFormat, ErrorKind};
    /// let format = ErrorFormat { code: &["name"], message: &[&["message"]],
    ///     kinds: &[("quota", ErrorKind::QuotaExceeded)], statuses: &[(403, ErrorKind::Auth)] };
    /// assert_eq!(format.kind(403, None), ErrorKind::Auth);
    /// assert_eq!(format.kind(429, Some("quota")), ErrorKind::QuotaExceeded);
    /// assert_eq!(format.kind(404, None), ErrorKind::NotFound);
    /// ```
    pub fn kind(&self, status: u16, code: Option<&str>) -> ErrorKind {
        if let Some((_, kind)) = code.and_then(|code| self.kinds.iter().find(|(c, _)| *c == code)) {
            return *kind;
        }
        match self.statuses.iter().find(|(s, _)| *s == status) {
            Some((_, kind)) => *kind,
            None => ErrorKind::from_status(status),
        }
    }
}

/// How generated code names one of its provider's operations: its place in
/// [`Provider::operations`], known when the crate was generated, and its `operationId`. The
/// place saves a lookup on every call; the id is checked against it, so a wrong place costs that
/// lookup, never the wrong operation.
///
/// ```
/// use portico::provider::OperationRef;
/// let send = OperationRef { index: 57, id: "send_email" };
/// assert_eq!(OperationRef::named("send_email").id, send.id);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationRef {
    /// Its place in [`Provider::operations`] (the table is sorted by id).
    pub index: usize,
    /// The spec's `operationId`.
    pub id: &'static str,
}

impl OperationRef {
    /// An operation known by its id alone; it is looked up on each use.
    pub const fn named(id: &'static str) -> OperationRef {
        OperationRef {
            index: usize::MAX,
            id,
        }
    }
}

/// One operation of a spec, as far as the runtime needs it.
#[derive(Debug)]
pub struct Operation {
    /// The spec's `operationId`.
    pub id: &'static str,
    /// HTTP method, upper case.
    pub method: &'static str,
    /// The header carrying the operation's idempotency key (lower case), if it takes one
    /// (`x-portico-idempotency-key` on the parameter). The runtime generates a key per call when
    /// the caller sets none, and the call becomes safe to retry.
    pub idempotency_header: Option<&'static str>,
    /// How its reply relates to the provider's [`Envelope`] (ignored without one).
    pub envelope: EnvelopeMode,
    /// Whether it sends the provider's [`UserCredential`].
    pub user_credential: bool,
    /// Whether it takes no credential at all (`security: []`: sign-up, log-in); the client's
    /// credential is then not sent.
    pub anonymous: bool,
    /// Its array query parameters (written as [`Provider::query_arrays`] says).
    pub array_query: &'static [&'static str],
    /// Its own rate limit, on top of the provider's, if it has one.
    pub rate_limit: Option<RouteLimit>,
}
