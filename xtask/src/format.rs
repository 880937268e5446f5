//! Generated Rust as it is checked in: prettyplease, then stable rustfmt, so that the output is
//! byte-identical from run to run and passes `cargo fmt --check`.

use std::io::Write as _;
use std::process::{Command, Stdio};

use proc_macro2::TokenStream;

pub fn rust(header: &str, tokens: TokenStream) -> Result<String, String> {
    let mut file = syn::parse2::<syn::File>(tokens)
        .map_err(|e| format!("generated code does not parse: {e}"))?;
    crate::glue::split_docs(&mut file);
    let text = format!("{header}\n{}", prettyplease::unparse(&file));
    rustfmt(&text)
}

fn rustfmt(text: &str) -> Result<String, String> {
    let rustfmt = std::env::var("RUSTFMT").unwrap_or_else(|_| "rustfmt".into());
    let mut child = Command::new(&rustfmt)
        .args(["--edition", "2024", "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {rustfmt} (rustup component add rustfmt): {e}"))?;
    let mut stdin = child.stdin.take().expect("piped");
    let input = text.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child
        .wait_with_output()
        .map_err(|e| format!("rustfmt: {e}"))?;
    writer
        .join()
        .map_err(|_| "rustfmt: writer thread panicked".to_string())?
        .map_err(|e| format!("rustfmt: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "rustfmt failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    String::from_utf8(output.stdout).map_err(|e| format!("rustfmt output: {e}"))
}
