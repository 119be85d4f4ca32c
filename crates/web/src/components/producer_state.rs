//! An idempotent or transactional producer's state on its card: producer id and epoch (from
//! InitProducerId), the next sequence number per partition, and for a `transactional.id` the
//! transaction state and how many transactions committed and aborted.
use kafka_sim::view::ProducerView;
use yew::prelude::*;

/// Sequence numbers drawn (a producer writing to 100 partitions would otherwise draw 100).
const SEQUENCES_SHOWN: usize = 12;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub producer: ProducerView,
}

/// The pill class for a transaction state.
pub fn txn_state_class(state: &str) -> &'static str {
    match state {
        "ready" => "ok",
        "ongoing" | "committing" | "aborting" | "initializing" | "uninitialized" => "busy",
        s if s.starts_with("fenced") || s.starts_with("must abort") => "bad",
        _ => "",
    }
}

#[function_component(ProducerState)]
pub fn producer_state(props: &Props) -> Html {
    let p = &props.producer;
    if p.producer_id < 0 && p.transactional_id.is_none() {
        return html! {};
    }
    let pid = if p.producer_id >= 0 {
        p.producer_id.to_string()
    } else {
        "—".into()
    };
    html! {
        <div class="producer-state" data-testid="producer-state" data-producer={p.id.clone()}>
            <dl class="pstate-grid">
                <div title="producer id, from InitProducerId"><dt>{ "producer id" }</dt><dd data-testid="pid">{ pid }</dd></div>
                <div title="producer epoch: bumped by initTransactions, and by an idempotent producer when a failed batch leaves a gap in its sequence numbers; older epochs are fenced"><dt>{ "epoch" }</dt><dd data-testid="epoch">{ p.producer_epoch }</dd></div>
                if let Some(tid) = &p.transactional_id {
                    <div class="wide"><dt>{ "transactional.id" }</dt><dd class="mono">{ tid.clone() }</dd></div>
                }
            </dl>
            if let Some(state) = &p.txn_state {
                <div class="pstate-txn">
                    <span class="muted small">{ "transaction" }</span>
                    <span class={classes!("pill", "txn-pill", txn_state_class(state))} data-testid="txn-state">{ state.clone() }</span>
                    <span class="small" title="transactions committed / aborted by this producer">
                        <span class="ok-text" data-testid="txns-committed">{ format!("{} committed", p.txns_committed) }</span>
                        { " · " }
                        <span class="bad-text" data-testid="txns-aborted">{ format!("{} aborted", p.txns_aborted) }</span>
                    </span>
                </div>
            }
            if !p.sequences.is_empty() {
                <div class="seqs" aria-label="Next sequence number per partition">
                    <span class="muted small" title="the broker keeps the last five batches per producer and partition and drops a retried sequence">{ "next sequence" }</span>
                    { for p.sequences.iter().take(SEQUENCES_SHOWN).map(|(tp, s)| html! {
                        <span class="seq-chip" data-testid="sequence" data-tp={tp.clone()}><span class="muted">{ tp.clone() }</span>{ " " }<strong>{ *s }</strong></span>
                    }) }
                    if p.sequences.len() > SEQUENCES_SHOWN {
                        <span class="muted small">{ format!("+{} more partitions", p.sequences.len() - SEQUENCES_SHOWN) }</span>
                    }
                </div>
            }
        </div>
    }
}
