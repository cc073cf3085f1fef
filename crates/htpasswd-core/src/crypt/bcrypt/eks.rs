//! The EksBlowfish key schedule and the final encryptions, on a Blowfish of our own.
//!
//! bcrypt's time is almost all in `2 x 2^cost` key expansions of 521 Blowfish encryptions
//! each, every one depending on the last: the hash runs at the latency of one Blowfish round
//! (four S-box loads, three additions/XORs, one XOR into the other half) times 16 x 521 x
//! 2^(cost+1). What is written here keeps that chain at its floor, about 10 cycles a round
//! (extract an index, load, add, XOR, add, XOR):
//!
//! - the P-array XOR of each round is applied to the half that is *not* waiting on the
//!   S-boxes (`r ^ p[i] ^ f(l)`, as crypt_blowfish's `BF_ROUND`), so it is off the critical
//!   path; RustCrypto's `blowfish` XORs it after `f` and so adds one cycle to every round. The
//!   P words are copied into a loop-invariant local for the 512 encryptions that refill the
//!   S-boxes, because the compiler orders XOR operands by where they are computed and would
//!   otherwise put the P load back on the chain;
//! - the cost loop ([`cost_loop`]) takes the four S-boxes as four unrelated references, so
//!   each load is `[base + index]` or `[base + index*4]` with no displacement (see there);
//! - the 16 rounds are unrolled with constant P indices and the S-box indices are bytes
//!   (`u8` into `[u32; 256]`), so there is no bounds check anywhere in the loop;
//! - the key and the salt enter as the 18 big-endian words crypt_blowfish computes once
//!   (`BF_set_key`), not re-read byte by byte from a cyclic buffer for every expansion.
//!
//! Everything here is secret (the state is a function of the password): the state is wiped
//! when dropped.

use zeroize::Zeroize;

use super::pi;

/// One S-box.
type Sbox = [u32; 256];

/// A Blowfish state being keyed: four S-boxes and the P-array.
pub(super) struct Eks {
    s: [Sbox; 4],
    p: [u32; 18],
}

impl Drop for Eks {
    fn drop(&mut self) {
        self.s.zeroize();
        self.p.zeroize();
    }
}

/// Blowfish's F: `((S0[a] + S1[b]) ^ S2[c]) + S3[d]` over the bytes `a b c d` of `x`.
#[inline(always)]
fn f(s0: &Sbox, s1: &Sbox, s2: &Sbox, s3: &Sbox, x: u32) -> u32 {
    let a = s0[usize::from((x >> 24) as u8)];
    let b = s1[usize::from((x >> 16) as u8)];
    let c = s2[usize::from((x >> 8) as u8)];
    let d = s3[usize::from(x as u8)];
    (a.wrapping_add(b) ^ c).wrapping_add(d)
}

/// One Blowfish encryption of the block `(l, r)`: 16 rounds, unrolled.
#[inline(always)]
fn encrypt(
    s0: &Sbox,
    s1: &Sbox,
    s2: &Sbox,
    s3: &Sbox,
    p: &[u32; 18],
    mut l: u32,
    mut r: u32,
) -> (u32, u32) {
    l ^= p[0];
    // Each line: the next P word is XORed into the waiting half first, off the chain.
    r = (r ^ p[1]) ^ f(s0, s1, s2, s3, l);
    l = (l ^ p[2]) ^ f(s0, s1, s2, s3, r);
    r = (r ^ p[3]) ^ f(s0, s1, s2, s3, l);
    l = (l ^ p[4]) ^ f(s0, s1, s2, s3, r);
    r = (r ^ p[5]) ^ f(s0, s1, s2, s3, l);
    l = (l ^ p[6]) ^ f(s0, s1, s2, s3, r);
    r = (r ^ p[7]) ^ f(s0, s1, s2, s3, l);
    l = (l ^ p[8]) ^ f(s0, s1, s2, s3, r);
    r = (r ^ p[9]) ^ f(s0, s1, s2, s3, l);
    l = (l ^ p[10]) ^ f(s0, s1, s2, s3, r);
    r = (r ^ p[11]) ^ f(s0, s1, s2, s3, l);
    l = (l ^ p[12]) ^ f(s0, s1, s2, s3, r);
    r = (r ^ p[13]) ^ f(s0, s1, s2, s3, l);
    l = (l ^ p[14]) ^ f(s0, s1, s2, s3, r);
    r = (r ^ p[15]) ^ f(s0, s1, s2, s3, l);
    l = (l ^ p[16]) ^ f(s0, s1, s2, s3, r);
    r ^= p[17];
    (r, l)
}

/// Blowfish's key expansion with an 18-word `key` (crypt_blowfish's P XOR and `BF_body`):
/// `p ^= key`, then the P-array and the S-boxes refilled with the chained encryptions of zero.
#[inline(always)]
fn expand(
    s0: &mut Sbox,
    s1: &mut Sbox,
    s2: &mut Sbox,
    s3: &mut Sbox,
    p: &mut [u32; 18],
    key: &[u32; 18],
    p_copy: &mut [u32; 18],
) {
    for (p, k) in p.iter_mut().zip(key) {
        *p ^= k;
    }
    let (mut l, mut r) = (0u32, 0u32);
    for i in 0..9 {
        (l, r) = encrypt(s0, s1, s2, s3, p, l, r);
        p[2 * i] = l;
        p[2 * i + 1] = r;
    }
    // The P-array is final for the 512 encryptions that refill the S-boxes: a copy made before
    // the loops is loop-invariant, which keeps the compiler from re-associating each P XOR
    // onto the chain after F (it orders XOR operands by where they are computed).
    *p_copy = *p;
    let p = &*p_copy;
    for j in 0..128 {
        (l, r) = encrypt(s0, s1, s2, s3, p, l, r);
        s0[2 * j] = l;
        s0[2 * j + 1] = r;
    }
    for j in 0..128 {
        (l, r) = encrypt(s0, s1, s2, s3, p, l, r);
        s1[2 * j] = l;
        s1[2 * j + 1] = r;
    }
    for j in 0..128 {
        (l, r) = encrypt(s0, s1, s2, s3, p, l, r);
        s2[2 * j] = l;
        s2[2 * j + 1] = r;
    }
    for j in 0..128 {
        (l, r) = encrypt(s0, s1, s2, s3, p, l, r);
        s3[2 * j] = l;
        s3[2 * j + 1] = r;
    }
}

/// The cost loop: `rounds` times, expand with `key`, then with `salt`.
///
/// Kept out of line on purpose: here the four S-boxes are four unrelated references, so the
/// compiler addresses each from its own base register instead of one base plus a constant
/// displacement (`[base + index*4 + 0x400]`). On the AMD Zen 5 this was tuned on, a load with
/// both an index and a displacement, or a scaled index, takes 5 cycles instead of 4; with one
/// base the second S-box load (index `(x >> 14) & 0x3fc`, two instructions) costs 2 + 5 and
/// the round 11 cycles, with four bases 2 + 4 and the round 10 (crypt_blowfish as Debian's GCC
/// builds it indexes one `data.ctx` struct with displacements: about 10.5-11).
#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn cost_loop(
    s0: &mut Sbox,
    s1: &mut Sbox,
    s2: &mut Sbox,
    s3: &mut Sbox,
    p: &mut [u32; 18],
    key: &[u32; 18],
    salt: &[u32; 18],
    rounds: u64,
) {
    // Where `expand` keeps its loop-invariant copy of the P-array, so it can be wiped here.
    let mut p_copy = [0u32; 18];
    for _ in 0..rounds {
        expand(s0, s1, s2, s3, p, key, &mut p_copy);
        expand(s0, s1, s2, s3, p, salt, &mut p_copy);
    }
    p_copy.zeroize();
}

impl Eks {
    /// Blowfish's initial state (the digits of pi).
    pub(super) fn new() -> Box<Self> {
        Box::new(Self { s: pi::S, p: pi::P })
    }

    /// One Blowfish encryption with the current state.
    pub(super) fn encrypt(&self, l: u32, r: u32) -> (u32, u32) {
        let [s0, s1, s2, s3] = &self.s;
        encrypt(s0, s1, s2, s3, &self.p, l, r)
    }

    /// bcrypt's first, salted expansion: like [`expand`], but every block encrypted is first
    /// XORed with the next two salt words (cyclically).
    fn salted_expand(&mut self, key: &[u32; 18], salt: &[u32; 4]) {
        for (p, k) in self.p.iter_mut().zip(key) {
            *p ^= k;
        }
        let (mut l, mut r) = (0u32, 0u32);
        // 521 blocks, salt words used in pairs: even blocks take salt[0..2], odd salt[2..4].
        for block in 0..521 {
            let half = block & 1;
            (l, r) = self.encrypt(l ^ salt[2 * half], r ^ salt[2 * half + 1]);
            if block < 9 {
                self.p[2 * block] = l;
                self.p[2 * block + 1] = r;
            } else {
                let k = block - 9;
                let sbox = &mut self.s[k / 128];
                sbox[2 * (k % 128)] = l;
                sbox[2 * (k % 128) + 1] = r;
            }
        }
    }

    /// The whole EksBlowfishSetup: the salted expansion with `initial_key`, then `2^cost`
    /// rounds of expanding with `key` and with the salt.
    pub(super) fn setup(
        &mut self,
        initial_key: &[u32; 18],
        key: &[u32; 18],
        salt: &[u32; 4],
        cost: u32,
    ) {
        self.salted_expand(initial_key, salt);
        let mut salt18 = [0u32; 18];
        for (i, w) in salt18.iter_mut().enumerate() {
            *w = salt[i % 4];
        }
        let [s0, s1, s2, s3] = &mut self.s;
        cost_loop(s0, s1, s2, s3, &mut self.p, key, &salt18, 1u64 << cost);
        salt18.zeroize();
    }

    /// A plain key expansion (tests).
    #[cfg(test)]
    fn expand(&mut self, key: &[u32; 18]) {
        let [s0, s1, s2, s3] = &mut self.s;
        expand(s0, s1, s2, s3, &mut self.p, key, &mut [0; 18]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use blowfish::Blowfish;

    fn words(bytes: &[u8; 72]) -> [u32; 18] {
        let mut w = [0u32; 18];
        for (w, c) in w.iter_mut().zip(bytes.chunks_exact(4)) {
            *w = u32::from_be_bytes([c[0], c[1], c[2], c[3]]);
        }
        w
    }

    /// Our tables and rounds against RustCrypto's Blowfish: the initial encryption, one salted
    /// expansion, then plain expansions, compared block by block.
    #[test]
    fn matches_rustcrypto_blowfish() {
        let mut theirs = Blowfish::bc_init_state();
        let mut ours = Eks::new();
        for block in [
            (0, 0),
            (1, 2),
            (0xdead_beef, 0x0123_4567),
            (u32::MAX, 0x8000_0000),
        ] {
            let [l, r] = theirs.bc_encrypt([block.0, block.1]);
            assert_eq!(ours.encrypt(block.0, block.1), (l, r));
        }
        let key_bytes: [u8; 72] = core::array::from_fn(|i| (i * 37 + 11) as u8);
        let salt_bytes: [u8; 16] = core::array::from_fn(|i| (i * 91 + 5) as u8);
        let mut salt = [0u32; 4];
        for (w, c) in salt.iter_mut().zip(salt_bytes.chunks_exact(4)) {
            *w = u32::from_be_bytes([c[0], c[1], c[2], c[3]]);
        }
        theirs.salted_expand_key(&salt_bytes, &key_bytes);
        ours.salted_expand(&words(&key_bytes), &salt);
        let [l, r] = theirs.bc_encrypt([7, 9]);
        assert_eq!(ours.encrypt(7, 9), (l, r));
        let mut salt72 = [0u8; 72];
        for (i, b) in salt72.iter_mut().enumerate() {
            *b = salt_bytes[i % 16];
        }
        for _ in 0..3 {
            theirs.bc_expand_key(&key_bytes);
            ours.expand(&words(&key_bytes));
            theirs.bc_expand_key(&salt_bytes);
            ours.expand(&words(&salt72));
            let [l, r] = theirs.bc_encrypt([0x0f0f_0f0f, 0xf0f0_f0f0]);
            assert_eq!(ours.encrypt(0x0f0f_0f0f, 0xf0f0_f0f0), (l, r));
        }
    }
}
