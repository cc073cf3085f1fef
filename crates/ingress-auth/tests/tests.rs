//! End-to-end tests of the `ingress-auth` binary.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

fn ours() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ingress-auth"))
}

#[test]
fn help_and_version_answer() {
    let help = ours().arg("--help").output().unwrap();
    assert!(help.status.success());
    assert!(
        String::from_utf8(help.stdout)
            .unwrap()
            .contains("Usage: ingress-auth")
    );
    let version = ours().arg("--version").output().unwrap();
    assert!(version.status.success());
    assert_eq!(
        String::from_utf8(version.stdout).unwrap(),
        format!("ingress-auth {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn unknown_command_fails_with_usage() {
    let out = ours().arg("frobnicate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("unknown command or option 'frobnicate'")
    );
}
