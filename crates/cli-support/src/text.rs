//! Text formats shared by both binaries: `user:password` lines and printable names.

/// One `user:password` line: the user is everything before the first `:`, the password
/// everything after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct UserLine<'a> {
    /// 1-based line number.
    pub number: usize,
    /// The user name (not checked: that is the caller's rule).
    pub user: &'a [u8],
    /// The password (may be empty; not checked).
    pub password: &'a [u8],
}

/// A line that is neither blank, a comment, nor `user:password`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct MissingColon {
    /// 1-based line number.
    pub number: usize,
}

impl std::fmt::Display for MissingColon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: no ':' between user and password", self.number)
    }
}

impl std::error::Error for MissingColon {}

/// The `user:password` lines of a users file (`htpasswd-rs --batch`, `ingress-auth
/// --users-file`), in order. Lines end at `\n`, and one `\r` before it is removed; blank lines
/// (empty or only spaces and tabs) and lines starting with `#` are skipped. A line without `:`
/// is an error naming its number only, never its text (it may be a password).
pub fn user_lines(bytes: &[u8]) -> impl Iterator<Item = Result<UserLine<'_>, MissingColon>> {
    bytes
        .split(|&b| b == b'\n')
        .enumerate()
        .filter_map(|(i, raw)| {
            let number = i + 1;
            let text = raw.strip_suffix(b"\r").unwrap_or(raw);
            if text.iter().all(|&b| b == b' ' || b == b'\t') || text.first() == Some(&b'#') {
                return None;
            }
            Some(match text.iter().position(|&b| b == b':') {
                Some(colon) => Ok(UserLine {
                    number,
                    user: &text[..colon],
                    password: &text[colon + 1..],
                }),
                None => Err(MissingColon { number }),
            })
        })
}

/// `bytes` for a message on a terminal: invalid UTF-8 replaced; control characters (`\u{1b}`,
/// `\n`, ...), bidirectional overrides and other invisible characters escaped as Rust's `{:?}`
/// escapes them, so that a hostile name cannot send escape sequences to the terminal or make a
/// message read as something else. Quotes and backslashes are left as they are.
#[must_use]
pub fn printable(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for c in String::from_utf8_lossy(bytes).chars() {
        if matches!(c, '"' | '\\' | '\'') || c.escape_debug().nth(1).is_none() {
            out.push(c);
        } else {
            out.extend(c.escape_debug());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn lines_split_at_the_first_colon_skipping_blanks_and_comments() {
        let text = b"# users\nalice:pw:with:colons\r\n\n \t\nbob:\r\n#carol:x\ndave:p w \n";
        let got: Vec<_> = user_lines(text).map(Result::unwrap).collect();
        let want = [
            (2, &b"alice"[..], &b"pw:with:colons"[..]),
            (5, b"bob", b""),
            (7, b"dave", b"p w "),
        ];
        assert_eq!(got.len(), want.len());
        for (g, (number, user, password)) in got.iter().zip(want) {
            assert_eq!((g.number, g.user, g.password), (number, user, password));
        }
    }

    #[test]
    fn a_line_without_colon_is_named_by_number_only() {
        let mut lines = user_lines(b"alice:1\nhunter2\nbob:2");
        assert!(lines.next().unwrap().is_ok());
        let e = lines.next().unwrap().unwrap_err();
        assert_eq!(e, MissingColon { number: 2 });
        assert!(!e.to_string().contains("hunter2"));
        assert_eq!(e.to_string(), "line 2: no ':' between user and password");
    }

    #[test]
    fn control_characters_are_escaped_and_the_rest_kept() {
        assert_eq!(printable(b"ev\x1b[2Jil"), "ev\\u{1b}[2Jil");
        assert_eq!(printable(b"a\nb\tc"), "a\\nb\\tc");
        assert_eq!(
            printable("jos\u{e9} \u{7f}".as_bytes()),
            "jos\u{e9} \\u{7f}"
        );
        assert_eq!(printable(b"\xff"), "\u{fffd}");
    }

    #[test]
    fn printable_escapes_controls_and_invisible_characters_only() {
        assert_eq!(printable(b"alice"), "alice");
        assert_eq!(
            printable("j\u{f6}rg \"q\" a\\b".as_bytes()),
            "j\u{f6}rg \"q\" a\\b"
        );
        assert_eq!(printable(b"a\x1b[31mb\n"), "a\\u{1b}[31mb\\n");
        // Right-to-left override and a zero-width space: invisible, so escaped.
        assert_eq!(
            printable("x\u{202e}y\u{200b}".as_bytes()),
            "x\\u{202e}y\\u{200b}"
        );
        assert_eq!(printable(b"\xff"), "\u{fffd}");
    }
}
