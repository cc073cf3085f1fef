//! Issue 19: `-c` through a dangling symbolic link creates the link's target, as Apache's
//! htpasswd does (item 10); `--batch` with 320,000 users is linear (item 7: it took 176 s, a scan
//! of the file per user, under the file's exclusive lock), and hashes before it takes the lock.

use std::fs::{self, File};
use std::os::unix::fs::symlink;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{apache_htpasswd, ours, scratch_dir};

#[test]
fn create_through_a_dangling_link_creates_its_target_like_apache() {
    let test = "create_through_a_dangling_link_creates_its_target_like_apache";
    let dir = scratch_dir("dangling-cli");
    let apache = apache_htpasswd(test);
    let mut tools = vec![("ours", ours())];
    if let Some(apache) = &apache {
        tools.push(("apache", Command::new(apache)));
    }
    for (name, mut cmd) in tools {
        let link = format!("{name}-link");
        let real = format!("{name}-real");
        symlink(&real, dir.join(&link)).unwrap();
        let start = Instant::now();
        let out = cmd
            .args(["-cbs", &link, "alice", "secret"])
            .current_dir(&dir)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{name}: {out:?}");
        assert!(start.elapsed() < Duration::from_secs(5), "{name}");
        assert!(
            fs::symlink_metadata(dir.join(&link))
                .unwrap()
                .file_type()
                .is_symlink(),
            "{name}: the link was replaced"
        );
        assert_eq!(
            fs::read_to_string(dir.join(&real)).unwrap(),
            "alice:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=\n",
            "{name}"
        );
    }
    // A link loop: exit 1 at once, as Apache ("cannot create file").
    symlink("loop", dir.join("loop")).unwrap();
    let start = Instant::now();
    let out = ours()
        .args(["-cbs", "loop", "alice", "secret"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(start.elapsed() < Duration::from_secs(5));
    let names: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    let _ = fs::remove_dir_all(&dir);
}

const USERS: usize = 320_000;

/// Far above the linear time of a debug build on a loaded machine, far below the quadratic one.
const BOUND: Duration = Duration::from_secs(90);

#[test]
fn batch_of_320k_users_adds_then_updates_in_linear_time() {
    let dir = scratch_dir("batch-linear");
    let mut users = String::with_capacity(USERS * 24);
    for i in 0..USERS {
        users.push_str(&format!("user{i:06}:password{i}\n"));
    }
    fs::write(dir.join("users"), &users).unwrap();
    for (create, summary) in [
        (
            true,
            format!("htpasswd-rs: {USERS} added, 0 updated in f\n"),
        ),
        (
            false,
            format!("htpasswd-rs: 0 added, {USERS} updated in f\n"),
        ),
    ] {
        let mut cmd = ours();
        cmd.args(["--batch", "users", "-s"]);
        if create {
            cmd.arg("-c");
        }
        let start = Instant::now();
        let out = cmd.arg("f").current_dir(&dir).output().unwrap();
        let took = start.elapsed();
        eprintln!("--batch -s, {USERS} users (create: {create}): {took:?}");
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), summary);
        assert!(took < BOUND, "{took:?}");
    }
    let text = fs::read_to_string(dir.join("f")).unwrap();
    assert_eq!(text.lines().count(), USERS);
    assert!(text.starts_with("user000000:{SHA}"), "{}", &text[..40]);
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn batch_hashes_before_it_takes_the_lock() {
    // Hashing takes seconds (bcrypt); while it runs, the file stays free for other editors. We
    // hold the file's lock for longer than the whole batch takes alone: when we let go, only the
    // locked write is left, not the hashing.
    let dir = scratch_dir("batch-lock");
    let users: String = (0..60).map(|i| format!("user{i}:pw{i}\n")).collect();
    fs::write(dir.join("users"), users).unwrap();
    fs::write(dir.join("f"), "old:{SHA}x\n").unwrap();
    let batch = || {
        ours()
            .args(["--batch", "users", "-B", "-C", "6", "f"])
            .current_dir(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let start = Instant::now();
    assert!(batch().wait().unwrap().success());
    let alone = start.elapsed();
    let held = File::open(dir.join("f")).unwrap();
    held.lock().unwrap();
    let mut child = batch();
    std::thread::sleep(alone * 2);
    assert!(
        child.try_wait().unwrap().is_none(),
        "finished while the file was locked"
    );
    let released = Instant::now();
    held.unlock().unwrap();
    assert!(child.wait().unwrap().success());
    let after = released.elapsed();
    eprintln!("batch alone {alone:?}; after the lock was released: {after:?}");
    assert!(
        after < alone / 2,
        "hashing waited for the lock: {after:?} after release, {alone:?} alone"
    );
    let _ = fs::remove_dir_all(&dir);
}
