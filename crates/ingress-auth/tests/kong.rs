//! `--controller kong`: the resources read back (KongPlugins named by `konghq.com/plugins`,
//! one KongConsumer and one `basic-auth` credential Secret per user, the `acl` group that admits
//! only them), the passwords only in the credential Secrets, the refusals (htpasswd input,
//! `--scheme`, `migrate --to kong`), and `--no-auth-path` routed through a model of Kong's
//! routers fed the paths as Kong Ingress Controller translates them (its
//! `PathsFromIngressPaths`, `generateKongRoutePathFromHTTPRouteMatch`, `ingress_atc.go`, from
//! Kong/kubernetes-ingress-controller @ 1fa68f8642daef18fe676d852381a37447b31daf; Kong's
//! `traditional_compatible` priorities from Kong/kong `kong/router/transform.lua`
//! `get_priority` @ 22246ef28c16842098369b494eef879222e30c7b).

use serde_json::Value;

use crate::support::{TempDir, base64_decode, parse_docs, run, stderr, stdout};

fn ok(args: &[&str]) -> Vec<Value> {
    let out = run(args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    parse_docs(&stdout(&out))
}

fn of_kind<'a>(docs: &'a [Value], kind: &str) -> Vec<&'a Value> {
    docs.iter().filter(|d| d["kind"] == kind).collect()
}

fn data(secret: &Value, key: &str) -> Vec<u8> {
    base64_decode(secret["data"][key].as_str().unwrap())
}

fn named<'a>(docs: &'a [Value], kind: &str, name: &str) -> &'a Value {
    docs.iter()
        .find(|d| d["kind"] == kind && d["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name}"))
}

#[test]
fn generate_writes_plugins_consumers_and_credentials() {
    let dir = TempDir::new("kong-gen");
    let users = dir.write("users.txt", b"carol:s3cret pass\nAlice@Example.com:pw2\n");
    let docs = ok(&[
        "generate",
        "--controller",
        "kong",
        "--name",
        "app",
        "-n",
        "web",
        "--user",
        "bob:hunter2",
        "--users-file",
        users.to_str().unwrap(),
        "--host",
        "a.example.com",
        "--service",
        "web",
        "--port",
        "80",
        "--class",
        "kong-internal",
        "--realm",
        "Team area",
    ]);
    // The Ingress names both plugins, which live beside it.
    let ing = named(&docs, "Ingress", "app");
    assert_eq!(
        ing["metadata"]["annotations"]["konghq.com/plugins"],
        "app-basic-auth,app-acl"
    );
    assert_eq!(ing["spec"]["ingressClassName"], "kong-internal");
    let basic = named(&docs, "KongPlugin", "app-basic-auth");
    assert_eq!(basic["apiVersion"], "configuration.konghq.com/v1");
    assert_eq!(basic["metadata"]["namespace"], "web");
    assert_eq!(basic["plugin"], "basic-auth");
    assert_eq!(
        basic["config"],
        serde_json::json!({"hide_credentials": true, "realm": "Team area"})
    );
    let acl = named(&docs, "KongPlugin", "app-acl");
    assert_eq!(acl["plugin"], "acl");
    assert_eq!(acl["config"]["allow"], serde_json::json!(["web/app"]));
    // The acl credential Secret puts every consumer in that group.
    let group = named(&docs, "Secret", "app-acl");
    assert_eq!(group["metadata"]["labels"]["konghq.com/credential"], "acl");
    assert_eq!(data(group, "group"), b"web/app");
    // One consumer and one basic-auth Secret per user, in the order given.
    let consumers = of_kind(&docs, "KongConsumer");
    let want = [
        ("bob", "hunter2"),
        ("carol", "s3cret pass"),
        ("Alice@Example.com", "pw2"),
    ];
    assert_eq!(consumers.len(), want.len());
    for (c, (user, password)) in consumers.iter().zip(want) {
        assert_eq!(c["username"], user);
        assert_eq!(c["metadata"]["namespace"], "web");
        assert_eq!(
            c["metadata"]["annotations"]["kubernetes.io/ingress.class"],
            "kong-internal"
        );
        let creds: Vec<&str> = c["credentials"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(creds.len(), 2);
        assert_eq!(creds[1], "app-acl");
        assert_eq!(creds[0], c["metadata"]["name"].as_str().unwrap());
        let secret = named(&docs, "Secret", creds[0]);
        assert_eq!(
            secret["metadata"]["labels"]["konghq.com/credential"],
            "basic-auth"
        );
        assert_eq!(secret["type"], "Opaque");
        let keys: Vec<&String> = secret["data"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["password", "username"]);
        assert_eq!(data(secret, "username"), user.as_bytes());
        assert_eq!(data(secret, "password"), password.as_bytes());
    }
    // Object names are valid, distinct, and stable for a user name.
    let names: std::collections::BTreeSet<&str> = consumers
        .iter()
        .map(|c| c["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 3);
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("app-alice-example-com-"))
    );
    assert!(names.iter().all(|n| !n.contains('@') && n.len() <= 63));
}

#[test]
fn passwords_appear_only_in_the_credential_secrets() {
    let dir = TempDir::new("kong-secret");
    let creds = dir.path().join("creds.txt");
    let users = dir.write("users.txt", b"carol:Only-In-Secret-7\n");
    let out = run(&[
        "secret",
        "--controller",
        "kong",
        "--name",
        "app",
        "--user",
        "dave",
        "--users-file",
        users.to_str().unwrap(),
        "--credentials-file",
        creds.to_str().unwrap(),
        "-o",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let err = stderr(&out);
    assert!(!err.contains("Only-In-Secret-7"), "{err}");
    let generated = std::fs::read_to_string(&creds).unwrap();
    let (user, password) = generated.trim_end().split_once(':').unwrap();
    assert_eq!(user, "dave");
    assert!(!err.contains(password));
    // In clear nowhere in the manifests: only base64 in the Secret's data.
    assert!(!text.contains("Only-In-Secret-7") && !text.contains(password));
    let docs = parse_docs(&text);
    let items = docs[0]["items"].as_array().unwrap();
    let mut seen = Vec::new();
    for d in items {
        if d["kind"] == "Secret" && d["metadata"]["labels"]["konghq.com/credential"] == "basic-auth"
        {
            seen.push((data(d, "username"), data(d, "password")));
        }
        // No other document holds a password field.
        if d["kind"] != "Secret" {
            assert!(!d.to_string().contains("password"), "{d}");
        }
    }
    assert_eq!(
        seen,
        [
            (b"dave".to_vec(), password.as_bytes().to_vec()),
            (b"carol".to_vec(), b"Only-In-Secret-7".to_vec())
        ]
    );
    // `secret` writes no Ingress and no plugin; the default class is kong.
    assert!(items.iter().all(|d| d["kind"] != "KongPlugin"));
    assert!(
        items
            .iter()
            .filter(|d| d["kind"] == "KongConsumer")
            .all(|d| d["metadata"]["annotations"]["kubernetes.io/ingress.class"] == "kong")
    );
}

#[test]
fn hashes_are_refused_with_the_reason() {
    let dir = TempDir::new("kong-refuse");
    let htpasswd = dir.write("h", b"alice:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n");
    let h = htpasswd.to_str().unwrap();
    let cases: [(&[&str], &str); 4] = [
        (
            &[
                "secret",
                "--controller",
                "kong",
                "--name",
                "a",
                "--htpasswd",
                h,
            ],
            "cannot take the hashes of an htpasswd file",
        ),
        (
            &[
                "secret",
                "--controller",
                "kong",
                "--name",
                "a",
                "--user",
                "b:c",
                "--scheme",
                "sha1",
            ],
            "--scheme sha1: kong takes each password in clear",
        ),
        (
            &[
                "secret",
                "--controller",
                "kong",
                "--name",
                "a",
                "--user",
                "b:c",
                "--secret-type",
                "auth-map",
            ],
            "--secret-type auth-map",
        ),
        (
            &[
                "generate",
                "--controller",
                "kong",
                "--name",
                "a",
                "--user",
                "b:c",
                "--service",
                "s",
                "--port",
                "80",
                "--auth-server",
                "img",
                "--namespace",
                "n",
            ],
            "--auth-server",
        ),
    ];
    for (args, want) in cases {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert!(err.contains(want), "{args:?}: {err}");
        assert!(stdout(&out).is_empty(), "{args:?}");
        assert!(!err.contains("W6ph5Mm5"), "{err}");
    }
    let out = run(&[
        "secret",
        "--controller",
        "kong",
        "--name",
        "a",
        "--htpasswd",
        h,
    ]);
    let err = stderr(&out);
    assert!(
        err.contains("hashes it") || err.contains("stores its own hash"),
        "{err}"
    );
    assert!(err.contains("--auth-server"), "{err}");
    // migrate: the input holds only hashes.
    let input = dir.write("in.yaml", crate::migrate::INPUT.as_bytes());
    let out = run(&["migrate", "--to", "kong", "-f", input.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("kong takes each password in clear"), "{err}");
    assert!(err.contains("--auth-server"), "{err}");
    assert!(stdout(&out).is_empty());
    let out = run(&[
        "migrate",
        "--to",
        "kong",
        "--allow-missing-users",
        "-f",
        input.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    // A password Kong would receive mangled (not UTF-8) is refused, and not echoed.
    let bad = dir.write("bad.txt", b"eve:pass\xff\xfeword\n");
    let out = run(&[
        "secret",
        "--controller",
        "kong",
        "--name",
        "a",
        "--users-file",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not UTF-8"), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
}

#[test]
fn ingress_writes_the_plugins_for_an_auth_name_and_gateway_mode_annotates_the_route() {
    let docs = ok(&[
        "ingress",
        "--controller",
        "kong",
        "--name",
        "web",
        "-n",
        "apps",
        "--auth-secret",
        "team",
        "--service",
        "web",
        "--port",
        "80",
    ]);
    let kinds: Vec<&str> = docs.iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["KongPlugin", "KongPlugin", "Ingress"]);
    assert_eq!(
        docs[2]["metadata"]["annotations"]["konghq.com/plugins"],
        "team-basic-auth,team-acl"
    );
    assert_eq!(docs[1]["config"]["allow"], serde_json::json!(["apps/team"]));
    // The users for it: `secret --name team` in the same namespace.
    let users = ok(&[
        "secret",
        "--controller",
        "kong",
        "--name",
        "team",
        "-n",
        "apps",
        "--user",
        "a:b",
    ]);
    assert_eq!(
        data(named(&users, "Secret", "team-acl"), "group"),
        b"apps/team"
    );

    let out = run(&[
        "ingress",
        "--controller",
        "kong",
        "--name",
        "web",
        "--auth-secret",
        "other/team",
        "--service",
        "web",
        "--port",
        "80",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("give NAME"), "{}", stderr(&out));

    let docs = ok(&[
        "ingress",
        "--controller",
        "kong",
        "--name",
        "web",
        "-n",
        "apps",
        "--auth-secret",
        "team",
        "--gateway",
        "infra/gw",
        "--service",
        "web",
        "--port",
        "80",
        "--no-auth-path",
        "/healthz",
    ]);
    let kinds: Vec<&str> = docs.iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["HTTPRoute", "HTTPRoute", "KongPlugin", "KongPlugin"]
    );
    assert_eq!(
        docs[0]["metadata"]["annotations"]["konghq.com/plugins"],
        "team-basic-auth,team-acl"
    );
    assert!(docs[0]["spec"]["rules"][0].get("filters").is_none());
    assert_eq!(docs[1]["metadata"]["name"], "web-no-auth");
    assert!(docs[1]["metadata"].get("annotations").is_none());
    // --no-ssl-redirect has no Kong annotation.
    let out = run(&[
        "ingress",
        "--controller",
        "kong",
        "--name",
        "web",
        "--auth-secret",
        "team",
        "--service",
        "web",
        "--port",
        "80",
        "--no-ssl-redirect",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn users_and_verify_read_the_credentials_back() {
    let dir = TempDir::new("kong-read");
    let out = run(&[
        "generate",
        "--controller",
        "kong",
        "--name",
        "app",
        "-n",
        "web",
        "--user",
        "bob:hunter2",
        "--user",
        "Alice@x:pw 2",
        "--service",
        "web",
        "--port",
        "80",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let file = dir.write("kong.yaml", &out.stdout);
    let f = file.to_str().unwrap();
    let out = run(&["users", "-f", f]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().take(3).collect())
        .collect();
    assert_eq!(
        rows,
        [
            ["bob", "plaintext", "kong"],
            ["Alice@x", "plaintext", "kong"]
        ]
    );
    assert!(!text.contains("hunter2") && !stderr(&out).contains("hunter2"));
    let verify = |user: &str, password: &[u8], secret: Option<&str>| {
        let mut cmd = crate::support::ours();
        cmd.args(["verify", "-f", f, "--user", user]);
        if let Some(s) = secret {
            cmd.args(["--secret", s]);
        }
        crate::support::run_with_stdin(&mut cmd, password)
    };
    assert_eq!(verify("bob", b"hunter2\n", None).status.code(), Some(0));
    assert_eq!(verify("Alice@x", b"pw 2\n", None).status.code(), Some(0));
    let wrong = verify("bob", b"hunter3\n", None);
    assert_eq!(wrong.status.code(), Some(3));
    assert!(!stderr(&wrong).contains("hunter"), "{}", stderr(&wrong));
    assert_eq!(verify("bob", b"hunter\n", None).status.code(), Some(3));
    assert_eq!(verify("carol", b"x\n", None).status.code(), Some(6));
    // One credential Secret by name.
    let docs = parse_docs(&std::fs::read_to_string(&file).unwrap());
    let bob = of_kind(&docs, "KongConsumer")[0]["metadata"]["name"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        verify("bob", b"hunter2\n", Some(&bob)).status.code(),
        Some(0)
    );
    assert_eq!(
        verify("Alice@x", b"pw 2\n", Some(&bob)).status.code(),
        Some(6)
    );
    // Two credentials for one user name: Kong refuses that, and so does the reader.
    let twice = dir.write(
        "twice.yaml",
        b"apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\n  labels:\n    konghq.com/credential: basic-auth\nstringData:\n  username: bob\n  password: \"x1\"\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: b\n  labels:\n    konghq.com/credential: basic-auth\nstringData:\n  username: bob\n  password: \"y2\"\n",
    );
    let out = run(&["users", "-f", twice.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("another credential"),
        "{}",
        stderr(&out)
    );
}

/// A path of a Kong route as Kong matches it: a plain prefix, or a regex (`~` dropped).
#[derive(Debug, Clone)]
enum KongPath {
    Plain(String),
    Regex(String),
    /// The expressions router's `http.path == "..."` (KIC writes Exact and Prefix so there).
    Equal(String),
}

/// One path of a Kong route, with the route's identity (for the expressions router, which
/// gives the whole route one priority) and whether the route carries the auth plugins.
#[derive(Debug, Clone)]
struct Entry {
    route: String,
    path: KongPath,
    /// The path as the expressions router matches it (KIC `ingress_atc.go`).
    atc_path: KongPath,
    /// The expressions router's path length for this path.
    atc_length: usize,
    /// Whether KIC counts the path as a regex path there (Exact, Prefix, `/~` regexes).
    atc_regex: bool,
    protected: bool,
}

/// Matches a regex of the forms KIC and ingress-auth write: literal characters, `\x`
/// (escaped), `.` (any character), a final `(/.*)?` and `$`; anchored at the start as Kong
/// anchors regex paths.
fn regex_matches(regex: &str, path: &str) -> bool {
    let (body, optional_tail) = match regex.strip_suffix("(/.*)?$") {
        Some(b) => (b, true),
        None => (regex.strip_suffix('$').expect("anchored regex"), false),
    };
    let mut tokens: Vec<Option<char>> = Vec::new(); // None: any character
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => tokens.push(Some(chars.next().unwrap())),
            '.' => tokens.push(None),
            c => {
                assert!(!"^$|?*+()[]{}".contains(c), "unmodelled regex {regex}");
                tokens.push(Some(c));
            }
        }
    }
    let p: Vec<char> = path.chars().collect();
    if p.len() < tokens.len() {
        return false;
    }
    let head_ok = tokens
        .iter()
        .zip(&p)
        .all(|(t, c)| t.is_none_or(|t| t == *c));
    let rest = &p[tokens.len()..];
    head_ok && (rest.is_empty() || (optional_tail && rest[0] == '/'))
}

/// The Kong paths of the generated Ingresses and HTTPRoutes (one host assumed), as KIC
/// translates them.
fn kong_entries(docs: &[Value]) -> Vec<Entry> {
    let mut out = Vec::new();
    for d in docs {
        let protected = d["metadata"]["annotations"]["konghq.com/plugins"].is_string();
        let name = d["metadata"]["name"].as_str().unwrap();
        match d["kind"].as_str().unwrap() {
            "Ingress" => {
                for rule in d["spec"]["rules"].as_array().unwrap() {
                    for p in rule["http"]["paths"].as_array().unwrap() {
                        let path = p["path"].as_str().unwrap();
                        let backend = p["backend"].to_string();
                        let route = format!("{name}/{backend}");
                        let mut push = |kp: KongPath, atc: KongPath, atc_length, atc_regex| {
                            out.push(Entry {
                                route: route.clone(),
                                path: kp,
                                atc_path: atc,
                                atc_length,
                                atc_regex,
                                protected,
                            });
                        };
                        match p["pathType"].as_str().unwrap() {
                            "Prefix" => {
                                let base = path.trim_matches('/');
                                if base.is_empty() {
                                    let root = KongPath::Plain("/".into());
                                    push(root.clone(), root, 1, true);
                                } else {
                                    let n = 2 + base.len();
                                    let plain = KongPath::Plain(format!("/{base}/"));
                                    push(plain.clone(), plain, n, true);
                                    let eq = KongPath::Equal(format!("/{base}"));
                                    push(KongPath::Regex(format!("/{base}$")), eq, n, true);
                                }
                            }
                            "Exact" => {
                                let rel = path.trim_start_matches('/');
                                let eq = KongPath::Equal(format!("/{rel}"));
                                push(KongPath::Regex(format!("/{rel}$")), eq, 1 + rel.len(), true);
                            }
                            _ => match path.strip_prefix("/~") {
                                Some(regex) => {
                                    let r = KongPath::Regex(regex.into());
                                    push(r.clone(), r, regex.len(), true);
                                }
                                None => {
                                    let plain = KongPath::Plain(path.into());
                                    push(plain.clone(), plain, path.len(), false);
                                }
                            },
                        }
                    }
                }
            }
            "HTTPRoute" => {
                for rule in d["spec"]["rules"].as_array().unwrap() {
                    for m in rule["matches"].as_array().unwrap() {
                        let v = m["path"]["value"].as_str().unwrap();
                        // Only the traditional router is modelled for HTTPRoutes.
                        let mut push = |kp: KongPath| {
                            out.push(Entry {
                                route: name.to_owned(),
                                path: kp.clone(),
                                atc_path: kp,
                                atc_length: 0,
                                atc_regex: false,
                                protected,
                            });
                        };
                        match m["path"]["type"].as_str().unwrap() {
                            "Exact" => push(KongPath::Regex(format!("{v}$"))),
                            "PathPrefix" => {
                                push(KongPath::Regex(format!("{v}$")));
                                let plain = if v.ends_with('/') {
                                    v.to_owned()
                                } else {
                                    format!("{v}/")
                                };
                                push(KongPath::Plain(plain));
                            }
                            _ => push(KongPath::Regex(v.to_owned())),
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn path_matches(kp: &KongPath, path: &str) -> bool {
    match kp {
        KongPath::Plain(p) => path.starts_with(p.as_str()),
        KongPath::Regex(r) => regex_matches(r, path),
        KongPath::Equal(p) => path == p,
    }
}

fn entry_matches(e: &Entry, path: &str) -> bool {
    path_matches(&e.path, path)
}

/// Kong's `traditional_compatible` router (same hosts, no headers or methods): regex paths
/// before plain ones, plain ones by length; `regex_priority` is 0 for all. Returns whether
/// each route tied at the top is protected (several: which one wins is not defined).
fn traditional(entries: &[Entry], path: &str) -> Vec<bool> {
    let key = |e: &Entry| match &e.path {
        KongPath::Regex(_) | KongPath::Equal(_) => (1, 0),
        KongPath::Plain(p) => (0, p.len()),
    };
    let matching: Vec<&Entry> = entries.iter().filter(|e| entry_matches(e, path)).collect();
    let Some(best) = matching.iter().map(|e| key(e)).max() else {
        return Vec::new();
    };
    matching
        .iter()
        .filter(|e| key(e) == best)
        .map(|e| e.protected)
        .collect()
}

/// Kong's `expressions` router with KIC's Ingress priorities: each route (Ingress, backend)
/// one priority, from its longest path; a regex bit for routes with a regex (Exact and Prefix
/// count as regex).
fn expressions(entries: &[Entry], path: &str) -> Vec<bool> {
    let priority = |route: &str| {
        let of: Vec<&Entry> = entries.iter().filter(|e| e.route == route).collect();
        let regex = of.iter().any(|e| e.atc_regex);
        (regex, of.iter().map(|e| e.atc_length).max().unwrap_or(0))
    };
    let matching: Vec<&Entry> = entries
        .iter()
        .filter(|e| path_matches(&e.atc_path, path))
        .collect();
    let Some(best) = matching.iter().map(|e| priority(&e.route)).max() else {
        return Vec::new();
    };
    matching
        .iter()
        .filter(|e| priority(&e.route) == best)
        .map(|e| e.protected)
        .collect()
}

const EXEMPT: [&str; 6] = [
    "--no-auth-path",
    "/healthz",
    "--no-auth-path",
    "/.well-known/acme-challenge/*",
    "--no-auth-path",
    "/api/hook",
];

fn no_auth_docs(gateway: bool) -> Vec<Value> {
    let mut args = vec![
        "ingress",
        "--controller",
        "kong",
        "--name",
        "web",
        "-n",
        "apps",
        "--auth-secret",
        "team",
        "--service",
        "web",
        "--port",
        "80",
        "--rule",
        "/api*=api:8080",
        "--rule",
        "/admin/really/long/protected/path*=web:80",
    ];
    if gateway {
        args.extend(["--gateway", "gw"]);
    }
    args.extend(EXEMPT);
    ok(&args)
}

#[test]
fn exempt_paths_are_open_in_kongs_router_and_nothing_else_is() {
    for gateway in [false, true] {
        let entries = kong_entries(&no_auth_docs(gateway));
        for path in [
            "/healthz",
            "/.well-known/acme-challenge/token-1",
            "/.well-known/acme-challenge",
            "/api/hook",
        ] {
            assert_eq!(
                traditional(&entries, path),
                [false],
                "gateway={gateway}: {path} should be open: {entries:?}"
            );
        }
        for path in [
            "/",
            "/healthz/",
            "/healthz/x",
            "/healthzx",
            "/Xhealthz",
            // '.' is escaped: these are not the exempt path.
            "/Xwell-known/acme-challenge",
            "/Xwell-known/acme-challenge/t",
            "/.well-knownXacme-challenge",
            "/.well-known/other",
            "/api",
            "/api/hook/x",
            "/api/hooks",
            "/admin/really/long/protected/path/x",
        ] {
            let winners = traditional(&entries, path);
            assert!(
                !winners.is_empty() && winners.iter().all(|p| *p),
                "gateway={gateway}: {path} should be protected: {winners:?}"
            );
        }
    }
}

/// Under Kong's expressions router an exempt path may still ask for auth (each route has one
/// priority, from its longest path: here the protected Ingress's long path outranks
/// `/healthz`), but no protected path is ever opened.
#[test]
fn kongs_expressions_router_never_opens_a_protected_path() {
    let entries = kong_entries(&no_auth_docs(false));
    for path in [
        "/",
        "/x",
        "/healthz/x",
        "/Xwell-known/acme-challenge",
        "/api",
        "/api/hook/x",
        "/admin/really/long/protected/path",
        "/admin/really/long/protected/path/x",
    ] {
        let winners = expressions(&entries, path);
        assert!(
            !winners.is_empty() && winners.iter().all(|p| *p),
            "{path} should be protected: {winners:?}"
        );
    }
    assert!(expressions(&entries, "/healthz").iter().all(|p| *p));
}

#[test]
fn no_auth_refusals_for_kong() {
    let base = [
        "ingress",
        "--controller",
        "kong",
        "--name",
        "web",
        "-n",
        "apps",
        "--auth-secret",
        "team",
        "--service",
        "web",
        "--port",
        "80",
    ];
    let cases: [(&[&str], &str); 4] = [
        // Exact /api and Prefix /api are the same Kong regex, ~/api$.
        (
            &["--path", "/api", "--no-auth-path", "/api"],
            "same Kong regex path",
        ),
        (
            &[
                "--path-type",
                "Exact",
                "--path",
                "/api",
                "--rule",
                "/*=web:80",
                "--no-auth-path",
                "/api*",
            ],
            "same Kong regex path",
        ),
        // An exempt Prefix over a protected path: the expressions router could open it.
        (
            &["--rule", "/app/admin*=web:80", "--no-auth-path", "/app*"],
            "expressions router",
        ),
        (&["--no-auth-path", "/*"], "also a protected Prefix path"),
    ];
    for gateway in [false, true] {
        for (extra, want) in cases {
            let mut args = base.to_vec();
            if gateway {
                args.extend(["--gateway", "gw"]);
            }
            args.extend_from_slice(extra);
            let out = run(&args);
            assert_eq!(out.status.code(), Some(2), "{extra:?}");
            let err = stderr(&out);
            assert!(err.contains(want), "{extra:?}: {err}");
            assert!(stdout(&out).is_empty());
        }
    }
    // Exact /api/ (trailing slash) is the regex ~/api/$, not Prefix /api's ~/api$: allowed,
    // and only /api/ is open.
    let docs = ok(&[&base[..], &["--path", "/api", "--no-auth-path", "/api/"]].concat());
    let entries = kong_entries(&docs);
    assert_eq!(traditional(&entries, "/api/"), [false]);
    for path in ["/api", "/api/x"] {
        assert!(traditional(&entries, path).iter().all(|p| *p), "{path}");
    }
}

#[test]
fn the_regex_model_is_not_vacuous() {
    assert!(regex_matches("/a.b$", "/aXb"));
    assert!(!regex_matches("/a\\.b$", "/aXb"));
    assert!(regex_matches("/a\\.b$", "/a.b"));
    assert!(regex_matches("/a(/.*)?$", "/a/x/y"));
    assert!(!regex_matches("/a(/.*)?$", "/ab"));
    assert!(!regex_matches("/a$", "/a/"));
    // KIC's own unescaped Exact path would open /Xwell-known: why ingress-auth escapes it.
    let entries = vec![
        Entry {
            route: "p".into(),
            path: KongPath::Plain("/".into()),
            atc_path: KongPath::Plain("/".into()),
            atc_length: 1,
            atc_regex: true,
            protected: true,
        },
        Entry {
            route: "f".into(),
            path: KongPath::Regex("/.well-known$".into()),
            atc_path: KongPath::Equal("/.well-known".into()),
            atc_length: 12,
            atc_regex: true,
            protected: false,
        },
    ];
    assert_eq!(traditional(&entries, "/Xwell-known"), [false]);
}

/// Snapshots (`tests/snapshots/`, `UPDATE_SNAPSHOTS=1` rewrites them) of Kong's outputs: the
/// Ingress and the HTTPRoute with exempt paths, and the users from given passwords (nothing
/// random: the passwords are given, the names derive from the user names).
#[test]
fn snapshots_of_kongs_outputs() {
    let check = |name: &str, args: &[&str]| {
        let out = run(args);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let got = String::from_utf8(out.stdout).unwrap();
        let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/snapshots")
            .join(name);
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            std::fs::write(&path, &got).unwrap();
        }
        let want = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_SNAPSHOTS=1 writes it)", path.display()));
        assert_eq!(got, want, "{name} changed (UPDATE_SNAPSHOTS=1 rewrites it)");
    };
    let base = [
        "ingress",
        "--controller",
        "kong",
        "--name",
        "app",
        "-n",
        "web",
        "--auth-secret",
        "app",
        "--host",
        "a.example.com",
        "--service",
        "web",
        "--port",
        "80",
        "--no-auth-path",
        "/healthz",
        "--no-auth-path",
        "/.well-known/acme-challenge/*",
    ];
    check("ingress-kong-no-auth.yaml", &base);
    check(
        "ingress-kong-gateway-no-auth.yaml",
        &[&base[..], &["--gateway", "infra/gw"]].concat(),
    );
    let dir = TempDir::new("kong-snap");
    let users = dir.write(
        "users.txt",
        b"alice:correct horse\nbob@example.com:battery staple\n",
    );
    check(
        "secret-kong.yaml",
        &[
            "secret",
            "--controller",
            "kong",
            "--name",
            "app",
            "-n",
            "web",
            "--users-file",
            users.to_str().unwrap(),
        ],
    );
}
