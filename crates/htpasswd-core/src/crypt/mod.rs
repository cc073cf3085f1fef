//! Password hash schemes accepted by Apache httpd and nginx.

pub mod argon2id;
mod error;
pub mod md5_crypt;

pub use self::error::{Md5ParseError, RandomError, SaltError};
mod scheme;
mod targets;

pub use self::scheme::{BcryptVersion, Scheme};
pub use self::targets::Target;
pub mod bcrypt;
pub mod des_crypt;
mod generate;
mod hash;
mod limits;
pub mod plain;
mod salt;
pub mod sha1;
pub mod sha_crypt;
pub mod yescrypt;

pub use self::error::{GenerateError, HashParseError};
pub use self::generate::{Generated, HashParams, generate, generate_batch, generate_batch_with};
pub use self::hash::{Hash, dummy_verify, verify};
pub use self::limits::{
    CostLimits, DEFAULT_MAX_ARGON2_MEMORY, DEFAULT_MAX_ARGON2_TIME, DEFAULT_MAX_BCRYPT_COST,
    DEFAULT_MAX_SHA_CRYPT_ROUNDS, DEFAULT_MAX_YESCRYPT_MEMORY,
};
