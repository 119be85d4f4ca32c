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
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

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
    pub partitions: BTreeSet<Tp>,
    pub timeout_ms: i64,
    pub start_ms: Millis,
    /// Partitions whose marker has not been acknowledged yet.
    pub pending_markers: BTreeSet<Tp>,
    /// A marker request is in flight for these partitions.
    pub markers_in_flight: BTreeSet<Tp>,
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
    /// PrepareCommit/PrepareAbort is durable: answer the client, then write the markers.
    Prepared {
        to: NodeId,
        corr: u64,
        transactional_id: String,
    },
    Nothing,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TransactionCoordinator {
    pub txns: BTreeMap<String, TxnMetadata>,
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
            txns: BTreeMap::new(),
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
            self.txns.insert(tid.to_string(), t);
        }
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
        match self.txns.get_mut(tid) {
            None => {
                self.next_pid += 1;
                let pid = self.pid_base + self.next_pid;
                self.txns.insert(
                    tid.to_string(),
                    TxnMetadata {
                        transactional_id: tid.to_string(),
                        producer_id: pid,
                        producer_epoch: 0,
                        state: TxnState::Empty,
                        partitions: BTreeSet::new(),
                        timeout_ms,
                        start_ms: now,
                        pending_markers: BTreeSet::new(),
                        markers_in_flight: BTreeSet::new(),
                    },
                );
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
                    // Fence the old producer: bump the epoch and abort its transaction.
                    t.producer_epoch = t.producer_epoch.saturating_add(1);
                    t.state = TxnState::PrepareAbort;
                    t.pending_markers = t.partitions.clone();
                    let epoch = t.producer_epoch;
                    vec![
                        TxnEffect::Note(format!("transaction coordinator: {tid} re-initialised during a transaction: aborting it with epoch {epoch} (fencing the old producer)")),
                        reply(from, resp(Some(ErrorCode::ConcurrentTransactions), -1, -1)),
                        TxnEffect::Persist { transactional_id: tid.to_string(), then: TxnAfter::Nothing },
                        TxnEffect::WriteMarkers { transactional_id: tid.to_string() },
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
        if matches!(t.state, TxnState::PrepareCommit | TxnState::PrepareAbort) {
            return vec![reply(
                from,
                Message::AddPartitionsToTxnResponse {
                    corr,
                    results: results(Some(ErrorCode::ConcurrentTransactions)),
                },
            )];
        }
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
        match (t.state, commit) {
            (TxnState::Ongoing, _) => {
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
                            to: from,
                            corr,
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
        {
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
    pub fn tick(&mut self, now: Millis) -> Vec<TxnEffect> {
        let mut fx = Vec::new();
        for (tid, t) in self.txns.iter_mut() {
            if t.state == TxnState::Ongoing && now.saturating_sub(t.start_ms) as i64 > t.timeout_ms
            {
                t.producer_epoch = t.producer_epoch.saturating_add(1);
                t.state = TxnState::PrepareAbort;
                t.pending_markers = t.partitions.clone();
                fx.push(TxnEffect::Note(format!(
                    "transaction coordinator: {tid} was open longer than transaction.timeout.ms={} → aborted, epoch bumped to {}",
                    t.timeout_ms, t.producer_epoch
                )));
                fx.push(TxnEffect::Persist {
                    transactional_id: tid.clone(),
                    then: TxnAfter::Nothing,
                });
                fx.push(TxnEffect::WriteMarkers {
                    transactional_id: tid.clone(),
                });
            } else if matches!(t.state, TxnState::PrepareCommit | TxnState::PrepareAbort)
                && t.pending_markers
                    .iter()
                    .any(|tp| !t.markers_in_flight.contains(tp))
            {
                fx.push(TxnEffect::WriteMarkers {
                    transactional_id: tid.clone(),
                });
            }
        }
        fx
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn init(c: &mut TransactionCoordinator, tid: &str) -> (i64, i16, Option<ErrorCode>) {
        let fx = c.init_producer_id(0, NodeId::Client(0), 1, tid, 60_000);
        for e in fx {
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
                        ),
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
        c.add_partitions(5, NodeId::Client(0), 3, "tx", pid, e, vec![Tp::new(0, 0)]);
        assert_eq!(c.txns["tx"].state, TxnState::Ongoing);
        let (_, _, err) = init(&mut c, "tx");
        assert_eq!(err, Some(ErrorCode::ConcurrentTransactions));
        assert_eq!(c.txns["tx"].state, TxnState::PrepareAbort);
        assert_eq!(c.txns["tx"].producer_epoch, 1);
        c.markers_written("tx", &[Tp::new(0, 0)], &[]);
        assert_eq!(c.txns["tx"].state, TxnState::CompleteAbort);
        let (_, e2, err) = init(&mut c, "tx");
        assert_eq!((e2, err), (2, None));
    }

    #[test]
    fn a_stalled_transaction_times_out() {
        let mut c = TransactionCoordinator::new(1000, 900_000);
        let (pid, e, _) = init(&mut c, "tx");
        c.add_partitions(
            1_000,
            NodeId::Client(0),
            3,
            "tx",
            pid,
            e,
            vec![Tp::new(0, 0)],
        );
        assert!(c.tick(50_000).is_empty());
        let fx = c.tick(61_001);
        assert!(fx
            .iter()
            .any(|x| matches!(x, TxnEffect::WriteMarkers { .. })));
        assert_eq!(c.txns["tx"].state, TxnState::PrepareAbort);
        assert_eq!(c.txns["tx"].producer_epoch, 1);
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
