//! RFC 7617 `Basic` credentials: parsing an `Authorization` / `Proxy-Authorization` value, and the
//! `WWW-Authenticate` / `Proxy-Authenticate` challenge.

use core::fmt;

use base64ct::{Base64, Base64Unpadded, Encoding};
use zeroize::Zeroizing;

/// The longest header value [`parse_basic`] reads by default (bytes).
pub const DEFAULT_MAX_HEADER_LEN: usize = 8192;

/// A user-id and password from a `Basic` header. The password is wiped when dropped and never
/// printed by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    user: Vec<u8>,
    password: Zeroizing<Vec<u8>>,
}

impl Credentials {
    /// The user-id (UTF-8 when the client honoured `charset="UTF-8"`; any bytes otherwise).
    #[must_use]
    pub fn user(&self) -> &[u8] {
        &self.user
    }

    /// The password.
    #[must_use]
    pub fn password(&self) -> &[u8] {
        &self.password
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &String::from_utf8_lossy(&self.user))
            .field("password", &"<redacted>")
            .finish()
    }
}

/// Why a header value is not usable `Basic` credentials. Never contains the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BasicError {
    /// Longer than the limit.
    TooLong,
    /// Another scheme than `Basic` (or none).
    NotBasic,
    /// The token is not base64 (RFC 4648, padded or not), or absent.
    BadBase64,
    /// The decoded credentials have no `:` between user-id and password.
    NoColon,
    /// The user-id contains a control character (RFC 7617 section 2).
    ControlInUser,
}

impl fmt::Display for BasicError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::TooLong => "the credentials header is too long",
            Self::NotBasic => "the credentials are not of the Basic scheme",
            Self::BadBase64 => "the Basic credentials are not valid base64",
            Self::NoColon => "the Basic credentials have no ':' after the user-id",
            Self::ControlInUser => "the Basic user-id contains a control character",
        })
    }
}

impl std::error::Error for BasicError {}

/// Parses an `Authorization` (or `Proxy-Authorization`) value as RFC 7617 `Basic` credentials:
/// the scheme name in any case, one or more spaces, a base64 token (padding optional), decoded
/// to `user-id ":" password` split at the first `:`. At most `max_len` bytes are read.
///
/// ```
/// use tower_htpasswd::basic::{BasicError, parse_basic};
///
/// // RFC 7617 section 2: "Aladdin" / "open sesame".
/// let c = parse_basic(b"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", 8192)?;
/// assert_eq!((c.user(), c.password()), (&b"Aladdin"[..], &b"open sesame"[..]));
/// // Section 2.1: "test" / "123\u{A3}" in UTF-8.
/// let c = parse_basic(b"basic dGVzdDoxMjPCow", 8192)?;
/// assert_eq!(c.password(), "123\u{A3}".as_bytes());
/// assert_eq!(parse_basic(b"Bearer abc", 8192), Err(BasicError::NotBasic));
/// # Ok::<(), BasicError>(())
/// ```
///
/// # Errors
/// [`BasicError`] naming the defect.
pub fn parse_basic(value: &[u8], max_len: usize) -> Result<Credentials, BasicError> {
    if value.len() > max_len {
        return Err(BasicError::TooLong);
    }
    let value = trim(value);
    let scheme_end = value
        .iter()
        .position(|&b| b == b' ' || b == b'\t')
        .unwrap_or(value.len());
    if !value[..scheme_end].eq_ignore_ascii_case(b"basic") {
        return Err(BasicError::NotBasic);
    }
    let token = trim(&value[scheme_end..]);
    if token.is_empty() || token.iter().any(|&b| b == b' ' || b == b'\t' || b == b',') {
        return Err(BasicError::BadBase64);
    }
    let mut decoded = Zeroizing::new(vec![0u8; token.len() / 4 * 3 + 3]);
    let len = if token.len().is_multiple_of(4) {
        Base64::decode(token, &mut decoded).map(<[u8]>::len)
    } else {
        Base64Unpadded::decode(token, &mut decoded).map(<[u8]>::len)
    }
    .map_err(|_| BasicError::BadBase64)?;
    let decoded = &decoded[..len];
    let colon = memchr(b':', decoded).ok_or(BasicError::NoColon)?;
    let user = &decoded[..colon];
    if user.iter().any(|&b| b < 0x20 || b == 0x7f) {
        return Err(BasicError::ControlInUser);
    }
    Ok(Credentials {
        user: user.to_vec(),
        password: Zeroizing::new(decoded[colon + 1..].to_vec()),
    })
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
}

fn trim(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

/// The challenge value: `Basic realm="<realm>", charset="UTF-8"`, the realm's `"` and `\`
/// escaped and its control characters dropped.
///
/// ```
/// use tower_htpasswd::basic::challenge;
///
/// assert_eq!(challenge("Staff \"only\""), r#"Basic realm="Staff \"only\"", charset="UTF-8""#);
/// ```
#[must_use]
pub fn challenge(realm: &str) -> String {
    let mut out = String::with_capacity(realm.len() + 40);
    out.push_str("Basic realm=\"");
    for c in realm.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push_str("\", charset=\"UTF-8\"");
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn accepts_rfc_forms_and_refuses_the_rest() {
        let ok = |v: &[u8]| parse_basic(v, 100).unwrap();
        let c = ok(b"  BASIC   QWxhZGRpbjpvcGVuIHNlc2FtZQ==  ");
        assert_eq!(c.user(), b"Aladdin");
        // Unpadded, empty password, colons in the password.
        assert_eq!(ok(b"Basic dTo").password(), b"");
        assert_eq!(ok(b"Basic dTphOmI=").password(), b"a:b");
        assert!(!format!("{c:?}").contains("sesame"));
        let err = |v: &[u8]| parse_basic(v, 100).unwrap_err();
        assert_eq!(err(b""), BasicError::NotBasic);
        assert_eq!(err(b"Basic"), BasicError::BadBase64);
        assert_eq!(err(b"Basic !!!!"), BasicError::BadBase64);
        assert_eq!(err(b"Basic a b"), BasicError::BadBase64);
        assert_eq!(err(b"Basicx QQ=="), BasicError::NotBasic);
        assert_eq!(err(b"Basic QQ=="), BasicError::NoColon);
        // "\x01:" as user-id.
        assert_eq!(err(b"Basic AToK"), BasicError::ControlInUser);
        assert_eq!(parse_basic(&[b'a'; 101], 100), Err(BasicError::TooLong));
    }
}
