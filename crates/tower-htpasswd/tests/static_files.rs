//! The axum_static example's file serving (`examples/axum_static/files.rs`) against tower-http's
//! `ServeDir`, which it falls back to: every kind of request gets the same status, headers that
//! matter and body from both, over real HTTP on 127.0.0.1; and the fast path is taken exactly for
//! plain `GET`s of small regular files.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../examples/axum_static/files.rs"]
mod files;

use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use htpasswd_test_support::TempDir;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tower_http::services::ServeDir;

async fn serve(app: Router) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

#[derive(Debug, PartialEq, Eq)]
struct Reply {
    status: u16,
    /// The headers that carry meaning for a file (lower-case name, value), sorted.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// A request: method, target, extra headers; and whether the fast path takes it.
type Case<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)], bool);

const COMPARED: [&str; 6] = [
    "content-type",
    "content-length",
    "last-modified",
    "accept-ranges",
    "content-range",
    "location",
];

/// One raw HTTP/1.1 request (`Connection: close`).
async fn raw(addr: SocketAddr, method: &str, target: &str, headers: &[(&str, &str)]) -> Reply {
    let mut req = format!("{method} {target} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n");
    for (name, value) in headers {
        req.push_str(&format!("{name}: {value}\r\n"));
    }
    req.push_str("\r\n");
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(req.as_bytes()).await.unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).await.unwrap();
    let split = bytes.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8(bytes[..split].to_vec()).unwrap();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let mut kept: Vec<(String, String)> = lines
        .filter_map(|line| {
            let (name, value) = line.split_once(':')?;
            let name = name.trim().to_ascii_lowercase();
            COMPARED
                .contains(&name.as_str())
                .then(|| (name, value.trim().to_owned()))
        })
        .collect();
    kept.sort();
    Reply {
        status,
        headers: kept,
        body: bytes[split + 4..].to_vec(),
    }
}

fn tree() -> TempDir {
    let dir = TempDir::new("static-files");
    dir.write("index.html", b"<p>index</p>\n");
    dir.write("style.css", b"p { color: red }\n");
    dir.write("a b.txt", b"spaced name\n");
    dir.write("noext", b"\x00\x01binary");
    dir.write("empty.txt", b"");
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub/index.html"), b"sub index\n").unwrap();
    std::fs::write(dir.path().join("sub/page.json"), b"{}\n").unwrap();
    let big = vec![b'x'; usize::try_from(files::INLINE_MAX).unwrap() + 1];
    dir.write("big.bin", &big);
    let at_limit = vec![b'y'; usize::try_from(files::INLINE_MAX).unwrap()];
    dir.write("limit.bin", &at_limit);
    #[cfg(unix)]
    std::os::unix::fs::symlink("style.css", dir.path().join("link.css")).unwrap();
    dir
}

/// Every kind of request: method, target, extra headers, and whether the fast path answers it
/// (a plain `GET` of a small regular file on a path of plain components).
const CASES: &[Case<'_>] = &[
    ("GET", "/index.html", &[], true),
    ("GET", "/style.css", &[], true),
    ("GET", "/a%20b.txt", &[], true),
    ("GET", "/noext", &[], true),
    ("GET", "/empty.txt", &[], true),
    ("GET", "/sub/page.json", &[], true),
    ("GET", "/sub//page.json", &[], true),
    ("GET", "/./sub/./page.json", &[], true),
    ("GET", "/link.css", &[], true),
    ("GET", "/limit.bin", &[], true),
    ("GET", "/big.bin", &[], false),
    ("GET", "/", &[], false),
    ("GET", "/sub", &[], false),
    ("GET", "/sub/", &[], false),
    ("GET", "/missing.html", &[], false),
    ("GET", "/index.html/", &[], false),
    ("GET", "/../index.html", &[], false),
    ("GET", "/sub/../index.html", &[], false),
    ("GET", "/%2e%2e/index.html", &[], false),
    ("GET", "/sub/%2e%2e/index.html", &[], false),
    ("GET", "/index.html%00", &[], false),
    ("GET", "/%ff.html", &[], false),
    ("GET", "/..%5cindex.html", &[], false),
    ("GET", "/index.html?x=1", &[], true),
    ("HEAD", "/index.html", &[], false),
    ("POST", "/index.html", &[], false),
    ("DELETE", "/index.html", &[], false),
    ("GET", "/index.html", &[("Range", "bytes=0-3")], false),
    ("GET", "/index.html", &[("Range", "bytes=100-200")], false),
    (
        "GET",
        "/index.html",
        &[("If-Modified-Since", "Sun, 01 Jan 2090 00:00:00 GMT")],
        false,
    ),
    (
        "GET",
        "/index.html",
        &[("If-Unmodified-Since", "Sat, 01 Jan 2000 00:00:00 GMT")],
        false,
    ),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_answers_as_serve_dir() {
    let dir = tree();
    let ours = serve(
        Router::new()
            .fallback(files::serve)
            .with_state(files::StaticFiles::new(dir.path())),
    )
    .await;
    let reference = serve(Router::new().fallback_service(ServeDir::new(dir.path()))).await;
    for (method, target, headers, _) in CASES {
        let got = raw(ours, method, target, headers).await;
        let want = raw(reference, method, target, headers).await;
        assert_eq!(got, want, "{method} {target} {headers:?}");
    }
    // The comparison is not vacuous: the answers differ in kind.
    let statuses: std::collections::BTreeSet<u16> = [
        raw(ours, "GET", "/index.html", &[]).await.status,
        raw(ours, "GET", "/missing.html", &[]).await.status,
        raw(ours, "GET", "/sub", &[]).await.status,
        raw(ours, "GET", "/index.html", &[("Range", "bytes=0-3")])
            .await
            .status,
    ]
    .into();
    assert_eq!(statuses, [200, 206, 307, 404].into());
}

fn request(method: &str, uri: &str, headers: &[(&str, &str)]) -> Request {
    let mut req = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    req.body(Body::empty()).unwrap()
}

#[test]
fn fast_path_only_for_plain_gets_of_small_regular_files() {
    let dir = tree();
    let files = files::StaticFiles::new(dir.path());
    let extra: &[Case<'_>] = &[
        ("GET", "/missing", &[], false),
        ("GET", "/index.html", &[("If-None-Match", "\"x\"")], false),
        ("GET", "/index.html", &[("If-Match", "\"x\"")], false),
        ("GET", "/index.html", &[("If-Range", "\"x\"")], false),
    ];
    for (method, uri, headers, fast) in CASES.iter().chain(extra) {
        assert_eq!(
            files.inline(&request(method, uri, headers)).is_some(),
            *fast,
            "{method} {uri} {headers:?}"
        );
    }
    assert!(CASES.iter().any(|c| c.3) && CASES.iter().any(|c| !c.3));
}
