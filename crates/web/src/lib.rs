//! Kafka Playground UI.
use yew::prelude::*;

#[function_component(App)]
pub fn app() -> Html {
    html! { <main id="app" data-ready="1"><h1>{ "Kafka Playground" }</h1></main> }
}
