//! Event sourcing on a retained log: a projection (account balances) folded from a topic,
//! dropped and rebuilt by replaying from offset 0, and rebuilt "as of" a timestamp.
#![allow(clippy::unwrap_used)]

use kafka_sim::projection::Fold;
use kafka_sim::{Cluster, ClusterSpec};
use std::collections::BTreeMap;

const EVENTS: [(&str, i64); 8] = [
    ("alice", 100),
    ("bob", 50),
    ("alice", -30),
    ("carol", 20),
    ("bob", -10),
    ("alice", 5),
    ("carol", -20),
    ("bob", 15),
];

fn balances(events: &[(&str, i64)]) -> BTreeMap<String, String> {
    let mut m: BTreeMap<String, i64> = BTreeMap::new();
    for (k, d) in events {
        *m.entry(k.to_string()).or_default() += d;
    }
    m.into_iter().map(|(k, v)| (k, v.to_string())).collect()
}

/// A cluster with the events produced one per second; returns the timestamp of each.
fn cluster() -> (Cluster, Vec<i64>) {
    let mut c = Cluster::new(&ClusterSpec {
        seed: 9,
        ..ClusterSpec::default()
    })
    .unwrap();
    c.create_topic("accounts", 3, 3, &BTreeMap::new(), None)
        .unwrap();
    c.add_producer("bank", &BTreeMap::new()).unwrap();
    c.advance(500);
    let mut times = Vec::new();
    for (k, d) in EVENTS {
        times.push(c.wall_clock() as i64);
        c.produce(
            "bank",
            "accounts",
            Some(k),
            Some(&format!("{d:+}")),
            None,
            &[],
            1,
        )
        .unwrap();
        c.advance(1_000);
    }
    c.advance(1_000);
    (c, times)
}

fn state(c: &Cluster, id: &str) -> BTreeMap<String, String> {
    c.projections
        .iter()
        .find(|p| p.id == id)
        .unwrap()
        .state
        .clone()
}

#[test]
fn a_projection_folds_the_topic_into_balances() {
    let (mut c, _) = cluster();
    c.add_projection("balances", "accounts", Fold::Sum, None)
        .unwrap();
    c.advance(3_000);
    assert_eq!(state(&c, "balances"), balances(&EVENTS));
    let v = c.view().projections;
    assert_eq!(v[0].applied, EVENTS.len() as u64);
    assert_eq!(v[0].behind, 0);
    // New events keep flowing in.
    c.produce("bank", "accounts", Some("dave"), Some("+7"), None, &[], 1)
        .unwrap();
    c.advance(2_000);
    assert_eq!(
        state(&c, "balances").get("dave").map(String::as_str),
        Some("7")
    );
}

#[test]
fn dropping_and_replaying_rebuilds_the_same_state() {
    let (mut c, _) = cluster();
    c.add_projection("balances", "accounts", Fold::Sum, None)
        .unwrap();
    c.advance(3_000);
    let before = state(&c, "balances");
    c.rebuild_projection("balances", None).unwrap();
    assert!(state(&c, "balances").is_empty(), "dropped");
    c.advance(3_000);
    assert_eq!(
        state(&c, "balances"),
        before,
        "replaying the retained log rebuilds it exactly"
    );
    let p = &c.view().projections[0];
    assert_eq!(p.rebuilds, 1);
    assert_ne!(
        p.consumer, "balances-replay",
        "a fresh consumer replayed from offset 0"
    );
}

#[test]
fn rebuilding_as_of_a_timestamp_travels_back_in_time() {
    let (mut c, times) = cluster();
    c.add_projection("balances", "accounts", Fold::Sum, None)
        .unwrap();
    c.advance(3_000);
    // As of just after the fourth event.
    let t = times[3] + 500;
    c.rebuild_projection("balances", Some(t)).unwrap();
    c.advance(3_000);
    assert_eq!(state(&c, "balances"), balances(&EVENTS[..4]));
    let p = &c.view().projections[0];
    assert_eq!(p.applied, 4);
    assert_eq!(p.skipped, 4, "later events were read and ignored");
}

#[test]
fn latest_fold_builds_a_table_and_tombstones_delete() {
    let (mut c, _) = cluster();
    c.produce("bank", "accounts", Some("bob"), None, None, &[], 1)
        .unwrap();
    c.advance(1_000);
    c.add_projection("table", "accounts", Fold::Latest, None)
        .unwrap();
    c.advance(3_000);
    let t = state(&c, "table");
    assert_eq!(t.get("alice").map(String::as_str), Some("+5"));
    assert_eq!(t.get("bob"), None, "the tombstone removed bob");
    assert!(
        c.add_projection("table", "accounts", Fold::Sum, None)
            .is_err(),
        "names are unique"
    );
    assert!(c.add_projection("x", "missing", Fold::Sum, None).is_err());
    assert!(c.rebuild_projection("nope", None).is_err());
}
