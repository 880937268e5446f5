//! Every Nango operation, called once through `portico-nango` against a loopback server that
//! records what it received (method, path, query, Bearer key, `X-User-Account`, User-Agent, JSON
//! body) and answers with the spec's example inside Nango's envelope; then the envelope's errors,
//! on HTTP 200 and on error statuses, the two credentials, `for_user`, cursor pagination and the
//! documented field quirks.

use portico::ErrorKind;
use portico_nango::{Client, StreamExt as _, types};
use portico_tests::nango::{client, sent, serve, wire_example};
use portico_tests::{CANARY_KEY, Server, USER_TOKEN, UUID_KEY, Wire, example};
use serde_json::{Value, json};
use wiremock::matchers::{any, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CONTACT: &str = "3f6a2c1e-8b4d-4e7a-9c2f-1a5b7d9e3c4f";
const ACCOUNT: &str = "9a1f3c5e-2b7d-4e8f-a6c1-3d5b7f9e1a2c";
const OPPORTUNITY: &str = "2d4f6a8c-1e3b-4d5f-9a7c-8e1b3d5f7a9c";
const USER: &str = "8f1a3c5e-7b9d-4e2f-a4c6-5d7f9b1d3e5a";

#[test]
fn every_operation_has_a_wire_test() {
    portico_tests::assert_every_operation_tested("nango", include_str!("nango.rs"), 16);
}

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_contacts() {
    let wire = serve("list_contacts").await;
    let page = client(&wire)
        .list_contacts()
        .email("jane@example.com,jd@example.com")
        .account(ACCOUNT)
        .name("Doe")
        .include_raw(true)
        .page_size(50)
        .cursor("Y3Vyc29yOjA")
        .modified_after("2022-08-01T00:00:00Z")
        .created_after("2021-01-01T00:00:00Z")
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire, "list_contacts").await;
    sent.assert_request(
        "GET",
        "/crm/contacts",
        &[
            ("account", ACCOUNT),
            ("created_after", "2021-01-01T00:00:00Z"),
            ("cursor", "Y3Vyc29yOjA"),
            ("email", "jane@example.com,jd@example.com"),
            ("include_raw", "true"),
            ("modified_after", "2022-08-01T00:00:00Z"),
            ("name", "Doe"),
            ("page_size", "50"),
        ],
    );
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    // A paginated list keeps the whole body: its cursor sits beside `result`.
    assert_eq!(page.next_cursor.as_deref(), Some("Y3Vyc29yOjNmNmEyYzFl"));
    let contact = &page.result[0];
    assert_eq!(contact.id, CONTACT);
    assert_eq!(contact.external_id.as_deref(), Some("128492"));
    assert_eq!(contact.account.as_deref(), Some(ACCOUNT));
    // Nango's spelling on the wire, the correct one through the accessors.
    assert_eq!(contact.adresses[0].zip_code.as_deref(), Some("94105"));
    assert_eq!(
        contact.addresses()[0].city.as_deref(),
        Some("San Francisco")
    );
    assert_eq!(
        contact.email_addresses()[0].email.as_deref(),
        Some("jane@example.com")
    );
    assert_eq!(
        contact.phone_numbers[0].phone_number_type.as_deref(),
        Some("MOBILE")
    );
}

#[tokio::test]
async fn create_contact() {
    let wire = serve("create_contact").await;
    let reply = client(&wire)
        .create_contact()
        .body_map(|c| {
            c.first_name(Some("Sam".to_string()))
                .last_name(Some("Lee".to_string()))
                .account(Some(ACCOUNT.to_string()))
                .email_adresses(vec![types::EmailAddress {
                    email: Some("sam@example.com".into()),
                    email_type: Some("WORK".into()),
                }])
        })
        .send()
        .await
        .expect("created");
    let sent = sent(&wire, "create_contact").await;
    sent.assert_request("POST", "/crm/contacts", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "first_name": "Sam",
            "last_name": "Lee",
            "account": ACCOUNT,
            "email_adresses": [{ "email": "sam@example.com", "email_type": "WORK" }]
        })
    );
    assert_eq!(reply.status().as_u16(), 201);
    // The method returns `result`, unwrapped.
    assert_eq!(reply.id, example("nango", "create_contact")["id"]);
    assert_eq!(reply.first_name.as_deref(), Some("Sam"));
}

#[tokio::test]
async fn get_contact() {
    let wire = serve("get_contact").await;
    let contact = client(&wire)
        .get_contact()
        .id(CONTACT)
        .include_raw(true)
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire, "get_contact").await;
    sent.assert_request(
        "GET",
        &format!("/crm/contacts/{CONTACT}"),
        &[("include_raw", "true")],
    );
    assert_eq!(contact.id, CONTACT);
    assert_eq!(contact.job_title.as_deref(), Some("Head of Operations"));
    let raw = &contact.raw_external_data;
    assert_eq!(raw["FirstName"], "Jane");
}

#[tokio::test]
async fn update_contact() {
    let wire = serve("update_contact").await;
    let contact = client(&wire)
        .update_contact()
        .id(CONTACT)
        .body_map(|c| c.job_title(Some("COO".to_string())))
        .send()
        .await
        .expect("updated");
    let sent = sent(&wire, "update_contact").await;
    sent.assert_request("PATCH", &format!("/crm/contacts/{CONTACT}"), &[]);
    assert_eq!(sent.json(), json!({ "job_title": "COO" }));
    assert_eq!(contact.job_title.as_deref(), Some("COO"));
}

#[tokio::test]
async fn list_accounts() {
    let wire = serve("list_accounts").await;
    let page = client(&wire)
        .list_accounts()
        .name("Acme")
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire, "list_accounts").await;
    sent.assert_request("GET", "/crm/accounts", &[("name", "Acme")]);
    assert_eq!(page.next_cursor, None, "the last page");
    let account = &page.result[0];
    assert_eq!(account.name.as_deref(), Some("Acme Corp"));
    // Numbers sent as text, read as numbers.
    assert_eq!(account.annual_revenue.as_deref(), Some("10000000"));
    assert_eq!(account.annual_revenue_number(), Some(10_000_000.0));
    assert_eq!(account.number_of_employees_number(), Some(493.0));
    assert_eq!(account.opportunities[0].opportunity_closed, Some(false));
    assert_eq!(account.addresses()[0].country.as_deref(), Some("US"));
}

#[tokio::test]
async fn create_account() {
    let wire = serve("create_account").await;
    let account = client(&wire)
        .create_account()
        .body_map(|a| {
            a.name("Globex")
                .number_of_employees(Some("120".to_string()))
        })
        .send()
        .await
        .expect("created");
    let sent = sent(&wire, "create_account").await;
    sent.assert_request("POST", "/crm/accounts", &[]);
    assert_eq!(
        sent.json(),
        json!({ "name": "Globex", "number_of_employees": "120" })
    );
    assert_eq!(account.number_of_employees_number(), Some(120.0));
}

#[tokio::test]
async fn get_account() {
    let wire = serve("get_account").await;
    let account = client(&wire)
        .get_account()
        .id(ACCOUNT)
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire, "get_account").await;
    sent.assert_request("GET", &format!("/crm/accounts/{ACCOUNT}"), &[]);
    assert_eq!(account.id, ACCOUNT);
    assert_eq!(account.website.as_deref(), Some("https://acme.example.com"));
    assert_eq!(account.contacts, vec![CONTACT.to_string()]);
}

#[tokio::test]
async fn update_account() {
    let wire = serve("update_account").await;
    let account = client(&wire)
        .update_account()
        .id(ACCOUNT)
        .body_map(|a| {
            a.name(Some("Acme Corporation".parse().unwrap()))
                .number_of_employees(Some("510".to_string()))
        })
        .send()
        .await
        .expect("updated");
    let sent = sent(&wire, "update_account").await;
    sent.assert_request("PATCH", &format!("/crm/accounts/{ACCOUNT}"), &[]);
    assert_eq!(
        sent.json(),
        json!({ "name": "Acme Corporation", "number_of_employees": "510" })
    );
    assert_eq!(account.name.as_deref(), Some("Acme Corporation"));
}

#[tokio::test]
async fn list_opportunities() {
    let wire = serve("list_opportunities").await;
    let page = client(&wire)
        .list_opportunities()
        .include_raw(false)
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire, "list_opportunities").await;
    sent.assert_request("GET", "/crm/opportunities", &[("include_raw", "false")]);
    let deal = &page.result[0];
    assert_eq!(deal.amount, Some(10_000.0));
    assert_eq!(deal.probability_number(), Some(0.78));
    assert_eq!(deal.expected_revenue_currency.as_deref(), Some("USD"));
    assert_eq!(deal.accounts, vec![ACCOUNT.to_string()]);
}

#[tokio::test]
async fn create_opportunity() {
    let wire = serve("create_opportunity").await;
    let deal = client(&wire)
        .create_opportunity()
        .body_map(|o| {
            o.name("Globex pilot")
                .stage(Some("qualification".to_string()))
                .amount(Some(2500.0))
                .probability(Some("0.2".to_string()))
        })
        .send()
        .await
        .expect("created");
    let sent = sent(&wire, "create_opportunity").await;
    sent.assert_request("POST", "/crm/opportunities", &[]);
    assert_eq!(
        sent.json(),
        json!({ "name": "Globex pilot", "stage": "qualification", "amount": 2500.0, "probability": "0.2" })
    );
    assert_eq!(deal.probability_number(), Some(0.2));
    assert_eq!(deal.is_closed, Some(false));
}

#[tokio::test]
async fn get_opportunity() {
    let wire = serve("get_opportunity").await;
    let deal = client(&wire)
        .get_opportunity()
        .id(OPPORTUNITY)
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire, "get_opportunity").await;
    sent.assert_request("GET", &format!("/crm/opportunities/{OPPORTUNITY}"), &[]);
    assert_eq!(deal.id, OPPORTUNITY);
    assert_eq!(deal.close_date.as_deref(), Some("2022-12-15T00:00:00Z"));
    assert_eq!(deal.expected_revenue, Some(7800.0));
}

#[tokio::test]
async fn update_opportunity() {
    let wire = serve("update_opportunity").await;
    let deal = client(&wire)
        .update_opportunity()
        .id(OPPORTUNITY)
        .body_map(|o| {
            o.stage(Some("closed_won".to_string()))
                .is_won(Some(true))
                .is_closed(Some(true))
        })
        .send()
        .await
        .expect("updated");
    let sent = sent(&wire, "update_opportunity").await;
    sent.assert_request("PATCH", &format!("/crm/opportunities/{OPPORTUNITY}"), &[]);
    assert_eq!(
        sent.json(),
        json!({ "stage": "closed_won", "is_won": true, "is_closed": true })
    );
    assert_eq!(deal.is_won, Some(true));
}

#[tokio::test]
async fn list_users() {
    let wire = serve("list_users").await;
    let page = client(&wire)
        .list_users()
        .email("priya@acme.example.com")
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire, "list_users").await;
    sent.assert_request("GET", "/crm/users", &[("email", "priya@acme.example.com")]);
    assert_eq!(page.result[0].id, USER);
    assert_eq!(page.result[0].is_active, Some(true));
}

#[tokio::test]
async fn get_user() {
    let wire = serve("get_user").await;
    let user = client(&wire)
        .get_user()
        .id(USER)
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire, "get_user").await;
    sent.assert_request("GET", &format!("/crm/users/{USER}"), &[]);
    assert_eq!(user.email.as_deref(), Some("priya@acme.example.com"));
}

#[tokio::test]
async fn create_user_token() {
    let wire = serve("create_user_token").await;
    // Minting a user token needs only the API key: a client without one can do it.
    let no_user = Client::builder()
        .api_key(UUID_KEY)
        .base_url(wire.url())
        .build()
        .unwrap();
    let token = no_user
        .create_user_token()
        .body_map(|t| t.crm("hubspot").end_user_id(Some("user-42".to_string())))
        .send()
        .await
        .expect("created");
    let sent = sent(&wire, "create_user_token").await;
    sent.assert_request("POST", "/user-tokens", &[]);
    assert_eq!(
        sent.json(),
        json!({ "crm": "hubspot", "end_user_id": "user-42" })
    );
    assert_eq!(token.user_token, USER_TOKEN);
    assert!(
        token
            .connect_url
            .as_deref()
            .unwrap()
            .starts_with("https://")
    );
}

#[tokio::test]
async fn delete_user_token() {
    let wire = serve("delete_user_token").await;
    let reply = client(&wire)
        .delete_user_token()
        .user_token(USER_TOKEN)
        .send()
        .await
        .expect("deleted");
    // Only the API key: the token to delete is in the path, not in X-User-Account.
    let sent = sent(&wire, "delete_user_token").await;
    sent.assert_request("DELETE", &format!("/user-tokens/{USER_TOKEN}"), &[]);
    assert_eq!(reply.deleted, Some(true));
}

// ---------------------------------------------------------------------------------------------
// The envelope's errors
// ---------------------------------------------------------------------------------------------

async fn get_contact_against(status: u16, body: Value) -> (portico::Error, Wire) {
    let wire = Wire::json(status, body).await;
    let err = client(&wire)
        .get_contact()
        .id(CONTACT)
        .send()
        .await
        .map_err(portico::Error::from)
        .expect_err("the call fails");
    (err, wire)
}

fn nango_error(error_type: &str, message: &str) -> Value {
    json!({ "status": "error", "error_type": error_type, "error_msg": message })
}

#[tokio::test]
async fn an_error_in_the_envelope_fails_the_call_even_on_http_200() {
    let cases = [
        (200, "PARAMS_ERROR", ErrorKind::InvalidRequest),
        (200, "AUTH_ERROR", ErrorKind::Auth),
        (200, "PROCESSING_ERROR", ErrorKind::Server),
        (200, "QUOTA_ERROR", ErrorKind::InvalidRequest),
        (400, "PARAMS_ERROR", ErrorKind::InvalidRequest),
        (401, "AUTH_ERROR", ErrorKind::Auth),
        (500, "PROCESSING_ERROR", ErrorKind::Server),
        (404, "PARAMS_ERROR", ErrorKind::InvalidRequest),
    ];
    let mut lines = Vec::new();
    for (status, error_type, kind) in cases {
        let (err, wire) =
            get_contact_against(status, nango_error(error_type, "Invalid contact id: 42")).await;
        assert_eq!(err.kind(), kind, "{status} {error_type}: {err}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(err.code(), Some(error_type));
        assert_eq!(err.message(), "Invalid contact id: 42");
        assert_eq!(err.provider(), Some("nango"));
        assert!(!err.to_string().contains(CANARY_KEY));
        wire.single_request().await;
        lines.push(err.to_string());
    }
    insta::assert_snapshot!(lines.join("\n"));
}

#[tokio::test]
async fn an_error_status_without_an_envelope_keeps_its_status() {
    let wire = Wire::reply(ResponseTemplate::new(404).set_body_string("Not Found")).await;
    let err = client(&wire)
        .get_contact()
        .id(CONTACT)
        .send()
        .await
        .map_err(portico::Error::from)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.body_excerpt(), Some("Not Found"));
}

#[tokio::test]
async fn a_2xx_body_outside_the_envelope_is_a_decode_error() {
    let (err, _) = get_contact_against(200, json!({ "id": CONTACT })).await;
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert!(err.message().contains("envelope"), "{err}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    // A wrapped result of the wrong shape is a decode error too, with the status kept.
    let (err, _) = get_contact_against(200, json!({ "status": "ok", "result": [1, 2] })).await;
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert!(err.body_excerpt().unwrap().contains("[1,2]"), "{err:?}");
}

// ---------------------------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn an_end_user_operation_without_a_user_token_fails_before_sending() {
    let wire = serve("get_contact").await;
    let no_user = Client::builder()
        .api_key(UUID_KEY)
        .base_url(wire.url())
        .build()
        .unwrap();
    let err = no_user
        .get_contact()
        .id(CONTACT)
        .send()
        .await
        .map_err(portico::Error::from)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
    assert!(err.message().contains("for_user"), "{err}");
    assert!(!err.was_sent());
    assert!(wire.received().await.is_empty());
}

#[tokio::test]
async fn for_user_sends_the_other_token_and_keeps_the_rest() {
    let wire = serve("get_account").await;
    let client = client(&wire);
    let other = client
        .for_user("0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e")
        .unwrap();
    other.get_account().id(ACCOUNT).send().await.unwrap();
    client.get_account().id(ACCOUNT).send().await.unwrap();
    let requests = wire.received().await;
    let user = |i: usize| requests[i].header("x-user-account").map(str::to_string);
    assert_eq!(
        user(0).as_deref(),
        Some("0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e")
    );
    assert_eq!(
        user(1).as_deref(),
        Some(USER_TOKEN),
        "the original client is unchanged"
    );
    for request in &requests {
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {UUID_KEY}").as_str())
        );
    }
    for bad in ["", "  ", "line\nbreak"] {
        let err = client.for_user(bad).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{bad:?}");
    }
    assert!(!format!("{other:?}").contains(UUID_KEY));
}

#[tokio::test]
async fn both_credentials_from_the_builder_and_a_bad_page_size_fails_before_sending() {
    let wire = serve("list_contacts").await;
    let err = client(&wire)
        .list_contacts()
        .page_size(0)
        .send()
        .await
        .map_err(portico::Error::from)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
    assert!(err.message().contains("page_size"), "{err}");
    assert!(wire.received().await.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Pagination
// ---------------------------------------------------------------------------------------------

fn contact_page(ids: &[&str], next: Option<&str>) -> ResponseTemplate {
    let contacts: Vec<Value> = ids.iter().map(|id| json!({ "id": id })).collect();
    ResponseTemplate::new(200)
        .set_body_json(json!({ "status": "ok", "result": contacts, "next_cursor": next }))
}

#[tokio::test]
async fn a_stream_follows_next_cursor_across_pages_and_keeps_the_filters() {
    let server = MockServer::start().await;
    Mock::given(query_param_is_missing("cursor"))
        .respond_with(contact_page(&["c1", "c2"], Some("p2")))
        .mount(&server)
        .await;
    Mock::given(query_param("cursor", "p2"))
        .respond_with(contact_page(&["c3", "c4"], Some("p3")))
        .mount(&server)
        .await;
    Mock::given(query_param("cursor", "p3"))
        .respond_with(contact_page(&["c5"], None))
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key(CANARY_KEY)
        .user_token(USER_TOKEN)
        .base_url(server.uri())
        .build()
        .unwrap();
    let ids: Vec<String> = client
        .list_contacts()
        .name("Doe")
        .page_size(2)
        .stream()
        .map(|c| c.expect("a contact").id)
        .collect()
        .await;
    assert_eq!(ids, ["c1", "c2", "c3", "c4", "c5"]);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    for request in &requests {
        let query = request.url.query().unwrap_or_default();
        assert!(
            query.contains("name=Doe") && query.contains("page_size=2"),
            "{query}"
        );
        assert_eq!(request.headers.get("x-user-account").unwrap(), USER_TOKEN);
    }
}

#[tokio::test]
async fn a_stream_that_repeats_its_cursor_ends_with_an_error() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(contact_page(&["c1"], Some("same")))
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key(CANARY_KEY)
        .user_token(USER_TOKEN)
        .base_url(server.uri())
        .build()
        .unwrap();
    let items: Vec<_> = client.list_contacts().stream().collect().await;
    assert_eq!(items.len(), 3, "two pages of one contact, then the error");
    let err = items[2].as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn an_error_mid_stream_ends_it() {
    let server = MockServer::start().await;
    Mock::given(query_param_is_missing("cursor"))
        .respond_with(contact_page(&["c1"], Some("p2")))
        .mount(&server)
        .await;
    Mock::given(query_param("cursor", "p2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(nango_error("PROCESSING_ERROR", "CRM sync failed")),
        )
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key(CANARY_KEY)
        .user_token(USER_TOKEN)
        .base_url(server.uri())
        .retry(portico::RetryPolicy::none())
        .build()
        .unwrap();
    let items: Vec<_> = client.list_contacts().stream().collect().await;
    assert_eq!(items.len(), 2);
    let err = items[1].as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.code(), Some("PROCESSING_ERROR"));
}

#[test]
fn examples_decode_as_their_types() {
    // The fixtures the tests serve are the spec's examples in the envelope.
    assert_eq!(wire_example("get_contact")["status"], "ok");
    assert_eq!(wire_example("list_contacts")["status"], "ok");
    assert!(wire_example("list_contacts")["result"].is_array());
}
