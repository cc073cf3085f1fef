#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod crypt;
pub mod htpasswd;

pub use crate::crypt::md5_crypt::{Md5CryptHash, Md5Variant, Salt};
pub use crate::crypt::{BcryptVersion, Scheme, Target};
pub use crate::crypt::{Md5ParseError, RandomError, SaltError};
#[cfg(unix)]
pub use crate::htpasswd::edit_file;
pub use crate::htpasswd::{HtpasswdFile, Verdict};
