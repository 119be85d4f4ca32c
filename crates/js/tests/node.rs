//! The JavaScript-facing class, in Node: `cargo test -p kafka-playground-js --target
//! wasm32-unknown-unknown`.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)]

use kafka_playground_js::Simulator;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

fn js(v: serde_json::Value) -> JsValue {
    js_sys::JSON::parse(&v.to_string()).unwrap()
}

fn get(v: &JsValue, path: &[&str]) -> JsValue {
    path.iter().fold(v.clone(), |o, k| {
        js_sys::Reflect::get(&o, &JsValue::from_str(k)).unwrap()
    })
}

#[wasm_bindgen_test]
fn a_simulator_runs_a_scenario_given_as_an_object() {
    let mut sim = Simulator::new(
        js(serde_json::json!({ "name": "js", "seed": 5,
            "topics": [ { "name": "orders", "partitions": 4, "replication_factor": 3 } ],
            "producers": [ { "id": "p1", "config": { "acks": "1" } } ] })),
        None,
    )
    .map_err(JsValue::from)
    .unwrap();
    sim.apply(js(serde_json::json!({ "do": "produce", "producer": "p1", "topic": "orders", "key": "user-1", "value": "v" })))
        .map_err(JsValue::from)
        .unwrap();
    sim.advance(1_000.0);
    assert_eq!(sim.now(), 1_000.0);
    let d = sim.durability().map_err(JsValue::from).unwrap();
    assert_eq!(get(&d, &["acked"]).as_f64(), Some(1.0));
    let view = sim.view().map_err(JsValue::from).unwrap();
    assert_eq!(get(&view, &["now"]).as_f64(), Some(1_000.0));
    let r = sim
        .check(js(serde_json::json!({ "check": "key_partition", "topic": "orders", "key": "user-1", "equals": 0 })))
        .map_err(JsValue::from)
        .unwrap();
    assert_eq!(get(&r, &["ok"]).as_bool(), Some(true));
    assert!(sim
        .apply(js(serde_json::json!({ "do": "explode" })))
        .is_err());
    let again = Simulator::from_link(&sim.link())
        .map_err(JsValue::from)
        .unwrap();
    assert_eq!(again.trace_hash(), sim.trace_hash());
}
