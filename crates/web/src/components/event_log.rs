//! The event log: what happened, newest first.
use super::use_app;
use crate::hooks::use_visible::use_visible;
use kafka_sim::trace::{TraceEvent, TraceKind};
use std::rc::Rc;
use yew::prelude::*;

/// The nodes an event belongs to (for the node filter): brokers as `broker-N`, the
/// controller, and clients by name (`client-N` ids are resolved by the caller).
fn nodes(e: &TraceEvent) -> Vec<String> {
    match &e.kind {
        TraceKind::Drop { from, to, .. } => vec![from.to_string(), to.to_string()],
        TraceKind::Append { broker, .. }
        | TraceKind::Truncate { broker, .. }
        | TraceKind::BrokerStopped { broker }
        | TraceKind::BrokerStarted { broker } => vec![format!("broker-{broker}")],
        TraceKind::BrokerFenced { broker } | TraceKind::BrokerUnfenced { broker } => {
            vec!["controller".into(), format!("broker-{broker}")]
        }
        TraceKind::LeaderChange { leader, .. } => {
            vec!["controller".into(), format!("broker-{leader}")]
        }
        TraceKind::IsrChange { .. } => vec!["controller".into()],
        TraceKind::Isolated { node } => vec![node.to_string()],
        TraceKind::Acked { client, .. }
        | TraceKind::ClientError { client, .. }
        | TraceKind::Consumed { client, .. } => vec![client.to_string()],
        _ => vec![],
    }
}

/// Kinds offered by the kind filter: (value, label).
const KINDS: &[(&str, &str)] = &[
    ("data", "data"),
    ("cluster", "cluster"),
    ("bad", "problems"),
    ("net", "network"),
    ("note", "notes"),
];

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

/// How often the list is rebuilt while time runs (real milliseconds).
const REFRESH_MS: f64 = 250.0;

#[function_component(EventLog)]
pub fn event_log() -> Html {
    let app = use_app();
    let node = use_state(String::new);
    let kind = use_state(String::new);
    type Item = (u64, u64, String, &'static str);
    // While time runs the list is rebuilt at most every REFRESH_MS of real time: at scale
    // thousands of events pass per frame, and a list replaced 60 times a second can neither be
    // read nor drawn cheaply. Paused, stepping or filtering, it follows every change.
    let cache = use_mut_ref(|| {
        (
            f64::NEG_INFINITY,
            String::new(),
            String::new(),
            Rc::new(Vec::<Item>::new()),
        )
    });
    // Off screen (beyond a margin) the list is not rebuilt at all.
    let list_ref = use_node_ref();
    let visible = use_visible(list_ref.clone(), "300px");
    let now_ms = js_sys::Date::now();
    let fresh = {
        let c = cache.borrow();
        (!visible || app.playing && now_ms - c.0 < REFRESH_MS) && c.1 == *node && c.2 == *kind
    };
    let (items, all_nodes): (Rc<Vec<Item>>, Vec<String>) = {
        let s = app.session.borrow();
        // Client events name the client; drops name `client-N`: map those to names.
        let client_name = |n: String| -> String {
            n.strip_prefix("client-")
                .and_then(|i| i.parse::<usize>().ok())
                .and_then(|i| s.cluster.clients.get(i))
                .map(|c| c.name().to_string())
                .unwrap_or(n)
        };
        let mut all_nodes: Vec<String> = vec!["controller".into()];
        all_nodes.extend(app.view.brokers.iter().map(|b| format!("broker-{}", b.id)));
        all_nodes.extend(s.cluster.clients.iter().map(|c| c.name().to_string()));
        // The newest 60 that pass the filters, newest first.
        let v: Rc<Vec<Item>> = if fresh {
            cache.borrow().3.clone()
        } else {
            // Cluster events, problems and notes are all notable: read them from the
            // trace's notable events, which at scale outlast the traffic after them.
            let notable_only = matches!(kind.as_str(), "cluster" | "bad" | "note");
            let trace = &s.cluster.trace;
            let events: Box<dyn Iterator<Item = &TraceEvent>> = if notable_only {
                Box::new(trace.notable_newest_first())
            } else {
                Box::new(trace.newest_first())
            };
            let v: Rc<Vec<Item>> = Rc::new(
                events
                    .filter_map(|e| {
                        let (text, k) = describe(e)?;
                        if !kind.is_empty() && k != kind.as_str() {
                            return None;
                        }
                        if !node.is_empty()
                            && !nodes(e).into_iter().map(&client_name).any(|n| n == *node)
                        {
                            return None;
                        }
                        Some((e.seq, e.t, text, k))
                    })
                    .take(60)
                    .collect(),
            );
            *cache.borrow_mut() = (now_ms, (*node).clone(), (*kind).clone(), v.clone());
            v
        };
        (v, all_nodes)
    };
    let on_node = {
        let node = node.clone();
        Callback::from(move |e: Event| {
            node.set(
                e.target_unchecked_into::<web_sys::HtmlSelectElement>()
                    .value(),
            )
        })
    };
    let on_kind = {
        let kind = kind.clone();
        Callback::from(move |e: Event| {
            kind.set(
                e.target_unchecked_into::<web_sys::HtmlSelectElement>()
                    .value(),
            )
        })
    };
    let filtered = !node.is_empty() || !kind.is_empty();
    html! {
        <section class="card panel events" aria-label="Event log" ref={list_ref} data-live={visible.to_string()}>
            <header class="panel-head">
                <h2>{ "Events" }</h2>
                <div class="event-filters">
                    <select id="event-node" aria-label="Show events of" onchange={on_node}>
                        <option value="" selected={node.is_empty()}>{ "all nodes" }</option>
                        { for all_nodes.iter().map(|n| html! { <option value={n.clone()} selected={*n == *node}>{ n.clone() }</option> }) }
                    </select>
                    <select id="event-kind" aria-label="Kind of events" onchange={on_kind}>
                        <option value="" selected={kind.is_empty()}>{ "all kinds" }</option>
                        { for KINDS.iter().map(|(v, l)| html! { <option value={*v} selected={*v == kind.as_str()}>{ *l }</option> }) }
                    </select>
                </div>
            </header>
            <ol class="event-list" data-testid="event-list">
                if items.is_empty() { <li key="none" class="note"><time></time><span>{ if filtered { "No recent events match the filters." } else { "No events yet." } }</span></li> }
                <>{ for items.iter().cloned().map(|(seq, t, text, kind)| html! {
                    <li key={seq} class={kind} data-kind={kind}><time>{ format!("{:.2}s", t as f64 / 1000.0) }</time><span>{ text }</span></li>
                }) }</>
            </ol>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::describe;
    use kafka_sim::trace::{TraceEvent, TraceKind};
    use kafka_sim::types::NodeId;

    /// One event of every kind (the match is exhaustive, so a new kind fails to compile here
    /// until it is added).
    fn one_of_each() -> Vec<TraceKind> {
        let b = NodeId::Broker(1);
        let all = vec![
            TraceKind::Send {
                msg: 1,
                from: b,
                to: b,
                name: "Fetch".into(),
                digest: 0,
                arrive_at: 1,
            },
            TraceKind::Deliver {
                msg: 1,
                from: b,
                to: b,
                name: "Fetch".into(),
            },
            TraceKind::Drop {
                msg: 1,
                from: b,
                to: b,
                name: "Fetch".into(),
                reason: "down".into(),
            },
            TraceKind::Append {
                broker: 1,
                topic: "t".into(),
                partition: 0,
                first_offset: 0,
                last_offset: 0,
                leader_epoch: 0,
            },
            TraceKind::Replicate {
                broker: 1,
                topic: "t".into(),
                partition: 0,
                first_offset: 0,
                last_offset: 0,
            },
            TraceKind::HighWatermark {
                broker: 1,
                topic: "t".into(),
                partition: 0,
                hw: 1,
            },
            TraceKind::Truncate {
                broker: 1,
                topic: "t".into(),
                partition: 0,
                to_offset: 0,
                removed: 1,
            },
            TraceKind::LeaderChange {
                topic: "t".into(),
                partition: 0,
                leader: -1,
                leader_epoch: 1,
                isr: vec![],
                unclean: false,
            },
            TraceKind::LeaderChange {
                topic: "t".into(),
                partition: 0,
                leader: 1,
                leader_epoch: 1,
                isr: vec![1],
                unclean: true,
            },
            TraceKind::LeaderChange {
                topic: "t".into(),
                partition: 0,
                leader: 1,
                leader_epoch: 1,
                isr: vec![1],
                unclean: false,
            },
            TraceKind::IsrChange {
                topic: "t".into(),
                partition: 0,
                isr: vec![1],
                reason: "lag".into(),
            },
            TraceKind::BrokerFenced { broker: 1 },
            TraceKind::BrokerUnfenced { broker: 1 },
            TraceKind::BrokerStopped { broker: 1 },
            TraceKind::BrokerStarted { broker: 1 },
            TraceKind::Isolated { node: b },
            TraceKind::Healed,
            TraceKind::Acked {
                client: "p".into(),
                topic: "t".into(),
                partition: 0,
                offset: 0,
                records: 1,
            },
            TraceKind::ClientError {
                client: "p".into(),
                error: "E".into(),
                detail: "d".into(),
            },
            TraceKind::Consumed {
                client: "c".into(),
                topic: "t".into(),
                partition: 0,
                first_offset: 0,
                last_offset: 0,
                count: 1,
            },
            TraceKind::Group {
                group: "g".into(),
                event: "e".into(),
            },
            TraceKind::Note { text: "n".into() },
        ];
        for k in &all {
            match k {
                TraceKind::Send { .. }
                | TraceKind::Deliver { .. }
                | TraceKind::Drop { .. }
                | TraceKind::Append { .. }
                | TraceKind::Replicate { .. }
                | TraceKind::HighWatermark { .. }
                | TraceKind::Truncate { .. }
                | TraceKind::LeaderChange { .. }
                | TraceKind::IsrChange { .. }
                | TraceKind::BrokerFenced { .. }
                | TraceKind::BrokerUnfenced { .. }
                | TraceKind::BrokerStopped { .. }
                | TraceKind::BrokerStarted { .. }
                | TraceKind::Isolated { .. }
                | TraceKind::Healed
                | TraceKind::Acked { .. }
                | TraceKind::ClientError { .. }
                | TraceKind::Consumed { .. }
                | TraceKind::Group { .. }
                | TraceKind::Note { .. } => {}
            }
        }
        all
    }

    /// The kind filters "cluster", "problems" and "notes" read only the trace's notable events:
    /// every event shown under them must be one.
    #[test]
    fn every_cluster_problem_and_note_event_is_notable() {
        let mut shown = 0;
        for kind in one_of_each() {
            let e = TraceEvent { seq: 0, t: 0, kind };
            if let Some((_, k)) = describe(&e) {
                if matches!(k, "cluster" | "bad" | "note") {
                    assert!(
                        e.kind.is_notable(),
                        "{:?} is listed as {k} but not notable",
                        e.kind
                    );
                    shown += 1;
                }
            }
        }
        assert_eq!(shown, 14, "one event of each of those kinds was checked");
    }
}
