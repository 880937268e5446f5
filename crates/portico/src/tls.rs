//! TLS: the one place the backend is chosen, by this crate's features, which every provider
//! crate forwards (`portico-resend = { version = "…", default-features = false, features =
//! ["rustls-ring"] }`).
//!
//! - `rustls` (the default): rustls with the aws-lc-rs crypto provider, as reqwest sets it up.
//! - `rustls-ring`: rustls with the *ring* provider and the platform's certificate verifier,
//!   handed to each client's own configuration (never installed process-wide). The same TLS for
//!   a much shorter clean build: aws-lc-sys's C build is the largest unit of a default one
//!   (BENCHMARKS.md has the figures). It takes precedence when enabled with the others.
//! - `native-tls`: the platform's TLS (OpenSSL on Linux).
//!
//! With `rustls-ring` alone, reqwest has no crypto provider of its own: a `reqwest::Client`
//! you pass to [`ClientBuilder::http_client`](crate::ClientBuilder::http_client) should come
//! from [`http_client_builder`] (reqwest's `Client::new()` would panic asking for one).

/// A `reqwest::ClientBuilder` with Portico's TLS set up, for a client of your own (a shared
/// connection pool, a proxy) to pass to
/// [`ClientBuilder::http_client`](crate::ClientBuilder::http_client). Every client Portico
/// builds itself starts here.
///
/// ```
/// let http = portico::tls::http_client_builder()?
///     .pool_max_idle_per_host(8)
///     .build()
///     .expect("an HTTP client");
/// # let _ = http;
/// # Ok::<(), portico::Error>(())
/// ```
pub fn http_client_builder() -> Result<reqwest::ClientBuilder, crate::Error> {
    let builder = reqwest::Client::builder();
    #[cfg(feature = "rustls-ring")]
    let builder = builder.tls_backend_preconfigured(ring_config()?);
    Ok(builder)
}

/// rustls with ring and the platform verifier, offering HTTP/1.1 (the only version these
/// clients speak).
#[cfg(feature = "rustls-ring")]
fn ring_config() -> Result<rustls::ClientConfig, crate::Error> {
    use rustls_platform_verifier::BuilderVerifierExt as _;
    let failed = |e: rustls::Error| {
        crate::Error::new(
            crate::ErrorKind::InvalidArgument,
            format!("could not set up TLS: {e}"),
        )
    };
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(failed)?
        .with_platform_verifier()
        .map_err(failed)?
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

#[cfg(all(test, feature = "rustls-ring"))]
mod tests {
    #[test]
    fn ring_offers_http1_and_builds_a_client() {
        let config = super::ring_config().unwrap();
        assert_eq!(config.alpn_protocols, vec![b"http/1.1".to_vec()]);
        // ring, not aws-lc-rs (whose random source prints as `AwsLcRs`).
        assert_eq!(
            format!("{:?}", config.crypto_provider().secure_random),
            "Ring"
        );
        // reqwest takes it: without a provider of its own, building would panic otherwise.
        super::http_client_builder().unwrap().build().unwrap();
    }
}
