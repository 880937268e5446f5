//! Reads an end user's CRM through Nango: streams their contacts, reads one account with its
//! numbers-as-text fields as numbers, then switches to another end user with `for_user`.
//!
//! ```text
//! NANGO_API_KEY=... NANGO_USER_TOKEN=... cargo run -p portico-examples --example nango_crm -- [other user token]
//! ```
//! `NANGO_BASE_URL` points it at another server (e.g. a local mock on `http://127.0.0.1:PORT`).

use futures_util::StreamExt;
use portico_nango::{CallStats, Client};

#[tokio::main]
async fn main() -> Result<(), portico_nango::Error> {
    let other_user = std::env::args().nth(1);
    // The API key and the end user's token, both from the environment.
    let mut builder = Client::builder()
        .api_key_from_env()?
        .user_agent_suffix("portico-example");
    if let Ok(url) = std::env::var("NANGO_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;

    // Every contact, page after page (the stream follows `next_cursor`).
    let mut contacts = client.list_contacts().page_size(100).stream();
    let mut first_account = None;
    while let Some(contact) = contacts.next().await {
        let contact = contact?;
        let email = contact
            .email_addresses()
            .first()
            .and_then(|e| e.email.clone());
        println!(
            "{} {} <{}>",
            contact.first_name.as_deref().unwrap_or(""),
            contact.last_name.as_deref().unwrap_or(""),
            email.as_deref().unwrap_or("no email")
        );
        first_account = first_account.or(contact.account.clone());
    }

    if let Some(id) = first_account {
        let account = client.get_account().id(id.as_str()).send().await?;
        let stats = CallStats::from_headers(account.headers()).unwrap_or_default();
        println!(
            "{}: {:?} employees, revenue {:?} ({} attempt(s))",
            account.name.as_deref().unwrap_or("?"),
            account.number_of_employees_number(),
            account.annual_revenue_number(),
            stats.attempts
        );
    }

    // Another end user: same key and connection pool, their own token and rate limit.
    if let Some(token) = other_user {
        let theirs = client.for_user(&token)?;
        let deals = theirs.list_opportunities().send().await?;
        println!("{} opportunities for the other user", deals.result.len());
    }
    Ok(())
}
