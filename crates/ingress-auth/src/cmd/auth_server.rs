//! `--auth-server IMAGE`: `ingress-auth serve` in the cluster (its Deployment, Service,
//! PodDisruptionBudget and NetworkPolicy from the library's `auth_server`), and the controller
//! wired to it instead of its own basic auth: ingress-nginx `auth-url`, Traefik `forwardAuth`,
//! Envoy Gateway `extAuth` (gRPC or HTTP).

use htpasswd_k8s::{
    AUTH_SERVER_GRPC_PORT, AUTH_SERVER_HTTP_PORT, AUTH_SERVER_PATH, AuthServerRequest, Controller,
    ObjectRef, Value,
};
use serde_json::json;

use super::to_value;
use crate::args::{AuthServerArgs, NetworkPolicyArgs};
use crate::error::{Error, flag_err, k8s_err};

/// The controllers `--auth-server` wires, for messages.
pub(crate) const WIRED: &str = "ingress-nginx, traefik, envoy-gateway, kgateway";

/// The response header that carries the checked user name (serve's `--user-header` default).
const USER_HEADER: &str = "X-Auth-User";

/// The controller the Secret and its users are built for when the server checks them: the
/// Secret is ingress-nginx's auth-file shape (key `auth`), whose schemes serve checks all of.
pub(crate) const SECRET_SHAPE: Controller = Controller::IngressNginx;

/// The server `args` ask for (`None` without `--auth-server`), checked: the controller is one
/// that is wired, the namespace given, the protocol one the controller speaks.
pub(crate) fn plan(
    controller: Controller,
    at: &ObjectRef,
    args: &AuthServerArgs,
    net: Option<&NetworkPolicyArgs>,
    realm: &str,
) -> Result<Option<Plan>, Error> {
    let Some(image) = &args.auth_server else {
        return Ok(None);
    };
    if !matches!(
        controller,
        Controller::IngressNginx
            | Controller::Traefik
            | Controller::EnvoyGateway
            | Controller::Kgateway
    ) {
        return Err(Error::input(format!(
            "--auth-server: not wired for {controller} yet (wired: {WIRED})"
        )));
    }
    let grpc = match (controller, args.auth_protocol.as_deref()) {
        (Controller::EnvoyGateway, None | Some("grpc")) | (Controller::Kgateway, None) => true,
        (Controller::Kgateway, Some(_)) => {
            return Err(Error::input(
                "--auth-protocol http: kgateway's GatewayExtension asks an ext_authz server over \
                 gRPC only",
            ));
        }
        (_, Some("grpc")) => {
            return Err(Error::input(format!(
                "--auth-protocol grpc: {controller} asks a forward-auth server over HTTP only"
            )));
        }
        _ => false,
    };
    if at.namespace.is_none() {
        return Err(Error::input(
            "--auth-server: needs --namespace (the controller reaches the server by its \
             cluster DNS name, NAME-auth-server.NAMESPACE.svc.cluster.local)",
        ));
    }
    let server_at = ObjectRef {
        name: format!("{}-auth-server", at.name),
        namespace: at.namespace.clone(),
    };
    let mut req = AuthServerRequest::for_controller(controller, server_at, image, &at.name);
    req.realm = realm.to_owned();
    req.grpc = grpc;
    req.trusted_proxies.clone_from(&args.trusted_proxies);
    let given =
        net.is_some_and(|n| n.controller_namespace.is_some() && !n.controller_selector.is_empty());
    if controller == Controller::Kgateway && !given {
        return Err(Error::input(
            "--auth-server: kgateway runs its proxies in each Gateway's namespace; give \
             --controller-namespace and --controller-selector KEY=VALUE of your Gateway's proxy \
             pods (the NetworkPolicy admits only them)",
        ));
    }
    if let Some(net) = net {
        if let Some(ns) = &net.controller_namespace {
            req.controller_namespace.clone_from(ns);
        }
        if !net.controller_selector.is_empty() {
            req.controller_selector.clone_from(&net.controller_selector);
        }
    }
    // Everything is checked now, before any password is generated.
    let server = htpasswd_k8s::auth_server(&req).map_err(|e| match e {
        htpasswd_k8s::K8sError::Invalid {
            field: htpasswd_k8s::Field::Name,
            ..
        } => Error::input(format!(
            "--name {:?}: the server's name {:?} must be a DNS-1035 label (a letter first, at \
             most 63 characters): give a shorter --name starting with a letter",
            at.name, req.at.name
        )),
        e => flag_err(e),
    })?;
    let docs = vec![
        to_value(&server.deployment)?,
        to_value(&server.service)?,
        to_value(&server.pod_disruption_budget)?,
        to_value(&server.network_policy)?,
    ];
    Ok(Some(Plan { req, docs }))
}

/// A checked `--auth-server` request and its resources.
pub(crate) struct Plan {
    /// The request the resources were built from.
    pub(crate) req: AuthServerRequest,
    /// Deployment, Service, PodDisruptionBudget, NetworkPolicy.
    pub(crate) docs: Vec<Value>,
}

/// Rewrites the controller's basic-auth resources among `docs` to ask the server instead:
/// ingress-nginx Ingresses with `auth-type` get `auth-url` and `auth-response-headers` in place
/// of the basic-auth annotations; Traefik's Middleware gets `forwardAuth` in place of
/// `basicAuth`; Envoy Gateway's SecurityPolicy `extAuth` in place of `basicAuth`; kgateway's
/// TrafficPolicy `extAuth.extensionRef` naming a GatewayExtension (written before it) whose
/// `extAuth.grpcService` is the server.
///
/// # Errors
/// When no resource was rewritten (nothing would ask the server).
pub(crate) fn wire(
    controller: Controller,
    docs: &mut Vec<Value>,
    plan: &Plan,
) -> Result<(), Error> {
    let req = &plan.req;
    let mut wired = 0;
    let mut extension_at = None;
    for (i, doc) in docs.iter_mut().enumerate() {
        let kind = doc.get("kind").and_then(Value::as_str).unwrap_or_default();
        match (controller, kind) {
            (Controller::IngressNginx, "Ingress") => {
                let Some(ann) = doc
                    .pointer_mut("/metadata/annotations")
                    .and_then(Value::as_object_mut)
                else {
                    continue;
                };
                if !ann.contains_key("nginx.ingress.kubernetes.io/auth-type") {
                    continue;
                }
                for key in ["auth-type", "auth-secret", "auth-secret-type", "auth-realm"] {
                    ann.shift_remove(&format!("nginx.ingress.kubernetes.io/{key}"));
                }
                ann.insert(
                    "nginx.ingress.kubernetes.io/auth-url".into(),
                    Value::from(req.http_url()),
                );
                ann.insert(
                    "nginx.ingress.kubernetes.io/auth-response-headers".into(),
                    Value::from(USER_HEADER),
                );
                ann.sort_keys();
                wired += 1;
            }
            (Controller::Traefik, "Middleware") => {
                doc["spec"] = json!({"forwardAuth": {
                    "address": req.http_url(),
                    "authResponseHeaders": [USER_HEADER],
                }});
                wired += 1;
            }
            (Controller::EnvoyGateway, "SecurityPolicy") => {
                let Some(spec) = doc.get_mut("spec").and_then(Value::as_object_mut) else {
                    continue;
                };
                spec.shift_remove("basicAuth");
                let ext = if req.grpc {
                    json!({"grpc": {"backendRefs": [{
                        "name": req.at.name,
                        "port": AUTH_SERVER_GRPC_PORT,
                    }]}})
                } else {
                    json!({"http": {
                        "backendRefs": [{"name": req.at.name, "port": AUTH_SERVER_HTTP_PORT}],
                        "headersToBackend": [USER_HEADER],
                        // A prefix: Envoy appends the request's path.
                        "path": AUTH_SERVER_PATH,
                    }})
                };
                spec.insert("extAuth".into(), ext);
                wired += 1;
            }
            (Controller::Kgateway, "TrafficPolicy") => {
                let Some(spec) = doc.get_mut("spec").and_then(Value::as_object_mut) else {
                    continue;
                };
                spec.shift_remove("basicAuth");
                spec.insert(
                    "extAuth".into(),
                    json!({"extensionRef": {"name": req.at.name}}),
                );
                extension_at = Some(i);
                wired += 1;
            }
            _ => {}
        }
    }
    if let Some(i) = extension_at {
        // The TrafficPolicy's extensionRef names a GatewayExtension of its own namespace.
        let mut meta = serde_json::Map::new();
        meta.insert("name".into(), Value::from(req.at.name.clone()));
        if let Some(ns) = &req.at.namespace {
            meta.insert("namespace".into(), Value::from(ns.clone()));
        }
        docs.insert(
            i,
            json!({
                "apiVersion": "gateway.kgateway.dev/v1alpha1",
                "kind": "GatewayExtension",
                "metadata": Value::Object(meta),
                "spec": {
                    "type": "ExtAuth",
                    "extAuth": {"grpcService": {"backendRef": {
                        "name": req.at.name,
                        "port": AUTH_SERVER_GRPC_PORT,
                    }}},
                },
            }),
        );
    }
    if wired == 0 {
        return Err(k8s_err(htpasswd_k8s::K8sError::Unsupported {
            controller,
            what: "forward-auth wiring for these resources",
        }));
    }
    Ok(())
}
