//! Issue 19 item 12: hostile cost parameters are refused fast (bcrypt cost 31, SHA-crypt
//! `rounds=999999999`, yescrypt huge N), the ceiling can be lowered and raised, a check of a
//! too-costly entry still does the decoy's ordinary work and never matches, SHA-crypt passwords
//! are bounded as libxcrypt bounds them, and `lint` reports malformed, too-costly and
//! DES-lookalike entries.

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use htpasswd_core::crypt::sha_crypt::{self, ShaVariant};
use htpasswd_core::crypt::{
    BcryptVersion, CostLimits, GenerateError, Hash, HashParseError, Scheme, verify,
};
use htpasswd_core::htpasswd::{Finding, HtpasswdFile, Verdict, lint, lint_with_limits};
use htpasswd_core::{Authenticator, Decision};

/// `$2y$05$` hash of "pw" (crypt_blowfish).
const BCRYPT5: &str = "$2y$05$yR1cJJE11f97dkuXNcbzxObEYjl8Yj.7deJZz9izCvGTw4Mye3sMS";
/// `openssl passwd -apr1 -salt abcdefgh password`.
const APR1: &str = "$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1";

fn bcrypt_cost(cost: &str) -> String {
    BCRYPT5.replacen("$05$", &format!("${cost}$"), 1)
}

fn sha512_rounds(rounds: u32) -> String {
    format!("$6$rounds={rounds}$saltsalt${}", "a".repeat(85) + "0")
}

/// Well above a parse plus one apr1/decoy hash, far below one hostile check (35 h / 5 min).
const FAST: Duration = Duration::from_secs(5);

fn hostile() -> Vec<(String, Scheme)> {
    vec![
        (bcrypt_cost("31"), Scheme::Bcrypt(BcryptVersion::V2y)),
        (bcrypt_cost("18"), Scheme::Bcrypt(BcryptVersion::V2y)),
        (sha512_rounds(999_999_999), Scheme::Sha512Crypt),
        (
            format!("$5$rounds=10000001$salt${}", "a".repeat(43)),
            Scheme::Sha256Crypt,
        ),
    ]
}

#[test]
fn hostile_costs_are_refused_as_too_costly_without_hashing() {
    let start = Instant::now();
    for (field, scheme) in hostile() {
        let err = Hash::parse(field.as_bytes()).unwrap_err();
        let HashParseError::TooCostly {
            scheme: s,
            cost,
            max,
            ..
        } = err
        else {
            panic!("{field}: {err:?}");
        };
        assert_eq!(s, scheme);
        assert!(cost > max, "{field}");
        assert_eq!(verify(b"pw", field.as_bytes()), Err(err));
        let message = err.to_string();
        assert!(message.contains("too costly"), "{message}");
        assert!(
            message.contains(&format!("over the ceiling of {max}")),
            "{message}"
        );
    }
    assert!(start.elapsed() < FAST, "took {:?}", start.elapsed());
}

#[test]
fn the_default_ceilings_admit_what_the_tools_write() {
    let d = CostLimits::default();
    assert_eq!(d, CostLimits::DEFAULT);
    assert_eq!(d.bcrypt_cost(), 17, "Apache htpasswd -C allows 4..=17");
    assert_eq!(d.sha_crypt_rounds(), 10_000_000);
    assert_eq!(
        d.yescrypt_memory(),
        1 << 30,
        "libxcrypt's highest cost, jFT"
    );
    assert!(Hash::parse(bcrypt_cost("17").as_bytes()).is_ok());
    assert!(Hash::parse(sha512_rounds(10_000_000).as_bytes()).is_ok());
    assert!(Hash::parse(sha512_rounds(656_000).as_bytes()).is_ok());
    let jft = format!("$y$jFT$saltsalt${}", "a".repeat(43));
    assert!(Hash::parse(jft.as_bytes()).is_ok());
}

#[test]
fn yescrypt_huge_n_is_refused_and_the_memory_ceiling_lowers() {
    let start = Instant::now();
    // N = 2^(far over 1 GiB): refused by the parser itself whatever the limits.
    for params in ["jZT", "jGT", "jHT"] {
        let field = format!("$y${params}$saltsalt${}", "a".repeat(43));
        for limits in [CostLimits::DEFAULT, CostLimits::UNBOUNDED] {
            assert!(
                Hash::parse_with_limits(field.as_bytes(), &limits).is_err(),
                "{field}"
            );
        }
    }
    let jft = format!("$y$jFT$saltsalt${}", "a".repeat(43));
    let low = CostLimits::DEFAULT.with_yescrypt_memory(64 << 20);
    assert_eq!(
        Hash::parse_with_limits(jft.as_bytes(), &low),
        Err(HashParseError::TooCostly {
            scheme: Scheme::Yescrypt,
            what: "memory (bytes)",
            cost: 1 << 30,
            max: 64 << 20
        })
    );
    assert!(start.elapsed() < FAST);
}

#[test]
fn a_raised_ceiling_admits_and_a_lowered_one_refuses() {
    let cost31 = bcrypt_cost("31");
    let raised = CostLimits::DEFAULT.with_bcrypt_cost(31);
    assert!(Hash::parse_with_limits(cost31.as_bytes(), &raised).is_ok());
    assert!(Hash::parse_with_limits(cost31.as_bytes(), &CostLimits::UNBOUNDED).is_ok());
    let rounds = sha512_rounds(999_999_999);
    let raised = CostLimits::DEFAULT.with_sha_crypt_rounds(999_999_999);
    assert!(Hash::parse_with_limits(rounds.as_bytes(), &raised).is_ok());

    // A real check under a lowered ceiling: refused, then accepted once raised.
    let strict = CostLimits::DEFAULT.with_bcrypt_cost(4);
    let file = HtpasswdFile::parse(format!("alice:{BCRYPT5}\n").as_bytes());
    assert_eq!(
        file.check_with_limits(b"alice", b"pw", &strict),
        Verdict::Unusable {
            reason: HashParseError::TooCostly {
                scheme: Scheme::Bcrypt(BcryptVersion::V2y),
                what: "cost",
                cost: 5,
                max: 4
            }
        }
    );
    assert_eq!(
        file.check_with_limits(b"alice", b"pw", &CostLimits::DEFAULT),
        Verdict::Match
    );
    assert_eq!(file.check(b"alice", b"pw"), Verdict::Match);
    // SHA-crypt rounds lowered below the implicit 5000.
    let sha = sha_crypt::generate(ShaVariant::Sha256, b"pw", None).unwrap();
    let low = CostLimits::DEFAULT.with_sha_crypt_rounds(4999);
    assert!(matches!(
        Hash::parse_with_limits(&sha.to_bytes(), &low),
        Err(HashParseError::TooCostly {
            cost: 5000,
            max: 4999,
            ..
        })
    ));
}

#[test]
fn a_file_check_of_a_hostile_entry_is_unusable_fast_and_never_matches() {
    for (field, _) in hostile() {
        // A file of ordinary entries with one hostile line: the decoy is the file's apr1.
        let content = format!("alice:{APR1}\nmallory:{field}\nbob:{APR1}\n");
        let file = HtpasswdFile::parse(content.as_bytes());
        let start = Instant::now();
        let verdict = file.check(b"mallory", b"pw");
        assert!(
            matches!(
                verdict,
                Verdict::Unusable {
                    reason: HashParseError::TooCostly { .. }
                }
            ),
            "{field}: {verdict:?}"
        );
        assert_eq!(file.check(b"alice", b"password"), Verdict::Match);
        // Only hostile entries: the decoy is the empty file's apr1, never the hostile hash.
        let alone = HtpasswdFile::parse(format!("mallory:{field}\n").as_bytes());
        assert_eq!(alone.decoy().scheme(), Scheme::Apr1);
        assert!(matches!(
            alone.check(b"mallory", b"pw"),
            Verdict::Unusable { .. }
        ));
        assert_eq!(alone.check(b"nobody", b"pw"), Verdict::NoSuchUser);
        assert!(start.elapsed() < FAST, "{field}: {:?}", start.elapsed());
    }
}

#[test]
fn the_authenticator_denies_a_hostile_entry_fast_and_takes_limits() {
    let client = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 7));
    let content = format!(
        "alice:{BCRYPT5}\nmallory:{}\neve:{}\n",
        bcrypt_cost("31"),
        sha512_rounds(999_999_999)
    );
    let auth = Authenticator::builder()
        .bytes(content.clone().into_bytes())
        .build()
        .unwrap();
    let start = Instant::now();
    assert_eq!(auth.check(b"mallory", b"pw", client), Decision::Denied);
    assert_eq!(auth.check(b"eve", b"pw", client), Decision::Denied);
    assert!(start.elapsed() < FAST, "took {:?}", start.elapsed());
    assert!(matches!(
        auth.check(b"alice", b"pw", client),
        Decision::Allowed { .. }
    ));
    // Lowered through the builder: alice's cost 5 is now past the ceiling.
    let strict = Authenticator::builder()
        .bytes(content.into_bytes())
        .cost_limits(CostLimits::DEFAULT.with_bcrypt_cost(4))
        .build()
        .unwrap();
    assert_eq!(strict.check(b"alice", b"pw", client), Decision::Denied);
}

#[test]
fn sha_crypt_passwords_are_bounded_as_libxcrypt_bounds_them() {
    assert_eq!(sha_crypt::MAX_PASSWORD_LEN, 511);
    let long = vec![b'a'; 512];
    for variant in [ShaVariant::Sha256, ShaVariant::Sha512] {
        assert_eq!(
            sha_crypt::generate(variant, &long, None).unwrap_err(),
            GenerateError::PasswordOverCryptLimit { len: 512, max: 511 }
        );
        let ok = sha_crypt::generate(variant, &long[..511], None).unwrap();
        assert!(ok.verify(&long[..511]));
        // A longer password is never hashed and never matches, even one whose prefix does.
        assert!(!ok.verify(&long));
        let start = Instant::now();
        assert!(!ok.verify(&vec![b'a'; 16 << 20]));
        assert!(start.elapsed() < Duration::from_millis(500));
    }
    let message = GenerateError::PasswordOverCryptLimit { len: 512, max: 511 }.to_string();
    assert!(message.contains("511"), "{message}");
}

/// libxcrypt itself: `crypt()` of a 512-byte password fails for `$5$`/`$6$`, 511 bytes work.
#[test]
fn libxcrypt_refuses_512_byte_passwords() {
    let Some(python) =
        crate::support::reference_tool("python3", "libxcrypt_refuses_512_byte_passwords")
    else {
        return;
    };
    let script = r#"
import ctypes, sys
try:
    lib = ctypes.CDLL("libcrypt.so.1")
except OSError:
    print("SKIP"); sys.exit(0)
lib.crypt.restype = ctypes.c_char_p
lib.crypt.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
for salt in (b"$5$saltsalt", b"$6$saltsalt"):
    ok = lib.crypt(b"a" * 511, salt)
    bad = lib.crypt(b"a" * 512, salt)
    print(salt.decode(), ok is not None and ok.startswith(salt), bad is None or bad.startswith(b"*"))
"#;
    let out = std::process::Command::new(python)
        .args(["-c", script])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    if text.trim() == "SKIP" {
        eprintln!("SKIPPED libxcrypt_refuses_512_byte_passwords: no libcrypt.so.1");
        return;
    }
    assert_eq!(text, "$5$saltsalt True True\n$6$saltsalt True True\n");
}

fn findings_of(content: &str) -> Vec<Finding> {
    let file = HtpasswdFile::parse(content.as_bytes());
    lint(&file).findings
}

#[test]
fn lint_reports_malformed_hashes() {
    let cost99 = bcrypt_cost("99");
    let cases: [(String, Scheme, HashParseError); 4] = [
        (
            "$apr1$short".into(),
            Scheme::Apr1,
            HashParseError::Md5(htpasswd_core::crypt::Md5ParseError::MissingSaltTerminator),
        ),
        (
            cost99,
            Scheme::Bcrypt(BcryptVersion::V2y),
            HashParseError::BcryptCost,
        ),
        (
            "{SHA}notbase64".into(),
            Scheme::Sha1,
            HashParseError::Base64 {
                scheme: Scheme::Sha1,
            },
        ),
        (
            "$6$salt$tooshort".into(),
            Scheme::Sha512Crypt,
            HashParseError::Length {
                scheme: Scheme::Sha512Crypt,
                part: "checksum",
                len: 8,
            },
        ),
    ];
    for (field, scheme, reason) in cases {
        let findings = findings_of(&format!("ok:{APR1}\nuser:{field}\n"));
        let found = findings
            .iter()
            .find(|f| matches!(f, Finding::Malformed { .. }))
            .unwrap_or_else(|| panic!("{field}: {findings:?}"));
        assert_eq!(
            *found,
            Finding::Malformed {
                line: 2,
                scheme,
                reason
            },
            "{field}"
        );
        let message = found.to_string();
        assert!(message.starts_with("line 2 has a malformed"), "{message}");
        assert!(
            !message.contains(&field),
            "the field is never quoted: {message}"
        );
    }
}

#[test]
fn lint_reports_too_costly_entries_and_takes_limits() {
    let start = Instant::now();
    for (field, scheme) in hostile() {
        let findings = findings_of(&format!("user:{field}\n"));
        let costly: Vec<&Finding> = findings
            .iter()
            .filter(|f| matches!(f, Finding::TooCostly { .. }))
            .collect();
        assert_eq!(costly.len(), 1, "{field}: {findings:?}");
        let Finding::TooCostly {
            line,
            scheme: s,
            reason,
        } = costly[0]
        else {
            unreachable!()
        };
        assert_eq!((*line, *s), (1, scheme));
        assert!(matches!(reason, HashParseError::TooCostly { .. }));
        assert!(costly[0].to_string().contains("too costly"));
    }
    assert!(start.elapsed() < FAST);
    // Under raised ceilings the same entry is no finding.
    let file = HtpasswdFile::parse(format!("user:{}\n", bcrypt_cost("31")).as_bytes());
    let report = lint_with_limits(&file, &CostLimits::UNBOUNDED);
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

#[test]
fn lint_reports_13_characters_that_read_as_des() {
    let findings = findings_of(&format!("ok:{APR1}\nold:XzxaQei6hAl2U\nplain:short\n"));
    let des: Vec<&Finding> = findings
        .iter()
        .filter(|f| matches!(f, Finding::DesLookalike { .. }))
        .collect();
    assert_eq!(des, [&Finding::DesLookalike { line: 2 }]);
    assert_eq!(
        des[0].to_string(),
        "line 2 has 13 characters that read as DES crypt: if this is a plaintext password, no \
         server will accept it as such"
    );
    // A well-formed entry of a costed scheme within the ceiling is none of these findings.
    let clean = findings_of(&format!("a:{BCRYPT5}\n"));
    assert!(clean.is_empty(), "{clean:?}");
}
