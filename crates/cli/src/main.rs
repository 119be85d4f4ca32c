//! `kafka-sim`: run Kafka Playground scenarios headless.

use kafka_sim::partitioner::partition_for_key;
use kafka_sim::scenario::{self, RunReport, Scenario};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
kafka-sim: a deterministic Apache Kafka simulator (the engine of Kafka Playground)

USAGE:
    kafka-sim <COMMAND> [ARGS]

COMMANDS:
    partition --partitions N KEY...
        Print KEY<TAB>PARTITION for each key: the partition Kafka's default partitioner
        picks (toPositive(murmur2(utf8(KEY))) % N).

    run FILE [--seed S] [--until-ms T] [--json]
        Run a scenario file (JSON, see docs/scenario-format.md) and print the final state.
        --seed S      override the scenario's seed
        --until-ms T  simulate until T ms (default: 2 s after the last step/expectation)
        --json        print one JSON document (partitions, replicas, durability ledger,
                      client errors, expectation results, trace hash)
        Exit status: 0 all expectations hold, 1 an expectation failed, 2 invalid input.

    check DIR
        Run every *.json scenario in DIR and its expectations; print `N passed, M failed`.
        Exit status 1 if any expectation failed, 2 if a file is invalid.

    assign --assignor range|roundrobin|sticky|cooperative-sticky FILE [--rounds]
        Compute a consumer group assignment exactly as Kafka's client-side assignors do.
        FILE (or - for stdin): {\"topics\": {\"t0\": 3}, \"members\": [{\"id\": \"c0\",
        \"topics\": [\"t0\"], \"owned\": [[\"t0\", 0]], \"generation\": 1, \"instance_id\": \"i0\"}]}
        --rounds  print every cooperative round until the assignment is stable

    fuzz [--seeds N] [--start S] [--events E] [--config safe|weak|all] [--json]
        Deterministic simulation testing: random clusters, workloads and faults per seed,
        every invariant checked after every event; anomaly rates of weak configurations;
        failing seeds are shrunk to scenario files. Also --replay FILE, --target
        json|link|commands (byte-level fuzzing), --list (the invariants). `fuzz --help`.

    schema
        Print the JSON Schema of the scenario format.

    help, --help, -h
        Print this help.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = match args.first().map(String::as_str) {
        None | Some("help" | "--help" | "-h") => {
            print!("{USAGE}");
            0
        }
        Some("partition") => cmd_partition(&args[1..]),
        Some("run") => cmd_run(&args[1..]),
        Some("check") => cmd_check(&args[1..]),
        Some("assign") => assign::run(&args[1..]),
        Some("fuzz") => fuzz::run(&args[1..]),
        Some("schema") => {
            println!("{}", scenario::json_schema());
            0
        }
        Some(other) => {
            eprintln!("kafka-sim: unknown command '{other}'\n\n{USAGE}");
            2
        }
    };
    ExitCode::from(code as u8)
}

mod assign;
mod fuzz;

fn fail(msg: impl std::fmt::Display) -> i32 {
    eprintln!("kafka-sim: {msg}");
    2
}

fn cmd_partition(args: &[String]) -> i32 {
    let mut n: Option<i32> = None;
    let mut keys = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--partitions" | "-p" => match it.next().and_then(|v| v.parse().ok()) {
                Some(v) => n = Some(v),
                None => return fail("--partitions needs a number"),
            },
            s if s.starts_with("--partitions=") => match s["--partitions=".len()..].parse() {
                Ok(v) => n = Some(v),
                Err(_) => return fail("--partitions needs a number"),
            },
            _ => keys.push(a.clone()),
        }
    }
    let Some(n) = n else {
        return fail("partition: missing --partitions N");
    };
    if n < 1 {
        return fail(format!(
            "partition: --partitions must be at least 1, got {n}"
        ));
    }
    if keys.is_empty() {
        return fail("partition: give at least one KEY");
    }
    for k in keys {
        match partition_for_key(k.as_bytes(), n) {
            Some(p) => println!("{k}\t{p}"),
            None => return fail("partition: no partitions"),
        }
    }
    0
}

fn load(path: &Path) -> Result<Scenario, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Scenario::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn cmd_run(args: &[String]) -> i32 {
    let mut file: Option<PathBuf> = None;
    let mut seed = None;
    let mut until = None;
    let mut as_json = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seed" => match it.next().and_then(|v| v.parse().ok()) {
                Some(v) => seed = Some(v),
                None => return fail("--seed needs a non-negative integer"),
            },
            "--until-ms" => match it.next().and_then(|v| v.parse().ok()) {
                Some(v) => until = Some(v),
                None => return fail("--until-ms needs a non-negative integer"),
            },
            "--json" => as_json = true,
            s if s.starts_with("--") => return fail(format!("run: unknown option {s}")),
            _ => file = Some(PathBuf::from(a)),
        }
    }
    let Some(file) = file else {
        return fail("run: missing FILE");
    };
    let sc = match load(&file) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let report = match scenario::run(&sc, seed, until) {
        Ok(r) => r,
        Err(e) => return fail(format!("{}: {e}", file.display())),
    };
    if as_json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report_json(&report)).unwrap_or_default()
        );
    } else {
        print_report(&report);
    }
    if report.passed() {
        0
    } else {
        1
    }
}

/// The `--json` document.
pub fn report_json(r: &RunReport) -> Value {
    let topics: Vec<Value> = r
        .view
        .topics
        .iter()
        .map(|t| {
            json!({
                "name": t.name,
                "internal": t.internal,
                "partitions": t.partitions.iter().map(|p| json!({
                    "partition": p.partition,
                    "leader": p.leader,
                    "leader_epoch": p.leader_epoch,
                    "isr": p.isr,
                    "log_start_offset": p.log_start_offset,
                    "log_end_offset": p.log_end_offset,
                    "high_watermark": p.high_watermark,
                    "last_stable_offset": p.last_stable_offset,
                    "segments": p.segments,
                    "replicas": p.replicas.iter().map(|x| json!({
                        "broker": x.broker, "leo": x.leo, "hw": x.hw, "online": x.online, "in_isr": x.in_isr,
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut client_errors = serde_json::Map::new();
    for p in &r.view.producers {
        client_errors.insert(p.id.clone(), json!(p.errors));
    }
    for c in &r.view.consumers {
        client_errors.insert(c.id.clone(), json!(c.errors));
    }
    json!({
        "scenario": r.scenario,
        "seed": r.seed,
        "ended_at_ms": r.ended_at_ms,
        "topics": topics,
        "ledger": {
            "acked": r.durability.acked,
            "visible": r.durability.visible,
            "lost_acked": r.durability.lost_acked,
            "unavailable": r.durability.unavailable,
            "failed": r.durability.failed,
            "duplicates": r.durability.duplicates,
            "aborted_read": r.view.consumers.iter().filter(|c| c.isolation == "read_committed").map(|c| c.aborted_reads).sum::<u64>(),
            "lost": r.durability.lost,
        },
        "client_errors": client_errors,
                "groups": r.view.groups.iter().map(|g| json!({
            "group": g.group,
            "state": g.state,
            "generation": g.generation,
            "protocol": g.protocol,
            "assignor": g.assignor,
            "coordinator": g.coordinator,
            "assignment": g.members.iter().map(|m| (m.client.clone(), json!(m.assignment))).collect::<serde_json::Map<String, Value>>(),
            "committed": g.committed.iter().map(|c| json!({"topic": c.topic, "partition": c.partition, "offset": c.offset, "lag": c.lag})).collect::<Vec<_>>(),
            "lag": g.lag,
            "processed": g.processed,
            "processed_twice": g.duplicates,
            "skipped": g.skipped,
        })).collect::<Vec<_>>(),
        "processors": r.view.processors,
        "producers": r.view.producers,
        "consumers": r.view.consumers,
        "metrics": r.view.metrics,
        "expectations": r.expectations,
        "passed": r.passed(),
        "trace_hash": r.trace_hash,
        "trace_events": r.trace_events,
    })
}

fn print_report(r: &RunReport) {
    println!(
        "scenario: {} (seed {}, ran to {} ms)",
        r.scenario, r.seed, r.ended_at_ms
    );
    for t in r.view.topics.iter().filter(|t| !t.internal) {
        println!("topic {}:", t.name);
        for p in &t.partitions {
            let leader = p.leader.map_or("none".to_string(), |l| l.to_string());
            println!(
                "  partition {}: leader {leader} epoch {} isr {:?} log [{}, {}) hw {} segments {}{}",
                p.partition,
                p.leader_epoch,
                p.isr,
                p.log_start_offset,
                p.log_end_offset,
                p.high_watermark,
                p.segments.len(),
                match p.segments.iter().map(|s| s.compacted_away).sum::<usize>() {
                    0 => String::new(),
                    n => format!(" (compaction removed {n})"),
                }
            );
        }
    }
    for q in &r.view.queues {
        println!(
            "queue {}: holds {} sent {} deleted {} redelivered {}",
            q.name, q.count, q.sent, q.deleted, q.redelivered
        );
    }
    for p in &r.view.projections {
        println!(
            "projection {} of {} ({}): {:?}",
            p.id, p.topic, p.fold, p.state
        );
    }
    let d = &r.durability;
    println!(
        "ledger: acked {} visible {} expired {} lost_acked {} unavailable {} failed {} duplicates {}",
        d.acked, d.visible, d.expired, d.lost_acked, d.unavailable, d.failed, d.duplicates
    );
    for l in d.lost.iter().take(5) {
        println!(
            "  lost {}-{} offset {}: {}",
            l.topic, l.partition, l.offset, l.explanation
        );
    }
    for p in &r.view.producers {
        if !p.errors.is_empty() {
            println!("producer {} errors: {:?}", p.id, p.errors);
        }
    }
    for e in &r.expectations {
        println!(
            "{} expect[{}] at {} ms {}: {}",
            if e.passed { "ok  " } else { "FAIL" },
            e.index,
            e.at_ms,
            e.check,
            e.detail
        );
    }
    println!("trace hash {} ({} events)", r.trace_hash, r.trace_events);
}

fn cmd_check(args: &[String]) -> i32 {
    let Some(dir) = args.first() else {
        return fail("check: missing DIR");
    };
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect(),
        Err(e) => return fail(format!("{dir}: {e}")),
    };
    files.sort();
    let (mut passed, mut failed, mut invalid) = (0usize, 0usize, 0usize);
    for f in &files {
        let sc = match load(f) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("invalid {e}");
                invalid += 1;
                continue;
            }
        };
        match scenario::run(&sc, None, None) {
            Ok(r) => {
                for e in &r.expectations {
                    if e.passed {
                        passed += 1;
                    } else {
                        failed += 1;
                        println!(
                            "FAIL {} expect[{}] at {} ms: {}",
                            f.display(),
                            e.index,
                            e.at_ms,
                            e.detail
                        );
                    }
                }
            }
            Err(e) => {
                eprintln!("invalid {}: {e}", f.display());
                invalid += 1;
            }
        }
    }
    println!("{passed} passed, {} failed", failed + invalid);
    if invalid > 0 {
        2
    } else if failed > 0 {
        1
    } else {
        0
    }
}
