//! `cargo xtask generate`: lint each spec, run progenitor, add Portico's glue, format, write.
//!
//! Every spec is processed in memory first; files are written only when all specs succeed.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::facts::Facts;
use crate::{facts, format, glue, lint};

/// Write the crates, or only compare them with what is checked in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Write,
    Check,
}

/// One generated crate, in memory.
#[derive(Debug)]
pub struct Crate {
    pub provider: String,
    /// Paths relative to the workspace root, and their contents.
    pub files: Vec<(PathBuf, String)>,
    pub operations: usize,
    pub types: usize,
}

pub fn run(root: &Path, mode: Mode) -> Result<(), String> {
    let started = std::time::Instant::now();
    let specs_dir = root.join("specs");
    let mut specs: Vec<PathBuf> = std::fs::read_dir(&specs_dir)
        .map_err(|e| format!("cannot read {}: {e}", specs_dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    specs.sort();
    if specs.is_empty() {
        return Err(format!("no specs/*.yaml in {}", root.display()));
    }

    let mut crates = Vec::new();
    let mut failures = Vec::new();
    for path in &specs {
        let label = format!(
            "specs/{}",
            path.file_name().unwrap_or_default().to_string_lossy()
        );
        let result = std::fs::read_to_string(path)
            .map_err(|e| format!("{label}: cannot read: {e}"))
            .and_then(|text| generate_spec(&label, &text));
        match result {
            Ok(krate) => crates.push(krate),
            Err(e) => failures.push(e),
        }
    }
    if !failures.is_empty() {
        return Err(format!("{}\n\nnothing was written.", failures.join("\n")));
    }

    match mode {
        Mode::Write => {
            for krate in &crates {
                for (rel, text) in &krate.files {
                    let path = root.join(rel);
                    if std::fs::read_to_string(&path).ok().as_deref() == Some(text.as_str()) {
                        continue;
                    }
                    if let Some(dir) = path.parent() {
                        std::fs::create_dir_all(dir)
                            .map_err(|e| format!("{}: {e}", dir.display()))?;
                    }
                    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
                }
                println!(
                    "portico-{}: {} operations, {} types",
                    krate.provider, krate.operations, krate.types
                );
            }
            println!(
                "generated {} crates in {:.2?}",
                crates.len(),
                started.elapsed()
            );
            Ok(())
        }
        Mode::Check => {
            let stale: Vec<String> = crates
                .iter()
                .flat_map(|k| &k.files)
                .filter(|(rel, text)| {
                    std::fs::read_to_string(root.join(rel)).ok().as_deref() != Some(text.as_str())
                })
                .map(|(rel, _)| rel.display().to_string())
                .collect();
            if stale.is_empty() {
                println!("{} generated crates are up to date", crates.len());
                Ok(())
            } else {
                Err(format!(
                    "generated files differ from what the specs produce (run `cargo xtask generate`):\n  {}",
                    stale.join("\n  ")
                ))
            }
        }
    }
}

/// One spec → one crate, in memory. Errors name the spec file and the operation or location.
pub fn generate_spec(label: &str, text: &str) -> Result<Crate, String> {
    let stem = label
        .rsplit('/')
        .next()
        .unwrap_or(label)
        .trim_end_matches(".yaml");
    let spec: Value =
        serde_yaml::from_str(text).map_err(|e| format!("{label}: not valid YAML: {e}"))?;
    let problems = lint::check(stem, &spec);
    if !problems.is_empty() {
        let mut message = String::new();
        for p in &problems {
            let _ = writeln!(message, "{label}: {p}");
        }
        return Err(message.trim_end().to_string());
    }
    let facts = facts::collect(&spec).map_err(|e| format!("{label}: {e}"))?;
    let input = facts::progenitor_input(&spec);
    let openapi: openapiv3::OpenAPI = serde_json::from_value(input)
        .map_err(|e| format!("{label}: not a valid OpenAPI 3.0 document: {e}"))?;

    let mut generator = progenitor::Generator::new(&settings(&facts));
    let tokens = catch_panic(|| generator.generate_tokens(&openapi))
        .map_err(|panic| format!("{label}: the generator panicked: {panic}"))?
        .map_err(|e| format!("{label}: the generator failed: {e}"))?;
    let type_space = generator.get_type_space();
    let types = type_space.iter_types().count() + facts.enums.len();
    let uses = glue::Uses {
        regress: type_space.uses_regress(),
        chrono: type_space.uses_chrono(),
        uuid: type_space.uses_uuid(),
    };

    let api = glue::api_file(tokens, &facts).map_err(|e| format!("{label}: {e}"))?;
    let lib = glue::lib_file(&facts);
    let header = format!(
        "// Generated by `cargo xtask generate` from {label}. Do not edit: change the spec or the xtask, then regenerate.\n"
    );
    let format = |tokens| format::rust(&header, tokens).map_err(|e| format!("{label}: {e}"));
    let dir = PathBuf::from("crates").join(format!("portico-{}", facts.provider));
    let files = vec![
        (
            dir.join("Cargo.toml"),
            glue::cargo_toml(&facts, label, uses),
        ),
        (dir.join("src/lib.rs"), format(lib)?),
        (dir.join("src/api.rs"), format(api)?),
    ];
    Ok(Crate {
        provider: facts.provider.clone(),
        files,
        operations: facts.operations.len(),
        types,
    })
}

fn settings(facts: &Facts) -> progenitor::GenerationSettings {
    let mut settings = progenitor::GenerationSettings::new();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Merged)
        .with_inner_type(quote::quote! { ::portico::Config })
        .with_hooks(progenitor::HooksMode::Expected)
        // Deterministic key order in request bodies and snapshots.
        .with_map_type("::std::collections::BTreeMap")
        .with_replacement(
            facts::WIRE_ERROR_SCHEMA,
            "::portico::WireError",
            std::iter::empty(),
        );
    for name in &facts.secrets {
        settings.with_replacement(name, "::portico::Secret", std::iter::empty());
    }
    for e in &facts.enums {
        settings.with_replacement(
            &e.name,
            format!("crate::types::{}", e.name),
            [progenitor::TypeImpl::Display, progenitor::TypeImpl::FromStr].into_iter(),
        );
    }
    settings
}

/// Runs `f`, turning a panic into its message (and keeping the default panic trace off stderr).
fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    std::panic::set_hook(previous);
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(no message)".into())
    })
}
