//! The internal topics (`__consumer_offsets`): real partitions holding the groups' offset
//! commits and metadata as records. Collapsed by default.
use super::use_app;
use yew::prelude::*;

#[function_component(InternalTopics)]
pub fn internal_topics() -> Html {
    let app = use_app();
    // Which topics' <details> are open: a closed one renders only its summary (reading and
    // formatting its records on every frame for a collapsed panel was wasted work).
    let open = use_state(Vec::<String>::new);
    let internal: Vec<_> = app
        .view
        .topics
        .iter()
        .filter(|t| t.internal)
        .cloned()
        .collect();
    if internal.is_empty() {
        return html! {};
    }
    let session = app.session.borrow();
    html! {
        <section class="card internal" aria-label="Internal topics">
            { for internal.iter().map(|t| {
                let used: Vec<_> = t.partitions.iter().filter(|p| p.log_end_offset > 0).collect();
                let is_open = open.contains(&t.name);
                let ontoggle = {
                    let open = open.clone();
                    let name = t.name.clone();
                    Callback::from(move |e: Event| {
                        let now_open = e
                            .target_dyn_into::<web_sys::HtmlDetailsElement>()
                            .is_some_and(|d| d.open());
                        let mut set = (*open).clone();
                        set.retain(|n| *n != name);
                        if now_open {
                            set.push(name.clone());
                        }
                        open.set(set);
                    })
                };
                html! {
                    <details open={is_open} {ontoggle}>
                        <summary>
                            <strong>{ t.name.clone() }</strong>
                            <span class="muted">{ format!(" · internal · {} partitions · replication factor {} · {} in use", t.partitions.len(), t.replication_factor, used.len()) }</span>
                        </summary>
                        if is_open {
                        <p class="muted small">{ "A group's coordinator is the leader of partition abs(hashCode(group.id)) % 50. Offset commits and group metadata are records here." }</p>
                        <div class="internal-parts">
                            { for used.iter().map(|p| {
                                let recs = session.cluster.records(&t.name, p.partition, None, (p.log_end_offset - 8).max(0), 8);
                                html! {
                                    <div class="internal-part">
                                        <strong>{ format!("P{}", p.partition) }</strong>
                                        <span class="muted">{ format!(" leader B{} · HW {}", p.leader.unwrap_or(-1), p.high_watermark) }</span>
                                        <ul>
                                            { for recs.iter().map(|r| html! {
                                                <li><code>{ format!("{} {} = {}", r.offset, r.key.clone().unwrap_or_default(), r.value.clone().unwrap_or_default().chars().take(60).collect::<String>()) }</code></li>
                                            }) }
                                        </ul>
                                    </div>
                                }
                            }) }
                        </div>
                        }
                    </details>
                }
            }) }
        </section>
    }
}
