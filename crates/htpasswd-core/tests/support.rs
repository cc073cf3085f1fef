//! Shared test helpers: locating reference tools, deterministic random inputs.

use std::path::PathBuf;

/// Set (to anything but `0`) where reference tools must be present: a missing one fails the
/// test instead of skipping it. `scripts/test` (and so CI) sets it after installing them.
pub const REQUIRE_ENV: &str = "HTPASSWD_RS_REQUIRE_REFERENCE_TOOLS";

/// Whether missing reference tools are fatal.
pub fn references_required() -> bool {
    std::env::var_os(REQUIRE_ENV).is_some_and(|v| v != "0")
}

/// Finds `name` on `PATH`. Missing: panics when references are required, else prints a loud
/// SKIPPED line and returns `None`.
pub fn reference_tool(name: &str, test: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            !references_required(),
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

/// A small deterministic PRNG (SplitMix64) so failures reproduce from the printed seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

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

/// Finds `python3` able to `import module` (e.g. `passlib`). Missing: panics when references
/// are required, else prints a loud SKIPPED line and returns `None`.
pub fn reference_python_module(module: &str, test: &str) -> Option<PathBuf> {
    let python = reference_tool("python3", test)?;
    let ok = std::process::Command::new(&python)
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return Some(python);
    }
    assert!(
        !references_required(),
        "{test}: python module `{module}` is not installed but {REQUIRE_ENV} is set \
         (scripts/test installs it)"
    );
    eprintln!(
        "\n!!! SKIPPED {test}: python module `{module}` is not installed. \
         Run scripts/test to install the reference tools and run every test. !!!\n"
    );
    None
}
