//! portico-mock as each provider: wrong requests get that provider's own error, on the wire
//! and through the SDK; rate limits answer with the provider's 429; faults are injected as
//! asked. (That every operation of every SDK succeeds against it is what the per-provider wire
//! tests show: they all run against portico-mock.)

use std::time::Duration;

use portico::ErrorKind;
use portico_mock::{FAULT_HEADER, Fault, MockServer, Provider};
use portico_tests::{CANARY_KEY, TATANGO_KEY, USER_TOKEN, UUID_KEY};
use serde_json::{Value, json};

async fn start(provider: Provider) -> MockServer {
    MockServer::start(provider).await.expect("the mock starts")
}

/// A raw request to the mock: what arrives when no SDK guards the door.
async fn raw(
    server: &MockServer,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let mut request =
        reqwest::Client::new().request(method.parse().unwrap(), format!("{}{path}", server.url()));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let reply = request.send().await.expect("the mock answers");
    let status = reply.status().as_u16();
    let headers = reply.headers().clone();
    let bytes = reply.bytes().await.unwrap();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).expect("a JSON body")
    };
    (status, headers, body)
}

/// A valid SMS through the Tatango SDK.
async fn send_sms(client: &portico_tatango::Client) -> Result<(), portico::Error> {
    client
        .send_sms()
        .body_map(|s| {
            s.phone_number("+15551234567")
                .content("Hi")
                .webhook_url("https://acme.dev/h")
        })
        .send()
        .await
        .map(drop)
        .map_err(portico::Error::from)
}

const BEARER_RESEND: &str = "Bearer re_CANARY_9f8e7d6c5b4a";

// ---------------------------------------------------------------------------------------------
// Each provider's errors, on the wire
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn resend_answers_a_wrong_request_as_resend_does() {
    let server = start(Provider::Resend).await;
    let email =
        json!({"from": "a@acme.dev", "to": ["b@acme.dev"], "subject": "Hi", "html": "<p>x</p>"});
    let cases = [
        (vec![], Some(email.clone()), 401, "missing_api_key"),
        (
            vec![("authorization", "Bearer sk_live_123")],
            Some(email.clone()),
            403,
            "invalid_api_key",
        ),
        (
            vec![("authorization", "Basic abc")],
            Some(email.clone()),
            403,
            "invalid_api_key",
        ),
        (
            vec![("authorization", BEARER_RESEND)],
            Some(json!({"from": "a@acme.dev", "to": ["b@acme.dev"]})),
            422,
            "missing_required_field",
        ),
        (
            vec![("authorization", BEARER_RESEND)],
            Some(json!({"from": "a@acme.dev", "to": "b@acme.dev", "subject": "Hi"})),
            400,
            "validation_error",
        ),
    ];
    for (headers, body, status, name) in cases {
        let (got, _, reply) = raw(&server, "POST", "/emails", &headers, body.clone()).await;
        assert_eq!(
            (got, reply["name"].as_str()),
            (status, Some(name)),
            "{headers:?} {body:?}: {reply}"
        );
        assert_eq!(reply["statusCode"], status);
    }
    let (_, _, reply) = raw(
        &server,
        "POST",
        "/emails",
        &[("authorization", BEARER_RESEND)],
        Some(json!({"from": "a@acme.dev", "to": ["b@acme.dev"]})),
    )
    .await;
    assert_eq!(reply["message"], "`subject` is required");
    let (_, _, reply) = raw(
        &server,
        "POST",
        "/emails",
        &[("authorization", BEARER_RESEND)],
        Some(json!({"from": "a@acme.dev", "to": "b@acme.dev", "subject": "Hi"})),
    )
    .await;
    assert_eq!(reply["message"], "`to` must be an array, not a string");
    let (status, _, reply) = raw(
        &server,
        "GET",
        "/no-such-thing",
        &[("authorization", BEARER_RESEND)],
        None,
    )
    .await;
    assert_eq!((status, reply["name"].as_str()), (404, Some("not_found")));
    let (status, _, reply) = raw(
        &server,
        "GET",
        "/emails?limit=500",
        &[("authorization", BEARER_RESEND)],
        None,
    )
    .await;
    assert_eq!(
        (status, reply["message"].as_str()),
        (400, Some("`limit` must be at most 100, not 500"))
    );
}

#[tokio::test]
async fn tatango_answers_a_wrong_request_as_its_api_gateway_does() {
    let server = start(Provider::Tatango).await;
    let sms = json!({"phoneNumber": "+15551234567", "content": "Hi", "webhookUrl": "https://acme.dev/hook"});
    for headers in [
        vec![],
        vec![("x-api-key", "re_123")],
        vec![("authorization", "Bearer tatango_key_1")],
    ] {
        let (status, reply_headers, reply) = raw(
            &server,
            "POST",
            "/transactional_messages/send_sms",
            &headers,
            Some(sms.clone()),
        )
        .await;
        assert_eq!(
            (status, reply),
            (403, json!({"message": "Forbidden"})),
            "{headers:?}"
        );
        assert!(reply_headers.contains_key("x-amzn-requestid"));
    }
    let key = [("x-api-key", TATANGO_KEY)];
    let (status, _, reply) = raw(
        &server,
        "POST",
        "/transactional_messages/send_sms",
        &key,
        Some(json!({"phoneNumber": "+15551234567"})),
    )
    .await;
    assert_eq!(status, 400, "{reply}");
    assert!(
        reply["message"].as_str().unwrap().ends_with("is required"),
        "{reply}"
    );
    let (status, _, _) = raw(
        &server,
        "POST",
        "/transactional_messages/send_sms",
        &key,
        Some(sms),
    )
    .await;
    assert_eq!(status, 202);
}

#[tokio::test]
async fn sendo_answers_a_missing_key_401_and_a_bad_one_403() {
    let server = start(Provider::Sendo).await;
    let (status, headers, reply) = raw(&server, "GET", "/v1/campaign/list", &[], None).await;
    assert_eq!(
        (status, reply["success"].clone()),
        (401, json!(false)),
        "{reply}"
    );
    assert!(headers.contains_key("x-ratelimit-reset"));
    let (status, _, reply) = raw(
        &server,
        "GET",
        "/v1/campaign/list",
        &[("authorization", "Bearer ")],
        None,
    )
    .await;
    assert_eq!(
        (status, reply["error"].as_str()),
        (403, Some("The API key is invalid."))
    );
    let (status, _, reply) = raw(
        &server,
        "POST",
        "/v1/message/send",
        &[("authorization", "Bearer sendo_1")],
        Some(json!({"campaign": "k3x9p2qa", "to": "+14155550100"})),
    )
    .await;
    assert_eq!(status, 400, "{reply}");
    assert_eq!(reply["success"], false);
}

#[tokio::test]
async fn nango_answers_in_its_error_envelope() {
    let server = start(Provider::Nango).await;
    let (status, _, reply) = raw(&server, "GET", "/crm/contacts", &[], None).await;
    assert_eq!(
        (
            status,
            reply["status"].as_str(),
            reply["error_type"].as_str()
        ),
        (401, Some("error"), Some("AUTH_ERROR"))
    );
    let api_key = format!("Bearer {UUID_KEY}");
    // The API key alone does not reach an end user's CRM.
    let (status, _, reply) = raw(
        &server,
        "GET",
        "/crm/contacts",
        &[("authorization", &api_key)],
        None,
    )
    .await;
    assert_eq!(
        (status, reply["error_type"].as_str()),
        (401, Some("AUTH_ERROR")),
        "{reply}"
    );
    let both = [
        ("authorization", api_key.as_str()),
        ("x-user-account", USER_TOKEN),
    ];
    let (status, _, reply) = raw(&server, "GET", "/crm/contacts?page_size=1000", &both, None).await;
    assert_eq!(
        (status, reply["error_type"].as_str()),
        (400, Some("PARAMS_ERROR")),
        "{reply}"
    );
    assert!(
        reply["error_msg"].as_str().unwrap().contains("page_size"),
        "{reply}"
    );
    let (status, _, reply) = raw(&server, "GET", "/crm/contacts", &both, None).await;
    assert_eq!((status, reply["status"].as_str()), (200, Some("ok")));
}

#[tokio::test]
async fn tago_answers_status_false_and_lets_anonymous_routes_through() {
    let server = start(Provider::Tago).await;
    let (status, _, reply) = raw(&server, "GET", "/device", &[], None).await;
    assert_eq!(
        (status, reply["status"].clone()),
        (401, json!(false)),
        "{reply}"
    );
    let (status, _, reply) = raw(&server, "GET", "/device", &[("token", "not-a-uuid")], None).await;
    assert_eq!(
        (status, reply["status"].clone()),
        (401, json!(false)),
        "{reply}"
    );
    let (status, _, reply) = raw(&server, "GET", "/device", &[("token", UUID_KEY)], None).await;
    assert_eq!((status, reply["status"].clone()), (200, json!(true)));
    assert!(
        reply["result"].is_array(),
        "the result inside the envelope: {reply}"
    );
    let (status, _, reply) = raw(
        &server,
        "GET",
        "/device?amount=lots",
        &[("token", UUID_KEY)],
        None,
    )
    .await;
    assert_eq!(status, 400, "{reply}");
    assert_eq!(
        reply["message"],
        "`amount` must be an integer, not a string"
    );
}

// ---------------------------------------------------------------------------------------------
// The same errors through the SDKs
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn each_sdk_reads_its_providers_bad_key_reply_as_an_auth_error() {
    let resend = start(Provider::Resend).await;
    let client = portico_resend::Client::builder()
        .api_key("sk_not_a_resend_key")
        .base_url(resend.url())
        .build()
        .unwrap();
    let err = portico::Error::from(client.list_domains().send().await.unwrap_err());
    assert_eq!(
        (err.kind(), err.status().map(|s| s.as_u16()), err.code()),
        (ErrorKind::Auth, Some(403), Some("invalid_api_key"))
    );

    let tatango = start(Provider::Tatango).await;
    let client = portico_tatango::Client::builder()
        .api_key(CANARY_KEY)
        .base_url(tatango.url())
        .build()
        .unwrap();
    let err = send_sms(&client).await.unwrap_err();
    assert_eq!((err.kind(), err.message()), (ErrorKind::Auth, "Forbidden"));
    assert!(
        err.request_id().is_some(),
        "Tatango's x-amzn-RequestId: {err}"
    );

    let nango = start(Provider::Nango).await;
    let client = portico_nango::Client::builder()
        .api_key(CANARY_KEY)
        .user_token(USER_TOKEN)
        .base_url(nango.url())
        .build()
        .unwrap();
    let err = portico::Error::from(client.list_contacts().send().await.unwrap_err());
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::Auth, Some("AUTH_ERROR")),
        "{err}"
    );
    assert!(!err.to_string().contains(CANARY_KEY));

    let tago = start(Provider::Tago).await;
    let client = portico_tago::Client::builder()
        .api_key(CANARY_KEY)
        .base_url(tago.url())
        .build()
        .unwrap();
    let err = portico::Error::from(client.list_devices().send().await.unwrap_err());
    assert_eq!(err.kind(), ErrorKind::Auth, "{err}");
}

#[tokio::test]
async fn sendo_rate_limit_headers_reach_the_sdk() {
    let server = start(Provider::Sendo).await;
    let client = portico_sendo::Client::builder()
        .api_key("sendo_key")
        .base_url(server.url())
        .build()
        .unwrap();
    let reply = client.list_campaigns().send().await.unwrap();
    let limit = portico_sendo::rate_limit(reply.headers()).expect("X-RateLimit-* on the reply");
    assert_eq!((limit.limit, limit.remaining), (Some(20), Some(19)));
}

// ---------------------------------------------------------------------------------------------
// Rate limits
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn resend_over_five_a_second_gets_its_429_with_headers() {
    let server = MockServer::builder(Provider::Resend)
        .rate_limits(true)
        .start()
        .await
        .unwrap();
    let auth = [("authorization", BEARER_RESEND)];
    for i in 0..5 {
        let (status, headers, _) = raw(&server, "GET", "/domains", &auth, None).await;
        assert_eq!(status, 200);
        assert_eq!(headers["ratelimit-remaining"], (4 - i).to_string().as_str());
    }
    let (status, headers, reply) = raw(&server, "GET", "/domains", &auth, None).await;
    assert_eq!(
        (status, reply["name"].as_str()),
        (429, Some("rate_limit_exceeded"))
    );
    assert_eq!(headers["retry-after"], "1");
    assert_eq!(headers["ratelimit-remaining"], "0");
    // Another key has its own window.
    let (status, _, _) = raw(
        &server,
        "GET",
        "/domains",
        &[("authorization", "Bearer re_other")],
        None,
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn tatangos_own_limit_keeps_an_sdk_under_the_mocks_and_without_it_a_send_is_refused() {
    let server = MockServer::builder(Provider::Tatango)
        .rate_limits(true)
        .start()
        .await
        .unwrap();
    let limited = portico_tatango::Client::builder()
        .api_key(TATANGO_KEY)
        .base_url(server.url())
        .build()
        .unwrap();
    for i in 0..12 {
        send_sms(&limited)
            .await
            .unwrap_or_else(|e| panic!("send {i}: {e}"));
    }
    assert_eq!(
        server.requests().len(),
        12,
        "the SDK's 10/s limiter met no 429"
    );

    let unlimited = portico_tatango::Client::builder()
        .api_key("tatango_key_other")
        .base_url(server.url())
        .rate_limits([])
        .retry(portico::RetryPolicy::none())
        .build()
        .unwrap();
    let mut refused = None;
    for _ in 0..11 {
        if let Err(e) = send_sms(&unlimited).await {
            refused = Some(e);
        }
    }
    let err = refused.expect("the 11th send within a second is refused");
    assert_eq!(
        (err.kind(), err.message()),
        (ErrorKind::RateLimited, "Too Many Requests")
    );
    assert!(err.request_id().is_some());
}

#[tokio::test]
async fn tago_limits_each_route_by_plan() {
    let free = MockServer::builder(Provider::Tago)
        .rate_limits(true)
        .start()
        .await
        .unwrap();
    let token = [("token", UUID_KEY)];
    let mut statuses = Vec::new();
    for _ in 0..61 {
        statuses.push(raw(&free, "GET", "/info", &token, None).await.0);
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        60,
        "Free allows 60 a minute"
    );
    let (status, _, reply) = raw(&free, "GET", "/info", &token, None).await;
    assert_eq!(status, 429);
    let message = reply["message"].as_str().unwrap();
    assert!(
        message.starts_with("Too many requests (Retry-After: "),
        "{message}"
    );
    let scale = MockServer::builder(Provider::Tago)
        .rate_limits(true)
        .plan("scale")
        .start()
        .await
        .unwrap();
    for _ in 0..61 {
        assert_eq!(raw(&scale, "GET", "/info", &token, None).await.0, 200);
    }
    let err = MockServer::builder(Provider::Tago)
        .plan("platinum")
        .start()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no plan \"platinum\""), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Faults
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn an_injected_fault_meets_the_next_request_and_the_sdk_retries_past_it() {
    let server = start(Provider::Resend).await;
    server.inject(Fault::html(503));
    server.inject(Fault::ResetBeforeRead);
    let client = portico_resend::Client::builder()
        .api_key(CANARY_KEY)
        .base_url(server.url())
        .retry(
            portico::RetryPolicy::default()
                .max_retries(2)
                .initial_backoff(Duration::from_millis(1)),
        )
        .build()
        .unwrap();
    let domains = client
        .list_domains()
        .send()
        .await
        .expect("the third attempt succeeds");
    assert!(!domains.data.is_empty());
    // The reset came before the request was read, so two requests were recorded.
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn the_fault_header_changes_the_reply_to_its_own_request() {
    let server = start(Provider::Resend).await;
    let auth = ("authorization", BEARER_RESEND);
    let (status, _, reply) = raw(
        &server,
        "GET",
        "/domains",
        &[auth, (FAULT_HEADER, "status=500")],
        None,
    )
    .await;
    assert_eq!(status, 500);
    assert_eq!(reply["object"], "list", "the body stays the mock's answer");

    let started = std::time::Instant::now();
    let (status, _, _) = raw(
        &server,
        "GET",
        "/domains",
        &[auth, (FAULT_HEADER, "delay=300ms")],
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));

    let url = format!("{}/domains", server.url());
    let send = |fault: &'static str| {
        reqwest::Client::new()
            .get(url.clone())
            .header(auth.0, auth.1)
            .header(FAULT_HEADER, fault)
            .send()
    };
    assert!(send("reset").await.is_err(), "a reset");
    let truncated = send("truncate").await.expect("status and headers arrive");
    assert!(truncated.bytes().await.is_err(), "the body is cut short");
    let malformed = send("malformed").await.unwrap().bytes().await.unwrap();
    assert!(serde_json::from_slice::<Value>(&malformed).is_err());

    let client = portico_resend::Client::builder()
        .api_key(CANARY_KEY)
        .base_url(server.url())
        .retry(portico::RetryPolicy::none())
        .http_client(
            reqwest::Client::builder()
                .default_headers(
                    [(FAULT_HEADER.parse().unwrap(), "malformed".parse().unwrap())]
                        .into_iter()
                        .collect(),
                )
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    let err = portico::Error::from(client.list_domains().send().await.unwrap_err());
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
}

// ---------------------------------------------------------------------------------------------
// Specs it cannot serve
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_spec_it_cannot_serve_is_refused_naming_file_and_place() {
    let spec = Provider::Sendo.spec().replacen(
        "      missing-credential:\n        status: 401",
        "      missing-credential:\n        status: 200",
        1,
    );
    let err = MockServer::from_spec("sendo-edited.yaml", &spec)
        .start()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot serve the spec: sendo-edited.yaml: x-portico.mock.errors.missing-credential.status: an HTTP error status"
    );
}
