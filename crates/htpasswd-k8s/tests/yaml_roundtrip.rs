//! The YAML writer against go-yaml, the reader kubectl uses (issue 19 item 4): thousands of
//! random and adversarial strings go into an Ingress as annotation keys and values, through
//! `annotate` (read, then written back), and out through `kubectl annotate --local -o json`,
//! which reads YAML with go-yaml v2 and needs no cluster. Every value must come back as the
//! very string that went in; our own reader must agree.

use std::io::Write as _;
use std::process::{Command, Stdio};

use htpasswd_k8s::{
    AnnotateRequest, AuthConfig, Controller, Format, SecretType, Value, annotate, parse_stream,
    write_stream,
};
use serde_json::{Map, json};

use crate::support::{Rng, seed};

/// Pieces that each break some naive YAML writer or reader.
const PIECES: &[&str] = &[
    "\t",
    " ",
    "  ",
    "\n",
    "\n\n",
    "\r",
    "\r\n",
    ": ",
    ":",
    " #",
    "#",
    "'",
    "\"",
    "\\",
    "- ",
    "-",
    "? ",
    "?",
    "|",
    ">",
    "*",
    "&",
    "!",
    "%",
    "@",
    "`",
    "{",
    "}",
    "[",
    "]",
    ",",
    "=",
    "<<",
    "~",
    "---",
    "...",
    "é",
    "日本",
    "\u{85}",
    "\u{2028}",
    "\u{2029}",
    "\u{FEFF}",
    "\u{1b}[31m",
    "\u{7f}",
    "\u{0}",
    "\u{9f}",
    "\u{a0}",
    "😀",
    "\u{202e}",
    "0X1F",
    "1__0",
    "0B1",
    "0o17",
    "0x_1F",
    ".inf",
    "-.Inf",
    ".NaN",
    "y",
    "N",
    "null",
    "NULL",
    "yes",
    "off",
    "On",
    "true",
    "False",
    "0777",
    "1e3",
    "1_000",
    "+1",
    "-0x1F",
    "12:30",
    "2001-12-14",
    "2001-12-14t21:59:43.10-05:00",
    "0.",
    ".5",
    "+.5",
    "1.",
    "0b",
    "0x",
    "a",
    "word",
    "/path",
    "$apr1$",
    "x y",
    "k: v",
];

/// A string of 0 to 6 pieces, or a single piece alone (so each bare token is tried as is).
fn random_string(rng: &mut Rng) -> String {
    match rng.below(8) {
        0 | 1 => return (*rng.pick(PIECES)).to_owned(),
        // Any character: ASCII (controls included), Latin-1, C1 controls, line separators.
        2 => {
            return (0..rng.below(12))
                .filter_map(|_| char::from_u32(u32::try_from(rng.below(0x2100)).unwrap()))
                .collect();
        }
        _ => {}
    }
    let mut s = String::new();
    for _ in 0..rng.below(7) {
        let piece: &&str = rng.pick(PIECES);
        s.push_str(piece);
    }
    s
}

/// Objects as kubectl prints them: concatenated JSON values.
fn json_stream(text: &str) -> Vec<Value> {
    serde_json::Deserializer::from_str(text)
        .into_iter::<Value>()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn every_string_reads_back_identically_with_go_yaml() {
    const TEST: &str = "every_string_reads_back_identically_with_go_yaml";
    let mut rng = Rng::new(seed(TEST));
    // 8 Ingresses of 400 values (and 101 keys, one over 1,100 characters) each: 3,200
    // values, 808 keys.
    let mut docs = Vec::new();
    let mut wanted: Vec<Map<String, Value>> = Vec::new();
    let mut tokens = PIECES.iter().map(|p| (*p).to_owned());
    for d in 0..8 {
        let mut annotations = Map::new();
        for i in 0..400 {
            // Every piece alone first, then random ones.
            let value = tokens.next().unwrap_or_else(|| random_string(&mut rng));
            annotations.insert(format!("v{i}.example.com/value"), Value::String(value));
        }
        for _ in 0..100 {
            let key = random_string(&mut rng);
            annotations.insert(key, Value::String("key".to_owned()));
        }
        // Past go-yaml's 1,024-character limit on implicit keys, and long values.
        let long = format!("{d}{}", random_string(&mut rng).repeat(50)) + &"k".repeat(1100);
        annotations.insert(long.clone(), Value::String(long));
        wanted.push(annotations.clone());
        docs.push(json!({
            "apiVersion": "networking.k8s.io/v1",
            "kind": "Ingress",
            "metadata": {"name": format!("ing{d}"), "annotations": annotations},
        }));
    }
    let input = write_stream(&docs, Format::Yaml).unwrap();
    assert_eq!(
        parse_stream(&input, Format::Yaml).unwrap(),
        docs,
        "our reader"
    );
    let req = AnnotateRequest {
        auth: AuthConfig {
            secret: "basic-auth".to_owned(),
            realm: AuthConfig::DEFAULT_REALM.to_owned(),
            secret_type: SecretType::AuthFile,
        },
        ingress: None,
        cluster_issuer: None,
        no_ssl_redirect: false,
    };
    let output = annotate(Controller::IngressNginx, &input, &req)
        .unwrap()
        .output;
    let ours = parse_stream(&output, Format::Yaml).unwrap();
    for (want, mine) in wanted.iter().zip(&ours) {
        let mine = mine["metadata"]["annotations"].as_object().unwrap();
        for (k, v) in want {
            assert_eq!(mine.get(k), Some(v), "we read key {k:?} differently");
        }
    }
    // Our own reader agrees whatever happens next; go-yaml is the real test.
    let Some(kubectl) = htpasswd_test_support::reference_tool("kubectl", TEST) else {
        return;
    };

    let mut child = Command::new(kubectl)
        .args(["annotate", "--local", "-f", "-", "-o", "json", "probe=1"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(output.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        out.status.success(),
        "kubectl refused our YAML: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs = json_stream(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(theirs.len(), wanted.len());
    let mut checked = 0;
    for (want, kube) in wanted.iter().zip(&theirs) {
        let kube = kube["metadata"]["annotations"].as_object().unwrap();
        for (k, v) in want {
            assert_eq!(kube.get(k), Some(v), "kubectl read key {k:?} differently");
            checked += 1;
        }
        // The auth annotations, and kubectl's probe, and nothing else.
        assert_eq!(kube.len(), want.len() + 5);
    }
    assert!(checked >= 3_000, "{checked}");
}

#[test]
fn numbers_as_strings_stay_strings() {
    let input = "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: \"0X1F\"\n  b: \"1__0\"\n  c: \"0B1\"\n  d: \"0o17\"\n  e: \"0777\"\n  f: \".inf\"\n  g: \"y\"\n";
    let docs = parse_stream(input, Format::Yaml).unwrap();
    let text = write_stream(&docs, Format::Yaml).unwrap();
    for quoted in [
        "\"0X1F\"", "\"1__0\"", "\"0B1\"", "\"0o17\"", "\"0777\"", "\".inf\"", "\"y\"",
    ] {
        assert!(text.contains(quoted), "{quoted} unquoted in:\n{text}");
    }
    assert_eq!(parse_stream(&text, Format::Yaml).unwrap(), docs);
}

#[test]
fn documents_that_are_scalars_read_back() {
    let docs = vec![
        Value::from("---\n...\nx\n"),
        Value::from("- a"),
        Value::from(1),
        json!([[["deep"]], {}, []]),
        json!([{"k": [{"a": "b\nc"}]}]),
    ];
    let text = write_stream(&docs, Format::Yaml).unwrap();
    assert_eq!(parse_stream(&text, Format::Yaml).unwrap(), docs, "{text}");
}

#[test]
fn tab_first_multi_line_string_is_quoted() {
    let docs = vec![json!({"a": "\tx\ny", "b": "line\n  indented\n", "c": " lead\nx"})];
    let text = write_stream(&docs, Format::Yaml).unwrap();
    assert_eq!(
        text,
        "a: \"\\tx\\ny\"\nb: |\n  line\n    indented\nc: \" lead\\nx\"\n"
    );
}

#[test]
fn json_numbers_read_back_from_yaml() {
    let docs = parse_stream(
        "{\"a\": [0, -1, 18446744073709551615, -9223372036854775808, 1.5, 1e300, 1e-7, 100000000000000000000.0, 2.0]}",
        Format::Json,
    )
    .unwrap();
    let text = write_stream(&docs, Format::Yaml).unwrap();
    assert_eq!(parse_stream(&text, Format::Yaml).unwrap(), docs, "{text}");
}

/// A random value: mappings and sequences (empty ones too) down to `depth`, scalars of every
/// type, keys and strings from [`random_string`], now and then a key over 1,024 characters.
fn random_value(rng: &mut Rng, depth: usize) -> Value {
    let pick = if depth == 0 {
        rng.below(5)
    } else {
        rng.below(8)
    };
    match pick {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 0),
        2 => Value::from(i64::try_from(rng.below(2_000_001)).unwrap() - 1_000_000),
        3 => Value::from(f64::from(u32::try_from(rng.below(1000)).unwrap()) / 8.0 + 0.125),
        4 => Value::String(random_string(rng)),
        5 | 6 => {
            let mut map = Map::new();
            for _ in 0..rng.below(5) {
                let key = if rng.below(50) == 0 {
                    "k".repeat(1100)
                } else {
                    random_string(rng)
                };
                map.insert(key, random_value(rng, depth - 1));
            }
            Value::Object(map)
        }
        _ => Value::Array(
            (0..rng.below(5))
                .map(|_| random_value(rng, depth - 1))
                .collect(),
        ),
    }
}

#[test]
fn random_structures_read_back_identically_with_go_yaml() {
    const TEST: &str = "random_structures_read_back_identically_with_go_yaml";
    let mut rng = Rng::new(seed(TEST));
    let docs: Vec<Value> = (0..300)
        .map(|i| {
            json!({
                "apiVersion": "example.com/v1",
                "kind": "Thing",
                "metadata": {"name": format!("t{i}")},
                "spec": {"value": random_value(&mut rng, 5)},
            })
        })
        .collect();
    let text = write_stream(&docs, Format::Yaml).unwrap();
    assert_eq!(
        parse_stream(&text, Format::Yaml).unwrap(),
        docs,
        "our reader"
    );
    let Some(kubectl) = htpasswd_test_support::reference_tool("kubectl", TEST) else {
        return;
    };
    let mut child = Command::new(kubectl)
        .args(["annotate", "--local", "-f", "-", "-o", "json", "probe=1"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        out.status.success(),
        "kubectl refused our YAML: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs = json_stream(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(theirs.len(), docs.len());
    for (want, kube) in docs.iter().zip(&theirs) {
        assert_eq!(
            numbers_as_floats(&kube["spec"]),
            numbers_as_floats(&want["spec"]),
            "{}",
            want["metadata"]["name"]
        );
    }
}

/// `v` with every number as a float: Go's JSON encoder writes the float `20.0` as `20`.
fn numbers_as_floats(v: &Value) -> Value {
    match v {
        Value::Number(n) => Value::from(n.as_f64().unwrap()),
        Value::Array(items) => Value::Array(items.iter().map(numbers_as_floats).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), numbers_as_floats(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}
