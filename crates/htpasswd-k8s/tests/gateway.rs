//! The issue-17 builders through the library API: the Gateway API targets' policies and
//! filters, and the paths without auth.

use htpasswd_k8s::{
    AuthConfig, Controller, IngressPath, IngressRequest, K8sError, NoAuthPath, ObjectRef, PathType,
    PortRef, SecretType, gateway_auth_policy, http_route_for, nginx_authentication_filter,
    no_auth_ingress, no_auth_paths, with_auth_filter,
};

fn at(name: &str) -> ObjectRef {
    ObjectRef {
        name: name.to_owned(),
        namespace: Some("web".to_owned()),
    }
}

fn path(host: Option<&str>, p: &str, path_type: PathType, service: &str) -> IngressPath {
    IngressPath {
        host: host.map(str::to_owned),
        path: p.to_owned(),
        path_type,
        service: service.to_owned(),
        port: PortRef::Number(80),
        tls: None,
    }
}

#[test]
fn policies_per_controller() {
    let p = gateway_auth_policy(Controller::Kgateway, &at("a"), "r", "s", None).unwrap();
    assert_eq!(p["kind"], "TrafficPolicy");
    assert_eq!(p["spec"]["basicAuth"]["secretRef"]["name"], "s");
    assert_eq!(p["spec"]["targetRefs"][0]["name"], "r");
    let p = gateway_auth_policy(Controller::Agentgateway, &at("a"), "r", "s", Some("R")).unwrap();
    assert_eq!(p["spec"]["traffic"]["basicAuthentication"]["realm"], "R");
    let p = gateway_auth_policy(Controller::EnvoyGateway, &at("a"), "r", "s", None).unwrap();
    assert_eq!(p["kind"], "SecurityPolicy");
    // A realm where there is none, an Ingress controller, bad names: refused.
    assert!(matches!(
        gateway_auth_policy(Controller::Kgateway, &at("a"), "r", "s", Some("R")),
        Err(K8sError::Unsupported { .. })
    ));
    assert!(matches!(
        gateway_auth_policy(Controller::IngressNginx, &at("a"), "r", "s", None),
        Err(K8sError::Unsupported { .. })
    ));
    assert!(gateway_auth_policy(Controller::Kgateway, &at("a"), "R_", "s", None).is_err());
    assert!(gateway_auth_policy(Controller::Kgateway, &at("a"), "r", "ns/s", None).is_err());
}

#[test]
fn filters_go_on_every_rule() {
    let f = nginx_authentication_filter(&at("a"), "s", "Team").unwrap();
    assert_eq!(f["spec"]["type"], "Basic");
    assert!(nginx_authentication_filter(&at("a"), "s", "bad\"realm").is_err());
    let paths = [
        path(None, "/", PathType::Prefix, "web"),
        path(None, "/x", PathType::Exact, "x"),
    ];
    let mut route = http_route_for(Controller::NginxGatewayFabric, &at("a"), "gw", &paths).unwrap();
    with_auth_filter(Controller::NginxGatewayFabric, &mut route, "a").unwrap();
    for rule in route["spec"]["rules"].as_array().unwrap() {
        assert_eq!(
            rule["filters"][0]["extensionRef"]["kind"],
            "AuthenticationFilter"
        );
    }
    with_auth_filter(Controller::Traefik, &mut route, "m").unwrap();
    assert_eq!(
        route["spec"]["rules"][0]["filters"][1]["extensionRef"]["kind"],
        "Middleware"
    );
    assert!(matches!(
        with_auth_filter(Controller::Kgateway, &mut route, "a"),
        Err(K8sError::Unsupported { .. })
    ));
    let mut not_a_route = serde_json::json!({"spec": {}});
    assert!(matches!(
        with_auth_filter(Controller::Traefik, &mut not_a_route, "m"),
        Err(K8sError::Shape { .. })
    ));
}

#[test]
fn exempt_paths_take_the_routing_backend_per_host() {
    let protected = [
        path(Some("a.example.com"), "/", PathType::Prefix, "web"),
        path(Some("a.example.com"), "/api", PathType::Prefix, "api"),
        path(Some("b.example.com"), "/api", PathType::Prefix, "api-b"),
    ];
    let exempt = [
        NoAuthPath::parse("/api/hook").unwrap(),
        NoAuthPath::parse("/healthz").unwrap(),
    ];
    let got = no_auth_paths(Controller::IngressNginx, &protected, &exempt).unwrap();
    let summary: Vec<(Option<&str>, &str, &str)> = got
        .iter()
        .map(|p| (p.host.as_deref(), p.path.as_str(), p.service.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            (Some("a.example.com"), "/api/hook", "api"),
            (Some("b.example.com"), "/api/hook", "api-b"),
            (Some("a.example.com"), "/healthz", "web"),
        ]
    );
    assert!(got.iter().all(|p| p.path_type == PathType::Exact));
    let refused = |c, e: &str| match no_auth_paths(c, &protected, &[NoAuthPath::parse(e).unwrap()])
    {
        Err(K8sError::NoAuthPath { reason, .. }) => reason,
        other => panic!("{e}: {other:?}"),
    };
    assert!(refused(Controller::IngressNginx, "/api*").contains("also a protected Prefix"));
    assert!(refused(Controller::Traefik, "/api*").contains("also a protected Prefix"));
    let nested = [
        path(None, "/", PathType::Prefix, "web"),
        path(None, "/app/admin", PathType::Prefix, "web"),
    ];
    let app = [NoAuthPath::parse("/app*").unwrap()];
    assert!(no_auth_paths(Controller::IngressNginx, &nested, &app).is_ok());
    assert!(matches!(
        no_auth_paths(Controller::Traefik, &nested, &app),
        Err(K8sError::NoAuthPath { reason, .. }) if reason.contains("traefik orders routers")
    ));
    assert!(refused(Controller::NginxInc, "/healthz").contains("host collision"));
    let only_api = [path(None, "/api", PathType::Prefix, "api")];
    assert!(
        no_auth_paths(
            Controller::Haproxy,
            &only_api,
            &[NoAuthPath::parse("/x").unwrap()]
        )
        .is_err()
    );
}

#[test]
fn the_second_ingress_has_no_auth() {
    let req = IngressRequest {
        at: at("app"),
        class: Some("nginx".into()),
        paths: vec![path(Some("a.example.com"), "/", PathType::Prefix, "web")],
        auth: AuthConfig {
            secret: "web/s".into(),
            realm: "R".into(),
            secret_type: SecretType::AuthFile,
        },
        cluster_issuer: Some("le".into()),
        no_ssl_redirect: false,
    };
    let exempt = [NoAuthPath::parse("/healthz").unwrap()];
    for c in [
        Controller::IngressNginx,
        Controller::Haproxy,
        Controller::Traefik,
    ] {
        let paths = no_auth_paths(c, &req.paths, &exempt).unwrap();
        let ing = no_auth_ingress(c, &req, &paths).unwrap();
        assert_eq!(ing.metadata.name.as_deref(), Some("app-no-auth"));
        let ann = ing.metadata.annotations.unwrap_or_default();
        let auth = c.auth_annotations(&req.auth).unwrap();
        assert!(auth.keys().all(|k| !ann.contains_key(k)), "{c}: {ann:?}");
        assert!(!ann.contains_key("cert-manager.io/cluster-issuer"));
        assert_eq!(
            ann.contains_key("traefik.ingress.kubernetes.io/router.priority"),
            c == Controller::Traefik
        );
    }
    assert!(no_auth_ingress(Controller::IngressNginx, &req, &[]).is_err());
}

/// Issue 16: Gateway API and Istio have no basic auth of their own: no policy, no filter, no
/// annotations; their Secret is the auth server's (ingress-nginx's `auth` key).
#[test]
fn gateway_api_and_istio_have_no_basic_auth_of_their_own() {
    for c in [Controller::GatewayApi, Controller::Istio] {
        assert!(!c.has_basic_auth());
        assert!(c.uses_gateway_api() && !c.uses_ingress());
        assert!(!c.has_realm());
        assert_eq!(c.auth_file_key(), Some("auth"));
        assert_eq!(c.target(), Controller::IngressNginx.target());
        let e = gateway_auth_policy(c, &at("a"), "r", "s", None).unwrap_err();
        assert!(
            matches!(e, K8sError::Unsupported { controller, .. } if controller == c),
            "{e:?}"
        );
        assert!(
            e.to_string().contains("has no basic auth of its own"),
            "{e}"
        );
        let mut route = http_route_for(
            c,
            &at("a"),
            "gw",
            &[path(None, "/", PathType::Prefix, "web")],
        )
        .unwrap();
        assert!(with_auth_filter(c, &mut route, "a").is_err());
    }
    assert!(
        Controller::ALL
            .iter()
            .filter(|c| !c.has_basic_auth())
            .eq(&[Controller::GatewayApi, Controller::Istio])
    );
}
