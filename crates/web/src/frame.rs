//! How much of each animation frame the engine may use.
//!
//! A frame is the engine advancing simulated time, then the page's own work: the new view
//! (`Cluster::view`, rewind snapshots, lag samples), Yew's render, and the browser's style,
//! layout and paint. When a session is too large to simulate in real time, a fixed engine
//! budget makes every frame as long as the budget plus the page's work; at the scale preset
//! that is two or three 60 Hz intervals. Instead the engine gets what the page's own work
//! leaves of a frame, measured over the last frames: the page stays at 60 frames a second and
//! simulated time runs slower than real time (the time controls say so). A small session needs a
//! fraction of a millisecond per frame and never meets the budget.
//!
//! What a frame may hold is not fixed either. The browser's own work (style, layout, paint,
//! garbage collection) cannot be timed from the page, and it differs between machines and
//! between sessions (several milliseconds a frame at the scale preset on the 2-core machine
//! of BENCHMARKS.md). So the work aimed at per frame follows the frames themselves: a frame that
//! came half a display interval late or more (so it missed one) shrinks it, and every frame on
//! time lets it grow a little, so that in balance about one frame in fifty is late.

use std::cell::RefCell;

/// Work (engine + page) aimed at per frame at first, in real milliseconds.
pub const START_WORK_MS: f64 = 9.0;
/// The least and the most work aimed at per frame.
pub const MIN_WORK_MS: f64 = 2.0;
pub const MAX_WORK_MS: f64 = 14.0;
/// A late frame takes this much from the work aimed at; a frame on time gives back
/// [`WORK_GROWTH_MS`]. In balance, about one frame in fifty is late.
pub const WORK_SHRINK_MS: f64 = 0.5;
pub const WORK_GROWTH_MS: f64 = 0.01;
/// The engine's share never goes below this, so that a session always moves on.
pub const MIN_ENGINE_MS: f64 = 1.0;
/// Weight of the newest frame in the running averages.
const WEIGHT: f64 = 0.2;
/// Frames over which the display's interval is taken as the shortest seen.
const INTERVAL_FRAMES: usize = 60;
/// A frame this many display intervals after the previous one was late.
const LATE: f64 = 1.5;
/// A gap this long (real ms) is a stall or a hidden tab, not a late frame.
const STALL_MS: f64 = 100.0;

/// Running averages of the page's own work per frame, in real milliseconds, and the work
/// aimed at per frame.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameBudget {
    /// Engine + page work aimed at per frame (see the module's documentation).
    work_ms: f64,
    /// The last frames' intervals (a ring), whose shortest is the display's interval.
    intervals: Vec<f64>,
    next_interval: usize,
    /// From the engine's end to the reducer's end (the view, snapshots, lag samples).
    after_engine_ms: f64,
    /// From the reducer's end to the end of the render it caused.
    render_ms: f64,
    /// When the last tick's reducer finished (`performance.now()`), until its render is seen.
    pending_since: Option<f64>,
}

impl Default for FrameBudget {
    fn default() -> Self {
        FrameBudget {
            work_ms: START_WORK_MS,
            intervals: Vec::with_capacity(INTERVAL_FRAMES),
            next_interval: 0,
            after_engine_ms: 0.0,
            render_ms: 0.0,
            pending_since: None,
        }
    }
}

impl FrameBudget {
    /// Real milliseconds the engine may use in the next frame: what the page's own work
    /// leaves of the work aimed at, and at least [`MIN_ENGINE_MS`].
    pub fn engine_ms(&self) -> f64 {
        (self.work_ms - self.after_engine_ms - self.render_ms).max(MIN_ENGINE_MS)
    }

    /// The work aimed at per frame now.
    pub fn work_ms(&self) -> f64 {
        self.work_ms
    }

    /// A frame came `dt` real milliseconds after the previous one: a late one (half a display
    /// interval or more late) shrinks the work aimed at, one on time lets it grow.
    pub fn frame(&mut self, dt: f64) {
        if !(dt > 0.0 && dt < STALL_MS) {
            return;
        }
        if self.intervals.len() < INTERVAL_FRAMES {
            self.intervals.push(dt);
        } else if let Some(slot) = self.intervals.get_mut(self.next_interval) {
            *slot = dt;
        }
        self.next_interval = (self.next_interval + 1) % INTERVAL_FRAMES;
        let display = self.intervals.iter().copied().fold(f64::INFINITY, f64::min);
        self.work_ms = if dt > LATE * display {
            self.work_ms - WORK_SHRINK_MS
        } else {
            self.work_ms + WORK_GROWTH_MS
        }
        .clamp(MIN_WORK_MS, MAX_WORK_MS);
    }

    /// A tick's reducer finished at `now`, `after_engine_ms` after the engine did.
    pub fn ticked(&mut self, after_engine_ms: f64, now: f64) {
        self.after_engine_ms = mix(self.after_engine_ms, after_engine_ms.max(0.0));
        self.pending_since = Some(now);
    }

    /// The page finished rendering at `now`: if a tick is waiting for its render, that render
    /// took `now` minus the tick's end.
    pub fn rendered(&mut self, now: f64) {
        if let Some(since) = self.pending_since.take() {
            self.render_ms = mix(self.render_ms, (now - since).max(0.0));
        }
    }
}

fn mix(avg: f64, x: f64) -> f64 {
    avg + WEIGHT * (x - avg)
}

/// Simulated time per real time actually achieved, over windows of about a second of frames.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RateMeter {
    real_ms: f64,
    sim_ms: u64,
    rate: Option<f64>,
}

/// Real milliseconds a [`RateMeter`] window spans.
const RATE_WINDOW_MS: f64 = 1000.0;

impl RateMeter {
    /// A frame of `real_ms` advanced the simulation by `sim_ms`.
    pub fn add(&mut self, real_ms: f64, sim_ms: u64) {
        self.real_ms += real_ms.max(0.0);
        self.sim_ms += sim_ms;
        if self.real_ms >= RATE_WINDOW_MS {
            self.rate = Some(self.sim_ms as f64 / self.real_ms);
            self.real_ms = 0.0;
            self.sim_ms = 0;
        }
    }

    /// The last full window's rate (simulated ms per real ms), if there was one.
    pub fn rate(&self) -> Option<f64> {
        self.rate
    }

    /// Forget everything (time paused, the speed or the session changed).
    pub fn reset(&mut self) {
        *self = RateMeter::default();
    }
}

thread_local! {
    static BUDGET: RefCell<FrameBudget> = RefCell::new(FrameBudget::default());
    static RATE: RefCell<RateMeter> = RefCell::new(RateMeter::default());
}

/// Count a frame's real and simulated milliseconds; returns the achieved rate so far.
pub fn measure_rate(real_ms: f64, sim_ms: u64) -> Option<f64> {
    RATE.with(|r| {
        let mut r = r.borrow_mut();
        r.add(real_ms, sim_ms);
        r.rate()
    })
}

/// Start measuring the rate afresh.
pub fn reset_rate() {
    RATE.with(|r| r.borrow_mut().reset());
}

/// The current time in real milliseconds (`performance.now()`).
pub fn real_now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

/// The engine's budget for this frame (see [`FrameBudget::engine_ms`]).
pub fn engine_ms() -> f64 {
    BUDGET.with(|b| b.borrow().engine_ms())
}

/// A frame came `dt` real milliseconds after the previous one (see [`FrameBudget::frame`]).
pub fn frame(dt: f64) {
    BUDGET.with(|b| b.borrow_mut().frame(dt));
}

/// Record that a tick's reducer is done, `after_engine_ms` after the engine was.
pub fn ticked(after_engine_ms: f64) {
    let t = real_now();
    BUDGET.with(|b| b.borrow_mut().ticked(after_engine_ms, t));
}

/// Record that the page finished a render (called from the app's effect, which runs after
/// every component of the render).
pub fn rendered() {
    let t = real_now();
    BUDGET.with(|b| b.borrow_mut().rendered(t));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(b: &mut FrameBudget, n: usize, after_engine: f64, render: f64) {
        let mut t = 0.0;
        for _ in 0..n {
            t += 16.7;
            b.ticked(after_engine, t);
            b.rendered(t + render);
        }
    }

    #[test]
    fn the_rate_is_simulated_over_real_time_per_window() {
        let mut m = RateMeter::default();
        assert_eq!(m.rate(), None);
        for _ in 0..59 {
            m.add(16.7, 5);
        }
        assert_eq!(m.rate(), None, "under a second of frames");
        m.add(16.7, 5);
        let r = m.rate().unwrap();
        assert!((r - 300.0 / 1002.0).abs() < 1e-9, "{r}");
        // The next window replaces it once it is full.
        for _ in 0..60 {
            m.add(16.7, 17);
        }
        assert!((m.rate().unwrap() - 1020.0 / 1002.0).abs() < 1e-9);
        m.reset();
        assert_eq!(m.rate(), None);
    }

    #[test]
    fn a_light_page_leaves_the_engine_nearly_all_of_the_frame() {
        let mut b = FrameBudget::default();
        assert_eq!(b.engine_ms(), START_WORK_MS, "before any frame");
        frames(&mut b, 50, 0.2, 0.5);
        assert!(
            (b.engine_ms() - (START_WORK_MS - 0.7)).abs() < 0.01,
            "{}",
            b.engine_ms()
        );
    }

    #[test]
    fn the_engine_gets_what_the_pages_work_leaves() {
        let mut b = FrameBudget::default();
        frames(&mut b, 100, 2.0, 4.0);
        let want = START_WORK_MS - 6.0;
        assert!(
            (b.engine_ms() - want).abs() < 0.05,
            "{} vs {want}",
            b.engine_ms()
        );
    }

    #[test]
    fn a_heavy_page_still_lets_the_engine_move_on() {
        let mut b = FrameBudget::default();
        frames(&mut b, 100, 5.0, 20.0);
        assert_eq!(b.engine_ms(), MIN_ENGINE_MS);
    }

    #[test]
    fn a_render_without_a_tick_is_not_counted() {
        let mut b = FrameBudget::default();
        frames(&mut b, 100, 1.0, 3.0);
        let before = b.clone();
        // A click re-renders the page long after the last tick: not a frame's render.
        b.rendered(1e6);
        assert_eq!(b, before);
    }

    #[test]
    fn the_budget_follows_a_change_within_a_few_dozen_frames() {
        let mut b = FrameBudget::default();
        frames(&mut b, 100, 1.0, 1.0);
        assert!((b.engine_ms() - (START_WORK_MS - 2.0)).abs() < 0.01);
        frames(&mut b, 30, 1.0, 7.0);
        assert!(b.engine_ms() < 4.1, "{}", b.engine_ms());
    }

    /// Frames at a 60 Hz display's pace, `late` of every `every` one interval late.
    fn paced(b: &mut FrameBudget, n: usize, late_every: usize) {
        for i in 0..n {
            let late = late_every > 0 && i % late_every == late_every - 1;
            b.frame(if late { 33.4 } else { 16.7 });
        }
    }

    #[test]
    fn late_frames_shrink_the_work_aimed_at_and_the_engines_share() {
        let mut b = FrameBudget::default();
        frames(&mut b, 100, 1.0, 3.0);
        let before = b.engine_ms();
        // Every other frame late: the work aimed at falls to its least.
        paced(&mut b, 200, 2);
        assert_eq!(b.work_ms(), MIN_WORK_MS);
        assert!(b.engine_ms() < before, "{} vs {before}", b.engine_ms());
        assert_eq!(
            b.engine_ms(),
            MIN_ENGINE_MS,
            "the page's 4 ms exceed the least work"
        );
    }

    #[test]
    fn frames_on_time_let_the_work_grow_back_to_its_most() {
        let mut b = FrameBudget::default();
        paced(&mut b, 100, 2);
        assert_eq!(b.work_ms(), MIN_WORK_MS);
        paced(&mut b, 600, 0);
        let grown = MIN_WORK_MS + 600.0 * WORK_GROWTH_MS;
        assert!((b.work_ms() - grown).abs() < 1e-9, "{}", b.work_ms());
        paced(&mut b, 2_000, 0);
        assert_eq!(b.work_ms(), MAX_WORK_MS);
    }

    #[test]
    fn in_balance_about_one_frame_in_fifty_is_late() {
        // One late frame in 60 lets the work grow (by 59 × 0.01 ms) more than it shrinks (by
        // 0.5 ms); one in 40 shrinks it.
        let mut b = FrameBudget::default();
        paced(&mut b, 6_000, 60);
        assert!(b.work_ms() > START_WORK_MS, "{}", b.work_ms());
        let mut b = FrameBudget::default();
        paced(&mut b, 6_000, 40);
        assert!(b.work_ms() < START_WORK_MS, "{}", b.work_ms());
    }

    #[test]
    fn a_stall_or_a_hidden_tab_is_not_a_late_frame() {
        let mut b = FrameBudget::default();
        paced(&mut b, 10, 0);
        let before = b.work_ms();
        b.frame(2_000.0);
        b.frame(0.0);
        b.frame(f64::NAN);
        assert_eq!(b.work_ms(), before);
    }

    #[test]
    fn late_is_measured_against_the_displays_own_interval() {
        // At 120 Hz a frame after 16.7 ms missed an interval; at 60 Hz it did not.
        let mut fast = FrameBudget::default();
        for _ in 0..60 {
            fast.frame(8.35);
        }
        let before = fast.work_ms();
        fast.frame(16.7);
        assert!((fast.work_ms() - (before - WORK_SHRINK_MS)).abs() < 1e-9);
        let mut slow = FrameBudget::default();
        paced(&mut slow, 60, 0);
        let before = slow.work_ms();
        slow.frame(16.7);
        assert!(slow.work_ms() > before);
    }
}
