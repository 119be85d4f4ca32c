//! `cargo xtask test`: everything CI runs, as named steps, each timed, with a parsed test count
//! and a closing `N passed, M failed` line.

use crate::bundle;
use crate::fingerprint;
use crate::proc::{fmt_duration, run_captured, CaptureOptions, Captured};
use crate::server;
use crate::tools::{chromium_path, cmdline, Ctx, Tool, Tools};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

const TAIL_LINES: usize = 60;
const NATIVE_HASHES_VAR: &str = "KAFKA_SIM_NATIVE_HASHES";

/// The contents of `path` if it was written after `since` (i.e. by this run).
fn fresh_file(path: &std::path::Path, since: std::time::SystemTime) -> Option<String> {
    let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok()?;
    if modified < since {
        return None;
    }
    std::fs::read_to_string(path).ok()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Not a test suite: counts as one test (pass or fail).
    Check,
    /// libtest / wasm-bindgen-test-runner output: `test result: ok. N passed; M failed; …`.
    CargoTests,
    /// Node's test runner output: `ℹ pass N` / `ℹ fail N`.
    NodeTests,
}

struct Outcome {
    name: &'static str,
    ok: bool,
    passed: u32,
    failed: u32,
    duration: Duration,
    note: String,
}

/// Sums libtest's `test result:` lines; `None` if there are none.
pub fn cargo_counts<S: AsRef<str>>(lines: &[S]) -> Option<(u32, u32)> {
    let mut found = None;
    for line in lines {
        let Some(rest) = line.as_ref().trim().strip_prefix("test result:") else {
            continue;
        };
        let (mut passed, mut failed) = (0, 0);
        let words: Vec<&str> = rest
            .split(|c: char| c.is_whitespace() || c == ';' || c == '.')
            .filter(|w| !w.is_empty())
            .collect();
        for pair in words.windows(2) {
            match (pair[0].parse::<u32>(), pair[1]) {
                (Ok(n), "passed") => passed = n,
                (Ok(n), "failed") => failed = n,
                _ => {}
            }
        }
        let (p, f) = found.unwrap_or((0, 0));
        found = Some((p + passed, f + failed));
    }
    found
}

/// Reads Node's test runner summary (spec `ℹ pass N` or TAP `# pass N`); `None` if absent.
/// Cancelled tests (e.g. a timed-out hook) count as failed.
pub fn node_counts<S: AsRef<str>>(lines: &[S]) -> Option<(u32, u32)> {
    let (mut passed, mut failed, mut seen) = (0, 0, false);
    for line in lines {
        let line = line.as_ref().trim();
        let Some(rest) = line.strip_prefix("ℹ ").or_else(|| line.strip_prefix("# ")) else {
            continue;
        };
        let mut words = rest.split_whitespace();
        let (Some(key), Some(n), None) = (words.next(), words.next(), words.next()) else {
            continue;
        };
        let Ok(n) = n.parse::<u32>() else { continue };
        match key {
            "pass" => {
                passed = n;
                seen = true;
            }
            "fail" | "cancelled" => failed += n,
            _ => {}
        }
    }
    seen.then_some((passed, failed))
}

struct Runner<'a> {
    ctx: &'a Ctx,
    tools: &'a Tools,
    total: usize,
    index: usize,
    outcomes: Vec<Outcome>,
}

impl Runner<'_> {
    fn header(&mut self, name: &str, what: &str) {
        self.index += 1;
        println!();
        println!("[{}/{}] {name}  ({what})", self.index, self.total);
    }

    fn record(&mut self, o: Outcome) {
        let counts = match (o.passed, o.failed) {
            (p, 0) => format!("{p} passed"),
            (p, f) => format!("{p} passed, {f} failed"),
        };
        let status = if o.ok { "ok" } else { "FAILED" };
        let note = if o.note.is_empty() {
            String::new()
        } else {
            format!(" — {}", o.note)
        };
        println!(
            "      {status} in {}: {counts}{note}",
            fmt_duration(o.duration)
        );
        self.outcomes.push(o);
    }

    /// Records a step that cannot run because a tool or an earlier step is missing.
    fn skip(&mut self, name: &'static str, what: &str, reason: String) {
        self.header(name, what);
        self.record(Outcome {
            name,
            ok: false,
            passed: 0,
            failed: 1,
            duration: Duration::ZERO,
            note: format!("not run: {reason}"),
        });
    }

    /// Checks the tools a step needs; returns false (after recording the skip) if any is missing.
    fn needs(&mut self, name: &'static str, what: &str, needs: &[Tool]) -> bool {
        let missing = self.tools.missing(needs);
        if missing.is_empty() {
            return true;
        }
        self.skip(
            name,
            what,
            format!("needs {} (see Tools above)", missing.join(", ")),
        );
        false
    }

    fn run(
        &mut self,
        name: &'static str,
        slug: &str,
        cmd: Command,
        kind: Kind,
        timeout: Duration,
    ) -> bool {
        let what = cmdline(&cmd);
        self.header(name, &what);
        let log = self.ctx.log_path(slug);
        let opts = CaptureOptions {
            timeout,
            echo: self.ctx.verbose,
            log: Some(&log),
            heartbeat: Some((name, Duration::from_secs(120))),
        };
        let cap = match run_captured(cmd, &opts) {
            Ok(cap) => cap,
            Err(e) => {
                self.record(Outcome {
                    name,
                    ok: false,
                    passed: 0,
                    failed: 1,
                    duration: Duration::ZERO,
                    note: format!("could not start `{what}`: {e}"),
                });
                return false;
            }
        };
        self.finish(name, kind, &cap, &log.display().to_string())
    }

    fn finish(&mut self, name: &'static str, kind: Kind, cap: &Captured, log: &str) -> bool {
        let ok = cap.success();
        let counts = match kind {
            Kind::Check => None,
            Kind::CargoTests => cargo_counts(&cap.lines),
            Kind::NodeTests => node_counts(&cap.lines),
        };
        let (passed, mut failed) = match (kind, counts) {
            (Kind::Check, _) => (u32::from(ok), u32::from(!ok)),
            (_, Some(c)) => c,
            (_, None) => (0, 0),
        };
        let mut note = String::new();
        if !ok {
            // A failed command with no failed test (build error, crash, timeout) still fails.
            if failed == 0 {
                failed = 1;
            }
            note = format!("{}; full log: {log}", cap.describe_exit());
            println!("      ---- last {TAIL_LINES} lines of output ----");
            for l in cap.tail(TAIL_LINES) {
                println!("      | {l}");
            }
        } else if kind != Kind::Check && passed == 0 {
            note = "ran no tests".to_string();
        }
        // Exit status 0 but the runner reported failures: trust the report.
        let ok = ok && failed == 0;
        self.record(Outcome {
            name,
            ok,
            passed,
            failed,
            duration: cap.duration,
            note,
        });
        ok
    }
}

pub fn run(quick: bool, verbose: bool) -> ExitCode {
    let started = Instant::now();
    let mut ctx = Ctx::new(verbose);
    let mut wanted = vec![
        Tool::WasmTarget,
        Tool::Node,
        Tool::WasmBindgen,
        Tool::Browser,
    ];
    if !quick {
        wanted.extend([
            Tool::Trunk,
            Tool::TrunkConfig,
            Tool::WasmOpt,
            Tool::CrateSources,
            Tool::E2eDeps,
        ]);
    }
    let tools_started = Instant::now();
    let tools = Tools::ensure(&mut ctx, &wanted);
    let tools_time = tools_started.elapsed();
    println!("   (tools: {})", fmt_duration(tools_time));
    if quick {
        println!(
            "   --quick: skipping the release build, e2e and bundle-size steps (CI runs the full \
             `cargo xtask test`)"
        );
    }

    let mut r = Runner {
        ctx: &ctx,
        tools: &tools,
        total: if quick { 8 } else { 11 },
        index: 0,
        outcomes: Vec::new(),
    };
    let min = |m: u64| Duration::from_secs(m * 60);

    let mut fmt = ctx.cargo();
    fmt.args(["fmt", "--all", "--", "--check"]);
    r.run("fmt", "fmt", fmt, Kind::Check, min(5));

    let mut clippy = ctx.cargo();
    clippy.args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]);
    r.run("clippy", "clippy", clippy, Kind::Check, min(30));

    let mut native = ctx.cargo();
    // --no-fail-fast: one failing test binary must not hide the other binaries' counts.
    native.args(["test", "--workspace", "--no-fail-fast"]);
    let native_started = std::time::SystemTime::now();
    r.run(
        "native tests",
        "native-tests",
        native,
        Kind::CargoTests,
        min(30),
    );

    run_simulation(&mut r);

    let mut wasm_node = ctx.cargo();
    wasm_node.args([
        "test",
        "--no-fail-fast",
        "-p",
        "kafka-sim-conformance",
        "--target",
        "wasm32-unknown-unknown",
    ]);
    // The conformance tests check that wasm32 traces hash like native ones: the native run
    // writes its hashes to this file, the wasm build reads them with option_env!.
    if let Some(hashes) = fresh_file(
        &ctx.root.join("target/conformance-native-hashes.txt"),
        native_started,
    ) {
        wasm_node.env(NATIVE_HASHES_VAR, hashes);
    }
    let name = "engine conformance, wasm32 in Node";
    if r.needs(
        name,
        &cmdline(&wasm_node),
        &[Tool::WasmTarget, Tool::Node, Tool::WasmBindgen],
    ) {
        r.run(
            name,
            "wasm-node-tests",
            wasm_node,
            Kind::CargoTests,
            min(20),
        );
    }

    let mut wasm_browser = ctx.cargo();
    wasm_browser.args([
        "test",
        "--no-fail-fast",
        "-p",
        "kafka-playground",
        "--target",
        "wasm32-unknown-unknown",
    ]);
    let name = "UI tests, wasm32 in headless Chromium";
    let needs = [
        Tool::WasmTarget,
        Tool::Node,
        Tool::WasmBindgen,
        Tool::Browser,
    ];
    if r.needs(name, &cmdline(&wasm_browser), &needs) {
        r.run(
            name,
            "wasm-browser-tests",
            wasm_browser,
            Kind::CargoTests,
            min(20),
        );
    }

    if !quick {
        let mut build = ctx.command("trunk");
        build
            .args(["build", "--release"])
            .env("TRUNK_SKIP_VERSION_CHECK", "true")
            .env("NO_COLOR", "1")
            // Trunk prints a stack backtrace with every error when this is set.
            .env("RUST_BACKTRACE", "0");
        let name = "release build (trunk → dist/)";
        let needs = [
            Tool::WasmTarget,
            Tool::WasmBindgen,
            Tool::Trunk,
            Tool::TrunkConfig,
            Tool::WasmOpt,
            Tool::CrateSources,
        ];
        let inputs = crate::release_inputs(r.ctx);
        let built = if inputs.is_some_and(|h| fingerprint::up_to_date(&r.ctx.root, h)) {
            // `dist/` is the output of a successful build of exactly these sources, tools and
            // settings (see fingerprint.rs); a fresh clone never gets here.
            r.header(name, &cmdline(&build));
            r.record(Outcome {
                name,
                ok: true,
                passed: 1,
                failed: 0,
                duration: Duration::ZERO,
                note: "up to date: no input of the release build changed since the last one".into(),
            });
            true
        } else {
            fingerprint::forget(&r.ctx.root);
            let ok = r.needs(name, &cmdline(&build), &needs)
                && r.run(name, "trunk-build", build, Kind::Check, min(30));
            if let (true, Some(h)) = (ok, inputs) {
                fingerprint::record(&r.ctx.root, h);
            }
            ok
        };

        let e2e_name = "e2e (tests/, playwright-core + Chromium)";
        let e2e_what = "node --test tests/e2e/*.test.mjs against dist/";
        if !built {
            r.skip(e2e_name, e2e_what, "the release build failed".into());
        } else if r.needs(
            e2e_name,
            e2e_what,
            &[Tool::Node, Tool::Browser, Tool::E2eDeps],
        ) {
            run_e2e(&mut r, e2e_name);
        }

        let size_name = "bundle size (wasm+js+css, gzip -9)";
        let size_what = "fails above the regression ceiling; the 350 KiB budget is reported";
        if built {
            r.header(size_name, size_what);
            let t = Instant::now();
            let dist = ctx.root.join("dist");
            let (ok, note) = match bundle::measure(&dist) {
                Ok(assets) if assets.is_empty() => (false, "no wasm/js/css in dist/".to_string()),
                Ok(assets) => (
                    bundle::report(&dist, &assets, "      "),
                    bundle::budget_line(&bundle::verdict(&assets)),
                ),
                Err(e) => (false, format!("cannot read dist/: {e}")),
            };
            r.record(Outcome {
                name: size_name,
                ok,
                passed: u32::from(ok),
                failed: u32::from(!ok),
                duration: t.elapsed(),
                note,
            });
        } else {
            r.skip(size_name, size_what, "the release build failed".into());
        }
    }

    summarize(&r.outcomes, tools_time, started.elapsed(), quick)
}

/// Seeds and chaos events per seed of CI's bounded simulation sample (issue 8: under 3
/// minutes on 2 cores; measured 24 s, see docs/simulation-testing.md). 2,000 events per seed
/// are too short for acks=1 to lose a record, so the sample would fail "never shown"; 400
/// seeds give each weak configuration 40 runs.
const SIM_SEEDS: &str = "400";
const SIM_EVENTS: &str = "10000";
/// Seconds of byte-level fuzzing per target.
const BYTE_FUZZ_SECS: &str = "10";

/// Deterministic simulation testing: the fast CLI, a bounded `kafka-sim fuzz` sample (fails on
/// any invariant violation or a weak configuration that never shows its anomaly), and a short
/// byte-level fuzz of each target (fails if any input panics).
fn run_simulation(r: &mut Runner) {
    let root = r.ctx.root.clone();
    let mut build = r.ctx.cargo();
    build.args(["build", "--profile", "fast", "-p", "kafka-sim-cli"]);
    let built = r.run(
        "simulation build (kafka-sim, --profile fast)",
        "sim-build",
        build,
        Kind::Check,
        Duration::from_secs(30 * 60),
    );
    let cli = crate::fast_cli(r.ctx);
    let out = root.join("target").join("fuzz-failures");
    let out = out.to_string_lossy().into_owned();

    let sim_name = "simulation (kafka-sim fuzz, 400 seeds × 10,000 events)";
    let mut sim = Command::new(&cli);
    sim.current_dir(&root).args([
        "fuzz", "--seeds", SIM_SEEDS, "--events", SIM_EVENTS, "--out", &out,
    ]);
    let byte_name = "byte-level fuzz (json, link, commands; 10 s each)";
    let mut bytes = Command::new(&cli);
    bytes.current_dir(&root).args([
        "fuzz",
        "--target",
        "all",
        "--time",
        BYTE_FUZZ_SECS,
        "--out",
        &out,
    ]);
    if !built {
        r.skip(sim_name, &cmdline(&sim), "the fast build failed".into());
        r.skip(byte_name, &cmdline(&bytes), "the fast build failed".into());
        return;
    }
    r.run(
        sim_name,
        "sim",
        sim,
        Kind::Check,
        Duration::from_secs(10 * 60),
    );
    r.run(
        byte_name,
        "byte-fuzz",
        bytes,
        Kind::Check,
        Duration::from_secs(5 * 60),
    );
}

fn run_e2e(r: &mut Runner, name: &'static str) {
    let root = r.ctx.root.clone();
    let mut files: Vec<String> = std::fs::read_dir(root.join("tests/e2e"))
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".test.mjs"))
                .map(|n| format!("e2e/{n}"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let addr = match server::serve(root.join("dist")) {
        Ok(addr) => addr,
        Err(e) => {
            r.skip(name, "static server", format!("cannot serve dist/: {e}"));
            return;
        }
    };
    let url = format!("http://{addr}/");
    let artifacts = root.join("tests/artifacts");
    let _ = std::fs::remove_dir_all(&artifacts);
    let _ = std::fs::create_dir_all(&artifacts);
    let mut node = r.ctx.command("node");
    node.args(["--test", "--test-reporter=spec"])
        .args(&files)
        .current_dir(root.join("tests"))
        .env("PLAYGROUND_URL", &url)
        .env("CHROMIUM", chromium_path())
        .env("NO_COLOR", "1");
    if files.is_empty() {
        r.skip(name, "node --test", "no tests/e2e/*.test.mjs files".into());
        return;
    }
    r.run(
        name,
        "e2e",
        node,
        Kind::NodeTests,
        Duration::from_secs(5 * 60),
    );
}

fn summarize(outcomes: &[Outcome], tools: Duration, total: Duration, quick: bool) -> ExitCode {
    println!();
    println!("== Summary");
    println!("   {:<8}{:<44}{:>9}", "tools", "", fmt_duration(tools));
    let (mut passed, mut failed) = (0, 0);
    for o in outcomes {
        passed += o.passed;
        failed += o.failed;
        let counts = match (o.passed, o.failed) {
            (p, 0) => format!("{p} passed"),
            (p, f) => format!("{p} passed, {f} failed"),
        };
        println!(
            "   {:<8}{:<44}{:>9}  {counts}",
            if o.ok { "ok" } else { "FAILED" },
            o.name,
            fmt_duration(o.duration)
        );
    }
    println!("   total {}", fmt_duration(total));
    if quick {
        println!("   (--quick run: not what CI runs; run `cargo xtask test` before pushing)");
    }
    let all_ok = outcomes.iter().all(|o| o.ok);
    println!("{passed} passed, {failed} failed");
    if all_ok && failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_counts_sums_every_result_line() {
        let out = [
            "running 2 tests",
            "test result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s",
            "test result: FAILED. 3 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s",
            "test result: ok. 0 passed; 0 failed; 0 ignored; 0 filtered out; finished in 0.02s",
        ];
        assert_eq!(cargo_counts(&out), Some((5, 1)));
        assert_eq!(cargo_counts(&["error[E0425]: cannot find value"]), None);
    }

    #[test]
    fn node_counts_reads_spec_and_tap_summaries() {
        let spec = [
            "ℹ tests 9",
            "ℹ suites 2",
            "ℹ pass 7",
            "ℹ fail 2",
            "ℹ cancelled 0",
        ];
        assert_eq!(node_counts(&spec), Some((7, 2)));
        let tap = ["# tests 3", "# pass 3", "# fail 0", "# cancelled 1"];
        assert_eq!(node_counts(&tap), Some((3, 1)));
        assert_eq!(node_counts(&["# Subtest: pass 1 thing"]), None);
    }
}
