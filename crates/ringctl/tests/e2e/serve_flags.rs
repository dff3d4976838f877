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
        ("--header-timeout", "0"),
        ("--body-timeout", "3601"),
        ("--idle-timeout", "0"),
        ("--max-connections", "0"),
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

#[test]
fn a_connection_idle_past_idle_timeout_is_closed() -> crate::common::TestResult {
    use std::io::{Read, Write};
    let served = crate::common::Served::start(&["--idle-timeout", "1", "--header-timeout", "1"]);
    let addr = served.addr();
    // A request answered, then nothing: the server closes the connection after a second.
    let mut idle = std::net::TcpStream::connect(&addr)?;
    idle.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    idle.write_all(b"GET /restapi/v1.0 HTTP/1.1\r\nHost: localhost\r\n\r\n")?;
    let started = std::time::Instant::now();
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match idle.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
            Err(e) => return Err(format!("the connection was not closed: {e}").into()),
        }
    }
    let waited = started.elapsed();
    assert!(
        String::from_utf8_lossy(&seen).starts_with("HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&seen)
    );
    assert!(
        waited >= std::time::Duration::from_millis(900)
            && waited < std::time::Duration::from_secs(8),
        "closed after {waited:?}"
    );
    // A half-sent head is closed too.
    let mut slow = std::net::TcpStream::connect(&addr)?;
    slow.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    slow.write_all(b"GET /restapi/v1.0 HTTP/1.1\r\nHost: loc")?;
    assert_eq!(slow.read(&mut buf)?, 0, "a stalled head was answered");
    Ok(())
}
