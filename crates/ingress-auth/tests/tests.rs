//! End-to-end tests of the `ingress-auth` binary: one test binary, one module per subject.

#![allow(
    missing_docs,
    unreachable_pub,
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::must_use_candidate,
    clippy::missing_panics_doc
)]

mod support;

mod annotate;
mod auth_server;
mod bad_input;
mod bulk;
mod cli;
mod controllers;
mod crds;
mod gateway_targets;
mod hostile;
mod kong;
mod linear_users;
mod migrate;
mod network_policy;
mod no_auth;
mod output_failures;
mod reference;
mod secrets;
mod serve;
mod snapshots;
mod snapshots_gateway;
