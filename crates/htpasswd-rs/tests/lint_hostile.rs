//! Issue 19 item 12: `--lint` reports plainly malformed hashes, entries past the cost ceiling
//! and 13-character fields that read as DES crypt, never quoting a hash field, fast.

use std::fs;
use std::time::{Duration, Instant};

use crate::support::{ours, run_with_stdin, scratch_dir};

const BCRYPT5: &str = "$2y$05$yR1cJJE11f97dkuXNcbzxObEYjl8Yj.7deJZz9izCvGTw4Mye3sMS";

#[test]
fn lint_reports_malformed_costly_and_des_lookalike_entries() {
    let dir = scratch_dir("lint-hostile");
    let cost31 = BCRYPT5.replacen("$05$", "$31$", 1);
    let cost99 = BCRYPT5.replacen("$05$", "$99$", 1);
    let rounds = format!("$6$rounds=999999999$saltsalt${}0", "a".repeat(85));
    let content = format!(
        "ok:{BCRYPT5}\nshort:$apr1$short\ncost:{cost99}\nsha:{{SHA}}notbase64\n\
         slow:{cost31}\nslower:{rounds}\nplain:Hunter2Hunter\n"
    );
    fs::write(dir.join("mal.htpasswd"), &content).unwrap();
    let mut cmd = ours();
    cmd.args(["--lint", "mal.htpasswd"]).current_dir(&dir);
    let start = Instant::now();
    let out = run_with_stdin(cmd, b"");
    assert!(start.elapsed() < Duration::from_secs(10));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(7), "{stdout}");
    for expected in [
        "mal.htpasswd:2: error: line 2 has a malformed apr1 hash, which matches no password: ",
        "mal.htpasswd:3: error: line 3 has a malformed bcrypt",
        "mal.htpasswd:4: error: line 4 has a malformed sha1 hash, which matches no password: ",
        "mal.htpasswd:5: error: line 5: bcrypt",
        "mal.htpasswd:6: error: line 6: sha512-crypt",
        "mal.htpasswd:7: warning: line 7 has 13 characters that read as DES crypt: if this is a \
         plaintext password, no server will accept it as such",
    ] {
        assert!(stdout.contains(expected), "{expected}\n{stdout}");
    }
    assert!(
        stdout.contains("cost 31 is over the ceiling of 17"),
        "{stdout}"
    );
    assert!(
        stdout.contains("rounds 999999999 is over the ceiling of 10000000"),
        "{stdout}"
    );
    assert!(!stdout.contains("mal.htpasswd:1:"), "{stdout}");
    for secret in ["Hunter2Hunter", "notbase64", "saltsalt"] {
        assert!(!stdout.contains(secret), "{secret} quoted: {stdout}");
    }
    let _ = fs::remove_dir_all(&dir);
}
