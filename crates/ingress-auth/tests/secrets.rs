//! Secrets never land in logs by default (issue 13.5): generated passwords go to stderr only
//! when it is a terminal; `verify` says where it reads the password, and empty standard input is
//! "no password given", not a mismatch; the prompt keeps Ctrl-C from leaving the terminal
//! without echo.

use crate::support::{
    TempDir, on_terminal, ours, reference_tool, run, run_with_stdin, stderr, stdout,
};

/// `generate --user alice` with a backend: one generated password.
const GENERATE: &str =
    "generate --name app --user alice --host a.example.com --service web --port 80";

fn generate_args() -> Vec<&'static str> {
    GENERATE.split(' ').collect()
}

/// The issue's check, as a shell runs it: `generate --user alice ... 2>log </dev/null | cat`
/// exits 2 without --credentials-file, prints nothing, and no password is in the log.
#[test]
fn generated_passwords_are_refused_when_stderr_is_a_log() {
    let dir = TempDir::new("secrets-log");
    let log = dir.path().join("log");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "\"$0\" {GENERATE} 2>'{}' </dev/null | cat",
            log.display()
        ))
        .arg(env!("CARGO_BIN_EXE_ingress-auth"))
        .output()
        .unwrap();
    assert!(out.stdout.is_empty(), "manifests printed: {out:?}");
    let log = std::fs::read_to_string(&log).unwrap();
    assert_eq!(
        log,
        "ingress-auth: --user NAME: the generated password would be printed on stderr, which is \
         not a terminal (a log could keep it): give --credentials-file FILE, or \
         --show-passwords to print it anyway\n"
    );
    // The exit code, without the pipe in between.
    let direct = run(&generate_args());
    assert_eq!(direct.status.code(), Some(2), "{}", stderr(&direct));
    assert!(direct.stdout.is_empty());
    assert_eq!(stderr(&direct), log);
    // `secret` follows the same rule; given passwords and --htpasswd users are not generated.
    let secret = run(&["secret", "--name", "s", "--user", "alice"]);
    assert_eq!(secret.status.code(), Some(2), "{}", stderr(&secret));
    let given = run(&["secret", "--name", "s", "--user", "alice:given"]);
    assert_eq!(given.status.code(), Some(0), "{}", stderr(&given));
}

#[test]
fn credentials_file_or_show_passwords_lets_generated_passwords_through() {
    let dir = TempDir::new("secrets-ok");
    let creds = dir.path().join("creds");
    let mut args = generate_args();
    args.extend(["--credentials-file", creds.to_str().unwrap()]);
    let out = run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("alice:"), "{}", stderr(&out));
    assert!(
        std::fs::read_to_string(&creds)
            .unwrap()
            .starts_with("alice:")
    );

    let mut args = generate_args();
    args.push("--show-passwords");
    let out = run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).lines().any(|l| l.starts_with("alice:")));
    assert!(stdout(&out).contains("kind: Secret"));

    let mut args = generate_args();
    args.extend(["--show-passwords", "--credentials-file", "x"]);
    let both = run(&args);
    assert_eq!(both.status.code(), Some(2));
    assert!(
        stderr(&both).contains("cannot be used with"),
        "{}",
        stderr(&both)
    );
}

/// With stderr on a terminal (a pty from util-linux `script`), the generated password is shown
/// there (and only there).
#[test]
fn generated_passwords_are_shown_on_a_terminal() {
    let Some(script) = reference_tool("script", "generated_passwords_are_shown_on_a_terminal")
    else {
        return;
    };
    let dir = TempDir::new("secrets-tty");
    let manifest = dir.path().join("secret.yaml");
    let cmd = format!(
        "{} secret --name s --user alice </dev/null >'{}'",
        env!("CARGO_BIN_EXE_ingress-auth"),
        manifest.display()
    );
    let out = on_terminal(&script, &cmd, "");
    let screen = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(0), "{screen}");
    let password = screen
        .lines()
        .find_map(|l| l.strip_prefix("alice:"))
        .unwrap_or_else(|| panic!("no password on the terminal: {screen:?}"))
        .trim_end();
    assert_eq!(password.len(), 24, "{screen:?}");
    let manifest = std::fs::read_to_string(&manifest).unwrap();
    assert!(manifest.contains("kind: Secret") && !manifest.contains(password));
}

fn secret_file(dir: &TempDir) -> std::path::PathBuf {
    let made = run(&["secret", "--name", "s", "--user", "alice:right"]);
    assert!(made.status.success(), "{}", stderr(&made));
    dir.write("s.yaml", &made.stdout)
}

#[test]
fn verify_says_where_the_password_comes_from_and_empty_stdin_is_no_password() {
    let help = run(&["verify", "--help"]);
    assert!(help.status.success());
    assert!(
        stdout(&help).contains("The password is read from standard input"),
        "{}",
        stdout(&help)
    );
    let dir = TempDir::new("verify-empty");
    let file = secret_file(&dir);
    let verify = |stdin: &[u8]| {
        run_with_stdin(
            ours().args(["verify", "--user", "alice", "-f"]).arg(&file),
            stdin,
        )
    };
    let empty = verify(b"");
    assert_eq!(empty.status.code(), Some(2), "{}", stderr(&empty));
    assert!(
        stderr(&empty)
            .starts_with("ingress-auth: no password given: verify reads it from standard input"),
        "{}",
        stderr(&empty)
    );
    let blank = verify(b"\n");
    assert_eq!(blank.status.code(), Some(2), "{}", stderr(&blank));
    assert!(stderr(&blank).contains("no password given"));
    let wrong = verify(b"wrong\n");
    assert_eq!(wrong.status.code(), Some(3), "{}", stderr(&wrong));
    let right = verify(b"right\n");
    assert_eq!(right.status.code(), Some(0), "{}", stderr(&right));
}

/// Ctrl-C typed at the prompt is a key like any other (signal keys are off while echo is off),
/// so it cannot stop the program with echo still off; echo is on again afterwards.
#[test]
fn ctrl_c_at_the_prompt_does_not_leave_echo_off() {
    let Some(script) = reference_tool("script", "ctrl_c_at_the_prompt_does_not_leave_echo_off")
    else {
        return;
    };
    let dir = TempDir::new("verify-ctrl-c");
    let file = secret_file(&dir);
    let cmd = format!(
        "{} verify --user alice -f '{}'; echo \"exit=$?\"; stty -a",
        env!("CARGO_BIN_EXE_ingress-auth"),
        file.display()
    );
    let out = on_terminal(&script, &cmd, "ri\\003ght\\n");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Password for alice: "), "{text}");
    assert!(text.contains("exit=3"), "Ctrl-C stopped the prompt: {text}");
    assert!(
        text.contains(" echo ") || text.contains(" echo\r"),
        "echo left off: {text}"
    );
    assert!(!text.contains("-echo "), "echo left off: {text}");
    assert!(
        !text.contains("ri\u{3}ght") && !text.contains("right"),
        "echoed: {text}"
    );
}
