#![allow(clippy::type_complexity)]
//! Kafka's `AbstractStickyAssignorTest` (run, as in Kafka, for both `StickyAssignor` and
//! `CooperativeStickyAssignor`) and `StickyAssignorTest`, transcribed. Parameterized tests loop
//! over the rack configurations. As in Kafka, `verify` for the cooperative assignor first plays
//! the follow-up rebalances and then checks the final assignment.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod assignor_support;

use kafka_sim::vecmap::VecMap;

use assignor_support::*;
use kafka_sim::assignor::{
    AssignmentOutcome, AssignorName, StickyBuilder, Subscription, TopicPartition,
};

type Assignment = VecMap<String, Vec<TopicPartition>>;
const FLAVORS: [AssignorName; 2] = [AssignorName::Sticky, AssignorName::CooperativeSticky];
const GENERATION_ID: i32 = 1;

struct T {
    name: AssignorName,
    racks: Racks,
    partitions: VecMap<String, i32>,
    members: Vec<Subscription>,
}

impl T {
    fn new(name: AssignorName, config: RackConfig) -> T {
        T {
            name,
            racks: Racks::new(config, 3),
            partitions: VecMap::new(),
            members: vec![],
        }
    }
    fn topic(&mut self, topic: &str, n: i32) {
        self.racks.add_topic_sticky(topic, n as usize);
        self.partitions.insert(topic.to_string(), n);
    }
    /// `subscriptions.put`: replaces in place (HashMap position kept) or appends.
    fn put(&mut self, s: Subscription) {
        match self.members.iter_mut().find(|m| m.member_id == s.member_id) {
            Some(slot) => *slot = s,
            None => self.members.push(s),
        }
    }
    fn remove(&mut self, id: &str) {
        self.members.retain(|m| m.member_id != id);
    }
    fn sub(&self, id: &str, topics: &[&str], index: usize) -> Subscription {
        self.racks.subscription(id, topics, index)
    }
    /// `buildSubscriptionV2Above`: StickyAssignorTest's version has no rack.
    fn v2(
        &self,
        id: &str,
        topics: &[&str],
        owned: &[TopicPartition],
        generation: i32,
        index: usize,
    ) -> Subscription {
        let mut s = Subscription::new(id, topics.iter().copied()).with_owned(owned.iter().cloned());
        s.generation = Some(generation);
        if self.name == AssignorName::CooperativeSticky {
            s.rack = self.racks.consumer_rack(index);
        }
        s
    }
    fn assign(&self) -> AssignmentOutcome {
        run(
            self.name,
            &self.partitions,
            &self.members,
            &self.racks.context,
        )
    }
    /// `verifyValidityAndBalance` (the cooperative version first plays follow-up rebalances).
    fn verify(&mut self, assignment: &mut Assignment) {
        if self.name == AssignorName::CooperativeSticky {
            let mut rebalances = 0;
            loop {
                let revoked = self.members.iter().any(|m| {
                    m.owned_partitions
                        .iter()
                        .any(|p| !assignment[&m.member_id].contains(p))
                });
                if !revoked {
                    break;
                }
                for m in &mut self.members {
                    m.owned_partitions = assignment[&m.member_id].clone();
                    m.generation = Some(GENERATION_ID);
                }
                *assignment = self.assign().assignment;
                rebalances += 1;
                assert!(rebalances <= 4);
            }
        }
        verify_validity_and_balance(&self.members, assignment);
    }
}

fn for_all(mut f: impl FnMut(&mut T)) {
    for name in FLAVORS {
        for config in RACK_CONFIGS {
            let mut t = T::new(name, config);
            f(&mut t);
        }
    }
}

fn empty_transfers(o: &AssignmentOutcome) -> bool {
    o.partitions_transferring_ownership
        .as_ref()
        .is_some_and(|t| t.is_empty())
}

#[test]
fn test_one_consumer_no_topic() {
    for_all(|t| {
        t.put(t.sub("consumer", &[], 0));
        let o = t.assign();
        assert_eq!(
            o.assignment,
            VecMap::from([("consumer".to_string(), vec![])])
        );
        assert!(empty_transfers(&o));
    });
}

#[test]
fn test_one_consumer_nonexistent_topic() {
    for_all(|t| {
        t.topic("topic", 0);
        t.put(t.sub("consumer", &["topic"], 0));
        let o = t.assign();
        assert_eq!(
            o.assignment,
            VecMap::from([("consumer".to_string(), vec![])])
        );
        assert!(empty_transfers(&o));
    });
}

#[test]
fn test_one_consumer_one_topic() {
    for_all(|t| {
        t.topic("topic", 3);
        t.put(t.sub("consumer", &["topic"], 0));
        let o = t.assign();
        assert_eq!(
            o.assignment["consumer"],
            parts(&[("topic", 0), ("topic", 1), ("topic", 2)])
        );
        assert!(empty_transfers(&o));
    });
}

#[test]
fn test_only_assigns_partitions_from_subscribed_topics() {
    for_all(|t| {
        t.topic("topic", 2);
        let owned = parts(&[("topic", 0), ("topic", 1), ("other", 0), ("other", 1)]);
        t.put(t.v2("consumer", &["topic"], &owned, GENERATION_ID, 0));
        let mut o = t.assign();
        assert_eq!(
            o.assignment["consumer"],
            parts(&[("topic", 0), ("topic", 1)])
        );
        assert!(empty_transfers(&o));
        t.verify(&mut o.assignment);
        assert!(is_fully_balanced(&o.assignment));
    });
}

#[test]
fn test_one_consumer_multiple_topics() {
    for_all(|t| {
        t.topic("topic1", 1);
        t.topic("topic2", 2);
        t.put(t.sub("consumer", &["topic1", "topic2"], 0));
        let o = t.assign();
        assert_eq!(
            o.assignment["consumer"],
            parts(&[("topic1", 0), ("topic2", 0), ("topic2", 1)])
        );
        assert!(empty_transfers(&o));
    });
}

#[test]
fn test_two_consumers_one_topic_one_partition() {
    for_all(|t| {
        t.topic("topic", 1);
        t.put(t.sub("consumer1", &["topic"], 0));
        t.put(t.sub("consumer2", &["topic"], 1));
        let mut o = t.assign();
        assert!(empty_transfers(&o));
        t.verify(&mut o.assignment);
        assert!(is_fully_balanced(&o.assignment));
    });
}

#[test]
fn test_two_consumers_one_topic_two_partitions() {
    for_all(|t| {
        t.topic("topic", 2);
        t.put(t.sub("consumer1", &["topic"], 0));
        t.put(t.sub("consumer2", &["topic"], 1));
        let o = t.assign();
        assert_eq!(o.assignment["consumer1"], parts(&[("topic", 0)]));
        assert_eq!(o.assignment["consumer2"], parts(&[("topic", 1)]));
        assert!(empty_transfers(&o));
    });
}

#[test]
fn test_multiple_consumers_mixed_topic_subscriptions() {
    for_all(|t| {
        t.topic("topic1", 3);
        t.topic("topic2", 2);
        t.put(t.sub("consumer1", &["topic1"], 0));
        t.put(t.sub("consumer2", &["topic1", "topic2"], 1));
        t.put(t.sub("consumer3", &["topic1"], 2));
        let mut o = t.assign();
        assert_eq!(
            o.assignment["consumer1"],
            parts(&[("topic1", 0), ("topic1", 2)])
        );
        assert_eq!(
            o.assignment["consumer2"],
            parts(&[("topic2", 0), ("topic2", 1)])
        );
        assert_eq!(o.assignment["consumer3"], parts(&[("topic1", 1)]));
        assert_eq!(o.partitions_transferring_ownership, None);
        assert_eq!(o.builder, Some(StickyBuilder::General));
        t.verify(&mut o.assignment);
        assert!(is_fully_balanced(&o.assignment));
    });
}

/// Also the digest's example: 2 members, t1/t2 with 3 partitions each.
#[test]
fn test_two_consumers_two_topics_six_partitions() {
    for_all(|t| {
        t.topic("topic1", 3);
        t.topic("topic2", 3);
        t.put(t.sub("consumer1", &["topic1", "topic2"], 0));
        t.put(t.sub("consumer2", &["topic1", "topic2"], 1));
        let o = t.assign();
        assert_eq!(
            o.assignment["consumer1"],
            parts(&[("topic1", 0), ("topic1", 2), ("topic2", 1)])
        );
        assert_eq!(
            o.assignment["consumer2"],
            parts(&[("topic1", 1), ("topic2", 0), ("topic2", 2)])
        );
        assert!(empty_transfers(&o));
    });
}

#[test]
fn test_consumer_owning_min_quota_expected_max_quota() {
    for_all(|t| {
        t.topic("topic1", 2);
        t.topic("topic2", 3);
        let both = ["topic1", "topic2"];
        t.put(t.v2(
            "consumer1",
            &both,
            &parts(&[("topic1", 0), ("topic2", 1)]),
            GENERATION_ID,
            0,
        ));
        t.put(t.v2(
            "consumer2",
            &both,
            &parts(&[("topic1", 1), ("topic2", 2)]),
            GENERATION_ID,
            1,
        ));
        let mut o = t.assign();
        assert_eq!(
            o.assignment["consumer1"],
            parts(&[("topic1", 0), ("topic2", 1), ("topic2", 0)])
        );
        assert_eq!(
            o.assignment["consumer2"],
            parts(&[("topic1", 1), ("topic2", 2)])
        );
        assert!(empty_transfers(&o));
        t.verify(&mut o.assignment);
        assert!(is_fully_balanced(&o.assignment));
    });
}

#[test]
fn test_max_quota_consumer_more_than_num_expected_max_capacity_members() {
    for_all(|t| {
        t.topic("topic1", 2);
        t.topic("topic2", 2);
        let both = ["topic1", "topic2"];
        t.put(t.v2(
            "consumer1",
            &both,
            &parts(&[("topic1", 0), ("topic2", 0)]),
            GENERATION_ID,
            0,
        ));
        t.put(t.v2(
            "consumer2",
            &both,
            &parts(&[("topic1", 1), ("topic2", 1)]),
            GENERATION_ID,
            1,
        ));
        t.put(t.v2("consumer3", &both, &[], GENERATION_ID, 2));
        let mut o = t.assign();
        assert_eq!(
            o.partitions_transferring_ownership,
            Some(VecMap::from([(tp("topic2", 0), "consumer3".to_string())]))
        );
        t.verify(&mut o.assignment);
        assert_eq!(o.assignment["consumer1"], parts(&[("topic1", 0)]));
        assert_eq!(
            o.assignment["consumer2"],
            parts(&[("topic1", 1), ("topic2", 1)])
        );
        assert_eq!(o.assignment["consumer3"], parts(&[("topic2", 0)]));
        assert!(is_fully_balanced(&o.assignment));
    });
}

#[test]
fn test_all_consumers_are_under_min_quota() {
    for_all(|t| {
        t.topic("topic1", 2);
        t.topic("topic2", 3);
        let both = ["topic1", "topic2"];
        t.put(t.v2(
            "consumer1",
            &both,
            &parts(&[("topic1", 0)]),
            GENERATION_ID,
            0,
        ));
        t.put(t.v2(
            "consumer2",
            &both,
            &parts(&[("topic1", 1)]),
            GENERATION_ID,
            1,
        ));
        t.put(t.v2("consumer3", &both, &[], GENERATION_ID, 2));
        let mut o = t.assign();
        assert!(empty_transfers(&o));
        t.verify(&mut o.assignment);
        assert_eq!(
            o.assignment["consumer1"],
            parts(&[("topic1", 0), ("topic2", 1)])
        );
        assert_eq!(
            o.assignment["consumer2"],
            parts(&[("topic1", 1), ("topic2", 2)])
        );
        assert_eq!(o.assignment["consumer3"], parts(&[("topic2", 0)]));
        assert!(is_fully_balanced(&o.assignment));
    });
}

#[test]
fn test_add_remove_consumer_one_topic() {
    for_all(|t| {
        t.topic("topic", 3);
        t.put(t.sub("consumer1", &["topic"], 0));
        let mut o = t.assign();
        assert_eq!(
            o.assignment["consumer1"],
            parts(&[("topic", 0), ("topic", 1), ("topic", 2)])
        );
        t.verify(&mut o.assignment);

        let owned1 = o.assignment["consumer1"].clone();
        t.put(t.v2("consumer1", &["topic"], &owned1, GENERATION_ID, 0));
        t.put(t.v2("consumer2", &["topic"], &[], GENERATION_ID, 1));
        let mut o = t.assign();
        assert_eq!(
            o.partitions_transferring_ownership,
            Some(VecMap::from([(tp("topic", 2), "consumer2".to_string())]))
        );
        t.verify(&mut o.assignment);
        assert_eq!(
            o.assignment["consumer1"],
            parts(&[("topic", 0), ("topic", 1)])
        );
        assert_eq!(o.assignment["consumer2"], parts(&[("topic", 2)]));
        assert!(is_fully_balanced(&o.assignment));

        t.remove("consumer1");
        let owned2 = o.assignment["consumer2"].clone();
        t.put(t.v2("consumer2", &["topic"], &owned2, GENERATION_ID, 1));
        let mut o = t.assign();
        assert_eq!(
            o.assignment["consumer2"],
            parts(&[("topic", 0), ("topic", 1), ("topic", 2)])
        );
        assert!(empty_transfers(&o));
        t.verify(&mut o.assignment);
    });
}

#[test]
fn test_add_remove_two_consumers_two_topics() {
    for_all(|t| {
        let all = ["topic1", "topic2"];
        t.topic("topic1", 3);
        t.topic("topic2", 4);
        t.put(t.sub("consumer1", &all, 0));
        t.put(t.sub("consumer2", &all, 1));
        let mut o = t.assign();
        assert_eq!(
            o.assignment["consumer1"],
            parts(&[("topic1", 0), ("topic1", 2), ("topic2", 1), ("topic2", 3)])
        );
        assert_eq!(
            o.assignment["consumer2"],
            parts(&[("topic1", 1), ("topic2", 0), ("topic2", 2)])
        );
        assert!(empty_transfers(&o));
        t.verify(&mut o.assignment);

        let (a1, a2) = (
            o.assignment["consumer1"].clone(),
            o.assignment["consumer2"].clone(),
        );
        t.put(t.v2("consumer1", &all, &a1, GENERATION_ID, 0));
        t.put(t.v2("consumer2", &all, &a2, GENERATION_ID, 1));
        t.put(t.v2("consumer3", &all, &[], GENERATION_ID, 2));
        t.put(t.v2("consumer4", &all, &[], GENERATION_ID, 3));
        let mut o = t.assign();
        assert_eq!(
            o.partitions_transferring_ownership,
            Some(VecMap::from([
                (tp("topic1", 2), "consumer3".to_string()),
                (tp("topic2", 3), "consumer3".to_string()),
                (tp("topic2", 2), "consumer4".to_string()),
            ]))
        );
        t.verify(&mut o.assignment);
        assert_eq!(
            o.assignment["consumer1"],
            parts(&[("topic1", 0), ("topic2", 1)])
        );
        assert_eq!(
            o.assignment["consumer2"],
            parts(&[("topic2", 0), ("topic1", 1)])
        );
        assert_eq!(
            o.assignment["consumer3"],
            parts(&[("topic1", 2), ("topic2", 3)])
        );
        assert_eq!(o.assignment["consumer4"], parts(&[("topic2", 2)]));

        t.remove("consumer1");
        t.remove("consumer2");
        let (a3, a4) = (
            o.assignment["consumer3"].clone(),
            o.assignment["consumer4"].clone(),
        );
        t.put(t.v2("consumer3", &all, &a3, GENERATION_ID, 2));
        t.put(t.v2("consumer4", &all, &a4, GENERATION_ID, 3));
        let mut o = t.assign();
        assert_eq!(
            o.assignment["consumer3"],
            parts(&[("topic1", 2), ("topic2", 3), ("topic1", 0), ("topic2", 1)])
        );
        assert_eq!(
            o.assignment["consumer4"],
            parts(&[("topic2", 2), ("topic1", 1), ("topic2", 0)])
        );
        assert!(empty_transfers(&o));
        t.verify(&mut o.assignment);
    });
}

#[test]
fn test_poor_round_robin_assignment_scenario() {
    for_all(|t| {
        for i in 1..=5 {
            t.topic(&format!("topic{i}"), (i % 2) + 1);
        }
        let all5 = ["topic1", "topic2", "topic3", "topic4", "topic5"];
        let odd = ["topic1", "topic3", "topic5"];
        t.put(t.sub("consumer1", &all5, 0));
        t.put(t.sub("consumer2", &odd, 1));
        t.put(t.sub("consumer3", &odd, 2));
        t.put(t.sub("consumer4", &all5, 3));
        let mut o = t.assign();
        t.verify(&mut o.assignment);
    });
}

#[test]
fn test_add_remove_topic_two_consumers() {
    for_all(|t| {
        t.topic("topic", 3);
        t.put(t.sub("consumer1", &["topic"], 0));
        t.put(t.sub("consumer2", &["topic"], 1));
        let mut o = t.assign();
        assert!(empty_transfers(&o));
        t.verify(&mut o.assignment);
        let (c1a, c2a) = (
            o.assignment["consumer1"].clone(),
            o.assignment["consumer2"].clone(),
        );
        assert_eq!(c1a.len() + c2a.len(), 3);

        t.topic("topic2", 3);
        t.put(t.v2("consumer1", &["topic", "topic2"], &c1a, GENERATION_ID, 0));
        t.put(t.v2("consumer2", &["topic", "topic2"], &c2a, GENERATION_ID, 1));
        let mut o = t.assign();
        assert!(empty_transfers(&o));
        t.verify(&mut o.assignment);
        let (c1b, c2b) = (
            o.assignment["consumer1"].clone(),
            o.assignment["consumer2"].clone(),
        );
        assert!(c1b.len() == 3 && c2b.len() == 3);
        assert!(c1a.iter().all(|p| c1b.contains(p)));
        assert!(c2a.iter().all(|p| c2b.contains(p)));

        t.partitions.remove("topic");
        t.put(t.v2("consumer1", &["topic2"], &c1b, GENERATION_ID, 0));
        t.put(t.v2("consumer2", &["topic2"], &c2b, GENERATION_ID, 1));
        let mut o = t.assign();
        assert!(empty_transfers(&o));
        t.verify(&mut o.assignment);
        let (c1c, c2c) = (
            o.assignment["consumer1"].clone(),
            o.assignment["consumer2"].clone(),
        );
        assert_eq!(c1c.len() + c2c.len(), 3);
        assert!(c1c.iter().all(|p| c1b.contains(p)));
        assert!(c2c.iter().all(|p| c2b.contains(p)));
    });
}

fn name(prefix: &str, i: usize, max: usize) -> String {
    format!("{prefix}{:0width$}", i, width = max.to_string().len())
}

#[test]
fn test_reassignment_after_one_consumer_leaves() {
    for_all(|t| {
        for i in 1..20 {
            t.topic(&name("t", i, 20), i as i32);
        }
        for i in 1..20 {
            let topics: Vec<String> = (1..=i).map(|j| name("t", j, 20)).collect();
            let refs: Vec<&str> = topics.iter().map(String::as_str).collect();
            t.put(t.sub(&name("c", i, 20), &refs, i));
        }
        let mut o = t.assign();
        t.verify(&mut o.assignment);
        for i in 1..20 {
            let c = name("c", i, 20);
            let topics = t
                .members
                .iter()
                .find(|m| m.member_id == c)
                .unwrap()
                .topics
                .clone();
            let refs: Vec<&str> = topics.iter().map(String::as_str).collect();
            let owned = o.assignment[&c].clone();
            t.put(t.v2(&c, &refs, &owned, GENERATION_ID, i));
        }
        t.remove("c10");
        let o = t.assign();
        let mut a = o.assignment.clone();
        assert_eq!(o.is_sticky, Some(true));
        t.verify(&mut a);
    });
}

#[test]
fn test_reassignment_after_one_consumer_added() {
    for_all(|t| {
        t.topic("topic", 20);
        for i in 1..10 {
            t.put(t.sub(&name("c", i, 10), &["topic"], i));
        }
        let mut o = t.assign();
        assert!(empty_transfers(&o));
        t.verify(&mut o.assignment);
        t.put(t.sub(&name("c", 10, 10), &["topic"], 10));
        let mut o = t.assign();
        assert!(empty_transfers(&o));
        t.verify(&mut o.assignment);
    });
}

#[test]
fn test_same_subscriptions() {
    for_all(|t| {
        for i in 1..15 {
            t.topic(&name("t", i, 15), i as i32);
        }
        let topics: Vec<String> = (1..15).map(|j| name("t", j, 15)).collect();
        let refs: Vec<&str> = topics.iter().map(String::as_str).collect();
        for i in 1..9 {
            t.put(t.sub(&name("c", i, 9), &refs, i));
        }
        let mut o = t.assign();
        assert!(empty_transfers(&o));
        t.verify(&mut o.assignment);
        for i in 1..9 {
            let c = name("c", i, 9);
            let owned = o.assignment[&c].clone();
            t.put(t.v2(&c, &refs, &owned, GENERATION_ID, i));
        }
        t.remove(&name("c", 5, 9));
        let mut o = t.assign();
        assert!(empty_transfers(&o));
        t.verify(&mut o.assignment);
    });
}

#[test]
fn test_topic_balance_after_reassignment() {
    for_all(|t| {
        let all = ["topic1", "topic2"];
        t.topic("topic1", 12);
        t.topic("topic2", 12);
        t.put(t.sub("consumer1", &all, 0));
        let count = |a: &Assignment, topic: &str, n: usize| {
            for list in a.values() {
                assert_eq!(list.iter().filter(|p| p.topic == topic).count(), n);
            }
        };
        let mut o = t.assign();
        t.verify(&mut o.assignment);
        count(&o.assignment, "topic1", 12);
        let a1 = o.assignment["consumer1"].clone();
        t.put(t.v2("consumer1", &all, &a1, GENERATION_ID, 0));
        t.put(t.v2("consumer2", &all, &[], GENERATION_ID, 1));
        let mut o = t.assign();
        t.verify(&mut o.assignment);
        count(&o.assignment, "topic1", 6);
        count(&o.assignment, "topic2", 6);
        let (a1, a2) = (
            o.assignment["consumer1"].clone(),
            o.assignment["consumer2"].clone(),
        );
        t.put(t.v2("consumer1", &all, &a1, GENERATION_ID, 0));
        t.put(t.v2("consumer2", &all, &a2, GENERATION_ID, 1));
        t.put(t.v2("consumer3", &all, &[], GENERATION_ID, 2));
        t.put(t.v2("consumer4", &all, &[], GENERATION_ID, 3));
        let mut o = t.assign();
        t.verify(&mut o.assignment);
        count(&o.assignment, "topic1", 3);
        count(&o.assignment, "topic2", 3);
        t.remove("consumer1");
        t.remove("consumer2");
        let (a3, a4) = (
            o.assignment["consumer3"].clone(),
            o.assignment["consumer4"].clone(),
        );
        t.put(t.v2("consumer3", &all, &a3, GENERATION_ID, 2));
        t.put(t.v2("consumer4", &all, &a4, GENERATION_ID, 3));
        let mut o = t.assign();
        assert!(empty_transfers(&o));
        t.verify(&mut o.assignment);
        count(&o.assignment, "topic1", 6);
        count(&o.assignment, "topic2", 6);
    });
}

#[test]
fn test_stickiness() {
    for_all(|t| {
        t.topic("topic1", 3);
        for i in 1..=4 {
            t.put(t.sub(&format!("consumer{i}"), &["topic1"], i - 1));
        }
        let mut o = t.assign();
        assert!(empty_transfers(&o));
        t.verify(&mut o.assignment);
        let before = o.assignment.clone();
        assert!(before.values().all(|l| l.len() <= 1));
        t.remove("consumer1");
        for i in 2..=4 {
            let c = format!("consumer{i}");
            let owned = before[&c].clone();
            t.put(t.v2(&c, &["topic1"], &owned, GENERATION_ID, i - 1));
        }
        let mut o = t.assign();
        assert!(empty_transfers(&o));
        t.verify(&mut o.assignment);
        for (c, list) in &o.assignment {
            assert_eq!(list.len(), 1);
            if let Some(p) = before[c].first() {
                assert!(list.contains(p), "stickiness not honored for {c}");
            }
        }
    });
}

#[test]
fn test_assignment_updated_for_deleted_topic() {
    for_all(|t| {
        t.topic("topic1", 1);
        t.topic("topic3", 100);
        t.put(t.sub("consumer", &["topic1", "topic2", "topic3"], 0));
        let o = t.assign();
        assert!(empty_transfers(&o));
        assert_eq!(o.assignment["consumer"].len(), 101);
    });
}

#[test]
fn test_no_exception_thrown_when_only_subscribed_topic_deleted() {
    for_all(|t| {
        t.topic("topic", 3);
        t.put(t.sub("consumer", &["topic"], 0));
        let o = t.assign();
        let owned = o.assignment["consumer"].clone();
        t.put(t.v2("consumer", &["topic"], &owned, GENERATION_ID, 0));
        t.partitions.clear();
        let o = t.assign();
        assert!(empty_transfers(&o));
        assert_eq!(
            o.assignment,
            VecMap::from([("consumer".to_string(), vec![])])
        );
    });
}

#[test]
fn test_subscription_not_equal_and_assign_same_partition_with3_generation() {
    for name in FLAVORS {
        let mut t = T::new(name, RackConfig::NoConsumerRack);
        t.racks.context.prefer_rack_aware_logic = false;
        t.topic("topic", 6);
        t.topic("topic1", 1);
        for g in [
            [1, 2, 3],
            [1, 3, 2],
            [2, 1, 3],
            [2, 3, 1],
            [3, 1, 2],
            [3, 2, 1],
        ] {
            t.put(t.v2(
                "consumer1",
                &["topic"],
                &parts(&[("topic", 0), ("topic", 2)]),
                g[0],
                0,
            ));
            t.put(t.v2(
                "consumer2",
                &["topic"],
                &parts(&[("topic", 1), ("topic", 2), ("topic", 3)]),
                g[1],
                1,
            ));
            t.put(t.v2(
                "consumer3",
                &["topic"],
                &parts(&[("topic", 2), ("topic", 4), ("topic", 5)]),
                g[2],
                2,
            ));
            t.put(t.v2("consumer4", &["topic1"], &parts(&[("topic1", 0)]), 2, 3));
            let o = t.assign();
            let total: usize = o.assignment.values().map(Vec::len).sum();
            let distinct: kafka_sim::vecmap::VecSet<_> = o.assignment.values().flatten().collect();
            assert_eq!(total, distinct.len());
            if name == AssignorName::Sticky {
                assert!(
                    o.assignment.values().all(|l| !l.is_empty() && l.len() <= 2),
                    "{g:?} {:?}",
                    o.assignment
                );
            }
        }
    }
}

#[test]
fn test_new_subscription() {
    for_all(|t| {
        for i in 1..5 {
            t.topic(&name("t", i, 5), 1);
        }
        for i in 0..3usize {
            let topics: Vec<String> = (i..=(3 * i).saturating_sub(2).max(i.saturating_sub(1)))
                .filter(|&j| j >= i && j + 2 <= 3 * i)
                .map(|j| name("t", j, 5))
                .collect();
            let refs: Vec<&str> = topics.iter().map(String::as_str).collect();
            t.put(t.sub(&name("c", i, 3), &refs, i));
        }
        let mut o = t.assign();
        t.verify(&mut o.assignment);
        t.members[0].topics.push(name("t", 1, 5));
        let o = t.assign();
        let mut a = o.assignment.clone();
        t.verify(&mut a);
    });
}

#[test]
fn test_move_existing_assignments() {
    for_all(|t| {
        for i in 1..=6 {
            t.topic(&format!("topic{i}"), 1);
        }
        t.put(t.v2(
            "consumer1",
            &["topic1", "topic2"],
            &parts(&[("topic1", 0)]),
            GENERATION_ID,
            0,
        ));
        t.put(t.v2(
            "consumer2",
            &["topic1", "topic2", "topic3", "topic4"],
            &parts(&[("topic2", 0), ("topic3", 0)]),
            GENERATION_ID,
            1,
        ));
        t.put(t.v2(
            "consumer3",
            &["topic2", "topic3", "topic4", "topic5", "topic6"],
            &parts(&[("topic4", 0), ("topic5", 0), ("topic6", 0)]),
            GENERATION_ID,
            2,
        ));
        let mut o = t.assign();
        assert_eq!(o.partitions_transferring_ownership, None);
        t.verify(&mut o.assignment);
    });
}

#[test]
fn test_all_consumers_reach_expected_quota_and_are_considered_filled() {
    for_all(|t| {
        t.topic("topic", 4);
        t.put(t.v2(
            "consumer1",
            &["topic"],
            &parts(&[("topic", 0), ("topic", 1)]),
            GENERATION_ID,
            0,
        ));
        t.put(t.v2(
            "consumer2",
            &["topic"],
            &parts(&[("topic", 2)]),
            GENERATION_ID,
            1,
        ));
        t.put(t.v2("consumer3", &["topic"], &[], GENERATION_ID, 2));
        let mut o = t.assign();
        assert_eq!(
            o.assignment["consumer1"],
            parts(&[("topic", 0), ("topic", 1)])
        );
        assert_eq!(o.assignment["consumer2"], parts(&[("topic", 2)]));
        assert_eq!(o.assignment["consumer3"], parts(&[("topic", 3)]));
        assert!(empty_transfers(&o));
        t.verify(&mut o.assignment);
    });
}

fn invalidation_case(t: &mut T, other_generation: i32) {
    t.topic("topic", 3);
    t.topic("topic2", 3);
    let both = ["topic", "topic2"];
    let owned = parts(&[("topic", 0), ("topic", 2), ("topic2", 1)]);
    t.put(t.v2("consumer1", &both, &owned, 10, 0));
    let mut c2 = t.v2("consumer2", &both, &owned, other_generation, 1);
    if other_generation < 0 {
        c2.generation = None;
    }
    t.put(c2);
    let mut o = t.assign();
    assert_eq!(o.assignment["consumer1"], owned);
    assert_eq!(
        o.assignment["consumer2"],
        parts(&[("topic", 1), ("topic2", 0), ("topic2", 2)])
    );
    assert!(empty_transfers(&o));
    t.verify(&mut o.assignment);
    assert!(is_fully_balanced(&o.assignment));
}

#[test]
fn test_owned_partitions_are_invalidated_for_consumer_with_stale_generation() {
    for_all(|t| invalidation_case(t, 9));
}

#[test]
fn test_owned_partitions_are_invalidated_for_consumer_with_no_generation() {
    for_all(|t| invalidation_case(t, -1));
}

#[test]
fn test_partitions_transferring_ownership_include_the_partition_claimed_by_multiple_consumers_in_same_generation(
) {
    for_all(|t| {
        t.topic("topic", 3);
        t.put(t.v2(
            "consumer1",
            &["topic"],
            &parts(&[("topic", 0), ("topic", 1)]),
            GENERATION_ID,
            0,
        ));
        t.put(t.v2(
            "consumer2",
            &["topic"],
            &parts(&[("topic", 0), ("topic", 2)]),
            GENERATION_ID,
            1,
        ));
        t.put(t.v2("consumer3", &["topic"], &[], GENERATION_ID, 2));
        let mut o = t.assign();
        assert_eq!(
            o.partitions_transferring_ownership,
            Some(VecMap::from([(tp("topic", 0), "consumer3".to_string())]))
        );
        t.verify(&mut o.assignment);
        assert_eq!(o.assignment["consumer1"], parts(&[("topic", 1)]));
        assert_eq!(o.assignment["consumer2"], parts(&[("topic", 2)]));
        assert_eq!(o.assignment["consumer3"], parts(&[("topic", 0)]));
    });
}

#[test]
fn test_ensure_partitions_assigned_to_highest_generation() {
    for_all(|t| {
        let all = ["topic", "topic2", "topic3"];
        for topic in all {
            t.topic(topic, 3);
        }
        t.put(t.v2(
            "consumer1",
            &all,
            &parts(&[("topic", 0), ("topic2", 0), ("topic3", 0)]),
            10,
            0,
        ));
        t.put(t.v2(
            "consumer2",
            &all,
            &parts(&[("topic", 1), ("topic2", 1), ("topic3", 1)]),
            9,
            1,
        ));
        t.put(t.v2(
            "consumer3",
            &all,
            &parts(&[("topic2", 1), ("topic3", 0), ("topic3", 2)]),
            8,
            1,
        ));
        let mut o = t.assign();
        assert_eq!(
            o.assignment["consumer1"],
            parts(&[("topic", 0), ("topic2", 0), ("topic3", 0)])
        );
        assert_eq!(
            o.assignment["consumer2"],
            parts(&[("topic", 1), ("topic2", 1), ("topic3", 1)])
        );
        assert_eq!(
            o.assignment["consumer3"],
            parts(&[("topic", 2), ("topic2", 2), ("topic3", 2)])
        );
        assert!(empty_transfers(&o));
        t.verify(&mut o.assignment);
    });
}

#[test]
fn test_no_reassignment_on_current_members() {
    for_all(|t| {
        let all = ["topic", "topic2", "topic3", "topic1"];
        for topic in ["topic", "topic1", "topic2", "topic3"] {
            t.topic(topic, 3);
        }
        let mut c1 = t.v2("consumer1", &all, &[], -1, 0);
        c1.generation = None;
        t.put(c1);
        t.put(t.v2(
            "consumer2",
            &all,
            &parts(&[("topic", 0), ("topic2", 0), ("topic1", 0)]),
            9,
            1,
        ));
        t.put(t.v2(
            "consumer3",
            &all,
            &parts(&[("topic3", 2), ("topic2", 2), ("topic1", 1)]),
            8,
            2,
        ));
        t.put(t.v2(
            "consumer4",
            &all,
            &parts(&[("topic3", 1), ("topic", 1), ("topic", 2)]),
            7,
            3,
        ));
        let mut o = t.assign();
        assert_eq!(
            o.assignment["consumer1"],
            parts(&[("topic1", 2), ("topic2", 1), ("topic3", 0)])
        );
        assert!(empty_transfers(&o));
        t.verify(&mut o.assignment);
    });
}

#[test]
fn test_owned_partitions_are_invalidated_for_consumer_with_multiple_generation() {
    for_all(|t| {
        let both = ["topic", "topic2"];
        t.topic("topic", 3);
        t.topic("topic2", 3);
        t.put(t.v2(
            "consumer1",
            &both,
            &parts(&[("topic", 0), ("topic2", 1), ("topic", 1)]),
            10,
            0,
        ));
        t.put(t.v2(
            "consumer2",
            &both,
            &parts(&[("topic", 0), ("topic2", 1), ("topic2", 2)]),
            8,
            1,
        ));
        let mut o = t.assign();
        assert_eq!(
            o.assignment["consumer1"],
            parts(&[("topic", 0), ("topic2", 1), ("topic", 1)])
        );
        assert_eq!(
            o.assignment["consumer2"],
            parts(&[("topic", 2), ("topic2", 2), ("topic2", 0)])
        );
        assert!(empty_transfers(&o));
        t.verify(&mut o.assignment);
    });
}

#[allow(clippy::too_many_arguments)]
fn verify_rack(
    name: AssignorName,
    prefer: bool,
    rf: usize,
    brokers: &[Option<&str>],
    consumers: &[Option<&str>],
    ct: &[Vec<&str>],
    owned: Option<&[&str]>,
    expected: &[&str],
    mismatches: i32,
) {
    let t = [("t1", 6), ("t2", 7), ("t3", 2)];
    // Kafka's verifyRackAssignment builds subscriptions without user data: the eager
    // StickyAssignor reads owned partitions only from user data, so it sees none.
    let owned = if name == AssignorName::Sticky {
        None
    } else {
        owned
    };
    verify_rack_assignment(
        name, prefer, &t, rf, brokers, consumers, ct, owned, expected, mismatches,
    );
}

#[test]
fn test_rack_aware_assignment_with_uniform_subscription() {
    for name in FLAVORS {
        let all = vec!["t1", "t2", "t3"];
        let ct = vec![all.clone(), all.clone(), all];
        let a = [
            "t1-0, t1-3, t2-0, t2-3, t2-6",
            "t1-1, t1-4, t2-1, t2-4, t3-0",
            "t1-2, t1-5, t2-2, t2-5, t3-1",
        ];
        let uniform = |prefer: bool,
                       rf: usize,
                       brokers: &[Option<&str>],
                       consumers: &[Option<&str>],
                       exp: &[&str],
                       mm: i32| {
            verify_rack(name, prefer, rf, brokers, consumers, &ct, None, exp, mm);
            verify_rack(
                name,
                prefer,
                rf,
                brokers,
                consumers,
                &ct,
                Some(exp),
                exp,
                mm,
            );
        };
        uniform(false, 3, &null_racks(3), &racks(3), &a, -1);
        uniform(false, 3, &racks(3), &null_racks(3), &a, -1);
        uniform(true, 3, &racks(3), &racks(3), &a, 0);
        uniform(true, 4, &racks(4), &racks(3), &a, 0);
        uniform(false, 3, &racks(3), &racks(3), &a, 0);
        uniform(
            false,
            3,
            &racks(3),
            &[Some("d"), Some("e"), Some("f")],
            &a,
            -1,
        );
        uniform(false, 3, &racks(3), &[None, Some("e"), Some("f")], &a, -1);
        uniform(false, 1, &racks(3), &racks(3), &a, 0);
        uniform(false, 2, &racks(3), &racks(3), &a, 0);
        uniform(false, 3, &racks(2), &racks(3), &a, 5);
        let owned = [
            "t1-0, t1-1, t1-2, t1-3, t1-4",
            "t1-5, t2-0, t2-1, t2-2, t2-3",
            "t2-4, t2-5, t2-6, t3-0, t3-1",
        ];
        if name == AssignorName::CooperativeSticky {
            verify_rack(
                name,
                false,
                1,
                &racks(3),
                &racks(3),
                &ct,
                Some(&owned),
                &["t1-0, t1-3", "t2-1", "t2-5, t3-1"],
                0,
            );
            verify_rack(name, true, 3, &racks(3), &racks(3), &ct, Some(&a), &a, 0);
        } else {
            verify_rack(
                name,
                false,
                1,
                &racks(3),
                &racks(3),
                &ct,
                Some(&owned),
                &a,
                0,
            );
            verify_rack(name, true, 3, &racks(3), &racks(3), &ct, Some(&a), &a, 0);
        }
    }
}

#[test]
fn test_rack_aware_assignment_with_non_equal_subscription() {
    for name in FLAVORS {
        let all = vec!["t1", "t2", "t3"];
        let ct = vec![all.clone(), all, vec!["t1", "t3"]];
        let non = [
            "t1-5, t2-0, t2-2, t2-4, t2-6",
            "t1-3, t2-1, t2-3, t2-5, t3-0",
            "t1-0, t1-1, t1-2, t1-4, t3-1",
        ];
        let non_equal = |prefer: bool,
                         rf: usize,
                         brokers: &[Option<&str>],
                         consumers: &[Option<&str>],
                         exp: &[&str],
                         mm: i32| {
            verify_rack(name, prefer, rf, brokers, consumers, &ct, None, exp, mm);
            verify_rack(
                name,
                prefer,
                rf,
                brokers,
                consumers,
                &ct,
                Some(exp),
                exp,
                mm,
            );
        };
        non_equal(false, 3, &null_racks(3), &racks(3), &non, -1);
        non_equal(false, 3, &racks(3), &null_racks(3), &non, -1);
        non_equal(true, 3, &racks(3), &racks(3), &non, 0);
        non_equal(true, 4, &racks(4), &racks(3), &non, 0);
        non_equal(false, 3, &racks(3), &racks(3), &non, 0);
        non_equal(
            false,
            3,
            &racks(3),
            &[Some("d"), Some("e"), Some("f")],
            &non,
            -1,
        );
        non_equal(false, 3, &racks(3), &[None, Some("e"), Some("f")], &non, -1);
        non_equal(
            false,
            1,
            &racks(3),
            &racks(3),
            &[
                "t1-3, t2-0, t2-2, t2-3, t2-6",
                "t1-4, t2-1, t2-4, t2-5, t3-0",
                "t1-0, t1-1, t1-2, t1-5, t3-1",
            ],
            4,
        );
        non_equal(
            false,
            2,
            &racks(3),
            &racks(3),
            &[
                "t1-3, t2-0, t2-2, t2-5, t2-6",
                "t1-0, t2-1, t2-3, t2-4, t3-0",
                "t1-1, t1-2, t1-4, t1-5, t3-1",
            ],
            0,
        );
        non_equal(false, 3, &racks(2), &racks(3), &non, 5);

        let owned = [
            "t1-0, t1-1, t1-2, t1-3, t1-4",
            "t1-5, t2-0, t2-1, t2-2, t2-3",
            "t2-4, t2-5, t2-6, t3-0, t3-1",
        ];
        let a1 = [
            "t1-3, t2-0, t2-2, t2-3, t2-6",
            "t1-4, t2-1, t2-4, t2-5, t3-0",
            "t1-0, t1-1, t1-2, t1-5, t3-1",
        ];
        if name == AssignorName::Sticky {
            verify_rack(
                name,
                false,
                1,
                &racks(3),
                &racks(3),
                &ct,
                Some(&owned),
                &a1,
                4,
            );
            verify_rack(
                name,
                false,
                3,
                &racks(3),
                &racks(3),
                &ct,
                Some(&owned),
                &non,
                0,
            );
            verify_rack(
                name,
                true,
                3,
                &racks(3),
                &racks(3),
                &ct,
                Some(&owned),
                &non,
                0,
            );
        } else {
            let intermediate = ["t1-3", "t2-1", "t3-1"];
            verify_rack(
                name,
                false,
                1,
                &racks(3),
                &racks(3),
                &ct,
                Some(&owned),
                &intermediate,
                0,
            );
            verify_rack(
                name,
                false,
                1,
                &racks(3),
                &racks(3),
                &ct,
                Some(&intermediate),
                &a1,
                4,
            );
            let a = [
                "t1-2, t1-3, t1-4, t2-4, t2-5",
                "t2-0, t2-1, t2-2, t2-3, t2-6",
                "t1-0, t1-1, t1-5, t3-0, t3-1",
            ];
            let intermediate = ["t1-2, t1-3, t1-4", "t2-0, t2-1, t2-2, t2-3", "t3-0, t3-1"];
            for prefer in [false, true] {
                verify_rack(
                    name,
                    prefer,
                    3,
                    &racks(3),
                    &racks(3),
                    &ct,
                    Some(&owned),
                    &intermediate,
                    0,
                );
                verify_rack(
                    name,
                    prefer,
                    3,
                    &racks(3),
                    &racks(3),
                    &ct,
                    Some(&intermediate),
                    &a,
                    0,
                );
            }
        }
    }
}

// ---- StickyAssignorTest ----

#[test]
fn test_all_consumers_have_owned_partition_invalidated_when_claimed_by_multiple_consumers_in_same_generation_with_equal_partitions_per_consumer(
) {
    for name in FLAVORS {
        for config in RACK_CONFIGS {
            let mut t = T::new(name, config);
            t.topic("topic", 3);
            t.put(t.v2(
                "consumer1",
                &["topic"],
                &parts(&[("topic", 0), ("topic", 1)]),
                GENERATION_ID,
                0,
            ));
            t.put(t.v2(
                "consumer2",
                &["topic"],
                &parts(&[("topic", 0), ("topic", 2)]),
                GENERATION_ID,
                1,
            ));
            t.put(t.v2("consumer3", &["topic"], &[], GENERATION_ID, 2));
            let mut o = t.assign();
            assert_eq!(o.assignment["consumer1"], parts(&[("topic", 1)]));
            assert_eq!(o.assignment["consumer2"], parts(&[("topic", 2)]));
            // The cooperative assignor withholds topic-0 until both claimants revoked it.
            let c3 = if name == AssignorName::Sticky {
                parts(&[("topic", 0)])
            } else {
                vec![]
            };
            assert_eq!(o.assignment["consumer3"], c3);
            t.verify(&mut o.assignment);
            assert!(is_fully_balanced(&o.assignment));
        }
    }
}

#[test]
fn test_all_consumers_have_owned_partition_invalidated_when_claimed_by_multiple_consumers_in_same_generation_with_unequal_partitions_per_consumer(
) {
    for name in FLAVORS {
        for config in RACK_CONFIGS {
            let mut t = T::new(name, config);
            t.topic("topic", 4);
            t.put(t.v2(
                "consumer1",
                &["topic"],
                &parts(&[("topic", 0), ("topic", 1)]),
                GENERATION_ID,
                0,
            ));
            t.put(t.v2(
                "consumer2",
                &["topic"],
                &parts(&[("topic", 0), ("topic", 2)]),
                GENERATION_ID,
                1,
            ));
            t.put(t.v2("consumer3", &["topic"], &[], GENERATION_ID, 2));
            let mut o = t.assign();
            assert_eq!(
                o.assignment["consumer1"],
                parts(&[("topic", 1), ("topic", 3)])
            );
            assert_eq!(o.assignment["consumer2"], parts(&[("topic", 2)]));
            let c3 = if name == AssignorName::Sticky {
                parts(&[("topic", 0)])
            } else {
                vec![]
            };
            assert_eq!(o.assignment["consumer3"], c3);
            t.verify(&mut o.assignment);
            assert!(is_fully_balanced(&o.assignment));
        }
    }
}

fn multiple_generations_1(t: &mut T, all_equal: bool) {
    let all = ["topic", "topic2"];
    let c2_topics: &[&str] = if all_equal { &all } else { &["topic"] };
    t.topic("topic", 6);
    t.topic("topic2", 6);
    t.put(t.sub("consumer1", &all, 0));
    t.put(t.sub("consumer2", c2_topics, 1));
    t.put(t.sub("consumer3", &all, 2));
    let mut o = t.assign();
    let r1: Vec<Vec<TopicPartition>> = (1..=3)
        .map(|i| o.assignment[&format!("consumer{i}")].clone())
        .collect();
    assert!(r1.iter().all(|l| l.len() == 4));
    t.verify(&mut o.assignment);

    t.put(t.v2("consumer1", &all, &r1[0], GENERATION_ID, 0));
    t.put(t.v2("consumer2", c2_topics, &r1[1], GENERATION_ID, 1));
    t.remove("consumer3");
    let o = t.assign();
    let (r2a, r2b) = (
        o.assignment["consumer1"].clone(),
        o.assignment["consumer2"].clone(),
    );
    assert!(r2a.len() == 6 && r2b.len() == 6);
    if all_equal {
        assert!(r1[0].iter().all(|p| r2a.contains(p)));
    }
    assert!(r1[1].iter().all(|p| r2b.contains(p)));
    assert!(r1[2].iter().any(|p| r2b.contains(p)));

    t.remove("consumer1");
    t.put(t.v2("consumer2", c2_topics, &r2b, 2, 1));
    t.put(t.v2("consumer3", &all, &r1[2], 1, 2));
    let o = t.assign();
    let (r3b, r3c) = (
        o.assignment["consumer2"].clone(),
        o.assignment["consumer3"].clone(),
    );
    assert!(r3b.len() == 6 && r3c.len() == 6);
    assert!(r3b.iter().all(|p| !r3c.contains(p)));
    verify_validity_and_balance(&t.members, &o.assignment);
}

#[test]
fn test_assignment_with_multiple_generations1() {
    for config in RACK_CONFIGS {
        for all_equal in [true, false] {
            multiple_generations_1(&mut T::new(AssignorName::Sticky, config), all_equal);
        }
    }
}

#[test]
fn test_assignment_with_multiple_generations2() {
    for config in RACK_CONFIGS {
        for all_equal in [true, false] {
            let mut t = T::new(AssignorName::Sticky, config);
            let all = ["topic", "topic2", "topic3"];
            let c1: &[&str] = if all_equal { &all } else { &["topic"] };
            let c3: &[&str] = if all_equal {
                &all
            } else {
                &["topic", "topic2"]
            };
            for topic in all {
                t.topic(topic, 4);
            }
            t.put(t.sub("consumer1", c1, 0));
            t.put(t.sub("consumer2", &all, 1));
            t.put(t.sub("consumer3", c3, 2));
            let o = t.assign();
            let r1: Vec<Vec<TopicPartition>> = (1..=3)
                .map(|i| o.assignment[&format!("consumer{i}")].clone())
                .collect();
            assert!(r1.iter().all(|l| l.len() == 4));
            verify_validity_and_balance(&t.members, &o.assignment);

            t.remove("consumer1");
            t.put(t.v2("consumer2", &all, &r1[1], 1, 1));
            t.remove("consumer3");
            let o = t.assign();
            let r2 = o.assignment["consumer2"].clone();
            assert_eq!(r2.len(), 12);
            assert!(r1[1].iter().all(|p| r2.contains(p)));

            t.put(t.v2("consumer1", c1, &r1[0], 1, 0));
            t.put(t.v2("consumer2", &all, &r2, 2, 1));
            t.put(t.v2("consumer3", c3, &r1[2], 1, 2));
            let o = t.assign();
            assert!(o.assignment.values().all(|l| l.len() == 4));
            verify_validity_and_balance(&t.members, &o.assignment);
        }
    }
}

#[test]
fn test_assignment_with_conflicting_previous_generations() {
    for config in RACK_CONFIGS {
        for all_equal in [true, false] {
            let mut t = T::new(AssignorName::Sticky, config);
            for topic in ["topic", "topic2", "topic3"] {
                t.topic(topic, 4);
            }
            let all = ["topic", "topic2", "topic3"];
            let c1: &[&str] = if all_equal { &all } else { &["topic"] };
            let c2: &[&str] = if all_equal {
                &all
            } else {
                &["topic", "topic2"]
            };
            let c1p = if all_equal {
                parts(&[
                    ("topic", 0),
                    ("topic", 1),
                    ("topic", 2),
                    ("topic2", 2),
                    ("topic2", 3),
                    ("topic3", 0),
                ])
            } else {
                parts(&[("topic", 0), ("topic", 1), ("topic", 2), ("topic", 3)])
            };
            let c2p = parts(&[
                ("topic", 0),
                ("topic", 1),
                ("topic2", 0),
                ("topic2", 1),
                ("topic2", 2),
                ("topic2", 3),
            ]);
            let c3p = parts(&[
                ("topic", 2),
                ("topic", 3),
                ("topic3", 0),
                ("topic3", 1),
                ("topic3", 2),
                ("topic3", 3),
            ]);
            t.put(t.v2("consumer1", c1, &c1p, 1, 0));
            t.put(t.v2("consumer2", c2, &c2p, 2, 1));
            t.put(t.v2("consumer3", &all, &c3p, 2, 2));
            let o = t.assign();
            assert!(o.assignment.values().all(|l| l.len() == 4));
            assert!(o.assignment["consumer2"].iter().all(|p| c2p.contains(p)));
            assert!(o.assignment["consumer3"].iter().all(|p| c3p.contains(p)));
            verify_validity_and_balance(&t.members, &o.assignment);
        }
    }
}

#[test]
fn test_schema_backward_compatibility() {
    for config in RACK_CONFIGS {
        let mut t = T::new(AssignorName::Sticky, config);
        t.topic("topic", 3);
        t.put(t.sub("consumer1", &["topic"], 0));
        t.put(t.sub("consumer2", &["topic"], 1));
        t.put(t.sub("consumer3", &["topic"], 2));
        let c1p = parts(&[("topic", 0), ("topic", 2)]);
        let c2p = parts(&[("topic", 1)]);
        t.put(t.v2("consumer1", &["topic"], &c1p, 1, 0));
        // The V0 user data schema carries no generation.
        let mut old = t.sub("consumer2", &["topic"], 1).with_owned(c2p.clone());
        old.generation = None;
        t.put(old);
        let o = t.assign();
        assert!(o.assignment.values().all(|l| l.len() == 1));
        assert!(o.assignment["consumer1"].iter().all(|p| c1p.contains(p)));
        assert!(o.assignment["consumer2"].iter().all(|p| c2p.contains(p)));
        verify_validity_and_balance(&t.members, &o.assignment);
    }
}

#[test]
fn test_assignor_with_old_version_subscriptions() {
    for name in FLAVORS {
        let mut t = T::new(name, RackConfig::NoConsumerRack);
        t.topic("topic1", 3);
        t.put(t.v2(
            "consumer1",
            &["topic1"],
            &parts(&[("topic1", 0)]),
            GENERATION_ID,
            0,
        ));
        t.put(t.v2(
            "consumer2",
            &["topic1"],
            &parts(&[("topic1", 1)]),
            GENERATION_ID,
            1,
        ));
        t.put(t.v2("consumer3", &["topic1"], &[], GENERATION_ID, 2));
        let o = t.assign();
        assert_eq!(o.assignment["consumer1"], parts(&[("topic1", 0)]));
        assert_eq!(o.assignment["consumer2"], parts(&[("topic1", 1)]));
        assert_eq!(o.assignment["consumer3"], parts(&[("topic1", 2)]));
    }
}
