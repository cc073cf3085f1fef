//! The htpasswd lint: per-entry scheme, weakness and targets; file-wide findings.

use htpasswd_core::crypt::{BcryptVersion, Scheme, Target};
use htpasswd_core::htpasswd::{Finding, HtpasswdFile, Weakness, lint};

const FILE: &[u8] = b"\xEF\xBB\xBF# team\r\n\
apr:$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/\r\n\
bc:$2y$05$yR1cJJE11f97dkuXNcbzxObEYjl8Yj.7deJZz9izCvGTw4Mye3sMS\n\
sha:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n\
des:XzxaQei6hAl2U\n\
plain:Hunter2\n\
yes:$gy$j9T$RxAtc5LnjpB1A.2vPPiyX1$IyRN8ArUFMK0zVw9MeqkhoxahzTGB/6RTQktVORhkl9\n\
no colon\n\
\x20\x20apr:$6$salt$x\n\
trail :$5$salt$x\n";

#[test]
fn entries_get_scheme_weakness_and_targets() {
    let file = HtpasswdFile::parse(FILE);
    let report = lint(&file);
    let got: Vec<(usize, &[u8], Scheme, Option<Weakness>)> = report
        .entries
        .iter()
        .map(|e| (e.line, e.user, e.scheme, e.weakness))
        .collect();
    assert_eq!(
        got,
        [
            (2, &b"apr"[..], Scheme::Apr1, Some(Weakness::LegacyMd5)),
            (3, b"bc", Scheme::Bcrypt(BcryptVersion::V2y), None),
            (4, b"sha", Scheme::Sha1, Some(Weakness::UnsaltedSha1)),
            (5, b"des", Scheme::DesCrypt, Some(Weakness::DesCrypt)),
            (6, b"plain", Scheme::Plaintext, Some(Weakness::Plaintext)),
            (7, b"yes", Scheme::Unknown, None),
            (9, b"apr", Scheme::Sha512Crypt, None),
            (10, b"trail ", Scheme::Sha256Crypt, None),
        ]
    );
    for e in &report.entries {
        let want: Vec<Target> = Target::ALL
            .into_iter()
            .filter(|t| t.supports(e.scheme))
            .collect();
        assert_eq!(e.targets, want, "line {}", e.line);
    }
    // Spot checks against the table in DESIGN.md.
    assert_eq!(
        report.entries[3].targets,
        [
            Target::ApacheHttpd,
            Target::NginxGlibc,
            Target::NginxLibxcrypt,
            Target::IngressNginx,
            Target::NginxIncIngress,
            Target::Agentgateway,
            Target::NginxGatewayFabric
        ]
    );
    assert!(report.entries[2].targets.contains(&Target::EnvoyGateway));
    assert!(!report.entries[0].targets.contains(&Target::HaproxyIngress));
    assert!(report.entries[5].targets.is_empty());
    // yescrypt: nginx on libxcrypt only.
    let shadow = HtpasswdFile::parse(
        b"y:$y$j9T$F5Jx5fExrKuPp53xLKQ..1$GmcwIgvdUC9qLWcKCi6gklUa1dM3ziD43YxYNURLKy0\n",
    );
    let shadow = lint(&shadow);
    assert_eq!(shadow.entries[0].scheme, Scheme::Yescrypt);
    assert_eq!(shadow.entries[0].targets, [Target::NginxLibxcrypt]);
    assert_eq!(shadow.entries[0].weakness, None);
    let not_envoy: Vec<usize> = report
        .unsupported_by(Target::EnvoyGateway)
        .map(|e| e.line)
        .collect();
    assert_eq!(not_envoy, [2, 3, 5, 6, 7, 9, 10]);
}

#[test]
fn file_wide_findings_are_reported_in_order() {
    let file = HtpasswdFile::parse(FILE);
    let findings = lint(&file).findings;
    let kinds: Vec<String> = findings
        .iter()
        .map(|f| match f {
            Finding::Bom => "bom".into(),
            Finding::CrLf { lines } => format!("crlf {lines:?}"),
            Finding::InvalidLine { line } => format!("invalid {line}"),
            Finding::Duplicate { user, lines } => {
                format!("dup {} {lines:?}", String::from_utf8_lossy(user))
            }
            Finding::LongLine { line, len } => format!("long {line} {len}"),
            Finding::Whitespace { line } => format!("ws {line}"),
            Finding::WeakScheme { line, scheme, .. } => format!("weak {line} {}", scheme.name()),
            Finding::NoTarget { line, scheme } => format!("none {line} {}", scheme.name()),
            Finding::DesLookalike { line } => format!("des? {line}"),
            Finding::Malformed { line, scheme, .. } => format!("bad {line} {}", scheme.name()),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "bom",
            "crlf [1, 2]",
            "weak 2 apr1",
            "weak 4 sha1",
            "weak 5 des-crypt",
            "des? 5",
            "weak 6 plaintext",
            "none 6 plaintext",
            "none 7 unknown",
            "invalid 8",
            "ws 9",
            "bad 9 sha512-crypt",
            "ws 10",
            "bad 10 sha256-crypt",
            "dup apr [2, 9]",
        ]
    );
    // Messages never quote a hash field (a plaintext one is the password).
    for f in &findings {
        let msg = f.to_string();
        assert!(!msg.contains("Hunter2"), "{msg}");
        assert!(
            msg.chars().next().unwrap().is_lowercase() && !msg.ends_with('.'),
            "{msg}"
        );
    }
    assert_eq!(
        findings[2].to_string(),
        "line 2 uses apr1: MD5-crypt is a legacy scheme, fast to brute-force on GPUs"
    );
}

#[test]
fn long_lines_are_flagged_past_apaches_read_buffer() {
    let mut bytes = b"u:".to_vec();
    bytes.extend(std::iter::repeat_n(b'a', 252)); // 254 bytes: read whole
    bytes.extend_from_slice(b"\nv:");
    bytes.extend(std::iter::repeat_n(b'a', 253)); // 255 bytes: split by Apache
    bytes.push(b'\n');
    let file = HtpasswdFile::parse(&bytes);
    let long: Vec<_> = lint(&file)
        .findings
        .into_iter()
        .filter(|f| matches!(f, Finding::LongLine { .. }))
        .collect();
    assert_eq!(long, [Finding::LongLine { line: 2, len: 255 }]);
}

#[test]
fn clean_modern_file_has_no_findings() {
    let file = HtpasswdFile::parse(
        b"# ok\nbc:$2y$05$yR1cJJE11f97dkuXNcbzxObEYjl8Yj.7deJZz9izCvGTw4Mye3sMS\n",
    );
    let report = lint(&file);
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    assert_eq!(report.entries.len(), 1);
}
