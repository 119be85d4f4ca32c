//! The event log: what happened, newest first.
use super::use_app;
use kafka_sim::trace::{TraceEvent, TraceKind};
use yew::prelude::*;

fn describe(e: &TraceEvent) -> Option<(String, &'static str)> {
    let s = match &e.kind {
        TraceKind::Send { .. } | TraceKind::Deliver { .. } | TraceKind::Replicate { .. } | TraceKind::HighWatermark { .. } => return None,
        TraceKind::Drop { from, to, name, reason, .. } => (format!("{name} {from} → {to} dropped: {reason}"), "net"),
        TraceKind::Append { broker, topic, partition, first_offset, last_offset, leader_epoch } => (
            format!("broker-{broker} appended {topic}-{partition} offsets {first_offset}–{last_offset} (epoch {leader_epoch})"),
            "data",
        ),
        TraceKind::Truncate { broker, topic, partition, to_offset, removed } => {
            (format!("broker-{broker} truncated {topic}-{partition} to offset {to_offset}: {removed} record(s) deleted"), "bad")
        }
        TraceKind::LeaderChange { topic, partition, leader, leader_epoch, isr, unclean } => {
            if *leader < 0 {
                (format!("{topic}-{partition} is offline: no in-sync replica is alive (epoch {leader_epoch})"), "bad")
            } else {
                (
                    format!(
                        "{topic}-{partition}: broker-{leader} elected leader, epoch {leader_epoch}, ISR {isr:?}{}",
                        if *unclean { " — UNCLEAN election" } else { "" }
                    ),
                    if *unclean { "bad" } else { "cluster" },
                )
            }
        }
        TraceKind::IsrChange { topic, partition, isr, reason } => (format!("{topic}-{partition} ISR → {isr:?} ({reason})"), "cluster"),
        TraceKind::BrokerFenced { broker } => (format!("controller fenced broker-{broker}"), "cluster"),
        TraceKind::BrokerUnfenced { broker } => (format!("controller unfenced broker-{broker}"), "cluster"),
        TraceKind::BrokerStopped { broker } => (format!("broker-{broker} stopped"), "bad"),
        TraceKind::BrokerStarted { broker } => (format!("broker-{broker} started"), "cluster"),
        TraceKind::Isolated { node } => (format!("{node} isolated from the network"), "bad"),
        TraceKind::Healed => ("network healed".to_string(), "cluster"),
        TraceKind::Produced { .. } => return None,
        TraceKind::Acked { client, topic, partition, offset, records } => {
            if *offset >= 0 {
                (format!("{client}: {records} record(s) acknowledged at {topic}-{partition} offset {offset}"), "data")
            } else {
                (format!("{client}: {records} record(s) sent to {topic}-{partition} (acks=0: no offset)"), "data")
            }
        }
        TraceKind::ClientError { client, error, detail } => (format!("{client}: {error} — {detail}"), "bad"),
        TraceKind::Consumed { client, topic, partition, first_offset, last_offset, count } => {
            (format!("{client} read {count} record(s) from {topic}-{partition} offsets {first_offset}–{last_offset}"), "data")
        }
        TraceKind::Group { group, event } => (format!("group {group}: {event}"), "cluster"),
        TraceKind::Note { text } => (text.clone(), "note"),
    };
    Some(s)
}

#[function_component(EventLog)]
pub fn event_log() -> Html {
    let app = use_app();
    let items: Vec<(u64, u64, String, &'static str)> = {
        let s = app.session.borrow();
        let mut v: Vec<(u64, u64, String, &'static str)> = s
            .cluster
            .trace
            .events()
            .filter_map(|e| describe(e).map(|(text, kind)| (e.seq, e.t, text, kind)))
            .collect();
        let n = v.len();
        v.drain(..n.saturating_sub(60));
        v.reverse();
        v
    };
    html! {
        <section class="card panel events" aria-label="Event log">
            <header class="panel-head"><h2>{ "Events" }</h2></header>
            <ol class="event-list">
                { for items.into_iter().map(|(seq, t, text, kind)| html! {
                    <li key={seq} class={kind}><time>{ format!("{:.2}s", t as f64 / 1000.0) }</time><span>{ text }</span></li>
                }) }
            </ol>
        </section>
    }
}
