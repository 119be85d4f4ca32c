//! The lesson panels of the exactly-once and log-versus-queue issues, each shown only when
//! the loaded scenario has something for it: the transactional producer's code, the
//! isolation comparison, stream-processor pipelines, the queue beside the log, event-sourcing
//! projections, share groups (Kafka 4.0+) and the "When to choose Kafka" table.
use super::choose_kafka::ChooseKafka;
use super::isolation_compare::{comparison_pair, IsolationCompare};
use super::pipeline_view::PipelineView;
use super::projection_panel::ProjectionPanel;
use super::queue_view::QueueView;
use super::share_groups::ShareGroups;
use super::txn_code::{code_producers, TxnCode};
use super::use_app;
use kafka_sim::view::ClusterView;
use yew::prelude::*;

/// Presets whose lesson includes the comparison table.
pub const CHOOSE_PRESETS: &[&str] = &["when-to-choose-kafka", "log-vs-queue", "interview-tip"];

/// A duration or a timestamp in simulated milliseconds, short: "3.50 s", "12 min 5 s",
/// "2 h 0 min", "7 d 2 h".
pub fn fmt_ms(ms: i64) -> String {
    let neg = ms < 0;
    let a = ms.unsigned_abs();
    let s = if a < 60_000 {
        format!("{:.2} s", a as f64 / 1000.0)
    } else if a < 3_600_000 {
        format!("{} min {} s", a / 60_000, (a % 60_000) / 1000)
    } else if a < 86_400_000 {
        format!("{} h {} min", a / 3_600_000, (a % 3_600_000) / 60_000)
    } else {
        format!("{} d {} h", a / 86_400_000, (a % 86_400_000) / 3_600_000)
    };
    if neg {
        format!("−{s}")
    } else {
        s
    }
}

/// Clients the page runs on the user's behalf (processors, projection replays): their
/// consumers and producers belong to those panels, not to the lessons about plain clients.
pub fn is_helper_client(view: &ClusterView, id: &str) -> bool {
    view.processors
        .iter()
        .any(|p| p.consumer == id || p.producer == id)
        || view.projections.iter().any(|p| p.consumer == id)
        || view
            .projections
            .iter()
            .any(|p| id.starts_with(&format!("{}-replay", p.id)))
}

#[function_component(Lessons)]
pub fn lessons() -> Html {
    let app = use_app();
    let v = &app.view;
    let txn = !code_producers(v).is_empty();
    let isolation = comparison_pair(v).is_some();
    let choose = CHOOSE_PRESETS.contains(&app.preset.as_str());
    html! {
        <>
            if txn { <TxnCode /> }
            if isolation { <IsolationCompare /> }
            if !v.processors.is_empty() { <PipelineView /> }
            if !v.queues.is_empty() { <QueueView /> }
            if !v.projections.is_empty() { <ProjectionPanel /> }
            if !v.share_groups.is_empty() { <ShareGroups /> }
            if choose { <ChooseKafka /> }
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::fmt_ms;

    #[test]
    fn times_read_naturally() {
        assert_eq!(fmt_ms(3_500), "3.50 s");
        assert_eq!(fmt_ms(725_000), "12 min 5 s");
        assert_eq!(fmt_ms(7_200_000 + 7_000), "2 h 0 min");
        assert_eq!(fmt_ms(7 * 86_400_000 + 2 * 3_600_000), "7 d 2 h");
        assert_eq!(fmt_ms(-1_000), "−1.00 s");
    }
}
