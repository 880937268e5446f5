//! A minimal HTTP/1.1 server on loopback, on its own OS thread with its own single-threaded
//! tokio runtime, so that its CPU time is never counted against the client under test.
//!
//! It answers every request from canned bytes chosen by path (keep-alive, `content-length`
//! bodies only), except Sendo's message list in streaming mode, whose pages it makes from
//! `skip` and `limit`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

/// A canned reply: status line, headers and body, ready to write.
fn reply(body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

/// What the server answers.
#[derive(Default)]
pub struct Routes {
    /// Canned bodies by path (the query is ignored).
    pub canned: HashMap<&'static str, Vec<u8>>,
    /// When set, `GET /v1/message/list` makes Sendo pages out of this many messages in all.
    pub message_total: Option<u64>,
}

/// A running server.
pub struct Server {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    /// The server thread's id, for `/proc/self/task/<tid>/schedstat`.
    pub tid: u32,
    /// The last request received on `POST /emails`, head and body, as it arrived.
    pub last_email_request: Arc<Mutex<Vec<u8>>>,
}

impl Server {
    /// Starts the server on a thread of its own and returns once it listens.
    pub fn start(routes: Routes) -> Server {
        let (tx, rx) = std::sync::mpsc::channel();
        let last = Arc::new(Mutex::new(Vec::new()));
        let last_for_thread = Arc::clone(&last);
        let routes = Arc::new(Prepared::new(routes));
        std::thread::Builder::new()
            .name("bench-server".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_io()
                    .build()
                    .expect("server runtime");
                runtime.block_on(async move {
                    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
                    let port = listener.local_addr().expect("address").port();
                    tx.send((port, crate::cpu::current_tid())).expect("report");
                    loop {
                        let Ok((stream, _)) = listener.accept().await else {
                            continue;
                        };
                        let _ = stream.set_nodelay(true);
                        let routes = Arc::clone(&routes);
                        let last = Arc::clone(&last_for_thread);
                        tokio::spawn(async move {
                            let _ = serve(stream, &routes, &last).await;
                        });
                    }
                });
            })
            .expect("server thread");
        let (port, tid) = rx.recv().expect("server started");
        Server {
            url: format!("http://127.0.0.1:{port}"),
            tid,
            last_email_request: last,
        }
    }
}

/// The routes with their full canned replies.
struct Prepared {
    canned: HashMap<&'static str, Vec<u8>>,
    message_total: Option<u64>,
    not_found: Vec<u8>,
}

impl Prepared {
    fn new(routes: Routes) -> Prepared {
        Prepared {
            canned: routes
                .canned
                .into_iter()
                .map(|(path, body)| (path, reply(&body)))
                .collect(),
            message_total: routes.message_total,
            not_found: b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n".to_vec(),
        }
    }
}

/// One connection: requests one after another until the client closes it.
async fn serve(
    mut stream: TcpStream,
    routes: &Prepared,
    last_email: &Mutex<Vec<u8>>,
) -> std::io::Result<()> {
    let mut buf: Vec<u8> = Vec::with_capacity(16 * 1024);
    let mut chunk = vec![0u8; 16 * 1024];
    loop {
        // The head.
        let head_end = loop {
            if let Some(at) = find(&buf, b"\r\n\r\n") {
                break at + 4;
            }
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = std::str::from_utf8(&buf[..head_end]).unwrap_or("");
        let mut lines = head.split("\r\n");
        let mut request_line = lines.next().unwrap_or("").split(' ');
        let method = request_line.next().unwrap_or("").to_string();
        let target = request_line.next().unwrap_or("").to_string();
        let length: usize = lines
            .filter_map(|line| line.split_once(':'))
            .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, value)| value.trim().parse().ok())
            .unwrap_or(0);
        // The body.
        while buf.len() < head_end + length {
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        let (path, query) = target.split_once('?').unwrap_or((&target, ""));
        if method == "POST" && path == "/emails" {
            let mut last = last_email.lock().expect("lock");
            last.clear();
            last.extend_from_slice(&buf[..head_end + length]);
        }
        if path == "/v1/message/list"
            && let Some(total) = routes.message_total
        {
            let page = message_page(query, total);
            stream.write_all(&reply(&page)).await?;
        } else {
            let canned = routes.canned.get(path).unwrap_or(&routes.not_found);
            stream.write_all(canned).await?;
        }
        buf.drain(..head_end + length);
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A Sendo `list_messages` page: messages `skip..skip+limit` of `total`.
fn message_page(query: &str, total: u64) -> Vec<u8> {
    let param = |name: &str| -> Option<u64> {
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == name)
            .and_then(|(_, v)| v.parse().ok())
    };
    let skip = param("skip").unwrap_or(0);
    let limit = param("limit").unwrap_or(10);
    let end = total.min(skip.saturating_add(limit));
    let mut body = b"{\"messages\":[".to_vec();
    for i in skip..end {
        if i > skip {
            body.push(b',');
        }
        body.extend_from_slice(crate::fixtures::sendo_message(i).as_bytes());
    }
    body.extend_from_slice(b"]}");
    body
}
