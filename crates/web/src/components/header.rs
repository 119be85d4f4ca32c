//! Title, scenario picker, tour and sharing, the time controls and the timeline. In embed
//! mode the header is one compact row (no tagline, no description).
use super::field_error::FieldError;
use super::share::Share;
use super::time_controls::TimeControls;
use super::timeline::Timeline;
use super::use_app;
use crate::presets::PRESETS;
use crate::state::Msg;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// Opens the scenario editor.
    #[prop_or_default]
    pub on_edit: Option<Callback<()>>,
}

#[function_component(Header)]
pub fn header(props: &Props) -> Html {
    let app = use_app();
    let onchange = {
        let d = app.dispatcher();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            let d = d.clone();
            crate::presets::load(&v.clone(), move || d.dispatch(Msg::LoadPreset(v)));
        })
    };
    let current = app.preset.clone();
    let options = PRESETS.iter().map(|p| {
        html! { <option value={p.id} selected={p.id == current}>{ p.name }</option> }
    });
    let (description, has_tour, name) = {
        let s = app.session.borrow();
        (
            s.scenario.description.clone(),
            !s.scenario.tour.is_empty(),
            s.scenario.name.clone(),
        )
    };
    let embed = app.page.embed;
    let open_tour = {
        let d = app.dispatcher();
        Callback::from(move |_| d.dispatch(Msg::TourOpen(true)))
    };
    let edit = props
        .on_edit
        .clone()
        .map(|cb| Callback::from(move |_: MouseEvent| cb.emit(())));
    let scenario_known = PRESETS.iter().any(|p| p.id == current);
    html! {
        <header class="topbar">
            { brand(embed.then(|| name.clone())) }
            <div class="scenario">
                if !embed || !app.page.readonly {
                    <label for="preset">{ "Scenario" }</label>
                    <select id="preset" {onchange}>
                        { for options }
                        if !scenario_known { <option value={current.clone()} selected=true>{ if current == "custom" { "Custom scenario".to_string() } else { name.clone() } }</option> }
                    </select>
                }
                <FieldError control="preset" />
                if !embed { <p class="scenario-desc" title={description.clone()}>{ description }</p> }
            </div>
            <div class="actions">
                if has_tour && !app.tour.open {
                    <button id="tour-open" onclick={open_tour} title="Walk through this scenario step by step">{ "Tour" }</button>
                }
                if let Some(cb) = edit {
                    <button id="edit-scenario" onclick={cb} title="Edit this scenario as JSON, import or export it">{ "Edit" }</button>
                }
                <Share />
            </div>
            <TimeControls />
            <Timeline />
        </header>
    }
}

/// The logo and the page's name (in an embed, the scenario's name instead): also shown while
/// a scenario is still loading.
pub fn brand(embed_title: Option<String>) -> Html {
    html! {
        <div class="brand">
            <svg class="logo" viewBox="0 0 32 32" aria-hidden="true">
                <rect x="3" y="7" width="26" height="5" rx="2" />
                <rect x="3" y="14" width="19" height="5" rx="2" />
                <rect x="3" y="21" width="23" height="5" rx="2" />
            </svg>
            <div>
                if let Some(name) = embed_title {
                    <h1 class="embed-title">{ name }</h1>
                } else {
                    <h1>{ "Kafka Playground" }</h1>
                    <p class="tagline">{ "A real Kafka cluster, simulated in your browser" }</p>
                }
            </div>
        </div>
    }
}
