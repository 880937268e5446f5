//! TagoIO's rules on the wire: the envelope (an error inside it fails the call even on HTTP 200),
//! the two token scopes, bracketed query arrays, page and data pagination, per-route rate limits
//! by plan, and the 429 wait read from the message text.

use std::time::Duration;

use portico::clock::ManualClock;
use portico::{CallStats, ErrorKind};
use portico_tago::{Client, DeviceClient, StreamExt as _, types};
use portico_tests::fault::{Fault, FaultServer};
use portico_tests::tago::{client, device, wire_example};
use portico_tests::{CANARY_KEY, Wire, example};
use serde_json::{Value, json};
use wiremock::matchers::{any, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const DEVICE: &str = "6509a8f1c3b2d4e5f6a7b8c9";
const PROFILE: &str = "64f1c2a9b7e3d5f0a1b2c3d4";

// ---------------------------------------------------------------------------------------------
// The envelope
// ---------------------------------------------------------------------------------------------

async fn get_device_against(status: u16, body: Value) -> portico::Error {
    let wire = Wire::json(status, body).await;
    client(&wire)
        .get_device()
        .id(DEVICE)
        .send()
        .await
        .map_err(portico::Error::from)
        .expect_err("the call fails")
}

#[tokio::test]
async fn status_false_is_an_error_even_on_http_200() {
    let cases = [
        (
            200,
            json!({ "status": false, "message": "Authorization Denied" }),
            ErrorKind::InvalidRequest,
        ),
        (
            200,
            json!({ "status": false, "result": { "message": "Device not found" } }),
            ErrorKind::InvalidRequest,
        ),
        (
            400,
            json!({ "status": false, "message": "Invalid device id" }),
            ErrorKind::InvalidRequest,
        ),
        (
            401,
            json!({ "status": false, "message": "Invalid token" }),
            ErrorKind::Auth,
        ),
        (
            403,
            json!({ "status": false, "message": "Authorization Denied" }),
            ErrorKind::Permission,
        ),
        (
            404,
            json!({ "status": false, "result": { "message": "Device not found" } }),
            ErrorKind::NotFound,
        ),
        (
            500,
            json!({ "status": false, "message": "Internal error" }),
            ErrorKind::Server,
        ),
    ];
    let mut lines = Vec::new();
    for (status, body, kind) in cases {
        let err = get_device_against(status, body.clone()).await;
        assert_eq!(err.kind(), kind, "{status} {body}: {err}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        let expected = body["message"]
            .as_str()
            .or(body["result"]["message"].as_str());
        assert_eq!(
            Some(err.message()),
            expected,
            "the message, wherever TagoIO put it"
        );
        assert!(!err.to_string().contains(CANARY_KEY));
        lines.push(err.to_string());
    }
    insta::assert_snapshot!(lines.join("\n"));
}

#[tokio::test]
async fn methods_return_the_result_inside_the_envelope() {
    let wire = Wire::json(200, wire_example("get_device")).await;
    let device = client(&wire).get_device().id(DEVICE).send().await.unwrap();
    assert_eq!(
        device.id.as_deref(),
        example("tago", "get_device")["id"].as_str()
    );
    // Outside the envelope, a reply is not what TagoIO sends: a decode error that keeps the body.
    let wire = Wire::json(200, example("tago", "get_device")).await;
    let err = client(&wire)
        .get_device()
        .id(DEVICE)
        .send()
        .await
        .map_err(portico::Error::from)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert!(err.message().contains("envelope"), "{err}");
}

#[tokio::test]
async fn backup_replies_decode_wrapped_or_not() {
    for body in [
        example("tago", "create_backup"),
        wire_example("create_backup"),
    ] {
        let wire = Wire::json(200, body.clone()).await;
        let client = Client::builder()
            .api_key(CANARY_KEY)
            .base_url(wire.url())
            .plan("starter")
            .build()
            .unwrap();
        let started = client
            .create_backup()
            .id(PROFILE)
            .send()
            .await
            .expect("decoded");
        assert_eq!(
            started.backup_id.as_deref(),
            Some("66b1c2d3e4f5a6b7c8d9e0f1"),
            "{body}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Tokens: a device client and a profile client
// ---------------------------------------------------------------------------------------------

#[test]
fn the_device_client_has_exactly_the_seven_device_routes() {
    let ids = |p: &portico::Provider| p.operations.iter().map(|op| op.id).collect::<Vec<_>>();
    let device = ids(&portico_tago::DEVICE_PROVIDER);
    assert_eq!(
        device,
        [
            "delete_data",
            "edit_data",
            "get_data",
            "get_info",
            "list_params",
            "mark_param_sent",
            "send_data"
        ]
    );
    let profile = ids(&portico_tago::PROVIDER);
    assert_eq!(profile.len(), 143);
    assert!(device.iter().all(|id| !profile.contains(id)));
    assert_eq!(portico_tago::DEVICE_PROVIDER.env_var, "TAGOIO_DEVICE_TOKEN");
    assert_eq!(portico_tago::PROVIDER.env_var, "TAGOIO_TOKEN");
}

#[tokio::test]
async fn a_device_reads_its_data_with_bracketed_arrays() {
    let wire = Wire::json(200, wire_example("get_data")).await;
    let reply = device(&wire)
        .get_data()
        .variables(vec!["temperature".to_string(), "humidity".to_string()])
        .groups(vec!["batch-7".to_string()])
        .qty(50)
        .send()
        .await
        .expect("read");
    let sent = portico_tests::tago::sent(&wire, "get_data").await;
    sent.assert_request(
        "GET",
        "/data",
        &[
            ("groups[]", "batch-7"),
            ("qty", "50"),
            ("variables[]", "temperature"),
            ("variables[]", "humidity"),
        ],
    );
    let types::DataReply::DataPointList(points) = reply.into_inner() else {
        panic!("a list of data points");
    };
    assert!(!points.is_empty());
    // A count answers with a bare number.
    let wire = Wire::json(200, json!({ "status": true, "result": 42 })).await;
    let count = device(&wire)
        .get_data()
        .query(types::DataQuery::Count)
        .send()
        .await
        .unwrap();
    assert!(matches!(count.into_inner(), types::DataReply::Double(n) if n == 42.0));
}

#[test]
fn regions() {
    assert_eq!(
        portico_tago::regions::US_E1,
        portico_tago::PROVIDER.default_base_url
    );
    assert_eq!(portico_tago::regions::EU_W1, "https://api.eu-w1.tago.io");
    let eu = Client::builder()
        .api_key(CANARY_KEY)
        .base_url(portico_tago::regions::EU_W1)
        .build();
    assert!(eu.is_ok());
    let deploy = DeviceClient::builder()
        .api_key(CANARY_KEY)
        .base_url("https://api.acme-7f3a.tagoio.net")
        .build();
    assert!(deploy.is_ok());
}

// ---------------------------------------------------------------------------------------------
// Pagination
// ---------------------------------------------------------------------------------------------

fn devices(range: std::ops::Range<usize>) -> ResponseTemplate {
    let items: Vec<Value> = range
        .map(|i| json!({ "id": format!("d{i}"), "name": format!("Sensor {i}") }))
        .collect();
    ResponseTemplate::new(200).set_body_json(json!({ "status": true, "result": items }))
}

#[tokio::test]
async fn a_device_list_streams_page_after_page_until_a_short_page() {
    let server = MockServer::start().await;
    for (page, range) in [("1", 0..20), ("2", 20..40), ("3", 40..45)] {
        Mock::given(query_param("page", page))
            .respond_with(devices(range))
            .mount(&server)
            .await;
    }
    let client = Client::builder()
        .api_key(CANARY_KEY)
        .base_url(server.uri())
        .build()
        .unwrap();
    let names: Vec<String> = client
        .list_devices()
        .fields(vec!["id".to_string(), "name".to_string()])
        .filter_name("Sensor*")
        .stream()
        .map(|d| d.expect("a device").name.unwrap_or_default())
        .collect()
        .await;
    assert_eq!(names.len(), 45);
    assert_eq!(names[44], "Sensor 44");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    for (i, request) in requests.iter().enumerate() {
        let pairs: Vec<(String, String)> = request
            .url
            .query_pairs()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        let has = |k: &str, v: &str| pairs.iter().any(|(a, b)| a == k && b == v);
        assert!(has("page", &(i + 1).to_string()), "{pairs:?}");
        assert!(
            has("amount", "20") && has("filter[name]", "Sensor*"),
            "{pairs:?}"
        );
        assert!(
            has("fields[]", "id") && has("fields[]", "name"),
            "{pairs:?}"
        );
    }
}

fn points(range: std::ops::Range<usize>) -> ResponseTemplate {
    let items: Vec<Value> = range
        .map(|i| json!({ "id": format!("p{i}"), "variable": "temperature", "value": i as f64 / 2.0 }))
        .collect();
    ResponseTemplate::new(200).set_body_json(json!({ "status": true, "result": items }))
}

#[tokio::test]
async fn device_data_streams_with_qty_and_skip() {
    let server = MockServer::start().await;
    for (skip, range) in [("0", 0..3), ("3", 3..6), ("6", 6..7)] {
        Mock::given(query_param("skip", skip))
            .respond_with(points(range))
            .mount(&server)
            .await;
    }
    let device = DeviceClient::builder()
        .api_key(CANARY_KEY)
        .base_url(server.uri())
        .build()
        .unwrap();
    let values: Vec<Option<types::DataValue>> = device
        .get_data()
        .variables(vec!["temperature".to_string()])
        .stream_with_page_size(3)
        .map(|p| p.expect("a data point").value)
        .collect()
        .await;
    assert_eq!(values.len(), 7);
    assert!(matches!(values[6], Some(types::DataValue::Double(v)) if v == 3.0));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    for request in &requests {
        let query = request.url.query().unwrap_or_default();
        assert!(
            query.contains("qty=3") && query.contains("variables%5B%5D=temperature"),
            "{query}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Rate limits: per route, per plan; the 429 wait from the message text
// ---------------------------------------------------------------------------------------------

/// Waits of `calls` device listings on a client with `plan` and a manual clock.
async fn listing_waits(plan: &str, calls: usize) -> Vec<Duration> {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(devices(0..1))
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key(CANARY_KEY)
        .base_url(server.uri())
        .clock(ManualClock::new())
        .plan(plan)
        .build()
        .unwrap();
    let mut waits = Vec::new();
    for _ in 0..calls {
        let reply = client.list_devices().send().await.unwrap();
        waits.push(
            CallStats::from_headers(reply.headers())
                .unwrap()
                .rate_limit_wait,
        );
    }
    waits
}

#[tokio::test]
async fn each_route_is_limited_at_its_plan_rate() {
    // `GET /device`: 50 a minute on Free, 500 on Scale.
    let free = listing_waits("free", 51).await;
    assert!(
        free[..50].iter().all(Duration::is_zero),
        "the documented burst"
    );
    assert!(
        free[50] > Duration::from_secs(60),
        "the 51st waits a minute: {:?}",
        free[50]
    );
    let scale = listing_waits("scale", 51).await;
    assert!(scale.iter().all(Duration::is_zero));
    let err = Client::builder()
        .api_key(CANARY_KEY)
        .plan("platinum")
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(err.to_string().contains("free, starter, scale"), "{err}");
}

#[tokio::test]
async fn a_429_waits_as_its_message_says() {
    let limited = Fault::json(
        429,
        r#"{"status":false,"message":"Too many requests (Retry-After: 3)"}"#,
        false,
    );
    let ok = Fault::json(200, &wire_example("get_device").to_string(), true);
    let server = FaultServer::start(vec![limited.clone()], ok).await;
    let clock = ManualClock::new();
    let client = Client::builder()
        .api_key(CANARY_KEY)
        .base_url(server.url())
        .clock(clock.clone())
        .build()
        .unwrap();
    let reply = client
        .get_device()
        .id(DEVICE)
        .send()
        .await
        .expect("retried");
    let stats = CallStats::from_headers(reply.headers()).unwrap();
    assert_eq!(stats.attempts, 2);
    assert_eq!(stats.retry_wait, Duration::from_secs(3));
    assert_eq!(server.received(), 2);

    // Without retries the hint is on the error.
    let server = FaultServer::start(vec![], limited).await;
    let err = Client::builder()
        .api_key(CANARY_KEY)
        .base_url(server.url())
        .retry(portico::RetryPolicy::none())
        .build()
        .unwrap()
        .get_device()
        .id(DEVICE)
        .send()
        .await
        .map_err(portico::Error::from)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3)));
}

// ---------------------------------------------------------------------------------------------
// Routes that take no token
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_client_without_a_token_can_log_in_and_nothing_else() {
    let wire = Wire::json(200, wire_example("login")).await;
    let anonymous = Client::builder()
        .base_url(wire.url())
        .build()
        .expect("no token needed to build");
    anonymous
        .login()
        .body_map(|b| b.email("ops@example.com").password("correct horse"))
        .send()
        .await
        .expect("logged in");
    let sent = portico_tests::tago::sent(&wire, "login").await;
    assert_eq!(sent.header("token"), None);

    let err = anonymous
        .get_device()
        .id(DEVICE)
        .send()
        .await
        .map_err(portico::Error::from)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
    assert!(err.message().contains("TAGOIO_TOKEN"), "{err}");
    assert!(!err.was_sent());
    assert_eq!(
        wire.server.received_requests().await.unwrap().len(),
        1,
        "nothing more was sent"
    );

    // A client with a token does not send it to a route that takes none.
    let wire = Wire::json(200, wire_example("login")).await;
    client(&wire)
        .login()
        .body_map(|b| b.email("ops@example.com").password("correct horse"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        portico_tests::tago::sent(&wire, "login")
            .await
            .header("token"),
        None
    );
}

#[tokio::test]
async fn tokens_in_replies_are_secrets() {
    let wire = Wire::json(201, wire_example("create_device_token")).await;
    let reply = client(&wire)
        .create_device_token()
        .body_map(|t| {
            t.device(DEVICE)
                .name("gateway")
                .permission(types::DeviceTokenPermission::Write)
        })
        .send()
        .await
        .unwrap();
    let token = reply.token.clone().expect("a token");
    let shown = format!("{:?}", reply.into_inner());
    assert!(!shown.contains(token.expose()), "{shown}");
    assert!(shown.contains("Secret([REDACTED])"), "{shown}");
    // The value is there for whoever needs it: a device client for the new token.
    assert!(DeviceClient::new(token.expose()).is_ok());
}

#[test]
fn passwords_in_requests_do_not_show_in_debug() {
    let login: types::LoginRequest = types::LoginRequest::builder()
        .email("ops@example.com")
        .password("correct horse battery staple")
        .pin_code(Some("482913".into()))
        .try_into()
        .unwrap();
    let shown = format!("{login:?}");
    assert!(
        !shown.contains("correct horse") && !shown.contains("482913"),
        "{shown}"
    );
    // On the wire they are the plain values.
    let json = serde_json::to_value(&login).unwrap();
    assert_eq!(json["password"], "correct horse battery staple");
    assert_eq!(json["pin_code"], "482913");
}
