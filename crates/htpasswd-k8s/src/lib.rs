//! Kubernetes manifests for HTTP basic auth at the ingress, from htpasswd users.
//!
//! Builders for the auth Secret ([`auth_secret`]) and an annotated Ingress ([`auth_ingress`]),
//! [`annotate`] for existing manifest streams, and [`read_auth_secret`] to check users of a
//! Secret. Objects are `k8s-openapi` types ([`Secret`], [`Ingress`], [`NetworkPolicy`]); the
//! custom resources, and every document read from a stream ([`parse_stream`]), are
//! `serde_json::Value`s with their key order kept. Like kube-core, this crate picks no Kubernetes
//! version feature of `k8s-openapi`: the binary does (`k8s-openapi = { features = ["latest"] }`).
//! Every value is validated ([`validate`]) before anything is built; output is deterministic.
//!
//! [`Controller`] says what each ingress controller expects (ingress-nginx, Traefik, Envoy
//! Gateway, NGINX Inc, HAProxy): Secret type and key, annotations or custom resources
//! ([`traefik_middleware`], [`envoy_security_policy`], [`http_route`]), and which hashes it can
//! check; [`network_policy`] closes the in-cluster way around the ingress, and [`migrate`] moves
//! an ingress-nginx setup to another controller. [`auth_server`] builds `ingress-auth serve` as
//! Kubernetes resources (Deployment under Pod Security `restricted`, Service,
//! PodDisruptionBudget, NetworkPolicy), for controllers that should ask it instead of checking
//! hashes themselves.
//!
//! Kong takes passwords in clear and hashes them itself ([`Controller::takes_plaintext`]): a
//! [`UserSet`] for it keeps each password (wiped on drop) for [`kong_users`], which writes one
//! KongConsumer and one credential Secret per user; [`kong_plugins`] writes the KongPlugins the
//! Ingress or HTTPRoute names. Hashes are refused for it.

// The modules form no cycle. From the bottom up (each uses only modules on earlier lines):
//   rule, scheme                 leaves: the rules a value breaks, the schemes for clear passwords
//   path_type, controller        plain data (controller: Secret types and keys, annotation names,
//                                accepted schemes, pod labels); nothing here builds or fails
//   validate, error              the checks; the error type, above the data it names
//   document                     YAML/JSON streams of `serde_json::Value`s, the one List walker
//   users, secret                the users of a Secret, the Secret builder
//   ingress                      the annotations (`impl Controller`) and the Ingress builder
//   resources                    custom resources and the NetworkPolicy
//   auth_server                  `ingress-auth serve` as Deployment, Service, PDB, NetworkPolicy
//   annotate, read               editing and reading manifest streams
//   no_auth                      the second Ingress/route for paths without auth
//   migrate                      read + builders
//   kong                         Kong's KongPlugins, KongConsumers and credential Secrets
mod annotate;
mod auth_server;
mod controller;
mod document;
mod error;
mod ingress;
mod kong;
mod migrate;
mod no_auth;
mod path_type;
mod read;
mod resources;
mod rule;
mod scheme;
mod secret;
mod users;
pub mod validate;

// The public API, each item at exactly one path: here, or (the checks and their `Rule`) in
// `validate`.
pub use self::annotate::{AnnotateRequest, Annotated, annotate};
pub use self::auth_server::{
    AUTH_SERVER_GRPC_PORT, AUTH_SERVER_HTTP_PORT, AUTH_SERVER_MOUNT, AUTH_SERVER_PATH,
    AUTH_SERVER_SECRET_KEY, AUTH_SERVER_UID, AuthServer, AuthServerRequest,
    DEFAULT_TRUSTED_PROXIES, auth_server,
};
pub use self::controller::{
    AuthConfig, CLUSTER_ISSUER_ANNOTATION, Controller, SecretType, TRAEFIK_MIDDLEWARES_ANNOTATION,
};
pub use self::controller::{
    KONG_CLASS_ANNOTATION, KONG_CREDENTIAL_LABEL, KONG_DEFAULT_CLASS, KONG_PLUGINS_ANNOTATION,
};
pub use self::document::{
    Format, MAX_DEPTH, MAX_DOCUMENTS, MAX_NODES, MAX_SCALAR_BYTES, detect_format, parse_stream,
    write_stream,
};
pub use self::error::{Field, K8sError};
pub use self::ingress::{IngressPath, IngressRequest, PortRef, auth_ingress};
pub use self::kong::{kong_acl_group, kong_plugins, kong_user_object_name, kong_users};
pub use self::migrate::{MigrateRequest, Migrated, migrate};
pub use self::no_auth::{
    NoAuthPath, kong_exempt_paths, kong_exempt_route, no_auth_ingress, no_auth_paths, no_auth_ref,
    path_matches,
};
pub use self::path_type::PathType;
pub use self::read::{SecretUsers, read_auth_secret};
pub use self::resources::{
    NetworkPolicyRequest, envoy_security_policy, gateway_auth_policy, http_route, http_route_for,
    network_policy, nginx_authentication_filter, traefik_middleware, with_auth_filter,
};
pub use self::scheme::HashScheme;
pub use self::secret::{MAX_SECRET_DATA, ObjectRef, auth_secret};
pub use self::users::{Notice, UserEntry, UserSet};

/// The `k8s-openapi` types this crate's builders return.
pub use k8s_openapi::api::core::v1::Secret;
pub use k8s_openapi::api::networking::v1::{Ingress, NetworkPolicy};
/// The document model of manifests read and of the custom resources built (Traefik, Envoy
/// Gateway): JSON values with their keys in input order.
pub use serde_json::Value;
