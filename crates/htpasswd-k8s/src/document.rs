//! Manifest streams in and out: YAML or JSON documents read into [`serde_json::Value`]s and
//! written back, and the walk over `List` documents.
//!
//! Documents are JSON values, as Kubernetes objects are: scalars keep their types (so `"false"`
//! stays a string and `false` a boolean) and mappings their key order (`serde_json`'s
//! `preserve_order`). A repeated mapping key is refused (JSON parsers disagree on which one
//! wins; YAML forbids it). Integer, float and boolean mapping keys become strings, as kubectl
//! reads them; other keys (null, sequences, mappings) are refused. Comments, anchors (expanded)
//! and quoting style are not kept.
//!
//! Reading is bounded ([`MAX_DOCUMENTS`], [`MAX_NODES`], [`MAX_DEPTH`], [`MAX_SCALAR_BYTES`]),
//! counted while parsing. YAML is read by serde-saphyr and written by this module's own
//! emitter ([`write_stream`]), whose strings go-yaml (kubectl) reads back unchanged.

use core::fmt;

use core::cell::Cell;

use serde::de::{
    self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde::ser::Serialize;
use serde_json::{Map, Number, Value};

use crate::error::K8sError;

/// The nodes of one document, counted while it is parsed.
#[derive(Debug, Default)]
struct Counter {
    /// Nodes (scalars, sequences and mappings) read so far.
    nodes: Cell<usize>,
}

/// Reads one document, counting nodes and depth against the limits.
#[derive(Clone, Copy)]
struct DocumentSeed<'a> {
    counter: &'a Counter,
    /// Nesting depth of the value about to be read (the document itself is at depth 1).
    depth: usize,
}

impl DocumentSeed<'_> {
    fn count<E: de::Error>(&self) -> Result<(), E> {
        let nodes = self.counter.nodes.get() + 1;
        if nodes > MAX_NODES {
            return Err(E::custom(format_args!("more than {MAX_NODES} nodes")));
        }
        self.counter.nodes.set(nodes);
        Ok(())
    }

    /// Counts a sequence or mapping: a node, and a level of nesting.
    fn count_collection<E: de::Error>(&self) -> Result<(), E> {
        if self.depth > MAX_DEPTH {
            return Err(E::custom(format_args!(
                "nested more than {MAX_DEPTH} levels deep"
            )));
        }
        self.count()
    }

    const fn child(self) -> Self {
        Self {
            counter: self.counter,
            depth: self.depth + 1,
        }
    }
}

impl<'de> DeserializeSeed<'de> for DocumentSeed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DocumentSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML or JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.count()?;
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.count()?;
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.count()?;
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.count()?;
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.count()?;
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.count()?;
        // Both parsers refuse infinities and NaN already; JSON has no way to write them.
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("non-finite float"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.count()?;
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        self.count()?;
        Ok(Value::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.count_collection()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self.child())? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.count_collection()?;
        // What we write back must mean what the input meant: no repeated keys.
        let mut entries = Map::new();
        while let Some(k) = map.next_key_seed(self.child())? {
            let key = match k {
                Value::String(s) => s,
                // As kubectl (sigs.k8s.io/yaml) and serde_json's own map keys write them.
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                Value::Null | Value::Array(_) | Value::Object(_) => {
                    return Err(de::Error::custom(
                        "mapping key is not a string, number or boolean",
                    ));
                }
            };
            if entries.contains_key(&key) {
                return Err(de::Error::custom(format_args!(
                    "duplicate mapping key {key:?}"
                )));
            }
            let v = map.next_value_seed(self.child())?;
            entries.insert(key, v);
        }
        Ok(Value::Object(entries))
    }
}

/// A document as the reader takes it: [`Value`] with the checks above, and the number of its
/// nodes. Each document is bounded by itself ([`MAX_NODES`], [`MAX_DEPTH`]) while it is read;
/// [`parse_stream`] bounds the sum over the stream between documents.
struct Document(Value, usize);

impl<'de> Deserialize<'de> for Document {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let counter = Counter::default();
        let value = DocumentSeed {
            counter: &counter,
            depth: 1,
        }
        .deserialize(d)?;
        Ok(Self(value, counter.nodes.get()))
    }
}

/// Every object of a document: the document itself, or, for a `List` (a `kind` ending in
/// `List`, as `kubectl get -o yaml` writes), each of its `items`, Lists within Lists included.
/// A `List` without an `items` sequence has none.
pub(crate) fn objects_mut(doc: &mut Value) -> Vec<&mut Value> {
    fn walk<'a>(doc: &'a mut Value, out: &mut Vec<&'a mut Value>) {
        let is_list = doc
            .get("kind")
            .and_then(Value::as_str)
            .is_some_and(|k| k.ends_with("List"));
        if !is_list {
            out.push(doc);
        } else if let Some(Value::Array(items)) = doc.get_mut("items") {
            for item in items {
                walk(item, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(doc, &mut out);
    out
}

/// The `kind` of an object, when it is a string.
pub(crate) fn kind(object: &Value) -> Option<&str> {
    object.get("kind").and_then(Value::as_str)
}

/// The format of a manifest stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Format {
    /// YAML, documents separated by `---`.
    #[default]
    Yaml,
    /// JSON; several documents are written as one `v1` `List`.
    Json,
}

/// Whether `input` is JSON: its first non-blank character opens an object or array and it
/// reads as a stream of JSON values. Anything else, YAML flow style (`{a: 1}`) included, is
/// YAML. The check is one linear pass that keeps nothing of the input.
#[must_use]
pub fn detect_format(input: &str) -> Format {
    match input.trim_start().as_bytes().first() {
        Some(b'{' | b'[') => {
            let json = serde_json::Deserializer::from_str(input)
                .into_iter::<IgnoredAny>()
                .all(|v| v.is_ok());
            if json { Format::Json } else { Format::Yaml }
        }
        _ => Format::Yaml,
    }
}

/// Most documents in one input stream (YAML and JSON), counted while reading.
pub const MAX_DOCUMENTS: usize = 1_024;

/// Most nodes (scalars, sequences and mappings) in one input stream, counted while reading.
pub const MAX_NODES: usize = 250_000;

/// Deepest nesting of sequences and mappings in a document.
pub const MAX_DEPTH: usize = 64;

/// Most bytes of scalar text in one YAML stream (JSON input is bounded by its size: the binary
/// reads at most its `--max-input-size`).
pub const MAX_SCALAR_BYTES: usize = 64 * 1024 * 1024;

fn yaml_options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_documents = MAX_DOCUMENTS;
    budget.max_nodes = MAX_NODES;
    budget.max_depth = MAX_DEPTH;
    budget.max_total_scalar_bytes = MAX_SCALAR_BYTES;
    serde_saphyr::options! {
        budget: Some(budget),
        reject_unsupported_tags: true,
        // Read numbers as kubectl (go-yaml v2, YAML 1.1) does: `0777` is octal.
        legacy_octal_numbers: true,
    }
}

/// Reads a YAML stream (documents separated by `---`) or a JSON stream (one or more
/// concatenated values) into one [`Value`] per document, as the module documentation says.
/// Empty YAML documents are skipped. Both readers count while they read and stop at the first
/// limit reached: [`MAX_DOCUMENTS`] documents, [`MAX_NODES`] nodes, [`MAX_DEPTH`] levels of
/// nesting, and for YAML [`MAX_SCALAR_BYTES`] of scalar text (and serde-saphyr's own bounds on
/// aliases and events).
///
/// # Errors
/// [`K8sError::Parse`] with the parser's message (for YAML its first line: later lines quote
/// the input): bad syntax, a limit reached, a repeated mapping key, or a null, sequence or
/// mapping used as a key.
pub fn parse_stream(input: &str, format: Format) -> Result<Vec<Value>, K8sError> {
    let parse_err = |message: String| K8sError::Parse { message };
    let docs: Vec<Document> = match format {
        Format::Json => {
            let mut docs = Vec::new();
            let mut nodes = 0usize;
            for doc in serde_json::Deserializer::from_str(input).into_iter::<Document>() {
                let doc = doc.map_err(|e| parse_err(format!("JSON: {e}")))?;
                nodes = nodes.saturating_add(doc.1);
                if nodes > MAX_NODES {
                    return Err(parse_err(format!("JSON: more than {MAX_NODES} nodes")));
                }
                if docs.len() == MAX_DOCUMENTS {
                    return Err(parse_err(format!(
                        "JSON: more than {MAX_DOCUMENTS} documents"
                    )));
                }
                docs.push(doc);
            }
            docs
        }
        Format::Yaml => serde_saphyr::from_multiple_with_options(input, yaml_options())
            .map_err(|e| parse_err(format!("YAML: {}", first_line(&e.to_string()))))?,
    };
    Ok(docs
        .into_iter()
        .map(|Document(d, _)| d)
        .filter(|d| !d.is_null())
        .collect())
}

/// Reads a stream in the format [`detect_format`] finds. Input that opens with `{` or `[` but is
/// not JSON is read as YAML (flow style); when that fails too, the JSON error is the one
/// reported (the input looked like JSON).
pub(crate) fn read_stream(input: &str) -> Result<(Format, Vec<Value>), K8sError> {
    let format = detect_format(input);
    match parse_stream(input, format) {
        Ok(docs) => Ok((format, docs)),
        Err(e)
            if format == Format::Yaml
                && matches!(input.trim_start().as_bytes().first(), Some(b'{' | b'[')) =>
        {
            match parse_stream(input, Format::Json) {
                Err(json) => Err(json),
                Ok(_) => Err(e),
            }
        }
        Err(e) => Err(e),
    }
}

/// The first line of a parser message (the rest may quote input, which may hold secrets).
fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

/// Writes one document as block YAML that go-yaml (kubectl) and YAML 1.2 readers read back
/// as the same value: mappings in key order, sequences with compact indentation, `{}`/`[]` for
/// empty collections; each string plain only where no reader could take it for anything else,
/// a literal block (`|`, `|-`) for plain multi-line text, double-quoted with escapes otherwise.
fn emit_document(doc: &Value, out: &mut String) {
    match doc {
        Value::Object(m) if !m.is_empty() => emit_map(m, 0, false, out),
        Value::Array(a) if !a.is_empty() => emit_seq(a, 0, false, out),
        scalar => {
            // A literal block's lines indented, so that none reads as `---` or `...`.
            emit_scalar(scalar, 2, out);
            out.push('\n');
        }
    }
}

fn indent(out: &mut String, n: usize) {
    out.extend(core::iter::repeat_n(' ', n));
}

/// The entries of a non-empty mapping at `level` spaces; the first line's indentation is
/// already written when `inline` (after a sequence's `- `).
fn emit_map(m: &Map<String, Value>, level: usize, inline: bool, out: &mut String) {
    for (i, (k, v)) in m.iter().enumerate() {
        if i > 0 || !inline {
            indent(out, level);
        }
        // go-yaml refuses implicit keys over 1024 characters: longer ones take `? `.
        let mut key = String::new();
        if plain_ok(k) {
            key.push_str(k);
        } else {
            double_quoted(k, &mut key);
        }
        let explicit = key.len() > 1000;
        if explicit {
            out.push_str("? ");
            out.push_str(&key);
            out.push('\n');
            indent(out, level);
        } else {
            out.push_str(&key);
        }
        out.push(':');
        match v {
            Value::Object(c) if !c.is_empty() => {
                out.push('\n');
                emit_map(c, level + 2, false, out);
            }
            Value::Array(a) if !a.is_empty() => {
                out.push('\n');
                // Compact: the sequence at the key's indentation, as kubectl writes it; under an
                // explicit key, one level in.
                emit_seq(a, if explicit { level + 2 } else { level }, false, out);
            }
            scalar => {
                out.push(' ');
                emit_scalar(scalar, level + 2, out);
                out.push('\n');
            }
        }
    }
}

/// The items of a non-empty sequence at `level` spaces (see [`emit_map`] for `inline`).
fn emit_seq(a: &[Value], level: usize, inline: bool, out: &mut String) {
    for (i, v) in a.iter().enumerate() {
        if i > 0 || !inline {
            indent(out, level);
        }
        out.push_str("- ");
        match v {
            Value::Object(c) if !c.is_empty() => emit_map(c, level + 2, true, out),
            Value::Array(inner) if !inner.is_empty() => emit_seq(inner, level + 2, true, out),
            scalar => {
                emit_scalar(scalar, level + 2, out);
                out.push('\n');
            }
        }
    }
}

/// A scalar (or an empty collection) on the current line; a literal block's lines are indented
/// by `level` spaces.
fn emit_scalar(v: &Value, level: usize, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => emit_string(s, level, out),
        Value::Array(_) => out.push_str("[]"),
        Value::Object(_) => out.push_str("{}"),
    }
}

fn emit_string(s: &str, level: usize, out: &mut String) {
    if plain_ok(s) {
        out.push_str(s);
    } else if literal_ok(s) {
        let body = s.strip_suffix('\n');
        out.push_str(if body.is_some() { "|" } else { "|-" });
        for line in body.unwrap_or(s).split('\n') {
            out.push('\n');
            if !line.is_empty() {
                indent(out, level);
                out.push_str(line);
            }
        }
    } else {
        double_quoted(s, out);
    }
}

/// Whether a character may appear unescaped in a quoted or block scalar: printable for YAML
/// 1.1 and 1.2 alike, and not a line break of either (NEL, LS, PS) nor a byte order mark.
fn printable(c: char) -> bool {
    matches!(c, ' '..='~' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
        && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}')
}

/// Words YAML 1.1 (go-yaml v2, which kubectl uses) or YAML 1.2 read as booleans or null, in
/// any case.
const KEYWORDS: [&str; 11] = [
    "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "<<",
];

/// Whether `s` may be written as a plain scalar: only when every YAML reader takes it as this
/// very string. Conservative: ASCII only, a letter, digit or one of `/$_.+-(` first, no `#`,
/// quotes, backslashes, tabs or `: `; no boolean or null word; nothing a YAML 1.1 or 1.2
/// reader could take for a number or a timestamp (go-yaml drops `_` and reads `0X1F`, `0B1`,
/// `0o17` and `1__0` as integers); no document marker.
fn plain_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let Some(&first) = b.first() else {
        return false;
    };
    let body_ok = b.iter().enumerate().all(|(i, &c)| {
        c.is_ascii_alphanumeric()
            || b"-_./@$+=,~%()^!?;*&'<>|[]{}".contains(&c)
            || (c == b' ' && i + 1 < b.len() && i > 0)
            || (c == b':' && b.get(i + 1).is_some_and(|&n| n != b' '))
    });
    if !body_ok || s.contains(" #") || s.contains("  ") {
        return false;
    }
    if !(first.is_ascii_alphanumeric() || b"/$_.+-(".contains(&first)) {
        return false;
    }
    // `- x` is a sequence entry, `-` alone too.
    if first == b'-' && b.get(1).is_none_or(|&c| c == b' ') {
        return false;
    }
    if KEYWORDS.iter().any(|k| s.eq_ignore_ascii_case(k)) {
        return false;
    }
    if s.starts_with("---") || s.starts_with("...") {
        return false;
    }
    if first.is_ascii_digit() || b"+-.".contains(&first) {
        // Anything that could be a number of any base, a float, .inf/.nan, a sexagesimal or a
        // timestamp: the characters of those forms only.
        let unsigned = s.trim_start_matches(['+', '-']);
        let special = unsigned.trim_start_matches('.').to_ascii_lowercase();
        if special == "inf" || special == "nan" {
            return false;
        }
        let numberish = b
            .iter()
            .all(|&c| c.is_ascii_hexdigit() || b"xXoObB_.:+-tTzZ ".contains(&c));
        if numberish {
            return false;
        }
    }
    true
}

/// Whether a multi-line `s` can be a literal block that reads back exactly: printable
/// characters and line feeds only (no tab, no carriage return), a first line that is neither
/// empty nor starts with a space, no line with white space at either end other than leading
/// spaces after the first line, and at most one line feed at the end.
fn literal_ok(s: &str) -> bool {
    let Some(body) = s.strip_suffix('\n').or(Some(s)) else {
        return false;
    };
    if !body.contains('\n') && !s.ends_with('\n') {
        return false;
    }
    if body.ends_with('\n') || !s.chars().all(|c| c == '\n' || printable(c)) {
        return false;
    }
    let mut lines = body.split('\n');
    let first_ok = lines
        .next()
        .is_some_and(|l| !l.is_empty() && !l.starts_with(' '));
    first_ok
        && body
            .split('\n')
            .all(|l| !l.ends_with(' ') && (l.is_empty() || !l.trim().is_empty()))
}

/// `s` as a double-quoted scalar: `"` and `\` escaped, and every character that is not
/// [`printable`] as `\xXX`, `\uXXXX` or a short escape.
fn double_quoted(s: &str, out: &mut String) {
    use core::fmt::Write as _;
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c if printable(c) => out.push(c),
            c if u32::from(c) <= 0xFF => {
                let _ = write!(out, "\\x{:02X}", u32::from(c));
            }
            c if u32::from(c) <= 0xFFFF => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => {
                let _ = write!(out, "\\U{:08X}", u32::from(c));
            }
        }
    }
    out.push('"');
}

/// Writes documents as a YAML stream (`---` between documents) or as JSON (one document as
/// it is, several as a `v1` `List`), newline-terminated.
///
/// YAML is block style, two spaces per level, sequences compact (as kubectl writes them), keys
/// in order. Every string reads back as itself with go-yaml v2 (kubectl) and YAML 1.2 readers:
/// plain only when nothing else could be read from it (no boolean or null word, nothing
/// number-like in any base, ASCII, no indicator first), a literal block (`|`, `|-`) for
/// multi-line printable text whose first line starts with neither a space nor a tab, and
/// double-quoted with escapes otherwise; keys over 1,000 bytes are written as explicit `? `
/// keys (go-yaml limits implicit keys to 1,024 characters).
///
/// # Errors
/// [`K8sError::Serialize`] when a value cannot be written in the format (a non-string JSON
/// key). JSON has no infinities or NaN: such floats (only possible from YAML input) come out as
/// `null`, so JSON is only written for JSON input or for built manifests, which have no floats.
pub fn write_stream<T: Serialize>(docs: &[T], format: Format) -> Result<String, K8sError> {
    let ser_err = |message: String| K8sError::Serialize { message };
    match format {
        Format::Yaml => {
            let mut out = String::new();
            for (i, doc) in docs.iter().enumerate() {
                if i > 0 {
                    out.push_str("---\n");
                }
                let value = serde_json::to_value(doc).map_err(|e| ser_err(e.to_string()))?;
                emit_document(&value, &mut out);
            }
            Ok(out)
        }
        Format::Json => {
            let mut values = Vec::with_capacity(docs.len());
            for doc in docs {
                values.push(serde_json::to_value(doc).map_err(|e| ser_err(e.to_string()))?);
            }
            let value = match <[Value; 1]>::try_from(values) {
                Ok([one]) => one,
                Err(values) => serde_json::json!({
                    "apiVersion": "v1",
                    "kind": "List",
                    "items": values,
                }),
            };
            let mut text =
                serde_json::to_string_pretty(&value).map_err(|e| ser_err(e.to_string()))?;
            text.push('\n');
            Ok(text)
        }
    }
}
