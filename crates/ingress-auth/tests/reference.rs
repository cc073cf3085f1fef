//! Proof against the reference tools: `kubectl create ... --dry-run=client -o yaml` gives the
//! same objects, `kubernetes-validate` accepts every manifest we emit, Apache `htpasswd -vb`
//! verifies the generated Secret's users, and a real nginx serves 200/401 with it.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{TempDir, base64_decode, ours, parse_docs, reference_tool, run, stderr};

/// Drops what kubectl writes and we do not (server-side or defaulted fields): `creationTimestamp:
/// null`, an empty `status`, and the Secret `type` the API server defaults to `Opaque`.
fn normalise(mut v: Value) -> Value {
    if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("creationTimestamp");
    }
    if let Some(obj) = v.as_object_mut() {
        if obj.get("status") == Some(&serde_json::json!({"loadBalancer": {}})) {
            obj.remove("status");
        }
        if obj.get("kind") == Some(&Value::from("Secret")) && !obj.contains_key("type") {
            obj.insert("type".into(), Value::from("Opaque"));
        }
    }
    v
}

fn kubectl(args: &[&str]) -> Value {
    let kubectl = reference_tool("kubectl", "kubectl").unwrap();
    let out = Command::new(kubectl)
        .args(args)
        .args(["--dry-run=client", "-o", "yaml"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "kubectl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut docs = parse_docs(&String::from_utf8(out.stdout).unwrap());
    normalise(docs.remove(0))
}

fn ours_one(args: &[&str]) -> Value {
    let out = run(args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    let mut docs = parse_docs(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(docs.len(), 1);
    docs.remove(0)
}

#[test]
fn secret_matches_kubectl_create_secret_generic() {
    if reference_tool("kubectl", "secret_matches_kubectl_create_secret_generic").is_none() {
        return;
    }
    let dir = TempDir::new("kubectl-secret");
    let auth = dir.write(
        "auth",
        b"# team\nalice:$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/\nbob:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n",
    );
    let auth_arg = auth.to_str().unwrap();
    for ns in [None, Some("web")] {
        let mut k: Vec<&str> = vec!["create", "secret", "generic", "basic-auth"];
        let mut o: Vec<&str> = vec!["secret", "--name", "basic-auth", "--htpasswd", auth_arg];
        let from_file = format!("--from-file={auth_arg}");
        k.push(&from_file);
        if let Some(ns) = ns {
            k.extend(["-n", ns]);
            o.extend(["-n", ns]);
        }
        assert_eq!(ours_one(&o), kubectl(&k), "namespace {ns:?}");
    }
}

#[test]
fn ingress_matches_kubectl_create_ingress() {
    if reference_tool("kubectl", "ingress_matches_kubectl_create_ingress").is_none() {
        return;
    }
    let annotations = [
        "nginx.ingress.kubernetes.io/auth-realm=Authentication Required",
        "nginx.ingress.kubernetes.io/auth-secret=basic-auth",
        "nginx.ingress.kubernetes.io/auth-secret-type=auth-file",
        "nginx.ingress.kubernetes.io/auth-type=basic",
    ];
    let rule_sets: &[&[&str]] = &[
        &["app.example.com/=web:80"],
        &["app.example.com/*=web:80,tls=app-tls"],
        &[
            "a.example.com/=svc:80,tls=c1",
            "b.example.com/api*=api:http,tls=c1",
            "c.example.com/=svc:8080,tls",
        ],
        &[
            "a.example.com/x=svc:80",
            "a.example.com/y*=svc2:81,tls",
            "/z=svc3:82",
            "*.example.com/=w:443,tls=wild",
        ],
        &["/=web:80,tls=t"],
    ];
    for rules in rule_sets {
        let mut k: Vec<String> = ["create", "ingress", "app", "-n", "web", "--class", "nginx"]
            .map(String::from)
            .to_vec();
        let mut o: Vec<String> = [
            "ingress",
            "--name",
            "app",
            "-n",
            "web",
            "--class",
            "nginx",
            "--auth-secret",
            "basic-auth",
        ]
        .map(String::from)
        .to_vec();
        for r in *rules {
            k.push(format!("--rule={r}"));
            o.push(format!("--rule={r}"));
        }
        for a in annotations {
            k.push(format!("--annotation={a}"));
        }
        let k: Vec<&str> = k.iter().map(String::as_str).collect();
        let o: Vec<&str> = o.iter().map(String::as_str).collect();
        assert_eq!(ours_one(&o), kubectl(&k), "rules {rules:?}");
    }
}

/// Writes each command's output to a file and runs `kubernetes-validate --strict` over them.
#[test]
fn every_manifest_passes_kubernetes_validate() {
    let Some(tool) = reference_tool(
        "kubernetes-validate",
        "every_manifest_passes_kubernetes_validate",
    ) else {
        return;
    };
    let dir = TempDir::new("validate");
    let input = dir.write(
        "in.yaml",
        b"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: app\n  namespace: web\nspec:\n  rules:\n  - host: a.example.com\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: web\n            port:\n              number: 80\n",
    );
    let input = input.to_str().unwrap();
    let commands: &[&[&str]] = &[
        &[
            "secret",
            "--name",
            "basic-auth",
            "-n",
            "web",
            "--user",
            "alice:pw",
        ],
        &[
            "secret",
            "--name",
            "basic-auth",
            "--secret-type",
            "auth-map",
            "--user",
            "alice:pw",
            "-o",
            "json",
        ],
        &[
            "ingress",
            "--name",
            "app",
            "-n",
            "web",
            "--host",
            "a.example.com",
            "--service",
            "web",
            "--port",
            "80",
            "--auth-secret",
            "basic-auth",
            "--tls-secret",
            "a-tls",
            "--cluster-issuer",
            "le",
            "--no-ssl-redirect",
            "--class",
            "nginx",
        ],
        &[
            "ingress",
            "--name",
            "app",
            "--auth-secret",
            "ns/basic-auth",
            "--rule",
            "a.example.com/api*=api:http,tls",
            "--rule",
            "/x=svc:8080",
            "-o",
            "json",
        ],
        &[
            "generate",
            "--name",
            "app",
            "-n",
            "web",
            "--user",
            "alice",
            "--show-passwords",
            "--host",
            "a.example.com",
            "--service",
            "web",
            "--port",
            "80",
        ],
        &[
            "generate",
            "--name",
            "app",
            "--user",
            "alice",
            "--show-passwords",
            "--host",
            "a.example.com",
            "--service",
            "web",
            "--port",
            "80",
            "-o",
            "json",
        ],
        &["annotate", "--auth-secret", "basic-auth", "-f", input],
    ];
    let mut files: Vec<PathBuf> = Vec::new();
    for (i, args) in commands.iter().enumerate() {
        let out = run(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        files.push(dir.write(&format!("m{i}.yaml"), &out.stdout));
    }
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

/// The generated passwords, read back from a credentials file.
fn generated(dir: &TempDir, args: &[&str]) -> (Vec<(String, String)>, String) {
    let creds = dir.path().join("creds");
    let out = ours()
        .args(args)
        .arg("--credentials-file")
        .arg(&creds)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let pairs = std::fs::read_to_string(&creds)
        .unwrap()
        .lines()
        .map(|l| {
            let (u, p) = l.split_once(':').unwrap();
            (u.to_owned(), p.to_owned())
        })
        .collect();
    std::fs::remove_file(&creds).unwrap();
    let docs = parse_docs(&String::from_utf8(out.stdout).unwrap());
    let secret = docs.iter().find(|d| d["kind"] == "Secret").unwrap();
    let auth = String::from_utf8(base64_decode(secret["data"]["auth"].as_str().unwrap())).unwrap();
    (pairs, auth)
}

#[test]
fn generated_secret_verifies_with_apache_htpasswd() {
    let Some(htpasswd) =
        reference_tool("htpasswd", "generated_secret_verifies_with_apache_htpasswd")
    else {
        return;
    };
    let dir = TempDir::new("htpasswd-vb");
    for scheme in ["apr1", "bcrypt", "sha256", "sha512", "sha1"] {
        let (pairs, auth) = generated(
            &dir,
            &[
                "secret", "--name", "s", "--scheme", scheme, "--user", "alice", "--user", "bob",
            ],
        );
        let file = dir.write("auth", auth.as_bytes());
        for (user, pw) in &pairs {
            let ok = Command::new(&htpasswd)
                .arg("-vb")
                .arg(&file)
                .args([user, pw])
                .output()
                .unwrap();
            assert!(
                ok.status.success(),
                "{scheme} {user}: {}",
                String::from_utf8_lossy(&ok.stderr)
            );
            let bad = Command::new(&htpasswd)
                .arg("-vb")
                .arg(&file)
                .args([user.as_str(), "wrong-password"])
                .output()
                .unwrap();
            assert_eq!(bad.status.code(), Some(3), "{scheme} {user}");
        }
    }
}

/// An nginx on 127.0.0.1, stopped on drop.
struct Nginx {
    child: Child,
    _dir: TempDir,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_nginx(nginx: &Path, auth: &str) -> (Nginx, u16) {
    let dir = TempDir::new("nginx");
    let auth_file = dir.write("auth", auth.as_bytes());
    let port = free_port();
    let root = dir.path();
    let conf = format!(
        "daemon off;\nmaster_process off;\nworker_processes 1;\npid {root}/nginx.pid;\nerror_log {root}/error.log;\nevents {{ worker_connections 64; }}\nhttp {{\n  access_log off;\n  client_body_temp_path {root}/tmp;\n  proxy_temp_path {root}/tmp;\n  fastcgi_temp_path {root}/tmp;\n  uwsgi_temp_path {root}/tmp;\n  scgi_temp_path {root}/tmp;\n  server {{\n    listen 127.0.0.1:{port};\n    location / {{\n      auth_basic \"Authentication Required\";\n      auth_basic_user_file {auth};\n      root {root}/www;\n    }}\n  }}\n}}\n",
        root = root.display(),
        auth = auth_file.display(),
    );
    let conf_path = dir.write("nginx.conf", conf.as_bytes());
    std::fs::create_dir_all(root.join("www")).unwrap();
    std::fs::create_dir_all(root.join("tmp")).unwrap();
    // `return` would answer before the access phase: serve a file so auth_basic runs.
    dir.write("www/index.html", b"ok\n");
    let child = Command::new(nginx)
        .arg("-p")
        .arg(root)
        .arg("-c")
        .arg(&conf_path)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let guard = Nginx { child, _dir: dir };
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "nginx did not start on port {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    (guard, port)
}

fn http_status(curl: &Path, port: u16, user: &str, pw: &str) -> String {
    let out = Command::new(curl)
        .args([
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "--max-time",
            "10",
            "-u",
        ])
        .arg(format!("{user}:{pw}"))
        .arg(format!("http://127.0.0.1:{port}/"))
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn generated_secret_serves_200_and_401_from_real_nginx() {
    let test = "generated_secret_serves_200_and_401_from_real_nginx";
    let (Some(nginx), Some(curl)) = (reference_tool("nginx", test), reference_tool("curl", test))
    else {
        return;
    };
    let dir = TempDir::new("nginx-secret");
    // Debian's nginx checks bcrypt through libxcrypt; all five schemes log in.
    for scheme in ["apr1", "bcrypt", "sha256", "sha512", "sha1"] {
        let (pairs, auth) = generated(
            &dir,
            &[
                "generate",
                "--name",
                "app",
                "--scheme",
                scheme,
                "--user",
                "alice",
                "--user",
                "bob",
                "--host",
                "a.example.com",
                "--service",
                "web",
                "--port",
                "80",
            ],
        );
        let (_nginx, port) = start_nginx(&nginx, &auth);
        for (user, pw) in &pairs {
            assert_eq!(http_status(&curl, port, user, pw), "200", "{scheme} {user}");
            assert_eq!(
                http_status(&curl, port, user, "wrong-password"),
                "401",
                "{scheme} {user}"
            );
        }
        assert_eq!(
            http_status(&curl, port, "mallory", &pairs[0].1),
            "401",
            "{scheme}"
        );
    }
}

/// The main-rule flags (`--host --service --port --tls-secret --cluster-issuer
/// --no-ssl-redirect`) give what kubectl gives for the equivalent `--rule` and annotations.
#[test]
fn main_rule_flags_match_kubectl() {
    if reference_tool("kubectl", "main_rule_flags_match_kubectl").is_none() {
        return;
    }
    let ours = ours_one(&[
        "ingress",
        "--name",
        "app",
        "-n",
        "web",
        "--host",
        "app.example.com",
        "--service",
        "web",
        "--port",
        "80",
        "--tls-secret",
        "app-tls",
        "--cluster-issuer",
        "letsencrypt",
        "--no-ssl-redirect",
        "--auth-secret",
        "basic-auth",
        "--realm",
        "Staff only",
    ]);
    let theirs = kubectl(&[
        "create",
        "ingress",
        "app",
        "-n",
        "web",
        "--rule=app.example.com/*=web:80,tls=app-tls",
        "--annotation=cert-manager.io/cluster-issuer=letsencrypt",
        "--annotation=nginx.ingress.kubernetes.io/ssl-redirect=false",
        "--annotation=nginx.ingress.kubernetes.io/auth-type=basic",
        "--annotation=nginx.ingress.kubernetes.io/auth-secret=basic-auth",
        "--annotation=nginx.ingress.kubernetes.io/auth-secret-type=auth-file",
        "--annotation=nginx.ingress.kubernetes.io/auth-realm=Staff only",
    ]);
    assert_eq!(ours, theirs);
}

/// The seed document's hand-written Ingress (placeholders filled in) is what `ingress-auth
/// ingress` prints for the same inputs, plus the explicit `auth-secret-type`.
#[test]
fn seed_document_ingress_is_reproduced() {
    let seed = r#"
kind: Ingress
apiVersion: networking.k8s.io/v1
metadata:
  name: your-ingress
  namespace: your-namespace
  annotations:
    cert-manager.io/cluster-issuer: "letsencrypt-staging"
    # type of authentication
    nginx.ingress.kubernetes.io/auth-type: basic
    # prevent the controller from redirecting (308) to HTTPS
    nginx.ingress.kubernetes.io/ssl-redirect: 'false'
    # name of the secret that contains the user/password definitions
    nginx.ingress.kubernetes.io/auth-secret: basic-auth
    # message to display with an appropriate context why the authentication is required
    nginx.ingress.kubernetes.io/auth-realm: 'Authentication Required '
spec:
  tls:
  - hosts:
    - your-domain.example.com
    secretName: your-secret
  rules:
  - host: your-domain.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: your-service
            port:
              number: 80
"#;
    let mut want = parse_docs(seed).remove(0);
    want["metadata"]["annotations"]["nginx.ingress.kubernetes.io/auth-secret-type"] =
        Value::from("auth-file");
    let got = ours_one(&[
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
    ]);
    assert_eq!(got, want);
}
