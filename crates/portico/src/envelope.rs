//! Envelopes: providers that wrap every body as `{<status>: <ok>, <result>: …}` (Nango, TagoIO).
//! The exec hook opens each 2xx body here, so that generated methods return the result, and a
//! status other than `ok` becomes an error whatever the HTTP status says.

use bytes::Bytes;

use crate::provider::{Envelope, EnvelopeMode};

/// What a 2xx body means under the provider's envelope: the bytes the operation decodes, or the
/// error the envelope reports.
pub(crate) fn open(
    envelope: &Envelope,
    mode: EnvelopeMode,
    body: Bytes,
) -> Result<Bytes, Option<serde_json::Value>> {
    let value: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(value) => value,
        // Not JSON at all: let the decoder say so, with the body excerpt.
        Err(_) => return Ok(body),
    };
    let Some(status) = value.get(envelope.status) else {
        return match mode {
            EnvelopeMode::Optional => Ok(body),
            _ => Err(None),
        };
    };
    if !envelope.ok.matches(status) {
        return Err(Some(value));
    }
    match mode {
        EnvelopeMode::Whole => Ok(body),
        EnvelopeMode::Unwrap | EnvelopeMode::Optional => {
            let result = value
                .get(envelope.result)
                .unwrap_or(&serde_json::Value::Null);
            Ok(Bytes::from(serde_json::to_vec(result).unwrap_or_default()))
        }
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
}
