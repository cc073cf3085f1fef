//! The AVX2 kernel: MD5's compression with AVX2 intrinsics over 3 x 8 lanes (wide) or 8
//! (narrow), all inside `#[target_feature(enable = "avx2")]` functions. (The portable kernel
//! auto-vectorises too, at 24 and 8 lanes only, and about 5% slower; an earlier generic version
//! through a trait did not inline at all, as trait methods do not inherit the target feature.)

// Entering the AVX2 code once the CPU probe has seen AVX2, and the unaligned loads and stores,
// each in its own block with its `// SAFETY:` comment.
#![allow(unsafe_code)]
#![warn(clippy::undocumented_unsafe_blocks)]

use core::arch::x86_64::{
    _mm256_add_epi32 as add, _mm256_and_si256 as and, _mm256_andnot_si256 as andnot,
    _mm256_loadu_si256, _mm256_or_si256 as or, _mm256_set1_epi32 as set1,
    _mm256_slli_epi32 as slli, _mm256_srli_epi32 as srli, _mm256_storeu_si256,
    _mm256_xor_si256 as xor,
};

use super::super::Md5CryptJob;
use super::super::lanes::multi_lane;
use super::{Kernel, widths};

/// Lanes of the wide step.
const WIDE: usize = widths(Kernel::Avx2).0;
/// Lanes of the narrow step.
const NARROW: usize = widths(Kernel::Avx2).1;
/// Lanes per register.
const WIDTH: usize = 8;
/// Most registers per lane array.
const MAX_VECTORS: usize = WIDE / WIDTH;

/// Whether this CPU has AVX2 (asked once, by the CPU probe in `kernel::available`).
pub(super) fn detected() -> bool {
    std::arch::is_x86_feature_detected!("avx2")
}

/// Hashes `lanes` (one geometry) at `width` lanes ([`WIDE`] or [`NARROW`]); `None` when this
/// CPU has no AVX2.
pub(super) fn run(width: usize, lanes: &[&Md5CryptJob<'_>]) -> Option<Vec<[u8; 16]>> {
    if !Kernel::Avx2.is_available() {
        return None;
    }
    Some(if width == WIDE {
        // SAFETY: the CPU probe saw AVX2 on this CPU (checked just above).
        unsafe { wide(lanes) }
    } else {
        // SAFETY: as above.
        unsafe { narrow(lanes) }
    })
}

/// The wide step. Calling it is `unsafe` outside AVX2 code: the CPU must have AVX2.
#[target_feature(enable = "avx2")]
fn wide(lanes: &[&Md5CryptJob<'_>]) -> Vec<[u8; 16]> {
    // The closure inherits this function's AVX2 feature, so calling `compress` is safe here.
    multi_lane::<WIDE>(lanes, |s, m| compress::<WIDE>(s, m))
}

/// The narrow step. Calling it is `unsafe` outside AVX2 code: the CPU must have AVX2.
#[target_feature(enable = "avx2")]
fn narrow(lanes: &[&Md5CryptJob<'_>]) -> Vec<[u8; 16]> {
    multi_lane::<NARROW>(lanes, |s, m| compress::<NARROW>(s, m))
}

/// Register `$v` of the lane row `$row` (`&[u32; L]`).
macro_rules! load {
    ($row:expr, $v:expr) => {{
        let (registers, _) = $row.as_chunks::<WIDTH>();
        let lanes: &[u32; WIDTH] = &registers[$v];
        let from = lanes.as_ptr().cast();
        // SAFETY: `from` points to `lanes`, 32 readable bytes (one bounds-checked register's
        // worth of the row); the unaligned load has no alignment requirement; AVX is enabled
        // (this expands only inside `compress`, an AVX2 function).
        unsafe { _mm256_loadu_si256(from) }
    }};
}

/// Writes `$value` into register `$v` of the lane row `$row` (`&mut [u32; L]`).
macro_rules! store {
    ($row:expr, $v:expr, $value:expr) => {{
        let value = $value;
        let (registers, _) = $row.as_chunks_mut::<WIDTH>();
        let lanes: &mut [u32; WIDTH] = &mut registers[$v];
        let to = lanes.as_mut_ptr().cast();
        // SAFETY: `to` points to `lanes`, 32 writable bytes borrowed exclusively (one
        // bounds-checked register's worth of the row); the unaligned store has no alignment
        // requirement; AVX is enabled (this expands only inside `compress`, an AVX2 function).
        unsafe { _mm256_storeu_si256(to, value) }
    }};
}

two_operand_round_functions!();

simd_compress! {
    /// The MD5 compression function over `L` lanes (`L` a multiple of 8, at most 24). Calling it
    /// is `unsafe` outside AVX2 code: the CPU must have AVX2.
    #[target_feature(enable = "avx2")]
    fn compress
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compress_matches_md5_crate() {
        if !detected() {
            eprintln!("SKIPPED avx2 compress_matches_md5_crate: no AVX2 on this CPU");
            return;
        }
        super::super::check_compress::<NARROW>(|s, m| {
            // SAFETY: AVX2 was detected on this CPU at the top of this test.
            unsafe { compress::<NARROW>(s, m) }
        });
        super::super::check_compress::<16>(|s, m| {
            // SAFETY: AVX2 was detected on this CPU at the top of this test.
            unsafe { compress::<16>(s, m) }
        });
        super::super::check_compress::<WIDE>(|s, m| {
            // SAFETY: AVX2 was detected on this CPU at the top of this test.
            unsafe { compress::<WIDE>(s, m) }
        });
    }
}
