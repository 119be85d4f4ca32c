//! `RangeAssignor` (clients), including its rack-aware variant (KIP-881).

use crate::vecmap::{VecMap, VecSet};

use super::input::Prepared;

/// `RangeAssignor.TopicAssignmentState`.
struct TopicState {
    topic: usize,
    /// Subscribed members in `MemberInfo` order.
    consumers: Vec<usize>,
    /// Rack of each consumer (parallel to `consumers`).
    consumer_racks: Vec<Option<String>>,
    /// Replica racks per partition; `None` when no subscribed consumer has a rack (Kafka's
    /// empty `partitionRacks` map).
    partition_racks: Option<Vec<VecSet<String>>>,
    needs_rack_aware: bool,
    /// Unassigned partition numbers, ascending.
    unassigned: VecSet<usize>,
    num_assigned: Vec<usize>,
    per_consumer: usize,
    remaining_with_extra: i64,
}

impl TopicState {
    fn racks_match(&self, pos: usize, partition: usize) -> bool {
        match self.consumer_racks.get(pos).and_then(Option::as_ref) {
            None => true,
            Some(rack) => self
                .partition_racks
                .as_ref()
                .and_then(|racks| racks.get(partition))
                .is_some_and(|racks| racks.contains(rack)),
        }
    }

    fn max_assignable(&self, pos: usize) -> usize {
        let extra = i64::from(self.remaining_with_extra > 0);
        let assigned = self.num_assigned.get(pos).copied().unwrap_or(0) as i64;
        (self.per_consumer as i64 + extra - assigned).max(0) as usize
    }

    fn assign(&mut self, pos: usize, partitions: &[usize], out: &mut [Vec<usize>], offset: usize) {
        if let (Some(&member), Some(count)) =
            (self.consumers.get(pos), self.num_assigned.get_mut(pos))
        {
            if let Some(list) = out.get_mut(member) {
                list.extend(partitions.iter().map(|p| offset + p));
            }
            *count += partitions.len();
            if *count > self.per_consumer {
                self.remaining_with_extra -= 1;
            }
        }
        for p in partitions {
            self.unassigned.remove(p);
        }
    }
}

/// `AbstractPartitionAssignor.useRackAwareAssignment`.
pub(crate) fn use_rack_aware_assignment(
    consumer_racks: &VecSet<String>,
    partition_racks: &VecSet<String>,
    racks_per_partition: &[&VecSet<String>],
    prefer_rack_aware_logic: bool,
) -> bool {
    if consumer_racks.is_empty() || consumer_racks.is_disjoint(partition_racks) {
        false
    } else if prefer_rack_aware_logic {
        true
    } else {
        !racks_per_partition.iter().all(|r| *r == partition_racks)
    }
}

pub(crate) fn assign(prep: &Prepared, prefer_rack_aware_logic: bool) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); prep.members.len()];
    // consumersPerTopic: members in HashMap order, per topic.
    let mut states: Vec<TopicState> = Vec::new();
    for (t, topic) in prep.topics.iter().enumerate() {
        let subscribed: Vec<usize> = prep
            .hash_order
            .iter()
            .copied()
            .filter(|&m| {
                prep.members
                    .get(m)
                    .is_some_and(|x| x.topic_set.contains(&topic.name))
            })
            .collect();
        let consumers = prep.member_info_order(&subscribed);
        let consumer_racks: Vec<Option<String>> = consumers
            .iter()
            .map(|&m| prep.members.get(m).and_then(|x| x.rack.clone()))
            .collect();
        let all_consumer_racks: VecSet<String> = consumer_racks.iter().flatten().cloned().collect();
        let (partition_racks, needs_rack_aware) = if all_consumer_racks.is_empty() {
            (None, false)
        } else {
            let racks: Vec<VecSet<String>> = topic.racks.clone();
            let union: VecSet<String> = racks.iter().flatten().cloned().collect();
            let per_partition: Vec<&VecSet<String>> = racks.iter().collect();
            let needs = use_rack_aware_assignment(
                &all_consumer_racks,
                &union,
                &per_partition,
                prefer_rack_aware_logic,
            );
            (Some(racks), needs)
        };
        let n = consumers.len();
        states.push(TopicState {
            topic: t,
            num_assigned: vec![0; n],
            per_consumer: topic.partitions.checked_div(n).unwrap_or(0),
            remaining_with_extra: if n == 0 {
                0
            } else {
                (topic.partitions % n) as i64
            },
            consumers,
            consumer_racks,
            partition_racks,
            needs_rack_aware,
            unassigned: (0..topic.partitions).collect(),
        });
    }

    let use_rack_aware = states.iter().any(|s| s.needs_rack_aware);
    if use_rack_aware {
        assign_with_rack_matching(prep, &mut states, &mut out);
    }
    for state in &mut states {
        assign_ranges(prep, state, false, &mut out);
    }
    out
}

fn assign_ranges(
    prep: &Prepared,
    state: &mut TopicState,
    rack_matching: bool,
    out: &mut [Vec<usize>],
) {
    let offset = prep.topics.get(state.topic).map_or(0, |t| t.offset);
    for pos in 0..state.consumers.len() {
        if state.unassigned.is_empty() {
            break;
        }
        let max = state.max_assignable(pos);
        let chosen: Vec<usize> = state
            .unassigned
            .iter()
            .copied()
            .filter(|&p| !rack_matching || state.racks_match(pos, p))
            .take(max)
            .collect();
        if chosen.is_empty() {
            continue;
        }
        state.assign(pos, &chosen, out, offset);
    }
}

/// `RangeAssignor.assignWithRackMatching`: topics with the same consumers (and racks) and the
/// same number of partitions are co-partitioned; other topics needing rack awareness get
/// rack-matched ranges.
fn assign_with_rack_matching(prep: &Prepared, states: &mut [TopicState], out: &mut [Vec<usize>]) {
    type GroupKey = (Vec<(usize, Option<String>)>, usize);
    let mut groups: VecMap<GroupKey, Vec<usize>> = VecMap::new();
    for (i, state) in states.iter().enumerate() {
        let consumers: Vec<(usize, Option<String>)> = state
            .consumers
            .iter()
            .copied()
            .zip(state.consumer_racks.iter().cloned())
            .collect();
        let num_partitions = state.partition_racks.as_ref().map_or(0, Vec::len);
        groups
            .entry((consumers, num_partitions))
            .or_default()
            .push(i);
    }
    for ((consumers, num_partitions), members) in groups {
        if members.len() > 1 {
            assign_co_partitioned(prep, consumers.len(), num_partitions, &members, states, out);
        } else if let Some(state) = members.first().and_then(|&i| states.get_mut(i)) {
            if state.needs_rack_aware {
                assign_ranges(prep, state, true, out);
            }
        }
    }
}

fn assign_co_partitioned(
    prep: &Prepared,
    num_consumers: usize,
    num_partitions: usize,
    group: &[usize],
    states: &mut [TopicState],
    out: &mut [Vec<usize>],
) {
    let mut remaining: Vec<usize> = (0..num_consumers).collect();
    for p in 0..num_partitions {
        let matching = remaining.iter().copied().find(|&pos| {
            group.iter().all(|&i| {
                states
                    .get(i)
                    .is_some_and(|t| t.racks_match(pos, p) && t.max_assignable(pos) > 0)
            })
        });
        let Some(pos) = matching else { continue };
        for &i in group {
            if let Some(state) = states.get_mut(i) {
                let offset = prep.topics.get(state.topic).map_or(0, |t| t.offset);
                state.assign(pos, &[p], out, offset);
            }
        }
        let exhausted = group
            .iter()
            .all(|&i| states.get(i).is_none_or(|t| t.max_assignable(pos) == 0));
        if exhausted {
            remaining.retain(|&c| c != pos);
            if remaining.is_empty() {
                break;
            }
        }
    }
}
