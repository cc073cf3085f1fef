//! Snapshot tests: the exact text of deterministic outputs, against files in
//! `tests/snapshots/`. Set `UPDATE_SNAPSHOTS=1` to rewrite them after a deliberate change
//! (and review the diff).

use std::path::PathBuf;

use crate::support::{TempDir, ours, stderr};

fn snapshot_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots")
}

fn check(name: &str, args: &[&str]) {
    let out = ours().args(args).output().unwrap();
    assert!(out.status.success(), "{name}: {}", stderr(&out));
    let got = String::from_utf8(out.stdout).unwrap();
    let path = snapshot_dir().join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &got).unwrap();
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_SNAPSHOTS=1 writes it)", path.display()));
    assert_eq!(got, want, "{name} changed (UPDATE_SNAPSHOTS=1 rewrites it)");
}

const HTPASSWD: &[u8] =
    b"# team\nalice:$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/\nbob:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n";

#[test]
fn secret_auth_file_yaml() {
    let dir = TempDir::new("snap-secret");
    let file = dir.write("auth", HTPASSWD);
    check(
        "secret-auth-file.yaml",
        &[
            "secret",
            "--name",
            "basic-auth",
            "-n",
            "web",
            "--htpasswd",
            file.to_str().unwrap(),
        ],
    );
}

#[test]
fn secret_auth_map_json() {
    let dir = TempDir::new("snap-map");
    let file = dir.write("auth", HTPASSWD);
    check(
        "secret-auth-map.json",
        &[
            "secret",
            "--name",
            "basic-auth",
            "--secret-type",
            "auth-map",
            "-o",
            "json",
            "--htpasswd",
            file.to_str().unwrap(),
        ],
    );
}

#[test]
fn ingress_like_the_seed_document() {
    // The seed's Ingress: cert-manager issuer, no SSL redirect, TLS, one Prefix path.
    check(
        "ingress-seed.yaml",
        &[
            "ingress",
            "--name",
            "your-ingress",
            "-n",
            "your-namespace",
            "--host",
            "your-domain.example.com",
            "--service",
            "your-service",
            "--port",
            "80",
            "--tls-secret",
            "your-secret",
            "--cluster-issuer",
            "letsencrypt-staging",
            "--no-ssl-redirect",
            "--auth-secret",
            "basic-auth",
            "--realm",
            "Authentication Required ",
        ],
    );
}

#[test]
fn ingress_many_rules_json() {
    check(
        "ingress-rules.json",
        &[
            "ingress",
            "--name",
            "app",
            "--class",
            "nginx",
            "--auth-secret",
            "ops/basic-auth",
            "--secret-type",
            "auth-map",
            "--rule",
            "a.example.com/=web:80,tls=a-tls",
            "--rule",
            "a.example.com/api*=api:http,tls=a-tls",
            "--rule",
            "*.example.com/=wild:443,tls",
            "--rule",
            "/metrics=metrics:9090",
            "-o",
            "json",
        ],
    );
}

#[test]
fn generate_secret_and_ingress_stream() {
    let dir = TempDir::new("snap-generate");
    let file = dir.write("auth", HTPASSWD);
    check(
        "generate.yaml",
        &[
            "generate",
            "--name",
            "app",
            "-n",
            "web",
            "--htpasswd",
            file.to_str().unwrap(),
            "--host",
            "app.example.com",
            "--service",
            "web",
            "--port",
            "80",
            "--path",
            "/admin",
            "--path-type",
            "Exact",
        ],
    );
}

#[test]
fn annotate_list_and_stream() {
    let input = snapshot_dir().join("list-input.yaml");
    check(
        "annotate-list.yaml",
        &[
            "annotate",
            "--auth-secret",
            "basic-auth",
            "--ingress",
            "app",
            "-f",
            input.to_str().unwrap(),
        ],
    );
}

/// Fixed hashes every controller but Envoy Gateway and HAProxy can check.
const HTPASSWD_APR1: &[u8] = b"alice:$apr1$abcdefgh$ciJHPcCQrYc8PNlfymJ66.\n";
const HTPASSWD_SHA1: &[u8] = b"bob:{SHA}CBdexjHDZ4kfVcYV+41xChABNis=\n";
const HTPASSWD_CRYPT: &[u8] = b"carol:$1$abcdefgh$ywpTNDTYPzAT3Ohgseebp/\ndave:$5$abcdefgh$wWSyPlKTzFUHfIwkmGM/hIlQGeKknJQ5dNUaz3L1J91\n";

fn generate_for(controller: &str, htpasswd: &[u8], extra: &[&str]) {
    let dir = TempDir::new(&format!("snap-{controller}"));
    let file = dir.write("auth", htpasswd);
    let mut args = vec![
        "generate",
        "--controller",
        controller,
        "--name",
        "app",
        "-n",
        "web",
        "--htpasswd",
        file.to_str().unwrap(),
        "--network-policy",
        "--pod-selector",
        "app.kubernetes.io/name=web",
        "--target-port",
        "8080",
    ];
    args.extend_from_slice(extra);
    check(&format!("generate-{controller}.yaml"), &args);
}

const ROUTE: [&str; 8] = [
    "--host",
    "app.example.com",
    "--service",
    "web",
    "--port",
    "80",
    "--realm",
    "Team",
];

#[test]
fn generate_traefik() {
    generate_for("traefik", HTPASSWD_APR1, &ROUTE);
}

#[test]
fn generate_envoy_gateway() {
    generate_for(
        "envoy-gateway",
        HTPASSWD_SHA1,
        &[
            "--gateway",
            "eg",
            "--host",
            "app.example.com",
            "--service",
            "web",
            "--port",
            "80",
        ],
    );
}

#[test]
fn generate_nginx_inc() {
    generate_for("nginx-inc", HTPASSWD_APR1, &ROUTE);
}

#[test]
fn generate_haproxy() {
    generate_for("haproxy", HTPASSWD_CRYPT, &ROUTE);
}

#[test]
fn migrate_to_haproxy() {
    let dir = TempDir::new("snap-migrate");
    let input = dir.write("in.yaml", crate::migrate::INPUT.as_bytes());
    check(
        "migrate-haproxy.yaml",
        &[
            "migrate",
            "--to",
            "haproxy",
            "--class",
            "haproxy",
            "--allow-missing-users",
            "-f",
            input.to_str().unwrap(),
        ],
    );
}
