//! One error type for every provider.
//!
//! Every failure of a generated method converts into [`Error`] with `?`. The runtime
//! ([`crate::transport::call`]) sees each reply before it is decoded, so it classifies failures
//! there and returns a [`WireError`] in the generated method's error; the conversion below only
//! unpacks it.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::provider::ResetFormat;
use crate::transport::CallStats;

/// The longest body excerpt an error keeps, in bytes.
pub const BODY_EXCERPT_LIMIT: usize = 512;

/// What went wrong, in terms a caller can act on.
///
/// ```
/// # fn handle(err: portico::Error) {
/// match err.kind() {
///     portico::ErrorKind::RateLimited => { /* slow down, see err.retry_after() */ }
///     portico::ErrorKind::Auth => { /* check the API key */ }
///     _ => {}
/// }
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// An argument was rejected before anything was sent.
    InvalidArgument,
    /// The credential is missing, unknown or revoked (usually 401, sometimes 403).
    Auth,
    /// The credential is valid but may not do this (usually 403).
    Permission,
    /// The resource or endpoint does not exist (404).
    NotFound,
    /// The server rejected the request as malformed (400, 405, 422, other 4xx).
    InvalidRequest,
    /// The request conflicts with the resource's state or an idempotency key (409).
    Conflict,
    /// Too many requests; see [`Error::retry_after`] (429).
    RateLimited,
    /// A daily or monthly quota is used up; waiting a second will not help.
    QuotaExceeded,
    /// The server failed (5xx).
    Server,
    /// No reply in time.
    Timeout,
    /// The connection could not be made or broke off.
    Connection,
    /// A reply came but could not be read as the documented type.
    Decode,
}

impl ErrorKind {
    /// The kind an HTTP error status implies when the body says nothing more specific.
    pub fn from_status(status: u16) -> ErrorKind {
        match status {
            401 => ErrorKind::Auth,
            403 => ErrorKind::Permission,
            404 => ErrorKind::NotFound,
            408 => ErrorKind::Timeout,
            409 => ErrorKind::Conflict,
            429 => ErrorKind::RateLimited,
            500..=599 => ErrorKind::Server,
            _ => ErrorKind::InvalidRequest,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidArgument => "invalid argument",
            ErrorKind::Auth => "authentication failed",
            ErrorKind::Permission => "permission denied",
            ErrorKind::NotFound => "not found",
            ErrorKind::InvalidRequest => "invalid request",
            ErrorKind::Conflict => "conflict",
            ErrorKind::RateLimited => "rate limited",
            ErrorKind::QuotaExceeded => "quota exceeded",
            ErrorKind::Server => "server error",
            ErrorKind::Timeout => "timed out",
            ErrorKind::Connection => "connection failed",
            ErrorKind::Decode => "unreadable reply",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Rate-limit headers of a reply (`ratelimit-*` or `x-ratelimit-*`), on successes and errors.
///
/// Read them from an error with [`Error::rate_limit`], and from a successful reply with the
/// provider crate's `rate_limit(reply.headers())`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RateLimit {
    /// Requests allowed in the window.
    pub limit: Option<u64>,
    /// Requests left in the window.
    pub remaining: Option<u64>,
    /// The reset value exactly as sent.
    pub reset: Option<String>,
    /// How long until the window resets, read from `reset` the way the provider counts it
    /// (seconds to wait, or a Unix time); zero when that time has passed.
    pub reset_after: Option<Duration>,
}

impl RateLimit {
    /// Reads `ratelimit-*`, then `x-ratelimit-*`, with the reset counted as `format` says.
    /// `None` when the reply has neither.
    ///
    /// ```
    /// use portico::{RateLimit, provider::ResetFormat};
    /// let mut headers = http::HeaderMap::new();
    /// headers.insert("ratelimit-limit", "5".parse().unwrap());
    /// headers.insert("ratelimit-reset", "2".parse().unwrap());
    /// let limits = RateLimit::from_headers(&headers, ResetFormat::DeltaSeconds).unwrap();
    /// assert_eq!(limits.limit, Some(5));
    /// assert_eq!(limits.reset_after, Some(std::time::Duration::from_secs(2)));
    /// ```
    pub fn from_headers(headers: &http::HeaderMap, format: ResetFormat) -> Option<RateLimit> {
        let get = |name: &str| {
            [name.to_string(), format!("x-{name}")]
                .iter()
                .find_map(|n| headers.get(n.as_str()))
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .map(str::to_string)
        };
        let limit = get("ratelimit-limit").and_then(|v| v.parse().ok());
        let remaining = get("ratelimit-remaining").and_then(|v| v.parse().ok());
        let reset = get("ratelimit-reset");
        let reset_after = reset.as_deref().and_then(|v| reset_after(v, format));
        (limit.is_some() || remaining.is_some() || reset.is_some()).then_some(RateLimit {
            limit,
            remaining,
            reset,
            reset_after,
        })
    }
}

fn reset_after(value: &str, format: ResetFormat) -> Option<Duration> {
    let number: f64 = value.parse().ok()?;
    if !number.is_finite() || number < 0.0 {
        return None;
    }
    match format {
        ResetFormat::DeltaSeconds => Some(Duration::from_secs_f64(number)),
        ResetFormat::UnixSeconds => {
            // Seconds since 1970 stay below 10^11 until the year 5138; larger values are
            // milliseconds.
            let seconds = if number >= 1e11 {
                number / 1000.0
            } else {
                number
            };
            let at = std::time::UNIX_EPOCH + Duration::from_secs_f64(seconds);
            Some(
                at.duration_since(std::time::SystemTime::now())
                    .unwrap_or_default(),
            )
        }
    }
}

/// The error of every Portico SDK call.
///
/// Its `Display` is one line with what you need to act: provider, HTTP status, the provider's
/// error code and message, and the request id to quote to support. Secrets never appear in it.
///
/// ```
/// fn report(result: Result<(), portico::Error>) {
///     match result {
///         Ok(()) => {}
///         Err(err) if err.kind() == portico::ErrorKind::NotFound => println!("gone: {err}"),
///         Err(err) => eprintln!("{err} (status {:?}, code {:?})", err.status(), err.code()),
///     }
/// }
/// ```
pub struct Error {
    data: Box<WireError>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

/// The failure as the runtime returns it from a generated method, in place of the provider's
/// error body.
///
/// You do not build or read this yourself: convert the generated method's error into [`Error`] with
/// `?` (or `Error::from`). It is public only because it appears in generated signatures.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WireError {
    pub(crate) kind: ErrorKind,
    pub(crate) provider: Option<String>,
    /// The real HTTP status, `None` when no reply was received.
    pub(crate) status: Option<u16>,
    pub(crate) code: Option<String>,
    pub(crate) message: String,
    pub(crate) request_id: Option<String>,
    pub(crate) retry_after_ms: Option<u64>,
    pub(crate) rate_limit: Option<RateLimit>,
    pub(crate) body_excerpt: Option<String>,
    /// Attempts and waits of the call.
    #[serde(default)]
    pub(crate) stats: CallStats,
    /// Set when no attempt reached the server (a refused connection, no rate-limit slot).
    #[serde(default)]
    pub(crate) not_sent: bool,
}

impl WireError {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> WireError {
        WireError {
            kind,
            provider: None,
            status: None,
            code: None,
            message: message.into(),
            request_id: None,
            retry_after_ms: None,
            rate_limit: None,
            body_excerpt: None,
            stats: CallStats::default(),
            not_sent: false,
        }
    }
}

impl Error {
    pub(crate) fn from_wire(data: WireError) -> Error {
        Error {
            data: Box::new(data),
            source: None,
        }
    }

    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error::from_wire(WireError::new(kind, message))
    }

    /// An argument rejected before anything was sent ([`ErrorKind::InvalidArgument`]).
    ///
    /// ```
    /// let err = portico::Error::invalid_argument("subject: longer than 40 characters");
    /// assert!(!err.was_sent());
    /// ```
    pub fn invalid_argument(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::InvalidArgument, message)
    }

    pub(crate) fn set_body_excerpt(&mut self, excerpt: String) {
        self.data.body_excerpt = Some(excerpt);
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.data.kind
    }

    /// The provider's short name (`resend`, ...), when the failure came from a call.
    pub fn provider(&self) -> Option<&str> {
        self.data.provider.as_deref()
    }

    /// The HTTP status of the reply; `None` if no reply was received (or it was not kept).
    pub fn status(&self) -> Option<http::StatusCode> {
        self.data
            .status
            .and_then(|s| http::StatusCode::from_u16(s).ok())
    }

    /// The provider's error code, e.g. Resend's `validation_error`.
    pub fn code(&self) -> Option<&str> {
        self.data.code.as_deref()
    }

    /// The provider's message, or a description of the failure.
    pub fn message(&self) -> &str {
        &self.data.message
    }

    /// The provider's request id for this reply, to quote to its support.
    pub fn request_id(&self) -> Option<&str> {
        self.data.request_id.as_deref()
    }

    /// How long the server asked to wait (`Retry-After` and equivalents).
    pub fn retry_after(&self) -> Option<Duration> {
        self.data.retry_after_ms.map(Duration::from_millis)
    }

    /// The reply's rate-limit headers, if it had any.
    pub fn rate_limit(&self) -> Option<&RateLimit> {
        self.data.rate_limit.as_ref()
    }

    /// The start of the reply body (at most [`BODY_EXCERPT_LIMIT`] bytes), for diagnosis.
    pub fn body_excerpt(&self) -> Option<&str> {
        self.data.body_excerpt.as_deref()
    }

    /// Attempts made and time waited by the call (all zero when it failed before sending).
    pub fn stats(&self) -> CallStats {
        self.data.stats
    }

    /// Whether the request may have reached the server. `false` means it certainly did not: an
    /// argument was rejected, the connection could not be opened, or no rate-limit slot came in
    /// time.
    pub fn was_sent(&self) -> bool {
        self.data.kind != ErrorKind::InvalidArgument && !self.data.not_sent
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &*self.data;
        if let Some(provider) = &d.provider {
            write!(f, "{provider}: ")?;
        }
        write!(f, "{}", d.kind)?;
        if let Some(status) = self.status() {
            write!(f, " (HTTP {}", status.as_u16())?;
            if let Some(code) = &d.code {
                write!(f, ", {code}")?;
            }
            f.write_str(")")?;
        } else if let Some(code) = &d.code {
            write!(f, " ({code})")?;
        }
        if !d.message.is_empty() {
            write!(f, ": {}", one_line(&d.message))?;
        }
        if let Some(id) = &d.request_id {
            write!(f, " [request id {id}]")?;
        }
        if d.stats.attempts > 1 {
            write!(f, " after {} attempts", d.stats.attempts)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &*self.data;
        let mut s = f.debug_struct("Error");
        s.field("kind", &d.kind)
            .field("provider", &d.provider)
            .field("status", &d.status)
            .field("code", &d.code)
            .field("message", &d.message)
            .field("request_id", &d.request_id);
        if let Some(ms) = d.retry_after_ms {
            s.field("retry_after", &Duration::from_millis(ms));
        }
        if let Some(rl) = &d.rate_limit {
            s.field("rate_limit", rl);
        }
        if let Some(body) = &d.body_excerpt {
            s.field("body_excerpt", body);
        }
        if d.stats.attempts > 0 {
            s.field("stats", &d.stats);
        }
        if d.not_sent {
            s.field("not_sent", &true);
        }
        s.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl From<reqwest::Error> for Error {
    fn from(e: reqwest::Error) -> Error {
        Error::from(progenitor_client::Error::<WireError>::CommunicationError(e))
    }
}

/// Every generated method's error converts with `?`.
impl From<progenitor_client::Error<WireError>> for Error {
    fn from(err: progenitor_client::Error<WireError>) -> Error {
        use progenitor_client::Error as E;
        match err {
            E::ErrorResponse(reply) => Error::from_wire(reply.into_inner()),
            // A builder argument was missing or invalid: nothing was sent.
            E::InvalidRequest(message) => Error::new(ErrorKind::InvalidArgument, message),
            E::Custom(message) => Error::new(ErrorKind::InvalidArgument, message),
            // The runtime reports transport failures as `ErrorResponse`, so these are rare; keep
            // what reqwest says (its text names the URL, never a header).
            E::CommunicationError(e) | E::InvalidUpgrade(e) | E::ResponseBodyError(e) => {
                let kind = if e.is_timeout() {
                    ErrorKind::Timeout
                } else {
                    ErrorKind::Connection
                };
                let mut error = Error::new(kind, e.to_string());
                error.data.status = e.status().map(|s| s.as_u16());
                error.source = Some(Box::new(e));
                error
            }
            // Generated code decodes through `transport::decode`, which reports bad bodies as
            // `ErrorResponse`; this is only reached by code that bypasses it.
            E::InvalidResponsePayload(body, e) => {
                let mut error = Error::new(
                    ErrorKind::Decode,
                    format!("reply does not match the documented type: {e}"),
                );
                error.data.body_excerpt = Some(excerpt(&body));
                error.source = Some(Box::new(e));
                error
            }
            E::UnexpectedResponse(reply) => {
                let status = reply.status().as_u16();
                let mut error =
                    Error::new(ErrorKind::from_status(status), "undocumented reply status");
                error.data.status = Some(status);
                error.data.rate_limit =
                    RateLimit::from_headers(reply.headers(), ResetFormat::DeltaSeconds);
                error
            }
        }
    }
}

/// At most [`BODY_EXCERPT_LIMIT`] bytes of `body`, cut on a character boundary, lossy UTF-8.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let mut end = body.len().min(BODY_EXCERPT_LIMIT);
    let text = loop {
        match std::str::from_utf8(&body[..end]) {
            Ok(text) => break text.to_string(),
            // Cut inside a character: back off to its start (at most 3 bytes).
            Err(e) if e.error_len().is_none() => end = e.valid_up_to(),
            Err(_) => break String::from_utf8_lossy(&body[..end]).into_owned(),
        }
    };
    if body.len() > end {
        format!("{text}…")
    } else {
        text
    }
}

fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains(['\n', '\r']) {
        text.split_whitespace().collect::<Vec<_>>().join(" ").into()
    } else {
        text.into()
    }
}
