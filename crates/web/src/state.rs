//! The app's single reducer: the engine session, the latest view of it, play state, errors
//! keyed by the control that caused them, and the page features around the session — the
//! guided tour, the challenge, the rewind history, a forked copy for comparison and the
//! outbox of the embedding API.

use crate::api::{self, Envelope, Refusal, Request};
use crate::page::PageParams;
use crate::presets;
use crate::storage;
use kafka_sim::action::Action;
use kafka_sim::history::History;
use kafka_sim::link::{LinkState, LinkView};
use kafka_sim::scenario::{evaluate, ChallengeStatus, Scenario, Session, Step};
use kafka_sim::vecmap::VecMap;
use kafka_sim::view::{ClusterView, Durability};
use kafka_sim::SimError;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;
use yew::prelude::*;

/// Speeds offered by the time controls (simulated ms per real ms).
pub const SPEEDS: &[f64] = &[0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 100.0];

/// Partitions (in the session's own topics) above which a session is large: the page then
/// holds sections scrolled out of view still (`components/hold.rs`).
pub const LARGE_PARTITIONS: usize = 32;

/// Longest real frame gap simulated at once (a background tab does not fast-forward).
const MAX_FRAME_MS: f64 = 100.0;
/// Pieces a frame's simulated time is split into (each followed by a budget check), each at
/// least a simulated millisecond. With 8, one piece of the scale preset could take 10–18 ms
/// past the budget (BENCHMARKS.md, stop 21); a millisecond piece takes under one.
const ENGINE_PIECES: u64 = 64;

/// The Play button's id, and the key of the message shown next to it.
pub const PLAY_CONTROL: &str = "play-toggle";

/// Rewind snapshots: spacing (simulated ms) before thinning, and how many are kept. Each
/// snapshot is a clone of the session (0.8–1.2 MB for a 30-minute session: the trace and the
/// durability ledger share their blocks between snapshots), so the count is
/// what bounds memory; the spacing doubles as the session grows.
pub const SNAPSHOT_INTERVAL: u64 = 2_000;
pub const SNAPSHOT_MAX: usize = 96;
/// Simulated time a scrub preview replays at most (the exact rebuild follows on release).
pub const SCRUB_PREVIEW_MS: u64 = 2_000;

/// Where the guided tour stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tour {
    pub open: bool,
    /// The step shown (== the number of steps when the tour is complete).
    pub step: usize,
    /// The furthest step reached; only that one advances by itself.
    pub reached: usize,
    /// Bumped when the user moves through the tour (Next, Back, open): the page scrolls to
    /// the highlighted element then, never when a step advances by itself under the user.
    pub nav: u64,
}

/// A copy of the session, started at `from_ms` with one setting changed, run in lockstep with
/// the main session and receiving the same commands.
pub struct Fork {
    pub label: String,
    pub from_ms: u64,
    pub session: RefCell<Session>,
    pub durability: RefCell<Durability>,
    /// Commands the fork refused (it may lack what the main session has).
    pub errors: RefCell<Vec<String>>,
}

/// Messages for the embedding page, drained by `App` after each change.
#[derive(Default)]
pub struct ApiOut {
    pub queue: Vec<Value>,
    pub subscribed: bool,
    /// Post a state event at the next opportunity (after a command or a load).
    pub state_due: bool,
}

/// Cloned once per version for the components' context ([`AppContext`]): its large parts
/// are behind `Rc`s.
#[derive(Clone)]
pub struct AppState {
    pub session: Rc<RefCell<Session>>,
    pub view: Rc<ClusterView>,
    pub durability: Rc<Durability>,
    pub preset: String,
    pub playing: bool,
    pub speed: f64,
    /// Control id → error message shown next to that control.
    pub errors: BTreeMap<String, String>,
    /// A banner message (e.g. a link or saved workspace that could not be restored).
    pub notice: Option<String>,
    pub version: u64,
    /// Total lag per group, sampled every half second of simulated time (for the charts).
    pub lag_history: Rc<VecMap<String, VecDeque<(u64, i64)>>>,
    /// The query string: embed mode, read-only, …
    pub page: Rc<PageParams>,
    pub tour: Tour,
    /// The challenge's outcome once it is decided (success or failure latch).
    pub challenge: Option<ChallengeStatus>,
    pub api: Rc<RefCell<ApiOut>>,
    /// Rewind snapshots of this session.
    pub history: Rc<RefCell<History>>,
    /// The user's commands on the current timeline, including those after a rewound moment
    /// (kept until time runs again or a new command is applied).
    pub timeline: Rc<Vec<Step>>,
    /// The latest moment of the current timeline.
    pub timeline_end: u64,
    /// A saved workspace or link still being replayed (see [`Restoring`]).
    pub restoring: Option<Restoring>,
    /// The preset the address names (`scenario=`) while its file downloads: until it arrives
    /// the page says it is loading, time stands still, and an embedding page is not yet told
    /// that the page is ready.
    pub pending: Option<String>,
    pub fork: Option<Rc<Fork>>,
    /// Where the timeline's thumb is while it is dragged.
    pub scrubbing: Option<u64>,
    /// Simulated milliseconds per real millisecond over the last second of frames while time
    /// runs (`frame::RateMeter`); below the chosen speed when the engine cannot keep up.
    pub actual_rate: Option<f64>,
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
    /// Open a shared link's fragment (`#s=…`), e.g. after `hashchange`.
    OpenLink(String),
    Restart,
    ClearError(String),
    DismissNotice,
    Notice(String),
    TourOpen(bool),
    TourGo(usize),
    /// Rebuild the session at this simulated time (rewind or scrub forward).
    Seek(u64),
    /// While the timeline is dragged: a quick approximation near this time (see
    /// `History::preview_at`); `Seek` makes it exact when the thumb is released.
    Scrub(u64),
    /// Fork the session now with these commands applied to the copy.
    Fork {
        label: String,
        changes: Vec<Action>,
    },
    CloseFork,
    /// A message from the embedding page (already checked for its origin).
    Api(Envelope),
    ApiRefused(Refusal),
    /// End a replay in progress where it is (see [`Restoring`]).
    StopRestoring,
}

impl Msg {
    /// Whether this changes the session's course, and so ends a replay in progress where it is:
    /// commands, steps, rewinds, forks. (Play and pause only say whether time runs after it;
    /// loading another session replaces it.)
    fn ends_restoring(&self) -> bool {
        match self {
            Msg::Step
            | Msg::Command { .. }
            | Msg::Seek(_)
            | Msg::Scrub(_)
            | Msg::Fork { .. }
            | Msg::StopRestoring => true,
            Msg::Api(e) => matches!(e.request, crate::api::Request::Command(_)),
            _ => false,
        }
    }
}

/// What components read from context: one state, as it was when the context was made, and
/// the dispatcher. (Yew's reducer handle always reads the newest state, even through a clone,
/// so it cannot be held: see `components/hold.rs`.) Two contexts are equal when their states
/// are the same version.
#[derive(Clone)]
pub struct AppContext {
    state: Rc<AppState>,
    dispatch: Dispatch,
}

impl AppContext {
    pub fn new(state: Rc<AppState>, dispatch: Dispatch) -> Self {
        AppContext { state, dispatch }
    }

    pub fn dispatch(&self, msg: Msg) {
        self.dispatch.dispatch(msg);
    }

    pub fn dispatcher(&self) -> Dispatch {
        self.dispatch.clone()
    }
}

impl std::ops::Deref for AppContext {
    type Target = AppState;

    fn deref(&self) -> &AppState {
        &self.state
    }
}

impl PartialEq for AppContext {
    fn eq(&self, other: &Self) -> bool {
        self.state.version == other.state.version
    }
}

/// Only the dispatcher: it never changes, so a component that takes its data as props and
/// sends commands through this is not re-rendered on every frame (the `AppContext` changes
/// with every state).
pub type Dispatch = UseReducerDispatcher<AppState>;

/// The page's address, when there is a browser.
fn location() -> (String, String) {
    web_sys::window()
        .map(|w| w.location())
        .map(|l| (l.search().unwrap_or_default(), l.hash().unwrap_or_default()))
        .unwrap_or_default()
}

/// Drop the fragment from the address bar (after opening a link: a reload then restores the
/// saved workspace, which includes what the user did since).
fn clear_fragment() {
    if let Some(w) = web_sys::window() {
        let l = w.location();
        let url = format!(
            "{}{}",
            l.pathname().unwrap_or_default(),
            l.search().unwrap_or_default()
        );
        if let Ok(h) = w.history() {
            let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
    }
}

fn link_notice(e: &impl std::fmt::Display, loaded: &str) -> String {
    format!("This link could not be opened: {e}. {loaded}")
}

/// A loaded session plus where it came from.
struct Loaded {
    session: Session,
    history: History,
    preset: String,
    view: LinkView,
    /// A replay that goes on across frames, and the commands it replays.
    restoring: Option<Rest>,
}

/// What a replay has left to do: where it goes, and the commands it replays.
type Rest = (Restoring, Rc<Vec<Step>>);

/// Real time a saved workspace's or a link's replay gets before the page first draws; a longer
/// replay goes on a frame at a time (`Restoring`).
pub const RESTORE_FIRST_MS: f64 = 250.0;

/// Real time a replay in progress gets per frame: the page still answers clicks within a
/// frame or so, and drawing each frame (the view, the render) adds about a third to the
/// replay's time in one go (see BENCHMARKS.md, stop 24).
pub const RESTORE_FRAME_MS: f64 = 40.0;

thread_local! {
    static FIRST_MS: std::cell::Cell<f64> = const { std::cell::Cell::new(RESTORE_FIRST_MS) };
    static FRAME_MS: std::cell::Cell<f64> = const { std::cell::Cell::new(RESTORE_FRAME_MS) };
}

/// Tests: each later frame's replay time (small: a replay goes on across several frames
/// however fast the machine, so a test can see it in progress).
pub fn set_restore_frame_ms(ms: f64) {
    FRAME_MS.with(|f| f.set(ms));
}

/// Tests: the first frame's replay time (0: every replay but the shortest goes on across
/// frames, however fast the machine).
pub fn set_restore_first_ms(ms: f64) {
    FIRST_MS.with(|f| f.set(ms));
}

/// A saved workspace or a link still being replayed, a frame at a time, while the page shows
/// how far it got (a long session's replay takes as long as simulating it did). Time runs
/// after it (if `playing`); a command, a step, a rewind or "Stop here" ends it where it is,
/// with the rest of its timeline ahead, as after a rewind.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Restoring {
    /// The moment it replays to.
    pub until: u64,
    /// "your saved workspace" or "this link".
    pub what: &'static str,
}

/// Replays `steps` on a new session of `scenario` toward `until`: all of it when that takes
/// under [`RESTORE_FIRST_MS`], else as far as it got, with the rest in `Loaded::restoring`.
/// Stops for good if the page's live memory reaches `ceiling` (`heap.rs`; the page then pauses
/// there and says why).
fn replay(
    scenario: Scenario,
    seed: u64,
    steps: &[Step],
    until: u64,
    ceiling: usize,
    what: &'static str,
) -> Result<(Session, History, Option<Rest>), String> {
    let start = crate::frame::real_now();
    let first_ms = FIRST_MS.with(|f| f.get());
    let (session, history) = History::replay_while(
        scenario,
        Some(seed),
        steps,
        until,
        SNAPSHOT_INTERVAL,
        SNAPSHOT_MAX,
        &mut || crate::heap::live() < ceiling && crate::frame::real_now() - start < first_ms,
    )
    .map_err(|e| e.to_string())?;
    let more = session.now() < until && crate::heap::live() < ceiling;
    let restoring = more.then(|| (Restoring { until, what }, Rc::new(steps.to_vec())));
    Ok((session, history, restoring))
}

/// Replays the link's session (see [`replay`]).
fn load_link(state: &LinkState, ceiling: usize) -> Result<Loaded, String> {
    replay(
        state.scenario.clone(),
        state.seed,
        &state.steps,
        state.now,
        ceiling,
        "this link",
    )
    .map(|(session, history, restoring)| Loaded {
        session,
        history,
        preset: state.view.preset.clone().unwrap_or_else(|| "custom".into()),
        view: state.view.clone(),
        restoring,
    })
}

fn fresh(session: Session, preset: String) -> Loaded {
    let history = History::new(&session, SNAPSHOT_INTERVAL, SNAPSHOT_MAX);
    Loaded {
        session,
        history,
        preset,
        view: LinkView::default(),
        restoring: None,
    }
}

/// The workspace saved in localStorage, replayed; `None` if there is none or it could not
/// be restored (then it is cleared, and `notice`, if empty, says why).
fn saved_workspace(notice: &mut Option<String>) -> Option<Loaded> {
    match storage::load() {
        Ok(Some(saved)) => {
            match Scenario::parse(&saved.scenario)
                .map_err(|e| e.to_string())
                .and_then(|sc| {
                    replay(
                        sc,
                        saved.seed,
                        &saved.steps,
                        saved.now,
                        crate::heap::limit(),
                        "your saved workspace",
                    )
                }) {
                Ok((session, history, restoring)) => Some(Loaded {
                    session,
                    history,
                    preset: saved.preset,
                    view: LinkView::default(),
                    restoring,
                }),
                Err(e) => {
                    storage::clear();
                    if notice.is_none() {
                        *notice = Some(format!("Your saved workspace could not be restored ({e}); the default scenario is loaded instead."));
                    }
                    None
                }
            }
        }
        Ok(None) => None,
        Err(e) => {
            storage::clear();
            if notice.is_none() {
                *notice = Some(format!("Your saved workspace was unreadable ({e}); the default scenario is loaded instead."));
            }
            None
        }
    }
}

fn preset_session(id: &str, seed: Option<u64>) -> Result<Session, String> {
    let json = presets::json(id)?;
    Scenario::parse(&json)
        .and_then(|sc| Session::new(sc, seed))
        .map_err(|e| e.to_string())
}

impl AppState {
    /// The initial state. Precedence: a shared link in the fragment, then a `scenario=`
    /// parameter, then the saved workspace (not in embed mode), then the default preset.
    pub fn initial() -> AppState {
        let (search, hash) = location();
        let page = PageParams::parse(&search);
        let mut notice = None;
        let mut loaded = None;
        match LinkState::from_fragment(&hash) {
            Ok(Some(link)) => match load_link(&link, crate::heap::limit()) {
                Ok(l) => loaded = Some(l),
                Err(e) => notice = Some(e),
            },
            Ok(None) => {}
            Err(e) => notice = Some(e.to_string()),
        }
        let from_link = loaded.is_some();
        let mut pending = None;
        if !hash.is_empty() && !page.embed && kafka_sim::link::fragment_param(&hash).is_some() {
            clear_fragment();
        }
        if loaded.is_none() {
            if let Some(id) = page.scenario.as_ref().filter(|id| !presets::at_hand(id)) {
                // Its file is fetched once the page is up (the app's first effect); the
                // default scenario holds the place, unseen.
                pending = Some(id.clone());
                let (s, p) = default_session();
                loaded = Some(fresh(s, p));
            } else if let Some(id) = &page.scenario {
                match preset_session(id, None) {
                    Ok(s) => loaded = Some(fresh(s, id.clone())),
                    Err(e) => {
                        notice = Some(match notice {
                            Some(n) => format!("{n}; {e}"),
                            None => {
                                format!("The scenario in the address could not be loaded: {e}.")
                            }
                        })
                    }
                }
            }
        }
        let mut restored = false;
        if loaded.is_none() && !page.embed {
            loaded = saved_workspace(&mut notice);
            restored = loaded.is_some();
        }
        let l = match loaded {
            Some(l) => l,
            None => {
                let (s, p) = default_session();
                fresh(s, p)
            }
        };
        // A link that failed names what was loaded instead.
        if let Some(n) = notice.take() {
            notice = Some(
                if n.starts_with("Your saved") || n.starts_with("The scenario") {
                    n
                } else if restored {
                    link_notice(&n, "Your saved workspace is loaded instead.")
                } else if page.scenario.is_some() && l.preset.as_str() != presets::DEFAULT_PRESET {
                    link_notice(&n, "The scenario named in the address is loaded instead.")
                } else {
                    link_notice(&n, "The default scenario is loaded instead.")
                },
            );
        }
        let playing = page.autoplay.or(l.view.playing).unwrap_or(true);
        let speed = l
            .view
            .speed
            .filter(|s| s.is_finite() && *s > 0.0)
            .unwrap_or(1.0);
        let mut st = AppState::from_loaded(l, Rc::new(page), notice);
        st.pending = pending;
        st.playing = playing;
        st.speed = speed.clamp(0.01, 1000.0);
        if st.pending.is_none() && (st.guard_memory() || from_link) {
            st.save();
        }
        st.settle();
        st
    }

    fn from_loaded(l: Loaded, page: Rc<PageParams>, notice: Option<String>) -> AppState {
        let session = l.session;
        let view = Rc::new(session.cluster.view());
        let durability = Rc::new(session.cluster.durability());
        let has_tour = !session.scenario.tour.is_empty();
        let tour = Tour {
            open: has_tour && (!page.embed || page.tour),
            step: 0,
            reached: 0,
            nav: 0,
        };
        let now = session.now();
        let (restoring, timeline, timeline_end) = match l.restoring {
            Some((r, steps)) => (Some(r), steps, r.until),
            None => (None, Rc::new(session.user_steps.clone()), now),
        };
        AppState {
            session: Rc::new(RefCell::new(session)),
            view,
            durability,
            preset: l.preset,
            playing: true,
            speed: 1.0,
            errors: BTreeMap::new(),
            notice,
            version: 0,
            lag_history: Rc::new(VecMap::new()),
            page,
            tour,
            challenge: None,
            api: Rc::new(RefCell::new(ApiOut::default())),
            history: Rc::new(RefCell::new(l.history)),
            timeline,
            timeline_end,
            restoring,
            pending: None,
            fork: None,
            scrubbing: None,
            actual_rate: None,
            carry: 0.0,
            last_saved_at: now,
        }
    }

    /// A new session replacing this one (preset, scenario, restart, link), keeping the page
    /// settings and the API channel.
    fn replaced(&self, l: Loaded) -> AppState {
        let mut next = AppState::from_loaded(l, self.page.clone(), None);
        crate::frame::reset_rate();
        next.version = self.version + 1;
        next.speed = self.speed;
        next.playing = self.page.autoplay.unwrap_or(true);
        next.api = self.api.clone();
        next.api.borrow_mut().state_due = true;
        // Not `guard_memory` here: the session being replaced is still counted until the
        // reducer returns. The next frame checks.
        next.save();
        next.settle();
        next
    }

    /// The next state, with the session's view and durability summary (kept up to date
    /// incrementally by the engine, so this is cheap on every frame; an unchanged summary
    /// keeps its `Rc`, so that components given it see no change).
    fn next(&self) -> AppState {
        let s = self.session.borrow();
        let durability = s.cluster.durability();
        AppState {
            session: self.session.clone(),
            view: Rc::new(s.cluster.view()),
            durability: if *self.durability == durability {
                self.durability.clone()
            } else {
                Rc::new(durability)
            },
            preset: self.preset.clone(),
            playing: self.playing,
            speed: self.speed,
            errors: self.errors.clone(),
            notice: self.notice.clone(),
            version: self.version + 1,
            lag_history: self.lag_history.clone(),
            page: self.page.clone(),
            tour: self.tour,
            challenge: self.challenge.clone(),
            api: self.api.clone(),
            history: self.history.clone(),
            timeline: self.timeline.clone(),
            timeline_end: self.timeline_end,
            restoring: self.restoring,
            pending: self.pending.clone(),
            fork: self.fork.clone(),
            scrubbing: None,
            actual_rate: self.actual_rate,
            carry: self.carry,
            last_saved_at: self.last_saved_at,
        }
    }

    /// Start measuring the achieved rate afresh (time paused or resumed, speed changed).
    fn forget_rate(&mut self) {
        crate::frame::reset_rate();
        self.actual_rate = None;
    }

    /// Whether this page keeps its workspace in localStorage (not when embedded: two
    /// playgrounds on one page would overwrite each other).
    pub fn persistent(&self) -> bool {
        !self.page.embed
    }

    fn save(&mut self) {
        let s = self.session.borrow();
        // Mid-replay, the session is a prefix of the one being restored: save that one.
        if let Some(r) = self.restoring {
            if self.persistent() {
                storage::save_toward(&self.preset, &s, &self.timeline, r.until);
            }
            return;
        }
        if self.persistent() {
            storage::save(&self.preset, &s);
        }
        self.last_saved_at = s.now();
    }

    /// After any change: the tour's automatic steps and the challenge's latch.
    fn settle(&mut self) {
        let s = self.session.borrow();
        let tour = &s.scenario.tour;
        if self.tour.open {
            while self.tour.step == self.tour.reached && self.tour.step < tour.len() {
                let holds = tour[self.tour.step]
                    .until
                    .as_ref()
                    .is_some_and(|c| evaluate(&s.cluster, c).is_ok());
                if !holds {
                    break;
                }
                self.tour.step += 1;
                self.tour.reached = self.tour.step;
            }
        }
        if let Some(ch) = &s.scenario.challenge {
            if !matches!(
                self.challenge,
                Some(ChallengeStatus::Succeeded) | Some(ChallengeStatus::Failed(_))
            ) {
                self.challenge = Some(ch.status(&s.cluster));
            }
        }
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

    /// At the memory limit (`heap.rs`): pause, and say so next to Play; returns whether the page
    /// is over it. Below it, an earlier such message goes.
    pub(crate) fn guard_memory(&mut self) -> bool {
        if crate::heap::over() {
            self.playing = false;
            self.errors
                .insert(PLAY_CONTROL.into(), crate::heap::full_message());
            true
        } else {
            self.errors.remove(PLAY_CONTROL);
            false
        }
    }

    /// One frame of a replay in progress (see [`Restoring`]): [`RESTORE_FRAME_MS`] of it, so the
    /// whole replay takes not much longer than in one go while the page shows its progress.
    fn restore_frame(&self) -> AppState {
        let Some(r) = self.restoring else {
            return self.next();
        };
        let start = crate::frame::real_now();
        let budget = FRAME_MS.with(std::cell::Cell::get);
        let result = {
            let mut s = self.session.borrow_mut();
            self.history
                .borrow_mut()
                .resume_while(&mut s, &self.timeline, r.until, &mut || {
                    crate::frame::real_now() - start < budget && !crate::heap::over()
                })
        };
        let mut next = self.next();
        match result {
            Ok(true) => {
                next.restoring = None;
                next.timeline_end = r.until;
                next.save();
            }
            Ok(false) => {
                if next.guard_memory() {
                    next.restoring = None;
                    next.save();
                }
            }
            Err(e) => {
                let at = next.view.now as f64 / 1000.0;
                next.restoring = None;
                next.playing = false;
                next.notice = Some(format!(
                    "The replay of {} stopped at t = {at:.2} s: {e}",
                    r.what
                ));
                next.save();
            }
        }
        next.sample_lag();
        next.settle();
        next
    }

    /// Play pressed (or pause): over the memory limit after a rewind, the old future, which
    /// running time drops anyway, is dropped first (its snapshots hold its records), and only
    /// then is Play refused if the page is still over the limit.
    fn play_within_memory(&mut self) {
        if self.playing && crate::heap::over() {
            self.commit_timeline();
        }
        self.guard_memory();
    }

    pub fn error(&self, control: &str) -> Option<&String> {
        self.errors.get(control)
    }

    /// A large session (more than [`LARGE_PARTITIONS`] partitions in its own topics): the page
    /// holds the sections scrolled out of view (`components/hold.rs`).
    pub fn large(&self) -> bool {
        self.view
            .topics
            .iter()
            .filter(|t| !t.internal)
            .map(|t| t.partitions.len())
            .sum::<usize>()
            > LARGE_PARTITIONS
    }

    /// Whether the controls that change the cluster are shown.
    pub fn editable(&self) -> bool {
        !self.page.readonly
    }

    /// The link state of this session (for "Copy link").
    pub fn link_state(&self) -> LinkState {
        LinkState::of(
            &self.session.borrow(),
            LinkView {
                preset: Some(self.preset.clone()),
                speed: Some(self.speed),
                playing: Some(self.playing),
            },
        )
    }

    /// Before time runs or a command applies at a rewound moment: the old future is dropped.
    /// Returns the timeline and its end from now on (the history is shared, so it is pruned
    /// in place).
    fn committed_timeline(&self) -> (Rc<Vec<Step>>, u64) {
        let now = self.session.borrow().now();
        if now < self.timeline_end {
            self.history.borrow_mut().forget_after(now);
            (Rc::new(self.session.borrow().user_steps.clone()), now)
        } else {
            (self.timeline.clone(), self.timeline_end)
        }
    }

    fn commit_timeline(&mut self) {
        let (t, end) = self.committed_timeline();
        self.timeline = t;
        self.timeline_end = end;
    }

    /// After time moved forward: snapshots, the fork, the timeline's end.
    fn after_advance(&mut self) {
        let s = self.session.borrow();
        let now = s.now();
        self.history.borrow_mut().record(&s);
        if now > self.timeline_end {
            self.timeline_end = now;
        }
        if let Some(f) = &self.fork {
            let mut fs = f.session.borrow_mut();
            if fs.now() < now {
                fs.advance_to(now);
                *f.durability.borrow_mut() = fs.cluster.durability();
            }
        }
    }

    fn challenge_label(&self) -> Option<&'static str> {
        match &self.challenge {
            None => None,
            Some(ChallengeStatus::InProgress) => Some("in_progress"),
            Some(ChallengeStatus::Succeeded) => Some("succeeded"),
            Some(ChallengeStatus::Failed(_)) => Some("failed"),
        }
    }

    /// The state event for the embedding page.
    pub fn state_event(&self) -> Value {
        api::state_event(
            &self.view,
            &self.durability,
            &self.session.borrow().scenario.name,
            self.playing,
            self.challenge_label(),
        )
    }

    fn reply(&self, v: Value) {
        self.api.borrow_mut().queue.push(v);
    }
}

fn default_session() -> (Session, String) {
    let id = presets::DEFAULT_PRESET.to_string();
    match preset_session(&id, None) {
        Ok(s) => return (s, id),
        Err(e) => web_log(&format!("default preset failed to build: {e}")),
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

impl AppState {
    fn apply_command(&self, control: String, action: Action) -> (AppState, Result<(), String>) {
        let (timeline, end) = self.committed_timeline();
        let result = self.session.borrow_mut().apply(action.clone());
        let mut next = self.next();
        next.timeline = timeline;
        next.timeline_end = end;
        let out = match result {
            Ok(()) => {
                next.errors.remove(&control);
                next.timeline = Rc::new(next.session.borrow().user_steps.clone());
                if let Some(f) = &next.fork {
                    if let Err(e) = f.session.borrow_mut().apply(action) {
                        f.errors.borrow_mut().push(e.to_string());
                    }
                    *f.durability.borrow_mut() = f.session.borrow().cluster.durability();
                }
                next.save();
                next.api.borrow_mut().state_due = true;
                Ok(())
            }
            Err(e) => {
                let msg = describe(&e);
                next.errors.insert(control, msg.clone());
                Err(msg)
            }
        };
        next.settle();
        (next, out)
    }

    fn load_scenario_json(&self, json: &str, seed: Option<u64>) -> Result<AppState, String> {
        Scenario::parse(json)
            .and_then(|sc| Session::new(sc, seed))
            .map(|s| self.replaced(fresh(s, "custom".into())))
            .map_err(|e| describe(&e))
    }

    fn handle_api(self: Rc<Self>, env: Envelope) -> Rc<Self> {
        let Envelope { id, kind, request } = env;
        match request {
            Request::Command(action) => {
                let (next, r) = self.apply_command("api".into(), action);
                match r {
                    Ok(()) => next.reply(api::ok(&id, &kind)),
                    Err(e) => next.reply(api::error(&id, Some(&kind), &e)),
                }
                Rc::new(next)
            }
            Request::Load {
                scenario,
                preset,
                seed,
            } => {
                let result = match (scenario, preset) {
                    (Some(json), _) => self.load_scenario_json(&json, seed),
                    (None, Some(id)) => {
                        preset_session(&id, seed).map(|s| self.replaced(fresh(s, id)))
                    }
                    (None, None) => Err("nothing to load".into()),
                };
                match result {
                    Ok(next) => {
                        next.reply(api::ok(&id, &kind));
                        Rc::new(next)
                    }
                    Err(e) => {
                        self.reply(api::error(&id, Some(&kind), &e));
                        let mut next = self.next();
                        next.version = self.version + 1;
                        Rc::new(next)
                    }
                }
            }
            Request::Subscribe | Request::Unsubscribe | Request::GetState => {
                {
                    let mut out = self.api.borrow_mut();
                    match request {
                        Request::Subscribe => {
                            out.subscribed = true;
                            out.state_due = true;
                        }
                        Request::Unsubscribe => out.subscribed = false,
                        _ => {}
                    }
                }
                if matches!(request, Request::GetState) {
                    self.reply(self.state_event());
                }
                self.reply(api::ok(&id, &kind));
                let mut next = self.next();
                next.version = self.version + 1;
                Rc::new(next)
            }
            Request::Play(p) => {
                let mut next = self.next();
                if p && next.restoring.is_none() {
                    next.commit_timeline();
                }
                next.playing = p;
                if p && next.guard_memory() {
                    let e = next.error(PLAY_CONTROL).cloned().unwrap_or_default();
                    next.reply(api::error(&id, Some(&kind), &e));
                    return Rc::new(next);
                }
                next.reply(api::ok(&id, &kind));
                next.api.borrow_mut().state_due = true;
                Rc::new(next)
            }
        }
    }
}

/// Advance `s` by up to `ms` simulated milliseconds, in pieces, until `budget_ms` of real time
/// (the engine's share of the frame, `frame::engine_ms`) is spent; returns the simulated
/// milliseconds done. On a session too large for real time, simulated time then runs slower
/// than real time rather than every frame taking longer. Advancing in pieces is the same as
/// advancing at once (events run in time order either way), so replays are unaffected. Stops
/// early at the memory limit too (`heap.rs`; the caller pauses).
fn advance_within(s: &mut Session, ms: u64, budget_ms: f64) -> u64 {
    let start = crate::frame::real_now();
    let piece = (ms / ENGINE_PIECES).max(1);
    let mut done = 0;
    while done < ms {
        let step = piece.min(ms - done);
        s.advance(step);
        done += step;
        if crate::frame::real_now() - start >= budget_ms || crate::heap::over() {
            break;
        }
    }
    done
}

impl Reducible for AppState {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        if self.restoring.is_some() && msg.ends_restoring() {
            // Where the replay got to, with the rest of its timeline ahead, as after a rewind.
            let mut next = self.next();
            next.restoring = None;
            next.playing = false;
            next.save();
            let next = Rc::new(next);
            return if matches!(msg, Msg::StopRestoring) {
                next
            } else {
                next.reduce(msg)
            };
        }
        match msg {
            Msg::StopRestoring => self,
            Msg::Tick(_) if self.restoring.is_some() => Rc::new(self.restore_frame()),
            Msg::Tick(real_ms) => {
                if !self.playing || self.pending.is_some() {
                    return self;
                }
                // Whether this frame came on time decides how much the next ones may hold.
                crate::frame::frame(real_ms);
                let sim_ms = real_ms.clamp(0.0, MAX_FRAME_MS) * self.speed + self.carry;
                let whole = sim_ms.floor();
                let (timeline, end) = self.committed_timeline();
                let want = whole as u64;
                let done = advance_within(
                    &mut self.session.borrow_mut(),
                    want,
                    crate::frame::engine_ms(),
                );
                let engine_end = crate::frame::real_now();
                let mut next = self.next();
                next.timeline = timeline;
                next.timeline_end = end;
                // Behind (the engine used its budget): drop the rest, as the frame clamp does,
                // so simulated time runs slower than real time instead of frames growing.
                next.carry = if done < want { 0.0 } else { sim_ms - whole };
                next.actual_rate =
                    crate::frame::measure_rate(real_ms.clamp(0.0, MAX_FRAME_MS), done);
                if next.guard_memory() {
                    next.carry = 0.0;
                    next.forget_rate();
                    next.save();
                }
                next.after_advance();
                next.sample_lag();
                next.settle();
                if next.view.now.saturating_sub(next.last_saved_at) >= 2_000 {
                    next.save();
                }
                crate::frame::ticked(crate::frame::real_now() - engine_end);
                Rc::new(next)
            }
            Msg::SetPlaying(p) => {
                let mut next = self.next();
                next.forget_rate();
                next.playing = p;
                next.play_within_memory();
                next.save();
                Rc::new(next)
            }
            Msg::TogglePlaying => {
                let mut next = self.next();
                next.forget_rate();
                next.playing = !self.playing;
                next.play_within_memory();
                next.save();
                Rc::new(next)
            }
            Msg::Step => {
                let (timeline, end) = self.committed_timeline();
                // At the memory limit a step is refused as Play is (after the old future,
                // which stepping drops anyway, is gone), with the same message next to Play.
                let refused = crate::heap::over();
                if !refused {
                    let mut s = self.session.borrow_mut();
                    match s.cluster.next_event_at() {
                        Some(t) => s.advance_to(t),
                        None => s.advance(1),
                    }
                }
                let mut next = self.next();
                next.timeline = timeline;
                next.timeline_end = end;
                next.playing = false;
                if refused {
                    next.guard_memory();
                    next.save();
                    return Rc::new(next);
                }
                next.after_advance();
                next.settle();
                Rc::new(next)
            }
            Msg::SetSpeed(v) => {
                let mut next = self.next();
                next.forget_rate();
                next.speed = if v.is_finite() {
                    v.clamp(0.01, 1000.0)
                } else {
                    1.0
                };
                Rc::new(next)
            }
            Msg::Command { control, action } => {
                if !self.editable() {
                    return self;
                }
                Rc::new(self.apply_command(control, action).0)
            }
            Msg::LoadPreset(id) => match preset_session(&id, None) {
                Ok(s) => Rc::new(self.replaced(fresh(s, id))),
                Err(e) if self.pending.as_ref() == Some(&id) => {
                    // What the page would have opened without the address's scenario: the
                    // saved workspace (not when embedded), or the default one it shows.
                    let mut note = None;
                    let saved = if self.page.embed {
                        None
                    } else {
                        saved_workspace(&mut note)
                    };
                    let (mut next, instead) = match saved {
                        Some(l) => (self.replaced(l), "Your saved workspace is loaded instead."),
                        None => (self.next(), "The default scenario is loaded instead."),
                    };
                    next.pending = None;
                    next.notice = Some(format!(
                        "The scenario in the address could not be loaded: {e}. {instead}"
                    ));
                    Rc::new(next)
                }
                Err(e) => {
                    let mut next = self.next();
                    next.errors.insert("preset".into(), e);
                    Rc::new(next)
                }
            },
            Msg::LoadScenario { control, json } => match self.load_scenario_json(&json, None) {
                Ok(mut next) => {
                    next.errors.remove(&control);
                    Rc::new(next)
                }
                Err(e) => {
                    let mut next = self.next();
                    next.errors.insert(control, e);
                    Rc::new(next)
                }
            },
            Msg::OpenLink(fragment) => match LinkState::from_fragment(&fragment) {
                Ok(None) => self,
                Ok(Some(link)) => match load_link(&link, crate::heap::rebuild_ceiling()) {
                    Ok(l) => {
                        let view = l.view.clone();
                        let mut next = self.replaced(l);
                        if let Some(p) = view.playing {
                            next.playing = p;
                        }
                        if let Some(sp) = view.speed.filter(|s| s.is_finite() && *s > 0.0) {
                            next.speed = sp.clamp(0.01, 1000.0);
                        }
                        if !self.page.embed {
                            clear_fragment();
                        }
                        Rc::new(next)
                    }
                    Err(e) => {
                        let mut next = self.next();
                        next.notice = Some(link_notice(&e, "The current session is kept."));
                        Rc::new(next)
                    }
                },
                Err(e) => {
                    let mut next = self.next();
                    next.notice = Some(link_notice(&e, "The current session is kept."));
                    Rc::new(next)
                }
            },
            Msg::Restart => {
                let sc = self.session.borrow().scenario.clone();
                let seed = Some(self.session.borrow().cluster.seed);
                match Session::new(sc, seed) {
                    Ok(s) => Rc::new(self.replaced(fresh(s, self.preset.clone()))),
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
            Msg::Notice(n) => {
                let mut next = self.next();
                next.notice = Some(n);
                Rc::new(next)
            }
            Msg::TourOpen(open) => {
                let mut next = self.next();
                next.tour.open = open;
                next.tour.nav += 1;
                if open && next.tour.step >= self.session.borrow().scenario.tour.len() {
                    next.tour = Tour {
                        open: true,
                        step: 0,
                        reached: 0,
                        nav: next.tour.nav,
                    };
                }
                next.settle();
                Rc::new(next)
            }
            Msg::TourGo(step) => {
                let len = self.session.borrow().scenario.tour.len();
                let mut next = self.next();
                let step = step.min(len);
                next.tour.step = step;
                next.tour.reached = next.tour.reached.max(step);
                next.tour.nav += 1;
                next.settle();
                Rc::new(next)
            }
            Msg::Seek(t) | Msg::Scrub(t) => {
                let exact = matches!(msg, Msg::Seek(_));
                let t = t.clamp(self.history.borrow().start(), self.timeline_end);
                let rebuilt = if exact {
                    let ceiling = crate::heap::rebuild_ceiling();
                    self.history
                        .borrow()
                        .session_at_while(&self.timeline, t, &mut || crate::heap::live() < ceiling)
                } else {
                    self.history
                        .borrow()
                        .preview_at(&self.timeline, t, SCRUB_PREVIEW_MS)
                };
                match rebuilt {
                    Ok(s) => {
                        let now = s.now();
                        *self.session.borrow_mut() = s;
                        let mut next = self.next();
                        next.scrubbing = (!exact).then_some(t);
                        next.playing = false;
                        next.carry = 0.0;
                        next.fork = None;
                        next.challenge = None;
                        let mut lag = (*self.lag_history).clone();
                        for q in lag.values_mut() {
                            q.retain(|(at, _)| *at <= now);
                        }
                        next.lag_history = Rc::new(lag);
                        next.errors.remove("timeline");
                        next.guard_memory();
                        if exact {
                            next.save();
                        }
                        next.settle();
                        next.api.borrow_mut().state_due = true;
                        Rc::new(next)
                    }
                    Err(e) => {
                        let mut next = self.next();
                        next.errors.insert("timeline".into(), describe(&e));
                        Rc::new(next)
                    }
                }
            }
            Msg::Fork { label, changes } => {
                let mut copy = self.session.borrow().clone();
                let mut refused = Vec::new();
                for a in changes {
                    if let Err(e) = copy.apply(a) {
                        refused.push(e.to_string());
                    }
                }
                let mut next = self.next();
                if !refused.is_empty() {
                    next.errors.insert("fork".into(), refused.join("; "));
                    return Rc::new(next);
                }
                next.errors.remove("fork");
                let d = copy.cluster.durability();
                next.fork = Some(Rc::new(Fork {
                    label,
                    from_ms: copy.now(),
                    session: RefCell::new(copy),
                    durability: RefCell::new(d),
                    errors: RefCell::new(Vec::new()),
                }));
                Rc::new(next)
            }
            Msg::CloseFork => {
                let mut next = self.next();
                next.fork = None;
                Rc::new(next)
            }
            Msg::Api(env) => self.handle_api(env),
            Msg::ApiRefused(r) => {
                self.reply(api::error(&r.id, r.kind.as_deref(), &r.error));
                let mut next = self.next();
                next.version = self.version + 1;
                Rc::new(next)
            }
        }
    }
}
