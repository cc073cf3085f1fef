//! The annotated Ingress: each controller's auth annotations, and the Ingress that carries them.

use core::fmt;
use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressRule,
    IngressServiceBackend, IngressSpec, IngressTLS, ServiceBackendPort,
};

use crate::controller::{AuthConfig, AuthValue, CLUSTER_ISSUER_ANNOTATION, Controller};
use crate::error::{Field, K8sError, check};
use crate::path_type::PathType;
use crate::rule::Rule;
use crate::secret::ObjectRef;
use crate::validate;

// The builder half of `Controller` (its plain data is in `controller.rs`, below the errors).
impl Controller {
    /// The annotations that switch basic auth on, for `auth`. Traefik's name the Middleware
    /// (named and placed as the Secret, see [`traefik_middleware`](crate::traefik_middleware)).
    ///
    /// # Errors
    /// [`K8sError::Invalid`] with [`Field::AuthSecret`] when Traefik's Secret is not
    /// `NAMESPACE/NAME` (its annotation must name the namespace), or Kong's is not `NAME` (its
    /// KongPlugins live beside the Ingress); [`K8sError::Unsupported`] for Envoy Gateway, which
    /// has no annotations.
    pub fn auth_annotations(self, auth: &AuthConfig) -> Result<BTreeMap<String, String>, K8sError> {
        if !self.uses_ingress() {
            return Err(K8sError::Unsupported {
                controller: self,
                what: "Ingress annotations (it puts basic auth on a Gateway API HTTPRoute)",
            });
        }
        self.auth_annotation_keys()
            .iter()
            .map(|&(key, value)| {
                let value = match value {
                    AuthValue::Fixed(text) => text.to_owned(),
                    AuthValue::Secret => auth.secret.clone(),
                    AuthValue::SecretType => auth.secret_type.name().to_owned(),
                    AuthValue::Realm => auth.realm.clone(),
                    AuthValue::TraefikMiddleware => {
                        let Some((ns, name)) = auth.secret.split_once('/') else {
                            return Err(K8sError::Invalid {
                                field: Field::AuthSecret,
                                value: auth.secret.clone(),
                                rule: Rule::QualifiedAuthSecret,
                            });
                        };
                        format!("{ns}-{name}@kubernetescrd")
                    }
                    AuthValue::KongPlugins => {
                        // KongPlugins are found in the Ingress's own namespace: NAME only.
                        check(Field::AuthSecret, &auth.secret, validate::object_name)?;
                        Self::kong_plugin_names(&auth.secret).join(",")
                    }
                };
                Ok((key.to_owned(), value))
            })
            .collect()
    }
}

/// A Service port: a number or a name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PortRef {
    /// A port number, 1-65535.
    Number(u16),
    /// A named port (IANA service name syntax).
    Name(String),
}

impl PortRef {
    /// Parses `80` or `http`.
    ///
    /// # Errors
    /// [`Rule::Port`] when it is neither a number in 1-65535 nor an IANA service name.
    pub fn parse(s: &str) -> Result<Self, Rule> {
        if !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()) {
            return match s.parse::<u16>() {
                Ok(n) if n > 0 => Ok(Self::Number(n)),
                _ => Err(Rule::Port),
            };
        }
        validate::port_name(s)?;
        Ok(Self::Name(s.to_owned()))
    }
}

impl fmt::Display for PortRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Number(n) => write!(f, "{n}"),
            Self::Name(s) => f.write_str(s),
        }
    }
}

/// One path of an Ingress rule, with its backend and TLS wish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngressPath {
    /// The host; `None` matches every host.
    pub host: Option<String>,
    /// The HTTP path.
    pub path: String,
    /// How the path matches.
    pub path_type: PathType,
    /// The backend Service.
    pub service: String,
    /// The backend Service port.
    pub port: PortRef,
    /// `None`: no TLS; `Some(None)`: TLS with the controller's default certificate;
    /// `Some(Some(secret))`: TLS with that Secret.
    pub tls: Option<Option<String>>,
}

impl IngressPath {
    /// Parses kubectl's `create ingress --rule` syntax, `host/path=service:port[,tls[=secret]]`:
    /// a path ending in `*` is a `Prefix` (the `*` dropped), any other `Exact`; an empty host
    /// matches every host.
    ///
    /// # Errors
    /// [`K8sError::Invalid`] with [`Field::Rule`] for the syntax, or the field that is invalid.
    pub fn parse_kubectl_rule(rule: &str) -> Result<Self, K8sError> {
        let syntax = || K8sError::Invalid {
            field: Field::Rule,
            value: rule.to_owned(),
            rule: Rule::RuleSyntax,
        };
        let (main, tls) = match rule.split_once(',') {
            None => (rule, None),
            Some((main, "tls")) => (main, Some(None)),
            Some((main, t)) => match t.strip_prefix("tls=") {
                Some(secret) if !secret.is_empty() => (main, Some(Some(secret.to_owned()))),
                _ => return Err(syntax()),
            },
        };
        let (host_path, backend) = main.split_once('=').ok_or_else(syntax)?;
        let slash = host_path.find('/').ok_or_else(syntax)?;
        let (host, path) = host_path.split_at(slash);
        let (service, port) = backend.split_once(':').ok_or_else(syntax)?;
        let (path, path_type) = match path.strip_suffix('*') {
            Some(p) => (p, PathType::Prefix),
            None => (path, PathType::Exact),
        };
        let port = PortRef::parse(port).map_err(|rule| K8sError::Invalid {
            field: Field::Port,
            value: port.to_owned(),
            rule,
        })?;
        let out = Self {
            host: (!host.is_empty()).then(|| host.to_owned()),
            path: path.to_owned(),
            path_type,
            service: service.to_owned(),
            port,
            tls,
        };
        out.validate()?;
        Ok(out)
    }

    /// Checks every field.
    ///
    /// # Errors
    /// [`K8sError::Invalid`] naming the first invalid field.
    pub fn validate(&self) -> Result<(), K8sError> {
        if let Some(h) = &self.host {
            check(Field::Host, h, validate::host)?;
        }
        check(Field::Path, &self.path, |p| {
            validate::path(p, self.path_type)
        })?;
        check(Field::Service, &self.service, validate::service_name)?;
        if let PortRef::Name(n) = &self.port {
            check(Field::Port, n, |s| PortRef::parse(s).map(drop))?;
        }
        if let Some(Some(secret)) = &self.tls {
            check(Field::TlsSecret, secret, validate::object_name)?;
        }
        Ok(())
    }
}

/// Everything an annotated Ingress is built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngressRequest {
    /// Name and namespace.
    pub at: ObjectRef,
    /// `spec.ingressClassName`.
    pub class: Option<String>,
    /// The paths, in order; paths of one host share one rule, as kubectl does.
    pub paths: Vec<IngressPath>,
    /// The auth annotations.
    pub auth: AuthConfig,
    /// cert-manager ClusterIssuer.
    pub cluster_issuer: Option<String>,
    /// Turn off the HTTP to HTTPS redirect.
    pub no_ssl_redirect: bool,
}

impl IngressRequest {
    /// Checks every value.
    ///
    /// # Errors
    /// [`K8sError::Invalid`] naming the first invalid field.
    pub fn validate(&self) -> Result<(), K8sError> {
        self.at.validate()?;
        if let Some(c) = &self.class {
            check(Field::IngressClass, c, validate::object_name)?;
        }
        if self.paths.is_empty() {
            return Err(K8sError::Invalid {
                field: Field::Rule,
                value: String::new(),
                rule: Rule::NonEmpty,
            });
        }
        for p in &self.paths {
            p.validate()?;
        }
        check(Field::AuthSecret, &self.auth.secret, validate::auth_secret)?;
        check(Field::Realm, &self.auth.realm, validate::realm)?;
        if let Some(i) = &self.cluster_issuer {
            check(Field::ClusterIssuer, i, validate::object_name)?;
        }
        Ok(())
    }
}

fn backend(p: &IngressPath) -> IngressBackend {
    let port = match &p.port {
        PortRef::Number(n) => ServiceBackendPort {
            number: Some(i32::from(*n)),
            ..ServiceBackendPort::default()
        },
        PortRef::Name(n) => ServiceBackendPort {
            name: Some(n.clone()),
            ..ServiceBackendPort::default()
        },
    };
    IngressBackend {
        service: Some(IngressServiceBackend {
            name: p.service.clone(),
            port: Some(port),
        }),
        ..IngressBackend::default()
    }
}

/// Paths grouped by host, hosts in order of first appearance.
fn rules(paths: &[IngressPath]) -> Vec<IngressRule> {
    let mut out: Vec<IngressRule> = Vec::new();
    for p in paths {
        let http_path = HTTPIngressPath {
            path: Some(p.path.clone()),
            path_type: p.path_type.as_str().to_owned(),
            backend: backend(p),
        };
        match out.iter_mut().find(|r| r.host == p.host) {
            Some(rule) => {
                if let Some(http) = &mut rule.http {
                    http.paths.push(http_path);
                }
            }
            None => out.push(IngressRule {
                host: p.host.clone(),
                http: Some(HTTPIngressRuleValue {
                    paths: vec![http_path],
                }),
            }),
        }
    }
    out
}

/// TLS entries grouped by Secret as kubectl groups them: each host once, in the first group it
/// asks for; an entry with neither host nor Secret is dropped.
fn tls(paths: &[IngressPath]) -> Vec<IngressTLS> {
    let mut out: Vec<IngressTLS> = Vec::new();
    let mut seen: Vec<Option<&str>> = Vec::new();
    for p in paths {
        let Some(secret) = &p.tls else { continue };
        let host = p.host.as_deref();
        if seen.contains(&host) {
            continue;
        }
        seen.push(host);
        match out.iter_mut().find(|t| t.secret_name == *secret) {
            Some(entry) => {
                if let Some(h) = host {
                    entry.hosts.get_or_insert_with(Vec::new).push(h.to_owned());
                }
            }
            None if host.is_none() && secret.is_none() => {}
            None => out.push(IngressTLS {
                hosts: host.map(|h| vec![h.to_owned()]),
                secret_name: secret.clone(),
            }),
        }
    }
    out
}

/// Builds a `networking.k8s.io/v1` Ingress with the controller's basic-auth annotations.
///
/// # Errors
/// [`K8sError::Invalid`] naming the first invalid value; [`K8sError::Unsupported`] for Envoy
/// Gateway (no Ingress) or an annotation the controller lacks; nothing is built then.
pub fn auth_ingress(controller: Controller, req: &IngressRequest) -> Result<Ingress, K8sError> {
    req.validate()?;
    for p in &req.paths {
        check(Field::Path, &p.path, |s| {
            validate::controller_path(controller, s, p.path_type)
        })?;
    }
    let mut annotations = controller.auth_annotations(&req.auth)?;
    if let Some(issuer) = &req.cluster_issuer {
        annotations.insert(CLUSTER_ISSUER_ANNOTATION.to_owned(), issuer.clone());
    }
    if req.no_ssl_redirect {
        let (k, v) = controller
            .no_ssl_redirect_annotation()
            .ok_or(K8sError::Unsupported {
                controller,
                what: "annotation that turns off the HTTPS redirect",
            })?;
        annotations.insert(k, v);
    }
    let tls = tls(&req.paths);
    Ok(Ingress {
        metadata: req.at.meta(annotations),
        spec: Some(IngressSpec {
            ingress_class_name: req.class.clone(),
            rules: Some(rules(&req.paths)),
            tls: (!tls.is_empty()).then_some(tls),
            ..IngressSpec::default()
        }),
        ..Ingress::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports() {
        assert_eq!(PortRef::parse("80"), Ok(PortRef::Number(80)));
        assert_eq!(PortRef::parse("0"), Err(Rule::Port));
        assert_eq!(PortRef::parse("65536"), Err(Rule::Port));
        assert_eq!(PortRef::parse("http"), Ok(PortRef::Name("http".into())));
        assert_eq!(PortRef::parse("h--p"), Err(Rule::Port));
        assert_eq!(PortRef::parse(""), Err(Rule::Port));
    }
}
