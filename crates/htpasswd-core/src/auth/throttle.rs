//! The guessing throttle: failed checks counted per client address and per (user, address), each
//! in a window; a source that reaches its limit is backed off, exponentially on repeat, and its
//! attempts are refused without hashing until the back-off ends.
//!
//! A flood against one user from one address backs off that (user, address) pair and that
//! address, never the user from elsewhere: there is deliberately no per-user-only counter, which
//! would let anyone lock any user out.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::net::IpAddr;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::bounded::BoundedMap;

/// How many failures a source may have within a window before it is backed off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Failures allowed within `window`; the one that reaches this number starts a back-off.
    pub failures: u32,
    /// The window the failures are counted in; the count restarts when it has passed.
    pub window: Duration,
}

/// Settings of the guessing throttle ([`AuthenticatorBuilder::throttle`](super::AuthenticatorBuilder::throttle)).
///
/// The defaults (on):
///
/// | setting | default |
/// |---|---|
/// | per client address | 10 failures per 60 s |
/// | per (user, client address) | 5 failures per 60 s |
/// | first back-off, doubled on each repeat | 60 s |
/// | longest back-off | 1 hour |
/// | a source's repeat count is forgotten after | a longest back-off without failure |
/// | sources tracked (oldest forgotten first) | 65 536 per table |
/// | IPv6 addresses grouped by prefix | /64 |
///
/// A successful check clears its (user, address) count; it does not clear the address count
/// (one known account must not reset the counter for guessing others).
///
/// ```
/// use std::time::Duration;
/// use htpasswd_core::ThrottleConfig;
///
/// let strict = ThrottleConfig::default()
///     .per_address(20, Duration::from_secs(60))
///     .per_user_address(3, Duration::from_secs(300))
///     .backoff(Duration::from_secs(30), Duration::from_secs(3600));
/// assert!(strict.is_enabled());
/// assert!(!ThrottleConfig::disabled().is_enabled());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleConfig {
    enabled: bool,
    per_address: Limit,
    per_user_address: Limit,
    base_backoff: Duration,
    max_backoff: Duration,
    max_tracked: usize,
    ipv6_prefix: u8,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            per_address: Limit {
                failures: 10,
                window: Duration::from_secs(60),
            },
            per_user_address: Limit {
                failures: 5,
                window: Duration::from_secs(60),
            },
            base_backoff: Duration::from_secs(60),
            max_backoff: Duration::from_secs(3600),
            max_tracked: 65_536,
            ipv6_prefix: 64,
        }
    }
}

impl ThrottleConfig {
    /// No throttle: every attempt is checked.
    #[must_use]
    pub fn disabled() -> Self {
        Self {
            enabled: false,
            ..Self::default()
        }
    }

    /// Whether the throttle is on.
    #[must_use]
    pub const fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// Failures allowed per client address within `window` (`failures` 0 is taken as 1).
    #[must_use]
    pub fn per_address(mut self, failures: u32, window: Duration) -> Self {
        self.per_address = Limit {
            failures: failures.max(1),
            window,
        };
        self
    }

    /// Failures allowed per (user, client address) within `window` (`failures` 0 is taken as 1).
    #[must_use]
    pub fn per_user_address(mut self, failures: u32, window: Duration) -> Self {
        self.per_user_address = Limit {
            failures: failures.max(1),
            window,
        };
        self
    }

    /// The first back-off, doubled on each repeat up to `max`.
    #[must_use]
    pub fn backoff(mut self, first: Duration, max: Duration) -> Self {
        self.base_backoff = first;
        self.max_backoff = max.max(first);
        self
    }

    /// How many sources each table tracks (the oldest are forgotten first; at least 16).
    #[must_use]
    pub fn max_tracked(mut self, sources: usize) -> Self {
        self.max_tracked = sources.max(16);
        self
    }

    /// IPv6 clients are counted per network of this prefix length (0 to 128; default 64, since
    /// one host commonly holds a whole /64).
    #[must_use]
    pub fn ipv6_prefix(mut self, bits: u8) -> Self {
        self.ipv6_prefix = bits.min(128);
        self
    }

    /// The per-address limit.
    #[must_use]
    pub const fn address_limit(&self) -> Limit {
        self.per_address
    }

    /// The per-(user, address) limit.
    #[must_use]
    pub const fn user_address_limit(&self) -> Limit {
        self.per_user_address
    }
}

/// Failures of one source.
#[derive(Debug)]
struct Tracker {
    failures: u32,
    window_start: Instant,
    blocked_until: Option<Instant>,
    /// Back-offs so far (the next one lasts `base * 2^strikes`).
    strikes: u32,
    last_failure: Instant,
}

impl Tracker {
    fn new(now: Instant) -> Self {
        Self {
            failures: 0,
            window_start: now,
            blocked_until: None,
            strikes: 0,
            last_failure: now,
        }
    }

    fn blocked(&self, now: Instant) -> Option<Duration> {
        self.blocked_until
            .and_then(|until| until.checked_duration_since(now))
            .filter(|left| !left.is_zero())
    }

    fn fail(&mut self, limit: Limit, config: &ThrottleConfig, now: Instant) {
        if self.blocked(now).is_some() {
            return;
        }
        if now.saturating_duration_since(self.last_failure) >= config.max_backoff {
            self.strikes = 0;
        }
        if self.blocked_until.take().is_some()
            || now.saturating_duration_since(self.window_start) >= limit.window
        {
            self.failures = 0;
            self.window_start = now;
        }
        self.last_failure = now;
        self.failures += 1;
        if self.failures >= limit.failures {
            let factor = 1u32.checked_shl(self.strikes).unwrap_or(u32::MAX);
            let backoff = config
                .base_backoff
                .saturating_mul(factor)
                .min(config.max_backoff);
            self.blocked_until = Some(now + backoff);
            self.strikes = self.strikes.saturating_add(1);
            self.failures = 0;
        }
    }
}

/// A client address as counted: IPv4 (IPv4-mapped IPv6 included) whole, IPv6 by prefix.
type AddrKey = IpAddr;
/// A keyed hash of the user name (no user names kept) and the address.
type PairKey = (u64, AddrKey);

struct Shard {
    addresses: BoundedMap<AddrKey, Tracker>,
    pairs: BoundedMap<PairKey, Tracker>,
}

const SHARDS: usize = 16;

/// The throttle's tables, sharded by address.
pub(crate) struct Throttle {
    config: ThrottleConfig,
    shards: Vec<Mutex<Shard>>,
    users: RandomState,
}

impl core::fmt::Debug for Throttle {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Throttle")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// A source to count: the hashed user and the address key.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Source {
    user: u64,
    addr: AddrKey,
}

impl Throttle {
    pub(crate) fn new(config: ThrottleConfig) -> Self {
        let per_shard = (config.max_tracked / SHARDS).max(1);
        Self {
            config,
            shards: (0..SHARDS)
                .map(|_| {
                    Mutex::new(Shard {
                        addresses: BoundedMap::new(per_shard),
                        pairs: BoundedMap::new(per_shard),
                    })
                })
                .collect(),
            users: RandomState::new(),
        }
    }

    pub(crate) fn source(&self, user: &[u8], client: IpAddr) -> Source {
        let addr = match client.to_canonical() {
            IpAddr::V4(v4) => IpAddr::V4(v4),
            IpAddr::V6(v6) => {
                let bits = u128::from(v6);
                let prefix = u32::from(self.config.ipv6_prefix);
                let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
                IpAddr::V6((bits & mask).into())
            }
        };
        Source {
            user: self.users.hash_one(user),
            addr,
        }
    }

    fn shard(&self, source: &Source) -> MutexGuard<'_, Shard> {
        let i = (self.users.hash_one(source.addr) as usize) % SHARDS;
        self.shards[i]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// How long `source` is still backed off, if it is.
    pub(crate) fn blocked(&self, source: &Source, now: Instant) -> Option<Duration> {
        if !self.config.enabled {
            return None;
        }
        let shard = self.shard(source);
        let by_addr = shard
            .addresses
            .get(&source.addr)
            .and_then(|t| t.blocked(now));
        let by_pair = shard
            .pairs
            .get(&(source.user, source.addr))
            .and_then(|t| t.blocked(now));
        by_addr.max(by_pair)
    }

    /// Counts a failed attempt of `source`.
    pub(crate) fn failure(&self, source: &Source, now: Instant) {
        if !self.config.enabled {
            return;
        }
        let config = &self.config;
        let mut shard = self.shard(source);
        shard
            .addresses
            .get_or_insert_with(&source.addr, || Tracker::new(now))
            .fail(config.per_address, config, now);
        shard
            .pairs
            .get_or_insert_with(&(source.user, source.addr), || Tracker::new(now))
            .fail(config.per_user_address, config, now);
    }

    /// Counts a successful attempt of `source`: its (user, address) count is cleared, unless it
    /// is backed off.
    pub(crate) fn success(&self, source: &Source, now: Instant) {
        if !self.config.enabled {
            return;
        }
        // Called for every cache hit: one uncontended shard lock, and a lookup.
        let mut shard = self.shard(source);
        let key = (source.user, source.addr);
        if shard
            .pairs
            .get(&key)
            .is_some_and(|t| t.blocked(now).is_none())
        {
            shard.pairs.remove(&key);
        }
    }

    /// Sources tracked, over both tables.
    pub(crate) fn tracked(&self) -> usize {
        self.shards
            .iter()
            .map(|s| {
                let s = s.lock().unwrap_or_else(PoisonError::into_inner);
                s.addresses.len() + s.pairs.len()
            })
            .sum()
    }
}
