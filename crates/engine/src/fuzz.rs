//! Deterministic simulation testing: random clusters, workloads and fault schedules drawn
//! from one seed, run event by event under the invariant checker ([`crate::invariants`]).
//!
//! - [`generate`] turns a seed into a [`Plan`]: a [`Scenario`] (cluster, topics, clients) plus
//!   a timed list of operations — workload, consumer group churn, transactions, a stream
//!   processor, and faults (stop/start/isolate brokers, pause fetchers, slow links, lost
//!   responses, crashed clients and processors). Which configuration a seed gets is its
//!   [`Profile`]: `safe`, or one of the weak ones that must show an anomaly.
//! - [`check_seed`] runs a plan: the chaos phase until its event budget or its end, then every
//!   fault is healed and the cluster settles until every liveness property holds (or the
//!   settle time runs out). Every event is checked; promises are checked periodically and at
//!   the end. What actually ran is a plain scenario ([`SeedReport::scenario`]): operations
//!   that needed the cluster's state (the leader of a partition, the broker an episode
//!   stopped) are resolved to concrete commands, and commands the engine refused are left out,
//!   so `kafka-sim fuzz --replay FILE` (and `kafka-sim run FILE`) reproduce it exactly.
//! - [`shrink`] removes script steps, clients and time from a failing scenario while the same
//!   invariant still fails.
//! - [`targets`]: byte-level fuzz targets (scenario JSON, shared links, command sequences) that
//!   must never panic, and a small deterministic mutator to drive them.
//!
//! The module is sans-IO like the rest of the engine: no clocks, no threads. The CLI measures
//! time and runs seeds in parallel.

use crate::action::Action;
use crate::cluster::{Client, Cluster};
use crate::invariants::{self, Anomaly, Audit, Checker, Violation};
use crate::scenario::{from_value, Scenario, Step};
use crate::sort::SortShared;
use crate::types::{BrokerId, Millis, NodeId};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_core::RngCore;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The note that marks where faults heal in a generated scenario: liveness is judged after it.
pub const HEAL_MARKER: &str = "fuzz: every fault heals here; liveness is checked from now on";

/// Which configuration a seed runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Profile {
    /// Every promise's preconditions hold: acks=all, idempotence, min.insync.replicas ≥ 2,
    /// clean elections, at most RF − min ISR brokers failed at once, read_committed,
    /// exactly_once.
    Safe,
    /// acks=1 producers, leaders stopped under load.
    Acks1,
    /// unclean.leader.election.enable=true with min.insync.replicas=1, followers paused then
    /// the leader stopped.
    Unclean,
    /// enable.idempotence=false with lost produce responses.
    NoIdempotence,
    /// A read_uncommitted consumer beside a transactional producer that aborts.
    ReadUncommitted,
    /// An at_least_once stream processor that crashes.
    AtLeastOnce,
    /// Brokers lose power (all at once, and some alone) with the data topics on Kafka's
    /// default flush settings; the internal, transaction and pipeline topics fsync each
    /// append (`flush.messages=1`), so only the data topics can lose what was not on disk.
    PowerLoss,
}

impl Profile {
    pub const WEAK: [Profile; 6] = [
        Profile::Acks1,
        Profile::Unclean,
        Profile::NoIdempotence,
        Profile::ReadUncommitted,
        Profile::AtLeastOnce,
        Profile::PowerLoss,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Profile::Safe => "safe",
            Profile::Acks1 => "acks1",
            Profile::Unclean => "unclean",
            Profile::NoIdempotence => "no_idempotence",
            Profile::ReadUncommitted => "read_uncommitted",
            Profile::AtLeastOnce => "at_least_once",
            Profile::PowerLoss => "power_loss",
        }
    }

    pub fn parse(s: &str) -> Option<Profile> {
        std::iter::once(Profile::Safe)
            .chain(Profile::WEAK)
            .find(|p| p.name() == s)
    }

    /// The anomaly this weak profile must show.
    pub fn anomaly(self) -> Option<Anomaly> {
        match self {
            Profile::Safe => None,
            Profile::Acks1 => Some(Anomaly::Acks1Loss),
            Profile::Unclean => Some(Anomaly::UncleanLoss),
            Profile::NoIdempotence => Some(Anomaly::NoIdempotenceDuplicates),
            Profile::ReadUncommitted => Some(Anomaly::ReadUncommittedAbortedReads),
            Profile::AtLeastOnce => Some(Anomaly::AtLeastOnceDuplicates),
            Profile::PowerLoss => Some(Anomaly::PowerLossLoss),
        }
    }
}

/// Which profiles a campaign draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConfigSet {
    Safe,
    Weak,
    All,
}

impl ConfigSet {
    pub fn parse(s: &str) -> Option<ConfigSet> {
        match s {
            "safe" => Some(ConfigSet::Safe),
            "weak" => Some(ConfigSet::Weak),
            "all" => Some(ConfigSet::All),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            ConfigSet::Safe => "safe",
            ConfigSet::Weak => "weak",
            ConfigSet::All => "all",
        }
    }

    /// The profile of a seed (a function of the seed alone, so one seed reproduces).
    pub fn profile(self, seed: u64) -> Profile {
        let weak = |i: u64| Profile::WEAK[(i % Profile::WEAK.len() as u64) as usize];
        match self {
            ConfigSet::Safe => Profile::Safe,
            ConfigSet::Weak => weak(seed),
            ConfigSet::All => {
                if seed % 2 == 0 {
                    Profile::Safe
                } else {
                    weak(seed / 2)
                }
            }
        }
    }
}

/// Knobs of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Options {
    /// Events of the chaos phase (faults and workload) per seed.
    pub events: u64,
    /// Longest time the cluster may take to satisfy every liveness property after faults heal.
    pub settle_ms: Millis,
    /// Check the promises (ledger audit) every this many events as well as at the end.
    pub audit_every: u64,
    /// Poll the liveness properties this often while settling.
    pub liveness_poll_ms: Millis,
    /// Most runs the shrinker may spend on one failure.
    pub max_shrink_runs: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            events: 10_000,
            // Longer than the longest client timeout (a JoinGroup waits max.poll.interval.ms +
            // 5 s = 305 s by default, as the processors' consumers use): a request lost in a
            // network partition is only retried after it times out.
            settle_ms: 330_000,
            audit_every: 500,
            liveness_poll_ms: 250,
            max_shrink_runs: 300,
        }
    }
}

// ------------------------------------------------------------------------------ plans

/// One planned operation. Most are plain commands; the others are resolved against the
/// cluster's state when they run (and recorded as the plain commands they became).
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Do(Action),
    /// Stop whichever broker leads the partition ("topic-p") now; `episode` remembers it.
    StopLeader {
        tp: String,
        episode: usize,
    },
    /// Cut the partition's current leader off the network.
    IsolateLeader {
        tp: String,
        episode: usize,
    },
    /// Stop a given broker as part of an episode.
    StopBroker {
        broker: BrokerId,
        episode: usize,
    },
    /// A given broker loses power as part of an episode (if it is running).
    PowerLoss {
        broker: BrokerId,
        episode: usize,
    },
    /// Pause the fetchers of every follower of the partition.
    PauseFollowers {
        tp: String,
        episode: usize,
    },
    /// Start the brokers an episode stopped.
    StartEpisode(usize),
    /// Resume the fetchers an episode paused.
    ResumeEpisode(usize),
}

/// A generated run: the scenario's cluster and clients, and what happens when.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub seed: u64,
    pub profile: Profile,
    /// Cluster, topics and clients (the script is empty: see `ops`).
    pub scenario: Scenario,
    pub ops: Vec<(Millis, Op)>,
    /// The chaos phase ends here (or at the event budget, whichever comes first).
    pub chaos_ms: Millis,
}

struct Rng(ChaCha8Rng);

/// The random source of [`targets::mutate`] (seeded, deterministic).
#[derive(Debug, Clone)]
pub struct MutatorRng(ChaCha8Rng);

impl MutatorRng {
    pub fn seed(seed: u64) -> Self {
        MutatorRng(ChaCha8Rng::seed_from_u64(seed))
    }
}

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.0.next_u64() % n
        }
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len() as u64) as usize)
    }
}

fn action(v: Value) -> Option<Action> {
    from_value(v).ok()
}

/// Builder state of [`generate`].
struct Gen {
    rng: Rng,
    profile: Profile,
    chaos_ms: Millis,
    brokers: u64,
    ops: Vec<(Millis, Op)>,
    episodes: usize,
    /// Planned failure intervals (stop or isolate), for the safe profile's budget.
    failures: Vec<(Millis, Millis)>,
    /// How many brokers may be failed at once.
    failure_budget: usize,
    /// Data topics: (name, partitions, compacted).
    topics: Vec<(String, u64, bool)>,
    producers: Vec<String>,
    /// Each producer's configuration (a restarted producer comes back with it).
    producer_configs: BTreeMap<String, Value>,
}

impl Gen {
    fn at(&mut self, t: Millis, op: Op) {
        self.ops.push((t, op));
    }
    fn act(&mut self, t: Millis, v: Value) {
        if let Some(a) = action(v) {
            self.ops.push((t, Op::Do(a)));
        }
    }
    fn episode(&mut self) -> usize {
        self.episodes += 1;
        self.episodes
    }
    /// Reserve a failure interval if the budget allows it.
    fn reserve_failure(&mut self, from: Millis, to: Millis) -> bool {
        // Count the planned failures overlapping [from, to] at their worst instant.
        let mut points: Vec<Millis> = vec![from];
        points.extend(
            self.failures
                .iter()
                .map(|(s, _)| *s)
                .filter(|s| *s >= from && *s <= to),
        );
        let worst = points
            .iter()
            .map(|p| {
                self.failures
                    .iter()
                    .filter(|(s, e)| s <= p && p <= e)
                    .count()
            })
            .max()
            .unwrap_or(0);
        if worst + 1 > self.failure_budget {
            return false;
        }
        self.failures.push((from, to));
        true
    }
    fn random_tp(&mut self) -> String {
        let (name, parts, _) = self
            .rng
            .pick(&self.topics)
            .cloned()
            .unwrap_or_else(|| ("events".into(), 1, false));
        let p = self.rng.below(parts);
        format!("{name}-{p}")
    }
    fn time(&mut self, from: Millis, to: Millis) -> Millis {
        self.rng.range(from, to.max(from))
    }
}

/// Turn a seed into a plan. `events` sizes the chaos phase (a cluster under this workload
/// dispatches roughly one event per simulated millisecond).
pub fn generate(seed: u64, profile: Profile, opts: &Options) -> Result<Plan, String> {
    let mut rng = Rng(ChaCha8Rng::seed_from_u64(
        seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5eed_f00d,
    ));
    let brokers = rng.range(3, 5);
    let chaos_ms = opts.events.clamp(1_500, 3_600_000);
    let lag = rng.range(400, 1_200);
    let session = rng.range(600, 1_500);
    let mut cluster_cfg = json!({
        "replica.lag.time.max.ms": lag,
        "replica.fetch.wait.max.ms": rng.range(50, 400),
        "broker.session.timeout.ms": session,
        "broker.heartbeat.interval.ms": (session / 4).max(50),
        "offsets.topic.num.partitions": rng.range(1, 4),
        "transaction.state.log.num.partitions": rng.range(1, 4),
        "group.initial.rebalance.delay.ms": rng.range(0, 300),
        "group.min.session.timeout.ms": 200,
        "group.consumer.heartbeat.interval.ms": rng.range(200, 500),
        "group.consumer.session.timeout.ms": rng.range(1_000, 2_500),
        "transaction.abort.timed.out.transaction.cleanup.interval.ms": rng.range(300, 1_000),
        "log.retention.check.interval.ms": rng.range(300, 1_000),
        "log.cleaner.backoff.ms": rng.range(200, 1_000),
    });
    let mut g = Gen {
        rng,
        profile,
        chaos_ms,
        brokers,
        ops: Vec::new(),
        episodes: 0,
        failures: Vec::new(),
        failure_budget: 1,
        topics: Vec::new(),
        producers: Vec::new(),
        producer_configs: BTreeMap::new(),
    };

    // ---- topics
    let rf = if brokers >= 4 && g.rng.chance(30) {
        4
    } else {
        3
    };
    let (min_isr, unclean) = match profile {
        Profile::Unclean => (1, true),
        Profile::Safe => (g.rng.range(2, rf - 1), false),
        _ => (2, false),
    };
    g.failure_budget = match profile {
        Profile::Safe => (rf - min_isr) as usize,
        _ => (rf - 1) as usize,
    };
    if profile == Profile::PowerLoss {
        // Every topic but the data topics fsyncs each append: their losses stay attributable.
        cluster_cfg["log.flush.interval.messages"] = json!("1");
    }
    let mut topics = Vec::new();
    let n_data = g.rng.range(1, 2);
    // A small max.message.bytes on some topics: single records too large fail, and batches
    // above it are split and sent again until they time out (no compression, so a split by
    // batch.size does not shrink them). Drawn from a stream of its own: the plans of seeds
    // from before record sizes were modeled are otherwise unchanged.
    let mut size_rng = Rng(ChaCha8Rng::seed_from_u64(
        seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x51ce_b17e,
    ));
    for i in 0..n_data {
        let name = if i == 0 { "events" } else { "orders" };
        let partitions = g.rng.range(1, 4);
        let mut cfg = json!({
            "min.insync.replicas": min_isr.to_string(),
            "unclean.leader.election.enable": unclean.to_string(),
        });
        // Retention or compaction on some topics (never on the unclean profile's topic:
        // its losses must be attributable to the election).
        let compact = profile != Profile::Unclean && i > 0 && g.rng.chance(40);
        if compact {
            cfg["cleanup.policy"] = json!("compact");
            cfg["segment.ms"] = json!(g.rng.range(300, 1_500));
            cfg["min.cleanable.dirty.ratio"] = json!(format!("0.{}", g.rng.range(1, 5)));
        } else if g.rng.chance(25) {
            cfg["retention.ms"] = json!(g.rng.range(1_500, 6_000));
            cfg["segment.ms"] = json!(g.rng.range(300, 1_500));
        }
        if size_rng.chance(15) {
            cfg["max.message.bytes"] = json!(size_rng.range(150, 2_500));
        }
        if profile == Profile::PowerLoss {
            cfg["flush.messages"] = json!(i64::MAX.to_string());
        }
        g.topics.push((name.to_string(), partitions, compact));
        topics.push(json!({
            "name": name, "partitions": partitions, "replication_factor": rf, "config": cfg,
        }));
    }
    if let Some(o) = cluster_cfg.as_object_mut() {
        // The cluster default matters for internal topics only through min ISR (kept).
        o.retain(|_, v| !v.is_null());
    }

    // ---- producers and their workloads
    let mut producers = Vec::new();
    let request_timeout = g.rng.range(400, 1_500);
    let producer_cfg = |g: &mut Gen, weak: bool| {
        let linger = g.rng.range(0, 20);
        let mut cfg = json!({
            "request.timeout.ms": request_timeout,
            "delivery.timeout.ms": request_timeout + linger + g.rng.range(2_000, 8_000),
            "linger.ms": linger,
            "retry.backoff.ms": g.rng.range(20, 100),
            "max.in.flight.requests.per.connection": g.rng.range(1, 5),
        });
        if weak {
            match g.profile {
                Profile::Acks1 => cfg["acks"] = json!("1"),
                Profile::NoIdempotence => {
                    cfg["enable.idempotence"] = json!("false");
                    cfg["acks"] = json!("all");
                }
                _ => {}
            }
        }
        cfg
    };
    let n_producers = g.rng.range(1, 2);
    // A small buffer.memory, so that outages block send() (backpressure). Drawn from a
    // stream of its own: the plans of seeds from before buffer.memory was modeled are
    // otherwise unchanged.
    let mut buffer_rng = Rng(ChaCha8Rng::seed_from_u64(
        seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xb0ff_e7ed,
    ));
    let mut availability_rng = Rng(ChaCha8Rng::seed_from_u64(
        seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xa7a1_1ab1,
    ));
    for i in 0..n_producers {
        let id = format!("p{i}");
        let weak = i == 0 && matches!(profile, Profile::Acks1 | Profile::NoIdempotence);
        let mut cfg = producer_cfg(&mut g, weak);
        if buffer_rng.chance(30) {
            cfg["buffer.memory"] = json!(16_384 * buffer_rng.range(2, 8));
            cfg["max.block.ms"] = json!(buffer_rng.range(500, 4_000));
        }
        // Keyless records that avoid a leader the producer could not send to
        // (partitioner.availability.timeout.ms). A stream of its own, as above.
        if availability_rng.chance(25) {
            cfg["partitioner.availability.timeout.ms"] = json!(availability_rng.range(50, 2_000));
        }
        producers.push(json!({"id": id, "config": cfg}));
        g.producers.push(id.clone());
        g.producer_configs.insert(id.clone(), cfg);
        for (topic, _, compact) in g.topics.clone() {
            if i > 0 && g.rng.chance(50) {
                continue;
            }
            let keyed = compact || g.rng.chance(60);
            let mut w = json!({
                "do": "start_workload", "producer": id, "topic": topic,
                "rate_per_sec": g.rng.range(20, 120),
                "value_bytes": g.rng.range(10, 200),
            });
            if keyed {
                w["keys"] = json!(g.rng.range(3, 40));
            }
            let t = g.rng.range(0, 200);
            g.act(t, w);
        }
    }

    // ---- consumer groups
    let mut consumers = Vec::new();
    let data_topics: Vec<String> = g.topics.iter().map(|(n, _, _)| n.clone()).collect();
    let n_groups = g.rng.range(1, 2);
    let mut group_members: Vec<(String, Value)> = Vec::new();
    for gi in 0..n_groups {
        let group = format!("g{gi}");
        let kip848 = g.rng.chance(25);
        let session = g.rng.range(800, 2_000);
        let mut cfg = json!({
            "auto.offset.reset": "earliest",
            "max.poll.interval.ms": g.rng.range(3_000, 20_000),
            "fetch.max.wait.ms": g.rng.range(50, 400),
            "max.poll.records": g.rng.range(5, 50),
            "request.timeout.ms": g.rng.range(800, 2_000),
        });
        let commit = *g
            .rng
            .pick(&["auto", "after_processing", "before_processing", "manual"])
            .unwrap_or(&"auto");
        if commit == "auto" {
            cfg["auto.commit.interval.ms"] = json!(g.rng.range(200, 1_000));
        } else {
            cfg["enable.auto.commit"] = json!("false");
        }
        if kip848 {
            cfg["group.protocol"] = json!("consumer");
            if let Some(a) = g.rng.pick(&["uniform", "range"]) {
                cfg["group.remote.assignor"] = json!(a);
            }
        } else {
            cfg["session.timeout.ms"] = json!(session);
            cfg["heartbeat.interval.ms"] = json!((session / 3).max(50));
            let strategies = [
                "range",
                "roundrobin",
                "sticky",
                "cooperative-sticky",
                "range,cooperative-sticky",
            ];
            if let Some(s) = g.rng.pick(&strategies) {
                cfg["partition.assignment.strategy"] = json!(s);
            }
        }
        let topics: Vec<String> = if data_topics.len() > 1 && g.rng.chance(50) {
            data_topics.clone()
        } else {
            data_topics.iter().take(1).cloned().collect()
        };
        let members = g.rng.range(1, 3);
        for m in 0..members {
            let id = format!("c{gi}{m}");
            let mut def = json!({
                "id": id, "group": group, "topics": topics, "config": cfg,
                "processing_ms": g.rng.range(0, 20), "commit": commit,
            });
            if m == 0 || g.rng.chance(60) {
                consumers.push(def.clone());
            } else {
                // Joins later.
                let t = g.time(200, chaos_ms / 2);
                def["do"] = json!("add_consumer");
                g.act(t, def.clone());
                if let Some(o) = def.as_object_mut() {
                    o.remove("do");
                }
            }
            group_members.push((id, def));
        }
    }

    // ---- transactions
    let txn = matches!(profile, Profile::ReadUncommitted) || g.rng.chance(50);
    if txn {
        topics.push(json!({
            "name": "tx", "partitions": g.rng.range(1, 3), "replication_factor": rf,
            "config": {"min.insync.replicas": min_isr.to_string()},
        }));
        let cfg = json!({
            "transactional.id": "tx-app",
            "transaction.timeout.ms": g.rng.range(1_500, 4_000),
            "request.timeout.ms": request_timeout,
            "delivery.timeout.ms": request_timeout + 5_000,
        });
        producers.push(json!({"id": "txp", "config": cfg.clone()}));
        consumers.push(json!({
            "id": "rc", "topics": ["tx"],
            "config": {"isolation.level": "read_committed", "auto.offset.reset": "earliest"},
        }));
        if profile == Profile::ReadUncommitted || g.rng.chance(30) {
            consumers.push(json!({
                "id": "ru", "topics": ["tx"],
                "config": {"isolation.level": "read_uncommitted", "auto.offset.reset": "earliest"},
            }));
        }
        let abort_pct = if profile == Profile::ReadUncommitted {
            50
        } else {
            25
        };
        let mut t = g.rng.range(300, 600);
        while t < chaos_ms {
            g.act(t, json!({"do": "begin_txn", "producer": "txp"}));
            let n = g.rng.range(1, 3);
            for k in 0..n {
                let count = g.rng.range(1, 4);
                let mut p = json!({"do": "produce", "producer": "txp", "topic": "tx",
                    "value": format!("t{t}-{k}-{{i}}"), "count": count});
                if g.rng.chance(50) {
                    p["key"] = json!(format!("k{}", g.rng.below(5)));
                }
                g.act(t + 5 + 10 * k, p);
            }
            let end = t + g.rng.range(40, 150);
            if g.rng.chance(abort_pct) {
                g.act(end, json!({"do": "abort_txn", "producer": "txp"}));
            } else {
                g.act(end, json!({"do": "commit_txn", "producer": "txp"}));
            }
            // Sometimes the transactional producer crashes and restarts (fencing).
            if g.rng.chance(8) {
                let c = g.time(t + 10, end);
                g.act(c, json!({"do": "crash_client", "client": "txp"}));
                let back = c + g.rng.range(50, 400);
                g.act(
                    back,
                    json!({"do": "add_producer", "id": "txp", "config": cfg}),
                );
            }
            t = end + g.rng.range(100, 400);
        }
    }

    // ---- a stream processor
    let pipeline = matches!(profile, Profile::AtLeastOnce) || g.rng.chance(40);
    if pipeline {
        let guarantee = if profile == Profile::AtLeastOnce {
            "at_least_once"
        } else {
            "exactly_once"
        };
        for name in ["in", "out"] {
            topics.push(json!({
                "name": name, "partitions": g.rng.range(1, 3), "replication_factor": rf,
                "config": {"min.insync.replicas": min_isr.to_string()},
            }));
        }
        let cfg = producer_cfg(&mut g, false);
        producers.push(json!({"id": "pin", "config": cfg}));
        let rate = g.rng.range(20, 80);
        let t = g.rng.range(0, 100);
        g.act(
            t,
            json!({"do": "start_workload", "producer": "pin", "topic": "in",
                "rate_per_sec": rate, "keys": 10}),
        );
        let t = g.rng.range(0, 200);
        g.act(
            t,
            json!({"do": "add_processor", "id": "proc", "input": "in", "output": "out",
                "group": "proc-group", "guarantee": guarantee}),
        );
        let crashes = if profile == Profile::AtLeastOnce {
            g.rng.range(2, 4)
        } else {
            g.rng.range(0, 2)
        };
        for _ in 0..crashes {
            let t = g.time(300, chaos_ms.saturating_sub(300));
            g.act(t, json!({"do": "crash_processor", "id": "proc"}));
            let back = t + g.rng.range(50, 600);
            g.act(back, json!({"do": "restart_processor", "id": "proc"}));
        }
    }

    // ---- consumer churn: leave, crash and restart, seek
    let churn = g.rng.range(0, 3 + chaos_ms / 2_000);
    for _ in 0..churn {
        let Some((id, def)) = g.rng.pick(&group_members).cloned() else {
            break;
        };
        let t = g.time(300, chaos_ms);
        match g.rng.below(4) {
            0 => {
                g.act(t, json!({"do": "crash_consumer", "consumer": id}));
                let mut re = def.clone();
                re["do"] = json!("add_consumer");
                let back = t + g.rng.range(100, 1_500);
                g.act(back, re);
            }
            1 => {
                g.act(t, json!({"do": "remove_consumer", "consumer": id}));
                let mut re = def.clone();
                re["do"] = json!("add_consumer");
                let back = t + g.rng.range(100, 1_500);
                g.act(back, re);
            }
            2 => {
                let topic = def["topics"][0].as_str().unwrap_or("events").to_string();
                let parts = g
                    .topics
                    .iter()
                    .find(|(n, _, _)| *n == topic)
                    .map_or(1, |x| x.1);
                let p = g.rng.below(parts);
                let mut s = json!({"do": "seek", "consumer": id, "topic": topic, "partition": p});
                match g.rng.below(3) {
                    0 => s["to"] = json!("beginning"),
                    1 => s["to"] = json!("end"),
                    _ => s["offset"] = json!(g.rng.below(50)),
                }
                g.act(t, s);
            }
            _ => {
                g.act(t, json!({"do": "commit", "consumer": id}));
            }
        }
    }

    // ---- faults
    plan_faults(&mut g);

    let name = format!("fuzz seed {seed} ({})", profile.name());
    let scenario = json!({
        "version": 1,
        "name": name,
        "description": format!(
            "Generated by the simulation harness (kafka-sim fuzz) from seed {seed}, profile {}.",
            profile.name()
        ),
        "seed": seed,
        "cluster": {"brokers": brokers, "network": {"latency_ms": g.rng.range(1, 8)}, "config": cluster_cfg},
        "topics": topics,
        "producers": producers,
        "consumers": consumers,
    });
    let scenario = from_value::<Scenario>(scenario)
        .map_err(|e| format!("seed {seed}: the generated scenario is invalid: {e}"))?;
    let mut ops = g.ops;
    // Stable: operations at the same time keep the order they were planned in.
    ops.sort_by_key_shared(|(t, _)| *t);
    Ok(Plan {
        seed,
        profile,
        scenario,
        ops,
        chaos_ms,
    })
}

fn plan_faults(g: &mut Gen) {
    let chaos = g.chaos_ms;
    let episodes = 2 + chaos / 1_200;
    let producers = g.producers.clone();
    // The weak profiles' signature faults first.
    match g.profile {
        Profile::Acks1 => {
            let n = 1 + chaos / 2_500;
            for _ in 0..n {
                let t = g.time(400, chaos.saturating_sub(400));
                let tp = g.random_tp();
                let ep = g.episode();
                g.at(t, Op::StopLeader { tp, episode: ep });
                let back = t + g.rng.range(800, 2_500);
                g.at(back, Op::StartEpisode(ep));
            }
        }
        Profile::Unclean => {
            let n = 1 + chaos / 4_000;
            let mut t = g.rng.range(200, 500);
            for _ in 0..n {
                let tp = g.random_tp();
                let ep = g.episode();
                g.at(
                    t,
                    Op::PauseFollowers {
                        tp: tp.clone(),
                        episode: ep,
                    },
                );
                let stop = t + 1_500 + g.rng.range(0, 800);
                g.at(stop, Op::StopLeader { tp, episode: ep });
                let back = stop + g.rng.range(2_000, 3_000);
                g.at(back, Op::ResumeEpisode(ep));
                let start = back + g.rng.range(0, 500);
                g.at(start, Op::StartEpisode(ep));
                t = back + 1_000;
            }
        }
        Profile::PowerLoss => {
            // The whole cluster loses power (within 50 ms) and comes back.
            let n = 1 + chaos / 6_000;
            for _ in 0..n {
                let t = g.time(800, chaos.saturating_sub(800));
                let ep = g.episode();
                for b in 1..=g.brokers {
                    let at = t + g.rng.range(0, 50);
                    g.at(
                        at,
                        Op::PowerLoss {
                            broker: b as BrokerId,
                            episode: ep,
                        },
                    );
                }
                let back = t + g.rng.range(1_000, 3_000);
                g.at(back, Op::StartEpisode(ep));
            }
        }
        Profile::NoIdempotence => {
            let n = 2 + chaos / 1_500;
            for _ in 0..n {
                let t = g.time(200, chaos);
                let count = g.rng.range(1, 3);
                g.act(
                    t,
                    json!({"do": "lose_response", "producer": "p0", "count": count}),
                );
            }
        }
        _ => {}
    }
    for _ in 0..episodes {
        let t = g.time(200, chaos);
        let dur = g.rng.range(300, 3_000);
        let kind = g.rng.below(10);
        match kind {
            0..=2 => {
                // Stop a broker (a given one, or a partition's leader).
                if g.profile == Profile::Safe && !g.reserve_failure(t, t + dur) {
                    continue;
                }
                let ep = g.episode();
                if g.rng.chance(50) {
                    let tp = g.random_tp();
                    g.at(t, Op::StopLeader { tp, episode: ep });
                } else {
                    let b = g.rng.range(1, g.brokers) as BrokerId;
                    let op = if g.profile == Profile::PowerLoss && g.rng.chance(50) {
                        Op::PowerLoss {
                            broker: b,
                            episode: ep,
                        }
                    } else {
                        Op::StopBroker {
                            broker: b,
                            episode: ep,
                        }
                    };
                    g.at(t, op);
                }
                g.at(t + dur, Op::StartEpisode(ep));
            }
            3 => {
                if g.profile == Profile::Safe && !g.reserve_failure(t, t + dur) {
                    continue;
                }
                let ep = g.episode();
                if g.rng.chance(50) {
                    let tp = g.random_tp();
                    g.at(t, Op::IsolateLeader { tp, episode: ep });
                } else {
                    let b = g.rng.range(1, g.brokers);
                    g.act(t, json!({"do": "isolate_broker", "broker": b}));
                }
                g.act(t + dur, json!({"do": "heal"}));
            }
            4 => {
                let b = g.rng.range(1, g.brokers);
                g.act(t, json!({"do": "pause_fetchers", "broker": b}));
                g.act(t + dur, json!({"do": "resume_fetchers", "broker": b}));
            }
            5 => {
                // A slow link (delayed messages); requests may time out and be retried.
                let a = g.rng.range(1, g.brokers);
                let other = if g.rng.chance(50) {
                    format!("broker-{}", 1 + (a % g.brokers))
                } else {
                    g.rng
                        .pick(&producers)
                        .cloned()
                        .unwrap_or_else(|| "controller".into())
                };
                let ms = g.rng.range(100, 1_500);
                g.act(
                    t,
                    json!({"do": "set_latency", "from": format!("broker-{a}"), "to": other, "latency_ms": ms}),
                );
                g.act(
                    t + dur,
                    json!({"do": "set_latency", "from": format!("broker-{a}"), "to": other, "latency_ms": 5}),
                );
            }
            6 => {
                // Lost produce responses (the broker appended; the producer retries).
                if let Some(p) = g.rng.pick(&producers).cloned() {
                    let count = g.rng.range(1, 3);
                    g.act(
                        t,
                        json!({"do": "lose_response", "producer": p, "count": count}),
                    );
                }
            }
            7 => {
                // A producer crashes and comes back (a new producer id).
                if let Some(p) = g.rng.pick(&producers).cloned() {
                    g.act(t, json!({"do": "crash_client", "client": p}));
                    let cfg = g
                        .producer_configs
                        .get(&p)
                        .cloned()
                        .unwrap_or_else(|| json!({}));
                    g.act(
                        t + dur.min(1_000),
                        json!({"do": "add_producer", "id": p, "config": cfg}),
                    );
                    if let Some((topic, _, compact)) = g.rng.pick(&g.topics.clone()).cloned() {
                        let mut w = json!({"do": "start_workload", "producer": p, "topic": topic,
                            "rate_per_sec": g.rng.range(20, 100)});
                        if compact || g.rng.chance(50) {
                            w["keys"] = json!(g.rng.range(3, 20));
                        }
                        g.act(t + dur.min(1_000) + 10, w);
                    }
                }
            }
            8 => {
                let n = g.rng.range(1, 20);
                if let Some(p) = g.rng.pick(&producers).cloned() {
                    let (topic, _, compact) = g
                        .rng
                        .pick(&g.topics.clone())
                        .cloned()
                        .unwrap_or_else(|| ("events".into(), 1, false));
                    let mut s = json!({"do": "produce", "producer": p, "topic": topic,
                        "value": "burst {i}", "count": n});
                    if compact || g.rng.chance(50) {
                        s["key"] = json!("burst-{i}");
                    }
                    g.act(t, s);
                }
            }
            _ => {
                g.act(t, json!({"do": "elect_preferred_leaders"}));
            }
        }
    }
}

// ------------------------------------------------------------------------------ running

/// What one run found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedReport {
    pub seed: u64,
    pub profile: Profile,
    /// Events dispatched and commands applied, all checked.
    pub events: u64,
    /// Individual invariant evaluations.
    pub checks: u64,
    /// Simulated time at the end.
    pub sim_ms: Millis,
    /// When the faults healed (None if the run never got there).
    pub healed_at: Option<Millis>,
    /// When every liveness property held (None if it never did).
    pub live_at: Option<Millis>,
    pub violations: Vec<Violation>,
    /// Violations per invariant (including the ones not kept).
    pub counts: BTreeMap<String, u64>,
    /// Evaluations per invariant.
    pub evaluations: BTreeMap<String, u64>,
    pub anomalies: BTreeSet<Anomaly>,
    /// One concrete instance per anomaly.
    pub examples: BTreeMap<String, String>,
    pub max_failed_at_once: usize,
    pub trace_hash: String,
    /// Script commands the engine refused (left out of `scenario`).
    pub refused: u64,
    /// The scenario that ran (reproduces this report); None if there was none.
    pub scenario: Option<Scenario>,
    /// The scenario could not be built or the run stopped early (not an invariant).
    pub error: Option<String>,
}

impl SeedReport {
    pub fn passed(&self) -> bool {
        self.counts.is_empty() && self.error.is_none()
    }
    /// The first violated invariant.
    pub fn first_violation(&self) -> Option<&Violation> {
        self.violations.first()
    }
}

/// How a run goes.
#[derive(Debug, Clone)]
struct RunMode {
    /// Chaos events allowed (plan mode).
    budget: Option<u64>,
    /// The chaos phase ends here.
    chaos_end: Millis,
    /// Generate the heal steps (plan mode) instead of reading them from the script.
    heal: bool,
    /// The run ends here at the latest.
    deadline: Millis,
    /// Stop as soon as this invariant fails (shrinking).
    stop_on: Option<String>,
    audit_every: u64,
    poll_ms: Millis,
}

/// Episode bookkeeping while resolving operations.
#[derive(Default)]
struct Episodes {
    stopped: BTreeMap<usize, Vec<BrokerId>>,
    paused: BTreeMap<usize, Vec<BrokerId>>,
}

fn resolve(c: &Cluster, op: &Op, eps: &mut Episodes) -> Vec<Action> {
    let leader = |tp: &str| -> Option<BrokerId> {
        let tp = c.parse_tp(tp).ok()?;
        c.leader_of(tp)
            .filter(|b| c.brokers.get(b).is_some_and(|x| x.alive))
    };
    let out: Vec<Value> = match op {
        Op::Do(a) => return vec![a.clone()],
        Op::StopLeader { tp, episode } => match leader(tp) {
            Some(b) => {
                eps.stopped.entry(*episode).or_default().push(b);
                vec![json!({"do": "stop_broker", "broker": b})]
            }
            None => vec![],
        },
        Op::StopBroker { broker, episode } | Op::PowerLoss { broker, episode } => {
            if c.brokers.get(broker).is_some_and(|x| x.alive) {
                eps.stopped.entry(*episode).or_default().push(*broker);
                let what = if matches!(op, Op::PowerLoss { .. }) {
                    "power_loss"
                } else {
                    "stop_broker"
                };
                vec![json!({"do": what, "broker": broker})]
            } else {
                vec![]
            }
        }
        Op::IsolateLeader { tp, .. } => match leader(tp) {
            Some(b) => vec![json!({"do": "isolate_broker", "broker": b})],
            None => vec![],
        },
        Op::PauseFollowers { tp, episode } => {
            let Some(l) = leader(tp) else { return vec![] };
            let Ok(t) = c.parse_tp(tp) else {
                return vec![];
            };
            let replicas = c
                .controller
                .image
                .partition(t)
                .map(|r| r.replicas.clone())
                .unwrap_or_default();
            let followers: Vec<BrokerId> = replicas
                .into_iter()
                .filter(|b| *b != l && c.brokers.get(b).is_some_and(|x| !x.fetch_paused))
                .collect();
            eps.paused
                .entry(*episode)
                .or_default()
                .extend(followers.iter().copied());
            followers
                .into_iter()
                .map(|b| json!({"do": "pause_fetchers", "broker": b}))
                .collect()
        }
        Op::StartEpisode(ep) => eps
            .stopped
            .remove(ep)
            .unwrap_or_default()
            .into_iter()
            .filter(|b| c.brokers.get(b).is_some_and(|x| !x.alive))
            .map(|b| json!({"do": "start_broker", "broker": b}))
            .collect(),
        Op::ResumeEpisode(ep) => eps
            .paused
            .remove(ep)
            .unwrap_or_default()
            .into_iter()
            .filter(|b| c.brokers.get(b).is_some_and(|x| x.fetch_paused))
            .map(|b| json!({"do": "resume_fetchers", "broker": b}))
            .collect(),
    };
    out.into_iter().filter_map(action).collect()
}

fn node_name(c: &Cluster, n: NodeId) -> String {
    match n {
        NodeId::Controller => "controller".into(),
        NodeId::Broker(b) => format!("broker-{b}"),
        NodeId::Client(i) => c
            .clients
            .get(i as usize)
            .map_or_else(String::new, |x| x.name().to_string()),
    }
}

/// The commands that heal every fault the cluster is in now.
fn heal_actions(c: &Cluster) -> Vec<Action> {
    // The marker comes first: a replay stops its chaos phase there, as the plan did.
    let mut v: Vec<Value> = vec![json!({"do": "note", "text": HEAL_MARKER})];
    if !c.net.isolated.is_empty() {
        v.push(json!({"do": "heal"}));
    }
    for b in c.brokers.values() {
        if !b.alive {
            v.push(json!({"do": "start_broker", "broker": b.id}));
        }
        if b.fetch_paused {
            v.push(json!({"do": "resume_fetchers", "broker": b.id}));
        }
    }
    let default = c.net.default_latency_ms;
    for ((a, b), ms) in &c.net.latency {
        if a < b && *ms != default {
            v.push(
                json!({"do": "set_latency", "from": node_name(c, *a), "to": node_name(c, *b),
                "latency_ms": default}),
            );
        }
    }
    for idx in c.workloads.keys() {
        if let Some(cl) = c.clients.get(*idx as usize) {
            v.push(json!({"do": "stop_workload", "producer": cl.name()}));
        }
    }
    for cl in &c.clients {
        if let Client::Producer(p) = cl {
            if p.alive && p.txn.as_ref().is_some_and(|t| t.in_transaction()) {
                v.push(json!({"do": "commit_txn", "producer": p.name}));
            }
        }
    }
    for p in &c.processors {
        if !p.alive {
            v.push(json!({"do": "restart_processor", "id": p.id}));
        }
    }
    v.into_iter().filter_map(action).collect()
}

fn is_marker(a: &Action) -> bool {
    matches!(a, Action::Note { text } if text == HEAL_MARKER)
}

/// The runner's state.
struct Run {
    c: Cluster,
    checker: Checker,
    executed: Vec<Step>,
    refused: u64,
    since_audit: u64,
    last_audit: Option<Audit>,
    stop: bool,
    stop_on: Option<String>,
}

impl Run {
    fn event(&mut self, audit_every: u64) {
        self.checker.after_event(&self.c);
        self.since_audit += 1;
        if audit_every > 0 && self.since_audit >= audit_every {
            self.since_audit = 0;
            self.last_audit = Some(self.checker.check_promises(&self.c));
        }
        if let Some(inv) = &self.stop_on {
            if self.checker.counts.contains_key(inv) {
                self.stop = true;
            }
        }
    }

    fn step(&mut self, audit_every: u64) -> bool {
        if self.c.step().is_none() {
            return false;
        }
        self.event(audit_every);
        true
    }

    fn apply(&mut self, a: Action, audit_every: u64) {
        let at = self.c.now();
        match self.c.apply(&a) {
            Ok(()) => {
                self.executed.push(Step {
                    at_ms: at,
                    action: a,
                });
                self.event(audit_every);
            }
            Err(_) => self.refused += 1,
        }
    }

    /// Every liveness property holds now (cheap ones first).
    fn live(&mut self) -> bool {
        if !invariants::liveness(&self.c, None).is_empty() {
            return false;
        }
        let audit = self.checker.check_promises(&self.c);
        let ok = invariants::liveness(&self.c, Some(&audit)).is_empty();
        if ok {
            self.checker.check_quiescent(&self.c, &audit);
        }
        self.last_audit = Some(audit);
        ok
    }
}

/// Run the timed operations `ops` on `scenario` under `mode`.
fn execute(scenario: &Scenario, ops: &[(Millis, Op)], mode: &RunMode) -> RunResult {
    let built = match scenario.build(None) {
        Ok(c) => c,
        Err(e) => {
            return RunResult {
                run: None,
                healed_at: None,
                live_at: None,
                error: Some(format!("the scenario does not build: {e}")),
            }
        }
    };
    let mut r = Run {
        c: built,
        checker: Checker::new(),
        executed: Vec::new(),
        refused: 0,
        since_audit: 0,
        last_audit: None,
        stop: false,
        stop_on: mode.stop_on.clone(),
    };
    r.event(mode.audit_every);
    let every = mode.audit_every;
    let mut eps = Episodes::default();
    let mut i = 0usize;
    let mut chaos_events = 0u64;
    let mut healed_at: Option<Millis> = None;
    // ---- chaos (plan mode), or the whole script up to its heal marker (file mode)
    loop {
        if r.stop {
            break;
        }
        if mode.budget.is_some_and(|b| chaos_events >= b) {
            // Finish the events of this instant, as run_until would.
            let now = r.c.now();
            while !r.stop && r.c.next_event_at() == Some(now) {
                r.step(every);
            }
            break;
        }
        let next_op = ops.get(i).map(|(t, _)| *t);
        let next_ev = r.c.next_event_at();
        match (next_ev, next_op) {
            (Some(e), op) if e <= mode.chaos_end && op.is_none_or(|t| e <= t) => {
                r.step(every);
                chaos_events += 1;
            }
            (_, Some(t)) if t <= mode.chaos_end => {
                r.c.run_until(t);
                if let Some((_, op)) = ops.get(i) {
                    let marker = matches!(op, Op::Do(a) if is_marker(a));
                    for a in resolve(&r.c, op, &mut eps) {
                        r.apply(a, every);
                    }
                    if marker && !mode.heal {
                        healed_at = Some(t);
                        i += 1;
                        break;
                    }
                }
                i += 1;
            }
            _ => {
                if mode.heal {
                    r.c.run_until(mode.chaos_end);
                }
                break;
            }
        }
    }
    // ---- heal
    if mode.heal && !r.stop {
        // What the plan had left for the chaos phase does not run.
        i = ops.len();
        let t = r.c.now();
        for a in heal_actions(&r.c) {
            // As a replay of the recorded steps does: events due by now run first.
            while !r.stop && r.c.next_event_at().is_some_and(|e| e <= t) {
                r.step(every);
            }
            r.apply(a, every);
        }
        healed_at = Some(t);
    }
    // ---- settle: remaining script steps (file mode), liveness polls
    let mut live_at = None;
    if let Some(h) = healed_at {
        let mut next_poll = h;
        loop {
            if r.stop {
                break;
            }
            let next_op = ops.get(i).map(|(t, _)| *t);
            let next_ev = r.c.next_event_at();
            let due = [next_ev, next_op, Some(next_poll)]
                .into_iter()
                .flatten()
                .min()
                .unwrap_or(next_poll);
            if due > mode.deadline {
                break;
            }
            if next_ev == Some(due) {
                r.step(every);
            } else if next_op == Some(due) {
                r.c.run_until(due);
                if let Some((_, op)) = ops.get(i) {
                    for a in resolve(&r.c, op, &mut eps) {
                        r.apply(a, every);
                    }
                }
                i += 1;
            } else {
                r.c.run_until(next_poll);
                if next_op.is_none_or(|t| t > next_poll) && r.live() {
                    live_at = Some(next_poll);
                    break;
                }
                next_poll += mode.poll_ms.max(1);
            }
        }
        if live_at.is_none() && !r.stop && mode.deadline != u64::MAX {
            r.c.run_until(mode.deadline);
        }
    } else if !mode.heal && !r.stop {
        // A scenario without a heal marker: run it to its end, like `kafka-sim run`.
        loop {
            if r.stop {
                break;
            }
            let next_op = ops.get(i).map(|(t, _)| *t);
            let next_ev = r.c.next_event_at();
            match (next_ev, next_op) {
                (Some(e), op) if e <= mode.deadline && op.is_none_or(|t| e <= t) => {
                    r.step(every);
                }
                (_, Some(t)) if t <= mode.deadline => {
                    r.c.run_until(t);
                    if let Some((_, op)) = ops.get(i) {
                        for a in resolve(&r.c, op, &mut eps) {
                            r.apply(a, every);
                        }
                    }
                    i += 1;
                }
                _ => break,
            }
        }
        if !r.stop {
            r.c.run_until(mode.deadline);
        }
    }
    if !r.stop {
        if healed_at.is_some() && live_at.is_none() {
            let now = r.c.now();
            let audit = r.checker.check_promises(&r.c);
            for (inv, detail) in invariants::liveness(&r.c, Some(&audit)) {
                r.checker.report(
                    inv,
                    now,
                    format!(
                        "{} ms after faults healed: {detail}",
                        now.saturating_sub(healed_at.unwrap_or(now))
                    ),
                );
            }
            r.last_audit = Some(audit);
        } else {
            r.last_audit = Some(r.checker.check_promises(&r.c));
        }
    }
    RunResult {
        run: Some(r),
        healed_at,
        live_at,
        error: None,
    }
}

struct RunResult {
    run: Option<Run>,
    healed_at: Option<Millis>,
    live_at: Option<Millis>,
    error: Option<String>,
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".into()
    }
}

fn report(
    seed: u64,
    profile: Profile,
    base: Option<&Scenario>,
    res: std::thread::Result<RunResult>,
) -> SeedReport {
    let mut out = SeedReport {
        seed,
        profile,
        events: 0,
        checks: 0,
        sim_ms: 0,
        healed_at: None,
        live_at: None,
        violations: Vec::new(),
        counts: BTreeMap::new(),
        evaluations: BTreeMap::new(),
        anomalies: BTreeSet::new(),
        examples: BTreeMap::new(),
        max_failed_at_once: 0,
        trace_hash: String::new(),
        refused: 0,
        scenario: base.cloned(),
        error: None,
    };
    let res = match res {
        Ok(r) => r,
        Err(p) => {
            out.violations.push(Violation {
                invariant: invariants::NO_PANIC.into(),
                at_ms: 0,
                detail: format!("the engine panicked: {}", panic_message(&*p)),
            });
            out.counts.insert(invariants::NO_PANIC.into(), 1);
            return out;
        }
    };
    out.healed_at = res.healed_at;
    out.live_at = res.live_at;
    out.error = res.error;
    let Some(r) = res.run else {
        return out;
    };
    out.events = r.checker.events;
    out.checks = r.checker.checks();
    out.sim_ms = r.c.now();
    out.violations = r.checker.violations().to_vec();
    out.counts = r.checker.counts.clone().into_iter().collect();
    out.evaluations = r
        .checker
        .evaluations
        .iter()
        .map(|(k, v)| (k.to_string(), *v))
        .collect();
    out.max_failed_at_once = r.checker.max_failed;
    out.trace_hash = format!("{:016x}", r.c.trace_hash());
    out.refused = r.refused;
    if let Some(a) = &r.last_audit {
        out.anomalies = a.anomalies().into_iter().collect();
        for an in &out.anomalies {
            if let Some(e) = a.example(*an) {
                out.examples.insert(an.name().to_string(), e);
            }
        }
    }
    if let Some(sc) = &mut out.scenario {
        sc.script = r.executed;
        sc.duration_ms = Some(r.c.now());
    }
    out
}

/// Generate and run one seed.
pub fn check_seed(seed: u64, config: ConfigSet, opts: &Options) -> SeedReport {
    let profile = config.profile(seed);
    match generate(seed, profile, opts) {
        Ok(plan) => run_plan(&plan, opts),
        Err(e) => {
            let mut r = report(
                seed,
                profile,
                None,
                Ok(RunResult {
                    run: None,
                    healed_at: None,
                    live_at: None,
                    error: None,
                }),
            );
            r.error = Some(e);
            r
        }
    }
}

/// Run a generated plan.
pub fn run_plan(plan: &Plan, opts: &Options) -> SeedReport {
    let mode = RunMode {
        budget: Some(opts.events),
        chaos_end: plan.chaos_ms,
        heal: true,
        deadline: u64::MAX,
        stop_on: None,
        audit_every: opts.audit_every,
        poll_ms: opts.liveness_poll_ms,
    };
    let settle = opts.settle_ms;
    let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // The deadline depends on when the chaos phase ends: run it, then settle.
        execute_with_settle(&plan.scenario, &plan.ops, mode, settle)
    }));
    report(plan.seed, plan.profile, Some(&plan.scenario), res)
}

fn execute_with_settle(
    scenario: &Scenario,
    ops: &[(Millis, Op)],
    mut mode: RunMode,
    settle: Millis,
) -> RunResult {
    // The heal happens at the latest at `chaos_end`, so `chaos_end + settle` bounds the run;
    // an earlier heal (the event budget) settles within the same window, which keeps the
    // recorded scenario's behaviour identical when it is replayed with its own deadline.
    mode.deadline = mode.chaos_end.saturating_add(settle);
    execute(scenario, ops, &mode)
}

/// Run a scenario file (a generated one, a shrunk one, or any other) under the checker.
/// Liveness is judged after the heal marker note if the script has one.
pub fn run_scenario(sc: &Scenario, opts: &Options) -> SeedReport {
    run_scenario_with(sc, opts, None)
}

fn run_scenario_with(sc: &Scenario, opts: &Options, stop_on: Option<String>) -> SeedReport {
    let mut steps: Vec<(usize, &Step)> = sc.script.iter().enumerate().collect();
    steps.sort_by_key_shared(|(i, s)| (s.at_ms, *i));
    let ops: Vec<(Millis, Op)> = steps
        .into_iter()
        .map(|(_, s)| (s.at_ms, Op::Do(s.action.clone())))
        .collect();
    let end = sc.default_end();
    let mode = RunMode {
        budget: None,
        chaos_end: end,
        heal: false,
        deadline: end,
        stop_on,
        audit_every: opts.audit_every,
        poll_ms: opts.liveness_poll_ms,
    };
    let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| execute(sc, &ops, &mode)));
    let profile = Profile::parse(
        sc.name
            .rsplit_once('(')
            .map_or("", |(_, p)| p.trim_end_matches(')')),
    )
    .unwrap_or(Profile::Safe);
    let mut base = sc.clone();
    base.script.clear();
    let mut r = report(sc.seed, profile, Some(&base), res);
    // Keep the file's own length: it may end after its last step.
    if let Some(s) = &mut r.scenario {
        s.duration_ms = Some(end.max(s.duration_ms.unwrap_or(0)));
    }
    r
}

// ------------------------------------------------------------------------------ shrinking

/// Names a script step refers to (clients, processors, topics), for removing a client along
/// with its steps.
fn mentions(a: &Action, name: &str) -> bool {
    fn walk(v: &Value, name: &str) -> bool {
        match v {
            Value::String(s) => s == name || s.starts_with(&format!("{name}-")),
            Value::Array(xs) => xs.iter().any(|x| walk(x, name)),
            Value::Object(o) => o.values().any(|x| walk(x, name)),
            _ => false,
        }
    }
    serde_json::to_value(a).is_ok_and(|v| walk(&v, name))
}

/// Shrink a failing scenario to a shorter one on which `invariant` still fails: remove
/// script steps (halves, quarters, … single steps), then clients and their steps, then time.
/// Returns the smallest scenario found, re-run so that its script holds only commands the
/// engine accepted.
pub fn shrink(sc: &Scenario, invariant: &str, opts: &Options) -> Scenario {
    let mut runs = 0usize;
    let max = opts.max_shrink_runs.max(1);
    // A generated scenario heals at its marker: shrink the chaos steps only and let the
    // runner heal whatever faults remain (removing a heal step must not count as a finding).
    let heal = sc
        .script
        .iter()
        .find(|s| is_marker(&s.action))
        .map(|s| s.at_ms);
    let deadline = sc.default_end();
    let fails = |s: &Scenario, runs: &mut usize| -> bool {
        *runs += 1;
        run_shrink_candidate(s, heal, deadline, opts, invariant)
            .counts
            .contains_key(invariant)
    };
    let mut best = sc.clone();
    if let Some(h) = heal {
        let cut = best
            .script
            .iter()
            .position(|s| is_marker(&s.action) && s.at_ms == h)
            .unwrap_or(best.script.len());
        best.script.truncate(cut);
    }
    if !fails(&best, &mut runs) {
        return best;
    }
    // ddmin over the script.
    let mut chunk = best.script.len().div_ceil(2).max(1);
    loop {
        let mut i = 0;
        while i < best.script.len() && runs < max {
            let mut cand = best.clone();
            let end = (i + chunk).min(cand.script.len());
            cand.script.drain(i..end);
            if fails(&cand, &mut runs) {
                best = cand;
            } else {
                i += chunk;
            }
        }
        if chunk == 1 || runs >= max {
            break;
        }
        chunk = chunk.div_ceil(2);
    }
    // Clients, with every step that names them.
    let names: Vec<String> = best
        .consumers
        .iter()
        .map(|c| c.id.clone())
        .chain(best.producers.iter().map(|p| p.id.clone()))
        .collect();
    for name in names {
        if runs >= max {
            break;
        }
        let mut cand = best.clone();
        cand.consumers.retain(|c| c.id != name);
        cand.producers.retain(|p| p.id != name);
        cand.script.retain(|s| !mentions(&s.action, &name));
        if fails(&cand, &mut runs) {
            best = cand;
        }
    }
    // Topics nobody uses any more.
    let topics: Vec<String> = best.topics.iter().map(|t| t.name.clone()).collect();
    for t in topics {
        if runs >= max {
            break;
        }
        let used = best.script.iter().any(|s| mentions(&s.action, &t))
            || best.consumers.iter().any(|c| c.topics.contains(&t));
        if used {
            continue;
        }
        let mut cand = best.clone();
        cand.topics.retain(|x| x.name != t);
        if fails(&cand, &mut runs) {
            best = cand;
        }
    }
    // Time: end soon after the violation.
    let r = run_shrink_candidate(&best, heal, deadline, opts, invariant);
    if let Some(v) = r.violations.iter().find(|v| v.invariant == invariant) {
        if heal.is_none() && runs < max {
            let mut cand = best.clone();
            cand.duration_ms = Some(v.at_ms + 1);
            cand.script.retain(|s| s.at_ms <= v.at_ms);
            if fails(&cand, &mut runs) {
                best = cand;
            }
        }
    }
    // The scenario as it ran: accepted commands only, heal steps included.
    let mut r = run_shrink_candidate(&best, heal, deadline, opts, "");
    if heal.is_none() {
        r = run_scenario(&best, opts);
    }
    match r.scenario {
        Some(s) if r.counts.contains_key(invariant) => {
            let mut out = best;
            out.script = s.script;
            out.duration_ms = s.duration_ms.or(out.duration_ms);
            out
        }
        _ => best,
    }
}

/// Run a shrinking candidate: with a heal time, the script is the chaos phase and the
/// runner heals; without one, the scenario runs as a file.
fn run_shrink_candidate(
    sc: &Scenario,
    heal: Option<Millis>,
    deadline: Millis,
    opts: &Options,
    invariant: &str,
) -> SeedReport {
    let stop_on = (!invariant.is_empty()).then(|| invariant.to_string());
    let Some(h) = heal else {
        return run_scenario_with(sc, opts, stop_on);
    };
    let mut steps: Vec<(usize, &Step)> = sc.script.iter().enumerate().collect();
    steps.sort_by_key_shared(|(i, s)| (s.at_ms, *i));
    let ops: Vec<(Millis, Op)> = steps
        .into_iter()
        .filter(|(_, s)| s.at_ms <= h && !is_marker(&s.action))
        .map(|(_, s)| (s.at_ms, Op::Do(s.action.clone())))
        .collect();
    let mode = RunMode {
        budget: None,
        chaos_end: h,
        heal: true,
        deadline,
        stop_on,
        audit_every: opts.audit_every,
        poll_ms: opts.liveness_poll_ms,
    };
    let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| execute(sc, &ops, &mode)));
    let mut base = sc.clone();
    base.script.clear();
    report(sc.seed, Profile::Safe, Some(&base), res)
}

/// Expectations that make `kafka-sim run FILE` exit non-zero on a reproduced failure, where
/// the scenario format has a matching check.
pub fn expectations_for(sc: &Scenario, invariant: &str) -> Vec<crate::scenario::Expectation> {
    let at = sc.default_end();
    let why = invariants::definition(invariant).map(|d| d.doc.to_string());
    let mut checks: Vec<Value> = Vec::new();
    match invariant {
        invariants::ACKED_SURVIVE => checks.push(json!({"check": "lost_acked", "at_most": 0})),
        invariants::IDEMPOTENT => checks.push(json!({"check": "duplicates", "at_most": 0})),
        invariants::READ_COMMITTED => {
            for k in &sc.consumers {
                if k.config
                    .get("isolation.level")
                    .is_some_and(|v| v == "read_committed")
                {
                    checks.push(json!({"check": "aborted_reads", "consumer": k.id, "at_most": 0}));
                }
            }
        }
        invariants::EXACTLY_ONCE => {
            for s in &sc.script {
                if let Action::AddProcessor { id, .. } = &s.action {
                    checks.push(
                        json!({"check": "pipeline_duplicates", "processor": id, "at_most": 0}),
                    );
                    checks.push(json!({"check": "pipeline_lost", "processor": id, "at_most": 0}));
                }
            }
        }
        invariants::LIVE_LEADERS => {
            checks.push(json!({"check": "offline_partitions", "at_most": 0}));
        }
        _ => {}
    }
    checks
        .into_iter()
        .filter_map(|mut c| {
            c["at_ms"] = json!(at);
            if let Some(w) = &why {
                c["why"] = json!(w);
            }
            from_value(c).ok()
        })
        .collect()
}

// ------------------------------------------------------------------------------ campaigns

/// Per-invariant totals of a campaign.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InvariantStats {
    pub kind: String,
    pub evaluations: u64,
    pub violations: u64,
    pub seeds_failed: u64,
    pub first_seed: Option<u64>,
    pub first_detail: Option<String>,
}

/// How often a weak configuration showed its anomaly.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AnomalyStats {
    pub profile: String,
    pub seeds: u64,
    pub observed: u64,
    pub first_seed: Option<u64>,
    pub example: Option<String>,
    pub explanation: String,
}

impl AnomalyStats {
    pub fn rate(&self) -> f64 {
        if self.seeds == 0 {
            0.0
        } else {
            self.observed as f64 / self.seeds as f64
        }
    }
}

/// A failing seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    pub seed: u64,
    pub profile: String,
    pub invariant: String,
    pub at_ms: Millis,
    pub detail: String,
}

/// Totals over many seeds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub seeds: u64,
    pub events: u64,
    pub checks: u64,
    pub sim_ms: u64,
    pub profiles: BTreeMap<String, u64>,
    pub invariants: BTreeMap<String, InvariantStats>,
    pub anomalies: BTreeMap<String, AnomalyStats>,
    pub failures: Vec<Failure>,
    /// Seeds whose scenario did not build or whose run stopped with an error.
    pub errors: Vec<(u64, String)>,
    /// Seeds that never satisfied liveness are counted in `invariants`; this is how long the
    /// others took after the heal (sum, for the mean).
    pub settle_ms_total: u64,
    pub settled: u64,
    pub refused_commands: u64,
}

impl Summary {
    pub fn new() -> Self {
        let mut s = Summary::default();
        for d in invariants::INVARIANTS {
            s.invariants.insert(
                d.name.to_string(),
                InvariantStats {
                    kind: d.kind.name().to_string(),
                    ..InvariantStats::default()
                },
            );
        }
        for p in Profile::WEAK {
            if let Some(a) = p.anomaly() {
                s.anomalies.insert(
                    a.name().to_string(),
                    AnomalyStats {
                        profile: p.name().to_string(),
                        explanation: a.explanation().to_string(),
                        ..AnomalyStats::default()
                    },
                );
            }
        }
        s
    }

    pub fn add(&mut self, r: &SeedReport) {
        self.seeds += 1;
        self.events += r.events;
        self.checks += r.checks;
        self.sim_ms += r.sim_ms;
        self.refused_commands += r.refused;
        *self
            .profiles
            .entry(r.profile.name().to_string())
            .or_default() += 1;
        if let (Some(h), Some(l)) = (r.healed_at, r.live_at) {
            self.settle_ms_total += l.saturating_sub(h);
            self.settled += 1;
        }
        for (k, v) in &r.evaluations {
            self.invariants.entry(k.clone()).or_default().evaluations += v;
        }
        for (k, v) in &r.counts {
            let s = self.invariants.entry(k.clone()).or_default();
            s.violations += v;
            s.seeds_failed += 1;
            if s.first_seed.is_none_or(|f| r.seed < f) {
                s.first_seed = Some(r.seed);
                s.first_detail = r
                    .violations
                    .iter()
                    .find(|v| v.invariant == *k)
                    .map(|v| v.detail.clone());
            }
        }
        if let Some(v) = r.first_violation() {
            self.failures.push(Failure {
                seed: r.seed,
                profile: r.profile.name().to_string(),
                invariant: v.invariant.clone(),
                at_ms: v.at_ms,
                detail: v.detail.clone(),
            });
            self.failures.sort_by_key_shared(|f| f.seed);
        }
        if let Some(e) = &r.error {
            self.errors.push((r.seed, e.clone()));
            self.errors.sort_shared();
        }
        if let Some(a) = r.profile.anomaly() {
            let s = self.anomalies.entry(a.name().to_string()).or_default();
            s.seeds += 1;
            if r.anomalies.contains(&a) {
                s.observed += 1;
                if s.first_seed.is_none_or(|f| r.seed < f) {
                    s.first_seed = Some(r.seed);
                    s.example = r.examples.get(a.name()).cloned();
                }
            }
        }
    }

    /// Weak configurations that ran but never showed their anomaly.
    pub fn missing_anomalies(&self) -> Vec<String> {
        self.anomalies
            .iter()
            .filter(|(_, s)| s.seeds > 0 && s.observed == 0)
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// Every invariant held, every seed ran, and every weak configuration that ran showed
    /// its anomaly.
    pub fn passed(&self) -> bool {
        self.failures.is_empty() && self.errors.is_empty() && self.missing_anomalies().is_empty()
    }
}

// ------------------------------------------------------------------------------ fuzz targets

/// Byte-level fuzz targets: each takes arbitrary bytes and must return without panicking.
/// `Err` means a target found something that is not a panic but is still wrong (a broken
/// invariant, a failed round trip).
pub mod targets {
    use super::*;
    use crate::link::LinkState;

    /// Limits that keep one input's run small. They bound resources (time, memory); they
    /// are not validation, and an input beyond them is skipped, not failed.
    pub const MAX_EVENTS: u64 = 20_000;
    pub const MAX_SIM_MS: Millis = 60_000;

    /// Whether a scenario stays within the fuzz driver's resource limits.
    pub fn within_limits(sc: &Scenario, extra: &[Step]) -> bool {
        if sc.cluster.brokers > 12 || sc.topics.len() > 16 || sc.script.len() + extra.len() > 500 {
            return false;
        }
        if sc.topics.iter().any(|t| {
            t.partitions > 64 || t.replica_assignment.as_ref().is_some_and(|a| a.len() > 64)
        }) {
            return false;
        }
        sc.script.iter().chain(extra).all(|s| match &s.action {
            Action::Produce { count, .. } => count.unwrap_or(1) <= 1_000,
            Action::StartWorkload {
                rate_per_sec,
                value_bytes,
                ..
            } => *rate_per_sec <= 2_000.0 && value_bytes.unwrap_or(100) <= 10_000,
            Action::CreateTopic { partitions, .. } => *partitions <= 64,
            Action::LoseResponse { count, .. } => *count <= 1_000,
            _ => true,
        })
    }

    /// Scenario JSON: parse and validate, check that it round-trips through `to_json`, then
    /// run it (bounded) under the structural invariants.
    pub fn scenario_json(data: &[u8]) -> Result<(), String> {
        let text = String::from_utf8_lossy(data);
        let Ok(sc) = Scenario::parse(&text) else {
            return Ok(());
        };
        let again = Scenario::parse(&sc.to_json())
            .map_err(|e| format!("a parsed scenario does not parse again after to_json: {e}"))?;
        if again != sc {
            return Err("a scenario changes when written with to_json and read back".into());
        }
        if !within_limits(&sc, &[]) {
            return Ok(());
        }
        let mut bounded = sc.clone();
        bounded.duration_ms = Some(sc.default_end().min(MAX_SIM_MS));
        bounded.script.retain(|s| s.at_ms <= MAX_SIM_MS);
        run_bounded(&bounded)
    }

    /// Shared links: decode `#s=…` fragments, base64 payloads and raw JSON payloads; a decoded
    /// link must re-encode to the same state; small sessions are replayed.
    pub fn link(data: &[u8]) -> Result<(), String> {
        let text = String::from_utf8_lossy(data);
        let mut decoded = Vec::new();
        if let Ok(Some(s)) = LinkState::from_fragment(&text) {
            decoded.push(s);
        }
        if let Ok(s) = LinkState::decode(&text) {
            decoded.push(s);
        }
        if let Ok(s) = LinkState::from_json(data) {
            decoded.push(s);
        }
        for s in decoded {
            let back = LinkState::decode(&s.encode())
                .map_err(|e| format!("a decoded link does not decode after encode: {e}"))?;
            if back != s {
                return Err("a link changes when encoded and decoded again".into());
            }
            if s.now <= MAX_SIM_MS && within_limits(&s.scenario, &s.steps) {
                let _ = s.replay();
            }
        }
        Ok(())
    }

    /// Arbitrary command sequences on a small cluster: every byte pair picks a command
    /// (valid or not) or a wait; the structural invariants must hold after every event.
    pub fn commands(data: &[u8]) -> Result<(), String> {
        let Ok(mut sc) = from_value::<Scenario>(json!({
            "name": "commands", "seed": data.first().copied().unwrap_or(0),
            "cluster": {"brokers": 3, "config": {
                "replica.lag.time.max.ms": 1000, "broker.session.timeout.ms": 1000,
                "broker.heartbeat.interval.ms": 250, "offsets.topic.num.partitions": 2,
                "transaction.state.log.num.partitions": 2, "group.initial.rebalance.delay.ms": 0,
                "group.min.session.timeout.ms": 200, "log.retention.check.interval.ms": 500,
                "log.cleaner.backoff.ms": 300}},
            "topics": [
                {"name": "t", "partitions": 3, "replication_factor": 3, "config": {"min.insync.replicas": "2"}},
                {"name": "k", "partitions": 2, "replication_factor": 2,
                 "config": {"cleanup.policy": "compact", "segment.ms": 300, "min.cleanable.dirty.ratio": "0.1"}},
                {"name": "r", "partitions": 1, "replication_factor": 3,
                 "config": {"retention.ms": 1000, "segment.ms": 300, "unclean.leader.election.enable": "true"}}
            ],
            "producers": [
                {"id": "p", "config": {"request.timeout.ms": 500}},
                {"id": "q", "config": {"acks": "1", "request.timeout.ms": 500}},
                {"id": "x", "config": {"transactional.id": "x", "transaction.timeout.ms": 2000}}
            ],
            "consumers": [
                {"id": "c1", "group": "g", "topics": ["t"], "config": {"session.timeout.ms": 800, "heartbeat.interval.ms": 200, "auto.offset.reset": "earliest"}},
                {"id": "c2", "topics": ["t", "k"], "config": {"isolation.level": "read_committed"}}
            ]
        })) else {
            return Err("the command target's scenario does not deserialize".into());
        };
        let mut t: Millis = 0;
        for pair in data.get(1..).unwrap_or(&[]).chunks(2).take(200) {
            let op = pair.first().copied().unwrap_or(0);
            let arg = pair.get(1).copied().unwrap_or(0);
            if op % 8 == 0 {
                t += 1 + u64::from(arg) * 40;
                continue;
            }
            if let Some(a) = command(op, arg) {
                sc.script.push(Step {
                    at_ms: t,
                    action: a,
                });
            }
        }
        sc.duration_ms = Some(t + 3_000);
        run_bounded(&sc)
    }

    /// One command from two bytes (many invalid on purpose).
    fn command(op: u8, arg: u8) -> Option<Action> {
        let b = i64::from(arg % 5); // broker ids 0..4: 0 and 4 do not exist
        let client = ["p", "q", "x", "c1", "c2", "nobody"][usize::from(arg % 6)];
        let topic = ["t", "k", "r", "missing"][usize::from(arg % 4)];
        let producer = ["p", "q", "x"][usize::from(arg % 3)];
        let acks = ["0", "1", "all"][usize::from(arg % 3)];
        let guarantee = ["exactly_once", "at_least_once"][usize::from(arg % 2)];
        let v = match op % 31 {
            1 => {
                json!({"do": "produce", "producer": producer, "topic": topic,
                "key": if arg % 3 == 0 { Value::Null } else { json!(format!("k{}", arg % 7)) },
                "value": "v{i}", "count": 1 + arg % 9})
            }
            2 => json!({"do": "stop_broker", "broker": b}),
            3 => json!({"do": "start_broker", "broker": b}),
            4 => json!({"do": "isolate_broker", "broker": b}),
            5 => json!({"do": "heal"}),
            6 => json!({"do": "pause_fetchers", "broker": b}),
            7 => json!({"do": "resume_fetchers", "broker": b}),
            9 => json!({"do": "stop_broker", "leader_of": format!("{topic}-{}", arg % 4)}),
            10 => json!({"do": "lose_response", "producer": client, "count": arg % 4}),
            11 => json!({"do": "crash_client", "client": client}),
            12 => json!({"do": "begin_txn", "producer": "x"}),
            13 => json!({"do": "commit_txn", "producer": "x"}),
            14 => json!({"do": "abort_txn", "producer": "x"}),
            15 => json!({"do": "add_producer", "id": client}),
            16 => {
                json!({"do": "add_consumer", "id": client, "group": "g", "topics": [topic],
                "config": {"session.timeout.ms": 800, "heartbeat.interval.ms": 200}})
            }
            17 => json!({"do": "remove_consumer", "consumer": client}),
            18 => json!({"do": "crash_consumer", "consumer": client}),
            19 => {
                json!({"do": "seek", "consumer": client, "topic": topic, "partition": arg % 4, "offset": i64::from(arg) - 10})
            }
            20 => json!({"do": "commit", "consumer": client}),
            21 => {
                json!({"do": "set_latency", "from": format!("broker-{b}"), "to": client, "latency_ms": u64::from(arg) * 10})
            }
            22 => json!({"do": "elect_preferred_leaders"}),
            23 => json!({"do": "set_producer_config", "producer": client,
                "config": {"acks": acks}}),
            24 => json!({"do": "set_topic_config", "topic": topic,
                "config": {"min.insync.replicas": (arg % 4).to_string()}}),
            25 => json!({"do": "add_processor", "id": "proc", "input": topic, "output": "t",
                "group": "pg", "guarantee": guarantee}),
            26 => json!({"do": "crash_processor", "id": "proc"}),
            27 => json!({"do": "restart_processor", "id": "proc"}),
            28 => {
                json!({"do": "start_workload", "producer": client, "topic": topic, "rate_per_sec": 1 + u64::from(arg)})
            }
            29 => json!({"do": "reset_offsets", "group": "g", "topic": topic, "to_earliest": true}),
            30 => json!({"do": "send_offsets", "producer": "x", "consumer": client}),
            _ => {
                json!({"do": "create_topic", "name": format!("n{}", arg % 3), "partitions": i64::from(arg % 5) - 1,
                "replication_factor": i64::from(arg % 5)})
            }
        };
        action(v)
    }

    /// Run a scenario event by event under the structural invariants, within the limits.
    fn run_bounded(sc: &Scenario) -> Result<(), String> {
        let Ok(mut c) = sc.build(None) else {
            return Ok(());
        };
        let mut checker = Checker::new();
        checker.after_event(&c);
        let mut steps: Vec<&Step> = sc.script.iter().collect();
        steps.sort_by_key_shared(|s| s.at_ms);
        let end = sc.default_end().min(MAX_SIM_MS);
        let mut i = 0;
        let mut events = 0u64;
        while events < MAX_EVENTS {
            let next_step = steps.get(i).map(|s| s.at_ms).filter(|t| *t <= end);
            let next_ev = c.next_event_at().filter(|t| *t <= end);
            match (next_ev, next_step) {
                (Some(e), s) if s.is_none_or(|t| e <= t) => {
                    c.step();
                    events += 1;
                }
                (_, Some(t)) => {
                    c.run_until(t);
                    if let Some(s) = steps.get(i) {
                        let _ = c.apply(&s.action);
                    }
                    i += 1;
                }
                _ => break,
            }
            checker.after_event(&c);
            if let Some(v) = checker.violations().first() {
                return Err(format!("{} at {} ms: {}", v.invariant, v.at_ms, v.detail));
            }
        }
        // Views and checks of the final state must not panic either.
        let _ = c.view();
        let _ = c.durability();
        for e in &sc.expect {
            let _ = crate::scenario::evaluate(&c, &e.check);
        }
        Ok(())
    }

    /// Starting inputs for a target: generated scenarios and their links.
    pub fn corpus(target: &str) -> Vec<Vec<u8>> {
        let opts = Options::default();
        let plans: Vec<Plan> = (0..6)
            .filter_map(|s| generate(s, ConfigSet::All.profile(s), &opts).ok())
            .collect();
        match target {
            "json" => plans
                .iter()
                .map(|p| {
                    let mut sc = p.scenario.clone();
                    sc.script = p
                        .ops
                        .iter()
                        .filter_map(|(t, op)| match op {
                            Op::Do(a) => Some(Step {
                                at_ms: *t,
                                action: a.clone(),
                            }),
                            _ => None,
                        })
                        .take(60)
                        .collect();
                    sc.duration_ms = Some(3_000);
                    sc.to_json().into_bytes()
                })
                .collect(),
            "link" => plans
                .iter()
                .map(|p| {
                    let state = LinkState {
                        v: crate::link::LINK_VERSION,
                        scenario: p.scenario.clone(),
                        seed: p.seed,
                        steps: Vec::new(),
                        now: 1_000,
                        view: crate::link::LinkView::default(),
                    };
                    state.to_fragment().into_bytes()
                })
                .collect(),
            _ => (0u8..8)
                .map(|i| {
                    (0..64u8)
                        .map(|j| i.wrapping_mul(31).wrapping_add(j))
                        .collect()
                })
                .collect(),
        }
    }

    /// Interesting tokens for mutations.
    const DICT: &[&str] = &[
        "0",
        "-1",
        "1",
        "2147483647",
        "-2147483648",
        "9223372036854775807",
        "18446744073709551615",
        "1e308",
        "-0.0",
        "null",
        "true",
        "\"\"",
        "[]",
        "{}",
        "\"all\"",
        "\"compact\"",
        "\"leader_of\"",
        "\"produce\"",
        "\"stop_broker\"",
        "\"read_committed\"",
        "\"exactly_once\"",
        "\u{1F600}",
        "s=",
        "#s=",
        "%",
        "\\u0000",
    ];

    /// A deterministic mutation of `input`: byte flips, deletions, duplications, splices of
    /// dictionary tokens and of another corpus entry.
    pub fn mutate(input: &[u8], other: &[u8], rng: &mut MutatorRng) -> Vec<u8> {
        let mut r = Rng(rng.0.clone());
        let mut out = input.to_vec();
        let rounds = 1 + r.below(4);
        for _ in 0..rounds {
            let len = out.len() as u64;
            let pos = r.below(len + 1) as usize;
            match r.below(7) {
                0 if !out.is_empty() => {
                    let i = (pos).min(out.len() - 1);
                    if let Some(b) = out.get_mut(i) {
                        *b ^= 1 << r.below(8);
                    }
                }
                1 if !out.is_empty() => {
                    let n = r.range(1, 16) as usize;
                    let end = (pos + n).min(out.len());
                    out.drain(pos.min(end)..end);
                }
                2 if !out.is_empty() => {
                    let n = r.range(1, 32) as usize;
                    let start = pos.min(out.len());
                    let end = (start + n).min(out.len());
                    let piece: Vec<u8> = out.get(start..end).unwrap_or(&[]).to_vec();
                    out.splice(start..start, piece);
                }
                3 => {
                    if let Some(tok) = r.pick(DICT) {
                        // Replace a number or a string value near pos, or insert.
                        let start = pos.min(out.len());
                        let end = out
                            .iter()
                            .skip(start)
                            .position(|b| matches!(b, b',' | b'}' | b']' | b'&'))
                            .map_or(out.len(), |p| start + p);
                        out.splice(start..end, tok.bytes());
                    }
                }
                4 if !other.is_empty() => {
                    let a = r.below(other.len() as u64) as usize;
                    let b = (a + r.range(1, 64) as usize).min(other.len());
                    let piece = other.get(a..b).unwrap_or(&[]).to_vec();
                    let start = pos.min(out.len());
                    out.splice(start..start, piece);
                }
                5 => {
                    let start = pos.min(out.len());
                    out.insert(start, r.below(256) as u8);
                }
                _ => {
                    let cut = pos.min(out.len());
                    out.truncate(cut.max(1).min(out.len()));
                }
            }
        }
        // Advance the caller's generator.
        rng.0 = r.0;
        out.truncate(256 * 1024);
        out
    }

    /// Run a target on one input, catching panics.
    pub fn run(target: &str, data: &[u8]) -> Result<(), String> {
        let f = match target {
            "json" => scenario_json,
            "link" => link,
            "commands" => commands,
            other => return Err(format!("unknown fuzz target {other}")),
        };
        match std::panic::catch_unwind(|| f(data)) {
            Ok(r) => r,
            Err(p) => Err(format!("panic: {}", panic_message(&*p))),
        }
    }

    pub const TARGETS: &[&str] = &["json", "link", "commands"];
}
