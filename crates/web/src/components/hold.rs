//! A section of the page held as it was while it is scrolled away, in a large session.
//!
//! Every section reads the app state from context, and the state changes on every frame. At
//! the scale preset, re-rendering the sections nobody sees (a hundred partition tiles, eight
//! groups, the event log, …) cost more than a millisecond a frame (BENCHMARKS.md, stop 27).
//! A `Hold` gives its children the state as it was when they were last on screen (or within
//! [`MARGIN`] of it): a context that does not change re-renders nothing below it. Commands
//! still go through the dispatcher. Small sessions are never held: their sections cost little,
//! and what they show stays current wherever it is.
use super::use_app;
use crate::hooks::use_visible::use_first_child_visible;
use crate::state::AppContext;
use yew::prelude::*;

/// How far off screen a section is still drawn live.
pub const MARGIN: &str = "300px";

#[derive(Properties, PartialEq)]
pub struct Props {
    pub children: Html,
}

#[function_component(Hold)]
pub fn hold(p: &Props) -> Html {
    let app = use_app();
    let wrapper = use_node_ref();
    let visible = use_first_child_visible(wrapper.clone(), MARGIN);
    let held = use_mut_ref(|| app.clone());
    let live = visible || !app.large();
    let context = {
        let mut held = held.borrow_mut();
        if live {
            *held = app.clone();
        }
        held.clone()
    };
    html! {
        <div class="hold" ref={wrapper} data-live={live.to_string()}>
            <ContextProvider<AppContext> {context}>{ p.children.clone() }</ContextProvider<AppContext>>
        </div>
    }
}
