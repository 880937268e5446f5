//! A recording server on loopback for wire tests: it answers with a canned reply and keeps every
//! request it received, so a test can check method, path, query, headers and body as sent. The
//! [`fault`] server answers each request as scripted, for the retry tests.

pub mod fault;

use std::path::PathBuf;

use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// An API key that must never appear in any output: tests search for it.
pub const CANARY_KEY: &str = "re_CANARY_9f8e7d6c5b4a";

/// The end user's token of clients for providers that take one (Nango).
pub const USER_TOKEN: &str = "5e3c1a7b-93f2-4d1e-8a6c-2b9f0d4e7a15";

/// A loopback server that answers every request with one reply.
pub struct Wire {
    pub server: MockServer,
}

impl Wire {
    /// Answers every request with `status` and the JSON `body`.
    pub async fn json(status: u16, body: Value) -> Wire {
        Wire::reply(ResponseTemplate::new(status).set_body_json(body)).await
    }

    /// Answers every request with `reply`.
    pub async fn reply(reply: ResponseTemplate) -> Wire {
        let server = MockServer::start().await;
        Mock::given(any()).respond_with(reply).mount(&server).await;
        Wire { server }
    }

    /// The server's base URL (`http://127.0.0.1:<port>`).
    pub fn url(&self) -> String {
        self.server.uri()
    }

    /// The one request the server received, after checking what every request must carry.
    pub async fn single_request(&self) -> Sent {
        let mut requests = self
            .server
            .received_requests()
            .await
            .expect("recording is on");
        assert_eq!(
            requests.len(),
            1,
            "expected exactly one request, got {}",
            requests.len()
        );
        Sent(requests.remove(0))
    }
}

/// A request as the server received it.
pub struct Sent(pub Request);

impl Sent {
    pub fn method(&self) -> &str {
        self.0.method.as_str()
    }

    pub fn path(&self) -> &str {
        self.0.url.path()
    }

    /// Query pairs in order, decoded.
    pub fn query(&self) -> Vec<(String, String)> {
        self.0
            .url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.0.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as JSON; `Value::Null` when empty.
    pub fn json(&self) -> Value {
        if self.0.body.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&self.0.body).expect("the body is JSON")
        }
    }

    /// Checks method, path and query, and the headers every Portico request carries:
    /// the credential as `auth` says, the User-Agent, and no stray `api-version`.
    pub fn assert_request(&self, method: &str, path: &str, query: &[(&str, &str)]) {
        assert_eq!(self.method(), method, "method");
        assert_eq!(self.path(), path, "path");
        let query: Vec<(String, String)> = query
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(self.query(), query, "query");
        assert_eq!(
            self.header("api-version"),
            None,
            "progenitor's api-version header must not be sent"
        );
    }
}

/// A client of any generated provider crate for the recording server, with the canary key.
///
/// Retries are off: these tests check one exchange each, and a retried 5xx would reach the
/// server twice. Retries, budgets and rate limits have their own tests (`tests/resilience.rs`).
pub fn client_for<C: portico::ProviderClient>(wire: &Wire) -> C {
    portico::ClientBuilder::<C>::new()
        .api_key(CANARY_KEY)
        .base_url(wire.url())
        .retry(portico::RetryPolicy::none())
        .build()
        .expect("client")
}

/// `specs/<provider>.yaml`, parsed once per test binary (TagoIO's is 7,500 lines).
fn spec(provider: &str) -> &'static Value {
    static SPECS: std::sync::OnceLock<
        std::sync::Mutex<std::collections::HashMap<String, &'static Value>>,
    > = std::sync::OnceLock::new();
    let mut specs = SPECS.get_or_init(Default::default).lock().unwrap();
    specs.entry(provider.to_string()).or_insert_with(|| {
        let path =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../specs/{provider}.yaml"));
        let text = std::fs::read_to_string(&path).expect("spec");
        Box::leak(Box::new(serde_yaml::from_str(&text).expect("YAML")))
    })
}

/// Fails unless every operation of `specs/<provider>.yaml` has a test `async fn <operationId>()`
/// in `source` (the test file's text), and the spec has exactly `count` operations.
pub fn assert_every_operation_tested(provider: &str, source: &str, count: usize) {
    let spec = spec(provider);
    let mut missing = Vec::new();
    let mut seen = 0;
    for item in spec["paths"].as_object().expect("paths").values() {
        for op in item.as_object().expect("path item").values() {
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            seen += 1;
            if !source.contains(&format!("async fn {id}() {{")) {
                missing.push(id.to_string());
            }
        }
    }
    assert_eq!(seen, count, "{provider} has {count} operations");
    assert!(
        missing.is_empty(),
        "{provider} operations without a wire test: {missing:?}"
    );
}

impl Sent {
    /// Checks what every request of `provider`'s client carries: the canary key where the
    /// provider's `auth` says (and nowhere else), and the User-Agent `portico-<name>/<version>`.
    pub fn assert_sent_by(&self, provider: &portico::Provider) {
        match provider.auth {
            portico::Auth::Bearer => assert_eq!(
                self.header("authorization"),
                Some(format!("Bearer {CANARY_KEY}").as_str()),
                "Bearer credential"
            ),
            portico::Auth::Header(name) => {
                assert_eq!(self.header(name), Some(CANARY_KEY), "{name} credential");
                assert_eq!(
                    self.header("authorization"),
                    None,
                    "no Authorization header"
                );
            }
            other => panic!("no check written for {other:?}"),
        }
        let expected = format!("portico-{}/{}", provider.name, provider.crate_version);
        assert_eq!(
            self.header("user-agent"),
            Some(expected.as_str()),
            "User-Agent"
        );
    }
}

/// An operation of `specs/<provider>.yaml` and its one 2xx response, with that status.
fn success(provider: &str, operation_id: &str) -> (u16, &'static Value) {
    let op = spec(provider)["paths"]
        .as_object()
        .expect("paths")
        .values()
        .flat_map(|item| item.as_object().expect("path item").values())
        .find(|op| op.get("operationId").and_then(Value::as_str) == Some(operation_id))
        .unwrap_or_else(|| panic!("{operation_id}: no such operation in specs/{provider}.yaml"));
    op["responses"]
        .as_object()
        .expect("responses")
        .iter()
        .find_map(|(status, reply)| {
            let status = status
                .parse::<u16>()
                .ok()
                .filter(|s| (200..300).contains(s))?;
            Some((status, reply))
        })
        .unwrap_or_else(|| panic!("{operation_id}: no 2xx reply"))
}

/// The success status of an operation in `specs/<provider>.yaml` (its one 2xx response).
pub fn success_status(provider: &str, operation_id: &str) -> u16 {
    success(provider, operation_id).0
}

/// The example of an operation's success reply in `specs/<provider>.yaml`.
pub fn example(provider: &str, operation_id: &str) -> Value {
    success(provider, operation_id)
        .1
        .pointer("/content/application~1json/example")
        .cloned()
        .unwrap_or_else(|| panic!("{operation_id}: the spec has no example for its success reply"))
}

/// Helpers for the Resend wire tests.
pub mod resend {
    use portico_resend::Client;

    use super::{Sent, Wire, example};

    /// A client for the recording server, with the canary key.
    pub fn client(wire: &Wire) -> Client {
        super::client_for(wire)
    }

    /// A server that answers with the spec's example for `operation_id`.
    pub async fn serve(operation_id: &str) -> Wire {
        Wire::json(200, example("resend", operation_id)).await
    }

    /// The checks every Resend request passes: Bearer key and Portico's User-Agent.
    pub async fn sent(wire: &Wire) -> Sent {
        let sent = wire.single_request().await;
        sent.assert_sent_by(&portico_resend::PROVIDER);
        sent
    }
}

/// Helpers for the Tatango wire tests.
pub mod tatango {
    use portico_tatango::Client;

    use super::{Sent, Wire, example};

    /// A client for the recording server, with the canary key.
    pub fn client(wire: &Wire) -> Client {
        super::client_for(wire)
    }

    /// A server that answers 202 with the spec's example for `operation_id`.
    pub async fn serve(operation_id: &str) -> Wire {
        Wire::json(202, example("tatango", operation_id)).await
    }

    /// The checks every Tatango request passes: the key in `x-api-key`, no `Authorization`,
    /// Portico's User-Agent.
    pub async fn sent(wire: &Wire) -> Sent {
        let sent = wire.single_request().await;
        sent.assert_sent_by(&portico_tatango::PROVIDER);
        sent
    }
}

/// Helpers for the Sendo wire tests.
pub mod sendo {
    use portico_sendo::Client;

    use super::{Sent, Wire, example};

    /// A client for the recording server, with the canary key.
    pub fn client(wire: &Wire) -> Client {
        super::client_for(wire)
    }

    /// A server that answers 200 with the spec's example for `operation_id`.
    pub async fn serve(operation_id: &str) -> Wire {
        Wire::json(200, example("sendo", operation_id)).await
    }

    /// The checks every Sendo request passes: Bearer key and Portico's User-Agent.
    pub async fn sent(wire: &Wire) -> Sent {
        let sent = wire.single_request().await;
        sent.assert_sent_by(&portico_sendo::PROVIDER);
        sent
    }
}

/// Helpers for the Nango wire tests.
pub mod nango {
    use portico_nango::Client;
    use serde_json::{Value, json};

    use super::{CANARY_KEY, Sent, USER_TOKEN, Wire, example};

    /// A client for the recording server, with the canary key and [`USER_TOKEN`], no retries.
    pub fn client(wire: &Wire) -> Client {
        Client::builder()
            .api_key(CANARY_KEY)
            .user_token(USER_TOKEN)
            .base_url(wire.url())
            .retry(portico::RetryPolicy::none())
            .build()
            .expect("client")
    }

    /// The spec's example for `operation_id` as it travels: inside Nango's envelope, unless the
    /// operation's example is the whole body already (the paginated lists).
    pub fn wire_example(operation_id: &str) -> Value {
        let example = example("nango", operation_id);
        let op = portico_nango::PROVIDER
            .operation(operation_id)
            .expect("an operation of the spec");
        match op.envelope {
            portico::EnvelopeMode::Whole => example,
            _ => json!({ "status": "ok", "result": example }),
        }
    }

    /// A server that answers with the enveloped example for `operation_id`.
    pub async fn serve(operation_id: &str) -> Wire {
        let status = match operation_id {
            id if id.starts_with("create_") => 201,
            _ => 200,
        };
        Wire::json(status, wire_example(operation_id)).await
    }

    /// The checks every Nango request passes: Bearer key, Portico's User-Agent, and the end
    /// user's token exactly when the operation acts for an end user.
    pub async fn sent(wire: &Wire, operation_id: &str) -> Sent {
        let sent = wire.single_request().await;
        sent.assert_sent_by(&portico_nango::PROVIDER);
        let needs_user = portico_nango::PROVIDER
            .operation(operation_id)
            .expect("an operation of the spec")
            .user_credential;
        let expected = needs_user.then_some(USER_TOKEN);
        assert_eq!(sent.header("x-user-account"), expected, "X-User-Account");
        sent
    }
}

/// Helpers for the TagoIO wire tests.
pub mod tago {
    use portico_tago::{Client, DeviceClient};
    use serde_json::{Value, json};

    use super::{CANARY_KEY, Sent, Wire, example, success_status};

    /// A profile client for the recording server, with the canary token and no retries.
    pub fn client(wire: &Wire) -> Client {
        super::client_for(wire)
    }

    /// A device client for the recording server, with the canary token and no retries.
    pub fn device(wire: &Wire) -> DeviceClient {
        super::client_for(wire)
    }

    /// The spec's example for `operation_id` as it travels: `{"status": true, "result": …}`.
    pub fn wire_example(operation_id: &str) -> Value {
        json!({ "status": true, "result": example("tago", operation_id) })
    }

    /// A server that answers with the operation's success status and its enveloped example.
    pub async fn serve(operation_id: &str) -> Wire {
        Wire::json(
            success_status("tago", operation_id),
            wire_example(operation_id),
        )
        .await
    }

    /// The checks every TagoIO request of `operation_id` passes: the token in the `token`
    /// header (none for the routes that take no token), no `Authorization`, Portico's User-Agent.
    pub async fn sent(wire: &Wire, operation_id: &str) -> Sent {
        let sent = wire.single_request().await;
        let provider = if portico_tago::DEVICE_PROVIDER
            .operation(operation_id)
            .is_some()
        {
            &portico_tago::DEVICE_PROVIDER
        } else {
            &portico_tago::PROVIDER
        };
        let op = provider
            .operation(operation_id)
            .expect("an operation of the spec");
        if op.anonymous {
            assert_eq!(sent.header("token"), None, "{operation_id} takes no token");
            assert_eq!(sent.header("authorization"), None);
            let agent = format!("portico-tago/{}", provider.crate_version);
            assert_eq!(sent.header("user-agent"), Some(agent.as_str()));
        } else {
            sent.assert_sent_by(provider);
            assert_eq!(sent.header("token"), Some(CANARY_KEY));
        }
        sent
    }
}
