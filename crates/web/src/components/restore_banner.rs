//! A saved workspace or a link still being replayed (`state::Restoring`): how far the replay
//! got, and a button that stops it there.
use super::use_app;
use crate::state::Msg;
use yew::prelude::*;

#[function_component(RestoreBanner)]
pub fn restore_banner() -> Html {
    let app = use_app();
    let Some(r) = app.restoring else {
        return html! {};
    };
    let stop = {
        let d = app.dispatcher();
        Callback::from(move |_| d.dispatch(Msg::StopRestoring))
    };
    let now = app.view.now as f64 / 1000.0;
    let until = r.until as f64 / 1000.0;
    let then = if app.playing {
        "Time runs once it gets there"
    } else {
        "It stays paused there"
    };
    html! {
        // A region, not a live one: its clock changes every frame, and a screen reader would
        // read each change out. The progress bar carries the state.
        <div class="notice restoring" role="region" aria-label="Replay in progress" data-testid="restoring">
            <span class="restoring-text">
                { format!("Replaying {}: t = {now:.1} s of {until:.1} s. ", r.what) }
                { then }{ "; a command stops it where it is." }
            </span>
            <progress max={until.to_string()} value={now.to_string()} aria-label="Replay progress"
                aria-valuetext={format!("{now:.0} of {until:.0} seconds")} />
            <button class="ghost" onclick={stop} data-testid="stop-restoring"
                title="Stop the replay at this moment (the rest stays on the timeline, as after a rewind)">{ "Stop here" }</button>
        </div>
    }
}
