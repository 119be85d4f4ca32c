//! The durability ledger: acknowledged, visible and lost records, and why each loss happened.
use super::use_app;
use yew::prelude::*;

#[function_component(LedgerPanel)]
pub fn ledger_panel() -> Html {
    let app = use_app();
    let d = app.durability.clone();
    let stat = |label: &'static str, v: u64, class: &'static str, title: &'static str| {
        html! { <div class={classes!("ledger-stat", class)} title={title}><span class="n" data-testid={format!("ledger-{}", label.replace(' ', "-"))}>{ v }</span><span class="l">{ label }</span></div> }
    };
    html! {
        <section class="card panel ledger" aria-label="Durability ledger">
            <header class="panel-head"><h2>{ "Durability ledger" }</h2></header>
            <div class="ledger-grid">
                { stat("acked", d.acked, "", "records the producer was told were written") }
                { stat("visible", d.visible, "ok", "acknowledged and readable by consumers") }
                { stat("lost", d.lost_acked, if d.lost_acked > 0 { "bad" } else { "" }, "acknowledged, then gone for good") }
                { stat("unavailable", d.unavailable, if d.unavailable > 0 { "warn" } else { "" }, "acknowledged, but the partition has no leader") }
                { stat("failed", d.failed, "", "the producer was told these failed") }
                { stat("duplicates", d.duplicates, if d.duplicates > 0 { "warn" } else { "" }, "extra copies from retries") }
            </div>
            if !d.lost.is_empty() {
                <ol class="lost-list" aria-label="Lost records">
                    { for d.lost.iter().take(6).map(|l| html! {
                        <li data-testid="lost-record"><strong>{ format!("{}-{} offset {}", l.topic, l.partition, l.offset) }</strong><p>{ l.explanation.clone() }</p></li>
                    }) }
                </ol>
                if d.lost.len() > 6 { <p class="muted small">{ format!("and {} more", d.lost_acked as usize - 6) }</p> }
            }
        </section>
    }
}
