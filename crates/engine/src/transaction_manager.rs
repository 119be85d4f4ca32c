//! The producer's transactional side (`TransactionManager`): find the transaction
//! coordinator, `initTransactions` (InitProducerId with the `transactional.id`), add
//! partitions before sending to them, `sendOffsetsToTransaction` (AddOffsetsToTxn +
//! TxnOffsetCommit), and `commitTransaction`/`abortTransaction` (EndTxn); fenced producers
//! stop for good.

use crate::assignor::TopicPartition;
use crate::error::{ErrorCode, SimError, SimResult};
use crate::message::{CoordinatorType, Message};
use crate::producer::{ClientError, Producer};
use crate::sim::{Ctx, Timer};
use crate::trace::TraceKind;
use crate::types::{BrokerId, Millis, NodeId, Tp};
use crate::vecmap::VecSet;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TxnPhase {
    Uninitialized,
    Initializing,
    Ready,
    InTransaction,
    Committing,
    Aborting,
    /// The transaction must be aborted (e.g. INVALID_PRODUCER_EPOCH from a produce).
    Abortable(ErrorCode),
    /// The producer is fenced (PRODUCER_FENCED): it can only be closed.
    Fatal(ErrorCode),
}

impl TxnPhase {
    pub fn name(self) -> String {
        match self {
            TxnPhase::Uninitialized => "uninitialized".into(),
            TxnPhase::Initializing => "initializing".into(),
            TxnPhase::Ready => "ready".into(),
            TxnPhase::InTransaction => "ongoing".into(),
            TxnPhase::Committing => "committing".into(),
            TxnPhase::Aborting => "aborting".into(),
            TxnPhase::Abortable(e) => format!("must abort ({e})"),
            TxnPhase::Fatal(e) => format!("fenced ({e})"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Request {
    FindTxnCoordinator,
    FindGroupCoordinator,
    InitPid,
    AddPartitions(Vec<Tp>),
    AddOffsets,
    OffsetCommit,
    EndTxn(bool),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingOffsets {
    pub group: String,
    pub generation: i32,
    pub member_id: String,
    pub offsets: Vec<(TopicPartition, i64)>,
    added: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransactionManager {
    pub transactional_id: String,
    pub phase: TxnPhase,
    pub coordinator: Option<BrokerId>,
    group_coordinator: Option<BrokerId>,
    request: Option<(u64, Request)>,
    /// Partitions added to the current transaction.
    pub partitions: VecSet<Tp>,
    pending: VecSet<Tp>,
    pub offsets: Option<PendingOffsets>,
    /// Records sent in the current transaction (simulator ids, for the ledger).
    pub record_ids: Vec<u64>,
    backoff_until: Millis,
    /// The last transactional API the application called (for the page's code view).
    pub last_call: String,
    pub committed: u64,
    pub aborted: u64,
    /// KIP-360 (`TransactionManager.epochBumpRequired`): a batch with a sequence number
    /// failed (its retries or delivery.timeout.ms ran out, or OUT_OF_ORDER_SEQUENCE_NUMBER),
    /// so the partition's sequence numbers have a hole: once the transaction is aborted the
    /// producer gets a new epoch from InitProducerId and numbers batches from 0 again.
    #[serde(default)]
    pub epoch_bump_required: bool,
}

impl TransactionManager {
    pub fn new(transactional_id: String) -> Self {
        TransactionManager {
            transactional_id,
            phase: TxnPhase::Uninitialized,
            coordinator: None,
            group_coordinator: None,
            request: None,
            partitions: VecSet::new(),
            pending: VecSet::new(),
            offsets: None,
            record_ids: Vec::new(),
            backoff_until: 0,
            last_call: "initTransactions".into(),
            committed: 0,
            aborted: 0,
            epoch_bump_required: false,
        }
    }

    /// Whether records for `tp` may be sent now (it was added to the transaction).
    pub fn allows(&self, tp: Tp) -> bool {
        self.partitions.contains(&tp)
    }

    pub fn in_transaction(&self) -> bool {
        matches!(self.phase, TxnPhase::InTransaction | TxnPhase::Committing)
    }
}

impl Producer {
    pub(crate) fn txn_mut(&mut self) -> Option<&mut TransactionManager> {
        self.txn.as_mut()
    }

    fn txn_error(&mut self, ctx: &mut Ctx, error: ErrorCode, detail: String) {
        *self
            .stats
            .errors
            .entry(error.name().to_string())
            .or_default() += 1;
        self.last_error = Some(ClientError {
            error,
            detail: detail.clone(),
            at: ctx.now,
        });
        ctx.emit(TraceKind::ClientError {
            client: self.name.as_str().into(),
            error: error.name().into(),
            detail,
        });
    }

    /// `beginTransaction()`.
    pub fn begin_transaction(&mut self) -> SimResult<()> {
        let Some(t) = self.txn_mut() else {
            return Err(SimError::command(
                "beginTransaction needs a transactional.id",
            ));
        };
        match t.phase {
            TxnPhase::Ready => {
                t.phase = TxnPhase::InTransaction;
                t.partitions.clear();
                t.pending.clear();
                t.offsets = None;
                t.record_ids.clear();
                t.last_call = "beginTransaction".into();
                Ok(())
            }
            TxnPhase::Uninitialized | TxnPhase::Initializing => {
                Err(SimError::command("initTransactions() has not completed yet (the producer is still getting its producer id)"))
            }
            p => Err(SimError::command(format!("cannot begin a transaction while the producer is {}", p.name()))),
        }
    }

    /// `sendOffsetsToTransaction(offsets, groupMetadata)`.
    pub fn send_offsets_to_transaction(
        &mut self,
        group: &str,
        generation: i32,
        member_id: &str,
        offsets: Vec<(TopicPartition, i64)>,
    ) -> SimResult<()> {
        let Some(t) = self.txn_mut() else {
            return Err(SimError::command(
                "sendOffsetsToTransaction needs a transactional.id",
            ));
        };
        if t.phase != TxnPhase::InTransaction {
            return Err(SimError::command(format!(
                "sendOffsetsToTransaction needs an ongoing transaction (the producer is {})",
                t.phase.name()
            )));
        }
        t.offsets = Some(PendingOffsets {
            group: group.to_string(),
            generation,
            member_id: member_id.to_string(),
            offsets,
            added: false,
        });
        t.last_call = "sendOffsetsToTransaction".into();
        Ok(())
    }

    /// `commitTransaction()`: flush, then EndTxn(commit).
    pub fn commit_transaction(&mut self) -> SimResult<()> {
        let Some(t) = self.txn_mut() else {
            return Err(SimError::command(
                "commitTransaction needs a transactional.id",
            ));
        };
        match t.phase {
            TxnPhase::InTransaction => {
                t.phase = TxnPhase::Committing;
                t.last_call = "commitTransaction".into();
                Ok(())
            }
            TxnPhase::Abortable(e) => Err(SimError::kafka(
                e,
                "the transaction failed and must be aborted",
            )),
            p => Err(SimError::command(format!(
                "no transaction to commit (the producer is {})",
                p.name()
            ))),
        }
    }

    /// `abortTransaction()`: drop the batches not yet sent, then EndTxn(abort) once the sent
    /// ones are resolved. As `RecordAccumulator.abortUndrainedBatches` for a transactional
    /// producer, a batch that already has a sequence number (sent once, now retrying) is
    /// kept until it is acknowledged or fails: dropping it would leave a hole in the
    /// partition's sequence numbers (the next batch would be OUT_OF_ORDER_SEQUENCE_NUMBER).
    pub fn abort_transaction(&mut self, ctx: &mut Ctx) -> SimResult<()> {
        let phase = self.txn.as_ref().map(|t| t.phase);
        match phase {
            None => Err(SimError::command(
                "abortTransaction needs a transactional.id",
            )),
            // `TransactionManager.beginAbort` → `transitionTo(ABORTING_TRANSACTION)`, which is
            // not a valid transition from COMMITTING_TRANSACTION: the application's
            // `commitTransaction()` has not returned, and the commit goes on.
            Some(TxnPhase::Committing) => Err(SimError::command(format!(
                "TransactionalId {}: Invalid transition attempted from state \
                 COMMITTING_TRANSACTION to state ABORTING_TRANSACTION (commitTransaction() has \
                 not completed yet)",
                self.txn
                    .as_ref()
                    .map_or("", |t| t.transactional_id.as_str())
            ))),
            Some(TxnPhase::InTransaction | TxnPhase::Abortable(_)) => {
                let dropped = self.drop_unsequenced(ctx);
                if let Some(t) = self.txn_mut() {
                    t.phase = TxnPhase::Aborting;
                    t.pending.clear();
                    t.offsets = None;
                    t.last_call = "abortTransaction".into();
                }
                if dropped > 0 {
                    ctx.emit(TraceKind::Note {
                        text: format!(
                            "{}: abortTransaction dropped {dropped} unsent record(s)",
                            self.name
                        ),
                    });
                }
                Ok(())
            }
            Some(p) => Err(SimError::command(format!(
                "no transaction to abort (the producer is {})",
                p.name()
            ))),
        }
    }

    /// Called from `run()`: drive the transactional requests.
    pub(crate) fn txn_step(&mut self, ctx: &mut Ctx) {
        let now = ctx.now;
        let accumulated = self.pending_records();
        let Some(t) = self.txn.as_ref() else { return };
        if t.request.is_some() {
            return;
        }
        if now < t.backoff_until {
            let at = t.backoff_until;
            ctx.set_timer(at - now, Timer::ClientWake);
            return;
        }
        if matches!(
            t.phase,
            TxnPhase::Fatal(_) | TxnPhase::Ready | TxnPhase::Abortable(_)
        ) {
            return;
        }
        let Some(coordinator) = t.coordinator else {
            let key = t.transactional_id.clone();
            self.txn_send_any(ctx, Request::FindTxnCoordinator, |corr| {
                Message::FindCoordinator {
                    corr,
                    key,
                    key_type: CoordinatorType::Transaction,
                }
            });
            return;
        };
        let tid = t.transactional_id.clone();
        let (pid, epoch) = (self.producer_id, self.producer_epoch);
        match t.phase {
            TxnPhase::Uninitialized | TxnPhase::Initializing => {
                let timeout = self.settings.transaction_timeout_ms;
                if let Some(t) = self.txn_mut() {
                    t.phase = TxnPhase::Initializing;
                }
                self.txn_send(ctx, coordinator, Request::InitPid, |corr| {
                    Message::InitProducerId {
                        corr,
                        transactional_id: Some(tid),
                        transaction_timeout_ms: timeout,
                        producer_id: -1,
                        producer_epoch: -1,
                    }
                });
            }
            TxnPhase::InTransaction | TxnPhase::Committing => {
                if !t.pending.is_empty() {
                    let parts: Vec<Tp> = t.pending.iter().copied().collect();
                    self.txn_send(
                        ctx,
                        coordinator,
                        Request::AddPartitions(parts.clone()),
                        |corr| Message::AddPartitionsToTxn {
                            corr,
                            transactional_id: tid,
                            producer_id: pid,
                            producer_epoch: epoch,
                            partitions: parts,
                        },
                    );
                } else if let Some(o) = t.offsets.clone() {
                    if !o.added {
                        self.txn_send(ctx, coordinator, Request::AddOffsets, |corr| {
                            Message::AddOffsetsToTxn {
                                corr,
                                transactional_id: tid,
                                producer_id: pid,
                                producer_epoch: epoch,
                                group: o.group.clone(),
                            }
                        });
                    } else if let Some(gc) = t.group_coordinator {
                        self.txn_send(ctx, gc, Request::OffsetCommit, |corr| {
                            Message::TxnOffsetCommit {
                                corr,
                                transactional_id: tid,
                                group: o.group.clone(),
                                producer_id: pid,
                                producer_epoch: epoch,
                                generation: o.generation,
                                member_id: o.member_id.clone(),
                                offsets: o.offsets.clone(),
                            }
                        });
                    } else {
                        let key = o.group.clone();
                        self.txn_send_any(ctx, Request::FindGroupCoordinator, |corr| {
                            Message::FindCoordinator {
                                corr,
                                key,
                                key_type: CoordinatorType::Group,
                            }
                        });
                    }
                } else if t.phase == TxnPhase::Committing && accumulated == 0 {
                    if t.partitions.is_empty() {
                        // Nothing was added: there is nothing to commit on the brokers.
                        self.finish_txn(ctx, true);
                    } else {
                        self.txn_send(ctx, coordinator, Request::EndTxn(true), |corr| {
                            Message::EndTxn {
                                corr,
                                transactional_id: tid,
                                producer_id: pid,
                                producer_epoch: epoch,
                                commit: true,
                            }
                        });
                    }
                }
            }
            TxnPhase::Aborting if accumulated == 0 => {
                if t.partitions.is_empty() {
                    self.finish_txn(ctx, false);
                } else {
                    self.txn_send(ctx, coordinator, Request::EndTxn(false), |corr| {
                        Message::EndTxn {
                            corr,
                            transactional_id: tid,
                            producer_id: pid,
                            producer_epoch: epoch,
                            commit: false,
                        }
                    });
                }
            }
            _ => {}
        }
    }

    fn txn_send(
        &mut self,
        ctx: &mut Ctx,
        to: BrokerId,
        req: Request,
        make: impl FnOnce(u64) -> Message,
    ) {
        self.next_corr += 1;
        let corr = self.next_corr;
        ctx.send(NodeId::Broker(to), make(corr));
        ctx.set_timer(
            self.settings.request_timeout_ms,
            Timer::RequestTimeout(corr),
        );
        if let Some(t) = self.txn_mut() {
            t.request = Some((corr, req));
        }
    }

    fn txn_send_any(&mut self, ctx: &mut Ctx, req: Request, make: impl FnOnce(u64) -> Message) {
        if let Some(node) = self.metadata.pick_node(ctx.now) {
            self.txn_send(ctx, node, req, make);
        }
    }

    fn finish_txn(&mut self, ctx: &mut Ctx, committed: bool) {
        let name = self.name.clone();
        let Some(t) = self.txn_mut() else { return };
        let ids = std::mem::take(&mut t.record_ids);
        t.phase = if !committed && t.epoch_bump_required {
            // KIP-360: InitProducerId again for a new epoch (sequence numbers from 0).
            TxnPhase::Initializing
        } else {
            TxnPhase::Ready
        };
        t.epoch_bump_required = false;
        t.partitions.clear();
        t.offsets = None;
        if committed {
            t.committed += 1;
        } else {
            t.aborted += 1;
        }
        ctx.ledger.on_txn_outcome(&ids, committed);
        ctx.emit(TraceKind::Note {
            text: format!(
                "{name}: transaction {} ({} record(s))",
                if committed { "committed" } else { "aborted" },
                ids.len()
            ),
        });
    }

    fn txn_retry(&mut self, ctx: &mut Ctx, forget_coordinator: bool) {
        let backoff = self.settings.retry_backoff_ms.max(20);
        if let Some(t) = self.txn_mut() {
            t.backoff_until = ctx.now + backoff;
            if forget_coordinator {
                t.coordinator = None;
            }
        }
        ctx.set_timer(backoff, Timer::ClientWake);
    }

    /// A request timed out or its connection dropped.
    pub(crate) fn txn_request_failed(&mut self, ctx: &mut Ctx, corr: u64) -> bool {
        let Some(t) = self.txn_mut() else {
            return false;
        };
        if t.request.as_ref().map(|r| r.0) != Some(corr) {
            return false;
        }
        let req = t.request.take().map(|r| r.1);
        if req == Some(Request::OffsetCommit) {
            t.group_coordinator = None;
        }
        self.txn_retry(ctx, true);
        true
    }

    /// Transactional responses; returns the message back if it is not one.
    pub(crate) fn on_txn_message(&mut self, ctx: &mut Ctx, msg: Message) -> Option<Message> {
        let corr = match &msg {
            Message::FindCoordinatorResponse { corr, .. }
            | Message::AddPartitionsToTxnResponse { corr, .. }
            | Message::AddOffsetsToTxnResponse { corr, .. }
            | Message::TxnOffsetCommitResponse { corr, .. }
            | Message::EndTxnResponse { corr, .. } => *corr,
            Message::InitProducerIdResponse { corr, .. } => *corr,
            _ => return Some(msg),
        };
        let t = self.txn.as_mut()?;
        let Some((c, req)) = t.request.clone() else {
            return Some(msg);
        };
        if c != corr {
            return Some(msg);
        }
        t.request = None;
        let tid = t.transactional_id.clone();
        match (req, msg) {
            (Request::FindTxnCoordinator, Message::FindCoordinatorResponse { error, node, .. }) => {
                match error {
                    None => {
                        t.coordinator = Some(node);
                        ctx.emit(TraceKind::Note {
                            text: format!(
                                "{}: transaction coordinator for {tid} is broker-{node}",
                                self.name
                            ),
                        });
                    }
                    Some(_) => self.txn_retry(ctx, true),
                }
            }
            (
                Request::FindGroupCoordinator,
                Message::FindCoordinatorResponse { error, node, .. },
            ) => match error {
                None => t.group_coordinator = Some(node),
                Some(_) => self.txn_retry(ctx, false),
            },
            (
                Request::InitPid,
                Message::InitProducerIdResponse {
                    error,
                    producer_id,
                    producer_epoch,
                    ..
                },
            ) => match error {
                None => {
                    t.phase = TxnPhase::Ready;
                    t.epoch_bump_required = false;
                    self.producer_id = producer_id;
                    self.producer_epoch = producer_epoch;
                    self.next_sequence.clear();
                    self.inflight_sequences.clear();
                    self.last_acked_sequence.clear();
                    self.sequence_epochs.clear();
                    ctx.emit(TraceKind::Note {
                        text: format!("{}: initTransactions done: producer id {producer_id}, epoch {producer_epoch}", self.name),
                    });
                }
                Some(e @ (ErrorCode::InvalidTransactionTimeout | ErrorCode::ProducerFenced)) => {
                    t.phase = TxnPhase::Fatal(e);
                    self.txn_error(ctx, e, "initTransactions failed".into());
                }
                Some(e) => {
                    let forget = matches!(
                        e,
                        ErrorCode::NotCoordinator | ErrorCode::CoordinatorNotAvailable
                    );
                    if e == ErrorCode::ConcurrentTransactions {
                        ctx.emit(TraceKind::Note {
                            text: format!("{}: CONCURRENT_TRANSACTIONS: the coordinator is aborting the previous instance's transaction; retrying", self.name),
                        });
                    }
                    self.txn_retry(ctx, forget);
                }
            },
            (
                Request::AddPartitions(parts),
                Message::AddPartitionsToTxnResponse { results, .. },
            ) => {
                let err = results.iter().find_map(|r| r.1);
                match err {
                    None => {
                        for tp in parts {
                            t.pending.remove(&tp);
                            t.partitions.insert(tp);
                        }
                    }
                    Some(e) => self.txn_fail(ctx, e, "AddPartitionsToTxn"),
                }
            }
            (Request::AddOffsets, Message::AddOffsetsToTxnResponse { error, .. }) => match error {
                None => {
                    if let Some(o) = t.offsets.as_mut() {
                        o.added = true;
                    }
                }
                Some(e) => self.txn_fail(ctx, e, "AddOffsetsToTxn"),
            },
            (Request::OffsetCommit, Message::TxnOffsetCommitResponse { results, .. }) => {
                match results.iter().find_map(|r| r.1) {
                    None => t.offsets = None,
                    Some(ErrorCode::NotCoordinator | ErrorCode::CoordinatorNotAvailable) => {
                        t.group_coordinator = None;
                        self.txn_retry(ctx, false);
                    }
                    Some(e) => self.txn_fail(ctx, e, "TxnOffsetCommit"),
                }
            }
            (Request::EndTxn(commit), Message::EndTxnResponse { error, .. }) => match error {
                None => self.finish_txn(ctx, commit),
                Some(e) => self.txn_fail(
                    ctx,
                    e,
                    if commit {
                        "commitTransaction"
                    } else {
                        "abortTransaction"
                    },
                ),
            },
            _ => {}
        }
        None
    }

    fn txn_fail(&mut self, ctx: &mut Ctx, e: ErrorCode, what: &str) {
        match e {
            ErrorCode::ProducerFenced
            | ErrorCode::InvalidProducerIdMapping
            | ErrorCode::TransactionCoordinatorFenced => {
                if let Some(t) = self.txn_mut() {
                    t.phase = TxnPhase::Fatal(ErrorCode::ProducerFenced);
                }
                self.txn_error(
                    ctx,
                    ErrorCode::ProducerFenced,
                    format!(
                        "{what}: a newer producer with this transactional.id has fenced this one"
                    ),
                );
            }
            ErrorCode::ConcurrentTransactions
            | ErrorCode::CoordinatorLoadInProgress
            | ErrorCode::RequestTimedOut => self.txn_retry(ctx, false),
            ErrorCode::NotCoordinator | ErrorCode::CoordinatorNotAvailable => {
                self.txn_retry(ctx, true)
            }
            other => {
                if let Some(t) = self.txn_mut() {
                    t.phase = TxnPhase::Abortable(other);
                }
                self.txn_error(
                    ctx,
                    other,
                    format!("{what} failed: the transaction must be aborted"),
                );
            }
        }
    }

    /// A produce error inside a transaction.
    pub(crate) fn txn_produce_error(&mut self, ctx: &mut Ctx, e: ErrorCode) {
        let Some(t) = self.txn.as_ref() else { return };
        if matches!(t.phase, TxnPhase::Fatal(_)) {
            return;
        }
        match e {
            ErrorCode::ProducerFenced => self.txn_fail(ctx, e, "produce"),
            ErrorCode::InvalidProducerEpoch | ErrorCode::OutOfOrderSequenceNumber => {
                if let Some(t) = self.txn_mut() {
                    if e == ErrorCode::OutOfOrderSequenceNumber {
                        t.epoch_bump_required = true;
                    }
                    if t.phase != TxnPhase::Aborting {
                        t.phase = TxnPhase::Abortable(e);
                    }
                }
            }
            _ => {}
        }
    }

    /// A batch that had a sequence number failed for good: the transaction must be aborted
    /// and the epoch bumped (`TransactionManager.handleFailedBatch`, KIP-360).
    pub(crate) fn txn_sequenced_batch_failed(&mut self, e: ErrorCode) {
        if let Some(t) = self.txn_mut() {
            if matches!(t.phase, TxnPhase::Fatal(_)) {
                return;
            }
            t.epoch_bump_required = true;
            if matches!(t.phase, TxnPhase::InTransaction | TxnPhase::Committing) {
                t.phase = TxnPhase::Abortable(e);
            }
        }
    }

    /// Partitions of queued batches must be added to the transaction before they are sent.
    pub(crate) fn txn_note_partition(&mut self, ctx: &mut Ctx, tp: Tp, record_id: u64) {
        if self.txn.is_some() {
            ctx.ledger.mark_in_txn(record_id);
        }
        if let Some(t) = self.txn_mut() {
            if !t.partitions.contains(&tp) {
                t.pending.insert(tp);
            }
            t.record_ids.push(record_id);
        }
    }
}
