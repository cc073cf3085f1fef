//! Shared helpers: the binary under test, and the workspace's test-support crate (reference
//! tools, temporary directories).

use std::path::PathBuf;
use std::process::{Command, Output};

pub use htpasswd_test_support::{TempDir, reference_tool};

pub fn ours() -> Command {
    Command::new(env!("CARGO_BIN_EXE_htpasswd-rs"))
}

pub fn run_with_stdin(mut cmd: Command, stdin: &[u8]) -> Output {
    htpasswd_test_support::run_with_stdin(&mut cmd, stdin)
}

/// `openssl` on PATH, or a loud skip (a failure where reference tools are required).
pub fn openssl(test: &str) -> Option<PathBuf> {
    reference_tool("openssl", test)
}

/// Debian's Apache `htpasswd` (apache2-utils) on PATH, or a loud skip (a failure where
/// reference tools are required).
pub fn apache_htpasswd(test: &str) -> Option<PathBuf> {
    reference_tool("htpasswd", test)
}

/// A fresh, empty directory for one test, kept (the caller removes it with `remove_dir_all`).
pub fn scratch_dir(tag: &str) -> PathBuf {
    let dir = TempDir::new(tag);
    let path = dir.path().to_owned();
    std::mem::forget(dir);
    path
}
