//! Snapshots of the issue-17 outputs (`tests/snapshots/`, `UPDATE_SNAPSHOTS=1` rewrites them):
//! the kgateway and agentgateway resources, and `--no-auth-path`'s second Ingress and route.
//! Only outputs without a generated password or salt (`ingress`, `generate --htpasswd`).

use std::path::PathBuf;

use crate::support::{TempDir, ours, stderr};

fn check(name: &str, args: &[&str]) {
    let out = ours().args(args).output().unwrap();
    assert!(out.status.success(), "{name}: {}", stderr(&out));
    let got = String::from_utf8(out.stdout).unwrap();
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &got).unwrap();
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_SNAPSHOTS=1 writes it)", path.display()));
    assert_eq!(got, want, "{name} changed (UPDATE_SNAPSHOTS=1 rewrites it)");
}

const ROUTE: [&str; 12] = [
    "--name",
    "app",
    "-n",
    "web",
    "--auth-secret",
    "basic-auth",
    "--host",
    "a.example.com",
    "--service",
    "web",
    "--port",
    "80",
];

#[test]
fn gateway_targets_with_exempt_paths() {
    for c in ["kgateway", "agentgateway"] {
        let mut args = vec!["ingress", "--controller", c, "--gateway", "infra/gw"];
        args.extend(ROUTE);
        args.extend(["--no-auth-path", "/healthz"]);
        check(&format!("ingress-{c}-no-auth.yaml"), &args);
    }
}

#[test]
fn ingress_nginx_with_exempt_paths() {
    let mut args = vec!["ingress", "--tls-secret", "a-tls", "--cluster-issuer", "le"];
    args.extend(ROUTE);
    args.extend([
        "--no-auth-path",
        "/healthz",
        "--no-auth-path",
        "/.well-known/acme-challenge/*",
    ]);
    check("ingress-nginx-no-auth.yaml", &args);
}

/// Issue 16: `--controller gateway-api` and `istio` with `--auth-server` (users from a file:
/// no generated password), the whole output, Istio's mesh configuration comment included.
#[test]
fn gateway_api_and_istio_with_auth_server() {
    let dir = TempDir::new("snap-gw-auth-server");
    let file = dir.write(
        "users",
        b"alice:$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/\nbob:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n",
    );
    let base = [
        "generate",
        "--name",
        "app",
        "-n",
        "web",
        "--htpasswd",
        file.to_str().unwrap(),
        "--auth-server",
        "registry.example/ingress-auth:0.1.0",
        "--gateway",
        "infra/gw",
        "--host",
        "a.example.com",
        "--service",
        "web",
        "--port",
        "80",
        "--no-auth-path",
        "/healthz",
    ];
    let mut args = base.to_vec();
    args.extend([
        "--controller",
        "gateway-api",
        "--controller-namespace",
        "infra",
        "--controller-selector",
        "gateway.networking.k8s.io/gateway-name=gw",
    ]);
    check("generate-gateway-api-auth-server.yaml", &args);
    let mut args = base.to_vec();
    args.extend(["--controller", "istio"]);
    check("generate-istio-auth-server.yaml", &args);
}
