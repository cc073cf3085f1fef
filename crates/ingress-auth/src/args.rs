//! Command-line flags as parsed (clap derive). No work is done here: `request.rs` and
//! `user_set.rs` turn these into requests, which the library validates. Flags that name a
//! library value (`--controller`, `--scheme`, ...) hold the library's type, parsed by
//! `values.rs` from the library's own list.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use htpasswd_k8s::{Controller, Format, HashScheme, PathType, SecretType};

use crate::values;

/// Basic-auth Secrets and annotated Ingresses (or the controller's own resources) for
/// ingress-nginx, Traefik, Envoy Gateway, NGINX Inc and HAProxy, ready for `kubectl apply -f -`.
#[derive(Debug, Parser)]
#[command(
    name = "ingress-auth",
    version,
    about,
    long_about = None,
    after_long_help = "Exit status: 0 done; 1 a file, the output or the random number generator \
                       failed; 2 bad flags or input (also: a generated password with stderr not \
                       a terminal and neither --credentials-file nor --show-passwords); 3 verify: \
                       the password does not match; 6 verify: no such user."
)]
pub(crate) struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Print an auth Secret (htpasswd users) for the controller.
    Secret(SecretCmd),
    /// Print an Ingress with the basic-auth annotations (and Traefik's Middleware, or Envoy
    /// Gateway's SecurityPolicy and HTTPRoute).
    Ingress(IngressCmd),
    /// Print the Secret and the auth resources as one stream (Secret first), optionally with a
    /// NetworkPolicy.
    Generate(Box<GenerateCmd>),
    /// Add the auth annotations to the Ingresses of a YAML or JSON stream.
    Annotate(AnnotateCmd),
    /// Check a user's password against an auth Secret manifest (exit 0 match, 3 mismatch, 6
    /// no such user). The password is read from standard input.
    ///
    /// The password is one line of standard input (a trailing newline is removed), or typed at
    /// a prompt without echo when standard input is a terminal. Empty standard input is an
    /// error (exit 2), not a mismatch.
    Verify(VerifyCmd),
    /// List the users of an auth Secret manifest, their hash schemes, and who can check them.
    Users(UsersCmd),
    /// Turn an ingress-nginx basic-auth Ingress and its Secret into another controller's.
    Migrate(MigrateCmd),
    /// Serve forward-auth checks against an htpasswd file (nginx auth_request, Traefik
    /// ForwardAuth, Caddy forward_auth, Envoy ext_authz over HTTP, the Gateway API ExternalAuth
    /// filter).
    ///
    /// Any method and path except /healthz, /readyz and /metrics is a check of its
    /// `Authorization: Basic` header: 200 with the user name in the user header; 401 with
    /// `WWW-Authenticate: Basic realm="REALM", charset="UTF-8"` when missing, malformed or wrong
    /// (also while the file has never loaded: fail closed); 401 with the challenge and
    /// Retry-After when the client address is throttled for guessing; 503 with Retry-After when
    /// the hash pool is full. /healthz answers 200 while the process runs, /readyz 200 once the
    /// file has loaded, /metrics the Prometheus text format. A request to those three paths that
    /// carries a forwarding header (X-Forwarded-For, X-Original-URI, ...) or Authorization is
    /// a check like any other, so a proxy forwarding the original path cannot bypass the check.
    /// The file is reloaded when it changes (a Secret volume's ..data swap included); a bad new
    /// file keeps the last good one. SIGTERM stops accepting, drains checks in flight, exits 0.
    Serve(ServeCmd),
}

/// Name, namespace and output format, shared by every manifest command.
#[derive(Debug, Args)]
pub(crate) struct ObjectArgs {
    /// Object name (DNS-1123 subdomain).
    #[arg(long, value_name = "NAME")]
    pub(crate) name: String,
    /// Namespace (DNS-1123 label); omitted: left to `kubectl apply -n`.
    #[arg(short = 'n', long, value_name = "NS")]
    pub(crate) namespace: Option<String>,
    /// Output format.
    #[arg(short = 'o', long, value_parser = values::formats(), default_value = "yaml")]
    pub(crate) output: Format,
    /// The ingress controller the manifests are for.
    #[arg(long, value_parser = values::controllers(), default_value = "ingress-nginx")]
    pub(crate) controller: Controller,
}

/// Envoy Gateway's route.
#[derive(Debug, Args)]
pub(crate) struct RouteArgs {
    /// envoy-gateway: the HTTPRoute the SecurityPolicy targets (default: --name).
    #[arg(long, value_name = "NAME")]
    pub(crate) httproute: Option<String>,
    /// Gateway API targets: also write the HTTPRoute, attached to this Gateway (NAME or
    /// NS/NAME), from --host/--service/--port/--path/--rule (required for gateway-api and
    /// istio; istio's AuthorizationPolicy targets this Gateway).
    #[arg(long, value_name = "NAME")]
    pub(crate) gateway: Option<String>,
}

/// Where the users come from (any mix).
#[derive(Debug, Args)]
pub(crate) struct UserArgs {
    /// A user: NAME (a strong random password is generated) or NAME:PASSWORD. Repeatable.
    #[arg(long = "user", value_name = "NAME[:PASSWORD]")]
    pub(crate) users: Vec<String>,
    /// A file of NAME:PASSWORD lines (blank lines and lines starting with # are skipped).
    #[arg(long, value_name = "FILE")]
    pub(crate) users_file: Vec<PathBuf>,
    /// Read the password of the one --user NAME from standard input.
    #[arg(long)]
    pub(crate) password_stdin: bool,
    /// An existing htpasswd file, taken as it is (CRLF normalised). Not for kong, which takes
    /// passwords in clear.
    #[arg(long, value_name = "FILE")]
    pub(crate) htpasswd: Vec<PathBuf>,
    /// Hash scheme for passwords given in clear [default: apr1; envoy-gateway: sha1; haproxy:
    /// sha512; kong: none, Kong hashes the password itself].
    #[arg(long, value_parser = values::schemes())]
    pub(crate) scheme: Option<HashScheme>,
    /// How the Secret holds its users [default: auth-file; haproxy: auth-map].
    #[arg(long, value_parser = values::secret_types())]
    pub(crate) secret_type: Option<SecretType>,
    /// Write generated NAME:PASSWORD lines to this new file (mode 0600) instead of stderr.
    /// Without it, generated passwords are printed on stderr only when stderr is a terminal.
    #[arg(long, value_name = "FILE")]
    pub(crate) credentials_file: Option<PathBuf>,
    /// Print generated NAME:PASSWORD lines on stderr even when it is not a terminal (where a
    /// log may keep them).
    #[arg(long, conflicts_with = "credentials_file")]
    pub(crate) show_passwords: bool,
}

/// The Ingress's routing, TLS and auth annotations.
#[derive(Debug, Args)]
pub(crate) struct IngressArgs {
    /// Host of the main rule (lower-case DNS name, optionally *.).
    #[arg(long, value_name = "HOST")]
    pub(crate) host: Option<String>,
    /// Backend Service of the main rule.
    #[arg(long, value_name = "SVC")]
    pub(crate) service: Option<String>,
    /// Backend Service port of the main rule: number or name.
    #[arg(long, value_name = "PORT|PORTNAME")]
    pub(crate) port: Option<String>,
    /// Path of the main rule.
    #[arg(long, value_name = "PATH", default_value = "/")]
    pub(crate) path: String,
    /// Path type of the main rule.
    #[arg(long, value_parser = values::path_types(), default_value = "Prefix")]
    pub(crate) path_type: PathType,
    /// More rules in kubectl's syntax: host/path=svc:port[,tls[=secret]] (path* = Prefix).
    #[arg(long = "rule", value_name = "RULE")]
    pub(crate) rules: Vec<String>,
    /// IngressClass name (spec.ingressClassName).
    #[arg(long, value_name = "CLASS")]
    pub(crate) class: Option<String>,
    /// TLS Secret for the main rule's host.
    #[arg(long, value_name = "NAME")]
    pub(crate) tls_secret: Option<String>,
    /// cert-manager ClusterIssuer (annotation cert-manager.io/cluster-issuer).
    #[arg(long, value_name = "NAME")]
    pub(crate) cluster_issuer: Option<String>,
    /// The realm shown in the browser's login prompt.
    #[arg(
        long,
        value_name = "TEXT",
        default_value = "Authentication Required",
        allow_hyphen_values = true
    )]
    pub(crate) realm: String,
    /// Turn off the HTTP to HTTPS redirect (ingress-nginx, nginx-inc, haproxy annotation).
    #[arg(long)]
    pub(crate) no_ssl_redirect: bool,
    /// A path served without auth, on a second Ingress (HTTPRoute) NAME-no-auth with the
    /// backend of the rule that routes it: PATH is Exact, PATH* a Prefix. Repeatable.
    #[arg(long = "no-auth-path", value_name = "PATH")]
    pub(crate) no_auth_paths: Vec<String>,
}

/// The NetworkPolicy that admits the backend's pods only from the controller's pods.
#[derive(Debug, Args)]
pub(crate) struct NetworkPolicyArgs {
    /// Also write a NetworkPolicy admitting the backend's pods only from the controller's pods
    /// (basic auth at the ingress guards only traffic that passes the ingress).
    #[arg(long)]
    pub(crate) network_policy: bool,
    /// A label KEY=VALUE of the backend's pods. Repeatable.
    #[arg(long, value_name = "KEY=VALUE", requires = "network_policy")]
    pub(crate) pod_selector: Vec<String>,
    /// The backend pods' port (the Service's targetPort): number or name.
    #[arg(long, value_name = "PORT|PORTNAME", requires = "network_policy")]
    pub(crate) target_port: Option<String>,
    /// The namespace of the controller's pods (--network-policy, --auth-server) [default: the
    /// controller's Helm chart's].
    #[arg(long, value_name = "NS")]
    pub(crate) controller_namespace: Option<String>,
    /// A label KEY=VALUE of the controller's pods (--network-policy, --auth-server).
    /// Repeatable [default: the controller's app.kubernetes.io/name].
    #[arg(long, value_name = "KEY=VALUE")]
    pub(crate) controller_selector: Vec<String>,
}

/// The forward-auth server (`ingress-auth serve` in the cluster) instead of the controller's
/// own basic auth.
#[derive(Debug, Args)]
pub(crate) struct AuthServerArgs {
    /// Check passwords with `ingress-auth serve` running in the cluster from this image (no
    /// default: build it from the Containerfile and push it to your registry): also writes its
    /// Deployment, Service, PodDisruptionBudget and NetworkPolicy (NAME-auth-server), and wires
    /// the controller to it (ingress-nginx auth-url, traefik forwardAuth, envoy-gateway extAuth,
    /// kgateway GatewayExtension, gateway-api ExternalAuth filter, istio AuthorizationPolicy
    /// CUSTOM with the meshConfig extension provider as a comment).
    /// Every hash scheme serve checks is kept (apr1, bcrypt, SHA-crypt, {SHA}, ...). Needs
    /// --namespace.
    #[arg(long, value_name = "IMAGE")]
    pub(crate) auth_server: Option<String>,
    /// A network whose X-Forwarded-For names the client (serve --trusted-proxy): the
    /// controller's pod CIDR. Repeatable [default: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16,
    /// 100.64.0.0/10, fd00::/8; only the controller's pods can reach the server].
    #[arg(long = "trusted-proxy", value_name = "CIDR", requires = "auth_server")]
    pub(crate) trusted_proxies: Vec<String>,
    /// envoy-gateway, istio, gateway-api: how the proxy asks the server (ext_authz gRPC, or
    /// HTTP) [default: grpc; gateway-api: http].
    #[arg(long, value_name = "PROTOCOL", value_parser = ["grpc", "http"], requires = "auth_server")]
    pub(crate) auth_protocol: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct SecretCmd {
    #[command(flatten)]
    pub(crate) object: ObjectArgs,
    #[command(flatten)]
    pub(crate) users: UserArgs,
}

#[derive(Debug, Args)]
pub(crate) struct IngressCmd {
    #[command(flatten)]
    pub(crate) object: ObjectArgs,
    #[command(flatten)]
    pub(crate) ingress: IngressArgs,
    #[command(flatten)]
    pub(crate) route: RouteArgs,
    /// The auth Secret: NAME or NAMESPACE/NAME (traefik: also the Middleware's name and
    /// namespace; envoy-gateway: NAME only; kong: NAME of the KongPlugins NAME-basic-auth and
    /// NAME-acl, whose users `secret --controller kong --name NAME` writes).
    #[arg(long, value_name = "NAME")]
    pub(crate) auth_secret: String,
    /// How the auth Secret holds its users (ingress-nginx annotation auth-secret-type)
    /// [default: auth-file; haproxy: auth-map].
    #[arg(long, value_parser = values::secret_types())]
    pub(crate) secret_type: Option<SecretType>,
}

#[derive(Debug, Args)]
pub(crate) struct GenerateCmd {
    #[command(flatten)]
    pub(crate) object: ObjectArgs,
    #[command(flatten)]
    pub(crate) users: UserArgs,
    #[command(flatten)]
    pub(crate) ingress: IngressArgs,
    #[command(flatten)]
    pub(crate) route: RouteArgs,
    #[command(flatten)]
    pub(crate) network: NetworkPolicyArgs,
    #[command(flatten)]
    pub(crate) server: AuthServerArgs,
}

#[derive(Debug, Args)]
pub(crate) struct MigrateCmd {
    /// The controller to move to.
    #[arg(long, value_parser = values::controllers(), value_name = "CONTROLLER")]
    pub(crate) to: Controller,
    /// The ingress-nginx Ingress and its auth Secret (YAML or JSON stream); - for standard
    /// input.
    #[arg(short = 'f', long = "filename", value_name = "FILE")]
    pub(crate) file: PathBuf,
    /// The Ingress to migrate, when the input holds several with basic auth.
    #[arg(long, value_name = "NAME")]
    pub(crate) ingress: Option<String>,
    /// envoy-gateway: the HTTPRoute the SecurityPolicy targets (default: the Ingress's name).
    #[arg(long, value_name = "NAME")]
    pub(crate) httproute: Option<String>,
    /// The namespace of an input Ingress that names none.
    #[arg(short = 'n', long, value_name = "NS")]
    pub(crate) namespace: Option<String>,
    /// spec.ingressClassName of the migrated Ingress (default: unchanged).
    #[arg(long, value_name = "CLASS")]
    pub(crate) class: Option<String>,
    /// Write the result even when some users' hashes cannot be checked by the target (they
    /// are left out and named on stderr).
    #[arg(long)]
    pub(crate) allow_missing_users: bool,
    /// Output format.
    #[arg(short = 'o', long, value_parser = values::formats(), default_value = "yaml")]
    pub(crate) output: Format,
    /// Refuse input larger than this: bytes, or with a K, M or G suffix (KiB, MiB, GiB).
    #[arg(long, value_name = "SIZE", default_value = "64M", value_parser = parse_size)]
    pub(crate) max_input_size: u64,
    /// The auth server: every user and hash is kept.
    #[command(flatten)]
    pub(crate) server: AuthServerArgs,
    /// --auth-server: the namespace of the controller's (proxy) pods, the only ones the
    /// server's NetworkPolicy admits [default: the controller's Helm chart's].
    #[arg(long, value_name = "NS", requires = "auth_server")]
    pub(crate) controller_namespace: Option<String>,
    /// --auth-server: a label KEY=VALUE of the controller's (proxy) pods. Repeatable [default:
    /// the controller's app.kubernetes.io/name].
    #[arg(long, value_name = "KEY=VALUE", requires = "auth_server")]
    pub(crate) controller_selector: Vec<String>,
    /// gateway-api, istio (with --auth-server): the Gateway (NAME or NS/NAME) the HTTPRoute
    /// made from the Ingress is attached to.
    #[arg(long, value_name = "NAME")]
    pub(crate) gateway: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct AnnotateCmd {
    /// Input stream (YAML or JSON); - for standard input.
    #[arg(
        short = 'f',
        long = "filename",
        value_name = "FILE",
        default_value = "-"
    )]
    pub(crate) file: PathBuf,
    /// The auth Secret: NAME or NAMESPACE/NAME.
    #[arg(long, value_name = "NAME")]
    pub(crate) auth_secret: String,
    /// The realm shown in the browser's login prompt.
    #[arg(
        long,
        value_name = "TEXT",
        default_value = "Authentication Required",
        allow_hyphen_values = true
    )]
    pub(crate) realm: String,
    /// Only the Ingress with this name.
    #[arg(long, value_name = "NAME")]
    pub(crate) ingress: Option<String>,
    /// How the auth Secret holds its users (annotation auth-secret-type).
    #[arg(long, value_parser = values::secret_types(), default_value = "auth-file")]
    pub(crate) secret_type: SecretType,
    /// cert-manager ClusterIssuer (annotation cert-manager.io/cluster-issuer).
    #[arg(long, value_name = "NAME")]
    pub(crate) cluster_issuer: Option<String>,
    /// Set nginx.ingress.kubernetes.io/ssl-redirect: "false".
    #[arg(long)]
    pub(crate) no_ssl_redirect: bool,
    /// Refuse input larger than this: bytes, or with a K, M or G suffix (KiB, MiB, GiB).
    #[arg(long, value_name = "SIZE", default_value = "64M", value_parser = parse_size)]
    pub(crate) max_input_size: u64,
}

#[derive(Debug, Args)]
pub(crate) struct VerifyCmd {
    /// The Secret manifest (YAML or JSON; a stream or List is searched); not standard input,
    /// which holds the password.
    #[arg(short = 'f', long = "filename", value_name = "SECRET_FILE")]
    pub(crate) file: PathBuf,
    /// The user to check.
    #[arg(long, value_name = "NAME")]
    pub(crate) user: String,
    /// The Secret's name, when the input holds several.
    #[arg(long, value_name = "NAME")]
    pub(crate) secret: Option<String>,
    /// Refuse input larger than this: bytes, or with a K, M or G suffix (KiB, MiB, GiB).
    #[arg(long, value_name = "SIZE", default_value = "64M", value_parser = parse_size)]
    pub(crate) max_input_size: u64,
}

#[derive(Debug, Args)]
pub(crate) struct UsersCmd {
    /// The Secret manifest (YAML or JSON; a stream or List is searched); - for standard input.
    #[arg(short = 'f', long = "filename", value_name = "SECRET_FILE")]
    pub(crate) file: PathBuf,
    /// The Secret's name, when the input holds several.
    #[arg(long, value_name = "NAME")]
    pub(crate) secret: Option<String>,
    /// Refuse input larger than this: bytes, or with a K, M or G suffix (KiB, MiB, GiB).
    #[arg(long, value_name = "SIZE", default_value = "64M", value_parser = parse_size)]
    pub(crate) max_input_size: u64,
}

/// `ingress-auth serve`.
#[derive(Debug, Args)]
pub(crate) struct ServeCmd {
    /// The htpasswd file (reloaded when it changes; missing at start: not ready, every check 401).
    #[arg(long, value_name = "FILE")]
    pub(crate) htpasswd: PathBuf,
    /// Where to serve HTTP checks; port 0 picks a free port. The bound address is the first line
    /// on standard error: `listening on http://ADDR:PORT`.
    #[arg(long, value_name = "ADDR:PORT", default_value = "0.0.0.0:8080")]
    pub(crate) listen: std::net::SocketAddr,
    /// Also serve Envoy's ext_authz gRPC service (`envoy.service.auth.v3.Authorization/Check`)
    /// here; port 0 picks a free port (logged as `listening on grpc://ADDR:PORT`).
    #[arg(long, value_name = "ADDR:PORT")]
    pub(crate) grpc_listen: Option<std::net::SocketAddr>,
    /// The realm of the `WWW-Authenticate` challenge.
    #[arg(long, value_name = "REALM", default_value = "Authentication Required")]
    pub(crate) realm: String,
    /// The response header that carries the authenticated user name.
    #[arg(long, value_name = "NAME", default_value = "X-Auth-User")]
    pub(crate) user_header: String,
    /// A proxy network (CIDR or one address) whose X-Forwarded-For (right-most entry outside the
    /// trusted ranges) or X-Real-IP names the client. Repeatable. Without it the client is the
    /// connection's peer.
    #[arg(long = "trusted-proxy", value_name = "CIDR")]
    pub(crate) trusted_proxies: Vec<tower_htpasswd::IpNet>,
    /// Log lines as text or as JSON objects (one per line, on standard error).
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = ["text", "json"])]
    pub(crate) log_format: String,
    /// How often the file is checked for changes: a number with ms or s (0: never).
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = parse_duration)]
    pub(crate) reload_interval: std::time::Duration,
}

/// `--reload-interval`: `500ms`, `2s` or `0`.
fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let err = || format!("not a duration (a number with ms or s, e.g. 500ms or 2s): {s:?}");
    if s == "0" {
        return Ok(std::time::Duration::ZERO);
    }
    let (digits, millis) = if let Some(d) = s.strip_suffix("ms") {
        (d, true)
    } else if let Some(d) = s.strip_suffix('s') {
        (d, false)
    } else {
        return Err(err());
    };
    let n: u64 = digits.parse().map_err(|_| err())?;
    Ok(if millis {
        std::time::Duration::from_millis(n)
    } else {
        std::time::Duration::from_secs(n)
    })
}

/// The default of `--max-input-size`: 64 MiB, as the YAML reader's bound on scalar text.
pub(crate) const DEFAULT_MAX_INPUT: u64 = 64 * 1024 * 1024;

/// `--max-input-size`: a number of bytes, optionally with a binary `K`, `M` or `G` suffix
/// (`KiB`, `MiB`, `GiB` too).
fn parse_size(s: &str) -> Result<u64, String> {
    let digits = s.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit: u64 = match &s[digits.len()..] {
        "" => 1,
        "K" | "KiB" | "k" => 1 << 10,
        "M" | "MiB" => 1 << 20,
        "G" | "GiB" => 1 << 30,
        other => return Err(format!("unknown unit {other:?} (use K, M or G)")),
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(unit))
        .filter(|&n| n > 0)
        .ok_or_else(|| "must be a positive number of bytes, e.g. 67108864 or 64M".to_owned())
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory as _;

    use super::Cli;

    #[test]
    fn sizes() {
        assert_eq!(super::parse_size("64M"), Ok(super::DEFAULT_MAX_INPUT));
        assert_eq!(super::parse_size("1024"), Ok(1024));
        assert_eq!(super::parse_size("2GiB"), Ok(2 << 30));
        assert!(super::parse_size("0").is_err());
        assert!(super::parse_size("12X").is_err());
        assert!(super::parse_size("99999999999999999999G").is_err());
    }

    #[test]
    fn durations() {
        use std::time::Duration;
        assert_eq!(super::parse_duration("0"), Ok(Duration::ZERO));
        assert_eq!(
            super::parse_duration("250ms"),
            Ok(Duration::from_millis(250))
        );
        assert_eq!(super::parse_duration("2s"), Ok(Duration::from_secs(2)));
        for bad in ["", "5", "ms", "-1s", "1m", "1.5s"] {
            assert!(super::parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
