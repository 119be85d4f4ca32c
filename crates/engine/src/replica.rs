//! A partition as one broker hosts it (Kafka's `Partition` with its `Replica` states):
//! leader or follower role, leader epoch, ISR, the leader's view of each follower, and the
//! rules that move the high watermark and change the ISR (semantics digest §3).

use crate::error::ErrorCode;
use crate::log::Log;
use crate::metadata::{PartitionRegistration, NO_LEADER};
use crate::types::{BrokerId, Millis, Tp};
use crate::vecmap::VecMap;
use serde::{Deserialize, Serialize};

/// The leader's view of a follower (`ReplicaState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplicaState {
    /// The follower's log end offset as of its last fetch (-1 = unknown).
    pub leo: i64,
    /// `None`: never (Kafka resets these to 0, the Unix epoch on its wall clock; simulated
    /// time starts at 0, where 0 would read as "just now").
    pub last_caught_up_ms: Option<Millis>,
    pub last_fetch_leader_leo: i64,
    pub last_fetch_ms: Option<Millis>,
}

impl ReplicaState {
    fn reset(in_isr: bool, now: Millis) -> Self {
        ReplicaState {
            leo: -1,
            last_caught_up_ms: in_isr.then_some(now),
            last_fetch_leader_leo: -1,
            last_fetch_ms: None,
        }
    }

    /// `isCaughtUp`: at the leader's end, or caught up within the lag time.
    pub fn is_caught_up(&self, leader_leo: i64, now: Millis, lag_max_ms: Millis) -> bool {
        self.leo == leader_leo
            || self
                .last_caught_up_ms
                .is_some_and(|t| now.saturating_sub(t) <= lag_max_ms)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Leader,
    Follower,
    /// The partition has no leader (offline) or this broker is not in its replica set yet.
    Offline,
}

/// A change of ISR the leader wants the controller to make (`AlterPartition`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IsrChange {
    pub new_isr: Vec<BrokerId>,
    pub expand: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Partition {
    pub tp: Tp,
    pub local: BrokerId,
    pub log: Log,
    pub role: Role,
    pub replicas: Vec<BrokerId>,
    pub leader: BrokerId,
    pub leader_epoch: i32,
    pub partition_epoch: i32,
    pub isr: Vec<BrokerId>,
    /// An ISR change sent to the controller and not yet answered.
    pub pending_isr: Option<Vec<BrokerId>>,
    pub remote: VecMap<BrokerId, ReplicaState>,
    pub leader_epoch_start_offset: Option<i64>,
    /// Topic config: `min.insync.replicas`.
    pub min_isr: i32,
}

impl Partition {
    pub fn new(tp: Tp, local: BrokerId, log: Log) -> Self {
        Partition {
            tp,
            local,
            log,
            role: Role::Offline,
            replicas: Vec::new(),
            leader: NO_LEADER,
            leader_epoch: -1,
            partition_epoch: -1,
            isr: Vec::new(),
            pending_isr: None,
            remote: VecMap::new(),
            leader_epoch_start_offset: None,
            min_isr: 1,
        }
    }

    pub fn is_leader(&self) -> bool {
        self.role == Role::Leader
    }

    /// `min(min.insync.replicas, RF)`.
    pub fn effective_min_isr(&self) -> usize {
        (self.min_isr.max(1) as usize).min(self.replicas.len().max(1))
    }

    /// Whether `b` is in the ISR including a pending change's larger side (`maximalIsr`).
    pub fn in_maximal_isr(&self, b: BrokerId) -> bool {
        self.isr.contains(&b) || self.pending_isr.as_ref().is_some_and(|p| p.contains(&b))
    }

    /// The size of the maximal ISR (see [`Self::in_maximal_isr`]), without building it.
    pub fn maximal_isr_len(&self) -> usize {
        let pending = self.pending_isr.as_deref().unwrap_or_default();
        self.isr.len() + pending.iter().filter(|b| !self.isr.contains(b)).count()
    }

    pub fn is_under_min_isr(&self) -> bool {
        self.is_leader() && self.isr.len() < self.effective_min_isr()
    }

    /// Apply a partition registration from the metadata log. Returns the new role if it
    /// changed (leader election or demotion), or `None` if only ISR/epochs were refreshed.
    pub fn apply_registration(&mut self, reg: &PartitionRegistration, now: Millis) -> Option<Role> {
        if reg.partition_epoch <= self.partition_epoch && reg.leader_epoch <= self.leader_epoch {
            return None;
        }
        let new_role = if reg.leader == self.local {
            Role::Leader
        } else if reg.leader == NO_LEADER || !reg.replicas.contains(&self.local) {
            Role::Offline
        } else {
            Role::Follower
        };
        let epoch_changed = reg.leader_epoch != self.leader_epoch;
        let role_changed = new_role != self.role || epoch_changed;
        self.replicas = reg.replicas.clone();
        self.leader = reg.leader;
        self.isr = reg.isr.clone();
        self.partition_epoch = reg.partition_epoch;
        self.pending_isr = None;
        if !role_changed {
            return None;
        }
        self.leader_epoch = reg.leader_epoch;
        self.role = new_role;
        match new_role {
            Role::Leader => {
                let leo = self.log.log_end_offset();
                self.log.assign_epoch_start(reg.leader_epoch, leo);
                self.leader_epoch_start_offset = Some(leo);
                self.remote = self
                    .replicas
                    .iter()
                    .filter(|b| **b != self.local)
                    .map(|b| (*b, ReplicaState::reset(self.isr.contains(b), now)))
                    .collect();
            }
            _ => {
                self.remote.clear();
                self.leader_epoch_start_offset = None;
            }
        }
        Some(new_role)
    }

    /// `appendRecordsToLeader`'s pre-check: acks=all refuses when the ISR is below min ISR.
    pub fn check_min_isr_for_append(&self, acks_all: bool) -> Result<(), ErrorCode> {
        if !self.is_leader() {
            return Err(ErrorCode::NotLeaderOrFollower);
        }
        if acks_all && self.isr.len() < self.effective_min_isr() {
            return Err(ErrorCode::NotEnoughReplicas);
        }
        Ok(())
    }

    /// `updateFollowerFetchState` after a follower fetched at `fetch_offset`; `leader_leo` is
    /// the leader's LEO when the read happened.
    pub fn update_follower_fetch_state(
        &mut self,
        follower: BrokerId,
        fetch_offset: i64,
        leader_leo: i64,
        now: Millis,
    ) -> bool {
        let Some(st) = self.remote.get_mut(&follower) else {
            return false;
        };
        let caught_up = if fetch_offset >= leader_leo {
            st.last_caught_up_ms.max(Some(now))
        } else if fetch_offset >= st.last_fetch_leader_leo {
            st.last_caught_up_ms.max(st.last_fetch_ms)
        } else {
            st.last_caught_up_ms
        };
        let changed = st.leo != fetch_offset;
        st.last_caught_up_ms = caught_up;
        st.leo = fetch_offset;
        st.last_fetch_leader_leo = leader_leo.max(st.last_fetch_leader_leo);
        st.last_fetch_ms = Some(now);
        changed
    }

    /// `maybeIncrementLeaderHW`: the minimum LEO over the leader and the maximal ISR (plus
    /// caught-up eligible replicas about to join); frozen while under min ISR (KAFKA-15583).
    /// Returns true if the HW moved.
    pub fn maybe_increment_hw(
        &mut self,
        now: Millis,
        lag_max_ms: Millis,
        eligible: &dyn Fn(BrokerId) -> bool,
    ) -> bool {
        if !self.is_leader() || self.is_under_min_isr() {
            return false;
        }
        let leader_leo = self.log.log_end_offset();
        let mut new_hw = leader_leo;
        for (b, st) in &self.remote {
            let wait = self.in_maximal_isr(*b)
                || (st.is_caught_up(leader_leo, now, lag_max_ms) && eligible(*b) && st.leo >= 0);
            if wait && st.leo < new_hw {
                new_hw = st.leo.max(0);
            }
        }
        if new_hw > self.log.high_watermark() {
            self.log.update_high_watermark(new_hw)
        } else {
            false
        }
    }

    /// `isFollowerInSync`: LEO ≥ HW and ≥ the leader epoch's start offset.
    pub fn is_follower_in_sync(&self, follower: BrokerId) -> bool {
        let Some(st) = self.remote.get(&follower) else {
            return false;
        };
        st.leo >= self.log.high_watermark()
            && self.leader_epoch_start_offset.is_some_and(|s| st.leo >= s)
    }

    /// `maybeExpandIsr` for one follower. `eligible` says whether the broker may join the ISR
    /// (not fenced).
    pub fn maybe_expand_isr(&self, follower: BrokerId, eligible: bool) -> Option<IsrChange> {
        if !self.is_leader() || self.pending_isr.is_some() || !eligible {
            return None;
        }
        if self.isr.contains(&follower) || !self.is_follower_in_sync(follower) {
            return None;
        }
        let mut new_isr = self.isr.clone();
        new_isr.push(follower);
        Some(IsrChange {
            new_isr,
            expand: true,
        })
    }

    /// `maybeShrinkIsr`: drop followers that are not caught up within `replica.lag.time.max.ms`.
    pub fn maybe_shrink_isr(
        &self,
        now: Millis,
        lag_max_ms: Millis,
    ) -> Option<(IsrChange, Vec<BrokerId>)> {
        if !self.is_leader() || self.pending_isr.is_some() {
            return None;
        }
        let leader_leo = self.log.log_end_offset();
        let out: Vec<BrokerId> = self
            .isr
            .iter()
            .copied()
            .filter(|b| *b != self.local)
            .filter(|b| {
                self.remote
                    .get(b)
                    .is_none_or(|st| !st.is_caught_up(leader_leo, now, lag_max_ms))
            })
            .collect();
        if out.is_empty() {
            return None;
        }
        let new_isr: Vec<BrokerId> = self
            .isr
            .iter()
            .copied()
            .filter(|b| !out.contains(b))
            .collect();
        Some((
            IsrChange {
                new_isr,
                expand: false,
            },
            out,
        ))
    }

    /// `checkEnoughReplicasReachOffset` for a delayed acks=all produce.
    pub fn check_enough_replicas_reach_offset(&self, required: i64) -> (bool, Option<ErrorCode>) {
        if !self.is_leader() {
            return (true, Some(ErrorCode::NotLeaderOrFollower));
        }
        if self.log.high_watermark() >= required {
            if self.effective_min_isr() <= self.maximal_isr_len() {
                (true, None)
            } else {
                (true, Some(ErrorCode::NotEnoughReplicasAfterAppend))
            }
        } else {
            (false, None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{NewRecord, ProducerStamp, Records};

    fn reg(leader: BrokerId, epoch: i32, isr: &[BrokerId]) -> PartitionRegistration {
        PartitionRegistration {
            replicas: vec![1, 2, 3],
            isr: isr.to_vec(),
            leader,
            leader_epoch: epoch,
            partition_epoch: epoch,
        }
    }

    fn leader_with(n: usize, min_isr: i32, isr: &[BrokerId]) -> Partition {
        let mut p = Partition::new(Tp::new(0, 0), 1, Log::new(1 << 30, i64::MAX, 0));
        p.min_isr = min_isr;
        p.apply_registration(&reg(1, 0, isr), 0);
        let recs: Vec<NewRecord> = (0..n)
            .map(|i| NewRecord {
                id: i as u64,
                timestamp: 0,
                key: None,
                value: Some(vec![1]),
                headers: vec![],
            })
            .collect();
        p.log
            .append_as_leader(
                Records::single_batch(&recs, ProducerStamp::NONE),
                0,
                0,
                false,
            )
            .unwrap();
        p
    }

    const ALWAYS: &dyn Fn(BrokerId) -> bool = &|_| true;

    #[test]
    fn hw_is_the_minimum_leo_of_the_isr() {
        let mut p = leader_with(10, 1, &[1, 2, 3]);
        assert!(
            !p.maybe_increment_hw(1, 30_000, ALWAYS),
            "followers' LEOs unknown: HW stays at 0"
        );
        p.update_follower_fetch_state(2, 10, 10, 1);
        p.update_follower_fetch_state(3, 4, 10, 1);
        assert!(p.maybe_increment_hw(1, 30_000, ALWAYS));
        assert_eq!(p.log.high_watermark(), 4);
        p.update_follower_fetch_state(3, 10, 10, 2);
        p.maybe_increment_hw(2, 30_000, ALWAYS);
        assert_eq!(p.log.high_watermark(), 10);
    }

    #[test]
    fn hw_is_frozen_below_min_isr() {
        let mut p = leader_with(5, 2, &[1]);
        assert!(p.is_under_min_isr());
        assert!(!p.maybe_increment_hw(1, 30_000, ALWAYS));
        assert_eq!(p.log.high_watermark(), 0);
        assert_eq!(
            p.check_min_isr_for_append(true),
            Err(ErrorCode::NotEnoughReplicas)
        );
        assert_eq!(
            p.check_min_isr_for_append(false),
            Ok(()),
            "acks=1 never checks min ISR"
        );
    }

    /// Kafka resets a replica outside the ISR to `lastCaughtUpTimeMs = 0` and
    /// `lastFetchTimeMs = 0`, which against the wall clock means "never". Simulated time
    /// starts at 0, so here that must not read as "caught up within replica.lag.time.max.ms"
    /// during the first 30 s.
    #[test]
    fn a_follower_outside_the_isr_that_never_caught_up_does_not_hold_the_hw_early_on() {
        let mut p = leader_with(10, 1, &[1, 2]);
        // Broker 3 is outside the ISR and fetches far behind, 5 s into the simulation.
        p.update_follower_fetch_state(2, 10, 10, 5_000);
        p.update_follower_fetch_state(3, 1, 10, 5_000);
        assert!(p.maybe_increment_hw(5_000, 30_000, ALWAYS));
        assert_eq!(
            p.log.high_watermark(),
            10,
            "the HW waits for the ISR (brokers 1 and 2) only"
        );
    }

    #[test]
    fn lone_leader_with_min_isr_one_advances_at_once() {
        let mut p = leader_with(5, 1, &[1]);
        // Followers 2 and 3 are out of the ISR and not caught up: the HW does not wait.
        assert!(p.maybe_increment_hw(1, 30_000, ALWAYS));
        assert_eq!(p.log.high_watermark(), 5);
    }

    #[test]
    fn isr_shrinks_after_lag_time_and_expands_when_caught_up() {
        let mut p = leader_with(10, 1, &[1, 2, 3]);
        p.update_follower_fetch_state(2, 10, 10, 100);
        p.update_follower_fetch_state(3, 2, 10, 100);
        assert!(
            p.maybe_shrink_isr(20_000, 30_000).is_none(),
            "within replica.lag.time.max.ms"
        );
        let (change, out) = p.maybe_shrink_isr(30_001, 30_000).unwrap();
        assert_eq!(
            out,
            vec![3],
            "broker 2 is at the leader's LEO, so never out of sync"
        );
        assert_eq!(change.new_isr, vec![1, 2]);
        p.apply_registration(
            &PartitionRegistration {
                partition_epoch: 1,
                ..reg(1, 0, &[1, 2])
            },
            30_001,
        );
        p.maybe_increment_hw(30_001, 30_000, &|_| false);
        assert_eq!(p.log.high_watermark(), 10);
        p.update_follower_fetch_state(3, 10, 10, 30_002);
        let exp = p.maybe_expand_isr(3, true).unwrap();
        assert_eq!(exp.new_isr, vec![1, 2, 3]);
        assert!(
            p.maybe_expand_isr(3, false).is_none(),
            "a fenced broker may not join"
        );
    }

    #[test]
    fn acks_all_completion_and_after_append_error() {
        let mut p = leader_with(3, 2, &[1, 2]);
        assert_eq!(p.check_enough_replicas_reach_offset(3), (false, None));
        p.update_follower_fetch_state(2, 3, 3, 1);
        p.maybe_increment_hw(1, 30_000, ALWAYS);
        assert_eq!(p.check_enough_replicas_reach_offset(3), (true, None));
        // The ISR shrinks to the leader alone: a completed wait reports the after-append error.
        p.apply_registration(
            &PartitionRegistration {
                partition_epoch: 5,
                ..reg(1, 0, &[1])
            },
            2,
        );
        assert_eq!(
            p.check_enough_replicas_reach_offset(3),
            (true, Some(ErrorCode::NotEnoughReplicasAfterAppend))
        );
    }

    #[test]
    fn becoming_leader_marks_the_epoch_start() {
        let mut p = leader_with(4, 1, &[1, 2, 3]);
        p.apply_registration(&reg(2, 1, &[2, 3]), 10);
        assert_eq!(p.role, Role::Follower);
        p.apply_registration(&reg(1, 2, &[1, 2, 3]), 20);
        assert_eq!(p.role, Role::Leader);
        assert_eq!(p.leader_epoch_start_offset, Some(4));
        assert_eq!(p.log.end_offset_for_epoch(2), (2, 4));
    }
}
