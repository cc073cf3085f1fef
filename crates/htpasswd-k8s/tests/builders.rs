//! The `k8s` builders through the library API: rule parsing and grouping as kubectl does, user
//! sets from mixed sources, Secret shapes and limits, and the document model's round trip.

use htpasswd_core::crypt::verify;
use htpasswd_k8s::{
    AuthConfig, Controller, Field, Format, HashScheme, IngressPath, IngressRequest, K8sError,
    ObjectRef, PathType, PortRef, SecretType, UserSet, auth_ingress, auth_secret, parse_stream,
    validate::Rule, write_stream,
};
use serde_json::{Value, json};

fn at(name: &str) -> ObjectRef {
    ObjectRef {
        name: name.to_owned(),
        namespace: Some("web".to_owned()),
    }
}

#[test]
fn kubectl_rule_syntax() {
    let p = IngressPath::parse_kubectl_rule("a.example.com/api*=api:http,tls=a-tls").unwrap();
    assert_eq!(p.host.as_deref(), Some("a.example.com"));
    assert_eq!((p.path.as_str(), p.path_type), ("/api", PathType::Prefix));
    assert_eq!(
        (p.service.as_str(), &p.port),
        ("api", &PortRef::Name("http".into()))
    );
    assert_eq!(p.tls, Some(Some("a-tls".to_owned())));
    let p = IngressPath::parse_kubectl_rule("/=web:80,tls").unwrap();
    assert_eq!(
        (p.host, p.path_type, p.tls),
        (None, PathType::Exact, Some(None))
    );
    for (bad, field) in [
        ("a.com=svc:80", Field::Rule),
        ("a.com/=svc", Field::Rule),
        ("a.com/=svc:80,tls=", Field::Rule),
        ("A.com/=svc:80", Field::Host),
        ("a.com/=Svc:80", Field::Service),
        ("a.com/=svc:0", Field::Port),
        ("a.com/a b=svc:80", Field::Path),
    ] {
        match IngressPath::parse_kubectl_rule(bad) {
            Err(K8sError::Invalid { field: f, .. }) => assert_eq!(f, field, "{bad}"),
            other => panic!("{bad}: {other:?}"),
        }
    }
}

fn request(rules: &[&str]) -> IngressRequest {
    IngressRequest {
        at: at("app"),
        class: None,
        paths: rules
            .iter()
            .map(|r| IngressPath::parse_kubectl_rule(r).unwrap())
            .collect(),
        auth: AuthConfig {
            secret: "basic-auth".into(),
            realm: AuthConfig::DEFAULT_REALM.into(),
            secret_type: SecretType::AuthMap,
        },
        cluster_issuer: None,
        no_ssl_redirect: false,
    }
}

#[test]
fn paths_of_one_host_share_a_rule_and_tls_groups_by_secret() {
    let ing = auth_ingress(
        Controller::IngressNginx,
        &request(&[
            "a.com/=s:80,tls=t1",
            "b.com/=s:80,tls",
            "a.com/x*=s:81,tls=t2",
            "c.com/=s:80,tls=t1",
            "/=s:80,tls",
        ]),
    )
    .unwrap();
    let spec = ing.spec.unwrap();
    let rules = spec.rules.unwrap();
    let hosts: Vec<_> = rules.iter().map(|r| r.host.clone()).collect();
    assert_eq!(
        hosts,
        [
            Some("a.com".into()),
            Some("b.com".into()),
            Some("c.com".into()),
            None
        ]
    );
    assert_eq!(rules[0].http.as_ref().unwrap().paths.len(), 2);
    let tls: Vec<_> = spec
        .tls
        .unwrap()
        .into_iter()
        .map(|t| (t.secret_name, t.hosts.unwrap_or_default()))
        .collect();
    assert_eq!(
        tls,
        [
            (
                Some("t1".into()),
                vec!["a.com".to_owned(), "c.com".to_owned()]
            ),
            (None, vec!["b.com".to_owned()]),
        ]
    );
    let annotations = ing.metadata.annotations.unwrap();
    assert_eq!(
        annotations["nginx.ingress.kubernetes.io/auth-secret-type"],
        "auth-map"
    );
    assert_eq!(
        annotations["nginx.ingress.kubernetes.io/auth-type"],
        "basic"
    );
}

#[test]
fn ingress_without_paths_or_with_bad_realm_is_refused() {
    let mut req = request(&[]);
    assert!(matches!(
        auth_ingress(Controller::IngressNginx, &req),
        Err(K8sError::Invalid {
            field: Field::Rule,
            rule: Rule::NonEmpty,
            ..
        })
    ));
    req = request(&["a.com/=s:80"]);
    req.auth.realm = "a<b".into();
    assert!(matches!(
        auth_ingress(Controller::IngressNginx, &req),
        Err(K8sError::Invalid {
            field: Field::Realm,
            ..
        })
    ));
}

#[test]
fn user_sets_keep_order_across_sources_and_refuse_duplicates() {
    let mut users = UserSet::new(Controller::IngressNginx);
    users
        .add_password("zed", b"z-pw", HashScheme::Sha512)
        .unwrap();
    let notices = users
        .add_htpasswd(b"\xEF\xBB\xBF# c\r\nalice:$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/\r\n")
        .unwrap();
    assert_eq!(notices.len(), 2, "{notices:?}");
    users
        .add_password("bob", b"b-pw", HashScheme::Bcrypt)
        .unwrap();
    let text = users.htpasswd_text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "# c");
    assert!(lines[1].starts_with("alice:$apr1$"));
    assert!(lines[2].starts_with("zed:$6$"));
    assert!(lines[3].starts_with("bob:$2y$"));
    assert!(text.ends_with('\n'));
    let names: Vec<_> = users.entries().iter().map(|e| e.user.as_str()).collect();
    assert_eq!(names, ["zed", "alice", "bob"]);
    assert!(matches!(
        users.add_password("alice", b"x", HashScheme::Apr1),
        Err(K8sError::DuplicateUser { .. })
    ));
    assert!(matches!(
        users.add_htpasswd(b"bob:$apr1$x$y\n"),
        Err(K8sError::DuplicateUser { .. })
    ));
}

#[test]
fn secrets_hold_verifiable_hashes_in_both_shapes() {
    let mut users = UserSet::new(Controller::IngressNginx);
    users
        .add_password("alice", b"a-pw", HashScheme::Apr1)
        .unwrap();
    users
        .add_password("bob", b"b-pw", HashScheme::Sha1)
        .unwrap();
    let file = auth_secret(
        Controller::IngressNginx,
        &at("s"),
        &users,
        SecretType::AuthFile,
    )
    .unwrap();
    let data = file.data.unwrap();
    assert_eq!(data.keys().collect::<Vec<_>>(), ["auth"]);
    assert_eq!(file.type_.as_deref(), Some("Opaque"));
    let map = auth_secret(
        Controller::IngressNginx,
        &at("s"),
        &users,
        SecretType::AuthMap,
    )
    .unwrap();
    let data = map.data.unwrap();
    assert_eq!(verify(b"a-pw", &data["alice"].0), Ok(true));
    assert_eq!(verify(b"b-pw", &data["bob"].0), Ok(true));
    assert_eq!(verify(b"a-pw", &data["bob"].0), Ok(false));
    let empty = UserSet::new(Controller::IngressNginx);
    assert!(matches!(
        auth_secret(
            Controller::IngressNginx,
            &at("s"),
            &empty,
            SecretType::AuthFile
        ),
        Err(K8sError::NoUsers)
    ));
}

#[test]
fn document_model_round_trips_tricky_scalars() {
    let input = "a: \"yes\"\nb: yes\nc: \"0777\"\nd: 0777\ne: \"\"\nf: null\ng: -5\nh: 1.5\ni: \"1e3\"\nj: [1, \"2\"]\nk: {}\n\"l m\": \"#x\"\n---\n- 1\n";
    let docs = parse_stream(input, Format::Yaml).unwrap();
    assert_eq!(docs[0]["a"], json!("yes"));
    assert_eq!(docs[0]["b"], json!(true));
    assert_eq!(docs[0]["c"], json!("0777"));
    assert_eq!(docs[0]["d"], json!(0o777));
    assert_eq!(docs[0]["f"], Value::Null);
    assert_eq!(docs[0]["g"], json!(-5));
    assert_eq!(docs[0]["h"], json!(1.5));
    assert_eq!(docs[0]["i"], json!("1e3"));
    let keys: Vec<&str> = docs[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l m"]
    );
    let text = write_stream(&docs, Format::Yaml).unwrap();
    assert_eq!(parse_stream(&text, Format::Yaml).unwrap(), docs, "{text}");
    let json = write_stream(&docs[..1], Format::Json).unwrap();
    assert_eq!(parse_stream(&json, Format::Json).unwrap()[..1], docs[..1]);
}

/// Manifests are JSON objects: integer, float and boolean mapping keys read as the strings
/// kubectl makes of them (and are written back quoted); null, sequence and mapping keys are
/// refused, by name, never quoting the input.
#[test]
fn non_string_keys_become_strings_or_are_refused() {
    let docs = parse_stream(
        "data:\n  9000: a\n  true: b\n  1.5: c\n  x: d\n",
        Format::Yaml,
    )
    .unwrap();
    assert_eq!(
        docs[0]["data"],
        json!({"9000": "a", "true": "b", "1.5": "c", "x": "d"})
    );
    let text = write_stream(&docs, Format::Yaml).unwrap();
    assert_eq!(parse_stream(&text, Format::Yaml).unwrap(), docs, "{text}");
    assert!(parse_stream("1: a\n\"1\": b\n", Format::Yaml).is_err());
    for input in ["null: a\n", "? [a, b]\n: c\n", "? {a: b}\n: c\n"] {
        let err = parse_stream(input, Format::Yaml).unwrap_err().to_string();
        assert!(
            err.contains("mapping key is not a string"),
            "{input:?}: {err}"
        );
    }
}

/// Found by the `annotate` fuzz target: a JSON object with a repeated key was read with the
/// first value and written (through serde_json's map) with the last.
#[test]
fn duplicate_json_keys_are_refused() {
    let err = parse_stream(r#"{"kind": "Ingress", "kind": {}}"#, Format::Json).unwrap_err();
    assert!(
        err.to_string().contains("duplicate mapping key \"kind\""),
        "{err}"
    );
    assert!(parse_stream("kind: a\nkind: b\n", Format::Yaml).is_err());
}

/// Annotation values are always YAML strings: random realms and Secret names that look like
/// numbers, booleans, nulls or YAML syntax read back as the same strings.
#[test]
fn annotation_values_read_back_as_strings() {
    let mut rng = crate::support::Rng::new(crate::support::seed(
        "annotation_values_read_back_as_strings",
    ));
    let realm_chars: Vec<char> = "/-._~: abcxyzABEINOTYnoy0123456789".chars().collect();
    let name_chars: Vec<char> = "abcdefnotuxy0123456789".chars().collect();
    for _ in 0..1500 {
        let realm: String = (0..rng.below(12))
            .map(|_| *rng.pick(&realm_chars))
            .collect();
        let mut secret: String = (0..1 + rng.below(6))
            .map(|_| *rng.pick(&name_chars))
            .collect();
        if rng.below(3) == 0 {
            secret = format!("{}.{}", rng.below(100), secret);
        }
        let mut req = request(&["a.com/=s:80"]);
        req.auth.realm = realm.clone();
        req.auth.secret = secret.clone();
        let ing = auth_ingress(Controller::IngressNginx, &req).unwrap();
        let text = write_stream(&[ing], Format::Yaml).unwrap();
        let doc = &parse_stream(&text, Format::Yaml).unwrap()[0];
        let annotations = &doc["metadata"]["annotations"];
        for (key, want) in [
            ("nginx.ingress.kubernetes.io/auth-realm", &realm),
            ("nginx.ingress.kubernetes.io/auth-secret", &secret),
        ] {
            assert_eq!(annotations.get(key), Some(&json!(want)), "{text}");
        }
    }
}

/// `with_md5_kernel`: every kernel this CPU runs makes apr1 hashes that verify, for a batch
/// longer than one set of lanes.
#[test]
fn user_set_md5_kernel_choice() {
    use htpasswd_core::crypt::md5_crypt::batch::Kernel;
    let names: Vec<String> = (0..37).map(|i| format!("user{i}")).collect();
    let passwords: Vec<Vec<u8>> = (0..37).map(|i| format!("pw-{i}").into_bytes()).collect();
    let users: Vec<(&str, &[u8])> = names
        .iter()
        .zip(&passwords)
        .map(|(n, p)| (n.as_str(), p.as_slice()))
        .collect();
    for &kernel in Kernel::available() {
        let mut set = UserSet::new(Controller::IngressNginx).with_md5_kernel(kernel);
        set.add_passwords(&users, HashScheme::Apr1).unwrap();
        assert_eq!(set.entries().len(), users.len());
        for (entry, (_, password)) in set.entries().iter().zip(&users) {
            assert!(entry.hash.starts_with("$apr1$"), "{}", entry.hash);
            assert!(
                verify(password, entry.hash.as_bytes()).unwrap(),
                "{} {}",
                kernel.name(),
                entry.user
            );
        }
    }
}
