//! One topic: its settings and a row per partition.
use super::partition_row::PartitionRow;
use super::topic_settings::TopicSettings;
use super::use_app;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub topic: AttrValue,
}

#[function_component(TopicView)]
pub fn topic_view(props: &Props) -> Html {
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
    let n = t.partitions.len();
    html! {
        <section class="topic card" data-testid="topic" data-topic={t.name.clone()} aria-label={format!("Topic {}", t.name)}>
            <header class="topic-head">
                <h2>{ format!("Topic {}", t.name) }</h2>
                <span class="muted">{ format!("{n} partition{} · replication factor {}", if n == 1 { "" } else { "s" }, t.replication_factor) }</span>
                if app.editable() { <TopicSettings topic={t.name.clone()} /> }
            </header>
            <div class="legend" aria-hidden="true">
                <span><i class="swatch committed"></i>{ "committed (below the high watermark)" }</span>
                <span><i class="swatch uncommitted"></i>{ "not yet committed" }</span>
                <span><i class="marker-demo">{ "▲" }</i>{ "consumer position" }</span>
                <super::log_legend::LogLegend topic={t.name.clone()} />
            </div>
            <div class="partitions">
                { for t.partitions.iter().map(|p| html! { <PartitionRow key={p.partition} topic={t.name.clone()} partition={p.clone()} /> }) }
            </div>
        </section>
    }
}
