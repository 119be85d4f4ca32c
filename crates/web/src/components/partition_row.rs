//! One partition: leader, epoch and ISR, the leader's log as offset cells coloured by key
//! with the high watermark and consumer positions, and each replica's progress.
use super::log_legend::is_compacted;
use super::record_cell::{markers, RecordCell};
use super::segment_bar::SegmentBar;
use crate::state::AppContext;
use kafka_sim::view::{PartitionView, RecordView};
use yew::prelude::*;

/// Offsets shown per partition (the most recent ones).
pub const WINDOW: i64 = 24;

/// What a row draws, gathered from the app state by [`row_props`]: a row depends on nothing
/// else, so its parent can hold a row still (off screen) by passing the same props again.
#[derive(Properties, PartialEq, Clone)]
pub struct Props {
    pub topic: AttrValue,
    pub partition: PartitionView,
    /// The leader's most recent records (at most [`WINDOW`]).
    pub records: Vec<RecordView>,
    /// Per record: in an aborted transaction.
    pub aborted: Vec<bool>,
    /// The topic's `cleanup.policy` includes compaction.
    pub compact: bool,
    /// Consumer positions on this partition: (consumer, offset).
    pub positions: Vec<(String, i64)>,
    /// Committed offsets on this partition: (group, offset).
    pub committed: Vec<(String, i64)>,
    /// Which member of each group reads it: (group, consumer, consumer's colour index).
    pub owners: Vec<(String, String, usize)>,
    /// Acknowledged records lost from it: (offset, why).
    pub lost: Vec<(i64, String)>,
    /// The wall clock (record ages in the segment strip).
    pub wall: i64,
}

/// A row's props from the app state.
pub fn row_props(app: &AppContext, topic: &AttrValue, p: &PartitionView) -> Props {
    let name = topic.as_str();
    let leo = p.log_end_offset;
    let from = (leo - WINDOW).max(p.log_start_offset);
    let s = app.session.borrow();
    let records = s
        .cluster
        .records(name, p.partition, None, from, WINDOW as usize);
    // Transactions and compaction, drawn in the log (the engine decides; the page marks).
    let compact = app
        .view
        .topics
        .iter()
        .find(|t| t.name == name)
        .is_some_and(|t| is_compacted(&t.config));
    let aborted: Vec<bool> = {
        let tp = s.cluster.tp(name, p.partition).ok();
        records
            .iter()
            .map(|r| {
                r.transactional
                    && r.control.is_none()
                    && tp.is_some_and(|tp| s.cluster.is_aborted(tp, r.producer_id, r.offset))
            })
            .collect()
    };
    let positions: Vec<(String, i64)> = app
        .view
        .consumers
        .iter()
        .flat_map(|c| {
            c.assignment
                .iter()
                .filter(|a| &*a.topic == name && a.partition == p.partition)
                .filter_map(|a| a.position.map(|pos| (c.id.clone(), pos)))
                .collect::<Vec<_>>()
        })
        .collect();
    let committed: Vec<(String, i64)> = app
        .view
        .groups
        .iter()
        .filter_map(|g| {
            g.committed
                .iter()
                .find(|c| &*c.topic == name && c.partition == p.partition)
                .map(|c| (g.group.clone(), c.offset))
        })
        .collect();
    let owners: Vec<(String, String, usize)> = app
        .view
        .groups
        .iter()
        .flat_map(|g| {
            g.members
                .iter()
                .filter(|m| {
                    m.assignment
                        .iter()
                        .any(|(t, n)| &**t == name && *n == p.partition)
                })
                .map(|m| {
                    let idx = app
                        .view
                        .consumers
                        .iter()
                        .position(|k| k.id == m.client)
                        .unwrap_or(0);
                    (g.group.clone(), m.client.clone(), idx)
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let lost: Vec<(i64, String)> = app
        .durability
        .lost
        .iter()
        .filter(|l| l.topic == name && l.partition == p.partition)
        .map(|l| (l.offset, l.explanation.clone()))
        .collect();
    Props {
        topic: topic.clone(),
        partition: p.clone(),
        records,
        aborted,
        compact,
        positions,
        committed,
        owners,
        lost,
        wall: app.view.wall_ms.max(app.view.now) as i64,
    }
}

#[function_component(PartitionRow)]
pub fn partition_row(props: &Props) -> Html {
    let p = &props.partition;
    let topic = props.topic.to_string();
    let leo = p.log_end_offset;
    let from = (leo - WINDOW).max(p.log_start_offset);
    let records = &props.records;
    let hw = p.high_watermark;
    let lso = p.last_stable_offset;
    let compact = props.compact;
    let seg_bases: Vec<i64> = p.segments.iter().skip(1).map(|s| s.base_offset).collect();
    let aborted = &props.aborted;
    let (positions, committed, owners) = (&props.positions, &props.committed, &props.owners);
    let superseded = |i: usize| {
        let r = &records[i];
        compact
            && r.control.is_none()
            && r.key.is_some()
            && records[i + 1..]
                .iter()
                .any(|later| later.control.is_none() && later.key == r.key)
    };
    let at = |offset: i64| -> (Vec<AttrValue>, Vec<AttrValue>) {
        let here = positions
            .iter()
            .filter(|(_, pos)| *pos == offset)
            .map(|(c, _)| AttrValue::from(c.clone()))
            .collect();
        let groups = committed
            .iter()
            .filter(|(_, o)| *o == offset)
            .map(|(g, _)| AttrValue::from(g.clone()))
            .collect();
        (here, groups)
    };
    let before: Vec<&String> = positions
        .iter()
        .filter(|(_, pos)| *pos < from)
        .map(|(c, _)| c)
        .collect();
    let leader = match p.leader {
        Some(l) => {
            html! { <span class="leader-badge" title="partition leader">{ format!("leader B{l}") }</span> }
        }
        None => {
            html! { <span class="leader-badge offline" title="no leader: the partition is offline">{ "offline" }</span> }
        }
    };
    let max_leo = p.replicas.iter().map(|r| r.leo).max().unwrap_or(0).max(1);
    let lost = &props.lost;
    let label = format!("Partition {} of {topic}", p.partition);
    html! {
        <div class={classes!("partition", p.leader.is_none().then_some("is-offline"), p.under_min_isr.then_some("under-min-isr"))}
            data-testid="partition" data-topic={topic.clone()} data-partition={p.partition.to_string()} aria-label={label.clone()}
            data-log-start={p.log_start_offset.to_string()} data-hw={hw.to_string()} data-lso={lso.to_string()}>
            <div class="p-head">
                <strong class="p-name">{ format!("P{}", p.partition) }</strong>
                { leader }
                <span class="epoch" title="leader epoch">{ format!("epoch {}", p.leader_epoch) }</span>
                <span class="isr" title="in-sync replicas">
                    { "ISR " }
                    { for p.replicas.iter().map(|r| html! {
                        <span class={classes!("isr-chip", r.in_isr.then_some("in"), (!r.online).then_some("down"))}
                            title={format!("broker {}: {}{}", r.broker, if r.in_isr { "in sync" } else { "out of sync" }, if r.online { "" } else { ", stopped" })}>
                            { r.broker }
                        </span>
                    }) }
                </span>
                                { for owners.iter().map(|(g, c, idx)| html! {
                    <span class="owner" style={format!("--chip:{}", crate::palette::consumer_colour(*idx))} title={format!("group {g}: read by {c}")}>
                        { format!("{g} → {c}") }
                    </span>
                }) }
                <span class="offsets muted">{ format!("HW {hw}") }
                    if lso < hw { <span class="lso-text" title="last stable offset: below the first open transaction; read_committed consumers read only up to here">{ format!(" · LSO {lso}") }</span> }
                    { format!(" · LEO {leo}") }
                    if p.log_start_offset > 0 { { format!(" · start {}", p.log_start_offset) } }
                </span>
            </div>
            <SegmentBar partition={p.clone()} wall={props.wall} />
            <div class="log" role="list" aria-label={format!("{label}: log")}>
                if from > p.log_start_offset || !before.is_empty() {
                    <div class="cell-wrap">
                        <span class="cell more" title="earlier offsets">{ format!("… {from}") }</span>
                        if !before.is_empty() {
                            <span class="pos">{ for before.iter().map(|c| html! { <span class="pos-tag" data-testid="position" data-consumer={(*c).clone()} title={format!("{c}: position, before the offsets shown")}>{ format!("◀ {c}") }</span> }) }</span>
                        }
                    </div>
                }
                <>{ for records.iter().enumerate().flat_map(|(i, r)| {
                    // Offsets missing before this record: removed by the log cleaner.
                    let prev = if i == 0 { from - 1 } else { records[i - 1].offset };
                    let gap = (r.offset > prev + 1).then(|| (prev + 1, r.offset - 1));
                    let gap_cell = gap.map(|(a, b)| html! {
                        <div class="cell-wrap" role="listitem" key={format!("gap-{a}")}>
                            <span class="cell gap" data-testid="gap" title={if a == b { format!("offset {a} was removed by the log cleaner: offsets keep their numbers") } else { format!("offsets {a}–{b} were removed by the log cleaner: offsets keep their numbers") }}>
                                { "⋯" }
                            </span>
                        </div>
                    });
                    let (positions, groups) = at(r.offset);
                    let cell = html! {
                        <RecordCell key={r.offset} offset={r.offset}
                            record_key={r.key.clone().map(AttrValue::from)} value={r.value.clone().map(AttrValue::from)}
                            control={r.control.clone().map(AttrValue::from)} transactional={r.transactional}
                            aborted={aborted.get(i).copied().unwrap_or(false)} committed={r.offset < hw}
                            superseded={superseded(i)} seg_start={seg_bases.contains(&r.offset)}
                            lso={r.offset == lso && lso < hw} {positions} {groups} />
                    };
                    gap_cell.into_iter().chain(std::iter::once(cell))
                }) }</>
                <div class="cell-wrap">
                    <span class="cell end" title="log end offset: the next record goes here">{ leo }</span>
                    { { let (here, groups) = at(leo); markers(leo, &here, &groups) } }
                </div>
            </div>
                        if !lost.is_empty() {
                <div class="lost-row" data-testid="lost-in-partition">
                    <span class="lost-label">{ "lost acknowledged:" }</span>
                    { for lost.iter().map(|(o, why)| html! { <span class="cell lost" title={why.clone()}>{ *o }</span> }) }
                </div>
            }
            <div class="replicas">
                { for p.replicas.iter().map(|r| {
                    let pct = (r.leo as f64 / max_leo as f64 * 100.0).clamp(0.0, 100.0);
                    let hw_pct = (r.hw as f64 / max_leo as f64 * 100.0).clamp(0.0, 100.0);
                    html! {
                        <div class={classes!("replica", (!r.in_isr).then_some("out"), (!r.online).then_some("down"))} data-testid="replica"
                            data-broker={r.broker.to_string()} data-leo={r.leo.to_string()} data-hw={r.hw.to_string()}>
                            <span class="replica-name">{ format!("B{}", r.broker) }{ if r.role == "leader" { " ★" } else { "" } }</span>
                            <span class="bar" aria-hidden="true">
                                <span class="fill" style={format!("width:{pct:.1}%")}></span>
                                <span class="hw-tick" style={format!("left:{hw_pct:.1}%")}></span>
                            </span>
                            <span class="replica-nums muted">{ format!("LEO {} · HW {}", r.leo, r.hw) }</span>
                        </div>
                    }
                }) }
            </div>
        </div>
    }
}
