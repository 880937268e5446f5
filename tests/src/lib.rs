//! Servers on loopback for wire tests, and what a test checks of the requests they received.
//!
//! - [`Mocked`]: `portico-mock` serving the provider's spec. It checks every request as the
//!   provider would (route, credentials, parameters, body) and answers with the spec's example
//!   in the provider's envelope, so a per-operation test that passes is also a contract test.
//!   With `PORTICO_RECORD_DIR` set, every request it received is appended to
//!   `<dir>/<provider>.jsonl`, for the Prism cross-check (`cargo xtask prism`).
//! - [`Wire`]: a wiremock server answering every request with one canned reply, for the
//!   replies a spec does not describe (errors, odd bodies).
//! - [`fault`]: the scripted fault server of `portico-mock`, for the retry tests.

pub use portico_mock::fault;

use std::io::Write as _;
use std::path::PathBuf;

use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// An API key that must never appear in any output: tests search for it.
pub const CANARY_KEY: &str = "re_CANARY_9f8e7d6c5b4a";

/// The canary as a Tatango key (`tatango_key_…`, which portico-mock insists on); it contains
/// [`CANARY_KEY`], so a search for that finds this one too.
pub const TATANGO_KEY: &str = "tatango_key_re_CANARY_9f8e7d6c5b4a";

/// A canary shaped as Nango and TagoIO credentials are (a UUID, which portico-mock insists on).
pub const UUID_KEY: &str = "ca4a7e00-9f8e-4d6c-8b4a-0c0ffee0ca4a";

/// The end user's token of clients for providers that take one (Nango).
pub const USER_TOKEN: &str = "5e3c1a7b-93f2-4d1e-8a6c-2b9f0d4e7a15";

/// A server a test client can be pointed at.
pub trait Server {
    /// Its base URL (`http://127.0.0.1:<port>`).
    fn url(&self) -> String;

    /// The API key a client of `provider` presents to it.
    fn api_key(&self, provider: &str) -> &'static str;

    /// Every request it received, in order.
    fn received(&self) -> impl std::future::Future<Output = Vec<Sent>>;

    /// The one request it received.
    fn single_request(&self) -> impl std::future::Future<Output = Sent> {
        async {
            let mut requests = self.received().await;
            assert_eq!(
                requests.len(),
                1,
                "expected exactly one request, got {}",
                requests.len()
            );
            requests.remove(0)
        }
    }
}

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

    /// The one request the server received.
    pub async fn single_request(&self) -> Sent {
        Server::single_request(self).await
    }
}

impl Server for Wire {
    fn url(&self) -> String {
        self.server.uri()
    }

    fn api_key(&self, _provider: &str) -> &'static str {
        CANARY_KEY
    }

    async fn received(&self) -> Vec<Sent> {
        self.server
            .received_requests()
            .await
            .expect("recording is on")
            .into_iter()
            .map(Sent::from)
            .collect()
    }
}

/// portico-mock serving a provider's spec.
pub struct Mocked {
    pub server: portico_mock::MockServer,
}

impl Mocked {
    /// Serves `provider`'s spec, rate limits off.
    pub async fn start(provider: portico_mock::Provider) -> Mocked {
        let server = portico_mock::MockServer::start(provider)
            .await
            .expect("portico-mock serves every spec");
        Mocked { server }
    }
}

impl Server for Mocked {
    fn url(&self) -> String {
        self.server.url()
    }

    fn api_key(&self, provider: &str) -> &'static str {
        key_for(provider)
    }

    async fn received(&self) -> Vec<Sent> {
        self.server.requests().into_iter().map(Sent::from).collect()
    }
}

/// The canary in the shape `provider`'s credentials have.
pub fn key_for(provider: &str) -> &'static str {
    match provider {
        "tatango" => TATANGO_KEY,
        "nango" | "tago" => UUID_KEY,
        _ => CANARY_KEY,
    }
}

impl Drop for Mocked {
    /// Appends what the mock received to `$PORTICO_RECORD_DIR/<provider>.jsonl`, when set.
    fn drop(&mut self) {
        let Some(dir) = std::env::var_os("PORTICO_RECORD_DIR") else {
            return;
        };
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).expect("PORTICO_RECORD_DIR can be created");
        let path = dir.join(format!("{}.jsonl", self.server.provider()));
        let mut lines = String::new();
        for request in self.server.requests() {
            let line = json!({
                "method": request.method,
                "path": request.path,
                "headers": request.headers,
                "body": String::from_utf8_lossy(&request.body),
            });
            lines.push_str(&line.to_string());
            lines.push('\n');
        }
        // One write per server: tests run in parallel threads, and short appends do not interleave.
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut file| file.write_all(lines.as_bytes()))
            .expect("the record file can be written");
    }
}

/// A request as a server received it.
pub struct Sent {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    /// Names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl From<wiremock::Request> for Sent {
    fn from(request: wiremock::Request) -> Sent {
        Sent {
            method: request.method.to_string(),
            path: request.url.path().to_string(),
            query: request
                .url
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
            headers: request
                .headers
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_string(),
                        v.to_str().unwrap_or_default().to_string(),
                    )
                })
                .collect(),
            body: request.body,
        }
    }
}

impl From<portico_mock::Recorded> for Sent {
    fn from(request: portico_mock::Recorded) -> Sent {
        let (path, query) = request
            .path
            .split_once('?')
            .unwrap_or((request.path.as_str(), ""));
        Sent {
            method: request.method.clone(),
            path: path.to_string(),
            query: url::form_urlencoded::parse(query.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
            headers: request.headers.clone(),
            body: request.body,
        }
    }
}

impl Sent {
    pub fn method(&self) -> &str {
        &self.method
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    /// Query pairs in order, decoded.
    pub fn query(&self) -> Vec<(String, String)> {
        self.query.clone()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON; `Value::Null` when empty.
    pub fn json(&self) -> Value {
        if self.body.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&self.body).expect("the body is JSON")
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

/// A client of any generated provider crate for `server`, with the key it expects.
///
/// Retries are off: these tests check one exchange each, and a retried 5xx would reach the
/// server twice. Retries, budgets and rate limits have their own tests (`tests/resilience.rs`).
pub fn client_for<C: portico::ProviderClient>(server: &impl Server) -> C {
    portico::ClientBuilder::<C>::new()
        .api_key(server.api_key(C::PROVIDER.name))
        .base_url(server.url())
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
    /// Checks what every request of `provider`'s client carries: the key where the
    /// provider's `auth` says (and nowhere else), and the User-Agent `portico-<name>/<version>`.
    pub fn assert_sent_by(&self, provider: &portico::Provider, key: &str) {
        match provider.auth {
            portico::Auth::Bearer => assert_eq!(
                self.header("authorization"),
                Some(format!("Bearer {key}").as_str()),
                "Bearer credential"
            ),
            portico::Auth::Header(name) => {
                assert_eq!(self.header(name), Some(key), "{name} credential");
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

    use super::{Mocked, Sent, Server};

    /// A client for `server`, with the key it expects.
    pub fn client(server: &impl Server) -> Client {
        super::client_for(server)
    }

    /// portico-mock serving Resend's spec.
    pub async fn serve(_operation_id: &str) -> Mocked {
        Mocked::start(portico_mock::Provider::Resend).await
    }

    /// The one request `server` received, after the checks every Resend request passes:
    /// Bearer key and Portico's User-Agent.
    pub async fn sent(server: &impl Server) -> Sent {
        let sent = server.single_request().await;
        sent.assert_sent_by(&portico_resend::PROVIDER, server.api_key("resend"));
        sent
    }
}

/// Helpers for the Tatango wire tests.
pub mod tatango {
    use portico_tatango::Client;

    use super::{Mocked, Sent, Server};

    /// A client for `server`, with the key it expects.
    pub fn client(server: &impl Server) -> Client {
        super::client_for(server)
    }

    /// portico-mock serving Tatango's spec.
    pub async fn serve(_operation_id: &str) -> Mocked {
        Mocked::start(portico_mock::Provider::Tatango).await
    }

    /// The one request `server` received, after the checks every Tatango request passes: the
    /// key in `x-api-key`, no `Authorization`, Portico's User-Agent.
    pub async fn sent(server: &impl Server) -> Sent {
        let sent = server.single_request().await;
        sent.assert_sent_by(&portico_tatango::PROVIDER, server.api_key("tatango"));
        sent
    }
}

/// Helpers for the Sendo wire tests.
pub mod sendo {
    use portico_sendo::Client;

    use super::{Mocked, Sent, Server};

    /// A client for `server`, with the key it expects.
    pub fn client(server: &impl Server) -> Client {
        super::client_for(server)
    }

    /// portico-mock serving Sendo's spec.
    pub async fn serve(_operation_id: &str) -> Mocked {
        Mocked::start(portico_mock::Provider::Sendo).await
    }

    /// The one request `server` received, after the checks every Sendo request passes: Bearer
    /// key and Portico's User-Agent.
    pub async fn sent(server: &impl Server) -> Sent {
        let sent = server.single_request().await;
        sent.assert_sent_by(&portico_sendo::PROVIDER, server.api_key("sendo"));
        sent
    }
}

/// Helpers for the Nango wire tests.
pub mod nango {
    use portico_nango::Client;
    use serde_json::{Value, json};

    use super::{Mocked, Sent, Server, USER_TOKEN, example};

    /// A client for `server`, with the key it expects and [`USER_TOKEN`], no retries.
    pub fn client(server: &impl Server) -> Client {
        Client::builder()
            .api_key(server.api_key("nango"))
            .user_token(USER_TOKEN)
            .base_url(server.url())
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

    /// portico-mock serving Nango's spec.
    pub async fn serve(_operation_id: &str) -> Mocked {
        Mocked::start(portico_mock::Provider::Nango).await
    }

    /// The one request `server` received, after the checks every Nango request passes: Bearer
    /// key, Portico's User-Agent, and the end user's token exactly when the operation acts for
    /// an end user.
    pub async fn sent(server: &impl Server, operation_id: &str) -> Sent {
        let sent = server.single_request().await;
        sent.assert_sent_by(&portico_nango::PROVIDER, server.api_key("nango"));
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

    use super::{Mocked, Sent, Server, example};

    /// A profile client for `server`, with the token it expects and no retries.
    pub fn client(server: &impl Server) -> Client {
        super::client_for(server)
    }

    /// A device client for `server`, with the token it expects and no retries.
    pub fn device(server: &impl Server) -> DeviceClient {
        super::client_for(server)
    }

    /// The spec's example for `operation_id` as it travels: `{"status": true, "result": …}`.
    pub fn wire_example(operation_id: &str) -> Value {
        json!({ "status": true, "result": example("tago", operation_id) })
    }

    /// portico-mock serving TagoIO's spec.
    pub async fn serve(_operation_id: &str) -> Mocked {
        Mocked::start(portico_mock::Provider::Tago).await
    }

    /// The one request `server` received, after the checks every TagoIO request of
    /// `operation_id` passes: the token in the `token` header (none for the routes that take
    /// no token), no `Authorization`, Portico's User-Agent.
    pub async fn sent(server: &impl Server, operation_id: &str) -> Sent {
        let sent = server.single_request().await;
        let key = server.api_key("tago");
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
            sent.assert_sent_by(provider, key);
            assert_eq!(sent.header("token"), Some(key));
        }
        sent
    }
}
