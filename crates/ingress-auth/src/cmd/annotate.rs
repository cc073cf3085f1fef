//! `ingress-auth annotate`: the auth annotations added to the Ingresses of a stream.

use htpasswd_cli_support::printable;
use htpasswd_k8s::{AnnotateRequest, AuthConfig, Controller};
use zeroize::Zeroizing;

use super::Output;
use crate::args::AnnotateCmd;
use crate::error::{Error, k8s_err, lib_error};
use crate::files::read_text;

pub(super) fn annotate(cmd: &AnnotateCmd) -> Result<Output, Error> {
    let req = AnnotateRequest {
        auth: AuthConfig {
            secret: cmd.auth_secret.clone(),
            realm: cmd.realm.clone(),
            secret_type: cmd.secret_type,
        },
        ingress: cmd.ingress.clone(),
        cluster_issuer: cmd.cluster_issuer.clone(),
        no_ssl_redirect: cmd.no_ssl_redirect,
    };
    req.validate().map_err(k8s_err)?;
    let input = read_text(&cmd.file, "-f", cmd.max_input_size)?;
    let flag = format!("-f {}", cmd.file.display());
    let done = htpasswd_k8s::annotate(Controller::IngressNginx, &input, &req)
        .map_err(|e| lib_error(Some(&flag), &e))?;
    let stderr = done
        .annotated
        .iter()
        .map(|n| Zeroizing::new(format!("annotated Ingress {}", printable(n.as_bytes()))))
        .collect();
    Ok(Output {
        stdout: done.output,
        stderr,
        credentials_file: None,
    })
}
