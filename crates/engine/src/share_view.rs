//! Read-only views of share groups (KIP-932) for the page, the CLI and tests: each group's
//! members as the coordinator sees them, each share-partition's in-flight window at the
//! partition's leader, and each share consumer's application. Part of
//! [`crate::view::ClusterView`] (`share_groups`, `share_consumers`).

use crate::cluster::{Client, Cluster};
use crate::share_partition::{RecordState, SharePartitionStats};
use crate::sort::SortShared;
use crate::types::{BrokerId, Millis};
use crate::vecmap::VecMap;
use crate::view::ClientErrorView;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One record of a share-partition's in-flight window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShareRecordView {
    pub offset: i64,
    /// "available", "acquired", "acknowledged" or "archived".
    pub state: String,
    /// How many times it has been acquired.
    pub delivery_count: u16,
    /// The member holding it (acquired only), and that member's client id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    /// When its acquisition lock expires (acquired only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lock_deadline: Option<Millis>,
}

/// A share-partition: one share group on one topic partition, at the partition's leader.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharePartitionView {
    pub topic: String,
    pub partition: i32,
    pub leader: BrokerId,
    /// SPSO: the first offset not yet acknowledged or archived.
    pub start_offset: i64,
    /// SPEO, exclusive: the first offset the share group has not fetched yet.
    pub end_offset: i64,
    pub high_watermark: i64,
    /// `group.share.partition.max.record.locks`.
    pub max_in_flight: i64,
    /// `group.share.delivery.count.limit`.
    pub delivery_count_limit: u16,
    /// The acquisition lock duration in force.
    pub lock_duration_ms: Millis,
    /// The in-flight window `[start_offset, end_offset)`, by offset.
    pub records: Vec<ShareRecordView>,
    pub available: usize,
    pub acquired: usize,
    pub acknowledged: usize,
    pub archived: usize,
    /// Records from the SPSO to the high watermark not yet acknowledged or archived.
    pub lag: i64,
    pub stats: SharePartitionStats,
}

/// A share group member as the coordinator sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShareMemberView {
    pub member_id: String,
    /// The share consumer's id ("" when unknown).
    pub client: String,
    pub member_epoch: i32,
    /// Sorted (topic, partition) pairs; other members may have the same partitions.
    pub assignment: Vec<(String, i32)>,
    /// Records this member holds acquired right now, over all share-partitions.
    pub acquired: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShareGroupView {
    pub group: String,
    /// Always "share" (classic and consumer groups are in `ClusterView::groups`).
    pub protocol: String,
    /// The coordinator, when the group has one.
    pub coordinator: Option<BrokerId>,
    /// "Empty" or "Stable".
    pub state: String,
    pub group_epoch: i32,
    pub assignment_epoch: i32,
    /// The share assignor ("simple").
    pub assignor: String,
    pub members: Vec<ShareMemberView>,
    pub partitions: Vec<SharePartitionView>,
    /// Group configs set with `set_group_config`.
    pub config: BTreeMap<String, String>,
    /// Distinct records the group's applications processed and accepted.
    pub processed: u64,
    /// Extra processings of records processed before (redelivery after a crash or an expired
    /// lock).
    pub duplicates: u64,
}

/// A record a share consumer's application got from its last poll.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShareHeldView {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    pub delivery_count: u16,
    pub processed: bool,
    /// When processing finishes.
    pub done_at: Millis,
    /// "accept", "release" or "reject" once the application decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledgement: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShareConsumerView {
    pub id: String,
    pub alive: bool,
    pub group: String,
    pub topics: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<String>,
    pub member_epoch: i32,
    /// "Joining", "Stable", "Leaving", "Left" or "Fatal".
    pub member_state: String,
    /// `share.acknowledgement.mode`: "implicit" or "explicit".
    pub acknowledgement_mode: String,
    pub processing_ms: u64,
    pub max_poll_records: u32,
    pub assignment: Vec<(String, i32)>,
    /// The records of its last poll (processing, or waiting for an explicit acknowledgement).
    pub processing: Vec<ShareHeldView>,
    /// Acquired records waiting in the consumer for the next poll.
    pub buffered: usize,
    /// Acknowledgements not sent yet.
    pub pending_acknowledgements: usize,
    pub delivered: u64,
    pub redelivered: u64,
    pub processed: u64,
    pub accepted: u64,
    pub released: u64,
    pub rejected: u64,
    pub acknowledge_errors: u64,
    pub errors: VecMap<String, u64>,
    pub last_error: Option<ClientErrorView>,
}

fn pairs<'a>(tps: impl Iterator<Item = &'a crate::assignor::TopicPartition>) -> Vec<(String, i32)> {
    let mut v: Vec<(String, i32)> = tps.map(|tp| (tp.topic.clone(), tp.partition)).collect();
    v.sort_shared();
    v
}

impl Cluster {
    fn topic_name_of(&self, topic: u32) -> String {
        self.topic_names()
            .get(topic as usize)
            .map(|n| n.to_string())
            .unwrap_or_default()
    }

    /// Every share group: from the share consumers and from the coordinators.
    pub fn share_groups(&self) -> Vec<ShareGroupView> {
        let mut names: Vec<String> = self
            .clients
            .iter()
            .filter_map(|c| match c {
                Client::ShareConsumer(s) => Some(s.group.clone()),
                _ => None,
            })
            .collect();
        for b in self.brokers.values() {
            names.extend(b.share_groups.groups.keys().cloned());
        }
        names.sort_shared();
        names.dedup();
        names
            .into_iter()
            .map(|g| self.share_group_view(&g))
            .collect()
    }

    /// The coordinator's and the partition leaders' view of a share group.
    pub fn share_group_view(&self, group: &str) -> ShareGroupView {
        let coord = self.share_group_coordinator(group);
        let mut partitions: Vec<SharePartitionView> = Vec::new();
        let mut acquired_by: VecMap<String, usize> = VecMap::new();
        for b in self.brokers.values().filter(|b| b.alive) {
            for ((g, tp), sp) in &b.share_partitions.partitions {
                if g != group || self.leader_of(*tp) != Some(b.id) {
                    continue;
                }
                let hw = b
                    .partitions
                    .get(tp)
                    .map_or(sp.end_offset, |p| p.log.high_watermark());
                let (mut available, mut acquired, mut acknowledged, mut archived) = (0, 0, 0, 0);
                let records: Vec<ShareRecordView> = sp
                    .in_flight
                    .iter()
                    .map(|(o, s)| {
                        match s.state {
                            RecordState::Available => available += 1,
                            RecordState::Acquired => acquired += 1,
                            RecordState::Acknowledged => acknowledged += 1,
                            RecordState::Archived => archived += 1,
                        }
                        if let Some(m) = &s.member_id {
                            *acquired_by.entry(m.clone()).or_default() += 1;
                        }
                        ShareRecordView {
                            offset: *o,
                            state: s.state.name().to_string(),
                            delivery_count: s.delivery_count,
                            member_id: s.member_id.clone(),
                            client: s
                                .member_id
                                .as_deref()
                                .and_then(|m| self.share_member_client(m))
                                .map(str::to_string),
                            lock_deadline: s.lock_deadline,
                        }
                    })
                    .collect();
                let done_in_window = sp
                    .in_flight
                    .range(sp.start_offset..hw.max(sp.start_offset))
                    .filter(|(_, s)| s.state.is_terminal())
                    .count() as i64;
                partitions.push(SharePartitionView {
                    topic: self.topic_name_of(tp.topic),
                    partition: tp.partition,
                    leader: b.id,
                    start_offset: sp.start_offset,
                    end_offset: sp.end_offset,
                    high_watermark: hw,
                    max_in_flight: sp.settings.max_in_flight,
                    delivery_count_limit: sp.settings.max_delivery_count,
                    lock_duration_ms: sp.settings.lock_duration_ms,
                    records,
                    available,
                    acquired,
                    acknowledged,
                    archived,
                    lag: (hw - sp.start_offset - done_in_window).max(0),
                    stats: sp.stats.clone(),
                });
            }
        }
        partitions.sort_by_shared(|a, b| (&a.topic, a.partition).cmp(&(&b.topic, b.partition)));
        let members: Vec<ShareMemberView> = coord.map_or_else(Vec::new, |(_, g)| {
            let mut v: Vec<ShareMemberView> = g
                .members
                .iter()
                .map(|m| ShareMemberView {
                    member_id: m.member_id.clone(),
                    client: self
                        .share_member_client(&m.member_id)
                        .unwrap_or_default()
                        .to_string(),
                    member_epoch: m.member_epoch,
                    assignment: pairs(m.assigned.iter()),
                    acquired: acquired_by.get(&m.member_id).copied().unwrap_or(0),
                })
                .collect();
            v.sort_by_shared(|a, b| (&a.client, &a.member_id).cmp(&(&b.client, &b.member_id)));
            v
        });
        let (processed, duplicates) = self
            .ledger
            .processed
            .get(group)
            .map_or((0, 0), |m| (m.len(), m.repeats()));
        ShareGroupView {
            group: group.to_string(),
            protocol: "share".into(),
            coordinator: coord.map(|(b, _)| b),
            state: coord.map_or("Empty", |(_, g)| g.state().name()).to_string(),
            group_epoch: coord.map_or(0, |(_, g)| g.group_epoch),
            assignment_epoch: coord.map_or(0, |(_, g)| g.assignment_epoch),
            assignor: "simple".into(),
            members,
            partitions,
            config: self
                .controller
                .image
                .group_configs
                .get(group)
                .map(|p| p.overrides().clone())
                .unwrap_or_default(),
            processed,
            duplicates,
        }
    }

    /// Every share consumer, in client order.
    pub fn share_consumers(&self) -> Vec<ShareConsumerView> {
        self.clients
            .iter()
            .filter_map(|c| match c {
                Client::ShareConsumer(s) => Some(s),
                _ => None,
            })
            .map(|s| ShareConsumerView {
                id: s.name.clone(),
                alive: s.alive,
                group: s.group.clone(),
                topics: s.topics.clone(),
                member_id: Some(s.member_id.clone()).filter(|m| !m.is_empty()),
                member_epoch: s.member_epoch,
                member_state: s.state.name().to_string(),
                acknowledgement_mode: s.settings.acknowledgement_mode.name().to_string(),
                processing_ms: s.processing_ms,
                max_poll_records: s.settings.max_poll_records,
                assignment: pairs(s.assignment.iter()),
                processing: s
                    .batch
                    .iter()
                    .map(|r| ShareHeldView {
                        topic: self.topic_name_of(r.tp.topic),
                        partition: r.tp.partition,
                        offset: r.offset,
                        delivery_count: r.delivery_count,
                        processed: r.processed,
                        done_at: r.done_at,
                        acknowledgement: r.acknowledgement.map(|t| t.name().to_string()),
                    })
                    .collect(),
                buffered: s.buffer.len(),
                pending_acknowledgements: s.pending_acks.values().map(|m| m.len()).sum(),
                delivered: s.stats.delivered,
                redelivered: s.stats.redelivered,
                processed: s.stats.processed,
                accepted: s.stats.accepted,
                released: s.stats.released,
                rejected: s.stats.rejected,
                acknowledge_errors: s.stats.acknowledge_errors,
                errors: s.stats.errors.clone(),
                last_error: s.last_error.as_ref().map(|e| ClientErrorView {
                    error: e.error.name().to_string(),
                    detail: e.detail.clone(),
                    at: e.at,
                }),
            })
            .collect()
    }
}

fn check_bound(what: String, v: i64, b: &crate::scenario::Bound) -> Result<String, String> {
    if let Some(e) = b.equals {
        if v != e {
            return Err(format!("{what}: expected {e}, got {v}"));
        }
    }
    if let Some(l) = b.at_least {
        if v < l {
            return Err(format!("{what}: expected at least {l}, got {v}"));
        }
    }
    if let Some(m) = b.at_most {
        if v > m {
            return Err(format!("{what}: expected at most {m}, got {v}"));
        }
    }
    Ok(format!("{what} = {v}"))
}

/// Evaluate a share group check (`share_delivery_count`, `share_state`, `share_processed`,
/// `share_start_offset`, `share_delivered`). `Ok(detail)` when it holds.
pub fn evaluate_share_check(c: &Cluster, check: &crate::scenario::Check) -> Result<String, String> {
    use crate::scenario::Check;
    let partition_of = |group: &str, topic: &str, partition: i32| {
        c.tp(topic, partition).map_err(|e| e.to_string())?;
        c.share_partition(group, topic, partition).ok_or_else(|| {
            format!("share group {group} has no state for {topic}-{partition} at its leader yet")
        })
    };
    match check {
        Check::ShareDeliveryCount {
            group,
            topic,
            partition,
            offset,
            bound,
        } => {
            let sp = partition_of(group, topic, *partition)?;
            let s = sp.record_state(*offset).ok_or_else(|| {
                format!(
                    "{topic}-{partition} offset {offset} is not in share group {group}'s window [{}, {})",
                    sp.start_offset, sp.end_offset
                )
            })?;
            check_bound(
                format!("delivery count of {topic}-{partition}@{offset} in {group}"),
                i64::from(s.delivery_count),
                bound,
            )
        }
        Check::ShareState {
            group,
            topic,
            partition,
            offset,
            equals,
        } => {
            let want = RecordState::parse(equals).ok_or_else(|| {
                format!("share_state: equals is available, acquired, acknowledged or archived, not {equals:?}")
            })?;
            let sp = partition_of(group, topic, *partition)?;
            let s = sp.record_state(*offset).ok_or_else(|| {
                format!(
                    "{topic}-{partition} offset {offset} is not in share group {group}'s window [{}, {})",
                    sp.start_offset, sp.end_offset
                )
            })?;
            let holder = s
                .member_id
                .as_deref()
                .map(|m| format!(" by {}", c.share_member_client(m).unwrap_or(m)))
                .unwrap_or_default();
            if s.state == want {
                Ok(format!(
                    "{topic}-{partition}@{offset} is {}{holder} in {group}",
                    s.state.name()
                ))
            } else {
                Err(format!(
                    "{topic}-{partition}@{offset} in {group}: expected {}, got {}{holder}",
                    want.name(),
                    s.state.name()
                ))
            }
        }
        Check::ShareProcessed { group, bound } => {
            let n = c.ledger.processed.get(group).map_or(0, |m| m.len()) as i64;
            check_bound(
                format!("records processed by share group {group}"),
                n,
                bound,
            )
        }
        Check::ShareStartOffset {
            group,
            topic,
            partition,
            bound,
        } => {
            let sp = partition_of(group, topic, *partition)?;
            check_bound(
                format!("share-partition start offset of {group} on {topic}-{partition}"),
                sp.start_offset,
                bound,
            )
        }
        Check::ShareDelivered { consumer, bound } => {
            let s = c
                .share_consumer(consumer)
                .ok_or_else(|| format!("no share consumer {consumer}"))?;
            check_bound(
                format!("records delivered to {consumer}"),
                s.stats.delivered as i64,
                bound,
            )
        }
        Check::ShareRedelivered { group, bound } => {
            let n: u64 = c
                .brokers
                .values()
                .filter(|b| b.alive)
                .flat_map(|b| {
                    b.share_partitions
                        .partitions
                        .iter()
                        .filter(move |((g, tp), _)| g == group && c.leader_of(*tp) == Some(b.id))
                })
                .map(|(_, sp)| sp.stats.redelivered)
                .sum();
            check_bound(
                format!("redeliveries in share group {group}"),
                n as i64,
                bound,
            )
        }
        Check::ShareMembers { group, bound } => {
            let n = c
                .share_group_coordinator(group)
                .map_or(0, |(_, g)| g.members.len()) as i64;
            check_bound(format!("members of share group {group}"), n, bound)
        }
        _ => Err("not a share group check".into()),
    }
}
