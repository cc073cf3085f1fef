//! The layer over real HTTP on 127.0.0.1: axum behind `HtpasswdLayer`, raw HTTP/1.1 requests.
//! 200/401/407/429/503, the challenge, exempt paths (and prefix escapes), credential stripping,
//! the user extension and header, UTF-8 credentials, malformed headers, trusted-proxy client
//! addresses, and reload under requests (rename and Kubernetes `..data` swap).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{ConnectInfo, Extension};
use axum::http::HeaderMap;
use axum::routing::get;
use base64ct::{Base64, Encoding};
use htpasswd_core::{Authenticator, ThrottleConfig};
use htpasswd_test_support::TempDir;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tower_htpasswd::{AuthenticatedUser, ForwardedHeader, HtpasswdLayer, IpNet};

const REALM_HEADER: &str = r#"Basic realm="Test \"realm\"", charset="UTF-8""#;

async fn whoami(user: Option<Extension<AuthenticatedUser>>, headers: HeaderMap) -> String {
    let user = user.map_or("-".to_owned(), |u| {
        String::from_utf8_lossy(u.as_bytes()).into_owned()
    });
    let header = |name: &str| {
        headers.get(name).map_or("-".to_owned(), |v| {
            String::from_utf8_lossy(v.as_bytes()).into_owned()
        })
    };
    format!(
        "user={user} authorization={} proxy-authorization={} x-remote-user={}",
        header("authorization"),
        header("proxy-authorization"),
        header("x-remote-user")
    )
}

fn base_layer(auth: Authenticator) -> HtpasswdLayer {
    HtpasswdLayer::new(auth)
        .realm("Test \"realm\"")
        .exempt_path("/healthz")
        .exempt_prefix("/.well-known/acme-challenge/")
        .user_header(axum::http::HeaderName::from_static("x-remote-user"))
        .client_addr(|ext| ext.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip()))
}

/// Serves the test app behind `layer` on a free port of 127.0.0.1.
async fn serve(layer: HtpasswdLayer) -> SocketAddr {
    let app = Router::new()
        .route("/", get(whoami))
        .route("/healthz", get(|| async { "ok" }))
        .route(
            "/.well-known/acme-challenge/{token}",
            get(|| async { "token" }),
        )
        .fallback(whoami)
        .layer(layer);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    addr
}

#[derive(Debug)]
struct Reply {
    status: u16,
    head: String,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    }
}

/// One raw HTTP/1.1 request (`Connection: close`) with extra header lines.
async fn get_raw(addr: SocketAddr, path: &str, headers: &[(&str, &[u8])]) -> Reply {
    let mut req =
        format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n").into_bytes();
    for (name, value) in headers {
        req.extend_from_slice(name.as_bytes());
        req.extend_from_slice(b": ");
        req.extend_from_slice(value);
        req.extend_from_slice(b"\r\n");
    }
    req.extend_from_slice(b"\r\n");
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(&req).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    Reply {
        status,
        head: head.to_owned(),
        body: body.to_owned(),
    }
}

fn basic(user: &str, password: &str) -> Vec<u8> {
    format!(
        "Basic {}",
        Base64::encode_string(format!("{user}:{password}").as_bytes())
    )
    .into_bytes()
}

async fn get_as(addr: SocketAddr, path: &str, user: &str, password: &str) -> Reply {
    get_raw(addr, path, &[("Authorization", &basic(user, password))]).await
}

fn users() -> Authenticator {
    Authenticator::builder()
        .bytes(
            "alice:$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1\nj\u{fc}rgen:{PLAIN}p\u{e4}ssw\u{f6}rd\u{20ac}\n"
                .as_bytes(),
        )
        .throttle(ThrottleConfig::disabled())
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn challenge_allow_and_deny() {
    let addr = serve(base_layer(users())).await;
    let none = get_raw(addr, "/", &[]).await;
    assert_eq!(none.status, 401);
    assert_eq!(
        none.header("www-authenticate").as_deref(),
        Some(REALM_HEADER)
    );
    assert_eq!(none.header("retry-after"), None);

    let ok = get_as(addr, "/", "alice", "password").await;
    assert_eq!(ok.status, 200, "{ok:?}");
    // The user reaches the inner service as an extension and a header; the credentials do not.
    assert_eq!(
        ok.body,
        "user=alice authorization=- proxy-authorization=- x-remote-user=alice"
    );

    for (user, pw) in [("alice", "Password"), ("nobody", "password"), ("", "")] {
        let r = get_as(addr, "/", user, pw).await;
        assert_eq!(r.status, 401, "{user}");
        assert_eq!(r.header("www-authenticate").as_deref(), Some(REALM_HEADER));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn utf8_credentials_and_spoofed_user_header() {
    let addr = serve(base_layer(users())).await;
    let ok = get_as(addr, "/", "j\u{fc}rgen", "p\u{e4}ssw\u{f6}rd\u{20ac}").await;
    assert_eq!(ok.status, 200, "{ok:?}");
    assert!(ok.body.starts_with("user=j\u{fc}rgen "), "{}", ok.body);
    // Latin-1 bytes for the same password do not match the UTF-8 entry.
    let latin1 = [b"j\xfcrgen:p\xe4ssw\xf6rd".as_slice()].concat();
    let header = format!("Basic {}", Base64::encode_string(&latin1)).into_bytes();
    assert_eq!(
        get_raw(addr, "/", &[("Authorization", &header)])
            .await
            .status,
        401
    );
    // A client cannot claim a user through the user header.
    let spoof = get_raw(addr, "/healthz/x", &[("X-Remote-User", b"admin")]).await;
    assert_eq!(spoof.status, 401);
    let ok = get_raw(
        addr,
        "/",
        &[
            ("X-Remote-User", b"admin"),
            ("Authorization", &basic("alice", "password")),
        ],
    )
    .await;
    assert!(ok.body.ends_with("x-remote-user=alice"), "{}", ok.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_headers_are_401() {
    let addr = serve(base_layer(users()).max_header_len(256)).await;
    let long = basic("alice", &"x".repeat(300));
    let cases: [&[u8]; 8] = [
        b"Basic",
        b"Basic !!!notbase64",
        b"Basic YWxpY2U=",
        b"Bearer abc",
        b"Basic YWxp Y2U6cGFzc3dvcmQ=",
        b"BasicYWxpY2U6cGFzc3dvcmQ=",
        // "\x01lice:password": a control character in the user-id.
        b"Basic AWxpY2U6cGFzc3dvcmQ=",
        &long,
    ];
    for value in cases {
        let r = get_raw(addr, "/", &[("Authorization", value)]).await;
        assert_eq!(r.status, 401, "{:?}", String::from_utf8_lossy(value));
        assert_eq!(r.header("www-authenticate").as_deref(), Some(REALM_HEADER));
    }
    // Scheme in any case, padding optional.
    let ok = get_raw(
        addr,
        "/",
        &[("Authorization", b"bAsIc YWxpY2U6cGFzc3dvcmQ")],
    )
    .await;
    assert_eq!(ok.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exempt_paths() {
    let addr = serve(base_layer(users())).await;
    assert_eq!(get_raw(addr, "/healthz", &[]).await.body, "ok");
    assert_eq!(
        get_raw(addr, "/.well-known/acme-challenge/tok_EN-1", &[])
            .await
            .body,
        "token"
    );
    // Exact means exact; a prefix never covers a way out of it.
    for path in [
        "/healthz/",
        "/healthzz",
        "/.well-known/acme-challenge/../../secret",
        "/.well-known/acme-challenge/%2e%2e/secret",
        "/.well-known/acme-challenge/..%2fsecret",
        "/.well-known/",
    ] {
        assert_eq!(get_raw(addr, path, &[]).await.status, 401, "{path}");
    }
    // Credentials sent to an exempt path are stripped too.
    let r = get_as(addr, "/.well-known/acme-challenge/x", "alice", "password").await;
    assert_eq!(r.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keep_credentials_and_proxy_mode() {
    let keep = serve(base_layer(users()).keep_credentials(true)).await;
    let r = get_as(keep, "/", "alice", "password").await;
    let expected = format!(
        "authorization={}",
        String::from_utf8(basic("alice", "password")).unwrap()
    );
    assert!(r.body.contains(&expected), "{}", r.body);

    let proxy = serve(base_layer(users()).proxy(true)).await;
    let none = get_raw(proxy, "/", &[]).await;
    assert_eq!(none.status, 407);
    assert_eq!(
        none.header("proxy-authenticate").as_deref(),
        Some(REALM_HEADER)
    );
    assert_eq!(none.header("www-authenticate"), None);
    // Authorization is not what a proxy reads.
    assert_eq!(get_as(proxy, "/", "alice", "password").await.status, 407);
    let ok = get_raw(
        proxy,
        "/",
        &[("Proxy-Authorization", &basic("alice", "password"))],
    )
    .await;
    assert_eq!(ok.status, 200);
    assert!(ok.body.contains("proxy-authorization=-"), "{}", ok.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn busy_is_503_with_retry_after() {
    let dir = TempDir::new("layer-busy");
    // A bcrypt hash slow enough to hold the only worker while the request is made.
    let slow = htpasswd_core::crypt::generate(
        &htpasswd_core::crypt::HashParams::Bcrypt {
            cost: 10,
            long_passwords: htpasswd_core::crypt::bcrypt::LongPassword::Refuse,
        },
        b"slow",
    )
    .unwrap();
    let file = dir.write(
        "htpasswd",
        &[b"slow:", slow.as_bytes(), b"\nalice:{PLAIN}pw\n"].concat(),
    );
    let auth = Authenticator::builder()
        .file(&file)
        .workers(1)
        .queue(0)
        .build()
        .unwrap();
    let addr = serve(base_layer(auth.clone())).await;
    let held = auth.check_async(b"slow", b"slow", "192.0.2.1".parse().unwrap());
    let r = get_as(addr, "/", "alice", "pw").await;
    assert_eq!(r.status, 503, "{r:?}");
    assert_eq!(r.header("retry-after").as_deref(), Some("1"));
    assert_eq!(r.header("www-authenticate"), None);
    assert!(held.await.is_allowed());
    assert_eq!(get_as(addr, "/", "alice", "pw").await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_is_429_or_401_and_trusted_proxies() {
    let throttle = ThrottleConfig::default().per_address(3, Duration::from_secs(60));
    let auth = || {
        Authenticator::builder()
            .bytes(&b"alice:{PLAIN}pw\n"[..])
            .throttle(throttle)
            .build()
            .unwrap()
    };
    let addr = serve(base_layer(auth())).await;
    for _ in 0..3 {
        assert_eq!(get_as(addr, "/", "alice", "guess").await.status, 401);
    }
    let r = get_as(addr, "/", "alice", "pw").await;
    assert_eq!(r.status, 429);
    let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((50..=60).contains(&retry), "{retry}");

    let as401 =
        serve(base_layer(auth()).throttled_status(axum::http::StatusCode::UNAUTHORIZED)).await;
    for _ in 0..3 {
        assert_eq!(get_as(as401, "/", "alice", "guess").await.status, 401);
    }
    let r = get_as(as401, "/", "alice", "pw").await;
    assert_eq!(r.status, 401);
    assert!(r.header("retry-after").is_some());
    assert_eq!(r.header("www-authenticate").as_deref(), Some(REALM_HEADER));

    // Behind a trusted proxy (127.0.0.1), clients are told apart by X-Forwarded-For.
    let proxied = serve(base_layer(auth()).trusted_proxies(
        ["127.0.0.0/8".parse::<IpNet>().unwrap()],
        ForwardedHeader::XForwardedFor,
    ))
    .await;
    let from = |client: &'static str, pw: &str| {
        let cred = basic("alice", pw);
        async move {
            get_raw(
                proxied,
                "/",
                &[
                    ("X-Forwarded-For", format!("10.9.9.9, {client}").as_bytes()),
                    ("Authorization", &cred),
                ],
            )
            .await
            .status
        }
    };
    for _ in 0..3 {
        assert_eq!(from("203.0.113.9", "guess").await, 401);
    }
    assert_eq!(from("203.0.113.9", "pw").await, 429);
    assert_eq!(from("203.0.113.10", "pw").await, 200);
}

/// Writes `content` as the new version of a kubelet-style volume at `root` (`..data` swap).
fn kubelet_swap(root: &Path, n: usize, content: &[u8]) {
    use std::os::unix::fs::symlink;
    let dir = root.join(format!("..2026_11_30_05_00_00.{n}"));
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("auth"), content).unwrap();
    let tmp = root.join("..data_tmp");
    symlink(dir.file_name().unwrap(), &tmp).unwrap();
    let old = std::fs::read_link(root.join("..data")).ok();
    std::fs::rename(&tmp, root.join("..data")).unwrap();
    if let Some(old) = old {
        std::fs::remove_dir_all(root.join(old)).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_under_requests() {
    const ROUNDS: usize = 50;
    let interval = Duration::from_millis(100);
    let dir = TempDir::new("layer-reload");
    let root = dir.path().to_path_buf();
    let version = |n: usize| format!("bob:{{PLAIN}}bob\nalice:{{PLAIN}}v{n}\n").into_bytes();
    // Two files: one replaced by rename, one a kubelet volume.
    let plain = dir.write("htpasswd", &version(0));
    let kube = root.join("kube");
    std::fs::create_dir(&kube).unwrap();
    kubelet_swap(&kube, 0, &version(0));
    std::os::unix::fs::symlink("..data/auth", kube.join("auth")).unwrap();

    for (path, by_rename) in [(plain.clone(), true), (kube.join("auth"), false)] {
        let auth = Authenticator::builder()
            .file(&path)
            .reload_interval(interval)
            // The polls with the new password before the reload are failures.
            .throttle(ThrottleConfig::disabled())
            .build()
            .unwrap();
        let addr = serve(base_layer(auth.clone())).await;
        // Load: bob, whose entry never changes, must never see anything but 200.
        let stop = Arc::new(AtomicBool::new(false));
        let (served, failed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let load = {
            let (stop, served, failed) = (stop.clone(), served.clone(), failed.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let status = get_as(addr, "/", "bob", "bob").await.status;
                    let counter = if status == 200 { &served } else { &failed };
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            })
        };
        let mut slowest = Duration::ZERO;
        for n in 1..=ROUNDS {
            if by_rename {
                let tmp = path.with_extension("tmp");
                std::fs::write(&tmp, version(n)).unwrap();
                std::fs::rename(&tmp, &path).unwrap();
            } else {
                kubelet_swap(&kube, n, &version(n));
            }
            let swapped = Instant::now();
            let pw = format!("v{n}");
            loop {
                if get_as(addr, "/", "alice", &pw).await.status == 200 {
                    break;
                }
                assert!(
                    swapped.elapsed() < Duration::from_secs(10),
                    "round {n} not reloaded"
                );
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            slowest = slowest.max(swapped.elapsed());
            // The old password is refused from then on.
            let old = format!("v{}", n - 1);
            assert_eq!(get_as(addr, "/", "alice", &old).await.status, 401);
        }
        stop.store(true, Ordering::Relaxed);
        load.await.unwrap();
        assert_eq!(failed.load(Ordering::Relaxed), 0);
        assert!(served.load(Ordering::Relaxed) > 0);
        let status = auth.reload_status();
        assert_eq!(status.loads, ROUNDS as u64 + 1, "{status:?}");
        assert_eq!(status.failures, 0);
        // Within the interval plus scheduling slack on a loaded test machine.
        assert!(slowest < interval * 20, "slowest reload {slowest:?}");
        eprintln!(
            "reload by {}: slowest {slowest:?}",
            if by_rename { "rename" } else { "..data swap" }
        );
    }
}
