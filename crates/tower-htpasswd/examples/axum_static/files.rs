//! The example's static files: a small regular file is read on the executor thread and answered
//! in one response; everything else goes to tower-http's `ServeDir`.
//!
//! `ServeDir` runs every `open`, `stat` and `read` on tokio's blocking pool: three thread
//! hand-offs per request, which bound the example at a fraction of what the authentication
//! allows (docs/PERFORMANCE.md, issue 14). nginx (without `aio threads`) and Caddy read small
//! files on the thread that serves the connection; so does this fast path, for files of at most
//! [`INLINE_MAX`] bytes: a page-cache hit costs a few microseconds, a cold disk read blocks one
//! executor thread for its duration (as it blocks an nginx worker).
//!
//! The fast path takes only a plain `GET` of a regular file without `Range` or conditional
//! headers, on a path made of plain components. Anything else (`HEAD`, other methods, `Range`,
//! `If-*`, directories and their redirects, missing files, larger files, `..`, bad
//! percent-encoding) is `ServeDir`'s, so its answers (404, 405, 206, 304, 307 to `dir/`,
//! `index.html`) are unchanged; `tests/static_files.rs` compares the two on every kind of request.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode_str;
use tower_http::services::ServeDir;

/// The largest file answered on the executor thread (bytes).
pub(crate) const INLINE_MAX: u64 = 256 * 1024;

/// Request headers that make the answer depend on more than the file: left to `ServeDir`.
const DEFER_HEADERS: [header::HeaderName; 6] = [
    header::RANGE,
    header::IF_RANGE,
    header::IF_MATCH,
    header::IF_NONE_MATCH,
    header::IF_MODIFIED_SINCE,
    header::IF_UNMODIFIED_SINCE,
];

/// A directory served over HTTP.
#[derive(Clone)]
pub(crate) struct StaticFiles {
    root: Arc<Path>,
    serve_dir: ServeDir,
}

impl StaticFiles {
    /// Serves `root`.
    pub(crate) fn new(root: impl Into<PathBuf>) -> Self {
        let root: PathBuf = root.into();
        Self {
            serve_dir: ServeDir::new(&root),
            root: root.into(),
        }
    }

    /// The file a request path names under the root, when every component is a plain name
    /// (no `..`, no NUL, valid UTF-8 after percent-decoding); `None` sends the request to
    /// `ServeDir`, which refuses the same paths.
    fn resolve(&self, uri_path: &str) -> Option<PathBuf> {
        let decoded = percent_decode_str(uri_path).decode_utf8().ok()?;
        if decoded.ends_with('/') {
            return None; // a directory: ServeDir's index.html
        }
        let mut path = self.root.to_path_buf();
        for part in decoded.split('/') {
            match part {
                "" | "." => {}
                ".." => return None,
                part if part.contains(['\0', '\\']) => return None,
                part => path.push(part),
            }
        }
        Some(path)
    }

    /// The answer for `req` from the fast path, or `None` when it is `ServeDir`'s.
    pub(crate) fn inline(&self, req: &Request) -> Option<Response> {
        if req.method() != Method::GET
            || DEFER_HEADERS
                .iter()
                .any(|name| req.headers().contains_key(name))
        {
            return None;
        }
        let path = self.resolve(req.uri().path())?;
        let file = File::open(&path).ok()?;
        let meta = file.metadata().ok()?;
        if !meta.is_file() || meta.len() > INLINE_MAX {
            return None;
        }
        let mut body = Vec::with_capacity(usize::try_from(meta.len()).ok()? + 1);
        file.take(INLINE_MAX + 1).read_to_end(&mut body).ok()?;
        if body.len() as u64 > INLINE_MAX {
            return None; // it grew since the stat
        }
        let content_type = mime_guess::from_path(&path)
            .first_raw()
            .map_or(HeaderValue::from_static("application/octet-stream"), |m| {
                HeaderValue::from_static(m)
            });
        let mut response = Response::new(Body::from(body));
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, content_type);
        headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
        if let Some(modified) = meta
            .modified()
            .ok()
            .and_then(|t| HeaderValue::try_from(httpdate::fmt_http_date(t)).ok())
        {
            headers.insert(header::LAST_MODIFIED, modified);
        }
        Some(response)
    }
}

/// The axum handler: the fast path, else `ServeDir`.
pub(crate) async fn serve(State(files): State<StaticFiles>, req: Request) -> Response {
    if let Some(response) = files.inline(&req) {
        return response;
    }
    let mut serve_dir = files.serve_dir.clone();
    match serve_dir.try_call(req).await {
        Ok(response) => response.map(Body::new),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
