//! Sends one SMS with Tatango, and shows how the webhook that reports its delivery is read.
//!
//! ```text
//! TATANGO_API_KEY=tatango_key_... cargo run -p portico-examples --example tatango_send_sms -- \
//!     "+1 555-123-4567" https://example.com/hooks/tatango
//! ```
//! `TATANGO_BASE_URL` points it at another server (e.g. a local mock on `http://127.0.0.1:PORT`).

use portico_tatango::Client;
use portico_tatango::webhooks::{self, Event};

#[tokio::main]
async fn main() -> Result<(), portico_tatango::Error> {
    let mut args = std::env::args().skip(1);
    let phone = args.next().unwrap_or_else(|| "+1 555-123-4567".into());
    let webhook = args
        .next()
        .unwrap_or_else(|| "https://example.com/hooks/tatango".into());
    let mut builder = Client::builder()
        .api_key_from_env()?
        .user_agent_suffix("portico-example");
    if let Ok(url) = std::env::var("TATANGO_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;

    // The content is checked before sending: GSM-7 characters only, at most 160 of them.
    let accepted = client
        .send_sms()
        .body_map(|sms| {
            sms.phone_number(phone.as_str())
                .webhook_url(webhook.as_str())
                .content("Your Portico code is 123456")
        })
        .send()
        .await?;
    println!(
        "accepted ({}); the outcome will be POSTed to {webhook} with transactionId {}",
        accepted.message, accepted.transaction_id
    );

    // What your webhook handler does with the delivery Tatango POSTs later.
    let delivery = format!(
        r#"{{"transactionId":"{}","eventType":"delivery_status","body":{{"phoneNumber":"5551234567","status":"success","deliveredAt":"2026-11-22T10:00:00Z"}}}}"#,
        accepted.transaction_id
    );
    match webhooks::parse(delivery)? {
        Event::DeliveryStatus(event) => println!(
            "delivery of {}: {}",
            event.transaction_id, event.body.status
        ),
        other => println!("another event: {}", other.event_type()),
    }
    Ok(())
}
