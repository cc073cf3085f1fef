//! The EksBlowfish key schedule and the final encryptions, on a Blowfish of our own.
//!
//! bcrypt's time is almost all in `2 x 2^cost` key expansions of 521 Blowfish encryptions
//! each, every one depending on the last: the hash runs at the latency of one Blowfish round
//! (four S-box loads, three additions/XORs, one XOR into the other half) times 16 x 521 x
//! 2^(cost+1). What is written here to keep that chain as short as crypt_blowfish's:
//!
//! - the P-array XOR of each round is applied to the half that is *not* waiting on the
//!   S-boxes (`r ^ p[i] ^ f(l)`, as crypt_blowfish's `BF_ROUND`), so it is off the critical
//!   path; RustCrypto's `blowfish` XORs it after `f` and so adds one cycle to every round;
//! - the 16 rounds are unrolled with constant P indices and the S-box indices are bytes
//!   (`u8` into `[u32; 256]`), so there is no bounds check anywhere in the loop;
//! - the key and the salt enter as the 18 big-endian words crypt_blowfish computes once
//!   (`BF_set_key`), not re-read byte by byte from a cyclic buffer for every expansion.
//!
//! Everything here is secret (the state is a function of the password): the state is wiped
//! when dropped.

use zeroize::Zeroize;

use super::pi;

/// A Blowfish state being keyed: four S-boxes and the P-array.
pub(super) struct Eks {
    s0: [u32; 256],
    s1: [u32; 256],
    s2: [u32; 256],
    s3: [u32; 256],
    p: [u32; 18],
}

impl Drop for Eks {
    fn drop(&mut self) {
        self.s0.zeroize();
        self.s1.zeroize();
        self.s2.zeroize();
        self.s3.zeroize();
        self.p.zeroize();
    }
}

impl Eks {
    /// Blowfish's initial state (the digits of pi).
    pub(super) fn new() -> Box<Self> {
        let [s0, s1, s2, s3] = pi::S;
        Box::new(Self {
            s0,
            s1,
            s2,
            s3,
            p: pi::P,
        })
    }

    /// Blowfish's F: `((S0[a] + S1[b]) ^ S2[c]) + S3[d]` over the bytes `a b c d` of `x`.
    #[inline(always)]
    fn f(&self, x: u32) -> u32 {
        let a = self.s0[usize::from((x >> 24) as u8)];
        let b = self.s1[usize::from((x >> 16) as u8)];
        let c = self.s2[usize::from((x >> 8) as u8)];
        let d = self.s3[usize::from(x as u8)];
        (a.wrapping_add(b) ^ c).wrapping_add(d)
    }

    /// One Blowfish encryption of the block `(l, r)`: 16 rounds, unrolled.
    #[inline(always)]
    pub(super) fn encrypt(&self, mut l: u32, mut r: u32) -> (u32, u32) {
        let p = &self.p;
        l ^= p[0];
        // Each line: the next P word is XORed into the waiting half first, off the chain.
        r = (r ^ p[1]) ^ self.f(l);
        l = (l ^ p[2]) ^ self.f(r);
        r = (r ^ p[3]) ^ self.f(l);
        l = (l ^ p[4]) ^ self.f(r);
        r = (r ^ p[5]) ^ self.f(l);
        l = (l ^ p[6]) ^ self.f(r);
        r = (r ^ p[7]) ^ self.f(l);
        l = (l ^ p[8]) ^ self.f(r);
        r = (r ^ p[9]) ^ self.f(l);
        l = (l ^ p[10]) ^ self.f(r);
        r = (r ^ p[11]) ^ self.f(l);
        l = (l ^ p[12]) ^ self.f(r);
        r = (r ^ p[13]) ^ self.f(l);
        l = (l ^ p[14]) ^ self.f(r);
        r = (r ^ p[15]) ^ self.f(l);
        l = (l ^ p[16]) ^ self.f(r);
        r ^= p[17];
        (r, l)
    }

    /// Refills the P-array then the S-boxes with the chained encryptions of zero (the second
    /// half of Blowfish's key expansion, crypt_blowfish's `BF_body`).
    #[inline(always)]
    fn refill(&mut self) {
        let (mut l, mut r) = (0u32, 0u32);
        for i in 0..9 {
            (l, r) = self.encrypt(l, r);
            self.p[2 * i] = l;
            self.p[2 * i + 1] = r;
        }
        for j in 0..128 {
            (l, r) = self.encrypt(l, r);
            self.s0[2 * j] = l;
            self.s0[2 * j + 1] = r;
        }
        for j in 0..128 {
            (l, r) = self.encrypt(l, r);
            self.s1[2 * j] = l;
            self.s1[2 * j + 1] = r;
        }
        for j in 0..128 {
            (l, r) = self.encrypt(l, r);
            self.s2[2 * j] = l;
            self.s2[2 * j + 1] = r;
        }
        for j in 0..128 {
            (l, r) = self.encrypt(l, r);
            self.s3[2 * j] = l;
            self.s3[2 * j + 1] = r;
        }
    }

    /// Blowfish's key expansion with an 18-word key (already cycled to 18 words).
    #[inline(always)]
    fn expand(&mut self, key: &[u32; 18]) {
        for (p, k) in self.p.iter_mut().zip(key) {
            *p ^= k;
        }
        self.refill();
    }

    /// bcrypt's first, salted expansion: like [`Self::expand`], but every block encrypted is
    /// first XORed with the next two salt words (cyclically).
    fn salted_expand(&mut self, key: &[u32; 18], salt: &[u32; 4]) {
        for (p, k) in self.p.iter_mut().zip(key) {
            *p ^= k;
        }
        let (mut l, mut r) = (0u32, 0u32);
        // 521 blocks, salt words used in pairs: even blocks take salt[0..2], odd salt[2..4].
        let mut block = 0usize;
        let mut next = |l: u32, r: u32| {
            let half = block & 1;
            block += 1;
            (l ^ salt[2 * half], r ^ salt[2 * half + 1])
        };
        for i in 0..9 {
            let (x, y) = next(l, r);
            (l, r) = self.encrypt(x, y);
            self.p[2 * i] = l;
            self.p[2 * i + 1] = r;
        }
        for s in 0..4 {
            for j in 0..128 {
                let (x, y) = next(l, r);
                (l, r) = self.encrypt(x, y);
                let sbox = match s {
                    0 => &mut self.s0,
                    1 => &mut self.s1,
                    2 => &mut self.s2,
                    _ => &mut self.s3,
                };
                sbox[2 * j] = l;
                sbox[2 * j + 1] = r;
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
        for _ in 0..(1u64 << cost) {
            self.expand(key);
            self.expand(&salt18);
        }
        salt18.zeroize();
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
