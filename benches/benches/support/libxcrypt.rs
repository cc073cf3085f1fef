//! libxcrypt's `crypt_rn()` (the C library `crypt()` Apache, nginx, perl and PAM call on
//! Debian), reached directly so the C code is timed in the same process and run as ours.
//!
//! This is the one place in the workspace that needs `unsafe`: a foreign call.

#![allow(unsafe_code)]

use std::ffi::{CStr, c_char, c_int, c_void};

#[link(name = "crypt")]
unsafe extern "C" {
    fn crypt_rn(
        phrase: *const c_char,
        setting: *const c_char,
        data: *mut c_void,
        size: c_int,
    ) -> *mut c_char;
}

/// `sizeof(struct crypt_data)` in libxcrypt 4.x (`<crypt.h>`).
const CRYPT_DATA_SIZE: usize = 32_768;

/// A caller-owned `struct crypt_data`, so calls need no static state.
pub(crate) struct Libxcrypt {
    data: Vec<u8>,
}

impl Libxcrypt {
    /// A zeroed work area, as `crypt_rn` requires before its first use.
    pub(crate) fn new() -> Self {
        Self {
            data: vec![0; CRYPT_DATA_SIZE],
        }
    }

    /// `crypt_rn(phrase, setting)`: the hash string, or `None` where libxcrypt refuses.
    pub(crate) fn crypt(&mut self, phrase: &CStr, setting: &CStr) -> Option<Vec<u8>> {
        // SAFETY: `phrase` and `setting` are NUL-terminated and live across the call; `data`
        // is a writable buffer of exactly `sizeof(struct crypt_data)` bytes owned by `self`
        // (borrowed mutably, so no other call uses it meanwhile), zeroed before first use;
        // the size fits a C int.
        let out = unsafe {
            crypt_rn(
                phrase.as_ptr(),
                setting.as_ptr(),
                self.data.as_mut_ptr().cast(),
                CRYPT_DATA_SIZE as c_int,
            )
        };
        if out.is_null() {
            return None;
        }
        // SAFETY: a non-null result points at the NUL-terminated output inside `self.data`,
        // which stays borrowed (and unmodified) until the copy is made.
        let hash = unsafe { CStr::from_ptr(out) }.to_bytes().to_vec();
        // crypt_rn reports failure with NULL; a `*` string is crypt()'s failure token and
        // is treated the same, to be safe.
        (!hash.starts_with(b"*")).then_some(hash)
    }
}

/// CPU time of the calling thread, in nanoseconds: insensitive to other processes competing
/// for the cores, unlike wall time.
pub(crate) fn thread_cpu_ns() -> u128 {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    u128::try_from(t.tv_sec).unwrap_or(0) * 1_000_000_000 + u128::try_from(t.tv_nsec).unwrap_or(0)
}

/// Median of `v` (sorted in place).
pub(crate) fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Runs `ours` and `theirs` alternately `pairs` times, timing each call in thread CPU time;
/// returns (median ours, median theirs, median of the per-pair ratios ours/theirs), in seconds.
pub(crate) fn paired(
    pairs: usize,
    mut ours: impl FnMut(),
    mut theirs: impl FnMut(),
) -> (f64, f64, f64) {
    let (mut a, mut b, mut r) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..pairs {
        // Alternate which goes first, so neither always runs on a warm or cold cache.
        let (t_ours, t_theirs) = if i % 2 == 0 {
            let t0 = thread_cpu_ns();
            ours();
            let t1 = thread_cpu_ns();
            theirs();
            let t2 = thread_cpu_ns();
            (t1 - t0, t2 - t1)
        } else {
            let t0 = thread_cpu_ns();
            theirs();
            let t1 = thread_cpu_ns();
            ours();
            let t2 = thread_cpu_ns();
            (t2 - t1, t1 - t0)
        };
        let (x, y) = (t_ours as f64 * 1e-9, t_theirs as f64 * 1e-9);
        a.push(x);
        b.push(y);
        r.push(x / y);
    }
    (median(&mut a), median(&mut b), median(&mut r))
}
