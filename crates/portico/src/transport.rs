//! The exec hook: every request of every generated client passes through [`exec`], which sees the
//! real status and bytes before the generated code parses them.
//!
//! On the way out it sets the credential and User-Agent and drops progenitor's `api-version`
//! header. On the way back, any failure (a transport error, an error status, a body that is not
//! the JSON the operation promises) becomes a reply whose body is a [`WireError`]: the generated
//! code then always takes its typed error path, and `?` turns that into [`crate::Error`] with the
//! real status, the provider's code and message, the request id and a bounded body excerpt.

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, USER_AGENT};
use progenitor_client::OperationInfo;

use crate::config::Config;
use crate::error::{ErrorKind, WireError, excerpt};
use crate::provider::Provider;

/// The status of the stand-in reply that carries a [`WireError`]. The generated code maps every
/// 5xx to its error type; the real status, if any, travels inside the body.
const CARRIER_STATUS: u16 = 599;

/// Sends one request for a generated client. Called from the `ClientHooks::exec` that
/// `cargo xtask generate` writes into each provider crate; not meant to be called directly.
pub async fn exec(
    config: &Config,
    http: &reqwest::Client,
    mut request: reqwest::Request,
    info: &OperationInfo,
) -> reqwest::Result<reqwest::Response> {
    let provider = config.provider();
    // `info` names the operation; retries and tracing (issue #5) will use it.
    let _ = info;
    let headers = request.headers_mut();
    // progenitor adds `api-version: <info.version>` to every request; no provider here wants it.
    headers.remove("api-version");
    let (name, value) = config.auth_header();
    headers.insert(name.clone(), value.clone());
    headers.insert(USER_AGENT, config.user_agent().clone());
    if request.timeout().is_none() {
        *request.timeout_mut() = Some(config.timeout());
    }

    let response = match http.execute(request).await {
        Ok(response) => response,
        Err(e) => return Ok(carrier(config, transport_failure(&e), HeaderMap::new())),
    };
    let status = response.status();
    let headers = response.headers().clone();
    let body = match response.bytes().await {
        Ok(body) => body,
        Err(e) => {
            let mut wire = transport_failure(&e);
            wire.status = Some(status.as_u16());
            wire.request_id = request_id(provider, &headers);
            return Ok(carrier(config, wire, headers));
        }
    };

    if status.is_success() {
        return Ok(rebuild(status, headers, body));
    }

    let mut wire = provider_error(provider, status.as_u16(), &body);
    fill_from_reply(config, &mut wire, status.as_u16(), &headers, &body);
    Ok(carrier(config, wire, headers))
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
    let message = field(format.message).unwrap_or_else(|| {
        let reason = http::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("error");
        if json.is_some() {
            reason.to_string()
        } else {
            format!("{reason} (the body is not JSON)")
        }
    });
    let kind = format.kind(status, code.as_deref());
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
    wire.retry_after_ms = retry_after(headers).map(|d| d.as_millis() as u64);
    wire.rate_limit = config.provider().rate_limit(headers);
    if !body.is_empty() {
        let text = String::from_utf8_lossy(body);
        let secret = config.credential().expose();
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

/// A reply carrying `wire` as JSON, with the original headers (rate limits, request id).
fn carrier(config: &Config, mut wire: WireError, mut headers: HeaderMap) -> reqwest::Response {
    wire.provider = Some(config.provider().name.to_string());
    redact(config, &mut wire);
    let body = serde_json::to_vec(&wire).unwrap_or_default();
    headers.remove(CONTENT_LENGTH);
    headers.remove(http::header::CONTENT_ENCODING);
    headers.remove(http::header::TRANSFER_ENCODING);
    headers.insert(
        CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    let status =
        http::StatusCode::from_u16(CARRIER_STATUS).unwrap_or(http::StatusCode::BAD_GATEWAY);
    rebuild(status, headers, Bytes::from(body))
}

/// A server that echoes the credential must not put it into an error.
fn redact(config: &Config, wire: &mut WireError) {
    let secret = config.credential().expose();
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

fn rebuild(status: http::StatusCode, headers: HeaderMap, body: Bytes) -> reqwest::Response {
    let mut response = http::Response::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    reqwest::Response::from(response)
}

/// Decodes a successful reply as `T`. Generated code calls this instead of progenitor's own
/// decoding so that a body of the wrong shape still reports the status, provider, request id and
/// an excerpt of what arrived.
pub async fn decode<T: serde::de::DeserializeOwned>(
    config: &Config,
    response: reqwest::Response,
) -> Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<WireError>> {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .bytes()
        .await
        .map_err(progenitor_client::Error::ResponseBodyError)?;
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
            wire.provider = Some(config.provider().name.to_string());
            Err(progenitor_client::Error::ErrorResponse(
                progenitor_client::ResponseValue::new(wire, status, headers),
            ))
        }
    }
}

/// Sends a `multipart/form-data` operation through the same hook as every other call. progenitor
/// cannot generate these, so the xtask emits a method that builds the form and calls this.
pub async fn send_multipart<T: serde::de::DeserializeOwned>(
    config: &Config,
    http: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    form: reqwest::multipart::Form,
    operation_id: &'static str,
) -> Result<progenitor_client::ResponseValue<T>, crate::Error> {
    let request = http
        .request(method, url)
        .multipart(form)
        .build()
        .map_err(|e| {
            crate::Error::new(
                ErrorKind::InvalidArgument,
                format!("cannot build the request: {e}"),
            )
        })?;
    let info = OperationInfo { operation_id };
    let response = exec(config, http, request, &info).await?;
    if response.status().as_u16() == CARRIER_STATUS {
        // The same path as generated methods: the carrier's body is a WireError.
        let wire =
            progenitor_client::ResponseValue::<WireError>::from_response::<WireError>(response)
                .await?;
        return Err(progenitor_client::Error::ErrorResponse(wire).into());
    }
    Ok(decode(config, response).await?)
}
