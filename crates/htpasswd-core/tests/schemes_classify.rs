//! `Scheme::classify` and the target table.
//!
//! Vectors: hashes written by Apache `htpasswd` 2.4 (`-m -B -2 -5 -s -d -p`) and OpenSSL 3
//! (`passwd -1 -apr1 -5 -6`) on Debian 12; `{SSHA}`/`{PLAIN}` from the nginx documentation format;
//! `$y$` from libxcrypt `crypt()`.

use std::process::Command;

use htpasswd_core::crypt::{BcryptVersion, Scheme, Target};

use crate::support::reference_tool;

struct Case {
    field: &'static [u8],
    scheme: Scheme,
}

const CASES: &[Case] = &[
    Case { field: b"$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/", scheme: Scheme::Apr1 },
    Case { field: b"$1$abcdefgh$irWbblnpmw.5z7wgBnprh0", scheme: Scheme::Md5Crypt },
    Case {
        field: b"$2y$05$yR1cJJE11f97dkuXNcbzxObEYjl8Yj.7deJZz9izCvGTw4Mye3sMS",
        scheme: Scheme::Bcrypt(BcryptVersion::V2y),
    },
    Case {
        field: b"$2a$05$abcdefghijklmnopqrstuuHIrMEWpUCQe2YqFR3sXwQ75u4od..9q",
        scheme: Scheme::Bcrypt(BcryptVersion::V2a),
    },
    Case {
        field: b"$2b$05$abcdefghijklmnopqrstuuHIrMEWpUCQe2YqFR3sXwQ75u4od..9q",
        scheme: Scheme::Bcrypt(BcryptVersion::V2b),
    },
    Case {
        field: b"$2x$05$abcdefghijklmnopqrstuuHIrMEWpUCQe2YqFR3sXwQ75u4od..9q",
        scheme: Scheme::Bcrypt(BcryptVersion::V2x),
    },
    Case {
        field: b"$5$rounds=1000$SWPAWTQiKd36SJ5l$XywZg4xXiTE88FR4.HMu4OIj4yJEsVQhvY7zdqT.oA/",
        scheme: Scheme::Sha256Crypt,
    },
    Case {
        field: b"$6$B1pP7lJXSieVjlkN$/Pgfve2ns0/eqbSgpT3TTjQJoxtvOSLSlDGFmjqEweGm05ubrbIEovarcOH52XGnO0cLtyqjzl/fI9CIy21I6/",
        scheme: Scheme::Sha512Crypt,
    },
    Case { field: b"{SHA}GpHWL3ymc5liWkNopqtdSjuqYHM=", scheme: Scheme::Sha1 },
    Case { field: b"{SSHA}Zm9vYmFyYmF6cXV4cXV1eHNhbHQ=", scheme: Scheme::Ssha },
    Case { field: b"{PLAIN}secret", scheme: Scheme::Plain },
    Case { field: b"XzxaQei6hAl2U", scheme: Scheme::DesCrypt },
    Case { field: b"secret", scheme: Scheme::Plaintext },
    // 13 bytes but one outside the crypt alphabet: plaintext, not DES.
    Case { field: b"XzxaQei6hAl2-", scheme: Scheme::Plaintext },
    // DES-shaped with a trailing CR: not DES.
    Case { field: b"XzxaQei6hAl2U\r", scheme: Scheme::Plaintext },
    Case {
        field: b"$y$j9T$abcdefgh$UGYCVcUwcoG0k8SZZ.Uz3i0RYQNy1YmYj4I4poBPer2",
        scheme: Scheme::Yescrypt,
    },
    Case { field: b"$argon2i$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA", scheme: Scheme::Unknown },
    Case { field: b"$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA", scheme: Scheme::Argon2id },
    Case { field: b"$2$05$abc", scheme: Scheme::Unknown },
    Case { field: b"$gy$j9T$RxAtc5LnjpB1A.2vPPiyX1$IyRN8ArUFMK0zVw9MeqkhoxahzTGB/6RTQktVORhkl9", scheme: Scheme::Unknown },
    Case { field: b"$7$CU..../....FISh6lMCtRjlkcR.VDJsP.$.bqLTOHpWpJ0y0fP9v5lOrb0farkvLIp02ksjlN4xg0", scheme: Scheme::Unknown },
    Case { field: b"$y", scheme: Scheme::Unknown },
    Case { field: b"$apr", scheme: Scheme::Unknown },
    Case { field: b"{SSHA512}abc", scheme: Scheme::Unknown },
    Case { field: b"{sha}GpHWL3ymc5liWkNopqtdSjuqYHM=", scheme: Scheme::Unknown },
    Case { field: b"", scheme: Scheme::Unknown },
    Case { field: b"!", scheme: Scheme::Unknown },
    Case { field: b"*", scheme: Scheme::Unknown },
    Case { field: b"!$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/", scheme: Scheme::Unknown },
];

#[test]
fn classify_known_answers() {
    for case in CASES {
        assert_eq!(
            Scheme::classify(case.field),
            case.scheme,
            "{}",
            String::from_utf8_lossy(case.field)
        );
    }
}

#[test]
fn classify_never_panics_on_prefixes_of_every_case() {
    for case in CASES {
        for end in 0..=case.field.len() {
            let _ = Scheme::classify(&case.field[..end]);
        }
    }
}

#[test]
fn every_scheme_has_a_distinct_name_and_prefix() {
    let mut names: Vec<_> = Scheme::ALL.iter().map(|s| s.name()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), Scheme::ALL.len());
    for scheme in Scheme::ALL {
        if let Some(prefix) = scheme.prefix() {
            assert_eq!(Scheme::classify(prefix.as_bytes()), scheme, "{scheme}");
        }
    }
}

#[test]
fn unknown_and_plaintext_are_supported_by_no_target() {
    for target in Target::ALL {
        assert!(!Scheme::Unknown.supported_by(target), "{target}");
        assert!(!Scheme::Plaintext.supported_by(target), "{target}");
        assert!(
            Scheme::Sha1.supported_by(target)
                || matches!(
                    target,
                    Target::HaproxyIngress | Target::Caddy | Target::Kong
                )
        );
    }
    // Caddy 2.11+: bcrypt (as Go reads it) and argon2id; argon2id nowhere else.
    assert_eq!(
        Target::Caddy.supported_schemes().collect::<Vec<_>>(),
        [
            Scheme::Bcrypt(BcryptVersion::V2a),
            Scheme::Bcrypt(BcryptVersion::V2b),
            Scheme::Bcrypt(BcryptVersion::V2y),
            Scheme::Argon2id
        ]
    );
    assert_eq!(
        Scheme::Argon2id.supporting_targets().collect::<Vec<_>>(),
        [Target::Caddy]
    );
    assert_eq!(
        Target::EnvoyGateway.supported_schemes().collect::<Vec<_>>(),
        [Scheme::Sha1]
    );
    assert!(
        Scheme::Bcrypt(BcryptVersion::V2y)
            .supporting_targets()
            .all(|t| t != Target::NginxGlibc && t != Target::EnvoyGateway)
    );
}

/// Each `htpasswd` algorithm flag produces a hash we classify as that flag's scheme.
#[test]
fn classify_htpasswd_output() {
    let Some(htpasswd) = reference_tool("htpasswd", "classify_htpasswd_output") else {
        return;
    };
    let flags: &[(&str, Scheme)] = &[
        ("-m", Scheme::Apr1),
        ("-B", Scheme::Bcrypt(BcryptVersion::V2y)),
        ("-2", Scheme::Sha256Crypt),
        ("-5", Scheme::Sha512Crypt),
        ("-s", Scheme::Sha1),
        ("-d", Scheme::DesCrypt),
        ("-p", Scheme::Plaintext),
    ];
    for &(flag, scheme) in flags {
        let mut cmd = Command::new(&htpasswd);
        cmd.args(["-nb", flag]);
        if flag == "-B" {
            cmd.args(["-C", "4"]);
        }
        let out = cmd.args(["user", "pass word"]).output().unwrap();
        assert!(out.status.success(), "htpasswd {flag}: {out:?}");
        let line = out.stdout.split(|&b| b == b'\n').next().unwrap();
        let field = line.strip_prefix(b"user:").unwrap();
        assert_eq!(Scheme::classify(field), scheme, "htpasswd {flag}");
    }
}
