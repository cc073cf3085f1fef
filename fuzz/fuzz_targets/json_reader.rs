//! Arbitrary bytes through the JSON reader (`parse_stream` with `Format::Json`) and the format
//! detection. Never panics, never exceeds the limits (documents, nodes, depth); whatever is
//! accepted writes back as JSON and as YAML that read back as the same documents.
#![no_main]

use htpasswd_k8s::{Format, MAX_DOCUMENTS, Value, detect_format, parse_stream, write_stream};
use libfuzzer_sys::fuzz_target;

fn nodes_and_depth(v: &Value) -> (usize, usize) {
    match v {
        Value::Array(items) => items.iter().fold((1, 1), |(n, d), i| {
            let (ni, di) = nodes_and_depth(i);
            (n + ni, d.max(di + 1))
        }),
        Value::Object(map) => map.values().fold((1, 1), |(n, d), i| {
            let (ni, di) = nodes_and_depth(i);
            // Each key is a node too.
            (n + ni + 1, d.max(di + 1))
        }),
        _ => (1, 0),
    }
}

/// Whether `v` holds a float: serde_json (without its `float_roundtrip` feature) may read a
/// float it wrote one unit in the last place off, so such documents are only re-read.
fn has_float(v: &Value) -> bool {
    match v {
        Value::Number(n) => n.is_f64(),
        Value::Array(items) => items.iter().any(has_float),
        Value::Object(map) => map.values().any(has_float),
        _ => false,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = core::str::from_utf8(data) else {
        return;
    };
    let _ = detect_format(input);
    let Ok(docs) = parse_stream(input, Format::Json) else {
        return;
    };
    assert!(docs.len() <= MAX_DOCUMENTS);
    let mut total = 0;
    for doc in &docs {
        let (nodes, depth) = nodes_and_depth(doc);
        total += nodes;
        assert!(depth <= htpasswd_k8s::MAX_DEPTH, "depth {depth}");
    }
    assert!(total <= htpasswd_k8s::MAX_NODES, "nodes {total}");
    for doc in &docs {
        let one = core::slice::from_ref(doc);
        let json = write_stream(one, Format::Json).expect("JSON documents write as JSON");
        let json_back = parse_stream(&json, Format::Json).expect("our JSON reads");
        let yaml = write_stream(one, Format::Yaml).expect("JSON documents write as YAML");
        let back = parse_stream(&yaml, Format::Yaml).expect("our YAML reads");
        if has_float(doc) {
            continue;
        }
        assert_eq!(json_back, one);
        // An empty document (null) is skipped by the YAML reader.
        if !doc.is_null() {
            assert_eq!(back, one, "YAML round trip changed the document:\n{yaml}");
        }
    }
});
