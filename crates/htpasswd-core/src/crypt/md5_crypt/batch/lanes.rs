//! The lane driver: runs up to `L` jobs of one geometry in lock-step over a kernel's multi-lane
//! MD5 compression. Set-up (each lane's start digest and message layouts, read into lane
//! arrays), the 1000 rounds, and the digests out, with every password-derived buffer wiped.
//!
//! Generic over the lane count and the compression; `#[inline(always)]` so that each kernel's
//! entry point (a `#[target_feature]` function for AVX2 and AVX-512) compiles it with its own
//! instruction set.

use zeroize::Zeroize as _;

use super::super::Md5CryptHash;
use super::super::algorithm::{BLOCK, Layouts, SCHEDULE, setup_digest};
use super::Md5CryptJob;

/// Where the digest goes in one layout, shared by every lane of a chunk.
#[derive(Clone, Copy, Default)]
struct Slot {
    /// Word holding the first digest byte.
    word: usize,
    /// Bit shift of the digest within that word (0, 8, 16 or 24).
    shift: u32,
    /// First block compressed each round (earlier ones are folded into the mid-state).
    first_block: usize,
    /// One past the last block.
    end_block: usize,
    /// Where the layout's words start in the chunk's word array (the layout takes
    /// `16 * end_block` of them).
    base: usize,
}

impl Slot {
    /// The layout's words in the chunk's word array.
    fn words(&self) -> core::ops::Range<usize> {
        self.base..self.base + 16 * self.end_block
    }
}

/// Runs up to `L` jobs of one geometry in lock-step with `compress` (the MD5 compression over
/// `L` lanes); lanes past `lanes.len()` repeat the first job and are dropped. Returns one digest
/// per job, in order.
#[inline(always)]
pub(super) fn multi_lane<const L: usize>(
    lanes: &[&Md5CryptJob<'_>],
    compress: impl Fn(&mut [[u32; L]; 4], &[[u32; L]; 16]) + Copy,
) -> Vec<[u8; 16]> {
    let geometry = |job: &Md5CryptJob<'_>| (job.password.len(), job.salt.as_bytes().len());
    let shared = lanes.first().map(|j| geometry(j));
    let lockstep = shared.is_some_and(|(p, s)| Layouts::fit(p, s))
        && lanes.iter().all(|j| Some(geometry(j)) == shared)
        && lanes.len() <= L;
    if !lockstep {
        // `plan` only sends one fitting geometry per chunk; should that ever break, the scalar
        // path still gives the right answer.
        debug_assert!(false, "batch chunk that cannot run in lock-step");
        return lanes
            .iter()
            .map(|job| Md5CryptHash::new(job.variant, job.password, job.salt).digest)
            .collect();
    }
    let lane = |l: usize| lanes[if l < lanes.len() { l } else { 0 }];

    let mut mid = [[[0u32; L]; 4]; 8];
    let mut head = [[0u32; L]; 8];
    let mut tail = [[0u32; L]; 8];
    let mut digest = [[0u32; L]; 4];

    // One set of buffers for every lane: filled, read into the lane arrays, wiped. The first
    // fill gives the geometry every lane shares.
    let mut layouts = Layouts::empty();
    let first = lane(0);
    layouts.fill(first.password, first.salt.as_bytes()); // fits: checked above
    // Layout k's words are words[base..base + 16 * end_block]: up to its last block only.
    let mut slots = [Slot::default(); 8];
    let mut base = 0;
    for (slot, layout) in slots.iter_mut().zip(&layouts.0) {
        *slot = Slot {
            word: layout.slot / 4,
            shift: 8 * (layout.slot % 4) as u32,
            first_block: layout.first_block,
            end_block: layout.end / BLOCK,
            base,
        };
        base += 16 * slot.end_block;
    }
    layouts.zeroize();
    let mut words = vec![[0u32; L]; base];

    for l in 0..L {
        let job = lane(l);
        let salt = job.salt.as_bytes();
        let mut start = setup_digest(job.variant.prefix().as_bytes(), job.password, salt);
        for (j, word) in digest.iter_mut().enumerate() {
            word[l] = le_word(&start, j);
        }
        start.zeroize();
        layouts.fill(job.password, salt);
        for (k, layout) in layouts.0.iter().enumerate() {
            for (w, word) in words[slots[k].words()].iter_mut().enumerate() {
                word[l] = le_word(&layout.buf, w);
            }
            for (j, m) in mid[k].iter_mut().enumerate() {
                m[l] = layout.mid[j];
            }
        }
        layouts.zeroize();
    }
    for k in 0..8 {
        head[k] = words[slots[k].base + slots[k].word];
        tail[k] = words[slots[k].base + slots[k].word + 4];
    }

    rounds::<L>(
        &slots,
        &mut words,
        &mid,
        &head,
        &tail,
        &mut digest,
        compress,
    );

    let out = (0..lanes.len())
        .map(|l| {
            let mut bytes = [0u8; 16];
            for (j, word) in digest.iter().enumerate() {
                bytes[4 * j..4 * j + 4].copy_from_slice(&word[l].to_le_bytes());
            }
            bytes
        })
        .collect();
    words.as_flattened_mut().zeroize();
    mid.as_flattened_mut().as_flattened_mut().zeroize();
    head.as_flattened_mut().zeroize();
    tail.as_flattened_mut().zeroize();
    digest.as_flattened_mut().zeroize();
    out
}

/// Little-endian word `w` of `bytes`.
pub(super) fn le_word(bytes: &[u8], w: usize) -> u32 {
    u32::from_le_bytes([
        bytes[4 * w],
        bytes[4 * w + 1],
        bytes[4 * w + 2],
        bytes[4 * w + 3],
    ])
}

/// The 1000 rounds over all lanes: each round writes the previous digest into its layout's slot
/// (shifted into place when the slot is not word-aligned) and compresses the layout's blocks
/// from its mid-state.
#[inline(always)]
fn rounds<const L: usize>(
    slots: &[Slot; 8],
    words: &mut [[u32; L]],
    mid: &[[[u32; L]; 4]; 8],
    head: &[[u32; L]; 8],
    tail: &[[u32; L]; 8],
    digest: &mut [[u32; L]; 4],
    compress: impl Fn(&mut [[u32; L]; 4], &[[u32; L]; 16]),
) {
    for &k in &SCHEDULE {
        let k = usize::from(k);
        let slot = slots[k];
        let msg = &mut words[slot.words()];
        let w = slot.word;
        if slot.shift == 0 {
            msg[w..w + 4].copy_from_slice(&digest[..]);
        } else {
            let up = slot.shift;
            let down = 32 - up;
            for l in 0..L {
                msg[w][l] = head[k][l] | (digest[0][l] << up);
                msg[w + 1][l] = (digest[1][l] << up) | (digest[0][l] >> down);
                msg[w + 2][l] = (digest[2][l] << up) | (digest[1][l] >> down);
                msg[w + 3][l] = (digest[3][l] << up) | (digest[2][l] >> down);
                msg[w + 4][l] = tail[k][l] | (digest[3][l] >> down);
            }
        }
        let mut state = mid[k];
        for b in slot.first_block..slot.end_block {
            let (block, _) = msg[16 * b..16 * b + 16].as_chunks::<16>();
            compress(&mut state, &block[0]);
        }
        *digest = state;
    }
}
