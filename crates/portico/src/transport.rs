//! Calls: every request of every generated method passes through [`call`], which sends it and
//! decodes the reply.
//!
//! On the way out it sets the credential and User-Agent and adds an idempotency key where the
//! operation takes one. Then it runs the call:
//! each attempt waits for a rate-limit slot, is sent with the per-attempt timeout, and, if it
//! fails in a way [`crate::retry`] allows, is retried after a backoff, all within the call's total
//! timeout. On the way back it sees the real status and bytes first: any failure (a transport
//! error, an error status, a body that is not the JSON the operation promises) becomes a
//! [`WireError`] in the generated method's error, and `?` turns that into [`crate::Error`] with
//! the real status, the provider's code and message, the request id, a bounded body excerpt and
//! the call's [`CallStats`].
//!
//! Tracing: one `portico.call` span per call (provider, operation, method, attempts, status,
//! request id) and one `portico.attempt` span per attempt (attempt, the delay before it,
//! status, request id). No header, URL or body is recorded, so no secret reaches a log.

use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderMap, USER_AGENT};
use serde::{Deserialize, Serialize};
use tracing::Instrument as _;
use tracing::field::Empty;

use crate::config::Config;
use crate::error::{ErrorKind, WireError, excerpt};
use crate::limiter::Limiter;
use crate::provider::{EnvelopeMode, Operation, OperationRef, Provider, QueryArrays};
use crate::retry::{self, Failure};

/// The status of the `ErrorResponse` of a call that got no reply (not sent, connection failed,
/// timed out); a failure with a reply has its real status. Either way the status, if any, is in
/// the [`WireError`] too.
const NO_REPLY_STATUS: http::StatusCode = match http::StatusCode::from_u16(599) {
    Ok(status) => status,
    Err(_) => http::StatusCode::BAD_GATEWAY,
};

/// How many headers a generated request makes room for before its first one: its own (`accept`,
/// `content-type`, header parameters), Portico's (credential, User-Agent, idempotency key) and
/// reqwest's and hyper's (`host`, `content-length`). A map grows when it holds six, moving and
/// rehashing every entry; twelve is the most that the next size (16 slots) holds.
pub const HEADER_ROOM: usize = 12;

/// The reply header in which a successful call's [`CallStats`] reach the caller.
pub const STATS_HEADER: &str = "x-portico-stats";
const STATS_HEADER_NAME: http::HeaderName = http::HeaderName::from_static(STATS_HEADER);

/// What a call took: attempts made and time spent waiting. On an error: [`Error::stats`](crate::Error::stats);
/// on a success: [`CallStats::from_headers`] on the reply's headers.
///
/// ```
/// # fn show<T>(reply: progenitor_client::ResponseValue<T>) {
/// // `reply` is what a generated method's `.send().await?` returned.
/// let stats = portico::CallStats::from_headers(reply.headers()).unwrap_or_default();
/// println!("{} attempt(s), {:?} in backoff", stats.attempts, stats.retry_wait);
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CallStats {
    /// Requests sent (or tried) for this call: 1 plus the retries.
    pub attempts: u32,
    /// Time spent in backoff between attempts.
    pub retry_wait: Duration,
    /// Time spent waiting for client-side rate-limit slots.
    pub rate_limit_wait: Duration,
}

impl CallStats {
    /// Reads the stats Portico puts on a successful reply (header `x-portico-stats`).
    pub fn from_headers(headers: &HeaderMap) -> Option<CallStats> {
        let text = headers.get(STATS_HEADER)?.to_str().ok()?;
        let mut stats = CallStats::default();
        for pair in text.split(';') {
            let (key, value) = pair.trim().split_once('=')?;
            let value: u64 = value.parse().ok()?;
            match key {
                "attempts" => stats.attempts = u32::try_from(value).ok()?,
                "retry-wait-ns" => stats.retry_wait = Duration::from_nanos(value),
                "rate-limit-wait-ns" => stats.rate_limit_wait = Duration::from_nanos(value),
                _ => {}
            }
        }
        Some(stats)
    }

    fn header_value(&self) -> http::HeaderValue {
        // Most calls: one attempt, no waiting. Their text is made once.
        if *self
            == (CallStats {
                attempts: 1,
                ..CallStats::default()
            })
        {
            return http::HeaderValue::from_static(
                "attempts=1; retry-wait-ns=0; rate-limit-wait-ns=0",
            );
        }
        let text = format!(
            "attempts={}; retry-wait-ns={}; rate-limit-wait-ns={}",
            self.attempts,
            self.retry_wait.as_nanos(),
            self.rate_limit_wait.as_nanos()
        );
        http::HeaderValue::try_from(text).unwrap_or(http::HeaderValue::from_static("attempts=0"))
    }
}

/// The URL of one request: the client's base URL with `path` (already percent-encoded, as
/// generated code writes it) appended. Generated code calls this instead of formatting the URL
/// as text for reqwest to parse: the base was parsed once when the client was built, so only the
/// path is parsed here (a whole-URL parse, host and all, was the largest single cost Portico
/// added to a call).
///
/// `baseurl` is the generated client's own base URL. When it is not the one `config` was built
/// with (a client put together by hand from parts), the URL is parsed from text as before.
///
/// ```
/// # fn show(config: &portico::Config) -> Result<(), String> {
/// // `config` is a Resend client's, built with the default base URL.
/// let url = portico::transport::endpoint(config, "https://api.resend.com", "/emails/a%20b")?;
/// assert_eq!(url.as_str(), "https://api.resend.com/emails/a%20b");
/// # Ok(()) }
/// ```
pub fn endpoint(config: &Config, baseurl: &str, path: &str) -> Result<reqwest::Url, String> {
    let Some(base) = parsed_base(config, baseurl) else {
        let whole = format!("{baseurl}{path}");
        return reqwest::Url::parse(&whole).map_err(|e| format!("invalid URL {whole:?}: {e}"));
    };
    Ok(with_path(base, path))
}

/// The URL of an operation whose path has no parameters: [`endpoint`]'s, made on the first call
/// and cloned on the next ones (a clone is one allocation; setting the path parses it again).
/// Generated code calls this for every such operation, naming it as in [`call`].
///
/// ```
/// # fn show(config: &portico::Config) -> Result<(), String> {
/// use portico::OperationRef;
/// // `config` is a Resend client's, built with the default base URL.
/// let send = OperationRef::named("send_email");
/// let url = portico::transport::fixed_endpoint(config, "https://api.resend.com", send, "/emails")?;
/// assert_eq!(url.as_str(), "https://api.resend.com/emails");
/// # Ok(()) }
/// ```
pub fn fixed_endpoint(
    config: &Config,
    baseurl: &str,
    operation: OperationRef,
    path: &'static str,
) -> Result<reqwest::Url, String> {
    let Some(base) = parsed_base(config, baseurl) else {
        return endpoint(config, baseurl, path);
    };
    // The cell is the operation's only if the id is at that place: a place the table does not
    // confirm falls back to setting the path.
    match config
        .provider()
        .find(operation)
        .and_then(|(index, _)| config.fixed_url(index))
    {
        Some(cell) => Ok(cell.get_or_init(|| with_path(base, path)).clone()),
        None => Ok(with_path(base, path)),
    }
}

/// The base URL `config` parsed when it was built, if it is the generated client's `baseurl`.
fn parsed_base<'c>(config: &'c Config, baseurl: &str) -> Option<&'c reqwest::Url> {
    let base = config.base_url();
    let text = base.as_str();
    (text.strip_suffix('/').unwrap_or(text) == baseurl).then_some(base)
}

/// `base` with `path` appended to its path: the URL that parsing `base` and `path` as one text
/// gives, with only the path parsed.
fn with_path(base: &reqwest::Url, path: &str) -> reqwest::Url {
    let mut url = base.clone();
    match base.path() {
        "/" => url.set_path(path),
        prefix => url.set_path(&format!("{prefix}{path}")),
    }
    url
}

/// What a generated method returns: the decoded reply, or progenitor's `ErrorResponse` carrying
/// the failure as a [`WireError`] (which `?` turns into [`crate::Error`]). Its error is large
/// (clippy's `result_large_err`), but it is the generated signature's, passed on as it is.
pub type Reply<T> =
    Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<WireError>>;

/// Sends one call of a generated method, with its retries, and decodes its reply as `T`.
/// Generated methods call this with the [`OperationRef`] of their operation and the recipe for
/// their request, or the reason there is none (a bad argument: returned as it is, nothing sent);
/// not meant to be called directly.
///
/// The recipe makes the request of each attempt: the first at once, the next ones only when a
/// retry is decided, from the arguments it keeps (the body already serialized, so a large one is
/// held once). No copy of a request is made in case of a retry. A recipe that cannot make another
/// request (a streamed body) returns an error then, and the call ends with its last failure.
///
/// The first request is prepared (credential, User-Agent, idempotency key) when this is called;
/// the future it returns is the call's attempts and nothing around them (each layer of `async`
/// around a call is a future that is moved, whole, on every `.await` into it).
#[allow(clippy::result_large_err)]
pub fn call<'a, T, R>(
    config: &'a Config,
    http: &'a reqwest::Client,
    recipe: Result<R, progenitor_client::Error<WireError>>,
    operation: OperationRef,
) -> impl Future<Output = Reply<T>> + use<'a, T, R>
where
    T: serde::de::DeserializeOwned,
    R: FnMut() -> Result<reqwest::Request, progenitor_client::Error<WireError>> + 'a,
{
    use futures_util::FutureExt as _;
    use futures_util::future::Either;
    let first = recipe.and_then(|mut recipe| Ok((recipe()?, recipe)));
    let (mut request, mut recipe) = match first {
        Ok(first) => first,
        Err(invalid) => return Either::Left(std::future::ready(Err(invalid))),
    };
    let provider = config.provider();
    let operation_id = operation.id;
    let operation = provider.find(operation).map(|(_, op)| op);
    let mut key = None;
    let keyed = match prepare(config, operation, &mut request, &mut key) {
        Ok(keyed) => keyed,
        Err(wire) => {
            let stats = CallStats::default();
            let failed = give_up(&tracing::Span::none(), wire, true, stats, HeaderMap::new());
            return Either::Left(std::future::ready(reply(config, failed)));
        }
    };
    let repeatable = keyed || retry::idempotent_method(request.method());
    let span = tracing::info_span!(
        "portico.call",
        provider = provider.name,
        operation = operation_id,
        method = %request.method(),
        attempts = Empty,
        status = Empty,
        request_id = Empty,
    );
    let next = move || {
        let mut request = recipe().ok()?;
        prepare(config, operation, &mut request, &mut key).ok()?;
        Some(request)
    };
    Either::Right(
        run(
            config,
            operation,
            http,
            request,
            next,
            repeatable,
            span.clone(),
        )
        .instrument(span)
        .map(|ended| reply(config, ended)),
    )
}

/// A JSON request body, serialized once for all the attempts of a call (generated code sends it
/// with a `content-type: application/json` header).
#[allow(clippy::result_large_err)]
pub fn json_body<B: Serialize>(body: &B) -> Result<Bytes, progenitor_client::Error<WireError>> {
    // Shared from the start: each attempt's request takes a cheap copy of it.
    serde_json::to_vec(body)
        .map(Bytes::from_owner)
        .map_err(|e| {
            progenitor_client::Error::InvalidRequest(format!(
                "the body cannot be written as JSON: {e}"
            ))
        })
}

/// Credentials, User-Agent, idempotency key; `Ok(true)` when the request carries an idempotency
/// key (the caller's or `key`, made on the first attempt and sent unchanged on the next ones).
/// Fails, before anything is sent, when the operation needs the end user's credential and the
/// client has none.
fn prepare(
    config: &Config,
    operation: Option<&Operation>,
    request: &mut reqwest::Request,
    key: &mut Option<http::HeaderValue>,
) -> Result<bool, Box<WireError>> {
    let headers = request.headers_mut();
    // Room for what is added here, and below by reqwest and hyper (Host, Content-Length) on
    // their copies of this map, which keep its capacity: one early grow instead of later ones
    // that rehash every entry. Generated requests come with room (`HEADER_ROOM`), and then this
    // costs a comparison.
    headers.reserve(6);
    if !operation.is_some_and(|op| op.anonymous) {
        let Some((name, value)) = config.auth_header() else {
            return Err(Box::new(WireError::new(
                ErrorKind::InvalidArgument,
                format!(
                    "this operation needs a credential: build the client with api_key(..) or set {}",
                    config.provider().env_var
                ),
            )));
        };
        headers.insert(name.clone(), value.clone());
    }
    if operation.is_some_and(|op| op.user_credential) {
        match config.user_header() {
            Some((name, value)) => {
                headers.insert(name.clone(), value.clone());
            }
            None => {
                return Err(Box::new(WireError::new(
                    ErrorKind::InvalidArgument,
                    "this operation acts for an end user: set their token with \
                     `ClientBuilder::user_token`, or derive a client with `for_user`",
                )));
            }
        }
    }
    headers.insert(USER_AGENT, config.user_agent().clone());
    if config.provider().query_arrays == QueryArrays::Brackets
        && let Some(op) = operation
        && !op.array_query.is_empty()
    {
        bracket_arrays(request.url_mut(), op.array_query);
    }
    // One key per call, sent unchanged on every attempt; a key the caller set is kept.
    let Some(name) = operation
        .and_then(|op| op.idempotency_header)
        .and_then(|name| config.idempotency_header(name))
    else {
        return Ok(false);
    };
    if let http::header::Entry::Vacant(slot) = request.headers_mut().entry(name) {
        slot.insert(key.get_or_insert_with(retry::idempotency_key).clone());
    }
    Ok(true)
}

/// `ids=a&ids=b` → `ids[]=a&ids[]=b` for the operation's array parameters.
fn bracket_arrays(url: &mut reqwest::Url, arrays: &[&str]) {
    if url.query().is_none() {
        return;
    }
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let key = if arrays.contains(&k.as_ref()) {
                format!("{k}[]")
            } else {
                k.into_owned()
            };
            (key, v.into_owned())
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
}

/// One reply, or one failure, of one attempt.
enum Attempt {
    /// The reply and its whole body (the reply's own body stream is used up).
    Success(reqwest::Response, Bytes),
    Failure(Failure, Box<WireError>, HeaderMap),
}

/// How a call ended: its successful reply and whole body, or its failure with the last reply's
/// headers (rate limits, request id).
type Ended = Result<(reqwest::Response, Bytes), (Box<WireError>, HeaderMap)>;

/// The attempts of one call, until a success, a failure that is not retried, or the end of the
/// call's time. `next` makes the request of a retry (`None` if it cannot).
// Not an `async fn`: see the comment on its block.
#[allow(clippy::manual_async_fn)]
fn run<'a, N: FnMut() -> Option<reqwest::Request> + 'a>(
    config: &'a Config,
    operation: Option<&'a Operation>,
    http: &'a reqwest::Client,
    mut request: reqwest::Request,
    mut next: N,
    repeatable: bool,
    call_span: tracing::Span,
) -> impl Future<Output = Ended> + use<'a, N> {
    // An `async` block, not an `async fn`: an `async fn` keeps a second copy of its arguments
    // (the request) in its future.
    async move {
        let options = config.options();
        let policy = &options.retry;
        let clock = config.clock();
        let deadline = clock.now() + options.total_timeout;
        // The client's limiter and the route's own, if it has one.
        let route = operation.and_then(|op| config.route_limiter(op.id));
        let limiters: Vec<&Limiter> = config.limiter().into_iter().chain(route).collect();
        let mut stats = CallStats::default();
        // Whether every attempt so far failed before anything was sent.
        let mut never_sent = true;
        let mut delay = Duration::ZERO;
        loop {
            // Held until the attempt ends: the limiter dates the request by its end.
            let mut permits = Vec::with_capacity(limiters.len());
            for limiter in &limiters {
                // Boxed: the wait's future is large, and every call's future would carry its room
                // (and move it), limiter or not. Clients with limits pay an allocation per wait.
                match Box::pin(limiter.acquire(clock, deadline)).await {
                    Ok(taken) => {
                        stats.rate_limit_wait += taken.waited;
                        delay += taken.waited;
                        permits.push(taken);
                    }
                    Err(needed) => {
                        let mut wire = WireError::new(
                            ErrorKind::RateLimited,
                            format!(
                                "the client-side rate limit has no slot for {needed:.1?}, past the \
                                 call's total timeout of {:?}",
                                options.total_timeout
                            ),
                        );
                        wire.retry_after_ms = Some(needed.as_millis() as u64);
                        return give_up(
                            &call_span,
                            Box::new(wire),
                            never_sent,
                            stats,
                            HeaderMap::new(),
                        );
                    }
                }
            }
            let remaining = deadline.saturating_duration_since(clock.now());
            if remaining.is_zero() {
                let wire = WireError::new(
                    ErrorKind::Timeout,
                    format!(
                        "the call's total timeout of {:?} ran out",
                        options.total_timeout
                    ),
                );
                return give_up(
                    &call_span,
                    Box::new(wire),
                    never_sent,
                    stats,
                    HeaderMap::new(),
                );
            }
            let limit = options.timeout.min(remaining);

            stats.attempts += 1;
            let span = tracing::debug_span!(
                "portico.attempt",
                attempt = stats.attempts,
                delay_ms = delay.as_millis() as u64,
                status = Empty,
                request_id = Empty,
            );
            // The attempt's own timer, around sending and reading the whole reply (reqwest's
            // per-request timeout costs more: a boxed timer, and a wrapper on every body read).
            let outcome = tokio::time::timeout(
                limit,
                attempt(config, operation, http, request, &span).instrument(span.clone()),
            )
            .await
            .unwrap_or_else(|_| {
                let wire = WireError::new(
                    ErrorKind::Timeout,
                    format!("no whole reply within the attempt's timeout of {limit:?}"),
                );
                Attempt::Failure(
                    Failure::Transport { timeout: true },
                    Box::new(wire),
                    HeaderMap::new(),
                )
            });
            drop(permits);
            let (failure, mut wire, headers) = match outcome {
                Attempt::Success(mut response, body) => {
                    for limiter in &limiters {
                        limiter.succeeded();
                    }
                    if stats.attempts == 1 {
                        config.budget().refund();
                    }
                    call_span.record("attempts", stats.attempts);
                    call_span.record("status", response.status().as_u16());
                    if !call_span.is_disabled()
                        && let Some(id) = request_id(config.provider(), response.headers())
                    {
                        call_span.record("request_id", id.as_str());
                    }
                    response
                        .headers_mut()
                        .insert(STATS_HEADER_NAME, stats.header_value());
                    return Ok((response, body));
                }
                Attempt::Failure(failure, wire, headers) => (failure, wire, headers),
            };
            if failure != Failure::NotConnected {
                never_sent = false;
            }

            // What the server asked: `Retry-After`, or on a 429 the rate-limit reset.
            let hint = wire.retry_after_ms.map(Duration::from_millis).or_else(|| {
                (wire.status == Some(429))
                    .then(|| wire.rate_limit.as_ref()?.reset_after)
                    .flatten()
            });
            if wire.status == Some(429) {
                for limiter in &limiters {
                    limiter.throttled(clock.now(), hint);
                }
            }
            if let Some(hint) = hint {
                wire.retry_after_ms = Some(hint.as_millis() as u64);
            }

            let verdict = if !failure.retryable(repeatable) {
                Err(if repeatable {
                    "not a retryable failure"
                } else {
                    "the request may have been processed and is not safe to repeat"
                })
            } else if stats.attempts > policy.max_retries {
                Err("no retries left")
            } else if hint.is_some_and(|hint| hint > policy.max_backoff) {
                Err("the server's wait is longer than the retry policy's max_backoff")
            } else {
                let wait =
                    hint.unwrap_or_else(|| policy.backoff(stats.attempts, retry::random_unit()));
                if clock.now() + wait >= deadline {
                    Err("the wait would end past the call's total timeout")
                } else {
                    // Made before the budget is spent: a request that cannot be made again (a
                    // streamed body) ends the call without spending it.
                    match next() {
                        None => Err("the request cannot be made again (its body is a stream)"),
                        Some(_) if !config.budget().try_spend(failure.cost()) => {
                            Err("the client's retry budget is used up")
                        }
                        Some(again) => Ok((again, wait)),
                    }
                }
            };
            match verdict {
                Ok((again, wait)) => {
                    tracing::debug!(
                        attempt = stats.attempts,
                        status = wire.status,
                        kind = %wire.kind,
                        wait_ms = wait.as_millis() as u64,
                        "retrying"
                    );
                    // The failed reply's headers are not needed past this point: not kept across the
                    // wait (a call's future would carry their room).
                    drop(headers);
                    clock.sleep(wait).await;
                    stats.retry_wait += wait;
                    delay = wait;
                    request = again;
                }
                Err(why) => {
                    tracing::debug!(
                        attempt = stats.attempts,
                        status = wire.status,
                        kind = %wire.kind,
                        why,
                        "not retrying"
                    );
                    return give_up(&call_span, wire, never_sent, stats, headers);
                }
            }
        }
    }
}

/// Sends one attempt and reads its whole reply.
fn attempt<'a>(
    config: &'a Config,
    operation: Option<&'a Operation>,
    http: &reqwest::Client,
    request: reqwest::Request,
    span: &'a tracing::Span,
) -> impl Future<Output = Attempt> + use<'a> {
    // Handed to reqwest now, outside the `async` block: the block then carries reqwest's small
    // future instead of the request.
    let sent = http.execute(request);
    async move {
        let provider = config.provider();
        let mut response = match sent.await {
            Ok(response) => response,
            Err(e) => {
                let failure = if e.is_connect() {
                    Failure::NotConnected
                } else {
                    Failure::Transport {
                        timeout: e.is_timeout(),
                    }
                };
                return Attempt::Failure(
                    failure,
                    Box::new(transport_failure(&e)),
                    HeaderMap::new(),
                );
            }
        };
        let status = response.status();
        span.record("status", status.as_u16());
        if !span.is_disabled()
            && let Some(id) = request_id(provider, response.headers())
        {
            span.record("request_id", id.as_str());
        }
        let body = match read_body(&mut response).await {
            Ok(body) => body,
            Err(e) => {
                let headers = std::mem::take(response.headers_mut());
                let mut wire = transport_failure(&e);
                wire.status = Some(status.as_u16());
                wire.request_id = request_id(provider, &headers);
                let failure = Failure::Transport {
                    timeout: e.is_timeout(),
                };
                return Attempt::Failure(failure, Box::new(wire), headers);
            }
        };
        if status.is_success() {
            let Some(envelope) = &provider.envelope else {
                return Attempt::Success(response, body);
            };
            let mode = operation.map_or(EnvelopeMode::Unwrap, |op| op.envelope);
            let in_band = match crate::envelope::open(envelope, mode, body.clone()) {
                Ok(inner) => {
                    return Attempt::Success(response, inner);
                }
                Err(in_band) => in_band,
            };
            let headers = std::mem::take(response.headers_mut());
            let mut wire = match in_band {
                Some(_) => provider_error(provider, status.as_u16(), &body),
                None => WireError::new(
                    ErrorKind::Decode,
                    format!(
                        "the reply is not in {}'s envelope (no `{}` field)",
                        provider.name, envelope.status
                    ),
                ),
            };
            fill_from_reply(config, &mut wire, status.as_u16(), &headers, &body);
            // Retried as the status it stands for: a server failure as a 500, a rate limit as a 429.
            let stands_for = match wire.kind {
                ErrorKind::Server => 500,
                ErrorKind::RateLimited => 429,
                _ => status.as_u16(),
            };
            let failure = Failure::Status {
                status: stands_for,
                kind: wire.kind,
            };
            return Attempt::Failure(failure, Box::new(wire), headers);
        }
        let headers = std::mem::take(response.headers_mut());
        let mut wire = provider_error(provider, status.as_u16(), &body);
        fill_from_reply(config, &mut wire, status.as_u16(), &headers, &body);
        let failure = Failure::Status {
            status: status.as_u16(),
            kind: wire.kind,
        };
        Attempt::Failure(failure, Box::new(wire), headers)
    }
}

/// The whole body, read in place: the reply itself goes on to the generated code, so it is not
/// rebuilt around the bytes. A body in one chunk (most replies) is not copied.
async fn read_body(response: &mut reqwest::Response) -> reqwest::Result<Bytes> {
    let Some(first) = response.chunk().await? else {
        return Ok(Bytes::new());
    };
    let Some(second) = response.chunk().await? else {
        return Ok(first);
    };
    let mut whole = bytes::BytesMut::with_capacity(first.len() + second.len());
    whole.extend_from_slice(&first);
    whole.extend_from_slice(&second);
    while let Some(more) = response.chunk().await? {
        whole.extend_from_slice(&more);
    }
    Ok(whole.freeze())
}

/// The call's final failure, recorded on its span.
fn give_up(
    call_span: &tracing::Span,
    mut wire: Box<WireError>,
    never_sent: bool,
    stats: CallStats,
    headers: HeaderMap,
) -> Ended {
    call_span.record("attempts", stats.attempts);
    if let Some(status) = wire.status {
        call_span.record("status", status);
    }
    if let Some(id) = &wire.request_id {
        call_span.record("request_id", id.as_str());
    }
    wire.not_sent = never_sent;
    wire.stats = stats;
    Err((wire, headers))
}

fn transport_failure(e: &reqwest::Error) -> WireError {
    let kind = if e.is_timeout() {
        ErrorKind::Timeout
    } else {
        ErrorKind::Connection
    };
    // reqwest's text names the URL and the cause, never a header value.
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        message = format!("{message}: {cause}");
        source = cause.source();
    }
    WireError::new(kind, message)
}

/// Code, message and kind from a provider's error body, as its spec's `x-portico-error` says.
fn provider_error(provider: &Provider, status: u16, body: &[u8]) -> WireError {
    let json: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let field = |path: &[&str]| -> Option<String> {
        if path.is_empty() {
            return None;
        }
        let mut node = json.as_ref()?;
        for key in path {
            node = node.get(key)?;
        }
        match node {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Null => None,
            other => Some(other.to_string()),
        }
    };
    let format = &provider.error_format;
    let code = field(format.code);
    let message = format
        .message
        .iter()
        .find_map(|path| field(path))
        .unwrap_or_else(|| {
            let reason = http::StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or(if status < 400 {
                    "the provider reported an error"
                } else {
                    "error"
                });
            if json.is_some() {
                reason.to_string()
            } else {
                format!("{reason} (the body is not JSON)")
            }
        });
    let kind = if status < 400 {
        // An error inside a 2xx envelope: only the provider's code can say more.
        match format.kind(400, code.as_deref()) {
            ErrorKind::InvalidRequest => ErrorKind::InvalidRequest,
            kind if code.is_some() => kind,
            _ => ErrorKind::InvalidRequest,
        }
    } else {
        format.kind(status, code.as_deref())
    };
    let mut wire = WireError::new(kind, message);
    wire.code = code;
    wire
}

fn fill_from_reply(
    config: &Config,
    wire: &mut WireError,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
) {
    wire.status = Some(status);
    wire.request_id = request_id(config.provider(), headers);
    wire.retry_after_ms = retry_after(headers)
        // Some providers put it in the text only (TagoIO: "Too many requests (Retry-After: 3)").
        .or_else(|| {
            (wire.kind == ErrorKind::RateLimited)
                .then(|| retry_after_in_text(&wire.message))
                .flatten()
        })
        .map(|d| d.as_millis() as u64);
    wire.rate_limit = config.provider().rate_limit(headers);
    if !body.is_empty() {
        let text = String::from_utf8_lossy(body);
        let secret = config.credential().map_or("", |c| c.expose());
        wire.body_excerpt = Some(if !secret.is_empty() && text.contains(secret) {
            excerpt(text.replace(secret, "[REDACTED]").as_bytes())
        } else {
            excerpt(body)
        });
    }
}

fn request_id(provider: &Provider, headers: &HeaderMap) -> Option<String> {
    provider
        .request_id_headers
        .iter()
        .chain(["x-request-id", "request-id"].iter())
        .find_map(|name| headers.get(*name))
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// The seconds after "Retry-After" (any case, then `:`, `=` or spaces) in an error message.
fn retry_after_in_text(text: &str) -> Option<std::time::Duration> {
    let lower = text.to_ascii_lowercase();
    let at = lower.find("retry-after")? + "retry-after".len();
    let rest = lower[at..].trim_start_matches([':', '=', ' ']);
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let seconds: f64 = rest[..end].parse().ok()?;
    (seconds.is_finite() && seconds >= 0.0).then(|| std::time::Duration::from_secs_f64(seconds))
}

/// `Retry-After` in seconds or as an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<std::time::Duration> {
    let value = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0)
            .then(|| std::time::Duration::from_secs_f64(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or_default(),
    )
}

/// A call's end as the generated method returns it.
#[allow(clippy::result_large_err)]
fn reply<T: serde::de::DeserializeOwned>(config: &Config, ended: Ended) -> Reply<T> {
    match ended {
        Ok((response, body)) => decode(config, response, body),
        Err((wire, headers)) => Err(failed(config, *wire, headers)),
    }
}

/// progenitor's `ErrorResponse` carrying `wire`, with the last reply's headers (rate limits,
/// request id) and its status ([`NO_REPLY_STATUS`] when there was no reply).
fn failed(
    config: &Config,
    mut wire: WireError,
    headers: HeaderMap,
) -> progenitor_client::Error<WireError> {
    wire.provider = Some(config.provider().name.to_string());
    redact(config, &mut wire);
    let status = wire
        .status
        .and_then(|status| http::StatusCode::from_u16(status).ok())
        .unwrap_or(NO_REPLY_STATUS);
    progenitor_client::Error::ErrorResponse(progenitor_client::ResponseValue::new(
        wire, status, headers,
    ))
}

/// A server that echoes the credential must not put it into an error.
fn redact(config: &Config, wire: &mut WireError) {
    let secret = config.credential().map_or("", |c| c.expose());
    if secret.is_empty() {
        return;
    }
    for text in [Some(&mut wire.message), wire.code.as_mut()]
        .into_iter()
        .flatten()
    {
        if text.contains(secret) {
            *text = text.replace(secret, "[REDACTED]");
        }
    }
}

/// Decodes a successful reply, whose whole body [`attempt`] read, as `T`; a body of the wrong
/// shape still reports the status, provider, request id and an excerpt of what arrived.
#[allow(clippy::result_large_err)]
fn decode<T: serde::de::DeserializeOwned>(
    config: &Config,
    mut response: reqwest::Response,
    body: Bytes,
) -> Reply<T> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    drop(response);
    // An empty body reads as JSON `null`, so that `Option` and `()` replies decode.
    match serde_json::from_slice(if body.is_empty() { b"null" } else { &body }) {
        Ok(value) => Ok(progenitor_client::ResponseValue::new(
            value, status, headers,
        )),
        Err(e) => {
            let what = if e.is_syntax() || e.is_eof() {
                "the reply is not valid JSON"
            } else {
                "the reply does not match the documented type"
            };
            let mut wire = WireError::new(ErrorKind::Decode, format!("{what}: {e}"));
            fill_from_reply(config, &mut wire, status.as_u16(), &headers, &body);
            wire.stats = CallStats::from_headers(&headers).unwrap_or_default();
            wire.provider = Some(config.provider().name.to_string());
            Err(progenitor_client::Error::ErrorResponse(
                progenitor_client::ResponseValue::new(wire, status, headers),
            ))
        }
    }
}

/// Sends a `multipart/form-data` operation through the same hook as every other call. progenitor
/// cannot generate these, so the xtask emits a method that builds the form and calls this.
#[allow(clippy::result_large_err)]
pub async fn send_multipart<T: serde::de::DeserializeOwned>(
    config: &Config,
    http: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    form: reqwest::multipart::Form,
    operation: OperationRef,
) -> Result<progenitor_client::ResponseValue<T>, crate::Error> {
    // A form is a stream: it is sent once, and the call is not retried.
    let mut form = Some(form);
    let recipe = move || {
        let form = form.take().ok_or_else(|| {
            progenitor_client::Error::InvalidRequest("a multipart form is sent once".into())
        })?;
        http.request(method.clone(), url.as_str())
            .multipart(form)
            .build()
            .map_err(|e| {
                progenitor_client::Error::InvalidRequest(format!("cannot build the request: {e}"))
            })
    };
    Ok(call(config, http, Ok(recipe), operation).await?)
}

#[cfg(test)]
mod tests {
    use super::{bracket_arrays, decode, failed, retry_after_in_text, with_path};
    use crate::ErrorKind;
    use crate::provider::Provider;
    use std::time::Duration;

    #[derive(Debug)]
    struct Example(crate::Config);
    impl crate::config::ProviderClient for Example {
        const PROVIDER: &'static Provider = Provider::EXAMPLE;
        fn from_parts(_: &str, _: reqwest::Client, config: crate::Config) -> Self {
            Example(config)
        }
    }

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Sent {
        id: String,
    }

    fn reply(status: u16, body: &'static str) -> reqwest::Response {
        let mut reply = http::Response::new(bytes::Bytes::from_static(body.as_bytes()));
        *reply.status_mut() = http::StatusCode::from_u16(status).unwrap();
        reqwest::Response::from(reply)
    }

    #[test]
    fn decode_reads_the_body_attempt_read_and_keeps_the_status_of_a_bad_one() {
        let Example(config) = crate::ClientBuilder::<Example>::new()
            .api_key("k")
            .build()
            .unwrap();
        let body = |text: &'static str| bytes::Bytes::from_static(text.as_bytes());

        // The reply's own body stream is used up by then: only the body beside it counts.
        let sent = decode::<Sent>(&config, reply(201, "unread"), body(r#"{"id":"e_1"}"#)).unwrap();
        assert_eq!(sent.status().as_u16(), 201);
        assert_eq!(sent.into_inner(), Sent { id: "e_1".into() });

        // An empty body is JSON `null`: an `Option` reply is `None`.
        let none = decode::<Option<Sent>>(&config, reply(204, ""), body("")).unwrap();
        assert_eq!(none.into_inner(), None);

        let Err(progenitor_client::Error::ErrorResponse(wire)) =
            decode::<Sent>(&config, reply(200, ""), body(r#"{"name":"e_2"}"#))
        else {
            panic!("a body of the wrong shape decoded");
        };
        assert_eq!(wire.status().as_u16(), 200);
        let error = crate::Error::from_wire(wire.into_inner());
        assert_eq!(error.kind(), ErrorKind::Decode);
        assert_eq!(error.status(), Some(http::StatusCode::OK));
        assert_eq!(error.body_excerpt(), Some(r#"{"name":"e_2"}"#), "{error}");
    }

    #[test]
    fn a_failure_keeps_its_reply_status_and_headers_and_never_the_key() {
        let Example(config) = crate::ClientBuilder::<Example>::new()
            .api_key("secret-key")
            .build()
            .unwrap();
        let mut headers = http::HeaderMap::new();
        headers.insert("x-request-id", http::HeaderValue::from_static("req_1"));
        let mut wire = crate::WireError::new(ErrorKind::Server, "echoed secret-key back");
        wire.status = Some(503);
        let progenitor_client::Error::ErrorResponse(reply) = failed(&config, wire, headers) else {
            panic!("not an ErrorResponse");
        };
        assert_eq!(reply.status().as_u16(), 503);
        assert_eq!(reply.headers()["x-request-id"], "req_1");
        assert_eq!(reply.provider.as_deref(), Some("example"));
        assert_eq!(reply.message, "echoed [REDACTED] back");

        let unsent = crate::WireError::new(ErrorKind::Connection, "refused");
        let progenitor_client::Error::ErrorResponse(reply) =
            failed(&config, unsent, http::HeaderMap::new())
        else {
            panic!("not an ErrorResponse");
        };
        assert_eq!(
            reply.status().as_u16(),
            599,
            "no reply, no status of its own"
        );
    }

    #[test]
    fn a_path_on_the_parsed_base_is_the_url_parsed_whole() {
        let bases = [
            "https://api.resend.com",
            "https://api.nango.dev/v1",
            "https://eu.example.com/deep/prefix",
            "http://127.0.0.1:9",
            "http://[::1]:8080",
            "http://localhost:8080/p%20q",
        ];
        // As progenitor writes them: template text plus `encode_path`'d parameters.
        let paths = [
            "",
            "/",
            "/emails",
            "/emails/",
            "/emails/4ef9a417-02e9-4d39-ad75-9611e0fcc33c",
            "/domains/a%20b%2Fc%3Fd%23e%25f",
            "/device/x/../y",
            "/device/./y/%2e%2E/z",
            "/data/é中",
            "/a:b/c;d=e/@f/$g&h'i(j)*k+l,m!n",
            "/back\\slash",
            "/tab\tand|pipe^caret[brackets]",
        ];
        for base in bases {
            let parsed = reqwest::Url::parse(base).unwrap();
            for path in paths {
                let whole = reqwest::Url::parse(&format!("{base}{path}")).unwrap();
                assert_eq!(with_path(&parsed, path), whole, "{base} + {path:?}");
            }
        }
    }

    /// A provider with two operations, for the per-operation URLs.
    static TWO_OPERATIONS: Provider = Provider {
        operations: &[operation("create_thing"), operation("list_things")],
        ..Provider::EXAMPLE_VALUE
    };

    const fn operation(id: &'static str) -> crate::Operation {
        crate::Operation {
            id,
            method: "GET",
            idempotency_header: None,
            envelope: crate::EnvelopeMode::Unwrap,
            user_credential: false,
            anonymous: false,
            array_query: &[],
            rate_limit: None,
        }
    }

    #[derive(Debug)]
    struct Two(crate::Config);
    impl crate::config::ProviderClient for Two {
        const PROVIDER: &'static Provider = &TWO_OPERATIONS;
        fn from_parts(_: &str, _: reqwest::Client, config: crate::Config) -> Self {
            Two(config)
        }
    }

    #[test]
    fn a_fixed_path_is_made_once_and_only_for_its_own_operation() {
        use crate::OperationRef;
        let base = "https://api.example.com/v1";
        let Two(config) = crate::ClientBuilder::<Two>::new()
            .api_key("k")
            .base_url(base)
            .build()
            .unwrap();
        let create = OperationRef {
            index: 0,
            id: "create_thing",
        };
        let list = OperationRef {
            index: 1,
            id: "list_things",
        };
        let url = |op, path| super::fixed_endpoint(&config, base, op, path).unwrap();
        assert_eq!(
            url(list, "/things").as_str(),
            "https://api.example.com/v1/things"
        );
        assert_eq!(
            config
                .fixed_url(1)
                .and_then(|cell| cell.get())
                .map(|u| u.as_str()),
            Some("https://api.example.com/v1/things"),
            "made on the first call"
        );
        assert_eq!(
            url(list, "/things").as_str(),
            "https://api.example.com/v1/things"
        );
        // A place the table does not confirm is looked up by id: it neither reads nor fills the
        // cell of the operation that is at that place.
        let stale = OperationRef {
            index: 0,
            id: "list_things",
        };
        assert_eq!(
            TWO_OPERATIONS.find(stale).map(|(i, op)| (i, op.id)),
            Some((1, "list_things"))
        );
        assert_eq!(
            url(stale, "/things").as_str(),
            "https://api.example.com/v1/things"
        );
        assert!(config.fixed_url(0).unwrap().get().is_none());
        assert_eq!(
            url(create, "/things/new").as_str(),
            "https://api.example.com/v1/things/new"
        );
        // An id the provider lacks: the path is set on the base, nothing is kept.
        let unknown = OperationRef::named("no_such_operation");
        assert_eq!(url(unknown, "/x").as_str(), "https://api.example.com/v1/x");
        // A client whose own base URL is not the config's: the URL is parsed from text.
        assert_eq!(
            super::fixed_endpoint(&config, "http://127.0.0.1:9", list, "/things")
                .unwrap()
                .as_str(),
            "http://127.0.0.1:9/things"
        );
    }

    #[test]
    fn array_query_parameters_get_brackets() {
        let mut url =
            reqwest::Url::parse("https://api.example.com/data?variables=a&variables=b&qty=5&x=1")
                .unwrap();
        bracket_arrays(&mut url, &["variables", "x_missing"]);
        assert_eq!(
            url.query(),
            Some("variables%5B%5D=a&variables%5B%5D=b&qty=5&x=1")
        );
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        assert_eq!(pairs[0], ("variables[]".to_string(), "a".to_string()));
        let mut bare = reqwest::Url::parse("https://api.example.com/data").unwrap();
        bracket_arrays(&mut bare, &["variables"]);
        assert_eq!(bare.as_str(), "https://api.example.com/data");
    }

    #[test]
    fn retry_after_from_the_message_text() {
        let secs = |s: &str| retry_after_in_text(s);
        assert_eq!(
            secs("Too many requests (Retry-After: 3)"),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            secs("retry-after=1.5 please"),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(secs("RETRY-AFTER 12"), Some(Duration::from_secs(12)));
        assert_eq!(secs("Too many requests"), None);
        assert_eq!(secs("Retry-After: soon"), None);
        assert_eq!(secs("Retry-After:"), None);
    }
}
