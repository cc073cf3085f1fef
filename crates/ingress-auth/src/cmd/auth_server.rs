//! `--auth-server IMAGE`: `ingress-auth serve` in the cluster (its Deployment, Service,
//! PodDisruptionBudget and NetworkPolicy from the library's `auth_server`), and the controller
//! wired to it instead of its own basic auth: ingress-nginx `auth-url`, Traefik `forwardAuth`,
//! Envoy Gateway `extAuth` (gRPC or HTTP), kgateway's GatewayExtension, the Gateway API
//! `ExternalAuth` filter, Istio's AuthorizationPolicy `action: CUSTOM` (with the mesh
//! configuration's extension provider, printed as a comment).

use htpasswd_k8s::{
    AUTH_SERVER_GRPC_PORT, AUTH_SERVER_HTTP_PORT, AUTH_SERVER_PATH, AuthServerRequest, Controller,
    Format, ObjectRef, Value, validate,
};
use serde_json::json;
use zeroize::Zeroizing;

use super::to_value;
use crate::args::{AuthServerArgs, NetworkPolicyArgs};
use crate::error::{Error, flag_err, k8s_err};

/// The controllers `--auth-server` wires, for messages.
pub(crate) const WIRED: &str =
    "ingress-nginx, traefik, envoy-gateway, kgateway, gateway-api, istio";

/// The refusal for a controller without basic auth of its own
/// ([`Controller::has_basic_auth`]) when no `--auth-server` is given; `flag` names it
/// (`--controller`, `--to`).
pub(crate) fn no_basic_auth(flag: &str, controller: Controller) -> Error {
    let why = match controller {
        Controller::Istio => {
            "istio has no basic auth of its own (an AuthorizationPolicy with action CUSTOM asks \
             an external authorization server)"
        }
        _ => {
            "the Gateway API has no basic auth of its own (its HTTPRoute ExternalAuth filter asks \
             an external authorization server)"
        }
    };
    Error::input(format!(
        "{flag} {controller}: {why}; give --auth-server IMAGE (ingress-auth serve, run in the \
         cluster, checks the users' hashes) and --gateway"
    ))
}

/// The response header that carries the checked user name (serve's `--user-header` default).
const USER_HEADER: &str = "X-Auth-User";

/// The controller the Secret and its users are built for when the server checks them: the
/// Secret is ingress-nginx's auth-file shape (key `auth`), whose schemes serve checks all of.
pub(crate) const SECRET_SHAPE: Controller = Controller::IngressNginx;

/// The server `args` ask for (`None` without `--auth-server`), checked: the controller is one
/// that is wired, the namespace given, the protocol one the controller speaks.
///
/// `gateway` is `--gateway` (`NAME` or `NAMESPACE/NAME`): for Istio, the Gateway whose pods
/// (label `gateway.networking.k8s.io/gateway-name`, in the Gateway's namespace) the
/// NetworkPolicy admits unless `--controller-namespace`/`--controller-selector` say otherwise.
pub(crate) fn plan(
    controller: Controller,
    at: &ObjectRef,
    args: &AuthServerArgs,
    net: Option<&NetworkPolicyArgs>,
    realm: &str,
    gateway: Option<&str>,
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
            | Controller::GatewayApi
            | Controller::Istio
    ) {
        return Err(Error::input(format!(
            "--auth-server: not wired for {controller} yet (wired: {WIRED})"
        )));
    }
    let grpc = match (controller, args.auth_protocol.as_deref()) {
        (Controller::EnvoyGateway, None | Some("grpc")) | (Controller::Kgateway, None) => true,
        // Istio's gateways are Envoy: ext_authz gRPC by default (the check carries the
        // client's address); the Gateway API's ExternalAuth filter: HTTP by default (every
        // implementation's HTTPRouteExternalAuthHTTP), gRPC when asked.
        (Controller::Istio, None | Some("grpc")) | (Controller::GatewayApi, Some("grpc")) => true,
        (Controller::Istio | Controller::GatewayApi, _) => false,
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
    if controller == Controller::GatewayApi && !given {
        return Err(Error::input(
            "--auth-server: each Gateway API implementation runs its proxies its own way; give \
             --controller-namespace and --controller-selector KEY=VALUE of your Gateway's proxy \
             pods (the NetworkPolicy admits only them)",
        ));
    }
    if !controller.has_basic_auth() && gateway.is_none() {
        return Err(Error::input(format!(
            "--auth-server: {controller} needs --gateway NAME (or NAMESPACE/NAME): the HTTPRoute \
             is attached to it{}",
            if controller == Controller::Istio {
                " and the AuthorizationPolicy targets it"
            } else {
                ""
            }
        )));
    }
    if let (Controller::Istio, Some(gw)) = (controller, gateway) {
        if validate::auth_secret(gw).is_err() {
            return Err(Error::input(format!(
                "--gateway {gw:?}: must be a Gateway name (DNS-1123 subdomain), optionally \
                 prefixed by 'NAMESPACE/'"
            )));
        }
        // The pods Istio deploys for a Gateway API Gateway: in its namespace, labelled with
        // its name (istio/istio manifests/charts/istio-control/istio-discovery/files/
        // kube-gateway.yaml).
        let (ns, name) = gw
            .split_once('/')
            .unwrap_or((at.namespace.as_deref().unwrap_or_default(), gw));
        ns.clone_into(&mut req.controller_namespace);
        req.controller_selector = vec![format!("gateway.networking.k8s.io/gateway-name={name}")];
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
    let mesh = mesh_config(controller, &req)?;
    Ok(Some(Plan { req, docs, mesh }))
}

/// A checked `--auth-server` request and its resources.
pub(crate) struct Plan {
    /// The request the resources were built from.
    pub(crate) req: AuthServerRequest,
    /// Deployment, Service, PodDisruptionBudget, NetworkPolicy.
    pub(crate) docs: Vec<Value>,
    /// Istio's mesh configuration ([`mesh_config`]); `None` for the other controllers.
    pub(crate) mesh: Option<String>,
}

/// The client's headers Istio sends with an HTTP check (`includeRequestHeadersInCheck`):
/// `Authorization` (Istio sends only Host, Method, Path and Content-Length otherwise) and
/// `X-Forwarded-For` (the throttle's client address).
const FORWARDED_HEADERS: [&str; 2] = ["authorization", "x-forwarded-for"];

/// The Gateway API `ExternalAuth` filter (experimental channel) asking the server.
fn external_auth_filter(req: &AuthServerRequest, route_ns: Option<&str>) -> Value {
    let mut backend = serde_json::Map::new();
    backend.insert("name".into(), Value::from(req.at.name.clone()));
    // The server may live in another namespace than the route (migrate): name it, and the
    // namespace must allow the reference (a ReferenceGrant).
    if req.at.namespace.as_deref() != route_ns
        && let Some(ns) = &req.at.namespace
    {
        backend.insert("namespace".into(), Value::from(ns.clone()));
    }
    let ext = if req.grpc {
        backend.insert("port".into(), Value::from(AUTH_SERVER_GRPC_PORT));
        json!({
            "protocol": "GRPC",
            "backendRef": Value::Object(backend),
            // Only these go to the server (the client's address is the check's source).
            "grpc": {"allowedHeaders": ["Authorization"]},
        })
    } else {
        backend.insert("port".into(), Value::from(AUTH_SERVER_HTTP_PORT));
        json!({
            "protocol": "HTTP",
            "backendRef": Value::Object(backend),
            "http": {
                // A prefix: the request's path is appended.
                "path": AUTH_SERVER_PATH,
                // Authorization is always sent; X-Forwarded-For names the client.
                "allowedHeaders": ["X-Forwarded-For"],
                "allowedResponseHeaders": [USER_HEADER],
            },
        })
    };
    json!({"type": "ExternalAuth", "externalAuth": ext})
}

/// The Istio paths (`exact`, `prefix*`) that match what an HTTPRoute rule's path match routes:
/// `Exact` as it is; `PathPrefix` `/a` (or `/a/`: Gateway API ignores a trailing `/`) as `/a`
/// and `/a/*`, `/` as `/*`. Istio matches the path without its query (Envoy's `url_path`).
fn istio_paths(route: &Value) -> Vec<(bool, String)> {
    let mut out: Vec<(bool, String)> = Vec::new();
    let rules = route
        .pointer("/spec/rules")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    for m in rules
        .iter()
        .filter_map(|r| r.get("matches").and_then(Value::as_array))
        .flatten()
    {
        let kind = m.pointer("/path/type").and_then(Value::as_str);
        let Some(value) = m.pointer("/path/value").and_then(Value::as_str) else {
            continue;
        };
        let entry = match kind {
            Some("Exact") => (false, value.to_owned()),
            _ => (true, value.trim_end_matches('/').to_owned()),
        };
        if !out.contains(&entry) {
            out.push(entry);
        }
    }
    out
}

/// `(prefix, base)` pairs as Istio path strings.
fn istio_path_strings(paths: &[(bool, String)]) -> Vec<String> {
    let mut out = Vec::new();
    for (prefix, base) in paths {
        if *prefix {
            if !base.is_empty() {
                out.push(base.clone());
            }
            out.push(format!("{base}/*"));
        } else {
            out.push(base.clone());
        }
    }
    out
}

/// Istio's AuthorizationPolicy (`action: CUSTOM`) asking the provider `provider` for the
/// requests of `route` (its hosts and paths), on the Gateway the route is attached to (by
/// `targetRefs`, in the Gateway's namespace); the paths of `free` (the `--no-auth-path` route)
/// are left out (`notPaths`).
///
/// # Errors
/// When an exempt path would also leave out a protected one (Gateway API sends a request to
/// the most specific match, Istio's `notPaths` would skip its check: refused, never a bypass),
/// or the policy's name is too long.
fn istio_policy(
    req: &AuthServerRequest,
    provider: &str,
    route: &Value,
    free: Option<&Value>,
) -> Result<Value, Error> {
    let parent = &route["spec"]["parentRefs"][0];
    let gw_name = parent["name"].as_str().unwrap_or_default();
    let gw_ns = parent["namespace"]
        .as_str()
        .or_else(|| route.pointer("/metadata/namespace").and_then(Value::as_str))
        .or(req.at.namespace.as_deref());
    let paths = istio_paths(route);
    let exempt = free.map(istio_paths).unwrap_or_default();
    for (e_prefix, e) in &exempt {
        let covers = |p: &str| {
            if *e_prefix {
                e.is_empty() || p == e || p.starts_with(&format!("{e}/"))
            } else {
                p == e
            }
        };
        if let Some((_, p)) = paths
            .iter()
            .find(|(p_prefix, p)| covers(p) && (*e_prefix || !*p_prefix))
        {
            return Err(Error::input(format!(
                "--no-auth-path: istio's AuthorizationPolicy skips exempt paths by notPaths, and \
                 {e:?} would also skip protected path {p:?} (routed to the protected route): \
                 give exempt paths that no protected path lies under"
            )));
        }
    }
    let mut operation = serde_json::Map::new();
    // Host matches are exact and see the port (`a.example.com:8443`): both are listed. A
    // wildcard host or none: the paths on every host of the Gateway (fail closed).
    let hosts: Vec<String> = route
        .pointer("/spec/hostnames")
        .and_then(Value::as_array)
        .map(|h| {
            h.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if !hosts.is_empty() && !hosts.iter().any(|h| h.starts_with('*')) {
        let mut list = Vec::new();
        for h in hosts {
            let with_port = format!("{h}:*");
            list.push(h);
            list.push(with_port);
        }
        operation.insert("hosts".into(), json!(list));
    }
    operation.insert("paths".into(), json!(istio_path_strings(&paths)));
    if !exempt.is_empty() {
        operation.insert("notPaths".into(), json!(istio_path_strings(&exempt)));
    }
    let name = format!(
        "{}-{}",
        req.at.namespace.as_deref().unwrap_or_default(),
        req.at.name
    );
    validate::object_name(&name).map_err(|rule| {
        Error::input(format!(
            "--name: the AuthorizationPolicy's name {name:?} (NAMESPACE-NAME-auth-server): {rule}"
        ))
    })?;
    let mut meta = serde_json::Map::new();
    meta.insert("name".into(), Value::from(name));
    if let Some(ns) = gw_ns {
        meta.insert("namespace".into(), Value::from(ns));
    }
    Ok(json!({
        "apiVersion": "security.istio.io/v1",
        "kind": "AuthorizationPolicy",
        "metadata": Value::Object(meta),
        "spec": {
            // The Gateway's pods, in the policy's namespace (Istio: `kind: Gateway` with `group:
            // gateway.networking.k8s.io` in the same namespace).
            "targetRefs": [{
                "group": "gateway.networking.k8s.io",
                "kind": "Gateway",
                "name": gw_name,
            }],
            "action": "CUSTOM",
            "provider": {"name": provider},
            "rules": [{"to": [{"operation": Value::Object(operation)}]}],
        },
    }))
}

/// The name of Istio's extension provider for the server: `NAME.NAMESPACE` (the server's).
fn istio_provider(req: &AuthServerRequest) -> String {
    format!(
        "{}.{}",
        req.at.name,
        req.at.namespace.as_deref().unwrap_or_default()
    )
}

/// The `meshConfig` entry Istio needs for the server `req` (`None` for other controllers), as
/// YAML comment lines: mesh-wide configuration, not a resource `kubectl apply` takes. For `-o
/// json`, the same lines are for standard error.
fn mesh_config(controller: Controller, req: &AuthServerRequest) -> Result<Option<String>, Error> {
    if controller != Controller::Istio {
        return Ok(None);
    }
    let provider = if req.grpc {
        json!({
            "name": istio_provider(req),
            "envoyExtAuthzGrpc": {"service": req.host(), "port": AUTH_SERVER_GRPC_PORT},
        })
    } else {
        json!({
            "name": istio_provider(req),
            "envoyExtAuthzHttp": {
                "service": req.host(),
                "port": AUTH_SERVER_HTTP_PORT,
                // A prefix: Envoy appends the request's path.
                "pathPrefix": AUTH_SERVER_PATH,
                "includeRequestHeadersInCheck": FORWARDED_HEADERS,
                "headersToUpstreamOnAllow": [USER_HEADER.to_ascii_lowercase()],
            },
        })
    };
    let doc = json!({"meshConfig": {"extensionProviders": [provider]}});
    let yaml = htpasswd_k8s::write_stream(&[doc], Format::Yaml).map_err(k8s_err)?;
    let mut out = String::from(
        "# Istio mesh configuration: NOT a resource (kubectl apply cannot take it). The\n\
         # AuthorizationPolicy of this output names this extension provider, which Istio knows\n\
         # only once the entry is in meshConfig.extensionProviders: the IstioOperator's\n\
         # spec.meshConfig, istiod's Helm values (meshConfig), or the `mesh` key of the istio\n\
         # ConfigMap in istio-system. Add it to the providers already there (a new list\n\
         # replaces the old one).\n",
    );
    for line in yaml.lines().filter(|l| *l != "---") {
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
    Ok(Some(out))
}

/// What to check before relying on the wiring, for stderr: the Gateway API `ExternalAuth`
/// filter is in the experimental channel only.
pub(crate) fn notice(controller: Controller) -> Option<Zeroizing<String>> {
    (controller == Controller::GatewayApi).then(|| {
        Zeroizing::new(
            "note: the HTTPRoute ExternalAuth filter is in the Gateway API experimental channel: \
             the cluster needs the experimental HTTPRoute CRD (v1.5+) and an implementation that \
             supports the filter; check the route's Accepted condition after applying"
                .to_owned(),
        )
    })
}

/// Adds the plan's mesh configuration ([`Plan::mesh`]), if any, to the output: after the
/// documents as a comment block (YAML), or on standard error (JSON, which has no comments).
pub(crate) fn add_mesh_config(
    plan: &Plan,
    format: Format,
    stdout: &mut String,
    stderr: &mut Vec<Zeroizing<String>>,
) {
    let Some(text) = &plan.mesh else {
        return;
    };
    if format == Format::Yaml {
        stdout.push_str(text);
    } else {
        stderr.push(Zeroizing::new(format!(
            "note: the AuthorizationPolicy needs this mesh configuration:\n{}",
            text.trim_end()
        )));
    }
}

/// Rewrites the controller's basic-auth resources among `docs` to ask the server instead:
/// ingress-nginx Ingresses with `auth-type` get `auth-url` and `auth-response-headers` in place
/// of the basic-auth annotations; Traefik's Middleware gets `forwardAuth` in place of
/// `basicAuth`; Envoy Gateway's SecurityPolicy `extAuth` in place of `basicAuth`; kgateway's
/// TrafficPolicy `extAuth.extensionRef` naming a GatewayExtension (written before it) whose
/// `extAuth.grpcService` is the server. For the controllers without basic auth of their own:
/// the Gateway API HTTPRoute (the first one: the second is `--no-auth-path`'s) gets an
/// `ExternalAuth` filter on every rule; for Istio, an AuthorizationPolicy (`action: CUSTOM`)
/// on the route's Gateway is added after the routes.
///
/// # Errors
/// When no resource was rewritten (nothing would ask the server); Istio's policy errors.
pub(crate) fn wire(
    controller: Controller,
    docs: &mut Vec<Value>,
    plan: &Plan,
) -> Result<(), Error> {
    let req = &plan.req;
    let mut wired = 0;
    let mut extension_at = None;
    if controller == Controller::Istio {
        let mut routes = docs.iter().filter(|d| d["kind"] == "HTTPRoute");
        if let Some(route) = routes.next() {
            let policy = istio_policy(req, &istio_provider(req), route, routes.next())?;
            docs.push(policy);
            wired += 1;
        }
    }
    let mut first_route = true;
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
            (Controller::GatewayApi, "HTTPRoute") if first_route => {
                first_route = false;
                let route_ns = doc
                    .pointer("/metadata/namespace")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                let filter = external_auth_filter(req, route_ns.as_deref());
                let Some(rules) = doc.pointer_mut("/spec/rules").and_then(Value::as_array_mut)
                else {
                    continue;
                };
                for rule in rules.iter_mut().filter_map(Value::as_object_mut) {
                    match rule.get_mut("filters").and_then(Value::as_array_mut) {
                        Some(filters) => filters.push(filter.clone()),
                        None => {
                            rule.insert("filters".into(), json!([filter.clone()]));
                        }
                    }
                }
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
