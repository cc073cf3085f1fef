//! Edits of many users grow linearly (issue 19 item 7): each case runs at N and 4N, so a linear
//! cost shows as a 4x time and a quadratic one as 16x.
//!
//! - `htpasswd_set_new`: `HtpasswdFile::set` of N new users into an empty model (what
//!   `htpasswd-rs --batch -c` does under the lock);
//! - `htpasswd_set_existing`: `set` of every user of a parsed N-line file (`--batch` on an
//!   existing file);
//! - `edit_file_batch`: the whole locked crash-safe edit of an N-line file on disk setting N new
//!   users (the locked part of `--batch`; hashes made beforehand);
//! - `user_set_add_htpasswd`: `UserSet::add_htpasswd` of an N-line file (`ingress-auth secret
//!   --htpasswd`, before the 1 MiB check);
//! - `yaml_integer_keys`: the manifest reader on one mapping with N integer keys (the YAML
//!   limits allow 250,000 nodes, so N is 30,000 and 120,000 here).
//!
//! Run: `cargo bench -p htpasswd-benches --bench linear_edits`

#![allow(clippy::expect_used, clippy::unwrap_used, missing_docs)]

use std::hint::black_box;

use htpasswd_core::htpasswd::{Create, EditOptions, HtpasswdFile, edit_file};
use htpasswd_k8s::{Controller, Format, UserSet, parse_stream};

const SIZES: &[usize] = &[40_000, 160_000];
const YAML_SIZES: &[usize] = &[30_000, 120_000];

fn main() {
    divan::main();
}

fn user(i: usize) -> Vec<u8> {
    format!("user{i:07}").into_bytes()
}

const HASH: &[u8] = b"$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1";

fn file_text(n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n * 50);
    for i in 0..n {
        out.extend_from_slice(&user(i));
        out.push(b':');
        out.extend_from_slice(HASH);
        out.push(b'\n');
    }
    out
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn htpasswd_set_new(bencher: divan::Bencher<'_, '_>, n: usize) {
    let users: Vec<Vec<u8>> = (0..n).map(user).collect();
    bencher.bench_local(|| {
        let mut file = HtpasswdFile::new();
        for u in &users {
            file.set(u, HASH).unwrap();
        }
        black_box(file.line_count())
    });
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn htpasswd_set_existing(bencher: divan::Bencher<'_, '_>, n: usize) {
    let text = file_text(n);
    let users: Vec<Vec<u8>> = (0..n).map(user).collect();
    bencher
        .with_inputs(|| HtpasswdFile::parse(&text))
        .bench_local_values(|mut file| {
            for u in &users {
                file.set(u, b"{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=").unwrap();
            }
            black_box(file.line_count())
        });
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn edit_file_batch(bencher: divan::Bencher<'_, '_>, n: usize) {
    let dir = std::env::temp_dir().join(format!("htpasswd-bench-linear-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("htpasswd");
    let text = file_text(n);
    let new_users: Vec<Vec<u8>> = (0..n).map(|i| format!("new{i:07}").into_bytes()).collect();
    bencher
        .with_inputs(|| std::fs::write(&path, &text).unwrap())
        .bench_local_values(|()| {
            edit_file(&path, &EditOptions::default().create(Create::No), |f| {
                for u in &new_users {
                    f.set(u, HASH)?;
                }
                Ok::<_, htpasswd_core::htpasswd::EditError>(())
            })
            .unwrap()
        });
    let _ = std::fs::remove_dir_all(&dir);
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn user_set_add_htpasswd(bencher: divan::Bencher<'_, '_>, n: usize) {
    let text = file_text(n);
    bencher.bench_local(|| {
        let mut set = UserSet::new(Controller::IngressNginx);
        set.add_htpasswd(&text).unwrap();
        black_box(set.entries().len())
    });
}

#[divan::bench(args = YAML_SIZES, sample_count = 5, sample_size = 1)]
fn yaml_integer_keys(bencher: divan::Bencher<'_, '_>, n: usize) {
    let mut yaml = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n");
    for i in 0..n {
        yaml.push_str(&format!("  {i}: a\n"));
    }
    bencher.bench_local(|| black_box(parse_stream(&yaml, Format::Yaml).unwrap().len()));
}
