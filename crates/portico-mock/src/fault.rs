//! A scripted fault-injection HTTP/1.1 server on loopback.
//!
//! [`FaultServer::start`] binds `127.0.0.1:0` and answers each request with the next
//! [`Fault`] of a script, then with a fallback fault forever. It exists to test how a
//! client (reqwest 0.13 over plain `http://`) copes with error replies, resets, truncated
//! bodies and stalls, and to count what the "server" did, so a test can tell a safe retry
//! from a duplicated side effect.
//!
//! What reqwest 0.13.5 reports for each fault (observed by this crate's tests; `send()`
//! means the future of `RequestBuilder::send`, `bytes()` also covers `text()` and `chunk()`):
//!
//! | fault | fails in | `is_connect` | `is_request` | `is_body` | `is_decode` | `is_timeout` | source chain |
//! | --- | --- | --- | --- | --- | --- | --- | --- |
//! | [`Fault::ResetBeforeRead`] | `send()` | false | true | false | false | false | hyper `Io`, `io::ErrorKind::ConnectionReset` |
//! | [`Fault::ResetAfterRead`] | `send()` | false | true | false | false | false | hyper `Io`, `io::ErrorKind::ConnectionReset` |
//! | [`Fault::Truncated`] | `bytes()`, after status and headers arrived | false | false | false | true | false | a reqwest `is_body` error, then hyper `IncompleteBody` (`io::ErrorKind::UnexpectedEof`) |
//! | [`Fault::Stall`] past the client's `timeout` | `send()` | false | true | false | false | true | `TimedOut`, no `io::Error` |
//! | [`Fault::Stall`] ending before the client's `timeout` | `send()` | false | true | false | false | false | hyper `IncompleteMessage`, no `io::Error` |
//!
//! So a truncated body is `is_decode()`, not `is_body()`: reqwest wraps the body error in a
//! decode error when collecting. Neither reset is retried by reqwest, even on a pooled
//! keep-alive connection: the request was written, so hyper does not replay it. A reset of
//! a large request body may instead surface while the client is still writing.
//!
//! A request the server cannot parse gets `400` and the connection is closed; it counts in
//! [`FaultServer::received`] only.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::http::{self, Handler};

/// What the server does with one request.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Reply with this status, extra headers and body. `processed`: whether the server
    /// "acted" on the request (counted in [`FaultServer::processed`]).
    ///
    /// The server writes its own `Content-Length`, so a `Content-Length` or
    /// `Transfer-Encoding` in `headers` is dropped. Statuses that cannot carry a body
    /// (1xx, 204, 304) are sent with neither body nor `Content-Length`. The connection stays
    /// open for the next request unless the client asked to close it.
    Reply {
        /// Status code of the reply.
        status: u16,
        /// Extra headers, sent in this order.
        headers: Vec<(String, String)>,
        /// Body of the reply.
        body: Vec<u8>,
        /// Whether the request counts as acted on.
        processed: bool,
    },
    /// As soon as the request's first bytes arrive, reset the connection (TCP RST) without
    /// reading the request. Not processed, and not in [`FaultServer::requests`].
    ResetBeforeRead,
    /// Read the whole request (head and body), count it processed, then reset the
    /// connection (RST) without replying.
    ResetAfterRead,
    /// Read the request, count it processed, send the status line and headers with a
    /// `Content-Length` larger than the body, send only part of the body, then close.
    ///
    /// `body` is exactly what is sent; the announced length is `2 * body.len() + 1`, so at
    /// least one byte is always missing, even for an empty `body`. The close is a clean FIN.
    Truncated {
        /// Status code of the reply.
        status: u16,
        /// The part of the body that is actually sent.
        body: Vec<u8>,
    },
    /// Read the request, count it processed, send nothing for this long, then close the
    /// connection (a clean FIN).
    Stall(Duration),
    /// Wait this long after reading the request, then do what the inner fault says.
    Delayed(Duration, Box<Fault>),
}

impl Fault {
    /// A [`Fault::Reply`] with `content-type: application/json` and `body` as its body.
    pub fn json(status: u16, body: &str, processed: bool) -> Fault {
        Fault::Reply {
            status,
            headers: vec![("content-type".to_owned(), "application/json".to_owned())],
            body: body.as_bytes().to_vec(),
            processed,
        }
    }

    /// A [`Fault::Reply`] with a small HTML error page (`content-type: text/html`), as a
    /// proxy or load balancer sends; not processed, since such a page means the request
    /// never reached the application.
    pub fn html(status: u16) -> Fault {
        let title = format!("{status} {}", http::reason(status));
        let body = format!(
            "<!DOCTYPE html>\n<html><head><title>{title}</title></head>\
             <body><h1>{title}</h1><hr><p>fault-server</p></body></html>\n"
        );
        Fault::Reply {
            status,
            headers: vec![(
                "content-type".to_owned(),
                "text/html; charset=utf-8".to_owned(),
            )],
            body: body.into_bytes(),
            processed: false,
        }
    }

    /// Adds a header to a [`Fault::Reply`].
    ///
    /// # Panics
    ///
    /// If `self` is not a [`Fault::Reply`]: the other faults send no headers of the
    /// script's, and silently ignoring one would hide a mistake in a test.
    pub fn with_header(self, name: impl Into<String>, value: impl Into<String>) -> Fault {
        let name = name.into();
        match self {
            Fault::Reply {
                status,
                mut headers,
                body,
                processed,
            } => {
                headers.push((name, value.into()));
                Fault::Reply {
                    status,
                    headers,
                    body,
                    processed,
                }
            }
            other => panic!("Fault::with_header({name:?}) needs a Fault::Reply, got {other:?}"),
        }
    }

    /// Whether a fully read request that meets this fault counts as acted on.
    fn processes(&self) -> bool {
        match self {
            Fault::Reply { processed, .. } => *processed,
            Fault::ResetBeforeRead => false,
            Fault::ResetAfterRead | Fault::Truncated { .. } | Fault::Stall(_) => true,
            Fault::Delayed(_, then) => then.processes(),
        }
    }
}

/// A request as the server read it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// Request method, as sent (e.g. `POST`).
    pub method: String,
    /// Request target, query included (e.g. `/v1/items?page=2`).
    pub path: String,
    /// Headers in the order sent; names lower-cased, values trimmed.
    pub headers: Vec<(String, String)>,
    /// The body; a chunked body is decoded.
    pub body: Vec<u8>,
}

impl Recorded {
    /// Value of the first header named `name` (case-insensitive), if any.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A running fault-injection server; dropping it stops it.
pub struct FaultServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: JoinHandle<()>,
}

impl FaultServer {
    /// Starts on 127.0.0.1:0. Each request takes the next fault of `script`; when the script
    /// is used up, every further request gets `then`.
    ///
    /// The accept loop runs on the current tokio runtime, each connection in its own task.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime, or if no loopback port can be bound.
    pub async fn start(script: Vec<Fault>, then: Fault) -> FaultServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("fault server: bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("fault server: local_addr");
        let shared = Arc::new(Shared {
            script,
            then,
            received: AtomicUsize::new(0),
            connections: AtomicUsize::new(0),
            log: Mutex::new(Log::default()),
        });
        let accept = tokio::spawn(http::accept_loop(
            listener,
            Arc::clone(&shared) as Arc<dyn Handler>,
        ));
        FaultServer {
            addr,
            shared,
            accept,
        }
    }

    /// `http://127.0.0.1:<port>`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Requests whose first bytes arrived (every fault counts, ResetBeforeRead included).
    pub fn received(&self) -> usize {
        self.shared.received.load(Ordering::SeqCst)
    }

    /// Requests the server acted on. A request carrying an `Idempotency-Key` header counts
    /// once per distinct key value (a real server replays the first result for a repeated
    /// key); requests without the header each count.
    pub fn processed(&self) -> usize {
        let log = self.shared.lock();
        log.unkeyed + log.keys.len()
    }

    /// Every fully read request, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.lock().requests.clone()
    }

    /// TCP connections accepted so far; lets a test tell keep-alive reuse from reconnects.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        // The connection tasks live in the accept task's JoinSet, so this ends them too.
        self.accept.abort();
    }
}

/// State shared by the accept loop, the connection tasks and the [`FaultServer`] handle.
struct Shared {
    script: Vec<Fault>,
    then: Fault,
    /// Doubles as the fault index: taking it and counting the request is one atomic step.
    received: AtomicUsize,
    connections: AtomicUsize,
    log: Mutex<Log>,
}

#[derive(Default)]
struct Log {
    unkeyed: usize,
    keys: HashSet<String>,
    requests: Vec<Recorded>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Log> {
        // A panicking test thread must not turn every later assertion into a poison panic.
        self.log.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Logs a fully read request before the fault acts, so a client that sees the outcome
    /// also sees the counts.
    fn record(&self, request: &Recorded, processed: bool) {
        let mut log = self.lock();
        if processed {
            match request.header("idempotency-key") {
                Some(key) => {
                    log.keys.insert(key.to_owned());
                }
                None => log.unkeyed += 1,
            }
        }
        log.requests.push(request.clone());
    }
}

impl Handler for Shared {
    fn arrived(&self) -> Option<Fault> {
        // Taking the index and counting the request is one atomic step.
        let index = self.received.fetch_add(1, Ordering::SeqCst);
        Some(self.script.get(index).unwrap_or(&self.then).clone())
    }

    fn respond(&self, request: &Recorded, preset: Option<Fault>) -> Fault {
        let fault = preset.unwrap_or_else(|| self.then.clone());
        self.record(request, fault.processes());
        fault
    }

    fn connected(&self) {
        self.connections.fetch_add(1, Ordering::SeqCst);
    }
}
