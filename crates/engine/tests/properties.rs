//! Properties over random command sequences: determinism, dense offsets, HW ≤ LEO, and no
//! panics on arbitrary (often invalid) commands.
#![allow(clippy::unwrap_used)]

use kafka_sim::action::Action;
use kafka_sim::{Cluster, ClusterSpec};
use proptest::prelude::*;
use std::collections::BTreeMap;

fn produce(key: Option<String>, partition: Option<i32>, count: u32) -> Action {
    Action::Produce {
        producer: "p".into(),
        topic: "t".into(),
        key,
        value: Some("v".into()),
        partition,
        count: Some(count),
        headers: BTreeMap::new(),
    }
}

#[derive(Debug, Clone)]
enum Cmd {
    Act(Action),
    Wait(u64),
}

fn cmd() -> impl Strategy<Value = Cmd> {
    let broker = 0i32..5; // includes ids that do not exist
    prop_oneof![
        4 => (prop::option::of("[a-c]{1,2}"), prop::option::of(-1i32..5), 1u32..6)
            .prop_map(|(k, p, n)| Cmd::Act(produce(k, p, n))),
        1 => broker.clone().prop_map(|b| Cmd::Act(Action::StopBroker { broker: Some(b), leader_of: None })),
        1 => broker.clone().prop_map(|b| Cmd::Act(Action::StartBroker { broker: Some(b), leader_of: None })),
        1 => broker.clone().prop_map(|b| Cmd::Act(Action::IsolateBroker { broker: Some(b), leader_of: None })),
        1 => Just(Cmd::Act(Action::Heal {})),
        1 => broker.clone().prop_map(|b| Cmd::Act(Action::PauseFetchers { broker: Some(b), leader_of: None })),
        1 => broker.prop_map(|b| Cmd::Act(Action::ResumeFetchers { broker: Some(b), leader_of: None })),
        1 => prop_oneof![Just("0"), Just("1"), Just("all"), Just("2")].prop_map(|a| {
            let mut config = BTreeMap::new();
            config.insert("acks".to_string(), serde_json::Value::String(a.to_string()));
            Cmd::Act(Action::SetProducerConfig { producer: "p".into(), config })
        }),
        1 => Just(Cmd::Act(Action::StopBroker { broker: None, leader_of: Some("t-0".into()) })),
        1 => Just(Cmd::Act(Action::LoseResponse { producer: "p".into(), count: 1 })),
        3 => (1u64..20_000).prop_map(Cmd::Wait),
    ]
}

fn run(seed: u64, cmds: &[Cmd]) -> Cluster {
    let mut c = Cluster::new(&ClusterSpec {
        seed,
        ..ClusterSpec::default()
    })
    .unwrap();
    c.create_topic("t", 3, 3, &BTreeMap::new(), None).unwrap();
    c.add_producer("p", &BTreeMap::new()).unwrap();
    c.add_consumer("c", None, &["t".into()], &BTreeMap::new(), 0)
        .unwrap();
    for cmd in cmds {
        match cmd {
            Cmd::Act(a) => {
                // Invalid commands are errors, never panics.
                let _ = c.apply(a);
            }
            Cmd::Wait(ms) => c.advance(*ms),
        }
        check_logs(&c);
    }
    c.advance(30_000);
    check_logs(&c);
    c
}

fn check_logs(c: &Cluster) {
    for b in c.brokers.values() {
        for p in b.partitions.values() {
            let log = &p.log;
            assert!(
                log.high_watermark() <= log.log_end_offset(),
                "HW > LEO on broker {}",
                b.id
            );
            assert!(log.log_start_offset() <= log.high_watermark());
            let mut expect = log.log_start_offset();
            for chunk in log.chunks() {
                for e in chunk.entries() {
                    assert_eq!(
                        e.offset, expect,
                        "offsets are dense and increasing on broker {}",
                        b.id
                    );
                    expect += 1;
                }
            }
            assert_eq!(expect, log.log_end_offset());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn same_seed_and_commands_give_the_same_trace(seed in 0u64..10_000, cmds in prop::collection::vec(cmd(), 0..30)) {
        let a = run(seed, &cmds);
        let b = run(seed, &cmds);
        prop_assert_eq!(a.trace_hash(), b.trace_hash());
        prop_assert_eq!(a.trace.len(), b.trace.len());
        prop_assert_eq!(a.durability(), b.durability());
    }
}

#[test]
fn different_seeds_place_replicas_differently() {
    let placement = |seed| {
        let mut c = Cluster::new(&ClusterSpec {
            seed,
            brokers: 6,
            ..ClusterSpec::default()
        })
        .unwrap();
        c.create_topic("t", 12, 3, &BTreeMap::new(), None).unwrap();
        c.view().topics[0]
            .partitions
            .iter()
            .map(|p| p.replicas.iter().map(|r| r.broker).collect::<Vec<_>>())
            .collect::<Vec<_>>()
    };
    assert_eq!(placement(1), placement(1));
    assert!(
        (2..20).any(|s| placement(s) != placement(1)),
        "the seed drives placement"
    );
}
