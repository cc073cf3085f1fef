//! The lossless htpasswd file model: round trips, lookup, edits against a reference model, and
//! edit semantics against Apache's `htpasswd` (apache2-utils) where they are meant to agree.

use std::process::Command;

use htpasswd_core::htpasswd::{
    EditError, HashFieldError, HtpasswdFile, LimitError, Limits, LineEnding, LineKind, SetOutcome,
    UsernameError, Verdict, Which,
};
use proptest::prelude::*;

use crate::support;

// ---------------------------------------------------------------------------------------------
// Generators

/// Lines seen in real files, including the awkward ones.
const LINE_TEXTS: &[&[u8]] = &[
    b"a:$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/",
    b"b:{SHA}qUqP5cyxm6YcTAhz05Hph5gvu9M=",
    b"a:second",
    b"c:h:nginx comment",
    b"b:x\ry",
    b"  a:leading-space",
    b"\tc:tab",
    b"# comment a:1",
    b"#",
    b"",
    b"   ",
    b"\t\x0b\x0c",
    b"no colon here",
    b":empty-user",
    b"d:",
    b"\xff\xfe:binary",
    b"e:\xe9t\xe9",
];

fn line_text() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => proptest::sample::select(LINE_TEXTS).prop_map(<[u8]>::to_vec),
        1 => proptest::collection::vec(any::<u8>().prop_filter("no LF", |b| *b != b'\n'), 0..12),
    ]
}

fn ending() -> impl Strategy<Value = LineEnding> {
    prop_oneof![3 => Just(LineEnding::Lf), 1 => Just(LineEnding::CrLf)]
}

/// A structured file: optional BOM, lines, and a last line that may lack its newline.
fn file_bytes() -> impl Strategy<Value = Vec<u8>> {
    (
        any::<bool>(),
        proptest::collection::vec((line_text(), ending()), 0..12),
        any::<bool>(),
    )
        .prop_map(|(bom, lines, unterminated_last)| {
            let mut out = Vec::new();
            if bom {
                out.extend_from_slice(b"\xEF\xBB\xBF");
            }
            let n = lines.len();
            for (i, (text, end)) in lines.into_iter().enumerate() {
                out.extend_from_slice(&text);
                if !(unterminated_last && i + 1 == n && !text.is_empty()) {
                    out.extend_from_slice(end.as_bytes());
                }
            }
            out
        })
}

const USERS: &[&[u8]] = &[
    b"a", b"b", b"c", b"d", b"new", b"  a", b"", b"#x", b"a:b", b"x\ry", b"x\ny", b"n\0l",
];
const HASHES: &[&[u8]] = &[
    b"$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1",
    b"{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=",
    b"plain",
    b"",
    b"p:w",
    b"x\ry",
    b"x\ny",
    b"n\0l",
];

#[derive(Debug, Clone)]
enum Op {
    Add(Vec<u8>, Vec<u8>),
    Update(Vec<u8>, Vec<u8>, Which),
    Set(Vec<u8>, Vec<u8>),
    Delete(Vec<u8>),
}

fn user() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        10 => proptest::sample::select(USERS).prop_map(<[u8]>::to_vec),
        1 => (250usize..260).prop_map(|n| vec![b'u'; n]),
    ]
}

fn hash() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        10 => proptest::sample::select(HASHES).prop_map(<[u8]>::to_vec),
        1 => (0usize..256).prop_map(|n| vec![b'h'; n]),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (user(), hash()).prop_map(|(u, h)| Op::Add(u, h)),
        (user(), hash(), any::<bool>()).prop_map(|(u, h, all)| Op::Update(
            u,
            h,
            if all { Which::All } else { Which::First }
        )),
        (user(), hash()).prop_map(|(u, h)| Op::Set(u, h)),
        user().prop_map(Op::Delete),
    ]
}

// ---------------------------------------------------------------------------------------------
// Reference model: the simplest thing that could work, written independently of the library.

#[derive(Debug, Clone)]
struct Reference {
    bom: bool,
    /// (text, ending) per line.
    lines: Vec<(Vec<u8>, &'static [u8])>,
}

impl Reference {
    fn parse(bytes: &[u8]) -> Self {
        let (bom, mut rest) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
            Some(r) => (true, r),
            None => (false, bytes),
        };
        let mut lines = Vec::new();
        while !rest.is_empty() {
            match rest.iter().position(|&b| b == b'\n') {
                Some(i) => {
                    let line = &rest[..i];
                    if let Some(t) = line.strip_suffix(b"\r") {
                        lines.push((t.to_vec(), &b"\r\n"[..]));
                    } else {
                        lines.push((line.to_vec(), &b"\n"[..]));
                    }
                    rest = &rest[i + 1..];
                }
                None => {
                    lines.push((rest.to_vec(), &b""[..]));
                    rest = &[];
                }
            }
        }
        Self { bom, lines }
    }

    fn bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        if self.bom {
            out.extend_from_slice(b"\xEF\xBB\xBF");
        }
        for (t, e) in &self.lines {
            out.extend_from_slice(t);
            out.extend_from_slice(e);
        }
        out
    }

    /// Apache's reading: skip leading white space, then `#` is a comment, else the user ends at
    /// the first `:`.
    fn user_of(text: &[u8]) -> Option<&[u8]> {
        let start = text.iter().position(|b| !b" \t\r\x0b\x0c".contains(b))?;
        let text = &text[start..];
        if text.starts_with(b"#") {
            return None;
        }
        text.iter().position(|&b| b == b':').map(|i| &text[..i])
    }

    /// Bytes after the hash field (which ends at the second `:` or a CR).
    fn rest_of(text: &[u8]) -> &[u8] {
        let colon = text.iter().position(|&b| b == b':').unwrap();
        let after = &text[colon + 1..];
        match after.iter().position(|&b| b == b':' || b == b'\r') {
            Some(i) => &after[i..],
            None => b"",
        }
    }

    fn valid(user: &[u8], hash: &[u8]) -> bool {
        let bad = |b: &u8| matches!(b, b':' | b'\r' | b'\n' | 0);
        !user.iter().any(bad)
            && !hash.iter().any(bad)
            && !user.starts_with(b"#")
            && !user.first().is_some_and(|b| b" \t\x0b\x0c".contains(b))
            && user.len() <= 255
            && user.len() + 1 + hash.len() <= 254
    }

    fn lookup(&self, user: &[u8]) -> Option<usize> {
        self.lines
            .iter()
            .position(|(t, _)| Self::user_of(t) == Some(user))
    }

    fn append(&mut self, user: &[u8], hash: &[u8]) {
        let style = self
            .lines
            .iter()
            .rev()
            .map(|(_, e)| *e)
            .find(|e| !e.is_empty())
            .unwrap_or(b"\n");
        if let Some(last) = self.lines.last_mut()
            && last.1.is_empty()
        {
            last.1 = style;
        }
        self.lines.push(([user, b":", hash].concat(), style));
    }

    fn update(&mut self, user: &[u8], hash: &[u8], which: Which) -> usize {
        let mut n = 0;
        for (t, _) in &mut self.lines {
            if Self::user_of(t) == Some(user) && (which == Which::All || n == 0) {
                *t = [user, b":", hash, Self::rest_of(t)].concat();
                n += 1;
            }
        }
        n
    }

    /// Applies `op`; returns a summary comparable with the library's result.
    fn apply(&mut self, op: &Op) -> Result<usize, ()> {
        match op {
            Op::Add(u, h) => {
                if !Self::valid(u, h) || self.lookup(u).is_some() {
                    return Err(());
                }
                self.append(u, h);
                Ok(1)
            }
            Op::Update(u, h, which) => {
                if !Self::valid(u, h) {
                    return Err(());
                }
                Ok(self.update(u, h, *which))
            }
            Op::Set(u, h) => {
                if !Self::valid(u, h) {
                    return Err(());
                }
                match self.update(u, h, Which::All) {
                    0 => {
                        self.append(u, h);
                        Ok(1)
                    }
                    n => Ok(n + 1000),
                }
            }
            Op::Delete(u) => {
                let before = self.lines.len();
                self.lines.retain(|(t, _)| Self::user_of(t) != Some(u));
                Ok(before - self.lines.len())
            }
        }
    }
}

fn apply(file: &mut HtpasswdFile, op: &Op) -> Result<usize, EditError> {
    match op {
        Op::Add(u, h) => file.add(u, h).map(|()| 1),
        Op::Update(u, h, which) => file.update(u, h, *which),
        Op::Set(u, h) => file.set(u, h).map(|o| match o {
            SetOutcome::Added => 1,
            SetOutcome::Updated(n) => n + 1000,
        }),
        Op::Delete(u) => Ok(file.delete(u)),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parse_serialise_is_identity_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let file = HtpasswdFile::parse(&bytes);
        prop_assert_eq!(file.to_bytes(), bytes.clone());
        prop_assert_eq!(file.serialized_len(), bytes.len());
        // Every byte is in exactly one line (or the BOM): line texts + endings rebuild the input.
        let bom = if file.has_bom() { 3 } else { 0 };
        let total: usize = file.lines().map(|l| l.text.len() + l.ending.as_bytes().len()).sum();
        prop_assert_eq!(bom + total, bytes.len());
    }

    #[test]
    fn parse_serialise_is_identity_on_file_shaped_bytes(bytes in file_bytes()) {
        let file = HtpasswdFile::parse(&bytes);
        prop_assert_eq!(file.to_bytes(), bytes.clone());
        let reference = Reference::parse(&bytes);
        prop_assert_eq!(file.line_count(), reference.lines.len());
        for (l, (text, end)) in file.lines().zip(&reference.lines) {
            prop_assert_eq!(l.text, &text[..]);
            prop_assert_eq!(l.ending.as_bytes(), *end);
        }
    }

    #[test]
    fn random_edit_sequences_match_the_reference_model(
        bytes in file_bytes(),
        ops in proptest::collection::vec(op(), 0..25),
    ) {
        let mut file = HtpasswdFile::parse(&bytes);
        let mut reference = Reference::parse(&bytes);
        for op in &ops {
            let before = file.to_bytes();
            let got = apply(&mut file, op);
            let want = reference.apply(op);
            prop_assert_eq!(got.is_ok(), want.is_ok(), "{:?}: {:?} vs {:?}", op, got, want);
            if let (Ok(g), Ok(w)) = (&got, &want) {
                prop_assert_eq!(g, w, "{:?}", op);
            } else {
                prop_assert_eq!(file.to_bytes(), before, "a refused edit changed the file");
            }
            prop_assert_eq!(file.to_bytes(), reference.bytes(), "after {:?}", op);
        }
        // Lookup agrees with the reference: first entry wins.
        for u in USERS {
            let want = reference.lookup(u).map(|i| i + 1);
            prop_assert_eq!(file.get(u).map(|e| e.line), want);
        }
        // Re-parsing the output gives the same model.
        let reparsed = HtpasswdFile::parse(&file.to_bytes());
        prop_assert_eq!(reparsed.entries().collect::<Vec<_>>(), file.entries().collect::<Vec<_>>());
    }
}

// ---------------------------------------------------------------------------------------------
// Examples

#[test]
fn colon_less_line_is_reported_with_its_number() {
    let file = HtpasswdFile::parse(b"# c\nalice:x\njunk\n\nbob:y\nmore junk");
    let err = file.check_entries().unwrap_err();
    assert_eq!(err.lines, [3, 6]);
    assert_eq!(
        err.to_string(),
        "not a valid htpasswd file: lines 3, 6 have no ':' and are not a comment or blank"
    );
    assert!(
        HtpasswdFile::parse(b"#x\n \t\r\na:b\n")
            .check_entries()
            .is_ok()
    );
}

#[test]
fn lookup_first_match_wins_and_duplicates_are_reported() {
    let file = HtpasswdFile::parse(b"a:1\nb:2\na:3:c\n#a:4\n a:5\na:6\r\n");
    let e = file.get(b"a").unwrap();
    assert_eq!((e.line, e.hash), (1, &b"1"[..]));
    let d = file.duplicates();
    assert_eq!(d.len(), 1);
    assert_eq!((d[0].user, &d[0].lines[..]), (&b"a"[..], &[1, 3, 5, 6][..]));
    // Leading white space is skipped, as Apache does (" a:5" is another entry of "a").
    assert!(file.get(b" a").is_none());
    assert!(file.get(b"#a").is_none());
    let users: Vec<&[u8]> = file.entries().map(|e| e.user).collect();
    assert_eq!(users, [&b"a"[..], b"b", b"a", b"a", b"a"]);
}

#[test]
fn check_uses_the_first_entry() {
    let stored = HtpasswdFile::parse(b"u:$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1\nu:{PLAIN}second\n");
    assert_eq!(stored.check(b"u", b"password"), Verdict::Match);
    assert_eq!(stored.check(b"u", b"Password"), Verdict::Mismatch);
    assert_eq!(stored.check(b"u", b"second"), Verdict::Mismatch);
    assert_eq!(stored.check(b"zz", b"password"), Verdict::NoSuchUser);
}

#[test]
fn edits_keep_bom_comments_and_crlf_of_untouched_lines() {
    let mut f = HtpasswdFile::parse(b"\xEF\xBB\xBFa:1\r\n# keep\r\n\r\nb:2:note\nc:3");
    assert_eq!(f.delete(b"a"), 1);
    assert_eq!(f.update(b"b", b"N", Which::All).unwrap(), 1);
    assert_eq!(f.set(b"d", b"4").unwrap(), SetOutcome::Added);
    assert_eq!(
        f.to_bytes(),
        b"\xEF\xBB\xBF# keep\r\n\r\nb:N:note\nc:3\nd:4\n".to_vec()
    );
    assert_eq!(f.lines().next().unwrap().kind, LineKind::Comment);
}

#[test]
fn username_and_hash_defects_are_named_without_the_secret() {
    let mut f = HtpasswdFile::new();
    let cases: &[(&[u8], &[u8], EditError)] = &[
        (b"a:b", b"h", UsernameError::Colon { index: 1 }.into()),
        (
            b"ab\r",
            b"h",
            UsernameError::CarriageReturn { index: 2 }.into(),
        ),
        (b"\n", b"h", UsernameError::LineFeed { index: 0 }.into()),
        (b"a\0", b"h", UsernameError::Nul { index: 1 }.into()),
        (b"#a", b"h", UsernameError::CommentMarker.into()),
        (b" a", b"h", UsernameError::LeadingWhitespace.into()),
        (b"\ta", b"h", UsernameError::LeadingWhitespace.into()),
        (b"u", b"Hun:ter2", HashFieldError::Colon { index: 3 }.into()),
        (
            b"u",
            b"Hunter2\r",
            HashFieldError::CarriageReturn { index: 7 }.into(),
        ),
        (b"u", b"s\nx", HashFieldError::LineFeed { index: 1 }.into()),
        (b"u", b"s\0", HashFieldError::Nul { index: 1 }.into()),
    ];
    for (user, hash, want) in cases {
        let err = f.add(user, hash).unwrap_err();
        assert_eq!(&err, want, "{user:?}");
        let msg = err.to_string();
        assert!(!msg.contains("Hun") && !msg.contains("ter2"), "{msg}");
        assert!(
            msg.chars().next().unwrap().is_lowercase() && !msg.ends_with('.'),
            "{msg}"
        );
    }
    assert_eq!(
        EditError::from(UsernameError::Colon { index: 1 }).to_string(),
        "username contains ':' at byte 1; ':' separates the username from the hash"
    );
    assert!(f.to_bytes().is_empty());
}

#[test]
fn apache_limits_are_enforced_and_none_lifts_them() {
    let mut f = HtpasswdFile::new();
    let long_user = vec![b'u'; 256];
    assert_eq!(
        f.add(&long_user, b"h"),
        Err(UsernameError::TooLong { len: 256, max: 255 }.into())
    );
    assert_eq!(
        f.add(&[b'u'; 252], b"hh"),
        Err(LimitError::RecordTooLong { len: 255, max: 254 }.into())
    );
    assert!(f.add(&[b'u'; 251], b"hh").is_ok());
    assert_eq!(
        Limits::APACHE.check_password(&[b'p'; 256]),
        Err(LimitError::PasswordTooLong { len: 256, max: 255 })
    );
    assert!(Limits::APACHE.check_password(&[b'p'; 255]).is_ok());
    assert_eq!(
        LimitError::PasswordTooLong { len: 256, max: 255 }.to_string(),
        "password is 256 bytes long; the limit is 255 bytes"
    );
    f.set_limits(Limits::NONE);
    assert!(f.add(&long_user, &[b'h'; 1000]).is_ok());
    assert!(Limits::NONE.check_password(&[b'p'; 100_000]).is_ok());
    // Structural rules hold whatever the limits.
    assert!(f.add(b"x:y", b"h").is_err());
}

// ---------------------------------------------------------------------------------------------
// Against Apache's htpasswd

fn run_htpasswd(tool: &std::path::Path, args: &[&[u8]]) -> (i32, Vec<u8>) {
    use std::os::unix::ffi::OsStrExt as _;
    let out = Command::new(tool)
        .args(args.iter().map(|a| std::ffi::OsStr::from_bytes(a)))
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), out.stderr)
}

/// Random LF-only files (comments, blank lines, duplicates, leading white space) edited with
/// `htpasswd -bp` (plaintext, so the "hash" is deterministic) and `htpasswd -D`, and with
/// `set`/`delete` here: the resulting files are byte-identical. CRLF, third fields and a missing
/// final newline are left out: there we diverge on purpose (docs/COMPATIBILITY.md).
#[test]
fn set_and_delete_match_apache_htpasswd_byte_for_byte() {
    let test = "set_and_delete_match_apache_htpasswd_byte_for_byte";
    let Some(tool) = support::reference_tool("htpasswd", test) else {
        return;
    };
    let mut rng = support::Rng::new(support::seed(test));
    let dir = crate::file_support::TempDir::new("apache-diff");
    let path = dir.path().join("f");
    let pool: &[&[u8]] = &[
        b"a:1", b"b:2", b"a:3", b"# a:c", b" \t#b:c", b"", b"  ", b" a:4", b"\tc:5", b"c :6",
    ];
    let users: &[&[u8]] = &[b"a", b"b", b"c", b"d", b"c ", b"\xc3\xa9"];
    for case in 0..150 {
        let mut content = Vec::new();
        for _ in 0..rng.below(8) {
            content.extend_from_slice(pool[rng.below(pool.len())]);
            content.push(b'\n');
        }
        std::fs::write(&path, &content).unwrap();
        let user = *rng.pick(users);
        let delete = rng.below(3) == 0;
        let mut ours = HtpasswdFile::parse(&content);
        let (code, stderr) = if delete {
            ours.delete(user);
            run_htpasswd(&tool, &[b"-D", path.as_os_str().as_encoded_bytes(), user])
        } else {
            let pw = format!("pw{case}");
            ours.set(user, pw.as_bytes()).unwrap();
            run_htpasswd(
                &tool,
                &[
                    b"-bp",
                    path.as_os_str().as_encoded_bytes(),
                    user,
                    pw.as_bytes(),
                ],
            )
        };
        assert_eq!(code, 0, "{}", String::from_utf8_lossy(&stderr));
        let theirs = std::fs::read(&path).unwrap();
        assert_eq!(
            ours.to_bytes().escape_ascii().to_string(),
            theirs.escape_ascii().to_string(),
            "case {case}: input {:?}, user {:?}, delete {delete}",
            content.escape_ascii().to_string(),
            user.escape_ascii().to_string()
        );
    }
}

/// Apache refuses (exit 7) exactly the files `check_entries` rejects, and its length limits
/// (exit 5) match [`Limits::APACHE`] at the boundaries.
#[test]
fn invalid_files_and_length_limits_match_apache_htpasswd() {
    let test = "invalid_files_and_length_limits_match_apache_htpasswd";
    let Some(tool) = support::reference_tool("htpasswd", test) else {
        return;
    };
    let dir = crate::file_support::TempDir::new("apache-limits");
    let path = dir.path().join("f");
    let p = path.as_os_str().as_encoded_bytes();
    for content in [
        &b"junk\n"[..],
        b"a:1\njunk\n",
        b"a:1\n x \n",
        b"a:1\n\n# c\n \t\n",
        b"a:1\r\n",
        b"x\r\n",
    ] {
        std::fs::write(&path, content).unwrap();
        let (code, _) = run_htpasswd(&tool, &[b"-bp", p, b"u", b"pw"]);
        let ours = HtpasswdFile::parse(content).check_entries();
        assert_eq!(
            code == 7,
            ours.is_err(),
            "{:?}",
            content.escape_ascii().to_string()
        );
    }
    for (user_len, pw_len) in [(255, 1), (256, 1), (251, 2), (252, 2), (1, 252), (1, 253)] {
        std::fs::write(&path, b"").unwrap();
        let user = vec![b'u'; user_len];
        let pw = vec![b'p'; pw_len];
        let (code, _) = run_htpasswd(&tool, &[b"-bp", p, &user, &pw]);
        let ours = HtpasswdFile::new().add(&user, &pw);
        assert_eq!(
            code == 5,
            ours.is_err(),
            "user {user_len}, password {pw_len}: {ours:?}"
        );
        assert!(code == 0 || code == 5);
    }
    for pw_len in [255, 256] {
        let pw = vec![b'p'; pw_len];
        let (code, _) = run_htpasswd(&tool, &[b"-nbm", b"u", &pw]);
        assert_eq!(
            code == 5,
            Limits::APACHE.check_password(&pw).is_err(),
            "{pw_len}"
        );
    }
}
