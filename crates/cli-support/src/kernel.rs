//! `HTPASSWD_MD5_KERNEL`: the binaries' policy for picking a slower md5-crypt kernel (for
//! comparisons and tests, as `OPENSSL_ia32cap` masks CPU features for OpenSSL). The library
//! never reads the environment; the binaries read it here and pass the kernel down.

use htpasswd_core::crypt::md5_crypt::batch::Kernel;

/// The environment variable naming the md5-crypt kernel (`scalar`, `sse2`, `avx2`, `avx512` or
/// `portable`).
pub const KERNEL_ENV: &str = "HTPASSWD_MD5_KERNEL";

/// The md5-crypt kernel [`KERNEL_ENV`] names, or the fastest this CPU runs when it is unset or
/// empty.
///
/// # Errors
/// The message (without the program name) when it names no kernel, or one this CPU does not run.
pub fn md5_kernel_from_env() -> Result<Kernel, String> {
    let value = std::env::var_os(KERNEL_ENV).unwrap_or_default();
    if value.is_empty() {
        return Ok(Kernel::best());
    }
    let value = value.to_string_lossy();
    Kernel::from_name(&value)
        .filter(|k| k.is_available())
        .ok_or_else(|| {
            let names: Vec<&str> = Kernel::available().iter().map(|k| k.name()).collect();
            format!(
                "{KERNEL_ENV}={value:?} is not a kernel this CPU runs (it runs: {})",
                names.join(", ")
            )
        })
}
