//! `ingress-auth serve`: a forward-auth server on [`htpasswd_core::Authenticator`].
//!
//! One HTTP/1.1 listener (hyper on a tokio runtime) answers checks and `/healthz`, `/readyz`,
//! `/metrics` ([`http`]); with `--grpc-listen`, a second one answers Envoy's ext_authz
//! `Authorization/Check` over gRPC ([`grpc`]); a task logs every reload the authenticator's thread does ([`log`]);
//! `/metrics` is [`metrics`]. Bounds: request heads over 16 KiB are refused by hyper (431), a
//! head must arrive within 10 s, a check is answered within 10 s (503 after that), and a
//! SIGTERM or SIGINT drains for at most 30 s.

mod grpc;
mod http;
mod log;
mod metrics;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use ::http::header::{HeaderName, HeaderValue};
use envoy_types::ext_authz::v3::pb::AuthorizationServer;
use htpasswd_core::Authenticator;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::signal::unix::{SignalKind, signal};

use self::http::State;
use self::log::{Format, Log, Value};
use self::metrics::Metrics;
use crate::args::ServeCmd;
use crate::cmd::Output;
use crate::error::Error;

/// Longest request head (request line and headers) read.
const MAX_HEAD: usize = 16 * 1024;
/// Longest wait for a request head once a connection is open or idle between requests.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest drain after SIGTERM.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);
/// Largest gRPC `CheckRequest` decoded (Envoy sends headers, and the body only when told to).
const MAX_GRPC_MESSAGE: usize = 256 * 1024;
/// How often the reload status is looked at for the log.
const RELOAD_LOG_PERIOD: Duration = Duration::from_millis(200);

/// Runs the server until SIGTERM or SIGINT.
///
/// # Errors
/// Bad `--user-header`; the listener cannot be bound; the runtime or the authenticator cannot
/// start; the htpasswd file exists but is not an htpasswd file.
pub(crate) fn serve(cmd: &ServeCmd) -> Result<Output, Error> {
    let user_header = HeaderName::from_bytes(cmd.user_header.as_bytes()).map_err(|_| {
        Error::input(format!(
            "--user-header: not a header name: {:?}",
            cmd.user_header
        ))
    })?;
    let challenge = HeaderValue::from_str(&tower_htpasswd::basic::challenge(&cmd.realm))
        .map_err(|_| Error::input("--realm: cannot be sent in a header"))?;
    let log = Log::new(if cmd.log_format == "json" {
        Format::Json
    } else {
        Format::Text
    });
    let auth = Authenticator::builder()
        .file(&cmd.htpasswd)
        .reload_interval(cmd.reload_interval)
        .allow_missing(true)
        .build()
        .map_err(|e| Error::input(format!("--htpasswd: {e}")))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io(format!("cannot start the runtime: {e}")))?;
    let state = Arc::new(State {
        metrics: Metrics::new(&auth),
        auth,
        challenge,
        user_header,
        trusted: cmd.trusted_proxies.clone(),
        log,
    });
    runtime.block_on(run(cmd.listen, cmd.grpc_listen, state))?;
    Ok(Output::default())
}

async fn run(
    listen: SocketAddr,
    grpc_listen: Option<SocketAddr>,
    state: Arc<State>,
) -> Result<(), Error> {
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|e| Error::io(format!("--listen {listen}: {e}")))?;
    let local = listener
        .local_addr()
        .map_err(|e| Error::io(format!("--listen {listen}: {e}")))?;
    let grpc_listener = match grpc_listen {
        Some(addr) => {
            let l = TcpListener::bind(addr)
                .await
                .map_err(|e| Error::io(format!("--grpc-listen {addr}: {e}")))?;
            let bound = l
                .local_addr()
                .map_err(|e| Error::io(format!("--grpc-listen {addr}: {e}")))?;
            Some((l, bound))
        }
        None => None,
    };
    let mut term = signal(SignalKind::terminate())
        .map_err(|e| Error::io(format!("cannot handle SIGTERM: {e}")))?;
    let mut int = signal(SignalKind::interrupt())
        .map_err(|e| Error::io(format!("cannot handle SIGINT: {e}")))?;
    let address = format!("http://{local}");
    state.log.line(&[
        ("level", Value::Str("info")),
        ("event", Value::Str("listening")),
        ("address", Value::Str(&address)),
    ]);
    let (stop_grpc, stopped) = tokio::sync::watch::channel(false);
    let grpc = grpc_listener.map(|(l, bound)| {
        let address = format!("grpc://{bound}");
        state.log.line(&[
            ("level", Value::Str("info")),
            ("event", Value::Str("listening")),
            ("address", Value::Str(&address)),
        ]);
        let service = AuthorizationServer::new(grpc::Check {
            state: Arc::clone(&state),
        })
        .max_decoding_message_size(MAX_GRPC_MESSAGE);
        let mut stopped = stopped.clone();
        let incoming = tonic::transport::server::TcpIncoming::from(l).with_nodelay(Some(true));
        tokio::spawn(async move {
            tonic::transport::Server::builder()
                .timeout(http::CHECK_TIMEOUT + Duration::from_secs(1))
                .http2_keepalive_interval(Some(Duration::from_secs(60)))
                .add_service(service)
                .serve_with_incoming_shutdown(incoming, async move {
                    let _ = stopped.wait_for(|s| *s).await;
                })
                .await
        })
    });
    let reloads = tokio::spawn(log_reloads(Arc::clone(&state)));
    let graceful = GracefulShutdown::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        // Out of file descriptors and the like: back off, keep serving.
                        let message = e.to_string();
                        state.log.line(&[
                            ("level", Value::Str("error")),
                            ("event", Value::Str("accept")),
                            ("error", Value::Str(&message)),
                        ]);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let state = Arc::clone(&state);
                let service = service_fn(move |req| {
                    let state = Arc::clone(&state);
                    async move { Ok::<_, Infallible>(http::handle(&state, req, peer.ip()).await) }
                });
                let conn = http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(HEAD_TIMEOUT)
                    .max_buf_size(MAX_HEAD)
                    .serve_connection(TokioIo::new(stream), service);
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    // A client that hung up or sent garbage: nothing to do.
                    let _ = conn.await;
                });
            }
            _ = term.recv() => break,
            _ = int.recv() => break,
        }
    }
    drop(listener);
    state.log.line(&[
        ("level", Value::Str("info")),
        ("event", Value::Str("shutdown")),
        (
            "detail",
            Value::Str("stopped accepting; draining checks in flight"),
        ),
    ]);
    let _ = stop_grpc.send(true);
    let drain = async {
        graceful.shutdown().await;
        if let Some(grpc) = grpc {
            let _ = grpc.await;
        }
    };
    let drained = tokio::time::timeout(DRAIN_TIMEOUT, drain).await.is_ok();
    reloads.abort();
    state.log.line(&[
        ("level", Value::Str(if drained { "info" } else { "warn" })),
        ("event", Value::Str("stopped")),
        (
            "drained",
            Value::Str(if drained { "true" } else { "false" }),
        ),
    ]);
    Ok(())
}

/// Logs the state at start, then one line per load and per refused load.
async fn log_reloads(state: Arc<State>) {
    let mut seen = (0, 0);
    let mut first = true;
    loop {
        let status = state.auth.reload_status();
        if first || (status.loads, status.failures) != seen {
            if status.loads != seen.0 {
                state.log.line(&[
                    ("level", Value::Str("info")),
                    ("event", Value::Str("reload")),
                    ("outcome", Value::Str("loaded")),
                    ("users", Value::Num(status.users as u64)),
                    ("loads", Value::Num(status.loads)),
                ]);
            }
            if status.failures != seen.1 || (first && status.loads == 0) {
                let error = status
                    .last_error
                    .as_ref()
                    .map_or_else(|| "no htpasswd file loaded".to_owned(), ToString::to_string);
                let kept = if status.loads == 0 {
                    "none: every check is refused"
                } else {
                    "the last good file"
                };
                state.log.line(&[
                    ("level", Value::Str("error")),
                    ("event", Value::Str("reload")),
                    ("outcome", Value::Str("failed")),
                    ("error", Value::Str(&error)),
                    ("in_force", Value::Str(kept)),
                    ("failures", Value::Num(status.failures)),
                ]);
            }
            seen = (status.loads, status.failures);
            first = false;
        }
        tokio::time::sleep(RELOAD_LOG_PERIOD).await;
    }
}
