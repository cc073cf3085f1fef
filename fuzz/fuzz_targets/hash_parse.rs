//! Any bytes as a stored hash field of any scheme: classify + parse never panic, a parsed hash
//! re-encodes to the bytes it came from and keeps its classified scheme, and verify runs where
//! it is cheap (bcrypt cost <= 5, SHA-crypt rounds <= 5000, yescrypt <= 4 MiB, so the fuzzer
//! does not stall).
#![no_main]

use htpasswd_core::crypt::{Hash, Scheme};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let scheme = Scheme::classify(data);
    let Ok(hash) = Hash::parse(data) else {
        return;
    };
    assert_eq!(hash.scheme(), scheme, "parse and classify disagree");
    assert_eq!(
        hash.to_bytes(),
        data,
        "parse -> to_bytes is not the identity"
    );
    let cheap = match &hash {
        Hash::Bcrypt(h) => h.cost() <= 5,
        Hash::ShaCrypt(h) => h.rounds().is_none_or(|r| r <= 5000),
        Hash::Yescrypt(h) => h.memory_bytes() <= 4 << 20,
        _ => true,
    };
    if cheap {
        let _ = hash.verify(b"password");
        let _ = hash.verify(data);
    }
});
