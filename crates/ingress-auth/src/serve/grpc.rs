//! `--grpc-listen`: Envoy's external authorization service,
//! `envoy.service.auth.v3.Authorization/Check` (protos and server trait from `envoy-types`,
//! served by tonic).
//!
//! | check | gRPC status | `http_response` |
//! |---|---|---|
//! | allowed | OK | `ok_response`: the user header set (overwriting a client-sent one) |
//! | missing, malformed, wrong, not loaded | UNAUTHENTICATED | `denied_response`: HTTP 401, `WWW-Authenticate` |
//! | throttled | UNAUTHENTICATED | `denied_response`: HTTP 401, `WWW-Authenticate`, `Retry-After` |
//! | hash pool full | UNAVAILABLE | `denied_response`: HTTP 503, `Retry-After` |
//!
//! The client address is the `CheckRequest`'s source address (Envoy's downstream peer, after
//! its own `X-Forwarded-For` handling); when that is inside a `--trusted-proxy` range, the
//! forwarded request's `X-Forwarded-For` / `X-Real-IP` as over HTTP. Without a source address,
//! the gRPC peer.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

use envoy_types::ext_authz::v3::pb::{
    Authorization, CheckRequest, CheckResponse, DeniedHttpResponse, HeaderAppendAction,
    HttpStatusCode,
};
use envoy_types::ext_authz::v3::{
    CheckRequestExt as _, CheckResponseExt as _, DeniedHttpResponseBuilder, OkHttpResponseBuilder,
};
use http::HeaderMap;
use http::header::{HeaderName, HeaderValue};

use super::http::{State, Verdict, client_of, decide, retry_seconds};

/// The Authorization service over the shared state.
#[derive(Debug)]
pub(crate) struct Check {
    pub(crate) state: Arc<State>,
}

/// The forwarded request's headers (`headers`, or `header_map` with Envoy's
/// `encode_raw_headers`), as an HTTP header map (names lower-cased; unusable entries skipped).
fn request_headers(req: &CheckRequest) -> HeaderMap {
    let mut map = HeaderMap::new();
    let Some(http) = req
        .attributes
        .as_ref()
        .and_then(|a| a.request.as_ref())
        .and_then(|r| r.http.as_ref())
    else {
        return map;
    };
    let mut add = |name: &str, value: &[u8]| {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.to_ascii_lowercase().as_bytes()),
            HeaderValue::from_bytes(value),
        ) {
            map.append(name, value);
        }
    };
    for (name, value) in &http.headers {
        add(name, value.as_bytes());
    }
    if let Some(raw) = &http.header_map {
        for h in &raw.headers {
            let value = if h.raw_value.is_empty() {
                h.value.as_bytes()
            } else {
                &h.raw_value
            };
            add(&h.key, value);
        }
    }
    map
}

#[tonic::async_trait]
impl Authorization for Check {
    async fn check(
        &self,
        request: tonic::Request<CheckRequest>,
    ) -> Result<tonic::Response<CheckResponse>, tonic::Status> {
        let started = Instant::now();
        let state = &self.state;
        let peer = request.remote_addr().map(|a| a.ip());
        let req = request.into_inner();
        let headers = request_headers(&req);
        let source = req
            .get_client_address()
            .and_then(|a| a.parse::<IpAddr>().ok())
            .or(peer)
            .unwrap_or(IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED));
        let client = client_of(source, &headers, &state.trusted);
        let authorization = headers
            .get(http::header::AUTHORIZATION)
            .map(HeaderValue::as_bytes);
        let (outcome, user, verdict) = decide(&state.auth, authorization, client).await;
        let mut response = CheckResponse::default();
        match verdict {
            Verdict::Allowed(value) => {
                let mut ok = OkHttpResponseBuilder::new();
                ok.add_header(
                    state.user_header.as_str(),
                    String::from_utf8_lossy(value.as_bytes()),
                    Some(HeaderAppendAction::OverwriteIfExistsOrAdd),
                    false,
                );
                response
                    .set_status(tonic::Status::ok(""))
                    .set_http_response(ok.build());
            }
            Verdict::Challenge(retry_after) => {
                let mut denied = DeniedHttpResponseBuilder::new();
                denied
                    .set_http_status(HttpStatusCode::Unauthorized)
                    .add_header(
                        "www-authenticate",
                        String::from_utf8_lossy(state.challenge.as_bytes()),
                        None,
                        false,
                    )
                    .set_body("authentication required\n");
                if let Some(after) = retry_after {
                    denied.add_header("retry-after", retry_seconds(after).to_string(), None, false);
                }
                response
                    .set_status(tonic::Status::unauthenticated("authentication required"))
                    .set_http_response(denied.build());
            }
            Verdict::Busy(retry_after) => {
                let denied: DeniedHttpResponse = {
                    let mut b = DeniedHttpResponseBuilder::new();
                    b.set_http_status(HttpStatusCode::ServiceUnavailable)
                        .add_header(
                            "retry-after",
                            retry_seconds(retry_after).to_string(),
                            None,
                            false,
                        )
                        .set_body("busy, try again\n");
                    b.build()
                };
                response
                    .set_status(tonic::Status::unavailable("busy"))
                    .set_http_response(denied);
            }
        }
        state
            .metrics
            .check("grpc", outcome, started.elapsed().as_secs_f64());
        if outcome != "allowed" {
            state.log.refused("grpc", outcome, user.as_deref(), client);
        }
        Ok(tonic::Response::new(response))
    }
}
