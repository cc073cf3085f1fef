//! `ingress-auth users`: the users of an auth Secret manifest, their hash schemes, and who can
//! check them. Its reader serves `verify` too.

use std::path::Path;

use htpasswd_cli_support::printable;
use htpasswd_k8s::{Controller, SecretUsers};
use zeroize::Zeroizing;

use super::Output;
use crate::args::UsersCmd;
use crate::error::{Error, lib_error};
use crate::files::read_text;

/// The users of the auth Secret in `file` (the one named `secret`, or the only one).
pub(super) fn read_secret(
    file: &Path,
    secret: Option<&str>,
    limit: u64,
) -> Result<SecretUsers, Error> {
    let input = Zeroizing::new(read_text(file, "-f", limit)?);
    let flag = format!("-f {}", file.display());
    htpasswd_k8s::read_auth_secret(Controller::IngressNginx, &input, secret)
        .map_err(|e| lib_error(Some(&flag), &e))
}

pub(super) fn users(cmd: &UsersCmd) -> Result<Output, Error> {
    let users = read_secret(&cmd.file, cmd.secret.as_deref(), cmd.max_input_size)?;
    let mut rows = vec![(
        "USER".to_owned(),
        "SCHEME".to_owned(),
        "CHECKED BY".to_owned(),
    )];
    for (user, scheme) in users.schemes() {
        let targets: Vec<&str> = scheme.supporting_targets().map(|t| t.name()).collect();
        rows.push((
            printable(user),
            scheme.name().to_owned(),
            if users.plaintext {
                "kong (a credential in clear: Kong hashes it itself)".to_owned()
            } else if targets.is_empty() {
                "(none)".to_owned()
            } else {
                targets.join(", ")
            },
        ));
    }
    let w0 = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
    let w1 = rows.iter().map(|r| r.1.len()).max().unwrap_or(0);
    let mut stdout = String::new();
    for (u, s, t) in rows {
        stdout.push_str(&format!("{u:<w0$}  {s:<w1$}  {t}\n"));
    }
    let mut stderr = Vec::new();
    if users.plaintext {
        stderr.push(Zeroizing::new(
            "note: Kong basic-auth credential Secrets hold the passwords in clear (base64); \
             only Kong reads them"
                .to_owned(),
        ));
    }
    let unchecked: Vec<String> = users
        .schemes()
        .filter(|_| !users.plaintext)
        .filter(|(_, s)| !s.supported_by(Controller::IngressNginx.target()))
        .map(|(u, _)| printable(u))
        .collect();
    if !unchecked.is_empty() {
        stderr.push(Zeroizing::new(format!(
            "warning: ingress-nginx cannot check the hashes of: {}",
            unchecked.join(", ")
        )));
    }
    Ok(Output {
        stdout,
        stderr,
        credentials_file: None,
    })
}
