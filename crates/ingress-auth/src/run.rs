//! Turns parsed flags into validated requests, calls the library, and returns what to print.
//! Nothing is printed here; `main.rs` prints and picks the exit code.

use std::fs;
use std::io::{self, Read as _, Write as _};
use std::path::{Path, PathBuf};

use htpasswd_core::crypt::Scheme;
use htpasswd_k8s::{
    AnnotateRequest, AuthConfig, Controller, Field, Format, HashScheme, IngressPath,
    IngressRequest, K8sError, MigrateRequest, NetworkPolicyRequest, ObjectRef, PathType, PortRef,
    SecretType, UserSet, Verified, validate,
};
use serde_json::Value;
use zeroize::{Zeroize as _, Zeroizing};

use crate::args::{
    AnnotateCmd, Command, ControllerArg, DEFAULT_MAX_INPUT, GenerateCmd, IngressArgs, IngressCmd,
    MigrateCmd, NetworkPolicyArgs, ObjectArgs, OutputFormat, PathTypeArg, RouteArgs, SchemeArg,
    SecretCmd, SecretTypeArg, UserArgs, UsersCmd, VerifyCmd,
};
use crate::password;

/// How a run ended, when it did not succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// Bad flags or bad input: exit 2.
    Input,
    /// A file or the random number generator failed: exit 1.
    Io,
    /// `verify`: the password does not match: exit 3 (as `htpasswd -v`).
    Mismatch,
    /// `verify`: no such user: exit 6 (as `htpasswd -v`).
    NoSuchUser,
}

/// An error to report: the message names the flag and the rule.
#[derive(Debug)]
pub(crate) struct Error {
    pub(crate) failure: Failure,
    pub(crate) message: String,
}

impl Error {
    fn input(message: impl Into<String>) -> Self {
        Self {
            failure: Failure::Input,
            message: message.into(),
        }
    }

    fn io(message: impl Into<String>) -> Self {
        Self {
            failure: Failure::Io,
            message: message.into(),
        }
    }
}

/// What a successful run prints.
#[derive(Debug, Default)]
pub(crate) struct Output {
    /// For standard output: the manifests.
    pub(crate) stdout: String,
    /// Lines for standard error: notices and generated credentials.
    pub(crate) stderr: Vec<Zeroizing<String>>,
}

/// The flag a library field came from.
fn flag(field: Field) -> &'static str {
    match field {
        Field::Name => "--name",
        Field::Namespace => "--namespace",
        Field::Host => "--host",
        Field::Path => "--path",
        Field::PathType => "--path-type",
        Field::Service => "--service",
        Field::Port => "--port",
        Field::IngressClass => "--class",
        Field::TlsSecret => "--tls-secret",
        Field::ClusterIssuer => "--cluster-issuer",
        Field::AuthSecret => "--auth-secret",
        Field::Realm => "--realm",
        Field::Username => "--user",
        Field::SecretKey => "--secret-type auth-map",
        Field::HttpRoute => "--httproute",
        Field::Gateway => "--gateway",
        Field::PodSelector => "--pod-selector",
        Field::ControllerNamespace => "--controller-namespace",
        Field::ControllerSelector => "--controller-selector",
        Field::TargetPort => "--target-port",
        // Rule and any later field: the rule flag.
        _ => "--rule",
    }
}

/// A library error as a message naming `flag` (or, for invalid values, the field's own flag).
fn lib_error(context: Option<&str>, e: &K8sError) -> Error {
    let failure = match e {
        K8sError::Random(_) => Failure::Io,
        _ => Failure::Input,
    };
    let message = match (context, e) {
        (Some(c), _) => format!("{c}: {e}"),
        (None, K8sError::Invalid { field, .. }) => format!("{}: {e}", flag(*field)),
        (None, _) => e.to_string(),
    };
    Error { failure, message }
}

fn k8s_err(e: K8sError) -> Error {
    lib_error(None, &e)
}

/// Runs one command.
pub(crate) fn run(command: Command) -> Result<Output, Error> {
    match command {
        Command::Secret(cmd) => secret(cmd),
        Command::Ingress(cmd) => ingress(&cmd),
        Command::Generate(cmd) => generate(cmd),
        Command::Annotate(cmd) => annotate(&cmd),
        Command::Verify(cmd) => verify(&cmd),
        Command::Users(cmd) => users(&cmd),
        Command::Migrate(cmd) => migrate(&cmd),
    }
}

fn controller_of(c: ControllerArg) -> Controller {
    match c {
        ControllerArg::IngressNginx => Controller::IngressNginx,
        ControllerArg::Traefik => Controller::Traefik,
        ControllerArg::EnvoyGateway => Controller::EnvoyGateway,
        ControllerArg::NginxInc => Controller::NginxInc,
        ControllerArg::Haproxy => Controller::Haproxy,
    }
}

fn accepted(controller: Controller) -> String {
    let names: Vec<&str> = controller
        .target()
        .supported_schemes()
        .map(Scheme::name)
        .collect();
    names.join(", ")
}

/// The scheme and Secret shape for `controller`, checked before anything is hashed or printed.
fn users_plan(controller: Controller, args: &UserArgs) -> Result<(HashScheme, SecretType), Error> {
    let scheme = args
        .scheme
        .map_or_else(|| controller.default_scheme(), scheme_of);
    if !scheme.scheme().supported_by(controller.target()) {
        let usable: Vec<&str> = HashScheme::ALL
            .iter()
            .filter(|s| s.scheme().supported_by(controller.target()))
            .map(|s| s.name())
            .collect();
        return Err(Error::input(format!(
            "--scheme {scheme}: {controller} cannot check {} hashes (it accepts: {}); use --scheme {}",
            scheme.scheme(),
            accepted(controller),
            usable.join(" or --scheme ")
        )));
    }
    let secret_type = secret_type_checked(controller, args.secret_type)?;
    Ok((scheme, secret_type))
}

fn secret_type_checked(
    controller: Controller,
    arg: Option<SecretTypeArg>,
) -> Result<SecretType, Error> {
    let secret_type = arg.map_or_else(|| controller.default_secret_type(), secret_type_of);
    if controller.supports_secret_type(secret_type) {
        Ok(secret_type)
    } else {
        Err(Error::input(format!(
            "--secret-type {}: {controller} reads only {} Secrets",
            secret_type.name(),
            controller.default_secret_type().name()
        )))
    }
}

fn format_of(o: OutputFormat) -> Format {
    match o {
        OutputFormat::Yaml => Format::Yaml,
        OutputFormat::Json => Format::Json,
    }
}

fn secret_type_of(t: SecretTypeArg) -> SecretType {
    match t {
        SecretTypeArg::AuthFile => SecretType::AuthFile,
        SecretTypeArg::AuthMap => SecretType::AuthMap,
    }
}

fn scheme_of(s: SchemeArg) -> HashScheme {
    match s {
        SchemeArg::Apr1 => HashScheme::Apr1,
        SchemeArg::Bcrypt => HashScheme::Bcrypt,
        SchemeArg::Sha256 => HashScheme::Sha256,
        SchemeArg::Sha512 => HashScheme::Sha512,
        SchemeArg::Sha1 => HashScheme::Sha1,
    }
}

fn object_ref(o: &ObjectArgs) -> Result<ObjectRef, Error> {
    let at = ObjectRef {
        name: o.name.clone(),
        namespace: o.namespace.clone(),
    };
    at.validate().map_err(k8s_err)?;
    Ok(at)
}

/// Reads a whole input, refusing it past `limit` bytes (one byte more is read to tell): a
/// hostile or mistaken input (`-f /dev/zero`) costs at most `limit` bytes of memory.
fn read_input(path: &Path, flag: &str, limit: u64) -> Result<Vec<u8>, Error> {
    let mut bytes = Vec::new();
    let result = if path == Path::new("-") {
        io::stdin()
            .lock()
            .take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map(drop)
    } else {
        fs::File::open(path).and_then(|f| {
            f.take(limit.saturating_add(1))
                .read_to_end(&mut bytes)
                .map(drop)
        })
    };
    result.map_err(|e| Error::io(format!("{flag} {}: {e}", path.display())))?;
    if bytes.len() as u64 > limit {
        return Err(Error::input(format!(
            "{flag} {}: larger than {limit} bytes (the limit; --max-input-size raises it where \
             the command has it)",
            path.display()
        )));
    }
    Ok(bytes)
}

fn read_text(path: &Path, flag: &str, limit: u64) -> Result<String, Error> {
    let bytes = read_input(path, flag, limit)?;
    String::from_utf8(bytes)
        .map_err(|_| Error::input(format!("{flag} {}: not UTF-8 text", path.display())))
}

/// The users and, separately, the generated credentials to hand back.
struct Users {
    set: UserSet,
    secret_type: SecretType,
    generated: Vec<Zeroizing<String>>,
    notices: Vec<Zeroizing<String>>,
    credentials_file: Option<PathBuf>,
}

fn collect_users(mut args: UserArgs, controller: Controller) -> Result<Users, Error> {
    let (scheme, secret_type) = users_plan(controller, &args)?;
    if let Some(path) = &args.credentials_file
        && fs::symlink_metadata(path).is_ok()
    {
        return Err(Error::input(format!(
            "--credentials-file {}: already exists (it is never overwritten)",
            path.display()
        )));
    }
    let mut set = UserSet::new(controller);
    let mut generated = Vec::new();
    let mut notices = Vec::new();
    let result = add_users(&mut args, scheme, &mut set, &mut generated, &mut notices);
    // The flags may hold passwords: wipe them whatever happened.
    for u in &mut args.users {
        u.zeroize();
    }
    result?;
    if set.is_empty() {
        return Err(Error::input(
            "no users: give --user, --users-file, --password-stdin with --user, or --htpasswd",
        ));
    }
    if generated.is_empty() && args.credentials_file.is_some() {
        return Err(Error::input(
            "--credentials-file: no password is generated (only --user NAME without :PASSWORD \
             generates one)",
        ));
    }
    Ok(Users {
        set,
        secret_type,
        generated,
        notices,
        credentials_file: args.credentials_file,
    })
}

fn add_users(
    args: &mut UserArgs,
    scheme: HashScheme,
    set: &mut UserSet,
    generated: &mut Vec<Zeroizing<String>>,
    notices: &mut Vec<Zeroizing<String>>,
) -> Result<(), Error> {
    if args.password_stdin {
        let bare = args.users.iter().filter(|u| !u.contains(':')).count();
        if args.users.len() != 1 || bare != 1 {
            return Err(Error::input(
                "--password-stdin: needs exactly one --user NAME (without :PASSWORD)",
            ));
        }
    }
    let mut in_argv = false;
    for spec in &args.users {
        match spec.split_once(':') {
            Some((user, pw)) => {
                in_argv = true;
                set.add_password(user, pw.as_bytes(), scheme)
                    .map_err(|e| lib_error(Some("--user"), &e))?;
            }
            None if args.password_stdin => {
                // A terminal gets a prompt without echo; a pipe is read as it is.
                let pw = password::read_password_for(spec)
                    .map_err(|e| Error::io(format!("--password-stdin: {e}")))?
                    .ok_or_else(|| {
                        Error::input("--password-stdin: the password must be a single line")
                    })?;
                set.add_password(spec, &pw, scheme)
                    .map_err(|e| lib_error(Some("--password-stdin"), &e))?;
            }
            None => {
                let pw = password::generate()
                    .map_err(|e| Error::io(format!("random number generator: {e}")))?;
                set.add_password(spec, pw.as_bytes(), scheme)
                    .map_err(|e| lib_error(Some("--user"), &e))?;
                generated.push(Zeroizing::new(format!("{spec}:{}", pw.as_str())));
            }
        }
    }
    if in_argv {
        notices.push(Zeroizing::new(
            "warning: passwords given with --user NAME:PASSWORD are visible to other local \
             users (ps); prefer --users-file or --password-stdin"
                .to_owned(),
        ));
    }
    for path in &args.users_file {
        let flag = format!("--users-file {}", path.display());
        let text = Zeroizing::new(read_text(path, "--users-file", DEFAULT_MAX_INPUT)?);
        // All lines are checked, then hashed in one batch (apr1: SIMD lanes on all cores).
        let mut users = Vec::new();
        let mut line_numbers = Vec::new();
        for (i, line) in text.split('\n').enumerate() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let (user, pw) = line.split_once(':').ok_or_else(|| {
                Error::input(format!("{flag}: line {}: expected NAME:PASSWORD", i + 1))
            })?;
            users.push((user, pw.as_bytes()));
            line_numbers.push(i + 1);
        }
        set.add_passwords(&users, scheme).map_err(|(at, e)| {
            lib_error(Some(&format!("{flag}: line {}", line_numbers[at])), &e)
        })?;
    }
    for path in &args.htpasswd {
        let flag = format!("--htpasswd {}", path.display());
        let bytes = Zeroizing::new(read_input(path, "--htpasswd", DEFAULT_MAX_INPUT)?);
        let found = set
            .add_htpasswd(&bytes)
            .map_err(|e| lib_error(Some(&flag), &e))?;
        notices.extend(
            found
                .into_iter()
                .map(|n| Zeroizing::new(format!("warning: {flag}: {n}"))),
        );
    }
    Ok(())
}

/// Creates `path` (it must not exist) with mode 0600 and writes the credentials.
fn write_credentials(path: &Path, lines: &[Zeroizing<String>]) -> Result<(), Error> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let err = |e: io::Error| Error::io(format!("--credentials-file {}: {e}", path.display()));
    let mut file = options.open(path).map_err(err)?;
    let mut text = Zeroizing::new(String::new());
    for l in lines {
        text.push_str(l);
        text.push('\n');
    }
    file.write_all(text.as_bytes()).map_err(err)?;
    file.sync_all().map_err(err)?;
    Ok(())
}

fn build_secret(
    controller: Controller,
    at: &ObjectRef,
    users: &Users,
) -> Result<k8s_openapi::api::core::v1::Secret, Error> {
    htpasswd_k8s::auth_secret(controller, at, &users.set, users.secret_type).map_err(k8s_err)
}

fn secret(cmd: SecretCmd) -> Result<Output, Error> {
    let at = object_ref(&cmd.object)?;
    let controller = controller_of(cmd.object.controller);
    let users = collect_users(cmd.users, controller)?;
    let secret = build_secret(controller, &at, &users)?;
    let stdout =
        htpasswd_k8s::write_stream(&[secret], format_of(cmd.object.output)).map_err(k8s_err)?;
    finish(stdout, users)
}

/// The output of a command that made a Secret. The credentials file is written last, once the
/// manifests are complete, so that a failure leaves neither a file nor a manifest.
fn finish(stdout: String, users: Users) -> Result<Output, Error> {
    let mut stderr = users.notices;
    match &users.credentials_file {
        Some(path) => {
            write_credentials(path, &users.generated)?;
            stderr.push(Zeroizing::new(format!(
                "generated passwords written to {}",
                path.display()
            )));
        }
        None => stderr.extend(users.generated),
    }
    Ok(Output { stdout, stderr })
}

fn check_flag(
    flag: &str,
    value: &str,
    check: impl FnOnce(&str) -> Result<(), validate::Rule>,
) -> Result<(), Error> {
    check(value).map_err(|rule| Error::input(format!("{flag} {value:?}: {rule}")))
}

fn ingress_request(
    at: ObjectRef,
    args: &IngressArgs,
    auth_secret: &str,
    secret_type: SecretType,
) -> Result<IngressRequest, Error> {
    let path_type = match args.path_type {
        PathTypeArg::Prefix => PathType::Prefix,
        PathTypeArg::Exact => PathType::Exact,
        PathTypeArg::ImplementationSpecific => PathType::ImplementationSpecific,
    };
    let mut paths = Vec::new();
    match (&args.service, &args.port) {
        (Some(service), Some(port)) => {
            if let Some(h) = &args.host {
                check_flag("--host", h, validate::host)?;
            }
            check_flag("--service", service, validate::service_name)?;
            let port = PortRef::parse(port)
                .map_err(|rule| Error::input(format!("--port {port:?}: {rule}")))?;
            check_flag("--path", &args.path, |p| validate::path(p, path_type))?;
            if let Some(t) = &args.tls_secret {
                check_flag("--tls-secret", t, validate::object_name)?;
                if args.host.is_none() {
                    return Err(Error::input("--tls-secret: needs --host"));
                }
            }
            paths.push(IngressPath {
                host: args.host.clone(),
                path: args.path.clone(),
                path_type,
                service: service.clone(),
                port,
                tls: args.tls_secret.clone().map(Some),
            });
        }
        (None, None) => {
            if args.rules.is_empty() {
                return Err(Error::input(
                    "no backend: give --service and --port (with --host), or --rule",
                ));
            }
            for (flag, given) in [
                ("--host", args.host.is_some()),
                ("--tls-secret", args.tls_secret.is_some()),
            ] {
                if given {
                    return Err(Error::input(format!(
                        "{flag}: needs --service and --port (use --rule for rules without them)"
                    )));
                }
            }
        }
        (Some(_), None) => return Err(Error::input("--service: needs --port")),
        (None, Some(_)) => return Err(Error::input("--port: needs --service")),
    }
    for rule in &args.rules {
        paths.push(
            IngressPath::parse_kubectl_rule(rule)
                .map_err(|e| lib_error(Some(&format!("--rule {rule:?}")), &e))?,
        );
    }
    if let Some(c) = &args.class {
        check_flag("--class", c, validate::object_name)?;
    }
    if let Some(c) = &args.cluster_issuer {
        check_flag("--cluster-issuer", c, validate::object_name)?;
    }
    check_flag("--auth-secret", auth_secret, validate::auth_secret)?;
    check_flag("--realm", &args.realm, validate::realm)?;
    Ok(IngressRequest {
        at,
        class: args.class.clone(),
        paths,
        auth: AuthConfig {
            secret: auth_secret.to_owned(),
            realm: args.realm.clone(),
            secret_type,
        },
        cluster_issuer: args.cluster_issuer.clone(),
        no_ssl_redirect: args.no_ssl_redirect,
    })
}

fn to_value<T: serde::Serialize>(v: &T) -> Result<Value, Error> {
    serde_json::to_value(v).map_err(|e| Error::io(format!("cannot write output: {e}")))
}

/// Refuses a flag `controller` has no use for.
fn refuse(given: bool, flag: &str, why: &str) -> Result<(), Error> {
    if given {
        Err(Error::input(format!("{flag}: {why}")))
    } else {
        Ok(())
    }
}

/// The resources that switch basic auth on (everything but the Secret): the annotated Ingress,
/// with Traefik's Middleware before it, or Envoy Gateway's HTTPRoute (with `--gateway`) and
/// SecurityPolicy. Also returns notices for stderr.
fn auth_resources(
    controller: Controller,
    at: &ObjectRef,
    args: &IngressArgs,
    route: &RouteArgs,
    auth_secret: &str,
    secret_type: SecretType,
) -> Result<(Vec<Value>, Vec<Zeroizing<String>>), Error> {
    let mut notices = Vec::new();
    if controller != Controller::EnvoyGateway {
        refuse(
            route.httproute.is_some(),
            "--httproute",
            "only with --controller envoy-gateway",
        )?;
        refuse(
            route.gateway.is_some(),
            "--gateway",
            "only with --controller envoy-gateway",
        )?;
    }
    refuse(
        args.no_ssl_redirect && controller.no_ssl_redirect_annotation().is_none(),
        "--no-ssl-redirect",
        &format!("{controller} has no annotation that turns off the HTTPS redirect"),
    )?;
    match controller {
        Controller::EnvoyGateway => {
            let why = "envoy-gateway takes no Ingress (TLS and classes are set on the Gateway)";
            refuse(args.class.is_some(), "--class", why)?;
            refuse(args.cluster_issuer.is_some(), "--cluster-issuer", why)?;
            refuse(args.tls_secret.is_some(), "--tls-secret", why)?;
            refuse(
                args.realm != AuthConfig::DEFAULT_REALM,
                "--realm",
                "envoy-gateway's basic auth has no realm setting",
            )?;
            check_flag("--auth-secret", auth_secret, validate::object_name).map_err(|e| {
                Error::input(format!(
                    "{} (envoy-gateway reads the Secret from the SecurityPolicy's namespace: \
                     give NAME)",
                    e.message
                ))
            })?;
            let route_name = route.httproute.clone().unwrap_or_else(|| at.name.clone());
            check_flag("--httproute", &route_name, validate::object_name)?;
            let mut docs = Vec::new();
            if let Some(gateway) = &route.gateway {
                if validate::auth_secret(gateway).is_err() {
                    return Err(Error::input(format!(
                        "--gateway {gateway:?}: must be a Gateway name (DNS-1123 subdomain), \
                         optionally prefixed by 'NAMESPACE/'"
                    )));
                }
                let route_at = ObjectRef {
                    name: route_name.clone(),
                    namespace: at.namespace.clone(),
                };
                let req = ingress_request(route_at.clone(), args, auth_secret, secret_type)?;
                docs.push(
                    htpasswd_k8s::http_route(&route_at, gateway, &req.paths)
                        .map_err(|e| lib_error(Some("--gateway"), &e))?,
                );
            } else {
                let why = "needs --gateway (without it only the SecurityPolicy for an existing \
                           --httproute is written)";
                refuse(args.service.is_some(), "--service", why)?;
                refuse(args.port.is_some(), "--port", why)?;
                refuse(args.host.is_some(), "--host", why)?;
                refuse(!args.rules.is_empty(), "--rule", why)?;
            }
            docs.push(
                htpasswd_k8s::envoy_security_policy(at, &route_name, auth_secret)
                    .map_err(k8s_err)?,
            );
            Ok((docs, notices))
        }
        Controller::Traefik => {
            let qualified = match (auth_secret.contains('/'), &at.namespace) {
                (true, _) => auth_secret.to_owned(),
                (false, Some(ns)) => format!("{ns}/{auth_secret}"),
                (false, None) => {
                    return Err(Error::input(
                        "--namespace: traefik's router.middlewares annotation names the \
                         Middleware's namespace; give --namespace (or --auth-secret NAMESPACE/NAME)",
                    ));
                }
            };
            let req = ingress_request(at.clone(), args, &qualified, secret_type)?;
            let (ns, name) = qualified.split_once('/').unwrap_or_default();
            let mw_at = ObjectRef {
                name: name.to_owned(),
                namespace: Some(ns.to_owned()),
            };
            if at.namespace.as_deref() != Some(ns) {
                notices.push(Zeroizing::new(format!(
                    "warning: the Middleware is in namespace {ns}, the Ingress is not: traefik \
                     needs providers.kubernetesCRD.allowCrossNamespace=true for that"
                )));
            }
            let mw =
                htpasswd_k8s::traefik_middleware(&mw_at, name, &args.realm).map_err(k8s_err)?;
            let ing = htpasswd_k8s::auth_ingress(controller, &req).map_err(k8s_err)?;
            Ok((vec![mw, to_value(&ing)?], notices))
        }
        _ => {
            let req = ingress_request(at.clone(), args, auth_secret, secret_type)?;
            let ing = htpasswd_k8s::auth_ingress(controller, &req).map_err(k8s_err)?;
            Ok((vec![to_value(&ing)?], notices))
        }
    }
}

fn ingress(cmd: &IngressCmd) -> Result<Output, Error> {
    let at = object_ref(&cmd.object)?;
    let controller = controller_of(cmd.object.controller);
    let secret_type = secret_type_checked(controller, cmd.secret_type)?;
    let (docs, stderr) = auth_resources(
        controller,
        &at,
        &cmd.ingress,
        &cmd.route,
        &cmd.auth_secret,
        secret_type,
    )?;
    let stdout =
        htpasswd_k8s::write_stream(&docs, format_of(cmd.object.output)).map_err(k8s_err)?;
    Ok(Output { stdout, stderr })
}

/// The NetworkPolicy `--network-policy` asks for.
fn network_policy(
    controller: Controller,
    at: &ObjectRef,
    args: &NetworkPolicyArgs,
) -> Result<Option<Value>, Error> {
    if !args.network_policy {
        return Ok(None);
    }
    let port = args.target_port.as_deref().ok_or_else(|| {
        Error::input(
            "--network-policy: needs --target-port (the backend pods' port: the Service's \
             targetPort)",
        )
    })?;
    let port = PortRef::parse(port)
        .map_err(|rule| Error::input(format!("--target-port {port:?}: {rule}")))?;
    if args.pod_selector.is_empty() {
        return Err(Error::input(
            "--network-policy: needs --pod-selector KEY=VALUE (the backend's pods; an empty \
             selector would cover every pod of the namespace)",
        ));
    }
    let name = format!("{}-ingress-only", at.name);
    check_flag("--name", &name, validate::object_name)?;
    let mut req = NetworkPolicyRequest::for_controller(
        controller,
        ObjectRef {
            name,
            namespace: at.namespace.clone(),
        },
        args.pod_selector.clone(),
        port,
    );
    if let Some(ns) = &args.controller_namespace {
        req.controller_namespace.clone_from(ns);
    }
    if !args.controller_selector.is_empty() {
        req.controller_selector
            .clone_from(&args.controller_selector);
    }
    let policy = htpasswd_k8s::network_policy(&req).map_err(k8s_err)?;
    Ok(Some(to_value(&policy)?))
}

fn generate(cmd: GenerateCmd) -> Result<Output, Error> {
    let at = object_ref(&cmd.object)?;
    let controller = controller_of(cmd.object.controller);
    // Everything is validated before any password is generated or any file written.
    let (_, secret_type) = users_plan(controller, &cmd.users)?;
    let (mut docs, notices) = auth_resources(
        controller,
        &at,
        &cmd.ingress,
        &cmd.route,
        &at.name,
        secret_type,
    )?;
    let policy = network_policy(controller, &at, &cmd.network)?;
    let users = collect_users(cmd.users, controller)?;
    let secret = build_secret(controller, &at, &users)?;
    docs.insert(0, to_value(&secret)?);
    docs.extend(policy);
    let stdout =
        htpasswd_k8s::write_stream(&docs, format_of(cmd.object.output)).map_err(k8s_err)?;
    let mut out = finish(stdout, users)?;
    out.stderr.splice(0..0, notices);
    Ok(out)
}

fn migrate(cmd: &MigrateCmd) -> Result<Output, Error> {
    let to = controller_of(cmd.to);
    refuse(
        cmd.httproute.is_some() && to != Controller::EnvoyGateway,
        "--httproute",
        "only with --to envoy-gateway",
    )?;
    for (flag, v) in [
        ("--httproute", &cmd.httproute),
        ("--class", &cmd.class),
        ("--ingress", &cmd.ingress),
    ] {
        if let Some(v) = v {
            check_flag(flag, v, validate::object_name)?;
        }
    }
    if let Some(ns) = &cmd.namespace {
        check_flag("--namespace", ns, validate::namespace)?;
    }
    let input = Zeroizing::new(read_text(&cmd.file, "-f", cmd.max_input_size)?);
    let flag = format!("-f {}", cmd.file.display());
    let req = MigrateRequest {
        to,
        ingress: cmd.ingress.clone(),
        httproute: cmd.httproute.clone(),
        class: cmd.class.clone(),
        namespace: cmd.namespace.clone(),
    };
    let done = htpasswd_k8s::migrate(&input, &req).map_err(|e| lib_error(Some(&flag), &e))?;
    let missing: Vec<String> = done
        .missing_users
        .iter()
        .map(|u| printable(u.as_bytes()))
        .collect();
    let usable: Vec<&str> = HashScheme::ALL
        .iter()
        .filter(|s| s.scheme().supported_by(to.target()))
        .map(|s| s.name())
        .collect();
    if !missing.is_empty() && !cmd.allow_missing_users {
        return Err(Error::input(format!(
            "{flag}: {to} cannot check the hashes of users {} (it accepts: {}); their passwords \
             cannot be re-hashed from the Secret: re-create them with --controller {to} --scheme \
             {}, or give --allow-missing-users to leave them out",
            missing.join(", "),
            accepted(to),
            usable.join("|"),
        )));
    }
    let mut stderr = Vec::new();
    if !missing.is_empty() {
        stderr.push(Zeroizing::new(format!(
            "warning: left out (their hashes cannot be checked by {to}): {}",
            missing.join(", ")
        )));
    }
    let names = |keys: &[String]| -> String {
        let keys: Vec<String> = keys.iter().map(|k| printable(k.as_bytes())).collect();
        keys.join(", ")
    };
    if !done.leftover_annotations.is_empty() {
        stderr.push(Zeroizing::new(format!(
            "warning: {to} ignores these ingress-nginx annotations, kept as they were: {}",
            names(&done.leftover_annotations)
        )));
    }
    if !done.snippet_annotations.is_empty() {
        stderr.push(Zeroizing::new(format!(
            "warning: snippet annotations kept (raw controller configuration: review them before \
             {to} or another controller reads them): {}",
            names(&done.snippet_annotations)
        )));
    }
    if to == Controller::EnvoyGateway {
        stderr.push(Zeroizing::new(
            "note: the SecurityPolicy targets an HTTPRoute of the Ingress's name (or \
             --httproute); the Ingress itself must become that HTTPRoute"
                .to_owned(),
        ));
    }
    let stdout =
        htpasswd_k8s::write_stream(&done.documents, format_of(cmd.output)).map_err(k8s_err)?;
    Ok(Output { stdout, stderr })
}

fn annotate(cmd: &AnnotateCmd) -> Result<Output, Error> {
    let req = AnnotateRequest {
        auth: AuthConfig {
            secret: cmd.auth_secret.clone(),
            realm: cmd.realm.clone(),
            secret_type: secret_type_of(cmd.secret_type),
        },
        ingress: cmd.ingress.clone(),
        cluster_issuer: cmd.cluster_issuer.clone(),
        no_ssl_redirect: cmd.no_ssl_redirect,
    };
    req.validate().map_err(k8s_err)?;
    let input = read_text(&cmd.file, "-f", cmd.max_input_size)?;
    let flag = format!("-f {}", cmd.file.display());
    let done = htpasswd_k8s::annotate(Controller::IngressNginx, &input, &req)
        .map_err(|e| lib_error(Some(&flag), &e))?;
    let stderr = done
        .annotated
        .iter()
        .map(|n| Zeroizing::new(format!("annotated Ingress {}", printable(n.as_bytes()))))
        .collect();
    Ok(Output {
        stdout: done.output,
        stderr,
    })
}

fn read_secret(
    file: &Path,
    secret: Option<&str>,
    limit: u64,
) -> Result<htpasswd_k8s::SecretUsers, Error> {
    let input = Zeroizing::new(read_text(file, "-f", limit)?);
    let flag = format!("-f {}", file.display());
    htpasswd_k8s::read_auth_secret(Controller::IngressNginx, &input, secret)
        .map_err(|e| lib_error(Some(&flag), &e))
}

fn verify(cmd: &VerifyCmd) -> Result<Output, Error> {
    if cmd.file == Path::new("-") {
        return Err(Error::input(
            "-f -: the password is read from standard input; give the Secret as a file",
        ));
    }
    let users = read_secret(&cmd.file, cmd.secret.as_deref(), cmd.max_input_size)?;
    let user = &cmd.user;
    if !users.entries.iter().any(|(u, _)| u == user.as_bytes()) {
        return Err(Error {
            failure: Failure::NoSuchUser,
            message: format!(
                "user {} not found in Secret {}",
                printable(user.as_bytes()),
                printable(users.name.as_bytes())
            ),
        });
    }
    let pw = password::read_password_for(user)
        .map_err(|e| Error::io(format!("reading the password: {e}")))?
        .ok_or_else(|| Error::input("the password must be a single line"))?;
    match users.verify(user.as_bytes(), &pw).map_err(k8s_err)? {
        Verified::Match => Ok(Output {
            stdout: String::new(),
            stderr: vec![Zeroizing::new(format!("Password for user {user} correct."))],
        }),
        Verified::NoSuchUser => Err(Error {
            failure: Failure::NoSuchUser,
            message: format!(
                "user {} not found in Secret {}",
                printable(user.as_bytes()),
                printable(users.name.as_bytes())
            ),
        }),
        _ => Err(Error {
            failure: Failure::Mismatch,
            message: "password verification failed".to_owned(),
        }),
    }
}

fn users(cmd: &UsersCmd) -> Result<Output, Error> {
    let users = read_secret(&cmd.file, cmd.secret.as_deref(), cmd.max_input_size)?;
    let mut rows = vec![(
        "USER".to_owned(),
        "SCHEME".to_owned(),
        "CHECKED BY".to_owned(),
    )];
    for (user, scheme) in users.schemes() {
        let targets: Vec<&str> = scheme.supporting_targets().map(|t| t.name()).collect();
        rows.push((
            printable(user),
            scheme.name().to_owned(),
            if targets.is_empty() {
                "(none)".to_owned()
            } else {
                targets.join(", ")
            },
        ));
    }
    let w0 = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
    let w1 = rows.iter().map(|r| r.1.len()).max().unwrap_or(0);
    let mut stdout = String::new();
    for (u, s, t) in rows {
        stdout.push_str(&format!("{u:<w0$}  {s:<w1$}  {t}\n"));
    }
    let mut stderr = Vec::new();
    let unchecked: Vec<String> = users
        .schemes()
        .filter(|(_, s)| !s.supported_by(Controller::IngressNginx.target()))
        .map(|(u, _)| printable(u))
        .collect();
    if !unchecked.is_empty() {
        stderr.push(Zeroizing::new(format!(
            "warning: ingress-nginx cannot check the hashes of: {}",
            unchecked.join(", ")
        )));
    }
    Ok(Output { stdout, stderr })
}

/// A name or key from input, for the terminal: control characters (escape sequences),
/// bidirectional overrides and other invisible characters escaped as Rust's `{:?}` escapes
/// them, so that a hostile Secret or Ingress cannot write to the user's terminal.
fn printable(text: &[u8]) -> String {
    String::from_utf8_lossy(text)
        .chars()
        .map(|c| {
            if matches!(c, '"' | '\\' | '\'') || c.escape_debug().nth(1).is_none() {
                c.to_string()
            } else {
                c.escape_debug().to_string()
            }
        })
        .collect()
}
