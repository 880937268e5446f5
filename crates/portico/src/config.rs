//! Client configuration: credentials, base URL, User-Agent and timeouts, and the builder every
//! provider crate's `Client` uses.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderValue;

use crate::error::{Error, ErrorKind};
use crate::provider::{Auth, Provider};

/// Connect timeout when Portico builds the HTTP client itself.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Per-attempt timeout, from sending the request to the end of the reply body.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// A credential or other secret value (an API key, a webhook's token). Its `Debug` never shows
/// the value, and the header built from an API key is marked sensitive so that HTTP-level logging
/// redacts it too. Specs mark secret fields of replies with `x-portico-secret`; they decode into
/// a `Secret` and serialize back to the plain value.
///
/// ```
/// let key = portico::Secret::new("re_123456789");
/// assert_eq!(format!("{key:?}"), "Secret([REDACTED])");
/// assert_eq!(key.expose(), "re_123456789");
/// let token: portico::Secret = serde_json::from_str("\"whtok_1\"").unwrap();
/// assert_eq!(format!("{token:?}"), "Secret([REDACTED])");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Arc<str>);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(Arc::from(value.into()))
    }

    /// The value itself: for the runtime, and for handing a webhook token to `webhooks::verify`.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret::new)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

/// Implemented by each generated provider crate's `Client`; lets [`ClientBuilder`] build it.
pub trait ProviderClient: Sized {
    /// The provider, from its spec.
    const PROVIDER: &'static Provider;

    /// Assembles the client. Called by [`ClientBuilder::build`] with a validated base URL.
    #[doc(hidden)]
    fn from_parts(base_url: &str, http: reqwest::Client, config: Config) -> Self;
}

/// Everything the runtime needs on each call, shared by a client and its clones. It is the
/// "inner" value of every generated `Client`; its `Debug` shows no secret.
#[derive(Clone)]
pub struct Config(Arc<ConfigInner>);

struct ConfigInner {
    provider: &'static Provider,
    credential: Secret,
    auth_header: (http::HeaderName, HeaderValue),
    user_agent: HeaderValue,
    timeout: Duration,
}

impl Config {
    /// The provider this client talks to.
    pub fn provider(&self) -> &'static Provider {
        self.0.provider
    }

    pub(crate) fn auth_header(&self) -> (&http::HeaderName, &HeaderValue) {
        (&self.0.auth_header.0, &self.0.auth_header.1)
    }

    pub(crate) fn credential(&self) -> &Secret {
        &self.0.credential
    }

    pub(crate) fn user_agent(&self) -> &HeaderValue {
        &self.0.user_agent
    }

    pub(crate) fn timeout(&self) -> Duration {
        self.0.timeout
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("provider", &self.0.provider.name)
            .field("credential", &self.0.credential)
            .field("user_agent", &self.0.user_agent)
            .field("timeout", &self.0.timeout)
            .finish()
    }
}

/// Builds a provider `Client`: credential, base URL, User-Agent suffix, timeouts, and optionally
/// your own `reqwest::Client` (to share a connection pool or set proxies).
///
/// ```
/// # #[derive(Debug)] struct Client;
/// # impl portico::ProviderClient for Client {
/// #     const PROVIDER: &'static portico::Provider = portico::Provider::EXAMPLE;
/// #     fn from_parts(_: &str, _: reqwest::Client, _: portico::Config) -> Self { Client }
/// # }
/// use std::time::Duration;
///
/// let client: Client = portico::ClientBuilder::new()
///     .api_key("key_123")
///     .base_url("http://127.0.0.1:8080")
///     .user_agent_suffix("my-app/1.2")
///     .timeout(Duration::from_secs(20))
///     .build()?;
/// # Ok::<(), portico::Error>(())
/// ```
pub struct ClientBuilder<C> {
    credential: Option<Secret>,
    base_url: Option<String>,
    user_agent_suffix: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
    http: Option<reqwest::Client>,
    client: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("credential", &self.credential)
            .field("base_url", &self.base_url)
            .field("user_agent_suffix", &self.user_agent_suffix)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .finish_non_exhaustive()
    }
}

impl<C: ProviderClient> Default for ClientBuilder<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C: ProviderClient> ClientBuilder<C> {
    /// A builder with the provider's defaults and no credential yet.
    pub fn new() -> Self {
        ClientBuilder {
            credential: None,
            base_url: None,
            user_agent_suffix: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            http: None,
            client: PhantomData,
        }
    }

    /// The API key (or token) sent on every request.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.credential = Some(Secret::new(key));
        self
    }

    /// Reads the API key from the provider's environment variable (e.g. `RESEND_API_KEY`).
    pub fn api_key_from_env(self) -> Result<Self, Error> {
        let var = C::PROVIDER.env_var;
        match std::env::var(var) {
            Ok(key) if !key.trim().is_empty() => Ok(self.api_key(key.trim())),
            _ => Err(Error::new(
                ErrorKind::InvalidArgument,
                format!("environment variable {var} is not set"),
            )),
        }
    }

    /// Overrides the base URL (default: the spec's server). Must be `https`, except for loopback
    /// hosts (`localhost`, `127.0.0.0/8`, `[::1]`), which may use `http` for tests.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Appended to the User-Agent: `portico-<provider>/<version> <suffix>`.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Time allowed for one attempt, from sending to the end of the reply (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time allowed to open a connection (default 10 s). Ignored with [`Self::http_client`]:
    /// configure that client instead.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sends through your `reqwest::Client` (shares its pool, proxy and TLS settings).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<C, Error> {
        let provider = C::PROVIDER;
        let invalid = |message: String| Error::new(ErrorKind::InvalidArgument, message);
        let credential = self.credential.ok_or_else(|| {
            invalid(format!(
                "no API key: call api_key(..) or set {}",
                provider.env_var
            ))
        })?;
        let base_url = validate_base_url(
            self.base_url
                .as_deref()
                .unwrap_or(provider.default_base_url),
        )?;

        let (name, value) = match provider.auth {
            Auth::Bearer => (
                http::header::AUTHORIZATION,
                format!("Bearer {}", credential.expose()),
            ),
            Auth::Header(name) => (
                http::HeaderName::from_static(name),
                credential.expose().to_string(),
            ),
        };
        let mut value = HeaderValue::try_from(value).map_err(|_| {
            invalid("the API key contains characters that cannot be sent in an HTTP header".into())
        })?;
        value.set_sensitive(true);

        let mut user_agent = format!("portico-{}/{}", provider.name, provider.crate_version);
        if let Some(suffix) = &self.user_agent_suffix {
            user_agent = format!("{user_agent} {suffix}");
        }
        let user_agent = HeaderValue::try_from(user_agent).map_err(|_| {
            invalid("the User-Agent suffix contains characters not allowed in a header".into())
        })?;

        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .build()
                .map_err(|e| invalid(format!("could not build the HTTP client: {e}")))?,
        };
        let config = Config(Arc::new(ConfigInner {
            provider,
            credential,
            auth_header: (name, value),
            user_agent,
            timeout: self.timeout,
        }));
        Ok(C::from_parts(&base_url, http, config))
    }
}

/// `https` anywhere, `http` only on loopback; no query or fragment; no trailing slash (the
/// generated code appends paths to it as text).
fn validate_base_url(raw: &str) -> Result<String, Error> {
    let invalid = |why: &str| {
        Error::new(
            ErrorKind::InvalidArgument,
            format!("invalid base URL {raw:?}: {why}"),
        )
    };
    let url = reqwest::Url::parse(raw).map_err(|e| invalid(&e.to_string()))?;
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => return Err(invalid("no host")),
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(invalid(
                "https is required (plain http is allowed only for loopback hosts)",
            ));
        }
        other => return Err(invalid(&format!("unsupported scheme {other:?}"))),
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("a base URL cannot carry a query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("credentials do not belong in the base URL"));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::validate_base_url;

    #[test]
    fn base_urls() {
        assert_eq!(
            validate_base_url("https://api.resend.com").unwrap(),
            "https://api.resend.com"
        );
        assert_eq!(
            validate_base_url("https://api.nango.dev/v1/").unwrap(),
            "https://api.nango.dev/v1"
        );
        assert_eq!(
            validate_base_url("http://127.0.0.1:9/").unwrap(),
            "http://127.0.0.1:9"
        );
        assert_eq!(
            validate_base_url("http://localhost:8080").unwrap(),
            "http://localhost:8080"
        );
        assert_eq!(
            validate_base_url("http://[::1]:8080").unwrap(),
            "http://[::1]:8080"
        );
        for bad in [
            "http://api.resend.com",
            "ftp://127.0.0.1",
            "not a url",
            "https://api.resend.com/?x=1",
            "https://user:pw@api.resend.com",
            "http://127.0.0.1.example.com",
        ] {
            let err = validate_base_url(bad).unwrap_err();
            assert_eq!(err.kind(), crate::ErrorKind::InvalidArgument, "{bad}");
            assert!(err.to_string().contains("invalid base URL"), "{err}");
        }
    }
}
