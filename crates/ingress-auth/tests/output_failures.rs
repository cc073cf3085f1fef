//! A manifest that cannot be written whole is a failure (issue 19 item 8): a reader that closed
//! the pipe (`ingress-auth secret --user alice | (exec 0<&-; sleep .5)` used to exit 0, and the
//! generated password was lost without a word) or a full disk gives exit 1 and one line on
//! stderr, and no credentials are printed, or left in a `--credentials-file`, for a Secret
//! nobody received.

use std::fs::File;
use std::process::{Output, Stdio};

use crate::support::{TempDir, ours, stderr};

const CLOSED: &str = "ingress-auth: writing output: the reader closed the pipe before the whole manifest was \
     written\n";

/// Where stdout goes.
#[derive(Clone, Copy, Debug)]
enum Sink {
    /// A pipe whose read end is closed before the binary starts: every write gets EPIPE.
    ClosedPipe,
    /// `/dev/full`: every write gets ENOSPC.
    Full,
}

fn run_into(sink: Sink, args: &[&str]) -> Output {
    let mut cmd = ours();
    cmd.args(args).stdin(Stdio::null()).stderr(Stdio::piped());
    match sink {
        Sink::ClosedPipe => {
            let (reader, writer) = std::io::pipe().unwrap();
            drop(reader);
            cmd.stdout(writer);
        }
        Sink::Full => {
            cmd.stdout(File::options().write(true).open("/dev/full").unwrap());
        }
    }
    cmd.output().unwrap()
}

#[test]
fn a_manifest_not_written_whole_exits_non_zero() {
    let dir = TempDir::new("output-failures");
    let creds = dir.path().join("creds");
    let creds = creds.to_str().unwrap();
    let cases: &[&[&str]] = &[
        // The report: a generated password, shown on stderr on request.
        &[
            "secret",
            "--name",
            "s",
            "--user",
            "alice",
            "--show-passwords",
        ],
        // ... or kept in a credentials file.
        &[
            "secret",
            "--name",
            "s",
            "--user",
            "alice",
            "--credentials-file",
            creds,
        ],
        // A given password; JSON output; another subcommand.
        &["secret", "--name", "s", "--user", "alice:given"],
        &[
            "secret",
            "--name",
            "s",
            "--user",
            "alice:given",
            "-o",
            "json",
        ],
        &[
            "ingress",
            "--name",
            "app",
            "--auth-secret",
            "s",
            "--service",
            "web",
            "--port",
            "80",
        ],
    ];
    let full = std::path::Path::new("/dev/full").exists();
    for args in cases {
        for sink in [Sink::ClosedPipe, Sink::Full] {
            if matches!(sink, Sink::Full) && !full {
                continue;
            }
            let _ = std::fs::remove_file(creds);
            let out = run_into(sink, args);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(1), "{sink:?} {args:?}: {err}");
            // One line: the failure; no generated credentials for a Secret nobody received,
            // neither on stderr nor left in the credentials file.
            assert_eq!(err.lines().count(), 1, "{sink:?} {args:?}: {err}");
            let with_file = args.contains(&"--credentials-file");
            assert!(!std::path::Path::new(creds).exists(), "{sink:?} {args:?}");
            let removed =
                format!("; removed the credentials file {creds} (its Secret was not written)\n");
            match sink {
                Sink::ClosedPipe if with_file => {
                    assert_eq!(err, CLOSED.replace('\n', "") + &removed, "{args:?}");
                }
                Sink::ClosedPipe => assert_eq!(err, CLOSED, "{args:?}"),
                Sink::Full => {
                    assert!(
                        err.starts_with("ingress-auth: writing output: No space left on device"),
                        "{args:?}: {err}"
                    );
                    assert_eq!(err.ends_with(&removed), with_file, "{args:?}: {err}");
                }
            }
        }
    }
}
