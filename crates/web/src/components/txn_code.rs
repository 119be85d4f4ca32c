//! The seed's exactly-once Java snippet, lit line by line as the simulated transactional
//! producer executes it (`txn_last_call`, `txn_state`), with buttons that make the producer
//! call the next line — or abort, or crash between two lines.
use super::field_error::FieldError;
use super::lessons::is_helper_client;
use super::producer_state::ProducerState;
use super::{command, use_app};
use kafka_sim::action::Action;
use kafka_sim::sort::CollectInserted;
use kafka_sim::view::{ClusterView, ProducerView};
use std::collections::BTreeMap;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// The snippet from the seed document, verbatim, with the API call each line makes.
const SNIPPET: &[(&str, Option<&str>)] = &[
    ("// Kafka producer with exactly-once semantics (Java)", None),
    ("Properties props = new Properties();", None),
    ("props.put(\"bootstrap.servers\", \"kafka:9092\");", None),
    ("props.put(\"enable.idempotence\", \"true\");", None),
    ("props.put(\"acks\", \"all\");", None),
    (
        "props.put(\"transactional.id\", \"my-transactional-id\");",
        None,
    ),
    (
        "KafkaProducer<String, String> producer = new KafkaProducer<>(props);",
        None,
    ),
    ("producer.initTransactions();", Some("initTransactions")),
    ("try {", None),
    ("  producer.beginTransaction();", Some("beginTransaction")),
    (
        "  producer.send(new ProducerRecord<>(\"output-topic\", key, value));",
        Some("send"),
    ),
    ("  // Atomically commit processed offset + new record", None),
    (
        "  producer.sendOffsetsToTransaction(offsets, consumerGroupId);",
        Some("sendOffsetsToTransaction"),
    ),
    ("  producer.commitTransaction();", Some("commitTransaction")),
    ("} catch (Exception e) {", None),
    ("  producer.abortTransaction();", Some("abortTransaction")),
    ("}", None),
];

/// Transactional producers the user drives (not the ones inside stream processors).
pub fn code_producers(v: &ClusterView) -> Vec<ProducerView> {
    v.producers
        .iter()
        .filter(|p| p.transactional_id.is_some() && !is_helper_client(v, &p.id))
        .cloned()
        .collect()
}

#[derive(Clone, Copy, PartialEq)]
enum LineStatus {
    Running,
    Done,
    Failed,
    Crashed,
}

/// Where the producer is in the snippet and how that line went.
fn position(p: &ProducerView) -> (String, LineStatus) {
    let call = p
        .txn_last_call
        .clone()
        .unwrap_or_else(|| "initTransactions".into());
    let state = p.txn_state.clone().unwrap_or_default();
    let status = if !p.alive {
        LineStatus::Crashed
    } else if state.starts_with("fenced") || state.starts_with("must abort") {
        LineStatus::Failed
    } else {
        match state.as_str() {
            "uninitialized" | "initializing" | "committing" | "aborting" => LineStatus::Running,
            _ => LineStatus::Done,
        }
    };
    (call, status)
}

/// A line with string literals and comments coloured.
fn highlight(text: &str) -> Html {
    if text.trim_start().starts_with("//") {
        return html! { <span class="tok-comment">{ text }</span> };
    }
    let parts: Vec<&str> = text.split('"').collect();
    html! {
        <>
            { for parts.iter().enumerate().map(|(i, s)| if i % 2 == 1 {
                html! { <span class="tok-string">{ format!("\"{s}\"") }</span> }
            } else {
                html! { { *s } }
            }) }
        </>
    }
}

#[function_component(TxnCode)]
pub fn txn_code() -> Html {
    let app = use_app();
    let producers = code_producers(&app.view);
    let selected = use_state(|| producers.first().map(|p| p.id.clone()).unwrap_or_default());
    let topic_choice = use_state(|| None::<String>);
    let offsets_from = use_state(|| None::<String>);
    let Some(p) = producers
        .iter()
        .find(|p| p.id == *selected)
        .or(producers.first())
        .cloned()
    else {
        return html! {};
    };
    let control = format!("txn-{}", p.id);
    let topics: Vec<(String, i32)> = app
        .view
        .topics
        .iter()
        .filter(|t| !t.internal)
        .map(|t| (t.name.clone(), t.partitions.len() as i32))
        .collect();
    let topic = topic_choice
        .as_ref()
        .and_then(|c| topics.iter().find(|(t, _)| t == c))
        .or(topics.first())
        .cloned();
    // Consumers in a group can supply sendOffsetsToTransaction's offsets and group metadata.
    let grouped: Vec<String> = app
        .view
        .consumers
        .iter()
        .filter(|c| c.alive && c.group.is_some() && !is_helper_client(&app.view, &c.id))
        .map(|c| c.id.clone())
        .collect();
    let offsets_consumer = offsets_from
        .as_ref()
        .filter(|c| grouped.contains(c))
        .or(grouped.first())
        .cloned();

    let act = |make: Box<dyn Fn() -> Option<Action>>| {
        let app = app.clone();
        let control = control.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(a) = make() {
                command(&app, &control, a);
            }
        })
    };
    let id = p.id.clone();
    let begin = act(Box::new({
        let id = id.clone();
        move || {
            Some(Action::BeginTxn {
                producer: id.clone(),
            })
        }
    }));
    let send = act(Box::new({
        let id = id.clone();
        let topic = topic.clone();
        let n = p.sent;
        move || {
            let (t, parts) = topic.clone()?;
            Some(Action::Produce {
                producer: id.clone(),
                topic: t,
                key: Some(format!("tx-{n}")),
                value: Some(format!("record {n} in a transaction")),
                // Alternate partitions so the transaction spans more than one.
                partition: Some((n % parts.max(1) as u64) as i32),
                count: None,
                headers: BTreeMap::new(),
            })
        }
    }));
    let offsets = act(Box::new({
        let id = id.clone();
        let consumer = offsets_consumer.clone();
        move || {
            Some(Action::SendOffsets {
                producer: id.clone(),
                consumer: consumer.clone()?,
            })
        }
    }));
    let commit = act(Box::new({
        let id = id.clone();
        move || {
            Some(Action::CommitTxn {
                producer: id.clone(),
            })
        }
    }));
    let abort = act(Box::new({
        let id = id.clone();
        move || {
            Some(Action::AbortTxn {
                producer: id.clone(),
            })
        }
    }));
    let crash = act(Box::new({
        let id = id.clone();
        move || Some(Action::CrashClient { client: id.clone() })
    }));
    let restart = act(Box::new({
        let id = id.clone();
        let config: BTreeMap<String, serde_json::Value> = p
            .config
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect_map();
        move || {
            Some(Action::AddProducer {
                id: id.clone(),
                config: config.clone(),
            })
        }
    }));
    let on_select = {
        let selected = selected.clone();
        Callback::from(move |e: Event| {
            selected.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let on_topic = {
        let topic_choice = topic_choice.clone();
        Callback::from(move |e: Event| {
            topic_choice.set(Some(e.target_unchecked_into::<HtmlSelectElement>().value()))
        })
    };
    let on_offsets_from = {
        let offsets_from = offsets_from.clone();
        Callback::from(move |e: Event| {
            offsets_from.set(Some(e.target_unchecked_into::<HtmlSelectElement>().value()))
        })
    };

    let (call, status) = position(&p);
    let editable = app.editable();
    let status_text = match status {
        LineStatus::Running => format!("{call}() — waiting for the transaction coordinator"),
        LineStatus::Done => format!("{call}() returned"),
        LineStatus::Failed => format!("{call}() failed"),
        LineStatus::Crashed => format!("the process crashed after {call}()"),
    };
    let glyph = if status == LineStatus::Crashed {
        "✖"
    } else {
        "◀"
    };
    let status_class = |s: LineStatus| match s {
        LineStatus::Running => "running",
        LineStatus::Done => "done",
        LineStatus::Failed => "failed",
        LineStatus::Crashed => "crashed",
    };
    let lines = SNIPPET.iter().enumerate().map(|(i, (text, c))| {
        let current = c.is_some_and(|c| c == call);
        html! {
            <span class={classes!("line", c.map(|_| "call"), current.then_some("current"), current.then_some(status_class(status)))}
                data-call={c.unwrap_or_default()} aria-current={current.then_some("step")}>
                <span class="ln" aria-hidden="true">{ i + 1 }</span>
                <span class="src">{ highlight(text) }</span>
                if current { <span class="here" aria-hidden="true">{ glyph }</span> }
                { "\n" }
            </span>
        }
    });
    let last_error = p
        .last_error
        .as_ref()
        .filter(|_| status == LineStatus::Failed)
        .map(|e| e.error.clone());
    html! {
        <section class="card lesson txn-code" data-testid="txn-code" data-producer={p.id.clone()} aria-label="Transactional producer, step by step">
            <header class="lesson-head">
                <div>
                    <h2>{ "Exactly-once: the transaction, line by line" }</h2>
                    <p class="muted small">{ "The highlighted line is the last call the simulated producer made. Step through it, abort, or crash the process between two lines." }</p>
                </div>
                if producers.len() > 1 {
                    <select aria-label="Transactional producer" onchange={on_select}>
                        { for producers.iter().map(|x| html! { <option value={x.id.clone()} selected={x.id == p.id}>{ x.id.clone() }</option> }) }
                    </select>
                }
            </header>
            <div class="txn-grid">
                <div class="code-wrap">
                    <pre class="code" aria-label="Java: a transactional producer" tabindex="0"><code>{ for lines }</code></pre>
                    <p class={classes!("txn-status", status_class(status))} role="status" data-testid="txn-status">
                        <span class="here-dot" aria-hidden="true">{ glyph }</span>
                        { status_text.clone() }
                        if let Some(st) = &p.txn_state { <span class="muted">{ format!(" · transaction {st}") }</span> }
                    </p>
                </div>
                <div class="txn-side">
                    <ProducerState producer={p.clone()} />
                    if let Some(e) = last_error { <p class="client-error"><code>{ e }</code></p> }
                    if editable {
                        <div class="txn-steps" role="group" aria-label={format!("Make {} call", p.id)}>
                            if p.alive {
                                <button id="txn-begin" class="code-btn" onclick={begin} aria-label="Call beginTransaction()">{ "beginTransaction()" }</button>
                                <div class="code-btn-row">
                                    <button id="txn-send" class="code-btn" onclick={send} disabled={topic.is_none()}
                                        aria-label={format!("Call send() to {}", topic.as_ref().map(|t| t.0.clone()).unwrap_or_default())}>{ "send()" }</button>
                                    if topics.len() > 1 {
                                        <select aria-label="Topic to send to" onchange={on_topic}>
                                            { for topics.iter().map(|(t, _)| html! { <option value={t.clone()} selected={topic.as_ref().is_some_and(|x| &x.0 == t)}>{ t.clone() }</option> }) }
                                        </select>
                                    }
                                </div>
                                <div class="code-btn-row">
                                    <button id="txn-offsets" class="code-btn" onclick={offsets} disabled={offsets_consumer.is_none()}
                                        aria-label="Call sendOffsetsToTransaction() with a consumer's positions"
                                        title={if offsets_consumer.is_none() { "needs a consumer in a group: its positions and group metadata are the offsets sent" } else { "the consumer's current positions, committed with the transaction" }}>
                                        { "sendOffsetsToTransaction()" }
                                    </button>
                                    if grouped.len() > 1 {
                                        <select aria-label="Consumer whose offsets are sent" onchange={on_offsets_from}>
                                            { for grouped.iter().map(|c| html! { <option value={c.clone()} selected={offsets_consumer.as_ref() == Some(c)}>{ c.clone() }</option> }) }
                                        </select>
                                    }
                                </div>
                                <button id="txn-commit" class="code-btn commit" onclick={commit} aria-label="Call commitTransaction()">{ "commitTransaction()" }</button>
                                <button id="txn-abort" class="code-btn abort" onclick={abort} aria-label="Call abortTransaction()">{ "abortTransaction()" }</button>
                                <button id="txn-crash" class="danger" onclick={crash}
                                    title="Kill the process between two lines: an open transaction stays open until transaction.timeout.ms, or until a new producer with the same transactional.id fences it">
                                    { "Crash the producer here" }
                                </button>
                            } else {
                                <p class="small">{ "The process is gone. Its open transaction, if any, holds the LSO until the coordinator aborts it (transaction.timeout.ms) or a new instance with the same transactional.id runs initTransactions(): epoch + 1, the old one fenced, the transaction aborted." }</p>
                                <button id="txn-restart" class="primary" onclick={restart}>{ "Restart: initTransactions()" }</button>
                            }
                        </div>
                    }
                    <FieldError control={control.clone()} />
                </div>
            </div>
        </section>
    }
}
