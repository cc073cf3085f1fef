//! HTTP Basic authentication (RFC 7617) against an htpasswd file, as a [tower] layer for axum,
//! hyper and tonic, on [`htpasswd_core::Authenticator`]: the file is reloaded when it changes
//! (Kubernetes Secret volumes included), successes are cached under a keyed MAC, hashes run on a
//! bounded thread pool (never on the async executor), and password guessing is throttled.
//!
//! ```no_run
//! use std::net::SocketAddr;
//! use axum::{Router, extract::ConnectInfo, routing::get};
//! use htpasswd_core::Authenticator;
//! use tower_htpasswd::{AuthenticatedUser, HtpasswdLayer};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let auth = Authenticator::builder().file("/etc/nginx/htpasswd").build()?;
//! let layer = HtpasswdLayer::new(auth)
//!     .realm("Staff only")
//!     .exempt_path("/healthz")
//!     .exempt_prefix("/.well-known/acme-challenge/")
//!     // axum's connection info: the address the throttle counts failures under.
//!     .client_addr(|ext| ext.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip()));
//! let app = Router::new()
//!     .route("/", get(|user: axum::Extension<AuthenticatedUser>| async move {
//!         format!("hello {}", user.as_str().unwrap_or("?"))
//!     }))
//!     .layer(layer);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await?;
//! # Ok(()) }
//! ```
//!
//! # Responses
//!
//! | situation | status | headers |
//! |---|---|---|
//! | allowed | the inner service's | [`AuthenticatedUser`] in the request extensions (and [`user_header`](HtpasswdLayer::user_header) if set); `Authorization` removed unless [`keep_credentials`](HtpasswdLayer::keep_credentials) |
//! | no, malformed or over-long credentials; unknown user; wrong password; file not loaded yet | 401 (407 for a [`proxy`](HtpasswdLayer::proxy)) | `WWW-Authenticate: Basic realm="...", charset="UTF-8"` (`Proxy-Authenticate`) |
//! | hash pool full ([`Decision::Busy`]) | 503 | `Retry-After` |
//! | guessing throttle ([`Decision::Throttled`]) | 429 by default, or 401/407 with the challenge ([`throttled_status`](HtpasswdLayer::throttled_status)) | `Retry-After` |
//! | exempt path | the inner service's, unchecked | |
//!
//! # Client address
//!
//! The throttle counts failures per client address. The address is taken from
//! [`client_addr`](HtpasswdLayer::client_addr)'s function, else a [`ClientAddr`] or
//! [`SocketAddr`](std::net::SocketAddr) request extension; when it is one of the
//! [`trusted_proxies`](HtpasswdLayer::trusted_proxies), from its forwarding header instead
//! ([`ForwardedHeader`]). A request without any is counted under `::` (all such requests share
//! one counter).
//!
//! [tower]: https://docs.rs/tower

pub mod basic;
mod client;

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use http::header::{self, HeaderName, HeaderValue};
use http::{Extensions, Request, Response, StatusCode};
use pin_project_lite::pin_project;
use tower_layer::Layer;
use tower_service::Service;

pub use htpasswd_core::{Authenticator, CheckFuture, Decision};

pub use crate::client::{ClientAddr, ForwardedHeader, IpNet, IpNetError};

/// The address a request is counted under, as the layer computes it: `peer` itself, or, when
/// `peer` is in one of the `trusted` networks, the client its forwarding header names (the
/// right-most `X-Forwarded-For` entry outside `trusted`, or `X-Real-IP`); `::` without a peer.
/// For servers that check credentials themselves (forward-auth servers).
///
/// ```
/// use http::HeaderMap;
/// use tower_htpasswd::{ForwardedHeader, IpNet, client_ip};
///
/// let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse()?];
/// let mut headers = HeaderMap::new();
/// headers.insert("x-forwarded-for", "6.6.6.6, 1.2.3.4, 10.0.0.2".parse()?);
/// let peer = Some("10.0.0.1".parse()?);
/// assert_eq!(client_ip(peer, &headers, &trusted, ForwardedHeader::XForwardedFor), "1.2.3.4".parse::<std::net::IpAddr>()?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn client_ip(
    peer: Option<IpAddr>,
    headers: &http::HeaderMap,
    trusted: &[IpNet],
    header: ForwardedHeader,
) -> IpAddr {
    client::resolve(peer, headers, trusted, header)
}

/// The user a request was authenticated as, put in its extensions for the inner service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthenticatedUser(Vec<u8>);

impl AuthenticatedUser {
    /// The user name's bytes, as in the htpasswd file.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The user name, when UTF-8 (RFC 7617 with `charset="UTF-8"`).
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        core::str::from_utf8(&self.0).ok()
    }
}

type ClientFn = dyn Fn(&Extensions) -> Option<IpAddr> + Send + Sync;

#[derive(Clone)]
struct Config {
    auth: Authenticator,
    challenge: HeaderValue,
    proxy: bool,
    exempt_exact: Vec<String>,
    exempt_prefix: Vec<String>,
    user_header: Option<HeaderName>,
    keep_credentials: bool,
    trusted: Vec<IpNet>,
    forwarded: ForwardedHeader,
    throttled_status: StatusCode,
    max_header_len: usize,
    client_addr: Option<Arc<ClientFn>>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("challenge", &self.challenge)
            .field("proxy", &self.proxy)
            .field("exempt_exact", &self.exempt_exact)
            .field("exempt_prefix", &self.exempt_prefix)
            .field("user_header", &self.user_header)
            .field("keep_credentials", &self.keep_credentials)
            .field("trusted", &self.trusted)
            .field("forwarded", &self.forwarded)
            .field("throttled_status", &self.throttled_status)
            .field("max_header_len", &self.max_header_len)
            .finish_non_exhaustive()
    }
}

fn challenge_value(realm: &str) -> HeaderValue {
    HeaderValue::from_bytes(basic::challenge(realm).as_bytes())
        .unwrap_or_else(|_| HeaderValue::from_static("Basic charset=\"UTF-8\""))
}

/// Whether a path that starts with an exempt prefix might lead elsewhere once the inner service
/// normalises or decodes it (`..` segments, backslashes, encoded dots and slashes).
fn escapes_prefix(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    path.split('/').any(|seg| seg == "." || seg == "..")
        || path.contains('\\')
        || ["%2e", "%2f", "%5c"].iter().any(|e| lower.contains(e))
}

/// The layer: wraps a service so that it only sees authenticated requests.
#[derive(Debug, Clone)]
#[must_use]
pub struct HtpasswdLayer {
    config: Arc<Config>,
}

impl HtpasswdLayer {
    /// Checks requests against `auth`, realm `Restricted`, origin-server mode (`Authorization`,
    /// 401), no exempt paths, 429 when throttled.
    pub fn new(auth: Authenticator) -> Self {
        Self {
            config: Arc::new(Config {
                auth,
                challenge: challenge_value("Restricted"),
                proxy: false,
                exempt_exact: Vec::new(),
                exempt_prefix: Vec::new(),
                user_header: None,
                keep_credentials: false,
                trusted: Vec::new(),
                forwarded: ForwardedHeader::default(),
                throttled_status: StatusCode::TOO_MANY_REQUESTS,
                max_header_len: basic::DEFAULT_MAX_HEADER_LEN,
                client_addr: None,
            }),
        }
    }

    fn with(mut self, f: impl FnOnce(&mut Config)) -> Self {
        f(Arc::make_mut(&mut self.config));
        self
    }

    /// The realm named in the challenge (`"` and `\` are escaped, control characters dropped).
    pub fn realm(self, realm: &str) -> Self {
        self.with(|c| c.challenge = challenge_value(realm))
    }

    /// Proxy authentication: credentials from `Proxy-Authorization`, 407 with
    /// `Proxy-Authenticate` when refused.
    pub fn proxy(self, proxy: bool) -> Self {
        self.with(|c| c.proxy = proxy)
    }

    /// A path served without authentication when it equals `path` exactly (`/healthz`).
    pub fn exempt_path(self, path: impl Into<String>) -> Self {
        self.with(|c| c.exempt_exact.push(path.into()))
    }

    /// Paths served without authentication when they start with `prefix`
    /// (`/.well-known/acme-challenge/`). A path with `.` or `..` segments, a backslash, or an
    /// encoded `.`, `/` or `\` is never exempt by prefix (it could resolve outside it).
    pub fn exempt_prefix(self, prefix: impl Into<String>) -> Self {
        self.with(|c| c.exempt_prefix.push(prefix.into()))
    }

    /// Also pass the user name to the inner service in this header (a client-sent header of that
    /// name is always removed first).
    pub fn user_header(self, name: HeaderName) -> Self {
        self.with(|c| c.user_header = Some(name))
    }

    /// Keep the credentials header for the inner service (removed by default).
    pub fn keep_credentials(self, keep: bool) -> Self {
        self.with(|c| c.keep_credentials = keep)
    }

    /// Peers whose forwarding header names the client (see [`ForwardedHeader`]).
    pub fn trusted_proxies(
        self,
        nets: impl IntoIterator<Item = IpNet>,
        header: ForwardedHeader,
    ) -> Self {
        self.with(|c| {
            c.trusted = nets.into_iter().collect();
            c.forwarded = header;
        })
    }

    /// The status of a throttled request: 429 (default) or 401 (407 for a proxy), which also
    /// carries the challenge. Both carry `Retry-After`. Other values are taken as 429.
    pub fn throttled_status(self, status: StatusCode) -> Self {
        let status = if status == StatusCode::UNAUTHORIZED
            || status == StatusCode::PROXY_AUTHENTICATION_REQUIRED
        {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        self.with(|c| c.throttled_status = status)
    }

    /// Longest credentials header read (default 8192 bytes); longer ones are refused with 401.
    pub fn max_header_len(self, bytes: usize) -> Self {
        self.with(|c| c.max_header_len = bytes)
    }

    /// How to find the connection's peer address in the request extensions (for axum:
    /// `|ext| ext.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())`). Without it, a
    /// [`ClientAddr`] or [`SocketAddr`](std::net::SocketAddr) extension is used.
    pub fn client_addr(
        self,
        f: impl Fn(&Extensions) -> Option<IpAddr> + Send + Sync + 'static,
    ) -> Self {
        self.with(|c| c.client_addr = Some(Arc::new(f)))
    }

    /// The authenticator (for readiness checks, reload status and stats).
    #[must_use]
    pub fn authenticator(&self) -> &Authenticator {
        &self.config.auth
    }
}

impl<S> Layer<S> for HtpasswdLayer {
    type Service = Htpasswd<S>;

    fn layer(&self, inner: S) -> Htpasswd<S> {
        Htpasswd {
            inner,
            config: Arc::clone(&self.config),
        }
    }
}

/// The service made by [`HtpasswdLayer`].
#[derive(Debug, Clone)]
pub struct Htpasswd<S> {
    inner: S,
    config: Arc<Config>,
}

impl Config {
    fn credentials_header(&self) -> HeaderName {
        if self.proxy {
            header::PROXY_AUTHORIZATION
        } else {
            header::AUTHORIZATION
        }
    }

    fn is_exempt(&self, path: &str) -> bool {
        self.exempt_exact.iter().any(|p| p == path)
            || (self
                .exempt_prefix
                .iter()
                .any(|p| path.starts_with(p.as_str()))
                && !escapes_prefix(path))
    }

    fn peer(&self, extensions: &Extensions) -> Option<IpAddr> {
        if let Some(f) = &self.client_addr
            && let Some(ip) = f(extensions)
        {
            return Some(ip);
        }
        extensions
            .get::<ClientAddr>()
            .map(|c| c.0.ip())
            .or_else(|| extensions.get::<std::net::SocketAddr>().map(|a| a.ip()))
    }

    fn strip<B>(&self, req: &mut Request<B>) {
        if !self.keep_credentials {
            // (Header values are shared, immutable buffers: they cannot be wiped here.)
            req.headers_mut().remove(self.credentials_header());
        }
    }

    fn admit<B>(&self, req: &mut Request<B>, user: Vec<u8>) {
        self.strip(req);
        if let Some(name) = &self.user_header
            && let Ok(value) = HeaderValue::from_bytes(&user)
        {
            req.headers_mut().insert(name.clone(), value);
        }
        req.extensions_mut().insert(AuthenticatedUser(user));
    }

    fn refuse<B: Default>(&self, decision: &Decision) -> Response<B> {
        let challenge_status = if self.proxy {
            StatusCode::PROXY_AUTHENTICATION_REQUIRED
        } else {
            StatusCode::UNAUTHORIZED
        };
        let (status, challenge) = match decision {
            Decision::Busy { .. } => (StatusCode::SERVICE_UNAVAILABLE, false),
            Decision::Throttled { .. } if self.throttled_status == StatusCode::UNAUTHORIZED => {
                (challenge_status, true)
            }
            Decision::Throttled { .. } => (StatusCode::TOO_MANY_REQUESTS, false),
            _ => (challenge_status, true),
        };
        let mut res = Response::new(B::default());
        *res.status_mut() = status;
        if challenge {
            let name = if self.proxy {
                header::PROXY_AUTHENTICATE
            } else {
                header::WWW_AUTHENTICATE
            };
            res.headers_mut().insert(name, self.challenge.clone());
        }
        if let Some(after) = decision.retry_after() {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_seconds(after)));
        }
        res
    }
}

/// Whole seconds, rounded up, at least 1.
fn retry_seconds(d: Duration) -> u64 {
    (d.as_secs() + u64::from(d.subsec_nanos() > 0)).max(1)
}

impl<S, ReqB, ResB> Service<Request<ReqB>> for Htpasswd<S>
where
    S: Service<Request<ReqB>, Response = Response<ResB>> + Clone,
    ResB: Default,
{
    type Response = Response<ResB>;
    type Error = S::Error;
    type Future = ResponseFuture<S, ReqB>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<ReqB>) -> Self::Future {
        // The service polled ready goes to this request; a clone stays for the next one.
        let clone = self.inner.clone();
        let mut inner = core::mem::replace(&mut self.inner, clone);
        let config = &self.config;
        if let Some(name) = &config.user_header {
            req.headers_mut().remove(name);
        }
        if config.is_exempt(req.uri().path()) {
            config.strip(&mut req);
            return ResponseFuture::inner(inner.call(req));
        }
        let credentials = req
            .headers()
            .get(config.credentials_header())
            .ok_or(basic::BasicError::NotBasic)
            .and_then(|v| basic::parse_basic(v.as_bytes(), config.max_header_len));
        let Ok(credentials) = credentials else {
            return ResponseFuture::ready(config.refuse(&Decision::Denied));
        };
        let client = client::resolve(
            config.peer(req.extensions()),
            req.headers(),
            &config.trusted,
            config.forwarded,
        );
        let mut check = config
            .auth
            .check_async(credentials.user(), credentials.password(), client);
        drop(credentials);
        // Answered without a hash (cache hit, throttle, busy): go on at once.
        let mut noop = Context::from_waker(Waker::noop());
        match Pin::new(&mut check).poll(&mut noop) {
            Poll::Ready(Decision::Allowed { user }) => {
                config.admit(&mut req, user);
                ResponseFuture::inner(inner.call(req))
            }
            Poll::Ready(other) => ResponseFuture::ready(config.refuse(&other)),
            Poll::Pending => ResponseFuture {
                state: State::Checking {
                    check,
                    req: Some(req),
                    inner: Some(inner),
                    config: Arc::clone(config),
                },
            },
        }
    }
}

pin_project! {
    /// The future of [`Htpasswd`]'s responses.
    pub struct ResponseFuture<S, ReqB>
    where
        S: Service<Request<ReqB>>,
    {
        #[pin]
        state: State<S, ReqB>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<S, ReqB>
    where
        S: Service<Request<ReqB>>,
    {
        Checking {
            check: CheckFuture,
            req: Option<Request<ReqB>>,
            inner: Option<S>,
            config: Arc<Config>,
        },
        Inner {
            #[pin]
            future: S::Future,
        },
        Ready {
            response: Option<S::Response>,
        },
    }
}

impl<S, ReqB> fmt::Debug for ResponseFuture<S, ReqB>
where
    S: Service<Request<ReqB>>,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ResponseFuture { .. }")
    }
}

impl<S, ReqB> ResponseFuture<S, ReqB>
where
    S: Service<Request<ReqB>>,
{
    fn inner(future: S::Future) -> Self {
        Self {
            state: State::Inner { future },
        }
    }

    fn ready(response: S::Response) -> Self {
        Self {
            state: State::Ready {
                response: Some(response),
            },
        }
    }
}

impl<S, ReqB, ResB> Future for ResponseFuture<S, ReqB>
where
    S: Service<Request<ReqB>, Response = Response<ResB>>,
    ResB: Default,
{
    type Output = Result<Response<ResB>, S::Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut state = self.project().state;
        loop {
            match state.as_mut().project() {
                StateProj::Checking {
                    check,
                    req,
                    inner,
                    config,
                } => {
                    let decision = match Pin::new(check).poll(cx) {
                        Poll::Ready(decision) => decision,
                        Poll::Pending => return Poll::Pending,
                    };
                    let config = Arc::clone(config);
                    let (Some(mut req), Some(mut inner), Decision::Allowed { user }) =
                        (req.take(), inner.take(), &decision)
                    else {
                        let response = config.refuse(&decision);
                        state.set(State::Ready { response: None });
                        return Poll::Ready(Ok(response));
                    };
                    config.admit(&mut req, user.clone());
                    let future = inner.call(req);
                    state.set(State::Inner { future });
                }
                StateProj::Inner { future } => return future.poll(cx),
                StateProj::Ready { response } => {
                    // Polled after completion: an empty 500 rather than a panic.
                    let response = response.take().unwrap_or_else(|| {
                        let mut r = Response::new(ResB::default());
                        *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
                        r
                    });
                    return Poll::Ready(Ok(response));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use std::convert::Infallible;
    use std::net::SocketAddr;
    use std::sync::Mutex;
    use std::task::Wake;

    use base64ct::{Base64, Encoding};
    use htpasswd_core::ThrottleConfig;

    use super::*;

    /// An inner service that records the user it saw and answers 200 (no axum: as hyper users
    /// would wire it).
    #[derive(Clone, Default)]
    struct Echo(Arc<Mutex<Vec<Option<AuthenticatedUser>>>>);

    impl Service<Request<()>> for Echo {
        type Response = Response<()>;
        type Error = Infallible;
        type Future = core::future::Ready<Result<Response<()>, Infallible>>;

        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, req: Request<()>) -> Self::Future {
            self.0
                .lock()
                .unwrap()
                .push(req.extensions().get::<AuthenticatedUser>().cloned());
            core::future::ready(Ok(Response::new(())))
        }
    }

    fn block_on<F: Future>(future: F) -> F::Output {
        struct Unpark(std::thread::Thread);
        impl Wake for Unpark {
            fn wake(self: Arc<Self>) {
                self.0.unpark();
            }
        }
        let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
        let mut cx = Context::from_waker(&waker);
        let mut future = core::pin::pin!(future);
        loop {
            if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
                return out;
            }
            std::thread::park();
        }
    }

    fn request(password: &str, peer: Option<SocketAddr>, as_client_addr: bool) -> Request<()> {
        let value = format!(
            "Basic {}",
            Base64::encode_string(format!("alice:{password}").as_bytes())
        );
        let mut req = Request::builder()
            .uri("/x")
            .header(header::AUTHORIZATION, value)
            .body(())
            .unwrap();
        match (peer, as_client_addr) {
            (Some(p), true) => {
                req.extensions_mut().insert(ClientAddr(p));
            }
            (Some(p), false) => {
                req.extensions_mut().insert(p);
            }
            (None, _) => {}
        }
        req
    }

    fn status(svc: &mut Htpasswd<Echo>, req: Request<()>) -> StatusCode {
        block_on(core::future::poll_fn(|cx| svc.poll_ready(cx))).unwrap();
        block_on(svc.call(req)).unwrap().status()
    }

    /// Without axum: the peer comes from a `ClientAddr` or `SocketAddr` extension, and requests
    /// without one share the `::` counter.
    #[test]
    fn client_address_extensions_and_the_hash_path() {
        let auth = Authenticator::builder()
            // `htpasswd -nbB -C 4 alice password`: uncached checks go through the pool.
            .bytes(&b"alice:$2y$04$GwFKH5XjDN95Nn/dsPCCxehn13Hu8otxXPIHVAvQn3WU1cuP3Z23W\n"[..])
            .throttle(ThrottleConfig::default().per_user_address(2, Duration::from_secs(60)))
            .build()
            .unwrap();
        let echo = Echo::default();
        let mut svc = HtpasswdLayer::new(auth.clone()).layer(echo.clone());
        let a: SocketAddr = "192.0.2.1:1000".parse().unwrap();
        let b: SocketAddr = "192.0.2.2:1000".parse().unwrap();
        for _ in 0..2 {
            assert_eq!(
                status(&mut svc, request("bad", Some(a), true)),
                StatusCode::UNAUTHORIZED
            );
        }
        // A (user, address) backed off through ClientAddr; B (a bare SocketAddr) is not.
        assert_eq!(
            status(&mut svc, request("bad", Some(a), false)),
            StatusCode::TOO_MANY_REQUESTS
        );
        assert_eq!(
            status(&mut svc, request("password", Some(b), false)),
            StatusCode::OK
        );
        assert!(auth.stats().hashes >= 3);
        // No address at all: counted under `::`.
        for _ in 0..2 {
            assert_eq!(
                status(&mut svc, request("bad", None, true)),
                StatusCode::UNAUTHORIZED
            );
        }
        assert_eq!(
            status(&mut svc, request("bad", None, true)),
            StatusCode::TOO_MANY_REQUESTS
        );
        let seen = echo.0.lock().unwrap();
        assert_eq!(
            seen.as_slice(),
            &[Some(AuthenticatedUser(b"alice".to_vec()))]
        );
    }
}
