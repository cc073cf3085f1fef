//! The one-call check `HtpasswdFile::check`: every verdict for every scheme, first match wins,
//! unusable stored hashes, the decoy an unknown user is checked against (scheme and cost of the
//! file's own hashes; `$apr1$` for a file without any), and `read_file` / `edit_file` /
//! `HtpasswdFile::open` with every kind of path argument.

use std::path::{Path, PathBuf};

use htpasswd_core::crypt::{
    BcryptVersion, Hash, HashParams, HashParseError, Scheme, generate, verify,
};
use htpasswd_core::htpasswd::{
    EditOptions, HtpasswdFile, Verdict, check_stored, edit_file, read_file,
};

use crate::file_support::TempDir;

const APR1_PASSWORD: &[u8] = b"password";
/// `openssl passwd -apr1 -salt abcdefgh password`.
const APR1: &[u8] = b"$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1";

fn line(user: &str, hash: &[u8]) -> Vec<u8> {
    let mut l = user.as_bytes().to_vec();
    l.push(b':');
    l.extend_from_slice(hash);
    l.push(b'\n');
    l
}

fn made(params: &HashParams, password: &[u8]) -> Vec<u8> {
    generate(params, password).unwrap().as_bytes().to_vec()
}

/// bcrypt cost of a decoy, SHA-crypt rounds, or `None` for other schemes.
fn cost(hash: &Hash) -> Option<u32> {
    match hash {
        Hash::Bcrypt(h) => Some(h.cost()),
        Hash::ShaCrypt(h) => Some(h.rounds().unwrap_or(5000)),
        _ => None,
    }
}

#[test]
fn every_verdict_for_every_scheme() {
    let schemes = [
        HashParams::Apr1,
        HashParams::Md5Crypt,
        HashParams::BCRYPT_DEFAULT,
        HashParams::Sha256Crypt { rounds: None },
        HashParams::Sha512Crypt { rounds: Some(1000) },
        HashParams::Sha1,
        HashParams::Ssha,
        HashParams::Plain,
        HashParams::DesCrypt,
    ];
    for params in &schemes {
        let hash = made(params, b"s3cret");
        let mut content = line("alice", &hash);
        content.extend(line("broken", b"$apr1$abcdefgh$short"));
        let file = HtpasswdFile::parse(&content);
        let shown = params.scheme();
        assert_eq!(file.check(b"alice", b"s3cret"), Verdict::Match, "{shown:?}");
        assert_eq!(
            file.check(b"alice", b"S3cret"),
            Verdict::Mismatch,
            "{shown:?}"
        );
        assert_eq!(file.check(b"alice", b""), Verdict::Mismatch, "{shown:?}");
        // The right password of a real user, given for another name, is no match.
        assert_eq!(
            file.check(b"nobody", b"s3cret"),
            Verdict::NoSuchUser,
            "{shown:?}"
        );
        assert_eq!(file.check(b"Alice", b"s3cret"), Verdict::NoSuchUser);
        assert!(matches!(
            file.check(b"broken", b"s3cret"),
            Verdict::Unusable { .. }
        ));
        // The decoy is the file's only usable hash; checking against it is never a match.
        assert_eq!(file.decoy().to_bytes(), hash, "{shown:?}");
        assert!(file.check(b"alice", b"s3cret").is_match());
        assert!(!file.check(b"nobody", b"s3cret").is_match());
    }
}

#[test]
fn unusable_stored_hashes_say_why_and_never_match() {
    let cases: &[(&[u8], HashParseError)] = &[
        (b"", HashParseError::UnknownScheme),
        (b"!", HashParseError::UnknownScheme),
        (b"*", HashParseError::UnknownScheme),
        (
            b"$argon2i$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA",
            HashParseError::UnknownScheme,
        ),
    ];
    let bcrypt = made(&HashParams::BCRYPT_DEFAULT, b"pw");
    let cost99 = [b"$2y$99$", &bcrypt[7..]].concat();
    let cases = [cases, &[(&cost99[..], HashParseError::BcryptCost)][..]].concat();
    for &(stored, expected) in &cases {
        let mut content = line("u", stored);
        content.extend(line("ok", APR1));
        let file = HtpasswdFile::parse(&content);
        assert_eq!(Hash::parse(stored).err(), Some(expected), "{stored:?}");
        // Even the stored bytes themselves, given as the password, do not match.
        for password in [stored, APR1_PASSWORD, b""] {
            assert_eq!(
                file.check(b"u", password),
                Verdict::Unusable { reason: expected },
                "{stored:?}"
            );
        }
    }
    // A malformed hash of a known scheme: the reason is the parser's.
    let file = HtpasswdFile::parse(b"u:$apr1$abcdefgh$short\n");
    let reason = Hash::parse(b"$apr1$abcdefgh$short").unwrap_err();
    assert_eq!(file.check(b"u", b"x"), Verdict::Unusable { reason });
    assert!(
        Verdict::Unusable { reason }
            .to_string()
            .starts_with("the stored hash is unusable: ")
    );
}

#[test]
fn the_first_entry_of_a_user_wins() {
    let second = made(&HashParams::Sha1, b"second");
    let mut content = line("u", APR1);
    content.extend(line("u", &second));
    let file = HtpasswdFile::parse(&content);
    assert_eq!(file.check(b"u", APR1_PASSWORD), Verdict::Match);
    assert_eq!(file.check(b"u", b"second"), Verdict::Mismatch);

    // A broken first entry is not skipped for a usable later one.
    let mut content = line("u", b"!locked");
    content.extend(line("u", APR1));
    let file = HtpasswdFile::parse(&content);
    assert_eq!(
        file.check(b"u", APR1_PASSWORD),
        Verdict::Unusable {
            reason: HashParseError::UnknownScheme
        }
    );

    // Comments, blank and invalid lines, CRLF endings and nginx's third field are no entries
    // (or no part of the hash) for the check.
    let mut content = b"# u:{PLAIN}comment\r\n\r\nno colon\r\n".to_vec();
    content.extend(b"u:{PLAIN}right:third field\r\n");
    let file = HtpasswdFile::parse(&content);
    assert_eq!(file.check(b"u", b"right"), Verdict::Match);
    assert_eq!(file.check(b"# u", b"comment"), Verdict::NoSuchUser);
}

#[test]
fn an_empty_file_has_no_users_and_an_apr1_decoy() {
    for content in [
        &b""[..],
        b"\n",
        b"# only a comment\n",
        b"u:!\nv:\n",
        b"no colon\n",
    ] {
        let file = HtpasswdFile::parse(content);
        assert_eq!(file.check(b"u2", b"pw"), Verdict::NoSuchUser);
        assert_eq!(file.decoy().scheme(), Scheme::Apr1, "{content:?}");
        // 8 salt characters, as Apache's htpasswd writes.
        let decoy = file.decoy().to_bytes();
        assert_eq!(decoy.split(|&b| b == b'$').nth(2).map(<[u8]>::len), Some(8));
    }
    assert_eq!(HtpasswdFile::new().decoy().scheme(), Scheme::Apr1);
}

#[test]
fn the_decoy_has_the_scheme_and_cost_of_most_entries() {
    let bcrypt5 = made(&HashParams::BCRYPT_DEFAULT, b"a");
    let bcrypt4 = made(
        &HashParams::Bcrypt {
            cost: 4,
            long_passwords: Default::default(),
        },
        b"b",
    );
    let sha6k = made(&HashParams::Sha512Crypt { rounds: Some(6000) }, b"c");
    let sha5 = made(&HashParams::Sha512Crypt { rounds: None }, b"d");

    // Only apr1 lines (and broken ones): one apr1.
    let mut content = line("a", APR1);
    content.extend(line("b", b"$2y$05$short"));
    content.extend(line("c", b"$5$short"));
    let file = HtpasswdFile::parse(&content);
    assert_eq!(file.decoy().scheme(), Scheme::Apr1);

    // Two bcrypt-5 against one apr1 and one bcrypt-4: bcrypt cost 5.
    let mut content = line("a", APR1);
    content.extend(line("b", &bcrypt4));
    content.extend(line("c", &bcrypt5));
    content.extend(line("d", &made(&HashParams::BCRYPT_DEFAULT, b"e")));
    let file = HtpasswdFile::parse(&content);
    assert_eq!(file.decoy().scheme(), Scheme::Bcrypt(BcryptVersion::V2y));
    assert_eq!(cost(file.decoy()), Some(5));

    // The same scheme at another cost is another class: 6000 rounds twice beats 5000 once.
    let mut content = line("a", &sha5);
    content.extend(line("b", &sha6k));
    content.extend(line(
        "c",
        &made(&HashParams::Sha512Crypt { rounds: Some(6000) }, b"f"),
    ));
    let file = HtpasswdFile::parse(&content);
    assert_eq!(cost(file.decoy()), Some(6000));

    // `rounds=5000` written out costs what no `rounds=` costs: one class, three members
    // against two of 6000 rounds.
    let explicit = made(&HashParams::Sha512Crypt { rounds: Some(5000) }, b"g");
    assert!(explicit.starts_with(b"$6$rounds=5000$"));
    let mut content = line("a", &sha6k);
    content.extend(line("b", &sha6k));
    content.extend(line("c", &sha5));
    content.extend(line("d", &explicit));
    content.extend(line("e", &explicit));
    let file = HtpasswdFile::parse(&content);
    assert_eq!(file.decoy().scheme(), Scheme::Sha512Crypt);
    assert_eq!(cost(file.decoy()), Some(5000));

    // A tie goes to the class seen first.
    let mut content = line("a", &bcrypt4);
    content.extend(line("b", APR1));
    let file = HtpasswdFile::parse(&content);
    assert_eq!(cost(file.decoy()), Some(4));
    let mut content = line("b", APR1);
    content.extend(line("a", &bcrypt4));
    let file = HtpasswdFile::parse(&content);
    assert_eq!(file.decoy().scheme(), Scheme::Apr1);
}

#[test]
fn edits_renew_the_decoy() {
    let bcrypt = made(&HashParams::BCRYPT_DEFAULT, b"pw");
    let mut file = HtpasswdFile::parse(&line("a", APR1));
    assert_eq!(file.decoy().scheme(), Scheme::Apr1);
    file.add(b"b", &bcrypt).unwrap();
    file.add(b"c", &bcrypt).unwrap();
    assert_eq!(file.decoy().scheme(), Scheme::Bcrypt(BcryptVersion::V2y));
    assert_eq!(file.check(b"c", b"pw"), Verdict::Match);
    assert_eq!(file.delete(b"b"), 1);
    file.update(b"c", APR1, htpasswd_core::htpasswd::Which::All)
        .unwrap();
    assert_eq!(file.decoy().scheme(), Scheme::Apr1);
    assert_eq!(file.check(b"c", APR1_PASSWORD), Verdict::Match);
    assert_eq!(file.delete(b"a") + file.delete(b"c"), 2);
    assert_eq!(file.decoy().scheme(), Scheme::Apr1);
    assert_eq!(file.check(b"c", APR1_PASSWORD), Verdict::NoSuchUser);
    // A clone keeps the decoy of what it holds.
    let mut file = HtpasswdFile::parse(&line("b", &bcrypt));
    let _ = file.decoy();
    let copy = file.clone();
    file.set(b"b", APR1).unwrap();
    assert_eq!(copy.decoy().to_bytes(), bcrypt);
    assert_eq!(file.decoy().to_bytes(), APR1);
}

#[test]
fn a_file_with_its_decoy_can_be_shared_between_threads() {
    fn shared<T: Send + Sync + Clone>() {}
    shared::<HtpasswdFile>();
    let file = HtpasswdFile::parse(&line("alice", APR1));
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|i| {
                let file = &file;
                s.spawn(move || {
                    if i % 2 == 0 {
                        file.check(b"alice", APR1_PASSWORD)
                    } else {
                        file.check(b"nobody", APR1_PASSWORD)
                    }
                })
            })
            .collect();
        for (i, h) in handles.into_iter().enumerate() {
            let expected = if i % 2 == 0 {
                Verdict::Match
            } else {
                Verdict::NoSuchUser
            };
            assert_eq!(h.join().unwrap(), expected);
        }
    });
}

#[test]
fn check_stored_is_the_same_check_without_a_file() {
    let decoy = Hash::decoy([APR1]);
    assert_eq!(
        check_stored(Some(APR1), APR1_PASSWORD, &decoy),
        Verdict::Match
    );
    assert_eq!(check_stored(Some(APR1), b"nope", &decoy), Verdict::Mismatch);
    // The decoy's own password never makes a match for a missing or unusable hash.
    assert_eq!(
        check_stored(None, APR1_PASSWORD, &decoy),
        Verdict::NoSuchUser
    );
    assert_eq!(
        check_stored(Some(b"{SHA}short"), APR1_PASSWORD, &decoy),
        Verdict::Unusable {
            reason: Hash::parse(b"{SHA}short").unwrap_err()
        }
    );
    assert_eq!(verify(APR1_PASSWORD, &decoy.to_bytes()), Ok(true));
}

#[test]
fn read_file_edit_file_and_open_take_any_path_type() {
    let dir = TempDir::new("check-paths");
    let path_buf: PathBuf = dir.write("htpasswd", &line("alice", APR1));
    let string: String = path_buf.to_str().unwrap().to_owned();
    let str_ref: &str = &string;
    let path: &Path = &path_buf;

    for file in [
        read_file(str_ref).unwrap(),
        read_file(string.clone()).unwrap(),
        read_file(&string).unwrap(),
        read_file(path_buf.clone()).unwrap(),
        read_file(&path_buf).unwrap(),
        read_file(path).unwrap(),
        HtpasswdFile::open(str_ref).unwrap(),
        HtpasswdFile::open(path).unwrap(),
    ] {
        assert_eq!(file.check(b"alice", APR1_PASSWORD), Verdict::Match);
    }

    let opts = EditOptions::default();
    let bob = |name: &'static [u8]| move |f: &mut HtpasswdFile| f.set(name, APR1);
    edit_file(str_ref, &opts, bob(b"b1")).unwrap();
    edit_file(string.clone(), &opts, bob(b"b2")).unwrap();
    edit_file(path_buf.clone(), &opts, bob(b"b3")).unwrap();
    edit_file(path, &opts, bob(b"b4")).unwrap();
    let file = HtpasswdFile::open(&path_buf).unwrap();
    for user in [&b"alice"[..], b"b1", b"b2", b"b3", b"b4"] {
        assert_eq!(file.check(user, APR1_PASSWORD), Verdict::Match);
    }

    let missing = dir.path().join("missing");
    assert!(HtpasswdFile::open(&missing).is_err());
}

/// The root README's library example is the front page's doctest, word for word (the root README
/// is no part of the package and is not compiled: this keeps it compiling).
#[test]
fn root_readme_library_example_is_the_front_page_doctest() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let Ok(root) = std::fs::read_to_string(crate_dir.join("../../README.md")) else {
        eprintln!("SKIPPED: no workspace README.md (a packaged crate)");
        return;
    };
    let front = std::fs::read_to_string(crate_dir.join("README.md")).unwrap();
    let section = &root[root.find("## Library").unwrap()..];
    let start = section.find("```rust\n").unwrap() + "```rust\n".len();
    let example = &section[start..start + section[start..].find("```").unwrap()];
    assert!(example.contains("file.check(user, password)"));
    let visible: String = front
        .lines()
        .filter(|l| !l.starts_with("# ") && *l != "#")
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(visible.contains(example), "root README:\n{example}");
}
