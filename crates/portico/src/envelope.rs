//! Envelopes: providers that wrap every body as `{<status>: <ok>, <result>: …}` (Nango, TagoIO).
//! Each call opens its 2xx body here, so that generated methods return the result, and a
//! status other than `ok` becomes an error whatever the HTTP status says.

use std::fmt;

use bytes::Bytes;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::provider::{Envelope, EnvelopeMode};

/// What a 2xx body means under the provider's envelope: the bytes the operation decodes, or the
/// error the envelope reports.
///
/// One pass over the body reads the status and leaves the result as raw JSON, which the reply
/// then carries as a slice of the body: the result is neither built as a `serde_json::Value`
/// nor written out again (for 1,000 TagoIO data points that was three times the cost of
/// decoding them).
pub(crate) fn open(
    envelope: &Envelope,
    mode: EnvelopeMode,
    body: Bytes,
) -> Result<Bytes, Option<serde_json::Value>> {
    let mut reader = serde_json::Deserializer::from_slice(&body);
    let parts = reader
        .deserialize_map(PartsVisitor(envelope))
        .and_then(|parts| reader.end().map(|()| parts));
    let parts = match parts {
        Ok(parts) => parts,
        // Not JSON at all: let the decoder say so, with the body excerpt.
        Err(_) if serde_json::from_slice::<IgnoredAny>(&body).is_err() => return Ok(body),
        // JSON, but not an object: it has no status field.
        Err(_) => Parts::default(),
    };
    let Some(status) = parts.status else {
        return match mode {
            EnvelopeMode::Optional => Ok(body),
            _ => Err(None),
        };
    };
    if !envelope.ok.matches(&status) {
        return Err(serde_json::from_slice(&body).ok());
    }
    match mode {
        EnvelopeMode::Whole => Ok(body),
        EnvelopeMode::Unwrap | EnvelopeMode::Optional => Ok(match parts.result {
            Some(raw) => slice_of(&body, raw.get().as_bytes()),
            None => Bytes::from_static(b"null"),
        }),
    }
}

/// `part` of `body` without a copy (serde_json borrows raw values from the body it reads);
/// copied should it ever lie elsewhere.
fn slice_of(body: &Bytes, part: &[u8]) -> Bytes {
    let inside = body.as_ptr_range();
    let range = part.as_ptr_range();
    if inside.start <= range.start && range.end <= inside.end {
        body.slice_ref(part)
    } else {
        Bytes::copy_from_slice(part)
    }
}

/// The envelope's status, and its result as the raw JSON it is in the body.
#[derive(Default)]
struct Parts<'de> {
    status: Option<serde_json::Value>,
    result: Option<&'de RawValue>,
}

/// Reads an object's status and result fields (the last of each, as `serde_json::Value`
/// would) and skips the rest.
struct PartsVisitor<'e>(&'e Envelope);

impl<'de> Visitor<'de> for PartsVisitor<'_> {
    type Value = Parts<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Parts<'de>, A::Error> {
        let mut parts = Parts::default();
        while let Some(field) = map.next_key_seed(FieldSeed(self.0))? {
            match field {
                Field::Status => parts.status = Some(map.next_value()?),
                Field::Result => parts.result = Some(map.next_value()?),
                Field::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(parts)
    }
}

enum Field {
    Status,
    Result,
    Other,
}

struct FieldSeed<'e>(&'e Envelope);

impl<'de> DeserializeSeed<'de> for FieldSeed<'_> {
    type Value = Field;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Field, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for FieldSeed<'_> {
    type Value = Field;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E>(self, name: &str) -> Result<Field, E> {
        Ok(if name == self.0.status {
            Field::Status
        } else if name == self.0.result {
            Field::Result
        } else {
            Field::Other
        })
    }
}

#[cfg(test)]
mod tests {
    use super::open;
    use crate::provider::{Envelope, EnvelopeMode, EnvelopeOk};
    use bytes::Bytes;

    #[test]
    fn a_boolean_envelope_opens_or_reports_its_error() {
        let tago = Envelope {
            status: "status",
            ok: EnvelopeOk::Bool(true),
            result: "result",
        };
        let open = |mode, body: &str| open(&tago, mode, Bytes::from(body.to_string()));
        assert_eq!(
            open(
                EnvelopeMode::Unwrap,
                r#"{"status":true,"result":"2 Data Added"}"#
            )
            .unwrap(),
            Bytes::from_static(br#""2 Data Added""#)
        );
        let error = open(
            EnvelopeMode::Unwrap,
            r#"{"status":false,"message":"Authorization Denied"}"#,
        );
        assert_eq!(
            error.unwrap_err().unwrap()["message"],
            "Authorization Denied"
        );
        // Unwrapped replies: an error for `Unwrap`, taken as they are for `Optional`.
        assert_eq!(
            open(EnvelopeMode::Unwrap, r#"{"url":"x"}"#).unwrap_err(),
            None
        );
        assert_eq!(
            open(EnvelopeMode::Optional, r#"{"url":"x"}"#).unwrap(),
            Bytes::from_static(br#"{"url":"x"}"#)
        );
        assert_eq!(
            open(EnvelopeMode::Whole, r#"{"status":true,"result":[]}"#).unwrap(),
            Bytes::from_static(br#"{"status":true,"result":[]}"#)
        );
        // `"true"` is not `true`.
        assert!(open(EnvelopeMode::Unwrap, r#"{"status":"true","result":1}"#).is_err());
    }

    #[test]
    fn the_result_is_the_bodys_own_bytes_whatever_surrounds_it() {
        let nango = Envelope {
            status: "status",
            ok: EnvelopeOk::Text("ok"),
            result: "result",
        };
        let open = |body: &str| open(&nango, EnvelopeMode::Unwrap, Bytes::from(body.to_string()));
        // Fields in any order, others skipped, escapes in keys and values, nesting.
        let body = r#"{"result": {"a": [1, {"b": "x\"y"}], "status": "no"}, "extra": [true], "st\u0061tus": "ok"}"#;
        assert_eq!(
            open(body).unwrap(),
            Bytes::from_static(br#"{"a": [1, {"b": "x\"y"}], "status": "no"}"#)
        );
        // Without a copy: the result is a slice of the body.
        let body = Bytes::from_static(br#"{"status":"ok","result":[1,2,3]}"#);
        let result = super::open(&nango, EnvelopeMode::Unwrap, body.clone()).unwrap();
        assert!(body.as_ptr_range().contains(&result.as_ptr()));
        // The last of a repeated field counts, as it would in a `serde_json::Value`.
        assert_eq!(
            open(r#"{"status":"error","result":1,"status":"ok","result":2}"#).unwrap(),
            Bytes::from_static(b"2")
        );
        // No result: `null`.
        assert_eq!(
            open(r#"{"status":"ok"}"#).unwrap(),
            Bytes::from_static(b"null")
        );
        // An error keeps the whole body as JSON.
        let error = open(r#"{"status":"error","error_type":"x","error_msg":"y"}"#);
        assert_eq!(error.unwrap_err().unwrap()["error_msg"], "y");
        // JSON that is not an object has no status field; text that is not JSON goes through
        // to the decoder, as does an object with trailing bytes.
        assert_eq!(open("[1,2]").unwrap_err(), None);
        assert_eq!(open("<html>").unwrap(), Bytes::from_static(b"<html>"));
        assert_eq!(
            open(r#"{"status":"ok","result":1} x"#).unwrap(),
            Bytes::from_static(br#"{"status":"ok","result":1} x"#)
        );
    }
}
