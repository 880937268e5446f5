//! `cargo xtask <command>`: generate the SDKs, run the mock server or the demo, cross-check
//! the SDKs against Prism.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const USAGE: &str = "usage: cargo xtask <command>

  generate           lint every specs/*.yaml and write crates/portico-<provider>/
  generate --check   regenerate in memory; fail, naming the files, if any checked-in file differs
  mock <provider> [--port N] [--rate-limits] [--plan NAME]
                     serve a provider's spec on 127.0.0.1 with portico-mock until Ctrl-C
  demo               each SDK's typical calls against portico-mock: no API key, no network
  prism              replay the requests every SDK sends in its wire tests to Stoplight Prism
                     (needs Node.js; installs the pinned tools/ with npm ci) and fail on any
                     request Prism finds at odds with the spec
  bench [args]       the benchmarks (bench/, a workspace of its own): per-call cost, throughput,
                     decode, memory; `bench instructions` counts instructions per call (valgrind);
                     `bench build` times clean builds, a rebuild and generate (BENCHMARKS.md)";

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
        // The mock and the demo are crates of the workspace, run through cargo: the xtask must
        // build even when a generated crate does not (that is when it is needed most).
        ["mock", rest @ ..] if !rest.is_empty() => cargo(
            &root,
            &["run", "--quiet", "--package", "portico-mock", "--"],
            rest,
        ),
        ["demo"] => cargo(
            &root,
            &[
                "run",
                "--quiet",
                "--package",
                "portico-examples",
                "--example",
                "demo",
            ],
            &[],
        ),
        ["prism"] => report(xtask::prism::run(&root)),
        ["bench", rest @ ..] => cargo(
            &root,
            &[
                "run",
                "--release",
                "--manifest-path",
                "bench/Cargo.toml",
                "--",
            ],
            rest,
        ),
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Runs cargo (the one that runs this xtask) with `args` and `rest` in `root`.
fn cargo(root: &Path, args: &[&str], rest: &[&str]) -> ExitCode {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    match Command::new(cargo)
        .current_dir(root)
        .args(args)
        .args(rest)
        .status()
    {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("cannot run cargo: {e}");
            ExitCode::FAILURE
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
