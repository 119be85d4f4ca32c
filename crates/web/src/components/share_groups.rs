//! Share groups (KIP-932, Kafka 4.0+, "queues for Kafka"): more consumers than partitions, all
//! busy. Each share-partition hands its records out one at a time; the in-flight window shows
//! every record's state (available, acquired, acknowledged, archived), its delivery count and
//! who holds it.
use super::field_error::FieldError;
use super::{command, use_app};
use crate::palette::consumer_colour;
use kafka_sim::action::Action;
use kafka_sim::view::{ShareGroupView, SharePartitionView};
use yew::prelude::*;

const CONTROL: &str = "share";
/// In-flight records drawn per share-partition (the newest ones).
const WINDOW: usize = 40;

fn state_glyph(state: &str) -> &'static str {
    match state {
        "available" => "○",
        "acquired" => "◐",
        "acknowledged" => "●",
        "archived" => "✕",
        _ => "?",
    }
}

#[derive(Properties, PartialEq)]
struct PartProps {
    part: SharePartitionView,
    /// Client ids in colour order.
    clients: Vec<String>,
}

#[function_component(SharePartition)]
fn share_partition(props: &PartProps) -> Html {
    let sp = &props.part;
    let recs: Vec<_> = sp
        .records
        .iter()
        .skip(sp.records.len().saturating_sub(WINDOW))
        .collect();
    html! {
        <div class="share-part" data-testid="share-partition" data-tp={format!("{}-{}", sp.topic, sp.partition)}>
            <div class="share-part-head">
                <strong class="mono">{ format!("{}-{}", sp.topic, sp.partition) }</strong>
                <span class="muted small">{ format!("leader B{} · SPSO {} · SPEO {} · HW {} · lock {} s · lag {}", sp.leader, sp.start_offset, sp.end_offset, sp.high_watermark, sp.lock_duration_ms / 1000, sp.lag) }</span>
            </div>
            <div class="share-window" role="list" aria-label={format!("in-flight records of {}-{}", sp.topic, sp.partition)}>
                { for recs.iter().map(|r| {
                    let holder = r.client.clone().unwrap_or_default();
                    let colour = props.clients.iter().position(|c| *c == holder).map(consumer_colour);
                    html! {
                        <span role="listitem" key={r.offset} class={classes!("share-rec", r.state.clone())} data-testid="share-record" data-state={r.state.clone()}
                            style={colour.map(|c| format!("--chip:{c}")).unwrap_or_default()}
                            title={format!("offset {} · {} · delivered {} time{}{}", r.offset, r.state, r.delivery_count, if r.delivery_count == 1 { "" } else { "s" },
                                if holder.is_empty() { String::new() } else { format!(" · held by {holder}") })}>
                            <span class="off">{ r.offset }</span>
                            <span class="st" aria-hidden="true">{ state_glyph(&r.state) }</span>
                            if r.delivery_count > 1 { <sup class="dc">{ format!("×{}", r.delivery_count) }</sup> }
                        </span>
                    }
                }) }
                if recs.is_empty() { <span class="muted small">{ "nothing in flight" }</span> }
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct GroupProps {
    group: ShareGroupView,
}

#[function_component(ShareGroupCard)]
fn share_group_card(props: &GroupProps) -> Html {
    let app = use_app();
    let g = &props.group;
    let consumers: Vec<_> = app
        .view
        .share_consumers
        .iter()
        .filter(|c| c.group == g.group)
        .cloned()
        .collect();
    let clients: Vec<String> = consumers.iter().map(|c| c.id.clone()).collect();
    let parts: usize = g.partitions.len();
    let busy = consumers
        .iter()
        .filter(|c| c.alive && !c.processing.is_empty())
        .count();
    let editable = app.editable();
    html! {
        <div class="share-group" data-testid="share-group" data-group={g.group.clone()}>
            <div class="share-group-head">
                <strong>{ g.group.clone() }</strong>
                <span class="pill">{ g.state.clone() }</span>
                <span class="muted small">{ format!("epoch {} · {} member{} on {parts} share-partition{}", g.group_epoch, g.members.len(), if g.members.len() == 1 { "" } else { "s" }, if parts == 1 { "" } else { "s" }) }</span>
                <span class="small" data-testid="share-busy">{ format!("{busy} busy") }</span>
                <span class="small">{ format!("processed {}", g.processed) }</span>
                if g.duplicates > 0 { <span class="small warn-text">{ format!("{} redelivered", g.duplicates) }</span> }
            </div>
            <ul class="share-members" aria-label={format!("members of {}", g.group)}>
                { for consumers.iter().enumerate().map(|(i, c)| {
                    let id = c.id.clone();
                    let crash = {
                        let app = app.clone();
                        let id = id.clone();
                        Callback::from(move |_: MouseEvent| command(&app, CONTROL, Action::CrashConsumer { consumer: id.clone() }))
                    };
                    let holding = c.processing.len();
                    html! {
                        <li class={classes!("chip", "share-chip", (!c.alive).then_some("idle"))} style={format!("--chip:{}", consumer_colour(i))} data-testid="share-member" data-consumer={id.clone()}>
                            <span class="chip-dot" aria-hidden="true"></span>
                            <span class="chip-name">{ id.clone() }</span>
                            <span class="chip-detail">
                                { if !c.alive { "crashed".to_string() } else if holding > 0 { format!("busy · {holding} record{}", if holding == 1 { "" } else { "s" }) } else { c.member_state.to_lowercase() } }
                            </span>
                            if editable && c.alive {
                                <button class="small-btn danger chip-btn" onclick={crash} aria-label={format!("Crash {id}: the records it holds are redelivered when their lock expires")}>{ "✕" }</button>
                            }
                        </li>
                    }
                }) }
            </ul>
            <>{ for g.partitions.iter().map(|p| html! { <SharePartition key={format!("{}-{}", p.topic, p.partition)} part={p.clone()} clients={clients.clone()} /> }) }</>
        </div>
    }
}

#[function_component(ShareGroups)]
pub fn share_groups() -> Html {
    let app = use_app();
    let groups = app.view.share_groups.clone();
    html! {
        <section class="card lesson share-groups" data-testid="share-groups" aria-label="Share groups (Kafka 4.0 and later)">
            <header class="lesson-head">
                <div>
                    <h2>{ "Share groups " }<span class="version-pill" title="KIP-932: share groups, early access in Kafka 4.0, production-ready in 4.1">{ "Kafka 4.0+" }</span></h2>
                    <p class="muted small">{ "Queue semantics on a log: members share partitions, each record is acquired by one member at a time, acknowledged one by one, and redelivered when its lock expires — so more consumers than partitions can all be busy." }</p>
                </div>
            </header>
            <div class="share-legend small muted" aria-hidden="true">
                <span><i class="share-rec available">{ "○" }</i>{ "available" }</span>
                <span><i class="share-rec acquired">{ "◐" }</i>{ "acquired (locked)" }</span>
                <span><i class="share-rec acknowledged">{ "●" }</i>{ "acknowledged" }</span>
                <span><i class="share-rec archived">{ "✕" }</i>{ "archived" }</span>
            </div>
            <>{ for groups.into_iter().map(|g| { let k = g.group.clone(); html! { <ShareGroupCard key={k} group={g} /> } }) }</>
            <FieldError control={CONTROL} />
        </section>
    }
}
