//! The one failure type of `ingress-auth`: why a run failed, with a message naming the flag and
//! the rule. The exit code is chosen in [`Failure::code`] and nowhere else (as uutils'
//! `UError::code`); no message contains a password. Library errors become [`Error`]s here,
//! with the flag each value came from ([`flag`]): the library validates, the binary names flags.

use htpasswd_k8s::{Field, K8sError};

/// How a run ended, when it did not succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// Bad flags or bad input (clap's usage errors too): exit 2.
    Input,
    /// A file, the output or the random number generator failed: exit 1.
    Io,
    /// `verify`: the password does not match: exit 3 (as `htpasswd -v`).
    Mismatch,
    /// `verify`: no such user: exit 6 (as `htpasswd -v`).
    NoSuchUser,
}

impl Failure {
    /// The exit code, chosen here and only here.
    pub(crate) fn code(self) -> u8 {
        match self {
            Self::Io => 1,
            Self::Input => 2,
            Self::Mismatch => 3,
            Self::NoSuchUser => 6,
        }
    }
}

/// An error to report: the message names the flag and the rule.
#[derive(Debug)]
pub(crate) struct Error {
    pub(crate) failure: Failure,
    pub(crate) message: String,
}

impl Error {
    /// Bad flags or input.
    pub(crate) fn input(message: impl Into<String>) -> Self {
        Self {
            failure: Failure::Input,
            message: message.into(),
        }
    }

    /// A file, the output or the random number generator failed.
    pub(crate) fn io(message: impl Into<String>) -> Self {
        Self {
            failure: Failure::Io,
            message: message.into(),
        }
    }

    /// The exit code of this error.
    pub(crate) fn code(&self) -> u8 {
        self.failure.code()
    }
}

/// The flag a library field came from.
fn flag(field: Field) -> &'static str {
    match field {
        Field::Name => "--name",
        Field::Namespace => "--namespace",
        Field::Host => "--host",
        Field::Path => "--path",
        Field::PathType => "--path-type",
        Field::Service => "--service",
        Field::Port => "--port",
        Field::IngressClass => "--class",
        Field::TlsSecret => "--tls-secret",
        Field::ClusterIssuer => "--cluster-issuer",
        Field::AuthSecret => "--auth-secret",
        Field::Realm => "--realm",
        Field::Username => "--user",
        Field::SecretKey => "--secret-type auth-map",
        Field::HttpRoute => "--httproute",
        Field::Gateway => "--gateway",
        Field::PodSelector => "--pod-selector",
        Field::ControllerNamespace => "--controller-namespace",
        Field::ControllerSelector => "--controller-selector",
        Field::TargetPort => "--target-port",
        Field::Image => "--auth-server",
        Field::TrustedProxy => "--trusted-proxy",
        // Rule and any later field: the rule flag.
        _ => "--rule",
    }
}

/// A library error as a message after `context` (a flag, or `-f FILE`), or, without one, an
/// invalid value after its field's flag: `--name: invalid name "X": ...`.
pub(crate) fn lib_error(context: Option<&str>, e: &K8sError) -> Error {
    let failure = match e {
        K8sError::Random(_) => Failure::Io,
        _ => Failure::Input,
    };
    let message = match (context, e) {
        (Some(c), _) => format!("{c}: {e}"),
        (None, K8sError::Invalid { field, .. }) => format!("{}: {e}", flag(*field)),
        (None, _) => e.to_string(),
    };
    Error { failure, message }
}

/// [`lib_error`] without a context.
pub(crate) fn k8s_err(e: K8sError) -> Error {
    lib_error(None, &e)
}

/// A library error from validating a request built from flags: an invalid value as its flag,
/// the value and the rule (`--host "A.com": must be ...`); any other error as [`k8s_err`].
pub(crate) fn flag_err(e: K8sError) -> Error {
    match e {
        K8sError::Invalid { field, value, rule } => {
            Error::input(format!("{} {value:?}: {rule}", flag(field)))
        }
        e => k8s_err(e),
    }
}

/// Refuses `flag` when `given` (a flag the controller or the other flags leave no use for).
pub(crate) fn refuse(given: bool, flag: &str, why: &str) -> Result<(), Error> {
    if given {
        Err(Error::input(format!("{flag}: {why}")))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use htpasswd_k8s::validate::Rule;
    use htpasswd_k8s::{Field, K8sError};

    use super::{Failure, flag_err, lib_error};

    fn invalid(field: Field) -> K8sError {
        K8sError::Invalid {
            field,
            value: "X".to_owned(),
            rule: Rule::Dns1123Subdomain,
        }
    }

    /// A value a request's validation refuses is named by its flag, in the two forms the
    /// messages have always had: flag + value + rule, or flag + the library's message.
    #[test]
    fn invalid_values_are_named_by_their_flag() {
        let rule = Rule::Dns1123Subdomain.to_string();
        let e = flag_err(invalid(Field::IngressClass));
        assert_eq!(e.message, format!("--class \"X\": {rule}"));
        assert_eq!(e.failure, Failure::Input);
        let e = lib_error(None, &invalid(Field::Name));
        assert_eq!(e.message, format!("--name: invalid name \"X\": {rule}"));
        let e = lib_error(Some("-f -"), &invalid(Field::Name));
        assert_eq!(e.message, format!("-f -: invalid name \"X\": {rule}"));
        let e = flag_err(K8sError::NoUsers);
        assert_eq!(e.message, "no users given");
        let pairs = [
            (Field::Host, "--host"),
            (Field::Path, "--path"),
            (Field::Service, "--service"),
            (Field::Port, "--port"),
            (Field::TlsSecret, "--tls-secret"),
            (Field::ClusterIssuer, "--cluster-issuer"),
            (Field::AuthSecret, "--auth-secret"),
            (Field::Realm, "--realm"),
            (Field::HttpRoute, "--httproute"),
            (Field::Rule, "--rule"),
        ];
        for (field, flag) in pairs {
            assert!(
                flag_err(invalid(field))
                    .message
                    .starts_with(&format!("{flag} "))
            );
        }
    }

    /// The codes are those of the man page and of `htpasswd -v` (3 mismatch, 6 no such user).
    #[test]
    fn exit_codes_are_the_documented_ones() {
        let codes = [
            Failure::Io,
            Failure::Input,
            Failure::Mismatch,
            Failure::NoSuchUser,
        ]
        .map(Failure::code);
        assert_eq!(codes, [1, 2, 3, 6]);
    }
}
