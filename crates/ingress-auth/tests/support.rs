//! Shared helpers: running the binary, reading manifests; the workspace's test-support crate
//! (reference tools, temp dirs).

use std::path::Path;
use std::process::{Command, Output, Stdio};

pub use htpasswd_test_support::{REQUIRE_ENV, TempDir, reference_tool, run_with_stdin};

/// The binary under test.
pub fn ours() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ingress-auth"))
}

/// Runs the binary with `args` and no stdin.
pub fn run(args: &[&str]) -> Output {
    ours().args(args).stdin(Stdio::null()).output().unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// Parses a YAML or JSON stream into JSON values (with the library's own reader).
pub fn parse_docs(text: &str) -> Vec<serde_json::Value> {
    htpasswd_k8s::parse_stream(text, htpasswd_k8s::detect_format(text)).unwrap()
}

/// Base64 decoding (standard alphabet, padded), for reading Secret data in tests.
pub fn base64_decode(s: &str) -> Vec<u8> {
    let v: k8s_openapi::ByteString =
        serde_json::from_value(serde_json::Value::String(s.to_owned())).unwrap();
    v.0
}

/// Runs the shell command `cmd` on a terminal (a pty from util-linux `script`, found by the
/// caller), typing `keys` (printf format) a moment after the start, once a prompt has turned
/// echo off. Returns what the terminal showed (stdout) and the exit code of `cmd`.
pub fn on_terminal(script: &Path, cmd: &str, keys: &str) -> Output {
    let shell = format!(
        "(sleep 1; printf {}; sleep 1) | {} -qec {} /dev/null",
        shell_quote(keys),
        shell_quote(&script.display().to_string()),
        shell_quote(cmd)
    );
    Command::new("sh").args(["-c", &shell]).output().unwrap()
}

/// `s` quoted for sh.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}
