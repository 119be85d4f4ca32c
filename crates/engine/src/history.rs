//! Rewind: snapshots of a [`Session`] every few seconds of simulated time, so that any earlier
//! moment can be rebuilt quickly — clone the nearest snapshot at or before it, then replay the
//! user's commands and the script from there. Because the engine is deterministic the result
//! is identical (same trace hash) to replaying the whole session from the start.
//!
//! Memory stays bounded: when there are more than `max` snapshots, every other one is dropped
//! and the interval doubles, so a long session keeps `max` snapshots spread over its length.

use crate::error::SimResult;
use crate::scenario::{Scenario, Session, Step};
use crate::types::Millis;

/// One saved moment.
#[derive(Debug, Clone)]
struct Snapshot {
    at: Millis,
    session: Session,
}

#[derive(Debug, Clone)]
pub struct History {
    snapshots: Vec<Snapshot>,
    interval: Millis,
    max: usize,
}

/// Default spacing of snapshots (simulated ms) before any thinning.
pub const DEFAULT_INTERVAL: Millis = 2_000;
/// The longest stretch of simulated time a replay runs before asking whether to go on (see
/// [`History::replay_while`]).
pub const PIECE_MS: Millis = 10;

/// Default number of snapshots kept.
pub const DEFAULT_MAX: usize = 64;

impl History {
    /// A history whose first snapshot is `start` (usually a session at time 0).
    pub fn new(start: &Session, interval: Millis, max: usize) -> History {
        History {
            snapshots: vec![Snapshot {
                at: start.now(),
                session: start.clone(),
            }],
            interval: interval.max(1),
            max: max.max(2),
        }
    }

    /// Replay `scenario` with the user's `steps` up to `until` (as [`Session::replay`]), taking
    /// snapshots on the way. Returns the session at `until` and its history.
    pub fn replay(
        scenario: Scenario,
        seed: Option<u64>,
        steps: &[Step],
        until: Millis,
        interval: Millis,
        max: usize,
    ) -> SimResult<(Session, History)> {
        History::replay_while(scenario, seed, steps, until, interval, max, &mut || true)
    }

    /// [`History::replay`], asking `go_on` between pieces of at most [`PIECE_MS`] of simulated
    /// time whether to continue: when it says no, the replay ends there, earlier than `until`
    /// (the host's way to stop a replay that would exhaust its memory). Stopping between
    /// pieces changes nothing else: events run in time order either way.
    pub fn replay_while(
        scenario: Scenario,
        seed: Option<u64>,
        steps: &[Step],
        until: Millis,
        interval: Millis,
        max: usize,
        go_on: &mut dyn FnMut() -> bool,
    ) -> SimResult<(Session, History)> {
        let start = Session::new(scenario, seed)?;
        let mut h = History::new(&start, interval, max);
        let s = h.run(start, steps, until, true, go_on)?;
        Ok((s, h))
    }

    /// The spacing of snapshots now (it doubles as the session grows).
    pub fn interval(&self) -> Millis {
        self.interval
    }

    pub fn len(&self) -> usize {
        self.snapshots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.snapshots.is_empty()
    }

    /// Times of the snapshots, oldest first.
    pub fn times(&self) -> Vec<Millis> {
        self.snapshots.iter().map(|s| s.at).collect()
    }

    /// The earliest moment this history can rebuild.
    pub fn start(&self) -> Millis {
        self.snapshots.first().map_or(0, |s| s.at)
    }

    /// Take a snapshot of `s` if the last one is at least `interval` old. Returns whether it did.
    pub fn record(&mut self, s: &Session) -> bool {
        let due = self
            .snapshots
            .last()
            .is_none_or(|last| s.now() >= last.at.saturating_add(self.interval));
        if !due {
            return false;
        }
        self.snapshots.push(Snapshot {
            at: s.now(),
            session: s.clone(),
        });
        if self.snapshots.len() > self.max {
            self.thin();
        }
        true
    }

    /// Keep the first and last snapshots and every other one between; double the interval.
    fn thin(&mut self) {
        let n = self.snapshots.len();
        let mut i = 0;
        self.snapshots.retain(|_| {
            let keep = i == 0 || i == n - 1 || i % 2 == 0;
            i += 1;
            keep
        });
        self.interval = self.interval.saturating_mul(2);
    }

    /// Forget snapshots after `t` (the user changed history at `t`).
    pub fn forget_after(&mut self, t: Millis) {
        // Never drop the first snapshot: it is the fallback for every rewind.
        let first = self.start();
        self.snapshots.retain(|s| s.at <= t || s.at == first);
    }

    /// The session at time `t` given the user's commands `steps` (sorted by time; commands
    /// after `t` are ignored). Uses the latest snapshot at or before `t` whose commands are a
    /// prefix of `steps`.
    pub fn session_at(&self, steps: &[Step], t: Millis) -> SimResult<Session> {
        self.session_at_while(steps, t, &mut || true)
    }

    /// [`History::session_at`], stopping early when `go_on` says so (see
    /// [`History::replay_while`]).
    pub fn session_at_while(
        &self,
        steps: &[Step],
        t: Millis,
        go_on: &mut dyn FnMut() -> bool,
    ) -> SimResult<Session> {
        let snap = self
            .snapshots
            .iter()
            .rev()
            .find(|s| {
                s.at <= t
                    && s.session.user_steps.len() <= steps.len()
                    && s.session.user_steps[..] == steps[..s.session.user_steps.len()]
            })
            .or_else(|| self.snapshots.first());
        let Some(snap) = snap else {
            return Err(crate::error::SimError::command(
                "no snapshot to rewind from",
            ));
        };
        let mut h = History {
            snapshots: Vec::new(),
            interval: self.interval,
            max: self.max,
        };
        h.run(snap.session.clone(), steps, t, false, go_on)
    }

    /// A quick approximation of the session at `t` for previews while scrubbing: from the
    /// nearest snapshot, replay at most `budget` ms of simulated time (so the result may be
    /// earlier than `t`). Exact when `t` is within `budget` of a snapshot.
    pub fn preview_at(&self, steps: &[Step], t: Millis, budget: Millis) -> SimResult<Session> {
        let base = self
            .snapshots
            .iter()
            .rev()
            .find(|s| {
                s.at <= t
                    && s.session.user_steps.len() <= steps.len()
                    && s.session.user_steps[..] == steps[..s.session.user_steps.len()]
            })
            .map_or(self.start(), |s| s.at);
        self.session_at(steps, t.min(base.saturating_add(budget)))
    }

    /// Advance `s` to `until`, applying the commands of `steps` it has not applied yet, and
    /// (when `record`) snapshotting on the way; stops early when `go_on` says so.
    fn run(
        &mut self,
        mut s: Session,
        steps: &[Step],
        until: Millis,
        record: bool,
        go_on: &mut dyn FnMut() -> bool,
    ) -> SimResult<Session> {
        self.resume(&mut s, steps, until, record, go_on)?;
        Ok(s)
    }

    /// Continue a replay across calls (the page replays a long saved workspace a frame at a
    /// time): advance `s` toward `until`, applying the commands of `steps` it has not applied
    /// yet (`s.user_steps` says how many it has) and taking snapshots, until `go_on` says
    /// stop. Returns whether `s` reached `until`. Stopping and resuming gives the session a
    /// replay in one go gives. On an error (a command that fails) `s` stays at that command's
    /// moment, without it.
    pub fn resume_while(
        &mut self,
        s: &mut Session,
        steps: &[Step],
        until: Millis,
        go_on: &mut dyn FnMut() -> bool,
    ) -> SimResult<bool> {
        self.resume(s, steps, until, true, go_on)
    }

    fn resume(
        &mut self,
        s: &mut Session,
        steps: &[Step],
        until: Millis,
        record: bool,
        go_on: &mut dyn FnMut() -> bool,
    ) -> SimResult<bool> {
        let done = s.user_steps.len();
        for (i, step) in steps.iter().enumerate().skip(done) {
            if step.at_ms > until {
                break;
            }
            if !self.advance(s, step.at_ms, record, go_on) {
                return Ok(false);
            }
            s.apply(step.action.clone())
                .map_err(|e| e.at(&format!("steps[{i}]")))?;
        }
        Ok(self.advance(s, until, record, go_on))
    }

    /// Whether `s` reached `to` (false: `go_on` stopped it).
    fn advance(
        &mut self,
        s: &mut Session,
        to: Millis,
        record: bool,
        go_on: &mut dyn FnMut() -> bool,
    ) -> bool {
        while s.now() < to {
            let mut next = s.now().saturating_add(PIECE_MS).min(to);
            if record {
                if let Some(last) = self.snapshots.last() {
                    next = next.min(last.at.saturating_add(self.interval).max(s.now()));
                }
            }
            s.advance_to(next);
            if record {
                self.record(s);
            }
            if s.now() < to && !go_on() {
                return false;
            }
        }
        // Commands at the current moment still run their events at `to` (advance_to is
        // idempotent at `now`).
        s.advance_to(to);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Action;
    use std::collections::BTreeMap;

    const SCENARIO: &str = r#"{
      "name": "rewind", "seed": 3,
      "cluster": { "brokers": 3, "network": { "latency_ms": 10 } },
      "topics": [ { "name": "orders", "partitions": 4, "replication_factor": 3, "config": { "min.insync.replicas": "2" } } ],
      "producers": [ { "id": "p1", "config": { "acks": "all" } } ],
      "consumers": [ { "id": "c1", "group": "billing", "topics": ["orders"], "processing_ms": 50,
                       "config": { "auto.offset.reset": "earliest", "session.timeout.ms": "10000", "heartbeat.interval.ms": "1000" } } ],
      "script": [ { "at_ms": 200, "do": "start_workload", "producer": "p1", "topic": "orders", "rate_per_sec": 5, "keys": 8, "key_prefix": "user-" },
                  { "at_ms": 9000, "do": "stop_broker", "broker": 2 },
                  { "at_ms": 20000, "do": "start_broker", "broker": 2 } ]
    }"#;

    fn produce(key: &str) -> Action {
        Action::Produce {
            producer: "p1".into(),
            topic: "orders".into(),
            key: Some(key.into()),
            value: Some("v".into()),
            partition: None,
            count: Some(3),
            headers: BTreeMap::new(),
        }
    }

    /// A live session driven in frame-sized steps, as the page drives it, with a history.
    fn live(until: Millis, frame: Millis) -> (Session, History, Vec<Step>) {
        let sc = Scenario::parse(SCENARIO).unwrap();
        let mut s = Session::new(sc, None).unwrap();
        let mut h = History::new(&s, 1_000, 16);
        let commands = [
            (1_500, produce("user-1")),
            (
                7_000,
                Action::PauseFetchers {
                    broker: Some(3),
                    leader_of: None,
                },
            ),
            (12_345, produce("user-2")),
            (
                16_000,
                Action::ResumeFetchers {
                    broker: Some(3),
                    leader_of: None,
                },
            ),
        ];
        let mut next = 0;
        while s.now() < until {
            s.advance(frame);
            while next < commands.len() && commands[next].0 <= s.now() {
                s.apply(commands[next].1.clone()).unwrap();
                next += 1;
            }
            h.record(&s);
        }
        let steps = s.user_steps.clone();
        (s, h, steps)
    }

    #[test]
    fn rewind_then_replay_gives_the_trace_of_a_replay_from_scratch() {
        let (live_s, h, steps) = live(30_000, 16);
        assert!(h.len() <= 16, "{} snapshots", h.len());
        assert!(h.interval() > 1_000, "thinned: interval {}", h.interval());
        let sc = live_s.scenario.clone();
        for t in [
            0, 999, 1_500, 4_000, 7_000, 12_345, 12_346, 19_999, 25_000, 30_000,
        ] {
            let rewound = h.session_at(&steps, t).unwrap();
            let scratch = Session::replay(sc.clone(), None, &steps, t).unwrap();
            assert_eq!(rewound.now(), t);
            assert_eq!(
                rewound.cluster.trace_hash(),
                scratch.cluster.trace_hash(),
                "trace at {t}"
            );
            assert_eq!(rewound.user_steps, scratch.user_steps);
            assert_eq!(rewound.cluster.durability(), scratch.cluster.durability());
        }
        // Rewinding to the end equals the live session itself.
        let end = h.session_at(&steps, live_s.now()).unwrap();
        assert_eq!(end.cluster.trace_hash(), live_s.cluster.trace_hash());
    }

    #[test]
    fn continuing_from_a_rewound_moment_forgets_the_old_future() {
        let (_, mut h, steps) = live(20_000, 50);
        let t = 8_000;
        let mut s = h.session_at(&steps, t).unwrap();
        h.forget_after(t);
        assert!(h.times().iter().all(|&x| x <= t));
        // A new command at 8 s: the old commands after 8 s are gone from the new timeline.
        s.apply(produce("user-9")).unwrap();
        s.advance(5_000);
        h.record(&s);
        let new_steps = s.user_steps.clone();
        assert_eq!(new_steps.len(), 3, "1.5 s, 7 s and the new one");
        let again = h.session_at(&new_steps, 13_000).unwrap();
        let scratch = Session::replay(s.scenario.clone(), None, &new_steps, 13_000).unwrap();
        assert_eq!(again.cluster.trace_hash(), scratch.cluster.trace_hash());
        assert_eq!(again.cluster.trace_hash(), s.cluster.trace_hash());
    }

    #[test]
    fn replay_with_snapshots_equals_plain_replay() {
        let (_, _, steps) = live(20_000, 100);
        let sc = Scenario::parse(SCENARIO).unwrap();
        let (s, h) = History::replay(sc.clone(), None, &steps, 20_000, 1_000, 8).unwrap();
        assert!(h.len() >= 4 && h.len() <= 8, "{:?}", h.times());
        let plain = Session::replay(sc, None, &steps, 20_000).unwrap();
        assert_eq!(s.cluster.trace_hash(), plain.cluster.trace_hash());
        let mid = h.session_at(&steps, 10_500).unwrap();
        let (s2, _) =
            History::replay(mid.scenario.clone(), None, &steps, 10_500, 1_000, 8).unwrap();
        assert_eq!(mid.cluster.trace_hash(), s2.cluster.trace_hash());
    }

    /// A replay told to stop ends at a piece boundary before its target, in the state a plain
    /// replay to that moment reaches; told nothing, it reaches the target.
    #[test]
    fn a_replay_stops_where_it_is_told_in_the_state_of_a_replay_to_that_moment() {
        let (_, _, steps) = live(20_000, 100);
        let sc = Scenario::parse(SCENARIO).unwrap();
        let mut asked = 0;
        let (s, _) = History::replay_while(sc.clone(), None, &steps, 20_000, 1_000, 8, &mut || {
            asked += 1;
            asked < 40
        })
        .unwrap();
        // 40 questions: 39 pieces went on, the 40th stopped. A piece is at most PIECE_MS long
        // and is asked about, except one that ends at a user's command.
        assert_eq!(asked, 40);
        assert!(s.now() < 20_000, "stopped at {}", s.now());
        let bound = (40 + steps.len() as Millis) * PIECE_MS;
        assert!(s.now() <= bound, "stopped at {} (bound {bound})", s.now());
        assert!(s.now() > 0);
        let plain = Session::replay(sc.clone(), None, &steps, s.now()).unwrap();
        assert_eq!(s.cluster.trace_hash(), plain.cluster.trace_hash());
        assert_eq!(s.user_steps, plain.user_steps);
        // Rewinding with a stop ends early too, at a moment the history can rebuild exactly.
        let (full, h_full) = History::replay(sc.clone(), None, &steps, 20_000, 1_000, 8).unwrap();
        assert_eq!(full.now(), 20_000);
        let mut n = 0;
        let early = h_full
            .session_at_while(&steps, 19_000, &mut || {
                n += 1;
                n < 3
            })
            .unwrap();
        assert!(early.now() < 19_000, "stopped at {}", early.now());
        let exact = h_full.session_at(&steps, early.now()).unwrap();
        assert_eq!(early.cluster.trace_hash(), exact.cluster.trace_hash());
    }

    /// A replay resumed call after call, a few pieces each (as the page restores a long
    /// workspace across frames), ends in the state and with the snapshots of one in one go.
    #[test]
    fn a_replay_resumed_piece_by_piece_equals_one_in_one_go() {
        let (_, _, steps) = live(20_000, 100);
        let sc = Scenario::parse(SCENARIO).unwrap();
        let (whole, h_whole) = History::replay(sc.clone(), None, &steps, 20_000, 1_000, 8).unwrap();
        let mut s = Session::new(sc, None).unwrap();
        let mut h = History::new(&s, 1_000, 8);
        let mut calls = 0;
        loop {
            calls += 1;
            let mut left = 7;
            let done = h
                .resume_while(&mut s, &steps, 20_000, &mut || {
                    left -= 1;
                    left > 0
                })
                .unwrap();
            if done {
                break;
            }
            assert!(calls < 1_000, "no progress");
        }
        assert!(calls > 10, "{calls} calls");
        assert_eq!(s.now(), 20_000);
        assert_eq!(s.user_steps, steps);
        assert_eq!(s.cluster.trace_hash(), whole.cluster.trace_hash());
        assert_eq!(h.times(), h_whole.times());
    }

    #[test]
    fn previews_replay_at_most_their_budget() {
        let (_, h, steps) = live(20_000, 50);
        let times = h.times();
        let t = 15_000;
        let base = *times.iter().filter(|&&x| x <= t).max().unwrap();
        let p = h.preview_at(&steps, t, 100).unwrap();
        assert_eq!(p.now(), t.min(base + 100));
        let exact = h.preview_at(&steps, t, u64::MAX).unwrap();
        assert_eq!(exact.now(), t);
        let scratch = Session::replay(exact.scenario.clone(), None, &steps, t).unwrap();
        assert_eq!(exact.cluster.trace_hash(), scratch.cluster.trace_hash());
    }

    /// Scrub latency over a 30-minute session with a steady workload. Run with
    /// `cargo test --release -p kafka-sim history -- --ignored --nocapture`.
    #[test]
    #[ignore = "benchmark: run in release"]
    fn scrubbing_a_30_minute_session_takes_under_100_ms() {
        let sc = Scenario::parse(SCENARIO).unwrap();
        let built = std::time::Instant::now();
        let (_, h) =
            History::replay(sc, None, &[], 30 * 60_000, DEFAULT_INTERVAL, DEFAULT_MAX).unwrap();
        println!(
            "replayed 30 min with {} snapshots (interval {} ms) in {:?}",
            h.len(),
            h.interval(),
            built.elapsed()
        );
        if let Some(last) = h.snapshots.last() {
            let t0 = std::time::Instant::now();
            for _ in 0..10 {
                std::hint::black_box(last.session.clone());
            }
            println!("cloning the last snapshot: {:?}", t0.elapsed() / 10);
        }
        let mut worst = std::time::Duration::ZERO;
        let mut total = std::time::Duration::ZERO;
        let n = 40;
        for i in 0..n {
            let t = (i * 7_919_u64 * 5_813) % (30 * 60_000);
            let t0 = std::time::Instant::now();
            let s = h.session_at(&[], t).unwrap();
            let d = t0.elapsed();
            assert_eq!(s.now(), t);
            worst = worst.max(d);
            total += d;
        }
        println!("scrub: mean {:?}, worst {:?}", total / n as u32, worst);
        assert!(worst.as_millis() < 100, "worst scrub {worst:?}");
    }
}
