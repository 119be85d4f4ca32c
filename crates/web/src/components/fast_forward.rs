//! Fast-forward: move the wall clock on by an hour, a day or a week without simulating every
//! idle millisecond (`advance_time`). Record timestamps, retention, compaction lag and
//! transaction timeouts read the wall clock, so data ages at once; the wall clock is shown
//! beside the simulated clock once it differs.
use super::field_error::FieldError;
use super::lessons::fmt_ms;
use super::{command, use_app};
use kafka_sim::action::Action;
use yew::prelude::*;

const HOUR: u64 = 3_600_000;
const STEPS: &[(&str, u64, &str)] = &[
    ("+1 h", HOUR, "one hour"),
    ("+1 d", 24 * HOUR, "one day"),
    ("+7 d", 7 * 24 * HOUR, "seven days"),
];

#[function_component(FastForward)]
pub fn fast_forward() -> Html {
    let app = use_app();
    let now = app.view.now;
    let wall = app.view.wall_ms.max(now);
    let skipped = wall - now;
    let editable = app.editable();
    html! {
        <div class="ff" role="group" aria-label="Fast-forward the wall clock" data-testid="fast-forward">
            if editable {
                <span class="ff-label" aria-hidden="true">{ "⏩" }</span>
                { for STEPS.iter().map(|(label, ms, words)| {
                    let app = app.clone();
                    let ms = *ms;
                    let onclick = Callback::from(move |_: MouseEvent| command(&app, "fast-forward", Action::AdvanceTime { ms }));
                    html! {
                        <button class="ff-btn" {onclick} data-ff={ms.to_string()}
                            aria-label={format!("Fast-forward the wall clock by {words}")}
                            title={format!("Fast-forward {words}: records age, retention and the log cleaner run; sessions and heartbeats are not simulated")}>
                            { *label }
                        </button>
                    }
                }) }
            }
            if skipped > 0 {
                <output class="wall-clock" id="wall-clock" data-wall-ms={wall.to_string()}
                    title={format!("Wall clock: simulated time plus {} fast-forwarded. Record timestamps and retention use it.", fmt_ms(skipped as i64))}>
                    { format!("wall {}", fmt_ms(wall as i64)) }
                </output>
            }
            <FieldError control="fast-forward" />
        </div>
    }
}
