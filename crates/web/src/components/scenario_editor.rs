//! The scenario editor: the current scenario as JSON, validated as you type with the error
//! shown at the failing field (selected in the text), import/export as a file, and a library
//! of your own scenarios in `localStorage`.
use super::use_app;
use crate::editor::{line_of, locate, refine};
use crate::state::Msg;
use crate::storage::{self, LibraryItem};
use kafka_sim::scenario::Scenario;
use kafka_sim::SimError;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub on_close: Callback<()>,
}

/// Validate as the page will load it: parse, then build the cluster.
fn validate(text: &str) -> Result<Scenario, SimError> {
    let sc = Scenario::parse(text)?;
    sc.build(None)?;
    Ok(sc)
}

fn download(name: &str, text: &str) -> Result<(), String> {
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts)
        .map_err(|_| "cannot create the file")?;
    let url =
        web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| "cannot create the file")?;
    let a: web_sys::HtmlAnchorElement = doc
        .create_element("a")
        .map_err(|_| "cannot create a link")?
        .dyn_into()
        .map_err(|_| "cannot create a link")?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

fn file_name(name: &str) -> String {
    let slug: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let slug = slug
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    format!(
        "{}.json",
        if slug.is_empty() {
            "scenario".into()
        } else {
            slug
        }
    )
}

#[function_component(ScenarioEditor)]
pub fn scenario_editor(props: &Props) -> Html {
    let app = use_app();
    let initial = storage::to_json_pretty(&app.session.borrow().scenario);
    let text = use_state(|| initial.clone());
    let status = use_state(|| None::<String>);
    let library = use_state(storage::library);
    let area = use_node_ref();
    let result = validate(&text);
    let error = result.as_ref().err().cloned();
    let error_at = error.as_ref().and_then(|e| match e {
        SimError::Scenario { path, message } => {
            locate(&text, path).map(|r| refine(&text, r, message))
        }
        _ => None,
    });
    // Focus the text on open.
    {
        let area = area.clone();
        use_effect_with((), move |_| {
            if let Some(t) = area.cast::<HtmlTextAreaElement>() {
                let _ = t.focus();
            }
        });
    }
    let on_input = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            text.set(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        })
    };
    let show_error = {
        let area = area.clone();
        Callback::from(move |(s, e): (usize, usize)| {
            if let Some(t) = area.cast::<HtmlTextAreaElement>() {
                let _ = t.focus();
                // Selection offsets are UTF-16 code units.
                let v = t.value();
                let to16 = |b: usize| v.get(..b).map_or(0, |p| p.encode_utf16().count()) as u32;
                let _ = t.set_selection_range(to16(s), to16(e));
            }
        })
    };
    let apply = {
        let d = app.dispatcher();
        let text = text.clone();
        let ok = result.is_ok();
        let close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| {
            if ok {
                d.dispatch(Msg::LoadScenario {
                    control: "editor".into(),
                    json: (*text).clone(),
                });
                close.emit(());
            }
        })
    };
    let revert = {
        let text = text.clone();
        let initial = initial.clone();
        Callback::from(move |_: MouseEvent| text.set(initial.clone()))
    };
    let export = {
        let text = text.clone();
        let status = status.clone();
        let name = result.as_ref().map(|s| s.name.clone()).unwrap_or_default();
        Callback::from(move |_: MouseEvent| {
            status.set(Some(match download(&file_name(&name), &text) {
                Ok(()) => format!("Downloaded {}.", file_name(&name)),
                Err(e) => format!("Could not export: {e}."),
            }))
        })
    };
    let import = {
        let text = text.clone();
        let status = status.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            input.set_value("");
            if file.size() > 4.0 * 1024.0 * 1024.0 {
                status.set(Some("That file is larger than 4 MiB.".into()));
                return;
            }
            let text = text.clone();
            let status = status.clone();
            let name = file.name();
            wasm_bindgen_futures::spawn_local(async move {
                match JsFuture::from(file.text())
                    .await
                    .ok()
                    .and_then(|v| v.as_string())
                {
                    Some(t) => {
                        text.set(t);
                        status.set(Some(format!("Imported {name}: check it, then Apply.")));
                    }
                    None => status.set(Some(format!("Could not read {name}."))),
                }
            });
        })
    };
    let save = {
        let library = library.clone();
        let status = status.clone();
        let text = text.clone();
        let name = result.as_ref().map(|s| s.name.clone()).ok();
        Callback::from(move |_: MouseEvent| {
            let Some(name) = name.clone() else { return };
            let mut items: Vec<LibraryItem> = (*library)
                .iter()
                .filter(|i| i.name != name)
                .cloned()
                .collect();
            items.insert(
                0,
                LibraryItem {
                    name: name.clone(),
                    json: (*text).clone(),
                },
            );
            match storage::set_library(&items) {
                Ok(()) => {
                    status.set(Some(format!("Saved “{name}” to your library.")));
                    library.set(items);
                }
                Err(e) => status.set(Some(e)),
            }
        })
    };
    let close = {
        let cb = props.on_close.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let on_key = {
        let cb = props.on_close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                cb.emit(());
            }
        })
    };
    let items = (*library).clone();
    let lib = items.iter().enumerate().map(|(i, item)| {
        let load = {
            let text = text.clone();
            let json = item.json.clone();
            Callback::from(move |_: MouseEvent| text.set(json.clone()))
        };
        let delete = {
            let library = library.clone();
            let status = status.clone();
            let items = items.clone();
            Callback::from(move |_: MouseEvent| {
                let mut v = items.clone();
                v.remove(i);
                match storage::set_library(&v) {
                    Ok(()) => library.set(v),
                    Err(e) => status.set(Some(e)),
                }
            })
        };
        html! {
            <li data-testid="library-item">
                <span class="lib-name">{ item.name.clone() }</span>
                <button class="ghost small-btn" onclick={load} aria-label={format!("Open {} in the editor", item.name)}>{ "Open" }</button>
                <button class="ghost small-btn danger" onclick={delete} aria-label={format!("Delete {} from the library", item.name)}>{ "Delete" }</button>
            </li>
        }
    });
    let message = match (&error, error_at) {
        (None, _) => {
            html! { <p class="editor-ok" role="status" data-testid="editor-status">{ "✓ Valid scenario" }</p> }
        }
        (Some(e), at) => {
            let where_ = at.map(|(s, _)| format!(" (line {})", line_of(&text, s)));
            let jump = at.map(|r| {
                let cb = show_error.clone();
                Callback::from(move |_: MouseEvent| cb.emit(r))
            });
            html! {
                <div class="field-error editor-error" role="alert" data-testid="editor-error">
                    <span>{ e.to_string() }{ where_.unwrap_or_default() }</span>
                    if let Some(j) = jump { <button class="ghost small-btn" onclick={j} data-testid="editor-show">{ "Show" }</button> }
                </div>
            }
        }
    };
    html! {
        <div class="modal-backdrop">
            <div class="modal editor" role="dialog" aria-modal="true" aria-labelledby="editor-title" onkeydown={on_key} data-testid="editor">
                <header class="panel-head">
                    <h2 id="editor-title">{ "Edit the scenario" }</h2>
                    <button class="ghost icon" onclick={close.clone()} aria-label="Close the editor">{ "✕" }</button>
                </header>
                <p class="muted small">{ "The format is documented in docs/scenario-format.md. Apply restarts the session with this scenario." }</p>
                <label class="visually-hidden" for="scenario-json">{ "Scenario JSON" }</label>
                <textarea id="scenario-json" ref={area} spellcheck="false" rows="18" value={(*text).clone()} oninput={on_input}
                    aria-invalid={error.is_some().to_string()} aria-describedby="editor-message" />
                <div id="editor-message">{ message }</div>
                <div class="button-row editor-actions">
                    <button class="primary" id="editor-apply" onclick={apply} disabled={error.is_some()}>{ "Apply" }</button>
                    <button onclick={revert}>{ "Revert" }</button>
                    <button onclick={export} id="editor-export">{ "Export file" }</button>
                    <label class="button-like" for="editor-import">{ "Import file" }</label>
                    <input id="editor-import" class="visually-hidden" type="file" accept=".json,application/json" onchange={import} />
                    <button onclick={save} disabled={error.is_some()} id="editor-save">{ "Save to library" }</button>
                </div>
                if let Some(s) = &*status { <p class="muted small" role="status" data-testid="editor-note">{ s.clone() }</p> }
                <section class="library" aria-label="Your scenarios">
                    <h3>{ "Your scenarios" }</h3>
                    if items.is_empty() { <p class="muted small">{ "Nothing saved yet: Save to library keeps a scenario in this browser." }</p> }
                    <ul>{ for lib }</ul>
                </section>
            </div>
        </div>
    }
}
