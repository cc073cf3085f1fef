//! The auth Secret.

use std::collections::BTreeMap;

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::controller::{Controller, SecretType};
use crate::error::{Field, K8sError, check};
use crate::users::UserSet;
use crate::validate;

/// Kubernetes' limit on the data of one Secret (`MaxSecretSize`), in bytes.
pub const MAX_SECRET_DATA: usize = 1024 * 1024;

/// Where an object goes: its name and, optionally, its namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectRef {
    /// The object name (DNS-1123 subdomain).
    pub name: String,
    /// The namespace (DNS-1123 label); `None` leaves it to `kubectl apply -n`.
    pub namespace: Option<String>,
}

impl ObjectRef {
    /// Checks both names.
    ///
    /// # Errors
    /// [`K8sError::Invalid`] naming [`Field::Name`] or [`Field::Namespace`].
    pub fn validate(&self) -> Result<(), K8sError> {
        check(Field::Name, &self.name, validate::object_name)?;
        if let Some(ns) = &self.namespace {
            check(Field::Namespace, ns, validate::namespace)?;
        }
        Ok(())
    }

    pub(crate) fn meta(&self, annotations: BTreeMap<String, String>) -> ObjectMeta {
        ObjectMeta {
            name: Some(self.name.clone()),
            namespace: self.namespace.clone(),
            annotations: (!annotations.is_empty()).then_some(annotations),
            ..ObjectMeta::default()
        }
    }

    /// `metadata` of a document written as JSON (the custom resources): `name` and, when
    /// given, `namespace`.
    pub(crate) fn json_meta(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut meta = serde_json::Map::new();
        meta.insert("name".into(), self.name.clone().into());
        if let Some(ns) = &self.namespace {
            meta.insert("namespace".into(), ns.clone().into());
        }
        meta
    }
}

/// Builds the auth Secret for `controller`: auth-file puts the htpasswd text under the
/// controller's one key (`auth`, Traefik `users`, Envoy Gateway `.htpasswd`, NGINX Inc
/// `htpasswd`), auth-map one key per user (ingress-nginx, HAProxy); the Secret `type` is the
/// controller's (`nginx.org/htpasswd` for NGINX Inc, else `Opaque`).
///
/// ```
/// use htpasswd_k8s::{Controller, HashScheme, ObjectRef, SecretType, UserSet, auth_secret};
///
/// let mut users = UserSet::new(Controller::IngressNginx);
/// users.add_htpasswd(b"alice:$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/\n")?;
/// let at = ObjectRef { name: "basic-auth".into(), namespace: Some("web".into()) };
/// let secret = auth_secret(Controller::IngressNginx, &at, &users, SecretType::AuthFile)?;
/// let data = secret.data.unwrap_or_default();
/// assert_eq!(data["auth"].0, b"alice:$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/\n");
/// # Ok::<(), htpasswd_k8s::K8sError>(())
/// ```
///
/// # Errors
/// Invalid names, no users, a Secret shape the controller does not read, a user name that is not a valid Secret key (auth-map), or data
/// over [`MAX_SECRET_DATA`].
pub fn auth_secret(
    controller: Controller,
    at: &ObjectRef,
    users: &UserSet,
    secret_type: SecretType,
) -> Result<Secret, K8sError> {
    at.validate()?;
    if users.is_empty() {
        return Err(K8sError::NoUsers);
    }
    if !controller.supports_secret_type(secret_type) {
        return Err(K8sError::Unsupported {
            controller,
            what: match secret_type {
                SecretType::AuthMap => "auth-map Secret (it reads one htpasswd key)",
                _ => "auth-file Secret (it reads one key per user)",
            },
        });
    }
    let mut data = BTreeMap::new();
    match (secret_type, controller.auth_file_key()) {
        (SecretType::AuthFile, Some(key)) => {
            data.insert(
                key.to_owned(),
                ByteString(users.htpasswd_text().into_bytes()),
            );
        }
        _ => {
            for e in users.entries() {
                check(Field::SecretKey, &e.user, validate::secret_key)?;
                data.insert(e.user.clone(), ByteString(e.hash.clone().into_bytes()));
            }
        }
    }
    let size: usize = data.values().map(|v| v.0.len()).sum();
    if size > MAX_SECRET_DATA {
        return Err(K8sError::SecretTooLarge { size });
    }
    Ok(Secret {
        metadata: at.meta(BTreeMap::new()),
        data: Some(data),
        type_: Some(controller.secret_type_field().to_owned()),
        ..Secret::default()
    })
}
