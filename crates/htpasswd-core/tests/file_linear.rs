//! Edits stay linear (issue 19 item 7): adding or updating many users costs O(1) per user, not a
//! scan of the whole file per user, and the index behind that never changes what an edit does.

use std::time::{Duration, Instant};

use htpasswd_core::htpasswd::{EditError, HtpasswdFile, SetOutcome, Which};

use crate::support;

/// With a scan per new user, 200,000 users cost 2 * 10^10 line visits: many minutes even
/// optimised. Linear, it takes well under a second optimised and a few seconds unoptimised.
const MANY: usize = 200_000;

/// Far above the linear time on a loaded 2-core machine in a debug build, far below the
/// quadratic one.
const BOUND: Duration = Duration::from_secs(60);

fn hash_of(i: usize) -> Vec<u8> {
    format!("{{SHA}}hash-{i}").into_bytes()
}

#[test]
fn setting_200k_new_users_one_by_one_is_linear() {
    let start = Instant::now();
    let mut file = HtpasswdFile::new();
    for i in 0..MANY {
        let user = format!("user{i}");
        assert_eq!(
            file.set(user.as_bytes(), &hash_of(i)).unwrap(),
            SetOutcome::Added
        );
    }
    let took = start.elapsed();
    assert_eq!(file.entries().count(), MANY);
    assert_eq!(file.get(b"user0").unwrap().line, 1);
    assert_eq!(file.get(b"user199999").unwrap().line, MANY);
    eprintln!("setting_200k_new_users_one_by_one_is_linear: {MANY} set() calls in {took:?}");
    assert!(took < BOUND, "{MANY} set() calls took {took:?}");
}

#[test]
fn updating_and_adding_200k_users_of_a_parsed_file_is_linear() {
    // A parsed 200k-line file (as `htpasswd-rs --batch` edits), every user updated, then as many
    // added, then add() refusing each existing user.
    let mut text = b"# big\n".to_vec();
    for i in 0..MANY {
        text.extend_from_slice(format!("user{i}:old\n").as_bytes());
    }
    let start = Instant::now();
    let mut file = HtpasswdFile::parse(&text);
    for i in 0..MANY {
        let user = format!("user{i}");
        assert_eq!(
            file.set(user.as_bytes(), &hash_of(i)).unwrap(),
            SetOutcome::Updated(1)
        );
    }
    for i in 0..MANY {
        let user = format!("new{i}");
        file.add(user.as_bytes(), b"h").unwrap();
    }
    for i in (0..MANY).step_by(7) {
        let user = format!("user{i}");
        assert_eq!(
            file.add(user.as_bytes(), b"h"),
            Err(EditError::UserExists { line: i + 2 })
        );
    }
    let took = start.elapsed();
    assert_eq!(file.line_count(), 1 + 2 * MANY);
    assert_eq!(file.get(b"user5").unwrap().hash, hash_of(5));
    eprintln!(
        "updating_and_adding_200k_users_of_a_parsed_file_is_linear: {} edits in {took:?}",
        MANY * 2 + MANY / 7
    );
    assert!(took < BOUND, "took {took:?}");
}

/// Lines with the awkward cases of the lossless model: duplicates (first match wins), leading
/// white space (Apache skips it), comments that look like entries, invalid lines, CRLF.
const LINES: &[&[u8]] = &[
    b"a:1",
    b"b:2:comment",
    b"a:dup",
    b"  c:leading",
    b"# a:comment",
    b"no colon",
    b"",
    b"d:4\r",
    b"\te:tab",
    b":empty-user",
    b"c:dup",
];
const USERS: &[&[u8]] = &[
    b"a", b"b", b"c", b"d", b"e", b"f", b"g", b"", b"# a", b"  c",
];

/// Applies one random edit; returns a comparable summary of what it did.
fn apply(file: &mut HtpasswdFile, op: usize, user: &[u8], hash: &[u8]) -> String {
    match op {
        0 | 1 => format!("{:?}", file.set(user, hash)),
        2 => format!("{:?}", file.add(user, hash)),
        3 => format!("{:?}", file.update(user, hash, Which::First)),
        4 => format!("{:?}", file.update(user, hash, Which::All)),
        _ => format!("{:?}", file.delete(user)),
    }
}

#[test]
fn indexed_edits_match_edits_on_a_freshly_parsed_model() {
    // One model edited throughout (it builds and keeps its index), one parsed again from the
    // bytes before every edit (its first lookup always scans): the same results, the same bytes,
    // and the same entry for every user after every edit.
    let test = "indexed_edits_match_edits_on_a_freshly_parsed_model";
    let mut rng = support::Rng::new(support::seed(test));
    for round in 0..40 {
        let mut text = Vec::new();
        for _ in 0..rng.below(30) {
            let line = LINES[rng.below(LINES.len())];
            text.extend_from_slice(line);
            text.push(b'\n');
        }
        let mut kept = HtpasswdFile::parse(&text);
        for step in 0..200 {
            let op = rng.below(if step % 50 < 40 { 5 } else { 6 });
            let user = *rng.pick(USERS);
            let hash = format!("h{round}-{step}").into_bytes();
            let mut fresh = HtpasswdFile::parse(&kept.to_bytes());
            let got = apply(&mut kept, op, user, &hash);
            let want = apply(&mut fresh, op, user, &hash);
            assert_eq!(got, want, "round {round} step {step}: op {op} on {user:?}");
            assert_eq!(
                kept.to_bytes(),
                fresh.to_bytes(),
                "round {round} step {step}"
            );
            let again = HtpasswdFile::parse(&kept.to_bytes());
            for u in USERS {
                assert_eq!(
                    kept.get(u).map(|e| (e.line, e.hash.to_vec())),
                    again.get(u).map(|e| (e.line, e.hash.to_vec())),
                    "round {round} step {step}: get({u:?})"
                );
            }
        }
    }
}
