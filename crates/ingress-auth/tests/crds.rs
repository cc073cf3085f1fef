//! Proof of the new manifests: custom resources (Traefik Middleware, Envoy Gateway
//! SecurityPolicy, Gateway API HTTPRoute, Istio AuthorizationPolicy, ...) against excerpts of
//! their CRDs' OpenAPI schemas (`tests/crd-schemas/`, source and version named there), built-in
//! ones (Secret, Ingress, NetworkPolicy) through `kubernetes-validate --strict`.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::support::{REQUIRE_ENV, TempDir, parse_docs, reference_tool, run, stderr};

fn schema_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/crd-schemas")
}

/// python3 with the `jsonschema` module (a dependency of kubernetes-validate), or a loud skip.
fn python_jsonschema(test: &str) -> Option<PathBuf> {
    let python = reference_tool("python3", test)?;
    let ok = Command::new(&python)
        .args(["-c", "import jsonschema"])
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        return Some(python);
    }
    let required = std::env::var_os(REQUIRE_ENV).is_some_and(|v| v != "0");
    assert!(
        !required,
        "{test}: python3 module jsonschema is missing but {REQUIRE_ENV} is set"
    );
    eprintln!("\n!!! SKIPPED {test}: python3 module `jsonschema` is not installed. !!!\n");
    None
}

/// Every command line whose output holds new resources, per controller.
fn commands(input: &Path) -> Vec<Vec<String>> {
    let input = input.to_str().unwrap().to_owned();
    let route = [
        "--host",
        "a.example.com",
        "--service",
        "web",
        "--port",
        "80",
    ];
    let np = [
        "--network-policy",
        "--pod-selector",
        "app=web",
        "--target-port",
        "8080",
    ];
    let mut out: Vec<Vec<&str>> = Vec::new();
    for c in ["ingress-nginx", "traefik", "nginx-inc", "haproxy"] {
        let mut g = vec!["generate", "--controller", c, "--name", "app", "-n", "web"];
        g.extend(["--user", "alice:pw", "--user", "bob:pw2"]);
        g.extend(route);
        g.extend(np);
        out.push(g);
        let mut i = vec![
            "ingress",
            "--controller",
            c,
            "--name",
            "app",
            "-n",
            "web",
            "--auth-secret",
            "basic-auth",
            "--rule",
            "a.example.com/api*=api:http,tls=a-tls",
        ];
        i.extend(route);
        out.push(i);
    }
    out.push(vec![
        "generate",
        "--controller",
        "envoy-gateway",
        "--name",
        "app",
        "-n",
        "web",
        "--user",
        "alice:pw",
        "--gateway",
        "infra/eg",
        "--rule",
        "a.example.com/x=svc:8080",
        "--host",
        "a.example.com",
        "--service",
        "web",
        "--port",
        "80",
        "--path",
        "/admin",
        "--path-type",
        "Exact",
        "--network-policy",
        "--pod-selector",
        "app=web",
        "--target-port",
        "http",
    ]);
    out.push(vec![
        "ingress",
        "--controller",
        "envoy-gateway",
        "--name",
        "app",
        "--auth-secret",
        "basic-auth",
        "--httproute",
        "r",
    ]);
    for c in [
        "kgateway",
        "agentgateway",
        "nginx-gateway-fabric",
        "traefik",
    ] {
        let mut g = vec!["generate", "--controller", c, "--name", "app", "-n", "web"];
        g.extend(["--user", "alice:pw", "--gateway", "infra/gw"]);
        g.extend(route);
        g.extend(["--no-auth-path", "/healthz", "--no-auth-path", "/hooks/*"]);
        out.push(g);
        if c == "kgateway" || c == "agentgateway" {
            out.push(vec![
                "ingress",
                "--controller",
                c,
                "--name",
                "app",
                "--auth-secret",
                "basic-auth",
                "--httproute",
                "r",
            ]);
        }
    }
    out.push(vec![
        "ingress",
        "--controller",
        "nginx-gateway-fabric",
        "--name",
        "app",
        "--auth-secret",
        "basic-auth",
    ]);
    out.push(vec![
        "ingress",
        "--controller",
        "agentgateway",
        "--name",
        "app",
        "--auth-secret",
        "basic-auth",
        "--realm",
        "Team area",
    ]);
    // No basic auth of their own: with the auth server only (its own checks in auth_server.rs).
    for (c, extra) in [
        (
            "gateway-api",
            &[
                "--controller-namespace",
                "infra",
                "--controller-selector",
                "app=gw",
            ][..],
        ),
        ("istio", &["--no-auth-path", "/healthz"][..]),
    ] {
        let mut g = vec!["generate", "--controller", c, "--name", "app", "-n", "web"];
        g.extend(["--user", "alice:pw", "--gateway", "infra/gw"]);
        g.extend(["--auth-server", "registry.example/ingress-auth:1"]);
        g.extend(route);
        g.extend(extra);
        out.push(g);
    }
    // Kong: the KongPlugins and KongConsumers (Ingress mode and --gateway).
    let mut k = vec![
        "generate",
        "--controller",
        "kong",
        "--name",
        "app",
        "-n",
        "web",
    ];
    k.extend([
        "--user",
        "alice:pw",
        "--user",
        "Bob@example.com:pw2",
        "--class",
        "kong",
    ]);
    k.extend(route);
    k.extend(["--no-auth-path", "/healthz"]);
    out.push(k);
    let mut k = vec![
        "generate",
        "--controller",
        "kong",
        "--name",
        "app",
        "-n",
        "web",
    ];
    k.extend([
        "--user",
        "alice:pw",
        "--gateway",
        "infra/gw",
        "--realm",
        "Team area",
    ]);
    k.extend(route);
    k.extend(["--no-auth-path", "/healthz", "--no-auth-path", "/hooks/*"]);
    out.push(k);
    let mut owned: Vec<Vec<String>> = out
        .into_iter()
        .map(|v| v.into_iter().map(str::to_owned).collect())
        .collect();
    for to in [
        "ingress-nginx",
        "traefik",
        "envoy-gateway",
        "nginx-inc",
        "haproxy",
        "kgateway",
        "agentgateway",
        "nginx-gateway-fabric",
    ] {
        owned.push(
            [
                "migrate",
                "--to",
                to,
                "--allow-missing-users",
                "-f",
                input.as_str(),
            ]
            .map(str::to_owned)
            .to_vec(),
        );
    }
    owned
}

/// Runs every command (as JSON output) and returns its documents.
fn all_documents(dir: &TempDir) -> Vec<Value> {
    let input = dir.write("migrate-in.yaml", crate::migrate::INPUT.as_bytes());
    let mut docs = Vec::new();
    for mut args in commands(&input) {
        args.extend(["-o".to_owned(), "json".to_owned()]);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(&refs);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let text = String::from_utf8(out.stdout).unwrap();
        for d in parse_docs(&text) {
            match d["kind"].as_str() {
                Some("List") => docs.extend(d["items"].as_array().unwrap().iter().cloned()),
                _ => docs.push(d),
            }
        }
    }
    docs
}

#[test]
fn custom_resources_match_their_crd_schemas() {
    let test = "custom_resources_match_their_crd_schemas";
    let Some(python) = python_jsonschema(test) else {
        return;
    };
    let dir = TempDir::new("crds");
    let mut files = Vec::new();
    let mut kinds = std::collections::BTreeSet::new();
    for (i, d) in all_documents(&dir).into_iter().enumerate() {
        let kind = d["kind"].as_str().unwrap().to_owned();
        if [
            "Middleware",
            "SecurityPolicy",
            "HTTPRoute",
            "TrafficPolicy",
            "AgentgatewayPolicy",
            "AuthenticationFilter",
            "AuthorizationPolicy",
            "KongPlugin",
            "KongConsumer",
        ]
        .contains(&kind.as_str())
        {
            files.push(dir.write(&format!("crd{i}.json"), d.to_string().as_bytes()));
            kinds.insert(kind);
        }
    }
    assert_eq!(kinds.len(), 9, "{kinds:?}");
    let out = Command::new(&python)
        .arg(schema_dir().join("check_crds.py"))
        .args(&files)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "CRD schema check failed:\n{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains(&format!("checked {} custom resources", files.len())),
        "{text}"
    );
}

/// The checker is not vacuous: a misspelt field, a missing required one, a wrong enum value,
/// and breaches of the CRDs' CEL rules (backendRef without port, `//` in a path, a targetRef
/// kind other than Gateway/HTTPRoute/GRPCRoute) each fail.
#[test]
fn crd_schema_check_rejects_broken_resources() {
    let test = "crd_schema_check_rejects_broken_resources";
    let Some(python) = python_jsonschema(test) else {
        return;
    };
    let dir = TempDir::new("crds-bad");
    let bad = [
        r#"{"apiVersion":"traefik.io/v1alpha1","kind":"Middleware","metadata":{"name":"a"},"spec":{"basicAuth":{"secrets":"a"}}}"#,
        r#"{"apiVersion":"gateway.envoyproxy.io/v1alpha1","kind":"SecurityPolicy","metadata":{"name":"a"},"spec":{"targetRefs":[{"kind":"HTTPRoute","name":"r"}],"basicAuth":{"users":{"name":"s"}}}}"#,
        r#"{"apiVersion":"gateway.envoyproxy.io/v1alpha1","kind":"SecurityPolicy","metadata":{"name":"a"},"spec":{"basicAuth":{"users":{}}}}"#,
        r#"{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"a"},"spec":{"rules":[{"matches":[{"path":{"type":"Prefix","value":"/"}}]}]}}"#,
        r#"{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"a"},"spec":{"rules":[{"backendRefs":[{"name":"s","port":"http"}]}]}}"#,
        r#"{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"a"},"spec":{"rules":[{"backendRefs":[{"name":"s"}]}]}}"#,
        r#"{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"a"},"spec":{"rules":[{"matches":[{"path":{"type":"PathPrefix","value":"/a//b"}}]}]}}"#,
        r#"{"apiVersion":"gateway.envoyproxy.io/v1alpha1","kind":"SecurityPolicy","metadata":{"name":"a"},"spec":{"targetRefs":[{"group":"gateway.networking.k8s.io","kind":"Service","name":"r"}],"basicAuth":{"users":{"name":"s"}}}}"#,
        r#"{"apiVersion":"gateway.kgateway.dev/v1alpha1","kind":"TrafficPolicy","metadata":{"name":"a"},"spec":{"targetRefs":[{"group":"gateway.networking.k8s.io","kind":"HTTPRoute","name":"r"}],"basicAuth":{"secretRef":{"name":"s","key":""}}}}"#,
        r#"{"apiVersion":"gateway.kgateway.dev/v1alpha1","kind":"TrafficPolicy","metadata":{"name":"a"},"spec":{"basicAuth":{"secretRef":{"name":"s"}}}}"#,
        r#"{"apiVersion":"gateway.kgateway.dev/v1alpha1","kind":"TrafficPolicy","metadata":{"name":"a"},"spec":{"targetRefs":[{"group":"gateway.networking.k8s.io","kind":"HTTPRoute","name":"r"}],"basicAuth":{"secretRef":{"secret":"s"}}}}"#,
        r#"{"apiVersion":"agentgateway.dev/v1alpha1","kind":"AgentgatewayPolicy","metadata":{"name":"a"},"spec":{"targetRefs":[{"group":"gateway.networking.k8s.io","kind":"HTTPRoute","name":"r"}],"traffic":{"basicAuthentication":{"mode":"Required","secretRef":{"name":"s"}}}}}"#,
        r#"{"apiVersion":"agentgateway.dev/v1alpha1","kind":"AgentgatewayPolicy","metadata":{"name":"a"},"spec":{"targetRefs":[{"group":"gateway.networking.k8s.io","kind":"HTTPRoute","name":"r"}],"traffic":{"basicAuthentication":{"users":["a:{SHA}x"],"secretRef":{"name":"s"}}}}}"#,
        r#"{"apiVersion":"agentgateway.dev/v1alpha1","kind":"AgentgatewayPolicy","metadata":{"name":"a"},"spec":{"targetRefs":[{"group":"","kind":"Service","name":"r"}],"traffic":{"basicAuthentication":{"secretRef":{"name":"s"}}}}}"#,
        r#"{"apiVersion":"agentgateway.dev/v1alpha1","kind":"AgentgatewayPolicy","metadata":{"name":"a"},"spec":{"targetRefs":[{"group":"gateway.networking.k8s.io","kind":"HTTPRoute","name":"r"}],"traffic":{"basicAuth":{"secretRef":{"name":"s"}}}}}"#,
        r#"{"apiVersion":"gateway.nginx.org/v1alpha1","kind":"AuthenticationFilter","metadata":{"name":"a"},"spec":{"type":"Basic","basic":{"secretRef":{"name":"s"}}}}"#,
        r#"{"apiVersion":"gateway.nginx.org/v1alpha1","kind":"AuthenticationFilter","metadata":{"name":"a"},"spec":{"type":"JWT","basic":{"realm":"r","secretRef":{"name":"s"}}}}"#,
        r#"{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"a"},"spec":{"rules":[{"filters":[{"type":"ExtensionRef"}]}]}}"#,
        r#"{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"a"},"spec":{"rules":[{"filters":[{"type":"URLRewrite","extensionRef":{"group":"traefik.io","kind":"Middleware","name":"m"}}]}]}}"#,
        r#"{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"a"},"spec":{"rules":[{"filters":[{"type":"ExtensionRef","extensionRef":{"group":"traefik.io","name":"m"}}]}]}}"#,
        r#"{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"a"},"spec":{"rules":[{"filters":[{"type":"ExternalAuth","externalAuth":{"protocol":"HTTP","backendRef":{"name":"s","port":8080}}}]}]}}"#,
        r#"{"apiVersion":"security.istio.io/v1","kind":"AuthorizationPolicy","metadata":{"name":"a"},"spec":{"targetRefs":[{"group":"gateway.networking.k8s.io","kind":"Gateway","name":"gw"}],"action":"CUSTOM","rules":[{"to":[{"operation":{"paths":["/*"]}}]}]}}"#,
        // Kong: no plugin; a misspelt basic-auth field; acl with both allow and deny; config
        // and configFrom together (CEL); a consumer with neither username nor custom_id (CEL),
        // one without the ingress class annotation, one with a repeated credential.
        r#"{"apiVersion":"configuration.konghq.com/v1","kind":"KongPlugin","metadata":{"name":"a"},"config":{}}"#,
        r#"{"apiVersion":"configuration.konghq.com/v1","kind":"KongPlugin","metadata":{"name":"a"},"plugin":"basic-auth","config":{"hide_credential":true}}"#,
        r#"{"apiVersion":"configuration.konghq.com/v1","kind":"KongPlugin","metadata":{"name":"a"},"plugin":"acl","config":{"allow":["g"],"deny":["h"]}}"#,
        r#"{"apiVersion":"configuration.konghq.com/v1","kind":"KongPlugin","metadata":{"name":"a"},"plugin":"basic-auth","config":{},"configFrom":{"secretKeyRef":{"name":"s","key":"k"}}}"#,
        r#"{"apiVersion":"configuration.konghq.com/v1","kind":"KongPlugin","metadata":{"name":"a"},"plugin":"basic-auth","spec":{"config":{}}}"#,
        r#"{"apiVersion":"configuration.konghq.com/v1","kind":"KongConsumer","metadata":{"name":"a","annotations":{"kubernetes.io/ingress.class":"kong"}},"credentials":["s"]}"#,
        r#"{"apiVersion":"configuration.konghq.com/v1","kind":"KongConsumer","metadata":{"name":"a"},"username":"u","credentials":["s"]}"#,
        r#"{"apiVersion":"configuration.konghq.com/v1","kind":"KongConsumer","metadata":{"name":"a","annotations":{"kubernetes.io/ingress.class":"kong"}},"username":"u","credentials":["s","s"]}"#,
    ];
    for (i, doc) in bad.iter().enumerate() {
        let f = dir.write(&format!("bad{i}.json"), doc.as_bytes());
        let out = Command::new(&python)
            .arg(schema_dir().join("check_crds.py"))
            .arg(&f)
            .output()
            .unwrap();
        assert!(!out.status.success(), "accepted: {doc}");
    }
}

#[test]
fn builtin_resources_pass_kubernetes_validate() {
    let test = "builtin_resources_pass_kubernetes_validate";
    let Some(tool) = reference_tool("kubernetes-validate", test) else {
        return;
    };
    let dir = TempDir::new("crds-builtin");
    let mut files = Vec::new();
    let mut kinds = std::collections::BTreeSet::new();
    for (i, d) in all_documents(&dir).into_iter().enumerate() {
        let kind = d["kind"].as_str().unwrap().to_owned();
        if ["Secret", "Ingress", "NetworkPolicy"].contains(&kind.as_str()) {
            files.push(dir.write(&format!("b{i}.yaml"), d.to_string().as_bytes()));
            kinds.insert(kind);
        }
    }
    assert_eq!(kinds.len(), 3, "{kinds:?}");
    let out = Command::new(tool)
        .args(["--strict", "--quiet"])
        .args(&files)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "kubernetes-validate failed:\n{text}");
    assert!(!text.contains("ERROR"), "{text}");
}

/// Paths that ingress-auth accepts for an Ingress but the HTTPRoute CRD rejects (`maxLength:
/// 1024`; CEL rules against `//`, `/./`, `/../`, a trailing `/.` or `/..`) are refused for
/// envoy-gateway instead of written into an HTTPRoute the API server would refuse.
#[test]
fn httproute_paths_its_crd_rejects_are_refused() {
    let long = format!("/{}", "a".repeat(1024));
    for path in ["/a//b", "/a/./b", "/a/../b", "/a/.", "/a/..", long.as_str()] {
        let out = run(&[
            "generate",
            "--controller",
            "envoy-gateway",
            "--name",
            "app",
            "-n",
            "web",
            "--user",
            "alice:pw",
            "--gateway",
            "eg",
            "--service",
            "web",
            "--port",
            "80",
            "--path",
            path,
        ]);
        assert!(!out.status.success(), "{path}: accepted");
        // Segment rules are shared with the Ingress (the API server's path rule); the length
        // limit is the HTTPRoute CRD's own.
        let why = if path.len() > 1024 {
            "its CRD rejects them"
        } else {
            "Kubernetes API server rule"
        };
        assert!(stderr(&out).contains(why), "{path}: {}", stderr(&out));
    }
    let max = format!("/{}", "a".repeat(1023));
    let out = run(&[
        "generate",
        "--controller",
        "envoy-gateway",
        "--name",
        "app",
        "-n",
        "web",
        "--user",
        "alice:pw",
        "--gateway",
        "eg",
        "--service",
        "web",
        "--port",
        "80",
        "--path",
        &max,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
}
