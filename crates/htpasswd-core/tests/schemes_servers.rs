//! End to end with real servers: nginx and Apache httpd (Debian packages) started on 127.0.0.1
//! with configurations written to a temporary directory (no global configuration touched, high
//! ports chosen by the kernel), guarding one location with an htpasswd file that holds one user
//! per scheme we generate (and the other bcrypt versions, and a yescrypt hash from libxcrypt). For each user the right password
//! must get 200 where the target table says the server checks the scheme, a wrong password and
//! an unknown user always 401. Which schemes each server accepted is printed as a table (copied
//! to docs/COMPATIBILITY.md); a refusal where the table promises support fails the test.
//!
//! Servers run in the foreground (`nginx` with `master_process off`, `apache2 -X`) and are
//! stopped by a drop guard, so they stop even when an assertion fails; every wait is bounded.

use std::fs;
use std::io::{Read as _, Write as _};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use base64ct::{Base64, Encoding as _};
use htpasswd_core::crypt::bcrypt::{BcryptHash, LongPassword};
use htpasswd_core::crypt::{BcryptVersion, HashParams, Scheme, Target, generate};

use crate::support::reference_tool;

/// Stops the server process (SIGTERM, then SIGKILL after 5 s) and removes its directory.
struct Server {
    child: Child,
    dir: PathBuf,
    name: &'static str,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking()
            && let Ok(log) = fs::read_to_string(self.dir.join("error.log"))
        {
            eprintln!("--- {} error.log ---\n{log}", self.name);
        }
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn temp_dir(name: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "htpasswd-rs-{name}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits (at most 15 s) until the port accepts connections; fails if the server exits.
fn wait_ready(server: &mut Server, port: u16) {
    let deadline = Instant::now() + Duration::from_secs(15);
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    loop {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return;
        }
        if let Ok(Some(status)) = server.child.try_wait() {
            let log = fs::read_to_string(server.dir.join("error.log")).unwrap_or_default();
            panic!(
                "{} exited with {status} before listening:\n{log}",
                server.name
            );
        }
        assert!(
            Instant::now() < deadline,
            "{} did not listen within 15 s",
            server.name
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// One GET with basic auth over HTTP/1.0; returns the status code.
fn get_status(port: u16, path: &str, user: &[u8], password: &[u8]) -> u16 {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let credentials = Base64::encode_string(&[user, b":", password].concat());
    let request = format!(
        "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nAuthorization: Basic {credentials}\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let line = response.split(|&b| b == b'\n').next().unwrap_or_default();
    let text = String::from_utf8_lossy(line);
    text.split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"))
}

fn start_nginx(nginx: &Path, htpasswd: &Path) -> (Server, u16) {
    let dir = temp_dir("nginx");
    let port = free_port();
    let d = dir.display();
    // A static file, not `return 200`: `return` runs before the access phase, skipping auth.
    fs::create_dir_all(dir.join("www")).unwrap();
    fs::write(dir.join("www").join("ok.txt"), "ok\n").unwrap();
    let conf = format!(
        "daemon off;\nmaster_process off;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n  \
         fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n  \
         server {{\n    listen 127.0.0.1:{port};\n    location / {{\n      auth_basic \"test\";\n      \
         auth_basic_user_file {};\n      root {d}/www;\n    }}\n  }}\n}}\n",
        htpasswd.display()
    );
    fs::write(dir.join("nginx.conf"), conf).unwrap();
    let child = Command::new(nginx)
        .arg("-p")
        .arg(&dir)
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .arg("-e")
        .arg(dir.join("error.log"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut server = Server {
        child,
        dir,
        name: "nginx",
    };
    wait_ready(&mut server, port);
    (server, port)
}

fn running_as_root() -> bool {
    fs::read_to_string("/proc/self/status").is_ok_and(|s| {
        s.lines()
            .find(|l| l.starts_with("Uid:"))
            .is_some_and(|l| l.split_whitespace().nth(1) == Some("0"))
    })
}

fn start_apache(apache: &Path, htpasswd: &Path) -> (Server, u16) {
    let dir = temp_dir("apache2");
    let port = free_port();
    let www = dir.join("www");
    fs::create_dir_all(&www).unwrap();
    fs::write(www.join("ok.txt"), "ok\n").unwrap();
    let modules = "/usr/lib/apache2/modules";
    let user = if running_as_root() {
        // Apache refuses to serve as root; www-data comes with the Debian package.
        "User www-data\nGroup www-data\n"
    } else {
        ""
    };
    let d = dir.display();
    let conf = format!(
        "ServerRoot {d}\nServerName 127.0.0.1\nListen 127.0.0.1:{port}\nPidFile {d}/httpd.pid\n\
         DefaultRuntimeDir {d}\nErrorLog {d}/error.log\nLogLevel warn\n{user}\
         LoadModule mpm_event_module {modules}/mod_mpm_event.so\n\
         LoadModule authn_core_module {modules}/mod_authn_core.so\n\
         LoadModule authn_file_module {modules}/mod_authn_file.so\n\
         LoadModule auth_basic_module {modules}/mod_auth_basic.so\n\
         LoadModule authz_core_module {modules}/mod_authz_core.so\n\
         LoadModule authz_user_module {modules}/mod_authz_user.so\n\
         DocumentRoot {www}\n\
         <Directory {www}>\n  AuthType Basic\n  AuthName test\n  AuthBasicProvider file\n  \
         AuthUserFile {}\n  Require valid-user\n</Directory>\n",
        htpasswd.display(),
        www = www.display(),
    );
    fs::write(dir.join("httpd.conf"), conf).unwrap();
    let child = Command::new(apache)
        .arg("-X")
        .arg("-f")
        .arg(dir.join("httpd.conf"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut server = Server {
        child,
        dir,
        name: "apache2",
    };
    wait_ready(&mut server, port);
    (server, port)
}

struct User {
    name: String,
    scheme: Scheme,
    password: Vec<u8>,
}

/// One user per scheme we generate (bcrypt at cost 4 and at Apache's default 5, SHA-crypt with
/// and without `rounds=`), plus `$2a$`, `$2b$`, `$2x$` built by hand.
const YESCRYPT_KAT: &[u8] =
    b"$y$j75$Z3.gDU2.V4rsDrGVWHdnY.$mxqOSOkHk.toSN5tHM4YXResRBqun5MYhBP7FtOeug/";

fn users_file(dir: &Path) -> (PathBuf, Vec<User>) {
    let params = [
        HashParams::Apr1,
        HashParams::Md5Crypt,
        HashParams::BCRYPT_DEFAULT,
        HashParams::Bcrypt {
            cost: 4,
            long_passwords: LongPassword::Refuse,
        },
        HashParams::Sha256Crypt { rounds: None },
        HashParams::Sha256Crypt { rounds: Some(1000) },
        HashParams::Sha512Crypt { rounds: None },
        HashParams::Sha512Crypt { rounds: Some(2000) },
        HashParams::Sha1,
        HashParams::Ssha,
        HashParams::Plain,
        HashParams::DesCrypt,
        HashParams::Plaintext,
        // Issue 20: our own `$y$` (libxcrypt's lowest cost) and argon2id, which nginx and
        // Apache must refuse (no argon2 in libxcrypt).
        HashParams::Yescrypt { cost: 1 },
        HashParams::Argon2id(htpasswd_core::crypt::argon2id::Argon2idParams {
            memory_kib: 64,
            time: 1,
            parallelism: 1,
        }),
    ];
    let mut users = Vec::new();
    let mut content = Vec::new();
    let mut add = |scheme: Scheme, password: Vec<u8>, hash: &[u8]| {
        let name = format!("user{}-{}", users.len(), scheme.name());
        content.extend_from_slice(name.as_bytes());
        content.push(b':');
        content.extend_from_slice(hash);
        content.push(b'\n');
        users.push(User {
            name,
            scheme,
            password,
        });
    };
    for (i, p) in params.iter().enumerate() {
        let password = format!("Pw {i} grün").into_bytes();
        let made = generate(p, &password).unwrap();
        add(p.scheme(), password, made.as_bytes());
    }
    for (i, version) in [BcryptVersion::V2a, BcryptVersion::V2b, BcryptVersion::V2x]
        .into_iter()
        .enumerate()
    {
        let password = format!("Pw b{i} grün").into_bytes();
        let salt = *b"htpasswd-rs salt";
        let h = BcryptHash::new(version, 4, &password, salt).unwrap();
        add(Scheme::Bcrypt(version), password, &h.to_bytes());
    }
    // yescrypt from libxcrypt too: a hash from Debian 12's libxcrypt 4.4.33
    // (`crypt("Pw y grün", "$y$j75$Z3.gDU2.V4rsDrGVWHdnY.")`), as /etc/shadow or mkpasswd hold.
    add(
        Scheme::Yescrypt,
        "Pw y grün".as_bytes().to_vec(),
        YESCRYPT_KAT,
    );
    let file = dir.join("htpasswd");
    fs::write(&file, content).unwrap();
    (file, users)
}

/// Runs every user against one server; returns (scheme, accepted, status of the right
/// password) per user.
fn exercise(port: u16, path: &str, users: &[User]) -> Vec<(Scheme, bool, u16)> {
    assert_eq!(get_status(port, path, b"nobody-here", b"whatever"), 401);
    users
        .iter()
        .map(|u| {
            let right = get_status(port, path, u.name.as_bytes(), &u.password);
            let mut wrong = u.password.clone();
            wrong.insert(0, b'X');
            let wrong = get_status(port, path, u.name.as_bytes(), &wrong);
            assert_eq!(wrong, 401, "{}: wrong password got {wrong}", u.name);
            assert!(
                right == 200 || right == 401 || right == 500,
                "{}: right password got {right}",
                u.name
            );
            (u.scheme, right == 200, right)
        })
        .collect()
}

fn check_against_table(
    server: &str,
    results: &[(Scheme, bool, u16)],
    exact: Target,
    floor: &[Target],
) {
    let mut beyond = Vec::new();
    for &(scheme, accepted, status) in results {
        eprintln!(
            "{server:8} {:14} {} (HTTP {status}); table {}: {}",
            scheme.name(),
            if accepted { "accepted" } else { "refused " },
            exact.name(),
            scheme.supported_by(exact)
        );
        for &t in floor {
            assert!(
                accepted || !scheme.supported_by(t),
                "{server} refused {scheme} (HTTP {status}) but the table says {t} checks it"
            );
        }
        if exact == Target::NginxLibxcrypt {
            assert_eq!(
                accepted,
                scheme.supported_by(exact),
                "{server} {scheme}: HTTP {status}"
            );
        } else if accepted && !scheme.supported_by(exact) {
            beyond.push(scheme.name());
        }
    }
    if !beyond.is_empty() {
        eprintln!(
            "{server}: accepted beyond the conservative {} column (this libc's crypt()): {beyond:?}",
            exact.name()
        );
    }
}

#[test]
fn nginx_accepts_exactly_the_schemes_the_table_says() {
    let test = "nginx_accepts_exactly_the_schemes_the_table_says";
    let Some(nginx) = reference_tool("nginx", test) else {
        return;
    };
    let dir = temp_dir("nginx-users");
    let (file, users) = users_file(&dir);
    let (server, port) = start_nginx(&nginx, &file);
    let results = exercise(port, "/ok.txt", &users);
    drop(server);
    let _ = fs::remove_dir_all(&dir);
    // Debian's nginx links libxcrypt: exactly the nginx-libxcrypt column; every scheme the
    // conservative glibc and ingress-nginx columns promise (bar bcrypt on glibc) is in it.
    check_against_table(
        "nginx",
        &results,
        Target::NginxLibxcrypt,
        &[Target::NginxGlibc],
    );
}

#[test]
fn apache_accepts_every_scheme_the_table_promises() {
    let test = "apache_accepts_every_scheme_the_table_promises";
    let Some(apache) = reference_tool("apache2", test) else {
        return;
    };
    let dir = temp_dir("apache-users");
    let (file, users) = users_file(&dir);
    // Apache drops root for www-data: the directory and file must be readable by it.
    let (server, port) = start_apache(&apache, &file);
    let results = exercise(port, "/ok.txt", &users);
    drop(server);
    let _ = fs::remove_dir_all(&dir);
    check_against_table(
        "apache2",
        &results,
        Target::ApacheHttpd,
        &[Target::ApacheHttpd],
    );
}
