//! Helpers shared by the browser tests (`ui.rs`, `lessons.rs`): mount the app, find and drive
//! controls, wait for the app's animation-frame clock. Each test binary uses a subset.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use gloo::timers::future::TimeoutFuture;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlElement, HtmlInputElement, HtmlSelectElement};

pub fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

thread_local! {
    /// Apps mounted by earlier tests: destroyed before the next mount, so that they stop
    /// running (and saving their workspace) under the next test's feet.
    static APPS: std::cell::RefCell<Vec<yew::AppHandle<kafka_playground::App>>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Every preset's file, as the page would download it: the test runner serves no
/// `scenarios/`. Stocked once per test binary, so that a test may make one fail on purpose.
macro_rules! stock {
    ($($id:literal),* $(,)?) => {
        $(kafka_playground::presets::store(
            $id,
            Ok(include_str!(concat!("../../../../static/scenarios/", $id, ".json")).to_string()),
        );)*
    };
}

pub fn stock_presets() {
    thread_local! {
        static STOCKED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    if !STOCKED.with(|s| s.replace(true)) {
        restock();
    }
}

/// Stock every preset again (after a test made one fail to download).
pub fn restock() {
    stock!(
        "acks-table",
        "acks-1-loss",
        "min-isr-refusal",
        "producer-backpressure",
        "large-records",
        "unclean-election",
        "power-loss",
        "partitions-and-consumers",
        "eager-vs-cooperative",
        "delivery-semantics",
        "replay-new-group",
        "kip848-consumer-protocol",
        "share-groups",
        "idempotence",
        "transactions",
        "exactly-once-pipeline",
        "keyed-vs-keyless",
        "many-groups",
        "time-travel",
        "interview-tip",
        "when-to-choose-kafka",
        "log-vs-queue",
        "retention",
        "event-sourcing",
        "scale",
        "challenge-durable-writes"
    );
}

/// A fresh app in its own div, with no saved workspace, once a link in the address has been
/// replayed (a replay longer than a quarter second goes on across frames: `state::Restoring`).
pub async fn mount() -> Element {
    // A test that slowed replays down (`set_restore_frame_ms`) may have ended early.
    kafka_playground::state::set_restore_frame_ms(kafka_playground::state::RESTORE_FRAME_MS);
    let root = mount_replaying().await;
    for _ in 0..2_400 {
        if root
            .query_selector("[data-testid='restoring']")
            .ok()
            .flatten()
            .is_none()
        {
            return root;
        }
        TimeoutFuture::new(25).await;
    }
    panic!("the link's replay did not finish in 60 s");
}

/// [`mount`], without waiting for a link's replay to finish.
pub async fn mount_replaying() -> Element {
    mount_over(false).await
}

/// A fresh app over the workspace the previous one saved (a reload), without waiting for
/// a replay to finish.
pub async fn remount_keeping_workspace() -> Element {
    mount_over(true).await
}

async fn mount_over(keep_workspace: bool) -> Element {
    for app in APPS.with(|a| a.borrow_mut().drain(..).collect::<Vec<_>>()) {
        app.destroy();
    }
    TimeoutFuture::new(0).await;
    stock_presets();
    if !keep_workspace {
        let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
        storage.clear().unwrap();
    }
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    let handle = yew::Renderer::<kafka_playground::App>::with_root(root.clone()).render();
    APPS.with(|a| a.borrow_mut().push(handle));
    TimeoutFuture::new(0).await;
    root
}

/// A fresh app on the preset `id`.
pub async fn mount_preset(id: &str) -> Element {
    let root = mount().await;
    select(&root, "#preset", id);
    TimeoutFuture::new(0).await;
    root
}

pub fn q(root: &Element, sel: &str) -> Option<Element> {
    root.query_selector(sel).unwrap()
}

pub fn count(root: &Element, sel: &str) -> u32 {
    root.query_selector_all(sel).unwrap().length()
}

pub fn click(root: &Element, sel: &str) {
    q(root, sel)
        .unwrap_or_else(|| panic!("no {sel}"))
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
}

pub fn type_into(root: &Element, sel: &str, text: &str) {
    let input: HtmlInputElement = q(root, sel).unwrap().dyn_into().unwrap();
    input.set_value(text);
    input.dispatch_event(&Event::new("input").unwrap()).unwrap();
}

/// A range input moved to `value` (an `input` event, as dragging fires).
pub fn slide(root: &Element, sel: &str, value: &str) {
    type_into(root, sel, value);
}

pub fn type_area(root: &Element, sel: &str, text: &str) {
    let area: web_sys::HtmlTextAreaElement = q(root, sel).unwrap().dyn_into().unwrap();
    area.set_value(text);
    area.dispatch_event(&Event::new("input").unwrap()).unwrap();
}

pub fn set_checked(root: &Element, sel: &str, on: bool) {
    let input: HtmlInputElement = q(root, sel).unwrap().dyn_into().unwrap();
    input.set_checked(on);
    input
        .dispatch_event(&Event::new("change").unwrap())
        .unwrap();
}

pub fn select(root: &Element, sel: &str, value: &str) {
    let s: HtmlSelectElement = q(root, sel).unwrap().dyn_into().unwrap();
    s.set_value(value);
    s.dispatch_event(&Event::new("change").unwrap()).unwrap();
}

pub fn text(root: &Element, sel: &str) -> String {
    q(root, sel)
        .map(|e| e.text_content().unwrap_or_default())
        .unwrap_or_default()
}

pub fn attr(root: &Element, sel: &str, name: &str) -> String {
    q(root, sel)
        .and_then(|e| e.get_attribute(name))
        .unwrap_or_default()
}

/// The simulated clock as the page shows it ("t = 1.25 s" → 1250; 0 while it is not drawn).
pub fn clock_ms(root: &Element) -> u64 {
    let t = text(root, "#clock");
    let secs: f64 = t
        .trim_start_matches("t = ")
        .trim_end_matches(" s")
        .parse()
        .unwrap_or(0.0);
    (secs * 1000.0).round() as u64
}

/// Poll (the app's clock runs on animation frames) until `sel` matches, or fail.
pub async fn wait_for(root: &Element, sel: &str) -> Element {
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

/// Poll until `f` holds (up to 15 s), or fail.
pub async fn wait_until(root: &Element, what: &str, f: impl Fn() -> bool) {
    for _ in 0..600 {
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

/// Stop the clock if it runs.
pub async fn pause(root: &Element) {
    if attr(root, "#play-toggle", "aria-pressed") == "true" {
        click(root, "#play-toggle");
    }
    TimeoutFuture::new(0).await;
}

/// Run the clock at `speed` (playing, whatever it was doing).
pub fn play_at(root: &Element, speed: &str) {
    select(root, "#speed", speed);
    if attr(root, "#play-toggle", "aria-pressed") != "true" {
        click(root, "#play-toggle");
    }
}
