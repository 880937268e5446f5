//! Every TagoIO operation, called once through `portico-tago` (the profile client, or the device
//! client for the seven device-token routes) against a loopback server that records what it
//! received and answers with the spec's example inside TagoIO's envelope.
//!
//! Each test checks the method, the path, the exact query (array parameters as `name[]`), the
//! `token` header (no `Authorization`), the User-Agent and the JSON body, then that the reply was
//! unwrapped from `{"status": true, "result": ...}` and decoded into the spec's types.

use portico_tago::types;
use portico_tests::example;
use portico_tests::tago::{client, device, sent, serve};
use serde_json::{Map, Value, json};

const DEVICE: &str = "6509a8f1c3b2d4e5f6a7b8c9";
const PROFILE: &str = "64f1c2a9b7e3d5f0a1b2c3d4";
const OTHER_PROFILE: &str = "64f1c2a9b7e3d5f0a1b2c3e5";
const NETWORK: &str = "5bbd0d144051a50034cd19fb";
const CONNECTOR: &str = "5f5a8f3351d4db99c40dece5";
const PARAM: &str = "650c1d2e3f4a5b6c7d8e9f01";
const RECORD: &str = "651b2e7fa3c4d5e6f7a8b9c0";
const OTHER_RECORD: &str = "651b2e7fa3c4d5e6f7a8b9c1";
const GROUP: &str = "651b2e7fa3c4d5e6f7a8b9bf";
const OTHER_GROUP: &str = "651b2e7fa3c4d5e6f7a8b9be";
const DEVICE_TOKEN: &str = "3f7e9c21-6b4d-4e8a-9f10-2c5d7a8b9e61";
const CHUNK: &str = "1725148800_1727740799";
const DASHBOARD: &str = "65a0f3e2b1c4d5e6f7a8b9d1";
const WIDGET: &str = "65a0f3e2b1c4d5e6f7a8b9e2";
const ACTION: &str = "6513e5d4c3b2a1f0e9d8c7b6";
const ANALYSIS: &str = "6512d4c3b2a1f0e9d8c7b6a5";
const RUN_USER: &str = "6514f6e5d4c3b2a1f0e9d8c7";
const RUN_NOTIFICATION: &str = "6515a7f6e5d4c3b2a1f0e9d8";
const NOTIFICATION: &str = "6515a7f6e5d4c3b2a1f0e9d9";
const TEAM_MEMBER: &str = "5d3f1a2b4c6e8f0a1b2c3d6a";
const PROFILE_TOKEN: &str = "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d";
const AUDIT_QUERY: &str = "0f5e6d7c-8b9a-4f1e-a2d3-c4b5a6978e1f";
const BACKUP: &str = "66b1c2d3e4f5a6b7c8d9e0f1";
const INVITATION: &str = "b7c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e";
const EMAIL: &str = "rui.costa@example.com";
const PASSWORD: &str = "correct-horse-battery-staple";

#[test]
fn every_operation_has_a_wire_test() {
    portico_tests::assert_every_operation_tested("tago", include_str!("tago.rs"), 150);
}

/// A tag, as resources carry them.
fn tag(key: &str, value: &str) -> types::Tag {
    types::Tag {
        key: Some(key.to_string()),
        value: Some(value.to_string()),
    }
}

/// The JSON object `value` (a literal in these tests).
fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not a JSON object: {other}"),
    }
}

/// A data point to send, checked against the spec's constraints (variable name, unit length).
fn point(input: types::builder::DataInput) -> types::DataInput {
    input.try_into().expect("a valid data point")
}

/// A change to a stored data point, checked against the spec's constraints.
fn change(edit: types::builder::DataEdit) -> types::DataEdit {
    edit.try_into().expect("a valid data edit")
}

fn unit(unit: &str) -> types::DataInputUnit {
    unit.parse().expect("a unit of at most 25 characters")
}

// ---------------------------------------------------------------------------------------------
// Device data (device token)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn get_info() {
    let wire = serve("get_info").await;
    let info = device(&wire).get_info().send().await.expect("fetched");
    let sent = sent(&wire, "get_info").await;
    sent.assert_request("GET", "/info", &[]);
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "get_info");
    assert_eq!(info.id.as_deref(), Some(DEVICE));
    assert_eq!(info.name.as_deref(), expected["name"].as_str());
    assert_eq!(info.type_, Some(types::DeviceType::Mutable));
    assert_eq!(info.tags[0].value.as_deref(), Some("warehouse-lisbon"));
    assert_eq!(
        info.last_output.as_deref(),
        expected["last_output"].as_str()
    );
    let bucket = info.bucket.as_ref().expect("bucket");
    assert_eq!(bucket.id.as_deref(), Some(DEVICE));
}

#[tokio::test]
async fn send_data() {
    let wire = serve("send_data").await;
    let points = vec![
        point(
            types::DataInput::builder()
                .variable("temperature")
                .value(Some(types::DataValue::Double(4.7)))
                .unit(Some(unit("°C")))
                .time(Some("2025-09-07T08:15:00.000Z".to_string()))
                .location(Some(types::LocationInput::LatLng(types::LatLng {
                    lat: 38.7223,
                    lng: -9.1393,
                })))
                .metadata(Some(types::DataMetadata(object(
                    json!({ "color": "blue" }),
                )))),
        ),
        point(
            types::DataInput::builder()
                .variable("door_open")
                .value(Some(types::DataValue::Boolean(false)))
                .group(Some(GROUP.parse::<types::DataInputGroup>().unwrap())),
        ),
    ];
    let reply = device(&wire)
        .send_data()
        .body(types::DataInputs::Array(points))
        .send()
        .await
        .expect("sent");
    let sent = sent(&wire, "send_data").await;
    sent.assert_request("POST", "/data", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!([
            {
                "variable": "temperature",
                "value": 4.7,
                "unit": "°C",
                "time": "2025-09-07T08:15:00.000Z",
                "location": { "lat": 38.7223, "lng": -9.1393 },
                "metadata": { "color": "blue" }
            },
            { "variable": "door_open", "value": false, "group": GROUP }
        ])
    );
    assert_eq!(reply.0, example("tago", "send_data"));
    assert_eq!(reply.0, "2 Data Added");
}

#[tokio::test]
async fn get_data() {
    let wire = serve("get_data").await;
    let reply = device(&wire)
        .get_data()
        .variables(vec!["temperature".to_string()])
        .groups(vec![GROUP.to_string(), OTHER_GROUP.to_string()])
        .start_date("2025-09-07T00:00:00.000Z")
        .end_date("2025-09-07T23:59:59.999Z")
        .qty(2u32)
        .skip(0)
        .ordination(types::Ordination::Descending)
        .send()
        .await
        .expect("read");
    let sent = sent(&wire, "get_data").await;
    sent.assert_request(
        "GET",
        "/data",
        &[
            ("end_date", "2025-09-07T23:59:59.999Z"),
            ("groups[]", GROUP),
            ("groups[]", OTHER_GROUP),
            ("ordination", "descending"),
            ("qty", "2"),
            ("skip", "0"),
            ("start_date", "2025-09-07T00:00:00.000Z"),
            ("variables[]", "temperature"),
        ],
    );
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "get_data");
    let types::DataReply::DataPointList(points) = &*reply else {
        panic!("expected data points, got {reply:?}");
    };
    assert_eq!(points.len(), 2);
    assert_eq!(points[0].id.as_deref(), Some(RECORD));
    assert_eq!(points[0].device.as_deref(), Some(DEVICE));
    assert_eq!(json!(points[0].value), expected[0]["value"]);
    assert_eq!(points[0].unit.as_deref(), Some("°C"));
    let location = points[0].location.as_ref().expect("location");
    assert_eq!(location.coordinates, [-9.1393, 38.7223]);
    let metadata = points[0].metadata.as_ref().expect("metadata");
    assert_eq!(metadata["color"], "blue");
    assert_eq!(points[1].group.as_deref(), Some(OTHER_GROUP));
    assert!(points[1].location.is_none());
}

#[tokio::test]
async fn edit_data() {
    let wire = serve("edit_data").await;
    let edit = change(
        types::DataEdit::builder()
            .id(RECORD)
            .value(Some(types::DataValue::Double(4.8)))
            .unit(Some("°C".parse::<types::DataEditUnit>().unwrap()))
            .metadata(Some(types::DataMetadata(object(
                json!({ "old_value": 4.7 }),
            )))),
    );
    let reply = device(&wire)
        .edit_data()
        .body(types::DataEdits::DataEdit(edit))
        .send()
        .await
        .expect("edited");
    let sent = sent(&wire, "edit_data").await;
    sent.assert_request("PUT", "/data", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    // One edit goes out as an object, not a one-item list.
    assert_eq!(
        sent.json(),
        json!({ "id": RECORD, "value": 4.8, "unit": "°C", "metadata": { "old_value": 4.7 } })
    );
    assert_eq!(reply.0, example("tago", "edit_data"));
}

#[tokio::test]
async fn delete_data() {
    let wire = serve("delete_data").await;
    let reply = device(&wire)
        .delete_data()
        .variables(vec!["temperature".to_string()])
        .query(types::DataQuery::LastItem)
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire, "delete_data").await;
    sent.assert_request(
        "DELETE",
        "/data",
        &[("query", "last_item"), ("variables[]", "temperature")],
    );
    assert_eq!(sent.json(), Value::Null, "the filters travel in the query");
    assert_eq!(reply.0, example("tago", "delete_data"));
}

#[tokio::test]
async fn list_params() {
    let wire = serve("list_params").await;
    let params = device(&wire)
        .list_params()
        .sent_status(false)
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire, "list_params").await;
    sent.assert_request("GET", "/device/params", &[("sent_status", "false")]);
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "list_params");
    assert_eq!(params.len(), expected.as_array().unwrap().len());
    assert_eq!(params[0].id.as_deref(), Some(PARAM));
    assert_eq!(params[0].key.as_deref(), Some("report_interval"));
    assert_eq!(params[0].value.as_deref(), Some("300"));
    assert_eq!(params[0].sent, Some(false));
    assert_eq!(params[1].sent, Some(true));
}

#[tokio::test]
async fn mark_param_sent() {
    let wire = serve("mark_param_sent").await;
    let reply = device(&wire)
        .mark_param_sent()
        .param_id(PARAM)
        .body_map(|b| b.sent(true))
        .send()
        .await
        .expect("marked");
    let sent = sent(&wire, "mark_param_sent").await;
    sent.assert_request("PUT", &format!("/device/params/{PARAM}"), &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(sent.json(), json!({ "sent": true }));
    assert_eq!(reply.0, example("tago", "mark_param_sent"));
}

// ---------------------------------------------------------------------------------------------
// Devices
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_devices() {
    let wire = serve("list_devices").await;
    let devices = client(&wire)
        .list_devices()
        .page(2u32)
        .amount(20u32)
        .fields(vec![
            "id".to_string(),
            "name".to_string(),
            "tags".to_string(),
        ])
        .order_by("name,asc")
        .filter_name("Cold*")
        .filter_active(true)
        .filter_tags_0_key("site")
        .filter_tags_0_value("warehouse-lisbon")
        .filter_created_at("1 day")
        .resolve_bucket_name(true)
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire, "list_devices").await;
    sent.assert_request(
        "GET",
        "/device",
        &[
            ("amount", "20"),
            ("fields[]", "id"),
            ("fields[]", "name"),
            ("fields[]", "tags"),
            ("filter[active]", "true"),
            ("filter[created_at]", "1 day"),
            ("filter[name]", "Cold*"),
            ("filter[tags][0][key]", "site"),
            ("filter[tags][0][value]", "warehouse-lisbon"),
            ("orderBy", "name,asc"),
            ("page", "2"),
            ("resolveBucketName", "true"),
        ],
    );
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "list_devices");
    assert_eq!(devices.len(), 2);
    assert_eq!(devices[0].id.as_deref(), Some(DEVICE));
    assert_eq!(devices[1].id.as_deref(), expected[1]["id"].as_str());
    assert_eq!(devices[1].name.as_deref(), Some("Loading dock door"));
    assert_eq!(devices[1].tags.len(), 2);
    assert_eq!(devices[1].tags[1].key.as_deref(), Some("kind"));
    assert_eq!(devices[0].type_, None, "only the fields asked for");
}

#[tokio::test]
async fn create_device() {
    let wire = serve("create_device").await;
    let reply = client(&wire)
        .create_device()
        .body_map(|b| {
            b.name("Cold room sensor 3")
                .network(NETWORK)
                .connector(CONNECTOR)
                .type_(types::DeviceType::Immutable)
                .chunk_period(Some(types::ChunkPeriod::Month))
                .chunk_retention(Some(12i64))
                .description(Some("Temperature and humidity, room 3.".to_string()))
                .tags(vec![tag("site", "warehouse-lisbon")])
                .serie_number(Some("CR3-0042".to_string()))
        })
        .send()
        .await
        .expect("created");
    let sent = sent(&wire, "create_device").await;
    sent.assert_request("POST", "/device", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "name": "Cold room sensor 3",
            "network": NETWORK,
            "connector": CONNECTOR,
            "type": "immutable",
            "chunk_period": "month",
            "chunk_retention": 12,
            "description": "Temperature and humidity, room 3.",
            "tags": [{ "key": "site", "value": "warehouse-lisbon" }],
            "serie_number": "CR3-0042"
        })
    );
    assert_eq!(reply.status().as_u16(), 201);
    let expected = example("tago", "create_device");
    // The JS SDK's shape (`device_id`, `bucket_id`) is the one in the example.
    let types::CreateDeviceReply::Js(created) = &*reply else {
        panic!("expected the JS SDK's shape, got {reply:?}");
    };
    assert_eq!(created.device_id, DEVICE);
    assert_eq!(created.bucket_id.as_deref(), Some(DEVICE));
    assert_eq!(
        created.token.as_ref().map(portico::Secret::expose),
        expected["token"].as_str()
    );
}

#[tokio::test]
async fn get_device() {
    let wire = serve("get_device").await;
    let found = client(&wire)
        .get_device()
        .id(DEVICE)
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire, "get_device").await;
    sent.assert_request("GET", &format!("/device/{DEVICE}"), &[]);
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "get_device");
    assert_eq!(found.id.as_deref(), Some(DEVICE));
    assert_eq!(
        found.description.as_deref(),
        expected["description"].as_str()
    );
    assert_eq!(found.type_, Some(types::DeviceType::Immutable));
    assert_eq!(found.chunk_period, Some(types::ChunkPeriod::Month));
    assert_eq!(found.chunk_retention, Some(12));
    assert_eq!(found.network.as_deref(), Some(NETWORK));
    assert_eq!(found.connector.as_deref(), Some(CONNECTOR));
    let rpm = found.rpm.as_ref().expect("rpm");
    assert_eq!(rpm.data_input, Some(12.0));
    assert_eq!(rpm.data_output, Some(3.0));
}

#[tokio::test]
async fn edit_device() {
    let wire = serve("edit_device").await;
    let reply = client(&wire)
        .edit_device()
        .id(DEVICE)
        .body_map(|b| {
            b.name(Some("Cold room sensor 3 (north wall)".to_string()))
                .tags(vec![tag("site", "warehouse-lisbon"), tag("room", "3")])
                .visible(Some(false))
                .chunk_retention(Some(24i64))
        })
        .send()
        .await
        .expect("edited");
    let sent = sent(&wire, "edit_device").await;
    sent.assert_request("PUT", &format!("/device/{DEVICE}"), &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "name": "Cold room sensor 3 (north wall)",
            "tags": [
                { "key": "site", "value": "warehouse-lisbon" },
                { "key": "room", "value": "3" }
            ],
            "visible": false,
            "chunk_retention": 24
        })
    );
    assert_eq!(reply.0, example("tago", "edit_device"));
}

#[tokio::test]
async fn delete_device() {
    let wire = serve("delete_device").await;
    let reply = client(&wire)
        .delete_device()
        .id(DEVICE)
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire, "delete_device").await;
    sent.assert_request("DELETE", &format!("/device/{DEVICE}"), &[]);
    assert_eq!(sent.json(), Value::Null);
    assert_eq!(reply.0, example("tago", "delete_device"));
}

#[tokio::test]
async fn list_device_params() {
    let wire = serve("list_device_params").await;
    let params = client(&wire)
        .list_device_params()
        .id(DEVICE)
        .sent_status(false)
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire, "list_device_params").await;
    sent.assert_request(
        "GET",
        &format!("/device/{DEVICE}/params"),
        &[("sent_status", "false")],
    );
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    assert_eq!(params.len(), 1);
    assert_eq!(params[0].id.as_deref(), Some(PARAM));
    assert_eq!(params[0].key.as_deref(), Some("report_interval"));
    assert_eq!(params[0].sent, Some(false));
}

#[tokio::test]
async fn set_device_params() {
    let wire = serve("set_device_params").await;
    let params = vec![
        types::ConfigParamInput {
            id: Some(PARAM.to_string()),
            key: "report_interval".to_string(),
            value: "600".to_string(),
            sent: Some(false),
        },
        types::ConfigParamInput {
            id: None,
            key: "setpoint".to_string(),
            value: "4.0".to_string(),
            sent: None,
        },
    ];
    let reply = client(&wire)
        .set_device_params()
        .id(DEVICE)
        .body(types::ConfigParamInputs::Array(params))
        .send()
        .await
        .expect("saved");
    let sent = sent(&wire, "set_device_params").await;
    sent.assert_request("POST", &format!("/device/{DEVICE}/params"), &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!([
            { "id": PARAM, "key": "report_interval", "value": "600", "sent": false },
            { "key": "setpoint", "value": "4.0" }
        ])
    );
    assert_eq!(reply.status().as_u16(), 201);
    assert_eq!(reply.0, example("tago", "set_device_params"));
}

#[tokio::test]
async fn delete_device_param() {
    let wire = serve("delete_device_param").await;
    let reply = client(&wire)
        .delete_device_param()
        .id(DEVICE)
        .param_id(PARAM)
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire, "delete_device_param").await;
    sent.assert_request("DELETE", &format!("/device/{DEVICE}/params/{PARAM}"), &[]);
    assert_eq!(sent.json(), Value::Null);
    assert_eq!(reply.0, example("tago", "delete_device_param"));
}

#[tokio::test]
async fn list_device_tokens() {
    let wire = serve("list_device_tokens").await;
    let tokens = client(&wire)
        .list_device_tokens()
        .id(DEVICE)
        .page(1u32)
        .amount(10u32)
        .fields(vec![
            "name".to_string(),
            "token".to_string(),
            "permission".to_string(),
        ])
        .order_by("created_at,desc")
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire, "list_device_tokens").await;
    sent.assert_request(
        "GET",
        &format!("/device/token/{DEVICE}"),
        &[
            ("amount", "10"),
            ("fields[]", "name"),
            ("fields[]", "token"),
            ("fields[]", "permission"),
            ("orderBy", "created_at,desc"),
            ("page", "1"),
        ],
    );
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "list_device_tokens");
    assert_eq!(tokens.len(), 1);
    assert_eq!(
        tokens[0].token.as_ref().map(portico::Secret::expose),
        Some(DEVICE_TOKEN)
    );
    assert_eq!(
        tokens[0].permission,
        Some(types::DeviceTokenPermission::Full)
    );
    assert_eq!(
        tokens[0].serie_number.as_deref(),
        expected[0]["serie_number"].as_str()
    );
    assert_eq!(tokens[0].expire_time.as_deref(), Some("never"));
}

#[tokio::test]
async fn create_device_token() {
    let wire = serve("create_device_token").await;
    let reply = client(&wire)
        .create_device_token()
        .body_map(|b| {
            b.device(DEVICE)
                .name("Gateway 2")
                .permission(types::DeviceTokenPermission::Write)
                .expire_time(Some("never".to_string()))
                .serie_number(Some("GW2-0007".to_string()))
        })
        .send()
        .await
        .expect("created");
    let sent = sent(&wire, "create_device_token").await;
    sent.assert_request("POST", "/device/token", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "device": DEVICE,
            "name": "Gateway 2",
            "permission": "write",
            "expire_time": "never",
            "serie_number": "GW2-0007"
        })
    );
    assert_eq!(reply.status().as_u16(), 201);
    let expected = example("tago", "create_device_token");
    assert_eq!(
        reply.token.as_ref().map(portico::Secret::expose),
        expected["token"].as_str()
    );
    assert_eq!(reply.permission, Some(types::DeviceTokenPermission::Write));
    assert_eq!(reply.expire_time.as_deref(), Some("never"));
    assert_eq!(reply.expire_date, None);
}

#[tokio::test]
async fn delete_device_token() {
    let wire = serve("delete_device_token").await;
    let reply = client(&wire)
        .delete_device_token()
        .id(DEVICE_TOKEN)
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire, "delete_device_token").await;
    sent.assert_request("DELETE", &format!("/device/token/{DEVICE_TOKEN}"), &[]);
    assert_eq!(sent.json(), Value::Null);
    assert_eq!(reply.0, example("tago", "delete_device_token"));
}

#[tokio::test]
async fn get_device_data_amount() {
    let wire = serve("get_device_data_amount").await;
    let count = client(&wire)
        .get_device_data_amount()
        .id(DEVICE)
        .send()
        .await
        .expect("counted");
    let sent = sent(&wire, "get_device_data_amount").await;
    sent.assert_request("GET", &format!("/device/{DEVICE}/data_amount"), &[]);
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    assert_eq!(count.0, example("tago", "get_device_data_amount"));
    assert_eq!(count.0, 15832);
}

#[tokio::test]
async fn get_device_data() {
    let wire = serve("get_device_data").await;
    let reply = client(&wire)
        .get_device_data()
        .id(DEVICE)
        .variables(vec!["temperature".to_string()])
        .query(types::DataQuery::Conditional)
        .function(types::DataFunction::Lt)
        .value(8.5)
        .start_date("1 day")
        .details(true)
        .send()
        .await
        .expect("read");
    let sent = sent(&wire, "get_device_data").await;
    sent.assert_request(
        "GET",
        &format!("/device/{DEVICE}/data"),
        &[
            ("details", "true"),
            ("function", "lt"),
            ("query", "conditional"),
            ("start_date", "1 day"),
            ("value", "8.5"),
            ("variables[]", "temperature"),
        ],
    );
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "get_device_data");
    let types::DataReply::DataPointList(points) = &*reply else {
        panic!("expected data points, got {reply:?}");
    };
    assert_eq!(points.len(), 1);
    assert_eq!(points[0].id.as_deref(), Some(RECORD));
    assert_eq!(points[0].variable.as_deref(), Some("temperature"));
    assert_eq!(json!(points[0].value), expected[0]["value"]);
    // `details=true` adds `created_at`.
    assert_eq!(
        points[0].created_at.as_deref(),
        expected[0]["created_at"].as_str()
    );
}

#[tokio::test]
async fn send_device_data() {
    let wire = serve("send_device_data").await;
    let points = vec![
        point(
            types::DataInput::builder()
                .variable("temperature")
                .value(Some(types::DataValue::Double(4.7)))
                .unit(Some(unit("°C")))
                .location(Some(types::LocationInput::GeoPoint(types::GeoPoint {
                    type_: "Point".to_string(),
                    coordinates: vec![-9.1393, 38.7223],
                }))),
        ),
        point(
            types::DataInput::builder()
                .variable("humidity")
                .value(Some(types::DataValue::Double(61.5)))
                .unit(Some(unit("%"))),
        ),
        point(
            types::DataInput::builder()
                .variable("compressor_state")
                .value(Some(types::DataValue::String("running".to_string())))
                .time(Some("2025-09-07 08:15:00".to_string())),
        ),
    ];
    let reply = client(&wire)
        .send_device_data()
        .id(DEVICE)
        .body(types::DataInputs::Array(points))
        .send()
        .await
        .expect("sent");
    let sent = sent(&wire, "send_device_data").await;
    sent.assert_request("POST", &format!("/device/{DEVICE}/data"), &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!([
            {
                "variable": "temperature",
                "value": 4.7,
                "unit": "°C",
                "location": { "type": "Point", "coordinates": [-9.1393, 38.7223] }
            },
            { "variable": "humidity", "value": 61.5, "unit": "%" },
            { "variable": "compressor_state", "value": "running", "time": "2025-09-07 08:15:00" }
        ])
    );
    assert_eq!(reply.0, example("tago", "send_device_data"));
}

#[tokio::test]
async fn edit_device_data() {
    let wire = serve("edit_device_data").await;
    let edits = vec![
        change(
            types::DataEdit::builder()
                .id(RECORD)
                .value(Some(types::DataValue::Double(4.8))),
        ),
        change(
            types::DataEdit::builder()
                .id(OTHER_RECORD)
                .metadata(Some(types::DataMetadata(object(json!({ "color": "red" })))))
                .group(Some(GROUP.parse::<types::DataEditGroup>().unwrap())),
        ),
    ];
    let reply = client(&wire)
        .edit_device_data()
        .id(DEVICE)
        .body(types::DataEdits::Array(edits))
        .send()
        .await
        .expect("edited");
    let sent = sent(&wire, "edit_device_data").await;
    sent.assert_request("PUT", &format!("/device/{DEVICE}/data"), &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!([
            { "id": RECORD, "value": 4.8 },
            { "id": OTHER_RECORD, "metadata": { "color": "red" }, "group": GROUP }
        ])
    );
    assert_eq!(reply.0, example("tago", "edit_device_data"));
}

#[tokio::test]
async fn delete_device_data() {
    let wire = serve("delete_device_data").await;
    let reply = client(&wire)
        .delete_device_data()
        .id(DEVICE)
        .variables(vec!["temperature".to_string(), "humidity".to_string()])
        .ids(vec![RECORD.to_string(), OTHER_RECORD.to_string()])
        .start_date("2025-09-01T00:00:00.000Z")
        .end_date("2025-09-07T00:00:00.000Z")
        .qty(5u32)
        .ordination(types::Ordination::Ascending)
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire, "delete_device_data").await;
    sent.assert_request(
        "DELETE",
        &format!("/device/{DEVICE}/data"),
        &[
            ("end_date", "2025-09-07T00:00:00.000Z"),
            ("ids[]", RECORD),
            ("ids[]", OTHER_RECORD),
            ("ordination", "ascending"),
            ("qty", "5"),
            ("start_date", "2025-09-01T00:00:00.000Z"),
            ("variables[]", "temperature"),
            ("variables[]", "humidity"),
        ],
    );
    assert_eq!(sent.json(), Value::Null, "the filters travel in the query");
    assert_eq!(reply.0, example("tago", "delete_device_data"));
}

#[tokio::test]
async fn empty_device_data() {
    let wire = serve("empty_device_data").await;
    let reply = client(&wire)
        .empty_device_data()
        .id(DEVICE)
        .send()
        .await
        .expect("emptied");
    let sent = sent(&wire, "empty_device_data").await;
    sent.assert_request("POST", &format!("/device/{DEVICE}/empty"), &[]);
    assert_eq!(sent.json(), Value::Null, "no body");
    assert_eq!(reply.0, example("tago", "empty_device_data"));
}

#[tokio::test]
async fn convert_device() {
    let wire = serve("convert_device").await;
    let reply = client(&wire)
        .convert_device()
        .id(DEVICE)
        .body_map(|b| {
            b.type_(Some(types::DeviceType::Immutable))
                .chunk_period(Some(types::ChunkPeriod::Month))
                .chunk_retention(Some(12i64))
        })
        .send()
        .await
        .expect("converted");
    let sent = sent(&wire, "convert_device").await;
    sent.assert_request("POST", &format!("/device/{DEVICE}/convert"), &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({ "type": "immutable", "chunk_period": "month", "chunk_retention": 12 })
    );
    assert_eq!(reply.0, example("tago", "convert_device"));
}

#[tokio::test]
async fn list_device_chunks() {
    let wire = serve("list_device_chunks").await;
    let chunks = client(&wire)
        .list_device_chunks()
        .id(DEVICE)
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire, "list_device_chunks").await;
    sent.assert_request("GET", &format!("/device/{DEVICE}/chunk"), &[]);
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "list_device_chunks");
    assert_eq!(chunks.len(), 2);
    assert_eq!(chunks[0].id.as_deref(), Some(CHUNK));
    assert_eq!(chunks[0].from.as_deref(), expected[0]["from"].as_str());
    assert_eq!(chunks[0].amount, Some(43112));
    assert_eq!(chunks[1].amount, None, "amount: null");
}

#[tokio::test]
async fn delete_device_chunk() {
    let wire = serve("delete_device_chunk").await;
    let reply = client(&wire)
        .delete_device_chunk()
        .id(DEVICE)
        .chunk_id(CHUNK)
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire, "delete_device_chunk").await;
    sent.assert_request("DELETE", &format!("/device/{DEVICE}/chunk/{CHUNK}"), &[]);
    assert_eq!(sent.json(), Value::Null);
    assert_eq!(reply.0, example("tago", "delete_device_chunk"));
}

#[tokio::test]
async fn backup_device_chunk() {
    let wire = serve("backup_device_chunk").await;
    let reply = client(&wire)
        .backup_device_chunk()
        .id(DEVICE)
        .body_map(|b| {
            b.chunk_id(Some(CHUNK.to_string()))
                .file_address(Some("/exports/cold-room-3/2024-09.csv".to_string()))
                .headers(Some(true))
        })
        .send()
        .await
        .expect("scheduled");
    let sent = sent(&wire, "backup_device_chunk").await;
    sent.assert_request("POST", &format!("/device/{DEVICE}/chunk/backup"), &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "chunk_id": CHUNK,
            "file_address": "/exports/cold-room-3/2024-09.csv",
            "headers": true
        })
    );
    let expected = example("tago", "backup_device_chunk");
    assert_eq!(reply.chunk_id.as_deref(), Some(CHUNK));
    assert_eq!(
        reply.file_address.as_deref(),
        expected["file_address"].as_str()
    );
    assert_eq!(reply.status.as_deref(), Some("scheduled"));
}

#[tokio::test]
async fn copy_device_chunk() {
    let wire = serve("copy_device_chunk").await;
    let reply = client(&wire)
        .copy_device_chunk()
        .id(DEVICE)
        .body_map(|b| {
            b.chunk_id(Some(CHUNK.to_string()))
                .file_address(Some("/exports/cold-room-3/2024-09.csv".to_string()))
                .headers(Some(false))
        })
        .send()
        .await
        .expect("scheduled");
    let sent = sent(&wire, "copy_device_chunk").await;
    sent.assert_request("POST", &format!("/device/{DEVICE}/chunk/copy"), &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "chunk_id": CHUNK,
            "file_address": "/exports/cold-room-3/2024-09.csv",
            "headers": false
        })
    );
    let expected = example("tago", "copy_device_chunk");
    assert_eq!(reply.chunk_id.as_deref(), Some(CHUNK));
    assert_eq!(
        reply.file_address.as_deref(),
        expected["file_address"].as_str()
    );
    assert_eq!(reply.status.as_deref(), Some("scheduled"));
}

#[tokio::test]
async fn backup_device_data() {
    let wire = serve("backup_device_data").await;
    let reply = client(&wire)
        .backup_device_data()
        .id(DEVICE)
        .body_map(|b| {
            b.file_address(Some("/exports/cold-room-3/all.csv".to_string()))
                .headers(Some(true))
        })
        .send()
        .await
        .expect("scheduled");
    let sent = sent(&wire, "backup_device_data").await;
    sent.assert_request("POST", &format!("/device/{DEVICE}/data/backup"), &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({ "file_address": "/exports/cold-room-3/all.csv", "headers": true })
    );
    let expected = example("tago", "backup_device_data");
    assert_eq!(
        reply.file_address.as_deref(),
        expected["file_address"].as_str()
    );
    assert_eq!(reply.status.as_deref(), Some("scheduled"));
}

#[tokio::test]
async fn restore_device_data() {
    let wire = serve("restore_device_data").await;
    let reply = client(&wire)
        .restore_device_data()
        .id(DEVICE)
        .body_map(|b| {
            b.file_address(Some("/exports/cold-room-3/all.csv".to_string()))
                .notification(Some(true))
        })
        .send()
        .await
        .expect("started");
    let sent = sent(&wire, "restore_device_data").await;
    sent.assert_request("POST", &format!("/device/{DEVICE}/data/restore"), &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({ "file_address": "/exports/cold-room-3/all.csv", "notification": true })
    );
    assert_eq!(reply.0, example("tago", "restore_device_data"));
}

// ---------------------------------------------------------------------------------------------
// Buckets (legacy)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_buckets() {
    let wire = serve("list_buckets").await;
    let buckets = client(&wire)
        .list_buckets()
        .page(1u32)
        .amount(20u32)
        .fields(vec![
            "id".to_string(),
            "name".to_string(),
            "type".to_string(),
            "data_retention".to_string(),
        ])
        .order_by("name,asc")
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire, "list_buckets").await;
    sent.assert_request(
        "GET",
        "/bucket",
        &[
            ("amount", "20"),
            ("fields[]", "id"),
            ("fields[]", "name"),
            ("fields[]", "type"),
            ("fields[]", "data_retention"),
            ("orderBy", "name,asc"),
            ("page", "1"),
        ],
    );
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "list_buckets");
    assert_eq!(buckets.len(), 1);
    assert_eq!(buckets[0].id.as_deref(), Some(DEVICE));
    assert_eq!(buckets[0].type_, Some(types::DeviceType::Legacy));
    assert_eq!(buckets[0].data_retention, Some(json!("1 year")));
    assert_eq!(
        buckets[0].updated_at.as_deref(),
        expected[0]["updated_at"].as_str()
    );
}

#[tokio::test]
async fn create_bucket() {
    let wire = serve("create_bucket").await;
    let reply = client(&wire)
        .create_bucket()
        .body_map(|b| {
            b.name("Cold room sensor 3")
                .description(Some("Temperature and humidity, room 3.".to_string()))
                .visible(Some(true))
                .tags(vec![tag("site", "warehouse-lisbon")])
        })
        .send()
        .await
        .expect("created");
    let sent = sent(&wire, "create_bucket").await;
    sent.assert_request("POST", "/bucket", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "name": "Cold room sensor 3",
            "description": "Temperature and humidity, room 3.",
            "visible": true,
            "tags": [{ "key": "site", "value": "warehouse-lisbon" }]
        })
    );
    let expected = example("tago", "create_bucket");
    assert_eq!(reply.bucket.as_deref(), expected["bucket"].as_str());
    assert_eq!(reply.bucket.as_deref(), Some("6509a8f1c3b2d4e5f6a7b8d1"));
}

#[tokio::test]
async fn get_bucket() {
    let wire = serve("get_bucket").await;
    let bucket = client(&wire)
        .get_bucket()
        .id(DEVICE)
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire, "get_bucket").await;
    sent.assert_request("GET", &format!("/bucket/{DEVICE}"), &[]);
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "get_bucket");
    assert_eq!(bucket.id.as_deref(), Some(DEVICE));
    assert_eq!(bucket.profile.as_deref(), Some(PROFILE));
    assert_eq!(bucket.type_, Some(types::DeviceType::Immutable));
    assert_eq!(bucket.chunk_period, Some(types::ChunkPeriod::Month));
    assert_eq!(bucket.chunk_retention, expected["chunk_retention"].as_i64());
    assert_eq!(bucket.visible, Some(true));
}

#[tokio::test]
async fn edit_bucket() {
    let wire = serve("edit_bucket").await;
    let reply = client(&wire)
        .edit_bucket()
        .id(DEVICE)
        .body_map(|b| {
            b.description(Some("Room 3, north wall.".to_string()))
                .visible(Some(false))
        })
        .send()
        .await
        .expect("edited");
    let sent = sent(&wire, "edit_bucket").await;
    sent.assert_request("PUT", &format!("/bucket/{DEVICE}"), &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({ "description": "Room 3, north wall.", "visible": false })
    );
    assert_eq!(reply.0, example("tago", "edit_bucket"));
}

#[tokio::test]
async fn delete_bucket() {
    let wire = serve("delete_bucket").await;
    let reply = client(&wire)
        .delete_bucket()
        .id(DEVICE)
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire, "delete_bucket").await;
    sent.assert_request("DELETE", &format!("/bucket/{DEVICE}"), &[]);
    assert_eq!(sent.json(), Value::Null);
    assert_eq!(reply.0, example("tago", "delete_bucket"));
}

#[tokio::test]
async fn get_bucket_data_amount() {
    let wire = serve("get_bucket_data_amount").await;
    let count = client(&wire)
        .get_bucket_data_amount()
        .id(DEVICE)
        .send()
        .await
        .expect("counted");
    let sent = sent(&wire, "get_bucket_data_amount").await;
    sent.assert_request("GET", &format!("/bucket/{DEVICE}/data_amount"), &[]);
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    assert_eq!(count.0, example("tago", "get_bucket_data_amount"));
}

#[tokio::test]
async fn list_bucket_variables() {
    let wire = serve("list_bucket_variables").await;
    let variables = client(&wire)
        .list_bucket_variables()
        .id(DEVICE)
        .amount(true)
        .deleted(true)
        .resolve_origin_name(true)
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire, "list_bucket_variables").await;
    sent.assert_request(
        "GET",
        &format!("/bucket/{DEVICE}/variable"),
        &[
            ("amount", "true"),
            ("deleted", "true"),
            ("resolveOriginName", "true"),
        ],
    );
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "list_bucket_variables");
    assert_eq!(variables.len(), 2);
    assert_eq!(variables[0].variable.as_deref(), Some("temperature"));
    assert_eq!(variables[0].amount, expected[0]["amount"].as_i64());
    assert_eq!(
        variables[0].origin_name.as_deref(),
        Some("Cold room sensor 3")
    );
    assert!(variables[0].deleted.is_empty());
    assert_eq!(variables[1].deleted.len(), 1);
    assert_eq!(variables[1].deleted[0].origin.as_deref(), Some(DEVICE));
}

#[tokio::test]
async fn delete_bucket_variable() {
    let wire = serve("delete_bucket_variable").await;
    let reply = client(&wire)
        .delete_bucket_variable()
        .id(DEVICE)
        .body_map(|b| {
            b.variable(Some("battery".to_string()))
                .origin(Some(DEVICE.to_string()))
        })
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire, "delete_bucket_variable").await;
    sent.assert_request("DELETE", &format!("/bucket/{DEVICE}/variable"), &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({ "variable": "battery", "origin": DEVICE }),
        "the variable goes in a JSON body on this DELETE"
    );
    assert_eq!(reply.0, example("tago", "delete_bucket_variable"));
}

#[tokio::test]
async fn list_bucket_devices() {
    let wire = serve("list_bucket_devices").await;
    let devices = client(&wire)
        .list_bucket_devices()
        .id(DEVICE)
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire, "list_bucket_devices").await;
    sent.assert_request("GET", &format!("/bucket/{DEVICE}/device"), &[]);
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].id.as_deref(), Some(DEVICE));
    assert_eq!(devices[0].name.as_deref(), Some("Cold room sensor 3"));
}

#[tokio::test]
async fn export_data() {
    let wire = serve("export_data").await;
    let reply = client(&wire)
        .export_data()
        .output(types::ExportFormat::Csv)
        .body_map(|b| {
            b.buckets(vec![types::ExportBucketSelection {
                id: Some(DEVICE.to_string()),
                origin: Some(DEVICE.to_string()),
                variables: vec!["temperature".to_string()],
            }])
            .start_date(Some("1 month".to_string()))
            .end_date(Some("2023-10-31T23:59:59.999Z".to_string()))
        })
        .send()
        .await
        .expect("exported");
    let sent = sent(&wire, "export_data").await;
    sent.assert_request("POST", "/data/export", &[("output", "csv")]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "buckets": [{ "id": DEVICE, "origin": DEVICE, "variables": ["temperature"] }],
            "start_date": "1 month",
            "end_date": "2023-10-31T23:59:59.999Z"
        })
    );
    // The CSV export arrives as one string, kept as any JSON value.
    let expected = example("tago", "export_data");
    assert_eq!(reply.0, expected);
    assert!(
        reply
            .0
            .as_str()
            .unwrap()
            .starts_with("variable,value,unit,time\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Dashboards and widgets
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_dashboards() {
    let wire = serve("list_dashboards").await;
    let dashboards = client(&wire)
        .list_dashboards()
        .page(1u32)
        .amount(50u32)
        .fields(vec![
            "id".to_string(),
            "label".to_string(),
            "type".to_string(),
            "last_access".to_string(),
        ])
        .order_by("label,asc")
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire, "list_dashboards").await;
    sent.assert_request(
        "GET",
        "/dashboard",
        &[
            ("amount", "50"),
            ("fields[]", "id"),
            ("fields[]", "label"),
            ("fields[]", "type"),
            ("fields[]", "last_access"),
            ("orderBy", "label,asc"),
            ("page", "1"),
        ],
    );
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "list_dashboards");
    assert_eq!(dashboards.len(), 1);
    assert_eq!(dashboards[0].id.as_deref(), Some(DASHBOARD));
    assert_eq!(dashboards[0].label.as_deref(), Some("Warehouse Lisbon"));
    assert_eq!(dashboards[0].type_, Some(types::DashboardType::Dashboard));
    assert_eq!(
        dashboards[0].last_access.as_deref(),
        expected[0]["last_access"].as_str()
    );
}

#[tokio::test]
async fn create_dashboard() {
    let wire = serve("create_dashboard").await;
    let reply = client(&wire)
        .create_dashboard()
        .body_map(|b| {
            b.label("Warehouse Lisbon")
                .type_(types::DashboardType::Dashboard)
                .visible(Some(true))
                .tags(vec![tag("site", "warehouse-lisbon")])
                .tabs(vec![types::DashboardTab {
                    key: Some("overview".to_string()),
                    value: Some("Overview".to_string()),
                    link: Some("overview".to_string()),
                }])
        })
        .send()
        .await
        .expect("created");
    let sent = sent(&wire, "create_dashboard").await;
    sent.assert_request("POST", "/dashboard", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "label": "Warehouse Lisbon",
            "type": "dashboard",
            "visible": true,
            "tags": [{ "key": "site", "value": "warehouse-lisbon" }],
            "tabs": [{ "key": "overview", "value": "Overview", "link": "overview" }]
        })
    );
    assert_eq!(reply.status().as_u16(), 201);
    assert_eq!(reply.dashboard.as_deref(), Some(DASHBOARD));
}

#[tokio::test]
async fn get_dashboard() {
    let wire = serve("get_dashboard").await;
    let dashboard = client(&wire)
        .get_dashboard()
        .id(DASHBOARD)
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire, "get_dashboard").await;
    sent.assert_request("GET", &format!("/dashboard/{DASHBOARD}"), &[]);
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "get_dashboard");
    assert_eq!(dashboard.id.as_deref(), Some(DASHBOARD));
    assert_eq!(dashboard.profile.as_deref(), Some(PROFILE));
    assert_eq!(dashboard.tabs[0].key.as_deref(), Some("overview"));
    let placed = &dashboard.arrangement[0];
    assert_eq!(placed.widget_id.as_deref(), Some(WIDGET));
    assert_eq!((placed.width, placed.height), (Some(2), Some(3)));
    let icon = dashboard.icon.as_ref().expect("icon");
    assert_eq!(icon.color.as_deref(), expected["icon"]["color"].as_str());
    assert_eq!(dashboard.blueprint_devices, Some(json!([])));
}

#[tokio::test]
async fn edit_dashboard() {
    let wire = serve("edit_dashboard").await;
    let reply = client(&wire)
        .edit_dashboard()
        .id(DASHBOARD)
        .body_map(|b| {
            b.label(Some("Warehouse Lisbon (cold rooms)".to_string()))
                .arrangement(vec![types::ArrangementItem {
                    widget_id: Some(WIDGET.to_string()),
                    x: Some(0),
                    y: Some(0),
                    width: Some(2),
                    height: Some(3),
                    tab: Some("overview".to_string()),
                }])
        })
        .send()
        .await
        .expect("edited");
    let sent = sent(&wire, "edit_dashboard").await;
    sent.assert_request("PUT", &format!("/dashboard/{DASHBOARD}"), &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "label": "Warehouse Lisbon (cold rooms)",
            "arrangement": [
                { "widget_id": WIDGET, "x": 0, "y": 0, "width": 2, "height": 3, "tab": "overview" }
            ]
        })
    );
    assert_eq!(reply.0, example("tago", "edit_dashboard"));
}

#[tokio::test]
async fn delete_dashboard() {
    let wire = serve("delete_dashboard").await;
    let reply = client(&wire)
        .delete_dashboard()
        .id(DASHBOARD)
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire, "delete_dashboard").await;
    sent.assert_request("DELETE", &format!("/dashboard/{DASHBOARD}"), &[]);
    assert_eq!(sent.json(), Value::Null);
    assert_eq!(reply.0, example("tago", "delete_dashboard"));
}

#[tokio::test]
async fn duplicate_dashboard() {
    let wire = serve("duplicate_dashboard").await;
    let reply = client(&wire)
        .duplicate_dashboard()
        .id(DASHBOARD)
        .body_map(|b| b.new_label(Some("Warehouse Porto".to_string())))
        .send()
        .await
        .expect("duplicated");
    let sent = sent(&wire, "duplicate_dashboard").await;
    sent.assert_request("POST", &format!("/dashboard/{DASHBOARD}/duplicate"), &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(sent.json(), json!({ "new_label": "Warehouse Porto" }));
    assert_eq!(reply.status().as_u16(), 201);
    let expected = example("tago", "duplicate_dashboard");
    assert_eq!(
        reply.dashboard_id.as_deref(),
        expected["dashboard_id"].as_str()
    );
    assert_eq!(reply.message.as_deref(), Some("Dashboard duplicated"));
}

#[tokio::test]
async fn get_dashboard_public_token() {
    let wire = serve("get_dashboard_public_token").await;
    let share = client(&wire)
        .get_dashboard_public_token()
        .id(DASHBOARD)
        .expire_time("never")
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire, "get_dashboard_public_token").await;
    sent.assert_request(
        "GET",
        &format!("/dashboard/{DASHBOARD}/share/public"),
        &[("expire_time", "never")],
    );
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "get_dashboard_public_token");
    assert_eq!(
        share.token.as_ref().map(portico::Secret::expose),
        expected["token"].as_str()
    );
    assert_eq!(share.expire_time.as_deref(), Some("never"));
}

#[tokio::test]
async fn list_dashboard_devices() {
    let wire = serve("list_dashboard_devices").await;
    let devices = client(&wire)
        .list_dashboard_devices()
        .id(DASHBOARD)
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire, "list_dashboard_devices").await;
    sent.assert_request("GET", &format!("/dashboard/{DASHBOARD}/devices"), &[]);
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "list_dashboard_devices");
    assert_eq!(devices.len(), 2);
    assert_eq!(devices[0].id.as_deref(), Some(DEVICE));
    assert_eq!(devices[1].id.as_deref(), expected[1]["id"].as_str());
    assert_eq!(devices[1].name.as_deref(), Some("Loading dock door"));
}

#[tokio::test]
async fn list_dashboard_analyses() {
    let wire = serve("list_dashboard_analyses").await;
    let analyses = client(&wire)
        .list_dashboard_analyses()
        .id(DASHBOARD)
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire, "list_dashboard_analyses").await;
    sent.assert_request("GET", &format!("/dashboard/{DASHBOARD}/analysis"), &[]);
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    assert_eq!(analyses.len(), 1);
    assert_eq!(analyses[0].id.as_deref(), Some(ANALYSIS));
    assert_eq!(analyses[0].name.as_deref(), Some("Temperature alarm"));
}

#[tokio::test]
async fn create_widget() {
    let wire = serve("create_widget").await;
    let reply = client(&wire)
        .create_widget()
        .id(DASHBOARD)
        .body_map(|b| {
            b.label(Some("Room 3 temperature".to_string()))
                .type_(Some("display".to_string()))
                .realtime(Some(json!(true)))
                .data(vec![object(json!({
                    "bucket": DEVICE,
                    "origin": DEVICE,
                    "variables": ["temperature"],
                    "qty": 1
                }))])
                .display(object(json!({ "show_units": true })))
        })
        .send()
        .await
        .expect("created");
    let sent = sent(&wire, "create_widget").await;
    sent.assert_request("POST", &format!("/dashboard/{DASHBOARD}/widget"), &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "label": "Room 3 temperature",
            "type": "display",
            "realtime": true,
            "data": [{ "bucket": DEVICE, "origin": DEVICE, "variables": ["temperature"], "qty": 1 }],
            "display": { "show_units": true }
        })
    );
    assert_eq!(reply.widget.as_deref(), Some(WIDGET));
}

#[tokio::test]
async fn get_widget() {
    let wire = serve("get_widget").await;
    let widget = client(&wire)
        .get_widget()
        .id(DASHBOARD)
        .widget_id(WIDGET)
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire, "get_widget").await;
    sent.assert_request(
        "GET",
        &format!("/dashboard/{DASHBOARD}/widget/{WIDGET}"),
        &[],
    );
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "get_widget");
    assert_eq!(widget.id.as_deref(), Some(WIDGET));
    assert_eq!(widget.type_.as_deref(), Some("display"));
    assert_eq!(widget.realtime, Some(json!(true)));
    assert_eq!(widget.data.len(), 1);
    assert_eq!(
        widget.data[0]["variables"],
        expected["data"][0]["variables"]
    );
    assert_eq!(widget.display["show_variables"], true);
    assert!(widget.resource.is_empty());
}

#[tokio::test]
async fn edit_widget() {
    let wire = serve("edit_widget").await;
    let reply = client(&wire)
        .edit_widget()
        .id(DASHBOARD)
        .widget_id(WIDGET)
        .body_map(|b| {
            b.label(Some("Room 3 temperature (°C)".to_string()))
                .display(object(
                    json!({ "show_units": false, "show_variables": true }),
                ))
        })
        .send()
        .await
        .expect("edited");
    let sent = sent(&wire, "edit_widget").await;
    sent.assert_request(
        "PUT",
        &format!("/dashboard/{DASHBOARD}/widget/{WIDGET}"),
        &[],
    );
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "label": "Room 3 temperature (°C)",
            "display": { "show_units": false, "show_variables": true }
        })
    );
    assert_eq!(reply.0, example("tago", "edit_widget"));
}

#[tokio::test]
async fn delete_widget() {
    let wire = serve("delete_widget").await;
    let reply = client(&wire)
        .delete_widget()
        .id(DASHBOARD)
        .widget_id(WIDGET)
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire, "delete_widget").await;
    sent.assert_request(
        "DELETE",
        &format!("/dashboard/{DASHBOARD}/widget/{WIDGET}"),
        &[],
    );
    assert_eq!(sent.json(), Value::Null);
    assert_eq!(reply.0, example("tago", "delete_widget"));
}

#[tokio::test]
async fn get_widget_token() {
    let wire = serve("get_widget_token").await;
    let reply = client(&wire)
        .get_widget_token()
        .id(DASHBOARD)
        .widget_id(WIDGET)
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire, "get_widget_token").await;
    sent.assert_request(
        "GET",
        &format!("/dashboard/{DASHBOARD}/widget/{WIDGET}/token"),
        &[],
    );
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "get_widget_token");
    assert_eq!(
        reply.widget_token.as_ref().map(portico::Secret::expose),
        expected["widget_token"].as_str()
    );
}

#[tokio::test]
async fn get_widget_data() {
    let wire = serve("get_widget_data").await;
    let reply = client(&wire)
        .get_widget_data()
        .dashboard_id(DASHBOARD)
        .widget_id(WIDGET)
        .start_date("2025-09-07T00:00:00.000Z")
        .end_date("2025-09-07T23:59:59.999Z")
        .timezone("Europe/Lisbon")
        .send()
        .await
        .expect("resolved");
    let sent = sent(&wire, "get_widget_data").await;
    sent.assert_request(
        "GET",
        &format!("/data/{DASHBOARD}/{WIDGET}"),
        &[
            ("end_date", "2025-09-07T23:59:59.999Z"),
            ("start_date", "2025-09-07T00:00:00.000Z"),
            ("timezone", "Europe/Lisbon"),
        ],
    );
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "get_widget_data");
    let widget = reply.widget.as_ref().expect("widget");
    assert_eq!(widget.id.as_deref(), Some(WIDGET));
    assert_eq!(reply.content.len(), 1);
    assert_eq!(
        reply.content[0].data,
        Some(expected["content"][0]["data"].clone())
    );
    let points = &reply.content[0].result;
    assert_eq!(points.len(), 1);
    assert_eq!(points[0].id.as_deref(), Some(RECORD));
    assert_eq!(json!(points[0].value), json!(4.7));
}

#[tokio::test]
async fn send_widget_data() {
    let wire = serve("send_widget_data").await;
    let points = vec![point(
        types::DataInput::builder()
            .variable("setpoint")
            .value(Some(types::DataValue::Double(4.0)))
            .unit(Some(unit("°C")))
            .metadata(Some(types::DataMetadata(object(
                json!({ "label": "Room 3 setpoint" }),
            )))),
    )];
    let reply = client(&wire)
        .send_widget_data()
        .dashboard_id(DASHBOARD)
        .widget_id(WIDGET)
        .body(types::DataInputList(points))
        .send()
        .await
        .expect("sent");
    let sent = sent(&wire, "send_widget_data").await;
    sent.assert_request("POST", &format!("/data/{DASHBOARD}/{WIDGET}"), &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!([{
            "variable": "setpoint",
            "value": 4.0,
            "unit": "°C",
            "metadata": { "label": "Room 3 setpoint" }
        }])
    );
    assert_eq!(reply.0, example("tago", "send_widget_data"));
}

#[tokio::test]
async fn delete_widget_data() {
    let wire = serve("delete_widget_data").await;
    let reply = client(&wire)
        .delete_widget_data()
        .dashboard_id(DASHBOARD)
        .widget_id(WIDGET)
        .ids(vec![RECORD.to_string()])
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire, "delete_widget_data").await;
    sent.assert_request(
        "DELETE",
        &format!("/data/{DASHBOARD}/{WIDGET}"),
        &[("ids[]", RECORD)],
    );
    assert_eq!(sent.json(), Value::Null, "the ids travel in the query");
    assert_eq!(reply.0, example("tago", "delete_widget_data"));
}

#[tokio::test]
async fn edit_widget_data() {
    let wire = serve("edit_widget_data").await;
    let edits = vec![change(
        types::DataEdit::builder()
            .id(RECORD)
            .value(Some(types::DataValue::Double(4.8)))
            .time(Some("2025-09-07T08:15:00.000Z".to_string())),
    )];
    let reply = client(&wire)
        .edit_widget_data()
        .dashboard_id(DASHBOARD)
        .widget_id(WIDGET)
        .body(types::DataEditList(edits))
        .send()
        .await
        .expect("edited");
    let sent = sent(&wire, "edit_widget_data").await;
    sent.assert_request("PUT", &format!("/data/{DASHBOARD}/{WIDGET}/data"), &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!([{ "id": RECORD, "value": 4.8, "time": "2025-09-07T08:15:00.000Z" }])
    );
    assert_eq!(reply.0, example("tago", "edit_widget_data"));
}

#[tokio::test]
async fn edit_widget_resource() {
    let wire = serve("edit_widget_resource").await;
    let reply = client(&wire)
        .edit_widget_resource()
        .dashboard_id(DASHBOARD)
        .widget_id(WIDGET)
        .body(types::WidgetResourceEdit(object(json!({
            "device": DEVICE,
            "name": "Cold room sensor 3 (north wall)"
        }))))
        .send()
        .await
        .expect("edited");
    let sent = sent(&wire, "edit_widget_resource").await;
    sent.assert_request("PUT", &format!("/data/{DASHBOARD}/{WIDGET}/resource"), &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({ "device": DEVICE, "name": "Cold room sensor 3 (north wall)" })
    );
    assert_eq!(reply.0, example("tago", "edit_widget_resource"));
}

// ---------------------------------------------------------------------------------------------
// Actions
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_actions() {
    let wire = serve("list_actions").await;
    let actions = client(&wire)
        .list_actions()
        .page(1u32)
        .amount(20u32)
        .fields(vec![
            "id".to_string(),
            "name".to_string(),
            "active".to_string(),
            "type".to_string(),
            "last_triggered".to_string(),
        ])
        .order_by("last_triggered,desc")
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire, "list_actions").await;
    sent.assert_request(
        "GET",
        "/action",
        &[
            ("amount", "20"),
            ("fields[]", "id"),
            ("fields[]", "name"),
            ("fields[]", "active"),
            ("fields[]", "type"),
            ("fields[]", "last_triggered"),
            ("orderBy", "last_triggered,desc"),
            ("page", "1"),
        ],
    );
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "list_actions");
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0].id.as_deref(), Some(ACTION));
    assert_eq!(actions[0].type_, Some(types::ActionType::Condition));
    assert_eq!(actions[0].active, Some(true));
    assert_eq!(
        actions[0].last_triggered.as_deref(),
        expected[0]["last_triggered"].as_str()
    );
    assert!(actions[0].tags.is_empty());
}

#[tokio::test]
async fn create_action() {
    let wire = serve("create_action").await;
    let task: types::ActionTask = types::ActionTask::builder()
        .type_(Some(types::ActionTaskType::Email))
        .to(Some("nightshift@example.com".to_string()))
        .subject(Some("Room 3 is too warm".to_string()))
        .message(Some("Temperature is $VALUE$ °C.".to_string()))
        .try_into()
        .unwrap();
    let trigger: types::ActionTrigger = types::ActionTrigger::builder()
        .device(Some(DEVICE.to_string()))
        .variable(Some("temperature".to_string()))
        .is(Some(types::TriggerOperator::GreaterThan))
        .value(Some(json!("8")))
        .value_type(Some("number".to_string()))
        .unlock(Some(false))
        .try_into()
        .unwrap();
    let reply = client(&wire)
        .create_action()
        .body_map(|b| {
            b.name("Cold room too warm")
                .type_(Some(types::ActionType::Condition))
                .active(Some(true))
                .lock(Some(true))
                .action(task)
                .trigger(vec![trigger])
                .tags(vec![tag("site", "warehouse-lisbon")])
        })
        .send()
        .await
        .expect("created");
    let sent = sent(&wire, "create_action").await;
    sent.assert_request("POST", "/action", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "name": "Cold room too warm",
            "type": "condition",
            "active": true,
            "lock": true,
            "action": {
                "type": "email",
                "to": "nightshift@example.com",
                "subject": "Room 3 is too warm",
                "message": "Temperature is $VALUE$ °C."
            },
            "trigger": [{
                "device": DEVICE,
                "variable": "temperature",
                "is": ">",
                "value": "8",
                "value_type": "number",
                "unlock": false
            }],
            "tags": [{ "key": "site", "value": "warehouse-lisbon" }]
        })
    );
    assert_eq!(reply.action.as_deref(), Some(ACTION));
}

#[tokio::test]
async fn get_action() {
    let wire = serve("get_action").await;
    let action = client(&wire)
        .get_action()
        .id(ACTION)
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire, "get_action").await;
    sent.assert_request("GET", &format!("/action/{ACTION}"), &[]);
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "get_action");
    assert_eq!(action.id.as_deref(), Some(ACTION));
    assert_eq!(action.lock, Some(true));
    assert_eq!(action.trigger_when_unlock, Some(false));
    let task = action.action.as_ref().expect("action");
    assert_eq!(task.type_, Some(types::ActionTaskType::Email));
    assert_eq!(task.to.as_deref(), expected["action"]["to"].as_str());
    assert_eq!(action.trigger.len(), 1);
    assert_eq!(
        action.trigger[0].is,
        Some(types::TriggerOperator::GreaterThan)
    );
    assert_eq!(action.trigger[0].value, Some(json!("8")));
    assert_eq!(action.trigger[0].device.as_deref(), Some(DEVICE));
}

#[tokio::test]
async fn edit_action() {
    let wire = serve("edit_action").await;
    let reply = client(&wire)
        .edit_action()
        .id(ACTION)
        .body_map(|b| {
            b.active(Some(false))
                .description(Some("Paused during the defrost cycle.".to_string()))
        })
        .send()
        .await
        .expect("edited");
    let sent = sent(&wire, "edit_action").await;
    sent.assert_request("PUT", &format!("/action/{ACTION}"), &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({ "active": false, "description": "Paused during the defrost cycle." })
    );
    assert_eq!(reply.0, example("tago", "edit_action"));
}

#[tokio::test]
async fn delete_action() {
    let wire = serve("delete_action").await;
    let reply = client(&wire)
        .delete_action()
        .id(ACTION)
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire, "delete_action").await;
    sent.assert_request("DELETE", &format!("/action/{ACTION}"), &[]);
    assert_eq!(sent.json(), Value::Null);
    assert_eq!(reply.0, example("tago", "delete_action"));
}

// ---------------------------------------------------------------------------------------------
// Analysis
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_analyses() {
    let wire = serve("list_analyses").await;
    let analyses = client(&wire)
        .list_analyses()
        .page(1u32)
        .amount(20u32)
        .fields(vec![
            "id".to_string(),
            "name".to_string(),
            "runtime".to_string(),
        ])
        .order_by("name,asc")
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire, "list_analyses").await;
    sent.assert_request(
        "GET",
        "/analysis",
        &[
            ("amount", "20"),
            ("fields[]", "id"),
            ("fields[]", "name"),
            ("fields[]", "runtime"),
            ("orderBy", "name,asc"),
            ("page", "1"),
        ],
    );
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "list_analyses");
    assert_eq!(analyses.len(), 1);
    assert_eq!(analyses[0].id.as_deref(), Some(ANALYSIS));
    assert_eq!(analyses[0].run_on, Some(types::AnalysisRunOn::Tago));
    assert_eq!(
        analyses[0].runtime,
        Some(types::AnalysisRuntime::NodeRt2025)
    );
    assert_eq!(
        analyses[0].last_run.as_deref(),
        expected[0]["last_run"].as_str()
    );
}

#[tokio::test]
async fn create_analysis() {
    let wire = serve("create_analysis").await;
    let reply = client(&wire)
        .create_analysis()
        .body_map(|b| {
            b.name("Temperature alarm")
                .run_on(Some(types::AnalysisRunOn::Tago))
                .runtime(Some(types::AnalysisRuntime::NodeRt2025))
                .interval(Some("5 minutes".to_string()))
                .active(Some(true))
                .variables(vec![types::AnalysisVariable {
                    key: Some("threshold".to_string()),
                    value: Some("8".to_string()),
                }])
        })
        .send()
        .await
        .expect("created");
    let sent = sent(&wire, "create_analysis").await;
    sent.assert_request("POST", "/analysis", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "name": "Temperature alarm",
            "run_on": "tago",
            "runtime": "node-rt2025",
            "interval": "5 minutes",
            "active": true,
            "variables": [{ "key": "threshold", "value": "8" }]
        })
    );
    let expected = example("tago", "create_analysis");
    assert_eq!(reply.id.as_deref(), Some(ANALYSIS));
    assert_eq!(
        reply.token.as_ref().map(portico::Secret::expose),
        expected["token"].as_str()
    );
}

#[tokio::test]
async fn get_analysis() {
    let wire = serve("get_analysis").await;
    let analysis = client(&wire)
        .get_analysis()
        .id(ANALYSIS)
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire, "get_analysis").await;
    sent.assert_request("GET", &format!("/analysis/{ANALYSIS}"), &[]);
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "get_analysis");
    assert_eq!(analysis.id.as_deref(), Some(ANALYSIS));
    assert_eq!(analysis.interval.as_deref(), Some("5 minutes"));
    assert_eq!(
        analysis.file_name.as_deref(),
        expected["file_name"].as_str()
    );
    assert_eq!(analysis.variables[0].value.as_deref(), Some("8"));
    assert_eq!(analysis.version, Some(json!(3)));
    assert_eq!(analysis.console, Some(expected["console"].clone()));
}

#[tokio::test]
async fn edit_analysis() {
    let wire = serve("edit_analysis").await;
    let reply = client(&wire)
        .edit_analysis()
        .id(ANALYSIS)
        .body_map(|b| {
            b.active(Some(false))
                .interval(Some("10 minutes".to_string()))
                .tags(vec![tag("site", "warehouse-lisbon")])
        })
        .send()
        .await
        .expect("edited");
    let sent = sent(&wire, "edit_analysis").await;
    sent.assert_request("PUT", &format!("/analysis/{ANALYSIS}"), &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "active": false,
            "interval": "10 minutes",
            "tags": [{ "key": "site", "value": "warehouse-lisbon" }]
        })
    );
    assert_eq!(reply.0, example("tago", "edit_analysis"));
}

#[tokio::test]
async fn delete_analysis() {
    let wire = serve("delete_analysis").await;
    let reply = client(&wire)
        .delete_analysis()
        .id(ANALYSIS)
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire, "delete_analysis").await;
    sent.assert_request("DELETE", &format!("/analysis/{ANALYSIS}"), &[]);
    assert_eq!(sent.json(), Value::Null);
    assert_eq!(reply.0, example("tago", "delete_analysis"));
}

#[tokio::test]
async fn run_analysis() {
    let wire = serve("run_analysis").await;
    let reply = client(&wire)
        .run_analysis()
        .id(ANALYSIS)
        .body_map(|b| b.scope(Some(json!([{ "variable": "setpoint", "value": 4.0 }]))))
        .send()
        .await
        .expect("started");
    let sent = sent(&wire, "run_analysis").await;
    sent.assert_request("POST", &format!("/analysis/{ANALYSIS}/run"), &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({ "scope": [{ "variable": "setpoint", "value": 4.0 }] })
    );
    let expected = example("tago", "run_analysis");
    assert_eq!(
        reply.analysis_token.as_ref().map(portico::Secret::expose),
        expected["analysis_token"].as_str()
    );
}

#[tokio::test]
async fn run_analysis_from_widget() {
    let wire = serve("run_analysis_from_widget").await;
    let reply = client(&wire)
        .run_analysis_from_widget()
        .id(ANALYSIS)
        .dashboard_id(DASHBOARD)
        .widget_id(WIDGET)
        .body_map(|b| b.scope(Some(json!([{ "variable": "refresh", "value": true }]))))
        .send()
        .await
        .expect("started");
    let sent = sent(&wire, "run_analysis_from_widget").await;
    sent.assert_request(
        "POST",
        &format!("/analysis/{ANALYSIS}/run/{DASHBOARD}/{WIDGET}"),
        &[],
    );
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({ "scope": [{ "variable": "refresh", "value": true }] })
    );
    assert_eq!(reply.0, example("tago", "run_analysis_from_widget"));
}

#[tokio::test]
async fn generate_analysis_token() {
    let wire = serve("generate_analysis_token").await;
    let reply = client(&wire)
        .generate_analysis_token()
        .id(ANALYSIS)
        .send()
        .await
        .expect("generated");
    let sent = sent(&wire, "generate_analysis_token").await;
    sent.assert_request("GET", &format!("/analysis/{ANALYSIS}/token"), &[]);
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "generate_analysis_token");
    assert_eq!(
        reply.analysis_token.as_ref().map(portico::Secret::expose),
        expected["analysis_token"].as_str()
    );
}

#[tokio::test]
async fn upload_analysis_script() {
    let wire = serve("upload_analysis_script").await;
    let reply = client(&wire)
        .upload_analysis_script()
        .id(ANALYSIS)
        .body_map(|b| {
            b.file(Some("Y29uc29sZS5sb2coIm9rIik7Cg==".to_string()))
                .file_name(Some("temperature-alarm.js".to_string()))
                .language(Some(types::AnalysisRuntime::NodeRt2025))
        })
        .send()
        .await
        .expect("uploaded");
    let sent = sent(&wire, "upload_analysis_script").await;
    sent.assert_request("POST", &format!("/analysis/{ANALYSIS}/upload"), &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "file": "Y29uc29sZS5sb2coIm9rIik7Cg==",
            "file_name": "temperature-alarm.js",
            "language": "node-rt2025"
        })
    );
    assert_eq!(reply.0, example("tago", "upload_analysis_script"));
}

#[tokio::test]
async fn get_analysis_download_url() {
    let wire = serve("get_analysis_download_url").await;
    let download = client(&wire)
        .get_analysis_download_url()
        .id(ANALYSIS)
        .version(3)
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire, "get_analysis_download_url").await;
    sent.assert_request(
        "GET",
        &format!("/analysis/{ANALYSIS}/download"),
        &[("version", "3")],
    );
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "get_analysis_download_url");
    assert_eq!(download.url.as_deref(), expected["url"].as_str());
    assert_eq!(download.size, Some(2.4));
    assert_eq!(download.size_unit.as_deref(), Some("KB"));
    assert_eq!(
        download.expire_at.as_deref(),
        expected["expire_at"].as_str()
    );
}

// ---------------------------------------------------------------------------------------------
// TagoRUN administration
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn get_run_settings() {
    let wire = serve("get_run_settings").await;
    let settings = client(&wire)
        .get_run_settings()
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire, "get_run_settings").await;
    sent.assert_request("GET", "/run", &[]);
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "get_run_settings");
    assert_eq!(settings.name.as_deref(), Some("Acme Cold Chain"));
    assert_eq!(settings.url.as_deref(), expected["url"].as_str());
    assert_eq!(settings.active, Some(true));
    assert_eq!(settings.sso_saml_active, Some(false));
    assert_eq!(settings.auth_token_ttl, Some(json!("1 month")));
    assert_eq!(settings.security["otp"]["email"], true);
}

#[tokio::test]
async fn edit_run_settings() {
    let wire = serve("edit_run_settings").await;
    let reply = client(&wire)
        .edit_run_settings()
        .body_map(|b| {
            b.name(Some("Acme Cold Chain".to_string()))
                .active(Some(true))
                .auth_token_ttl(Some(json!("1 week")))
                .theme(Some(json!({ "color": "#0b5fff" })))
                .security(object(json!({
                    "otp": { "authenticator": true, "sms": false, "email": true }
                })))
        })
        .send()
        .await
        .expect("edited");
    let sent = sent(&wire, "edit_run_settings").await;
    sent.assert_request("PUT", "/run", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "name": "Acme Cold Chain",
            "active": true,
            "auth_token_ttl": "1 week",
            "theme": { "color": "#0b5fff" },
            "security": { "otp": { "authenticator": true, "sms": false, "email": true } }
        })
    );
    assert_eq!(reply.0, example("tago", "edit_run_settings"));
}

#[tokio::test]
async fn list_run_users() {
    let wire = serve("list_run_users").await;
    let users = client(&wire)
        .list_run_users()
        .page(1u32)
        .amount(20u32)
        .fields(vec![
            "id".to_string(),
            "name".to_string(),
            "email".to_string(),
        ])
        .order_by("name,asc")
        .filter_active(true)
        .filter_timezone("Europe/Lisbon")
        .filter_tags_0_key("role")
        .filter_tags_0_value("operator")
        .filter_last_login("1 day")
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire, "list_run_users").await;
    sent.assert_request(
        "GET",
        "/run/users",
        &[
            ("amount", "20"),
            ("fields[]", "id"),
            ("fields[]", "name"),
            ("fields[]", "email"),
            ("filter[active]", "true"),
            ("filter[last_login]", "1 day"),
            ("filter[tags][0][key]", "role"),
            ("filter[tags][0][value]", "operator"),
            ("filter[timezone]", "Europe/Lisbon"),
            ("orderBy", "name,asc"),
            ("page", "1"),
        ],
    );
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "list_run_users");
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].id.as_deref(), Some(RUN_USER));
    assert_eq!(users[0].email.as_deref(), expected[0]["email"].as_str());
    assert_eq!(users[0].tags[0].value.as_deref(), Some("operator"));
    assert_eq!(users[0].active, Some(true));
}

#[tokio::test]
async fn create_run_user() {
    let wire = serve("create_run_user").await;
    let reply = client(&wire)
        .create_run_user()
        .body_map(|b| {
            b.name("Ana Ferreira")
                .email("ana.ferreira@example.com")
                .password(PASSWORD)
                .timezone("Europe/Lisbon")
                .company(Some("Acme Cold Chain".to_string()))
                .language(Some("pt-pt".to_string()))
                .tags(vec![tag("role", "operator")])
                .options(Some(types::UserOptions {
                    date_format: Some("DD/MM/YYYY".to_string()),
                    time_format: Some("24h".to_string()),
                    ..Default::default()
                }))
        })
        .send()
        .await
        .expect("created");
    let sent = sent(&wire, "create_run_user").await;
    sent.assert_request("POST", "/run/users", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "name": "Ana Ferreira",
            "email": "ana.ferreira@example.com",
            "password": PASSWORD,
            "timezone": "Europe/Lisbon",
            "company": "Acme Cold Chain",
            "language": "pt-pt",
            "tags": [{ "key": "role", "value": "operator" }],
            "options": { "date_format": "DD/MM/YYYY", "time_format": "24h" }
        })
    );
    assert_eq!(reply.user.as_deref(), Some(RUN_USER));
}

#[tokio::test]
async fn get_run_user() {
    let wire = serve("get_run_user").await;
    let reply = client(&wire)
        .get_run_user()
        .id(RUN_USER)
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire, "get_run_user").await;
    sent.assert_request("GET", &format!("/run/users/{RUN_USER}"), &[]);
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "get_run_user");
    // The example is the JS SDK's plain object, not the official spec's one-item list.
    let types::RunUserReply::RunUser(user) = &*reply else {
        panic!("expected a plain user object, got {reply:?}");
    };
    assert_eq!(user.id.as_deref(), Some(RUN_USER));
    assert_eq!(user.phone.as_deref(), expected["phone"].as_str());
    assert_eq!(user.profile.as_deref(), Some(PROFILE));
    assert_eq!(user.newsletter, Some(false));
    let options = user.options.as_ref().expect("options");
    assert_eq!(options.decimal_separator.as_deref(), Some(","));
}

#[tokio::test]
async fn edit_run_user() {
    let wire = serve("edit_run_user").await;
    let reply = client(&wire)
        .edit_run_user()
        .id(RUN_USER)
        .body_map(|b| {
            b.active(Some(false))
                .phone(Some("+351912345678".to_string()))
        })
        .send()
        .await
        .expect("edited");
    let sent = sent(&wire, "edit_run_user").await;
    sent.assert_request("PUT", &format!("/run/users/{RUN_USER}"), &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({ "active": false, "phone": "+351912345678" })
    );
    assert_eq!(reply.0, example("tago", "edit_run_user"));
}

#[tokio::test]
async fn delete_run_user() {
    let wire = serve("delete_run_user").await;
    let reply = client(&wire)
        .delete_run_user()
        .id(RUN_USER)
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire, "delete_run_user").await;
    sent.assert_request("DELETE", &format!("/run/users/{RUN_USER}"), &[]);
    assert_eq!(sent.json(), Value::Null);
    assert_eq!(reply.0, example("tago", "delete_run_user"));
}

#[tokio::test]
async fn get_run_user_token() {
    let wire = serve("get_run_user_token").await;
    let session = client(&wire)
        .get_run_user_token()
        .id(RUN_USER)
        .expire_time("1 day")
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire, "get_run_user_token").await;
    sent.assert_request(
        "GET",
        &format!("/run/users/{RUN_USER}/login"),
        &[("expire_time", "1 day")],
    );
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "get_run_user_token");
    assert_eq!(
        session.token.as_ref().map(portico::Secret::expose),
        expected["token"].as_str()
    );
    assert_eq!(session.run_user.as_deref(), Some(RUN_USER));
    // This reply spells the expiry `expire_date`.
    assert_eq!(
        session.expire_date.as_deref(),
        expected["expire_date"].as_str()
    );
    assert_eq!(session.expire_time, None);
}

#[tokio::test]
async fn test_run_email() {
    let wire = serve("test_run_email").await;
    let reply = client(&wire)
        .test_run_email()
        .body_map(|b| {
            b.subject(Some("Welcome to Acme Cold Chain".to_string()))
                .body(Some("<p>Hello $NAME$, welcome!</p>".to_string()))
        })
        .send()
        .await
        .expect("sent");
    let sent = sent(&wire, "test_run_email").await;
    sent.assert_request("POST", "/run/email_test", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({ "subject": "Welcome to Acme Cold Chain", "body": "<p>Hello $NAME$, welcome!</p>" })
    );
    assert_eq!(reply.0, example("tago", "test_run_email"));
}

#[tokio::test]
async fn list_run_notifications() {
    let wire = serve("list_run_notifications").await;
    let notifications = client(&wire)
        .list_run_notifications()
        .id(RUN_USER)
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire, "list_run_notifications").await;
    sent.assert_request("GET", &format!("/run/notification/{RUN_USER}"), &[]);
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "list_run_notifications");
    assert_eq!(notifications.len(), 1);
    assert_eq!(notifications[0].id.as_deref(), Some(RUN_NOTIFICATION));
    assert_eq!(
        notifications[0].title.as_deref(),
        expected[0]["title"].as_str()
    );
    assert_eq!(notifications[0].read, Some(false));
    assert!(notifications[0].buttons.is_empty());
}

#[tokio::test]
async fn create_run_notification() {
    let wire = serve("create_run_notification").await;
    let reply = client(&wire)
        .create_run_notification()
        .body_map(|b| {
            b.run_user(RUN_USER)
                .title("Room 3 is too warm")
                .message("Temperature reached 8.4 °C at 02:11.")
                .buttons_enabled(Some(false))
                .icon(Some(types::NotificationIcon {
                    svg_url: Some("https://admin.tago.io/icons/thermometer.svg".to_string()),
                    bg_color: Some("#d73a49".to_string()),
                    ..Default::default()
                }))
        })
        .send()
        .await
        .expect("created");
    let sent = sent(&wire, "create_run_notification").await;
    sent.assert_request("POST", "/run/notification", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "run_user": RUN_USER,
            "title": "Room 3 is too warm",
            "message": "Temperature reached 8.4 °C at 02:11.",
            "buttons_enabled": false,
            "icon": {
                "svg_url": "https://admin.tago.io/icons/thermometer.svg",
                "bg_color": "#d73a49"
            }
        })
    );
    assert_eq!(reply.id.as_deref(), Some(RUN_NOTIFICATION));
}

#[tokio::test]
async fn edit_run_notification() {
    let wire = serve("edit_run_notification").await;
    let reply = client(&wire)
        .edit_run_notification()
        .id(RUN_NOTIFICATION)
        .body_map(|b| b.read(Some(true)).buttons_enabled(Some(false)))
        .send()
        .await
        .expect("edited");
    let sent = sent(&wire, "edit_run_notification").await;
    sent.assert_request("PUT", &format!("/run/notification/{RUN_NOTIFICATION}"), &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({ "read": true, "buttons_enabled": false })
    );
    assert_eq!(reply.0, example("tago", "edit_run_notification"));
}

#[tokio::test]
async fn delete_run_notification() {
    let wire = serve("delete_run_notification").await;
    let reply = client(&wire)
        .delete_run_notification()
        .id(RUN_NOTIFICATION)
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire, "delete_run_notification").await;
    sent.assert_request(
        "DELETE",
        &format!("/run/notification/{RUN_NOTIFICATION}"),
        &[],
    );
    assert_eq!(sent.json(), Value::Null);
    assert_eq!(reply.0, example("tago", "delete_run_notification"));
}

#[tokio::test]
async fn get_run_saml() {
    let wire = serve("get_run_saml").await;
    let saml = client(&wire).get_run_saml().send().await.expect("fetched");
    let sent = sent(&wire, "get_run_saml").await;
    sent.assert_request("GET", "/run/sso/saml", &[]);
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "get_run_saml");
    let sp = saml.sp.as_ref().expect("sp");
    assert_eq!(
        sp.entity_id.as_deref(),
        expected["sp"]["entity_id"].as_str()
    );
    assert_eq!(sp.acs_url.as_deref(), expected["sp"]["acs_url"].as_str());
    let idp = saml.idp.as_ref().expect("idp");
    assert_eq!(
        idp.issuer.as_deref(),
        Some("https://login.example.com/saml")
    );
    assert_eq!(saml.mapping["email"], "EmailAddress");
}

#[tokio::test]
async fn edit_run_saml() {
    let wire = serve("edit_run_saml").await;
    let metadata =
        r#"<EntityDescriptor entityID="https://login.example.com/saml">...</EntityDescriptor>"#;
    let reply = client(&wire)
        .edit_run_saml()
        .body_map(|b| {
            b.idp_metadata(Some(metadata.to_string())).mapping(object(
                json!({ "email": "EmailAddress", "firstname": "GivenName" }),
            ))
        })
        .send()
        .await
        .expect("edited");
    let sent = sent(&wire, "edit_run_saml").await;
    sent.assert_request("PUT", "/run/sso/saml", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "idp_metadata": metadata,
            "mapping": { "email": "EmailAddress", "firstname": "GivenName" }
        })
    );
    assert_eq!(reply.0, example("tago", "edit_run_saml"));
}

#[tokio::test]
async fn create_run_custom_domain() {
    let wire = serve("create_run_custom_domain").await;
    let reply = client(&wire)
        .create_run_custom_domain()
        .profile_id(PROFILE)
        .body_map(|b| {
            b.domain(Some("example.com".to_string()))
                .subdomain(Some("iot".to_string()))
                .email(Some("it@example.com".to_string()))
        })
        .send()
        .await
        .expect("created");
    let sent = sent(&wire, "create_run_custom_domain").await;
    sent.assert_request("POST", &format!("/run/customdomain/{PROFILE}"), &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({ "domain": "example.com", "subdomain": "iot", "email": "it@example.com" })
    );
    assert_eq!(reply.0, example("tago", "create_run_custom_domain"));
}

#[tokio::test]
async fn get_run_custom_domain() {
    let wire = serve("get_run_custom_domain").await;
    let domain = client(&wire)
        .get_run_custom_domain()
        .profile_id(PROFILE)
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire, "get_run_custom_domain").await;
    sent.assert_request("GET", &format!("/run/customdomain/{PROFILE}"), &[]);
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "get_run_custom_domain");
    assert_eq!(domain.active, Some(false));
    assert_eq!(domain.domain.as_deref(), Some("example.com"));
    assert_eq!(domain.subdomain.as_deref(), Some("iot"));
    // The undocumented `dns_*` records are kept in the extra map.
    assert_eq!(domain.extra["dns_ssl"], expected["dns_ssl"]);
}

#[tokio::test]
async fn delete_run_custom_domain() {
    let wire = serve("delete_run_custom_domain").await;
    let reply = client(&wire)
        .delete_run_custom_domain()
        .profile_id(PROFILE)
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire, "delete_run_custom_domain").await;
    sent.assert_request("DELETE", &format!("/run/customdomain/{PROFILE}"), &[]);
    assert_eq!(sent.json(), Value::Null);
    assert_eq!(reply.0, example("tago", "delete_run_custom_domain"));
}

#[tokio::test]
async fn regenerate_run_custom_domain() {
    let wire = serve("regenerate_run_custom_domain").await;
    let reply = client(&wire)
        .regenerate_run_custom_domain()
        .profile_id(PROFILE)
        .send()
        .await
        .expect("regenerated");
    let sent = sent(&wire, "regenerate_run_custom_domain").await;
    sent.assert_request(
        "PUT",
        &format!("/run/customdomain/regenerate/{PROFILE}"),
        &[],
    );
    assert_eq!(sent.json(), Value::Null, "no body");
    assert_eq!(reply.0, example("tago", "regenerate_run_custom_domain"));
}

// ---------------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_files() {
    let wire = serve("list_files").await;
    let listing = client(&wire)
        .list_files()
        .path("exports/cold-room-3")
        .qty(300u32)
        .pagination_token("ZXhwb3J0cy9jb2xkLXJvb20tMy8yMDI0LTA4LmNzdg")
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire, "list_files").await;
    sent.assert_request(
        "GET",
        "/files",
        &[
            (
                "pagination_token",
                "ZXhwb3J0cy9jb2xkLXJvb20tMy8yMDI0LTA4LmNzdg",
            ),
            ("path", "exports/cold-room-3"),
            ("qty", "300"),
        ],
    );
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "list_files");
    assert_eq!(listing.files.len(), 2);
    assert_eq!(
        listing.files[0].filename.as_deref(),
        expected["files"][0]["filename"].as_str()
    );
    assert_eq!(listing.files[1].size, Some(20411873));
    assert_eq!(listing.files[1].public, Some(false));
    assert_eq!(listing.folders, ["exports/cold-room-3/archive"]);
    assert_eq!(listing.total, Some(2));
    assert_eq!(listing.usage, Some(json!(22244084)));
}

#[tokio::test]
async fn upload_files() {
    let wire = serve("upload_files").await;
    let reply = client(&wire)
        .upload_files()
        .body(types::UploadFilesRequest(vec![types::UploadFile {
            filename: "reports/room-3.txt".to_string(),
            file: "Um9vbSAzOiBvawo=".to_string(),
            public: Some(false),
        }]))
        .send()
        .await
        .expect("uploaded");
    let sent = sent(&wire, "upload_files").await;
    sent.assert_request("POST", "/files", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!([{ "filename": "reports/room-3.txt", "file": "Um9vbSAzOiBvawo=", "public": false }])
    );
    assert_eq!(reply.0, example("tago", "upload_files"));
}

#[tokio::test]
async fn move_files() {
    let wire = serve("move_files").await;
    let reply = client(&wire)
        .move_files()
        .body(types::FileMoves(vec![types::FileMove {
            from: Some("reports/room-3.txt".to_string()),
            to: Some("reports/2025/room-3.txt".to_string()),
        }]))
        .send()
        .await
        .expect("moved");
    let sent = sent(&wire, "move_files").await;
    sent.assert_request("PUT", "/files", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!([{ "from": "reports/room-3.txt", "to": "reports/2025/room-3.txt" }])
    );
    assert_eq!(reply.0, example("tago", "move_files"));
}

#[tokio::test]
async fn delete_files() {
    let wire = serve("delete_files").await;
    let reply = client(&wire)
        .delete_files()
        .body(types::FilePaths(vec![
            "reports/2025/room-3.txt".to_string(),
            "reports/2025/room-4.txt".to_string(),
        ]))
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire, "delete_files").await;
    sent.assert_request("DELETE", "/files", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!(["reports/2025/room-3.txt", "reports/2025/room-4.txt"]),
        "the paths go in a JSON body on this DELETE"
    );
    assert_eq!(reply.0, example("tago", "delete_files"));
}

#[tokio::test]
async fn copy_files() {
    let wire = serve("copy_files").await;
    let reply = client(&wire)
        .copy_files()
        .body(types::FileMoves(vec![types::FileMove {
            from: Some("reports/2025/room-3.txt".to_string()),
            to: Some("archive/2025/room-3.txt".to_string()),
        }]))
        .send()
        .await
        .expect("copied");
    let sent = sent(&wire, "copy_files").await;
    sent.assert_request("PUT", "/files/copy", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!([{ "from": "reports/2025/room-3.txt", "to": "archive/2025/room-3.txt" }])
    );
    assert_eq!(reply.0, example("tago", "copy_files"));
}

#[tokio::test]
async fn get_file_permission() {
    let wire = serve("get_file_permission").await;
    let permission = client(&wire)
        .get_file_permission()
        .file("reports/2025/room-3.txt")
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire, "get_file_permission").await;
    sent.assert_request(
        "GET",
        "/files/permission",
        &[("file", "reports/2025/room-3.txt")],
    );
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    assert_eq!(
        permission.public,
        example("tago", "get_file_permission")["public"].as_bool()
    );
    assert_eq!(permission.public, Some(false));
}

#[tokio::test]
async fn set_file_permissions() {
    let wire = serve("set_file_permissions").await;
    let reply = client(&wire)
        .set_file_permissions()
        .body(types::FilePermissions(vec![
            types::FilePermission {
                file: Some("reports/2025/room-3.txt".to_string()),
                public: Some(true),
            },
            types::FilePermission {
                file: Some("reports/2025/room-4.txt".to_string()),
                public: Some(false),
            },
        ]))
        .send()
        .await
        .expect("set");
    let sent = sent(&wire, "set_file_permissions").await;
    sent.assert_request("PUT", "/files/permission", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!([
            { "file": "reports/2025/room-3.txt", "public": true },
            { "file": "reports/2025/room-4.txt", "public": false }
        ])
    );
    assert_eq!(reply.0, example("tago", "set_file_permissions"));
}

// ---------------------------------------------------------------------------------------------
// Notifications (profile inbox)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_notifications() {
    let wire = serve("list_notifications").await;
    let notifications = client(&wire)
        .list_notifications()
        .page(1u32)
        .amount(20u32)
        .filter_read(false)
        .order_by("created_at,desc")
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire, "list_notifications").await;
    sent.assert_request(
        "GET",
        "/notification",
        &[
            ("amount", "20"),
            ("filter[read]", "false"),
            ("orderBy", "created_at,desc"),
            ("page", "1"),
        ],
    );
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "list_notifications");
    assert_eq!(notifications.len(), 1);
    let notification = &notifications[0];
    assert_eq!(notification.id.as_deref(), Some(NOTIFICATION));
    assert_eq!(
        notification.message.as_deref(),
        expected[0]["message"].as_str()
    );
    let icon = notification.icon.as_ref().expect("icon");
    assert_eq!(icon.bg_color.as_deref(), Some("#1f6feb"));
    assert_eq!(notification.buttons.len(), 2);
    assert_eq!(notification.buttons[0].id.as_deref(), Some("accept"));
    assert_eq!(
        notification.buttons[1].triggers[0].share_profile,
        Some(types::ShareAnswer::Refuse)
    );
}

#[tokio::test]
async fn create_notification() {
    let wire = serve("create_notification").await;
    let reply = client(&wire)
        .create_notification()
        .body_map(|b| {
            b.title("Nightly export ready")
                .message("The CSV export of room 3 is in Files.")
                .icon(Some(types::NotificationIcon {
                    svg_url: Some("https://admin.tago.io/icons/file.svg".to_string()),
                    bg_color: Some("#1f6feb".to_string()),
                    ..Default::default()
                }))
                .buttons(vec![types::NotificationButton {
                    id: Some("open".to_string()),
                    label: Some("Open Files".to_string()),
                    color: Some("blue".to_string()),
                    triggers: vec![types::NotificationTrigger {
                        url: Some("https://admin.tago.io/files".to_string()),
                        method: Some("GET".to_string()),
                        ..Default::default()
                    }],
                }])
                .buttons_enabled(Some(true))
        })
        .send()
        .await
        .expect("created");
    let sent = sent(&wire, "create_notification").await;
    sent.assert_request("POST", "/notification", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "title": "Nightly export ready",
            "message": "The CSV export of room 3 is in Files.",
            "icon": { "svg_url": "https://admin.tago.io/icons/file.svg", "bg_color": "#1f6feb" },
            "buttons": [{
                "id": "open",
                "label": "Open Files",
                "color": "blue",
                "triggers": [{ "url": "https://admin.tago.io/files", "method": "GET" }]
            }],
            "buttons_enabled": true
        })
    );
    assert_eq!(reply.id.as_deref(), Some(NOTIFICATION));
}

#[tokio::test]
async fn mark_notifications_read() {
    let wire = serve("mark_notifications_read").await;
    let reply = client(&wire)
        .mark_notifications_read()
        .body_map(|b| {
            b.notification_ids(vec![NOTIFICATION.to_string()])
                .read(Some(true))
        })
        .send()
        .await
        .expect("marked");
    let sent = sent(&wire, "mark_notifications_read").await;
    sent.assert_request("PUT", "/notification/read", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({ "notification_ids": [NOTIFICATION], "read": true })
    );
    assert_eq!(reply.0, example("tago", "mark_notifications_read"));
}

#[tokio::test]
async fn mark_all_notifications_read() {
    let wire = serve("mark_all_notifications_read").await;
    let reply = client(&wire)
        .mark_all_notifications_read()
        .send()
        .await
        .expect("marked");
    let sent = sent(&wire, "mark_all_notifications_read").await;
    sent.assert_request("PUT", "/notification/markallread", &[]);
    assert_eq!(sent.json(), Value::Null, "no body");
    assert_eq!(reply.0, example("tago", "mark_all_notifications_read"));
}

#[tokio::test]
async fn press_notification_button() {
    let wire = serve("press_notification_button").await;
    let reply = client(&wire)
        .press_notification_button()
        .id(NOTIFICATION)
        .button_id("accept")
        .send()
        .await
        .expect("pressed");
    let sent = sent(&wire, "press_notification_button").await;
    sent.assert_request("PUT", &format!("/notification/{NOTIFICATION}/accept"), &[]);
    assert_eq!(sent.json(), Value::Null, "no body");
    assert_eq!(reply.0, example("tago", "press_notification_button"));
}

#[tokio::test]
async fn delete_notification() {
    let wire = serve("delete_notification").await;
    let reply = client(&wire)
        .delete_notification()
        .id(NOTIFICATION)
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire, "delete_notification").await;
    sent.assert_request("DELETE", &format!("/notification/{NOTIFICATION}"), &[]);
    assert_eq!(sent.json(), Value::Null);
    assert_eq!(reply.0, example("tago", "delete_notification"));
}

#[tokio::test]
async fn register_push_token() {
    let wire = serve("register_push_token").await;
    let reply = client(&wire)
        .register_push_token()
        .body_map(|b| {
            b.device_token(Some("fcm-4kQ2mZ9xYpL7vN3bT8wR1sD6".to_string()))
                .platform(Some(types::PushPlatform::Android))
        })
        .send()
        .await
        .expect("registered");
    let sent = sent(&wire, "register_push_token").await;
    sent.assert_request("POST", "/notification/push/register", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({ "device_token": "fcm-4kQ2mZ9xYpL7vN3bT8wR1sD6", "platform": "android" })
    );
    assert_eq!(reply.0, example("tago", "register_push_token"));
}

#[tokio::test]
async fn unregister_push_token() {
    let wire = serve("unregister_push_token").await;
    let reply = client(&wire)
        .unregister_push_token()
        .body_map(|b| b.device_token(Some("fcm-4kQ2mZ9xYpL7vN3bT8wR1sD6".to_string())))
        .send()
        .await
        .expect("unregistered");
    let sent = sent(&wire, "unregister_push_token").await;
    sent.assert_request("POST", "/notification/push/unregister", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({ "device_token": "fcm-4kQ2mZ9xYpL7vN3bT8wR1sD6" })
    );
    assert_eq!(reply.0, example("tago", "unregister_push_token"));
}

// ---------------------------------------------------------------------------------------------
// Account
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn get_account() {
    let wire = serve("get_account").await;
    let account = client(&wire).get_account().send().await.expect("fetched");
    let sent = sent(&wire, "get_account").await;
    sent.assert_request("GET", "/account", &[]);
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "get_account");
    assert_eq!(account.id.as_deref(), expected["id"].as_str());
    assert_eq!(account.email.as_deref(), Some(EMAIL));
    assert_eq!(account.plan.as_deref(), Some("starter"));
    assert_eq!(account.type_.as_deref(), Some("user"));
    assert_eq!(account.blocked, Some(false));
    let options = account.options.as_ref().expect("options");
    assert_eq!(options.show_last_updated_at, Some(true));
    let otp = account.otp.as_ref().expect("otp");
    assert_eq!((otp.authenticator, otp.sms), (Some(true), Some(false)));
}

#[tokio::test]
async fn edit_account() {
    let wire = serve("edit_account").await;
    let reply = client(&wire)
        .edit_account()
        .body_map(|b| {
            b.timezone(Some("Europe/Lisbon".to_string()))
                .company(Some("Acme Cold Chain".to_string()))
                .options(Some(types::AccountOptions {
                    time_format: Some("24h".to_string()),
                    show_last_updated_at: Some(true),
                    ..Default::default()
                }))
        })
        .send()
        .await
        .expect("edited");
    let sent = sent(&wire, "edit_account").await;
    sent.assert_request("PUT", "/account", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "timezone": "Europe/Lisbon",
            "company": "Acme Cold Chain",
            "options": { "time_format": "24h", "show_last_updated_at": true }
        })
    );
    assert_eq!(reply.0, example("tago", "edit_account"));
}

#[tokio::test]
async fn delete_account() {
    let wire = serve("delete_account").await;
    let reply = client(&wire)
        .delete_account()
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire, "delete_account").await;
    sent.assert_request("DELETE", "/account", &[]);
    assert_eq!(sent.json(), Value::Null);
    assert_eq!(reply.0, example("tago", "delete_account"));
}

#[tokio::test]
async fn create_account() {
    let wire = serve("create_account").await;
    let reply = client(&wire)
        .create_account()
        .body_map(|b| {
            b.name("Rui Costa")
                .email(EMAIL)
                .password(PASSWORD)
                .cpassword(PASSWORD)
                .timezone("Europe/Lisbon")
                .company(Some("Acme Cold Chain".to_string()))
                .country(Some("Portugal".to_string()))
                .newsletter(Some(false))
        })
        .send()
        .await
        .expect("created");
    let sent = sent(&wire, "create_account").await;
    sent.assert_request("POST", "/account", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "name": "Rui Costa",
            "email": EMAIL,
            "password": PASSWORD,
            "cpassword": PASSWORD,
            "timezone": "Europe/Lisbon",
            "company": "Acme Cold Chain",
            "country": "Portugal",
            "newsletter": false
        })
    );
    assert_eq!(reply.0, example("tago", "create_account"));
}

#[tokio::test]
async fn login() {
    let wire = serve("login").await;
    let account = client(&wire)
        .login()
        .body_map(|b| {
            b.email(EMAIL)
                .password(PASSWORD)
                .otp_type(Some(types::OtpType::Email))
                .pin_code(Some("482913".into()))
        })
        .send()
        .await
        .expect("logged in");
    let sent = sent(&wire, "login").await;
    sent.assert_request("POST", "/account/login", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({ "email": EMAIL, "password": PASSWORD, "otp_type": "email", "pin_code": "482913" })
    );
    let expected = example("tago", "login");
    assert_eq!(account.id.as_deref(), expected["id"].as_str());
    assert_eq!(account.email.as_deref(), Some(EMAIL));
    assert_eq!(account.profiles.len(), 1);
    assert_eq!(account.profiles[0].id.as_deref(), Some(PROFILE));
    assert_eq!(account.profiles[0].name.as_deref(), Some("Acme Lisbon"));
}

#[tokio::test]
async fn request_login_otp() {
    let wire = serve("request_login_otp").await;
    let reply = client(&wire)
        .request_login_otp()
        .body_map(|b| {
            b.email(Some(EMAIL.to_string()))
                .password(Some(PASSWORD.into()))
                .otp_type(Some(types::OtpType::Sms))
        })
        .send()
        .await
        .expect("requested");
    let sent = sent(&wire, "request_login_otp").await;
    sent.assert_request("POST", "/account/login/otp", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({ "email": EMAIL, "password": PASSWORD, "otp_type": "sms" })
    );
    assert_eq!(reply.0, example("tago", "request_login_otp"));
}

#[tokio::test]
async fn create_profile_token_from_credentials() {
    let wire = serve("create_profile_token_from_credentials").await;
    let token = client(&wire)
        .create_profile_token_from_credentials()
        .body_map(|b| {
            b.profile_id(PROFILE)
                .email(EMAIL)
                .password(PASSWORD)
                .name("portico-cli")
                .otp_type(Some(types::OtpType::Authenticator))
                .pin_code(Some("482913".into()))
        })
        .send()
        .await
        .expect("created");
    let sent = sent(&wire, "create_profile_token_from_credentials").await;
    sent.assert_request("POST", "/account/profile/token", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "profile_id": PROFILE,
            "email": EMAIL,
            "password": PASSWORD,
            "name": "portico-cli",
            "otp_type": "authenticator",
            "pin_code": "482913"
        })
    );
    let expected = example("tago", "create_profile_token_from_credentials");
    assert_eq!(
        token.token.as_ref().map(portico::Secret::expose),
        Some(PROFILE_TOKEN)
    );
    assert_eq!(token.permission, Some(types::ProfileTokenPermission::Full));
    assert_eq!(token.profile.as_deref(), Some(PROFILE));
    assert_eq!(token.created_by.as_deref(), expected["created_by"].as_str());
}

#[tokio::test]
async fn send_password_reset() {
    let wire = serve("send_password_reset").await;
    let reply = client(&wire)
        .send_password_reset()
        .email(EMAIL)
        .send()
        .await
        .expect("sent");
    let sent = sent(&wire, "send_password_reset").await;
    sent.assert_request("GET", &format!("/account/passwordreset/{EMAIL}"), &[]);
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    assert_eq!(reply.0, example("tago", "send_password_reset"));
}

#[tokio::test]
async fn change_password() {
    let wire = serve("change_password").await;
    let reply = client(&wire)
        .change_password()
        .body_map(|b| b.password("another-correct-horse-battery"))
        .send()
        .await
        .expect("changed");
    let sent = sent(&wire, "change_password").await;
    sent.assert_request("POST", "/account/passwordreset", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({ "password": "another-correct-horse-battery" })
    );
    assert_eq!(reply.0, example("tago", "change_password"));
}

#[tokio::test]
async fn resend_confirmation() {
    let wire = serve("resend_confirmation").await;
    let reply = client(&wire)
        .resend_confirmation()
        .email(EMAIL)
        .send()
        .await
        .expect("sent");
    let sent = sent(&wire, "resend_confirmation").await;
    sent.assert_request("GET", &format!("/account/resend_confirmation/{EMAIL}"), &[]);
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    assert_eq!(reply.0, example("tago", "resend_confirmation"));
}

#[tokio::test]
async fn confirm_account() {
    let wire = serve("confirm_account").await;
    let token = "c0nf1rm-4e9d-4c7b-a6f5-3e2d1c0b9a87";
    let reply = client(&wire)
        .confirm_account()
        .token(token)
        .send()
        .await
        .expect("confirmed");
    let sent = sent(&wire, "confirm_account").await;
    sent.assert_request("GET", &format!("/account/confirm/{token}"), &[]);
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    assert_eq!(reply.0, example("tago", "confirm_account"));
}

#[tokio::test]
async fn enable_otp() {
    let wire = serve("enable_otp").await;
    let reply = client(&wire)
        .enable_otp()
        .type_(types::OtpType::Authenticator)
        .body_map(|b| {
            b.email(Some(EMAIL.to_string()))
                .password(Some(PASSWORD.into()))
        })
        .send()
        .await
        .expect("enabled");
    let sent = sent(&wire, "enable_otp").await;
    sent.assert_request("POST", "/account/otp/authenticator/enable", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(sent.json(), json!({ "email": EMAIL, "password": PASSWORD }));
    assert_eq!(reply.0, example("tago", "enable_otp"));
}

#[tokio::test]
async fn disable_otp() {
    let wire = serve("disable_otp").await;
    let reply = client(&wire)
        .disable_otp()
        .type_(types::OtpType::Sms)
        .body_map(|b| {
            b.email(Some(EMAIL.to_string()))
                .password(Some(PASSWORD.into()))
        })
        .send()
        .await
        .expect("disabled");
    let sent = sent(&wire, "disable_otp").await;
    sent.assert_request("POST", "/account/otp/sms/disable", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(sent.json(), json!({ "email": EMAIL, "password": PASSWORD }));
    assert_eq!(reply.0, example("tago", "disable_otp"));
}

#[tokio::test]
async fn confirm_otp() {
    let wire = serve("confirm_otp").await;
    let reply = client(&wire)
        .confirm_otp()
        .type_(types::OtpType::Email)
        .body_map(|b| b.pin_code(Some("482913".into())))
        .send()
        .await
        .expect("confirmed");
    let sent = sent(&wire, "confirm_otp").await;
    sent.assert_request("POST", "/account/otp/email/confirm", &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(sent.json(), json!({ "pin_code": "482913" }));
    assert_eq!(reply.0, example("tago", "confirm_otp"));
}

// ---------------------------------------------------------------------------------------------
// Profile
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_profiles() {
    let wire = serve("list_profiles").await;
    let profiles = client(&wire).list_profiles().send().await.expect("listed");
    let sent = sent(&wire, "list_profiles").await;
    sent.assert_request("GET", "/profile", &[]);
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "list_profiles");
    assert_eq!(profiles.len(), 2);
    assert_eq!(profiles[0].id.as_deref(), Some(PROFILE));
    assert_eq!(
        profiles[0].logo_url.as_deref(),
        expected[0]["logo_url"].as_str()
    );
    assert_eq!(profiles[0].from_share, None);
    assert_eq!(profiles[1].id.as_deref(), Some(OTHER_PROFILE));
    assert_eq!(profiles[1].logo_url, None);
    assert_eq!(profiles[1].from_share, Some(true));
}

#[tokio::test]
async fn create_profile() {
    let wire = serve("create_profile").await;
    let reply = client(&wire)
        .create_profile()
        .allocate_free_resources(true)
        .body_map(|b| b.name(Some("Acme Porto".to_string())))
        .send()
        .await
        .expect("created");
    let sent = sent(&wire, "create_profile").await;
    sent.assert_request("POST", "/profile", &[("allocate_free_resources", "true")]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(sent.json(), json!({ "name": "Acme Porto" }));
    assert_eq!(
        reply.id.as_deref(),
        example("tago", "create_profile")["id"].as_str()
    );
}

#[tokio::test]
async fn get_profile() {
    let wire = serve("get_profile").await;
    let profile = client(&wire)
        .get_profile()
        .id(PROFILE)
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire, "get_profile").await;
    sent.assert_request("GET", &format!("/profile/{PROFILE}"), &[]);
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "get_profile");
    let info = profile.info.as_ref().expect("info");
    assert_eq!(info.id.as_deref(), Some(PROFILE));
    assert_eq!(
        info.banner_url.as_deref(),
        expected["info"]["banner_url"].as_str()
    );
    let allocation = profile.allocation.as_ref().expect("allocation");
    assert_eq!(allocation.input, Some(2_000_000.0));
    assert_eq!(allocation.run_users, Some(50.0));
    assert_eq!(profile.account_plan.as_deref(), Some("starter"));
    assert!(profile.addons.as_ref().expect("addons").is_empty());
}

#[tokio::test]
async fn edit_profile() {
    let wire = serve("edit_profile").await;
    let reply = client(&wire)
        .edit_profile()
        .id(PROFILE)
        .body_map(|b| {
            b.name(Some("Acme Lisbon (main)".to_string()))
                .logo_url(Some(
                    "https://files.tago.io/logos/acme-2025.png".to_string(),
                ))
        })
        .send()
        .await
        .expect("edited");
    let sent = sent(&wire, "edit_profile").await;
    sent.assert_request("PUT", &format!("/profile/{PROFILE}"), &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "name": "Acme Lisbon (main)",
            "logo_url": "https://files.tago.io/logos/acme-2025.png"
        })
    );
    assert_eq!(reply.0, example("tago", "edit_profile"));
}

#[tokio::test]
async fn delete_profile() {
    let wire = serve("delete_profile").await;
    let reply = client(&wire)
        .delete_profile()
        .id(OTHER_PROFILE)
        .body_map(|b| b.password(PASSWORD).pin_code(Some("482913".into())))
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire, "delete_profile").await;
    sent.assert_request("DELETE", &format!("/profile/{OTHER_PROFILE}"), &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({ "password": PASSWORD, "pin_code": "482913" }),
        "the password goes in a JSON body on this DELETE"
    );
    assert_eq!(reply.0, example("tago", "delete_profile"));
}

#[tokio::test]
async fn get_profile_summary() {
    let wire = serve("get_profile_summary").await;
    let summary = client(&wire)
        .get_profile_summary()
        .id("current")
        .only_amount(false)
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire, "get_profile_summary").await;
    sent.assert_request(
        "GET",
        "/profile/current/summary",
        &[("onlyAmount", "false")],
    );
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "get_profile_summary");
    let amount = summary.amount.as_ref().expect("amount");
    assert_eq!(amount.device, Some(42));
    assert_eq!(amount.run_users, expected["amount"]["run_users"].as_i64());
    assert_eq!(summary.limit["input"], 2_000_000);
    assert_eq!(summary.limit_used["email"], expected["limit_used"]["email"]);
    assert!(summary.addons.is_empty());
}

#[tokio::test]
async fn get_profile_statistics() {
    let wire = serve("get_profile_statistics").await;
    let statistics = client(&wire)
        .get_profile_statistics()
        .id(PROFILE)
        .start_date("2025-09-05T00:00:00.000Z")
        .end_date("2025-09-06T23:59:59.999Z")
        .periodicity(types::StatisticsPeriodicity::Day)
        .timezone("Europe/Lisbon")
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire, "get_profile_statistics").await;
    sent.assert_request(
        "GET",
        &format!("/profile/{PROFILE}/statistics"),
        &[
            ("end_date", "2025-09-06T23:59:59.999Z"),
            ("periodicity", "day"),
            ("start_date", "2025-09-05T00:00:00.000Z"),
            ("timezone", "Europe/Lisbon"),
        ],
    );
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "get_profile_statistics");
    assert_eq!(statistics.len(), 2);
    assert_eq!(statistics[0].time.as_deref(), expected[0]["time"].as_str());
    assert_eq!(statistics[0].input, Some(6120.0));
    assert_eq!(statistics[1].output, Some(29840.0));
    assert_eq!(statistics[1].file_storage, Some(0.42));
}

#[tokio::test]
async fn start_audit_log_query() {
    let wire = serve("start_audit_log_query").await;
    let query = client(&wire)
        .start_audit_log_query()
        .id(PROFILE)
        .resource_name(types::AuditResource::Device)
        .resource_id(DEVICE)
        .find("edited")
        .start_date("2025-06-01T00:00:00.000Z")
        .end_date("2025-06-30T23:59:59.999Z")
        .limit(100u32)
        .send()
        .await
        .expect("started");
    let sent = sent(&wire, "start_audit_log_query").await;
    sent.assert_request(
        "GET",
        &format!("/profile/{PROFILE}/auditlog"),
        &[
            ("end_date", "2025-06-30T23:59:59.999Z"),
            ("find", "edited"),
            ("limit", "100"),
            ("resourceID", DEVICE),
            ("resourceName", "device"),
            ("start_date", "2025-06-01T00:00:00.000Z"),
        ],
    );
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    assert_eq!(query.query_id.as_deref(), Some(AUDIT_QUERY));
    assert_eq!(query.status.as_deref(), Some("Running"));
    assert!(query.events.is_empty(), "still running");
}

#[tokio::test]
async fn get_audit_log_query() {
    let wire = serve("get_audit_log_query").await;
    let query = client(&wire)
        .get_audit_log_query()
        .id(PROFILE)
        .query_id(AUDIT_QUERY)
        .send()
        .await
        .expect("polled");
    let sent = sent(&wire, "get_audit_log_query").await;
    sent.assert_request(
        "GET",
        &format!("/profile/{PROFILE}/auditlog/{AUDIT_QUERY}"),
        &[],
    );
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "get_audit_log_query");
    assert_eq!(query.status.as_deref(), Some("Complete"));
    assert_eq!(query.events.len(), 1);
    let event = &query.events[0];
    assert_eq!(event.resource_name, Some(types::AuditResource::Device));
    assert_eq!(event.resource_id.as_deref(), Some(DEVICE));
    assert_eq!(
        event.message.as_deref(),
        expected["events"][0]["message"].as_str()
    );
    assert_eq!(query.statistics, Some(expected["statistics"].clone()));
}

#[tokio::test]
async fn list_profile_tokens() {
    let wire = serve("list_profile_tokens").await;
    let tokens = client(&wire)
        .list_profile_tokens()
        .id(PROFILE)
        .page(1u32)
        .amount(20u32)
        .fields(vec![
            "name".to_string(),
            "token".to_string(),
            "permission".to_string(),
            "expire_time".to_string(),
        ])
        .order_by("created_at,desc")
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire, "list_profile_tokens").await;
    sent.assert_request(
        "GET",
        &format!("/profile/{PROFILE}/token"),
        &[
            ("amount", "20"),
            ("fields[]", "name"),
            ("fields[]", "token"),
            ("fields[]", "permission"),
            ("fields[]", "expire_time"),
            ("orderBy", "created_at,desc"),
            ("page", "1"),
        ],
    );
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "list_profile_tokens");
    assert_eq!(tokens.len(), 1);
    assert_eq!(
        tokens[0].token.as_ref().map(portico::Secret::expose),
        Some(PROFILE_TOKEN)
    );
    assert_eq!(
        tokens[0].permission,
        Some(types::ProfileTokenPermission::Full)
    );
    assert_eq!(
        tokens[0].expire_time.as_deref(),
        expected[0]["expire_time"].as_str()
    );
}

#[tokio::test]
async fn create_profile_token() {
    let wire = serve("create_profile_token").await;
    let reply = client(&wire)
        .create_profile_token()
        .id(PROFILE)
        .body_map(|b| {
            b.name("dashboard-reader")
                .permission(types::ProfileTokenPermission::Read)
                .expire_time(Some("6 months".to_string()))
                .email(Some(EMAIL.to_string()))
                .password(Some(PASSWORD.into()))
        })
        .send()
        .await
        .expect("created");
    let sent = sent(&wire, "create_profile_token").await;
    sent.assert_request("POST", &format!("/profile/{PROFILE}/token"), &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "name": "dashboard-reader",
            "permission": "read",
            "expire_time": "6 months",
            "email": EMAIL,
            "password": PASSWORD
        })
    );
    let expected = example("tago", "create_profile_token");
    assert_eq!(
        reply.token.as_ref().map(portico::Secret::expose),
        expected["token"].as_str()
    );
    assert_eq!(reply.permission, Some(types::ProfileTokenPermission::Read));
    assert_eq!(
        reply.expire_date.as_deref(),
        expected["expire_date"].as_str()
    );
}

#[tokio::test]
async fn delete_profile_token() {
    let wire = serve("delete_profile_token").await;
    let reply = client(&wire)
        .delete_profile_token()
        .id(PROFILE)
        .token(PROFILE_TOKEN)
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire, "delete_profile_token").await;
    sent.assert_request(
        "DELETE",
        &format!("/profile/{PROFILE}/token/{PROFILE_TOKEN}"),
        &[],
    );
    assert_eq!(sent.json(), Value::Null);
    assert_eq!(reply.0, example("tago", "delete_profile_token"));
}

#[tokio::test]
async fn list_team_members() {
    let wire = serve("list_team_members").await;
    let team = client(&wire)
        .list_team_members()
        .id(PROFILE)
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire, "list_team_members").await;
    sent.assert_request("GET", &format!("/profile/{PROFILE}/team"), &[]);
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "list_team_members");
    assert_eq!(team.len(), 1);
    assert_eq!(team[0].id.as_deref(), Some(TEAM_MEMBER));
    assert_eq!(team[0].email.as_deref(), expected[0]["email"].as_str());
    assert_eq!(team[0].active, Some(true));
}

#[tokio::test]
async fn invite_team_member() {
    let wire = serve("invite_team_member").await;
    let reply = client(&wire)
        .invite_team_member()
        .id(PROFILE)
        .body_map(|b| b.email("marta.silva@example.com"))
        .send()
        .await
        .expect("invited");
    let sent = sent(&wire, "invite_team_member").await;
    sent.assert_request("POST", &format!("/profile/{PROFILE}/team"), &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(sent.json(), json!({ "email": "marta.silva@example.com" }));
    assert_eq!(reply.0, example("tago", "invite_team_member"));
}

#[tokio::test]
async fn remove_team_member() {
    let wire = serve("remove_team_member").await;
    let reply = client(&wire)
        .remove_team_member()
        .id(PROFILE)
        .account_id(TEAM_MEMBER)
        .send()
        .await
        .expect("removed");
    let sent = sent(&wire, "remove_team_member").await;
    sent.assert_request(
        "DELETE",
        &format!("/profile/{PROFILE}/team/{TEAM_MEMBER}"),
        &[],
    );
    assert_eq!(sent.json(), Value::Null);
    assert_eq!(reply.0, example("tago", "remove_team_member"));
}

#[tokio::test]
async fn accept_team_invitation() {
    let wire = serve("accept_team_invitation").await;
    let reply = client(&wire)
        .accept_team_invitation()
        .token(INVITATION)
        .send()
        .await
        .expect("accepted");
    let sent = sent(&wire, "accept_team_invitation").await;
    sent.assert_request("GET", &format!("/profile/team/accept/{INVITATION}"), &[]);
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    assert_eq!(reply.0, example("tago", "accept_team_invitation"));
}

#[tokio::test]
async fn decline_team_invitation() {
    let wire = serve("decline_team_invitation").await;
    let reply = client(&wire)
        .decline_team_invitation()
        .token(INVITATION)
        .send()
        .await
        .expect("declined");
    let sent = sent(&wire, "decline_team_invitation").await;
    sent.assert_request("GET", &format!("/profile/team/decline/{INVITATION}"), &[]);
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    assert_eq!(reply.0, example("tago", "decline_team_invitation"));
}

#[tokio::test]
async fn get_profile_addons() {
    let wire = serve("get_profile_addons").await;
    let addons = client(&wire)
        .get_profile_addons()
        .id(PROFILE)
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire, "get_profile_addons").await;
    sent.assert_request("GET", &format!("/profile/{PROFILE}/addons"), &[]);
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    assert_eq!(
        Value::Object(addons.0.clone()),
        example("tago", "get_profile_addons")
    );
    assert_eq!(addons.0["custom_dns"], true);
}

#[tokio::test]
async fn edit_profile_addons() {
    let wire = serve("edit_profile_addons").await;
    let reply = client(&wire)
        .edit_profile_addons()
        .id(PROFILE)
        .body(types::ProfileAddons(object(json!({ "mobile": true }))))
        .send()
        .await
        .expect("edited");
    let sent = sent(&wire, "edit_profile_addons").await;
    sent.assert_request("POST", &format!("/profile/{PROFILE}/addons"), &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(sent.json(), json!({ "mobile": true }));
    assert_eq!(reply.0, example("tago", "edit_profile_addons"));
}

#[tokio::test]
async fn remove_profile_addon() {
    let wire = serve("remove_profile_addon").await;
    let reply = client(&wire)
        .remove_profile_addon()
        .id(PROFILE)
        .addon("custom_dns")
        .send()
        .await
        .expect("removed");
    let sent = sent(&wire, "remove_profile_addon").await;
    sent.assert_request("DELETE", &format!("/profile/{PROFILE}/custom_dns"), &[]);
    assert_eq!(sent.json(), Value::Null);
    assert_eq!(reply.0, example("tago", "remove_profile_addon"));
}

#[tokio::test]
async fn switch_profile() {
    let wire = serve("switch_profile").await;
    let reply = client(&wire)
        .switch_profile()
        .target_profile_id(OTHER_PROFILE)
        .send()
        .await
        .expect("switched");
    let sent = sent(&wire, "switch_profile").await;
    sent.assert_request("PUT", &format!("/profile/switch/{OTHER_PROFILE}"), &[]);
    assert_eq!(sent.json(), Value::Null, "no body");
    assert_eq!(reply.0, example("tago", "switch_profile"));
}

#[tokio::test]
async fn edit_profile_services() {
    let wire = serve("edit_profile_services").await;
    let reply = client(&wire)
        .edit_profile_services()
        .id(PROFILE)
        .body_map(|b| {
            b.email(Some(types::EmailServiceConfig {
                provider: Some(types::EmailProvider::Smtp),
                from: Some("alerts@example.com".to_string()),
                secrets: object(json!({
                    "host": "smtp.example.com",
                    "port": 587,
                    "username": "alerts",
                    "password": "app-password-42"
                })),
            }))
            .sms(Some(types::SmsServiceConfig {
                provider: Some(types::SmsProvider::Twilio),
                from: Some("+351300000111".to_string()),
                secrets: object(json!({
                    "account_sid": "AC8f1e2d3c4b5a69788796a5b4c3d2e1f0",
                    "auth_token": "twilio-token-42"
                })),
            }))
        })
        .send()
        .await
        .expect("saved");
    let sent = sent(&wire, "edit_profile_services").await;
    sent.assert_request("PUT", &format!("/profile/{PROFILE}/service"), &[]);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "email": {
                "provider": "smtp",
                "from": "alerts@example.com",
                "secrets": {
                    "host": "smtp.example.com",
                    "port": 587,
                    "username": "alerts",
                    "password": "app-password-42"
                }
            },
            "sms": {
                "provider": "twilio",
                "from": "+351300000111",
                "secrets": {
                    "account_sid": "AC8f1e2d3c4b5a69788796a5b4c3d2e1f0",
                    "auth_token": "twilio-token-42"
                }
            }
        })
    );
    assert_eq!(reply.0, example("tago", "edit_profile_services"));
}

#[tokio::test]
async fn test_profile_service() {
    let wire = serve("test_profile_service").await;
    let reply = client(&wire)
        .test_profile_service()
        .id(PROFILE)
        .service(types::ServiceKind::Email)
        .body_map(|b| {
            b.to(EMAIL)
                .subject(Some("Test".to_string()))
                .message(Some("This is a test of the SMTP settings.".to_string()))
        })
        .send()
        .await
        .expect("sent");
    let sent = sent(&wire, "test_profile_service").await;
    sent.assert_request(
        "POST",
        &format!("/profile/{PROFILE}/service/test/email"),
        &[],
    );
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({ "to": EMAIL, "subject": "Test", "message": "This is a test of the SMTP settings." })
    );
    let expected = example("tago", "test_profile_service");
    assert_eq!(reply.message.as_deref(), Some("Test email sent"));
    assert_eq!(reply.message_id.as_deref(), expected["message_id"].as_str());
}

#[tokio::test]
async fn create_backup() {
    let wire = serve("create_backup").await;
    let started = client(&wire)
        .create_backup()
        .id(PROFILE)
        .send()
        .await
        .expect("started");
    let sent = sent(&wire, "create_backup").await;
    sent.assert_request("POST", &format!("/profile/{PROFILE}/backup"), &[]);
    assert_eq!(sent.json(), Value::Null, "no body");
    // The envelope is optional here; wrapped, it is unwrapped like any other reply.
    assert_eq!(started.message.as_deref(), Some("Backup started"));
    assert_eq!(started.profile.as_deref(), Some(PROFILE));
    assert_eq!(started.backup_id.as_deref(), Some(BACKUP));
}

#[tokio::test]
async fn list_backups() {
    let wire = serve("list_backups").await;
    let backups = client(&wire)
        .list_backups()
        .id(PROFILE)
        .page(1u32)
        .amount(10u32)
        .order_by("created_at,desc")
        .send()
        .await
        .expect("listed");
    let sent = sent(&wire, "list_backups").await;
    sent.assert_request(
        "GET",
        &format!("/profile/{PROFILE}/backup"),
        &[
            ("amount", "10"),
            ("orderBy", "created_at,desc"),
            ("page", "1"),
        ],
    );
    assert_eq!(sent.json(), Value::Null, "a GET has no body");
    let expected = example("tago", "list_backups");
    assert_eq!(backups.len(), 1);
    assert_eq!(backups[0].id.as_deref(), Some(BACKUP));
    assert_eq!(backups[0].status, Some(types::BackupStatus::Completed));
    assert_eq!(backups[0].file_size, Some(48_213_377.0));
    assert_eq!(
        backups[0].version_id.as_deref(),
        expected[0]["version_id"].as_str()
    );
    assert_eq!(backups[0].error_message, None);
}

#[tokio::test]
async fn get_backup_download_url() {
    let wire = serve("get_backup_download_url").await;
    let download = client(&wire)
        .get_backup_download_url()
        .id(PROFILE)
        .backup_id(BACKUP)
        .body_map(|b| {
            b.password(PASSWORD)
                .otp_type(Some(types::OtpType::Authenticator))
                .pin_code(Some("482913".into()))
        })
        .send()
        .await
        .expect("fetched");
    let sent = sent(&wire, "get_backup_download_url").await;
    sent.assert_request(
        "POST",
        &format!("/profile/{PROFILE}/backup/{BACKUP}/download"),
        &[],
    );
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({ "password": PASSWORD, "otp_type": "authenticator", "pin_code": "482913" })
    );
    let expected = example("tago", "get_backup_download_url");
    assert_eq!(download.url.as_deref(), expected["url"].as_str());
    assert_eq!(download.size_unit.as_deref(), Some("MB"));
    assert_eq!(download.file_size_mb, Some(45.98));
    assert_eq!(download.backup_id.as_deref(), Some(BACKUP));
}

#[tokio::test]
async fn delete_backup() {
    let wire = serve("delete_backup").await;
    let reply = client(&wire)
        .delete_backup()
        .id(PROFILE)
        .backup_id(BACKUP)
        .body_map(|b| b.password(PASSWORD))
        .send()
        .await
        .expect("deleted");
    let sent = sent(&wire, "delete_backup").await;
    sent.assert_request(
        "DELETE",
        &format!("/profile/{PROFILE}/backup/{BACKUP}"),
        &[],
    );
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({ "password": PASSWORD }),
        "the password goes in a JSON body on this DELETE"
    );
    assert_eq!(reply.0, example("tago", "delete_backup"));
}
