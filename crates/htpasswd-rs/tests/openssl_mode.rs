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
    let kernels = htpasswd_core::crypt::md5_crypt::batch::Kernel::available();
    for flag in ["-apr1", "-1"] {
        let reference = openssl("in_file_bulk_matches_openssl").map(|openssl| {
            Command::new(openssl)
                .args(["passwd", flag, "-salt", "abcdefgh", "-in"])
                .arg(&file)
                .output()
                .unwrap()
        });
        // Every kernel this CPU runs, picked through HTPASSWD_MD5_KERNEL.
        for kernel in kernels {
            let out = ours()
                .env("HTPASSWD_MD5_KERNEL", kernel.name())
                .args(["passwd", flag, "-salt", "abcdefgh", "-in"])
                .arg(&file)
                .output()
                .unwrap();
            assert!(out.status.success(), "{flag} {kernel:?}");
            assert_eq!(out.stdout.iter().filter(|&&b| b == b'\n').count(), LINES);
            let Some(reference) = &reference else {
                continue;
            };
            assert!(
                out.stdout == reference.stdout,
                "{flag} with {kernel:?}: output differs from openssl"
            );
            assert_eq!(out.stderr, reference.stderr);
        }
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
        let parsed = htpasswd_core::crypt::md5_crypt::Md5CryptHash::parse(hash).unwrap();
        assert!(parsed.verify(&pw[..pw.len().min(256)]));
    }
    let salts: std::collections::HashSet<_> = hashes.iter().map(|h| &h[6..14]).collect();
    assert!(
        salts.len() > LINES - 10,
        "salts repeat: {} distinct",
        salts.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// One scenario: arguments after `passwd`, standard input, and files it may read.
struct Scenario {
    args: Vec<String>,
    stdin: Vec<u8>,
}

fn scenario(args: &[&str], stdin: &[u8]) -> Scenario {
    Scenario {
        args: args.iter().map(|s| (*s).to_owned()).collect(),
        stdin: stdin.to_vec(),
    }
}

/// Runs `program passwd ARGS` with no controlling terminal (`setsid -w`), so prompts read stdin
/// as they do in scripts and CI.
fn run_detached(program: &std::path::Path, args: &[String], stdin: &[u8]) -> std::process::Output {
    let mut cmd = Command::new("setsid");
    cmd.arg("-w").arg(program).arg("passwd").args(args);
    run_with_stdin(cmd, stdin)
}

/// Scenarios whose stdout, stderr and exit code must equal OpenSSL's byte for byte.
fn identical_scenarios(dir: &std::path::Path) -> Vec<Scenario> {
    let file = dir.join("passwords");
    let mut content = b"alpha\n\nwith space\r\nnon-utf8 \xff\xfe\n".to_vec();
    content.extend_from_slice(&[b'y'; 300]);
    content.extend_from_slice(b"\nno final newline");
    std::fs::write(&file, &content).unwrap();
    let file = file.to_str().unwrap().to_owned();
    let sha_file = dir.join("sha-passwords");
    // OpenSSL 3.0 prints `<NULL>` for an empty SHA-crypt password (a listed divergence).
    let sha_content: Vec<u8> = content
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .flat_map(|l| l.iter().copied().chain([b'\n']))
        .collect();
    std::fs::write(&sha_file, &sha_content).unwrap();
    let sha_file = sha_file.to_str().unwrap().to_owned();
    let long = "z".repeat(300);
    let mut list = Vec::new();
    for mode in ["-1", "-apr1", "-5", "-6"] {
        let (content, file, empty) = if mode.starts_with("-5") || mode.starts_with("-6") {
            (&sha_content, &sha_file, "e")
        } else {
            (&content, &file, "")
        };
        for salt in ["abc", "abcdefgh", "abcdefghijklmnopqrstuvwxyz", "./09AZaz"] {
            list.push(scenario(&[mode, "-salt", salt, "password"], b""));
            list.push(scenario(&[mode, "-salt", salt, "-stdin"], content));
        }
        list.push(scenario(&[mode, "-salt", "s4lt", "-in", file], b""));
        list.push(scenario(
            &[mode, "-salt", "s4lt", "-table", "a", "b c", empty],
            b"",
        ));
        list.push(scenario(
            &[mode, "-salt", "s4lt", "-table", "-reverse", "-stdin"],
            content,
        ));
        list.push(scenario(&[mode, "-salt", "s4lt", &long], b""));
        list.push(scenario(&[mode, "-salt", "s4lt", "-quiet", &long], b""));
        list.push(scenario(&["-salt", "s4lt", mode, "--", "-dash", "x"], b""));
        list.push(scenario(&[&format!("-{mode}"), "--salt", "s4lt", "x"], b""));
        list.push(scenario(&[mode, "-salt=s4lt", "x"], b""));
        list.push(scenario(&[mode, "-salt", "s4lt", "-noverify"], b"typed\n"));
        list.push(scenario(&[mode, "-salt", "s4lt"], b"typed\nignored\n"));
        list.push(scenario(&[mode, "-salt", "s4lt", "-stdin"], b""));
        list.push(scenario(
            &[mode, "-salt", "s4lt", "-rand", "/dev/null", "x"],
            b"",
        ));
    }
    for sha in ["-5", "-6"] {
        for salt in [
            "rounds=1000$abc",
            "rounds=10$abc",
            "rounds=5000$abc",
            "rounds=01000$ab",
            "rounds=1000$abcdefghijklmnopqrs",
        ] {
            list.push(scenario(&[sha, "-salt", salt, "x"], b""));
        }
    }
    list.push(scenario(&["-1", "-salt", "", "x"], b""));
    list.push(scenario(&["-apr1", "-salt", "", "x"], b""));
    list.push(scenario(&["-salt", "abc", "default-mode"], b""));
    list.push(scenario(&["-salt", "abc", "x", "-1"], b""));
    list.push(scenario(&["-salt", "abc", "-reverse", "x"], b""));
    // Usage errors.
    for args in [
        &["-bogus"][..],
        &["--bogus"],
        &["-"],
        &["-salt"],
        &["-in"],
        &["-1", "-apr1", "x"],
        &["-1", "-1", "x"],
        &["-5", "-6", "x"],
        &["-stdin", "x"],
        &["-in", "/dev/null", "x"],
        &["-stdin", "-in", "/dev/null"],
        &["-crypt", "x"],
        &["-1=x"],
        &["-bogus=x"],
        &["-salt=", "x"],
    ] {
        list.push(scenario(args, b""));
    }
    // Prompts without a terminal: one line from stdin, verified when no -salt.
    list.push(scenario(&["-1", "-salt", "abc"], b""));
    list.push(scenario(&["-1"], b"same\ndifferent\n"));
    list.push(scenario(&["-apr1", "-noverify", "-salt", "abc"], b"typed"));
    list
}

#[test]
fn openssl_scenarios_match_byte_for_byte() {
    let Some(openssl) = openssl("openssl_scenarios_match_byte_for_byte") else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("htpasswd-rs-ossl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ours = std::path::PathBuf::from(env!("CARGO_BIN_EXE_htpasswd-rs"));
    let scenarios = identical_scenarios(&dir);
    for s in &scenarios {
        let theirs = run_detached(&openssl, &s.args, &s.stdin);
        let mine = run_detached(&ours, &s.args, &s.stdin);
        let show = |o: &std::process::Output| {
            format!(
                "rc={:?}\nstdout={}\nstderr={}",
                o.status.code(),
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            )
        };
        assert!(
            theirs.stdout == mine.stdout
                && theirs.stderr == mine.stderr
                && theirs.status.code() == mine.status.code(),
            "passwd {:?} differs\n--- openssl\n{}\n--- htpasswd-rs\n{}",
            s.args,
            show(&theirs),
            show(&mine)
        );
    }
    eprintln!(
        "openssl_scenarios_match_byte_for_byte: {} scenarios identical",
        scenarios.len()
    );
    assert!(scenarios.len() >= 100);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Where OpenSSL prints a hash no server can verify (or `<NULL>`), we refuse: pinned here and
/// listed in docs/COMPATIBILITY.md.
#[test]
fn deliberate_divergences_are_refusals() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["-apr1", "-salt", "ab$cd", "x"],
            "passwd: invalid -salt: salt contains '$' at byte 2; '$' ends the salt in a stored hash\n",
        ),
        (
            &["-5", "-salt", "ab$cd", "x"],
            "passwd: invalid -salt: salt contains '$' at byte 2; '$' ends the salt in a stored hash\n",
        ),
        (
            &["-5", "-salt", "", "x"],
            "passwd: invalid -salt: SHA-crypt needs a non-empty salt (OpenSSL would print <NULL>)\n",
        ),
        (
            &["-6", "-salt", "rounds=5000", "x"],
            "passwd: invalid -salt: 'rounds=N' must be followed by '$' and the salt\n",
        ),
        (
            &["-6", "-salt", "rounds=abc$x", "x"],
            "passwd: invalid -salt: 'rounds=' needs a decimal number\n",
        ),
        (
            &["-5", "-salt", "rounds=1000$", "x"],
            "passwd: invalid -salt: SHA-crypt needs a non-empty salt (OpenSSL would print <NULL>)\n",
        ),
        (
            &["-aixmd5", "x"],
            "passwd: option -aixmd5 is not supported by htpasswd-rs: no web server checks AIX MD5 hashes\n",
        ),
        (
            &["-writerand", "/tmp/x", "x"],
            "passwd: option -writerand is not supported by htpasswd-rs: salts come from the operating system's CSPRNG; there is no RNG state to save\n",
        ),
        (
            &["-provider", "default", "x"],
            "passwd: option -provider is not supported by htpasswd-rs: htpasswd-rs does not load OpenSSL providers\n",
        ),
    ];
    for (args, stderr) in cases {
        let out = ours().arg("passwd").args(*args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), *stderr, "{args:?}");
    }
    // `-in` on a missing file: OpenSSL's first line, without its error stack (which carries
    // process addresses).
    let out = ours()
        .args(["passwd", "-in", "/nonexistent/x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Can't open \"/nonexistent/x\" for reading, No such file or directory\n"
    );
}

/// The prompt through a real pseudo-terminal (`script`): "Password: ", "Verifying - Password: ",
/// no echo, and the same bytes on the terminal as OpenSSL prints.
#[test]
fn terminal_prompt_matches_openssl_through_a_pty() {
    let Some(openssl) = openssl("terminal_prompt_matches_openssl_through_a_pty") else {
        return;
    };
    if Command::new("script").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("HTPASSWD_RS_REQUIRE_REFERENCE_TOOLS").is_none(),
            "`script` (util-linux) is missing"
        );
        eprintln!("\n!!! SKIPPED terminal_prompt_matches_openssl_through_a_pty: no `script` !!!\n");
        return;
    }
    let ours = env!("CARGO_BIN_EXE_htpasswd-rs");
    let through_pty = |program: &str, args: &str, typed: &[&str]| -> Vec<u8> {
        // The typing is paced so each line arrives after the prompt switched echo off.
        let mut typing = String::from("sleep 0.4");
        for t in typed {
            typing.push_str(&format!("; printf '%s\\r' '{t}'; sleep 0.3"));
        }
        let out = Command::new("bash")
            .arg("-c")
            .arg(format!(
                "({typing}) | script -qec '{program} passwd {args}; echo rc=$?' /dev/null"
            ))
            .output()
            .unwrap();
        out.stdout
    };
    // Mismatch: both print the two prompts, "Verify failure", exit 1; the password never shows.
    let theirs = through_pty(openssl.to_str().unwrap(), "-1", &["secret1", "secret2"]);
    let mine = through_pty(ours, "-1", &["secret1", "secret2"]);
    assert_eq!(
        String::from_utf8_lossy(&mine),
        String::from_utf8_lossy(&theirs)
    );
    assert!(
        !String::from_utf8_lossy(&mine).contains("secret"),
        "echo was not off"
    );
    assert!(String::from_utf8_lossy(&mine).contains("Verify failure\r\nrc=1"));
    // With -salt there is no verify prompt, and the hash is the same.
    let theirs = through_pty(
        openssl.to_str().unwrap(),
        "-apr1 -salt abcdefgh",
        &["password"],
    );
    let mine = through_pty(ours, "-apr1 -salt abcdefgh", &["password"]);
    assert_eq!(
        String::from_utf8_lossy(&mine),
        String::from_utf8_lossy(&theirs)
    );
    assert!(String::from_utf8_lossy(&mine).contains("$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1"));
}

/// OpenSSL 3.0 prints `<NULL>` for an empty password with `-5`/`-6`; we print the valid hash of
/// the empty password (what glibc's crypt gives), listed in docs/COMPATIBILITY.md.
#[test]
fn empty_sha_crypt_password_gets_a_real_hash() {
    let out = ours()
        .args(["passwd", "-5", "-salt", "s4lt", ""])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let hash = String::from_utf8(out.stdout).unwrap();
    let parsed = htpasswd_core::crypt::Hash::parse(hash.trim_end().as_bytes()).unwrap();
    assert!(parsed.verify(b""));
    assert!(!parsed.verify(b"x"));
}

/// A kernel name the CPU does not run is refused before anything is read or written.
#[test]
fn unknown_kernel_in_the_environment_is_refused() {
    let out = ours()
        .env("HTPASSWD_MD5_KERNEL", "avx1024")
        .args(["passwd", "-apr1", "-salt", "abcdefgh", "secret"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("htpasswd-rs: HTPASSWD_MD5_KERNEL=\"avx1024\" is not a kernel")
            && stderr.contains("scalar"),
        "{stderr}"
    );
    // Empty means unset.
    let out = ours()
        .env("HTPASSWD_MD5_KERNEL", "")
        .args(["passwd", "-apr1", "-salt", "abcdefgh", "secret"])
        .output()
        .unwrap();
    let unset = ours()
        .env_remove("HTPASSWD_MD5_KERNEL")
        .args(["passwd", "-apr1", "-salt", "abcdefgh", "secret"])
        .output()
        .unwrap();
    assert!(out.status.success() && unset.status.success());
    assert_eq!(out.stdout, unset.stdout);
    assert!(out.stdout.starts_with(b"$apr1$abcdefgh$"));
}

/// `passwd -help` lists only what htpasswd-rs does, in OpenSSL's layout: every line is one of
/// `openssl passwd -help`'s, every listed option is accepted, and the options htpasswd-rs
/// refuses or ignores are not listed.
#[test]
fn help_lists_only_supported_options_in_openssls_layout() {
    let help = ours().args(["passwd", "-help"]).output().unwrap();
    assert_eq!(help.status.code(), Some(0));
    assert!(help.stdout.is_empty());
    let text = String::from_utf8(help.stderr).unwrap();
    let options: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix(" -"))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(
        options,
        [
            "help", "in", "noverify", "stdin", "quiet", "table", "reverse", "salt", "6", "5",
            "apr1", "1"
        ]
    );
    for gone in ["aixmd5", "rand", "writerand", "provider", "propquery"] {
        assert!(
            !text.contains(&format!(" -{gone} ")),
            "lists -{gone}: {text}"
        );
    }
    // Each listed option is accepted (with a value where it takes one).
    for option in &options[1..] {
        let mut args = vec!["passwd".to_owned(), format!("-{option}")];
        match *option {
            "salt" => args.push("abcdefgh".to_owned()),
            "in" => args.push("/dev/null".to_owned()),
            "stdin" => {}
            _ => args.extend(["-salt".to_owned(), "xy".to_owned(), "pw".to_owned()]),
        }
        if *option == "salt" {
            args.push("pw".to_owned());
        }
        let out = run_with_stdin(
            {
                let mut cmd = ours();
                cmd.args(&args);
                cmd
            },
            b"pw\n",
        );
        assert_eq!(out.status.code(), Some(0), "-{option}: {out:?}");
    }
    let Some(openssl) = openssl("help_lists_only_supported_options_in_openssls_layout") else {
        return;
    };
    let reference = Command::new(openssl)
        .args(["passwd", "-help"])
        .output()
        .unwrap();
    let reference = String::from_utf8_lossy(&reference.stderr).into_owned();
    for line in text.lines().filter(|l| !l.is_empty()) {
        assert!(
            reference.lines().any(|r| r == line),
            "not OpenSSL's line: {line:?}\n{reference}"
        );
    }
}
