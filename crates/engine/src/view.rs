//! Read-only, serialisable views of a cluster for the page, the CLI's `--json` output and
//! tests: topology, per-replica offsets, clients, messages in flight, metrics, and the
//! durability ledger checked against the logs.

use crate::cluster::{Client, Cluster, InFlight};
use crate::ledger::{HistoryEvent, LedgerEntry, Outcome};
use crate::log::Log;
use crate::message::Acks;
use crate::replica::Role;
use crate::sort::SortShared;
use crate::types::{BrokerId, Millis, Tp};
use crate::vecmap::VecMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

pub use crate::share_view::{
    ShareConsumerView, ShareGroupView, ShareHeldView, ShareMemberView, SharePartitionView,
    ShareRecordView,
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplicaView {
    pub broker: BrokerId,
    pub role: String,
    pub leo: i64,
    pub hw: i64,
    pub log_start: i64,
    pub online: bool,
    pub in_isr: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartitionView {
    pub partition: i32,
    pub leader: Option<BrokerId>,
    pub leader_epoch: i32,
    pub isr: Vec<BrokerId>,
    pub replicas: Vec<ReplicaView>,
    pub log_start_offset: i64,
    pub log_end_offset: i64,
    pub high_watermark: i64,
    pub last_stable_offset: i64,
    pub under_replicated: bool,
    pub under_min_isr: bool,
    /// The leader's segments, oldest first (the last is the active one).
    pub segments: Vec<SegmentView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentView {
    pub base_offset: i64,
    pub next_offset: i64,
    pub records: usize,
    pub bytes: usize,
    pub active: bool,
    /// Records the log cleaner removed from it.
    pub compacted_away: usize,
    /// The newest record timestamp in it (retention by time compares against this); `None`
    /// while empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_timestamp: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopicView {
    pub name: String,
    pub internal: bool,
    pub replication_factor: usize,
    pub config: BTreeMap<String, String>,
    pub partitions: Vec<PartitionView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BrokerView {
    pub id: BrokerId,
    pub rack: Option<String>,
    pub alive: bool,
    pub fenced: bool,
    pub isolated: bool,
    pub fetchers_paused: bool,
    /// Running, but the controller has not accepted its registration yet (a restarted
    /// process waits for its predecessor's session to expire).
    #[serde(default)]
    pub registering: bool,
    pub leaders: usize,
    pub replicas: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientErrorView {
    pub error: String,
    pub detail: String,
    pub at: Millis,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProducerView {
    pub id: String,
    pub alive: bool,
    pub acks: String,
    pub idempotence: bool,
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub sent: u64,
    pub acked: u64,
    pub failed: u64,
    pub retries: u64,
    pub pending: usize,
    /// buffer.memory held by batches not yet completed, and the limit.
    #[serde(default)]
    pub buffer_used: u64,
    #[serde(default)]
    pub buffer_memory: u64,
    /// send() calls blocked waiting for buffer.memory.
    #[serde(default)]
    pub blocked: usize,
    pub errors: VecMap<String, u64>,
    pub last_error: Option<ClientErrorView>,
    pub config: BTreeMap<String, String>,
    pub workload: Option<f64>,
    pub transactional_id: Option<String>,
    /// "ready", "ongoing", "committing", "aborting", "fenced (…)", … (transactional only).
    pub txn_state: Option<String>,
    /// The last transactional API called: initTransactions, beginTransaction, send,
    /// sendOffsetsToTransaction, commitTransaction, abortTransaction.
    pub txn_last_call: Option<String>,
    pub txns_committed: u64,
    pub txns_aborted: u64,
    /// Next sequence number per partition ("topic-partition" → sequence).
    pub sequences: VecMap<String, i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessorView {
    pub id: String,
    pub input: String,
    pub output: String,
    pub group: String,
    pub guarantee: String,
    pub alive: bool,
    pub step: String,
    pub last_action: String,
    pub batches: u64,
    pub crashes: u32,
    pub consumer: String,
    pub producer: String,
    pub check: Option<crate::processor::PipelineCheck>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsumerPartitionView {
    pub topic: Arc<str>,
    pub partition: i32,
    pub position: Option<i64>,
    pub lag: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsumerView {
    pub id: String,
    pub alive: bool,
    pub group: Option<String>,
    pub topics: Vec<String>,
    pub isolation: String,
    pub assignment: Vec<ConsumerPartitionView>,
    pub consumed: u64,
    pub errors: VecMap<String, u64>,
    pub last_error: Option<ClientErrorView>,
    /// Records of aborted transactions this consumer's application received.
    pub aborted_reads: u64,
    /// Group membership: "Stable", "Joining", … (None without a group).
    pub member_state: Option<String>,
    pub member_id: Option<String>,
    pub generation: Option<i32>,
    pub commit_mode: String,
    pub processing_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupMemberView {
    pub member_id: String,
    pub client: String,
    pub instance_id: Option<String>,
    /// Sorted (topic, partition) pairs.
    pub assignment: Vec<(Arc<str>, i32)>,
    /// Consumer protocol (KIP-848): the member epoch (`None` for classic members).
    #[serde(default)]
    pub member_epoch: Option<i32>,
    /// Consumer protocol: STABLE, UNREVOKED_PARTITIONS or UNRELEASED_PARTITIONS.
    #[serde(default)]
    pub member_state: Option<String>,
    /// Consumer protocol: partitions the member must revoke before it can move on.
    #[serde(default)]
    pub revoking: Vec<(Arc<str>, i32)>,
    /// Consumer protocol: the member's target assignment.
    #[serde(default)]
    pub target: Option<Vec<(Arc<str>, i32)>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommittedView {
    pub topic: Arc<str>,
    pub partition: i32,
    pub offset: i64,
    /// High watermark − committed offset.
    pub lag: i64,
    /// How old the first unconsumed record is (ms), 0 when caught up: lag in time.
    pub lag_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupView {
    pub group: String,
    pub coordinator: BrokerId,
    pub state: String,
    /// The generation (classic) or the group epoch (consumer protocol).
    pub generation: i32,
    /// "classic", or "consumer" for KIP-848 groups (`group.protocol=consumer`).
    pub protocol: String,
    /// The client-side assignor (classic) or the server-side assignor (consumer protocol).
    pub assignor: Option<String>,
    pub leader: Option<String>,
    /// Consumer protocol: the target assignment epoch.
    #[serde(default)]
    pub assignment_epoch: Option<i32>,
    pub members: Vec<GroupMemberView>,
    pub committed: Vec<CommittedView>,
    pub lag: i64,
    /// The largest time lag over the group's partitions (ms).
    pub lag_ms: u64,
    /// Records the group's applications finished processing (distinct).
    pub processed: u64,
    /// Extra processings of records already processed (at-least-once redelivery).
    pub duplicates: u64,
    /// Records below the committed offsets that no member ever processed (at-most-once loss).
    pub skipped: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub active_controller_count: u32,
    pub under_replicated_partitions: u32,
    pub offline_partitions_count: u32,
    pub under_min_isr_partition_count: u32,
    pub isr_shrinks: u64,
    pub isr_expands: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LostRecord {
    pub id: u64,
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    pub explanation: String,
}

/// The durability ledger checked against the current leaders' logs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Durability {
    /// Records the producer was told were written.
    pub acked: u64,
    /// Acknowledged and readable (below the leader's HW).
    pub visible: u64,
    /// Acknowledged, on the leader, not yet below the HW.
    pub pending: u64,
    /// Acknowledged and gone for good.
    pub lost_acked: u64,
    /// Acknowledged, but the partition has no leader right now.
    pub unavailable: u64,
    /// Acknowledged and later removed by retention or compaction (not a loss).
    pub expired: u64,
    /// Records the producer was told failed.
    pub failed: u64,
    /// Extra copies of records in the logs (retries without idempotence).
    pub duplicates: u64,
    pub lost: Vec<LostRecord>,
}

impl Durability {
    pub fn empty() -> Self {
        Durability::default()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterView {
    pub now: Millis,
    /// The wall clock: `now` plus every fast-forward (`advance_time`).
    #[serde(default)]
    pub wall_ms: Millis,
    pub seed: u64,
    pub brokers: Vec<BrokerView>,
    pub topics: Vec<TopicView>,
    pub producers: Vec<ProducerView>,
    pub consumers: Vec<ConsumerView>,
    pub groups: Vec<GroupView>,
    pub processors: Vec<ProcessorView>,
    pub in_flight: Vec<InFlight>,
    pub metrics: Metrics,
    /// Traditional queues beside the log (for the log-versus-queue comparison).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub queues: Vec<QueueView>,
    /// Event-sourcing projections (read models folded from a topic).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub projections: Vec<ProjectionView>,
    /// Share groups (KIP-932): members, and each share-partition's in-flight records.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub share_groups: Vec<ShareGroupView>,
    /// Share consumers (`KafkaShareConsumer`) and what their applications hold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub share_consumers: Vec<ShareConsumerView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectionView {
    pub id: String,
    pub topic: String,
    pub fold: String,
    pub as_of: Option<i64>,
    pub consumer: String,
    pub rebuilds: u32,
    pub state: BTreeMap<String, String>,
    pub applied: u64,
    pub skipped: u64,
    /// Events in the topic not folded in yet (replay progress).
    pub behind: i64,
}

/// A traditional queue: what it holds now, and what its consumers are doing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueView {
    pub name: String,
    pub visibility_timeout_ms: Millis,
    /// Messages the queue holds now (`count`), the first `QUEUE_VIEW_CAP` of them listed.
    pub count: usize,
    pub messages: Vec<QueueMessageView>,
    pub sent: u64,
    /// Acknowledged, therefore gone: nobody can read these again.
    pub deleted: u64,
    pub redelivered: u64,
    pub consumers: Vec<QueueConsumerView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueMessageView {
    pub id: u64,
    pub key: Option<String>,
    pub body: String,
    pub receive_count: u32,
    /// In flight (received, not acknowledged) until this time; `None` = visible.
    pub invisible_until: Option<Millis>,
    pub holder: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueConsumerView {
    pub id: String,
    pub alive: bool,
    pub auto_ack: bool,
    /// The message being processed (or waiting for `ack_queue`).
    pub holding: Option<u64>,
    pub processed: u64,
}

/// One record as the page draws it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordView {
    pub offset: i64,
    pub timestamp: i64,
    pub key: Option<String>,
    pub value: Option<String>,
    pub id: u64,
    pub control: Option<String>,
    pub transactional: bool,
    pub producer_id: i64,
}

pub(crate) const LOST_LIST_CAP: usize = 200;

/// Where a ledger entry stands in the [`Durability`] summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Neither acknowledged nor failed yet.
    Unanswered,
    Failed,
    /// Acknowledged; the partition has no leader.
    Unavailable,
    /// Acknowledged and below the leader's high watermark.
    Visible,
    /// Acknowledged, in the leader's log at or above the high watermark.
    AboveHw,
    /// Acknowledged, then removed by retention or compaction.
    Expired,
    /// Acknowledged and not in the leader's log.
    Lost,
}

/// One entry's share of a [`Durability`] summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Standing {
    pub duplicates: u64,
    pub kind: Kind,
}

impl Standing {
    pub(crate) fn add_to(self, d: &mut Durability) {
        d.duplicates += self.duplicates;
        let acked = match self.kind {
            Kind::Unanswered => return,
            Kind::Failed => {
                d.failed += 1;
                return;
            }
            Kind::Unavailable => &mut d.unavailable,
            Kind::Visible => &mut d.visible,
            Kind::AboveHw => &mut d.pending,
            Kind::Expired => &mut d.expired,
            Kind::Lost => &mut d.lost_acked,
        };
        *acked += 1;
        d.acked += 1;
    }
}

const QUEUE_VIEW_CAP: usize = 200;

/// Per group, and per partition sorted by partition, what `skipped_below` has scanned so far.
pub(crate) type SkipScans = Vec<(String, Vec<(Tp, SkipScan)>)>;

/// The records below a group's committed offset that its applications had not processed when
/// they were scanned, and how far the scan went, on the log of one leader and leader epoch.
#[derive(Debug, Clone, Default)]
pub(crate) struct SkipScan {
    leader: BrokerId,
    leader_epoch: i32,
    scanned_to: i64,
    /// (offset, record id), rechecked on every view: processed since, or gone from the log
    /// (retention, compaction), they no longer count.
    unprocessed: Vec<(i64, u64)>,
}

impl Cluster {
    /// Whether `tp`'s leader (as the controller has it) is running and leads it. A leader
    /// that lost power keeps only what had reached its disk, and its restarted process leads
    /// nothing until the controller fences the old one and elects a leader: a record missing
    /// from its log is unavailable, not yet lost.
    pub(crate) fn leader_running(&self, tp: Tp) -> bool {
        self.leader_of(tp)
            .and_then(|b| self.brokers.get(&b))
            .is_some_and(|b| b.alive && b.partitions.get(&tp).is_some_and(|p| p.is_leader()))
    }

    pub(crate) fn leader_log(&self, tp: Tp) -> Option<&Log> {
        let leader = self.leader_of(tp)?;
        self.brokers
            .get(&leader)
            .and_then(|b| b.partitions.get(&tp))
            .map(|p| &p.log)
    }

    /// Data records of `tp` below `committed` that the group's applications never processed:
    /// the records it skipped. Exactly a scan of the leader's log below `committed`, but
    /// incremental (a page builds the view every frame, and the log grows without bound): only
    /// offsets not scanned before are read, and the few unprocessed records found earlier are
    /// rechecked. A new leader or epoch, or a committed offset that went back, starts over.
    fn skipped_below(
        &self,
        group: &str,
        tp: Tp,
        committed: i64,
        processed: Option<&crate::ledger::Processed>,
    ) -> u64 {
        let (Some(log), Some(reg)) = (self.leader_log(tp), self.controller.image.partition(tp))
        else {
            return 0;
        };
        let unprocessed = |id: u64| id != 0 && processed.is_none_or(|m| !m.contains(id));
        let mut scans = self.skip_scans.borrow_mut();
        let g = match scans.iter().position(|(name, _)| name == group) {
            Some(g) => g,
            None => {
                scans.push((group.to_string(), Vec::new()));
                scans.len() - 1
            }
        };
        let Some((_, by_tp)) = scans.get_mut(g) else {
            return 0;
        };
        let i = match by_tp.binary_search_by(|(t, _)| t.cmp(&tp)) {
            Ok(i) => i,
            Err(i) => {
                by_tp.insert(i, (tp, SkipScan::default()));
                i
            }
        };
        let Some((_, scan)) = by_tp.get_mut(i) else {
            return 0;
        };
        if scan.leader != reg.leader
            || scan.leader_epoch != reg.leader_epoch
            || committed < scan.scanned_to
        {
            *scan = SkipScan {
                leader: reg.leader,
                leader_epoch: reg.leader_epoch,
                scanned_to: 0,
                unprocessed: Vec::new(),
            };
        }
        scan.unprocessed
            .retain(|&(offset, id)| unprocessed(id) && log.id_at(offset) == Some(id));
        if committed > scan.scanned_to {
            let from = scan.scanned_to;
            for chunk in log.chunks() {
                if chunk.last_offset().is_none_or(|l| l < from) {
                    continue;
                }
                if chunk.first_offset().is_some_and(|f| f >= committed) {
                    break;
                }
                for (b, e) in chunk.iter() {
                    if e.offset < from {
                        continue;
                    }
                    if e.offset >= committed {
                        break;
                    }
                    if b.control.is_none() && unprocessed(e.id) {
                        scan.unprocessed.push((e.offset, e.id));
                    }
                }
            }
            scan.scanned_to = committed;
        }
        scan.unprocessed.len() as u64
    }

    /// `tp`'s topic name, shared with the cluster (no allocation).
    fn tp_name(&self, tp: Tp) -> Arc<str> {
        self.topic_names()
            .get(tp.topic as usize)
            .cloned()
            .unwrap_or_else(|| Arc::from(""))
    }

    /// The ledger for one producer and/or topic.
    pub fn durability_of(&self, producer: Option<&str>, topic: Option<&str>) -> Durability {
        let pidx = producer.map(|p| self.client_index(p));
        let tid = topic.map(|t| self.topic_id(t));
        self.durability_where(|e| {
            pidx.is_none_or(|p| p == Some(e.producer)) && tid.is_none_or(|t| t == Some(e.tp.topic))
        })
    }

    /// The ledger entries `keep` selects, each judged against the current leader's log (a
    /// scan of the whole ledger; [`Cluster::durability`] is the same for every entry, kept
    /// up to date incrementally).
    pub fn durability_where(&self, keep: impl Fn(&LedgerEntry) -> bool) -> Durability {
        let mut d = Durability::default();
        for e in self.ledger.entries().filter(|e| keep(e)) {
            let s = self.standing(&e);
            s.add_to(&mut d);
            if s.kind == Kind::Lost && d.lost.len() < LOST_LIST_CAP {
                d.lost.push(self.lost_record(&e));
            }
        }
        d
    }

    /// How one ledger entry counts in a [`Durability`] summary now.
    pub(crate) fn standing(&self, e: &LedgerEntry) -> Standing {
        let log = self.leader_log(e.tp);
        let mut s = Standing {
            duplicates: 0,
            kind: Kind::Unanswered,
        };
        if let (Some(log), [_, _, ..]) = (log, &*e.appends) {
            s.duplicates = (e.copies_in(log).len() as u64).saturating_sub(1);
        }
        s.kind = match e.outcome {
            Outcome::Pending => Kind::Unanswered,
            Outcome::Failed { .. } => Kind::Failed,
            Outcome::Acked { .. } => {
                let Some(log) = log else {
                    return Standing {
                        kind: Kind::Unavailable,
                        ..s
                    };
                };
                match e.acked_offset_in(log) {
                    Some(o) if o < log.high_watermark() => Kind::Visible,
                    Some(_) => Kind::AboveHw,
                    None => {
                        let first = e.reported_offset();
                        // Below the log start: retention deleted it. In the cleaned part of a
                        // compacted log with nothing at its offset: a later record with
                        // the same key superseded it. Neither is a loss.
                        let compacted = first >= 0
                            && first < log.first_dirty_offset
                            && log.id_at(first).is_none();
                        if first >= 0 && first < log.log_start_offset() || compacted {
                            Kind::Expired
                        } else if !self.leader_running(e.tp) {
                            Kind::Unavailable
                        } else {
                            Kind::Lost
                        }
                    }
                }
            }
        };
        s
    }

    /// A lost entry as the summary lists it.
    pub(crate) fn lost_record(&self, e: &LedgerEntry) -> LostRecord {
        LostRecord {
            id: e.id,
            topic: self.tp_name(e.tp).to_string(),
            partition: e.tp.partition,
            offset: e.reported_offset(),
            explanation: self.explain_loss(e),
        }
    }

    /// Why an acknowledged record is gone, from the partition's history.
    pub fn explain_loss(&self, e: &LedgerEntry) -> String {
        let secs = |t: Millis| format!("{:.2} s", t as f64 / 1000.0);
        let Outcome::Acked { offset, at } = e.outcome else {
            return "not acknowledged".into();
        };
        let mut parts: Vec<(Millis, String)> = Vec::new();
        let first = e.appends.first();
        let off = if offset >= 0 {
            offset
        } else {
            first.map_or(-1, |a| a.offset)
        };
        let acks = match e.acks {
            Acks::None => "acks=0",
            Acks::Leader => "acks=1",
            Acks::All => "acks=all",
        };
        match first {
            Some(a) => parts.push((
                at,
                format!(
                    "acked with {acks} at {} after broker-{} appended it as offset {off} (leader epoch {})",
                    secs(at),
                    a.broker,
                    a.leader_epoch
                ),
            )),
            None => parts.push((at, format!("sent with {acks} at {}; no broker ever appended it", secs(at)))),
        }
        let appended_by = first.map(|a| a.broker);
        let hist = self.ledger.history.get(&e.tp);
        let lost_power = |t: Millis, b: BrokerId| {
            hist.is_some_and(|h| {
                h.iter().any(|x| {
                    matches!(x, HistoryEvent::PowerLoss { at, broker, .. } if *at == t && *broker == b)
                })
            })
        };
        for (t, b) in &self.ledger.broker_stops {
            if *t >= e.created_at && Some(*b) == appended_by && !lost_power(*t, *b) {
                parts.push((*t, format!("broker-{b} stopped at {}", secs(*t))));
            }
        }
        let mut power_loss = false;
        if let Some(hist) = hist {
            for h in hist {
                match h {
                    HistoryEvent::BecameLeader {
                        at: t,
                        broker,
                        epoch,
                        leo,
                        unclean,
                    } if *t >= e.created_at && Some(*broker) != appended_by => {
                        // The new leader's log ends before the offset, or (a diverged log) it
                        // held another record there, written before its election.
                        let why = if *leo <= off {
                            Some(format!("it never had offset {off}"))
                        } else {
                            self.brokers
                                .get(broker)
                                .and_then(|b| b.partitions.get(&e.tp))
                                .and_then(|p| p.log.entry_at(off))
                                .filter(|(b, x)| x.id != e.id && b.partition_leader_epoch < *epoch)
                                .map(|(b, _)| format!("its offset {off} held another record (written in leader epoch {}), which took this one's place", b.partition_leader_epoch))
                        };
                        if let Some(why) = why {
                            parts.push((
                                *t,
                                format!(
                                    "broker-{broker} became leader at {} ({} election, epoch {epoch}) with log end offset {leo}: {why}",
                                    secs(*t),
                                    if *unclean { "unclean" } else { "clean" }
                                ),
                            ));
                        }
                    }
                    HistoryEvent::Truncated {
                        at: t,
                        broker,
                        to_offset,
                        ..
                    } if *t >= e.created_at && *to_offset <= off => {
                        parts.push((*t, format!("broker-{broker} truncated its log to offset {to_offset} at {}, deleting offset {off}", secs(*t))));
                    }
                    HistoryEvent::PowerLoss {
                        at: t,
                        broker,
                        to_offset,
                        ..
                    } if *t >= e.created_at && *to_offset <= off => {
                        parts.push((*t, format!("broker-{broker} lost power at {}, when its disk held offsets below {to_offset} only", secs(*t))));
                        power_loss = true;
                    }
                    _ => {}
                }
            }
        }
        parts.sort_by_key_shared(|(t, _)| *t);
        if power_loss {
            parts.push((
                Millis::MAX,
                "Kafka does not fsync each write (flush.messages and flush.ms are unset by default): a broker's disk holds what it flushed at a segment roll and what the OS wrote back, about 30 s after the write".into(),
            ));
        }
        parts
            .into_iter()
            .map(|(_, s)| s)
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn metrics(&self) -> Metrics {
        let mut m = Metrics {
            active_controller_count: u32::from(self.controller.alive),
            under_replicated_partitions: 0,
            offline_partitions_count: 0,
            under_min_isr_partition_count: 0,
            isr_shrinks: 0,
            isr_expands: 0,
        };
        // min.insync.replicas per topic, resolved once (not once per partition).
        let mut min_isr: Vec<(crate::types::TopicId, i32)> = Vec::new();
        for (tp, reg) in &self.controller.image.partitions {
            if !reg.has_leader() {
                m.offline_partitions_count += 1;
                continue;
            }
            if reg.isr.len() < reg.replicas.len() {
                m.under_replicated_partitions += 1;
            }
            let min = match min_isr.iter().find(|(t, _)| *t == tp.topic) {
                Some(&(_, m)) => m,
                None => {
                    let m = self.controller.topic_settings(tp.topic).min_isr;
                    min_isr.push((tp.topic, m));
                    m
                }
            };
            if (reg.isr.len() as i32) < min.min(reg.replicas.len() as i32) {
                m.under_min_isr_partition_count += 1;
            }
        }
        for b in self.brokers.values() {
            m.isr_shrinks += b.metrics.isr_shrinks;
            m.isr_expands += b.metrics.isr_expands;
        }
        m
    }

    pub fn view(&self) -> ClusterView {
        let brokers = self
            .brokers
            .values()
            .map(|b| BrokerView {
                id: b.id,
                rack: b.rack.clone(),
                alive: b.alive,
                fenced: self.controller.is_fenced(b.id),
                isolated: self
                    .net
                    .isolated
                    .contains(&crate::types::NodeId::Broker(b.id)),
                fetchers_paused: b.fetch_paused,
                registering: b.alive && !b.registered,
                leaders: b.leader_count(),
                replicas: b.partitions.len(),
            })
            .collect();
        let topics = self
            .controller
            .image
            .topics
            .values()
            .map(|t| TopicView {
                name: t.name.clone(),
                internal: t.internal,
                replication_factor: self
                    .controller
                    .image
                    .partition(Tp::new(t.id, 0))
                    .map_or(0, |r| r.replicas.len()),
                config: t.config.overrides().clone(),
                partitions: {
                    let min_isr = self.controller.topic_settings(t.id).min_isr;
                    (0..t.partitions)
                        .map(|p| self.partition_view_with(Tp::new(t.id, p), min_isr))
                        .collect()
                },
            })
            .collect();
        let mut producers = Vec::new();
        let mut consumers = Vec::new();
        for (i, c) in self.clients.iter().enumerate() {
            match c {
                Client::Producer(p) => producers.push(ProducerView {
                    id: p.name.clone(),
                    alive: p.alive,
                    acks: p.settings.acks.as_str().to_string(),
                    idempotence: p.settings.idempotence,
                    producer_id: p.producer_id,
                    producer_epoch: p.producer_epoch,
                    sent: p.stats.sent,
                    acked: p.stats.acked,
                    failed: p.stats.failed,
                    retries: p.stats.retries,
                    pending: p.pending_records(),
                    buffer_used: p.buffer_in_use() as u64,
                    buffer_memory: p.settings.buffer_memory as u64,
                    blocked: p.blocked_sends(),
                    errors: p.stats.errors.clone(),
                    last_error: p.last_error.as_ref().map(|e| ClientErrorView {
                        error: e.error.name().to_string(),
                        detail: e.detail.clone(),
                        at: e.at,
                    }),
                    config: p.config.overrides().clone(),
                    workload: self.workloads.get(&(i as u32)).map(|w| w.rate_per_sec),
                    transactional_id: p.txn.as_ref().map(|t| t.transactional_id.clone()),
                    txn_state: p.txn.as_ref().map(|t| t.phase.name()),
                    // `send` once a record was sent after beginTransaction.
                    txn_last_call: p.txn.as_ref().map(|t| {
                        if t.last_call == "beginTransaction" && !t.record_ids.is_empty() {
                            "send".to_string()
                        } else {
                            t.last_call.clone()
                        }
                    }),
                    txns_committed: p.txn.as_ref().map_or(0, |t| t.committed),
                    txns_aborted: p.txn.as_ref().map_or(0, |t| t.aborted),
                    sequences: p
                        .next_sequence
                        .iter()
                        .map(|(tp, s)| (format!("{}-{}", self.tp_name(*tp), tp.partition), *s))
                        .collect(),
                }),
                Client::ShareConsumer(_) => {}
                Client::Consumer(c) => consumers.push(ConsumerView {
                    id: c.name.clone(),
                    alive: c.alive,
                    group: c.group.clone(),
                    topics: c.topics.clone(),
                    isolation: match c.settings.isolation {
                        crate::message::Isolation::Committed => "read_committed".into(),
                        _ => "read_uncommitted".into(),
                    },
                    assignment: c
                        .assignment
                        .iter()
                        .map(|tp| {
                            let pos = c.position(*tp);
                            let upper = self.leader_log(*tp).map(|l| {
                                if c.settings.isolation == crate::message::Isolation::Committed {
                                    l.last_stable_offset()
                                } else {
                                    l.high_watermark()
                                }
                            });
                            ConsumerPartitionView {
                                topic: self.tp_name(*tp),
                                partition: tp.partition,
                                position: pos,
                                lag: match (pos, upper) {
                                    (Some(p), Some(u)) => Some((u - p).max(0)),
                                    _ => None,
                                },
                            }
                        })
                        .collect(),
                    consumed: c.delivered_total,
                    aborted_reads: self.aborted_reads(&c.name),
                    // Classic membership, or the KIP-848 one (its member epoch as generation).
                    member_state: match &c.consumer_membership {
                        Some(m) => Some(format!("{:?}", m.state)),
                        None => c.membership.as_ref().map(|m| format!("{:?}", m.state)),
                    },
                    member_id: match &c.consumer_membership {
                        Some(m) => Some(m.member_id.clone()),
                        None => c.membership.as_ref().map(|m| m.member_id.clone()),
                    }
                    .filter(|s| !s.is_empty()),
                    generation: match &c.consumer_membership {
                        Some(m) => Some(m.member_epoch),
                        None => c.membership.as_ref().map(|m| m.generation),
                    },
                    commit_mode: c.commit_mode.name().to_string(),
                    processing_ms: c.processing_ms,
                    errors: c.stats.errors.clone(),
                    last_error: c.last_error.as_ref().map(|e| ClientErrorView {
                        error: e.error.name().to_string(),
                        detail: e.detail.clone(),
                        at: e.at,
                    }),
                }),
            }
        }
        ClusterView {
            now: self.now(),
            wall_ms: self.wall_clock(),
            seed: self.seed,
            brokers,
            topics,
            producers,
            consumers,
            groups: self.groups(),
            processors: self
                .processors
                .iter()
                .map(|p| ProcessorView {
                    id: p.id.clone(),
                    input: p.input.clone(),
                    output: p.output.clone(),
                    group: p.group.clone(),
                    guarantee: p.guarantee.name().to_string(),
                    alive: p.alive,
                    step: format!("{:?}", p.step)
                        .split(' ')
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                    last_action: p.last_action.clone(),
                    batches: p.batches,
                    crashes: p.crashes,
                    consumer: p.consumer.clone(),
                    producer: p.producer.clone(),
                    check: self.pipeline_check(&p.id),
                })
                .collect(),
            in_flight: self.in_flight(),
            metrics: self.metrics(),
            queues: self.queue_views(),
            projections: self.projection_views(),
            share_groups: self.share_groups(),
            share_consumers: self.share_consumers(),
        }
    }

    pub fn projection_views(&self) -> Vec<ProjectionView> {
        self.projections
            .iter()
            .map(|p| {
                let parts = self
                    .topic_id(&p.topic)
                    .and_then(|t| self.controller.image.topics.get(&t))
                    .map_or(0, |t| t.partitions);
                let behind = (0..parts)
                    .map(|part| {
                        let hw = self
                            .tp(&p.topic, part)
                            .ok()
                            .and_then(|tp| self.leader_log(tp))
                            .map_or(0, |l| l.high_watermark());
                        let start = self
                            .tp(&p.topic, part)
                            .ok()
                            .and_then(|tp| self.leader_log(tp))
                            .map_or(0, |l| l.log_start_offset());
                        (hw - p.positions.get(&part).copied().unwrap_or(start)).max(0)
                    })
                    .sum();
                ProjectionView {
                    id: p.id.clone(),
                    topic: p.topic.clone(),
                    fold: p.fold.name().to_string(),
                    as_of: p.as_of,
                    consumer: p.consumer.clone(),
                    rebuilds: p.rebuilds,
                    state: p.state.clone(),
                    applied: p.applied,
                    skipped: p.skipped,
                    behind,
                }
            })
            .collect()
    }

    pub fn queue_views(&self) -> Vec<QueueView> {
        self.queues
            .values()
            .map(|q| QueueView {
                name: q.name.clone(),
                visibility_timeout_ms: q.visibility_timeout_ms,
                count: q.messages.len(),
                messages: q
                    .messages
                    .iter()
                    .take(QUEUE_VIEW_CAP)
                    .map(|m| QueueMessageView {
                        id: m.id,
                        key: m.key.clone(),
                        body: m.body.clone(),
                        receive_count: m.receive_count,
                        invisible_until: m.invisible_until,
                        holder: m.holder.clone(),
                    })
                    .collect(),
                sent: q.sent,
                deleted: q.deleted,
                redelivered: q.redelivered,
                consumers: self
                    .queue_consumers
                    .iter()
                    .filter(|c| c.queue == q.name)
                    .map(|c| QueueConsumerView {
                        id: c.id.clone(),
                        alive: c.alive,
                        auto_ack: c.auto_ack,
                        holding: c.current.map(|(m, _)| m),
                        processed: c.processed,
                    })
                    .collect(),
            })
            .collect()
    }

    /// Every consumer group with its coordinator's view of it.
    pub fn groups(&self) -> Vec<GroupView> {
        let mut names: Vec<String> = self
            .clients
            .iter()
            .filter_map(|c| match c {
                Client::Consumer(k) => k.group.clone(),
                _ => None,
            })
            .collect();
        for b in self.brokers.values() {
            names.extend(b.groups.groups.keys().cloned());
            names.extend(b.groups.consumer.groups.keys().cloned());
        }
        names.sort_shared();
        names.dedup();
        names
            .into_iter()
            .filter_map(|g| self.group_view(&g))
            .collect()
    }

    pub fn group_view(&self, group: &str) -> Option<GroupView> {
        // A group id is a KIP-848 consumer group or a classic group.
        let no_offsets = VecMap::new();
        let (coordinator, head, offsets) = match self.consumer_group_coordinator(group) {
            Some((coordinator, cg)) => {
                // Its committed offsets are kept apart from it (see consumer_group.rs).
                let offsets = self
                    .group_coordinator(group)
                    .map_or(&no_offsets, |(_, g)| &g.offsets);
                (coordinator, self.consumer_group_head(cg), offsets)
            }
            None => {
                let (coordinator, g) = self.group_coordinator(group)?;
                let mut members: Vec<GroupMemberView> = g
                    .members
                    .iter()
                    .map(|m| GroupMemberView {
                        member_id: m.member_id.clone(),
                        client: m.client_id.clone(),
                        instance_id: m.instance_id.clone(),
                        assignment: self.pairs(m.assignment.iter()),
                        member_epoch: None,
                        member_state: None,
                        revoking: Vec::new(),
                        target: None,
                    })
                    .collect();
                members.sort_by_shared(|a, b| a.member_id.cmp(&b.member_id));
                let head = GroupHead {
                    state: g.state.name().to_string(),
                    generation: g.generation,
                    protocol: "classic",
                    assignor: g.protocol.clone(),
                    leader: g.leader.clone(),
                    assignment_epoch: None,
                    members,
                };
                (coordinator, head, &g.offsets)
            }
        };
        let mut committed = Vec::with_capacity(offsets.len());
        let mut skipped = 0u64;
        let processed_map = self.ledger.processed.get(group);
        // The topic of the previous committed offset: they come sorted by topic, so each
        // topic is looked up by name once.
        let mut topic: LastTopic = None;
        for (tp, c) in offsets {
            let (record, name) = match &topic {
                Some((n, r, a)) if *n == tp.topic.as_str() => (*r, a.clone()),
                _ => {
                    let r = self
                        .controller
                        .image
                        .topic_by_name(&tp.topic)
                        .map(|t| (t.id, t.partitions));
                    let a = r
                        .and_then(|(id, _)| self.topic_names().get(id as usize).cloned())
                        .unwrap_or_else(|| Arc::from(tp.topic.as_str()));
                    topic = Some((tp.topic.as_str(), r, a.clone()));
                    (r, a)
                }
            };
            // The partition and its leader's log, looked up once per committed offset (a
            // group reading 100 partitions is 100 of them on every frame of the page).
            let id = record
                .filter(|(_, n)| (0..*n).contains(&tp.partition))
                .map(|(t, _)| Tp::new(t, tp.partition));
            let log = id.and_then(|t| self.leader_log(t));
            let hw = log.map_or(c.offset, |l| l.high_watermark());
            let lag_ms = log
                .filter(|l| c.offset < l.high_watermark())
                .and_then(|l| l.timestamp_at(c.offset.max(l.log_start_offset())))
                // Record timestamps are wall-clock time, which fast-forwards move on.
                .map_or(0, |ts| self.wall_clock().saturating_sub(ts.max(0) as u64));
            committed.push(CommittedView {
                topic: name,
                partition: tp.partition,
                offset: c.offset,
                lag: (hw - c.offset).max(0),
                lag_ms,
            });
            if let Some(t) = id {
                skipped += self.skipped_below(group, t, c.offset, processed_map);
            }
        }
        let (processed, duplicates) = processed_map.map_or((0, 0), |m| (m.len(), m.repeats()));
        let lag = committed.iter().map(|c| c.lag).sum();
        let lag_ms = committed.iter().map(|c| c.lag_ms).max().unwrap_or(0);
        Some(GroupView {
            group: group.to_string(),
            coordinator,
            state: head.state,
            generation: head.generation,
            protocol: head.protocol.into(),
            assignor: head.assignor,
            leader: head.leader,
            assignment_epoch: head.assignment_epoch,
            members: head.members,
            committed,
            lag,
            lag_ms,
            processed,
            duplicates,
            skipped,
        })
    }

    /// The coordinator's view of a KIP-848 consumer group: state, group epoch, server
    /// assignor, and each member's epoch, state, assignment and target.
    fn consumer_group_head(&self, g: &crate::consumer_group::ConsumerGroup) -> GroupHead {
        let mut members: Vec<GroupMemberView> = g
            .members
            .iter()
            .map(|m| {
                // The coordinator does not know client names: find the consumer by member id.
                let client = self
                    .clients
                    .iter()
                    .find_map(|c| match c {
                        Client::Consumer(k)
                            if k.consumer_membership
                                .as_ref()
                                .is_some_and(|cm| cm.member_id == m.member_id) =>
                        {
                            Some(k.name.clone())
                        }
                        _ => None,
                    })
                    .unwrap_or_default();
                GroupMemberView {
                    member_id: m.member_id.clone(),
                    client,
                    instance_id: m.metadata.instance_id.clone(),
                    assignment: self.pairs(m.assignment.assigned.iter()),
                    member_epoch: Some(m.assignment.member_epoch),
                    member_state: Some(m.assignment.state.name().to_string()),
                    revoking: self.pairs(m.assignment.pending_revocation.iter()),
                    target: Some(self.pairs(g.target.get(&m.member_id).into_iter().flatten())),
                }
            })
            .collect();
        members.sort_by_shared(|a, b| a.member_id.cmp(&b.member_id));
        GroupHead {
            state: g.state.name().to_string(),
            generation: g.group_epoch,
            protocol: "consumer",
            assignor: Some(g.assignor().name().to_string()),
            leader: None,
            assignment_epoch: Some(g.assignment_epoch),
            members,
        }
    }

    pub fn partition_view(&self, tp: Tp) -> PartitionView {
        self.partition_view_with(tp, self.controller.topic_settings(tp.topic).min_isr)
    }

    /// `partition_view` with the topic's `min.insync.replicas` already resolved.
    fn partition_view_with(&self, tp: Tp, min_isr: i32) -> PartitionView {
        let reg = self.controller.image.partition(tp).cloned();
        let (leader, epoch, isr, replicas) = match &reg {
            Some(r) => (
                if r.leader >= 0 { Some(r.leader) } else { None },
                r.leader_epoch,
                r.isr.clone(),
                r.replicas.clone(),
            ),
            None => (None, -1, vec![], vec![]),
        };
        let replica_views: Vec<ReplicaView> = replicas
            .iter()
            .map(|b| {
                let broker = self.brokers.get(b);
                let part = broker.and_then(|x| x.partitions.get(&tp));
                ReplicaView {
                    broker: *b,
                    role: match part.map(|p| p.role) {
                        Some(Role::Leader) => "leader".into(),
                        Some(Role::Follower) => "follower".into(),
                        _ => "offline".into(),
                    },
                    leo: part.map_or(0, |p| p.log.log_end_offset()),
                    hw: part.map_or(0, |p| p.log.high_watermark()),
                    log_start: part.map_or(0, |p| p.log.log_start_offset()),
                    online: broker.is_some_and(|x| x.alive),
                    in_isr: isr.contains(b),
                }
            })
            .collect();
        let log = self.leader_log(tp);
        PartitionView {
            partition: tp.partition,
            leader,
            leader_epoch: epoch,
            isr: isr.clone(),
            under_replicated: leader.is_some() && isr.len() < replicas.len(),
            under_min_isr: leader.is_some()
                && (isr.len() as i32) < min_isr.min(replicas.len() as i32),
            replicas: replica_views,
            log_start_offset: log.map_or(0, |l| l.log_start_offset()),
            log_end_offset: log.map_or(0, |l| l.log_end_offset()),
            high_watermark: log.map_or(0, |l| l.high_watermark()),
            last_stable_offset: log.map_or(0, |l| l.last_stable_offset()),
            segments: log.map_or_else(Vec::new, |l| {
                let n = l.segments().len();
                l.segments()
                    .iter()
                    .enumerate()
                    .map(|(i, s)| SegmentView {
                        base_offset: s.base_offset,
                        next_offset: s.next_offset,
                        records: s.record_count(),
                        bytes: s.size_bytes,
                        active: i + 1 == n,
                        compacted_away: s.compacted_away,
                        max_timestamp: (s.record_count() > 0).then_some(s.max_timestamp),
                    })
                    .collect()
            }),
        }
    }

    /// Records of one replica's log (the leader's when `broker` is `None`), from `from`, at most `limit`.
    pub fn records(
        &self,
        topic: &str,
        partition: i32,
        broker: Option<BrokerId>,
        from: i64,
        limit: usize,
    ) -> Vec<RecordView> {
        let Ok(tp) = self.tp(topic, partition) else {
            return Vec::new();
        };
        let log = match broker {
            Some(b) => self
                .brokers
                .get(&b)
                .and_then(|x| x.partitions.get(&tp))
                .map(|p| &p.log),
            None => self.leader_log(tp).or_else(|| {
                // Offline: show the most complete replica.
                self.brokers
                    .values()
                    .filter_map(|b| b.partitions.get(&tp))
                    .max_by_key(|p| p.log.log_end_offset())
                    .map(|p| &p.log)
            }),
        };
        let Some(log) = log else { return Vec::new() };
        let mut out = Vec::new();
        for chunk in log.chunks() {
            if chunk.last_offset().is_some_and(|l| l < from) {
                continue;
            }
            for (b, e) in chunk.iter() {
                if e.offset < from {
                    continue;
                }
                if out.len() >= limit {
                    return out;
                }
                let r = chunk.record(e);
                out.push(RecordView {
                    offset: e.offset,
                    timestamp: e.timestamp,
                    key: r.key.map(|k| String::from_utf8_lossy(&k).into_owned()),
                    value: r.value.map(|v| String::from_utf8_lossy(&v).into_owned()),
                    id: e.id,
                    control: b.control.map(|c| format!("{c:?}").to_uppercase()),
                    transactional: b.is_transactional,
                    producer_id: b.producer_id,
                });
            }
        }
        out
    }
}

/// The group-type specific part of a [`GroupView`].
struct GroupHead {
    state: String,
    generation: i32,
    protocol: &'static str,
    assignor: Option<String>,
    leader: Option<String>,
    assignment_epoch: Option<i32>,
    members: Vec<GroupMemberView>,
}

/// The topic a loop saw last: its name, its id and partition count (if it exists), and the
/// cluster's shared copy of the name.
type LastTopic<'a> = Option<(&'a str, Option<(u32, i32)>, Arc<str>)>;

impl Cluster {
    /// Sorted (topic, partition) pairs, the names shared with the cluster's.
    fn pairs<'a>(
        &self,
        tps: impl Iterator<Item = &'a crate::assignor::TopicPartition>,
    ) -> Vec<(Arc<str>, i32)> {
        let mut last: Option<(&str, Arc<str>)> = None;
        let mut v: Vec<(Arc<str>, i32)> = tps
            .map(|tp| {
                // Members' partitions come sorted by topic: look each name up once per run.
                let name = match &last {
                    Some((n, a)) if *n == tp.topic.as_str() => a.clone(),
                    _ => {
                        let a = self.topic_arc(&tp.topic);
                        last = Some((tp.topic.as_str(), a.clone()));
                        a
                    }
                };
                (name, tp.partition)
            })
            .collect();
        v.sort_shared();
        v
    }

    /// The cluster's shared copy of a topic's name (a new one for a topic it does not know).
    fn topic_arc(&self, name: &str) -> Arc<str> {
        self.topic_id(name)
            .and_then(|id| self.topic_names().get(id as usize))
            .cloned()
            .unwrap_or_else(|| Arc::from(name))
    }
}
