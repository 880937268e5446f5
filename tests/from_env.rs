//! `Client::from_env`, alone in its own test binary: changing the environment while other
//! threads read it (reqwest reads proxy variables) would be a data race.

use portico_resend::Client;
use portico_tests::CANARY_KEY;

#[test]
fn from_env_reads_resend_api_key() {
    // SAFETY: this binary has one test and no other thread.
    unsafe { std::env::remove_var("RESEND_API_KEY") };
    let err = Client::from_env().unwrap_err();
    assert!(err.to_string().contains("RESEND_API_KEY"), "{err}");
    unsafe { std::env::set_var("RESEND_API_KEY", CANARY_KEY) };
    assert!(Client::from_env().is_ok());
    unsafe { std::env::remove_var("RESEND_API_KEY") };
}
