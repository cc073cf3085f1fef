//! The serving-time `Authenticator`: every decision, reload (rename, Kubernetes `..data` symlink
//! swap, a bad new file kept out and reported, a missing file at start), the success cache (a hit
//! hashes nothing, a changed hash drops it), singleflight, admission (busy under a full queue) and
//! the guessing throttle (per address, per (user, address), back-off, other addresses unaffected).

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

use htpasswd_core::crypt::bcrypt::LongPassword;
use htpasswd_core::crypt::{HashParams, generate};
use htpasswd_core::{Authenticator, BuildError, Decision, LoadError, ThrottleConfig};

use crate::file_support::TempDir;

/// `openssl passwd -apr1 -salt abcdefgh password`.
const APR1: &str = "$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1";

const A: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
const B: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 2));

fn allowed(user: &str) -> Decision {
    Decision::Allowed {
        user: user.as_bytes().to_vec(),
    }
}

fn bcrypt(password: &[u8], cost: u32) -> String {
    let params = HashParams::Bcrypt {
        cost,
        long_passwords: LongPassword::Refuse,
    };
    String::from_utf8(generate(&params, password).unwrap().as_bytes().to_vec()).unwrap()
}

fn from_bytes(content: &str) -> Authenticator {
    Authenticator::builder()
        .bytes(content.as_bytes())
        .throttle(ThrottleConfig::disabled())
        .build()
        .unwrap()
}

/// Runs a future to completion on this thread (parking between polls): no runtime needed.
fn block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
        thread::park();
    }
}

/// Polls `check` until it returns `true`, failing after `limit`.
fn eventually(limit: Duration, mut check: impl FnMut() -> bool) -> Duration {
    let start = Instant::now();
    loop {
        if check() {
            return start.elapsed();
        }
        assert!(start.elapsed() < limit, "not within {limit:?}");
        thread::sleep(Duration::from_millis(5));
    }
}

/// Replaces `path` atomically with `content` (write a sibling, rename over).
fn replace_by_rename(path: &Path, content: &str) {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, content).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

#[test]
fn every_decision() {
    let file = format!("alice:{APR1}\nlocked:!\nplain:{{PLAIN}}pw\n");
    let auth = from_bytes(&file);
    assert!(auth.is_ready());
    assert_eq!(auth.check(b"alice", b"password", A), allowed("alice"));
    assert_eq!(auth.check(b"alice", b"Password", A), Decision::Denied);
    assert_eq!(auth.check(b"nobody", b"password", A), Decision::Denied);
    assert_eq!(auth.check(b"locked", b"!", A), Decision::Denied);
    assert_eq!(auth.check(b"plain", b"pw", A), allowed("plain"));
    assert_eq!(auth.check(b"", b"", A), Decision::Denied);
    let stats = auth.stats();
    // One hash per check that reached the pool (decoys for the unknown and the locked user).
    assert_eq!(stats.hashes, 6);
    assert_eq!(stats.cache_hits, 0);
    assert_eq!(Decision::Denied.retry_after(), None);
    assert!(allowed("x").is_allowed());
}

#[test]
fn first_entry_wins() {
    let auth = from_bytes(&format!("alice:{APR1}\nalice:{{PLAIN}}other\n"));
    assert!(auth.check(b"alice", b"password", A).is_allowed());
    assert_eq!(auth.check(b"alice", b"other", A), Decision::Denied);
}

#[test]
fn async_check_without_a_runtime() {
    let auth = from_bytes(&format!("alice:{APR1}\n"));
    let future = auth.check_async(b"alice", b"password", A);
    assert_eq!(block_on(future), allowed("alice"));
    assert_eq!(
        block_on(auth.check_async(b"alice", b"nope", A)),
        Decision::Denied
    );
    // Answered from the cache before the future is returned.
    assert_eq!(
        block_on(auth.check_async(b"alice", b"password", A)),
        allowed("alice")
    );
    assert_eq!(auth.stats().cache_hits, 1);
}

#[test]
fn cache_hit_hashes_nothing() {
    let auth = from_bytes(&format!("alice:{}\n", bcrypt(b"pw", 4)));
    assert!(auth.check(b"alice", b"pw", A).is_allowed());
    let after_first = auth.stats();
    assert_eq!(after_first.hashes, 1);
    assert_eq!(after_first.cached, 1);
    for _ in 0..20 {
        assert!(auth.check(b"alice", b"pw", A).is_allowed());
    }
    let stats = auth.stats();
    assert_eq!(stats.hashes, 1);
    assert_eq!(stats.cache_hits, 20);
    // Failures are not cached: each one hashes.
    for _ in 0..3 {
        assert_eq!(auth.check(b"alice", b"bad", A), Decision::Denied);
    }
    assert_eq!(auth.stats().hashes, 4);
    auth.clear_cache();
    assert!(auth.check(b"alice", b"pw", A).is_allowed());
    assert_eq!(auth.stats().hashes, 5);
}

#[test]
fn cache_ttl_and_bound() {
    let auth = Authenticator::builder()
        .bytes(&b"a:{PLAIN}1\nb:{PLAIN}2\nc:{PLAIN}3\n"[..])
        .cache(Duration::from_millis(100), 1)
        .build()
        .unwrap();
    assert!(auth.check(b"a", b"1", A).is_allowed());
    assert!(auth.check(b"a", b"1", A).is_allowed());
    assert_eq!(auth.stats().hashes, 1);
    thread::sleep(Duration::from_millis(150));
    assert!(auth.check(b"a", b"1", A).is_allowed());
    assert_eq!(auth.stats().hashes, 2, "expired entry hashed again");
    // Bounded: 100 users through a cache of 16 (16 shards of one) keep at most 16.
    let many: String = (0..100).map(|i| format!("u{i}:{{PLAIN}}p{i}\n")).collect();
    let bounded = Authenticator::builder()
        .bytes(many.as_bytes())
        .cache(Duration::from_secs(60), 16)
        .build()
        .unwrap();
    for i in 0..100 {
        let (u, p) = (format!("u{i}"), format!("p{i}"));
        assert!(bounded.check(u.as_bytes(), p.as_bytes(), A).is_allowed());
    }
    let cached = bounded.stats().cached;
    assert!((1..=16).contains(&cached), "{cached}");

    let off = Authenticator::builder()
        .bytes(&b"a:{PLAIN}1\n"[..])
        .cache(Duration::ZERO, 0)
        .build()
        .unwrap();
    for _ in 0..3 {
        assert!(off.check(b"a", b"1", A).is_allowed());
    }
    assert_eq!(off.stats().hashes, 3);
    assert_eq!(off.stats().cached, 0);
}

#[test]
fn cache_dropped_when_a_users_hash_changes() {
    let dir = TempDir::new("auth-cache-change");
    let path = dir.write("htpasswd", b"alice:{PLAIN}old\nbob:{PLAIN}bob\n");
    let auth = Authenticator::builder()
        .file(&path)
        .reload_interval(Duration::ZERO)
        .build()
        .unwrap();
    assert!(auth.check(b"alice", b"old", A).is_allowed());
    assert!(auth.check(b"bob", b"bob", A).is_allowed());
    assert_eq!(auth.stats().cached, 2);
    replace_by_rename(&path, "alice:{PLAIN}new\nbob:{PLAIN}bob\n");
    assert_eq!(auth.reload_now(), Ok(true));
    // alice's entry was purged at the reload; bob's, unchanged, stays.
    assert_eq!(auth.stats().cached, 1);
    let hashes = auth.stats().hashes;
    assert!(auth.check(b"bob", b"bob", A).is_allowed());
    assert_eq!(auth.stats().hashes, hashes, "bob still cached");
    assert_eq!(auth.check(b"alice", b"old", A), Decision::Denied);
    assert!(auth.check(b"alice", b"new", A).is_allowed());
    // A user removed from the file loses their entries too.
    replace_by_rename(&path, "alice:{PLAIN}new\n");
    assert_eq!(auth.reload_now(), Ok(true));
    assert_eq!(auth.check(b"bob", b"bob", A), Decision::Denied);
}

#[test]
fn reload_by_rename() {
    let dir = TempDir::new("auth-rename");
    let path = dir.write("htpasswd", b"alice:{PLAIN}one\n");
    let auth = Authenticator::builder()
        .file(&path)
        .reload_interval(Duration::from_millis(20))
        .throttle(ThrottleConfig::disabled())
        .build()
        .unwrap();
    assert!(auth.check(b"alice", b"one", A).is_allowed());
    for round in 0..5 {
        let pw = format!("pw{round}");
        replace_by_rename(&path, &format!("alice:{{PLAIN}}{pw}\n"));
        let took = eventually(Duration::from_secs(5), || {
            auth.check(b"alice", pw.as_bytes(), A).is_allowed()
        });
        assert!(took < Duration::from_secs(5));
        assert_eq!(auth.check(b"alice", b"one", A), Decision::Denied);
    }
    let status = auth.reload_status();
    assert_eq!(status.loads, 6);
    assert_eq!(status.failures, 0);
    assert_eq!(status.users, 1);
    assert!(status.loaded_at.is_some());
    // An in-place rewrite (same inode, new length and times) is seen too.
    std::fs::write(&path, b"alice:{PLAIN}in-place\n").unwrap();
    eventually(Duration::from_secs(5), || {
        auth.check(b"alice", b"in-place", A).is_allowed()
    });
}

/// The layout kubelet gives a Secret volume: `auth -> ..data/auth`, `..data -> ..<timestamp>`;
/// an update writes a new timestamped directory and swaps `..data` by renaming a new symlink
/// over it, then deletes the old directory.
#[cfg(unix)]
#[test]
fn reload_by_kubelet_data_symlink_swap() {
    use std::os::unix::fs::symlink;

    let dir = TempDir::new("auth-kubelet");
    let root = dir.path();
    let version = |n: u32, content: &str| {
        let d = root.join(format!("..2026_11_30_04_00_{n:02}.{n}"));
        std::fs::create_dir(&d).unwrap();
        std::fs::write(d.join("auth"), content).unwrap();
        d
    };
    let first = version(0, "alice:{PLAIN}v0\n");
    symlink(first.file_name().unwrap(), root.join("..data")).unwrap();
    symlink("..data/auth", root.join("auth")).unwrap();
    let auth = Authenticator::builder()
        .file(root.join("auth"))
        .reload_interval(Duration::from_millis(20))
        .throttle(ThrottleConfig::disabled())
        .build()
        .unwrap();
    assert!(auth.check(b"alice", b"v0", A).is_allowed());
    let mut old = first;
    for n in 1..=5 {
        let pw = format!("v{n}");
        let new = version(n, &format!("alice:{{PLAIN}}{pw}\n"));
        symlink(new.file_name().unwrap(), root.join("..data_tmp")).unwrap();
        std::fs::rename(root.join("..data_tmp"), root.join("..data")).unwrap();
        std::fs::remove_dir_all(&old).unwrap();
        old = new;
        eventually(Duration::from_secs(5), || {
            auth.check(b"alice", pw.as_bytes(), A).is_allowed()
        });
        assert_eq!(auth.check(b"alice", b"v0", A), Decision::Denied);
    }
    assert_eq!(auth.reload_status().loads, 6);
}

#[test]
fn bad_new_file_keeps_the_old_one_and_is_reported() {
    let dir = TempDir::new("auth-bad");
    let path = dir.write("htpasswd", b"alice:{PLAIN}good\n");
    let auth = Authenticator::builder()
        .file(&path)
        .reload_interval(Duration::from_millis(20))
        // Polling with the next password before its reload counts failures.
        .throttle(ThrottleConfig::disabled())
        .build()
        .unwrap();
    replace_by_rename(&path, "alice:{PLAIN}bad\nthis line is not an entry\n");
    eventually(Duration::from_secs(5), || {
        auth.reload_status().failures == 1
    });
    let status = auth.reload_status();
    assert_eq!(status.loads, 1);
    let Some(LoadError::InvalidLines { lines, count }) = &status.last_error else {
        panic!("unexpected {status:?}");
    };
    assert_eq!((lines.as_slice(), *count), (&[2][..], 1));
    let message = status.last_error.as_ref().unwrap().to_string();
    assert!(message.contains("line 2"), "{message}");
    assert!(
        !message.contains("not an entry\n"),
        "content leaked: {message}"
    );
    assert!(auth.check(b"alice", b"good", A).is_allowed());
    assert_eq!(auth.check(b"alice", b"bad", A), Decision::Denied);
    // The same bad version is not counted again at every tick.
    thread::sleep(Duration::from_millis(100));
    assert_eq!(auth.reload_status().failures, 1);
    // A deleted file keeps the last good one too.
    std::fs::remove_file(&path).unwrap();
    eventually(Duration::from_secs(5), || {
        auth.reload_status().failures == 2
    });
    assert!(matches!(
        auth.reload_status().last_error,
        Some(LoadError::Io { .. })
    ));
    assert!(auth.check(b"alice", b"good", A).is_allowed());
    // A fixed file is loaded and clears the error.
    replace_by_rename(&path, "alice:{PLAIN}fixed\n");
    eventually(Duration::from_secs(5), || {
        auth.check(b"alice", b"fixed", A).is_allowed()
    });
    assert_eq!(auth.reload_status().last_error, None);
    assert_eq!(auth.reload_now(), Ok(false));
}

#[test]
fn missing_file_at_start() {
    let dir = TempDir::new("auth-missing");
    let path = dir.path().join("htpasswd");
    let err = Authenticator::builder().file(&path).build().unwrap_err();
    assert!(
        matches!(err, BuildError::Load(LoadError::Io { .. })),
        "{err}"
    );
    assert!(matches!(
        Authenticator::builder().build(),
        Err(BuildError::NoSource)
    ));
    let invalid = dir.write("invalid", b"no colon here\n");
    assert!(matches!(
        Authenticator::builder()
            .file(&invalid)
            .allow_missing(true)
            .build(),
        Err(BuildError::Load(LoadError::InvalidLines { .. }))
    ));

    let auth = Authenticator::builder()
        .file(&path)
        .allow_missing(true)
        .reload_interval(Duration::from_millis(20))
        .build()
        .unwrap();
    assert!(!auth.is_ready());
    assert_eq!(auth.check(b"alice", b"pw", A), Decision::Denied);
    assert_eq!(auth.reload_status().failures, 1);
    std::fs::write(&path, b"alice:{PLAIN}pw\n").unwrap();
    eventually(Duration::from_secs(5), || auth.is_ready());
    assert!(auth.check(b"alice", b"pw", A).is_allowed());
}

#[test]
fn over_long_credentials_are_denied_without_hashing() {
    let auth = Authenticator::builder()
        .bytes(&b"alice:{PLAIN}pw\n"[..])
        .max_credential_len(8)
        .build()
        .unwrap();
    assert_eq!(auth.check(b"alice", &[b'x'; 9], A), Decision::Denied);
    assert_eq!(auth.check(&[b'u'; 9], b"pw", A), Decision::Denied);
    assert_eq!(auth.stats().hashes, 0);
    assert!(auth.check(b"alice", b"pw", A).is_allowed());
}

#[test]
fn busy_when_the_queue_is_full() {
    // A slow hash holds the only worker; no queue.
    let file = format!("alice:{}\nbob:{{PLAIN}}bob\n", bcrypt(b"slow", 9));
    let auth = Authenticator::builder()
        .bytes(file.as_bytes())
        .workers(1)
        .queue(0)
        .build()
        .unwrap();
    assert_eq!(auth.workers(), 1);
    let slow = auth.check_async(b"alice", b"slow", A);
    let started = Instant::now();
    let busy = auth.check(b"bob", b"bob", B);
    assert!(started.elapsed() < Duration::from_millis(50), "not at once");
    let Decision::Busy { retry_after } = busy else {
        panic!("expected busy, got {busy:?}");
    };
    assert!(retry_after > Duration::ZERO);
    assert_eq!(busy.retry_after(), Some(retry_after));
    assert_eq!(block_on(slow), allowed("alice"));
    // Free again; the busy answer counted no failure.
    assert!(auth.check(b"bob", b"bob", B).is_allowed());
    assert_eq!(auth.stats().busy, 1);

    // Queue 1: one running, one waiting, the third is busy.
    let auth = Authenticator::builder()
        .bytes(file.as_bytes())
        .workers(1)
        .queue(1)
        .build()
        .unwrap();
    let first = auth.check_async(b"alice", b"slow", A);
    let second = auth.check_async(b"alice", b"wrong", A);
    assert!(matches!(
        auth.check(b"bob", b"bob", B),
        Decision::Busy { .. }
    ));
    assert!(block_on(first).is_allowed());
    assert_eq!(block_on(second), Decision::Denied);
    assert!(auth.check(b"bob", b"bob", B).is_allowed());
}

#[test]
fn identical_concurrent_checks_hash_once() {
    let file = format!("alice:{}\n", bcrypt(b"pw", 8));
    let auth = Authenticator::builder()
        .bytes(file.as_bytes())
        .workers(1)
        .queue(0)
        .build()
        .unwrap();
    // With no queue, the second would be busy if it were not joined to the first.
    let first = auth.check_async(b"alice", b"pw", A);
    let second = auth.check_async(b"alice", b"pw", B);
    let blocking = {
        let auth = auth.clone();
        thread::spawn(move || auth.check(b"alice", b"pw", B))
    };
    assert_eq!(block_on(second), allowed("alice"));
    assert_eq!(block_on(first), allowed("alice"));
    assert!(blocking.join().unwrap().is_allowed());
    let stats = auth.stats();
    assert_eq!(stats.hashes, 1);
    assert_eq!(stats.busy, 0);
    assert_eq!(stats.joined + stats.cache_hits, 2);
    // Concurrent identical wrong passwords for an unknown user join alike.
    let a = auth.check_async(b"nobody", b"x", A);
    let b = auth.check_async(b"nobody", b"x", A);
    assert_eq!(block_on(a), Decision::Denied);
    assert_eq!(block_on(b), Decision::Denied);
    assert_eq!(auth.stats().hashes, 2);
}

fn throttled(decision: &Decision) -> bool {
    matches!(decision, Decision::Throttled { .. })
}

#[test]
fn throttle_per_address() {
    let auth = Authenticator::builder()
        .bytes(&b"alice:{PLAIN}pw\nbob:{PLAIN}bob\n"[..])
        .throttle(
            ThrottleConfig::default()
                .per_address(3, Duration::from_secs(60))
                .per_user_address(100, Duration::from_secs(60)),
        )
        .build()
        .unwrap();
    // Three failures for three different users from A: A is backed off.
    for user in [&b"x"[..], b"y", b"z"] {
        assert_eq!(auth.check(user, b"guess", A), Decision::Denied);
    }
    let hashes = auth.stats().hashes;
    let refused = auth.check(b"alice", b"pw", A);
    assert!(throttled(&refused), "{refused:?}");
    let retry = refused.retry_after().unwrap();
    assert!(retry > Duration::from_secs(50) && retry <= Duration::from_secs(60));
    assert!(throttled(&auth.check(b"bob", b"bob", A)));
    assert_eq!(auth.stats().hashes, hashes, "refused without hashing");
    assert_eq!(auth.stats().throttled, 2);
    // Another address is unaffected.
    assert!(auth.check(b"alice", b"pw", B).is_allowed());
    // A cached success is served even from the backed-off address (it proves the password
    // was known; guesses still get no hash).
    assert!(auth.check(b"alice", b"pw", A).is_allowed());
    assert!(throttled(&auth.check(b"alice", b"guess", A)));
}

#[test]
fn throttle_per_user_and_address() {
    let auth = Authenticator::builder()
        .bytes(&b"alice:{PLAIN}pw\nbob:{PLAIN}bob\n"[..])
        .throttle(
            ThrottleConfig::default()
                .per_address(100, Duration::from_secs(60))
                .per_user_address(2, Duration::from_secs(60)),
        )
        .build()
        .unwrap();
    for _ in 0..2 {
        assert_eq!(auth.check(b"alice", b"guess", A), Decision::Denied);
    }
    // alice from A is backed off, even with the right password (not cached yet).
    assert!(throttled(&auth.check(b"alice", b"pw", A)));
    // bob from A and alice from B are not.
    assert!(auth.check(b"bob", b"bob", A).is_allowed());
    assert!(auth.check(b"alice", b"pw", B).is_allowed());
    // A flood against alice from A never locks her out from B.
    for _ in 0..50 {
        let _ = auth.check(b"alice", b"flood", A);
    }
    assert!(auth.check(b"alice", b"pw", B).is_allowed());
    // A success clears the (user, address) count: one failure, a success, one failure: no
    // back-off.
    assert_eq!(auth.check(b"bob", b"x", B), Decision::Denied);
    assert!(auth.check(b"bob", b"bob", B).is_allowed());
    auth.clear_cache();
    assert_eq!(auth.check(b"bob", b"x", B), Decision::Denied);
    assert!(auth.check(b"bob", b"bob", B).is_allowed());
}

#[test]
fn throttle_backs_off_exponentially_and_can_be_off() {
    let auth = Authenticator::builder()
        .bytes(&b"alice:{PLAIN}pw\n"[..])
        .throttle(
            ThrottleConfig::default()
                .per_address(100, Duration::from_secs(60))
                .per_user_address(1, Duration::from_secs(60))
                .backoff(Duration::from_millis(100), Duration::from_secs(10)),
        )
        .build()
        .unwrap();
    assert_eq!(auth.check(b"alice", b"x", A), Decision::Denied);
    let first = auth.check(b"alice", b"x", A).retry_after().unwrap();
    assert!(first <= Duration::from_millis(100), "{first:?}");
    // The first failure after the back-off trips one twice as long.
    eventually(Duration::from_secs(2), || {
        auth.check(b"alice", b"x", A) == Decision::Denied
    });
    let second = auth.check(b"alice", b"x", A).retry_after().unwrap();
    assert!(second > Duration::from_millis(150), "{second:?}");

    let off = Authenticator::builder()
        .bytes(&b"alice:{PLAIN}pw\n"[..])
        .throttle(ThrottleConfig::disabled())
        .build()
        .unwrap();
    for _ in 0..100 {
        assert_eq!(off.check(b"alice", b"x", A), Decision::Denied);
    }
    assert!(off.check(b"alice", b"pw", A).is_allowed());
    assert_eq!(off.stats().throttle_tracked, 0);
}

#[test]
fn throttle_counts_ipv6_by_prefix_and_is_bounded() {
    let auth = Authenticator::builder()
        .bytes(&b"alice:{PLAIN}pw\n"[..])
        .throttle(
            ThrottleConfig::default()
                .per_address(2, Duration::from_secs(60))
                .max_tracked(32),
        )
        .build()
        .unwrap();
    let host = |last: u16| IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 1, 0, 0, 0, last));
    assert_eq!(auth.check(b"u", b"x", host(1)), Decision::Denied);
    assert_eq!(auth.check(b"v", b"x", host(2)), Decision::Denied);
    // Same /64: backed off as one.
    assert!(throttled(&auth.check(b"alice", b"pw", host(3))));
    let other = IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 2, 0, 0, 0, 1));
    assert!(auth.check(b"alice", b"pw", other).is_allowed());
    // Many sources: the tables stay bounded.
    for i in 0..500u32 {
        let ip = IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + i));
        let _ = auth.check(b"u", b"x", ip);
    }
    assert!(auth.stats().throttle_tracked <= 64, "{:?}", auth.stats());
}

#[test]
fn debug_output_holds_no_hash_or_password() {
    let auth = from_bytes(&format!("alice:{APR1}\n"));
    assert!(auth.check(b"alice", b"password", A).is_allowed());
    let builder = Authenticator::builder().bytes(format!("alice:{APR1}\n"));
    for debug in [format!("{auth:?}"), format!("{builder:?}")] {
        assert!(!debug.contains("FBwExRW4dCc8aL"), "{debug}");
        assert!(!debug.contains("password"), "{debug}");
        // Nor the content as a list of byte values (`[97, 108, ...]`).
        assert!(!debug.contains("97, 108"), "{debug}");
    }
    assert!(format!("{builder:?}").contains("Bytes(44 bytes)"));
}

#[test]
fn a_dropped_check_still_counts() {
    let auth = Authenticator::builder()
        .bytes(format!("alice:{}\n", bcrypt(b"pw", 6)))
        .throttle(ThrottleConfig::default().per_user_address(1, Duration::from_secs(60)))
        .build()
        .unwrap();
    // The caller goes away (a client that disconnects) before the hash ends.
    drop(auth.check_async(b"alice", b"guess", A));
    eventually(Duration::from_secs(5), || {
        auth.stats().throttle_tracked == 2
    });
    assert_eq!(auth.stats().hashes, 1);
    assert!(throttled(&auth.check(b"alice", b"pw", A)));
    assert!(auth.check(b"alice", b"pw", B).is_allowed());
}
