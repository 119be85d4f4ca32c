//! The transaction coordinator (`TransactionCoordinator`, `TransactionStateManager`), run by
//! the broker leading the `__transaction_state` partition of a `transactional.id`:
//! InitProducerId (epoch bumps that fence zombies), AddPartitionsToTxn, AddOffsetsToTxn,
//! EndTxn with PrepareCommit/PrepareAbort, COMMIT/ABORT markers to every partition of the
//! transaction, CompleteCommit/CompleteAbort, and aborting transactions that outlive
//! `transaction.timeout.ms` (semantics digest §5).

use crate::error::ErrorCode;
use crate::java::{string_hash_code, utils_abs};
use crate::message::Message;
use crate::types::{Millis, NodeId, Tp};
use crate::vecmap::{VecMap, VecSet};
use serde::{Deserialize, Serialize};

pub const TXN_TOPIC: &str = "__transaction_state";

/// `TransactionStateManager.partitionFor`: `Utils.abs(transactionalId.hashCode) % partitions`.
pub fn partition_for(transactional_id: &str, partitions: i32) -> i32 {
    if partitions <= 0 {
        return 0;
    }
    utils_abs(string_hash_code(transactional_id)) % partitions
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TxnState {
    Empty,
    Ongoing,
    PrepareCommit,
    PrepareAbort,
    CompleteCommit,
    CompleteAbort,
}

impl TxnState {
    pub fn name(self) -> &'static str {
        match self {
            TxnState::Empty => "Empty",
            TxnState::Ongoing => "Ongoing",
            TxnState::PrepareCommit => "PrepareCommit",
            TxnState::PrepareAbort => "PrepareAbort",
            TxnState::CompleteCommit => "CompleteCommit",
            TxnState::CompleteAbort => "CompleteAbort",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TxnMetadata {
    pub transactional_id: String,
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub state: TxnState,
    pub partitions: VecSet<Tp>,
    pub timeout_ms: i64,
    pub start_ms: Millis,
    /// Partitions whose marker has not been acknowledged yet.
    pub pending_markers: VecSet<Tp>,
    /// A marker request is in flight for these partitions.
    pub markers_in_flight: VecSet<Tp>,
}

/// What the broker must do for the transaction coordinator.
#[derive(Debug, Clone, PartialEq)]
pub enum TxnEffect {
    Send(NodeId, Message),
    /// Persist the transaction's state (`__transaction_state`), then continue with `then`.
    Persist {
        transactional_id: String,
        then: TxnAfter,
    },
    /// Send COMMIT/ABORT markers for the transaction's pending partitions.
    WriteMarkers {
        transactional_id: String,
    },
    Note(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TxnAfter {
    Respond(NodeId, Message),
    /// PrepareCommit/PrepareAbort is durable: answer the client (the EndTxn, or the
    /// InitProducerId that fenced an ongoing transaction; none for a timed-out transaction),
    /// then write the markers (`TransactionCoordinator.endTransaction`'s
    /// `sendTxnMarkersCallback`).
    Prepared {
        reply: Option<(NodeId, Message)>,
        transactional_id: String,
    },
    Nothing,
}

impl TxnAfter {
    /// The client request that waits for this state write, if any (its connection is reset
    /// when the broker stops).
    pub fn waiting_client(&self) -> Option<(NodeId, u64)> {
        match self {
            TxnAfter::Prepared {
                reply: Some((to, Message::EndTxnResponse { corr, .. })),
                ..
            }
            | TxnAfter::Prepared {
                reply: Some((to, Message::InitProducerIdResponse { corr, .. })),
                ..
            } => Some((*to, *corr)),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TransactionCoordinator {
    pub txns: VecMap<String, TxnMetadata>,
    /// Transactions whose latest state change is not durable yet, with their metadata from
    /// before it (Kafka's `TransactionMetadata.pendingState`: the change is appended to
    /// `__transaction_state` and only takes effect in `completeTransitionTo` once the ISR
    /// has it). While one is pending the coordinator answers CONCURRENT_TRANSACTIONS, sends
    /// no markers and times nothing out; a failed append restores the old metadata.
    #[serde(default)]
    pub transitions: VecMap<String, TxnMetadata>,
    /// Producer ids this coordinator hands out: a block per broker.
    pub pid_base: i64,
    next_pid: i64,
    pub max_timeout_ms: i64,
}

fn reply(to: NodeId, msg: Message) -> TxnEffect {
    TxnEffect::Send(to, msg)
}

impl TransactionCoordinator {
    pub fn new(pid_base: i64, max_timeout_ms: i64) -> Self {
        TransactionCoordinator {
            txns: VecMap::new(),
            transitions: VecMap::new(),
            pid_base,
            next_pid: 0,
            max_timeout_ms,
        }
    }

    /// The value written to `__transaction_state` for a transaction.
    pub fn record(&self, tid: &str) -> String {
        self.txns
            .get(tid)
            .and_then(|t| serde_json::to_string(t).ok())
            .unwrap_or_default()
    }

    /// Rebuild from `__transaction_state` (coordinator failover).
    pub fn load(&mut self, tid: &str, value: &str) {
        if let Ok(t) = serde_json::from_str::<TxnMetadata>(value) {
            self.next_pid = self.next_pid.max(t.producer_id - self.pid_base + 1);
            let mut t = t;
            t.markers_in_flight.clear();
            self.transitions.remove(tid);
            self.txns.insert(tid.to_string(), t);
        }
    }

    /// The state record of `tid`'s pending transition is replicated
    /// (`TransactionStateManager.appendTransactionToLog` → `completeTransitionTo`). False
    /// when the transition is no longer this coordinator's (its partition was unloaded or
    /// reloaded meanwhile: Kafka answers NOT_COORDINATOR).
    pub fn transition_done(&mut self, tid: &str) -> bool {
        self.transitions.remove(tid).is_some() && self.txns.contains_key(tid)
    }

    /// The state record of `tid`'s pending transition could not be written (or not
    /// replicated in time): the metadata goes back to what it was (Kafka resets
    /// `pendingState`).
    pub fn transition_failed(&mut self, tid: &str) {
        if let Some(before) = self.transitions.remove(tid) {
            if let Some(t) = self.txns.get_mut(tid) {
                *t = before;
            }
        }
    }

    /// Forget every transaction and pending transition (the broker stopped).
    pub fn clear(&mut self) {
        self.txns.clear();
        self.transitions.clear();
    }

    /// Forget every transaction (and pending transition) `keep` rejects (the coordinator
    /// resigned a `__transaction_state` partition).
    pub fn retain(&mut self, keep: impl Fn(&str) -> bool) {
        self.txns.retain(|tid, _| keep(tid));
        self.transitions.retain(|tid, _| keep(tid));
    }

    fn check_producer(t: &TxnMetadata, pid: i64, epoch: i16) -> Result<(), ErrorCode> {
        if t.producer_id != pid {
            return Err(ErrorCode::InvalidProducerIdMapping);
        }
        if epoch < t.producer_epoch {
            return Err(ErrorCode::ProducerFenced);
        }
        if epoch > t.producer_epoch {
            return Err(ErrorCode::InvalidProducerEpoch);
        }
        Ok(())
    }

    pub fn init_producer_id(
        &mut self,
        now: Millis,
        from: NodeId,
        corr: u64,
        tid: &str,
        timeout_ms: i64,
    ) -> Vec<TxnEffect> {
        let resp =
            |error: Option<ErrorCode>, pid: i64, epoch: i16| Message::InitProducerIdResponse {
                corr,
                error,
                producer_id: pid,
                producer_epoch: epoch,
            };
        if timeout_ms <= 0 || timeout_ms > self.max_timeout_ms {
            return vec![reply(
                from,
                resp(Some(ErrorCode::InvalidTransactionTimeout), -1, -1),
            )];
        }
        if self.transitions.contains_key(tid) {
            // prepareInitProducerIdTransit: a pending transition → retriable.
            return vec![reply(
                from,
                resp(Some(ErrorCode::ConcurrentTransactions), -1, -1),
            )];
        }
        match self.txns.get_mut(tid) {
            None => {
                self.next_pid += 1;
                let pid = self.pid_base + self.next_pid;
                let created = TxnMetadata {
                    transactional_id: tid.to_string(),
                    producer_id: pid,
                    producer_epoch: 0,
                    state: TxnState::Empty,
                    partitions: VecSet::new(),
                    timeout_ms,
                    start_ms: now,
                    pending_markers: VecSet::new(),
                    markers_in_flight: VecSet::new(),
                };
                // Kafka caches the new id with NO_PRODUCER_EPOCH before the append; a failed
                // append leaves it there, and the retry gets epoch 0 again.
                self.transitions.insert(
                    tid.to_string(),
                    TxnMetadata {
                        producer_epoch: -1,
                        ..created.clone()
                    },
                );
                self.txns.insert(tid.to_string(), created);
                vec![
                    TxnEffect::Note(format!(
                        "transaction coordinator: {tid} gets producer id {pid}, epoch 0"
                    )),
                    TxnEffect::Persist {
                        transactional_id: tid.to_string(),
                        then: TxnAfter::Respond(from, resp(None, pid, 0)),
                    },
                ]
            }
            Some(t) => match t.state {
                TxnState::Empty | TxnState::CompleteCommit | TxnState::CompleteAbort => {
                    self.transitions.insert(tid.to_string(), t.clone());
                    if t.producer_epoch >= i16::MAX - 1 {
                        self.next_pid += 1;
                        t.producer_id = self.pid_base + self.next_pid;
                        t.producer_epoch = 0;
                    } else {
                        t.producer_epoch += 1;
                    }
                    t.timeout_ms = timeout_ms;
                    t.state = TxnState::Empty;
                    t.partitions.clear();
                    let (pid, epoch) = (t.producer_id, t.producer_epoch);
                    vec![
                        TxnEffect::Note(format!("transaction coordinator: {tid} re-initialised: epoch bumped to {epoch}, older producers are fenced")),
                        TxnEffect::Persist { transactional_id: tid.to_string(), then: TxnAfter::Respond(from, resp(None, pid, epoch)) },
                    ]
                }
                TxnState::Ongoing => {
                    // Fence the old producer: bump the epoch and abort its transaction
                    // (PrepareEpochFence → endTransaction(ABORT, isFromClient = false)). The
                    // bumped epoch takes effect at once; PrepareAbort, and the markers, once
                    // the record is durable. The client gets CONCURRENT_TRANSACTIONS then
                    // (sendRetriableErrorCallback) and retries.
                    t.producer_epoch = t.producer_epoch.saturating_add(1);
                    self.transitions.insert(tid.to_string(), t.clone());
                    t.state = TxnState::PrepareAbort;
                    t.pending_markers = t.partitions.clone();
                    let epoch = t.producer_epoch;
                    vec![
                        TxnEffect::Note(format!("transaction coordinator: {tid} re-initialised during a transaction: aborting it with epoch {epoch} (fencing the old producer)")),
                        TxnEffect::Persist {
                            transactional_id: tid.to_string(),
                            then: TxnAfter::Prepared {
                                reply: Some((from, resp(Some(ErrorCode::ConcurrentTransactions), -1, -1))),
                                transactional_id: tid.to_string(),
                            },
                        },
                    ]
                }
                TxnState::PrepareCommit | TxnState::PrepareAbort => vec![reply(
                    from,
                    resp(Some(ErrorCode::ConcurrentTransactions), -1, -1),
                )],
            },
        }
    }

    pub fn add_partitions(
        &mut self,
        now: Millis,
        from: NodeId,
        corr: u64,
        tid: &str,
        pid: i64,
        epoch: i16,
        partitions: Vec<Tp>,
    ) -> Vec<TxnEffect> {
        let results =
            |e: Option<ErrorCode>| partitions.iter().map(|tp| (*tp, e)).collect::<Vec<_>>();
        let Some(t) = self.txns.get_mut(tid) else {
            return vec![reply(
                from,
                Message::AddPartitionsToTxnResponse {
                    corr,
                    results: results(Some(ErrorCode::InvalidProducerIdMapping)),
                },
            )];
        };
        if let Err(e) = Self::check_producer(t, pid, epoch) {
            return vec![reply(
                from,
                Message::AddPartitionsToTxnResponse {
                    corr,
                    results: results(Some(e)),
                },
            )];
        }
        if self.transitions.contains_key(tid)
            || matches!(t.state, TxnState::PrepareCommit | TxnState::PrepareAbort)
        {
            return vec![reply(
                from,
                Message::AddPartitionsToTxnResponse {
                    corr,
                    results: results(Some(ErrorCode::ConcurrentTransactions)),
                },
            )];
        }
        self.transitions.insert(tid.to_string(), t.clone());
        if t.state != TxnState::Ongoing {
            t.state = TxnState::Ongoing;
            t.start_ms = now;
            t.partitions.clear();
        }
        t.partitions.extend(partitions.iter().copied());
        vec![TxnEffect::Persist {
            transactional_id: tid.to_string(),
            then: TxnAfter::Respond(
                from,
                Message::AddPartitionsToTxnResponse {
                    corr,
                    results: results(None),
                },
            ),
        }]
    }

    pub fn end_txn(
        &mut self,
        from: NodeId,
        corr: u64,
        tid: &str,
        pid: i64,
        epoch: i16,
        commit: bool,
    ) -> Vec<TxnEffect> {
        let resp = |e: Option<ErrorCode>| Message::EndTxnResponse { corr, error: e };
        let Some(t) = self.txns.get_mut(tid) else {
            return vec![reply(from, resp(Some(ErrorCode::InvalidProducerIdMapping)))];
        };
        if let Err(e) = Self::check_producer(t, pid, epoch) {
            return vec![reply(from, resp(Some(e)))];
        }
        if self.transitions.contains_key(tid) {
            return vec![reply(from, resp(Some(ErrorCode::ConcurrentTransactions)))];
        }
        match (t.state, commit) {
            (TxnState::Ongoing, _) => {
                self.transitions.insert(tid.to_string(), t.clone());
                t.state = if commit {
                    TxnState::PrepareCommit
                } else {
                    TxnState::PrepareAbort
                };
                t.pending_markers = t.partitions.clone();
                vec![
                    TxnEffect::Note(format!(
                        "transaction coordinator: {tid} → {}",
                        t.state.name()
                    )),
                    TxnEffect::Persist {
                        transactional_id: tid.to_string(),
                        then: TxnAfter::Prepared {
                            reply: Some((from, resp(None))),
                            transactional_id: tid.to_string(),
                        },
                    },
                ]
            }
            // A retried EndTxn whose outcome is already decided.
            (TxnState::CompleteCommit | TxnState::PrepareCommit, true)
            | (TxnState::CompleteAbort | TxnState::PrepareAbort, false) => {
                if matches!(t.state, TxnState::PrepareCommit | TxnState::PrepareAbort) {
                    vec![reply(from, resp(Some(ErrorCode::ConcurrentTransactions)))]
                } else {
                    vec![reply(from, resp(None))]
                }
            }
            _ => vec![reply(from, resp(Some(ErrorCode::InvalidTxnState)))],
        }
    }

    /// A leader acknowledged markers for these partitions.
    pub fn markers_written(&mut self, tid: &str, ok: &[Tp], failed: &[Tp]) -> Vec<TxnEffect> {
        let Some(t) = self.txns.get_mut(tid) else {
            return vec![];
        };
        for tp in ok {
            t.pending_markers.remove(tp);
            t.markers_in_flight.remove(tp);
        }
        for tp in failed {
            t.markers_in_flight.remove(tp);
        }
        if t.pending_markers.is_empty()
            && matches!(t.state, TxnState::PrepareCommit | TxnState::PrepareAbort)
            && !self.transitions.contains_key(tid)
        {
            self.transitions.insert(tid.to_string(), t.clone());
            t.state = if t.state == TxnState::PrepareCommit {
                TxnState::CompleteCommit
            } else {
                TxnState::CompleteAbort
            };
            t.partitions.clear();
            return vec![
                TxnEffect::Note(format!(
                    "transaction coordinator: {tid} → {} (markers written)",
                    t.state.name()
                )),
                TxnEffect::Persist {
                    transactional_id: tid.to_string(),
                    then: TxnAfter::Nothing,
                },
            ];
        }
        vec![]
    }

    /// Periodic work: abort transactions open longer than their timeout (with an epoch bump,
    /// which fences the producer), and retry markers that are still pending.
    /// Only the transactions `mine` accepts (whose `__transaction_state` partition this broker
    /// leads) are looked at. Transactions with a pending transition are left alone
    /// (`timedOutTransactions` skips `pendingTransitionInProgress`; markers go out only once
    /// PrepareCommit/PrepareAbort is durable).
    pub fn tick(&mut self, now: Millis, mine: impl Fn(&str) -> bool) -> Vec<TxnEffect> {
        let mut fx = Vec::new();
        let mut complete = Vec::new();
        for (tid, t) in self.txns.iter_mut() {
            if !mine(tid) || self.transitions.contains_key(tid) {
                continue;
            }
            if t.state == TxnState::Ongoing && now.saturating_sub(t.start_ms) as i64 > t.timeout_ms
            {
                // abortTimedOutTransactions: prepareFenceProducerEpoch, then
                // endTransaction(ABORT, isFromClient = false).
                t.producer_epoch = t.producer_epoch.saturating_add(1);
                self.transitions.insert(tid.clone(), t.clone());
                t.state = TxnState::PrepareAbort;
                t.pending_markers = t.partitions.clone();
                fx.push(TxnEffect::Note(format!(
                    "transaction coordinator: {tid} was open longer than transaction.timeout.ms={} → aborted, epoch bumped to {}",
                    t.timeout_ms, t.producer_epoch
                )));
                fx.push(TxnEffect::Persist {
                    transactional_id: tid.clone(),
                    then: TxnAfter::Prepared {
                        reply: None,
                        transactional_id: tid.clone(),
                    },
                });
            } else if matches!(t.state, TxnState::PrepareCommit | TxnState::PrepareAbort) {
                if t.pending_markers
                    .iter()
                    .any(|tp| !t.markers_in_flight.contains(tp))
                {
                    fx.push(TxnEffect::WriteMarkers {
                        transactional_id: tid.clone(),
                    });
                } else if t.pending_markers.is_empty() {
                    // Every marker is written but CompleteCommit/CompleteAbort did not
                    // replicate: write it again (TransactionMarkerChannelManager.tryAppendToLog
                    // retries).
                    complete.push(tid.clone());
                }
            }
        }
        for tid in complete {
            fx.extend(self.markers_written(&tid, &[], &[]));
        }
        fx
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every state record in `fx` reached the ISR.
    fn durable(c: &mut TransactionCoordinator, fx: Vec<TxnEffect>) -> Vec<TxnEffect> {
        for e in &fx {
            if let TxnEffect::Persist {
                transactional_id, ..
            } = e
            {
                assert!(c.transition_done(transactional_id));
            }
        }
        fx
    }

    fn init(c: &mut TransactionCoordinator, tid: &str) -> (i64, i16, Option<ErrorCode>) {
        let fx = c.init_producer_id(0, NodeId::Client(0), 1, tid, 60_000);
        for e in durable(c, fx) {
            match e {
                TxnEffect::Persist {
                    then:
                        TxnAfter::Respond(
                            _,
                            Message::InitProducerIdResponse {
                                producer_id,
                                producer_epoch,
                                error,
                                ..
                            },
                        )
                        | TxnAfter::Prepared {
                            reply:
                                Some((
                                    _,
                                    Message::InitProducerIdResponse {
                                        producer_id,
                                        producer_epoch,
                                        error,
                                        ..
                                    },
                                )),
                            ..
                        },
                    ..
                }
                | TxnEffect::Send(
                    _,
                    Message::InitProducerIdResponse {
                        producer_id,
                        producer_epoch,
                        error,
                        ..
                    },
                ) => return (producer_id, producer_epoch, error),
                _ => {}
            }
        }
        panic!("no response")
    }

    fn add(c: &mut TransactionCoordinator, now: Millis, pid: i64, epoch: i16) {
        let fx = c.add_partitions(
            now,
            NodeId::Client(0),
            3,
            "tx",
            pid,
            epoch,
            vec![Tp::new(0, 0)],
        );
        durable(c, fx);
    }

    fn end_txn_error(fx: &[TxnEffect]) -> Option<Option<ErrorCode>> {
        fx.iter().find_map(|e| match e {
            TxnEffect::Send(_, Message::EndTxnResponse { error, .. }) => Some(*error),
            _ => None,
        })
    }

    #[test]
    fn init_bumps_the_epoch_and_fences_the_old_producer() {
        let mut c = TransactionCoordinator::new(1000, 900_000);
        let (pid, e0, _) = init(&mut c, "tx");
        assert_eq!(e0, 0);
        let (pid2, e1, _) = init(&mut c, "tx");
        assert_eq!((pid2, e1), (pid, 1));
        // The zombie (epoch 0) is fenced on the coordinator's APIs.
        let fx = c.end_txn(NodeId::Client(0), 2, "tx", pid, 0, true);
        assert!(matches!(
            &fx[0],
            TxnEffect::Send(
                _,
                Message::EndTxnResponse {
                    error: Some(ErrorCode::ProducerFenced),
                    ..
                }
            )
        ));
        let fx = c.add_partitions(5, NodeId::Client(0), 3, "tx", pid, 0, vec![Tp::new(0, 0)]);
        assert!(
            matches!(&fx[0], TxnEffect::Send(_, Message::AddPartitionsToTxnResponse { results, .. }) if results[0].1 == Some(ErrorCode::ProducerFenced))
        );
    }

    #[test]
    fn init_during_an_ongoing_transaction_aborts_it() {
        let mut c = TransactionCoordinator::new(1000, 900_000);
        let (pid, e, _) = init(&mut c, "tx");
        add(&mut c, 5, pid, e);
        assert_eq!(c.txns["tx"].state, TxnState::Ongoing);
        let (_, _, err) = init(&mut c, "tx");
        assert_eq!(err, Some(ErrorCode::ConcurrentTransactions));
        assert_eq!(c.txns["tx"].state, TxnState::PrepareAbort);
        assert_eq!(c.txns["tx"].producer_epoch, 1);
        let fx = c.markers_written("tx", &[Tp::new(0, 0)], &[]);
        durable(&mut c, fx);
        assert_eq!(c.txns["tx"].state, TxnState::CompleteAbort);
        let (_, e2, err) = init(&mut c, "tx");
        assert_eq!((e2, err), (2, None));
    }

    #[test]
    fn a_stalled_transaction_times_out() {
        let mut c = TransactionCoordinator::new(1000, 900_000);
        let (pid, e, _) = init(&mut c, "tx");
        add(&mut c, 1_000, pid, e);
        assert!(c.tick(50_000, |_| true).is_empty());
        let fx = c.tick(61_001, |_| true);
        assert!(fx.iter().any(|x| matches!(
            x,
            TxnEffect::Persist {
                then: TxnAfter::Prepared { reply: None, .. },
                ..
            }
        )));
        // The markers wait for PrepareAbort to be durable.
        assert!(!fx
            .iter()
            .any(|x| matches!(x, TxnEffect::WriteMarkers { .. })));
        assert_eq!(c.txns["tx"].state, TxnState::PrepareAbort);
        assert_eq!(c.txns["tx"].producer_epoch, 1);
    }

    /// Seeds 10067 and 15446: the coordinator's tick sent COMMIT markers for a PrepareCommit
    /// that had not reached the ISR. Nothing about an EndTxn takes effect before its record
    /// is durable (`pendingState`), and a failed append restores Ongoing.
    #[test]
    fn prepare_commit_takes_effect_only_once_durable() {
        let mut c = TransactionCoordinator::new(1000, 900_000);
        let (pid, e, _) = init(&mut c, "tx");
        add(&mut c, 1_000, pid, e);
        let fx = c.end_txn(NodeId::Client(0), 4, "tx", pid, e, true);
        assert!(fx.iter().any(|x| matches!(
            x,
            TxnEffect::Persist {
                then: TxnAfter::Prepared { reply: Some(_), .. },
                ..
            }
        )));
        assert!(c.transitions.contains_key("tx"));
        // Not durable yet: no markers, no time-out, and the client's retries wait.
        let fx = c.tick(2_000, |_| true);
        assert!(fx.is_empty(), "{fx:?}");
        assert!(c.tick(100_000, |_| true).is_empty());
        let fx = c.end_txn(NodeId::Client(0), 5, "tx", pid, e, true);
        assert_eq!(
            end_txn_error(&fx),
            Some(Some(ErrorCode::ConcurrentTransactions))
        );
        let (_, _, err) = init(&mut c, "tx");
        assert_eq!(err, Some(ErrorCode::ConcurrentTransactions));
        // The append failed: the transaction is Ongoing again, with the same epoch.
        c.transition_failed("tx");
        assert_eq!(c.txns["tx"].state, TxnState::Ongoing);
        assert_eq!(c.txns["tx"].producer_epoch, e);
        // A retried EndTxn prepares again; once durable, the markers may go.
        let fx = c.end_txn(NodeId::Client(0), 6, "tx", pid, e, true);
        durable(&mut c, fx);
        assert_eq!(c.txns["tx"].state, TxnState::PrepareCommit);
        assert!(c
            .tick(100_001, |_| true)
            .iter()
            .any(|x| matches!(x, TxnEffect::WriteMarkers { .. })));
    }

    /// CompleteCommit that does not replicate is written again by the tick.
    #[test]
    fn a_failed_complete_record_is_written_again() {
        let mut c = TransactionCoordinator::new(1000, 900_000);
        let (pid, e, _) = init(&mut c, "tx");
        add(&mut c, 1_000, pid, e);
        let fx = c.end_txn(NodeId::Client(0), 4, "tx", pid, e, true);
        durable(&mut c, fx);
        c.txns.get_mut("tx").unwrap().markers_in_flight = [Tp::new(0, 0)].into();
        let fx = c.markers_written("tx", &[Tp::new(0, 0)], &[]);
        assert_eq!(c.txns["tx"].state, TxnState::CompleteCommit);
        assert!(!fx.is_empty());
        c.transition_failed("tx");
        assert_eq!(c.txns["tx"].state, TxnState::PrepareCommit);
        let fx = c.tick(2_000, |_| true);
        assert!(fx.iter().any(|x| matches!(x, TxnEffect::Persist { .. })));
        durable(&mut c, fx);
        assert_eq!(c.txns["tx"].state, TxnState::CompleteCommit);
    }

    #[test]
    fn end_txn_in_the_wrong_state_is_invalid() {
        let mut c = TransactionCoordinator::new(1000, 900_000);
        let (pid, e, _) = init(&mut c, "tx");
        let fx = c.end_txn(NodeId::Client(0), 2, "tx", pid, e, true);
        assert!(matches!(
            &fx[0],
            TxnEffect::Send(
                _,
                Message::EndTxnResponse {
                    error: Some(ErrorCode::InvalidTxnState),
                    ..
                }
            )
        ));
        let fx = c.init_producer_id(0, NodeId::Client(0), 1, "tx2", 1_000_000);
        assert!(matches!(
            &fx[0],
            TxnEffect::Send(
                _,
                Message::InitProducerIdResponse {
                    error: Some(ErrorCode::InvalidTransactionTimeout),
                    ..
                }
            )
        ));
    }
}
