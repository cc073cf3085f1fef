//! The `Authorization: Basic` parser of tower-htpasswd: never panics, and whatever it accepts
//! re-encodes to a value it parses to the same credentials.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tower_htpasswd::basic::{challenge, parse_basic};

fuzz_target!(|data: &[u8]| {
    let max = 1 + usize::from(data.first().copied().unwrap_or(0)) * 64;
    if let Ok(c) = parse_basic(data, max) {
        assert!(!c.user().contains(&b':'));
        assert!(c.user().iter().all(|&b| b >= 0x20 && b != 0x7f));
        let mut raw = c.user().to_vec();
        raw.push(b':');
        raw.extend_from_slice(c.password());
        use base64ct::Encoding;
        let again = format!("Basic {}", base64ct::Base64::encode_string(&raw));
        let back = parse_basic(again.as_bytes(), usize::MAX).expect("re-encoded credentials parse");
        assert_eq!(back, c);
    }
    if let Ok(realm) = core::str::from_utf8(data) {
        let value = challenge(realm);
        assert!(value.starts_with("Basic realm=\"") && value.ends_with("\", charset=\"UTF-8\""));
        assert!(!value.chars().any(char::is_control));
    }
});
