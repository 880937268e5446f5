//! The Portico xtask: turns each `specs/<provider>.yaml` into `crates/portico-<provider>/`.
//!
//! - [`lint`]: rejects, by file and operation, what progenitor would panic on or mis-generate;
//! - [`facts`]: what the spec says about the provider, and the spec as progenitor sees it;
//! - [`glue`]: the code Portico adds around progenitor's output;
//! - [`format`]: prettyplease + rustfmt;
//! - [`generate`]: the command itself;
//! - [`prism`]: `cargo xtask prism`, the cross-check of the SDKs' requests against Stoplight Prism.

pub mod facts;
pub mod format;
pub mod generate;
pub mod glue;
pub mod lint;
pub mod prism;
