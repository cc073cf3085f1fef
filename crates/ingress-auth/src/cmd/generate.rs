//! `ingress-auth generate`: the Secret and the auth resources as one stream (Secret first),
//! optionally with a NetworkPolicy; with `--auth-server`, the server's resources after the
//! Secret and the controller wired to it.

use htpasswd_k8s::{
    AuthConfig, Controller, NetworkPolicyRequest, ObjectRef, PortRef, SecretType, Value,
};

use super::auth_server;
use super::ingress::auth_resources;
use super::secret::{build_secret, finish};
use super::{Output, to_value, wipe};
use crate::args::{GenerateCmd, NetworkPolicyArgs};
use crate::error::{Error, flag_err, k8s_err};
use crate::request::object_ref;
use crate::user_set::{collect_users, users_plan};

pub(super) fn generate(mut cmd: GenerateCmd) -> Result<Output, Error> {
    let at = object_ref(&cmd.object)?;
    let controller = cmd.object.controller;
    // Everything is validated before any password is generated or any file written.
    let server = auth_server::plan(
        controller,
        &at,
        &cmd.server,
        Some(&cmd.network),
        &cmd.ingress.realm,
        cmd.route.gateway.as_deref(),
    )?;
    if server.is_none() && !controller.has_basic_auth() {
        return Err(auth_server::no_basic_auth("--controller", controller));
    }
    if server.is_none()
        && !cmd.network.network_policy
        && (cmd.network.controller_namespace.is_some()
            || !cmd.network.controller_selector.is_empty())
    {
        return Err(Error::input(
            "--controller-namespace, --controller-selector: need --network-policy or \
             --auth-server",
        ));
    }
    // The server checks the users: the Secret is in the shape it reads, with every scheme.
    let users_for = if server.is_some() {
        if cmd.users.secret_type == Some(SecretType::AuthMap) {
            return Err(Error::input(
                "--secret-type auth-map: the auth server reads an auth-file Secret",
            ));
        }
        auth_server::SECRET_SHAPE
    } else {
        controller
    };
    let (_, secret_type) = users_plan(users_for, &cmd.users)?;
    if server.is_some() && !controller.has_realm() {
        // The server shows --realm (its challenge); the controller's own resource has none.
        AuthConfig::DEFAULT_REALM.clone_into(&mut cmd.ingress.realm);
    }
    let (mut docs, notices) = auth_resources(
        controller,
        &at,
        &cmd.ingress,
        &cmd.route,
        &at.name,
        if server.is_some() {
            controller.default_secret_type()
        } else {
            secret_type
        },
    )?;
    if let Some(plan) = &server {
        auth_server::wire(controller, &mut docs, plan)?;
    }
    let policy = network_policy(controller, &at, &cmd.network)?;
    let users = collect_users(cmd.users, users_for)?;
    let secrets = build_secret(users_for, &at, &users, cmd.ingress.class.as_deref())?;
    let after = secrets.len();
    docs.splice(0..0, secrets);
    let mut mesh_notes = Vec::new();
    let mut mesh_text = String::new();
    if let Some(plan) = server {
        auth_server::add_mesh_config(&plan, cmd.object.output, &mut mesh_text, &mut mesh_notes);
        mesh_notes.extend(auth_server::notice(controller));
        docs.splice(after..after, plan.docs);
    }
    docs.extend(policy);
    let stdout = htpasswd_k8s::write_stream(&docs, cmd.object.output).map_err(k8s_err);
    wipe(&mut docs);
    let mut stdout = stdout?;
    stdout.push_str(&mesh_text);
    let mut out = finish(stdout, users)?;
    out.stderr.splice(0..0, notices);
    out.stderr.extend(mesh_notes);
    Ok(out)
}

/// The NetworkPolicy `--network-policy` asks for.
fn network_policy(
    controller: Controller,
    at: &ObjectRef,
    args: &NetworkPolicyArgs,
) -> Result<Option<Value>, Error> {
    if !args.network_policy {
        return Ok(None);
    }
    let port = args.target_port.as_deref().ok_or_else(|| {
        Error::input(
            "--network-policy: needs --target-port (the backend pods' port: the Service's \
             targetPort)",
        )
    })?;
    let port = PortRef::parse(port)
        .map_err(|rule| Error::input(format!("--target-port {port:?}: {rule}")))?;
    if args.pod_selector.is_empty() {
        return Err(Error::input(
            "--network-policy: needs --pod-selector KEY=VALUE (the backend's pods; an empty \
             selector would cover every pod of the namespace)",
        ));
    }
    if matches!(
        controller,
        Controller::Kgateway
            | Controller::Agentgateway
            | Controller::NginxGatewayFabric
            | Controller::GatewayApi
            | Controller::Istio
    ) && (args.controller_namespace.is_none() || args.controller_selector.is_empty())
    {
        return Err(Error::input(format!(
            "--network-policy: {controller} runs its proxies in each Gateway's namespace; give \
             --controller-namespace and --controller-selector KEY=VALUE of your Gateway's proxy \
             pods"
        )));
    }
    let policy_at = ObjectRef {
        name: format!("{}-ingress-only", at.name),
        namespace: at.namespace.clone(),
    };
    // NAME-ingress-only may be too long where NAME was not: named as --name's value.
    policy_at.validate().map_err(flag_err)?;
    let mut req = NetworkPolicyRequest::for_controller(
        controller,
        policy_at,
        args.pod_selector.clone(),
        port,
    );
    if let Some(ns) = &args.controller_namespace {
        req.controller_namespace.clone_from(ns);
    }
    if !args.controller_selector.is_empty() {
        req.controller_selector
            .clone_from(&args.controller_selector);
    }
    let policy = htpasswd_k8s::network_policy(&req).map_err(k8s_err)?;
    Ok(Some(to_value(&policy)?))
}
