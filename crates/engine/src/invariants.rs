//! Invariants of a Kafka cluster, checked by reading the simulator's state: the oracle of the
//! deterministic simulation harness ([`crate::fuzz`], `kafka-sim fuzz`, `cargo xtask sim`).
//!
//! Three kinds ([`Kind`]):
//!
//! - **Structural** invariants hold in every state of every configuration. [`Checker::after_event`]
//!   checks them after every event the harness dispatches (and after every command it
//!   applies), incrementally, so that a run of thousands of events stays cheap.
//! - **Promises** are Kafka's safety guarantees, each under its documented preconditions
//!   (acks=all with min.insync.replicas ≥ 2, idempotence, read_committed, exactly_once). They
//!   are checked against the durability ledger by [`Checker::check_promises`], periodically
//!   during a run and at its end. A record is only held to a promise whose preconditions held
//!   for it, so a weak configuration never fails a promise — it shows an [`Anomaly`] instead.
//! - **Liveness** properties must hold some time after every fault has healed
//!   ([`liveness`]): leaders, stable groups, visible acknowledged records, drained pipelines.
//!
//! [`INVARIANTS`] names and documents every one of them (the CLI prints this table); the
//! weak configurations' anomalies are in [`ANOMALIES`].
//!
//! The checker reads state only; it never changes the simulation.

use crate::cluster::{Client, Cluster};
use crate::consumer_group::ConsumerGroup;
use crate::group::{AfterAppend, ClassicGroup, GroupState};
use crate::ledger::{LedgerEntry, Outcome};
use crate::log::Log;
use crate::message::{Acks, Isolation};
use crate::processor::{Guarantee, PipelineCheck};
use crate::replica::Role;
use crate::types::{BrokerId, Millis, NodeId, TopicId, Tp};
use crate::vecmap::{VecMap, VecSet};
use serde::{Deserialize, Serialize};

/// When an invariant is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    /// After every event, in every configuration.
    Structural,
    /// A safety promise under its preconditions (periodically and at the end of a run).
    Promise,
    /// Some time after every fault healed.
    Liveness,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Structural => "structural",
            Kind::Promise => "promise",
            Kind::Liveness => "liveness",
        }
    }
}

/// A named, documented invariant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvariantDef {
    pub name: &'static str,
    pub kind: Kind,
    pub doc: &'static str,
}

pub const OFFSETS_INCREASING: &str = "offsets_strictly_increasing";
pub const OFFSETS_DENSE: &str = "offsets_dense";
pub const HW_BOUNDS: &str = "hw_within_log";
pub const HW_MONOTONIC: &str = "leader_hw_never_decreases";
pub const SINGLE_LEADER: &str = "one_leader_per_epoch";
pub const ONE_OWNER: &str = "one_owner_per_partition";
pub const COMMIT_GENERATION: &str = "commits_from_current_generation";
pub const NO_PANIC: &str = "no_panic";
pub const ACKED_SURVIVE: &str = "acks_all_no_acked_loss";
pub const IDEMPOTENT: &str = "idempotence_no_duplicates";
pub const READ_COMMITTED: &str = "read_committed_no_aborted_reads";
pub const EXACTLY_ONCE: &str = "exactly_once_pipeline";
pub const AT_LEAST_ONCE: &str = "at_least_once_no_loss";
pub const LEDGER_SUMMARY: &str = "ledger_summary_matches_full_scan";
pub const LIVE_LEADERS: &str = "liveness_every_partition_has_a_leader";
pub const LIVE_GROUPS: &str = "liveness_every_group_stable";
pub const LIVE_VISIBLE: &str = "liveness_acked_records_visible";
pub const LIVE_PIPELINES: &str = "liveness_pipelines_drained";

/// Every invariant the harness checks, with its documentation.
pub const INVARIANTS: &[InvariantDef] = &[
    InvariantDef {
        name: OFFSETS_INCREASING,
        kind: Kind::Structural,
        doc: "On every replica of every partition, record offsets strictly increase along the log \
              (UnifiedLog assigns offsets in order; truncation, retention and compaction only \
              remove records).",
    },
    InvariantDef {
        name: OFFSETS_DENSE,
        kind: Kind::Structural,
        doc: "On every replica of a partition of a non-compacted topic, offsets are dense: each \
              record's offset is the previous one + 1 and the last record's offset + 1 is the log \
              end offset (transaction markers occupy an offset too). Compaction (cleanup.policy \
              contains compact, which includes __consumer_offsets and __transaction_state) \
              leaves gaps, so compacted topics are only checked for strictly increasing offsets.",
    },
    InvariantDef {
        name: HW_BOUNDS,
        kind: Kind::Structural,
        doc: "On every replica, log start offset ≤ high watermark ≤ log end offset \
              (UnifiedLog.updateHighWatermark clamps to the log; followers take min(leader HW, \
              own LEO)).",
    },
    InvariantDef {
        name: HW_MONOTONIC,
        kind: Kind::Structural,
        doc: "On a leader, within one leader epoch, the high watermark never decreases \
              (Partition.maybeIncrementLeaderHW only moves it forward). A new epoch or a restart \
              starts a new observation.",
    },
    InvariantDef {
        name: SINGLE_LEADER,
        kind: Kind::Structural,
        doc: "No two running brokers both consider themselves leader of the same partition in \
              the same leader epoch (the controller bumps the epoch on every leader change; an \
              isolated old leader keeps its older epoch).",
    },
    InvariantDef {
        name: ONE_OWNER,
        kind: Kind::Structural,
        doc: "In a consumer group, a partition is owned by at most one member per generation: \
              (a) a classic coordinator never assigns a partition to two members; (b) a KIP-848 \
              coordinator never gives a partition to a member while another still holds it \
              (assigned ∪ pending revocation are disjoint); (c) running consumers that the \
              group's coordinator knows, in the same group and the same generation (classic) or \
              at their current member epoch (KIP-848), own disjoint partitions. A member the \
              coordinator no longer knows (a zombie) keeps what it owned until it learns so, as \
              in Kafka; only its commits are fenced.",
    },
    InvariantDef {
        name: COMMIT_GENERATION,
        kind: Kind::Structural,
        doc: "Committed offsets never come from a stale generation: when a coordinator accepts a \
              member's OffsetCommit (appends its records), the commit carries the group's current \
              generation and the group is not completing a rebalance (classic, \
              ClassicGroup.validateOffsetCommit), or the member's current epoch (KIP-848); a \
              commit from outside the group (generation −1, e.g. --reset-offsets) is accepted \
              only while the group has no members. A stored offset's generation is never newer \
              than the group's.",
    },
    InvariantDef {
        name: NO_PANIC,
        kind: Kind::Structural,
        doc: "The engine never panics, whatever the configuration, workload, faults or input.",
    },
    InvariantDef {
        name: ACKED_SURVIVE,
        kind: Kind::Promise,
        doc: "No acknowledged record is lost when it was produced with acks=all to a topic with \
              min.insync.replicas ≥ 2 (effective, min(minISR, RF)) and unclean leader election \
              disabled, and at no time were more than RF − min.insync.replicas brokers failed \
              (stopped or isolated) at once. Records removed by retention (below the log start \
              offset), superseded by a later record with the same key on a compacted topic, or \
              belonging to an aborted transaction are not losses. Nor is a record of a \
              partition where a broker lost power after the record was created: Kafka does not \
              fsync each write, and a replica that lost its unflushed tail may be elected again \
              (KIP-966's unclean-shutdown handling is not modeled).",
    },
    InvariantDef {
        name: LEDGER_SUMMARY,
        kind: Kind::Promise,
        doc: "The simulator's own bookkeeping: the durability summary the page shows on every \
              frame (Cluster::durability, kept up to date incrementally) equals a full scan of \
              the durability ledger against the current leaders' logs.",
    },
    InvariantDef {
        name: IDEMPOTENT,
        kind: Kind::Promise,
        doc: "A record from an idempotent producer (enable.idempotence=true, which transactional \
              producers are) appears at most once in its partition's log, however often it was \
              retried (the broker's last-five-batches sequence check). Precondition: the \
              topic has unclean.leader.election.enable=false. The sequence check runs against \
              the producer state the leader rebuilt from its own log (ProducerStateManager); \
              an unclean election makes a replica that lacks the producer's latest batches \
              leader, so a retry of a batch the old leader had written looks new to it, and \
              the resulting OUT_OF_ORDER_SEQUENCE/UNKNOWN_PRODUCER_ID makes the producer bump \
              its epoch and renumber (KIP-360), which the broker cannot tell from new data. \
              Kafka (KIP-98) promises idempotence only without such data loss, so duplicates \
              on a topic with unclean election enabled are not counted as violations. \
              Also excused: the copies of a record whose batch the producer renumbered under a \
              bumped epoch (KIP-360, TransactionManager.bumpIdempotentProducerEpoch → \
              startSequencesAtBeginning) after sending it and before an acknowledgement, when \
              each copy carries a different epoch. A leader may have written the batch under \
              the old epoch while its response was lost or timed out; the renumbered retry \
              is new data to the broker (Kafka's own window, KAFKA-14034). Two copies under \
              one epoch, or copies of a record that was never renumbered, stay violations.",
    },
    InvariantDef {
        name: READ_COMMITTED,
        kind: Kind::Promise,
        doc: "A read_committed consumer's application never receives a record of an aborted \
              transaction (fetches stop at the LSO and the client drops aborted batches).",
    },
    InvariantDef {
        name: EXACTLY_ONCE,
        kind: Kind::Promise,
        doc: "An exactly_once stream processor's output, as a read_committed reader sees it, \
              holds each input record its group committed past exactly once: no duplicate and \
              no loss (output records and input offsets commit in one transaction; a restarted \
              instance fences the old one).",
    },
    InvariantDef {
        name: AT_LEAST_ONCE,
        kind: Kind::Promise,
        doc: "An at_least_once stream processor never commits past an input record whose output \
              was not written (it may write it twice).",
    },
    InvariantDef {
        name: LIVE_LEADERS,
        kind: Kind::Liveness,
        doc: "After faults heal (every broker running, no isolation, fetchers resumed), every \
              partition, internal ones included, gets a leader.",
    },
    InvariantDef {
        name: LIVE_GROUPS,
        kind: Kind::Liveness,
        doc: "After faults heal, every consumer group with a running member reaches Stable, and \
              every running member of a group is in it with an assignment.",
    },
    InvariantDef {
        name: LIVE_VISIBLE,
        kind: Kind::Liveness,
        doc: "After faults heal (and producers stop), every acknowledged record that was not lost \
              becomes visible to consumers: it is below its partition leader's high watermark, and \
              every data partition settles (HW = LEO: the ISR caught up; LSO = HW: every \
              transaction decided and its markers replicated), so read_committed readers see it \
              too.",
    },
    InvariantDef {
        name: LIVE_PIPELINES,
        kind: Kind::Liveness,
        doc: "After faults heal and input stops, every running stream processor's group commits \
              to the end of its input: every input record reached the output.",
    },
];

/// The documentation of an invariant by name.
pub fn definition(name: &str) -> Option<&'static InvariantDef> {
    INVARIANTS.iter().find(|d| d.name == name)
}

/// An anomaly a weak configuration is expected to show (and that the harness must observe).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Anomaly {
    /// acks=1 (or 0) loses acknowledged records when the leader dies before followers fetch.
    Acks1Loss,
    /// Unclean leader election loses acknowledged records.
    UncleanLoss,
    /// Retries without idempotence duplicate records.
    NoIdempotenceDuplicates,
    /// read_uncommitted consumers read records of aborted transactions.
    ReadUncommittedAbortedReads,
    /// An at_least_once pipeline writes some input twice after a crash.
    AtLeastOnceDuplicates,
    /// Every replica losing power before a flush loses acks=all records.
    PowerLossLoss,
}

pub const ANOMALIES: &[(Anomaly, &str, &str)] = &[
    (
        Anomaly::Acks1Loss,
        "acks1_loses_acked",
        "acks=1 acknowledges once the leader has appended: when the leader dies before a \
         follower fetched the record, a follower from the ISR becomes leader without it, and \
         the old leader truncates it away when it returns.",
    ),
    (
        Anomaly::UncleanLoss,
        "unclean_election_loses_acked",
        "With unclean.leader.election.enable=true, when no ISR member is alive the controller \
         elects an out-of-sync replica; everything above its log end offset is lost and the \
         returning replicas truncate to it.",
    ),
    (
        Anomaly::NoIdempotenceDuplicates,
        "no_idempotence_duplicates",
        "Without idempotence, a produce request whose response is lost (or times out) is \
         retried and appended again: the broker cannot tell a retry from a new batch.",
    ),
    (
        Anomaly::ReadUncommittedAbortedReads,
        "read_uncommitted_reads_aborted",
        "read_uncommitted fetches up to the high watermark, which includes records of open and \
         later aborted transactions.",
    ),
    (
        Anomaly::AtLeastOnceDuplicates,
        "at_least_once_duplicates",
        "An at_least_once processor writes its output, waits for the acks, then commits the \
         input offsets: a crash between the two restarts it from the older offsets and it \
         writes the same output again.",
    ),
    (
        Anomaly::PowerLossLoss,
        "power_loss_loses_acked",
        "acks=all means every in-sync replica has the record in its page cache, not on disk: \
         Kafka does not fsync each write. When the replicas lose power before a flush (or \
         before the OS writes the pages back, about 30 s), their logs come back without the \
         record.",
    ),
];

impl Anomaly {
    pub fn name(self) -> &'static str {
        ANOMALIES
            .iter()
            .find(|(a, _, _)| *a == self)
            .map_or("?", |(_, n, _)| n)
    }
    pub fn explanation(self) -> &'static str {
        ANOMALIES
            .iter()
            .find(|(a, _, _)| *a == self)
            .map_or("", |(_, _, e)| e)
    }
    pub fn all() -> impl Iterator<Item = Anomaly> {
        ANOMALIES.iter().map(|(a, _, _)| *a)
    }
}

/// One failed check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    pub invariant: String,
    pub at_ms: Millis,
    pub detail: String,
}

/// What the checker knows about a topic (refreshed when the metadata changes).
#[derive(Debug, Clone, PartialEq)]
struct TopicFacts {
    name: String,
    internal: bool,
    compact: bool,
    unclean: bool,
    min_isr: i32,
    rf: usize,
}

/// Where the incremental scan of one replica's log stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LogMark {
    start: i64,
    leo: i64,
    count: usize,
    last: Option<i64>,
}

/// Keys of records on compacted topics (compaction may remove a record only when a later
/// record has the same key), learnt while scanning the logs. B-trees: one entry per record,
/// inserted out of order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyIndex {
    by_id: std::collections::BTreeMap<u64, u64>,
    latest: std::collections::BTreeMap<(Tp, u64), i64>,
}

impl KeyIndex {
    fn note(&mut self, tp: Tp, id: u64, key: &[u8], offset: i64) {
        let h = fnv1a(key);
        self.by_id.insert(id, h);
        let e = self.latest.entry((tp, h)).or_insert(offset);
        *e = (*e).max(offset);
    }

    /// Whether a later record with the same key was seen in the partition.
    pub fn superseded(&self, tp: Tp, id: u64, offset: i64) -> bool {
        self.by_id
            .get(&id)
            .and_then(|h| self.latest.get(&(tp, *h)))
            .is_some_and(|latest| *latest > offset)
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Violations kept per invariant (the rest are only counted).
const KEEP_PER_INVARIANT: usize = 3;

/// The stateful checker: call [`Checker::after_event`] after every event.
#[derive(Debug, Clone, Default)]
pub struct Checker {
    topics: VecMap<TopicId, TopicFacts>,
    facts_version: Option<u64>,
    logs: VecMap<(BrokerId, Tp), LogMark>,
    leader_hw: VecMap<(BrokerId, Tp), (i32, i64)>,
    commits_seen: VecMap<BrokerId, u64>,
    pub keys: KeyIndex,
    /// The most brokers failed (stopped or isolated) at once so far.
    pub max_failed: usize,
    /// Events (and commands) checked.
    pub events: u64,
    /// Individual checks evaluated, per invariant.
    pub evaluations: VecMap<&'static str, u64>,
    /// Violations found, per invariant.
    pub counts: VecMap<String, u64>,
    violations: Vec<Violation>,
}

impl Checker {
    pub fn new() -> Self {
        Checker::default()
    }

    /// The violations kept (the first few of each invariant, in order of discovery).
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    pub fn is_clean(&self) -> bool {
        self.counts.is_empty()
    }

    /// Record a violation found outside the checker (e.g. a panic or a liveness failure).
    pub fn report(&mut self, invariant: &str, at_ms: Millis, detail: String) {
        let n = self.counts.entry(invariant.to_string()).or_default();
        *n += 1;
        if *n as usize <= KEEP_PER_INVARIANT {
            self.violations.push(Violation {
                invariant: invariant.to_string(),
                at_ms,
                detail,
            });
        }
    }

    fn count(&mut self, name: &'static str, n: u64) {
        *self.evaluations.entry(name).or_default() += n;
    }

    /// Total checks evaluated.
    pub fn checks(&self) -> u64 {
        self.evaluations.values().sum()
    }

    fn refresh_topics(&mut self, c: &Cluster) {
        let version = c.controller.image.offset;
        if self.facts_version == Some(version) {
            return;
        }
        self.facts_version = Some(version);
        self.topics.clear();
        for t in c.controller.image.topics.values() {
            let s = c.controller.topic_settings(t.id);
            let rf = c
                .controller
                .image
                .partition(Tp::new(t.id, 0))
                .map_or(0, |r| r.replicas.len());
            self.topics.insert(
                t.id,
                TopicFacts {
                    name: t.name.clone(),
                    internal: t.internal,
                    compact: s.compact,
                    unclean: s.unclean_election,
                    min_isr: s.min_isr.max(1).min(rf.max(1) as i32),
                    rf,
                },
            );
        }
    }

    fn tp_name(&self, tp: Tp) -> String {
        let t = self.topics.get(&tp.topic).map_or("?", |f| f.name.as_str());
        format!("{t}-{}", tp.partition)
    }

    /// Check every structural invariant against the cluster's state now.
    pub fn after_event(&mut self, c: &Cluster) {
        self.events += 1;
        self.refresh_topics(c);
        let now = c.now();
        let failed = c
            .brokers
            .values()
            .filter(|b| !b.alive || c.net.isolated.contains(&NodeId::Broker(b.id)))
            .count();
        self.max_failed = self.max_failed.max(failed);

        let mut leaders: Vec<(Tp, i32, BrokerId)> = Vec::new();
        let mut replicas = 0u64;
        for (bid, b) in &c.brokers {
            for (tp, p) in &b.partitions {
                replicas += 1;
                let log = &p.log;
                let (start, hw, leo) = (
                    log.log_start_offset(),
                    log.high_watermark(),
                    log.log_end_offset(),
                );
                if !(start <= hw && hw <= leo) {
                    let name = self.tp_name(*tp);
                    self.report(
                        HW_BOUNDS,
                        now,
                        format!("broker-{bid} {name}: log start {start}, HW {hw}, LEO {leo}"),
                    );
                }
                let facts = self.topics.get(&tp.topic);
                let compact = facts.is_none_or(|f| f.compact);
                let track_keys = facts.is_some_and(|f| f.compact && !f.internal);
                self.scan_log(now, *bid, *tp, log, !compact, track_keys);
                if b.alive && p.role == Role::Leader {
                    leaders.push((*tp, p.leader_epoch, *bid));
                    let key = (*bid, *tp);
                    if let Some((epoch, prev)) = self.leader_hw.get(&key).copied() {
                        if epoch == p.leader_epoch && hw < prev {
                            let name = self.tp_name(*tp);
                            self.report(
                                HW_MONOTONIC,
                                now,
                                format!(
                                    "broker-{bid} leads {name} in epoch {epoch}: HW went from {prev} to {hw}"
                                ),
                            );
                        }
                    }
                    self.leader_hw.insert(key, (p.leader_epoch, hw));
                } else {
                    self.leader_hw.remove(&(*bid, *tp));
                }
            }
        }
        self.count(HW_BOUNDS, replicas);
        self.count(OFFSETS_INCREASING, replicas);
        self.count(OFFSETS_DENSE, replicas);
        self.count(HW_MONOTONIC, leaders.len() as u64);

        leaders.sort_unstable();
        self.count(SINGLE_LEADER, leaders.len() as u64);
        for w in leaders.windows(2) {
            if let [(tp_a, ep_a, b_a), (tp_b, ep_b, b_b)] = w {
                if tp_a == tp_b && ep_a == ep_b {
                    let name = self.tp_name(*tp_a);
                    self.report(
                        SINGLE_LEADER,
                        now,
                        format!(
                            "broker-{b_a} and broker-{b_b} both lead {name} in leader epoch {ep_a}"
                        ),
                    );
                }
            }
        }

        self.check_groups(c, now);
    }

    /// Incremental check of one replica's offsets: only the records appended since the last
    /// look are read, unless the log shrank or was rewritten (truncation, retention,
    /// compaction), which rescans it.
    fn scan_log(
        &mut self,
        now: Millis,
        bid: BrokerId,
        tp: Tp,
        log: &Log,
        dense: bool,
        track_keys: bool,
    ) {
        let start = log.log_start_offset();
        let leo = log.log_end_offset();
        let count = log.record_count();
        let key = (bid, tp);
        let prev = self.logs.get(&key).copied();
        if prev.is_some_and(|m| m.start == start && m.leo == leo && m.count == count) {
            return;
        }
        let mut problems: Vec<(&'static str, String)> = Vec::new();
        let mut last: Option<i64> = None;
        let mut done = false;
        if let Some(m) = prev.filter(|m| count > m.count && leo > m.leo && start == m.start) {
            // Append-only? Collect the chunks holding records after the last one seen.
            let mut tail = Vec::new();
            'segments: for seg in log.segments().iter().rev() {
                for chunk in seg.chunks().iter().rev() {
                    tail.push(&**chunk);
                    let first = chunk.entries().next().map(|e| e.offset);
                    if let (Some(f), Some(l)) = (first, m.last) {
                        if f <= l {
                            break 'segments;
                        }
                    }
                }
            }
            let new: usize = tail
                .iter()
                .map(|c| {
                    c.entries()
                        .filter(|e| m.last.is_none_or(|l| e.offset > l))
                        .count()
                })
                .sum();
            if m.count + new == count {
                last = m.last;
                for chunk in tail.iter().rev() {
                    for e in chunk.entries() {
                        if m.last.is_some_and(|l| e.offset <= l) {
                            continue;
                        }
                        check_pair(last, e.offset, dense, &mut problems);
                        last = Some(e.offset);
                        if track_keys && e.id != 0 {
                            if let Some(k) = chunk.key(e) {
                                self.keys.note(tp, e.id, k, e.offset);
                            }
                        }
                    }
                }
                done = true;
            }
        }
        if !done {
            last = None;
            for seg in log.segments() {
                for chunk in seg.chunks() {
                    for e in chunk.entries() {
                        check_pair(last, e.offset, dense, &mut problems);
                        last = Some(e.offset);
                        if track_keys && e.id != 0 {
                            if let Some(k) = chunk.key(e) {
                                self.keys.note(tp, e.id, k, e.offset);
                            }
                        }
                    }
                }
            }
        }
        if dense {
            if let Some(l) = last {
                if l + 1 != leo {
                    problems.push((
                        OFFSETS_DENSE,
                        format!("last record at offset {l} but log end offset {leo}"),
                    ));
                }
            }
        }
        if let Some(l) = last {
            if l >= leo {
                problems.push((
                    OFFSETS_INCREASING,
                    format!("a record at offset {l} at or above the log end offset {leo}"),
                ));
            }
        }
        self.logs.insert(
            key,
            LogMark {
                start,
                leo,
                count,
                last,
            },
        );
        if !problems.is_empty() {
            let name = self.tp_name(tp);
            for (inv, detail) in problems.into_iter().take(2) {
                self.report(inv, now, format!("broker-{bid} {name}: {detail}"));
            }
        }
    }

    fn check_groups(&mut self, c: &Cluster, now: Millis) {
        let mut problems: Vec<(&'static str, String)> = Vec::new();
        let mut n_owner = 0u64;
        let mut n_commit = 0u64;
        for (bid, b) in &c.brokers {
            if !b.alive {
                continue;
            }
            // (a) the classic coordinator's assignment.
            for g in b.groups.groups.values() {
                n_owner += 1;
                if let Some(d) = classic_double_owner(g) {
                    problems.push((
                        ONE_OWNER,
                        format!(
                            "coordinator broker-{bid}, group {} generation {}: {d}",
                            g.group_id, g.generation
                        ),
                    ));
                }
                // A KIP-848 group keeps its offsets here too, stamped with member epochs.
                let kip848 = b.groups.consumer.groups.contains_key(&g.group_id);
                for (tp, o) in g.offsets.iter().filter(|_| !kip848) {
                    n_commit += 1;
                    if o.generation > g.generation {
                        problems.push((
                            COMMIT_GENERATION,
                            format!(
                                "group {} at generation {} holds an offset for {}-{} committed in generation {}",
                                g.group_id, g.generation, tp.topic, tp.partition, o.generation
                            ),
                        ));
                    }
                }
            }
            // (b) the KIP-848 coordinator's assignment.
            for g in b.groups.consumer.groups.values() {
                n_owner += 1;
                if let Some(d) = consumer_group_double_owner(g) {
                    problems.push((
                        ONE_OWNER,
                        format!(
                            "coordinator broker-{bid}, consumer group {} epoch {}: {d}",
                            g.group_id, g.group_epoch
                        ),
                    ));
                }
            }
            // Offset commits accepted since the last look.
            let seen = self.commits_seen.get(bid).copied();
            let mut max_id = seen.unwrap_or(0);
            for (id, d) in &b.delayed_produce {
                if seen.is_some_and(|s| *id <= s) {
                    continue;
                }
                max_id = max_id.max(*id);
                let Some(AfterAppend::OffsetCommit {
                    group, generation, ..
                }) = &d.then
                else {
                    continue;
                };
                n_commit += 1;
                if let Some(why) = stale_commit(b, group, *generation) {
                    problems.push((
                        COMMIT_GENERATION,
                        format!("coordinator broker-{bid} accepted an offset commit for group {group}: {why}"),
                    ));
                }
            }
            self.commits_seen.insert(*bid, max_id);
        }
        // (c) what the running consumers own.
        let mut owners: VecMap<(String, i32), VecMap<Tp, String>> = VecMap::new();
        for client in &c.clients {
            let Client::Consumer(k) = client else {
                continue;
            };
            if !k.alive || k.assignment.is_empty() {
                continue;
            }
            let slot = if let Some(m) = &k.membership {
                use crate::consumer_coordinator::MemberState;
                if matches!(m.state, MemberState::Unjoined | MemberState::Left) {
                    continue;
                }
                // Only members the group's coordinator knows. One it lost track of (removed
                // while cut off, or unknown to a new coordinator that loaded the group from
                // before its generation's record was written) keeps what it owned until it
                // hears so, as Kafka's consumer does, and its generation number can be
                // handed out again for another membership; its commits are fenced
                // (COMMIT_GENERATION checks that), its fetches are not.
                let known = c
                    .group_coordinator(&m.group)
                    .is_none_or(|(_, g)| g.members.iter().any(|x| x.member_id == m.member_id));
                if !known {
                    continue;
                }
                (m.group.clone(), m.generation)
            } else if let Some(cm) = &k.consumer_membership {
                // Only members the coordinator knows at the member's current epoch.
                let known = c
                    .consumer_group_coordinator(&cm.group)
                    .and_then(|(_, g)| g.members.iter().find(|m| m.member_id == cm.member_id))
                    .is_some_and(|m| m.assignment.member_epoch == cm.member_epoch);
                if !known {
                    continue;
                }
                (cm.group.clone(), -1)
            } else {
                continue;
            };
            n_owner += 1;
            let map = owners.entry(slot.clone()).or_default();
            for tp in &k.assignment {
                if let Some(other) = map.insert(*tp, k.name.clone()) {
                    let gen = if slot.1 >= 0 {
                        format!("generation {}", slot.1)
                    } else {
                        "their current member epochs".to_string()
                    };
                    problems.push((
                        ONE_OWNER,
                        format!(
                            "consumers {other} and {} of group {} both own {} in {gen}",
                            k.name,
                            slot.0,
                            self.tp_name(*tp)
                        ),
                    ));
                }
            }
        }
        self.count(ONE_OWNER, n_owner);
        self.count(COMMIT_GENERATION, n_commit);
        for (inv, detail) in problems {
            self.report(inv, now, detail);
        }
    }

    /// Check the safety promises against the durability ledger (call periodically and at
    /// the end of a run). Returns the audit it computed.
    pub fn check_promises(&mut self, c: &Cluster) -> Audit {
        self.refresh_topics(c);
        let audit = audit(c, &self.keys, &self.topics);
        let now = c.now();
        let mut found: Vec<(&'static str, String)> = Vec::new();
        let max_failed = self.max_failed;
        let budget_ok = |l: &LostRecord| {
            l.acks == Acks::All
                && !l.unclean
                && !l.power_loss
                && l.min_isr >= 2
                && max_failed <= l.rf.saturating_sub(l.min_isr as usize)
        };
        self.count(ACKED_SURVIVE, audit.acked);
        for l in audit.lost.iter().filter(|l| budget_ok(l)) {
            found.push((
                ACKED_SURVIVE,
                format!(
                    "record {} of {} at {}-{} offset {} is lost (acks=all, min.insync.replicas={}, RF={}, at most {} broker(s) failed at once): {}",
                    l.id, l.producer, l.topic, l.partition, l.offset, l.min_isr, l.rf, self.max_failed,
                    l.explanation
                ),
            ));
        }
        self.count(IDEMPOTENT, audit.duplicate_candidates);
        let unclean_topics: VecSet<&str> = self
            .topics
            .values()
            .filter(|f| f.unclean)
            .map(|f| f.name.as_str())
            .collect();
        let dups: Vec<&DuplicateRecord> = audit
            .duplicates
            .iter()
            .filter(|d| d.idempotent && !d.renumbered && !unclean_topics.contains(d.topic.as_str()))
            .collect();
        for d in dups {
            found.push((
                IDEMPOTENT,
                format!(
                    "record {} of idempotent producer {} is in {}-{} {} times (offsets {:?})",
                    d.id,
                    d.producer,
                    d.topic,
                    d.partition,
                    d.offsets.len(),
                    d.offsets
                ),
            ));
        }
        for r in &audit.reads {
            self.count(READ_COMMITTED, 1);
            if r.read_committed && r.aborted > 0 {
                found.push((
                    READ_COMMITTED,
                    format!(
                        "read_committed consumer {} received {} record(s) of aborted transactions",
                        r.consumer, r.aborted
                    ),
                ));
            }
        }
        for p in &audit.pipelines {
            if p.guarantee == Guarantee::ExactlyOnce {
                self.count(EXACTLY_ONCE, 1);
                if p.check.duplicates > 0 {
                    found.push((
                        EXACTLY_ONCE,
                        format!(
                            "exactly_once processor {}: {} input record(s) are in the committed output more than once ({} inputs committed, {} outputs)",
                            p.id, p.check.duplicates, p.check.inputs, p.check.outputs
                        ),
                    ));
                }
            }
        }
        self.count(LEDGER_SUMMARY, 1);
        let (summary, full) = (c.durability(), c.durability_full());
        if summary != full {
            found.push((
                LEDGER_SUMMARY,
                format!("the incremental summary is {summary:?}; a full scan gives {full:?}"),
            ));
        }
        self.report_once(now, found);
        audit
    }

    /// The promises that can only be judged once the cluster is quiet (after faults healed
    /// and every liveness property holds): an input committed past with no visible output.
    /// Earlier, a transaction's markers may still be on their way to the output partitions,
    /// or a new leader's high watermark may not yet cover records the old one acknowledged,
    /// so an output can be invisible for a while without being lost.
    pub fn check_quiescent(&mut self, c: &Cluster, audit: &Audit) {
        let mut found: Vec<(&'static str, String)> = Vec::new();
        for p in &audit.pipelines {
            let (inv, what) = match p.guarantee {
                Guarantee::ExactlyOnce => (EXACTLY_ONCE, "exactly_once"),
                Guarantee::AtLeastOnce => (AT_LEAST_ONCE, "at_least_once"),
            };
            self.count(inv, 1);
            if p.check.lost > 0 {
                found.push((
                    inv,
                    format!(
                        "{what} processor {}: the group committed past {} input record(s) whose output is not in the output topic ({} inputs committed, {} outputs)",
                        p.id, p.check.lost, p.check.inputs, p.check.outputs
                    ),
                ));
            }
        }
        self.report_once(c.now(), found);
    }

    fn report_once(&mut self, now: Millis, found: Vec<(&'static str, String)>) {
        for (inv, detail) in found {
            // A promise broken once stays broken: report it once per run.
            if !self.counts.contains_key(inv) {
                self.report(inv, now, detail);
            }
        }
    }
}

fn check_pair(prev: Option<i64>, offset: i64, dense: bool, out: &mut Vec<(&'static str, String)>) {
    let Some(p) = prev else { return };
    if offset <= p {
        out.push((
            OFFSETS_INCREASING,
            format!("offset {offset} follows offset {p}"),
        ));
    } else if dense && offset != p + 1 {
        out.push((
            OFFSETS_DENSE,
            format!("offset {offset} follows offset {p} (gap)"),
        ));
    }
}

fn classic_double_owner(g: &ClassicGroup) -> Option<String> {
    let mut owner: VecMap<&crate::assignor::TopicPartition, &str> = VecMap::new();
    for m in &g.members {
        for tp in &m.assignment {
            if let Some(other) = owner.insert(tp, &m.member_id) {
                return Some(format!(
                    "members {other} and {} are both assigned {}-{}",
                    m.member_id, tp.topic, tp.partition
                ));
            }
        }
    }
    None
}

fn consumer_group_double_owner(g: &ConsumerGroup) -> Option<String> {
    let mut owner: VecMap<&crate::assignor::TopicPartition, &str> = VecMap::new();
    for m in &g.members {
        for tp in m
            .assignment
            .assigned
            .iter()
            .chain(m.assignment.pending_revocation.iter())
        {
            if let Some(other) = owner.insert(tp, &m.member_id) {
                if other != m.member_id {
                    return Some(format!(
                        "members {other} and {} both hold {}-{} (assigned or pending revocation)",
                        m.member_id, tp.topic, tp.partition
                    ));
                }
            }
        }
    }
    None
}

/// Why an accepted offset commit is stale, if it is.
fn stale_commit(b: &crate::broker::Broker, group: &str, generation: i32) -> Option<String> {
    if let Some(g) = b.groups.consumer.groups.get(group) {
        if generation < 0 {
            return (!g.members.is_empty()).then(|| {
                format!(
                    "a commit from outside the group while it has {} member(s)",
                    g.members.len()
                )
            });
        }
        return (!g
            .members
            .iter()
            .any(|m| m.assignment.member_epoch == generation))
        .then(|| format!("member epoch {generation} is no member's current epoch"));
    }
    let g = b.groups.groups.get(group);
    if generation < 0 {
        return g.filter(|g| !g.members.is_empty()).map(|g| {
            format!(
                "a commit from outside the group while it has {} member(s)",
                g.members.len()
            )
        });
    }
    let Some(g) = g else {
        return Some(format!(
            "generation {generation} for a group the coordinator does not know"
        ));
    };
    if generation != g.generation {
        return Some(format!(
            "generation {generation}, but the group is at generation {}",
            g.generation
        ));
    }
    if matches!(g.state, GroupState::CompletingRebalance | GroupState::Dead) {
        return Some(format!(
            "generation {generation} while the group is {}",
            g.state.name()
        ));
    }
    None
}

/// An acknowledged record that is gone for good.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LostRecord {
    pub id: u64,
    pub producer: String,
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    pub acks: Acks,
    pub unclean: bool,
    /// A broker lost power after the record was created: Kafka keeps no promise for it (the
    /// digest's loss case (c); KIP-966's unclean-shutdown handling is not modeled, so a sole
    /// in-sync replica that lost its tail is elected again, as in Kafka 3.x).
    pub power_loss: bool,
    pub min_isr: i32,
    pub rf: usize,
    pub explanation: String,
}

/// A record present more than once in its partition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuplicateRecord {
    pub id: u64,
    pub producer: String,
    pub idempotent: bool,
    /// Explained by a KIP-360 renumbering: the producer gave the record's sent, unacknowledged
    /// batch a new epoch and sequence (ledger `renumbered`), and each copy is under a
    /// different producer epoch (at most one per epoch).
    #[serde(default)]
    pub renumbered: bool,
    pub topic: String,
    pub partition: i32,
    pub offsets: Vec<i64>,
}

/// Records of aborted transactions one consumer's application received.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsumerReads {
    pub consumer: String,
    pub read_committed: bool,
    pub aborted: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PipelineAudit {
    pub id: String,
    pub guarantee: Guarantee,
    pub alive: bool,
    pub check: PipelineCheck,
}

/// The durability ledger checked against the logs (compaction- and transaction-aware).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Audit {
    pub acked: u64,
    /// Acknowledged and below the leader's high watermark.
    pub visible: u64,
    /// Acknowledged, on the leader, not yet below the high watermark.
    pub pending: u64,
    /// Acknowledged, but the partition has no leader.
    pub unavailable: u64,
    /// Removed by retention (below the log start offset).
    pub expired: u64,
    /// Removed by compaction: a later record has the same key.
    pub superseded: u64,
    /// Records of aborted transactions (removable by compaction).
    pub aborted_txn: u64,
    pub lost: Vec<LostRecord>,
    /// Ledger entries appended more than once (candidates for duplicates).
    pub duplicate_candidates: u64,
    pub duplicates: Vec<DuplicateRecord>,
    pub reads: Vec<ConsumerReads>,
    pub pipelines: Vec<PipelineAudit>,
}

const LOST_EXPLAINED: usize = 3;

fn audit(c: &Cluster, keys: &KeyIndex, topics: &VecMap<TopicId, TopicFacts>) -> Audit {
    let mut a = Audit::default();
    let client_name = |idx: u32| {
        c.clients
            .get(idx as usize)
            .map_or_else(|| format!("client-{idx}"), |c| c.name().to_string())
    };
    // Whether a copy was written by an idempotent producer: its batch carries a sequence
    // number (the producer's settings may have changed since, or it restarted).
    let idempotent = |log: &Log, offset: i64| {
        log.entry_at(offset)
            .is_some_and(|(b, _)| b.has_producer_id() && b.base_sequence >= 0)
    };
    for e in c.ledger.entries() {
        let log = c.leader_log(e.tp);
        let facts = topics.get(&e.tp.topic);
        if e.appends.len() > 1 {
            a.duplicate_candidates += 1;
            if let Some(log) = log {
                let offsets = e.copies_in(log);
                if offsets.len() > 1 {
                    // One copy per producer epoch at most, from one producer id.
                    let ids: VecSet<(i64, i16)> = offsets
                        .iter()
                        .filter_map(|o| log.entry_at(*o))
                        .map(|(b, _)| (b.producer_id, b.producer_epoch))
                        .collect();
                    let one_per_epoch = ids.len() == offsets.len()
                        && ids.iter().map(|(id, _)| id).collect::<VecSet<_>>().len() == 1;
                    a.duplicates.push(DuplicateRecord {
                        id: e.id,
                        producer: client_name(e.producer),
                        idempotent: offsets.iter().all(|o| idempotent(log, *o)),
                        renumbered: e.renumbered && one_per_epoch,
                        topic: facts.map(|f| f.name.clone()).unwrap_or_default(),
                        partition: e.tp.partition,
                        offsets,
                    });
                }
            }
        }
        let Outcome::Acked { .. } = e.outcome else {
            continue;
        };
        a.acked += 1;
        if e.txn_committed == Some(false) {
            a.aborted_txn += 1;
            continue;
        }
        let Some(log) = log else {
            a.unavailable += 1;
            continue;
        };
        match e.acked_offset_in(log) {
            Some(o) if o < log.high_watermark() => a.visible += 1,
            Some(_) => a.pending += 1,
            None => {
                let first = e.reported_offset();
                if first >= 0 && first < log.log_start_offset() {
                    a.expired += 1;
                    continue;
                }
                if facts.is_some_and(|f| f.compact) && keys.superseded(e.tp, e.id, first) {
                    a.superseded += 1;
                    continue;
                }
                // A leader that lost power and is not fenced yet: the record may live on.
                if !c.leader_running(e.tp) {
                    a.unavailable += 1;
                    continue;
                }
                a.lost.push(lost_record(c, &e, first, facts, a.lost.len()));
            }
        }
    }
    for client in &c.clients {
        if let Client::Consumer(k) = client {
            let aborted = c.aborted_reads(&k.name);
            a.reads.push(ConsumerReads {
                consumer: k.name.clone(),
                read_committed: k.settings.isolation == Isolation::Committed,
                aborted,
            });
        }
    }
    for p in &c.processors {
        if let Some(check) = c.pipeline_check(&p.id) {
            a.pipelines.push(PipelineAudit {
                id: p.id.clone(),
                guarantee: p.guarantee,
                alive: p.alive,
                check,
            });
        }
    }
    a
}

fn lost_record(
    c: &Cluster,
    e: &LedgerEntry,
    offset: i64,
    facts: Option<&TopicFacts>,
    already: usize,
) -> LostRecord {
    LostRecord {
        id: e.id,
        producer: c
            .clients
            .get(e.producer as usize)
            .map_or_else(String::new, |p| p.name().to_string()),
        topic: facts.map(|f| f.name.clone()).unwrap_or_default(),
        partition: e.tp.partition,
        offset,
        acks: e.acks,
        unclean: facts.is_some_and(|f| f.unclean),
        power_loss: c.ledger.history.get(&e.tp).is_some_and(|h| {
            h.iter().any(
                |x| matches!(x, crate::ledger::HistoryEvent::PowerLoss { at, .. } if *at >= e.created_at),
            )
        }),
        min_isr: facts.map_or(1, |f| f.min_isr),
        rf: facts.map_or(0, |f| f.rf),
        explanation: if already < LOST_EXPLAINED {
            c.explain_loss(e)
        } else {
            String::new()
        },
    }
}

impl Audit {
    /// Which weak-configuration anomalies this audit shows.
    pub fn anomalies(&self) -> VecSet<Anomaly> {
        let mut out = VecSet::new();
        for l in &self.lost {
            if l.acks != Acks::All {
                out.insert(Anomaly::Acks1Loss);
            } else if l.unclean {
                out.insert(Anomaly::UncleanLoss);
            } else if l.power_loss {
                out.insert(Anomaly::PowerLossLoss);
            }
        }
        if self.duplicates.iter().any(|d| !d.idempotent) {
            out.insert(Anomaly::NoIdempotenceDuplicates);
        }
        if self
            .reads
            .iter()
            .any(|r| !r.read_committed && r.aborted > 0)
        {
            out.insert(Anomaly::ReadUncommittedAbortedReads);
        }
        if self
            .pipelines
            .iter()
            .any(|p| p.guarantee == Guarantee::AtLeastOnce && p.check.duplicates > 0)
        {
            out.insert(Anomaly::AtLeastOnceDuplicates);
        }
        out
    }

    /// One concrete instance of an anomaly, for the report.
    pub fn example(&self, anomaly: Anomaly) -> Option<String> {
        match anomaly {
            Anomaly::Acks1Loss | Anomaly::UncleanLoss | Anomaly::PowerLossLoss => self
                .lost
                .iter()
                .find(|l| match anomaly {
                    Anomaly::Acks1Loss => l.acks != Acks::All,
                    Anomaly::UncleanLoss => l.acks == Acks::All && l.unclean,
                    _ => l.acks == Acks::All && !l.unclean && l.power_loss,
                })
                .map(|l| {
                    format!(
                        "{} acknowledged record(s) lost, e.g. record {} of {} at {}-{} offset {}: {}",
                        self.lost.len(),
                        l.id,
                        l.producer,
                        l.topic,
                        l.partition,
                        l.offset,
                        if l.explanation.is_empty() {
                            "(see the ledger)"
                        } else {
                            &l.explanation
                        }
                    )
                }),
            Anomaly::NoIdempotenceDuplicates => {
                self.duplicates.iter().find(|d| !d.idempotent).map(|d| {
                    format!(
                        "record {} of {} (enable.idempotence=false) is in {}-{} at offsets {:?}",
                        d.id, d.producer, d.topic, d.partition, d.offsets
                    )
                })
            }
            Anomaly::ReadUncommittedAbortedReads => self
                .reads
                .iter()
                .find(|r| !r.read_committed && r.aborted > 0)
                .map(|r| {
                    format!(
                        "read_uncommitted consumer {} received {} record(s) of aborted transactions",
                        r.consumer, r.aborted
                    )
                }),
            Anomaly::AtLeastOnceDuplicates => self
                .pipelines
                .iter()
                .find(|p| p.guarantee == Guarantee::AtLeastOnce && p.check.duplicates > 0)
                .map(|p| {
                    format!(
                        "at_least_once processor {} wrote {} input record(s) twice ({} inputs, {} outputs)",
                        p.id, p.check.duplicates, p.check.inputs, p.check.outputs
                    )
                }),
        }
    }
}

/// The liveness conditions that do not hold now, as (invariant, detail). Cheap conditions
/// first; `audit` is only needed for the record- and pipeline-level ones.
pub fn liveness(c: &Cluster, audit: Option<&Audit>) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let offline: Vec<String> = c
        .controller
        .image
        .partitions
        .iter()
        .filter(|(_, r)| !r.has_leader())
        .map(|(tp, _)| {
            format!(
                "{}-{}",
                c.topic_names().get(tp.topic as usize).map_or("?", |s| &**s),
                tp.partition
            )
        })
        .collect();
    if !offline.is_empty() {
        out.push((
            LIVE_LEADERS,
            format!(
                "{} partition(s) without a leader: {}",
                offline.len(),
                offline.into_iter().take(5).collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    let mut groups: VecSet<&str> = VecSet::new();
    for client in &c.clients {
        if let Client::Consumer(k) = client {
            if k.alive {
                if let Some(g) = &k.group {
                    groups.insert(g);
                }
            }
        }
    }
    for g in groups {
        match c.group_view(g) {
            Some(v) if v.state == "Stable" => {
                // Every running consumer of the group is a member the coordinator knows.
                let missing: Vec<&str> = c
                    .clients
                    .iter()
                    .filter_map(|x| match x {
                        Client::Consumer(k) if k.alive && k.group.as_deref() == Some(g) => {
                            let id = match (&k.membership, &k.consumer_membership) {
                                (Some(m), _) => m.member_id.as_str(),
                                (None, Some(m)) => m.member_id.as_str(),
                                (None, None) => "",
                            };
                            (!v.members
                                .iter()
                                .any(|m| !id.is_empty() && m.member_id == id))
                            .then_some(k.name.as_str())
                        }
                        _ => None,
                    })
                    .collect();
                if !missing.is_empty() {
                    out.push((
                        LIVE_GROUPS,
                        format!("group {g} is Stable, but running consumer(s) {missing:?} are not members"),
                    ));
                }
            }
            Some(v) => out.push((LIVE_GROUPS, format!("group {g} is {}", v.state))),
            None => out.push((
                LIVE_GROUPS,
                format!("group {g} has running members but no coordinator state"),
            )),
        }
    }
    let Some(a) = audit else {
        return out;
    };
    if a.pending > 0 || a.unavailable > 0 {
        out.push((
            LIVE_VISIBLE,
            format!(
                "{} acknowledged record(s) not yet below the high watermark, {} on partitions without a leader",
                a.pending, a.unavailable
            ),
        ));
    }
    // With the faults healed and the producers idle, every data partition settles: the
    // in-sync replicas catch up (HW = LEO) and every transaction is decided and its marker
    // replicated (LSO = HW), so read_committed consumers see everything too.
    for (tp, reg) in &c.controller.image.partitions {
        let internal = c
            .controller
            .image
            .topics
            .get(&tp.topic)
            .is_none_or(|t| t.internal);
        if internal || !reg.has_leader() {
            continue;
        }
        let Some(log) = c.leader_log(*tp) else {
            continue;
        };
        let (lso, hw, leo) = (
            log.last_stable_offset(),
            log.high_watermark(),
            log.log_end_offset(),
        );
        if lso < hw || hw < leo {
            let name = format!(
                "{}-{}",
                c.topic_names().get(tp.topic as usize).map_or("?", |s| &**s),
                tp.partition
            );
            out.push((
                LIVE_VISIBLE,
                format!("{name} has not settled: LSO {lso}, HW {hw}, LEO {leo}"),
            ));
            break;
        }
    }
    for p in c.processors.iter().filter(|p| p.alive) {
        let Some(v) = c.group_view(&p.group) else {
            out.push((
                LIVE_PIPELINES,
                format!("processor {}: group {} has no state", p.id, p.group),
            ));
            continue;
        };
        let Some(t) = c.controller.image.topic_by_name(&p.input) else {
            continue;
        };
        for part in 0..t.partitions {
            let tp = Tp::new(t.id, part);
            let end = c.leader_log(tp).map_or(0, Log::last_stable_offset);
            let committed = v
                .committed
                .iter()
                .find(|x| *x.topic == *p.input && x.partition == part)
                .map_or(0, |x| x.offset);
            if committed < end {
                out.push((
                    LIVE_PIPELINES,
                    format!(
                        "processor {}: committed {} of {}-{part}, which ends at {end}",
                        p.id, committed, p.input
                    ),
                ));
                break;
            }
        }
    }
    out
}
