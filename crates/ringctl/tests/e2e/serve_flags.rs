//! `ringctl sandbox serve` refuses flags it cannot honour, before it starts: values past their range
//! and addresses beyond loopback.

use crate::common::{Home, run};

#[test]
fn out_of_range_values_are_usage_errors_naming_the_flag() {
    let home = Home::new();
    for (flag, value) in [
        ("--token-ttl", "18446744073709551615"),
        ("--token-ttl", "0"),
        ("--seed", "9223372036854775808"),
        ("--users", "0"),
    ] {
        let (code, out, err) = run(home.cmd().args(["sandbox", "serve", flag, value]));
        assert_eq!(code, 2, "{flag} {value}: {err}");
        assert!(err.contains(flag), "{flag} {value}: {err}");
        assert!(out.is_empty(), "nothing served: {out}");
    }
}

#[test]
fn a_non_loopback_address_needs_allow_remote() {
    let home = Home::new();
    let (code, out, err) = run(home.cmd().args(["sandbox", "serve", "--addr", "0.0.0.0:0"]));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--allow-remote") && err.contains("loopback"),
        "{err}"
    );
    assert!(out.is_empty());
}
