//! Issue 20: yescrypt `$y$` and argon2id generated and verified, cross-checked both ways with
//! libxcrypt's `crypt()` (python ctypes) and argon2-cffi (the C reference implementation), and
//! their parameter ceilings tested with hostile lines.

use std::process::Command;
use std::time::{Duration, Instant};

use htpasswd_core::crypt::argon2id::{self, Argon2idHash, Argon2idParams};
use htpasswd_core::crypt::{
    CostLimits, GenerateError, Hash, HashParams, HashParseError, Scheme, generate, verify, yescrypt,
};

use crate::support::{reference_python_module, reference_tool};

/// Runs `script` with `args`; `None` (SKIPPED) when python3 or `module` is missing.
fn python(test: &str, module: Option<&str>, script: &str, args: &[&str]) -> Option<String> {
    let python = match module {
        Some(m) => reference_python_module(m, test)?,
        None => reference_tool("python3", test)?,
    };
    let out = Command::new(python)
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).unwrap())
}

const LIBXCRYPT: &str = r#"
import ctypes, sys
lib = ctypes.CDLL("libcrypt.so.1")
lib.crypt.restype = ctypes.c_char_p
lib.crypt.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
lib.crypt_gensalt.restype = ctypes.c_char_p
lib.crypt_gensalt.argtypes = [ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p, ctypes.c_int]
cmd = sys.argv[1]
if cmd == "gensalt":
    for cost in range(0, 13):
        s = lib.crypt_gensalt(b"$y$", cost, None, 0)
        print(cost, s.decode() if s else "NULL")
elif cmd == "crypt":
    for pw, setting in zip(sys.argv[2::2], sys.argv[3::2]):
        r = lib.crypt(bytes.fromhex(pw), setting.encode())
        print(r.decode() if r else "NULL")
elif cmd == "make":
    for pw, cost in zip(sys.argv[2::2], sys.argv[3::2]):
        setting = lib.crypt_gensalt(b"$y$", int(cost), None, 0)
        print(lib.crypt(bytes.fromhex(pw), setting).decode())
"#;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn yescrypt_costs_are_libxcrypts_gensalt_parameters() {
    let Some(out) = python("yescrypt_costs", None, LIBXCRYPT, &["gensalt"]) else {
        return;
    };
    let mut seen = 0;
    for line in out.lines() {
        let (cost, setting) = line.split_once(' ').unwrap();
        let cost: u32 = cost.parse().unwrap();
        match cost {
            // 0 is libxcrypt's "default", 5.
            0 => assert!(setting.starts_with(&format!(
                "$y${}$",
                yescrypt::params_for_cost(yescrypt::DEFAULT_COST).unwrap()
            ))),
            1..=11 => {
                let params = yescrypt::params_for_cost(cost).unwrap().to_string();
                assert!(
                    setting.starts_with(&format!("$y${params}$")),
                    "{cost}: {setting} vs {params}"
                );
                seen += 1;
            }
            _ => {
                assert_eq!(setting, "NULL", "libxcrypt refuses cost {cost}");
                assert_eq!(
                    yescrypt::params_for_cost(cost).unwrap_err(),
                    GenerateError::YescryptCost { cost }
                );
            }
        }
    }
    assert_eq!(seen, 11);
    assert!(yescrypt::params_for_cost(0).is_err());
}

#[test]
fn yescrypt_we_generate_verifies_with_libxcrypt_and_back() {
    let passwords: [&[u8]; 4] = [b"secret", b"", "pässwörd".as_bytes(), &[b'x'; 511]];
    let mut ours = Vec::new();
    let mut args = vec!["crypt".to_owned()];
    for (i, password) in passwords.iter().enumerate() {
        let cost = [1, 2, 3, 5][i];
        let made = generate(&HashParams::Yescrypt { cost }, password).unwrap();
        assert_eq!(made.scheme(), Scheme::Yescrypt);
        let text = String::from_utf8(made.as_bytes().to_vec()).unwrap();
        // libxcrypt's salt: 16 bytes, 22 characters.
        assert_eq!(text.split('$').nth(3).unwrap().len(), 22, "{text}");
        assert_eq!(verify(password, made.as_bytes()), Ok(true));
        assert_eq!(verify(b"wrong", made.as_bytes()), Ok(false));
        args.push(hex(password));
        args.push(text.clone());
        ours.push(text);
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let Some(out) = python("yescrypt_generate_libxcrypt", None, LIBXCRYPT, &refs) else {
        return;
    };
    assert_eq!(out.lines().collect::<Vec<_>>(), ours);

    // libxcrypt's own hashes at its default and lowest costs verify here.
    let mut args = vec!["make".to_owned()];
    for (password, cost) in [(&b"secret"[..], "0"), (b"other", "1")] {
        args.push(hex(password));
        args.push(cost.to_owned());
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = python("yescrypt_libxcrypt_made", None, LIBXCRYPT, &refs).unwrap();
    let made: Vec<&str> = out.lines().collect();
    assert_eq!(verify(b"secret", made[0].as_bytes()), Ok(true));
    assert_eq!(verify(b"other", made[1].as_bytes()), Ok(true));
    assert_eq!(verify(b"Secret", made[0].as_bytes()), Ok(false));
}

#[test]
fn yescrypt_generation_refuses_what_libxcrypt_refuses() {
    for cost in [0, 12, 99] {
        assert_eq!(
            generate(&HashParams::Yescrypt { cost }, b"pw").unwrap_err(),
            GenerateError::YescryptCost { cost }
        );
    }
    assert_eq!(
        yescrypt::generate(&[b'a'; 512], 1).unwrap_err(),
        GenerateError::PasswordOverCryptLimit { len: 512, max: 511 }
    );
    assert_eq!(HashParams::YESCRYPT_DEFAULT.scheme(), Scheme::Yescrypt);
}

const ARGON2_CFFI: &str = r#"
import sys
from argon2 import PasswordHasher, Type
from argon2.exceptions import VerifyMismatchError
cmd = sys.argv[1]
if cmd == "verify":
    for pw, h in zip(sys.argv[2::2], sys.argv[3::2]):
        try:
            print(PasswordHasher().verify(h, bytes.fromhex(pw)))
        except VerifyMismatchError:
            print(False)
elif cmd == "hash":
    for pw, m, t, p in zip(sys.argv[2::4], sys.argv[3::4], sys.argv[4::4], sys.argv[5::4]):
        ph = PasswordHasher(time_cost=int(t), memory_cost=int(m), parallelism=int(p), type=Type.ID)
        print(ph.hash(bytes.fromhex(pw)))
"#;

#[test]
fn argon2id_we_generate_verifies_with_argon2_cffi() {
    let cases: [(&[u8], Argon2idParams); 4] = [
        (b"secret", Argon2idParams::DEFAULT),
        (
            b"",
            Argon2idParams {
                memory_kib: 8,
                time: 1,
                parallelism: 1,
            },
        ),
        (
            "pässwörd".as_bytes(),
            Argon2idParams {
                memory_kib: 256,
                time: 3,
                parallelism: 4,
            },
        ),
        (
            &[0xff; 600],
            Argon2idParams {
                memory_kib: 64,
                time: 1,
                parallelism: 2,
            },
        ),
    ];
    let mut args = vec!["verify".to_owned()];
    for (password, params) in &cases {
        let made = generate(&HashParams::Argon2id(*params), password).unwrap();
        assert_eq!(made.scheme(), Scheme::Argon2id);
        let text = String::from_utf8(made.as_bytes().to_vec()).unwrap();
        assert!(
            text.starts_with(&format!(
                "$argon2id$v=19$m={},t={},p={}$",
                params.memory_kib, params.time, params.parallelism
            )),
            "{text}"
        );
        assert_eq!(verify(password, made.as_bytes()), Ok(true));
        assert_eq!(verify(b"wrong", made.as_bytes()), Ok(false));
        args.push(hex(password));
        args.push(text.clone());
        // A wrong password through argon2-cffi too.
        args.push(hex(b"wrong"));
        args.push(text);
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let Some(out) = python("argon2id_cffi", Some("argon2"), ARGON2_CFFI, &refs) else {
        return;
    };
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        [
            "True", "False", "True", "False", "True", "False", "True", "False"
        ]
    );
}

#[test]
fn argon2_cffi_hashes_verify_here_and_read_back_byte_for_byte() {
    let cases: [(&[u8], &str, &str, &str); 3] = [
        // argon2-cffi's defaults (RFC 9106 second choice): 64 MiB, 3 passes, 4 lanes.
        (b"secret", "65536", "3", "4"),
        (b"", "8", "1", "1"),
        ("pässwörd".as_bytes(), "1024", "2", "3"),
    ];
    let mut args = vec!["hash".to_owned()];
    for (password, m, t, p) in cases {
        args.extend([hex(password), m.into(), t.into(), p.into()]);
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let Some(out) = python("argon2id_cffi_made", Some("argon2"), ARGON2_CFFI, &refs) else {
        return;
    };
    for ((password, ..), line) in cases.iter().zip(out.lines()) {
        assert_eq!(verify(password, line.as_bytes()), Ok(true), "{line}");
        assert_eq!(verify(b"wrong", line.as_bytes()), Ok(false), "{line}");
        let parsed = Argon2idHash::parse(line.as_bytes()).unwrap();
        assert_eq!(parsed.to_bytes(), line.as_bytes());
    }
}

#[test]
fn argon2id_hostile_and_malformed_lines_are_refused_fast() {
    let salt = "c2FsdHNhbHRzYWx0"; // "saltsaltsalt", 12 bytes
    let hash = "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"; // 32 bytes
    let field = |params: &str| format!("$argon2id$v=19${params}${salt}${hash}");
    let start = Instant::now();
    let costly = [
        ("m=4294967295,t=1,p=1", "memory (bytes)"),
        ("m=1048577,t=1,p=1", "memory (bytes)"),
        ("m=65536,t=4294967295,p=1", "passes"),
        ("m=65536,t=11,p=1", "passes"),
    ];
    for (params, what) in costly {
        let f = field(params);
        match Hash::parse(f.as_bytes()) {
            Err(HashParseError::TooCostly {
                scheme: Scheme::Argon2id,
                what: w,
                ..
            }) => assert_eq!(w, what, "{f}"),
            other => panic!("{f}: {other:?}"),
        }
    }
    let malformed = [
        field("m=65536,t=1,p=17"),
        field("m=65536,t=1,p=0"),
        field("m=65536,t=0,p=1"),
        field("m=7,t=1,p=1"),
        field("m=065536,t=1,p=1"),
        field("t=1,m=65536,p=1"),
        field("m=65536,t=1,p=1,keyid=abc"),
        format!("$argon2id$v=16$m=65536,t=1,p=1${salt}${hash}"),
        format!("$argon2id$m=65536,t=1,p=1${salt}${hash}"),
    ];
    for f in &malformed {
        assert_eq!(
            Hash::parse(f.as_bytes()),
            Err(HashParseError::Argon2Params),
            "{f}"
        );
    }
    let p = "m=64,t=1,p=1";
    let bad_parts = [
        (format!("$argon2id$v=19${p}$c2FsdA${hash}"), "salt"),
        (format!("$argon2id$v=19${p}${salt}$aGFzaA"), "hash"),
    ];
    for (f, part) in &bad_parts {
        assert!(
            matches!(Hash::parse(f.as_bytes()), Err(HashParseError::Length { part: p, .. }) if p == *part),
            "{f}"
        );
    }
    for f in [
        format!("$argon2id$v=19${p}${salt}="),
        format!("$argon2id$v=19${p}${salt}${hash}="),
        format!("$argon2id$v=19${p}$!!!!!!!!!!!!${hash}"),
    ] {
        assert!(Hash::parse(f.as_bytes()).is_err(), "{f}");
    }
    assert!(matches!(
        Hash::parse(format!("$argon2id$v=19${p}${salt}").as_bytes()),
        Err(HashParseError::MissingSeparator { .. })
    ));
    assert!(start.elapsed() < Duration::from_secs(2));
    // Raised ceilings admit what the defaults refuse (parse only: nothing is hashed).
    let big = field("m=2097152,t=12,p=1");
    let raised = CostLimits::DEFAULT
        .with_argon2_memory(2 << 30)
        .with_argon2_time(12);
    assert!(Hash::parse_with_limits(big.as_bytes(), &raised).is_ok());
    assert!(Hash::parse_with_limits(big.as_bytes(), &CostLimits::UNBOUNDED).is_ok());
}

#[test]
fn argon2id_generation_stays_within_the_default_ceilings() {
    for params in [
        Argon2idParams {
            memory_kib: (1 << 20) + 1,
            time: 1,
            parallelism: 1,
        },
        Argon2idParams {
            memory_kib: 64,
            time: 11,
            parallelism: 1,
        },
        Argon2idParams {
            memory_kib: 64,
            time: 0,
            parallelism: 1,
        },
        Argon2idParams {
            memory_kib: 256,
            time: 1,
            parallelism: 17,
        },
        Argon2idParams {
            memory_kib: 15,
            time: 1,
            parallelism: 2,
        },
    ] {
        assert_eq!(
            argon2id::generate(b"pw", &params).unwrap_err(),
            GenerateError::Argon2Params {
                memory_kib: params.memory_kib,
                time: params.time,
                parallelism: params.parallelism
            }
        );
    }
    assert_eq!(
        HashParams::ARGON2ID_DEFAULT,
        HashParams::Argon2id(Argon2idParams {
            memory_kib: 19 * 1024,
            time: 2,
            parallelism: 1
        })
    );
}

#[test]
fn memory_hard_entries_in_a_file_check_and_lint() {
    let y = generate(&HashParams::Yescrypt { cost: 1 }, b"pw").unwrap();
    let a = generate(
        &HashParams::Argon2id(Argon2idParams {
            memory_kib: 64,
            time: 1,
            parallelism: 1,
        }),
        b"pw",
    )
    .unwrap();
    let content = format!(
        "y:{}\na:{}\n",
        String::from_utf8_lossy(y.as_bytes()),
        String::from_utf8_lossy(a.as_bytes())
    );
    let file = htpasswd_core::HtpasswdFile::parse(content.as_bytes());
    assert!(file.check(b"y", b"pw").is_match());
    assert!(file.check(b"a", b"pw").is_match());
    assert!(!file.check(b"a", b"pW").is_match());
    let report = htpasswd_core::htpasswd::lint(&file);
    assert_eq!(report.entries[1].scheme, Scheme::Argon2id);
    assert!(
        !report
            .findings
            .iter()
            .any(|f| matches!(f, htpasswd_core::htpasswd::Finding::Malformed { .. })),
        "{:?}",
        report.findings
    );
}
