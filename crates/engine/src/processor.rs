//! A stream processor (the seed's read-process-write pipeline, Kafka Streams style): a
//! consumer in a group reads an input topic, each record is transformed (upper-cased), the
//! result is produced to an output topic, and the input offsets are committed —
//! `at_least_once` (produce, wait for acks, then commit offsets) or `exactly_once`
//! (a transaction holding the output records and the input offsets).

use crate::cluster::{Client, Cluster, Event};
use crate::error::{SimError, SimResult};
use crate::record::Record;
use crate::trace::TraceKind;
use crate::transaction_manager::TxnPhase;
use crate::types::{Millis, Tp};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const TICK_MS: Millis = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Guarantee {
    AtLeastOnce,
    ExactlyOnce,
}

impl Guarantee {
    pub fn parse(s: &str) -> Option<Guarantee> {
        match s {
            "at_least_once" => Some(Guarantee::AtLeastOnce),
            "exactly_once" | "exactly_once_v2" => Some(Guarantee::ExactlyOnce),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Guarantee::AtLeastOnce => "at_least_once",
            Guarantee::ExactlyOnce => "exactly_once",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Step {
    /// Waiting for input.
    Idle,
    /// at_least_once: output sent, waiting for the acknowledgements before committing.
    AwaitAcks { positions: Vec<(Tp, i64)> },
    /// at_least_once: offsets sent, waiting for the commit to be confirmed.
    AwaitCommit { positions: Vec<(Tp, i64)> },
    /// exactly_once: commitTransaction sent, waiting for it to complete.
    AwaitTxn,
    /// exactly_once: the transaction failed; aborting, then rewinding to committed offsets.
    Aborting,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Processor {
    pub id: String,
    pub input: String,
    pub output: String,
    pub group: String,
    pub guarantee: Guarantee,
    pub consumer: String,
    pub producer: String,
    pub step: Step,
    pub alive: bool,
    pub batches: u64,
    pub crashes: u32,
    /// What it did last (for the page).
    pub last_action: String,
    pub consumer_config: BTreeMap<String, String>,
    pub processing_ms: Millis,
}

/// How the output compares to the input: the pipeline's exactly-once check.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PipelineCheck {
    /// Input records the group has committed past.
    pub inputs: u64,
    /// Output records a read_committed reader sees.
    pub outputs: u64,
    /// Extra copies of an input record in the output.
    pub duplicates: u64,
    /// Committed input records with no output.
    pub lost: u64,
}

impl Cluster {
    /// Start a stream processor with its consumer (`{id}-consumer`, group `group`) and producer
    /// (`{id}-producer`; transactional with `transactional.id` = `{id}` under exactly_once).
    pub fn add_processor(
        &mut self,
        id: &str,
        input: &str,
        output: &str,
        group: &str,
        guarantee: Guarantee,
        processing_ms: Millis,
    ) -> SimResult<()> {
        if self.processors.iter().any(|p| p.id == id) {
            return Err(SimError::command(format!(
                "a processor named '{id}' already exists"
            )));
        }
        for t in [input, output] {
            self.tp(t, 0)?;
        }
        let mut consumer_config = BTreeMap::new();
        consumer_config.insert("auto.offset.reset".to_string(), "earliest".to_string());
        consumer_config.insert("enable.auto.commit".to_string(), "false".to_string());
        consumer_config.insert("session.timeout.ms".to_string(), "10000".to_string());
        consumer_config.insert("heartbeat.interval.ms".to_string(), "1000".to_string());
        consumer_config.insert("max.poll.records".to_string(), "10".to_string());
        if guarantee == Guarantee::ExactlyOnce {
            consumer_config.insert("isolation.level".to_string(), "read_committed".to_string());
        }
        let p = Processor {
            id: id.to_string(),
            input: input.to_string(),
            output: output.to_string(),
            group: group.to_string(),
            guarantee,
            consumer: format!("{id}-consumer"),
            producer: format!("{id}-producer"),
            step: Step::Idle,
            alive: false,
            batches: 0,
            crashes: 0,
            last_action: "starting".into(),
            consumer_config,
            processing_ms,
        };
        self.processors.push(p);
        let idx = self.processors.len() as u32 - 1;
        self.start_processor_clients(idx)?;
        let now = self.now();
        self.push(now + TICK_MS, Event::ProcessorTick { processor: idx });
        Ok(())
    }

    fn start_processor_clients(&mut self, idx: u32) -> SimResult<()> {
        let Some(p) = self.processors.get(idx as usize).cloned() else {
            return Ok(());
        };
        let mut producer_config = BTreeMap::new();
        match p.guarantee {
            Guarantee::ExactlyOnce => {
                producer_config.insert("transactional.id".to_string(), p.id.clone());
            }
            Guarantee::AtLeastOnce => {
                producer_config.insert("enable.idempotence".to_string(), "false".to_string());
                producer_config.insert("acks".to_string(), "all".to_string());
            }
        }
        self.add_producer(&p.producer, &producer_config)?;
        let ci = self.add_consumer_with(
            &p.consumer,
            Some(&p.group),
            std::slice::from_ref(&p.input),
            &p.consumer_config,
            0,
            Some("manual"),
        )?;
        self.with_consumer(ci, |c, _| c.handoff = true);
        if let Some(pm) = self.processors.get_mut(idx as usize) {
            pm.alive = true;
            pm.step = Step::Idle;
        }
        Ok(())
    }

    fn processor_index(&self, id: &str) -> SimResult<usize> {
        self.processors
            .iter()
            .position(|p| p.id == id)
            .ok_or_else(|| SimError::command(format!("no processor named '{id}'")))
    }

    /// Kill the processor (its consumer and producer) mid-step.
    pub fn crash_processor(&mut self, id: &str) -> SimResult<()> {
        let i = self.processor_index(id)?;
        let Some(p) = self.processors.get(i).cloned() else {
            return Ok(());
        };
        if !p.alive {
            return Err(SimError::command(format!(
                "processor '{id}' is already stopped"
            )));
        }
        self.note(&format!("processor {id} crashes ({:?})", p.step));
        self.crash_client(&p.consumer)?;
        self.crash_client(&p.producer)?;
        if let Some(pm) = self.processors.get_mut(i) {
            pm.alive = false;
            pm.crashes += 1;
            pm.step = Step::Idle;
            pm.last_action = "crashed".into();
        }
        Ok(())
    }

    /// Restart a stopped processor: it resumes from the group's committed offsets.
    pub fn restart_processor(&mut self, id: &str) -> SimResult<()> {
        let i = self.processor_index(id)?;
        if self.processors.get(i).is_some_and(|p| p.alive) {
            return Err(SimError::command(format!("processor '{id}' is running")));
        }
        self.note(&format!(
            "processor {id} restarts from its committed offsets"
        ));
        self.start_processor_clients(i as u32)
    }

    pub(crate) fn processor_tick(&mut self, idx: u32) {
        let now = self.now();
        self.push(now + TICK_MS, Event::ProcessorTick { processor: idx });
        let Some(p) = self.processors.get(idx as usize).cloned() else {
            return;
        };
        if !p.alive {
            return;
        }
        let (Ok(ci), Ok(pi)) = (
            self.consumer_index(&p.consumer),
            self.producer_index(&p.producer),
        ) else {
            return;
        };
        let phase = match self.clients.get(pi as usize) {
            Some(Client::Producer(pr)) => (pr.txn.as_ref().map(|t| t.phase), pr.pending_records()),
            _ => return,
        };
        let set = |c: &mut Cluster, step: Step, action: &str| {
            if let Some(pm) = c.processors.get_mut(idx as usize) {
                pm.step = step;
                pm.last_action = action.to_string();
            }
        };
        match p.step {
            Step::Idle => {
                if p.guarantee == Guarantee::ExactlyOnce && phase.0 != Some(TxnPhase::Ready) {
                    if matches!(phase.0, Some(TxnPhase::Fatal(_))) {
                        set(self, Step::Idle, "fenced: another instance took over");
                        if let Some(pm) = self.processors.get_mut(idx as usize) {
                            pm.alive = false;
                        }
                    }
                    return;
                }
                let records: Vec<(Tp, Record)> = self
                    .with_consumer(ci, |c, _| std::mem::take(&mut c.handed))
                    .unwrap_or_default();
                if records.is_empty() {
                    return;
                }
                let positions = self
                    .with_consumer(ci, |c, _| c.consumed_positions())
                    .unwrap_or_default();
                if p.guarantee == Guarantee::ExactlyOnce && self.begin_txn(&p.producer).is_err() {
                    return;
                }
                for (_, r) in &records {
                    let key = r
                        .key
                        .as_ref()
                        .map(|k| String::from_utf8_lossy(k).into_owned());
                    let value = r
                        .value
                        .as_ref()
                        .map(|v| String::from_utf8_lossy(v).to_uppercase());
                    let headers = vec![("src".to_string(), r.id.to_string())];
                    let _ = self.produce(
                        &p.producer,
                        &p.output,
                        key.as_deref(),
                        value.as_deref(),
                        None,
                        &headers,
                        1,
                    );
                }
                let n = records.len();
                match p.guarantee {
                    Guarantee::ExactlyOnce => {
                        let _ = self.send_offsets(&p.producer, &p.consumer);
                        let _ = self.commit_txn(&p.producer);
                        set(
                            self,
                            Step::AwaitTxn,
                            &format!("transaction: {n} record(s) + offsets, commitTransaction"),
                        );
                    }
                    Guarantee::AtLeastOnce => set(
                        self,
                        Step::AwaitAcks { positions },
                        &format!("sent {n} record(s), waiting for acks"),
                    ),
                }
            }
            Step::AwaitAcks { positions } => {
                if phase.1 == 0 {
                    self.with_consumer(ci, |c, ctx| {
                        c.commit(ctx, positions.clone(), "stream task commit")
                    });
                    set(
                        self,
                        Step::AwaitCommit { positions },
                        "output acknowledged; committing input offsets",
                    );
                }
            }
            Step::AwaitCommit { positions } => {
                let (done, in_flight, owned) = match self.clients.get(ci as usize) {
                    Some(Client::Consumer(c)) => (
                        c.committed_offsets()
                            .is_some_and(|m| positions.iter().all(|(tp, o)| m.get(tp) == Some(o))),
                        c.commit_in_flight(),
                        positions.iter().all(|(tp, _)| c.assignment.contains(tp)),
                    ),
                    _ => (false, false, false),
                };
                if done {
                    if let Some(pm) = self.processors.get_mut(idx as usize) {
                        pm.batches += 1;
                    }
                    set(self, Step::Idle, "batch done");
                } else if !in_flight && owned {
                    // The commit failed (e.g. NOT_COORDINATOR, or a timeout): commitSync
                    // retries retriable errors; without a coordinator this waits for one.
                    self.with_consumer(ci, |c, ctx| {
                        c.commit(ctx, positions.clone(), "stream task commit (retry)")
                    });
                } else if !in_flight {
                    // CommitFailedException: the partitions were revoked. The task is closed
                    // dirty; whoever owns the partitions now starts from the committed offsets
                    // and writes this output again (at_least_once).
                    self.with_consumer(ci, |c, _| c.rewind_to_committed());
                    set(
                        self,
                        Step::Idle,
                        "commit failed: partitions revoked; rewound to committed offsets",
                    );
                }
            }
            Step::AwaitTxn => match phase.0 {
                Some(TxnPhase::Ready) => {
                    if let Some(pm) = self.processors.get_mut(idx as usize) {
                        pm.batches += 1;
                    }
                    set(self, Step::Idle, "transaction committed");
                }
                Some(TxnPhase::Abortable(_)) => {
                    let _ = self.abort_txn(&p.producer);
                    set(self, Step::Aborting, "transaction failed: aborting");
                }
                Some(TxnPhase::Fatal(_)) => {
                    set(self, Step::Idle, "fenced: another instance took over");
                    if let Some(pm) = self.processors.get_mut(idx as usize) {
                        pm.alive = false;
                    }
                }
                _ => {}
            },
            Step::Aborting => {
                if phase.0 == Some(TxnPhase::Ready) {
                    self.with_consumer(ci, |c, _| c.rewind_to_committed());
                    self.trace.push(
                        self.now(),
                        TraceKind::Note {
                            text: format!(
                                "processor {}: aborted; rewinding to committed offsets",
                                p.id
                            ),
                        },
                    );
                    set(self, Step::Idle, "aborted; rewound to committed offsets");
                }
            }
        }
    }

    /// Compare the output topic with the input the group has committed past.
    pub fn pipeline_check(&self, id: &str) -> Option<PipelineCheck> {
        let p = self.processors.iter().find(|p| p.id == id)?;
        // B-trees: one entry per record, inserted out of order across partitions.
        let mut counts: BTreeMap<u64, u64> = BTreeMap::new();
        let mut outputs = 0u64;
        let out_id = self.topic_id(&p.output)?;
        let out_parts = self
            .controller
            .image
            .topics
            .get(&out_id)
            .map_or(0, |t| t.partitions);
        for part in 0..out_parts {
            let tp = Tp::new(out_id, part);
            let view = self.partition_view(tp);
            for r in self.records(&p.output, part, None, 0, usize::MAX) {
                if r.control.is_some() || r.offset >= view.last_stable_offset {
                    continue;
                }
                if self.is_aborted(tp, r.producer_id, r.offset) {
                    continue;
                }
                let src = self
                    .records_headers(&p.output, part, r.offset)
                    .and_then(|h| h.into_iter().find(|(k, _)| k == "src"))
                    .and_then(|(_, v)| String::from_utf8_lossy(&v).parse::<u64>().ok());
                if let Some(s) = src {
                    *counts.entry(s).or_default() += 1;
                    outputs += 1;
                }
            }
        }
        let g = self.group_view(&p.group);
        let mut inputs = 0u64;
        let mut lost = 0u64;
        let mut input_copies: BTreeMap<u64, u64> = BTreeMap::new();
        let in_id = self.topic_id(&p.input)?;
        let in_parts = self
            .controller
            .image
            .topics
            .get(&in_id)
            .map_or(0, |t| t.partitions);
        for part in 0..in_parts {
            let committed = g
                .as_ref()
                .and_then(|g| {
                    g.committed
                        .iter()
                        .find(|c| *c.topic == *p.input && c.partition == part)
                        .map(|c| c.offset)
                })
                .unwrap_or(0);
            for r in self.records(&p.input, part, None, 0, usize::MAX) {
                if r.control.is_some() || r.offset >= committed {
                    continue;
                }
                inputs += 1;
                *input_copies.entry(r.id).or_default() += 1;
                if !counts.contains_key(&r.id) {
                    lost += 1;
                }
            }
        }
        // Outputs name their input by record id. The input log can hold one record twice (an
        // idempotent producer's KIP-360 renumbering, or retries without idempotence): each
        // committed copy is an input of its own and may have its own output.
        let duplicates = counts
            .iter()
            .map(|(id, n)| n.saturating_sub(input_copies.get(id).copied().unwrap_or(0).max(1)))
            .sum();
        Some(PipelineCheck {
            inputs,
            outputs,
            duplicates,
            lost,
        })
    }

    /// Whether the record at `offset` belongs to an aborted transaction (the log's
    /// transaction index, as a read_committed fetch reports it).
    pub fn is_aborted(&self, tp: Tp, producer_id: i64, offset: i64) -> bool {
        if producer_id < 0 {
            return false;
        }
        let Some(leader) = self.leader_of(tp) else {
            return false;
        };
        let Some(p) = self
            .brokers
            .get(&leader)
            .and_then(|b| b.partitions.get(&tp))
        else {
            return false;
        };
        p.log.aborted_txns().iter().any(|t| {
            t.producer_id == producer_id && t.first_offset <= offset && offset < t.last_offset
        })
    }

    /// Records of aborted transactions a consumer's application received.
    pub fn aborted_reads(&self, consumer: &str) -> u64 {
        self.ledger
            .txn_deliveries
            .iter()
            .filter(|((c, _), _)| c == consumer)
            .flat_map(|(_, ids)| ids.iter())
            .filter(|id| {
                self.ledger.get(**id).is_some_and(|e| {
                    e.txn_committed == Some(false)
                        || e.appends.iter().any(|a| {
                            let pid = self
                                .brokers
                                .get(&a.broker)
                                .and_then(|b| b.partitions.get(&e.tp))
                                .and_then(|p| p.log.entry_at(a.offset))
                                .map(|(b, _)| b.producer_id)
                                .unwrap_or(-1);
                            self.is_aborted(e.tp, pid, a.offset)
                        })
                })
            })
            .count() as u64
    }

    fn records_headers(
        &self,
        topic: &str,
        partition: i32,
        offset: i64,
    ) -> Option<Vec<(String, Vec<u8>)>> {
        let tp = self.tp(topic, partition).ok()?;
        let leader = self.leader_of(tp)?;
        let log = &self.brokers.get(&leader)?.partitions.get(&tp)?.log;
        for chunk in log.chunks() {
            if let Some(e) = chunk.entry_at(offset) {
                return Some(chunk.headers(e));
            }
        }
        None
    }
}
