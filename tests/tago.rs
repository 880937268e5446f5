//! Every TagoIO operation, called once through `portico-tago` (the profile client, or the device
//! client for the seven device-token routes) against a loopback server that records what it
//! received and answers with the spec's example inside TagoIO's envelope.

#[test]
fn every_operation_has_a_wire_test() {
    portico_tests::assert_every_operation_tested("tago", include_str!("tago.rs"), 150);
}
