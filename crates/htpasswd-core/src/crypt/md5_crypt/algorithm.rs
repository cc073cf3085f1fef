//! The md5-crypt algorithm (Poul-Henning Kamp, 1994), as in APR's `apr_md5_encode`
//! (apr-util `crypto/apr_md5.c`) and OpenSSL's `apps/passwd.c` `md5crypt()`.
//!
//! The 1000-round loop is the hot path. Its message in round `i` is made of the password `P`,
//! the salt `S` and the previous digest `D`:
//!
//! ```text
//! i odd : P, [S if i % 3 != 0], [P if i % 7 != 0], D
//! i even: D, [S if i % 3 != 0], [P if i % 7 != 0], P
//! ```
//!
//! so only eight message layouts exist. Each layout is built once, MD5-padded and length-filled,
//! in a fixed stack buffer; a round copies `D` into its slot and runs the MD5 compression function
//! over the blocks. Blocks that lie wholly before `D` (odd rounds with a long password) never
//! change, so their compression is done once and the round starts from that mid-state.
//! Messages too long for the fixed buffers (passwords over 111 bytes with an 8-byte salt) take a stack-buffered
//! streaming path instead: same result, no allocation.

use md5::Digest as _;
use md5::Md5;
use md5::block_api::compress;
use zeroize::Zeroize;

/// MD5 block size in bytes.
pub(super) const BLOCK: usize = 64;
/// Bytes of one prepared layout: four MD5 blocks.
pub(super) const LAYOUT_BYTES: usize = 4 * BLOCK;
/// MD5 initial state (RFC 1321, 3.3).
pub(super) const IV: [u32; 4] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];
/// Number of rounds of the md5-crypt loop.
pub(crate) const ROUNDS: usize = 1000;

/// Layout index of round `i`: bit 0 = odd round, bit 1 = salt present, bit 2 = extra password.
pub(super) const SCHEDULE: [u8; ROUNDS] = {
    let mut table = [0u8; ROUNDS];
    let mut i = 0;
    while i < ROUNDS {
        table[i] =
            ((i & 1) | (((i % 3 != 0) as usize) << 1) | (((i % 7 != 0) as usize) << 2)) as u8;
        i += 1;
    }
    table
};

/// Computes the 16-byte md5-crypt digest of `password` with `magic` (`$apr1$` or `$1$`) and
/// `salt` (already cut to at most 8 bytes by the caller).
pub(crate) fn md5_crypt_digest(magic: &[u8], password: &[u8], salt: &[u8]) -> [u8; 16] {
    let mut digest = setup_digest(magic, password, salt);
    // Step 4: 1000 rounds.
    match Layouts::new(password, salt) {
        Some(mut layouts) => {
            layouts.run(&mut digest);
            layouts.zeroize();
        }
        None => streaming_rounds(password, salt, &mut digest),
    }
    digest
}

/// Steps 1 to 3: the digest the 1000 rounds start from.
pub(super) fn setup_digest(magic: &[u8], password: &[u8], salt: &[u8]) -> [u8; 16] {
    debug_assert!(salt.len() <= 8);

    // Step 1: the "alternate" digest MD5(password || salt || password).
    let mut alt: [u8; 16] = {
        let mut h = Md5::new();
        h.update(password);
        h.update(salt);
        h.update(password);
        h.finalize().into()
    };

    // Step 2: MD5(password || magic || salt || alt repeated over the password length || bits).
    let mut h = Md5::new();
    h.update(password);
    h.update(magic);
    h.update(salt);
    let mut left = password.len();
    while left > 0 {
        let n = left.min(16);
        h.update(&alt[..n]);
        left -= n;
    }
    // Step 3: for each bit of the length, low bit first: a NUL byte if the bit is set, else the
    // first password byte (the original code's "weird" choice, kept for compatibility).
    let mut bits = password.len();
    while bits != 0 {
        if bits & 1 == 1 {
            h.update([0u8]);
        } else {
            h.update(&password[..1]);
        }
        bits >>= 1;
    }
    let digest: [u8; 16] = h.finalize().into();
    alt.zeroize();
    digest
}

/// One prepared message: padded, length-filled, with a 16-byte slot for the previous digest.
pub(super) struct Layout {
    pub(super) buf: [u8; LAYOUT_BYTES],
    /// Offset of the digest slot.
    pub(super) slot: usize,
    /// First block that contains (or follows) the slot.
    pub(super) first_block: usize,
    /// End of the last block (a multiple of 64).
    pub(super) end: usize,
    /// MD5 state after compressing the blocks before `first_block`.
    pub(super) mid: [u32; 4],
}

pub(super) struct Layouts(pub(super) [Layout; 8]);

impl Layouts {
    /// Whether every message of this geometry fits the fixed buffers: the longest message
    /// (digest, salt, password twice) plus 1 byte 0x80 and 8 bytes of length.
    pub(super) fn fit(password_len: usize, salt_len: usize) -> bool {
        16 + salt_len + 2 * password_len + 9 <= LAYOUT_BYTES
    }

    /// Builds the eight layouts, or `None` when a message does not fit the fixed buffers.
    pub(super) fn new(password: &[u8], salt: &[u8]) -> Option<Self> {
        if !Self::fit(password.len(), salt.len()) {
            return None;
        }
        let mut layouts = Self::empty();
        layouts.fill(password, salt);
        Some(layouts)
    }

    /// Eight all-zero buffers, for [`Layouts::fill`].
    pub(super) fn empty() -> Self {
        Self(core::array::from_fn(|_| Layout {
            buf: [0; LAYOUT_BYTES],
            slot: 0,
            first_block: 0,
            end: 0,
            mid: IV,
        }))
    }

    /// Builds the eight layouts in place. The buffers must be all zero (fresh from
    /// [`Layouts::empty`] or wiped by [`Layouts::zeroize`]), and the geometry must
    /// [`fit`](Layouts::fit): one set of buffers then serves many passwords without a copy.
    pub(super) fn fill(&mut self, password: &[u8], salt: &[u8]) {
        debug_assert!(Self::fit(password.len(), salt.len()));
        for (k, layout) in self.0.iter_mut().enumerate() {
            layout.fill(k, password, salt);
        }
    }

    fn run(&mut self, digest: &mut [u8; 16]) {
        for &k in &SCHEDULE {
            let layout = &mut self.0[usize::from(k)];
            layout.buf[layout.slot..layout.slot + 16].copy_from_slice(digest);
            let mut state = layout.mid;
            let (blocks, _) =
                layout.buf[layout.first_block * BLOCK..layout.end].as_chunks::<BLOCK>();
            compress(&mut state, blocks);
            *digest = state_bytes(&state);
        }
    }

    /// Wipes the password-derived bytes: each buffer up to its end (past it nothing was
    /// written) and the mid-states.
    pub(super) fn zeroize(&mut self) {
        for layout in &mut self.0 {
            layout.buf[..layout.end].zeroize();
            layout.mid.zeroize();
        }
    }
}

impl Layout {
    /// Writes layout `k` into `self.buf`, which is all zero: the message, the 0x80 byte and the
    /// length; the digest slot and the padding stay zero.
    fn fill(&mut self, k: usize, password: &[u8], salt: &[u8]) {
        let odd = k & 1 == 1;
        let with_salt = k & 2 == 2;
        let extra_password = k & 4 == 4;
        debug_assert!(self.buf.iter().all(|&b| b == 0));

        let buf = &mut self.buf;
        let mut len = 0;
        let mut put = |buf: &mut [u8; LAYOUT_BYTES], bytes: &[u8]| {
            buf[len..len + bytes.len()].copy_from_slice(bytes);
            len += bytes.len();
        };
        // Even layouts start with the digest slot, odd ones end with it; the slot stays zero.
        if odd {
            put(buf, password);
        } else {
            put(buf, &[0; 16]);
        }
        if with_salt {
            put(buf, salt);
        }
        if extra_password {
            put(buf, password);
        }
        if odd {
            put(buf, &[0; 16]);
        } else {
            put(buf, password);
        }
        let slot = if odd { len - 16 } else { 0 };

        // MD5 padding: 0x80, zeros, then the message length in bits, little-endian.
        buf[len] = 0x80;
        let end = (len + 9).div_ceil(BLOCK) * BLOCK;
        let bit_len = (len as u64) * 8;
        buf[end - 8..end].copy_from_slice(&bit_len.to_le_bytes());

        let first_block = slot / BLOCK;
        let mut mid = IV;
        let (before, _) = buf[..first_block * BLOCK].as_chunks::<BLOCK>();
        compress(&mut mid, before);

        self.slot = slot;
        self.first_block = first_block;
        self.end = end;
        self.mid = mid;
    }
}

/// Round loop for messages too long for [`Layouts`]: a streaming MD5 per round, on the stack.
fn streaming_rounds(password: &[u8], salt: &[u8], digest: &mut [u8; 16]) {
    for i in 0..ROUNDS {
        let mut h = Md5::new();
        if i & 1 == 1 {
            h.update(password);
        } else {
            h.update(*digest);
        }
        if i % 3 != 0 {
            h.update(salt);
        }
        if i % 7 != 0 {
            h.update(password);
        }
        if i & 1 == 1 {
            h.update(*digest);
        } else {
            h.update(password);
        }
        *digest = h.finalize().into();
    }
}

/// MD5 state words as the little-endian digest bytes.
#[inline(always)]
fn state_bytes(state: &[u32; 4]) -> [u8; 16] {
    let mut out = [0u8; 16];
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The prepared-layout path and the streaming path agree wherever both apply.
    #[test]
    fn layouts_match_streaming_rounds() {
        for len in [0usize, 1, 7, 16, 17, 40, 55, 56, 63, 64, 65, 100, 111] {
            for salt in [&b""[..], b"a", b"abcdefgh"] {
                let password: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
                let start = [0x5au8; 16];
                let mut streamed = start;
                streaming_rounds(&password, salt, &mut streamed);
                let mut layouts = Layouts::new(&password, salt).expect("fits");
                let mut prepared = start;
                layouts.run(&mut prepared);
                assert_eq!(prepared, streamed, "len {len} salt {salt:?}");
            }
        }
    }

    #[test]
    fn long_passwords_do_not_fit_layouts() {
        assert!(Layouts::new(&[b'x'; 112], b"abcdefgh").is_none());
        assert!(Layouts::new(&[b'x'; 111], b"abcdefgh").is_some());
    }

    #[test]
    fn schedule_repeats_every_42_rounds() {
        for i in 42..ROUNDS {
            assert_eq!(SCHEDULE[i], SCHEDULE[i - 42]);
        }
        assert_eq!(SCHEDULE[0], 0);
        assert_eq!(SCHEDULE[1], 0b111);
    }
}
