//! `ingress-auth serve`: the real binary on loopback (started with `--listen 127.0.0.1:0`, its
//! bound address read from the first stderr line, stopped by pid in a Drop guard), raw HTTP
//! clients, and end to end behind a real nginx `auth_request` and Caddy `forward_auth`.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::{TempDir, reference_tool};

/// One user per scheme the authenticator verifies: (user, password, stored hash).
pub const USERS: &[(&str, &str, &str)] = &[
    ("apr1", "pw-apr1", "$apr1$abcdefgh$wT38ABp1Mi8RiNRvA83Bm."),
    ("md5", "pw-md5", "$1$saltsalt$AJwDIrlvWUF2iKSOOX4fZ0"),
    (
        "bcrypt",
        "pw-bcrypt",
        "$2y$05$1FQY1dvQr3Y6dpJfo6KIw.Q73B7rNqHnSGedqOfuqrknAgmj4LI3.",
    ),
    (
        "sha256",
        "pw-sha256",
        "$5$saltsalt$XI3fksjl7/nf8khkNt0i5D7QRbB/2AeQKdYnifdJSo2",
    ),
    (
        "sha512",
        "pw-sha512",
        "$6$saltsalt$CZPNVr4niieqYaHqrgdfrQ604H94bmAexPzzchp3jqxMjdifKaFca.IyeoTbVF0cxoy5RMnMCYslfoUCSvGW./",
    ),
    ("sha1", "pw-sha1", "{SHA}xijDgoRYDk0v1vFBsFGjJUAqaCA="),
    (
        "ssha",
        "pw-ssha",
        "{SSHA}vesigtmHZmixndPLDcZ05v5gPftzYWx0MTIzNA==",
    ),
    ("des", "pw-des", "abqJwOmWEctKU"),
    (
        "yescrypt",
        "Pw y grün",
        "$y$j75$Z3.gDU2.V4rsDrGVWHdnY.$mxqOSOkHk.toSN5tHM4YXResRBqun5MYhBP7FtOeug/",
    ),
];

/// bcrypt cost 13 (hundreds of milliseconds even optimised): a check still in flight when
/// SIGTERM arrives.
const SLOW: (&str, &str, &str) = (
    "slow",
    "pw-slow",
    "$2y$13$rrynpbwi8nME0wzKmmhoH.rH8QiR8w2XSGPDc1CKYT5TGgEa8bIlu",
);

fn users_file() -> String {
    USERS.iter().map(|(u, _, h)| format!("{u}:{h}\n")).collect()
}

/// Standard base64 (padded), for `Authorization: Basic`.
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(A[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

pub fn basic(user: &str, password: &str) -> String {
    format!("Basic {}", base64(format!("{user}:{password}").as_bytes()))
}

/// A running `ingress-auth serve`, killed (by pid) and reaped when dropped.
pub struct Serve {
    child: Child,
    pub addr: SocketAddr,
    log: Arc<Mutex<Vec<String>>>,
}

impl Serve {
    pub fn start(args: &[&str]) -> Self {
        Self::start_on("127.0.0.1:0", args)
    }

    /// Starts serve on `listen` (`127.0.0.1:0`: a free port).
    pub fn start_on(listen: &str, args: &[&str]) -> Self {
        let mut child = crate::support::ours()
            .arg("serve")
            .args(["--listen", listen])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let lines = Arc::clone(&log);
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(tx) = tx.take() {
                    let _ = tx.send(line.clone());
                }
                lines.lock().unwrap().push(line);
            }
        });
        let first = rx.recv_timeout(Duration::from_secs(15));
        let mut serve = Self {
            child,
            addr: "0.0.0.0:0".parse().unwrap(),
            log,
        };
        let first = first.unwrap_or_else(|_| {
            let status = serve.child.try_wait();
            panic!("serve printed nothing within 15 s ({status:?})")
        });
        // `address=http://ADDR` (text) or `"address":"http://ADDR"` (JSON).
        let addr: String = first
            .split("http://")
            .nth(1)
            .unwrap_or_else(|| panic!("first line names no address: {first}"))
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '"')
            .collect();
        serve.addr = addr.parse().unwrap();
        serve
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// SIGKILL, as the OOM killer or a node failure would, and reap.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// Sends SIGTERM and waits (at most 40 s) for the exit status.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(40);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "serve did not exit after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn get(&self, path: &str, headers: &[(&str, &str)]) -> Response {
        request(self.addr, "GET", path, headers)
    }

    /// A check with these credentials, counted under `client` (the server must trust
    /// 127.0.0.1 for that).
    pub fn check(&self, user: &str, password: &str, client: &str) -> Response {
        self.get(
            "/auth",
            &[
                ("Authorization", &basic(user, password)),
                ("X-Forwarded-For", client),
            ],
        )
    }

    pub fn metric(&self, name: &str) -> f64 {
        let body = self.get("/metrics", &[]).body;
        body.lines()
            .find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix(' ')))
            .unwrap_or_else(|| panic!("no {name} in\n{body}"))
            .trim()
            .parse()
            .unwrap()
    }

    /// Polls `f` for at most 10 s.
    pub fn wait_for(&self, what: &str, mut f: impl FnMut(&Self) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !f(self) {
            assert!(
                Instant::now() < deadline,
                "not within 10 s: {what}\nlog:\n{}",
                self.log().join("\n")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request on its own connection (`Connection: close`).
pub fn request(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)]) -> Response {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n");
    for (name, value) in headers {
        req.push_str(&format!("{name}: {value}\r\n"));
    }
    req.push_str("\r\n");
    stream.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> Response {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Response {
        status,
        headers,
        body: body.to_owned(),
    }
}

const CHALLENGE: &str = r#"Basic realm="Authentication Required", charset="UTF-8""#;

#[test]
fn every_scheme_right_wrong_missing_malformed() {
    let dir = TempDir::new("serve-schemes");
    let file = dir.write("htpasswd", users_file().as_bytes());
    let serve = Serve::start(&[
        "--htpasswd",
        file.to_str().unwrap(),
        "--trusted-proxy",
        "127.0.0.1/32",
    ]);
    for (i, (user, password, _)) in USERS.iter().enumerate() {
        // Each user's failures from its own address: the throttle never steps in here.
        let client = format!("198.51.100.{}", i + 1);
        let ok = serve.check(user, password, &client);
        assert_eq!(ok.status, 200, "{user}: {ok:?}");
        assert_eq!(ok.header("X-Auth-User"), Some(*user), "{user}");
        assert_eq!(ok.header("WWW-Authenticate"), None);
        for wrong in ["wrong", "", &password[1..], &format!("{password}x")] {
            let r = serve.check(user, wrong, &client);
            assert_eq!(r.status, 401, "{user} with a wrong password: {r:?}");
            assert_eq!(r.header("WWW-Authenticate"), Some(CHALLENGE));
            assert_eq!(r.header("X-Auth-User"), None);
        }
        // Any method, any path.
        let r = request(
            serve.addr,
            "POST",
            "/some/where?x=1",
            &[("Authorization", &basic(user, password))],
        );
        assert_eq!(r.status, 200, "{user} POST: {r:?}");
    }
    // Unknown user; a password-less line; missing and malformed headers.
    let r = serve.check("nobody", "pw-apr1", "203.0.113.1");
    assert_eq!(r.status, 401);
    for header in [
        None,
        Some("Bearer abc"),
        Some("Basic"),
        Some("Basic !!!!"),
        Some("Basic YWxpY2U="), // "alice", no colon
        Some("Digest username=\"apr1\""),
    ] {
        let headers: Vec<(&str, &str)> = header.map(|h| ("Authorization", h)).into_iter().collect();
        let r = serve.get("/", &headers);
        assert_eq!(r.status, 401, "{header:?}");
        assert_eq!(r.header("WWW-Authenticate"), Some(CHALLENGE), "{header:?}");
    }
    let allowed = serve.metric(r#"ingress_auth_checks_total{protocol="http",outcome="allowed"}"#);
    assert_eq!(allowed, (2 * USERS.len()) as f64);
    let denied = serve.metric(r#"ingress_auth_checks_total{protocol="http",outcome="denied"}"#);
    assert_eq!(denied, (4 * USERS.len() + 1) as f64);
    let malformed =
        serve.metric(r#"ingress_auth_checks_total{protocol="http",outcome="malformed"}"#);
    assert_eq!(malformed, 5.0);
    assert_eq!(
        serve.metric(r#"ingress_auth_checks_total{protocol="http",outcome="missing"}"#),
        1.0
    );
    assert!(serve.metric("ingress_auth_hashes_total") >= denied);
    // One log line per refused check, with user and client, never a password.
    serve.wait_for("the log lines", |s| {
        s.log().iter().filter(|l| l.contains("event=check")).count() >= 4 * USERS.len() + 7
    });
    let log = serve.log().join("\n");
    assert!(
        log.contains("outcome=denied user=sha512 client=198.51.100.5"),
        "{log}"
    );
    assert!(log.contains("outcome=malformed client=127.0.0.1"), "{log}");
    for (_, password, _) in USERS {
        assert!(!log.contains(password), "a password in the log:\n{log}");
    }
}

#[test]
fn realm_user_header_and_json_logs() {
    let dir = TempDir::new("serve-flags");
    let file = dir.write("htpasswd", users_file().as_bytes());
    let serve = Serve::start(&[
        "--htpasswd",
        file.to_str().unwrap(),
        "--realm",
        "Staff \"only\"",
        "--user-header",
        "X-Remote-User",
        "--log-format",
        "json",
    ]);
    let r = serve.get("/", &[("Authorization", &basic("apr1", "pw-apr1"))]);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("X-Remote-User"), Some("apr1"));
    // Quotes and a right-to-left override (control characters are malformed by RFC 7617).
    let evil = "eve\"}{\"forged\"=1,\u{202e}";
    let r = serve.get("/", &[("Authorization", &basic(evil, "x"))]);
    assert_eq!(r.status, 401);
    assert_eq!(
        r.header("WWW-Authenticate"),
        Some(r#"Basic realm="Staff \"only\"", charset="UTF-8""#)
    );
    serve.wait_for("the denied line", |s| {
        s.log().iter().any(|l| l.contains("\"denied\""))
    });
    for line in serve.log() {
        let v: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(v["ts"].is_string(), "{line}");
        if v["outcome"] == "denied" {
            assert_eq!(v["user"], "eve\"}{\"forged\"=1,\\u{202e}");
            assert_eq!(v["client"], "127.0.0.1");
            assert!(v.get("forged").is_none());
        }
    }
}

#[test]
fn missing_file_fails_closed_until_it_appears() {
    let dir = TempDir::new("serve-missing");
    let file = dir.path().join("htpasswd");
    let serve = Serve::start(&[
        "--htpasswd",
        file.to_str().unwrap(),
        "--reload-interval",
        "100ms",
    ]);
    assert_eq!(serve.get("/healthz", &[]).status, 200);
    assert_eq!(serve.get("/readyz", &[]).status, 503);
    assert_eq!(serve.metric("ingress_auth_ready"), 0.0);
    let r = serve.get("/", &[("Authorization", &basic("apr1", "pw-apr1"))]);
    assert_eq!(r.status, 401, "never 200 without a file: {r:?}");
    assert_eq!(r.header("WWW-Authenticate"), Some(CHALLENGE));
    // Written elsewhere and renamed in, as a deploy would.
    let tmp = dir.write("htpasswd.tmp", users_file().as_bytes());
    std::fs::rename(&tmp, &file).unwrap();
    serve.wait_for("ready", |s| s.get("/readyz", &[]).status == 200);
    let r = serve.get("/", &[("Authorization", &basic("apr1", "pw-apr1"))]);
    assert_eq!(r.status, 200);
    assert_eq!(serve.metric("ingress_auth_ready"), 1.0);
    serve.wait_for("the load in the log", |s| {
        s.log()
            .iter()
            .any(|l| l.contains("event=reload outcome=loaded users=9"))
    });
    let log = serve.log().join("\n");
    assert!(log.contains("event=reload outcome=failed"), "{log}");
}

/// A Kubernetes Secret volume: `htpasswd -> ..data/htpasswd`, `..data -> ..<timestamp>`, the
/// `..data` link replaced atomically at each update.
fn swap_data(dir: &Path, version: &str, content: &str) {
    let versioned = dir.join(version);
    std::fs::create_dir_all(&versioned).unwrap();
    std::fs::write(versioned.join("htpasswd"), content).unwrap();
    let tmp = dir.join("..data_tmp");
    let _ = std::fs::remove_file(&tmp);
    std::os::unix::fs::symlink(version, &tmp).unwrap();
    std::fs::rename(&tmp, dir.join("..data")).unwrap();
}

#[test]
fn hot_reload_data_swap_and_bad_file_keeps_the_last_good_one() {
    let dir = TempDir::new("serve-reload");
    swap_data(dir.path(), "..2026_01", "alice:{PLAIN}one\n");
    let file = dir.path().join("htpasswd");
    std::os::unix::fs::symlink("..data/htpasswd", &file).unwrap();
    let serve = Serve::start(&[
        "--htpasswd",
        file.to_str().unwrap(),
        "--reload-interval",
        "100ms",
        "--log-format",
        "text",
    ]);
    let status =
        |s: &Serve, user: &str, pw: &str| s.get("/", &[("Authorization", &basic(user, pw))]).status;
    // The first file loaded ({PLAIN} is checked as nginx does) or not: either way alice's
    // fate follows the file, never a stale one.
    let plain_ok = status(&serve, "alice", "one") == 200;
    swap_data(dir.path(), "..2026_02", &format!("bob:{}\n", USERS[0].2));
    serve.wait_for("bob after the ..data swap", |s| {
        status(s, "bob", "pw-apr1") == 200
    });
    assert_eq!(status(&serve, "alice", "one"), 401);
    assert_eq!(serve.metric("ingress_auth_reloads_total"), 2.0);
    assert_eq!(serve.metric("ingress_auth_users"), 1.0);
    // A bad new file: refused, bob still served, and it shows.
    swap_data(dir.path(), "..2026_03", "this is not an htpasswd file\n");
    serve.wait_for("the failed reload in /metrics", |s| {
        s.metric("ingress_auth_reload_failures_total") >= 1.0
    });
    assert_eq!(serve.metric("ingress_auth_reload_failing"), 1.0);
    assert_eq!(status(&serve, "bob", "pw-apr1"), 200);
    assert_eq!(serve.get("/readyz", &[]).status, 200);
    serve.wait_for("the failed reload in the log", |s| {
        s.log()
            .iter()
            .any(|l| l.contains("event=reload outcome=failed") && l.contains("line"))
    });
    // Fixed again.
    swap_data(dir.path(), "..2026_04", &format!("carol:{}\n", USERS[1].2));
    serve.wait_for("carol", |s| status(s, "carol", "pw-md5") == 200);
    assert_eq!(serve.metric("ingress_auth_reload_failing"), 0.0);
    assert_eq!(status(&serve, "bob", "pw-apr1"), 401);
    eprintln!("{{PLAIN}} accepted: {plain_ok}");
}

#[test]
fn client_address_and_throttle_behind_a_trusted_proxy() {
    let dir = TempDir::new("serve-proxy");
    let file = dir.write("htpasswd", users_file().as_bytes());
    // Not trusted: the forwarding headers are ignored, the peer is the client.
    let direct = Serve::start(&["--htpasswd", file.to_str().unwrap()]);
    let r = direct.check("md5", "bad", "203.0.113.7");
    assert_eq!(r.status, 401);
    direct.wait_for("the log line", |s| {
        s.log().iter().any(|l| l.contains("outcome=denied"))
    });
    assert!(
        direct
            .log()
            .iter()
            .any(|l| l.contains("user=md5 client=127.0.0.1")),
        "{:?}",
        direct.log()
    );
    drop(direct);

    let serve = Serve::start(&[
        "--htpasswd",
        file.to_str().unwrap(),
        "--trusted-proxy",
        "127.0.0.0/8",
        "--trusted-proxy",
        "10.0.0.0/8",
    ]);
    // Right-most entry outside the trusted ranges; then X-Real-IP when there is no XFF.
    let r = serve.check("md5", "bad", "203.0.113.9, 198.51.100.2, 10.1.2.3");
    assert_eq!(r.status, 401);
    let r = serve.get(
        "/",
        &[
            ("Authorization", &basic("md5", "bad")),
            ("X-Real-IP", "192.0.2.44"),
        ],
    );
    assert_eq!(r.status, 401);
    serve.wait_for("both log lines", |s| {
        let log = s.log().join("\n");
        log.contains("client=198.51.100.2") && log.contains("client=192.0.2.44")
    });
    // A guessing flood from one client address gets throttled (401 + Retry-After) ...
    let mut throttled = None;
    for i in 0..30 {
        let r = serve.check("sha1", &format!("guess{i}"), "203.0.113.66");
        assert_eq!(r.status, 401);
        if r.header("Retry-After").is_some() {
            throttled = Some(r);
            break;
        }
    }
    let throttled = throttled.expect("the flood was never throttled");
    assert_eq!(throttled.header("WWW-Authenticate"), Some(CHALLENGE));
    // ... even with the right password, while the same user from another address is served.
    assert_eq!(serve.check("sha1", "pw-sha1", "203.0.113.66").status, 401);
    assert_eq!(serve.check("sha1", "pw-sha1", "203.0.113.67").status, 200);
    assert!(serve.metric("ingress_auth_throttled_total") >= 2.0);
    assert!(
        serve.metric(r#"ingress_auth_checks_total{protocol="http",outcome="throttled"}"#) >= 2.0
    );
}

#[test]
fn endpoints_are_checks_when_forwarded_and_heads_are_bounded() {
    let dir = TempDir::new("serve-endpoints");
    let file = dir.write("htpasswd", users_file().as_bytes());
    let serve = Serve::start(&["--htpasswd", file.to_str().unwrap()]);
    assert_eq!(serve.get("/healthz", &[]).body, "ok\n");
    assert_eq!(serve.get("/readyz", &[]).status, 200);
    let metrics = serve.get("/metrics", &[]);
    assert_eq!(metrics.status, 200);
    assert!(metrics.body.ends_with("# EOF\n"), "{}", metrics.body);
    assert!(
        metrics
            .header("Content-Type")
            .is_some_and(|c| c.starts_with("application/openmetrics-text"))
    );
    // A proxy forwarding the original path /metrics: a check, not the endpoint.
    for h in ["X-Forwarded-For", "X-Original-URI", "X-Forwarded-Uri"] {
        let r = serve.get("/metrics", &[(h, "/metrics")]);
        assert_eq!(r.status, 401, "{h}");
        assert_eq!(r.header("WWW-Authenticate"), Some(CHALLENGE));
    }
    let r = serve.get("/healthz", &[("Authorization", &basic("apr1", "wrong"))]);
    assert_eq!(r.status, 401);
    // An oversized head is refused, not buffered.
    let big = "a".repeat(32 * 1024);
    let r = serve.get("/", &[("X-Big", &big)]);
    assert_eq!(r.status, 431, "{r:?}");
    // A connection that never sends its head is closed (after 10 s).
    let mut idle = TcpStream::connect(serve.addr).unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    idle.write_all(b"GET / HTTP/1.1\r\n").unwrap();
    let started = Instant::now();
    let mut buf = Vec::new();
    let _ = idle.read_to_end(&mut buf);
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(5) && waited < Duration::from_secs(19),
        "closed after {waited:?}"
    );
    // Still serving.
    assert_eq!(serve.get("/healthz", &[]).status, 200);
}

#[test]
fn sigterm_drains_checks_in_flight_and_exits_0() {
    let dir = TempDir::new("serve-term");
    let file = dir.write(
        "htpasswd",
        format!("{}:{}\n{}", SLOW.0, SLOW.2, users_file()).as_bytes(),
    );
    let mut serve = Serve::start(&["--htpasswd", file.to_str().unwrap()]);
    let addr = serve.addr;
    let (sent, wait_sent) = std::sync::mpsc::channel();
    let in_flight = std::thread::spawn(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        let req = format!(
            "GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\nAuthorization: {}\r\n\r\n",
            basic(SLOW.0, SLOW.1)
        );
        stream.write_all(req.as_bytes()).unwrap();
        sent.send(()).unwrap();
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw);
        (parse_response(&raw), Instant::now())
    });
    // Once the request is sent (and so accepted a moment later), stop the server under the hash.
    wait_sent.recv().unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let terminated = Instant::now();
    let status = serve.terminate();
    assert_eq!(status.code(), Some(0), "{:?}", serve.log());
    let (r, answered) = in_flight.join().unwrap();
    assert!(
        answered > terminated,
        "the check was answered before SIGTERM: nothing was drained"
    );
    assert_eq!(r.status, 200, "the check in flight was drained: {r:?}");
    assert_eq!(r.header("X-Auth-User"), Some("slow"));
    assert!(TcpStream::connect(addr).is_err(), "still accepting");
    let log = serve.log().join("\n");
    assert!(log.contains("event=stopped drained=true"), "{log}");
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_listening(port: u16, what: &str, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} exited with {status}");
        }
        assert!(Instant::now() < deadline, "{what} did not listen on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A proxy process killed (by pid) and reaped when dropped.
pub struct Proxy {
    child: Child,
    _dir: TempDir,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The nginx configuration the end-to-end test runs (and docs/COMPATIBILITY.md shows): the
/// protected location asks serve through `auth_request` and passes the user to the backend.
/// nginx copies the subrequest's `WWW-Authenticate` to a 401 by itself (an `add_header
/// WWW-Authenticate` would send it twice); `Retry-After` it does not copy, hence the
/// `auth_request_set` + `add_header ... always` pair.
pub fn nginx_conf(root: &Path, port: u16, backend: u16, serve: &[u16]) -> String {
    let root = root.display();
    let servers: String = serve
        .iter()
        .map(|p| format!("server 127.0.0.1:{p} max_fails=0; "))
        .collect();
    format!(
        r#"daemon off;
master_process off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {root}/tmp;
  proxy_temp_path {root}/tmp;
  fastcgi_temp_path {root}/tmp;
  uwsgi_temp_path {root}/tmp;
  scgi_temp_path {root}/tmp;
  upstream serve {{ {servers}}}
  server {{
    listen 127.0.0.1:{port};
    location = /_auth {{
      internal;
      proxy_pass http://serve/auth;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-URI $request_uri;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }}
    location / {{
      auth_request /_auth;
      auth_request_set $auth_user $upstream_http_x_auth_user;
      auth_request_set $auth_retry $upstream_http_retry_after;
      add_header Retry-After $auth_retry always;
      proxy_set_header X-Auth-User $auth_user;
      proxy_set_header Authorization "";
      proxy_pass http://127.0.0.1:{backend};
    }}
  }}
  server {{
    listen 127.0.0.1:{backend};
    location / {{
      return 200 "backend user=$http_x_auth_user authorization=[$http_authorization]\n";
    }}
  }}
}}
"#
    )
}

pub fn start_nginx(nginx: &Path, serve: &[u16]) -> (Proxy, u16) {
    let dir = TempDir::new("serve-nginx");
    let (port, backend) = (free_port(), free_port());
    std::fs::create_dir_all(dir.path().join("tmp")).unwrap();
    let conf = dir.write(
        "nginx.conf",
        nginx_conf(dir.path(), port, backend, serve).as_bytes(),
    );
    let child = Command::new(nginx)
        .arg("-p")
        .arg(dir.path())
        .arg("-c")
        .arg(&conf)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut proxy = Proxy { child, _dir: dir };
    wait_listening(port, "nginx", &mut proxy.child);
    wait_listening(backend, "nginx backend", &mut proxy.child);
    (proxy, port)
}

/// `curl -si` through a proxy: (status, headers and body as curl printed them).
pub fn curl(curl: &Path, port: u16, args: &[&str]) -> (u16, String) {
    let out = Command::new(curl)
        .args(["-si", "--max-time", "20"])
        .args(args)
        .arg(format!("http://127.0.0.1:{port}/app/page?q=1"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let status = text
        .lines()
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("curl printed no status: {text:?}"));
    (status, text)
}

/// Right, wrong, missing and malformed credentials for every scheme through a proxy on
/// `port`; each user's tries carry their own forwarded client address.
fn through_proxy(curl_path: &Path, port: u16, serve: &Serve, proxy: &str) {
    for (i, (user, password, _)) in USERS.iter().enumerate() {
        let xff = format!("X-Forwarded-For: 192.0.2.{}", i + 1);
        let (status, text) = curl(
            curl_path,
            port,
            &["-H", &xff, "-u", &format!("{user}:{password}")],
        );
        assert_eq!(status, 200, "{proxy} {user}: {text}");
        assert!(
            text.contains(&format!("backend user={user} authorization=[]")),
            "{proxy} {user}: {text}"
        );
        let (status, text) = curl(curl_path, port, &["-H", &xff, "-u", &format!("{user}:no")]);
        assert_eq!(status, 401, "{proxy} {user} wrong: {text}");
        let challenges: Vec<&str> = text
            .lines()
            .filter_map(|l| l.split_once(':'))
            .filter(|(n, _)| n.eq_ignore_ascii_case("www-authenticate"))
            .map(|(_, v)| v.trim())
            .collect();
        assert_eq!(
            challenges,
            [CHALLENGE],
            "{proxy} {user}: the challenge must reach the client, once: {text}"
        );
        assert!(!text.contains("backend user="), "{proxy}: {text}");
    }
    for args in [
        &[][..],
        &["-H", "Authorization: Basic !!!"][..],
        &["-H", "Authorization: Bearer token"][..],
    ] {
        let (status, text) = curl(curl_path, port, args);
        assert_eq!(status, 401, "{proxy} {args:?}: {text}");
        assert!(
            text.contains("Basic realm=\"Authentication Required\""),
            "{text}"
        );
    }
    // The forwarded address reached serve's log (X-Forwarded-For set by the proxy).
    serve.wait_for("the forwarded client in the log", |s| {
        s.log()
            .iter()
            .any(|l| l.contains("user=sha1 client=192.0.2.6"))
    });
}

#[test]
fn nginx_auth_request_end_to_end() {
    let test = "nginx_auth_request_end_to_end";
    let (Some(nginx), Some(curl_path)) =
        (reference_tool("nginx", test), reference_tool("curl", test))
    else {
        return;
    };
    let dir = TempDir::new("serve-e2e-nginx");
    let file = dir.write("htpasswd", users_file().as_bytes());
    let serve = Serve::start(&[
        "--htpasswd",
        file.to_str().unwrap(),
        "--trusted-proxy",
        "127.0.0.1/32",
    ]);
    let (_nginx, port) = start_nginx(&nginx, &[serve.port()]);
    through_proxy(&curl_path, port, &serve, "nginx");
    // A throttled client gets the 401 and Retry-After through nginx too.
    let mut retry = None;
    for i in 0..30 {
        let (status, text) = curl(
            &curl_path,
            port,
            &[
                "-H",
                "X-Forwarded-For: 192.0.2.200",
                "-u",
                &format!("md5:g{i}"),
            ],
        );
        assert_eq!(status, 401, "{text}");
        if text.to_ascii_lowercase().contains("retry-after:") {
            retry = Some(text);
            break;
        }
    }
    assert!(retry.is_some(), "no Retry-After through nginx");
}

fn caddy_conf(root: &Path, port: u16, serve: u16) -> String {
    let root = root.display();
    format!(
        r#"{{
  admin off
  auto_https off
  storage file_system {root}/data
}}
http://127.0.0.1:{port} {{
  forward_auth 127.0.0.1:{serve} {{
    uri /auth
    copy_headers X-Auth-User
    trusted_proxies 127.0.0.1/32
  }}
  request_header -Authorization
  respond "backend user={{http.request.header.X-Auth-User}} authorization=[{{http.request.header.Authorization}}]
" 200
}}
"#
    )
}

#[test]
fn caddy_forward_auth_end_to_end() {
    let test = "caddy_forward_auth_end_to_end";
    // scripts/test installs Debian's caddy (2.6, which has forward_auth).
    let Some(caddy) = reference_tool("caddy", test) else {
        return;
    };
    let Some(curl_path) = reference_tool("curl", test) else {
        return;
    };
    let file_dir = TempDir::new("serve-e2e-caddy");
    let file = file_dir.write("htpasswd", users_file().as_bytes());
    let serve = Serve::start(&[
        "--htpasswd",
        file.to_str().unwrap(),
        "--trusted-proxy",
        "127.0.0.1/32",
    ]);
    let dir = TempDir::new("serve-caddy");
    let port = free_port();
    let conf = dir.write(
        "Caddyfile",
        caddy_conf(dir.path(), port, serve.port()).as_bytes(),
    );
    let home: PathBuf = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let child = Command::new(&caddy)
        .args(["run", "--adapter", "caddyfile", "--config"])
        .arg(&conf)
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut proxy = Proxy { child, _dir: dir };
    wait_listening(port, "caddy", &mut proxy.child);
    through_proxy(&curl_path, port, &serve, "caddy");
}

mod grpc {
    use std::collections::HashMap;

    use envoy_types::pb::envoy::config::core::v3::{
        Address, HeaderMap, HeaderValue, SocketAddress, address, socket_address,
    };
    use envoy_types::pb::envoy::service::auth::v3::attribute_context::{
        HttpRequest, Peer, Request,
    };
    use envoy_types::pb::envoy::service::auth::v3::authorization_client::AuthorizationClient;
    use envoy_types::pb::envoy::service::auth::v3::check_response::HttpResponse;
    use envoy_types::pb::envoy::service::auth::v3::{
        AttributeContext, CheckRequest, CheckResponse,
    };

    use super::{CHALLENGE, Serve, USERS, basic, users_file};
    use crate::support::TempDir;

    /// A CheckRequest as Envoy sends it: the downstream source address and the request's
    /// headers (lower-cased map, or the raw header list with `encode_raw_headers`).
    fn check_request(source: &str, headers: &[(&str, &str)], raw: bool) -> CheckRequest {
        let mut http = HttpRequest {
            method: "GET".into(),
            path: "/app/page".into(),
            host: "example.test".into(),
            ..Default::default()
        };
        if raw {
            http.header_map = Some(HeaderMap {
                headers: headers
                    .iter()
                    .map(|(k, v)| HeaderValue {
                        key: (*k).into(),
                        raw_value: v.as_bytes().to_vec(),
                        ..Default::default()
                    })
                    .collect(),
            });
        } else {
            http.headers = headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<HashMap<_, _>>();
        }
        CheckRequest {
            attributes: Some(AttributeContext {
                source: Some(Peer {
                    address: Some(Address {
                        address: Some(address::Address::SocketAddress(SocketAddress {
                            address: source.into(),
                            port_specifier: Some(socket_address::PortSpecifier::PortValue(40_000)),
                            ..Default::default()
                        })),
                    }),
                    ..Default::default()
                }),
                request: Some(Request {
                    http: Some(http),
                    ..Default::default()
                }),
                ..Default::default()
            }),
        }
    }

    fn header<'a>(
        headers: &'a [envoy_types::pb::envoy::config::core::v3::HeaderValueOption],
        name: &str,
    ) -> Option<&'a str> {
        headers
            .iter()
            .filter_map(|h| h.header.as_ref())
            .find(|h| h.key.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }

    /// (gRPC code, HTTP status of a denial, headers to add upstream or send back).
    fn summary(r: &CheckResponse) -> (i32, Option<i32>, Option<String>, Option<String>) {
        let code = r.status.as_ref().map_or(-1, |s| s.code);
        match &r.http_response {
            Some(HttpResponse::OkResponse(ok)) => (
                code,
                None,
                header(&ok.headers, "x-auth-user").map(str::to_owned),
                None,
            ),
            Some(HttpResponse::DeniedResponse(d)) => (
                code,
                d.status.as_ref().map(|s| s.code),
                header(&d.headers, "www-authenticate").map(str::to_owned),
                header(&d.headers, "retry-after").map(str::to_owned),
            ),
            _ => (code, None, None, None),
        }
    }

    #[test]
    fn ext_authz_check_over_grpc() {
        let dir = TempDir::new("serve-grpc");
        let file = dir.write("htpasswd", users_file().as_bytes());
        let serve = Serve::start(&[
            "--htpasswd",
            file.to_str().unwrap(),
            "--grpc-listen",
            "127.0.0.1:0",
        ]);
        serve.wait_for("the gRPC listener", |s| {
            s.log().iter().any(|l| l.contains("grpc://"))
        });
        let grpc_addr: String = serve
            .log()
            .iter()
            .find_map(|l| l.split("grpc://").nth(1).map(str::to_owned))
            .unwrap()
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '"')
            .collect();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let mut client = AuthorizationClient::connect(format!("http://{grpc_addr}"))
                .await
                .unwrap();
            let mut check = async |source: &str, headers: &[(&str, &str)], raw: bool| {
                let r = client
                    .check(check_request(source, headers, raw))
                    .await
                    .unwrap()
                    .into_inner();
                summary(&r)
            };
            const OK: i32 = 0;
            const UNAUTHENTICATED: i32 = 16;
            for (i, (user, password, _)) in USERS.iter().enumerate() {
                let source = format!("192.0.2.{}", i + 1);
                let auth = basic(user, password);
                for raw in [false, true] {
                    let r = check(&source, &[("authorization", &auth)], raw).await;
                    assert_eq!(r, (OK, None, Some((*user).to_owned()), None), "{user}");
                }
                // A client-sent user header is overwritten, never trusted.
                let r = check(
                    &source,
                    &[("authorization", &auth), ("x-auth-user", "admin")],
                    false,
                )
                .await;
                assert_eq!(r.2.as_deref(), Some(*user));
                let wrong = basic(user, "wrong");
                let r = check(&source, &[("authorization", &wrong)], false).await;
                assert_eq!(
                    r,
                    (UNAUTHENTICATED, Some(401), Some(CHALLENGE.to_owned()), None),
                    "{user}"
                );
            }
            for headers in [
                &[][..],
                &[("authorization", "Basic !!!")][..],
                &[("authorization", "Bearer x")][..],
            ] {
                let r = check("198.51.100.1", headers, false).await;
                assert_eq!(
                    r,
                    (UNAUTHENTICATED, Some(401), Some(CHALLENGE.to_owned()), None),
                    "{headers:?}"
                );
            }
            // A guessing flood from one source is throttled (401, Retry-After); another source
            // is still served.
            let mut retry = None;
            for i in 0..30 {
                let wrong = basic("md5", &format!("guess{i}"));
                let r = check("203.0.113.50", &[("authorization", &wrong)], false).await;
                assert_eq!((r.0, r.1), (UNAUTHENTICATED, Some(401)));
                if r.3.is_some() {
                    retry = r.3;
                    break;
                }
            }
            assert!(retry.is_some(), "never throttled");
            let good = basic("md5", "pw-md5");
            let r = check("203.0.113.51", &[("authorization", &good)], false).await;
            assert_eq!(r.0, OK);
        });
        let allowed =
            serve.metric(r#"ingress_auth_checks_total{protocol="grpc",outcome="allowed"}"#);
        assert_eq!(allowed, (3 * USERS.len() + 1) as f64);
        assert!(
            serve.metric(r#"ingress_auth_checks_total{protocol="grpc",outcome="throttled"}"#)
                >= 1.0
        );
        serve.wait_for("the source address in the log", |s| {
            s.log()
                .iter()
                .any(|l| l.contains("protocol=grpc outcome=denied user=sha1 client=192.0.2.6"))
        });
    }
}

#[test]
fn startup_errors_exit_with_a_message() {
    let dir = TempDir::new("serve-startup");
    let bad = dir.write("htpasswd", b"this is not an htpasswd file\n");
    let good = dir.write("good", users_file().as_bytes());
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let taken = taken.local_addr().unwrap().to_string();
    for (args, code, message) in [
        (
            vec!["--htpasswd", bad.to_str().unwrap()],
            2,
            "--htpasswd: 1 line(s) of the htpasswd file are not entries",
        ),
        (
            vec![
                "--htpasswd",
                good.to_str().unwrap(),
                "--user-header",
                "X Bad",
            ],
            2,
            "--user-header",
        ),
        (
            vec![
                "--htpasswd",
                good.to_str().unwrap(),
                "--trusted-proxy",
                "10.0.0.0/33",
            ],
            2,
            "--trusted-proxy",
        ),
        (
            vec![
                "--htpasswd",
                good.to_str().unwrap(),
                "--reload-interval",
                "5",
            ],
            2,
            "--reload-interval",
        ),
        (
            vec!["--htpasswd", good.to_str().unwrap(), "--listen", &taken],
            1,
            "--listen",
        ),
    ] {
        let out = crate::support::ours()
            .arg("serve")
            .args(&args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}

/// 50 `..data` swaps between two files while four clients check: alice's right password (in both
/// files, under two different hashes) is always 200, a wrong one and an unknown user always 401;
/// bob (only in the odd versions) may be either, the answer following the file.
#[test]
fn fifty_swaps_under_load_no_wrong_answer() {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    let dir = TempDir::new("serve-swaps");
    let even = "alice:$apr1$abcdefgh$wT38ABp1Mi8RiNRvA83Bm.\n";
    let odd =
        "bob:$1$abcdefgh$XDGq4Mvkw6PUIK2taqKOd/\nalice:$apr1$zyxwvuts$G3NqbJ.zNgbDgVGF89kdo.\n";
    swap_data(dir.path(), "..v0", even);
    let file = dir.path().join("htpasswd");
    std::os::unix::fs::symlink("..data/htpasswd", &file).unwrap();
    let serve = Serve::start(&[
        "--htpasswd",
        file.to_str().unwrap(),
        "--reload-interval",
        "20ms",
        "--trusted-proxy",
        "127.0.0.1/32",
    ]);
    let addr = serve.addr;
    let stop = Arc::new(AtomicBool::new(false));
    let checks = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = [
        ("alice", "pw-apr1", "192.0.2.1", Some(200)),
        ("alice", "wrong", "192.0.2.2", Some(401)),
        ("mallory", "pw-apr1", "192.0.2.3", Some(401)),
        ("bob", "pw-bob", "192.0.2.4", None),
    ]
    .into_iter()
    .map(|(user, password, client, expect)| {
        let (stop, checks) = (Arc::clone(&stop), Arc::clone(&checks));
        std::thread::spawn(move || {
            let mut seen = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                // bob fails while he is not in the file: a fresh address per try keeps the
                // throttle from hiding the swaps.
                let fresh = format!("198.18.{}.{}", seen.len() / 250, seen.len() % 250 + 1);
                let client = if expect.is_none() {
                    fresh.as_str()
                } else {
                    client
                };
                let r = request(
                    addr,
                    "GET",
                    "/",
                    &[
                        ("Authorization", &basic(user, password)),
                        ("X-Forwarded-For", client),
                    ],
                );
                checks.fetch_add(1, Ordering::Relaxed);
                if let Some(expect) = expect {
                    assert_eq!(
                        r.status, expect,
                        "{user}:{password} during the swaps: {r:?}"
                    );
                }
                seen.push(r.status);
            }
            seen
        })
    })
    .collect();
    for i in 1..=50 {
        let content = if i % 2 == 1 { odd } else { even };
        swap_data(dir.path(), &format!("..v{i}"), content);
        std::thread::sleep(Duration::from_millis(60));
    }
    stop.store(true, Ordering::Relaxed);
    let results: Vec<Vec<u16>> = clients.into_iter().map(|c| c.join().unwrap()).collect();
    // bob was let in at some point and refused at another: the swaps were seen.
    let count = |s: u16| results[3].iter().filter(|&&x| x == s).count();
    assert!(
        count(200) > 0 && count(401) > 0,
        "bob: {} allowed, {} refused of {}",
        count(200),
        count(401),
        results[3].len()
    );
    assert!(checks.load(Ordering::Relaxed) > 200, "too little load");
    assert!(serve.metric("ingress_auth_reloads_total") >= 10.0);
    assert_eq!(serve.metric("ingress_auth_reload_failures_total"), 0.0);
}

/// Two serve instances behind one nginx upstream; one is SIGKILLed under load and restarted on
/// its port. A wrong password is never let in, and a right one is refused at most as often as
/// there were checks in flight on the killed instance (nginx retries refused connections on the
/// other one).
#[test]
fn one_of_two_instances_killed_under_load_through_nginx() {
    use std::sync::atomic::{AtomicBool, Ordering};

    let test = "one_of_two_instances_killed_under_load_through_nginx";
    let Some(nginx) = reference_tool("nginx", test) else {
        return;
    };
    let dir = TempDir::new("serve-kill");
    let file = dir.write("htpasswd", users_file().as_bytes());
    let file = file.to_str().unwrap().to_owned();
    let args = ["--htpasswd", &file, "--trusted-proxy", "127.0.0.1/32"];
    let mut a = Serve::start(&args);
    let b = Serve::start(&args);
    let (_nginx, port) = start_nginx(&nginx, &[a.port(), b.port()]);
    let front: SocketAddr = ([127, 0, 0, 1], port).into();
    let stop = Arc::new(AtomicBool::new(false));
    const CLIENTS: usize = 6;
    let clients: Vec<_> = (0..CLIENTS)
        .map(|i| {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                let (user, password, _) = USERS[i % 2];
                let right = i % 3 != 2;
                let password = if right { password } else { "wrong" };
                let client = format!("192.0.2.{}", i + 1);
                let mut statuses = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    let r = request(
                        front,
                        "GET",
                        "/app",
                        &[
                            ("Authorization", &basic(user, password)),
                            ("X-Forwarded-For", &client),
                        ],
                    );
                    statuses.push(r.status);
                }
                (right, statuses)
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(700));
    let a_port = a.port();
    a.kill();
    std::thread::sleep(Duration::from_millis(700));
    let a2 = Serve::start_on(&format!("127.0.0.1:{a_port}"), &args);
    std::thread::sleep(Duration::from_millis(700));
    stop.store(true, Ordering::Relaxed);
    let mut lost = 0;
    let mut total = 0;
    for c in clients {
        let (right, statuses) = c.join().unwrap();
        total += statuses.len();
        for s in statuses {
            if right {
                if s != 200 {
                    lost += 1;
                }
            } else {
                // A wrong password: 401 (throttled or not), or 500 for a check lost in flight.
                assert!(s == 401 || s == 500, "wrong password answered {s}");
            }
        }
    }
    eprintln!("{test}: {total} requests, {lost} right-password requests refused");
    assert!(total > 100, "too little load: {total}");
    assert!(
        lost <= CLIENTS,
        "{lost} right-password requests refused (at most {CLIENTS} were in flight)"
    );
    // Both instances answered after the restart.
    assert!(a2.metric(r#"ingress_auth_checks_total{protocol="http",outcome="allowed"}"#) >= 1.0);
    assert!(b.metric(r#"ingress_auth_checks_total{protocol="http",outcome="allowed"}"#) >= 1.0);
}
