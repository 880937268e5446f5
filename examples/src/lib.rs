//! Runnable examples of the Portico SDKs: see `examples/*.rs`.
