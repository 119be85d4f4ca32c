//! A partition's segments as a strip above its log: what retention already deleted (left of
//! the log start offset), each closed segment with its offsets, size, age and what the log
//! cleaner removed from it, and the active segment. Drawn once the log has more than one
//! segment or lost something to retention or compaction.
use super::lessons::fmt_ms;
use kafka_sim::view::PartitionView;
use yew::prelude::*;

/// Segments drawn (the newest); older ones are summarised.
const SHOWN: usize = 10;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub partition: PartitionView,
    /// The wall clock, for segment ages.
    pub wall: i64,
}

/// Whether the strip has something to say.
pub fn worth_drawing(p: &PartitionView) -> bool {
    p.segments.len() > 1
        || p.log_start_offset > 0
        || p.segments.iter().any(|s| s.compacted_away > 0)
}

#[function_component(SegmentBar)]
pub fn segment_bar(props: &Props) -> Html {
    let p = &props.partition;
    if !worth_drawing(p) {
        return html! {};
    }
    let wall = props.wall;
    let older = p.segments.len().saturating_sub(SHOWN);
    let older_records: usize = p.segments.iter().take(older).map(|s| s.records).sum();
    html! {
        <div class="segments" data-testid="segments" aria-label={format!("Segments of partition {}", p.partition)}>
            if p.log_start_offset > 0 {
                <span class="seg-block deleted" data-testid="segment-deleted"
                    title={format!("offsets 0–{} were deleted by retention (whole closed segments); the log start offset is {}", p.log_start_offset - 1, p.log_start_offset)}>
                    <span class="seg-range">{ format!("0–{}", p.log_start_offset - 1) }</span>
                    <span class="seg-meta">{ "deleted" }</span>
                </span>
            }
            if older > 0 {
                <span class="seg-block older" title={format!("{older} older segments, {older_records} records")}>
                    <span class="seg-range">{ format!("+{older}") }</span>
                    <span class="seg-meta">{ "older" }</span>
                </span>
            }
            { for p.segments.iter().skip(older).map(|s| {
                let span = (s.next_offset - s.base_offset).max(1);
                let last = (s.next_offset - 1).max(s.base_offset);
                let age = s.max_timestamp.map(|t| fmt_ms(wall - t));
                // Ages matter once they are minutes or more (retention.ms is hours or days).
                let old_enough = s.max_timestamp.is_some_and(|t| wall - t >= 60_000);
                let title = format!("{} segment {}–{}: {} record{}, {} bytes{}{}",
                    if s.active { "active" } else { "closed" },
                    s.base_offset, last, s.records, if s.records == 1 { "" } else { "s" }, s.bytes,
                    age.as_ref().map(|a| format!(", newest record {a} old")).unwrap_or_default(),
                    if s.compacted_away > 0 { format!(", {} removed by the log cleaner", s.compacted_away) } else { String::new() });
                html! {
                    <span class={classes!("seg-block", s.active.then_some("active"), (s.compacted_away > 0).then_some("cleaned"))}
                        style={format!("flex-grow:{span}")} data-testid="segment" data-base={s.base_offset.to_string()} data-active={s.active.to_string()}
                        title={title}>
                        <span class="seg-range">{ format!("{}–{}", s.base_offset, last) }</span>
                        <span class="seg-meta">
                            { if s.active { "active".to_string() } else { format!("{} rec", s.records) } }
                            if s.compacted_away > 0 { { format!(" · −{}", s.compacted_away) } }
                            if !s.active && old_enough { if let Some(a) = &age { { format!(" · {a}") } } }
                        </span>
                    </span>
                }
            }) }
        </div>
    }
}
