//! Manifest streams in and out: YAML or JSON documents read into [`serde_json::Value`]s and
//! written back, and the walk over `List` documents.
//!
//! Documents are JSON values, as Kubernetes objects are: scalars keep their types (so `"false"`
//! stays a string and `false` a boolean) and mappings their key order (`serde_json`'s
//! `preserve_order`). A repeated mapping key is refused (JSON parsers disagree on which one
//! wins; YAML forbids it). Integer, float and boolean mapping keys become strings, as kubectl
//! reads them; other keys (null, sequences, mappings) are refused. Comments, anchors (expanded)
//! and quoting style are not kept.

use core::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::Serialize;
use serde_json::{Map, Number, Value};

use crate::error::K8sError;

/// A document as the reader takes it: [`Value`] with the checks above.
struct Document(Value);

struct DocumentVisitor;

impl<'de> Visitor<'de> for DocumentVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML or JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Document::deserialize(d).map(|doc| doc.0)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        // Both parsers refuse infinities and NaN already; JSON has no way to write them.
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("non-finite float"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Document(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        // What we write back must mean what the input meant: no repeated keys.
        let mut entries = Map::new();
        while let Some((Document(k), Document(v))) = map.next_entry()? {
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
            entries.insert(key, v);
        }
        Ok(Value::Object(entries))
    }
}

impl<'de> Deserialize<'de> for Document {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DocumentVisitor).map(Self)
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
/// concatenated values) into one [`Value`] per document, as the module documentation says.
/// Empty YAML documents are skipped. The parsers' own limits hold (serde-saphyr's default
/// budget: nesting depth, node count, scalar bytes, documents; serde_json's nesting depth), and
/// at most [`MAX_DOCUMENTS`] documents are read.
///
/// # Errors
/// [`K8sError::Parse`] with the parser's message (for YAML its first line: later lines quote
/// the input): bad syntax, a limit reached, a repeated mapping key, or a null, sequence or
/// mapping used as a key.
pub fn parse_stream(input: &str, format: Format) -> Result<Vec<Value>, K8sError> {
    let docs: Vec<Document> =
        match format {
            Format::Json => serde_json::Deserializer::from_str(input)
                .into_iter::<Document>()
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
    Ok(docs
        .into_iter()
        .map(|Document(d)| d)
        .filter(|d| !d.is_null())
        .collect())
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
