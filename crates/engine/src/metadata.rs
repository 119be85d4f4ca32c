//! Cluster metadata as KRaft keeps it: a log of records the active controller appends and
//! brokers replay into their metadata cache (`MetadataImage`).

use crate::config::Props;
use crate::types::{BrokerId, TopicId, Tp};
use crate::vecmap::VecMap;
use serde::{Deserialize, Serialize};

pub const NO_LEADER: BrokerId = -1;

/// `PartitionRegistration`: replicas in assignment order (first = preferred leader), ISR,
/// leader (-1 = offline), leader epoch and partition epoch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionRegistration {
    pub replicas: Vec<BrokerId>,
    pub isr: Vec<BrokerId>,
    pub leader: BrokerId,
    pub leader_epoch: i32,
    pub partition_epoch: i32,
}

impl PartitionRegistration {
    pub fn has_leader(&self) -> bool {
        self.leader != NO_LEADER
    }
    /// Led by its preferred replica, the first of its replicas (`hasPreferredLeader`).
    pub fn has_preferred_leader(&self) -> bool {
        self.replicas.first().map_or(NO_LEADER, |r| *r) == self.leader
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopicRecord {
    pub id: TopicId,
    pub name: String,
    pub partitions: i32,
    pub internal: bool,
    pub config: Props,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokerRegistration {
    pub id: BrokerId,
    pub rack: Option<String>,
    pub fenced: bool,
}

/// One record of the metadata log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum MetadataRecord {
    Topic(TopicRecord),
    Partition {
        tp: Tp,
        reg: PartitionRegistration,
    },
    Broker(BrokerRegistration),
    TopicConfig {
        topic: TopicId,
        config: Props,
    },
    /// A group's dynamic configuration (`kafka-configs.sh --entity-type groups`, a
    /// `ConfigRecord` of resource type GROUP in KRaft), e.g. `share.auto.offset.reset`.
    GroupConfig {
        group: String,
        config: Props,
    },
}

/// What a broker (or the controller) knows: the metadata log replayed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MetadataImage {
    /// Offset of the next metadata record to apply.
    pub offset: u64,
    pub topics: VecMap<TopicId, TopicRecord>,
    pub partitions: VecMap<Tp, PartitionRegistration>,
    pub brokers: VecMap<BrokerId, BrokerRegistration>,
    /// Dynamic group configs by group id (see `share_group::GROUP_CONFIGS`).
    #[serde(default, skip_serializing_if = "VecMap::is_empty")]
    pub group_configs: VecMap<String, Props>,
}

impl MetadataImage {
    pub fn apply(&mut self, rec: &MetadataRecord) {
        match rec {
            MetadataRecord::Topic(t) => {
                self.topics.insert(t.id, t.clone());
            }
            MetadataRecord::Partition { tp, reg } => {
                self.partitions.insert(*tp, reg.clone());
            }
            MetadataRecord::Broker(b) => {
                self.brokers.insert(b.id, b.clone());
            }
            MetadataRecord::TopicConfig { topic, config } => {
                if let Some(t) = self.topics.get_mut(topic) {
                    t.config = config.clone();
                }
            }
            MetadataRecord::GroupConfig { group, config } => {
                if config.overrides().is_empty() {
                    self.group_configs.remove(group);
                } else {
                    self.group_configs.insert(group.clone(), config.clone());
                }
            }
        }
        self.offset += 1;
    }

    pub fn topic_by_name(&self, name: &str) -> Option<&TopicRecord> {
        self.topics.values().find(|t| t.name == name)
    }

    pub fn partition(&self, tp: Tp) -> Option<&PartitionRegistration> {
        self.partitions.get(&tp)
    }
}
