//! The SSE2 kernel: MD5's compression with SSE2 intrinsics over 3 x 4 lanes (wide) or 4
//! (narrow), inside `#[target_feature(enable = "sse2")]` functions (the intrinsics are safe to
//! call only there). SSE2 is baseline on x86_64, so this kernel runs on every x86_64 CPU; LLVM's cost
//! model keeps the portable kernel scalar here (SSE2 has no vector rotate), hence intrinsics.

// Entering the SSE2 code (baseline on x86_64) and the unaligned loads and stores, each in its
// own block with its `// SAFETY:` comment.
#![allow(unsafe_code)]
#![warn(clippy::undocumented_unsafe_blocks)]

use core::arch::x86_64::{
    _mm_add_epi32 as add, _mm_and_si128 as and, _mm_andnot_si128 as andnot, _mm_loadu_si128,
    _mm_or_si128 as or, _mm_set1_epi32 as set1, _mm_slli_epi32 as slli, _mm_srli_epi32 as srli,
    _mm_storeu_si128, _mm_xor_si128 as xor,
};

use super::super::Md5CryptJob;
use super::super::lanes::multi_lane;
use super::{Kernel, widths};

/// Lanes of the wide step.
const WIDE: usize = widths(Kernel::Sse2).0;
/// Lanes of the narrow step.
const NARROW: usize = widths(Kernel::Sse2).1;
/// Lanes per register.
const WIDTH: usize = 4;
/// Most registers per lane array.
const MAX_VECTORS: usize = WIDE / WIDTH;

// SSE2 is part of every x86_64 target's baseline: the functions below need no run-time check.
const _: () = assert!(cfg!(target_feature = "sse2"));

/// Hashes `lanes` (one geometry) at `width` lanes: [`WIDE`] or [`NARROW`].
pub(super) fn run(width: usize, lanes: &[&Md5CryptJob<'_>]) -> Vec<[u8; 16]> {
    if width == WIDE {
        // SAFETY: SSE2 is enabled on every x86_64 target (asserted at compile time above).
        unsafe { wide(lanes) }
    } else {
        // SAFETY: as above.
        unsafe { narrow(lanes) }
    }
}

/// The wide step. Calling it is `unsafe` outside SSE2 code (which every x86_64 CPU runs).
#[target_feature(enable = "sse2")]
fn wide(lanes: &[&Md5CryptJob<'_>]) -> Vec<[u8; 16]> {
    // The closure inherits this function's SSE2 feature, so calling `compress` is safe here.
    multi_lane::<WIDE>(lanes, |s, m| compress::<WIDE>(s, m))
}

/// The narrow step. Calling it is `unsafe` outside SSE2 code (which every x86_64 CPU runs).
#[target_feature(enable = "sse2")]
fn narrow(lanes: &[&Md5CryptJob<'_>]) -> Vec<[u8; 16]> {
    multi_lane::<NARROW>(lanes, |s, m| compress::<NARROW>(s, m))
}

/// Register `$v` of the lane row `$row` (`&[u32; L]`).
macro_rules! load {
    ($row:expr, $v:expr) => {{
        let (registers, _) = $row.as_chunks::<WIDTH>();
        let lanes: &[u32; WIDTH] = &registers[$v];
        let from = lanes.as_ptr().cast();
        // SAFETY: `from` points to `lanes`, 16 readable bytes (one bounds-checked register's
        // worth of the row); the unaligned load has no alignment requirement; SSE2 is enabled
        // on every x86_64 target.
        unsafe { _mm_loadu_si128(from) }
    }};
}

/// Writes `$value` into register `$v` of the lane row `$row` (`&mut [u32; L]`).
macro_rules! store {
    ($row:expr, $v:expr, $value:expr) => {{
        let value = $value;
        let (registers, _) = $row.as_chunks_mut::<WIDTH>();
        let lanes: &mut [u32; WIDTH] = &mut registers[$v];
        let to = lanes.as_mut_ptr().cast();
        // SAFETY: `to` points to `lanes`, 16 writable bytes borrowed exclusively (one
        // bounds-checked register's worth of the row); the unaligned store has no alignment
        // requirement; SSE2 is enabled on every x86_64 target.
        unsafe { _mm_storeu_si128(to, value) }
    }};
}

two_operand_round_functions!();

simd_compress! {
    /// The MD5 compression function over `L` lanes (`L` a multiple of 4, at most 12). Calling it
    /// is `unsafe` outside SSE2 code (which every x86_64 CPU runs).
    #[target_feature(enable = "sse2")]
    fn compress
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compress_matches_md5_crate() {
        super::super::check_compress::<NARROW>(|s, m| {
            // SAFETY: SSE2 is enabled on every x86_64 target.
            unsafe { compress::<NARROW>(s, m) }
        });
        super::super::check_compress::<8>(|s, m| {
            // SAFETY: SSE2 is enabled on every x86_64 target.
            unsafe { compress::<8>(s, m) }
        });
        super::super::check_compress::<WIDE>(|s, m| {
            // SAFETY: SSE2 is enabled on every x86_64 target.
            unsafe { compress::<WIDE>(s, m) }
        });
    }
}
