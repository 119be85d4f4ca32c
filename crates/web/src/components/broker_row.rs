//! The brokers, side by side.
use super::broker_card::BrokerCard;
use super::field_error::FieldError;
use super::use_app;
use yew::prelude::*;

#[function_component(BrokerRow)]
pub fn broker_row() -> Html {
    let app = use_app();
    let brokers = app.view.brokers.clone();
    html! {
        <section class="brokers" aria-label="Brokers">
            <div class="broker-grid">
                { for brokers.into_iter().map(|b| { let k = b.id; html! { <BrokerCard key={k} broker={b} /> } }) }
            </div>
            <FieldError control="brokers" />
        </section>
    }
}
