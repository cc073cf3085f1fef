//! Differential tests of our bcrypt and SHA-crypt against libxcrypt's `crypt()` (Debian's
//! libcrypt1, reached through `perl`, whose `crypt` calls the C library's): random passwords
//! (any byte but NUL, which ends a C string; at most 511 bytes, libxcrypt's limit), random
//! salts, every bcrypt version and both SHA-crypt variants with and without `rounds=`.
//! Skipped loudly (or failed, where reference tools are required) without perl.

use std::process::Command;

use htpasswd_core::crypt::bcrypt::BcryptHash;
use htpasswd_core::crypt::sha_crypt::{ShaCryptHash, ShaVariant};
use htpasswd_test_support::run_with_stdin;

use crate::support::{Rng, reference_tool, seed};

const BCRYPT_ALPHABET: &[u8] = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const CRYPT_ALPHABET: &[u8] = b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `crypt(password, setting)` for every case, in one perl process.
fn libxcrypt(perl: &std::path::Path, cases: &[(Vec<u8>, Vec<u8>)]) -> Vec<Option<Vec<u8>>> {
    let script = r#"binmode STDIN; binmode STDOUT; $| = 1;
        while (my $l = <STDIN>) { chomp $l; my ($p, $s) = split /\t/, $l, 2;
          my $r = crypt(pack("H*", $p), pack("H*", $s));
          print defined $r ? unpack("H*", $r) : "-", "\n"; }"#;
    let mut input = String::new();
    for (pw, setting) in cases {
        input.push_str(&format!("{}\t{}\n", hex(pw), hex(setting)));
    }
    let out = run_with_stdin(Command::new(perl).args(["-e", script]), input.as_bytes());
    assert!(
        out.status.success(),
        "perl failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("hex output");
    let answers: Vec<Option<Vec<u8>>> = text
        .lines()
        .map(|l| {
            (l != "-").then(|| {
                (0..l.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&l[i..i + 2], 16).expect("hex"))
                    .collect()
            })
        })
        .collect();
    assert_eq!(answers.len(), cases.len(), "perl answered every case");
    answers
}

/// A random password: a length biased to the block and 72-byte edges, bytes 1..=255.
fn random_password(rng: &mut Rng) -> Vec<u8> {
    let len = match rng.below(3) {
        0 => *rng.pick(&[
            0usize, 1, 15, 16, 17, 55, 56, 63, 64, 65, 71, 72, 73, 127, 128,
        ]),
        1 => rng.below(100),
        _ => rng.below(512),
    };
    (0..len).map(|_| 1 + rng.below(255) as u8).collect()
}

#[test]
fn bcrypt_agrees_with_libxcrypt_on_random_inputs() {
    let test = "bcrypt_agrees_with_libxcrypt_on_random_inputs";
    let Some(perl) = reference_tool("perl", test) else {
        return;
    };
    let mut rng = Rng::new(seed(test));
    let mut cases = Vec::new();
    for _ in 0..120 {
        let version = *rng.pick(&["2a", "2b", "2x", "2y"]);
        let mut salt: Vec<u8> = (0..22).map(|_| *rng.pick(BCRYPT_ALPHABET)).collect();
        // The last salt character carries 2 bits: keep it canonical (low 4 bits zero).
        salt[21] = *rng.pick(b".Oeu");
        let setting = format!("${version}$04${}", String::from_utf8_lossy(&salt));
        cases.push((random_password(&mut rng), setting.into_bytes()));
    }
    let theirs = libxcrypt(&perl, &cases);
    for ((pw, setting), hash) in cases.iter().zip(theirs) {
        let setting = String::from_utf8_lossy(setting);
        let hash = hash.unwrap_or_else(|| panic!("libxcrypt refused {setting}"));
        let stored = BcryptHash::parse(&hash).expect("libxcrypt output parses");
        assert_eq!(stored.to_bytes(), hash, "{setting}: round trip");
        assert!(
            stored.verify(pw),
            "{setting}, {}-byte password: libxcrypt's hash does not verify with ours",
            pw.len()
        );
    }
    eprintln!("{test}: {} hashes identical to libxcrypt", cases.len());
}

#[test]
fn sha_crypt_agrees_with_libxcrypt_on_random_inputs() {
    let test = "sha_crypt_agrees_with_libxcrypt_on_random_inputs";
    let Some(perl) = reference_tool("perl", test) else {
        return;
    };
    let mut rng = Rng::new(seed(test));
    let mut cases = Vec::new();
    let mut params = Vec::new();
    for _ in 0..120 {
        let variant = *rng.pick(&[ShaVariant::Sha256, ShaVariant::Sha512]);
        let salt: Vec<u8> = (0..rng.below(21))
            .map(|_| *rng.pick(CRYPT_ALPHABET))
            .collect();
        let rounds = match rng.below(3) {
            0 => None,
            1 => Some(1000),
            _ => Some(1000 + rng.below(2000) as u32),
        };
        let mut setting = variant.prefix().to_string();
        if let Some(r) = rounds {
            setting.push_str(&format!("rounds={r}$"));
        }
        setting.push_str(&String::from_utf8_lossy(&salt));
        cases.push((random_password(&mut rng), setting.into_bytes()));
        params.push((variant, salt, rounds));
    }
    let theirs = libxcrypt(&perl, &cases);
    for (((pw, setting), (variant, salt, rounds)), hash) in cases.iter().zip(params).zip(theirs) {
        let setting = String::from_utf8_lossy(setting);
        let hash = hash.unwrap_or_else(|| panic!("libxcrypt refused {setting}"));
        let ours = ShaCryptHash::new(variant, pw, &salt, rounds).expect("rounds in range");
        assert_eq!(
            String::from_utf8_lossy(&ours.to_bytes()),
            String::from_utf8_lossy(&hash),
            "{setting}, {}-byte password",
            pw.len()
        );
    }
    eprintln!("{test}: {} hashes identical to libxcrypt", cases.len());
}
