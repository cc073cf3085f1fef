//! The crypt(3) base64 encoding of an md5-crypt digest: 22 characters from `./0-9A-Za-z`, low
//! bits first, over the digest bytes taken in the order 0,6,12 / 1,7,13 / 2,8,14 / 3,9,15 /
//! 4,10,5 / 11 (APR's `to64` calls).

/// The crypt(3) alphabet.
pub(crate) const ALPHABET: &[u8; 64] =
    b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Length of an encoded md5-crypt checksum.
pub(crate) const CHECKSUM_LEN: usize = 22;

/// Byte triples, most significant first, each encoded as four characters.
const GROUPS: [[usize; 3]; 5] = [[0, 6, 12], [1, 7, 13], [2, 8, 14], [3, 9, 15], [4, 10, 5]];

/// Encodes the 16 digest bytes as the 22-character checksum.
pub(crate) fn encode_checksum(digest: &[u8; 16]) -> [u8; CHECKSUM_LEN] {
    let mut out = [0u8; CHECKSUM_LEN];
    for (g, [a, b, c]) in GROUPS.iter().enumerate() {
        let v =
            (u32::from(digest[*a]) << 16) | (u32::from(digest[*b]) << 8) | u32::from(digest[*c]);
        for j in 0..4 {
            out[g * 4 + j] = ALPHABET[((v >> (6 * j)) & 0x3f) as usize];
        }
    }
    let v = u32::from(digest[11]);
    out[20] = ALPHABET[(v & 0x3f) as usize];
    out[21] = ALPHABET[(v >> 6) as usize];
    out
}

/// Why a checksum could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DecodeError {
    /// The byte at this index is not in the crypt alphabet.
    InvalidChar(usize),
    /// The last character carries bits that no digest can produce.
    NonCanonical,
}

/// Value of one crypt-base64 character.
pub(crate) fn char_value(c: u8) -> Option<u32> {
    let v = match c {
        b'.' => 0,
        b'/' => 1,
        b'0'..=b'9' => c - b'0' + 2,
        b'A'..=b'Z' => c - b'A' + 12,
        b'a'..=b'z' => c - b'a' + 38,
        _ => return None,
    };
    Some(u32::from(v))
}

/// Decodes a 22-character checksum back to the 16 digest bytes.
pub(crate) fn decode_checksum(text: &[u8; CHECKSUM_LEN]) -> Result<[u8; 16], DecodeError> {
    let mut values = [0u32; CHECKSUM_LEN];
    for (i, (&c, v)) in text.iter().zip(values.iter_mut()).enumerate() {
        *v = char_value(c).ok_or(DecodeError::InvalidChar(i))?;
    }
    let mut digest = [0u8; 16];
    for (g, [a, b, c]) in GROUPS.iter().enumerate() {
        let v = (0..4).fold(0u32, |acc, j| acc | (values[g * 4 + j] << (6 * j)));
        digest[*a] = (v >> 16) as u8;
        digest[*b] = (v >> 8) as u8;
        digest[*c] = v as u8;
    }
    let last = values[20] | (values[21] << 6);
    if last > 0xff {
        return Err(DecodeError::NonCanonical);
    }
    digest[11] = last as u8;
    Ok(digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_inverts_encode() {
        for seed in 0u8..=255 {
            let digest: [u8; 16] =
                core::array::from_fn(|i| seed.wrapping_mul(31).wrapping_add(i as u8 * 17));
            assert_eq!(decode_checksum(&encode_checksum(&digest)), Ok(digest));
        }
    }

    #[test]
    fn alphabet_values_round_trip() {
        for (i, &c) in ALPHABET.iter().enumerate() {
            assert_eq!(char_value(c), Some(i as u32));
        }
        assert_eq!(char_value(b'$'), None);
    }

    #[test]
    fn high_bits_in_last_char_are_rejected() {
        let mut text = encode_checksum(&[0u8; 16]);
        text[21] = b'2'; // value 4: bit 8 of the last byte
        assert_eq!(decode_checksum(&text), Err(DecodeError::NonCanonical));
    }
}
