//! Event sourcing: a projection (a read model, e.g. account balances) built by folding a
//! topic from the beginning. Kafka retains the events, so the projection can be dropped and
//! rebuilt by replaying from offset 0 — or rebuilt "as of" a timestamp, ignoring later
//! events (time-travel debugging). This is application logic on top of a Kafka consumer; the
//! consumer is an ordinary group-less consumer that reads every partition from the earliest
//! offset.

use crate::cluster::Cluster;
use crate::error::{SimError, SimResult};
use crate::record::Record;
use crate::types::Tp;
use crate::vecmap::VecMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How a projection folds an event into its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Fold {
    /// The value is a signed amount (`+50`, `-20`, `30`) added to the key's total: balances.
    Sum,
    /// The value replaces the key's value; a tombstone (null value) removes the key: a table.
    Latest,
}

impl Fold {
    pub fn parse(s: &str) -> Option<Fold> {
        match s {
            "sum" => Some(Fold::Sum),
            "latest" => Some(Fold::Latest),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Fold::Sum => "sum",
            Fold::Latest => "latest",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Projection {
    pub id: String,
    pub topic: String,
    pub fold: Fold,
    /// Ignore events with a timestamp after this (time travel); `None` = up to now.
    pub as_of: Option<i64>,
    /// The consumer replaying the topic (a new one for every rebuild).
    pub consumer: String,
    pub rebuilds: u32,
    pub state: BTreeMap<String, String>,
    /// Events folded in, and events skipped because they were after `as_of` or unreadable.
    pub applied: u64,
    pub skipped: u64,
    /// The next offset to fold, per partition.
    pub positions: VecMap<i32, i64>,
}

impl Projection {
    fn apply(&mut self, tp: Tp, r: &Record) {
        self.positions.insert(tp.partition, r.offset + 1);
        if self.as_of.is_some_and(|t| r.timestamp > t) {
            self.skipped += 1;
            return;
        }
        let Some(key) = r
            .key
            .as_deref()
            .map(|k| String::from_utf8_lossy(k).into_owned())
        else {
            self.skipped += 1;
            return;
        };
        let value = r
            .value
            .as_deref()
            .map(|v| String::from_utf8_lossy(v).into_owned());
        match (self.fold, value) {
            (Fold::Latest, Some(v)) => {
                self.state.insert(key, v);
            }
            (Fold::Latest, None) => {
                self.state.remove(&key);
            }
            (Fold::Sum, Some(v)) => match v.trim().trim_start_matches('+').parse::<i64>() {
                Ok(delta) => {
                    let total = self
                        .state
                        .get(&key)
                        .and_then(|s| s.parse::<i64>().ok())
                        .unwrap_or(0);
                    self.state
                        .insert(key, total.saturating_add(delta).to_string());
                }
                Err(_) => {
                    self.skipped += 1;
                    return;
                }
            },
            (Fold::Sum, None) => {
                self.state.remove(&key);
            }
        }
        self.applied += 1;
    }
}

impl Cluster {
    /// Build a projection of `topic`: a consumer replays it from the earliest offset and
    /// every event is folded into the state.
    pub fn add_projection(
        &mut self,
        id: &str,
        topic: &str,
        fold: Fold,
        as_of: Option<i64>,
    ) -> SimResult<()> {
        if id.trim().is_empty() {
            return Err(SimError::command("a projection needs a name"));
        }
        if self.projections.iter().any(|p| p.id == id) {
            return Err(SimError::command(format!(
                "a projection named '{id}' already exists"
            )));
        }
        self.tp(topic, 0)?;
        self.projections.push(Projection {
            id: id.to_string(),
            topic: topic.to_string(),
            fold,
            as_of,
            consumer: String::new(),
            rebuilds: 0,
            state: BTreeMap::new(),
            applied: 0,
            skipped: 0,
            positions: VecMap::new(),
        });
        self.start_replay(id)
    }

    /// Drop the projection's state and rebuild it by replaying the topic from the beginning,
    /// optionally only up to `as_of` (a timestamp).
    pub fn rebuild_projection(&mut self, id: &str, as_of: Option<i64>) -> SimResult<()> {
        let p = self
            .projections
            .iter_mut()
            .find(|p| p.id == id)
            .ok_or_else(|| SimError::command(format!("no projection named '{id}'")))?;
        p.as_of = as_of;
        p.state.clear();
        p.applied = 0;
        p.skipped = 0;
        p.positions.clear();
        p.rebuilds += 1;
        let old = p.consumer.clone();
        if self.consumer(&old).is_some_and(|c| c.alive) {
            self.crash_client(&old)?;
        }
        let text = match as_of {
            Some(t) => format!("projection {id} dropped: rebuilding from offset 0, as of t={t} ms"),
            None => format!("projection {id} dropped: rebuilding by replaying from offset 0"),
        };
        self.note(&text);
        self.start_replay(id)
    }

    fn start_replay(&mut self, id: &str) -> SimResult<()> {
        let Some(p) = self.projections.iter().find(|p| p.id == id).cloned() else {
            return Ok(());
        };
        let name = if p.rebuilds == 0 {
            format!("{id}-replay")
        } else {
            format!("{id}-replay-{}", p.rebuilds)
        };
        let config: BTreeMap<String, String> = [
            ("auto.offset.reset", "earliest"),
            ("max.poll.records", "50"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let ci = self.add_consumer(&name, None, std::slice::from_ref(&p.topic), &config, 0)?;
        self.with_consumer(ci, |c, _| c.handoff = true);
        if let Some(pm) = self.projections.iter_mut().find(|q| q.id == id) {
            pm.consumer = name;
        }
        Ok(())
    }

    /// Fold what the projections' consumers polled (called after every event while there
    /// are projections).
    pub(crate) fn drain_projections(&mut self) {
        for i in 0..self.projections.len() {
            let Some(name) = self.projections.get(i).map(|p| p.consumer.clone()) else {
                continue;
            };
            let Ok(ci) = self.consumer_index(&name) else {
                continue;
            };
            if !matches!(self.clients.get(ci as usize), Some(crate::cluster::Client::Consumer(c)) if !c.handed.is_empty())
            {
                continue;
            }
            let handed = self
                .with_consumer(ci, |c, _| std::mem::take(&mut c.handed))
                .unwrap_or_default();
            if let Some(p) = self.projections.get_mut(i) {
                for (tp, r) in &handed {
                    p.apply(*tp, r);
                }
            }
        }
    }
}
