#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod auth;
pub mod crypt;
pub mod htpasswd;

pub use crate::auth::{
    AuthStats, Authenticator, AuthenticatorBuilder, BuildError, CheckFuture, Decision, Limit,
    LoadError, ReloadStatus, ThrottleConfig,
};
pub use crate::crypt::md5_crypt::{Md5CryptHash, Md5Variant, Salt};
pub use crate::crypt::{BcryptVersion, Scheme, Target};
pub use crate::crypt::{Md5ParseError, RandomError, SaltError};
pub use crate::htpasswd::{HtpasswdFile, Verdict, edit_file};
