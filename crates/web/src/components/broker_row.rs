//! The brokers, side by side.
use super::broker_card::{BrokerCard, ReplicaChip};
use super::field_error::FieldError;
use super::use_app;
use yew::prelude::*;

#[function_component(BrokerRow)]
pub fn broker_row() -> Html {
    let app = use_app();
    let brokers = app.view.brokers.clone();
    let editable = app.editable();
    // Each broker's replicas of the user's topics, in topic and partition order.
    let chips = |id: i32| -> Vec<ReplicaChip> {
        let mut out = Vec::new();
        for t in app.view.topics.iter().filter(|t| !t.internal) {
            for p in &t.partitions {
                if let Some(r) = p.replicas.iter().find(|r| r.broker == id) {
                    out.push(ReplicaChip {
                        label: format!("{}-{}", t.name, p.partition),
                        leader: p.leader == Some(id),
                        in_isr: r.in_isr,
                        online: r.online,
                    });
                }
            }
        }
        out
    };
    html! {
        <section class="brokers" aria-label="Brokers">
            <div class="broker-grid">
                { for brokers.into_iter().map(|b| { let k = b.id; let c = chips(k); html! { <BrokerCard key={k} broker={b} replicas={c} editable={editable} /> } }) }
            </div>
            <FieldError control="brokers" />
        </section>
    }
}
