//! Commands: what a scenario script, a shared link, the page and the CLI can do to a
//! cluster. One enum, so everything a user does can be recorded and replayed.

use crate::cluster::{Cluster, ResetTo, SeekTo};
use crate::config::props_from_json;
use crate::error::{SimError, SimResult};
use crate::tagged::internally_tagged;
use crate::types::{BrokerId, Millis, NodeId};
use crate::workload::Workload;
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;

/// A broker named by id or as "the leader of topic-partition right now".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeRef {
    Broker(BrokerId),
    LeaderOf(String),
}

type ConfigMap = BTreeMap<String, serde_json::Value>;

internally_tagged! {
tag = "do", remote = "Action", serde(rename_all = "snake_case", deny_unknown_fields),
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub enum Action {
    /// `producer.send()` of one record, or `count` records (`{i}` in key/value is the index).
    Produce {
        producer: String,
        topic: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        partition: Option<i32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        count: Option<u32>,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        headers: BTreeMap<String, String>,
    },
    /// Produce continuously at `rate_per_sec`, keyed from `keys` distinct keys (keyless if absent).
    StartWorkload {
        producer: String,
        topic: String,
        rate_per_sec: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        keys: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key_prefix: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value_bytes: Option<usize>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        duration_ms: Option<Millis>,
    },
    StopWorkload {
        producer: String,
    },
    /// Crash a broker (its log survives). Name it by `broker` id or `leader_of` "topic-partition".
    StopBroker {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        broker: Option<BrokerId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        leader_of: Option<String>,
    },
    /// A broker loses power (running or stopped): it stops, and its logs keep only what had
    /// reached the disk (Kafka's flushes and the OS's 30 s writeback). Restart it with
    /// `start_broker`.
    PowerLoss {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        broker: Option<BrokerId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        leader_of: Option<String>,
    },
    /// Restart a stopped broker with its log.
    StartBroker {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        broker: Option<BrokerId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        leader_of: Option<String>,
    },
    /// Cut a broker off from every other node (it keeps running).
    IsolateBroker {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        broker: Option<BrokerId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        leader_of: Option<String>,
    },
    /// Reconnect every isolated node.
    Heal {},
    /// Stop a broker's replica fetchers: a slow follower that stays in the ISR until
    /// `replica.lag.time.max.ms` passes.
    PauseFetchers {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        broker: Option<BrokerId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        leader_of: Option<String>,
    },
    ResumeFetchers {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        broker: Option<BrokerId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        leader_of: Option<String>,
    },
    /// Latency of the link between two nodes ("broker-1", "controller", or a client id).
    SetLatency {
        from: String,
        to: String,
        latency_ms: Millis,
    },
    CreateTopic {
        name: String,
        #[serde(default = "one")]
        partitions: i32,
        #[serde(default = "one")]
        replication_factor: i32,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        config: ConfigMap,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        replica_assignment: Option<Vec<Vec<BrokerId>>>,
    },
    /// `kafka-configs.sh --alter` on a topic; an empty string value deletes the override.
    SetTopicConfig {
        topic: String,
        config: ConfigMap,
    },
    /// Change producer settings (e.g. `acks`).
    SetProducerConfig {
        producer: String,
        config: ConfigMap,
    },
    AddProducer {
        id: String,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        config: ConfigMap,
    },
    AddConsumer {
        id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        group: Option<String>,
        topics: Vec<String>,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        config: ConfigMap,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        processing_ms: Option<Millis>,
        /// When the application commits: "auto" (enable.auto.commit), "after_processing",
        /// "before_processing" or "manual".
        #[serde(default, skip_serializing_if = "Option::is_none")]
        commit: Option<String>,
    },
    /// Kill a client process without a goodbye.
    CrashClient {
        client: String,
    },
    /// Kill a consumer without a goodbye (it stays in its group until the session times out).
    CrashConsumer {
        consumer: String,
    },
    /// `producer.beginTransaction()` (the producer needs a `transactional.id`; it runs
    /// `initTransactions()` when it starts).
    BeginTxn {
        producer: String,
    },
    /// `producer.sendOffsetsToTransaction(positions, groupMetadata)` with a consumer's
    /// current positions and group.
    SendOffsets {
        producer: String,
        consumer: String,
    },
    CommitTxn {
        producer: String,
    },
    AbortTxn {
        producer: String,
    },
    /// A stream processor: reads `input` in `group`, upper-cases values, writes `output`,
    /// with `guarantee` "at_least_once" or "exactly_once".
    AddProcessor {
        id: String,
        input: String,
        output: String,
        group: String,
        guarantee: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        processing_ms: Option<Millis>,
    },
    /// A traditional queue (SQS/RabbitMQ-style) for comparison with the log.
    CreateQueue {
        name: String,
        #[serde(default = "default_visibility")]
        visibility_timeout_ms: Millis,
    },
    /// Send messages to a queue (`{i}` in key/value is the index).
    QueueSend {
        queue: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key: Option<String>,
        value: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        count: Option<u32>,
    },
    /// A competing consumer of a queue; `ack` "auto" (after processing) or "manual".
    AddQueueConsumer {
        id: String,
        queue: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        processing_ms: Option<Millis>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ack: Option<String>,
    },
    /// Acknowledge the message a queue consumer holds: the queue deletes it.
    AckQueue {
        consumer: String,
    },
    CrashQueueConsumer {
        consumer: String,
    },
    /// Kill a processor at whatever step it is in.
    CrashProcessor {
        id: String,
    },
    /// Restart a crashed processor: it resumes from its group's committed offsets.
    RestartProcessor {
        id: String,
    },
    /// `consumer.close()`: commit if auto-committing, leave the group, stop.
    RemoveConsumer {
        consumer: String,
    },
    /// `commitSync()` of the consumer's current positions.
    Commit {
        consumer: String,
    },
    /// `seek` on an assigned partition: give `offset`, or `to` = "beginning" | "end", or
    /// `timestamp` (ms; the first offset with a timestamp at or after it).
    Seek {
        consumer: String,
        topic: String,
        partition: i32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        offset: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        timestamp: Option<i64>,
    },
    /// `kafka-consumer-groups.sh --reset-offsets` for an inactive group: exactly one of
    /// `to_earliest`, `to_latest`, `to_offset`, `to_datetime` (ms), `shift_by`.
    ResetOffsets {
        group: String,
        topic: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to_earliest: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to_latest: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to_offset: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to_datetime: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        shift_by: Option<i64>,
    },
    /// The broker appends the producer's next `count` produce requests but the responses are
    /// lost, so the producer retries.
    LoseResponse {
        producer: String,
        count: u32,
    },
    /// `kafka-leader-election.sh --election-type PREFERRED --all-topic-partitions`.
    ElectPreferredLeaders {},
    /// Fast-forward the wall clock by `ms` (e.g. 604800000 = 7 days) without simulating
    /// every idle millisecond: data ages, brokers then run retention, the log cleaner and
    /// transaction timeouts at once. Liveness (sessions, ISR) is unaffected.
    AdvanceTime {
        ms: Millis,
    },
    /// Event sourcing: a projection (read model) of `topic`, built by replaying it from
    /// offset 0. `fold` "sum" adds signed amounts per key (balances), "latest" keeps the
    /// latest value per key (a table). `as_of_ms` ignores events after that timestamp.
    AddProjection {
        id: String,
        topic: String,
        #[serde(default = "default_fold")]
        fold: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        as_of_ms: Option<i64>,
    },
    /// Drop the projection and rebuild it by replaying from offset 0 (as of `as_of_ms`).
    RebuildProjection {
        id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        as_of_ms: Option<i64>,
    },
    /// A note in the event log (for tours).
    Note {
        text: String,
    },
    /// A `KafkaShareConsumer` in share group `group` (KIP-932, Kafka 4.0+): records of a
    /// partition are handed out one by one to the group's members. `config` takes share
    /// consumer configs, e.g. `share.acknowledgement.mode` ("implicit" or "explicit") and
    /// `max.poll.records`.
    AddShareConsumer {
        id: String,
        group: String,
        topics: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        processing_ms: Option<Millis>,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        config: ConfigMap,
    },
    /// A share consumer's application acknowledges one record of its last poll
    /// (`share.acknowledgement.mode=explicit`): `type` is "accept", "release" or "reject".
    ShareAck {
        consumer: String,
        topic: String,
        partition: i32,
        offset: i64,
        #[serde(rename = "type")]
        ack_type: String,
    },
    /// `kafka-configs.sh --alter --entity-type groups`: group configs such as
    /// `share.auto.offset.reset` ("earliest" or "latest"); an empty value deletes one.
    SetGroupConfig {
        group: String,
        config: ConfigMap,
    },
}
}

fn default_visibility() -> Millis {
    30_000
}

fn default_fold() -> String {
    "sum".into()
}

fn one() -> i32 {
    1
}

pub fn node_ref(broker: &Option<BrokerId>, leader_of: &Option<String>) -> SimResult<NodeRef> {
    match (broker, leader_of) {
        (Some(b), None) => Ok(NodeRef::Broker(*b)),
        (None, Some(s)) => Ok(NodeRef::LeaderOf(s.clone())),
        (Some(_), Some(_)) => Err(SimError::command(
            "give either `broker` or `leader_of`, not both",
        )),
        (None, None) => Err(SimError::command(
            "name the broker with `broker` (an id) or `leader_of` (\"topic-partition\")",
        )),
    }
}

/// Parse a node name: "controller", "broker-N", or a client id.
pub fn parse_node(cluster: &Cluster, s: &str) -> SimResult<NodeId> {
    if s == "controller" {
        return Ok(NodeId::Controller);
    }
    if let Some(n) = s.strip_prefix("broker-") {
        if let Ok(b) = n.parse::<BrokerId>() {
            if cluster.brokers.contains_key(&b) {
                return Ok(NodeId::Broker(b));
            }
        }
    }
    cluster.client_index(s).map(NodeId::Client).ok_or_else(|| {
        SimError::command(format!(
            "no node named '{s}' (use \"controller\", \"broker-N\" or a client id)"
        ))
    })
}

pub fn apply(cluster: &mut Cluster, action: &Action) -> SimResult<()> {
    match action {
        Action::Produce {
            producer,
            topic,
            key,
            value,
            partition,
            count,
            headers,
        } => {
            let headers: Vec<(String, String)> = headers
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            cluster.produce(
                producer,
                topic,
                key.as_deref(),
                value.as_deref(),
                *partition,
                &headers,
                count.unwrap_or(1),
            )?;
        }
        Action::StartWorkload {
            producer,
            topic,
            rate_per_sec,
            keys,
            key_prefix,
            value_bytes,
            duration_ms,
        } => {
            if !rate_per_sec.is_finite() || *rate_per_sec <= 0.0 {
                return Err(SimError::command("rate_per_sec must be a positive number"));
            }
            let until = duration_ms.map(|d| cluster.now() + d);
            let w = Workload::new(
                topic,
                *rate_per_sec,
                *keys,
                key_prefix.as_deref().unwrap_or("key-"),
                value_bytes.unwrap_or(100),
                until,
            );
            cluster.start_workload(producer, w)?;
        }
        Action::StopWorkload { producer } => cluster.stop_workload(producer)?,
        Action::StopBroker { broker, leader_of } => {
            let b = cluster.resolve_broker(&node_ref(broker, leader_of)?)?;
            cluster.stop_broker(b)?;
        }
        Action::PowerLoss { broker, leader_of } => {
            let b = cluster.resolve_broker(&node_ref(broker, leader_of)?)?;
            cluster.power_loss(b)?;
        }
        Action::StartBroker { broker, leader_of } => {
            let b = cluster.resolve_broker(&node_ref(broker, leader_of)?)?;
            cluster.start_broker(b)?;
        }
        Action::IsolateBroker { broker, leader_of } => {
            let b = cluster.resolve_broker(&node_ref(broker, leader_of)?)?;
            cluster.isolate(NodeId::Broker(b));
        }
        Action::Heal {} => cluster.heal(),
        Action::PauseFetchers { broker, leader_of } => {
            let b = cluster.resolve_broker(&node_ref(broker, leader_of)?)?;
            cluster.set_fetchers_paused(b, true)?;
        }
        Action::ResumeFetchers { broker, leader_of } => {
            let b = cluster.resolve_broker(&node_ref(broker, leader_of)?)?;
            cluster.set_fetchers_paused(b, false)?;
        }
        Action::SetLatency {
            from,
            to,
            latency_ms,
        } => {
            let a = parse_node(cluster, from)?;
            let b = parse_node(cluster, to)?;
            if *latency_ms > 60_000 {
                return Err(SimError::command("latency_ms above 60000 is not supported"));
            }
            cluster.net.set_latency(a, b, *latency_ms);
        }
        Action::CreateTopic {
            name,
            partitions,
            replication_factor,
            config,
            replica_assignment,
        } => {
            let cfg = props_from_json(config)?;
            cluster.create_topic(
                name,
                *partitions,
                *replication_factor,
                &cfg,
                replica_assignment.clone(),
            )?;
        }
        Action::SetTopicConfig { topic, config } => {
            let cfg = props_from_json(config)?;
            cluster.set_topic_config(topic, &cfg)?;
        }
        Action::SetProducerConfig { producer, config } => {
            let cfg = props_from_json(config)?;
            cluster.set_producer_config(producer, &cfg)?;
        }
        Action::AddProducer { id, config } => {
            let cfg = props_from_json(config)?;
            cluster.add_producer(id, &cfg)?;
        }
        Action::AddConsumer {
            id,
            group,
            topics,
            config,
            processing_ms,
            commit,
        } => {
            let cfg = props_from_json(config)?;
            cluster.add_consumer_with(
                id,
                group.as_deref(),
                topics,
                &cfg,
                processing_ms.unwrap_or(0),
                commit.as_deref(),
            )?;
        }
        Action::RemoveConsumer { consumer } => cluster.close_consumer(consumer)?,
        Action::BeginTxn { producer } => cluster.begin_txn(producer)?,
        Action::SendOffsets { producer, consumer } => cluster.send_offsets(producer, consumer)?,
        Action::CommitTxn { producer } => cluster.commit_txn(producer)?,
        Action::AbortTxn { producer } => cluster.abort_txn(producer)?,
        Action::AddProcessor {
            id,
            input,
            output,
            group,
            guarantee,
            processing_ms,
        } => {
            let g = crate::processor::Guarantee::parse(guarantee).ok_or_else(|| {
                SimError::command(format!(
                    "guarantee '{guarantee}' is not at_least_once or exactly_once"
                ))
            })?;
            cluster.add_processor(id, input, output, group, g, processing_ms.unwrap_or(0))?;
        }
        Action::CrashProcessor { id } => cluster.crash_processor(id)?,
        Action::CreateQueue {
            name,
            visibility_timeout_ms,
        } => cluster.create_queue(name, *visibility_timeout_ms)?,
        Action::QueueSend {
            queue,
            key,
            value,
            count,
        } => cluster.queue_send(queue, key.as_deref(), value, count.unwrap_or(1))?,
        Action::AddQueueConsumer {
            id,
            queue,
            processing_ms,
            ack,
        } => {
            let auto = match ack.as_deref() {
                None | Some("auto") => true,
                Some("manual") => false,
                Some(other) => {
                    return Err(SimError::command(format!(
                        "ack '{other}' is not auto or manual"
                    )))
                }
            };
            cluster.add_queue_consumer(id, queue, processing_ms.unwrap_or(100), auto)?;
        }
        Action::AckQueue { consumer } => cluster.ack_queue(consumer)?,
        Action::AdvanceTime { ms } => cluster.advance_time(*ms)?,
        Action::AddProjection {
            id,
            topic,
            fold,
            as_of_ms,
        } => {
            let f = crate::projection::Fold::parse(fold)
                .ok_or_else(|| SimError::command(format!("fold '{fold}' is not sum or latest")))?;
            cluster.add_projection(id, topic, f, *as_of_ms)?;
        }
        Action::RebuildProjection { id, as_of_ms } => cluster.rebuild_projection(id, *as_of_ms)?,
        Action::CrashQueueConsumer { consumer } => cluster.crash_queue_consumer(consumer)?,
        Action::RestartProcessor { id } => cluster.restart_processor(id)?,
        Action::CrashConsumer { consumer } => {
            if cluster.consumer(consumer).is_none() && cluster.share_consumer(consumer).is_none() {
                return Err(SimError::command(format!("no consumer named '{consumer}'")));
            }
            cluster.crash_client(consumer)?
        }
        Action::Commit { consumer } => cluster.commit_consumer(consumer)?,
        Action::Seek {
            consumer,
            topic,
            partition,
            offset,
            to,
            timestamp,
        } => {
            let target = match (offset, to.as_deref(), timestamp) {
                (Some(o), None, None) => SeekTo::Offset(*o),
                (None, Some("beginning"), None) => SeekTo::Beginning,
                (None, Some("end"), None) => SeekTo::End,
                (None, None, Some(t)) => SeekTo::Timestamp(*t),
                (None, Some(other), None) => {
                    return Err(SimError::command(format!(
                        "seek: `to` is \"beginning\" or \"end\", not {other:?}"
                    )))
                }
                _ => {
                    return Err(SimError::command(
                        "seek: give exactly one of `offset`, `to`, `timestamp`",
                    ))
                }
            };
            cluster.seek(consumer, topic, *partition, target)?;
        }
        Action::ResetOffsets {
            group,
            topic,
            to_earliest,
            to_latest,
            to_offset,
            to_datetime,
            shift_by,
        } => {
            let mut choices = Vec::new();
            if to_earliest == &Some(true) {
                choices.push(ResetTo::Earliest);
            }
            if to_latest == &Some(true) {
                choices.push(ResetTo::Latest);
            }
            if let Some(o) = to_offset {
                choices.push(ResetTo::Offset(*o));
            }
            if let Some(t) = to_datetime {
                choices.push(ResetTo::Datetime(*t));
            }
            if let Some(n) = shift_by {
                choices.push(ResetTo::ShiftBy(*n));
            }
            let [to] = choices.as_slice() else {
                return Err(SimError::command(
                    "reset_offsets: give exactly one of to_earliest, to_latest, to_offset, to_datetime, shift_by",
                ));
            };
            cluster.reset_offsets(group, topic, *to)?;
        }
        Action::CrashClient { client } => cluster.crash_client(client)?,
        Action::LoseResponse { producer, count } => {
            cluster.lose_produce_responses(producer, *count)?
        }
        Action::ElectPreferredLeaders {} => {
            cluster.elect_preferred_leaders();
        }
        Action::Note { text } => cluster.note(text),
        Action::AddShareConsumer {
            id,
            group,
            topics,
            processing_ms,
            config,
        } => {
            let cfg = props_from_json(config)?;
            cluster.add_share_consumer(id, group, topics, &cfg, processing_ms.unwrap_or(0))?;
        }
        Action::ShareAck {
            consumer,
            topic,
            partition,
            offset,
            ack_type,
        } => {
            let t = crate::message::AcknowledgeType::parse(ack_type).ok_or_else(|| {
                SimError::command(format!(
                    "share_ack: type is \"accept\", \"release\" or \"reject\", not {ack_type:?}"
                ))
            })?;
            cluster.share_acknowledge(consumer, topic, *partition, *offset, t)?;
        }
        Action::SetGroupConfig { group, config } => {
            let cfg = props_from_json(config)?;
            cluster.set_group_config(group, &cfg)?;
        }
    }
    Ok(())
}
