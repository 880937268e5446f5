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
            // A file part names its media type, as RFC 7578 §4.4 says it should.
            reqwest::multipart::Part::bytes(b"email\na@b.dev\n".to_vec())
                .file_name("contacts.csv")
                .mime_str("text/csv")
                .unwrap(),
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
    let body = String::from_utf8_lossy(&sent.body);
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

// ---------------------------------------------------------------------------------------------
// Emails
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn send_batch_emails() {
    let wire = serve("send_batch_emails").await;
    let first = types::SendEmailRequest::try_from(
        types::SendEmailRequest::builder()
            .from("Acme <onboarding@acme.dev>")
            .to(vec!["jane@example.com".to_string()])
            .subject("Welcome, Jane")
            .text(Some("Hello Jane".to_string())),
    )
    .expect("first email");
    let second = types::SendEmailRequest::try_from(
        types::SendEmailRequest::builder()
            .from("Acme <onboarding@acme.dev>")
            .to(vec!["john@example.com".to_string()])
            .subject("Welcome, John")
            .html(Some("<p>Hello John</p>".to_string()))
            .reply_to(vec!["support@acme.dev".to_string()]),
    )
    .expect("second email");
    let reply = client(&wire)
        .send_batch_emails()
        .idempotency_key("batch/welcome-2026-10-06")
        .x_batch_validation(types::BatchValidation::Permissive)
        .body(vec![first, second])
        .send()
        .await
        .expect("sent");
    let sent = sent(&wire).await;
    sent.assert_request("POST", "/emails/batch", &[]);
    assert_eq!(
        sent.header("idempotency-key"),
        Some("batch/welcome-2026-10-06")
    );
    assert_eq!(sent.header("x-batch-validation"), Some("permissive"));
    assert_eq!(sent.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!(sent.json());
    let expected = example("resend", "send_batch_emails");
    assert_eq!(reply.data.len(), expected["data"].as_array().unwrap().len());
    assert_eq!(
        reply.data[1].id,
        expected["data"][1]["id"].as_str().unwrap()
    );
}

#[tokio::test]
async fn get_email_metrics() {
    let wire = serve("get_email_metrics").await;
    let reply = client(&wire)
        .get_email_metrics()
        .start_date("2026-10-01")
        .end_date("2026-10-06")
        .timezone("Europe/Berlin")
        .granularity(types::EmailMetricsGranularity::Daily)
        .metrics(vec![
            types::EmailMetric::Delivered,
            types::EmailMetric::Opened,
        ])
        .dimensions(vec![types::EmailMetricsDimension::Period])
        .domain_id(vec!["d91cd9bd-1176-453e-8fc1-35364d380206".to_string()])
        .send()
        .await
        .expect("metrics");
    let sent = sent(&wire).await;
    sent.assert_request(
        "GET",
        "/emails/metrics",
        &[
            ("dimensions", "period"),
            ("domain_id", "d91cd9bd-1176-453e-8fc1-35364d380206"),
            ("end_date", "2026-10-06"),
            ("granularity", "daily"),
            ("metrics", "delivered"),
            ("metrics", "opened"),
            ("start_date", "2026-10-01"),
            ("timezone", "Europe/Berlin"),
        ],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "get_email_metrics");
    assert_eq!(
        reply.granularity,
        Some(types::EmailMetricsGranularity::Daily)
    );
    assert_eq!(
        reply.totals["delivered"],
        expected["totals"]["delivered"].as_f64().unwrap()
    );
    assert_eq!(reply.data.len(), expected["data"].as_array().unwrap().len());
    assert_eq!(
        reply.data[0].extra["opened"],
        expected["data"][0]["opened"].as_f64().unwrap()
    );
}

#[tokio::test]
async fn get_email() {
    let wire = serve("get_email").await;
    let email = client(&wire)
        .get_email()
        .email_id("4ef9a417-02e9-4d39-ad75-9611e0fcc33c")
        .send()
        .await
        .expect("got");
    let sent = sent(&wire).await;
    sent.assert_request("GET", "/emails/4ef9a417-02e9-4d39-ad75-9611e0fcc33c", &[]);
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "get_email");
    assert_eq!(email.id, expected["id"].as_str().unwrap());
    assert_eq!(email.subject.as_deref(), expected["subject"].as_str());
    assert_eq!(email.last_event, Some(types::EmailEvent::Delivered));
}

#[tokio::test]
async fn update_email() {
    let wire = serve("update_email").await;
    let reply = client(&wire)
        .update_email()
        .email_id("4ef9a417-02e9-4d39-ad75-9611e0fcc33c")
        .body_map(|b| b.scheduled_at("2026-10-08T09:00:00Z"))
        .send()
        .await
        .expect("updated");
    let sent = sent(&wire).await;
    sent.assert_request("PATCH", "/emails/4ef9a417-02e9-4d39-ad75-9611e0fcc33c", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!(sent.json());
    let expected = example("resend", "update_email");
    assert_eq!(reply.id, expected["id"].as_str().unwrap());
    assert_eq!(reply.object, expected["object"].as_str().unwrap());
}

#[tokio::test]
async fn cancel_email() {
    let wire = serve("cancel_email").await;
    let reply = client(&wire)
        .cancel_email()
        .email_id("4ef9a417-02e9-4d39-ad75-9611e0fcc33c")
        .send()
        .await
        .expect("canceled");
    let sent = sent(&wire).await;
    sent.assert_request(
        "POST",
        "/emails/4ef9a417-02e9-4d39-ad75-9611e0fcc33c/cancel",
        &[],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    assert_eq!(
        reply.id,
        example("resend", "cancel_email")["id"].as_str().unwrap()
    );
}

#[tokio::test]
async fn share_email() {
    let wire = serve("share_email").await;
    let reply = client(&wire)
        .share_email()
        .email_id("4ef9a417-02e9-4d39-ad75-9611e0fcc33c")
        .body_map(|b| b.expires_in(Some("2 hours".to_string())))
        .send()
        .await
        .expect("shared");
    let sent = sent(&wire).await;
    sent.assert_request(
        "POST",
        "/emails/4ef9a417-02e9-4d39-ad75-9611e0fcc33c/share",
        &[],
    );
    assert_eq!(sent.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!(sent.json());
    let expected = example("resend", "share_email");
    assert_eq!(reply.id, expected["id"].as_str().unwrap());
    assert_eq!(reply.url.as_deref(), expected["url"].as_str());
}

#[tokio::test]
async fn list_email_attachments() {
    let wire = serve("list_email_attachments").await;
    let page = client(&wire)
        .list_email_attachments()
        .email_id("4ef9a417-02e9-4d39-ad75-9611e0fcc33c")
        .limit(10)
        .after("2a0c9ce0-3112-4728-976e-47ddcd16a318")
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire).await;
    sent.assert_request(
        "GET",
        "/emails/4ef9a417-02e9-4d39-ad75-9611e0fcc33c/attachments",
        &[
            ("after", "2a0c9ce0-3112-4728-976e-47ddcd16a318"),
            ("limit", "10"),
        ],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "list_email_attachments");
    assert_eq!(page.data.len(), expected["data"].as_array().unwrap().len());
    assert_eq!(page.data[0].id, expected["data"][0]["id"].as_str().unwrap());
    assert_eq!(
        page.data[0].content_disposition,
        Some(types::AttachmentContentDisposition::Attachment)
    );
    assert_eq!(page.data[0].size, expected["data"][0]["size"].as_i64());
}

#[tokio::test]
async fn get_email_attachment() {
    let wire = serve("get_email_attachment").await;
    let attachment = client(&wire)
        .get_email_attachment()
        .email_id("4ef9a417-02e9-4d39-ad75-9611e0fcc33c")
        .attachment_id("2a0c9ce0-3112-4728-976e-47ddcd16a318")
        .send()
        .await
        .expect("got");
    let sent = sent(&wire).await;
    sent.assert_request(
        "GET",
        "/emails/4ef9a417-02e9-4d39-ad75-9611e0fcc33c/attachments/2a0c9ce0-3112-4728-976e-47ddcd16a318",
        &[],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "get_email_attachment");
    assert_eq!(attachment.id, expected["id"].as_str().unwrap());
    assert_eq!(
        attachment.filename.as_deref(),
        expected["filename"].as_str()
    );
    assert_eq!(
        attachment.download_url.as_deref(),
        expected["download_url"].as_str()
    );
}

// ---------------------------------------------------------------------------------------------
// Receiving Emails
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_received_emails() {
    let wire = serve("list_received_emails").await;
    let page = client(&wire)
        .list_received_emails()
        .limit(25)
        .before("7c3e1a55-8b9d-4f20-a6e1-0d2c4b6f8e91")
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire).await;
    sent.assert_request(
        "GET",
        "/emails/receiving",
        &[
            ("before", "7c3e1a55-8b9d-4f20-a6e1-0d2c4b6f8e91"),
            ("limit", "25"),
        ],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "list_received_emails");
    assert_eq!(page.data.len(), expected["data"].as_array().unwrap().len());
    assert_eq!(page.data[0].id, expected["data"][0]["id"].as_str().unwrap());
    assert_eq!(page.data[0].cc, None);
    assert_eq!(page.data[0].attachments.len(), 1);
}

#[tokio::test]
async fn get_received_email() {
    let wire = serve("get_received_email").await;
    let email = client(&wire)
        .get_received_email()
        .email_id("7c3e1a55-8b9d-4f20-a6e1-0d2c4b6f8e91")
        .send()
        .await
        .expect("got");
    let sent = sent(&wire).await;
    sent.assert_request(
        "GET",
        "/emails/receiving/7c3e1a55-8b9d-4f20-a6e1-0d2c4b6f8e91",
        &[],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "get_received_email");
    assert_eq!(email.id, expected["id"].as_str().unwrap());
    assert_eq!(email.reply_to, Some(vec!["jane@example.com".to_string()]));
    assert_eq!(
        email.headers.as_ref().unwrap()["x-mailer"],
        expected["headers"]["x-mailer"]
    );
}

#[tokio::test]
async fn list_received_email_attachments() {
    let wire = serve("list_received_email_attachments").await;
    let page = client(&wire)
        .list_received_email_attachments()
        .email_id("7c3e1a55-8b9d-4f20-a6e1-0d2c4b6f8e91")
        .limit(5)
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire).await;
    sent.assert_request(
        "GET",
        "/emails/receiving/7c3e1a55-8b9d-4f20-a6e1-0d2c4b6f8e91/attachments",
        &[("limit", "5")],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "list_received_email_attachments");
    assert_eq!(page.data.len(), expected["data"].as_array().unwrap().len());
    assert_eq!(page.data[0].id, expected["data"][0]["id"].as_str().unwrap());
    assert_eq!(
        page.data[0].content_disposition,
        Some(types::AttachmentContentDisposition::Inline)
    );
}

#[tokio::test]
async fn get_received_email_attachment() {
    let wire = serve("get_received_email_attachment").await;
    let attachment = client(&wire)
        .get_received_email_attachment()
        .email_id("7c3e1a55-8b9d-4f20-a6e1-0d2c4b6f8e91")
        .attachment_id("5d8b2f1e-0c4a-4e6b-9f3d-1a2b3c4d5e6f")
        .send()
        .await
        .expect("got");
    let sent = sent(&wire).await;
    sent.assert_request(
        "GET",
        "/emails/receiving/7c3e1a55-8b9d-4f20-a6e1-0d2c4b6f8e91/attachments/5d8b2f1e-0c4a-4e6b-9f3d-1a2b3c4d5e6f",
        &[],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "get_received_email_attachment");
    assert_eq!(attachment.id, expected["id"].as_str().unwrap());
    assert_eq!(
        attachment.content_type.as_deref(),
        expected["content_type"].as_str()
    );
    assert_eq!(attachment.size, expected["size"].as_i64());
}

// ---------------------------------------------------------------------------------------------
// Domains
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn create_domain() {
    let wire = serve("create_domain").await;
    let domain = client(&wire)
        .create_domain()
        .body_map(|b| {
            b.name("mail.acme.dev")
                .region(Some(types::DomainRegion::EuWest1))
                .open_tracking(Some(false))
                .capabilities(Some(types::DomainCapabilities {
                    sending: Some(types::DomainCapabilityState::Enabled),
                    receiving: Some(types::DomainCapabilityState::Disabled),
                }))
        })
        .send()
        .await
        .expect("created");
    let sent = sent(&wire).await;
    sent.assert_request("POST", "/domains", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!(sent.json());
    let expected = example("resend", "create_domain");
    assert_eq!(domain.id, expected["id"].as_str().unwrap());
    assert_eq!(domain.status, Some(types::DomainStatus::NotStarted));
    assert_eq!(
        domain.records.len(),
        expected["records"].as_array().unwrap().len()
    );
    assert_eq!(domain.records[0].type_, Some(types::DomainRecordType::Mx));
    assert_eq!(domain.records[0].priority, Some(10));
}

#[tokio::test]
async fn list_domains() {
    let wire = serve("list_domains").await;
    let page = client(&wire)
        .list_domains()
        .limit(10)
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire).await;
    sent.assert_request("GET", "/domains", &[("limit", "10")]);
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "list_domains");
    assert_eq!(page.data.len(), expected["data"].as_array().unwrap().len());
    assert_eq!(page.data[0].id, expected["data"][0]["id"].as_str().unwrap());
    assert_eq!(page.data[0].status, Some(types::DomainStatus::Verified));
    assert_eq!(page.data[0].region, Some(types::DomainRegion::UsEast1));
}

#[tokio::test]
async fn create_domain_claim() {
    let wire = serve("create_domain_claim").await;
    let claim = client(&wire)
        .create_domain_claim()
        .body_map(|b| {
            b.name("acme.dev")
                .region(Some(types::DomainRegion::UsEast1))
                .click_tracking(Some(true))
        })
        .send()
        .await
        .expect("claimed");
    let sent = sent(&wire).await;
    sent.assert_request("POST", "/domains/claim", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!(sent.json());
    let expected = example("resend", "create_domain_claim");
    assert_eq!(claim.id, expected["id"].as_str().unwrap());
    assert_eq!(claim.status, Some(types::DomainClaimStatus::Pending));
    assert_eq!(
        claim.record.as_ref().unwrap().value.as_deref(),
        expected["record"]["value"].as_str()
    );
}

#[tokio::test]
async fn get_domain() {
    let wire = serve("get_domain").await;
    let domain = client(&wire)
        .get_domain()
        .domain_id("d91cd9bd-1176-453e-8fc1-35364d380206")
        .send()
        .await
        .expect("got");
    let sent = sent(&wire).await;
    sent.assert_request("GET", "/domains/d91cd9bd-1176-453e-8fc1-35364d380206", &[]);
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "get_domain");
    assert_eq!(domain.id, expected["id"].as_str().unwrap());
    assert_eq!(domain.status, Some(types::DomainStatus::Verified));
    assert_eq!(
        domain.tracking_subdomain.as_deref(),
        expected["tracking_subdomain"].as_str()
    );
    assert_eq!(
        domain.records[0].record,
        Some(types::DomainRecordKind::Dkim)
    );
}

#[tokio::test]
async fn update_domain() {
    let wire = serve("update_domain").await;
    let reply = client(&wire)
        .update_domain()
        .domain_id("d91cd9bd-1176-453e-8fc1-35364d380206")
        .body_map(|b| {
            b.click_tracking(Some(true))
                .tls(Some(types::DomainTls::Enforced))
        })
        .send()
        .await
        .expect("updated");
    let sent = sent(&wire).await;
    sent.assert_request(
        "PATCH",
        "/domains/d91cd9bd-1176-453e-8fc1-35364d380206",
        &[],
    );
    assert_eq!(sent.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!(sent.json());
    assert_eq!(
        reply.id,
        example("resend", "update_domain")["id"].as_str().unwrap()
    );
}

#[tokio::test]
async fn delete_domain() {
    let wire = serve("delete_domain").await;
    let reply = client(&wire)
        .delete_domain()
        .domain_id("d91cd9bd-1176-453e-8fc1-35364d380206")
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire).await;
    sent.assert_request(
        "DELETE",
        "/domains/d91cd9bd-1176-453e-8fc1-35364d380206",
        &[],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "delete_domain");
    assert_eq!(reply.id, expected["id"].as_str().unwrap());
    assert_eq!(reply.deleted, Some(true));
}

#[tokio::test]
async fn verify_domain() {
    let wire = serve("verify_domain").await;
    let reply = client(&wire)
        .verify_domain()
        .domain_id("d91cd9bd-1176-453e-8fc1-35364d380206")
        .send()
        .await
        .expect("verifying");
    let sent = sent(&wire).await;
    sent.assert_request(
        "POST",
        "/domains/d91cd9bd-1176-453e-8fc1-35364d380206/verify",
        &[],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "verify_domain");
    assert_eq!(reply.id, expected["id"].as_str().unwrap());
    assert_eq!(reply.object, expected["object"].as_str().unwrap());
}

#[tokio::test]
async fn get_domain_claim() {
    let wire = serve("get_domain_claim").await;
    let claim = client(&wire)
        .get_domain_claim()
        .domain_id("d91cd9bd-1176-453e-8fc1-35364d380206")
        .send()
        .await
        .expect("got");
    let sent = sent(&wire).await;
    sent.assert_request(
        "GET",
        "/domains/d91cd9bd-1176-453e-8fc1-35364d380206/claim",
        &[],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "get_domain_claim");
    assert_eq!(claim.id, expected["id"].as_str().unwrap());
    assert_eq!(claim.status, Some(types::DomainClaimStatus::Blocked));
    assert_eq!(
        claim.blocked_reason,
        Some(types::DomainClaimBlockedReason::PendingScheduledEmails)
    );
    assert_eq!(claim.domain_id.as_deref(), expected["domain_id"].as_str());
}

#[tokio::test]
async fn verify_domain_claim() {
    let wire = serve("verify_domain_claim").await;
    let claim = client(&wire)
        .verify_domain_claim()
        .domain_id("d91cd9bd-1176-453e-8fc1-35364d380206")
        .send()
        .await
        .expect("verified");
    let sent = sent(&wire).await;
    sent.assert_request(
        "POST",
        "/domains/d91cd9bd-1176-453e-8fc1-35364d380206/claim/verify",
        &[],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "verify_domain_claim");
    assert_eq!(claim.id, expected["id"].as_str().unwrap());
    assert_eq!(claim.status, Some(types::DomainClaimStatus::Verified));
    assert_eq!(
        claim.record.as_ref().unwrap().type_,
        Some(types::DomainClaimRecordType::Txt)
    );
}

// ---------------------------------------------------------------------------------------------
// API Keys
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn create_api_key() {
    let wire = serve("create_api_key").await;
    let key = client(&wire)
        .create_api_key()
        .body_map(|b| {
            b.name("Production sending")
                .permission(Some(types::ApiKeyPermission::SendingAccess))
                .domain_id(Some("d91cd9bd-1176-453e-8fc1-35364d380206".to_string()))
        })
        .send()
        .await
        .expect("created");
    let sent = sent(&wire).await;
    sent.assert_request("POST", "/api-keys", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!(sent.json());
    let expected = example("resend", "create_api_key");
    assert_eq!(key.id, expected["id"].as_str().unwrap());
    assert_eq!(
        key.token.as_ref().map(portico::Secret::expose),
        expected["token"].as_str()
    );
    // The new key is a secret: its Debug does not show it.
    let shown = format!("{:?}", key.into_inner());
    assert!(
        !shown.contains(expected["token"].as_str().unwrap()),
        "{shown}"
    );
}

#[tokio::test]
async fn list_api_keys() {
    let wire = serve("list_api_keys").await;
    let page = client(&wire)
        .list_api_keys()
        .limit(50)
        .after("dacf4072-4119-4d88-932f-6202748ac7c8")
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire).await;
    sent.assert_request(
        "GET",
        "/api-keys",
        &[
            ("after", "dacf4072-4119-4d88-932f-6202748ac7c8"),
            ("limit", "50"),
        ],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "list_api_keys");
    assert_eq!(page.data.len(), expected["data"].as_array().unwrap().len());
    assert_eq!(page.data[0].id, expected["data"][0]["id"].as_str().unwrap());
    assert_eq!(
        page.data[0].name.as_deref(),
        expected["data"][0]["name"].as_str()
    );
    assert_eq!(page.data[0].last_used_at, None);
}

#[tokio::test]
async fn update_api_key() {
    let wire = serve("update_api_key").await;
    let reply = client(&wire)
        .update_api_key()
        .api_key_id("dacf4072-4119-4d88-932f-6202748ac7c8")
        .body_map(|b| b.name("Production (rotated)"))
        .send()
        .await
        .expect("updated");
    let sent = sent(&wire).await;
    sent.assert_request(
        "PATCH",
        "/api-keys/dacf4072-4119-4d88-932f-6202748ac7c8",
        &[],
    );
    assert_eq!(sent.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!(sent.json());
    let expected = example("resend", "update_api_key");
    assert_eq!(reply.id, expected["id"].as_str().unwrap());
    assert_eq!(reply.object, expected["object"].as_str().unwrap());
}

#[tokio::test]
async fn delete_api_key() {
    let wire = serve("delete_api_key").await;
    let reply = client(&wire)
        .delete_api_key()
        .api_key_id("dacf4072-4119-4d88-932f-6202748ac7c8")
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire).await;
    sent.assert_request(
        "DELETE",
        "/api-keys/dacf4072-4119-4d88-932f-6202748ac7c8",
        &[],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "delete_api_key");
    assert_eq!(reply.id, expected["id"].as_str().unwrap());
    assert_eq!(reply.deleted, Some(true));
}

// ---------------------------------------------------------------------------------------------
// OAuth
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_oauth_grants() {
    let wire = serve("list_oauth_grants").await;
    let page = client(&wire)
        .list_oauth_grants()
        .limit(20)
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire).await;
    sent.assert_request("GET", "/oauth/grants", &[("limit", "20")]);
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "list_oauth_grants");
    assert_eq!(page.data.len(), expected["data"].as_array().unwrap().len());
    assert_eq!(page.data[0].id, expected["data"][0]["id"].as_str().unwrap());
    assert_eq!(
        page.data[0].scopes,
        vec!["emails:send".to_string(), "domains:read".to_string()]
    );
    assert_eq!(
        page.data[0].client.as_ref().unwrap().name.as_deref(),
        expected["data"][0]["client"]["name"].as_str()
    );
}

#[tokio::test]
async fn revoke_oauth_grant() {
    let wire = serve("revoke_oauth_grant").await;
    let reply = client(&wire)
        .revoke_oauth_grant()
        .oauth_grant_id("3b9e7c21-6d4f-4a08-8e2b-f1c5a7d90e36")
        .send()
        .await
        .expect("revoked");
    let sent = sent(&wire).await;
    sent.assert_request(
        "DELETE",
        "/oauth/grants/3b9e7c21-6d4f-4a08-8e2b-f1c5a7d90e36",
        &[],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "revoke_oauth_grant");
    assert_eq!(reply.id, expected["id"].as_str().unwrap());
    assert_eq!(
        reply.revoked_reason.as_deref(),
        expected["revoked_reason"].as_str()
    );
}

// ---------------------------------------------------------------------------------------------
// Templates
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn create_template() {
    let wire = serve("create_template").await;
    let reply = client(&wire)
        .create_template()
        .body_map(|b| {
            b.name("Order confirmation")
                .html("<p>Thanks, {{{FIRST_NAME}}}!</p>")
                .alias(Some("order-confirmation".to_string()))
                .variables(vec![types::TemplateVariableInput {
                    key: "FIRST_NAME".to_string(),
                    type_: types::TemplateVariableType::String,
                    fallback_value: Some(types::TemplateVariableFallback::String(
                        "there".to_string(),
                    )),
                }])
        })
        .send()
        .await
        .expect("created");
    let sent = sent(&wire).await;
    sent.assert_request("POST", "/templates", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!(sent.json());
    let expected = example("resend", "create_template");
    assert_eq!(reply.id, expected["id"].as_str().unwrap());
    assert_eq!(reply.object, expected["object"].as_str().unwrap());
}

#[tokio::test]
async fn list_templates() {
    let wire = serve("list_templates").await;
    let page = client(&wire)
        .list_templates()
        .limit(10)
        .after("34a080c9-b17d-4187-ad80-5af20266e535")
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire).await;
    sent.assert_request(
        "GET",
        "/templates",
        &[
            ("after", "34a080c9-b17d-4187-ad80-5af20266e535"),
            ("limit", "10"),
        ],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "list_templates");
    assert_eq!(page.data.len(), expected["data"].as_array().unwrap().len());
    assert_eq!(page.data[0].id, expected["data"][0]["id"].as_str().unwrap());
    assert_eq!(page.data[0].status, Some(types::TemplateStatus::Published));
}

#[tokio::test]
async fn get_template() {
    let wire = serve("get_template").await;
    let template = client(&wire)
        .get_template()
        .id("order-confirmation")
        .send()
        .await
        .expect("got");
    let sent = sent(&wire).await;
    sent.assert_request("GET", "/templates/order-confirmation", &[]);
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "get_template");
    assert_eq!(template.id, expected["id"].as_str().unwrap());
    assert_eq!(template.alias.as_deref(), expected["alias"].as_str());
    assert_eq!(template.status, Some(types::TemplateStatus::Published));
    assert_eq!(
        template.variables.len(),
        expected["variables"].as_array().unwrap().len()
    );
    assert_eq!(
        template.variables[0].type_,
        Some(types::TemplateVariableType::String)
    );
    assert!(
        matches!(&template.variables[0].fallback_value, Some(types::TemplateVariableFallback::String(s)) if s == "there"),
        "{:?}",
        template.variables[0].fallback_value
    );
    assert_eq!(template.reply_to, None);
}

#[tokio::test]
async fn update_template() {
    let wire = serve("update_template").await;
    let reply = client(&wire)
        .update_template()
        .id("34a080c9-b17d-4187-ad80-5af20266e535")
        .body_map(|b| {
            b.subject(Some("Order {{{ORDER_ID}}} is confirmed".to_string()))
                .reply_to(vec!["orders@acme.dev".to_string()])
        })
        .send()
        .await
        .expect("updated");
    let sent = sent(&wire).await;
    sent.assert_request(
        "PATCH",
        "/templates/34a080c9-b17d-4187-ad80-5af20266e535",
        &[],
    );
    assert_eq!(sent.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!(sent.json());
    assert_eq!(
        reply.id,
        example("resend", "update_template")["id"].as_str().unwrap()
    );
}

#[tokio::test]
async fn delete_template() {
    let wire = serve("delete_template").await;
    let reply = client(&wire)
        .delete_template()
        .id("34a080c9-b17d-4187-ad80-5af20266e535")
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire).await;
    sent.assert_request(
        "DELETE",
        "/templates/34a080c9-b17d-4187-ad80-5af20266e535",
        &[],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "delete_template");
    assert_eq!(reply.id, expected["id"].as_str().unwrap());
    assert_eq!(reply.deleted, Some(true));
}

#[tokio::test]
async fn publish_template() {
    let wire = serve("publish_template").await;
    let reply = client(&wire)
        .publish_template()
        .id("34a080c9-b17d-4187-ad80-5af20266e535")
        .send()
        .await
        .expect("published");
    let sent = sent(&wire).await;
    sent.assert_request(
        "POST",
        "/templates/34a080c9-b17d-4187-ad80-5af20266e535/publish",
        &[],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    assert_eq!(
        reply.id,
        example("resend", "publish_template")["id"]
            .as_str()
            .unwrap()
    );
}

#[tokio::test]
async fn duplicate_template() {
    let wire = serve("duplicate_template").await;
    let reply = client(&wire)
        .duplicate_template()
        .id("order-confirmation")
        .send()
        .await
        .expect("duplicated");
    let sent = sent(&wire).await;
    sent.assert_request("POST", "/templates/order-confirmation/duplicate", &[]);
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "duplicate_template");
    assert_eq!(reply.id, expected["id"].as_str().unwrap());
    assert_ne!(
        reply.id, "34a080c9-b17d-4187-ad80-5af20266e535",
        "the copy has a new id"
    );
}

// ---------------------------------------------------------------------------------------------
// Audiences
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn create_audience() {
    let wire = serve("create_audience").await;
    let audience = client(&wire)
        .create_audience()
        .body_map(|b| b.name("Newsletter"))
        .send()
        .await
        .expect("created");
    let sent = sent(&wire).await;
    sent.assert_request("POST", "/audiences", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!(sent.json());
    let expected = example("resend", "create_audience");
    assert_eq!(audience.id, expected["id"].as_str().unwrap());
    assert_eq!(audience.name.as_deref(), expected["name"].as_str());
}

#[tokio::test]
async fn list_audiences() {
    let wire = serve("list_audiences").await;
    let page = client(&wire).list_audiences().send().await.expect("listed");
    let sent = sent(&wire).await;
    sent.assert_request("GET", "/audiences", &[]);
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "list_audiences");
    assert_eq!(page.data.len(), expected["data"].as_array().unwrap().len());
    assert_eq!(page.data[0].id, expected["data"][0]["id"].as_str().unwrap());
}

#[tokio::test]
async fn get_audience() {
    let wire = serve("get_audience").await;
    let audience = client(&wire)
        .get_audience()
        .id("78261eea-8f8b-4381-83c6-79fa7120f1cf")
        .send()
        .await
        .expect("got");
    let sent = sent(&wire).await;
    sent.assert_request(
        "GET",
        "/audiences/78261eea-8f8b-4381-83c6-79fa7120f1cf",
        &[],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "get_audience");
    assert_eq!(audience.id, expected["id"].as_str().unwrap());
    assert_eq!(
        audience.created_at.as_deref(),
        expected["created_at"].as_str()
    );
}

#[tokio::test]
async fn delete_audience() {
    let wire = serve("delete_audience").await;
    let reply = client(&wire)
        .delete_audience()
        .id("78261eea-8f8b-4381-83c6-79fa7120f1cf")
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire).await;
    sent.assert_request(
        "DELETE",
        "/audiences/78261eea-8f8b-4381-83c6-79fa7120f1cf",
        &[],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "delete_audience");
    assert_eq!(reply.id, expected["id"].as_str().unwrap());
    assert_eq!(reply.deleted, Some(true));
}

// ---------------------------------------------------------------------------------------------
// Contacts
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn create_contact() {
    let wire = serve("create_contact").await;
    let mut properties = serde_json::Map::new();
    properties.insert("plan".to_string(), serde_json::json!("pro"));
    let reply = client(&wire)
        .create_contact()
        .body_map(|b| {
            b.email("jane@example.com")
                .first_name(Some("Jane".to_string()))
                .properties(properties)
                .topics(vec![types::ContactTopicSubscription {
                    id: Some("b6d24b8e-af0b-4c3c-be0c-359bbd97381e".to_string()),
                    subscription: Some(types::TopicSubscription::OptIn),
                }])
        })
        .send()
        .await
        .expect("created");
    let sent = sent(&wire).await;
    sent.assert_request("POST", "/contacts", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!(sent.json());
    let expected = example("resend", "create_contact");
    assert_eq!(reply.id, expected["id"].as_str().unwrap());
    assert_eq!(reply.object, expected["object"].as_str().unwrap());
}

#[tokio::test]
async fn list_contacts() {
    let wire = serve("list_contacts").await;
    let page = client(&wire)
        .list_contacts()
        .segment_id("78261eea-8f8b-4381-83c6-79fa7120f1cf")
        .limit(100)
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire).await;
    sent.assert_request(
        "GET",
        "/contacts",
        &[
            ("limit", "100"),
            ("segment_id", "78261eea-8f8b-4381-83c6-79fa7120f1cf"),
        ],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "list_contacts");
    assert_eq!(page.data.len(), expected["data"].as_array().unwrap().len());
    assert_eq!(page.data[0].id, expected["data"][0]["id"].as_str().unwrap());
    assert_eq!(
        page.data[0].email.as_deref(),
        expected["data"][0]["email"].as_str()
    );
    assert_eq!(page.data[0].unsubscribed, Some(false));
}

#[tokio::test]
async fn list_contact_imports() {
    let wire = serve("list_contact_imports").await;
    let page = client(&wire)
        .list_contact_imports()
        .status(types::ContactImportStatus::Completed)
        .limit(10)
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire).await;
    sent.assert_request(
        "GET",
        "/contacts/imports",
        &[("limit", "10"), ("status", "completed")],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "list_contact_imports");
    assert_eq!(page.data.len(), expected["data"].as_array().unwrap().len());
    assert_eq!(page.data[0].id, expected["data"][0]["id"].as_str().unwrap());
    assert_eq!(
        page.data[0].status,
        Some(types::ContactImportStatus::Completed)
    );
    assert_eq!(
        page.data[0].counts.as_ref().unwrap().created,
        expected["data"][0]["counts"]["created"].as_i64()
    );
}

#[tokio::test]
async fn get_contact_import() {
    let wire = serve("get_contact_import").await;
    let import = client(&wire)
        .get_contact_import()
        .id("9e4b2d7c-1a3f-4c5e-8b6d-0f2a4c6e8b13")
        .send()
        .await
        .expect("got");
    let sent = sent(&wire).await;
    sent.assert_request(
        "GET",
        "/contacts/imports/9e4b2d7c-1a3f-4c5e-8b6d-0f2a4c6e8b13",
        &[],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "get_contact_import");
    assert_eq!(import.id, expected["id"].as_str().unwrap());
    assert_eq!(import.status, Some(types::ContactImportStatus::InProgress));
    assert_eq!(import.completed_at, None);
}

#[tokio::test]
async fn get_contact() {
    let wire = serve("get_contact").await;
    let contact = client(&wire)
        .get_contact()
        .id("479e3145-dd38-476b-932c-529ceb705947")
        .send()
        .await
        .expect("got");
    let sent = sent(&wire).await;
    sent.assert_request("GET", "/contacts/479e3145-dd38-476b-932c-529ceb705947", &[]);
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "get_contact");
    assert_eq!(contact.id, expected["id"].as_str().unwrap());
    assert_eq!(contact.email.as_deref(), expected["email"].as_str());
    assert_eq!(contact.properties["plan"], expected["properties"]["plan"]);
}

#[tokio::test]
async fn update_contact() {
    let wire = serve("update_contact").await;
    let reply = client(&wire)
        .update_contact()
        .id("jane@example.com")
        .body_map(|b| {
            b.last_name(Some("Smith".to_string()))
                .unsubscribed(Some(true))
        })
        .send()
        .await
        .expect("updated");
    let sent = sent(&wire).await;
    sent.assert_request("PATCH", "/contacts/jane@example.com", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!(sent.json());
    assert_eq!(
        reply.id,
        example("resend", "update_contact")["id"].as_str().unwrap()
    );
}

#[tokio::test]
async fn delete_contact() {
    let wire = serve("delete_contact").await;
    let reply = client(&wire)
        .delete_contact()
        .id("479e3145-dd38-476b-932c-529ceb705947")
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire).await;
    sent.assert_request(
        "DELETE",
        "/contacts/479e3145-dd38-476b-932c-529ceb705947",
        &[],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "delete_contact");
    assert_eq!(reply.id, expected["id"].as_str().unwrap());
    assert_eq!(reply.deleted, Some(true));
}

#[tokio::test]
async fn list_contact_segments() {
    let wire = serve("list_contact_segments").await;
    let page = client(&wire)
        .list_contact_segments()
        .contact_id("479e3145-dd38-476b-932c-529ceb705947")
        .limit(10)
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire).await;
    sent.assert_request(
        "GET",
        "/contacts/479e3145-dd38-476b-932c-529ceb705947/segments",
        &[("limit", "10")],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "list_contact_segments");
    assert_eq!(page.data.len(), expected["data"].as_array().unwrap().len());
    assert_eq!(page.data[0].id, expected["data"][0]["id"].as_str().unwrap());
    assert_eq!(
        page.data[0].name.as_deref(),
        expected["data"][0]["name"].as_str()
    );
}

#[tokio::test]
async fn add_contact_to_segment() {
    let wire = serve("add_contact_to_segment").await;
    let reply = client(&wire)
        .add_contact_to_segment()
        .contact_id("479e3145-dd38-476b-932c-529ceb705947")
        .segment_id("78261eea-8f8b-4381-83c6-79fa7120f1cf")
        .send()
        .await
        .expect("added");
    let sent = sent(&wire).await;
    sent.assert_request(
        "POST",
        "/contacts/479e3145-dd38-476b-932c-529ceb705947/segments/78261eea-8f8b-4381-83c6-79fa7120f1cf",
        &[],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "add_contact_to_segment");
    assert_eq!(reply.contact_id.as_deref(), expected["contact_id"].as_str());
    assert_eq!(reply.segment_id.as_deref(), expected["segment_id"].as_str());
}

#[tokio::test]
async fn remove_contact_from_segment() {
    let wire = serve("remove_contact_from_segment").await;
    let reply = client(&wire)
        .remove_contact_from_segment()
        .contact_id("479e3145-dd38-476b-932c-529ceb705947")
        .segment_id("78261eea-8f8b-4381-83c6-79fa7120f1cf")
        .send()
        .await
        .expect("removed");
    let sent = sent(&wire).await;
    sent.assert_request(
        "DELETE",
        "/contacts/479e3145-dd38-476b-932c-529ceb705947/segments/78261eea-8f8b-4381-83c6-79fa7120f1cf",
        &[],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "remove_contact_from_segment");
    assert_eq!(reply.segment_id.as_deref(), expected["segment_id"].as_str());
    assert_eq!(reply.deleted, Some(true));
}

#[tokio::test]
async fn list_contact_topics() {
    let wire = serve("list_contact_topics").await;
    let page = client(&wire)
        .list_contact_topics()
        .contact_id("479e3145-dd38-476b-932c-529ceb705947")
        .limit(10)
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire).await;
    sent.assert_request(
        "GET",
        "/contacts/479e3145-dd38-476b-932c-529ceb705947/topics",
        &[("limit", "10")],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "list_contact_topics");
    assert_eq!(page.data.len(), expected["data"].as_array().unwrap().len());
    assert_eq!(page.data[0].id, expected["data"][0]["id"].as_str().unwrap());
    assert_eq!(
        page.data[0].subscription,
        Some(types::TopicSubscription::OptIn)
    );
}

#[tokio::test]
async fn update_contact_topics() {
    let wire = serve("update_contact_topics").await;
    let reply = client(&wire)
        .update_contact_topics()
        .contact_id("479e3145-dd38-476b-932c-529ceb705947")
        .body_map(|b| {
            b.topics(vec![types::ContactTopicSubscription {
                id: Some("b6d24b8e-af0b-4c3c-be0c-359bbd97381e".to_string()),
                subscription: Some(types::TopicSubscription::OptOut),
            }])
        })
        .send()
        .await
        .expect("updated");
    let sent = sent(&wire).await;
    sent.assert_request(
        "PATCH",
        "/contacts/479e3145-dd38-476b-932c-529ceb705947/topics",
        &[],
    );
    assert_eq!(sent.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!(sent.json());
    let expected = example("resend", "update_contact_topics");
    assert_eq!(reply.contact_id.as_deref(), expected["contact_id"].as_str());
    assert_eq!(
        reply.topics.len(),
        expected["topics"].as_array().unwrap().len()
    );
    assert_eq!(
        reply.topics[0].subscription,
        Some(types::TopicSubscription::OptOut)
    );
}

/// A JSON object literal as the `serde_json::Map` the generated types hold.
fn object(value: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
    value.as_object().expect("a JSON object").clone()
}

// ---------------------------------------------------------------------------------------------
// Broadcasts

#[tokio::test]
async fn create_broadcast() {
    let wire = serve("create_broadcast").await;
    let reply = client(&wire)
        .create_broadcast()
        .body_map(|b| {
            b.segment_id("78261eea-8f8b-4381-83c6-79fa7120f1cf")
                .from("Acme <news@updates.acme.com>")
                .subject("What shipped in October")
                .name(Some("October product update".to_string()))
                .html(Some("<p>Hi {{{FIRST_NAME|there}}}</p>".to_string()))
                .reply_to(vec!["support@acme.com".to_string()])
        })
        .send()
        .await
        .expect("created");
    let sent = sent(&wire).await;
    sent.assert_request("POST", "/broadcasts", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!(sent.json());
    assert_eq!(
        reply.id,
        example("resend", "create_broadcast")["id"]
            .as_str()
            .unwrap()
    );
    assert_eq!(reply.object, "broadcast");
}

#[tokio::test]
async fn list_broadcasts() {
    let wire = serve("list_broadcasts").await;
    let page = client(&wire)
        .list_broadcasts()
        .limit(10)
        .after("b1")
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire).await;
    sent.assert_request("GET", "/broadcasts", &[("after", "b1"), ("limit", "10")]);
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "list_broadcasts");
    assert_eq!(page.data.len(), expected["data"].as_array().unwrap().len());
    assert_eq!(page.data[0].id, expected["data"][0]["id"].as_str().unwrap());
    assert_eq!(page.data[0].status.as_deref(), Some("sent"));
    assert!(!page.has_more);
}

#[tokio::test]
async fn get_broadcast() {
    let wire = serve("get_broadcast").await;
    let broadcast = client(&wire)
        .get_broadcast()
        .id("49a3999c-0ce1-4ea6-ab68-afcd6dc2e794")
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire).await;
    sent.assert_request(
        "GET",
        "/broadcasts/49a3999c-0ce1-4ea6-ab68-afcd6dc2e794",
        &[],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "get_broadcast");
    assert_eq!(broadcast.id, expected["id"].as_str().unwrap());
    assert_eq!(broadcast.subject.as_deref(), expected["subject"].as_str());
    assert_eq!(
        broadcast.reply_to,
        Some(vec!["support@acme.com".to_string()])
    );
    assert_eq!(broadcast.scheduled_at, None);
}

#[tokio::test]
async fn update_broadcast() {
    let wire = serve("update_broadcast").await;
    let reply = client(&wire)
        .update_broadcast()
        .id("49a3999c-0ce1-4ea6-ab68-afcd6dc2e794")
        .body_map(|b| {
            b.subject(Some("What shipped in October (updated)".to_string()))
                .topic_id(Some("b6d24b8e-af0b-4c3c-be0c-359bbd97381e".to_string()))
        })
        .send()
        .await
        .expect("updated");
    let sent = sent(&wire).await;
    sent.assert_request(
        "PATCH",
        "/broadcasts/49a3999c-0ce1-4ea6-ab68-afcd6dc2e794",
        &[],
    );
    assert_eq!(sent.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!(sent.json());
    assert_eq!(
        reply.id,
        example("resend", "update_broadcast")["id"]
            .as_str()
            .unwrap()
    );
}

#[tokio::test]
async fn delete_broadcast() {
    let wire = serve("delete_broadcast").await;
    let reply = client(&wire)
        .delete_broadcast()
        .id("49a3999c-0ce1-4ea6-ab68-afcd6dc2e794")
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire).await;
    sent.assert_request(
        "DELETE",
        "/broadcasts/49a3999c-0ce1-4ea6-ab68-afcd6dc2e794",
        &[],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    assert_eq!(
        reply.id,
        example("resend", "delete_broadcast")["id"]
            .as_str()
            .unwrap()
    );
    assert_eq!(reply.deleted, Some(true));
}

#[tokio::test]
async fn send_broadcast() {
    let wire = serve("send_broadcast").await;
    let reply = client(&wire)
        .send_broadcast()
        .id("49a3999c-0ce1-4ea6-ab68-afcd6dc2e794")
        .body_map(|b| b.scheduled_at(Some("in 1 hour".to_string())))
        .send()
        .await
        .expect("sent");
    let sent = sent(&wire).await;
    sent.assert_request(
        "POST",
        "/broadcasts/49a3999c-0ce1-4ea6-ab68-afcd6dc2e794/send",
        &[],
    );
    assert_eq!(sent.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!(sent.json());
    assert_eq!(
        reply.id,
        example("resend", "send_broadcast")["id"].as_str().unwrap()
    );
}

#[tokio::test]
async fn cancel_broadcast() {
    let wire = serve("cancel_broadcast").await;
    let reply = client(&wire)
        .cancel_broadcast()
        .id("49a3999c-0ce1-4ea6-ab68-afcd6dc2e794")
        .send()
        .await
        .expect("cancelled");
    let sent = sent(&wire).await;
    sent.assert_request(
        "POST",
        "/broadcasts/49a3999c-0ce1-4ea6-ab68-afcd6dc2e794/cancel",
        &[],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    assert_eq!(
        reply.id,
        example("resend", "cancel_broadcast")["id"]
            .as_str()
            .unwrap()
    );
}

#[tokio::test]
async fn list_broadcast_recipients() {
    let wire = serve("list_broadcast_recipients").await;
    let page = client(&wire)
        .list_broadcast_recipients()
        .id("49a3999c-0ce1-4ea6-ab68-afcd6dc2e794")
        .type_(types::BroadcastRecipientType::Bounced)
        .bounce_type(types::BroadcastBounceType::Permanent)
        .limit(25)
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire).await;
    sent.assert_request(
        "GET",
        "/broadcasts/49a3999c-0ce1-4ea6-ab68-afcd6dc2e794/recipients",
        &[
            ("bounce_type", "permanent"),
            ("limit", "25"),
            ("type", "bounced"),
        ],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "list_broadcast_recipients");
    assert_eq!(page.data.len(), expected["data"].as_array().unwrap().len());
    assert_eq!(
        page.data[0].email.as_deref(),
        expected["data"][0]["email"].as_str()
    );
    assert_eq!(
        page.data[0].clicked_links[0].url.as_deref(),
        Some("https://acme.com/changelog")
    );
    assert!(page.has_more);
}

#[tokio::test]
async fn list_broadcast_clicked_links() {
    let wire = serve("list_broadcast_clicked_links").await;
    let page = client(&wire)
        .list_broadcast_clicked_links()
        .id("49a3999c-0ce1-4ea6-ab68-afcd6dc2e794")
        .limit(50)
        .before("l9")
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire).await;
    sent.assert_request(
        "GET",
        "/broadcasts/49a3999c-0ce1-4ea6-ab68-afcd6dc2e794/clicked-links",
        &[("before", "l9"), ("limit", "50")],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "list_broadcast_clicked_links");
    assert_eq!(page.data[0].id, expected["data"][0]["id"].as_str().unwrap());
    assert_eq!(page.data[0].clicks, expected["data"][0]["clicks"].as_i64());
    assert_eq!(page.data[0].unique_clicks, Some(97));
}

// ---------------------------------------------------------------------------------------------
// Webhooks

#[tokio::test]
async fn create_webhook() {
    let wire = serve("create_webhook").await;
    let reply = client(&wire)
        .create_webhook()
        .body_map(|b| {
            b.endpoint("https://hooks.acme.com/resend").events(vec![
                types::WebhookEventType::EmailDelivered,
                types::WebhookEventType::EmailBounced,
            ])
        })
        .send()
        .await
        .expect("created");
    let sent = sent(&wire).await;
    sent.assert_request("POST", "/webhooks", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!(sent.json());
    let expected = example("resend", "create_webhook");
    assert_eq!(reply.id, expected["id"].as_str().unwrap());
    assert_eq!(
        reply.signing_secret.as_ref().map(portico::Secret::expose),
        expected["signing_secret"].as_str()
    );
}

#[tokio::test]
async fn list_webhooks() {
    let wire = serve("list_webhooks").await;
    let page = client(&wire)
        .list_webhooks()
        .limit(10)
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire).await;
    sent.assert_request("GET", "/webhooks", &[("limit", "10")]);
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "list_webhooks");
    assert_eq!(page.data[0].id, expected["data"][0]["id"].as_str().unwrap());
    assert_eq!(page.data[0].status, Some(types::EnablementStatus::Enabled));
    assert_eq!(
        page.data[0].events,
        Some(vec![
            types::WebhookEventType::EmailDelivered,
            types::WebhookEventType::EmailBounced
        ])
    );
}

#[tokio::test]
async fn get_webhook() {
    let wire = serve("get_webhook").await;
    let webhook = client(&wire)
        .get_webhook()
        .webhook_id("4dd369bc-aa82-4ff3-97de-514ae3000ee0")
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire).await;
    sent.assert_request("GET", "/webhooks/4dd369bc-aa82-4ff3-97de-514ae3000ee0", &[]);
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "get_webhook");
    assert_eq!(webhook.id, expected["id"].as_str().unwrap());
    assert_eq!(webhook.endpoint.as_deref(), expected["endpoint"].as_str());
    assert_eq!(
        webhook.signing_secret.as_ref().map(portico::Secret::expose),
        expected["signing_secret"].as_str()
    );
    assert_eq!(webhook.status, Some(types::EnablementStatus::Enabled));
}

#[tokio::test]
async fn update_webhook() {
    let wire = serve("update_webhook").await;
    let reply = client(&wire)
        .update_webhook()
        .webhook_id("4dd369bc-aa82-4ff3-97de-514ae3000ee0")
        .body_map(|b| {
            b.events(vec![
                types::WebhookEventType::EmailOpened,
                types::WebhookEventType::EmailClicked,
            ])
            .status(Some(types::EnablementStatus::Disabled))
        })
        .send()
        .await
        .expect("updated");
    let sent = sent(&wire).await;
    sent.assert_request(
        "PATCH",
        "/webhooks/4dd369bc-aa82-4ff3-97de-514ae3000ee0",
        &[],
    );
    assert_eq!(sent.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!(sent.json());
    assert_eq!(
        reply.id,
        example("resend", "update_webhook")["id"].as_str().unwrap()
    );
    assert_eq!(reply.object, "webhook");
}

#[tokio::test]
async fn delete_webhook() {
    let wire = serve("delete_webhook").await;
    let reply = client(&wire)
        .delete_webhook()
        .webhook_id("4dd369bc-aa82-4ff3-97de-514ae3000ee0")
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire).await;
    sent.assert_request(
        "DELETE",
        "/webhooks/4dd369bc-aa82-4ff3-97de-514ae3000ee0",
        &[],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    assert_eq!(
        reply.id,
        example("resend", "delete_webhook")["id"].as_str().unwrap()
    );
    assert_eq!(reply.deleted, Some(true));
}

// ---------------------------------------------------------------------------------------------
// Segments

#[tokio::test]
async fn create_segment() {
    let wire = serve("create_segment").await;
    let reply = client(&wire)
        .create_segment()
        .body_map(|b| {
            b.name("Registered users").filter(object(
                serde_json::json!({"property": "plan", "operator": "eq", "value": "pro"}),
            ))
        })
        .send()
        .await
        .expect("created");
    let sent = sent(&wire).await;
    sent.assert_request("POST", "/segments", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!(sent.json());
    assert_eq!(
        reply.id,
        example("resend", "create_segment")["id"].as_str().unwrap()
    );
    assert_eq!(reply.object, "segment");
}

#[tokio::test]
async fn list_segments() {
    let wire = serve("list_segments").await;
    let page = client(&wire)
        .list_segments()
        .limit(5)
        .after("s1")
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire).await;
    sent.assert_request("GET", "/segments", &[("after", "s1"), ("limit", "5")]);
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "list_segments");
    assert_eq!(page.data.len(), expected["data"].as_array().unwrap().len());
    assert_eq!(
        page.data[0].name.as_deref(),
        expected["data"][0]["name"].as_str()
    );
}

#[tokio::test]
async fn get_segment() {
    let wire = serve("get_segment").await;
    let segment = client(&wire)
        .get_segment()
        .id("78261eea-8f8b-4381-83c6-79fa7120f1cf")
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire).await;
    sent.assert_request("GET", "/segments/78261eea-8f8b-4381-83c6-79fa7120f1cf", &[]);
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "get_segment");
    assert_eq!(segment.id, expected["id"].as_str().unwrap());
    assert_eq!(segment.name.as_deref(), expected["name"].as_str());
}

#[tokio::test]
async fn delete_segment() {
    let wire = serve("delete_segment").await;
    let reply = client(&wire)
        .delete_segment()
        .id("78261eea-8f8b-4381-83c6-79fa7120f1cf")
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire).await;
    sent.assert_request(
        "DELETE",
        "/segments/78261eea-8f8b-4381-83c6-79fa7120f1cf",
        &[],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    assert_eq!(
        reply.id,
        example("resend", "delete_segment")["id"].as_str().unwrap()
    );
    assert_eq!(reply.deleted, Some(true));
}

// ---------------------------------------------------------------------------------------------
// Topics

#[tokio::test]
async fn create_topic() {
    let wire = serve("create_topic").await;
    let reply = client(&wire)
        .create_topic()
        .body_map(|b| {
            b.name("Product updates")
                .default_subscription(types::TopicSubscription::OptIn)
                .description(Some("Monthly news about what we shipped.".parse().unwrap()))
                .visibility(Some(types::TopicVisibility::Public))
        })
        .send()
        .await
        .expect("created");
    let sent = sent(&wire).await;
    sent.assert_request("POST", "/topics", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!(sent.json());
    assert_eq!(
        reply.id,
        example("resend", "create_topic")["id"].as_str().unwrap()
    );
}

#[tokio::test]
async fn list_topics() {
    let wire = serve("list_topics").await;
    let page = client(&wire)
        .list_topics()
        .limit(20)
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire).await;
    sent.assert_request("GET", "/topics", &[("limit", "20")]);
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "list_topics");
    assert_eq!(page.data[0].id, expected["data"][0]["id"].as_str().unwrap());
    assert_eq!(
        page.data[0].default_subscription,
        Some(types::TopicSubscription::OptIn)
    );
    assert_eq!(
        page.data[0].visibility,
        Some(types::TopicVisibility::Public)
    );
}

#[tokio::test]
async fn get_topic() {
    let wire = serve("get_topic").await;
    let topic = client(&wire)
        .get_topic()
        .id("b6d24b8e-af0b-4c3c-be0c-359bbd97381e")
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire).await;
    sent.assert_request("GET", "/topics/b6d24b8e-af0b-4c3c-be0c-359bbd97381e", &[]);
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "get_topic");
    assert_eq!(topic.id, expected["id"].as_str().unwrap());
    assert_eq!(
        topic.description.as_deref(),
        expected["description"].as_str()
    );
    assert_eq!(
        topic.default_subscription,
        Some(types::TopicSubscription::OptIn)
    );
}

#[tokio::test]
async fn update_topic() {
    let wire = serve("update_topic").await;
    let reply = client(&wire)
        .update_topic()
        .id("b6d24b8e-af0b-4c3c-be0c-359bbd97381e")
        .body_map(|b| {
            b.name(Some("Product news".parse().unwrap()))
                .visibility(Some(types::TopicVisibility::Private))
        })
        .send()
        .await
        .expect("updated");
    let sent = sent(&wire).await;
    sent.assert_request("PATCH", "/topics/b6d24b8e-af0b-4c3c-be0c-359bbd97381e", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!(sent.json());
    assert_eq!(
        reply.id,
        example("resend", "update_topic")["id"].as_str().unwrap()
    );
}

#[tokio::test]
async fn delete_topic() {
    let wire = serve("delete_topic").await;
    let reply = client(&wire)
        .delete_topic()
        .id("b6d24b8e-af0b-4c3c-be0c-359bbd97381e")
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire).await;
    sent.assert_request(
        "DELETE",
        "/topics/b6d24b8e-af0b-4c3c-be0c-359bbd97381e",
        &[],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    assert_eq!(
        reply.id,
        example("resend", "delete_topic")["id"].as_str().unwrap()
    );
    assert_eq!(reply.deleted, Some(true));
}

// ---------------------------------------------------------------------------------------------
// Contact properties

#[tokio::test]
async fn create_contact_property() {
    let wire = serve("create_contact_property").await;
    let reply = client(&wire)
        .create_contact_property()
        .body_map(|b| {
            b.key("company_name")
                .type_(types::ContactPropertyType::String)
                .fallback_value(Some(types::ContactPropertyValue::String(
                    "Acme Corp".to_string(),
                )))
        })
        .send()
        .await
        .expect("created");
    let sent = sent(&wire).await;
    sent.assert_request("POST", "/contact-properties", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!(sent.json());
    assert_eq!(
        reply.id,
        example("resend", "create_contact_property")["id"]
            .as_str()
            .unwrap()
    );
    assert_eq!(reply.object, "contact_property");
}

#[tokio::test]
async fn list_contact_properties() {
    let wire = serve("list_contact_properties").await;
    let page = client(&wire)
        .list_contact_properties()
        .limit(100)
        .after("p1")
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire).await;
    sent.assert_request(
        "GET",
        "/contact-properties",
        &[("after", "p1"), ("limit", "100")],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "list_contact_properties");
    assert_eq!(
        page.data[0].key.as_deref(),
        expected["data"][0]["key"].as_str()
    );
    assert_eq!(page.data[0].type_, Some(types::ContactPropertyType::String));
    assert!(
        matches!(&page.data[0].fallback_value, Some(types::ContactPropertyValue::String(s)) if s == "Acme Corp")
    );
}

#[tokio::test]
async fn get_contact_property() {
    let wire = serve("get_contact_property").await;
    let property = client(&wire)
        .get_contact_property()
        .id("3c2f4a8e-51b6-4d0e-9f7a-8e2d1c6b5a40")
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire).await;
    sent.assert_request(
        "GET",
        "/contact-properties/3c2f4a8e-51b6-4d0e-9f7a-8e2d1c6b5a40",
        &[],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "get_contact_property");
    assert_eq!(property.id, expected["id"].as_str().unwrap());
    assert_eq!(property.key.as_deref(), expected["key"].as_str());
    assert_eq!(property.type_, Some(types::ContactPropertyType::String));
}

#[tokio::test]
async fn update_contact_property() {
    let wire = serve("update_contact_property").await;
    let reply = client(&wire)
        .update_contact_property()
        .id("3c2f4a8e-51b6-4d0e-9f7a-8e2d1c6b5a40")
        .body_map(|b| {
            b.fallback_value(Some(types::ContactPropertyValue::String(
                "Acme Inc.".to_string(),
            )))
        })
        .send()
        .await
        .expect("updated");
    let sent = sent(&wire).await;
    sent.assert_request(
        "PATCH",
        "/contact-properties/3c2f4a8e-51b6-4d0e-9f7a-8e2d1c6b5a40",
        &[],
    );
    assert_eq!(sent.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!(sent.json());
    assert_eq!(
        reply.id,
        example("resend", "update_contact_property")["id"]
            .as_str()
            .unwrap()
    );
}

#[tokio::test]
async fn delete_contact_property() {
    let wire = serve("delete_contact_property").await;
    let reply = client(&wire)
        .delete_contact_property()
        .id("3c2f4a8e-51b6-4d0e-9f7a-8e2d1c6b5a40")
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire).await;
    sent.assert_request(
        "DELETE",
        "/contact-properties/3c2f4a8e-51b6-4d0e-9f7a-8e2d1c6b5a40",
        &[],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    assert_eq!(
        reply.id,
        example("resend", "delete_contact_property")["id"]
            .as_str()
            .unwrap()
    );
    assert_eq!(reply.deleted, Some(true));
}

// ---------------------------------------------------------------------------------------------
// Logs

#[tokio::test]
async fn list_logs() {
    let wire = serve("list_logs").await;
    let page = client(&wire)
        .list_logs()
        .limit(3)
        .before("g7")
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire).await;
    sent.assert_request("GET", "/logs", &[("before", "g7"), ("limit", "3")]);
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "list_logs");
    assert_eq!(page.data[0].id, expected["data"][0]["id"].as_str().unwrap());
    assert_eq!(page.data[0].method, Some(types::LogHttpMethod::Post));
    assert_eq!(page.data[0].response_status, Some(200));
    assert!(page.has_more);
}

#[tokio::test]
async fn get_log() {
    let wire = serve("get_log").await;
    let log = client(&wire)
        .get_log()
        .log_id("9e3b7c21-4a5f-4d8e-b2c6-1f0a8d7e6c53")
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire).await;
    sent.assert_request("GET", "/logs/9e3b7c21-4a5f-4d8e-b2c6-1f0a8d7e6c53", &[]);
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "get_log");
    assert_eq!(log.id, expected["id"].as_str().unwrap());
    assert_eq!(log.endpoint.as_deref(), Some("/emails"));
    assert_eq!(log.method, Some(types::LogHttpMethod::Post));
    assert_eq!(
        serde_json::Value::Object(log.request_body.clone().unwrap()),
        expected["request_body"]
    );
    assert_eq!(
        serde_json::Value::Object(log.response_body.clone().unwrap()),
        expected["response_body"]
    );
}

// ---------------------------------------------------------------------------------------------
// Automations

/// The two steps and one edge of a small welcome automation.
fn welcome_steps() -> (Vec<types::AutomationStep>, Vec<types::AutomationConnection>) {
    let steps = vec![
        types::AutomationStep {
            key: "start".to_string(),
            type_: types::AutomationStepType::Trigger,
            config: object(serde_json::json!({"event": "user.signed_up"})),
        },
        types::AutomationStep {
            key: "welcome".to_string(),
            type_: types::AutomationStepType::SendEmail,
            config: object(
                serde_json::json!({"template_id": "34a080c9-b17d-4187-ad80-5af20266e535"}),
            ),
        },
    ];
    let connections = vec![types::AutomationConnection {
        from: "start".to_string(),
        to: "welcome".to_string(),
        type_: Some(types::AutomationConnectionType::Default),
    }];
    (steps, connections)
}

#[tokio::test]
async fn create_automation() {
    let wire = serve("create_automation").await;
    let (steps, connections) = welcome_steps();
    let reply = client(&wire)
        .create_automation()
        .body_map(|b| {
            b.name("Welcome series")
                .status(Some(types::EnablementStatus::Enabled))
                .steps(steps)
                .connections(connections)
        })
        .send()
        .await
        .expect("created");
    let sent = sent(&wire).await;
    sent.assert_request("POST", "/automations", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!(sent.json());
    assert_eq!(
        reply.id,
        example("resend", "create_automation")["id"]
            .as_str()
            .unwrap()
    );
    assert_eq!(reply.object, "automation");
}

#[tokio::test]
async fn list_automations() {
    let wire = serve("list_automations").await;
    let page = client(&wire)
        .list_automations()
        .status(types::EnablementStatus::Enabled)
        .limit(10)
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire).await;
    sent.assert_request(
        "GET",
        "/automations",
        &[("limit", "10"), ("status", "enabled")],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "list_automations");
    assert_eq!(page.data[0].id, expected["data"][0]["id"].as_str().unwrap());
    assert_eq!(page.data[0].status, Some(types::EnablementStatus::Enabled));
}

#[tokio::test]
async fn get_automation() {
    let wire = serve("get_automation").await;
    let automation = client(&wire)
        .get_automation()
        .automation_id("c9b0f3e2-8d41-4a6b-9e75-2f1d0a3c8b64")
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire).await;
    sent.assert_request(
        "GET",
        "/automations/c9b0f3e2-8d41-4a6b-9e75-2f1d0a3c8b64",
        &[],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "get_automation");
    assert_eq!(automation.id, expected["id"].as_str().unwrap());
    assert_eq!(
        automation.steps.len(),
        expected["steps"].as_array().unwrap().len()
    );
    assert_eq!(
        automation.steps[1].type_,
        Some(types::AutomationStepType::SendEmail)
    );
    assert_eq!(
        automation.connections[0].type_,
        Some(types::AutomationConnectionType::Default)
    );
}

#[tokio::test]
async fn update_automation() {
    let wire = serve("update_automation").await;
    let reply = client(&wire)
        .update_automation()
        .automation_id("c9b0f3e2-8d41-4a6b-9e75-2f1d0a3c8b64")
        .body_map(|b| {
            b.name(Some("Welcome series v2".parse().unwrap()))
                .status(Some(types::EnablementStatus::Disabled))
        })
        .send()
        .await
        .expect("updated");
    let sent = sent(&wire).await;
    sent.assert_request(
        "PATCH",
        "/automations/c9b0f3e2-8d41-4a6b-9e75-2f1d0a3c8b64",
        &[],
    );
    assert_eq!(sent.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!(sent.json());
    assert_eq!(
        reply.id,
        example("resend", "update_automation")["id"]
            .as_str()
            .unwrap()
    );
}

#[tokio::test]
async fn delete_automation() {
    let wire = serve("delete_automation").await;
    let reply = client(&wire)
        .delete_automation()
        .automation_id("c9b0f3e2-8d41-4a6b-9e75-2f1d0a3c8b64")
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire).await;
    sent.assert_request(
        "DELETE",
        "/automations/c9b0f3e2-8d41-4a6b-9e75-2f1d0a3c8b64",
        &[],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    assert_eq!(
        reply.id,
        example("resend", "delete_automation")["id"]
            .as_str()
            .unwrap()
    );
    assert_eq!(reply.deleted, Some(true));
}

#[tokio::test]
async fn duplicate_automation() {
    let wire = serve("duplicate_automation").await;
    let reply = client(&wire)
        .duplicate_automation()
        .automation_id("c9b0f3e2-8d41-4a6b-9e75-2f1d0a3c8b64")
        .send()
        .await
        .expect("duplicated");
    let sent = sent(&wire).await;
    sent.assert_request(
        "POST",
        "/automations/c9b0f3e2-8d41-4a6b-9e75-2f1d0a3c8b64/duplicate",
        &[],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    // The copy has a new id.
    assert_eq!(
        reply.id,
        example("resend", "duplicate_automation")["id"]
            .as_str()
            .unwrap()
    );
    assert_ne!(reply.id, "c9b0f3e2-8d41-4a6b-9e75-2f1d0a3c8b64");
}

#[tokio::test]
async fn stop_automation() {
    let wire = serve("stop_automation").await;
    let reply = client(&wire)
        .stop_automation()
        .automation_id("c9b0f3e2-8d41-4a6b-9e75-2f1d0a3c8b64")
        .send()
        .await
        .expect("stopped");
    let sent = sent(&wire).await;
    sent.assert_request(
        "POST",
        "/automations/c9b0f3e2-8d41-4a6b-9e75-2f1d0a3c8b64/stop",
        &[],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "stop_automation");
    assert_eq!(reply.id, expected["id"].as_str().unwrap());
    assert_eq!(reply.status.as_deref(), Some("disabled"));
}

#[tokio::test]
async fn list_automation_runs() {
    let wire = serve("list_automation_runs").await;
    let page = client(&wire)
        .list_automation_runs()
        .automation_id("c9b0f3e2-8d41-4a6b-9e75-2f1d0a3c8b64")
        .status(types::AutomationRunStatus::Completed)
        .limit(10)
        .after("r1")
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire).await;
    sent.assert_request(
        "GET",
        "/automations/c9b0f3e2-8d41-4a6b-9e75-2f1d0a3c8b64/runs",
        &[("after", "r1"), ("limit", "10"), ("status", "completed")],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "list_automation_runs");
    assert_eq!(page.data[0].id, expected["data"][0]["id"].as_str().unwrap());
    assert_eq!(
        page.data[0].status,
        Some(types::AutomationRunStatus::Completed)
    );
}

#[tokio::test]
async fn get_automation_run() {
    let wire = serve("get_automation_run").await;
    let run = client(&wire)
        .get_automation_run()
        .automation_id("c9b0f3e2-8d41-4a6b-9e75-2f1d0a3c8b64")
        .run_id("1a7d9c3e-5b2f-4e81-a6c0-9d8e7f6a5b43")
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire).await;
    sent.assert_request(
        "GET",
        "/automations/c9b0f3e2-8d41-4a6b-9e75-2f1d0a3c8b64/runs/1a7d9c3e-5b2f-4e81-a6c0-9d8e7f6a5b43",
        &[],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "get_automation_run");
    assert_eq!(run.id, expected["id"].as_str().unwrap());
    assert_eq!(run.status, Some(types::AutomationRunStatus::Completed));
    assert_eq!(run.steps.len(), expected["steps"].as_array().unwrap().len());
    assert_eq!(run.steps[0].output, None);
    assert_eq!(
        serde_json::Value::Object(run.steps[1].output.clone().unwrap()),
        expected["steps"][1]["output"]
    );
}

// ---------------------------------------------------------------------------------------------
// Events

#[tokio::test]
async fn create_event() {
    let wire = serve("create_event").await;
    let reply = client(&wire)
        .create_event()
        .body_map(|b| {
            b.name("user.signed_up")
                .schema(Some(object(serde_json::json!({
                    "type": "object",
                    "required": ["plan"],
                    "properties": {"plan": {"type": "string"}}
                }))))
        })
        .send()
        .await
        .expect("created");
    let sent = sent(&wire).await;
    sent.assert_request("POST", "/events", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!(sent.json());
    assert_eq!(
        reply.id,
        example("resend", "create_event")["id"].as_str().unwrap()
    );
    assert_eq!(reply.object, "event");
}

#[tokio::test]
async fn list_events() {
    let wire = serve("list_events").await;
    let page = client(&wire)
        .list_events()
        .limit(10)
        .after("e1")
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire).await;
    sent.assert_request("GET", "/events", &[("after", "e1"), ("limit", "10")]);
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "list_events");
    assert_eq!(
        page.data[0].name.as_deref(),
        expected["data"][0]["name"].as_str()
    );
    assert_eq!(
        serde_json::Value::Object(page.data[0].schema.clone().unwrap()),
        expected["data"][0]["schema"]
    );
    assert_eq!(page.data[0].updated_at, None);
}

#[tokio::test]
async fn send_event() {
    let wire = serve("send_event").await;
    let reply = client(&wire)
        .send_event()
        .body_map(|b| {
            b.event("user.signed_up")
                .email(Some("steve.wozniak@gmail.com".to_string()))
                .payload(object(serde_json::json!({"plan": "pro"})))
        })
        .send()
        .await
        .expect("sent");
    let sent = sent(&wire).await;
    sent.assert_request("POST", "/events/send", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!(sent.json());
    assert_eq!(
        reply.event.as_deref(),
        example("resend", "send_event")["event"].as_str()
    );
    assert_eq!(reply.object, "event");
}

#[tokio::test]
async fn get_event() {
    let wire = serve("get_event").await;
    let event = client(&wire)
        .get_event()
        .identifier("user.signed_up")
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire).await;
    sent.assert_request("GET", "/events/user.signed_up", &[]);
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "get_event");
    assert_eq!(event.id, expected["id"].as_str().unwrap());
    assert_eq!(event.name.as_deref(), Some("user.signed_up"));
    assert_eq!(
        serde_json::Value::Object(event.schema.clone().unwrap()),
        expected["schema"]
    );
}

#[tokio::test]
async fn update_event() {
    let wire = serve("update_event").await;
    let reply = client(&wire)
        .update_event()
        .identifier("7c4e2b9a-1d3f-4a68-b5e0-6f9d8c7b2a15")
        .body_map(|b| {
            b.schema(Some(object(serde_json::json!({
                "type": "object",
                "required": ["plan", "seats"]
            }))))
        })
        .send()
        .await
        .expect("updated");
    let sent = sent(&wire).await;
    sent.assert_request("PATCH", "/events/7c4e2b9a-1d3f-4a68-b5e0-6f9d8c7b2a15", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!(sent.json());
    assert_eq!(
        reply.id,
        example("resend", "update_event")["id"].as_str().unwrap()
    );
}

#[tokio::test]
async fn delete_event() {
    let wire = serve("delete_event").await;
    let reply = client(&wire)
        .delete_event()
        .identifier("7c4e2b9a-1d3f-4a68-b5e0-6f9d8c7b2a15")
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire).await;
    sent.assert_request(
        "DELETE",
        "/events/7c4e2b9a-1d3f-4a68-b5e0-6f9d8c7b2a15",
        &[],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    assert_eq!(
        reply.id,
        example("resend", "delete_event")["id"].as_str().unwrap()
    );
    assert_eq!(reply.deleted, Some(true));
}

// ---------------------------------------------------------------------------------------------
// Suppressions

#[tokio::test]
async fn add_suppression() {
    let wire = serve("add_suppression").await;
    let reply = client(&wire)
        .add_suppression()
        .body_map(|b| b.email("bounced@example.com"))
        .send()
        .await
        .expect("added");
    let sent = sent(&wire).await;
    sent.assert_request("POST", "/suppressions", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!(sent.json());
    assert_eq!(
        reply.id,
        example("resend", "add_suppression")["id"].as_str().unwrap()
    );
    assert_eq!(reply.object, "suppression");
}

#[tokio::test]
async fn list_suppressions() {
    let wire = serve("list_suppressions").await;
    let page = client(&wire)
        .list_suppressions()
        .origin(types::SuppressionOrigin::Bounce)
        .limit(50)
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire).await;
    sent.assert_request(
        "GET",
        "/suppressions",
        &[("limit", "50"), ("origin", "bounce")],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "list_suppressions");
    assert_eq!(
        page.data[0].email.as_deref(),
        expected["data"][0]["email"].as_str()
    );
    assert_eq!(page.data[0].origin, Some(types::SuppressionOrigin::Bounce));
}

#[tokio::test]
async fn add_batch_suppressions() {
    let wire = serve("add_batch_suppressions").await;
    let reply = client(&wire)
        .add_batch_suppressions()
        .body_map(|b| {
            b.emails(vec![
                "bounced@example.com".to_string(),
                "complained@example.com".to_string(),
            ])
        })
        .send()
        .await
        .expect("added");
    let sent = sent(&wire).await;
    sent.assert_request("POST", "/suppressions/batch/add", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!(sent.json());
    let expected = example("resend", "add_batch_suppressions");
    assert_eq!(reply.data.len(), expected["data"].as_array().unwrap().len());
    assert_eq!(
        reply.data[1].id,
        expected["data"][1]["id"].as_str().unwrap()
    );
}

#[tokio::test]
async fn delete_batch_suppressions() {
    let wire = serve("delete_batch_suppressions").await;
    let reply = client(&wire)
        .delete_batch_suppressions()
        .body_map(|b| {
            b.ids(vec![
                "2b8f6d4e-9a1c-4e37-8f05-c3d2e1b0a987".to_string(),
                "8d1e5c7a-3f2b-4d96-a0e4-7b6c5d4e3f21".to_string(),
            ])
        })
        .send()
        .await
        .expect("removed");
    let sent = sent(&wire).await;
    sent.assert_request("POST", "/suppressions/batch/remove", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!(sent.json());
    let expected = example("resend", "delete_batch_suppressions");
    assert_eq!(reply.data.len(), expected["data"].as_array().unwrap().len());
    assert_eq!(
        reply.data[0].id,
        expected["data"][0]["id"].as_str().unwrap()
    );
    assert!(reply.data.iter().all(|d| d.deleted == Some(true)));
}

#[tokio::test]
async fn get_suppression() {
    let wire = serve("get_suppression").await;
    let suppression = client(&wire)
        .get_suppression()
        .suppression("bounced@example.com")
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire).await;
    sent.assert_request("GET", "/suppressions/bounced@example.com", &[]);
    assert_eq!(sent.json(), serde_json::Value::Null);
    let expected = example("resend", "get_suppression");
    assert_eq!(suppression.id, expected["id"].as_str().unwrap());
    assert_eq!(suppression.origin, Some(types::SuppressionOrigin::Bounce));
    assert_eq!(
        suppression.source_id.as_deref(),
        expected["source_id"].as_str()
    );
}

#[tokio::test]
async fn delete_suppression() {
    let wire = serve("delete_suppression").await;
    let reply = client(&wire)
        .delete_suppression()
        .suppression("2b8f6d4e-9a1c-4e37-8f05-c3d2e1b0a987")
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire).await;
    sent.assert_request(
        "DELETE",
        "/suppressions/2b8f6d4e-9a1c-4e37-8f05-c3d2e1b0a987",
        &[],
    );
    assert_eq!(sent.json(), serde_json::Value::Null);
    assert_eq!(
        reply.id,
        example("resend", "delete_suppression")["id"]
            .as_str()
            .unwrap()
    );
    assert_eq!(reply.deleted, Some(true));
}

/// Every operation of the spec has a test above, named after its operationId.
#[test]
fn every_operation_is_tested() {
    portico_tests::assert_every_operation_tested("resend", include_str!("resend.rs"), 104);
}
