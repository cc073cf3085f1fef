//! The ingress controllers manifests are built for, and what each expects, as plain data: its
//! Secret type and keys, its annotation names, the hashes it can check (its [`Target`] in the
//! compatibility table) and where its pods run (for the NetworkPolicy). Nothing here builds or
//! fails; the builders above it (the annotations in `ingress.rs`, the Secret in `secret.rs`)
//! turn this data into objects and errors.

use core::fmt;

use crate::scheme::HashScheme;
use htpasswd_core::crypt::Target;

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
    /// The Secret holding the users: `NAME` or `NAMESPACE/NAME`. For Traefik it names the
    /// Middleware too (same name, same namespace), and must be `NAMESPACE/NAME`.
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
    /// Traefik v3: a `traefik.io/v1alpha1` Middleware referenced from the Ingress.
    Traefik,
    /// Envoy Gateway: a `gateway.envoyproxy.io/v1alpha1` SecurityPolicy on an HTTPRoute (no
    /// Ingress).
    EnvoyGateway,
    /// NGINX Inc's ingress controller (`nginx.org/*`).
    NginxInc,
    /// HAProxy Technologies' kubernetes-ingress (`haproxy.org/*`).
    Haproxy,
    /// kgateway: a `gateway.kgateway.dev/v1alpha1` TrafficPolicy (`spec.basicAuth`) on an
    /// HTTPRoute (no Ingress).
    Kgateway,
    /// agentgateway: an `agentgateway.dev/v1alpha1` AgentgatewayPolicy
    /// (`spec.traffic.basicAuthentication`) on an HTTPRoute (no Ingress).
    Agentgateway,
    /// NGINX Gateway Fabric: a `gateway.nginx.org/v1alpha1` AuthenticationFilter attached to
    /// an HTTPRoute's rules by an `ExtensionRef` filter (no Ingress).
    NginxGatewayFabric,
    /// Any Gateway API implementation with the experimental `HTTPRoute` `ExternalAuth` filter
    /// (no basic auth of its own: only with the auth server, whose Secret it takes).
    GatewayApi,
    /// Istio: an HTTPRoute, and a `security.istio.io/v1` AuthorizationPolicy (`action:
    /// CUSTOM`) on its Gateway (no basic auth of its own: only with the auth server, whose
    /// Secret it takes).
    Istio,
    /// Kong Ingress Controller: `configuration.konghq.com/v1` KongPlugins (`basic-auth`, and
    /// `acl` to admit only these users) named by the `konghq.com/plugins` annotation of the
    /// Ingress (or, with `--gateway`, the HTTPRoute); one KongConsumer and one credential
    /// Secret per user, holding the password in clear (Kong hashes it itself).
    Kong,
}

/// ingress-nginx's annotation prefix.
pub(crate) const NGINX_PREFIX: &str = "nginx.ingress.kubernetes.io/";

/// What an auth annotation holds (see `Controller::auth_annotation_keys`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuthValue {
    /// This text.
    Fixed(&'static str),
    /// [`AuthConfig::secret`].
    Secret,
    /// The name of [`AuthConfig::secret_type`].
    SecretType,
    /// [`AuthConfig::realm`].
    Realm,
    /// Traefik's reference to the Middleware named and placed as the Secret:
    /// `NAMESPACE-NAME@kubernetescrd`.
    TraefikMiddleware,
    /// Kong's KongPlugins named after [`AuthConfig::secret`] (which must be `NAME`):
    /// `NAME-basic-auth,NAME-acl` ([`Controller::kong_plugin_names`]).
    KongPlugins,
}

/// Traefik's annotation naming the router's middlewares.
pub const TRAEFIK_MIDDLEWARES_ANNOTATION: &str = "traefik.ingress.kubernetes.io/router.middlewares";

impl Controller {
    /// Every controller, in `--help` order.
    pub const ALL: [Self; 11] = [
        Self::IngressNginx,
        Self::Traefik,
        Self::EnvoyGateway,
        Self::NginxInc,
        Self::Haproxy,
        Self::Kgateway,
        Self::Agentgateway,
        Self::NginxGatewayFabric,
        Self::GatewayApi,
        Self::Istio,
        Self::Kong,
    ];

    /// The command-line name: `ingress-nginx`, `traefik`, `envoy-gateway`, `nginx-inc`,
    /// `haproxy`, `kgateway`, `agentgateway`, `nginx-gateway-fabric`, `gateway-api`, `istio`,
    /// `kong`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::IngressNginx => "ingress-nginx",
            Self::Traefik => "traefik",
            Self::EnvoyGateway => "envoy-gateway",
            Self::NginxInc => "nginx-inc",
            Self::Haproxy => "haproxy",
            Self::Kgateway => "kgateway",
            Self::Agentgateway => "agentgateway",
            Self::NginxGatewayFabric => "nginx-gateway-fabric",
            Self::GatewayApi => "gateway-api",
            Self::Istio => "istio",
            Self::Kong => "kong",
        }
    }

    /// The hash-compatibility target whose table says which schemes it can check. The Gateway
    /// API targets without basic auth of their own (Gateway API, Istio; see
    /// [`Controller::has_basic_auth`]) check what the auth server checks in its Secret,
    /// ingress-nginx's shape: [`Target::IngressNginx`].
    #[must_use]
    pub const fn target(self) -> Target {
        match self {
            Self::IngressNginx => Target::IngressNginx,
            Self::Traefik => Target::Traefik,
            Self::EnvoyGateway => Target::EnvoyGateway,
            Self::NginxInc => Target::NginxIncIngress,
            Self::Haproxy => Target::HaproxyIngress,
            Self::Kgateway => Target::Kgateway,
            Self::Agentgateway => Target::Agentgateway,
            Self::NginxGatewayFabric => Target::NginxGatewayFabric,
            Self::GatewayApi | Self::Istio => Target::IngressNginx,
            Self::Kong => Target::Kong,
        }
    }

    /// The scheme for passwords given in clear when none is asked for: apr1 where it is
    /// checked, else the strongest the controller checks (Envoy Gateway and kgateway: `{SHA}`
    /// only; HAProxy: SHA-512-crypt). Kong takes the password in clear
    /// ([`Controller::takes_plaintext`]): no scheme applies, and the apr1 returned for it is
    /// never used.
    #[must_use]
    pub const fn default_scheme(self) -> HashScheme {
        match self {
            Self::Kong => HashScheme::Apr1,
            Self::IngressNginx
            | Self::Traefik
            | Self::NginxInc
            | Self::Agentgateway
            | Self::NginxGatewayFabric => HashScheme::Apr1,
            Self::GatewayApi | Self::Istio => HashScheme::Apr1,
            Self::EnvoyGateway | Self::Kgateway => HashScheme::Sha1,
            Self::Haproxy => HashScheme::Sha512,
        }
    }

    /// The Secret `type` it reads.
    #[must_use]
    pub const fn secret_type_field(self) -> &'static str {
        match self {
            Self::NginxInc => "nginx.org/htpasswd",
            Self::IngressNginx
            | Self::Traefik
            | Self::EnvoyGateway
            | Self::Haproxy
            | Self::Kgateway
            | Self::Agentgateway
            | Self::NginxGatewayFabric
            | Self::Kong => "Opaque",
            Self::GatewayApi | Self::Istio => "Opaque",
        }
    }

    /// The key of an auth-file Secret; `None` where the controller reads only one key per user
    /// (HAProxy) or no htpasswd at all (Kong).
    #[must_use]
    pub const fn auth_file_key(self) -> Option<&'static str> {
        match self {
            Self::IngressNginx => Some("auth"),
            Self::Traefik => Some("users"),
            Self::EnvoyGateway => Some(".htpasswd"),
            Self::NginxInc => Some("htpasswd"),
            Self::Haproxy => None,
            Self::Kgateway => Some(".htpasswd"),
            Self::Agentgateway => Some(".htaccess"),
            Self::NginxGatewayFabric => Some("auth"),
            // The auth server's Secret (ingress-nginx's shape).
            Self::GatewayApi | Self::Istio => Some("auth"),
            Self::Kong => None,
        }
    }

    /// Whether it reads a Secret of `secret_type`. Kong reads neither: its users are KongConsumers
    /// with one credential Secret each ([`Controller::takes_plaintext`]).
    #[must_use]
    pub const fn supports_secret_type(self, secret_type: SecretType) -> bool {
        match self {
            Self::Kong => false,
            Self::IngressNginx => true,
            Self::Haproxy => matches!(secret_type, SecretType::AuthMap),
            Self::Traefik
            | Self::EnvoyGateway
            | Self::NginxInc
            | Self::Kgateway
            | Self::Agentgateway
            | Self::NginxGatewayFabric => {
                matches!(secret_type, SecretType::AuthFile)
            }
            Self::GatewayApi | Self::Istio => matches!(secret_type, SecretType::AuthFile),
        }
    }

    /// The Secret shape it reads when none is asked for.
    #[must_use]
    pub const fn default_secret_type(self) -> SecretType {
        match self {
            Self::Haproxy => SecretType::AuthMap,
            _ => SecretType::AuthFile,
        }
    }

    /// Whether basic auth is switched on by Ingress annotations (all but the Gateway API
    /// targets, see [`Controller::uses_gateway_api`]; Traefik and Kong also annotate or filter
    /// an HTTPRoute with `--gateway`).
    #[must_use]
    pub const fn uses_ingress(self) -> bool {
        !self.uses_gateway_api()
    }

    /// Whether basic auth is set on a Gateway API HTTPRoute instead of by Ingress annotations:
    /// by a policy targeting the route (Envoy Gateway, kgateway, agentgateway) or a filter the
    /// route's rules reference (NGINX Gateway Fabric), or, with the auth server, a filter in
    /// the route's rules (Gateway API) or a policy on its Gateway (Istio). Traefik does either
    /// (`--gateway`).
    #[must_use]
    pub const fn uses_gateway_api(self) -> bool {
        matches!(
            self,
            Self::EnvoyGateway
                | Self::Kgateway
                | Self::Agentgateway
                | Self::NginxGatewayFabric
                | Self::GatewayApi
                | Self::Istio
        )
    }

    /// Whether it has basic auth of its own. The Gateway API defines none (its `ExternalAuth`
    /// filter asks a server), nor does Istio (an AuthorizationPolicy `action: CUSTOM` asks an
    /// extension provider): those two check passwords only through the auth server
    /// (`ingress-auth serve`).
    #[must_use]
    pub const fn has_basic_auth(self) -> bool {
        !matches!(self, Self::GatewayApi | Self::Istio)
    }

    /// The `(group, kind)` of the resource an HTTPRoute rule's `ExtensionRef` filter names to
    /// put basic auth on it: NGINX Gateway Fabric's AuthenticationFilter, Traefik's Middleware.
    #[must_use]
    pub const fn auth_filter_ref(self) -> Option<(&'static str, &'static str)> {
        match self {
            Self::NginxGatewayFabric => Some(("gateway.nginx.org", "AuthenticationFilter")),
            Self::Traefik => Some(("traefik.io", "Middleware")),
            _ => None,
        }
    }

    /// The kind of the policy resource that puts basic auth on an HTTPRoute, for the Gateway
    /// API targets.
    #[must_use]
    pub const fn auth_policy_kind(self) -> Option<&'static str> {
        match self {
            Self::EnvoyGateway => Some("SecurityPolicy"),
            Self::Kgateway => Some("TrafficPolicy"),
            Self::Agentgateway => Some("AgentgatewayPolicy"),
            _ => None,
        }
    }

    /// Whether its basic auth shows a realm of our choosing (Ingress annotations, Traefik's
    /// Middleware, agentgateway's policy, Kong's plugin `config.realm`; not Envoy Gateway's or
    /// kgateway's, nor the Gateway API's or Istio's, which have no basic auth: the auth server
    /// shows its own).
    #[must_use]
    pub const fn has_realm(self) -> bool {
        !matches!(
            self,
            Self::EnvoyGateway | Self::Kgateway | Self::GatewayApi | Self::Istio
        )
    }

    /// The annotations that switch basic auth on, by name, with what each holds; none for
    /// Envoy Gateway. `Controller::auth_annotations` (with the builders) fills them in.
    pub(crate) const fn auth_annotation_keys(self) -> &'static [(&'static str, AuthValue)] {
        match self {
            Self::IngressNginx => &[
                (
                    "nginx.ingress.kubernetes.io/auth-type",
                    AuthValue::Fixed("basic"),
                ),
                ("nginx.ingress.kubernetes.io/auth-secret", AuthValue::Secret),
                (
                    "nginx.ingress.kubernetes.io/auth-secret-type",
                    AuthValue::SecretType,
                ),
                ("nginx.ingress.kubernetes.io/auth-realm", AuthValue::Realm),
            ],
            Self::Traefik => &[(TRAEFIK_MIDDLEWARES_ANNOTATION, AuthValue::TraefikMiddleware)],
            Self::NginxInc => &[
                ("nginx.org/basic-auth-secret", AuthValue::Secret),
                ("nginx.org/basic-auth-realm", AuthValue::Realm),
            ],
            Self::Haproxy => &[
                ("haproxy.org/auth-type", AuthValue::Fixed("basic-auth")),
                ("haproxy.org/auth-secret", AuthValue::Secret),
                ("haproxy.org/auth-realm", AuthValue::Realm),
            ],
            Self::EnvoyGateway | Self::Kgateway | Self::Agentgateway | Self::NginxGatewayFabric => {
                &[]
            }
            Self::GatewayApi | Self::Istio => &[],
            Self::Kong => &[(KONG_PLUGINS_ANNOTATION, AuthValue::KongPlugins)],
        }
    }

    /// The annotation that turns off the HTTP to HTTPS redirect, with its value; `None` where
    /// the controller has no such annotation (Traefik redirects per entry point, Envoy Gateway
    /// per route, Kong only where `konghq.com/protocols` asks for https alone).
    #[must_use]
    pub fn no_ssl_redirect_annotation(self) -> Option<(String, String)> {
        let key = match self {
            Self::IngressNginx => "nginx.ingress.kubernetes.io/ssl-redirect",
            Self::NginxInc => "ingress.kubernetes.io/ssl-redirect",
            Self::Haproxy => "haproxy.org/ssl-redirect",
            Self::Traefik
            | Self::EnvoyGateway
            | Self::Kgateway
            | Self::Agentgateway
            | Self::NginxGatewayFabric
            | Self::Kong => return None,
            Self::GatewayApi | Self::Istio => return None,
        };
        Some((key.to_owned(), "false".to_owned()))
    }

    /// Where the controller's (or, for Envoy Gateway, the proxies') pods run by default: the
    /// namespace and a label of the projects' own Helm charts. kgateway, agentgateway and NGINX
    /// Gateway Fabric run their proxies in each Gateway's namespace, so their defaults (the control plane's Helm
    /// namespace and name) are no proxy's: give the namespace and labels of yours. The Gateway
    /// API target has no project of its own: its entry is a placeholder, and ingress-auth asks
    /// for the proxies' namespace and labels. Istio's is the classic ingress gateway
    /// (`istio: ingressgateway` in istio-system); a Gateway API Gateway's pods carry
    /// `gateway.networking.k8s.io/gateway-name` in the Gateway's namespace.
    #[must_use]
    pub const fn default_pods(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::IngressNginx => ("ingress-nginx", "app.kubernetes.io/name", "ingress-nginx"),
            Self::Traefik => ("traefik", "app.kubernetes.io/name", "traefik"),
            Self::EnvoyGateway => ("envoy-gateway-system", "app.kubernetes.io/name", "envoy"),
            Self::NginxInc => ("nginx-ingress", "app.kubernetes.io/name", "nginx-ingress"),
            Self::Haproxy => (
                "haproxy-controller",
                "app.kubernetes.io/name",
                "kubernetes-ingress",
            ),
            Self::Kgateway => ("kgateway-system", "app.kubernetes.io/name", "kgateway"),
            Self::Agentgateway => (
                "agentgateway-system",
                "app.kubernetes.io/name",
                "agentgateway",
            ),
            Self::NginxGatewayFabric => {
                ("nginx-gateway", "app.kubernetes.io/name", "nginx-gateway")
            }
            // Each implementation places its proxies its own way: no default is right for all
            // (a placeholder; ingress-auth requires --controller-namespace/--controller-selector).
            Self::GatewayApi => ("gateway-system", "app.kubernetes.io/name", "gateway"),
            // The classic ingress gateway (`istio-ingressgateway` in istio-system).
            Self::Istio => ("istio-system", "istio", "ingressgateway"),
            // The kong/ingress chart (release `kong`): its proxies are the `gateway` subchart.
            Self::Kong => ("kong", "app.kubernetes.io/name", "gateway"),
        }
    }

    /// Whether the controller takes each password in clear and stores its own hash (Kong: its
    /// basic-auth credentials hold `username` and `password`, and Kong keeps hex SHA-1 of the
    /// password followed by the consumer's id). Such users can only be made where the password
    /// is known: never from an htpasswd file or another Secret's hashes.
    #[must_use]
    pub const fn takes_plaintext(self) -> bool {
        matches!(self, Self::Kong)
    }

    /// Kong: the names of the KongPlugins for the auth name `name` (the `--auth-secret`, or
    /// `--name` where ingress-auth writes the users too), in the order the `konghq.com/plugins`
    /// annotation lists them: `NAME-basic-auth` and `NAME-acl` (which admits only the
    /// consumers of this name's ACL group; without it every Kong consumer with a basic-auth
    /// credential would be let in).
    #[must_use]
    pub fn kong_plugin_names(name: &str) -> [String; 2] {
        [format!("{name}-basic-auth"), format!("{name}-acl")]
    }
}

impl fmt::Display for Controller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// cert-manager's annotation naming the ClusterIssuer for the Ingress's TLS certificates.
pub const CLUSTER_ISSUER_ANNOTATION: &str = "cert-manager.io/cluster-issuer";

/// Kong's annotation naming the KongPlugins of an Ingress, HTTPRoute or Service.
pub const KONG_PLUGINS_ANNOTATION: &str = "konghq.com/plugins";

/// The label that makes a Secret a Kong credential, and says which kind.
pub const KONG_CREDENTIAL_LABEL: &str = "konghq.com/credential";

/// The annotation Kong Ingress Controller requires on a KongConsumer: the ingress class it
/// serves (`kong` unless it was started with another `--ingress-class`).
pub const KONG_CLASS_ANNOTATION: &str = "kubernetes.io/ingress.class";

/// Kong Ingress Controller's default ingress class.
pub const KONG_DEFAULT_CLASS: &str = "kong";
