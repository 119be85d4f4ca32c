//! One record of a partition's log: its offset and key, coloured by key, with the consumer
//! positions and committed offsets that point at it. Its props are the record's data and the
//! marks on it, so a cell whose record and marks did not change is not re-rendered: the log
//! window slides a few offsets per frame while most of its cells stay as they were.
use crate::palette::key_style;
use yew::prelude::*;

#[derive(Properties, PartialEq, Clone)]
pub struct Props {
    pub offset: i64,
    pub record_key: Option<AttrValue>,
    pub value: Option<AttrValue>,
    /// `COMMIT` or `ABORT` for a transaction marker.
    pub control: Option<AttrValue>,
    /// Written in a transaction (data records only).
    pub transactional: bool,
    /// In an aborted transaction: read_committed consumers skip it.
    pub aborted: bool,
    /// Below the high watermark.
    pub committed: bool,
    /// A later record in the window has the same key, on a compacted topic.
    pub superseded: bool,
    /// The first offset of a segment.
    pub seg_start: bool,
    /// The last stable offset, below the high watermark.
    pub lso: bool,
    /// Consumers whose position is this offset.
    pub positions: Vec<AttrValue>,
    /// Groups whose committed offset is this offset.
    pub groups: Vec<AttrValue>,
}

/// The markers under a log cell: consumer positions (`▲`) and committed offsets (`✓`).
pub fn markers(offset: i64, positions: &[AttrValue], groups: &[AttrValue]) -> Html {
    if positions.is_empty() && groups.is_empty() {
        return html! {};
    }
    html! {
        // At most two lines, so that a partition's row keeps its height (room for two is
        // kept): up to two tags one per line, more as a line of positions and one of commits.
        <span class="pos" title={format!("offset {offset}")}>
            if positions.len() + groups.len() <= 2 {
                { for positions.iter().map(position_tag) }
                { for groups.iter().map(commit_tag) }
            } else {
                if !positions.is_empty() { <span class="pos-line">{ for positions.iter().map(position_tag) }</span> }
                if !groups.is_empty() { <span class="pos-line">{ for groups.iter().map(commit_tag) }</span> }
            }
        </span>
    }
}

fn position_tag(c: &AttrValue) -> Html {
    html! { <span class="pos-tag" data-testid="position" data-consumer={c.clone()} title={format!("{c}: position, the next offset it reads")}>{ format!("▲ {c}") }</span> }
}

fn commit_tag(g: &AttrValue) -> Html {
    html! { <span class="commit-tag" data-testid="committed" data-group={g.clone()} title={format!("{g}: the group's committed offset")}>{ format!("✓ {g}") }</span> }
}

#[function_component(RecordCell)]
pub fn record_cell(p: &Props) -> Html {
    let control = p.control.as_deref();
    let key = p.record_key.as_deref();
    let tombstone = control.is_none() && p.value.is_none() && key.is_some();
    let txn = p.transactional && control.is_none();
    let title = format!(
        "offset {}{}{}{}{}",
        p.offset,
        match control {
            Some(c) => format!(" · {c} marker: ends the producer's transaction in this partition"),
            None => key
                .map(|k| format!(" · key {k}"))
                .unwrap_or_else(|| " · no key".into()),
        },
        if tombstone {
            " · tombstone (null value): deletes the key when compacted".to_string()
        } else {
            p.value
                .as_ref()
                .map(|v| format!(" · value {v}"))
                .unwrap_or_default()
        },
        if p.aborted {
            " · aborted transaction: read_committed consumers skip it"
        } else if txn {
            " · written in a transaction"
        } else if p.superseded {
            " · superseded by a later record with the same key"
        } else {
            ""
        },
        if p.committed {
            ""
        } else {
            " · not yet committed (at or above the high watermark)"
        }
    );
    let class = classes!(
        "cell",
        if p.committed {
            "committed"
        } else {
            "uncommitted"
        },
        key.is_none().then_some("keyless"),
        control.is_some().then_some("control"),
        control.map(|c| if c == "COMMIT" { "commit" } else { "abort" }),
        txn.then_some("txn"),
        p.aborted.then_some("aborted"),
        tombstone.then_some("tombstone"),
        p.superseded.then_some("superseded")
    );
    let style = if control.is_some() || tombstone {
        String::new()
    } else {
        key_style(key)
    };
    html! {
        <div class={classes!("cell-wrap", p.seg_start.then_some("seg-start"))} role="listitem">
            <span class={class} data-testid="record" data-offset={p.offset.to_string()} data-key={p.record_key.clone().unwrap_or_default()}
                data-control={p.control.clone()} data-aborted={p.aborted.then_some("true")}
                {style} {title}>
                if let Some(c) = control {
                    <span class="off"><span class="glyph" aria-hidden="true">{ "◆" }</span>{ p.offset }</span>
                    <span class="k">{ c.to_string() }</span>
                } else {
                    <span class="off">{ p.offset }</span>
                    <span class="k">{ if tombstone { "⊘ " } else { "" } }{ key.unwrap_or("∅").to_string() }</span>
                }
            </span>
            if p.lso { <span class="lso-tag" title="last stable offset: read_committed consumers stop here">{ "LSO" }</span> }
            { markers(p.offset, &p.positions, &p.groups) }
        </div>
    }
}
