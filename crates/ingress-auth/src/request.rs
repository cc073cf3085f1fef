//! Flags to library requests: the object (`--name`, `--namespace`), the Secret shape for a
//! controller, and the Ingress (`--host`/`--service`/`--port`/`--path`, `--rule`, ...). The
//! values are checked by the library's own validation (`ObjectRef::validate`,
//! `IngressPath::validate`, `IngressRequest::validate`); `error.rs` names the flag of the field
//! that fails. What is checked here is only what no request says: which flags go together.

use htpasswd_core::crypt::Scheme;
use htpasswd_k8s::{
    AuthConfig, Controller, HashScheme, IngressPath, IngressRequest, ObjectRef, PortRef, SecretType,
};

use crate::args::{IngressArgs, ObjectArgs};
use crate::error::{Error, flag_err, k8s_err, lib_error};

/// `--name` and `--namespace`, validated.
pub(crate) fn object_ref(o: &ObjectArgs) -> Result<ObjectRef, Error> {
    let at = ObjectRef {
        name: o.name.clone(),
        namespace: o.namespace.clone(),
    };
    at.validate().map_err(k8s_err)?;
    Ok(at)
}

/// The hash schemes `controller` can check, as a list for messages.
pub(crate) fn accepted(controller: Controller) -> String {
    let names: Vec<&str> = controller
        .target()
        .supported_schemes()
        .map(Scheme::name)
        .collect();
    names.join(", ")
}

/// The `--scheme` values whose hashes `controller` can check.
pub(crate) fn usable_schemes(controller: Controller) -> Vec<&'static str> {
    HashScheme::ALL
        .iter()
        .filter(|s| s.scheme().supported_by(controller.target()))
        .map(|s| s.name())
        .collect()
}

/// `--secret-type` (or the controller's default), refused when `controller` cannot read it
/// (for Kong, which reads no htpasswd Secret, refused whenever given).
pub(crate) fn secret_type_checked(
    controller: Controller,
    arg: Option<SecretType>,
) -> Result<SecretType, Error> {
    if controller.takes_plaintext() {
        return match arg {
            // Kong: no htpasswd Secret at all (users are KongConsumers with credentials).
            None => Ok(controller.default_secret_type()),
            Some(t) => Err(Error::input(format!(
                "--secret-type {}: {controller} reads no htpasswd Secret (its users are \
                 KongConsumers with one credential Secret each)",
                t.name()
            ))),
        };
    }
    let secret_type = arg.unwrap_or_else(|| controller.default_secret_type());
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

/// The Ingress (or, for Envoy Gateway, the HTTPRoute's paths) the flags describe, validated:
/// the main rule first (`--host`/`--service`/`--port`/`--path`/`--tls-secret`), then each
/// `--rule`, then the rest of the request.
pub(crate) fn ingress_request(
    at: ObjectRef,
    args: &IngressArgs,
    auth_secret: &str,
    secret_type: SecretType,
) -> Result<IngressRequest, Error> {
    let mut paths = Vec::new();
    match (&args.service, &args.port) {
        (Some(service), Some(port)) => {
            let port = PortRef::parse(port)
                .map_err(|rule| Error::input(format!("--port {port:?}: {rule}")))?;
            let main = IngressPath {
                host: args.host.clone(),
                path: args.path.clone(),
                path_type: args.path_type,
                service: service.clone(),
                port,
                tls: args.tls_secret.clone().map(Some),
            };
            main.validate().map_err(flag_err)?;
            if args.tls_secret.is_some() && args.host.is_none() {
                return Err(Error::input("--tls-secret: needs --host"));
            }
            paths.push(main);
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
    let req = IngressRequest {
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
    };
    req.validate().map_err(flag_err)?;
    Ok(req)
}
