#![allow(clippy::type_complexity)]
//! KIP-848 server-side assignors: cases from Kafka's `OptimizedUniformAssignmentBuilderTest`,
//! `UniformHeterogeneousAssignmentBuilderTest` and group-coordinator `RangeAssignorTest`
//! (members in a `TreeMap`, i.e. sorted, as in those tests), plus the name-based API.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod assignor_support;

use kafka_sim::vecmap::{VecMap, VecSet};

use assignor_support::*;
use kafka_sim::assignor::server::{
    assign, assign_by_name, GroupSpec, MemberSpec, ServerAssignorName, ServerMember,
    SubscriptionType, TopicMetadata, Uuid,
};
use kafka_sim::assignor::AssignorError;

fn t1() -> Uuid {
    "T1-A4s3VTwiI5CTbEp6POw".parse().unwrap()
}
fn t2() -> Uuid {
    "T2-B4s3VTwiI5YHbPp6YUe".parse().unwrap()
}
fn t3() -> Uuid {
    "T3-CU8fVTLCz5YMkLoDQsa".parse().unwrap()
}

fn meta(list: &[(Uuid, &str, i32)]) -> Vec<TopicMetadata> {
    list.iter()
        .map(|(id, name, n)| TopicMetadata {
            id: *id,
            name: name.to_string(),
            num_partitions: *n,
        })
        .collect()
}

fn member(id: &str, subs: &[Uuid], assignment: &[(Uuid, &[i32])]) -> MemberSpec {
    MemberSpec {
        member_id: id.to_string(),
        instance_id: None,
        rack_id: None,
        subscribed_topic_ids: subs.to_vec(),
        assignment: assignment.iter().map(|(t, p)| (*t, p.to_vec())).collect(),
    }
}

fn expect(list: &[(&str, &[(Uuid, &[i32])])]) -> VecMap<String, VecMap<Uuid, VecSet<i32>>> {
    list.iter()
        .map(|(m, a)| {
            let map = a
                .iter()
                .map(|(t, p)| (*t, p.iter().copied().collect()))
                .collect();
            (m.to_string(), map)
        })
        .collect()
}

const UNIFORM: ServerAssignorName = ServerAssignorName::Uniform;
const RANGE: ServerAssignorName = ServerAssignorName::Range;

#[test]
fn uuid_round_trips_and_hashes_like_java() {
    for s in ["T1-A4s3VTwiI5CTbEp6POw", "AAAAAAAAAAAAAAAAAAAAAQ"] {
        assert_eq!(s.parse::<Uuid>().unwrap().to_string(), s);
    }
    assert_eq!(
        "AAAAAAAAAAAAAAAAAAAAAQ".parse::<Uuid>().unwrap(),
        Uuid::new(0, 1)
    );
    assert!("short".parse::<Uuid>().is_err());
}

#[test]
fn test_one_member_no_topic_subscription() {
    let spec = GroupSpec {
        members: vec![member("A", &[], &[])],
        subscription_type: SubscriptionType::Homogeneous,
    };
    assert_eq!(
        assign(UNIFORM, &spec, &meta(&[(t1(), "topic1", 3)])).unwrap(),
        VecMap::new()
    );
    // Server range returns the member with an empty assignment (testOneMemberNoTopic).
    assert_eq!(
        assign(RANGE, &spec, &meta(&[(t1(), "topic1", 3)])).unwrap(),
        expect(&[("A", &[])])
    );
}

#[test]
fn test_one_member_subscribed_to_nonexistent_topic() {
    let spec = GroupSpec {
        members: vec![member("A", &[t2()], &[])],
        subscription_type: SubscriptionType::Homogeneous,
    };
    for name in [UNIFORM, RANGE] {
        assert!(matches!(
            assign(name, &spec, &meta(&[(t1(), "topic1", 3)])),
            Err(AssignorError::UnknownTopic(_))
        ));
    }
}

#[test]
fn test_first_assignment_two_members_two_topics_no_member_racks() {
    let spec = GroupSpec::new(vec![
        member("A", &[t1(), t3()], &[]),
        member("B", &[t1(), t3()], &[]),
    ]);
    let out = assign(
        UNIFORM,
        &spec,
        &meta(&[(t1(), "topic1", 3), (t3(), "topic3", 2)]),
    )
    .unwrap();
    assert_eq!(
        out,
        expect(&[
            ("A", &[(t1(), &[0]), (t3(), &[0, 1])]),
            ("B", &[(t1(), &[1, 2])])
        ])
    );
}

#[test]
fn test_first_assignment_num_members_greater_than_total_num_partitions() {
    let spec = GroupSpec::new(vec![
        member("A", &[t3()], &[]),
        member("B", &[t3()], &[]),
        member("C", &[t3()], &[]),
    ]);
    let out = assign(UNIFORM, &spec, &meta(&[(t3(), "topic3", 2)])).unwrap();
    assert_eq!(
        out,
        expect(&[("A", &[(t3(), &[0])]), ("B", &[(t3(), &[1])]), ("C", &[])])
    );
}

#[test]
fn test_reassignment_for_two_members_two_topics_given_unbalanced_prev_assignment() {
    let spec = GroupSpec::new(vec![
        member("A", &[t1(), t2()], &[(t1(), &[0, 1]), (t2(), &[0, 1])]),
        member("B", &[t1(), t2()], &[(t1(), &[2]), (t2(), &[2])]),
    ]);
    let out = assign(
        UNIFORM,
        &spec,
        &meta(&[(t1(), "topic1", 3), (t2(), "topic2", 3)]),
    )
    .unwrap();
    assert_eq!(
        out,
        expect(&[
            ("A", &[(t1(), &[0, 1]), (t2(), &[0])]),
            ("B", &[(t1(), &[2]), (t2(), &[1, 2])])
        ])
    );
}

#[test]
fn test_first_assignment_two_members_two_topics_heterogeneous() {
    // UniformHeterogeneousAssignmentBuilderTest.testFirstAssignmentTwoMembersTwoTopics
    let spec = GroupSpec::new(vec![
        member("A", &[t1(), t3()], &[]),
        member("B", &[t3()], &[]),
    ]);
    assert_eq!(spec.subscription_type, SubscriptionType::Heterogeneous);
    let out = assign(
        UNIFORM,
        &spec,
        &meta(&[(t1(), "topic1", 3), (t3(), "topic3", 6)]),
    )
    .unwrap();
    assert_eq!(
        out,
        expect(&[
            ("A", &[(t1(), &[0, 1, 2]), (t3(), &[4])]),
            ("B", &[(t3(), &[0, 1, 2, 3, 5])])
        ])
    );
}

#[test]
fn test_first_assignment_two_members_two_topics_same_subscriptions_range() {
    let spec = GroupSpec::new(vec![
        member("A", &[t1(), t3()], &[]),
        member("B", &[t1(), t3()], &[]),
    ]);
    let out = assign(
        RANGE,
        &spec,
        &meta(&[(t1(), "topic1", 3), (t3(), "topic3", 2)]),
    )
    .unwrap();
    assert_eq!(
        out,
        expect(&[
            ("A", &[(t1(), &[0, 1]), (t3(), &[0])]),
            ("B", &[(t1(), &[2]), (t3(), &[1])])
        ])
    );
}

#[test]
fn test_first_assignment_three_members_three_topics_different_subscriptions_range() {
    let spec = GroupSpec::new(vec![
        member("A", &[t1(), t2()], &[]),
        member("B", &[t3()], &[]),
        member("C", &[t2(), t3()], &[]),
    ]);
    let out = assign(
        RANGE,
        &spec,
        &meta(&[
            (t1(), "topic1", 3),
            (t2(), "topic2", 3),
            (t3(), "topic3", 2),
        ]),
    )
    .unwrap();
    assert_eq!(
        out,
        expect(&[
            ("A", &[(t1(), &[0, 1, 2]), (t2(), &[0, 1])]),
            ("B", &[(t3(), &[0])]),
            ("C", &[(t2(), &[2]), (t3(), &[1])]),
        ])
    );
}

#[test]
fn test_static_membership_range() {
    // Static members sort first by instance id, whatever their member ids.
    let mut a = member("A", &[t1()], &[]);
    a.instance_id = Some("instance2".into());
    let mut b = member("B", &[t1()], &[]);
    b.instance_id = Some("instance1".into());
    let c = member("C", &[t1()], &[]);
    let spec = GroupSpec::new(vec![a, b, c]);
    let out = assign(RANGE, &spec, &meta(&[(t1(), "topic1", 5)])).unwrap();
    assert_eq!(
        out,
        expect(&[
            ("B", &[(t1(), &[0, 1])]),
            ("A", &[(t1(), &[2, 3])]),
            ("C", &[(t1(), &[4])])
        ])
    );
}

#[test]
fn by_name_api_covers_every_member() {
    let partitions = topics(&[("orders", 6), ("payments", 3)]);
    let members: Vec<ServerMember> = ["m1", "m2", "m3"]
        .iter()
        .map(|id| ServerMember {
            member_id: id.to_string(),
            subscribed_topics: strings(&["orders", "payments"]),
            ..Default::default()
        })
        .collect();
    for name in [UNIFORM, RANGE] {
        let out = assign_by_name(name, &partitions, &VecMap::new(), &members).unwrap();
        assert_eq!(out.len(), 3);
        assert!(out.values().all(|l| l.len() == 3), "{name:?} {out:?}");
        let all: VecSet<_> = out.values().flatten().collect();
        assert_eq!(all.len(), 9);
    }
    // Uniform is sticky: an already balanced assignment is kept.
    let mut sticky = members.clone();
    sticky[0].assignment = parts(&[("orders", 0), ("orders", 1), ("payments", 2)]);
    sticky[1].assignment = parts(&[("orders", 2), ("orders", 3), ("payments", 0)]);
    sticky[2].assignment = parts(&[("orders", 4), ("orders", 5), ("payments", 1)]);
    let out = assign_by_name(UNIFORM, &partitions, &VecMap::new(), &sticky).unwrap();
    for m in &sticky {
        assert_eq!(out[&m.member_id], m.assignment);
    }
}
