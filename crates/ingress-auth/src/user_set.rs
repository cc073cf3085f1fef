//! The users of a Secret, from `--user`, `--users-file`, `--password-stdin` and `--htpasswd`
//! (any mix), hashed into the library's `UserSet`, with the generated credentials kept apart
//! for stderr or `--credentials-file`.

use std::fs;
use std::io::{self, IsTerminal as _};
use std::path::PathBuf;

use htpasswd_cli_support::user_lines;
use htpasswd_core::crypt::Scheme;
use htpasswd_k8s::{Controller, HashScheme, K8sError, SecretType, UserSet};
use zeroize::{Zeroize as _, Zeroizing};

use crate::args::{DEFAULT_MAX_INPUT, UserArgs};
use crate::error::{Error, lib_error};
use crate::files::{read_input, read_text};
use crate::password::{self, Answer};
use crate::request::{accepted, secret_type_checked, usable_schemes};

/// The users and, separately, the generated credentials to hand back.
pub(crate) struct Users {
    /// The users, hashed.
    pub(crate) set: UserSet,
    /// The Secret shape, checked against the controller.
    pub(crate) secret_type: SecretType,
    /// `NAME:PASSWORD` of each generated password.
    pub(crate) generated: Vec<Zeroizing<String>>,
    /// Warnings for stderr.
    pub(crate) notices: Vec<Zeroizing<String>>,
    /// Where the generated passwords go instead of stderr.
    pub(crate) credentials_file: Option<PathBuf>,
}

/// The scheme and Secret shape for `controller`, checked before anything is hashed or printed.
pub(crate) fn users_plan(
    controller: Controller,
    args: &UserArgs,
) -> Result<(HashScheme, SecretType), Error> {
    if controller.takes_plaintext() {
        return plaintext_plan(controller, args);
    }
    let scheme = args.scheme.unwrap_or_else(|| controller.default_scheme());
    if !scheme.scheme().supported_by(controller.target()) {
        return Err(Error::input(format!(
            "--scheme {scheme}: {controller} cannot check {} hashes (it accepts: {}); use --scheme {}{}",
            scheme.scheme(),
            accepted(controller),
            usable_schemes(controller).join(" or --scheme "),
            auth_server_hint(controller, &[scheme.scheme()])
        )));
    }
    let secret_type = secret_type_checked(controller, args.secret_type)?;
    Ok((scheme, secret_type))
}

/// [`users_plan`] for a controller that takes each password in clear (Kong): no hash scheme or
/// Secret shape applies, and no htpasswd file can be used (it holds hashes).
fn plaintext_plan(
    controller: Controller,
    args: &UserArgs,
) -> Result<(HashScheme, SecretType), Error> {
    let why = format!(
        "{controller} takes each password in clear and stores its own hash (hex SHA-1 of the \
         password and the consumer's id)"
    );
    if let Some(scheme) = args.scheme {
        return Err(Error::input(format!(
            "--scheme {scheme}: {why}: no hash scheme applies"
        )));
    }
    if let Some(t) = args.secret_type {
        return Err(Error::input(format!(
            "--secret-type {}: {why}: its users are KongConsumers with one credential Secret \
             each",
            t.name()
        )));
    }
    if let Some(path) = args.htpasswd.first() {
        return Err(Error::input(format!(
            "--htpasswd {}: {why}, so it cannot take the hashes of an htpasswd file (nor can \
             their passwords be recovered from them): give the passwords (--user NAME, \
             --user NAME:PASSWORD, --users-file, --password-stdin), or keep the hashes with \
             --auth-server IMAGE (ingress-auth serve checks them) and a controller it is wired \
             to ({})",
            path.display(),
            crate::cmd::AUTH_SERVER_WIRED
        )));
    }
    Ok((
        controller.default_scheme(),
        controller.default_secret_type(),
    ))
}

/// The suggestion to let `ingress-auth serve` check hashes `controller` cannot: for the
/// controllers `--auth-server` wires, when the server's Secret shape takes every one of
/// `schemes`; empty otherwise.
pub(crate) fn auth_server_hint(controller: Controller, schemes: &[Scheme]) -> String {
    let wired = matches!(
        controller,
        Controller::Traefik | Controller::EnvoyGateway | Controller::Kgateway
    );
    let server = crate::cmd::AUTH_SERVER_SHAPE.target();
    if wired && schemes.iter().all(|s| s.supported_by(server)) {
        "; or give --auth-server IMAGE (and --namespace): ingress-auth serve, run in the \
         cluster, checks these hashes"
            .to_owned()
    } else {
        String::new()
    }
}

/// Reads and hashes the users of `args` for `controller`; the flags' passwords are wiped.
pub(crate) fn collect_users(mut args: UserArgs, controller: Controller) -> Result<Users, Error> {
    let (scheme, secret_type) = users_plan(controller, &args)?;
    if let Some(path) = &args.credentials_file
        && fs::symlink_metadata(path).is_ok()
    {
        return Err(Error::input(format!(
            "--credentials-file {}: already exists (it is never overwritten)",
            path.display()
        )));
    }
    refuse_passwords_in_logs(&args)?;
    // HTPASSWD_MD5_KERNEL (checked in main.rs) picks the kernel for apr1 and $1$ batches.
    let kernel = htpasswd_cli_support::md5_kernel_from_env().map_err(Error::input)?;
    let mut set = UserSet::new(controller).with_md5_kernel(kernel);
    let mut generated = Vec::new();
    let mut notices = Vec::new();
    let result = add_users(&mut args, scheme, &mut set, &mut generated, &mut notices);
    // The flags may hold passwords: wipe them whatever happened.
    for u in &mut args.users {
        u.zeroize();
    }
    result?;
    if set.is_empty() {
        return Err(Error::input(
            "no users: give --user, --users-file, --password-stdin with --user, or --htpasswd",
        ));
    }
    if generated.is_empty() && args.credentials_file.is_some() {
        return Err(Error::input(
            "--credentials-file: no password is generated (only --user NAME without :PASSWORD \
             generates one)",
        ));
    }
    Ok(Users {
        set,
        secret_type,
        generated,
        notices,
        credentials_file: args.credentials_file,
    })
}

/// Generated passwords go to stderr only where a person reads them: a terminal. Anywhere else
/// (a CI log, a file) they need --credentials-file or an explicit --show-passwords; checked
/// before any password is generated or anything printed.
fn refuse_passwords_in_logs(args: &UserArgs) -> Result<(), Error> {
    let generates = !args.password_stdin && args.users.iter().any(|u| !u.contains(':'));
    if generates
        && args.credentials_file.is_none()
        && !args.show_passwords
        && !io::stderr().is_terminal()
    {
        return Err(Error::input(
            "--user NAME: the generated password would be printed on stderr, which is not a \
             terminal (a log could keep it): give --credentials-file FILE, or --show-passwords \
             to print it anyway",
        ));
    }
    Ok(())
}

fn add_users(
    args: &mut UserArgs,
    scheme: HashScheme,
    set: &mut UserSet,
    generated: &mut Vec<Zeroizing<String>>,
    notices: &mut Vec<Zeroizing<String>>,
) -> Result<(), Error> {
    if args.password_stdin {
        let bare = args.users.iter().filter(|u| !u.contains(':')).count();
        if args.users.len() != 1 || bare != 1 {
            return Err(Error::input(
                "--password-stdin: needs exactly one --user NAME (without :PASSWORD)",
            ));
        }
    }
    let mut in_argv = false;
    for spec in &args.users {
        match spec.split_once(':') {
            Some((user, pw)) => {
                in_argv = true;
                set.add_password(user, pw.as_bytes(), scheme)
                    .map_err(|e| lib_error(Some("--user"), &e))?;
            }
            None if args.password_stdin => {
                // A terminal gets a prompt without echo; a pipe is read as it is.
                let pw = match password::read_password_for(spec)
                    .map_err(|e| e.into_error("--password-stdin"))?
                {
                    Answer::Password(pw) => pw,
                    // The library refuses it: "the password is empty".
                    Answer::Nothing => Zeroizing::new(Vec::new()),
                    Answer::MultiLine => {
                        return Err(Error::input(
                            "--password-stdin: the password must be a single line",
                        ));
                    }
                };
                set.add_password(spec, &pw, scheme)
                    .map_err(|e| lib_error(Some("--password-stdin"), &e))?;
            }
            None => {
                let pw = password::generate()
                    .map_err(|e| Error::io(format!("random number generator: {e}")))?;
                set.add_password(spec, pw.as_bytes(), scheme)
                    .map_err(|e| lib_error(Some("--user"), &e))?;
                generated.push(Zeroizing::new(format!("{spec}:{}", pw.as_str())));
            }
        }
    }
    if in_argv {
        notices.push(Zeroizing::new(
            "warning: passwords given with --user NAME:PASSWORD are visible to other local \
             users (ps); prefer --users-file or --password-stdin"
                .to_owned(),
        ));
    }
    for path in &args.users_file {
        let flag = format!("--users-file {}", path.display());
        let text = Zeroizing::new(read_text(path, "--users-file", DEFAULT_MAX_INPUT)?);
        // All lines are checked, then hashed in one batch (apr1: SIMD lanes on all cores).
        let mut users = Vec::new();
        let mut line_numbers = Vec::new();
        for line in user_lines(text.as_bytes()) {
            let line = line.map_err(|e| {
                Error::input(format!("{flag}: line {}: expected NAME:PASSWORD", e.number))
            })?;
            // The text is UTF-8 and the user ends before an ASCII ':': it is UTF-8 too.
            let user = std::str::from_utf8(line.user).map_err(|_| {
                Error::input(format!("{flag}: line {}: not UTF-8 text", line.number))
            })?;
            users.push((user, line.password));
            line_numbers.push(line.number);
        }
        set.add_passwords(&users, scheme).map_err(|(at, e)| {
            lib_error(Some(&format!("{flag}: line {}", line_numbers[at])), &e)
        })?;
    }
    for path in &args.htpasswd {
        let flag = format!("--htpasswd {}", path.display());
        let bytes = Zeroizing::new(read_input(path, "--htpasswd", DEFAULT_MAX_INPUT)?);
        let found = set.add_htpasswd(&bytes).map_err(|e| {
            let hint = match &e {
                K8sError::UnsupportedScheme { scheme, .. } => {
                    auth_server_hint(set.controller(), &[*scheme])
                }
                K8sError::UnsupportedLines { lines, .. } => {
                    let schemes: Vec<Scheme> = lines.iter().map(|l| l.2).collect();
                    auth_server_hint(set.controller(), &schemes)
                }
                _ => String::new(),
            };
            let mut err = lib_error(Some(&flag), &e);
            err.message.push_str(&hint);
            err
        })?;
        notices.extend(
            found
                .into_iter()
                .map(|n| Zeroizing::new(format!("warning: {flag}: {n}"))),
        );
    }
    Ok(())
}
