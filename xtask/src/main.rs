//! `cargo xtask generate [--check]`: specs/*.yaml → crates/portico-<provider>/.

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask generate [--check]

  generate           lint every specs/*.yaml and write crates/portico-<provider>/
  generate --check   regenerate in memory; fail, naming the files, if any checked-in file differs";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let root = root.canonicalize().unwrap_or(root);
    match args.as_slice() {
        ["generate"] => report(xtask::generate::run(&root, xtask::generate::Mode::Write)),
        ["generate", "--check"] => {
            report(xtask::generate::run(&root, xtask::generate::Mode::Check))
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn report(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
