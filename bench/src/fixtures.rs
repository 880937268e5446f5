//! The reply bodies the server gives: each provider's spec example item (from
//! `specs/<provider>.yaml`), repeated with distinct ids.

/// Resend `POST /emails` reply.
pub const SENT_EMAIL: &str = r#"{"id":"49a3999c-0ce1-4ea6-ab68-afcd6dc2e794"}"#;

/// Resend `GET /emails` with `n` items like the spec's example item.
pub fn resend_emails(n: usize) -> String {
    let items: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"id":"4ef9a417-02e9-4d39-ad75-{i:012x}","to":["jane@example.com"],"from":"Acme <billing@acme.dev>","created_at":"2026-10-06 23:47:56.678+00","subject":"Your October invoice","last_event":"delivered"}}"#
            )
        })
        .collect();
    format!(
        r#"{{"object":"list","has_more":false,"data":[{}]}}"#,
        items.join(",")
    )
}

/// One Sendo message like the spec's first `list_messages` example item, with id `i`.
pub fn sendo_message(i: u64) -> String {
    format!(
        r#"{{"id":"0b6f3c2e-8d41-4a7b-9e15-{i:012x}","type":"SMS","direction":"OUTBOUND","from":"+14155941075","to":"+12125550143","body":"Your order 4417 has shipped and arrives Thursday.","mediaUrls":[],"metadata":{{"orderId":"4417"}},"numSegments":1,"status":"DELIVERED","errorCode":null,"errorMessage":null,"campaignId":"CK7Q2M9X","createdAt":"2026-10-06T23:47:56.678Z","sentAt":"2026-10-06T23:47:58.102Z","updatedAt":"2026-10-06T23:48:03.415Z"}}"#
    )
}

/// Sendo `GET /v1/message/list` with `n` messages.
pub fn sendo_messages(n: usize) -> String {
    let items: Vec<String> = (0..n as u64).map(sendo_message).collect();
    format!(r#"{{"messages":[{}]}}"#, items.join(","))
}

/// TagoIO `GET /data` with `n` data points like the spec's first example item, in TagoIO's
/// `{"status": true, "result": …}` envelope.
pub fn tago_data(n: usize) -> String {
    let items: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"id":"651b2e7fa3c4{i:012x}","device":"6509a8f1c3b2d4e5f6a7b8c9","variable":"temperature","value":4.7,"unit":"°C","group":"651b2e7fa3c4d5e6f7a8b9bf","time":"2025-09-07T08:15:00.000Z","location":{{"type":"Point","coordinates":[-9.1393,38.7223]}},"metadata":{{"color":"blue"}}}}"#
            )
        })
        .collect();
    format!(r#"{{"status":true,"result":[{}]}}"#, items.join(","))
}
