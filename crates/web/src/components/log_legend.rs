//! Extra legend entries for a topic's log, shown only when they apply: transaction markers and
//! aborted records, tombstones and compaction gaps, segments.
use super::segment_bar::worth_drawing;
use super::use_app;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub topic: AttrValue,
}

/// Whether a topic's `cleanup.policy` includes compaction.
pub fn is_compacted(config: &std::collections::BTreeMap<String, String>) -> bool {
    config
        .get("cleanup.policy")
        .is_some_and(|p| p.split(',').any(|x| x.trim() == "compact"))
}

#[function_component(LogLegend)]
pub fn log_legend(props: &Props) -> Html {
    let app = use_app();
    let Some(t) = app
        .view
        .topics
        .iter()
        .find(|t| t.name.as_str() == props.topic.as_str())
    else {
        return html! {};
    };
    let txn = app
        .view
        .producers
        .iter()
        .any(|p| p.transactional_id.is_some())
        || t.partitions
            .iter()
            .any(|p| p.last_stable_offset < p.high_watermark);
    let compact = is_compacted(&t.config);
    let segments = t.partitions.iter().any(worth_drawing);
    html! {
        <>
            if txn {
                <span><i class="legend-cell txn"></i>{ "in a transaction" }</span>
                <span><i class="legend-cell aborted"></i>{ "aborted" }</span>
                <span><i class="legend-cell marker">{ "◆" }</i>{ "COMMIT / ABORT marker (takes an offset)" }</span>
                <span><i class="lso-demo">{ "LSO" }</i>{ "last stable offset: read_committed stops here" }</span>
            }
            if compact {
                <span><i class="legend-cell tombstone">{ "⊘" }</i>{ "tombstone (null value)" }</span>
                <span><i class="legend-cell superseded"></i>{ "superseded: the cleaner will remove it" }</span>
                <span><i class="legend-gap">{ "⋯" }</i>{ "gap: offsets removed by compaction" }</span>
            }
            if segments {
                <span><i class="legend-seg"></i>{ "segment boundary" }</span>
            }
        </>
    }
}
