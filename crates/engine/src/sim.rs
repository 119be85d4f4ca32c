//! The contract between the event loop and the nodes: a node handles one message or timer
//! at a time and records its effects (messages to send, timers to set, trace events) in a
//! [`Ctx`]. Nodes never see the cluster, the clock or the network directly.

use crate::ledger::Ledger;
use crate::message::Message;
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
