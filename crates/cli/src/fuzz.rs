//! `kafka-sim fuzz`: the deterministic simulation campaign (random clusters, workloads and
//! faults per seed, every invariant checked after every event), replays of failing
//! scenarios, and the byte-level fuzz targets.

use kafka_sim::fuzz::{self, targets, ConfigSet, Options, SeedReport, Summary};
use kafka_sim::invariants::{self, INVARIANTS};
use kafka_sim::scenario::Scenario;
use rand_chacha_free::Lcg;
use serde_json::json;
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub const HELP: &str = "\
    fuzz [--seeds N] [--start S] [--events E] [--config safe|weak|all] [--json]
         [--jobs J] [--out DIR] [--no-shrink] [--settle-ms T] [--save]
        Deterministic simulation testing: for each seed S..S+N, a random cluster, workload
        and fault schedule (safe or weak configuration), every invariant checked after every
        event, liveness after the faults heal. Prints each invariant's checks and violations,
        the anomaly rate of each weak configuration, and events checked per second. A failing
        seed prints a one-line reproduction and is shrunk to a scenario file in DIR (default
        fuzz-failures/; --save writes every seed's scenario there). Defaults: 200 seeds
        from 0, 10000 events of chaos per seed (then the settle phase), --config all.
        Exit status 1 if an invariant failed or a weak configuration never showed its anomaly.
    fuzz --replay FILE [--json]
        Run a scenario file under the invariant checker (liveness after its heal note).
    fuzz --target json|link|commands|all [--time SECS] [--iterations N] [--start S] [--out DIR]
        Byte-level fuzzing (mutations of generated inputs; no input may panic): scenario JSON
        parsing and validation, shared-link decoding, arbitrary command sequences.
    fuzz --list
        Print every invariant and weak-configuration anomaly with its documentation.";

struct Args {
    seeds: u64,
    start: u64,
    config: ConfigSet,
    json: bool,
    jobs: usize,
    out: PathBuf,
    shrink: bool,
    replay: Option<PathBuf>,
    target: Option<String>,
    time: Option<u64>,
    iterations: Option<u64>,
    list: bool,
    save: bool,
    opts: Options,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut a = Args {
        seeds: 200,
        start: 0,
        config: ConfigSet::All,
        json: false,
        jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
        out: PathBuf::from("fuzz-failures"),
        shrink: true,
        replay: None,
        target: None,
        time: None,
        iterations: None,
        list: false,
        save: false,
        opts: Options::default(),
    };
    let mut it = args.iter();
    let num = |it: &mut std::slice::Iter<String>, flag: &str| -> Result<u64, String> {
        it.next()
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| format!("{flag} needs a non-negative integer"))
    };
    while let Some(x) = it.next() {
        match x.as_str() {
            "--seeds" => a.seeds = num(&mut it, "--seeds")?,
            "--start" => a.start = num(&mut it, "--start")?,
            "--events" => a.opts.events = num(&mut it, "--events")?.max(1),
            "--settle-ms" => a.opts.settle_ms = num(&mut it, "--settle-ms")?,
            "--jobs" | "-j" => a.jobs = num(&mut it, "--jobs")?.max(1) as usize,
            "--time" => a.time = Some(num(&mut it, "--time")?),
            "--iterations" => a.iterations = Some(num(&mut it, "--iterations")?),
            "--config" => {
                let v = it.next().ok_or("--config needs safe, weak or all")?;
                a.config = ConfigSet::parse(v)
                    .ok_or_else(|| format!("--config is safe, weak or all, not {v:?}"))?;
            }
            "--out" => a.out = PathBuf::from(it.next().ok_or("--out needs a directory")?),
            "--replay" => a.replay = Some(PathBuf::from(it.next().ok_or("--replay needs a FILE")?)),
            "--target" => {
                let t = it
                    .next()
                    .ok_or("--target needs json, link, commands or all")?;
                if t != "all" && !targets::TARGETS.contains(&t.as_str()) {
                    return Err(format!(
                        "--target is json, link, commands or all, not {t:?}"
                    ));
                }
                a.target = Some(t.clone());
            }
            "--json" => a.json = true,
            "--no-shrink" => a.shrink = false,
            "--list" => a.list = true,
            "--save" => a.save = true,
            "--help" | "-h" => return Err(String::new()),
            other => return Err(format!("fuzz: unknown option {other}")),
        }
    }
    Ok(a)
}

pub fn run(args: &[String]) -> i32 {
    let a = match parse(args) {
        Ok(a) => a,
        Err(e) if e.is_empty() => {
            println!("kafka-sim\n{HELP}");
            return 0;
        }
        Err(e) => {
            eprintln!("kafka-sim: {e}\n\nkafka-sim\n{HELP}");
            return 2;
        }
    };
    install_panic_hook();
    if a.list {
        list();
        0
    } else if a.target.as_deref() == Some("all") {
        // Every target in turn, each for --time SECS or --iterations N.
        targets::TARGETS
            .iter()
            .map(|t| fuzz_target(&a, t))
            .max()
            .unwrap_or(0)
    } else if let Some(t) = &a.target {
        fuzz_target(&a, t)
    } else if let Some(f) = &a.replay {
        replay(&a, f)
    } else {
        campaign(&a)
    }
}

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Keep panics quiet during campaigns (they are reported as `no_panic` violations), but
/// remember where they happened.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let msg = info.to_string();
        LAST_PANIC.with(|p| *p.borrow_mut() = Some(msg));
    }));
}

fn take_panic() -> Option<String> {
    LAST_PANIC.with(|p| p.borrow_mut().take())
}

fn list() {
    println!("Invariants (kafka_sim::invariants):");
    for d in INVARIANTS {
        println!("\n  {} [{}]", d.name, d.kind.name());
        for line in wrap(d.doc, 88) {
            println!("      {line}");
        }
    }
    println!("\nWeak-configuration anomalies (each must be observed):");
    for (a, name, doc) in invariants::ANOMALIES {
        let profile = fuzz::Profile::WEAK
            .iter()
            .find(|p| p.anomaly() == Some(*a))
            .map_or("?", |p| p.name());
        println!("\n  {name} (profile {profile})");
        for line in wrap(doc, 88) {
            println!("      {line}");
        }
    }
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for w in text.split_whitespace() {
        if !cur.is_empty() && cur.len() + 1 + w.len() > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(w);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// Seeds that failed, kept for shrinking (at most this many).
const KEEP_FAILED: usize = 20;

fn campaign(a: &Args) -> i32 {
    let started = Instant::now();
    let next = AtomicU64::new(0);
    let (tx, rx) = mpsc::channel::<SeedReport>();
    let mut summary = Summary::new();
    let mut failed: Vec<SeedReport> = Vec::new();
    let total = a.seeds;
    if !a.json {
        println!(
            "kafka-sim fuzz: seeds {}..{} (--config {}), {} events per seed, {} job(s)",
            a.start,
            a.start.saturating_add(total),
            a.config.name(),
            a.opts.events,
            a.jobs
        );
    }
    std::thread::scope(|s| {
        for _ in 0..a.jobs.min(total.max(1) as usize) {
            let tx = tx.clone();
            let next = &next;
            let opts = a.opts.clone();
            let config = a.config;
            let start = a.start;
            s.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    break;
                }
                let seed = start.saturating_add(i);
                let mut r = fuzz::check_seed(seed, config, &opts);
                if let Some(p) = take_panic() {
                    for v in &mut r.violations {
                        if v.invariant == invariants::NO_PANIC {
                            v.detail = format!("the engine panicked: {p}");
                        }
                    }
                }
                if tx.send(r).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut done = 0u64;
        let mut last_progress = Instant::now();
        for r in rx {
            done += 1;
            summary.add(&r);
            if a.save {
                if let Some(sc) = &r.scenario {
                    let _ = std::fs::create_dir_all(&a.out);
                    let _ = std::fs::write(
                        a.out.join(format!("seed-{}-full.json", r.seed)),
                        sc.to_json(),
                    );
                }
            }
            if !r.passed() && failed.len() < KEEP_FAILED {
                failed.push(r);
            }
            if !a.json && last_progress.elapsed() > Duration::from_secs(10) {
                last_progress = Instant::now();
                let secs = started.elapsed().as_secs_f64();
                eprintln!(
                    "  … {done}/{total} seeds, {} events, {:.0} events/s, {} failing",
                    summary.events,
                    summary.events as f64 / secs.max(1e-9),
                    summary.failures.len()
                );
            }
        }
    });
    let elapsed = started.elapsed();
    failed.sort_by_key(|r| r.seed);

    // Shrink the first failure of each invariant.
    let mut shrunk: Vec<(u64, String, PathBuf, usize)> = Vec::new();
    if a.shrink && !failed.is_empty() {
        let _ = std::fs::create_dir_all(&a.out);
        let mut seen = std::collections::BTreeSet::new();
        for r in &failed {
            let Some(v) = r.first_violation() else {
                continue;
            };
            if !seen.insert(v.invariant.clone()) || seen.len() > 5 {
                continue;
            }
            let Some(sc) = &r.scenario else { continue };
            let mut small = fuzz::shrink(sc, &v.invariant, &a.opts);
            small.name = format!("fuzz seed {}: {} (shrunk)", r.seed, v.invariant);
            small.description = format!(
                "Shrunk by kafka-sim fuzz from seed {} (profile {}, {} events). Violation at {} ms: {} Reproduce the violation with `kafka-sim fuzz --replay FILE`.",
                r.seed,
                r.profile.name(),
                a.opts.events,
                v.at_ms,
                v.detail
            );
            small.expect = fuzz::expectations_for(&small, &v.invariant);
            let path = a.out.join(format!("seed-{}-{}.json", r.seed, v.invariant));
            let full = a.out.join(format!("seed-{}-full.json", r.seed));
            let _ = std::fs::write(&full, sc.to_json());
            if std::fs::write(&path, small.to_json()).is_ok() {
                shrunk.push((r.seed, v.invariant.clone(), path, small.script.len()));
            }
        }
    }

    if a.json {
        let doc = json!({
            "start": a.start,
            "seeds": a.seeds,
            "events_per_seed": a.opts.events,
            "config": a.config.name(),
            "elapsed_s": elapsed.as_secs_f64(),
            "events_per_s": summary.events as f64 / elapsed.as_secs_f64().max(1e-9),
            "summary": summary,
            "shrunk": shrunk.iter().map(|(s, i, p, n)| json!({"seed": s, "invariant": i, "file": p.display().to_string(), "steps": n})).collect::<Vec<_>>(),
            "passed": summary.passed(),
        });
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        print_summary(a, &summary, elapsed, &failed, &shrunk);
    }
    if summary.passed() {
        0
    } else {
        1
    }
}

fn print_summary(
    a: &Args,
    s: &Summary,
    elapsed: Duration,
    failed: &[SeedReport],
    shrunk: &[(u64, String, PathBuf, usize)],
) {
    println!();
    println!(
        "{:<40} {:<10} {:>14} {:>10} {:>8}",
        "invariant", "kind", "checks", "violations", "seeds"
    );
    for d in INVARIANTS {
        let st = s.invariants.get(d.name).cloned().unwrap_or_default();
        println!(
            "{:<40} {:<10} {:>14} {:>10} {:>8}{}",
            d.name,
            d.kind.name(),
            st.evaluations,
            st.violations,
            st.seeds_failed,
            if st.violations > 0 { "  FAIL" } else { "" }
        );
    }
    println!();
    println!(
        "weak configurations (rate = seeds showing the anomaly / seeds of that configuration):"
    );
    for (name, st) in &s.anomalies {
        if st.seeds == 0 {
            println!("  {name:<34} (profile {}: no seeds)", st.profile);
            continue;
        }
        println!(
            "  {name:<34} {:>5}/{:<5} {:>6.1}%  (profile {}){}",
            st.observed,
            st.seeds,
            st.rate() * 100.0,
            st.profile,
            if st.observed == 0 {
                "  NEVER SHOWN"
            } else {
                ""
            }
        );
        if let (Some(seed), Some(ex)) = (st.first_seed, &st.example) {
            println!("      e.g. seed {seed}: {ex}");
        }
    }
    let profiles: Vec<String> = s.profiles.iter().map(|(k, v)| format!("{k} {v}")).collect();
    println!();
    println!("seeds per profile: {}", profiles.join(", "));
    let secs = elapsed.as_secs_f64().max(1e-9);
    println!(
        "events checked: {} ({} invariant evaluations) in {:.1} s: {:.0} events/s, {:.0} evaluations/s; simulated {:.0} s",
        s.events,
        s.checks,
        secs,
        s.events as f64 / secs,
        s.checks as f64 / secs,
        s.sim_ms as f64 / 1000.0
    );
    if s.settled > 0 {
        println!(
            "liveness reached {:.0} ms after the heal on average ({} seeds); {} scripted commands refused by the engine",
            s.settle_ms_total as f64 / s.settled as f64,
            s.settled,
            s.refused_commands
        );
    }
    for (seed, e) in s.errors.iter().take(5) {
        println!("ERROR seed {seed}: {e}");
    }
    for r in failed.iter().take(10) {
        let Some(v) = r.first_violation() else {
            continue;
        };
        println!();
        println!(
            "FAIL seed {} ({}): {} at {} ms: {}",
            r.seed,
            r.profile.name(),
            v.invariant,
            v.at_ms,
            v.detail
        );
        println!(
            "  reproduce: kafka-sim fuzz --start {} --seeds 1 --events {} --config {}",
            r.seed,
            a.opts.events,
            a.config.name()
        );
        if let Some((_, _, path, n)) = shrunk.iter().find(|(s, _, _, _)| *s == r.seed) {
            let full = a.out.join(format!("seed-{}-full.json", r.seed));
            println!(
                "  as a scenario: kafka-sim run {} --seed {}",
                full.display(),
                r.seed
            );
            println!(
                "  shrunk to {n} step(s): kafka-sim fuzz --replay {}",
                path.display()
            );
        }
    }
    println!();
    let missing = s.missing_anomalies();
    if s.passed() {
        println!(
            "PASS: {} seeds, every invariant held, every weak configuration showed its anomaly",
            s.seeds
        );
    } else {
        println!(
            "FAIL: {} failing seed(s), {} error(s){}",
            s.failures.len(),
            s.errors.len(),
            if missing.is_empty() {
                String::new()
            } else {
                format!(", anomalies never shown: {}", missing.join(", "))
            }
        );
    }
}

fn replay(a: &Args, file: &Path) -> i32 {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("kafka-sim: {}: {e}", file.display());
            return 2;
        }
    };
    let sc = match Scenario::parse(&text) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("kafka-sim: {}: {e}", file.display());
            return 2;
        }
    };
    let started = Instant::now();
    let mut r = fuzz::run_scenario(&sc, &a.opts);
    if let Some(p) = take_panic() {
        for v in &mut r.violations {
            if v.invariant == invariants::NO_PANIC {
                v.detail = format!("the engine panicked: {p}");
            }
        }
    }
    let secs = started.elapsed().as_secs_f64().max(1e-9);
    if a.json {
        let mut doc = serde_json::to_value(&r).unwrap_or_default();
        if let Some(o) = doc.as_object_mut() {
            o.remove("scenario");
        }
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        println!(
            "{}: {} events checked in {:.2} s ({:.0} events/s), ran to {} ms, trace hash {}",
            file.display(),
            r.events,
            secs,
            r.events as f64 / secs,
            r.sim_ms,
            r.trace_hash
        );
        if let Some(h) = r.healed_at {
            match r.live_at {
                Some(l) => println!("faults healed at {h} ms; live at {l} ms"),
                None => println!("faults healed at {h} ms; liveness never reached"),
            }
        }
        for v in &r.violations {
            println!("FAIL {} at {} ms: {}", v.invariant, v.at_ms, v.detail);
        }
        for (k, v) in &r.examples {
            println!("anomaly {k}: {v}");
        }
        if let Some(e) = &r.error {
            println!("ERROR {e}");
        }
        if r.passed() {
            println!("every invariant held");
        }
    }
    if r.error.is_some() {
        2
    } else if r.passed() {
        0
    } else {
        1
    }
}

/// Inputs to start from: generated ones plus, for `json`, the preset scenarios if the
/// repository's `static/scenarios` is at hand.
fn corpus(target: &str) -> Vec<Vec<u8>> {
    let mut c = targets::corpus(target);
    if target == "json" {
        if let Ok(rd) = std::fs::read_dir("static/scenarios") {
            let mut files: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
            files.sort();
            for f in files {
                if let Ok(b) = std::fs::read(&f) {
                    c.push(b);
                }
            }
        }
    }
    c
}

fn fuzz_target(a: &Args, target: &str) -> i32 {
    let corpus = corpus(target);
    let deadline = a.time.map(Duration::from_secs);
    let max_iter = a
        .iterations
        .unwrap_or(if deadline.is_some() { u64::MAX } else { 2_000 });
    let started = Instant::now();
    let mut rng = Lcg::new(a.start);
    let mut chacha = rand_chacha_free::chacha(a.start);
    let mut n = 0u64;
    let mut failures = 0u64;
    let _ = std::fs::create_dir_all(&a.out);
    println!(
        "kafka-sim fuzz --target {target}: {} corpus input(s), {}",
        corpus.len(),
        match deadline {
            Some(d) => format!("{} s", d.as_secs()),
            None => format!("{max_iter} iterations"),
        }
    );
    let mut last = Instant::now();
    while n < max_iter && deadline.is_none_or(|d| started.elapsed() < d) {
        let base = corpus
            .get(rng.below(corpus.len().max(1)))
            .cloned()
            .unwrap_or_default();
        let other = corpus
            .get(rng.below(corpus.len().max(1)))
            .cloned()
            .unwrap_or_default();
        // Every 16th input is unmutated or random bytes, the rest mutations.
        let input = match n % 16 {
            0 => base,
            1 => (0..rng.below(512)).map(|_| rng.below(256) as u8).collect(),
            _ => targets::mutate(&base, &other, &mut chacha),
        };
        n += 1;
        if let Err(e) = targets::run(target, &input) {
            failures += 1;
            let e = match take_panic() {
                Some(p) => format!("{e} ({p})"),
                None => e,
            };
            let path = a.out.join(format!("{target}-{}-{n}.bin", a.start));
            let _ = std::fs::write(&path, &input);
            println!("FAIL input {n}: {e}\n  saved to {}", path.display());
            if failures >= 20 {
                println!("stopping after 20 failures");
                break;
            }
        }
        if last.elapsed() > Duration::from_secs(30) {
            last = Instant::now();
            eprintln!(
                "  … {n} inputs, {:.0}/s, {failures} failure(s)",
                n as f64 / started.elapsed().as_secs_f64().max(1e-9)
            );
        }
    }
    let secs = started.elapsed().as_secs_f64().max(1e-9);
    println!(
        "{target}: {n} inputs in {secs:.1} s ({:.0}/s), {failures} failure(s)",
        n as f64 / secs
    );
    if failures == 0 {
        0
    } else {
        1
    }
}

/// Small deterministic generators for the fuzz loop (the CLI does not depend on rand).
mod rand_chacha_free {
    pub struct Lcg(u64);
    impl Lcg {
        pub fn new(seed: u64) -> Self {
            Lcg(seed ^ 0x2545_f491_4f6c_dd1d)
        }
        pub fn below(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            if n == 0 {
                0
            } else {
                ((self.0 >> 33) % n as u64) as usize
            }
        }
    }
    pub fn chacha(seed: u64) -> kafka_sim::fuzz::MutatorRng {
        kafka_sim::fuzz::MutatorRng::seed(seed)
    }
}
