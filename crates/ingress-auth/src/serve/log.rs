//! Log lines on standard error: one per refused check and per reload, as text (`key=value`
//! pairs after a timestamp) or as JSON objects. User names are escaped (control characters,
//! invisible characters, quotes, backslashes); passwords never reach this module.

use std::fmt::Write as _;
use std::io::{self, Write as _};
use std::net::IpAddr;
use std::time::{SystemTime, UNIX_EPOCH};

/// Text or JSON lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// `2026-01-02T03:04:05.678Z event=check outcome=denied user="alice" client=1.2.3.4`.
    Text,
    /// `{"ts":"...","event":"check","outcome":"denied","user":"alice","client":"1.2.3.4"}`.
    Json,
}

/// A field's value.
pub(crate) enum Value<'a> {
    /// A string (quoted and escaped in text when it needs it).
    Str(&'a str),
    /// A number.
    Num(u64),
}

/// Writes log lines in one format.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Log {
    format: Format,
}

impl Log {
    pub(crate) fn new(format: Format) -> Self {
        Self { format }
    }

    /// One line: the timestamp, then `fields` in order.
    pub(crate) fn line(&self, fields: &[(&str, Value<'_>)]) {
        let line = self.render(&now_rfc3339(), fields);
        // A closed stderr must not stop the server.
        let _ = io::stderr().lock().write_all(line.as_bytes());
    }

    fn render(&self, ts: &str, fields: &[(&str, Value<'_>)]) -> String {
        let mut out = String::with_capacity(128);
        match self.format {
            Format::Text => {
                out.push_str(ts);
                for (key, value) in fields {
                    out.push(' ');
                    out.push_str(key);
                    out.push('=');
                    match value {
                        Value::Str(s) => push_text_value(&mut out, s),
                        Value::Num(n) => {
                            let _ = write!(out, "{n}");
                        }
                    }
                }
            }
            Format::Json => {
                let mut map = serde_json::Map::new();
                map.insert("ts".to_owned(), ts.into());
                for (key, value) in fields {
                    let v = match value {
                        Value::Str(s) => serde_json::Value::from(*s),
                        Value::Num(n) => serde_json::Value::from(*n),
                    };
                    map.insert((*key).to_owned(), v);
                }
                out.push_str(&serde_json::Value::Object(map).to_string());
            }
        }
        out.push('\n');
        out
    }

    /// A refused check.
    pub(crate) fn refused(
        &self,
        protocol: &str,
        outcome: &str,
        user: Option<&[u8]>,
        client: IpAddr,
    ) {
        let user = user.map(user_name);
        let client = client.to_string();
        let mut fields = vec![
            ("level", Value::Str("warn")),
            ("event", Value::Str("check")),
            ("protocol", Value::Str(protocol)),
            ("outcome", Value::Str(outcome)),
        ];
        if let Some(user) = &user {
            fields.push(("user", Value::Str(user)));
        }
        fields.push(("client", Value::Str(&client)));
        self.line(&fields);
    }
}

/// A user name for a log line: invalid UTF-8 replaced, control and invisible characters
/// escaped (`\n`, `\u{202e}`), so that a hostile name cannot forge a line or hide text.
pub(crate) fn user_name(bytes: &[u8]) -> String {
    htpasswd_cli_support::printable(bytes)
}

/// A text value: bare when it is one plain word, else quoted with `"` and `\` escaped.
fn push_text_value(out: &mut String, s: &str) {
    let bare = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '-' | '_' | '/'));
    if bare {
        out.push_str(s);
        return;
    }
    out.push('"');
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.extend(c.escape_debug()),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The current UTC time as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
fn now_rfc3339() -> String {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    rfc3339(since.as_secs(), since.subsec_millis())
}

/// `secs` since the epoch as an RFC 3339 UTC timestamp with milliseconds.
fn rfc3339(secs: u64, millis: u32) -> String {
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// Howard Hinnant's `civil_from_days` for days since 1970-01-01 (non-negative).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(rfc3339(0, 0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(951_782_400, 5), "2000-02-29T00:00:00.005Z");
        assert_eq!(rfc3339(1_798_761_599, 999), "2026-12-31T23:59:59.999Z");
    }

    #[test]
    fn text_lines_escape_hostile_names() {
        let log = Log::new(Format::Text);
        let name = user_name(b"eve\n2026 event=reload \"x\\\x1b[31m");
        let line = log.render(
            "T",
            &[("event", Value::Str("check")), ("user", Value::Str(&name))],
        );
        assert_eq!(line.lines().count(), 1, "{line}");
        assert!(!line.contains('\x1b'), "{line}");
        assert!(
            line.starts_with("T event=check user=\"eve\\\\n2026"),
            "{line}"
        );
        assert!(line.contains(r#"\"x\\"#), "{line}");
    }

    #[test]
    fn json_lines_parse_back() {
        let log = Log::new(Format::Json);
        let name = user_name(b"a\"b\n\xff");
        let line = log.render(
            "T",
            &[("user", Value::Str(&name)), ("users", Value::Num(3))],
        );
        assert_eq!(line.lines().count(), 1);
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["ts"], "T");
        assert_eq!(v["user"], "a\"b\\n\u{fffd}");
        assert_eq!(v["users"], 3);
    }
}
