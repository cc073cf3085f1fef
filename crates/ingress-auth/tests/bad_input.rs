//! Every kind of bad input: a clear error naming the flag and the rule, a non-zero exit code,
//! nothing on stdout (no partial manifest), and never a password in the message.

use crate::support::{TempDir, ours, run_with_stdin};

struct Case {
    args: &'static [&'static str],
    stdin: &'static str,
    code: i32,
    /// Substrings the error must contain (the flag, then the rule).
    expect: &'static [&'static str],
}

const ING: &[&str] = &["ingress", "--name", "app", "--auth-secret", "basic-auth"];

const CASES: &[Case] = &[
    // Object names and namespaces.
    Case {
        args: &["secret", "--name", "Basic", "--user", "a:pw1"],
        stdin: "",
        code: 2,
        expect: &["--name", "\"Basic\"", "DNS-1123 subdomain"],
    },
    Case {
        args: &["secret", "--name=-x", "--user", "a:pw1"],
        stdin: "",
        code: 2,
        expect: &["--name", "DNS-1123 subdomain"],
    },
    Case {
        args: &["secret", "--name", "a_b", "--user", "a:pw1"],
        stdin: "",
        code: 2,
        expect: &["--name", "DNS-1123 subdomain"],
    },
    Case {
        args: &[
            "secret", "--name", "ok", "-n", "web.prod", "--user", "a:pw1",
        ],
        stdin: "",
        code: 2,
        expect: &["--namespace", "DNS-1123 label"],
    },
    Case {
        args: &["secret", "--name", "ok", "-n", "Web", "--user", "a:pw1"],
        stdin: "",
        code: 2,
        expect: &["--namespace", "DNS-1123 label"],
    },
    // Users.
    Case {
        args: &["secret", "--name", "ok"],
        stdin: "",
        code: 2,
        expect: &["no users"],
    },
    Case {
        args: &["secret", "--name", "ok", "--user", ":pw1"],
        stdin: "",
        code: 2,
        expect: &["--user", "user name"],
    },
    Case {
        args: &["secret", "--name", "ok", "--user", " bob:pw1"],
        stdin: "",
        code: 2,
        expect: &["--user", "white space"],
    },
    Case {
        args: &["secret", "--name", "ok", "--user", "#bob:pw1"],
        stdin: "",
        code: 2,
        expect: &["--user", "leading '#'"],
    },
    Case {
        args: &["secret", "--name", "ok", "--user", "bob:"],
        stdin: "",
        code: 2,
        expect: &["--user", "password is empty"],
    },
    Case {
        args: &[
            "secret", "--name", "ok", "--user", "bob:pw1", "--user", "bob:pw2",
        ],
        stdin: "",
        code: 2,
        expect: &["--user", "\"bob\" is given more than once"],
    },
    Case {
        args: &[
            "secret",
            "--name",
            "ok",
            "--user",
            "bob smith:pw1",
            "--secret-type",
            "auth-map",
        ],
        stdin: "",
        code: 2,
        expect: &["--secret-type auth-map", "Secret key"],
    },
    Case {
        args: &["secret", "--name", "ok", "--password-stdin"],
        stdin: "pw\n",
        code: 2,
        expect: &["--password-stdin", "exactly one --user NAME"],
    },
    Case {
        args: &[
            "secret",
            "--name",
            "ok",
            "--password-stdin",
            "--user",
            "a",
            "--user",
            "b",
        ],
        stdin: "pw\n",
        code: 2,
        expect: &["--password-stdin", "exactly one --user NAME"],
    },
    Case {
        args: &["secret", "--name", "ok", "--password-stdin", "--user", "a"],
        stdin: "p\nw\n",
        code: 2,
        expect: &["--password-stdin", "single line"],
    },
    Case {
        args: &["secret", "--name", "ok", "--password-stdin", "--user", "a"],
        stdin: "",
        code: 2,
        expect: &["--password-stdin", "password is empty"],
    },
    Case {
        args: &[
            "secret",
            "--name",
            "ok",
            "--users-file",
            "/nonexistent/users",
        ],
        stdin: "",
        code: 1,
        expect: &["--users-file /nonexistent/users"],
    },
    Case {
        args: &[
            "secret",
            "--name",
            "ok",
            "--htpasswd",
            "/nonexistent/htpasswd",
        ],
        stdin: "",
        code: 1,
        expect: &["--htpasswd /nonexistent/htpasswd"],
    },
    Case {
        args: &[
            "secret",
            "--name",
            "ok",
            "--user",
            "a:pw1",
            "--credentials-file",
            "/tmp/never",
        ],
        stdin: "",
        code: 2,
        expect: &["--credentials-file", "no password is generated"],
    },
    Case {
        args: &[
            "secret", "--name", "ok", "--user", "a:pw1", "--scheme", "md5",
        ],
        stdin: "",
        code: 2,
        expect: &["--scheme", "md5"],
    },
    Case {
        args: &[
            "secret",
            "--name",
            "ok",
            "--user",
            "a:pw1",
            "--secret-type",
            "map",
        ],
        stdin: "",
        code: 2,
        expect: &["--secret-type", "map"],
    },
    Case {
        args: &["secret", "--name", "ok", "--user", "a:pw1", "-o", "xml"],
        stdin: "",
        code: 2,
        expect: &["--output", "xml"],
    },
    // Ingress values.
    Case {
        args: &["ingress", "--name", "app", "--auth-secret", "basic-auth"],
        stdin: "",
        code: 2,
        expect: &["no backend", "--service"],
    },
    Case {
        args: &[
            "ingress",
            "--name",
            "app",
            "--auth-secret",
            "basic-auth",
            "--host",
            "Example.com",
            "--service",
            "web",
            "--port",
            "80",
        ],
        stdin: "",
        code: 2,
        expect: &["--host \"Example.com\"", "lower-case DNS name"],
    },
    Case {
        args: &[
            "ingress",
            "--name",
            "app",
            "--auth-secret",
            "basic-auth",
            "--host",
            "10.0.0.1",
            "--service",
            "web",
            "--port",
            "80",
        ],
        stdin: "",
        code: 2,
        expect: &["--host", "not an IP address"],
    },
    Case {
        args: &[
            "ingress",
            "--name",
            "app",
            "--auth-secret",
            "basic-auth",
            "--host",
            "a.com",
            "--service",
            "1web",
            "--port",
            "80",
        ],
        stdin: "",
        code: 2,
        expect: &["--service \"1web\"", "DNS-1035 label"],
    },
    Case {
        args: &[
            "ingress",
            "--name",
            "app",
            "--auth-secret",
            "basic-auth",
            "--host",
            "a.com",
            "--service",
            "web",
            "--port",
            "0",
        ],
        stdin: "",
        code: 2,
        expect: &["--port \"0\"", "1 to 65535"],
    },
    Case {
        args: &[
            "ingress",
            "--name",
            "app",
            "--auth-secret",
            "basic-auth",
            "--host",
            "a.com",
            "--service",
            "web",
            "--port",
            "70000",
        ],
        stdin: "",
        code: 2,
        expect: &["--port \"70000\"", "1 to 65535"],
    },
    Case {
        args: &[
            "ingress",
            "--name",
            "app",
            "--auth-secret",
            "basic-auth",
            "--host",
            "a.com",
            "--service",
            "web",
            "--port",
            "http--alt",
        ],
        stdin: "",
        code: 2,
        expect: &["--port", "no '--'"],
    },
    Case {
        args: &[
            "ingress",
            "--name",
            "app",
            "--auth-secret",
            "basic-auth",
            "--host",
            "a.com",
            "--service",
            "web",
            "--port",
            "80",
            "--path",
            "api",
        ],
        stdin: "",
        code: 2,
        expect: &["--path \"api\"", "must start with '/'"],
    },
    Case {
        args: &[
            "ingress",
            "--name",
            "app",
            "--auth-secret",
            "basic-auth",
            "--host",
            "a.com",
            "--service",
            "web",
            "--port",
            "80",
            "--path",
            "/a b",
        ],
        stdin: "",
        code: 2,
        expect: &["--path", "ingress-nginx path rule"],
    },
    Case {
        args: &[
            "ingress",
            "--name",
            "app",
            "--auth-secret",
            "basic-auth",
            "--host",
            "a.com",
            "--service",
            "web",
            "--port",
            "80",
            "--path-type",
            "prefix",
        ],
        stdin: "",
        code: 2,
        expect: &["--path-type", "prefix"],
    },
    Case {
        args: &[
            "ingress",
            "--name",
            "app",
            "--auth-secret",
            "basic-auth",
            "--host",
            "a.com",
            "--service",
            "web",
            "--port",
            "80",
            "--realm",
            "Say \"hi\"",
        ],
        stdin: "",
        code: 2,
        expect: &["--realm", "auth-realm rule"],
    },
    Case {
        args: &[
            "ingress",
            "--name",
            "app",
            "--auth-secret",
            "Basic",
            "--host",
            "a.com",
            "--service",
            "web",
            "--port",
            "80",
        ],
        stdin: "",
        code: 2,
        expect: &["--auth-secret \"Basic\"", "auth-secret rule"],
    },
    Case {
        args: &[
            "ingress",
            "--name",
            "app",
            "--auth-secret",
            "a/b/c",
            "--host",
            "a.com",
            "--service",
            "web",
            "--port",
            "80",
        ],
        stdin: "",
        code: 2,
        expect: &["--auth-secret", "NAMESPACE/"],
    },
    Case {
        args: &[
            "ingress",
            "--name",
            "app",
            "--auth-secret",
            "basic-auth",
            "--host",
            "a.com",
            "--service",
            "web",
            "--port",
            "80",
            "--class",
            "Nginx",
        ],
        stdin: "",
        code: 2,
        expect: &["--class \"Nginx\"", "DNS-1123 subdomain"],
    },
    Case {
        args: &[
            "ingress",
            "--name",
            "app",
            "--auth-secret",
            "basic-auth",
            "--host",
            "a.com",
            "--service",
            "web",
            "--port",
            "80",
            "--tls-secret",
            "TLS",
        ],
        stdin: "",
        code: 2,
        expect: &["--tls-secret \"TLS\"", "DNS-1123 subdomain"],
    },
    Case {
        args: &[
            "ingress",
            "--name",
            "app",
            "--auth-secret",
            "basic-auth",
            "--host",
            "a.com",
            "--service",
            "web",
            "--port",
            "80",
            "--cluster-issuer",
            "le_prod",
        ],
        stdin: "",
        code: 2,
        expect: &["--cluster-issuer \"le_prod\"", "DNS-1123 subdomain"],
    },
    Case {
        args: &[
            "ingress",
            "--name",
            "app",
            "--auth-secret",
            "basic-auth",
            "--service",
            "web",
        ],
        stdin: "",
        code: 2,
        expect: &["--service", "needs --port"],
    },
    Case {
        args: &[
            "ingress",
            "--name",
            "app",
            "--auth-secret",
            "basic-auth",
            "--service",
            "web",
            "--port",
            "80",
            "--tls-secret",
            "t",
        ],
        stdin: "",
        code: 2,
        expect: &["--tls-secret", "needs --host"],
    },
    Case {
        args: &[
            "ingress",
            "--name",
            "app",
            "--auth-secret",
            "basic-auth",
            "--rule",
            "a.com=svc:80",
        ],
        stdin: "",
        code: 2,
        expect: &["--rule \"a.com=svc:80\"", "host/path=service:port"],
    },
    Case {
        args: &[
            "ingress",
            "--name",
            "app",
            "--auth-secret",
            "basic-auth",
            "--rule",
            "a.com/=svc",
        ],
        stdin: "",
        code: 2,
        expect: &["--rule", "host/path=service:port"],
    },
    Case {
        args: &[
            "ingress",
            "--name",
            "app",
            "--auth-secret",
            "basic-auth",
            "--rule",
            "a.com/=svc:80,tls=X",
        ],
        stdin: "",
        code: 2,
        expect: &["--rule", "invalid tls secret \"X\""],
    },
    Case {
        args: &[
            "ingress",
            "--name",
            "app",
            "--auth-secret",
            "basic-auth",
            "--rule",
            "a.com/=svc:80,ssl",
        ],
        stdin: "",
        code: 2,
        expect: &["--rule", "host/path=service:port"],
    },
    Case {
        args: &[
            "ingress",
            "--name",
            "app",
            "--auth-secret",
            "basic-auth",
            "--rule",
            "A.com/=svc:80",
        ],
        stdin: "",
        code: 2,
        expect: &["--rule", "invalid host \"A.com\""],
    },
    Case {
        args: &[
            "ingress",
            "--name",
            "app",
            "--auth-secret",
            "basic-auth",
            "--rule",
            "a.com/=svc:99999",
        ],
        stdin: "",
        code: 2,
        expect: &["--rule", "invalid port \"99999\""],
    },
    // generate validates the Ingress before anything else.
    Case {
        args: &[
            "generate",
            "--name",
            "app",
            "--user",
            "a",
            "--host",
            "a..com",
            "--service",
            "web",
            "--port",
            "80",
        ],
        stdin: "",
        code: 2,
        expect: &["--host \"a..com\""],
    },
    // annotate / verify / users input.
    Case {
        args: &["annotate", "--auth-secret", "basic-auth"],
        stdin: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
        code: 2,
        expect: &["-f -", "no Ingress in the input"],
    },
    Case {
        args: &[
            "annotate",
            "--auth-secret",
            "basic-auth",
            "--ingress",
            "other",
        ],
        stdin: "kind: Ingress\nmetadata:\n  name: app\n",
        code: 2,
        expect: &["-f -", "no Ingress named \"other\""],
    },
    Case {
        args: &["annotate", "--auth-secret", "basic-auth"],
        stdin: "kind: Ingress\nmetadata: [1]\n",
        code: 2,
        expect: &["-f -", "metadata is not a mapping"],
    },
    Case {
        args: &["annotate", "--auth-secret", "basic-auth"],
        stdin: "kind: Ingress\nmetadata:\n  name: a\n  annotations: x\n",
        code: 2,
        expect: &["-f -", "annotations is not a mapping"],
    },
    Case {
        args: &["annotate", "--auth-secret", "basic-auth"],
        stdin: "a: [1, 2\n",
        code: 2,
        expect: &["-f -", "cannot parse input: YAML"],
    },
    Case {
        args: &["annotate", "--auth-secret", "basic-auth"],
        stdin: "{\"kind\": \"Ingress\",}",
        code: 2,
        expect: &["-f -", "cannot parse input: JSON"],
    },
    Case {
        args: &["annotate", "--auth-secret", "basic-auth"],
        stdin: "a: 1\na: 2\n",
        code: 2,
        expect: &["-f -", "cannot parse input"],
    },
    Case {
        args: &["annotate", "--auth-secret", "basic-auth"],
        stdin: "{\"kind\": \"Ingress\", \"kind\": {}}",
        code: 2,
        expect: &["-f -", "duplicate mapping key \"kind\""],
    },
    Case {
        args: &["annotate", "--auth-secret", "bad secret"],
        stdin: "",
        code: 2,
        expect: &["--auth-secret", "\"bad secret\"", "auth-secret rule"],
    },
    Case {
        args: &["users", "-f", "-"],
        stdin: "apiVersion: v1\nkind: ConfigMap\n",
        code: 2,
        expect: &["-f -", "no Secret in the input"],
    },
    Case {
        args: &["users", "-f", "-"],
        stdin: "apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: b\n",
        code: 2,
        expect: &["-f -", "several Secrets (a, b)"],
    },
    Case {
        args: &["users", "-f", "-"],
        stdin: "apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\n",
        code: 2,
        expect: &["-f -", "holds no users"],
    },
    Case {
        args: &["users", "-f", "-"],
        stdin: "apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\ndata:\n  auth: '!!!'\n",
        code: 2,
        expect: &["-f -", "not an auth Secret"],
    },
    Case {
        args: &["verify", "-f", "-", "--user", "a"],
        stdin: "",
        code: 2,
        expect: &["-f -", "give the Secret as a file"],
    },
    Case {
        args: &["frobnicate"],
        stdin: "",
        code: 2,
        expect: &["unrecognized subcommand 'frobnicate'"],
    },
];

#[test]
fn bad_input_table() {
    assert!(CASES.len() >= 30, "the table must pin at least 30 cases");
    let mut failures = Vec::new();
    for case in CASES {
        let out = run_with_stdin(ours().args(case.args), case.stdin.as_bytes());
        let err = String::from_utf8_lossy(&out.stderr);
        let ok = out.status.code() == Some(case.code)
            && out.stdout.is_empty()
            && case.expect.iter().all(|e| err.contains(e))
            && !err.contains("panicked")
            && !err.contains("pw1")
            && !err.contains("pw2");
        if !ok {
            failures.push(format!(
                "{:?}: exit {:?} (want {}), stdout {} bytes, stderr: {err}",
                case.args,
                out.status.code(),
                case.code,
                out.stdout.len()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Lines of an htpasswd file that are not entries are refused by number, never quoted (they
/// may hold a password), and the CSPRNG-generated credentials are not printed either.
#[test]
fn bad_htpasswd_lines_are_named_by_number_only() {
    let dir = TempDir::new("bad-htpasswd");
    let cases: &[(&[u8], &str)] = &[
        (
            b"alice:$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/\nhunter2\n",
            "line 2: neither user:hash",
        ),
        (b"alice:$apr1$x$y\nbob:\xff\n", "line 2: not UTF-8"),
        (
            b"alice:$apr1$x$y\rbob:$apr1$x$y\n",
            "line 1: carriage return",
        ),
        (b" alice:$apr1$x$y\n", "line 1: leading white space"),
        (b"alice :$apr1$x$y\n", "line 1: invalid user name"),
        (
            b"alice:$apr1$x$y\nalice:$apr1$x$z\n",
            "user \"alice\" is given more than once",
        ),
        (
            b"alice:hunter2\n",
            "ingress-nginx cannot check plaintext hashes",
        ),
        (b"alice:$y$j9T$abc\n", "cannot check unknown hashes"),
    ];
    for (i, (content, want)) in cases.iter().enumerate() {
        let file = dir.write(&format!("h{i}"), content);
        let out = ours()
            .args(["secret", "--name", "ok", "--user", "gen", "--htpasswd"])
            .arg(&file)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{want}: {err}");
        assert!(out.stdout.is_empty());
        assert!(err.contains(want), "want {want:?} in {err}");
        assert!(err.contains("--htpasswd"), "{err}");
        assert!(!err.contains("hunter2"), "a password leaked: {err}");
        assert!(
            !err.contains("gen:"),
            "generated credentials printed on failure: {err}"
        );
    }
}
