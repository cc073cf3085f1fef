//! `migrate --to`: an ingress-nginx Ingress + auth Secret become the target's resources; users
//! whose hashes the target cannot check are named, and stop the command unless
//! `--allow-missing-users`.

use htpasswd_core::crypt::verify;

use crate::controllers::{CONTROLLERS, secret_users};
use crate::support::{TempDir, ours, parse_docs, stderr, stdout};

/// alice apr1 (secret4), bob {SHA} (secret5), carol $1$ (secret1), dave $6$ (secret3), as an
/// auth-file Secret with stringData, and an Ingress with other annotations too.
pub const INPUT: &str = "\
apiVersion: v1
kind: Secret
metadata:
  name: basic-auth
  namespace: web
type: Opaque
stringData:
  auth: |
    alice:$apr1$abcdefgh$ciJHPcCQrYc8PNlfymJ66.
    bob:{SHA}CBdexjHDZ4kfVcYV+41xChABNis=
    carol:$1$abcdefgh$ywpTNDTYPzAT3Ohgseebp/
    dave:$6$abcdefgh$86JQsu66XRhBIE.0uFgbn45x0HK7Qvobn1BS1SjvDeQ9EqnAKIqORDUVL9wwCUyhQjkf/CRrOYN1Pct/aiwqI1
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: app
  namespace: web
  resourceVersion: \"42\"
  uid: 0b6c3c5e-0000-0000-0000-000000000000
  annotations:
    nginx.ingress.kubernetes.io/auth-type: basic
    nginx.ingress.kubernetes.io/auth-secret: basic-auth
    nginx.ingress.kubernetes.io/auth-realm: Team
    nginx.ingress.kubernetes.io/proxy-body-size: 8m
    cert-manager.io/cluster-issuer: le
spec:
  ingressClassName: nginx
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
";

pub const PASSWORDS: [(&str, &str); 4] = [
    ("alice", "secret4"),
    ("bob", "secret5"),
    ("carol", "secret1"),
    ("dave", "secret3"),
];

#[test]
fn every_target_keeps_exactly_the_users_it_can_check() {
    let dir = TempDir::new("migrate");
    let input = dir.write("in.yaml", INPUT.as_bytes());
    for (controller, target, type_, key) in CONTROLLERS {
        let strict = ours()
            .args(["migrate", "--to", controller, "-f"])
            .arg(&input)
            .output()
            .unwrap();
        let out = ours()
            .args(["migrate", "--to", controller, "--allow-missing-users", "-f"])
            .arg(&input)
            .output()
            .unwrap();
        assert!(out.status.success(), "{controller}: {}", stderr(&out));
        let docs = parse_docs(&stdout(&out));
        assert_eq!(docs[0]["kind"], "Secret");
        assert_eq!(docs[0]["type"], type_, "{controller}");
        assert_eq!(docs[0]["metadata"]["namespace"], "web");
        let users = secret_users(&docs[0], key);
        let mut kept = Vec::new();
        let mut missing = Vec::new();
        for (user, pw) in PASSWORDS {
            let scheme = htpasswd_core::crypt::Scheme::classify(
                INPUT
                    .lines()
                    .find_map(|l| l.trim().strip_prefix(&format!("{user}:")))
                    .unwrap()
                    .as_bytes(),
            );
            match users.iter().find(|(u, _)| u == user) {
                Some((_, hash)) => {
                    assert!(target.supports(scheme), "{controller}: {user} kept");
                    assert!(
                        verify(pw.as_bytes(), hash.as_bytes()).unwrap(),
                        "{controller}"
                    );
                    kept.push(user);
                }
                None => {
                    assert!(!target.supports(scheme), "{controller}: {user} dropped");
                    missing.push(user);
                }
            }
        }
        let err = stderr(&strict);
        if missing.is_empty() {
            assert!(strict.status.success(), "{controller}: {err}");
        } else {
            assert_eq!(strict.status.code(), Some(2), "{controller}: {err}");
            assert!(strict.stdout.is_empty(), "{controller}: partial output");
            assert!(
                err.contains(&format!(
                    "{controller} cannot check the hashes of users {}",
                    missing.join(", ")
                )),
                "{err}"
            );
            assert!(err.contains("--allow-missing-users"), "{err}");
            assert!(
                !err.contains("$apr1$") && !err.contains("{SHA}"),
                "hash leaked: {err}"
            );
            assert!(
                stderr(&out).contains(&format!(
                    "left out (their hashes cannot be checked by {controller}): {}",
                    missing.join(", ")
                )),
                "{}",
                stderr(&out)
            );
        }
        assert!(!kept.is_empty());
    }
}

#[test]
fn migrated_ingress_carries_the_target_annotations_only() {
    let dir = TempDir::new("migrate-ann");
    let input = dir.write("in.yaml", INPUT.as_bytes());
    let out = ours()
        .args([
            "migrate",
            "--to",
            "traefik",
            "--class",
            "traefik",
            "--allow-missing-users",
            "-f",
        ])
        .arg(&input)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let docs = parse_docs(&stdout(&out));
    let kinds: Vec<&str> = docs.iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["Secret", "Middleware", "Ingress"]);
    assert_eq!(docs[1]["spec"]["basicAuth"]["realm"], "Team");
    let ing = &docs[2];
    assert_eq!(
        ing["metadata"]["annotations"],
        serde_json::json!({
            "nginx.ingress.kubernetes.io/proxy-body-size": "8m",
            "cert-manager.io/cluster-issuer": "le",
            "traefik.ingress.kubernetes.io/router.middlewares": "web-basic-auth@kubernetescrd",
        })
    );
    assert!(ing["metadata"].get("uid").is_none());
    assert!(ing["metadata"].get("resourceVersion").is_none());
    assert_eq!(ing["spec"]["ingressClassName"], "traefik");
    assert!(stderr(&out).contains("nginx.ingress.kubernetes.io/proxy-body-size"));

    let out = ours()
        .args([
            "migrate",
            "--to",
            "envoy-gateway",
            "--allow-missing-users",
            "--httproute",
            "app-route",
            "-f",
        ])
        .arg(&input)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let docs = parse_docs(&stdout(&out));
    assert_eq!(docs[1]["kind"], "SecurityPolicy");
    assert_eq!(docs[1]["spec"]["targetRefs"][0]["name"], "app-route");
    assert_eq!(docs[1]["spec"]["basicAuth"]["users"]["name"], "basic-auth");
}

#[test]
fn migrate_refuses_bad_input() {
    let dir = TempDir::new("migrate-bad");
    let no_secret = dir.write("a.yaml", INPUT.split("---\n").nth(1).unwrap().as_bytes());
    let no_auth = dir.write(
        "b.yaml",
        INPUT
            .replace("auth-type: basic", "auth-type: digest")
            .as_bytes(),
    );
    let input = dir.write("c.yaml", INPUT.as_bytes());
    let no_ns = dir.write("d.yaml", INPUT.replace("  namespace: web\n", "").as_bytes());
    let cases: Vec<(Vec<std::ffi::OsString>, &str)> = vec![
        (
            vec![
                "--to".into(),
                "haproxy".into(),
                "-f".into(),
                no_secret.into(),
            ],
            "no Secret named \"basic-auth\"",
        ),
        (
            vec!["--to".into(), "haproxy".into(), "-f".into(), no_auth.into()],
            "cannot migrate: no Ingress has nginx.ingress.kubernetes.io/auth-type: basic",
        ),
        (
            vec![
                "--to".into(),
                "traefik".into(),
                "--httproute".into(),
                "r".into(),
                "-f".into(),
                input.clone().into(),
            ],
            "--httproute: only with a Gateway API --to",
        ),
        (
            vec![
                "--to".into(),
                "traefik".into(),
                "--ingress".into(),
                "other".into(),
                "-f".into(),
                input.into(),
            ],
            "no Ingress named \"other\"",
        ),
        (
            vec![
                "--to".into(),
                "traefik".into(),
                "-f".into(),
                no_ns.clone().into(),
            ],
            "cannot migrate: Ingress \"app\": no namespace, and traefik's router.middlewares",
        ),
        (
            vec![
                "--to".into(),
                "traefik".into(),
                "-n".into(),
                "Web".into(),
                "-f".into(),
                no_ns.into(),
            ],
            "--namespace \"Web\": must be a DNS-1123 label",
        ),
    ];
    for (args, want) in cases {
        let out = ours().arg("migrate").args(&args).output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(out.stdout.is_empty());
        assert!(err.contains(want), "want {want:?} in {err}");
    }
}
