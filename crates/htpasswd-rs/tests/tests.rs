//! End-to-end tests of the `htpasswd-rs` binary: one test binary, one module per subject.

#![allow(
    missing_docs,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::must_use_candidate,
    clippy::missing_panics_doc
)]

mod support;

mod apache_batch;
mod apache_cli;
mod apache_diff;
mod apache_tty;
mod links_and_batch;
mod lint_hostile;
mod memory_hard_flags;
mod openssl_mode;
