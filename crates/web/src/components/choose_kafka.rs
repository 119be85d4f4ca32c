//! "When to choose Kafka": the seed's comparison table, each row linked to the preset that
//! shows it in the simulator.
use super::use_app;
use crate::presets;
use crate::state::Msg;
use yew::prelude::*;

/// One row of the seed's table, verbatim, with the preset that demonstrates each side.
struct Row {
    kafka: &'static str,
    kafka_demo: &'static str,
    queue: &'static str,
    queue_demo: Option<&'static str>,
}

const ROWS: &[Row] = &[
    Row {
        kafka: "High throughput (millions of events/sec)",
        kafka_demo: "partitions-and-consumers",
        queue: "Moderate throughput is sufficient",
        queue_demo: None,
    },
    Row {
        kafka: "Multiple independent consumers need the same events",
        kafka_demo: "many-groups",
        queue: "Single consumer per message is fine",
        queue_demo: Some("log-vs-queue"),
    },
    Row {
        kafka: "Replay and reprocessing are required",
        kafka_demo: "replay-new-group",
        queue: "Messages can be discarded after processing",
        queue_demo: Some("log-vs-queue"),
    },
    Row {
        kafka: "Event sourcing / audit log use case",
        kafka_demo: "event-sourcing",
        queue: "Simple task queue (jobs, background work)",
        queue_demo: Some("log-vs-queue"),
    },
    Row {
        kafka: "Stream processing with Kafka Streams",
        kafka_demo: "exactly-once-pipeline",
        queue: "Rich routing logic (RabbitMQ exchanges)",
        queue_demo: None,
    },
];

fn preset_name(id: &str) -> String {
    presets::name(id)
}

#[function_component(ChooseKafka)]
pub fn choose_kafka() -> Html {
    let app = use_app();
    let current = app.preset.clone();
    let link = |id: &'static str| {
        let name = preset_name(id);
        if id == current {
            return html! { <span class="demo-link here" aria-current="page" title={name}>{ "▸ this scenario" }</span> };
        }
        let d = app.dispatcher();
        let onclick = Callback::from(move |_: MouseEvent| {
            let d = d.clone();
            presets::load(id, move || d.dispatch(Msg::LoadPreset(id.to_string())))
        });
        html! {
            <button class="demo-link" {onclick} data-preset={id} aria-label={format!("Load the scenario “{name}”")} title={name.clone()}>
                { format!("▸ {name}") }
            </button>
        }
    };
    html! {
        <section class="card lesson choose" data-testid="choose-kafka" aria-label="When to choose Kafka">
            <header class="lesson-head">
                <div>
                    <h2>{ "When to choose Kafka" }</h2>
                    <p class="muted small">{ "Each row links to a scenario that shows it." }</p>
                </div>
            </header>
            <div class="table-scroll">
                <table class="choose-table">
                    <thead>
                        <tr><th scope="col">{ "Choose Kafka when…" }</th><th scope="col">{ "Choose a traditional queue when…" }</th></tr>
                    </thead>
                    <tbody>
                        { for ROWS.iter().map(|r| html! {
                            <tr>
                                <td><span class="claim">{ r.kafka }</span>{ link(r.kafka_demo) }</td>
                                <td><span class="claim">{ r.queue }</span>
                                    { match r.queue_demo { Some(id) => link(id), None => html! { <span class="demo-link none">{ "not simulated here" }</span> } } }
                                </td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
            <p class="small muted">{ "Kafka is operationally heavy: KRaft controllers, partition planning, consumer lag to watch, retention and replication to tune. Kafka vs SQS? Kafka wins on throughput, replay and many consumers; SQS on simplicity and managed operations." }</p>
        </section>
    }
}
