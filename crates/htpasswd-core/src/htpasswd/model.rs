//! The lossless file model: parse, serialise, look up, edit.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};
use std::io;
use std::sync::OnceLock;

use crate::crypt::Hash;

use super::check::Verdict;

use super::error::{EditError, HashFieldError, InvalidLines, LimitError, UsernameError};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// How a line ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LineEnding {
    /// `\n`.
    Lf,
    /// `\r\n`.
    CrLf,
    /// Nothing: the last line of a file that does not end with a newline.
    None,
}

impl LineEnding {
    /// The bytes of this line ending.
    #[must_use]
    pub const fn as_bytes(self) -> &'static [u8] {
        match self {
            Self::Lf => b"\n",
            Self::CrLf => b"\r\n",
            Self::None => b"",
        }
    }
}

/// What a line is, by the rules Apache's htpasswd and nginx share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LineKind {
    /// Empty, or only ASCII white space (C `isspace`).
    Blank,
    /// Starts with `#`.
    Comment,
    /// Has a `:`: `user:hash[:comment]`.
    Entry,
    /// None of the above: no `:`. Apache's htpasswd refuses to edit a file with such a line.
    Invalid,
}

/// Length limits checked on edits.
///
/// [`Limits::APACHE`] (the default) matches Apache's htpasswd 2.4; [`Limits::NONE`] checks only
/// what the file format itself requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Longest username in bytes.
    pub max_user: Option<usize>,
    /// Longest password in bytes (checked by [`Limits::check_password`]; the model sees only hashes).
    pub max_password: Option<usize>,
    /// Longest `user:hash` record in bytes, line ending excluded.
    pub max_record: Option<usize>,
}

impl Limits {
    /// Apache's htpasswd: username at most 255 bytes, password at most 255 bytes, and
    /// `user:hash` plus its newline under 256 bytes (so at most 254 bytes without it).
    pub const APACHE: Self = Self {
        max_user: Some(255),
        max_password: Some(255),
        max_record: Some(254),
    };

    /// No length limits.
    pub const NONE: Self = Self {
        max_user: None,
        max_password: None,
        max_record: None,
    };

    /// Checks a password's length before it is hashed.
    ///
    /// # Errors
    /// [`LimitError::PasswordTooLong`] when it is longer than `max_password`.
    pub fn check_password(&self, password: &[u8]) -> Result<(), LimitError> {
        match self.max_password {
            Some(max) if password.len() > max => Err(LimitError::PasswordTooLong {
                len: password.len(),
                max,
            }),
            _ => Ok(()),
        }
    }

    /// Checks a username: the bytes no htpasswd line can hold (`:`, CR, LF, NUL), a leading `#`
    /// or white space (Apache would read the line back as a comment or another user), and the
    /// length limit.
    ///
    /// # Errors
    /// The first defect found, as a [`UsernameError`].
    pub fn check_username(&self, user: &[u8]) -> Result<(), UsernameError> {
        if let Some((index, &b)) = user
            .iter()
            .enumerate()
            .find(|(_, b)| matches!(b, b':' | b'\r' | b'\n' | 0))
        {
            return Err(match b {
                b':' => UsernameError::Colon { index },
                b'\r' => UsernameError::CarriageReturn { index },
                b'\n' => UsernameError::LineFeed { index },
                _ => UsernameError::Nul { index },
            });
        }
        if user.first() == Some(&b'#') {
            return Err(UsernameError::CommentMarker);
        }
        if user.first().is_some_and(|&b| is_c_space(b)) {
            return Err(UsernameError::LeadingWhitespace);
        }
        match self.max_user {
            Some(max) if user.len() > max => Err(UsernameError::TooLong {
                len: user.len(),
                max,
            }),
            _ => Ok(()),
        }
    }

    fn check_record(&self, user: &[u8], hash: &[u8]) -> Result<(), EditError> {
        self.check_username(user)?;
        check_hash_field(hash)?;
        let len = user.len() + 1 + hash.len();
        match self.max_record {
            Some(max) if len > max => Err(LimitError::RecordTooLong { len, max }.into()),
            _ => Ok(()),
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::APACHE
    }
}

/// Checks that a hash field holds no byte that would end it early (`:`, CR, LF) or NUL.
///
/// # Errors
/// The first such byte, as a [`HashFieldError`].
pub fn check_hash_field(hash: &[u8]) -> Result<(), HashFieldError> {
    match hash
        .iter()
        .enumerate()
        .find(|(_, b)| matches!(b, b':' | b'\r' | b'\n' | 0))
    {
        None => Ok(()),
        Some((index, b':')) => Err(HashFieldError::Colon { index }),
        Some((index, b'\r')) => Err(HashFieldError::CarriageReturn { index }),
        Some((index, b'\n')) => Err(HashFieldError::LineFeed { index }),
        Some((index, _)) => Err(HashFieldError::Nul { index }),
    }
}

/// The text of one line, ending excluded: a span of the parsed input, or bytes an edit wrote.
#[derive(Debug, Clone)]
enum Text {
    Span { start: usize, end: usize },
    Owned(Box<[u8]>),
}

#[derive(Debug, Clone)]
struct Line {
    text: Text,
    ending: LineEnding,
    kind: LineKind,
    /// For entries: start of the username, index of the first `:` and end of the hash field,
    /// relative to the line start.
    offsets: [u32; 3],
}

/// One `user:hash[:comment]` line, borrowed from the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry<'a> {
    /// 1-based line number in the model as it is now.
    pub line: usize,
    /// Bytes before the first `:`, after any leading white space of the line (which Apache's
    /// htpasswd and `mod_authn_file` skip; nginx does not, and the lint says so).
    pub user: &'a [u8],
    /// Bytes after the first `:` up to the next `:` or CR or the end of the line (as nginx).
    pub hash: &'a [u8],
    /// What follows the hash field, when present: `:comment` (nginx's third field) or stray bytes
    /// after a CR.
    pub rest: &'a [u8],
    /// How the line ends.
    pub ending: LineEnding,
}

/// One line of the file, borrowed from the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineRef<'a> {
    /// 1-based line number.
    pub number: usize,
    /// What the line is.
    pub kind: LineKind,
    /// The line without its ending (and without the BOM on line 1).
    pub text: &'a [u8],
    /// How the line ends.
    pub ending: LineEnding,
}

/// A user that has more than one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate<'a> {
    /// The username.
    pub user: &'a [u8],
    /// 1-based line numbers of all its entries, ascending; the first one is the one servers use.
    pub lines: Vec<usize>,
}

/// Which entries of a duplicated user [`HtpasswdFile::update`] replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// Every entry of the user, as Apache's htpasswd does.
    All,
    /// Only the first, the one servers check.
    First,
}

/// What [`HtpasswdFile::set`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOutcome {
    /// The user was absent: a line was appended.
    Added,
    /// The user was present: this many lines were replaced.
    Updated(usize),
}

/// An htpasswd file held losslessly: serialising an unedited model gives back the exact input
/// bytes (BOM, comments, blank lines, per-line LF/CRLF, leading white space, third fields,
/// unknown schemes, lines without `:`, a last line without newline).
///
/// ```
/// use htpasswd_core::htpasswd::{HtpasswdFile, Which};
///
/// let input = b"# team\r\nalice:$apr1$x$y\r\nbob:{SHA}abc:ops\n";
/// let mut file = HtpasswdFile::parse(input);
/// assert_eq!(file.to_bytes(), input);
///
/// file.update(b"alice", b"{SHA}new", Which::All)?;
/// file.add(b"carol", b"$apr1$s$h")?;
/// assert_eq!(
///     file.to_bytes(),
///     b"# team\r\nalice:{SHA}new\r\nbob:{SHA}abc:ops\ncarol:$apr1$s$h\n"
/// );
/// # Ok::<(), htpasswd_core::htpasswd::EditError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct HtpasswdFile {
    source: Vec<u8>,
    bom: bool,
    lines: Vec<Line>,
    limits: Limits,
    /// What [`HtpasswdFile::check`] hashes when the user's hash is missing or unusable; computed
    /// on first use, reset by every edit.
    decoy: OnceLock<Hash>,
    /// Where each user's entries are, once edits have looked users up more than once since the
    /// model was parsed or last had lines deleted (see [`UserIndex`]).
    index: Option<UserIndex>,
    /// Lookups by edits since then without the index: the first one scans the lines (a single
    /// edit of a big file builds nothing), the second builds the index.
    scans: u8,
}

/// A [`Hasher`] for keys that are already keyed hashes (the `u64`s of [`UserIndex`]).
#[derive(Debug, Clone, Copy, Default)]
struct PreHashed(u64);

impl Hasher for PreHashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used; fold anything else in rather than lose it.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// The line indices of one hash bucket of [`UserIndex`], ascending: almost always one line.
#[derive(Debug, Clone)]
enum Slots {
    One(usize),
    Many(Vec<usize>),
}

impl Slots {
    fn as_slice(&self) -> &[usize] {
        match self {
            Self::One(i) => std::slice::from_ref(i),
            Self::Many(v) => v,
        }
    }

    /// Adds line index `i`, keeping the order.
    fn insert(&mut self, i: usize) {
        match self {
            Self::One(j) if *j == i => {}
            Self::One(j) => {
                let j = *j;
                *self = Self::Many(if j < i { vec![j, i] } else { vec![i, j] });
            }
            Self::Many(v) => {
                if let Err(at) = v.binary_search(&i) {
                    v.insert(at, i);
                }
            }
        }
    }
}

/// Index of the entries by user, so that edits cost O(1) per user instead of a scan of the file:
/// a keyed hash of the username (SipHash with a random key, so crafted names cannot pile into one
/// bucket) maps to the line indices of every entry whose user has that hash, ascending, so the
/// first one of a user is still the one servers use. Names are compared on lookup, so two users
/// sharing a hash are told apart. No username is copied. Appends and updates keep it; a delete
/// (which shifts line indices) drops it, and it is built again on demand.
#[derive(Debug, Clone)]
struct UserIndex {
    keys: RandomState,
    map: HashMap<u64, Slots, BuildHasherDefault<PreHashed>>,
}

impl UserIndex {
    fn key(&self, user: &[u8]) -> u64 {
        self.keys.hash_one(user)
    }

    fn insert(&mut self, user: &[u8], i: usize) {
        let key = self.key(user);
        match self.map.get_mut(&key) {
            Some(slots) => slots.insert(i),
            None => {
                self.map.insert(key, Slots::One(i));
            }
        }
    }

    /// Candidate line indices for `user` (every entry of the user, maybe others), ascending.
    fn candidates(&self, user: &[u8]) -> &[usize] {
        self.map
            .get(&self.key(user))
            .map_or(&[][..], Slots::as_slice)
    }
}

fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Kind of a line, and for entries the offsets (from the line start) of the username, the first
/// `:` and the end of the hash field.
///
/// As Apache's htpasswd and `mod_authn_file` (`ap_cfg_getline`), leading white space is skipped
/// before looking for `#` and the username.
fn classify(text: &[u8]) -> (LineKind, [u32; 3]) {
    let Some(start) = text.iter().position(|&b| !is_c_space(b)) else {
        return (LineKind::Blank, [0; 3]);
    };
    if text[start] == b'#' {
        return (LineKind::Comment, [0; 3]);
    }
    match memchr::memchr(b':', &text[start..]) {
        Some(i) => {
            let colon = start + i;
            let after = &text[colon + 1..];
            let hash_len = memchr::memchr2(b':', b'\r', after).unwrap_or(after.len());
            // Offsets saturate for lines over 4 GiB; such lines are still kept byte for byte.
            let off = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
            (
                LineKind::Entry,
                [off(start), off(colon), off(colon + 1 + hash_len)],
            )
        }
        None => (LineKind::Invalid, [0; 3]),
    }
}

impl HtpasswdFile {
    /// An empty file.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses file content. Never fails: every byte is kept, and lines that cannot be entries are
    /// reported by [`invalid_lines`](Self::invalid_lines) / [`check_entries`](Self::check_entries).
    #[must_use]
    pub fn parse(bytes: &[u8]) -> Self {
        Self::from_bytes(bytes.to_vec())
    }

    /// Like [`parse`](Self::parse), taking ownership of the bytes (no copy).
    #[must_use]
    pub fn from_bytes(source: Vec<u8>) -> Self {
        let bom = source.starts_with(BOM);
        let mut start = if bom { BOM.len() } else { 0 };
        let mut lines = Vec::with_capacity(source.len() / 40 + 1);
        while start < source.len() {
            let rest = &source[start..];
            let (end, ending, next) = match memchr::memchr(b'\n', rest) {
                Some(i) if i > 0 && rest[i - 1] == b'\r' => {
                    (start + i - 1, LineEnding::CrLf, start + i + 1)
                }
                Some(i) => (start + i, LineEnding::Lf, start + i + 1),
                None => (source.len(), LineEnding::None, source.len()),
            };
            let (kind, offsets) = classify(&source[start..end]);
            lines.push(Line {
                text: Text::Span { start, end },
                ending,
                kind,
                offsets,
            });
            start = next;
        }
        Self {
            source,
            bom,
            lines,
            limits: Limits::default(),
            decoy: OnceLock::new(),
            index: None,
            scans: 0,
        }
    }

    /// The limits edits are checked against ([`Limits::APACHE`] unless changed).
    #[must_use]
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Sets the limits edits are checked against.
    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
    }

    /// The bytes this model was parsed from.
    #[must_use]
    pub fn source(&self) -> &[u8] {
        &self.source
    }

    /// Whether the file starts with a UTF-8 byte order mark (kept on output).
    #[must_use]
    pub fn has_bom(&self) -> bool {
        self.bom
    }

    fn text<'a>(&'a self, line: &'a Line) -> &'a [u8] {
        match &line.text {
            Text::Span { start, end } => &self.source[*start..*end],
            Text::Owned(b) => b,
        }
    }

    fn entry_at(&self, index: usize) -> Option<Entry<'_>> {
        let line = &self.lines[index];
        if line.kind != LineKind::Entry {
            return None;
        }
        let text = self.text(line);
        let [user_start, colon, hash_end] = line.offsets.map(|o| (o as usize).min(text.len()));
        Some(Entry {
            line: index + 1,
            user: &text[user_start.min(colon)..colon],
            hash: &text[(colon + 1).min(hash_end)..hash_end],
            rest: &text[hash_end..],
            ending: line.ending,
        })
    }

    /// Number of lines.
    #[must_use]
    pub fn line_count(&self) -> usize {
        self.lines.len()
    }

    /// Every line, in order.
    pub fn lines(&self) -> impl Iterator<Item = LineRef<'_>> {
        self.lines.iter().enumerate().map(|(i, l)| LineRef {
            number: i + 1,
            kind: l.kind,
            text: self.text(l),
            ending: l.ending,
        })
    }

    /// Every entry, in file order, duplicates included (the list operation).
    pub fn entries(&self) -> impl Iterator<Item = Entry<'_>> {
        (0..self.lines.len()).filter_map(|i| self.entry_at(i))
    }

    /// 1-based numbers of the lines that cannot be entries (no `:`, not blank, not a comment).
    pub fn invalid_lines(&self) -> impl Iterator<Item = usize> + '_ {
        self.lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.kind == LineKind::Invalid)
            .map(|(i, _)| i + 1)
    }

    /// Checks that every line is an entry, a comment or blank, as Apache's htpasswd requires
    /// before it edits a file.
    ///
    /// # Errors
    /// [`InvalidLines`] naming every offending line.
    pub fn check_entries(&self) -> Result<(), InvalidLines> {
        let lines: Vec<usize> = self.invalid_lines().collect();
        if lines.is_empty() {
            Ok(())
        } else {
            Err(InvalidLines { lines })
        }
    }

    fn is_user_at(&self, i: usize, user: &[u8]) -> bool {
        self.entry_at(i).is_some_and(|e| e.user == user)
    }

    /// Line indices of `user`'s entries, ascending: through the index when it is built, else by a
    /// scan of every line.
    fn positions<'a>(&'a self, user: &'a [u8]) -> Box<dyn Iterator<Item = usize> + 'a> {
        match &self.index {
            Some(index) => Box::new(
                index
                    .candidates(user)
                    .iter()
                    .copied()
                    .filter(move |&i| self.is_user_at(i, user)),
            ),
            None => Box::new((0..self.lines.len()).filter(move |&i| self.is_user_at(i, user))),
        }
    }

    /// Makes sure the index is there when edits keep looking users up (see `scans`).
    fn prepare_lookup(&mut self) {
        if self.index.is_some() {
            return;
        }
        if self.scans == 0 {
            self.scans = 1;
            return;
        }
        let mut index = UserIndex {
            keys: RandomState::new(),
            map: HashMap::default(),
        };
        for i in 0..self.lines.len() {
            if let Some(e) = self.entry_at(i) {
                index.insert(e.user, i);
            }
        }
        self.index = Some(index);
    }

    /// The entry servers use for `user`: the first one (Apache `mod_authn_file`, nginx).
    ///
    /// A scan of the lines, or a hash lookup once edits have built the model's index (a model
    /// that many users are added to or updated in).
    #[must_use]
    pub fn get(&self, user: &[u8]) -> Option<Entry<'_>> {
        self.positions(user).next().and_then(|i| self.entry_at(i))
    }

    /// Every user with more than one entry, in order of first appearance.
    #[must_use]
    pub fn duplicates(&self) -> Vec<Duplicate<'_>> {
        let mut by_user: std::collections::HashMap<&[u8], usize> = Default::default();
        let mut found: Vec<Duplicate<'_>> = Vec::new();
        for e in self.entries() {
            match by_user.get(e.user) {
                Some(&slot) => found[slot].lines.push(e.line),
                None => {
                    by_user.insert(e.user, found.len());
                    found.push(Duplicate {
                        user: e.user,
                        lines: vec![e.line],
                    });
                }
            }
        }
        found.retain(|d| d.lines.len() > 1);
        found
    }

    /// The line ending new lines get: that of the last line that has one, else LF.
    fn file_ending(&self) -> LineEnding {
        self.lines
            .iter()
            .rev()
            .map(|l| l.ending)
            .find(|&e| e != LineEnding::None)
            .unwrap_or(LineEnding::Lf)
    }

    fn append_entry(&mut self, user: &[u8], hash: &[u8]) {
        self.decoy.take();
        let ending = self.file_ending();
        if let Some(last) = self.lines.last_mut()
            && last.ending == LineEnding::None
        {
            last.ending = ending;
        }
        let i = self.lines.len();
        self.lines.push(entry_line(user, hash, b"", ending));
        if let Some(index) = &mut self.index {
            index.insert(user, i);
        }
    }

    /// Appends `user:hash` at the end of the file (with the file's line ending; a last line
    /// without newline gets one first).
    ///
    /// # Errors
    /// [`EditError::UserExists`] when the user already has an entry; a username, hash or length
    /// error when the record cannot be stored. The model is unchanged on error.
    pub fn add(&mut self, user: &[u8], hash: &[u8]) -> Result<(), EditError> {
        self.limits.check_record(user, hash)?;
        self.prepare_lookup();
        if let Some(e) = self.get(user) {
            return Err(EditError::UserExists { line: e.line });
        }
        self.append_entry(user, hash);
        Ok(())
    }

    /// Replaces the hash of `user`'s entries (every one, or only the first). Each replaced line
    /// keeps its line ending and whatever followed its hash field (nginx's third field).
    /// Returns how many lines were replaced: 0 when the user is absent.
    ///
    /// # Errors
    /// A username, hash or length error when the record cannot be stored; the model is unchanged.
    pub fn update(&mut self, user: &[u8], hash: &[u8], which: Which) -> Result<usize, EditError> {
        self.limits.check_record(user, hash)?;
        self.prepare_lookup();
        let targets: Vec<usize> = match which {
            Which::All => self.positions(user).collect(),
            Which::First => self.positions(user).take(1).collect(),
        };
        if !targets.is_empty() {
            self.decoy.take();
        }
        for &i in &targets {
            let rest = self
                .entry_at(i)
                .map(|e| e.rest.to_vec())
                .unwrap_or_default();
            let ending = self.lines[i].ending;
            self.lines[i] = entry_line(user, hash, &rest, ending);
            // The index needs no change: `check_record` refused every username that would read
            // back as another (a `:`, a leading `#` or white space), so the line is still `user`'s.
            debug_assert!(self.is_user_at(i, user));
        }
        Ok(targets.len())
    }

    /// What Apache's htpasswd does: update every entry of `user`, or append one if there is none.
    ///
    /// Setting many users costs time linear in their number and the file's size: the first
    /// lookup scans the lines, later ones go through an index of the entries by user that edits
    /// keep (a [`delete`](Self::delete) drops it; it is built again when needed).
    ///
    /// # Errors
    /// A username, hash or length error when the record cannot be stored; the model is unchanged.
    pub fn set(&mut self, user: &[u8], hash: &[u8]) -> Result<SetOutcome, EditError> {
        match self.update(user, hash, Which::All)? {
            0 => {
                self.append_entry(user, hash);
                Ok(SetOutcome::Added)
            }
            n => Ok(SetOutcome::Updated(n)),
        }
    }

    /// Deletes every entry of `user`; returns how many lines were removed (0 when absent).
    pub fn delete(&mut self, user: &[u8]) -> usize {
        let before = self.lines.len();
        let source = &self.source;
        self.lines.retain(|l| {
            if l.kind != LineKind::Entry {
                return true;
            }
            let text = match &l.text {
                Text::Span { start, end } => &source[*start..*end],
                Text::Owned(b) => b,
            };
            text.get(l.offsets[0] as usize..l.offsets[1] as usize) != Some(user)
        });
        let removed = before - self.lines.len();
        if removed > 0 {
            self.decoy.take();
            // Line indices after the first removed line have moved: build the index again when
            // edits need it.
            self.index = None;
            self.scans = 0;
        }
        removed
    }

    /// Checks `password` against the entry servers use for `user` (the first, as Apache
    /// `mod_authn_file` and nginx), in one call and timing-safe: whether the user is missing,
    /// their hash does not parse, or the password is right or wrong, the check reads every line
    /// and hashes the password exactly once, with the user's scheme and cost or, when there is
    /// no usable hash, with the file's most common ones ([`decoy`](Self::decoy)). The final
    /// comparison is constant-time.
    ///
    /// Every scheme [`crypt::verify`](crate::crypt::verify) checks is checked here, bare
    /// plaintext (`htpasswd -p`) included, which only Apache on Windows accepts;
    /// [`lint`](super::lint) says which servers can check each entry.
    ///
    /// ```
    /// use htpasswd_core::htpasswd::{HtpasswdFile, Verdict};
    ///
    /// let file = HtpasswdFile::parse(
    ///     b"alice:$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1\nlocked:!\nalice:{PLAIN}other\n",
    /// );
    /// assert_eq!(file.check(b"alice", b"password"), Verdict::Match);
    /// // Only the first entry of a user counts.
    /// assert_eq!(file.check(b"alice", b"other"), Verdict::Mismatch);
    /// assert_eq!(file.check(b"carol", b"password"), Verdict::NoSuchUser);
    /// assert!(matches!(file.check(b"locked", b"!"), Verdict::Unusable { .. }));
    /// ```
    pub fn check(&self, user: &[u8], password: &[u8]) -> Verdict {
        self.check_with_limits(user, password, &crate::crypt::CostLimits::DEFAULT)
    }

    /// The hash [`check`](Self::check) works against for an unknown user or an unusable stored
    /// hash: [`Hash::decoy`] of every hash field in the file, that is a hash of the most common
    /// scheme and cost among the entries that parse, or an `$apr1$` hash for a file without
    /// any (an empty file). Computed on first use and kept until the next edit.
    ///
    /// ```
    /// use htpasswd_core::crypt::{BcryptVersion, Scheme};
    /// use htpasswd_core::htpasswd::HtpasswdFile;
    ///
    /// let file = HtpasswdFile::parse(
    ///     b"a:$2y$05$yR1cJJE11f97dkuXNcbzxObEYjl8Yj.7deJZz9izCvGTw4Mye3sMS\nb:!\n",
    /// );
    /// assert_eq!(file.decoy().scheme(), Scheme::Bcrypt(BcryptVersion::V2y));
    /// assert_eq!(HtpasswdFile::new().decoy().scheme(), Scheme::Apr1);
    /// ```
    #[must_use]
    pub fn decoy(&self) -> &Hash {
        self.decoy
            .get_or_init(|| Hash::decoy(self.entries().map(|e| e.hash)))
    }

    /// Length of [`to_bytes`](Self::to_bytes)'s output.
    #[must_use]
    pub fn serialized_len(&self) -> usize {
        let bom = if self.bom { BOM.len() } else { 0 };
        bom + self
            .lines
            .iter()
            .map(|l| self.text(l).len() + l.ending.as_bytes().len())
            .sum::<usize>()
    }

    /// Feeds the output to `f` in as few pieces as possible: runs of untouched lines go out as
    /// one slice of the parsed input.
    fn for_each_chunk<E>(&self, mut f: impl FnMut(&[u8]) -> Result<(), E>) -> Result<(), E> {
        if self.bom {
            f(BOM)?;
        }
        let src = &self.source[..];
        let mut run: Option<(usize, usize)> = None;
        for l in &self.lines {
            let e = l.ending.as_bytes();
            match &l.text {
                Text::Span { start, end } if src.get(*end..end + e.len()) == Some(e) => {
                    run = match run {
                        Some((s, r_end)) if r_end == *start => Some((s, end + e.len())),
                        other => {
                            if let Some((s, r_end)) = other {
                                f(&src[s..r_end])?;
                            }
                            Some((*start, end + e.len()))
                        }
                    };
                }
                _ => {
                    if let Some((s, r_end)) = run.take() {
                        f(&src[s..r_end])?;
                    }
                    f(self.text(l))?;
                    f(e)?;
                }
            }
        }
        if let Some((s, r_end)) = run {
            f(&src[s..r_end])?;
        }
        Ok(())
    }

    /// The file content.
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.serialized_len());
        let _ = self.for_each_chunk(|c| {
            out.extend_from_slice(c);
            Ok::<(), std::convert::Infallible>(())
        });
        out
    }

    /// Writes the file content to `out`; runs of untouched lines are written as one slice.
    ///
    /// # Errors
    /// Any error of `out`.
    pub fn write_to(&self, out: &mut impl io::Write) -> io::Result<()> {
        self.for_each_chunk(|c| out.write_all(c))
    }

    /// Whether serialising would give back exactly the parsed bytes (no edit, or edits that
    /// cancel out), checked without building the output.
    #[must_use]
    pub fn is_unchanged(&self) -> bool {
        let src = &self.source[..];
        let mut pos = 0;
        if self.bom {
            if !src.starts_with(BOM) {
                return false;
            }
            pos = BOM.len();
        }
        for l in &self.lines {
            let text_len = match &l.text {
                // An untouched span at the current position is equal by construction.
                Text::Span { start, end } if *start == pos => end - start,
                _ => {
                    let t = self.text(l);
                    if src.get(pos..pos + t.len()) != Some(t) {
                        return false;
                    }
                    t.len()
                }
            };
            pos += text_len;
            let e = l.ending.as_bytes();
            if src.get(pos..pos + e.len()) != Some(e) {
                return false;
            }
            pos += e.len();
        }
        pos == src.len()
    }
}

fn entry_line(user: &[u8], hash: &[u8], rest: &[u8], ending: LineEnding) -> Line {
    let mut text = Vec::with_capacity(user.len() + 1 + hash.len() + rest.len());
    text.extend_from_slice(user);
    text.push(b':');
    text.extend_from_slice(hash);
    text.extend_from_slice(rest);
    let (kind, offsets) = classify(&text);
    Line {
        text: Text::Owned(text.into_boxed_slice()),
        ending,
        kind,
        offsets,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn round_trips_every_feature_of_real_files() {
        let input: &[u8] = b"\xEF\xBB\xBF# c\r\n\r\n  \n\tbob:x:cm\r\nbad line\nal:{X}y\rz\nlast:h";
        let f = HtpasswdFile::parse(input);
        assert_eq!(f.to_bytes(), input);
        assert_eq!(f.serialized_len(), input.len());
        let kinds: Vec<LineKind> = f.lines().map(|l| l.kind).collect();
        use LineKind::*;
        assert_eq!(kinds, [Comment, Blank, Blank, Entry, Invalid, Entry, Entry]);
        assert_eq!(f.invalid_lines().collect::<Vec<_>>(), [5]);
        let e = f.get(b"al").unwrap();
        assert_eq!((e.hash, e.rest), (&b"{X}y"[..], &b"\rz"[..]));
        let e = f.get(b"bob").unwrap();
        assert_eq!(
            (e.hash, e.rest, e.ending),
            (&b"x"[..], &b":cm"[..], LineEnding::CrLf)
        );
        assert!(f.get(b"\tbob").is_none());
    }

    #[test]
    fn update_keeps_ending_and_third_field() {
        let mut f = HtpasswdFile::parse(b"a:1:note\r\nb:2\na:3");
        assert_eq!(f.update(b"a", b"N", Which::All).unwrap(), 2);
        assert_eq!(f.to_bytes(), b"a:N:note\r\nb:2\na:N");
    }

    #[test]
    fn update_first_only_touches_the_entry_servers_use() {
        let mut f = HtpasswdFile::parse(b"a:1\na:2\n");
        assert_eq!(f.update(b"a", b"N", Which::First).unwrap(), 1);
        assert_eq!(f.to_bytes(), b"a:N\na:2\n");
        assert_eq!(f.duplicates()[0].lines, [1, 2]);
    }

    #[test]
    fn append_after_unterminated_crlf_file() {
        let mut f = HtpasswdFile::parse(b"a:1\r\nb:2");
        f.add(b"c", b"3").unwrap();
        assert_eq!(f.to_bytes(), b"a:1\r\nb:2\r\nc:3\r\n");
    }

    #[test]
    fn refused_edits_leave_the_model_unchanged() {
        let mut f = HtpasswdFile::parse(b"a:1\n");
        assert_eq!(f.add(b"a", b"2"), Err(EditError::UserExists { line: 1 }));
        assert_eq!(
            f.set(b"x:y", b"2"),
            Err(EditError::Username(UsernameError::Colon { index: 1 }))
        );
        assert_eq!(
            f.set(b"x", b"p:w"),
            Err(EditError::Hash(HashFieldError::Colon { index: 1 }))
        );
        assert_eq!(f.to_bytes(), b"a:1\n");
    }
}
