//! md5-crypt known-answer vectors.
//!
//! Sources, named per vector:
//! - `DESIGN.md`: the vectors in ../shared/DESIGN.md (APR documentation and OpenSSL).
//! - `openssl`: `openssl passwd -apr1|-1 -salt SALT -stdin` (OpenSSL 3.0.19, Debian 12), the
//!   password fed without a newline (an argument for the empty password).
//! - `passlib`: Python passlib 1.7.4 `apr_md5_crypt` / `md5_crypt` `.using(salt=SALT).hash(pw)`;
//!   used alone for the 1000-byte password, which OpenSSL's front end truncates to 256.
//! - `openssl+passlib`: both agree.

use htpasswd_core::crypt::md5_crypt::{self, Md5CryptHash, Md5Variant, Salt};
use htpasswd_core::crypt::{Md5ParseError, SaltError};

/// A test password: bytes given literally, or `Pattern(n)`: `n` bytes cycling over
/// `0-9a-z` (the generator script used the same rule).
enum Pw {
    Bytes(&'static [u8]),
    Pattern(usize),
}

impl Pw {
    fn bytes(&self) -> Vec<u8> {
        const CYCLE: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
        match self {
            Pw::Bytes(b) => b.to_vec(),
            Pw::Pattern(n) => (0..*n).map(|i| CYCLE[i % 36]).collect(),
        }
    }
}

struct Vector {
    password: Pw,
    salt: &'static [u8],
    variant: Md5Variant,
    hash: &'static str,
    source: &'static str,
}

#[rustfmt::skip]
const VECTORS: &[Vector] = &[
    Vector { password: Pw::Bytes(b"myPassword"), salt: b"r31.....", variant: Md5Variant::Apr1, hash: "$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/", source: "DESIGN.md" },
    Vector { password: Pw::Bytes(b"password"), salt: b"abcdefgh", variant: Md5Variant::Apr1, hash: "$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1", source: "DESIGN.md" },
    Vector { password: Pw::Bytes(b""), salt: b"abcdefgh", variant: Md5Variant::Apr1, hash: "$apr1$abcdefgh$L.PT565ESX4Tp2bqNs7Ie.", source: "DESIGN.md" },
    Vector { password: Pw::Bytes(b"\xff\xfe\x80zz\xc3"), salt: b"abcdefgh", variant: Md5Variant::Apr1, hash: "$apr1$abcdefgh$1VW1fKFzi3X/kA7dWu25o0", source: "openssl+passlib" },
    Vector { password: Pw::Bytes(b"\xff\xfe\x80zz\xc3"), salt: b"abcdefgh", variant: Md5Variant::Md5Crypt, hash: "$1$abcdefgh$DligS2hEQylYUg54UGnDZ.", source: "openssl+passlib" },
    Vector { password: Pw::Pattern(0), salt: b"abcdefgh", variant: Md5Variant::Apr1, hash: "$apr1$abcdefgh$L.PT565ESX4Tp2bqNs7Ie.", source: "openssl+passlib" },
    Vector { password: Pw::Pattern(0), salt: b"abcdefgh", variant: Md5Variant::Md5Crypt, hash: "$1$abcdefgh$M55TzYaaccxVGbptZWaxX/", source: "openssl+passlib" },
    Vector { password: Pw::Pattern(1), salt: b"abcdefgh", variant: Md5Variant::Apr1, hash: "$apr1$abcdefgh$kFF4fHVn9DTvY2rdMaK3N0", source: "openssl+passlib" },
    Vector { password: Pw::Pattern(1), salt: b"abcdefgh", variant: Md5Variant::Md5Crypt, hash: "$1$abcdefgh$i6t2pZILc/4NjSevPbLTR.", source: "openssl+passlib" },
    Vector { password: Pw::Pattern(15), salt: b"abcdefgh", variant: Md5Variant::Apr1, hash: "$apr1$abcdefgh$QlGd2GsJv61KgG4oQJeli/", source: "openssl+passlib" },
    Vector { password: Pw::Pattern(15), salt: b"abcdefgh", variant: Md5Variant::Md5Crypt, hash: "$1$abcdefgh$yhnC21QMg1jTXbTcBR9xc1", source: "openssl+passlib" },
    Vector { password: Pw::Pattern(16), salt: b"abcdefgh", variant: Md5Variant::Apr1, hash: "$apr1$abcdefgh$sxHfOFLANAYXeGF./FBFh.", source: "openssl+passlib" },
    Vector { password: Pw::Pattern(16), salt: b"abcdefgh", variant: Md5Variant::Md5Crypt, hash: "$1$abcdefgh$gPRp0h8EPmQj1W00e5aoH1", source: "openssl+passlib" },
    Vector { password: Pw::Pattern(17), salt: b"abcdefgh", variant: Md5Variant::Apr1, hash: "$apr1$abcdefgh$1EmOoQBtUQ/xoE6y2eLUr/", source: "openssl+passlib" },
    Vector { password: Pw::Pattern(17), salt: b"abcdefgh", variant: Md5Variant::Md5Crypt, hash: "$1$abcdefgh$8W/eLPSTgqwvjSZn5EHek1", source: "openssl+passlib" },
    Vector { password: Pw::Pattern(55), salt: b"abcdefgh", variant: Md5Variant::Apr1, hash: "$apr1$abcdefgh$8GcX2DEfNCbU2u0df7Tf4.", source: "openssl+passlib" },
    Vector { password: Pw::Pattern(55), salt: b"abcdefgh", variant: Md5Variant::Md5Crypt, hash: "$1$abcdefgh$8KNzN3lTS2AdP4.tdSp76/", source: "openssl+passlib" },
    Vector { password: Pw::Pattern(56), salt: b"abcdefgh", variant: Md5Variant::Apr1, hash: "$apr1$abcdefgh$wlguGlpfciIPxFVlh4xKi.", source: "openssl+passlib" },
    Vector { password: Pw::Pattern(56), salt: b"abcdefgh", variant: Md5Variant::Md5Crypt, hash: "$1$abcdefgh$iQfBrjyvclBjva.a40CYl.", source: "openssl+passlib" },
    Vector { password: Pw::Pattern(63), salt: b"abcdefgh", variant: Md5Variant::Apr1, hash: "$apr1$abcdefgh$N40fJWyebcPZpO3lsVbHl/", source: "openssl+passlib" },
    Vector { password: Pw::Pattern(63), salt: b"abcdefgh", variant: Md5Variant::Md5Crypt, hash: "$1$abcdefgh$ewm2d9duTTAr3ZgObYPjq0", source: "openssl+passlib" },
    Vector { password: Pw::Pattern(64), salt: b"abcdefgh", variant: Md5Variant::Apr1, hash: "$apr1$abcdefgh$pZJGwhBxpR7MKANWX7w1w/", source: "openssl+passlib" },
    Vector { password: Pw::Pattern(64), salt: b"abcdefgh", variant: Md5Variant::Md5Crypt, hash: "$1$abcdefgh$PZQhZx7ALGxZnpOcKsitJ1", source: "openssl+passlib" },
    Vector { password: Pw::Pattern(65), salt: b"abcdefgh", variant: Md5Variant::Apr1, hash: "$apr1$abcdefgh$ahQk8vBZfFPW3tE71OFJa.", source: "openssl+passlib" },
    Vector { password: Pw::Pattern(65), salt: b"abcdefgh", variant: Md5Variant::Md5Crypt, hash: "$1$abcdefgh$X92rv7ge4cunvdj0K6eZr1", source: "openssl+passlib" },
    Vector { password: Pw::Pattern(111), salt: b"abcdefgh", variant: Md5Variant::Apr1, hash: "$apr1$abcdefgh$XADpo7U3WISC2Rm2KLXdG.", source: "openssl+passlib" },
    Vector { password: Pw::Pattern(111), salt: b"abcdefgh", variant: Md5Variant::Md5Crypt, hash: "$1$abcdefgh$nCfsPtPZ7IDCWcHs6kXok.", source: "openssl+passlib" },
    Vector { password: Pw::Pattern(112), salt: b"abcdefgh", variant: Md5Variant::Apr1, hash: "$apr1$abcdefgh$Yrtd8YV8PPHNBsS9SEeec1", source: "openssl+passlib" },
    Vector { password: Pw::Pattern(112), salt: b"abcdefgh", variant: Md5Variant::Md5Crypt, hash: "$1$abcdefgh$5Dti10ZgI2jTVGasTdRY40", source: "openssl+passlib" },
    Vector { password: Pw::Pattern(127), salt: b"abcdefgh", variant: Md5Variant::Apr1, hash: "$apr1$abcdefgh$xJ04CJHLh58bLaKMHJxVn0", source: "openssl+passlib" },
    Vector { password: Pw::Pattern(127), salt: b"abcdefgh", variant: Md5Variant::Md5Crypt, hash: "$1$abcdefgh$o0d0Uc4Il/I890gEnCGEn/", source: "openssl+passlib" },
    Vector { password: Pw::Pattern(128), salt: b"abcdefgh", variant: Md5Variant::Apr1, hash: "$apr1$abcdefgh$MUDNZuT12RUg3dJ83jKqc0", source: "openssl+passlib" },
    Vector { password: Pw::Pattern(128), salt: b"abcdefgh", variant: Md5Variant::Md5Crypt, hash: "$1$abcdefgh$Flc3RitTbcwQZQbGUS.kh0", source: "openssl+passlib" },
    Vector { password: Pw::Pattern(255), salt: b"abcdefgh", variant: Md5Variant::Apr1, hash: "$apr1$abcdefgh$fkbR9IS4Nh10ul5VHyjaq.", source: "openssl+passlib" },
    Vector { password: Pw::Pattern(255), salt: b"abcdefgh", variant: Md5Variant::Md5Crypt, hash: "$1$abcdefgh$4dnnZMQjxmtzOJeMHn3aa.", source: "openssl+passlib" },
    Vector { password: Pw::Pattern(256), salt: b"abcdefgh", variant: Md5Variant::Apr1, hash: "$apr1$abcdefgh$x.9gB8KV9OiF/6Pjdf.Aw1", source: "openssl+passlib" },
    Vector { password: Pw::Pattern(256), salt: b"abcdefgh", variant: Md5Variant::Md5Crypt, hash: "$1$abcdefgh$UcxbOalSGWjUti229tHnd0", source: "openssl+passlib" },
    Vector { password: Pw::Pattern(1000), salt: b"abcdefgh", variant: Md5Variant::Apr1, hash: "$apr1$abcdefgh$9eR6sUT7tD/rI1E1mNSwW0", source: "passlib" },
    Vector { password: Pw::Pattern(1000), salt: b"abcdefgh", variant: Md5Variant::Md5Crypt, hash: "$1$abcdefgh$QEnfAOAXNLKN0Pz90Jhc8/", source: "passlib" },
    Vector { password: Pw::Bytes("pässwörd €".as_bytes()), salt: b"Zx./9aQ1", variant: Md5Variant::Apr1, hash: "$apr1$Zx./9aQ1$zB92SIb7eDRjnE8oDXpoq.", source: "openssl+passlib" },
    Vector { password: Pw::Bytes("pässwörd €".as_bytes()), salt: b"Zx./9aQ1", variant: Md5Variant::Md5Crypt, hash: "$1$Zx./9aQ1$Sc3VrdySrzws8a6n65DEa/", source: "openssl+passlib" },
    Vector { password: Pw::Bytes(b"with space and\ttab"), salt: b"s p", variant: Md5Variant::Apr1, hash: "$apr1$s p$1aiRPxpEaEokIbeze6bS41", source: "openssl" },
    Vector { password: Pw::Bytes(b"with space and\ttab"), salt: b"s p", variant: Md5Variant::Md5Crypt, hash: "$1$s p$xuj8P8cbsHLkQS.m9NmcM/", source: "openssl" },
    Vector { password: Pw::Bytes(b"password"), salt: b"", variant: Md5Variant::Apr1, hash: "$apr1$$qjtLUZpoiD4RwXIYf4qVb0", source: "openssl+passlib" },
    Vector { password: Pw::Bytes(b"password"), salt: b"", variant: Md5Variant::Md5Crypt, hash: "$1$$I2o9Z7NcvQAKp7wyCTlia0", source: "openssl+passlib" },
    Vector { password: Pw::Bytes(b"password"), salt: b"a", variant: Md5Variant::Apr1, hash: "$apr1$a$uaXsIQMLByuJ96Y9RmVGM.", source: "openssl+passlib" },
    Vector { password: Pw::Bytes(b"password"), salt: b"a", variant: Md5Variant::Md5Crypt, hash: "$1$a$ST5kqD4oZxgiNWF1.mkWu1", source: "openssl+passlib" },
    Vector { password: Pw::Bytes(b"password"), salt: b"ab", variant: Md5Variant::Apr1, hash: "$apr1$ab$vZXhMKiOqO1yMl8FLQFrs0", source: "openssl+passlib" },
    Vector { password: Pw::Bytes(b"password"), salt: b"ab", variant: Md5Variant::Md5Crypt, hash: "$1$ab$oKsM6dtDD2L1bKowOBX.7.", source: "openssl+passlib" },
    Vector { password: Pw::Bytes(b"password"), salt: b"abc", variant: Md5Variant::Apr1, hash: "$apr1$abc$mehJE/UcwZsj.w5DYe.b5.", source: "openssl+passlib" },
    Vector { password: Pw::Bytes(b"password"), salt: b"abc", variant: Md5Variant::Md5Crypt, hash: "$1$abc$BXBqpb9BZcZhXLgbee.0s/", source: "openssl+passlib" },
    Vector { password: Pw::Bytes(b"password"), salt: b"abcd", variant: Md5Variant::Apr1, hash: "$apr1$abcd$vOB3WbpdYWRuiO5Ne74Jb1", source: "openssl+passlib" },
    Vector { password: Pw::Bytes(b"password"), salt: b"abcd", variant: Md5Variant::Md5Crypt, hash: "$1$abcd$ABOCfICGTWeBeG/njucVA1", source: "openssl+passlib" },
    Vector { password: Pw::Bytes(b"password"), salt: b"abcde", variant: Md5Variant::Apr1, hash: "$apr1$abcde$ucO1tj5sGEP5F2N5TE.3C0", source: "openssl+passlib" },
    Vector { password: Pw::Bytes(b"password"), salt: b"abcde", variant: Md5Variant::Md5Crypt, hash: "$1$abcde$O5ngOGU.0eXsXIfk6QB2B.", source: "openssl+passlib" },
    Vector { password: Pw::Bytes(b"password"), salt: b"abcdef", variant: Md5Variant::Apr1, hash: "$apr1$abcdef$fDiQzybJ8Dre/os609Lsf/", source: "openssl+passlib" },
    Vector { password: Pw::Bytes(b"password"), salt: b"abcdef", variant: Md5Variant::Md5Crypt, hash: "$1$abcdef$Yk/7oKUpV9TkguDFFUC05.", source: "openssl+passlib" },
    Vector { password: Pw::Bytes(b"password"), salt: b"abcdefg", variant: Md5Variant::Apr1, hash: "$apr1$abcdefg$GyE83LDpmJBQlMVzg8udv/", source: "openssl+passlib" },
    Vector { password: Pw::Bytes(b"password"), salt: b"abcdefg", variant: Md5Variant::Md5Crypt, hash: "$1$abcdefg$Qp6zr7K0tHxV79N9cCLSc1", source: "openssl+passlib" },
    Vector { password: Pw::Bytes(b"password"), salt: b"abcdefgh", variant: Md5Variant::Apr1, hash: "$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1", source: "openssl+passlib" },
    Vector { password: Pw::Bytes(b"password"), salt: b"abcdefgh", variant: Md5Variant::Md5Crypt, hash: "$1$abcdefgh$G//4keteveJp0qb8z2DxG/", source: "openssl+passlib" },
];

#[test]
fn known_answers_hash() {
    for v in VECTORS {
        let salt = Salt::new(v.salt).unwrap();
        let got = Md5CryptHash::new(v.variant, &v.password.bytes(), salt);
        assert_eq!(got.to_string(), v.hash, "vector from {}", v.source);
        assert_eq!(got.to_bytes(), v.hash.as_bytes());
    }
}

#[test]
fn known_answers_parse_and_verify() {
    for v in VECTORS {
        let parsed = Md5CryptHash::parse(v.hash.as_bytes()).unwrap();
        assert_eq!(parsed.variant(), v.variant);
        assert_eq!(parsed.salt().as_bytes(), v.salt);
        assert!(
            parsed.verify(&v.password.bytes()),
            "{} ({})",
            v.hash,
            v.source
        );
        let mut wrong = v.password.bytes();
        wrong.push(b'x');
        assert!(
            !parsed.verify(&wrong),
            "{} accepted a wrong password",
            v.hash
        );
        assert_eq!(
            md5_crypt::verify(&v.password.bytes(), v.hash.as_bytes()),
            Ok(true)
        );
    }
}

#[test]
fn every_edge_length_is_covered() {
    for len in [0, 1, 15, 16, 17, 55, 56, 63, 64, 65, 127, 128, 255, 1000] {
        for variant in [Md5Variant::Apr1, Md5Variant::Md5Crypt] {
            assert!(
                VECTORS
                    .iter()
                    .any(|v| v.password.bytes().len() == len && v.variant == variant),
                "no {variant:?} vector of length {len}"
            );
        }
    }
    for salt_len in 0..=8 {
        assert!(VECTORS.iter().any(|v| v.salt.len() == salt_len));
    }
}

/// OpenSSL and APR cut a longer salt to its first 8 bytes:
/// `openssl passwd -apr1 -salt abcdefghij password` prints the `abcdefgh` hash.
#[test]
fn salt_longer_than_8_is_cut_like_openssl() {
    let salt = Salt::from_setting(b"abcdefghij").unwrap();
    assert_eq!(salt.as_bytes(), b"abcdefgh");
    let hash = Md5CryptHash::new(Md5Variant::Apr1, b"password", salt);
    assert_eq!(hash.to_string(), "$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1");
    assert_eq!(
        Md5CryptHash::new(
            Md5Variant::Md5Crypt,
            b"password",
            Salt::from_setting(b"abcdefghijkl").unwrap()
        )
        .to_string(),
        "$1$abcdefgh$G//4keteveJp0qb8z2DxG/"
    );
    // The strict constructor refuses instead.
    assert_eq!(
        Salt::new(b"abcdefghij"),
        Err(SaltError::TooLong { len: 10 })
    );
}

/// APR takes a whole stored hash as the setting: magic skipped, salt up to the next `$`.
#[test]
fn salt_from_setting_reads_like_apr() {
    let from_hash = Salt::from_setting(b"$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/").unwrap();
    assert_eq!(from_hash.as_bytes(), b"r31.....");
    assert_eq!(Salt::from_setting(b"$1$ab$rest").unwrap().as_bytes(), b"ab");
    assert_eq!(Salt::from_setting(b"ab$cd").unwrap().as_bytes(), b"ab");
    assert_eq!(Salt::from_setting(b"").unwrap().as_bytes(), b"");
    assert_eq!(
        Salt::from_setting(b"a\0b"),
        Err(SaltError::Nul { index: 1 })
    );
    assert_eq!(Salt::new(b"ab$cd"), Err(SaltError::Dollar { index: 2 }));
}

/// Every way a stored hash can be malformed has its own error, and none panics.
#[test]
fn malformed_hashes_have_typed_errors() {
    let cases: &[(&[u8], Md5ParseError)] = &[
        (b"", Md5ParseError::UnknownPrefix),
        (b"$apr", Md5ParseError::UnknownPrefix),
        (b"$2y$05$abc", Md5ParseError::UnknownPrefix),
        (
            b" $apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1",
            Md5ParseError::UnknownPrefix,
        ),
        (b"$apr1$", Md5ParseError::MissingSaltTerminator),
        (b"$apr1$abcdefgh", Md5ParseError::MissingSaltTerminator),
        (
            b"$apr1$abcdefghi$FBwExRW4dCc8aL.OvjpIE1",
            Md5ParseError::SaltTooLong { len: 9 },
        ),
        (b"$1$a\0$FBwExRW4dCc8aL.OvjpIE1", Md5ParseError::NulInSalt),
        (b"$apr1$abcdefgh$", Md5ParseError::ChecksumLength { len: 0 }),
        (
            b"$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE",
            Md5ParseError::ChecksumLength { len: 21 },
        ),
        (
            b"$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1\n",
            Md5ParseError::ChecksumLength { len: 23 },
        ),
        (
            b"$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1$",
            Md5ParseError::ChecksumLength { len: 23 },
        ),
        (
            b"$apr1$abcdefgh$FBwExRW4dCc8aL-OvjpIE1",
            Md5ParseError::InvalidChecksumChar { index: 29 },
        ),
        (
            b"$1$ab$\xffBwExRW4dCc8aL.OvjpIE1",
            Md5ParseError::InvalidChecksumChar { index: 6 },
        ),
        (
            b"$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIEz",
            Md5ParseError::NonCanonicalChecksum,
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(
            Md5CryptHash::parse(input),
            Err(*expected),
            "input {:?}",
            String::from_utf8_lossy(input)
        );
        assert!(md5_crypt::verify(b"password", input).is_err());
        // The message names the defect and never echoes a password.
        let message = expected.to_string();
        assert!(message.starts_with("md5-crypt"), "{message}");
        assert!(!message.ends_with('.'), "{message}");
    }
}

#[test]
fn empty_salt_and_display_round_trip() {
    let stored = "$1$$I2o9Z7NcvQAKp7wyCTlia0";
    let parsed: Md5CryptHash = stored.parse().unwrap();
    assert_eq!(parsed.salt().as_bytes(), b"");
    assert_eq!(parsed.to_string(), stored);
    assert_eq!(format!("{parsed:?}"), format!("Md5CryptHash({stored})"));
    assert!(parsed.verify(b"password"));
}
