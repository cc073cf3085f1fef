//! `--no-auth-path`: for each controller, the generated resources are read back and requests
//! routed through them as the controller routes (Kubernetes' `Exact` before the longest
//! `Prefix` for Ingresses and HTTPRoutes; Traefik by router priority, its rule length unless an
//! annotation sets it): every exempt path outside auth, every other path inside, an exempt
//! `Exact` path never opening a `Prefix` below it, and the refusals.

use serde_json::Value;

use crate::support::{parse_docs, run, stderr, stdout};

/// One route read back from the manifests.
#[derive(Debug)]
struct Route {
    host: Option<String>,
    path: String,
    exact: bool,
    protected: bool,
    /// Traefik's router priority: the annotation, else the length of the rule it builds.
    priority: usize,
}

fn prefix_matches(prefix: &str, request: &str) -> bool {
    let prefix = prefix.trim_end_matches('/');
    let request = request.trim_end_matches('/');
    prefix.is_empty()
        || request == prefix
        || request
            .strip_prefix(prefix)
            .is_some_and(|r| r.starts_with('/'))
}

fn routes(docs: &[Value]) -> Vec<Route> {
    let targeted: Vec<&str> = docs
        .iter()
        .filter(|d| {
            ["SecurityPolicy", "TrafficPolicy", "AgentgatewayPolicy"]
                .contains(&d["kind"].as_str().unwrap())
        })
        .flat_map(|d| d["spec"]["targetRefs"].as_array().unwrap())
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    let mut out = Vec::new();
    for d in docs {
        match d["kind"].as_str().unwrap() {
            "Ingress" => {
                let ann = d["metadata"]["annotations"].as_object();
                let has = |k: &str| ann.is_some_and(|a| a.contains_key(k));
                let protected = has("nginx.ingress.kubernetes.io/auth-type")
                    || has("haproxy.org/auth-type")
                    || has("nginx.org/basic-auth-secret")
                    || has("traefik.ingress.kubernetes.io/router.middlewares");
                let set_priority = ann
                    .and_then(|a| a.get("traefik.ingress.kubernetes.io/router.priority"))
                    .map(|p| p.as_str().unwrap().parse::<usize>().unwrap());
                for rule in d["spec"]["rules"].as_array().unwrap() {
                    let host = rule["host"].as_str().map(str::to_owned);
                    for p in rule["http"]["paths"].as_array().unwrap() {
                        let path = p["path"].as_str().unwrap().to_owned();
                        let exact = p["pathType"] == "Exact";
                        let matcher = if exact {
                            format!("Path(`{path}`)")
                        } else {
                            format!("PathPrefix(`{path}`)")
                        };
                        let rule_text = match &host {
                            Some(h) => format!("Host(`{h}`) && {matcher}"),
                            None => matcher,
                        };
                        out.push(Route {
                            host: host.clone(),
                            path,
                            exact,
                            protected,
                            priority: set_priority.unwrap_or(rule_text.len()),
                        });
                    }
                }
            }
            "HTTPRoute" => {
                let name = d["metadata"]["name"].as_str().unwrap();
                let hosts: Vec<Option<String>> = match d["spec"]["hostnames"].as_array() {
                    Some(h) => h.iter().map(|h| Some(h.as_str().unwrap().into())).collect(),
                    None => vec![None],
                };
                for rule in d["spec"]["rules"].as_array().unwrap() {
                    // NGINX Gateway Fabric and Traefik: the rule names the auth resource.
                    let filtered = rule["filters"]
                        .as_array()
                        .is_some_and(|f| f.iter().any(|f| f["type"] == "ExtensionRef"));
                    for m in rule["matches"].as_array().unwrap() {
                        for host in &hosts {
                            out.push(Route {
                                host: host.clone(),
                                path: m["path"]["value"].as_str().unwrap().to_owned(),
                                exact: m["path"]["type"] == "Exact",
                                protected: targeted.contains(&name) || filtered,
                                priority: 0,
                            });
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Whether a request is served with auth (`Some(true)`), without (`Some(false)`), or not routed.
fn protected(routes: &[Route], traefik: bool, host: &str, path: &str) -> Option<bool> {
    let candidates = routes.iter().filter(|r| {
        r.host.as_deref().is_none_or(|h| h == host)
            && if r.exact {
                r.path == path
            } else {
                prefix_matches(&r.path, path)
            }
    });
    let best = if traefik {
        candidates.max_by_key(|r| r.priority)
    } else {
        candidates.max_by_key(|r| (r.exact, r.path.trim_end_matches('/').len()))
    };
    best.map(|r| r.protected)
}

/// `traefik-gateway` stands for `--controller traefik --gateway gw`.
const CONTROLLERS: [&str; 8] = [
    "ingress-nginx",
    "traefik",
    "envoy-gateway",
    "haproxy",
    "kgateway",
    "agentgateway",
    "nginx-gateway-fabric",
    "traefik-gateway",
];

const GATEWAY_API: [&str; 5] = [
    "envoy-gateway",
    "kgateway",
    "agentgateway",
    "nginx-gateway-fabric",
    "traefik-gateway",
];

fn generate(controller: &str, extra: &[&str]) -> std::process::Output {
    let name = if controller == "traefik-gateway" {
        "traefik"
    } else {
        controller
    };
    let mut args = vec![
        "ingress",
        "--controller",
        name,
        "--name",
        "web",
        "-n",
        "apps",
        "--auth-secret",
        "web-auth",
    ];
    if GATEWAY_API.contains(&controller) {
        args.extend(["--gateway", "gw"]);
    }
    args.extend_from_slice(extra);
    run(&args)
}

fn generated(controller: &str, extra: &[&str]) -> Vec<Route> {
    let out = generate(controller, extra);
    assert!(
        out.status.success(),
        "{controller} {extra:?}: {}",
        stderr(&out)
    );
    routes(&parse_docs(&stdout(&out)))
}

#[test]
fn exempt_paths_are_open_and_everything_else_protected() {
    for controller in CONTROLLERS {
        let routes = generated(
            controller,
            &[
                "--host",
                "a.example.com",
                "--service",
                "web",
                "--port",
                "80",
                "--rule",
                "b.example.com/api*=api:8080",
                "--no-auth-path",
                "/healthz",
                "--no-auth-path",
                "/.well-known/acme-challenge/*",
                "--no-auth-path",
                "/api/hook",
            ],
        );
        let traefik = controller == "traefik";
        let open = [
            ("a.example.com", "/healthz"),
            ("a.example.com", "/.well-known/acme-challenge/token-1"),
            ("a.example.com", "/.well-known/acme-challenge"),
            ("a.example.com", "/api/hook"),
            ("b.example.com", "/api/hook"),
        ];
        for (host, path) in open {
            assert_eq!(
                protected(&routes, traefik, host, path),
                Some(false),
                "{controller}: {host}{path} should be open: {routes:?}"
            );
        }
        let closed = [
            ("a.example.com", "/"),
            ("a.example.com", "/healthz/"),
            ("a.example.com", "/healthz/x"),
            ("a.example.com", "/healthzx"),
            ("a.example.com", "/.well-known/other"),
            ("a.example.com", "/api/hook/x"),
            ("a.example.com", "/api"),
            ("b.example.com", "/api"),
            ("b.example.com", "/api/hook/x"),
            ("b.example.com", "/api/hooks"),
        ];
        for (host, path) in closed {
            assert_eq!(
                protected(&routes, traefik, host, path),
                Some(true),
                "{controller}: {host}{path} should be protected: {routes:?}"
            );
        }
        // The Ingress's rule for b.example.com routes only /api: /healthz is not exempted (nor
        // routed) there. An HTTPRoute's rules hold for all its hostnames, so the protected
        // route serves / on b.example.com too, and the exempt route matches it.
        let want = GATEWAY_API.contains(&controller).then_some(false);
        assert_eq!(
            protected(&routes, traefik, "b.example.com", "/healthz"),
            want,
            "{controller}"
        );
    }
}

#[test]
fn exempt_exact_path_equal_to_a_protected_prefix_opens_only_itself() {
    for controller in CONTROLLERS {
        let routes = generated(
            controller,
            &[
                "--host",
                "a.example.com",
                "--service",
                "web",
                "--port",
                "80",
                "--path",
                "/api",
                "--no-auth-path",
                "/api",
            ],
        );
        let traefik = controller == "traefik";
        assert_eq!(
            protected(&routes, traefik, "a.example.com", "/api"),
            Some(false),
            "{controller}"
        );
        for below in ["/api/", "/api/x", "/api/x/y"] {
            assert_eq!(
                protected(&routes, traefik, "a.example.com", below),
                Some(true),
                "{controller}: {below}"
            );
        }
    }
}

#[test]
fn exempt_prefix_over_a_protected_prefix_where_precedence_keeps_it() {
    let args = [
        "--host",
        "a.example.com",
        "--service",
        "web",
        "--port",
        "80",
        "--rule",
        "a.example.com/app/admin*=web:80",
        "--no-auth-path",
        "/app*",
    ];
    for controller in [
        "ingress-nginx",
        "envoy-gateway",
        "haproxy",
        "kgateway",
        "agentgateway",
        "nginx-gateway-fabric",
    ] {
        let routes = generated(controller, &args);
        for (path, want) in [
            ("/app", false),
            ("/app/x", false),
            ("/app/admin", true),
            ("/app/admin/x", true),
            ("/apps", true),
            ("/", true),
        ] {
            assert_eq!(
                protected(&routes, false, "a.example.com", path),
                Some(want),
                "{controller}: {path}"
            );
        }
    }
    // Traefik orders routers by priority, not path: the exempt Prefix would open /app/admin.
    // (Refused in Gateway API mode too, conservatively: not checked against its provider.)
    for controller in ["traefik", "traefik-gateway"] {
        let out = generate(controller, &args);
        assert_eq!(out.status.code(), Some(2));
        let err = stderr(&out);
        assert!(
            err.contains("--no-auth-path") && err.contains("\"/app/admin\""),
            "{err}"
        );
        assert!(err.contains("traefik orders routers"), "{err}");
        assert!(stdout(&out).is_empty());
    }
}

#[test]
fn refusals() {
    let base = [
        "--host",
        "a.example.com",
        "--service",
        "web",
        "--port",
        "80",
    ];
    for controller in CONTROLLERS {
        let cases: [(&[&str], &str); 4] = [
            (&["--no-auth-path", "/*"], "also a protected Prefix path"),
            (
                &["--path", "/api", "--no-auth-path", "/healthz"],
                "no protected path routes it",
            ),
            (&["--no-auth-path", "healthz"], "--no-auth-path"),
            (&["--no-auth-path", "/a/../b"], "--no-auth-path"),
        ];
        for (extra, want) in cases {
            let mut args = base.to_vec();
            args.extend_from_slice(extra);
            let out = generate(controller, &args);
            assert_eq!(out.status.code(), Some(2), "{controller} {extra:?}");
            let err = stderr(&out);
            assert!(err.contains(want), "{controller} {extra:?}: {err}");
            assert!(stdout(&out).is_empty());
        }
    }
    // Two exact paths, one protected and one not: refused.
    let out = generate(
        "ingress-nginx",
        &[
            "--host",
            "a.example.com",
            "--service",
            "web",
            "--port",
            "80",
            "--path-type",
            "Exact",
            "--path",
            "/x",
            "--no-auth-path",
            "/x",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("also a protected Exact path"));

    let out = generate(
        "nginx-inc",
        &[&base[..], &["--no-auth-path", "/healthz"]].concat(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("host collision"), "{}", stderr(&out));

    // Envoy Gateway without --gateway writes only the SecurityPolicy: nowhere to put the path.
    let out = run(&[
        "ingress",
        "--controller",
        "envoy-gateway",
        "--name",
        "web",
        "--auth-secret",
        "s",
        "--no-auth-path",
        "/healthz",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--no-auth-path: needs --gateway"));
}

#[test]
fn second_resource_keeps_class_tls_and_redirect_but_no_auth() {
    let out = run(&[
        "generate",
        "--name",
        "web",
        "-n",
        "apps",
        "--user",
        "alice:secret-password",
        "--host",
        "a.example.com",
        "--service",
        "web",
        "--port",
        "80",
        "--class",
        "nginx",
        "--tls-secret",
        "web-tls",
        "--cluster-issuer",
        "letsencrypt",
        "--no-ssl-redirect",
        "--no-auth-path",
        "/healthz",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let docs = parse_docs(&stdout(&out));
    let kinds: Vec<&str> = docs.iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["Secret", "Ingress", "Ingress"]);
    let free = &docs[2];
    assert_eq!(free["metadata"]["name"], "web-no-auth");
    assert_eq!(free["metadata"]["namespace"], "apps");
    let ann = free["metadata"]["annotations"].as_object().unwrap();
    let keys: Vec<&String> = ann.keys().collect();
    assert_eq!(keys, ["nginx.ingress.kubernetes.io/ssl-redirect"]);
    assert_eq!(free["spec"]["ingressClassName"], "nginx");
    assert_eq!(free["spec"]["tls"][0]["secretName"], "web-tls");
    let protected = &docs[1]["metadata"]["annotations"];
    assert_eq!(protected["nginx.ingress.kubernetes.io/auth-type"], "basic");
    assert_eq!(protected["cert-manager.io/cluster-issuer"], "letsencrypt");
}
