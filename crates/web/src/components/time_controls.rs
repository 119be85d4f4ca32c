//! Play / pause / step / speed, the simulated clock, and restart.
use super::use_app;
use crate::state::{Msg, PLAY_CONTROL, SPEEDS};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[function_component(TimeControls)]
pub fn time_controls() -> Html {
    let app = use_app();
    let playing = app.playing;
    let toggle = {
        let d = app.dispatcher();
        Callback::from(move |_| d.dispatch(Msg::TogglePlaying))
    };
    let step = {
        let d = app.dispatcher();
        Callback::from(move |_| d.dispatch(Msg::Step))
    };
    let restart = {
        let d = app.dispatcher();
        Callback::from(move |_| d.dispatch(Msg::Restart))
    };
    let speed = {
        let d = app.dispatcher();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            d.dispatch(Msg::SetSpeed(v.parse().unwrap_or(1.0)));
        })
    };
    let current = app.speed;
    let t = app.view.now as f64 / 1000.0;
    // Shown while the engine cannot keep up with the chosen speed (see `frame.rs`).
    let behind = app.actual_rate.filter(|r| playing && *r < 0.9 * current);
    html! {
        <div class="time" role="group" aria-label="Simulated time">
            <button id="play-toggle" class="primary icon-text" onclick={toggle} aria-pressed={playing.to_string()}
                title="Play or pause simulated time (Space)">
                if playing { <span aria-hidden="true">{ "❚❚" }</span>{ " Pause" } } else { <span aria-hidden="true">{ "▶" }</span>{ " Play" } }
            </button>
            <button id="step" onclick={step} title="Process the next event">{ "Step" }</button>
            <label class="speed">
                <span class="visually-hidden">{ "Speed" }</span>
                <select id="speed" onchange={speed} aria-label="Speed">
                    { for SPEEDS.iter().map(|s| html! { <option value={s.to_string()} selected={(*s - current).abs() < 1e-9}>{ format!("{s}×") }</option> }) }
                </select>
            </label>
            <output class="clock" id="clock" aria-live="off" title="Simulated time">{ format!("t = {t:.2} s") }</output>
            if let Some(r) = behind {
                <span class="actual-rate" data-testid="actual-rate"
                    title="This session is too large to simulate at the chosen speed on this device: the simulation gets what drawing leaves of each frame, so simulated time runs slower than real time and the page stays smooth.">
                    { format!("running at {r:.2}×") }
                </span>
            }
            <super::fast_forward::FastForward />
            <button class="ghost" onclick={restart} title="Reload this scenario from the start">{ "Restart" }</button>
            // Play refused, or time paused, at the page's memory limit (`heap.rs`).
            <super::field_error::FieldError control={PLAY_CONTROL} />
        </div>
    }
}
