//! `--users-file` with many users: checked first, hashed in one batch (apr1 through the
//! multi-buffer kernels on all cores), every user verifying, in file order.

use htpasswd_core::crypt::verify;

use crate::support::{TempDir, base64_decode, ours, parse_docs, stderr, stdout};

#[test]
fn many_users_from_a_file_are_hashed_in_one_batch_and_verify() {
    let dir = TempDir::new("bulk");
    // apr1 takes the batch path; sha256 (slow in debug builds) the one-by-one path.
    for (scheme, count) in [("apr1", 600), ("sha256", 30)] {
        let mut file = String::from("# imported\n");
        for i in 0..count {
            // Mixed lengths, so the batch has several geometries and leftovers.
            file.push_str(&format!("user{i:04}:pw-{}\n", "x".repeat(i % 37)));
        }
        let users = dir.write(&format!("users-{scheme}"), file.as_bytes());
        let out = ours()
            .args(["secret", "--name", "s", "--scheme", scheme, "--users-file"])
            .arg(&users)
            .output()
            .unwrap();
        assert!(out.status.success(), "{scheme}: {}", stderr(&out));
        let docs = parse_docs(&stdout(&out));
        let secret = docs.iter().find(|d| d["kind"] == "Secret").unwrap();
        let auth =
            String::from_utf8(base64_decode(secret["data"]["auth"].as_str().unwrap())).unwrap();
        let lines: Vec<&str> = auth.lines().collect();
        assert_eq!(lines.len(), count, "{scheme}");
        for (i, line) in lines.iter().enumerate() {
            let (user, hash) = line.split_once(':').unwrap();
            assert_eq!(user, format!("user{i:04}"), "file order kept");
            let password = format!("pw-{}", "x".repeat(i % 37));
            assert_eq!(
                verify(password.as_bytes(), hash.as_bytes()),
                Ok(true),
                "{line}"
            );
        }
    }
}

#[test]
fn a_bad_line_in_a_large_file_is_named_and_nothing_is_printed() {
    let dir = TempDir::new("bulk-bad");
    let mut file = String::new();
    for i in 0..100 {
        file.push_str(&format!("user{i}:secret{i}\n"));
    }
    file.push_str("user7:again\n");
    let users = dir.write("users", file.as_bytes());
    let out = ours()
        .args(["secret", "--name", "s", "--users-file"])
        .arg(&users)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty(), "no partial manifest");
    let err = stderr(&out);
    assert!(err.contains("line 101"), "{err}");
    assert!(
        !err.contains("again"),
        "the password must not be echoed: {err}"
    );
}
