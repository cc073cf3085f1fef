//! Many users cost linear time (issue 19 item 7): `secret --htpasswd` with 320,000 lines took
//! 197 s before its 1 MiB refusal, because every new user was compared with every earlier one.
//! With an index of the names, the same inputs are refused in about a second.

use std::time::{Duration, Instant};

use crate::support::{TempDir, run, stderr};

const LINES: usize = 320_000;

/// Far above the linear time of a debug build on a loaded machine, far below the quadratic one.
const BOUND: Duration = Duration::from_secs(60);

fn htpasswd_lines(n: usize) -> String {
    let mut out = String::with_capacity(n * 48);
    for i in 0..n {
        out.push_str(&format!(
            "user{i:06}:$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1\n"
        ));
    }
    out
}

#[test]
fn secret_from_a_320k_line_htpasswd_file_is_refused_in_linear_time() {
    let dir = TempDir::new("linear-htpasswd");
    let mut text = htpasswd_lines(LINES);
    let big = dir.write("big", text.as_bytes());
    // The same, with the first user again on the last line.
    text.push_str("user000000:$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1\n");
    let repeated = dir.write("repeated", text.as_bytes());
    let cases = [
        (big, "Kubernetes allows at most 1048576 (1 MiB)"),
        (repeated, "user000000"),
    ];
    for (path, expect) in cases {
        let start = Instant::now();
        let out = run(&[
            "secret",
            "--name",
            "s",
            "--htpasswd",
            path.to_str().unwrap(),
        ]);
        let took = start.elapsed();
        eprintln!(
            "secret --htpasswd {} ({LINES} lines): {took:?}",
            path.display()
        );
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stderr(&out).contains(expect), "{}", stderr(&out));
        assert!(out.stdout.is_empty());
        assert!(took < BOUND, "{took:?}");
    }
}

#[test]
fn a_repeated_name_at_the_end_of_a_320k_line_users_file_is_found_in_linear_time() {
    // Every line is checked (names against each other) before anything is hashed.
    let dir = TempDir::new("linear-users-file");
    let mut text = String::with_capacity(LINES * 24);
    for i in 0..LINES {
        text.push_str(&format!("user{i:06}:password{i}\n"));
    }
    text.push_str("user000007:again\n");
    let path = dir.write("users", text.as_bytes());
    let start = Instant::now();
    let out = run(&[
        "secret",
        "--name",
        "s",
        "--users-file",
        path.to_str().unwrap(),
    ]);
    let took = start.elapsed();
    eprintln!("secret --users-file ({LINES} lines, last repeated): {took:?}");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("line {}", LINES + 1)) && err.contains("user000007"),
        "{err}"
    );
    assert!(!err.contains("again"), "password in the message: {err}");
    assert!(took < BOUND, "{took:?}");
}

#[test]
fn a_repeated_integer_key_among_124k_is_refused_in_linear_time() {
    // The report: 124,000 integer mapping keys took 20 s. Repeated keys are found through hash
    // sets (serde-saphyr's, then the reader's own check on the keys as strings), so 124,000 keys
    // take a few seconds in a debug build, and the repeated one is named by its line.
    let dir = TempDir::new("linear-yaml-keys");
    let n = 124_000;
    let mut yaml = String::from(
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: x\n  labels:\n",
    );
    for i in 0..n {
        yaml.push_str(&format!("    {i}: a\n"));
    }
    let distinct = dir.write("distinct.yaml", yaml.as_bytes());
    yaml.push_str("    0x10: b\n");
    let repeated = dir.write("repeated.yaml", yaml.as_bytes());
    for (path, code) in [(distinct, 0), (repeated, 2)] {
        let start = Instant::now();
        let out = run(&[
            "annotate",
            "-f",
            path.to_str().unwrap(),
            "--auth-secret",
            "s",
        ]);
        let took = start.elapsed();
        eprintln!("annotate, {n} integer keys ({}): {took:?}", path.display());
        assert_eq!(out.status.code(), Some(code), "{}", stderr(&out));
        if code == 2 {
            assert!(
                stderr(&out).contains("duplicate mapping key"),
                "{}",
                stderr(&out)
            );
        }
        assert!(took < BOUND, "{took:?}");
    }
}
