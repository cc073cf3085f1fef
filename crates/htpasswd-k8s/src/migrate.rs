//! Moving an ingress-nginx basic-auth setup (annotated Ingress + auth Secret) to another
//! controller. Hashes are copied, never re-made (the passwords are unknown): users whose hash
//! the target cannot check are left out and named.

use serde_json::Value;

use crate::controller::{AuthConfig, Controller, NGINX_PREFIX as NGINX, SecretType};
use crate::document::{kind, objects_mut, read_stream};
use crate::error::{Field, K8sError, check};
use crate::ingress::{IngressPath, PortRef};
use crate::path_type::PathType;
use crate::read::read_auth_secret;
use crate::resources::{
    gateway_auth_policy, http_route_for, nginx_authentication_filter, traefik_middleware,
};
use crate::rule::Rule;
use crate::secret::{ObjectRef, auth_secret};
use crate::users::UserSet;
use crate::validate;

/// What to migrate, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrateRequest {
    /// The target controller.
    pub to: Controller,
    /// The Ingress to migrate, when the input holds several with basic auth.
    pub ingress: Option<String>,
    /// The Gateway API targets: the HTTPRoute the policy targets (default: the Ingress's name).
    pub httproute: Option<String>,
    /// `spec.ingressClassName` of the migrated Ingress; `None` keeps the old one.
    pub class: Option<String>,
    /// The namespace of an Ingress that names none (Traefik's annotation must name it).
    pub namespace: Option<String>,
    /// The users go to `ingress-auth serve` ([`crate::auth_server`]), not to the target's own
    /// basic auth: the Secret is ingress-nginx's auth-file shape (key `auth`) and every hash
    /// ingress-nginx checks is kept (the front end then wires the target to the server).
    pub auth_server: bool,
    /// The targets without basic auth of their own ([`Controller::has_basic_auth`]: Gateway
    /// API, Istio): the Gateway (`NAME` or `NAMESPACE/NAME`) the HTTPRoute made from the
    /// Ingress attaches to. Required for them, refused for the others.
    pub gateway: Option<String>,
}

impl MigrateRequest {
    /// A request to migrate to `to` with every option at its default: the only Ingress with
    /// basic auth, the HTTPRoute named as the Ingress, the class and namespace kept, the
    /// target's own basic auth, no Gateway. Set the fields that differ, or write
    /// `MigrateRequest { auth_server: true, ..MigrateRequest::new(to) }`.
    #[must_use]
    pub const fn new(to: Controller) -> Self {
        Self {
            to,
            ingress: None,
            httproute: None,
            class: None,
            namespace: None,
            auth_server: false,
            gateway: None,
        }
    }
}

/// The migrated resources.
#[derive(Debug, Clone, PartialEq)]
pub struct Migrated {
    /// Secret first, then the target's resources (Middleware, Ingress or SecurityPolicy).
    pub documents: Vec<Value>,
    /// Users left out: the target cannot check their hashes.
    pub missing_users: Vec<String>,
    /// ingress-nginx annotations the target ignores, left on the Ingress as they were (for the
    /// targets that turn the Ingress into an HTTPRoute, Gateway API and Istio: the annotations
    /// the HTTPRoute does not carry).
    pub leftover_annotations: Vec<String>,
    /// Snippet annotations kept on the Ingress (`*-snippet`, `*-snippets`: raw configuration
    /// of ingress-nginx, NGINX Inc or HAProxy), which take effect wherever a controller of
    /// their prefix reads them: worth a review before the switch.
    pub snippet_annotations: Vec<String>,
}

/// Whether an annotation holds a configuration snippet (`nginx.ingress.kubernetes.io/*-snippet`,
/// `nginx.org/*-snippets`, `haproxy.org/*-snippet`, and the like of any prefix).
fn is_snippet(key: &str) -> bool {
    let name = key.rsplit_once('/').map_or(key, |(_, n)| n);
    name.ends_with("snippet") || name.ends_with("snippets")
}

/// Checks a value taken from the input Ingress with the rule of the flag it stands for.
fn check_input(
    ing_name: &str,
    what: &str,
    field: Field,
    value: &str,
    rule: impl FnOnce(&str) -> Result<(), Rule>,
) -> Result<(), K8sError> {
    check(field, value, rule).map_err(|e| K8sError::Migrate {
        what: format!("Ingress {ing_name:?}: {what}: {e}"),
    })
}

/// Checks every path of the input Ingress against the target's rule for its path type.
fn check_paths(ing: &Value, ing_name: &str, to: Controller) -> Result<(), K8sError> {
    let rules = ing
        .pointer("/spec/rules")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    for rule in rules {
        let paths = rule
            .pointer("/http/paths")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        for p in paths {
            let Some(path) = p.get("path").and_then(Value::as_str) else {
                continue;
            };
            let type_name = p
                .get("pathType")
                .and_then(Value::as_str)
                .unwrap_or("ImplementationSpecific");
            let path_type = PathType::parse(type_name).map_err(|rule| K8sError::Migrate {
                what: format!("Ingress {ing_name:?}: path type {type_name:?}: {rule}"),
            })?;
            check_input(
                ing_name,
                "spec.rules[].http.paths[].path",
                Field::Path,
                path,
                |s| validate::controller_path(to, s, path_type),
            )?;
        }
    }
    Ok(())
}

fn annotation<'a>(ing: &'a Value, key: &str) -> Option<&'a str> {
    ing.pointer("/metadata/annotations")
        .and_then(|a| a.get(format!("{NGINX}{key}")))
        .and_then(Value::as_str)
}

/// The paths of an Ingress (`spec.rules[].http.paths[]`) as [`IngressPath`]s, for an HTTPRoute:
/// TLS is left out (it is set on the Gateway's listener).
fn ingress_paths(ing: &Value, ing_name: &str) -> Result<Vec<IngressPath>, K8sError> {
    let err = |what: String| K8sError::Migrate {
        what: format!("Ingress {ing_name:?}: {what}"),
    };
    if ing.pointer("/spec/defaultBackend").is_some() {
        return Err(err(
            "spec.defaultBackend has no HTTPRoute equivalent here: route it with a rule".to_owned(),
        ));
    }
    let list = |v: Option<&Value>| v.and_then(Value::as_array).cloned().unwrap_or_default();
    let mut out = Vec::new();
    for rule in list(ing.pointer("/spec/rules")) {
        let host = rule.get("host").and_then(Value::as_str).map(str::to_owned);
        for p in list(rule.pointer("/http/paths")) {
            let path = p.get("path").and_then(Value::as_str).unwrap_or("/");
            let type_name = p
                .get("pathType")
                .and_then(Value::as_str)
                .unwrap_or("ImplementationSpecific");
            let path_type = PathType::parse(type_name)
                .map_err(|rule| err(format!("path type {type_name:?}: {rule}")))?;
            let service = p
                .pointer("/backend/service/name")
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    err(format!(
                        "path {path:?}: only a Service backend becomes an HTTPRoute backendRef"
                    ))
                })?;
            let port =
                match (
                    p.pointer("/backend/service/port/number")
                        .and_then(Value::as_u64),
                    p.pointer("/backend/service/port/name")
                        .and_then(Value::as_str),
                ) {
                    (Some(n), _) => PortRef::Number(u16::try_from(n).map_err(|_| {
                        err(format!("path {path:?}: port {n} is not a port number"))
                    })?),
                    (None, Some(name)) => PortRef::Name(name.to_owned()),
                    (None, None) => {
                        return Err(err(format!("path {path:?}: the backend names no port")));
                    }
                };
            out.push(IngressPath {
                host: host.clone(),
                path: path.to_owned(),
                path_type,
                service: service.to_owned(),
                port,
                tls: None,
            });
        }
    }
    Ok(out)
}

/// Reads the ingress-nginx Ingress with `auth-type: basic` (the one named `req.ingress`, or the
/// only one) and its auth Secret from a YAML or JSON stream, and builds the equivalent for
/// `req.to`: the Secret in the target's shape (same name and namespace), and Traefik's
/// Middleware + Ingress, Envoy Gateway's SecurityPolicy, or the Ingress with the target's
/// annotations (ingress-nginx auth annotations removed, server-set fields dropped). For the
/// targets without basic auth of their own (Gateway API, Istio; `req.auth_server` required):
/// the Secret in the auth server's shape and the Ingress turned into an HTTPRoute (named as the
/// Ingress, or `req.httproute`) attached to `req.gateway`, which the front end wires to the
/// server.
///
/// # Errors
/// Unparsable input; no (or several) basic-auth Ingresses ([`K8sError::NoIngress`],
/// [`K8sError::Migrate`]); the Secret missing from the stream;
/// a user name the target's Secret cannot hold; no user the target can check; a target that
/// takes passwords in clear (Kong: [`Controller::takes_plaintext`]), before the input is read;
/// [`K8sError::Unsupported`] for a target without basic auth of its own and no auth server;
/// for those targets, no `req.gateway`, or an Ingress an HTTPRoute cannot say
/// ([`http_route_for`]'s errors).
pub fn migrate(input: &str, req: &MigrateRequest) -> Result<Migrated, K8sError> {
    if req.to.takes_plaintext() {
        return Err(K8sError::Migrate {
            what: format!(
                "{} takes each password in clear and stores its own hash (hex SHA-1 of the \
                 password and the consumer's id); an ingress-nginx Secret holds only hashes, \
                 which it cannot take, and the passwords cannot be recovered from them: \
                 re-create the users with --controller {} (generate, with --user or \
                 --users-file), or keep the hashes with ingress-auth serve (--auth-server) \
                 behind a controller it is wired to (ingress-nginx, traefik, envoy-gateway, \
                 kgateway, gateway-api, istio)",
                req.to, req.to
            ),
        });
    }
    if !req.to.has_basic_auth() && !req.auth_server {
        return Err(K8sError::Unsupported {
            controller: req.to,
            what: "basic auth of its own (it checks passwords through the auth server only)",
        });
    }
    if let Some(gateway) = &req.gateway {
        check(Field::Gateway, gateway, validate::auth_secret)?;
        if req.to.has_basic_auth() {
            return Err(K8sError::Unsupported {
                controller: req.to,
                what: "HTTPRoute made from the Ingress (a Gateway is only for gateway-api, istio)",
            });
        }
    }
    let (_, mut docs) = read_stream(input)?;
    let mut ingresses: Vec<Value> = docs
        .iter_mut()
        .flat_map(objects_mut)
        .filter(|o| kind(o) == Some("Ingress"))
        .map(core::mem::take)
        .collect();
    let any = !ingresses.is_empty();
    ingresses.retain(|i| annotation(i, "auth-type") == Some("basic"));
    if any && ingresses.is_empty() {
        return Err(K8sError::Migrate {
            what: "no Ingress has nginx.ingress.kubernetes.io/auth-type: basic".to_owned(),
        });
    }
    let name_of = |v: &Value| {
        v.pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    if let Some(want) = &req.ingress {
        ingresses.retain(|i| name_of(i) == *want);
    }
    let mut ing = match ingresses.len() {
        0 => {
            return Err(K8sError::NoIngress {
                name: req.ingress.clone(),
            });
        }
        1 => ingresses.remove(0),
        _ => {
            return Err(K8sError::Migrate {
                what: format!(
                    "several Ingresses with basic auth ({}); choose one with --ingress",
                    ingresses
                        .iter()
                        .map(|i| format!("{:?}", name_of(i)))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
    };
    let ing_name = name_of(&ing);
    let ing_ns = ing
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| req.namespace.clone());
    let shape = |what: &str| K8sError::Migrate {
        what: format!("Ingress {ing_name:?}: {what}"),
    };
    let secret_ref = annotation(&ing, "auth-secret")
        .ok_or_else(|| shape("no nginx.ingress.kubernetes.io/auth-secret annotation"))?
        .to_owned();
    let realm = annotation(&ing, "auth-realm")
        .unwrap_or(AuthConfig::DEFAULT_REALM)
        .to_owned();
    // Every value taken from the input passes the rule of the flag it stands for.
    check_input(
        &ing_name,
        "metadata.name",
        Field::Name,
        &ing_name,
        validate::object_name,
    )?;
    if let Some(ns) = &ing_ns {
        check_input(
            &ing_name,
            "metadata.namespace",
            Field::Namespace,
            ns,
            validate::namespace,
        )?;
    }
    check_input(
        &ing_name,
        "annotation nginx.ingress.kubernetes.io/auth-secret",
        Field::AuthSecret,
        &secret_ref,
        validate::auth_secret,
    )?;
    check_input(
        &ing_name,
        "annotation nginx.ingress.kubernetes.io/auth-realm",
        Field::Realm,
        &realm,
        validate::realm,
    )?;
    if req.to.uses_ingress() {
        check_paths(&ing, &ing_name, req.to)?;
    }
    let (secret_ns, secret_name) = match secret_ref.split_once('/') {
        Some((ns, n)) => (Some(ns.to_owned()), n.to_owned()),
        None => (ing_ns.clone(), secret_ref.clone()),
    };
    let old = read_auth_secret(Controller::IngressNginx, input, Some(&secret_name))?;
    if old.plaintext {
        return Err(K8sError::Migrate {
            what: format!(
                "Secret {secret_name:?} is a Kong credential, not an ingress-nginx auth Secret"
            ),
        });
    }

    // Who checks the hashes: the target itself, or the auth server (ingress-nginx's schemes).
    let checker = if req.auth_server {
        Controller::IngressNginx
    } else {
        req.to
    };
    let mut users = UserSet::new(checker);
    let mut missing_users = Vec::new();
    for (user, hash) in &old.entries {
        let user = String::from_utf8_lossy(user).into_owned();
        let hash = core::str::from_utf8(hash).map_err(|_| K8sError::SecretData {
            what: format!("the hash of user {user:?} is not UTF-8"),
        })?;
        match users.add_hash(&user, hash) {
            Ok(()) => {}
            Err(K8sError::UnsupportedScheme { user, .. }) => missing_users.push(user),
            Err(e) => return Err(e),
        }
    }
    if users.is_empty() {
        return Err(K8sError::Migrate {
            what: format!(
                "{checker} can check the hash of none of the users of Secret {secret_name:?}"
            ),
        });
    }
    let secret_at = ObjectRef {
        name: secret_name.clone(),
        namespace: secret_ns.clone(),
    };
    let secret = if req.auth_server {
        auth_secret(checker, &secret_at, &users, SecretType::AuthFile)?
    } else {
        auth_secret(req.to, &secret_at, &users, req.to.default_secret_type())?
    };
    let mut documents = vec![to_value(&secret)?];

    if !req.to.has_basic_auth() {
        let gateway = req.gateway.as_deref().ok_or_else(|| K8sError::Migrate {
            what: format!(
                "{} has no basic auth of its own: Ingress {ing_name:?} becomes an HTTPRoute, \
                 which needs the Gateway it attaches to",
                req.to
            ),
        })?;
        let route_at = ObjectRef {
            name: req.httproute.clone().unwrap_or_else(|| ing_name.clone()),
            namespace: ing_ns.clone(),
        };
        let paths = ingress_paths(&ing, &ing_name)?;
        documents.push(http_route_for(req.to, &route_at, gateway, &paths)?);
        let leftover_annotations = ing
            .pointer("/metadata/annotations")
            .and_then(Value::as_object)
            .map(|a| {
                a.keys()
                    .filter(|k| {
                        *k != "kubectl.kubernetes.io/last-applied-configuration"
                            && !Controller::IngressNginx
                                .auth_annotation_keys()
                                .iter()
                                .any(|(key, _)| key == k)
                    })
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        return Ok(Migrated {
            documents,
            missing_users,
            leftover_annotations,
            snippet_annotations: Vec::new(),
        });
    }
    if req.to.uses_gateway_api() {
        let route = req.httproute.clone().unwrap_or_else(|| ing_name.clone());
        let at = ObjectRef {
            name: ing_name,
            namespace: secret_ns,
        };
        if req.to == Controller::NginxGatewayFabric {
            documents.push(nginx_authentication_filter(&at, &secret_name, &realm)?);
        } else {
            let realm = req.to.has_realm().then_some(realm.as_str());
            documents.push(gateway_auth_policy(
                req.to,
                &at,
                &route,
                &secret_name,
                realm,
            )?);
        }
        return Ok(Migrated {
            documents,
            missing_users,
            leftover_annotations: Vec::new(),
            snippet_annotations: Vec::new(),
        });
    }
    let secret_type = if req.to == Controller::IngressNginx {
        old.secret_type
    } else {
        req.to.default_secret_type()
    };
    let qualified = match &secret_ns {
        Some(ns) if req.to == Controller::Traefik => format!("{ns}/{secret_name}"),
        None if req.to == Controller::Traefik => {
            return Err(shape(
                "no namespace, and traefik's router.middlewares annotation must name the \
                 Middleware's (give --namespace)",
            ));
        }
        _ => secret_ref.clone(),
    };
    let auth = AuthConfig {
        secret: qualified,
        realm: realm.clone(),
        secret_type,
    };
    let new_annotations = req.to.auth_annotations(&auth)?;
    if req.to == Controller::Traefik {
        documents.push(traefik_middleware(&secret_at, &secret_name, &realm)?);
    }
    // Server-set fields go; the auth annotations are replaced.
    if let Some(meta) = ing.get_mut("metadata").and_then(Value::as_object_mut) {
        for k in [
            "creationTimestamp",
            "generation",
            "managedFields",
            "resourceVersion",
            "uid",
        ] {
            // shift_remove: the other fields keep their order.
            meta.shift_remove(k);
        }
    }
    if let Some(obj) = ing.as_object_mut() {
        obj.shift_remove("status");
    }
    if let (Some(ns), Some(meta)) = (
        &ing_ns,
        ing.get_mut("metadata").and_then(Value::as_object_mut),
    ) && !meta.contains_key("namespace")
    {
        meta.insert("namespace".into(), Value::from(ns.clone()));
    }
    let mut leftover_annotations = Vec::new();
    let mut snippet_annotations = Vec::new();
    if let Some(ann) = ing
        .pointer_mut("/metadata/annotations")
        .and_then(Value::as_object_mut)
    {
        ann.shift_remove("kubectl.kubernetes.io/last-applied-configuration");
        for (k, _) in Controller::IngressNginx.auth_annotation_keys() {
            ann.shift_remove(*k);
        }
        snippet_annotations = ann.keys().filter(|k| is_snippet(k)).cloned().collect();
        if req.to != Controller::IngressNginx {
            leftover_annotations = ann
                .keys()
                .filter(|k| k.starts_with(NGINX))
                .cloned()
                .collect();
        }
        for (k, v) in new_annotations {
            ann.insert(k, Value::from(v));
        }
    }
    if let Some(class) = &req.class
        && let Some(spec) = ing.get_mut("spec").and_then(Value::as_object_mut)
    {
        spec.insert("ingressClassName".into(), Value::from(class.clone()));
    }
    documents.push(ing);
    Ok(Migrated {
        documents,
        missing_users,
        leftover_annotations,
        snippet_annotations,
    })
}

fn to_value<T: serde::Serialize>(v: &T) -> Result<Value, K8sError> {
    serde_json::to_value(v).map_err(|e| K8sError::Serialize {
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const INPUT: &str = "\
apiVersion: v1
kind: Secret
metadata:
  name: basic-auth
  namespace: web
type: Opaque
stringData:
  auth: |
    alice:$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/
    bob:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: app
  namespace: web
  annotations:
    nginx.ingress.kubernetes.io/auth-type: basic
    nginx.ingress.kubernetes.io/auth-secret: basic-auth
    nginx.ingress.kubernetes.io/auth-realm: Team
spec:
  rules:
  - host: a.example.com
";

    #[test]
    fn envoy_keeps_sha1_users_only() {
        let req = MigrateRequest::new(Controller::EnvoyGateway);
        let m = migrate(INPUT, &req).unwrap();
        assert_eq!(m.missing_users, ["alice"]);
        assert_eq!(m.documents.len(), 2);
        assert_eq!(m.documents[1]["kind"], "SecurityPolicy");
        assert_eq!(m.documents[1]["spec"]["targetRefs"][0]["name"], "app");
    }

    /// Gateway API and Istio have no basic auth of their own: only with the auth server (every
    /// user kept, in its Secret's shape), the Ingress turned into an HTTPRoute on `gateway`.
    #[test]
    fn gateway_api_and_istio_turn_the_ingress_into_an_httproute() {
        let input = format!(
            "{INPUT}    http:
      paths:
      - path: /api
        pathType: Prefix
        backend:
          service:
            name: api
            port:
              number: 8080
      - path: /admin
        pathType: Exact
        backend:
          service:
            name: admin
            port:
              number: 80
  tls:
  - hosts: [a.example.com]
    secretName: a-tls
"
        )
        .replace(
            "auth-realm: Team\n",
            "auth-realm: Team\n    nginx.ingress.kubernetes.io/proxy-body-size: 8m\n",
        );
        for to in [Controller::GatewayApi, Controller::Istio] {
            let mut req = MigrateRequest {
                gateway: Some("infra/gw".into()),
                ..MigrateRequest::new(to)
            };
            assert!(matches!(
                migrate(&input, &req),
                Err(K8sError::Unsupported { controller, .. }) if controller == to
            ));
            req.auth_server = true;
            let m = migrate(&input, &req).unwrap();
            assert!(m.missing_users.is_empty());
            assert_eq!(m.documents.len(), 2);
            assert_eq!(m.documents[0]["kind"], "Secret");
            assert!(m.documents[0]["data"].get("auth").is_some());
            let route = &m.documents[1];
            assert_eq!(route["kind"], "HTTPRoute");
            assert_eq!(route["metadata"]["name"], "app");
            assert_eq!(route["metadata"]["namespace"], "web");
            assert_eq!(
                route["spec"]["parentRefs"][0],
                serde_json::json!({"name": "gw", "namespace": "infra"})
            );
            assert_eq!(route["spec"]["hostnames"][0], "a.example.com");
            assert_eq!(
                route["spec"]["rules"][0]["matches"][0]["path"]["type"],
                "PathPrefix"
            );
            assert_eq!(route["spec"]["rules"][1]["backendRefs"][0]["name"], "admin");
            // The auth annotations are replaced; the others are named (the route has none).
            assert_eq!(
                m.leftover_annotations,
                ["nginx.ingress.kubernetes.io/proxy-body-size"]
            );
            req.gateway = None;
            assert!(matches!(
                migrate(&input, &req),
                Err(K8sError::Migrate { what }) if what.contains("needs the Gateway")
            ));
        }
        let req = MigrateRequest {
            auth_server: true,
            gateway: Some("gw".into()),
            ..MigrateRequest::new(Controller::EnvoyGateway)
        };
        assert!(matches!(
            migrate(&input, &req),
            Err(K8sError::Unsupported { .. })
        ));
    }

    #[test]
    fn traefik_gets_a_middleware_and_the_annotation() {
        let req = MigrateRequest {
            class: Some("traefik".into()),
            ..MigrateRequest::new(Controller::Traefik)
        };
        let m = migrate(INPUT, &req).unwrap();
        assert!(m.missing_users.is_empty());
        let ing = &m.documents[2];
        assert_eq!(
            ing["metadata"]["annotations"],
            serde_json::json!({
                "traefik.ingress.kubernetes.io/router.middlewares": "web-basic-auth@kubernetescrd"
            })
        );
        assert_eq!(ing["spec"]["ingressClassName"], "traefik");
    }
}
