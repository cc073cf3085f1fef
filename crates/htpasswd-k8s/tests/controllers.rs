//! Every controller through the library API: the scheme table (`Target::supports`) decides
//! what `UserSet` accepts, the Secret has the controller's type and key and reads back (and
//! verifies) through `read_auth_secret`; the custom resources, NetworkPolicy and migration.

use htpasswd_core::crypt::{HashParams, Scheme, generate};
use htpasswd_core::htpasswd::Verdict;
use htpasswd_k8s::{
    AuthConfig, Controller, Field, Format, HashScheme, IngressPath, IngressRequest, K8sError,
    MigrateRequest, NetworkPolicyRequest, ObjectRef, PathType, PortRef, SecretType, UserSet,
    auth_ingress, auth_secret, envoy_security_policy, http_route, migrate, network_policy,
    read_auth_secret, traefik_middleware, validate::Rule, write_stream,
};

fn at(name: &str) -> ObjectRef {
    ObjectRef {
        name: name.to_owned(),
        namespace: Some("web".to_owned()),
    }
}

#[test]
fn every_scheme_per_controller_as_the_table_says() {
    for controller in Controller::ALL {
        let target = controller.target();
        for scheme in HashScheme::ALL {
            let mut users = UserSet::new(controller);
            let r = users.add_password("alice", b"pw", scheme);
            if controller.takes_plaintext() {
                // Kong: no scheme applies; no htpasswd Secret; its credentials read back.
                r.unwrap();
                assert!(target.supported_schemes().next().is_none());
                for t in [SecretType::AuthFile, SecretType::AuthMap] {
                    assert!(auth_secret(controller, &at("a"), &users, t).is_err());
                }
                let docs = htpasswd_k8s::kong_users(&at("a"), &users, None).unwrap();
                let yaml = write_stream(&docs, Format::Yaml).unwrap();
                let read = read_auth_secret(controller, &yaml, None).unwrap();
                assert!(read.plaintext);
                assert_eq!(read.verify(b"alice", b"pw"), Verdict::Match);
                assert_eq!(read.verify(b"alice", b"px"), Verdict::Mismatch);
                assert_eq!(read.verify(b"bob", b"pw"), Verdict::NoSuchUser);
                continue;
            }
            if !scheme.scheme().supported_by(target) {
                let Err(K8sError::UnsupportedScheme {
                    scheme: s,
                    target: t,
                    ..
                }) = r
                else {
                    panic!("{controller} {scheme}: {r:?}");
                };
                assert_eq!((s, t), (scheme.scheme(), target));
                continue;
            }
            r.unwrap();
            let secret_type = controller.default_secret_type();
            let secret = auth_secret(controller, &at("a"), &users, secret_type).unwrap();
            assert_eq!(
                secret.type_.as_deref(),
                Some(controller.secret_type_field())
            );
            let data = secret.data.clone().unwrap();
            match controller.auth_file_key() {
                Some(k) => assert_eq!(data.keys().collect::<Vec<_>>(), [k]),
                None => assert_eq!(data.keys().collect::<Vec<_>>(), ["alice"]),
            }
            let yaml = write_stream(&[secret], Format::Yaml).unwrap();
            let read = read_auth_secret(controller, &yaml, None).unwrap();
            assert_eq!(read.secret_type, secret_type, "{controller}");
            assert_eq!(read.verify(b"alice", b"pw"), Verdict::Match);
            assert_eq!(read.verify(b"alice", b"px"), Verdict::Mismatch);
        }
    }
}

#[test]
fn every_stored_scheme_per_controller_as_the_table_says() {
    let params = [
        HashParams::Apr1,
        HashParams::Md5Crypt,
        HashParams::BCRYPT_DEFAULT,
        HashParams::Sha256Crypt { rounds: None },
        HashParams::Sha512Crypt { rounds: None },
        HashParams::Sha1,
        HashParams::Ssha,
        HashParams::Plain,
        HashParams::DesCrypt,
        HashParams::Plaintext,
    ];
    for controller in Controller::ALL {
        for p in &params {
            let made = generate(p, b"secret").unwrap();
            let hash = String::from_utf8(made.as_bytes().to_vec()).unwrap();
            let mut by_hash = UserSet::new(controller);
            let mut by_file = UserSet::new(controller);
            let ok = made.scheme().supported_by(controller.target());
            if controller.takes_plaintext() {
                // Kong takes no hash at all: both refused before the hash is looked at.
                assert!(!ok);
                for r in [
                    by_hash.add_hash("u", &hash).map(drop),
                    by_file
                        .add_htpasswd(format!("u:{hash}\n").as_bytes())
                        .map(drop),
                ] {
                    assert!(
                        matches!(r, Err(K8sError::Unsupported { .. })),
                        "{controller}: {r:?}"
                    );
                }
                continue;
            }
            assert_eq!(
                by_hash.add_hash("u", &hash).is_ok(),
                ok,
                "{controller} {hash}"
            );
            let r = by_file.add_htpasswd(format!("# c\nu:{hash}\n").as_bytes());
            match r {
                Ok(_) => assert!(ok, "{controller}: {hash}"),
                Err(K8sError::UnsupportedLines { lines, .. }) => {
                    assert!(!ok);
                    assert_eq!(
                        lines,
                        [(2, "u".to_owned(), Scheme::classify(hash.as_bytes()))]
                    );
                }
                Err(e) => panic!("{controller}: {e}"),
            }
        }
    }
}

#[test]
fn annotations_per_controller() {
    let auth = AuthConfig {
        secret: "web/basic-auth".into(),
        realm: "Team".into(),
        secret_type: SecretType::AuthFile,
    };
    let keys =
        |c: Controller| -> Vec<String> { c.auth_annotations(&auth).unwrap().into_keys().collect() };
    assert_eq!(
        keys(Controller::Traefik),
        ["traefik.ingress.kubernetes.io/router.middlewares"]
    );
    assert_eq!(
        Controller::Traefik.auth_annotations(&auth).unwrap()["traefik.ingress.kubernetes.io/router.middlewares"],
        "web-basic-auth@kubernetescrd"
    );
    assert_eq!(
        keys(Controller::NginxInc),
        ["nginx.org/basic-auth-realm", "nginx.org/basic-auth-secret"]
    );
    assert_eq!(
        keys(Controller::Haproxy),
        [
            "haproxy.org/auth-realm",
            "haproxy.org/auth-secret",
            "haproxy.org/auth-type"
        ]
    );
    assert!(matches!(
        Controller::EnvoyGateway.auth_annotations(&auth),
        Err(K8sError::Unsupported { .. })
    ));
    let unqualified = AuthConfig {
        secret: "basic-auth".into(),
        ..auth.clone()
    };
    assert!(matches!(
        Controller::Traefik.auth_annotations(&unqualified),
        Err(K8sError::Invalid {
            field: Field::AuthSecret,
            rule: Rule::QualifiedAuthSecret,
            ..
        })
    ));
    let req = IngressRequest {
        at: at("app"),
        class: None,
        paths: vec![IngressPath::parse_kubectl_rule("a.example.com/=web:80").unwrap()],
        auth,
        cluster_issuer: None,
        no_ssl_redirect: true,
    };
    assert!(matches!(
        auth_ingress(Controller::Traefik, &req),
        Err(K8sError::Unsupported { .. })
    ));
    let ing = auth_ingress(Controller::Haproxy, &req).unwrap();
    assert_eq!(
        ing.metadata.annotations.unwrap()["haproxy.org/ssl-redirect"],
        "false"
    );
}

#[test]
fn secret_shapes_a_controller_cannot_read_are_refused() {
    let mut users = UserSet::new(Controller::Haproxy);
    users
        .add_password("alice", b"pw", HashScheme::Sha512)
        .unwrap();
    assert!(matches!(
        auth_secret(Controller::Haproxy, &at("a"), &users, SecretType::AuthFile),
        Err(K8sError::Unsupported { .. })
    ));
    let mut users = UserSet::new(Controller::Traefik);
    users
        .add_password("alice", b"pw", HashScheme::Apr1)
        .unwrap();
    assert!(matches!(
        auth_secret(Controller::Traefik, &at("a"), &users, SecretType::AuthMap),
        Err(K8sError::Unsupported { .. })
    ));
}

#[test]
fn custom_resources() {
    let mw = traefik_middleware(&at("basic-auth"), "basic-auth", "Team").unwrap();
    assert_eq!(mw["spec"]["basicAuth"]["secret"], "basic-auth");
    assert!(traefik_middleware(&at("a"), "a", "x\"y").is_err());
    let sp = envoy_security_policy(&at("app"), "route", "basic-auth").unwrap();
    assert_eq!(sp["spec"]["targetRefs"][0]["kind"], "HTTPRoute");
    assert!(envoy_security_policy(&at("app"), "Route", "s").is_err());
    let paths = vec![
        IngressPath::parse_kubectl_rule("a.example.com/api*=api:8080").unwrap(),
        IngressPath::parse_kubectl_rule("b.example.com/=web:80").unwrap(),
    ];
    let route = http_route(&at("app"), "eg", &paths).unwrap();
    assert_eq!(
        route["spec"]["hostnames"],
        serde_json::json!(["a.example.com", "b.example.com"])
    );
    assert_eq!(
        route["spec"]["rules"][0]["matches"][0]["path"]["type"],
        "PathPrefix"
    );
    for bad in [
        "a.example.com/=web:http",
        "a.example.com/=web:80,tls",
        "/=web:80",
    ] {
        let mut p = paths.clone();
        p.push(IngressPath::parse_kubectl_rule(bad).unwrap());
        assert!(
            matches!(
                http_route(&at("app"), "eg", &p),
                Err(K8sError::Unsupported { .. })
            ),
            "{bad}"
        );
    }
    let mut p = paths[0].clone();
    p.path_type = PathType::ImplementationSpecific;
    assert!(http_route(&at("app"), "eg", &[p]).is_err());
}

#[test]
fn network_policy_one_peer_both_selectors() {
    let req = NetworkPolicyRequest::for_controller(
        Controller::Traefik,
        at("app-ingress-only"),
        vec!["app=web".into()],
        PortRef::Number(8080),
    );
    let np = network_policy(&req).unwrap();
    let spec = np.spec.unwrap();
    let rules = spec.ingress.unwrap();
    let from = rules[0].from.clone().unwrap();
    assert_eq!(from.len(), 1);
    assert!(from[0].namespace_selector.is_some() && from[0].pod_selector.is_some());
    for (field, f) in [
        (
            Field::PodSelector,
            NetworkPolicyRequest {
                pod_selector: vec![],
                ..req.clone()
            },
        ),
        (
            Field::PodSelector,
            NetworkPolicyRequest {
                pod_selector: vec!["app".into()],
                ..req.clone()
            },
        ),
        (
            Field::ControllerSelector,
            NetworkPolicyRequest {
                controller_selector: vec![],
                ..req.clone()
            },
        ),
        (
            Field::ControllerNamespace,
            NetworkPolicyRequest {
                controller_namespace: "Bad".into(),
                ..req.clone()
            },
        ),
    ] {
        assert!(
            matches!(network_policy(&f), Err(K8sError::Invalid { field: got, .. }) if got == field),
            "{field:?}"
        );
    }
}

#[test]
fn migrate_drops_only_unsupported_users() {
    let input = "\
apiVersion: v1
kind: Secret
metadata: {name: basic-auth, namespace: web}
stringData:
  alice: $apr1$abcdefgh$ciJHPcCQrYc8PNlfymJ66.
  carol: $1$abcdefgh$ywpTNDTYPzAT3Ohgseebp/
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: app
  namespace: web
  annotations:
    nginx.ingress.kubernetes.io/auth-type: basic
    nginx.ingress.kubernetes.io/auth-secret: basic-auth
    nginx.ingress.kubernetes.io/auth-secret-type: auth-map
";
    let req = MigrateRequest::new;
    let m = migrate(input, &req(Controller::Haproxy)).unwrap();
    assert_eq!(m.missing_users, ["alice"]);
    let m = migrate(input, &req(Controller::NginxInc)).unwrap();
    assert!(m.missing_users.is_empty());
    assert_eq!(m.documents[0]["type"], "nginx.org/htpasswd");
    assert!(matches!(
        migrate(input, &req(Controller::EnvoyGateway)),
        Err(K8sError::Migrate { .. })
    ));
}
