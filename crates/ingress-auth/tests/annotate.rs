//! `annotate`: every Ingress (or the named one) gets the auth annotations; every other document
//! and field keeps its meaning.

use serde_json::{Value, json};

use crate::support::{ours, parse_docs, run_with_stdin, stderr, stdout};

fn annotate(args: &[&str], input: &str) -> (String, String) {
    let out = run_with_stdin(ours().arg("annotate").args(args), input.as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
    (stdout(&out), stderr(&out))
}

const AUTH: [(&str, &str); 4] = [
    (
        "nginx.ingress.kubernetes.io/auth-realm",
        "Authentication Required",
    ),
    ("nginx.ingress.kubernetes.io/auth-secret", "basic-auth"),
    ("nginx.ingress.kubernetes.io/auth-secret-type", "auth-file"),
    ("nginx.ingress.kubernetes.io/auth-type", "basic"),
];

/// `doc` with the auth annotations removed again, to compare with the input.
fn without_auth(mut doc: Value) -> Value {
    if let Some(a) = doc
        .pointer_mut("/metadata/annotations")
        .and_then(Value::as_object_mut)
    {
        for (k, _) in AUTH {
            a.remove(k);
        }
    }
    doc
}

#[test]
fn list_items_are_annotated_and_the_rest_is_unchanged() {
    let input = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/snapshots/list-input.yaml"
    ))
    .unwrap();
    let before = parse_docs(&input);
    let (out, err) = annotate(&["--auth-secret", "basic-auth"], &input);
    assert!(
        err.contains("annotated Ingress web/app") && err.contains("annotated Ingress web/other"),
        "{err}"
    );
    let after = parse_docs(&out);
    assert_eq!(after.len(), before.len());
    for (i, item) in after[0]["items"].as_array().unwrap().iter().enumerate() {
        if item["kind"] == "Ingress" {
            for (k, v) in AUTH {
                assert_eq!(item["metadata"]["annotations"][k], json!(v), "{k}");
            }
        }
        let mut original = before[0]["items"][i].clone();
        if item["kind"] == "Ingress" && original["metadata"].get("annotations").is_none() {
            original["metadata"]["annotations"] = json!({});
        }
        let mut original = without_auth(original);
        if let Some(a) = original
            .pointer_mut("/metadata/annotations")
            .and_then(Value::as_object_mut)
        {
            a.remove("nginx.ingress.kubernetes.io/auth-realm");
        }
        assert_eq!(without_auth(item.clone()), original, "item {i}");
    }
    // The second document and the List's own fields are untouched.
    assert_eq!(after[1], before[1]);
    assert_eq!(after[0]["metadata"], before[0]["metadata"]);
    // Strings that look like other types stay strings.
    assert_eq!(after[1]["data"]["octal"], json!("0777"));
    assert_eq!(after[1]["data"]["flag"], json!("no"));
    assert_eq!(
        after[0]["items"][0]["metadata"]["annotations"]["example.com/enabled"],
        json!("true")
    );
}

#[test]
fn only_the_named_ingress_is_annotated() {
    let input = "kind: Ingress\nmetadata:\n  name: a\n---\nkind: Ingress\nmetadata:\n  name: b\n";
    let (out, _) = annotate(&["--auth-secret", "s", "--ingress", "b"], input);
    let docs = parse_docs(&out);
    assert!(docs[0]["metadata"].get("annotations").is_none());
    assert_eq!(
        docs[1]["metadata"]["annotations"]["nginx.ingress.kubernetes.io/auth-secret"],
        json!("s")
    );
}

#[test]
fn json_in_json_out_with_extra_annotations() {
    let input = r#"{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"a","annotations":{"x":"1"}},"spec":{}}"#;
    let (out, _) = annotate(
        &[
            "--auth-secret",
            "ns/s",
            "--realm",
            "Staff only",
            "--secret-type",
            "auth-map",
            "--cluster-issuer",
            "le",
            "--no-ssl-redirect",
        ],
        input,
    );
    assert!(out.trim_start().starts_with('{'), "{out}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        doc["metadata"]["annotations"],
        json!({
            "x": "1",
            "nginx.ingress.kubernetes.io/auth-realm": "Staff only",
            "nginx.ingress.kubernetes.io/auth-secret": "ns/s",
            "nginx.ingress.kubernetes.io/auth-secret-type": "auth-map",
            "nginx.ingress.kubernetes.io/auth-type": "basic",
            "cert-manager.io/cluster-issuer": "le",
            "nginx.ingress.kubernetes.io/ssl-redirect": "false",
        })
    );
    // Key order of the input is kept.
    let keys: Vec<&str> = doc
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["apiVersion", "kind", "metadata", "spec"]);
}

#[test]
fn annotating_twice_is_idempotent() {
    let input = "kind: Ingress\nmetadata:\n  name: a\n";
    let (once, _) = annotate(&["--auth-secret", "s"], input);
    let (twice, _) = annotate(&["--auth-secret", "s"], &once);
    assert_eq!(once, twice);
}
