//! Integration tests of `htpasswd-k8s`: one test binary, one module per subject.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs,
    unreachable_pub,
    clippy::must_use_candidate,
    clippy::missing_panics_doc
)]

mod support;

mod auth_server;
mod builders;
mod controllers;
mod gateway;
mod limits;
mod yaml_roundtrip;
