//! One consumer group: state, generation, assignor, members, committed offsets and lag,
//! the last rebalance's steps, and offset resets.
use super::field_error::FieldError;
use super::lag_chart::LagChart;
use super::lessons::fmt_ms;
use super::{command, use_app};
use crate::hooks::use_visible::use_visible;
use kafka_sim::action::Action;
use kafka_sim::trace::TraceKind;
use kafka_sim::view::GroupView;
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub group: AttrValue,
    pub members: Vec<Html>,
    pub assignor: AttrValue,
    pub on_assignor: Callback<String>,
    /// The group's last few coordinator events, oldest first (see [`recent_steps`]).
    pub steps: Vec<(u64, String)>,
}

/// Committed offsets listed per group (a group reading a 100-partition topic commits 100).
const COMMITTED_SHOWN: usize = 12;
/// Coordinator events listed per group.
pub const STEPS_SHOWN: usize = 5;

/// The last [`STEPS_SHOWN`] coordinator events of each of `groups`, oldest first: one walk
/// of the trace's notable events (which outlast the message traffic), newest first, ending
/// once each group has its share.
pub fn recent_steps(
    trace: &kafka_sim::trace::Trace,
    groups: &[String],
) -> std::collections::BTreeMap<String, Vec<(u64, String)>> {
    let mut out = std::collections::BTreeMap::new();
    for g in groups {
        out.insert(g.clone(), Vec::new());
    }
    let mut full = 0;
    for e in trace.notable_newest_first() {
        if full == out.len() {
            break;
        }
        if let TraceKind::Group { group, event } = &e.kind {
            if let Some(v) = out.get_mut(group.as_str()) {
                if v.len() < STEPS_SHOWN {
                    v.push((e.t, event.clone()));
                    if v.len() == STEPS_SHOWN {
                        full += 1;
                    }
                }
            }
        }
    }
    for v in out.values_mut() {
        v.reverse();
    }
    out
}

#[function_component(GroupBox)]
pub fn group_box(p: &Props) -> Html {
    let app = use_app();
    let reset_to = use_state(|| "to_earliest".to_string());
    let reset_value = use_state(String::new);
    let g = app
        .view
        .groups
        .iter()
        .find(|x| x.group.as_str() == p.group.as_str());
    let (state, generation, assignor) = match g {
        Some(g) => (g.state.clone(), g.generation, g.assignor.clone()),
        None => ("finding coordinator".to_string(), 0, None),
    };
    // The committed offsets, counts and lag chart change on every frame; off screen they are
    // held as they were (the header, members and steps stay live).
    let node = use_node_ref();
    let visible = use_visible(node.clone(), "300px");
    let held = use_mut_ref(|| None::<DetailProps>);
    let detail = {
        let mut held = held.borrow_mut();
        if visible || held.is_some() != g.is_some() {
            *held = g.map(|g| DetailProps {
                view: Rc::new(g.clone()),
                lag: Rc::new(
                    app.lag_history
                        .get(p.group.as_str())
                        .map(|q| q.iter().copied().collect())
                        .unwrap_or_default(),
                ),
            });
        }
        held.clone()
    };
    let state_class = match state.as_str() {
        "Stable" => "ok",
        "Empty" => "",
        _ => "warn",
    };
    let on_assignor = {
        let cb = p.on_assignor.clone();
        Callback::from(move |e: Event| {
            cb.emit(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let control = format!("group-{}", p.group);
    let on_reset = {
        let app = app.clone();
        let group = p.group.to_string();
        let reset_to = reset_to.clone();
        let reset_value = reset_value.clone();
        let control = control.clone();
        let topic = app
            .view
            .topics
            .iter()
            .find(|t| !t.internal)
            .map(|t| t.name.clone())
            .unwrap_or_default();
        Callback::from(move |_| {
            let v: Option<i64> = reset_value.trim().parse().ok();
            let mut a = Action::ResetOffsets {
                group: group.clone(),
                topic: topic.clone(),
                to_earliest: None,
                to_latest: None,
                to_offset: None,
                to_datetime: None,
                shift_by: None,
            };
            if let Action::ResetOffsets {
                to_earliest,
                to_latest,
                to_offset,
                to_datetime,
                shift_by,
                ..
            } = &mut a
            {
                match reset_to.as_str() {
                    "to_latest" => *to_latest = Some(true),
                    "to_offset" => *to_offset = v.or(Some(0)),
                    "to_datetime" => *to_datetime = v.map(|s| s * 1000).or(Some(0)),
                    "shift_by" => *shift_by = v.or(Some(0)),
                    _ => *to_earliest = Some(true),
                }
            }
            command(&app, &control, a);
        })
    };
    let on_reset_kind = {
        let reset_to = reset_to.clone();
        Callback::from(move |e: Event| {
            reset_to.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let on_reset_value = {
        let reset_value = reset_value.clone();
        Callback::from(move |e: InputEvent| {
            reset_value.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let needs_value = matches!(reset_to.as_str(), "to_offset" | "to_datetime" | "shift_by");
    let sel_id = format!("assignor-{}", p.group);
    html! {
        <div class="group-box" data-drop="group" data-group={p.group.clone()} data-testid="group" data-state={state.clone()}
            data-generation={generation.to_string()} aria-label={format!("Group {}", p.group)} ref={node} data-live={visible.to_string()}>
            <header class="group-head">
                <strong>{ p.group.clone() }</strong>
                <span class={classes!("pill", state_class)} data-testid="group-state">{ state.clone() }</span>
                <span class="muted" title="generation">{ format!("gen {generation}") }</span>
            </header>
            if app.editable() {
            <div class="group-meta">
                <label for={sel_id.clone()} class="muted">{ "new members use" }</label>
                <select id={sel_id} onchange={on_assignor} aria-label="partition.assignment.strategy for new members">
                    { for ["range", "roundrobin", "sticky", "cooperative-sticky"].iter().map(|a| html! {
                        <option value={*a} selected={p.assignor.as_str() == *a}>{ *a }</option>
                    }) }
                </select>
                if let Some(a) = assignor { <span class="muted">{ format!("· running {a}") }</span> }
            </div>
            }
            <div class="members">
                if p.members.is_empty() { <p class="muted small">{ "No running members." }</p> }
                <>{ for p.members.iter().cloned() }</>
            </div>
            if let Some(d) = detail { <GroupDetail ..d /> }
            <ol class="steps" aria-label="Recent coordinator events">
                { for p.steps.iter().map(|(t, s)| html! { <li title={s.clone()}><time>{ format!("{:.1}s", *t as f64 / 1000.0) }</time>{ s.clone() }</li> }) }
            </ol>
            if app.editable() {
            <div class="reset">
                <select aria-label="reset offsets to" onchange={on_reset_kind}>
                    <option value="to_earliest" selected={*reset_to == "to_earliest"}>{ "--to-earliest" }</option>
                    <option value="to_latest" selected={*reset_to == "to_latest"}>{ "--to-latest" }</option>
                    <option value="to_offset" selected={*reset_to == "to_offset"}>{ "--to-offset" }</option>
                    <option value="to_datetime" selected={*reset_to == "to_datetime"}>{ "--to-datetime (s)" }</option>
                    <option value="shift_by" selected={*reset_to == "shift_by"}>{ "--shift-by" }</option>
                </select>
                if needs_value { <input type="text" inputmode="numeric" class="small-input" aria-label="value" value={(*reset_value).clone()} oninput={on_reset_value} /> }
                <button onclick={on_reset} title="kafka-consumer-groups.sh --reset-offsets (the group must be inactive)">{ "Reset offsets" }</button>
            </div>
            }
            <FieldError control={control} />
        </div>
    }
}

#[derive(Properties, PartialEq, Clone)]
struct DetailProps {
    view: Rc<GroupView>,
    /// The group's total lag over the last minute (time, lag), oldest first.
    lag: Rc<Vec<(u64, i64)>>,
}

/// A group's committed offsets, counts and lag chart (props only).
#[function_component(GroupDetail)]
fn group_detail(p: &DetailProps) -> Html {
    let g = &p.view;
    html! {
        <>
            <div class="committed">
                <span class="muted">{ "committed " }</span>
                { for g.committed.iter().take(COMMITTED_SHOWN).map(|c| html! { <span class="offset-tag" title={if c.lag_ms > 0 { format!("lag {} ({} behind)", c.lag, fmt_ms(c.lag_ms as i64)) } else { format!("lag {}", c.lag) }}>{ format!("P{}@{}", c.partition, c.offset) }</span> }) }
                if g.committed.len() > COMMITTED_SHOWN {
                    <span class="muted small">{ format!("+{} more partitions", g.committed.len() - COMMITTED_SHOWN) }</span>
                }
                if g.committed.is_empty() { <span class="muted">{ "none yet" }</span> }
            </div>
            <div class="group-stats">
                <span title="records the group has not committed past, summed over its partitions">{ "lag " }<strong data-testid="group-lag">{ g.lag }</strong>
                    if g.lag_ms > 0 {
                        <span class="muted" data-testid="group-lag-time" title="lag in time: how long ago the oldest record the group has not committed past was written">{ format!(" ({} behind)", fmt_ms(g.lag_ms as i64)) }</span>
                    }
                </span>
                <span title="records processed by this group's applications">{ "processed " }<strong>{ g.processed }</strong></span>
                <span class={classes!((g.duplicates > 0).then_some("warn-text"))} title="records processed more than once">{ "duplicates " }<strong>{ g.duplicates }</strong></span>
                <span class={classes!((g.skipped > 0).then_some("bad-text"))} title="records below the committed offset never processed">{ "skipped " }<strong>{ g.skipped }</strong></span>
            </div>
            <LagChart points={p.lag.clone()} />
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::{recent_steps, STEPS_SHOWN};
    use kafka_sim::trace::{Trace, TraceKind};

    fn group_event(trace: &mut Trace, t: u64, group: &str, event: &str) {
        trace.push(
            t,
            TraceKind::Group {
                group: group.into(),
                event: event.into(),
            },
        );
    }

    #[test]
    fn each_group_gets_its_latest_events_oldest_first() {
        let mut trace = Trace::new(1_000);
        for i in 0..8u64 {
            group_event(&mut trace, i, "a", &format!("a{i}"));
            trace.push(
                i,
                TraceKind::Note {
                    text: "other".into(),
                },
            );
        }
        group_event(&mut trace, 20, "b", "b0");
        group_event(&mut trace, 21, "unknown", "ignored");
        group_event(&mut trace, 22, "b", "b1");
        let names = ["a".to_string(), "b".to_string(), "quiet".to_string()];
        let steps = recent_steps(&trace, &names);
        let a: Vec<&str> = steps["a"].iter().map(|(_, e)| e.as_str()).collect();
        assert_eq!(a.len(), STEPS_SHOWN);
        assert_eq!(a, ["a3", "a4", "a5", "a6", "a7"]);
        assert_eq!(
            steps["b"],
            vec![(20, "b0".to_string()), (22, "b1".to_string())]
        );
        assert!(steps["quiet"].is_empty());
        assert!(!steps.contains_key("unknown"));
    }

    #[test]
    fn a_groups_events_outlast_the_message_traffic_after_them() {
        use kafka_sim::types::NodeId;
        let mut trace = Trace::new(4);
        group_event(&mut trace, 1, "a", "old");
        for i in 0..100 {
            trace.push(
                2 + i,
                TraceKind::Deliver {
                    msg: i,
                    from: NodeId::Broker(1),
                    to: NodeId::Broker(2),
                    name: "Fetch".into(),
                },
            );
        }
        assert!(trace
            .newest_first()
            .all(|e| matches!(e.kind, TraceKind::Deliver { .. })));
        let steps = recent_steps(&trace, &["a".to_string()]);
        assert_eq!(steps["a"], vec![(1, "old".to_string())]);
    }
}
