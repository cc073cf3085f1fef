//! Helpers of the `file_*` tests: a self-removing temporary directory, and worker processes that
//! re-run this test binary with an environment variable naming their job.

use std::process::{Child, Command, Stdio};

pub use htpasswd_test_support::TempDir;

/// Set in a worker process: the job it was started for.
pub const WORKER_ENV: &str = "HTPASSWD_RS_FILE_WORKER";

/// The job of this process when it is a worker started by [`spawn_worker`].
pub fn worker_job() -> Option<String> {
    std::env::var(WORKER_ENV).ok()
}

/// Starts this test binary again, running only `test` (whose body checks [`worker_job`] first
/// and does the job instead of the test), with `job` and extra environment variables.
pub fn spawn_worker(test: &str, job: &str, env: &[(&str, String)]) -> Child {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([test, "--exact", "--nocapture", "--test-threads=1", "-q"])
        .env(WORKER_ENV, job)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.spawn().unwrap()
}
