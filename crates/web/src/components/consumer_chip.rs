//! A consumer as a draggable chip. Pointer drag (mouse and touch) or Enter for a menu.
use crate::palette::consumer_colour;
use yew::prelude::*;

#[derive(Properties, PartialEq, Clone)]
pub struct Props {
    /// Consumer id, or `None` for the "new consumer" template.
    pub consumer: Option<AttrValue>,
    pub label: AttrValue,
    pub colour_index: usize,
    /// Partitions it owns, e.g. "P0 P2"; empty = idle.
    #[prop_or_default]
    pub detail: AttrValue,
    #[prop_or_default]
    pub state: AttrValue,
    #[prop_or_default]
    pub dragging: bool,
    /// Starts a drag; the groups board captures the pointer and handles move and up, so the
    /// drag survives the chip re-rendering under the pointer.
    pub on_pointer_down: Callback<(PointerEvent, Option<String>)>,
    pub on_activate: Callback<Option<String>>,
}

#[function_component(ConsumerChip)]
pub fn consumer_chip(p: &Props) -> Html {
    let id = p.consumer.as_ref().map(|c| c.to_string());
    let down = {
        let cb = p.on_pointer_down.clone();
        let id = id.clone();
        Callback::from(move |e: PointerEvent| cb.emit((e, id.clone())))
    };
    let key = {
        let cb = p.on_activate.clone();
        let id = id.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                cb.emit(id.clone());
            }
        })
    };
    let idle = p.consumer.is_some() && p.detail.is_empty() && p.state.as_str() == "Stable";
    let colour = consumer_colour(p.colour_index);
    let aria = match &p.consumer {
        Some(c) => format!(
            "Consumer {c}{}. Drag to a group, or press Enter for moves.",
            if p.detail.is_empty() {
                String::new()
            } else {
                format!(", reads {}", p.detail)
            }
        ),
        None => "New consumer. Drag into a group, or press Enter to choose one.".to_string(),
    };
    html! {
        <div class={classes!("chip", p.consumer.is_none().then_some("template"), idle.then_some("idle"), p.dragging.then_some("dragging"))}
            role="button" tabindex="0" aria-label={aria} data-testid="consumer-chip"
            data-consumer={p.consumer.clone().unwrap_or_default()}
            style={format!("--chip:{colour}")}
            onpointerdown={down} onkeydown={key}>
            <span class="chip-dot" aria-hidden="true"></span>
            <span class="chip-name">{ p.label.clone() }</span>
            if !p.detail.is_empty() { <span class="chip-detail">{ p.detail.clone() }</span> }
            else if idle { <span class="chip-detail muted">{ "idle" }</span> }
            else if !p.state.is_empty() && p.state.as_str() != "Stable" { <span class="chip-detail muted">{ p.state.to_lowercase() }</span> }
        </div>
    }
}
