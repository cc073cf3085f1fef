//! Reading the users back out of an auth Secret manifest (`verify`, `users`).

use core::fmt;

use k8s_openapi::api::core::v1::Secret;
use serde_json::Value;
use subtle::ConstantTimeEq as _;
use zeroize::Zeroize as _;

use crate::controller::{Controller, KONG_CREDENTIAL_LABEL, SecretType};
use crate::document::{kind, objects_mut, read_stream};
use crate::error::K8sError;
use crate::users::check_hash;
use crate::validate;
use htpasswd_core::crypt::{Hash, Scheme};
use htpasswd_core::htpasswd::{HtpasswdFile, Verdict, check_stored};

/// The users of an auth Secret, or of Kong's `basic-auth` credential Secrets. Wiped when
/// dropped; `Debug` shows no password.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretUsers {
    /// The Secret's name (for Kong's credentials: the first Secret's, and how many more).
    pub name: String,
    /// How it holds its users: auth-file when it has the controller's file key (`auth`), else
    /// auth-map (Kong's credentials: one Secret per user, read as auth-map).
    pub secret_type: SecretType,
    /// `(user, hash)` in the order the controller checks them (file order, or key order); for
    /// Kong's credentials `(user, password)`, the password in clear ([`SecretUsers::plaintext`]).
    pub entries: Vec<(Vec<u8>, Vec<u8>)>,
    /// Whether `entries` hold passwords in clear: Kong's `basic-auth` credential Secrets
    /// (labelled `konghq.com/credential: basic-auth`, keys `username` and `password`).
    pub plaintext: bool,
}

impl fmt::Debug for SecretUsers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let users: Vec<String> = self
            .entries
            .iter()
            .map(|(u, _)| String::from_utf8_lossy(u).into_owned())
            .collect();
        f.debug_struct("SecretUsers")
            .field("name", &self.name)
            .field("secret_type", &self.secret_type)
            .field("users", &users)
            .field("plaintext", &self.plaintext)
            .finish_non_exhaustive()
    }
}

impl Drop for SecretUsers {
    fn drop(&mut self) {
        for (_, secret) in &mut self.entries {
            secret.zeroize();
        }
    }
}

impl SecretUsers {
    /// Checks `password` against `user`'s first entry, as nginx does, timing-safe as
    /// [`HtpasswdFile::check`](htpasswd_core::htpasswd::HtpasswdFile::check): one hash in every
    /// case, against a decoy of the Secret's most common scheme and cost when the user is missing
    /// or their hash is unusable ([`Verdict::Unusable`] then says why). Kong's credentials
    /// ([`SecretUsers::plaintext`]) are compared as they are, in constant time for passwords of
    /// the stored length (a missing user compares the password with itself).
    pub fn verify(&self, user: &[u8], password: &[u8]) -> Verdict {
        if self.plaintext {
            let stored = self
                .entries
                .iter()
                .find(|(u, _)| u == user)
                .map(|(_, p)| p.as_slice());
            let against = stored.unwrap_or(password);
            let same = against.len() == password.len() && bool::from(against.ct_eq(password));
            return match stored {
                None => Verdict::NoSuchUser,
                Some(_) if same => Verdict::Match,
                Some(_) => Verdict::Mismatch,
            };
        }
        let decoy = Hash::decoy(self.entries.iter().map(|(_, h)| h.as_slice()));
        let stored = self
            .entries
            .iter()
            .find(|(u, _)| u == user)
            .map(|(_, h)| h.as_slice());
        check_stored(stored, password, &decoy)
    }

    /// `(user, scheme)` for every entry ([`Scheme::Plaintext`] for Kong's credentials).
    pub fn schemes(&self) -> impl Iterator<Item = (&[u8], Scheme)> {
        self.entries.iter().map(|(u, h)| {
            let scheme = if self.plaintext {
                Scheme::Plaintext
            } else {
                Scheme::classify(h)
            };
            (u.as_slice(), scheme)
        })
    }
}

/// A Secret's data: `(key, value)` in key order, `stringData` over `data`.
type SecretData = Vec<(String, Vec<u8>)>;

/// Whether a Secret value is one of Kong's `basic-auth` credentials.
fn is_kong_credential(secret: &Value) -> bool {
    secret
        .pointer("/metadata/labels")
        .and_then(|l| l.get(KONG_CREDENTIAL_LABEL))
        .and_then(Value::as_str)
        == Some("basic-auth")
}

/// A Secret value as a typed Secret, with wrapped base64 in `data` accepted, and its data
/// (`stringData` over `data`), keys in order.
fn secret_data(mut value: Value) -> Result<(String, SecretData), K8sError> {
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
    Ok((name, data))
}

/// The users of Kong's `basic-auth` credential Secrets: `username` and `password` of each.
fn read_kong_credentials(secrets: Vec<Value>) -> Result<SecretUsers, K8sError> {
    let mut users = SecretUsers {
        name: String::new(),
        secret_type: SecretType::AuthMap,
        entries: Vec::new(),
        plaintext: true,
    };
    let count = secrets.len();
    for value in secrets {
        let (name, mut data) = secret_data(value)?;
        if users.name.is_empty() {
            users.name = if count > 1 {
                format!("{name} (and {} more Kong credentials)", count - 1)
            } else {
                name.clone()
            };
        }
        let mut take = |key: &str| {
            data.iter_mut()
                .find(|(k, _)| k == key)
                .map(|(_, v)| core::mem::take(v))
        };
        let user = take("username").unwrap_or_default();
        // Held by `users` at once, so that every way out wipes it.
        users
            .entries
            .push((user, take("password").unwrap_or_default()));
        for (_, v) in &mut data {
            v.zeroize();
        }
        let bad = |what: &str| K8sError::SecretData {
            what: format!("Kong basic-auth credential Secret {name:?}: {what}"),
        };
        let Some(((user, password), earlier)) = users.entries.split_last() else {
            continue;
        };
        let user = core::str::from_utf8(user).unwrap_or_default();
        if validate::username(user).is_err() {
            return Err(bad("no username, or not a valid user name"));
        }
        if password.is_empty() {
            return Err(bad("no password"));
        }
        if earlier.iter().any(|(u, _)| u == user.as_bytes()) {
            return Err(bad(&format!(
                "user {user:?} has another credential (Kong refuses two)"
            )));
        }
    }
    Ok(users)
}

/// Finds the auth Secret in a YAML or JSON stream (the one named `name`, or the only Secret)
/// and reads its users: `data` (base64) and `stringData` both count. Kong's users are read from
/// its `basic-auth` credential Secrets (label `konghq.com/credential: basic-auth`): all of the
/// stream's without `name`, or the one named; their passwords are in clear
/// ([`SecretUsers::plaintext`]). An auth-file Secret is one
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
    if name.is_none() && secrets.iter().any(is_kong_credential) {
        let creds = secrets.into_iter().filter(is_kong_credential).collect();
        return read_kong_credentials(creds);
    }
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
    if is_kong_credential(&value) {
        return read_kong_credentials(vec![value]);
    }
    let (name, data) = secret_data(value)?;
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
        plaintext: false,
    })
}
