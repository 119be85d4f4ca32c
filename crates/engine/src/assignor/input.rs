//! Input normalisation shared by the client-side assignors.
//!
//! Members become indices `0..n` in join order, kept topics become indices in Java
//! `String.compareTo` order, and every partition of the kept topics gets a global index
//! (`offset[topic] + partition`), so that index order is (topic, partition) order.

use crate::vecmap::{VecMap, VecSet};
use std::cmp::Ordering;

use super::{AssignContext, AssignorError, Subscription, TopicPartition};
use crate::java::{compare_strings, string_hash_code, JavaHashSet};
use crate::sort::SortShared;

pub(crate) struct Member {
    pub id: String,
    pub instance_id: Option<String>,
    /// The subscription as sent (repeats removed, order kept), including topics that do not exist.
    pub topics: Vec<String>,
    pub topic_set: VecSet<String>,
    /// Kept topics the member subscribes to, in subscription order.
    pub existing_topics: Vec<usize>,
    /// Owned partitions of kept topics, as global indices, in the order given (repeats removed).
    pub owned: Vec<usize>,
    /// `None` for "no generation" (Kafka's `Optional.empty()`, i.e. DEFAULT_GENERATION).
    pub generation: Option<i32>,
    /// Non-empty rack id.
    pub rack: Option<String>,
}

pub(crate) struct Topic {
    pub name: String,
    pub partitions: usize,
    pub offset: usize,
    pub hash: i32,
    /// Replica racks per partition (empty sets when unknown).
    pub racks: Vec<VecSet<String>>,
}

pub(crate) struct Prepared {
    pub members: Vec<Member>,
    /// Member indices in the iteration order of the leader's `HashMap<String, Subscription>`.
    pub hash_order: Vec<usize>,
    /// Rank of each member id in Java `String.compareTo` order.
    pub rank: Vec<usize>,
    pub topics: Vec<Topic>,
    /// Topic index of each global partition.
    pub partition_topic: Vec<usize>,
}

impl Prepared {
    pub fn new(
        partitions_per_topic: &VecMap<String, i32>,
        subscriptions: &[Subscription],
        context: &AssignContext,
    ) -> Result<Prepared, AssignorError> {
        for (topic, &count) in partitions_per_topic {
            if count < 0 {
                return Err(AssignorError::NegativePartitionCount {
                    topic: topic.clone(),
                    count,
                });
            }
            if let Some(racks) = context.partition_racks.get(topic) {
                if racks.len() != count as usize {
                    return Err(AssignorError::RackMetadataMismatch {
                        topic: topic.clone(),
                        partitions: count,
                        racks: racks.len(),
                    });
                }
            }
        }
        let mut seen = VecSet::new();
        for s in subscriptions {
            if !seen.insert(s.member_id.as_str()) {
                return Err(AssignorError::DuplicateMemberId(s.member_id.clone()));
            }
        }

        // Kept topics: subscribed by someone, present in the metadata with partitions.
        let subscribed: VecSet<&str> = subscriptions
            .iter()
            .flat_map(|s| s.topics.iter().map(String::as_str))
            .collect();
        let mut names: Vec<&String> = partitions_per_topic
            .iter()
            .filter(|(name, &count)| count > 0 && subscribed.contains(name.as_str()))
            .map(|(name, _)| name)
            .collect();
        names.sort_by_shared(|a, b| compare_strings(a, b));
        let mut topics = Vec::with_capacity(names.len());
        let mut topic_index = VecMap::new();
        let mut partition_topic = Vec::new();
        for (index, name) in names.into_iter().enumerate() {
            let count = partitions_per_topic.get(name).copied().unwrap_or(0).max(0) as usize;
            let racks = context
                .partition_racks
                .get(name)
                .cloned()
                .unwrap_or_else(|| vec![VecSet::new(); count]);
            topics.push(Topic {
                name: name.clone(),
                partitions: count,
                offset: partition_topic.len(),
                hash: string_hash_code(name),
                racks,
            });
            topic_index.insert(name.clone(), index);
            partition_topic.extend(std::iter::repeat_n(index, count));
        }

        let mut members = Vec::with_capacity(subscriptions.len());
        for s in subscriptions {
            let mut topic_set = VecSet::new();
            let sub_topics: Vec<String> = s
                .topics
                .iter()
                .filter(|t| topic_set.insert((*t).clone()))
                .cloned()
                .collect();
            let existing_topics = sub_topics
                .iter()
                .filter_map(|t| topic_index.get(t).copied())
                .collect();
            let mut owned_seen = VecSet::new();
            let mut owned = Vec::new();
            for tp in &s.owned_partitions {
                let Some(topic) = topic_index.get(&tp.topic).and_then(|&t| topics.get(t)) else {
                    continue;
                };
                let topic: &Topic = topic;
                if tp.partition < 0 || tp.partition as usize >= topic.partitions {
                    continue;
                }
                let gp = topic.offset + tp.partition as usize;
                if owned_seen.insert(gp) {
                    owned.push(gp);
                }
            }
            members.push(Member {
                id: s.member_id.clone(),
                instance_id: s.group_instance_id.clone(),
                topics: sub_topics,
                topic_set,
                existing_topics,
                owned,
                generation: s.generation.filter(|g| *g >= 0),
                rack: s.rack.clone().filter(|r| !r.is_empty()),
            });
        }

        let hash_order = java_hash_order(&members);
        let mut by_id: Vec<usize> = (0..members.len()).collect();
        by_id.sort_by_shared(|&a, &b| compare_member_ids(&members, a, b));
        let mut rank = vec![0; members.len()];
        for (r, &m) in by_id.iter().enumerate() {
            if let Some(slot) = rank.get_mut(m) {
                *slot = r;
            }
        }
        Ok(Prepared {
            members,
            hash_order,
            rank,
            topics,
            partition_topic,
        })
    }

    pub fn total_partitions(&self) -> usize {
        self.partition_topic.len()
    }

    pub fn topic_of(&self, gp: usize) -> usize {
        self.partition_topic.get(gp).copied().unwrap_or(0)
    }

    pub fn partition_number(&self, gp: usize) -> usize {
        let offset = self.topics.get(self.topic_of(gp)).map_or(0, |t| t.offset);
        gp - offset
    }

    pub fn topic_partition(&self, gp: usize) -> TopicPartition {
        let name = self
            .topics
            .get(self.topic_of(gp))
            .map(|t| t.name.clone())
            .unwrap_or_default();
        TopicPartition::new(name, self.partition_number(gp) as i32)
    }

    pub fn member_id(&self, m: usize) -> String {
        self.members
            .get(m)
            .map(|x| x.id.clone())
            .unwrap_or_default()
    }

    /// Racks of a partition's replicas.
    pub fn partition_racks(&self, gp: usize) -> Option<&VecSet<String>> {
        let topic = self.topics.get(self.topic_of(gp))?;
        topic.racks.get(self.partition_number(gp))
    }

    /// `AbstractPartitionAssignor.MemberInfo.compareTo`: members with an instance id first,
    /// ordered by instance id, then the others by member id.
    pub fn compare_member_info(&self, a: usize, b: usize) -> Ordering {
        let (Some(ma), Some(mb)) = (self.members.get(a), self.members.get(b)) else {
            return Ordering::Equal;
        };
        match (&ma.instance_id, &mb.instance_id) {
            (Some(x), Some(y)) => compare_strings(x, y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => compare_strings(&ma.id, &mb.id),
        }
    }

    /// Member indices sorted by `MemberInfo` order; ties (equal instance ids) keep the
    /// `HashMap` order, as Java's stable sort does.
    pub fn member_info_order(&self, members: &[usize]) -> Vec<usize> {
        let mut sorted = members.to_vec();
        sorted.sort_by_shared(|&a, &b| self.compare_member_info(a, b));
        sorted
    }

    /// Turns per-member lists of global partitions into the public, sorted form.
    pub fn to_output(&self, lists: &[Vec<usize>]) -> VecMap<String, Vec<TopicPartition>> {
        self.members
            .iter()
            .enumerate()
            .map(|(m, member)| {
                let mut partitions: Vec<TopicPartition> = lists
                    .get(m)
                    .map(|l| l.iter().map(|&gp| self.topic_partition(gp)).collect())
                    .unwrap_or_default();
                partitions.sort_shared();
                (member.id.clone(), partitions)
            })
            .collect()
    }
}

fn compare_member_ids(members: &[Member], a: usize, b: usize) -> Ordering {
    match (members.get(a), members.get(b)) {
        (Some(x), Some(y)) => compare_strings(&x.id, &y.id),
        _ => Ordering::Equal,
    }
}

/// Iteration order of a `new HashMap<>()` into which the members were put in join order.
fn java_hash_order(members: &[Member]) -> Vec<usize> {
    let mut set = JavaHashSet::new();
    for member in members {
        set.insert(member.id.as_str());
    }
    let index: VecMap<&str, usize> = members
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id.as_str(), i))
        .collect();
    set.iter().filter_map(|id| index.get(id).copied()).collect()
}

/// Re-applies `HashMap` ordering to keys taken from another `HashMap` (for example
/// `consumerToOwnedPartitions`, filled while iterating `subscriptions`).
pub(crate) fn rehash_order(members: &[Member], order: &[usize]) -> Vec<usize> {
    let reordered: Vec<&Member> = order.iter().filter_map(|&m| members.get(m)).collect();
    let mut set = JavaHashSet::new();
    for member in &reordered {
        set.insert(member.id.as_str());
    }
    let index: VecMap<&str, usize> = members
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id.as_str(), i))
        .collect();
    set.iter().filter_map(|id| index.get(id).copied()).collect()
}
