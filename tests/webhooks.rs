//! Webhook deliveries: each documented event of Tatango and Sendo parses into its typed variant,
//! an unknown event type is kept raw, a broken body is a clear `Decode` error, and Sendo's
//! `X-Webhook-Token` check accepts only the webhook's secret.

use portico::ErrorKind;
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::json;

mod tatango {
    use super::*;
    use portico_tatango::types::DeliveryStatus;
    use portico_tatango::webhooks::{Event, parse};

    #[test]
    fn delivery_status_parses_with_its_outcome() {
        let body = json!({
            "transactionId": "01890a5d-ac96-774b-bcce-b302099a8057",
            "eventType": "delivery_status",
            "body": { "phoneNumber": "5551234567", "status": "success", "deliveredAt": "2026-11-22T10:00:00Z" }
        });
        let Event::DeliveryStatus(event) = parse(body.to_string()).expect("parsed") else {
            panic!("not a delivery_status event");
        };
        assert_eq!(event.transaction_id, "01890a5d-ac96-774b-bcce-b302099a8057");
        assert_eq!(event.body.status, DeliveryStatus::Success);
        assert_eq!(event.body.phone_number, "5551234567");
        assert_eq!(
            event.body.delivered_at.as_deref(),
            Some("2026-11-22T10:00:00Z")
        );
    }

    #[test]
    fn delivery_status_keeps_bounces_and_unknown_outcomes() {
        let parse_status = |status: &str| {
            let body = json!({ "transactionId": "t", "eventType": "delivery_status",
                "body": { "phoneNumber": "5551234567", "status": status } });
            match parse(body.to_string()).expect("parsed") {
                Event::DeliveryStatus(event) => event.body.status,
                other => panic!("wrong variant: {other:?}"),
            }
        };
        assert_eq!(parse_status("soft bounce"), DeliveryStatus::SoftBounce);
        assert_eq!(parse_status("hard bounce"), DeliveryStatus::HardBounce);
        assert_eq!(
            parse_status("carrier filtered"),
            DeliveryStatus::Unknown("carrier filtered".into())
        );
    }

    #[test]
    fn reply_received_parses() {
        let body = json!({
            "transactionId": "t-1", "eventType": "reply_received",
            "body": { "phoneNumber": "5551234567", "sentAt": "2026-11-22T10:01:00Z", "content": "STOP", "channel": "SMS" }
        });
        let Event::ReplyReceived(event) = parse(body.to_string()).expect("parsed") else {
            panic!("not a reply_received event");
        };
        assert_eq!(event.body.content, "STOP");
        assert_eq!(event.body.channel.as_deref(), Some("SMS"));
    }

    #[test]
    fn invalid_phone_parses() {
        let body = json!({ "transactionId": "t-2", "eventType": "invalid_phone",
            "body": { "phoneNumber": "5551234567", "reason": "landline" } });
        let event = parse(body.to_string()).expect("parsed");
        assert_eq!(event.event_type(), "invalid_phone");
        let Event::InvalidPhone(event) = event else {
            panic!("not an invalid_phone event");
        };
        assert_eq!(event.body.reason.as_deref(), Some("landline"));
    }

    #[test]
    fn an_unknown_event_type_is_kept_raw() {
        let body = json!({ "transactionId": "t-3", "eventType": "template_reviewed",
            "body": { "name": "welcome", "approved": true } });
        let event = parse(body.to_string()).expect("an unknown type is not an error");
        assert_eq!(event.event_type(), "template_reviewed");
        let Event::Unknown {
            event_type,
            body: raw,
        } = event
        else {
            panic!("a new event type must land in Unknown");
        };
        assert_eq!(event_type, "template_reviewed");
        assert_eq!(raw, body, "the whole body is kept");
    }

    #[test]
    fn a_known_event_of_the_wrong_shape_is_a_decode_error() {
        let body = json!({ "transactionId": "t-4", "eventType": "delivery_status", "body": { "status": 7 } });
        let err = parse(body.to_string()).expect_err("wrong shape");
        assert_eq!(err.kind(), ErrorKind::Decode);
        assert!(err.message().contains("delivery_status"), "{err}");
        assert!(
            err.body_excerpt().unwrap().contains("\"status\":7"),
            "{err:?}"
        );
    }

    #[test]
    fn a_body_that_is_not_json_or_has_no_type_is_a_decode_error() {
        let err = parse("<html>502</html>").expect_err("not JSON");
        assert_eq!(err.kind(), ErrorKind::Decode);
        assert_eq!(err.body_excerpt(), Some("<html>502</html>"));

        let err = parse(r#"{"transactionId":"t"}"#).expect_err("no eventType");
        assert_eq!(err.kind(), ErrorKind::Decode);
        assert!(err.message().contains("eventType"), "{err}");
    }
}

mod sendo {
    use super::*;
    use portico_sendo::types::{MessageDirection, MessageErrorCode, MessageStatus};
    use portico_sendo::webhooks::{Event, parse, verify};

    fn message(status: &str) -> serde_json::Value {
        json!({
            "id": "0b6f3c2e-8d41-4a7b-9e15-2c7d9f4a6b81",
            "type": "SMS",
            "direction": "OUTBOUND",
            "from": "+14155550100",
            "to": "+14155550199",
            "body": "Your order has shipped.",
            "status": status,
            "errorCode": 1009,
            "errorMessage": "Device unreachable",
            "metadata": { "order": "A-17" },
            "campaignId": "k3x9p2qa"
        })
    }

    #[test]
    fn message_status_parses_with_open_status_and_code() {
        let body = json!({ "id": "evt_1", "type": "message.status", "timestamp": "2026-11-22T10:00:00Z",
            "message": message("FAILED") });
        let Event::MessageStatus(event) = parse(body.to_string()).expect("parsed") else {
            panic!("not a message.status event");
        };
        let message = event.message.expect("message");
        assert_eq!(message.status, Some(MessageStatus::Failed));
        assert_eq!(message.direction, Some(MessageDirection::Outbound));
        let code = message.error_code.expect("error code");
        assert_eq!(code.as_str(), "1009");
        assert!(!code.is_unknown(), "1009 is a documented code");
        assert!(code.description().is_some());
        assert_eq!(
            message.metadata.get("order").map(String::as_str),
            Some("A-17")
        );
    }

    #[test]
    fn message_incoming_parses() {
        let body = json!({ "id": "evt_2", "type": "message.incoming", "timestamp": "2026-11-22T10:00:00Z",
            "message": message("DELIVERED") });
        let event = parse(body.to_string()).expect("parsed");
        assert_eq!(event.event_type(), "message.incoming");
        assert!(matches!(event, Event::MessageIncoming(e) if e.id == "evt_2"));
    }

    #[test]
    fn recipient_optout_parses() {
        let body = json!({ "id": "evt_3", "type": "recipient.optout", "timestamp": "2026-11-22T10:00:00Z",
            "number": "+14155550199", "campaignId": "k3x9p2qa" });
        let Event::RecipientOptout(event) = parse(body.to_string()).expect("parsed") else {
            panic!("not a recipient.optout event");
        };
        assert_eq!(event.number.as_deref(), Some("+14155550199"));
        assert_eq!(event.campaign_id.as_deref(), Some("k3x9p2qa"));
    }

    #[test]
    fn unknown_statuses_codes_and_event_types_are_kept_raw() {
        let mut msg = message("CARRIER_HELD");
        msg["errorCode"] = json!("30007");
        let body =
            json!({ "id": "evt_4", "type": "message.status", "timestamp": "t", "message": msg });
        let Event::MessageStatus(event) = parse(body.to_string()).expect("parsed") else {
            panic!("not a message.status event");
        };
        let message = event.message.expect("message");
        assert_eq!(
            message.status,
            Some(MessageStatus::Unknown("CARRIER_HELD".into()))
        );
        assert_eq!(
            message.error_code,
            Some(MessageErrorCode::Unknown("30007".into()))
        );

        let body = json!({ "id": "evt_5", "type": "number.released", "timestamp": "t" });
        let event = parse(body.to_string()).expect("an unknown type is not an error");
        assert!(
            matches!(&event, Event::Unknown { event_type, body: raw } if event_type == "number.released" && *raw == body)
        );
    }

    fn headers(token: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        if let Some(token) = token {
            headers.insert("X-Webhook-Token", HeaderValue::from_str(token).unwrap());
        }
        headers
    }

    const SECRET: &str = "whk_7f3a9c1e5b2d8f4a6c0e";

    #[test]
    fn verify_accepts_the_webhooks_secret() {
        verify(&headers(Some(SECRET)), SECRET).expect("the right token");
    }

    #[test]
    fn verify_rejects_a_wrong_missing_or_empty_token_without_echoing_it() {
        let wrong = "whk_7f3a9c1e5b2d8f4a6c0f";
        for (what, headers, secret) in [
            ("wrong token", headers(Some(wrong)), SECRET),
            ("prefix of the secret", headers(Some(&SECRET[..10])), SECRET),
            ("no header", headers(None), SECRET),
            ("empty secret", headers(Some("")), ""),
        ] {
            let err = verify(&headers, secret).expect_err(what);
            assert_eq!(err.kind(), ErrorKind::Auth, "{what}");
            assert!(err.message().contains("X-Webhook-Token"), "{what}: {err}");
            let shown = format!("{err} {err:?}");
            assert!(
                !shown.contains(SECRET) && !shown.contains(wrong),
                "{what}: {shown}"
            );
        }
    }

    #[test]
    fn verify_reads_the_header_case_insensitively() {
        let mut headers = HeaderMap::new();
        headers.insert("x-webhook-token", HeaderValue::from_static(SECRET));
        verify(&headers, SECRET).expect("HTTP header names are case-insensitive");
    }
}

#[test]
fn constant_time_eq_compares_whole_values() {
    use portico::webhooks::constant_time_eq;
    assert!(constant_time_eq(b"", b""));
    assert!(constant_time_eq(b"secret", b"secret"));
    assert!(!constant_time_eq(b"secret", b"secreT"));
    assert!(!constant_time_eq(b"secret", b"secret\0"));
    assert!(!constant_time_eq(b"secret", b""));
}
