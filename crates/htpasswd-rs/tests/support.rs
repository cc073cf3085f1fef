//! Shared helpers: the binary under test, reference tools.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

pub fn ours() -> Command {
    Command::new(env!("CARGO_BIN_EXE_htpasswd-rs"))
}

pub fn run_with_stdin(mut cmd: Command, stdin: &[u8]) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

/// `openssl` on PATH, or a loud skip (a failure where reference tools are required).
pub fn openssl(test: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("openssl"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("HTPASSWD_RS_REQUIRE_REFERENCE_TOOLS").is_none(),
            "{test}: openssl missing but reference tools are required"
        );
        eprintln!(
            "\n!!! SKIPPED {test}: openssl is not installed (scripts/test installs it) !!!\n"
        );
    }
    found
}

/// Debian's Apache `htpasswd` on PATH, or a loud skip (a failure where reference tools are
/// required).
pub fn apache_htpasswd(test: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("htpasswd"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("HTPASSWD_RS_REQUIRE_REFERENCE_TOOLS").is_none(),
            "{test}: Apache htpasswd missing but reference tools are required"
        );
        eprintln!(
            "\n!!! SKIPPED {test}: Apache htpasswd is not installed (apt-get install apache2-utils) !!!\n"
        );
    }
    found
}

/// A fresh, empty directory for one test (removed by the caller with `remove_dir_all`).
pub fn scratch_dir(tag: &str) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "htpasswd-rs-test-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
