//! The rules a manifest value can break (the error of every check in `validate`, which
//! re-exports it).

use core::fmt;

/// A rule a value breaks. Display gives the rule in words, lower-case, without the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rule {
    /// DNS-1123 subdomain: object names.
    Dns1123Subdomain,
    /// DNS-1123 label: namespaces.
    Dns1123Label,
    /// DNS-1035 label: Service names.
    Dns1035Label,
    /// A lower-case DNS name, optionally `*.` first: Ingress hosts.
    Host,
    /// An IP address where a host name is required.
    HostIsIp,
    /// An absolute path with the characters ingress-nginx accepts for `Exact`/`Prefix`.
    StrictPath,
    /// An `Exact`/`Prefix` path with `//`, `/./` or `/../` inside or `/.` or `/..` at the end,
    /// which the Kubernetes API server refuses.
    PathSegments,
    /// An `ImplementationSpecific` path: `/`, then letters, digits, `-._~/:` and
    /// `^$[](){}*+?|&=\` (ingress-nginx's rule for regex paths).
    Path,
    /// An NGINX Inc `ImplementationSpecific` path: no `{` or `}`, no `\` at the end.
    NginxIncPath,
    /// `Exact`, `Prefix` or `ImplementationSpecific`.
    PathType,
    /// A port number 1-65535 or an IANA service name.
    Port,
    /// ingress-nginx `auth-realm`: `[/-._~a-zA-Z0-9: ]*`.
    Realm,
    /// ingress-nginx `auth-secret`: `[NAMESPACE/]NAME`.
    AuthSecret,
    /// A Secret data key: `[-._a-zA-Z0-9]+`, at most 253 characters, not `.` or `..`.
    SecretKey,
    /// An htpasswd user name: not empty, at most 255 bytes, no `:`, no control characters, no
    /// white space at either end, not starting with `#`.
    Username,
    /// kubectl's `host/path=service:port[,tls[=secret]]`.
    RuleSyntax,
    /// Must not be empty.
    NonEmpty,
    /// A label selector term: `KEY=VALUE`, the key a label key (optional DNS-1123 subdomain
    /// prefix and `/`, then at most 63 characters of letters, digits, `-`, `_`, `.`, starting and
    /// ending with a letter or digit), the value empty or of the same form.
    LabelSelector,
    /// `NAMESPACE/NAME`, where the controller's reference must name the namespace.
    QualifiedAuthSecret,
    /// An IP address or network: `ADDR[/PREFIX]`.
    Cidr,
    /// A container image reference.
    Image,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Dns1123Subdomain => {
                "must be a DNS-1123 subdomain: at most 253 characters of lower-case letters, digits, \
                 '-' and '.', starting and ending with a letter or digit"
            }
            Self::Dns1123Label => {
                "must be a DNS-1123 label: at most 63 characters of lower-case letters, digits and \
                 '-', starting and ending with a letter or digit"
            }
            Self::Dns1035Label => {
                "must be a DNS-1035 label: at most 63 characters of lower-case letters, digits and \
                 '-', starting with a letter and ending with a letter or digit"
            }
            Self::Host => {
                "must be a lower-case DNS name (a DNS-1123 subdomain), optionally starting with '*.'"
            }
            Self::HostIsIp => "must be a DNS name, not an IP address",
            Self::StrictPath => {
                "must start with '/' and contain only letters, digits and '-._~/' \
                 (ingress-nginx path rule for pathType Exact and Prefix)"
            }
            Self::PathSegments => {
                "must not contain '//', '/./' or '/../' nor end with '/.' or '/..' \
                 (Kubernetes API server rule for pathType Exact and Prefix)"
            }
            Self::Path => {
                "must start with '/' and contain only letters, digits, '-._~/:' and the regex \
                 characters '^$[](){}*+?|&=\\' (ingress-nginx path rule for pathType \
                 ImplementationSpecific)"
            }
            Self::NginxIncPath => {
                "must not contain '{' or '}' nor end with '\\' (NGINX Inc path rule for pathType \
                 ImplementationSpecific)"
            }
            Self::PathType => "must be one of Exact, Prefix, ImplementationSpecific",
            Self::Port => {
                "must be a port number from 1 to 65535 or a port name (at most 15 lower-case \
                 letters, digits and '-', with at least one letter, no '--', not starting or ending \
                 with '-')"
            }
            Self::Realm => {
                "may contain only letters, digits, spaces and '/-._~:' (ingress-nginx auth-realm rule)"
            }
            Self::AuthSecret => {
                "must be a Secret name (DNS-1123 subdomain), optionally prefixed by 'NAMESPACE/' \
                 (ingress-nginx auth-secret rule)"
            }
            Self::SecretKey => {
                "must be a Secret key: at most 253 characters of letters, digits, '-', '_' and '.', \
                 not '.' or '..'"
            }
            Self::Username => {
                "must be a user name of 1 to 255 bytes without ':', control characters, white space \
                 at either end or a leading '#'"
            }
            Self::RuleSyntax => "must be in kubectl's format host/path=service:port[,tls[=secret]]",
            Self::NonEmpty => "must not be empty",
            Self::QualifiedAuthSecret => {
                "must be NAMESPACE/NAME: traefik's router.middlewares annotation names the \
                 Middleware's namespace (give --namespace)"
            }
            Self::Cidr => "must be an IPv4 or IPv6 address, optionally with /PREFIX (e.g. 10.0.0.0/8)",
            Self::Image => {
                "must be a container image reference ([REGISTRY/]REPOSITORY[:TAG][@DIGEST]: \
                 letters, digits and '-._/:@', not starting with '-', '/', ':' or '@')"
            }
            Self::LabelSelector => {
                "must be KEY=VALUE with a label key ([PREFIX/]NAME, NAME at most 63 letters, \
                 digits, '-', '_' and '.', starting and ending with a letter or digit) and a label \
                 value (empty or of the same form as NAME)"
            }
        })
    }
}
