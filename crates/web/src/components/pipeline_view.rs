//! Read-process-write pipelines: input topic → stream processor → output topic, with the
//! processing guarantee, the step the processor is in, crash / restart / lose-a-response
//! buttons, and the duplicate counter beside the output.
use super::field_error::FieldError;
use super::{command, use_app};
use crate::state::AppContext;
use kafka_sim::action::Action;
use kafka_sim::view::{ClusterView, ProcessorView};
use std::collections::BTreeMap;
use yew::prelude::*;

fn step_words(step: &str) -> &'static str {
    match step {
        "Idle" => "polling for input",
        "AwaitAcks" => "output sent, waiting for acks",
        "AwaitCommit" => "committing input offsets",
        "AwaitTxn" => "committing the transaction",
        "Aborting" => "aborting the transaction",
        _ => "working",
    }
}

fn short(guarantee: &str) -> &'static str {
    if guarantee == "exactly_once" {
        "eos"
    } else {
        "alos"
    }
}

fn other(guarantee: &str) -> &'static str {
    if guarantee == "exactly_once" {
        "at_least_once"
    } else {
        "exactly_once"
    }
}

/// Records in a topic (sum of high watermarks minus log starts) and its partition count.
fn topic_size(v: &ClusterView, topic: &str) -> (i64, i32, i32) {
    v.topics
        .iter()
        .find(|t| t.name == topic)
        .map(|t| {
            (
                t.partitions
                    .iter()
                    .map(|p| p.high_watermark - p.log_start_offset)
                    .sum(),
                t.partitions.len() as i32,
                t.replication_factor as i32,
            )
        })
        .unwrap_or((0, 1, 1))
}

fn unused_name(taken: impl Fn(&str) -> bool, base: String) -> String {
    if !taken(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|n| !taken(n))
        .unwrap_or(base)
}

/// Start the same pipeline with the other guarantee, side by side: its own group and output
/// topic, reading the same input from the start.
fn run_other(app: &AppContext, p: &ProcessorView, control: &str) {
    let v = &app.view;
    let g = other(&p.guarantee);
    let s = short(g);
    let id = unused_name(
        |n| v.processors.iter().any(|x| x.id == n),
        format!("{}-{s}", p.id),
    );
    let output = unused_name(
        |n| v.topics.iter().any(|t| t.name == n),
        format!("{}-{s}", p.input),
    );
    let (_, parts, rf) = topic_size(v, &p.output);
    command(
        app,
        control,
        Action::CreateTopic {
            name: output.clone(),
            partitions: parts,
            replication_factor: rf,
            config: BTreeMap::new(),
            replica_assignment: None,
        },
    );
    command(
        app,
        control,
        Action::AddProcessor {
            id: id.clone(),
            input: p.input.clone(),
            output,
            group: format!("{id}-app"),
            guarantee: g.to_string(),
            processing_ms: None,
        },
    );
}

#[derive(Properties, PartialEq)]
struct RowProps {
    processor: ProcessorView,
}

#[function_component(PipelineRow)]
fn pipeline_row(props: &RowProps) -> Html {
    let app = use_app();
    let p = &props.processor;
    let v = &app.view;
    let control = format!("pipeline-{}", p.id);
    let (in_records, _, _) = topic_size(v, &p.input);
    let group = v.groups.iter().find(|g| g.group == p.group);
    let committed: i64 = group
        .map(|g| {
            g.committed
                .iter()
                .filter(|c| *c.topic == *p.input)
                .map(|c| c.offset)
                .sum()
        })
        .unwrap_or(0);
    let lag = group.map(|g| g.lag).unwrap_or(0);
    let check = p.check.clone().unwrap_or_default();
    let eos = p.guarantee == "exactly_once";
    // Is the other guarantee already running on this input?
    let twin = v
        .processors
        .iter()
        .find(|x| x.input == p.input && x.guarantee != p.guarantee)
        .map(|x| x.id.clone());
    let act = |a: Action| {
        let app = app.clone();
        let control = control.clone();
        Callback::from(move |_: MouseEvent| command(&app, &control, a.clone()))
    };
    let crash = act(Action::CrashProcessor { id: p.id.clone() });
    let restart = act(Action::RestartProcessor { id: p.id.clone() });
    let lose = act(Action::LoseResponse {
        producer: p.producer.clone(),
        count: 1,
    });
    let on_other = {
        let app = app.clone();
        let p = p.clone();
        let control = control.clone();
        Callback::from(move |_: Event| run_other(&app, &p, &control))
    };
    let editable = app.editable();
    let seg = |g: &'static str, label: &'static str| {
        let on = p.guarantee == g;
        let disabled = !on && (twin.is_some() || !editable);
        html! {
            <label class={classes!("seg", on.then_some("on"), disabled.then_some("disabled"))}
                title={if on { format!("{} runs with processing.guarantee={g}", p.id) } else if let Some(t) = &twin { format!("{t} already runs this input with {g}") } else { format!("start the same pipeline with {g} beside this one (its own group and output topic) and compare") }}>
                <input type="radio" name={format!("guarantee-{}", p.id)} value={g} checked={on} disabled={disabled}
                    onchange={if on { Callback::noop() } else { on_other.clone() }}
                    aria-label={format!("processing.guarantee {g}")} />
                { label }
            </label>
        }
    };
    html! {
        <div class={classes!("pipeline", (!p.alive).then_some("down"))} data-testid="pipeline" data-processor={p.id.clone()} data-guarantee={p.guarantee.clone()}>
            <div class="pipe-flow">
                <div class="pipe-box topic-box" title="input topic">
                    <span class="pipe-kicker">{ "input" }</span>
                    <strong class="mono">{ p.input.clone() }</strong>
                    <span class="small muted">{ format!("{in_records} records · group {}", p.group) }</span>
                    <span class="small">{ format!("committed {committed}") }
                        if lag > 0 { <span class="lag">{ format!(" · lag {lag}") }</span> }
                    </span>
                </div>
                <span class="pipe-arrow" aria-hidden="true">{ "→" }</span>
                <div class={classes!("pipe-box", "proc-box", eos.then_some("eos"))}>
                    <span class="pipe-kicker">{ "processor · upper-cases values" }</span>
                    <strong>{ p.id.clone() }</strong>
                    <div class="segmented small-seg" role="radiogroup" aria-label={format!("processing.guarantee of {}", p.id)}>
                        { seg("at_least_once", "at_least_once") }
                        { seg("exactly_once", "exactly_once") }
                    </div>
                    if p.alive {
                        <span class="small" data-testid="pipeline-step"><span class="spinner-dot" aria-hidden="true"></span>{ step_words(&p.step) }</span>
                    } else {
                        <span class="pill down" data-testid="pipeline-step">{ "crashed" }</span>
                    }
                    <span class="small muted">{ format!("{} batches · {} crash{}", p.batches, p.crashes, if p.crashes == 1 { "" } else { "es" }) }</span>
                </div>
                <span class="pipe-arrow" aria-hidden="true">{ "→" }</span>
                <div class="pipe-box topic-box out-box" title="output topic, as a read_committed reader sees it">
                    <span class="pipe-kicker">{ "output" }</span>
                    <strong class="mono">{ p.output.clone() }</strong>
                    <span class="small muted">{ format!("{} of {} inputs written", check.outputs.saturating_sub(check.duplicates), check.inputs) }</span>
                    <div class="dup-row">
                        <span class={classes!("dup-count", (check.duplicates > 0).then_some("bad"))} data-testid="duplicates" title="extra copies of an input record in the output">
                            <strong>{ check.duplicates }</strong>{ " duplicates" }
                        </span>
                        <span class={classes!("dup-count", (check.lost > 0).then_some("bad"))} data-testid="lost" title="committed input records with no output">
                            <strong>{ check.lost }</strong>{ " lost" }
                        </span>
                    </div>
                </div>
            </div>
            <p class="small muted pipe-last">{ format!("last: {}", p.last_action) }</p>
            if editable {
                <div class="button-row small-buttons">
                    if p.alive {
                        <button class="danger" onclick={crash} data-action="crash-processor" title="kill the processor at whatever step it is in">{ "Crash processor" }</button>
                        <button onclick={lose} data-action="lose-response" title="the broker appends the processor's next produce request but the response is lost: the producer retries">{ "Lose a response" }</button>
                    } else {
                        <button class="primary" onclick={restart} data-action="restart-processor" title="restart: it resumes from the group's committed offsets">{ "Restart" }</button>
                    }
                </div>
            }
            <FieldError control={control} />
        </div>
    }
}

#[function_component(PipelineView)]
pub fn pipeline_view() -> Html {
    let app = use_app();
    let processors = app.view.processors.clone();
    html! {
        <section class="card lesson pipelines" data-testid="pipelines" aria-label="Stream processing pipelines">
            <header class="lesson-head">
                <div>
                    <h2>{ "Read → process → write" }</h2>
                    <p class="muted small">{ "at_least_once writes the output, then commits the input offsets: a crash in between replays input whose output already exists. exactly_once puts both in one transaction." }</p>
                </div>
            </header>
            <>{ for processors.into_iter().map(|p| { let k = p.id.clone(); html! { <PipelineRow key={k} processor={p} /> } }) }</>
        </section>
    }
}
