//! The contract between the event loop and the nodes: a node handles one message or timer
//! at a time and records its effects (messages to send, timers to set, trace events) in a
//! [`Ctx`]. Nodes never see the cluster, the clock or the network directly.

use crate::ledger::Ledger;
use crate::message::{FetchPartitionData, Message};
use crate::record::Records;
use crate::trace::{Trace, TraceKind};
use crate::types::{BrokerId, Millis, NodeId, Tp};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// Timers a node can set. A timer fires on the node that set it, unless the node restarted
/// since (timers carry the node's incarnation).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Timer {
    // controller
    ControllerTick,
    // broker
    BrokerHeartbeat,
    /// Registration again after the controller refused it (`BrokerLifecycleManager`'s backoff).
    BrokerRegistrationRetry,
    IsrExpiration,
    FetcherBackoff(BrokerId),
    FetcherRequestTimeout {
        leader: BrokerId,
        corr: u64,
    },
    DelayedFetchExpire(u64),
    DelayedProduceExpire(u64),
    RetentionCheck,
    GroupTick,
    TxnTick,
    LogCleaner,
    GroupJoin(String),
    /// KIP-932: a share-partition acquisition lock may have expired.
    ShareLockTimeout,
    /// KIP-932: a parked `ShareFetch` waited `max_wait_ms`.
    DelayedShareFetchExpire(u64),
    // clients
    ClientWake,
    RequestTimeout(u64),
    MetadataBackoff,
    AutoCommit,
    Heartbeat,
    PollDone,
    /// A broker's log flusher (`kafka-log-flusher`, every `log.flush.scheduler.interval.ms`).
    LogFlusher,
}

impl Timer {
    /// Timers that usually do not fire: a request's timeout (its response cancels it), a
    /// delayed operation's expiry (its completion cancels it, [`Ctx::cancel_timer`]), and a
    /// client's wake-up once an earlier one is asked for (`client::Waker`). The event loop
    /// takes a cancelled one off its queue; a node has at most one pending of each.
    pub fn cancellable(&self) -> bool {
        matches!(
            self,
            Timer::RequestTimeout(_)
                | Timer::FetcherRequestTimeout { .. }
                | Timer::DelayedFetchExpire(_)
                | Timer::DelayedProduceExpire(_)
                | Timer::ClientWake
        )
    }
}

/// What a handler did.
pub struct Ctx<'a> {
    /// Simulated time: timers, timeouts, liveness.
    pub now: Millis,
    /// The wall clock: `now` plus all fast-forwards (`advance_time`). Record timestamps and
    /// the rules that compare against them (segment rolling, retention, compaction lag,
    /// tombstone retention) and transaction timeouts read it, so data ages across a
    /// fast-forward while heartbeats and fetches, which a healthy idle cluster keeps making,
    /// are not simulated one by one.
    pub wall: Millis,
    pub me: NodeId,
    pub rng: &'a mut ChaCha8Rng,
    pub trace: &'a mut Trace,
    pub ledger: &'a mut Ledger,
    pub(crate) out: &'a mut Vec<(NodeId, NodeId, Message)>,
    pub(crate) timers: &'a mut Vec<(NodeId, Millis, Timer)>,
    pub(crate) cancels: &'a mut Vec<(NodeId, Timer)>,
    /// Topic names by id, for trace events.
    pub topic_names: &'a [std::sync::Arc<str>],
    /// Fetch responses already read, emptied, for the next reads.
    pub(crate) spare: &'a mut Spare,
}

/// Fetch responses that their readers (consumers, followers) have handed back, emptied, so
/// that a broker's next read fills their vectors instead of allocating new ones: a response's
/// partitions and each partition's batch headers, entry blocks and arenas were a fifth of the
/// standard workload's allocations, each freed by its reader and allocated again by the next
/// read. What is kept never shows: the sets hold nothing (their entries and bytes were let
/// go), and a cloned cluster starts with none.
#[derive(Default)]
pub struct Spare {
    responses: Scratch<FetchPartitionData, { Spare::KEEP }>,
    records: Vec<Records>,
}

impl Spare {
    /// At most this many of each are kept.
    const KEEP: usize = 256;
    /// Sets with room for more batch headers than this are not kept (a follower catching up
    /// reads hundreds at once; the steady state, a few).
    const MAX_ROOM: usize = 64;

    /// An empty response with room for `n` partitions.
    pub fn response(&mut self, n: usize) -> Vec<FetchPartitionData> {
        self.responses.take(n)
    }

    /// An empty set of records, to read into ([`crate::log::Log::read_into`]).
    pub fn records(&mut self) -> Records {
        self.records.pop().unwrap_or_default()
    }

    /// A response its reader is done with.
    pub fn give_back(&mut self, mut parts: Vec<FetchPartitionData>) {
        // Only the records are taken out; each partition's data is dropped where it lies
        // (moving every one out to drop it was a copy per partition read).
        for pd in &mut parts {
            if self.records.len() < Self::KEEP && (1..=Self::MAX_ROOM).contains(&pd.records.room())
            {
                let mut r = std::mem::take(&mut pd.records);
                r.clear();
                self.records.push(r);
            }
        }
        self.responses.give(parts);
    }
}

/// Emptied vectors a node keeps to fill again, at most `KEEP` of them: not part of its state
/// (equal, cloned empty, not shown).
pub struct Scratch<T, const KEEP: usize = 16>(Vec<Vec<T>>);

impl<T, const KEEP: usize> Scratch<T, KEEP> {
    /// An empty vector with room for `n`.
    pub fn take(&mut self, n: usize) -> Vec<T> {
        match self.0.pop() {
            Some(mut v) => {
                v.reserve(n);
                v
            }
            None => Vec::with_capacity(n),
        }
    }

    /// A vector its user is done with.
    pub fn give(&mut self, mut v: Vec<T>) {
        if v.capacity() > 0 && self.0.len() < KEEP {
            v.clear();
            self.0.push(v);
        }
    }
}

impl<T, const KEEP: usize> Default for Scratch<T, KEEP> {
    fn default() -> Self {
        Scratch(Vec::new())
    }
}

impl<T, const KEEP: usize> Clone for Scratch<T, KEEP> {
    fn clone(&self) -> Self {
        Scratch::default()
    }
}

impl<T, const KEEP: usize> PartialEq for Scratch<T, KEEP> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<T, const KEEP: usize> std::fmt::Debug for Scratch<T, KEEP> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Scratch")
    }
}

impl Clone for Spare {
    fn clone(&self) -> Self {
        Spare::default()
    }
}

impl std::fmt::Debug for Spare {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Spare")
    }
}

impl Ctx<'_> {
    pub fn send(&mut self, to: NodeId, msg: Message) {
        self.out.push((self.me, to, msg));
    }
    pub fn set_timer(&mut self, delay: Millis, timer: Timer) {
        self.timers.push((self.me, self.now + delay, timer));
    }
    /// Cancel a pending cancellable timer of this node ([`Timer::cancellable`]); a response
    /// cancels its request's timeout by itself.
    pub fn cancel_timer(&mut self, timer: Timer) {
        self.cancels.push((self.me, timer));
    }
    pub fn emit(&mut self, kind: TraceKind) {
        self.trace.push(self.now, kind);
    }
    /// The topic's name for a trace event (no allocation for a short name).
    /// `tp`'s topic name for a trace event (see [`Ctx::topic_name`]).
    pub fn topic_str(&self, tp: Tp) -> crate::trace::Str {
        match self.topic_names.get(tp.topic as usize) {
            Some(name) => (**name).into(),
            None => self.topic_name(tp).into(),
        }
    }
    /// `tp`'s topic name, or `topic-N` for an id the cluster has not named (yet).
    pub fn topic_name(&self, tp: Tp) -> String {
        self.topic_names
            .get(tp.topic as usize)
            .map(|n| n.to_string())
            .unwrap_or_else(|| format!("topic-{}", tp.topic))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Tp;

    fn part(records: Records) -> FetchPartitionData {
        FetchPartitionData {
            tp: Tp {
                topic: 0,
                partition: 0,
            },
            error: None,
            high_watermark: 0,
            last_stable_offset: 0,
            log_start_offset: 0,
            diverging_epoch: None,
            aborted: Vec::new(),
            records,
        }
    }

    /// A response handed back gives its sets, emptied, to the next reads: only those with
    /// some room and not too much, and never more than `KEEP`.
    #[test]
    fn spare_keeps_emptied_sets_with_room() {
        let rec = crate::record::NewRecord {
            key: Some(b"k".to_vec()),
            value: Some(b"v".to_vec()),
            headers: Vec::new(),
            timestamp: 0,
            id: 1,
        };
        let full = Records::single_batch(&[rec], crate::record::ProducerStamp::NONE);
        assert!(full.room() > 0);
        let mut spare = Spare::default();
        spare.give_back(vec![part(full.clone()), part(Records::new())]);
        assert_eq!(spare.records.len(), 1, "the set without room is not kept");
        let r = spare.records();
        assert!(r.is_empty() && r.room() > 0);
        assert_eq!(r.record_count(), 0);
        assert_eq!(r.size_in_bytes(), 0);
        assert!(spare.records().is_empty() && spare.records().room() == 0);
        let response = spare.response(4);
        assert!(response.is_empty() && response.capacity() >= 4);
        for _ in 0..Spare::KEEP + 5 {
            spare.give_back(vec![part(full.clone())]);
        }
        assert_eq!(spare.records.len(), Spare::KEEP);
        assert_eq!(spare.responses.0.len(), Spare::KEEP);
        assert!(spare.clone().records.is_empty(), "a clone starts with none");
        let mut big = Records::new();
        for _ in 0..=Spare::MAX_ROOM {
            big.append(&full);
        }
        assert!(big.room() > Spare::MAX_ROOM);
        let mut spare = Spare::default();
        spare.give_back(vec![part(big)]);
        assert!(
            spare.records.is_empty(),
            "a set with too much room is not kept"
        );
    }

    #[test]
    fn scratch_is_not_state() {
        let mut a: Scratch<u8> = Scratch::default();
        a.give(vec![1, 2, 3]);
        a.give(Vec::new());
        assert_eq!(a.0.len(), 1, "only a vector with room is kept");
        assert!(a == Scratch::default());
        assert!(a.clone().0.is_empty());
        let v = a.take(2);
        assert!(v.is_empty() && v.capacity() >= 3);
    }
}
