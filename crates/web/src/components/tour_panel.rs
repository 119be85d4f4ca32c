//! The guided tour: the current step's text, Back / Next, and progress. A step with an
//! `until` check moves on by itself when the check holds; the element named by `highlight`
//! gets an outline (see `app::highlight`).
use super::use_app;
use crate::state::Msg;
use kafka_sim::scenario::evaluate;
use yew::prelude::*;

#[function_component(TourPanel)]
pub fn tour_panel() -> Html {
    let app = use_app();
    let s = app.session.borrow();
    let steps = &s.scenario.tour;
    if steps.is_empty() || !app.tour.open {
        return html! {};
    }
    let n = steps.len();
    let i = app.tour.step.min(n);
    let go = |to: usize| {
        let d = app.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(Msg::TourGo(to)))
    };
    let close = {
        let d = app.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(Msg::TourOpen(false)))
    };
    let restart = go(0);
    let body = if i >= n {
        html! {
            <>
                <p class="tour-text" data-testid="tour-text">{ "That's the tour. Keep experimenting — every control is live — or pick another scenario." }</p>
                <div class="tour-nav">
                    <button onclick={go(n - 1)}>{ "Back" }</button>
                    <button class="ghost" onclick={restart}>{ "Start over" }</button>
                    <button class="primary" onclick={close.clone()}>{ "Done" }</button>
                </div>
            </>
        }
    } else {
        let step = &steps[i];
        let waiting = step.until.as_ref().map(|c| evaluate(&s.cluster, c).is_ok());
        let done = i < app.tour.reached;
        html! {
            <>
                <p class="tour-text" data-testid="tour-text">{ step.text.clone() }</p>
                if let Some(ok) = waiting {
                    <p class={classes!("tour-wait", (ok || done).then_some("ok"))} data-testid="tour-wait">
                        if ok || done { { "✓ Done" } } else { <span class="spinner" aria-hidden="true"></span>{ " Waiting for this to happen…" } }
                    </p>
                }
                <div class="tour-nav">
                    <button onclick={go(i.saturating_sub(1))} disabled={i == 0} data-testid="tour-back">{ "Back" }</button>
                    <button class="primary" onclick={go(i + 1)} data-testid="tour-next">
                        { if waiting == Some(false) && !done { "Skip" } else if i + 1 == n { "Finish" } else { "Next" } }
                    </button>
                </div>
            </>
        }
    };
    html! {
        <section class="card panel tour" aria-label="Guided tour" aria-live="polite" data-testid="tour" data-step={i.to_string()}>
            <header class="panel-head">
                <h2>{ "Guided tour" }</h2>
                <span class="muted small" data-testid="tour-progress">{ if i >= n { "complete".to_string() } else { format!("step {} of {n}", i + 1) } }</span>
                <button class="ghost icon" onclick={close} aria-label="Close the tour" title="Close the tour">{ "✕" }</button>
            </header>
            <ol class="tour-dots" aria-hidden="true">
                { for (0..n).map(|k| html! { <li class={classes!((k < app.tour.reached.max(i)).then_some("done"), (k == i).then_some("current"))}></li> }) }
            </ol>
            { body }
        </section>
    }
}
