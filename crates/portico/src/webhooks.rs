//! Webhook events: reading a delivered body into a typed event, and checking a shared-secret
//! header.
//!
//! Each provider crate generated from a spec with `x-portico.webhooks` has a `webhooks` module
//! with an `Event` enum (one variant per documented event type, and `Unknown` for the rest) and
//! a `parse` function built on [`read_event`] and [`decode_event`]. Providers that send a shared
//! token get a `verify` function built on [`verify_token`].

use http::HeaderMap;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Error, ErrorKind, excerpt};

/// Reads a webhook body as JSON and returns the value of its type field with the whole body.
/// Fails with [`ErrorKind::Decode`] when the body is not a JSON object with a string `type_field`.
///
/// ```
/// let (kind, body) = portico::webhooks::read_event(br#"{"type":"ping","n":1}"#, "type").unwrap();
/// assert_eq!(kind, "ping");
/// assert_eq!(body["n"], 1);
/// ```
pub fn read_event(body: &[u8], type_field: &str) -> Result<(String, Value), Error> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        webhook_error(
            ErrorKind::Decode,
            format!("the webhook body is not JSON: {e}"),
            body,
        )
    })?;
    let event_type = value
        .get(type_field)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| {
            webhook_error(
                ErrorKind::Decode,
                format!("the webhook body has no string field {type_field:?}"),
                body,
            )
        })?;
    Ok((event_type, value))
}

/// Decodes the body of a known event type as its documented shape.
pub fn decode_event<T: DeserializeOwned>(event_type: &str, body: Value) -> Result<T, Error> {
    T::deserialize(&body).map_err(|e| {
        let text = body.to_string();
        webhook_error(
            ErrorKind::Decode,
            format!("the {event_type:?} event does not match its documented shape: {e}"),
            text.as_bytes(),
        )
    })
}

/// Checks that `header` carries `secret`, comparing in constant time. Fails with
/// [`ErrorKind::Auth`] when the header is missing or differs; the error never contains either
/// value.
///
/// ```
/// let mut headers = http::HeaderMap::new();
/// headers.insert("x-webhook-token", "s3cret".parse().unwrap());
/// assert!(portico::webhooks::verify_token(&headers, "X-Webhook-Token", "s3cret").is_ok());
/// assert!(portico::webhooks::verify_token(&headers, "X-Webhook-Token", "other").is_err());
/// ```
pub fn verify_token(headers: &HeaderMap, header: &str, secret: &str) -> Result<(), Error> {
    let Some(value) = headers.get(header) else {
        return Err(Error::new(
            ErrorKind::Auth,
            format!("the webhook request has no {header} header"),
        ));
    };
    if secret.is_empty() || !constant_time_eq(value.as_bytes(), secret.as_bytes()) {
        return Err(Error::new(
            ErrorKind::Auth,
            format!("the webhook request's {header} header does not match the webhook's secret"),
        ));
    }
    Ok(())
}

/// Whether `a` and `b` are equal, in time that depends only on their lengths, so that a
/// caller probing a secret learns nothing from how long a comparison takes.
///
/// ```
/// assert!(portico::webhooks::constant_time_eq(b"abc", b"abc"));
/// assert!(!portico::webhooks::constant_time_eq(b"abc", b"abd"));
/// assert!(!portico::webhooks::constant_time_eq(b"abc", b"abcd"));
/// ```
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = u8::from(a.len() != b.len());
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= x ^ y;
    }
    // Keep the optimiser from turning the loop into an early exit.
    std::hint::black_box(diff) == 0
}

fn webhook_error(kind: ErrorKind, message: String, body: &[u8]) -> Error {
    let mut error = Error::new(kind, message);
    error.set_body_excerpt(excerpt(body));
    error
}
