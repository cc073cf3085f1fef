//! The man pages (`doc/`) and shell completions (`completions/`) are generated from the clap
//! definition in `args.rs` (with the value help of `values.rs`) by `clap_mangen` and
//! `clap_complete` (dev-dependencies: the binary does not carry them). These tests regenerate them and compare with the checked-in files, so
//! they can never drift from the flags. After changing a flag or its help, run
//!
//! ```sh
//! INGRESS_AUTH_REGENERATE=1 cargo test -p ingress-auth --bin ingress-auth generated
//! ```
//!
//! and commit what changed.

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use clap::{Command, CommandFactory as _};
use clap_complete::Shell;

use crate::args::Cli;

const BIN: &str = "ingress-auth";

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One man page per command: `ingress-auth.1`, then `ingress-auth-SUBCOMMAND.1` for each.
fn man_pages() -> Vec<(PathBuf, Vec<u8>)> {
    fn add(cmd: &Command, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        let name = cmd.get_display_name().unwrap_or(cmd.get_name()).to_owned();
        let mut page = Vec::new();
        clap_mangen::Man::new(cmd.clone())
            .render(&mut page)
            .expect("rendering into memory");
        out.push((PathBuf::from(format!("doc/{name}.1")), page));
        for sub in cmd.get_subcommands() {
            if sub.get_name() != "help" && !sub.is_hide_set() {
                add(sub, out);
            }
        }
    }
    let mut cmd = Cli::command();
    cmd.build();
    let mut out = Vec::new();
    add(&cmd, &mut out);
    out
}

/// bash, zsh and fish completions, named as each shell looks them up.
fn completions() -> Vec<(PathBuf, Vec<u8>)> {
    [
        (Shell::Bash, "ingress-auth.bash"),
        (Shell::Zsh, "_ingress-auth"),
        (Shell::Fish, "ingress-auth.fish"),
    ]
    .into_iter()
    .map(|(shell, file)| {
        let mut script = Vec::new();
        clap_complete::generate(shell, &mut Cli::command(), BIN, &mut script);
        if shell == Shell::Bash {
            // clap_complete 4.6 spells the case labels of a hyphenated binary's subcommands
            // `ingress__subcmd__auth__...` where its dispatch loop sets `ingress__auth__...`,
            // so no subcommand's options would complete (clap-rs/clap#6421); a no-op once fixed.
            script = String::from_utf8_lossy(&script)
                .replace("ingress__subcmd__auth__", "ingress__auth__")
                .into_bytes();
        }
        (PathBuf::from(format!("completions/{file}")), script)
    })
    .collect()
}

/// Compares each generated file with the checked-in one (or writes it, when asked to).
fn check(files: Vec<(PathBuf, Vec<u8>)>) {
    let regenerate = std::env::var_os("INGRESS_AUTH_REGENERATE").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    for (relative, content) in files {
        let path = crate_dir().join(&relative);
        if regenerate {
            std::fs::create_dir_all(path.parent().unwrap_or(Path::new("."))).unwrap();
            std::fs::write(&path, &content).unwrap();
        } else if std::fs::read(&path).ok().as_deref() != Some(&content[..]) {
            stale.push(relative.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "out of date with the flags: {stale:?}; regenerate with \
         INGRESS_AUTH_REGENERATE=1 cargo test -p ingress-auth --bin ingress-auth generated"
    );
}

#[test]
fn man_pages_are_generated_from_the_flags() {
    let pages = man_pages();
    let names: Vec<String> = pages.iter().map(|(p, _)| p.display().to_string()).collect();
    for sub in [
        "secret", "ingress", "generate", "annotate", "verify", "users", "migrate",
    ] {
        assert!(
            names.contains(&format!("doc/ingress-auth-{sub}.1")),
            "no page for {sub}: {names:?}"
        );
    }
    let generate = &pages
        .iter()
        .find(|(p, _)| p.ends_with("ingress-auth-generate.1"))
        .expect("generate's page")
        .1;
    let generate = String::from_utf8_lossy(generate);
    for flag in ["credentials\\-file", "show\\-passwords", "network\\-policy"] {
        assert!(generate.contains(flag), "generate's page lacks {flag}");
    }
    check(pages);
}

#[test]
fn completions_are_generated_from_the_flags() {
    check(completions());
}

/// The checked-in bash completion completes subcommands, flags and values in a real bash.
#[test]
fn bash_completion_completes_subcommands_flags_and_values() {
    let script = crate_dir().join("completions/ingress-auth.bash");
    let complete = |words: &[&str]| {
        let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
        let cword = words.len() - 1;
        let out = Process::new("bash")
            .arg("-c")
            .arg(format!(
                "source '{}'; COMP_WORDS=({}); COMP_CWORD={cword}; COMP_LINE='{}'; \
                 COMP_POINT=${{#COMP_LINE}}; _ingress__auth ingress-auth '{}' '{}'; \
                 echo \"${{COMPREPLY[*]}}\"",
                script.display(),
                quoted.join(" "),
                words.join(" "),
                words[cword],
                words[cword.saturating_sub(1)],
            ))
            .output()
            .expect("bash runs");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    let top = complete(&["ingress-auth", ""]);
    for sub in ["secret", "generate", "verify", "migrate"] {
        assert!(top.split(' ').any(|w| w == sub), "{sub} not in {top:?}");
    }
    assert_eq!(
        complete(&["ingress-auth", "generate", "--show-pa"]),
        "--show-passwords"
    );
    let controllers = complete(&["ingress-auth", "secret", "--controller", ""]);
    assert!(controllers.contains("envoy-gateway"), "{controllers:?}");
    assert_eq!(
        complete(&["ingress-auth", "secret", "--scheme", "bc"]),
        "bcrypt"
    );
}
