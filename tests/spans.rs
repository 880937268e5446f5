//! The `tracing` spans of a call, seen by a subscriber that records every field: one
//! `portico.call` span per call and one `portico.attempt` span per attempt, with operation,
//! provider, status, attempt, delay and request id, and no secret anywhere.
//!
//! A binary of its own: a subscriber set for one test would miss callsites that other tests'
//! threads registered before it.

use portico::clock::ManualClock;
use portico_tests::fault::{Fault, FaultServer};
use portico_tests::{CANARY_KEY, example};

/// A `tracing` subscriber that keeps every span's and event's fields, to check what a log would
/// show.
mod recorder {
    use std::fmt;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Mutex};

    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    /// A span or event: its name and its fields as text.
    #[derive(Debug, Clone)]
    pub struct Entry {
        pub name: String,
        pub fields: Vec<(String, String)>,
    }

    impl Entry {
        pub fn field(&self, name: &str) -> Option<&str> {
            self.fields
                .iter()
                .rev()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        }
    }

    #[derive(Clone, Default)]
    pub struct Recorder {
        next: Arc<AtomicU64>,
        pub spans: Arc<Mutex<Vec<Entry>>>,
        pub events: Arc<Mutex<Vec<Entry>>>,
    }

    struct Fields<'a>(&'a mut Vec<(String, String)>);

    impl Visit for Fields<'_> {
        fn record_str(&mut self, field: &Field, value: &str) {
            self.0.push((field.name().to_string(), value.to_string()));
        }
        fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
            self.0
                .push((field.name().to_string(), format!("{value:?}")));
        }
    }

    impl Subscriber for Recorder {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, span: &Attributes<'_>) -> Id {
            let mut entry = Entry {
                name: span.metadata().name().to_string(),
                fields: Vec::new(),
            };
            span.record(&mut Fields(&mut entry.fields));
            let mut spans = self.spans.lock().unwrap();
            spans.push(entry);
            self.next.fetch_add(1, Ordering::Relaxed);
            Id::from_u64(spans.len() as u64)
        }
        fn record(&self, span: &Id, values: &Record<'_>) {
            let mut spans = self.spans.lock().unwrap();
            let entry = &mut spans[span.into_u64() as usize - 1];
            values.record(&mut Fields(&mut entry.fields));
        }
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            let mut entry = Entry {
                name: event.metadata().name().to_string(),
                fields: Vec::new(),
            };
            event.record(&mut Fields(&mut entry.fields));
            self.events.lock().unwrap().push(entry);
        }
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }
}

#[tokio::test]
async fn one_span_per_call_and_per_attempt_with_no_secret() {
    let recorder = recorder::Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    let ok = Fault::json(200, &example("resend", "get_email").to_string(), true)
        .with_header("x-request-id", "req_ok");
    let server = FaultServer::start(vec![Fault::html(503)], ok).await;
    let clock = ManualClock::new();
    let client = portico_resend::Client::builder()
        .api_key(CANARY_KEY)
        .base_url(server.url())
        .clock(clock.clone())
        .build()
        .unwrap();
    client
        .get_email()
        .email_id("4ef9a417")
        .send()
        .await
        .unwrap();

    let spans = recorder.spans.lock().unwrap().clone();
    let calls: Vec<_> = spans.iter().filter(|s| s.name == "portico.call").collect();
    let attempts: Vec<_> = spans
        .iter()
        .filter(|s| s.name == "portico.attempt")
        .collect();
    assert_eq!(calls.len(), 1, "{spans:#?}");
    assert_eq!(attempts.len(), 2, "{spans:#?}");
    let call = calls[0];
    assert_eq!(call.field("provider"), Some("resend"));
    assert_eq!(call.field("operation"), Some("get_email"));
    assert_eq!(call.field("method"), Some("GET"));
    assert_eq!(call.field("attempts"), Some("2"));
    assert_eq!(call.field("status"), Some("200"));
    assert_eq!(call.field("request_id"), Some("req_ok"));
    assert_eq!(attempts[0].field("attempt"), Some("1"));
    assert_eq!(attempts[0].field("status"), Some("503"));
    assert_eq!(attempts[0].field("delay_ms"), Some("0"));
    assert_eq!(attempts[1].field("attempt"), Some("2"));
    assert_eq!(attempts[1].field("status"), Some("200"));
    let delay = clock.sleeps()[0].as_millis().to_string();
    assert_eq!(attempts[1].field("delay_ms"), Some(delay.as_str()));
    let events = recorder.events.lock().unwrap().clone();
    assert!(
        events
            .iter()
            .any(|e| e.field("message") == Some("retrying")),
        "{events:#?}"
    );

    let everything = format!("{spans:?} {events:?}");
    assert!(!everything.contains(CANARY_KEY), "{everything}");
    assert!(!everything.contains("Bearer"), "{everything}");
}
