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

fn select(root: &Element, sel: &str, value: &str) {
    let s: web_sys::HtmlSelectElement = q(root, sel).unwrap().dyn_into().unwrap();
    s.set_value(value);
    s.dispatch_event(&Event::new("change").unwrap()).unwrap();
}

fn text(root: &Element, sel: &str) -> String {
    q(root, sel)
        .map(|e| e.text_content().unwrap_or_default())
        .unwrap_or_default()
}

async fn wait_until(root: &Element, what: &str, f: impl Fn() -> bool) {
    for _ in 0..400 {
        if f() {
            return;
        }
        TimeoutFuture::new(25).await;
    }
    panic!(
        "timed out waiting for {what}; page: {}",
        root.inner_html().chars().take(1500).collect::<String>()
    );
}

/// The leader of orders-0 as the page shows it ("leader B2" → 2).
fn leader_of_p0(root: &Element) -> Option<i32> {
    text(
        root,
        "[data-testid='partition'][data-partition='0'] .leader-badge",
    )
    .trim()
    .strip_prefix("leader B")?
    .parse()
    .ok()
}

#[wasm_bindgen_test]
async fn killing_the_leader_elects_another_and_the_ledger_counts_the_loss() {
    let root = mount().await;
    select(&root, "#speed", "10");
    wait_until(&root, "a leader for P0", || leader_of_p0(&root).is_some()).await;
    let leader = leader_of_p0(&root).unwrap();
    // acks=1 and both followers of P0 slow: the leader alone acknowledges.
    set_checked(&root, "#acks-1", true);
    for b in 1..=3 {
        if b != leader {
            click(
                &root,
                &format!(
                    "[data-testid='broker'][data-broker='{b}'] button[title^='Stop fetching']"
                ),
            );
        }
    }
    TimeoutFuture::new(200).await; // parked fetches return empty (500 ms simulated)
    type_into(&root, "#produce-key", "user-1"); // partition 0 (Kafka's murmur2)
    click(&root, "#produce-one");
    wait_until(&root, "the ack", || {
        text(&root, "[data-testid='producer-acked']") == "9"
    })
    .await;
    click(
        &root,
        &format!("[data-testid='broker'][data-broker='{leader}'] [data-action='stop']"),
    );
    for b in 1..=3 {
        if b != leader {
            click(
                &root,
                &format!(
                    "[data-testid='broker'][data-broker='{b}'] button[title='Resume replication']"
                ),
            );
        }
    }
    wait_until(&root, "a new leader", || {
        leader_of_p0(&root).is_some_and(|l| l != leader)
    })
    .await;
    wait_until(&root, "the loss in the ledger", || {
        text(&root, "[data-testid='ledger-lost']") == "1"
    })
    .await;
    assert!(
        q(&root, "[data-testid='lost-in-partition']").is_some(),
        "the lost record is shown in its partition"
    );
}

#[wasm_bindgen_test]
async fn a_consumer_moved_with_the_keyboard_joins_another_group() {
    let root = mount().await;
    select(&root, "#speed", "10");
    wait_until(&root, "billing to be stable", || {
        q(
            &root,
            "[data-testid='group'][data-group='billing'][data-state='Stable']",
        )
        .is_some()
    })
    .await;
    // Enter on c2's chip opens the move menu; choose "a new group".
    let chip: HtmlElement = q(&root, "[data-testid='consumer-chip'][data-consumer='c2']")
        .unwrap()
        .dyn_into()
        .unwrap();
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Enter");
    init.set_bubbles(true);
    chip.dispatch_event(
        &web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap(),
    )
    .unwrap();
    TimeoutFuture::new(0).await;
    click(&root, "[data-testid='move-to-new']");
    // c1 now owns all four partitions of billing; c2 reads all four in its new group.
    wait_until(&root, "billing to rebalance", || {
        text(
            &root,
            "[data-testid='consumer-chip'][data-consumer='c1'] .chip-detail",
        ) == "P0 P1 P2 P3"
    })
    .await;
    wait_until(&root, "c2 in group-2", || {
        q(&root, "[data-testid='group'][data-group='group-2'] [data-testid='consumer-chip'][data-consumer='c2']").is_some()
            && text(&root, "[data-testid='consumer-chip'][data-consumer='c2'] .chip-detail") == "P0 P1 P2 P3"
    })
    .await;
}
