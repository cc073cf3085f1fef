//! Errors of the manifest builders. No message ever holds a password or a password hash.

use core::fmt;

use crate::controller::Controller;
use crate::rule::Rule;
use htpasswd_core::crypt::{GenerateError, RandomError, Scheme, Target};

/// Which input a value came from, so that a front end can name its own flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Field {
    /// The object name (Secret or Ingress).
    Name,
    /// The namespace.
    Namespace,
    /// An Ingress rule host.
    Host,
    /// An Ingress rule path.
    Path,
    /// An Ingress rule path type.
    PathType,
    /// A backend Service name.
    Service,
    /// A backend Service port.
    Port,
    /// A whole kubectl-style rule.
    Rule,
    /// The IngressClass name.
    IngressClass,
    /// A TLS Secret name.
    TlsSecret,
    /// The cert-manager ClusterIssuer name.
    ClusterIssuer,
    /// The `auth-secret` annotation value.
    AuthSecret,
    /// The `auth-realm` annotation value.
    Realm,
    /// An htpasswd user name.
    Username,
    /// A user name used as an auth-map Secret key.
    SecretKey,
    /// The HTTPRoute a SecurityPolicy targets.
    HttpRoute,
    /// The Gateway an HTTPRoute attaches to.
    Gateway,
    /// A NetworkPolicy backend pod selector term.
    PodSelector,
    /// The controller's namespace (NetworkPolicy).
    ControllerNamespace,
    /// A NetworkPolicy controller pod selector term.
    ControllerSelector,
    /// The backend pods' port (NetworkPolicy).
    TargetPort,
    /// The auth server's container image.
    Image,
    /// A network the auth server trusts to name the client (`--trusted-proxy`).
    TrustedProxy,
}

impl Field {
    /// A lower-case name for messages.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Namespace => "namespace",
            Self::Host => "host",
            Self::Path => "path",
            Self::PathType => "path type",
            Self::Service => "service",
            Self::Port => "port",
            Self::Rule => "rule",
            Self::IngressClass => "ingress class",
            Self::TlsSecret => "tls secret",
            Self::ClusterIssuer => "cluster issuer",
            Self::AuthSecret => "auth secret",
            Self::Realm => "realm",
            Self::Username => "user name",
            Self::SecretKey => "auth-map key",
            Self::HttpRoute => "httproute",
            Self::Gateway => "gateway",
            Self::PodSelector => "pod selector",
            Self::ControllerNamespace => "controller namespace",
            Self::ControllerSelector => "controller selector",
            Self::TargetPort => "target port",
            Self::Image => "auth server image",
            Self::TrustedProxy => "trusted proxy",
        }
    }
}

/// What went wrong building, reading or editing manifests.
#[derive(Debug)]
#[non_exhaustive]
pub enum K8sError {
    /// A value breaks a Kubernetes or controller rule.
    Invalid {
        /// Where the value came from.
        field: Field,
        /// The value, quoted in messages (never a password).
        value: String,
        /// The rule it breaks.
        rule: Rule,
    },
    /// The same user was given twice.
    DuplicateUser {
        /// The user name.
        user: String,
    },
    /// A password given in clear is empty.
    EmptyPassword {
        /// The user name.
        user: String,
    },
    /// A password given in clear cannot be kept as it is for a controller that takes it so
    /// (Kong); the password is never quoted.
    InvalidPassword {
        /// The user name.
        user: String,
        /// What is wrong with it (never the value).
        reason: &'static str,
    },
    /// No users were given for a Secret.
    NoUsers,
    /// A user's hash uses a scheme the target controller cannot check.
    UnsupportedScheme {
        /// The user name.
        user: String,
        /// The scheme of the hash.
        scheme: Scheme,
        /// The controller.
        target: Target,
    },
    /// Lines of an htpasswd file whose hashes the target controller cannot check (the hashes
    /// are never quoted).
    UnsupportedLines {
        /// The controller.
        target: Target,
        /// `(1-based line, user, scheme)` of every such line.
        lines: Vec<(usize, String, Scheme)>,
    },
    /// The input cannot be migrated as it is.
    Migrate {
        /// Why.
        what: String,
    },
    /// A path cannot be served without auth (`--no-auth-path`) as asked.
    NoAuthPath {
        /// The exempt path.
        path: String,
        /// Why.
        reason: String,
    },
    /// The controller has no such thing (for example Envoy Gateway and Ingress annotations).
    Unsupported {
        /// The controller.
        controller: Controller,
        /// What it does not have.
        what: &'static str,
    },
    /// A line of an htpasswd file is neither `user:hash`, a comment nor blank (the line itself
    /// is not quoted: it may hold a password).
    InvalidHtpasswdLine {
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The Secret's data would exceed Kubernetes' 1 MiB limit.
    SecretTooLarge {
        /// Bytes of data it would hold.
        size: usize,
    },
    /// Hashing a password failed (random salt, bcrypt's 72-byte limit).
    Hash(GenerateError),
    /// The OS random number generator failed.
    Random(RandomError),
    /// The input is not valid YAML or JSON.
    Parse {
        /// The parser's message (positions only; input text is not echoed).
        message: String,
    },
    /// Writing YAML or JSON failed.
    Serialize {
        /// The serialiser's message.
        message: String,
    },
    /// A document has an unexpected shape.
    Shape {
        /// 1-based document number in the stream.
        document: usize,
        /// What is wrong.
        what: String,
    },
    /// The input holds no Ingress (or none with the requested name).
    NoIngress {
        /// The requested name, if any.
        name: Option<String>,
    },
    /// The input holds no Secret (or none with the requested name).
    NoSecret {
        /// The requested name, if any.
        name: Option<String>,
    },
    /// The input holds several Secrets and no name was given to choose one.
    SeveralSecrets {
        /// Their names.
        names: Vec<String>,
    },
    /// A user's hash, read from input, is not a hash (white space or control characters, or
    /// not of the form of any scheme); the hash itself is never quoted.
    InvalidHash {
        /// The user name.
        user: String,
        /// What is wrong with it (never the value).
        reason: String,
    },
    /// A Secret's data is not what an auth Secret holds.
    SecretData {
        /// What is wrong.
        what: String,
    },
}

/// Escapes, in text bound for a terminal, every character that Rust's `{:?}` escapes except
/// quotes and backslashes: control characters (escape sequences), bidirectional overrides and
/// other invisible characters. Text already written with `{:?}` passes unchanged.
pub(crate) fn escape_controls(text: &str, f: &mut impl fmt::Write) -> fmt::Result {
    for c in text.chars() {
        if matches!(c, '"' | '\\' | '\'') || c.escape_debug().nth(1).is_none() {
            f.write_char(c)?;
        } else {
            write!(f, "{}", c.escape_debug())?;
        }
    }
    Ok(())
}

impl fmt::Display for K8sError {
    /// The message, with any control or invisible character that input smuggled into it
    /// escaped (values are quoted with `{:?}` already; this is the net under the rest).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        escape_controls(&Message(self).to_string(), f)
    }
}

/// The message of a [`K8sError`] before escaping.
struct Message<'a>(&'a K8sError);

impl fmt::Display for Message<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            K8sError::Invalid { field, value, rule } => {
                write!(f, "invalid {} {value:?}: {rule}", field.name())
            }
            K8sError::DuplicateUser { user } => write!(f, "user {user:?} is given more than once"),
            K8sError::EmptyPassword { user } => write!(f, "user {user:?}: the password is empty"),
            K8sError::InvalidPassword { user, reason } => {
                write!(f, "user {user:?}: the password {reason}")
            }
            K8sError::NoUsers => f.write_str("no users given"),
            K8sError::UnsupportedScheme {
                user,
                scheme,
                target,
            } => {
                let accepted: Vec<&str> = target.supported_schemes().map(Scheme::name).collect();
                write!(
                    f,
                    "user {user:?}: {} cannot check {scheme} hashes (it accepts: {})",
                    target.name(),
                    accepted.join(", ")
                )
            }
            K8sError::UnsupportedLines { target, lines } => {
                let each: Vec<String> = lines
                    .iter()
                    .map(|(n, user, scheme)| {
                        format!(
                            "line {n}: user {user:?}: {} cannot check {scheme} hashes",
                            target.name()
                        )
                    })
                    .collect();
                let accepted: Vec<&str> = target.supported_schemes().map(Scheme::name).collect();
                write!(
                    f,
                    "{} (it accepts: {})",
                    each.join("; "),
                    accepted.join(", ")
                )
            }
            K8sError::Migrate { what } => write!(f, "cannot migrate: {what}"),
            K8sError::NoAuthPath { path, reason } => {
                write!(f, "path {path:?} cannot be served without auth: {reason}")
            }
            K8sError::Unsupported { controller, what } => {
                write!(f, "{controller} has no {what}")
            }
            K8sError::InvalidHtpasswdLine { line, reason } => {
                write!(f, "htpasswd line {line}: {reason}")
            }
            K8sError::SecretTooLarge { size } => write!(
                f,
                "the Secret would hold {size} bytes of data; Kubernetes allows at most 1048576 (1 MiB)"
            ),
            K8sError::Hash(e) => write!(f, "cannot hash password: {e}"),
            K8sError::Random(e) => write!(f, "random number generator: {e}"),
            K8sError::Parse { message } => write!(f, "cannot parse input: {message}"),
            K8sError::Serialize { message } => write!(f, "cannot write output: {message}"),
            K8sError::Shape { document, what } => write!(f, "document {document}: {what}"),
            K8sError::NoIngress { name: None } => f.write_str("no Ingress in the input"),
            K8sError::NoIngress { name: Some(n) } => {
                write!(f, "no Ingress named {n:?} in the input")
            }
            K8sError::NoSecret { name: None } => f.write_str("no Secret in the input"),
            K8sError::NoSecret { name: Some(n) } => write!(f, "no Secret named {n:?} in the input"),
            K8sError::SeveralSecrets { names } => {
                let names: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
                write!(
                    f,
                    "the input holds several Secrets ({}); choose one by name",
                    names.join(", ")
                )
            }
            K8sError::InvalidHash { user, reason } => {
                write!(f, "user {user:?}: the hash is not usable: {reason}")
            }
            K8sError::SecretData { what } => write!(f, "not an auth Secret: {what}"),
        }
    }
}

impl std::error::Error for K8sError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Random(e) => Some(e),
            Self::Hash(e) => Some(e),
            _ => None,
        }
    }
}

impl From<GenerateError> for K8sError {
    fn from(e: GenerateError) -> Self {
        Self::Hash(e)
    }
}

impl From<RandomError> for K8sError {
    fn from(e: RandomError) -> Self {
        Self::Random(e)
    }
}

/// Checks `value` with `check`, naming `field` in the error.
pub(crate) fn check(
    field: Field,
    value: &str,
    check: impl FnOnce(&str) -> Result<(), Rule>,
) -> Result<(), K8sError> {
    check(value).map_err(|rule| K8sError::Invalid {
        field,
        value: value.to_owned(),
        rule,
    })
}
