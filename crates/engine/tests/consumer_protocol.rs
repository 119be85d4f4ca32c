//! The KIP-848 consumer group protocol (`group.protocol=consumer`, Kafka 4.0) over the
//! simulated network: server-side assignment (`uniform`, `range`), incremental per-member
//! reconciliation (a partition reaches its new owner only after the previous owner revoked
//! it), session timeouts, fencing, static membership, offsets committed with the member
//! epoch, coordinator failover, and a group id that is either classic or consumer (semantics
//! digest §2, "KIP-848 consumer group protocol").
#![allow(clippy::disallowed_methods)] // std's sort is fine in native tests
#![allow(clippy::unwrap_used)]

use kafka_sim::action::Action;
use kafka_sim::assignor::TopicPartition;
use kafka_sim::consumer_group::{
    ConsumerGroupState, HeartbeatRequest, MemberState as ServerMemberState,
};
use kafka_sim::group::{Effect, GroupCoordinator};
use kafka_sim::message::Message;
use kafka_sim::types::NodeId;
use kafka_sim::vecmap::VecMap;
use kafka_sim::view::GroupView;
use kafka_sim::workload::Workload;
use kafka_sim::{Cluster, ClusterSpec, ErrorCode};
use std::collections::{BTreeMap, BTreeSet};

fn cfg(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn cluster_with(partitions: i32, broker_config: &[(&str, &str)]) -> Cluster {
    let mut c = Cluster::new(&ClusterSpec {
        seed: 1,
        config: cfg(broker_config),
        ..ClusterSpec::default()
    })
    .unwrap();
    c.create_topic("t", partitions, 3, &cfg(&[]), None).unwrap();
    c.add_producer("p", &cfg(&[])).unwrap();
    c
}

fn cluster(partitions: i32) -> Cluster {
    cluster_with(partitions, &[])
}

const CONSUMER: &[(&str, &str)] = &[
    ("group.protocol", "consumer"),
    ("auto.offset.reset", "earliest"),
];

fn join(c: &mut Cluster, name: &str, group: &str, extra: &[(&str, &str)]) {
    let mut conf = cfg(CONSUMER);
    conf.extend(cfg(extra));
    c.add_consumer(name, Some(group), &["t".into()], &conf, 0)
        .unwrap();
}

fn owned(c: &Cluster, consumer: &str) -> BTreeSet<i32> {
    c.consumer(consumer)
        .unwrap()
        .assignment
        .iter()
        .map(|tp| tp.partition)
        .collect()
}

fn group(c: &Cluster, g: &str) -> GroupView {
    c.group_view(g).unwrap()
}

/// No partition is owned by two live consumers.
fn assert_single_owners(c: &Cluster, consumers: &[&str]) {
    let mut seen: BTreeMap<i32, &str> = BTreeMap::new();
    for name in consumers {
        if !c.consumer(name).unwrap().alive {
            continue;
        }
        for p in owned(c, name) {
            if let Some(other) = seen.insert(p, name) {
                panic!(
                    "t={}: partition {p} is owned by both {other} and {name}",
                    c.now()
                );
            }
        }
    }
}

fn workload(c: &mut Cluster) {
    c.start_workload("p", Workload::new("t", 40.0, Some(100), "k", 10, None))
        .unwrap();
}

#[test]
fn two_members_split_four_partitions_with_uniform() {
    let mut c = cluster(4);
    join(&mut c, "c1", "g", &[]);
    join(&mut c, "c2", "g", &[]);
    // The second member waits for its partitions until the first one revoked them and
    // heartbeats again (group.consumer.heartbeat.interval.ms = 5 s).
    c.advance(12_000);
    assert_eq!(owned(&c, "c1").len(), 2);
    assert_eq!(owned(&c, "c2").len(), 2);
    assert_single_owners(&c, &["c1", "c2"]);
    let g = group(&c, "g");
    assert_eq!(g.protocol, "consumer");
    assert_eq!(g.state, "Stable");
    assert_eq!(g.assignor.as_deref(), Some("uniform"));
    assert_eq!(g.generation, 2, "one group epoch per join");
    assert_eq!(g.assignment_epoch, Some(2));
    assert_eq!(g.leader, None, "no group leader: the coordinator assigns");
    assert_eq!(g.members.len(), 2);
    for m in &g.members {
        assert_eq!(m.member_epoch, Some(2));
        assert_eq!(m.member_state.as_deref(), Some("STABLE"));
        assert_eq!(m.assignment.len(), 2);
        assert_eq!(Some(&m.assignment), m.target.as_ref());
        assert!(["c1", "c2"].contains(&m.client.as_str()));
    }
    let cv = c.view();
    let c1 = cv.consumers.iter().find(|v| v.id == "c1").unwrap();
    assert_eq!(c1.member_state.as_deref(), Some("Stable"));
    assert_eq!(c1.generation, Some(2), "the member epoch");
}

#[test]
fn a_third_member_takes_partitions_incrementally_and_nobody_stops() {
    let mut c = cluster(4);
    workload(&mut c);
    join(&mut c, "c1", "g", &[]);
    join(&mut c, "c2", "g", &[]);
    c.advance(15_000);
    let before1 = owned(&c, "c1");
    let before2 = owned(&c, "c2");
    assert_eq!((before1.len(), before2.len()), (2, 2));
    let join_at = c.now();
    join(&mut c, "c3", "g", &[]);
    // Step through the rebalance: ownership is exclusive at every step, and partitions that
    // stay with their owner never leave it.
    let mut done_at = None;
    for _ in 0..300 {
        c.advance(50);
        assert_single_owners(&c, &["c1", "c2", "c3"]);
        let now1 = owned(&c, "c1");
        let now2 = owned(&c, "c2");
        assert!(now1.is_subset(&before1), "c1 only gives partitions up");
        assert!(now2.is_subset(&before2), "c2 only gives partitions up");
        if done_at.is_none() && group(&c, "g").state == "Stable" && !owned(&c, "c3").is_empty() {
            done_at = Some(c.now());
        }
    }
    let done_at = done_at.expect("the group converges");
    let after1 = owned(&c, "c1");
    let after2 = owned(&c, "c2");
    let after3 = owned(&c, "c3");
    let mut sizes = [after1.len(), after2.len(), after3.len()];
    sizes.sort();
    assert_eq!(
        sizes,
        [1, 1, 2],
        "uniform balances 4 partitions over 3 members"
    );
    // Uniform balances first, then keeps what it can: only c3's partitions moved. (Which
    // member gets the extra partition follows the coordinator's HashMap order of member ids.)
    assert_eq!(
        before1.difference(&after1).count() + before2.difference(&after2).count(),
        after3.len(),
    );
    // The partitions that did not move were processed throughout the rebalance.
    for (name, kept) in [("c1", &after1), ("c2", &after2)] {
        let consumer = c.consumer(name).unwrap();
        let during: BTreeSet<i32> = consumer
            .delivered
            .iter()
            .filter(|d| d.at > join_at && d.at < done_at)
            .map(|d| d.tp.partition)
            .collect();
        for p in kept.iter() {
            assert!(
                during.contains(p),
                "{name} kept consuming partition {p} during the rebalance ({join_at}..{done_at} ms)"
            );
        }
    }
    // The moved partitions reached c3 and c3 consumes them from the committed offsets.
    c.advance(10_000);
    let c3 = c.consumer("c3").unwrap();
    for moved in &after3 {
        assert!(c3.delivered.iter().any(|d| d.tp.partition == *moved));
    }
    let g = group(&c, "g");
    assert_eq!(g.generation, 3);
    assert!(g.members.iter().all(|m| m.member_epoch == Some(3)));
    // The revoking owner committed before giving the partition up (auto-commit), so the new
    // owner did not start from the beginning: nothing was processed twice.
    assert_eq!(g.duplicates, 0);
}

#[test]
fn range_gives_contiguous_ranges_sorted_by_instance_id() {
    let mut c = cluster(7);
    for (name, instance) in [("c1", "b"), ("c2", "c"), ("c3", "a")] {
        join(
            &mut c,
            name,
            "g",
            &[
                ("group.remote.assignor", "range"),
                ("group.instance.id", instance),
            ],
        );
    }
    c.advance(30_000);
    assert_single_owners(&c, &["c1", "c2", "c3"]);
    // Members are sorted by instance id: a (c3), b (c1), c (c2); the first 7 % 3 get one more.
    assert_eq!(owned(&c, "c3"), BTreeSet::from([0, 1, 2]));
    assert_eq!(owned(&c, "c1"), BTreeSet::from([3, 4]));
    assert_eq!(owned(&c, "c2"), BTreeSet::from([5, 6]));
    let g = group(&c, "g");
    assert_eq!(g.assignor.as_deref(), Some("range"));
    assert_eq!(g.state, "Stable");
}

#[test]
fn a_crashed_member_is_removed_after_the_session_timeout() {
    let mut c = cluster(4);
    join(&mut c, "c1", "g", &[]);
    join(&mut c, "c2", "g", &[]);
    c.advance(15_000);
    let epoch = group(&c, "g").generation;
    c.apply(&Action::CrashClient {
        client: "c2".into(),
    })
    .unwrap();
    let crashed_at = c.now();
    c.advance(40_000);
    assert_eq!(
        owned(&c, "c1").len(),
        2,
        "within the session timeout nothing moves"
    );
    assert_eq!(group(&c, "g").members.len(), 2);
    // group.consumer.session.timeout.ms = 45 s (broker side), then c1's next heartbeat.
    c.run_until(crashed_at + 45_000 + 6_000);
    assert_eq!(owned(&c, "c1"), BTreeSet::from([0, 1, 2, 3]));
    let g = group(&c, "g");
    assert_eq!(g.members.len(), 1);
    assert_eq!(g.generation, epoch + 1, "the removal bumps the group epoch");
    assert_eq!(g.state, "Stable");
}

#[test]
fn the_session_timeout_is_a_broker_config() {
    let mut c = cluster_with(
        4,
        &[
            ("group.consumer.session.timeout.ms", "10000"),
            ("group.consumer.heartbeat.interval.ms", "1000"),
        ],
    );
    join(&mut c, "c1", "g", &[]);
    join(&mut c, "c2", "g", &[]);
    c.advance(5_000);
    assert_eq!(
        owned(&c, "c2").len(),
        2,
        "heartbeats every second converge faster"
    );
    c.apply(&Action::CrashClient {
        client: "c2".into(),
    })
    .unwrap();
    c.advance(13_000);
    assert_eq!(owned(&c, "c1").len(), 4);
}

#[test]
fn a_member_cut_off_past_its_session_is_fenced_and_rejoins() {
    let mut c = cluster(4);
    join(&mut c, "c1", "g", &[]);
    join(&mut c, "c2", "g", &[]);
    c.advance(15_000);
    let idx = c.client_index("c2").unwrap();
    let old_id = c.view().consumers[1].member_id.clone();
    c.isolate(NodeId::Client(idx));
    c.advance(60_000);
    assert_eq!(
        owned(&c, "c1").len(),
        4,
        "the coordinator gave c2's partitions away"
    );
    c.heal();
    c.advance(40_000);
    let c2 = c.consumer("c2").unwrap();
    assert_eq!(
        c2.stats
            .errors
            .get("UNKNOWN_MEMBER_ID")
            .copied()
            .unwrap_or(0)
            + c2.stats
                .errors
                .get("FENCED_MEMBER_EPOCH")
                .copied()
                .unwrap_or(0),
        0,
        "fencing is not an application error"
    );
    assert_eq!(owned(&c, "c1").len(), 2);
    assert_eq!(
        owned(&c, "c2").len(),
        2,
        "c2 rejoined with epoch 0 and got partitions back"
    );
    let g = group(&c, "g");
    assert_eq!(g.state, "Stable");
    assert_eq!(g.members.len(), 2);
    // KIP-1082: the member keeps its own member id across the rejoin.
    assert_eq!(c.view().consumers[1].member_id, old_id);
    let fenced = c.trace.events().any(|e| {
        matches!(&e.kind, kafka_sim::trace::TraceKind::Group { event, .. }
            if event.starts_with("c2: heartbeat: UNKNOWN_MEMBER_ID"))
    });
    assert!(fenced, "c2 learnt it was fenced from a heartbeat response");
}

#[test]
fn a_static_member_that_comes_back_within_the_session_timeout_keeps_its_partitions() {
    let mut c = cluster(4);
    join(&mut c, "c1", "g", &[("group.instance.id", "one")]);
    join(&mut c, "c2", "g", &[("group.instance.id", "two")]);
    c.advance(15_000);
    let mine = owned(&c, "c2");
    let epoch = group(&c, "g").generation;
    // close() with an instance id leaves with epoch -2: the member stays, with its partitions.
    c.close_consumer("c2").unwrap();
    c.advance(10_000);
    let g = group(&c, "g");
    assert_eq!(g.generation, epoch, "no rebalance");
    let gone = g
        .members
        .iter()
        .find(|m| m.instance_id.as_deref() == Some("two"))
        .unwrap();
    assert_eq!(gone.member_epoch, Some(-2));
    assert_eq!(
        owned(&c, "c1").len(),
        2,
        "nobody takes the absent member's partitions"
    );
    // A new process with the same instance id (and a new member id) replaces it.
    join(&mut c, "c2", "g", &[("group.instance.id", "two")]);
    c.advance(3_000);
    assert_eq!(owned(&c, "c2"), mine, "the same partitions, at once");
    let g = group(&c, "g");
    assert_eq!(g.generation, epoch, "still no rebalance");
    assert_eq!(g.state, "Stable");
    assert_eq!(g.members.len(), 2);
    // Gone for longer than the session timeout: then it is removed.
    c.close_consumer("c2").unwrap();
    c.advance(55_000);
    assert_eq!(owned(&c, "c1").len(), 4);
    assert_eq!(group(&c, "g").generation, epoch + 1);
}

#[test]
fn a_static_member_that_crashed_cannot_rejoin_until_its_session_expires() {
    let mut c = cluster(4);
    join(&mut c, "c1", "g", &[("group.instance.id", "one")]);
    c.advance(10_000);
    c.apply(&Action::CrashClient {
        client: "c1".into(),
    })
    .unwrap();
    // The old member never sent epoch -2: the instance id is not released.
    join(&mut c, "c1", "g", &[("group.instance.id", "one")]);
    c.advance(5_000);
    let c1 = c.consumer("c1").unwrap();
    assert_eq!(c1.stats.errors.get("UNRELEASED_INSTANCE_ID"), Some(&1));
    assert!(owned(&c, "c1").is_empty());
    assert_eq!(c.view().consumers[0].member_state.as_deref(), Some("Fatal"));
}

#[test]
fn offsets_are_committed_with_the_member_epoch() {
    let mut c = cluster(2);
    workload(&mut c);
    join(&mut c, "c1", "g", &[("auto.commit.interval.ms", "1000")]);
    c.advance(10_000);
    let g = group(&c, "g");
    assert_eq!(g.committed.len(), 2);
    assert!(g.committed.iter().all(|o| o.offset > 0));
    let c1 = c.consumer("c1").unwrap();
    assert!(c1.stats.errors.is_empty(), "{:?}", c1.stats.errors);
    // Manual commits through the cluster API go the same way.
    c.commit_consumer("c1").unwrap();
    c.advance(100);
    // An admin reset is refused while the group has members.
    let err = c
        .reset_offsets("g", "t", kafka_sim::cluster::ResetTo::Earliest)
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::NonEmptyGroup));
    c.close_consumer("c1").unwrap();
    c.advance(2_000);
    assert_eq!(group(&c, "g").state, "Empty");
    c.reset_offsets("g", "t", kafka_sim::cluster::ResetTo::Earliest)
        .unwrap();
    c.advance(1_000);
    assert!(group(&c, "g").committed.iter().all(|o| o.offset == 0));
}

#[test]
fn a_new_coordinator_rebuilds_the_group_from_its_records() {
    let mut c = cluster(4);
    join(&mut c, "c1", "g", &[]);
    join(&mut c, "c2", "g", &[]);
    c.advance(15_000);
    let before = group(&c, "g");
    let a1 = owned(&c, "c1");
    c.stop_broker(before.coordinator).unwrap();
    c.advance(20_000);
    let after = group(&c, "g");
    assert_ne!(after.coordinator, before.coordinator);
    assert_eq!(after.generation, before.generation);
    assert_eq!(after.assignment_epoch, before.assignment_epoch);
    assert_eq!(after.members.len(), 2);
    for (b, a) in before.members.iter().zip(after.members.iter()) {
        assert_eq!(
            (&b.member_id, b.member_epoch, &b.assignment),
            (&a.member_id, a.member_epoch, &a.assignment)
        );
    }
    assert_eq!(owned(&c, "c1"), a1, "the members kept their partitions");
    assert_eq!(after.state, "Stable");
}

#[test]
fn a_group_id_is_either_classic_or_consumer() {
    let mut c = cluster(4);
    // A classic group with a member refuses consumer-protocol members.
    c.add_consumer(
        "old",
        Some("g"),
        &["t".into()],
        &cfg(&[("auto.offset.reset", "earliest")]),
        0,
    )
    .unwrap();
    c.advance(10_000);
    join(&mut c, "new", "g", &[]);
    c.advance(5_000);
    let new = c.consumer("new").unwrap();
    assert_eq!(new.stats.errors.get("GROUP_ID_NOT_FOUND"), Some(&1));
    assert!(owned(&c, "new").is_empty());
    assert_eq!(owned(&c, "old").len(), 4);
    let g = group(&c, "g");
    assert_eq!((g.protocol.as_str(), g.members.len()), ("classic", 1));

    // A consumer group with a member refuses classic members.
    join(&mut c, "a", "h", &[]);
    c.advance(5_000);
    c.add_consumer(
        "b",
        Some("h"),
        &["t".into()],
        &cfg(&[("auto.offset.reset", "earliest")]),
        0,
    )
    .unwrap();
    c.advance(5_000);
    let b = c.consumer("b").unwrap();
    assert_eq!(b.stats.errors.get("INCONSISTENT_GROUP_PROTOCOL"), Some(&1));
    assert_eq!(owned(&c, "a").len(), 4);
    assert_eq!(group(&c, "h").protocol, "consumer");

    // Once the classic group is empty, a consumer-protocol member takes the id over and the
    // committed offsets stay.
    c.close_consumer("old").unwrap();
    c.advance(2_000);
    let committed = group(&c, "g").committed.len();
    join(&mut c, "newer", "g", &[]);
    c.advance(5_000);
    assert_eq!(owned(&c, "newer").len(), 4);
    let g = group(&c, "g");
    assert_eq!(g.protocol, "consumer");
    assert_eq!(g.committed.len(), committed);
}

#[test]
fn classic_only_configs_are_refused_with_the_consumer_protocol() {
    let mut c = cluster(1);
    let err = c
        .add_consumer(
            "c",
            Some("g"),
            &["t".into()],
            &cfg(&[
                ("group.protocol", "consumer"),
                ("session.timeout.ms", "10000"),
            ]),
            0,
        )
        .unwrap_err();
    assert!(err.to_string().contains("session.timeout.ms"), "{err}");
    let err = c
        .add_consumer(
            "c",
            Some("g"),
            &["t".into()],
            &cfg(&[("group.remote.assignor", "range")]),
            0,
        )
        .unwrap_err();
    assert!(err.to_string().contains("group.remote.assignor"), "{err}");
}

// --- the coordinator alone ---------------------------------------------------------------

fn topics() -> VecMap<String, i32> {
    VecMap::from([("t".to_string(), 4)])
}

fn hb(
    member_id: &str,
    epoch: i32,
    subscribed: Option<&[&str]>,
    owned: Option<&[i32]>,
) -> HeartbeatRequest {
    HeartbeatRequest {
        group: "g".into(),
        member_id: member_id.into(),
        member_epoch: epoch,
        instance_id: None,
        rebalance_timeout_ms: if epoch == 0 { 300_000 } else { -1 },
        subscribed_topics: subscribed.map(|s| s.iter().map(|t| t.to_string()).collect()),
        server_assignor: None,
        owned: owned.map(|o| o.iter().map(|p| TopicPartition::new("t", *p)).collect()),
    }
}

/// The response a heartbeat produced: (error, epoch, assignment).
fn response(fx: &[Effect]) -> (Option<ErrorCode>, i32, Option<Vec<i32>>) {
    for e in fx {
        let m = match e {
            Effect::Send(_, m) => m,
            Effect::Append {
                then: kafka_sim::group::AfterAppend::ConsumerGroup(w),
                ..
            } => match w.clone().complete(None) {
                Some((_, m)) => {
                    return parse(&m);
                }
                None => continue,
            },
            _ => continue,
        };
        return parse(m);
    }
    panic!("no response in {fx:?}");
}

fn parse(m: &Message) -> (Option<ErrorCode>, i32, Option<Vec<i32>>) {
    match m {
        Message::ConsumerGroupHeartbeatResponse {
            error,
            member_epoch,
            assignment,
            ..
        } => (
            *error,
            *member_epoch,
            assignment
                .as_ref()
                .map(|a| a.iter().map(|tp| tp.partition).collect()),
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_coordinator_fences_stale_epochs_and_accepts_the_previous_one_after_a_lost_response() {
    let mut gc = GroupCoordinator::new(3000, 6000, 1_800_000);
    let t = topics();
    let fx = gc.consumer_group_heartbeat(
        0,
        NodeId::Client(0),
        1,
        hb("a", 0, Some(&["t"]), Some(&[])),
        &t,
    );
    assert_eq!(response(&fx), (None, 1, Some(vec![0, 1, 2, 3])));
    // b joins: epoch 2; a must revoke two partitions.
    let fx = gc.consumer_group_heartbeat(
        1,
        NodeId::Client(1),
        2,
        hb("b", 0, Some(&["t"]), Some(&[])),
        &t,
    );
    assert_eq!(
        response(&fx),
        (None, 2, Some(vec![])),
        "b waits for a's partitions"
    );
    let fx = gc.consumer_group_heartbeat(
        2,
        NodeId::Client(0),
        3,
        hb("a", 1, None, Some(&[0, 1, 2, 3])),
        &t,
    );
    assert_eq!(
        response(&fx),
        (None, 1, Some(vec![0, 1])),
        "a stays at epoch 1 and revokes"
    );
    let g = &gc.consumer.groups["g"];
    assert_eq!(g.state, ConsumerGroupState::Reconciling);
    let a = g.member("a").unwrap();
    assert_eq!(a.assignment.state, ServerMemberState::UnrevokedPartitions);
    // a acknowledges: epoch 2.
    let fx =
        gc.consumer_group_heartbeat(3, NodeId::Client(0), 4, hb("a", 1, None, Some(&[0, 1])), &t);
    assert_eq!(response(&fx), (None, 2, None));
    // The response was lost: a comes back with epoch 1 (its previous epoch) owning a subset
    // of its assignment, which is accepted.
    let fx =
        gc.consumer_group_heartbeat(4, NodeId::Client(0), 5, hb("a", 1, None, Some(&[0, 1])), &t);
    assert_eq!(response(&fx).0, None);
    // An epoch from the future, or older than the previous one, is fenced.
    let fx = gc.consumer_group_heartbeat(5, NodeId::Client(0), 6, hb("a", 7, None, None), &t);
    assert_eq!(response(&fx).0, Some(ErrorCode::FencedMemberEpoch));
    // b has epoch 2 (previous 0): epoch 1 is stale.
    let fx = gc.consumer_group_heartbeat(6, NodeId::Client(1), 7, hb("b", 1, None, Some(&[])), &t);
    assert_eq!(response(&fx).0, Some(ErrorCode::FencedMemberEpoch));
    let fx = gc.consumer_group_heartbeat(7, NodeId::Client(2), 8, hb("ghost", 3, None, None), &t);
    assert_eq!(response(&fx).0, Some(ErrorCode::UnknownMemberId));
    // The fenced member rejoins with epoch 0 and gets its assignment back (KIP-848).
    let fx = gc.consumer_group_heartbeat(
        8,
        NodeId::Client(1),
        9,
        hb("b", 0, Some(&["t"]), Some(&[])),
        &t,
    );
    assert_eq!(response(&fx), (None, 2, Some(vec![2, 3])));
    // Offset commits carry the member epoch.
    assert_eq!(gc.validate_commit("g", 2, "a", 10), Ok(()));
    assert_eq!(
        gc.validate_commit("g", 1, "a", 10),
        Err(ErrorCode::StaleMemberEpoch)
    );
    assert_eq!(
        gc.validate_commit("g", 2, "nobody", 10),
        Err(ErrorCode::UnknownMemberId)
    );
    assert_eq!(
        gc.validate_commit("g", -1, "", 10),
        Err(ErrorCode::UnknownMemberId),
        "outsiders may not commit to a group with members"
    );
    // Transactional commits (KIP-447) check the same, with ILLEGAL_GENERATION for a stale
    // epoch (OffsetMetadataManager.validateTransactionalOffsetCommit).
    assert_eq!(gc.validate_txn_commit("g", 2, "a", 10), Ok(()));
    assert_eq!(
        gc.validate_txn_commit("g", 1, "a", 10),
        Err(ErrorCode::IllegalGeneration)
    );
    // Leaving with epoch -1 removes the member and bumps the group epoch.
    let fx = gc.consumer_group_heartbeat(11, NodeId::Client(1), 10, hb("b", -1, None, None), &t);
    assert_eq!(response(&fx), (None, -1, None));
    assert_eq!(gc.consumer.groups["g"].group_epoch, 3);
    // Invalid requests.
    let fx =
        gc.consumer_group_heartbeat(12, NodeId::Client(1), 11, hb("c", 0, None, Some(&[])), &t);
    assert_eq!(
        response(&fx).0,
        Some(ErrorCode::InvalidRequest),
        "joining needs a subscription"
    );
    let mut req = hb("c", 0, Some(&["t"]), Some(&[]));
    req.server_assignor = Some("sticky".into());
    let fx = gc.consumer_group_heartbeat(12, NodeId::Client(1), 12, req, &t);
    assert_eq!(response(&fx).0, Some(ErrorCode::UnsupportedAssignor));
    let fx = gc.consumer_group_heartbeat(12, NodeId::Client(1), 13, hb("c", 5, None, None), &t);
    assert_eq!(response(&fx).0, Some(ErrorCode::UnknownMemberId));
}

#[test]
fn a_partition_count_change_bumps_the_group_epoch() {
    let mut gc = GroupCoordinator::new(3000, 6000, 1_800_000);
    let fx = gc.consumer_group_heartbeat(
        0,
        NodeId::Client(0),
        1,
        hb("a", 0, Some(&["t"]), Some(&[])),
        &topics(),
    );
    assert_eq!(response(&fx), (None, 1, Some(vec![0, 1, 2, 3])));
    let more = VecMap::from([("t".to_string(), 6)]);
    let fx = gc.consumer_group_heartbeat(1, NodeId::Client(0), 2, hb("a", 1, None, None), &more);
    assert_eq!(response(&fx), (None, 2, Some(vec![0, 1, 2, 3, 4, 5])));
}

#[test]
fn a_member_that_does_not_revoke_within_its_rebalance_timeout_is_fenced() {
    let mut gc = GroupCoordinator::new(3000, 6000, 1_800_000);
    let t = topics();
    let mut join_a = hb("a", 0, Some(&["t"]), Some(&[]));
    join_a.rebalance_timeout_ms = 10_000;
    gc.consumer_group_heartbeat(0, NodeId::Client(0), 1, join_a, &t);
    gc.consumer_group_heartbeat(
        1,
        NodeId::Client(1),
        2,
        hb("b", 0, Some(&["t"]), Some(&[])),
        &t,
    );
    // a is asked to revoke two partitions but keeps reporting all four.
    let fx = gc.consumer_group_heartbeat(
        2,
        NodeId::Client(0),
        3,
        hb("a", 1, None, Some(&[0, 1, 2, 3])),
        &t,
    );
    assert_eq!(response(&fx), (None, 1, Some(vec![0, 1])));
    for now in [3_000, 6_000, 9_000] {
        let fx = gc.consumer_group_heartbeat(
            now,
            NodeId::Client(0),
            4,
            hb("a", 1, None, Some(&[0, 1, 2, 3])),
            &t,
        );
        assert_eq!(response(&fx).0, None, "still within its rebalance timeout");
        gc.consumer_group_heartbeat(now, NodeId::Client(1), 5, hb("b", 2, None, None), &t);
        gc.tick(now);
    }
    let fx = gc.tick(12_003);
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::Note(n) if n.contains("within its rebalance timeout"))));
    let g = &gc.consumer.groups["g"];
    assert!(g.member("a").is_none());
    assert_eq!(g.group_epoch, 3);
    // b then gets everything.
    let fx = gc.consumer_group_heartbeat(
        12_010,
        NodeId::Client(1),
        6,
        hb("b", 2, None, Some(&[])),
        &t,
    );
    assert_eq!(response(&fx), (None, 3, Some(vec![0, 1, 2, 3])));
    let fx = gc.consumer_group_heartbeat(
        12_020,
        NodeId::Client(0),
        7,
        hb("a", 1, None, Some(&[0, 1])),
        &t,
    );
    assert_eq!(response(&fx).0, Some(ErrorCode::UnknownMemberId));
}

#[test]
fn a_member_that_stops_polling_leaves_and_rejoins_when_it_polls_again() {
    let mut c = cluster(2);
    c.produce("p", "t", None, Some("v"), None, &[], 400)
        .unwrap();
    c.advance(2_000);
    let mut conf = cfg(CONSUMER);
    conf.extend(cfg(&[
        ("max.poll.interval.ms", "5000"),
        ("max.poll.records", "100"),
    ]));
    c.add_consumer("slow", Some("g"), &["t".into()], &conf, 100)
        .unwrap();
    c.advance(60_000);
    let slow = c.consumer("slow").unwrap();
    assert!(
        slow.stats
            .errors
            .get("REBALANCE_IN_PROGRESS")
            .copied()
            .unwrap_or(0)
            >= 1
    );
    let left = c.trace.events().any(|e| {
        matches!(&e.kind, kafka_sim::trace::TraceKind::Group { event, .. }
            if event.contains("leaves the group with epoch -1 (consumer poll timeout has expired)"))
    });
    assert!(left);
    let rejoined = c.trace.events().any(|e| {
        matches!(&e.kind, kafka_sim::trace::TraceKind::Group { event, .. }
            if event.contains("rejoins with epoch 0 (the application polls again)"))
    });
    assert!(rejoined);
}

/// Replaying the records a coordinator wrote rebuilds the same group (what a new coordinator
/// does when it loads `__consumer_offsets`).
#[test]
fn the_records_rebuild_the_group() {
    let mut gc = GroupCoordinator::new(3000, 6000, 1_800_000);
    let t = topics();
    let mut log: Vec<(String, String)> = Vec::new();
    let mut run = |gc: &mut GroupCoordinator, now: u64, req: HeartbeatRequest| {
        let fx = gc.consumer_group_heartbeat(now, NodeId::Client(0), now, req, &t);
        for e in fx {
            if let Effect::Append { records, .. } = e {
                log.extend(records);
            }
        }
    };
    run(&mut gc, 1, hb("a", 0, Some(&["t"]), Some(&[])));
    run(&mut gc, 2, hb("b", 0, Some(&["t"]), Some(&[])));
    run(&mut gc, 3, hb("a", 1, None, Some(&[0, 1, 2, 3])));
    let mut s = hb("s", 0, Some(&["t"]), Some(&[]));
    s.instance_id = Some("static".into());
    run(&mut gc, 4, s);
    let mut leave = hb("s", -2, None, None);
    leave.instance_id = Some("static".into());
    run(&mut gc, 5, leave);
    run(&mut gc, 6, hb("b", 2, None, Some(&[])));
    let mut back = hb("s2", 0, Some(&["t"]), Some(&[]));
    back.instance_id = Some("static".into());
    run(&mut gc, 7, back);
    run(&mut gc, 8, hb("a", -1, None, None));

    let mut loaded = GroupCoordinator::new(3000, 6000, 1_800_000);
    for (k, v) in &log {
        let value = if v.is_empty() { None } else { Some(v.as_str()) };
        loaded.load("g", k, value, 100);
    }
    let live = &gc.consumer.groups["g"];
    let again = &loaded.consumer.groups["g"];
    assert_eq!(live.group_epoch, again.group_epoch);
    assert_eq!(live.assignment_epoch, again.assignment_epoch);
    assert_eq!(live.target, again.target);
    assert_eq!(live.subscription_metadata, again.subscription_metadata);
    assert_eq!(live.state, again.state);
    let persisted = |g: &kafka_sim::consumer_group::ConsumerGroup| {
        let mut v: Vec<_> = g
            .members
            .iter()
            .map(|m| {
                (
                    m.member_id.clone(),
                    m.metadata.clone(),
                    m.assignment.clone(),
                )
            })
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };
    assert_eq!(persisted(live), persisted(again));
    assert!(live.member("s").is_none() && live.member("s2").is_some());
    assert!(live.member("a").is_none());
}
