//! `ingress-auth migrate`: an ingress-nginx basic-auth Ingress and its Secret turned into
//! another controller's resources.

use htpasswd_cli_support::printable;
use htpasswd_k8s::{AuthConfig, MigrateRequest, ObjectRef, Value, validate};
use zeroize::Zeroizing;

use super::{Output, auth_server};
use crate::args::{MigrateCmd, NetworkPolicyArgs};
use crate::error::{Error, k8s_err, lib_error, refuse};
use crate::files::read_text;
use crate::request::{accepted, usable_schemes};

/// Checks one flag's value with a library rule (`MigrateRequest` has no validation of its own:
/// the library checks these values only once the input is read).
fn check_flag(
    flag: &str,
    value: &str,
    check: impl FnOnce(&str) -> Result<(), validate::Rule>,
) -> Result<(), Error> {
    check(value).map_err(|rule| Error::input(format!("{flag} {value:?}: {rule}")))
}

pub(super) fn migrate(cmd: &MigrateCmd) -> Result<Output, Error> {
    let to = cmd.to;
    if !to.has_basic_auth() && cmd.server.auth_server.is_none() {
        return Err(auth_server::no_basic_auth("--to", to));
    }
    refuse(
        cmd.httproute.is_some() && to.auth_policy_kind().is_none() && to.has_basic_auth(),
        "--httproute",
        "only with a Gateway API --to whose policy targets a route (envoy-gateway, kgateway, \
         agentgateway) or that gets one (gateway-api, istio)",
    )?;
    refuse(
        cmd.gateway.is_some() && to.has_basic_auth(),
        "--gateway",
        "only with --to gateway-api or istio (the Ingress becomes an HTTPRoute attached to it)",
    )?;
    refuse(
        cmd.gateway.is_none() && !to.has_basic_auth(),
        "--to",
        &format!(
            "{to} needs --gateway NAME (or NAMESPACE/NAME): the Ingress becomes an HTTPRoute \
             attached to it"
        ),
    )?;
    refuse(
        cmd.class.is_some() && !to.has_basic_auth(),
        "--class",
        &format!("{to}: the Ingress becomes an HTTPRoute (classes are set on the Gateway)"),
    )?;
    if let Some(gw) = &cmd.gateway {
        check_flag("--gateway", gw, validate::auth_secret)?;
    }
    for (flag, v) in [
        ("--httproute", &cmd.httproute),
        ("--class", &cmd.class),
        ("--ingress", &cmd.ingress),
    ] {
        if let Some(v) = v {
            check_flag(flag, v, validate::object_name)?;
        }
    }
    if let Some(ns) = &cmd.namespace {
        check_flag("--namespace", ns, validate::namespace)?;
    }
    let input = Zeroizing::new(read_text(&cmd.file, "-f", cmd.max_input_size)?);
    let flag = format!("-f {}", cmd.file.display());
    let req = MigrateRequest {
        to,
        ingress: cmd.ingress.clone(),
        httproute: cmd.httproute.clone(),
        class: cmd.class.clone(),
        namespace: cmd.namespace.clone(),
        auth_server: cmd.server.auth_server.is_some(),
        gateway: cmd.gateway.clone(),
    };
    let mut done = htpasswd_k8s::migrate(&input, &req).map_err(|e| lib_error(Some(&flag), &e))?;
    let missing: Vec<String> = done
        .missing_users
        .iter()
        .map(|u| printable(u.as_bytes()))
        .collect();
    if !missing.is_empty() && !cmd.allow_missing_users && req.auth_server {
        return Err(Error::input(format!(
            "{flag}: the auth server cannot check the hashes of users {} (it accepts: {}); give \
             --allow-missing-users to leave them out",
            missing.join(", "),
            accepted(auth_server::SECRET_SHAPE),
        )));
    }
    if !missing.is_empty() && !cmd.allow_missing_users {
        return Err(Error::input(format!(
            "{flag}: {to} cannot check the hashes of users {} (it accepts: {}); their passwords \
             cannot be re-hashed from the Secret: re-create them with --controller {to} --scheme \
             {}, or give --allow-missing-users to leave them out",
            missing.join(", "),
            accepted(to),
            usable_schemes(to).join("|"),
        )));
    }
    let mut stderr = Vec::new();
    if !missing.is_empty() {
        stderr.push(Zeroizing::new(format!(
            "warning: left out (their hashes cannot be checked by {to}): {}",
            missing.join(", ")
        )));
    }
    let names = |keys: &[String]| -> String {
        let keys: Vec<String> = keys.iter().map(|k| printable(k.as_bytes())).collect();
        keys.join(", ")
    };
    if !to.has_basic_auth() {
        stderr.push(Zeroizing::new(format!(
            "note: the Ingress became an HTTPRoute attached to Gateway {} (TLS is set on the \
             Gateway's listener; the Ingress itself is left to delete once the route serves)",
            cmd.gateway.as_deref().unwrap_or_default()
        )));
        if !done.leftover_annotations.is_empty() {
            stderr.push(Zeroizing::new(format!(
                "warning: these Ingress annotations have no place on the HTTPRoute and are not \
                 carried over: {}",
                names(&done.leftover_annotations)
            )));
        }
    } else if !done.leftover_annotations.is_empty() {
        stderr.push(Zeroizing::new(format!(
            "warning: {to} ignores these ingress-nginx annotations, kept as they were: {}",
            names(&done.leftover_annotations)
        )));
    }
    if !done.snippet_annotations.is_empty() {
        stderr.push(Zeroizing::new(format!(
            "warning: snippet annotations kept (raw controller configuration: review them before \
             {to} or another controller reads them): {}",
            names(&done.snippet_annotations)
        )));
    }
    if to == htpasswd_k8s::Controller::NginxGatewayFabric {
        stderr.push(Zeroizing::new(
            "note: the Ingress must become an HTTPRoute whose rules name the AuthenticationFilter \
             in an ExtensionRef filter (group gateway.nginx.org, kind AuthenticationFilter, the \
             Ingress's name)"
                .to_owned(),
        ));
    }
    if let Some(kind) = to.auth_policy_kind() {
        stderr.push(Zeroizing::new(format!(
            "note: the {kind} targets an HTTPRoute of the Ingress's name (or --httproute); the \
             Ingress itself must become that HTTPRoute"
        )));
    }
    let mut mesh_text = String::new();
    if req.auth_server {
        let plan = server_resources(cmd, &mut done.documents)?;
        auth_server::add_mesh_config(&plan, cmd.output, &mut mesh_text, &mut stderr);
        stderr.extend(auth_server::notice(to));
    }
    let mut stdout = htpasswd_k8s::write_stream(&done.documents, cmd.output).map_err(k8s_err)?;
    stdout.push_str(&mesh_text);
    Ok(Output {
        stdout,
        stderr,
        credentials_file: None,
    })
}

/// `--auth-server`: the server's resources after the Secret (`docs[0]`, named and placed as the
/// input's), and the target's resources wired to it; the plan they were built from.
fn server_resources(cmd: &MigrateCmd, docs: &mut Vec<Value>) -> Result<auth_server::Plan, Error> {
    let meta = |key: &str| {
        docs.first()
            .and_then(|d| d.pointer(&format!("/metadata/{key}")))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let at = ObjectRef {
        name: meta("name").unwrap_or_default(),
        namespace: meta("namespace"),
    };
    let pods = NetworkPolicyArgs {
        network_policy: false,
        pod_selector: Vec::new(),
        target_port: None,
        controller_namespace: cmd.controller_namespace.clone(),
        controller_selector: cmd.controller_selector.clone(),
    };
    let plan = auth_server::plan(
        cmd.to,
        &at,
        &cmd.server,
        Some(&pods),
        AuthConfig::DEFAULT_REALM,
        cmd.gateway.as_deref(),
    )?
    .ok_or_else(|| Error::input("--auth-server: no image"))?;
    auth_server::wire(cmd.to, docs, &plan)?;
    let at = docs.len().min(1);
    docs.splice(at..at, plan.docs.iter().cloned());
    Ok(plan)
}
