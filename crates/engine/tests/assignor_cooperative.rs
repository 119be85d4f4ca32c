#![allow(clippy::type_complexity)]
//! Kafka's `CooperativeStickyAssignorTest`-specific cases, the digest's cooperative example,
//! `cooperative_rounds`, and protocol selection (`ClassicGroup.selectProtocol`,
//! `ConsumerCoordinator`'s rebalance protocol).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod assignor_support;

use kafka_sim::vecmap::VecMap;

use assignor_support::*;
use kafka_sim::assignor::{
    assign_with_context, cooperative_rounds, rebalance_protocol, select_protocol,
    supported_protocols, AssignContext, AssignorName, RebalanceProtocol, Subscription,
};

const COOP: AssignorName = AssignorName::CooperativeSticky;

/// The digest's example: a third member joins c1:[t-0,t-2,t-4], c2:[t-1,t-3,t-5].
#[test]
fn third_member_joins_in_two_rounds() {
    let members = [
        Subscription::new("c1", ["t"])
            .with_owned(parts(&[("t", 0), ("t", 2), ("t", 4)]))
            .with_generation(1),
        Subscription::new("c2", ["t"])
            .with_owned(parts(&[("t", 1), ("t", 3), ("t", 5)]))
            .with_generation(1),
        Subscription::new("c3", ["t"]),
    ];
    let rounds =
        cooperative_rounds(&topics(&[("t", 6)]), &members, &AssignContext::default()).unwrap();
    assert_eq!(rounds.len(), 2);
    assert_eq!(rounds[0].assignment["c3"], parts(&[]));
    assert_eq!(
        rounds[0].withheld,
        VecMap::from([
            (tp("t", 4), "c3".to_string()),
            (tp("t", 5), "c3".to_string())
        ])
    );
    assert_eq!(rounds[0].revoked["c1"], parts(&[("t", 4)]));
    assert_eq!(rounds[0].revoked["c2"], parts(&[("t", 5)]));
    assert_eq!(rounds[1].assignment["c3"], parts(&[("t", 4), ("t", 5)]));
    assert_eq!(rounds[1].assignment["c1"], parts(&[("t", 0), ("t", 2)]));
    assert!(rounds[1].withheld.is_empty());
    assert!(rounds[1].revoked.values().all(Vec::is_empty));

    // Eager sticky computes the target at once.
    let eager = assign_with_context(
        AssignorName::Sticky,
        &topics(&[("t", 6)]),
        &members,
        &AssignContext::default(),
    )
    .unwrap();
    assert_eq!(eager.assignment, rounds[1].assignment);
}

#[test]
fn test_uniform_subscription_transfer_ownership_list_is_right() {
    // replicationFactor 1, 2 broker racks, consumers on racks a and b.
    let mut context = AssignContext::default();
    context
        .partition_racks
        .insert("topic1".into(), partition_racks_n(4, 1, 2, 0));
    let members = [
        Subscription::new("c0", ["topic1"])
            .with_owned(parts(&[("topic1", 0), ("topic1", 1)]))
            .with_generation(1)
            .with_rack("a"),
        Subscription::new("c1", ["topic1"])
            .with_owned(parts(&[("topic1", 2), ("topic1", 3)]))
            .with_generation(1)
            .with_rack("b"),
    ];
    let o = assign_with_context(COOP, &topics(&[("topic1", 4)]), &members, &context).unwrap();
    assert_eq!(o.partitions_transferring_ownership.unwrap().len(), 2);
}

#[test]
fn test_assignor_with_old_version_subscriptions() {
    // V1 subscriptions carry owned partitions; the generation comes from user data.
    let members = [
        Subscription::new("consumer1", ["topic1"])
            .with_owned(parts(&[("topic1", 0)]))
            .with_generation(1),
        Subscription::new("consumer2", ["topic1"])
            .with_owned(parts(&[("topic1", 1)]))
            .with_generation(1),
        Subscription::new("consumer3", ["topic1"]).with_generation(1),
    ];
    let o = assign_with_context(
        COOP,
        &topics(&[("topic1", 3)]),
        &members,
        &AssignContext::default(),
    )
    .unwrap();
    assert_eq!(o.assignment["consumer1"], parts(&[("topic1", 0)]));
    assert_eq!(o.assignment["consumer2"], parts(&[("topic1", 1)]));
    assert_eq!(o.assignment["consumer3"], parts(&[("topic1", 2)]));
}

/// General-builder case: the cooperative assignor computes the transfers itself
/// (`computePartitionsTransferringOwnership`).
#[test]
fn unequal_subscriptions_withhold_moving_partitions() {
    let members = [
        Subscription::new("c1", ["a", "b"])
            .with_owned(parts(&[("a", 0), ("a", 1), ("b", 0), ("b", 1)]))
            .with_generation(3),
        Subscription::new("c2", ["a"]).with_generation(3),
    ];
    let partitions = topics(&[("a", 2), ("b", 2)]);
    let o = assign_with_context(COOP, &partitions, &members, &AssignContext::default()).unwrap();
    assert_eq!(o.partitions_transferring_ownership, None);
    assert_eq!(o.withheld.len(), 2);
    assert!(o.assignment["c2"].is_empty());
    let rounds = cooperative_rounds(&partitions, &members, &AssignContext::default()).unwrap();
    let last = rounds.last().unwrap();
    assert!(last.withheld.is_empty());
    assert_eq!(last.assignment["c1"], parts(&[("b", 0), ("b", 1)]));
    assert_eq!(last.assignment["c2"], parts(&[("a", 0), ("a", 1)]));
    assert_eq!(last.generation, 3 + rounds.len() as i32);
}

#[test]
fn supported_and_rebalance_protocols() {
    assert_eq!(
        supported_protocols(AssignorName::Range),
        &[RebalanceProtocol::Eager]
    );
    assert_eq!(
        supported_protocols(COOP),
        &[RebalanceProtocol::Cooperative, RebalanceProtocol::Eager]
    );
    assert_eq!(
        rebalance_protocol(&[AssignorName::Range, COOP]),
        RebalanceProtocol::Eager
    );
    assert_eq!(rebalance_protocol(&[COOP]), RebalanceProtocol::Cooperative);
    assert_eq!(
        rebalance_protocol(&[AssignorName::Sticky]),
        RebalanceProtocol::Eager
    );
    assert_eq!(rebalance_protocol(&[]), RebalanceProtocol::Eager);
}

#[test]
fn assignor_names_parse() {
    for name in AssignorName::ALL {
        assert_eq!(name.name().parse::<AssignorName>().unwrap(), name);
        assert_eq!(name.class_name().parse::<AssignorName>().unwrap(), name);
    }
    assert_eq!(
        "CooperativeStickyAssignor".parse::<AssignorName>().unwrap(),
        COOP
    );
    assert!("fancy".parse::<AssignorName>().is_err());
}

fn member(id: &str, protocols: &[&str]) -> (String, Vec<String>) {
    (id.to_string(), strings(protocols))
}

#[test]
fn select_protocol_votes() {
    // Default consumers [range, cooperative-sticky] vote range.
    let group = [
        member("a", &["range", "cooperative-sticky"]),
        member("b", &["range", "cooperative-sticky"]),
    ];
    assert_eq!(select_protocol(&group).as_deref(), Some("range"));
    // Only protocols every member supports are candidates.
    let group = [
        member("a", &["roundrobin", "range"]),
        member("b", &["range"]),
    ];
    assert_eq!(select_protocol(&group).as_deref(), Some("range"));
    // Majority wins.
    let group = [
        member("a", &["sticky", "range"]),
        member("b", &["range", "sticky"]),
        member("c", &["sticky", "range"]),
    ];
    assert_eq!(select_protocol(&group).as_deref(), Some("sticky"));
    // A tie goes to the protocol that the coordinator's HashMap of votes iterates first.
    let group = [
        member("a", &["range", "sticky"]),
        member("b", &["sticky", "range"]),
    ];
    let first = kafka_sim::java::hashmap_iteration_order(&["range", "sticky"])[0];
    assert_eq!(select_protocol(&group).as_deref(), Some(first));
    assert_eq!(select_protocol(&[]), None);
    assert_eq!(
        select_protocol(&[member("a", &["range"]), member("b", &["sticky"])]),
        None
    );
}
