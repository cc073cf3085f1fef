//! Arbitrary bytes as a stored hash (parse + verify) and as password/salt (hash + verify).
//! Never panics; whatever parses re-encodes to the same bytes; a hash verifies its password.
#![no_main]

use htpasswd_core::crypt::md5_crypt::{Md5CryptHash, Md5Variant, Salt};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // 1. The whole input as a stored hash.
    if let Ok(parsed) = Md5CryptHash::parse(data) {
        assert_eq!(
            parsed.to_bytes(),
            data,
            "parse -> encode is not the identity"
        );
        let _ = parsed.verify(b"password");
    }
    let _ = htpasswd_core::crypt::md5_crypt::verify(data, data);

    // 2. First byte: variant + salt length; then salt; the rest is the password.
    let Some((&control, rest)) = data.split_first() else {
        return;
    };
    let variant = if control & 1 == 0 {
        Md5Variant::Apr1
    } else {
        Md5Variant::Md5Crypt
    };
    let salt_len = usize::from(control >> 1).min(rest.len()).min(12);
    let (salt_text, password) = rest.split_at(salt_len);
    let _ = Salt::new(salt_text);
    if let Ok(salt) = Salt::from_setting(salt_text) {
        let hash = Md5CryptHash::new(variant, password, salt);
        let reparsed = Md5CryptHash::parse(&hash.to_bytes()).expect("own output parses");
        assert!(
            reparsed.verify(password),
            "hash does not verify its own password"
        );
    }
});
