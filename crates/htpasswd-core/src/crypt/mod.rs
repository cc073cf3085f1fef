//! Password hash schemes accepted by Apache httpd and nginx.

mod error;
pub mod md5_crypt;

pub use self::error::{Md5ParseError, RandomError, SaltError};
pub mod scheme;
pub mod targets;

pub use self::scheme::{BcryptVersion, Scheme};
pub use self::targets::Target;
