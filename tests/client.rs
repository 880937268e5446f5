//! Client construction on the wire: User-Agent suffix, a caller-supplied `reqwest::Client`, and
//! the default base URL taken from the spec.

use portico_resend::Client;
use portico_tests::{CANARY_KEY, Wire};
use serde_json::json;

#[tokio::test]
async fn user_agent_suffix_is_appended() {
    let wire = Wire::json(200, json!({ "object": "email", "id": "e1" })).await;
    let client = Client::builder()
        .api_key(CANARY_KEY)
        .base_url(wire.url())
        .user_agent_suffix("acme-billing/2.1")
        .build()
        .unwrap();
    client.get_email().email_id("e1").send().await.unwrap();
    let sent = wire.single_request().await;
    let expected = format!(
        "portico-resend/{} acme-billing/2.1",
        portico_resend::PROVIDER.crate_version
    );
    assert_eq!(sent.header("user-agent"), Some(expected.as_str()));
}

#[tokio::test]
async fn a_caller_supplied_reqwest_client_is_used() {
    let wire = Wire::json(200, json!({ "object": "email", "id": "e1" })).await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-tenant", "acme".parse().unwrap());
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap();
    let client = Client::builder()
        .api_key(CANARY_KEY)
        .base_url(wire.url())
        .http_client(http)
        .build()
        .unwrap();
    client.get_email().email_id("e1").send().await.unwrap();
    let sent = wire.single_request().await;
    assert_eq!(sent.header("x-tenant"), Some("acme"));
    assert_eq!(
        sent.header("authorization"),
        Some(format!("Bearer {CANARY_KEY}").as_str())
    );
}

#[tokio::test]
async fn a_trailing_slash_in_the_base_url_does_not_double_the_path() {
    let wire = Wire::json(200, json!({ "object": "email", "id": "e1" })).await;
    let client = Client::builder()
        .api_key(CANARY_KEY)
        .base_url(format!("{}/", wire.url()))
        .build()
        .unwrap();
    client.get_email().email_id("e1").send().await.unwrap();
    assert_eq!(wire.single_request().await.path(), "/emails/e1");
}

#[test]
fn the_default_base_url_is_the_spec_server() {
    assert_eq!(
        portico_resend::PROVIDER.default_base_url,
        "https://api.resend.com"
    );
    let client = Client::new(CANARY_KEY).unwrap();
    use progenitor_client::ClientInfo as _;
    assert_eq!(client.baseurl(), "https://api.resend.com");
}

#[tokio::test]
async fn a_base_url_with_a_path_keeps_it_before_each_operation_path() {
    let wire = Wire::json(200, json!({ "object": "email", "id": "e f" })).await;
    let client = Client::builder()
        .api_key(CANARY_KEY)
        .base_url(format!("{}/proxy/resend/", wire.url()))
        .build()
        .unwrap();
    client.get_email().email_id("e f/g").send().await.unwrap();
    assert_eq!(
        wire.single_request().await.path(),
        "/proxy/resend/emails/e%20f%2Fg"
    );
}

/// A reply whose body arrives in pieces, with pauses between them, is read whole before it is
/// decoded (the attempt reads the body chunk by chunk).
#[tokio::test]
async fn a_body_sent_in_pieces_is_read_whole() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            socket.read_exact(&mut byte).await.unwrap();
            head.push(byte[0]);
        }
        socket
            .write_all(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                  transfer-encoding: chunked\r\n\r\n",
            )
            .await
            .unwrap();
        for piece in [r#"{"object": "#, r#""email", "id""#, r#": "e1"}"#] {
            let chunk = format!("{:x}\r\n{piece}\r\n", piece.len());
            socket.write_all(chunk.as_bytes()).await.unwrap();
            socket.flush().await.unwrap();
            tokio::time::sleep(std::time::Duration::from_millis(30)).await;
        }
        socket.write_all(b"0\r\n\r\n").await.unwrap();
        socket.flush().await.unwrap();
    });
    let client = Client::builder()
        .api_key(CANARY_KEY)
        .base_url(url)
        .build()
        .unwrap();
    let email = client.get_email().email_id("e1").send().await.unwrap();
    assert_eq!(email.id, "e1");
    server.await.unwrap();
}
