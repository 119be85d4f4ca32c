//! Two consumers of the same partitions side by side: `isolation.level=read_committed` reads up
//! to the last stable offset and skips aborted transactions; `read_uncommitted` reads up to the
//! high watermark and sees them.
use super::lessons::is_helper_client;
use super::use_app;
use kafka_sim::view::{ClusterView, ConsumerView};
use yew::prelude::*;

/// A read_committed and a read_uncommitted consumer reading a common topic, if the scenario
/// has such a pair.
pub fn comparison_pair(v: &ClusterView) -> Option<(ConsumerView, ConsumerView)> {
    let plain: Vec<&ConsumerView> = v
        .consumers
        .iter()
        .filter(|c| !is_helper_client(v, &c.id))
        .collect();
    for rc in plain.iter().filter(|c| c.isolation == "read_committed") {
        if let Some(ru) = plain
            .iter()
            .filter(|c| c.isolation == "read_uncommitted")
            .find(|c| c.topics.iter().any(|t| rc.topics.contains(t)))
        {
            return Some(((*rc).clone(), (*ru).clone()));
        }
    }
    None
}

#[function_component(IsolationCompare)]
pub fn isolation_compare() -> Html {
    let app = use_app();
    let v = &app.view;
    let Some((rc, ru)) = comparison_pair(v) else {
        return html! {};
    };
    let bound = |topic: &str, partition: i32| {
        v.topics
            .iter()
            .find(|t| t.name == topic)
            .and_then(|t| t.partitions.iter().find(|p| p.partition == partition))
            .map(|p| (p.last_stable_offset, p.high_watermark))
    };
    let column = |c: &ConsumerView, committed: bool| {
        let limit = if committed {
            "reads below the last stable offset (LSO), skips aborted records"
        } else {
            "reads below the high watermark (HW), aborted records included"
        };
        html! {
            <div class={classes!("iso-col", if committed { "rc" } else { "ru" })} data-testid="iso-col" data-isolation={c.isolation.clone()} data-consumer={c.id.clone()}>
                <div class="iso-title">
                    <code>{ format!("isolation.level={}", c.isolation) }</code>
                    <strong>{ c.id.clone() }</strong>
                    if !c.alive { <span class="pill down">{ "stopped" }</span> }
                </div>
                <p class="muted small">{ limit }</p>
                <dl class="iso-stats">
                    <div><dt>{ "records read" }</dt><dd data-testid="iso-consumed">{ c.consumed }</dd></div>
                    <div class={classes!((c.aborted_reads > 0).then_some("bad"))}>
                        <dt>{ "from aborted transactions" }</dt><dd data-testid="iso-aborted">{ c.aborted_reads }</dd>
                    </div>
                </dl>
                <ul class="iso-parts">
                    { for c.assignment.iter().map(|a| {
                        let (lso, hw) = bound(&a.topic, a.partition).unwrap_or((0, 0));
                        let upto = if committed { lso } else { hw };
                        let pos = a.position.map(|p| p.to_string()).unwrap_or_else(|| "…".into());
                        html! {
                            <li>
                                <span class="mono">{ format!("{}-{}", a.topic, a.partition) }</span>
                                <span class="muted">{ format!(" position {pos} · may read up to {} {upto}", if committed { "LSO" } else { "HW" }) }</span>
                                if committed && lso < hw { <span class="warn-text">{ format!(" · {} held back by an open transaction", hw - lso) }</span> }
                            </li>
                        }
                    }) }
                </ul>
            </div>
        }
    };
    let diff = ru.consumed as i64 - rc.consumed as i64;
    html! {
        <section class="card lesson isolation" data-testid="isolation-compare" aria-label="read_committed versus read_uncommitted">
            <header class="lesson-head">
                <div>
                    <h2>{ "Same partitions, two isolation levels" }</h2>
                    <p class="muted small">{ "Aborted records stay in the log (with an ABORT marker after them); only the reader decides whether to see them." }</p>
                </div>
                if diff != 0 {
                    <span class="pill warn" data-testid="iso-diff">{ format!("they differ by {diff} record{}", if diff.abs() == 1 { "" } else { "s" }) }</span>
                } else {
                    <span class="pill ok" data-testid="iso-diff">{ "they agree so far" }</span>
                }
            </header>
            <div class="iso-grid">
                { column(&rc, true) }
                { column(&ru, false) }
            </div>
        </section>
    }
}
