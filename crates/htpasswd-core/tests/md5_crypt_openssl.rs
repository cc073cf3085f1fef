//! Differential test against OpenSSL: random passwords and salts through
//! `openssl passwd -apr1|-1 -salt S -stdin` and through `Md5CryptHash`, outputs compared byte for
//! byte. Skips loudly without `openssl` (fails under HTPASSWD_RS_REQUIRE_REFERENCE_TOOLS).

use std::io::Write as _;
use std::os::unix::ffi::OsStrExt as _;
use std::process::{Command, Stdio};

use htpasswd_core::crypt::md5_crypt::{Md5CryptHash, Md5Variant, Salt};

use crate::support::{Rng, reference_tool, seed};

/// OpenSSL's `passwd` front end keeps the first 256 bytes of each `-stdin` line, silently.
const OPENSSL_MAX_PASSWORD: usize = 256;
const GROUPS: usize = 220;
const PASSWORDS_PER_GROUP: usize = 5;

const UTF8_PIECES: &[&str] = &[
    "é", "ß", "€", "日本", "🔑", "Ω", " ", "\t", "a", "Z", "0", ":",
];

/// A random password: printable ASCII with spaces, UTF-8 text, or raw bytes. Never NUL or LF
/// (OpenSSL reads C strings, one per line); lengths 0..300.
fn random_password(rng: &mut Rng) -> Vec<u8> {
    let len = rng.below(300);
    let mut pw = Vec::with_capacity(len + 4);
    let mode = rng.below(3);
    while pw.len() < len {
        match mode {
            0 => pw.push(b' ' + rng.below(95) as u8),
            1 => pw.extend_from_slice(rng.pick(UTF8_PIECES).as_bytes()),
            _ => {
                let b = 1 + rng.below(255) as u8;
                if b != b'\n' {
                    pw.push(b);
                }
            }
        }
    }
    pw
}

/// A random salt of 0..=8 printable characters, never `$` (OpenSSL would keep a `$`).
fn random_salt(rng: &mut Rng) -> Vec<u8> {
    let len = rng.below(9);
    (0..len)
        .map(|_| {
            loop {
                let c = b' ' + rng.below(95) as u8;
                if c != b'$' {
                    break c;
                }
            }
        })
        .collect()
}

#[test]
fn md5_crypt_matches_openssl_on_random_inputs() {
    let Some(openssl) = reference_tool("openssl", "md5_crypt_matches_openssl_on_random_inputs")
    else {
        return;
    };
    let mut rng = Rng::new(seed("md5_crypt_matches_openssl_on_random_inputs"));
    let mut cases = 0;
    let mut long = 0;
    for group in 0..GROUPS {
        let (variant, flag) = if group % 2 == 0 {
            (Md5Variant::Apr1, "-apr1")
        } else {
            (Md5Variant::Md5Crypt, "-1")
        };
        let salt_text = random_salt(&mut rng);
        let passwords: Vec<Vec<u8>> = (0..PASSWORDS_PER_GROUP)
            .map(|_| random_password(&mut rng))
            .collect();
        let mut input = Vec::new();
        for pw in &passwords {
            input.extend_from_slice(pw);
            input.push(b'\n');
        }
        let mut child = Command::new(&openssl)
            .arg("passwd")
            .arg(flag)
            .arg("-salt")
            .arg(std::ffi::OsStr::from_bytes(&salt_text))
            .arg("-stdin")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("openssl starts");
        child.stdin.take().unwrap().write_all(&input).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "openssl failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let lines: Vec<&[u8]> = out
            .stdout
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(lines.len(), passwords.len(), "one hash per password");
        let salt = Salt::new(&salt_text).unwrap();
        for (pw, expected) in passwords.iter().zip(lines) {
            if pw.len() > OPENSSL_MAX_PASSWORD {
                long += 1;
            }
            let ours = Md5CryptHash::new(variant, &pw[..pw.len().min(OPENSSL_MAX_PASSWORD)], salt);
            assert_eq!(
                ours.to_bytes(),
                expected,
                "{variant:?} salt {:?} password of {} bytes: {:?}",
                String::from_utf8_lossy(&salt_text),
                pw.len(),
                String::from_utf8_lossy(pw)
            );
            assert!(
                Md5CryptHash::parse(expected)
                    .unwrap()
                    .verify(&pw[..pw.len().min(OPENSSL_MAX_PASSWORD)])
            );
            cases += 1;
        }
    }
    assert!(cases >= 1000, "only {cases} cases");
    assert!(
        long > 0,
        "no password over OpenSSL's 256-byte limit was tried"
    );
    eprintln!(
        "md5_crypt_matches_openssl_on_random_inputs: {cases} cases identical ({long} over 256 bytes)"
    );
}
