//! Locked, crash-safe edits on disk: modes and owners, symlinks, in-place writes, errors,
//! lock waiting, 8 concurrent processes, and writers killed with SIGKILL at random moments.

use std::fs;
use std::io::{BufRead as _, BufReader};
use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use htpasswd_core::htpasswd::{
    Create, EditError, EditOptions, FileError, HtpasswdFile, InPlaceReason, InvalidLines,
    SetOutcome, Which, WriteStrategy, Written, edit_file, read_file,
};

use crate::file_support::{TempDir, spawn_worker, worker_job};
use crate::support;

fn umask() -> u32 {
    let status = fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("Umask:")).unwrap();
    u32::from_str_radix(line.split_whitespace().nth(1).unwrap(), 8).unwrap()
}

fn set(path: &Path, opts: EditOptions, user: &[u8], hash: &[u8]) -> Written {
    edit_file(path, &opts, |f| f.set(user, hash))
        .unwrap()
        .written
}

#[test]
fn new_file_gets_0666_minus_umask_like_apache_htpasswd() {
    let dir = TempDir::new("mode");
    let ours = dir.path().join("ours");
    let opts = EditOptions::default().create(Create::Umask);
    assert_eq!(set(&ours, opts, b"u", b"h"), Written::Created);
    assert_eq!(fs::read(&ours).unwrap(), b"u:h\n");
    let mode = fs::metadata(&ours).unwrap().mode() & 0o7777;
    assert_eq!(mode, 0o666 & !umask());
    if let Some(tool) = support::reference_tool(
        "htpasswd",
        "new_file_gets_0666_minus_umask_like_apache_htpasswd",
    ) {
        let theirs = dir.path().join("theirs");
        let st = Command::new(tool)
            .arg("-cbp")
            .arg(&theirs)
            .args(["u", "h"])
            .output()
            .unwrap();
        assert!(st.status.success());
        assert_eq!(fs::metadata(&theirs).unwrap().mode() & 0o7777, mode);
        assert_eq!(fs::read(&theirs).unwrap(), fs::read(&ours).unwrap());
    }
    // No temporary file is left behind.
    let names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        names.iter().all(|n| n == "ours" || n == "theirs"),
        "{names:?}"
    );
}

#[test]
fn new_file_with_requested_mode_and_missing_file_without_create() {
    let dir = TempDir::new("mode2");
    let path = dir.path().join("f");
    let err = edit_file(&path, &EditOptions::default(), |f| f.set(b"u", b"h")).unwrap_err();
    match &err {
        FileError::Io {
            source, path: p, ..
        } => {
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
            assert_eq!(p, &path);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().starts_with("cannot open "), "{err}");
    assert!(!path.exists());
    let opts = EditOptions::default().create(Create::Mode(0o640));
    assert_eq!(set(&path, opts, b"u", b"h"), Written::Created);
    assert_eq!(fs::metadata(&path).unwrap().mode() & 0o7777, 0o640);
}

#[test]
fn replace_keeps_mode_owner_and_unrelated_bytes() {
    let dir = TempDir::new("keep");
    let path = dir.path().join("f");
    fs::write(&path, b"\xEF\xBB\xBF# c\r\nu:old:note\r\nv:x").unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o604)).unwrap();
    let is_root = fs::metadata("/proc/self").unwrap().uid() == 0;
    if is_root {
        std::os::unix::fs::chown(&path, Some(1234), Some(5678)).unwrap();
    }
    let ino = fs::metadata(&path).unwrap().ino();
    assert_eq!(
        set(&path, EditOptions::default(), b"u", b"new"),
        Written::Replaced
    );
    let meta = fs::metadata(&path).unwrap();
    assert_eq!(meta.mode() & 0o7777, 0o604);
    assert_ne!(meta.ino(), ino, "replaced by rename");
    if is_root {
        assert_eq!((meta.uid(), meta.gid()), (1234, 5678));
    }
    assert_eq!(
        fs::read(&path).unwrap(),
        b"\xEF\xBB\xBF# c\r\nu:new:note\r\nv:x"
    );
}

#[test]
fn symlink_is_kept_and_its_target_edited() {
    let dir = TempDir::new("link");
    let target = dir.path().join("real");
    let link = dir.path().join("link");
    fs::write(&target, b"a:1\n").unwrap();
    std::os::unix::fs::symlink("real", &link).unwrap();
    assert_eq!(
        set(&link, EditOptions::default(), b"b", b"2"),
        Written::Replaced
    );
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read(&target).unwrap(), b"a:1\nb:2\n");
}

#[test]
fn in_place_strategy_keeps_the_inode_and_says_so() {
    let dir = TempDir::new("inplace");
    let path = dir.path().join("f");
    fs::write(&path, b"a:a-much-longer-hash-than-the-new-one\nb:2\n").unwrap();
    let ino = fs::metadata(&path).unwrap().ino();
    let opts = EditOptions::default().strategy(WriteStrategy::InPlace);
    let written = set(&path, opts, b"a", b"1");
    assert_eq!(written, Written::InPlace(InPlaceReason::Requested));
    assert_eq!(fs::metadata(&path).unwrap().ino(), ino);
    assert_eq!(fs::read(&path).unwrap(), b"a:1\nb:2\n");
}

#[test]
fn unchanged_edit_and_refused_edit_do_not_touch_the_file() {
    let dir = TempDir::new("unchanged");
    let path = dir.path().join("f");
    fs::write(&path, b"a:1\njunk\n").unwrap();
    let ino = fs::metadata(&path).unwrap().ino();
    let done = edit_file(&path, &EditOptions::default(), |f| {
        f.update(b"a", b"1", Which::All)
    })
    .unwrap();
    assert_eq!((done.value, done.written), (1, Written::Unchanged));
    // Apache's behaviour: refuse a file with a colon-less line.
    let err = edit_file(&path, &EditOptions::default(), |f| {
        f.check_entries()?;
        f.set(b"b", b"2").map_err(|_| unreachable!())
    })
    .unwrap_err();
    match err {
        FileError::Edit(InvalidLines { lines }) => assert_eq!(lines, [2]),
        other => panic!("{other:?}"),
    }
    let err = edit_file(&path, &EditOptions::default(), |f| f.add(b"a", b"2")).unwrap_err();
    assert!(matches!(
        err,
        FileError::Edit(EditError::UserExists { line: 1 })
    ));
    assert_eq!(err.to_string(), "user already exists at line 1");
    assert_eq!(fs::read(&path).unwrap(), b"a:1\njunk\n");
    assert_eq!(fs::metadata(&path).unwrap().ino(), ino);
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temp file left"
    );
    assert_eq!(read_file(&path).unwrap().get(b"a").unwrap().hash, b"1");
}

#[test]
fn editor_waits_for_a_lock_held_by_another_process() {
    let test = "editor_waits_for_a_lock_held_by_another_process";
    let Some(flock) = support::reference_tool("flock", test) else {
        return;
    };
    let dir = TempDir::new("lockwait");
    let path = dir.path().join("f");
    fs::write(&path, b"a:1\n").unwrap();
    let mut holder = Command::new(flock)
        .arg("-x")
        .arg(&path)
        .args(["-c", "echo locked; sleep 1"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(holder.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line, "locked\n");
    let start = Instant::now();
    assert_eq!(
        set(&path, EditOptions::default(), b"b", b"2"),
        Written::Replaced
    );
    let waited = start.elapsed();
    assert!(holder.wait().unwrap().success());
    assert!(
        waited >= Duration::from_millis(500),
        "did not wait: {waited:?}"
    );
    assert_eq!(fs::read(&path).unwrap(), b"a:1\nb:2\n");
}

// ---------------------------------------------------------------------------------------------
// Concurrency: 8 processes x 50 users, one locked edit per user, all on one new file.

const PROCESSES: usize = 8;
const USERS_EACH: usize = 50;

#[test]
fn eight_processes_adding_fifty_users_each_lose_nothing() {
    let test = "file_write::eight_processes_adding_fifty_users_each_lose_nothing";
    if let Some(job) = worker_job() {
        // Worker: add USERS_EACH users one edit at a time.
        let path = std::env::var("HTPASSWD_RS_FILE_PATH").unwrap();
        for j in 0..USERS_EACH {
            let user = format!("{job}-user{j}");
            let opts = EditOptions::default().create(Create::Umask);
            let done = edit_file(Path::new(&path), &opts, |f| {
                f.set(user.as_bytes(), b"{SHA}x")
            })
            .unwrap();
            assert_eq!(done.value, SetOutcome::Added);
        }
        return;
    }
    let start = Instant::now();
    let dir = TempDir::new("concurrent");
    let path = dir.path().join("htpasswd");
    let env = [("HTPASSWD_RS_FILE_PATH", path.display().to_string())];
    let workers: Vec<_> = (0..PROCESSES)
        .map(|i| spawn_worker(test, &format!("w{i}"), &env))
        .collect();
    for w in workers {
        let out = w.wait_with_output().unwrap();
        assert!(out.status.success(), "worker failed: {out:?}");
    }
    let file = HtpasswdFile::parse(&fs::read(&path).unwrap());
    file.check_entries().unwrap();
    assert!(file.duplicates().is_empty());
    assert_eq!(file.entries().count(), PROCESSES * USERS_EACH);
    for i in 0..PROCESSES {
        for j in 0..USERS_EACH {
            let user = format!("w{i}-user{j}");
            assert!(file.get(user.as_bytes()).is_some(), "{user} lost");
        }
    }
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        1,
        "temp files left"
    );
    eprintln!("{test}: {:?}", start.elapsed());
}

// ---------------------------------------------------------------------------------------------
// Crash safety: a writer killed with SIGKILL at random moments leaves old or new content.

fn big_file(lines: usize) -> Vec<u8> {
    let mut out = b"# many users\n".to_vec();
    for i in 0..lines {
        out.extend_from_slice(
            format!("user{i}:$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1\n").as_bytes(),
        );
    }
    out
}

fn crash_edit(f: &mut HtpasswdFile) -> Result<(), EditError> {
    f.update(b"user0", b"{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=", Which::All)?;
    f.delete(b"user7");
    f.set(b"crash-user", b"$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/")?;
    Ok(())
}

#[test]
fn writer_killed_at_random_moments_leaves_old_or_new_content() {
    let test = "file_write::writer_killed_at_random_moments_leaves_old_or_new_content";
    if worker_job().is_some() {
        let path = std::env::var("HTPASSWD_RS_FILE_PATH").unwrap();
        println!("ready");
        edit_file(Path::new(&path), &EditOptions::default(), crash_edit).unwrap();
        println!("done");
        return;
    }
    let started = Instant::now();
    let mut rng = support::Rng::new(support::seed(test));
    let dir = TempDir::new("crash");
    let path = dir.path().join("htpasswd");
    let old = big_file(40_000);
    let new = {
        let mut m = HtpasswdFile::parse(&old);
        crash_edit(&mut m).unwrap();
        m.to_bytes()
    };
    assert_ne!(old, new);
    let env = [("HTPASSWD_RS_FILE_PATH", path.display().to_string())];
    // Runs one writer; kills it `delay` after it says it is ready (None: lets it finish).
    let run = |delay: Option<Duration>| -> Duration {
        fs::write(&path, &old).unwrap();
        let mut child = spawn_worker(test, "crash", &env);
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        while line != "ready\n" {
            line.clear();
            assert_ne!(
                out.read_line(&mut line).unwrap(),
                0,
                "worker ended before ready"
            );
        }
        let t = Instant::now();
        match delay {
            Some(d) => {
                std::thread::sleep(d);
                let _ = child.kill(); // SIGKILL
                child.wait().unwrap();
            }
            None => {
                std::io::copy(&mut out, &mut std::io::sink()).unwrap();
                assert!(child.wait().unwrap().success());
            }
        }
        t.elapsed()
    };
    // Calibrate: how long an uninterrupted edit takes after "ready".
    let full = (0..3).map(|_| run(None)).max().unwrap();
    assert_eq!(fs::read(&path).unwrap(), new);
    let (mut olds, mut news) = (0, 0);
    let mut micros = u64::try_from(full.as_micros()).unwrap();
    // 80 kills; on a loaded machine an edit may take much longer (or shorter) than it did while
    // calibrating, so that every kill lands before (or after) the rename: then up to 320 more,
    // re-calibrating every 40, until both outcomes were seen.
    let mut kills = 0;
    while kills < 80 || ((olds == 0 || news == 0) && kills < 400) {
        let i = kills;
        kills += 1;
        if i >= 80 && i % 40 == 0 {
            micros = u64::try_from(run(None).as_micros()).unwrap();
        }
        // Half the kills anywhere in the edit, half in its last 40% (serialise, write, fsync,
        // rename), where a non-atomic writer would leave a torn file.
        let delay = Duration::from_micros(if i % 2 == 0 {
            rng.next_u64() % (micros * 12 / 10 + 1)
        } else {
            micros * 6 / 10 + rng.next_u64() % (micros * 45 / 100 + 1)
        });
        run(Some(delay));
        let now = fs::read(&path).unwrap();
        if now == old {
            olds += 1;
        } else if now == new {
            news += 1;
        } else {
            panic!(
                "kill {i} after {delay:?}: file is neither old nor new ({} bytes; old {}, new {})",
                now.len(),
                old.len(),
                new.len()
            );
        }
        // Temp files are never the file itself. On Linux none stay behind (unnamed until the
        // rename); named ones, where unnamed files are unsupported, are removed by the next
        // writer (`file_links_and_temps`). Removed here so each kill starts clean.
        for e in fs::read_dir(dir.path()).unwrap() {
            let name = e.unwrap().file_name();
            if name != "htpasswd" {
                assert!(name.to_string_lossy().ends_with(".tmp"), "{name:?}");
                fs::remove_file(dir.path().join(name)).unwrap();
            }
        }
    }
    eprintln!(
        "{test}: {kills} kills (edit takes {full:?}): {olds} left the old content, {news} the new, \
         0 anything else; {:?}",
        started.elapsed()
    );
    assert!(
        olds > 0 && news > 0,
        "kills did not spread over the edit: {olds} old, {news} new"
    );
}

// ---------------------------------------------------------------------------------------------
// Single-file bind mount: rename over a mount point fails with EBUSY, so the edit is rewritten in
// place under the lock and reported. Needs a private mount namespace (root or user namespaces).

#[test]
fn single_file_bind_mount_falls_back_to_in_place_and_says_so() {
    let test = "file_write::single_file_bind_mount_falls_back_to_in_place_and_says_so";
    if worker_job().is_some() {
        let path = std::env::var("HTPASSWD_RS_FILE_PATH").unwrap();
        let done = edit_file(Path::new(&path), &EditOptions::default(), |f| {
            f.set(b"b", b"2")
        })
        .unwrap();
        println!("written={:?}", done.written);
        return;
    }
    let dir = TempDir::new("bind");
    let host = dir.path().join("host-file");
    let mount_dir = dir.path().join("mnt");
    fs::create_dir(&mount_dir).unwrap();
    let target = mount_dir.join("htpasswd");
    fs::write(&host, b"a:1\n").unwrap();
    fs::write(&target, b"").unwrap();
    let can_unshare = Command::new("unshare")
        .args(["--mount", "true"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !can_unshare {
        eprintln!(
            "\n!!! SKIPPED {test}: cannot create a mount namespace here (`unshare --mount` needs \
             root or user namespaces). !!!\n"
        );
        return;
    }
    // In a private mount namespace: bind-mount the host file over `target`, then run the worker
    // on `target`. The mount disappears with the namespace.
    let exe = std::env::current_exe().unwrap();
    let out = Command::new("unshare")
        .args(["--mount", "--propagation", "private", "sh", "-c"])
        .arg(r#"mount --bind "$1" "$2" && shift 2 && exec "$@""#)
        .arg("sh")
        .arg(&host)
        .arg(&target)
        .arg(&exe)
        .args([test, "--exact", "--nocapture", "--test-threads=1", "-q"])
        .env(crate::file_support::WORKER_ENV, "bind")
        .env("HTPASSWD_RS_FILE_PATH", &target)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(
        stdout.contains("written=InPlace(RenameImpossible(ResourceBusy))"),
        "{stdout}"
    );
    assert_eq!(fs::read(&host).unwrap(), b"a:1\nb:2\n");
    assert_eq!(fs::read(&target).unwrap(), b"", "the mount was not private");
    // Only the two files: no temporary file left behind.
    assert_eq!(fs::read_dir(&mount_dir).unwrap().count(), 1);
}
