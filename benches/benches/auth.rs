//! The serving-time `Authenticator` (issue 14):
//!
//! - `cached`: a check answered from the success cache (HMAC-SHA256 of user, password and stored
//!   hash, a sharded lookup, the throttle's success bookkeeping), on 1 and on all threads (per-core
//!   cost under contention);
//! - `uncached_bcrypt10`: throughput of the pool on bcrypt cost-10 checks that all miss (distinct
//!   users, cache off), a batch of `BATCH` at once, against one bcrypt-10 verification on one
//!   thread (`one_bcrypt10`): the bound is cores / that time;
//! - `timing`: unknown user, malformed stored hash, wrong password and right password through the
//!   authenticator (cache and throttle off, bcrypt cost 5): the first three must cost the same.
//!
//! Run: `cargo bench -p htpasswd-benches --bench auth`

// A benchmark that cannot set up its input has nothing to measure: failing loudly is right.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic, missing_docs)]

use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::OnceLock;
use std::time::Duration;

use htpasswd_core::crypt::bcrypt::LongPassword;
use htpasswd_core::crypt::{Hash, HashParams, generate};
use htpasswd_core::{Authenticator, ThrottleConfig};

const PASSWORD: &[u8] = b"correct horse battery";
const WRONG: &[u8] = b"incorrect horse battery";
/// Checks in flight at once in the throughput bench.
const BATCH: usize = 16;
const CLIENT: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

fn main() {
    eprintln!(
        "cores (available_parallelism): {}",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    divan::main();
}

fn bcrypt(cost: u32) -> Vec<u8> {
    let params = HashParams::Bcrypt {
        cost,
        long_passwords: LongPassword::Refuse,
    };
    generate(&params, PASSWORD).unwrap().as_bytes().to_vec()
}

/// `users` entries `user<i>` sharing one bcrypt hash of `PASSWORD` at `cost`.
fn file(cost: u32, users: usize) -> Vec<u8> {
    let hash = bcrypt(cost);
    let mut content = Vec::new();
    for i in 0..users {
        content.extend_from_slice(format!("user{i}:").as_bytes());
        content.extend_from_slice(&hash);
        content.push(b'\n');
    }
    content.extend_from_slice(b"broken:$2y$05$truncated\n");
    content
}

fn cached_auth() -> &'static Authenticator {
    static AUTH: OnceLock<Authenticator> = OnceLock::new();
    AUTH.get_or_init(|| {
        let auth = Authenticator::builder().bytes(file(10, 4)).build().unwrap();
        assert!(auth.check(b"user1", PASSWORD, CLIENT).is_allowed());
        auth
    })
}

/// A cache hit, on one thread and on every core at once (divan `threads = 0`: all of them).
#[divan::bench(threads = [1, 0])]
fn cached(bencher: divan::Bencher<'_, '_>) {
    let auth = cached_auth();
    let hashes = auth.stats().hashes;
    bencher.bench(|| auth.check(black_box(b"user1"), black_box(PASSWORD), CLIENT));
    assert_eq!(auth.stats().hashes, hashes, "a cached check hashed");
}

/// One bcrypt cost-10 verification, on one thread and on every core at once (the per-core time
/// with all cores busy, as in the pool: the fair bound on a shared machine).
#[divan::bench(threads = [1, 0], sample_count = 20, sample_size = 1)]
fn one_bcrypt10(bencher: divan::Bencher<'_, '_>) {
    let hash = Hash::parse(&bcrypt(10)).unwrap();
    bencher.bench(|| hash.verify(black_box(PASSWORD)));
}

/// `BATCH` distinct bcrypt-10 checks submitted at once to a pool of one thread per core, all
/// awaited: time per batch / `BATCH` = time per check at full throughput.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn uncached_bcrypt10(bencher: divan::Bencher<'_, '_>) {
    let auth = Authenticator::builder()
        .bytes(file(10, BATCH))
        .cache(Duration::ZERO, 0)
        .throttle(ThrottleConfig::disabled())
        .queue(BATCH)
        .build()
        .unwrap();
    let users: Vec<Vec<u8>> = (0..BATCH)
        .map(|i| format!("user{i}").into_bytes())
        .collect();
    bencher
        .counter(divan::counter::ItemsCount::new(BATCH))
        .bench_local(|| {
            let pending: Vec<_> = users
                .iter()
                .map(|u| auth.check_async(u, PASSWORD, CLIENT))
                .collect();
            for p in pending {
                assert!(block_on(p).is_allowed());
            }
        });
}

/// Runs a future on this thread, parking between polls.
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
        std::thread::park();
    }
}

mod timing {
    use super::*;

    fn auth() -> &'static Authenticator {
        static AUTH: OnceLock<Authenticator> = OnceLock::new();
        AUTH.get_or_init(|| {
            Authenticator::builder()
                .bytes(file(5, 200))
                .cache(Duration::ZERO, 0)
                .throttle(ThrottleConfig::disabled())
                .build()
                .unwrap()
        })
    }

    fn run(bencher: divan::Bencher<'_, '_>, user: &[u8], password: &[u8], allowed: bool) {
        let auth = auth();
        assert_eq!(auth.check(user, password, CLIENT).is_allowed(), allowed);
        bencher.bench_local(|| auth.check(black_box(user), black_box(password), CLIENT));
    }

    #[divan::bench]
    fn unknown_user(bencher: divan::Bencher<'_, '_>) {
        run(bencher, b"nobody", PASSWORD, false);
    }

    #[divan::bench]
    fn malformed_hash(bencher: divan::Bencher<'_, '_>) {
        run(bencher, b"broken", PASSWORD, false);
    }

    #[divan::bench]
    fn wrong_password(bencher: divan::Bencher<'_, '_>) {
        run(bencher, b"user100", WRONG, false);
    }

    #[divan::bench]
    fn right_password(bencher: divan::Bencher<'_, '_>) {
        run(bencher, b"user100", PASSWORD, true);
    }
}
