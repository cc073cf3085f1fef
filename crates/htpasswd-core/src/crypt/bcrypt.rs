//! bcrypt (`$2a$`, `$2b$`, `$2x$`, `$2y$`), on our own EksBlowfish key schedule (`bcrypt/eks.rs`:
//! crypt_blowfish's round order, tuned to the round's latency chain; checked against RustCrypto's
//! `blowfish` in tests).
//!
//! The reference is Openwall's crypt_blowfish 1.3, which Apache (APR), libxcrypt and musl all
//! carry: the password is a C string (it ends at the first NUL byte), read cyclically with its
//! terminating NUL into 18 key words, so at most 72 bytes count. The version letter changes
//! only how bytes >= 0x80 enter the key: `$2x$` reproduces the old sign-extension bug, `$2a$`
//! adds crypt_blowfish's safety measure for the rare passwords the bug would map onto a correct
//! key, `$2b$` and `$2y$` are the correct algorithm.
//!
//! ```
//! use htpasswd_core::crypt::bcrypt::BcryptHash;
//!
//! let stored = BcryptHash::parse(b"$2y$05$yR1cJJE11f97dkuXNcbzxObEYjl8Yj.7deJZz9izCvGTw4Mye3sMS")?;
//! assert!(stored.verify(b"pw"));
//! assert!(!stored.verify(b"pW"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use core::fmt;

use subtle::ConstantTimeEq as _;
use zeroize::Zeroize as _;

use super::error::{GenerateError, HashParseError, RandomError};
use super::salt::random_bytes;
use super::scheme::{BcryptVersion, Scheme};

mod eks;
mod pi;

use eks::Eks;

/// bcrypt's own base64 alphabet (big-endian bit order, unlike crypt's).
const ALPHABET: &[u8; 64] = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// The longest password bcrypt uses whole, in bytes.
pub const MAX_PASSWORD_LEN: usize = 72;
/// The lowest cost crypt_blowfish accepts (and `htpasswd -C` allows).
pub const MIN_COST: u32 = 4;
/// The highest cost Apache `htpasswd -C` allows; the highest we generate.
pub const MAX_GENERATE_COST: u32 = 17;
/// The highest cost crypt_blowfish verifies.
pub const MAX_COST: u32 = 31;
/// Apache's default cost (`htpasswd -B` without `-C`).
pub const DEFAULT_COST: u32 = 5;
/// Length of a bcrypt hash string: `$2y$05$` + 22 salt + 31 checksum characters.
pub const ENCODED_LEN: usize = 60;

/// A bcrypt hash: version, cost, 16-byte salt and the 23-byte checksum.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BcryptHash {
    version: BcryptVersion,
    cost: u32,
    salt: [u8; 16],
    checksum: [u8; 23],
}

fn decode_char(b: u8) -> Option<u8> {
    ALPHABET
        .iter()
        .position(|&a| a == b)
        .and_then(|p| u8::try_from(p).ok())
}

/// Encodes `bytes` the way crypt_blowfish's `BF_encode` does (no padding).
fn encode(bytes: &[u8], out: &mut Vec<u8>) {
    for chunk in bytes.chunks(3) {
        let b0 = chunk[0];
        let b1 = chunk.get(1).copied().unwrap_or(0);
        let b2 = chunk.get(2).copied().unwrap_or(0);
        out.push(ALPHABET[usize::from(b0 >> 2)]);
        out.push(ALPHABET[usize::from(((b0 & 0x03) << 4) | (b1 >> 4))]);
        if chunk.len() > 1 {
            out.push(ALPHABET[usize::from(((b1 & 0x0f) << 2) | (b2 >> 6))]);
        }
        if chunk.len() > 2 {
            out.push(ALPHABET[usize::from(b2 & 0x3f)]);
        }
    }
}

/// Decodes `text` (all characters checked) into `out`, like `BF_decode`: surplus low bits of
/// the last character are ignored. Returns the index of the first invalid character on error.
fn decode(text: &[u8], out: &mut [u8]) -> Result<(), usize> {
    let mut acc: u32 = 0;
    let mut bits = 0;
    let mut pos = 0;
    for (i, &c) in text.iter().enumerate() {
        let v = decode_char(c).ok_or(i)?;
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            if pos < out.len() {
                out[pos] = ((acc >> bits) & 0xff) as u8;
                pos += 1;
            }
        }
    }
    Ok(())
}

/// The 18 key words of crypt_blowfish's `BF_set_key`. Returns (key for the first, salted
/// expansion; key for the cost loop): they differ only in `$2a$`'s safety bit in word 0.
fn key_schedule(password: &[u8], version: BcryptVersion) -> ([u32; 18], [u32; 18]) {
    let (bug, safety) = match version {
        BcryptVersion::V2x => (true, false),
        BcryptVersion::V2a => (false, true),
        BcryptVersion::V2b | BcryptVersion::V2y => (false, false),
    };
    // The password as a C string.
    let end = password
        .iter()
        .position(|&b| b == 0)
        .unwrap_or(password.len());
    let key = &password[..end];
    let mut pos = 0;
    let mut sign: u32 = 0;
    let mut diff: u32 = 0;
    let mut words = [0u32; 18];
    for word in &mut words {
        let mut correct: u32 = 0;
        let mut buggy: u32 = 0;
        for j in 0..4 {
            let c = key.get(pos).copied().unwrap_or(0);
            correct = (correct << 8) | u32::from(c);
            // Sign extension of a `signed char`, as the pre-2011 code did.
            buggy = (buggy << 8) | (i32::from(c as i8) as u32);
            if j != 0 {
                sign |= buggy & 0x80;
            }
            pos = if pos >= key.len() { 0 } else { pos + 1 };
        }
        diff |= correct ^ buggy;
        *word = if bug { buggy } else { correct };
    }
    diff |= diff >> 16;
    diff &= 0xffff;
    diff += 0xffff; // bit 16 set iff the buggy and the correct key differ
    sign <<= 9; // bit 16 set iff a non-benign sign extension happened
    sign &= !diff & if safety { 0x1_0000 } else { 0 };

    let mut initial = words;
    initial[0] ^= sign;
    (initial, words)
}

/// The raw bcrypt computation: 23 checksum bytes.
fn bcrypt_raw(password: &[u8], version: BcryptVersion, cost: u32, salt: &[u8; 16]) -> [u8; 23] {
    let (mut initial, mut expanded) = key_schedule(password, version);
    let mut salt_words = [0u32; 4];
    for (w, c) in salt_words.iter_mut().zip(salt.chunks_exact(4)) {
        *w = u32::from_be_bytes([c[0], c[1], c[2], c[3]]);
    }
    // 1. EksBlowfishSetup: salted key expansion, then 2^cost rounds of key and salt expansion.
    let mut state = Eks::new();
    state.setup(&initial, &expanded, &salt_words, cost);
    initial.zeroize();
    expanded.zeroize();
    salt_words.zeroize();
    // 2. Encrypt "OrpheanBeholderScryDoubt" 64 times in ECB mode.
    let mut ctext = [0u32; 6];
    for (w, chunk) in ctext
        .iter_mut()
        .zip(b"OrpheanBeholderScryDoubt".chunks_exact(4))
    {
        *w = u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
    }
    for pair in ctext.chunks_exact_mut(2) {
        let (mut l, mut r) = (pair[0], pair[1]);
        for _ in 0..64 {
            (l, r) = state.encrypt(l, r);
        }
        pair[0] = l;
        pair[1] = r;
    }
    drop(state);
    // 3. Output all but the last byte, big-endian.
    let mut out = [0u8; 24];
    for (chunk, w) in out.chunks_exact_mut(4).zip(ctext) {
        chunk.copy_from_slice(&w.to_be_bytes());
    }
    ctext.zeroize();
    let mut checksum = [0u8; 23];
    checksum.copy_from_slice(&out[..23]);
    out.zeroize();
    checksum
}

impl BcryptHash {
    /// Hashes `password` (a C string: it ends at the first NUL; at most the first 72 bytes
    /// count) with `salt` at `cost`.
    ///
    /// # Errors
    /// [`GenerateError::BcryptCost`] when `cost` is outside 4..=31 (the range crypt_blowfish
    /// computes; [`generate`] limits it further to Apache's 4..=17).
    pub fn new(
        version: BcryptVersion,
        cost: u32,
        password: &[u8],
        salt: [u8; 16],
    ) -> Result<Self, GenerateError> {
        if !(MIN_COST..=MAX_COST).contains(&cost) {
            return Err(GenerateError::BcryptCost { cost });
        }
        Ok(Self {
            version,
            cost,
            salt,
            checksum: bcrypt_raw(password, version, cost, &salt),
        })
    }

    /// Parses a stored hash: `$2?$`, two cost digits, `$`, 22 salt and 31 checksum characters.
    ///
    /// # Errors
    /// [`HashParseError`] naming what is wrong.
    pub fn parse(stored: &[u8]) -> Result<Self, HashParseError> {
        let version = BcryptVersion::from_prefix(stored).ok_or(HashParseError::UnknownScheme)?;
        let scheme = Scheme::Bcrypt(version);
        if stored.len() != ENCODED_LEN {
            return Err(HashParseError::Length {
                scheme,
                part: "hash",
                len: stored.len(),
            });
        }
        let cost = match (stored[4], stored[5]) {
            (d1 @ b'0'..=b'9', d2 @ b'0'..=b'9') => {
                u32::from(d1 - b'0') * 10 + u32::from(d2 - b'0')
            }
            _ => return Err(HashParseError::BcryptCost),
        };
        if !(MIN_COST..=MAX_COST).contains(&cost) {
            return Err(HashParseError::BcryptCost);
        }
        if stored[6] != b'$' {
            return Err(HashParseError::MissingSeparator { scheme });
        }
        let mut salt = [0u8; 16];
        decode(&stored[7..29], &mut salt).map_err(|i| HashParseError::InvalidChar {
            scheme,
            index: 7 + i,
        })?;
        let mut checksum = [0u8; 23];
        decode(&stored[29..], &mut checksum).map_err(|i| HashParseError::InvalidChar {
            scheme,
            index: 29 + i,
        })?;
        let parsed = Self {
            version,
            cost,
            salt,
            checksum,
        };
        // crypt_blowfish ignores the surplus low bits of the last salt character when hashing
        // but writes them as zero, so a non-canonical stored hash can never match: keep the
        // comparison string exact by requiring the canonical form here.
        if parsed.to_bytes() != stored {
            return Err(HashParseError::InvalidChar {
                scheme,
                index: stored.len() - 1,
            });
        }
        Ok(parsed)
    }

    /// Checks `password` against this hash; the checksums are compared in constant time.
    #[must_use]
    pub fn verify(&self, password: &[u8]) -> bool {
        let computed = bcrypt_raw(password, self.version, self.cost, &self.salt);
        computed.ct_eq(&self.checksum).into()
    }

    /// The version letter.
    #[must_use]
    pub fn version(&self) -> BcryptVersion {
        self.version
    }

    /// The cost (log2 of the key-expansion rounds).
    #[must_use]
    pub fn cost(&self) -> u32 {
        self.cost
    }

    /// The hash string.
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(ENCODED_LEN);
        out.extend_from_slice(self.version.prefix().as_bytes());
        out.extend_from_slice(format!("{:02}$", self.cost).as_bytes());
        encode(&self.salt, &mut out);
        encode(&self.checksum, &mut out);
        out
    }
}

/// What to do with a password longer than bcrypt's 72 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LongPassword {
    /// Refuse it with [`GenerateError::PasswordTooLong`] (the default).
    #[default]
    Refuse,
    /// Hash its first 72 bytes, as Apache `htpasswd -B` silently does; the truncation is
    /// reported in the result.
    Truncate,
}

/// Generates a `$2y$` hash (as Apache `htpasswd -B` writes) with a random 16-byte salt.
///
/// # Errors
/// [`GenerateError::BcryptCost`] for a cost outside 4..=17, [`GenerateError::PasswordTooLong`]
/// for a password over 72 bytes unless `long` is [`LongPassword::Truncate`],
/// [`GenerateError::Random`] when the OS CSPRNG fails.
pub fn generate(
    password: &[u8],
    cost: u32,
    long: LongPassword,
) -> Result<BcryptHash, GenerateError> {
    if !(MIN_COST..=MAX_GENERATE_COST).contains(&cost) {
        return Err(GenerateError::BcryptCost { cost });
    }
    if password.len() > MAX_PASSWORD_LEN && long == LongPassword::Refuse {
        return Err(GenerateError::PasswordTooLong {
            len: password.len(),
            max: MAX_PASSWORD_LEN,
        });
    }
    let salt = random_bytes::<16>().map_err(|e: RandomError| GenerateError::Random(e))?;
    BcryptHash::new(BcryptVersion::V2y, cost, password, salt)
}

impl fmt::Display for BcryptHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.to_bytes()))
    }
}

impl fmt::Debug for BcryptHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BcryptHash({self})")
    }
}
