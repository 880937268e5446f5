//! Runnable examples of the Portico SDKs: see `examples/*.rs`.

/// The README's Rust code compiles: its quick start is checked by `cargo test --workspace`.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
