//! The users that go into an auth Secret: hashed here from passwords, or taken from an
//! existing htpasswd file.

use core::fmt;
use std::collections::HashSet;

use zeroize::Zeroizing;

use crate::controller::Controller;
use crate::error::{Field, K8sError, check};
use crate::scheme::HashScheme;
use crate::validate;
use htpasswd_core::crypt::md5_crypt::batch::Kernel;
use htpasswd_core::crypt::{Hash, Scheme, generate, generate_batch_with};
use htpasswd_core::htpasswd::HtpasswdFile;

/// Something worth telling the user that did not stop the build.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Notice {
    /// CRLF line endings of an htpasswd file were turned into LF (nginx would otherwise read
    /// nothing wrong, but Apache's `htpasswd` and most tools expect LF).
    CrlfNormalised {
        /// Lines changed.
        lines: usize,
    },
    /// A UTF-8 byte order mark at the start of an htpasswd file was removed (nginx would take it
    /// as part of the first user name).
    BomRemoved,
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::CrlfNormalised { lines } => {
                write!(
                    f,
                    "htpasswd file: {lines} CRLF line ending(s) normalised to LF"
                )
            }
            Self::BomRemoved => f.write_str("htpasswd file: byte order mark removed"),
        }
    }
}

/// One user and the hash of their password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserEntry {
    /// The user name.
    pub user: String,
    /// The hash field.
    pub hash: String,
    /// Its scheme.
    pub scheme: Scheme,
}

/// A password kept in clear for a controller that hashes it itself ([`Controller::takes_plaintext`]):
/// wiped when dropped, never shown by `Debug`.
#[derive(Clone)]
pub(crate) struct Plaintext(Zeroizing<String>);

impl Plaintext {
    /// The password.
    pub(crate) fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Debug for Plaintext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Plaintext(..)")
    }
}

/// What Kong, which takes passwords in clear, says of a hash given to it.
const NO_HASHES: &str = "use for password hashes: it takes each password in clear and stores its \
                         own hash (hex SHA-1 of the password and the consumer's id), so its users \
                         can only come from passwords (generated, --user NAME:PASSWORD, \
                         --users-file, --password-stdin), not from an htpasswd file or another \
                         Secret's hashes";

/// The users of one auth Secret, in the order given, each at most once, every hash checkable by
/// the controller. For a controller that takes passwords in clear (Kong) the set keeps each
/// password instead of a hash (wiped on drop, never shown by `Debug`, read only by this crate's
/// credential builder): its entries have an empty `hash` and the scheme
/// [`Scheme::Plaintext`].
#[derive(Debug, Clone)]
pub struct UserSet {
    controller: Controller,
    /// An htpasswd file taken as it is (LF endings, newline-terminated), comments included.
    file_text: String,
    entries: Vec<UserEntry>,
    /// Per entry: whether it came from `file_text` (and so is already in the text).
    from_file: Vec<bool>,
    /// The user names of `entries`, so that a repeated name is found without a scan.
    names: HashSet<String>,
    /// Per entry: the password in clear, for a controller that takes it so (Kong).
    plaintext: Vec<Option<Plaintext>>,
    /// The md5-crypt kernel for apr1 and `$1$` batches.
    md5_kernel: Kernel,
}

impl UserSet {
    /// An empty set for `controller`.
    #[must_use]
    pub fn new(controller: Controller) -> Self {
        Self {
            controller,
            file_text: String::new(),
            entries: Vec::new(),
            from_file: Vec::new(),
            names: HashSet::new(),
            plaintext: Vec::new(),
            md5_kernel: Kernel::best(),
        }
    }

    /// Hashes apr1 and MD5-crypt passwords with `kernel` instead of the fastest one this CPU
    /// runs ([`Kernel::best`], the default): for comparisons and tests, as the binaries'
    /// `HTPASSWD_MD5_KERNEL` asks. A kernel this CPU does not run falls back to the scalar one;
    /// the hashes are the same whichever kernel makes them.
    #[must_use]
    pub fn with_md5_kernel(mut self, kernel: Kernel) -> Self {
        self.md5_kernel = kernel;
        self
    }

    /// The users, in order.
    #[must_use]
    pub fn entries(&self) -> &[UserEntry] {
        &self.entries
    }

    /// Whether there are no users.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn check_new_user(&self, user: &str) -> Result<(), K8sError> {
        check(Field::Username, user, validate::username)?;
        if self.names.contains(user) {
            return Err(K8sError::DuplicateUser {
                user: user.to_owned(),
            });
        }
        Ok(())
    }

    /// Adds a checked entry (its name is new: [`UserSet::check_new_user`]).
    fn push(&mut self, entry: UserEntry, from_file: bool) {
        self.names.insert(entry.user.clone());
        self.entries.push(entry);
        self.from_file.push(from_file);
        self.plaintext.push(None);
    }

    /// Adds a checked user whose password the controller takes in clear.
    fn push_plain(&mut self, user: &str, password: Plaintext) {
        self.push(
            UserEntry {
                user: user.to_owned(),
                hash: String::new(),
                scheme: Scheme::Plaintext,
            },
            false,
        );
        if let Some(last) = self.plaintext.last_mut() {
            *last = Some(password);
        }
    }

    /// The password in clear of entry `index`, where the controller takes it so (Kong).
    pub(crate) fn plaintext(&self, index: usize) -> Option<&Plaintext> {
        self.plaintext.get(index).and_then(Option::as_ref)
    }

    /// The refusal of hashes for a controller that takes passwords in clear.
    fn refuse_hashes(&self) -> Result<(), K8sError> {
        if self.controller.takes_plaintext() {
            return Err(K8sError::Unsupported {
                controller: self.controller,
                what: NO_HASHES,
            });
        }
        Ok(())
    }

    fn check_scheme(&self, user: &str, scheme: Scheme) -> Result<(), K8sError> {
        let target = self.controller.target();
        if scheme.supported_by(target) {
            Ok(())
        } else {
            Err(K8sError::UnsupportedScheme {
                user: user.to_owned(),
                scheme,
                target,
            })
        }
    }

    /// Adds `user` with `password` hashed as `scheme` says (fresh salt from the OS CSPRNG). For
    /// a controller that takes passwords in clear (Kong) the password is kept as it is and
    /// `scheme` is not used.
    ///
    /// # Errors
    /// An invalid or repeated user name, a scheme the controller cannot check, an empty
    /// password, or a hashing failure (bcrypt refuses passwords over 72 bytes); for Kong a
    /// password that is not UTF-8 ([`K8sError::InvalidPassword`]).
    pub fn add_password(
        &mut self,
        user: &str,
        password: &[u8],
        scheme: HashScheme,
    ) -> Result<(), K8sError> {
        self.check_new_user(user)?;
        if self.controller.takes_plaintext() {
            let kept = plaintext_password(user, password)?;
            self.push_plain(user, kept);
            return Ok(());
        }
        self.check_scheme(user, scheme.scheme())?;
        if password.is_empty() {
            return Err(K8sError::EmptyPassword {
                user: user.to_owned(),
            });
        }
        let made = generate(&scheme.params(), password)?;
        let hash = Zeroizing::new(made.as_bytes().to_vec());
        let hash = String::from_utf8_lossy(&hash).into_owned();
        self.push(
            UserEntry {
                user: user.to_owned(),
                hash,
                scheme: made.scheme(),
            },
            false,
        );
        Ok(())
    }

    /// Adds many users at once: every name, password and the scheme are checked first (nothing
    /// is added if one fails), then the passwords are hashed; apr1 runs through the
    /// multi-buffer batch, every scheme on all cores ([`htpasswd_core::crypt::generate_batch`]). Fresh salts from the OS CSPRNG.
    ///
    /// # Errors
    /// The index into `users` of the first bad pair, with what [`UserSet::add_password`] would
    /// say of it (a name also repeated within `users` counts as repeated).
    pub fn add_passwords(
        &mut self,
        users: &[(&str, &[u8])],
        scheme: HashScheme,
    ) -> Result<(), (usize, K8sError)> {
        let mut given: HashSet<&str> = HashSet::with_capacity(users.len());
        for (i, (user, password)) in users.iter().enumerate() {
            self.check_new_user(user).map_err(|e| (i, e))?;
            if !given.insert(user) {
                let repeated = K8sError::DuplicateUser {
                    user: (*user).to_owned(),
                };
                return Err((i, repeated));
            }
            if self.controller.takes_plaintext() {
                plaintext_password(user, password).map_err(|e| (i, e))?;
                continue;
            }
            self.check_scheme(user, scheme.scheme())
                .map_err(|e| (i, e))?;
            if password.is_empty() {
                let empty = K8sError::EmptyPassword {
                    user: (*user).to_owned(),
                };
                return Err((i, empty));
            }
        }
        if self.controller.takes_plaintext() {
            for (i, (user, password)) in users.iter().enumerate() {
                let kept = plaintext_password(user, password).map_err(|e| (i, e))?;
                self.push_plain(user, kept);
            }
            return Ok(());
        }
        let hashes = hash_all(users, scheme, self.md5_kernel)?;
        for ((user, _), hash) in users.iter().zip(hashes) {
            let entry = UserEntry {
                user: (*user).to_owned(),
                hash,
                scheme: scheme.scheme(),
            };
            self.push(entry, false);
        }
        Ok(())
    }

    /// Adds `user` with an existing `hash` (as read from another Secret).
    ///
    /// # Errors
    /// An invalid or repeated user name; [`K8sError::InvalidHash`] for a hash with white space
    /// or control characters (a line break would smuggle another user into an htpasswd file)
    /// or one that does not parse as a hash of its scheme; a hash the controller cannot check;
    /// [`K8sError::Unsupported`] for a controller that takes passwords in clear (Kong).
    pub fn add_hash(&mut self, user: &str, hash: &str) -> Result<(), K8sError> {
        self.refuse_hashes()?;
        self.check_new_user(user)?;
        let scheme = check_hash(user, hash.as_bytes())?;
        self.check_scheme(user, scheme)?;
        let entry = UserEntry {
            user: user.to_owned(),
            hash: hash.to_owned(),
            scheme,
        };
        self.push(entry, false);
        Ok(())
    }

    /// The controller the users are for.
    #[must_use]
    pub const fn controller(&self) -> Controller {
        self.controller
    }

    /// Adds the users of an htpasswd file, taken as it is: comments and blank lines are kept
    /// for an auth-file Secret; CRLF endings become LF and a leading BOM is dropped (both
    /// reported as [`Notice`]s).
    ///
    /// # Errors
    /// A line that is not `user:hash`, blank or a comment (by number, never quoted); a user name
    /// that breaks [`validate::username`] or is repeated; hashes the controller cannot check
    /// ([`K8sError::UnsupportedLines`], every such line by number); a file that is not UTF-8;
    /// [`K8sError::Unsupported`] for a controller that takes passwords in clear (Kong), before
    /// the file is read.
    pub fn add_htpasswd(&mut self, bytes: &[u8]) -> Result<Vec<Notice>, K8sError> {
        self.refuse_hashes()?;
        let mut notices = Vec::new();
        let mut bytes = bytes;
        if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
            bytes = rest;
            notices.push(Notice::BomRemoved);
        }
        let text = core::str::from_utf8(bytes).map_err(|e| K8sError::InvalidHtpasswdLine {
            line: 1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count(),
            reason: "not UTF-8",
        })?;
        let crlf = text.matches("\r\n").count();
        let text = text.replace("\r\n", "\n");
        if crlf > 0 {
            notices.push(Notice::CrlfNormalised { lines: crlf });
        }
        if let Some(pos) = text.find('\r') {
            return Err(K8sError::InvalidHtpasswdLine {
                line: 1 + text[..pos].matches('\n').count(),
                reason: "carriage return inside the line",
            });
        }
        if let Some(n) = text
            .split('\n')
            .position(|l| l.starts_with([' ', '\t']) && !l.trim().is_empty())
        {
            return Err(K8sError::InvalidHtpasswdLine {
                line: n + 1,
                reason: "leading white space (nginx would take it as part of the user name)",
            });
        }
        let file = HtpasswdFile::parse(text.as_bytes());
        if let Some(line) = file.invalid_lines().next() {
            return Err(K8sError::InvalidHtpasswdLine {
                line,
                reason: "neither user:hash, a comment nor blank",
            });
        }
        let mut unsupported = Vec::new();
        for entry in file.entries() {
            // The text is UTF-8 and ':' / '\n' are ASCII, so the fields are UTF-8 too.
            let user = String::from_utf8_lossy(entry.user).into_owned();
            let hash = String::from_utf8_lossy(entry.hash).into_owned();
            self.check_new_user(&user).map_err(|e| match e {
                K8sError::Invalid { .. } => K8sError::InvalidHtpasswdLine {
                    line: entry.line,
                    reason: "invalid user name (empty, leading or trailing white space, or \
                             control characters)",
                },
                other => other,
            })?;
            let scheme = Scheme::classify(entry.hash);
            if !scheme.supported_by(self.controller.target()) {
                unsupported.push((entry.line, user, scheme));
                continue;
            }
            self.push(UserEntry { user, hash, scheme }, true);
        }
        if !unsupported.is_empty() {
            return Err(K8sError::UnsupportedLines {
                target: self.controller.target(),
                lines: unsupported,
            });
        }
        let mut text = text;
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        self.file_text.push_str(&text);
        Ok(notices)
    }

    /// The htpasswd text of an auth-file Secret: any htpasswd file taken as it is, then one
    /// `user:hash` line per other user. Users kept in clear for Kong have no hash and no line.
    #[must_use]
    pub fn htpasswd_text(&self) -> String {
        let mut out = self.file_text.clone();
        for ((e, _), _) in self
            .entries
            .iter()
            .zip(&self.from_file)
            .zip(&self.plaintext)
            .filter(|((_, from_file), plain)| !**from_file && plain.is_none())
        {
            out.push_str(&e.user);
            out.push(':');
            out.push_str(&e.hash);
            out.push('\n');
        }
        out
    }
}

/// A password to keep in clear (Kong): not empty, and UTF-8 (Kong Ingress Controller sends each
/// credential field as a JSON string, where other bytes would be replaced).
fn plaintext_password(user: &str, password: &[u8]) -> Result<Plaintext, K8sError> {
    if password.is_empty() {
        return Err(K8sError::EmptyPassword {
            user: user.to_owned(),
        });
    }
    let text = core::str::from_utf8(password).map_err(|_| K8sError::InvalidPassword {
        user: user.to_owned(),
        reason: "is not UTF-8 text (Kong's credentials are JSON strings)",
    })?;
    Ok(Plaintext(Zeroizing::new(text.to_owned())))
}

/// Checks a hash taken from input and returns its scheme: no white space or control characters
/// anywhere (nginx would read up to the line's end, and a line break starts another user), and
/// a well-formed hash of a scheme this library knows.
///
/// # Errors
/// [`K8sError::InvalidHash`] naming `user` and the defect, never the hash.
pub(crate) fn check_hash(user: &str, hash: &[u8]) -> Result<Scheme, K8sError> {
    let bad = |reason: String| K8sError::InvalidHash {
        user: user.to_owned(),
        reason,
    };
    if String::from_utf8_lossy(hash)
        .chars()
        .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(bad(
            "it holds white space or control characters (a line break would add another user)"
                .to_owned(),
        ));
    }
    Hash::parse(hash)
        .map(|h| h.scheme())
        .map_err(|e| bad(e.to_string()))
}

/// Hashes every password of `users` with a fresh salt, in order, on all cores
/// ([`generate_batch_with`]: apr1 through the multi-buffer SIMD `kernel`, the rest one task per
/// password).
fn hash_all(
    users: &[(&str, &[u8])],
    scheme: HashScheme,
    kernel: Kernel,
) -> Result<Vec<String>, (usize, K8sError)> {
    let passwords: Vec<&[u8]> = users.iter().map(|(_, password)| *password).collect();
    let made = generate_batch_with(&scheme.params(), &passwords, kernel, &|_| ())
        .map_err(|(i, e)| (i, K8sError::from(e)))?;
    Ok(made
        .iter()
        .map(|m| String::from_utf8_lossy(m.as_bytes()).into_owned())
        .collect())
}
