//! The AVX-512 kernel: MD5's compression with AVX-512F intrinsics over 2 x 16 lanes (wide) or
//! 16 (narrow): one instruction per rotation (`vprold`) and one per round function
//! (`vpternlogd`, whose 8-bit immediate is the function's truth table over the inputs
//! x = 0xf0, y = 0xcc, z = 0xaa).

// Entering the AVX-512 code once the CPU probe has seen AVX-512F, and the unaligned loads and
// stores, each in its own block with its `// SAFETY:` comment.
#![allow(unsafe_code)]
#![warn(clippy::undocumented_unsafe_blocks)]

use core::arch::x86_64::{
    _mm512_add_epi32 as add, _mm512_loadu_si512, _mm512_rol_epi32 as rol,
    _mm512_set1_epi32 as set1, _mm512_storeu_si512, _mm512_ternarylogic_epi32 as ternary,
};

use super::super::Md5CryptJob;
use super::super::lanes::multi_lane;
use super::{Kernel, widths};

/// Lanes of the wide step.
const WIDE: usize = widths(Kernel::Avx512).0;
/// Lanes of the narrow step.
const NARROW: usize = widths(Kernel::Avx512).1;
/// Lanes per register.
const WIDTH: usize = 16;
/// Most registers per lane array.
const MAX_VECTORS: usize = WIDE / WIDTH;

/// Whether this CPU has AVX-512F (asked once, by the CPU probe in `kernel::available`).
pub(super) fn detected() -> bool {
    std::arch::is_x86_feature_detected!("avx512f")
}

/// Hashes `lanes` (one geometry) at `width` lanes ([`WIDE`] or [`NARROW`]); `None` when this
/// CPU has no AVX-512F.
pub(super) fn run(width: usize, lanes: &[&Md5CryptJob<'_>]) -> Option<Vec<[u8; 16]>> {
    if !Kernel::Avx512.is_available() {
        return None;
    }
    Some(if width == WIDE {
        // SAFETY: the CPU probe saw AVX-512F on this CPU (checked just above).
        unsafe { wide(lanes) }
    } else {
        // SAFETY: as above.
        unsafe { narrow(lanes) }
    })
}

/// The wide step. Calling it is `unsafe` outside AVX-512 code: the CPU must have AVX-512F.
#[target_feature(enable = "avx512f")]
fn wide(lanes: &[&Md5CryptJob<'_>]) -> Vec<[u8; 16]> {
    // The closure inherits this function's AVX-512F feature, so calling `compress` is safe.
    multi_lane::<WIDE>(lanes, |s, m| compress::<WIDE>(s, m))
}

/// The narrow step. Calling it is `unsafe` outside AVX-512 code: the CPU must have AVX-512F.
#[target_feature(enable = "avx512f")]
fn narrow(lanes: &[&Md5CryptJob<'_>]) -> Vec<[u8; 16]> {
    multi_lane::<NARROW>(lanes, |s, m| compress::<NARROW>(s, m))
}

/// Register `$v` of the lane row `$row` (`&[u32; L]`).
macro_rules! load {
    ($row:expr, $v:expr) => {{
        let (registers, _) = $row.as_chunks::<WIDTH>();
        let lanes: &[u32; WIDTH] = &registers[$v];
        let from = lanes.as_ptr().cast();
        // SAFETY: `from` points to `lanes`, 64 readable bytes (one bounds-checked register's
        // worth of the row); the unaligned load has no alignment requirement; AVX-512F is
        // enabled (this expands only inside `compress`, an AVX-512F function).
        unsafe { _mm512_loadu_si512(from) }
    }};
}

/// Writes `$value` into register `$v` of the lane row `$row` (`&mut [u32; L]`).
macro_rules! store {
    ($row:expr, $v:expr, $value:expr) => {{
        let value = $value;
        let (registers, _) = $row.as_chunks_mut::<WIDTH>();
        let lanes: &mut [u32; WIDTH] = &mut registers[$v];
        let to = lanes.as_mut_ptr().cast();
        // SAFETY: `to` points to `lanes`, 64 writable bytes borrowed exclusively (one
        // bounds-checked register's worth of the row); the unaligned store has no alignment
        // requirement; AVX-512F is enabled (this expands only inside `compress`, an AVX-512F
        // function).
        unsafe { _mm512_storeu_si512(to, value) }
    }};
}

macro_rules! rotl {
    ($x:expr, $s:expr) => {
        rol::<$s>($x)
    };
}
// (x & y) | (!x & z)
macro_rules! f {
    ($x:expr, $y:expr, $z:expr) => {
        ternary::<0xca>($x, $y, $z)
    };
}
// (x & z) | (y & !z)
macro_rules! g {
    ($x:expr, $y:expr, $z:expr) => {
        ternary::<0xe4>($x, $y, $z)
    };
}
// x ^ y ^ z
macro_rules! h {
    ($x:expr, $y:expr, $z:expr) => {
        ternary::<0x96>($x, $y, $z)
    };
}
// y ^ (x | !z)
macro_rules! i {
    ($x:expr, $y:expr, $z:expr) => {
        ternary::<0x39>($x, $y, $z)
    };
}

simd_compress! {
    /// The MD5 compression function over `L` lanes (`L` a multiple of 16, at most 32). Calling
    /// it is `unsafe` outside AVX-512 code: the CPU must have AVX-512F.
    #[target_feature(enable = "avx512f")]
    fn compress
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compress_matches_md5_crate() {
        if !detected() {
            eprintln!("SKIPPED avx512 compress_matches_md5_crate: no AVX-512F on this CPU");
            return;
        }
        super::super::check_compress::<NARROW>(|s, m| {
            // SAFETY: AVX-512F was detected on this CPU at the top of this test.
            unsafe { compress::<NARROW>(s, m) }
        });
        super::super::check_compress::<WIDE>(|s, m| {
            // SAFETY: AVX-512F was detected on this CPU at the top of this test.
            unsafe { compress::<WIDE>(s, m) }
        });
    }
}
