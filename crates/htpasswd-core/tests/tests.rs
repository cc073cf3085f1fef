//! Integration tests of `htpasswd-core`: one test binary, one module per subject.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs,
    unreachable_pub
)]

mod support;

mod md5_crypt_kat;
mod md5_crypt_openssl;
mod md5_crypt_properties;
