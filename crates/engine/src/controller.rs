//! The active KRaft controller: owns the metadata log, registers and fences brokers by
//! heartbeat (`broker.session.timeout.ms`), elects partition leaders from the ISR in replica
//! order (or, with `unclean.leader.election.enable`, any live replica), and applies the ISR
//! changes leaders ask for (`QuorumController`, `ReplicationControlManager`,
//! `PartitionChangeBuilder`).

use crate::config::{Props, TopicSettings, BROKER_CONFIGS};
use crate::error::{ErrorCode, SimError, SimResult};
use crate::ledger::HistoryEvent;
use crate::message::Message;
use crate::metadata::{
    BrokerRegistration, MetadataImage, MetadataRecord, PartitionRegistration, TopicRecord,
    NO_LEADER,
};
use crate::sim::{Ctx, Timer};
use crate::trace::TraceKind;
use crate::types::{BrokerId, Millis, NodeId, TopicId, Tp};
use crate::vecmap::VecMap;
use serde::{Deserialize, Serialize};

const TICK_MS: Millis = 500;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Liveness {
    last_heartbeat: Millis,
    /// Registered since the last fence (a restarted broker re-registers).
    registered: bool,
    /// Metadata offset the broker reached at registration + caught up ⇒ unfence.
    caught_up_offset: u64,
    /// The process that registered (`incarnationId`); a bootstrapped broker's is learned
    /// from its first heartbeat.
    incarnation: Option<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Controller {
    pub image: MetadataImage,
    pub log: Vec<MetadataRecord>,
    brokers: VecMap<BrokerId, Liveness>,
    pub config: Props,
    session_timeout_ms: Millis,
    /// `unclean.leader.election.interval.ms`.
    unclean_interval_ms: Millis,
    /// When the next look for leaderless partitions to elect unclean leaders for is due
    /// (`QuorumController.maybeScheduleNextElectUncleanLeaders`): set after a metadata write
    /// while some partition has no leader.
    unclean_check_at: Option<Millis>,
    /// `leader.imbalance.check.interval.seconds` in ms when `auto.leader.rebalance.enable`.
    balance_interval_ms: Option<Millis>,
    /// When the next preferred-leader balance is due (`maybeScheduleNextBalancePartitionLeaders`):
    /// set after a metadata write while some partition is not led by its preferred replica.
    balance_check_at: Option<Millis>,
    /// The last balance stopped at [`MAX_ELECTIONS_PER_IMBALANCE`]: the next one is due at once.
    balance_again_at_once: bool,
    pub alive: bool,
}

/// `ReplicationControlManager.MAX_ELECTIONS_PER_IMBALANCE`: preferred elections per balance.
const MAX_ELECTIONS_PER_IMBALANCE: usize = 1000;

/// How soon a balance that stopped at its cap runs again (`QuorumController`'s 10 ms).
const BALANCE_AGAIN_MS: Millis = 10;

impl Controller {
    pub fn new(config: Props) -> Self {
        let session_timeout_ms = config
            .i64(BROKER_CONFIGS, "broker.session.timeout.ms")
            .max(1) as Millis;
        let unclean_interval_ms = config
            .i64(BROKER_CONFIGS, "unclean.leader.election.interval.ms")
            .max(1) as Millis;
        let balance_interval_ms = config
            .bool(BROKER_CONFIGS, "auto.leader.rebalance.enable")
            .then(|| {
                (config
                    .i64(BROKER_CONFIGS, "leader.imbalance.check.interval.seconds")
                    .max(1) as Millis)
                    .saturating_mul(1000)
            });
        Controller {
            image: MetadataImage::default(),
            log: Vec::new(),
            brokers: VecMap::new(),
            config,
            session_timeout_ms,
            unclean_interval_ms,
            unclean_check_at: None,
            balance_interval_ms,
            balance_check_at: None,
            balance_again_at_once: false,
            alive: true,
        }
    }

    /// Register the initial brokers (unfenced) at cluster creation.
    pub fn bootstrap_broker(&mut self, id: BrokerId, rack: Option<String>) {
        self.brokers.insert(
            id,
            Liveness {
                last_heartbeat: 0,
                registered: true,
                caught_up_offset: 0,
                incarnation: None,
            },
        );
        self.append_local(MetadataRecord::Broker(BrokerRegistration {
            id,
            rack,
            fenced: false,
        }));
    }

    pub fn start(&mut self, ctx: &mut Ctx) {
        ctx.set_timer(TICK_MS, Timer::ControllerTick);
    }

    fn append_local(&mut self, rec: MetadataRecord) {
        self.image.apply(&rec);
        self.log.push(rec);
    }

    /// Append records and push them to every registered broker (brokers that miss a push
    /// catch up from their next heartbeat response).
    fn append(&mut self, ctx: &mut Ctx, recs: Vec<MetadataRecord>) {
        if recs.is_empty() {
            return;
        }
        let from = self.image.offset;
        for r in &recs {
            self.append_local(r.clone());
        }
        self.broadcast(ctx, from, recs);
        self.schedule_unclean_check(ctx.now);
        self.schedule_balance_check(ctx.now);
    }

    /// `maybeScheduleNextBalancePartitionLeaders`: while some partition is not led by its
    /// preferred replica, balance an interval from now (at once after a balance that hit its
    /// cap), unless a balance is already due.
    fn schedule_balance_check(&mut self, now: Millis) {
        let Some(interval) = self.balance_interval_ms else {
            return;
        };
        if self.balance_check_at.is_none()
            && self
                .image
                .partitions
                .values()
                .any(|r| !r.has_preferred_leader())
        {
            let delay = if self.balance_again_at_once {
                BALANCE_AGAIN_MS
            } else {
                interval
            };
            self.balance_check_at = Some(now.saturating_add(delay));
        }
    }

    /// `ReplicationControlManager.maybeBalancePartitionLeaders`: a preferred election
    /// (`PartitionChangeBuilder`, `Election.PREFERRED`) for up to
    /// [`MAX_ELECTIONS_PER_IMBALANCE`] partitions whose preferred replica is in the ISR and
    /// unfenced but not leading. Looks again an interval later while any partition is still
    /// not led by its preferred replica.
    fn maybe_balance_partition_leaders(&mut self, ctx: &mut Ctx) {
        self.balance_check_at = None;
        let n = self.elect_preferred_upto(ctx, MAX_ELECTIONS_PER_IMBALANCE);
        if n > 0 {
            ctx.emit(TraceKind::Note {
                text: format!(
                    "controller: auto.leader.rebalance.enable moved the leadership of {n} partition(s) back to their preferred replica"
                ),
            });
        }
        self.balance_again_at_once = n >= MAX_ELECTIONS_PER_IMBALANCE;
        self.schedule_balance_check(ctx.now);
    }

    /// `maybeScheduleNextElectUncleanLeaders`: while some partition has no leader, look again
    /// an interval from now (unless a look is already due).
    fn schedule_unclean_check(&mut self, now: Millis) {
        if self.unclean_check_at.is_none()
            && self.image.partitions.values().any(|r| !r.has_leader())
        {
            self.unclean_check_at = Some(now + self.unclean_interval_ms);
        }
    }

    /// Elect a leader for each of `parts` where one can be (`PartitionChangeBuilder`), in one
    /// metadata write.
    fn elect_leaders(&mut self, ctx: &mut Ctx, parts: Vec<(Tp, PartitionRegistration)>) {
        let mut recs = Vec::new();
        for (tp, reg) in parts {
            if let Some(next) = self.change(ctx, tp, &reg, reg.isr.clone(), true) {
                recs.push(MetadataRecord::Partition { tp, reg: next });
            }
        }
        self.append(ctx, recs);
    }

    /// `ReplicationControlManager.maybeElectUncleanLeaders`: elect a leader for every
    /// partition without one whose topic allows unclean election (the setting may have been
    /// turned on after the partition went offline). Looks again an interval later while any
    /// partition is still leaderless.
    fn maybe_elect_unclean_leaders(&mut self, ctx: &mut Ctx) {
        self.unclean_check_at = None;
        let parts: Vec<(Tp, PartitionRegistration)> = self
            .image
            .partitions
            .iter()
            .filter(|(tp, r)| !r.has_leader() && self.topic_settings(tp.topic).unclean_election)
            .map(|(tp, r)| (*tp, r.clone()))
            .collect();
        self.elect_leaders(ctx, parts);
        self.schedule_unclean_check(ctx.now);
    }

    pub fn is_fenced(&self, b: BrokerId) -> bool {
        self.image.brokers.get(&b).is_none_or(|r| r.fenced)
    }

    pub fn topic_settings(&self, topic: TopicId) -> TopicSettings {
        match self.image.topics.get(&topic) {
            Some(t) => TopicSettings::resolve(&t.config, &self.config),
            None => TopicSettings::resolve(&Props::default(), &self.config),
        }
    }

    /// Create a topic (`CreateTopics`), placing replicas with `assignment`. Returns the records
    /// appended. Validation errors use Kafka's error names.
    pub fn create_topic(
        &mut self,
        ctx: &mut Ctx,
        name: &str,
        internal: bool,
        assignment: Vec<Vec<BrokerId>>,
        config: Props,
    ) -> SimResult<TopicId> {
        validate_topic_name(name)?;
        if self.image.topic_by_name(name).is_some() {
            return Err(SimError::kafka(
                ErrorCode::TopicAlreadyExists,
                format!("topic '{name}' already exists"),
            ));
        }
        if assignment.is_empty() {
            return Err(SimError::kafka(
                ErrorCode::InvalidPartitions,
                "a topic needs at least one partition",
            ));
        }
        let id = self.image.topics.keys().next_back().map_or(0, |k| k + 1);
        let mut recs = vec![MetadataRecord::Topic(TopicRecord {
            id,
            name: name.to_string(),
            partitions: assignment.len() as i32,
            internal,
            config,
        })];
        for (p, replicas) in assignment.into_iter().enumerate() {
            let live: Vec<BrokerId> = replicas
                .iter()
                .copied()
                .filter(|b| !self.is_fenced(*b))
                .collect();
            let leader = live.first().copied().unwrap_or(NO_LEADER);
            let isr = if live.is_empty() {
                replicas.clone()
            } else {
                live
            };
            recs.push(MetadataRecord::Partition {
                tp: Tp::new(id, p as i32),
                reg: PartitionRegistration {
                    replicas,
                    isr,
                    leader,
                    leader_epoch: 0,
                    partition_epoch: 0,
                },
            });
        }
        self.append(ctx, recs);
        Ok(id)
    }

    pub fn set_topic_config(&mut self, ctx: &mut Ctx, topic: TopicId, config: Props) {
        self.append(ctx, vec![MetadataRecord::TopicConfig { topic, config }]);
    }

    /// `IncrementalAlterConfigs` on a group resource: the whole new config of the group.
    pub fn set_group_config(&mut self, ctx: &mut Ctx, group: String, config: Props) {
        self.append(ctx, vec![MetadataRecord::GroupConfig { group, config }]);
    }

    pub fn on_timer(&mut self, ctx: &mut Ctx, timer: Timer) {
        if timer != Timer::ControllerTick {
            return;
        }
        let now = ctx.now;
        let stale: Vec<BrokerId> = self
            .brokers
            .iter()
            .filter(|(b, l)| {
                l.registered
                    && !self.is_fenced(**b)
                    && now.saturating_sub(l.last_heartbeat) > self.session_timeout_ms
            })
            .map(|(b, _)| *b)
            .collect();
        for b in stale {
            ctx.emit(TraceKind::Note {
                text: format!(
                    "controller: no heartbeat from broker-{b} for broker.session.timeout.ms={} → fencing it",
                    self.session_timeout_ms
                ),
            });
            if let Some(l) = self.brokers.get_mut(&b) {
                l.registered = false;
            }
            self.fence(ctx, b);
        }
        if self.unclean_check_at.is_some_and(|at| now >= at) {
            self.maybe_elect_unclean_leaders(ctx);
        }
        if self.balance_check_at.is_some_and(|at| now >= at) {
            self.maybe_balance_partition_leaders(ctx);
        }
        ctx.set_timer(TICK_MS, Timer::ControllerTick);
    }

    pub fn handle(&mut self, ctx: &mut Ctx, from: NodeId, msg: Message) {
        match msg {
            Message::BrokerRegistration {
                broker,
                rack,
                incarnation,
            } => {
                // `ClusterControlManager.registerBroker`: a new process may not take over a
                // broker id while the previous one's session is valid (unfenced, and heard
                // from within broker.session.timeout.ms).
                if let Some(l) = self.brokers.get(&broker) {
                    let valid_session = l.registered
                        && !self.is_fenced(broker)
                        && ctx.now.saturating_sub(l.last_heartbeat) <= self.session_timeout_ms;
                    if valid_session && l.incarnation != Some(incarnation) {
                        let expires = l.last_heartbeat + self.session_timeout_ms;
                        ctx.emit(TraceKind::Note {
                            text: format!(
                                "controller: broker-{broker} registered again, but its previous process still has a valid session until {expires} ms (broker.session.timeout.ms={}): DUPLICATE_BROKER_REGISTRATION, it retries",
                                self.session_timeout_ms
                            ),
                        });
                        ctx.send(
                            from,
                            Message::BrokerRegistrationResponse {
                                incarnation,
                                error: Some(ErrorCode::DuplicateBrokerRegistration),
                            },
                        );
                        return;
                    }
                }
                let offset = self.image.offset;
                self.brokers.insert(
                    broker,
                    Liveness {
                        last_heartbeat: ctx.now,
                        registered: true,
                        caught_up_offset: offset,
                        incarnation: Some(incarnation),
                    },
                );
                // A registered broker starts fenced until it has caught up with the metadata.
                if !self.is_fenced(broker) {
                    self.fence(ctx, broker);
                } else {
                    let rack = rack
                        .or_else(|| self.image.brokers.get(&broker).and_then(|r| r.rack.clone()));
                    self.append(
                        ctx,
                        vec![MetadataRecord::Broker(BrokerRegistration {
                            id: broker,
                            rack,
                            fenced: true,
                        })],
                    );
                }
                if let Some(l) = self.brokers.get_mut(&broker) {
                    l.caught_up_offset = self.image.offset;
                }
                ctx.send(
                    from,
                    Message::MetadataUpdate {
                        from_offset: 0,
                        records: self.log.clone(),
                        fenced: true,
                    },
                );
                ctx.send(
                    from,
                    Message::BrokerRegistrationResponse {
                        incarnation,
                        error: None,
                    },
                );
            }
            Message::BrokerHeartbeat {
                broker,
                metadata_offset,
                incarnation,
            } => {
                let Some(l) = self.brokers.get_mut(&broker) else {
                    return;
                };
                // A heartbeat from an earlier process of this broker id (sent before it died).
                if l.incarnation.is_some_and(|i| i != incarnation) {
                    return;
                }
                l.incarnation = Some(incarnation);
                if !l.registered {
                    // Fenced for missing heartbeats: it must register again (as a restarted
                    // KRaft broker would after its session expired).
                    l.registered = true;
                    l.caught_up_offset = self.image.offset;
                }
                l.last_heartbeat = ctx.now;
                let caught_up = metadata_offset >= l.caught_up_offset;
                if caught_up && self.is_fenced(broker) {
                    self.unfence(ctx, broker);
                }
                let from_offset = metadata_offset.min(self.image.offset);
                let records: Vec<MetadataRecord> = self
                    .log
                    .iter()
                    .skip(from_offset as usize)
                    .cloned()
                    .collect();
                ctx.send(
                    from,
                    Message::MetadataUpdate {
                        from_offset,
                        records,
                        fenced: self.is_fenced(broker),
                    },
                );
            }
            Message::CreateTopics {
                name,
                partitions,
                replication_factor,
                config,
            } => {
                if self.image.topic_by_name(&name).is_some() {
                    return;
                }
                let raw: std::collections::BTreeMap<String, String> = config.into_iter().collect();
                let Ok(props) = Props::parse(crate::config::TOPIC_CONFIGS, &raw, "topic") else {
                    return;
                };
                match crate::admin::place(self, partitions, replication_factor, ctx.rng) {
                    Ok(assignment) => {
                        ctx.emit(TraceKind::Note {
                            text: format!(
                                "controller creates the internal topic {name} ({partitions} partitions, replication factor {replication_factor})"
                            ),
                        });
                        let _ = self.create_topic(ctx, &name, true, assignment, props);
                    }
                    Err(e) => ctx.emit(TraceKind::Note {
                        text: format!("controller cannot create {name}: {e}"),
                    }),
                }
            }
            Message::AlterPartition {
                broker,
                tp,
                leader_epoch,
                partition_epoch,
                new_isr,
            } => {
                let result =
                    self.alter_partition(ctx, broker, tp, leader_epoch, partition_epoch, new_isr);
                ctx.send(from, Message::AlterPartitionResponse { tp, result });
            }
            _ => {}
        }
    }

    fn alter_partition(
        &mut self,
        ctx: &mut Ctx,
        broker: BrokerId,
        tp: Tp,
        leader_epoch: i32,
        partition_epoch: i32,
        new_isr: Vec<BrokerId>,
    ) -> Result<PartitionRegistration, ErrorCode> {
        let Some(reg) = self.image.partition(tp).cloned() else {
            return Err(ErrorCode::UnknownTopicOrPartition);
        };
        if reg.leader != broker {
            return Err(ErrorCode::NotLeaderOrFollower);
        }
        if leader_epoch != reg.leader_epoch {
            return Err(ErrorCode::FencedLeaderEpoch);
        }
        if partition_epoch != reg.partition_epoch {
            return Err(ErrorCode::InvalidRequest);
        }
        if new_isr
            .iter()
            .any(|b| !reg.isr.contains(b) && self.is_fenced(*b))
        {
            return Err(ErrorCode::InvalidRequest);
        }
        if new_isr.is_empty() || !new_isr.contains(&broker) {
            return Err(ErrorCode::InvalidRequest);
        }
        let mut next = reg.clone();
        next.isr = new_isr;
        next.partition_epoch += 1;
        let topic = ctx.topic_name(tp);
        ctx.emit(TraceKind::IsrChange {
            topic,
            partition: tp.partition,
            isr: next.isr.clone(),
            reason: if next.isr.len() < reg.isr.len() {
                "shrink".into()
            } else {
                "expand".into()
            },
        });
        self.append(
            ctx,
            vec![MetadataRecord::Partition {
                tp,
                reg: next.clone(),
            }],
        );
        Ok(next)
    }

    /// Fence a broker: remove it from every ISR (never emptying one) and move its leaderships.
    fn fence(&mut self, ctx: &mut Ctx, b: BrokerId) {
        let from = self.image.offset;
        let rack = self.image.brokers.get(&b).and_then(|r| r.rack.clone());
        ctx.emit(TraceKind::BrokerFenced { broker: b });
        let fence_rec = MetadataRecord::Broker(BrokerRegistration {
            id: b,
            rack,
            fenced: true,
        });
        // Apply the fence first so the elections below see it.
        self.append_local(fence_rec.clone());
        let mut all = vec![fence_rec];
        let parts: Vec<(Tp, PartitionRegistration)> = self
            .image
            .partitions
            .iter()
            .filter(|(_, r)| r.replicas.contains(&b))
            .map(|(tp, r)| (*tp, r.clone()))
            .collect();
        for (tp, reg) in parts {
            let mut isr: Vec<BrokerId> = reg.isr.iter().copied().filter(|x| *x != b).collect();
            if isr.is_empty() {
                isr = reg.isr.clone();
            }
            let needs_election = reg.leader == b;
            if let Some(next) = self.change(ctx, tp, &reg, isr, needs_election) {
                let r = MetadataRecord::Partition { tp, reg: next };
                self.append_local(r.clone());
                all.push(r);
            }
        }
        self.broadcast(ctx, from, all);
    }

    fn broadcast(&self, ctx: &mut Ctx, from: u64, records: Vec<MetadataRecord>) {
        let targets: Vec<(BrokerId, bool)> = self
            .brokers
            .iter()
            .filter(|(_, l)| l.registered)
            .map(|(x, _)| (*x, self.is_fenced(*x)))
            .collect();
        for (x, fenced) in targets {
            ctx.send(
                NodeId::Broker(x),
                Message::MetadataUpdate {
                    from_offset: from,
                    records: records.clone(),
                    fenced,
                },
            );
        }
    }

    fn unfence(&mut self, ctx: &mut Ctx, b: BrokerId) {
        let rack = self.image.brokers.get(&b).and_then(|r| r.rack.clone());
        ctx.emit(TraceKind::BrokerUnfenced { broker: b });
        self.append(
            ctx,
            vec![MetadataRecord::Broker(BrokerRegistration {
                id: b,
                rack,
                fenced: false,
            })],
        );
        // Offline partitions this broker can now lead.
        let parts: Vec<(Tp, PartitionRegistration)> = self
            .image
            .partitions
            .iter()
            .filter(|(_, r)| r.replicas.contains(&b) && !r.has_leader())
            .map(|(tp, r)| (*tp, r.clone()))
            .collect();
        self.elect_leaders(ctx, parts);
    }

    /// `PartitionChangeBuilder`: apply a target ISR and, if asked, elect a leader. Returns the
    /// new registration if anything changed.
    fn change(
        &self,
        ctx: &mut Ctx,
        tp: Tp,
        reg: &PartitionRegistration,
        target_isr: Vec<BrokerId>,
        elect: bool,
    ) -> Option<PartitionRegistration> {
        let mut next = reg.clone();
        next.isr = target_isr;
        let mut unclean = false;
        if elect {
            let alive = |x: &BrokerId| !self.is_fenced(*x);
            let clean = reg
                .replicas
                .iter()
                .copied()
                .find(|r| next.isr.contains(r) && alive(r));
            let leader = match clean {
                Some(l) => l,
                None => {
                    let settings = self.topic_settings(tp.topic);
                    match reg.replicas.iter().copied().find(alive) {
                        Some(l) if settings.unclean_election => {
                            unclean = true;
                            next.isr = vec![l];
                            l
                        }
                        _ => NO_LEADER,
                    }
                }
            };
            if leader != reg.leader {
                next.leader = leader;
                next.leader_epoch += 1;
            }
        }
        if next == *reg {
            return None;
        }
        next.partition_epoch += 1;
        let topic = ctx.topic_name(tp);
        if next.leader != reg.leader {
            ctx.emit(TraceKind::LeaderChange {
                topic,
                partition: tp.partition,
                leader: next.leader,
                leader_epoch: next.leader_epoch,
                isr: next.isr.clone(),
                unclean,
            });
            if next.leader == NO_LEADER {
                ctx.ledger.on_history(
                    tp,
                    HistoryEvent::Offline {
                        at: ctx.now,
                        epoch: next.leader_epoch,
                    },
                );
            }
        } else if next.isr != reg.isr {
            ctx.emit(TraceKind::IsrChange {
                topic,
                partition: tp.partition,
                isr: next.isr.clone(),
                reason: "broker fenced".into(),
            });
        }
        Some(next)
    }

    /// Move leadership back to the preferred replica where it is in the ISR and alive
    /// (`kafka-leader-election.sh --election-type PREFERRED`).
    pub fn elect_preferred(&mut self, ctx: &mut Ctx) -> usize {
        self.elect_preferred_upto(ctx, usize::MAX)
    }

    /// Preferred elections for up to `max` partitions, in one metadata write.
    fn elect_preferred_upto(&mut self, ctx: &mut Ctx, max: usize) -> usize {
        let parts: Vec<(Tp, PartitionRegistration)> = self
            .image
            .partitions
            .iter()
            .filter(|(_, r)| !r.has_preferred_leader())
            .map(|(t, r)| (*t, r.clone()))
            .collect();
        let mut recs = Vec::new();
        for (tp, reg) in parts {
            if recs.len() >= max {
                break;
            }
            let Some(&pref) = reg.replicas.first() else {
                continue;
            };
            if reg.leader != pref && reg.isr.contains(&pref) && !self.is_fenced(pref) {
                let mut next = reg.clone();
                next.leader = pref;
                next.leader_epoch += 1;
                next.partition_epoch += 1;
                ctx.emit(TraceKind::LeaderChange {
                    topic: ctx.topic_name(tp),
                    partition: tp.partition,
                    leader: pref,
                    leader_epoch: next.leader_epoch,
                    isr: next.isr.clone(),
                    unclean: false,
                });
                recs.push(MetadataRecord::Partition { tp, reg: next });
            }
        }
        let n = recs.len();
        self.append(ctx, recs);
        n
    }

    pub fn broker_ids(&self) -> Vec<BrokerId> {
        self.image.brokers.keys().copied().collect()
    }
}

/// Kafka's topic name rules (`Topic.validate`).
pub fn validate_topic_name(name: &str) -> SimResult<()> {
    let err = |m: String| Err(SimError::kafka(ErrorCode::InvalidTopicException, m));
    if name.is_empty() {
        return err("topic name is empty".into());
    }
    if name == "." || name == ".." {
        return err(format!("topic name cannot be '{name}'"));
    }
    if name.len() > 249 {
        return err(format!(
            "topic name is {} characters long; the limit is 249",
            name.len()
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '.' || *c == '_' || *c == '-'))
    {
        return err(format!("topic name '{name}' contains '{c}'; only ASCII letters, digits, '.', '_' and '-' are allowed"));
    }
    Ok(())
}
