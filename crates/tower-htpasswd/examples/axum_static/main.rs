//! Serves a directory behind HTTP Basic authentication from an htpasswd file, reloaded when it
//! changes:
//!
//! ```text
//! cargo run --release -p tower-htpasswd --example axum_static -- \
//!     --htpasswd FILE --listen 127.0.0.1:PORT [--realm REALM] [--exempt PATH]... \
//!     [--exempt-prefix PREFIX]... [--no-auth] DIR
//! ```
//!
//! `/healthz` answers without authentication (200, or 503 until the file has loaded); `/hello`
//! answers `hello` (behind the layer) without touching the disk; every other path is a file
//! under DIR (`files.rs`: small files read inline, the rest by tower-http's `ServeDir`).
//! `--no-auth` serves the same app without the layer (to measure the layer's cost).

#![allow(clippy::print_stderr)]

mod files;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use axum::Router;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::serve::ListenerExt;
use htpasswd_core::Authenticator;
use tower_htpasswd::HtpasswdLayer;

struct Args {
    htpasswd: PathBuf,
    listen: SocketAddr,
    dir: PathBuf,
    realm: String,
    exempt: Vec<String>,
    exempt_prefix: Vec<String>,
    no_auth: bool,
}

const USAGE: &str = "usage: axum_static --htpasswd FILE --listen ADDR:PORT [--realm REALM] \
                     [--exempt PATH]... [--exempt-prefix PREFIX]... [--no-auth] DIR";

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let (mut htpasswd, mut listen, mut dir) = (None, None, None);
    let mut realm = "Restricted".to_owned();
    let (mut exempt, mut exempt_prefix, mut no_auth) = (Vec::new(), Vec::new(), false);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--htpasswd" => htpasswd = Some(PathBuf::from(value("--htpasswd")?)),
            "--listen" => {
                let v = value("--listen")?;
                listen = Some(v.parse().map_err(|_| format!("bad --listen {v:?}"))?);
            }
            "--realm" => realm = value("--realm")?,
            "--exempt" => exempt.push(value("--exempt")?),
            "--exempt-prefix" => exempt_prefix.push(value("--exempt-prefix")?),
            "--no-auth" => no_auth = true,
            "-h" | "--help" => return Err(String::new()),
            other if other.starts_with('-') => return Err(format!("unknown option {other}")),
            other => dir = Some(PathBuf::from(other)),
        }
    }
    Ok(Args {
        htpasswd: htpasswd.ok_or("--htpasswd is required")?,
        listen: listen.ok_or("--listen is required")?,
        dir: dir.ok_or("DIR is required")?,
        realm,
        exempt,
        exempt_prefix,
        no_auth,
    })
}

async fn healthz(State(auth): State<Authenticator>) -> StatusCode {
    if auth.is_ready() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("axum_static: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let auth = match Authenticator::builder()
        .file(&args.htpasswd)
        .allow_missing(true)
        .build()
    {
        Ok(auth) => auth,
        Err(e) => {
            eprintln!("axum_static: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut layer = HtpasswdLayer::new(auth.clone())
        .realm(&args.realm)
        .exempt_path("/healthz")
        .client_addr(|ext| ext.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip()));
    for path in args.exempt {
        layer = layer.exempt_path(path);
    }
    for prefix in args.exempt_prefix {
        layer = layer.exempt_prefix(prefix);
    }
    let app = Router::new()
        .route("/healthz", get(healthz))
        // A response without file I/O, to measure authentication apart from file serving.
        .route("/hello", get(|| async { "hello\n" }))
        .with_state(auth)
        .fallback(files::serve)
        .with_state(files::StaticFiles::new(&args.dir));
    let app = if args.no_auth { app } else { app.layer(layer) };
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("axum_static: cannot listen on {}: {e}", args.listen);
            return ExitCode::FAILURE;
        }
    };
    // Without TCP_NODELAY, a response written in two parts (ServeDir: head, then body) waits for
    // the client's delayed ACK: 40 ms per request on Linux.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await;
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("axum_static: {e}");
            ExitCode::FAILURE
        }
    }
}
