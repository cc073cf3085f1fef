//! Test support shared by the integration tests of every crate in this workspace (dev-only,
//! never published): locating reference tools with loud `SKIPPED` reporting, deterministic
//! random inputs, self-removing temporary directories and running a child with input.
//!
//! [`REQUIRE_ENV`] means the same thing for every crate: set to anything but `0`, a missing
//! reference tool fails the test; unset or `0`, the test prints a `SKIPPED` line and passes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::missing_panics_doc,
    clippy::must_use_candidate
)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Set (to anything but `0`) where reference tools must be present: a missing one fails the
/// test instead of skipping it. `scripts/test` (and so CI) sets it after installing them.
pub const REQUIRE_ENV: &str = "HTPASSWD_RS_REQUIRE_REFERENCE_TOOLS";

/// Whether missing reference tools are fatal ([`REQUIRE_ENV`] set to anything but `0`).
pub fn references_required() -> bool {
    std::env::var_os(REQUIRE_ENV).is_some_and(|v| v != "0")
}

/// Prints the loud `SKIPPED` line, or panics when reference tools are required.
pub fn skip_or_fail(test: &str, what: &str) {
    assert!(
        !references_required(),
        "{test}: {what} is not installed but {REQUIRE_ENV} is set (scripts/test installs it)"
    );
    eprintln!(
        "\n!!! SKIPPED {test}: {what} is not installed. \
         Run scripts/test to install the reference tools and run every test. !!!\n"
    );
}

/// Finds `name` on `PATH`, then in `/usr/sbin` and `/sbin` (where Debian puts nginx and
/// apache2, which a non-root `PATH` lacks). Missing: panics when references are required, else
/// prints a loud `SKIPPED` line and returns `None`.
pub fn reference_tool(name: &str, test: &str) -> Option<PathBuf> {
    let found = find_tool(name);
    if found.is_none() {
        skip_or_fail(test, &format!("reference tool `{name}`"));
    }
    found
}

/// `name` on `PATH`, `/usr/sbin` or `/sbin`, without reporting anything.
pub fn find_tool(name: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    dirs.extend([PathBuf::from("/usr/sbin"), PathBuf::from("/sbin")]);
    dirs.iter().map(|d| d.join(name)).find(|p| p.is_file())
}

/// Finds a `python3` able to `import module` (e.g. `passlib`): `scripts/test` puts its virtual
/// environment first on `PATH`. Missing: panics when references are required, else prints a
/// loud `SKIPPED` line and returns `None`.
pub fn reference_python_module(module: &str, test: &str) -> Option<PathBuf> {
    let python = reference_tool("python3", test)?;
    let ok = Command::new(&python)
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return Some(python);
    }
    skip_or_fail(test, &format!("python module `{module}`"));
    None
}

/// A small deterministic PRNG (SplitMix64) so failures reproduce from the printed seed.
pub struct Rng(u64);

impl Rng {
    /// A generator starting at `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0; the bias is negligible for the small n used here).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// One element of `items` (not empty).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Seed for randomized tests: `HTPASSWD_RS_TEST_SEED` or a fixed default, printed either way.
pub fn seed(test: &str) -> u64 {
    let seed = std::env::var("HTPASSWD_RS_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_a9c1_2026);
    eprintln!("{test}: seed {seed} (set HTPASSWD_RS_TEST_SEED to change)");
    seed
}

/// A fresh directory under the system temp dir, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    /// A new empty directory whose name carries `tag`, the process id and a counter.
    pub fn new(tag: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "htpasswd-rs-test-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Writes `content` to the file `name` in the directory and returns its path.
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

/// Runs `cmd` with `stdin` fed in and its output captured. The input is written from another
/// thread, so that a program writing much output before it has read all its input cannot
/// deadlock against us; the program may exit before it has read its input (a broken pipe on
/// our side is ignored).
pub fn run_with_stdin(cmd: &mut Command, stdin: &[u8]) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let bytes = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&bytes);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}
