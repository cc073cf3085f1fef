//! `ingress-auth serve` as Kubernetes resources: the forward-auth server that checks every hash
//! scheme the users already have, for controllers whose own basic auth cannot (Envoy Gateway,
//! kgateway) or that have none. A Deployment (Pod Security `restricted`), its Service, a
//! PodDisruptionBudget and a NetworkPolicy that lets only the controller's pods reach it.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::core::v1::{
    Capabilities, Container, ContainerPort, HTTPGetAction, PodSecurityContext, PodSpec,
    PodTemplateSpec, Probe, ResourceRequirements, SeccompProfile, SecretVolumeSource,
    SecurityContext, Service, ServicePort, ServiceSpec, TopologySpreadConstraint, Volume,
    VolumeMount,
};
use k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicyPort};
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::controller::Controller;
use crate::error::{Field, K8sError, check};
use crate::ingress::PortRef;
use crate::resources::{NetworkPolicyRequest, network_policy};
use crate::rule::Rule;
use crate::secret::ObjectRef;
use crate::validate;

/// The port of the server's HTTP checks (`serve --listen 0.0.0.0:8080`), container and Service.
pub const AUTH_SERVER_HTTP_PORT: u16 = 8080;
/// The port of the server's Envoy ext_authz gRPC service (`serve --grpc-listen`), when asked for.
pub const AUTH_SERVER_GRPC_PORT: u16 = 9191;
/// The path checks are sent to (serve answers any path but its three endpoints).
pub const AUTH_SERVER_PATH: &str = "/auth";
/// Where the Secret is mounted in the server's container.
pub const AUTH_SERVER_MOUNT: &str = "/etc/ingress-auth";
/// The Secret key the server reads: the Secret is ingress-nginx's auth-file shape (`auth`).
pub const AUTH_SERVER_SECRET_KEY: &str = "auth";
/// The user id the server runs as (the Containerfile's `USER`; distroless's `nonroot`).
pub const AUTH_SERVER_UID: i64 = 65_532;
/// The networks trusted to name the client when no `--trusted-proxy` is given: the private
/// ranges pod networks are drawn from (RFC 1918, RFC 6598's shared space, IPv6 unique local).
/// Only the controller's pods can reach the server (the NetworkPolicy), so these peers are the
/// controller's; give your cluster's pod CIDR to trust less.
pub const DEFAULT_TRUSTED_PROXIES: [&str; 5] = [
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "100.64.0.0/10",
    "fd00::/8",
];

/// Everything the auth server's resources are built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthServerRequest {
    /// The server's name (Deployment, Service, PodDisruptionBudget, NetworkPolicy) and
    /// namespace; the namespace is required (the controller reaches the Service by its
    /// cluster DNS name).
    pub at: ObjectRef,
    /// The container image (an `ingress-auth` binary as entry point; see the Containerfile).
    pub image: String,
    /// The auth Secret (same namespace), key [`AUTH_SERVER_SECRET_KEY`].
    pub secret: String,
    /// The realm of the `WWW-Authenticate` challenge.
    pub realm: String,
    /// Networks whose `X-Forwarded-For` names the client (`serve --trusted-proxy`); empty:
    /// [`DEFAULT_TRUSTED_PROXIES`].
    pub trusted_proxies: Vec<String>,
    /// Also serve Envoy's ext_authz gRPC on [`AUTH_SERVER_GRPC_PORT`].
    pub grpc: bool,
    /// The namespace the controller's (proxy) pods run in.
    pub controller_namespace: String,
    /// `KEY=VALUE` terms selecting the controller's (proxy) pods.
    pub controller_selector: Vec<String>,
}

impl AuthServerRequest {
    /// A request with `controller`'s default pods ([`Controller::default_pods`]), the default
    /// realm, HTTP only and the default trusted proxies.
    #[must_use]
    pub fn for_controller(
        controller: Controller,
        at: ObjectRef,
        image: &str,
        secret: &str,
    ) -> Self {
        let (ns, key, value) = controller.default_pods();
        Self {
            at,
            image: image.to_owned(),
            secret: secret.to_owned(),
            realm: crate::controller::AuthConfig::DEFAULT_REALM.to_owned(),
            trusted_proxies: Vec::new(),
            grpc: false,
            controller_namespace: ns.to_owned(),
            controller_selector: vec![format!("{key}={value}")],
        }
    }

    /// The Service's cluster DNS name: `NAME.NAMESPACE.svc.cluster.local`.
    #[must_use]
    pub fn host(&self) -> String {
        format!(
            "{}.{}.svc.cluster.local",
            self.at.name,
            self.at.namespace.as_deref().unwrap_or("default")
        )
    }

    /// The URL of the HTTP check: `http://HOST:8080/auth` (a path of its own, never one of
    /// serve's endpoints `/healthz`, `/readyz`, `/metrics`).
    #[must_use]
    pub fn http_url(&self) -> String {
        format!(
            "http://{}:{AUTH_SERVER_HTTP_PORT}{AUTH_SERVER_PATH}",
            self.host()
        )
    }

    fn validate(&self) -> Result<(), K8sError> {
        self.at.validate()?;
        // The Service takes the name: a DNS-1035 label.
        check(Field::Name, &self.at.name, validate::service_name)?;
        if self.at.namespace.is_none() {
            return Err(K8sError::Invalid {
                field: Field::Namespace,
                value: String::new(),
                rule: Rule::NonEmpty,
            });
        }
        check(Field::Image, &self.image, validate::image)?;
        check(Field::AuthSecret, &self.secret, validate::object_name)?;
        check(Field::Realm, &self.realm, validate::realm)?;
        for p in &self.trusted_proxies {
            check(Field::TrustedProxy, p, validate::cidr)?;
        }
        Ok(())
    }
}

/// The auth server's resources, in the order they are printed.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthServer {
    /// `apps/v1` Deployment running `ingress-auth serve`.
    pub deployment: Deployment,
    /// `v1` Service in front of it.
    pub service: Service,
    /// `policy/v1` PodDisruptionBudget (`minAvailable: 1`).
    pub pod_disruption_budget: PodDisruptionBudget,
    /// `networking.k8s.io/v1` NetworkPolicy: only the controller's pods reach the server.
    pub network_policy: NetworkPolicy,
}

fn labels(at: &ObjectRef) -> BTreeMap<String, String> {
    BTreeMap::from([
        (
            "app.kubernetes.io/name".to_owned(),
            "ingress-auth".to_owned(),
        ),
        ("app.kubernetes.io/instance".to_owned(), at.name.clone()),
        (
            "app.kubernetes.io/component".to_owned(),
            "auth-server".to_owned(),
        ),
    ])
}

fn meta(at: &ObjectRef) -> ObjectMeta {
    ObjectMeta {
        name: Some(at.name.clone()),
        namespace: at.namespace.clone(),
        labels: Some(labels(at)),
        ..ObjectMeta::default()
    }
}

fn selector(at: &ObjectRef) -> LabelSelector {
    LabelSelector {
        match_labels: Some(labels(at)),
        ..LabelSelector::default()
    }
}

fn quantities(cpu: &str, memory: &str) -> BTreeMap<String, Quantity> {
    BTreeMap::from([
        ("cpu".to_owned(), Quantity(cpu.to_owned())),
        ("memory".to_owned(), Quantity(memory.to_owned())),
    ])
}

fn probe(path: &str) -> Probe {
    Probe {
        http_get: Some(HTTPGetAction {
            path: Some(path.to_owned()),
            port: IntOrString::String("http".to_owned()),
            ..HTTPGetAction::default()
        }),
        period_seconds: Some(10),
        ..Probe::default()
    }
}

/// The `serve` arguments (after the image's `ingress-auth` entry point).
fn args(req: &AuthServerRequest) -> Vec<String> {
    let mut args = vec![
        "serve".to_owned(),
        "--htpasswd".to_owned(),
        format!("{AUTH_SERVER_MOUNT}/{AUTH_SERVER_SECRET_KEY}"),
        "--listen".to_owned(),
        format!("0.0.0.0:{AUTH_SERVER_HTTP_PORT}"),
    ];
    if req.grpc {
        args.push("--grpc-listen".to_owned());
        args.push(format!("0.0.0.0:{AUTH_SERVER_GRPC_PORT}"));
    }
    args.push("--realm".to_owned());
    args.push(req.realm.clone());
    let defaults = DEFAULT_TRUSTED_PROXIES.map(str::to_owned);
    let proxies = if req.trusted_proxies.is_empty() {
        &defaults[..]
    } else {
        &req.trusted_proxies[..]
    };
    for p in proxies {
        args.push("--trusted-proxy".to_owned());
        args.push(p.clone());
    }
    args
}

fn pod_spec(req: &AuthServerRequest) -> PodSpec {
    let mut ports = vec![ContainerPort {
        name: Some("http".to_owned()),
        container_port: i32::from(AUTH_SERVER_HTTP_PORT),
        protocol: Some("TCP".to_owned()),
        ..ContainerPort::default()
    }];
    if req.grpc {
        ports.push(ContainerPort {
            name: Some("grpc".to_owned()),
            container_port: i32::from(AUTH_SERVER_GRPC_PORT),
            protocol: Some("TCP".to_owned()),
            ..ContainerPort::default()
        });
    }
    let container = Container {
        name: "ingress-auth".to_owned(),
        image: Some(req.image.clone()),
        args: Some(args(req)),
        ports: Some(ports),
        liveness_probe: Some(probe("/healthz")),
        readiness_probe: Some(probe("/readyz")),
        resources: Some(ResourceRequirements {
            requests: Some(quantities("50m", "32Mi")),
            limits: Some(quantities("1", "128Mi")),
            ..ResourceRequirements::default()
        }),
        security_context: Some(SecurityContext {
            allow_privilege_escalation: Some(false),
            read_only_root_filesystem: Some(true),
            run_as_non_root: Some(true),
            run_as_user: Some(AUTH_SERVER_UID),
            run_as_group: Some(AUTH_SERVER_UID),
            capabilities: Some(Capabilities {
                drop: Some(vec!["ALL".to_owned()]),
                ..Capabilities::default()
            }),
            seccomp_profile: Some(SeccompProfile {
                type_: "RuntimeDefault".to_owned(),
                ..SeccompProfile::default()
            }),
            ..SecurityContext::default()
        }),
        volume_mounts: Some(vec![VolumeMount {
            name: "htpasswd".to_owned(),
            mount_path: AUTH_SERVER_MOUNT.to_owned(),
            read_only: Some(true),
            ..VolumeMount::default()
        }]),
        ..Container::default()
    };
    PodSpec {
        automount_service_account_token: Some(false),
        security_context: Some(PodSecurityContext {
            run_as_non_root: Some(true),
            run_as_user: Some(AUTH_SERVER_UID),
            run_as_group: Some(AUTH_SERVER_UID),
            fs_group: Some(AUTH_SERVER_UID),
            seccomp_profile: Some(SeccompProfile {
                type_: "RuntimeDefault".to_owned(),
                ..SeccompProfile::default()
            }),
            ..PodSecurityContext::default()
        }),
        containers: vec![container],
        // Mounted (never env or args): the kubelet swaps `..data` on updates and serve reloads.
        volumes: Some(vec![Volume {
            name: "htpasswd".to_owned(),
            secret: Some(SecretVolumeSource {
                secret_name: Some(req.secret.clone()),
                // Owner and group (fsGroup) may read; nobody else.
                default_mode: Some(0o440),
                ..SecretVolumeSource::default()
            }),
            ..Volume::default()
        }]),
        topology_spread_constraints: Some(vec![TopologySpreadConstraint {
            max_skew: 1,
            topology_key: "kubernetes.io/hostname".to_owned(),
            when_unsatisfiable: "ScheduleAnyway".to_owned(),
            label_selector: Some(selector(&req.at)),
            ..TopologySpreadConstraint::default()
        }]),
        ..PodSpec::default()
    }
}

/// The auth server's resources: a Deployment of 2 replicas running `ingress-auth serve
/// --htpasswd /etc/ingress-auth/auth --listen 0.0.0.0:8080 [--grpc-listen 0.0.0.0:9191]
/// --realm REALM --trusted-proxy CIDR...` with the Secret mounted read-only at
/// [`AUTH_SERVER_MOUNT`], under Pod Security `restricted` (non-root user [`AUTH_SERVER_UID`],
/// read-only root filesystem, no privilege escalation, all capabilities dropped, seccomp
/// `RuntimeDefault`), liveness `/healthz`, readiness `/readyz`, requests and limits, spread
/// across nodes; a ClusterIP Service; a PodDisruptionBudget (`minAvailable: 1`); and a
/// NetworkPolicy admitting only the controller's pods to its ports.
///
/// # Errors
/// [`K8sError::Invalid`] naming the first invalid value: a name that is no DNS-1035 label, a
/// missing namespace, an image, Secret, realm, trusted proxy or controller selector.
pub fn auth_server(req: &AuthServerRequest) -> Result<AuthServer, K8sError> {
    req.validate()?;
    let mut policy = network_policy(&NetworkPolicyRequest {
        at: req.at.clone(),
        pod_selector: labels(&req.at)
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect(),
        controller_namespace: req.controller_namespace.clone(),
        controller_selector: req.controller_selector.clone(),
        target_port: PortRef::Number(AUTH_SERVER_HTTP_PORT),
    })?;
    policy.metadata.labels = Some(labels(&req.at));
    if req.grpc
        && let Some(ports) = policy
            .spec
            .as_mut()
            .and_then(|s| s.ingress.as_mut())
            .and_then(|i| i.first_mut())
            .and_then(|r| r.ports.as_mut())
    {
        ports.push(NetworkPolicyPort {
            protocol: Some("TCP".to_owned()),
            port: Some(IntOrString::Int(i32::from(AUTH_SERVER_GRPC_PORT))),
            ..NetworkPolicyPort::default()
        });
    }
    let mut service_ports = vec![ServicePort {
        name: Some("http".to_owned()),
        port: i32::from(AUTH_SERVER_HTTP_PORT),
        target_port: Some(IntOrString::String("http".to_owned())),
        protocol: Some("TCP".to_owned()),
        app_protocol: Some("http".to_owned()),
        ..ServicePort::default()
    }];
    if req.grpc {
        service_ports.push(ServicePort {
            name: Some("grpc".to_owned()),
            port: i32::from(AUTH_SERVER_GRPC_PORT),
            target_port: Some(IntOrString::String("grpc".to_owned())),
            protocol: Some("TCP".to_owned()),
            // Envoy needs HTTP/2 to the backend for gRPC.
            app_protocol: Some("kubernetes.io/h2c".to_owned()),
            ..ServicePort::default()
        });
    }
    Ok(AuthServer {
        deployment: Deployment {
            metadata: meta(&req.at),
            spec: DeploymentSpec {
                replicas: Some(2),
                selector: selector(&req.at),
                template: PodTemplateSpec {
                    metadata: Some(ObjectMeta {
                        labels: Some(labels(&req.at)),
                        ..ObjectMeta::default()
                    }),
                    spec: Some(pod_spec(req)),
                },
                ..DeploymentSpec::default()
            },
            ..Deployment::default()
        },
        service: Service {
            metadata: meta(&req.at),
            spec: Some(ServiceSpec {
                type_: Some("ClusterIP".to_owned()),
                selector: Some(labels(&req.at)),
                ports: Some(service_ports),
                ..ServiceSpec::default()
            }),
            ..Service::default()
        },
        pod_disruption_budget: PodDisruptionBudget {
            metadata: meta(&req.at),
            spec: Some(PodDisruptionBudgetSpec {
                min_available: Some(IntOrString::Int(1)),
                selector: Some(selector(&req.at)),
                ..PodDisruptionBudgetSpec::default()
            }),
            ..PodDisruptionBudget::default()
        },
        network_policy: policy,
    })
}
