//! The values of `--controller`/`--to`, `--scheme`, `--secret-type`, `--path-type` and
//! `--output`: the library's own types, parsed by one value parser over the library's lists
//! (`Controller::ALL`, `HashScheme::ALL`) or, where the library has no list, the values the
//! binary offers. Names come from the library (`Controller::name`, `HashScheme::name`,
//! `SecretType::name`, `PathType::as_str`); this module only adds the help shown for each value
//! in `--help`, the man pages and the completions. No enum here mirrors a library enum.

use std::ffi::OsStr;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::error::ErrorKind;
use clap::{Arg, Command};
use htpasswd_k8s::{Controller, Format, HashScheme, PathType, SecretType};

/// A value parser accepting exactly the names of `all`, in that order, and giving the library
/// value: it fails and offers the names as clap's `ValueEnum` parser does.
#[derive(Clone, Copy)]
pub(crate) struct Choices<T: 'static> {
    all: &'static [T],
    name: fn(T) -> &'static str,
    help: fn(T) -> Option<&'static str>,
}

impl<T: Copy> Choices<T> {
    fn possible(&self, value: T) -> PossibleValue {
        let possible = PossibleValue::new((self.name)(value));
        match (self.help)(value) {
            Some(help) => possible.help(help),
            None => possible,
        }
    }
}

impl<T: Copy + Send + Sync + 'static> TypedValueParser for Choices<T> {
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &Command,
        arg: Option<&Arg>,
        value: &OsStr,
    ) -> Result<Self::Value, clap::Error> {
        // clap's own parser over the same names makes the same error as a `ValueEnum`'s (which
        // shows a value that is not UTF-8 lossily, as here).
        let names = PossibleValuesParser::new(self.all.iter().map(|&v| self.possible(v)));
        let text = names.parse_ref(cmd, arg, OsStr::new(value.to_string_lossy().as_ref()))?;
        let ignore_case = arg.is_some_and(Arg::is_ignore_case_set);
        self.all
            .iter()
            .copied()
            .find(|&v| self.possible(v).matches(&text, ignore_case))
            .ok_or_else(|| clap::Error::new(ErrorKind::InvalidValue).with_cmd(cmd))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(self.all.iter().map(|&v| self.possible(v))))
    }
}

/// `--controller`, `--to`: every controller of the library.
pub(crate) fn controllers() -> Choices<Controller> {
    Choices {
        all: &Controller::ALL,
        name: Controller::name,
        help: |c| {
            Some(match c {
                Controller::IngressNginx => {
                    "ingress-nginx (nginx.ingress.kubernetes.io annotations)"
                }
                Controller::Traefik => "Traefik v3 (Middleware + router.middlewares annotation)",
                Controller::EnvoyGateway => {
                    "Envoy Gateway (SecurityPolicy on an HTTPRoute; {SHA} hashes only)"
                }
                Controller::NginxInc => "NGINX Inc's ingress controller (nginx.org annotations)",
                Controller::Haproxy => {
                    "HAProxy Technologies' kubernetes-ingress (haproxy.org annotations; crypt(3) \
                     hashes)"
                }
                Controller::Kgateway => {
                    "kgateway (TrafficPolicy on an HTTPRoute; {SHA} hashes only)"
                }
                Controller::Agentgateway => {
                    "agentgateway (AgentgatewayPolicy on an HTTPRoute; apr1, bcrypt, {SHA}, DES)"
                }
                Controller::NginxGatewayFabric => {
                    "NGINX Gateway Fabric (AuthenticationFilter named by the HTTPRoute's rules)"
                }
                Controller::GatewayApi => {
                    "Any Gateway API implementation with the experimental HTTPRoute ExternalAuth \
                     filter (no basic auth of its own: --auth-server only)"
                }
                Controller::Istio => {
                    "Istio (HTTPRoute + AuthorizationPolicy action CUSTOM on its Gateway; no basic \
                     auth of its own: --auth-server only)"
                }
                Controller::Kong => {
                    "Kong (KongPlugins basic-auth + acl named by konghq.com/plugins; a \
                     KongConsumer and a credential Secret per user; passwords in clear: no \
                     htpasswd input)"
                }
                // A controller added to the library is offered at once, without help.
                _ => return None,
            })
        },
    }
}

/// `--scheme`: every hash scheme of the library.
pub(crate) fn schemes() -> Choices<HashScheme> {
    Choices {
        all: &HashScheme::ALL,
        name: HashScheme::name,
        help: |s| {
            Some(match s {
                HashScheme::Apr1 => "$apr1$ (Apache MD5, what `openssl passwd -apr1` writes)",
                HashScheme::Bcrypt => "bcrypt $2y$, cost 5 (passwords up to 72 bytes)",
                HashScheme::Sha256 => "SHA-256-crypt $5$",
                HashScheme::Sha512 => "SHA-512-crypt $6$",
                HashScheme::Sha1 => "Unsalted {SHA} (weak)",
                HashScheme::Yescrypt => {
                    "yescrypt $y$, libxcrypt's cost 5 (nginx/Apache on libxcrypt; no ingress controller)"
                }
                HashScheme::Argon2id => {
                    "argon2id, 19 MiB, 2 passes (Caddy 2.11+; no ingress controller)"
                }
                _ => return None,
            })
        },
    }
}

/// `--secret-type`: the two Secret shapes (the library has no list of them).
pub(crate) fn secret_types() -> Choices<SecretType> {
    Choices {
        all: &[SecretType::AuthFile, SecretType::AuthMap],
        name: SecretType::name,
        help: |t| {
            Some(match t {
                SecretType::AuthFile => {
                    "One key holding the htpasswd file (auth, traefik users, envoy-gateway and \
                     kgateway .htpasswd, agentgateway .htaccess, nginx-inc htpasswd, nginx-gateway-fabric auth)"
                }
                SecretType::AuthMap => "One key per user",
                _ => return None,
            })
        },
    }
}

/// `--path-type`: the Ingress path types, by their manifest names.
pub(crate) fn path_types() -> Choices<PathType> {
    Choices {
        all: &[
            PathType::Prefix,
            PathType::Exact,
            PathType::ImplementationSpecific,
        ],
        name: PathType::as_str,
        help: |t| {
            Some(match t {
                PathType::Prefix => "Match by `/`-separated prefix",
                PathType::Exact => "Match the whole path",
                PathType::ImplementationSpecific => "As the controller chooses",
                _ => return None,
            })
        },
    }
}

/// `--output`: the manifest formats (the library names none: the names are the binary's).
pub(crate) fn formats() -> Choices<Format> {
    Choices {
        all: &[Format::Yaml, Format::Json],
        name: |f| match f {
            Format::Yaml => "yaml",
            Format::Json => "json",
            // Not in `all`: never offered.
            _ => "",
        },
        help: |f| {
            Some(match f {
                Format::Yaml => "YAML (documents separated by ---)",
                Format::Json => "JSON (several objects as a v1 List)",
                _ => return None,
            })
        },
    }
}

#[cfg(test)]
mod tests {
    use clap::builder::TypedValueParser as _;

    use super::*;

    /// Each parser offers its values in order and gives back the library value for each name.
    #[test]
    fn every_name_parses_to_its_library_value() {
        fn round_trip<T: Copy + PartialEq + core::fmt::Debug + Send + Sync>(
            choices: &Choices<T>,
        ) -> Vec<String> {
            let cmd = Command::new("t");
            let names: Vec<String> = choices
                .possible_values()
                .into_iter()
                .flatten()
                .map(|p| p.get_name().to_owned())
                .collect();
            for (name, &value) in names.iter().zip(choices.all) {
                let parsed = choices.parse_ref(&cmd, None, OsStr::new(name));
                assert_eq!(parsed.ok(), Some(value), "{name}");
            }
            assert!(choices.parse_ref(&cmd, None, OsStr::new("nope")).is_err());
            names
        }
        assert_eq!(
            round_trip(&controllers()),
            [
                "ingress-nginx",
                "traefik",
                "envoy-gateway",
                "nginx-inc",
                "haproxy",
                "kgateway",
                "agentgateway",
                "nginx-gateway-fabric",
                "gateway-api",
                "istio",
                "kong"
            ]
        );
        assert_eq!(
            round_trip(&schemes()),
            [
                "apr1", "bcrypt", "sha256", "sha512", "sha1", "yescrypt", "argon2id"
            ]
        );
        assert_eq!(round_trip(&secret_types()), ["auth-file", "auth-map"]);
        assert_eq!(
            round_trip(&path_types()),
            ["Prefix", "Exact", "ImplementationSpecific"]
        );
        assert_eq!(round_trip(&formats()), ["yaml", "json"]);
    }

    /// Every value the library has today carries help (a value without it would still parse).
    #[test]
    fn every_value_has_help() {
        let helps = |p: Option<Box<dyn Iterator<Item = PossibleValue> + '_>>| {
            p.into_iter()
                .flatten()
                .all(|v| v.get_help().is_some_and(|h| !h.to_string().is_empty()))
        };
        assert!(helps(controllers().possible_values()));
        assert!(helps(schemes().possible_values()));
        assert!(helps(secret_types().possible_values()));
        assert!(helps(path_types().possible_values()));
        assert!(helps(formats().possible_values()));
    }
}
