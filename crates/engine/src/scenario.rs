//! The scenario format (v1): one JSON document for presets, shared links, CLI runs and
//! tests. A scenario builds a cluster, runs a timed script of [`Action`]s and checks timed
//! expectations. `docs/scenario-format.md` documents it; its JSON Schema is generated from
//! these types.

use crate::action::Action;
use crate::cluster::{Cluster, ClusterSpec};
use crate::config::props_from_json;
use crate::error::{SimError, SimResult};
use crate::sort::SortShared;
use crate::tagged::internally_tagged;
use crate::types::{BrokerId, Millis};
use crate::view::{ClusterView, Durability};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const FORMAT_VERSION: u32 = 1;

type ConfigMap = BTreeMap<String, serde_json::Value>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    #[serde(default = "default_version")]
    pub version: u32,
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default = "default_seed")]
    pub seed: u64,
    #[serde(default)]
    pub cluster: ClusterDef,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<TopicDef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub producers: Vec<ProducerDef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consumers: Vec<ConsumerDef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub script: Vec<Step>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expect: Vec<Expectation>,
    /// How long `kafka-sim run` simulates (default: 2 s after the last step or expectation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<Millis>,
    /// A guided tour: steps the page walks through, each waiting for a condition.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tour: Vec<TourStep>,
    /// A goal the user must reach; checked by the engine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge: Option<Challenge>,
    /// Opaque data for the page (view settings); the engine ignores it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ui: Option<serde_json::Value>,
}

/// One step of a guided tour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TourStep {
    /// A short sentence.
    pub text: String,
    /// A CSS selector of the element to highlight in the page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub highlight: Option<String>,
    /// The tour moves on when this holds (absent: when the user presses Next).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Check>,
}

/// A challenge: reach `goal` (every `success` check holds at once), without any `failure`
/// check holding first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Challenge {
    pub goal: String,
    pub success: Vec<Check>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failure: Vec<Check>,
    /// Shown on success: why it works.
    pub explanation: String,
    /// Shown on failure or on request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// Where a challenge stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChallengeStatus {
    InProgress,
    Succeeded,
    /// Which failure check held.
    Failed(String),
}

impl Challenge {
    pub fn status(&self, c: &Cluster) -> ChallengeStatus {
        for f in &self.failure {
            if let Ok(d) = evaluate(c, f) {
                return ChallengeStatus::Failed(d);
            }
        }
        if !self.success.is_empty() && self.success.iter().all(|s| evaluate(c, s).is_ok()) {
            ChallengeStatus::Succeeded
        } else {
            ChallengeStatus::InProgress
        }
    }
}

fn default_version() -> u32 {
    FORMAT_VERSION
}
fn default_seed() -> u64 {
    42
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClusterDef {
    #[serde(default = "default_brokers")]
    pub brokers: usize,
    /// `broker.rack` for each broker, in broker order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub racks: Vec<String>,
    #[serde(default)]
    pub network: NetworkDef,
    /// Broker configuration (Kafka property names).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub config: ConfigMap,
}

impl Default for ClusterDef {
    fn default() -> Self {
        ClusterDef {
            brokers: default_brokers(),
            racks: Vec::new(),
            network: NetworkDef::default(),
            config: BTreeMap::new(),
        }
    }
}

fn default_brokers() -> usize {
    3
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NetworkDef {
    #[serde(default = "default_latency")]
    pub latency_ms: Millis,
}

impl Default for NetworkDef {
    fn default() -> Self {
        NetworkDef {
            latency_ms: default_latency(),
        }
    }
}

fn default_latency() -> Millis {
    5
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TopicDef {
    pub name: String,
    #[serde(default = "one")]
    pub partitions: i32,
    #[serde(default = "one")]
    pub replication_factor: i32,
    /// Topic configuration (Kafka property names).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub config: ConfigMap,
    /// Explicit placement, as `kafka-topics.sh --replica-assignment`: one broker list per
    /// partition, first = preferred leader. Overrides `partitions` and `replication_factor`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replica_assignment: Option<Vec<Vec<BrokerId>>>,
}

fn one() -> i32 {
    1
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProducerDef {
    pub id: String,
    /// Producer configuration (Kafka property names).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub config: ConfigMap,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsumerDef {
    pub id: String,
    /// `group.id`; without a group the consumer reads every partition of its topics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    pub topics: Vec<String>,
    /// Consumer configuration (Kafka property names).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub config: ConfigMap,
    /// Simulated application time spent per record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing_ms: Option<Millis>,
    /// When the application commits: "auto" (the default with a group and
    /// enable.auto.commit=true), "after_processing", "before_processing" or "manual".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Step {
    #[serde(default)]
    pub at_ms: Millis,
    #[serde(flatten)]
    pub action: Action,
}

/// A bound on a number: any of `equals`, `at_least`, `at_most`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Bound {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_most: Option<i64>,
}

impl Bound {
    fn check(&self, v: i64) -> Result<(), String> {
        if let Some(e) = self.equals {
            if v != e {
                return Err(format!("expected {e}, got {v}"));
            }
        }
        if let Some(l) = self.at_least {
            if v < l {
                return Err(format!("expected at least {l}, got {v}"));
            }
        }
        if let Some(m) = self.at_most {
            if v > m {
                return Err(format!("expected at most {m}, got {v}"));
            }
        }
        Ok(())
    }
    fn is_empty(&self) -> bool {
        self.equals.is_none() && self.at_least.is_none() && self.at_most.is_none()
    }
}

internally_tagged! {
tag = "check", remote = "Check", serde(rename_all = "snake_case"),
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub enum Check {
    /// The leader's high watermark.
    HighWatermark {
        topic: String,
        partition: i32,
        #[serde(flatten)]
        bound: Bound,
    },
    /// A replica's log end offset (the leader's if `broker` is absent).
    LogEndOffset {
        topic: String,
        partition: i32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        broker: Option<BrokerId>,
        #[serde(flatten)]
        bound: Bound,
    },
    LogStartOffset {
        topic: String,
        partition: i32,
        #[serde(flatten)]
        bound: Bound,
    },
    /// The partition's leader (`null` = offline).
    Leader {
        topic: String,
        partition: i32,
        equals: Option<BrokerId>,
    },
    LeaderEpoch {
        topic: String,
        partition: i32,
        #[serde(flatten)]
        bound: Bound,
    },
    Isr {
        topic: String,
        partition: i32,
        equals: Vec<BrokerId>,
    },
    /// Every record with this key is in partition `equals` (and there is at least one).
    KeyPartition {
        topic: String,
        key: String,
        equals: i32,
    },
    /// Records in the leader's log (one partition, or the whole topic).
    RecordCount {
        topic: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        partition: Option<i32>,
        #[serde(flatten)]
        bound: Bound,
    },
    /// Records producers were told were written (optionally one producer's, one topic's).
    Acked {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        producer: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        topic: Option<String>,
        #[serde(flatten)]
        bound: Bound,
    },
    /// Acknowledged records that are gone for good.
    LostAcked {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        producer: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        topic: Option<String>,
        #[serde(flatten)]
        bound: Bound,
    },
    /// Extra copies of records in the logs.
    Duplicates {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        producer: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        topic: Option<String>,
        #[serde(flatten)]
        bound: Bound,
    },
    /// How many times a client saw an error (Kafka's name, e.g. NOT_ENOUGH_REPLICAS).
    ClientErrors {
        client: String,
        error: String,
        #[serde(flatten)]
        bound: Bound,
    },
    /// send() calls of a producer blocked waiting for buffer.memory.
    BlockedSends {
        producer: String,
        #[serde(flatten)]
        bound: Bound,
    },
    /// Records a consumer's application received.
    Consumed {
        consumer: String,
        #[serde(flatten)]
        bound: Bound,
    },
    /// A consumer's position on a partition.
    Position {
        consumer: String,
        topic: String,
        partition: i32,
        #[serde(flatten)]
        bound: Bound,
    },
    /// A consumer group's state ("Stable", "Empty", "PreparingRebalance", …).
    GroupState { group: String, equals: String },
    GroupGeneration {
        group: String,
        #[serde(flatten)]
        bound: Bound,
    },
    /// How many partitions a consumer is assigned right now.
    Assigned {
        consumer: String,
        #[serde(flatten)]
        bound: Bound,
    },
    /// A group's committed offset on one partition.
    Committed {
        group: String,
        topic: String,
        partition: i32,
        #[serde(flatten)]
        bound: Bound,
    },
    /// A group's total lag (high watermark − committed, summed).
    GroupLag {
        group: String,
        #[serde(flatten)]
        bound: Bound,
    },
    /// Records the group's applications processed (distinct).
    Processed {
        group: String,
        #[serde(flatten)]
        bound: Bound,
    },
    /// Records the group processed more than once.
    ProcessedTwice {
        group: String,
        #[serde(flatten)]
        bound: Bound,
    },
    /// Records below the group's committed offsets that it never processed.
    Skipped {
        group: String,
        #[serde(flatten)]
        bound: Bound,
    },
    /// Output records of a stream processor that repeat an input record.
    PipelineDuplicates {
        processor: String,
        #[serde(flatten)]
        bound: Bound,
    },
    /// Input records a processor committed past without producing their output.
    PipelineLost {
        processor: String,
        #[serde(flatten)]
        bound: Bound,
    },
    /// Records of aborted transactions a consumer's application received.
    AbortedReads {
        consumer: String,
        #[serde(flatten)]
        bound: Bound,
    },
    OfflinePartitions {
        #[serde(flatten)]
        bound: Bound,
    },
    UnderReplicatedPartitions {
        #[serde(flatten)]
        bound: Bound,
    },
    /// Segments in the leader's log (the active one included).
    SegmentCount {
        topic: String,
        partition: i32,
        #[serde(flatten)]
        bound: Bound,
    },
    /// Messages a queue holds now (visible or in flight).
    QueueMessages {
        queue: String,
        #[serde(flatten)]
        bound: Bound,
    },
    /// Messages a queue deleted because they were acknowledged.
    QueueDeleted {
        queue: String,
        #[serde(flatten)]
        bound: Bound,
    },
    /// A projection's value for a key (`null` = the key is absent).
    ProjectionValue {
        projection: String,
        key: String,
        equals: Option<String>,
    },
    /// Messages a queue consumer processed and acknowledged.
    QueueProcessed {
        consumer: String,
        #[serde(flatten)]
        bound: Bound,
    },
    /// Share groups (KIP-932): how many times a record has been delivered to the group's
    /// consumers (its delivery count in the share-partition).
    ShareDeliveryCount {
        group: String,
        topic: String,
        partition: i32,
        offset: i64,
        #[serde(flatten)]
        bound: Bound,
    },
    /// Share groups: a record's state in the share-partition: "available", "acquired",
    /// "acknowledged" or "archived".
    ShareState {
        group: String,
        topic: String,
        partition: i32,
        offset: i64,
        equals: String,
    },
    /// Share groups: distinct records the group's consumers processed and accepted.
    ShareProcessed {
        group: String,
        #[serde(flatten)]
        bound: Bound,
    },
    /// Share groups: the share-partition start offset (SPSO).
    ShareStartOffset {
        group: String,
        topic: String,
        partition: i32,
        #[serde(flatten)]
        bound: Bound,
    },
    /// Share groups: records a share consumer's application received (every delivery counts).
    ShareDelivered {
        consumer: String,
        #[serde(flatten)]
        bound: Bound,
    },
    /// Share groups: redeliveries in the group (acquisitions of records delivered before, after
    /// a release, a crash or an expired acquisition lock), over its share-partitions.
    ShareRedelivered {
        group: String,
        #[serde(flatten)]
        bound: Bound,
    },
    /// Share groups: members of the group at its coordinator.
    ShareMembers {
        group: String,
        #[serde(flatten)]
        bound: Bound,
    },
}
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Expectation {
    #[serde(default)]
    pub at_ms: Millis,
    #[serde(flatten)]
    pub check: Check,
    /// Shown when the expectation fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExpectationResult {
    pub index: usize,
    pub at_ms: Millis,
    pub check: String,
    pub passed: bool,
    pub detail: String,
}

impl Scenario {
    /// Parse a scenario; errors name the failing field's path.
    pub fn parse(text: &str) -> SimResult<Scenario> {
        if text.len() > 4 * 1024 * 1024 {
            return Err(SimError::scenario("", "the scenario is larger than 4 MiB"));
        }
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| SimError::scenario("", clean_serde_message(&e.to_string())))?;
        let sc: Scenario = match Scenario::deserialize(value.clone()) {
            Ok(sc) => sc,
            Err(e) => {
                let (path, msg) = locate_error(&value)
                    .unwrap_or_else(|| (String::new(), clean_serde_message(&e.to_string())));
                return Err(SimError::scenario(path, msg));
            }
        };
        sc.validate()?;
        Ok(sc)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Checks that do not need a cluster.
    pub fn validate(&self) -> SimResult<()> {
        if self.version != FORMAT_VERSION {
            return Err(SimError::scenario(
                "version",
                format!(
                    "unsupported version {} (this build reads version {FORMAT_VERSION})",
                    self.version
                ),
            ));
        }
        if self.script.len() > 100_000 {
            return Err(SimError::scenario("script", "more than 100000 steps"));
        }
        for (i, e) in self.expect.iter().enumerate() {
            let b = match &e.check {
                Check::HighWatermark { bound, .. }
                | Check::LogEndOffset { bound, .. }
                | Check::LogStartOffset { bound, .. }
                | Check::LeaderEpoch { bound, .. }
                | Check::RecordCount { bound, .. }
                | Check::Acked { bound, .. }
                | Check::LostAcked { bound, .. }
                | Check::Duplicates { bound, .. }
                | Check::ClientErrors { bound, .. }
                | Check::BlockedSends { bound, .. }
                | Check::Consumed { bound, .. }
                | Check::Position { bound, .. }
                | Check::GroupGeneration { bound, .. }
                | Check::Assigned { bound, .. }
                | Check::Committed { bound, .. }
                | Check::GroupLag { bound, .. }
                | Check::Processed { bound, .. }
                | Check::ProcessedTwice { bound, .. }
                | Check::Skipped { bound, .. }
                | Check::PipelineDuplicates { bound, .. }
                | Check::PipelineLost { bound, .. }
                | Check::AbortedReads { bound, .. }
                | Check::OfflinePartitions { bound }
                | Check::UnderReplicatedPartitions { bound }
                | Check::SegmentCount { bound, .. }
                | Check::QueueMessages { bound, .. }
                | Check::QueueDeleted { bound, .. }
                | Check::QueueProcessed { bound, .. }
                | Check::ShareDeliveryCount { bound, .. }
                | Check::ShareProcessed { bound, .. }
                | Check::ShareStartOffset { bound, .. }
                | Check::ShareDelivered { bound, .. }
                | Check::ShareRedelivered { bound, .. }
                | Check::ShareMembers { bound, .. } => Some(bound),
                _ => None,
            };
            if b.is_some_and(Bound::is_empty) {
                return Err(SimError::scenario(
                    format!("expect[{i}]"),
                    "give at least one of equals, at_least, at_most",
                ));
            }
        }
        Ok(())
    }

    /// Build the cluster with its topics and clients, at time 0 (the script not yet run).
    pub fn build(&self, seed: Option<u64>) -> SimResult<Cluster> {
        let config = props_from_json(&self.cluster.config).map_err(|e| e.at("cluster"))?;
        let spec = ClusterSpec {
            seed: seed.unwrap_or(self.seed),
            brokers: self.cluster.brokers,
            racks: self.cluster.racks.iter().map(|r| Some(r.clone())).collect(),
            latency_ms: self.cluster.network.latency_ms,
            config,
            trace_capacity: 5000,
        };
        let mut c = Cluster::new(&spec)?;
        for (i, t) in self.topics.iter().enumerate() {
            let cfg = props_from_json(&t.config).map_err(|e| e.at(&format!("topics[{i}]")))?;
            c.create_topic(
                &t.name,
                t.partitions,
                t.replication_factor,
                &cfg,
                t.replica_assignment.clone(),
            )
            .map_err(|e| e.at(&format!("topics[{i}]")))?;
        }
        for (i, p) in self.producers.iter().enumerate() {
            let cfg = props_from_json(&p.config).map_err(|e| e.at(&format!("producers[{i}]")))?;
            c.add_producer(&p.id, &cfg)
                .map_err(|e| e.at(&format!("producers[{i}]")))?;
        }
        for (i, k) in self.consumers.iter().enumerate() {
            let cfg = props_from_json(&k.config).map_err(|e| e.at(&format!("consumers[{i}]")))?;
            c.add_consumer_with(
                &k.id,
                k.group.as_deref(),
                &k.topics,
                &cfg,
                k.processing_ms.unwrap_or(0),
                k.commit.as_deref(),
            )
            .map_err(|e| e.at(&format!("consumers[{i}]")))?;
        }
        Ok(c)
    }

    /// When `run` stops by default.
    pub fn default_end(&self) -> Millis {
        if let Some(d) = self.duration_ms {
            return d;
        }
        let last = self
            .script
            .iter()
            .map(|s| s.at_ms)
            .chain(self.expect.iter().map(|e| e.at_ms))
            .max()
            .unwrap_or(0);
        last + 2_000
    }
}

/// Deserialize a parsed JSON value. Every JSON document the engine reads goes through a
/// `serde_json::Value`, so each type has one deserializer (this keeps the wasm small).
pub fn from_value<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> SimResult<T> {
    T::deserialize(value).map_err(|e| SimError::scenario("", clean_serde_message(&e.to_string())))
}

/// Find which part of a scenario document fails to deserialize, by trying each section and
/// list element on its own (serde's message names the field inside it).
fn locate_error(value: &serde_json::Value) -> Option<(String, String)> {
    fn try_as<T: serde::de::DeserializeOwned>(v: &serde_json::Value) -> Option<String> {
        T::deserialize(v.clone())
            .err()
            .map(|e| clean_serde_message(&e.to_string()))
    }
    fn list<T: serde::de::DeserializeOwned>(
        value: &serde_json::Value,
        key: &str,
    ) -> Option<(String, String)> {
        let arr = value.get(key)?;
        let Some(items) = arr.as_array() else {
            return Some((key.to_string(), "expected a list".into()));
        };
        items
            .iter()
            .enumerate()
            .find_map(|(i, v)| try_as::<T>(v).map(|m| (format!("{key}[{i}]"), m)))
    }
    let obj = value.as_object()?;
    if let Some(v) = obj.get("cluster") {
        if let Some(m) = try_as::<ClusterDef>(v) {
            let field = v.as_object().and_then(|o| {
                o.iter().find_map(|(k, x)| match k.as_str() {
                    "brokers" => try_as::<usize>(x).map(|_| k.clone()),
                    "network" => try_as::<NetworkDef>(x).map(|_| k.clone()),
                    _ => None,
                })
            });
            return Some((
                field.map_or("cluster".into(), |f| format!("cluster.{f}")),
                m,
            ));
        }
    }
    list::<TopicDef>(value, "topics")
        .or_else(|| list::<ProducerDef>(value, "producers"))
        .or_else(|| list::<ConsumerDef>(value, "consumers"))
        .or_else(|| list::<Step>(value, "script"))
        .or_else(|| list::<Expectation>(value, "expect"))
        .or_else(|| list::<TourStep>(value, "tour"))
        .or_else(|| {
            obj.get("challenge")
                .and_then(try_as::<Challenge>)
                .map(|m| ("challenge".into(), m))
        })
}

fn clean_serde_message(m: &str) -> String {
    // serde_json appends " at line X column Y"; keep it, it helps in an editor.
    m.replace("unknown variant", "unknown value")
        .replace("`do`", "\"do\"")
}

/// Everything a run produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunReport {
    pub scenario: String,
    pub seed: u64,
    pub ended_at_ms: Millis,
    pub expectations: Vec<ExpectationResult>,
    pub durability: Durability,
    pub trace_hash: String,
    pub trace_events: u64,
    pub view: ClusterView,
}

impl RunReport {
    pub fn passed(&self) -> bool {
        self.expectations.iter().all(|e| e.passed)
    }
}

/// Run a scenario to `until` (default: [`Scenario::default_end`]).
pub fn run(sc: &Scenario, seed: Option<u64>, until: Option<Millis>) -> SimResult<RunReport> {
    let mut c = sc.build(seed)?;
    let end = until.unwrap_or_else(|| sc.default_end());
    // Steps and expectations in time order; at equal times steps first, in listed order.
    let mut timeline: Vec<(Millis, u8, usize)> = Vec::new();
    for (i, s) in sc.script.iter().enumerate() {
        timeline.push((s.at_ms, 0, i));
    }
    for (i, e) in sc.expect.iter().enumerate() {
        timeline.push((e.at_ms, 1, i));
    }
    timeline.sort_shared();
    let mut results = Vec::new();
    for (at, kind, i) in timeline {
        if at > end {
            continue;
        }
        c.run_until(at);
        if kind == 0 {
            if let Some(s) = sc.script.get(i) {
                c.apply(&s.action)
                    .map_err(|e| e.at(&format!("script[{i}]")))?;
            }
        } else if let Some(e) = sc.expect.get(i) {
            let (passed, detail) = match evaluate(&c, &e.check) {
                Ok(d) => (true, d),
                Err(d) => (
                    false,
                    match &e.why {
                        Some(w) => format!("{d} — {w}"),
                        None => d,
                    },
                ),
            };
            results.push(ExpectationResult {
                index: i,
                at_ms: at,
                check: check_name(&e.check),
                passed,
                detail,
            });
        }
    }
    c.run_until(end);
    Ok(RunReport {
        scenario: sc.name.clone(),
        seed: c.seed,
        ended_at_ms: c.now(),
        expectations: results,
        durability: c.durability(),
        trace_hash: format!("{:016x}", c.trace_hash()),
        trace_events: c.trace.len(),
        view: c.view(),
    })
}

pub fn check_name(c: &Check) -> String {
    serde_json::to_value(c)
        .ok()
        .and_then(|v| v.get("check").and_then(|x| x.as_str()).map(str::to_string))
        .unwrap_or_default()
}

/// Evaluate one check now. `Ok(detail)` when it holds, `Err(why)` otherwise.
pub fn evaluate(c: &Cluster, check: &Check) -> Result<String, String> {
    let pv = |topic: &str, partition: i32| -> Result<crate::view::PartitionView, String> {
        let tp = c.tp(topic, partition).map_err(|e| e.to_string())?;
        Ok(c.partition_view(tp))
    };
    let bound = |what: String, v: i64, b: &Bound| {
        b.check(v)
            .map(|_| format!("{what} = {v}"))
            .map_err(|e| format!("{what}: {e}"))
    };
    match check {
        Check::HighWatermark {
            topic,
            partition,
            bound: b,
        } => {
            let p = pv(topic, *partition)?;
            bound(
                format!("high watermark of {topic}-{partition}"),
                p.high_watermark,
                b,
            )
        }
        Check::LogEndOffset {
            topic,
            partition,
            broker,
            bound: b,
        } => {
            let p = pv(topic, *partition)?;
            let v = match broker {
                Some(id) => p
                    .replicas
                    .iter()
                    .find(|r| r.broker == *id)
                    .map(|r| r.leo)
                    .ok_or_else(|| format!("broker {id} has no replica of {topic}-{partition}"))?,
                None => p.log_end_offset,
            };
            bound(format!("log end offset of {topic}-{partition}"), v, b)
        }
        Check::SegmentCount {
            topic,
            partition,
            bound: b,
        } => {
            let p = pv(topic, *partition)?;
            bound(
                format!("segments of {topic}-{partition}"),
                p.segments.len() as i64,
                b,
            )
        }
        Check::QueueMessages { queue, bound: b } => {
            let q = c
                .queues
                .get(queue)
                .ok_or_else(|| format!("no queue {queue}"))?;
            bound(
                format!("messages in queue {queue}"),
                q.messages.len() as i64,
                b,
            )
        }
        Check::QueueDeleted { queue, bound: b } => {
            let q = c
                .queues
                .get(queue)
                .ok_or_else(|| format!("no queue {queue}"))?;
            bound(
                format!("messages queue {queue} deleted"),
                q.deleted as i64,
                b,
            )
        }
        Check::ProjectionValue {
            projection,
            key,
            equals,
        } => {
            let p = c
                .projections
                .iter()
                .find(|p| p.id == *projection)
                .ok_or_else(|| format!("no projection {projection}"))?;
            let got = p.state.get(key);
            if got == equals.as_ref() {
                Ok(format!("{projection}[{key}] = {got:?}"))
            } else {
                Err(format!(
                    "{projection}[{key}]: expected {equals:?}, got {got:?}"
                ))
            }
        }
        Check::QueueProcessed { consumer, bound: b } => {
            let n = c
                .queue_consumers
                .iter()
                .find(|q| q.id == *consumer)
                .map(|q| q.processed)
                .ok_or_else(|| format!("no queue consumer {consumer}"))?;
            bound(format!("messages {consumer} processed"), n as i64, b)
        }
        Check::LogStartOffset {
            topic,
            partition,
            bound: b,
        } => {
            let p = pv(topic, *partition)?;
            bound(
                format!("log start offset of {topic}-{partition}"),
                p.log_start_offset,
                b,
            )
        }
        Check::Leader {
            topic,
            partition,
            equals,
        } => {
            let p = pv(topic, *partition)?;
            if p.leader == *equals {
                Ok(format!("leader of {topic}-{partition} = {:?}", p.leader))
            } else {
                Err(format!(
                    "leader of {topic}-{partition}: expected {equals:?}, got {:?}",
                    p.leader
                ))
            }
        }
        Check::LeaderEpoch {
            topic,
            partition,
            bound: b,
        } => {
            let p = pv(topic, *partition)?;
            bound(
                format!("leader epoch of {topic}-{partition}"),
                p.leader_epoch as i64,
                b,
            )
        }
        Check::Isr {
            topic,
            partition,
            equals,
        } => {
            let p = pv(topic, *partition)?;
            let mut got = p.isr.clone();
            got.sort_unstable();
            let mut want = equals.clone();
            want.sort_unstable();
            if got == want {
                Ok(format!("ISR of {topic}-{partition} = {got:?}"))
            } else {
                Err(format!(
                    "ISR of {topic}-{partition}: expected {want:?}, got {got:?}"
                ))
            }
        }
        Check::KeyPartition { topic, key, equals } => {
            let id = c
                .topic_id(topic)
                .ok_or_else(|| format!("no topic {topic}"))?;
            let n = c
                .controller
                .image
                .topics
                .get(&id)
                .map_or(0, |t| t.partitions);
            let mut found = Vec::new();
            for p in 0..n {
                let recs = c.records(topic, p, None, 0, usize::MAX);
                if recs.iter().any(|r| r.key.as_deref() == Some(key.as_str())) {
                    found.push(p);
                }
            }
            if found == vec![*equals] {
                Ok(format!("key {key:?} is in partition {equals}"))
            } else {
                Err(format!(
                    "key {key:?}: expected only in partition {equals}, found in {found:?}"
                ))
            }
        }
        Check::RecordCount {
            topic,
            partition,
            bound: b,
        } => {
            let id = c
                .topic_id(topic)
                .ok_or_else(|| format!("no topic {topic}"))?;
            let n = c
                .controller
                .image
                .topics
                .get(&id)
                .map_or(0, |t| t.partitions);
            let parts: Vec<i32> = match partition {
                Some(p) => vec![*p],
                None => (0..n).collect(),
            };
            let mut total = 0i64;
            for p in parts {
                pv(topic, p)?;
                total += c
                    .records(topic, p, None, 0, usize::MAX)
                    .iter()
                    .filter(|r| r.control.is_none())
                    .count() as i64;
            }
            bound(format!("records in {topic}"), total, b)
        }
        Check::Acked {
            producer,
            topic,
            bound: b,
        } => {
            let d = c.durability_of(producer.as_deref(), topic.as_deref());
            bound(
                format!("acknowledged records{}", scope(producer, topic)),
                d.acked as i64,
                b,
            )
        }
        Check::LostAcked {
            producer,
            topic,
            bound: b,
        } => {
            let d = c.durability_of(producer.as_deref(), topic.as_deref());
            let first = d
                .lost
                .first()
                .map(|l| format!(" (first: {})", l.explanation))
                .unwrap_or_default();
            bound(
                format!("lost acknowledged records{}", scope(producer, topic)),
                d.lost_acked as i64,
                b,
            )
            .map_err(|e| format!("{e}{first}"))
        }
        Check::Duplicates {
            producer,
            topic,
            bound: b,
        } => {
            let d = c.durability_of(producer.as_deref(), topic.as_deref());
            bound(
                format!("duplicate records{}", scope(producer, topic)),
                d.duplicates as i64,
                b,
            )
        }
        Check::BlockedSends { producer, bound: b } => {
            let p = c
                .producer(producer)
                .ok_or_else(|| format!("no producer {producer}"))?;
            bound(
                format!("send() calls blocked at {producer}"),
                p.blocked_sends() as i64,
                b,
            )
        }
        Check::ClientErrors {
            client,
            error,
            bound: b,
        } => {
            let errors = match (c.producer(client), c.consumer(client)) {
                (Some(p), _) => p.stats.errors.clone(),
                (_, Some(k)) => k.stats.errors.clone(),
                _ => return Err(format!("no client {client}")),
            };
            bound(
                format!("{error} errors at {client}"),
                errors.get(error).copied().unwrap_or(0) as i64,
                b,
            )
        }
        Check::Consumed { consumer, bound: b } => {
            let k = c
                .consumer(consumer)
                .ok_or_else(|| format!("no consumer {consumer}"))?;
            bound(
                format!("records consumed by {consumer}"),
                k.delivered_total as i64,
                b,
            )
        }
        Check::Position {
            consumer,
            topic,
            partition,
            bound: b,
        } => {
            let k = c
                .consumer(consumer)
                .ok_or_else(|| format!("no consumer {consumer}"))?;
            let tp = c.tp(topic, *partition).map_err(|e| e.to_string())?;
            let pos = k
                .position(tp)
                .ok_or_else(|| format!("{consumer} has no position on {topic}-{partition}"))?;
            bound(
                format!("position of {consumer} on {topic}-{partition}"),
                pos,
                b,
            )
        }
        Check::GroupState { group, equals } => {
            let g = c
                .group_view(group)
                .ok_or_else(|| format!("group {group} has no coordinator state yet"))?;
            if g.state == *equals {
                Ok(format!("group {group} is {equals}"))
            } else {
                Err(format!("group {group}: expected {equals}, got {}", g.state))
            }
        }
        Check::GroupGeneration { group, bound: b } => {
            let g = c
                .group_view(group)
                .ok_or_else(|| format!("no group {group}"))?;
            bound(format!("generation of {group}"), g.generation as i64, b)
        }
        Check::Assigned { consumer, bound: b } => {
            let k = c
                .consumer(consumer)
                .ok_or_else(|| format!("no consumer {consumer}"))?;
            bound(
                format!("partitions assigned to {consumer}"),
                k.assignment.len() as i64,
                b,
            )
        }
        Check::Committed {
            group,
            topic,
            partition,
            bound: b,
        } => {
            let g = c
                .group_view(group)
                .ok_or_else(|| format!("no group {group}"))?;
            let o = g
                .committed
                .iter()
                .find(|x| *x.topic == **topic && x.partition == *partition)
                .map(|x| x.offset)
                .ok_or_else(|| {
                    format!("group {group} has no committed offset on {topic}-{partition}")
                })?;
            bound(
                format!("committed offset of {group} on {topic}-{partition}"),
                o,
                b,
            )
        }
        Check::GroupLag { group, bound: b } => {
            let g = c
                .group_view(group)
                .ok_or_else(|| format!("no group {group}"))?;
            bound(format!("lag of {group}"), g.lag, b)
        }
        Check::Processed { group, bound: b } => {
            let g = c
                .group_view(group)
                .ok_or_else(|| format!("no group {group}"))?;
            bound(
                format!("records processed by {group}"),
                g.processed as i64,
                b,
            )
        }
        Check::ProcessedTwice { group, bound: b } => {
            let g = c
                .group_view(group)
                .ok_or_else(|| format!("no group {group}"))?;
            bound(
                format!("records {group} processed more than once"),
                g.duplicates as i64,
                b,
            )
        }
        Check::Skipped { group, bound: b } => {
            let g = c
                .group_view(group)
                .ok_or_else(|| format!("no group {group}"))?;
            bound(format!("records {group} skipped"), g.skipped as i64, b)
        }
        Check::PipelineDuplicates {
            processor,
            bound: b,
        } => {
            let p = c
                .pipeline_check(processor)
                .ok_or_else(|| format!("no processor {processor}"))?;
            bound(
                format!("duplicates in the output of {processor}"),
                p.duplicates as i64,
                b,
            )
        }
        Check::PipelineLost {
            processor,
            bound: b,
        } => {
            let p = c
                .pipeline_check(processor)
                .ok_or_else(|| format!("no processor {processor}"))?;
            bound(format!("input records {processor} lost"), p.lost as i64, b)
        }
        Check::AbortedReads { consumer, bound: b } => {
            if c.consumer(consumer).is_none() {
                return Err(format!("no consumer {consumer}"));
            }
            bound(
                format!("aborted records read by {consumer}"),
                c.aborted_reads(consumer) as i64,
                b,
            )
        }
        Check::OfflinePartitions { bound: b } => bound(
            "offline partitions".into(),
            c.metrics().offline_partitions_count as i64,
            b,
        ),
        Check::UnderReplicatedPartitions { bound: b } => bound(
            "under-replicated partitions".into(),
            c.metrics().under_replicated_partitions as i64,
            b,
        ),
        Check::ShareDeliveryCount { .. }
        | Check::ShareState { .. }
        | Check::ShareProcessed { .. }
        | Check::ShareStartOffset { .. }
        | Check::ShareDelivered { .. }
        | Check::ShareRedelivered { .. }
        | Check::ShareMembers { .. } => crate::share_view::evaluate_share_check(c, check),
    }
}

fn scope(producer: &Option<String>, topic: &Option<String>) -> String {
    match (producer, topic) {
        (Some(p), Some(t)) => format!(" of {p} on {t}"),
        (Some(p), None) => format!(" of {p}"),
        (None, Some(t)) => format!(" on {t}"),
        (None, None) => String::new(),
    }
}

/// The JSON Schema of the format, generated from the types.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Scenario);
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}

/// A live session: a scenario's cluster, its script applied as time passes, and the
/// commands a user added. Because the engine is deterministic, `scenario + user steps +
/// time` reproduces the exact state (saved workspaces and shared links rely on it).
#[derive(Debug, Clone)]
pub struct Session {
    pub scenario: Scenario,
    pub cluster: Cluster,
    next_script: usize,
    script: Vec<Step>,
    /// Commands applied by the user, with the simulated time they were applied at.
    pub user_steps: Vec<Step>,
    /// Script steps that failed (a session keeps going; the CLI's `run` stops instead).
    pub script_errors: Vec<(usize, String)>,
}

impl Session {
    pub fn new(scenario: Scenario, seed: Option<u64>) -> SimResult<Session> {
        let cluster = scenario.build(seed)?;
        let mut script = scenario.script.clone();
        script.sort_by_key_shared(|s| s.at_ms);
        Ok(Session {
            scenario,
            cluster,
            next_script: 0,
            script,
            user_steps: Vec::new(),
            script_errors: Vec::new(),
        })
    }

    pub fn now(&self) -> Millis {
        self.cluster.now()
    }

    /// Advance to time `t`, applying script steps as they fall due.
    pub fn advance_to(&mut self, t: Millis) {
        while let Some(step) = self.script.get(self.next_script) {
            if step.at_ms > t {
                break;
            }
            let step = step.clone();
            self.cluster.run_until(step.at_ms);
            if let Err(e) = self.cluster.apply(&step.action) {
                self.script_errors.push((self.next_script, e.to_string()));
                self.cluster
                    .note(&format!("script step {} failed: {e}", self.next_script));
            }
            self.next_script += 1;
        }
        self.cluster.run_until(t);
    }

    pub fn advance(&mut self, ms: Millis) {
        let t = self.now().saturating_add(ms);
        self.advance_to(t);
    }

    /// Apply a user command now; recorded only if it succeeded.
    pub fn apply(&mut self, action: Action) -> SimResult<()> {
        self.cluster.apply(&action)?;
        self.user_steps.push(Step {
            at_ms: self.now(),
            action,
        });
        Ok(())
    }

    /// Rebuild a session from a scenario, the user's steps and a time.
    pub fn replay(
        scenario: Scenario,
        seed: Option<u64>,
        user_steps: &[Step],
        until: Millis,
    ) -> SimResult<Session> {
        let mut s = Session::new(scenario, seed)?;
        for (i, step) in user_steps.iter().enumerate() {
            if step.at_ms > until {
                break;
            }
            s.advance_to(step.at_ms);
            s.apply(step.action.clone())
                .map_err(|e| e.at(&format!("steps[{i}]")))?;
        }
        s.advance_to(until);
        Ok(s)
    }

    /// Evaluate the scenario's expectations that are due (`at_ms <= now`).
    pub fn expectations(&self) -> Vec<ExpectationResult> {
        self.scenario
            .expect
            .iter()
            .enumerate()
            .filter(|(_, e)| e.at_ms <= self.now())
            .map(|(i, e)| {
                let (passed, detail) = match evaluate(&self.cluster, &e.check) {
                    Ok(d) => (true, d),
                    Err(d) => (false, d),
                };
                ExpectationResult {
                    index: i,
                    at_ms: e.at_ms,
                    check: check_name(&e.check),
                    passed,
                    detail,
                }
            })
            .collect()
    }
}
