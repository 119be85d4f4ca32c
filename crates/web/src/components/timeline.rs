//! The timeline: scrub back to any earlier moment of the session (and forward again, up to
//! the latest moment reached), then continue from there. Rebuilding a moment clones the
//! nearest rewind snapshot and replays from it (`kafka_sim::history`).
use super::field_error::FieldError;
use super::use_app;
use crate::state::Msg;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[function_component(Timeline)]
pub fn timeline() -> Html {
    let app = use_app();
    let start = app.history.borrow().start();
    let end = app.timeline_end.max(app.view.now);
    let now = app.view.now;
    // While dragging: quick previews; on release (and for keyboard steps): the exact moment.
    let on_input = {
        let d = app.dispatcher();
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            if let Ok(t) = v.parse::<f64>() {
                d.dispatch(Msg::Scrub(t.max(0.0) as u64));
            }
        })
    };
    let on_change = {
        let d = app.dispatcher();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            if let Ok(t) = v.parse::<f64>() {
                d.dispatch(Msg::Seek(t.max(0.0) as u64));
            }
        })
    };
    let thumb = app.scrubbing.unwrap_or(now);
    let rewound = now < end;
    let back = {
        let d = app.dispatcher();
        Callback::from(move |_| d.dispatch(Msg::Seek(now.saturating_sub(1_000))))
    };
    html! {
        <div class={classes!("timeline", (rewound && app.restoring.is_none()).then_some("rewound"))} data-testid="timeline">
            <button class="ghost icon" onclick={back} title="One second back" aria-label="One second back" disabled={now <= start}>{ "⟲" }</button>
            <label class="visually-hidden" for="timeline">{ "Timeline: drag to rewind" }</label>
            <input id="timeline" type="range" min={start.to_string()} max={end.max(start + 1).to_string()} step="10"
                value={thumb.to_string()} oninput={on_input} onchange={on_change}
                aria-valuetext={format!("{:.1} seconds of {:.1}", now as f64 / 1000.0, end as f64 / 1000.0)} />
            <span class="timeline-label mono">
                if app.restoring.is_some() { { format!("replaying to {:.1} s", end as f64 / 1000.0) } }
                else if rewound { { format!("rewound to {:.1} s of {:.1} s — play or act to continue from here", now as f64 / 1000.0, end as f64 / 1000.0) } }
                else { { format!("{:.1} s", end as f64 / 1000.0) } }
            </span>
            <FieldError control="timeline" />
        </div>
    }
}
