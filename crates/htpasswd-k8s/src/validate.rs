//! Kubernetes and ingress-nginx rules for the values that go into manifests.
//!
//! Each check returns the [`Rule`] the value breaks, so that a front end can name its own flag
//! next to it. Sources: Kubernetes `apimachinery/pkg/util/validation` (DNS-1123, DNS-1035,
//! IANA service names, Secret keys), `networking/validation` (Ingress hosts and paths) and
//! ingress-nginx's annotation parsers (`auth-realm`, `auth-secret`).
//!
//! This module holds the checks and [`Rule`] only; the types they check
//! ([`PathType`], [`PortRef`](crate::PortRef)) are at the crate root.

use crate::controller::Controller;
use crate::path_type::PathType;
pub use crate::rule::Rule;

fn is_alnum_lower(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

/// A DNS-1123 label: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
///
/// # Errors
/// [`Rule::Dns1123Label`] when it is not one.
pub fn dns1123_label(s: &str) -> Result<(), Rule> {
    let b = s.as_bytes();
    let ok = !b.is_empty()
        && b.len() <= 63
        && b.iter().all(|&c| is_alnum_lower(c) || c == b'-')
        && b.first().is_some_and(|&c| is_alnum_lower(c))
        && b.last().is_some_and(|&c| is_alnum_lower(c));
    if ok { Ok(()) } else { Err(Rule::Dns1123Label) }
}

/// A DNS-1123 subdomain: dot-separated DNS-1123 labels, at most 253 characters.
///
/// # Errors
/// [`Rule::Dns1123Subdomain`] when it is not one.
pub fn dns1123_subdomain(s: &str) -> Result<(), Rule> {
    let ok = !s.is_empty() && s.len() <= 253 && s.split('.').all(|l| dns1123_label(l).is_ok());
    if ok {
        Ok(())
    } else {
        Err(Rule::Dns1123Subdomain)
    }
}

/// A DNS-1035 label: `[a-z]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
///
/// # Errors
/// [`Rule::Dns1035Label`] when it is not one.
pub fn dns1035_label(s: &str) -> Result<(), Rule> {
    let ok = dns1123_label(s).is_ok() && s.as_bytes().first().is_some_and(u8::is_ascii_lowercase);
    if ok { Ok(()) } else { Err(Rule::Dns1035Label) }
}

/// An object name (Secret, Ingress, IngressClass, TLS Secret, ClusterIssuer).
///
/// # Errors
/// [`Rule::Dns1123Subdomain`] when it is not one.
pub fn object_name(s: &str) -> Result<(), Rule> {
    dns1123_subdomain(s)
}

/// A namespace name.
///
/// # Errors
/// [`Rule::Dns1123Label`] when it is not one.
pub fn namespace(s: &str) -> Result<(), Rule> {
    dns1123_label(s)
}

/// A Service name.
///
/// # Errors
/// [`Rule::Dns1035Label`] when it is not one.
pub fn service_name(s: &str) -> Result<(), Rule> {
    dns1035_label(s)
}

/// An Ingress rule host: a DNS-1123 subdomain, optionally `*.` first; not an IP address.
///
/// # Errors
/// [`Rule::HostIsIp`] for an IPv4/IPv6 address, else [`Rule::Host`].
pub fn host(s: &str) -> Result<(), Rule> {
    if s.parse::<std::net::IpAddr>().is_ok() {
        return Err(Rule::HostIsIp);
    }
    let rest = s.strip_prefix("*.").unwrap_or(s);
    if dns1123_subdomain(rest).is_ok() {
        Ok(())
    } else {
        Err(Rule::Host)
    }
}

/// An HTTP path for `path_type`. `Exact` and `Prefix` paths follow ingress-nginx's strict rule
/// (`^/[A-Za-z0-9-._~/]*$`, the default since controller 1.12); `ImplementationSpecific` paths
/// follow ingress-nginx's rule for regex paths (`IsSafePath` with `use-regex`): `/`, then
/// letters, digits, `-._~/:` and the regex characters `^$[](){}*+?|&=\`. Quotes, white space,
/// `;`, `#`, `%` and anything else that could end the `location` nginx renders are refused.
/// [`controller_path`] adds each controller's own rule.
///
/// # Errors
/// [`Rule::StrictPath`], [`Rule::PathSegments`] or [`Rule::Path`].
pub fn path(s: &str, path_type: PathType) -> Result<(), Rule> {
    match path_type {
        PathType::Exact | PathType::Prefix => {
            let ok = s.starts_with('/')
                && s.len() <= 2048
                && s.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || b"-._~/".contains(&c));
            if !ok {
                return Err(Rule::StrictPath);
            }
            // The API server's `invalidPathSequences` / `invalidPathSuffixes` (k8s.io/kubernetes
            // pkg/apis/networking/validation); `%2f` cannot pass the character rule above.
            let bad_inside = ["//", "/./", "/../"].iter().any(|q| s.contains(q));
            let bad_end = s.ends_with("/.") || s.ends_with("/..");
            if bad_inside || bad_end {
                Err(Rule::PathSegments)
            } else {
                Ok(())
            }
        }
        PathType::ImplementationSpecific => {
            let ok = s.starts_with('/')
                && s.len() <= 2048
                && s.bytes().all(|c| {
                    c.is_ascii_alphanumeric()
                        || b"-._~/:".contains(&c)
                        || b"^$[](){}*+?|&=\\".contains(&c)
                });
            if ok { Ok(()) } else { Err(Rule::Path) }
        }
    }
}

/// An HTTP path for `path_type` as `controller` renders it: [`path`], and for NGINX Inc's
/// `ImplementationSpecific` paths its own rule on top (its `validateIngressPath`: no `{` or `}`,
/// and a `\` only before another character, as the quoted `location` it writes needs).
/// Traefik (a backquoted `PathPrefix` rule) and HAProxy (a map file entry) take every path
/// [`path`] takes; Envoy Gateway takes no `ImplementationSpecific` path at all (see
/// [`http_route`](crate::http_route)).
///
/// # Errors
/// What [`path`] says, or [`Rule::NginxIncPath`].
pub fn controller_path(controller: Controller, s: &str, path_type: PathType) -> Result<(), Rule> {
    path(s, path_type)?;
    if controller == Controller::NginxInc && path_type == PathType::ImplementationSpecific {
        let braces = s.contains(['{', '}']);
        let mut escapes_ok = true;
        let mut bytes = s.bytes();
        while let Some(c) = bytes.next() {
            if c == b'\\' && bytes.next().is_none() {
                escapes_ok = false;
            }
        }
        if braces || !escapes_ok {
            return Err(Rule::NginxIncPath);
        }
    }
    Ok(())
}

/// A named Service port (IANA service name syntax): at most 15 lower-case letters, digits and
/// `-`, at least one letter, no `--`, not starting or ending with `-`.
/// [`PortRef::parse`](crate::PortRef::parse) takes a number too.
///
/// # Errors
/// [`Rule::Port`] otherwise.
pub fn port_name(s: &str) -> Result<(), Rule> {
    let b = s.as_bytes();
    let ok = !b.is_empty()
        && b.len() <= 15
        && b.iter().all(|&c| is_alnum_lower(c) || c == b'-')
        && b.iter().any(u8::is_ascii_lowercase)
        && !s.contains("--")
        && !s.starts_with('-')
        && !s.ends_with('-');
    if ok { Ok(()) } else { Err(Rule::Port) }
}

/// An ingress-nginx `auth-realm` value: `^[/\-._~a-zA-Z0-9: ]*$`.
///
/// # Errors
/// [`Rule::Realm`] when it holds another character.
pub fn realm(s: &str) -> Result<(), Rule> {
    if s.bytes()
        .all(|c| c.is_ascii_alphanumeric() || b"/-._~: ".contains(&c))
    {
        Ok(())
    } else {
        Err(Rule::Realm)
    }
}

/// An ingress-nginx `auth-secret` value: `NAME` or `NAMESPACE/NAME` (which also satisfies the
/// controller's `^[/\-._~a-zA-Z0-9:]*$`).
///
/// # Errors
/// [`Rule::AuthSecret`] otherwise.
pub fn auth_secret(s: &str) -> Result<(), Rule> {
    let ok = match s.split_once('/') {
        Some((ns, name)) => namespace(ns).is_ok() && object_name(name).is_ok(),
        None => object_name(s).is_ok(),
    };
    if ok { Ok(()) } else { Err(Rule::AuthSecret) }
}

/// A Secret data key: `[-._a-zA-Z0-9]+`, at most 253 characters, not `.` or `..`.
///
/// # Errors
/// [`Rule::SecretKey`] otherwise.
pub fn secret_key(s: &str) -> Result<(), Rule> {
    let ok = !s.is_empty()
        && s.len() <= 253
        && s != "."
        && s != ".."
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"-._".contains(&c));
    if ok { Ok(()) } else { Err(Rule::SecretKey) }
}

/// An htpasswd user name as nginx and Apache read it back: 1 to 255 bytes, no `:` (the field
/// separator), no control characters (a line break would split the entry), no white space at
/// either end (invisible in the file, and easy to type by mistake), not starting with `#` (nginx
/// skips such lines as comments).
///
/// # Errors
/// [`Rule::Username`] otherwise.
pub fn username(s: &str) -> Result<(), Rule> {
    let ok = !s.is_empty()
        && s.len() <= 255
        && !s.starts_with('#')
        && s.trim() == s
        && s.chars().all(|c| c != ':' && !c.is_control());
    if ok { Ok(()) } else { Err(Rule::Username) }
}

fn label_name(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() <= 63
        && b.iter()
            .all(|&c| c.is_ascii_alphanumeric() || b"-_.".contains(&c))
        && b.first().is_some_and(u8::is_ascii_alphanumeric)
        && b.last().is_some_and(u8::is_ascii_alphanumeric)
}

/// A label selector term `KEY=VALUE` (Kubernetes' label key and value rules), split.
///
/// # Errors
/// [`Rule::LabelSelector`] otherwise.
pub fn label_selector(s: &str) -> Result<(&str, &str), Rule> {
    let (key, value) = s.split_once('=').ok_or(Rule::LabelSelector)?;
    let key_ok = match key.split_once('/') {
        Some((prefix, name)) => dns1123_subdomain(prefix).is_ok() && label_name(name),
        None => label_name(key),
    };
    if key_ok && (value.is_empty() || label_name(value)) {
        Ok((key, value))
    } else {
        Err(Rule::LabelSelector)
    }
}

/// A network for `serve --trusted-proxy`: an IPv4 or IPv6 address, optionally `/PREFIX` (at
/// most 32 or 128).
///
/// # Errors
/// [`Rule::Cidr`] for anything else.
pub fn cidr(s: &str) -> Result<(), Rule> {
    let (addr, prefix) = match s.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (s, None),
    };
    let ip: core::net::IpAddr = addr.parse().map_err(|_| Rule::Cidr)?;
    if let Some(p) = prefix {
        let max = if ip.is_ipv4() { 32 } else { 128 };
        let ok = !p.is_empty()
            && p.len() <= 3
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u8>().is_ok_and(|n| n <= max);
        if !ok {
            return Err(Rule::Cidr);
        }
    }
    Ok(())
}

/// A container image reference: `[REGISTRY/]REPOSITORY[:TAG][@DIGEST]`, at most 4096 bytes of
/// printable ASCII without white space, not starting with `-` (so it never reads as a flag).
/// Kubernetes itself checks only that it is not blank; the registry has the last word.
///
/// # Errors
/// [`Rule::Image`].
pub fn image(s: &str) -> Result<(), Rule> {
    let ok = !s.is_empty()
        && s.len() <= 4096
        && !s.starts_with(['-', '/', ':', '@'])
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._/:@".contains(&b));
    if ok { Ok(()) } else { Err(Rule::Image) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(dns1123_subdomain("basic-auth.v1").is_ok());
        assert!(dns1123_subdomain("Basic").is_err());
        assert!(dns1123_subdomain(&"a".repeat(254)).is_err());
        assert!(dns1123_label(&"a".repeat(63)).is_ok());
        assert!(dns1123_label(&"a".repeat(64)).is_err());
        assert!(dns1035_label("1svc").is_err());
        assert!(dns1123_label("1svc").is_ok());
        assert!(host("*.example.com").is_ok());
        assert_eq!(host("10.0.0.1"), Err(Rule::HostIsIp));
        assert_eq!(host("a.*.com"), Err(Rule::Host));
    }

    #[test]
    fn ports_and_paths() {
        assert!(port_name("http").is_ok());
        assert!(port_name("h--p").is_err());
        assert!(port_name("80").is_err());
        assert!(port_name("-http").is_err());
        assert!(path("/api/v1", PathType::Prefix).is_ok());
        assert!(path("/api/(.*)", PathType::Prefix).is_err());
        assert!(path("/api/(.*)", PathType::ImplementationSpecific).is_ok());
        assert!(path("api", PathType::ImplementationSpecific).is_err());
    }

    #[test]
    fn implementation_specific_paths_per_controller() {
        use PathType::ImplementationSpecific as Is;
        for ok in [
            "/api/(.*)",
            "/a{2}",
            "/x\\.y",
            "/^a$|b+?",
            "/a&b=c",
            "/a:b[0-9]*",
        ] {
            assert_eq!(path(ok, Is), Ok(()), "{ok}");
        }
        for bad in [
            "/a\"b", "/a'b", "/a`b", "/a#b", "/a b", "/a;b", "/a%22", "/a\tb", "api", "/é",
        ] {
            assert_eq!(path(bad, Is), Err(Rule::Path), "{bad}");
            for c in Controller::ALL {
                assert!(controller_path(c, bad, Is).is_err(), "{c} {bad}");
            }
        }
        assert_eq!(
            controller_path(Controller::NginxInc, "/a{2}", Is),
            Err(Rule::NginxIncPath)
        );
        assert_eq!(
            controller_path(Controller::NginxInc, "/a\\", Is),
            Err(Rule::NginxIncPath)
        );
        assert_eq!(controller_path(Controller::NginxInc, "/a\\.b", Is), Ok(()));
        assert_eq!(controller_path(Controller::Traefik, "/a{2}", Is), Ok(()));
        assert_eq!(controller_path(Controller::Haproxy, "/a{2}", Is), Ok(()));
        // Exact and Prefix: the strict rule for every controller.
        assert_eq!(
            controller_path(Controller::NginxInc, "/a(b)", PathType::Prefix),
            Err(Rule::StrictPath)
        );
    }

    #[test]
    fn auth_values() {
        assert!(realm("Authentication Required ").is_ok());
        assert!(realm("a\"b").is_err());
        assert!(auth_secret("ns/basic-auth").is_ok());
        assert!(auth_secret("ns/a/b").is_err());
        assert!(secret_key("alice.smith_1").is_ok());
        assert!(secret_key("..").is_err());
        assert!(username("alice smith").is_ok());
        assert!(username(" alice").is_err());
        assert!(username("#alice").is_err());
        assert!(username("a:b").is_err());
    }

    #[test]
    fn label_selectors() {
        assert_eq!(
            label_selector("app.kubernetes.io/name=web"),
            Ok(("app.kubernetes.io/name", "web"))
        );
        assert_eq!(label_selector("tier="), Ok(("tier", "")));
        assert!(label_selector("app").is_err());
        assert!(label_selector("-app=web").is_err());
        assert!(label_selector("app=web app").is_err());
        assert!(label_selector("Bad_Prefix/app=web").is_err());
    }
}
