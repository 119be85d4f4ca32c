//! The app's single reducer: the engine session, the latest view of it, play state, and
//! errors keyed by the control that caused them.

use crate::presets;
use crate::storage;
use kafka_sim::action::Action;
use kafka_sim::scenario::{Scenario, Session};
use kafka_sim::view::{ClusterView, Durability};
use kafka_sim::SimError;
use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;
use yew::prelude::*;

/// Speeds offered by the time controls (simulated ms per real ms).
pub const SPEEDS: &[f64] = &[0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 100.0];

/// Longest real frame gap simulated at once (a background tab does not fast-forward).
const MAX_FRAME_MS: f64 = 100.0;

pub struct AppState {
    pub session: Rc<RefCell<Session>>,
    pub view: Rc<ClusterView>,
    pub durability: Rc<Durability>,
    pub preset: String,
    pub playing: bool,
    pub speed: f64,
    /// Control id → error message shown next to that control.
    pub errors: BTreeMap<String, String>,
    /// A banner message (e.g. a saved workspace that could not be restored).
    pub notice: Option<String>,
    pub version: u64,
    /// Total lag per group, sampled every half second of simulated time (for the charts).
    pub lag_history: Rc<BTreeMap<String, VecDeque<(u64, i64)>>>,
    /// Fractional simulated milliseconds carried between frames.
    carry: f64,
    last_saved_at: u64,
}

impl PartialEq for AppState {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version
    }
}

pub enum Msg {
    /// A frame: `real_ms` of wall-clock time passed.
    Tick(f64),
    SetPlaying(bool),
    TogglePlaying,
    /// Process exactly one engine event.
    Step,
    SetSpeed(f64),
    /// Apply an engine command now; errors go to `control`.
    Command {
        control: String,
        action: Action,
    },
    LoadPreset(String),
    LoadScenario {
        control: String,
        json: String,
    },
    Restart,
    ClearError(String),
    DismissNotice,
}

pub type AppContext = UseReducerHandle<AppState>;

impl AppState {
    /// The initial state: the saved workspace if there is one and it replays, else the
    /// default preset.
    pub fn initial() -> AppState {
        let (session, preset, notice) = match storage::load() {
            Ok(Some(saved)) => {
                match Scenario::parse(&saved.scenario)
                    .and_then(|sc| Session::replay(sc, Some(saved.seed), &saved.steps, saved.now))
                {
                    Ok(s) => (s, saved.preset, None),
                    Err(e) => {
                        storage::clear();
                        let (s, p) = default_session();
                        (s, p, Some(format!("Your saved workspace could not be restored ({e}); the default scenario is loaded instead.")))
                    }
                }
            }
            Ok(None) => {
                let (s, p) = default_session();
                (s, p, None)
            }
            Err(e) => {
                storage::clear();
                let (s, p) = default_session();
                (s, p, Some(format!("Your saved workspace was unreadable ({e}); the default scenario is loaded instead.")))
            }
        };
        AppState::from_session(session, preset, notice)
    }

    fn from_session(session: Session, preset: String, notice: Option<String>) -> AppState {
        let view = Rc::new(session.cluster.view());
        let durability = Rc::new(session.cluster.durability());
        AppState {
            session: Rc::new(RefCell::new(session)),
            view,
            durability,
            preset,
            playing: true,
            speed: 1.0,
            errors: BTreeMap::new(),
            notice,
            version: 0,
            lag_history: Rc::new(BTreeMap::new()),
            carry: 0.0,
            last_saved_at: 0,
        }
    }

    fn next(&self) -> AppState {
        let s = self.session.borrow();
        AppState {
            session: self.session.clone(),
            view: Rc::new(s.cluster.view()),
            durability: Rc::new(s.cluster.durability()),
            preset: self.preset.clone(),
            playing: self.playing,
            speed: self.speed,
            errors: self.errors.clone(),
            notice: self.notice.clone(),
            version: self.version + 1,
            lag_history: self.lag_history.clone(),
            carry: self.carry,
            last_saved_at: self.last_saved_at,
        }
    }

    fn save(&mut self) {
        let s = self.session.borrow();
        storage::save(&self.preset, &s);
        self.last_saved_at = s.now();
    }

    /// Record each group's lag, at most every 500 ms of simulated time, for the last minute.
    fn sample_lag(&mut self) {
        let now = self.view.now;
        let due = self
            .lag_history
            .values()
            .next()
            .and_then(|v| v.back())
            .is_none_or(|(t, _)| now >= t + 500);
        if !due || self.view.groups.is_empty() {
            return;
        }
        let mut h = (*self.lag_history).clone();
        for g in &self.view.groups {
            let q = h.entry(g.group.clone()).or_default();
            q.push_back((now, g.lag));
            while q
                .front()
                .is_some_and(|(t, _)| now.saturating_sub(*t) > 60_000)
            {
                q.pop_front();
            }
        }
        self.lag_history = Rc::new(h);
    }

    pub fn error(&self, control: &str) -> Option<&String> {
        self.errors.get(control)
    }
}

fn default_session() -> (Session, String) {
    let id = presets::DEFAULT_PRESET.to_string();
    match presets::find(&id).map(|p| Scenario::parse(p.json)) {
        Some(Ok(sc)) => match Session::new(sc, None) {
            Ok(s) => return (s, id),
            Err(e) => web_log(&format!("default preset failed to build: {e}")),
        },
        Some(Err(e)) => web_log(&format!("default preset failed to parse: {e}")),
        None => web_log("default preset missing"),
    }
    // A preset that does not build is a bug caught by tests; fall back to a bare cluster.
    let sc = Scenario {
        version: 1,
        name: "Empty cluster".into(),
        description: String::new(),
        seed: 42,
        cluster: Default::default(),
        topics: vec![],
        producers: vec![],
        consumers: vec![],
        script: vec![],
                expect: vec![],
        duration_ms: None,
        tour: vec![],
        challenge: None,
        ui: None,
    };
    match Session::new(sc, None) {
        Ok(s) => (s, id),
        Err(_) => (unreachable_session(), id),
    }
}

#[allow(clippy::panic)]
fn unreachable_session() -> Session {
    // A default three-broker cluster always builds.
    panic!("cannot build an empty cluster")
}

fn web_log(msg: &str) {
    gloo::console::warn!(msg.to_string());
}

fn describe(e: &SimError) -> String {
    e.to_string()
}

impl Reducible for AppState {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        match msg {
            Msg::Tick(real_ms) => {
                if !self.playing {
                    return self;
                }
                let sim_ms = real_ms.clamp(0.0, MAX_FRAME_MS) * self.speed + self.carry;
                let whole = sim_ms.floor();
                {
                    let mut s = self.session.borrow_mut();
                    s.advance(whole as u64);
                }
                let mut next = self.next();
                next.carry = sim_ms - whole;
                next.sample_lag();
                if next.view.now.saturating_sub(next.last_saved_at) >= 2_000 {
                    next.save();
                }
                Rc::new(next)
            }
            Msg::SetPlaying(p) => {
                let mut next = self.next();
                next.playing = p;
                next.save();
                Rc::new(next)
            }
            Msg::TogglePlaying => {
                let mut next = self.next();
                next.playing = !self.playing;
                next.save();
                Rc::new(next)
            }
            Msg::Step => {
                {
                    let mut s = self.session.borrow_mut();
                    match s.cluster.next_event_at() {
                        Some(t) => s.advance_to(t),
                        None => s.advance(1),
                    }
                }
                let mut next = self.next();
                next.playing = false;
                Rc::new(next)
            }
            Msg::SetSpeed(v) => {
                let mut next = self.next();
                next.speed = if v.is_finite() {
                    v.clamp(0.01, 1000.0)
                } else {
                    1.0
                };
                Rc::new(next)
            }
            Msg::Command { control, action } => {
                let result = self.session.borrow_mut().apply(action);
                let mut next = self.next();
                match result {
                    Ok(()) => {
                        next.errors.remove(&control);
                        next.save();
                    }
                    Err(e) => {
                        next.errors.insert(control, describe(&e));
                    }
                }
                Rc::new(next)
            }
            Msg::LoadPreset(id) => match presets::find(&id) {
                Some(p) => match Scenario::parse(p.json).and_then(|sc| Session::new(sc, None)) {
                    Ok(s) => {
                        let mut next = AppState::from_session(s, id, None);
                        next.version = self.version + 1;
                        next.speed = self.speed;
                        next.save();
                        Rc::new(next)
                    }
                    Err(e) => {
                        let mut next = self.next();
                        next.errors.insert("preset".into(), describe(&e));
                        Rc::new(next)
                    }
                },
                None => {
                    let mut next = self.next();
                    next.errors
                        .insert("preset".into(), format!("no preset named '{id}'"));
                    Rc::new(next)
                }
            },
            Msg::LoadScenario { control, json } => {
                match Scenario::parse(&json).and_then(|sc| Session::new(sc, None)) {
                    Ok(s) => {
                        let mut next = AppState::from_session(s, "custom".into(), None);
                        next.version = self.version + 1;
                        next.speed = self.speed;
                        next.save();
                        Rc::new(next)
                    }
                    Err(e) => {
                        let mut next = self.next();
                        next.errors.insert(control, describe(&e));
                        Rc::new(next)
                    }
                }
            }
            Msg::Restart => {
                let sc = self.session.borrow().scenario.clone();
                match Session::new(sc, None) {
                    Ok(s) => {
                        let mut next = AppState::from_session(s, self.preset.clone(), None);
                        next.version = self.version + 1;
                        next.speed = self.speed;
                        next.save();
                        Rc::new(next)
                    }
                    Err(e) => {
                        let mut next = self.next();
                        next.errors.insert("restart".into(), describe(&e));
                        Rc::new(next)
                    }
                }
            }
            Msg::ClearError(control) => {
                if !self.errors.contains_key(&control) {
                    return self;
                }
                let mut next = self.next();
                next.errors.remove(&control);
                Rc::new(next)
            }
            Msg::DismissNotice => {
                let mut next = self.next();
                next.notice = None;
                Rc::new(next)
            }
        }
    }
}
