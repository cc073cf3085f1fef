//! Kong's basic auth: the KongPlugins an Ingress or HTTPRoute names in `konghq.com/plugins`
//! (`basic-auth`, and `acl` so that only these users get in), and the users as Kong keeps them:
//! one KongConsumer per user, with a `basic-auth` credential Secret holding the user name and the
//! password in clear (Kong hashes it itself), and the `acl` credential Secret of the group the
//! `acl` plugin admits. Shapes from Kong/kubernetes-configuration (the CRDs) and
//! Kong/kubernetes-ingress-controller (credential Secrets: the `konghq.com/credential` label,
//! `username` and `password` keys; the consumer's `kubernetes.io/ingress.class` annotation).
//!
//! Kong's consumers and basic-auth user names are one namespace for the whole gateway: without
//! the `acl` plugin every consumer with a basic-auth credential, whatever Ingress its users were
//! made for, would be let in.

use std::collections::BTreeMap;

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use serde_json::{Value, json};
use zeroize::Zeroize as _;

use crate::controller::{
    Controller, KONG_CLASS_ANNOTATION, KONG_CREDENTIAL_LABEL, KONG_DEFAULT_CLASS,
};
use crate::error::{Field, K8sError, check};
use crate::secret::{MAX_SECRET_DATA, ObjectRef};
use crate::users::UserSet;
use crate::validate;

/// The KongPlugin and KongConsumer API version.
const KONG_API_VERSION: &str = "configuration.konghq.com/v1";

/// The longest part of a user name kept in the names of the user's Secret and KongConsumer.
const SLUG_MAX: usize = 40;

/// The ACL group of the users named `at` (the auth name and its namespace): `NAMESPACE/NAME`,
/// or `NAME` without a namespace. The `acl` KongPlugin admits it and every user's consumer
/// holds it.
#[must_use]
pub fn kong_acl_group(at: &ObjectRef) -> String {
    match &at.namespace {
        Some(ns) => format!("{ns}/{}", at.name),
        None => at.name.clone(),
    }
}

/// FNV-1a, 64 bits: a stable tag of a user name for object names (not a secret, and not
/// relied on for uniqueness: [`kong_users`] checks that the names differ).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The name of `user`'s credential Secret and KongConsumer: `NAME-SLUG-TAG`, where SLUG is the
/// user name in lower case with every other character than `a-z0-9` made `-` (at most 40
/// characters) and TAG ten hex digits of the user name's FNV-1a hash, so that two users never
/// share a name and no user's name is another object's (`NAME-acl`).
#[must_use]
pub fn kong_user_object_name(name: &str, user: &str) -> String {
    let mut slug = String::new();
    for c in user.chars().flat_map(char::to_lowercase) {
        let c = if c.is_ascii_lowercase() || c.is_ascii_digit() {
            c
        } else {
            '-'
        };
        if !(c == '-' && (slug.is_empty() || slug.ends_with('-'))) {
            slug.push(c);
        }
        if slug.len() >= SLUG_MAX {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    let tag = fnv1a(user.as_bytes()) >> 24;
    if slug.is_empty() {
        format!("{name}-{tag:010x}")
    } else {
        format!("{name}-{slug}-{tag:010x}")
    }
}

/// The KongPlugins that put basic auth on an Ingress or HTTPRoute naming them in
/// `konghq.com/plugins` ([`Controller::kong_plugin_names`]), for the auth name `at` (name and
/// namespace: they live beside the Ingress or route): `NAME-basic-auth` (`plugin: basic-auth`,
/// `config: {hide_credentials: true, realm}`: the upstream never sees the password; `realm`
/// needs Kong Gateway 3.6 or later) and `NAME-acl` (`plugin: acl`, `config: {allow: [GROUP],
/// hide_groups_header: true}`, GROUP from [`kong_acl_group`]).
///
/// # Errors
/// [`K8sError::Invalid`] for an invalid name, namespace or realm, or a name too long for
/// `NAME-basic-auth`.
pub fn kong_plugins(at: &ObjectRef, realm: &str) -> Result<[Value; 2], K8sError> {
    at.validate()?;
    check(Field::Realm, realm, validate::realm)?;
    let [basic, acl] = Controller::kong_plugin_names(&at.name);
    for name in [&basic, &acl] {
        check(Field::AuthSecret, name, validate::object_name)?;
    }
    let plugin = |name: &str, plugin: &str, config: Value| {
        let mut meta = at.json_meta();
        meta.insert("name".into(), Value::from(name));
        json!({
            "apiVersion": KONG_API_VERSION,
            "kind": "KongPlugin",
            "metadata": Value::Object(meta),
            "plugin": plugin,
            "config": config,
        })
    };
    Ok([
        plugin(
            &basic,
            "basic-auth",
            json!({"hide_credentials": true, "realm": realm}),
        ),
        plugin(
            &acl,
            "acl",
            json!({"allow": [kong_acl_group(at)], "hide_groups_header": true}),
        ),
    ])
}

/// A `v1` Secret labelled as a Kong credential of `kind`, holding `data`, which is wiped
/// once serialised (the returned value is the only copy: the caller wipes it after use).
fn credential_secret(
    at: &ObjectRef,
    kind: &str,
    data: BTreeMap<String, ByteString>,
) -> Result<Value, K8sError> {
    let size: usize = data.values().map(|v| v.0.len()).sum();
    let mut secret = Secret {
        metadata: at.meta(BTreeMap::new()),
        data: Some(data),
        type_: Some(Controller::Kong.secret_type_field().to_owned()),
        ..Secret::default()
    };
    secret.metadata.labels = Some(BTreeMap::from([(
        KONG_CREDENTIAL_LABEL.to_owned(),
        kind.to_owned(),
    )]));
    let value = serde_json::to_value(&secret).map_err(|e| K8sError::Serialize {
        message: e.to_string(),
    });
    if let Some(data) = &mut secret.data {
        for v in data.values_mut() {
            v.0.zeroize();
        }
    }
    if size > MAX_SECRET_DATA {
        return Err(K8sError::SecretTooLarge { size });
    }
    value
}

/// Kong's users for the auth name `at` (name and namespace; [`kong_plugins`] of the same name
/// admits them): the `acl` credential Secret `NAME-acl` (`group`: [`kong_acl_group`]), then for
/// each user a `basic-auth` credential Secret (`username`, and `password` in clear: Kong hashes
/// it itself, so this Secret is where the password lives) and a KongConsumer (`username`,
/// `credentials`: both Secrets, annotation `kubernetes.io/ingress.class: CLASS`, `kong` unless
/// given), both named [`kong_user_object_name`].
///
/// The passwords are read from `users` only here; each appears in its Secret's `data` (base64)
/// and nowhere else, and the intermediate buffers are wiped. The caller owns the returned
/// values: wipe them after writing them out.
///
/// # Errors
/// [`K8sError::Unsupported`] when `users` is not Kong's (its passwords were hashed);
/// [`K8sError::NoUsers`]; invalid names, namespace or class; a user's object name that is too
/// long or shared with another user's.
pub fn kong_users(
    at: &ObjectRef,
    users: &UserSet,
    class: Option<&str>,
) -> Result<Vec<Value>, K8sError> {
    at.validate()?;
    if !users.controller().takes_plaintext() {
        return Err(K8sError::Unsupported {
            controller: users.controller(),
            what: "Kong credentials (its users' passwords were hashed)",
        });
    }
    if users.is_empty() {
        return Err(K8sError::NoUsers);
    }
    let class = class.unwrap_or(KONG_DEFAULT_CLASS);
    check(Field::IngressClass, class, validate::object_name)?;
    let acl_at = ObjectRef {
        name: format!("{}-acl", at.name),
        namespace: at.namespace.clone(),
    };
    acl_at.validate()?;
    let mut names = Vec::with_capacity(users.entries().len());
    for e in users.entries() {
        let name = kong_user_object_name(&at.name, &e.user);
        check(Field::Name, &name, validate::object_name)?;
        if names.contains(&name) || name == acl_at.name {
            return Err(K8sError::DuplicateUser {
                user: e.user.clone(),
            });
        }
        names.push(name);
    }
    let mut docs = Vec::with_capacity(1 + 2 * names.len());
    let group = BTreeMap::from([(
        "group".to_owned(),
        ByteString(kong_acl_group(at).into_bytes()),
    )]);
    docs.push(credential_secret(&acl_at, "acl", group)?);
    for (i, (e, name)) in users.entries().iter().zip(&names).enumerate() {
        let password = users.plaintext(i).ok_or(K8sError::Unsupported {
            controller: Controller::Kong,
            what: "credential without its password in clear",
        })?;
        let user_at = ObjectRef {
            name: name.clone(),
            namespace: at.namespace.clone(),
        };
        let data = BTreeMap::from([
            (
                "username".to_owned(),
                ByteString(e.user.clone().into_bytes()),
            ),
            (
                "password".to_owned(),
                ByteString(password.as_str().as_bytes().to_vec()),
            ),
        ]);
        docs.push(credential_secret(&user_at, "basic-auth", data)?);
        let mut meta = user_at.json_meta();
        meta.insert(
            "annotations".into(),
            json!({ KONG_CLASS_ANNOTATION: class }),
        );
        docs.push(json!({
            "apiVersion": KONG_API_VERSION,
            "kind": "KongConsumer",
            "metadata": Value::Object(meta),
            "username": e.user,
            "credentials": [name, acl_at.name],
        }));
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_names_are_valid_and_distinct() {
        let a = kong_user_object_name("app", "alice");
        assert!(a.starts_with("app-alice-"), "{a}");
        assert_eq!(a.len(), "app-alice-".len() + 10);
        let b = kong_user_object_name("app", "Alice");
        assert_ne!(a, b);
        assert!(b.starts_with("app-alice-"));
        let odd = kong_user_object_name("app", "bob@example.com");
        assert!(odd.starts_with("app-bob-example-com-"), "{odd}");
        let none = kong_user_object_name("app", "ü");
        assert!(
            none.starts_with("app-") && validate::object_name(&none).is_ok(),
            "{none}"
        );
        let long = kong_user_object_name("app", &"x".repeat(300));
        assert!(validate::object_name(&long).is_ok());
        assert_ne!(kong_user_object_name("app", "acl"), "app-acl");
    }

    /// The password is in the credential Secret and nowhere `Debug` shows.
    #[test]
    fn passwords_reach_the_secret_and_no_debug_output() {
        use crate::HashScheme;
        let mut users = UserSet::new(Controller::Kong);
        users
            .add_password("alice", b"Sesame-Open-1", HashScheme::Apr1)
            .unwrap();
        users
            .add_passwords(&[("bob", b"Sesame-Open-2")], HashScheme::Bcrypt)
            .unwrap();
        assert!(!format!("{users:?}").contains("Sesame"));
        assert!(users.entries().iter().all(|e| e.hash.is_empty()));
        let at = ObjectRef {
            name: "app".into(),
            namespace: Some("web".into()),
        };
        let docs = kong_users(&at, &users, None).unwrap();
        let text = serde_json::to_string(&docs).unwrap();
        assert!(!text.contains("Sesame"), "only base64 in the Secret");
        let stream = crate::write_stream(&docs, crate::Format::Yaml).unwrap();
        let read = crate::read_auth_secret(Controller::Kong, &stream, None).unwrap();
        assert!(read.plaintext);
        assert!(!format!("{read:?}").contains("Sesame"));
        assert!(read.verify(b"alice", b"Sesame-Open-1").is_match());
        assert!(!read.verify(b"alice", b"Sesame-Open-2").is_match());
        // Hashes are refused for Kong, before anything is read.
        assert!(matches!(
            users.add_htpasswd(b"carol:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n"),
            Err(K8sError::Unsupported { .. })
        ));
        assert!(
            users
                .add_hash("carol", "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=")
                .is_err()
        );
        // A hashed set cannot become Kong credentials.
        let mut hashed = UserSet::new(Controller::Traefik);
        hashed.add_password("a", b"pw", HashScheme::Apr1).unwrap();
        assert!(kong_users(&at, &hashed, None).is_err());
    }
}
