#![allow(clippy::type_complexity)]
//! Property tests for the client-side assignors (the checks of Kafka's `verifyValidityAndBalance`
//! and `isFullyBalanced`, over generated groups).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod assignor_support;

use kafka_sim::vecmap::{VecMap, VecSet};

use assignor_support::*;
use kafka_sim::assignor::{
    assign, cooperative_rounds, AssignContext, AssignorName, Subscription, TopicPartition,
};
use proptest::prelude::*;

fn group() -> impl Strategy<Value = (VecMap<String, i32>, Vec<Subscription>)> {
    (prop::collection::vec(0..9i32, 1..5), 1..8usize).prop_flat_map(|(counts, n)| {
        let topics: VecMap<String, i32> = counts
            .iter()
            .enumerate()
            .map(|(i, c)| (format!("t{i}"), *c))
            .collect();
        let k = counts.len();
        let subs = prop::collection::vec(prop::collection::btree_set(0..k, 1..=k), n);
        (Just(topics), subs).prop_map(|(topics, subs)| {
            let members = subs
                .into_iter()
                .enumerate()
                .map(|(i, set)| {
                    Subscription::new(format!("m{i}"), set.into_iter().map(|t| format!("t{t}")))
                })
                .collect();
            (topics, members)
        })
    })
}

fn check_complete(
    topics: &VecMap<String, i32>,
    members: &[Subscription],
    out: &VecMap<String, Vec<TopicPartition>>,
) {
    assert_eq!(out.len(), members.len());
    let subscribed: VecSet<&String> = members.iter().flat_map(|m| m.topics.iter()).collect();
    let mut seen = VecSet::new();
    for m in members {
        for p in &out[&m.member_id] {
            assert!(
                m.topics.contains(&p.topic),
                "{} got unsubscribed {p}",
                m.member_id
            );
            assert!(seen.insert(p.clone()), "{p} assigned twice");
        }
    }
    let expected: usize = topics
        .iter()
        .filter(|(t, _)| subscribed.contains(t))
        .map(|(_, c)| *c as usize)
        .sum();
    assert_eq!(
        seen.len(),
        expected,
        "every subscribed partition is assigned exactly once"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn every_partition_once_and_only_subscribed_topics((topics, members) in group()) {
        for name in [AssignorName::Range, AssignorName::RoundRobin, AssignorName::Sticky] {
            let out = assign(name, &topics, &members).unwrap();
            check_complete(&topics, &members, &out);
        }
        // Cooperative: once the follow-up rebalances are done.
        let rounds = cooperative_rounds(&topics, &members, &AssignContext::default()).unwrap();
        let last = rounds.last().unwrap();
        prop_assert!(last.withheld.is_empty());
        check_complete(&topics, &members, &last.assignment);
    }

    #[test]
    fn sticky_assignments_are_valid_and_balanced((topics, members) in group()) {
        let out = assign(AssignorName::Sticky, &topics, &members).unwrap();
        verify_validity_and_balance(&members, &out);
    }

    #[test]
    fn equal_subscriptions_are_balanced_within_one((topics, members) in group()) {
        let all: Vec<String> = topics.keys().cloned().collect();
        let members: Vec<Subscription> = members.into_iter().map(|m| Subscription::new(m.member_id, all.clone())).collect();
        for name in [AssignorName::RoundRobin, AssignorName::Sticky] {
            let out = assign(name, &topics, &members).unwrap();
            prop_assert!(is_fully_balanced(&out), "{name}: {out:?}");
        }
        let rounds = cooperative_rounds(&topics, &members, &AssignContext::default()).unwrap();
        prop_assert!(is_fully_balanced(&rounds.last().unwrap().assignment));
    }

    #[test]
    fn sticky_keeps_a_balanced_owned_assignment((topics, members) in group(), generation in 1..5i32) {
        // A balanced owned assignment: what round-robin gives members with equal subscriptions.
        let all: Vec<String> = topics.keys().cloned().collect();
        let fresh: Vec<Subscription> = members.iter().map(|m| Subscription::new(m.member_id.clone(), all.clone())).collect();
        let owned = assign(AssignorName::RoundRobin, &topics, &fresh).unwrap();
        // Rejoin in another order, each member reporting what it owns.
        let rejoined: Vec<Subscription> = fresh
            .iter()
            .rev()
            .map(|m| m.clone().with_owned(owned[&m.member_id].clone()).with_generation(generation))
            .collect();
        for name in [AssignorName::Sticky, AssignorName::CooperativeSticky] {
            let out = assign(name, &topics, &rejoined).unwrap();
            prop_assert_eq!(&out, &owned);
        }
    }
}
