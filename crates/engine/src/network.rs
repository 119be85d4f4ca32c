//! The simulated network: per-link latency (FIFO per direction, like a TCP connection),
//! isolation of nodes, and cut links.

use crate::types::{Millis, NodeId};
use crate::vecmap::{VecMap, VecSet};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Network {
    pub default_latency_ms: Millis,
    /// Per-link latency overrides (both directions are stored).
    pub latency: VecMap<(NodeId, NodeId), Millis>,
    /// Nodes cut off from every other node.
    pub isolated: VecSet<NodeId>,
    /// Last scheduled arrival per directed link, to keep links FIFO, by [`link`] (every
    /// message sent looks its link up here, so the key is one integer).
    last_arrival: VecMap<u128, Millis>,
}

impl Network {
    pub fn new(default_latency_ms: Millis) -> Self {
        Network {
            default_latency_ms,
            latency: VecMap::new(),
            isolated: VecSet::new(),
            last_arrival: VecMap::new(),
        }
    }

    pub fn latency(&self, from: NodeId, to: NodeId) -> Millis {
        self.latency
            .get(&(from, to))
            .copied()
            .unwrap_or(self.default_latency_ms)
    }

    pub fn set_latency(&mut self, a: NodeId, b: NodeId, ms: Millis) {
        self.latency.insert((a, b), ms);
        self.latency.insert((b, a), ms);
    }

    /// Whether a message can travel from `from` to `to` right now.
    pub fn connected(&self, from: NodeId, to: NodeId) -> bool {
        from == to || !(self.isolated.contains(&from) || self.isolated.contains(&to))
    }

    /// When a message sent now arrives (FIFO per directed link).
    pub fn arrival(&mut self, from: NodeId, to: NodeId, now: Millis) -> Millis {
        let at = now + self.latency(from, to);
        let last = self.last_arrival.entry(link(from, to)).or_insert(0);
        let at = at.max(*last);
        *last = at;
        at
    }
}

/// A directed link as one integer, ordered as `(from, to)` is.
fn link(from: NodeId, to: NodeId) -> u128 {
    u128::from(from.rank()) << 64 | u128::from(to.rank())
}
