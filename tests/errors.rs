//! Every way a call can fail, on the wire: each documented Resend error status, provider codes
//! that change the kind, non-JSON bodies, bad success bodies, transport failures, and secrets.

use std::time::Duration;

use portico::ErrorKind;
use portico_resend::Client;
use portico_tests::resend::client;
use portico_tests::{CANARY_KEY, Wire};
use serde_json::json;
use wiremock::ResponseTemplate;

/// Calls `get_email` against a server answering `reply`, and returns the error.
async fn fail_with(reply: ResponseTemplate) -> portico::Error {
    let wire = Wire::reply(reply).await;
    let result = client(&wire).get_email().email_id("4ef9a417").send().await;
    portico::Error::from(result.expect_err("the call must fail"))
}

fn resend_error(status: u16, name: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .set_body_json(json!({ "statusCode": status, "message": message, "name": name }))
        .insert_header("x-request-id", format!("req_{status}").as_str())
        .insert_header("ratelimit-limit", "5")
        .insert_header("ratelimit-remaining", "4")
        .insert_header("ratelimit-reset", "1")
}

#[tokio::test]
async fn every_documented_status_keeps_status_code_message_and_request_id() {
    let cases = [
        (
            400,
            "validation_error",
            "The `to` field is invalid.",
            ErrorKind::InvalidRequest,
        ),
        (
            400,
            "invalid_idempotency_key",
            "The key must be between 1-256 chars.",
            ErrorKind::InvalidRequest,
        ),
        (
            401,
            "missing_api_key",
            "Missing API key in the authorization header.",
            ErrorKind::Auth,
        ),
        (
            401,
            "restricted_api_key",
            "This API key is restricted to only send emails.",
            ErrorKind::Permission,
        ),
        (
            403,
            "invalid_api_key",
            "API key is invalid.",
            ErrorKind::Auth,
        ),
        (
            403,
            "validation_error",
            "You can only send testing emails to your own address.",
            ErrorKind::Permission,
        ),
        (404, "not_found", "Email not found", ErrorKind::NotFound),
        (
            405,
            "method_not_allowed",
            "Method PUT not allowed.",
            ErrorKind::InvalidRequest,
        ),
        (
            409,
            "invalid_idempotent_request",
            "Same idempotency key used with a different request payload.",
            ErrorKind::Conflict,
        ),
        (
            409,
            "concurrent_idempotent_requests",
            "Same idempotency key used while the original request is still in progress.",
            ErrorKind::Conflict,
        ),
        (
            422,
            "missing_required_field",
            "Missing `email` field.",
            ErrorKind::InvalidRequest,
        ),
        (
            429,
            "rate_limit_exceeded",
            "Too many requests.",
            ErrorKind::RateLimited,
        ),
        (
            429,
            "daily_quota_exceeded",
            "You have reached your daily email sending quota.",
            ErrorKind::QuotaExceeded,
        ),
        (
            429,
            "monthly_quota_exceeded",
            "You have reached your monthly email sending quota.",
            ErrorKind::QuotaExceeded,
        ),
        (
            451,
            "security_error",
            "We may have found a security issue with the request.",
            ErrorKind::InvalidRequest,
        ),
        (
            500,
            "application_error",
            "An unexpected error occurred.",
            ErrorKind::Server,
        ),
        (
            503,
            "service_unavailable",
            "The API is temporarily unavailable.",
            ErrorKind::Server,
        ),
    ];
    let mut lines = Vec::new();
    for (status, name, message, kind) in cases {
        let err = fail_with(resend_error(status, name, message)).await;
        assert_eq!(err.kind(), kind, "{status} {name}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(err.code(), Some(name));
        assert_eq!(err.message(), message);
        assert_eq!(err.provider(), Some("resend"));
        let request_id = format!("req_{status}");
        assert_eq!(err.request_id(), Some(request_id.as_str()));
        let rate_limit = err.rate_limit().expect("rate-limit headers kept");
        assert_eq!(
            (
                rate_limit.limit,
                rate_limit.remaining,
                rate_limit.reset.as_deref()
            ),
            (Some(5), Some(4), Some("1"))
        );
        assert!(err.body_excerpt().unwrap().contains(name));
        assert!(err.was_sent());
        let text = err.to_string();
        for part in [&status.to_string(), name, message, &request_id] {
            assert!(text.contains(part), "{text:?} lacks {part:?}");
        }
        assert!(!text.contains('\n'));
        lines.push(text);
    }
    insta::assert_snapshot!(lines.join("\n"));
}

#[tokio::test]
async fn html_502_from_a_proxy_keeps_its_status_and_kind() {
    let html = "<html><head><title>502 Bad Gateway</title></head>\n<body>cloudflare</body></html>";
    let err = fail_with(ResponseTemplate::new(502).set_body_raw(html, "text/html")).await;
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(err.code(), None);
    assert_eq!(err.body_excerpt(), Some(html));
    insta::assert_snapshot!(err.to_string(), @"resend: server error (HTTP 502): Bad Gateway (the body is not JSON)");
}

#[tokio::test]
async fn cloudflare_403_without_user_agent_page_is_permission_with_excerpt() {
    let page = "error code: 1010";
    let err = fail_with(ResponseTemplate::new(403).set_body_raw(page, "text/plain")).await;
    assert_eq!(err.kind(), ErrorKind::Permission);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(err.body_excerpt(), Some(page));
}

#[tokio::test]
async fn retry_after_in_seconds_and_as_http_date() {
    let err = fail_with(
        resend_error(429, "rate_limit_exceeded", "Too many requests.")
            .insert_header("retry-after", "7"),
    )
    .await;
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));

    let at = httpdate_in(Duration::from_secs(120));
    let err = fail_with(
        resend_error(429, "rate_limit_exceeded", "Too many requests.")
            .insert_header("retry-after", at.as_str()),
    )
    .await;
    let wait = err.retry_after().expect("an HTTP date is read");
    assert!(
        wait > Duration::from_secs(100) && wait <= Duration::from_secs(120),
        "{wait:?}"
    );
}

fn httpdate_in(delay: Duration) -> String {
    // RFC 7231 IMF-fixdate, computed by hand to keep the test free of extra crates.
    let secs = (std::time::SystemTime::now() + delay)
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (h, m, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][(month - 1) as usize];
    format!("{weekday}, {day:02} {month} {year} {h:02}:{m:02}:{s:02} GMT")
}

#[tokio::test]
async fn a_huge_error_body_is_cut_to_a_bounded_excerpt() {
    let body = "x".repeat(100_000);
    let err = fail_with(ResponseTemplate::new(500).set_body_raw(body, "text/plain")).await;
    let excerpt = err.body_excerpt().unwrap();
    assert!(
        excerpt.len() <= portico::error::BODY_EXCERPT_LIMIT + '…'.len_utf8(),
        "{}",
        excerpt.len()
    );
    assert!(excerpt.ends_with('…'));
}

#[tokio::test]
async fn malformed_json_on_200_is_a_decode_error_that_keeps_the_status() {
    let err = fail_with(
        ResponseTemplate::new(200)
            .set_body_raw("{\"object\":\"email\",\"id\":", "application/json"),
    )
    .await;
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(err.body_excerpt(), Some("{\"object\":\"email\",\"id\":"));
}

#[tokio::test]
async fn json_of_the_wrong_shape_is_a_decode_error_with_excerpt() {
    let body = r#"{"object":"email","id":42}"#;
    let err = fail_with(ResponseTemplate::new(200).set_body_raw(body, "application/json")).await;
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(
        err.message().contains("documented type"),
        "{}",
        err.message()
    );
    assert_eq!(err.body_excerpt(), Some(body));
}

#[tokio::test]
async fn an_unknown_enum_value_is_kept_not_an_error() {
    let reply = json!({ "object": "email", "id": "e1", "last_event": "teleported" });
    let wire = Wire::json(200, reply).await;
    let email = client(&wire)
        .get_email()
        .email_id("e1")
        .send()
        .await
        .expect("decodes");
    let event = email.last_event.clone().expect("present");
    assert!(event.is_unknown());
    assert_eq!(event.as_str(), "teleported");
}

#[tokio::test]
async fn connection_refused_is_a_connection_error_without_status() {
    // Bind, then drop, to get a port with nothing listening.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder()
        .api_key(CANARY_KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .build()
        .unwrap();
    let err = portico::Error::from(client.get_email().email_id("e1").send().await.unwrap_err());
    assert_eq!(err.kind(), ErrorKind::Connection);
    assert_eq!(err.status(), None);
    assert_eq!(err.provider(), Some("resend"));
}

#[tokio::test]
async fn a_stalled_reply_times_out() {
    let wire = Wire::reply(ResponseTemplate::new(200).set_delay(Duration::from_secs(5))).await;
    let client = Client::builder()
        .api_key(CANARY_KEY)
        .base_url(wire.url())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = portico::Error::from(client.get_email().email_id("e1").send().await.unwrap_err());
    assert_eq!(err.kind(), ErrorKind::Timeout);
}

#[tokio::test]
async fn a_missing_argument_fails_before_sending() {
    let wire = Wire::json(200, json!({})).await;
    let err = portico::Error::from(client(&wire).get_email().send().await.unwrap_err());
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(!err.was_sent());
    assert!(err.message().contains("email_id"), "{}", err.message());
    assert!(wire.server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn errors_convert_with_the_question_mark() {
    async fn fetch(client: &Client) -> Result<String, portico::Error> {
        let email = client.get_email().email_id("e1").send().await?;
        Ok(email.id.clone())
    }
    let wire = Wire::reply(resend_error(404, "not_found", "Email not found")).await;
    let err = fetch(&client(&wire)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn the_api_key_never_appears_in_debug_display_or_errors() {
    // A hostile server that echoes the key back in its error.
    let echo = format!("Bearer {CANARY_KEY} is not a valid key");
    let wire = Wire::reply(
        ResponseTemplate::new(403)
            .set_body_json(json!({ "statusCode": 403, "message": echo, "name": "invalid_api_key" }))
            .insert_header("x-request-id", "req_1"),
    )
    .await;
    let client = client(&wire);
    let err = portico::Error::from(client.get_email().email_id("e1").send().await.unwrap_err());
    assert!(err.message().contains("[REDACTED]"));
    let builder = Client::builder().api_key(CANARY_KEY);
    for text in [
        format!("{client:?}"),
        format!("{client:#?}"),
        format!("{err}"),
        format!("{err:?}"),
        format!("{builder:?}"),
        format!("{:?}", portico::Secret::new(CANARY_KEY)),
    ] {
        assert!(!text.contains(CANARY_KEY), "the key leaked: {text}");
        assert!(!text.contains("CANARY"), "part of the key leaked: {text}");
    }
}

#[test]
fn a_plain_http_base_url_is_refused_unless_loopback() {
    let err = Client::builder()
        .api_key(CANARY_KEY)
        .base_url("http://api.resend.com")
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    insta::assert_snapshot!(err.to_string(), @r#"invalid argument: invalid base URL "http://api.resend.com": https is required (plain http is allowed only for loopback hosts)"#);
    assert!(
        Client::builder()
            .api_key(CANARY_KEY)
            .base_url("http://127.0.0.1:1")
            .build()
            .is_ok()
    );
}

#[test]
fn a_missing_key_is_a_clear_error() {
    let err = Client::builder().build().unwrap_err();
    insta::assert_snapshot!(err.to_string(), @"invalid argument: no API key: call api_key(..) or set RESEND_API_KEY");
}

#[tokio::test]
async fn a_multipart_call_fails_the_same_way() {
    let wire = Wire::reply(resend_error(
        422,
        "invalid_parameter",
        "`file` must be a CSV file.",
    ))
    .await;
    let form = reqwest::multipart::Form::new().text("on_conflict", "skip");
    let err = client(&wire).create_contact_import(form).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422));
    assert_eq!(err.code(), Some("invalid_parameter"));
    assert_eq!(err.request_id(), Some("req_422"));
}

#[tokio::test]
async fn too_many_recipients_fail_before_sending() {
    // `to` allows at most 50 addresses (`maxItems: 50`); the 51st is refused by the builder.
    let wire = Wire::json(200, json!({ "id": "e1" })).await;
    let to: Vec<String> = (0..51).map(|i| format!("user{i}@example.com")).collect();
    let result = client(&wire)
        .send_email()
        .body_map(|b| b.from("a@acme.dev").to(to).subject("Hi"))
        .send()
        .await;
    let err = portico::Error::from(result.expect_err("51 recipients"));
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(
        err.message().contains("to: has more than 50 items"),
        "{}",
        err.message()
    );
    assert!(wire.server.received_requests().await.unwrap().is_empty());

    // 50 are fine.
    let to: Vec<String> = (0..50).map(|i| format!("user{i}@example.com")).collect();
    client(&wire)
        .send_email()
        .body_map(|b| b.from("a@acme.dev").to(to).subject("Hi"))
        .send()
        .await
        .expect("50 recipients are allowed");
}
