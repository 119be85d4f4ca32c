//! Kafka's broker metrics for the view.
use super::use_app;
use yew::prelude::*;

/// A metric's name with a line-break opportunity before each capital, so that
/// `UnderReplicatedPartitions` wraps between words in a narrow tile instead of being cut.
fn breakable(name: &str) -> Html {
    let mut words: Vec<String> = Vec::new();
    for ch in name.chars() {
        match words.last_mut() {
            Some(w) if !ch.is_ascii_uppercase() => w.push(ch),
            _ => words.push(ch.to_string()),
        }
    }
    words
        .into_iter()
        .enumerate()
        .map(|(i, w)| html! { <>{ (i > 0).then(|| html! { <wbr /> }) }{ w }</> })
        .collect()
}

#[function_component(MetricsStrip)]
pub fn metrics_strip() -> Html {
    let app = use_app();
    let m = &app.view.metrics;
    let item = |label: &'static str, value: String, bad: bool, title: &'static str| {
        html! { <div class={classes!("metric", bad.then_some("bad"))} title={title}><span class="metric-value">{ value }</span><span class="metric-label">{ breakable(label) }</span></div> }
    };
    html! {
        <div class="metrics" aria-label="Metrics">
            { item("ActiveControllerCount", m.active_controller_count.to_string(), m.active_controller_count != 1, "kafka.controller:type=KafkaController") }
            { item("UnderReplicatedPartitions", m.under_replicated_partitions.to_string(), m.under_replicated_partitions > 0, "partitions whose ISR is smaller than their replica set") }
            { item("UnderMinIsrPartitionCount", m.under_min_isr_partition_count.to_string(), m.under_min_isr_partition_count > 0, "acks=all writes to these are refused") }
            { item("OfflinePartitionsCount", m.offline_partitions_count.to_string(), m.offline_partitions_count > 0, "partitions without a leader") }
            { item("IsrShrinks", m.isr_shrinks.to_string(), false, "ISR shrink events") }
            { item("IsrExpands", m.isr_expands.to_string(), false, "ISR expand events") }
        </div>
    }
}
