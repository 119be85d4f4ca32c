//! One topic: its settings and a row per partition. A topic with many partitions shows an
//! overview tile per partition and the detailed rows of one page of them at a time: drawing a
//! hundred logs every frame is what made a 100-partition topic slow (BENCHMARKS.md).
use super::partition_row::{row_props, PartitionRow, Props as RowProps};
use super::topic_settings::TopicSettings;
use super::use_app;
use crate::hooks::use_visible::use_visible;
use kafka_sim::view::PartitionView;
use yew::prelude::*;

/// Up to this many partitions every row is drawn; above it, one page at a time.
pub const ALL_ROWS_UP_TO: usize = 16;
/// Detailed rows per page for larger topics.
pub const PAGE: usize = 12;

/// The overview tile's state class: offline, under min ISR, under-replicated, or healthy.
fn tile_class(p: &PartitionView) -> &'static str {
    if p.leader.is_none() {
        "offline"
    } else if p.under_min_isr {
        "under-min-isr"
    } else if p.replicas.iter().any(|r| !r.in_isr) {
        "under-replicated"
    } else {
        "healthy"
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub topic: AttrValue,
}

#[derive(Properties, PartialEq)]
struct TileProps {
    partition: i32,
    /// From [`tile_class`].
    class: &'static str,
    /// On the page shown in detail.
    here: bool,
    /// The page it is on.
    page: usize,
    on_go: Callback<usize>,
}

/// A partition's overview tile: its number, coloured by health; a click shows its page.
#[function_component(Tile)]
fn tile(p: &TileProps) -> Html {
    let onclick = {
        let (go, page) = (p.on_go.clone(), p.page);
        Callback::from(move |_: MouseEvent| go.emit(page))
    };
    html! {
        <button role="listitem" class={classes!("p-tile", p.class, p.here.then_some("here"))}
            data-testid="partition-tile" data-partition={p.partition.to_string()} {onclick}
            title={format!("P{}: {}", p.partition, match p.class {
                "offline" => "offline, no leader",
                "under-min-isr" => "fewer in-sync replicas than min.insync.replicas",
                "under-replicated" => "under-replicated",
                _ => "all replicas in sync",
            })}>
            { p.partition }
        </button>
    }
}

#[function_component(TopicView)]
pub fn topic_view(props: &Props) -> Html {
    let app = use_app();
    let page_state = use_state(|| 0usize);
    let page = page_state.clone();
    // A large topic's rows are held still while they are off screen: each frame moves their
    // logs and consumer markers, and redrawing rows nobody sees was most of the page's DOM work
    // at the scale preset (BENCHMARKS.md, stop 21).
    let rows_ref = use_node_ref();
    let visible = use_visible(rows_ref.clone(), "300px");
    let held = use_mut_ref(Vec::<RowProps>::new);
    // Stable across frames, so that a tile whose state did not change is not re-rendered.
    let on_go = {
        let setter = page_state.setter();
        use_callback((), move |to: usize, _| setter.set(to))
    };
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
    let paged = n > ALL_ROWS_UP_TO;
    let pages = n.div_ceil(PAGE).max(1);
    let page = if paged { (*page).min(pages - 1) } else { 0 };
    let shown: &[PartitionView] = if paged {
        &t.partitions[page * PAGE..((page + 1) * PAGE).min(n)]
    } else {
        &t.partitions
    };
    let rows: Vec<RowProps> = {
        let mut held = held.borrow_mut();
        let same_rows = held.len() == shown.len()
            && held
                .iter()
                .zip(shown)
                .all(|(r, p)| r.partition.partition == p.partition);
        if !(paged && !visible && same_rows) {
            *held = shown
                .iter()
                .map(|p| row_props(&app, &props.topic, p))
                .collect();
        }
        held.clone()
    };
    let go = |to: usize| {
        let on_go = on_go.clone();
        Callback::from(move |_: MouseEvent| on_go.emit(to))
    };
    let pager = paged.then(|| {
        let first = page * PAGE;
        let last = ((page + 1) * PAGE).min(n) - 1;
        html! {
            <div class="p-pager" data-testid="partition-pager" data-page={page.to_string()} role="group"
                aria-label={format!("Partitions of {} shown in detail", t.name)}>
                <button class="small-btn" onclick={go(page.saturating_sub(1))} disabled={page == 0}
                    aria-label="Previous partitions">{ "◀" }</button>
                <span class="p-pager-range">{ format!("P{first}–P{last} of {n} in detail") }</span>
                <button class="small-btn" onclick={go((page + 1).min(pages - 1))} disabled={page + 1 >= pages}
                    aria-label="Next partitions">{ "▶" }</button>
                <div class="p-tiles" role="list" aria-label="Every partition: pick one to see its log">
                    { for t.partitions.iter().enumerate().map(|(i, p)| html! {
                        <Tile key={p.partition} partition={p.partition} class={tile_class(p)}
                            here={i / PAGE == page} page={i / PAGE} on_go={on_go.clone()} />
                    }) }
                </div>
            </div>
        }
    });
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
            { pager.unwrap_or_default() }
            <div class="partitions" ref={rows_ref} data-live={(!paged || visible).to_string()}>
                { for rows.into_iter().map(|r| { let k = r.partition.partition; html! { <PartitionRow key={k} ..r /> } }) }
            </div>
        </section>
    }
}
