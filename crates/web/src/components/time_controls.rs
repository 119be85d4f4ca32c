//! Play / pause / step / speed, the simulated clock, and restart.
use super::use_app;
use crate::state::{Msg, SPEEDS};
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
            <super::fast_forward::FastForward />
            <button class="ghost" onclick={restart} title="Reload this scenario from the start">{ "Restart" }</button>
        </div>
    }
}
