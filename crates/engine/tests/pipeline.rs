//! The read-process-write pipeline under crashes: exactly_once never duplicates or loses;
//! at_least_once never loses and duplicates on some crashes.
#![allow(clippy::disallowed_methods)] // std's sort is fine in native tests
#![allow(clippy::unwrap_used)]

use kafka_sim::processor::{Guarantee, PipelineCheck};
use kafka_sim::{Cluster, ClusterSpec};
use proptest::prelude::*;
use std::collections::BTreeMap;

/// The pipeline's check and how many input records were written.
fn run(seed: u64, guarantee: Guarantee, crashes: &[(u64, u64)]) -> (PipelineCheck, u64) {
    let mut c = Cluster::new(&ClusterSpec {
        seed,
        ..ClusterSpec::default()
    })
    .unwrap();
    c.create_topic("in", 2, 3, &BTreeMap::new(), None).unwrap();
    c.create_topic("out", 2, 3, &BTreeMap::new(), None).unwrap();
    c.add_producer("src", &BTreeMap::new()).unwrap();
    // 30 records over 15 s, so crashes land while the pipeline is busy.
    c.start_workload(
        "src",
        kafka_sim::workload::Workload::new("in", 2.0, Some(10), "k", 20, Some(15_000)),
    )
    .unwrap();
    c.add_processor("app", "in", "out", "app", guarantee, 0)
        .unwrap();
    let mut t = 0;
    for (crash_at, down_for) in crashes {
        c.advance(crash_at.saturating_sub(t));
        c.crash_processor("app").unwrap();
        c.advance(*down_for);
        c.restart_processor("app").unwrap();
        t = crash_at + down_for;
    }
    c.advance(120_000);
    (
        c.pipeline_check("app").unwrap(),
        c.producer("src").unwrap().stats.acked,
    )
}

#[test]
fn without_crashes_every_input_appears_once() {
    for g in [Guarantee::AtLeastOnce, Guarantee::ExactlyOnce] {
        let (p, n) = run(1, g, &[]);
        assert!(n >= 25);
        assert_eq!(p.inputs, n, "{g:?}: {p:?}");
        assert_eq!(p.lost, 0, "{g:?}: {p:?}");
        assert_eq!(p.duplicates, 0, "{g:?}: {p:?}");
    }
}

#[test]
fn at_least_once_duplicates_after_some_crashes_and_never_loses() {
    let mut dup_seeds = 0;
    for seed in 0..16u64 {
        let crash = 5_000 + seed * 531;
        let (p, n) = run(seed, Guarantee::AtLeastOnce, &[(crash, 12_000)]);
        assert_eq!(p.lost, 0, "seed {seed}: {p:?}");
        assert_eq!(p.inputs, n, "seed {seed}: {p:?}");
        if p.duplicates > 0 {
            dup_seeds += 1;
        }
    }
    assert!(
        dup_seeds > 0,
        "a crash between producing and committing offsets must duplicate sometimes"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn exactly_once_holds_under_crashes(seed in 0u64..10_000, crashes in prop::collection::vec((3_500u64..14_000, 1_000u64..15_000), 1..3)) {
        let mut sorted = crashes.clone();
        sorted.sort();
        // Crashes at increasing times, each after the previous restart.
        let mut t = 0;
        let mut plan = Vec::new();
        for (at, down) in sorted {
            let at = at.max(t + 1_000);
            plan.push((at, down));
            t = at + down;
        }
        let (p, n) = run(seed, Guarantee::ExactlyOnce, &plan);
        prop_assert_eq!(p.inputs, n, "{:?}", p);
        prop_assert_eq!(p.lost, 0, "{:?}", p);
        prop_assert_eq!(p.duplicates, 0, "{:?}", p);
    }
}
