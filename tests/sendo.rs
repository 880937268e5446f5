//! Every Sendo operation, called once through `portico-sendo` against a loopback server that
//! records what it received: method, path, query, Bearer key, User-Agent and JSON body are
//! checked, and the spec's example reply is decoded. Then Sendo's own behaviour on the wire:
//! `X-RateLimit-*` headers with a Unix-time reset, its `{success, error}` error bodies (403 is a
//! bad key), argument checks before sending, offset pagination with `limit`/`skip`, and open
//! values (unknown statuses, error codes sent as numbers or strings).

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::StreamExt;
use portico::ErrorKind;
use portico_sendo::types;
use portico_tests::sendo::{client, sent, serve};
use portico_tests::{CANARY_KEY, Mocked, Sent, Server, Wire, example};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn send_message() {
    let wire = serve("send_message").await;
    let reply = client(&wire)
        .send_message()
        .body_map(|b| {
            b.campaign("CK7Q2M9X")
                .body("Your order 4417 has shipped and arrives Thursday.")
                .to("+12125550143")
                .from(Some(
                    "+14155941075"
                        .parse::<types::SendMessageRequestFrom>()
                        .unwrap(),
                ))
                .media_urls(vec!["https://cdn.example.com/labels/4417.png".to_string()])
                .metadata(BTreeMap::from([(
                    "orderId".to_string(),
                    "4417".to_string(),
                )]))
        })
        .send()
        .await
        .expect("sent");
    let sent = sent(&wire).await;
    sent.assert_request("POST", "/v1/message/send", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "campaign": "CK7Q2M9X",
            "body": "Your order 4417 has shipped and arrives Thursday.",
            "to": "+12125550143",
            "from": "+14155941075",
            "mediaUrls": ["https://cdn.example.com/labels/4417.png"],
            "metadata": { "orderId": "4417" }
        })
    );
    let expected = example("sendo", "send_message");
    assert!(reply.success);
    assert_eq!(reply.id.as_deref(), expected["id"].as_str());
}

#[tokio::test]
async fn get_message() {
    let wire = serve("get_message").await;
    let reply = client(&wire)
        .get_message()
        .id("3e8c5a17-9b2d-4f60-8c4e-a7d1b6f2e093")
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire).await;
    sent.assert_request(
        "GET",
        "/v1/message/3e8c5a17-9b2d-4f60-8c4e-a7d1b6f2e093",
        &[],
    );
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = &example("sendo", "get_message")["message"];
    let message = reply.message.as_ref().expect("message");
    assert_eq!(message.id.as_deref(), expected["id"].as_str());
    assert_eq!(message.type_, Some(types::MessageType::Mms));
    assert_eq!(message.status, Some(types::MessageStatus::Failed));
    assert_eq!(
        message.error_code,
        Some(types::MessageErrorCode::MediaRejected)
    );
    assert_eq!(
        message.error_message.as_deref(),
        expected["errorMessage"].as_str()
    );
    assert_eq!(
        message.media_urls,
        [expected["mediaUrls"][0].as_str().unwrap()]
    );
    assert_eq!(
        message.metadata.get("bookingRef").map(String::as_str),
        expected["metadata"]["bookingRef"].as_str()
    );
}

#[tokio::test]
async fn list_messages() {
    let wire = serve("list_messages").await;
    let reply = client(&wire)
        .list_messages()
        .campaign("CK7Q2M9X")
        .direction(types::MessageDirection::Outbound)
        .number("+12125550143")
        .limit(2u64)
        .skip(4)
        .send()
        .await
        .expect("listed");
    sent(&wire).await.assert_request(
        "GET",
        "/v1/message/list",
        &[
            ("campaign", "CK7Q2M9X"),
            ("direction", "OUTBOUND"),
            ("limit", "2"),
            ("number", "+12125550143"),
            ("skip", "4"),
        ],
    );
    let expected = example("sendo", "list_messages");
    let ids: Vec<_> = reply.messages.iter().map(|m| m.id.as_deref()).collect();
    let expected_ids: Vec<_> = expected["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str())
        .collect();
    assert_eq!(ids, expected_ids);
    assert_eq!(
        reply.messages[1].direction,
        Some(types::MessageDirection::Inbound)
    );
    assert_eq!(reply.messages[0].error_code, None, "errorCode: null");
    assert_eq!(reply.messages[1].sent_at, None, "no sentAt on an inbound");
}

// ---------------------------------------------------------------------------------------------
// Campaigns
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn create_campaign() {
    let wire = serve("create_campaign").await;
    let reply = client(&wire)
        .create_campaign()
        .body_map(|b| {
            b.display_name("Acme order updates")
                .usecase(types::CampaignUsecase::DeliveryNotification)
                .brand_id("BV4H7P2L")
                .description("Shipping and delivery updates for orders placed at acme.dev.")
                .consent_flow("Customers tick an SMS opt-in box at checkout on acme.dev.")
                .screenshot_url(Some("https://acme.dev/img/sms-optin.png".to_string()))
                .sample1("Acme: your order 4417 has shipped. Reply STOP to opt out.")
                .sample2("Acme: your order 4417 was delivered. Reply STOP to opt out.")
                .is_low_volume(Some(true))
        })
        .send()
        .await
        .expect("created");
    let sent = sent(&wire).await;
    sent.assert_request("POST", "/v1/campaign/create", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "displayName": "Acme order updates",
            "usecase": "DELIVERY_NOTIFICATION",
            "brandId": "BV4H7P2L",
            "description": "Shipping and delivery updates for orders placed at acme.dev.",
            "consentFlow": "Customers tick an SMS opt-in box at checkout on acme.dev.",
            "screenshotUrl": "https://acme.dev/img/sms-optin.png",
            "sample1": "Acme: your order 4417 has shipped. Reply STOP to opt out.",
            "sample2": "Acme: your order 4417 was delivered. Reply STOP to opt out.",
            "isLowVolume": true
        })
    );
    let expected = &example("sendo", "create_campaign")["campaign"];
    assert_eq!(reply.success, Some(true));
    let campaign = reply.campaign.as_ref().expect("campaign");
    assert_eq!(campaign.id.as_deref(), expected["id"].as_str());
    assert_eq!(campaign.status, Some(types::CampaignStatus::Pending));
    assert_eq!(
        campaign.usecase,
        Some(types::CampaignUsecase::DeliveryNotification)
    );
    assert_eq!(campaign.monthly_fee, None, "monthlyFee: null");
    let limits = campaign.limits.as_ref().expect("limits");
    assert_eq!(limits.sms_tpm_att, None);
}

#[tokio::test]
async fn list_campaigns() {
    let wire = serve("list_campaigns").await;
    let reply = client(&wire)
        .list_campaigns()
        .limit(5u64)
        .skip(10)
        .send()
        .await
        .expect("listed");
    sent(&wire).await.assert_request(
        "GET",
        "/v1/campaign/list",
        &[("limit", "5"), ("skip", "10")],
    );
    let expected = example("sendo", "list_campaigns");
    assert_eq!(
        reply.campaigns.len(),
        expected["campaigns"].as_array().unwrap().len()
    );
    let first = &reply.campaigns[0];
    assert_eq!(first.id.as_deref(), expected["campaigns"][0]["id"].as_str());
    assert_eq!(first.usecase, Some(types::CampaignUsecase::Mixed));
    assert_eq!(
        first.sub_usecases,
        ["CUSTOMER_CARE", "DELIVERY_NOTIFICATION"]
    );
    assert_eq!(first.monthly_fee, Some(1000));
    assert_eq!(
        first.limits.as_ref().and_then(|l| l.daily_tmo_cap),
        Some(10000)
    );
}

#[tokio::test]
async fn get_campaign() {
    let wire = serve("get_campaign").await;
    let reply = client(&wire)
        .get_campaign()
        .id("CK7Q2M9X")
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire).await;
    sent.assert_request("GET", "/v1/campaign/CK7Q2M9X", &[]);
    assert_eq!(sent.json(), Value::Null);
    let expected = &example("sendo", "get_campaign")["campaign"];
    let campaign = reply.campaign.as_ref().expect("campaign");
    assert_eq!(campaign.id.as_deref(), expected["id"].as_str());
    assert_eq!(campaign.brand_id.as_deref(), expected["brandId"].as_str());
    assert_eq!(campaign.status, Some(types::CampaignStatus::Active));
    let details = campaign.details.as_ref().expect("details");
    assert_eq!(details.optout_keywords, ["STOP"]);
    assert_eq!(details.sample3, None);
}

// ---------------------------------------------------------------------------------------------
// Webhooks
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_campaign_webhooks() {
    let wire = serve("list_campaign_webhooks").await;
    let reply = client(&wire)
        .list_campaign_webhooks()
        .id("CK7Q2M9X")
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire).await;
    sent.assert_request("GET", "/v1/campaign/CK7Q2M9X/webhooks", &[]);
    assert_eq!(sent.json(), Value::Null);
    let expected = example("sendo", "list_campaign_webhooks");
    assert_eq!(reply.webhooks.len(), 2);
    let second = &reply.webhooks[1];
    assert_eq!(second.id.as_deref(), expected["webhooks"][1]["id"].as_str());
    assert_eq!(
        second.event_types,
        [
            types::WebhookEventType::MessageIncoming,
            types::WebhookEventType::RecipientOptout
        ]
    );
    assert_eq!(second.numbers, ["+14155941075", "+14155941088"]);
}

#[tokio::test]
async fn create_campaign_webhook() {
    let wire = serve("create_campaign_webhook").await;
    let reply = client(&wire)
        .create_campaign_webhook()
        .id("CK7Q2M9X")
        .body_map(|b| {
            b.name(Some("Order service".to_string()))
                .url("https://hooks.acme.dev/sendo/orders")
                .event_types(vec![types::WebhookEventType::MessageStatus])
                .numbers(vec![
                    "+14155941075"
                        .parse::<types::CreateCampaignWebhookRequestNumbersItem>()
                        .unwrap(),
                ])
        })
        .send()
        .await
        .expect("created");
    let sent = sent(&wire).await;
    sent.assert_request("POST", "/v1/campaign/CK7Q2M9X/webhooks", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "name": "Order service",
            "url": "https://hooks.acme.dev/sendo/orders",
            "eventTypes": ["message.status"],
            "numbers": ["+14155941075"]
        })
    );
    let expected = &example("sendo", "create_campaign_webhook")["webhook"];
    assert_eq!(reply.success, Some(true));
    let webhook = reply.webhook.as_ref().expect("webhook");
    assert_eq!(webhook.id.as_deref(), expected["id"].as_str());
    let signature = webhook.signature.as_ref().expect("signature");
    assert_eq!(Some(signature.expose()), expected["signature"].as_str());
    // The webhook's secret token never shows in Debug output.
    let shown = format!("{webhook:?} {reply:?}");
    assert!(!shown.contains(signature.expose()), "{shown}");
    assert_eq!(
        webhook.event_types,
        [types::WebhookEventType::MessageStatus]
    );
}

#[tokio::test]
async fn update_webhook() {
    let wire = serve("update_webhook").await;
    let reply = client(&wire)
        .update_webhook()
        .id("5c1e8f3a-2b7d-4e96-b0a4-9f6d3c8e2a17")
        .body_map(|b| {
            b.url(Some("https://hooks.acme.dev/sendo/v2/orders".to_string()))
                .event_types(vec![
                    types::WebhookEventType::MessageStatus,
                    types::WebhookEventType::RecipientOptout,
                ])
        })
        .send()
        .await
        .expect("updated");
    let sent = sent(&wire).await;
    sent.assert_request(
        "PATCH",
        "/v1/webhook/5c1e8f3a-2b7d-4e96-b0a4-9f6d3c8e2a17",
        &[],
    );
    assert_eq!(sent.header("content-type"), Some("application/json"));
    // Fields left out keep their value on Sendo's side, so they must be absent, not null.
    assert_eq!(
        sent.json(),
        json!({
            "url": "https://hooks.acme.dev/sendo/v2/orders",
            "eventTypes": ["message.status", "recipient.optout"]
        })
    );
    let expected = &example("sendo", "update_webhook")["webhook"];
    assert_eq!(reply.success, Some(true));
    let webhook = reply.webhook.as_ref().expect("webhook");
    assert_eq!(webhook.url.as_deref(), expected["url"].as_str());
    assert_eq!(webhook.event_types.len(), 2);
}

#[tokio::test]
async fn get_webhook() {
    let wire = serve("get_webhook").await;
    let reply = client(&wire)
        .get_webhook()
        .id("5c1e8f3a-2b7d-4e96-b0a4-9f6d3c8e2a17")
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire).await;
    sent.assert_request(
        "GET",
        "/v1/webhook/5c1e8f3a-2b7d-4e96-b0a4-9f6d3c8e2a17",
        &[],
    );
    assert_eq!(sent.json(), Value::Null);
    let expected = &example("sendo", "get_webhook")["webhook"];
    let webhook = reply.webhook.as_ref().expect("webhook");
    assert_eq!(webhook.id.as_deref(), expected["id"].as_str());
    assert_eq!(
        webhook.campaign_id.as_deref(),
        expected["campaignId"].as_str()
    );
    assert_eq!(webhook.name.as_deref(), expected["name"].as_str());
}

#[tokio::test]
async fn delete_webhook() {
    let wire = serve("delete_webhook").await;
    let reply = client(&wire)
        .delete_webhook()
        .id("5c1e8f3a-2b7d-4e96-b0a4-9f6d3c8e2a17")
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire).await;
    sent.assert_request(
        "DELETE",
        "/v1/webhook/5c1e8f3a-2b7d-4e96-b0a4-9f6d3c8e2a17",
        &[],
    );
    assert_eq!(sent.json(), Value::Null, "a DELETE has no body");
    assert_eq!(
        reply.success,
        example("sendo", "delete_webhook")["success"].as_bool()
    );
}

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn buy_number() {
    let wire = serve("buy_number").await;
    let reply = client(&wire)
        .buy_number()
        .body_map(|b| b.number("+14155941088").campaign_id("CK7Q2M9X"))
        .send()
        .await
        .expect("bought");
    let sent = sent(&wire).await;
    sent.assert_request("POST", "/v1/number/buy", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({ "number": "+14155941088", "campaignId": "CK7Q2M9X" })
    );
    let expected = example("sendo", "buy_number");
    assert!(reply.success);
    assert_eq!(reply.status.as_deref(), expected["status"].as_str());
    assert_eq!(reply.number.as_deref(), expected["number"].as_str());
}

// ---------------------------------------------------------------------------------------------
// Brands
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn create_brand() {
    let wire = serve("create_brand").await;
    let reply = client(&wire)
        .create_brand()
        .body_map(|b| {
            b.entity_type(types::EntityType::PrivateProfit)
                .entity_name("Brightside Dental Group LLC")
                .display_name(Some("Brightside Dental".to_string()))
                .ein("84-2917364")
                .website("https://brightsidedental.com")
                .privacy_link(Some("https://brightsidedental.com/privacy".to_string()))
                .street("220 Pine Street")
                .city("Portland")
                .state("OR")
                .postal_code("97204")
                .country("US")
                .first_name("Maria")
                .last_name("Okafor")
                .email("maria@brightsidedental.com")
                .phone("+15035550199")
        })
        .send()
        .await
        .expect("created");
    let sent = sent(&wire).await;
    sent.assert_request("POST", "/v1/brand/create", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "entityType": "PRIVATE_PROFIT",
            "entityName": "Brightside Dental Group LLC",
            "displayName": "Brightside Dental",
            "ein": "84-2917364",
            "website": "https://brightsidedental.com",
            "privacyLink": "https://brightsidedental.com/privacy",
            "street": "220 Pine Street",
            "city": "Portland",
            "state": "OR",
            "postalCode": "97204",
            "country": "US",
            "firstName": "Maria",
            "lastName": "Okafor",
            "email": "maria@brightsidedental.com",
            "phone": "+15035550199"
        })
    );
    let expected = &example("sendo", "create_brand")["brand"];
    assert_eq!(reply.success, Some(true));
    let brand = reply.brand.as_ref().expect("brand");
    assert_eq!(brand.id.as_deref(), expected["id"].as_str());
    assert_eq!(brand.status, Some(types::BrandStatus::Pending));
    assert_eq!(brand.entity_type, Some(types::EntityType::PrivateProfit));
    assert_eq!(brand.trust_score, None);
    assert_eq!(
        brand
            .address
            .as_ref()
            .and_then(|a| a.postal_code.as_deref()),
        expected["address"]["postalCode"].as_str()
    );
}

#[tokio::test]
async fn list_brands() {
    let wire = serve("list_brands").await;
    let reply = client(&wire)
        .list_brands()
        .limit(20u64)
        .skip(0)
        .send()
        .await
        .expect("listed");
    sent(&wire)
        .await
        .assert_request("GET", "/v1/brand/list", &[("limit", "20"), ("skip", "0")]);
    let expected = example("sendo", "list_brands");
    let ids: Vec<_> = reply.brands.iter().map(|b| b.id.as_deref()).collect();
    assert_eq!(
        ids,
        [
            expected["brands"][0]["id"].as_str(),
            expected["brands"][1]["id"].as_str()
        ]
    );
    assert_eq!(reply.brands[0].status, Some(types::BrandStatus::Vetted));
    assert_eq!(reply.brands[1].status, Some(types::BrandStatus::Verified));
    assert_eq!(reply.brands[0].trust_score, Some(75));
}

#[tokio::test]
async fn get_brand() {
    let wire = serve("get_brand").await;
    let reply = client(&wire)
        .get_brand()
        .id("BV4H7P2L")
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire).await;
    sent.assert_request("GET", "/v1/brand/BV4H7P2L", &[]);
    assert_eq!(sent.json(), Value::Null);
    let expected = &example("sendo", "get_brand")["brand"];
    let brand = reply.brand.as_ref().expect("brand");
    assert_eq!(brand.id.as_deref(), expected["id"].as_str());
    assert_eq!(brand.vetted, Some(true));
    assert_eq!(
        brand.contact.as_ref().and_then(|c| c.email.as_deref()),
        expected["contact"]["email"].as_str()
    );
}

// ---------------------------------------------------------------------------------------------
// Rate-limit headers
// ---------------------------------------------------------------------------------------------

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn rate_limit_headers_of_a_success_reply_are_readable() {
    let reset = (unix_now() + 30).to_string();
    let wire = Wire::reply(
        ResponseTemplate::new(200)
            .set_body_json(example("sendo", "get_campaign"))
            .insert_header("X-RateLimit-Limit", "20")
            .insert_header("X-RateLimit-Remaining", "17")
            .insert_header("X-RateLimit-Reset", reset.as_str()),
    )
    .await;
    let reply = client(&wire)
        .get_campaign()
        .id("CK7Q2M9X")
        .send()
        .await
        .expect("fetched");
    sent(&wire)
        .await
        .assert_request("GET", "/v1/campaign/CK7Q2M9X", &[]);
    let limits = portico_sendo::rate_limit(reply.headers()).expect("rate-limit headers read");
    assert_eq!(limits.limit, Some(20));
    assert_eq!(limits.remaining, Some(17));
    assert_eq!(limits.reset.as_deref(), Some(reset.as_str()));
    let wait = limits
        .reset_after
        .expect("the reset is read as a Unix time");
    assert!(
        wait >= Duration::from_secs(25) && wait <= Duration::from_secs(30),
        "X-RateLimit-Reset = now + 30 s must mean about 30 s to wait, got {wait:?}"
    );
}

#[tokio::test]
async fn a_reply_without_rate_limit_headers_has_none() {
    let wire = Wire::json(200, example("sendo", "get_campaign")).await;
    let reply = client(&wire)
        .get_campaign()
        .id("CK7Q2M9X")
        .send()
        .await
        .expect("fetched");
    assert!(portico_sendo::rate_limit(reply.headers()).is_none());
}

#[tokio::test]
async fn a_reset_time_already_passed_means_no_wait() {
    let reset = (unix_now() - 5).to_string();
    let wire = Wire::reply(
        ResponseTemplate::new(200)
            .set_body_json(example("sendo", "get_campaign"))
            .insert_header("X-RateLimit-Remaining", "20")
            .insert_header("X-RateLimit-Reset", reset.as_str()),
    )
    .await;
    let reply = client(&wire)
        .get_campaign()
        .id("CK7Q2M9X")
        .send()
        .await
        .expect("fetched");
    let limits = portico_sendo::rate_limit(reply.headers()).expect("rate-limit headers read");
    assert_eq!(limits.limit, None);
    assert_eq!(limits.reset_after, Some(Duration::ZERO));
}

#[tokio::test]
async fn rate_limit_headers_of_an_error_reply_are_kept_on_the_error() {
    let reset = (unix_now() + 30).to_string();
    let wire = Wire::reply(
        ResponseTemplate::new(429)
            .set_body_json(json!({ "success": false, "error": "Too many requests." }))
            .insert_header("X-RateLimit-Limit", "20")
            .insert_header("X-RateLimit-Remaining", "0")
            .insert_header("X-RateLimit-Reset", reset.as_str()),
    )
    .await;
    let err = portico::Error::from(
        client(&wire)
            .get_campaign()
            .id("CK7Q2M9X")
            .send()
            .await
            .expect_err("429"),
    );
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    let limits = err.rate_limit().expect("rate-limit headers kept");
    assert_eq!(limits.limit, Some(20));
    assert_eq!(limits.remaining, Some(0));
    assert_eq!(limits.reset.as_deref(), Some(reset.as_str()));
    let wait = limits
        .reset_after
        .expect("the reset is read as a Unix time");
    assert!(
        wait >= Duration::from_secs(25) && wait <= Duration::from_secs(30),
        "{wait:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

fn sendo_error(status: u16, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .set_body_json(json!({ "success": false, "error": message }))
        .insert_header("X-RateLimit-Limit", "20")
        .insert_header("X-RateLimit-Remaining", "11")
        .insert_header("X-RateLimit-Reset", "1791331200")
}

/// Calls `get_message` against a server answering `reply`, and returns the error.
async fn fail_with(reply: ResponseTemplate) -> portico::Error {
    let wire = Wire::reply(reply).await;
    let result = client(&wire)
        .get_message()
        .id("3e8c5a17-9b2d-4f60-8c4e-a7d1b6f2e093")
        .send()
        .await;
    portico::Error::from(result.expect_err("the call must fail"))
}

#[tokio::test]
async fn every_documented_error_status_keeps_kind_status_and_message() {
    let cases = [
        (
            400,
            "The `to` number is not a valid E.164 phone number.",
            ErrorKind::InvalidRequest,
        ),
        (
            401,
            "No API key in the Authorization header.",
            ErrorKind::Auth,
        ),
        // Sendo answers 403 for an invalid key: an auth problem, not a permission one.
        (403, "The API key is invalid.", ErrorKind::Auth),
        (404, "Campaign not found.", ErrorKind::NotFound),
        (429, "Too many requests.", ErrorKind::RateLimited),
        (500, "Internal server error.", ErrorKind::Server),
    ];
    let mut lines = Vec::new();
    for (status, message, kind) in cases {
        let err = fail_with(sendo_error(status, message)).await;
        assert_eq!(err.kind(), kind, "{status}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(err.message(), message, "{status}");
        assert_eq!(err.code(), None, "Sendo's errors have no code");
        assert_eq!(err.provider(), Some("sendo"));
        assert!(err.was_sent());
        let limits = err.rate_limit().expect("rate-limit headers kept");
        assert_eq!(
            (limits.limit, limits.remaining, limits.reset.as_deref()),
            (Some(20), Some(11), Some("1791331200"))
        );
        assert!(err.body_excerpt().unwrap().contains(message));
        let text = err.to_string();
        assert!(text.contains(&status.to_string()), "{text}");
        assert!(text.contains(message), "{text}");
        assert!(!text.contains('\n'));
        for shown in [text.clone(), format!("{err:?}"), format!("{err:#?}")] {
            assert!(!shown.contains(CANARY_KEY), "the key leaked: {shown}");
            assert!(!shown.contains("CANARY"), "part of the key leaked: {shown}");
        }
        lines.push(text);
    }
    insta::assert_snapshot!(lines.join("\n"));
}

#[tokio::test]
async fn the_api_key_never_appears_in_debug_display_or_errors() {
    // A hostile server that echoes the key back in its error message.
    let echo = format!("Bearer {CANARY_KEY} is not a valid key");
    let wire = Wire::reply(sendo_error(403, &echo)).await;
    let client = client(&wire);
    let err = portico::Error::from(
        client
            .get_brand()
            .id("BV4H7P2L")
            .send()
            .await
            .expect_err("403"),
    );
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert!(err.message().contains("[REDACTED]"), "{}", err.message());
    let builder = portico_sendo::Client::builder().api_key(CANARY_KEY);
    for text in [
        format!("{client:?}"),
        format!("{client:#?}"),
        format!("{err}"),
        format!("{err:?}"),
        format!("{err:#?}"),
        err.body_excerpt().unwrap_or_default().to_string(),
        format!("{builder:?}"),
    ] {
        assert!(!text.contains(CANARY_KEY), "the key leaked: {text}");
        assert!(!text.contains("CANARY"), "part of the key leaked: {text}");
    }
}

// ---------------------------------------------------------------------------------------------
// Argument checks before sending
// ---------------------------------------------------------------------------------------------

/// Sends `send_message` with `to` and `body` to a server that would accept anything.
async fn send_with(to: &str, body: &str) -> (Mocked, Result<(), portico::Error>) {
    let wire = serve("send_message").await;
    let result = client(&wire)
        .send_message()
        .body_map(|b| b.campaign("CK7Q2M9X").to(to).body(body))
        .send()
        .await
        .map(|_| ())
        .map_err(portico::Error::from);
    (wire, result)
}

#[tokio::test]
async fn a_to_that_is_not_e164_fails_before_sending() {
    let (wire, result) = send_with("555-1234", "Hello").await;
    let err = result.expect_err("555-1234 is not E.164");
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(!err.was_sent());
    assert!(err.message().contains("for to:"), "{}", err.message());
    assert!(
        err.message().contains("is not an E.164 phone number"),
        "{}",
        err.message()
    );
    assert_eq!(err.status(), None);
    assert!(
        wire.received().await.is_empty(),
        "nothing may reach the server"
    );
}

#[tokio::test]
async fn a_body_over_1500_characters_fails_before_sending() {
    let (wire, result) = send_with("+12125550143", &"x".repeat(1501)).await;
    let err = result.expect_err("1501 characters is too long");
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(!err.was_sent());
    assert!(err.message().contains("for body:"), "{}", err.message());
    assert!(err.message().contains("1500"), "{}", err.message());
    assert!(
        wire.received().await.is_empty(),
        "nothing may reach the server"
    );
}

#[tokio::test]
async fn a_body_of_exactly_1500_characters_is_sent() {
    // The limit counts characters, not bytes: 1500 two-byte characters are allowed.
    let text = "é".repeat(1500);
    let (wire, result) = send_with("+12125550143", &text).await;
    result.expect("1500 characters is within the limit");
    let sent = sent(&wire).await;
    sent.assert_request("POST", "/v1/message/send", &[]);
    assert_eq!(sent.json()["body"].as_str(), Some(text.as_str()));
}

// ---------------------------------------------------------------------------------------------
// Offset pagination
// ---------------------------------------------------------------------------------------------

fn message(id: &str) -> Value {
    json!({
        "id": id,
        "type": "SMS",
        "direction": "INBOUND",
        "from": "+12125550143",
        "to": "+14155941075",
        "body": format!("body of {id}"),
        "status": "DELIVERED",
        "campaignId": "CK7Q2M9X"
    })
}

fn messages_page(ids: &[&str]) -> ResponseTemplate {
    let messages: Vec<Value> = ids.iter().map(|id| message(id)).collect();
    ResponseTemplate::new(200).set_body_json(json!({ "messages": messages }))
}

/// Mounts one reply per `skip` value on `route`; each must be asked for exactly once.
async fn serve_pages(route: &str, pages: Vec<(&str, ResponseTemplate)>) -> Wire {
    let server = MockServer::start().await;
    for (skip, reply) in pages {
        Mock::given(method("GET"))
            .and(path(route))
            .and(query_param("skip", skip))
            .respond_with(reply)
            .expect(1)
            .mount(&server)
            .await;
    }
    Wire { server }
}

/// Every request the server received, in order, each checked for the Bearer key and
/// User-Agent.
async fn page_requests(wire: &Wire) -> Vec<Sent> {
    let requests = wire
        .server
        .received_requests()
        .await
        .expect("recording is on");
    requests
        .into_iter()
        .map(|request| {
            let sent = Sent::from(request);
            sent.assert_sent_by(&portico_sendo::PROVIDER, CANARY_KEY);
            sent
        })
        .collect()
}

#[tokio::test]
async fn list_messages_streams_every_page_by_skip() {
    let wire = serve_pages(
        "/v1/message/list",
        vec![
            ("0", messages_page(&["m1", "m2"])),
            ("2", messages_page(&["m3", "m4"])),
            ("4", messages_page(&["m5"])),
        ],
    )
    .await;
    let client = client(&wire);
    let items: Vec<_> = client
        .list_messages()
        .campaign("CK7Q2M9X")
        .direction(types::MessageDirection::Inbound)
        .stream_with_page_size(2)
        .collect()
        .await;
    let ids: Vec<String> = items
        .into_iter()
        .map(|item| item.expect("every page succeeds").id.expect("an id"))
        .collect();
    assert_eq!(ids, ["m1", "m2", "m3", "m4", "m5"]);
    let requests = page_requests(&wire).await;
    assert_eq!(requests.len(), 3, "a page of 1 < 2 ends the stream");
    for (sent, skip) in requests.iter().zip(["0", "2", "4"]) {
        sent.assert_request(
            "GET",
            "/v1/message/list",
            &[
                ("campaign", "CK7Q2M9X"),
                ("direction", "INBOUND"),
                ("limit", "2"),
                ("skip", skip),
            ],
        );
    }
}

#[tokio::test]
async fn a_full_last_page_costs_one_more_request_that_comes_back_empty() {
    let wire = serve_pages(
        "/v1/message/list",
        vec![
            ("0", messages_page(&["m1", "m2"])),
            ("2", messages_page(&["m3", "m4"])),
            ("4", messages_page(&[])),
        ],
    )
    .await;
    let client = client(&wire);
    let items: Vec<_> = client
        .list_messages()
        .campaign("CK7Q2M9X")
        .stream_with_page_size(2)
        .collect()
        .await;
    assert_eq!(items.len(), 4);
    assert!(items.iter().all(Result::is_ok), "{items:?}");
    let skips: Vec<String> = page_requests(&wire)
        .await
        .iter()
        .map(|sent| {
            sent.query()
                .into_iter()
                .find(|(k, _)| k == "skip")
                .expect("skip is sent")
                .1
        })
        .collect();
    assert_eq!(skips, ["0", "2", "4"]);
}

#[tokio::test]
async fn a_failing_page_ends_the_stream_with_its_error() {
    let wire = serve_pages(
        "/v1/message/list",
        vec![
            ("0", messages_page(&["m1", "m2"])),
            ("2", sendo_error(500, "Internal server error.")),
        ],
    )
    .await;
    let client = client(&wire);
    let mut stream = client
        .list_messages()
        .campaign("CK7Q2M9X")
        .stream_with_page_size(2);
    let mut ids = Vec::new();
    for _ in 0..2 {
        let item = stream.next().await.expect("an item").expect("first page");
        ids.push(item.id.expect("an id"));
    }
    assert_eq!(ids, ["m1", "m2"]);
    let err = stream
        .next()
        .await
        .expect("the error is delivered")
        .expect_err("the second page failed");
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(err.message(), "Internal server error.");
    assert!(
        stream.next().await.is_none(),
        "the stream ends after the error"
    );
    let requests = page_requests(&wire).await;
    assert_eq!(requests.len(), 2, "no page is asked for after the error");
}

#[tokio::test]
async fn the_default_stream_asks_for_ten_at_a_time() {
    let wire = serve_pages(
        "/v1/message/list",
        vec![("0", messages_page(&["m1", "m2", "m3"]))],
    )
    .await;
    let client = client(&wire);
    let items: Vec<_> = client
        .list_messages()
        .campaign("CK7Q2M9X")
        .number("+14155941075")
        .stream()
        .collect()
        .await;
    assert_eq!(items.len(), 3);
    let requests = page_requests(&wire).await;
    assert_eq!(requests.len(), 1, "3 < 10 ends the stream");
    requests[0].assert_request(
        "GET",
        "/v1/message/list",
        &[
            ("campaign", "CK7Q2M9X"),
            ("limit", "10"),
            ("number", "+14155941075"),
            ("skip", "0"),
        ],
    );
}

#[tokio::test]
async fn list_brands_streams_a_short_page_in_one_request() {
    let wire = serve_pages(
        "/v1/brand/list",
        vec![(
            "0",
            ResponseTemplate::new(200).set_body_json(example("sendo", "list_brands")),
        )],
    )
    .await;
    let client = client(&wire);
    let brands: Vec<_> = client.list_brands().stream().collect().await;
    let ids: Vec<String> = brands
        .into_iter()
        .map(|b| b.expect("a brand").id.expect("an id"))
        .collect();
    assert_eq!(ids, ["BV4H7P2L", "BN6T3R8K"]);
    let requests = page_requests(&wire).await;
    assert_eq!(requests.len(), 1);
    requests[0].assert_request("GET", "/v1/brand/list", &[("limit", "10"), ("skip", "0")]);
}

#[tokio::test]
async fn list_campaigns_streams_a_short_page_in_one_request() {
    let wire = serve_pages(
        "/v1/campaign/list",
        vec![(
            "0",
            ResponseTemplate::new(200).set_body_json(example("sendo", "list_campaigns")),
        )],
    )
    .await;
    let client = client(&wire);
    let campaigns: Vec<_> = client
        .list_campaigns()
        .stream_with_page_size(5)
        .collect()
        .await;
    let ids: Vec<String> = campaigns
        .into_iter()
        .map(|c| c.expect("a campaign").id.expect("an id"))
        .collect();
    assert_eq!(ids, ["CK7Q2M9X", "CR3N8W5T"]);
    let requests = page_requests(&wire).await;
    assert_eq!(requests.len(), 1);
    requests[0].assert_request("GET", "/v1/campaign/list", &[("limit", "5"), ("skip", "0")]);
}

// ---------------------------------------------------------------------------------------------
// Open values
// ---------------------------------------------------------------------------------------------

/// The spec's `get_message` example with `message` fields replaced, decoded through the SDK.
async fn message_with(changes: Value) -> types::Message {
    let mut body = example("sendo", "get_message");
    for (key, value) in changes.as_object().expect("an object") {
        body["message"][key] = value.clone();
    }
    let wire = Wire::json(200, body).await;
    let reply = client(&wire)
        .get_message()
        .id("3e8c5a17-9b2d-4f60-8c4e-a7d1b6f2e093")
        .send()
        .await
        .expect("an open value must not fail the reply");
    reply.into_inner().message.expect("message")
}

#[tokio::test]
async fn an_unknown_message_status_is_kept() {
    let message = message_with(json!({ "status": "CARRIER_HELD" })).await;
    let status = message.status.expect("status");
    assert_eq!(
        status,
        types::MessageStatus::Unknown("CARRIER_HELD".to_string())
    );
    assert!(status.is_unknown());
    assert_eq!(status.as_str(), "CARRIER_HELD");
}

#[tokio::test]
async fn an_error_code_sent_as_a_number_is_the_named_code() {
    let message = message_with(json!({ "errorCode": 1002 })).await;
    let code = message.error_code.expect("errorCode");
    assert_eq!(code, types::MessageErrorCode::InvalidRecipient);
    assert_eq!(code.as_str(), "1002");
    assert_eq!(
        code.description(),
        Some("The recipient's number is not in a valid format.")
    );
}

#[tokio::test]
async fn unknown_error_codes_keep_their_raw_text() {
    for (sent, raw) in [(json!(4711), "4711"), (json!("30007"), "30007")] {
        let message = message_with(json!({ "errorCode": sent })).await;
        let code = message.error_code.expect("errorCode");
        assert_eq!(
            code,
            types::MessageErrorCode::Unknown(raw.to_string()),
            "{sent}"
        );
        assert_eq!(code.as_str(), raw);
        assert_eq!(code.description(), None);
    }
}

#[tokio::test]
async fn a_null_error_code_is_none() {
    let message = message_with(json!({ "status": "DELIVERED", "errorCode": null })).await;
    assert_eq!(message.status, Some(types::MessageStatus::Delivered));
    assert_eq!(message.error_code, None);
}

// ---------------------------------------------------------------------------------------------

#[test]
fn every_operation_is_tested() {
    portico_tests::assert_every_operation_tested("sendo", include_str!("sendo.rs"), 15);
}

#[tokio::test]
async fn a_webhook_without_event_types_fails_before_sending() {
    // `eventTypes` has `minItems: 1`; the generated builder checks it.
    let wire = serve("create_campaign_webhook").await;
    let result = client(&wire)
        .create_campaign_webhook()
        .id("CK7Q2M9X")
        .body_map(|b| b.url("https://hooks.acme.dev/sendo").event_types(vec![]))
        .send()
        .await;
    let err = portico::Error::from(result.expect_err("no event types"));
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(!err.was_sent());
    assert!(
        err.message().contains("event_types: needs at least 1 item"),
        "{}",
        err.message()
    );
    assert!(
        wire.received().await.is_empty(),
        "nothing may reach the server"
    );
}
