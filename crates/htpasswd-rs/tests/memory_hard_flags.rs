//! Issue 20: the `--yescrypt` and `--argon2id` extensions write hashes that verify, refuse bad
//! values before prompting, and leave Apache's own command lines alone (any other long option is
//! still Apache's "illegal option -- -").

use std::fs;

use htpasswd_core::crypt::{Scheme, verify};

use crate::support::{ours, run_with_stdin, scratch_dir};

fn rs(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let mut cmd = ours();
    cmd.args(args).current_dir(dir);
    let out = run_with_stdin(cmd, b"");
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn record_hash(out: &str) -> String {
    let line = out.strip_suffix("\n\n").unwrap_or(out);
    line.split_once(':').unwrap().1.to_owned()
}

#[test]
fn yescrypt_and_argon2id_records_verify() {
    let dir = scratch_dir("memory-hard-flags");
    let cases: [(&[&str], &str, Scheme); 4] = [
        (
            &["-nb", "--yescrypt", "u", "pw"],
            "$y$j9T$",
            Scheme::Yescrypt,
        ),
        (
            &["--yescrypt", "-C", "1", "-nb", "u", "pw"],
            "$y$j75$",
            Scheme::Yescrypt,
        ),
        (
            &["--argon2id", "-nb", "u", "pw"],
            "$argon2id$v=19$m=19456,t=2,p=1$",
            Scheme::Argon2id,
        ),
        (
            &[
                "--argon2id",
                "--argon2-memory=256",
                "--argon2-time",
                "3",
                "--argon2-parallelism=2",
                "-nb",
                "u",
                "pw",
            ],
            "$argon2id$v=19$m=256,t=3,p=2$",
            Scheme::Argon2id,
        ),
    ];
    for (args, prefix, scheme) in cases {
        let (code, out, err) = rs(&dir, args);
        assert_eq!((code, err.as_str()), (0, ""), "{args:?}");
        let hash = record_hash(&out);
        assert!(hash.starts_with(prefix), "{args:?}: {hash}");
        assert_eq!(Scheme::classify(hash.as_bytes()), scheme);
        assert_eq!(verify(b"pw", hash.as_bytes()), Ok(true), "{hash}");
        assert_eq!(verify(b"pW", hash.as_bytes()), Ok(false), "{hash}");
    }
    // Into a file, then -v checks it.
    assert_eq!(
        rs(&dir, &["-cb", "--yescrypt", "-C", "1", "f", "alice", "pw"]).0,
        0
    );
    assert_eq!(
        rs(
            &dir,
            &[
                "-b",
                "--argon2id",
                "--argon2-memory",
                "64",
                "f",
                "bob",
                "pw"
            ]
        )
        .0,
        0
    );
    assert_eq!(rs(&dir, &["-vb", "f", "alice", "pw"]).0, 0);
    assert_eq!(rs(&dir, &["-vb", "f", "alice", "px"]).0, 3);
    // `-v` answers as Apache's `apr_password_validate` would: libxcrypt has no argon2id, so
    // Apache fails every password of such an entry (Caddy and this library check it).
    assert_eq!(rs(&dir, &["-vb", "f", "bob", "pw"]).0, 3);
    let text = fs::read_to_string(dir.join("f")).unwrap();
    assert!(text.starts_with("alice:$y$j75$"), "{text}");
    assert!(
        text.contains("\nbob:$argon2id$v=19$m=64,t=2,p=1$"),
        "{text}"
    );
    // The lint knows both schemes: nothing malformed.
    let (_, out, _) = rs(&dir, &["--lint", "--level", "info", "f"]);
    assert!(!out.contains("malformed"), "{out}");
    // An argon2id -C is ignored with Apache's warning, as for schemes without a cost.
    let (code, _, err) = rs(
        &dir,
        &[
            "--argon2id",
            "--argon2-memory=64",
            "-C",
            "5",
            "-nb",
            "u",
            "p",
        ],
    );
    assert_eq!(
        (code, err.as_str()),
        (0, "Warning: Ignoring -C/-r argument for this algorithm.\n")
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn bad_extension_values_are_refused_and_other_long_options_stay_apaches() {
    let dir = scratch_dir("memory-hard-flags-bad");
    for args in [
        &["--yescrypt", "-C", "12", "-nb", "u", "pw"][..],
        &["--yescrypt", "-C", "0", "-nb", "u", "pw"],
        &["--argon2id", "--argon2-memory=1048577", "-nb", "u", "pw"],
        &["--argon2id", "--argon2-time=11", "-nb", "u", "pw"],
        &["--argon2id", "--argon2-parallelism=0", "-nb", "u", "pw"],
        &["--argon2-memory=64", "-nb", "u", "pw"],
        &["--argon2id", "--argon2-time"],
    ] {
        let (code, out, err) = rs(&dir, args);
        assert_eq!((code, out.as_str()), (2, ""), "{args:?}: {err}");
        assert!(!err.contains("pw"), "{err}");
        assert!(err.contains("--") || err.contains("-C"), "{args:?}: {err}");
    }
    // `--sha512` is no extension: Apache's getopt refusal, usage and exit 2, unchanged.
    let (code, _, err) = rs(&dir, &["--sha512", "-nb", "u", "pw"]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("htpasswd-rs: illegal option -- -\nUsage:"),
        "{err}"
    );
    let _ = fs::remove_dir_all(&dir);
}
