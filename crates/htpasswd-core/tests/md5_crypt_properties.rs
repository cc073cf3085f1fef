//! Round-trip properties of md5-crypt (proptest).

use htpasswd_core::crypt::md5_crypt::{Md5CryptHash, Md5Variant, Salt};
use proptest::prelude::*;

fn variant() -> impl Strategy<Value = Md5Variant> {
    prop_oneof![Just(Md5Variant::Apr1), Just(Md5Variant::Md5Crypt)]
}

/// Any 0..=8 bytes but `$` and NUL.
fn salt() -> impl Strategy<Value = Salt> {
    proptest::collection::vec(
        any::<u8>().prop_filter("no $ or NUL", |b| *b != b'$' && *b != 0),
        0..=8,
    )
    .prop_map(|bytes| Salt::new(&bytes).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn hash_verifies_its_password_and_no_other(
        variant in variant(),
        password in proptest::collection::vec(any::<u8>(), 0..200),
        other in proptest::collection::vec(any::<u8>(), 0..200),
        salt in salt(),
    ) {
        let hash = Md5CryptHash::new(variant, &password, salt);
        prop_assert!(hash.verify(&password));
        if other != password {
            prop_assert!(!hash.verify(&other));
        }
        // The encoded form parses back to the same value.
        let reparsed = Md5CryptHash::parse(&hash.to_bytes()).unwrap();
        prop_assert_eq!(&reparsed, &hash);
        prop_assert!(reparsed.verify(&password));
    }

    #[test]
    fn parse_never_panics_and_accepts_only_canonical_text(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        if let Ok(parsed) = Md5CryptHash::parse(&bytes) {
            prop_assert_eq!(parsed.to_bytes(), bytes);
        }
    }
}

#[test]
fn random_salts_are_fresh_and_from_the_crypt_alphabet() {
    let mut seen = std::collections::HashSet::new();
    for _ in 0..200 {
        let salt = Salt::random().unwrap();
        assert_eq!(salt.as_bytes().len(), 8);
        assert!(
            salt.as_bytes()
                .iter()
                .all(|c| c.is_ascii_alphanumeric() || *c == b'.' || *c == b'/')
        );
        assert!(seen.insert(salt), "salt repeated: {salt:?}");
    }
    let a = Md5CryptHash::generate(Md5Variant::Apr1, b"same").unwrap();
    let b = Md5CryptHash::generate(Md5Variant::Apr1, b"same").unwrap();
    assert_ne!(a, b, "two generated hashes of one password share a salt");
    assert!(a.verify(b"same") && b.verify(b"same"));
}

#[cfg(feature = "password-hash")]
#[test]
fn password_hash_traits_round_trip() {
    use htpasswd_core::crypt::md5_crypt::Md5Crypt;
    use password_hash::{Error, PasswordHasher, PasswordVerifier};

    for hasher in [Md5Crypt::APR1, Md5Crypt::MD5_CRYPT] {
        let hash = hasher
            .hash_password_with_salt(b"pw", &[7, 8, 9, 10, 11, 12])
            .unwrap();
        hasher.verify_password(b"pw", &hash).unwrap();
        assert_eq!(
            hasher.verify_password(b"pX", &hash),
            Err(Error::PasswordInvalid)
        );
        assert_eq!(
            hasher.hash_password_with_salt(b"pw", &[1, 2]),
            Err(Error::SaltInvalid)
        );
    }
    // Verification follows the hash's own id, and foreign ids are refused.
    Md5Crypt::MD5_CRYPT
        .verify_password(b"password", "$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1")
        .unwrap();
    assert_eq!(
        Md5Crypt::APR1.verify_password(b"password", "$5$abc$def"),
        Err(Error::Algorithm)
    );
}
