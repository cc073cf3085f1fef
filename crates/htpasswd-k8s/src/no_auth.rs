//! Paths served without auth (`--no-auth-path`): health checks, webhooks, ACME HTTP-01
//! challenges. Each controller puts auth on a whole Ingress (or, for the Gateway API targets, a
//! whole HTTPRoute), so the exempt paths go on a second resource that carries no auth; the
//! controller's path precedence (`Exact` before `Prefix`, the longest `Prefix` first) then sends
//! them there and every other path to the protected one.
//!
//! What no controller can express is refused: an exempt path that is also a protected path of
//! the same type (two resources claim it), an exempt path no protected path routes (it would
//! have no backend), and for Traefik, which orders routers by one priority per Ingress, an
//! exempt `Prefix` over a protected path (the exempt router would win below it). NGINX Inc's
//! controller ignores a second Ingress for a host it already serves (host collision), so it is
//! refused there.
//!
//! Kong (Kong Ingress Controller) turns an `Exact` path `/x` into the regex path `~/x$` and a
//! `Prefix` `/x` into `/x/` and `~/x$`; Kong's `traditional_compatible` router puts regex paths
//! before plain ones and plain ones by length (Kong/kong `kong/router/transform.lua`
//! `get_priority`), as Kubernetes' precedence wants, except that an `Exact` `/x` and a `Prefix`
//! `/x` are the same regex, whose winner is not defined: refused. Its `expressions` router gives
//! each Kong route (the paths of one Ingress, host and backend) one priority, from its longest
//! path (KIC `ingress_atc.go`), so an exempt `Prefix` could win below it over a protected path
//! whose route is shorter: an exempt `Prefix` with a protected path at or below it is refused, as
//! for Traefik. What is left can only fail closed (an exempt path still asking for auth), never
//! open a protected path. Kong Ingress Controller does not escape the paths it turns into
//! regexes (`~/.well-known$` would match `/Xwell-known` too), so the exempt paths are written as
//! regexes of our own, escaped ([`kong_exempt_paths`], [`kong_exempt_route`]).

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1::{HTTPIngressPath, Ingress};
use serde_json::{Value, json};

use crate::controller::{CLUSTER_ISSUER_ANNOTATION, Controller};
use crate::error::{Field, K8sError, check};
use crate::ingress::{IngressPath, IngressRequest, auth_ingress};
use crate::path_type::PathType;
use crate::rule::Rule;
use crate::secret::ObjectRef;
use crate::validate;

/// Traefik's annotation setting a router's priority.
const TRAEFIK_PRIORITY_ANNOTATION: &str = "traefik.ingress.kubernetes.io/router.priority";

/// The priority of the exempt Ingress's Traefik routers: above any rule-length priority
/// (Traefik's default) of the protected Ingress, whose rules are at most a 253-byte host and a
/// 2048-byte path.
const TRAEFIK_EXEMPT_PRIORITY: &str = "100000";

/// A path served without auth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoAuthPath {
    /// The path.
    pub path: String,
    /// `Exact` (only this path) or `Prefix` (this path and every path below it).
    pub path_type: PathType,
}

impl NoAuthPath {
    /// Parses `PATH` (an `Exact` path) or `PATH*` (a `Prefix`, the `*` dropped), as
    /// `--rule` writes path types.
    ///
    /// # Errors
    /// [`K8sError::Invalid`] with [`Field::Path`] for a path an Ingress or HTTPRoute refuses.
    pub fn parse(s: &str) -> Result<Self, K8sError> {
        let (path, path_type) = match s.strip_suffix('*') {
            Some(p) => (p, PathType::Prefix),
            None => (s, PathType::Exact),
        };
        check(Field::Path, path, |p| validate::path(p, path_type))?;
        Ok(Self {
            path: path.to_owned(),
            path_type,
        })
    }

    /// Whether a request for `path` matches it.
    #[must_use]
    pub fn matches(&self, path: &str) -> bool {
        path_matches(&self.path, self.path_type, path)
    }
}

/// Whether a request for `request` matches an Ingress path `path` of `path_type` (Kubernetes'
/// rules: `Prefix` matches by `/`-separated element, a trailing `/` ignored).
#[must_use]
pub fn path_matches(path: &str, path_type: PathType, request: &str) -> bool {
    match path_type {
        PathType::Exact => path == request,
        _ => {
            let prefix = path.trim_end_matches('/');
            let request = request.trim_end_matches('/');
            prefix.is_empty()
                || request == prefix
                || request
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with('/'))
        }
    }
}

fn refused(path: &NoAuthPath, reason: String) -> K8sError {
    K8sError::NoAuthPath {
        path: path.path.clone(),
        reason,
    }
}

/// The paths of the resource without auth: each exempt path on every host whose protected
/// paths route it, with the backend (and TLS) of the protected path that routes it there (an
/// equal `Exact` path, else the longest `Prefix` over it).
///
/// # Errors
/// [`K8sError::NoAuthPath`] naming the path and why: no protected path routes it; it is also a
/// protected path of the same type; for Traefik, an exempt `Prefix` with a protected path at or
/// below it; NGINX Inc at all (see the module documentation). [`K8sError::Invalid`] for an
/// invalid exempt path.
pub fn no_auth_paths(
    controller: Controller,
    protected: &[IngressPath],
    exempt: &[NoAuthPath],
) -> Result<Vec<IngressPath>, K8sError> {
    let mut out = Vec::new();
    for e in exempt {
        check(Field::Path, &e.path, |p| {
            validate::controller_path(controller, p, e.path_type)
        })?;
        if !matches!(e.path_type, PathType::Exact | PathType::Prefix) {
            return Err(refused(
                e,
                "only Exact and Prefix paths can be exempt (the controller's precedence for \
                 ImplementationSpecific paths is its own)"
                    .to_owned(),
            ));
        }
        if controller == Controller::NginxInc {
            return Err(refused(
                e,
                "NGINX Inc's controller ignores a second Ingress for a host another Ingress \
                 serves (host collision) unless both are mergeable minions of a master Ingress; \
                 put the path on its own host, or use another controller"
                    .to_owned(),
            ));
        }
        let mut hosts: Vec<&Option<String>> = Vec::new();
        for p in protected {
            if !hosts.contains(&&p.host) {
                hosts.push(&p.host);
            }
        }
        let mut routed = false;
        for host in hosts {
            let on_host: Vec<&IngressPath> = protected.iter().filter(|p| &p.host == host).collect();
            for p in &on_host {
                let same = p.path_type == e.path_type
                    && p.path.trim_end_matches('/') == e.path.trim_end_matches('/')
                    && (e.path_type == PathType::Prefix || p.path == e.path);
                if same {
                    return Err(refused(
                        e,
                        format!(
                            "it is also a protected {} path{}: two resources would claim it",
                            p.path_type,
                            host_words(host.as_deref())
                        ),
                    ));
                }
                if controller == Controller::Kong && kong_same_regex(e, p) {
                    return Err(refused(
                        e,
                        format!(
                            "the protected {} path {:?}{} becomes the same Kong regex path \
                             (~{}$): which of the two routes a request for it takes is not \
                             defined; exempt another path",
                            p.path_type,
                            p.path,
                            host_words(host.as_deref()),
                            e.path.trim_end_matches('/')
                        ),
                    ));
                }
                // Routers that rank a whole route (one Ingress) by one priority, not each path:
                // an exempt Prefix could win over a protected path at or below it.
                let route_priority = match controller {
                    Controller::Traefik => Some(
                        "traefik orders routers by one priority per Ingress, not by path: the \
                         exempt Prefix would open it",
                    ),
                    Controller::Kong => Some(
                        "Kong's expressions router gives each route one priority from its \
                         longest path, not per path: the exempt Prefix could open it",
                    ),
                    _ => None,
                };
                if let Some(why) = route_priority
                    && e.path_type == PathType::Prefix
                    && path_matches(&e.path, PathType::Prefix, &p.path)
                {
                    return Err(refused(
                        e,
                        format!(
                            "the protected path {:?}{} lies at or below it, and {why}; exempt \
                             Exact paths instead",
                            p.path,
                            host_words(host.as_deref())
                        ),
                    ));
                }
            }
            // The protected path a request for the exempt path itself goes to.
            let exact = on_host
                .iter()
                .find(|p| p.path_type == PathType::Exact && p.path == e.path);
            let prefix = on_host
                .iter()
                .filter(|p| {
                    p.path_type == PathType::Prefix && path_matches(&p.path, p.path_type, &e.path)
                })
                .max_by_key(|p| p.path.trim_end_matches('/').len());
            let via = match e.path_type {
                PathType::Exact => exact.or(prefix),
                _ => prefix,
            };
            if let Some(via) = via {
                routed = true;
                out.push(IngressPath {
                    host: host.clone(),
                    path: e.path.clone(),
                    path_type: e.path_type,
                    service: via.service.clone(),
                    port: via.port.clone(),
                    tls: via.tls.clone(),
                });
            }
        }
        if !routed {
            return Err(refused(
                e,
                "no protected path routes it (an exempt path takes the backend of the Prefix \
                 path over it)"
                    .to_owned(),
            ));
        }
    }
    Ok(out)
}

/// Whether an exempt path and a protected path of the other type (`Exact` and `Prefix`) become
/// the same regex path in Kong: `Exact` `/x` is `~/x$`; `Prefix` `/x` (or `/x/`) is `/x/` and
/// `~/x$` (`Prefix` `/` is `/` alone).
fn kong_same_regex(e: &NoAuthPath, p: &IngressPath) -> bool {
    let (exact, prefix) = match (e.path_type, p.path_type) {
        (PathType::Exact, PathType::Prefix) => (&e.path, &p.path),
        (PathType::Prefix, PathType::Exact) => (&p.path, &e.path),
        _ => return false,
    };
    let base = prefix.trim_matches('/');
    !base.is_empty() && exact.trim_start_matches('/') == base
}

fn host_words(host: Option<&str>) -> String {
    host.map_or_else(|| " (any host)".to_owned(), |h| format!(" of host {h}"))
}

/// The name of the resource without auth: `NAME-no-auth`.
///
/// # Errors
/// [`K8sError::Invalid`] with [`Field::Name`] when the name grows too long.
pub fn no_auth_ref(at: &ObjectRef) -> Result<ObjectRef, K8sError> {
    let out = ObjectRef {
        name: format!("{}-no-auth", at.name),
        namespace: at.namespace.clone(),
    };
    out.validate()?;
    Ok(out)
}

/// The second Ingress, `NAME-no-auth`, for the paths [`no_auth_paths`] returned: `req`'s class
/// and HTTPS-redirect setting, none of its auth annotations (and no cert-manager annotation:
/// the protected Ingress's certificate serves the same hosts). For Traefik its routers get a
/// priority above the protected Ingress's (Traefik orders routers by rule length otherwise, so a
/// short exempt `Exact` path would lose to a longer protected `Prefix`).
///
/// # Errors
/// As [`auth_ingress`]; [`K8sError::Invalid`] with [`Field::Path`] when `paths` is empty.
pub fn no_auth_ingress(
    controller: Controller,
    req: &IngressRequest,
    paths: &[IngressPath],
) -> Result<Ingress, K8sError> {
    if paths.is_empty() {
        return Err(K8sError::Invalid {
            field: Field::Path,
            value: String::new(),
            rule: Rule::NonEmpty,
        });
    }
    let mut second = req.clone();
    second.at = no_auth_ref(&req.at)?;
    second.paths = paths.to_vec();
    second.cluster_issuer = None;
    let mut ing = auth_ingress(controller, &second)?;
    let auth_keys = controller.auth_annotations(&req.auth)?;
    let annotations = ing.metadata.annotations.get_or_insert_with(BTreeMap::new);
    annotations.retain(|k, _| !auth_keys.contains_key(k) && k != CLUSTER_ISSUER_ANNOTATION);
    if controller == Controller::Traefik {
        annotations.insert(
            TRAEFIK_PRIORITY_ANNOTATION.to_owned(),
            TRAEFIK_EXEMPT_PRIORITY.to_owned(),
        );
    }
    if annotations.is_empty() {
        ing.metadata.annotations = None;
    }
    if controller == Controller::Kong {
        kong_exempt_paths(&mut ing);
    }
    Ok(ing)
}

/// Kong Ingress Controller's prefix of a regex path of an `ImplementationSpecific` Ingress
/// path (`konghq.com/regex-prefix` unless set; KIC replaces it with Kong's `~`).
const KONG_REGEX_PREFIX: &str = "/~";

/// `path` as a regex matching exactly itself: every regex metacharacter escaped (of the
/// characters an exempt path may hold, `A-Za-z0-9-._~/`, only `.` is one).
fn kong_escape(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 4);
    for c in path.chars() {
        if "\\.^$|?*+()[]{}".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The exempt Ingress's paths as Kong Ingress Controller would write them for `Exact` and
/// `Prefix`, with the regexes escaped (it writes `~/x$` unescaped, where a `.` matches any
/// character and would exempt other paths): `Exact` `/x` becomes the `ImplementationSpecific`
/// regex path `/~/x$` (escaped), `Prefix` `/x` the plain `ImplementationSpecific` prefix `/x/`
/// and the regex path `/~/x$` (escaped). Kong's precedence is unchanged: the same regex and
/// plain paths, in the same places.
pub fn kong_exempt_paths(ing: &mut Ingress) {
    let rules = ing
        .spec
        .as_mut()
        .and_then(|s| s.rules.as_mut())
        .into_iter()
        .flatten();
    for rule in rules {
        let Some(http) = rule.http.as_mut() else {
            continue;
        };
        let mut out = Vec::with_capacity(http.paths.len() * 2);
        for p in http.paths.drain(..) {
            let path = p.path.clone().unwrap_or_default();
            let with = |path: String| HTTPIngressPath {
                path: Some(path),
                path_type: PathType::ImplementationSpecific.as_str().to_owned(),
                backend: p.backend.clone(),
            };
            match p.path_type.as_str() {
                "Exact" => out.push(with(format!("{KONG_REGEX_PREFIX}{}$", kong_escape(&path)))),
                "Prefix" if !path.trim_matches('/').is_empty() => {
                    let base = format!("/{}", path.trim_matches('/'));
                    out.push(with(format!("{base}/")));
                    out.push(with(format!("{KONG_REGEX_PREFIX}{}$", kong_escape(&base))));
                }
                _ => out.push(p),
            }
        }
        http.paths = out;
    }
}

/// [`kong_exempt_paths`] for the exempt HTTPRoute (`--gateway`): each `Exact` match `/x`
/// becomes the `RegularExpression` `/x$` and each `PathPrefix` `/x` the `RegularExpression`
/// `/x(/.*)?$`, escaped (KIC writes `~/x$` unescaped for both).
pub fn kong_exempt_route(route: &mut Value) {
    let Some(rules) = route
        .pointer_mut("/spec/rules")
        .and_then(Value::as_array_mut)
    else {
        return;
    };
    for rule in rules {
        let Some(matches) = rule.get_mut("matches").and_then(Value::as_array_mut) else {
            continue;
        };
        for m in matches {
            let Some(path) = m.get_mut("path") else {
                continue;
            };
            let value = path["value"].as_str().unwrap_or_default().to_owned();
            let base = format!("/{}", value.trim_matches('/'));
            let regex = match path["type"].as_str() {
                Some("Exact") => format!("{}$", kong_escape(&value)),
                Some("PathPrefix") if base != "/" => format!("{}(/.*)?$", kong_escape(&base)),
                _ => continue,
            };
            *path = json!({"type": "RegularExpression", "value": regex});
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_matching_is_by_element() {
        let p = PathType::Prefix;
        assert!(path_matches("/", p, "/anything"));
        assert!(path_matches("/a", p, "/a"));
        assert!(path_matches("/a/", p, "/a"));
        assert!(path_matches("/a", p, "/a/b"));
        assert!(!path_matches("/a", p, "/ab"));
        assert!(path_matches("/a", PathType::Exact, "/a"));
        assert!(!path_matches("/a", PathType::Exact, "/a/b"));
    }

    #[test]
    fn parse_star_is_prefix() {
        let e = NoAuthPath::parse("/.well-known/acme-challenge/*").unwrap();
        assert_eq!(e.path, "/.well-known/acme-challenge/");
        assert_eq!(e.path_type, PathType::Prefix);
        assert_eq!(NoAuthPath::parse("/h").unwrap().path_type, PathType::Exact);
        assert!(NoAuthPath::parse("h").is_err());
        assert!(NoAuthPath::parse("/a//b").is_err());
    }
}
