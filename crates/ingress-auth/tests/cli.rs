//! Behaviour of each command, pinned end to end.

use std::os::unix::fs::PermissionsExt as _;

use htpasswd_core::crypt::verify;

use crate::support::{
    TempDir, base64_decode, on_terminal, ours, parse_docs, run, run_with_stdin, stderr, stdout,
};

#[test]
fn help_and_version_answer() {
    let help = run(&["--help"]);
    assert!(help.status.success());
    let text = stdout(&help);
    for cmd in [
        "secret", "ingress", "generate", "annotate", "verify", "users",
    ] {
        assert!(text.contains(cmd), "--help lacks {cmd}: {text}");
    }
    let version = run(&["--version"]);
    assert!(version.status.success());
    assert_eq!(
        stdout(&version),
        format!("ingress-auth {}\n", env!("CARGO_PKG_VERSION"))
    );
}

/// The users' auth text out of a one-Secret YAML stream.
fn auth_text(yaml: &str) -> String {
    let docs = parse_docs(yaml);
    let secret = docs.iter().find(|d| d["kind"] == "Secret").unwrap();
    String::from_utf8(base64_decode(secret["data"]["auth"].as_str().unwrap())).unwrap()
}

#[test]
fn generated_password_goes_to_stderr_and_verifies() {
    // Stderr is a pipe here: printing the password there takes --show-passwords.
    let out = run(&[
        "secret",
        "--name",
        "basic-auth",
        "--user",
        "alice",
        "--show-passwords",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    let line = err.lines().find(|l| l.starts_with("alice:")).unwrap();
    let password = &line["alice:".len()..];
    assert!(
        password.len() >= 20,
        "generated password too short: {}",
        password.len()
    );
    assert!(
        !stdout(&out).contains(password),
        "clear password in the manifest"
    );
    let auth = auth_text(&stdout(&out));
    let hash = auth.strip_prefix("alice:").unwrap().trim_end();
    assert!(hash.starts_with("$apr1$"));
    assert_eq!(verify(password.as_bytes(), hash.as_bytes()), Ok(true));
}

#[test]
fn credentials_file_is_created_0600_and_never_overwritten() {
    let dir = TempDir::new("creds");
    let creds = dir.path().join("creds.txt");
    let out = ours()
        .args([
            "secret",
            "--name",
            "s",
            "--user",
            "alice",
            "--user",
            "bob",
            "--credentials-file",
        ])
        .arg(&creds)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("alice:"),
        "credentials also on stderr"
    );
    let mode = std::fs::metadata(&creds).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let text = std::fs::read_to_string(&creds).unwrap();
    let auth = auth_text(&stdout(&out));
    for (line, entry) in text.lines().zip(auth.lines()) {
        let (user, pw) = line.split_once(':').unwrap();
        let (user2, hash) = entry.split_once(':').unwrap();
        assert_eq!(user, user2);
        assert_eq!(verify(pw.as_bytes(), hash.as_bytes()), Ok(true));
    }
    // A second run refuses to clobber the file and prints no manifest.
    let again = ours()
        .args([
            "secret",
            "--name",
            "s",
            "--user",
            "carol",
            "--credentials-file",
        ])
        .arg(&creds)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
    assert!(again.stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&creds).unwrap(), text);
}

/// A Secret that fails to build (here: a user name that is no auth-map key) leaves no
/// credentials file behind: the file is written last.
#[test]
fn failed_build_writes_no_credentials_file() {
    let dir = TempDir::new("creds-fail");
    let creds = dir.path().join("creds.txt");
    let out = ours()
        .args([
            "secret",
            "--name",
            "s",
            "--secret-type",
            "auth-map",
            "--user",
            "bob smith",
            "--credentials-file",
        ])
        .arg(&creds)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--secret-type auth-map"),
        "{}",
        stderr(&out)
    );
    assert!(out.stdout.is_empty());
    assert!(
        !creds.exists(),
        "credentials written for a Secret that was never printed"
    );
}

#[test]
fn every_user_source_and_scheme_verifies() {
    let dir = TempDir::new("sources");
    let users = dir.write("users", b"# team\n\ncarol:c pass:with colon\r\ndave:dpw\n");
    let htpasswd = dir.write(
        "htpasswd",
        b"# from apache\r\nerin:$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/\r\n",
    );
    for scheme in ["apr1", "bcrypt", "sha256", "sha512", "sha1"] {
        let out = run_with_stdin(
            ours()
                .args([
                    "secret",
                    "--name",
                    "s",
                    "--scheme",
                    scheme,
                    "--user",
                    "bob",
                    "--password-stdin",
                ])
                .arg("--users-file")
                .arg(&users)
                .arg("--htpasswd")
                .arg(&htpasswd),
            b"bob pw\n",
        );
        assert!(out.status.success(), "{scheme}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("CRLF line ending(s) normalised"),
            "{}",
            stderr(&out)
        );
        let auth = auth_text(&stdout(&out));
        let want = [
            ("bob", "bob pw"),
            ("carol", "c pass:with colon"),
            ("dave", "dpw"),
            ("erin", "myPassword"),
        ];
        assert!(auth.starts_with("# from apache\nerin:"), "{auth}");
        for (user, pw) in want {
            let hash = auth
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{user}:")))
                .unwrap();
            assert_eq!(
                verify(pw.as_bytes(), hash.as_bytes()),
                Ok(true),
                "{scheme} {user}"
            );
        }
    }
}

#[test]
fn auth_map_has_one_key_per_user() {
    let out = run(&[
        "secret",
        "--name",
        "s",
        "--secret-type",
        "auth-map",
        "--user",
        "alice:a1",
        "--user",
        "bob.b:b1",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let docs = parse_docs(&stdout(&out));
    let data = docs[0]["data"].as_object().unwrap();
    assert_eq!(data.keys().collect::<Vec<_>>(), ["alice", "bob.b"]);
    let hash = base64_decode(data["bob.b"].as_str().unwrap());
    assert_eq!(verify(b"b1", &hash), Ok(true));
}

#[test]
fn oversized_secret_is_refused() {
    let dir = TempDir::new("big");
    let mut text = String::new();
    let mut i = 0;
    while text.len() <= htpasswd_k8s::MAX_SECRET_DATA {
        text.push_str(&format!("user{i}:$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/\n"));
        i += 1;
    }
    let file = dir.write("big", text.as_bytes());
    let out = ours()
        .args(["secret", "--name", "s", "--htpasswd"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains("at most 1048576 (1 MiB)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn verify_exit_codes_follow_htpasswd() {
    let dir = TempDir::new("verify");
    for (secret_type, output) in [("auth-file", "yaml"), ("auth-map", "json")] {
        let made = run(&[
            "generate",
            "--name",
            "app",
            "--user",
            "alice:right",
            "--secret-type",
            secret_type,
            "-o",
            output,
            "--host",
            "a.example.com",
            "--service",
            "web",
            "--port",
            "80",
        ]);
        assert!(made.status.success(), "{}", stderr(&made));
        let file = dir.write(&format!("s-{secret_type}"), &made.stdout);
        let check = |user: &str, pw: &[u8]| {
            run_with_stdin(ours().args(["verify", "--user", user, "-f"]).arg(&file), pw)
        };
        let ok = check("alice", b"right\n");
        assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
        assert!(stderr(&ok).contains("Password for user alice correct."));
        let bad = check("alice", b"wrong\n");
        assert_eq!(bad.status.code(), Some(3));
        assert!(stderr(&bad).contains("password verification failed"));
        let none = check("bob", b"right\n");
        assert_eq!(none.status.code(), Some(6));
        assert!(stderr(&none).contains("user bob not found"));
    }
}

#[test]
fn users_lists_schemes_and_controllers() {
    let dir = TempDir::new("users");
    let htpasswd = dir.write(
        "h",
        b"alice:$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/\nbob:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n",
    );
    let made = ours()
        .args(["secret", "--name", "s", "--htpasswd"])
        .arg(&htpasswd)
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", stderr(&made));
    let file = dir.write("s.yaml", &made.stdout);
    let out = ours().args(["users", "-f"]).arg(&file).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("USER"));
    assert!(
        lines[1].starts_with("alice  apr1") && lines[1].contains("ingress-nginx"),
        "{text}"
    );
    assert!(
        lines[2].starts_with("bob    sha1") && lines[2].contains("envoy-gateway"),
        "{text}"
    );
}

/// A reader that goes away early: the manifest was not delivered, so the binary fails (exit 1,
/// one line on stderr, no panic) instead of reporting success (issue 19 item 8; more cases in
/// `output_failures`).
#[test]
fn broken_pipe_is_a_failure() {
    use std::process::Stdio;
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = ours()
        .args([
            "ingress",
            "--name",
            "app",
            "--auth-secret",
            "s",
            "--service",
            "web",
            "--port",
            "80",
        ])
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "ingress-auth: writing output: the reader closed the pipe before the whole manifest was \
         written\n"
    );
}

/// On a terminal (a pty from util-linux `script`, part of Debian's essential bsdutils), `verify`
/// and `--password-stdin` prompt with echo off: the typed password never shows.
#[test]
fn terminal_prompt_does_not_echo() {
    let Some(script) = crate::support::reference_tool("script", "terminal_prompt_does_not_echo")
    else {
        return;
    };
    let dir = TempDir::new("tty");
    let made = run(&["secret", "--name", "s", "--user", "alice:TypedSecret42"]);
    let file = dir.write("s.yaml", &made.stdout);
    let bin = env!("CARGO_BIN_EXE_ingress-auth");
    let type_later = |cmd: String| on_terminal(&script, &cmd, "TypedSecret42\\n");
    let out = type_later(format!("{bin} verify --user alice -f {}", file.display()));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("Password for alice: "), "{text}");
    assert!(text.contains("Password for user alice correct."), "{text}");
    assert!(!text.contains("TypedSecret42"), "password echoed: {text}");

    let out = type_later(format!("{bin} secret --name s --user bob --password-stdin"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("Password for bob: ") && text.contains("kind: Secret"),
        "{text}"
    );
    assert!(!text.contains("TypedSecret42"), "password echoed: {text}");
}

/// User names from a Secret are printed with control characters escaped.
#[test]
fn users_escapes_control_characters() {
    let secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  auth: \"ev\\x1b[2Jil:$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/\\n\"\n";
    let out = run_with_stdin(ours().args(["users", "-f", "-"]), secret.as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(!text.contains('\u{1b}'), "{text:?}");
    assert!(text.contains("ev\\u{1b}[2Jil  apr1"), "{text:?}");
}

#[test]
fn unusable_md5_kernel_variable_is_refused_like_htpasswd_rs() {
    let out = ours()
        .args(["secret", "--name", "s", "--user", "alice:given"])
        .env("HTPASSWD_MD5_KERNEL", "avx1024")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).starts_with("ingress-auth: HTPASSWD_MD5_KERNEL=\"avx1024\" is not a kernel"),
        "{}",
        stderr(&out)
    );
    let out = ours()
        .args(["secret", "--name", "s", "--user", "alice:given"])
        .env("HTPASSWD_MD5_KERNEL", "scalar")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}
