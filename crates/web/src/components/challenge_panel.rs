//! The scenario's challenge: the goal, its live status, and the explanation once decided.
use super::use_app;
use kafka_sim::scenario::{evaluate, ChallengeStatus};
use yew::prelude::*;

#[function_component(ChallengePanel)]
pub fn challenge_panel() -> Html {
    let app = use_app();
    let show_hint = use_state(|| false);
    let s = app.session.borrow();
    let Some(ch) = &s.scenario.challenge else {
        return html! {};
    };
    let status = app.challenge.clone().unwrap_or(ChallengeStatus::InProgress);
    let (label, class) = match &status {
        ChallengeStatus::InProgress => ("in progress", "warn"),
        ChallengeStatus::Succeeded => ("solved", "ok"),
        ChallengeStatus::Failed(_) => ("failed", "down"),
    };
    let checks = ch.success.iter().map(|c| {
        let r = evaluate(&s.cluster, c);
        let (ok, text) = match r {
            Ok(t) => (true, t),
            Err(t) => (false, t),
        };
        html! { <li class={classes!(ok.then_some("ok"))}><span aria-hidden="true">{ if ok { "✓ " } else { "○ " } }</span>{ text }</li> }
    });
    let toggle_hint = {
        let show_hint = show_hint.clone();
        Callback::from(move |_| show_hint.set(!*show_hint))
    };
    html! {
        <section class={classes!("card", "panel", "challenge", class)} aria-label="Challenge" data-testid="challenge"
            data-status={label.replace(' ', "-")}>
            <header class="panel-head">
                <h2>{ "Challenge" }</h2>
                <span class={classes!("pill", class)} data-testid="challenge-status" role="status">{ label }</span>
            </header>
            <p class="goal">{ ch.goal.clone() }</p>
            <ul class="checks" aria-label="Success conditions">{ for checks }</ul>
            { match &status {
                ChallengeStatus::Succeeded => html! { <p class="verdict ok" data-testid="challenge-explanation">{ ch.explanation.clone() }</p> },
                ChallengeStatus::Failed(why) => html! {
                    <>
                        <p class="verdict bad" data-testid="challenge-explanation">{ format!("Not this time: {why}.") }</p>
                        if let Some(h) = &ch.hint { <p class="hint">{ h.clone() }</p> }
                        <p class="muted small">{ "Restart the scenario (or drag the timeline back) and try another configuration." }</p>
                    </>
                },
                ChallengeStatus::InProgress => html! {
                    if let Some(h) = &ch.hint {
                        <button class="ghost small-btn" onclick={toggle_hint} aria-expanded={(*show_hint).to_string()}>{ if *show_hint { "Hide hint" } else { "Show a hint" } }</button>
                        if *show_hint { <p class="hint">{ h.clone() }</p> }
                    }
                },
            } }
        </section>
    }
}
