//! Event sourcing: a projection (read model) folded from a topic — its table, a button that
//! drops it and rebuilds it by replaying the topic from offset 0, and a time-travel slider over
//! the events' timestamps that rebuilds it as of a moment.
use super::field_error::FieldError;
use super::lessons::fmt_ms;
use super::{command, use_app};
use crate::palette::key_style;
use kafka_sim::action::Action;
use kafka_sim::sort::SortShared;
use kafka_sim::view::ProjectionView;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Events read for the slider and the strip (the newest ones when a topic is longer).
const EVENT_CAP: usize = 2_000;
/// Events drawn in the strip.
const STRIP: usize = 48;

#[derive(Clone, PartialEq)]
struct TopicEvent {
    timestamp: i64,
    key: Option<String>,
    value: Option<String>,
}

#[derive(Properties, PartialEq)]
struct Props {
    projection: ProjectionView,
}

#[function_component(ProjectionCard)]
fn projection_card(props: &Props) -> Html {
    let app = use_app();
    let p = &props.projection;
    let control = format!("projection-{}", p.id);
    // The topic's events, oldest first.
    let events: Vec<TopicEvent> = {
        let s = app.session.borrow();
        let parts = app
            .view
            .topics
            .iter()
            .find(|t| t.name == p.topic)
            .map(|t| t.partitions.clone())
            .unwrap_or_default();
        let mut ev: Vec<TopicEvent> = parts
            .iter()
            .flat_map(|pv| {
                let from = (pv.high_watermark - EVENT_CAP as i64).max(pv.log_start_offset);
                s.cluster
                    .records(&p.topic, pv.partition, None, from, EVENT_CAP)
                    .into_iter()
                    .filter(|r| r.control.is_none() && r.offset < pv.high_watermark)
                    .map(|r| TopicEvent {
                        timestamp: r.timestamp,
                        key: r.key,
                        value: r.value,
                    })
            })
            .collect();
        ev.sort_by_key_shared(|e| e.timestamp);
        ev
    };
    let mut stamps: Vec<i64> = events.iter().map(|e| e.timestamp).collect();
    stamps.dedup();
    let picked = use_state(|| None::<usize>);
    let idx = picked
        .filter(|i| *i < stamps.len())
        .unwrap_or(stamps.len().saturating_sub(1));
    let as_of = stamps.get(idx).copied();
    let rebuild = {
        let app = app.clone();
        let id = p.id.clone();
        let control = control.clone();
        Callback::from(move |_: MouseEvent| {
            command(
                &app,
                &control,
                Action::RebuildProjection {
                    id: id.clone(),
                    as_of_ms: None,
                },
            )
        })
    };
    let rebuild_as_of = {
        let app = app.clone();
        let id = p.id.clone();
        let control = control.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(t) = as_of {
                command(
                    &app,
                    &control,
                    Action::RebuildProjection {
                        id: id.clone(),
                        as_of_ms: Some(t),
                    },
                )
            }
        })
    };
    let on_slide = {
        let picked = picked.clone();
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            picked.set(v.parse().ok());
        })
    };
    let included = events
        .iter()
        .filter(|e| as_of.is_some_and(|t| e.timestamp <= t))
        .count();
    let shown: Vec<&TopicEvent> = events
        .iter()
        .skip(events.len().saturating_sub(STRIP))
        .collect();
    let editable = app.editable();
    let slider_id = format!("asof-{}", p.id);
    let replaying = p.behind > 0;
    html! {
        <div class="projection" data-testid="projection-card" data-projection={p.id.clone()}>
            <div class="proj-head">
                <div>
                    <strong>{ p.id.clone() }</strong>
                    <span class="muted small">{ format!(" ← topic {} · fold {}", p.topic, if p.fold == "sum" { "sum of amounts per key" } else { "latest value per key" }) }</span>
                </div>
                <span class={classes!("pill", if p.as_of.is_some() { "warn" } else { "ok" })} data-testid="projection-asof">
                    { match p.as_of { Some(t) => format!("as of {}", fmt_ms(t)), None => "live".to_string() } }
                </span>
            </div>
            <div class="proj-grid">
                <table class="proj-table" aria-label={format!("{}: state", p.id)}>
                    <thead><tr><th scope="col">{ "key" }</th><th scope="col">{ if p.fold == "sum" { "balance" } else { "value" } }</th></tr></thead>
                    <tbody>
                        { for p.state.iter().map(|(k, v)| html! {
                            <tr data-testid="projection-row" data-key={k.clone()} key={k.clone()}>
                                <th scope="row"><span class="key-dot" style={key_style(Some(k))}></span>{ k.clone() }</th>
                                <td data-testid="projection-value" class={classes!(v.starts_with('-').then_some("neg"))}>{ v.clone() }</td>
                            </tr>
                        }) }
                        if p.state.is_empty() {
                            <tr><td colspan="2" class="muted small">{ if replaying { "replaying…" } else { "empty" } }</td></tr>
                        }
                    </tbody>
                </table>
                <div class="proj-side">
                    <dl class="stats">
                        <div><dt>{ "events applied" }</dt><dd data-testid="projection-applied">{ p.applied }</dd></div>
                        <div><dt>{ "skipped" }</dt><dd>{ p.skipped }</dd></div>
                        <div><dt>{ "rebuilds" }</dt><dd data-testid="projection-rebuilds">{ p.rebuilds }</dd></div>
                        <div><dt>{ "behind" }</dt><dd class={classes!(replaying.then_some("warn-text"))}>{ p.behind }</dd></div>
                    </dl>
                    if editable {
                        <button id={format!("rebuild-{}", p.id)} onclick={rebuild} data-action="rebuild"
                            title="drop the state and replay the topic from offset 0">{ "Drop & rebuild by replay" }</button>
                    }
                    if editable && !stamps.is_empty() {
                        <div class="time-travel">
                            <label for={slider_id.clone()}>{ "Time travel: rebuild as of" }</label>
                            <input id={slider_id.clone()} type="range" min="0" max={(stamps.len() - 1).to_string()} step="1"
                                value={idx.to_string()} oninput={on_slide}
                                aria-valuetext={as_of.map(|t| format!("{} , {included} events", fmt_ms(t))).unwrap_or_default()} />
                            <span class="small" data-testid="asof-label">
                                { as_of.map(|t| format!("{} — the first {included} of {} events", fmt_ms(t), events.len())).unwrap_or_default() }
                            </span>
                            <button id={format!("rebuild-asof-{}", p.id)} onclick={rebuild_as_of} data-action="rebuild-as-of">
                                { as_of.map(|t| format!("Rebuild as of {}", fmt_ms(t))).unwrap_or_else(|| "Rebuild as of".into()) }
                            </button>
                        </div>
                    }
                </div>
            </div>
            <div class="event-strip" aria-label={format!("Events in {}", p.topic)}>
                { for shown.iter().map(|e| {
                    let after = as_of.is_some_and(|t| e.timestamp > t);
                    html! {
                        <span class={classes!("event-chip", after.then_some("after"))} style={key_style(e.key.as_deref())}
                            title={format!("{} at {}{}", e.key.clone().unwrap_or_default(), fmt_ms(e.timestamp), if after { " · after the chosen moment" } else { "" })}>
                            { format!("{} {}", e.key.clone().unwrap_or_default(), e.value.clone().unwrap_or_else(|| "∅".into())) }
                        </span>
                    }
                }) }
            </div>
            <FieldError control={control} />
        </div>
    }
}

#[function_component(ProjectionPanel)]
pub fn projection_panel() -> Html {
    let app = use_app();
    let projections = app.view.projections.clone();
    html! {
        <section class="card lesson projections" data-testid="projection" aria-label="Event sourcing: projections">
            <header class="lesson-head">
                <div>
                    <h2>{ "Event sourcing: the topic is the source of truth" }</h2>
                    <p class="muted small">{ "The table is only a projection. Drop it and replay the retained events from offset 0 to rebuild it — or stop the replay at a moment in the past to see the state back then." }</p>
                </div>
            </header>
            <>{ for projections.into_iter().map(|p| { let k = p.id.clone(); html! { <ProjectionCard key={k} projection={p} /> } }) }</>
        </section>
    }
}
