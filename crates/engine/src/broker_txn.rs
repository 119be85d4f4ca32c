//! The broker's transaction duties: hosting the transaction coordinator for the
//! `transactional.id`s whose `__transaction_state` partition it leads, writing COMMIT/ABORT
//! markers as a partition leader (`WriteTxnMarkers`), and taking transactional offset
//! commits as a group coordinator (`TxnOffsetCommit`, pending until the marker).

use crate::broker::{Broker, DelayedProduce};
use crate::config::BROKER_CONFIGS;
use crate::error::ErrorCode;
use crate::group::{self, AfterAppend};
use crate::message::{Message, ProducePartitionResult};
use crate::record::{ControlType, ProducerStamp, Records};
use crate::sim::{Ctx, Timer};
use crate::trace::TraceKind;
use crate::txn::{self, TxnAfter, TxnEffect, TXN_TOPIC};
use crate::types::{BrokerId, NodeId, Tp};
use crate::vecmap::VecMap;

/// How long the transaction coordinator waits for a WriteTxnMarkers answer before it sends
/// the markers again (Kafka's `request.timeout.ms` default for the marker channel).
const MARKERS_TIMEOUT_MS: crate::types::Millis = 30_000;

impl Broker {
    pub(crate) fn txn_tp(&self, transactional_id: &str) -> Option<Tp> {
        let t = self.metadata.topic_by_name(TXN_TOPIC)?;
        Some(Tp::new(
            t.id,
            txn::partition_for(transactional_id, t.partitions),
        ))
    }

    pub(crate) fn is_txn_coordinator(&self, transactional_id: &str) -> bool {
        self.txn_tp(transactional_id)
            .and_then(|tp| self.partitions.get(&tp))
            .is_some_and(|p| p.is_leader())
    }

    pub(crate) fn find_txn_coordinator(
        &mut self,
        ctx: &mut Ctx,
        from: NodeId,
        corr: u64,
        key: &str,
    ) {
        let reply = |error: Option<ErrorCode>, node: BrokerId| Message::FindCoordinatorResponse {
            corr,
            error,
            node,
        };
        let Some(tp) = self.txn_tp(key) else {
            if !self.txn_topic_requested {
                self.txn_topic_requested = true;
                let c = &self.cluster_config;
                ctx.send(
                    NodeId::Controller,
                    Message::CreateTopics {
                        name: TXN_TOPIC.to_string(),
                        partitions: c
                            .i64(BROKER_CONFIGS, "transaction.state.log.num.partitions")
                            .max(1) as i32,
                        replication_factor: c
                            .i64(BROKER_CONFIGS, "transaction.state.log.replication.factor")
                            .max(1) as i32,
                        config: vec![
                            ("cleanup.policy".to_string(), "compact".to_string()),
                            (
                                "min.insync.replicas".to_string(),
                                c.i64(BROKER_CONFIGS, "transaction.state.log.min.isr")
                                    .max(1)
                                    .to_string(),
                            ),
                        ],
                    },
                );
            }
            ctx.send(from, reply(Some(ErrorCode::CoordinatorNotAvailable), -1));
            return;
        };
        match self.metadata.partition(tp).filter(|r| r.has_leader()) {
            Some(r) => ctx.send(from, reply(None, r.leader)),
            None => ctx.send(from, reply(Some(ErrorCode::CoordinatorNotAvailable), -1)),
        }
    }

    /// Requests for the transaction coordinator.
    pub(crate) fn handle_txn(&mut self, ctx: &mut Ctx, from: NodeId, msg: Message) {
        // The coordinator times transactions by the wall clock (see `Ctx::wall`).
        let now = ctx.wall;
        let tid = match &msg {
            Message::InitProducerId {
                transactional_id: Some(t),
                ..
            }
            | Message::AddPartitionsToTxn {
                transactional_id: t,
                ..
            }
            | Message::AddOffsetsToTxn {
                transactional_id: t,
                ..
            }
            | Message::EndTxn {
                transactional_id: t,
                ..
            } => t.clone(),
            _ => return,
        };
        if !self.is_txn_coordinator(&tid) {
            let e = Some(ErrorCode::NotCoordinator);
            let resp = match msg {
                Message::InitProducerId { corr, .. } => Message::InitProducerIdResponse {
                    corr,
                    error: e,
                    producer_id: -1,
                    producer_epoch: -1,
                },
                Message::AddPartitionsToTxn {
                    corr, partitions, ..
                } => Message::AddPartitionsToTxnResponse {
                    corr,
                    results: partitions.into_iter().map(|tp| (tp, e)).collect(),
                },
                Message::AddOffsetsToTxn { corr, .. } => {
                    Message::AddOffsetsToTxnResponse { corr, error: e }
                }
                Message::EndTxn { corr, .. } => Message::EndTxnResponse { corr, error: e },
                _ => return,
            };
            ctx.send(from, resp);
            return;
        }
        let fx = match msg {
            Message::InitProducerId {
                corr,
                transaction_timeout_ms,
                ..
            } => self
                .txns
                .init_producer_id(now, from, corr, &tid, transaction_timeout_ms),
            Message::AddPartitionsToTxn {
                corr,
                producer_id,
                producer_epoch,
                partitions,
                ..
            } => self.txns.add_partitions(
                now,
                from,
                corr,
                &tid,
                producer_id,
                producer_epoch,
                partitions,
            ),
            Message::AddOffsetsToTxn {
                corr,
                producer_id,
                producer_epoch,
                group,
                ..
            } => {
                // The group's __consumer_offsets partition joins the transaction.
                match self.offsets_tp(&group) {
                    Some(tp) => {
                        let fx = self.txns.add_partitions(
                            now,
                            from,
                            corr,
                            &tid,
                            producer_id,
                            producer_epoch,
                            vec![tp],
                        );
                        fx.into_iter()
                            .map(|e| match e {
                                TxnEffect::Send(
                                    to,
                                    Message::AddPartitionsToTxnResponse { corr, results },
                                ) => TxnEffect::Send(
                                    to,
                                    Message::AddOffsetsToTxnResponse {
                                        corr,
                                        error: results.first().and_then(|r| r.1),
                                    },
                                ),
                                TxnEffect::Persist {
                                    transactional_id,
                                    then:
                                        TxnAfter::Respond(
                                            to,
                                            Message::AddPartitionsToTxnResponse { corr, .. },
                                        ),
                                } => TxnEffect::Persist {
                                    transactional_id,
                                    then: TxnAfter::Respond(
                                        to,
                                        Message::AddOffsetsToTxnResponse { corr, error: None },
                                    ),
                                },
                                other => other,
                            })
                            .collect()
                    }
                    None => vec![TxnEffect::Send(
                        from,
                        Message::AddOffsetsToTxnResponse {
                            corr,
                            error: Some(ErrorCode::CoordinatorNotAvailable),
                        },
                    )],
                }
            }
            Message::EndTxn {
                corr,
                producer_id,
                producer_epoch,
                commit,
                ..
            } => self
                .txns
                .end_txn(from, corr, &tid, producer_id, producer_epoch, commit),
            _ => vec![],
        };
        self.run_txn_effects(ctx, fx);
    }

    pub(crate) fn run_txn_effects(&mut self, ctx: &mut Ctx, fx: Vec<TxnEffect>) {
        for e in fx {
            match e {
                TxnEffect::Send(to, m) => ctx.send(to, m),
                TxnEffect::Note(text) => ctx.emit(TraceKind::Note { text }),
                TxnEffect::Persist {
                    transactional_id,
                    then,
                } => {
                    let Some(tp) = self.txn_tp(&transactional_id) else {
                        continue;
                    };
                    let record = self.txns.record(&transactional_id);
                    self.append_internal_to(
                        ctx,
                        tp,
                        vec![(format!("txn/{transactional_id}"), record)],
                        ProducerStamp::NONE,
                        AfterAppend::Txn(transactional_id, then),
                    );
                }
                TxnEffect::WriteMarkers { transactional_id } => {
                    self.write_markers(ctx, &transactional_id)
                }
            }
        }
    }

    /// Send COMMIT/ABORT markers for the transaction's pending partitions to their leaders.
    fn write_markers(&mut self, ctx: &mut Ctx, tid: &str) {
        let Some(t) = self.txns.txns.get(tid).cloned() else {
            return;
        };
        let commit = t.state == txn::TxnState::PrepareCommit;
        let mut by_leader: VecMap<BrokerId, Vec<Tp>> = VecMap::new();
        for tp in t
            .pending_markers
            .iter()
            .filter(|tp| !t.markers_in_flight.contains(tp))
        {
            if let Some(r) = self.metadata.partition(*tp).filter(|r| r.has_leader()) {
                by_leader.entry(r.leader).or_default().push(*tp);
            }
        }
        for (leader, tps) in by_leader {
            let corr = self.next_id();
            if let Some(tm) = self.txns.txns.get_mut(tid) {
                tm.markers_in_flight.extend(tps.iter().copied());
            }
            self.marker_requests
                .insert(corr, (tid.to_string(), tps.clone()));
            // TransactionMarkerChannelManager retries a request that fails or times out
            // (request.timeout.ms); without an answer the markers would stay in flight
            // forever and the transaction never complete.
            ctx.set_timer(MARKERS_TIMEOUT_MS, Timer::RequestTimeout(corr));
            ctx.send(
                NodeId::Broker(leader),
                Message::WriteTxnMarkers {
                    corr,
                    producer_id: t.producer_id,
                    producer_epoch: t.producer_epoch,
                    commit,
                    partitions: tps,
                },
            );
        }
    }

    /// A WriteTxnMarkers request failed (the leader's connection was reset, or no answer
    /// came within the request timeout): its partitions' markers are pending again.
    pub(crate) fn on_markers_failed(&mut self, ctx: &mut Ctx, corr: u64) {
        let Some((tid, tps)) = self.marker_requests.remove(&corr) else {
            return;
        };
        let fx = self.txns.markers_written(&tid, &[], &tps);
        self.run_txn_effects(ctx, fx);
    }

    pub(crate) fn on_markers_response(
        &mut self,
        ctx: &mut Ctx,
        corr: u64,
        results: Vec<(Tp, Option<ErrorCode>)>,
    ) {
        let Some((tid, _)) = self.marker_requests.remove(&corr) else {
            return;
        };
        let ok: Vec<Tp> = results
            .iter()
            .filter(|r| r.1.is_none())
            .map(|r| r.0)
            .collect();
        let failed: Vec<Tp> = results
            .iter()
            .filter(|r| r.1.is_some())
            .map(|r| r.0)
            .collect();
        let fx = self.txns.markers_written(&tid, &ok, &failed);
        self.run_txn_effects(ctx, fx);
    }

    /// As a partition leader: append the markers, then answer once they are replicated.
    pub(crate) fn handle_write_markers(
        &mut self,
        ctx: &mut Ctx,
        from: NodeId,
        corr: u64,
        producer_id: i64,
        producer_epoch: i16,
        commit: bool,
        partitions: Vec<Tp>,
    ) {
        let now = ctx.wall;
        let control = if commit {
            ControlType::Commit
        } else {
            ControlType::Abort
        };
        let mut results = Vec::new();
        let mut waiting = Vec::new();
        for tp in partitions {
            let offsets_topic = self
                .metadata
                .topics
                .get(&tp.topic)
                .is_some_and(|t| t.name == group::OFFSETS_TOPIC);
            let offsets_parts = self
                .metadata
                .topics
                .get(&tp.topic)
                .map_or(1, |t| t.partitions);
            let Some(p) = self.partitions.get_mut(&tp).filter(|p| p.is_leader()) else {
                results.push(ProducePartitionResult {
                    tp,
                    error: Some(ErrorCode::NotLeaderOrFollower),
                    base_offset: -1,
                    log_append_time: None,
                });
                continue;
            };
            let epoch = p.leader_epoch;
            match p.log.append_control_as_leader(
                Records::control_batch(producer_id, producer_epoch, control, now as i64),
                epoch,
                now as i64,
            ) {
                Ok(offset) => {
                    ctx.emit(TraceKind::Append {
                        broker: self.id,
                        topic: ctx.topic_str(tp),
                        partition: tp.partition,
                        first_offset: offset,
                        last_offset: offset,
                        leader_epoch: epoch,
                    });
                    waiting.push((tp, offset + 1));
                    results.push(ProducePartitionResult {
                        tp,
                        error: None,
                        base_offset: offset,
                        log_append_time: None,
                    });
                    if offsets_topic {
                        // Offsets sent to the transaction become committed (or are dropped).
                        let groups: Vec<String> = self
                            .groups
                            .groups
                            .keys()
                            .filter(|g| group::partition_for(g, offsets_parts) == tp.partition)
                            .cloned()
                            .collect();
                        for g in groups {
                            let n = self.groups.complete_txn(now, &g, producer_id, commit);
                            if n > 0 {
                                ctx.emit(TraceKind::Group {
                                    group: g.clone(),
                                    event: format!(
                                        "{n} transactional offset(s) {}",
                                        if commit {
                                            "committed with the transaction"
                                        } else {
                                            "dropped: the transaction aborted"
                                        }
                                    ),
                                });
                            }
                        }
                    }
                }
                Err(e) => results.push(ProducePartitionResult {
                    tp,
                    error: Some(e),
                    base_offset: -1,
                    log_append_time: None,
                }),
            }
        }
        let touched: Vec<Tp> = waiting.iter().map(|(tp, _)| *tp).collect();
        let id = self.next_id();
        let parts = results.iter().map(|r| r.tp).collect();
        self.delayed_produce.insert(
            id,
            DelayedProduce {
                from,
                corr,
                then: Some(AfterAppend::Markers {
                    to: from,
                    corr,
                    partitions: parts,
                }),
                waiting,
                results,
            },
        );
        ctx.set_timer(30_000, Timer::DelayedProduceExpire(id));
        for tp in touched {
            self.after_append_pub(ctx, tp);
        }
        self.try_complete_produce_pub(ctx, id);
    }

    /// As a group coordinator: offsets sent to a transaction.
    pub(crate) fn handle_txn_offset_commit(&mut self, ctx: &mut Ctx, from: NodeId, msg: Message) {
        let Message::TxnOffsetCommit {
            corr,
            group,
            producer_id,
            producer_epoch,
            generation,
            member_id,
            offsets,
            ..
        } = msg
        else {
            return;
        };
        let fail = |e: ErrorCode, offsets: &[(crate::assignor::TopicPartition, i64)]| {
            Message::TxnOffsetCommitResponse {
                corr,
                results: offsets
                    .iter()
                    .map(|(tp, _)| (tp.clone(), Some(e)))
                    .collect(),
            }
        };
        let Some(tp) = self
            .offsets_tp(&group)
            .filter(|tp| self.partitions.get(tp).is_some_and(|p| p.is_leader()))
        else {
            ctx.send(from, fail(ErrorCode::NotCoordinator, &offsets));
            return;
        };
        if let Err(e) = self
            .groups
            .validate_txn_commit(&group, generation, &member_id, ctx.now)
        {
            ctx.send(from, fail(e, &offsets));
            return;
        }
        let records = offsets
            .iter()
            .map(|(t, o)| (group::offset_key(&group, t), o.to_string()))
            .collect();
        // Pending from now on, before the append completes (as
        // GroupMetadata.prepareTxnOffsetCommit): a COMMIT/ABORT marker appended while these
        // records still wait for the ISR must find them, or they would stay pending — and
        // block every read_committed OffsetFetch with UNSTABLE_OFFSET_COMMIT — forever
        // (simulation harness finding, issue 8).
        self.groups
            .txn_offsets_pending(ctx.now, &group, producer_id, &offsets);
        let stamp = ProducerStamp {
            producer_id,
            producer_epoch,
            base_sequence: crate::record::NO_SEQUENCE,
            is_transactional: true,
        };
        self.append_internal_to(
            ctx,
            tp,
            records,
            stamp,
            AfterAppend::TxnOffsetCommit {
                to: from,
                corr,
                group,
                producer_id,
                offsets,
            },
        );
    }

    pub(crate) fn after_txn_append(
        &mut self,
        ctx: &mut Ctx,
        then: AfterAppend,
        error: Option<ErrorCode>,
    ) {
        match then {
            AfterAppend::TxnOffsetCommit {
                to,
                corr,
                group,
                producer_id,
                offsets,
            } => {
                let error = error.map(|_| ErrorCode::NotCoordinator);
                if error.is_some() {
                    // GroupMetadata.failPendingTxnOffsetCommit.
                    self.groups.fail_txn_offsets(&group, producer_id, &offsets);
                }
                ctx.send(
                    to,
                    Message::TxnOffsetCommitResponse {
                        corr,
                        results: offsets.into_iter().map(|(tp, _)| (tp, error)).collect(),
                    },
                );
            }
            AfterAppend::Txn(tid, after) => {
                // The new state takes effect only now that its record is replicated
                // (TransactionStateManager.appendTransactionToLog → completeTransitionTo);
                // a failed append puts the old state back (pendingState reset). Until then the
                // coordinator neither answered nor sent markers: a PrepareCommit that never
                // reaches the ISR can be lost in a failover, and the new coordinator then
                // aborts the transaction (simulation harness finding, seeds 10067 and 15446).
                let error = match error {
                    None if self.txns.transition_done(&tid) => None,
                    None => Some(ErrorCode::NotCoordinator),
                    Some(e) => {
                        self.txns.transition_failed(&tid);
                        Some(e)
                    }
                };
                match (after, error) {
                    (TxnAfter::Respond(to, msg), None) => ctx.send(to, msg),
                    (TxnAfter::Respond(to, msg), Some(_))
                    | (
                        TxnAfter::Prepared {
                            reply: Some((to, msg)),
                            ..
                        },
                        Some(_),
                    ) => {
                        if let Some(corr) = response_corr(&msg) {
                            ctx.send(to, error_response(&msg, corr));
                        }
                    }
                    (
                        TxnAfter::Prepared {
                            reply,
                            transactional_id,
                        },
                        None,
                    ) => {
                        // sendTxnMarkersCallback: answer the client, then the markers.
                        if let Some((to, msg)) = reply {
                            ctx.send(to, msg);
                        }
                        self.write_markers(ctx, &transactional_id);
                    }
                    (TxnAfter::Prepared { reply: None, .. }, Some(_)) | (TxnAfter::Nothing, _) => {}
                }
            }
            AfterAppend::Markers {
                to,
                corr,
                partitions,
            } => {
                // Per-partition errors were recorded in the delayed produce's results.
                let results = partitions.into_iter().map(|tp| (tp, error)).collect();
                ctx.send(to, Message::WriteTxnMarkersResponse { corr, results });
            }
            _ => {}
        }
    }

    /// Rebuild transaction state from a `__transaction_state` partition this broker now leads.
    pub(crate) fn load_txns(&mut self, ctx: &mut Ctx, tp: Tp) {
        let Some(p) = self.partitions.get(&tp) else {
            return;
        };
        let mut entries = Vec::new();
        for chunk in p.log.chunks() {
            for e in chunk.entries() {
                let r = chunk.record(e);
                let key = r
                    .key
                    .map(|k| String::from_utf8_lossy(&k).into_owned())
                    .unwrap_or_default();
                if let (Some(tid), Some(v)) = (key.strip_prefix("txn/"), r.value) {
                    entries.push((tid.to_string(), String::from_utf8_lossy(&v).into_owned()));
                }
            }
        }
        let n = entries.len();
        for (tid, v) in entries {
            self.txns.load(&tid, &v);
        }
        if n > 0 {
            ctx.emit(TraceKind::Note {
                text: format!(
                    "broker-{} loaded {n} transaction record(s) from {TXN_TOPIC}-{}",
                    self.id, tp.partition
                ),
            });
        }
    }

    pub(crate) fn unload_txns(&mut self, tp: Tp) {
        let parts = self
            .metadata
            .topics
            .get(&tp.topic)
            .map_or(1, |t| t.partitions);
        self.txns
            .retain(|tid| txn::partition_for(tid, parts) != tp.partition);
    }

    pub(crate) fn txn_tick(&mut self, ctx: &mut Ctx) {
        let mine: Vec<String> = self
            .txns
            .txns
            .keys()
            .filter(|t| self.is_txn_coordinator(t))
            .cloned()
            .collect();
        let fx = self
            .txns
            .tick(ctx.wall, |tid| mine.iter().any(|m| m == tid));
        self.run_txn_effects(ctx, fx);
    }
}

fn response_corr(m: &Message) -> Option<u64> {
    match m {
        Message::InitProducerIdResponse { corr, .. }
        | Message::AddPartitionsToTxnResponse { corr, .. }
        | Message::AddOffsetsToTxnResponse { corr, .. }
        | Message::EndTxnResponse { corr, .. } => Some(*corr),
        _ => None,
    }
}

/// The same response, failed with NOT_COORDINATOR (the state write did not replicate).
fn error_response(m: &Message, corr: u64) -> Message {
    let e = Some(ErrorCode::NotCoordinator);
    match m {
        Message::AddPartitionsToTxnResponse { results, .. } => {
            Message::AddPartitionsToTxnResponse {
                corr,
                results: results.iter().map(|(tp, _)| (*tp, e)).collect(),
            }
        }
        Message::AddOffsetsToTxnResponse { .. } => {
            Message::AddOffsetsToTxnResponse { corr, error: e }
        }
        Message::EndTxnResponse { .. } => Message::EndTxnResponse { corr, error: e },
        _ => Message::InitProducerIdResponse {
            corr,
            error: e,
            producer_id: -1,
            producer_epoch: -1,
        },
    }
}
