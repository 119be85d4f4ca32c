//! One broker: its state and the faults a user can inject.
use super::{command_via, use_dispatch};
use kafka_sim::action::Action;
use kafka_sim::view::BrokerView;
use yew::prelude::*;

/// One replica a broker holds, as its card lists it.
#[derive(Clone, PartialEq)]
pub struct ReplicaChip {
    /// `topic-partition`.
    pub label: String,
    pub leader: bool,
    pub in_isr: bool,
    pub online: bool,
}

/// Replicas listed on a card before the rest are summarised as "+N more".
const MAX_CHIPS: usize = 24;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub broker: BrokerView,
    /// Its replicas of the user's topics (internal topics are left out).
    #[prop_or_default]
    pub replicas: Vec<ReplicaChip>,
    /// Whether the page may change the cluster (not an embed in read-only mode).
    pub editable: bool,
}

#[function_component(BrokerCard)]
pub fn broker_card(props: &Props) -> Html {
    // Props and the dispatcher only (no app context): a card re-renders only when its broker
    // or replicas change, not on every frame.
    let dispatch = use_dispatch();
    let b = &props.broker;
    let id = b.id;
    let (status, class) = if !b.alive {
        ("stopped", "down")
    } else if b.registering {
        ("registering", "warn")
    } else if b.isolated {
        ("isolated", "warn")
    } else if b.fenced {
        ("fenced", "warn")
    } else if b.fetchers_paused {
        ("slow follower", "warn")
    } else {
        ("running", "ok")
    };
    // The counts of the user's topics come from the chips; the broker's own counts include
    // the internal topics' replicas (50 of __consumer_offsets' partitions once a group
    // exists), shown apart so that a 4-partition topic does not read as "leads 18".
    let leads = props.replicas.iter().filter(|r| r.leader).count();
    let internal = b.replicas.saturating_sub(props.replicas.len());
    let internal_leads = b.leaders.saturating_sub(leads);
    let act = |action: Action| {
        let dispatch = dispatch.clone();
        Callback::from(move |_| command_via(&dispatch, "brokers", action.clone()))
    };
    let stop_start = if b.alive {
        html! { <button data-action="stop" onclick={act(Action::StopBroker { broker: Some(id), leader_of: None })}
        title="Crash this broker (its log survives)">{ "Stop" }</button> }
    } else {
        html! { <button class="primary" data-action="start" onclick={act(Action::StartBroker { broker: Some(id), leader_of: None })}
        title="Restart with its log">{ "Start" }</button> }
    };
    let power = html! {
        <button data-action="power-loss" onclick={act(Action::PowerLoss { broker: Some(id), leader_of: None })}
        title="Power loss: the broker stops and its page cache is gone; its logs keep only what had reached the disk (Kafka does not fsync each write)">{ "Unplug" }</button>
    };
    let isolate = if b.isolated {
        html! { <button onclick={act(Action::Heal {})} title="Reconnect every isolated node">{ "Heal" }</button> }
    } else {
        html! { <button disabled={!b.alive} onclick={act(Action::IsolateBroker { broker: Some(id), leader_of: None })}
        title="Cut it off from every other node">{ "Isolate" }</button> }
    };
    let slow = if b.fetchers_paused {
        html! { <button onclick={act(Action::ResumeFetchers { broker: Some(id), leader_of: None })} title="Resume replication">{ "Resume" }</button> }
    } else {
        html! { <button disabled={!b.alive} onclick={act(Action::PauseFetchers { broker: Some(id), leader_of: None })}
        title="Stop fetching from leaders: a slow follower">{ "Slow" }</button> }
    };
    html! {
        <article class={classes!("broker", class)} data-testid="broker" data-broker={id.to_string()} data-status={status}
            aria-label={format!("Broker {id}, {status}")}>
            <header>
                <span class="broker-name">{ format!("Broker {id}") }</span>
                <span class={classes!("pill", class)} title={b.registering.then_some(
                    "The controller refuses this new process while the previous one's session is valid \
                     (broker.session.timeout.ms): its partitions stay with the old, dead process until then")}>{ status }</span>
            </header>
            <dl class="broker-stats">
                <div data-stat="leads" title="partitions of your topics this broker leads"><dt>{ "leads" }</dt><dd>{ leads }</dd></div>
                <div data-stat="replicas" title="replicas of your topics this broker hosts"><dt>{ "replicas" }</dt><dd>{ props.replicas.len() }</dd></div>
                if internal > 0 {
                    <div data-stat="internal" title={format!("replicas of internal topics (__consumer_offsets, __transaction_state) this broker hosts; it leads {internal_leads} of them")}>
                        <dt>{ "internal" }</dt><dd>{ internal }</dd>
                    </div>
                }
                if let Some(r) = &b.rack { <div><dt>{ "rack" }</dt><dd>{ r.clone() }</dd></div> }
            </dl>
            if !props.replicas.is_empty() {
                <ul class="replica-chips" aria-label={format!("Replicas on broker {id}")}>
                    { for props.replicas.iter().take(MAX_CHIPS).map(|r| {
                        let (state, class) = if !r.online {
                            ("offline", "offline")
                        } else if r.leader {
                            ("leader", "leader")
                        } else if r.in_isr {
                            ("follower, in sync", "follower")
                        } else {
                            ("follower, out of sync", "out-of-isr")
                        };
                        html! {
                            <li class={classes!("replica-chip", class)} data-testid="broker-replica"
                                data-replica={r.label.clone()} data-state={class}
                                title={format!("{}: {state}", r.label)}>
                                if r.leader { <span aria-hidden="true">{ "★ " }</span> }
                                { r.label.clone() }
                            </li>
                        }
                    }) }
                    if props.replicas.len() > MAX_CHIPS {
                        <li class="replica-chip more">{ format!("+{} more", props.replicas.len() - MAX_CHIPS) }</li>
                    }
                </ul>
            }
            if props.editable { <div class="broker-actions">{ stop_start }{ power }{ isolate }{ slow }</div> }
        </article>
    }
}
