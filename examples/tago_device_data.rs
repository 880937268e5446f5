//! TagoIO from both sides: a device sends two readings with its device token and reads them
//! back; then, with a profile token, the first devices of the profile are listed.
//!
//! ```text
//! TAGOIO_DEVICE_TOKEN=... TAGOIO_TOKEN=... cargo run -p portico-examples --example tago_device_data
//! ```
//! `TAGOIO_BASE_URL` points it at another server (a region such as `https://api.eu-w1.tago.io`,
//! a TagoDeploy instance, or a local mock on `http://127.0.0.1:PORT`).

use futures_util::StreamExt;
use portico_tago::{Client, DeviceClient, types};

#[tokio::main]
async fn main() -> Result<(), portico_tago::Error> {
    let base_url = std::env::var("TAGOIO_BASE_URL").ok();

    // The device side: only the seven device routes exist on this client.
    let mut builder = DeviceClient::builder().api_key_from_env()?; // TAGOIO_DEVICE_TOKEN
    if let Some(url) = &base_url {
        builder = builder.base_url(url.as_str());
    }
    let device = builder.user_agent_suffix("portico-example").build()?;
    // Variable names are checked before sending (no spaces, at most 100 characters).
    let reading =
        |variable: &str, value: f64, unit: &str| -> Result<types::DataInput, portico_tago::Error> {
            Ok(types::DataInput::builder()
                .variable(variable)
                .value(Some(types::DataValue::Double(value)))
                .unit(Some(unit.parse()?))
                .try_into()?)
        };
    let sent = device
        .send_data()
        .body(types::DataInputs::Array(vec![
            reading("temperature", 21.5, "°C")?,
            reading("humidity", 48.0, "%")?,
        ]))
        .send()
        .await?;
    println!("{}", sent.into_inner());

    let mut latest = device
        .get_data()
        .variables(vec!["temperature".to_string(), "humidity".to_string()])
        .stream_with_page_size(100)
        .take(10);
    while let Some(point) = latest.next().await {
        let point = point?;
        println!("{:?} = {:?} {:?}", point.variable, point.value, point.unit);
    }

    // The profile side, if a profile token is set.
    if std::env::var("TAGOIO_TOKEN").is_ok() {
        let mut builder = Client::builder().api_key_from_env()?;
        if let Some(url) = &base_url {
            builder = builder.base_url(url.as_str());
        }
        let client = builder.build()?;
        let devices = client
            .list_devices()
            .fields(vec!["id".to_string(), "name".to_string()])
            .send()
            .await?;
        for d in devices.iter() {
            println!("device {:?} {:?}", d.id, d.name);
        }
    }
    Ok(())
}
