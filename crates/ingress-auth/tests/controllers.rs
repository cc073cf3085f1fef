//! `--controller`: per controller, the Secret's type and key, the scheme table (every scheme
//! accepted or refused as `htpasswd_core::crypt::Target` says, and every accepted Secret
//! verifying each user's password with our verifier), the resources and their annotations, and
//! the refusals.

use htpasswd_core::crypt::{BcryptVersion, HashParams, Scheme, Target, generate, verify};
use serde_json::Value;

use crate::support::{TempDir, base64_decode, ours, parse_docs, run, stderr, stdout};

/// `(--controller, target, Secret type, auth-file key or None for one key per user)`.
pub const CONTROLLERS: [(&str, Target, &str, Option<&str>); 8] = [
    (
        "ingress-nginx",
        Target::IngressNginx,
        "Opaque",
        Some("auth"),
    ),
    ("traefik", Target::Traefik, "Opaque", Some("users")),
    (
        "envoy-gateway",
        Target::EnvoyGateway,
        "Opaque",
        Some(".htpasswd"),
    ),
    (
        "nginx-inc",
        Target::NginxIncIngress,
        "nginx.org/htpasswd",
        Some("htpasswd"),
    ),
    ("haproxy", Target::HaproxyIngress, "Opaque", None),
    ("kgateway", Target::Kgateway, "Opaque", Some(".htpasswd")),
    (
        "agentgateway",
        Target::Agentgateway,
        "Opaque",
        Some(".htaccess"),
    ),
    (
        "nginx-gateway-fabric",
        Target::NginxGatewayFabric,
        "Opaque",
        Some("auth"),
    ),
];

/// `--scheme` names and the scheme of the hashes they write.
const SCHEMES: [(&str, Scheme); 5] = [
    ("apr1", Scheme::Apr1),
    ("bcrypt", Scheme::Bcrypt(BcryptVersion::V2y)),
    ("sha256", Scheme::Sha256Crypt),
    ("sha512", Scheme::Sha512Crypt),
    ("sha1", Scheme::Sha1),
];

/// The `(user, hash)` pairs of a Secret document, read as its controller reads them.
pub fn secret_users(secret: &Value, key: Option<&str>) -> Vec<(String, String)> {
    let data = secret["data"].as_object().unwrap();
    match key {
        Some(k) => {
            assert_eq!(data.len(), 1, "one key {k}: {data:?}");
            let text = String::from_utf8(base64_decode(data[k].as_str().unwrap())).unwrap();
            text.lines()
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(|l| {
                    let (u, h) = l.split_once(':').unwrap();
                    (u.to_owned(), h.to_owned())
                })
                .collect()
        }
        None => data
            .iter()
            .map(|(u, v)| {
                let h = String::from_utf8(base64_decode(v.as_str().unwrap())).unwrap();
                (u.clone(), h)
            })
            .collect(),
    }
}

#[test]
fn every_scheme_is_accepted_or_refused_as_the_table_says_and_verifies() {
    for (controller, target, type_, key) in CONTROLLERS {
        for (name, scheme) in SCHEMES {
            let out = run(&[
                "secret",
                "--controller",
                controller,
                "--name",
                "auth",
                "--scheme",
                name,
                "--user",
                "alice:pw-alice",
                "--user",
                "bob:pw-bob",
            ]);
            let err = stderr(&out);
            if target.supports(scheme) {
                assert!(out.status.success(), "{controller} {name}: {err}");
                let docs = parse_docs(&stdout(&out));
                assert_eq!(docs[0]["type"], type_, "{controller}");
                let users = secret_users(&docs[0], key);
                assert_eq!(users.len(), 2, "{controller} {name}");
                for (user, hash) in users {
                    assert_eq!(Scheme::classify(hash.as_bytes()), scheme);
                    let pw = format!("pw-{user}");
                    assert!(
                        verify(pw.as_bytes(), hash.as_bytes()).unwrap(),
                        "{controller} {name}: {user}"
                    );
                    assert!(!verify(b"wrong", hash.as_bytes()).unwrap());
                }
            } else {
                assert_eq!(out.status.code(), Some(2), "{controller} {name}: {err}");
                assert!(out.stdout.is_empty(), "{controller} {name}: partial output");
                assert!(
                    err.contains(&format!("--scheme {name}: {controller} cannot check")),
                    "{err}"
                );
                assert!(err.contains(scheme.name()), "{err}");
                let accepted: Vec<&str> = target.supported_schemes().map(Scheme::name).collect();
                assert!(
                    err.contains(&format!("it accepts: {}", accepted.join(", "))),
                    "{err}"
                );
                assert!(!err.contains("pw-"), "a password leaked: {err}");
            }
        }
    }
}

/// Every scheme the library can write, as an existing htpasswd file: accepted or refused line
/// by line.
#[test]
fn htpasswd_lines_are_checked_against_the_table() {
    let params = [
        HashParams::Apr1,
        HashParams::Md5Crypt,
        HashParams::BCRYPT_DEFAULT,
        HashParams::Sha256Crypt { rounds: None },
        HashParams::Sha512Crypt { rounds: None },
        HashParams::Sha1,
        HashParams::Ssha,
        HashParams::Plain,
        HashParams::DesCrypt,
    ];
    let dir = TempDir::new("controllers-htpasswd");
    for (controller, target, _, key) in CONTROLLERS {
        let mut text = String::from("# users\n");
        let mut refused = Vec::new();
        let mut accepted = Vec::new();
        for (i, p) in params.iter().enumerate() {
            let made = generate(p, b"secret").unwrap();
            let hash = String::from_utf8(made.as_bytes().to_vec()).unwrap();
            let user = format!("user{i}");
            text.push_str(&format!("{user}:{hash}\n"));
            if target.supports(made.scheme()) {
                accepted.push(user);
            } else {
                // Line numbers are 1-based and the comment is line 1.
                refused.push((i + 2, user, hash));
            }
        }
        let file = dir.write(&format!("{controller}.htpasswd"), text.as_bytes());
        let out = ours()
            .args(["secret", "--controller", controller, "--name", "a"])
            .arg("--htpasswd")
            .arg(&file)
            .output()
            .unwrap();
        let err = stderr(&out);
        if refused.is_empty() {
            assert!(out.status.success(), "{controller}: {err}");
            continue;
        }
        assert_eq!(out.status.code(), Some(2), "{controller}: {err}");
        assert!(out.stdout.is_empty());
        for (line, user, hash) in &refused {
            assert!(
                err.contains(&format!(
                    "line {line}: user \"{user}\": {target} cannot check"
                )),
                "{controller}: line {line} not named: {err}"
            );
            assert!(!err.contains(hash.as_str()), "a hash leaked: {err}");
        }
        for user in &accepted {
            assert!(!err.contains(&format!("\"{user}\"")), "{err}");
        }
        // Only the accepted lines: the Secret holds them, and they verify.
        let only: String = text
            .lines()
            .enumerate()
            .filter(|(n, _)| !refused.iter().any(|(l, ..)| *l == n + 1))
            .map(|(_, l)| format!("{l}\n"))
            .collect();
        let file = dir.write(&format!("{controller}.ok"), only.as_bytes());
        let out = ours()
            .args(["secret", "--controller", controller, "--name", "a"])
            .arg("--htpasswd")
            .arg(&file)
            .output()
            .unwrap();
        assert!(out.status.success(), "{controller}: {}", stderr(&out));
        let docs = parse_docs(&stdout(&out));
        let users = secret_users(&docs[0], key);
        assert_eq!(
            users.iter().map(|(u, _)| u.clone()).collect::<Vec<_>>(),
            {
                let mut a = accepted.clone();
                if key.is_none() {
                    a.sort();
                }
                a
            },
            "{controller}"
        );
        for (_, hash) in users {
            assert!(verify(b"secret", hash.as_bytes()).unwrap(), "{controller}");
        }
    }
}

#[test]
fn default_scheme_and_secret_shape_follow_the_controller() {
    for (controller, target, _, key) in CONTROLLERS {
        let out = run(&[
            "secret",
            "--controller",
            controller,
            "--name",
            "a",
            "--user",
            "alice:pw",
        ]);
        assert!(out.status.success(), "{controller}: {}", stderr(&out));
        let docs = parse_docs(&stdout(&out));
        let users = secret_users(&docs[0], key);
        let scheme = Scheme::classify(users[0].1.as_bytes());
        assert!(target.supports(scheme), "{controller}: default {scheme}");
    }
    for (controller, bad) in [
        ("traefik", "auth-map"),
        ("envoy-gateway", "auth-map"),
        ("kgateway", "auth-map"),
        ("agentgateway", "auth-map"),
        ("nginx-gateway-fabric", "auth-map"),
        ("nginx-inc", "auth-map"),
        ("haproxy", "auth-file"),
    ] {
        let out = run(&[
            "secret",
            "--controller",
            controller,
            "--name",
            "a",
            "--secret-type",
            bad,
            "--user",
            "alice:pw",
        ]);
        assert_eq!(out.status.code(), Some(2), "{controller}");
        assert!(out.stdout.is_empty());
        assert!(
            stderr(&out).contains(&format!("--secret-type {bad}: {controller} reads only")),
            "{}",
            stderr(&out)
        );
    }
}

fn generate_docs(args: &[&str]) -> Vec<Value> {
    let mut all = vec![
        "generate",
        "--name",
        "app",
        "-n",
        "web",
        "--user",
        "alice:pw",
        "--host",
        "a.example.com",
        "--service",
        "web",
        "--port",
        "80",
    ];
    all.extend_from_slice(args);
    let out = run(&all);
    assert!(out.status.success(), "{all:?}: {}", stderr(&out));
    parse_docs(&stdout(&out))
}

fn kinds(docs: &[Value]) -> Vec<&str> {
    docs.iter().map(|d| d["kind"].as_str().unwrap()).collect()
}

#[test]
fn traefik_middleware_and_router_annotation() {
    let docs = generate_docs(&["--controller", "traefik"]);
    assert_eq!(kinds(&docs), ["Secret", "Middleware", "Ingress"]);
    assert_eq!(docs[1]["apiVersion"], "traefik.io/v1alpha1");
    assert_eq!(docs[1]["metadata"]["namespace"], "web");
    assert_eq!(docs[1]["spec"]["basicAuth"]["secret"], "app");
    assert_eq!(
        docs[1]["spec"]["basicAuth"]["realm"],
        "Authentication Required"
    );
    assert_eq!(
        docs[2]["metadata"]["annotations"],
        serde_json::json!({
            "traefik.ingress.kubernetes.io/router.middlewares": "web-app@kubernetescrd"
        })
    );
}

#[test]
fn traefik_needs_the_middleware_namespace() {
    let out = run(&[
        "ingress",
        "--controller",
        "traefik",
        "--name",
        "app",
        "--auth-secret",
        "basic-auth",
        "--host",
        "a.example.com",
        "--service",
        "web",
        "--port",
        "80",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("--namespace: traefik's router.middlewares annotation"));
    let ok = run(&[
        "ingress",
        "--controller",
        "traefik",
        "--name",
        "app",
        "--auth-secret",
        "ops/basic-auth",
        "--host",
        "a.example.com",
        "--service",
        "web",
        "--port",
        "80",
    ]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    let docs = parse_docs(&stdout(&ok));
    assert_eq!(docs[0]["metadata"]["namespace"], "ops");
    assert_eq!(
        docs[1]["metadata"]["annotations"]["traefik.ingress.kubernetes.io/router.middlewares"],
        "ops-basic-auth@kubernetescrd"
    );
    assert!(stderr(&ok).contains("allowCrossNamespace"));
}

#[test]
fn envoy_gateway_security_policy_and_httproute() {
    let docs = generate_docs(&["--controller", "envoy-gateway", "--gateway", "infra/eg"]);
    assert_eq!(kinds(&docs), ["Secret", "HTTPRoute", "SecurityPolicy"]);
    let route = &docs[1];
    assert_eq!(route["apiVersion"], "gateway.networking.k8s.io/v1");
    assert_eq!(
        route["spec"]["parentRefs"],
        serde_json::json!([{"name": "eg", "namespace": "infra"}])
    );
    assert_eq!(
        route["spec"]["hostnames"],
        serde_json::json!(["a.example.com"])
    );
    let policy = &docs[2];
    assert_eq!(policy["apiVersion"], "gateway.envoyproxy.io/v1alpha1");
    assert_eq!(
        policy["spec"]["targetRefs"],
        serde_json::json!([{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": "app"}])
    );
    assert_eq!(policy["spec"]["basicAuth"]["users"]["name"], "app");

    let out = run(&[
        "ingress",
        "--controller",
        "envoy-gateway",
        "--name",
        "app",
        "--auth-secret",
        "ops/basic-auth",
        "--httproute",
        "r",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains("--auth-secret \"ops/basic-auth\": must be a DNS-1123 subdomain")
            && stderr(&out).contains("give NAME"),
        "{}",
        stderr(&out)
    );

    // Without --gateway: the SecurityPolicy for an existing route only.
    let out = run(&[
        "generate",
        "--controller",
        "envoy-gateway",
        "--name",
        "app",
        "--user",
        "alice:pw",
        "--httproute",
        "existing",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let docs = parse_docs(&stdout(&out));
    assert_eq!(kinds(&docs), ["Secret", "SecurityPolicy"]);
    assert_eq!(docs[1]["spec"]["targetRefs"][0]["name"], "existing");
}

#[test]
fn nginx_inc_and_haproxy_annotations() {
    let docs = generate_docs(&["--controller", "nginx-inc", "--no-ssl-redirect"]);
    assert_eq!(kinds(&docs), ["Secret", "Ingress"]);
    assert_eq!(docs[0]["type"], "nginx.org/htpasswd");
    assert_eq!(
        docs[1]["metadata"]["annotations"],
        serde_json::json!({
            "ingress.kubernetes.io/ssl-redirect": "false",
            "nginx.org/basic-auth-realm": "Authentication Required",
            "nginx.org/basic-auth-secret": "app",
        })
    );
    let docs = generate_docs(&["--controller", "haproxy", "--realm", "Team"]);
    assert_eq!(kinds(&docs), ["Secret", "Ingress"]);
    assert_eq!(
        docs[0]["data"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["alice"]
    );
    assert_eq!(
        docs[1]["metadata"]["annotations"],
        serde_json::json!({
            "haproxy.org/auth-realm": "Team",
            "haproxy.org/auth-secret": "app",
            "haproxy.org/auth-type": "basic-auth",
        })
    );
}

#[test]
fn flags_a_controller_cannot_use_are_refused() {
    let base = [
        "generate",
        "--name",
        "app",
        "-n",
        "web",
        "--user",
        "alice",
        "--host",
        "a.example.com",
        "--service",
        "web",
        "--port",
        "80",
    ];
    let cases: &[(&[&str], &str)] = &[
        (
            &["--controller", "traefik", "--no-ssl-redirect"],
            "--no-ssl-redirect: traefik has no annotation",
        ),
        (
            &["--controller", "traefik", "--httproute", "r"],
            "--httproute: only with a Gateway API --controller",
        ),
        (
            &["--controller", "haproxy", "--gateway", "g"],
            "--gateway: only with a Gateway API --controller",
        ),
        (
            &["--controller", "envoy-gateway"],
            "--service: needs --gateway",
        ),
        (
            &[
                "--controller",
                "envoy-gateway",
                "--gateway",
                "g",
                "--realm",
                "x",
            ],
            "--realm: envoy-gateway's basic auth has no realm setting",
        ),
        (
            &[
                "--controller",
                "envoy-gateway",
                "--gateway",
                "g",
                "--class",
                "eg",
            ],
            "--class: envoy-gateway takes no Ingress",
        ),
        (
            &[
                "--controller",
                "envoy-gateway",
                "--gateway",
                "g",
                "--tls-secret",
                "t",
            ],
            "--tls-secret: envoy-gateway takes no Ingress",
        ),
        (
            &["--controller", "envoy-gateway", "--gateway", "Bad_Gw"],
            "--gateway \"Bad_Gw\": must be a Gateway name",
        ),
        (
            &["--controller", "envoy-gateway", "--scheme", "bcrypt"],
            "--scheme bcrypt: envoy-gateway cannot check bcrypt-2y hashes (it accepts: sha1); use --scheme sha1",
        ),
        (
            &["--controller", "haproxy", "--scheme", "apr1"],
            "--scheme apr1: haproxy cannot check apr1 hashes",
        ),
    ];
    for (extra, want) in cases {
        let mut args: Vec<&str> = base.to_vec();
        args.extend_from_slice(extra);
        let out = run(&args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {err}");
        assert!(out.stdout.is_empty(), "{extra:?}: partial output");
        assert!(err.contains(want), "{extra:?}: want {want:?} in {err}");
        assert!(!err.contains("alice:"), "generated password printed: {err}");
    }
}

/// `verify` and `users` read every controller's Secret shape.
#[test]
fn verify_and_users_read_every_controllers_secret() {
    let dir = TempDir::new("controllers-verify");
    for (controller, ..) in CONTROLLERS {
        let out = run(&[
            "secret",
            "--controller",
            controller,
            "--name",
            "a",
            "--user",
            "alice:pw-alice",
            "--user",
            "bob:pw-bob",
        ]);
        assert!(out.status.success(), "{controller}: {}", stderr(&out));
        let file = dir.write(&format!("{controller}.yaml"), &out.stdout);
        let listed = ours().arg("users").arg("-f").arg(&file).output().unwrap();
        let text = stdout(&listed);
        assert!(
            text.contains("\nalice ") && text.contains("\nbob "),
            "{controller}: {text}"
        );
        for (pw, code) in [("pw-bob\n", 0), ("wrong\n", 3)] {
            let out = crate::support::run_with_stdin(
                ours().args(["verify", "--user", "bob", "-f"]).arg(&file),
                pw.as_bytes(),
            );
            assert_eq!(
                out.status.code(),
                Some(code),
                "{controller}: {}",
                stderr(&out)
            );
        }
    }
}
