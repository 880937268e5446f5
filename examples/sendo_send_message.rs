//! Sends one SMS with Sendo, reads its status back, streams the campaign's messages, and checks a
//! webhook delivery's token.
//!
//! ```text
//! SENDO_API_KEY=... cargo run -p portico-examples --example sendo_send_message -- <campaign id> +14155550100
//! ```
//! `SENDO_BASE_URL` points it at another server (e.g. a local mock on `http://127.0.0.1:PORT`).

use futures_util::StreamExt;
use portico_sendo::Client;

#[tokio::main]
async fn main() -> Result<(), portico_sendo::Error> {
    let mut args = std::env::args().skip(1);
    let campaign = args.next().unwrap_or_else(|| "k3x9p2qa".into());
    let to = args.next().unwrap_or_else(|| "+14155550100".into());
    let mut builder = Client::builder()
        .api_key_from_env()?
        .user_agent_suffix("portico-example");
    if let Ok(url) = std::env::var("SENDO_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;

    // `to` must be E.164 and `body` at most 1,500 characters: checked before sending.
    let sent = client
        .send_message()
        .body_map(|m| {
            m.campaign(campaign.as_str())
                .to(to.as_str())
                .body("Sent with portico-sendo.")
        })
        .send()
        .await?;
    let Some(id) = sent.id.clone() else {
        println!("not queued: {:?}", sent.error);
        return Ok(());
    };
    println!("queued {id}");
    if let Some(limits) = portico_sendo::rate_limit(sent.headers()) {
        println!("{:?} requests left in this window", limits.remaining);
    }

    let reply = client.get_message().id(&id).send().await?;
    if let Some(message) = &reply.message {
        // Statuses and failure codes are open: a new value arrives as `Unknown("…")`.
        println!("status: {:?}", message.status);
        if let Some(code) = &message.error_code {
            println!(
                "failed with {code}: {}",
                code.description().unwrap_or("undocumented code")
            );
        }
    }

    let mut messages = client
        .list_messages()
        .campaign(campaign.as_str())
        .stream()
        .take(20);
    while let Some(message) = messages.next().await {
        let message = message?;
        println!(
            "{:?} {:?} {:?}",
            message.id, message.direction, message.status
        );
    }

    // In a webhook handler: check the token before trusting the body.
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "x-webhook-token",
        "the-webhook-signature".parse().expect("header"),
    );
    match portico_sendo::webhooks::verify(&headers, "the-webhook-signature") {
        Ok(()) => println!("webhook token ok"),
        Err(e) => println!("rejected: {e}"),
    }
    Ok(())
}
