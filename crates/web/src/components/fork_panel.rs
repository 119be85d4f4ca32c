//! Fork & compare: run a copy of the session from now with one setting changed, in lockstep
//! with the original and receiving the same commands, and show how the ledgers differ.
use super::field_error::FieldError;
use super::use_app;
use crate::state::Msg;
use kafka_sim::action::Action;
use kafka_sim::view::Durability;
use std::collections::BTreeMap;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// The settings a fork can change: (value, label, actions).
fn options(app: &crate::state::AppState) -> Vec<(String, String, Vec<Action>)> {
    let mut out = Vec::new();
    for p in &app.view.producers {
        for acks in ["0", "1", "all"] {
            if p.acks != acks {
                let mut config = BTreeMap::new();
                config.insert("acks".to_string(), serde_json::json!(acks));
                if acks != "all" {
                    // Idempotence requires acks=all; turn it off with it.
                    config.insert("enable.idempotence".to_string(), serde_json::json!("false"));
                }
                out.push((
                    format!("{}-acks-{acks}", p.id),
                    format!("{}: acks={acks}", p.id),
                    vec![Action::SetProducerConfig {
                        producer: p.id.clone(),
                        config,
                    }],
                ));
            }
        }
    }
    for t in app.view.topics.iter().filter(|t| !t.internal) {
        let min_isr = t
            .config
            .get("min.insync.replicas")
            .cloned()
            .unwrap_or_else(|| "1".into());
        for n in 1..=t.replication_factor.max(1) {
            if min_isr != n.to_string() {
                let mut config = BTreeMap::new();
                config.insert(
                    "min.insync.replicas".to_string(),
                    serde_json::json!(n.to_string()),
                );
                out.push((
                    format!("{}-min-isr-{n}", t.name),
                    format!("{}: min.insync.replicas={n}", t.name),
                    vec![Action::SetTopicConfig {
                        topic: t.name.clone(),
                        config,
                    }],
                ));
            }
        }
        let unclean = t
            .config
            .get("unclean.leader.election.enable")
            .is_some_and(|v| v == "true");
        let mut config = BTreeMap::new();
        config.insert(
            "unclean.leader.election.enable".to_string(),
            serde_json::json!((!unclean).to_string()),
        );
        out.push((
            format!("{}-unclean-{}", t.name, !unclean),
            format!("{}: unclean.leader.election.enable={}", t.name, !unclean),
            vec![Action::SetTopicConfig {
                topic: t.name.clone(),
                config,
            }],
        ));
    }
    out
}

fn rows(a: &Durability, b: &Durability) -> Vec<(&'static str, u64, u64)> {
    vec![
        ("acked", a.acked, b.acked),
        ("visible", a.visible, b.visible),
        ("lost", a.lost_acked, b.lost_acked),
        ("unavailable", a.unavailable, b.unavailable),
        ("failed", a.failed, b.failed),
        ("duplicates", a.duplicates, b.duplicates),
    ]
}

#[function_component(ForkPanel)]
pub fn fork_panel() -> Html {
    let app = use_app();
    let choice = use_state(String::new);
    if !app.editable() {
        return html! {};
    }
    let opts = options(&app);
    let selected = opts
        .iter()
        .find(|o| o.0 == *choice)
        .or(opts.first())
        .cloned();
    let on_choice = {
        let choice = choice.clone();
        Callback::from(move |e: Event| {
            choice.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let start = {
        let d = app.dispatcher();
        let selected = selected.clone();
        Callback::from(move |_| {
            if let Some((_, label, changes)) = selected.clone() {
                d.dispatch(Msg::Fork { label, changes });
            }
        })
    };
    let close = {
        let d = app.dispatcher();
        Callback::from(move |_| d.dispatch(Msg::CloseFork))
    };
    let body = match &app.fork {
        None => html! {
            <>
                <p class="muted small">{ "Run a copy of this session from now with one setting changed, side by side: the same script, the same commands, different outcome." }</p>
                <div class="fork-form">
                    <select id="fork-change" aria-label="Setting to change in the copy" onchange={on_choice}>
                        { for opts.iter().map(|(v, l, _)| html! { <option value={v.clone()} selected={selected.as_ref().is_some_and(|s| &s.0 == v)}>{ l.clone() }</option> }) }
                    </select>
                    <button id="fork-start" onclick={start} disabled={selected.is_none()}>{ "Fork & compare" }</button>
                </div>
            </>
        },
        Some(f) => {
            let fd = f.durability.borrow();
            let errors = f.errors.borrow();
            html! {
                <>
                    <p class="small">{ format!("Copy forked at {:.2} s with ", f.from_ms as f64 / 1000.0) }<code>{ f.label.clone() }</code></p>
                    <table class="compare" data-testid="fork-compare">
                        <thead><tr><th scope="col">{ "ledger" }</th><th scope="col">{ "this session" }</th><th scope="col">{ "fork" }</th></tr></thead>
                        <tbody>
                            { for rows(&app.durability, &fd).into_iter().map(|(k, a, b)| html! {
                                <tr class={classes!((a != b).then_some("differs"))} data-row={k}>
                                    <th scope="row">{ k }</th><td>{ a }</td><td data-testid={format!("fork-{k}")}>{ b }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                    if !errors.is_empty() { <p class="muted small">{ format!("The fork refused {} command(s): {}", errors.len(), errors.last().cloned().unwrap_or_default()) }</p> }
                    <button class="ghost" onclick={close} id="fork-close">{ "Close the fork" }</button>
                </>
            }
        }
    };
    html! {
        <section class="card panel fork" aria-label="Fork and compare" data-testid="fork-panel">
            <header class="panel-head"><h2>{ "What if…?" }</h2></header>
            { body }
            <FieldError control="fork" />
        </section>
    }
}
