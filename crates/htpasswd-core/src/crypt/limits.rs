//! Cost ceilings for checking stored hashes ([`CostLimits`]).

use super::error::HashParseError;
use super::hash::Hash;

/// The highest bcrypt cost checked by default.
pub const DEFAULT_MAX_BCRYPT_COST: u32 = 17;
/// The most SHA-crypt rounds checked by default.
pub const DEFAULT_MAX_SHA_CRYPT_ROUNDS: u32 = 10_000_000;
/// The most yescrypt memory (bytes) one check may take by default, and at most: 1 GiB.
pub const DEFAULT_MAX_YESCRYPT_MEMORY: u64 = super::yescrypt::MAX_MEMORY_BYTES;

/// The most argon2id memory (bytes) one check may take by default: 1 GiB.
pub const DEFAULT_MAX_ARGON2_MEMORY: u64 = 1 << 30;
/// The most argon2id passes (`t=`) checked by default.
pub const DEFAULT_MAX_ARGON2_TIME: u32 = 10;

/// Ceilings on the cost parameters of stored hashes.
///
/// The parameters of a stored hash set what one check costs, and a hostile (or mistaken) line
/// can ask for far more than any server would spend: a bcrypt `$2y$31$` line costs about 35 hours
/// per check, `$6$rounds=999999999$` about five minutes. [`CostLimits`] is the ceiling past which
/// [`Hash::parse_with_limits`](super::Hash::parse_with_limits) reports the entry as
/// [`HashParseError::TooCostly`] instead of letting it be checked; a check of such an entry
/// ([`check_stored_with_limits`](crate::htpasswd::check_stored_with_limits)) hashes the file's
/// decoy instead, so it takes the time of an ordinary check and never matches.
///
/// The defaults are above what any normal file holds and what the tools write:
///
/// | scheme      | default ceiling            | why                                                  |
/// |-------------|----------------------------|------------------------------------------------------|
/// | bcrypt      | cost 17                    | the highest Apache `htpasswd -C` writes (4..=17)     |
/// | SHA-crypt   | `rounds=` 10 000 000       | 2000x the default 5000; passlib's 656 000 fits       |
/// | yescrypt    | 1 GiB of memory (`jFT`)    | the highest cost libxcrypt's `crypt_gensalt` makes   |
/// | argon2id    | 1 GiB of memory, 10 passes | far above OWASP's 19 MiB x 2 and argon2-cffi's 64 MiB x 3 |
///
/// Schemes without a cost parameter (MD5-crypt, `{SHA}`, `{SSHA}`, DES, plaintext) have no
/// ceiling: their cost is fixed and small.
///
/// ```
/// use htpasswd_core::crypt::{CostLimits, Hash, HashParseError};
///
/// let costly = b"$2y$31$yR1cJJE11f97dkuXNcbzxObEYjl8Yj.7deJZz9izCvGTw4Mye3sMS";
/// assert!(matches!(Hash::parse(costly), Err(HashParseError::TooCostly { .. })));
/// // A caller that really means it raises the ceiling.
/// let raised = CostLimits::DEFAULT.with_bcrypt_cost(31);
/// assert!(Hash::parse_with_limits(costly, &raised).is_ok());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[must_use]
pub struct CostLimits {
    bcrypt_cost: u32,
    sha_crypt_rounds: u32,
    yescrypt_memory: u64,
    argon2_memory: u64,
    argon2_time: u32,
}

impl Default for CostLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl CostLimits {
    /// The defaults: bcrypt cost 17, SHA-crypt 10 000 000 rounds, yescrypt 1 GiB, argon2id
    /// 1 GiB and 10 passes.
    pub const DEFAULT: Self = Self {
        bcrypt_cost: DEFAULT_MAX_BCRYPT_COST,
        sha_crypt_rounds: DEFAULT_MAX_SHA_CRYPT_ROUNDS,
        yescrypt_memory: DEFAULT_MAX_YESCRYPT_MEMORY,
        argon2_memory: DEFAULT_MAX_ARGON2_MEMORY,
        argon2_time: DEFAULT_MAX_ARGON2_TIME,
    };

    /// No ceiling beyond what the schemes themselves allow (bcrypt 31, SHA-crypt 999 999 999
    /// rounds, yescrypt 1 GiB, argon2id none): for tools that must check whatever a file holds, whatever it
    /// costs.
    pub const UNBOUNDED: Self = Self {
        bcrypt_cost: super::bcrypt::MAX_COST,
        sha_crypt_rounds: super::sha_crypt::MAX_ROUNDS,
        yescrypt_memory: super::yescrypt::MAX_MEMORY_BYTES,
        argon2_memory: u64::MAX,
        argon2_time: u32::MAX,
    };

    /// The highest bcrypt cost checked (values above 31 act as 31).
    pub const fn with_bcrypt_cost(mut self, cost: u32) -> Self {
        self.bcrypt_cost = cost;
        self
    }

    /// The most SHA-crypt rounds checked (`rounds=` absent counts as 5000).
    pub const fn with_sha_crypt_rounds(mut self, rounds: u32) -> Self {
        self.sha_crypt_rounds = rounds;
        self
    }

    /// The most memory one yescrypt check may take, in bytes (128 x N x r); values above 1 GiB
    /// act as 1 GiB, which [`YescryptHash::parse`](super::yescrypt::YescryptHash::parse) never
    /// exceeds.
    pub const fn with_yescrypt_memory(mut self, bytes: u64) -> Self {
        self.yescrypt_memory = bytes;
        self
    }

    /// The most memory one argon2id check may take, in bytes (`m=` x 1024).
    pub const fn with_argon2_memory(mut self, bytes: u64) -> Self {
        self.argon2_memory = bytes;
        self
    }

    /// The most argon2id passes (`t=`) checked.
    pub const fn with_argon2_time(mut self, passes: u32) -> Self {
        self.argon2_time = passes;
        self
    }

    /// The most memory one argon2id check may take, in bytes.
    #[must_use]
    pub const fn argon2_memory(&self) -> u64 {
        self.argon2_memory
    }

    /// The most argon2id passes checked.
    #[must_use]
    pub const fn argon2_time(&self) -> u32 {
        self.argon2_time
    }

    /// The highest bcrypt cost checked.
    #[must_use]
    pub const fn bcrypt_cost(&self) -> u32 {
        self.bcrypt_cost
    }

    /// The most SHA-crypt rounds checked.
    #[must_use]
    pub const fn sha_crypt_rounds(&self) -> u32 {
        self.sha_crypt_rounds
    }

    /// The most memory one yescrypt check may take, in bytes.
    #[must_use]
    pub const fn yescrypt_memory(&self) -> u64 {
        self.yescrypt_memory
    }

    /// Whether checking a password against `hash` stays within these ceilings.
    ///
    /// # Errors
    /// [`HashParseError::TooCostly`] naming the scheme, its cost and the ceiling.
    pub fn admit(&self, hash: &Hash) -> Result<(), HashParseError> {
        let checks: [(&'static str, u64, u64); 2] = match hash {
            Hash::Bcrypt(h) => [("cost", u64::from(h.cost()), u64::from(self.bcrypt_cost)); 2],
            Hash::ShaCrypt(h) => {
                [(
                    "rounds",
                    u64::from(h.rounds().unwrap_or(super::sha_crypt::DEFAULT_ROUNDS)),
                    u64::from(self.sha_crypt_rounds),
                ); 2]
            }
            Hash::Yescrypt(h) => [("memory (bytes)", h.memory_bytes(), self.yescrypt_memory); 2],
            Hash::Argon2id(h) => [
                ("memory (bytes)", h.memory_bytes(), self.argon2_memory),
                (
                    "passes",
                    u64::from(h.params().time),
                    u64::from(self.argon2_time),
                ),
            ],
            _ => return Ok(()),
        };
        for (what, cost, max) in checks {
            if cost > max {
                return Err(HashParseError::TooCostly {
                    scheme: hash.scheme(),
                    what,
                    cost,
                    max,
                });
            }
        }
        Ok(())
    }
}
