#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

// Two namespaces: `crypt` (every hash scheme: one public module per scheme, the scheme-independent
// API at its root) and `htpasswd` (files). Their inner modules are private; each item has one
// path there. The crate root re-exports the front door below (the one-call tasks of the front
// page), so no item is reachable by more than two paths; the serving-time `Authenticator` lives
// in the private `auth` module and is reachable at the root only.
mod auth;
pub mod crypt;
pub mod htpasswd;

pub use crate::auth::{
    AuthStats, Authenticator, AuthenticatorBuilder, BuildError, CheckFuture, Decision, Limit,
    LoadError, ReloadStatus, ThrottleConfig,
};
pub use crate::crypt::{Scheme, Target};
#[cfg(unix)]
pub use crate::htpasswd::edit_file;
pub use crate::htpasswd::{HtpasswdFile, Verdict};
