//! The lesson panels in headless Chromium (wasm-bindgen-test): log versus queue, a transaction
//! aborted from the page and its two readers, fast-forward and retention, and a projection
//! rebuilt as of a moment. `cargo test -p kafka-playground --target wasm32-unknown-unknown
//! --test lessons`; native test runs skip this file.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use gloo::timers::future::TimeoutFuture;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::*;

#[wasm_bindgen_test]
async fn log_vs_queue_the_queue_empties_while_the_topic_keeps_its_records() {
    let root = mount_preset("log-vs-queue").await;
    select(&root, "#speed", "10");
    // The scenario creates its queue as its script starts.
    wait_until(&root, "the queue view", || {
        q(&root, "[data-testid='queue-view']").is_some()
    })
    .await;
    wait_until(&root, "every queue message acknowledged", || {
        text(&root, "[data-testid='queue-deleted']") == "10"
            && text(&root, "[data-testid='queue-count']") == "0"
    })
    .await;
    assert_eq!(count(&root, "[data-testid='queue-message']"), 0);
    assert_eq!(text(&root, "[data-testid='log-records']"), "10");
    assert_eq!(
        count(
            &root,
            "[data-testid='topic'][data-topic='orders'] [data-testid='record']"
        ),
        10,
        "the topic's log still draws all ten records"
    );
    // A day later the queue is still empty and the topic still holds everything (7-day
    // retention); a group created now replays all ten from offset 0.
    click(
        &root,
        "[data-testid='fast-forward'] button[data-ff='86400000']",
    );
    wait_until(&root, "the wall clock", || {
        q(&root, "#wall-clock").is_some()
    })
    .await;
    assert_eq!(text(&root, "[data-testid='log-records']"), "10");
    assert_eq!(text(&root, "[data-testid='queue-count']"), "0");
    click(&root, "#late-group");
    wait_until(&root, "the late group to replay the topic", || {
        text(
            &root,
            "[data-testid='log-group'][data-group='late-group-1']",
        )
        .contains("read 10")
    })
    .await;
}

#[wasm_bindgen_test]
async fn aborting_a_transaction_in_the_page_separates_the_two_isolation_levels() {
    let root = mount_preset("transactions").await;
    assert!(q(&root, "[data-testid='txn-code']").is_some());
    assert!(q(&root, "[data-testid='isolation-compare']").is_some());
    let rc = "[data-testid='iso-col'][data-isolation='read_committed']";
    let ru = "[data-testid='iso-col'][data-isolation='read_uncommitted']";
    select(&root, "#speed", "10");
    // The scenario's own script: one aborted and one committed transaction.
    wait_until(&root, "the scripted transactions", || {
        text(
            &root,
            "[data-testid='txn-code'] [data-testid='txns-committed']",
        ) == "1 committed"
            && text(&root, &format!("{rc} [data-testid='iso-consumed']")) == "2"
            && text(&root, &format!("{ru} [data-testid='iso-consumed']")) == "4"
    })
    .await;
    select(&root, "#speed", "1");
    let acked = |root: &Element| {
        text(root, "[data-testid='producer-acked']")
            .parse::<u64>()
            .unwrap_or(0)
    };
    let before = acked(&root);
    click(&root, "#txn-begin");
    wait_until(&root, "an ongoing transaction", || {
        text(&root, "[data-testid='txn-code'] [data-testid='txn-state']") == "ongoing"
    })
    .await;
    assert!(q(&root, ".line.current[data-call='beginTransaction']").is_some());
    click(&root, "#txn-send");
    TimeoutFuture::new(50).await;
    click(&root, "#txn-send");
    wait_until(&root, "both records appended", || {
        acked(&root) >= before + 2
    })
    .await;
    assert!(q(&root, ".line.current[data-call='send']").is_some());
    // The open transaction holds the last stable offset below the high watermark.
    assert!(q(&root, "[data-testid='partition'] .lso-tag").is_some());
    click(&root, "#txn-abort");
    wait_until(&root, "the abort to complete", || {
        text(
            &root,
            "[data-testid='txn-code'] [data-testid='txns-aborted']",
        ) == "2 aborted"
            && text(&root, "[data-testid='txn-code'] [data-testid='txn-state']") == "ready"
    })
    .await;
    assert!(q(&root, ".line.current.done[data-call='abortTransaction']").is_some());
    wait_until(
        &root,
        "the read_uncommitted reader to read the aborted records",
        || {
            text(&root, &format!("{ru} [data-testid='iso-aborted']")) == "4"
                && text(&root, &format!("{ru} [data-testid='iso-consumed']")) == "6"
        },
    )
    .await;
    assert_eq!(
        text(&root, &format!("{rc} [data-testid='iso-aborted']")),
        "0"
    );
    assert_eq!(
        text(&root, &format!("{rc} [data-testid='iso-consumed']")),
        "2"
    );
    assert!(text(&root, "[data-testid='iso-diff']").contains("differ by 4"));
    assert!(
        count(&root, "[data-testid='record'][data-control='ABORT']") >= 2,
        "ABORT markers drawn in the log"
    );
    assert!(count(&root, "[data-testid='record'][data-aborted='true']") >= 4);
}

#[wasm_bindgen_test]
async fn fast_forward_moves_the_log_start_offset() {
    let root = mount_preset("retention").await;
    let p0 = "[data-testid='partition'][data-topic='clicks'][data-partition='0']";
    select(&root, "#speed", "5");
    wait_until(&root, "three segments", || {
        count(&root, &format!("{p0} [data-testid='segment']")) >= 3
    })
    .await;
    pause(&root).await;
    // Before the scenario's own fast-forward at 7 s.
    assert!(clock_ms(&root) < 7_000, "clock {}", clock_ms(&root));
    assert_eq!(attr(&root, p0, "data-log-start"), "0");
    assert!(q(&root, "#wall-clock").is_none());
    click(
        &root,
        "[data-testid='fast-forward'] button[data-ff='86400000']",
    );
    wait_until(&root, "retention to delete closed segments", || {
        attr(&root, p0, "data-log-start")
            .parse::<i64>()
            .unwrap_or(0)
            > 0
    })
    .await;
    assert!(clock_ms(&root) < 7_000);
    assert!(q(&root, &format!("{p0} [data-testid='segment-deleted']")).is_some());
    assert!(text(&root, "#wall-clock").contains("1 d"));
    // Every segment was older than a day: Kafka rolls a new active segment and deletes them
    // all. Nothing below the log start offset is drawn.
    let start: i64 = attr(&root, p0, "data-log-start").parse().unwrap();
    let drawn = root
        .query_selector_all(&format!("{p0} [data-testid='record']"))
        .unwrap();
    for i in 0..drawn.length() {
        let el: Element = drawn.item(i).unwrap().dyn_into().unwrap();
        let offset: i64 = el.get_attribute("data-offset").unwrap().parse().unwrap();
        assert!(
            offset >= start,
            "offset {offset} drawn below the log start {start}"
        );
    }
    assert_eq!(
        attr(
            &root,
            &format!("{p0} [data-testid='segment']"),
            "data-active"
        ),
        "true"
    );
}

#[wasm_bindgen_test]
async fn rebuilding_a_projection_as_of_a_moment_changes_its_table() {
    let root = mount_preset("event-sourcing").await;
    let alice = "[data-testid='projection-row'][data-key='alice'] [data-testid='projection-value']";
    select(&root, "#speed", "2");
    wait_until(&root, "the projection", || {
        q(&root, "[data-testid='projection']").is_some()
    })
    .await;
    wait_until(&root, "the double charge", || text(&root, alice) == "-10").await;
    pause(&root).await;
    assert!(clock_ms(&root) < 7_000, "clock {}", clock_ms(&root));
    assert_eq!(text(&root, "[data-testid='projection-asof']"), "live");
    // The fifth distinct moment: after alice +100, bob +50, carol +70, alice −30, bob +25.
    slide(&root, "#asof-balances-view", "4");
    wait_until(&root, "the slider's label", || {
        text(&root, "[data-testid='asof-label']").contains("the first 5 of 7 events")
    })
    .await;
    click(&root, "#rebuild-asof-balances-view");
    wait_until(&root, "the rebuild to start", || {
        text(&root, "[data-testid='projection-rebuilds']") == "1"
    })
    .await;
    assert!(text(&root, "[data-testid='projection-asof']").starts_with("as of"));
    select(&root, "#speed", "1");
    click(&root, "#play-toggle");
    wait_until(&root, "the balances before the bug", || {
        text(&root, alice) == "70"
    })
    .await;
    assert_eq!(
        text(
            &root,
            "[data-testid='projection-row'][data-key='bob'] [data-testid='projection-value']"
        ),
        "75"
    );
    assert!(
        clock_ms(&root) < 7_000,
        "rebuilt before the scenario's own rebuild"
    );
}
