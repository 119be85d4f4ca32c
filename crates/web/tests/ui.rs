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

mod common;
use common::*;

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
async fn stopping_a_broker_shows_it_stopped_and_a_quick_restart_registering() {
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
    // Restarted within broker.session.timeout.ms (9 s simulated): the controller refuses the
    // new process until the old session expires.
    click(
        &root,
        "[data-testid='broker'][data-broker='2'] [data-action='start']",
    );
    let card = wait_for(
        &root,
        "[data-testid='broker'][data-broker='2'][data-status='registering']",
    )
    .await;
    let pill = card.query_selector(".pill").unwrap().unwrap();
    assert!(
        pill.get_attribute("title")
            .unwrap_or_default()
            .contains("broker.session.timeout.ms"),
        "the pill says why"
    );
}

#[wasm_bindgen_test]
async fn each_broker_lists_its_replicas_and_a_stopped_brokers_go_offline() {
    let root = mount().await;
    wait_until(&root, "a leader for P0", || leader_of_p0(&root).is_some()).await;
    let leader = leader_of_p0(&root).unwrap();
    // The default topic has four partitions replicated three times on three brokers: every
    // broker holds a replica of each, and the leader's card marks orders-0 as led.
    for b in 1..=3 {
        let n = root
            .query_selector_all(&format!(
                "[data-testid='broker'][data-broker='{b}'] [data-testid='broker-replica']"
            ))
            .unwrap()
            .length();
        assert_eq!(n, 4, "broker {b} lists {n} replicas");
    }
    // Each card counts the user's topic apart from the internal ones: four replicas, and
    // between them the brokers lead each of the four partitions once.
    let stat = |b: i32, name: &str| -> Option<usize> {
        text(
            &root,
            &format!("[data-testid='broker'][data-broker='{b}'] [data-stat='{name}'] dd"),
        )
        .trim()
        .parse()
        .ok()
    };
    wait_until(&root, "each partition's leader counted once", || {
        (1..=3).filter_map(|b| stat(b, "leads")).sum::<usize>() == 4
    })
    .await;
    let mut leads = 0;
    for b in 1..=3 {
        assert_eq!(stat(b, "replicas"), Some(4), "broker {b}'s replicas");
        let led = count(
            &root,
            &format!(
                "[data-testid='broker'][data-broker='{b}'] [data-testid='broker-replica'][data-state='leader']"
            ),
        ) as usize;
        assert_eq!(stat(b, "leads"), Some(led), "broker {b}'s leads");
        leads += led;
    }
    assert_eq!(leads, 4, "one leader per partition");
    let chip = format!(
        "[data-testid='broker'][data-broker='{leader}'] [data-testid='broker-replica'][data-replica='orders-0']"
    );
    assert_eq!(
        q(&root, &chip).and_then(|e| e.get_attribute("data-state")),
        Some("leader".to_string())
    );
    click(
        &root,
        &format!("[data-testid='broker'][data-broker='{leader}'] [data-action='stop']"),
    );
    wait_until(&root, "the stopped broker's replicas offline", || {
        q(&root, &chip)
            .and_then(|e| e.get_attribute("data-state"))
            .as_deref()
            == Some("offline")
    })
    .await;
    // Another broker now leads orders-0.
    wait_until(&root, "a new leader for orders-0", || {
        leader_of_p0(&root).is_some_and(|l| l != leader)
    })
    .await;
    let new_leader = leader_of_p0(&root).unwrap();
    assert_eq!(
        q(
            &root,
            &format!(
                "[data-testid='broker'][data-broker='{new_leader}'] [data-testid='broker-replica'][data-replica='orders-0']"
            )
        )
        .and_then(|e| e.get_attribute("data-state")),
        Some("leader".to_string())
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

// ---------------------------------------------------------------------------------------------
// Links, embed mode, tours, challenges, rewind and forks.

use kafka_sim::link::{LinkState, LinkView};
use kafka_sim::scenario::{Scenario, Session};

/// Replace the page's query and fragment (no navigation), run `f`, then restore the address.
fn set_address(search_and_hash: &str) -> String {
    let w = web_sys::window().unwrap();
    let path = w.location().pathname().unwrap();
    w.history()
        .unwrap()
        .replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("{path}{search_and_hash}")),
        )
        .unwrap();
    path
}

fn restore_address(path: &str) {
    web_sys::window()
        .unwrap()
        .history()
        .unwrap()
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path))
        .unwrap();
}

fn preset_session(id: &str) -> Session {
    common::stock_presets();
    let json = kafka_playground::presets::json(id).unwrap();
    Session::new(Scenario::parse(&json).unwrap(), None).unwrap()
}

#[wasm_bindgen_test]
async fn a_shared_link_opens_the_exact_session() {
    let mut s = preset_session("acks-1-loss");
    s.advance(1_000);
    s.apply(kafka_sim::action::Action::StopBroker {
        broker: Some(3),
        leader_of: None,
    })
    .unwrap();
    s.advance(2_000);
    let link = LinkState::of(
        &s,
        LinkView {
            preset: Some("acks-1-loss".into()),
            speed: Some(2.0),
            playing: Some(false),
        },
    );
    let path = set_address(&format!("#{}", link.to_fragment()));
    let root = mount().await;
    restore_address(&path);
    assert_eq!(text(&root, "#clock"), "t = 3.00 s");
    assert!(q(
        &root,
        "[data-testid='broker'][data-broker='3'][data-status='stopped']"
    )
    .is_some());
    let preset: web_sys::HtmlSelectElement = q(&root, "#preset").unwrap().dyn_into().unwrap();
    assert_eq!(preset.value(), "acks-1-loss");
    let speed: web_sys::HtmlSelectElement = q(&root, "#speed").unwrap().dyn_into().unwrap();
    assert_eq!(speed.value(), "2");
    assert_eq!(
        text(&root, "[data-testid='ledger-acked']"),
        s.cluster.durability().acked.to_string()
    );
    assert!(
        q(&root, "[data-testid='notice']").is_none(),
        "no error banner"
    );
}

#[wasm_bindgen_test]
async fn a_malformed_link_shows_a_notice_and_loads_the_default_scenario() {
    for bad in [
        "#s=@@@not-a-link",
        "#s=AAAA",
        &format!("#s={}", "A".repeat(200_000)),
    ] {
        let path = set_address(bad);
        let root = mount().await;
        restore_address(&path);
        let notice = text(&root, "[data-testid='notice']");
        // The default scenario, or a saved workspace (other apps mounted by earlier tests in
        // this page keep saving theirs); the end-to-end test checks a fresh browser.
        assert!(
            notice.contains("This link could not be opened")
                && (notice.contains("default scenario") || notice.contains("saved workspace")),
            "{notice}"
        );
        assert!(q(&root, "[data-testid='partition'][data-topic='orders']").is_some());
    }
}

#[wasm_bindgen_test]
async fn copy_link_shows_a_link_that_replays_this_session() {
    let root = mount().await;
    click(&root, "#play-toggle"); // pause
    click(
        &root,
        "[data-testid='broker'][data-broker='1'] [data-action='stop']",
    );
    click(&root, "#copy-link");
    let input: HtmlInputElement = wait_for(&root, "#share-url").await.dyn_into().unwrap();
    let url = input.value();
    let frag = &url[url.find('#').unwrap()..];
    let state = LinkState::from_fragment(frag).unwrap().unwrap();
    assert_eq!(state.view.preset.as_deref(), Some("playground"));
    assert_eq!(
        state.steps.len(),
        1,
        "the stop command travels with the link"
    );
    let replayed = state.replay().unwrap();
    assert!(!replayed.cluster.view().brokers[0].alive);
    // Copied, or a visible fallback message: never silent.
    wait_for(&root, "[data-testid='copy-status']").await;
}

#[wasm_bindgen_test]
async fn embed_readonly_mode_hides_every_control_that_changes_the_cluster() {
    let path = set_address("?embed=1&readonly=1&scenario=acks-1-loss&autoplay=0");
    let root = mount().await;
    restore_address(&path);
    assert!(q(&root, "main.app.embed.readonly[data-embed='true']").is_some());
    for sel in [
        "[data-action='stop']",
        "#produce-one",
        "#preset",
        "[data-testid='seek']",
        "#fork-start",
        "[data-testid='bench']",
        ".topic-settings",
    ] {
        assert!(q(&root, sel).is_none(), "{sel} is shown in read-only mode");
    }
    assert_eq!(
        text(&root, ".embed-title"),
        "acks=1 loses a record when the leader dies"
    );
    assert_eq!(text(&root, "#play-toggle").trim(), "▶ Play", "autoplay=0");
    assert!(q(&root, "[data-testid='partition'][data-topic='payments']").is_some());
}

#[wasm_bindgen_test]
async fn the_tour_highlights_its_element_and_moves_on_by_itself() {
    let root = mount().await;
    select(&root, "#preset", "keyed-vs-keyless");
    let tour = wait_for(&root, "[data-testid='tour']").await;
    assert!(text(&root, "[data-testid='tour-progress']").contains("of 4"));
    // Step 1 waits for the keyed records, then moves on by itself.
    wait_until(&root, "step 2", || {
        tour.get_attribute("data-step").as_deref() == Some("1")
    })
    .await;
    wait_until(&root, "the highlight on the produce button", || {
        q(&root, "#produce-one.tour-highlight").is_some()
    })
    .await;
    click(&root, "[data-testid='tour-back']");
    wait_until(&root, "back on step 1", || {
        tour.get_attribute("data-step").as_deref() == Some("0")
            && q(
                &root,
                "[data-testid='topic'][data-topic='events'].tour-highlight",
            )
            .is_some()
    })
    .await;
    assert!(text(&root, "[data-testid='tour-wait']").contains("Done"));
    click(&root, "[data-testid='tour-next']");
    TimeoutFuture::new(0).await;
    click(&root, "[data-testid='tour-next']");
    wait_until(&root, "step 3", || {
        tour.get_attribute("data-step").as_deref() == Some("2")
    })
    .await;
    assert!(q(&root, "#produce-one.tour-highlight").is_none());
}

#[wasm_bindgen_test]
async fn the_challenge_is_solved_with_acks_all() {
    let root = mount().await;
    select(&root, "#preset", "challenge-durable-writes");
    wait_for(
        &root,
        "[data-testid='challenge'][data-status='in-progress']",
    )
    .await;
    set_checked(&root, "#acks-all", true);
    select(&root, "#speed", "100");
    wait_until(&root, "the challenge to be solved", || {
        q(&root, "[data-testid='challenge'][data-status='solved']").is_some()
    })
    .await;
    assert!(text(&root, "[data-testid='challenge-explanation']").contains("acks=all"));
}

#[wasm_bindgen_test]
async fn the_challenge_fails_as_given() {
    let root = mount().await;
    select(&root, "#preset", "challenge-durable-writes");
    select(&root, "#speed", "100");
    wait_until(&root, "the challenge to fail", || {
        q(&root, "[data-testid='challenge'][data-status='failed']").is_some()
    })
    .await;
    assert!(text(&root, "[data-testid='challenge-explanation']").contains("lost"));
}

#[wasm_bindgen_test]
async fn the_timeline_rewinds_and_the_session_continues_from_there() {
    let root = mount().await;
    select(&root, "#speed", "10");
    wait_until(&root, "4 s of simulated time", || clock_ms(&root) >= 4_000).await;
    click(&root, "#play-toggle");
    TimeoutFuture::new(0).await;
    let acked_late = text(&root, "[data-testid='ledger-acked']");
    assert_eq!(acked_late, "8");
    let slider: HtmlInputElement = q(&root, "#timeline").unwrap().dyn_into().unwrap();
    slider.set_value("100");
    for ev in ["input", "change"] {
        slider.dispatch_event(&Event::new(ev).unwrap()).unwrap();
    }
    wait_until(&root, "the rewind", || clock_ms(&root) == 100).await;
    assert_eq!(
        text(&root, "[data-testid='ledger-acked']"),
        "0",
        "before the first produce (200 ms)"
    );
    assert!(q(&root, "[data-testid='timeline'].rewound").is_some());
    // Forward again, to a moment between.
    slider.set_value("2000");
    for ev in ["input", "change"] {
        slider.dispatch_event(&Event::new(ev).unwrap()).unwrap();
    }
    wait_until(&root, "forward to 2 s", || clock_ms(&root) == 2_000).await;
    assert_eq!(text(&root, "[data-testid='ledger-acked']"), "8");
    // A command at 2 s starts a new timeline.
    click(
        &root,
        "[data-testid='broker'][data-broker='3'] [data-action='stop']",
    );
    wait_until(&root, "a new timeline", || {
        q(&root, "[data-testid='timeline'].rewound").is_none()
    })
    .await;
    let max = q(&root, "#timeline").unwrap().get_attribute("max").unwrap();
    assert_eq!(max, "2000");
}

#[wasm_bindgen_test]
async fn a_fork_with_acks_all_keeps_what_acks_1_loses() {
    let root = mount().await;
    select(&root, "#preset", "acks-1-loss");
    TimeoutFuture::new(0).await;
    click(&root, "#play-toggle");
    TimeoutFuture::new(0).await;
    select(&root, "#fork-change", "p1-acks-all");
    TimeoutFuture::new(0).await;
    click(&root, "#fork-start");
    wait_for(&root, "[data-testid='fork-compare']").await;
    select(&root, "#speed", "100");
    click(&root, "#play-toggle");
    wait_until(&root, "the loss in the main session", || {
        text(&root, "[data-testid='ledger-lost']") == "2" && clock_ms(&root) > 21_000
    })
    .await;
    let panel = text(&root, "[data-testid='fork-panel']");
    assert!(panel.contains("p1: acks=all"), "{panel}");
    assert_eq!(text(&root, "[data-testid='fork-lost']"), "0", "{panel}");
    assert!(q(
        &root,
        "[data-testid='fork-compare'] tr.differs[data-row='lost']"
    )
    .is_some());
}

#[wasm_bindgen_test]
async fn the_editor_points_at_the_failing_field_and_applies_a_valid_scenario() {
    let root = mount().await;
    click(&root, "#edit-scenario");
    let area: web_sys::HtmlTextAreaElement =
        wait_for(&root, "#scenario-json").await.dyn_into().unwrap();
    assert!(area.value().contains("\"orders\""));
    wait_for(&root, "[data-testid='editor-status']").await;
    let bad = r#"{
  "name": "Mine",
  "topics": [ { "name": "t", "partitions": 2, "replication_factor": 3 },
              { "name": "u", "partitons": 2 } ]
}"#;
    type_area(&root, "#scenario-json", bad);
    let err = wait_for(&root, "[data-testid='editor-error']").await;
    let msg = err.text_content().unwrap();
    assert!(
        msg.contains("topics[1]") && msg.contains("partitons") && msg.contains("line 4"),
        "{msg}"
    );
    assert!(q(&root, "#editor-apply[disabled]").is_some());
    click(&root, "[data-testid='editor-show']");
    let start = area.selection_start().unwrap().unwrap() as usize;
    let end = area.selection_end().unwrap().unwrap() as usize;
    assert_eq!(&bad[start..end], "\"partitons\"");
    // A cluster-level error (replication factor above the broker count) is caught too.
    type_area(
        &root,
        "#scenario-json",
        r#"{ "name": "Mine", "cluster": { "brokers": 2 }, "topics": [ { "name": "t", "replication_factor": 3 } ] }"#,
    );
    TimeoutFuture::new(0).await;
    let msg = text(&root, "[data-testid='editor-error']");
    assert!(
        msg.contains("topics[0]") && msg.contains("INVALID_REPLICATION_FACTOR"),
        "{msg}"
    );
    type_area(
        &root,
        "#scenario-json",
        r#"{ "name": "Mine", "topics": [ { "name": "mine", "partitions": 2, "replication_factor": 3 } ] }"#,
    );
    TimeoutFuture::new(0).await;
    click(&root, "#editor-save");
    wait_for(&root, "[data-testid='library-item']").await;
    assert_eq!(kafka_playground::storage::library()[0].name, "Mine");
    click(&root, "#editor-apply");
    wait_for(
        &root,
        "[data-testid='partition'][data-topic='mine'][data-partition='1']",
    )
    .await;
    assert!(
        q(&root, "[data-testid='editor']").is_none(),
        "the editor closes"
    );
    let preset: web_sys::HtmlSelectElement = q(&root, "#preset").unwrap().dyn_into().unwrap();
    assert_eq!(preset.value(), "custom");
}

#[wasm_bindgen_test]
async fn the_event_log_filters_by_kind_and_node() {
    let root = mount().await;
    // Scrolled to, as a reader would: off screen the list is not rebuilt.
    if let Some(list) = q(&root, "[data-testid='event-list']") {
        list.scroll_into_view();
    }
    select(&root, "#speed", "10");
    wait_until(&root, "some events", || {
        root.query_selector_all("[data-testid='event-list'] li[data-kind='data']")
            .unwrap()
            .length()
            > 0
    })
    .await;
    click(
        &root,
        "[data-testid='broker'][data-broker='2'] [data-action='stop']",
    );
    select(&root, "#event-kind", "bad");
    TimeoutFuture::new(50).await;
    let items = root
        .query_selector_all("[data-testid='event-list'] li")
        .unwrap();
    assert!(items.length() >= 1);
    for i in 0..items.length() {
        let li: Element = items.item(i).unwrap().dyn_into().unwrap();
        assert_eq!(
            li.get_attribute("data-kind").as_deref(),
            Some("bad"),
            "{}",
            li.text_content().unwrap()
        );
    }
    assert!(text(&root, "[data-testid='event-list']").contains("broker-2 stopped"));
    select(&root, "#event-kind", "");
    select(&root, "#event-node", "c1");
    TimeoutFuture::new(50).await;
    let list = text(&root, "[data-testid='event-list']");
    assert!(!list.contains("broker-2 stopped"), "{list}");
}

#[wasm_bindgen_test]
async fn the_export_panel_shows_commands_for_a_real_cluster() {
    let root = mount().await;
    let details: web_sys::HtmlDetailsElement = q(&root, "[data-testid='export-panel']")
        .unwrap()
        .dyn_into()
        .unwrap();
    assert!(
        q(&root, "[data-testid='export-section']").is_none(),
        "collapsed"
    );
    details.set_open(true);
    details
        .dispatch_event(&Event::new("toggle").unwrap())
        .unwrap();
    wait_for(&root, "[data-testid='export-section']").await;
    let all = text(&root, "[data-testid='export-panel']");
    assert!(
        all.contains("kafka-topics.sh --bootstrap-server localhost:9092 --create --topic orders"),
        "{all}"
    );
    assert!(all.contains("--config min.insync.replicas=2"), "{all}");
    assert!(all.contains("group.id=billing"), "{all}");
    assert!(all.contains("props.put(\"acks\", \"all\");"), "{all}");
}

#[wasm_bindgen_test]
async fn a_link_pasted_into_the_address_bar_opens_without_a_reload() {
    let root = mount().await;
    let mut s = preset_session("time-travel");
    s.advance(2_500);
    let frag = LinkState::of(&s, LinkView::default()).to_fragment();
    let w = web_sys::window().unwrap();
    w.location().set_hash(&frag).unwrap();
    wait_until(&root, "the linked session", || {
        q(&root, "[data-testid='partition'][data-topic='payments']").is_some()
    })
    .await;
    assert!(clock_ms(&root) >= 2_500);
    assert_eq!(
        w.location().hash().unwrap(),
        "",
        "the fragment is dropped once opened"
    );
}

/// The seek controls are built when their disclosure opens, and the target they show is the
/// one Seek uses (they once showed "to time (s)" while Seek went to the beginning).
#[wasm_bindgen_test]
async fn a_consumers_seek_controls_show_the_target_seek_uses() {
    let root = mount().await;
    const CONSUMER: &str = "[data-testid='consumer'][data-consumer='c1']";
    let target = format!("{CONSUMER} select[aria-label='seek to']");
    assert!(
        q(&root, &target).is_none(),
        "built before the disclosure opens"
    );
    let details: web_sys::HtmlDetailsElement = q(&root, &format!("{CONSUMER} details.seek"))
        .unwrap()
        .dyn_into()
        .unwrap();
    details.set_open(true);
    let shown = |root: &Element| {
        q(root, &target)
            .unwrap()
            .dyn_into::<web_sys::HtmlSelectElement>()
            .unwrap()
            .value()
    };
    wait_for(&root, &target).await;
    assert_eq!(shown(&root), "beginning");
    select(&root, &target, "offset");
    wait_for(&root, &format!("{CONSUMER} input[aria-label='seek value']")).await;
    assert_eq!(shown(&root), "offset");
}

/// A session too large for the chosen speed says so next to the clock (the engine gets what
/// drawing leaves of each frame, so simulated time runs slower than real time); pausing hides
/// it.
#[wasm_bindgen_test]
async fn the_clock_says_when_the_simulation_runs_slower_than_the_chosen_speed() {
    let root = mount_preset("scale").await;
    if !playing(&root) {
        click(&root, "#play-toggle");
    }
    let rate = wait_for(&root, "[data-testid='actual-rate']").await;
    let text = rate.text_content().unwrap_or_default();
    let r: f64 = text
        .trim_start_matches("running at ")
        .trim_end_matches('×')
        .parse()
        .unwrap_or_else(|_| panic!("not a rate: {text}"));
    assert!(r > 0.0 && r < 0.9, "{text}");
    click(&root, "#play-toggle");
    wait_until(&root, "the rate to go once paused", || {
        q(&root, "[data-testid='actual-rate']").is_none()
    })
    .await;
}

fn playing(root: &Element) -> bool {
    q(root, "#play-toggle")
        .and_then(|b| b.get_attribute("aria-pressed"))
        .as_deref()
        == Some("true")
}

#[wasm_bindgen_test]
async fn a_group_shows_its_lag_in_time() {
    // The retention preset: the stats service stops at 5.5 s while records keep coming
    // (10 a second until 6.5 s); what it has not committed past is a fraction of a second old.
    let root = mount_preset("retention").await;
    let stats = "[data-testid='group'][data-group='stats']";
    let group = wait_for(&root, stats).await;
    select(&root, "#speed", "2");
    if !playing(&root) {
        click(&root, "#play-toggle");
    }
    wait_until(&root, "6 s of simulated time", || clock_ms(&root) >= 6_000).await;
    click(&root, "#play-toggle");
    let now = clock_ms(&root);
    assert!(now < 7_000, "paused before the fast-forward: {now}");
    // Scrolled to, as a reader would: off screen a group's offsets and lag are held still.
    group.scroll_into_view();
    let sel = format!("{stats}[data-live='true'] [data-testid='group-lag-time']");
    wait_for(&root, &sel).await;
    let t = text(&root, &sel);
    let secs: f64 = t
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(" s behind)")
        .parse()
        .unwrap_or_else(|_| panic!("not a lag in seconds: {t}"));
    let bound = (now - 5_000) as f64 / 1000.0;
    assert!(secs > 0.0 && secs <= bound, "{t} at {now} ms");
    assert_ne!(
        text(&root, &format!("{stats} [data-testid='group-lag']")),
        "0"
    );
}

/// 200,000 records a second of 100 bytes into one partition: about 35 MB of memory a
/// simulated second.
const HEAVY: &str = r#"{
  "name": "heavy", "seed": 1, "cluster": { "brokers": 1 },
  "topics": [ { "name": "log", "partitions": 1, "replication_factor": 1 } ],
  "producers": [ { "id": "p1", "config": { "acks": "1", "linger.ms": "5", "batch.size": "524288" } } ],
  "script": [ { "at_ms": 0, "do": "start_workload", "producer": "p1", "topic": "log",
                "rate_per_sec": 200000, "keys": 1000, "value_bytes": 100 } ]
}"#;

/// Opens `HEAVY` as a link, replayed to `now_ms`, with the memory limit `headroom` bytes above
/// what the page holds when the app mounts.
async fn mount_heavy(now_ms: u64, playing: bool, headroom: usize) -> Element {
    let mut s = Session::new(Scenario::parse(HEAVY).unwrap(), None).unwrap();
    s.advance(now_ms);
    let link = LinkState::of(
        &s,
        LinkView {
            preset: None,
            speed: Some(1.0),
            playing: Some(playing),
        },
    );
    let fragment = link.to_fragment();
    drop(s);
    let path = set_address(&format!("#{fragment}"));
    use kafka_playground::heap;
    heap::set_limit(heap::live() + headroom);
    kafka_playground::state::set_restore_frame_ms(kafka_playground::state::RESTORE_FRAME_MS);
    let root = mount_replaying().await;
    restore_address(&path);
    root
}

#[wasm_bindgen_test]
async fn at_the_memory_limit_time_pauses_and_play_says_why() {
    use kafka_playground::heap;
    // 100 MB: about 3 simulated seconds, past the rewind snapshot at 2 s.
    let root = mount_heavy(0, true, 100 << 20).await;
    wait_until(&root, "time to pause at the memory limit", || {
        !playing(&root)
    })
    .await;
    let msg = text(&root, "[data-testid='error-play-toggle']");
    assert!(
        msg.starts_with("Paused: the simulation holds") && msg.contains("Rewind"),
        "{msg}"
    );
    let at = clock_ms(&root);
    assert!(at > 2_000, "paused at {at} ms");
    // Play is refused while the page is over the limit, and says so again.
    click(&root, "#play-toggle");
    TimeoutFuture::new(300).await;
    assert!(!playing(&root));
    assert_eq!(clock_ms(&root), at);
    assert!(q(&root, "[data-testid='error-play-toggle']").is_some());
    // So is Step: the clock stays, and the message stays next to Play. (Stepping goes one
    // event at a time, and the pause may have come between events of one instant: steps
    // enough to have crossed into the next one.)
    for _ in 0..40 {
        click(&root, "#step");
        TimeoutFuture::new(5).await;
    }
    assert_eq!(clock_ms(&root), at, "Step moved time at the memory limit");
    assert!(!playing(&root));
    assert!(q(&root, "[data-testid='error-play-toggle']").is_some());
    // Rewound to 100 ms: the snapshot at 2 s still holds two seconds of records. With the
    // limit at what the page holds now, Play must drop that old future (as running time does
    // anyway) to get under it, and then it runs and the message goes.
    let slider: HtmlInputElement = q(&root, "#timeline").unwrap().dyn_into().unwrap();
    slider.set_value("100");
    for ev in ["input", "change"] {
        slider.dispatch_event(&Event::new(ev).unwrap()).unwrap();
    }
    wait_until(&root, "the rewind", || clock_ms(&root) == 100).await;
    heap::set_limit(heap::live());
    click(&root, "#play-toggle");
    TimeoutFuture::new(50).await;
    let refused = q(&root, "[data-testid='error-play-toggle']").map(|e| e.text_content());
    heap::set_limit(heap::DEFAULT_LIMIT);
    assert!(
        refused.is_none(),
        "Play after the rewind was refused: {refused:?}"
    );
    assert!(playing(&root));
    wait_until(&root, "time to run again", || clock_ms(&root) > 100).await;
    click(&root, "#play-toggle");
}

#[wasm_bindgen_test]
async fn a_link_that_replays_past_the_memory_limit_opens_paused_where_it_stopped() {
    use kafka_playground::heap;
    // Three simulated seconds are about 100 MB; the limit allows 24.
    let root = mount_heavy(3_000, true, 24 << 20).await;
    // The replay may go on across frames before it reaches the limit.
    wait_until(&root, "the replay to stop", || {
        q(&root, "[data-testid='restoring']").is_none()
    })
    .await;
    let at = clock_ms(&root);
    heap::set_limit(heap::DEFAULT_LIMIT);
    assert!(at > 0 && at < 3_000, "replay stopped at {at} ms");
    assert!(!playing(&root));
    let msg = text(&root, "[data-testid='error-play-toggle']");
    assert!(msg.starts_with("Paused: the simulation holds"), "{msg}");
    // The rest of the page is drawn, not blank.
    assert!(q(&root, "[data-testid='partition'][data-topic='log']").is_some());
}

/// `HEAVY` at a tenth of its rate (20,000 records a second) replayed to `now_ms`, with a
/// produce command at 500 ms, as a link (paused).
fn heavy_link(now_ms: u64) -> (String, u64) {
    let scenario = HEAVY.replace("\"rate_per_sec\": 200000", "\"rate_per_sec\": 20000");
    let mut s = Session::new(Scenario::parse(&scenario).unwrap(), None).unwrap();
    s.advance(500);
    s.apply(kafka_sim::action::Action::Produce {
        producer: "p1".into(),
        topic: "log".into(),
        key: Some("user-1".into()),
        value: Some("v".into()),
        partition: None,
        count: Some(1),
        headers: Default::default(),
    })
    .unwrap();
    s.advance(now_ms - 500);
    let link = LinkState::of(
        &s,
        LinkView {
            preset: None,
            speed: Some(1.0),
            playing: Some(false),
        },
    );
    (link.to_fragment(), s.cluster.durability().acked)
}

/// Opens the link `fragment` as if its replay took longer than the first frame's 250 ms, on
/// any machine: only its first piece is replayed before the page draws.
async fn mount_link_replaying(fragment: &str) -> Element {
    let path = set_address(&format!("#{fragment}"));
    kafka_playground::state::set_restore_first_ms(0.0);
    // A few milliseconds a frame: the replay is still in progress when the test first looks,
    // even if a frame comes before it does (every mount puts the default back).
    kafka_playground::state::set_restore_frame_ms(2.0);
    let root = mount_replaying().await;
    kafka_playground::state::set_restore_first_ms(kafka_playground::state::RESTORE_FIRST_MS);
    restore_address(&path);
    root
}

#[wasm_bindgen_test]
async fn a_long_replay_runs_across_frames_and_ends_where_the_link_was() {
    let (fragment, acked) = heavy_link(1_000);
    let root = mount_link_replaying(&fragment).await;
    // The page is drawn and shows how far it got.
    let banner = text(&root, "[data-testid='restoring']");
    assert!(
        banner.starts_with("Replaying this link: t = ") && banner.contains("of 1.0 s"),
        "{banner}"
    );
    assert!(q(&root, "[data-testid='partition'][data-topic='log']").is_some());
    assert!(clock_ms(&root) < 1_000);
    wait_until(&root, "the replay to finish", || {
        q(&root, "[data-testid='restoring']").is_none()
    })
    .await;
    assert_eq!(clock_ms(&root), 1_000);
    assert_eq!(
        text(&root, "[data-testid='ledger-acked']"),
        acked.to_string()
    );
    assert!(!playing(&root), "the link was paused");
}

#[wasm_bindgen_test]
async fn stopping_a_replay_keeps_the_rest_of_its_timeline_ahead() {
    let (fragment, _) = heavy_link(1_000);
    let root = mount_link_replaying(&fragment).await;
    click(&root, "[data-testid='stop-restoring']");
    TimeoutFuture::new(50).await;
    assert!(q(&root, "[data-testid='restoring']").is_none());
    let at = clock_ms(&root);
    assert!(at < 1_000, "stopped at {at}");
    assert!(!playing(&root));
    // As after a rewind: the timeline still reaches the link's moment, and the thumb can go
    // there.
    assert!(q(&root, "[data-testid='timeline'].rewound").is_some());
    let max = q(&root, "#timeline").unwrap().get_attribute("max").unwrap();
    assert_eq!(max, "1000");
}

/// The backpressure preset: once the stalled followers leave the producer's buffer.memory
/// full, its card says send() is blocked and why, and after max.block.ms it shows the
/// BufferExhaustedException.
#[wasm_bindgen_test]
async fn a_full_producer_buffer_shows_send_blocked_and_then_buffer_exhausted() {
    let root = mount_preset("producer-backpressure").await;
    wait_for(&root, "[data-testid='producer-buffer']").await;
    play_at(&root, "10");
    let blocked = "[data-testid='producer-blocked']";
    wait_until(&root, "send() to block", || q(&root, blocked).is_some()).await;
    assert!(text(&root, blocked).contains("buffer.memory is full"));
    assert_eq!(text(&root, "[data-testid='producer-buffer']"), "100%");
    wait_until(&root, "the BufferExhaustedException", || {
        q(&root, "[data-testid='producer-error']").is_some_and(|e| {
            e.text_content()
                .unwrap_or_default()
                .contains("BUFFER_EXHAUSTED_EXCEPTION")
        })
    })
    .await;
    click(&root, "#play-toggle");
}

/// The large-records preset: the producer's card shows the RecordTooLargeException that
/// send() returned, with the limit that refused the record.
#[wasm_bindgen_test]
async fn a_record_over_max_request_size_shows_message_too_large_on_the_producer() {
    let root = mount_preset("large-records").await;
    wait_for(&root, "[data-testid='producer-panel']").await;
    play_at(&root, "10");
    wait_until(&root, "the RecordTooLargeException", || {
        q(&root, "[data-testid='producer-error']").is_some_and(|e| {
            let t = e.text_content().unwrap_or_default();
            t.contains("MESSAGE_TOO_LARGE") && t.contains("max.request.size")
        })
    })
    .await;
    click(&root, "#play-toggle");
}

/// Unplug on a broker's card is a power loss: the broker stops. In the power-loss preset all
/// three brokers lose power at once, and the ledger explains each lost record by it.
#[wasm_bindgen_test]
async fn unplugging_brokers_loses_what_had_not_reached_their_disks() {
    let root = mount().await;
    click(
        &root,
        "[data-testid='broker'][data-broker='2'] [data-action='power-loss']",
    );
    wait_for(
        &root,
        "[data-testid='broker'][data-broker='2'][data-status='stopped']",
    )
    .await;

    let root = mount_preset("power-loss").await;
    wait_for(&root, "[data-testid='producer-panel']").await;
    play_at(&root, "10");
    wait_until(&root, "a record lost to the power loss", || {
        q(&root, "[data-testid='lost-record']")
            .is_some_and(|e| e.text_content().unwrap_or_default().contains("lost power"))
    })
    .await;
    click(&root, "#play-toggle");
}

/// The presets other than the default are downloaded when chosen (`presets::load`). The test
/// runner serves no `scenarios/`, so a preset not stocked by the test fails to download: the
/// page says why, next to the picker, and keeps the session it has.
#[wasm_bindgen_test]
async fn a_preset_that_cannot_be_downloaded_says_why_next_to_the_picker() {
    let root = mount().await;
    kafka_playground::presets::store("many-groups", Err("not downloaded".into()));
    select(&root, "#preset", "many-groups");
    let error = wait_for(&root, "[data-testid='error-preset']").await;
    let message = error.text_content().unwrap();
    assert!(
        message.starts_with("scenarios/many-groups.json could not be downloaded"),
        "{message}"
    );
    assert_eq!(attr(&root, "main#app", "data-ready"), "1");
    assert_eq!(
        text(&root, "h1"),
        "Kafka Playground",
        "the page is still there"
    );
    assert!(
        q(&root, ".broker").is_some(),
        "the session it had is kept: {}",
        root.inner_html().chars().take(500).collect::<String>()
    );
    common::restock();
}

/// A `scenario=` address whose file cannot be downloaded, over a saved workspace: the page
/// opens the workspace, as it would without the address's scenario, and keeps it.
#[wasm_bindgen_test]
async fn a_scenario_that_cannot_be_downloaded_leaves_the_saved_workspace() {
    let root = mount().await;
    type_into(&root, "#produce-key", "saved-key");
    click(&root, "#produce-one");
    wait_for(&root, "[data-testid='record'][data-key='saved-key']").await;
    kafka_playground::presets::store("interview-tip", Err("not downloaded".into()));
    let path = set_address("?scenario=interview-tip");
    let root = remount_keeping_workspace().await;
    restore_address(&path);
    let notice = wait_for(&root, "[data-testid='notice'] > span").await;
    let message = notice.text_content().unwrap();
    assert!(
        message.starts_with("The scenario in the address could not be loaded: scenarios/interview-tip.json could not be downloaded")
            && message.ends_with("Your saved workspace is loaded instead."),
        "{message}"
    );
    wait_for(&root, "[data-testid='record'][data-key='saved-key']").await;
    common::restock();
}

/// A `scenario=` address whose file cannot be downloaded: the page shows that it is loading,
/// then the default scenario with a notice that says why.
#[wasm_bindgen_test]
async fn a_scenario_in_the_address_that_cannot_be_downloaded_gets_a_notice() {
    common::stock_presets();
    kafka_playground::presets::store("interview-tip", Err("not downloaded".into()));
    let path = set_address("?scenario=interview-tip");
    let root = mount_replaying().await;
    restore_address(&path);
    let notice = wait_for(&root, "[data-testid='notice']").await;
    let message = notice.text_content().unwrap();
    assert!(
        message.starts_with("The scenario in the address could not be loaded: scenarios/interview-tip.json could not be downloaded"),
        "{message}"
    );
    assert!(
        message.contains("The default scenario is loaded instead."),
        "{message}"
    );
    assert_eq!(attr(&root, "main#app", "data-ready"), "1");
    let preset: web_sys::HtmlSelectElement = q(&root, "#preset").unwrap().dyn_into().unwrap();
    assert_eq!(preset.value(), "playground");
    common::restock();
}

/// A topic's `flush.messages=1` checkbox: in the power-loss preset `payments` fsyncs every
/// write and `orders` does not. Checked on `orders` before the outage, the power loss of all
/// three brokers loses no acknowledged record of either topic.
#[wasm_bindgen_test]
async fn fsyncing_every_write_from_the_topic_panel_survives_the_power_loss() {
    let root = mount_preset("power-loss").await;
    let fsync = |topic: &str| -> HtmlInputElement {
        q(&root, &format!("#fsync-{topic}"))
            .unwrap_or_else(|| panic!("no fsync checkbox for {topic}"))
            .dyn_into()
            .unwrap()
    };
    assert!(
        fsync("payments").checked(),
        "the preset sets flush.messages=1"
    );
    assert!(!fsync("orders").checked(), "Kafka's default: never");
    click(&root, "#fsync-orders");
    wait_until(&root, "orders fsyncs every write", || {
        fsync("orders").checked()
    })
    .await;
    play_at(&root, "10");
    // The brokers restart at 13 s and lead again at about 22 s: by then a record that was
    // only in the page caches is counted lost (199 of `orders`' without the checkbox).
    wait_until(&root, "the partitions led again after the outage", || {
        clock_ms(&root) >= 24_000 && text(&root, "[data-testid='ledger-unavailable']") == "0"
    })
    .await;
    click(&root, "#play-toggle");
    let acked: u64 = text(&root, "[data-testid='ledger-acked']").parse().unwrap();
    assert!(
        acked > 600,
        "both producers wrote before and after the outage: {acked}"
    );
    assert_eq!(text(&root, "[data-testid='ledger-lost']"), "0");
    assert!(q(&root, "[data-testid='lost-record']").is_none());

    // Unchecked again, the override goes: back to the default.
    click(&root, "#fsync-orders");
    wait_until(&root, "orders back to the default", || {
        !fsync("orders").checked()
    })
    .await;
}
