//! Hostile input (issue 19, items 1-6 and 9): every value taken from input passes the rule of
//! the flag it stands for on every target, hashes cannot smuggle users in, every input is
//! bounded, ImplementationSpecific paths follow each controller's rule, kept snippet
//! annotations are named, wrapped base64 and YAML flow input are read, and names from input
//! reach the terminal escaped.

use std::time::{Duration, Instant};

use crate::support::{TempDir, ours, parse_docs, run_with_stdin, stderr, stdout};

/// alice's apr1 hash of `secret4` (see `migrate::INPUT`).
const ALICE: &str = "$apr1$abcdefgh$ciJHPcCQrYc8PNlfymJ66.";
/// bob's `{SHA}` hash of `secret5`.
const BOB: &str = "{SHA}CBdexjHDZ4kfVcYV+41xChABNis=";
/// dave's SHA-512-crypt hash of `secret3`.
const DAVE: &str = "$6$abcdefgh$86JQsu66XRhBIE.0uFgbn45x0HK7Qvobn1BS1SjvDeQ9EqnAKIqORDUVL9wwCUyhQjkf/CRrOYN1Pct/aiwqI1";

const TARGETS: [&str; 5] = [
    "haproxy",
    "nginx-inc",
    "traefik",
    "envoy-gateway",
    "ingress-nginx",
];

fn b64(bytes: &[u8]) -> String {
    serde_json::to_value(k8s_openapi::ByteString(bytes.to_vec()))
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

/// An auth-map Secret (`data`, base64) and an ingress-nginx Ingress, as JSON so that every
/// value can hold anything.
fn input(secret_data: &[(&str, &str)], annotations: &[(&str, &str)], path: (&str, &str)) -> String {
    let data: serde_json::Map<String, serde_json::Value> = secret_data
        .iter()
        .map(|(u, h)| ((*u).to_owned(), b64(h.as_bytes()).into()))
        .collect();
    let mut ann = serde_json::Map::new();
    ann.insert(
        "nginx.ingress.kubernetes.io/auth-type".into(),
        "basic".into(),
    );
    ann.insert(
        "nginx.ingress.kubernetes.io/auth-secret".into(),
        "basic-auth".into(),
    );
    ann.insert(
        "nginx.ingress.kubernetes.io/auth-secret-type".into(),
        "auth-map".into(),
    );
    for (k, v) in annotations {
        ann.insert((*k).to_owned(), (*v).into());
    }
    let secret = serde_json::json!({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "basic-auth", "namespace": "web"},
        "type": "Opaque", "data": data,
    });
    let ingress = serde_json::json!({
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": {"name": "app", "namespace": "web", "annotations": ann},
        "spec": {"rules": [{"host": "a.example.com", "http": {"paths": [{
            "path": path.0, "pathType": path.1,
            "backend": {"service": {"name": "web", "port": {"number": 80}}},
        }]}}]},
    });
    format!("{secret}\n{ingress}\n")
}

fn plain_input(annotations: &[(&str, &str)]) -> String {
    input(
        &[("alice", ALICE), ("dave", DAVE)],
        annotations,
        ("/", "Prefix"),
    )
}

struct Case {
    what: &'static str,
    args: Vec<String>,
    stdin: String,
    code: i32,
    /// Substrings stderr must contain.
    expect: Vec<&'static str>,
    /// Substrings neither stdout nor stderr may contain (payloads, hashes, raw escapes).
    never: Vec<String>,
}

fn migrate_case(what: &'static str, to: &str, stdin: String, expect: Vec<&'static str>) -> Case {
    Case {
        what,
        // Users some targets cannot check are left out: only the value under test may stop it.
        args: ["migrate", "--allow-missing-users", "--to", to, "-f", "-"]
            .map(String::from)
            .to_vec(),
        stdin,
        code: 2,
        expect,
        never: vec!["\u{1b}".into()],
    }
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    // 1. Values from the input pass the rule of the flag they stand for, on every target.
    let realms = [
        "x\"; } location /pwn { return 200; } #",
        "Team\"\nhttp-request return status 200 content-type text/plain string pwned\n#",
        "Team\u{1b}[2J",
    ];
    for to in TARGETS {
        for realm in realms {
            cases.push(migrate_case(
                "realm from input",
                to,
                plain_input(&[("nginx.ingress.kubernetes.io/auth-realm", realm)]),
                vec!["auth-realm", "ingress-nginx auth-realm rule"],
            ));
        }
        cases.push(migrate_case(
            "auth-secret from input",
            to,
            plain_input(&[(
                "nginx.ingress.kubernetes.io/auth-secret",
                "basic-auth\nuserlist evil",
            )]),
            vec!["auth-secret", "ingress-nginx auth-secret rule"],
        ));
    }
    // 2. Users smuggled through auth-map values, on every path that reads them.
    let smuggled = format!("{ALICE}\nmallory:{ALICE}");
    let haproxy_smuggled = format!("{DAVE}\nuserlist evil\n user root insecure-password x");
    for (to, hash) in [
        ("traefik", smuggled.as_str()),
        ("haproxy", haproxy_smuggled.as_str()),
        ("nginx-inc", smuggled.as_str()),
    ] {
        let mut case = migrate_case(
            "smuggled user",
            to,
            input(&[("alice", hash)], &[], ("/", "Prefix")),
            vec!["user \"alice\"", "white space or control characters"],
        );
        case.never.push(ALICE.to_owned());
        case.never.push(DAVE.to_owned());
        case.never.push("userlist evil".to_owned());
        case.never.push("mallory".to_owned());
        cases.push(case);
    }
    for (hash, reason) in [
        (smuggled.as_str(), "white space or control characters"),
        ("$apr1$abcdefgh$short", "not usable"),
        ("$6$rounds=12$abcdefgh$x", "not usable"),
        ("", "unknown scheme"),
        ("{SHA}not base64!", "not usable"),
        ("\u{1b}]0;pwned\u{7}", "control characters"),
    ] {
        cases.push(Case {
            what: "bad hash, users",
            args: vec!["users".into(), "-f".into(), "-".into()],
            stdin: input(&[("alice", hash)], &[], ("/", "Prefix")),
            code: 2,
            expect: vec!["user \"alice\"", reason],
            never: vec![ALICE.to_owned(), "mallory".into(), "\u{1b}".into()],
        });
    }
    // 3. Limits.
    cases.push(Case {
        what: "size cap",
        args: ["users", "-f", "-", "--max-input-size", "1K"]
            .map(String::from)
            .to_vec(),
        stdin: format!("[{}0]", "0,".repeat(1000)),
        code: 2,
        expect: vec!["-f -", "larger than 1024 bytes"],
        never: vec![],
    });
    cases.push(Case {
        what: "size flag",
        args: ["users", "-f", "-", "--max-input-size", "0"]
            .map(String::from)
            .to_vec(),
        stdin: String::new(),
        code: 2,
        expect: vec!["--max-input-size"],
        never: vec![],
    });
    cases.push(Case {
        what: "JSON depth",
        args: ["users", "-f", "-"].map(String::from).to_vec(),
        stdin: format!("{}{}", "[".repeat(65), "]".repeat(65)),
        code: 2,
        expect: vec!["nested more than 64 levels deep"],
        never: vec![],
    });
    cases.push(Case {
        what: "JSON documents",
        args: ["users", "-f", "-"].map(String::from).to_vec(),
        stdin: "{}\n".repeat(1025),
        code: 2,
        expect: vec!["more than 1024 documents"],
        never: vec![],
    });
    // 5. ImplementationSpecific paths: ingress-nginx's rule, and each controller's.
    for path in ["/a\"b", "/a'b", "/a`b", "/a#b", "/a b", "/a;b", "/a%22"] {
        for controller in ["ingress-nginx", "traefik", "haproxy", "nginx-inc"] {
            cases.push(Case {
                what: "path flag",
                args: [
                    "ingress",
                    "--name",
                    "app",
                    "--auth-secret",
                    "web/basic-auth",
                    "--service",
                    "web",
                    "--port",
                    "80",
                    "--path",
                    path,
                    "--path-type",
                    "ImplementationSpecific",
                    "--controller",
                    controller,
                    "-n",
                    "web",
                ]
                .map(String::from)
                .to_vec(),
                stdin: String::new(),
                code: 2,
                expect: vec!["--path", "ingress-nginx path rule"],
                never: vec![],
            });
        }
        for to in ["haproxy", "nginx-inc", "traefik", "ingress-nginx"] {
            cases.push(migrate_case(
                "path from input",
                to,
                input(&[("dave", DAVE)], &[], (path, "ImplementationSpecific")),
                vec!["path", "ingress-nginx path rule"],
            ));
        }
    }
    for path in ["/a{2}", "/a\\"] {
        cases.push(Case {
            what: "nginx-inc path",
            args: [
                "ingress",
                "--name",
                "app",
                "--auth-secret",
                "basic-auth",
                "--service",
                "web",
                "--port",
                "80",
                "--path",
                path,
                "--path-type",
                "ImplementationSpecific",
                "--controller",
                "nginx-inc",
            ]
            .map(String::from)
            .to_vec(),
            stdin: String::new(),
            code: 2,
            expect: vec!["--path", "NGINX Inc path rule"],
            never: vec![],
        });
    }
    // 9. Names and keys from input are escaped in every message.
    let esc = "a\u{1b}]0;pwned\u{7}b";
    cases.push(Case {
        what: "escaped Secret names",
        args: ["users", "-f", "-"].map(String::from).to_vec(),
        stdin: format!(
            "{{\"kind\":\"Secret\",\"metadata\":{{\"name\":{n}}}}}\n{{\"kind\":\"Secret\",\"metadata\":{{\"name\":{n}}}}}",
            n = serde_json::Value::from(esc)
        ),
        code: 2,
        expect: vec!["several Secrets", "\\u{1b}"],
        never: vec!["\u{1b}".into(), "\u{7}".into()],
    });
    cases.push(Case {
        what: "escaped user key",
        args: ["users", "-f", "-"].map(String::from).to_vec(),
        stdin: input(&[(esc, "$apr1$bad")], &[], ("/", "Prefix")),
        code: 2,
        expect: vec!["\\u{1b}"],
        never: vec!["\u{1b}".into(), "\u{7}".into()],
    });
    cases.push(Case {
        what: "escaped duplicate key",
        args: ["users", "-f", "-"].map(String::from).to_vec(),
        stdin: r#"{"a\u001b[2J": 1, "a\u001b[2J": 2}"#.into(),
        code: 2,
        expect: vec!["duplicate mapping key", "\\u{1b}"],
        never: vec!["\u{1b}".into()],
    });
    cases
}

#[test]
fn hostile_input_table() {
    let cases = cases();
    assert!(cases.len() >= 80, "{}", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let out = run_with_stdin(ours().args(&case.args), case.stdin.as_bytes());
        let err = String::from_utf8_lossy(&out.stderr);
        let all = format!("{}{err}", String::from_utf8_lossy(&out.stdout));
        let ok = out.status.code() == Some(case.code)
            && out.stdout.is_empty()
            && case.expect.iter().all(|e| err.contains(e))
            && !case.never.iter().any(|n| all.contains(n.as_str()))
            && !err.contains("panicked");
        if !ok {
            failures.push(format!(
                "{} {:?}: exit {:?} (want {}), stdout {} bytes, stderr: {}",
                case.what,
                case.args,
                out.status.code(),
                case.code,
                out.stdout.len(),
                err.escape_debug()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} case(s) failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// `-f /dev/zero` stops at the cap instead of growing without end.
#[test]
fn endless_input_stops_at_the_cap() {
    let start = Instant::now();
    let out = ours()
        .args(["users", "-f", "/dev/zero", "--max-input-size", "8M"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("larger than 8388608 bytes"),
        "{}",
        stderr(&out)
    );
    assert!(start.elapsed() < Duration::from_secs(20));
}

/// 80 MiB of JSON: refused at the 64 MiB default cap, quickly; raised past it, the node limit
/// stops the parse after 250,000 nodes (no multi-GB document tree is ever built).
#[test]
fn large_json_is_refused_quickly() {
    let mut json = String::with_capacity(80 << 20);
    json.push('[');
    while json.len() < (80 << 20) {
        json.push_str("0,");
    }
    json.push_str("0]");
    let start = Instant::now();
    let out = run_with_stdin(ours().args(["users", "-f", "-"]), json.as_bytes());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("larger than 67108864 bytes"),
        "{}",
        stderr(&out)
    );
    let out = run_with_stdin(
        ours().args(["users", "-f", "-", "--max-input-size", "100M"]),
        json.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("more than 250000 nodes"),
        "{}",
        stderr(&out)
    );
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn wrapped_base64_and_yaml_flow_input_are_read() {
    let hash = b64(DAVE.as_bytes());
    let (head, tail) = hash.split_at(40);
    // As `base64` wraps by default (and `kubectl get -o yaml` never does): line breaks inside.
    let wrapped = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  dave: \"{head}\\n{tail}\\r\\n\"\n"
    );
    let out = run_with_stdin(ours().args(["users", "-f", "-"]), wrapped.as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("dave"), "{}", stdout(&out));
    let flow = format!(
        "{{apiVersion: v1, kind: Secret, metadata: {{name: s}}, data: {{dave: {hash}}}}}\n"
    );
    let out = run_with_stdin(ours().args(["users", "-f", "-"]), flow.as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("sha512-crypt"), "{}", stdout(&out));
}

/// Snippet annotations kept by `migrate` are named on stderr; the other annotations keep
/// their order.
#[test]
fn kept_snippets_are_named_and_order_is_kept() {
    let dir = TempDir::new("hostile-snippets");
    let file = dir.write(
        "in.json",
        plain_input(&[
            ("z.example.com/first", "1"),
            (
                "nginx.ingress.kubernetes.io/configuration-snippet",
                "return 200;",
            ),
            ("haproxy.org/backend-config-snippet", "http-request deny"),
            ("nginx.org/server-snippets", "location /x {}"),
            ("a.example.com/last", "2"),
        ])
        .as_bytes(),
    );
    for to in ["haproxy", "nginx-inc", "traefik", "ingress-nginx"] {
        let out = ours()
            .args(["migrate", "--allow-missing-users", "--to", to, "-f"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(out.status.success(), "{to}: {}", stderr(&out));
        let err = stderr(&out);
        for key in [
            "nginx.ingress.kubernetes.io/configuration-snippet",
            "haproxy.org/backend-config-snippet",
            "nginx.org/server-snippets",
        ] {
            assert!(
                err.contains("snippet annotations kept") && err.contains(key),
                "{to}: {err}"
            );
        }
        let docs = parse_docs(&stdout(&out));
        let ing = docs.iter().find(|d| d["kind"] == "Ingress").unwrap();
        let keys: Vec<&String> = ing["metadata"]["annotations"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        let kept: Vec<&str> = keys
            .iter()
            .map(|k| k.as_str())
            .filter(|k| k.contains("example.com") || k.contains("snippet"))
            .collect();
        assert_eq!(
            kept,
            [
                "z.example.com/first",
                "nginx.ingress.kubernetes.io/configuration-snippet",
                "haproxy.org/backend-config-snippet",
                "nginx.org/server-snippets",
                "a.example.com/last",
            ],
            "{to}"
        );
    }
}

/// The same smuggled value through `verify` (which needs a file: stdin holds the password).
#[test]
fn verify_refuses_smuggled_users() {
    let dir = TempDir::new("hostile-verify");
    let file = dir.write(
        "s.json",
        input(
            &[("alice", &format!("{ALICE}\nmallory:{ALICE}"))],
            &[],
            ("/", "Prefix"),
        )
        .as_bytes(),
    );
    for user in ["alice", "mallory"] {
        let out = run_with_stdin(
            ours().args(["verify", "--user", user, "-f"]).arg(&file),
            b"secret4\n",
        );
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{user}: {err}");
        assert!(
            err.contains("user \"alice\"") && err.contains("white space"),
            "{err}"
        );
        assert!(!err.contains(ALICE), "{err}");
    }
}
