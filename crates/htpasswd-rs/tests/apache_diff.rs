//! Differential suite: every scenario runs through Debian's Apache `htpasswd` and through
//! `htpasswd-rs` (each in its own copy of the starting file state), and the exit code, stdout,
//! stderr, the resulting file (line by line) and its mode must agree.
//!
//! - Both run under `setsid` so neither finds a controlling terminal: prompts go to stderr and
//!   answers come from stdin (glibc `getpass`'s fallback), whoever runs the tests.
//! - Ours runs as `htpasswd` (a symlink of that name, found on PATH), so `argv[0]` is the same and
//!   stderr is compared byte for byte: both name the program by `argv[0]`.
//! - Lines with fresh salts differ; such a pair must name the same user and scheme, Apache's
//!   hash must verify with our library and ours with `htpasswd -vb`.
//! - Read-only files and directories deny nothing to root; the suite runs them anyway (both tools
//!   must then succeed alike) and says so.
//!
//! Deliberate divergences (docs/COMPATIBILITY.md) are pinned one by one in
//! `documented_divergences`, with what each tool does.

use std::ffi::OsString;
use std::fs;
use std::os::unix::fs::{PermissionsExt as _, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use htpasswd_core::Scheme;

use crate::support::{apache_htpasswd, run_with_stdin, scratch_dir};

const SHA_P: &str = "{SHA}UWuXg/ylF+7L0dBk2i0WUxCxl1k=";
const APR1_PASSWORD: &str = "$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1";

#[derive(Clone, Copy, Debug)]
enum State {
    Missing,
    Text(&'static str),
    Dir,
    ReadOnlyFile(&'static str),
    ReadOnlyDir(&'static str),
    /// `f` is a symbolic link to `real` holding this text.
    Symlink(&'static str),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Cmp {
    Same,
    /// Ours keeps CRLF line endings where Apache writes LF (documented).
    IgnoringCr,
}

struct Scenario {
    name: String,
    args: Vec<OsString>,
    stdin: Vec<u8>,
    state: State,
    /// The password fresh hashes were made from, to cross-verify them.
    password: Option<Vec<u8>>,
    cmp: Cmp,
}

#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    file: Option<Vec<u8>>,
    mode: Option<u32>,
}

struct Tools {
    apache: PathBuf,
    setsid: Option<PathBuf>,
    /// A directory holding `htpasswd` -> our binary.
    ours_dir: PathBuf,
}

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    })
}

impl Tools {
    fn new(test: &str) -> Option<Self> {
        let apache = apache_htpasswd(test)?;
        let ours_dir = scratch_dir("ours-bin");
        symlink(env!("CARGO_BIN_EXE_htpasswd-rs"), ours_dir.join("htpasswd")).unwrap();
        Some(Self {
            apache,
            setsid: on_path("setsid"),
            ours_dir,
        })
    }

    fn command(&self, ours: bool) -> Command {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let mut dirs = vec![if ours {
            self.ours_dir.clone()
        } else {
            self.apache.parent().unwrap().to_path_buf()
        }];
        dirs.extend(std::env::split_paths(&path));
        let mut cmd = match &self.setsid {
            Some(setsid) => {
                let mut c = Command::new(setsid);
                c.arg("htpasswd");
                c
            }
            None => {
                use std::os::unix::process::CommandExt as _;
                let mut c = Command::new(if ours {
                    self.ours_dir.join("htpasswd")
                } else {
                    self.apache.clone()
                });
                c.arg0("htpasswd");
                c
            }
        };
        cmd.env("PATH", std::env::join_paths(dirs).unwrap());
        cmd
    }

    /// `htpasswd -vb` on a one-line file: does Apache accept `hash` for `password`?
    fn apache_accepts(&self, user: &[u8], hash: &[u8], password: &[u8]) -> bool {
        use std::os::unix::ffi::OsStrExt as _;
        let dir = scratch_dir("xverify");
        let f = dir.join("f");
        fs::write(&f, [user, b":", hash, b"\n"].concat()).unwrap();
        let out = Command::new(&self.apache)
            .arg("-vb")
            .arg(&f)
            .arg(std::ffi::OsStr::from_bytes(user))
            .arg(std::ffi::OsStr::from_bytes(password))
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let _ = fs::remove_dir_all(&dir);
        out.status.code() == Some(0)
    }
}

fn setup(dir: &Path, state: State) {
    let f = dir.join("f");
    match state {
        State::Missing => {}
        State::Text(t) => fs::write(&f, t).unwrap(),
        State::Dir => fs::create_dir(&f).unwrap(),
        State::ReadOnlyFile(t) => {
            fs::write(&f, t).unwrap();
            fs::set_permissions(&f, fs::Permissions::from_mode(0o444)).unwrap();
        }
        State::ReadOnlyDir(t) => {
            fs::write(&f, t).unwrap();
            fs::set_permissions(dir, fs::Permissions::from_mode(0o555)).unwrap();
        }
        State::Symlink(t) => {
            fs::write(dir.join("real"), t).unwrap();
            symlink("real", &f).unwrap();
        }
    }
}

fn run(tools: &Tools, ours: bool, sc: &Scenario) -> Run {
    let dir = scratch_dir(if ours { "diff-ours" } else { "diff-apache" });
    setup(&dir, sc.state);
    let mut cmd = tools.command(ours);
    cmd.args(&sc.args).current_dir(&dir);
    let out = run_with_stdin(cmd, &sc.stdin);
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
    let f = dir.join("f");
    let (file, mode) = match fs::metadata(&f) {
        Ok(m) if m.is_file() => (Some(fs::read(&f).unwrap()), Some(m.permissions().mode())),
        _ => (None, None),
    };
    let mut leftovers: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n != "f" && !(n == "real" && matches!(sc.state, State::Symlink(_))))
        .collect();
    if matches!(sc.state, State::Symlink(_)) {
        assert!(
            fs::symlink_metadata(&f).unwrap().file_type().is_symlink(),
            "{}: the symbolic link was replaced",
            sc.name
        );
    }
    leftovers.sort();
    assert!(
        leftovers.is_empty(),
        "{}: files left behind: {leftovers:?}",
        sc.name
    );
    let _ = fs::remove_dir_all(&dir);
    Run {
        code: out.status.code(),
        stdout: out.stdout,
        stderr: out.stderr,
        file,
        mode,
    }
}

/// Compares two outputs line by line; differing lines must be fresh hashes of the same user and
/// scheme that each tool accepts.
fn compare_lines(
    tools: &Tools,
    what: &str,
    apache: &[u8],
    ours: &[u8],
    sc: &Scenario,
) -> Result<(), String> {
    let norm = |l: &[u8]| -> Vec<u8> {
        let mut l = l.to_vec();
        if sc.cmp == Cmp::IgnoringCr && l.last() == Some(&b'\r') {
            l.pop();
        }
        l
    };
    let a: Vec<Vec<u8>> = apache.split(|&b| b == b'\n').map(norm).collect();
    let o: Vec<Vec<u8>> = ours.split(|&b| b == b'\n').map(norm).collect();
    if a.len() != o.len() {
        return Err(format!(
            "{what}: {} lines vs {} lines\napache: {:?}\nours:   {:?}",
            a.len(),
            o.len(),
            String::from_utf8_lossy(apache),
            String::from_utf8_lossy(ours)
        ));
    }
    for (la, lo) in a.iter().zip(&o) {
        if la == lo {
            continue;
        }
        let split = |l: &[u8]| {
            let i = l.iter().position(|&b| b == b':')?;
            Some((l[..i].to_vec(), l[i + 1..].to_vec()))
        };
        let (Some((ua, ha)), Some((uo, ho))) = (split(la), split(lo)) else {
            return Err(format!(
                "{what}: line {:?} vs {:?}",
                String::from_utf8_lossy(la),
                String::from_utf8_lossy(lo)
            ));
        };
        let scheme = Scheme::classify(&ha);
        if ua != uo || scheme != Scheme::classify(&ho) {
            return Err(format!(
                "{what}: {:?} vs {:?}: user or scheme differs",
                String::from_utf8_lossy(la),
                String::from_utf8_lossy(lo)
            ));
        }
        let pw = sc
            .password
            .as_deref()
            .ok_or_else(|| format!("{what}: fresh hashes but no password to check them"))?;
        if htpasswd_core::crypt::verify(pw, &ha) != Ok(true) {
            return Err(format!(
                "{what}: our library rejects Apache's {scheme} hash"
            ));
        }
        if !tools.apache_accepts(&uo, &ho, pw) {
            return Err(format!("{what}: htpasswd -vb rejects our {scheme} hash"));
        }
    }
    Ok(())
}

fn compare(tools: &Tools, sc: &Scenario, a: &Run, o: &Run) -> Result<(), String> {
    if a.code != o.code {
        return Err(format!("exit code {:?} vs {:?}", a.code, o.code));
    }
    if a.stderr != o.stderr {
        return Err(format!(
            "stderr differs\napache: {:?}\nours:   {:?}",
            String::from_utf8_lossy(&a.stderr),
            String::from_utf8_lossy(&o.stderr)
        ));
    }
    compare_lines(tools, "stdout", &a.stdout, &o.stdout, sc)?;
    match (&a.file, &o.file) {
        (None, None) => {}
        (Some(fa), Some(fo)) => compare_lines(tools, "file", fa, fo, sc)?,
        _ => {
            return Err(format!(
                "file exists for one tool only: apache {:?}, ours {:?}",
                a.file.as_deref().map(String::from_utf8_lossy),
                o.file.as_deref().map(String::from_utf8_lossy)
            ));
        }
    }
    if a.mode != o.mode {
        return Err(format!("file mode {:?} vs {:?}", a.mode, o.mode));
    }
    Ok(())
}

struct Builder(Vec<Scenario>);

impl Builder {
    fn add(
        &mut self,
        name: impl Into<String>,
        args: &[&str],
        stdin: &str,
        state: State,
        password: Option<&str>,
    ) {
        self.add_bytes(
            name,
            args.iter().map(|a| OsString::from(*a)).collect(),
            stdin.as_bytes(),
            state,
            password.map(str::as_bytes),
        );
    }

    fn add_bytes(
        &mut self,
        name: impl Into<String>,
        args: Vec<OsString>,
        stdin: &[u8],
        state: State,
        password: Option<&[u8]>,
    ) {
        let cmp = match state {
            State::Text(t) if t.contains('\r') => Cmp::IgnoringCr,
            _ => Cmp::Same,
        };
        self.0.push(Scenario {
            name: name.into(),
            args,
            stdin: stdin.to_vec(),
            state,
            password: password.map(<[u8]>::to_vec),
            cmp,
        });
    }
}

fn rep(c: char, n: usize) -> String {
    std::iter::repeat_n(c, n).collect()
}

fn scenarios() -> Vec<Scenario> {
    use State::*;
    let mut b = Builder(Vec::new());

    // Syntax, options and argument limits (no file is touched).
    for args in [
        &[][..],
        &["-n"],
        &["-x", "f", "u"],
        &["-C"],
        &["-nbC"],
        &["-cn", "f", "u"],
        &["-cD", "f", "u"],
        &["-cv", "f", "u"],
        &["-nD", "u"],
        &["-nv", "u"],
        &["-Dv", "f", "u"],
        &["-n", "-c", "u"],
        &["-nb", "u"],
        &["-nb", "u", "p", "x"],
        &["-b", "f", "u"],
        &["-bn", "u"],
        &["-nbi", "u", "p"],
        &["-nbC", "0", "u", "p"],
        &["-nbC", "-1", "u", "p"],
        &["-nbC", "abc", "u", "p"],
        &["-nbB", "-C", "0x5", "u", "p"],
        &["-nbBC5m", "u", "p"],
        &["-nb", "-r", "", "u", "p"],
        &["-nb2", "-r", "1e3", "u", "p"],
        &["-pnbx", "u", "p"],
        &["-nb", "-", "u", "p"],
        &["-nb", "u:x", "p"],
        &["-nb", ":", "p"],
        &["-b", "f", "a:b", "p"],
        &["-nbB", "-C", "3", "u", "p"],
        &["-nbB", "-C", "18", "u", "p"],
        &["-nbB", "-r", "3", "u", "p"],
        &["-nbD", "u", "p"],
        &["-D", "f"],
        &["-v", "f"],
        &["-nbp", "u", "p"],
        &["-nbpp", "u", "p"],
        &["-nbps", "u", "p"],
        &["-nbsC5", "u", "p"],
        &["-nbpr", "5000", "u", "p"],
        &["-nbmC", "5", "u", "p"],
        &["-nbdC", "5", "u", "12345678"],
        &["-nbs", "--", "u", "p"],
        &["-nbs", "--", "-u", "p"],
        &["-nbs", "", "p"],
        &["-nbp", "u", ""],
        &["-nbs", "u", ""],
        &["-nbp", "u", "$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1"],
        &["-nbs", "u", "pässwörd"],
        &["-nbs", "ü", "p w"],
        &["-nbd", "u", "12345678"],
        &["-nbd", "u", "123456789"],
        &["-nbs", "-m", "-s", "u", "p"],
    ] {
        // Where a hash is made, the password is the last argument.
        b.add(
            format!("syntax {args:?}"),
            args,
            "",
            Missing,
            args.last().copied(),
        );
    }
    b.add(
        "-b after -i wins",
        &["-nibs", "u", "p"],
        "q\n",
        Missing,
        Some("p"),
    );
    b.add(
        "-i after -b wins",
        &["-nbis", "u"],
        "q\n",
        Missing,
        Some("q"),
    );
    b.add(
        "-C and -r share one value",
        &["-nb5", "-C", "1000", "u", "p"],
        "",
        Missing,
        Some("p"),
    );
    b.add(
        "-r sets the bcrypt cost",
        &["-nbB", "-r", "4", "u", "p"],
        "",
        Missing,
        Some("p"),
    );
    b.add(
        "-C +6 and spaces",
        &["-nbB", "-C", " +4", "u", "p"],
        "",
        Missing,
        Some("p"),
    );
    b.add(
        "-nb2 -r 1000",
        &["-nb2", "-r", "1000", "u", "p"],
        "",
        Missing,
        Some("p"),
    );
    b.add(
        "-nb5 -r 5000",
        &["-nb5", "-r5000", "u", "p"],
        "",
        Missing,
        Some("p"),
    );
    b.add(
        "-nbB -C 4",
        &["-nbBC", "4", "u", "p"],
        "",
        Missing,
        Some("p"),
    );
    // Limits: username 255, -b password 255, `user:hash` + newline < 256.
    for (user, alg) in [
        (rep('u', 255), "-nbs"),
        (rep('u', 256), "-nbs"),
        (rep('u', 220), "-nbs"),
        (rep('u', 221), "-nbs"),
        (rep('u', 216), "-nbm"),
        (rep('u', 217), "-nbm"),
        (rep('u', 256), "-b"),
    ] {
        let args: Vec<&str> = if alg == "-b" {
            vec![alg, "f", &user, "p"]
        } else {
            vec![alg, &user, "p"]
        };
        b.add(
            format!("limit user {} {alg}", user.len()),
            &args,
            "",
            Missing,
            Some("p"),
        );
    }
    for n in [254, 255, 256, 300] {
        let pw = rep('x', n);
        b.add(
            format!("limit -b password {n}"),
            &["-nbs", "u", &pw],
            "",
            Missing,
            Some(&pw),
        );
    }

    // -n with every algorithm, from -b, -i and the prompt.
    for alg in ["-m", "-s", "-p", "-d", "-B", "-2", "-5", ""] {
        let n = format!("-n{}", alg.trim_start_matches('-'));
        let nb = format!("-nb{}", alg.trim_start_matches('-'));
        let ni = format!("-ni{}", alg.trim_start_matches('-'));
        b.add(
            format!("{nb} u secret"),
            &[&nb, "u", "secret"],
            "",
            Missing,
            Some("secret"),
        );
        b.add(
            format!("{ni} u"),
            &[&ni, "u"],
            "secret\n",
            Missing,
            Some("secret"),
        );
        b.add(
            format!("{n} u (prompt)"),
            &[&n, "u"],
            "secret\nsecret\n",
            Missing,
            Some("secret"),
        );
    }

    // -i: all of stdin, one trailing newline (and a CR before it) removed, at most 255 bytes.
    for input in [
        "p\n".to_owned(),
        "p\r\n".to_owned(),
        "p".to_owned(),
        "p\n\n".to_owned(),
        "p\r".to_owned(),
        String::new(),
        "\n".to_owned(),
        "a\nb\n".to_owned(),
        rep('x', 255),
        rep('x', 254) + "\n",
        rep('x', 255) + "\n",
        rep('x', 256),
        rep('x', 1000),
    ] {
        b.add(
            format!("-i stdin {:?}", input.get(..8).unwrap_or(&input)),
            &["-nis", "u"],
            &input,
            Missing,
            None,
        );
    }

    // Prompts without a terminal: stderr prompts, lines from stdin, the re-type check.
    let p256 = rep('x', 256);
    let p257 = rep('x', 257);
    for input in [
        "a\na\n".to_owned(),
        "a\nb\n".to_owned(),
        String::new(),
        "a".to_owned(),
        "a\n".to_owned(),
        "a\r\na\r\n".to_owned(),
        "\n\n".to_owned(),
        format!("{p256}\n{p256}\n"),
        format!("{p257}\n{p257}\n"),
        format!("a\n{p257}\n"),
    ] {
        b.add(
            format!("prompt {:?}", input.get(..8).unwrap_or(&input)),
            &["-ns", "u"],
            &input,
            Missing,
            None,
        );
    }
    b.add(
        "prompt -c mismatch",
        &["-c", "f", "u"],
        "a\nb\n",
        Text("x:1\n"),
        None,
    );

    // File states x operations.
    let normal: &'static str =
        Box::leak(format!("a:{SHA_P}\nb:{APR1_PASSWORD}\n").into_boxed_str());
    let states: Vec<(&str, State)> = vec![
        ("missing", Missing),
        ("empty", Text("")),
        ("comments", Text("# users\n\n   \n#a:x\n")),
        ("normal", Text(normal)),
        (
            "duplicates",
            Text(Box::leak(
                format!("a:{SHA_P}\nb:{APR1_PASSWORD}\na:{SHA_P}\n").into_boxed_str(),
            )),
        ),
        (
            "duplicate mismatch",
            Text(Box::leak(
                format!("a:{SHA_P}\na:{APR1_PASSWORD}\n").into_boxed_str(),
            )),
        ),
        (
            "bad line first",
            Text(Box::leak(format!("bad\na:{SHA_P}\n").into_boxed_str())),
        ),
        (
            "bad line between",
            Text(Box::leak(
                format!("a:{SHA_P}\nbad line\nb:{APR1_PASSWORD}\n").into_boxed_str(),
            )),
        ),
        (
            "bad line last",
            Text(Box::leak(
                format!("a:{SHA_P}\nb:x\nno colon").into_boxed_str(),
            )),
        ),
        (
            "crlf",
            Text(Box::leak(
                format!("a:{SHA_P}\r\nb:{APR1_PASSWORD}\r\n").into_boxed_str(),
            )),
        ),
        (
            "leading white space",
            Text(Box::leak(
                format!("  a:{SHA_P}\n\tb:{APR1_PASSWORD}\n").into_boxed_str(),
            )),
        ),
        (
            "third field elsewhere",
            Text(Box::leak(
                format!("c:{SHA_P}:note\na:{SHA_P}\n").into_boxed_str(),
            )),
        ),
        ("empty hash", Text("a:\nb:x\n")),
        (
            // yescrypt as /etc/shadow and mkpasswd hold it (libxcrypt crypt("p", ...)): Apache
            // checks it through crypt(), ours with its own yescrypt.
            "yescrypt",
            Text(Box::leak(
                format!("a:$y$j75$Z3.gDU2.V4rsDrGVWHdnY.$iFnizdD3bH7Cmz9sjNX/Q28prr9hu8a6vXvhwjSub1/\nb:{APR1_PASSWORD}\n").into_boxed_str(),
            )),
        ),
        ("directory", Dir),
        ("read-only file", ReadOnlyFile(normal)),
        ("read-only dir", ReadOnlyDir(normal)),
        ("symbolic link", Symlink(normal)),
    ];
    for (sname, state) in states {
        let ops: [(&str, &[&str], &str, Option<&str>); 12] = [
            ("add -b", &["-b", "f", "new", "p"], "", Some("p")),
            ("update -b", &["-b", "f", "a", "p"], "", Some("p")),
            ("update -bs", &["-bs", "f", "b", "p"], "", Some("p")),
            ("create -cb", &["-cb", "f", "a", "p"], "", Some("p")),
            ("delete", &["-D", "f", "a"], "", None),
            ("delete absent", &["-D", "f", "zz"], "", None),
            ("verify ok", &["-bv", "f", "a", "p"], "", None),
            ("verify wrong", &["-bv", "f", "a", "wrong"], "", None),
            ("verify absent", &["-bv", "f", "zz", "p"], "", None),
            ("verify -i", &["-iv", "f", "a"], "p\n", None),
            ("add -i", &["-i", "f", "new"], "p\n", Some("p")),
            ("add prompt", &["-s", "f", "new"], "p\np\n", Some("p")),
        ];
        for (oname, args, stdin, pw) in ops {
            b.add(format!("{sname}: {oname}"), args, stdin, state, pw);
        }
    }
    b.0
}

#[test]
fn differential_against_apache_htpasswd() {
    let Some(tools) = Tools::new("differential_against_apache_htpasswd") else {
        return;
    };
    let scenarios = scenarios();
    assert!(scenarios.len() >= 150, "only {} scenarios", scenarios.len());
    let mut failures = Vec::new();
    let mut denied = 0;
    for sc in &scenarios {
        let a = run(&tools, false, sc);
        let o = run(&tools, true, sc);
        if matches!(sc.state, State::ReadOnlyFile(_) | State::ReadOnlyDir(_)) && a.code == Some(1) {
            denied += 1;
        }
        if let Err(e) = compare(&tools, sc, &a, &o) {
            failures.push(format!("--- {}: {e}", sc.name));
        }
        if let Some(pw) = sc.password.as_deref().filter(|p| p.len() >= 5)
            && o.stderr.windows(pw.len()).any(|w| w == pw)
        {
            failures.push(format!("--- {}: our stderr shows the password", sc.name));
        }
    }
    if denied == 0 {
        eprintln!(
            "note: permissions deny nothing to this user (root): the read-only \
             scenarios checked that both tools succeed alike"
        );
    }
    let _ = fs::remove_dir_all(&tools.ours_dir);
    eprintln!("{} scenarios compared", scenarios.len());
    assert!(
        failures.is_empty(),
        "{} of {} scenarios differ:\n{}",
        failures.len(),
        scenarios.len(),
        failures.join("\n")
    );
}

/// Runs one command line through both tools.
fn both(tools: &Tools, args: &[&[u8]], stdin: &[u8], state: State) -> (Run, Run) {
    use std::os::unix::ffi::OsStrExt as _;
    let sc = Scenario {
        name: format!("{args:?}"),
        args: args
            .iter()
            .map(|a| std::ffi::OsStr::from_bytes(a).to_os_string())
            .collect(),
        stdin: stdin.to_vec(),
        state,
        password: None,
        cmp: Cmp::Same,
    };
    (run(tools, false, &sc), run(tools, true, &sc))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Each divergence listed in docs/COMPATIBILITY.md, with what Apache does and what we do.
#[test]
fn documented_divergences() {
    let Some(tools) = Tools::new("documented_divergences") else {
        return;
    };
    let sha_p = SHA_P.as_bytes();

    // SHA-crypt rounds out of range: Apache stores "*0" (no password opens it) and exits 0.
    for alg in [&b"-nb2"[..], b"-nb5"] {
        for r in [&b"999"[..], b"1000000000"] {
            let (a, o) = both(&tools, &[alg, b"-r", r, b"u", b"p"], b"", State::Missing);
            assert_eq!((a.code, text(&a.stdout)), (Some(0), "u:*0\n\n".into()));
            assert_eq!(o.code, Some(2));
            assert!(o.stdout.is_empty());
            assert!(
                text(&o.stderr).starts_with(
                    "htpasswd: argument to -r must be from 1000 to 999999999 for SHA-256 and SHA-512"
                ),
                "{}",
                text(&o.stderr)
            );
        }
    }
    let (a, o) = both(
        &tools,
        &[b"-b5", b"-r", b"999", b"f", b"u", b"p"],
        b"",
        State::Text("a:x\n"),
    );
    assert_eq!(
        (a.code, a.file.as_deref()),
        (Some(0), Some(&b"a:x\nu:*0\n"[..]))
    );
    assert_eq!((o.code, o.file.as_deref()), (Some(2), Some(&b"a:x\n"[..])));

    // A last line without newline: Apache glues the new record onto it.
    let (a, o) = both(&tools, &[b"-bs", b"f", b"b", b"p"], b"", State::Text("a:x"));
    assert_eq!(a.file.unwrap(), [&b"a:xb:"[..], sha_p, b"\n"].concat());
    assert_eq!(o.file.unwrap(), [&b"a:x\nb:"[..], sha_p, b"\n"].concat());
    assert_eq!((a.code, a.stderr), (o.code, o.stderr));

    // CRLF files: we keep CRLF on replaced lines and use it for appended ones; Apache writes LF.
    let (a, o) = both(
        &tools,
        &[b"-bs", b"f", b"b", b"p"],
        b"",
        State::Text("a:x\r\nb:y\r\n"),
    );
    assert_eq!(a.file.unwrap(), [&b"a:x\r\nb:"[..], sha_p, b"\n"].concat());
    assert_eq!(
        o.file.unwrap(),
        [&b"a:x\r\nb:"[..], sha_p, b"\r\n"].concat()
    );
    let (a, o) = both(
        &tools,
        &[b"-bs", b"f", b"c", b"p"],
        b"",
        State::Text("a:x\r\n"),
    );
    assert_eq!(a.file.unwrap(), [&b"a:x\r\nc:"[..], sha_p, b"\n"].concat());
    assert_eq!(
        o.file.unwrap(),
        [&b"a:x\r\nc:"[..], sha_p, b"\r\n"].concat()
    );

    // A third field (nginx comment) survives an update with us; Apache drops it.
    let (a, o) = both(
        &tools,
        &[b"-bs", b"f", b"a", b"p"],
        b"",
        State::Text("a:x:note\n"),
    );
    assert_eq!(a.file.unwrap(), [&b"a:"[..], sha_p, b"\n"].concat());
    assert_eq!(o.file.unwrap(), [&b"a:"[..], sha_p, b":note\n"].concat());
    // ... and -v checks the hash field alone (as servers do); Apache checks "hash:note".
    let with_note: &'static str = Box::leak(format!("a:{SHA_P}:note\n").into_boxed_str());
    let (a, o) = both(
        &tools,
        &[b"-bv", b"f", b"a", b"p"],
        b"",
        State::Text(with_note),
    );
    assert_eq!(
        (a.code, text(&a.stderr)),
        (Some(3), "password verification failed\n".into())
    );
    assert_eq!(
        (o.code, text(&o.stderr)),
        (Some(0), "Password for user a correct.\n".into())
    );

    // Usernames no server would read back as that user.
    for (user, why) in [
        (
            &b"#u"[..],
            "username starts with '#'; servers read such a line as a comment",
        ),
        (
            b" u",
            "username starts with white space, which Apache skips when reading the file",
        ),
        (b"u\nv", "username contains a line feed at byte 1"),
        (b"u\rv", "username contains a carriage return at byte 1"),
    ] {
        let (a, o) = both(&tools, &[b"-nbs", user, b"p"], b"", State::Missing);
        assert_eq!(a.code, Some(0));
        assert_eq!(o.code, Some(6));
        assert_eq!(text(&o.stderr), format!("htpasswd: {why}\n"));
    }

    // -p with a password holding ':' (or CR): Apache writes a line that ends the field early.
    let (a, o) = both(&tools, &[b"-nbp", b"u", b"a:b"], b"", State::Missing);
    assert_eq!((a.code, text(&a.stdout)), (Some(0), "u:a:b\n\n".into()));
    assert_eq!(o.code, Some(9));
    assert_eq!(
        text(&o.stderr),
        "Warning: storing passwords as plain text might just not work on this platform.\n\
         htpasswd: cannot store this password in plain text: it contains ':' at byte 1\n"
    );

    // A NUL in the password: Apache silently hashes the bytes before it.
    let (a, o) = both(&tools, &[b"-nis", b"u"], b"p\0q", State::Missing);
    assert_eq!(
        (a.code, text(&a.stdout)),
        (Some(0), format!("u:{SHA_P}\n\n"))
    );
    assert_eq!(o.code, Some(9));
    assert_eq!(
        text(&o.stderr),
        "htpasswd: the password contains a NUL byte\n"
    );

    // -c on a missing file, then a failed re-type: Apache leaves an empty file behind.
    let (a, o) = both(&tools, &[b"-c", b"f", b"u"], b"a\nb\n", State::Missing);
    assert_eq!((a.code, a.file.as_deref()), (Some(3), Some(&b""[..])));
    assert_eq!((o.code, o.file.as_deref()), (Some(3), None));
    assert_eq!(a.stderr, o.stderr);

    // -v of a gost-yescrypt hash: Apache asks crypt(3) (libxcrypt knows $gy$); we check only
    // the schemes of our table ($y$ yescrypt is in it, $gy$ is not), so it fails as a mismatch.
    let (a, o) = both(
        &tools,
        &[b"-bv", b"f", b"u", b"p"],
        b"",
        State::Text(
            "u:$gy$j9T$RxAtc5LnjpB1A.2vPPiyX1$6LPfMjmme0wtwmEJq9Bo0tXp6XmZOZ6f0MNNaNkGH3.\n",
        ),
    );
    assert_eq!(a.code, Some(0));
    assert_eq!(
        (o.code, text(&o.stderr)),
        (Some(3), "password verification failed\n".into())
    );

    // Lines over 254 bytes: Apache reads them in 255-byte pieces and refuses the file (or, for
    // -v, checks a cut hash); we keep them whole and edit the file.
    let long: &'static str = Box::leak(format!("a:x\nb:{}\n", "L".repeat(300)).into_boxed_str());
    let (a, o) = both(&tools, &[b"-bs", b"f", b"a", b"p"], b"", State::Text(long));
    assert_eq!(a.code, Some(7));
    assert_eq!(o.code, Some(0));
    assert_eq!(
        o.file.unwrap(),
        [
            &b"a:"[..],
            sha_p,
            b"\nb:",
            "L".repeat(300).as_bytes(),
            b"\n"
        ]
        .concat()
    );
    let _ = fs::remove_dir_all(&tools.ours_dir);
}
