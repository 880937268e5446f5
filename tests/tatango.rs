//! Every Tatango operation, called once through `portico-tatango` against a loopback server that
//! records what it received (method, path, `x-api-key`, User-Agent, JSON body) and answers 202
//! with the spec's example; then Tatango's error replies, the constraints the SDK enforces before
//! sending, and the documented rate limits.

use portico::{ErrorKind, RateLimitRule};
use portico_tatango::{PROVIDER, types};
use portico_tests::tatango::{client, sent, serve};
use portico_tests::{CANARY_KEY, Mocked, Server, Wire, example};
use serde_json::json;
use wiremock::ResponseTemplate;

const WEBHOOK: &str = "https://example.com/webhooks/tatango";

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn send_sms() {
    let wire = serve("send_sms").await;
    let reply = client(&wire)
        .send_sms()
        .body_map(|b| {
            b.phone_number("+1 555-123-4567")
                .webhook_url(WEBHOOK)
                .content("Your verification code is 482913. It expires in 10 minutes.")
        })
        .send()
        .await
        .expect("sent");
    let sent = sent(&wire).await;
    sent.assert_request("POST", "/transactional_messages/send_sms", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "phoneNumber": "+1 555-123-4567",
            "webhookUrl": "https://example.com/webhooks/tatango",
            "content": "Your verification code is 482913. It expires in 10 minutes."
        })
    );
    assert_eq!(reply.status().as_u16(), 202);
    let expected = example("tatango", "send_sms");
    assert_eq!(
        reply.transaction_id,
        expected["transactionId"].as_str().unwrap()
    );
    assert_eq!(reply.message, expected["message"].as_str().unwrap());
}

#[tokio::test]
async fn send_mms() {
    let wire = serve("send_mms").await;
    let reply = client(&wire)
        .send_mms()
        .body_map(|b| {
            b.phone_number("(555) 123-4567")
                .webhook_url(WEBHOOK)
                .content("Your order #1042 has shipped! Here is your receipt. Reply HELP for help.")
                .sms_failover(
                    "Your order #1042 has shipped. Track it at https://example.com/t/1042",
                )
                .subject(Some("Order shipped".parse().unwrap()))
                .attachment_url(Some(
                    "https://example.com/media/receipt-1042.png".to_string(),
                ))
        })
        .send()
        .await
        .expect("sent");
    let sent = sent(&wire).await;
    sent.assert_request("POST", "/transactional_messages/send_mms", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "phoneNumber": "(555) 123-4567",
            "webhookUrl": "https://example.com/webhooks/tatango",
            "content": "Your order #1042 has shipped! Here is your receipt. Reply HELP for help.",
            "smsFailover": "Your order #1042 has shipped. Track it at https://example.com/t/1042",
            "subject": "Order shipped",
            "attachmentUrl": "https://example.com/media/receipt-1042.png"
        })
    );
    assert_eq!(reply.status().as_u16(), 202);
    let expected = example("tatango", "send_mms");
    assert_eq!(
        reply.transaction_id,
        expected["transactionId"].as_str().unwrap()
    );
    assert_eq!(reply.message, expected["message"].as_str().unwrap());
}

#[tokio::test]
async fn send_whatsapp() {
    let wire = serve("send_whatsapp").await;
    let reply = client(&wire)
        .send_whatsapp()
        .body_map(|b| {
            b.phone_number("5551234567")
                .webhook_url(WEBHOOK)
                .whats_app_template_name("appointment_confirmation")
                .sms_failover(
                    types::SmsFailover::builder()
                        .content("Your appointment is confirmed for Tue 14 Oct at 10:30."),
                )
        })
        .send()
        .await
        .expect("sent");
    let sent = sent(&wire).await;
    sent.assert_request("POST", "/transactional_messages/send_whatsapp", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "phoneNumber": "5551234567",
            "webhookUrl": "https://example.com/webhooks/tatango",
            "whatsAppTemplateName": "appointment_confirmation",
            "smsFailover": {
                "content": "Your appointment is confirmed for Tue 14 Oct at 10:30."
            }
        })
    );
    assert_eq!(reply.status().as_u16(), 202);
    let expected = example("tatango", "send_whatsapp");
    assert_eq!(
        reply.transaction_id,
        expected["transactionId"].as_str().unwrap()
    );
    assert_eq!(reply.message, expected["message"].as_str().unwrap());
}

#[tokio::test]
async fn upload_whatsapp_template() {
    let wire = serve("upload_whatsapp_template").await;
    let reply = client(&wire)
        .upload_whatsapp_template()
        .body_map(|b| {
            b.name("appointment_confirmation")
                .language("en_US")
                .category(types::TemplateCategory::Utility)
                .structure(
                    types::TemplateStructure::builder()
                        .type_(types::TemplateStructureType::Text)
                        .body(
                            types::TemplateBody::builder()
                                .text("Your appointment is confirmed for {{1}} at {{2}}."),
                        ),
                )
                .webhook_url(WEBHOOK)
        })
        .send()
        .await
        .expect("uploaded");
    let sent = sent(&wire).await;
    sent.assert_request("POST", "/whatsapp_template/upload", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "name": "appointment_confirmation",
            "language": "en_US",
            "category": "UTILITY",
            "structure": {
                "type": "TEXT",
                "body": { "text": "Your appointment is confirmed for {{1}} at {{2}}." }
            },
            "webhookUrl": "https://example.com/webhooks/tatango"
        })
    );
    assert_eq!(reply.status().as_u16(), 202);
    let expected = example("tatango", "upload_whatsapp_template");
    assert_eq!(
        reply.transaction_id,
        expected["transactionId"].as_str().unwrap()
    );
    assert_eq!(reply.message, expected["message"].as_str().unwrap());
}

#[test]
fn every_operation_is_tested() {
    portico_tests::assert_every_operation_tested("tatango", include_str!("tatango.rs"), 4);
}

// ---------------------------------------------------------------------------------------------
// Errors: Tatango's body is `{"message": "..."}`; AWS API Gateway sets `x-amzn-RequestId`
// ---------------------------------------------------------------------------------------------

/// A Tatango error reply: `{"message": ...}` and API Gateway's request id header.
fn tatango_error(status: u16, message: &str, request_id: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .set_body_json(json!({ "message": message }))
        .insert_header("x-amzn-RequestId", request_id)
}

/// Calls `send_sms` with valid arguments against a server answering `reply`; returns the error
/// after checking the request really went out, once, with the key.
async fn fail_with(reply: ResponseTemplate) -> portico::Error {
    let wire = Wire::reply(reply).await;
    let result = client(&wire)
        .send_sms()
        .body_map(|b| {
            b.phone_number("5551234567")
                .webhook_url(WEBHOOK)
                .content("Hello")
        })
        .send()
        .await;
    let err = match result {
        Ok(_) => panic!("the call must fail"),
        Err(e) => portico::Error::from(e),
    };
    sent(&wire)
        .await
        .assert_request("POST", "/transactional_messages/send_sms", &[]);
    err
}

/// What every Tatango error must keep, and the canary key nowhere in its text.
fn check_error(
    err: &portico::Error,
    status: u16,
    kind: ErrorKind,
    message: &str,
    request_id: &str,
) {
    assert_eq!(err.kind(), kind, "{err}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
    assert_eq!(err.message(), message);
    assert_eq!(err.code(), None, "Tatango's error body has no code");
    assert_eq!(err.provider(), Some("tatango"));
    assert_eq!(err.request_id(), Some(request_id));
    assert!(err.was_sent());
    assert!(
        err.body_excerpt().unwrap().contains(message),
        "{:?}",
        err.body_excerpt()
    );
    let display = err.to_string();
    let debug = format!("{err:?}");
    for text in [&display, &debug] {
        assert!(!text.contains(CANARY_KEY), "the key leaked: {text}");
        assert!(!text.contains("CANARY"), "part of the key leaked: {text}");
    }
    for part in [&status.to_string(), message, request_id] {
        assert!(display.contains(part), "{display:?} lacks {part:?}");
    }
}

#[tokio::test]
async fn status_400_is_invalid_request() {
    let id = "5e1c2a8b-0f1d-4c3e-9a7b-400000000000";
    let err = fail_with(tatango_error(400, "Invalid request body", id)).await;
    check_error(
        &err,
        400,
        ErrorKind::InvalidRequest,
        "Invalid request body",
        id,
    );
    insta::assert_snapshot!("error_400", err.to_string());
}

#[tokio::test]
async fn status_403_is_auth_not_permission() {
    // Tatango (API Gateway) answers 403 for a missing or an invalid key.
    let id = "5e1c2a8b-0f1d-4c3e-9a7b-403000000000";
    let err = fail_with(tatango_error(403, "Forbidden", id)).await;
    check_error(&err, 403, ErrorKind::Auth, "Forbidden", id);
    insta::assert_snapshot!("error_403", err.to_string());
}

#[tokio::test]
async fn status_404_is_not_found() {
    let id = "5e1c2a8b-0f1d-4c3e-9a7b-404000000000";
    let err = fail_with(tatango_error(404, "Not Found", id)).await;
    check_error(&err, 404, ErrorKind::NotFound, "Not Found", id);
    insta::assert_snapshot!("error_404", err.to_string());
}

#[tokio::test]
async fn status_429_is_rate_limited_with_the_amzn_request_id() {
    let id = "d3b2c1a0-9f8e-4d7c-b6a5-429429429429";
    let err = fail_with(
        tatango_error(429, "Too Many Requests", id)
            .insert_header("x-amz-apigw-id", "Kx1AbCdEfGhIjKl=")
            .insert_header("x-amzn-ErrorType", "TooManyRequestsException"),
    )
    .await;
    check_error(&err, 429, ErrorKind::RateLimited, "Too Many Requests", id);
    // Tatango sends no rate-limit or retry-after headers.
    assert_eq!(err.retry_after(), None);
    assert_eq!(err.rate_limit(), None);
    insta::assert_snapshot!("error_429", err.to_string());
}

#[tokio::test]
async fn status_500_is_server() {
    let id = "5e1c2a8b-0f1d-4c3e-9a7b-500000000000";
    let err = fail_with(tatango_error(500, "Internal server error", id)).await;
    check_error(&err, 500, ErrorKind::Server, "Internal server error", id);
    insta::assert_snapshot!("error_500", err.to_string());
}

#[tokio::test]
async fn every_operation_maps_403_to_auth() {
    let wire = Wire::reply(tatango_error(403, "Forbidden", "req-403")).await;
    let client = client(&wire);
    let template = types::TemplateStructure::builder()
        .type_(types::TemplateStructureType::Text)
        .body(types::TemplateBody::builder().text("Hi {{1}}"));
    let results = [
        client
            .send_sms()
            .body_map(|b| {
                b.phone_number("5551234567")
                    .webhook_url(WEBHOOK)
                    .content("Hi")
            })
            .send()
            .await
            .map(drop),
        client
            .send_mms()
            .body_map(|b| {
                b.phone_number("5551234567")
                    .webhook_url(WEBHOOK)
                    .content("Hi")
                    .sms_failover("Hi")
            })
            .send()
            .await
            .map(drop),
        client
            .send_whatsapp()
            .body_map(|b| {
                b.phone_number("5551234567")
                    .webhook_url(WEBHOOK)
                    .whats_app_template_name("hi")
                    .sms_failover(types::SmsFailover::builder().content("Hi"))
            })
            .send()
            .await
            .map(drop),
        client
            .upload_whatsapp_template()
            .body_map(|b| {
                b.name("hi")
                    .language("en")
                    .category(types::TemplateCategory::Marketing)
                    .structure(template)
                    .webhook_url(WEBHOOK)
            })
            .send()
            .await
            .map(drop),
    ];
    for result in results {
        let err = portico::Error::from(result.expect_err("403"));
        assert_eq!(err.kind(), ErrorKind::Auth, "{err}");
        assert_eq!(err.message(), "Forbidden");
        assert_eq!(err.request_id(), Some("req-403"));
    }
    let requests = wire.server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 4);
    for request in &requests {
        assert_eq!(
            request
                .headers
                .get("x-api-key")
                .and_then(|v| v.to_str().ok()),
            Some(CANARY_KEY)
        );
    }
}

#[tokio::test]
async fn a_key_echoed_by_the_server_is_redacted() {
    let echo = format!("API key {CANARY_KEY} is not valid");
    let err = fail_with(tatango_error(403, &echo, "req-echo")).await;
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert!(err.message().contains("[REDACTED]"), "{}", err.message());
    for text in [
        err.to_string(),
        format!("{err:?}"),
        err.message().to_string(),
        err.body_excerpt().unwrap_or_default().to_string(),
    ] {
        assert!(!text.contains(CANARY_KEY), "the key leaked: {text}");
        assert!(!text.contains("CANARY"), "part of the key leaked: {text}");
    }
}

// ---------------------------------------------------------------------------------------------
// Constraints enforced before sending
// ---------------------------------------------------------------------------------------------

/// The call must fail as an invalid argument naming `field` and saying `reason`, and the server
/// must have received nothing.
async fn assert_refused<T, E>(wire: &Mocked, result: Result<T, E>, field: &str, reason: &str)
where
    portico::Error: From<E>,
{
    let err = match result {
        Ok(_) => panic!("{field}: the call must be refused before sending"),
        Err(e) => portico::Error::from(e),
    };
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
    assert!(!err.was_sent(), "{err}");
    assert_eq!(err.status(), None);
    assert!(
        err.message().contains(field),
        "{:?} does not name {field:?}",
        err.message()
    );
    assert!(
        err.message().contains(reason),
        "{:?} does not say {reason:?}",
        err.message()
    );
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains(CANARY_KEY), "the key leaked: {text}");
    }
    let received = wire.received().await;
    assert!(
        received.is_empty(),
        "{field}: {} request(s) reached the server",
        received.len()
    );
}

/// `send_sms` with these three values, against a server that would accept it.
async fn try_sms(
    phone: &str,
    webhook: &str,
    content: &str,
) -> (Mocked, Result<(), portico::Error>) {
    let wire = serve("send_sms").await;
    let result = client(&wire)
        .send_sms()
        .body_map(|b| b.phone_number(phone).webhook_url(webhook).content(content))
        .send()
        .await
        .map(drop)
        .map_err(portico::Error::from);
    (wire, result)
}

const NOT_GSM7: &str = "is not GSM-7 text";

#[tokio::test]
async fn sms_content_with_an_emoji_is_refused() {
    let (wire, result) = try_sms("5551234567", WEBHOOK, "Your table is ready 🍽").await;
    assert_refused(&wire, result, "content", NOT_GSM7).await;
}

#[tokio::test]
async fn sms_content_with_an_accent_outside_gsm7_is_refused() {
    // `à` is GSM-7, `á` is not.
    let (wire, result) = try_sms("5551234567", WEBHOOK, "Mañana a las 10, allá").await;
    assert_refused(&wire, result, "content", NOT_GSM7).await;
}

#[tokio::test]
async fn sms_content_of_161_characters_is_refused() {
    let content = "a".repeat(161);
    let (wire, result) = try_sms("5551234567", WEBHOOK, &content).await;
    assert_refused(&wire, result, "content", "longer than 160 characters").await;
}

#[tokio::test]
async fn a_plain_http_webhook_url_is_refused() {
    let (wire, result) =
        try_sms("5551234567", "http://example.com/webhooks/tatango", "Hello").await;
    assert_refused(&wire, result, "webhook_url", "must be an https:// URL").await;
}

#[tokio::test]
async fn a_webhook_url_of_256_characters_is_refused() {
    let base = "https://example.com/webhooks/";
    let url = format!("{base}{}", "x".repeat(256 - base.len()));
    assert_eq!(url.chars().count(), 256);
    let (wire, result) = try_sms("5551234567", &url, "Hello").await;
    assert_refused(&wire, result, "webhook_url", "longer than 255 characters").await;
}

#[tokio::test]
async fn a_phone_number_with_letters_is_refused() {
    let (wire, result) = try_sms("call me", WEBHOOK, "Hello").await;
    assert_refused(
        &wire,
        result,
        "phone_number",
        "is not a US or Canadian phone number",
    )
    .await;
}

#[tokio::test]
async fn a_phone_number_with_letters_among_digits_is_refused() {
    // Long enough for the 10-20 length rule, so only the letters can refuse it.
    let (wire, result) = try_sms("555-CALL-NOW-1", WEBHOOK, "Hello").await;
    assert_refused(
        &wire,
        result,
        "phone_number",
        "is not a US or Canadian phone number",
    )
    .await;
}

#[tokio::test]
async fn mms_content_of_3501_characters_is_refused() {
    let wire = serve("send_mms").await;
    let result = client(&wire)
        .send_mms()
        .body_map(|b| {
            b.phone_number("5551234567")
                .webhook_url(WEBHOOK)
                .content("m".repeat(3501))
                .sms_failover("Your MMS could not be delivered.")
        })
        .send()
        .await;
    assert_refused(&wire, result, "content", "longer than 3500 characters").await;
}

#[tokio::test]
async fn mms_subject_of_41_characters_is_refused() {
    // `subject` is optional, and the generated setter takes `Option<SendMmsRequestSubject>`, not
    // a `&str`: the caller builds the newtype with `parse()`, which is where the 40-character
    // limit is enforced (before anything can be sent). Its error converts into `portico::Error`
    // with `?`, as an invalid argument.
    async fn send_with_subject(
        wire: &Mocked,
        subject: &str,
    ) -> Result<types::AcceptedResponse, portico::Error> {
        let subject: types::SendMmsRequestSubject = subject.parse()?;
        let reply = client(wire)
            .send_mms()
            .body_map(|b| {
                b.phone_number("5551234567")
                    .webhook_url(WEBHOOK)
                    .content("Hello")
                    .sms_failover("Hello")
                    .subject(Some(subject))
            })
            .send()
            .await?;
        Ok(reply.into_inner())
    }
    let wire = serve("send_mms").await;
    let err = send_with_subject(&wire, &"s".repeat(41))
        .await
        .expect_err("41 characters must be refused");
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(!err.was_sent());
    assert!(err.message().contains("longer than 40 characters"), "{err}");
    assert!(wire.received().await.is_empty());

    // Exactly 40 is sent, unchanged.
    let wire = serve("send_mms").await;
    let subject = "s".repeat(40);
    client(&wire)
        .send_mms()
        .body_map(|b| {
            b.phone_number("5551234567")
                .webhook_url(WEBHOOK)
                .content("Hello")
                .sms_failover("Hello")
                .subject(Some(subject.parse().unwrap()))
        })
        .send()
        .await
        .expect("40 characters are allowed");
    assert_eq!(sent(&wire).await.json()["subject"], json!(subject));
}

/// `upload_whatsapp_template` with this language, against a server that would accept it.
async fn try_template_language(language: &str) -> (Mocked, Result<(), portico::Error>) {
    let wire = serve("upload_whatsapp_template").await;
    let result = client(&wire)
        .upload_whatsapp_template()
        .body_map(|b| {
            b.name("appointment_confirmation")
                .language(language)
                .category(types::TemplateCategory::Utility)
                .structure(
                    types::TemplateStructure::builder()
                        .type_(types::TemplateStructureType::Text)
                        .body(types::TemplateBody::builder().text("See you at {{1}}.")),
                )
                .webhook_url(WEBHOOK)
        })
        .send()
        .await
        .map(drop)
        .map_err(portico::Error::from);
    (wire, result)
}

#[tokio::test]
async fn a_template_language_of_one_character_is_refused() {
    let (wire, result) = try_template_language("e").await;
    assert_refused(&wire, result, "language", "shorter than 2 characters").await;
}

#[tokio::test]
async fn a_template_language_of_six_characters_is_refused() {
    let (wire, result) = try_template_language("en_USA").await;
    assert_refused(&wire, result, "language", "longer than 5 characters").await;
}

#[tokio::test]
async fn template_languages_of_two_and_five_characters_are_sent() {
    for language in ["en", "pt_BR"] {
        let (wire, result) = try_template_language(language).await;
        result.unwrap_or_else(|e| panic!("{language}: {e}"));
        assert_eq!(sent(&wire).await.json()["language"], json!(language));
    }
}

// ---------------------------------------------------------------------------------------------
// Values at the edge of the constraints are sent as given
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn sms_of_exactly_160_gsm7_characters_with_extension_characters_is_sent() {
    let head = "Price: €5 [promo] {code} ^~|\\ señor ñ Ä ü à Ø Δ Σ @£$¥ ¿¡ ";
    let content = format!("{head}{}", "z".repeat(160 - head.chars().count()));
    assert_eq!(content.chars().count(), 160);
    let (wire, result) = try_sms("5551234567", WEBHOOK, &content).await;
    result.expect("160 GSM-7 characters are allowed");
    let sent = sent(&wire).await;
    sent.assert_request("POST", "/transactional_messages/send_sms", &[]);
    assert_eq!(
        sent.json(),
        json!({
            "phoneNumber": "5551234567",
            "webhookUrl": "https://example.com/webhooks/tatango",
            "content": content
        })
    );
}

#[tokio::test]
async fn phone_numbers_in_common_formats_are_sent_as_given() {
    for phone in ["+1 555-123-4567", "(555) 123-4567", "5551234567"] {
        let (wire, result) = try_sms(phone, WEBHOOK, "Hello").await;
        result.unwrap_or_else(|e| panic!("{phone}: {e}"));
        let sent = sent(&wire).await;
        sent.assert_request("POST", "/transactional_messages/send_sms", &[]);
        assert_eq!(
            sent.json(),
            json!({
                "phoneNumber": phone,
                "webhookUrl": "https://example.com/webhooks/tatango",
                "content": "Hello"
            }),
            "{phone}"
        );
    }
}

#[tokio::test]
async fn a_webhook_url_of_255_characters_is_sent() {
    let base = "https://example.com/webhooks/";
    let url = format!("{base}{}", "x".repeat(255 - base.len()));
    let (wire, result) = try_sms("5551234567", &url, "Hello").await;
    result.expect("255 characters are allowed");
    assert_eq!(sent(&wire).await.json()["webhookUrl"], json!(url));
}

// ---------------------------------------------------------------------------------------------
// Provider facts
// ---------------------------------------------------------------------------------------------

#[test]
fn rate_limits_are_10_per_second_and_10000_per_day_per_api_key() {
    assert_eq!(
        PROVIDER.rate_limits,
        &[
            RateLimitRule {
                requests: 10,
                per_seconds: 1,
                scope: "api-key",
            },
            RateLimitRule {
                requests: 10_000,
                per_seconds: 86_400,
                scope: "api-key",
            },
        ]
    );
}

#[test]
fn the_key_goes_in_the_x_api_key_header() {
    assert_eq!(PROVIDER.auth, portico::Auth::Header("x-api-key"));
    assert_eq!(PROVIDER.name, "tatango");
    assert_eq!(PROVIDER.request_id_headers, &["x-amzn-requestid"]);
}
