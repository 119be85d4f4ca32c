//! "Copy link" and "Embed": the session as a link (`#s=…`, see `kafka_sim::link`) and an
//! `<iframe>` snippet, copied with the Clipboard API when the browser allows it, and always
//! shown in a field the user can copy from by hand.
use super::use_app;
use crate::page::{embed_snippet, EmbedOptions};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    Link,
    Embed,
}

#[derive(Clone, PartialEq)]
enum Copied {
    Pending,
    Yes,
    No(String),
}

/// The page's address without query or fragment.
pub fn base_url() -> String {
    web_sys::window()
        .map(|w| w.location())
        .map(|l| {
            format!(
                "{}{}",
                l.origin().unwrap_or_default(),
                l.pathname().unwrap_or_default()
            )
        })
        .unwrap_or_default()
}

/// Copy `text` with `navigator.clipboard.writeText`; `Err` when there is no clipboard (an
/// insecure page, an old browser) or the browser refused.
pub async fn copy_text(text: &str) -> Result<(), String> {
    let nav = web_sys::window().ok_or("no window")?.navigator();
    let has = js_sys::Reflect::get(&nav, &JsValue::from_str("clipboard"))
        .map(|v| !v.is_undefined() && !v.is_null())
        .unwrap_or(false);
    if !has {
        return Err("this browser does not allow copying from this page".into());
    }
    JsFuture::from(nav.clipboard().write_text(text))
        .await
        .map(|_| ())
        .map_err(|_| "the browser did not allow copying".into())
}

fn copy_into(state: UseStateHandle<Copied>, text: String) {
    state.set(Copied::Pending);
    wasm_bindgen_futures::spawn_local(async move {
        match copy_text(&text).await {
            Ok(()) => state.set(Copied::Yes),
            Err(e) => state.set(Copied::No(e)),
        }
    });
}

fn select_on_focus() -> Callback<FocusEvent> {
    Callback::from(|e: FocusEvent| {
        if let Some(i) = e.target_dyn_into::<HtmlInputElement>() {
            i.select();
        } else if let Some(t) = e.target_dyn_into::<HtmlTextAreaElement>() {
            t.select();
        }
    })
}

fn status(c: &Copied, what: &str) -> Html {
    match c {
        Copied::Pending => html! { <p class="copy-status muted" role="status">{ "Copying…" }</p> },
        Copied::Yes => {
            html! { <p class="copy-status ok" role="status" data-testid="copy-status">{ format!("{what} copied to the clipboard.") }</p> }
        }
        Copied::No(why) => {
            html! { <p class="copy-status warn" role="status" data-testid="copy-status">{ format!("Could not copy automatically ({why}): select the text below and copy it (Ctrl+C / ⌘C).") }</p> }
        }
    }
}

#[function_component(Share)]
pub fn share() -> Html {
    let app = use_app();
    let open = use_state(|| None::<Open>);
    let copied = use_state(|| Copied::Pending);
    let opts = use_state(|| EmbedOptions {
        tour: true,
        autoplay: true,
        readonly: false,
        with_state: false,
    });
    // Keyboard users land in the field they can copy from.
    {
        let which = *open;
        use_effect_with(which, move |w| {
            let id = match w {
                Some(Open::Link) => Some("share-url"),
                Some(Open::Embed) => Some("embed-code"),
                None => None,
            };
            if let Some(el) = id
                .and_then(|id| web_sys::window()?.document()?.get_element_by_id(id))
                .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
            {
                let _ = el.focus();
            }
        });
    }
    let link = {
        let app = app.clone();
        move || format!("{}#{}", base_url(), app.link_state().to_fragment())
    };
    let on_link = {
        let open = open.clone();
        let copied = copied.clone();
        let link = link.clone();
        Callback::from(move |_: MouseEvent| {
            open.set(Some(Open::Link));
            copy_into(copied.clone(), link());
        })
    };
    let on_embed = {
        let open = open.clone();
        let copied = copied.clone();
        Callback::from(move |_: MouseEvent| {
            copied.set(Copied::Pending);
            open.set(if *open == Some(Open::Embed) {
                None
            } else {
                Some(Open::Embed)
            });
        })
    };
    let close = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(None))
    };
    let on_key = {
        let open = open.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                open.set(None);
            }
        })
    };
    // Encoding the session (serialize + deflate) is not free: only while the embed popover
    // shows it, not on every frame.
    let snippet = if *open == Some(Open::Embed) {
        let preset = (app.preset != "custom").then(|| app.preset.clone());
        let frag = app.link_state().to_fragment();
        let title = format!("Kafka Playground: {}", app.session.borrow().scenario.name);
        embed_snippet(&base_url(), preset.as_deref(), Some(&frag), &opts, &title)
    } else {
        String::new()
    };
    let toggle = |f: fn(&mut EmbedOptions) -> &mut bool| {
        let opts = opts.clone();
        Callback::from(move |_: Event| {
            let mut o = (*opts).clone();
            let v = f(&mut o);
            *v = !*v;
            opts.set(o);
        })
    };
    let copy_snippet = {
        let copied = copied.clone();
        let snippet = snippet.clone();
        Callback::from(move |_: MouseEvent| copy_into(copied.clone(), snippet.clone()))
    };
    let popover = match *open {
        None => html! {},
        Some(Open::Link) => {
            html! {
                <div class="popover" role="dialog" aria-label="Share link" data-testid="share-link" onkeydown={on_key.clone()}>
                    { status(&copied, "Link") }
                    <label class="visually-hidden" for="share-url">{ "Link to this session" }</label>
                    <input id="share-url" type="text" readonly=true value={link()} onfocus={select_on_focus()} />
                    <p class="muted small">{ "The link replays this exact session: scenario, your commands and the time." }</p>
                    <button class="ghost" onclick={close.clone()}>{ "Close" }</button>
                </div>
            }
        }
        Some(Open::Embed) => {
            let o = (*opts).clone();
            html! {
                <div class="popover wide" role="dialog" aria-label="Embed code" data-testid="share-embed" onkeydown={on_key}>
                    <p><strong>{ "Embed this scenario" }</strong></p>
                    <div class="embed-opts">
                        <label class="check"><input type="checkbox" checked={o.tour} onchange={toggle(|o| &mut o.tour)} />{ "open the tour" }</label>
                        <label class="check"><input type="checkbox" checked={o.autoplay} onchange={toggle(|o| &mut o.autoplay)} />{ "autoplay" }</label>
                        <label class="check"><input type="checkbox" checked={o.readonly} onchange={toggle(|o| &mut o.readonly)} />{ "read-only" }</label>
                        <label class="check"><input type="checkbox" checked={o.with_state} onchange={toggle(|o| &mut o.with_state)} />{ "this exact session" }</label>
                    </div>
                    <label class="visually-hidden" for="embed-code">{ "Embed code" }</label>
                    <textarea id="embed-code" readonly=true rows="4" value={snippet} onfocus={select_on_focus()} />
                    if *copied != Copied::Pending { { status(&copied, "Embed code") } }
                    <div class="button-row">
                        <button class="primary" id="copy-embed" onclick={copy_snippet}>{ "Copy embed code" }</button>
                        <button class="ghost" onclick={close}>{ "Close" }</button>
                    </div>
                </div>
            }
        }
    };
    html! {
        <div class="share">
            <button id="copy-link" onclick={on_link} title="Copy a link that replays this exact session">{ "Copy link" }</button>
            <button id="embed-button" onclick={on_embed} aria-expanded={(*open == Some(Open::Embed)).to_string()} title="An <iframe> snippet for your own page">{ "Embed" }</button>
            { popover }
        </div>
    }
}
