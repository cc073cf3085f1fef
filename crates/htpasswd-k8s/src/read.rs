//! Reading the users back out of an auth Secret manifest (`verify`, `users`).

use k8s_openapi::api::core::v1::Secret;
use serde_json::Value;

use crate::controller::{Controller, SecretType};
use crate::document::{kind, objects_mut, read_stream};
use crate::error::K8sError;
use crate::users::check_hash;
use htpasswd_core::crypt::{Hash, Scheme};
use htpasswd_core::htpasswd::{HtpasswdFile, Verdict, check_stored};

/// The users of an auth Secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretUsers {
    /// The Secret's name.
    pub name: String,
    /// How it holds its users: auth-file when it has the controller's file key (`auth`), else
    /// auth-map.
    pub secret_type: SecretType,
    /// `(user, hash)` in the order the controller checks them (file order, or key order).
    pub entries: Vec<(Vec<u8>, Vec<u8>)>,
}

impl SecretUsers {
    /// Checks `password` against `user`'s first entry, as nginx does, timing-safe as
    /// [`HtpasswdFile::check`](htpasswd_core::htpasswd::HtpasswdFile::check): one hash in every
    /// case, against a decoy of the Secret's most common scheme and cost when the user is missing
    /// or their hash is unusable ([`Verdict::Unusable`] then says why).
    pub fn verify(&self, user: &[u8], password: &[u8]) -> Verdict {
        let decoy = Hash::decoy(self.entries.iter().map(|(_, h)| h.as_slice()));
        let stored = self
            .entries
            .iter()
            .find(|(u, _)| u == user)
            .map(|(_, h)| h.as_slice());
        check_stored(stored, password, &decoy)
    }

    /// `(user, scheme)` for every entry.
    pub fn schemes(&self) -> impl Iterator<Item = (&[u8], Scheme)> {
        self.entries
            .iter()
            .map(|(u, h)| (u.as_slice(), Scheme::classify(h)))
    }
}

/// Finds the auth Secret in a YAML or JSON stream (the one named `name`, or the only Secret)
/// and reads its users: `data` (base64) and `stringData` both count. An auth-file Secret is one
/// with `controller`'s file key, or with a single key that is another controller's file key
/// (`users`, `.htpasswd`, `htpasswd`) holding htpasswd lines; any other is read as one key per
/// user.
///
/// `data` values may be wrapped (line breaks are dropped, as the API server does). Every hash
/// is checked ([`K8sError::InvalidHash`]): no white space or control characters, and a
/// well-formed hash of a known scheme, so that a value cannot smuggle in another user.
///
/// # Errors
/// Unparsable input, no Secret or several without a name, a Secret that does not deserialise,
/// one without users, or a user whose hash is not usable.
pub fn read_auth_secret(
    controller: Controller,
    input: &str,
    name: Option<&str>,
) -> Result<SecretUsers, K8sError> {
    let (_, mut docs) = read_stream(input)?;
    let mut secrets: Vec<Value> = docs
        .iter_mut()
        .flat_map(objects_mut)
        .filter(|o| kind(o) == Some("Secret"))
        .map(core::mem::take)
        .collect();
    let name_of = |n: &Value| {
        n.pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let value = match name {
        Some(want) => secrets
            .into_iter()
            .find(|s| name_of(s) == want)
            .ok_or_else(|| K8sError::NoSecret {
                name: Some(want.to_owned()),
            })?,
        None => {
            if secrets.len() > 1 {
                return Err(K8sError::SeveralSecrets {
                    names: secrets.iter().map(name_of).collect(),
                });
            }
            secrets.pop().ok_or(K8sError::NoSecret { name: None })?
        }
    };
    let mut value = value;
    // The API server reads `data` with Go's base64, which skips line breaks: wrapped base64
    // (as `base64` writes it by default) is a valid Secret.
    if let Some(Value::Object(data)) = value.get_mut("data") {
        for v in data.values_mut() {
            if let Value::String(text) = v
                && text.contains(['\r', '\n'])
            {
                text.retain(|c| c != '\r' && c != '\n');
            }
        }
    }
    let secret: Secret = serde_json::from_value(value).map_err(|e| K8sError::SecretData {
        what: format!("{e}"),
    })?;
    let name = secret.metadata.name.clone().unwrap_or_default();
    let mut data: Vec<(String, Vec<u8>)> = secret
        .data
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, v.0))
        .collect();
    for (k, v) in secret.string_data.unwrap_or_default() {
        match data.iter_mut().find(|(dk, _)| *dk == k) {
            Some((_, dv)) => *dv = v.into_bytes(),
            None => data.push((k, v.into_bytes())),
        }
    }
    // The controller's own file key; else, for a Secret of one key that is another
    // controller's file key (Traefik `users`, NGINX Inc `htpasswd`, ...) and reads as an
    // htpasswd file, that file.
    let file_entries = |text: &[u8]| -> Vec<(Vec<u8>, Vec<u8>)> {
        HtpasswdFile::parse(text)
            .entries()
            .map(|e| (e.user.to_vec(), e.hash.to_vec()))
            .collect()
    };
    let own = controller.auth_file_key();
    let other = match data.as_slice() {
        [(k, text)]
            if Controller::ALL
                .iter()
                .any(|c| c.auth_file_key() == Some(k.as_str()))
                && !file_entries(text).is_empty() =>
        {
            Some(text)
        }
        _ => None,
    };
    let (secret_type, entries) = match data
        .iter()
        .find(|(k, _)| Some(k.as_str()) == own)
        .map(|(_, t)| t)
        .or(other)
    {
        Some(text) => (SecretType::AuthFile, file_entries(text)),
        None => (
            SecretType::AuthMap,
            data.into_iter().map(|(k, v)| (k.into_bytes(), v)).collect(),
        ),
    };
    for (user, hash) in &entries {
        check_hash(&String::from_utf8_lossy(user), hash)?;
    }
    if entries.is_empty() {
        return Err(K8sError::SecretData {
            what: format!("Secret {name:?} holds no users"),
        });
    }
    Ok(SecretUsers {
        name,
        secret_type,
        entries,
    })
}
