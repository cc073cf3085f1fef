//! Integration tests of `htpasswd-core`: one test binary, one module per subject.

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

mod auth_serving;
mod bcrypt_sha_crypt_kat;
mod bcrypt_sha_crypt_libxcrypt;
mod cost_limits;
mod file_check;
mod file_linear;
mod file_links_and_temps;
mod file_lint;
mod file_model;
mod file_support;
mod file_write;
mod generate_batch;
mod md5_crypt_batch;
mod md5_crypt_kat;
mod md5_crypt_openssl;
mod md5_crypt_properties;
mod memory_hard;
mod schemes_classify;
mod schemes_kat;
mod schemes_properties;
mod schemes_reference;
mod schemes_servers;
