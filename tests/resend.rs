//! Every Resend operation, called once through `portico-resend` against a loopback server that
//! records what it received: method, path, query, headers and body are checked, and the spec's
//! example reply is decoded.

use portico_resend::types;
use portico_tests::example;
use portico_tests::resend::{client, sent, serve};

#[tokio::test]
async fn send_email() {
    let wire = serve("send_email").await;
    let reply = client(&wire)
        .send_email()
        .idempotency_key("welcome/user-42")
        .body_map(|b| {
            b.from("Acme <onboarding@acme.dev>")
                .to(vec!["delivered@resend.dev".to_string()])
                .subject("Welcome")
                .html(Some("<p>Hello</p>".to_string()))
                .tags(vec![types::Tag {
                    name: Some("category".parse().unwrap()),
                    value: Some("welcome".parse().unwrap()),
                }])
        })
        .send()
        .await
        .expect("sent");
    let sent = sent(&wire).await;
    sent.assert_request("POST", "/emails", &[]);
    assert_eq!(sent.header("idempotency-key"), Some("welcome/user-42"));
    assert_eq!(sent.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!(sent.json());
    assert_eq!(
        reply.id,
        example("resend", "send_email")["id"].as_str().unwrap()
    );
}

#[tokio::test]
async fn list_emails() {
    let wire = serve("list_emails").await;
    let page = client(&wire)
        .list_emails()
        .limit(2)
        .after("a1")
        .send()
        .await
        .expect("listed");
    sent(&wire)
        .await
        .assert_request("GET", "/emails", &[("after", "a1"), ("limit", "2")]);
    assert!(!page.data.is_empty());
}

#[tokio::test]
async fn create_contact_import() {
    let wire = serve("create_contact_import").await;
    let form = reqwest::multipart::Form::new()
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"email\na@b.dev\n".to_vec()).file_name("contacts.csv"),
        )
        .text("on_conflict", "upsert");
    let reply = client(&wire)
        .create_contact_import(form)
        .await
        .expect("imported");
    let sent = sent(&wire).await;
    sent.assert_request("POST", "/contacts/imports", &[]);
    assert!(
        sent.header("content-type")
            .unwrap()
            .starts_with("multipart/form-data; boundary=")
    );
    let body = String::from_utf8_lossy(&sent.0.body);
    assert!(
        body.contains("name=\"file\"; filename=\"contacts.csv\"") && body.contains("a@b.dev"),
        "{body}"
    );
    assert!(
        body.contains("name=\"on_conflict\"\r\n\r\nupsert"),
        "{body}"
    );
    assert_eq!(
        reply.id,
        example("resend", "create_contact_import")["id"]
            .as_str()
            .unwrap()
    );
}
