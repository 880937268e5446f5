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
//! Request parsing: the head is read up to `\r\n\r\n` (at most 64 KiB, else `431` and close);
//! the body by `Content-Length`, or decoded when `Transfer-Encoding: chunked` is sent
//! (trailers are read and dropped). `Expect: 100-continue` gets an interim `100 Continue`.
//! A request the server cannot parse gets `400` and the connection is closed; it counts in
//! [`FaultServer::received`] only.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// Largest request head accepted, terminator included.
const MAX_HEAD: usize = 64 * 1024;
/// Largest chunk-size or trailer line accepted in a chunked body.
const MAX_LINE: usize = 8 * 1024;

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
        let title = format!("{status} {}", reason(status));
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
        let accept = tokio::spawn(accept_loop(listener, Arc::clone(&shared)));
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

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    // Owning the connection tasks here means aborting this task drops (and so aborts) them:
    // a stalled connection must not outlive its server.
    let mut connections = JoinSet::new();
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                shared.connections.fetch_add(1, Ordering::SeqCst);
                connections.spawn(serve(stream, Arc::clone(&shared)));
            }
            // E.g. out of file descriptors: back off instead of spinning.
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
        while connections.try_join_next().is_some() {}
    }
}

async fn serve(stream: TcpStream, shared: Arc<Shared>) {
    let _ = stream.set_nodelay(true);
    let mut conn = Conn {
        stream,
        buf: Vec::new(),
    };
    // An error here is the client hanging up or misbehaving; either way the connection ends.
    let _ = conn.run(&shared).await;
}

/// Why a request could not be read.
enum ReadError {
    /// The client went away or the socket failed; nothing more to send.
    Io(io::Error),
    /// The request is malformed; answer with this status and close.
    Bad(u16, &'static str),
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

/// A fully read request and whether the client wants the connection closed after it.
struct Request {
    recorded: Recorded,
    close: bool,
}

/// One connection: the socket plus bytes read but not yet consumed (keep-alive and
/// pipelining leave the next request's start here).
struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    async fn run(&mut self, shared: &Shared) -> io::Result<()> {
        loop {
            if self.buf.is_empty() {
                // Peek, not read: ResetBeforeRead must leave the request unread.
                let mut probe = [0u8; 1];
                if self.stream.peek(&mut probe).await? == 0 {
                    // A clean hang-up between requests, e.g. reqwest dropping a pooled socket.
                    return Ok(());
                }
            }
            let index = shared.received.fetch_add(1, Ordering::SeqCst);
            let fault = shared.script.get(index).unwrap_or(&shared.then);

            if let Fault::ResetBeforeRead = fault {
                return self.reset();
            }
            let request = match self.read_request().await {
                Ok(request) => request,
                Err(ReadError::Io(e)) => return Err(e),
                Err(ReadError::Bad(status, why)) => {
                    self.reply(status, &[], why.as_bytes(), true).await?;
                    return self.close().await;
                }
            };
            shared.record(&request.recorded, fault.processes());

            match fault {
                Fault::Reply {
                    status,
                    headers,
                    body,
                    ..
                } => {
                    self.reply(*status, headers, body, request.close).await?;
                    if request.close {
                        return self.close().await;
                    }
                }
                Fault::ResetBeforeRead | Fault::ResetAfterRead => return self.reset(),
                Fault::Truncated { status, body } => {
                    let head = response_head(*status, &[], Some(2 * body.len() + 1), false);
                    self.stream.write_all(&head).await?;
                    self.stream.write_all(body).await?;
                    self.stream.flush().await?;
                    return self.close().await;
                }
                Fault::Stall(pause) => {
                    tokio::time::sleep(*pause).await;
                    return self.close().await;
                }
            }
        }
    }

    /// Arms an abortive close; the RST goes out when the socket is dropped, right after.
    fn reset(&mut self) -> io::Result<()> {
        self.stream.set_zero_linger()
    }

    /// A clean close (FIN) once everything written has been handed to the kernel.
    async fn close(&mut self) -> io::Result<()> {
        self.stream.shutdown().await
    }

    async fn reply(
        &mut self,
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
        close: bool,
    ) -> io::Result<()> {
        let bodiless = (100..200).contains(&status) || status == 204 || status == 304;
        let mut out = if bodiless {
            response_head(status, headers, None, close)
        } else {
            response_head(status, headers, Some(body.len()), close)
        };
        if !bodiless {
            out.extend_from_slice(body);
        }
        self.stream.write_all(&out).await?;
        self.stream.flush().await
    }

    async fn read_request(&mut self) -> Result<Request, ReadError> {
        let head = self.read_head().await?;
        let head =
            std::str::from_utf8(&head).map_err(|_| ReadError::Bad(400, "head is not UTF-8"))?;
        let mut lines = head.split("\r\n");
        let request_line = lines.next().unwrap_or_default();
        let mut parts = request_line.split(' ');
        let (Some(method), Some(path), Some(version), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(ReadError::Bad(400, "bad request line"));
        };
        if method.is_empty() || path.is_empty() || !version.starts_with("HTTP/1.") {
            return Err(ReadError::Bad(400, "bad request line"));
        }

        let mut headers = Vec::new();
        for line in lines.filter(|l| !l.is_empty()) {
            let Some((name, value)) = line.split_once(':') else {
                return Err(ReadError::Bad(400, "header line without ':'"));
            };
            if name.is_empty() || name.trim() != name {
                return Err(ReadError::Bad(400, "bad header name"));
            }
            headers.push((name.to_ascii_lowercase(), value.trim().to_owned()));
        }
        let mut recorded = Recorded {
            method: method.to_owned(),
            path: path.to_owned(),
            headers,
            body: Vec::new(),
        };

        let has_token = |name: &str, token: &str| {
            recorded
                .headers
                .iter()
                .filter(|(n, _)| n == name)
                .flat_map(|(_, v)| v.split(','))
                .any(|t| t.trim().eq_ignore_ascii_case(token))
        };
        let close = has_token("connection", "close")
            || (version == "HTTP/1.0" && !has_token("connection", "keep-alive"));
        let chunked = has_token("transfer-encoding", "chunked");
        let length = content_length(&recorded)?;
        if chunked || length.is_some_and(|n| n > 0) {
            if recorded
                .header("expect")
                .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
            {
                self.stream
                    .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
                    .await?;
            }
            recorded.body = if chunked {
                self.read_chunked().await?
            } else {
                self.take(length.unwrap_or(0)).await?
            };
        }
        Ok(Request { recorded, close })
    }

    /// Reads until `\r\n\r\n` and returns the head, terminator included.
    async fn read_head(&mut self) -> Result<Vec<u8>, ReadError> {
        let mut scanned = 0;
        loop {
            if let Some(at) = find(&self.buf[scanned..], b"\r\n\r\n") {
                let end = scanned + at + 4;
                if end > MAX_HEAD {
                    return Err(ReadError::Bad(431, "request head over 64 KiB"));
                }
                return Ok(self.buf.drain(..end).collect());
            }
            if self.buf.len() >= MAX_HEAD {
                return Err(ReadError::Bad(431, "request head over 64 KiB"));
            }
            // Rescan the last 3 bytes: the terminator may straddle two reads.
            scanned = self.buf.len().saturating_sub(3);
            self.fill().await?;
        }
    }

    /// Decodes a chunked body; trailers are read and dropped.
    async fn read_chunked(&mut self) -> Result<Vec<u8>, ReadError> {
        let mut body = Vec::new();
        loop {
            let line = self.read_line().await?;
            let size = line.split(|&b| b == b';').next().unwrap_or_default();
            let size = std::str::from_utf8(size)
                .ok()
                .and_then(|s| usize::from_str_radix(s.trim(), 16).ok())
                .ok_or(ReadError::Bad(400, "bad chunk size"))?;
            if size == 0 {
                while !self.read_line().await?.is_empty() {}
                return Ok(body);
            }
            body.extend_from_slice(&self.take(size).await?);
            if self.take(2).await? != b"\r\n" {
                return Err(ReadError::Bad(400, "chunk not followed by CRLF"));
            }
        }
    }

    /// Reads one CRLF-terminated line and returns it without the CRLF.
    async fn read_line(&mut self) -> Result<Vec<u8>, ReadError> {
        loop {
            if let Some(at) = find(&self.buf, b"\r\n") {
                let mut line: Vec<u8> = self.buf.drain(..at + 2).collect();
                line.truncate(at);
                return Ok(line);
            }
            if self.buf.len() > MAX_LINE {
                return Err(ReadError::Bad(400, "chunk line too long"));
            }
            self.fill().await?;
        }
    }

    /// Reads exactly `n` bytes.
    async fn take(&mut self, n: usize) -> io::Result<Vec<u8>> {
        while self.buf.len() < n {
            self.fill().await?;
        }
        Ok(self.buf.drain(..n).collect())
    }

    /// Appends what the socket has to `buf`; end of stream mid-request is an error.
    async fn fill(&mut self) -> io::Result<()> {
        self.buf.reserve(8 * 1024);
        if self.stream.read_buf(&mut self.buf).await? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        Ok(())
    }
}

/// The request's `Content-Length`, if any; several differing values are rejected, as a
/// real server must (request smuggling).
fn content_length(request: &Recorded) -> Result<Option<usize>, ReadError> {
    let mut length = None;
    for (_, value) in request
        .headers
        .iter()
        .filter(|(n, _)| n == "content-length")
    {
        for part in value.split(',') {
            let n: usize = part
                .trim()
                .parse()
                .map_err(|_| ReadError::Bad(400, "bad content-length"))?;
            if length.is_some_and(|l| l != n) {
                return Err(ReadError::Bad(400, "conflicting content-length"));
            }
            length = Some(n);
        }
    }
    Ok(length)
}

fn response_head(
    status: u16,
    headers: &[(String, String)],
    content_length: Option<usize>,
    close: bool,
) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in headers {
        // The server owns the framing; a script's own would contradict it.
        if name.eq_ignore_ascii_case("content-length")
            || name.eq_ignore_ascii_case("transfer-encoding")
        {
            continue;
        }
        let _ = write!(head, "{name}: {value}\r\n");
    }
    if let Some(n) = content_length {
        let _ = write!(head, "content-length: {n}\r\n");
    }
    if close {
        head.push_str("connection: close\r\n");
    }
    head.push_str("\r\n");
    head.into_bytes()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Content Too Large",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}
