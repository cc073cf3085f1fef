//! A generic manifest document model and YAML/JSON streams in and out.
//!
//! [`Node`] keeps what a YAML or JSON manifest means: scalars with their types (so `"false"`
//! stays a string and `false` a boolean), mappings in their key order, any key type. Comments,
//! anchors (expanded) and quoting style are not kept.

use core::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use crate::error::K8sError;

/// One node of a YAML or JSON document.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// `null`, `~` or nothing.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A negative integer.
    Int(i64),
    /// A non-negative integer.
    UInt(u64),
    /// A floating-point number.
    Float(f64),
    /// A string.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in document order.
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// The value under string key `key`, when this is a mapping that has it.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Self::Map(entries) => entries
                .iter()
                .find(|(k, _)| matches!(k, Self::Str(s) if s == key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// Mutable access to the value under string key `key`.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        match self {
            Self::Map(entries) => entries
                .iter_mut()
                .find(|(k, _)| matches!(k, Self::Str(s) if s == key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// Sets string key `key` to `value` in a mapping: replaces the value in place, or appends.
    /// Does nothing when this is not a mapping.
    pub fn set(&mut self, key: &str, value: Node) {
        if let Self::Map(entries) = self {
            match entries
                .iter_mut()
                .find(|(k, _)| matches!(k, Self::Str(s) if s == key))
            {
                Some((_, v)) => *v = value,
                None => entries.push((Self::Str(key.to_owned()), value)),
            }
        }
    }

    /// The string, when this is one.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The value at string path `path` (`["metadata", "name"]`).
    #[must_use]
    pub fn at(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |node, key| node.get(key))
    }
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Null => s.serialize_unit(),
            Self::Bool(b) => s.serialize_bool(*b),
            Self::Int(i) => s.serialize_i64(*i),
            Self::UInt(u) => s.serialize_u64(*u),
            Self::Float(f) => s.serialize_f64(*f),
            Self::Str(v) => s.serialize_str(v),
            Self::Seq(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Self::Map(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML or JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
        Ok(u64::try_from(v).map_or(Node::Int(v), Node::UInt))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
        Ok(Node::UInt(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Float(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        // Duplicate keys are refused (JSON parsers disagree on which one wins; YAML forbids
        // them): what we write back must mean what the input meant.
        let mut entries: Vec<(Node, Node)> = Vec::new();
        let mut string_keys = std::collections::HashSet::new();
        while let Some((k, v)) = map.next_entry::<Node, Node>()? {
            let duplicate = match &k {
                Node::Str(s) => !string_keys.insert(s.clone()),
                other => entries.iter().any(|(seen, _)| seen == other),
            };
            if duplicate {
                return Err(de::Error::custom(format_args!(
                    "duplicate mapping key {}",
                    match &k {
                        Node::Str(s) => format!("{s:?}"),
                        _ => "(not a string)".to_owned(),
                    }
                )));
            }
            entries.push((k, v));
        }
        Ok(Node::Map(entries))
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
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

/// Whether `input` looks like JSON (its first non-blank character opens an object or array).
#[must_use]
pub fn detect_format(input: &str) -> Format {
    match input.trim_start().as_bytes().first() {
        Some(b'{' | b'[') => Format::Json,
        _ => Format::Yaml,
    }
}

/// Most documents in one input stream.
pub const MAX_DOCUMENTS: usize = 10_000;

fn yaml_options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        reject_unsupported_tags: true,
        // Read numbers as kubectl (go-yaml v2, YAML 1.1) does: `0777` is octal.
        legacy_octal_numbers: true,
    }
}

/// Reads a YAML stream (documents separated by `---`) or a JSON stream (one or more
/// concatenated values). Empty YAML documents are skipped.
///
/// # Errors
/// [`K8sError::Parse`] with the parser's message.
pub fn parse_stream(input: &str, format: Format) -> Result<Vec<Node>, K8sError> {
    let docs: Vec<Node> =
        match format {
            Format::Json => serde_json::Deserializer::from_str(input)
                .into_iter::<Node>()
                .collect::<Result<_, _>>()
                .map_err(|e| K8sError::Parse {
                    message: format!("JSON: {e}"),
                })?,
            Format::Yaml => serde_saphyr::from_multiple_with_options(input, yaml_options())
                .map_err(|e| K8sError::Parse {
                    message: format!("YAML: {}", first_line(&e.to_string())),
                })?,
        };
    if docs.len() > MAX_DOCUMENTS {
        return Err(K8sError::Parse {
            message: format!("more than {MAX_DOCUMENTS} documents"),
        });
    }
    Ok(docs.into_iter().filter(|d| *d != Node::Null).collect())
}

/// The first line of a parser message (the rest may quote input, which may hold secrets).
fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

fn yaml_ser_options() -> serde_saphyr::SerializerOptions {
    serde_saphyr::ser_options! {
        indent_step: 2,
        compact_list_indent: true,
        // Long single-line values (base64 Secret data) stay on one line, as kubectl writes
        // them; multi-line strings still get literal blocks.
        folded_wrap_chars: usize::MAX,
    }
}

/// Writes documents as a YAML stream (`---` between documents) or as JSON (one document as
/// it is, several as a `v1` `List`), newline-terminated.
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
                let text = serde_saphyr::to_string_with_options(doc, yaml_ser_options())
                    .map_err(|e| ser_err(e.to_string()))?;
                out.push_str(&text);
                if !out.ends_with('\n') {
                    out.push('\n');
                }
            }
            Ok(out)
        }
        Format::Json => {
            let mut values = Vec::with_capacity(docs.len());
            for doc in docs {
                values.push(serde_json::to_value(doc).map_err(|e| ser_err(e.to_string()))?);
            }
            let value = match <[serde_json::Value; 1]>::try_from(values) {
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
