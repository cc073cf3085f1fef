//! `generate --auth-server IMAGE`: the server's resources pass `kubernetes-validate`, the
//! controllers' custom resources (Traefik `forwardAuth`, Envoy Gateway `extAuth`) their CRD
//! schema excerpts, and the printed Secret, laid out as the kubelet mounts it, is read by a real
//! `serve` started with the Deployment's own arguments, which answers right and wrong
//! passwords directly and through a real nginx `auth_request`, and reloads an updated Secret.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::serve::{Serve, USERS, basic, curl, start_nginx};
use crate::support::{TempDir, base64_decode, parse_docs, reference_tool, run, stderr, stdout};

const IMAGE: &str = "registry.example/ingress-auth:0.1.0";

/// The users of the e2e checks: the schemes the issue names (apr1, bcrypt, SHA-512, `{SHA}`)
/// and MD5-crypt and SHA-256-crypt; none of them but `{SHA}` can Envoy Gateway check itself.
const SCHEMES: [&str; 6] = ["apr1", "md5", "bcrypt", "sha256", "sha512", "sha1"];

fn users() -> Vec<(&'static str, &'static str, &'static str)> {
    USERS
        .iter()
        .copied()
        .filter(|(name, _, _)| SCHEMES.contains(name))
        .collect()
}

fn htpasswd_text() -> String {
    users()
        .iter()
        .map(|(u, _, h)| format!("{u}:{h}\n"))
        .collect()
}

/// `generate` with `--auth-server` for `controller` and `extra` flags; its documents.
fn generate(dir: &TempDir, controller: &str, extra: &[&str]) -> Vec<Value> {
    let file = dir.write("users.htpasswd", htpasswd_text().as_bytes());
    let mut args = vec![
        "generate",
        "--controller",
        controller,
        "--name",
        "basic-auth",
        "-n",
        "web",
        "--htpasswd",
        file.to_str().unwrap(),
        "--auth-server",
        IMAGE,
    ];
    args.extend(extra);
    let out = run(&args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    parse_docs(&stdout(&out))
}

const INGRESS: [&str; 6] = [
    "--host",
    "a.example.com",
    "--service",
    "web",
    "--port",
    "80",
];

/// kgateway's proxies run in each Gateway's namespace: named on the command line.
const KGATEWAY_PODS: [&str; 4] = [
    "--controller-namespace",
    "infra",
    "--controller-selector",
    "gateway.networking.k8s.io/gateway-name=gw",
];

/// The Gateway API target's proxies: named on the command line (each implementation runs
/// them its own way).
const GATEWAY_API_PODS: [&str; 4] = KGATEWAY_PODS;

/// Every `--auth-server` command line of the checks, per controller.
fn all_documents(dir: &TempDir) -> Vec<Value> {
    let mut docs = Vec::new();
    docs.extend(generate(dir, "ingress-nginx", &INGRESS));
    docs.extend(generate(
        dir,
        "ingress-nginx",
        &[
            &INGRESS[..],
            &[
                "--trusted-proxy",
                "10.244.0.0/16",
                "--no-auth-path",
                "/healthz",
            ],
        ]
        .concat(),
    ));
    docs.extend(generate(dir, "traefik", &INGRESS));
    docs.extend(generate(
        dir,
        "traefik",
        &[&INGRESS[..], &["--gateway", "infra/gw"]].concat(),
    ));
    docs.extend(generate(dir, "envoy-gateway", &[]));
    docs.extend(generate(
        dir,
        "envoy-gateway",
        &[
            &INGRESS[..],
            &["--gateway", "infra/eg", "--auth-protocol", "http"],
        ]
        .concat(),
    ));
    docs.extend(generate(dir, "kgateway", &KGATEWAY_PODS));
    docs.extend(generate(
        dir,
        "kgateway",
        &[&KGATEWAY_PODS[..], &INGRESS[..], &["--gateway", "infra/gw"]].concat(),
    ));
    docs.extend(generate(
        dir,
        "envoy-gateway",
        &[
            "--controller-namespace",
            "edge",
            "--controller-selector",
            "gateway.envoyproxy.io/owning-gateway-name=eg",
            "--network-policy",
            "--pod-selector",
            "app=web",
            "--target-port",
            "8080",
        ],
    ));
    let gw = ["--gateway", "infra/gw"];
    docs.extend(generate(
        dir,
        "gateway-api",
        &[&GATEWAY_API_PODS[..], &INGRESS[..], &gw[..]].concat(),
    ));
    docs.extend(generate(
        dir,
        "gateway-api",
        &[
            &GATEWAY_API_PODS[..],
            &INGRESS[..],
            &gw[..],
            &["--auth-protocol", "grpc", "--no-auth-path", "/healthz"],
        ]
        .concat(),
    ));
    docs.extend(generate(dir, "istio", &[&INGRESS[..], &gw[..]].concat()));
    docs.extend(generate(
        dir,
        "istio",
        &[
            &INGRESS[..],
            &["--gateway", "gw", "--auth-protocol", "http"],
            &["--rule", "b.example.com/api*=api:8080"],
            &["--no-auth-path", "/healthz", "--no-auth-path", "/hooks/*"],
        ]
        .concat(),
    ));
    docs
}

fn is_builtin(d: &Value) -> bool {
    matches!(
        d["apiVersion"].as_str(),
        Some("v1" | "apps/v1" | "policy/v1" | "networking.k8s.io/v1")
    )
}

#[test]
fn auth_server_builtin_resources_pass_kubernetes_validate() {
    let test = "auth_server_builtin_resources_pass_kubernetes_validate";
    let Some(tool) = reference_tool("kubernetes-validate", test) else {
        return;
    };
    let dir = TempDir::new("auth-server-validate");
    let mut files = Vec::new();
    let mut kinds = std::collections::BTreeSet::new();
    for (i, d) in all_documents(&dir).into_iter().enumerate() {
        if is_builtin(&d) {
            kinds.insert(d["kind"].as_str().unwrap().to_owned());
            files.push(dir.write(&format!("b{i}.yaml"), d.to_string().as_bytes()));
        }
    }
    let want = [
        "Deployment",
        "Ingress",
        "NetworkPolicy",
        "PodDisruptionBudget",
        "Secret",
        "Service",
    ];
    assert_eq!(kinds.iter().collect::<Vec<_>>(), want);
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

fn schema_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/crd-schemas")
}

fn python_jsonschema(test: &str) -> Option<PathBuf> {
    let python = reference_tool("python3", test)?;
    let ok = Command::new(&python)
        .args(["-c", "import jsonschema"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("\n!!! SKIPPED {test}: python3 module `jsonschema` is not installed. !!!\n");
        return None;
    }
    Some(python)
}

fn check_crds(python: &Path, files: &[PathBuf]) -> (bool, String) {
    let out = Command::new(python)
        .arg(schema_dir().join("check_crds.py"))
        .args(files)
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn auth_server_custom_resources_match_their_crd_schemas() {
    let test = "auth_server_custom_resources_match_their_crd_schemas";
    let Some(python) = python_jsonschema(test) else {
        return;
    };
    let dir = TempDir::new("auth-server-crds");
    let mut files = Vec::new();
    let mut seen = Vec::new();
    for (i, d) in all_documents(&dir).into_iter().enumerate() {
        if is_builtin(&d) {
            continue;
        }
        let spec = &d["spec"];
        if d["kind"] == "AuthorizationPolicy" {
            seen.push(format!(
                "AuthorizationPolicy.{}",
                spec["action"].as_str().unwrap()
            ));
        }
        let filters = spec["rules"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["filters"].as_array())
            .flatten();
        for f in filters.filter(|f| f["type"] == "ExternalAuth") {
            let ext = &f["externalAuth"];
            seen.push(format!(
                "HTTPRoute.{}.{}",
                f["type"].as_str().unwrap(),
                ext["protocol"].as_str().unwrap()
            ));
        }
        for key in ["forwardAuth", "extAuth", "basicAuth"] {
            if let Some(v) = spec.get(key) {
                let mut what = format!("{}.{key}", d["kind"].as_str().unwrap());
                for sub in ["grpc", "http", "extensionRef", "grpcService"] {
                    if v.get(sub).is_some() {
                        what = format!("{what}.{sub}");
                    }
                }
                seen.push(what);
            }
        }
        files.push(dir.write(&format!("c{i}.json"), d.to_string().as_bytes()));
    }
    seen.sort();
    seen.dedup();
    // No basic auth is left; every wiring shape is checked.
    assert_eq!(
        seen,
        [
            "AuthorizationPolicy.CUSTOM",
            "GatewayExtension.extAuth.grpcService",
            "HTTPRoute.ExternalAuth.GRPC",
            "HTTPRoute.ExternalAuth.HTTP",
            "Middleware.forwardAuth",
            "SecurityPolicy.extAuth.grpc",
            "SecurityPolicy.extAuth.http",
            "TrafficPolicy.extAuth.extensionRef",
        ]
    );
    let (ok, text) = check_crds(&python, &files);
    assert!(ok, "CRD schema check failed:\n{text}");
    assert!(
        text.contains(&format!("checked {} custom resources", files.len())),
        "{text}"
    );
}

/// The new parts of the excerpts are not vacuous.
#[test]
fn auth_server_crd_check_rejects_broken_wiring() {
    let test = "auth_server_crd_check_rejects_broken_wiring";
    let Some(python) = python_jsonschema(test) else {
        return;
    };
    let dir = TempDir::new("auth-server-crds-bad");
    let sp = |ext: &str| {
        format!(
            r#"{{"apiVersion":"gateway.envoyproxy.io/v1alpha1","kind":"SecurityPolicy","metadata":{{"name":"a"}},"spec":{{"targetRefs":[{{"group":"gateway.networking.k8s.io","kind":"HTTPRoute","name":"r"}}],"extAuth":{ext}}}}}"#
        )
    };
    let bad = [
        sp(r#"{"grpc":{"backendRefs":[{"name":"s","port":9191}]},"http":{"backendRefs":[{"name":"s","port":8080}]}}"#),
        sp(r#"{}"#),
        sp(r#"{"grpc":{"backendRefs":[{"name":"s"}]}}"#),
        sp(r#"{"grpc":{"backendRefs":[]}}"#),
        sp(r#"{"http":{"backendRefs":[{"name":"s","port":8080,"kind":"Pod"}]}}"#),
        sp(r#"{"http":{"backendRefs":[{"name":"s","port":8080}],"headersToBackends":["X"]}}"#),
        r#"{"apiVersion":"traefik.io/v1alpha1","kind":"Middleware","metadata":{"name":"a"},"spec":{"forwardAuth":{"adress":"http://x/"}}}"#.to_owned(),
        r#"{"apiVersion":"traefik.io/v1alpha1","kind":"Middleware","metadata":{"name":"a"},"spec":{"forwardAuth":{"authResponseHeaders":"X-Auth-User"}}}"#.to_owned(),
        r#"{"apiVersion":"gateway.kgateway.dev/v1alpha1","kind":"GatewayExtension","metadata":{"name":"a"},"spec":{"type":"ExtAuth","extAuth":{"grpcService":{"backendRef":{"name":"s"}}}}}"#.to_owned(),
        r#"{"apiVersion":"gateway.kgateway.dev/v1alpha1","kind":"GatewayExtension","metadata":{"name":"a"},"spec":{"type":"ExtAuth","extAuth":{"grpcServce":{"backendRef":{"name":"s","port":9191}}}}}"#.to_owned(),
        r#"{"apiVersion":"gateway.kgateway.dev/v1alpha1","kind":"TrafficPolicy","metadata":{"name":"a"},"spec":{"targetRefs":[{"group":"gateway.networking.k8s.io","kind":"HTTPRoute","name":"r"}],"extAuth":{"extensionRef":{"name":"x"},"enablement":"DisableAll"}}}"#.to_owned(),
    ];
    // The Gateway API ExternalAuth filter (experimental channel) and its CEL rules.
    let route = |filter: &str| {
        format!(
            r#"{{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{{"name":"a"}},"spec":{{"rules":[{{"filters":[{filter}]}}]}}}}"#
        )
    };
    let ext = |body: &str| {
        route(&format!(
            r#"{{"type":"ExternalAuth","externalAuth":{body}}}"#
        ))
    };
    let more = [
        ext(r#"{"protocol":"HTTP","backendRef":{"name":"s","port":8080}}"#),
        ext(r#"{"protocol":"HTTP","backendRef":{"name":"s","port":8080},"grpc":{}}"#),
        ext(r#"{"protocol":"GRPC","backendRef":{"name":"s","port":9191},"http":{}}"#),
        ext(r#"{"protocol":"GRPC","backendRef":{"name":"s"},"grpc":{}}"#),
        ext(r#"{"protocol":"Http","backendRef":{"name":"s","port":8080},"http":{}}"#),
        ext(r#"{"backendRef":{"name":"s","port":8080},"http":{}}"#),
        ext(r#"{"protocol":"HTTP","backendRef":{"name":"s","port":8080},"http":{"path":"/a b"}}"#),
        ext(
            r#"{"protocol":"HTTP","backendRef":{"name":"s","port":8080},"http":{"allowedResponseHeader":["X"]}}"#,
        ),
        route(r#"{"type":"ExternalAuth"}"#),
        route(
            r#"{"type":"ExtensionRef","extensionRef":{"group":"g","kind":"K","name":"n"},"externalAuth":{"protocol":"GRPC","backendRef":{"name":"s","port":1},"grpc":{}}}"#,
        ),
    ];
    // Istio's AuthorizationPolicy: CRD fields and istiod's webhook rules.
    let ap = |spec: &str| {
        format!(
            r#"{{"apiVersion":"security.istio.io/v1","kind":"AuthorizationPolicy","metadata":{{"name":"a","namespace":"infra"}},"spec":{spec}}}"#
        )
    };
    let gw_ref =
        r#""targetRefs":[{"group":"gateway.networking.k8s.io","kind":"Gateway","name":"gw"}]"#;
    let rules = r#""rules":[{"to":[{"operation":{"paths":["/*"]}}]}]"#;
    let istio = [
        ap(&format!(r#"{{{gw_ref},"action":"CUSTOM",{rules}}}"#)),
        ap(&format!(
            r#"{{{gw_ref},"action":"CUSTOM","provider":{{"name":""}},{rules}}}"#
        )),
        ap(&format!(
            r#"{{{gw_ref},"action":"CUSTOM","provider":{{"name":"p"}}}}"#
        )),
        ap(&format!(
            r#"{{{gw_ref},"action":"ALLOW","provider":{{"name":"p"}},{rules}}}"#
        )),
        ap(&format!(
            r#"{{{gw_ref},"action":"Custom","provider":{{"name":"p"}},{rules}}}"#
        )),
        ap(&format!(
            r#"{{"targetRefs":[{{"group":"gateway.networking.k8s.io","kind":"Gateway","name":"gw","namespace":"x"}}],"action":"CUSTOM","provider":{{"name":"p"}},{rules}}}"#
        )),
        ap(&format!(
            r#"{{"targetRefs":[{{"group":"gateway.networking.k8s.io","kind":"HTTPRoute","name":"r"}}],"action":"CUSTOM","provider":{{"name":"p"}},{rules}}}"#
        )),
        ap(&format!(
            r#"{{{gw_ref},"action":"CUSTOM","provider":{{"name":"p"}},"rules":[{{"to":[{{"operation":{{"path":["/"]}}}}]}}]}}"#
        )),
        ap(&format!(
            r#"{{{gw_ref},"action":"CUSTOM","provider":{{"name":"p"}},"rules":[{{"to":[{{"operation":{{"paths":[""]}}}}]}}]}}"#
        )),
        ap(&format!(
            r#"{{{gw_ref},"action":"CUSTOM","provider":{{"name":"p"}},"rules":[{{"to":[{{"operation":{{}}}}]}}]}}"#
        )),
        ap(&format!(
            r#"{{"selector":{{"matchLabels":{{"istio":"ingressgateway"}}}},{gw_ref},"action":"CUSTOM","provider":{{"name":"p"}},{rules}}}"#
        )),
    ];
    for (i, doc) in bad.iter().chain(&more).chain(&istio).enumerate() {
        let f = dir.write(&format!("bad{i}.json"), doc.as_bytes());
        let (ok, _) = check_crds(&python, &[f]);
        assert!(!ok, "accepted: {doc}");
    }
    let good = [
        sp(r#"{"grpc":{"backendRefs":[{"name":"s","port":9191}]}}"#),
        ext(r#"{"protocol":"GRPC","backendRef":{"name":"s","port":9191},"grpc":{}}"#),
        ap(&format!(
            r#"{{{gw_ref},"action":"CUSTOM","provider":{{"name":"p"}},{rules}}}"#
        )),
    ];
    for (i, doc) in good.iter().enumerate() {
        let f = dir.write(&format!("good{i}.json"), doc.as_bytes());
        let (ok, text) = check_crds(&python, &[f]);
        assert!(ok, "{doc}: {text}");
    }
}

fn find<'a>(docs: &'a [Value], kind: &str) -> &'a Value {
    docs.iter()
        .find(|d| d["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind}"))
}

#[test]
fn wiring_per_controller() {
    let dir = TempDir::new("auth-server-wiring");
    let url = "http://basic-auth-auth-server.web.svc.cluster.local:8080/auth";
    let docs = generate(&dir, "ingress-nginx", &INGRESS);
    let kinds: Vec<&str> = docs.iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "Secret",
            "Deployment",
            "Service",
            "PodDisruptionBudget",
            "NetworkPolicy",
            "Ingress"
        ]
    );
    let ann = find(&docs, "Ingress")["metadata"]["annotations"]
        .as_object()
        .unwrap();
    let keys: Vec<&str> = ann.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "nginx.ingress.kubernetes.io/auth-response-headers",
            "nginx.ingress.kubernetes.io/auth-url"
        ]
    );
    assert_eq!(ann["nginx.ingress.kubernetes.io/auth-url"], url);
    // The Secret is the server's: ingress-nginx's auth-file shape, every user kept.
    let secret = find(&docs, "Secret");
    let text = String::from_utf8(base64_decode(secret["data"]["auth"].as_str().unwrap())).unwrap();
    assert_eq!(text, htpasswd_text());

    let docs = generate(&dir, "traefik", &INGRESS);
    let mw = find(&docs, "Middleware");
    assert_eq!(mw["spec"]["forwardAuth"]["address"], url);
    assert_eq!(
        mw["spec"]["forwardAuth"]["authResponseHeaders"][0],
        "X-Auth-User"
    );
    let ing = find(&docs, "Ingress");
    assert_eq!(
        ing["metadata"]["annotations"]["traefik.ingress.kubernetes.io/router.middlewares"],
        "web-basic-auth@kubernetescrd"
    );

    let docs = generate(&dir, "envoy-gateway", &[]);
    let sp = find(&docs, "SecurityPolicy");
    assert!(sp["spec"].get("basicAuth").is_none());
    assert_eq!(
        sp["spec"]["extAuth"]["grpc"]["backendRefs"][0],
        serde_json::json!({"name": "basic-auth-auth-server", "port": 9191})
    );
    let args =
        find(&docs, "Deployment")["spec"]["template"]["spec"]["containers"][0]["args"].clone();
    assert!(
        args.as_array()
            .unwrap()
            .iter()
            .any(|a| a == "--grpc-listen")
    );
    let svc_ports = &find(&docs, "Service")["spec"]["ports"];
    assert_eq!(svc_ports[1]["port"], 9191);
    let np = find(&docs, "NetworkPolicy");
    assert_eq!(
        np["spec"]["ingress"][0]["from"][0]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"],
        "envoy-gateway-system"
    );
    let docs = generate(&dir, "kgateway", &KGATEWAY_PODS);
    let ext = find(&docs, "GatewayExtension");
    assert_eq!(
        ext["spec"]["extAuth"]["grpcService"]["backendRef"],
        serde_json::json!({"name": "basic-auth-auth-server", "port": 9191})
    );
    let tp = find(&docs, "TrafficPolicy");
    assert!(tp["spec"].get("basicAuth").is_none());
    assert_eq!(
        tp["spec"]["extAuth"]["extensionRef"]["name"],
        ext["metadata"]["name"]
    );
    let np = find(&docs, "NetworkPolicy");
    assert_eq!(
        np["spec"]["ingress"][0]["from"][0]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"],
        "infra"
    );
    // Envoy Gateway's basic auth has no realm; serve's challenge has.
    let docs = generate(&dir, "envoy-gateway", &["--realm", "Team area"]);
    let args = &find(&docs, "Deployment")["spec"]["template"]["spec"]["containers"][0]["args"];
    let args: Vec<&str> = args
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert!(
        args.windows(2).any(|w| w == ["--realm", "Team area"]),
        "{args:?}"
    );
    let docs = generate(&dir, "envoy-gateway", &["--auth-protocol", "http"]);
    let http = &find(&docs, "SecurityPolicy")["spec"]["extAuth"]["http"];
    assert_eq!(http["backendRefs"][0]["port"], 8080);
    assert_eq!(http["headersToBackend"][0], "X-Auth-User");
    assert_eq!(http["path"], "/auth");
}

/// The Gateway API target: every rule of the HTTPRoute (not the `--no-auth-path` one) gets
/// the `ExternalAuth` filter asking the server (HTTP by default, gRPC when asked); Istio: the
/// HTTPRoute as it is, an AuthorizationPolicy `action: CUSTOM` on its Gateway (in the
/// Gateway's namespace) for the route's hosts and paths less the exempt ones, the NetworkPolicy
/// admitting the Gateway's pods, and the mesh configuration as a YAML comment (JSON: on
/// stderr) naming the same provider and the server's Service.
#[test]
fn gateway_api_and_istio_wiring() {
    let dir = TempDir::new("auth-server-wiring-gw");
    let gw = ["--gateway", "infra/gw"];
    let docs = generate(
        &dir,
        "gateway-api",
        &[
            &GATEWAY_API_PODS[..],
            &INGRESS[..],
            &gw[..],
            &["--rule", "a.example.com/api*=api:8080"],
            &["--no-auth-path", "/healthz"],
        ]
        .concat(),
    );
    let kinds: Vec<&str> = docs.iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "Secret",
            "Deployment",
            "Service",
            "PodDisruptionBudget",
            "NetworkPolicy",
            "HTTPRoute",
            "HTTPRoute"
        ]
    );
    let rules = docs[5]["spec"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 2);
    for rule in rules {
        assert_eq!(
            rule["filters"],
            serde_json::json!([{"type": "ExternalAuth", "externalAuth": {
                "protocol": "HTTP",
                "backendRef": {"name": "basic-auth-auth-server", "port": 8080},
                "http": {
                    "path": "/auth",
                    "allowedHeaders": ["X-Forwarded-For"],
                    "allowedResponseHeaders": ["X-Auth-User"],
                },
            }}])
        );
    }
    assert_eq!(docs[6]["metadata"]["name"], "basic-auth-no-auth");
    let out = run(&[
        "generate",
        "--controller",
        "gateway-api",
        "--name",
        "basic-auth",
        "-n",
        "web",
        "--user",
        "alice:pw",
        "--auth-server",
        IMAGE,
        "--gateway",
        "gw",
        "--host",
        "a.example.com",
        "--service",
        "web",
        "--port",
        "80",
        "--controller-namespace",
        "web",
        "--controller-selector",
        "app=gw",
    ]);
    assert!(
        stderr(&out).contains(
            "note: the HTTPRoute ExternalAuth filter is in the Gateway API \
                               experimental channel"
        ),
        "{}",
        stderr(&out)
    );
    assert!(docs[6]["spec"]["rules"][0].get("filters").is_none());
    let docs = generate(
        &dir,
        "gateway-api",
        &[
            &GATEWAY_API_PODS[..],
            &INGRESS[..],
            &gw[..],
            &["--auth-protocol", "grpc"],
        ]
        .concat(),
    );
    assert_eq!(
        find(&docs, "HTTPRoute")["spec"]["rules"][0]["filters"][0]["externalAuth"],
        serde_json::json!({
            "protocol": "GRPC",
            "backendRef": {"name": "basic-auth-auth-server", "port": 9191},
            "grpc": {"allowedHeaders": ["Authorization"]},
        })
    );
    let np = find(&docs, "NetworkPolicy");
    assert_eq!(
        np["spec"]["ingress"][0]["from"][0]["podSelector"]["matchLabels"],
        serde_json::json!({"gateway.networking.k8s.io/gateway-name": "gw"})
    );

    // Istio, gRPC by default.
    let args = [
        &INGRESS[..],
        &gw[..],
        &["--no-auth-path", "/healthz", "--no-auth-path", "/hooks/*"],
        &["--trusted-proxy", "10.244.0.0/16"],
    ]
    .concat();
    let docs = generate(&dir, "istio", &args);
    let kinds: Vec<&str> = docs.iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "Secret",
            "Deployment",
            "Service",
            "PodDisruptionBudget",
            "NetworkPolicy",
            "HTTPRoute",
            "HTTPRoute",
            "AuthorizationPolicy"
        ]
    );
    assert!(docs[5]["spec"]["rules"][0].get("filters").is_none());
    assert_eq!(
        docs[7],
        serde_json::json!({
            "apiVersion": "security.istio.io/v1",
            "kind": "AuthorizationPolicy",
            "metadata": {"name": "web-basic-auth-auth-server", "namespace": "infra"},
            "spec": {
                "targetRefs": [{
                    "group": "gateway.networking.k8s.io",
                    "kind": "Gateway",
                    "name": "gw",
                }],
                "action": "CUSTOM",
                "provider": {"name": "basic-auth-auth-server.web"},
                "rules": [{"to": [{"operation": {
                    "hosts": ["a.example.com", "a.example.com:*"],
                    "paths": ["/*"],
                    "notPaths": ["/healthz", "/hooks", "/hooks/*"],
                }}]}],
            },
        })
    );
    let np = find(&docs, "NetworkPolicy");
    let from = &np["spec"]["ingress"][0]["from"][0];
    assert_eq!(
        from["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"],
        "infra"
    );
    assert_eq!(
        from["podSelector"]["matchLabels"],
        serde_json::json!({"gateway.networking.k8s.io/gateway-name": "gw"})
    );
    let serve_args =
        &find(&docs, "Deployment")["spec"]["template"]["spec"]["containers"][0]["args"];
    let serve_args: Vec<&str> = serve_args
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert!(serve_args.contains(&"--grpc-listen"), "{serve_args:?}");
    assert!(
        serve_args
            .windows(2)
            .any(|w| w == ["--trusted-proxy", "10.244.0.0/16"]),
        "{serve_args:?}"
    );

    // `secret` for them writes the auth server's Secret (ingress-nginx's shape, every scheme).
    let file = dir.write("users.htpasswd", htpasswd_text().as_bytes());
    for c in ["gateway-api", "istio"] {
        let out = run(&[
            "secret",
            "--controller",
            c,
            "--name",
            "basic-auth",
            "--htpasswd",
            file.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{c}: {}", stderr(&out));
        let secret = parse_docs(&stdout(&out)).remove(0);
        let text =
            String::from_utf8(base64_decode(secret["data"]["auth"].as_str().unwrap())).unwrap();
        assert_eq!(text, htpasswd_text(), "{c}");
    }

    // The mesh configuration: a comment block after the documents, which reads as YAML.
    let base = [
        "generate",
        "--controller",
        "istio",
        "--name",
        "basic-auth",
        "-n",
        "web",
        "--htpasswd",
        file.to_str().unwrap(),
        "--auth-server",
        IMAGE,
    ];
    let mesh = |text: &str| -> Value {
        let yaml: String = text
            .lines()
            .filter_map(|l| l.strip_prefix("# "))
            .filter(|l| l.starts_with(' ') || l.starts_with("meshConfig:") || l.starts_with('-'))
            .map(|l| format!("{l}\n"))
            .collect();
        parse_docs(&yaml).remove(0)
    };
    let out = run(&[&base[..], &INGRESS[..], &gw[..]].concat());
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let comment = &text[text
        .find("# Istio mesh configuration: NOT a resource")
        .unwrap()..];
    assert!(comment.lines().all(|l| l.starts_with('#')), "{comment}");
    assert!(
        comment.contains("meshConfig.extensionProviders"),
        "{comment}"
    );
    assert_eq!(
        mesh(comment),
        serde_json::json!({"meshConfig": {"extensionProviders": [{
            "name": "basic-auth-auth-server.web",
            "envoyExtAuthzGrpc": {
                "service": "basic-auth-auth-server.web.svc.cluster.local",
                "port": 9191,
            },
        }]}})
    );
    let out = run(&[
        &base[..],
        &INGRESS[..],
        &gw[..],
        &["--auth-protocol", "http", "-o", "json"],
    ]
    .concat());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stdout(&out).contains('#'));
    let err = stderr(&out);
    assert!(
        err.contains("note: the AuthorizationPolicy needs this mesh configuration"),
        "{err}"
    );
    assert_eq!(
        mesh(&err),
        serde_json::json!({"meshConfig": {"extensionProviders": [{
            "name": "basic-auth-auth-server.web",
            "envoyExtAuthzHttp": {
                "service": "basic-auth-auth-server.web.svc.cluster.local",
                "port": 8080,
                "pathPrefix": "/auth",
                "includeRequestHeadersInCheck": ["authorization", "x-forwarded-for"],
                "headersToUpstreamOnAllow": ["x-auth-user"],
            },
        }]}})
    );
}

/// Gateway API and Istio have no basic auth of their own: without `--auth-server` they say so
/// and point to it; with it, what they need is asked for by flag; an exempt path that would
/// also exempt a protected one is refused (never a way around the check).
#[test]
fn gateway_api_and_istio_refusals() {
    let dir = TempDir::new("auth-server-refusals-gw");
    let file = dir.write("users.htpasswd", htpasswd_text().as_bytes());
    let file = file.to_str().unwrap();
    let input = dir.write("in.yaml", nginx_setup().as_bytes());
    let input = input.to_str().unwrap();
    let base = [
        "generate",
        "--name",
        "basic-auth",
        "-n",
        "web",
        "--htpasswd",
        file,
    ];
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            [
                &base[..],
                &["--controller", "gateway-api", "--gateway", "gw"],
            ]
            .concat(),
            "--controller gateway-api: the Gateway API has no basic auth of its own (its \
             HTTPRoute ExternalAuth filter asks an external authorization server); give \
             --auth-server IMAGE",
        ),
        (
            [&base[..], &["--controller", "istio", "--gateway", "gw"]].concat(),
            "--controller istio: istio has no basic auth of its own (an AuthorizationPolicy with \
             action CUSTOM asks an external authorization server); give --auth-server IMAGE",
        ),
        (
            vec![
                "ingress",
                "--controller",
                "istio",
                "--name",
                "a",
                "--auth-secret",
                "s",
            ],
            "--controller istio: istio has no basic auth of its own",
        ),
        (
            vec!["migrate", "--to", "gateway-api", "-f", input],
            "--to gateway-api: the Gateway API has no basic auth of its own",
        ),
        (
            vec![
                "migrate",
                "--to",
                "istio",
                "-f",
                input,
                "--auth-server",
                IMAGE,
            ],
            "--to: istio needs --gateway NAME",
        ),
        (
            vec![
                "migrate",
                "--to",
                "envoy-gateway",
                "-f",
                input,
                "--gateway",
                "gw",
            ],
            "--gateway: only with --to gateway-api or istio",
        ),
        (
            [
                &base[..],
                &["--controller", "istio", "--auth-server", IMAGE],
            ]
            .concat(),
            "--auth-server: istio needs --gateway NAME (or NAMESPACE/NAME): the HTTPRoute is \
             attached to it and the AuthorizationPolicy targets it",
        ),
        (
            [
                &base[..],
                &["--controller", "gateway-api", "--auth-server", IMAGE],
                &["--gateway", "gw"],
            ]
            .concat(),
            "--auth-server: each Gateway API implementation runs its proxies its own way; give \
             --controller-namespace and --controller-selector",
        ),
        (
            [
                &base[..],
                &["--controller", "istio", "--auth-server", IMAGE],
                &["--gateway", "gw", "--auth-protocol", "tcp"],
            ]
            .concat(),
            "--auth-protocol",
        ),
        (
            [
                &base[..],
                &["--controller", "istio", "--auth-server", IMAGE],
                &["--gateway", "gw"],
                &["--rule", "a.example.com/api/public/admin*=web:80"],
                &["--no-auth-path", "/api/public*"],
            ]
            .concat(),
            "--no-auth-path: istio's AuthorizationPolicy skips exempt paths by notPaths, and \
             \"/api/public\" would also skip protected path \"/api/public/admin\"",
        ),
        (
            [
                &base[..],
                &["--controller", "istio", "--auth-server", IMAGE],
                &["--gateway", "Bad_Gateway"],
            ]
            .concat(),
            "--gateway \"Bad_Gateway\": must be a Gateway name",
        ),
    ];
    for (mut args, want) in cases {
        if args[0] == "generate" {
            args.extend(INGRESS);
        }
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(stderr(&out).contains(want), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn refusals_name_the_flag() {
    let dir = TempDir::new("auth-server-refusals");
    let file = dir.write("users.htpasswd", htpasswd_text().as_bytes());
    let file = file.to_str().unwrap();
    let base = ["generate", "--name", "basic-auth", "--htpasswd", file];
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "-n",
                "web",
                "--controller",
                "haproxy",
                "--auth-server",
                IMAGE,
            ],
            "--auth-server: not wired for haproxy yet",
        ),
        (
            &["--auth-server", IMAGE],
            "--auth-server: needs --namespace",
        ),
        (
            &[
                "-n",
                "web",
                "--auth-server",
                IMAGE,
                "--auth-protocol",
                "grpc",
            ],
            "--auth-protocol grpc: ingress-nginx asks a forward-auth server over HTTP only",
        ),
        (
            &["-n", "web", "--auth-server", "bad image"],
            "--auth-server \"bad image\": must be a container image reference",
        ),
        (
            &[
                "-n",
                "web",
                "--auth-server",
                IMAGE,
                "--trusted-proxy",
                "10.0.0.0/40",
            ],
            "--trusted-proxy \"10.0.0.0/40\": must be an IPv4 or IPv6 address",
        ),
        (
            &["-n", "web", "--trusted-proxy", "10.0.0.0/8"],
            "--auth-server",
        ),
        (
            &[
                "-n",
                "web",
                "--auth-server",
                IMAGE,
                "--secret-type",
                "auth-map",
            ],
            "--secret-type auth-map: the auth server reads an auth-file Secret",
        ),
        (
            &["-n", "web", "--controller-namespace", "x"],
            "need --network-policy or --auth-server",
        ),
        (
            &[
                "-n",
                "web",
                "--controller",
                "kgateway",
                "--auth-server",
                IMAGE,
            ],
            "--auth-server: kgateway runs its proxies in each Gateway's namespace",
        ),
    ];
    for (extra, want) in cases {
        let mut args = base.to_vec();
        args.extend(*extra);
        args.extend(INGRESS);
        let out = run(&args);
        assert!(!out.status.success(), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(stderr(&out).contains(want), "{args:?}: {}", stderr(&out));
    }
}

/// The Secret's `auth` key as the kubelet lays out a Secret volume: `..<timestamp>/auth`,
/// `..data -> ..<timestamp>`, `auth -> ..data/auth`; a later version swaps `..data`.
fn kubelet_mount(dir: &Path, version: &str, secret: &Value) {
    let data = base64_decode(secret["data"]["auth"].as_str().unwrap());
    let versioned = dir.join(version);
    std::fs::create_dir_all(&versioned).unwrap();
    std::fs::write(versioned.join("auth"), data).unwrap();
    let tmp = dir.join("..data_tmp");
    let _ = std::fs::remove_file(&tmp);
    std::os::unix::fs::symlink(version, &tmp).unwrap();
    std::fs::rename(&tmp, dir.join("..data")).unwrap();
    if std::fs::symlink_metadata(dir.join("auth")).is_err() {
        std::os::unix::fs::symlink("..data/auth", dir.join("auth")).unwrap();
    }
}

/// The Deployment's `serve` arguments, with the mount path moved to `mount` and the listener
/// to a free local port: what the pod would run, here.
fn deployment_args(docs: &[Value], mount: &Path) -> Vec<String> {
    let d = find(docs, "Deployment");
    let pod = &d["spec"]["template"]["spec"];
    let c = &pod["containers"][0];
    let mount_path = c["volumeMounts"][0]["mountPath"].as_str().unwrap();
    assert_eq!(
        pod["volumes"][0]["secret"]["secretName"],
        find(docs, "Secret")["metadata"]["name"]
    );
    let mut args: Vec<String> = c["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(args.remove(0), "serve");
    let i = args.iter().position(|a| a == "--listen").unwrap();
    args.drain(i..i + 2);
    // gRPC too on a free local port (tests run side by side).
    if let Some(i) = args.iter().position(|a| a == "--grpc-listen") {
        args[i + 1] = "127.0.0.1:0".to_owned();
    }
    for a in &mut args {
        if let Some(rest) = a.strip_prefix(mount_path) {
            *a = format!("{}{rest}", mount.display());
        }
    }
    args
}

#[test]
fn printed_secret_mounted_as_the_kubelet_does_is_served() {
    let dir = TempDir::new("auth-server-e2e");
    let docs = generate(&dir, "ingress-nginx", &INGRESS);
    let mount = dir.path().join("mount");
    std::fs::create_dir_all(&mount).unwrap();
    kubelet_mount(
        &mount,
        "..2026_11_30_05_00_00.000000001",
        find(&docs, "Secret"),
    );
    let args = deployment_args(&docs, &mount);
    assert!(
        args.contains(&format!("{}/auth", mount.display())),
        "{args:?}"
    );
    // The path the Ingress's auth-url asks for.
    let url =
        find(&docs, "Ingress")["metadata"]["annotations"]["nginx.ingress.kubernetes.io/auth-url"]
            .as_str()
            .unwrap()
            .to_owned();
    let path = &url[url["http://".len()..].find('/').unwrap() + "http://".len()..];
    assert_eq!(path, "/auth");
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let serve = Serve::start(&refs);
    serve.wait_for("ready", |s| s.get("/readyz", &[]).status == 200);
    for (user, password, _) in users() {
        let ok = serve.get(path, &[("Authorization", &basic(user, password))]);
        assert_eq!(ok.status, 200, "{user}");
        assert_eq!(ok.header("x-auth-user"), Some(user));
        let wrong = serve.get(path, &[("Authorization", &basic(user, "wrong"))]);
        assert_eq!(wrong.status, 401, "{user}");
    }
    // An updated Secret (a new user) reaches the running server by the `..data` swap alone.
    let out = run(&[
        "secret",
        "--name",
        "basic-auth",
        "-n",
        "web",
        "--user",
        "carol:pw-carol",
        "--scheme",
        "bcrypt",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let new = parse_docs(&stdout(&out));
    kubelet_mount(&mount, "..2026_11_30_06_00_00.000000002", &new[0]);
    // Waiting by the reload counter: polling with checks would count failures and throttle.
    serve.wait_for("the swapped Secret", |s| {
        s.metric("ingress_auth_reloads_total") >= 2.0
    });
    let carol = serve.get(path, &[("Authorization", &basic("carol", "pw-carol"))]);
    assert_eq!(carol.status, 200);
    let old = serve.get(path, &[("Authorization", &basic("apr1", "pw-apr1"))]);
    assert_eq!(old.status, 401);

    // The same server behind a real nginx `auth_request`, as ingress-nginx's auth-url does.
    let test = "printed_secret_mounted_as_the_kubelet_does_is_served (nginx part)";
    let (Some(nginx), Some(curl_path)) =
        (reference_tool("nginx", test), reference_tool("curl", test))
    else {
        return;
    };
    let (_nginx, port) = start_nginx(&nginx, &[serve.port()]);
    let (status, text) = curl(&curl_path, port, &["-u", "carol:pw-carol"]);
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("backend user=carol"), "{text}");
    let (status, text) = curl(&curl_path, port, &["-u", "carol:nope"]);
    assert_eq!(status, 401, "{text}");
}

/// A controller whose own basic auth cannot check the users' schemes points to
/// `--auth-server`, where it is wired and the server takes them; elsewhere it does not.
#[test]
fn refusals_suggest_auth_server() {
    let dir = TempDir::new("auth-server-hint");
    let file = dir.write("users.htpasswd", htpasswd_text().as_bytes());
    let hint = "or give --auth-server IMAGE (and --namespace)";
    for (args, suggests) in [
        (
            vec![
                "--controller",
                "envoy-gateway",
                "--user",
                "a:b",
                "--scheme",
                "bcrypt",
            ],
            true,
        ),
        (
            vec![
                "--controller",
                "envoy-gateway",
                "--htpasswd",
                file.to_str().unwrap(),
            ],
            true,
        ),
        (
            vec![
                "--controller",
                "traefik",
                "--user",
                "a:b",
                "--scheme",
                "sha512",
            ],
            true,
        ),
        // Not wired for haproxy: no suggestion.
        (
            vec![
                "--controller",
                "haproxy",
                "--user",
                "a:b",
                "--scheme",
                "apr1",
            ],
            false,
        ),
    ] {
        let mut all = vec!["generate", "--name", "basic-auth", "-n", "web"];
        all.extend(&args);
        if args[1] != "envoy-gateway" {
            all.extend(INGRESS);
        }
        let out = run(&all);
        assert_eq!(out.status.code(), Some(2), "{all:?}");
        assert_eq!(
            stderr(&out).contains(hint),
            suggests,
            "{all:?}: {}",
            stderr(&out)
        );
    }
}

/// An ingress-nginx setup (annotated Ingress + auth Secret) whose users are `users()`.
fn nginx_setup() -> String {
    let auth: String = htpasswd_text()
        .lines()
        .map(|l| format!("    {l}\n"))
        .collect();
    let tail = r#"---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: app
  namespace: web
  annotations:
    nginx.ingress.kubernetes.io/auth-type: basic
    nginx.ingress.kubernetes.io/auth-secret: basic-auth
spec:
  rules:
  - host: a.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              number: 80
"#;
    format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: basic-auth\n  namespace: web\n\
         type: Opaque\nstringData:\n  auth: |\n{auth}{tail}"
    )
}

/// `migrate --to T --auth-server IMAGE` keeps every user and hash (apr1, MD5-crypt, bcrypt,
/// SHA-256/512-crypt, `{SHA}`: Envoy Gateway itself checks only `{SHA}`), and a real `serve`
/// run with the migrated Deployment's arguments on the migrated Secret (kubelet layout) lets
/// each user in with their password and nobody with a wrong one. The migrated resources pass
/// `kubernetes-validate` and the CRD excerpts where the tools are installed.
#[test]
fn migrate_with_auth_server_keeps_every_user_checked_by_serve() {
    let dir = TempDir::new("auth-server-migrate");
    let input = dir.write("in.yaml", nginx_setup().as_bytes());
    let mut all = Vec::new();
    for to in [
        "ingress-nginx",
        "traefik",
        "envoy-gateway",
        "kgateway",
        "gateway-api",
        "istio",
    ] {
        let mut args = vec![
            "migrate",
            "--to",
            to,
            "-f",
            input.to_str().unwrap(),
            "--auth-server",
            IMAGE,
        ];
        if to == "kgateway" || to == "gateway-api" {
            args.extend(KGATEWAY_PODS);
        }
        if to == "gateway-api" || to == "istio" {
            args.extend(["--gateway", "infra/gw"]);
        }
        let out = run(&args);
        assert!(out.status.success(), "{to}: {}", stderr(&out));
        let docs = parse_docs(&stdout(&out));
        let secret = find(&docs, "Secret");
        let text =
            String::from_utf8(base64_decode(secret["data"]["auth"].as_str().unwrap())).unwrap();
        assert_eq!(text, htpasswd_text(), "{to}: a user or hash changed");
        match to {
            "ingress-nginx" => {
                let ann = &find(&docs, "Ingress")["metadata"]["annotations"];
                assert!(
                    ann.get("nginx.ingress.kubernetes.io/auth-url").is_some(),
                    "{ann}"
                );
                assert!(
                    ann.get("nginx.ingress.kubernetes.io/auth-type").is_none(),
                    "{ann}"
                );
            }
            "traefik" => assert!(find(&docs, "Middleware")["spec"]["forwardAuth"].is_object()),
            "envoy-gateway" => {
                assert!(find(&docs, "SecurityPolicy")["spec"]["extAuth"]["grpc"].is_object());
            }
            "gateway-api" => {
                let route = find(&docs, "HTTPRoute");
                assert_eq!(route["spec"]["parentRefs"][0]["name"], "gw");
                assert_eq!(
                    route["spec"]["rules"][0]["filters"][0]["externalAuth"]["backendRef"]["name"],
                    "basic-auth-auth-server"
                );
                assert!(docs.iter().all(|d| d["kind"] != "Ingress"));
            }
            "istio" => {
                assert_eq!(
                    find(&docs, "AuthorizationPolicy")["spec"]["rules"][0]["to"][0]["operation"]["hosts"]
                        [0],
                    "a.example.com"
                );
                assert!(find(&docs, "HTTPRoute")["spec"]["rules"][0]["backendRefs"].is_array());
                assert!(
                    stdout(&out).contains("# meshConfig:"),
                    "the mesh configuration comment"
                );
            }
            _ => {
                assert!(find(&docs, "TrafficPolicy")["spec"]["extAuth"]["extensionRef"].is_object())
            }
        }
        let mount = dir.path().join(format!("mount-{to}"));
        std::fs::create_dir_all(&mount).unwrap();
        kubelet_mount(&mount, "..2026_11_30_05_00_00.000000001", secret);
        let args = deployment_args(&docs, &mount);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let serve = Serve::start(&refs);
        serve.wait_for("ready", |s| s.get("/readyz", &[]).status == 200);
        for (user, password, _) in users() {
            let ok = serve.get("/auth", &[("Authorization", &basic(user, password))]);
            assert_eq!(ok.status, 200, "{to} {user}");
            let wrong = serve.get("/auth", &[("Authorization", &basic(user, "wrong"))]);
            assert_eq!(wrong.status, 401, "{to} {user}");
        }
        all.extend(docs);
    }
    let test = "migrate_with_auth_server_keeps_every_user_checked_by_serve (validation part)";
    if let Some(tool) = reference_tool("kubernetes-validate", test) {
        let files: Vec<PathBuf> = all
            .iter()
            .filter(|d| is_builtin(d))
            .enumerate()
            .map(|(i, d)| dir.write(&format!("m{i}.yaml"), d.to_string().as_bytes()))
            .collect();
        let out = Command::new(tool)
            .args(["--strict", "--quiet"])
            .args(&files)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    if let Some(python) = python_jsonschema(test) {
        let files: Vec<PathBuf> = all
            .iter()
            .filter(|d| !is_builtin(d))
            .enumerate()
            .map(|(i, d)| dir.write(&format!("c{i}.json"), d.to_string().as_bytes()))
            .collect();
        // Middleware, SecurityPolicy, GatewayExtension + TrafficPolicy, HTTPRoute (gateway-api),
        // HTTPRoute + AuthorizationPolicy (istio).
        assert_eq!(files.len(), 7);
        let (ok, text) = check_crds(&python, &files);
        assert!(ok, "{text}");
    }
}

fn containerfile() -> String {
    std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("Containerfile"))
        .unwrap()
}

/// The Containerfile and the Deployment agree: the entry point is the binary (the Deployment
/// gives only `args`, starting with `serve`), the user is the Deployment's non-root
/// `runAsUser`, the image is `FROM scratch` (no shell to exec into) and copies one binary.
#[test]
fn containerfile_matches_the_deployment() {
    let text = containerfile();
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let instr = |name: &str| -> Vec<&str> {
        lines
            .iter()
            .filter_map(|l| l.strip_prefix(name).map(str::trim))
            .collect()
    };
    assert_eq!(instr("FROM "), ["scratch"]);
    assert_eq!(instr("COPY "), ["${BINARY} /ingress-auth"]);
    assert_eq!(instr("ENTRYPOINT "), [r#"["/ingress-auth"]"#]);
    let dir = TempDir::new("auth-server-containerfile");
    let docs = generate(&dir, "ingress-nginx", &INGRESS);
    let pod = &find(&docs, "Deployment")["spec"]["template"]["spec"];
    let c = &pod["containers"][0];
    assert!(c.get("command").is_none(), "the image's entry point runs");
    assert_eq!(c["args"][0], "serve");
    let uid = c["securityContext"]["runAsUser"].as_i64().unwrap();
    assert_eq!(instr("USER "), [format!("{uid}:{uid}").as_str()]);
    assert_ne!(uid, 0);
}

/// The static release binary of the Containerfile's step 1, when built.
fn static_binary(root: &Path) -> Option<String> {
    // `target/TRIPLE/release/ingress-auth`: musl first, then glibc linked with crt-static.
    let mut candidates: Vec<String> = std::fs::read_dir(root.join("target"))
        .ok()?
        .filter_map(|e| {
            let triple = e.ok()?.file_name().into_string().ok()?;
            triple
                .contains("-linux-")
                .then(|| format!("target/{triple}/release/ingress-auth"))
        })
        .collect();
    candidates.sort_by_key(|c| !c.contains("musl"));
    candidates.into_iter().find(|b| {
        root.join(b).is_file()
            && Command::new("file")
                .arg(root.join(b))
                .output()
                .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("static"))
    })
}

/// What a `FROM scratch` image gives the binary, without an image tool: an empty root holding
/// only `/ingress-auth`, the mounted Secret and the device nodes every OCI runtime creates
/// (`/dev/null`, `/dev/urandom`, `/dev/random`), run as user 65532 by `chroot`. Needs root (for
/// `chroot` and `mknod`), `file`, and the static binary built beforehand; says so when missing.
#[test]
fn scratch_root_runs_the_static_binary() {
    let test = "scratch_root_runs_the_static_binary";
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let Some(binary) = static_binary(&root) else {
        htpasswd_test_support::skip_or_fail(
            test,
            "a static release binary of ingress-auth (crates/ingress-auth/Containerfile, \
             step 1; scripts/test builds it)",
        );
        return;
    };
    let dir = TempDir::new("scratch-root");
    let jail = dir.path().join("root");
    std::fs::create_dir_all(&jail).unwrap();
    std::fs::copy(root.join(&binary), jail.join("ingress-auth")).unwrap();
    if !furnish_jail(&jail) {
        eprintln!("\n!!! SKIPPED {test}: cannot mknod (not root?). !!!\n");
        return;
    }
    Command::new("chmod")
        .arg("755")
        .arg(dir.path())
        .status()
        .unwrap();
    let Ok(out) = Command::new("chroot")
        .arg("--userspec=65532:65532")
        .arg(&jail)
        .args(["/ingress-auth", "--version"])
        .output()
    else {
        eprintln!("\n!!! SKIPPED {test}: chroot is not available. !!!\n");
        return;
    };
    if !out.status.success()
        && String::from_utf8_lossy(&out.stderr).contains("Operation not permitted")
    {
        eprintln!("\n!!! SKIPPED {test}: chroot needs root. !!!\n");
        return;
    }
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("ingress-auth "));
    assert_eq!(serve_in_chroot(&jail), (200, 401));
}

/// Builds the image with podman (or buildah) and runs it as the Deployment does: user 65532,
/// read-only root, the Secret mounted read-only at /etc/ingress-auth in kubelet's `..data`
/// symlink layout; `serve` answers a right and a wrong password over HTTP. Needs root, podman
/// and the static binary (the Containerfile's step 1); `scripts/test` installs podman and runc
/// and builds the binary, so in CI this always runs. Where the container runtime itself is
/// refused (a nested container without the privileges to make namespaces or set rlimits), the
/// built image's file system is exported and its entry point run in a chroot instead, and the
/// test says so.
#[test]
fn image_builds_and_runs_where_the_machine_can() {
    let test = "image_builds_and_runs_where_the_machine_can";
    let Some(tool) = ["podman", "buildah"].into_iter().find(|t| {
        Command::new(t)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    }) else {
        htpasswd_test_support::skip_or_fail(test, "podman (or buildah)");
        return;
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let Some(binary) = static_binary(&root) else {
        htpasswd_test_support::skip_or_fail(
            test,
            "a static release binary of ingress-auth (crates/ingress-auth/Containerfile, \
             step 1; scripts/test builds it)",
        );
        return;
    };
    let tag = format!("localhost/ingress-auth-test:{}", std::process::id());
    let build = if tool == "buildah" { "bud" } else { "build" };
    let out = Command::new(tool)
        .current_dir(&root)
        .args([
            build,
            "--layers=false",
            "-f",
            "crates/ingress-auth/Containerfile",
        ])
        .args(["--build-arg", &format!("BINARY={binary}"), "-t", &tag, "."])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{tool} {build}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let image = Image { tool, tag };
    if tool == "buildah" {
        eprintln!(
            "\n!!! {test}: the image was built with buildah; running it needs podman, which is \
             not installed. !!!\n"
        );
        return;
    }
    // The Secret as kubelet mounts it: the file behind `..data`, a symlink to a timestamped dir.
    let dir = TempDir::new("image-secret");
    let secret = dir.path().join("secret");
    std::fs::create_dir_all(secret.join("..2026_11_30_07_00_00.1")).unwrap();
    std::fs::write(secret.join("..2026_11_30_07_00_00.1/auth"), htpasswd_text()).unwrap();
    std::os::unix::fs::symlink("..2026_11_30_07_00_00.1", secret.join("..data")).unwrap();
    std::os::unix::fs::symlink("..data/auth", secret.join("auth")).unwrap();
    Command::new("chmod")
        .args(["-R", "a+rX"])
        .arg(dir.path())
        .status()
        .unwrap();
    // Podman's default rlimits (nofile, nproc) may exceed what a nested machine allows: ask for
    // ordinary ones. crun refuses hybrid cgroups where runc copes: try the default runtime first.
    let limits = [
        "--ulimit",
        "nofile=1024:1024",
        "--ulimit",
        "nproc=4096:4096",
    ];
    let mut refused = Vec::new();
    for runtime in [&[][..], &["--runtime", "runc"][..]] {
        let out = Command::new("podman")
            .args(runtime)
            .args(["run", "--rm", "--network=none", "--read-only"])
            .args(limits)
            .args([&image.tag, "--version"])
            .output()
            .unwrap();
        if !out.status.success() {
            refused.push(String::from_utf8_lossy(&out.stderr).trim().to_owned());
            continue;
        }
        assert!(String::from_utf8_lossy(&out.stdout).starts_with("ingress-auth "));
        // serve as the Deployment runs it, on the host's loopback (--network=host).
        let name = format!("ingress-auth-test-{}", std::process::id());
        let child = Command::new("podman")
            .args(runtime)
            .args([
                "run",
                "--rm",
                "--name",
                &name,
                "--network=host",
                "--read-only",
            ])
            .args(["--user", "65532:65532"])
            .args(limits)
            .arg("--volume")
            .arg(format!("{}:/etc/ingress-auth:ro", secret.display()))
            .args([&image.tag, "serve", "--htpasswd", "/etc/ingress-auth/auth"])
            .args(["--listen", "127.0.0.1:0"])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut running = Running {
            child,
            container: Some(name),
        };
        let (ok, wrong) = check_serve(&mut running.child);
        assert_eq!((ok, wrong), (200, 401));
        return;
    }
    // The runtime is refused: run the image's own file system (exported) in a chroot, as root.
    eprintln!(
        "\n!!! {test}: this machine's container runtime refused to run the image ({}); running \
         the built image's exported file system in a chroot instead. !!!\n",
        refused.join(" / ")
    );
    let created = Command::new("podman")
        .args(["create", &image.tag])
        .output()
        .unwrap();
    assert!(created.status.success(), "{}", stderr(&created));
    let id = String::from_utf8_lossy(&created.stdout).trim().to_owned();
    let jail = dir.path().join("root");
    std::fs::create_dir_all(&jail).unwrap();
    let export = Command::new("sh")
        .arg("-c")
        .arg("podman export \"$1\" | tar -x -C \"$2\"")
        .args(["sh", &id])
        .arg(&jail)
        .status()
        .unwrap();
    let _ = Command::new("podman").args(["rm", "-f", &id]).output();
    assert!(export.success());
    let listing: Vec<_> = std::fs::read_dir(&jail)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(listing.contains(&"ingress-auth".to_owned()), "{listing:?}");
    assert!(
        furnish_jail(&jail),
        "mknod (the test runs as root where podman builds)"
    );
    assert_eq!(serve_in_chroot(&jail), (200, 401));
}

/// Gives `jail` what an OCI runtime gives a `FROM scratch` image (`/dev/null`, `/dev/random`,
/// `/dev/urandom`) and the Secret at the Deployment's mount path, readable by user 65532 (as
/// `fsGroup` makes it in a pod). `false` when the device nodes cannot be made (not root).
fn furnish_jail(jail: &Path) -> bool {
    std::fs::create_dir_all(jail.join("dev")).unwrap();
    std::fs::create_dir_all(jail.join("etc/ingress-auth")).unwrap();
    let nodes_ok = [("null", "3"), ("random", "8"), ("urandom", "9")]
        .iter()
        .all(|(name, minor)| {
            let _ = std::fs::remove_file(jail.join("dev").join(name));
            Command::new("mknod")
                .args(["-m", "666"])
                .arg(jail.join("dev").join(name))
                .args(["c", "1", minor])
                .status()
                .is_ok_and(|s| s.success())
        });
    std::fs::write(jail.join("etc/ingress-auth/auth"), htpasswd_text()).unwrap();
    Command::new("chmod")
        .args(["-R", "a+rX"])
        .arg(jail)
        .status()
        .unwrap();
    nodes_ok
}

/// `serve` as the Deployment runs it (the file at the mount path), chrooted into `jail` as user
/// 65532 and stopped by its pid: the statuses of a right and a wrong password.
fn serve_in_chroot(jail: &Path) -> (u16, u16) {
    let child = Command::new("chroot")
        .arg("--userspec=65532:65532")
        .arg(jail)
        .args([
            "/ingress-auth",
            "serve",
            "--htpasswd",
            "/etc/ingress-auth/auth",
        ])
        .args(["--listen", "127.0.0.1:0"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut running = Running {
        child,
        container: None,
    };
    check_serve(&mut running.child)
}

/// The image a test built, removed when the test ends.
struct Image {
    tool: &'static str,
    tag: String,
}

impl Drop for Image {
    fn drop(&mut self) {
        let _ = Command::new(self.tool)
            .args(["rmi", "-f", &self.tag])
            .output();
    }
}

/// A server a test started (a `podman run` in the foreground, or a chrooted `serve`): stopped by
/// its pid, and its container removed by name, when the test ends, whatever happened.
struct Running {
    child: std::process::Child,
    container: Option<String>,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(name) = &self.container {
            let _ = Command::new("podman")
                .args(["rm", "-f", "--time", "0", name])
                .output();
        }
    }
}

/// Reads the address a starting `serve` prints first on stderr, then asks it for the first
/// user with the right and a wrong password: the two statuses.
fn check_serve(child: &mut std::process::Child) -> (u16, u16) {
    let mut first = String::new();
    let mut reader = std::io::BufReader::new(child.stderr.take().unwrap());
    std::io::BufRead::read_line(&mut reader, &mut first).unwrap();
    let addr: std::net::SocketAddr = first
        .split("http://")
        .nth(1)
        .unwrap_or_else(|| panic!("no address: {first}"))
        .trim()
        .parse()
        .unwrap();
    let (user, password, _) = users()[0];
    let ok = crate::serve::request(
        addr,
        "GET",
        "/auth",
        &[("Authorization", &basic(user, password))],
    );
    let wrong = crate::serve::request(
        addr,
        "GET",
        "/auth",
        &[("Authorization", &basic(user, "no"))],
    );
    // Keep reading stderr so that the server never blocks on a full pipe.
    std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
    (ok.status, wrong.status)
}
