//! Traditional DES crypt (Unix V7 `crypt(3)`, Apache `htpasswd -d`), implemented here: no
//! maintained crate offers it (`pwhash` is unmaintained, RustCrypto's `des` has no salted
//! E-box).
//!
//! The password is a C string (it ends at the first NUL); only its first 8 bytes count, and of
//! each only the low 7 bits (it is shifted left once to form a DES key byte). The 12-bit salt,
//! two crypt-alphabet characters (first character = low 6 bits), swaps bit i and bit i + 24 of
//! every E-expansion output for each set salt bit i. A zero block is encrypted 25 times; the 64
//! result bits are written as 11 characters. References: FreeSec `crypt-des.c` (as in
//! libxcrypt and musl) and FIPS 46-3 for DES itself.
//!
//! ```
//! use htpasswd_core::crypt::des_crypt::DesCryptHash;
//!
//! let stored = DesCryptHash::parse(b"XzxaQei6hAl2U")?;
//! assert!(stored.verify(b"password123"));
//! assert!(stored.verify(b"password")); // only 8 bytes count
//! assert!(!stored.verify(b"passwor"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use core::fmt;

use subtle::ConstantTimeEq as _;
use zeroize::Zeroize as _;

use super::error::{GenerateError, HashParseError};
use super::salt::{CRYPT_ALPHABET, random_bytes};
use super::scheme::Scheme;

/// The number of password bytes DES crypt uses.
pub const MAX_PASSWORD_LEN: usize = 8;

// FIPS 46-3 tables, bit positions counted from 1 at the most significant bit.
const IP: [u8; 64] = [
    58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4, 62, 54, 46, 38, 30, 22, 14, 6,
    64, 56, 48, 40, 32, 24, 16, 8, 57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3, 61,
    53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7,
];
const FP: [u8; 64] = [
    40, 8, 48, 16, 56, 24, 64, 32, 39, 7, 47, 15, 55, 23, 63, 31, 38, 6, 46, 14, 54, 22, 62, 30,
    37, 5, 45, 13, 53, 21, 61, 29, 36, 4, 44, 12, 52, 20, 60, 28, 35, 3, 43, 11, 51, 19, 59, 27,
    34, 2, 42, 10, 50, 18, 58, 26, 33, 1, 41, 9, 49, 17, 57, 25,
];
const E: [u8; 48] = [
    32, 1, 2, 3, 4, 5, 4, 5, 6, 7, 8, 9, 8, 9, 10, 11, 12, 13, 12, 13, 14, 15, 16, 17, 16, 17, 18,
    19, 20, 21, 20, 21, 22, 23, 24, 25, 24, 25, 26, 27, 28, 29, 28, 29, 30, 31, 32, 1,
];
const P: [u8; 32] = [
    16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, 2, 8, 24, 14, 32, 27, 3, 9, 19,
    13, 30, 6, 22, 11, 4, 25,
];
const PC1: [u8; 56] = [
    57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, 10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60,
    52, 44, 36, 63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, 14, 6, 61, 53, 45, 37, 29,
    21, 13, 5, 28, 20, 12, 4,
];
const PC2: [u8; 48] = [
    14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2, 41, 52,
    31, 37, 47, 55, 30, 40, 51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
];
const SHIFTS: [u32; 16] = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1];
const SBOX: [[u8; 64]; 8] = [
    [
        14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7, 0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12,
        11, 9, 5, 3, 8, 4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0, 15, 12, 8, 2, 4, 9,
        1, 7, 5, 11, 3, 14, 10, 0, 6, 13,
    ],
    [
        15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10, 3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1,
        10, 6, 9, 11, 5, 0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15, 13, 8, 10, 1, 3, 15,
        4, 2, 11, 6, 7, 12, 0, 5, 14, 9,
    ],
    [
        10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8, 13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5,
        14, 12, 11, 15, 1, 13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7, 1, 10, 13, 0, 6,
        9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12,
    ],
    [
        7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15, 13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2,
        12, 1, 10, 14, 9, 10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4, 3, 15, 0, 6, 10, 1,
        13, 8, 9, 4, 5, 11, 12, 7, 2, 14,
    ],
    [
        2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9, 14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15,
        10, 3, 9, 8, 6, 4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14, 11, 8, 12, 7, 1, 14,
        2, 13, 6, 15, 0, 9, 10, 4, 5, 3,
    ],
    [
        12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11, 10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13,
        14, 0, 11, 3, 8, 9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6, 4, 3, 2, 12, 9, 5,
        15, 10, 11, 14, 1, 7, 6, 0, 8, 13,
    ],
    [
        4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1, 13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5,
        12, 2, 15, 8, 6, 1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2, 6, 11, 13, 8, 1, 4,
        10, 7, 9, 5, 0, 15, 14, 2, 3, 12,
    ],
    [
        13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7, 1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6,
        11, 0, 14, 9, 2, 7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8, 2, 1, 14, 7, 4, 10,
        8, 13, 15, 12, 9, 0, 3, 5, 6, 11,
    ],
];

/// Picks bits of `input` (`width` bits wide) in the order `table` names them.
fn permute(input: u64, width: u32, table: &[u8]) -> u64 {
    table.iter().fold(0, |out, &pos| {
        (out << 1) | ((input >> (width - u32::from(pos))) & 1)
    })
}

/// The 16 round keys (48 bits each) of a 64-bit DES key.
fn key_schedule(key: u64) -> [u64; 16] {
    let cd = permute(key, 64, &PC1);
    let mut c = cd >> 28;
    let mut d = cd & 0x0fff_ffff;
    let mut keys = [0u64; 16];
    for (k, &s) in keys.iter_mut().zip(&SHIFTS) {
        c = ((c << s) | (c >> (28 - s))) & 0x0fff_ffff;
        d = ((d << s) | (d >> (28 - s))) & 0x0fff_ffff;
        *k = permute((c << 28) | d, 56, &PC2);
    }
    keys
}

/// The DES round function with the crypt salt swap (`saltbits`: 24-bit mask, see
/// [`salt_bits`]).
fn feistel(r: u64, key: u64, saltbits: u64) -> u64 {
    let e = permute(r, 32, &E);
    let (mut hi, mut lo) = (e >> 24, e & 0xff_ffff);
    let swap = (hi ^ lo) & saltbits;
    hi ^= swap;
    lo ^= swap;
    let x = ((hi << 24) | lo) ^ key;
    let mut s_out = 0u64;
    for (i, sbox) in SBOX.iter().enumerate() {
        let six = (x >> (42 - 6 * i)) & 0x3f;
        let row = ((six & 0x20) >> 4) | (six & 1);
        let col = (six >> 1) & 0x0f;
        s_out = (s_out << 4) | u64::from(sbox[(row * 16 + col) as usize]);
    }
    permute(s_out, 32, &P)
}

/// Salt bit i (from the low end) selects bit 23 - i of each 24-bit half of the E output.
fn salt_bits(salt: u16) -> u64 {
    (0..12)
        .filter(|i| salt & (1 << i) != 0)
        .fold(0, |acc, i| acc | (0x80_0000 >> i))
}

/// 25 salted DES encryptions of the zero block under `key`.
fn des_crypt_raw(key: u64, salt: u16) -> u64 {
    let mut keys = key_schedule(key);
    let saltbits = salt_bits(salt);
    let mut block = 0u64;
    for _ in 0..25 {
        let ip = permute(block, 64, &IP);
        let (mut l, mut r) = (ip >> 32, ip & 0xffff_ffff);
        for &k in &keys {
            let next = l ^ feistel(r, k, saltbits);
            l = r;
            r = next;
        }
        block = permute((r << 32) | l, 64, &FP);
    }
    keys.zeroize();
    block
}

fn decode_char(b: u8) -> Option<u16> {
    CRYPT_ALPHABET
        .iter()
        .position(|&a| a == b)
        .and_then(|p| u16::try_from(p).ok())
}

/// A DES crypt hash: the two salt characters and the 11-character checksum.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct DesCryptHash {
    salt: [u8; 2],
    checksum: [u8; 11],
}

fn checksum(password: &[u8], salt: u16) -> [u8; 11] {
    // The password as a C string, first 8 bytes, each shifted left once.
    let mut key_bytes = [0u8; 8];
    for (k, &p) in key_bytes
        .iter_mut()
        .zip(password.iter().take_while(|&&b| b != 0))
    {
        *k = p << 1;
    }
    let mut key = u64::from_be_bytes(key_bytes);
    key_bytes.zeroize();
    let out = des_crypt_raw(key, salt);
    key.zeroize();
    // 64 bits + 2 zero bits, 6 at a time, most significant first.
    let bits = u128::from(out) << 2;
    core::array::from_fn(|i| CRYPT_ALPHABET[((bits >> (60 - 6 * i)) & 0x3f) as usize])
}

impl DesCryptHash {
    /// Hashes `password` with the 12-bit `salt` (higher bits ignored).
    #[must_use]
    pub fn new(password: &[u8], salt: u16) -> Self {
        let salt = salt & 0x0fff;
        Self {
            salt: [
                CRYPT_ALPHABET[usize::from(salt & 0x3f)],
                CRYPT_ALPHABET[usize::from(salt >> 6)],
            ],
            checksum: checksum(password, salt),
        }
    }

    /// Parses 13 characters of the crypt alphabet.
    ///
    /// # Errors
    /// [`HashParseError`] for another length or a character outside `./0-9A-Za-z`.
    pub fn parse(stored: &[u8]) -> Result<Self, HashParseError> {
        let scheme = Scheme::DesCrypt;
        let stored: &[u8; 13] = stored.try_into().map_err(|_| HashParseError::Length {
            scheme,
            part: "hash",
            len: stored.len(),
        })?;
        if let Some(index) = stored.iter().position(|&b| decode_char(b).is_none()) {
            return Err(HashParseError::InvalidChar { scheme, index });
        }
        let mut salt = [0u8; 2];
        salt.copy_from_slice(&stored[..2]);
        let mut checksum = [0u8; 11];
        checksum.copy_from_slice(&stored[2..]);
        Ok(Self { salt, checksum })
    }

    fn salt_value(&self) -> u16 {
        let v = |b| decode_char(b).unwrap_or(0);
        v(self.salt[0]) | (v(self.salt[1]) << 6)
    }

    /// Checks `password`; the checksums are compared in constant time (a non-canonical last
    /// character never matches, as with `crypt()`).
    #[must_use]
    pub fn verify(&self, password: &[u8]) -> bool {
        checksum(password, self.salt_value())
            .ct_eq(&self.checksum)
            .into()
    }

    /// The hash string (13 bytes).
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.salt.to_vec();
        out.extend_from_slice(&self.checksum);
        out
    }
}

/// Generates a hash with a random 12-bit salt; also returns whether the password was longer
/// than the 8 bytes DES crypt uses (what Apache `htpasswd -d` warns about).
///
/// # Errors
/// [`GenerateError::Random`] when the OS CSPRNG fails.
pub fn generate(password: &[u8]) -> Result<(DesCryptHash, bool), GenerateError> {
    let [a, b] = random_bytes::<2>()?;
    let salt = u16::from_le_bytes([a, b]) & 0x0fff;
    let used = password.iter().take_while(|&&b| b != 0).count();
    Ok((DesCryptHash::new(password, salt), used > MAX_PASSWORD_LEN))
}

impl fmt::Display for DesCryptHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.to_bytes()))
    }
}

impl fmt::Debug for DesCryptHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DesCryptHash({self})")
    }
}
