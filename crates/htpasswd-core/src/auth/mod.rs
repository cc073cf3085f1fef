//! Checking passwords at serving time: [`Authenticator`] (documented there, since this module is
//! private and re-exported at the crate root).

mod bounded;
mod cache;
mod flight;
mod pool;
mod snapshot;
mod throttle;

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::collections::HashMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock, Weak, mpsc};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use zeroize::Zeroizing;

use self::cache::{Cache, Keyer, Mac};
use self::flight::{Flight, Outcome};
use self::pool::{Permit, Pool};
use self::snapshot::{Identity, Snapshot};
use self::throttle::Throttle;
use crate::crypt::CostLimits;
use crate::crypt::RandomError;
use crate::htpasswd::{HtpasswdFile, check_stored_with_limits};

pub use self::snapshot::LoadError;
pub use self::throttle::{Limit, ThrottleConfig};

/// What [`Authenticator::check`] decided.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[must_use]
pub enum Decision {
    /// The password matches the user's stored hash.
    Allowed {
        /// The user name, as given (and as in the file).
        user: Vec<u8>,
    },
    /// Unknown user, unusable stored hash, wrong password, or credentials over the length
    /// limit: deliberately not told apart.
    Denied,
    /// The hash pool's queue is full: nothing was checked. Try again after `retry_after`.
    Busy {
        /// A hint for `Retry-After`.
        retry_after: Duration,
    },
    /// Too many failures from this client address, or for this user from it: nothing was
    /// checked. The back-off ends after `retry_after`.
    Throttled {
        /// When the back-off ends.
        retry_after: Duration,
    },
}

impl Decision {
    /// Whether the check allowed the request.
    #[must_use]
    pub const fn is_allowed(&self) -> bool {
        matches!(self, Self::Allowed { .. })
    }

    /// For [`Busy`](Self::Busy) and [`Throttled`](Self::Throttled): how long to wait.
    #[must_use]
    pub const fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Busy { retry_after } | Self::Throttled { retry_after } => Some(*retry_after),
            Self::Allowed { .. } | Self::Denied => None,
        }
    }
}

/// Counters of an authenticator since it was built ([`Authenticator::stats`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct AuthStats {
    /// Password hashes run (decoys included).
    pub hashes: u64,
    /// Checks answered from the cache.
    pub cache_hits: u64,
    /// Checks that waited for an identical check's hash instead of running their own.
    pub joined: u64,
    /// Checks answered [`Decision::Busy`].
    pub busy: u64,
    /// Checks answered [`Decision::Throttled`].
    pub throttled: u64,
    /// Entries in the cache now.
    pub cached: usize,
    /// Sources (addresses and (user, address) pairs) the throttle tracks now.
    pub throttle_tracked: usize,
}

/// The state of the reloads ([`Authenticator::reload_status`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ReloadStatus {
    /// Successful loads, the first one included.
    pub loads: u64,
    /// Loads refused (the file could not be read, or did not parse); each distinct bad version
    /// of the file counts once.
    pub failures: u64,
    /// Why the latest refused load was refused, until a load succeeds.
    pub last_error: Option<LoadError>,
    /// When the snapshot in force was loaded.
    pub loaded_at: Option<SystemTime>,
    /// Users in the snapshot in force (each user once, duplicates aside).
    pub users: usize,
}

/// Why [`AuthenticatorBuilder::build`] failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// Neither [`file`](AuthenticatorBuilder::file) nor [`bytes`](AuthenticatorBuilder::bytes)
    /// was given.
    NoSource,
    /// The file could not be loaded (and [`allow_missing`](AuthenticatorBuilder::allow_missing)
    /// was not set, or the file exists but is invalid).
    Load(LoadError),
    /// The OS random generator (for the cache key) failed.
    Random(RandomError),
    /// A worker or reload thread could not be started.
    Thread(std::io::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoSource => f.write_str("no htpasswd file or bytes were given"),
            Self::Load(e) => e.fmt(f),
            Self::Random(e) => e.fmt(f),
            Self::Thread(e) => write!(f, "cannot start a thread: {e}"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::NoSource => None,
            Self::Load(e) => Some(e),
            Self::Random(e) => Some(e),
            Self::Thread(e) => Some(e),
        }
    }
}

#[derive(Clone)]
enum Source {
    File(PathBuf),
    Bytes(Vec<u8>),
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File(path) => f.debug_tuple("File").field(path).finish(),
            // The content holds hashes: its length only.
            Self::Bytes(bytes) => write!(f, "Bytes({} bytes)", bytes.len()),
        }
    }
}

/// Settings of an [`Authenticator`]; from [`Authenticator::builder`].
#[derive(Debug, Clone)]
#[must_use]
pub struct AuthenticatorBuilder {
    source: Option<Source>,
    reload_interval: Duration,
    cache_ttl: Duration,
    cache_max: usize,
    workers: Option<usize>,
    queue: Option<usize>,
    throttle: ThrottleConfig,
    allow_missing: bool,
    max_file_len: u64,
    max_credential_len: usize,
    cost_limits: CostLimits,
}

impl Default for AuthenticatorBuilder {
    fn default() -> Self {
        Self {
            source: None,
            reload_interval: Duration::from_secs(1),
            cache_ttl: Duration::from_secs(300),
            cache_max: 10_000,
            workers: None,
            queue: None,
            throttle: ThrottleConfig::default(),
            allow_missing: false,
            max_file_len: 64 << 20,
            max_credential_len: 4096,
            cost_limits: CostLimits::DEFAULT,
        }
    }
}

impl AuthenticatorBuilder {
    /// Check against the htpasswd file at `path`, reloaded when it changes.
    pub fn file(mut self, path: impl Into<PathBuf>) -> Self {
        self.source = Some(Source::File(path.into()));
        self
    }

    /// Check against this htpasswd content (never reloaded).
    pub fn bytes(mut self, content: impl Into<Vec<u8>>) -> Self {
        self.source = Some(Source::Bytes(content.into()));
        self
    }

    /// How often the file's path is re-checked (default 1 s); zero: never (then only
    /// [`Authenticator::reload_now`] reloads).
    pub fn reload_interval(mut self, interval: Duration) -> Self {
        self.reload_interval = interval;
        self
    }

    /// How long a success is cached, and how many are kept (defaults 5 min, 10 000); either zero:
    /// no cache.
    pub fn cache(mut self, ttl: Duration, max_entries: usize) -> Self {
        self.cache_ttl = ttl;
        self.cache_max = max_entries;
        self
    }

    /// Hashing threads (default: [`std::thread::available_parallelism`]; at least one).
    pub fn workers(mut self, workers: usize) -> Self {
        self.workers = Some(workers);
        self
    }

    /// Hash jobs that may wait for a thread beyond the ones running (default 16 per worker);
    /// a check arriving when they are all taken is answered [`Decision::Busy`] at once.
    pub fn queue(mut self, queue: usize) -> Self {
        self.queue = Some(queue);
        self
    }

    /// The guessing throttle's settings (default [`ThrottleConfig::default`], on).
    pub fn throttle(mut self, config: ThrottleConfig) -> Self {
        self.throttle = config;
        self
    }

    /// Build even when the file is missing or unreadable at start: nobody is allowed and
    /// [`Authenticator::is_ready`] is false until a load succeeds. A file that exists and does not
    /// parse still fails the build.
    pub fn allow_missing(mut self, allow: bool) -> Self {
        self.allow_missing = allow;
        self
    }

    /// Longest file loaded (default 64 MiB); a longer one is refused like an invalid one.
    pub fn max_file_len(mut self, bytes: u64) -> Self {
        self.max_file_len = bytes;
        self
    }

    /// Longest user name and password checked (default 4096 bytes each); longer ones are
    /// [`Decision::Denied`] without a hash (the cost of some schemes grows with the password).
    pub fn max_credential_len(mut self, bytes: usize) -> Self {
        self.max_credential_len = bytes;
        self
    }

    /// Ceilings on the cost of stored hashes (default [`CostLimits::DEFAULT`]: bcrypt cost 17,
    /// SHA-crypt 10 000 000 rounds, yescrypt 1 GiB); a user whose hash is past them is
    /// [`Decision::Denied`] after an ordinary decoy check, never after hours of hashing.
    pub fn cost_limits(mut self, limits: CostLimits) -> Self {
        self.cost_limits = limits;
        self
    }

    /// Loads the file and starts the hash pool and the reload thread.
    ///
    /// # Errors
    /// [`BuildError::NoSource`] without a file or bytes; [`BuildError::Load`] when the file cannot
    /// be read (unless [`allow_missing`](Self::allow_missing)) or has lines that are not entries;
    /// [`BuildError::Random`] / [`BuildError::Thread`] when the OS refuses randomness or threads.
    pub fn build(self) -> Result<Authenticator, BuildError> {
        let source = self.source.as_ref().ok_or(BuildError::NoSource)?;
        let (snapshot, identity, status) = match source {
            Source::Bytes(bytes) => {
                let file = snapshot::parse(bytes.clone()).map_err(BuildError::Load)?;
                let snapshot = Snapshot::of(&file, self.cost_limits);
                let status = loaded_status(&snapshot);
                (snapshot, None, status)
            }
            Source::File(path) => match initial_load(path, self.max_file_len) {
                Ok((file, identity)) => {
                    let snapshot = Snapshot::of(&file, self.cost_limits);
                    let status = loaded_status(&snapshot);
                    (snapshot, Some(identity), status)
                }
                Err(e @ LoadError::Io { .. }) if self.allow_missing => {
                    let status = ReloadStatus {
                        failures: 1,
                        last_error: Some(e),
                        ..ReloadStatus::default()
                    };
                    (Snapshot::not_ready(self.cost_limits), None, status)
                }
                Err(e) => return Err(BuildError::Load(e)),
            },
        };
        let workers = self.workers.unwrap_or_else(|| {
            thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        });
        let queue = self.queue.unwrap_or(workers.saturating_mul(16));
        let shared = Arc::new(Shared {
            cache: Cache::new(self.cache_ttl, self.cache_max),
            flights: Mutex::new(HashMap::new()),
            throttle: Throttle::new(self.throttle),
            counters: Counters::default(),
        });
        let (stop, stopped) = mpsc::channel::<()>();
        let inner = Arc::new(Inner {
            current: RwLock::new(Arc::new(snapshot)),
            reload: Mutex::new(ReloadState {
                identity,
                failed: None,
                status,
            }),
            keyer: Keyer::random().map_err(BuildError::Random)?,
            pool: Pool::new(workers, queue).map_err(BuildError::Thread)?,
            shared,
            max_file_len: self.max_file_len,
            max_credential_len: self.max_credential_len,
            path: match source {
                Source::File(path) => Some(path.clone()),
                Source::Bytes(_) => None,
            },
            _stop: stop,
        });
        if inner.path.is_some() && !self.reload_interval.is_zero() {
            let weak = Arc::downgrade(&inner);
            let interval = self.reload_interval;
            thread::Builder::new()
                .name("htpasswd-reload".into())
                .spawn(move || reload_loop(&weak, &stopped, interval))
                .map_err(BuildError::Thread)?;
        }
        Ok(Authenticator { inner })
    }
}

fn initial_load(path: &Path, max_len: u64) -> Result<(HtpasswdFile, Identity), LoadError> {
    // A file changing during the first read is read again, a few times.
    for _ in 0..10 {
        if let Ok(result) = snapshot::load(path, max_len) {
            return result;
        }
        thread::sleep(Duration::from_millis(20));
    }
    snapshot::load(path, max_len).unwrap_or_else(|snapshot::Retry| {
        Err(LoadError::Io {
            path: path.to_path_buf(),
            action: "read",
            kind: std::io::ErrorKind::WouldBlock,
            message: "the file kept changing while read, or stayed locked by an editor".into(),
        })
    })
}

fn loaded_status(snapshot: &Snapshot) -> ReloadStatus {
    ReloadStatus {
        loads: 1,
        loaded_at: Some(SystemTime::now()),
        users: snapshot.users.len(),
        ..ReloadStatus::default()
    }
}

fn reload_loop(inner: &Weak<Inner>, stopped: &mpsc::Receiver<()>, interval: Duration) {
    loop {
        match stopped.recv_timeout(interval) {
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            // The authenticator is gone.
            Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => return,
        }
        let Some(inner) = inner.upgrade() else {
            return;
        };
        // Reported through reload_status.
        let _ = inner.reload_if_changed();
    }
}

#[derive(Debug, Default)]
struct Counters {
    hashes: AtomicU64,
    cache_hits: AtomicU64,
    joined: AtomicU64,
    busy: AtomicU64,
    throttled: AtomicU64,
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// What the hash jobs share with the authenticator.
#[derive(Debug)]
struct Shared {
    cache: Option<Cache>,
    flights: Mutex<HashMap<Mac, Arc<Flight>>>,
    throttle: Throttle,
    counters: Counters,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // No code here panics while holding a lock; a poisoned one is still consistent.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

#[derive(Debug)]
struct ReloadState {
    identity: Option<Identity>,
    /// The identity of the latest refused version, not read again until it changes.
    failed: Option<Identity>,
    status: ReloadStatus,
}

#[derive(Debug)]
struct Inner {
    current: RwLock<Arc<Snapshot>>,
    reload: Mutex<ReloadState>,
    keyer: Keyer,
    pool: Pool,
    shared: Arc<Shared>,
    max_file_len: u64,
    max_credential_len: usize,
    /// The file to reload (none when built from bytes).
    path: Option<PathBuf>,
    /// Dropped with the authenticator: ends the reload thread.
    _stop: mpsc::Sender<()>,
}

impl Inner {
    /// The cost ceilings the authenticator was built with (kept in every snapshot).
    fn current_limits(&self) -> CostLimits {
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .limits
    }

    fn snapshot(&self) -> Arc<Snapshot> {
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    fn reload_if_changed(&self) -> Result<bool, LoadError> {
        let Some(path) = &self.path else {
            return Ok(false);
        };
        // One reload at a time (the thread and reload_now).
        let mut state = lock(&self.reload);
        let now_identity = match snapshot::identify(path) {
            Ok(identity) => identity,
            Err(e) => {
                // Gone (deleted, or a dangling symlink): keep serving the last good file.
                if state.status.last_error.as_ref() != Some(&e) {
                    state.status.failures += 1;
                    state.status.last_error = Some(e.clone());
                }
                return Err(e);
            }
        };
        if state.identity.as_ref() == Some(&now_identity)
            || state.failed.as_ref() == Some(&now_identity)
        {
            return Ok(false);
        }
        match snapshot::load(path, self.max_file_len) {
            Err(snapshot::Retry) => Ok(false),
            Ok(Err(e)) => {
                state.failed = Some(now_identity);
                state.status.failures += 1;
                state.status.last_error = Some(e.clone());
                Err(e)
            }
            Ok(Ok((file, identity))) => {
                let fresh = Arc::new(Snapshot::of(&file, self.current_limits()));
                *self.current.write().unwrap_or_else(PoisonError::into_inner) = Arc::clone(&fresh);
                if let Some(cache) = &self.shared.cache {
                    cache.purge(|user| fresh.users.get(user).cloned(), Instant::now());
                }
                state.identity = Some(identity);
                state.failed = None;
                state.status.loads += 1;
                state.status.last_error = None;
                state.status.loaded_at = Some(SystemTime::now());
                state.status.users = fresh.users.len();
                Ok(true)
            }
        }
    }

    /// Everything before the hash: cache, throttle, singleflight, admission.
    fn start(&self, user: &[u8], password: &[u8], client: IpAddr) -> Started {
        let shared = &self.shared;
        let throttle = &shared.throttle;
        let source = throttle.source(user, client);
        let now = Instant::now();
        if user.len() > self.max_credential_len || password.len() > self.max_credential_len {
            if let Some(retry_after) = throttle.blocked(&source, now) {
                bump(&shared.counters.throttled);
                return Started::Done(Decision::Throttled { retry_after });
            }
            throttle.failure(&source, now);
            return Started::Done(Decision::Denied);
        }
        let snapshot = self.snapshot();
        let stored = snapshot.users.get(user).cloned();
        let mac = self.keyer.mac(user, password, stored.as_deref());
        if shared.cache.as_ref().is_some_and(|c| c.hit(&mac, now)) {
            bump(&shared.counters.cache_hits);
            throttle.success(&source, now);
            return Started::Done(Decision::Allowed {
                user: user.to_vec(),
            });
        }
        if let Some(retry_after) = throttle.blocked(&source, now) {
            bump(&shared.counters.throttled);
            return Started::Done(Decision::Throttled { retry_after });
        }
        let mut flights = lock(&shared.flights);
        if let Some(flight) = flights.get(&mac)
            && flight.join(client)
        {
            bump(&shared.counters.joined);
            return Started::Wait(Arc::clone(flight));
        }
        let flight = Arc::new(Flight::new(client));
        let job = HashJob {
            shared: Arc::clone(shared),
            snapshot,
            stored,
            user: user.into(),
            password: Zeroizing::new(password.to_vec()),
            mac,
            flight: Arc::clone(&flight),
        };
        match self
            .pool
            .try_submit(Box::new(move |permit| job.run(permit)))
        {
            Ok(()) => {
                flights.insert(mac, Arc::clone(&flight));
                Started::Wait(flight)
            }
            Err(_) => {
                bump(&shared.counters.busy);
                Started::Done(Decision::Busy {
                    retry_after: Duration::from_secs(1),
                })
            }
        }
    }
}

enum Started {
    Done(Decision),
    Wait(Arc<Flight>),
}

/// One hash on the pool.
struct HashJob {
    shared: Arc<Shared>,
    snapshot: Arc<Snapshot>,
    stored: Option<Arc<[u8]>>,
    user: Arc<[u8]>,
    password: Zeroizing<Vec<u8>>,
    mac: Mac,
    flight: Arc<Flight>,
}

impl HashJob {
    fn run(self, permit: Permit) {
        let shared = &self.shared;
        let verdict = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            check_stored_with_limits(
                self.stored.as_deref(),
                &self.password,
                &self.snapshot.decoy,
                &self.snapshot.limits,
            )
        }));
        drop(permit);
        bump(&shared.counters.hashes);
        let outcome = match verdict {
            Ok(v) if v.is_match() => Outcome::Match,
            _ => Outcome::NoMatch,
        };
        let now = Instant::now();
        if let (Outcome::Match, Some(cache), Some(stored)) = (outcome, &shared.cache, &self.stored)
        {
            cache.insert(self.mac, Arc::clone(&self.user), Arc::clone(stored), now);
        }
        {
            let mut flights = lock(&shared.flights);
            if flights
                .get(&self.mac)
                .is_some_and(|f| Arc::ptr_eq(f, &self.flight))
            {
                flights.remove(&self.mac);
            }
        }
        let throttle = &shared.throttle;
        self.flight.complete(outcome, |clients| {
            for &client in clients {
                let source = throttle.source(&self.user, client);
                match outcome {
                    Outcome::Match => throttle.success(&source, now),
                    Outcome::NoMatch => throttle.failure(&source, now),
                }
            }
        });
    }
}

/// The one object a server holds to check passwords at serving time: user names and passwords
/// against an htpasswd file kept current, with a success cache, a bounded hash pool and a
/// guessing throttle. Cheap to clone (one `Arc`); the pool and the reload thread stop when the
/// last clone is dropped.
///
/// A check goes: verdict cache -> guessing throttle -> singleflight -> bounded hash pool.
///
/// - **Snapshot.** Each load of the file builds one immutable snapshot (user -> stored hash, the
///   first entry of a user winning as in Apache and nginx, plus the decoy); a reload swaps the
///   whole snapshot under a lock held only to clone or replace an `Arc`. A check never sees half
///   a file and never holds a lock while hashing.
/// - **Reload.** A thread re-checks the path every [`reload_interval`](AuthenticatorBuilder::reload_interval)
///   (1 s by default): what the path resolves to (so a Kubernetes Secret volume's `..data`
///   symlink swap is seen) and the target's device, inode, length and times. On a change the file
///   is read again; a file that cannot be read, or has lines that are not entries, keeps the
///   last good snapshot in force and is reported by [`Authenticator::reload_status`].
/// - **Cache.** Successes only are cached, under HMAC-SHA256 of (user, password, stored hash)
///   with a per-process random key: no password or plain digest of one is kept. Entries live
///   [`cache`](AuthenticatorBuilder::cache) TTL (5 min by default), at most 10 000 of them (oldest
///   evicted first); a user's entries miss as soon as the stored hash changes (it is in the MAC)
///   and are purged at the reload that changed it. Failures are not cached, so a flood of wrong
///   passwords cannot evict the entries of real users. A cache hit is answered before the
///   throttle: it proves the password was already known, and it keeps users sharing an address
///   with a guesser served.
/// - **Singleflight.** Identical concurrent checks (the same MAC) wait for one hash. The map of
///   hashes in flight is keyed by the same MAC, so joining one reveals nothing about which users
///   exist.
/// - **Timing.** An unknown user, an unusable stored hash and a wrong password all cost one hash
///   of the same scheme and cost ([`check_stored`](crate::htpasswd::check_stored)).
/// - **Admission.** Hashes run on a pool of std threads (one per core by default) admitting at
///   most `workers + queue` jobs; past that the answer is [`Decision::Busy`] at once.
/// - **Throttle.** See [`ThrottleConfig`]: backed-off sources get [`Decision::Throttled`] without
///   a hash.
///
/// [`Authenticator::check`] blocks the calling thread; [`Authenticator::check_async`] returns a
/// future that an async executor polls without blocking (no runtime is required or assumed).
///
/// ```
/// use std::net::{IpAddr, Ipv4Addr};
/// use htpasswd_core::{Authenticator, Decision};
///
/// let auth = Authenticator::builder()
///     .bytes(&b"alice:$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1\n"[..])
///     .build()?;
/// let client = IpAddr::V4(Ipv4Addr::LOCALHOST);
/// assert_eq!(
///     auth.check(b"alice", b"password", client),
///     Decision::Allowed { user: b"alice".to_vec() }
/// );
/// assert_eq!(auth.check(b"alice", b"wrong", client), Decision::Denied);
/// assert_eq!(auth.check(b"mallory", b"password", client), Decision::Denied);
/// // The second success came from the cache.
/// assert!(auth.check(b"alice", b"password", client).is_allowed());
/// assert_eq!(auth.stats().cache_hits, 1);
/// # Ok::<(), htpasswd_core::BuildError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Authenticator {
    inner: Arc<Inner>,
}

impl Authenticator {
    /// Settings, to be completed with a [`file`](AuthenticatorBuilder::file) or
    /// [`bytes`](AuthenticatorBuilder::bytes) and [`build`](AuthenticatorBuilder::build)t.
    pub fn builder() -> AuthenticatorBuilder {
        AuthenticatorBuilder::default()
    }

    /// Checks `password` for `user`, coming from `client`, blocking the calling thread while the
    /// hash runs on the pool. From async code use [`check_async`](Self::check_async).
    pub fn check(&self, user: &[u8], password: &[u8], client: IpAddr) -> Decision {
        match self.inner.start(user, password, client) {
            Started::Done(decision) => decision,
            Started::Wait(flight) => decide(flight.wait(), user),
        }
    }

    /// Like [`check`](Self::check), returning a future that completes when the hash is done,
    /// without blocking the thread that polls it (the hash runs on the pool). Everything before
    /// the hash (cache, throttle, admission) is done here, before the future is returned. The
    /// future does not borrow its arguments. Dropping it does not cancel the hash, and the
    /// attempt is counted by the throttle all the same.
    pub fn check_async(&self, user: &[u8], password: &[u8], client: IpAddr) -> CheckFuture {
        CheckFuture {
            state: match self.inner.start(user, password, client) {
                Started::Done(decision) => State::Done(Some(decision)),
                Started::Wait(flight) => State::Wait {
                    flight,
                    user: user.to_vec(),
                },
            },
        }
    }

    /// Whether a file has been loaded (false only when built with
    /// [`allow_missing`](AuthenticatorBuilder::allow_missing) and no load succeeded yet; nobody
    /// is allowed meanwhile).
    #[must_use]
    pub fn is_ready(&self) -> bool {
        self.inner.snapshot().ready
    }

    /// Reloads the file now if it changed, as the reload thread does every interval.
    /// Returns whether a new snapshot was put in force.
    ///
    /// # Errors
    /// [`LoadError`] when the changed file cannot be read or does not parse (the last good
    /// snapshot stays in force; the error is also in [`reload_status`](Self::reload_status)).
    pub fn reload_now(&self) -> Result<bool, LoadError> {
        self.inner.reload_if_changed()
    }

    /// Loads, refused loads and the latest error.
    #[must_use]
    pub fn reload_status(&self) -> ReloadStatus {
        lock(&self.inner.reload).status.clone()
    }

    /// Counters since the authenticator was built.
    #[must_use]
    pub fn stats(&self) -> AuthStats {
        let shared = &self.inner.shared;
        let c = &shared.counters;
        AuthStats {
            hashes: c.hashes.load(Ordering::Relaxed),
            cache_hits: c.cache_hits.load(Ordering::Relaxed),
            joined: c.joined.load(Ordering::Relaxed),
            busy: c.busy.load(Ordering::Relaxed),
            throttled: c.throttled.load(Ordering::Relaxed),
            cached: shared.cache.as_ref().map_or(0, Cache::len),
            throttle_tracked: shared.throttle.tracked(),
        }
    }

    /// Forgets every cached success.
    pub fn clear_cache(&self) {
        if let Some(cache) = &self.inner.shared.cache {
            cache.clear();
        }
    }

    /// Number of hashing threads.
    #[must_use]
    pub fn workers(&self) -> usize {
        self.inner.pool.workers()
    }
}

fn decide(outcome: Outcome, user: &[u8]) -> Decision {
    match outcome {
        Outcome::Match => Decision::Allowed {
            user: user.to_vec(),
        },
        Outcome::NoMatch => Decision::Denied,
    }
}

/// The future of [`Authenticator::check_async`].
#[derive(Debug)]
#[must_use = "futures do nothing unless polled"]
pub struct CheckFuture {
    state: State,
}

#[derive(Debug)]
enum State {
    Done(Option<Decision>),
    Wait { flight: Arc<Flight>, user: Vec<u8> },
}

impl Future for CheckFuture {
    type Output = Decision;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Decision> {
        let this = self.get_mut();
        match &mut this.state {
            // Polled again after completion: answer Denied rather than panic.
            State::Done(decision) => Poll::Ready(decision.take().unwrap_or(Decision::Denied)),
            State::Wait { flight, user } => match flight.poll(cx) {
                Poll::Ready(outcome) => {
                    let decision = decide(outcome, user);
                    this.state = State::Done(None);
                    Poll::Ready(decision)
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }
}
