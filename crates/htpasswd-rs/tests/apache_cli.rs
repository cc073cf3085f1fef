//! CLI snapshots of the Apache mode and its extensions, without any reference tool: usage text,
//! every message and exit code, run as `htpasswd-rs` (messages name the program by `argv[0]`).

use std::fs;
use std::os::unix::process::CommandExt as _;
use std::process::{Command, Stdio};

use crate::support::{ours, run_with_stdin, scratch_dir};

const USAGE: &str = "\
Usage:
\thtpasswd [-cimB25dpsDv] [-C cost] [-r rounds] passwordfile username
\thtpasswd -b[cmB25dpsDv] [-C cost] [-r rounds] passwordfile username password

\thtpasswd -n[imB25dps] [-C cost] [-r rounds] username
\thtpasswd -nb[mB25dps] [-C cost] [-r rounds] username password
 -c  Create a new file.
 -n  Don't update file; display results on stdout.
 -b  Use the password from the command line rather than prompting for it.
 -i  Read password from stdin without verification (for script usage).
 -m  Force MD5 hashing of the password (default).
 -2  Force SHA-256 hashing of the password (secure).
 -5  Force SHA-512 hashing of the password (secure).
 -B  Force bcrypt hashing of the password (very secure).
 -C  Set the computing time used for the bcrypt algorithm
     (higher is more secure but slower, default: 5, valid: 4 to 17).
 -r  Set the number of rounds used for the SHA-256, SHA-512 algorithms
     (higher is more secure but slower, default: 5000).
 -d  Force CRYPT hashing of the password (8 chars max, insecure).
 -s  Force SHA-1 hashing of the password (insecure).
 -p  Do not hash the password (plaintext, insecure).
 -D  Delete the specified user.
 -v  Verify password for the specified user.
On other systems than Windows and NetWare the '-p' flag will probably not work.
The SHA-1 algorithm does not use a salt and is less secure than the MD5 algorithm.
";

const SHA_P: &str = "{SHA}UWuXg/ylF+7L0dBk2i0WUxCxl1k=";

/// `htpasswd-rs` as a session leader without a controlling terminal (so prompts fall back to
/// stdin/stderr even when the tests run in a terminal), with argv[0] `htpasswd-rs`.
fn detached() -> Command {
    static DIR: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let d = scratch_dir("cli-bin");
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_htpasswd-rs"), d.join("htpasswd-rs"))
            .unwrap();
        d
    });
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = vec![dir.clone()];
    dirs.extend(std::env::split_paths(&path));
    let mut cmd = Command::new("setsid");
    cmd.arg("htpasswd-rs")
        .env("PATH", std::env::join_paths(dirs).unwrap());
    cmd
}

/// Runs `htpasswd-rs ARGS` in `dir` with `stdin`; returns (exit code, stdout, stderr).
fn rs(dir: &std::path::Path, args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut cmd = detached();
    cmd.args(args).current_dir(dir);
    let out = run_with_stdin(cmd, stdin.as_bytes());
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

struct Case {
    args: &'static [&'static str],
    stdin: &'static str,
    file: Option<&'static str>,
    code: i32,
    stdout: &'static str,
    stderr: &'static str,
}

const CASES: &[Case] = &[
    Case {
        args: &[],
        stdin: "",
        file: None,
        code: 2,
        stdout: "",
        stderr: USAGE,
    },
    Case {
        args: &["-nb", "u"],
        stdin: "",
        file: None,
        code: 2,
        stdout: "",
        stderr: USAGE,
    },
    Case {
        args: &["-cn", "f", "u"],
        stdin: "",
        file: None,
        code: 2,
        stdout: "",
        stderr: "htpasswd-rs: only one of -c -n -v -D may be specified\n",
    },
    Case {
        args: &["-nbC", "x", "u", "p"],
        stdin: "",
        file: None,
        code: 2,
        stdout: "",
        stderr: "htpasswd-rs: argument to -C/-r must be a positive integer\n",
    },
    Case {
        args: &["-nb", "a:b", "p"],
        stdin: "",
        file: None,
        code: 6,
        stdout: "",
        stderr: "htpasswd-rs: username contains illegal character ':'\n",
    },
    Case {
        args: &["-nbs", "u", "p"],
        stdin: "",
        file: None,
        code: 0,
        stdout: "u:{SHA}UWuXg/ylF+7L0dBk2i0WUxCxl1k=\n\n",
        stderr: "",
    },
    Case {
        args: &["-nbsC5", "u", "p"],
        stdin: "",
        file: None,
        code: 0,
        stdout: "u:{SHA}UWuXg/ylF+7L0dBk2i0WUxCxl1k=\n\n",
        stderr: "Warning: Ignoring -C/-r argument for this algorithm.\n",
    },
    Case {
        args: &["-nbp", "u", "p"],
        stdin: "",
        file: None,
        code: 0,
        stdout: "u:p\n\n",
        stderr: "Warning: storing passwords as plain text might just not work on this platform.\n",
    },
    Case {
        args: &["-nbB", "-C", "18", "u", "p"],
        stdin: "",
        file: None,
        code: 3,
        stdout: "",
        stderr: "htpasswd-rs: Unable to encode with bcrypt: Invalid argument\n",
    },
    Case {
        args: &["-nb2", "-r", "999", "u", "p"],
        stdin: "",
        file: None,
        code: 2,
        stdout: "",
        stderr: "htpasswd-rs: argument to -r must be from 1000 to 999999999 for SHA-256 and SHA-512 (Apache's htpasswd would store the unusable hash '*0')\n",
    },
    Case {
        args: &["-nis", "u"],
        stdin: "p\r\n",
        file: None,
        code: 0,
        stdout: "u:{SHA}UWuXg/ylF+7L0dBk2i0WUxCxl1k=\n\n",
        stderr: "",
    },
    Case {
        args: &["-ns", "u"],
        stdin: "a\nb\n",
        file: None,
        code: 3,
        stdout: "",
        stderr: "New password: Re-type new password: htpasswd-rs: password verification error\n",
    },
    Case {
        args: &["-b", "f", "u", "p"],
        stdin: "",
        file: None,
        code: 1,
        stdout: "",
        stderr: "htpasswd-rs: cannot modify file f; use '-c' to create it\n",
    },
    Case {
        args: &["-bs", "f", "u", "p"],
        stdin: "",
        file: Some("a:1\n"),
        code: 0,
        stdout: "",
        stderr: "Adding password for user u\n",
    },
    Case {
        args: &["-bs", "f", "a", "p"],
        stdin: "",
        file: Some("a:1\nb:2\na:3\n"),
        code: 0,
        stdout: "",
        stderr: "Updating Updating password for user a\n",
    },
    Case {
        args: &["-bs", "f", "b", "p"],
        stdin: "",
        file: Some("a:1\nbad\nb:2\n"),
        code: 7,
        stdout: "",
        stderr: "htpasswd-rs: The file f does not appear to be a valid htpasswd file.\n",
    },
    Case {
        args: &["-D", "f", "a"],
        stdin: "",
        file: Some("a:1\n"),
        code: 0,
        stdout: "",
        stderr: "Deleting password for user a\n",
    },
    Case {
        args: &["-D", "f", "z"],
        stdin: "",
        file: Some("a:1\n"),
        code: 0,
        stdout: "",
        stderr: "User z not found\n",
    },
    Case {
        args: &["-bv", "f", "z", "p"],
        stdin: "",
        file: Some("a:1\n"),
        code: 6,
        stdout: "",
        stderr: "User z not found\n",
    },
    Case {
        args: &["-bv", "f", "a", "p"],
        stdin: "",
        file: Some("a:\n"),
        code: 7,
        stdout: "",
        stderr: "Empty hash for user a\n",
    },
    Case {
        args: &["-bv", "f", "a", "q"],
        stdin: "",
        file: Some("a:{SHA}UWuXg/ylF+7L0dBk2i0WUxCxl1k=\n"),
        code: 3,
        stdout: "",
        stderr: "password verification failed\n",
    },
    Case {
        args: &["-v", "f", "a"],
        stdin: "p\n",
        file: Some("a:{SHA}UWuXg/ylF+7L0dBk2i0WUxCxl1k=\n"),
        code: 0,
        stdout: "",
        stderr: "Enter password: Password for user a correct.\n",
    },
    Case {
        args: &["-nb", "#u", "p"],
        stdin: "",
        file: None,
        code: 6,
        stdout: "",
        stderr: "htpasswd-rs: username starts with '#'; servers read such a line as a comment\n",
    },
    Case {
        args: &["-nbp", "u", "a:b"],
        stdin: "",
        file: None,
        code: 9,
        stdout: "",
        stderr: "Warning: storing passwords as plain text might just not work on this platform.\n\
                 htpasswd-rs: cannot store this password in plain text: it contains ':' at byte 1\n",
    },
    Case {
        args: &["-nis", "u"],
        stdin: "p\0q",
        file: None,
        code: 9,
        stdout: "",
        stderr: "htpasswd-rs: the password contains a NUL byte\n",
    },
];

#[test]
fn messages_and_exit_codes_are_pinned() {
    for c in CASES {
        let dir = scratch_dir("cli");
        if let Some(content) = c.file {
            fs::write(dir.join("f"), content).unwrap();
        }
        let got = rs(&dir, c.args, c.stdin);
        assert_eq!(
            got,
            (c.code, c.stdout.to_owned(), c.stderr.to_owned()),
            "{:?}",
            c.args
        );
        let _ = fs::remove_dir_all(&dir);
    }
}

#[test]
fn getopt_messages_use_the_base_name_others_the_full_argv0() {
    let dir = scratch_dir("cli-argv0");
    let run = |args: &[&str]| {
        let mut cmd = ours();
        cmd.arg0("/opt/bin/htpasswd-rs")
            .args(args)
            .current_dir(&dir);
        String::from_utf8(run_with_stdin(cmd, b"").stderr).unwrap()
    };
    assert_eq!(
        run(&["-x"]),
        format!("htpasswd-rs: illegal option -- x\n{USAGE}")
    );
    assert_eq!(
        run(&["-C"]),
        format!("htpasswd-rs: option requires an argument -- C\n{USAGE}")
    );
    assert_eq!(
        run(&["-nb", "a:b", "p"]),
        "/opt/bin/htpasswd-rs: username contains illegal character ':'\n"
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn help_and_version_stay() {
    let dir = scratch_dir("cli-help");
    let (code, out, err) = rs(&dir, &["--help"], "");
    assert_eq!((code, err.as_str()), (0, ""));
    for needle in [
        "htpasswd-rs [-cimB25dpsDv]",
        "--list FILE",
        "--lint [--level",
        "passwd",
    ] {
        assert!(out.contains(needle), "{needle} missing from --help:\n{out}");
    }
    let (code, out, _) = rs(&dir, &["--version"], "");
    assert_eq!(
        (code, out),
        (0, format!("htpasswd-rs {}\n", env!("CARGO_PKG_VERSION")))
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_password_file_named_passwd_is_apache_mode() {
    let dir = scratch_dir("cli-passwd-file");
    let (code, _, err) = rs(&dir, &["-cbs", "passwd", "u", "p"], "");
    assert_eq!((code, err.as_str()), (0, "Adding password for user u\n"));
    // `passwd` first and followed by a non-option: the file `passwd`, as in Apache.
    let (code, _, err) = rs(&dir, &["passwd", "u"], "p\np\n");
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        err,
        "New password: Re-type new password: Updating password for user u\n"
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn list_prints_users_schemes_and_lines() {
    let dir = scratch_dir("cli-list");
    fs::write(
        dir.join("f"),
        format!("# team\nalice:{SHA_P}\nbob:$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1\ncarol:plain\n"),
    )
    .unwrap();
    let (code, out, err) = rs(&dir, &["--list", "f"], "");
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (
            0,
            "alice\tsha1\tline 2\nbob\tapr1\tline 3\ncarol\tplaintext\tline 4\n",
            ""
        )
    );
    let (code, _, err) = rs(&dir, &["--list", "missing"], "");
    assert_eq!(code, 1);
    assert!(
        err.starts_with("htpasswd-rs: cannot open missing: "),
        "{err}"
    );
    let (code, _, err) = rs(&dir, &["--list"], "");
    assert_eq!(
        (code, err.as_str()),
        (2, "htpasswd-rs: usage: htpasswd-rs --list FILE\n")
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn lint_reports_and_exits_by_level() {
    let dir = scratch_dir("cli-lint");
    fs::write(
        dir.join("clean"),
        "a:$2y$05$yR1cJJE11f97dkuXNcbzxObEYjl8Yj.7deJZz9izCvGTw4Mye3sMS\n",
    )
    .unwrap();
    fs::write(dir.join("md5"), "a:$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1\n").unwrap();
    fs::write(dir.join("bad"), format!("a:{SHA_P}\nno colon\na:x\n")).unwrap();
    assert_eq!(
        rs(&dir, &["--lint", "clean"], ""),
        (0, String::new(), String::new())
    );
    let (code, out, _) = rs(&dir, &["--lint", "md5"], "");
    assert_eq!(code, 0);
    assert!(out.starts_with("md5:1: info: line 1 uses apr1"), "{out}");
    assert_eq!(rs(&dir, &["--lint", "--level", "info", "md5"], "").0, 7);
    let (code, out, _) = rs(&dir, &["--lint", "bad"], "");
    assert_eq!(code, 7);
    assert!(out.contains("bad:2: error: line 2 has no ':'"), "{out}");
    assert!(out.contains("bad:1: warning: line 1 uses sha1"), "{out}");
    assert!(
        out.contains("bad:1: error: user 'a' has entries on lines 1, 3"),
        "{out}"
    );
    assert_eq!(rs(&dir, &["--lint", "--level", "bogus", "bad"], "").0, 2);
    assert_eq!(rs(&dir, &["--lint", "nope"], "").0, 1);
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn broken_pipe_ends_quietly() {
    let mut child = ours()
        .args(["-nbs", "u", "p"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn verify_mode_reads_nothing_it_does_not_need() {
    // -D never asks for a password; -v does not ask when the user is absent.
    let dir = scratch_dir("cli-noprompt");
    fs::write(dir.join("f"), "a:1\n").unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_htpasswd-rs"));
    cmd.args(["-D", "f", "a"]).current_dir(&dir);
    let out = run_with_stdin(cmd, b"");
    assert_eq!(out.status.code(), Some(0));
    let (code, _, err) = rs(&dir, &["-v", "f", "zz"], "");
    assert_eq!((code, err.as_str()), (6, "User zz not found\n"));
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn man_page_covers_every_flag_and_extension() {
    let man = include_str!("../doc/htpasswd-rs.1");
    for line in USAGE.lines().filter(|l| l.starts_with(" -")) {
        let flag = &line[1..3];
        assert!(
            man.contains(&format!(".B \\{flag}")) || man.contains(&format!(".BI \\{flag}")),
            "man page lacks {flag}"
        );
    }
    for ext in [
        "\\-\\-batch",
        "\\-\\-list",
        "\\-\\-lint",
        "\\-\\-level",
        "passwd",
        "EXIT STATUS",
    ] {
        assert!(man.contains(ext), "man page lacks {ext}");
    }
}

#[test]
fn bash_completion_completes_flags_extensions_and_values() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/completions/htpasswd-rs.bash");
    let complete = |words: &[&str]| {
        let words: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
        let out = Command::new("bash")
            .arg("-c")
            .arg(format!(
                "source '{script}'; COMP_WORDS=({}); COMP_CWORD={}; _htpasswd_rs; echo \"${{COMPREPLY[*]}}\"",
                words.join(" "),
                words.len() - 1
            ))
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    assert_eq!(complete(&["htpasswd-rs", "--l"]), "--list --lint");
    assert_eq!(
        complete(&["htpasswd-rs", "-B", "-C", "1"]),
        "10 11 12 13 14 15 16 17"
    );
    assert_eq!(
        complete(&["htpasswd-rs", "--lint", "--level", "w"]),
        "warning"
    );
    assert!(complete(&["htpasswd-rs", "-"]).contains("-D"));
    assert_eq!(complete(&["htpasswd-rs", "passwd", "-ap"]), "-apr1");
}
