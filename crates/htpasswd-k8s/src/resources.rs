//! The other resources basic auth needs beyond a Secret and an Ingress: Traefik's Middleware,
//! Envoy Gateway's SecurityPolicy and the HTTPRoute it targets (custom resources, built as JSON
//! values: `k8s-openapi` has no types for them; keys stay in the order written here, so output
//! is deterministic), and the NetworkPolicy that closes the in-cluster way around the ingress.

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1::{
    NetworkPolicy, NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicyPort,
    NetworkPolicySpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::{Value, json};

use crate::controller::Controller;
use crate::error::{Field, K8sError, check};
use crate::ingress::{IngressPath, PortRef};
use crate::path_type::PathType;
use crate::rule::Rule;
use crate::secret::ObjectRef;
use crate::validate;

fn metadata(at: &ObjectRef) -> Value {
    Value::Object(at.json_meta())
}

/// A Traefik v3 `traefik.io/v1alpha1` Middleware whose `basicAuth` reads the Secret `secret`
/// (in the Middleware's namespace) and shows `realm`.
///
/// # Errors
/// [`K8sError::Invalid`] for an invalid name, namespace, Secret name or realm.
pub fn traefik_middleware(at: &ObjectRef, secret: &str, realm: &str) -> Result<Value, K8sError> {
    at.validate()?;
    check(Field::AuthSecret, secret, validate::object_name)?;
    check(Field::Realm, realm, validate::realm)?;
    Ok(json!({
        "apiVersion": "traefik.io/v1alpha1",
        "kind": "Middleware",
        "metadata": metadata(at),
        "spec": {"basicAuth": {"secret": secret, "realm": realm}},
    }))
}

/// An Envoy Gateway `gateway.envoyproxy.io/v1alpha1` SecurityPolicy that puts basic auth
/// (users from the Secret `secret`, key `.htpasswd`) on the HTTPRoute `httproute`; all three
/// live in one namespace.
///
/// # Errors
/// [`K8sError::Invalid`] for an invalid name, namespace, route or Secret name.
pub fn envoy_security_policy(
    at: &ObjectRef,
    httproute: &str,
    secret: &str,
) -> Result<Value, K8sError> {
    at.validate()?;
    check(Field::HttpRoute, httproute, validate::object_name)?;
    check(Field::AuthSecret, secret, validate::object_name)?;
    Ok(json!({
        "apiVersion": "gateway.envoyproxy.io/v1alpha1",
        "kind": "SecurityPolicy",
        "metadata": metadata(at),
        "spec": {
            "targetRefs": [{
                "group": "gateway.networking.k8s.io",
                "kind": "HTTPRoute",
                "name": httproute,
            }],
            "basicAuth": {"users": {"name": secret}},
        },
    }))
}

fn route_target(httproute: &str) -> Value {
    json!([{
        "group": "gateway.networking.k8s.io",
        "kind": "HTTPRoute",
        "name": httproute,
    }])
}

/// The policy that puts basic auth on the HTTPRoute `httproute` for a Gateway API target
/// ([`Controller::uses_gateway_api`]), with users from the Secret `secret` (its default key,
/// [`Controller::auth_file_key`]); all three live in one namespace:
/// - Envoy Gateway: as [`envoy_security_policy`];
/// - kgateway: a `gateway.kgateway.dev/v1alpha1` TrafficPolicy, `spec.basicAuth.secretRef`;
/// - agentgateway: an `agentgateway.dev/v1alpha1` AgentgatewayPolicy,
///   `spec.traffic.basicAuthentication` (`mode: Strict`, `realm`, `secretRef`).
///
/// `realm` is used where the controller has one ([`Controller::has_realm`]) and must be `None`
/// elsewhere.
///
/// # Errors
/// [`K8sError::Invalid`] for an invalid name, namespace, route, Secret name or realm;
/// [`K8sError::Unsupported`] for a controller without such a policy, or a realm where it has
/// none.
pub fn gateway_auth_policy(
    controller: Controller,
    at: &ObjectRef,
    httproute: &str,
    secret: &str,
    realm: Option<&str>,
) -> Result<Value, K8sError> {
    at.validate()?;
    check(Field::HttpRoute, httproute, validate::object_name)?;
    check(Field::AuthSecret, secret, validate::object_name)?;
    if let Some(r) = realm {
        check(Field::Realm, r, validate::realm)?;
        if !controller.has_realm() {
            return Err(K8sError::Unsupported {
                controller,
                what: "realm setting for basic auth",
            });
        }
    }
    match controller {
        Controller::EnvoyGateway => envoy_security_policy(at, httproute, secret),
        Controller::Kgateway => Ok(json!({
            "apiVersion": "gateway.kgateway.dev/v1alpha1",
            "kind": "TrafficPolicy",
            "metadata": metadata(at),
            "spec": {
                "targetRefs": route_target(httproute),
                "basicAuth": {"secretRef": {"name": secret}},
            },
        })),
        Controller::Agentgateway => {
            let mut basic = serde_json::Map::new();
            basic.insert("mode".into(), Value::from("Strict"));
            if let Some(r) = realm {
                basic.insert("realm".into(), Value::from(r));
            }
            basic.insert("secretRef".into(), json!({"name": secret}));
            Ok(json!({
                "apiVersion": "agentgateway.dev/v1alpha1",
                "kind": "AgentgatewayPolicy",
                "metadata": metadata(at),
                "spec": {
                    "targetRefs": route_target(httproute),
                    "traffic": {"basicAuthentication": Value::Object(basic)},
                },
            }))
        }
        Controller::GatewayApi | Controller::Istio => Err(K8sError::Unsupported {
            controller,
            what: "basic auth of its own (it checks passwords through the auth server only)",
        }),
        _ => Err(K8sError::Unsupported {
            controller,
            what: "policy on an HTTPRoute (it takes Ingress annotations)",
        }),
    }
}

/// An NGINX Gateway Fabric `gateway.nginx.org/v1alpha1` AuthenticationFilter (`type: Basic`)
/// with users from the Secret `secret` (key `auth`, same namespace) and `realm`; an HTTPRoute
/// rule puts it on its requests with an `ExtensionRef` filter ([`with_auth_filter`]).
///
/// # Errors
/// [`K8sError::Invalid`] for an invalid name, namespace, Secret name or realm.
pub fn nginx_authentication_filter(
    at: &ObjectRef,
    secret: &str,
    realm: &str,
) -> Result<Value, K8sError> {
    at.validate()?;
    check(Field::AuthSecret, secret, validate::object_name)?;
    check(Field::Realm, realm, validate::realm)?;
    Ok(json!({
        "apiVersion": "gateway.nginx.org/v1alpha1",
        "kind": "AuthenticationFilter",
        "metadata": metadata(at),
        "spec": {
            "type": "Basic",
            "basic": {"secretRef": {"name": secret}, "realm": realm},
        },
    }))
}

/// Adds to every rule of the HTTPRoute `route` (as [`http_route`] builds it) an `ExtensionRef`
/// filter naming `controller`'s auth resource `name` ([`Controller::auth_filter_ref`]: NGINX
/// Gateway Fabric's AuthenticationFilter, Traefik's Middleware), which must be in the route's
/// namespace.
///
/// # Errors
/// [`K8sError::Invalid`] for an invalid `name`; [`K8sError::Unsupported`] for a controller
/// without such a filter; [`K8sError::Shape`] when `route` has no `spec.rules` list.
pub fn with_auth_filter(
    controller: Controller,
    route: &mut Value,
    name: &str,
) -> Result<(), K8sError> {
    check(Field::AuthSecret, name, validate::object_name)?;
    let (group, kind) = controller.auth_filter_ref().ok_or(K8sError::Unsupported {
        controller,
        what: "HTTPRoute ExtensionRef filter for basic auth",
    })?;
    let rules = route
        .pointer_mut("/spec/rules")
        .and_then(Value::as_array_mut)
        .ok_or_else(|| K8sError::Shape {
            document: 1,
            what: "an HTTPRoute without spec.rules".to_owned(),
        })?;
    for rule in rules {
        let Some(rule) = rule.as_object_mut() else {
            continue;
        };
        let filter = json!({
            "type": "ExtensionRef",
            "extensionRef": {"group": group, "kind": kind, "name": name},
        });
        match rule.get_mut("filters").and_then(Value::as_array_mut) {
            Some(filters) => filters.push(filter),
            None => {
                rule.insert("filters".into(), json!([filter]));
            }
        }
    }
    Ok(())
}

/// Whether an `Exact`/`PathPrefix` path (already checked by [`validate::path`]: absolute, only
/// `A-Za-z0-9-._~/`, no `//`, `/./`, `/../` and no trailing `/.` or `/..`, which the HTTPRoute
/// CRD's CEL rules refuse too) also fits the HTTPRoute CRD's `maxLength: 1024` (Gateway API
/// v1.2; an Ingress path may be longer).
fn http_route_path_ok(path: &str) -> bool {
    path.len() <= 1024
}

/// A Gateway API `gateway.networking.k8s.io/v1` HTTPRoute attached to the Gateway `gateway`
/// (`NAME` or `NAMESPACE/NAME`): one rule per path, hosts as `hostnames`.
///
/// # Errors
/// Invalid values; [`K8sError::Unsupported`] for what an HTTPRoute cannot say: a named Service
/// port, `ImplementationSpecific` paths, paths the HTTPRoute CRD rejects (over 1024 characters,
/// or with `//`, `/./`, `/../` or a trailing `/.` or `/..`), TLS (set on the Gateway's listener),
/// or paths with and without a host in one route.
pub fn http_route(at: &ObjectRef, gateway: &str, paths: &[IngressPath]) -> Result<Value, K8sError> {
    http_route_for(Controller::EnvoyGateway, at, gateway, paths)
}

/// [`http_route`] for `controller`, which its errors name.
///
/// # Errors
/// As [`http_route`].
pub fn http_route_for(
    controller: Controller,
    at: &ObjectRef,
    gateway: &str,
    paths: &[IngressPath],
) -> Result<Value, K8sError> {
    at.validate()?;
    check(Field::Gateway, gateway, validate::auth_secret)?;
    let unsupported = |what| K8sError::Unsupported { controller, what };
    if paths.is_empty() {
        return Err(K8sError::Invalid {
            field: Field::Rule,
            value: String::new(),
            rule: Rule::NonEmpty,
        });
    }
    let mut hostnames: Vec<String> = Vec::new();
    let mut rules = Vec::new();
    for p in paths {
        p.validate()?;
        let kind = match p.path_type {
            PathType::Prefix => "PathPrefix",
            PathType::Exact => "Exact",
            _ => return Err(unsupported("ImplementationSpecific path on an HTTPRoute")),
        };
        if !http_route_path_ok(&p.path) {
            return Err(unsupported(
                "path over 1024 characters or with `//`, `/./`, `/../` or a trailing `/.` or `/..` \
                 on an HTTPRoute (its CRD rejects them)",
            ));
        }
        let PortRef::Number(port) = p.port else {
            return Err(unsupported(
                "named Service port on an HTTPRoute (backendRefs take a port number)",
            ));
        };
        if p.tls.is_some() {
            return Err(unsupported(
                "TLS on an HTTPRoute (TLS is set on the Gateway's listener)",
            ));
        }
        if p.host.is_none() != paths[0].host.is_none() {
            return Err(unsupported(
                "route with paths both with and without a host (one HTTPRoute per host set)",
            ));
        }
        if let Some(h) = &p.host
            && !hostnames.contains(h)
        {
            hostnames.push(h.clone());
        }
        rules.push(json!({
            "matches": [{"path": {"type": kind, "value": p.path}}],
            "backendRefs": [{"name": p.service, "port": port}],
        }));
    }
    let parent = match gateway.split_once('/') {
        Some((ns, name)) => json!({"name": name, "namespace": ns}),
        None => json!({"name": gateway}),
    };
    let mut spec = json!({"parentRefs": [parent], "rules": rules});
    if !hostnames.is_empty() {
        spec["hostnames"] = json!(hostnames);
    }
    Ok(json!({
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "HTTPRoute",
        "metadata": metadata(at),
        "spec": spec,
    }))
}

/// Everything the NetworkPolicy is built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkPolicyRequest {
    /// Name and namespace (the backend's namespace).
    pub at: ObjectRef,
    /// `KEY=VALUE` terms selecting the backend's pods (at least one).
    pub pod_selector: Vec<String>,
    /// The namespace the controller's pods run in.
    pub controller_namespace: String,
    /// `KEY=VALUE` terms selecting the controller's pods (at least one).
    pub controller_selector: Vec<String>,
    /// The backend pods' port (the Service's targetPort, not its port).
    pub target_port: PortRef,
}

impl NetworkPolicyRequest {
    /// A request with `controller`'s default namespace and pod label.
    #[must_use]
    pub fn for_controller(
        controller: Controller,
        at: ObjectRef,
        pod_selector: Vec<String>,
        target_port: PortRef,
    ) -> Self {
        let (ns, key, value) = controller.default_pods();
        Self {
            at,
            pod_selector,
            controller_namespace: ns.to_owned(),
            controller_selector: vec![format!("{key}={value}")],
            target_port,
        }
    }
}

fn selector(field: Field, terms: &[String]) -> Result<BTreeMap<String, String>, K8sError> {
    if terms.is_empty() {
        return Err(K8sError::Invalid {
            field,
            value: String::new(),
            rule: Rule::NonEmpty,
        });
    }
    let mut out = BTreeMap::new();
    for t in terms {
        let (k, v) = validate::label_selector(t).map_err(|rule| K8sError::Invalid {
            field,
            value: t.clone(),
            rule,
        })?;
        out.insert(k.to_owned(), v.to_owned());
    }
    Ok(out)
}

/// A `networking.k8s.io/v1` NetworkPolicy that admits traffic to the backend's pods only from
/// the controller's pods: namespace selector (`kubernetes.io/metadata.name`) and pod selector in
/// ONE `from` item (two items would admit either), on the pods' own port. Basic auth at the
/// ingress guards only traffic that passes the ingress; this closes the way around it.
///
/// # Errors
/// [`K8sError::Invalid`] naming the first invalid value (an empty selector included: it would
/// select every pod).
pub fn network_policy(req: &NetworkPolicyRequest) -> Result<NetworkPolicy, K8sError> {
    req.at.validate()?;
    let pods = selector(Field::PodSelector, &req.pod_selector)?;
    check(
        Field::ControllerNamespace,
        &req.controller_namespace,
        validate::namespace,
    )?;
    let controller = selector(Field::ControllerSelector, &req.controller_selector)?;
    let port = match &req.target_port {
        PortRef::Number(n) => IntOrString::Int(i32::from(*n)),
        PortRef::Name(n) => IntOrString::String(n.clone()),
    };
    let peer = NetworkPolicyPeer {
        namespace_selector: Some(LabelSelector {
            match_labels: Some(BTreeMap::from([(
                "kubernetes.io/metadata.name".to_owned(),
                req.controller_namespace.clone(),
            )])),
            ..LabelSelector::default()
        }),
        pod_selector: Some(LabelSelector {
            match_labels: Some(controller),
            ..LabelSelector::default()
        }),
        ..NetworkPolicyPeer::default()
    };
    Ok(NetworkPolicy {
        metadata: req.at.meta(BTreeMap::new()),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(LabelSelector {
                match_labels: Some(pods),
                ..LabelSelector::default()
            }),
            policy_types: Some(vec!["Ingress".to_owned()]),
            ingress: Some(vec![NetworkPolicyIngressRule {
                from: Some(vec![peer]),
                ports: Some(vec![NetworkPolicyPort {
                    protocol: Some("TCP".to_owned()),
                    port: Some(port),
                    ..NetworkPolicyPort::default()
                }]),
            }]),
            ..NetworkPolicySpec::default()
        }),
    })
}
