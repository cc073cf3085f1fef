//! Prompts on a real pseudo-terminal: the same keystrokes typed into Apache's `htpasswd` and into
//! `htpasswd-rs` (each the session leader of its own pty, via `setsid -c`) must give the same
//! screen, never show the password, leave echo on, and write a file the other tool accepts.

use std::fs::{self, File, OpenOptions};
use std::io::{Read as _, Write as _};
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
use rustix::termios::{LocalModes, tcgetattr};

use crate::support::{apache_htpasswd, scratch_dir};

struct Pty {
    master: File,
    /// Kept open so the terminal's settings can be read after the child exits.
    slave: File,
    child: Child,
    screen: Arc<Mutex<Vec<u8>>>,
}

impl Pty {
    /// Runs `htpasswd ARGS` (found first in `bin_dir`) as the session leader of a new pty.
    fn spawn(bin_dir: &Path, dir: &Path, args: &[&str]) -> Self {
        let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).unwrap();
        grantpt(&master).unwrap();
        unlockpt(&master).unwrap();
        let name = ptsname(&master, Vec::new()).unwrap();
        let slave = OpenOptions::new()
            .read(true)
            .write(true)
            .open(name.to_str().unwrap())
            .unwrap();
        let path = std::env::var_os("PATH").unwrap_or_default();
        let mut dirs = vec![bin_dir.to_path_buf()];
        dirs.extend(std::env::split_paths(&path));
        let child = Command::new("setsid")
            .arg("-c")
            .arg("htpasswd")
            .args(args)
            .env("PATH", std::env::join_paths(dirs).unwrap())
            .current_dir(dir)
            .stdin(Stdio::from(slave.try_clone().unwrap()))
            .stdout(Stdio::from(slave.try_clone().unwrap()))
            .stderr(Stdio::from(slave.try_clone().unwrap()))
            .spawn()
            .unwrap();
        let master = File::from(master);
        let screen = Arc::new(Mutex::new(Vec::new()));
        let mut reader = master.try_clone().unwrap();
        let sink = Arc::clone(&screen);
        std::thread::spawn(move || {
            let mut buf = [0u8; 1024];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Self {
            master,
            slave,
            child,
            screen,
        }
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.screen.lock().unwrap()).into_owned()
    }

    /// Waits until the screen ends with `text`.
    fn expect(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.screen().ends_with(text) {
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {text:?}; screen: {:?}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Types `keys`, as a user would once the prompt is shown.
    fn type_keys(&mut self, keys: &str) {
        self.master.write_all(keys.as_bytes()).unwrap();
    }

    /// Waits for the exit; returns the code, the whole screen, and whether echo is on again.
    fn finish(mut self) -> (Option<i32>, String, bool) {
        let status = self.child.wait().unwrap();
        std::thread::sleep(Duration::from_millis(100));
        let echo = tcgetattr(&self.slave)
            .unwrap()
            .local_modes
            .contains(LocalModes::ECHO);
        (status.code(), self.screen(), echo)
    }
}

struct Setup {
    apache_dir: PathBuf,
    ours_dir: PathBuf,
}

fn setup(test: &str) -> Option<Setup> {
    let apache = apache_htpasswd(test)?;
    let ours_dir = scratch_dir("tty-ours-bin");
    symlink(env!("CARGO_BIN_EXE_htpasswd-rs"), ours_dir.join("htpasswd")).unwrap();
    Some(Setup {
        apache_dir: apache.parent().unwrap().to_path_buf(),
        ours_dir,
    })
}

/// Runs the same dialogue with both tools; returns (code, screen, file) for Apache and ours.
fn dialogue(
    s: &Setup,
    start: Option<&str>,
    args: &[&str],
    steps: &[(&str, &str)],
) -> [(Option<i32>, String, Option<Vec<u8>>); 2] {
    [&s.apache_dir, &s.ours_dir].map(|bin| {
        let dir = scratch_dir("tty");
        if let Some(content) = start {
            fs::write(dir.join("f"), content).unwrap();
        }
        let mut pty = Pty::spawn(bin, &dir, args);
        for (prompt, keys) in steps {
            pty.expect(prompt);
            pty.type_keys(keys);
        }
        let (code, screen, echo) = pty.finish();
        assert!(echo, "echo left off by {bin:?}; screen {screen:?}");
        let file = fs::read(dir.join("f")).ok();
        let _ = fs::remove_dir_all(&dir);
        (code, screen, file)
    })
}

#[test]
fn prompts_on_a_terminal_match_apache_and_never_echo() {
    let Some(s) = setup("prompts_on_a_terminal_match_apache_and_never_echo") else {
        return;
    };
    let new = [
        ("New password: ", "s3cret-pw\n"),
        ("Re-type new password: ", "s3cret-pw\n"),
    ];
    let [apache, ours] = dialogue(&s, None, &["-c", "f", "alice"], &new);
    assert_eq!(
        apache.1,
        "New password: \r\nRe-type new password: \r\nAdding password for user alice\r\n"
    );
    assert_eq!((ours.0, &ours.1), (apache.0, &apache.1));
    assert!(!ours.1.contains("s3cret"));
    // Each tool accepts the other's file.
    for (file, checker) in [(&apache.2, &s.ours_dir), (&ours.2, &s.apache_dir)] {
        let dir = scratch_dir("tty-check");
        fs::write(dir.join("f"), file.as_ref().unwrap()).unwrap();
        let out = Command::new(checker.join("htpasswd"))
            .args(["-vb", "f", "alice", "s3cret-pw"])
            .current_dir(&dir)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let _ = fs::remove_dir_all(&dir);
    }

    // The re-type check.
    let [apache, ours] = dialogue(
        &s,
        Some("x:1\n"),
        &["f", "alice"],
        &[
            ("New password: ", "one\n"),
            ("Re-type new password: ", "two\n"),
        ],
    );
    assert_eq!(apache.0, Some(3));
    assert!(
        apache
            .1
            .ends_with("htpasswd: password verification error\r\n")
    );
    assert_eq!((ours.0, &ours.1, &ours.2), (apache.0, &apache.1, &apache.2));

    // -v asks once.
    let sha = "alice:{SHA}UWuXg/ylF+7L0dBk2i0WUxCxl1k=\n";
    for (pw, code) in [("p\n", Some(0)), ("q\n", Some(3))] {
        let [apache, ours] = dialogue(
            &s,
            Some(sha),
            &["-v", "f", "alice"],
            &[("Enter password: ", pw)],
        );
        assert_eq!(apache.0, code);
        assert_eq!((ours.0, &ours.1), (apache.0, &apache.1));
    }

    // -n prints the record on the terminal after the prompts.
    let [apache, ours] = dialogue(&s, None, &["-ns", "bob"], &new);
    assert_eq!(ours.0, Some(0));
    assert_eq!(ours.1, apache.1);
    assert!(ours.1.contains("\r\nbob:{SHA}"), "{:?}", ours.1);
    let _ = fs::remove_dir_all(&s.ours_dir);
}
