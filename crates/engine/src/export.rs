//! "Export to real Kafka": the current state of a session as what you would type against a
//! real cluster — `kafka-topics.sh`, `kafka-configs.sh` and `kafka-consumer-groups.sh`
//! commands, `server.properties` overrides, producer and consumer `.properties` files, and the
//! seed document's Java producer filled in with this session's settings. Pure text; the page
//! shows it with a copy button.

use crate::action::Action;
use crate::scenario::Session;
use crate::vecmap::VecMap;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One block of the export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    /// `shell`, `properties` or `java`.
    pub language: &'static str,
    pub text: String,
}

/// The bootstrap address used in the commands.
pub const BOOTSTRAP: &str = "localhost:9092";

/// Quote a shell word when it needs it.
fn sh(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:,=/@".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

fn json_value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn java_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Consumers as defined by the scenario and by `add_consumer` commands (script and user),
/// the latest definition of each id winning: id → (group, topics, config).
type ConsumerDefs = VecMap<String, (Option<String>, Vec<String>, BTreeMap<String, String>)>;

fn consumer_defs(s: &Session) -> ConsumerDefs {
    let mut out: ConsumerDefs = VecMap::new();
    for c in &s.scenario.consumers {
        let cfg = c
            .config
            .iter()
            .map(|(k, v)| (k.clone(), json_value(v)))
            .collect();
        out.insert(c.id.clone(), (c.group.clone(), c.topics.clone(), cfg));
    }
    let now = s.now();
    let steps = s
        .scenario
        .script
        .iter()
        .filter(|st| st.at_ms <= now)
        .chain(s.user_steps.iter());
    for st in steps {
        if let Action::AddConsumer {
            id,
            group,
            topics,
            config,
            ..
        } = &st.action
        {
            let cfg = config
                .iter()
                .map(|(k, v)| (k.clone(), json_value(v)))
                .collect();
            out.insert(id.clone(), (group.clone(), topics.clone(), cfg));
        }
    }
    out
}

/// Everything, in the order the page shows it.
pub fn export(s: &Session) -> Vec<Section> {
    let view = s.cluster.view();
    let mut out = Vec::new();

    // Brokers.
    let mut server = String::new();
    let _ = writeln!(
        server,
        "# server.properties overrides for each of the {} brokers (KRaft mode)",
        view.brokers.len()
    );
    for (k, v) in &s.scenario.cluster.config {
        let _ = writeln!(server, "{k}={}", json_value(v));
    }
    for (i, r) in s.scenario.cluster.racks.iter().enumerate() {
        let _ = writeln!(server, "# broker {}: broker.rack={r}", i + 1);
    }
    if s.scenario.cluster.config.is_empty() && s.scenario.cluster.racks.is_empty() {
        let _ = writeln!(server, "# (none: Kafka's defaults)");
    }
    out.push(Section {
        title: "Brokers".into(),
        language: "properties",
        text: server,
    });

    // Topics.
    let mut topics = String::new();
    for t in view.topics.iter().filter(|t| !t.internal) {
        let _ = write!(
            topics,
            "kafka-topics.sh --bootstrap-server {BOOTSTRAP} --create --topic {} \\\n    --partitions {} --replication-factor {}",
            sh(&t.name),
            t.partitions.len(),
            t.replication_factor
        );
        for (k, v) in &t.config {
            let _ = write!(topics, " \\\n    --config {}", sh(&format!("{k}={v}")));
        }
        topics.push('\n');
        let placement: Vec<String> = t
            .partitions
            .iter()
            .map(|p| {
                p.replicas
                    .iter()
                    .map(|r| r.broker.to_string())
                    .collect::<Vec<_>>()
                    .join(":")
            })
            .collect();
        let _ = writeln!(
            topics,
            "# replica placement here: --replica-assignment {}",
            placement.join(",")
        );
        if !t.config.is_empty() {
            let cfg: Vec<String> = t.config.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let _ = writeln!(
                topics,
                "# or, on an existing topic:\nkafka-configs.sh --bootstrap-server {BOOTSTRAP} --alter --entity-type topics --entity-name {} \\\n    --add-config {}",
                sh(&t.name),
                sh(&cfg.join(","))
            );
        }
        topics.push('\n');
    }
    out.push(Section {
        title: "Topics".into(),
        language: "shell",
        text: topics.trim_end().to_string() + "\n",
    });

    // Consumer groups: describe, and reset to this session's committed offsets.
    if !view.groups.is_empty() {
        let mut g = String::new();
        for grp in &view.groups {
            let _ = writeln!(
                g,
                "kafka-consumer-groups.sh --bootstrap-server {BOOTSTRAP} --describe --group {}",
                sh(&grp.group)
            );
            for c in &grp.committed {
                let _ = writeln!(
                    g,
                    "kafka-consumer-groups.sh --bootstrap-server {BOOTSTRAP} --reset-offsets --group {} \\\n    --topic {} --to-offset {} --execute   # committed here (the group must be inactive)",
                    sh(&grp.group),
                    sh(&format!("{}:{}", c.topic, c.partition)),
                    c.offset
                );
            }
            g.push('\n');
        }
        out.push(Section {
            title: "Consumer groups".into(),
            language: "shell",
            text: g.trim_end().to_string() + "\n",
        });
    }

    // Producers.
    for p in &view.producers {
        let mut props = String::new();
        let _ = writeln!(props, "# {}.properties", p.id);
        let _ = writeln!(props, "bootstrap.servers={BOOTSTRAP}");
        let _ = writeln!(props, "client.id={}", p.id);
        let _ = writeln!(
            props,
            "key.serializer=org.apache.kafka.common.serialization.StringSerializer"
        );
        let _ = writeln!(
            props,
            "value.serializer=org.apache.kafka.common.serialization.StringSerializer"
        );
        let mut cfg = p.config.clone();
        cfg.entry("acks".into()).or_insert_with(|| p.acks.clone());
        cfg.entry("enable.idempotence".into())
            .or_insert_with(|| p.idempotence.to_string());
        for (k, v) in &cfg {
            let _ = writeln!(props, "{k}={v}");
        }
        out.push(Section {
            title: format!("Producer {}", p.id),
            language: "properties",
            text: props,
        });
    }

    // Consumers.
    for (id, (group, topics, cfg)) in consumer_defs(s) {
        let mut props = String::new();
        let _ = writeln!(props, "# {id}.properties (reads {})", topics.join(", "));
        let _ = writeln!(props, "bootstrap.servers={BOOTSTRAP}");
        let _ = writeln!(props, "client.id={id}");
        if let Some(g) = &group {
            let _ = writeln!(props, "group.id={g}");
        }
        let _ = writeln!(
            props,
            "key.deserializer=org.apache.kafka.common.serialization.StringDeserializer"
        );
        let _ = writeln!(
            props,
            "value.deserializer=org.apache.kafka.common.serialization.StringDeserializer"
        );
        for (k, v) in &cfg {
            let _ = writeln!(props, "{k}={v}");
        }
        out.push(Section {
            title: format!("Consumer {id}"),
            language: "properties",
            text: props,
        });
    }

    // The seed's Java producer, with the first producer's settings and the first topic.
    if let Some(p) = view.producers.first() {
        let topic = view
            .topics
            .iter()
            .find(|t| !t.internal)
            .map_or("output-topic".to_string(), |t| t.name.clone());
        let tx = p.config.get("transactional.id").cloned();
        let mut j = String::new();
        let _ = writeln!(
            j,
            "// Kafka producer ({}) as configured in this session",
            p.id
        );
        let _ = writeln!(j, "Properties props = new Properties();");
        let _ = writeln!(
            j,
            "props.put(\"bootstrap.servers\", {});",
            java_str(BOOTSTRAP)
        );
        let _ = writeln!(j, "props.put(\"key.serializer\", \"org.apache.kafka.common.serialization.StringSerializer\");");
        let _ = writeln!(j, "props.put(\"value.serializer\", \"org.apache.kafka.common.serialization.StringSerializer\");");
        let _ = writeln!(
            j,
            "props.put(\"enable.idempotence\", {});",
            java_str(&p.idempotence.to_string())
        );
        let _ = writeln!(j, "props.put(\"acks\", {});", java_str(&p.acks));
        for (k, v) in &p.config {
            if !matches!(k.as_str(), "acks" | "enable.idempotence") {
                let _ = writeln!(j, "props.put({}, {});", java_str(k), java_str(v));
            }
        }
        let _ = writeln!(
            j,
            "KafkaProducer<String, String> producer = new KafkaProducer<>(props);"
        );
        if tx.is_some() {
            let _ = writeln!(j, "producer.initTransactions();");
            let _ = writeln!(j, "try {{");
            let _ = writeln!(j, "    producer.beginTransaction();");
            let _ = writeln!(
                j,
                "    producer.send(new ProducerRecord<>({}, key, value));",
                java_str(&topic)
            );
            let _ = writeln!(j, "    // Atomically commit processed offset + new record");
            let _ = writeln!(
                j,
                "    producer.sendOffsetsToTransaction(offsets, consumerGroupId);"
            );
            let _ = writeln!(j, "    producer.commitTransaction();");
            let _ = writeln!(j, "}} catch (Exception e) {{");
            let _ = writeln!(j, "    producer.abortTransaction();");
            let _ = writeln!(j, "}}");
        } else {
            let _ = writeln!(
                j,
                "producer.send(new ProducerRecord<>({}, key, value), (metadata, e) -> {{",
                java_str(&topic)
            );
            let _ = writeln!(
                j,
                "    if (e != null) e.printStackTrace(); // e.g. NotEnoughReplicasException"
            );
            let _ = writeln!(j, "}});");
        }
        out.push(Section {
            title: "Java producer".into(),
            language: "java",
            text: j,
        });
    }
    out
}

/// All sections as one text (for a single copy).
pub fn export_text(s: &Session) -> String {
    export(s)
        .iter()
        .map(|sec| {
            let c = if sec.language == "java" { "//" } else { "#" };
            format!("{c} ---- {} ----\n{}", sec.title, sec.text)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    const SC: &str = r#"{
      "name": "export", "seed": 1,
      "cluster": { "brokers": 3, "config": { "replica.lag.time.max.ms": 10000 } },
      "topics": [ { "name": "orders", "partitions": 2, "replication_factor": 3, "config": { "min.insync.replicas": "2" } } ],
      "producers": [ { "id": "p1", "config": { "acks": "all", "linger.ms": "5" } } ],
      "consumers": [ { "id": "c1", "group": "billing", "topics": ["orders"], "config": { "auto.offset.reset": "earliest" } } ],
      "script": [ { "at_ms": 100, "do": "produce", "producer": "p1", "topic": "orders", "key": "k{i}", "count": 6 } ]
    }"#;

    #[test]
    fn exports_commands_properties_and_java() {
        let mut s = Session::new(Scenario::parse(SC).unwrap(), None).unwrap();
        s.advance(12_000);
        let all = export_text(&s);
        assert!(all.contains("kafka-topics.sh --bootstrap-server localhost:9092 --create --topic orders \\\n    --partitions 2 --replication-factor 3 \\\n    --config min.insync.replicas=2"), "{all}");
        assert!(all.contains("--alter --entity-type topics --entity-name orders"));
        assert!(all.contains("replica.lag.time.max.ms=10000"));
        assert!(all.contains(
            "kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --group billing"
        ));
        assert!(all.contains("--reset-offsets --group billing"), "{all}");
        assert!(all.contains("# p1.properties\nbootstrap.servers=localhost:9092"));
        assert!(
            all.contains("acks=all\nenable.idempotence=true\nlinger.ms=5"),
            "{all}"
        );
        assert!(all.contains("group.id=billing"));
        assert!(all.contains("auto.offset.reset=earliest"));
        assert!(all.contains("props.put(\"acks\", \"all\");"));
        assert!(all.contains("new ProducerRecord<>(\"orders\", key, value)"));
        assert!(!all.contains("initTransactions"));
    }

    #[test]
    fn shell_words_are_quoted() {
        assert_eq!(sh("orders"), "orders");
        assert_eq!(sh("a b"), "'a b'");
        assert_eq!(sh("it's"), "'it'\\''s'");
        assert_eq!(java_str("a\"b"), "\"a\\\"b\"");
    }
}
