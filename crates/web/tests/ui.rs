//! The app in headless Chromium (wasm-bindgen-test): mount it, use the controls, read the
//! DOM. `cargo test -p kafka-playground --target wasm32-unknown-unknown`; native test runs
//! skip this file.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use gloo::timers::future::TimeoutFuture;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, Event, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh app in its own div, with no saved workspace.
async fn mount() -> Element {
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.clear().unwrap();
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<kafka_playground::App>::with_root(root.clone()).render();
    TimeoutFuture::new(0).await;
    root
}

fn q(root: &Element, sel: &str) -> Option<Element> {
    root.query_selector(sel).unwrap()
}

fn click(root: &Element, sel: &str) {
    q(root, sel)
        .unwrap_or_else(|| panic!("no {sel}"))
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
}

fn type_into(root: &Element, sel: &str, text: &str) {
    let input: HtmlInputElement = q(root, sel).unwrap().dyn_into().unwrap();
    input.set_value(text);
    input.dispatch_event(&Event::new("input").unwrap()).unwrap();
}

fn set_checked(root: &Element, sel: &str, on: bool) {
    let input: HtmlInputElement = q(root, sel).unwrap().dyn_into().unwrap();
    input.set_checked(on);
    input
        .dispatch_event(&Event::new("change").unwrap())
        .unwrap();
}

/// Poll (the app's clock runs on animation frames) until `sel` matches, or fail.
async fn wait_for(root: &Element, sel: &str) -> Element {
    for _ in 0..200 {
        if let Some(e) = q(root, sel) {
            return e;
        }
        TimeoutFuture::new(25).await;
    }
    panic!(
        "timed out waiting for {sel}; page: {}",
        root.inner_html().chars().take(2000).collect::<String>()
    );
}

#[wasm_bindgen_test]
async fn default_scenario_draws_the_topic_and_its_partitions() {
    let root = mount().await;
    assert!(q(&root, "main#app[data-ready='1']").is_some());
    let parts = root
        .query_selector_all("[data-testid='partition'][data-topic='orders']")
        .unwrap();
    assert_eq!(parts.length(), 4);
    assert_eq!(
        root.query_selector_all("[data-testid='broker']")
            .unwrap()
            .length(),
        3
    );
}

#[wasm_bindgen_test]
async fn a_keyed_record_lands_in_the_partition_kafka_picks() {
    let root = mount().await;
    type_into(&root, "#produce-key", "foobar");
    type_into(&root, "#produce-value", "from the test");
    click(&root, "#produce-one");
    let cell = wait_for(&root, "[data-testid='record'][data-key='foobar']").await;
    // Kafka's UtilsTest vector: murmur2("foobar") = -790332482; toPositive(h) % 4.
    let expected = (-790_332_482i32 & 0x7fff_ffff) % 4;
    let partition = cell.closest("[data-testid='partition']").unwrap().unwrap();
    assert_eq!(
        partition.get_attribute("data-partition").unwrap(),
        expected.to_string()
    );
}

#[wasm_bindgen_test]
async fn an_invalid_producer_setting_is_reported_next_to_the_control() {
    let root = mount().await;
    set_checked(&root, "#acks-1", true);
    TimeoutFuture::new(0).await;
    set_checked(&root, "#idempotence", true);
    let err = wait_for(&root, "[data-testid='error-producer-config']").await;
    let text = err.text_content().unwrap();
    assert!(
        text.contains("acks") && text.contains("idempotent"),
        "{text}"
    );
}

#[wasm_bindgen_test]
async fn stopping_a_broker_shows_it_stopped() {
    let root = mount().await;
    click(
        &root,
        "[data-testid='broker'][data-broker='2'] [data-action='stop']",
    );
    wait_for(
        &root,
        "[data-testid='broker'][data-broker='2'][data-status='stopped']",
    )
    .await;
}
