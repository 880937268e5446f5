//! Cursor pagination as a stream, on the wire: the stream follows `has_more` and `after` page by
//! page, stops at the last page, and ends with the error when a page fails.

use futures_util::{StreamExt, TryStreamExt};
use portico::ErrorKind;
use portico_tests::Wire;
use portico_tests::resend::client;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn page(ids: &[&str], has_more: bool) -> Value {
    let data: Vec<Value> = ids
        .iter()
        .map(|id| json!({ "id": id, "subject": format!("subject {id}") }))
        .collect();
    json!({ "object": "list", "has_more": has_more, "data": data })
}

async fn serve_pages(server: &MockServer, pages: &[(Option<&str>, ResponseTemplate)]) {
    for (after, reply) in pages {
        let mock = Mock::given(method("GET")).and(path("/emails"));
        let mock = match after {
            Some(after) => mock.and(query_param("after", *after)),
            None => mock.and(query_param_is_missing("after")),
        };
        mock.respond_with(reply.clone())
            .expect(1)
            .mount(server)
            .await;
    }
}

#[tokio::test]
async fn follows_has_more_and_after_to_the_last_page() {
    let wire = Wire {
        server: MockServer::start().await,
    };
    serve_pages(
        &wire.server,
        &[
            (
                None,
                ResponseTemplate::new(200).set_body_json(page(&["e1", "e2"], true)),
            ),
            (
                Some("e2"),
                ResponseTemplate::new(200).set_body_json(page(&["e3", "e4"], true)),
            ),
            (
                Some("e4"),
                ResponseTemplate::new(200).set_body_json(page(&["e5"], false)),
            ),
        ],
    )
    .await;
    let ids: Vec<String> = client(&wire)
        .list_emails()
        .limit(2)
        .stream()
        .map_ok(|email| email.id)
        .try_collect()
        .await
        .expect("every page");
    assert_eq!(ids, ["e1", "e2", "e3", "e4", "e5"]);
    let requests = wire.server.received_requests().await.unwrap();
    let queries: Vec<String> = requests
        .iter()
        .map(|r| r.url.query().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        queries,
        ["limit=2", "after=e2&limit=2", "after=e4&limit=2"],
        "limit kept on every page"
    );
}

#[tokio::test]
async fn an_empty_first_page_ends_at_once() {
    let wire = Wire::json(200, page(&[], false)).await;
    let items: Vec<_> = client(&wire).list_emails().stream().collect().await;
    assert!(items.is_empty());
    assert_eq!(wire.server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_failing_page_ends_the_stream_with_its_error() {
    let wire = Wire {
        server: MockServer::start().await,
    };
    let error = json!({ "statusCode": 500, "message": "boom", "name": "application_error" });
    serve_pages(
        &wire.server,
        &[
            (
                None,
                ResponseTemplate::new(200).set_body_json(page(&["e1"], true)),
            ),
            (Some("e1"), ResponseTemplate::new(500).set_body_json(error)),
        ],
    )
    .await;
    let items: Vec<_> = client(&wire).list_emails().stream().collect().await;
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].as_ref().unwrap().id, "e1");
    let err = items[1].as_ref().unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::Server, Some("application_error"))
    );
}

#[tokio::test]
async fn a_server_that_repeats_its_cursor_cannot_loop_the_stream() {
    // Every page says "more" and ends with the same item.
    let wire = Wire::json(200, page(&["e1"], true)).await;
    let items: Vec<_> = client(&wire)
        .list_emails()
        .stream()
        .take(10)
        .collect()
        .await;
    assert_eq!(items.len(), 3, "e1, e1 again, then the error: {items:?}");
    assert_eq!(items[2].as_ref().unwrap_err().kind(), ErrorKind::Decode);
    assert_eq!(wire.server.received_requests().await.unwrap().len(), 2);
}
