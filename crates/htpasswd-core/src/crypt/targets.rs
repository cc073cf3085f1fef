//! Which servers and ingress controllers can check which hash scheme.
//!
//! The table answers "will a login with this hash work there?" and is deliberately conservative:
//! a scheme is marked supported only where the target checks it on every platform it ships on.
//! Where support hangs on the C library (`crypt(3)`), the reason is given per entry. The
//! end-to-end tests (`tests/schemes_servers.rs`) run real Apache httpd and nginx and require every
//! scheme marked supported for [`Target::ApacheHttpd`] and [`Target::NginxLibxcrypt`] to log in.
//! Results and reasons: `docs/COMPATIBILITY.md`.
//!
//! ```
//! use htpasswd_core::crypt::{BcryptVersion, Scheme, Target};
//!
//! assert!(Scheme::Sha1.supported_by(Target::EnvoyGateway));
//! assert!(!Scheme::Apr1.supported_by(Target::EnvoyGateway));
//! assert!(!Scheme::Bcrypt(BcryptVersion::V2y).supported_by(Target::NginxGlibc));
//! assert!(Target::IngressNginx.supports(Scheme::Bcrypt(BcryptVersion::V2y)));
//! ```

use core::fmt;

use super::scheme::{BcryptVersion, Scheme};

/// A server or ingress controller that checks htpasswd hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Target {
    /// Apache httpd 2.4 on Unix (`mod_authn_file`, APR's `apr_password_validate`): `$apr1$`,
    /// `$2a$`/`$2y$` and `{SHA}` built in, everything else handed to the C library's `crypt()`.
    ApacheHttpd,
    /// nginx (`ngx_http_auth_basic_module`) on glibc's own libcrypt (glibc before 2.39 without
    /// libxcrypt: RHEL 7, Debian 10, Ubuntu 18.04): `$apr1$`, `{SHA}`, `{SSHA}`, `{PLAIN}` built
    /// in; `crypt()` knows `$1$`, `$5$`, `$6$` and DES but not bcrypt (a bcrypt user gets a 500).
    NginxGlibc,
    /// nginx on a glibc system whose `crypt()` is libxcrypt (Debian 11+, Ubuntu 20.04+, Fedora,
    /// RHEL 8+, the official nginx images): as [`Target::NginxGlibc`] plus all bcrypt versions.
    NginxLibxcrypt,
    /// ingress-nginx: nginx on Alpine, musl `crypt()` (`$1$`, `$2a/b/x/y$`, `$5$`, `$6$`, DES).
    IngressNginx,
    /// NGINX Inc's ingress controller (`nginx.org/basic-auth-secret`): nginx on Debian or UBI
    /// images, both libxcrypt.
    NginxIncIngress,
    /// Traefik v3 `basicAuth` middleware (Go, `go-http-auth`): `$apr1$`, `$1$`, `{SHA}` and
    /// bcrypt `$2a$`/`$2b$`/`$2y$` (Go computes `$2x$` like `$2b$`, wrong for 8-bit passwords).
    Traefik,
    /// Envoy Gateway `SecurityPolicy.basicAuth`: `{SHA}` only.
    EnvoyGateway,
    /// HAProxy (haproxytech kubernetes-ingress) `userlist`: `crypt(3)` `$1$`, `$5$`, `$6$`.
    HaproxyIngress,
    /// kgateway `TrafficPolicy.basicAuth` (Envoy's basic auth filter): `{SHA}` only.
    Kgateway,
    /// agentgateway `AgentgatewayPolicy.traffic.basicAuthentication` (Rust
    /// `htpasswd-verify-fork`): `$apr1$`, bcrypt `$2a$`/`$2b$`/`$2y$` (the `bcrypt` crate
    /// computes `$2x$` like `$2b$`), `{SHA}`, and anything else as DES crypt; no `$1$`, no
    /// SHA-crypt.
    Agentgateway,
    /// NGINX Gateway Fabric's `AuthenticationFilter` (`type: Basic`): nginx's
    /// `ngx_http_auth_basic_module` on its Alpine image (`build/Dockerfile.nginx`), musl
    /// `crypt()`, so as [`Target::IngressNginx`]; the `crypt()` part is unmeasured on NGF's own
    /// image.
    NginxGatewayFabric,
    /// Caddy 2.11+ `basic_auth` (Go): bcrypt `$2a$`/`$2b$`/`$2y$` and argon2id (`caddy
    /// hash-password --algorithm argon2id`); no `$apr1$`, SHA or yescrypt. Caddy before 2.11
    /// (Debian's 2.6) checks bcrypt only.
    Caddy,
    /// Kong Gateway's `basic-auth` plugin: it checks no htpasswd hash. Its credentials take the
    /// password in clear and Kong stores its own hash, hex SHA-1 of the password followed by
    /// the consumer's id (Kong/kong `kong/plugins/basic-auth/crypto.lua`, `daos.lua`), so no
    /// scheme is supported: only a password known in clear can become a Kong credential.
    Kong,
}

impl Target {
    /// Every target, in declaration order.
    pub const ALL: [Self; 13] = [
        Self::ApacheHttpd,
        Self::NginxGlibc,
        Self::NginxLibxcrypt,
        Self::IngressNginx,
        Self::NginxIncIngress,
        Self::Traefik,
        Self::EnvoyGateway,
        Self::HaproxyIngress,
        Self::Kgateway,
        Self::Agentgateway,
        Self::NginxGatewayFabric,
        Self::Caddy,
        Self::Kong,
    ];

    /// A short lower-case name: `apache-httpd`, `nginx-glibc`, `nginx-libxcrypt`,
    /// `ingress-nginx`, `nginx-inc-ingress`, `traefik`, `envoy-gateway`, `haproxy-ingress`,
    /// `kgateway`, `agentgateway`, `nginx-gateway-fabric`, `caddy`, `kong`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::ApacheHttpd => "apache-httpd",
            Self::NginxGlibc => "nginx-glibc",
            Self::NginxLibxcrypt => "nginx-libxcrypt",
            Self::IngressNginx => "ingress-nginx",
            Self::NginxIncIngress => "nginx-inc-ingress",
            Self::Traefik => "traefik",
            Self::EnvoyGateway => "envoy-gateway",
            Self::HaproxyIngress => "haproxy-ingress",
            Self::Kgateway => "kgateway",
            Self::Agentgateway => "agentgateway",
            Self::NginxGatewayFabric => "nginx-gateway-fabric",
            Self::Caddy => "caddy",
            Self::Kong => "kong",
        }
    }

    /// Whether this target can check a hash of `scheme`. [`Scheme::Unknown`] is supported by
    /// none, [`Scheme::Plaintext`] by none (Apache reads it only on Windows and NetWare),
    /// [`Scheme::Yescrypt`] by nginx on libxcrypt only, [`Scheme::Argon2id`] by Caddy only.
    /// This library's own checks (`HtpasswdFile::check`, the `Authenticator`, tower-htpasswd)
    /// take every scheme but [`Scheme::Unknown`], and are no target here.
    #[must_use]
    pub const fn supports(self, scheme: Scheme) -> bool {
        use BcryptVersion::{V2a, V2b, V2y};
        use Scheme as S;
        match self {
            // APR: $apr1$, $2a$/$2y$ (its own crypt_blowfish), {SHA}; the rest goes to crypt(),
            // where $1$, $5$, $6$ and DES exist on every Unix libc that matters; $2b$/$2x$ only
            // on libxcrypt and musl, so not promised.
            Self::ApacheHttpd => matches!(
                scheme,
                S::Apr1
                    | S::Md5Crypt
                    | S::Bcrypt(V2a | V2y)
                    | S::Sha256Crypt
                    | S::Sha512Crypt
                    | S::Sha1
                    | S::DesCrypt
            ),
            Self::NginxGlibc => matches!(
                scheme,
                S::Apr1
                    | S::Md5Crypt
                    | S::Sha256Crypt
                    | S::Sha512Crypt
                    | S::Sha1
                    | S::Ssha
                    | S::Plain
                    | S::DesCrypt
            ),
            // libxcrypt's crypt() also does yescrypt (measured: Debian 12's nginx 1.22.1).
            Self::NginxLibxcrypt if matches!(scheme, S::Yescrypt) => true,
            // musl has no yescrypt; NGINX Inc's UBI images may lack it: not promised.
            Self::NginxLibxcrypt
            | Self::IngressNginx
            | Self::NginxIncIngress
            | Self::NginxGatewayFabric => matches!(
                scheme,
                S::Apr1
                    | S::Md5Crypt
                    | S::Bcrypt(_)
                    | S::Sha256Crypt
                    | S::Sha512Crypt
                    | S::Sha1
                    | S::Ssha
                    | S::Plain
                    | S::DesCrypt
            ),
            Self::Traefik => matches!(
                scheme,
                S::Apr1 | S::Md5Crypt | S::Bcrypt(V2a | V2b | V2y) | S::Sha1
            ),
            Self::EnvoyGateway | Self::Kgateway => matches!(scheme, S::Sha1),
            Self::Agentgateway => {
                matches!(
                    scheme,
                    S::Apr1 | S::Bcrypt(V2a | V2b | V2y) | S::Sha1 | S::DesCrypt
                )
            }
            // musl would also do bcrypt and DES, but HAProxy documents crypt(3) SHA/MD5 only.
            Self::HaproxyIngress => {
                matches!(scheme, S::Md5Crypt | S::Sha256Crypt | S::Sha512Crypt)
            }
            Self::Caddy => matches!(scheme, S::Bcrypt(V2a | V2b | V2y) | S::Argon2id),
            // Kong takes the password in clear and hashes it itself: no hash is taken.
            Self::Kong => false,
        }
    }

    /// The schemes this target supports, in [`Scheme::ALL`] order.
    pub fn supported_schemes(self) -> impl Iterator<Item = Scheme> {
        Scheme::ALL.into_iter().filter(move |&s| self.supports(s))
    }
}

impl Scheme {
    /// Whether `target` can check a hash of this scheme ([`Target::supports`]).
    #[must_use]
    pub const fn supported_by(self, target: Target) -> bool {
        target.supports(self)
    }

    /// The targets that can check this scheme, in [`Target::ALL`] order.
    pub fn supporting_targets(self) -> impl Iterator<Item = Target> {
        Target::ALL.into_iter().filter(move |&t| t.supports(self))
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
