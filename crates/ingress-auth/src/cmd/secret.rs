//! `ingress-auth secret`: the auth Secret. Its builders serve `generate` too.

use htpasswd_k8s::{Controller, ObjectRef, Value};
use zeroize::Zeroizing;

use super::{Output, to_value, wipe};
use crate::args::SecretCmd;
use crate::error::{Error, k8s_err};
use crate::files::write_credentials;
use crate::request::object_ref;
use crate::user_set::{Users, collect_users};

pub(super) fn secret(cmd: SecretCmd) -> Result<Output, Error> {
    let at = object_ref(&cmd.object)?;
    let controller = cmd.object.controller;
    let users = collect_users(cmd.users, controller)?;
    let mut docs = build_secret(controller, &at, &users, None)?;
    let stdout = htpasswd_k8s::write_stream(&docs, cmd.object.output).map_err(k8s_err);
    wipe(&mut docs);
    finish(stdout?, users)
}

/// The documents holding `users`: the auth Secret; for Kong, which takes the passwords in
/// clear, the KongConsumers and credential Secrets of the auth name `at` (consumers annotated
/// with the ingress class `class`, `kong` unless given). Wipe them after use.
pub(super) fn build_secret(
    controller: Controller,
    at: &ObjectRef,
    users: &Users,
    class: Option<&str>,
) -> Result<Vec<Value>, Error> {
    if controller.takes_plaintext() {
        return htpasswd_k8s::kong_users(at, &users.set, class).map_err(k8s_err);
    }
    let secret = htpasswd_k8s::auth_secret(controller, at, &users.set, users.secret_type)
        .map_err(k8s_err)?;
    Ok(vec![to_value(&secret)?])
}

/// The output of a command that made a Secret. The credentials file is written last, once the
/// manifests are complete, so that a failure leaves neither a file nor a manifest.
pub(super) fn finish(stdout: String, users: Users) -> Result<Output, Error> {
    let mut stdout = Zeroizing::new(stdout);
    let mut stderr = users.notices;
    match &users.credentials_file {
        Some(path) => {
            write_credentials(path, &users.generated)?;
            stderr.push(Zeroizing::new(format!(
                "generated passwords written to {}",
                path.display()
            )));
        }
        None => stderr.extend(users.generated),
    }
    Ok(Output {
        stdout: core::mem::take(&mut *stdout),
        stderr,
        credentials_file: users.credentials_file,
    })
}
