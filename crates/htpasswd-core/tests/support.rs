//! Shared test helpers: the workspace's test-support crate (reference tools, deterministic
//! random inputs).

pub use htpasswd_test_support::{Rng, reference_python_module, reference_tool, seed};
