//! Pieces shared by the two binaries of this workspace, `htpasswd-rs` and `ingress-auth`
//! (internal, not published):
//!
//! - [`prompt`]: the hidden-password prompt (echo and signal keys off, read without a buffer
//!   that is never wiped) and reading a password from standard input;
//! - [`user_lines`]: the `user:password` line format of `htpasswd-rs --batch` and
//!   `ingress-auth --users-file`;
//! - [`printable`]: names for messages with control characters escaped;
//! - [`md5_kernel_from_env`]: the `HTPASSWD_MD5_KERNEL` policy both binaries apply.

mod kernel;
pub mod prompt;
mod text;

pub use kernel::{KERNEL_ENV, md5_kernel_from_env};
pub use text::{MissingColon, UserLine, printable, user_lines};
