//! Title, scenario picker and the time controls.
use super::field_error::FieldError;
use super::time_controls::TimeControls;
use super::use_app;
use crate::presets::PRESETS;
use crate::state::Msg;
use kafka_sim::scenario::Scenario;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[function_component(Header)]
pub fn header() -> Html {
    let app = use_app();
    let onchange = {
        let d = app.dispatcher();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            d.dispatch(Msg::LoadPreset(v));
        })
    };
    let current = app.preset.clone();
    let options = PRESETS.iter().map(|p| {
        let name = Scenario::parse(p.json)
            .map(|s| s.name)
            .unwrap_or_else(|_| p.id.to_string());
        html! { <option value={p.id} selected={p.id == current}>{ name }</option> }
    });
    let description = app.session.borrow().scenario.description.clone();
    html! {
        <header class="topbar">
            <div class="brand">
                <svg class="logo" viewBox="0 0 32 32" aria-hidden="true">
                    <rect x="3" y="7" width="26" height="5" rx="2" />
                    <rect x="3" y="14" width="19" height="5" rx="2" />
                    <rect x="3" y="21" width="23" height="5" rx="2" />
                </svg>
                <div>
                    <h1>{ "Kafka Playground" }</h1>
                    <p class="tagline">{ "A real Kafka cluster, simulated in your browser" }</p>
                </div>
            </div>
            <div class="scenario">
                <label for="preset">{ "Scenario" }</label>
                <select id="preset" {onchange}>
                    { for options }
                    if current == "custom" { <option value="custom" selected=true>{ "Custom scenario" }</option> }
                </select>
                <FieldError control="preset" />
                <p class="scenario-desc">{ description }</p>
            </div>
            <TimeControls />
        </header>
    }
}
