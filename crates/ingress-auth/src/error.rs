//! The one failure type of `ingress-auth`: why a run failed, with a message naming the flag and
//! the rule. The exit code is chosen in [`Failure::code`] and nowhere else (as uutils'
//! `UError::code`); no message contains a password.

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

#[cfg(test)]
mod tests {
    use super::Failure;

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
