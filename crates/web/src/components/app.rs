//! The root: provides the state, runs the clock, lays out the page.
use super::broker_row::BrokerRow;
use super::consumer_panel::ConsumerPanel;
use super::event_log::EventLog;
use super::groups_board::GroupsBoard;
use super::header::Header;
use super::internal_topics::InternalTopics;
use super::ledger_panel::LedgerPanel;
use super::metrics_strip::MetricsStrip;
use super::network_view::NetworkView;
use super::producer_panel::ProducerPanel;
use super::topic_view::TopicView;
use crate::hooks::use_animation_frame;
use crate::state::{AppContext, AppState, Msg};
use web_sys::HtmlElement;
use yew::prelude::*;

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(AppState::initial);
    let on_frame = {
        let d = state.dispatcher();
        Callback::from(move |dt: f64| d.dispatch(Msg::Tick(dt)))
    };
    use_animation_frame(state.playing, on_frame);

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
                )
            });
            if !typing {
                e.prevent_default();
                d.dispatch(Msg::TogglePlaying);
            }
        })
    };

    let notice = state.notice.clone().map(|n| {
        let d = state.dispatcher();
        html! {
            <div class="notice" role="status">
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
    let ctx: AppContext = state.clone();
    html! {
        <ContextProvider<AppContext> context={ctx}>
            <main id="app" data-ready="1" class="app" {onkeydown}>
                <Header />
                { for notice }
                <div class="layout">
                    <section class="stage" aria-label="Cluster">
                        <NetworkView />
                        <BrokerRow />
                        <MetricsStrip />
                                                { for topics.into_iter().map(|t| { let k = t.clone(); html! { <TopicView key={k} topic={t} /> } }) }
                                                <GroupsBoard />
                        <InternalTopics />
                    </section>
                    <aside class="side" aria-label="Clients and results">
                        <ProducerPanel />
                        <ConsumerPanel />
                        <LedgerPanel />
                        <EventLog />
                    </aside>
                </div>
            </main>
        </ContextProvider<AppContext>>
    }
}
