//! Small identifiers shared by every module.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Simulated time in milliseconds since the cluster started.
pub type Millis = u64;

/// A broker's `node.id`. Brokers are numbered from 1.
pub type BrokerId = i32;

/// Index of a topic in the controller's metadata (a stand-in for Kafka's topic UUID).
pub type TopicId = u32;

/// A node on the simulated network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum NodeId {
    /// The active KRaft controller.
    Controller,
    Broker(BrokerId),
    /// A client (producer, consumer, processor) by index in the cluster's client table.
    Client(u32),
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NodeId::Controller => write!(f, "controller"),
            NodeId::Broker(b) => write!(f, "broker-{b}"),
            NodeId::Client(c) => write!(f, "client-{c}"),
        }
    }
}

/// A topic partition, by topic id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Tp {
    pub topic: TopicId,
    pub partition: i32,
}

impl Tp {
    pub fn new(topic: TopicId, partition: i32) -> Self {
        Tp { topic, partition }
    }
}
