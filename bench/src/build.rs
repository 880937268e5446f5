//! `portico-bench build`: clean debug build times of each provider crate and of resend-rs, the
//! rebuild after a one-line spec change, `cargo xtask generate`'s wall time, and the largest
//! compile costs from `cargo build --timings`. Everything is built from a temporary
//! `git worktree` of HEAD, so what is measured is what is committed and the checkout can be
//! edited meanwhile; the spec change happens there too, never in the real specs. Each clean
//! build gets a fresh `CARGO_TARGET_DIR` under /tmp. Everything is built `--offline` (the
//! crates must be downloaded already).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

const BASE: &str = "/tmp/portico-bench-build";
const PROVIDERS: [&str; 5] = [
    "portico-resend",
    "portico-tatango",
    "portico-sendo",
    "portico-nango",
    "portico-tago",
];
/// The same dev profile as the root workspace's, for the throwaway crates.
const DEV_PROFILE: &str =
    "[profile.dev]\ndebug = \"line-tables-only\"\n\n[profile.dev.package.\"*\"]\ndebug = false\n";

fn root() -> PathBuf {
    let bench = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let root = bench.join("..");
    root.canonicalize().unwrap_or(root)
}

fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    // `cargo xtask` is an alias without `--offline`.
    command.env("CARGO_NET_OFFLINE", "true");
    command
}

/// One timed step: what ran, how long, the load before and after.
struct Timed {
    what: String,
    took: Result<Duration, String>,
    load_before: String,
    load_after: String,
}

fn timed(what: impl Into<String>, mut command: Command) -> Timed {
    let load_before = crate::load();
    let start = Instant::now();
    let status = command.output();
    let took = match status {
        Ok(out) if out.status.success() => Ok(start.elapsed()),
        Ok(out) => Err(String::from_utf8_lossy(&out.stderr)
            .lines()
            .rev()
            .take(6)
            .collect::<Vec<_>>()
            .join(" / ")),
        Err(e) => Err(e.to_string()),
    };
    let t = Timed {
        what: what.into(),
        took,
        load_before,
        load_after: crate::load(),
    };
    eprintln!("{}: {}", t.what, show(&t.took));
    t
}

fn show(took: &Result<Duration, String>) -> String {
    match took {
        Ok(d) => format!("{:.1} s", d.as_secs_f64()),
        Err(e) => format!("failed: {e}"),
    }
}

fn row(t: &Timed) {
    println!(
        "| {} | {} | {} | {} |",
        t.what,
        show(&t.took),
        t.load_before.trim_start_matches("load average "),
        t.load_after.trim_start_matches("load average ")
    );
}

fn fresh_dir(path: &Path) {
    let _ = std::fs::remove_dir_all(path);
    std::fs::create_dir_all(path).expect("a directory under /tmp");
}

/// A clean `cargo build` in `dir` with `args`, in a fresh target directory, `--timings` on.
/// Returns the step and the top compile units from the timings report.
fn clean_build(what: &str, dir: &Path, args: &[&str], target: &Path) -> (Timed, Vec<Unit>) {
    fresh_dir(target);
    let mut command = cargo();
    command
        .current_dir(dir)
        .args(["build", "--offline", "--timings"])
        .args(args)
        .env("CARGO_TARGET_DIR", target);
    let t = timed(what, command);
    let units = units(&target.join("cargo-timings/cargo-timing.html"));
    (t, units)
}

/// A compile unit from `cargo build --timings`.
struct Unit {
    name: String,
    target: String,
    duration: f64,
}

/// The units of a `cargo-timing.html`, longest first (its `UNIT_DATA` JSON).
fn units(html: &Path) -> Vec<Unit> {
    let Ok(text) = std::fs::read_to_string(html) else {
        return Vec::new();
    };
    let Some(start) = text.find("const UNIT_DATA = ") else {
        return Vec::new();
    };
    let rest = &text[start + "const UNIT_DATA = ".len()..];
    let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<serde_json::Value>();
    let Some(Ok(serde_json::Value::Array(items))) = stream.next() else {
        return Vec::new();
    };
    let mut units: Vec<Unit> = items
        .iter()
        .map(|u| Unit {
            name: format!(
                "{} {}",
                u["name"].as_str().unwrap_or("?"),
                u["version"].as_str().unwrap_or("")
            ),
            target: u["target"].as_str().unwrap_or("").trim().to_string(),
            duration: u["duration"].as_f64().unwrap_or(0.0),
        })
        .collect();
    units.sort_by(|a, b| b.duration.total_cmp(&a.duration));
    units
}

fn top_units(title: &str, units: &[Unit], n: usize) {
    if units.is_empty() {
        println!("{title}: no timings report\n");
        return;
    }
    let total: f64 = units.iter().map(|u| u.duration).sum();
    println!(
        "{title}: {} units, {total:.1} s of compile time in all (summed over both cores)\n",
        units.len()
    );
    println!("| unit | target | s | share |");
    println!("|---|---|---:|---:|");
    for u in units.iter().take(n) {
        println!(
            "| {} | {} | {:.1} | {:.0}% |",
            u.name,
            if u.target.is_empty() {
                "lib"
            } else {
                &u.target
            },
            u.duration,
            u.duration / total * 100.0
        );
    }
    println!();
}

/// A throwaway library crate in `dir` with `dependencies` (TOML lines), the root's dev profile
/// and bench/Cargo.lock (so it resolves, offline, to the versions already downloaded).
fn throwaway(dir: &Path, dependencies: &str) {
    fresh_dir(dir);
    std::fs::create_dir_all(dir.join("src")).expect("src");
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"throwaway\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[workspace]\n\n[dependencies]\n{dependencies}\n{DEV_PROFILE}"
        ),
    )
    .expect("Cargo.toml");
    std::fs::write(dir.join("src/lib.rs"), "").expect("lib.rs");
    let _ = std::fs::copy(root().join("bench/Cargo.lock"), dir.join("Cargo.lock"));
}

pub fn run() -> ExitCode {
    let base = PathBuf::from(BASE);
    std::fs::create_dir_all(&base).expect("base directory");
    let worktree = base.join("worktree");
    let root = match add_worktree(&root(), &worktree) {
        Ok(()) => worktree.clone(),
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    println!("# portico-bench build\n");
    println!("- machine: {}", crate::machine());
    println!("- load before: {}", crate::load());
    println!(
        "- every build: `cargo build --offline --timings` (debug, the root's dev profile), \
         a fresh `CARGO_TARGET_DIR` under {BASE}, 2 jobs (one per core)\n"
    );

    // 5. Clean builds.
    let mut steps = Vec::new();
    let mut reports = Vec::new();
    for krate in PROVIDERS {
        let target = base.join(krate);
        let (t, units) = clean_build(
            &format!("`cargo build -p {krate}`"),
            &root,
            &["-p", krate],
            &target,
        );
        steps.push(t);
        reports.push((krate.to_string(), units));
        if krate != "portico-resend" {
            // Kept only for the rebuild below.
            let _ = std::fs::remove_dir_all(&target);
        }
    }
    // The same crate with the faster-to-build TLS backend.
    let target = base.join("portico-resend-ring");
    let (t, units) = clean_build(
        "`cargo build -p portico-resend --no-default-features --features rustls-ring`",
        &root,
        &[
            "-p",
            "portico-resend",
            "--no-default-features",
            "--features",
            "rustls-ring",
        ],
        &target,
    );
    steps.push(t);
    reports.push(("portico-resend, rustls-ring".into(), units));
    let _ = std::fs::remove_dir_all(&target);

    let app = base.join("resend-rs-app");
    throwaway(
        &app,
        "resend-rs = { version = \"=0.35.1\", default-features = false, features = [\"rustls-tls\"] }",
    );
    let target = base.join("resend-rs-target");
    let (t, units) = clean_build(
        "resend-rs 0.35.1 (rustls-tls), in a throwaway crate",
        &app,
        &[],
        &target,
    );
    steps.push(t);
    reports.push(("resend-rs".into(), units));
    let _ = std::fs::remove_dir_all(&target);

    // 6. What the TLS backend costs: reqwest as crates/portico has it, with each TLS choice.
    let reqwest_features = "\"json\", \"query\", \"stream\", \"multipart\"";
    let variants = [
        (
            "reqwest alone, `rustls` (aws-lc-rs: Portico's default)",
            format!(
                "reqwest = {{ version = \"0.13\", default-features = false, features = [{reqwest_features}, \"rustls\"] }}"
            ),
        ),
        (
            "reqwest alone, `rustls-no-provider` + rustls `ring`",
            format!(
                "reqwest = {{ version = \"0.13\", default-features = false, features = [{reqwest_features}, \"rustls-no-provider\"] }}\nrustls = {{ version = \"0.23\", default-features = false, features = [\"ring\", \"std\", \"tls12\"] }}"
            ),
        ),
        (
            "reqwest alone, no TLS",
            format!(
                "reqwest = {{ version = \"0.13\", default-features = false, features = [{reqwest_features}] }}"
            ),
        ),
    ];
    let mut tls_steps = Vec::new();
    for (i, (what, deps)) in variants.iter().enumerate() {
        let dir = base.join(format!("tls-{i}"));
        throwaway(&dir, deps);
        let target = base.join(format!("tls-{i}-target"));
        let (t, units) = clean_build(what, &dir, &[], &target);
        tls_steps.push(t);
        reports.push((what.to_string(), units));
        let _ = std::fs::remove_dir_all(&target);
    }

    // 5. Generate, and the rebuild after a one-line spec change.
    let rebuild = rebuild(&worktree, &base.join("portico-resend"));
    remove_worktree(&self::root(), &worktree);

    println!("## 5. Build\n");
    println!("Clean debug builds, each from an empty target directory:\n");
    println!("| build | wall time | load before | load after |");
    println!("|---|---:|---|---|");
    for t in &steps {
        row(t);
    }
    println!();
    match &rebuild {
        Ok((steps, diff)) => {
            println!(
                "In a `git worktree` of HEAD, sharing the clean `portico-resend` build's target \
                 directory (the xtask and the worktree's copy built first, untimed):\n"
            );
            println!("| step | wall time | load before | load after |");
            println!("|---|---:|---|---|");
            for t in steps {
                row(t);
            }
            println!();
            println!("What the one-line change regenerated (`git diff --stat`):\n");
            println!("```\n{}\n```\n", diff.trim_end());
        }
        Err(e) => println!("The rebuild could not be measured: {e}\n"),
    }

    println!("## 6. Compile-time costs\n");
    println!(
        "What the TLS backend costs, reqwest with crates/portico's features and nothing else:\n"
    );
    println!("| build | wall time | load before | load after |");
    println!("|---|---:|---|---|");
    for t in &tls_steps {
        row(t);
    }
    println!();
    for (name, units) in &reports {
        top_units(&format!("Largest units, `{name}`"), units, 12);
    }
    let _ = std::fs::remove_dir_all(base.join("portico-resend"));
    ExitCode::SUCCESS
}

type Rebuild = (Vec<Timed>, String);

fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// A fresh `git worktree` of HEAD at `worktree`.
fn add_worktree(root: &Path, worktree: &Path) -> Result<(), String> {
    remove_worktree(root, worktree);
    let path = worktree.to_str().ok_or("a UTF-8 path")?;
    git(root, &["worktree", "add", "--detach", path, "HEAD"]).map(drop)
}

fn remove_worktree(root: &Path, worktree: &Path) {
    if let Some(path) = worktree.to_str() {
        let _ = git(root, &["worktree", "remove", "--force", path]);
    }
    let _ = std::fs::remove_dir_all(worktree);
}

/// In `worktree`: generate, build, change one spec line, generate and build again.
fn rebuild(worktree: &Path, target: &Path) -> Result<Rebuild, String> {
    (|| {
        let run = |what: &str, args: &[&str]| {
            let mut command = cargo();
            command
                .current_dir(worktree)
                .args(args)
                .env("CARGO_TARGET_DIR", target);
            timed(what, command)
        };
        let check = |t: Timed| match &t.took {
            Ok(_) => Ok(t),
            Err(e) => Err(format!("{}: {e}", t.what)),
        };
        // Untimed: the xtask, and the worktree's own portico + portico-resend.
        check(run(
            "(untimed) build the xtask",
            &["build", "--offline", "-p", "xtask"],
        ))?;
        check(run(
            "(untimed) build portico-resend in the worktree",
            &["build", "--offline", "-p", "portico-resend"],
        ))?;
        let mut steps = Vec::new();
        steps.push(check(run(
            "`cargo xtask generate`, all specs, nothing changed",
            &["xtask", "generate"],
        ))?);
        steps.push(check(run(
            "`cargo build -p portico-resend`, nothing changed",
            &["build", "--offline", "-p", "portico-resend"],
        ))?);
        // The first operation `summary:` of specs/resend.yaml, one word added: it becomes the
        // method's doc comment, so the generated crate changes and rebuilds.
        let spec = worktree.join("specs/resend.yaml");
        let text = std::fs::read_to_string(&spec).map_err(|e| e.to_string())?;
        let mut changed = false;
        let edited: Vec<String> = text
            .lines()
            .map(|line| {
                if !changed
                    && line.trim_start().starts_with("summary: ")
                    && line.trim_end().ends_with('.')
                    && !line.contains(['\'', '"', '|', '>'])
                {
                    changed = true;
                    format!("{} (changed).", line.trim_end().trim_end_matches('.'))
                } else {
                    line.to_string()
                }
            })
            .collect();
        if !changed {
            return Err("no summary line to change in specs/resend.yaml".into());
        }
        std::fs::write(&spec, edited.join("\n") + "\n").map_err(|e| e.to_string())?;
        steps.push(check(run(
            "`cargo xtask generate` after a one-line change to specs/resend.yaml",
            &["xtask", "generate"],
        ))?);
        steps.push(check(run(
            "`cargo build -p portico-resend` after that change",
            &["build", "--offline", "-p", "portico-resend"],
        ))?);
        let diff = git(worktree, &["diff", "--stat"])?;
        if !diff.contains("crates/portico-resend") {
            return Err(format!(
                "the spec change did not reach the generated crate: {diff}"
            ));
        }
        Ok((steps, diff))
    })()
}
