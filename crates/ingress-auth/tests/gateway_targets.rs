//! The Gateway API targets added after Envoy Gateway: kgateway's TrafficPolicy and
//! agentgateway's AgentgatewayPolicy, each on the HTTPRoute it targets, reading the Secret
//! written beside it (the scheme table, Secret shape and `users`/`verify` read-back are in
//! `controllers.rs`, `migrate --to` in `migrate.rs`, the CRD schemas in `crds.rs`).

use serde_json::Value;

use crate::support::{TempDir, ours, parse_docs, run, stderr, stdout};

fn generate(controller: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "generate",
        "--controller",
        controller,
        "--name",
        "app",
        "-n",
        "web",
        "--user",
        "alice:pw-alice",
        "--gateway",
        "infra/gw",
        "--host",
        "a.example.com",
        "--service",
        "web",
        "--port",
        "80",
    ];
    args.extend_from_slice(extra);
    run(&args)
}

fn kinds(docs: &[Value]) -> Vec<&str> {
    docs.iter().map(|d| d["kind"].as_str().unwrap()).collect()
}

#[test]
fn kgateway_traffic_policy_reads_the_secret_beside_it() {
    let out = generate("kgateway", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let docs = parse_docs(&stdout(&out));
    assert_eq!(kinds(&docs), ["Secret", "HTTPRoute", "TrafficPolicy"]);
    let (secret, route, policy) = (&docs[0], &docs[1], &docs[2]);
    assert_eq!(policy["apiVersion"], "gateway.kgateway.dev/v1alpha1");
    assert_eq!(policy["metadata"]["namespace"], "web");
    let target = &policy["spec"]["targetRefs"][0];
    assert_eq!(target["group"], "gateway.networking.k8s.io");
    assert_eq!(target["kind"], "HTTPRoute");
    assert_eq!(target["name"], route["metadata"]["name"]);
    let secret_ref = &policy["spec"]["basicAuth"]["secretRef"];
    assert_eq!(secret_ref["name"], secret["metadata"]["name"]);
    // No key: kgateway's default, .htpasswd, is the Secret's only key.
    assert!(secret_ref.get("key").is_none());
    let keys: Vec<&String> = secret["data"].as_object().unwrap().keys().collect();
    assert_eq!(keys, [".htpasswd"]);
    assert_eq!(route["spec"]["parentRefs"][0]["namespace"], "infra");
}

#[test]
fn agentgateway_policy_is_strict_with_the_realm() {
    let out = generate("agentgateway", &["--realm", "Team area"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let docs = parse_docs(&stdout(&out));
    assert_eq!(kinds(&docs), ["Secret", "HTTPRoute", "AgentgatewayPolicy"]);
    let policy = &docs[2];
    assert_eq!(policy["apiVersion"], "agentgateway.dev/v1alpha1");
    assert_eq!(policy["spec"]["targetRefs"][0]["name"], "app");
    let basic = &policy["spec"]["traffic"]["basicAuthentication"];
    assert_eq!(basic["mode"], "Strict");
    assert_eq!(basic["realm"], "Team area");
    assert_eq!(basic["secretRef"]["name"], "app");
    assert!(basic["secretRef"].get("key").is_none());
    let keys: Vec<&String> = docs[0]["data"].as_object().unwrap().keys().collect();
    assert_eq!(keys, [".htaccess"]);
    // The default scheme is apr1, which agentgateway checks.
    let users = crate::controllers::secret_users(&docs[0], Some(".htaccess"));
    assert!(users[0].1.starts_with("$apr1$"), "{users:?}");
}

#[test]
fn refusals_name_the_reason() {
    let cases: [(&str, &[&str], &str); 5] = [
        (
            "kgateway",
            &["--realm", "X"],
            "--realm: kgateway's basic auth has no realm setting",
        ),
        (
            "kgateway",
            &["--scheme", "apr1"],
            "--scheme apr1: kgateway cannot check apr1 hashes (it accepts: sha1)",
        ),
        (
            "agentgateway",
            &["--scheme", "sha512"],
            "--scheme sha512: agentgateway cannot check sha512-crypt hashes",
        ),
        (
            "agentgateway",
            &["--class", "x"],
            "--class: agentgateway takes no Ingress",
        ),
        (
            "kgateway",
            &[
                "--network-policy",
                "--pod-selector",
                "app=web",
                "--target-port",
                "8080",
            ],
            "--network-policy: kgateway runs its proxies in each Gateway's namespace",
        ),
    ];
    for (controller, extra, want) in cases {
        let out = generate(controller, extra);
        assert_eq!(out.status.code(), Some(2), "{controller} {extra:?}");
        assert!(out.stdout.is_empty());
        let err = stderr(&out);
        assert!(err.contains(want), "{controller} {extra:?}: {err}");
    }
    // With the proxies' namespace and labels the NetworkPolicy is written.
    let out = generate(
        "agentgateway",
        &[
            "--network-policy",
            "--pod-selector",
            "app=web",
            "--target-port",
            "8080",
            "--controller-namespace",
            "infra",
            "--controller-selector",
            "gateway.networking.k8s.io/gateway-name=gw",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let docs = parse_docs(&stdout(&out));
    let np = docs.iter().find(|d| d["kind"] == "NetworkPolicy").unwrap();
    let from = &np["spec"]["ingress"][0]["from"][0];
    assert_eq!(
        from["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"],
        "infra"
    );
    assert_eq!(
        from["podSelector"]["matchLabels"]["gateway.networking.k8s.io/gateway-name"],
        "gw"
    );
}

#[test]
fn migrate_writes_the_policy_and_keeps_the_realm_where_it_can() {
    let dir = TempDir::new("gateway-targets-migrate");
    let input = dir.write("in.yaml", crate::migrate::INPUT.as_bytes());
    for (to, kind) in [
        ("kgateway", "TrafficPolicy"),
        ("agentgateway", "AgentgatewayPolicy"),
    ] {
        let out = ours()
            .args(["migrate", "--to", to, "--allow-missing-users", "-f"])
            .arg(&input)
            .output()
            .unwrap();
        assert!(out.status.success(), "{to}: {}", stderr(&out));
        let docs = parse_docs(&stdout(&out));
        assert_eq!(kinds(&docs), ["Secret", kind], "{to}");
        assert!(
            stderr(&out).contains(&format!("note: the {kind} targets an HTTPRoute")),
            "{}",
            stderr(&out)
        );
        let policy = &docs[1];
        assert_eq!(policy["metadata"]["namespace"], "web");
        let realm = &policy["spec"]["traffic"]["basicAuthentication"]["realm"];
        if to == "agentgateway" {
            assert_eq!(realm, "Team");
        } else {
            assert!(realm.is_null());
            assert_eq!(
                policy["spec"]["basicAuth"]["secretRef"]["name"],
                docs[0]["metadata"]["name"]
            );
        }
    }
}

/// The `ExtensionRef` filters of every rule of an HTTPRoute.
fn rule_filters(route: &Value) -> Vec<Value> {
    route["spec"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["filters"].clone())
        .collect()
}

#[test]
fn nginx_gateway_fabric_filter_is_named_by_every_rule() {
    let out = generate(
        "nginx-gateway-fabric",
        &["--realm", "Team", "--rule", "a.example.com/api*=api:8080"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let docs = parse_docs(&stdout(&out));
    assert_eq!(
        kinds(&docs),
        ["Secret", "HTTPRoute", "AuthenticationFilter"]
    );
    let (secret, route, filter) = (&docs[0], &docs[1], &docs[2]);
    assert_eq!(secret["type"], "Opaque");
    let keys: Vec<&String> = secret["data"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["auth"]);
    assert_eq!(filter["apiVersion"], "gateway.nginx.org/v1alpha1");
    assert_eq!(filter["spec"]["type"], "Basic");
    assert_eq!(filter["spec"]["basic"]["realm"], "Team");
    assert_eq!(
        filter["spec"]["basic"]["secretRef"]["name"],
        secret["metadata"]["name"]
    );
    let filters = rule_filters(route);
    assert_eq!(filters.len(), 2);
    for f in filters {
        assert_eq!(f.as_array().unwrap().len(), 1, "{f}");
        assert_eq!(f[0]["type"], "ExtensionRef");
        assert_eq!(f[0]["extensionRef"]["group"], "gateway.nginx.org");
        assert_eq!(f[0]["extensionRef"]["kind"], "AuthenticationFilter");
        assert_eq!(f[0]["extensionRef"]["name"], filter["metadata"]["name"]);
    }
    // Without --gateway: only the filter, and how to attach it.
    let out = run(&[
        "ingress",
        "--controller",
        "nginx-gateway-fabric",
        "--name",
        "app",
        "--auth-secret",
        "basic-auth",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(kinds(&parse_docs(&stdout(&out))), ["AuthenticationFilter"]);
    assert!(
        stderr(&out).contains("type: ExtensionRef"),
        "{}",
        stderr(&out)
    );
    let out = run(&[
        "ingress",
        "--controller",
        "nginx-gateway-fabric",
        "--name",
        "app",
        "--auth-secret",
        "basic-auth",
        "--httproute",
        "r",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--httproute: nginx-gateway-fabric's AuthenticationFilter is named"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn traefik_gateway_mode_names_the_middleware_from_the_route() {
    let out = run(&[
        "generate",
        "--controller",
        "traefik",
        "--gateway",
        "gw",
        "--name",
        "app",
        "-n",
        "web",
        "--user",
        "alice:pw-alice",
        "--service",
        "web",
        "--port",
        "80",
        "--no-auth-path",
        "/healthz",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let docs = parse_docs(&stdout(&out));
    assert_eq!(
        kinds(&docs),
        ["Secret", "HTTPRoute", "HTTPRoute", "Middleware"]
    );
    let mw = &docs[3];
    assert_eq!(mw["metadata"]["namespace"], "web");
    assert_eq!(
        mw["spec"]["basicAuth"]["secret"],
        docs[0]["metadata"]["name"]
    );
    let filters = rule_filters(&docs[1]);
    assert_eq!(filters[0][0]["extensionRef"]["group"], "traefik.io");
    assert_eq!(filters[0][0]["extensionRef"]["kind"], "Middleware");
    assert_eq!(
        filters[0][0]["extensionRef"]["name"],
        mw["metadata"]["name"]
    );
    // The exempt route carries no filter.
    assert!(rule_filters(&docs[2]).iter().all(Value::is_null));
    // No Ingress, so its flags are refused; a Middleware elsewhere cannot be named.
    for (extra, want) in [
        (
            &["--class", "traefik"][..],
            "--class: traefik takes no Ingress here",
        ),
        (
            &["--auth-secret", "other/basic-auth"][..],
            "--auth-secret: an HTTPRoute's ExtensionRef names a Middleware of its own namespace",
        ),
    ] {
        let mut args = vec![
            "ingress",
            "--controller",
            "traefik",
            "--gateway",
            "gw",
            "--name",
            "app",
            "-n",
            "web",
            "--service",
            "web",
            "--port",
            "80",
        ];
        if extra[0] != "--auth-secret" {
            args.extend(["--auth-secret", "basic-auth"]);
        }
        args.extend_from_slice(extra);
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2), "{extra:?}");
        assert!(stderr(&out).contains(want), "{}", stderr(&out));
    }
    // --httproute without --gateway: traefik then writes an Ingress.
    let out = run(&[
        "ingress",
        "--controller",
        "traefik",
        "--name",
        "app",
        "-n",
        "web",
        "--auth-secret",
        "basic-auth",
        "--httproute",
        "r",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("or traefik --gateway"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn migrate_to_nginx_gateway_fabric_writes_the_filter() {
    let dir = TempDir::new("gateway-targets-migrate-ngf");
    let input = dir.write("in.yaml", crate::migrate::INPUT.as_bytes());
    let out = ours()
        .args([
            "migrate",
            "--to",
            "nginx-gateway-fabric",
            "--allow-missing-users",
            "-f",
        ])
        .arg(&input)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let docs = parse_docs(&stdout(&out));
    assert_eq!(kinds(&docs), ["Secret", "AuthenticationFilter"]);
    assert_eq!(docs[1]["spec"]["basic"]["realm"], "Team");
    assert_eq!(
        docs[1]["spec"]["basic"]["secretRef"]["name"],
        docs[0]["metadata"]["name"]
    );
    assert!(stderr(&out).contains("ExtensionRef"), "{}", stderr(&out));
}
