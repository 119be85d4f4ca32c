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

use std::cell::RefCell;

/// Work (engine + page) aimed at per frame, leaving the rest of a 60 Hz interval (16.7 ms) to
/// the browser's style, layout, paint and compositing, which are not measured here (about 5 ms
/// a frame at the scale preset on the 2-core machine of BENCHMARKS.md: with 12 ms, one frame
/// in eight missed its interval).
pub const FRAME_WORK_MS: f64 = 9.0;
/// The engine's share never goes below this, so that a session always moves on.
pub const MIN_ENGINE_MS: f64 = 3.0;
/// Weight of the newest frame in the running averages.
const WEIGHT: f64 = 0.2;

/// Running averages of the page's own work per frame, in real milliseconds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrameBudget {
    /// From the engine's end to the reducer's end (the view, snapshots, lag samples).
    after_engine_ms: f64,
    /// From the reducer's end to the end of the render it caused.
    render_ms: f64,
    /// When the last tick's reducer finished (`performance.now()`), until its render is seen.
    pending_since: Option<f64>,
}

impl FrameBudget {
    /// Real milliseconds the engine may use in the next frame: what the page's own work
    /// leaves of [`FRAME_WORK_MS`], and at least [`MIN_ENGINE_MS`].
    pub fn engine_ms(&self) -> f64 {
        (FRAME_WORK_MS - self.after_engine_ms - self.render_ms).max(MIN_ENGINE_MS)
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
        assert_eq!(b.engine_ms(), FRAME_WORK_MS, "before any frame");
        frames(&mut b, 50, 0.2, 0.5);
        assert!(
            (b.engine_ms() - (FRAME_WORK_MS - 0.7)).abs() < 0.01,
            "{}",
            b.engine_ms()
        );
    }

    #[test]
    fn the_engine_gets_what_the_pages_work_leaves() {
        let mut b = FrameBudget::default();
        frames(&mut b, 100, 2.0, 4.0);
        let want = FRAME_WORK_MS - 6.0;
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
        assert!((b.engine_ms() - (FRAME_WORK_MS - 2.0)).abs() < 0.01);
        frames(&mut b, 30, 1.0, 7.0);
        assert!(b.engine_ms() < 4.1, "{}", b.engine_ms());
    }
}
