//! `htpasswd-rs passwd ...`: the `openssl passwd` front end, against OpenSSL.

use std::process::Command;

use crate::support::{openssl, ours, run_with_stdin};

/// The README's "run" command prints what `openssl passwd` prints.
#[test]
fn readme_command_matches_openssl() {
    let out = ours()
        .args(["passwd", "-apr1", "-salt", "abcdefgh", "password"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, b"$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1\n");
    let Some(openssl) = openssl("readme_command_matches_openssl") else {
        return;
    };
    let reference = Command::new(openssl)
        .args(["passwd", "-apr1", "-salt", "abcdefgh", "password"])
        .output()
        .unwrap();
    assert_eq!(out.stdout, reference.stdout);
    assert_eq!(out.stderr, reference.stderr);
}

/// `-stdin`: one hash per line, LF stripped, CR kept, a last line without LF hashed, and lines
/// over 256 bytes cut silently: all as OpenSSL does.
#[test]
fn stdin_lines_match_openssl() {
    let mut input = b"a\n\nwith space\r\n\xff\xfe\n".to_vec();
    input.extend_from_slice(&[b'x'; 300]);
    input.extend_from_slice(b"\nlast");
    for flag in ["-1", "-apr1"] {
        let mut cmd = ours();
        cmd.args(["passwd", flag, "-salt", "s4lt", "-stdin"]);
        let out = run_with_stdin(cmd, &input);
        assert!(out.status.success());
        assert_eq!(out.stdout.iter().filter(|&&b| b == b'\n').count(), 6);
        let Some(openssl) = openssl("stdin_lines_match_openssl") else {
            return;
        };
        let mut cmd = Command::new(openssl);
        cmd.args(["passwd", flag, "-salt", "s4lt", "-stdin"]);
        let reference = run_with_stdin(cmd, &input);
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&reference.stdout)
        );
        assert_eq!(out.stderr, reference.stderr);
        assert_eq!(out.status.code(), reference.status.code());
    }
}

/// OpenSSL would print `$apr1$ab$cd$...`, a hash no server can verify: we refuse.
#[test]
fn salt_with_dollar_is_refused() {
    let out = ours()
        .args(["passwd", "-apr1", "-salt", "ab$cd", "pw"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("salt contains '$'"), "{stderr}");
    assert!(!stderr.contains("pw\n"), "the password must not be echoed");
}

#[test]
fn unknown_option_is_a_usage_error_like_openssl() {
    let out = ours().args(["passwd", "-bogus"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        out.stderr,
        b"passwd: Unknown option: -bogus\npasswd: Use -help for summary.\n"
    );
}

#[test]
fn help_and_version_answer() {
    let help = ours().arg("--help").output().unwrap();
    assert!(help.status.success());
    assert!(String::from_utf8(help.stdout).unwrap().contains("Usage:"));
    let version = ours().arg("--version").output().unwrap();
    assert!(version.status.success());
    assert_eq!(
        String::from_utf8(version.stdout).unwrap(),
        format!("htpasswd-rs {}\n", env!("CARGO_PKG_VERSION"))
    );
}

/// A password file literally named `passwd` is not the OpenSSL mode.
#[test]
fn passwd_followed_by_a_non_option_is_not_openssl_mode() {
    let out = ours().args(["passwd", "alice"]).output().unwrap();
    assert_ne!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

/// Lines in the bulk test: enough for many full 24-lane chunks and leftovers.
const LINES: usize = 1500;

/// `-in FILE` with thousands of mixed passwords (the multi-buffer path on all cores) prints
/// exactly what OpenSSL prints, in order.
#[test]
fn in_file_bulk_matches_openssl() {
    let dir = std::env::temp_dir().join(format!("htpasswd-rs-bulk-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("passwords");
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut input = Vec::new();
    for i in 0..LINES {
        let len = if i % 2 == 0 {
            12
        } else {
            (next() % 300) as usize
        };
        input.extend((0..len).map(|_| {
            loop {
                let b = (next() % 256) as u8;
                if b != b'\n' && b != 0 {
                    break b;
                }
            }
        }));
        input.push(b'\n');
    }
    std::fs::write(&file, &input).unwrap();
    for flag in ["-apr1", "-1"] {
        let out = ours()
            .args(["passwd", flag, "-salt", "abcdefgh", "-in"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(out.status.success());
        assert_eq!(out.stdout.iter().filter(|&&b| b == b'\n').count(), LINES);
        let Some(openssl) = openssl("in_file_bulk_matches_openssl") else {
            break;
        };
        let reference = Command::new(openssl)
            .args(["passwd", flag, "-salt", "abcdefgh", "-in"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.stdout == reference.stdout,
            "{flag}: output differs from openssl"
        );
        assert_eq!(out.stderr, reference.stderr);
    }
    // Without -salt every line gets its own fresh salt, and still verifies.
    let out = ours()
        .args(["passwd", "-apr1", "-in"])
        .arg(&file)
        .output()
        .unwrap();
    let hashes: Vec<&[u8]> = out
        .stdout
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    let passwords: Vec<&[u8]> = input.split(|&b| b == b'\n').collect();
    for (hash, pw) in hashes.iter().zip(&passwords).take(50) {
        let parsed = htpasswd_core::Md5CryptHash::parse(hash).unwrap();
        assert!(parsed.verify(&pw[..pw.len().min(256)]));
    }
    let salts: std::collections::HashSet<_> = hashes.iter().map(|h| &h[6..14]).collect();
    assert!(salts.len() > LINES - 10, "salts repeat: {} distinct", salts.len());
    let _ = std::fs::remove_dir_all(&dir);
}
