//! Shared test helpers: the workspace's test-support crate.

pub use htpasswd_test_support::{Rng, seed};
