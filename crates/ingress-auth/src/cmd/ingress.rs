//! `ingress-auth ingress`: the resources that switch basic auth on, for a Secret made
//! elsewhere. Its builder serves `generate` too.

use htpasswd_k8s::{
    AuthConfig, Controller, Field, IngressRequest, K8sError, NoAuthPath, ObjectRef, SecretType,
    Value, validate,
};
use zeroize::Zeroizing;

use super::{Output, to_value};
use crate::args::{IngressArgs, IngressCmd, RouteArgs};
use crate::error::{Error, flag_err, k8s_err, lib_error, refuse};
use crate::request::{ingress_request, object_ref, secret_type_checked};

pub(super) fn ingress(cmd: &IngressCmd) -> Result<Output, Error> {
    let at = object_ref(&cmd.object)?;
    let controller = cmd.object.controller;
    if !controller.has_basic_auth() {
        return Err(super::auth_server::no_basic_auth(
            "--controller",
            controller,
        ));
    }
    let secret_type = secret_type_checked(controller, cmd.secret_type)?;
    let (docs, stderr) = auth_resources(
        controller,
        &at,
        &cmd.ingress,
        &cmd.route,
        &cmd.auth_secret,
        secret_type,
    )?;
    let stdout = htpasswd_k8s::write_stream(&docs, cmd.object.output).map_err(k8s_err)?;
    let mut stderr = stderr;
    if controller == Controller::Kong {
        stderr.push(Zeroizing::new(format!(
            "note: the users are KongConsumers with credential Secrets (in clear: Kong hashes \
             them itself), in the ACL group the {name}-acl KongPlugin admits: write them with \
             `ingress-auth secret --controller kong --name {name}` and the same --namespace",
            name = cmd.auth_secret
        )));
    }
    Ok(Output {
        stdout,
        stderr,
        credentials_file: None,
    })
}

/// Kong's KongPlugins for the auth name `auth_secret` (`NAME`: they live beside the Ingress or
/// HTTPRoute, in `at`'s namespace).
fn kong_plugin_docs(at: &ObjectRef, auth_secret: &str, realm: &str) -> Result<Vec<Value>, Error> {
    if auth_secret.contains('/') {
        return Err(Error::input(format!(
            "--auth-secret {auth_secret:?}: kong's KongPlugins, KongConsumers and credential \
             Secrets live in the Ingress's namespace: give NAME (and --namespace)"
        )));
    }
    let plugins_at = ObjectRef {
        name: auth_secret.to_owned(),
        namespace: at.namespace.clone(),
    };
    let plugins = htpasswd_k8s::kong_plugins(&plugins_at, realm).map_err(flag_err)?;
    Ok(plugins.into())
}

/// The resources that switch basic auth on (everything but the Secret): the annotated Ingress,
/// with Traefik's Middleware before it, or Envoy Gateway's HTTPRoute (with `--gateway`) and
/// SecurityPolicy. Also returns notices for stderr.
pub(super) fn auth_resources(
    controller: Controller,
    at: &ObjectRef,
    args: &IngressArgs,
    route: &RouteArgs,
    auth_secret: &str,
    secret_type: SecretType,
) -> Result<(Vec<Value>, Vec<Zeroizing<String>>), Error> {
    let mut notices = Vec::new();
    let exempt = args
        .no_auth_paths
        .iter()
        .map(|p| {
            NoAuthPath::parse(p).map_err(|e| lib_error(Some(&format!("--no-auth-path {p:?}")), &e))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let gateway_mode = controller.uses_gateway_api()
        || (controller == Controller::Traefik && route.gateway.is_some())
        || (controller == Controller::Kong && route.gateway.is_some());
    if !gateway_mode {
        let why = "only with a Gateway API --controller (envoy-gateway, kgateway, agentgateway, \
                   nginx-gateway-fabric, gateway-api, istio, kong) or traefik --gateway";
        refuse(route.httproute.is_some(), "--httproute", why)?;
        refuse(route.gateway.is_some(), "--gateway", why)?;
    }
    refuse(
        args.no_ssl_redirect && controller.no_ssl_redirect_annotation().is_none(),
        "--no-ssl-redirect",
        &format!("{controller} has no annotation that turns off the HTTPS redirect"),
    )?;
    match controller {
        c if gateway_mode => {
            let docs = gateway_resources(c, at, args, route, auth_secret, secret_type, &exempt)?;
            if c == Controller::NginxGatewayFabric && route.gateway.is_none() {
                notices.push(Zeroizing::new(format!(
                    "note: attach the AuthenticationFilter to each rule of your HTTPRoute with a \
                     filter {{type: ExtensionRef, extensionRef: {{group: gateway.nginx.org, kind: \
                     AuthenticationFilter, name: {}}}}} (or give --gateway to write the route)",
                    at.name
                )));
            }
            Ok((docs, notices))
        }
        Controller::Traefik => {
            let qualified = match (auth_secret.contains('/'), &at.namespace) {
                (true, _) => auth_secret.to_owned(),
                (false, Some(ns)) => format!("{ns}/{auth_secret}"),
                (false, None) => {
                    return Err(Error::input(
                        "--namespace: traefik's router.middlewares annotation names the \
                         Middleware's namespace; give --namespace (or --auth-secret NAMESPACE/NAME)",
                    ));
                }
            };
            let req = ingress_request(at.clone(), args, &qualified, secret_type)?;
            let (ns, name) = qualified.split_once('/').unwrap_or_default();
            let mw_at = ObjectRef {
                name: name.to_owned(),
                namespace: Some(ns.to_owned()),
            };
            if at.namespace.as_deref() != Some(ns) {
                notices.push(Zeroizing::new(format!(
                    "warning: the Middleware is in namespace {ns}, the Ingress is not: traefik \
                     needs providers.kubernetesCRD.allowCrossNamespace=true for that"
                )));
            }
            let mw =
                htpasswd_k8s::traefik_middleware(&mw_at, name, &args.realm).map_err(k8s_err)?;
            let ing = htpasswd_k8s::auth_ingress(controller, &req).map_err(k8s_err)?;
            let mut docs = vec![mw, to_value(&ing)?];
            docs.extend(no_auth_ingress(controller, &req, &exempt)?);
            Ok((docs, notices))
        }
        Controller::Kong => {
            let mut docs = kong_plugin_docs(at, auth_secret, &args.realm)?;
            let req = ingress_request(at.clone(), args, auth_secret, secret_type)?;
            let ing = htpasswd_k8s::auth_ingress(controller, &req).map_err(k8s_err)?;
            docs.push(to_value(&ing)?);
            docs.extend(no_auth_ingress(controller, &req, &exempt)?);
            Ok((docs, notices))
        }
        _ => {
            let req = ingress_request(at.clone(), args, auth_secret, secret_type)?;
            let ing = htpasswd_k8s::auth_ingress(controller, &req).map_err(k8s_err)?;
            let mut docs = vec![to_value(&ing)?];
            docs.extend(no_auth_ingress(controller, &req, &exempt)?);
            Ok((docs, notices))
        }
    }
}

/// The Gateway API resources: the auth resource (a policy targeting the HTTPRoute, or the
/// AuthenticationFilter/Middleware the route's rules name in an `ExtensionRef` filter), and with
/// `--gateway` the HTTPRoute (and the route for `--no-auth-path`), the auth resource last.
fn gateway_resources(
    c: Controller,
    at: &ObjectRef,
    args: &IngressArgs,
    route: &RouteArgs,
    auth_secret: &str,
    secret_type: SecretType,
    exempt: &[NoAuthPath],
) -> Result<Vec<Value>, Error> {
    let why = format!("{c} takes no Ingress here (TLS and classes are set on the Gateway)");
    refuse(args.class.is_some(), "--class", &why)?;
    refuse(args.cluster_issuer.is_some(), "--cluster-issuer", &why)?;
    refuse(args.tls_secret.is_some(), "--tls-secret", &why)?;
    refuse(
        args.realm != AuthConfig::DEFAULT_REALM && !c.has_realm(),
        "--realm",
        &format!("{c}'s basic auth has no realm setting"),
    )?;
    let filter = c.auth_filter_ref().map(|(_, kind)| kind);
    let kind = c.auth_policy_kind().or(filter).unwrap_or("policy");
    let secret_err = |e: K8sError| match e {
        K8sError::Invalid {
            field: Field::AuthSecret,
            ..
        } => Error::input(format!(
            "{} ({c} reads the Secret from the {kind}'s namespace: give NAME)",
            flag_err(e).message
        )),
        e => flag_err(e),
    };
    let route_name = route.httproute.clone().unwrap_or_else(|| at.name.clone());
    // Built first: the library checks --httproute and --auth-secret.
    let (mut auth_docs, filter_name) = match c {
        // No basic auth of their own: the auth server is wired into the route (`wire`).
        Controller::GatewayApi | Controller::Istio => {
            refuse(
                route.gateway.is_none(),
                "--controller",
                &format!(
                    "{c} needs --gateway NAME (or NAMESPACE/NAME): the HTTPRoute is written and \
                     the auth server wired to it"
                ),
            )?;
            check_route_name(&route_name)?;
            (Vec::new(), None)
        }
        Controller::Traefik => {
            // An ExtensionRef is a same-namespace reference: the Middleware lives beside the
            // route, named as the Secret.
            let name = match auth_secret.split_once('/') {
                Some((ns, name)) if at.namespace.as_deref() == Some(ns) => name,
                Some(_) => {
                    return Err(Error::input(
                        "--auth-secret: an HTTPRoute's ExtensionRef names a Middleware of its own \
                         namespace; give NAME (or NAMESPACE/NAME with --namespace NAMESPACE)",
                    ));
                }
                None => auth_secret,
            };
            let mw_at = ObjectRef {
                name: name.to_owned(),
                namespace: at.namespace.clone(),
            };
            let mw =
                htpasswd_k8s::traefik_middleware(&mw_at, name, &args.realm).map_err(secret_err)?;
            (vec![mw], Some(name.to_owned()))
        }
        Controller::NginxGatewayFabric => {
            let f = htpasswd_k8s::nginx_authentication_filter(at, auth_secret, &args.realm)
                .map_err(secret_err)?;
            (vec![f], Some(at.name.clone()))
        }
        // The route names the KongPlugins in its konghq.com/plugins annotation.
        Controller::Kong => (kong_plugin_docs(at, auth_secret, &args.realm)?, None),
        _ => {
            let realm = c.has_realm().then_some(args.realm.as_str());
            let policy = htpasswd_k8s::gateway_auth_policy(c, at, &route_name, auth_secret, realm)
                .map_err(secret_err)?;
            (vec![policy], None)
        }
    };
    let mut docs = Vec::new();
    if let Some(gateway) = &route.gateway {
        if validate::auth_secret(gateway).is_err() {
            return Err(Error::input(format!(
                "--gateway {gateway:?}: must be a Gateway name (DNS-1123 subdomain), optionally \
                 prefixed by 'NAMESPACE/'"
            )));
        }
        let route_at = ObjectRef {
            name: route_name,
            namespace: at.namespace.clone(),
        };
        let req = ingress_request(route_at.clone(), args, auth_secret, secret_type)?;
        let mut protected = htpasswd_k8s::http_route_for(c, &route_at, gateway, &req.paths)
            .map_err(|e| lib_error(Some("--gateway"), &e))?;
        let free = no_auth_route(c, &protected, &route_at, gateway, &req, exempt)?;
        if let Some(name) = &filter_name {
            htpasswd_k8s::with_auth_filter(c, &mut protected, name).map_err(k8s_err)?;
        }
        if c == Controller::Kong {
            let annotations = c.auth_annotations(&req.auth).map_err(k8s_err)?;
            protected["metadata"]["annotations"] = serde_json::json!(annotations);
        }
        docs.push(protected);
        docs.extend(free);
    } else {
        let why = format!(
            "needs --gateway (without it only the {kind} for an existing HTTPRoute is written)"
        );
        refuse(args.service.is_some(), "--service", &why)?;
        refuse(args.port.is_some(), "--port", &why)?;
        refuse(args.host.is_some(), "--host", &why)?;
        refuse(!args.rules.is_empty(), "--rule", &why)?;
        refuse(
            !exempt.is_empty(),
            "--no-auth-path",
            &format!(
                "needs --gateway (the exempt paths go on a second HTTPRoute, without the {kind})"
            ),
        )?;
        refuse(
            filter.is_some() && route.httproute.is_some(),
            "--httproute",
            &format!(
                "{c}'s {kind} is named by the route's rules, not the other way round: give \
                 --gateway to write the route"
            ),
        )?;
    }
    docs.append(&mut auth_docs);
    Ok(docs)
}

/// `--httproute`'s value, where no library builder checks it first.
fn check_route_name(name: &str) -> Result<(), Error> {
    validate::object_name(name)
        .map_err(|rule| Error::input(format!("--httproute {name:?}: {rule}")))
}

/// `--no-auth-path`'s refusals, with the flag named.
fn no_auth_err(e: K8sError) -> Error {
    match e {
        K8sError::Invalid { .. } => flag_err(e),
        e => lib_error(Some("--no-auth-path"), &e),
    }
}

/// The second HTTPRoute, `ROUTE-no-auth`, for `exempt` (none when it is empty): an HTTPRoute's
/// rules hold for all its `hostnames`, so the exempt paths are found as if every path had no
/// host, and the route gets the protected route's `hostnames`.
fn no_auth_route(
    controller: Controller,
    route: &Value,
    route_at: &ObjectRef,
    gateway: &str,
    req: &IngressRequest,
    exempt: &[NoAuthPath],
) -> Result<Option<Value>, Error> {
    if exempt.is_empty() {
        return Ok(None);
    }
    let hostless: Vec<_> = req
        .paths
        .iter()
        .map(|p| htpasswd_k8s::IngressPath {
            host: None,
            ..p.clone()
        })
        .collect();
    let paths = htpasswd_k8s::no_auth_paths(controller, &hostless, exempt).map_err(no_auth_err)?;
    let free_at = htpasswd_k8s::no_auth_ref(route_at).map_err(flag_err)?;
    let mut free = htpasswd_k8s::http_route_for(controller, &free_at, gateway, &paths)
        .map_err(|e| lib_error(Some("--no-auth-path"), &e))?;
    if let Some(hosts) = route["spec"].get("hostnames") {
        free["spec"]["hostnames"] = hosts.clone();
    }
    if controller == Controller::Kong {
        htpasswd_k8s::kong_exempt_route(&mut free);
    }
    Ok(Some(free))
}

/// The second Ingress, without auth, for `exempt` (none when it is empty).
fn no_auth_ingress(
    controller: Controller,
    req: &IngressRequest,
    exempt: &[NoAuthPath],
) -> Result<Option<Value>, Error> {
    if exempt.is_empty() {
        return Ok(None);
    }
    let paths = htpasswd_k8s::no_auth_paths(controller, &req.paths, exempt).map_err(no_auth_err)?;
    let ing = htpasswd_k8s::no_auth_ingress(controller, req, &paths).map_err(k8s_err)?;
    Ok(Some(to_value(&ing)?))
}
