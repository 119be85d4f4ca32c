//! Consumers: what each reads, where it is, and its lag.
use super::{secs, use_app};
use yew::prelude::*;

#[function_component(ConsumerPanel)]
pub fn consumer_panel() -> Html {
    let app = use_app();
    let consumers = app.view.consumers.clone();
    html! {
        <section class="card panel" aria-label="Consumers">
            <header class="panel-head"><h2>{ "Consumers" }</h2></header>
            if consumers.is_empty() { <p class="muted">{ "No consumers in this scenario." }</p> }
            { for consumers.iter().map(|c| {
                let lag: i64 = c.assignment.iter().filter_map(|a| a.lag).sum();
                html! {
                    <div class={classes!("consumer", (!c.alive).then_some("down"))} data-testid="consumer" data-consumer={c.id.clone()}>
                        <div class="consumer-head">
                            <strong>{ c.id.clone() }</strong>
                            <span class="muted">{ c.group.clone().map(|g| format!("group {g}")).unwrap_or_else(|| "all partitions".into()) }</span>
                            <span class="muted">{ c.isolation.clone() }</span>
                        </div>
                        <dl class="stats">
                            <div><dt>{ "consumed" }</dt><dd data-testid="consumed">{ c.consumed }</dd></div>
                            <div><dt>{ "lag" }</dt><dd>{ lag }</dd></div>
                        </dl>
                        <ul class="assignment">
                            { for c.assignment.iter().map(|a| html! {
                                <li>{ format!("{}-{}", a.topic, a.partition) }
                                    <span class="muted">{ match a.position { Some(p) => format!(" @ {p}"), None => " (resetting)".into() } }</span>
                                    if a.lag.unwrap_or(0) > 0 { <span class="lag">{ format!(" lag {}", a.lag.unwrap_or(0)) }</span> }
                                </li>
                            }) }
                        </ul>
                        if let Some(e) = &c.last_error {
                            <p class="client-error"><code>{ e.error.clone() }</code>{ format!(" at {}: {}", secs(e.at), e.detail) }</p>
                        }
                    </div>
                }
            }) }
        </section>
    }
}
