//! Configuration with Kafka's own property names and defaults.
//!
//! Each scope (broker, topic, producer, consumer) has a table of [`ConfigDef`]s: the name,
//! type, Kafka's default, and whether the simulator models it. Values arrive as strings
//! (as in a `.properties` file); [`Props::parse`] validates them against the table: an
//! unknown key or an invalid value is an error naming the key.

use crate::error::{SimError, SimResult};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ConfigType {
    Int {
        min: i64,
        max: i64,
    },
    Long {
        min: i64,
        max: i64,
    },
    Double {
        min: f64,
        max: f64,
    },
    Bool,
    /// One of the listed values (case-insensitive as in Kafka's `ValidString`/`CaseInsensitiveValidString`).
    Enum(&'static [&'static str]),
    /// A comma-separated list whose items must be among the listed values (empty = any string).
    List(&'static [&'static str]),
    /// A free string; `None`/absent allowed.
    Str,
}

#[derive(Debug, Clone, Copy)]
pub struct ConfigDef {
    pub name: &'static str,
    pub ty: ConfigType,
    /// Kafka's default as it would be written in a properties file; "" means null.
    pub default: &'static str,
    pub doc: &'static str,
    /// False for keys Kafka has that the simulator accepts but does not model.
    pub modeled: bool,
}

const I32: (i64, i64) = (i32::MIN as i64, i32::MAX as i64);

const fn int(name: &'static str, default: &'static str, min: i64, doc: &'static str) -> ConfigDef {
    ConfigDef {
        name,
        ty: ConfigType::Int { min, max: I32.1 },
        default,
        doc,
        modeled: true,
    }
}
const fn long(name: &'static str, default: &'static str, min: i64, doc: &'static str) -> ConfigDef {
    ConfigDef {
        name,
        ty: ConfigType::Long { min, max: i64::MAX },
        default,
        doc,
        modeled: true,
    }
}
const fn boolean(name: &'static str, default: &'static str, doc: &'static str) -> ConfigDef {
    ConfigDef {
        name,
        ty: ConfigType::Bool,
        default,
        doc,
        modeled: true,
    }
}
const fn choice(
    name: &'static str,
    default: &'static str,
    values: &'static [&'static str],
    doc: &'static str,
) -> ConfigDef {
    ConfigDef {
        name,
        ty: ConfigType::Enum(values),
        default,
        doc,
        modeled: true,
    }
}
const fn string(name: &'static str, default: &'static str, doc: &'static str) -> ConfigDef {
    ConfigDef {
        name,
        ty: ConfigType::Str,
        default,
        doc,
        modeled: true,
    }
}
const fn unmodeled(name: &'static str, doc: &'static str) -> ConfigDef {
    ConfigDef {
        name,
        ty: ConfigType::Str,
        default: "",
        doc,
        modeled: false,
    }
}

/// Broker (cluster-wide) configuration. Defaults are Kafka's (3.9/4.0).
pub const BROKER_CONFIGS: &[ConfigDef] = &[
    long("replica.lag.time.max.ms", "30000", 0, "A follower that has not caught up to the leader's log end for this long is removed from the ISR."),
    int("replica.fetch.wait.max.ms", "500", 0, "How long a follower's fetch waits at the leader for new data."),
    int("replica.fetch.min.bytes", "1", 0, "Minimum bytes a follower fetch waits for."),
    int("broker.session.timeout.ms", "9000", 1, "The controller fences a broker that has not heartbeated for this long."),
    long("unclean.leader.election.interval.ms", "300000", 1, "How often the controller looks for partitions without a leader and elects an out-of-sync replica where the topic allows unclean election (so turning unclean.leader.election.enable on acts within this time)."),
    boolean("auto.leader.rebalance.enable", "true", "While some partition is not led by its preferred replica (the first in its replica list), the controller moves leadership back to it, where that replica is in the ISR, every leader.imbalance.check.interval.seconds."),
    long("leader.imbalance.check.interval.seconds", "300", 1, "How often the controller looks for partitions not led by their preferred replica (auto.leader.rebalance.enable)."),
    int("broker.heartbeat.interval.ms", "2000", 1, "How often brokers heartbeat to the active controller."),
    int("offsets.topic.num.partitions", "50", 1, "Partitions of __consumer_offsets."),
    int("offsets.topic.replication.factor", "3", 1, "Replication factor of __consumer_offsets."),
    int("transaction.state.log.num.partitions", "50", 1, "Partitions of __transaction_state."),
    int("transaction.state.log.replication.factor", "3", 1, "Replication factor of __transaction_state."),
    int("transaction.state.log.min.isr", "2", 1, "min.insync.replicas of __transaction_state."),
    int("group.initial.rebalance.delay.ms", "3000", 0, "How long the coordinator waits for more members to join a new, empty group."),
    int("group.min.session.timeout.ms", "6000", 0, "Smallest session.timeout.ms a consumer may use."),
    int("group.max.session.timeout.ms", "1800000", 0, "Largest session.timeout.ms a consumer may use."),
    int("group.consumer.heartbeat.interval.ms", "5000", 1, "Consumer protocol (KIP-848): how often members heartbeat; the coordinator tells them in each response."),
    int("group.consumer.session.timeout.ms", "45000", 1, "Consumer protocol (KIP-848): the coordinator removes a member that has not heartbeated for this long."),
    int("group.share.heartbeat.interval.ms", "5000", 1, "Share groups (KIP-932): how often members heartbeat; the coordinator tells them in each response."),
    int("group.share.session.timeout.ms", "45000", 1, "Share groups (KIP-932): the coordinator removes a member that has not heartbeated for this long."),
    ConfigDef { name: "group.share.record.lock.duration.ms", ty: ConfigType::Int { min: 1000, max: 3_600_000 }, default: "30000", doc: "Share groups (KIP-932): how long a member holds a record it acquired; then the record becomes available again (or is archived at the delivery count limit).", modeled: true },
    ConfigDef { name: "group.share.delivery.count.limit", ty: ConfigType::Int { min: 2, max: 10 }, default: "5", doc: "Share groups (KIP-932): a record delivered this many times is archived instead of being made available again.", modeled: true },
    ConfigDef { name: "group.share.partition.max.record.locks", ty: ConfigType::Int { min: 1, max: 10_000 }, default: "200", doc: "Share groups (KIP-932): in-flight records per share-partition before it stops acquiring new ones (Kafka accepts 100 to 10000; the simulator also accepts smaller values for small demos).", modeled: true },
    long("log.retention.check.interval.ms", "300000", 1, "How often brokers look for log segments to delete."),
    long("log.cleaner.backoff.ms", "15000", 0, "How long the cleaner sleeps when there is nothing to clean."),
    int("transaction.max.timeout.ms", "900000", 1, "Largest transaction.timeout.ms a producer may request."),
    int("transaction.abort.timed.out.transaction.cleanup.interval.ms", "10000", 1, "How often the transaction coordinator aborts timed-out transactions."),
    int("producer.id.expiration.ms", "86400000", 1, "How long a broker keeps an idle producer's state."),
    int("num.partitions", "1", 1, "Partitions of auto-created topics."),
    int("default.replication.factor", "1", 1, "Replication factor of auto-created topics."),
    boolean("auto.create.topics.enable", "true", "Create a topic when a client first asks for it."),
    int("min.insync.replicas", "1", 1, "Cluster default of the topic config min.insync.replicas."),
    boolean("unclean.leader.election.enable", "false", "Cluster default of the topic config unclean.leader.election.enable."),
    long("log.retention.ms", "604800000", -1, "Cluster default of retention.ms."),
    int("offsets.retention.minutes", "10080", 1, "Committed offsets of an empty group expire after this long."),
    int("message.max.bytes", "1048588", 0, "Cluster default of the topic config max.message.bytes."),
    long("log.flush.interval.messages", "9223372036854775807", 1, "Cluster default of the topic config flush.messages."),
    long("log.flush.scheduler.interval.ms", "9223372036854775807", 1, "How often the log flusher looks for logs whose last flush is flush.ms old (first 30 s after the broker starts). By default it never runs, so flush.ms has no effect unless this is set."),
    long("log.flush.interval.ms", "9223372036854775807", 0, "Cluster default of the topic config flush.ms; unset, log.flush.scheduler.interval.ms."),
];

/// Topic-level configuration (`kafka-configs.sh --entity-type topics`).
pub const TOPIC_CONFIGS: &[ConfigDef] = &[
    ConfigDef {
        name: "cleanup.policy",
        ty: ConfigType::List(&["delete", "compact"]),
        default: "delete",
        doc: "delete: drop old segments by time or size; compact: keep the latest record per key.",
        modeled: true,
    },
    long("retention.ms", "604800000", -1, "Delete a closed segment whose newest record is older than this (-1: forever)."),
    long("retention.bytes", "-1", -1, "Delete oldest segments while the log is larger than this (-1: no limit)."),
    int("segment.bytes", "1073741824", 14, "Roll a new segment when the active one reaches this size."),
    long("segment.ms", "604800000", 1, "Roll a new segment when the active one is this old."),
    int("min.insync.replicas", "1", 1, "With acks=all, refuse writes when the ISR is smaller than this."),
    boolean("unclean.leader.election.enable", "false", "Allow an out-of-sync replica to become leader when no ISR member is alive (may lose acknowledged data). Turned on for a partition already offline, it acts at the controller's next look (unclean.leader.election.interval.ms, 5 min)."),
    long("delete.retention.ms", "86400000", 0, "How long a tombstone survives after compaction first keeps it."),
    ConfigDef {
        name: "min.cleanable.dirty.ratio",
        ty: ConfigType::Double { min: 0.0, max: 1.0 },
        default: "0.5",
        doc: "Compact when at least this share of the log is uncompacted.",
        modeled: true,
    },
    long("min.compaction.lag.ms", "0", 0, "A record stays uncompacted for at least this long."),
    long("max.compaction.lag.ms", "9223372036854775807", 1, "A record becomes eligible for compaction after at most this long."),
    choice("message.timestamp.type", "CreateTime", &["CreateTime", "LogAppendTime"], "Whose clock stamps records: the producer's or the broker's."),
    int("max.message.bytes", "1048588", 0, "Largest record batch the topic accepts: the leader refuses a larger one with MESSAGE_TOO_LARGE, and the producer splits it (one record too large fails)."),
    long("file.delete.delay.ms", "60000", 0, "Delay before deleted segment files are removed from disk."),
    long("flush.messages", "9223372036854775807", 1, "Fsync the log once this many messages are unflushed. By default Kafka never does (it also flushes at each segment roll) and leaves the rest to the OS, which writes pages back after about 30 s: a power loss on every replica at once loses what was not on disk yet."),
    long("flush.ms", "9223372036854775807", 0, "Fsync the log when its last flush is this old. Only the broker's log flusher applies it, every log.flush.scheduler.interval.ms, which by default never runs."),
];

/// Producer configuration (`ProducerConfig`).
pub const PRODUCER_CONFIGS: &[ConfigDef] = &[
    choice("acks", "all", &["all", "-1", "0", "1"], "0: fire and forget; 1: the leader appended; all: every in-sync replica has it."),
    boolean("enable.idempotence", "true", "Sequence numbers per partition so that retries cannot duplicate or reorder records."),
    int("retries", "2147483647", 0, "How many times a failed send is retried (within delivery.timeout.ms)."),
    long("retry.backoff.ms", "100", 0, "Wait before retrying a failed request."),
    long("retry.backoff.max.ms", "1000", 0, "Upper bound of the exponential retry backoff."),
    int("delivery.timeout.ms", "120000", 0, "Upper bound on the time to report success or failure after send()."),
    int("request.timeout.ms", "30000", 0, "How long to wait for a response before failing or retrying a request."),
    long("linger.ms", "0", 0, "Wait up to this long for more records before sending a batch."),
    int("batch.size", "16384", 0, "Largest batch in bytes per partition."),
    int("max.in.flight.requests.per.connection", "5", 1, "Unacknowledged requests per broker connection."),
    ConfigDef {
        name: "partitioner.class",
        ty: ConfigType::Enum(&["", "org.apache.kafka.clients.producer.RoundRobinPartitioner", "RoundRobinPartitioner"]),
        default: "",
        doc: "Unset: the built-in partitioner (hash of the key, sticky for keyless records). RoundRobinPartitioner ignores keys.",
        modeled: true,
    },
    boolean("partitioner.ignore.keys", "false", "Ignore keys and use the sticky partitioner for every record."),
    boolean("partitioner.adaptive.partitioning.enable", "true", "Keyless records: the sticky partitioner's next partition is drawn weighted by how short its queue of batches is (KIP-794), so slow leaders get fewer."),
    ConfigDef {
        name: "partitioner.availability.timeout.ms",
        ty: ConfigType::Long { min: 0, max: i64::MAX },
        default: "0",
        doc: "Keyless records avoid the partitions of a leader the producer has had batches for but could not send to (max.in.flight.requests.per.connection reached) for this long. 0: off. Only with adaptive partitioning.",
        modeled: true,
    },
    string("transactional.id", "", "Enables transactions; fences older producers with the same id."),
    int("transaction.timeout.ms", "60000", 1, "The coordinator aborts a transaction open for longer than this."),
    long("max.block.ms", "60000", 0, "How long send() may block: waiting for the topic's metadata, or for room in buffer.memory."),
    long("buffer.memory", "33554432", 0, "Memory for batches not yet acknowledged: each new batch takes batch.size of it (more for a larger record) until it completes. When it is used up, send() blocks (and the application with it) for up to max.block.ms, then fails with BufferExhaustedException."),
    long("metadata.max.age.ms", "300000", 0, "Refresh metadata at least this often."),
    ConfigDef {
        name: "compression.type",
        ty: ConfigType::Enum(&["none", "gzip", "snappy", "lz4", "zstd"]),
        default: "none",
        doc: "Batch compression (accepted; the simulator does not compress).",
        modeled: false,
    },
    unmodeled("bootstrap.servers", "Brokers to bootstrap from (every simulated broker is reachable)."),
    unmodeled("client.id", "A logical name for the client."),
    unmodeled("key.serializer", "Keys are UTF-8 strings (StringSerializer)."),
    unmodeled("value.serializer", "Values are UTF-8 strings (StringSerializer)."),
    int("max.request.size", "1048576", 0, "Largest produce request: a record larger than this fails in send() (RecordTooLargeException), and a request carries batches up to this size."),
];

pub const DEFAULT_ASSIGNMENT_STRATEGY: &str =
    "org.apache.kafka.clients.consumer.RangeAssignor,org.apache.kafka.clients.consumer.CooperativeStickyAssignor";

/// Consumer configuration (`ConsumerConfig`).
pub const CONSUMER_CONFIGS: &[ConfigDef] = &[
    choice(
        "auto.offset.reset",
        "latest",
        &["latest", "earliest", "none"],
        "Where to start when the group has no committed offset or the offset is out of range.",
    ),
    boolean(
        "enable.auto.commit",
        "true",
        "Commit positions in the background from within poll().",
    ),
    int(
        "auto.commit.interval.ms",
        "5000",
        0,
        "How often auto-commit runs.",
    ),
    int(
        "session.timeout.ms",
        "45000",
        1,
        "The coordinator removes a member that has not heartbeated for this long.",
    ),
    int(
        "heartbeat.interval.ms",
        "3000",
        1,
        "How often the consumer heartbeats to the group coordinator.",
    ),
    int(
        "max.poll.interval.ms",
        "300000",
        1,
        "A consumer that does not poll for this long leaves the group.",
    ),
    int(
        "max.poll.records",
        "500",
        1,
        "Most records returned by one poll().",
    ),
    int(
        "fetch.min.bytes",
        "1",
        0,
        "The broker waits for at least this many bytes before answering a fetch.",
    ),
    int(
        "fetch.max.wait.ms",
        "500",
        0,
        "How long the broker may hold a fetch waiting for fetch.min.bytes.",
    ),
    int(
        "max.partition.fetch.bytes",
        "1048576",
        0,
        "Most bytes per partition per fetch.",
    ),
    int(
        "fetch.max.bytes",
        "52428800",
        0,
        "Most bytes per fetch response.",
    ),
    choice(
        "isolation.level",
        "read_uncommitted",
        &["read_uncommitted", "read_committed"],
        "read_committed reads only below the last stable offset and skips aborted transactions.",
    ),
    ConfigDef {
        name: "partition.assignment.strategy",
        ty: ConfigType::List(&[]),
        default: DEFAULT_ASSIGNMENT_STRATEGY,
        doc: "Assignors in order of preference (classic protocol).",
        modeled: true,
    },
    string(
        "group.instance.id",
        "",
        "Static membership: a stable identity that survives restarts without a rebalance.",
    ),
    choice(
        "group.protocol",
        "classic",
        &["classic", "consumer"],
        "classic: client-side assignment; consumer: KIP-848 server-side assignment (Kafka 4.0).",
    ),
    ConfigDef {
        name: "group.remote.assignor",
        ty: ConfigType::Enum(&["", "uniform", "range"]),
        default: "",
        doc: "Server-side assignor for group.protocol=consumer (default: uniform).",
        modeled: true,
    },
    int(
        "request.timeout.ms",
        "30000",
        0,
        "How long to wait for a response.",
    ),
    long(
        "retry.backoff.ms",
        "100",
        0,
        "Wait before retrying a failed request.",
    ),
    int(
        "default.api.timeout.ms",
        "60000",
        0,
        "Timeout of blocking consumer calls.",
    ),
    string(
        "client.rack",
        "",
        "The consumer's rack (for rack-aware assignment and fetching).",
    ),
    unmodeled(
        "bootstrap.servers",
        "Brokers to bootstrap from (every simulated broker is reachable).",
    ),
    unmodeled("client.id", "A logical name for the client."),
    unmodeled(
        "group.id",
        "Set by the consumer's `group` field in a scenario.",
    ),
    unmodeled(
        "key.deserializer",
        "Keys are UTF-8 strings (StringDeserializer).",
    ),
    unmodeled(
        "value.deserializer",
        "Values are UTF-8 strings (StringDeserializer).",
    ),
];

/// A scope's validated properties: explicit overrides on top of the definitions' defaults.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Props {
    values: BTreeMap<String, String>,
}

fn def_of(defs: &'static [ConfigDef], key: &str) -> Option<&'static ConfigDef> {
    defs.iter().find(|d| d.name == key)
}

impl Props {
    /// Validate `raw` against `defs`; `scope` names the scope in error messages.
    pub fn parse(
        defs: &'static [ConfigDef],
        raw: &BTreeMap<String, String>,
        scope: &str,
    ) -> SimResult<Props> {
        let mut values = BTreeMap::new();
        for (k, v) in raw {
            let def = def_of(defs, k).ok_or_else(|| {
                let hint = suggest(defs, k)
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                SimError::config(k, format!("unknown {scope} config{hint}"))
            })?;
            let norm = validate(def, v).map_err(|m| SimError::config(k, m))?;
            values.insert(k.clone(), norm);
        }
        Ok(Props { values })
    }

    /// Set one value after validation.
    pub fn set(
        &mut self,
        defs: &'static [ConfigDef],
        key: &str,
        value: &str,
        scope: &str,
    ) -> SimResult<()> {
        let def = def_of(defs, key)
            .ok_or_else(|| SimError::config(key, format!("unknown {scope} config")))?;
        let norm = validate(def, value).map_err(|m| SimError::config(key, m))?;
        self.values.insert(key.to_string(), norm);
        Ok(())
    }

    pub fn remove(&mut self, key: &str) {
        self.values.remove(key);
    }

    /// Explicitly set values (the overrides).
    pub fn overrides(&self) -> &BTreeMap<String, String> {
        &self.values
    }

    pub fn is_set(&self, key: &str) -> bool {
        self.values.contains_key(key)
    }

    /// The raw value, or the definition's default.
    pub fn raw<'a>(&'a self, defs: &'static [ConfigDef], key: &str) -> &'a str {
        if let Some(v) = self.values.get(key) {
            return v;
        }
        def_of(defs, key).map(|d| d.default).unwrap_or("")
    }

    pub fn i64(&self, defs: &'static [ConfigDef], key: &str) -> i64 {
        self.raw(defs, key).trim().parse().unwrap_or(0)
    }
    pub fn f64(&self, defs: &'static [ConfigDef], key: &str) -> f64 {
        self.raw(defs, key).trim().parse().unwrap_or(0.0)
    }
    pub fn bool(&self, defs: &'static [ConfigDef], key: &str) -> bool {
        self.raw(defs, key).trim().eq_ignore_ascii_case("true")
    }
    pub fn string(&self, defs: &'static [ConfigDef], key: &str) -> Option<String> {
        let v = self.raw(defs, key);
        if v.is_empty() {
            None
        } else {
            Some(v.to_string())
        }
    }
    pub fn list(&self, defs: &'static [ConfigDef], key: &str) -> Vec<String> {
        self.raw(defs, key)
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    }
}

fn validate(def: &ConfigDef, v: &str) -> Result<String, String> {
    let t = v.trim();
    match def.ty {
        ConfigType::Int { min, max } | ConfigType::Long { min, max } => {
            let n: i64 = t
                .parse()
                .map_err(|_| format!("expected an integer, got {v:?}"))?;
            let (lo, hi) = match def.ty {
                ConfigType::Int { .. } => (min.max(I32.0), max.min(I32.1)),
                _ => (min, max),
            };
            if n < lo || n > hi {
                return Err(format!("value {n} is out of range: must be at least {lo}"));
            }
            Ok(n.to_string())
        }
        ConfigType::Double { min, max } => {
            let n: f64 = t
                .parse()
                .map_err(|_| format!("expected a number, got {v:?}"))?;
            if !(min..=max).contains(&n) {
                return Err(format!("value {n} must be between {min} and {max}"));
            }
            Ok(t.to_string())
        }
        ConfigType::Bool => match t.to_ascii_lowercase().as_str() {
            "true" => Ok("true".into()),
            "false" => Ok("false".into()),
            _ => Err(format!("expected true or false, got {v:?}")),
        },
        ConfigType::Enum(values) => values
            .iter()
            .find(|x| x.eq_ignore_ascii_case(t))
            .map(|x| x.to_string())
            .ok_or_else(|| {
                let shown: Vec<&str> = values.iter().copied().filter(|x| !x.is_empty()).collect();
                format!("invalid value {v:?}: expected one of {}", shown.join(", "))
            }),
        ConfigType::List(allowed) => {
            let items: Vec<String> = t
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            if !allowed.is_empty() {
                for it in &items {
                    if !allowed.iter().any(|a| a.eq_ignore_ascii_case(it)) {
                        return Err(format!(
                            "invalid value {it:?}: expected a comma-separated list of {}",
                            allowed.join(", ")
                        ));
                    }
                }
            }
            if items.is_empty() {
                return Err("expected a non-empty list".into());
            }
            Ok(items.join(","))
        }
        ConfigType::Str => Ok(v.to_string()),
    }
}

/// A close key name for a typo, by edit distance.
fn suggest(defs: &'static [ConfigDef], key: &str) -> Option<&'static str> {
    defs.iter()
        .map(|d| (edit_distance(d.name, key), d.name))
        .filter(|(d, _)| *d <= 3)
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            if let Some(c) = cur.get_mut(j + 1) {
                *c = sub.min(del).min(ins);
            }
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

/// Convert a scenario's config object (strings, numbers or booleans) into strings.
pub fn props_from_json(
    obj: &BTreeMap<String, serde_json::Value>,
) -> Result<BTreeMap<String, String>, SimError> {
    let mut out = BTreeMap::new();
    for (k, v) in obj {
        let s = match v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::Bool(b) => b.to_string(),
            serde_json::Value::Array(items) => {
                let mut parts = Vec::new();
                for it in items {
                    match it {
                        serde_json::Value::String(s) => parts.push(s.clone()),
                        _ => return Err(SimError::config(k, "list items must be strings")),
                    }
                }
                parts.join(",")
            }
            _ => {
                return Err(SimError::config(
                    k,
                    "expected a string, number or boolean value",
                ))
            }
        };
        out.insert(k.clone(), s);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_are_kafkas() {
        let p = Props::default();
        assert_eq!(p.raw(PRODUCER_CONFIGS, "acks"), "all");
        assert!(p.bool(PRODUCER_CONFIGS, "enable.idempotence"));
        assert_eq!(p.i64(PRODUCER_CONFIGS, "batch.size"), 16384);
        assert_eq!(p.i64(TOPIC_CONFIGS, "min.insync.replicas"), 1);
        assert_eq!(p.raw(CONSUMER_CONFIGS, "auto.offset.reset"), "latest");
        assert_eq!(p.i64(BROKER_CONFIGS, "replica.lag.time.max.ms"), 30000);
    }

    #[test]
    fn unknown_key_is_an_error_naming_the_key_with_a_suggestion() {
        let err = Props::parse(PRODUCER_CONFIGS, &m(&[("ack", "1")]), "producer").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("`ack`"), "{text}");
        assert!(text.contains("did you mean `acks`"), "{text}");
    }

    #[test]
    fn invalid_values_are_errors() {
        for (k, v) in [
            ("acks", "2"),
            ("batch.size", "-1"),
            ("enable.idempotence", "yes"),
            ("linger.ms", "soon"),
        ] {
            let err = Props::parse(PRODUCER_CONFIGS, &m(&[(k, v)]), "producer").unwrap_err();
            assert!(
                matches!(err, SimError::Config { ref key, .. } if key == k),
                "{k}={v}: {err}"
            );
        }
        let err = Props::parse(
            TOPIC_CONFIGS,
            &m(&[("cleanup.policy", "compact,forever")]),
            "topic",
        )
        .unwrap_err();
        assert!(err.to_string().contains("forever"));
    }

    #[test]
    fn values_are_normalised() {
        let p = Props::parse(
            TOPIC_CONFIGS,
            &m(&[
                ("cleanup.policy", " compact , delete "),
                ("unclean.leader.election.enable", "TRUE"),
            ]),
            "topic",
        )
        .unwrap();
        assert_eq!(
            p.list(TOPIC_CONFIGS, "cleanup.policy"),
            vec!["compact", "delete"]
        );
        assert!(p.bool(TOPIC_CONFIGS, "unclean.leader.election.enable"));
    }
}

/// A topic's effective configuration: the topic's overrides on top of the cluster's
/// defaults (for keys that have a broker-level default) on top of Kafka's defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopicSettings {
    pub min_isr: i32,
    pub unclean_election: bool,
    pub retention_ms: i64,
    pub retention_bytes: i64,
    pub segment_bytes: usize,
    pub segment_ms: i64,
    pub compact: bool,
    pub delete: bool,
    pub delete_retention_ms: i64,
    pub min_cleanable_dirty_ratio: f64,
    pub min_compaction_lag_ms: i64,
    pub max_compaction_lag_ms: i64,
    pub log_append_time: bool,
    pub max_message_bytes: usize,
    pub flush_messages: i64,
    pub flush_ms: i64,
}

impl TopicSettings {
    pub fn resolve(topic: &Props, broker: &Props) -> Self {
        let t = TOPIC_CONFIGS;
        let b = BROKER_CONFIGS;
        let with_broker_default = |key: &str, broker_key: &str| -> &str {
            if topic.is_set(key) {
                topic.raw(t, key)
            } else {
                broker.raw(b, broker_key)
            }
        };
        let policy = topic.raw(t, "cleanup.policy");
        let has_policy = |p: &str| policy.split(',').any(|x| x.trim() == p);
        TopicSettings {
            min_isr: with_broker_default("min.insync.replicas", "min.insync.replicas")
                .trim()
                .parse()
                .unwrap_or(1),
            unclean_election: with_broker_default(
                "unclean.leader.election.enable",
                "unclean.leader.election.enable",
            ) == "true",
            retention_ms: with_broker_default("retention.ms", "log.retention.ms")
                .trim()
                .parse()
                .unwrap_or(604_800_000),
            retention_bytes: topic.i64(t, "retention.bytes"),
            segment_bytes: topic.i64(t, "segment.bytes").max(14) as usize,
            segment_ms: topic.i64(t, "segment.ms").max(1),
            compact: has_policy("compact"),
            delete: has_policy("delete"),
            delete_retention_ms: topic.i64(t, "delete.retention.ms"),
            min_cleanable_dirty_ratio: topic.f64(t, "min.cleanable.dirty.ratio"),
            min_compaction_lag_ms: topic.i64(t, "min.compaction.lag.ms"),
            max_compaction_lag_ms: topic.i64(t, "max.compaction.lag.ms"),
            log_append_time: topic.raw(t, "message.timestamp.type") == "LogAppendTime",
            max_message_bytes: with_broker_default("max.message.bytes", "message.max.bytes")
                .trim()
                .parse::<usize>()
                .unwrap_or(1_048_588),
            flush_messages: with_broker_default("flush.messages", "log.flush.interval.messages")
                .trim()
                .parse::<i64>()
                .unwrap_or(i64::MAX)
                .max(1),
            // `KafkaConfig.logFlushIntervalMs`: log.flush.interval.ms, else the scheduler's.
            flush_ms: if topic.is_set("flush.ms") || broker.is_set("log.flush.interval.ms") {
                with_broker_default("flush.ms", "log.flush.interval.ms")
            } else {
                broker.raw(b, "log.flush.scheduler.interval.ms")
            }
            .trim()
            .parse::<i64>()
            .unwrap_or(i64::MAX)
            .max(0),
        }
    }
}
