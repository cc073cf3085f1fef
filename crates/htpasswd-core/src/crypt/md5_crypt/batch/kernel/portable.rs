//! The portable kernel: MD5's compression over `[u32; L]` lane arrays in plain Rust, left to
//! LLVM's auto-vectoriser. The multi-lane kernel of every architecture but x86_64 (12 and 4
//! lanes; not measured on any of them yet). On x86_64 the intrinsics kernels run instead and
//! only the tests call this one.

use super::super::Md5CryptJob;
use super::super::lanes::multi_lane;
use super::{Kernel, widths};

/// Lanes of the wide step.
const WIDE: usize = widths(Kernel::Portable).0;
/// Lanes of the narrow step.
const NARROW: usize = widths(Kernel::Portable).1;

/// Hashes `lanes` (one geometry) at `width` lanes: [`WIDE`] or [`NARROW`].
pub(super) fn run(width: usize, lanes: &[&Md5CryptJob<'_>]) -> Vec<[u8; 16]> {
    if width == WIDE {
        multi_lane::<WIDE>(lanes, compress::<WIDE>)
    } else {
        multi_lane::<NARROW>(lanes, compress::<NARROW>)
    }
}

/// The MD5 compression function (RFC 1321, 3.4) over `L` independent lanes.
#[inline(always)]
fn compress<const L: usize>(state: &mut [[u32; L]; 4], m: &[[u32; L]; 16]) {
    let [mut a, mut b, mut c, mut d] = *state;
    let f = |x: u32, y: u32, z: u32| ((y ^ z) & x) ^ z;
    let g = |x: u32, y: u32, z: u32| ((x ^ y) & z) ^ y;
    let h = |x: u32, y: u32, z: u32| x ^ y ^ z;
    let i = |x: u32, y: u32, z: u32| y ^ (x | !z);
    macro_rules! step {
        (; $f:ident, $a:ident, $b:ident, $c:ident, $d:ident, $w:expr, $k:expr, $s:expr) => {
            for l in 0..L {
                $a[l] = $a[l]
                    .wrapping_add($f($b[l], $c[l], $d[l]))
                    .wrapping_add(m[$w][l])
                    .wrapping_add($k)
                    .rotate_left($s)
                    .wrapping_add($b[l]);
            }
        };
    }
    md5_steps!(step!(), a, b, c, d, f, g, h, i);
    for l in 0..L {
        state[0][l] = state[0][l].wrapping_add(a[l]);
        state[1][l] = state[1][l].wrapping_add(b[l]);
        state[2][l] = state[2][l].wrapping_add(c[l]);
        state[3][l] = state[3][l].wrapping_add(d[l]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compress_matches_md5_crate() {
        super::super::check_compress::<3>(compress::<3>);
        super::super::check_compress::<NARROW>(compress::<NARROW>);
        super::super::check_compress::<WIDE>(compress::<WIDE>);
    }
}
