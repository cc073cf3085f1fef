//! Benchmarks live in `benches/`; this library only holds shared inputs.

/// A password of `len` printable characters, deterministic.
#[must_use]
pub fn password(len: usize) -> Vec<u8> {
    (0..len).map(|i| b'!' + ((i * 7 + 3) % 94) as u8).collect()
}

/// Number of MD5 compressions one md5-crypt hash costs when every block of every round is
/// compressed: the sequential lower bound `benches/md5_crypt.rs` prints beside its figures.
/// `magic_len` is 6 for `$apr1$`, 3 for `$1$`.
///
/// Round `i` hashes the previous digest and the password, plus the salt unless `i % 3 == 0`
/// and the password again unless `i % 7 == 0` (APR's `apr_md5_encode`); set-up is two MD5s.
#[must_use]
pub fn md5_crypt_blocks(password_len: usize, salt_len: usize, magic_len: usize) -> usize {
    // MD5 blocks of a `len`-byte message: the 0x80 byte and 8 bytes of length follow it.
    let blocks = |len: usize| (len + 9).div_ceil(64);
    // Step 3 adds one byte per bit of the password length.
    let length_bits = (usize::BITS - password_len.leading_zeros()) as usize;
    let setup = blocks(2 * password_len + salt_len)
        + blocks(password_len + magic_len + salt_len + password_len + length_bits);
    let rounds: usize = (0..1000)
        .map(|i| {
            let mut len = 16 + password_len;
            if i % 3 != 0 {
                len += salt_len;
            }
            if i % 7 != 0 {
                len += password_len;
            }
            blocks(len)
        })
        .sum();
    setup + rounds
}

#[cfg(test)]
mod tests {
    use super::md5_crypt_blocks;

    #[test]
    fn block_count_matches_issue_figures() {
        // 12-character password, 8-character salt: 1 block per round + 2 of set-up.
        assert_eq!(md5_crypt_blocks(12, 8, 6), 1002);
        // 16 characters: 571 rounds need a second block.
        assert_eq!(md5_crypt_blocks(16, 8, 6), 1002 + 571);
    }
}
