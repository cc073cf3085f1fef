//! Arbitrary bytes as an htpasswd file: parse -> serialise is the identity, parse -> serialise ->
//! parse gives the same lines and entries, lookup/lint/edits never panic, and an edit that
//! succeeds leaves a file in which the edited user is found with the new hash.
#![no_main]

use htpasswd_core::htpasswd::{HtpasswdFile, Which, lint};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // 1. Round trip.
    let file = HtpasswdFile::parse(data);
    let out = file.to_bytes();
    assert_eq!(out, data, "parse -> serialise is not the identity");
    assert!(file.is_unchanged());
    assert_eq!(file.serialized_len(), data.len());
    let again = HtpasswdFile::parse(&out);
    assert!(file.lines().eq(again.lines()), "re-parse gives other lines");

    // 2. Read-only operations.
    let _ = file.check_entries();
    let _ = file.duplicates();
    let report = lint(&file);
    assert_eq!(report.entries.len(), file.entries().count());
    for e in file.entries().take(16) {
        assert!(file.get(e.user).is_some_and(|f| f.line <= e.line));
    }

    // 3. Edits with a user and hash cut from the input itself.
    let cut = data.len() / 3;
    let (user, hash) = (&data[..cut.min(40)], &data[cut..(2 * cut).min(cut + 80)]);
    let mut edited = file.clone();
    if edited.set(user, hash).is_ok() {
        let e = edited.get(user).expect("set user is found");
        assert_eq!(e.hash, hash);
        let reparsed = HtpasswdFile::parse(&edited.to_bytes());
        assert_eq!(reparsed.get(user).map(|e| e.hash), Some(hash));
        assert!(edited.update(user, b"x", Which::First).expect("valid") >= 1);
        assert!(edited.delete(user) >= 1);
        assert!(edited.get(user).is_none());
    }
});
