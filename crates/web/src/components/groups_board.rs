//! Consumer groups: drag consumer chips between groups, to the bench (leave gracefully) or
//! onto the crash target; watch the rebalance. Keyboard: focus a chip, press Enter, choose.
use super::consumer_chip::ConsumerChip;
use super::field_error::FieldError;
use super::group_box::{recent_steps, GroupBox};
use super::{command, use_app};
use crate::state::AppContext;
use kafka_sim::action::Action;
use kafka_sim::sort::SortShared;
use std::collections::BTreeMap;
use wasm_bindgen::JsCast;
use web_sys::Element;
use yew::prelude::*;

#[derive(Clone, PartialEq, Debug)]
struct Drag {
    consumer: Option<String>,
    start: (i32, i32),
    pos: (i32, i32),
    moved: bool,
}

/// Where a chip was dropped.
#[derive(Clone, PartialEq, Debug)]
pub enum Target {
    Group(String),
    NewGroup,
    Bench,
    Crash,
}

fn target_at(x: i32, y: i32) -> Option<Target> {
    let doc = web_sys::window()?.document()?;
    let el: Element = doc.element_from_point(x as f32, y as f32)?;
    let zone = el.closest("[data-drop]").ok()??;
    match zone.get_attribute("data-drop")?.as_str() {
        "group" => zone.get_attribute("data-group").map(Target::Group),
        "new-group" => Some(Target::NewGroup),
        "bench" => Some(Target::Bench),
        "crash" => Some(Target::Crash),
        _ => None,
    }
}

/// The commands that carry out a move of `consumer` (None = a new one) to `target`.
pub fn move_commands(
    app: &AppContext,
    consumer: Option<&str>,
    target: &Target,
    assignor: &str,
) -> Vec<Action> {
    let view = &app.view;
    let existing = consumer.and_then(|c| view.consumers.iter().find(|k| k.id == c));
    let running_group = existing.filter(|k| k.alive).and_then(|k| k.group.clone());
    let topics: Vec<String> = match existing {
        Some(k) => k.topics.clone(),
        None => view
            .topics
            .iter()
            .filter(|t| !t.internal)
            .take(1)
            .map(|t| t.name.clone())
            .collect(),
    };
    let new_name = || {
        let mut n = view.consumers.len() + 1;
        while view.consumers.iter().any(|k| k.id == format!("c{n}")) {
            n += 1;
        }
        format!("c{n}")
    };
    let join = |name: String, group: String| {
        let mut config = BTreeMap::new();
        for (k, v) in [
            ("auto.offset.reset", "earliest"),
            ("session.timeout.ms", "10000"),
            ("heartbeat.interval.ms", "1000"),
            ("partition.assignment.strategy", assignor),
        ] {
            config.insert(k.to_string(), serde_json::Value::String(v.to_string()));
        }
        let processing_ms = existing
            .map(|k| k.processing_ms)
            .filter(|p| *p > 0)
            .or(Some(100));
        Action::AddConsumer {
            id: name,
            group: Some(group),
            topics: topics.clone(),
            config,
            processing_ms,
            commit: None,
        }
    };
    let name = consumer.map(str::to_string).unwrap_or_else(new_name);
    let mut out = Vec::new();
    match target {
        Target::Group(_) | Target::NewGroup
            if running_group.as_deref() == Some(group_name(target, view).as_str()) => {}
        Target::Group(_) | Target::NewGroup => {
            let g = group_name(target, view);
            if running_group.is_some() {
                out.push(Action::RemoveConsumer {
                    consumer: name.clone(),
                });
            }
            out.push(join(name, g));
        }
        Target::Bench => {
            if running_group.is_some() {
                out.push(Action::RemoveConsumer { consumer: name });
            }
        }
        Target::Crash => {
            if existing.is_some_and(|k| k.alive) {
                out.push(Action::CrashClient { client: name });
            }
        }
    }
    out
}

fn group_name(target: &Target, view: &kafka_sim::view::ClusterView) -> String {
    match target {
        Target::Group(g) => g.clone(),
        _ => {
            let mut n = view.groups.len() + 1;
            while view.groups.iter().any(|g| g.group == format!("group-{n}"))
                || view
                    .consumers
                    .iter()
                    .any(|k| k.group.as_deref() == Some(&format!("group-{n}")))
            {
                n += 1;
            }
            format!("group-{n}")
        }
    }
}

/// Partitions listed on a member's chip (a member reading a 100-partition topic alone would
/// list 100 and grow into a disc).
const CHIP_PARTITIONS: usize = 8;

/// A member's partitions as its chip lists them: `P0 P1 P2`, or the first few and a count.
fn chip_partitions(partitions: &[i32]) -> String {
    let mut s = String::new();
    for p in partitions.iter().take(CHIP_PARTITIONS) {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(&format!("P{p}"));
    }
    if partitions.len() > CHIP_PARTITIONS {
        s.push_str(&format!(" +{} more", partitions.len() - CHIP_PARTITIONS));
    }
    s
}

#[function_component(GroupsBoard)]
pub fn groups_board() -> Html {
    let app = use_app();
    // The drag as the pointer handlers see it: a ref, always current. A `use_state` handle is
    // the value of the render that made the callback, so a pointerup that came before the
    // page re-rendered after the pointerdown (a quick drag on a busy page) saw no drag, and
    // the drop was lost. `drag` below is the same value for rendering (the ghost chip).
    let live = use_mut_ref(|| None::<Drag>);
    let drag = use_state(|| None::<Drag>);
    let menu = use_state(|| None::<Option<String>>);
    let assignors = use_state(BTreeMap::<String, String>::new);
    let view = app.view.clone();

    // Group names: the coordinators' groups plus groups named by consumers.
    let mut names: Vec<String> = view.groups.iter().map(|g| g.group.clone()).collect();
    for k in &view.consumers {
        if let Some(g) = &k.group {
            if k.alive && !names.contains(g) {
                names.push(g.clone());
            }
        }
    }
    names.sort_shared();
    let colour_of = |id: &str| view.consumers.iter().position(|k| k.id == id).unwrap_or(0);

    let run = {
        let app = app.clone();
        let assignors = assignors.clone();
        move |consumer: Option<String>, target: Target| {
            let g = match &target {
                Target::Group(g) => g.clone(),
                _ => String::new(),
            };
            let assignor = assignors
                .get(&g)
                .cloned()
                .unwrap_or_else(|| "range".to_string());
            for a in move_commands(&app, consumer.as_deref(), &target, &assignor) {
                command(&app, "groups", a);
            }
        }
    };

    let on_down = {
        let drag = drag.clone();
        let live = live.clone();
        Callback::from(move |(e, consumer): (PointerEvent, Option<String>)| {
            if e.button() != 0 {
                return;
            }
            // No native text selection or drag: either would start under the pointer and
            // cancel it (pointercancel), and the drop would be lost.
            e.prevent_default();
            // Capture on the board, which outlives any re-render of the chip under the pointer.
            let board = e
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .and_then(|t| t.closest("[data-testid='groups-board']").ok().flatten());
            if let Some(b) = board {
                let _ = b.set_pointer_capture(e.pointer_id());
            }
            let d = Drag {
                consumer,
                start: (e.client_x(), e.client_y()),
                pos: (e.client_x(), e.client_y()),
                moved: false,
            };
            *live.borrow_mut() = Some(d.clone());
            drag.set(Some(d));
        })
    };
    let on_move = {
        let drag = drag.clone();
        let live = live.clone();
        Callback::from(move |e: PointerEvent| {
            let Some(d) = live.borrow().clone() else {
                return;
            };
            let pos = (e.client_x(), e.client_y());
            let moved = d.moved || (pos.0 - d.start.0).abs() + (pos.1 - d.start.1).abs() > 5;
            let d = Drag { pos, moved, ..d };
            *live.borrow_mut() = Some(d.clone());
            drag.set(Some(d));
        })
    };
    let editable = app.editable();
    let on_up = {
        let drag = drag.clone();
        let menu = menu.clone();
        let run = run.clone();
        let live = live.clone();
        Callback::from(move |e: PointerEvent| {
            let Some(d) = live.borrow_mut().take() else {
                return;
            };
            drag.set(None);
            if d.moved {
                if let Some(t) = target_at(e.client_x(), e.client_y()) {
                    run(d.consumer, t);
                }
            } else if editable {
                menu.set(Some(d.consumer));
            }
        })
    };
    let on_cancel = {
        let drag = drag.clone();
        let live = live.clone();
        Callback::from(move |_: PointerEvent| {
            *live.borrow_mut() = None;
            drag.set(None);
        })
    };
    let on_activate = {
        let menu = menu.clone();
        Callback::from(move |c: Option<String>| {
            if editable {
                menu.set(Some(c))
            }
        })
    };
    let chip = |id: Option<String>, label: String, detail: String, state: String| {
        let dragging = drag.as_ref().is_some_and(|d| d.moved && d.consumer == id);
        html! {
            <ConsumerChip key={label.clone()} consumer={id.clone().map(AttrValue::from)} label={label.clone()} colour_index={id.as_deref().map_or(7, &colour_of)}
                detail={detail} state={state} dragging={dragging}
                on_pointer_down={on_down.clone()} on_activate={on_activate.clone()} />
        }
    };

    let bench: Vec<Html> = view
        .consumers
        .iter()
        .filter(|k| !k.alive)
        .map(|k| {
            chip(
                Some(k.id.clone()),
                k.id.clone(),
                String::new(),
                "stopped".into(),
            )
        })
        .collect();

    let ghost = drag.as_ref().filter(|d| d.moved).map(|d| {
        let label = d.consumer.clone().unwrap_or_else(|| "new consumer".into());
        html! { <div class="chip ghost" aria-hidden="true" style={format!("left:{}px;top:{}px;--chip:{}", d.pos.0 + 8, d.pos.1 + 8, crate::palette::consumer_colour(d.consumer.as_deref().map_or(7, &colour_of)))}>
            <span class="chip-dot"></span><span class="chip-name">{ label }</span></div> }
    });

    let menu_html = (*menu).clone().map(|consumer| {
        let close = {
            let menu = menu.clone();
            Callback::from(move |_| menu.set(None))
        };
        let pick = |t: Target| {
            let run = run.clone();
            let menu = menu.clone();
            let consumer = consumer.clone();
            Callback::from(move |_| {
                run(consumer.clone(), t.clone());
                menu.set(None);
            })
        };
        let current = consumer.as_deref().and_then(|c| view.consumers.iter().find(|k| k.id == c)).filter(|k| k.alive).and_then(|k| k.group.clone());
        let onkeydown = {
            let menu = menu.clone();
            Callback::from(move |e: KeyboardEvent| if e.key() == "Escape" { menu.set(None) })
        };
        html! {
            <div class="move-menu" role="dialog" aria-label="Move consumer" {onkeydown}>
                <p><strong>{ consumer.clone().unwrap_or_else(|| "New consumer".into()) }</strong>{ " → " }</p>
                { for names.iter().filter(|g| Some(*g) != current.as_ref()).map(|g| html! {
                    <button data-testid="move-to" data-group={g.clone()} onclick={pick(Target::Group(g.clone()))}>{ format!("join {g}") }</button>
                }) }
                <button data-testid="move-to-new" onclick={pick(Target::NewGroup)}>{ "a new group" }</button>
                if current.is_some() {
                    <button onclick={pick(Target::Bench)}>{ "leave (close)" }</button>
                    <button class="danger" onclick={pick(Target::Crash)}>{ "crash" }</button>
                }
                <button class="ghost" onclick={close}>{ "cancel" }</button>
            </div>
        }
    });

    let steps = recent_steps(&app.session.borrow().cluster.trace, &names);
    html! {
        <section class="card groups" aria-label="Consumer groups" data-testid="groups-board"
            onpointermove={on_move.clone()} onpointerup={on_up.clone()} onpointercancel={on_cancel}>
            <header class="topic-head">
                <h2>{ "Consumer groups" }</h2>
                if editable { <span class="muted">{ "Drag a consumer into a group, between groups, to the bench to leave, or onto crash. Keyboard: Enter on a chip." }</span> }
            </header>
            <div class="group-grid">
                <>{ for names.iter().map(|g| {
                    let steps = steps.get(g).cloned().unwrap_or_default();
                    let members: Vec<Html> = view
                        .consumers
                        .iter()
                        .filter(|k| k.alive && k.group.as_deref() == Some(g.as_str()))
                        .map(|k| {
                            let parts: Vec<i32> = k.assignment.iter().map(|a| a.partition).collect();
                            chip(Some(k.id.clone()), k.id.clone(), chip_partitions(&parts), k.member_state.clone().unwrap_or_default())
                        })
                        .collect();
                    let assignor = assignors.get(g).cloned().unwrap_or_else(|| "range".into());
                    let on_assignor = {
                        let assignors = assignors.clone();
                        let g = g.clone();
                        Callback::from(move |v: String| {
                            let mut m = (*assignors).clone();
                            m.insert(g.clone(), v);
                            assignors.set(m);
                        })
                    };
                    html! { <GroupBox key={g.clone()} group={g.clone()} members={members} assignor={assignor} on_assignor={on_assignor} {steps} /> }
                }) }</>
                if editable {
                    <div class="group-box new-group" data-drop="new-group" data-testid="new-group">
                        <p class="muted">{ "Drop here for a new group" }</p>
                    </div>
                }
            </div>
            if editable {
            <div class="bench-row">
                <div class="bench" data-drop="bench" data-testid="bench">
                    <span class="bench-label">{ "Bench (not running)" }</span>
                    { chip(None, "+ consumer".into(), String::new(), String::new()) }
                    <>{ for bench }</>
                </div>
                <div class="crash-zone" data-drop="crash" data-testid="crash-zone" aria-label="Crash target">{ "✕ crash (no goodbye)" }</div>
            </div>
            }
            { for menu_html }
            { for ghost }
            <FieldError control="groups" />
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::chip_partitions;

    #[test]
    fn a_chip_lists_a_few_partitions_and_counts_the_rest() {
        assert_eq!(chip_partitions(&[]), "");
        assert_eq!(chip_partitions(&[0, 3]), "P0 P3");
        let eight: Vec<i32> = (0..8).collect();
        assert_eq!(chip_partitions(&eight), "P0 P1 P2 P3 P4 P5 P6 P7");
        let hundred: Vec<i32> = (0..100).collect();
        assert_eq!(
            chip_partitions(&hundred),
            "P0 P1 P2 P3 P4 P5 P6 P7 +92 more"
        );
    }
}
