//! `auth_server`: the Deployment's pod spec against each Pod Security `restricted` rule (as the
//! Kubernetes Pod Security Standards list them, container and pod level), the Secret mounted
//! and never in env or args, the wiring of ports and the refusals.

use htpasswd_k8s::{
    AUTH_SERVER_GRPC_PORT, AUTH_SERVER_HTTP_PORT, AuthServer, AuthServerRequest, Controller,
    DEFAULT_TRUSTED_PROXIES, Field, K8sError, ObjectRef, auth_server,
};
use k8s_openapi::api::core::v1::{Container, PodSpec};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

fn req() -> AuthServerRequest {
    AuthServerRequest::for_controller(
        Controller::IngressNginx,
        ObjectRef {
            name: "basic-auth-server".into(),
            namespace: Some("web".into()),
        },
        "registry.example/ingress-auth:1.0",
        "basic-auth",
    )
}

fn built() -> AuthServer {
    auth_server(&req()).unwrap()
}

fn pod(s: &AuthServer) -> &PodSpec {
    s.deployment.spec.template.spec.as_ref().unwrap()
}

fn containers(s: &AuthServer) -> Vec<&Container> {
    let p = pod(s);
    p.containers
        .iter()
        .chain(p.init_containers.iter().flatten())
        .collect()
}

// --- Pod Security Standards, restricted profile (each rule on its own) ---

#[test]
fn pss_run_as_non_root() {
    let s = built();
    let pod_level = pod(&s).security_context.as_ref().unwrap().run_as_non_root;
    for c in containers(&s) {
        let c_level = c.security_context.as_ref().unwrap().run_as_non_root;
        // Allowed: true at pod level (and not false at container level), or true per container.
        assert_eq!(c_level.or(pod_level), Some(true));
        assert_ne!(c_level, Some(false));
    }
}

#[test]
fn pss_run_as_user_not_zero() {
    let s = built();
    let p = pod(&s).security_context.as_ref().unwrap();
    assert!(p.run_as_user.is_some_and(|u| u != 0));
    for c in containers(&s) {
        let u = c.security_context.as_ref().unwrap().run_as_user;
        assert!(u.is_none_or(|u| u != 0), "{u:?}");
    }
}

#[test]
fn pss_allow_privilege_escalation_false() {
    for c in containers(&built()) {
        assert_eq!(
            c.security_context
                .as_ref()
                .unwrap()
                .allow_privilege_escalation,
            Some(false)
        );
    }
}

#[test]
fn pss_capabilities_drop_all_add_none() {
    for c in containers(&built()) {
        let caps = c
            .security_context
            .as_ref()
            .unwrap()
            .capabilities
            .as_ref()
            .unwrap();
        assert!(caps.drop.as_ref().unwrap().iter().any(|d| d == "ALL"));
        // restricted allows adding only NET_BIND_SERVICE; we add nothing.
        assert!(caps.add.as_ref().is_none_or(Vec::is_empty));
    }
}

#[test]
fn pss_seccomp_runtime_default() {
    let s = built();
    let p = pod(&s).security_context.as_ref().unwrap();
    assert_eq!(
        p.seccomp_profile.as_ref().unwrap().type_.as_str(),
        "RuntimeDefault"
    );
    for c in containers(&s) {
        let t = c
            .security_context
            .as_ref()
            .unwrap()
            .seccomp_profile
            .as_ref()
            .map(|p| p.type_.as_str());
        assert!(matches!(t, None | Some("RuntimeDefault" | "Localhost")));
    }
}

#[test]
fn pss_read_only_root_filesystem() {
    for c in containers(&built()) {
        assert_eq!(
            c.security_context
                .as_ref()
                .unwrap()
                .read_only_root_filesystem,
            Some(true)
        );
    }
}

#[test]
fn pss_baseline_rules_hold_too() {
    // restricted includes baseline: no host namespaces, no privileged, no hostPath, no host
    // ports; volumes only of the allowed types (secret here).
    let s = built();
    let p = pod(&s);
    assert!(p.host_network.is_none() && p.host_pid.is_none() && p.host_ipc.is_none());
    for v in p.volumes.as_ref().unwrap() {
        assert!(v.secret.is_some() && v.host_path.is_none(), "{v:?}");
    }
    for c in containers(&s) {
        let sc = c.security_context.as_ref().unwrap();
        assert_ne!(sc.privileged, Some(true));
        for port in c.ports.iter().flatten() {
            assert!(port.host_port.is_none());
        }
    }
}

// --- The rest of the Deployment ---

#[test]
fn secret_is_mounted_never_in_env_or_args() {
    let s = built();
    let p = pod(&s);
    let vol = &p.volumes.as_ref().unwrap()[0];
    assert_eq!(
        vol.secret.as_ref().unwrap().secret_name.as_deref(),
        Some("basic-auth")
    );
    let c = &p.containers[0];
    assert!(c.env.is_none() && c.env_from.is_none());
    let mount = &c.volume_mounts.as_ref().unwrap()[0];
    assert_eq!(mount.name, vol.name);
    assert_eq!(mount.mount_path, "/etc/ingress-auth");
    assert_eq!(mount.read_only, Some(true));
    // A subPath mount would never see the kubelet's `..data` swap: updates would not reload.
    assert!(mount.sub_path.is_none());
    let args = c.args.as_ref().unwrap();
    let i = args.iter().position(|a| a == "--htpasswd").unwrap();
    assert_eq!(args[i + 1], "/etc/ingress-auth/auth");
    assert!(
        !args
            .iter()
            .any(|a| a.contains("basic-auth") && a != "basic-auth-server")
    );
}

#[test]
fn deployment_shape() {
    let s = built();
    let spec = &s.deployment.spec;
    assert_eq!(spec.replicas, Some(2));
    let c = &pod(&s).containers[0];
    assert_eq!(
        c.image.as_deref(),
        Some("registry.example/ingress-auth:1.0")
    );
    let args = c.args.as_ref().unwrap();
    assert_eq!(
        args[..5],
        [
            "serve",
            "--htpasswd",
            "/etc/ingress-auth/auth",
            "--listen",
            "0.0.0.0:8080"
        ]
    );
    assert!(!args.iter().any(|a| a == "--grpc-listen"));
    let trusted: Vec<&str> = args
        .windows(2)
        .filter(|w| w[0] == "--trusted-proxy")
        .map(|w| w[1].as_str())
        .collect();
    assert_eq!(trusted, DEFAULT_TRUSTED_PROXIES);
    let live = c
        .liveness_probe
        .as_ref()
        .unwrap()
        .http_get
        .as_ref()
        .unwrap();
    let ready = c
        .readiness_probe
        .as_ref()
        .unwrap()
        .http_get
        .as_ref()
        .unwrap();
    assert_eq!(live.path.as_deref(), Some("/healthz"));
    assert_eq!(ready.path.as_deref(), Some("/readyz"));
    let res = c.resources.as_ref().unwrap();
    for q in [res.requests.as_ref().unwrap(), res.limits.as_ref().unwrap()] {
        assert!(q.contains_key("cpu") && q.contains_key("memory"), "{q:?}");
    }
    let spread = &pod(&s).topology_spread_constraints.as_ref().unwrap()[0];
    assert_eq!(spread.topology_key, "kubernetes.io/hostname");
    assert_eq!(spread.label_selector.as_ref(), Some(&spec.selector));
    // The template's labels match the selector (the API server requires it).
    let labels = s
        .deployment
        .spec
        .template
        .metadata
        .as_ref()
        .unwrap()
        .labels
        .as_ref();
    assert_eq!(labels, spec.selector.match_labels.as_ref());
}

#[test]
fn service_pdb_and_network_policy() {
    let s = built();
    let svc = s.service.spec.as_ref().unwrap();
    let ports = svc.ports.as_ref().unwrap();
    assert_eq!(ports.len(), 1);
    assert_eq!(ports[0].port, i32::from(AUTH_SERVER_HTTP_PORT));
    let pdb = s.pod_disruption_budget.spec.as_ref().unwrap();
    assert_eq!(pdb.min_available, Some(IntOrString::Int(1)));
    let np = s.network_policy.spec.as_ref().unwrap();
    assert_eq!(np.pod_selector.as_ref().unwrap().match_labels, svc.selector);
    let rule = &np.ingress.as_ref().unwrap()[0];
    let from = &rule.from.as_ref().unwrap()[0];
    let ns = from
        .namespace_selector
        .as_ref()
        .unwrap()
        .match_labels
        .as_ref()
        .unwrap();
    assert_eq!(ns["kubernetes.io/metadata.name"], "ingress-nginx");
    let pods = from
        .pod_selector
        .as_ref()
        .unwrap()
        .match_labels
        .as_ref()
        .unwrap();
    assert_eq!(pods["app.kubernetes.io/name"], "ingress-nginx");
    let ports: Vec<_> = rule
        .ports
        .as_ref()
        .unwrap()
        .iter()
        .map(|p| p.port.clone())
        .collect();
    assert_eq!(ports, [Some(IntOrString::Int(8080))]);
}

#[test]
fn grpc_adds_listener_port_and_policy_port() {
    let mut r = req();
    r.grpc = true;
    r.trusted_proxies = vec!["10.244.0.0/16".into()];
    let s = auth_server(&r).unwrap();
    let args = pod(&s).containers[0].args.clone().unwrap();
    let i = args.iter().position(|a| a == "--grpc-listen").unwrap();
    assert_eq!(args[i + 1], format!("0.0.0.0:{AUTH_SERVER_GRPC_PORT}"));
    assert_eq!(
        args.iter().filter(|a| *a == "--trusted-proxy").count(),
        1,
        "{args:?}"
    );
    assert!(args.contains(&"10.244.0.0/16".to_owned()));
    let ports = s.service.spec.unwrap().ports.unwrap();
    assert_eq!(ports[1].port, i32::from(AUTH_SERVER_GRPC_PORT));
    let np = s.network_policy.spec.unwrap().ingress.unwrap();
    assert_eq!(np[0].ports.as_ref().unwrap().len(), 2);
}

#[test]
fn invalid_values_are_refused_with_their_field() {
    type Change = Box<dyn Fn(&mut AuthServerRequest)>;
    let cases: Vec<(Change, Field)> = vec![
        (Box::new(|r| r.image = String::new()), Field::Image),
        (Box::new(|r| r.image = "-rm".into()), Field::Image),
        (Box::new(|r| r.image = "a b".into()), Field::Image),
        (
            Box::new(|r| r.trusted_proxies = vec!["10.0.0.0/33".into()]),
            Field::TrustedProxy,
        ),
        (
            Box::new(|r| r.trusted_proxies = vec!["10.0.0".into()]),
            Field::TrustedProxy,
        ),
        (
            Box::new(|r| r.trusted_proxies = vec!["::/129".into()]),
            Field::TrustedProxy,
        ),
        (Box::new(|r| r.at.namespace = None), Field::Namespace),
        (Box::new(|r| r.at.name = "9abc".into()), Field::Name),
        (Box::new(|r| r.secret = "A".into()), Field::AuthSecret),
        (Box::new(|r| r.realm = "a\"b".into()), Field::Realm),
        (
            Box::new(|r| r.controller_selector.clear()),
            Field::ControllerSelector,
        ),
    ];
    for (change, field) in cases {
        let mut r = req();
        change(&mut r);
        match auth_server(&r) {
            Err(K8sError::Invalid { field: f, .. }) => assert_eq!(f, field, "{r:?}"),
            other => panic!("{r:?}: {other:?}"),
        }
    }
    let mut r = req();
    r.trusted_proxies = vec!["fd00::/8".into(), "192.0.2.7".into()];
    assert!(auth_server(&r).is_ok());
}

#[test]
fn urls() {
    let r = req();
    assert_eq!(r.host(), "basic-auth-server.web.svc.cluster.local");
    assert_eq!(
        r.http_url(),
        "http://basic-auth-server.web.svc.cluster.local:8080/auth"
    );
}
