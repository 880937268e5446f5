//! `portico-mock <provider> [--port N] [--rate-limits] [--plan NAME]`: serves a provider's spec
//! on 127.0.0.1 until interrupted. `cargo xtask mock` runs this.

use std::process::ExitCode;

use portico_mock::{MockServer, Provider};

const USAGE: &str = "usage: portico-mock <resend|tatango|sendo|nango|tago> [--port N] [--rate-limits] [--plan NAME]";

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(provider) = args.first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let provider: Provider = match provider.parse() {
        Ok(provider) => provider,
        Err(e) => {
            eprintln!("{e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut builder = MockServer::builder(provider);
    let mut rest = args[1..].iter();
    while let Some(arg) = rest.next() {
        builder = match (arg.as_str(), rest.clone().next()) {
            ("--port", Some(port)) => match port.parse() {
                Ok(port) => {
                    rest.next();
                    builder.port(port)
                }
                Err(_) => {
                    eprintln!("--port {port:?}: not a port number\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            ("--plan", Some(plan)) => {
                let plan = plan.clone();
                rest.next();
                builder.plan(plan)
            }
            ("--rate-limits", _) => builder.rate_limits(true),
            _ => {
                eprintln!("unknown argument {arg:?}\n{USAGE}");
                return ExitCode::from(2);
            }
        };
    }
    let server = match builder.start().await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("portico-mock: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "portico-mock: {} on {} (Ctrl-C to stop)",
        provider.name(),
        server.url()
    );
    let _ = tokio::signal::ctrl_c().await;
    ExitCode::SUCCESS
}
