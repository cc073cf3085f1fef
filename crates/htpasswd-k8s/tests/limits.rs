//! The reader's limits (issue 19 item 3), at and just past each bound, for JSON and YAML
//! alike, and the format detection of YAML flow input (item 9).

use std::time::{Duration, Instant};

use htpasswd_k8s::{
    Format, K8sError, MAX_DEPTH, MAX_DOCUMENTS, MAX_NODES, detect_format, parse_stream,
};

fn parse_err(input: &str, format: Format) -> String {
    match parse_stream(input, format) {
        Err(e @ K8sError::Parse { .. }) => e.to_string(),
        other => panic!("want a parse error, got {other:?}"),
    }
}

fn nested_json(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

fn nested_yaml(depth: usize) -> String {
    // Flow sequences nest the same way in YAML.
    nested_json(depth)
}

#[test]
fn depth_is_bounded_at_max_depth() {
    assert!(parse_stream(&nested_json(MAX_DEPTH), Format::Json).is_ok());
    let err = parse_err(&nested_json(MAX_DEPTH + 1), Format::Json);
    assert!(err.contains("nested more than 64 levels deep"), "{err}");
    assert!(parse_stream(&nested_yaml(MAX_DEPTH), Format::Yaml).is_ok());
    let err = parse_err(&nested_yaml(MAX_DEPTH + 1), Format::Yaml);
    assert!(err.contains("YAML"), "{err}");
    // Far deeper than serde_json's own recursion limit: still our message, no stack overflow.
    let err = parse_err(&nested_json(100_000), Format::Json);
    assert!(err.contains("nested more than"), "{err}");
}

#[test]
fn documents_are_counted_while_reading() {
    let at = "{}\n".repeat(MAX_DOCUMENTS);
    assert_eq!(
        parse_stream(&at, Format::Json).unwrap().len(),
        MAX_DOCUMENTS
    );
    let err = parse_err(&"{}\n".repeat(MAX_DOCUMENTS + 1), Format::Json);
    assert!(err.contains("more than 1024 documents"), "{err}");
    let yaml_at = "a: 1\n---\n".repeat(MAX_DOCUMENTS - 1) + "a: 1\n";
    assert_eq!(
        parse_stream(&yaml_at, Format::Yaml).unwrap().len(),
        MAX_DOCUMENTS
    );
    let yaml_past = "a: 1\n---\n".repeat(MAX_DOCUMENTS) + "a: 1\n";
    let err = parse_err(&yaml_past, Format::Yaml);
    assert!(err.contains("YAML"), "{err}");
    // A document-separator storm stops early, not after reading everything.
    let storm = "{}".repeat(5_000_000);
    let start = Instant::now();
    let err = parse_err(&storm, Format::Json);
    assert!(err.contains("more than 1024 documents"), "{err}");
    assert!(start.elapsed() < Duration::from_secs(5));
}

#[test]
fn nodes_are_counted_while_reading() {
    // The array itself is one node.
    let at = format!("[{}0]", "0,".repeat(MAX_NODES - 2));
    assert!(parse_stream(&at, Format::Json).is_ok());
    let past = format!("[{}0]", "0,".repeat(MAX_NODES - 1));
    let err = parse_err(&past, Format::Json);
    assert!(err.contains("more than 250000 nodes"), "{err}");
    // Across documents too: two documents of 200,000 nodes each.
    let half = format!("[{}0]\n", "0,".repeat(199_998));
    let err = parse_err(&half.repeat(2), Format::Json);
    assert!(err.contains("more than 250000 nodes"), "{err}");
    // Ten million nodes: refused after reading 250,000 of them.
    let huge = format!("[{}0]", "0,".repeat(10_000_000));
    let start = Instant::now();
    let err = parse_err(&huge, Format::Json);
    assert!(err.contains("more than 250000 nodes"), "{err}");
    assert!(start.elapsed() < Duration::from_secs(5));
    let yaml_past = format!("[{}0]", "0,".repeat(MAX_NODES));
    let err = parse_err(&yaml_past, Format::Yaml);
    assert!(err.contains("YAML"), "{err}");
}

#[test]
fn yaml_flow_input_is_yaml() {
    assert_eq!(detect_format("{\"a\": 1}\n"), Format::Json);
    assert_eq!(detect_format("[1, 2]"), Format::Json);
    assert_eq!(detect_format("{a: 1}\n"), Format::Yaml);
    assert_eq!(
        detect_format("{kind: Secret, metadata: {name: s}}"),
        Format::Yaml
    );
    assert_eq!(detect_format("kind: Secret"), Format::Yaml);
    let docs = parse_stream("{kind: Secret, data: {a: b}}", Format::Yaml).unwrap();
    assert_eq!(docs[0]["data"]["a"], "b");
}
