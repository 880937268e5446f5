//! HTTP/1.1 on loopback, by hand: reading requests and carrying out a [`Fault`] for each.
//!
//! Both servers of this crate sit on it: the scripted [`crate::FaultServer`] and the
//! spec-driven [`crate::MockServer`]. Written on raw TCP rather than on hyper because faults
//! such as a reset before the request is read, or a body shorter than its `Content-Length`,
//! are exactly what an HTTP library is built to prevent.
//!
//! Request parsing: the head is read up to `\r\n\r\n` (at most 64 KiB, else `431` and close);
//! the body by `Content-Length`, or decoded when `Transfer-Encoding: chunked` is sent
//! (trailers are read and dropped). `Expect: 100-continue` gets an interim `100 Continue`.
//! A request the server cannot parse gets `400` and the connection is closed.

use std::fmt::Write as _;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use crate::fault::{Fault, Recorded};

/// Largest request head accepted, terminator included.
const MAX_HEAD: usize = 64 * 1024;
/// Largest chunk-size or trailer line accepted in a chunked body.
const MAX_LINE: usize = 8 * 1024;

/// What a server does with the requests it reads.
pub(crate) trait Handler: Send + Sync + 'static {
    /// Called as a request's first bytes arrive, before it is read: the fault to apply whatever
    /// the request says, if one is decided already (a script, or a fault queued by a test).
    fn arrived(&self) -> Option<Fault>;

    /// What to do with a fully read request; `preset` is what [`Handler::arrived`] gave.
    fn respond(&self, request: &Recorded, preset: Option<Fault>) -> Fault;

    /// Counts an accepted connection.
    fn connected(&self) {}
}

/// Accepts connections until the task is aborted, each served in a task of its own.
pub(crate) async fn accept_loop(listener: TcpListener, handler: Arc<dyn Handler>) {
    // Owning the connection tasks here means aborting this task drops (and so aborts) them:
    // a stalled connection must not outlive its server.
    let mut connections = JoinSet::new();
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                handler.connected();
                connections.spawn(serve(stream, Arc::clone(&handler)));
            }
            // E.g. out of file descriptors: back off instead of spinning.
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
        while connections.try_join_next().is_some() {}
    }
}

async fn serve(stream: TcpStream, handler: Arc<dyn Handler>) {
    let _ = stream.set_nodelay(true);
    let mut conn = Conn {
        stream,
        buf: Vec::new(),
    };
    // An error here is the client hanging up or misbehaving; either way the connection ends.
    let _ = conn.run(handler.as_ref()).await;
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
    async fn run(&mut self, handler: &dyn Handler) -> io::Result<()> {
        loop {
            if self.buf.is_empty() {
                // Peek, not read: ResetBeforeRead must leave the request unread.
                let mut probe = [0u8; 1];
                if self.stream.peek(&mut probe).await? == 0 {
                    // A clean hang-up between requests, e.g. reqwest dropping a pooled socket.
                    return Ok(());
                }
            }
            let preset = handler.arrived();
            if let Some(Fault::ResetBeforeRead) = preset {
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
            let fault = handler.respond(&request.recorded, preset);
            if !self.act(&fault, request.close).await? {
                return Ok(());
            }
        }
    }

    /// Carries out `fault`; false when the connection is finished with.
    async fn act(&mut self, fault: &Fault, close: bool) -> io::Result<bool> {
        let mut fault = fault;
        loop {
            match fault {
                Fault::Delayed(pause, then) => {
                    tokio::time::sleep(*pause).await;
                    fault = then;
                }
                Fault::Reply {
                    status,
                    headers,
                    body,
                    ..
                } => {
                    self.reply(*status, headers, body, close).await?;
                    if close {
                        self.close().await?;
                        return Ok(false);
                    }
                    return Ok(true);
                }
                Fault::ResetBeforeRead | Fault::ResetAfterRead => {
                    self.reset()?;
                    return Ok(false);
                }
                Fault::Truncated { status, body } => {
                    let head = response_head(*status, &[], Some(2 * body.len() + 1), false);
                    self.stream.write_all(&head).await?;
                    self.stream.write_all(body).await?;
                    self.stream.flush().await?;
                    self.close().await?;
                    return Ok(false);
                }
                Fault::Stall(pause) => {
                    tokio::time::sleep(*pause).await;
                    self.close().await?;
                    return Ok(false);
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

pub(crate) fn response_head(
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

pub(crate) fn reason(status: u16) -> &'static str {
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
