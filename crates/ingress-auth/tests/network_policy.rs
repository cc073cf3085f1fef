//! `generate --network-policy`: the NetworkPolicy that admits the backend's pods only from the
//! controller's pods, so that basic auth at the ingress cannot be walked around in-cluster.

use serde_json::{Value, json};

use crate::support::{parse_docs, run, stderr, stdout};

fn policy(args: &[&str]) -> Value {
    let mut all = vec![
        "generate",
        "--name",
        "app",
        "-n",
        "web",
        "--user",
        "alice:pw",
        "--network-policy",
        "--pod-selector",
        "app.kubernetes.io/name=web",
    ];
    if !args.contains(&"--target-port") {
        all.extend(["--target-port", "8080"]);
    }
    all.extend_from_slice(args);
    let out = run(&all);
    assert!(out.status.success(), "{all:?}: {}", stderr(&out));
    let docs = parse_docs(&stdout(&out));
    let last = docs.last().unwrap().clone();
    assert_eq!(last["kind"], "NetworkPolicy");
    last
}

const ROUTE: [&str; 6] = [
    "--host",
    "a.example.com",
    "--service",
    "web",
    "--port",
    "80",
];

#[test]
fn both_selectors_in_one_from_item_on_the_target_port() {
    let mut args = ROUTE.to_vec();
    args.extend(["--pod-selector", "tier=backend"]);
    let p = policy(&args);
    assert_eq!(p["apiVersion"], "networking.k8s.io/v1");
    assert_eq!(
        p["metadata"],
        json!({"name": "app-ingress-only", "namespace": "web"})
    );
    assert_eq!(
        p["spec"]["podSelector"],
        json!({"matchLabels": {"app.kubernetes.io/name": "web", "tier": "backend"}})
    );
    assert_eq!(p["spec"]["policyTypes"], json!(["Ingress"]));
    let ingress = p["spec"]["ingress"].as_array().unwrap();
    assert_eq!(ingress.len(), 1);
    let from = ingress[0]["from"].as_array().unwrap();
    // ONE peer holding both selectors: two peers would admit either (any pod of the
    // controller's namespace, or controller-labelled pods of any namespace... of this one).
    assert_eq!(from.len(), 1);
    assert_eq!(
        from[0],
        json!({
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}},
            "podSelector": {"matchLabels": {"app.kubernetes.io/name": "ingress-nginx"}},
        })
    );
    assert_eq!(
        ingress[0]["ports"],
        json!([{"port": 8080, "protocol": "TCP"}])
    );
}

#[test]
fn per_controller_defaults_and_overrides() {
    for (controller, ns, label, extra) in [
        ("ingress-nginx", "ingress-nginx", "ingress-nginx", &[][..]),
        ("traefik", "traefik", "traefik", &[][..]),
        (
            "envoy-gateway",
            "envoy-gateway-system",
            "envoy",
            &["--httproute", "r"][..],
        ),
        ("nginx-inc", "nginx-ingress", "nginx-ingress", &[][..]),
        (
            "haproxy",
            "haproxy-controller",
            "kubernetes-ingress",
            &[][..],
        ),
    ] {
        let mut args = vec!["--controller", controller];
        if controller != "envoy-gateway" {
            args.extend(ROUTE);
        }
        args.extend_from_slice(extra);
        let p = policy(&args);
        let peer = &p["spec"]["ingress"][0]["from"][0];
        assert_eq!(
            peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"], ns,
            "{controller}"
        );
        assert_eq!(
            peer["podSelector"]["matchLabels"],
            json!({"app.kubernetes.io/name": label}),
            "{controller}"
        );
    }
    let mut args = ROUTE.to_vec();
    args.extend([
        "--controller-namespace",
        "edge",
        "--controller-selector",
        "app=lb",
        "--controller-selector",
        "component=controller",
        "--target-port",
        "http",
    ]);
    let p = policy(&args);
    let peer = &p["spec"]["ingress"][0]["from"][0];
    assert_eq!(
        peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"],
        "edge"
    );
    assert_eq!(
        peer["podSelector"]["matchLabels"],
        json!({"app": "lb", "component": "controller"})
    );
    assert_eq!(p["spec"]["ingress"][0]["ports"][0]["port"], "http");
}

#[test]
fn bad_network_policy_flags_are_refused_before_any_output() {
    let base = [
        "generate",
        "--name",
        "app",
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
            &["--network-policy", "--pod-selector", "app=web"],
            "--network-policy: needs --target-port",
        ),
        (
            &["--network-policy", "--target-port", "8080"],
            "--network-policy: needs --pod-selector",
        ),
        (
            &[
                "--network-policy",
                "--pod-selector",
                "app",
                "--target-port",
                "80",
            ],
            "--pod-selector: invalid pod selector \"app\": must be KEY=VALUE",
        ),
        (
            &[
                "--network-policy",
                "--pod-selector",
                "a=b",
                "--target-port",
                "0",
            ],
            "--target-port \"0\": must be a port number",
        ),
        (
            &[
                "--network-policy",
                "--pod-selector",
                "a=b",
                "--target-port",
                "80",
                "--controller-namespace",
                "Edge",
            ],
            "--controller-namespace: invalid controller namespace \"Edge\"",
        ),
        (
            &[
                "--network-policy",
                "--pod-selector",
                "a=b",
                "--target-port",
                "80",
                "--controller-selector",
                "x=y z",
            ],
            "--controller-selector: invalid controller selector",
        ),
        (&["--pod-selector", "a=b"], "--network-policy"),
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
