//! Kubernetes manifests for HTTP basic auth at the ingress, from htpasswd users.
//!
//! Builders for the auth Secret ([`auth_secret`]) and an annotated Ingress ([`auth_ingress`]),
//! [`annotate`] for existing manifest streams, and [`read_auth_secret`] to check users of a
//! Secret. Objects are `k8s-openapi` types ([`Secret`], [`Ingress`], [`NetworkPolicy`]; the
//! custom resources are JSON values); like kube-core, this crate picks no Kubernetes version
//! feature of `k8s-openapi`: the binary does (`k8s-openapi = { features = ["latest"] }`). Every value is validated ([`validate`]) before anything is
//! built; maps are `BTreeMap`s, so output is deterministic.
//!
//! [`Controller`] says what each ingress controller expects (ingress-nginx, Traefik, Envoy
//! Gateway, NGINX Inc, HAProxy): Secret type and key, annotations or custom resources
//! ([`traefik_middleware`], [`envoy_security_policy`], [`http_route`]), and which hashes it can
//! check; [`network_policy`] closes the in-cluster way around the ingress, and [`migrate`] moves
//! an ingress-nginx setup to another controller.

mod annotate;
mod controller;
mod document;
mod error;
mod ingress;
mod migrate;
mod read;
mod resources;
mod secret;
mod users;
pub mod validate;

pub use self::annotate::{AnnotateRequest, Annotated, annotate};
pub use self::controller::{
    AuthConfig, CLUSTER_ISSUER_ANNOTATION, Controller, SecretType, TRAEFIK_MIDDLEWARES_ANNOTATION,
};
pub use self::document::{Format, MAX_DOCUMENTS, Node, detect_format, parse_stream, write_stream};
pub use self::error::{Field, K8sError};
pub use self::ingress::{IngressPath, IngressRequest, auth_ingress};
pub use self::migrate::{MigrateRequest, Migrated, migrate};
pub use self::read::{SecretUsers, read_auth_secret};
pub use self::resources::{
    NetworkPolicyRequest, envoy_security_policy, http_route, network_policy, traefik_middleware,
};
pub use self::secret::{MAX_SECRET_DATA, ObjectRef, auth_secret};
pub use self::users::{HashScheme, Notice, UserEntry, UserSet};
pub use self::validate::{PathType, PortRef, Rule};

/// The `k8s-openapi` types this crate's builders return.
pub use k8s_openapi::api::core::v1::Secret;
pub use k8s_openapi::api::networking::v1::{Ingress, NetworkPolicy};
