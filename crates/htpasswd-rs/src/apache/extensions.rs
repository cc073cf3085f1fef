//! Long-option extensions of the Apache mode (Apache's htpasswd has no long options, so these
//! can never change the meaning of an Apache command line): `--list FILE` and
//! `--lint [--level LEVEL] FILE`.

use std::ffi::OsString;
use std::path::PathBuf;

use htpasswd_core::htpasswd::{Finding, HtpasswdFile, Weakness, lint, read_file};

use crate::Outcome;
use crate::failure::Failure;

/// The program name of the extensions' messages.
const PROG: &[u8] = b"htpasswd-rs";

/// How serious a lint finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Info,
    Warning,
    Error,
}

impl Level {
    fn name(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "info" => Some(Self::Info),
            "warning" => Some(Self::Warning),
            "error" => Some(Self::Error),
            _ => None,
        }
    }

    /// Errors break logins or edits; warnings are weak or fragile; info is legacy but working.
    fn of(finding: &Finding) -> Self {
        match finding {
            Finding::InvalidLine { .. }
            | Finding::Duplicate { .. }
            | Finding::LongLine { .. }
            | Finding::NoTarget { .. }
            | Finding::Malformed { .. }
            | Finding::TooCostly { .. }
            | Finding::Bom
            | Finding::WeakScheme {
                weakness: Weakness::Plaintext | Weakness::DesCrypt,
                ..
            } => Self::Error,
            Finding::WeakScheme {
                weakness: Weakness::LegacyMd5,
                ..
            } => Self::Info,
            _ => Self::Warning,
        }
    }
}

fn fail(failure: &Failure) -> Outcome {
    Outcome::failed(PROG, failure, Vec::new(), Vec::new())
}

/// The one FILE operand, read and parsed.
fn file_arg(rest: &[OsString], what: &str) -> Result<(PathBuf, HtpasswdFile), Failure> {
    let [file] = rest else {
        return Err(Failure::ExtensionUsage(format!(
            "usage: htpasswd-rs {what} FILE"
        )));
    };
    let path = PathBuf::from(file);
    let parsed = read_file(&path).map_err(|e| Failure::ExtensionRead(e.to_string()))?;
    Ok((path, parsed))
}

/// `--list FILE`: one line per entry, in file order: `user<TAB>scheme<TAB>line N`.
pub(crate) fn list(rest: &[OsString]) -> Outcome {
    let file = match file_arg(rest, "--list") {
        Ok((_, file)) => file,
        Err(failure) => return fail(&failure),
    };
    let mut stdout = Vec::new();
    for e in file.entries() {
        stdout.extend_from_slice(e.user);
        let scheme = htpasswd_core::Scheme::classify(e.hash);
        stdout.extend_from_slice(format!("\t{scheme}\tline {}\n", e.line).as_bytes());
    }
    Outcome::ok(stdout, Vec::new())
}

/// `--lint [--level info|warning|error] FILE`: every finding as `FILE:LINE: LEVEL: message`
/// on stdout; exit 7 when one is at or above the level (default `warning`), else 0.
pub(crate) fn lint_file(rest: &[OsString]) -> Outcome {
    let mut level = Level::Warning;
    let mut rest = rest;
    if let [flag, value, tail @ ..] = rest
        && flag == "--level"
    {
        match value.to_str().and_then(Level::parse) {
            Some(l) => level = l,
            None => {
                return fail(&Failure::ExtensionUsage(
                    "--level must be info, warning or error".to_owned(),
                ));
            }
        }
        rest = tail;
    }
    let (path, file) = match file_arg(rest, "--lint [--level info|warning|error]") {
        Ok(read) => read,
        Err(failure) => return fail(&failure),
    };
    let report = lint(&file);
    let mut stdout = Vec::new();
    let mut worst: Option<Level> = None;
    for f in &report.findings {
        let l = Level::of(f);
        worst = worst.max(Some(l));
        let line = match f {
            Finding::InvalidLine { line }
            | Finding::LongLine { line, .. }
            | Finding::Whitespace { line }
            | Finding::WeakScheme { line, .. }
            | Finding::NoTarget { line, .. }
            | Finding::Malformed { line, .. }
            | Finding::TooCostly { line, .. }
            | Finding::DesLookalike { line } => format!("{line}:"),
            Finding::Duplicate { lines, .. } | Finding::CrLf { lines } => {
                lines.first().map(|l| format!("{l}:")).unwrap_or_default()
            }
            _ => String::new(),
        };
        stdout
            .extend_from_slice(format!("{}:{line} {}: {f}\n", path.display(), l.name()).as_bytes());
    }
    if worst.is_some_and(|w| w >= level) {
        Outcome::failed(PROG, &Failure::LintFindings, stdout, Vec::new())
    } else {
        Outcome::ok(stdout, Vec::new())
    }
}
