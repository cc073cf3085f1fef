//! Shared helpers: running the binary, temp dirs, locating reference tools.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Set (to anything but `0`) where reference tools must be present: a missing one fails the
/// test instead of skipping it. `scripts/test` (and so CI) sets it.
pub const REQUIRE_ENV: &str = "HTPASSWD_RS_REQUIRE_REFERENCE_TOOLS";

/// Finds `name` on `PATH` (and /usr/sbin, /sbin). Missing: panics when references are
/// required, else prints a loud SKIPPED line and returns `None`.
pub fn reference_tool(name: &str, test: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    dirs.extend([PathBuf::from("/usr/sbin"), PathBuf::from("/sbin")]);
    let found = dirs.iter().map(|d| d.join(name)).find(|p| p.is_file());
    if found.is_none() {
        let required = std::env::var_os(REQUIRE_ENV).is_some_and(|v| v != "0");
        assert!(
            !required,
            "{test}: reference tool `{name}` is not installed but {REQUIRE_ENV} is set \
             (scripts/test installs it)"
        );
        eprintln!(
            "\n!!! SKIPPED {test}: reference tool `{name}` is not installed. \
             Run scripts/test to install the reference tools and run every test. !!!\n"
        );
    }
    found
}

/// The binary under test.
pub fn ours() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ingress-auth"))
}

/// Runs `cmd` with `stdin` fed in.
pub fn run_with_stdin(cmd: &mut Command, stdin: &[u8]) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    // The program may exit before reading its input.
    let _ = input.write_all(stdin);
    drop(input);
    child.wait_with_output().unwrap()
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

/// A temporary directory removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        static COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "ingress-auth-test-{tag}-{}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn write(&self, name: &str, content: &[u8]) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, content).unwrap();
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Parses one YAML or JSON document into a JSON value (via the library's own reader).
pub fn parse_docs(text: &str) -> Vec<serde_json::Value> {
    let format = htpasswd_core::k8s::detect_format(text);
    htpasswd_core::k8s::parse_stream(text, format)
        .unwrap()
        .iter()
        .map(|n| serde_json::to_value(n).unwrap())
        .collect()
}

/// Base64 decoding (standard alphabet, padded), for reading Secret data in tests.
pub fn base64_decode(s: &str) -> Vec<u8> {
    let v: htpasswd_core::k8s::k8s_openapi::ByteString =
        serde_json::from_value(serde_json::Value::String(s.to_owned())).unwrap();
    v.0
}
