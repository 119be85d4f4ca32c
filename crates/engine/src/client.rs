//! What every client shares: its metadata cache (`Metadata`, `NetworkClient`'s least-loaded
//! node choice), correlation ids and wake-up scheduling.

use crate::error::ErrorCode;
use crate::message::{Message, PartitionMetadata, TopicMetadata};
use crate::sim::{Ctx, Timer};
use crate::types::{BrokerId, Millis, NodeId, TopicId, Tp};
use crate::vecmap::{VecMap, VecSet};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopicInfo {
    pub id: TopicId,
    pub partitions: Vec<PartitionMetadata>,
}

impl TopicInfo {
    pub fn leader_of(&self, partition: i32) -> Option<BrokerId> {
        self.partition(partition)
            .map(|p| p.leader)
            .filter(|l| *l >= 0)
    }

    /// Partition `partition`'s metadata: usually at its own index (responses list partitions
    /// in order), else found by search. Consumers ask for every assigned partition on every
    /// step, so a linear search here was a visible share of a large cluster's time.
    pub fn partition(&self, partition: i32) -> Option<&PartitionMetadata> {
        usize::try_from(partition)
            .ok()
            .and_then(|i| self.partitions.get(i))
            .filter(|p| p.partition == partition)
            .or_else(|| self.partitions.iter().find(|p| p.partition == partition))
    }
    pub fn available(&self) -> Vec<i32> {
        self.partitions
            .iter()
            .filter(|p| p.leader >= 0)
            .map(|p| p.partition)
            .collect()
    }
    pub fn count(&self) -> i32 {
        self.partitions.len() as i32
    }
}

/// A client's view of the cluster.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClientMetadata {
    /// Read through [`ClientMetadata::topics`]; only [`ClientMetadata::update`] changes it.
    topics: VecMap<String, TopicInfo>,
    pub unknown_topics: VecSet<String>,
    /// Brokers the client may talk to (bootstrap list, then the metadata's live brokers).
    pub brokers: Vec<BrokerId>,
    pub wanted: VecSet<String>,
    pub in_flight: Option<(u64, BrokerId)>,
    pub needs_update: bool,
    pub last_update: Millis,
    pub last_attempt: Millis,
    next_node: usize,
    /// Brokers that recently refused a connection, and until when to avoid them.
    avoid_until: VecMap<BrokerId, Millis>,
    /// `bootstrap.servers`, for a rebootstrap.
    #[serde(default)]
    bootstrap: Vec<BrokerId>,
    /// Bumped by every [`ClientMetadata::update`], the only change to `topics`: what a client
    /// derives from the topics' leaders can be kept until it moves (see [`Generation`]).
    #[serde(skip)]
    generation: Generation,
}

/// A counter that says whether something derived from a client's state is still current. It
/// is not itself state: two clients equal in everything else are equal whatever it reads.
#[derive(Debug, Clone, Copy, Default)]
pub struct Generation(u64);

impl Generation {
    pub fn bump(&mut self) {
        self.0 = self.0.wrapping_add(1);
    }
    pub fn get(self) -> u64 {
        self.0
    }
}

impl PartialEq for Generation {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl ClientMetadata {
    pub fn new(bootstrap: Vec<BrokerId>) -> Self {
        ClientMetadata {
            brokers: bootstrap.clone(),
            bootstrap,
            needs_update: true,
            ..Default::default()
        }
    }

    pub fn topic(&self, name: &str) -> Option<&TopicInfo> {
        self.topics.get(name)
    }

    /// Every topic the client knows, by name.
    pub fn topics(&self) -> &VecMap<String, TopicInfo> {
        &self.topics
    }

    /// Moves whenever `topics` may have changed (every metadata response applied).
    pub fn generation(&self) -> u64 {
        self.generation.get()
    }

    pub fn name_of(&self, id: TopicId) -> Option<&str> {
        self.topics
            .iter()
            .find(|(_, t)| t.id == id)
            .map(|(n, _)| n.as_str())
    }

    pub fn leader(&self, tp: Tp) -> Option<BrokerId> {
        self.topics
            .values()
            .find(|t| t.id == tp.topic)
            .and_then(|t| t.leader_of(tp.partition))
    }

    pub fn leader_epoch(&self, tp: Tp) -> Option<i32> {
        self.topics
            .values()
            .find(|t| t.id == tp.topic)
            .and_then(|t| t.partition(tp.partition))
            .map(|p| p.leader_epoch)
    }

    /// `leastLoadedNode`, simplified: rotate through known brokers, skipping ones that
    /// refused a connection recently. When every known broker is unavailable and the
    /// bootstrap list names others, the client rebootstraps (`metadata.recovery.strategy`,
    /// `rebootstrap` by default since Kafka 4.0: `NetworkClient` goes back to
    /// `bootstrap.servers`).
    pub fn pick_node(&mut self, now: Millis) -> Option<BrokerId> {
        if self.brokers.is_empty() {
            return None;
        }
        if self
            .brokers
            .iter()
            .all(|b| self.unavailable_until(*b, now).is_some())
            && self.bootstrap.iter().any(|b| !self.brokers.contains(b))
        {
            self.brokers = self.bootstrap.clone();
        }
        for _ in 0..self.brokers.len() {
            let i = self.next_node % self.brokers.len();
            self.next_node = self.next_node.wrapping_add(1);
            let b = self.brokers.get(i).copied()?;
            if self.unavailable_until(b, now).is_none() {
                return Some(b);
            }
        }
        self.brokers
            .get(self.next_node % self.brokers.len())
            .copied()
    }

    pub fn avoid(&mut self, b: BrokerId, until: Millis) {
        self.avoid_until.insert(b, until);
    }

    /// Until when broker `b` is avoided after it refused a connection, if that is still
    /// ahead (`NetworkClient`'s reconnect backoff: `isUnavailable`).
    pub fn unavailable_until(&self, b: BrokerId, now: Millis) -> Option<Millis> {
        if self.avoid_until.is_empty() {
            return None;
        }
        self.avoid_until.get(&b).copied().filter(|t| *t > now)
    }

    /// Send a metadata request if one is needed and none is in flight. Returns its corr.
    pub fn maybe_request(
        &mut self,
        ctx: &mut Ctx,
        corr: u64,
        backoff: Millis,
        timeout: Millis,
    ) -> Option<u64> {
        if !self.needs_update || self.in_flight.is_some() || self.wanted.is_empty() {
            return None;
        }
        if ctx.now < self.last_attempt + backoff && self.last_attempt > 0 {
            ctx.set_timer(
                self.last_attempt + backoff - ctx.now,
                Timer::MetadataBackoff,
            );
            return None;
        }
        let node = self.pick_node(ctx.now)?;
        self.in_flight = Some((corr, node));
        self.last_attempt = ctx.now.max(1);
        ctx.send(
            NodeId::Broker(node),
            Message::MetadataRequest {
                corr,
                topics: self.wanted.iter().cloned().collect(),
                allow_auto_create: false,
            },
        );
        ctx.set_timer(timeout, Timer::RequestTimeout(corr));
        Some(corr)
    }

    /// Apply a metadata response. Newer leader epochs win; an older one is ignored (KIP-320).
    pub fn update(&mut self, now: Millis, brokers: Vec<BrokerId>, topics: Vec<TopicMetadata>) {
        self.generation.bump();
        self.in_flight = None;
        self.last_update = now;
        if !brokers.is_empty() {
            self.brokers = brokers;
        }
        let mut any_missing_leader = false;
        for t in topics {
            match (t.error, t.id) {
                (Some(ErrorCode::UnknownTopicOrPartition), _) | (_, None) => {
                    self.unknown_topics.insert(t.name.clone());
                }
                (_, Some(id)) => {
                    self.unknown_topics.remove(&t.name);
                    let entry = self.topics.entry(t.name.clone()).or_insert(TopicInfo {
                        id,
                        partitions: Vec::new(),
                    });
                    entry.id = id;
                    let mut merged = Vec::with_capacity(t.partitions.len());
                    for p in t.partitions {
                        let old = entry.partitions.iter().find(|o| o.partition == p.partition);
                        match old {
                            Some(o) if o.leader_epoch > p.leader_epoch => merged.push(o.clone()),
                            _ => merged.push(p),
                        }
                    }
                    if merged.iter().any(|p| p.leader < 0) {
                        any_missing_leader = true;
                    }
                    entry.partitions = merged;
                }
            }
        }
        // An unknown topic is retriable metadata (UnknownTopicOrPartitionException is an
        // InvalidMetadataException: Kafka's Metadata requests another update, after the
        // retry backoff). Without this a client that asked a broker still catching up on
        // metadata never asked again (simulation harness finding, issue 8).
        self.needs_update = any_missing_leader || !self.unknown_topics.is_empty();
    }

    pub fn request_update(&mut self) {
        self.needs_update = true;
    }

    /// The connection to `broker` was closed after a request on it timed out: the node is in
    /// reconnect backoff until `until`, and a metadata request in flight on it fails.
    pub fn connection_closed(&mut self, ctx: &mut Ctx, broker: BrokerId, until: Millis) {
        self.avoid(broker, until);
        if let Some((c, b)) = self.in_flight {
            if b == broker {
                ctx.cancel_timer(Timer::RequestTimeout(c));
                self.failed(c);
            }
        }
    }

    /// The request in flight failed or timed out.
    pub fn failed(&mut self, corr: u64) -> bool {
        if self.in_flight.map(|(c, _)| c) == Some(corr) {
            if let Some((_, b)) = self.in_flight {
                self.avoid(b, self.last_attempt + 1_000);
            }
            self.in_flight = None;
            self.needs_update = true;
            true
        } else {
            false
        }
    }
}

/// Schedules a single pending `ClientWake` at the earliest requested time. A client asks again
/// for what it still needs each time it runs, so a later wake is not kept: an earlier request
/// cancels it (else every earlier wake left one behind, and at scale thousands fired at once).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Waker {
    next: Option<Millis>,
}

impl Waker {
    pub fn wake_at(&mut self, ctx: &mut Ctx, at: Millis) {
        let at = at.max(ctx.now);
        match self.next {
            Some(n) if n <= at && n >= ctx.now => {}
            pending => {
                if pending.is_some_and(|n| n >= ctx.now) {
                    ctx.cancel_timer(Timer::ClientWake);
                }
                self.next = Some(at);
                ctx.set_timer(at - ctx.now, Timer::ClientWake);
            }
        }
    }
    /// Call when a `ClientWake` fires.
    pub fn fired(&mut self, now: Millis) {
        if self.next.is_some_and(|n| n <= now) {
            self.next = None;
        }
    }
    pub fn reset(&mut self) {
        self.next = None;
    }
}
