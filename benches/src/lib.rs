//! Benchmarks live in `benches/`; this library only holds shared inputs.

/// A password of `len` printable characters, deterministic.
#[must_use]
pub fn password(len: usize) -> Vec<u8> {
    (0..len).map(|i| b'!' + ((i * 7 + 3) % 94) as u8).collect()
}
