//! Client configuration: credentials, base URL, User-Agent, retries, rate limits and timeouts,
//! and the builder every provider crate's `Client` uses.

use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use http::HeaderValue;

use crate::clock::{Clock, TokioClock};
use crate::error::{Error, ErrorKind};
use crate::limiter::Limiter;
use crate::provider::{Auth, Provider, RateLimitRule};
use crate::retry::{Budget, RetryPolicy};

/// Connect timeout when Portico builds the HTTP client itself.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Per-attempt timeout, from sending the request to the end of the reply body.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Time allowed for a whole call: every attempt, every wait between them and every wait for a
/// rate-limit slot.
pub const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(120);

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

impl From<&str> for Secret {
    fn from(value: &str) -> Secret {
        Secret::new(value)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Secret {
        Secret::new(value)
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

/// The settings of each call: retries and timeouts. A client has defaults (set on its
/// [`ClientBuilder`]); the provider client's `with_options` changes them for some calls.
///
/// ```
/// use std::time::Duration;
/// use portico::{CallOptions, RetryPolicy};
///
/// let options = CallOptions::default()
///     .retry(RetryPolicy::none())
///     .timeout(Duration::from_secs(5))
///     .total_timeout(Duration::from_secs(5));
/// assert_eq!(options.retry.max_retries, 0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallOptions {
    /// When and how often failed attempts are retried.
    pub retry: RetryPolicy,
    /// Time allowed for one attempt, from sending to the end of the reply.
    pub timeout: Duration,
    /// Time allowed for the whole call, retries and waits included.
    pub total_timeout: Duration,
}

impl Default for CallOptions {
    fn default() -> Self {
        CallOptions {
            retry: RetryPolicy::default(),
            timeout: DEFAULT_TIMEOUT,
            total_timeout: DEFAULT_TOTAL_TIMEOUT,
        }
    }
}

impl CallOptions {
    /// Sets the retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> CallOptions {
        self.retry = retry;
        self
    }

    /// Sets the time allowed for one attempt.
    pub fn timeout(mut self, timeout: Duration) -> CallOptions {
        self.timeout = timeout;
        self
    }

    /// Sets the time allowed for the whole call, retries and waits included.
    pub fn total_timeout(mut self, timeout: Duration) -> CallOptions {
        self.total_timeout = timeout;
        self
    }
}

/// Everything the runtime needs on each call. It is the "inner" value of every generated
/// `Client`: clones (and clients made by `with_options`) share the credential, the rate limiter
/// and the retry budget. Its `Debug` shows no secret.
#[derive(Clone)]
pub struct Config {
    shared: Arc<Shared>,
    options: CallOptions,
}

struct Shared {
    provider: &'static Provider,
    /// The validated base URL, parsed once: each call's URL is this with its path set, instead of
    /// a whole URL parsed from text (see [`crate::transport::endpoint`]).
    base_url: reqwest::Url,
    /// `None` only for providers with operations that need no credential (`security: []`).
    credential: Option<Secret>,
    auth_header: Option<(http::HeaderName, HeaderValue)>,
    /// The end user's credential header, for providers that have one and a client that set it.
    user_header: Option<(http::HeaderName, HeaderValue)>,
    user_agent: HeaderValue,
    rate_limits: Vec<RateLimitRule>,
    limiter: Option<Limiter>,
    /// The plan whose per-route limits apply, if any route has one.
    plan: Option<&'static str>,
    /// Per-route limiters, by operation id (sorted).
    route_limiters: Vec<(&'static str, Limiter)>,
    budget: Budget,
    clock: Arc<dyn Clock>,
    /// The operations' idempotency headers, parsed once (each call would otherwise parse and
    /// allocate its header name).
    idempotency_headers: Vec<(&'static str, http::HeaderName)>,
    /// The whole URL of each operation whose path has no parameters, by its place in
    /// [`Provider::operations`], made on its first call: later calls clone it instead of setting
    /// the path on the base (see [`crate::transport::fixed_endpoint`]). Shared with the clients
    /// [`Config::for_user`] derives, which have the same base URL.
    fixed_urls: Arc<[OnceLock<reqwest::Url>]>,
}

/// One empty cell per operation of `provider`.
fn fixed_urls(provider: &Provider) -> Arc<[OnceLock<reqwest::Url>]> {
    provider
        .operations
        .iter()
        .map(|_| OnceLock::new())
        .collect()
}

/// Every distinct idempotency header of the provider's operations, parsed.
fn idempotency_headers(provider: &Provider) -> Vec<(&'static str, http::HeaderName)> {
    let mut headers: Vec<(&'static str, http::HeaderName)> = Vec::new();
    for name in provider
        .operations
        .iter()
        .filter_map(|op| op.idempotency_header)
    {
        if !headers.iter().any(|(known, _)| *known == name)
            && let Ok(parsed) = http::HeaderName::from_bytes(name.as_bytes())
        {
            headers.push((name, parsed));
        }
    }
    headers
}

/// A limiter for each operation with its own rate limit under `plan`.
fn route_limiters(provider: &Provider, plan: Option<&str>) -> Vec<(&'static str, Limiter)> {
    let Some(plan) = plan else {
        return Vec::new();
    };
    provider
        .operations
        .iter()
        .filter_map(|op| {
            let limit = op.rate_limit?;
            let requests = limit.plans.iter().find(|(p, _)| *p == plan)?.1;
            let rule = RateLimitRule {
                requests,
                per_seconds: limit.per_seconds,
                scope: limit.scope,
            };
            Some((op.id, Limiter::new(&[rule])?))
        })
        .collect()
}

impl Config {
    /// The provider this client talks to.
    pub fn provider(&self) -> &'static Provider {
        self.shared.provider
    }

    /// The settings of each call.
    pub fn options(&self) -> &CallOptions {
        &self.options
    }

    /// The same client state with other call settings; shares the rate limiter and retry budget.
    pub fn with_options(&self, change: impl FnOnce(CallOptions) -> CallOptions) -> Config {
        Config {
            shared: Arc::clone(&self.shared),
            options: change(self.options),
        }
    }

    /// The same client for another end user: the provider's user credential set to `token`,
    /// with a rate limiter and retry budget of its own (the provider counts per end user), and
    /// the same API key, call options and clock.
    pub fn for_user(&self, token: &str) -> Result<Config, Error> {
        let shared = &self.shared;
        Ok(Config {
            shared: Arc::new(Shared {
                provider: shared.provider,
                base_url: shared.base_url.clone(),
                credential: shared.credential.clone(),
                auth_header: shared.auth_header.clone(),
                user_header: Some(user_header(shared.provider, token)?),
                user_agent: shared.user_agent.clone(),
                rate_limits: shared.rate_limits.clone(),
                limiter: Limiter::new(&shared.rate_limits),
                plan: shared.plan,
                route_limiters: route_limiters(shared.provider, shared.plan),
                budget: Budget::new(),
                clock: Arc::clone(&shared.clock),
                idempotency_headers: shared.idempotency_headers.clone(),
                fixed_urls: Arc::clone(&shared.fixed_urls),
            }),
            options: self.options,
        })
    }

    pub(crate) fn auth_header(&self) -> Option<&(http::HeaderName, HeaderValue)> {
        self.shared.auth_header.as_ref()
    }

    pub(crate) fn user_header(&self) -> Option<&(http::HeaderName, HeaderValue)> {
        self.shared.user_header.as_ref()
    }

    pub(crate) fn credential(&self) -> Option<&Secret> {
        self.shared.credential.as_ref()
    }

    pub(crate) fn base_url(&self) -> &reqwest::Url {
        &self.shared.base_url
    }

    /// The cell for the whole URL of the operation at `index` in [`Provider::operations`].
    pub(crate) fn fixed_url(&self, index: usize) -> Option<&OnceLock<reqwest::Url>> {
        self.shared.fixed_urls.get(index)
    }

    pub(crate) fn user_agent(&self) -> &HeaderValue {
        &self.shared.user_agent
    }

    pub(crate) fn limiter(&self) -> Option<&Limiter> {
        self.shared.limiter.as_ref()
    }

    /// The limiter of one operation's route, if it has its own limit.
    pub(crate) fn route_limiter(&self, operation_id: &str) -> Option<&Limiter> {
        let routes = &self.shared.route_limiters;
        routes
            .binary_search_by(|(id, _)| (*id).cmp(operation_id))
            .ok()
            .map(|i| &routes[i].1)
    }

    pub(crate) fn budget(&self) -> &Budget {
        &self.shared.budget
    }

    pub(crate) fn clock(&self) -> &dyn Clock {
        &*self.shared.clock
    }

    /// The parsed header name of an operation's `idempotency_header`.
    pub(crate) fn idempotency_header(&self, name: &str) -> Option<&http::HeaderName> {
        let headers = &self.shared.idempotency_headers;
        headers
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, h)| h)
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("provider", &self.shared.provider.name)
            .field("credential", &self.shared.credential)
            .field("user_agent", &self.shared.user_agent)
            .field("user_credential", &self.shared.user_header.is_some())
            .field("options", &self.options)
            .field("rate_limited", &self.shared.limiter.is_some())
            .finish()
    }
}

/// Builds a provider `Client`: credential, base URL, User-Agent suffix, retries, rate limits,
/// timeouts, and optionally your own `reqwest::Client` (to share a connection pool or set
/// proxies).
///
/// The defaults are safe: 2 retries that never send a message twice (see [`crate::retry`]), the
/// provider's documented rate limits (from its spec), 10 s to connect, 60 s per attempt and
/// 120 s per call.
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
///     .total_timeout(Duration::from_secs(45))
///     .retry(portico::RetryPolicy::default().max_retries(4))
///     .build()?;
/// # Ok::<(), portico::Error>(())
/// ```
pub struct ClientBuilder<C> {
    credential: Option<Secret>,
    user_token: Option<Secret>,
    base_url: Option<String>,
    user_agent_suffix: Option<String>,
    options: CallOptions,
    connect_timeout: Duration,
    rate_limits: Option<Vec<RateLimitRule>>,
    plan: Option<String>,
    clock: Option<Arc<dyn Clock>>,
    http: Option<reqwest::Client>,
    client: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("credential", &self.credential)
            .field("user_token", &self.user_token)
            .field("base_url", &self.base_url)
            .field("user_agent_suffix", &self.user_agent_suffix)
            .field("options", &self.options)
            .field("connect_timeout", &self.connect_timeout)
            .field("rate_limits", &self.rate_limits)
            .field("plan", &self.plan)
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
            user_token: None,
            base_url: None,
            user_agent_suffix: None,
            options: CallOptions::default(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            rate_limits: None,
            plan: None,
            clock: None,
            http: None,
            client: PhantomData,
        }
    }

    /// The API key (or token) sent on every request.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.credential = Some(Secret::new(key));
        self
    }

    /// The end user's token, for providers whose calls also name an end user (Nango's
    /// `X-User-Account`). Ignored by providers without one. Derive a client for another end user
    /// with the provider client's `for_user`.
    pub fn user_token(mut self, token: impl Into<String>) -> Self {
        self.user_token = Some(Secret::new(token));
        self
    }

    /// Reads the API key from the provider's environment variable (e.g. `RESEND_API_KEY`), and
    /// the end user's token from its own variable (e.g. `NANGO_USER_TOKEN`) if the provider has
    /// one and it is set.
    pub fn api_key_from_env(mut self) -> Result<Self, Error> {
        let var = C::PROVIDER.env_var;
        if let Some(user) = C::PROVIDER.user_credential
            && let Ok(token) = std::env::var(user.env_var)
            && !token.trim().is_empty()
        {
            self = self.user_token(token.trim());
        }
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
        self.options.timeout = timeout;
        self
    }

    /// Time allowed for a whole call: every attempt, and every wait for a retry or a rate-limit
    /// slot (default 120 s). A call that cannot finish in time fails with
    /// [`ErrorKind::Timeout`], or [`ErrorKind::RateLimited`] if a wait would end too late.
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.options.total_timeout = timeout;
        self
    }

    /// When and how often failed attempts are retried (default: [`RetryPolicy::default`]).
    /// [`RetryPolicy::none`] turns retries off.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.options.retry = retry;
        self
    }

    /// The client-side rate limits, replacing the provider's documented ones: every window
    /// holds for the client and all its clones. An empty list (`rate_limits([])`) turns
    /// client-side limiting off, per-route limits included.
    ///
    /// ```
    /// # #[derive(Debug)] struct Client;
    /// # impl portico::ProviderClient for Client {
    /// #     const PROVIDER: &'static portico::Provider = portico::Provider::EXAMPLE;
    /// #     fn from_parts(_: &str, _: reqwest::Client, _: portico::Config) -> Self { Client }
    /// # }
    /// use portico::RateLimitRule;
    /// // Half of a 10/s allowance, because another service shares the key.
    /// let builder = portico::ClientBuilder::<Client>::new()
    ///     .rate_limits([RateLimitRule { requests: 5, per_seconds: 1, scope: "api-key" }]);
    /// ```
    pub fn rate_limits(mut self, rules: impl IntoIterator<Item = RateLimitRule>) -> Self {
        self.rate_limits = Some(rules.into_iter().collect());
        self
    }

    /// The provider plan whose per-route rate limits apply (e.g. TagoIO's `free`, `starter`,
    /// `scale`); the default is the first the spec lists, the most conservative. Unknown names
    /// fail at [`build`](Self::build).
    pub fn plan(mut self, plan: impl Into<String>) -> Self {
        self.plan = Some(plan.into());
        self
    }

    /// The clock every wait goes through (default: tokio's). Tests pass a
    /// [`ManualClock`](crate::clock::ManualClock) to check waits without waiting.
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Time allowed to open a connection (default 10 s). Ignored with [`Self::http_client`]:
    /// configure that client instead.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sends through your `reqwest::Client` (shares its pool, proxy and TLS settings). Start it
    /// from [`crate::tls::http_client_builder`] for the TLS this crate's features chose.
    ///
    /// Your client is used as you built it. The one Portico builds when you give none speaks
    /// HTTP/1.1 only and has reqwest's own retry layer off (Portico's retries, in
    /// [`crate::retry`], apply either way); do the same on yours to send a call at the same cost.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<C, Error> {
        let provider = C::PROVIDER;
        let invalid = |message: String| Error::new(ErrorKind::InvalidArgument, message);
        // A provider with routes that take no credential (sign-up, log-in) can be used without
        // one; its other calls then fail before sending.
        let anonymous_routes = provider.operations.iter().any(|op| op.anonymous);
        if self.credential.is_none() && !anonymous_routes {
            return Err(invalid(format!(
                "no API key: call api_key(..) or set {}",
                provider.env_var
            )));
        }
        let base_url = validate_base_url(
            self.base_url
                .as_deref()
                .unwrap_or(provider.default_base_url),
        )?;

        let auth_header = match &self.credential {
            None => None,
            Some(credential) => {
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
                    invalid(
                        "the API key contains characters that cannot be sent in an HTTP header"
                            .into(),
                    )
                })?;
                value.set_sensitive(true);
                Some((name, value))
            }
        };

        let mut user_agent = format!("portico-{}/{}", provider.name, provider.crate_version);
        if let Some(suffix) = &self.user_agent_suffix {
            user_agent = format!("{user_agent} {suffix}");
        }
        let user_agent = HeaderValue::try_from(user_agent).map_err(|_| {
            invalid("the User-Agent suffix contains characters not allowed in a header".into())
        })?;

        let http = match self.http {
            Some(http) => http,
            // HTTP/1.1 only (what the TLS setup offers, whichever features are unified in), so
            // reqwest's own retry layer, which only ever retries HTTP/2 and HTTP/3 refusals,
            // can never act: it is turned off rather than left to copy every request for a retry
            // that cannot happen. Portico's retries are in `transport`.
            None => crate::tls::http_client_builder()?
                .connect_timeout(self.connect_timeout)
                .http1_only()
                .retry(reqwest::retry::never().max_retries_per_request(0))
                .build()
                .map_err(|e| invalid(format!("could not build the HTTP client: {e}")))?,
        };
        let plan = match &self.plan {
            None => provider.plans.first().copied(),
            Some(name) => Some(
                provider
                    .plans
                    .iter()
                    .copied()
                    .find(|p| p == name)
                    .ok_or_else(|| {
                        invalid(format!(
                            "unknown plan {name:?}: {} has {}",
                            provider.name,
                            if provider.plans.is_empty() {
                                "no per-route plans".to_string()
                            } else {
                                provider.plans.join(", ")
                            }
                        ))
                    })?,
            ),
        };
        // `rate_limits([])` turns client-side limiting off altogether, per-route limits too.
        let limits_off = self.rate_limits.as_ref().is_some_and(Vec::is_empty);
        let plan = plan.filter(|_| !limits_off);
        let rate_limits = self
            .rate_limits
            .unwrap_or_else(|| provider.rate_limits.to_vec());
        let user_header = match &self.user_token {
            Some(token) if provider.user_credential.is_some() => {
                Some(user_header(provider, token.expose())?)
            }
            _ => None,
        };
        let config = Config {
            shared: Arc::new(Shared {
                provider,
                base_url: reqwest::Url::parse(&base_url)
                    .map_err(|e| invalid(format!("invalid base URL {base_url:?}: {e}")))?,
                credential: self.credential,
                auth_header,
                user_header,
                user_agent,
                limiter: Limiter::new(&rate_limits),
                rate_limits,
                plan,
                route_limiters: route_limiters(provider, plan),
                budget: Budget::new(),
                clock: self.clock.unwrap_or_else(|| Arc::new(TokioClock)),
                idempotency_headers: idempotency_headers(provider),
                fixed_urls: fixed_urls(provider),
            }),
            options: self.options,
        };
        Ok(C::from_parts(&base_url, http, config))
    }
}

/// The header carrying the end user's `token`, marked sensitive.
fn user_header(provider: &Provider, token: &str) -> Result<(http::HeaderName, HeaderValue), Error> {
    let invalid = |message: &str| Error::new(ErrorKind::InvalidArgument, message);
    let user = provider
        .user_credential
        .ok_or_else(|| invalid("this provider takes no user token"))?;
    if token.trim().is_empty() {
        return Err(invalid("the user token is empty"));
    }
    let name = http::HeaderName::from_bytes(user.header.as_bytes())
        .map_err(|_| invalid("the provider's user-token header name is invalid"))?;
    let mut value = HeaderValue::try_from(token.trim()).map_err(|_| {
        invalid("the user token contains characters that cannot be sent in an HTTP header")
    })?;
    value.set_sensitive(true);
    Ok((name, value))
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
    use crate::provider::{EnvelopeMode, Operation, Provider, RouteLimit};

    static PLANNED: Provider = Provider {
        plans: &["free", "starter"],
        operations: &[
            Operation {
                id: "get_data",
                method: "GET",
                idempotency_header: None,
                envelope: EnvelopeMode::Unwrap,
                user_credential: false,
                anonymous: false,
                array_query: &["variables"],
                rate_limit: Some(RouteLimit {
                    per_seconds: 60,
                    scope: "profile",
                    plans: &[("free", 250), ("starter", 5000)],
                }),
            },
            Operation {
                id: "get_info",
                method: "GET",
                idempotency_header: None,
                envelope: EnvelopeMode::Unwrap,
                user_credential: false,
                anonymous: false,
                array_query: &[],
                rate_limit: None,
            },
        ],
        ..Provider::EXAMPLE_VALUE
    };

    #[derive(Debug)]
    struct Planned(super::Config);
    impl super::ProviderClient for Planned {
        const PROVIDER: &'static Provider = &PLANNED;
        fn from_parts(_: &str, _: reqwest::Client, config: super::Config) -> Self {
            Planned(config)
        }
    }

    #[test]
    fn route_limits_follow_the_plan() {
        let build = |plan: Option<&str>| {
            let mut builder = super::ClientBuilder::<Planned>::new().api_key("k");
            if let Some(plan) = plan {
                builder = builder.plan(plan);
            }
            builder.build()
        };
        let free = build(None).unwrap().0;
        assert_eq!(
            free.shared.plan,
            Some("free"),
            "the first plan is the default"
        );
        assert!(free.route_limiter("get_data").is_some());
        assert!(
            free.route_limiter("get_info").is_none(),
            "no limit of its own"
        );
        let starter = build(Some("starter")).unwrap().0;
        assert_eq!(starter.shared.plan, Some("starter"));
        let err = build(Some("enterprise")).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::InvalidArgument);
        assert!(err.to_string().contains("free, starter"), "{err}");
        let off = super::ClientBuilder::<Planned>::new()
            .api_key("k")
            .rate_limits([])
            .build()
            .unwrap()
            .0;
        assert!(
            off.route_limiter("get_data").is_none(),
            "rate_limits([]) turns routes off too"
        );
    }

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
