//! The ingress controllers manifests are built for, and what each expects.
//!
//! Only ingress-nginx is implemented; the enum is `#[non_exhaustive]` so that other controllers
//! (Traefik, Envoy Gateway, NGINX Inc, HAProxy) join it with their own Secret shape, annotations
//! and hash table (`Target`).

use std::collections::BTreeMap;

use crate::crypt::Target;

/// How an auth Secret holds its users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
#[non_exhaustive]
pub enum SecretType {
    /// One key (`auth` for ingress-nginx) holding the htpasswd file.
    #[default]
    AuthFile,
    /// One key per user, each value the user's hash.
    AuthMap,
}

impl SecretType {
    /// The command-line and annotation name: `auth-file` or `auth-map`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::AuthFile => "auth-file",
            Self::AuthMap => "auth-map",
        }
    }
}

/// What an Ingress's auth annotations say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthConfig {
    /// The Secret holding the users: `NAME` or `NAMESPACE/NAME`.
    pub secret: String,
    /// The realm shown in the browser's prompt.
    pub realm: String,
    /// How the Secret holds its users.
    pub secret_type: SecretType,
}

impl AuthConfig {
    /// The realm ingress-auth uses unless told otherwise (as the seed document's).
    pub const DEFAULT_REALM: &'static str = "Authentication Required";
}

/// An ingress controller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
#[non_exhaustive]
pub enum Controller {
    /// The Kubernetes community's ingress-nginx (`nginx.ingress.kubernetes.io/*`).
    #[default]
    IngressNginx,
}

/// ingress-nginx's annotation prefix.
const NGINX: &str = "nginx.ingress.kubernetes.io/";

impl Controller {
    /// The hash-compatibility target whose table says which schemes it can check.
    #[must_use]
    pub const fn target(self) -> Target {
        match self {
            Self::IngressNginx => Target::IngressNginx,
        }
    }

    /// The Secret `type` it reads.
    #[must_use]
    pub const fn secret_type_field(self) -> &'static str {
        match self {
            Self::IngressNginx => "Opaque",
        }
    }

    /// The key of an auth-file Secret.
    #[must_use]
    pub const fn auth_file_key(self) -> &'static str {
        match self {
            Self::IngressNginx => "auth",
        }
    }

    /// The annotations that switch basic auth on, for `auth`.
    #[must_use]
    pub fn auth_annotations(self, auth: &AuthConfig) -> BTreeMap<String, String> {
        match self {
            Self::IngressNginx => [
                ("auth-type", "basic"),
                ("auth-secret", auth.secret.as_str()),
                ("auth-secret-type", auth.secret_type.name()),
                ("auth-realm", auth.realm.as_str()),
            ]
            .into_iter()
            .map(|(k, v)| (format!("{NGINX}{k}"), v.to_owned()))
            .collect(),
        }
    }

    /// The annotation that turns off the HTTP to HTTPS redirect, with its value.
    #[must_use]
    pub fn no_ssl_redirect_annotation(self) -> (String, String) {
        match self {
            Self::IngressNginx => (format!("{NGINX}ssl-redirect"), "false".to_owned()),
        }
    }
}

/// cert-manager's annotation naming the ClusterIssuer for the Ingress's TLS certificates.
pub const CLUSTER_ISSUER_ANNOTATION: &str = "cert-manager.io/cluster-issuer";
