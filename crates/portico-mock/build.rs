//! Builds in every spec of `specs/` as a [`Provider`] variant, so that a new provider's spec is
//! served without a line of code here.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs");
    println!("cargo:rerun-if-changed={}", specs.display());
    let mut names: Vec<String> = std::fs::read_dir(&specs)
        .expect("specs/ is readable")
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let name = path.file_name()?.to_str()?;
            name.strip_suffix(".yaml").map(str::to_string)
        })
        .collect();
    names.sort();
    let mut out = String::new();
    out.push_str(
        "/// A provider whose spec is built in: one for each `specs/<name>.yaml`.\n\
         #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]\npub enum Provider {\n",
    );
    for name in &names {
        let _ = writeln!(
            out,
            "    /// The spec `specs/{name}.yaml`.\n    {},",
            variant(name)
        );
    }
    let _ = writeln!(
        out,
        "}}\n\nimpl Provider {{\n    /// Every built-in provider, by name.\n    pub const ALL: [Provider; {}] = [{}];\n",
        names.len(),
        names
            .iter()
            .map(|n| format!("Provider::{}", variant(n)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let arms = |f: &dyn Fn(&str) -> String| {
        names
            .iter()
            .map(|n| format!("            Provider::{} => {},\n", variant(n), f(n)))
            .collect::<String>()
    };
    let _ = write!(
        out,
        "    /// The provider's name: its spec's file name, `x-portico.provider`, and the end of its crate's name.\n    \
         pub fn name(self) -> &'static str {{\n        match self {{\n{}        }}\n    }}\n\n    \
         /// The spec's file name in `specs/`.\n    \
         pub fn file(self) -> &'static str {{\n        match self {{\n{}        }}\n    }}\n\n    \
         /// The spec's text, built into this crate.\n    \
         pub fn spec(self) -> &'static str {{\n        match self {{\n{}        }}\n    }}\n}}\n",
        arms(&|n| format!("{n:?}")),
        arms(&|n| format!("\"{n}.yaml\"")),
        arms(&|n| format!(
            "include_str!({:?})",
            specs.join(format!("{n}.yaml")).display().to_string()
        )),
    );
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("providers.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}

/// `tago` → `Tago`, `my-api` → `MyApi`.
fn variant(name: &str) -> String {
    name.split(['-', '_'])
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}
