//! The verdict cache: successful checks remembered under a keyed MAC of (user, password, stored
//! hash), bounded in entries, with a TTL.
//!
//! The MAC is HMAC-SHA256 under a 256-bit key drawn from the OS CSPRNG when the authenticator is
//! built and never leaving the process: a memory dump yields neither a password nor a digest
//! that a dictionary can be run against without that key. The stored hash is part of the MAC,
//! so a changed hash misses at once; reloads also purge the entries of users whose hash changed.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use hmac::{Hmac, KeyInit, Mac as _};
use sha2::Sha256;
use zeroize::Zeroize;

use super::bounded::BoundedMap;
use crate::crypt::RandomError;

/// A cache and singleflight key.
pub(crate) type Mac = [u8; 32];

/// Computes [`Mac`]s under the per-process key.
pub(crate) struct Keyer {
    /// Keyed once; each MAC clones this state (zeroized on drop by the `zeroize` feature).
    keyed: Hmac<Sha256>,
}

impl core::fmt::Debug for Keyer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Keyer { .. }")
    }
}

impl Keyer {
    /// A keyer with a fresh random key.
    pub(crate) fn random() -> Result<Self, RandomError> {
        let mut key = [0u8; 64];
        getrandom::fill(&mut key).map_err(RandomError::new)?;
        let keyed = <Hmac<Sha256> as KeyInit>::new(&key.into());
        key.zeroize();
        Ok(Self { keyed })
    }

    /// The MAC of (user, password, stored hash or "no such user"), each length-prefixed.
    pub(crate) fn mac(&self, user: &[u8], password: &[u8], stored: Option<&[u8]>) -> Mac {
        let mut mac = self.keyed.clone();
        for field in [Some(user), Some(password), stored] {
            match field {
                Some(bytes) => {
                    mac.update(&[1]);
                    mac.update(&(bytes.len() as u64).to_le_bytes());
                    mac.update(bytes);
                }
                None => mac.update(&[0]),
            }
        }
        mac.finalize().into_bytes().into()
    }
}

/// One remembered success.
#[derive(Debug)]
struct Entry {
    expires: Instant,
    /// The user and the stored hash the entry was made for, to purge it when they change.
    user: Arc<[u8]>,
    stored: Arc<[u8]>,
}

const SHARDS: usize = 16;

/// The cache, sharded by MAC so that checks on different cores rarely share a lock. `Debug`
/// shows the TTL and the entry count only.
pub(crate) struct Cache {
    ttl: Duration,
    shards: Vec<Mutex<BoundedMap<Mac, Entry>>>,
}

impl core::fmt::Debug for Cache {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Cache")
            .field("ttl", &self.ttl)
            .field("entries", &self.len())
            .finish_non_exhaustive()
    }
}

impl Cache {
    /// A cache of at most `max_entries` (spread over shards) living `ttl`; `None` when either is
    /// zero (no cache).
    pub(crate) fn new(ttl: Duration, max_entries: usize) -> Option<Self> {
        if ttl.is_zero() || max_entries == 0 {
            return None;
        }
        let per_shard = max_entries.div_ceil(SHARDS);
        Some(Self {
            ttl,
            shards: (0..SHARDS)
                .map(|_| Mutex::new(BoundedMap::new(per_shard)))
                .collect(),
        })
    }

    fn shard(&self, mac: &Mac) -> MutexGuard<'_, BoundedMap<Mac, Entry>> {
        self.shards[usize::from(mac[0]) % SHARDS]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether `mac` is a live success; an expired entry is dropped.
    pub(crate) fn hit(&self, mac: &Mac, now: Instant) -> bool {
        let mut shard = self.shard(mac);
        match shard.get(mac) {
            Some(entry) if entry.expires > now => true,
            Some(_) => {
                shard.remove(mac);
                false
            }
            None => false,
        }
    }

    /// Remembers a success.
    pub(crate) fn insert(&self, mac: Mac, user: Arc<[u8]>, stored: Arc<[u8]>, now: Instant) {
        let entry = Entry {
            expires: now + self.ttl,
            user,
            stored,
        };
        self.shard(&mac).insert(mac, entry);
    }

    /// Keeps the entries whose (user, stored hash) `current` still maps to, and that are live.
    pub(crate) fn purge(&self, current: impl Fn(&[u8]) -> Option<Arc<[u8]>>, now: Instant) {
        for shard in &self.shards {
            shard
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .retain(|_, e| {
                    e.expires > now
                        && current(&e.user)
                            .is_some_and(|s| Arc::ptr_eq(&s, &e.stored) || *s == *e.stored)
                });
        }
    }

    /// Forgets everything.
    pub(crate) fn clear(&self) {
        for shard in &self.shards {
            shard.lock().unwrap_or_else(PoisonError::into_inner).clear();
        }
    }

    /// Entries held (expired ones not yet dropped included).
    pub(crate) fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().unwrap_or_else(PoisonError::into_inner).len())
            .sum()
    }
}
