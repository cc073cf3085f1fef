//! Issue 19 items 10 and 11: a dangling symbolic link is followed and its target created, as
//! Apache's htpasswd does (it used to loop 10,000 create/fsync/unlink cycles and fail with
//! "replaced by other writers"), and writers killed with SIGKILL leave no temporary file behind.

use std::fs;
use std::io::{BufRead as _, BufReader};
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use htpasswd_core::htpasswd::{
    Create, EditOptions, FileError, HtpasswdFile, Which, Written, edit_file,
};

use crate::file_support::{TempDir, spawn_worker, worker_job};
use crate::support;

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn create(path: &Path) -> Result<Written, FileError<htpasswd_core::htpasswd::EditError>> {
    let opts = EditOptions::default().create(Create::Umask);
    edit_file(path, &opts, |f| f.set(b"u", b"h")).map(|done| done.written)
}

#[test]
fn a_dangling_link_is_kept_and_its_target_created_like_apache() {
    let test = "a_dangling_link_is_kept_and_its_target_created_like_apache";
    let dir = TempDir::new("dangling");
    let d = dir.path();
    // A link to a missing file, and a chain of two links ending at one.
    symlink("real", d.join("link")).unwrap();
    symlink("link3", d.join("link2")).unwrap();
    symlink(d.join("real3"), d.join("link3")).unwrap();
    for (link, real) in [("link", "real"), ("link2", "real3")] {
        let start = Instant::now();
        assert_eq!(create(&d.join(link)).unwrap(), Written::Created, "{link}");
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "{link}: {:?}",
            start.elapsed()
        );
        assert!(
            fs::symlink_metadata(d.join(link))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(d.join(real)).unwrap(), b"u:h\n", "{link}");
        // The next edit goes through the link to the same file.
        let opts = EditOptions::default();
        edit_file(d.join(link), &opts, |f| f.set(b"v", b"2")).unwrap();
        assert_eq!(fs::read(d.join(real)).unwrap(), b"u:h\nv:2\n", "{link}");
    }
    // Without permission to create, a dangling link is a missing file.
    symlink("nothing", d.join("nolink")).unwrap();
    let err = edit_file(d.join("nolink"), &EditOptions::default(), |f| {
        f.set(b"u", b"h")
    })
    .unwrap_err();
    assert!(
        matches!(&err, FileError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound),
        "{err:?}"
    );
    // A link into a missing directory, and a loop of links: a plain error at once, not
    // "replaced by other writers" after 10,000 attempts.
    symlink("missing-dir/real", d.join("deep")).unwrap();
    symlink("loop2", d.join("loop1")).unwrap();
    symlink("loop1", d.join("loop2")).unwrap();
    for (link, errno) in [
        ("deep", rustix::io::Errno::NOENT),
        ("loop1", rustix::io::Errno::LOOP),
    ] {
        let start = Instant::now();
        let err = create(&d.join(link)).unwrap_err();
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "{link}: {:?}",
            start.elapsed()
        );
        match &err {
            FileError::Io { source, .. } => {
                assert_eq!(
                    source.raw_os_error(),
                    Some(errno.raw_os_error()),
                    "{link}: {err}"
                );
            }
            other => panic!("{link}: {other:?}"),
        }
    }
    let left = names(d);
    assert_eq!(
        left,
        [
            "deep", "link", "link2", "link3", "loop1", "loop2", "nolink", "real", "real3"
        ],
        "no temporary file left"
    );
    // Apache's htpasswd -c does the same with a dangling link.
    if let Some(apache) = support::reference_tool("htpasswd", test) {
        symlink("theirs", d.join("their-link")).unwrap();
        let out = Command::new(apache)
            .args(["-cbp", "their-link", "u", "h"])
            .current_dir(d)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        assert!(
            fs::symlink_metadata(d.join("their-link"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(d.join("theirs")).unwrap(), b"u:h\n");
    }
}

#[test]
fn stale_temp_files_of_dead_writers_are_removed_under_the_lock() {
    let dir = TempDir::new("stale");
    let d = dir.path();
    fs::write(d.join("htpasswd"), b"a:1\n").unwrap();
    // A process that has ended (and been reaped): its PID names no process now.
    let mut gone = Command::new("true").spawn().unwrap();
    let dead = gone.id();
    gone.wait().unwrap();
    let own = std::process::id();
    let stale = format!(".htpasswd.{dead}.0.tmp");
    let kept = [
        format!(".htpasswd.{own}.7.tmp"), // a live writer: this process
        ".htpasswd.1.0.tmp".to_owned(),   // a live writer: PID 1
        ".htpasswd.x.0.tmp".to_owned(),   // not our pattern
        format!(".other.{dead}.0.tmp"),   // another file's
        format!(".htpasswd.{dead}.0.tmp.keep"),
    ];
    fs::write(d.join(&stale), b"half a file").unwrap();
    for k in &kept {
        fs::write(d.join(k), b"x").unwrap();
    }
    fs::create_dir(d.join(format!(".htpasswd.{dead}.1.tmp"))).unwrap();
    edit_file(d.join("htpasswd"), &EditOptions::default(), |f| {
        f.set(b"b", b"2")
    })
    .unwrap();
    let left = names(d);
    assert!(!left.contains(&stale), "{left:?}");
    for k in &kept {
        assert!(left.contains(k), "{k} removed: {left:?}");
    }
    assert!(
        left.contains(&format!(".htpasswd.{dead}.1.tmp")),
        "{left:?}"
    );
    assert_eq!(left.len(), kept.len() + 2, "{left:?}");
    assert_eq!(fs::read(d.join("htpasswd")).unwrap(), b"a:1\nb:2\n");
}

fn big_file(lines: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(lines * 50);
    for i in 0..lines {
        out.extend_from_slice(
            format!("user{i}:$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1\n").as_bytes(),
        );
    }
    out
}

#[test]
fn writers_killed_at_random_moments_leave_no_temp_file() {
    let test = "file_links_and_temps::writers_killed_at_random_moments_leave_no_temp_file";
    if worker_job().is_some() {
        let path = std::env::var("HTPASSWD_RS_FILE_PATH").unwrap();
        println!("ready");
        edit_file(Path::new(&path), &EditOptions::default(), |f| {
            f.update(b"user1", b"{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=", Which::All)?;
            f.set(b"killed", b"$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/")
        })
        .unwrap();
        println!("done");
        return;
    }
    let mut rng = support::Rng::new(support::seed(test));
    let dir = TempDir::new("killed");
    let path = dir.path().join("htpasswd");
    // About 3.4 MB: the write is long enough to be killed in.
    let old = big_file(70_000);
    let env = [("HTPASSWD_RS_FILE_PATH", path.display().to_string())];
    let run = |delay: Option<Duration>| -> Duration {
        fs::write(&path, &old).unwrap();
        let mut child = spawn_worker(test, "kill", &env);
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
    let full = (0..2).map(|_| run(None)).max().unwrap();
    let micros = u64::try_from(full.as_micros()).unwrap();
    let kills = 40;
    let mut left_by_kills = 0;
    for _ in 0..kills {
        run(Some(Duration::from_micros(rng.next_u64() % (micros + 1))));
        let now = names(dir.path());
        left_by_kills += now.len() - 1;
        assert!(
            now.iter().all(|n| n == "htpasswd" || n.ends_with(".tmp")),
            "{now:?}"
        );
    }
    // Whatever the kills left is removed by the next writer, under the lock.
    run(None);
    assert_eq!(names(dir.path()), ["htpasswd"]);
    let file = HtpasswdFile::parse(&fs::read(&path).unwrap());
    assert!(file.get(b"killed").is_some());
    eprintln!(
        "{test}: {kills} SIGKILLs during edits of {full:?}: {left_by_kills} temporary file(s) \
         seen right after them, none after the next edit"
    );
}
