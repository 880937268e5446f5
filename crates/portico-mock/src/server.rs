//! The spec-driven mock server: routes every operation of a spec, checks what a request
//! carries the way the provider does, and answers with the spec's example in the provider's
//! envelope, or with the provider's own error reply.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::Provider;
use crate::fault::{Fault, Recorded};
use crate::http::{self, Handler};
use crate::schema::{self, Violation};
use crate::spec::{Api, Location, Operation, Reply, Route, SpecError, Window};

/// The request header that injects a fault into the reply to its own request, for clients
/// that cannot reach the server's handle (curl, another language's SDK). Directives, joined
/// by `;`: `status=503`, `delay=250ms` (or `2s`), `reset`, `truncate`, `malformed`.
///
/// ```text
/// curl -H 'x-portico-mock-fault: delay=2s;status=503' http://127.0.0.1:4010/emails
/// ```
pub const FAULT_HEADER: &str = "x-portico-mock-fault";

/// How many requests a server keeps for [`MockServer::requests`].
const KEPT: usize = 100_000;

/// Why a mock server did not start.
#[derive(Debug)]
pub enum StartError {
    /// The spec cannot be served; the error names the file and the operation or key.
    Spec(SpecError),
    /// The port could not be bound.
    Bind(std::io::Error),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Spec(e) => write!(f, "cannot serve the spec: {e}"),
            StartError::Bind(e) => write!(f, "cannot bind the mock server's port: {e}"),
        }
    }
}

impl std::error::Error for StartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StartError::Spec(e) => Some(e),
            StartError::Bind(e) => Some(e),
        }
    }
}

/// How to start a [`MockServer`]: which spec, which port, and whether to enforce the
/// provider's rate limits.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), portico_mock::StartError> {
/// use portico_mock::{MockServer, Provider};
///
/// let server = MockServer::builder(Provider::Sendo).rate_limits(true).start().await?;
/// println!("Sendo on {}", server.url());
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Builder {
    api: Result<Arc<Api>, SpecError>,
    port: u16,
    rate_limits: bool,
    plan: Option<String>,
}

impl Builder {
    /// The port to listen on, on 127.0.0.1; 0 (the default) picks a free one.
    pub fn port(mut self, port: u16) -> Builder {
        self.port = port;
        self
    }

    /// Whether to answer with the provider's 429 once a credential goes over its documented
    /// rate limit (off by default, so that tests are not slowed by it).
    pub fn rate_limits(mut self, on: bool) -> Builder {
        self.rate_limits = on;
        self
    }

    /// The plan whose per-route limits apply (TagoIO's `x-portico.plans`); the first one by
    /// default.
    pub fn plan(mut self, plan: impl Into<String>) -> Builder {
        self.plan = Some(plan.into());
        self
    }

    /// Binds the port and starts serving on the current tokio runtime.
    pub async fn start(self) -> Result<MockServer, StartError> {
        let api = self.api.map_err(StartError::Spec)?;
        let plan = self.plan.or_else(|| api.plans.first().cloned());
        if let Some(plan) = &plan
            && !api.plans.is_empty()
            && !api.plans.contains(plan)
        {
            return Err(StartError::Spec(SpecError {
                file: format!("{}.yaml", api.provider),
                message: format!("no plan {plan:?} in x-portico.plans {:?}", api.plans),
            }));
        }
        let listener = TcpListener::bind(("127.0.0.1", self.port))
            .await
            .map_err(StartError::Bind)?;
        let addr = listener.local_addr().map_err(StartError::Bind)?;
        let state = Arc::new(State {
            api,
            enforce: self.rate_limits,
            plan,
            queued: Mutex::new(VecDeque::new()),
            requests: Mutex::new(VecDeque::new()),
            logs: Mutex::new(HashMap::new()),
            replies: AtomicU64::new(0),
        });
        let accept = tokio::spawn(http::accept_loop(
            listener,
            Arc::clone(&state) as Arc<dyn Handler>,
        ));
        Ok(MockServer {
            addr,
            state,
            accept,
        })
    }
}

/// A provider's API on loopback, served from its spec; dropping it stops it.
///
/// For every operation it checks, in the provider's order and with the provider's error
/// replies (`x-portico.mock` in the spec):
/// 1. the route: an unknown path or method gets the provider's 404;
/// 2. the credentials: a missing one gets the provider's "missing" reply (Resend 401, Tatango
///    403, Nango's `AUTH_ERROR`), a malformed one its "invalid" reply;
/// 3. the rate limit, when [`Builder::rate_limits`] is on: the provider's 429, with its
///    headers;
/// 4. path, query and header parameters, and the JSON body, against the spec's schemas: the
///    provider's validation error, naming the field;
///
/// and then answers with the spec's example of the success reply (or a value built from its
/// schema), inside the provider's envelope (Nango, TagoIO), with the provider's headers
/// (rate-limit counters, request id).
///
/// Faults: [`MockServer::inject`] makes the next request meet a [`Fault`] (any status, a
/// delay, a reset, a truncated or malformed body), and so does a [`FAULT_HEADER`] on a request.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use portico_mock::{MockServer, Provider};
///
/// let server = MockServer::start(Provider::Resend).await?;
/// let reply = reqwest::Client::new()
///     .get(format!("{}/emails", server.url()))
///     .send()
///     .await?;
/// // No API key: Resend's own 401.
/// assert_eq!(reply.status(), 401);
/// assert_eq!(reply.json::<serde_json::Value>().await?["name"], "missing_api_key");
/// assert_eq!(server.requests().len(), 1);
/// # Ok(())
/// # }
/// ```
pub struct MockServer {
    addr: SocketAddr,
    state: Arc<State>,
    accept: JoinHandle<()>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("provider", &self.state.api.provider)
            .field("url", &self.url())
            .finish()
    }
}

impl MockServer {
    /// Serves `provider`'s spec on a free loopback port, rate limits off.
    pub async fn start(provider: Provider) -> Result<MockServer, StartError> {
        MockServer::builder(provider).start().await
    }

    /// A server for `provider`'s spec, to configure before it starts.
    pub fn builder(provider: Provider) -> Builder {
        // Each built-in spec is read once per process: TagoIO's is 7,500 lines, and a test suite
        // starts a server per test.
        static READ: Mutex<Vec<(Provider, Arc<Api>)>> = Mutex::new(Vec::new());
        let mut read = lock(&READ);
        let api = match read.iter().find(|(p, _)| *p == provider) {
            Some((_, api)) => Ok(Arc::clone(api)),
            None => Api::parse(provider.file(), provider.spec()).map(|api| {
                let api = Arc::new(api);
                read.push((provider, Arc::clone(&api)));
                api
            }),
        };
        Builder {
            api,
            port: 0,
            rate_limits: false,
            plan: None,
        }
    }

    /// A server for any spec with an `x-portico.mock` block: `file` names it in errors,
    /// `yaml` is its text.
    pub fn from_spec(file: &str, yaml: &str) -> Builder {
        Builder {
            api: Api::parse(file, yaml).map(Arc::new),
            port: 0,
            rate_limits: false,
            plan: None,
        }
    }

    /// `http://127.0.0.1:<port>`, the base URL to give a client.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The provider whose spec this serves (`x-portico.provider`).
    pub fn provider(&self) -> &str {
        &self.state.api.provider
    }

    /// Every request fully read so far, in arrival order (the latest 100,000, so that a
    /// long-running mock does not grow without end).
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.state.requests).iter().cloned().collect()
    }

    /// The next request meets `fault` instead of the mock's answer (after the faults injected
    /// before it). A [`Fault::ResetBeforeRead`] resets the connection before reading a byte.
    pub fn inject(&self, fault: Fault) {
        lock(&self.state.queued).push_back(fault);
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A test that panicked while holding a lock must not poison every later request.
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// What the connection tasks share.
struct State {
    api: Arc<Api>,
    enforce: bool,
    plan: Option<String>,
    queued: Mutex<VecDeque<Fault>>,
    requests: Mutex<VecDeque<Recorded>>,
    /// When each request counted against a window arrived, by credential and route.
    logs: Mutex<HashMap<String, VecDeque<Instant>>>,
    replies: AtomicU64,
}

impl Handler for State {
    fn arrived(&self) -> Option<Fault> {
        lock(&self.queued).pop_front()
    }

    fn respond(&self, request: &Recorded, preset: Option<Fault>) -> Fault {
        let mut requests = lock(&self.requests);
        if requests.len() == KEPT {
            requests.pop_front();
        }
        requests.push_back(request.clone());
        drop(requests);
        if let Some(fault) = preset {
            return fault;
        }
        let answer = self.answer(request);
        match request.header(FAULT_HEADER) {
            Some(directives) => apply(directives, answer),
            None => answer,
        }
    }
}

/// The counters a reply's header and body templates can show.
struct Vars {
    message: String,
    request_id: String,
    limit: u32,
    remaining: u32,
    reset: u64,
    retry_after: u64,
}

impl Vars {
    fn get(&self, name: &str) -> Option<String> {
        Some(match name {
            "message" => self.message.clone(),
            "request_id" => self.request_id.clone(),
            "limit" => self.limit.to_string(),
            "remaining" => self.remaining.to_string(),
            "reset" => self.reset.to_string(),
            "reset_unix" => {
                let now = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .unwrap_or_default()
                    .as_secs();
                (now + self.reset).to_string()
            }
            "retry_after" => self.retry_after.to_string(),
            _ => return None,
        })
    }

    /// `{name}` placeholders replaced; unknown names are left as they are.
    fn fill(&self, template: &str) -> String {
        let mut out = String::new();
        let mut rest = template;
        while let Some(start) = rest.find('{') {
            out.push_str(&rest[..start]);
            let after = &rest[start + 1..];
            match after
                .find('}')
                .and_then(|end| Some((self.get(&after[..end])?, end)))
            {
                Some((value, end)) => {
                    out.push_str(&value);
                    rest = &after[end + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    fn fill_json(&self, template: &Value) -> Value {
        match template {
            Value::String(text) => Value::String(self.fill(text)),
            Value::Array(items) => Value::Array(items.iter().map(|v| self.fill_json(v)).collect()),
            Value::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| (k.clone(), self.fill_json(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

/// The result of a check that failed: which of the provider's replies, and its message.
struct Refusal {
    reply: Reply,
    message: String,
}

impl State {
    fn answer(&self, request: &Recorded) -> Fault {
        let n = self.replies.fetch_add(1, Ordering::Relaxed);
        let mut vars = Vars {
            message: String::new(),
            // Shaped like the UUIDs providers use, and unique per reply of this server.
            request_id: format!("4d0c1a2b-{:04x}-4000-8000-{n:012x}", (n >> 48) & 0xffff),
            limit: 0,
            remaining: 0,
            reset: 0,
            retry_after: 0,
        };
        let (path, query) = request
            .path
            .split_once('?')
            .unwrap_or((request.path.as_str(), ""));
        let outcome = self.check(request, path, query, &mut vars);
        let (status, headers, body) = match outcome {
            Ok(op) => (op.success, Vec::new(), Some(self.envelope(op))),
            Err(refusal) => {
                vars.message = refusal.message;
                let body = refusal.reply.body.as_ref().map(|b| vars.fill_json(b));
                (refusal.reply.status, refusal.reply.headers.clone(), body)
            }
        };
        let mut all: Vec<(String, String)> = Vec::new();
        if body.is_some() {
            all.push(("content-type".into(), "application/json".into()));
        }
        for (name, template) in self.api.mock.headers.iter().chain(&headers) {
            all.retain(|(n, _)| n != name);
            all.push((name.clone(), vars.fill(template)));
        }
        Fault::Reply {
            status,
            headers: all,
            body: body
                .map(|b| serde_json::to_vec(&b).unwrap_or_default())
                .unwrap_or_default(),
            processed: (200..300).contains(&status),
        }
    }

    /// The checks, in the provider's order; the operation when all pass.
    fn check(
        &self,
        request: &Recorded,
        path: &str,
        query: &str,
        vars: &mut Vars,
    ) -> Result<&Operation, Refusal> {
        let mock = &self.api.mock;
        let (op, path_params) = match self.api.route(&request.method, path) {
            Route::Found(op, bound) => (op, bound),
            Route::WrongMethod => {
                return Err(Refusal {
                    reply: mock.not_found.clone(),
                    message: format!("{} is not allowed on {path}", request.method),
                });
            }
            Route::Unknown => {
                return Err(Refusal {
                    reply: mock.not_found.clone(),
                    message: format!("No route for {} {path}", request.method),
                });
            }
        };
        let key = self.credentials(op, request)?;
        self.count(op, &key, vars)?;
        self.parameters(op, request, &path_params, query)?;
        self.body(op, request)?;
        Ok(op)
    }

    /// The credential values when one of the operation's alternatives is present and well
    /// formed (they are what rate limits count against).
    fn credentials(&self, op: &Operation, request: &Recorded) -> Result<String, Refusal> {
        let mock = &self.api.mock;
        if op.security.is_empty() {
            return Ok(String::new());
        }
        let mut malformed = false;
        for alternative in &op.security {
            let mut values = Vec::new();
            for scheme in alternative {
                let Some(raw) = request.header(&scheme.header) else {
                    break;
                };
                let value = if scheme.bearer {
                    match raw.split_once(' ') {
                        Some((kind, token)) if kind.eq_ignore_ascii_case("bearer") => token.trim(),
                        _ => "",
                    }
                } else {
                    raw
                };
                let well_formed = !value.is_empty()
                    && mock
                        .credential
                        .as_ref()
                        .is_none_or(|pattern| pattern.find(value).is_some());
                if !well_formed {
                    malformed = true;
                    break;
                }
                values.push(value.to_string());
            }
            if values.len() == alternative.len() {
                return Ok(values.join(" "));
            }
        }
        let names: Vec<&str> = op.security[0].iter().map(|s| s.header.as_str()).collect();
        Err(if malformed {
            Refusal {
                reply: mock.invalid_credential.clone(),
                message: format!("The credential in {} is not valid", names.join(" and ")),
            }
        } else {
            Refusal {
                reply: mock.missing_credential.clone(),
                message: format!("Missing credential: {}", names.join(" and ")),
            }
        })
    }

    /// Counts the request in every window that applies, or refuses it (when enforcing) if one
    /// is full; sets the counters the headers show from the tightest window.
    fn count(&self, op: &Operation, key: &str, vars: &mut Vars) -> Result<(), Refusal> {
        let mut windows: Vec<(String, Window)> = self
            .api
            .limits
            .iter()
            .enumerate()
            .map(|(i, w)| (format!("{key}#{i}"), *w))
            .collect();
        if let Some(plan) = &self.plan {
            windows.extend(
                op.route_limits
                    .iter()
                    .filter(|(p, _)| p == plan)
                    .map(|(_, w)| (format!("{key}#{}", op.id), *w)),
            );
        }
        let now = Instant::now();
        let mut logs = lock(&self.logs);
        let mut full: Option<Duration> = None;
        let mut tightest: Option<(u32, u32, Duration)> = None;
        for (name, window) in &windows {
            let log = logs.entry(name.clone()).or_default();
            while log
                .front()
                .is_some_and(|t| now.duration_since(*t) >= window.per)
            {
                log.pop_front();
            }
            let used = log.len() as u32;
            let reset = log
                .front()
                .map_or(window.per, |t| window.per - now.duration_since(*t));
            if used >= window.requests {
                full = Some(full.map_or(reset, |f| f.max(reset)));
            }
            let remaining = window.requests.saturating_sub(used + 1);
            if tightest.is_none_or(|(_, r, _)| remaining < r) {
                tightest = Some((window.requests, remaining, reset));
            }
        }
        if let Some((limit, remaining, reset)) = tightest {
            vars.limit = limit;
            vars.remaining = remaining;
            vars.reset = reset.as_secs_f64().ceil() as u64;
        }
        if let Some(wait) = full.filter(|_| self.enforce) {
            vars.remaining = 0;
            vars.retry_after = wait.as_secs_f64().ceil().max(1.0) as u64;
            vars.reset = vars.retry_after;
            return Err(Refusal {
                reply: self.api.mock.rate_limited.clone(),
                message: "Too many requests".into(),
            });
        }
        for (name, _) in &windows {
            logs.entry(name.clone()).or_default().push_back(now);
        }
        Ok(())
    }

    fn invalid(&self, violation: &Violation, root: &str) -> Refusal {
        let field = violation.field(root);
        let reply = match (&self.api.mock.missing_field, violation.missing) {
            (Some(reply), true) => reply.clone(),
            _ => self.api.mock.invalid_request.clone(),
        };
        Refusal {
            reply,
            message: format!("`{field}` {}", violation.message),
        }
    }

    fn parameters(
        &self,
        op: &Operation,
        request: &Recorded,
        path_params: &[(String, String)],
        query: &str,
    ) -> Result<(), Refusal> {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        for param in &op.params {
            let schema = schema::resolve(&self.api.root, &param.schema);
            let is_array = schema.get("type").and_then(Value::as_str) == Some("array");
            let raw: Vec<&str> = match param.location {
                Location::Path => path_params
                    .iter()
                    .filter(|(n, _)| n == &param.name)
                    .map(|(_, v)| v.as_str())
                    .collect(),
                Location::Header => request
                    .headers
                    .iter()
                    .filter(|(n, _)| n.eq_ignore_ascii_case(&param.name))
                    .map(|(_, v)| v.as_str())
                    .collect(),
                Location::Query => {
                    let bracketed = format!("{}[]", param.name);
                    pairs
                        .iter()
                        .filter(|(n, _)| {
                            n == &param.name || (is_array && self.api.brackets && n == &bracketed)
                        })
                        .map(|(_, v)| v.as_str())
                        .collect()
                }
            };
            if raw.is_empty() {
                if param.required {
                    let violation = Violation {
                        pointer: String::new(),
                        message: "is required".into(),
                        missing: true,
                    };
                    return Err(self.invalid(&violation, &param.name));
                }
                continue;
            }
            let value = if is_array {
                let items = schema.get("items").unwrap_or(&Value::Null);
                Value::Array(
                    raw.iter()
                        .map(|r| typed(&self.api.root, items, r))
                        .collect(),
                )
            } else if raw.len() > 1 {
                let violation = Violation {
                    pointer: String::new(),
                    message: format!("is given {} times", raw.len()),
                    missing: false,
                };
                return Err(self.invalid(&violation, &param.name));
            } else {
                typed(&self.api.root, schema, raw[0])
            };
            schema::check(&self.api.root, &param.schema, &value)
                .map_err(|v| self.invalid(&v, &param.name))?;
        }
        Ok(())
    }

    fn body(&self, op: &Operation, request: &Recorded) -> Result<(), Refusal> {
        let Some(body) = &op.body else {
            return Ok(());
        };
        let refuse = |message: String| Refusal {
            reply: self.api.mock.invalid_request.clone(),
            message,
        };
        if request.body.is_empty() {
            return if body.required {
                Err(refuse("A request body is required".into()))
            } else {
                Ok(())
            };
        }
        let content_type = request.header("content-type").unwrap_or_default();
        let media = content_type.split(';').next().unwrap_or_default().trim();
        let Some((_, schema)) = body
            .media
            .iter()
            .find(|(m, _)| m.eq_ignore_ascii_case(media))
        else {
            let expected: Vec<&str> = body.media.iter().map(|(m, _)| m.as_str()).collect();
            return Err(refuse(format!(
                "Content-Type must be {}, not {content_type:?}",
                expected.join(" or ")
            )));
        };
        match media {
            "multipart/form-data" => {
                let names = form_parts(content_type, &request.body)
                    .ok_or_else(|| refuse("The multipart body cannot be read".into()))?;
                let schema = schema::resolve(&self.api.root, schema);
                for required in schema
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                {
                    if !names.iter().any(|n| n == required) {
                        let violation = Violation {
                            pointer: format!("/{required}"),
                            message: "is required".into(),
                            missing: true,
                        };
                        return Err(self.invalid(&violation, ""));
                    }
                }
                Ok(())
            }
            _ => {
                let value: Value = serde_json::from_slice(&request.body)
                    .map_err(|e| refuse(format!("The body is not JSON: {e}")))?;
                schema::check(&self.api.root, schema, &value).map_err(|v| self.invalid(&v, ""))
            }
        }
    }

    /// The success body as the provider sends it.
    fn envelope(&self, op: &Operation) -> Value {
        match &self.api.envelope {
            Some(envelope) if !op.whole => {
                let mut body = Map::new();
                body.insert(envelope.status.clone(), envelope.ok.clone());
                body.insert(envelope.result.clone(), op.reply.clone());
                Value::Object(body)
            }
            _ => op.reply.clone(),
        }
    }
}

/// A parameter's text as the JSON value its schema describes (`"2"` → `2` for an integer), or
/// as text when it is not one, so that the check names the mismatch.
fn typed(root: &Value, schema: &Value, raw: &str) -> Value {
    let schema = schema::resolve(root, schema);
    match schema.get("type").and_then(Value::as_str) {
        Some("integer") => raw
            .parse::<i64>()
            .map(Value::from)
            .or_else(|_| raw.parse::<u64>().map(Value::from))
            .unwrap_or_else(|_| json!(raw)),
        Some("number") => raw
            .parse::<f64>()
            .ok()
            .and_then(|f| serde_json::Number::from_f64(f).map(Value::Number))
            .unwrap_or_else(|| json!(raw)),
        Some("boolean") => match raw {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => json!(raw),
        },
        _ => json!(raw),
    }
}

/// The part names of a `multipart/form-data` body, or `None` without a boundary.
fn form_parts(content_type: &str, body: &[u8]) -> Option<Vec<String>> {
    let boundary = content_type
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .next()?
        .trim_matches('"');
    let text = String::from_utf8_lossy(body);
    let delimiter = format!("--{boundary}");
    let mut names = Vec::new();
    for part in text.split(&delimiter).skip(1) {
        let head = part.split("\r\n\r\n").next().unwrap_or_default();
        for line in head.lines() {
            if line
                .to_ascii_lowercase()
                .starts_with("content-disposition:")
                && let Some(at) = line.find("name=\"")
            {
                let rest = &line[at + 6..];
                names.push(rest[..rest.find('"').unwrap_or(rest.len())].to_string());
            }
        }
    }
    Some(names)
}

/// The mock's answer changed as a [`FAULT_HEADER`] asks.
fn apply(directives: &str, answer: Fault) -> Fault {
    let mut fault = answer;
    let mut delay = None;
    for directive in directives.split(';').map(str::trim) {
        let (name, value) = directive.split_once('=').unwrap_or((directive, ""));
        fault = match (name.trim(), fault) {
            (
                "status",
                Fault::Reply {
                    headers,
                    body,
                    processed,
                    ..
                },
            ) => match value.trim().parse() {
                Ok(status) => Fault::Reply {
                    status,
                    headers,
                    body,
                    processed,
                },
                Err(_) => Fault::json(
                    400,
                    &json!({"error": format!("{FAULT_HEADER}: bad status {value:?}")}).to_string(),
                    false,
                ),
            },
            ("delay", fault) => {
                delay = parse_duration(value.trim());
                fault
            }
            ("reset", _) => Fault::ResetAfterRead,
            ("truncate", Fault::Reply { status, body, .. }) => Fault::Truncated {
                status,
                body: body[..body.len() / 2].to_vec(),
            },
            (
                "malformed",
                Fault::Reply {
                    status,
                    mut headers,
                    body,
                    processed,
                },
            ) => {
                headers.retain(|(n, _)| n != "content-type");
                headers.push(("content-type".into(), "application/json".into()));
                let mut body = body[..body.len() / 2].to_vec();
                body.extend_from_slice(b"<<not json");
                Fault::Reply {
                    status,
                    headers,
                    body,
                    processed,
                }
            }
            (_, fault) => fault,
        };
    }
    match delay {
        Some(pause) => Fault::Delayed(pause, Box::new(fault)),
        None => fault,
    }
}

/// `250ms`, `2s` or a bare number of milliseconds.
fn parse_duration(text: &str) -> Option<Duration> {
    if let Some(ms) = text.strip_suffix("ms") {
        return ms.trim().parse().ok().map(Duration::from_millis);
    }
    if let Some(s) = text.strip_suffix('s') {
        return s.trim().parse::<f64>().ok().map(Duration::from_secs_f64);
    }
    text.parse().ok().map(Duration::from_millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Vars {
        Vars {
            message: "`to` is required".into(),
            request_id: "req-1".into(),
            limit: 5,
            remaining: 4,
            reset: 1,
            retry_after: 2,
        }
    }

    #[test]
    fn templates_fill_known_names_and_keep_the_rest() {
        let vars = vars();
        assert_eq!(
            vars.fill("Too many requests (Retry-After: {retry_after})"),
            "Too many requests (Retry-After: 2)"
        );
        assert_eq!(vars.fill("{limit}/{remaining} {nope} {"), "5/4 {nope} {");
        assert_eq!(
            vars.fill_json(&json!({"error": "{message}", "n": 1, "list": ["{request_id}"]})),
            json!({"error": "`to` is required", "n": 1, "list": ["req-1"]})
        );
    }

    fn ok() -> Fault {
        Fault::json(200, r#"{"id": "1"}"#, true)
    }

    #[test]
    fn fault_directives_change_the_answer() {
        match apply("status=503", ok()) {
            Fault::Reply { status, body, .. } => {
                assert_eq!(
                    (status, body.as_slice()),
                    (503, br#"{"id": "1"}"#.as_slice())
                )
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(apply("reset", ok()), Fault::ResetAfterRead));
        match apply("truncate", ok()) {
            Fault::Truncated { status, body } => assert_eq!((status, body.len()), (200, 5)),
            other => panic!("{other:?}"),
        }
        match apply("delay=250ms; status=500", ok()) {
            Fault::Delayed(pause, then) => {
                assert_eq!(pause, Duration::from_millis(250));
                assert!(matches!(*then, Fault::Reply { status: 500, .. }));
            }
            other => panic!("{other:?}"),
        }
        match apply("malformed", ok()) {
            Fault::Reply { body, .. } => {
                assert!(serde_json::from_slice::<Value>(&body).is_err())
            }
            other => panic!("{other:?}"),
        }
        match apply("status=teapot", ok()) {
            Fault::Reply { status, body, .. } => {
                assert_eq!(status, 400);
                assert!(String::from_utf8_lossy(&body).contains("bad status"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn durations_read_as_written() {
        assert_eq!(parse_duration("2s"), Some(Duration::from_secs(2)));
        assert_eq!(parse_duration("1.5s"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_duration("40"), Some(Duration::from_millis(40)));
        assert_eq!(parse_duration("soon"), None);
    }

    #[test]
    fn multipart_part_names_are_read() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nemail\r\n--XyZ\r\nContent-Disposition: form-data; name=\"on_conflict\"\r\n\r\nskip\r\n--XyZ--\r\n";
        assert_eq!(
            form_parts("multipart/form-data; boundary=XyZ", body),
            Some(vec!["file".to_string(), "on_conflict".to_string()])
        );
        assert_eq!(form_parts("multipart/form-data", body), None);
    }

    #[test]
    fn parameters_are_read_as_their_schema_types() {
        let root = json!({});
        assert_eq!(typed(&root, &json!({"type": "integer"}), "20"), json!(20));
        assert_eq!(typed(&root, &json!({"type": "integer"}), "2x"), json!("2x"));
        assert_eq!(
            typed(&root, &json!({"type": "boolean"}), "true"),
            json!(true)
        );
        assert_eq!(typed(&root, &json!({"type": "number"}), "1.5"), json!(1.5));
        assert_eq!(typed(&root, &json!({"type": "string"}), "20"), json!("20"));
    }
}
