//! `cargo xtask bench`: the issue's benchmarks, measured on this machine and written to
//! BENCHMARKS.md between the `bench:begin`/`bench:end` markers (the rest of the file is prose).
//!
//! - engine throughput on the standard workload, natively (criterion, `crates/bench`), as wasm32
//!   under Node (as a ratio to native from the same run; the budget's measure) and, for the
//!   build the page ships, in headless Chromium too (the page's browser), and a
//!   memory-bandwidth baseline;
//! - memory per stored record for a 10-million-record log (counting allocator);
//! - the bundle: gzipped wasm + js + css of the release build (`bundle.rs`);
//! - the page, from that build served on 127.0.0.1 (`tests/perf/page.mjs` in headless
//!   Chromium): time to the first drawn cluster, and frame times at the scale preset after a
//!   1 s and a 15 s warm-up.
//!
//! `--quick` (CI) only checks the bundle against the regression ceiling (reusing dist/ when a
//! release build is there) and writes nothing.

use crate::bundle;
use crate::server;
use crate::tools::{chromium_path, cmdline, Ctx, Tool, Tools};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

/// Budgets from the issue.
const ENGINE_BUDGET: f64 = 5_000_000.0;
const WASM_RATIO_BUDGET: f64 = 0.5;
const OVERHEAD_BUDGET: f64 = 64.0;
const MEMORY_RECORDS: u64 = 10_000_000;
const FRAME_BUDGET_MS: f64 = 16.7;
/// A 60 Hz display's frames measure 16.6–16.8 ms apart (`requestAnimationFrame`'s timestamps
/// jitter): a p95 within this of the budget is one display interval.
const FRAME_JITTER_MS: f64 = 0.2;
const FIRST_DRAW_BUDGET_MS: f64 = 1000.0;
/// The page's warm-ups before frames are measured at the scale preset (real ms): after 1 s the
/// groups have not joined yet; after 15 s all eight consume.
const PAGE_WARMUPS_MS: [u64; 2] = [1_000, 15_000];

const BEGIN: &str =
    "<!-- bench:begin (written by `cargo xtask bench`; edit outside the markers) -->";
const END: &str = "<!-- bench:end -->";

fn met(ok: bool) -> &'static str {
    if ok {
        "**met**"
    } else {
        "**missed**"
    }
}

fn status(cmd: &mut Command) -> Result<(), String> {
    println!("   $ {}", cmdline(cmd));
    match cmd.status() {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("`{}` exited with {s}", cmdline(cmd))),
        Err(e) => Err(format!("cannot run `{}`: {e}", cmdline(cmd))),
    }
}

fn output(cmd: &mut Command) -> Result<String, String> {
    println!("   $ {}", cmdline(cmd));
    match cmd.output() {
        Ok(o) if o.status.success() => Ok(String::from_utf8_lossy(&o.stdout).into_owned()),
        Ok(o) => Err(format!(
            "`{}` exited with {}: {}",
            cmdline(cmd),
            o.status,
            String::from_utf8_lossy(&o.stderr)
        )),
        Err(e) => Err(format!("cannot run `{}`: {e}", cmdline(cmd))),
    }
}

/// The number after `"key":` in a flat JSON text (enough for criterion's and our own files).
fn json_number(text: &str, key: &str) -> Option<f64> {
    let at = text.find(&format!("\"{key}\""))?;
    let rest = text[at + key.len() + 2..].trim_start().strip_prefix(':')?;
    let rest = rest.trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E')))
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

fn json_string(text: &str, key: &str) -> Option<String> {
    let at = text.find(&format!("\"{key}\""))?;
    let rest = text[at + key.len() + 2..].trim_start().strip_prefix(':')?;
    let rest = rest.trim_start().strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_string())
}

/// Numbers in a JSON array after `"key":`.
fn json_array(text: &str, key: &str) -> Vec<f64> {
    let Some(at) = text.find(&format!("\"{key}\"")) else {
        return Vec::new();
    };
    let rest = &text[at..];
    let (Some(open), Some(close)) = (rest.find('['), rest.find(']')) else {
        return Vec::new();
    };
    rest[open + 1..close]
        .split(',')
        .filter_map(|x| x.trim().parse().ok())
        .collect()
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// Criterion's median time per iteration, in nanoseconds.
fn criterion_median_ns(root: &Path, group: &str, bench: &str) -> Result<f64, String> {
    let p = root
        .join("target/criterion")
        .join(group)
        .join(bench)
        .join("new/estimates.json");
    let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
    let at = text.find("\"median\"").ok_or("no median")?;
    json_number(&text[at..], "point_estimate")
        .ok_or_else(|| format!("{}: no estimate", p.display()))
}

struct Machine {
    cpu: String,
    cores: usize,
    date: String,
    commit: String,
    rustc: String,
    node: String,
}

impl Machine {
    fn detect(ctx: &Ctx) -> Machine {
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|t| {
                t.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split_once(':'))
                    .map(|(_, v)| v.trim().to_string())
            })
            .unwrap_or_else(|| "unknown CPU".into());
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let run = |prog: &str, args: &[&str]| {
            ctx.command(prog)
                .args(args)
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
                .unwrap_or_else(|| "unknown".into())
        };
        let mut commit = run("git", &["rev-parse", "--short", "HEAD"]);
        if !run("git", &["status", "--porcelain"]).is_empty() {
            commit.push_str(" + uncommitted changes");
        }
        Machine {
            cpu,
            cores,
            date: run("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
            commit,
            rustc: run("rustc", &["--version"]),
            node: run("node", &["--version"]),
        }
    }
}

struct Engine {
    records: u64,
    polled: u64,
    window_ms: u64,
    warmup_ms: u64,
    trace_hash: String,
    native_ns: f64,
    copy_ns: f64,
    wasm: Vec<WasmRun>,
}

struct WasmRun {
    profile: &'static str,
    what: &'static str,
    host: Host,
    window_ms: f64,
    /// The memory-bandwidth baseline (Node runs only).
    copy_ms: Option<f64>,
    trace_hash: String,
}

/// Where a wasm row ran.
#[derive(Clone, Copy)]
enum Host {
    /// Node: the budget's measure.
    Node,
    /// Headless Chromium: the page's browser.
    Chromium,
}

impl Host {
    fn name(self) -> &'static str {
        match self {
            Host::Node => "Node",
            Host::Chromium => "headless Chromium",
        }
    }
    /// The table's command cell.
    fn command(self) -> &'static str {
        match self {
            Host::Node => "`cargo xtask bench` (builds `crates/bench` for wasm32, runs `crates/bench/node/run.cjs`)",
            Host::Chromium => "`cargo xtask bench` (binds the same build for the web; `crates/bench/browser/index.html` via `tests/perf/engine.mjs`)",
        }
    }
}

fn native_engine(ctx: &Ctx) -> Result<Engine, String> {
    println!("\n== engine, native (criterion)");
    let mut cmd = ctx.cargo();
    cmd.args(["bench", "-p", "kafka-sim-bench", "--bench", "engine"]);
    status(&mut cmd)?;
    let window = std::fs::read_to_string(ctx.root.join("target/bench/native-window.json"))
        .map_err(|e| format!("target/bench/native-window.json: {e}"))?;
    let records = json_number(&window, "records").unwrap_or(0.0) as u64;
    let polled = json_number(&window, "polled").unwrap_or(0.0) as u64;
    // Two groups read everything: a window in which they consume less than one group's
    // worth is not the standard workload (they have not joined or caught up yet).
    if polled < records {
        return Err(format!(
            "the standard window consumed {polled} records while producing {records}: \
             its two groups are not reading everything (is the warm-up long enough?)"
        ));
    }
    Ok(Engine {
        records,
        polled,
        window_ms: json_number(&window, "window_ms").unwrap_or(0.0) as u64,
        warmup_ms: json_number(&window, "warmup_ms").unwrap_or(0.0) as u64,
        trace_hash: json_string(&window, "trace_hash").unwrap_or_default(),
        native_ns: criterion_median_ns(&ctx.root, "engine", "standard_workload")?,
        copy_ns: criterion_median_ns(&ctx.root, "baseline", "memcpy_window_payload")?,
        wasm: Vec::new(),
    })
}

/// The wasm features rustc's wasm32 target emits (wasm-opt must be told of them).
const WASM_FEATURES: [&str; 4] = [
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
];

/// The `data-wasm-opt` level of web/index.html's Rust link (what Trunk passes to wasm-opt).
fn page_wasm_opt_level(root: &Path) -> Result<String, String> {
    let path = root.join("web/index.html");
    let html = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    wasm_opt_level_in(&html)
        .ok_or_else(|| format!("{} has no data-wasm-opt=\"…\" level", path.display()))
}

fn wasm_opt_level_in(html: &str) -> Option<String> {
    let at = html.find("data-wasm-opt=\"")? + "data-wasm-opt=\"".len();
    let level = &html[at..at + html[at..].find('"')?];
    (!level.is_empty() && level.chars().all(|c| c.is_ascii_alphanumeric()))
        .then(|| level.to_string())
}

/// Where [`wasm_engine`] binds the build of `profile` for Node.
fn node_bound_dir(ctx: &Ctx, profile: &str) -> PathBuf {
    ctx.root.join("target/bench/wasm").join(profile)
}

/// Bind the last wasm32 build of kafka-sim-bench with wasm-bindgen for `target` into `out`.
fn bind_bench(ctx: &Ctx, target: &str, out: &Path) -> Result<(), String> {
    // Cargo puts the `bench` profile's output in `release/` too.
    let wasm = ctx
        .root
        .join("target/wasm32-unknown-unknown/release/kafka_sim_bench.wasm");
    let mut bindgen = ctx.command("wasm-bindgen");
    bindgen
        .args(["--target", target, "--out-dir"])
        .arg(out)
        .arg(&wasm);
    status(&mut bindgen)
}

/// Run wasm-opt on the bound `wasm`, in place, at web/index.html's `data-wasm-opt` level, as
/// the page's build does after wasm-bindgen.
fn wasm_opt_as_the_page(ctx: &Ctx, wasm: &Path) -> Result<(), String> {
    let mut opt = ctx.command(
        crate::tools::binaryen_dir()
            .join("node_modules")
            .join(".bin")
            .join("wasm-opt"),
    );
    opt.arg(format!("-O{}", page_wasm_opt_level(&ctx.root)?))
        .args(WASM_FEATURES)
        .arg(wasm)
        .arg("-o")
        .arg(wasm);
    status(&mut opt)
}

/// Build kafka-sim-bench for wasm32 with `profile`, bind it for Node and time it there.
fn wasm_engine(
    ctx: &Ctx,
    profile: &'static str,
    what: &'static str,
    copy_bytes: u64,
) -> Result<WasmRun, String> {
    println!("\n== engine, wasm32 under Node (profile {profile}: {what})");
    let mut build = ctx.cargo();
    build.args([
        "build",
        "-p",
        "kafka-sim-bench",
        "--lib",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        profile,
    ]);
    status(&mut build)?;
    let out = node_bound_dir(ctx, profile);
    bind_bench(ctx, "nodejs", &out)?;
    // The page's build runs wasm-opt at web/index.html's `data-wasm-opt` level after
    // wasm-bindgen: the `release` row measures the engine as it ships, so it does too.
    if profile == "release" {
        wasm_opt_as_the_page(ctx, &out.join("kafka_sim_bench_bg.wasm"))?;
    }
    let mut node = ctx.command("node");
    node.arg(ctx.root.join("crates/bench/node/run.cjs"))
        .arg(out.join("kafka_sim_bench.js"))
        .args(["7", &copy_bytes.to_string()]);
    let text = output(&mut node)?;
    let windows = json_array(&text, "windows_ms");
    if windows.is_empty() {
        return Err(format!("no timings from Node: {text}"));
    }
    Ok(WasmRun {
        profile,
        what,
        host: Host::Node,
        window_ms: median(&windows),
        copy_ms: Some(median(&json_array(&text, "copy_ms"))),
        trace_hash: json_string(&text, "trace_hash").unwrap_or_default(),
    })
}

/// The `release` build again, bound for the web and timed in headless Chromium, the page's
/// browser (`crates/bench/browser/index.html`, driven by `tests/perf/engine.mjs`). Run after
/// [`wasm_engine`] for `release`, whose build it binds.
fn browser_engine(ctx: &Ctx, what: &'static str) -> Result<WasmRun, String> {
    println!("\n== engine, wasm32 in headless Chromium (profile release: {what})");
    let out = ctx.root.join("target/bench/wasm/release-web");
    bind_bench(ctx, "web", &out)?;
    wasm_opt_as_the_page(ctx, &out.join("kafka_sim_bench_bg.wasm"))?;
    for (from, to) in [
        ("crates/bench/browser/index.html", "index.html"),
        ("crates/bench/windows.mjs", "windows.mjs"),
    ] {
        std::fs::copy(ctx.root.join(from), out.join(to))
            .map_err(|e| format!("cannot copy {from} next to the benchmark: {e}"))?;
    }
    let addr = server::serve(out).map_err(|e| format!("cannot serve the benchmark: {e}"))?;
    let mut cmd = ctx.command("node");
    cmd.arg("perf/engine.mjs")
        .current_dir(ctx.root.join("tests"))
        .env("BENCH_URL", format!("http://{addr}/"))
        .env("BENCH_ITERS", "7")
        .env("CHROMIUM", chromium_path());
    let text = output(&mut cmd)?;
    let windows = json_array(&text, "windows_ms");
    if windows.is_empty() {
        return Err(format!("no timings from Chromium: {text}"));
    }
    Ok(WasmRun {
        profile: "release",
        what,
        host: Host::Chromium,
        window_ms: median(&windows),
        copy_ms: None,
        trace_hash: json_string(&text, "trace_hash").unwrap_or_default(),
    })
}

/// One standard session playing windows one after another, as the page plays: its logs, and
/// the wasm memory, keep growing (the rows above build a fresh session per window, so the
/// memory grown for the first is reused and growing it is not measured there).
struct Continuing {
    /// Median of the windows after the first [`CONTINUING_SKIP`], natively.
    native_ms: f64,
    /// The same in the `release` wasm (the page's build) under Node.
    wasm_ms: f64,
    /// The wasm session's build and warm-up.
    wasm_setup_ms: f64,
    same_hash: bool,
}

const CONTINUING_WINDOWS: usize = 12;
/// Windows left out of the medians (the first ones pay for code being compiled).
const CONTINUING_SKIP: usize = 2;

/// The lines `window I: T ms` the `window` example prints with `WINDOW_TIMES=1`.
fn window_times(text: &str) -> Vec<f64> {
    text.lines()
        .filter_map(|l| {
            let (_, t) = l.strip_prefix("window ")?.split_once(": ")?;
            t.strip_suffix(" ms")?.parse().ok()
        })
        .collect()
}

/// The trace hash the `window` example prints last (`…, trace hash 0123…`).
fn window_hash(text: &str) -> Option<String> {
    let at = text.rfind("trace hash ")? + "trace hash ".len();
    Some(text[at..].trim().to_string())
}

/// Run after [`wasm_engine`] for `release`, whose bound build it reuses.
fn continuing(ctx: &Ctx) -> Result<Continuing, String> {
    println!(
        "\n== one continuing session, {CONTINUING_WINDOWS} windows in a row (native; the release wasm in Node)"
    );
    let n = CONTINUING_WINDOWS.to_string();
    let mut native = ctx.cargo();
    native
        .args(["run", "-q", "--profile", "bench", "-p", "kafka-sim-bench"])
        .args(["--example", "window", "--", &n])
        .env("WINDOW_TIMES", "1");
    let native_text = output(&mut native)?;
    let native_times = window_times(&native_text);
    let mut node = ctx.command("node");
    node.arg(ctx.root.join("crates/bench/node/session.cjs"))
        .arg(node_bound_dir(ctx, "release").join("kafka_sim_bench.js"))
        .arg(&n);
    let wasm_text = output(&mut node)?;
    let wasm_times = json_array(&wasm_text, "windows_ms");
    if native_times.len() != CONTINUING_WINDOWS || wasm_times.len() != CONTINUING_WINDOWS {
        return Err(format!(
            "expected {CONTINUING_WINDOWS} window times from each, got {} native and {} wasm",
            native_times.len(),
            wasm_times.len()
        ));
    }
    Ok(Continuing {
        native_ms: median(&native_times[CONTINUING_SKIP..]),
        wasm_ms: median(&wasm_times[CONTINUING_SKIP..]),
        wasm_setup_ms: json_number(&wasm_text, "setup_ms").unwrap_or(f64::NAN),
        same_hash: window_hash(&native_text) == json_string(&wasm_text, "trace_hash"),
    })
}

struct Memory {
    json: String,
}

fn memory(ctx: &Ctx, records: u64) -> Result<Memory, String> {
    println!("\n== memory per stored record ({records} records)");
    let mut cmd = ctx.cargo();
    cmd.args([
        "bench",
        "-q",
        "-p",
        "kafka-sim-bench",
        "--bench",
        "memory",
        "--",
        "--records",
        &records.to_string(),
    ]);
    let json = output(&mut cmd)?;
    println!("   {}", json.trim());
    Ok(Memory { json })
}

fn build_dist(ctx: &Ctx) -> Result<(), String> {
    println!("\n== release build (trunk build --release → dist/)");
    let mut cmd = ctx.command("trunk");
    cmd.args(["build", "--release"])
        .env("TRUNK_SKIP_VERSION_CHECK", "true");
    status(&mut cmd)
}

fn rate(records: u64, ns: f64) -> f64 {
    records as f64 / (ns / 1e9)
}

fn fmt_rate(r: f64) -> String {
    if r >= 1e6 {
        format!("{:.2} M records/s", r / 1e6)
    } else {
        format!("{:.0} k records/s", r / 1e3)
    }
}

pub fn run(quick: bool) -> ExitCode {
    let started = Instant::now();
    let mut ctx = Ctx::new(false);
    let dist = ctx.root.join("dist");
    let have_dist = dist.join("index.html").exists();
    let mut wanted = Vec::new();
    if !quick {
        wanted.extend([
            Tool::WasmTarget,
            Tool::Node,
            Tool::WasmBindgen,
            Tool::Browser,
            Tool::E2eDeps,
        ]);
    }
    if !quick || !have_dist {
        wanted.extend(crate::web_build_tools(true));
    }
    let mut seen = Vec::new();
    wanted.retain(|t| {
        let new = !seen.contains(t);
        seen.push(*t);
        new
    });
    if !wanted.is_empty() && !Tools::ensure(&mut ctx, &wanted).all_ok() {
        eprintln!("error: cannot bench: a prerequisite is missing (see the FAIL lines above)");
        return ExitCode::FAILURE;
    }

    // The bundle: full runs build it; --quick reuses the release build in dist/ (CI's
    // `cargo xtask test` has just made it) and builds only when there is none.
    if !quick || !have_dist {
        if let Err(e) = build_dist(&ctx) {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    }
    println!("\n== bundle (gzip -9 of dist/*.wasm, *.js, *.css)");
    let assets = match bundle::measure(&dist) {
        Ok(a) if !a.is_empty() => a,
        Ok(_) => {
            eprintln!("error: no wasm/js/css in dist/");
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("error: cannot read dist/: {e}");
            return ExitCode::FAILURE;
        }
    };
    let within_ceiling = bundle::report(&dist, &assets, "   ");
    if quick {
        println!(
            "\n   --quick: bundle checked in {:.0} s; run `cargo xtask bench` for the engine numbers",
            started.elapsed().as_secs_f64()
        );
        return if within_ceiling {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        };
    }

    let machine = Machine::detect(&ctx);
    let mut engine = match native_engine(&ctx) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let copy_bytes = engine.records * 104;
    for (profile, what) in [
        ("release", "as the page ships it: opt-level \"z\", fat LTO, then wasm-opt at web/index.html's level"),
        ("bench", "opt-level 3, thin LTO"),
    ] {
        match wasm_engine(&ctx, profile, what, copy_bytes) {
            Ok(w) => engine.wasm.push(w),
            Err(e) => eprintln!("warning: wasm run ({profile}) failed: {e}"),
        }
        // The page's browser, on the build the page ships (before `bench` replaces it).
        if profile == "release" {
            match browser_engine(&ctx, what) {
                Ok(w) => engine.wasm.push(w),
                Err(e) => eprintln!("warning: wasm run in Chromium failed: {e}"),
            }
        }
    }
    let cont = match continuing(&ctx) {
        Ok(c) => Some(c),
        Err(e) => {
            eprintln!("warning: continuing-session measurement failed: {e}");
            None
        }
    };
    let mem = match memory(&ctx, MEMORY_RECORDS) {
        Ok(m) => Some(m),
        Err(e) => {
            eprintln!("warning: memory measurement failed: {e}");
            None
        }
    };

    let page = match page(&ctx, &dist) {
        Ok(p) => Some(p),
        Err(e) => {
            eprintln!("warning: page measurement failed: {e}");
            None
        }
    };

    let section = render(
        &machine,
        &engine,
        cont.as_ref(),
        mem.as_ref(),
        page.as_ref(),
        &assets,
        &dist,
    );
    let path = ctx.root.join("BENCHMARKS.md");
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    let new = splice(&old, &section);
    if let Err(e) = std::fs::write(&path, new) {
        eprintln!("error: cannot write BENCHMARKS.md: {e}");
        return ExitCode::FAILURE;
    }
    println!("\n{section}");
    println!(
        "== wrote BENCHMARKS.md in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    if within_ceiling {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Replace the text between the markers (or append the section with its markers).
fn splice(old: &str, section: &str) -> String {
    let block = format!("{BEGIN}\n{section}{END}");
    match (old.find(BEGIN), old.find(END)) {
        (Some(b), Some(e)) if e > b => format!("{}{block}{}", &old[..b], &old[e + END.len()..]),
        _ if old.is_empty() => format!("# Benchmarks\n\n{block}\n"),
        _ => format!("{}\n{block}\n", old.trim_end()),
    }
}

/// Frame times at the scale preset after one warm-up.
struct FrameRun {
    warmup_ms: u64,
    frames: f64,
    p50_ms: f64,
    p95_ms: f64,
    /// Share of frames that came one display interval after the previous one.
    within_one: f64,
    sim_rate: f64,
}

struct Page {
    first_draw_ms: Option<f64>,
    runs: Vec<FrameRun>,
}

/// `tests/perf/page.mjs` against dist/ served here, once per warm-up.
fn page(ctx: &Ctx, dist: &Path) -> Result<Page, String> {
    println!("\n== the page (tests/perf/page.mjs, headless Chromium)");
    let addr = server::serve(dist.to_path_buf()).map_err(|e| format!("cannot serve dist/: {e}"))?;
    let url = format!("http://{addr}/");
    let mut first_draw_ms = None;
    let mut runs = Vec::new();
    for (i, warmup_ms) in PAGE_WARMUPS_MS.into_iter().enumerate() {
        let mut cmd = ctx.command("node");
        cmd.arg("perf/page.mjs")
            .current_dir(ctx.root.join("tests"))
            .env("PLAYGROUND_URL", &url)
            .env("CHROMIUM", chromium_path())
            .env("PERF_WARMUP_MS", warmup_ms.to_string());
        if i > 0 {
            cmd.env("PERF_SKIP_FIRST_DRAW", "1");
        }
        let out = output(&mut cmd)?;
        if i == 0 {
            first_draw_ms = json_number(&out, "medianMs");
        }
        let vsyncs = json_array(&out, "vsyncs");
        let total: f64 = vsyncs.iter().sum();
        let number = |key: &str| {
            json_number(&out, key).ok_or_else(|| format!("perf/page.mjs printed no {key}"))
        };
        runs.push(FrameRun {
            warmup_ms,
            frames: number("frames")?,
            p50_ms: number("p50Ms")?,
            p95_ms: number("p95Ms")?,
            within_one: vsyncs.first().copied().unwrap_or(0.0) / total.max(1.0),
            sim_rate: number("simSecondsPerRealSecond")?,
        });
    }
    Ok(Page {
        first_draw_ms,
        runs,
    })
}

fn render_page(s: &mut String, p: &Page) {
    use std::fmt::Write;
    let _ = writeln!(s, "### The page\n");
    let _ = writeln!(
        s,
        "The release build above, served on 127.0.0.1, in headless Chromium at 1280×800 \
         (`tests/perf/page.mjs`). Frames: `requestAnimationFrame` intervals over 10 s at the scale \
         preset (`?scenario=scale`: 12 brokers, 100 partitions × RF 3, 8 consumer groups, \
         10,000 records/s simulated) at 1×, after a warm-up. The engine gets what the page's own \
         work leaves of a frame, so simulated time may run slower than real time; the last \
         column says how much.\n"
    );
    let _ = writeln!(
        s,
        "| warm-up | frames in 10 s | p50 | p95 | frames within one interval | simulated s per real s | budget p95 ≤ {FRAME_BUDGET_MS} ms |\n|---|---|---|---|---|---|---|"
    );
    for r in &p.runs {
        let _ = writeln!(
            s,
            "| {} s | {:.0} | {:.1} ms | {:.1} ms | {:.1} % | {:.2} | {} |",
            r.warmup_ms / 1000,
            r.frames,
            r.p50_ms,
            r.p95_ms,
            r.within_one * 100.0,
            r.sim_rate,
            met(r.p95_ms <= FRAME_BUDGET_MS + FRAME_JITTER_MS)
        );
    }
    let _ = writeln!(
        s,
        "\n(A p95 of 16.8 ms is one 60 Hz interval: the timestamps jitter by ±0.1 ms.) Command: \
         `cd tests && PLAYGROUND_URL=… CHROMIUM=/usr/bin/chromium PERF_WARMUP_MS=… node perf/page.mjs`.\n"
    );
    match p.first_draw_ms {
        Some(ms) => {
            let _ = writeln!(
                s,
                "First drawn cluster (navigation to the first broker and partition drawn, default \
                 scenario, median of 5 fresh loads): **{ms:.0} ms**; budget ≤ {FIRST_DRAW_BUDGET_MS:.0} ms: {}.\n",
                met(ms <= FIRST_DRAW_BUDGET_MS)
            );
        }
        None => {
            let _ = writeln!(
                s,
                "(The first-draw measurement printed no median in this run.)\n"
            );
        }
    }
}

fn render(
    m: &Machine,
    e: &Engine,
    cont: Option<&Continuing>,
    mem: Option<&Memory>,
    page: Option<&Page>,
    assets: &[bundle::Asset],
    dist: &Path,
) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(s, "## Latest run\n");
    let _ = writeln!(s, "| | |\n|---|---|");
    let _ = writeln!(s, "| machine | {} ({} cores available) |", m.cpu, m.cores);
    let _ = writeln!(s, "| date | {} |", m.date);
    let _ = writeln!(s, "| commit | {} |", m.commit);
    let _ = writeln!(s, "| toolchain | {}; Node {} |", m.rustc, m.node);
    let _ = writeln!(
        s,
        "| reproduce | `cargo xtask bench` (everything below) |\n"
    );

    let native = rate(e.records, e.native_ns);
    let copy = rate(e.records, e.copy_ns);
    let _ = writeln!(s, "### Engine throughput, standard workload\n");
    let _ = writeln!(
        s,
        "One iteration = {} simulated records produced, replicated twice and consumed by two \
         groups ({} records polled) in {} ms of simulated time after a {} s warm-up \
         (`crates/bench/src/standard.json`). Trace hash at the window's end: `{}`.\n",
        e.records,
        e.polled,
        e.window_ms,
        e.warmup_ms as f64 / 1000.0,
        e.trace_hash
    );
    let _ = writeln!(
        s,
        "| what | time per iteration (median) | simulated records/s | budget | command |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|");
    let _ = writeln!(
        s,
        "| native | {:.1} ms | {} | ≥ 5 M/s: {} ({:.1}% of it) | `cargo bench -p kafka-sim-bench --bench engine` |",
        e.native_ns / 1e6,
        fmt_rate(native),
        met(native >= ENGINE_BUDGET),
        native / ENGINE_BUDGET * 100.0
    );
    for w in &e.wasm {
        let r = rate(e.records, w.window_ms * 1e6);
        let ratio = r / native;
        let same = if w.trace_hash == e.trace_hash {
            "trace hash = native"
        } else {
            "TRACE HASH DIFFERS FROM NATIVE"
        };
        let _ = writeln!(
            s,
            "| wasm32 in {}, `{}` profile ({}) | {:.1} ms | {} = **{:.2}× native** ({same}) | {} | {} |",
            w.host.name(),
            w.profile,
            w.what,
            w.window_ms,
            fmt_rate(r),
            ratio,
            match w.host {
                Host::Node => format!("≥ 0.5× native: {}", met(ratio >= WASM_RATIO_BUDGET)),
                Host::Chromium =>
                    "— (the budget is measured in Node; this is the page's browser)".to_string(),
            },
            w.host.command()
        );
    }
    let payload = e.records * 104;
    let _ = writeln!(
        s,
        "| baseline: `memcpy` of the window's key+value bytes ({:.1} MB), native | {:.2} ms | {} ({:.1} GB/s) | — | same criterion run |",
        payload as f64 / 1e6,
        e.copy_ns / 1e6,
        fmt_rate(copy),
        payload as f64 / e.copy_ns
    );
    for w in &e.wasm {
        let Some(copy_ms) = w.copy_ms else {
            continue;
        };
        let _ = writeln!(
            s,
            "| baseline: the same copy in wasm32 (`{}`) | {:.2} ms | {} ({:.1} GB/s) | — | same Node run |",
            w.profile,
            copy_ms,
            fmt_rate(rate(e.records, copy_ms * 1e6)),
            payload as f64 / (copy_ms * 1e6)
        );
    }
    let _ = writeln!(
        s,
        "\nThe engine spends {:.0} ns per simulated record natively; copying its bytes once takes {:.1} ns.\n",
        e.native_ns / e.records as f64,
        e.copy_ns / e.records as f64
    );

    if let Some(c) = cont {
        let _ = writeln!(s, "### One session playing\n");
        let _ = writeln!(
            s,
            "The same workload as the page plays it: one session, {} windows one after another, \
             so the logs and the wasm memory keep growing (the iterations above each start from \
             a fresh session). Medians of the windows after the first {CONTINUING_SKIP}.\n",
            CONTINUING_WINDOWS
        );
        let _ = writeln!(
            s,
            "| what | time per window (median) | ratio to native | command |"
        );
        let _ = writeln!(s, "|---|---|---|---|");
        let _ = writeln!(
            s,
            "| native | {:.1} ms | — | `WINDOW_TIMES=1 cargo run --profile bench -p kafka-sim-bench --example window -- {}` |",
            c.native_ms, CONTINUING_WINDOWS
        );
        let _ = writeln!(
            s,
            "| wasm32 in Node, `release` profile (session built and warmed up in {:.0} ms) | {:.1} ms | **{:.2}×**{} | `node crates/bench/node/session.cjs target/bench/wasm/release/kafka_sim_bench.js {}` |\n",
            c.wasm_setup_ms,
            c.wasm_ms,
            c.native_ms / c.wasm_ms,
            if c.same_hash { " (trace hash = native)" } else { " (TRACE HASH DIFFERS FROM NATIVE)" },
            CONTINUING_WINDOWS
        );
    }
    let _ = writeln!(s, "### Memory per stored record\n");
    match mem {
        Some(m) => {
            let j = &m.json;
            let n = |k: &str| json_number(j, k).unwrap_or(f64::NAN);
            let over = n("overhead_per_record");
            let _ = writeln!(
                s,
                "{} records of 100-byte values (keys `0`–`9999`) in one partition on one broker (RF=1), \
                 durability ledger on, counted with a counting global allocator \
                 (`cargo bench -p kafka-sim-bench --bench memory -- --records {}`).\n",
                n("records") as u64,
                MEMORY_RECORDS
            );
            let _ = writeln!(s, "| what | bytes per record |\n|---|---|");
            let _ = writeln!(
                s,
                "| key + value | {:.1} |",
                n("key_value_bytes") / n("records")
            );
            let _ = writeln!(
                s,
                "| engine overhead beyond key + value (budget ≤ 64: {}) | **{:.1}** |",
                met(over <= OVERHEAD_BUDGET),
                over
            );
            let _ = writeln!(
                s,
                "| — of which the durability ledger | {:.1} |",
                n("ledger_per_record")
            );
            let _ = writeln!(
                s,
                "| — of which the log and everything else | {:.1} |\n",
                n("log_and_rest_overhead_per_record")
            );
        }
        None => {
            let _ = writeln!(
                s,
                "(the memory measurement failed in this run; see the command's output)\n"
            );
        }
    }

    let v = bundle::verdict(assets);
    let _ = writeln!(s, "### Bundle (release build, gzip -9)\n");
    let _ = writeln!(s, "| file | raw | gzipped |\n|---|---|---|");
    for a in assets {
        let name: PathBuf = a.path.strip_prefix(dist).unwrap_or(&a.path).to_path_buf();
        let _ = writeln!(
            s,
            "| `{}` | {} | {} |",
            name.display(),
            bundle::kib(a.raw),
            bundle::kib(a.gzipped)
        );
    }
    let _ = writeln!(
        s,
        "| **total** | | **{}** |\n\nBudget ≤ {}: {} — {}. Regression ceiling (CI fails above it): {}. \
         Command: `cargo xtask dist` (or `cargo xtask bench --quick` for the check alone).\n",
        bundle::kib(v.total),
        bundle::kib(bundle::BUDGET_BYTES),
        met(v.within_budget),
        bundle::budget_line(&v),
        bundle::kib(bundle::CEILING_BYTES)
    );
    match page {
        Some(p) => render_page(&mut s, p),
        None => {
            let _ = writeln!(
                s,
                "### The page\n\n(the page measurement failed in this run; see the command's output)\n"
            );
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_p95_of_one_display_interval_meets_the_frame_budget_and_two_do_not() {
        let run = |p95_ms| FrameRun {
            warmup_ms: 15_000,
            frames: 590.0,
            p50_ms: 16.7,
            p95_ms,
            within_one: 0.98,
            sim_rate: 0.5,
        };
        let verdict = |p95_ms| {
            let mut s = String::new();
            render_page(
                &mut s,
                &Page {
                    first_draw_ms: Some(450.0),
                    runs: vec![run(p95_ms)],
                },
            );
            let row = s
                .lines()
                .find(|l| l.starts_with("| 15 s |"))
                .unwrap_or("")
                .to_string();
            (row, s)
        };
        let (row, s) = verdict(16.8);
        assert!(row.ends_with("| **met** |"), "{row}");
        assert!(row.contains("| 98.0 % |"), "{row}");
        assert!(s.contains("**450 ms**; budget ≤ 1000 ms: **met**"), "{s}");
        let (row, _) = verdict(33.3);
        assert!(row.ends_with("| **missed** |"), "{row}");
    }

    #[test]
    fn reads_the_window_examples_times_and_hash() {
        let text = "window 0: 51.9 ms\nwindow 1: 38.0 ms\n200000 records produced and 400017 polled in 2 windows, trace hash 1aba844d70477cb2\n";
        assert_eq!(window_times(text), [51.9, 38.0]);
        assert_eq!(window_hash(text).as_deref(), Some("1aba844d70477cb2"));
        assert!(window_times("no windows here").is_empty());
        assert_eq!(window_hash("no hash"), None);
    }

    #[test]
    fn reads_flat_json() {
        let t = r#"{"records": 100000, "trace_hash": "00ff", "windows_ms": [3.5, 1, 2]}"#;
        assert_eq!(json_number(t, "records"), Some(100000.0));
        assert_eq!(json_string(t, "trace_hash").as_deref(), Some("00ff"));
        assert_eq!(median(&json_array(t, "windows_ms")), 2.0);
    }

    #[test]
    fn reads_the_pages_wasm_opt_level() {
        let html = r#"<link data-trunk rel="rust" data-bin="x" data-wasm-opt="z" />"#;
        assert_eq!(wasm_opt_level_in(html).as_deref(), Some("z"));
        assert_eq!(
            wasm_opt_level_in(r#"<link data-wasm-opt="3">"#).as_deref(),
            Some("3")
        );
        assert_eq!(wasm_opt_level_in(r#"<link data-wasm-opt="">"#), None);
        assert_eq!(wasm_opt_level_in(r#"<link data-wasm-opt="z --x">"#), None);
        assert_eq!(wasm_opt_level_in("<link>"), None);
        // The real page names one.
        let page = include_str!("../../../web/index.html");
        assert!(wasm_opt_level_in(page).is_some());
    }

    #[test]
    fn splice_keeps_the_prose() {
        let old = format!("# B\n\nintro\n\n{BEGIN}\nold\n{END}\n\nafter\n");
        let new = splice(&old, "new\n");
        assert!(new.contains("intro") && new.contains("after") && new.contains("new\n"));
        assert!(!new.contains("old"));
        assert!(splice("", "x\n").starts_with("# Benchmarks"));
    }
}
