//! Consumers: what each reads, where it is, its lag, and replay controls (seek).
use super::field_error::FieldError;
use super::{command_via, secs, use_app, use_dispatch};
use crate::hooks::use_visible::use_visible;
use kafka_sim::action::Action;
use kafka_sim::view::ConsumerView;
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Assigned partitions listed per consumer (a consumer of a 100-partition topic would list 100).
const ASSIGNMENT_SHOWN: usize = 12;

#[derive(Properties, PartialEq)]
struct RowProps {
    consumer: Rc<ConsumerView>,
    /// The page is not read-only: show the controls.
    editable: bool,
}

/// Where a seek can go: (value, label).
const SEEK_TARGETS: &[(&str, &str)] = &[
    ("beginning", "to beginning"),
    ("end", "to end"),
    ("offset", "to offset"),
    ("timestamp", "to time (s)"),
];

/// While a consumer's row is this far off screen it is held as it was.
const MARGIN: &str = "300px";

/// One consumer, held still while it is off screen: each frame moves every position and
/// lag, and a dozen consumers of a hundred partitions each cost milliseconds a frame to
/// redraw where nobody sees them.
#[function_component(ConsumerRow)]
fn consumer_row(p: &RowProps) -> Html {
    let node = use_node_ref();
    let visible = use_visible(node.clone(), MARGIN);
    let held = use_mut_ref(|| p.consumer.clone());
    let consumer = {
        let mut held = held.borrow_mut();
        // A consumer that stopped or started is shown at once, on screen or not.
        if visible || held.alive != p.consumer.alive {
            *held = p.consumer.clone();
        }
        held.clone()
    };
    html! { <ConsumerCard {consumer} editable={p.editable} {node} live={visible} /> }
}

#[derive(Properties, PartialEq)]
struct CardProps {
    consumer: Rc<ConsumerView>,
    editable: bool,
    /// The card's root element (its row watches it).
    node: NodeRef,
    /// Whether the row follows the consumer (on screen) or holds it (`data-live`).
    live: bool,
}

/// One consumer's card. Props only (no app context), so it re-renders only when what it
/// shows changes.
#[function_component(ConsumerCard)]
fn consumer_card(p: &CardProps) -> Html {
    let app = use_dispatch();
    let c = &p.consumer;
    // The seek controls list every assigned partition (a hundred options per consumer at
    // scale): they are built only while their disclosure is open.
    let seek_open = use_state_eq(|| false);
    let target = use_state(|| "beginning".to_string());
    let value = use_state(String::new);
    let part = use_state(|| None::<String>);
    let lag: i64 = c.assignment.iter().filter_map(|a| a.lag).sum();
    let control = format!("consumer-{}", c.id);
    let seek = {
        let app = app.clone();
        let target = target.clone();
        let value = value.clone();
        let part = part.clone();
        let control = control.clone();
        let id = c.id.clone();
        let parts: Vec<(String, i32)> = c
            .assignment
            .iter()
            .map(|a| (a.topic.to_string(), a.partition))
            .collect();
        Callback::from(move |_| {
            let chosen: Vec<(String, i32)> = match part.as_deref() {
                None | Some("all") => parts.clone(),
                Some(s) => parts
                    .iter()
                    .filter(|(t, n)| format!("{t}-{n}") == s)
                    .cloned()
                    .collect(),
            };
            let v: Option<i64> = value.trim().parse().ok();
            for (topic, partition) in chosen {
                let (offset, to, timestamp) = match target.as_str() {
                    "offset" => (Some(v.unwrap_or(0)), None, None),
                    "timestamp" => (None, None, Some(v.unwrap_or(0) * 1000)),
                    t => (None, Some(t.to_string()), None),
                };
                command_via(
                    &app,
                    &control,
                    Action::Seek {
                        consumer: id.clone(),
                        topic,
                        partition,
                        offset,
                        to,
                        timestamp,
                    },
                );
            }
        })
    };
    let on_target = {
        let target = target.clone();
        Callback::from(move |e: Event| {
            target.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let on_part = {
        let part = part.clone();
        Callback::from(move |e: Event| {
            part.set(Some(e.target_unchecked_into::<HtmlSelectElement>().value()))
        })
    };
    let on_value = {
        let value = value.clone();
        Callback::from(move |e: InputEvent| {
            value.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let crash = {
        let app = app.clone();
        let id = c.id.clone();
        let control = control.clone();
        Callback::from(move |_| {
            command_via(
                &app,
                &control,
                Action::CrashConsumer {
                    consumer: id.clone(),
                },
            )
        })
    };
    let close = {
        let app = app.clone();
        let id = c.id.clone();
        let control = control.clone();
        Callback::from(move |_| {
            command_via(
                &app,
                &control,
                Action::RemoveConsumer {
                    consumer: id.clone(),
                },
            )
        })
    };
    let commit = {
        let app = app.clone();
        let id = c.id.clone();
        let control = control.clone();
        Callback::from(move |_| {
            command_via(
                &app,
                &control,
                Action::Commit {
                    consumer: id.clone(),
                },
            )
        })
    };
    let on_toggle = {
        let seek_open = seek_open.clone();
        Callback::from(move |e: Event| {
            seek_open.set(
                e.target_unchecked_into::<web_sys::HtmlDetailsElement>()
                    .open(),
            )
        })
    };
    let needs_value = matches!(target.as_str(), "offset" | "timestamp");
    html! {
        <div class={classes!("consumer", (!c.alive).then_some("down"))} data-testid="consumer" data-consumer={c.id.clone()} ref={p.node.clone()} data-live={p.live.to_string()}>
            <div class="consumer-head">
                <strong>{ c.id.clone() }</strong>
                <span class="muted">{ c.group.clone().map(|g| format!("group {g}")).unwrap_or_else(|| "no group: reads every partition".into()) }</span>
                if let Some(s) = &c.member_state { <span class="muted">{ format!("{} · gen {}", s.to_lowercase(), c.generation.unwrap_or(-1)) }</span> }
                if !c.alive { <span class="pill down">{ "stopped" }</span> }
            </div>
            <dl class="stats">
                <div><dt>{ "consumed" }</dt><dd data-testid="consumed">{ c.consumed }</dd></div>
                <div><dt>{ "lag" }</dt><dd>{ lag }</dd></div>
                <div><dt>{ "commits" }</dt><dd>{ c.commit_mode.replace('_', " ") }</dd></div>
                <div><dt>{ "isolation" }</dt><dd>{ c.isolation.clone() }</dd></div>
            </dl>
            <ul class="assignment">
                { for c.assignment.iter().take(ASSIGNMENT_SHOWN).map(|a| html! {
                    <li>{ format!("{}-{}", a.topic, a.partition) }
                        <span class="muted">{ match a.position { Some(p) => format!(" @ {p}"), None => " (resetting)".into() } }</span>
                        if a.lag.unwrap_or(0) > 0 { <span class="lag">{ format!(" lag {}", a.lag.unwrap_or(0)) }</span> }
                    </li>
                }) }
                if c.assignment.len() > ASSIGNMENT_SHOWN {
                    <li class="muted">{ format!("+{} more partitions", c.assignment.len() - ASSIGNMENT_SHOWN) }</li>
                }
            </ul>
            if c.alive && p.editable {
                <div class="button-row small-buttons">
                    if c.group.is_some() { <button onclick={commit} title="commitSync() of the current positions">{ "Commit" }</button> }
                    <button onclick={close} title="consumer.close(): leave the group gracefully">{ "Close" }</button>
                    <button class="danger" onclick={crash} title="kill the process: the group notices only after session.timeout.ms">{ "Crash" }</button>
                </div>
                <details class="seek" ontoggle={on_toggle}>
                    <summary data-testid="seek-open">{ "Seek (replay or skip)" }</summary>
                    if *seek_open {
                        <div class="seek-controls">
                            <select aria-label={format!("partition to seek for {}", c.id)} onchange={on_part}>
                                <option value="all" selected={matches!(part.as_deref(), None | Some("all"))}>{ "all partitions" }</option>
                                { for c.assignment.iter().map(|a| { let v = format!("{}-{}", a.topic, a.partition); html! { <option value={v.clone()} selected={part.as_deref() == Some(v.as_str())}>{ v }</option> } }) }
                            </select>
                            <select aria-label="seek to" onchange={on_target}>
                                { for SEEK_TARGETS.iter().map(|(v, label)| html! {
                                    <option value={*v} selected={target.as_str() == *v}>{ *label }</option>
                                }) }
                            </select>
                            if needs_value { <input class="small-input" type="text" inputmode="numeric" aria-label="seek value" value={(*value).clone()} oninput={on_value} /> }
                            <button data-testid="seek" onclick={seek}>{ "Seek" }</button>
                        </div>
                    }
                </details>
            }
            if let Some(e) = &c.last_error {
                <p class="client-error"><code>{ e.error.clone() }</code>{ format!(" at {}: {}", secs(e.at), e.detail) }</p>
            }
            <FieldError control={control} />
        </div>
    }
}

#[function_component(ConsumerPanel)]
pub fn consumer_panel() -> Html {
    let app = use_app();
    let editable = app.editable();
    html! {
        <section class="card panel" aria-label="Consumers">
            <header class="panel-head"><h2>{ "Consumers" }</h2></header>
            if app.view.consumers.is_empty() { <p class="muted">{ "No consumers yet: drag \"+ consumer\" into a group." }</p> }
            <>{ for app.view.consumers.iter().map(|c| { let k = c.id.clone(); html! { <ConsumerRow key={k} consumer={Rc::new(c.clone())} {editable} /> } }) }</>
        </section>
    }
}
