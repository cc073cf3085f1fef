//! Lint: what in a file will not work, or will work differently, on the servers that read it.
//!
//! Per entry: its [`Scheme`], whether that scheme is weak, and which [`Target`]s can check it.
//! File-wide: BOM, CRLF line ends, lines without `:`, duplicates, over-long lines, white space
//! around usernames or hashes, hashes that do not parse as their scheme (no password matches
//! them), hashes past the cost ceiling ([`CostLimits`]: checked by no server in reasonable time,
//! refused by our checks), and 13-character fields that read as DES crypt although they may be a
//! plaintext password. Findings never quote a hash field (it may be a plaintext password).

use core::fmt;

use super::model::{HtpasswdFile, LineEnding, LineKind};
use crate::crypt::{CostLimits, Hash, HashParseError, Scheme, Target};

/// Longest line (ending excluded) Apache's htpasswd reads whole: it reads lines into a 256-byte
/// buffer, so a longer line is split and its tail read as a line of its own.
const APACHE_MAX_LINE: usize = 254;

/// Why a scheme is weak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Weakness {
    /// The password is stored as is (`{PLAIN}`, or `htpasswd -p` plaintext).
    Plaintext,
    /// Traditional DES crypt: 8-byte passwords, 12-bit salt, cracked in seconds.
    DesCrypt,
    /// `{SHA}`: one unsalted SHA-1, open to precomputed tables.
    UnsaltedSha1,
    /// `{SSHA}`: one salted SHA-1, fast to brute-force.
    FastSaltedSha1,
    /// `$apr1$` / `$1$`: legacy MD5-crypt (1000 MD5 rounds), fast on GPUs.
    LegacyMd5,
}

impl Weakness {
    /// The weakness of `scheme`, if it has one.
    #[must_use]
    pub fn of(scheme: Scheme) -> Option<Self> {
        match scheme {
            Scheme::Plain | Scheme::Plaintext => Some(Self::Plaintext),
            Scheme::DesCrypt => Some(Self::DesCrypt),
            Scheme::Sha1 => Some(Self::UnsaltedSha1),
            Scheme::Ssha => Some(Self::FastSaltedSha1),
            Scheme::Apr1 | Scheme::Md5Crypt => Some(Self::LegacyMd5),
            _ => None,
        }
    }
}

impl fmt::Display for Weakness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Plaintext => "the password is stored in plain text",
            Self::DesCrypt => {
                "DES crypt uses only the first 8 bytes of the password and is cracked in seconds"
            }
            Self::UnsaltedSha1 => "unsalted SHA-1 is open to precomputed tables",
            Self::FastSaltedSha1 => "salted SHA-1 is a single fast hash",
            Self::LegacyMd5 => "MD5-crypt is a legacy scheme, fast to brute-force on GPUs",
        })
    }
}

/// The lint of one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryReport<'a> {
    /// 1-based line number.
    pub line: usize,
    /// The username, as in the file.
    pub user: &'a [u8],
    /// The scheme of its hash field.
    pub scheme: Scheme,
    /// Why that scheme is weak, if it is.
    pub weakness: Option<Weakness>,
    /// The targets that can check it, in [`Target::ALL`] order.
    pub targets: Vec<Target>,
}

/// One problem found in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Finding {
    /// The file starts with a UTF-8 byte order mark, which servers read as part of the first
    /// username.
    Bom,
    /// Lines ending in CRLF (Apache's `mod_authn_file` strips the CR, nginx ends the hash there;
    /// Apache's htpasswd rewrites edited lines with LF).
    CrLf {
        /// 1-based line numbers.
        lines: Vec<usize>,
    },
    /// A line with no `:` that is neither blank nor a comment: Apache's htpasswd refuses to edit
    /// the file.
    InvalidLine {
        /// 1-based line number.
        line: usize,
    },
    /// A user with several entries: servers use the first only.
    Duplicate {
        /// The username.
        user: Vec<u8>,
        /// 1-based line numbers of its entries.
        lines: Vec<usize>,
    },
    /// A line longer than Apache's htpasswd reads whole (254 bytes without its ending).
    LongLine {
        /// 1-based line number.
        line: usize,
        /// Its length in bytes, ending excluded.
        len: usize,
    },
    /// White space at the start of the line, at the end of the username or around the hash:
    /// Apache skips leading white space, nginx keeps it, so the two disagree on the username (or
    /// a hash that ends in white space fails to match).
    Whitespace {
        /// 1-based line number.
        line: usize,
    },
    /// An entry whose scheme is weak.
    WeakScheme {
        /// 1-based line number.
        line: usize,
        /// Its scheme.
        scheme: Scheme,
        /// Why it is weak.
        weakness: Weakness,
    },
    /// An entry that no known target can check (unknown scheme, locked, empty, plaintext).
    NoTarget {
        /// 1-based line number.
        line: usize,
        /// Its scheme.
        scheme: Scheme,
    },
    /// An entry whose hash has a known scheme's prefix or shape but does not parse as it
    /// (`$apr1$short`, `$2y$99$...`, `{SHA}` with bad base64): no password matches it.
    Malformed {
        /// 1-based line number.
        line: usize,
        /// The scheme its prefix or shape names.
        scheme: Scheme,
        /// What is wrong (names the defect, never the field).
        reason: HashParseError,
    },
    /// An entry whose cost is over the ceiling ([`CostLimits`]): our checks refuse it
    /// ([`HashParseError::TooCostly`]) and a server would spend minutes to hours per check.
    TooCostly {
        /// 1-based line number.
        line: usize,
        /// Its scheme.
        scheme: Scheme,
        /// The cost and the ceiling ([`HashParseError::TooCostly`]).
        reason: HashParseError,
    },
    /// A 13-character field of the crypt alphabet: servers read it as a DES crypt hash, so if it
    /// was meant as a plaintext password (`htpasswd -p`), no server accepts that password.
    DesLookalike {
        /// 1-based line number.
        line: usize,
    },
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn list(lines: &[usize]) -> String {
            let mut s: Vec<String> = lines.iter().take(10).map(ToString::to_string).collect();
            if lines.len() > 10 {
                s.push(format!("and {} more", lines.len() - 10));
            }
            s.join(", ")
        }
        match self {
            Self::Bom => write!(
                f,
                "the file starts with a UTF-8 byte order mark, which servers read as part of the first username"
            ),
            Self::CrLf { lines } => write!(
                f,
                "line(s) {} end in CRLF; servers accept it, but Apache's htpasswd rewrites edited lines with LF",
                list(lines)
            ),
            Self::InvalidLine { line } => write!(
                f,
                "line {line} has no ':' and is not a comment or blank; Apache's htpasswd refuses to edit this file"
            ),
            Self::Duplicate { user, lines } => write!(
                f,
                "user '{}' has entries on lines {}; servers use only the first",
                user.escape_ascii(),
                list(lines)
            ),
            Self::LongLine { line, len } => write!(
                f,
                "line {line} is {len} bytes long; Apache's htpasswd reads at most {APACHE_MAX_LINE}"
            ),
            Self::Whitespace { line } => write!(
                f,
                "line {line} has white space around the username or hash; Apache trims it, nginx does not"
            ),
            Self::WeakScheme {
                line,
                scheme,
                weakness,
            } => write!(f, "line {line} uses {}: {weakness}", scheme.name()),
            Self::NoTarget { line, scheme } => write!(
                f,
                "line {line} uses {}, which no known server can check",
                scheme.name()
            ),
            Self::Malformed {
                line,
                scheme,
                reason,
            } => write!(
                f,
                "line {line} has a malformed {} hash, which matches no password: {reason}",
                scheme.name()
            ),
            Self::TooCostly { line, reason, .. } => write!(f, "line {line}: {reason}"),
            Self::DesLookalike { line } => write!(
                f,
                "line {line} has 13 characters that read as DES crypt: if this is a plaintext \
                 password, no server will accept it as such"
            ),
        }
    }
}

/// The lint of a whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintReport<'a> {
    /// One report per entry, in file order.
    pub entries: Vec<EntryReport<'a>>,
    /// Problems, in the order: BOM, CRLF, then per line in file order, then duplicates.
    pub findings: Vec<Finding>,
}

impl LintReport<'_> {
    /// Entries that `target` cannot check.
    pub fn unsupported_by(&self, target: Target) -> impl Iterator<Item = &EntryReport<'_>> {
        self.entries
            .iter()
            .filter(move |e| !e.targets.contains(&target))
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | 0x0b | 0x0c)
}

/// Lints a file, with the default cost ceilings ([`CostLimits::DEFAULT`]).
#[must_use]
pub fn lint(file: &HtpasswdFile) -> LintReport<'_> {
    lint_with_limits(file, &CostLimits::DEFAULT)
}

/// The findings about one entry's hash field beyond its scheme: malformed, too costly, or a
/// DES hash that may be a plaintext password. Parsing only; nothing is hashed.
fn hash_findings(
    line: usize,
    scheme: Scheme,
    field: &[u8],
    limits: &CostLimits,
) -> Option<Finding> {
    if matches!(scheme, Scheme::Plain | Scheme::Plaintext | Scheme::Unknown) {
        return None;
    }
    match Hash::parse_with_limits(field, limits) {
        Ok(_) if scheme == Scheme::DesCrypt => Some(Finding::DesLookalike { line }),
        Ok(_) => None,
        Err(reason @ HashParseError::TooCostly { .. }) => Some(Finding::TooCostly {
            line,
            scheme,
            reason,
        }),
        Err(reason) => Some(Finding::Malformed {
            line,
            scheme,
            reason,
        }),
    }
}

/// Lints a file, reporting hashes past `limits` as [`Finding::TooCostly`].
#[must_use]
pub fn lint_with_limits<'a>(file: &'a HtpasswdFile, limits: &CostLimits) -> LintReport<'a> {
    let mut findings = Vec::new();
    if file.has_bom() {
        findings.push(Finding::Bom);
    }
    let crlf: Vec<usize> = file
        .lines()
        .filter(|l| l.ending == LineEnding::CrLf)
        .map(|l| l.number)
        .collect();
    if !crlf.is_empty() {
        findings.push(Finding::CrLf { lines: crlf });
    }
    let mut entries = Vec::new();
    let mut line_entries = file.entries().peekable();
    for l in file.lines() {
        if l.text.len() > APACHE_MAX_LINE {
            findings.push(Finding::LongLine {
                line: l.number,
                len: l.text.len(),
            });
        }
        match l.kind {
            LineKind::Invalid => findings.push(Finding::InvalidLine { line: l.number }),
            LineKind::Entry => {
                let Some(e) = line_entries.next_if(|e| e.line == l.number) else {
                    continue;
                };
                let user_ws = l.text.first().is_some_and(|&b| is_space(b))
                    || e.user.last().is_some_and(|&b| is_space(b));
                let hash_ws = e.hash.first().is_some_and(|&b| is_space(b))
                    || e.hash.last().is_some_and(|&b| is_space(b));
                if user_ws || hash_ws {
                    findings.push(Finding::Whitespace { line: e.line });
                }
                let scheme = Scheme::classify(e.hash);
                let weakness = Weakness::of(scheme);
                let targets: Vec<Target> = scheme.supporting_targets().collect();
                if let Some(weakness) = weakness {
                    findings.push(Finding::WeakScheme {
                        line: e.line,
                        scheme,
                        weakness,
                    });
                }
                if targets.is_empty() {
                    findings.push(Finding::NoTarget {
                        line: e.line,
                        scheme,
                    });
                }
                findings.extend(hash_findings(e.line, scheme, e.hash, limits));
                entries.push(EntryReport {
                    line: e.line,
                    user: e.user,
                    scheme,
                    weakness,
                    targets,
                });
            }
            LineKind::Blank | LineKind::Comment => {}
        }
    }
    for d in file.duplicates() {
        findings.push(Finding::Duplicate {
            user: d.user.to_vec(),
            lines: d.lines,
        });
    }
    LintReport { entries, findings }
}
