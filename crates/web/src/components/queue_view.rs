//! The log beside a traditional queue: the same orders go to a Kafka topic and to an
//! SQS/RabbitMQ-style queue. Acknowledged queue messages are deleted; the topic keeps its
//! records, and a consumer group created later replays them from offset 0.
use super::field_error::FieldError;
use super::lessons::is_helper_client;
use super::{command, use_app};
use crate::palette::key_style;
use kafka_sim::action::Action;
use kafka_sim::sort::CollectInserted;
use kafka_sim::view::{ClusterView, QueueView as Queue};
use std::collections::BTreeMap;
use yew::prelude::*;

const CONTROL: &str = "queue";
/// Records drawn per partition in the compact log.
const LOG_CELLS: usize = 40;

/// The Kafka topic shown beside a queue: "orders" for "orders-queue", else the first topic.
fn topic_for(v: &ClusterView, queue: &str) -> Option<String> {
    let user: Vec<&String> = v
        .topics
        .iter()
        .filter(|t| !t.internal)
        .map(|t| &t.name)
        .collect();
    user.iter()
        .find(|t| queue.starts_with(t.as_str()))
        .or(user.first())
        .map(|t| (*t).clone())
}

/// A client id not taken yet: `{base}-1`, `{base}-2`, …
fn fresh_id(v: &ClusterView, base: &str) -> String {
    let taken = |id: &str| {
        v.consumers.iter().any(|c| c.id == id)
            || v.producers.iter().any(|c| c.id == id)
            || v.share_consumers.iter().any(|c| c.id == id)
            || v.queues
                .iter()
                .any(|q| q.consumers.iter().any(|c| c.id == id))
            || v.groups.iter().any(|g| g.group == id)
            || v.share_groups.iter().any(|g| g.group == id)
    };
    (1..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !taken(id))
        .unwrap_or_else(|| base.to_string())
}

fn consumer_config() -> BTreeMap<String, serde_json::Value> {
    [
        ("auto.offset.reset", "earliest"),
        ("session.timeout.ms", "10000"),
        ("heartbeat.interval.ms", "1000"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.to_string())))
    .collect_map()
}

#[derive(Properties, PartialEq)]
struct Props {
    queue: Queue,
}

#[function_component(QueuePair)]
fn queue_pair(props: &Props) -> Html {
    let app = use_app();
    let v = &app.view;
    let q = &props.queue;
    let topic = topic_for(v, &q.name).unwrap_or_default();
    let tv = v.topics.iter().find(|t| t.name == topic).cloned();
    let retained: i64 = tv
        .as_ref()
        .map(|t| {
            t.partitions
                .iter()
                .map(|p| p.high_watermark - p.log_start_offset)
                .sum()
        })
        .unwrap_or(0);
    let producer = v
        .producers
        .iter()
        .filter(|p| p.alive && p.transactional_id.is_none() && !is_helper_client(v, &p.id))
        .map(|p| p.id.clone())
        .next();
    // Groups reading the topic, and what each has processed.
    let groups: Vec<_> = v
        .groups
        .iter()
        .filter(|g| {
            g.committed.iter().any(|c| *c.topic == *topic)
                || g.members
                    .iter()
                    .any(|m| m.assignment.iter().any(|(t, _)| **t == *topic))
        })
        .cloned()
        .collect();
    let logs: Vec<(i32, i64, Vec<kafka_sim::view::RecordView>)> = {
        let s = app.session.borrow();
        tv.as_ref()
            .map(|t| {
                t.partitions
                    .iter()
                    .map(|p| {
                        let from = (p.high_watermark - LOG_CELLS as i64).max(p.log_start_offset);
                        (
                            p.partition,
                            p.log_start_offset,
                            s.cluster
                                .records(&topic, p.partition, None, from, LOG_CELLS)
                                .into_iter()
                                .filter(|r| r.control.is_none())
                                .collect(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let editable = app.editable();
    let n = q.sent.max(retained.max(0) as u64);
    let send_both = {
        let app = app.clone();
        let topic = topic.clone();
        let queue = q.name.clone();
        let producer = producer.clone();
        Callback::from(move |_: MouseEvent| {
            let key = Some(format!("order-{n}"));
            let value = format!("order {n}");
            if let Some(p) = &producer {
                command(
                    &app,
                    CONTROL,
                    Action::Produce {
                        producer: p.clone(),
                        topic: topic.clone(),
                        key: key.clone(),
                        value: Some(value.clone()),
                        partition: None,
                        count: None,
                        headers: BTreeMap::new(),
                    },
                );
            }
            command(
                &app,
                CONTROL,
                Action::QueueSend {
                    queue: queue.clone(),
                    key,
                    value,
                    count: None,
                },
            );
        })
    };
    let late_group = {
        let app = app.clone();
        let topic = topic.clone();
        Callback::from(move |_: MouseEvent| {
            let group = fresh_id(&app.view, "late-group");
            command(
                &app,
                CONTROL,
                Action::AddConsumer {
                    id: format!("{group}-c"),
                    group: Some(group),
                    topics: vec![topic.clone()],
                    config: consumer_config(),
                    processing_ms: Some(50),
                    commit: None,
                },
            );
        })
    };
    let late_worker = |manual: bool| {
        let app = app.clone();
        let queue = q.name.clone();
        Callback::from(move |_: MouseEvent| {
            let id = fresh_id(
                &app.view,
                if manual {
                    "manual-worker"
                } else {
                    "late-worker"
                },
            );
            command(
                &app,
                CONTROL,
                Action::AddQueueConsumer {
                    id,
                    queue: queue.clone(),
                    processing_ms: Some(if manual { 200 } else { 50 }),
                    ack: manual.then(|| "manual".to_string()),
                },
            );
        })
    };
    let share_group = {
        let app = app.clone();
        let topic = topic.clone();
        Callback::from(move |_: MouseEvent| {
            let group = fresh_id(&app.view, "share-group");
            for i in 1..=3 {
                command(
                    &app,
                    CONTROL,
                    Action::AddShareConsumer {
                        id: format!("{group}-m{i}"),
                        group: group.clone(),
                        topics: vec![topic.clone()],
                        processing_ms: Some(400),
                        config: BTreeMap::new(),
                    },
                );
            }
        })
    };
    let parts = tv.as_ref().map_or(0, |t| t.partitions.len());
    let now = v.now;
    html! {
        <section class="card lesson log-vs-queue" data-testid="queue-view" data-queue={q.name.clone()} data-topic={topic.clone()} aria-label={format!("Kafka topic {topic} beside queue {}", q.name)}>
            <header class="lesson-head">
                <div>
                    <h2>{ "A log is not a queue" }</h2>
                    <p class="muted small">{ "The same orders go to both. The queue deletes a message once a worker acknowledges it; the topic keeps every record until retention, for every group — including ones that do not exist yet." }</p>
                </div>
            </header>
            if editable {
                <div class="button-row lesson-actions" role="group" aria-label="Log versus queue actions">
                    <button id="send-both" class="primary" onclick={send_both} disabled={producer.is_none() || topic.is_empty()}
                        title={format!("produce order-{n} to {topic} and send it to {}", q.name)}>{ "Send an order to topic and queue" }</button>
                    <button id="late-group" onclick={late_group} disabled={topic.is_empty()} title="a new consumer group with auto.offset.reset=earliest">{ "+ Late consumer group" }</button>
                    <button id="late-worker" onclick={late_worker(false)} title="a new competing consumer of the queue">{ "+ Late queue worker" }</button>
                    <button id="manual-worker" onclick={late_worker(true)} title="a queue worker that waits for you to acknowledge each message">{ "+ Manual-ack worker" }</button>
                    <button id="add-share-group" onclick={share_group} disabled={topic.is_empty()}
                        title={format!("KIP-932 (Kafka 4.0+): three share consumers on the {parts} partition(s) of {topic}, all busy")}>{ "+ Share group (Kafka 4.0+)" }</button>
                </div>
                <FieldError control={CONTROL} />
            }
            <div class="lvq-grid">
                <div class="lvq-side kafka-side" data-testid="lvq-log">
                    <div class="lvq-title">
                        <span class="lvq-kind">{ "Kafka topic" }</span>
                        <strong class="mono">{ topic.clone() }</strong>
                    </div>
                    <div class="big-count" title="records the topic retains">
                        <strong data-testid="log-records">{ retained }</strong>
                        <span>{ if retained == 1 { "record retained" } else { "records retained" } }</span>
                    </div>
                    { for logs.iter().map(|(part, start, recs)| html! {
                        <div class="mini-log" aria-label={format!("partition {part}")}>
                            <span class="mini-label mono">{ format!("P{part}") }</span>
                            if *start > 0 { <span class="mini-gone" title="deleted by retention">{ format!("…{start}") }</span> }
                            <>{ for recs.iter().map(|r| html! {
                                <span class="mini-cell" key={r.offset} style={key_style(r.key.as_deref())}
                                    title={format!("offset {} · {}", r.offset, r.value.clone().unwrap_or_default())}>{ r.offset }</span>
                            }) }</>
                        </div>
                    }) }
                    <ul class="lvq-readers" aria-label="Consumer groups reading the topic">
                        { for groups.iter().map(|g| html! {
                            <li data-testid="log-group" data-group={g.group.clone()}>
                                <strong>{ g.group.clone() }</strong>
                                <span class="muted">{ format!(" read {} · lag {}", g.processed, g.lag) }</span>
                            </li>
                        }) }
                        if groups.is_empty() { <li class="muted">{ "no consumer group yet" }</li> }
                    </ul>
                </div>
                <div class="lvq-vs" aria-hidden="true">{ "vs" }</div>
                <div class="lvq-side queue-side" data-testid="lvq-queue">
                    <div class="lvq-title">
                        <span class="lvq-kind">{ "Queue" }</span>
                        <strong class="mono">{ q.name.clone() }</strong>
                        <span class="muted small">{ format!("visibility timeout {} s", q.visibility_timeout_ms / 1000) }</span>
                    </div>
                    <div class={classes!("big-count", (q.count == 0).then_some("empty"))} title="messages the queue holds">
                        <strong data-testid="queue-count">{ q.count }</strong>
                        <span>{ if q.count == 1 { "message left" } else { "messages left" } }</span>
                    </div>
                    <div class="q-messages" role="list" aria-label="Messages in the queue">
                        { for q.messages.iter().map(|m| {
                            let inflight = m.invisible_until.is_some_and(|t| t > now);
                            html! {
                                <span role="listitem" key={m.id} class={classes!("q-msg", inflight.then_some("inflight"), (m.receive_count > 1).then_some("redelivered"))}
                                    style={key_style(m.key.as_deref())} data-testid="queue-message"
                                    title={format!("{}{}{}", m.body, m.holder.as_ref().filter(|_| inflight).map(|h| format!(" · held by {h}, invisible to others")).unwrap_or_default(), if m.receive_count > 1 { format!(" · delivered {} times", m.receive_count) } else { String::new() })}>
                                    { m.key.clone().unwrap_or_else(|| format!("#{}", m.id)) }
                                    if m.receive_count > 1 { <sup>{ format!("×{}", m.receive_count) }</sup> }
                                </span>
                            }
                        }) }
                        if q.count == 0 { <span class="muted small q-empty">{ "empty — acknowledged messages are gone for good" }</span> }
                    </div>
                    <dl class="stats q-stats">
                        <div><dt>{ "sent" }</dt><dd data-testid="queue-sent">{ q.sent }</dd></div>
                        <div><dt>{ "acknowledged → deleted" }</dt><dd data-testid="queue-deleted">{ q.deleted }</dd></div>
                        <div><dt>{ "redelivered" }</dt><dd data-testid="queue-redelivered">{ q.redelivered }</dd></div>
                    </dl>
                    <ul class="q-workers" aria-label="Queue consumers">
                        { for q.consumers.iter().map(|c| {
                            let id = c.id.clone();
                            let ack = {
                                let app = app.clone();
                                let id = id.clone();
                                Callback::from(move |_: MouseEvent| command(&app, CONTROL, Action::AckQueue { consumer: id.clone() }))
                            };
                            let crash = {
                                let app = app.clone();
                                let id = id.clone();
                                Callback::from(move |_: MouseEvent| command(&app, CONTROL, Action::CrashQueueConsumer { consumer: id.clone() }))
                            };
                            let holding = c.holding.and_then(|h| q.messages.iter().find(|m| m.id == h));
                            html! {
                                <li class={classes!("q-worker", (!c.alive).then_some("down"))} data-testid="queue-worker" data-consumer={id.clone()}>
                                    <span class="q-worker-name"><strong>{ id.clone() }</strong>
                                        <span class="muted small">{ if c.auto_ack { " auto-ack" } else { " manual ack" } }</span>
                                    </span>
                                    <span class="small">
                                        { format!("processed {}", c.processed) }
                                        if let Some(m) = holding { <span class="muted">{ format!(" · holding {}", m.key.clone().unwrap_or_else(|| format!("#{}", m.id))) }</span> }
                                        if !c.alive { <span class="pill down">{ "crashed" }</span> }
                                    </span>
                                    if editable && c.alive {
                                        <span class="q-worker-actions">
                                            if !c.auto_ack {
                                                <button class="small-btn" onclick={ack} disabled={c.holding.is_none()} data-action="ack"
                                                    aria-label={format!("{id}: acknowledge the message it holds (the queue deletes it)")}>{ "Ack" }</button>
                                            }
                                            <button class="small-btn danger" onclick={crash} data-action="crash-worker"
                                                aria-label={format!("Crash {id}: its message becomes visible again after the visibility timeout")}>{ "Crash" }</button>
                                        </span>
                                    }
                                </li>
                            }
                        }) }
                    </ul>
                </div>
            </div>
            <p class="lesson-moral" data-testid="lvq-moral">
                if q.deleted > 0 {
                    { format!("{} acknowledged message{} deleted from the queue; the topic still holds {retained} record{}. A group created now reads them all from offset 0.",
                        q.deleted, if q.deleted == 1 { " was" } else { "s were" }, if retained == 1 { "" } else { "s" }) }
                } else {
                    { "Nothing acknowledged yet: both hold every message." }
                }
            </p>
        </section>
    }
}

#[function_component(QueueView)]
pub fn queue_view() -> Html {
    let app = use_app();
    let queues = app.view.queues.clone();
    html! {
        <>
            { for queues.into_iter().map(|q| { let k = q.name.clone(); html! { <QueuePair key={k} queue={q} /> } }) }
        </>
    }
}
