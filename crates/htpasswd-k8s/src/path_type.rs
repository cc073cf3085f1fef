//! How an Ingress path matches.

use core::fmt;

use crate::rule::Rule;

/// How ingress-nginx and Kubernetes match a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum PathType {
    /// The whole path, exactly.
    Exact,
    /// By `/`-separated prefix.
    Prefix,
    /// As the controller chooses (ingress-nginx: a prefix, or a regex with `use-regex`).
    ImplementationSpecific,
}

impl PathType {
    /// The name used in manifests.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Exact => "Exact",
            Self::Prefix => "Prefix",
            Self::ImplementationSpecific => "ImplementationSpecific",
        }
    }

    /// Parses the manifest name (case-sensitive, as the API server).
    ///
    /// # Errors
    /// [`Rule::PathType`] for anything else.
    pub fn parse(s: &str) -> Result<Self, Rule> {
        match s {
            "Exact" => Ok(Self::Exact),
            "Prefix" => Ok(Self::Prefix),
            "ImplementationSpecific" => Ok(Self::ImplementationSpecific),
            _ => Err(Rule::PathType),
        }
    }
}

impl fmt::Display for PathType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
