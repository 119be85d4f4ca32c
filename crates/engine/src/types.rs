//! Small identifiers shared by every module.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Simulated time in milliseconds since the cluster started.
pub type Millis = u64;

/// A broker's `node.id`. Brokers are numbered from 1.
pub type BrokerId = i32;

/// Index of a topic in the controller's metadata (a stand-in for Kafka's topic UUID).
pub type TopicId = u32;

/// A node on the simulated network. Ordered as declared (controller, brokers, clients), then
/// by number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NodeId {
    /// The active KRaft controller.
    Controller,
    Broker(BrokerId),
    /// A client (producer, consumer, processor) by index in the cluster's client table.
    Client(u32),
}

impl NodeId {
    /// One integer that sorts as the node does: the variant in the high half, the number
    /// (a broker id's sign bit flipped, so that negative ids sort first) in the low half.
    /// Message routing compares node pairs for every message (links, timeouts), and a derived
    /// `Ord` compared variant and payload one step at a time.
    pub(crate) fn rank(self) -> u64 {
        match self {
            NodeId::Controller => 0,
            NodeId::Broker(b) => 1 << 32 | u64::from((b as u32) ^ 0x8000_0000),
            NodeId::Client(c) => 2 << 32 | u64::from(c),
        }
    }
}

impl Ord for NodeId {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.rank().cmp(&other.rank())
    }
}

impl PartialOrd for NodeId {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
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

/// A duration the way people say it: `1500 ms`, `90 s`, `2 h`, `7 d`, `1 d 6 h`.
pub fn human_duration(ms: Millis) -> String {
    const S: Millis = 1_000;
    const M: Millis = 60 * S;
    const H: Millis = 60 * M;
    const D: Millis = 24 * H;
    let (big, unit_big, small, unit_small) = if ms >= D {
        (ms / D, "d", (ms % D) / H, "h")
    } else if ms >= H {
        (ms / H, "h", (ms % H) / M, "min")
    } else if ms >= M {
        (ms / M, "min", (ms % M) / S, "s")
    } else if ms >= 10 * S {
        return format!("{} s", ms / S);
    } else {
        return format!("{ms} ms");
    };
    if small == 0 {
        format!("{big} {unit_big}")
    } else {
        format!("{big} {unit_big} {small} {unit_small}")
    }
}

#[cfg(test)]
mod tests {
    use super::{human_duration, NodeId};

    #[test]
    fn nodes_sort_controller_then_brokers_then_clients_by_number() {
        let sorted = [
            NodeId::Controller,
            NodeId::Broker(i32::MIN),
            NodeId::Broker(-1),
            NodeId::Broker(0),
            NodeId::Broker(1),
            NodeId::Broker(i32::MAX),
            NodeId::Client(0),
            NodeId::Client(7),
            NodeId::Client(u32::MAX),
        ];
        for (i, a) in sorted.iter().enumerate() {
            for (j, b) in sorted.iter().enumerate() {
                assert_eq!(a.cmp(b), i.cmp(&j), "{a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn durations_read_like_people_say_them() {
        assert_eq!(human_duration(250), "250 ms");
        assert_eq!(human_duration(9_999), "9999 ms");
        assert_eq!(human_duration(90_000), "1 min 30 s");
        assert_eq!(human_duration(7_200_000), "2 h");
        assert_eq!(human_duration(7 * 86_400_000), "7 d");
        assert_eq!(human_duration(86_400_000 + 6 * 3_600_000), "1 d 6 h");
    }
}
