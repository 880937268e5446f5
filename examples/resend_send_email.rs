//! Sends one email with Resend, reads it back, and lists the latest emails as a stream.
//!
//! ```text
//! RESEND_API_KEY=re_... cargo run -p portico-examples --example resend_send_email -- you@example.com
//! ```
//! `RESEND_BASE_URL` points it at another server (e.g. a local mock on `http://127.0.0.1:PORT`).

use futures_util::StreamExt;
use portico_resend::Client;

#[tokio::main]
async fn main() -> Result<(), portico_resend::Error> {
    let to = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "delivered@resend.dev".into());
    let mut builder = Client::builder()
        .api_key_from_env()?
        .user_agent_suffix("portico-example");
    if let Ok(url) = std::env::var("RESEND_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;

    let sent = client
        .send_email()
        // Resend replays the first reply for a repeated key instead of sending twice.
        .idempotency_key(format!("portico-example/{to}"))
        .body_map(|email| {
            email
                .from("Portico <onboarding@resend.dev>")
                .to(vec![to.clone()])
                .subject("Hello from Portico")
                .html(Some(
                    "<p>Sent with <strong>portico-resend</strong>.</p>".to_string(),
                ))
        })
        .send()
        .await?;
    println!("sent {} to {to}", sent.id);

    let email = client.get_email().email_id(&sent.id).send().await?;
    let status = email
        .last_event
        .as_ref()
        .map(|e| e.as_str())
        .unwrap_or("unknown");
    println!("last event: {status}");

    let mut latest = client.list_emails().limit(10).stream().take(10);
    while let Some(email) = latest.next().await {
        let email = email?;
        println!("{}  {}", email.id, email.subject.as_deref().unwrap_or(""));
    }
    Ok(())
}
