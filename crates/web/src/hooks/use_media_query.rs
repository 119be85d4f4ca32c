//! Whether a CSS media query matches, kept current as the window is resized.

use gloo::events::EventListener;
use yew::prelude::*;

/// `true` while `query` (e.g. `"(max-width: 600px)"`) matches; `false` where the browser cannot
/// evaluate it.
#[hook]
pub fn use_media_query(query: &'static str) -> bool {
    let list = use_memo(query, |q| {
        web_sys::window().and_then(|w| w.match_media(q).ok().flatten())
    });
    let matches = use_state(|| list.as_ref().as_ref().is_some_and(|l| l.matches()));
    {
        let matches = matches.clone();
        use_effect_with(list, move |list| {
            let listener = list.as_ref().as_ref().map(|l| {
                let l2 = l.clone();
                EventListener::new(l, "change", move |_| matches.set(l2.matches()))
            });
            move || drop(listener)
        });
    }
    *matches
}
