//! The root: provides the state, runs the clock, lays out the page, and connects the page to
//! the outside world — the embedding page's `postMessage` API, shared links opened in the same
//! tab (`hashchange`), and the guided tour's highlight.
use super::broker_row::BrokerRow;
use super::challenge_panel::ChallengePanel;
use super::consumer_panel::ConsumerPanel;
use super::event_log::EventLog;
use super::export_panel::ExportPanel;
use super::fork_panel::ForkPanel;
use super::groups_board::GroupsBoard;
use super::header::Header;
use super::hold::Hold;
use super::internal_topics::InternalTopics;
use super::ledger_panel::LedgerPanel;
use super::lessons::Lessons;
use super::metrics_strip::MetricsStrip;
use super::network_view::NetworkView;
use super::producer_panel::ProducerPanel;
use super::restore_banner::RestoreBanner;
use super::scenario_editor::ScenarioEditor;
use super::topic_view::TopicView;
use super::tour_panel::TourPanel;
use crate::api::{self, Incoming};
use crate::hooks::use_animation_frame;
use crate::page::origin_of;
use crate::state::{AppContext, AppState, Dispatch, Msg};
use gloo::events::EventListener;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlElement, MessageEvent, Window};
use yew::prelude::*;

/// Class put on the element a tour step points at.
pub const HIGHLIGHT: &str = "tour-highlight";
/// Minimum real time between two state events to a subscribed host (ms).
const STATE_EVENT_EVERY_MS: f64 = 250.0;

/// The embedding page, when this page runs in a frame.
fn parent() -> Option<Window> {
    let w = web_sys::window()?;
    let p = w.parent().ok().flatten()?;
    // Not framed: `parent` is the window itself.
    if JsValue::from(p.clone()) == JsValue::from(w) {
        return None;
    }
    Some(p)
}

/// The origin allowed to drive the page: `origin=` or the referrer's origin.
fn allowed_origin(param: Option<&str>) -> Option<String> {
    if let Some(o) = param {
        return Some(o.to_string());
    }
    let referrer = web_sys::window()?.document()?.referrer();
    origin_of(&referrer)
}

fn post(target: &Window, origin: &str, v: &serde_json::Value) {
    if let Ok(js) = js_sys::JSON::parse(&v.to_string()) {
        let _ = target.post_message(&js, origin);
    }
}

/// Put the highlight class on the first element of this app matching `selector` (and nowhere
/// else in it).
fn highlight(root: &web_sys::Element, selector: Option<&str>) {
    let target = selector.and_then(|s| root.query_selector(s).ok().flatten());
    if let Ok(list) = root.query_selector_all(&format!(".{HIGHLIGHT}")) {
        for i in 0..list.length() {
            if let Some(el) = list
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            {
                if target.as_ref() != Some(&el) {
                    let _ = el.class_list().remove_1(HIGHLIGHT);
                }
            }
        }
    }
    if let Some(el) = target {
        if !el.class_list().contains(HIGHLIGHT) {
            let _ = el.class_list().add_1(HIGHLIGHT);
        }
    }
}

fn scroll_to(root: &web_sys::Element, selector: &str) {
    if let Some(el) = root.query_selector(selector).ok().flatten() {
        let opts = web_sys::ScrollIntoViewOptions::new();
        opts.set_block(web_sys::ScrollLogicalPosition::Nearest);
        opts.set_behavior(web_sys::ScrollBehavior::Smooth);
        el.scroll_into_view_with_scroll_into_view_options(&opts);
    }
}

/// A request from the embedding page; a `load` of a preset not downloaded yet waits for it.
fn dispatch_api(d: &Dispatch, env: api::Envelope) {
    if let api::Request::Load {
        scenario: None,
        preset: Some(id),
        ..
    } = &env.request
    {
        let d = d.clone();
        crate::presets::load(&id.clone(), move || d.dispatch(Msg::Api(env)));
    } else {
        d.dispatch(Msg::Api(env));
    }
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(AppState::initial);
    let on_frame = {
        let d = state.dispatcher();
        Callback::from(move |dt: f64| d.dispatch(Msg::Tick(dt)))
    };
    // Frames run while time does, and while a saved workspace or link is still being replayed.
    use_animation_frame(state.playing || state.restoring.is_some(), on_frame);
    // After every render (the app's effects run after its children's renders): how long the
    // page's render took, for the engine's share of the next frame.
    use_effect(crate::frame::rendered);

    // The preset the address names, when its file has to be downloaded first.
    {
        let d = state.dispatcher();
        let pending = state.pending.clone();
        use_effect_with((), move |_| {
            if let Some(id) = pending {
                crate::presets::load(&id.clone(), move || d.dispatch(Msg::LoadPreset(id)));
            }
        });
    }
    // The embedding page: listen to its messages, announce readiness (once the scenario the
    // address names is loaded).
    let host = use_memo((), {
        let origin = state.page.origin.clone();
        move |_| parent().and_then(|p| allowed_origin(origin.as_deref()).map(|o| (p, o)))
    });
    {
        let d = state.dispatcher();
        let host = host.clone();
        use_effect_with(state.pending.is_none(), move |ready| {
            let listener = host
                .as_ref()
                .as_ref()
                .filter(|_| *ready)
                .and_then(|(p, origin)| {
                    let w = web_sys::window()?;
                    post(p, origin, &api::ready());
                    let (p, origin) = (p.clone(), origin.clone());
                    Some(EventListener::new(&w, "message", move |e| {
                        let Some(e) = e.dyn_ref::<MessageEvent>() else {
                            return;
                        };
                        // Only the embedding page, and only from the allowed origin.
                        let from_parent = e
                            .source()
                            .is_some_and(|s| JsValue::from(s) == JsValue::from(p.clone()));
                        if !from_parent || e.origin() != origin {
                            return;
                        }
                        let text = js_sys::JSON::stringify(&e.data())
                            .ok()
                            .and_then(|s| s.as_string())
                            .unwrap_or_default();
                        match api::parse(&text) {
                            Incoming::Ignore => {}
                            Incoming::Request(env) => dispatch_api(&d, env),
                            Incoming::Refused(r) => d.dispatch(Msg::ApiRefused(r)),
                        }
                    }))
                });
            move || drop(listener)
        });
    }
    // Deliver replies and state events.
    {
        let last = use_mut_ref(|| 0.0f64);
        let state = state.clone();
        let host = host.clone();
        use_effect_with(state.version, move |_| {
            if let Some((p, origin)) = host.as_ref() {
                let (queue, send_state) = {
                    let mut out = state.api.borrow_mut();
                    let now = js_sys::Date::now();
                    let due = out.subscribed
                        && (out.state_due || now - *last.borrow() >= STATE_EVENT_EVERY_MS);
                    if due {
                        out.state_due = false;
                        *last.borrow_mut() = now;
                    }
                    (std::mem::take(&mut out.queue), due)
                };
                for v in &queue {
                    post(p, origin, v);
                }
                if send_state {
                    post(p, origin, &state.state_event());
                }
            } else {
                state.api.borrow_mut().queue.clear();
            }
        });
    }
    // A shared link pasted into this tab's address bar.
    {
        let d = state.dispatcher();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                EventListener::new(&w, "hashchange", move |_| {
                    if let Some(h) = web_sys::window().and_then(|w| w.location().hash().ok()) {
                        d.dispatch(Msg::OpenLink(h));
                    }
                })
            });
            move || drop(listener)
        });
    }
    // The tour's highlight follows the DOM as it re-renders; scroll to it when the step changes.
    let selector: Option<String> = {
        let s = state.session.borrow();
        state
            .tour
            .open
            .then(|| s.scenario.tour.get(state.tour.step))
            .flatten()
            .and_then(|t| t.highlight.clone())
    };
    let root = use_node_ref();
    {
        let selector = selector.clone();
        let root = root.clone();
        use_effect_with(state.version, move |_| {
            if let Some(r) = root.cast::<web_sys::Element>() {
                highlight(&r, selector.as_deref());
            }
        });
    }
    {
        // Only when the user moves through the tour (not on the first render, and not when a
        // step advances by itself: the page must not scroll under someone's pointer).
        let first = use_mut_ref(|| true);
        let root = root.clone();
        let selector = selector.clone();
        use_effect_with(state.tour.nav, move |_| {
            if !std::mem::replace(&mut *first.borrow_mut(), false) {
                if let (Some(s), Some(r)) = (selector, root.cast::<web_sys::Element>()) {
                    scroll_to(&r, &s);
                }
            }
        });
    }
    // Space toggles play/pause unless the focus is in a text field or on a button.
    let onkeydown = {
        let d = state.dispatcher();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() != " " {
                return;
            }
            let target = e.target_dyn_into::<HtmlElement>();
            let typing = target.is_some_and(|t| {
                matches!(
                    t.tag_name().as_str(),
                    "INPUT" | "TEXTAREA" | "SELECT" | "BUTTON"
                ) || t.get_attribute("role").as_deref() == Some("button")
            });
            if !typing {
                e.prevent_default();
                d.dispatch(Msg::TogglePlaying);
            }
        })
    };

    let editing = use_state(|| false);
    let notice = state.notice.clone().map(|n| {
        let d = state.dispatcher();
        html! {
            <div class="notice" role="alert" data-testid="notice">
                <span>{ n }</span>
                <button class="ghost" onclick={Callback::from(move |_| d.dispatch(Msg::DismissNotice))}>{ "Dismiss" }</button>
            </div>
        }
    });

    let topics: Vec<String> = state
        .view
        .topics
        .iter()
        .filter(|t| !t.internal)
        .map(|t| t.name.clone())
        .collect();
    let embed = state.page.embed;
    let readonly = !state.editable();
    let guide_open = state.tour.open;
    let on_edit = (!readonly && !embed).then(|| {
        let editing = editing.clone();
        Callback::from(move |()| editing.set(true))
    });
    let close_editor = {
        let editing = editing.clone();
        Callback::from(move |()| editing.set(false))
    };
    // The components' snapshot of this state (cloned once per version: its large parts are
    // `Rc`s).
    let ctx = {
        let state = state.clone();
        (*use_memo(state.version, move |_| {
            AppContext::new(Rc::new((*state).clone()), state.dispatcher())
        }))
        .clone()
    };
    let dispatch: Dispatch = state.dispatcher();
    if let Some(id) = &state.pending {
        return html! {
            <main id="app" class={classes!("app", "loading", embed.then_some("embed"))} aria-busy="true">
                <header class="topbar">{ super::header::brand(embed.then(|| crate::presets::name(id))) }</header>
                <p class="loading-note" role="status"><span class="spinner" aria-hidden="true"></span>{ format!(" Loading the scenario “{}”…", crate::presets::name(id)) }</p>
            </main>
        };
    }
    html! {
        <ContextProvider<Dispatch> context={dispatch}>
        <ContextProvider<AppContext> context={ctx}>
            <main id="app" ref={root} data-ready="1" class={classes!("app", embed.then_some("embed"), readonly.then_some("readonly"), guide_open.then_some("guided"))}
                data-embed={embed.to_string()} data-readonly={readonly.to_string()} {onkeydown}>
                <Header {on_edit} />
                if *editing { <ScenarioEditor on_close={close_editor} /> }
                { for notice }
                <RestoreBanner />
                <div class="layout">
                    <section class="stage" aria-label="Cluster">
                        <Hold><NetworkView /></Hold>
                        <Hold><BrokerRow /></Hold>
                        <Hold><MetricsStrip /></Hold>
                        <>{ for topics.into_iter().map(|t| { let k = t.clone(); html! { <Hold key={k}><TopicView topic={t} /></Hold> } }) }</>
                        <Hold><Lessons /></Hold>
                        <Hold><GroupsBoard /></Hold>
                        <Hold><InternalTopics /></Hold>
                    </section>
                    <aside class="side" aria-label="Clients and results">
                        <TourPanel />
                        <ChallengePanel />
                        if !readonly { <Hold><ProducerPanel /></Hold> }
                        <Hold><ConsumerPanel /></Hold>
                        <Hold><LedgerPanel /></Hold>
                        <Hold><ForkPanel /></Hold>
                        <Hold><EventLog /></Hold>
                        <Hold><ExportPanel /></Hold>
                    </aside>
                </div>
            </main>
        </ContextProvider<AppContext>>
        </ContextProvider<Dispatch>>
    }
}
