//! Portico without an API key: portico-mock serves all five providers on loopback, and each
//! SDK makes its typical calls against it, printing each call and what came back. The last
//! calls go wrong on purpose, to show what an error says.
//!
//! ```text
//! cargo xtask demo
//! ```
//! The mock answers every call with the spec's example reply (it keeps no state), after
//! checking the credentials, the parameters and the body as the provider would.

use portico_mock::{MockServer, Provider};

/// Prints a call and its outcome.
fn show(provider: &str, call: &str, outcome: impl std::fmt::Display) {
    println!("{provider:<8} {call:<50} → {outcome}");
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut servers = Vec::new();
    for provider in Provider::ALL {
        servers.push(MockServer::start(provider).await?);
    }
    let url = |provider: Provider| {
        servers[Provider::ALL.iter().position(|p| *p == provider).unwrap()].url()
    };
    println!(
        "portico-mock is serving the five specs on loopback; no request leaves this machine.\n"
    );

    // Resend: send an email, read it back.
    let resend = portico_resend::Client::builder()
        .api_key("re_demo_key")
        .base_url(url(Provider::Resend))
        .build()?;
    let sent = resend
        .send_email()
        .body_map(|email| {
            email
                .from("Acme <onboarding@acme.dev>")
                .to(vec!["user@example.com".to_string()])
                .subject("Welcome")
                .html(Some("<p>Hello!</p>".to_string()))
        })
        .send()
        .await?;
    show(
        "resend",
        "send_email (POST /emails)",
        format!("sent, id {}", sent.id),
    );
    let email = resend.get_email().email_id(sent.id.clone()).send().await?;
    show(
        "resend",
        "get_email (GET /emails/{id})",
        format!(
            "{:?} to {:?}, last event {:?}",
            email.subject, email.to, email.last_event
        ),
    );

    // Tatango: send an SMS; the outcome would arrive by webhook.
    let tatango = portico_tatango::Client::builder()
        .api_key("tatango_key_demo")
        .base_url(url(Provider::Tatango))
        .build()?;
    let accepted = tatango
        .send_sms()
        .body_map(|sms| {
            sms.phone_number("+1 555-123-4567")
                .webhook_url("https://example.com/hooks/tatango")
                .content("Your code is 123456")
        })
        .send()
        .await?;
    show(
        "tatango",
        "send_sms (POST /transactional_messages/send_sms)",
        format!("accepted, transaction {}", accepted.transaction_id),
    );

    // Sendo: send a message, list the campaign's messages.
    let sendo = portico_sendo::Client::builder()
        .api_key("sendo_demo_key")
        .base_url(url(Provider::Sendo))
        .build()?;
    let message = sendo
        .send_message()
        .body_map(|m| {
            m.campaign("k3x9p2qa")
                .to("+14155550100")
                .body("Your order has shipped.")
        })
        .send()
        .await?;
    show(
        "sendo",
        "send_message (POST /v1/message/send)",
        format!("queued, id {:?}", message.id),
    );
    let page = sendo
        .list_messages()
        .campaign("k3x9p2qa")
        .limit(10u64)
        .send()
        .await?;
    let rate = portico_sendo::rate_limit(page.headers());
    show(
        "sendo",
        "list_messages (GET /v1/message/list)",
        format!(
            "{} messages; rate limit left {:?}",
            page.messages.len(),
            rate.and_then(|r| r.remaining)
        ),
    );

    // Nango: an end user's CRM contacts, then a new contact.
    let nango = portico_nango::Client::builder()
        .api_key("6f1d3a2b-8c4e-4f5a-9b7c-1d2e3f4a5b6c")
        .user_token("5e3c1a7b-93f2-4d1e-8a6c-2b9f0d4e7a15")
        .base_url(url(Provider::Nango))
        .build()?;
    let contacts = nango.list_contacts().page_size(10u32).send().await?;
    show(
        "nango",
        "list_contacts (GET /crm/contacts)",
        format!(
            "{} contacts, first {:?}",
            contacts.result.len(),
            contacts.result.first().and_then(|c| c.last_name.clone())
        ),
    );
    let created = nango
        .create_contact()
        .body_map(|c| {
            c.first_name(Some("Sam".to_string()))
                .last_name(Some("Lee".to_string()))
        })
        .send()
        .await?;
    show(
        "nango",
        "create_contact (POST /crm/contacts)",
        format!("created, id {:?}", created.id),
    );

    // TagoIO: a device sends a reading and reads its data back.
    let device = portico_tago::DeviceClient::builder()
        .api_key("3f7e9c21-6b4d-4e8a-9f10-2c5d7a8b9e61")
        .base_url(url(Provider::Tago))
        .build()?;
    let reading: portico_tago::types::DataInput = portico_tago::types::DataInput::builder()
        .variable("temperature")
        .value(Some(portico_tago::types::DataValue::Double(21.5)))
        .try_into()?;
    let stored = device
        .send_data()
        .body(portico_tago::types::DataInputs::Array(vec![reading]))
        .send()
        .await?;
    show("tago", "send_data (POST /data)", stored.into_inner());
    let data = device
        .get_data()
        .variables(vec!["temperature".to_string()])
        .send()
        .await?;
    let data = match data.into_inner() {
        portico_tago::types::DataReply::DataPointList(points) => {
            format!("{} data points", points.len())
        }
        portico_tago::types::DataReply::Double(n) => format!("an aggregate, {n}"),
    };
    show("tago", "get_data (GET /data)", data);

    // What goes wrong, and how it reads.
    println!();
    let wrong_key = portico_resend::Client::builder()
        .api_key("sk_not_a_resend_key")
        .base_url(url(Provider::Resend))
        .build()?;
    let err = portico::Error::from(wrong_key.list_domains().send().await.unwrap_err());
    show("resend", "list_domains with a key that is not re_…", err);
    let err = portico::Error::from(
        tatango
            .send_sms()
            .body_map(|sms| {
                sms.phone_number("+1 555-123-4567")
                    .webhook_url("https://example.com/hooks/tatango")
                    .content("Emoji 🎉 are not GSM-7")
            })
            .send()
            .await
            .unwrap_err(),
    );
    show(
        "tatango",
        "send_sms with an emoji (checked before sending)",
        err,
    );
    let anonymous = portico_nango::Client::builder()
        .api_key("6f1d3a2b-8c4e-4f5a-9b7c-1d2e3f4a5b6c")
        .base_url(url(Provider::Nango))
        .build()?;
    let err = portico::Error::from(anonymous.list_contacts().send().await.unwrap_err());
    show("nango", "list_contacts without an end-user token", err);
    Ok(())
}
