//! SHA-256-crypt and SHA-512-crypt (Drepper's specification) computed directly on the SHA-2
//! compression function.
//!
//! Almost all of the time is in the rounds loop: round `i` hashes `C` (the previous digest)
//! together with the password sequence `P` and the salt sequence `S` in one of 42 orders
//! (`i mod 2`, `i mod 3`, `i mod 7`). Through a `Digest` every round pays for a fresh state,
//! buffered `update`s of each piece and a padded `finalize`. Here the 42 messages are laid
//! out once, already padded with their length, and only the `C` bytes change: each round
//! writes the previous state's words big-endian into its message and runs the compression
//! function over it from the initial value. A round is then one compression (two for
//! SHA-256-crypt once the message passes 55 bytes) plus 8 stores. Where a round's message
//! starts with whole blocks of password and salt bytes only (long passwords, odd rounds), those
//! blocks are compressed once per hash and the round starts from that mid-state.
//!
//! The one-off parts (digests A, B, DP, DS) go through `sha2`'s `Digest`. Passwords so long
//! that the 42 messages would exceed [`MAX_TEMPLATE_BLOCKS`] blocks each take the same plain
//! `Digest` path for the rounds too (same output, no large buffers).
//!
//! Everything here is secret: buffers holding password-derived bytes are wiped.

use sha2::Digest as _;
use sha2::block_api::{compress256, compress512};
use zeroize::{Zeroize, Zeroizing};

/// The longest round message, in compression blocks, laid out in advance.
const MAX_TEMPLATE_BLOCKS: usize = 8;

/// The number of distinct round messages (`lcm(2, 3, 7)`).
const PATTERNS: usize = 42;

/// What differs between SHA-256 and SHA-512 here.
trait Sha {
    /// Compression block size in bytes.
    const BLOCK: usize;
    /// Digest size in bytes.
    const DIGEST: usize;
    /// Size of the big-endian bit-length field in the last block.
    const LEN_FIELD: usize;
    /// The chaining state.
    type State: Copy + zeroize::Zeroize;
    /// The initial value.
    const IV: Self::State;
    /// The streaming hasher for the one-off digests.
    type Hasher: sha2::Digest + Default;
    /// Runs the compression function over `blocks` (a multiple of [`Self::BLOCK`] bytes).
    fn compress(state: &mut Self::State, blocks: &[u8]);
    /// Writes `state` big-endian (the digest) into `out` ([`Self::DIGEST`] bytes).
    fn write_digest(state: &Self::State, out: &mut [u8]);
}

struct Sha256;
struct Sha512;

impl Sha for Sha256 {
    const BLOCK: usize = 64;
    const DIGEST: usize = 32;
    const LEN_FIELD: usize = 8;
    type State = [u32; 8];
    const IV: [u32; 8] = [
        0x6a09_e667,
        0xbb67_ae85,
        0x3c6e_f372,
        0xa54f_f53a,
        0x510e_527f,
        0x9b05_688c,
        0x1f83_d9ab,
        0x5be0_cd19,
    ];
    type Hasher = sha2::Sha256;

    #[inline(always)]
    fn compress(state: &mut [u32; 8], blocks: &[u8]) {
        let (blocks, _) = blocks.as_chunks::<64>();
        compress256(state, blocks);
    }

    #[inline(always)]
    fn write_digest(state: &[u32; 8], out: &mut [u8]) {
        for (chunk, w) in out.chunks_exact_mut(4).zip(state) {
            chunk.copy_from_slice(&w.to_be_bytes());
        }
    }
}

impl Sha for Sha512 {
    const BLOCK: usize = 128;
    const DIGEST: usize = 64;
    const LEN_FIELD: usize = 16;
    type State = [u64; 8];
    const IV: [u64; 8] = [
        0x6a09_e667_f3bc_c908,
        0xbb67_ae85_84ca_a73b,
        0x3c6e_f372_fe94_f82b,
        0xa54f_f53a_5f1d_36f1,
        0x510e_527f_ade6_82d1,
        0x9b05_688c_2b3e_6c1f,
        0x1f83_d9ab_fb41_bd6b,
        0x5be0_cd19_137e_2179,
    ];
    type Hasher = sha2::Sha512;

    #[inline(always)]
    fn compress(state: &mut [u64; 8], blocks: &[u8]) {
        let (blocks, _) = blocks.as_chunks::<128>();
        compress512(state, blocks);
    }

    #[inline(always)]
    fn write_digest(state: &[u64; 8], out: &mut [u8]) {
        for (chunk, w) in out.chunks_exact_mut(8).zip(state) {
            chunk.copy_from_slice(&w.to_be_bytes());
        }
    }
}

/// SHA-256-crypt's raw 32-byte result (before the crypt base64 encoding).
pub(super) fn sha256_crypt(password: &[u8], salt: &[u8], rounds: u32) -> [u8; 32] {
    let mut out = [0u8; 32];
    sha_crypt::<Sha256>(password, salt, rounds, &mut out);
    out
}

/// SHA-512-crypt's raw 64-byte result (before the crypt base64 encoding).
pub(super) fn sha512_crypt(password: &[u8], salt: &[u8], rounds: u32) -> [u8; 64] {
    let mut out = [0u8; 64];
    sha_crypt::<Sha512>(password, salt, rounds, &mut out);
    out
}

/// `src` repeated to `len` bytes (Drepper's steps 16 and 20: P and S sequences).
fn repeat_to(src: &[u8], len: usize) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(src.iter().copied().cycle().take(len).collect())
}

/// The whole algorithm; `out` receives the final digest.
fn sha_crypt<H: Sha>(password: &[u8], salt: &[u8], rounds: u32, out: &mut [u8]) {
    // Steps 4-8: digest B = H(P S P).
    let mut b = H::Hasher::default();
    b.update(password);
    b.update(salt);
    b.update(password);
    let b = Zeroizing::new(b.finalize().to_vec());
    // Steps 1-3, 9-12: digest A.
    let mut a = H::Hasher::default();
    a.update(password);
    a.update(salt);
    let mut left = password.len();
    while left > H::DIGEST {
        a.update(&b[..]);
        left -= H::DIGEST;
    }
    a.update(&b[..left]);
    let mut bits = password.len();
    while bits > 0 {
        if bits & 1 == 1 {
            a.update(&b[..]);
        } else {
            a.update(password);
        }
        bits >>= 1;
    }
    let a = Zeroizing::new(a.finalize().to_vec());
    // Steps 13-16: the P sequence from DP = H(P repeated |P| times).
    let mut dp = H::Hasher::default();
    for _ in 0..password.len() {
        dp.update(password);
    }
    let dp = Zeroizing::new(dp.finalize().to_vec());
    let p_seq = repeat_to(&dp, password.len());
    // Steps 17-20: the S sequence from DS = H(S repeated 16 + A[0] times).
    let mut ds = H::Hasher::default();
    for _ in 0..16 + usize::from(a[0]) {
        ds.update(salt);
    }
    let ds = Zeroizing::new(ds.finalize().to_vec());
    let s_seq = repeat_to(&ds, salt.len());
    // Step 21: the rounds.
    out.copy_from_slice(&a);
    let longest = H::DIGEST + 2 * p_seq.len() + s_seq.len();
    if padded_len::<H>(longest) <= MAX_TEMPLATE_BLOCKS * H::BLOCK {
        rounds_on_templates::<H>(&p_seq, &s_seq, rounds, out);
    } else {
        rounds_streaming::<H>(&p_seq, &s_seq, rounds, out);
    }
}

/// The length of a message of `len` bytes once padded: the 0x80 byte and the length field
/// added, rounded up to whole blocks.
fn padded_len<H: Sha>(len: usize) -> usize {
    (len + 1 + H::LEN_FIELD).div_ceil(H::BLOCK) * H::BLOCK
}

/// Round `i`'s message pieces in order; `None` stands for `C`.
fn pieces<'a>(i: usize, p: &'a [u8], s: &'a [u8]) -> [Option<&'a [u8]>; 4] {
    let odd = i % 2 == 1;
    [
        if odd { Some(p) } else { None },
        if !i.is_multiple_of(3) {
            Some(s)
        } else {
            Some(&[][..])
        },
        if !i.is_multiple_of(7) {
            Some(p)
        } else {
            Some(&[][..])
        },
        if odd { None } else { Some(p) },
    ]
}

/// The rounds over 42 pre-padded messages (see the module documentation).
fn rounds_on_templates<H: Sha>(p: &[u8], s: &[u8], rounds: u32, c: &mut [u8]) {
    // All 42 messages back to back; per pattern: (start, padded length, offset of C).
    let mut spans = [(0usize, 0usize, 0usize); PATTERNS];
    let mut total = 0;
    for (i, span) in spans.iter_mut().enumerate() {
        let len: usize = pieces(i, p, s)
            .iter()
            .map(|piece| piece.map_or(H::DIGEST, <[u8]>::len))
            .sum();
        *span = (total, padded_len::<H>(len), 0);
        total += span.1;
    }
    let mut buf = Zeroizing::new(vec![0u8; total]);
    for (i, span) in spans.iter_mut().enumerate() {
        let msg = &mut buf[span.0..span.0 + span.1];
        let mut at = 0;
        for piece in pieces(i, p, s) {
            match piece {
                Some(bytes) => {
                    msg[at..at + bytes.len()].copy_from_slice(bytes);
                    at += bytes.len();
                }
                None => {
                    span.2 = at;
                    at += H::DIGEST;
                }
            }
        }
        msg[at] = 0x80;
        let bits = (at as u128) * 8;
        let field = &bits.to_be_bytes()[16 - H::LEN_FIELD..];
        let end = msg.len();
        msg[end - H::LEN_FIELD..].copy_from_slice(field);
    }
    // Whole blocks before C's offset hold only password and salt bytes, the same in every
    // round with that pattern (odd rounds once `P S P` fills a block): compress them once and
    // start those rounds from the mid-state. `first` is the first byte each round compresses.
    let mut mids = [H::IV; PATTERNS];
    let mut first = [0usize; PATTERNS];
    for ((mid, first), &(start, _, at)) in mids.iter_mut().zip(&mut first).zip(&spans) {
        *first = start + at / H::BLOCK * H::BLOCK;
        H::compress(mid, &buf[start..*first]);
    }
    // Round 0 puts C first, so write the initial C (digest A) there; every round then writes
    // its result straight into the next round's message.
    let (start, _, at) = spans[0];
    buf[start + at..start + at + H::DIGEST].copy_from_slice(c);
    let mut pattern = 0;
    let mut state = H::IV;
    for _ in 0..rounds {
        let (start, len, _) = spans[pattern];
        state = mids[pattern];
        H::compress(&mut state, &buf[first[pattern]..start + len]);
        pattern = if pattern + 1 == PATTERNS {
            0
        } else {
            pattern + 1
        };
        let (start, _, at) = spans[pattern];
        H::write_digest(&state, &mut buf[start + at..start + at + H::DIGEST]);
    }
    if rounds > 0 {
        H::write_digest(&state, c);
    }
    state.zeroize();
    mids.iter_mut().for_each(Zeroize::zeroize);
}

/// The rounds through the streaming hasher (very long passwords).
fn rounds_streaming<H: Sha>(p: &[u8], s: &[u8], rounds: u32, c: &mut [u8]) {
    let mut prev = Zeroizing::new(c.to_vec());
    for i in 0..rounds as usize {
        let mut h = H::Hasher::default();
        for piece in pieces(i, p, s) {
            h.update(piece.unwrap_or(&prev[..]));
        }
        let mut digest = h.finalize();
        prev.copy_from_slice(&digest);
        digest.as_mut_slice().zeroize();
    }
    c.copy_from_slice(&prev);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole algorithm against RustCrypto's `sha-crypt` (the implementation this replaced),
    /// including what libxcrypt cannot be asked about: NUL bytes and passwords past 512 bytes.
    #[test]
    fn matches_rustcrypto_sha_crypt() {
        let mut x = 0x2545_f491_u32;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x
        };
        for plen in [
            0usize, 1, 3, 16, 55, 64, 100, 230, 231, 255, 463, 464, 600, 1500,
        ] {
            let p: Vec<u8> = (0..plen).map(|_| next() as u8).collect();
            for slen in [0usize, 5, 16] {
                let s: Vec<u8> = (0..slen).map(|_| b'.' + (next() % 64) as u8).collect();
                for rounds in [1000u32, 1001, 1042] {
                    let params = sha_crypt::Params::new(rounds).expect("rounds in range");
                    assert_eq!(
                        sha256_crypt(&p, &s, rounds),
                        sha_crypt::sha256_crypt(&p, &s, params),
                        "sha256 plen {plen} slen {slen} rounds {rounds}"
                    );
                    assert_eq!(
                        sha512_crypt(&p, &s, rounds),
                        sha_crypt::sha512_crypt(&p, &s, params),
                        "sha512 plen {plen} slen {slen} rounds {rounds}"
                    );
                }
            }
        }
    }

    /// The template path and the streaming path agree for every pattern and many lengths.
    #[test]
    fn templates_match_streaming() {
        for plen in [
            0usize, 1, 7, 15, 16, 17, 40, 55, 56, 63, 64, 65, 100, 127, 128, 200,
        ] {
            let p: Vec<u8> = (0..plen).map(|i| (i * 31 + 7) as u8).collect();
            for slen in [0usize, 1, 8, 16] {
                let s: Vec<u8> = (0..slen).map(|i| b'a' + (i % 26) as u8).collect();
                let a256 = [0x5au8; 32];
                let a512 = [0xa5u8; 64];
                for rounds in [1u32, 41, 42, 43, 100] {
                    let (mut x, mut y) = (a256, a256);
                    if padded_len::<Sha256>(32 + 2 * plen + slen) <= MAX_TEMPLATE_BLOCKS * 64 {
                        rounds_on_templates::<Sha256>(&p, &s, rounds, &mut x);
                        rounds_streaming::<Sha256>(&p, &s, rounds, &mut y);
                        assert_eq!(x, y, "sha256 plen {plen} slen {slen} rounds {rounds}");
                    }
                    let (mut x, mut y) = (a512, a512);
                    rounds_on_templates::<Sha512>(&p, &s, rounds, &mut x);
                    rounds_streaming::<Sha512>(&p, &s, rounds, &mut y);
                    assert_eq!(x, y, "sha512 plen {plen} slen {slen} rounds {rounds}");
                }
            }
        }
    }
}
