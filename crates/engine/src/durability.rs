//! [`Cluster::durability`]: the durability ledger checked against the current leaders' logs,
//! kept up to date incrementally, so that a page can show it on every frame of a session
//! with millions of records.
//!
//! A full scan ([`Cluster::durability_where`]) judges every ledger entry against its
//! partition's leader log. Almost every entry's standing is *settled*: once a record is
//! acknowledged and below the high watermark (or failed, expired, lost with a copy once
//! written, or acknowledged while its partition has no leader), it only changes when the
//! partition's leader log is rewritten — a new leader or leader epoch, truncation, retention,
//! compaction, a broker restart — or when another copy of it is appended. The scan keeps the
//! sum of the settled entries, rejudges only the unsettled ones (unanswered, above the high
//! watermark, acknowledged without ever being appended), reads only entries created since
//! the last call, and starts over when a [`Stamp`] says any of the rare changes happened.
//! The fuzz checker compares it with the full scan at every audit
//! ([`crate::invariants::LEDGER_SUMMARY`]).

use crate::cluster::Cluster;
use crate::ledger::LedgerEntry;
use crate::record::RecordId;
use crate::types::{BrokerId, Tp};
use crate::view::{Durability, Kind, LostRecord, LOST_LIST_CAP};

/// What [`Cluster::durability`] remembers between calls (kept in the cluster, so that a
/// snapshot carries the scan that matches it).
#[derive(Debug, Clone, Default)]
pub(crate) struct DurabilityScan {
    /// What the settled entries were judged against.
    stamp: Option<Stamp>,
    /// Entries with ids up to here have been read.
    scanned: RecordId,
    /// How many of the ledger's late ids have been read.
    late_seen: usize,
    /// The settled entries' sum, with the first [`LOST_LIST_CAP`] lost ones by id.
    settled: Durability,
    /// Entries whose standing can still change on its own, by id.
    unsettled: Vec<RecordId>,
    /// The partition and offset of each loss in `settled.lost` (and of some that fell off
    /// it): their explanations read the replicas' logs at those offsets.
    lost_at: Vec<(Tp, i64)>,
}

/// The rare changes that can change a settled entry's standing.
#[derive(Debug, Clone, PartialEq)]
struct Stamp {
    broker_stops: usize,
    history: usize,
    rewrites: u64,
    partitions: Vec<(Tp, PartitionStamp)>,
    /// Every other replica's log start, records missing below its end (compaction) and log
    /// end: a loss's explanation reads what a past leader's log holds at the lost offset.
    followers: Vec<(Tp, BrokerId, i64, i64, i64)>,
}

/// A partition's leader and the parts of its log a settled entry was judged by.
#[derive(Debug, Clone, Copy, PartialEq)]
struct PartitionStamp {
    leader: BrokerId,
    leader_epoch: i32,
    log_start: i64,
    first_dirty: i64,
    /// Offsets below the log end without a record (compaction removed them).
    holes: i64,
    log_end: i64,
    high_watermark: i64,
}

impl Stamp {
    /// Whether entries settled under `self` are still settled under `now`: nothing was
    /// rewritten, and the leaders' logs only grew.
    fn admits(&self, now: &Stamp) -> bool {
        self.broker_stops == now.broker_stops
            && self.history == now.history
            && self.rewrites == now.rewrites
            && self.partitions.len() == now.partitions.len()
            && self
                .partitions
                .iter()
                .zip(&now.partitions)
                .all(|((t0, a), (t1, b))| {
                    t0 == t1
                        && a.leader == b.leader
                        && a.leader_epoch == b.leader_epoch
                        && a.log_start == b.log_start
                        && a.first_dirty == b.first_dirty
                        && a.holes == b.holes
                        && a.log_end <= b.log_end
                        && a.high_watermark <= b.high_watermark
                })
            && self.followers.len() == now.followers.len()
            && self
                .followers
                .iter()
                .zip(&now.followers)
                .all(|(a, b)| (a.0, a.1, a.2, a.3) == (b.0, b.1, b.2, b.3) && a.4 <= b.4)
    }

    /// Whether a log (a leader's or another replica's) grew across one of `lost`'s offsets
    /// between `self` and `now` (both admitted): a log truncated below a lost offset, then
    /// fetched back past it, holds a record there again, and the loss's explanation says so.
    fn regrew_past(&self, now: &Stamp, lost: &[(Tp, i64)]) -> bool {
        if lost.is_empty() {
            return false;
        }
        let crossed = |tp: Tp, from: i64, to: i64| {
            from < to
                && lost
                    .iter()
                    .any(|(t, off)| *t == tp && (from..to).contains(off))
        };
        self.partitions
            .iter()
            .zip(&now.partitions)
            .any(|((tp, a), (_, b))| crossed(*tp, a.log_end, b.log_end))
            || self
                .followers
                .iter()
                .zip(&now.followers)
                .any(|(a, b)| crossed(a.0, a.4, b.4))
    }
}

/// Whether a standing can change without a [`Stamp`] change.
fn settled(kind: Kind, e: &LedgerEntry) -> bool {
    match kind {
        Kind::Unanswered | Kind::AboveHw => false,
        // acks=0: acknowledged when sent; the append may still come.
        Kind::Lost => !e.appends.is_empty(),
        Kind::Failed | Kind::Unavailable | Kind::Visible | Kind::Expired => true,
    }
}

/// `lost` with `r` added in id order, keeping the first [`LOST_LIST_CAP`].
fn insert_lost(lost: &mut Vec<LostRecord>, r: LostRecord) {
    let at = lost.partition_point(|x| x.id < r.id);
    if at < LOST_LIST_CAP {
        lost.insert(at, r);
        lost.truncate(LOST_LIST_CAP);
    }
}

/// Whether a lost record with this id would make the first [`LOST_LIST_CAP`].
fn lost_fits(lost: &[LostRecord], id: RecordId) -> bool {
    lost.len() < LOST_LIST_CAP || lost.last().is_some_and(|l| id < l.id)
}

impl Durability {
    /// Add `other`'s counts (not its lost list).
    fn add_counts(&mut self, other: &Durability) {
        self.acked += other.acked;
        self.visible += other.visible;
        self.pending += other.pending;
        self.lost_acked += other.lost_acked;
        self.unavailable += other.unavailable;
        self.expired += other.expired;
        self.failed += other.failed;
        self.duplicates += other.duplicates;
    }
}

impl Cluster {
    /// The durability ledger checked against the current leaders' logs: equal to
    /// `durability_where(|_| true)`, in time proportional to the records created and the
    /// records still in flight since the last call (see the module documentation).
    pub fn durability(&self) -> Durability {
        let stamp = self.durability_stamp();
        let mut guard = self.durability_scan.borrow_mut();
        let scan = &mut *guard;
        let last = self.ledger.last_id();
        if !scan
            .stamp
            .as_ref()
            .is_some_and(|s| s.admits(&stamp) && !s.regrew_past(&stamp, &scan.lost_at))
            || last < scan.scanned
        {
            *scan = DurabilityScan::default();
        }
        scan.stamp = Some(stamp);
        // Gaps filled since the last call, below where it read to.
        let late = self.ledger.late_ids();
        for &id in late.get(scan.late_seen..).unwrap_or_default() {
            if id <= scan.scanned {
                scan.unsettled.push(id);
            }
        }
        scan.late_seen = late.len();
        let old = std::mem::take(&mut scan.unsettled);
        let fresh = self.ledger.entries_from(scan.scanned + 1);
        let entries = old
            .into_iter()
            .filter_map(|id| self.ledger.get(id))
            .chain(fresh);
        let mut open = Durability::default();
        let mut open_lost: Vec<LedgerEntry> = Vec::new();
        for e in entries {
            let s = self.standing(&e);
            if settled(s.kind, &e) {
                s.add_to(&mut scan.settled);
                if s.kind == Kind::Lost && lost_fits(&scan.settled.lost, e.id) {
                    insert_lost(&mut scan.settled.lost, self.lost_record(&e));
                    scan.lost_at.push((e.tp, e.reported_offset()));
                }
            } else {
                s.add_to(&mut open);
                if s.kind == Kind::Lost {
                    open_lost.push(e.clone());
                }
                scan.unsettled.push(e.id);
            }
        }
        scan.scanned = last;
        let mut d = Durability {
            lost: scan.settled.lost.clone(),
            ..Durability::default()
        };
        d.add_counts(&scan.settled);
        d.add_counts(&open);
        for e in &open_lost {
            if lost_fits(&d.lost, e.id) {
                insert_lost(&mut d.lost, self.lost_record(e));
            }
        }
        d
    }

    /// The full scan [`Cluster::durability`] keeps up to date (for checking it).
    pub fn durability_full(&self) -> Durability {
        self.durability_where(|_| true)
    }

    /// A broker restarted: its logs may have been rewritten.
    pub(crate) fn durability_broker_started(&mut self) {
        self.durability_scan.get_mut().stamp = None;
    }

    fn durability_stamp(&self) -> Stamp {
        let partitions = self
            .controller
            .image
            .partitions
            .iter()
            .map(|(tp, reg)| {
                let log = self
                    .brokers
                    .get(&reg.leader)
                    .and_then(|b| b.partitions.get(tp))
                    .map(|p| &p.log);
                let stamp = match log {
                    Some(log) => PartitionStamp {
                        leader: reg.leader,
                        leader_epoch: reg.leader_epoch,
                        log_start: log.log_start_offset(),
                        first_dirty: log.first_dirty_offset,
                        holes: log.log_end_offset()
                            - log.log_start_offset()
                            - log.record_count() as i64,
                        log_end: log.log_end_offset(),
                        high_watermark: log.high_watermark(),
                    },
                    None => PartitionStamp {
                        leader: reg.leader,
                        leader_epoch: reg.leader_epoch,
                        log_start: -1,
                        first_dirty: -1,
                        holes: -1,
                        log_end: -1,
                        high_watermark: -1,
                    },
                };
                (*tp, stamp)
            })
            .collect();
        let mut followers = Vec::new();
        for (tp, reg) in &self.controller.image.partitions {
            for &r in reg.replicas.iter().filter(|r| **r != reg.leader) {
                let (start, holes, end) = self
                    .brokers
                    .get(&r)
                    .and_then(|b| b.partitions.get(tp))
                    .map_or((-1, -1, -1), |p| {
                        let log = &p.log;
                        let (start, end) = (log.log_start_offset(), log.log_end_offset());
                        (start, end - start - log.record_count() as i64, end)
                    });
                followers.push((*tp, r, start, holes, end));
            }
        }
        Stamp {
            broker_stops: self.ledger.broker_stops.len(),
            history: self.ledger.history.values().map(Vec::len).sum(),
            rewrites: self.ledger.rewrites(),
            partitions,
            followers,
        }
    }
}
