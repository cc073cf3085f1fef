//! `--batch`: many `user:password` lines in one locked write, checked against Apache's
//! `htpasswd` (its `-vb` accepts every apr1 hash we wrote; its `-bs`, run once per user, writes
//! the very file our `-s` batch writes).

use std::fs;
use std::process::Command;

use crate::support::{apache_htpasswd, ours, run_with_stdin, scratch_dir};

fn batch(dir: &std::path::Path, args: &[&str], stdin: &[u8]) -> (i32, String) {
    let mut cmd = ours();
    cmd.arg("--batch").args(args).current_dir(dir);
    let out = run_with_stdin(cmd, stdin);
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn apr1_batch_is_accepted_by_apache() {
    let dir = scratch_dir("batch-apr1");
    let users: String = (0..300)
        .map(|i| format!("user{i}:pass word {i}{}\n", "x".repeat(i % 40)))
        .collect();
    fs::write(dir.join("users"), &users).unwrap();
    fs::write(dir.join("f"), "# keep me\nuser7:{SHA}old\nother:{SHA}x\n").unwrap();
    let (code, err) = batch(&dir, &["users", "f"], b"");
    assert_eq!(
        (code, err.as_str()),
        (0, "htpasswd-rs: 299 added, 1 updated in f\n")
    );
    let file = fs::read_to_string(dir.join("f")).unwrap();
    assert!(file.starts_with("# keep me\nuser7:$apr1$"), "{file}");
    assert!(file.contains("\nother:{SHA}x\n"));
    assert_eq!(file.lines().count(), 302);
    for i in 0..300 {
        let pw = format!("pass word {i}{}", "x".repeat(i % 40));
        let line = file
            .lines()
            .find(|l| l.starts_with(&format!("user{i}:")))
            .unwrap();
        let hash = line.split_once(':').unwrap().1;
        assert_eq!(
            htpasswd_core::crypt::verify(pw.as_bytes(), hash.as_bytes()),
            Ok(true)
        );
    }
    if let Some(apache) = apache_htpasswd("apr1_batch_is_accepted_by_apache") {
        for i in (0..300).step_by(7) {
            let pw = format!("pass word {i}{}", "x".repeat(i % 40));
            let out = Command::new(&apache)
                .args(["-vb", "f", &format!("user{i}"), &pw])
                .current_dir(&dir)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(0), "user{i}: {out:?}");
        }
    }
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn sha1_batch_writes_what_apache_writes_user_by_user() {
    let Some(apache) = apache_htpasswd("sha1_batch_writes_what_apache_writes_user_by_user") else {
        return;
    };
    let dir = scratch_dir("batch-sha1");
    let start = "# team\r\nb:{SHA}old\n\nz:1\n";
    let users = [("a", "p1"), ("b", "p2"), ("c:", ""), ("d", "p:4")];
    let list: String = users
        .iter()
        .filter(|(u, _)| !u.ends_with(':'))
        .map(|(u, p)| format!("{u}:{p}\n"))
        .collect();
    fs::write(dir.join("users"), format!("# comment\n\n{list}")).unwrap();
    fs::write(dir.join("ours"), start).unwrap();
    fs::write(dir.join("theirs"), start).unwrap();
    assert_eq!(batch(&dir, &["users", "-s", "ours"], b"").0, 0);
    for (u, p) in users.iter().filter(|(u, _)| !u.ends_with(':')) {
        let out = Command::new(&apache)
            .args(["-bs", "theirs", u, p])
            .current_dir(&dir)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
    }
    assert_eq!(
        fs::read_to_string(dir.join("ours")).unwrap(),
        fs::read_to_string(dir.join("theirs")).unwrap()
    );
    // -c starts afresh; stdin as the users file.
    assert_eq!(batch(&dir, &["-", "-cs", "new"], b"x:p\r\n").0, 0);
    assert_eq!(
        fs::read_to_string(dir.join("new")).unwrap(),
        "x:{SHA}UWuXg/ylF+7L0dBk2i0WUxCxl1k=\n"
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn batch_refuses_bad_input_and_writes_nothing() {
    let dir = scratch_dir("batch-bad");
    fs::write(dir.join("f"), "a:1\n").unwrap();
    fs::write(dir.join("bad"), "a:1\nnot valid\n").unwrap();
    let cases: [(&[&str], &[u8], i32, &str); 9] = [
        (
            &["-", "f"],
            b"u:p\nnocolon\n",
            7,
            "htpasswd-rs: standard input line 2: no ':' between user and password\n",
        ),
        (
            &["-", "f"],
            b"u:p\nu:q\n",
            6,
            "htpasswd-rs: standard input line 2: user already given on line 1\n",
        ),
        (
            &["-", "f"],
            b" u:p\n",
            6,
            "htpasswd-rs: standard input line 1: username starts with white space, which Apache skips when reading the file\n",
        ),
        (
            &["-", "f"],
            b"u:p\0\n",
            9,
            "htpasswd-rs: standard input line 1: the password contains a NUL byte\n",
        ),
        (
            &["-", "missing"],
            b"u:p\n",
            1,
            "htpasswd-rs: cannot modify file missing; use '-c' to create it\n",
        ),
        (
            &["-", "bad"],
            b"u:p\n",
            7,
            "htpasswd-rs: The file bad does not appear to be a valid htpasswd file.\n",
        ),
        (
            &["-", "-B", "-C", "3", "f"],
            b"u:p\n",
            2,
            "htpasswd-rs: bcrypt cost 3 is out of range; it must be from 4 to 17\n",
        ),
        (
            &["-", "-2", "-r", "999", "f"],
            b"u:p\n",
            2,
            "htpasswd-rs: sha-crypt rounds 999 is out of range; it must be from 1000 to 999999999\n",
        ),
        (
            &["-", "-x", "f"],
            b"u:p\n",
            2,
            "htpasswd-rs: option -x is not available with --batch\nusage: htpasswd-rs --batch USERS_FILE [-c] [-m|-B|-2|-5|-s] [-C cost] [-r rounds] passwordfile\n",
        ),
    ];
    for (args, users, code, err) in cases {
        // The users go in a file (some failures happen before any input is read).
        fs::write(dir.join("-"), users).unwrap();
        let args: Vec<&str> = args
            .iter()
            .map(|a| if *a == "-" { "./-" } else { a })
            .collect();
        let err = err.replace("standard input", "./-");
        assert_eq!(batch(&dir, &args, b""), (code, err), "{args:?}");
        assert_eq!(fs::read_to_string(dir.join("f")).unwrap(), "a:1\n");
        assert_eq!(
            fs::read_to_string(dir.join("bad")).unwrap(),
            "a:1\nnot valid\n"
        );
        assert!(!dir.join("missing").exists());
    }
    let _ = fs::remove_dir_all(&dir);
}
