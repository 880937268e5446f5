//! Each fault observed from a real reqwest client, the way the suite will use it.

use std::error::Error as _;
use std::io;
use std::time::{Duration, Instant};

use portico_tests::fault::{Fault, FaultServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn client(timeout: Duration) -> reqwest::Client {
    // no_proxy: a proxy variable in the environment must not divert loopback traffic.
    reqwest::Client::builder()
        .no_proxy()
        .timeout(timeout)
        .build()
        .expect("client")
}

/// The error's classification, in one string so a failing assertion shows all of it.
fn flags(e: &reqwest::Error) -> String {
    format!(
        "connect={} request={} body={} decode={} timeout={}",
        e.is_connect(),
        e.is_request(),
        e.is_body(),
        e.is_decode(),
        e.is_timeout()
    )
}

/// Whether a reqwest error below the top one is a body error.
fn body_error_below(e: &reqwest::Error) -> bool {
    e.source()
        .and_then(|s| s.downcast_ref::<reqwest::Error>())
        .is_some_and(reqwest::Error::is_body)
}

/// The first `io::Error` kind in the source chain, if any.
fn io_kind(e: &reqwest::Error) -> Option<io::ErrorKind> {
    let mut source = e.source();
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<io::Error>() {
            return Some(io.kind());
        }
        source = s.source();
    }
    None
}

fn ok() -> Fault {
    Fault::json(200, r#"{"ok":true}"#, true)
}

#[tokio::test]
async fn reply_delivers_status_headers_and_body() {
    let server = FaultServer::start(
        vec![Fault::json(201, r#"{"id":7}"#, true).with_header("X-Request-Id", "req-1")],
        ok(),
    )
    .await;
    let res = client(Duration::from_secs(5))
        .post(format!("{}/v1/items?dry=1", server.url()))
        .header("Idempotency-Key", "k1")
        .body("payload")
        .send()
        .await
        .expect("send");
    assert_eq!(res.status().as_u16(), 201);
    assert_eq!(res.version(), reqwest::Version::HTTP_11);
    assert_eq!(res.headers()["content-type"], "application/json");
    assert_eq!(res.headers()["x-request-id"], "req-1");
    assert_eq!(res.headers()["content-length"], "8");
    assert_eq!(res.text().await.expect("body"), r#"{"id":7}"#);

    assert_eq!((server.received(), server.processed()), (1, 1));
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/v1/items?dry=1");
    assert_eq!(r.body, b"payload");
    assert_eq!(r.header("IDEMPOTENCY-KEY"), Some("k1"));
    assert!(r.headers.iter().any(|(n, _)| n == "idempotency-key"));
    assert_eq!(r.header("content-length"), Some("7"));
    assert_eq!(r.header("x-missing"), None);
}

#[tokio::test]
async fn html_error_page_is_not_processed() {
    let server = FaultServer::start(vec![Fault::html(502)], ok()).await;
    let res = client(Duration::from_secs(5))
        .get(server.url())
        .send()
        .await
        .expect("send");
    assert_eq!(res.status().as_u16(), 502);
    let ct = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(ct.starts_with("text/html"), "{ct}");
    let body = res.text().await.expect("body");
    assert!(body.contains("502 Bad Gateway"), "{body}");
    assert_eq!((server.received(), server.processed()), (1, 0));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn reset_before_read_fails_send_as_request_error() {
    let server = FaultServer::start(vec![Fault::ResetBeforeRead], ok()).await;
    let err = client(Duration::from_secs(5))
        .post(server.url())
        .body("never read")
        .send()
        .await
        .expect_err("reset");
    eprintln!(
        "ResetBeforeRead: {} / {:?} / {err:?}",
        flags(&err),
        io_kind(&err)
    );
    assert_eq!(
        flags(&err),
        "connect=false request=true body=false decode=false timeout=false"
    );
    assert_eq!(io_kind(&err), Some(io::ErrorKind::ConnectionReset));
    assert_eq!((server.received(), server.processed()), (1, 0));
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn reset_after_read_fails_send_after_the_request_was_read() {
    let server = FaultServer::start(vec![Fault::ResetAfterRead], ok()).await;
    let err = client(Duration::from_secs(5))
        .post(format!("{}/charge", server.url()))
        .body("amount=5")
        .send()
        .await
        .expect_err("reset");
    eprintln!(
        "ResetAfterRead: {} / {:?} / {err:?}",
        flags(&err),
        io_kind(&err)
    );
    assert_eq!(
        flags(&err),
        "connect=false request=true body=false decode=false timeout=false"
    );
    assert_eq!(io_kind(&err), Some(io::ErrorKind::ConnectionReset));
    assert_eq!((server.received(), server.processed()), (1, 1));
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].path, "/charge");
    assert_eq!(requests[0].body, b"amount=5");
}

#[tokio::test]
async fn truncated_gives_status_then_a_body_error() {
    let server = FaultServer::start(
        vec![Fault::Truncated {
            status: 200,
            body: br#"{"items":[1,2"#.to_vec(),
        }],
        ok(),
    )
    .await;
    let res = client(Duration::from_secs(5))
        .get(server.url())
        .send()
        .await
        .expect("head arrives");
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.content_length(), Some(2 * 13 + 1));
    let err = res.bytes().await.expect_err("truncated");
    eprintln!(
        "Truncated bytes(): {} / {:?} / {err:?}",
        flags(&err),
        io_kind(&err)
    );
    assert_eq!(
        flags(&err),
        "connect=false request=false body=false decode=true timeout=false"
    );
    assert!(body_error_below(&err));
    assert_eq!(io_kind(&err), Some(io::ErrorKind::UnexpectedEof));
    assert_eq!((server.received(), server.processed()), (1, 1));
}

#[tokio::test]
async fn truncated_read_by_chunk_gives_the_part_then_a_body_error() {
    let server = FaultServer::start(
        vec![Fault::Truncated {
            status: 200,
            body: b"partial".to_vec(),
        }],
        ok(),
    )
    .await;
    let mut res = client(Duration::from_secs(5))
        .get(server.url())
        .send()
        .await
        .expect("head arrives");
    let mut got = Vec::new();
    let err = loop {
        match res.chunk().await {
            Ok(Some(chunk)) => got.extend_from_slice(&chunk),
            Ok(None) => panic!("body ended cleanly after {got:?}"),
            Err(e) => break e,
        }
    };
    eprintln!(
        "Truncated chunk(): {} / {:?} / {err:?}",
        flags(&err),
        io_kind(&err)
    );
    assert_eq!(got, b"partial");
    assert_eq!(
        flags(&err),
        "connect=false request=false body=false decode=true timeout=false"
    );
    assert!(body_error_below(&err));
    assert_eq!(io_kind(&err), Some(io::ErrorKind::UnexpectedEof));
}

#[tokio::test]
async fn stall_past_the_client_timeout_is_a_timeout() {
    let server = FaultServer::start(vec![Fault::Stall(Duration::from_secs(3))], ok()).await;
    let started = Instant::now();
    let err = client(Duration::from_millis(200))
        .get(server.url())
        .send()
        .await
        .expect_err("stall");
    let took = started.elapsed();
    eprintln!(
        "Stall(3s) vs 200ms: {} / {:?} / {err:?}",
        flags(&err),
        io_kind(&err)
    );
    assert!(err.is_timeout());
    assert_eq!(
        flags(&err),
        "connect=false request=true body=false decode=false timeout=true"
    );
    assert!(took < Duration::from_secs(2), "{took:?}");
    assert_eq!((server.received(), server.processed()), (1, 1));
}

#[tokio::test]
async fn stall_shorter_than_the_timeout_ends_in_a_closed_connection() {
    let server = FaultServer::start(vec![Fault::Stall(Duration::from_millis(100))], ok()).await;
    let started = Instant::now();
    let err = client(Duration::from_secs(5))
        .get(server.url())
        .send()
        .await
        .expect_err("closed");
    eprintln!(
        "Stall(100ms) vs 5s: {} / {:?} / {err:?}",
        flags(&err),
        io_kind(&err)
    );
    assert!(started.elapsed() >= Duration::from_millis(100));
    assert_eq!(
        flags(&err),
        "connect=false request=true body=false decode=false timeout=false"
    );
}

#[tokio::test]
async fn script_runs_in_order_then_repeats_the_fallback() {
    let server = FaultServer::start(
        vec![
            Fault::json(500, "{}", false),
            Fault::json(503, "{}", false),
            Fault::html(502),
        ],
        Fault::json(200, "{}", true),
    )
    .await;
    let client = client(Duration::from_secs(5));
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let res = client.get(server.url()).send().await.expect("send");
        statuses.push(res.status().as_u16());
    }
    assert_eq!(statuses, [500, 503, 502, 200, 200, 200]);
    assert_eq!((server.received(), server.processed()), (6, 3));
}

#[tokio::test]
async fn counts_dedupe_processed_requests_by_idempotency_key() {
    let server = FaultServer::start(
        vec![
            Fault::ResetBeforeRead,      // received only
            Fault::ResetAfterRead,       // processed, key A
            ok(),                        // key A again: not counted again
            ok(),                        // no key
            ok(),                        // no key
            ok(),                        // key B
            Fault::json(503, "", false), // key C, not processed
        ],
        ok(),
    )
    .await;
    let client = client(Duration::from_secs(5));
    let keys = [
        Some("A"),
        Some("A"),
        Some("A"),
        None,
        None,
        Some("B"),
        Some("C"),
    ];
    let mut outcomes = Vec::new();
    for key in keys {
        let mut req = client.post(server.url()).body("x");
        if let Some(key) = key {
            req = req.header("Idempotency-Key", key);
        }
        outcomes.push(req.send().await.map(|r| r.status().as_u16()).ok());
    }
    assert_eq!(
        outcomes,
        [
            None,
            None,
            Some(200),
            Some(200),
            Some(200),
            Some(200),
            Some(503)
        ]
    );
    assert_eq!(server.received(), 7);
    assert_eq!(server.processed(), 4); // A, two unkeyed, B
    let recorded: Vec<_> = server
        .requests()
        .iter()
        .map(|r| r.header("idempotency-key").map(str::to_owned))
        .collect();
    let expected: Vec<_> = keys[1..].iter().map(|k| k.map(str::to_owned)).collect();
    assert_eq!(recorded, expected);

    // C counts once it is actually processed.
    let res = client
        .post(server.url())
        .header("idempotency-key", "C")
        .send()
        .await
        .expect("send");
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(server.processed(), 5);
}

#[tokio::test]
async fn keep_alive_serves_sequential_requests_on_one_connection() {
    let server = FaultServer::start(vec![], ok()).await;
    let client = client(Duration::from_secs(5));
    for i in 0..3 {
        let res = client
            .post(format!("{}/n/{i}", server.url()))
            .body(format!("body {i}"))
            .send()
            .await
            .expect("send");
        assert_eq!(res.status().as_u16(), 200);
        assert_eq!(res.text().await.expect("body"), r#"{"ok":true}"#);
    }
    assert_eq!(server.connections(), 1);
    assert_eq!((server.received(), server.processed()), (3, 3));
    let paths: Vec<_> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/n/0", "/n/1", "/n/2"]);
}

#[tokio::test]
async fn reset_on_a_pooled_connection_is_not_retried_by_reqwest() {
    let server = FaultServer::start(vec![ok(), Fault::ResetBeforeRead], ok()).await;
    let client = client(Duration::from_secs(5));
    let first = client.get(server.url()).send().await.expect("first");
    first.bytes().await.expect("first body");
    let err = client
        .get(server.url())
        .send()
        .await
        .expect_err("reset on reused connection");
    eprintln!(
        "pooled ResetBeforeRead: {} / {:?}",
        flags(&err),
        io_kind(&err)
    );
    assert_eq!(
        flags(&err),
        "connect=false request=true body=false decode=false timeout=false"
    );
    assert_eq!(server.connections(), 1);
    // The next request needs, and gets, a fresh connection.
    let third = client.get(server.url()).send().await.expect("third");
    assert_eq!(third.status().as_u16(), 200);
    assert_eq!((server.connections(), server.received()), (2, 3));
}

#[tokio::test]
async fn faults_are_taken_in_arrival_order_across_connections() {
    let server = FaultServer::start(
        vec![Fault::json(201, "", true), Fault::json(202, "", true)],
        Fault::json(203, "", true),
    )
    .await;
    // Separate clients force separate connections.
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let res = client(Duration::from_secs(5))
            .get(server.url())
            .send()
            .await
            .expect("send");
        statuses.push(res.status().as_u16());
    }
    assert_eq!(statuses, [201, 202, 203]);
    assert_eq!(server.connections(), 3);
}

#[tokio::test]
async fn dropping_the_server_stops_it_and_its_connections() {
    let server = FaultServer::start(vec![], Fault::Stall(Duration::from_secs(30))).await;
    let url = server.url();
    let client = client(Duration::from_secs(5));
    let pending = tokio::spawn({
        let (client, url) = (client.clone(), url.clone());
        async move { client.get(url).send().await }
    });
    // Let the request reach the stall before dropping the server.
    while server.received() == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let started = Instant::now();
    drop(server);
    let err = pending.await.unwrap().expect_err("connection ended");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(!err.is_timeout(), "{}", flags(&err));

    let err = client.get(&url).send().await.expect_err("nobody listens");
    assert!(err.is_connect(), "{}", flags(&err));
}

#[test]
#[should_panic(expected = "needs a Fault::Reply")]
fn with_header_on_a_non_reply_panics() {
    let _ = Fault::ResetAfterRead.with_header("x", "y");
}

/// Reads one response whose framing is `Content-Length`; returns (head, body).
async fn read_response(stream: &mut TcpStream, leftover: &mut Vec<u8>) -> (String, Vec<u8>) {
    loop {
        if let Some(at) = leftover.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8(leftover.drain(..at + 4).collect()).unwrap();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length: "))
                .map_or(0, |n| n.trim().parse().unwrap());
            while leftover.len() < length {
                assert_ne!(stream.read_buf(leftover).await.unwrap(), 0, "eof in body");
            }
            return (head, leftover.drain(..length).collect());
        }
        assert_ne!(stream.read_buf(leftover).await.unwrap(), 0, "eof in head");
    }
}

#[tokio::test]
async fn raw_pipelined_requests_and_a_chunked_body() {
    let server = FaultServer::start(vec![], ok()).await;
    let mut stream = TcpStream::connect(server.url().trim_start_matches("http://"))
        .await
        .unwrap();
    // Two requests in one write: the second must be served from leftover bytes.
    stream
        .write_all(
            b"PUT /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc\
              POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n\
              4;ext=1\r\nwiki\r\n5\r\npedia\r\n0\r\nX-Trailer: t\r\n\r\n",
        )
        .await
        .unwrap();
    let mut leftover = Vec::new();
    for _ in 0..2 {
        let (head, body) = read_response(&mut stream, &mut leftover).await;
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
        assert_eq!(body, br#"{"ok":true}"#);
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        (requests[0].method.as_str(), &requests[0].body[..]),
        ("PUT", &b"abc"[..])
    );
    assert_eq!(requests[1].body, b"wikipedia");
    assert_eq!(requests[1].header("transfer-encoding"), Some("chunked"));
    assert_eq!(server.received(), 2);
}

#[tokio::test]
async fn malformed_and_oversized_requests_are_rejected_not_panicked_on() {
    let server = FaultServer::start(vec![], ok()).await;
    let addr = server.url().trim_start_matches("http://").to_owned();

    let mut bad = TcpStream::connect(&addr).await.unwrap();
    bad.write_all(b"NONSENSE\r\n\r\n").await.unwrap();
    let (head, _) = read_response(&mut bad, &mut Vec::new()).await;
    assert!(head.starts_with("HTTP/1.1 400 "), "{head}");
    assert!(head.contains("connection: close"), "{head}");

    let mut big = TcpStream::connect(&addr).await.unwrap();
    let mut request = b"GET / HTTP/1.1\r\nX-Big: ".to_vec();
    request.resize(70 * 1024, b'a');
    // The server may stop reading and answer before all of it is written.
    let _ = big.write_all(&request).await;
    let (head, _) = read_response(&mut big, &mut Vec::new()).await;
    assert!(head.starts_with("HTTP/1.1 431 "), "{head}");

    // A client that hangs up mid-head leaves the server working.
    let mut quitter = TcpStream::connect(&addr).await.unwrap();
    quitter.write_all(b"GET / HT").await.unwrap();
    drop(quitter);

    let res = client(Duration::from_secs(5))
        .get(server.url())
        .send()
        .await
        .expect("still serving");
    assert_eq!(res.status().as_u16(), 200);
    assert!(server.requests().iter().all(|r| r.path == "/"));
}
