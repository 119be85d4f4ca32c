//! "On a real cluster": the session as `kafka-topics.sh` / `kafka-configs.sh` /
//! `kafka-consumer-groups.sh` commands, `.properties` files and the Java producer
//! (`kafka_sim::export`), each with a copy button. Collapsed until opened.
use super::share::copy_text;
use super::use_app;
use kafka_sim::export::{export, export_text};
use yew::prelude::*;

#[function_component(ExportPanel)]
pub fn export_panel() -> Html {
    let app = use_app();
    let open = use_state(|| false);
    let copied = use_state(|| None::<(String, bool)>);
    let toggle = {
        let open = open.clone();
        Callback::from(move |e: Event| {
            let d: web_sys::HtmlDetailsElement = e.target_unchecked_into();
            open.set(d.open());
        })
    };
    let copy = |key: String, text: String| {
        let copied = copied.clone();
        Callback::from(move |_: MouseEvent| {
            let copied = copied.clone();
            let key = key.clone();
            let text = text.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let ok = copy_text(&text).await.is_ok();
                copied.set(Some((key, ok)));
            });
        })
    };
    let body = if *open {
        let s = app.session.borrow();
        let sections = export(&s);
        let all = export_text(&s);
        let state = |key: &str| match &*copied {
            Some((k, true)) if k == key => "Copied",
            Some((k, false)) if k == key => "Select and copy",
            _ => "Copy",
        };
        html! {
            <>
                <p class="muted small">{ "What this session looks like on a real cluster (bootstrap localhost:9092)." }</p>
                <button class="small-btn" onclick={copy("all".into(), all)} data-testid="export-copy-all">{ if state("all") == "Copy" { "Copy everything" } else { state("all") } }</button>
                { for sections.into_iter().enumerate().map(|(i, sec)| {
                    let key = i.to_string();
                    html! {
                        <div class="export-block" data-testid="export-section" data-language={sec.language}>
                            <div class="export-head">
                                <strong>{ sec.title.clone() }</strong>
                                <button class="ghost small-btn" onclick={copy(key.clone(), sec.text.clone())} aria-label={format!("Copy {}", sec.title)}>{ state(&key) }</button>
                            </div>
                            <pre tabindex="0"><code>{ sec.text }</code></pre>
                        </div>
                    }
                }) }
            </>
        }
    } else {
        html! {}
    };
    html! {
        <details class="card panel export" data-testid="export-panel" ontoggle={toggle}>
            <summary><h2>{ "On a real cluster" }</h2><span class="muted small">{ "commands, .properties, Java" }</span></summary>
            { body }
        </details>
    }
}
