//! A topic's durability settings: min.insync.replicas, unclean leader election, and whether
//! each write is fsynced (`flush.messages=1`) or left to the OS's page cache (Kafka's default).
use super::field_error::FieldError;
use super::{command, use_app};
use kafka_sim::action::Action;
use std::collections::BTreeMap;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub topic: AttrValue,
}

#[function_component(TopicSettings)]
pub fn topic_settings(props: &Props) -> Html {
    let app = use_app();
    let Some(t) = app
        .view
        .topics
        .iter()
        .find(|t| t.name.as_str() == props.topic.as_str())
        .cloned()
    else {
        return html! {};
    };
    let control = format!("topic-{}", t.name);
    let min_isr = t
        .config
        .get("min.insync.replicas")
        .cloned()
        .unwrap_or_else(|| "1".into());
    let unclean = t
        .config
        .get("unclean.leader.election.enable")
        .is_some_and(|v| v == "true");
    // Only the topic's own override counts here: the page sets no cluster-wide
    // `log.flush.interval.messages`.
    let fsync = t.config.get("flush.messages").is_some_and(|v| v == "1");
    let set = |key: &'static str| {
        let app = app.clone();
        let topic = t.name.clone();
        let control = control.clone();
        move |value: String| {
            let mut config = BTreeMap::new();
            config.insert(key.to_string(), serde_json::Value::String(value));
            command(
                &app,
                &control,
                Action::SetTopicConfig {
                    topic: topic.clone(),
                    config,
                },
            );
        }
    };
    let on_min_isr = {
        let f = set("min.insync.replicas");
        Callback::from(move |e: Event| f(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let on_unclean = {
        let f = set("unclean.leader.election.enable");
        Callback::from(move |e: Event| {
            f(e.target_unchecked_into::<HtmlInputElement>()
                .checked()
                .to_string())
        })
    };
    let on_fsync = {
        let f = set("flush.messages");
        // Unchecked: the override goes, back to the default (never, as Kafka's).
        Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            f(if on { "1".into() } else { String::new() })
        })
    };
    let id_min = format!("min-isr-{}", t.name);
    let id_fsync = format!("fsync-{}", t.name);
    let id_unclean = format!("unclean-{}", t.name);
    html! {
        <div class="topic-settings">
            <label for={id_min.clone()}>{ "min.insync.replicas" }</label>
            <select id={id_min} onchange={on_min_isr}>
                { for (1..=t.replication_factor.max(1) + 1).map(|n| html! { <option value={n.to_string()} selected={min_isr == n.to_string()}>{ n }</option> }) }
            </select>
            <label class="check">
                <input id={id_unclean} type="checkbox" checked={unclean} onchange={on_unclean} />
                { "unclean.leader.election.enable" }
            </label>
            <label class="check" title="Fsync every record before acknowledging it. Kafka's default never does: an acknowledged record may sit only in the page cache of every replica, and a power loss on all of them at once (Unplug) loses it.">
                <input id={id_fsync} type="checkbox" checked={fsync} onchange={on_fsync} />
                { "flush.messages=1" }
            </label>
            <FieldError control={control} />
        </div>
    }
}
