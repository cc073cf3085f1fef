//! The HTTP answers: a check for any method and path, and the three endpoints `/healthz`,
//! `/readyz` and `/metrics`.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use htpasswd_core::{Authenticator, Decision};
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Bytes;
use tower_htpasswd::basic::{DEFAULT_MAX_HEADER_LEN, parse_basic};
use tower_htpasswd::{ForwardedHeader, IpNet, client_ip};

use super::log::Log;
use super::metrics::Metrics;

/// Longest a check may take before it is answered 503 (hash queue stuck, pool starved).
pub(crate) const CHECK_TIMEOUT: Duration = Duration::from_secs(10);

/// What every connection shares.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) auth: Authenticator,
    pub(crate) challenge: HeaderValue,
    pub(crate) user_header: HeaderName,
    pub(crate) trusted: Vec<IpNet>,
    pub(crate) metrics: Metrics,
    pub(crate) log: Log,
}

/// Headers a proxy adds to a forwarded check: a request to `/healthz`, `/readyz` or `/metrics`
/// that has one is checked like any other path (a proxy that sends the original path, Envoy's
/// ext_authz for one, must not turn `https://site/metrics` into an unchecked 200).
const FORWARDING_HEADERS: [&str; 10] = [
    "x-forwarded-for",
    "x-forwarded-uri",
    "x-forwarded-host",
    "x-forwarded-proto",
    "x-forwarded-method",
    "x-original-uri",
    "x-original-url",
    "x-original-method",
    "x-real-ip",
    "forwarded",
];

/// The response body type.
pub(crate) type Body = Full<Bytes>;

fn text(status: StatusCode, body: &'static str) -> Response<Body> {
    let mut res = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    *res.status_mut() = status;
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    res
}

/// Whether the request is for one of the endpoints (not a check).
fn is_endpoint(path: &str, headers: &HeaderMap) -> bool {
    matches!(path, "/healthz" | "/readyz" | "/metrics")
        && !headers.contains_key(header::AUTHORIZATION)
        && !FORWARDING_HEADERS.iter().any(|h| headers.contains_key(*h))
}

/// The client address a check is counted under: the peer, or what a trusted peer forwarded
/// (X-Forwarded-For when present, else X-Real-IP).
pub(crate) fn client_of(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let header = if headers.contains_key("x-forwarded-for") {
        ForwardedHeader::XForwardedFor
    } else {
        ForwardedHeader::XRealIp
    };
    client_ip(Some(peer), headers, trusted, header)
}

/// Answers one request.
pub(crate) async fn handle<B>(state: &State, req: Request<B>, peer: IpAddr) -> Response<Body> {
    let path = req.uri().path();
    if is_endpoint(path, req.headers()) {
        return match path {
            "/healthz" => text(StatusCode::OK, "ok\n"),
            "/readyz" if state.auth.is_ready() => text(StatusCode::OK, "ready\n"),
            "/readyz" => text(
                StatusCode::SERVICE_UNAVAILABLE,
                "not ready: no htpasswd file loaded\n",
            ),
            _ => {
                let mut res = Response::new(Full::new(Bytes::from(state.metrics.render())));
                res.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(
                        "application/openmetrics-text; version=1.0.0; charset=utf-8",
                    ),
                );
                res
            }
        };
    }
    let started = Instant::now();
    let client = client_of(peer, req.headers(), &state.trusted);
    let (outcome, user, res) = check(state, req.headers(), client).await;
    state
        .metrics
        .check("http", outcome, started.elapsed().as_secs_f64());
    if outcome != "allowed" {
        state.log.refused("http", outcome, user.as_deref(), client);
    }
    res
}

/// What a check decided, before it is put in a protocol's terms.
pub(crate) enum Verdict {
    /// 200 (gRPC OK) with the user name in the user header.
    Allowed(HeaderValue),
    /// 401 (gRPC UNAUTHENTICATED) with the challenge, and `Retry-After` when throttled.
    Challenge(Option<Duration>),
    /// 503 (gRPC UNAVAILABLE) with `Retry-After`.
    Busy(Duration),
}

/// Checks an `Authorization` header value from `client`: (outcome, user name given, verdict).
/// Shared by HTTP and gRPC.
pub(crate) async fn decide(
    auth: &Authenticator,
    authorization: Option<&[u8]>,
    client: IpAddr,
) -> (&'static str, Option<Vec<u8>>, Verdict) {
    let Some(value) = authorization else {
        return ("missing", None, Verdict::Challenge(None));
    };
    let Ok(credentials) = parse_basic(value, DEFAULT_MAX_HEADER_LEN) else {
        return ("malformed", None, Verdict::Challenge(None));
    };
    let user = credentials.user().to_vec();
    let future = auth.check_async(credentials.user(), credentials.password(), client);
    drop(credentials);
    let Ok(decision) = tokio::time::timeout(CHECK_TIMEOUT, future).await else {
        return ("busy", Some(user), Verdict::Busy(Duration::from_secs(1)));
    };
    match decision {
        Decision::Allowed { user } => match HeaderValue::from_bytes(&user) {
            Ok(value) => ("allowed", Some(user), Verdict::Allowed(value)),
            // A name with control characters cannot be sent in a header: refuse rather than
            // admit a request the upstream cannot attribute.
            Err(_) => ("error", Some(user), Verdict::Challenge(None)),
        },
        Decision::Throttled { retry_after } => (
            "throttled",
            Some(user),
            Verdict::Challenge(Some(retry_after)),
        ),
        Decision::Busy { retry_after } => ("busy", Some(user), Verdict::Busy(retry_after)),
        // `Decision` is non-exhaustive: anything else is a refusal.
        _ => ("denied", Some(user), Verdict::Challenge(None)),
    }
}

/// Checks the credentials of a request: (outcome, user name given, response).
async fn check(
    state: &State,
    headers: &HeaderMap,
    client: IpAddr,
) -> (&'static str, Option<Vec<u8>>, Response<Body>) {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .map(HeaderValue::as_bytes);
    let (outcome, user, verdict) = decide(&state.auth, authorization, client).await;
    let res = match verdict {
        Verdict::Allowed(value) => {
            let mut res = text(StatusCode::OK, "ok\n");
            res.headers_mut().insert(state.user_header.clone(), value);
            res
        }
        Verdict::Challenge(retry_after) => challenge(state, retry_after),
        Verdict::Busy(retry_after) => busy(retry_after),
    };
    (outcome, user, res)
}

/// 401 with the challenge (and `Retry-After` when throttled).
fn challenge(state: &State, retry_after: Option<Duration>) -> Response<Body> {
    let mut res = text(StatusCode::UNAUTHORIZED, "authentication required\n");
    res.headers_mut()
        .insert(header::WWW_AUTHENTICATE, state.challenge.clone());
    if let Some(after) = retry_after {
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(retry_seconds(after)));
    }
    res
}

/// 503 with `Retry-After`.
fn busy(retry_after: Duration) -> Response<Body> {
    let mut res = text(StatusCode::SERVICE_UNAVAILABLE, "busy, try again\n");
    res.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from(retry_seconds(retry_after)),
    );
    res
}

/// Whole seconds, rounded up, at least 1.
pub(crate) fn retry_seconds(d: Duration) -> u64 {
    (d.as_secs() + u64::from(d.subsec_nanos() > 0)).max(1)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn endpoints_with_forwarding_headers_are_checks() {
        let mut headers = HeaderMap::new();
        assert!(is_endpoint("/metrics", &headers));
        assert!(!is_endpoint("/metrics/", &headers));
        assert!(!is_endpoint("/", &headers));
        headers.insert("x-original-uri", HeaderValue::from_static("/metrics"));
        assert!(!is_endpoint("/metrics", &headers));
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic x"));
        assert!(!is_endpoint("/healthz", &headers));
    }

    #[test]
    fn client_addresses() {
        let trusted: Vec<IpNet> = vec!["127.0.0.1/32".parse().unwrap()];
        let proxy: IpAddr = "127.0.0.1".parse().unwrap();
        let other: IpAddr = "192.0.2.9".parse().unwrap();
        let mut headers = HeaderMap::new();
        assert_eq!(client_of(proxy, &headers, &trusted), proxy);
        headers.insert("x-real-ip", HeaderValue::from_static("198.51.100.1"));
        assert_eq!(
            client_of(proxy, &headers, &trusted),
            "198.51.100.1".parse::<IpAddr>().unwrap()
        );
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("203.0.113.5, 198.51.100.7, 127.0.0.1"),
        );
        assert_eq!(
            client_of(proxy, &headers, &trusted),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
        // An untrusted peer's headers are ignored.
        assert_eq!(client_of(other, &headers, &trusted), other);
    }

    #[test]
    fn retry_rounds_up() {
        assert_eq!(retry_seconds(Duration::from_millis(1)), 1);
        assert_eq!(retry_seconds(Duration::from_millis(1500)), 2);
        assert_eq!(retry_seconds(Duration::ZERO), 1);
    }
}
