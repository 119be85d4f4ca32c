//! The producer: send keyed or keyless records, stream, and the durability settings
//! (`acks`, `enable.idempotence`). Errors appear here with Kafka's name and a reason.
use super::field_error::FieldError;
use super::{command, secs, use_app};
use kafka_sim::action::Action;
use kafka_sim::sort::CollectInserted;
use std::collections::BTreeMap;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[function_component(ProducerPanel)]
pub fn producer_panel() -> Html {
    let app = use_app();
    let producers = app.view.producers.clone();
    let selected = use_state(|| producers.first().map(|p| p.id.clone()).unwrap_or_default());
    let key = use_state(|| "user-1".to_string());
    let value = use_state(|| "hello".to_string());
    let Some(p) = producers
        .iter()
        .find(|p| p.id == *selected)
        .or(producers.first())
        .cloned()
    else {
        return html! { <section class="card panel"><h2>{ "Producer" }</h2><p class="muted">{ "This scenario has no producer." }</p></section> };
    };
    let topic = app
        .view
        .topics
        .iter()
        .find(|t| !t.internal)
        .map(|t| t.name.clone())
        .unwrap_or_default();

    let produce = |count: u32| {
        let app = app.clone();
        let key = key.clone();
        let value = value.clone();
        let producer = p.id.clone();
        let topic = topic.clone();
        Callback::from(move |_: MouseEvent| {
            let k = key.trim().to_string();
            command(
                &app,
                "producer",
                Action::Produce {
                    producer: producer.clone(),
                    topic: topic.clone(),
                    key: if k.is_empty() { None } else { Some(k) },
                    value: Some(if count > 1 {
                        format!("{} {{i}}", *value)
                    } else {
                        (*value).clone()
                    }),
                    partition: None,
                    count: Some(count),
                    headers: BTreeMap::new(),
                },
            );
        })
    };
    let on_key = {
        let key = key.clone();
        Callback::from(move |e: InputEvent| {
            key.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_value = {
        let value = value.clone();
        Callback::from(move |e: InputEvent| {
            value.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_select = {
        let selected = selected.clone();
        Callback::from(move |e: Event| {
            selected.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let streaming = p.workload.is_some();
    let on_stream = {
        let app = app.clone();
        let producer = p.id.clone();
        let topic = topic.clone();
        Callback::from(move |_: MouseEvent| {
            let action = if streaming {
                Action::StopWorkload {
                    producer: producer.clone(),
                }
            } else {
                Action::StartWorkload {
                    producer: producer.clone(),
                    topic: topic.clone(),
                    rate_per_sec: 5.0,
                    keys: Some(8),
                    key_prefix: Some("user-".into()),
                    value_bytes: Some(16),
                    duration_ms: None,
                }
            };
            command(&app, "producer", action);
        })
    };
    let set_config = |pairs: Vec<(&'static str, &'static str)>| {
        let app = app.clone();
        let producer = p.id.clone();
        Callback::from(move |_: Event| {
            let config = pairs
                .iter()
                .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.to_string())))
                .collect_map();
            command(
                &app,
                "producer-config",
                Action::SetProducerConfig {
                    producer: producer.clone(),
                    config,
                },
            );
        })
    };
    let acks = p.acks.clone();
    let retries = p
        .config
        .get("retries")
        .cloned()
        .unwrap_or_else(|| "2147483647".into());
    let on_retries = {
        let app = app.clone();
        let producer = p.id.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            let mut config = BTreeMap::new();
            config.insert("retries".to_string(), serde_json::Value::String(v));
            command(
                &app,
                "producer-config",
                Action::SetProducerConfig {
                    producer: producer.clone(),
                    config,
                },
            );
        })
    };
    let idem_explicit = p.config.get("enable.idempotence").cloned();
    let on_idem = {
        let app = app.clone();
        let producer = p.id.clone();
        Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            let mut config = BTreeMap::new();
            config.insert(
                "enable.idempotence".to_string(),
                serde_json::Value::String(on.to_string()),
            );
            command(
                &app,
                "producer-config",
                Action::SetProducerConfig {
                    producer: producer.clone(),
                    config,
                },
            );
        })
    };
    let acks_option = |v: &'static str, label: &'static str, hint: &'static str| {
        // Choosing acks clears an explicit idempotence setting, as a fresh producer config would.
        let cb = set_config(vec![("acks", v), ("enable.idempotence", "")]);
        html! {
            <label class={classes!("seg", (acks == v).then_some("on"))} title={hint}>
                <input type="radio" name="acks" id={format!("acks-{v}")} value={v} checked={acks == v} onchange={cb} />
                { label }
            </label>
        }
    };
    html! {
        <section class="card panel producer" aria-label="Producer" data-testid="producer-panel">
            <header class="panel-head">
                <h2>{ "Producer" }</h2>
                if producers.len() > 1 {
                    <select aria-label="Producer" onchange={on_select}>
                        { for producers.iter().map(|x| html! { <option value={x.id.clone()} selected={x.id == p.id}>{ x.id.clone() }</option> }) }
                    </select>
                } else {
                    <span class="muted">{ p.id.clone() }</span>
                }
            </header>
            <div class="form-row">
                <label for="produce-key">{ "Key" }</label>
                <input id="produce-key" type="text" value={(*key).clone()} oninput={on_key} placeholder="empty = no key" autocomplete="off" />
            </div>
            <div class="form-row">
                <label for="produce-value">{ "Value" }</label>
                <input id="produce-value" type="text" value={(*value).clone()} oninput={on_value} autocomplete="off" />
            </div>
            <div class="button-row">
                <button id="produce-one" class="primary" onclick={produce(1)}>{ "Produce" }</button>
                <button id="produce-burst" onclick={produce(10)} title="Ten records with this key">{ "Burst ×10" }</button>
                <button id="produce-stream" class={classes!(streaming.then_some("active"))} onclick={on_stream}
                    aria-pressed={streaming.to_string()} title="5 records/s over keys user-0 … user-7">
                    { if streaming { "Stop stream" } else { "Stream" } }
                </button>
            </div>
            <FieldError control="producer" />
            <fieldset class="acks">
                <legend>{ "acks" }</legend>
                <div class="segmented" role="radiogroup" aria-label="acks">
                    { acks_option("0", "0", "fire and forget: no response from the broker") }
                    { acks_option("1", "1", "the leader appended it") }
                    { acks_option("all", "all", "every in-sync replica has it") }
                </div>
                <label class="check" title="sequence numbers so retries cannot duplicate; requires acks=all">
                    <input id="idempotence" type="checkbox" checked={p.idempotence} onchange={on_idem} />
                    { "enable.idempotence" }
                    if idem_explicit.is_none() && !p.idempotence { <span class="muted">{ " (off: acks≠all)" }</span> }
                </label>
            </fieldset>
                        <label class="inline-select">
                <span class="mono">{ "retries" }</span>
                <select id="retries" onchange={on_retries}>
                    { for [("0", "0"), ("3", "3"), ("2147483647", "max (default)")].iter().map(|(v, l)| html! {
                        <option value={*v} selected={retries == *v}>{ *l }</option>
                    }) }
                </select>
            </label>
            <FieldError control="producer-config" />
            <dl class="stats">
                <div><dt>{ "sent" }</dt><dd data-testid="producer-sent">{ p.sent }</dd></div>
                <div><dt>{ "acked" }</dt><dd data-testid="producer-acked">{ p.acked }</dd></div>
                <div><dt>{ "failed" }</dt><dd>{ p.failed }</dd></div>
                <div><dt>{ "retries" }</dt><dd>{ p.retries }</dd></div>
                <div><dt>{ "in flight" }</dt><dd>{ p.pending }</dd></div>
                <div title={format!("buffer.memory: {} of {} held by batches not yet acknowledged", bytes(p.buffer_used), bytes(p.buffer_memory))}>
                    <dt>{ "buffer" }</dt><dd data-testid="producer-buffer">{ format!("{}%", buffer_percent(p.buffer_used, p.buffer_memory)) }</dd>
                </div>
            </dl>
            if p.blocked > 0 {
                <p class="client-error" role="status" data-testid="producer-blocked">
                    <code>{ "send() blocked" }</code>
                    { format!(
                        ": buffer.memory is full ({} of {}) with batches the brokers have not acknowledged; {} send{} waiting. Each fails with BufferExhaustedException after max.block.ms; the application makes no records meanwhile.",
                        bytes(p.buffer_used),
                        bytes(p.buffer_memory),
                        p.blocked,
                        if p.blocked == 1 { "" } else { "s" },
                    ) }
                </p>
            }
            <super::producer_state::ProducerState producer={p.clone()} />
            if let Some(e) = &p.last_error {
                <p class="client-error" role="status" data-testid="producer-error">
                    <code>{ e.error.clone() }</code>{ format!(" at {}: {}", secs(e.at), e.detail) }
                </p>
            }
        </section>
    }
}

/// How much of buffer.memory is in use, in whole percent (rounded up: any use shows).
fn buffer_percent(used: u64, total: u64) -> u64 {
    if total == 0 {
        return if used > 0 { 100 } else { 0 };
    }
    used.saturating_mul(100).div_ceil(total).min(100)
}

/// A byte count as people read it (KiB, MiB).
fn bytes(n: u64) -> String {
    const KIB: f64 = 1024.0;
    let f = n as f64;
    if f >= KIB * KIB {
        format!("{:.1} MiB", f / (KIB * KIB))
    } else if f >= KIB {
        format!("{:.1} KiB", f / KIB)
    } else {
        format!("{n} B")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffer_use_reads_in_percent_and_binary_units() {
        assert_eq!(buffer_percent(0, 33_554_432), 0);
        assert_eq!(buffer_percent(1, 33_554_432), 1, "any use shows");
        assert_eq!(buffer_percent(49_152, 49_152), 100);
        assert_eq!(buffer_percent(16_384, 49_152), 34);
        assert_eq!(buffer_percent(5, 0), 100);
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(49_152), "48.0 KiB");
        assert_eq!(bytes(33_554_432), "32.0 MiB");
    }
}
