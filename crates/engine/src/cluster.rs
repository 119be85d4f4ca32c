//! The cluster: every node, the network and the one event queue. Time moves only through
//! [`Cluster::advance`]; randomness comes only from the cluster's seeded RNG. Same seed and
//! same commands ⇒ same trace.

use crate::action::{Action, NodeRef};
use crate::broker::{Broker, BrokerSettings};
use crate::config::{
    props_from_json, Props, BROKER_CONFIGS, CONSUMER_CONFIGS, PRODUCER_CONFIGS, TOPIC_CONFIGS,
};
use crate::consumer::Consumer;
pub use crate::consumer::SeekTo;
use crate::controller::Controller;
use crate::error::{ErrorCode, SimError, SimResult};
use crate::event_queue::{EventQueue, KeyIndex, WordHasher};
use crate::ledger::Ledger;
use crate::message::Message;
use crate::network::Network;
use crate::producer::Producer;
use crate::record::NewRecord;
use crate::sim::{Ctx, Timer};
use crate::trace::{Trace, TraceKind};
use crate::types::{BrokerId, Millis, NodeId, TopicId, Tp};
use crate::vecmap::VecMap;
use crate::workload::{push_int, Workload};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_core::RngCore;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};
use std::hash::Hasher as _;
use std::sync::Arc;

pub const MAX_BROKERS: usize = 12;

/// What a cluster is made of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterSpec {
    pub seed: u64,
    pub brokers: usize,
    /// `broker.rack` per broker (index 0 = broker 1); empty = no racks.
    pub racks: Vec<Option<String>>,
    pub latency_ms: Millis,
    pub config: BTreeMap<String, String>,
    /// Trace buffer size (events kept for viewing; the hash covers all).
    pub trace_capacity: usize,
}

impl Default for ClusterSpec {
    fn default() -> Self {
        ClusterSpec {
            seed: 42,
            brokers: 3,
            racks: Vec::new(),
            latency_ms: 5,
            config: BTreeMap::new(),
            trace_capacity: 5000,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum Client {
    Producer(Producer),
    Consumer(Consumer),
    /// A `KafkaShareConsumer` (KIP-932 share groups, `share_consumer.rs`).
    ShareConsumer(crate::share_consumer::ShareConsumer),
}

impl Client {
    pub fn name(&self) -> &str {
        match self {
            Client::Producer(p) => &p.name,
            Client::Consumer(c) => &c.name,
            Client::ShareConsumer(c) => &c.name,
        }
    }
    pub fn alive(&self) -> bool {
        match self {
            Client::Producer(p) => p.alive,
            Client::Consumer(c) => c.alive,
            Client::ShareConsumer(c) => c.alive,
        }
    }
    /// Start this process's correlation ids at `base` (see [`CORR_INCARNATION_SHIFT`]).
    fn set_corr_base(&mut self, base: u64) {
        match self {
            Client::Producer(p) => p.next_corr = base,
            Client::Consumer(c) => c.next_corr = base,
            Client::ShareConsumer(c) => c.set_corr_base(base),
        }
    }
}

/// A client process's correlation ids carry its incarnation above this bit: a response to a
/// request of an earlier process in the same client slot (a crashed and restarted client)
/// arrives on a connection that no longer exists, and is dropped — as in Kafka, where a
/// restarted client has new connections and never sees its predecessor's responses.
pub const CORR_INCARNATION_SHIFT: u32 = 40;

/// A message on the wire (the queue holds it behind an `Arc`, see [`Cluster::queue`]).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Delivery {
    id: u64,
    from: NodeId,
    to: NodeId,
    sent_at: Millis,
    msg: Message,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Event {
    Deliver(Arc<Delivery>),
    Timer {
        node: NodeId,
        incarnation: u32,
        timer: Timer,
    },
    Workload {
        producer: u32,
    },
    ProcessorTick {
        processor: u32,
    },
    QueueTick,
}

/// A message on the wire, for animation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InFlight {
    pub id: u64,
    pub from: NodeId,
    pub to: NodeId,
    pub name: String,
    pub sent_at: Millis,
    pub arrive_at: Millis,
    pub records: usize,
}

/// What a handler's [`Ctx`] collects: messages to send, timers to set and to cancel.
#[derive(Debug, Clone, Default)]
struct HandlerBuffers {
    out: Vec<(NodeId, NodeId, Message)>,
    timers: Vec<(NodeId, Millis, Timer)>,
    cancels: Vec<(NodeId, Timer)>,
}

#[derive(Debug, Clone)]
pub struct Cluster {
    now: Millis,
    seq: u64,
    /// Timers (held inline, about 50 bytes each; only live ones, see `timeouts`) and messages,
    /// in `(time, sequence)` order (`event_queue.rs`). A message on the wire is large, so it
    /// is behind an `Arc`: the queue moves its values as its buckets grow and compact, and
    /// cloning the cluster (a rewind snapshot every few seconds) copies a pointer; a message
    /// a snapshot still shares is copied when it is delivered.
    queue: EventQueue<Event>,
    /// The keys of the queue's `Deliver` events (messages on the wire), so that `in_flight`
    /// need not walk the whole queue, which mostly holds timers.
    /// Sorted; a few hundred at most (a deque also keeps the wasm smaller than another
    /// B-tree). Messages arrive about in the order they were sent, so most are taken off the
    /// front, which a deque does without shifting the rest.
    deliveries: VecDeque<(Millis, u64)>,
    /// The queue keys of pending timeouts (see [`Timer::cancellable`]), by the node that set
    /// each: a response cancels its request's timeout, as Kafka's `NetworkClient` forgets a
    /// request once answered, and a broker cancels a delayed operation's expiry when it
    /// completes, as the purgatory's timer task is cancelled. At scale, clients make tens of
    /// thousands of requests a simulated second, each timing out after 30 s: without this
    /// the queue (and every rewind snapshot, which copies it) held a million stale timers, and
    /// each stale request timeout still woke its client once.
    timeouts: KeyIndex<(NodeId, Timer)>,
    rng: ChaCha8Rng,
    pub seed: u64,
    pub net: Network,
    pub controller: Controller,
    pub brokers: VecMap<BrokerId, Broker>,
    pub clients: Vec<Client>,
    client_incarnation: Vec<u32>,
    pub trace: Trace,
    pub ledger: Ledger,
    /// Topic names by id, shared (`Arc`) with the views that name them.
    topic_names: Vec<Arc<str>>,
    /// Fetch responses read and handed back, for the brokers' next reads.
    spare: crate::sim::Spare,
    /// A handler's context's vectors, empty, for the next handler ([`Cluster::with_node`]).
    handler_buffers: HandlerBuffers,
    next_record_id: u64,
    next_msg_id: u64,
    pub config: Props,
    /// Fault: drop this many upcoming produce responses to a client.
    pub lose_responses: VecMap<u32, u32>,
    pub workloads: VecMap<u32, Workload>,
    pub processors: Vec<crate::processor::Processor>,
    pub queues: VecMap<String, crate::queue::Queue>,
    pub queue_consumers: Vec<crate::queue::QueueConsumer>,
    /// Total fast-forward (`advance_time`): the wall clock is `now + time_warp`.
    time_warp: Millis,
    /// When the queue's next tick is due (ticks run only while a queue has work).
    pub(crate) queue_wake: Option<Millis>,
    /// Event-sourcing projections (read models folded from a topic).
    pub projections: Vec<crate::projection::Projection>,
    setup: bool,
    /// Views only: how far each group's `skipped` count has scanned each partition (see
    /// `view.rs`, `skipped_below`). Never read by the simulation.
    pub(crate) skip_scans: std::cell::RefCell<crate::view::SkipScans>,
    /// Views only: what `durability` has summed so far (see `durability.rs`).
    pub(crate) durability_scan: std::cell::RefCell<crate::durability::DurabilityScan>,
}

/// The most value bytes a workload may produce per simulated second: 1 GB/s, e.g. 10 million
/// records/s of 100 bytes. Every stored byte is memory in the page; beyond this rate one
/// frame's worth of simulated time could exhaust the page's memory before the page can pause.
pub const MAX_WORKLOAD_BYTES_PER_SEC: f64 = 1e9;

impl Cluster {
    pub fn new(spec: &ClusterSpec) -> SimResult<Cluster> {
        if spec.brokers == 0 || spec.brokers > MAX_BROKERS {
            return Err(SimError::scenario(
                "cluster.brokers",
                format!(
                    "a cluster has 1 to {MAX_BROKERS} brokers, not {}",
                    spec.brokers
                ),
            ));
        }
        if !spec.racks.is_empty() && spec.racks.len() != spec.brokers {
            return Err(SimError::scenario(
                "cluster.racks",
                format!(
                    "give one rack per broker ({} brokers, {} racks)",
                    spec.brokers,
                    spec.racks.len()
                ),
            ));
        }
        let mut raw = spec.config.clone();
        // Single-broker and two-broker dev clusters configure the internal topics' RF down,
        // as every quickstart does; otherwise groups and transactions could never start.
        for key in [
            "offsets.topic.replication.factor",
            "transaction.state.log.replication.factor",
        ] {
            if !raw.contains_key(key) && spec.brokers < 3 {
                raw.insert(key.to_string(), spec.brokers.to_string());
            }
        }
        if !raw.contains_key("transaction.state.log.min.isr") && spec.brokers < 2 {
            raw.insert("transaction.state.log.min.isr".into(), "1".into());
        }
        let config = Props::parse(BROKER_CONFIGS, &raw, "broker").map_err(|e| e.at("cluster"))?;
        let settings = BrokerSettings::from_props(&config);
        let mut cluster = Cluster {
            now: 0,
            seq: 0,
            queue: EventQueue::default(),
            deliveries: Default::default(),
            timeouts: KeyIndex::default(),
            rng: ChaCha8Rng::seed_from_u64(spec.seed),
            seed: spec.seed,
            net: Network::new(spec.latency_ms),
            controller: Controller::new(config.clone()),
            brokers: VecMap::new(),
            clients: Vec::new(),
            client_incarnation: Vec::new(),
            trace: Trace::new(spec.trace_capacity),
            ledger: Ledger::new(),
            topic_names: Vec::new(),
            spare: crate::sim::Spare::default(),
            handler_buffers: HandlerBuffers::default(),
            next_record_id: 1,
            next_msg_id: 0,
            config: config.clone(),
            lose_responses: VecMap::new(),
            workloads: VecMap::new(),
            processors: Vec::new(),
            queues: VecMap::new(),
            queue_consumers: Vec::new(),
            time_warp: 0,
            queue_wake: None,
            projections: Vec::new(),
            setup: true,
            skip_scans: Default::default(),
            durability_scan: Default::default(),
        };
        for i in 0..spec.brokers {
            let id = i as BrokerId + 1;
            let rack = spec.racks.get(i).cloned().flatten();
            cluster.controller.bootstrap_broker(id, rack.clone());
            cluster
                .brokers
                .insert(id, Broker::new(id, rack, settings.clone(), config.clone()));
        }
        let records = cluster.controller.log.clone();
        let ids: Vec<BrokerId> = cluster.brokers.keys().copied().collect();
        for id in ids {
            cluster.with_node(NodeId::Broker(id), |node, ctx| {
                if let NodeRefMut::Broker(b) = node {
                    b.bootstrap(ctx, &records);
                }
            });
        }
        cluster.with_node(NodeId::Controller, |node, ctx| {
            if let NodeRefMut::Controller(c) = node {
                c.start(ctx);
            }
        });
        Ok(cluster)
    }

    pub fn now(&self) -> Millis {
        self.now
    }

    /// The wall clock: simulated time plus every fast-forward. Record timestamps, retention,
    /// segment rolling, compaction lag, tombstone retention and transaction timeouts use it.
    pub fn wall_clock(&self) -> Millis {
        self.now + self.time_warp
    }

    /// How much time fast-forwards have skipped in total.
    pub fn time_warp(&self) -> Millis {
        self.time_warp
    }

    /// Fast-forward the wall clock by `ms` (hours, days) without simulating every idle
    /// millisecond: the cluster is taken to have idled healthily meanwhile (heartbeats,
    /// fetches and polls kept everyone alive, so no session expires), while data ages.
    /// Then every live broker runs its periodic time-based work at once: segment rolling and
    /// retention (`log.retention.check.interval.ms`), the log cleaner, and the transaction
    /// coordinator's timeout check — so a topic's old segments go, tombstones past
    /// `delete.retention.ms` go, and a transaction left open is aborted.
    pub fn advance_time(&mut self, ms: Millis) -> SimResult<()> {
        const MAX: Millis = 10 * 365 * 24 * 3_600_000;
        if ms == 0 || ms > MAX {
            return Err(SimError::command(
                "fast-forward by 1 ms to 10 years (e.g. 86400000 for one day)",
            ));
        }
        self.time_warp += ms;
        let text = format!(
            "fast-forward {}: the cluster idles (heartbeats and fetches keep everyone alive) while its data ages; brokers run retention, the log cleaner and transaction timeouts",
            crate::types::human_duration(ms)
        );
        self.note(&text);
        let brokers: Vec<BrokerId> = self.brokers.keys().copied().collect();
        for b in brokers {
            if !self.node_up(NodeId::Broker(b)) {
                continue;
            }
            self.with_node(NodeId::Broker(b), |n, ctx| {
                if let NodeRefMut::Broker(broker) = n {
                    broker.time_based_work(ctx);
                }
            });
        }
        Ok(())
    }

    pub fn topic_names(&self) -> &[Arc<str>] {
        &self.topic_names
    }

    pub fn topic_id(&self, name: &str) -> Option<TopicId> {
        self.controller.image.topic_by_name(name).map(|t| t.id)
    }

    pub fn tp(&self, topic: &str, partition: i32) -> SimResult<Tp> {
        let t = self.controller.image.topic_by_name(topic).ok_or_else(|| {
            SimError::kafka(
                ErrorCode::UnknownTopicOrPartition,
                format!("topic '{topic}' does not exist"),
            )
        })?;
        if partition < 0 || partition >= t.partitions {
            return Err(SimError::kafka(
                ErrorCode::UnknownTopicOrPartition,
                format!(
                    "topic '{topic}' has partitions 0..{}, not {partition}",
                    t.partitions - 1
                ),
            ));
        }
        Ok(Tp::new(t.id, partition))
    }

    /// Parse "orders-2" (topic names may contain '-').
    pub fn parse_tp(&self, s: &str) -> SimResult<Tp> {
        let (topic, part) = s.rsplit_once('-').ok_or_else(|| {
            SimError::command(format!("'{s}' is not a topic-partition like \"orders-0\""))
        })?;
        let p: i32 = part.parse().map_err(|_| {
            SimError::command(format!("'{s}' is not a topic-partition like \"orders-0\""))
        })?;
        self.tp(topic, p)
    }

    pub fn client_index(&self, name: &str) -> Option<u32> {
        self.clients
            .iter()
            .position(|c| c.name() == name)
            .map(|i| i as u32)
    }

    pub fn producer(&self, name: &str) -> Option<&Producer> {
        self.clients.iter().find_map(|c| match c {
            Client::Producer(p) if p.name == name => Some(p),
            _ => None,
        })
    }

    pub fn consumer(&self, name: &str) -> Option<&Consumer> {
        self.clients.iter().find_map(|c| match c {
            Client::Consumer(x) if x.name == name => Some(x),
            _ => None,
        })
    }

    pub fn leader_of(&self, tp: Tp) -> Option<BrokerId> {
        self.controller
            .image
            .partition(tp)
            .map(|r| r.leader)
            .filter(|l| *l >= 0)
    }

    // ------------------------------------------------------------------ event loop

    pub(crate) fn push(&mut self, at: Millis, ev: Event) {
        self.seq += 1;
        if matches!(ev, Event::Deliver(_)) {
            let key = (at, self.seq);
            // Usually the latest arrival yet (links have one latency): appended.
            if self.deliveries.back().is_none_or(|last| *last < key) {
                self.deliveries.push_back(key);
            } else {
                let i = self.deliveries.partition_point(|k| *k < key);
                self.deliveries.insert(i, key);
            }
        }
        self.queue.insert(at, self.seq, ev);
    }

    /// Take `node`'s pending `timer` off the queue, if it is there (see `timeouts`).
    fn cancel_timer(&mut self, node: NodeId, timer: Timer) -> bool {
        match self.timeouts.remove(&(node, timer)) {
            Some(key) => self.queue.remove(key).is_some(),
            None => false,
        }
    }

    /// The queued event `key` was taken off the queue.
    fn forget_delivery(&mut self, key: (Millis, u64)) {
        // Usually the earliest: taken off the front.
        if self.deliveries.front() == Some(&key) {
            self.deliveries.pop_front();
        } else if let Ok(i) = self.deliveries.binary_search(&key) {
            self.deliveries.remove(i);
        }
    }

    fn incarnation(&self, node: NodeId) -> u32 {
        match node {
            NodeId::Controller => 0,
            NodeId::Broker(b) => self.brokers.get(&b).map_or(0, |x| x.incarnation),
            NodeId::Client(c) => self
                .client_incarnation
                .get(c as usize)
                .copied()
                .unwrap_or(0),
        }
    }

    /// Run `f` on one node with a context, then schedule what it sent and the timers it set.
    pub(crate) fn with_node<R>(
        &mut self,
        node: NodeId,
        f: impl FnOnce(NodeRefMut, &mut Ctx) -> R,
    ) -> Option<R> {
        // The context's vectors are kept from one handler to the next: most handlers send a
        // message or set a timer, and allocating the vectors anew was 6 % of the standard
        // workload's allocations. (Empty between handlers; a nested call finds them taken
        // and starts its own.)
        let mut buffers = std::mem::take(&mut self.handler_buffers);
        let result = {
            let Cluster {
                rng,
                trace,
                ledger,
                brokers,
                clients,
                controller,
                topic_names,
                spare,
                now,
                time_warp,
                ..
            } = self;
            let mut ctx = Ctx {
                now: *now,
                wall: *now + *time_warp,
                me: node,
                rng,
                trace,
                ledger,
                out: &mut buffers.out,
                timers: &mut buffers.timers,
                cancels: &mut buffers.cancels,
                topic_names,
                spare,
            };
            let target = match node {
                NodeId::Controller => Some(NodeRefMut::Controller(controller)),
                NodeId::Broker(b) => brokers.get_mut(&b).map(NodeRefMut::Broker),
                NodeId::Client(c) => clients.get_mut(c as usize).map(NodeRefMut::Client),
            };
            target.map(|t| f(t, &mut ctx))
        };
        self.after_handler(buffers);
        result
    }

    /// What follows every handler ([`Cluster::with_node`]): topic names learned, timers
    /// cancelled and set, messages sent. Not generic, so the page's wasm holds it once rather
    /// than once per caller of `with_node`.
    fn after_handler(&mut self, mut buffers: HandlerBuffers) {
        if self.controller.image.topics.len() != self.topic_names.len() {
            self.topic_names = (0..=self
                .controller
                .image
                .topics
                .keys()
                .next_back()
                .copied()
                .unwrap_or(0))
                .map(|id| {
                    self.controller
                        .image
                        .topics
                        .get(&id)
                        .map_or_else(|| Arc::from(""), |t| Arc::from(t.name.as_str()))
                })
                .collect();
        }
        for (node, timer) in buffers.cancels.drain(..) {
            self.cancel_timer(node, timer);
        }
        for (from, at, timer) in buffers.timers.drain(..) {
            let inc = self.incarnation(from);
            let cancellable = timer.cancellable().then(|| timer.clone());
            self.push(
                at,
                Event::Timer {
                    node: from,
                    incarnation: inc,
                    timer,
                },
            );
            if let Some(timer) = cancellable {
                self.timeouts.insert((from, timer), (at, self.seq));
            }
        }
        for (from, to, msg) in buffers.out.drain(..) {
            self.send(from, to, msg);
        }
        // Kept, emptied, for the next handler.
        self.handler_buffers = buffers;
    }

    fn send(&mut self, from: NodeId, to: NodeId, msg: Message) {
        self.next_msg_id += 1;
        let id = self.next_msg_id;
        if !self.net.connected(from, to) {
            if self.trace.messages {
                self.trace.push(
                    self.now,
                    TraceKind::Drop {
                        msg: id,
                        from,
                        to,
                        name: crate::trace::Str::from_static(msg.name()),
                        reason: "network partition".into(),
                    },
                );
            }
            return;
        }
        let at = self.net.arrival(from, to, self.now);
        if self.trace.messages {
            let digest = Digest::of(&msg, &self.topic_names);
            self.trace.push(
                self.now,
                TraceKind::Send {
                    msg: id,
                    from,
                    to,
                    name: crate::trace::Str::from_static(msg.name()),
                    digest,
                    arrive_at: at,
                },
            );
        }
        let sent_at = self.now;
        self.push(
            at,
            Event::Deliver(Arc::new(Delivery {
                id,
                from,
                to,
                sent_at,
                msg,
            })),
        );
    }

    fn node_up(&self, node: NodeId) -> bool {
        match node {
            NodeId::Controller => self.controller.alive,
            NodeId::Broker(b) => self.brokers.get(&b).is_some_and(|x| x.alive),
            NodeId::Client(c) => self.clients.get(c as usize).is_some_and(|x| x.alive()),
        }
    }

    /// Whether `to` takes messages from `from`. A restarted broker opens its listeners only
    /// once it is registered and has the metadata (Kafka's `BrokerServer.startup` waits for
    /// the initial metadata catch-up before `enableRequestProcessing`); until then clients and
    /// other brokers are refused, and only the controller reaches it.
    fn listening(&self, from: NodeId, to: NodeId) -> bool {
        match to {
            NodeId::Broker(b) => {
                from == NodeId::Controller || self.brokers.get(&b).is_some_and(|x| x.registered)
            }
            _ => true,
        }
    }

    fn dispatch(&mut self, ev: Event) {
        match ev {
            Event::Deliver(d) => {
                let Delivery {
                    id, from, to, msg, ..
                } = Arc::unwrap_or_clone(d);
                if !self.net.connected(from, to) {
                    if self.trace.messages {
                        self.trace.push(
                            self.now,
                            TraceKind::Drop {
                                msg: id,
                                from,
                                to,
                                name: crate::trace::Str::from_static(msg.name()),
                                reason: "network partition".into(),
                            },
                        );
                    }
                    return;
                }
                let up = self.node_up(to);
                if !up || !self.listening(from, to) {
                    if self.trace.messages {
                        self.trace.push(
                            self.now,
                            TraceKind::Drop {
                                msg: id,
                                from,
                                to,
                                name: crate::trace::Str::from_static(msg.name()),
                                reason: if up {
                                    format!("{to} is starting: not yet registered with the controller and caught up with the metadata")
                                } else {
                                    format!("{to} is down")
                                },
                            },
                        );
                    }
                    if msg.expects_response() && self.node_up(from) {
                        // Connection refused: the sender learns quickly.
                        self.send(
                            to,
                            from,
                            Message::Disconnected {
                                corr: msg.correlation(),
                            },
                        );
                    }
                    return;
                }
                if let (Some(corr), NodeId::Client(_)) = (msg.response_correlation(), to) {
                    let inc = u64::from(self.incarnation(to).saturating_sub(1));
                    if corr >> CORR_INCARNATION_SHIFT != inc {
                        if self.trace.messages {
                            self.trace.push(
                                self.now,
                                TraceKind::Drop {
                                    msg: id,
                                    from,
                                    to,
                                    name: crate::trace::Str::from_static(msg.name()),
                                    reason: format!(
                                        "{to} restarted: the connection this answers is closed"
                                    ),
                                },
                            );
                        }
                        return;
                    }
                }
                if let (Message::ProduceResponse { .. }, NodeId::Client(c)) = (&msg, to) {
                    if let Some(n) = self.lose_responses.get_mut(&c) {
                        if *n > 0 {
                            *n -= 1;
                            self.trace.push(
                                self.now,
                                TraceKind::Drop {
                                    msg: id,
                                    from,
                                    to,
                                    name: crate::trace::Str::from_static(msg.name()),
                                    reason: "response lost (fault injection): the broker appended, the producer never hears".into(),
                                },
                            );
                            return;
                        }
                    }
                }
                if self.trace.messages {
                    self.trace.push(
                        self.now,
                        TraceKind::Deliver {
                            msg: id,
                            from,
                            to,
                            name: crate::trace::Str::from_static(msg.name()),
                        },
                    );
                }
                // Answered: the request's timeout will not fire.
                if let Some(corr) = msg.response_correlation() {
                    if !self.cancel_timer(to, Timer::RequestTimeout(corr)) {
                        if let NodeId::Broker(leader) = from {
                            self.cancel_timer(to, Timer::FetcherRequestTimeout { leader, corr });
                        }
                    }
                }
                self.with_node(to, |node, ctx| match node {
                    NodeRefMut::Controller(c) => c.handle(ctx, from, msg),
                    NodeRefMut::Broker(b) => b.handle(ctx, from, msg),
                    NodeRefMut::Client(Client::Producer(p)) => p.handle(ctx, from, msg),
                    NodeRefMut::Client(Client::Consumer(c)) => c.handle(ctx, from, msg),
                    NodeRefMut::Client(Client::ShareConsumer(c)) => c.handle(ctx, from, msg),
                });
            }
            Event::Timer {
                node,
                incarnation,
                timer,
            } => {
                if timer.cancellable() {
                    self.timeouts.remove(&(node, timer.clone()));
                }
                if incarnation != self.incarnation(node) || !self.node_up(node) {
                    return;
                }
                self.with_node(node, |n, ctx| match n {
                    NodeRefMut::Controller(c) => c.on_timer(ctx, timer),
                    NodeRefMut::Broker(b) => b.on_timer(ctx, timer),
                    NodeRefMut::Client(Client::Producer(p)) => p.on_timer(ctx, timer),
                    NodeRefMut::Client(Client::Consumer(c)) => c.on_timer(ctx, timer),
                    NodeRefMut::Client(Client::ShareConsumer(c)) => c.on_timer(ctx, timer),
                });
            }
            Event::Workload { producer } => self.workload_tick(producer),
            Event::ProcessorTick { processor } => self.processor_tick(processor),
            Event::QueueTick => self.queue_tick(),
        }
    }

    /// Process every event due up to `now + ms`, then set the clock to `now + ms`.
    pub fn advance(&mut self, ms: Millis) {
        let target = self.now.saturating_add(ms);
        self.run_until(target);
    }

    pub fn run_until(&mut self, target: Millis) {
        self.setup = false;
        while let Some((key, ev)) = self.queue.pop_due(target) {
            let at = key.0;
            self.forget_delivery(key);
            self.now = at;
            self.dispatch(ev);
            if !self.projections.is_empty() {
                self.drain_projections();
            }
        }
        self.now = self.now.max(target);
    }

    /// Process the next event only. Returns its time, or `None` when nothing is queued.
    pub fn step(&mut self) -> Option<Millis> {
        self.setup = false;
        let ((at, seq), ev) = self.queue.pop_first()?;
        self.forget_delivery((at, seq));
        self.now = at;
        self.dispatch(ev);
        if !self.projections.is_empty() {
            self.drain_projections();
        }
        Some(at)
    }

    /// Events waiting in the queue: messages on the wire and pending timers.
    pub fn pending_events(&self) -> usize {
        self.queue.len()
    }

    pub fn next_event_at(&self) -> Option<Millis> {
        self.queue.first_key().map(|(t, _)| t)
    }

    /// Messages on the wire right now.
    pub fn in_flight(&self) -> Vec<InFlight> {
        self.deliveries
            .iter()
            .filter_map(|k| Some((k, self.queue.get(*k)?)))
            .filter_map(|((at, _), ev)| match ev {
                Event::Deliver(d) => Some(InFlight {
                    id: d.id,
                    from: d.from,
                    to: d.to,
                    name: d.msg.name().to_string(),
                    sent_at: d.sent_at,
                    arrive_at: *at,
                    records: d.msg.record_count(),
                }),
                _ => None,
            })
            .collect()
    }

    // ------------------------------------------------------------------ commands

    /// Create a topic. `assignment`, if given, is `kafka-topics.sh --replica-assignment`.
    pub fn create_topic(
        &mut self,
        name: &str,
        partitions: i32,
        replication_factor: i32,
        config: &BTreeMap<String, String>,
        assignment: Option<Vec<Vec<BrokerId>>>,
    ) -> SimResult<TopicId> {
        let props = Props::parse(TOPIC_CONFIGS, config, "topic")?;
        let assignment = match assignment {
            Some(a) => {
                crate::admin::validate_assignment(&a, &self.controller)?;
                a
            }
            None => {
                if partitions < 1 {
                    return Err(SimError::kafka(
                        ErrorCode::InvalidPartitions,
                        format!("number of partitions must be at least 1, got {partitions}"),
                    ));
                }
                if partitions > 10_000 {
                    return Err(SimError::kafka(
                        ErrorCode::InvalidPartitions,
                        format!(
                            "{partitions} partitions is more than the simulator's limit of 10000"
                        ),
                    ));
                }
                crate::admin::place(
                    &self.controller,
                    partitions,
                    replication_factor,
                    &mut self.rng,
                )?
            }
        };
        let setup = self.setup;
        let name_owned = name.to_string();
        let id = self
            .with_node(NodeId::Controller, |n, ctx| match n {
                NodeRefMut::Controller(c) => c.create_topic(
                    ctx,
                    &name_owned,
                    name_owned.starts_with("__"),
                    assignment,
                    props,
                ),
                _ => Err(SimError::command("no controller")),
            })
            .unwrap_or_else(|| Err(SimError::command("no controller")))?;
        while self.topic_names.len() <= id as usize {
            self.topic_names.push(Arc::from(""));
        }
        if let Some(slot) = self.topic_names.get_mut(id as usize) {
            *slot = Arc::from(name);
        }
        if setup {
            // Before time starts, metadata reaches brokers at once (as if the cluster had
            // been running with these topics).
            self.flush_now();
        }
        Ok(id)
    }

    /// Deliver everything queued for time `now` or earlier plus controller pushes at once
    /// (setup only).
    fn flush_now(&mut self) {
        let mut guard = 0;
        while guard < 10_000 {
            guard += 1;
            let next = self
                .queue
                .iter()
                .find(|(_, e)| matches!(e, Event::Deliver(d) if d.from == NodeId::Controller))
                .map(|(k, _)| k);
            let Some(k) = next else { break };
            if let Some(ev) = self.queue.remove(k) {
                self.forget_delivery(k);
                self.dispatch(ev);
            }
        }
    }

    pub fn set_topic_config(
        &mut self,
        topic: &str,
        changes: &BTreeMap<String, String>,
    ) -> SimResult<()> {
        let t = self
            .controller
            .image
            .topic_by_name(topic)
            .cloned()
            .ok_or_else(|| {
                SimError::kafka(
                    ErrorCode::UnknownTopicOrPartition,
                    format!("topic '{topic}' does not exist"),
                )
            })?;
        let mut props = t.config.clone();
        for (k, v) in changes {
            if v.is_empty() {
                props.remove(k);
            } else {
                props.set(TOPIC_CONFIGS, k, v, "topic")?;
            }
        }
        self.with_node(NodeId::Controller, |n, ctx| {
            if let NodeRefMut::Controller(c) = n {
                c.set_topic_config(ctx, t.id, props);
            }
        });
        Ok(())
    }

    fn bootstrap_list(&self) -> Vec<BrokerId> {
        self.brokers.keys().copied().collect()
    }

    fn check_client_name(&self, name: &str) -> SimResult<()> {
        if name.trim().is_empty() {
            return Err(SimError::command("a client needs a non-empty id"));
        }
        if self.client_index(name).is_some() {
            return Err(SimError::command(format!(
                "a client named '{name}' already exists"
            )));
        }
        Ok(())
    }

    pub fn add_producer(
        &mut self,
        name: &str,
        config: &BTreeMap<String, String>,
    ) -> SimResult<u32> {
        // A stopped producer's id may be reused: the new process replaces it (a restart).
        let reuse = match self
            .client_index(name)
            .map(|i| (i, self.clients.get(i as usize)))
        {
            Some((i, Some(Client::Producer(p)))) if !p.alive => Some(i),
            _ => {
                self.check_client_name(name)?;
                None
            }
        };
        let props = Props::parse(PRODUCER_CONFIGS, config, "producer")?;
        let idx = reuse.unwrap_or(self.clients.len() as u32);
        let p = Producer::new(name.to_string(), idx, props, self.bootstrap_list())?;
        self.install_client(reuse, Client::Producer(p));
        // A producer with a transactional.id runs initTransactions() as it starts.
        if self
            .clients
            .get(idx as usize)
            .is_some_and(|c| matches!(c, Client::Producer(p) if p.txn.is_some()))
        {
            self.with_node(NodeId::Client(idx), |n, ctx| {
                if let NodeRefMut::Client(Client::Producer(p)) = n {
                    p.run(ctx);
                }
            });
        }
        Ok(idx)
    }

    pub fn add_consumer(
        &mut self,
        name: &str,
        group: Option<&str>,
        topics: &[String],
        config: &BTreeMap<String, String>,
        processing_ms: Millis,
    ) -> SimResult<u32> {
        self.add_consumer_with(name, group, topics, config, processing_ms, None)
    }

    /// Add a consumer with an explicit commit mode ("auto", "after_processing",
    /// "before_processing", "manual").
    pub fn add_consumer_with(
        &mut self,
        name: &str,
        group: Option<&str>,
        topics: &[String],
        config: &BTreeMap<String, String>,
        processing_ms: Millis,
        commit: Option<&str>,
    ) -> SimResult<u32> {
        // A stopped consumer's id may be reused: the new process replaces it (a restart,
        // possibly with another group.id).
        let reuse = match self
            .client_index(name)
            .map(|i| (i, self.clients.get(i as usize)))
        {
            Some((i, Some(Client::Consumer(c)))) if !c.alive => Some(i),
            _ => {
                self.check_client_name(name)?;
                None
            }
        };
        let props = Props::parse(CONSUMER_CONFIGS, config, "consumer")?;
        for t in topics {
            if self.controller.image.topic_by_name(t).is_none() {
                return Err(SimError::kafka(
                    ErrorCode::UnknownTopicOrPartition,
                    format!("topic '{t}' does not exist"),
                ));
            }
        }
        let idx = reuse.unwrap_or(self.clients.len() as u32);
        let mut c = Consumer::new(
            name.to_string(),
            idx,
            props,
            group.map(str::to_string),
            topics.to_vec(),
            self.bootstrap_list(),
        )?;
        c.processing_ms = processing_ms;
        if let Some(mode) = commit {
            let m = crate::consumer::CommitMode::parse(mode).ok_or_else(|| {
                SimError::command(format!("commit mode '{mode}' is not one of auto, after_processing, before_processing, manual"))
            })?;
            if c.group.is_none() && m != crate::consumer::CommitMode::Manual {
                return Err(SimError::command(
                    "committing offsets needs a group (give the consumer a `group`)",
                ));
            }
            if m == crate::consumer::CommitMode::Auto && !c.settings.enable_auto_commit {
                return Err(SimError::config(
                    "enable.auto.commit",
                    "commit mode \"auto\" needs enable.auto.commit=true",
                ));
            }
            c.commit_mode = m;
        }
        self.install_client(reuse, Client::Consumer(c));
        self.with_node(NodeId::Client(idx), |n, ctx| {
            if let NodeRefMut::Client(Client::Consumer(c)) = n {
                c.run(ctx);
            }
        });
        Ok(idx)
    }

    /// `producer.send()` of `count` records. Returns the simulator ids of the records.
    #[allow(clippy::too_many_arguments)]
    pub fn produce(
        &mut self,
        producer: &str,
        topic: &str,
        key: Option<&str>,
        value: Option<&str>,
        partition: Option<i32>,
        headers: &[(String, String)],
        count: u32,
    ) -> SimResult<Vec<u64>> {
        let idx = self.producer_for_send(producer, topic)?;
        if let Some(p) = partition {
            self.tp(topic, p)?;
        }
        let mut ids = Vec::new();
        for i in 0..count.max(1) {
            let id = self.next_record_id;
            self.next_record_id += 1;
            ids.push(id);
            let value = value.map(|v| {
                if count > 1 {
                    v.replace("{i}", &i.to_string())
                } else {
                    v.to_string()
                }
            });
            let key = key.map(|k| k.replace("{i}", &i.to_string()));
            let rec = NewRecord {
                id,
                timestamp: self.wall_clock() as i64,
                key: key.map(String::into_bytes),
                value: value.map(String::into_bytes),
                headers: headers
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone().into_bytes()))
                    .collect(),
            };
            self.send_record(idx, topic, partition, rec.as_ref());
        }
        Ok(ids)
    }

    /// `producer.send(record)` on the producer at client index `idx`.
    fn send_record(
        &mut self,
        idx: u32,
        topic: &str,
        partition: Option<i32>,
        rec: crate::record::RecordRef<'_>,
    ) {
        self.with_node(NodeId::Client(idx), |n, ctx| {
            if let NodeRefMut::Client(Client::Producer(p)) = n {
                p.send(ctx, topic, partition, rec);
            }
        });
    }

    /// The checks `produce` makes before sending: the producer exists, runs, and (if
    /// transactional) is in a transaction, and the topic exists. Returns its client index.
    fn producer_for_send(&self, producer: &str, topic: &str) -> SimResult<u32> {
        let idx = self
            .client_index(producer)
            .ok_or_else(|| SimError::command(format!("no producer named '{producer}'")))?;
        match self.clients.get(idx as usize) {
            // TransactionManager.maybeAddPartition: send() only in IN_TRANSACTION — not while
            // the transaction is committing or aborting, when a record would land after the
            // markers in a transaction the coordinator has already ended (simulation
            // harness finding, issue 8: the partition's LSO stayed stuck below it forever).
            Some(Client::Producer(p))
                if p.alive
                    && p.txn.as_ref().is_some_and(|t| {
                        t.phase != crate::transaction_manager::TxnPhase::InTransaction
                    }) =>
            {
                let phase = p.txn.as_ref().map(|t| t.phase.name()).unwrap_or_default();
                return Err(SimError::command(format!(
                    "transactional producer '{producer}' can only send() inside a transaction: call beginTransaction() first (it is {phase})"
                )));
            }
            Some(Client::Producer(p)) if p.alive => {}
            Some(Client::Producer(_)) => {
                return Err(SimError::command(format!(
                    "producer '{producer}' is stopped"
                )))
            }
            _ => return Err(SimError::command(format!("'{producer}' is not a producer"))),
        }
        if self.controller.image.topic_by_name(topic).is_none() {
            return Err(SimError::kafka(
                ErrorCode::UnknownTopicOrPartition,
                format!("topic '{topic}' does not exist"),
            ));
        }
        Ok(idx)
    }

    pub fn resolve_broker(&self, r: &NodeRef) -> SimResult<BrokerId> {
        match r {
            NodeRef::Broker(b) => {
                if self.brokers.contains_key(b) {
                    Ok(*b)
                } else {
                    Err(SimError::command(format!(
                        "there is no broker {b} (brokers are 1..{})",
                        self.brokers.len()
                    )))
                }
            }
            NodeRef::LeaderOf(s) => {
                let tp = self.parse_tp(s)?;
                self.leader_of(tp).ok_or_else(|| {
                    SimError::kafka(
                        ErrorCode::LeaderNotAvailable,
                        format!("{s} has no leader right now"),
                    )
                })
            }
        }
    }

    /// Whether broker `b` is running; an error if there is no such broker.
    fn broker_alive(&self, b: BrokerId) -> SimResult<bool> {
        self.brokers
            .get(&b)
            .map(|x| x.alive)
            .ok_or_else(|| SimError::command(format!("no broker {b}")))
    }

    /// A running broker stops: the trace and the ledger (which explains losses) note it.
    fn note_broker_stop(&mut self, b: BrokerId) {
        self.trace
            .push(self.now, TraceKind::BrokerStopped { broker: b });
        self.ledger.broker_stops.push((self.now, b));
    }

    pub fn stop_broker(&mut self, b: BrokerId) -> SimResult<()> {
        let alive = self.broker_alive(b)?;
        if !alive {
            return Err(SimError::command(format!("broker {b} is already stopped")));
        }
        self.note_broker_stop(b);
        self.with_node(NodeId::Broker(b), |n, ctx| {
            if let NodeRefMut::Broker(x) = n {
                x.stop(ctx);
            }
        });
        Ok(())
    }

    /// Broker `b` loses power (running or already stopped): it stops if it was running, and
    /// each of its logs keeps only what had reached the disk: what Kafka flushed (at segment
    /// rolls, or by `flush.messages`) and what the OS wrote back (appends older than about
    /// 30 s). Restart it with [`Cluster::start_broker`].
    pub fn power_loss(&mut self, b: BrokerId) -> SimResult<()> {
        let alive = self.broker_alive(b)?;
        self.trace.push(
            self.now,
            TraceKind::Note {
                text: format!(
                    "broker-{b} lost power: its page cache is gone, and its logs keep what had reached the disk"
                ),
            },
        );
        if alive {
            self.note_broker_stop(b);
        }
        self.with_node(NodeId::Broker(b), |n, ctx| {
            if let NodeRefMut::Broker(x) = n {
                x.power_loss(ctx);
            }
        });
        Ok(())
    }

    pub fn start_broker(&mut self, b: BrokerId) -> SimResult<()> {
        let alive = self.broker_alive(b)?;
        if alive {
            return Err(SimError::command(format!("broker {b} is already running")));
        }
        self.trace
            .push(self.now, TraceKind::BrokerStarted { broker: b });
        self.durability_broker_started();
        self.with_node(NodeId::Broker(b), |n, ctx| {
            if let NodeRefMut::Broker(x) = n {
                x.start(ctx);
            }
        });
        Ok(())
    }

    pub fn isolate(&mut self, node: NodeId) {
        self.net.isolated.insert(node);
        self.trace.push(self.now, TraceKind::Isolated { node });
    }

    pub fn heal(&mut self) {
        self.net.isolated.clear();
        self.trace.push(self.now, TraceKind::Healed);
    }

    pub fn set_fetchers_paused(&mut self, b: BrokerId, paused: bool) -> SimResult<()> {
        if !self.brokers.contains_key(&b) {
            return Err(SimError::command(format!("no broker {b}")));
        }
        self.trace.push(
            self.now,
            TraceKind::Note {
                text: format!(
                    "broker-{b} fetchers {}",
                    if paused { "paused" } else { "resumed" }
                ),
            },
        );
        self.with_node(NodeId::Broker(b), |n, ctx| {
            if let NodeRefMut::Broker(x) = n {
                x.set_fetch_paused(ctx, paused);
            }
        });
        Ok(())
    }

    pub fn set_producer_config(
        &mut self,
        name: &str,
        changes: &BTreeMap<String, String>,
    ) -> SimResult<()> {
        let idx = self
            .client_index(name)
            .ok_or_else(|| SimError::command(format!("no producer named '{name}'")))?;
        let Some(Client::Producer(p)) = self.clients.get_mut(idx as usize) else {
            return Err(SimError::command(format!("'{name}' is not a producer")));
        };
        let mut props = p.config.clone();
        for (k, v) in changes {
            if v.is_empty() {
                props.remove(k);
            } else {
                props.set(PRODUCER_CONFIGS, k, v, "producer")?;
            }
        }
        p.reconfigure(props)
    }

    pub fn lose_produce_responses(&mut self, name: &str, count: u32) -> SimResult<()> {
        let idx = self
            .client_index(name)
            .ok_or_else(|| SimError::command(format!("no producer named '{name}'")))?;
        *self.lose_responses.entry(idx).or_default() += count;
        Ok(())
    }

    pub fn elect_preferred_leaders(&mut self) -> usize {
        self.with_node(NodeId::Controller, |n, ctx| match n {
            NodeRefMut::Controller(c) => c.elect_preferred(ctx),
            _ => 0,
        })
        .unwrap_or(0)
    }

    /// Apply one scenario action now.
    pub fn apply(&mut self, action: &Action) -> SimResult<()> {
        crate::action::apply(self, action)
    }

    pub fn start_workload(&mut self, producer: &str, w: Workload) -> SimResult<()> {
        let idx = self
            .client_index(producer)
            .ok_or_else(|| SimError::command(format!("no producer named '{producer}'")))?;
        if !matches!(self.clients.get(idx as usize), Some(Client::Producer(_))) {
            return Err(SimError::command(format!("'{producer}' is not a producer")));
        }
        if self.controller.image.topic_by_name(&w.topic).is_none() {
            return Err(SimError::kafka(
                ErrorCode::UnknownTopicOrPartition,
                format!("topic '{}' does not exist", w.topic),
            ));
        }
        let bytes_per_sec = w.rate_per_sec * w.value_bytes as f64;
        if bytes_per_sec > MAX_WORKLOAD_BYTES_PER_SEC {
            return Err(SimError::command(format!(
                "{} records/s of {}-byte values is {:.1} GB of data per simulated second; a workload produces at most 1 GB/s (lower the rate or the value size)",
                w.rate_per_sec,
                w.value_bytes,
                bytes_per_sec / 1e9
            )));
        }
        let fresh = !self.workloads.contains_key(&idx);
        let tick = w.tick_ms;
        self.workloads.insert(idx, w);
        if fresh {
            self.push(self.now + tick, Event::Workload { producer: idx });
        }
        Ok(())
    }

    pub fn stop_workload(&mut self, producer: &str) -> SimResult<()> {
        let idx = self
            .client_index(producer)
            .ok_or_else(|| SimError::command(format!("no producer named '{producer}'")))?;
        self.workloads.remove(&idx);
        Ok(())
    }

    fn workload_tick(&mut self, idx: u32) {
        let Some(mut w) = self.workloads.remove(&idx) else {
            return;
        };
        let name = self
            .clients
            .get(idx as usize)
            .map(|c| c.name().to_string())
            .unwrap_or_default();
        // As `produce(name, topic, key, value, None, &[], 1)` once per record (errors ignored),
        // without its per-record string work: the checks cannot change between the records
        // of one tick, so they run once.
        // An application blocked in send() (buffer.memory is full) makes no records until it
        // returns.
        let blocked = matches!(
            self.clients.get(idx as usize),
            Some(Client::Producer(p)) if p.blocked_sends() > 0
        );
        let batch = if blocked {
            Default::default()
        } else {
            w.next_records(&mut self.rng)
        };
        if !batch.is_empty() {
            if let Ok(pidx) = self.producer_for_send(&name, &w.topic) {
                // One visit to the producer for the whole tick: its send() calls set no
                // timer after the first and send nothing, so the queue sees what one visit
                // per record gave it (the trace hashes are unchanged).
                let first_id = self.next_record_id;
                self.next_record_id += batch.len() as u64;
                let timestamp = self.wall_clock() as i64;
                let topic = w.topic.as_str();
                self.with_node(NodeId::Client(pidx), |n, ctx| {
                    if let NodeRefMut::Client(Client::Producer(p)) = n {
                        let records = (first_id..).zip(batch.iter_joined()).map(
                            |(id, (key, value, key_value))| crate::record::RecordRef {
                                id,
                                timestamp,
                                key,
                                value: Some(value),
                                headers: &[],
                                key_value,
                            },
                        );
                        p.send_all(ctx, topic, records);
                    }
                });
            }
        }
        if !w.finished(self.now) {
            let tick = w.tick_ms;
            self.workloads.insert(idx, w);
            self.push(self.now + tick, Event::Workload { producer: idx });
        }
    }

    pub(crate) fn consumer_index(&self, name: &str) -> SimResult<u32> {
        let idx = self
            .client_index(name)
            .ok_or_else(|| SimError::command(format!("no consumer named '{name}'")))?;
        match self.clients.get(idx as usize) {
            Some(Client::Consumer(c)) if c.alive => Ok(idx),
            Some(Client::Consumer(_)) => Err(SimError::command(format!(
                "consumer '{name}' is not running"
            ))),
            _ => Err(SimError::command(format!("'{name}' is not a consumer"))),
        }
    }

    pub(crate) fn with_consumer<R>(
        &mut self,
        idx: u32,
        f: impl FnOnce(&mut Consumer, &mut Ctx) -> R,
    ) -> Option<R> {
        self.with_node(NodeId::Client(idx), |n, ctx| match n {
            NodeRefMut::Client(Client::Consumer(c)) => Some(f(c, ctx)),
            _ => None,
        })
        .flatten()
    }

    /// `consumer.close()`: commit (when auto-committing), leave the group, stop.
    pub fn close_consumer(&mut self, name: &str) -> SimResult<()> {
        if self.share_consumer(name).is_some() {
            return self.close_share_consumer(name);
        }
        let idx = self.consumer_index(name)?;
        self.trace.push(
            self.now,
            TraceKind::Note {
                text: format!("{name} closes and leaves its group"),
            },
        );
        self.with_consumer(idx, |c, ctx| c.close(ctx));
        Ok(())
    }

    /// `commitSync()` of the consumer's current positions.
    pub fn commit_consumer(&mut self, name: &str) -> SimResult<()> {
        let idx = self.consumer_index(name)?;
        let ok = self.with_consumer(idx, |c, ctx| {
            if c.group.is_none() {
                return false;
            }
            let positions = c.consumed_positions();
            c.commit(ctx, positions, "commitSync");
            true
        });
        if ok == Some(true) {
            Ok(())
        } else {
            Err(SimError::command(format!(
                "consumer '{name}' has no group.id, so it has nowhere to commit"
            )))
        }
    }

    /// `seek()` on one partition the consumer is assigned.
    pub fn seek(&mut self, name: &str, topic: &str, partition: i32, to: SeekTo) -> SimResult<()> {
        let idx = self.consumer_index(name)?;
        let tp = self.tp(topic, partition)?;
        let ok = self.with_consumer(idx, |c, ctx| {
            let ok = match to {
                SeekTo::Offset(o) => c.seek(tp, o),
                SeekTo::Beginning => c.seek_by_list_offsets(tp, -2),
                SeekTo::End => c.seek_by_list_offsets(tp, -1),
                SeekTo::Timestamp(ts) => c.seek_by_list_offsets(tp, ts.max(0)),
            };
            // The application's next poll acts on it: an idle consumer has no timer due that
            // would, so it runs now.
            if ok {
                c.run(ctx);
            }
            ok
        });
        if ok == Some(true) {
            Ok(())
        } else {
            Err(SimError::command(format!("{name} is not assigned {topic}-{partition} right now (seek needs an assigned partition)")))
        }
    }

    /// Put a new client in slot `reuse` (a restart: the old incarnation's timers are void) or
    /// at the end. Returns its index.
    pub(crate) fn install_client(&mut self, reuse: Option<u32>, mut client: Client) -> u32 {
        match reuse {
            Some(i) => {
                let inc = match self.client_incarnation.get_mut(i as usize) {
                    Some(inc) => {
                        *inc += 1;
                        *inc
                    }
                    None => 1,
                };
                client.set_corr_base(u64::from(inc - 1) << CORR_INCARNATION_SHIFT);
                if let Some(slot) = self.clients.get_mut(i as usize) {
                    *slot = client;
                }
                i
            }
            None => {
                self.clients.push(client);
                self.client_incarnation.push(1);
                self.clients.len() as u32 - 1
            }
        }
    }

    pub(crate) fn producer_index(&self, name: &str) -> SimResult<u32> {
        let idx = self
            .client_index(name)
            .ok_or_else(|| SimError::command(format!("no producer named '{name}'")))?;
        match self.clients.get(idx as usize) {
            Some(Client::Producer(p)) if p.alive => Ok(idx),
            Some(Client::Producer(_)) => Err(SimError::command(format!(
                "producer '{name}' is not running"
            ))),
            _ => Err(SimError::command(format!("'{name}' is not a producer"))),
        }
    }

    pub(crate) fn with_producer<R>(
        &mut self,
        idx: u32,
        f: impl FnOnce(&mut Producer, &mut Ctx) -> R,
    ) -> Option<R> {
        self.with_node(NodeId::Client(idx), |n, ctx| match n {
            NodeRefMut::Client(Client::Producer(p)) => {
                let r = f(p, ctx);
                p.run(ctx);
                Some(r)
            }
            _ => None,
        })
        .flatten()
    }

    /// `producer.beginTransaction()`.
    pub fn begin_txn(&mut self, producer: &str) -> SimResult<()> {
        let idx = self.producer_index(producer)?;
        self.with_producer(idx, |p, _| p.begin_transaction())
            .unwrap_or_else(|| Err(SimError::command("no producer")))
    }

    /// `producer.commitTransaction()`.
    pub fn commit_txn(&mut self, producer: &str) -> SimResult<()> {
        let idx = self.producer_index(producer)?;
        self.with_producer(idx, |p, _| p.commit_transaction())
            .unwrap_or_else(|| Err(SimError::command("no producer")))
    }

    /// `producer.abortTransaction()`.
    pub fn abort_txn(&mut self, producer: &str) -> SimResult<()> {
        let idx = self.producer_index(producer)?;
        self.with_producer(idx, |p, ctx| p.abort_transaction(ctx))
            .unwrap_or_else(|| Err(SimError::command("no producer")))
    }

    /// `producer.sendOffsetsToTransaction(consumer positions, consumer.groupMetadata())`.
    pub fn send_offsets(&mut self, producer: &str, consumer: &str) -> SimResult<()> {
        let cidx = self.consumer_index(consumer)?;
        let (group, generation, member, offsets) = match self.clients.get(cidx as usize) {
            Some(Client::Consumer(c)) => {
                // Either protocol (consumer_membership.rs): the generation is the member epoch
                // under group.protocol=consumer.
                let Some((group, generation, member_id)) = c.group_metadata() else {
                    return Err(SimError::command(format!(
                        "consumer '{consumer}' has no group.id: there is no group to commit for"
                    )));
                };
                let offsets: Vec<(crate::assignor::TopicPartition, i64)> = c
                    .consumed_positions()
                    .into_iter()
                    .filter_map(|(tp, o)| {
                        self.topic_names().get(tp.topic as usize).map(|n| {
                            (
                                crate::assignor::TopicPartition::new(n.to_string(), tp.partition),
                                o,
                            )
                        })
                    })
                    .collect();
                (group, generation, member_id, offsets)
            }
            _ => return Err(SimError::command(format!("'{consumer}' is not a consumer"))),
        };
        let idx = self.producer_index(producer)?;
        self.with_producer(idx, |p, _| {
            p.send_offsets_to_transaction(&group, generation, &member, offsets)
        })
        .unwrap_or_else(|| Err(SimError::command("no producer")))
    }

    /// The broker coordinating `group` and the group's state there.
    pub fn group_coordinator(
        &self,
        group: &str,
    ) -> Option<(BrokerId, &crate::group::ClassicGroup)> {
        let t = self
            .controller
            .image
            .topic_by_name(crate::group::OFFSETS_TOPIC)?;
        let tp = Tp::new(t.id, crate::group::partition_for(group, t.partitions));
        let leader = self.leader_of(tp)?;
        let b = self.brokers.get(&leader)?;
        b.groups.groups.get(group).map(|g| (leader, g))
    }

    /// The broker coordinating `group` and the group's state there, when it is a KIP-848
    /// consumer group (`group.protocol=consumer`).
    pub fn consumer_group_coordinator(
        &self,
        group: &str,
    ) -> Option<(BrokerId, &crate::consumer_group::ConsumerGroup)> {
        let t = self
            .controller
            .image
            .topic_by_name(crate::group::OFFSETS_TOPIC)?;
        let tp = Tp::new(t.id, crate::group::partition_for(group, t.partitions));
        let leader = self.leader_of(tp)?;
        let b = self.brokers.get(&leader)?;
        b.groups.consumer.groups.get(group).map(|g| (leader, g))
    }

    /// `kafka-consumer-groups.sh --reset-offsets --execute`: only for an inactive group.
    pub fn reset_offsets(
        &mut self,
        group: &str,
        topic: &str,
        to: ResetTo,
    ) -> SimResult<Vec<(i32, i64)>> {
        let t = self
            .controller
            .image
            .topic_by_name(topic)
            .cloned()
            .ok_or_else(|| {
                SimError::kafka(
                    ErrorCode::UnknownTopicOrPartition,
                    format!("topic '{topic}' does not exist"),
                )
            })?;
        let (coordinator, state, current) = match self.group_coordinator(group) {
            Some((b, g)) => (Some(b), g.state, g.offsets.clone()),
            None => (None, crate::group::GroupState::Empty, VecMap::new()),
        };
        // A consumer protocol group must be Empty too.
        if let Some((_, cg)) = self
            .consumer_group_coordinator(group)
            .filter(|(_, cg)| !cg.members.is_empty())
        {
            return Err(SimError::kafka(
                ErrorCode::NonEmptyGroup,
                format!("Assignments can only be reset if the group '{group}' is inactive, but the current state is {}.", cg.state.name()),
            ));
        }
        if !matches!(
            state,
            crate::group::GroupState::Empty | crate::group::GroupState::Dead
        ) {
            return Err(SimError::kafka(
                ErrorCode::NonEmptyGroup,
                format!("Assignments can only be reset if the group '{group}' is inactive, but the current state is {}.", state.name()),
            ));
        }
        let Some(coordinator) = coordinator.or_else(|| {
            let ot = self
                .controller
                .image
                .topic_by_name(crate::group::OFFSETS_TOPIC)?;
            self.leader_of(Tp::new(
                ot.id,
                crate::group::partition_for(group, ot.partitions),
            ))
        }) else {
            return Err(SimError::kafka(
                ErrorCode::CoordinatorNotAvailable,
                format!("no coordinator for group '{group}' yet: it has never been used"),
            ));
        };
        let mut offsets = Vec::new();
        for p in 0..t.partitions {
            let tp = Tp::new(t.id, p);
            let Some(log) = self
                .leader_of(tp)
                .and_then(|l| self.brokers.get(&l))
                .and_then(|b| b.partitions.get(&tp))
                .map(|x| &x.log)
            else {
                return Err(SimError::kafka(
                    ErrorCode::LeaderNotAvailable,
                    format!("{topic}-{p} has no leader"),
                ));
            };
            let (start, end) = (log.log_start_offset(), log.high_watermark());
            let committed = current
                .get(&crate::assignor::TopicPartition::new(topic, p))
                .map(|c| c.offset);
            let target = match to {
                ResetTo::Earliest => start,
                ResetTo::Latest => end,
                ResetTo::Offset(o) => o.clamp(start, end),
                ResetTo::ShiftBy(n) => committed.unwrap_or(end).saturating_add(n).clamp(start, end),
                ResetTo::Datetime(ts) => log.offset_for_timestamp(ts, end).map_or(end, |(o, _)| o),
            };
            offsets.push((p, target));
        }
        let named: Vec<(crate::assignor::TopicPartition, i64)> = offsets
            .iter()
            .map(|(p, o)| (crate::assignor::TopicPartition::new(topic, *p), *o))
            .collect();
        let group_s = group.to_string();
        self.trace.push(
            self.now,
            TraceKind::Group {
                group: group.to_string(),
                event: format!("offsets reset on {topic}: {offsets:?}"),
            },
        );
        self.with_node(NodeId::Broker(coordinator), |n, ctx| {
            if let NodeRefMut::Broker(b) = n {
                b.admin_commit(ctx, &group_s, named);
            }
        });
        Ok(offsets)
    }

    pub fn crash_client(&mut self, name: &str) -> SimResult<()> {
        let idx = self
            .client_index(name)
            .ok_or_else(|| SimError::command(format!("no client named '{name}'")))?;
        self.workloads.remove(&idx);
        self.trace.push(
            self.now,
            TraceKind::Note {
                text: format!("{name} crashed"),
            },
        );
        if let Some(inc) = self.client_incarnation.get_mut(idx as usize) {
            *inc += 1;
        }
        self.with_node(NodeId::Client(idx), |n, ctx| match n {
            NodeRefMut::Client(Client::Producer(p)) => p.crash(ctx),
            NodeRefMut::Client(Client::Consumer(c)) => c.crash(ctx),
            NodeRefMut::Client(Client::ShareConsumer(c)) => c.crash(ctx),
            _ => {}
        });
        Ok(())
    }

    pub fn note(&mut self, text: &str) {
        self.trace.push(
            self.now,
            TraceKind::Note {
                text: text.to_string(),
            },
        );
    }

    /// A random number from the cluster's RNG (for scenario helpers).
    pub fn random_u32(&mut self) -> u32 {
        self.rng.next_u32()
    }

    pub fn trace_hash(&self) -> u64 {
        self.trace.hash()
    }

    pub fn config_from_json(
        obj: &BTreeMap<String, serde_json::Value>,
    ) -> SimResult<BTreeMap<String, String>> {
        props_from_json(obj)
    }
}

pub(crate) enum NodeRefMut<'a> {
    Controller(&'a mut Controller),
    Broker(&'a mut Broker),
    Client(&'a mut Client),
}

/// The most partitions a message's summary lists: a fetch at scale names a hundred, and
/// formatting them all for every request was a sixth of the engine's time there.
const SUMMARY_ITEMS: usize = 4;

/// `f` applied to the first [`SUMMARY_ITEMS`] items, written into `s` separated by spaces,
/// then how many more there are.
fn joined<T, O: Out>(s: &mut O, items: &[T], mut f: impl FnMut(&mut O, &T)) {
    for (i, item) in items.iter().take(SUMMARY_ITEMS).enumerate() {
        if i > 0 {
            s.text(" ");
        }
        f(s, item);
    }
    if items.len() > SUMMARY_ITEMS {
        s.text(" … +");
        s.int((items.len() - SUMMARY_ITEMS) as i64);
        s.text(" more");
    }
}

/// Where [`describe`] writes: text ([`String`], for people) or its digest ([`Digest`], for
/// the trace hash).
trait Out {
    fn text(&mut self, s: &str);
    fn int(&mut self, n: i64);
}

impl Out for String {
    fn text(&mut self, s: &str) {
        self.push_str(s);
    }
    fn int(&mut self, n: i64) {
        push_int(self, n);
    }
}

/// What a message's one-line description says, as a number: the same walk over the message
/// as the text, with each string's bytes and each number folded in instead of written out.
/// Every message sent gets one, in its `Send` trace event, so that the trace hash covers what
/// messages carried. (The text itself was never shown, and formatting and freeing it for
/// every message was about a tenth of the engine's time at the scale preset.)
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Digest(WordHasher);

impl Digest {
    /// The digest of `msg`'s description.
    pub(crate) fn of(msg: &Message, topics: &[Arc<str>]) -> u64 {
        let mut d = Digest::default();
        describe(msg, topics, &mut d);
        d.0.finish()
    }
}

impl Out for Digest {
    fn text(&mut self, s: &str) {
        self.0.write(s.as_bytes());
    }
    fn int(&mut self, n: i64) {
        self.0.write_u64(n as u64);
    }
}

/// A message's one-line description as text.
#[cfg(test)]
fn summarize(msg: &Message, topics: &[Arc<str>]) -> String {
    let mut s = String::new();
    describe(msg, topics, &mut s);
    s
}

/// Write a message's one-line description into `out` (the hot messages without `format!`:
/// this runs for every message sent).
fn describe<O: Out>(msg: &Message, topics: &[Arc<str>], s: &mut O) {
    let put_name = |s: &mut O, tp: &Tp| {
        s.text(topics.get(tp.topic as usize).map_or("?", |t| &**t));
        s.text("-");
        s.int(i64::from(tp.partition));
    };
    let name = |tp: &Tp| {
        let mut s = String::new();
        put_name_text(&mut s, topics, tp);
        s
    };
    match msg {
        Message::Produce {
            acks, partitions, ..
        } => {
            s.text("acks=");
            s.text(acks.as_str());
            s.text(" ");
            joined(s, partitions, |s, (tp, r)| {
                put_name(s, tp);
                s.text("×");
                s.int(r.record_count() as i64);
            });
        }
        Message::ProduceResponse { partitions, .. } => {
            joined(s, partitions, |s, p| {
                put_name(s, &p.tp);
                match p.error {
                    None => {
                        s.text(" @");
                        s.int(p.base_offset);
                    }
                    Some(e) => s.text(&format!(" {e}")),
                }
            });
        }
        Message::Fetch { partitions, .. } => {
            joined(s, partitions, |s, p| {
                put_name(s, &p.tp);
                s.text(" from ");
                s.int(p.fetch_offset);
            });
        }
        Message::FetchResponse { partitions, .. } => {
            joined(s, partitions, |s, p| {
                put_name(s, &p.tp);
                match (p.error, p.diverging_epoch) {
                    (Some(e), _) => s.text(&format!(" {e}")),
                    (None, Some(d)) => s.text(&format!(
                        " diverging epoch {} end {}",
                        d.epoch, d.end_offset
                    )),
                    (None, None) => {
                        s.text(" ");
                        s.int(p.records.record_count() as i64);
                        s.text(" rec hw=");
                        s.int(p.high_watermark);
                    }
                }
            });
        }
        other => s.text(&describe_cold(other, &name)),
    }
}

fn put_name_text(s: &mut String, topics: &[Arc<str>], tp: &Tp) {
    s.push_str(topics.get(tp.topic as usize).map_or("?", |t| &**t));
    s.push('-');
    push_int(s, i64::from(tp.partition));
}

/// The description of a message that is not sent thousands of times a second.
fn describe_cold(msg: &Message, name: &dyn Fn(&Tp) -> String) -> String {
    match msg {
        Message::AlterPartition { tp, new_isr, .. } => format!("{} isr={:?}", name(tp), new_isr),
        Message::MetadataUpdate { records, .. } => format!("{} record(s)", records.len()),
        Message::ConsumerGroupHeartbeat {
            member_epoch,
            owned,
            ..
        } => {
            let owned = owned.as_ref().map_or(String::new(), |o| {
                let v: Vec<String> = o.iter().map(|tp| tp.to_string()).collect();
                format!(" owns [{}]", v.join(","))
            });
            format!("epoch={member_epoch}{owned}")
        }
        Message::ConsumerGroupHeartbeatResponse {
            error,
            member_epoch,
            assignment,
            ..
        } => match (error, assignment) {
            (Some(e), _) => e.to_string(),
            (None, Some(a)) => {
                let v: Vec<String> = a.iter().map(|tp| tp.to_string()).collect();
                format!("epoch={member_epoch} assignment [{}]", v.join(","))
            }
            (None, None) => format!("epoch={member_epoch}"),
        },
        Message::ShareGroupHeartbeat { member_epoch, .. } => format!("epoch={member_epoch}"),
        Message::ShareGroupHeartbeatResponse {
            error,
            member_epoch,
            assignment,
            ..
        } => match (error, assignment) {
            (Some(e), _) => e.to_string(),
            (None, Some(a)) => {
                let v: Vec<String> = a.iter().map(|tp| tp.to_string()).collect();
                format!("epoch={member_epoch} assignment [{}]", v.join(","))
            }
            (None, None) => format!("epoch={member_epoch}"),
        },
        Message::ShareFetch { partitions, .. } => partitions
            .iter()
            .map(|p| {
                let acks: usize = p
                    .acknowledgements
                    .iter()
                    .map(|b| (b.last_offset - b.first_offset + 1).max(0) as usize)
                    .sum();
                match (p.fetch, acks) {
                    (true, 0) => name(&p.tp),
                    (true, n) => format!("{} +{n} ack", name(&p.tp)),
                    (false, n) => format!("{} {n} ack", name(&p.tp)),
                }
            })
            .collect::<Vec<_>>()
            .join(" "),
        Message::ShareFetchResponse { partitions, .. } => partitions
            .iter()
            .map(|p| match p.error {
                Some(e) => format!("{} {e}", name(&p.tp)),
                None => {
                    let v: Vec<String> = p
                        .acquired
                        .iter()
                        .map(|a| {
                            if a.first_offset == a.last_offset {
                                format!("{}", a.first_offset)
                            } else {
                                format!("{}..{}", a.first_offset, a.last_offset)
                            }
                        })
                        .collect();
                    format!("{} acquired [{}]", name(&p.tp), v.join(","))
                }
            })
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    }
}

/// Where `kafka-consumer-groups.sh --reset-offsets` moves a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResetTo {
    Earliest,
    Latest,
    Offset(i64),
    ShiftBy(i64),
    Datetime(i64),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::FetchPartition;

    /// A consumer's fetch of `topic`'s partitions 0, 1, … from these offsets.
    fn fetch_from(topic: TopicId, offsets: &[i64]) -> Message {
        Message::Fetch {
            corr: 1,
            replica: None,
            max_wait_ms: 500,
            min_bytes: 1,
            max_bytes: 50 << 20,
            partition_max_bytes: 1 << 20,
            isolation: crate::message::Isolation::HighWatermark,
            partitions: offsets
                .iter()
                .enumerate()
                .map(|(p, o)| FetchPartition {
                    tp: Tp::new(topic, p as i32),
                    fetch_offset: *o,
                    last_fetched_epoch: None,
                    current_leader_epoch: None,
                })
                .collect(),
        }
    }

    #[test]
    fn a_summary_names_four_partitions_then_counts_the_rest() {
        let fetch = |n: i64| fetch_from(0, &(0..n).map(|p| p * 10 - 5).collect::<Vec<_>>());
        let topics: Vec<Arc<str>> = vec![Arc::from("events")];
        assert_eq!(
            summarize(&fetch(2), &topics),
            "events-0 from -5 events-1 from 5"
        );
        assert_eq!(
            summarize(&fetch(4), &topics),
            "events-0 from -5 events-1 from 5 events-2 from 15 events-3 from 25"
        );
        assert_eq!(
            summarize(&fetch(100), &topics),
            "events-0 from -5 events-1 from 5 events-2 from 15 events-3 from 25 … +96 more"
        );
    }

    /// A `Send` event's digest sees what the description would show: equal messages agree,
    /// and a change to any offset, partition, topic name or partition count shown changes it.
    #[test]
    fn a_message_digest_changes_with_what_its_description_shows() {
        let fetch = |offsets: &[i64], topic: TopicId| fetch_from(topic, offsets);
        let topics: Vec<Arc<str>> = vec![Arc::from("events"), Arc::from("event")];
        let base = Digest::of(&fetch(&[5, 7], 0), &topics);
        assert_eq!(base, Digest::of(&fetch(&[5, 7], 0), &topics));
        let changed = [
            fetch(&[5, 8], 0),
            fetch(&[7, 5], 0),
            fetch(&[5], 0),
            fetch(&[5, 7, 9], 0),
            fetch(&[5, 7], 1),
        ];
        for (i, m) in changed.iter().enumerate() {
            assert_ne!(base, Digest::of(m, &topics), "variant {i}");
        }
        // Text boundaries count: "ab" then "c" is not "a" then "bc".
        let (mut x, mut y) = (Digest::default(), Digest::default());
        x.text("ab");
        x.text("c");
        y.text("a");
        y.text("bc");
        assert_ne!(x.0.finish(), y.0.finish());
        // Short texts (one word, the length inside it) and long ones (word by word, then the
        // length) both see every byte and where a text ends.
        let digest = |parts: &[&str]| {
            let mut d = Digest::default();
            for p in parts {
                d.text(p);
            }
            d.0.finish()
        };
        for (a, b) in [
            (&["events"][..], &["event", "s"][..]),
            (&["abcdefg"], &["abcdefgh"]),
            (&["abcdefgh", "i"], &["abcdefghi"]),
            (&["a-long-topic-name"], &["a-long-topic-namE"]),
            (&["", "x"], &["x", ""]),
        ] {
            assert_ne!(digest(a), digest(b), "{a:?} vs {b:?}");
        }
        // A partition beyond the four the description names still changes the count shown.
        assert_ne!(
            Digest::of(&fetch(&[1, 2, 3, 4, 5], 0), &topics),
            Digest::of(&fetch(&[1, 2, 3, 4, 5, 6], 0), &topics)
        );
    }
}
