//! `kafka-playground-js`: the kafka-sim engine as a JavaScript class.
//!
//! ```js
//! import init, { Simulator } from './pkg/kafka_playground_js.js';
//! await init();
//! const sim = new Simulator({ name: 'demo', topics: [{ name: 'orders', partitions: 4, replication_factor: 3 }],
//!                             producers: [{ id: 'p1', config: { acks: '1' } }] });
//! sim.apply({ do: 'produce', producer: 'p1', topic: 'orders', key: 'user-1', value: 'hello' });
//! sim.advance(1000);
//! console.log(sim.durability().acked, sim.view().topics[0].partitions[0].high_watermark);
//! ```
//!
//! Everything is deterministic: the same scenario, seed and commands give the same
//! `traceHash()` here, in the page, in the CLI and natively. The logic lives in [`Core`]
//! (plain Rust, tested natively); [`Simulator`] only converts values at the boundary with
//! `serde-wasm-bindgen`.

use kafka_sim::action::Action;
use kafka_sim::link::{LinkState, LinkView};
use kafka_sim::scenario::{evaluate, from_value, Check, Scenario, Session, Step};
use kafka_sim::view::{ClusterView, Durability};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The engine-facing half of [`Simulator`], without JavaScript types.
#[derive(Debug, Clone)]
pub struct Core {
    pub session: Session,
}

/// An action given as JSON (`{"do": "produce", …}`), parsed as the scenario format does.
pub fn parse_action(v: serde_json::Value) -> Result<Action, String> {
    let mut step = v;
    match step.as_object_mut() {
        Some(o) => {
            o.entry("at_ms").or_insert(serde_json::Value::from(0));
        }
        None => return Err("an action is an object such as {\"do\": \"heal\"}".into()),
    }
    from_value::<Step>(step)
        .map(|s| s.action)
        .map_err(|e| e.to_string())
}

impl Core {
    /// From a scenario document (JSON text).
    pub fn new(scenario_json: &str, seed: Option<u64>) -> Result<Core, String> {
        let sc = Scenario::parse(scenario_json).map_err(|e| e.to_string())?;
        Session::new(sc, seed)
            .map(|session| Core { session })
            .map_err(|e| e.to_string())
    }

    /// From a shared link or its fragment (`…#s=…`).
    pub fn from_link(link: &str) -> Result<Core, String> {
        let frag = link.rsplit_once('#').map_or(link, |(_, f)| f);
        let state = LinkState::from_fragment(frag)
            .map_err(|e| e.to_string())?
            .ok_or("the link carries no session")?;
        state
            .replay()
            .map(|session| Core { session })
            .map_err(|e| e.to_string())
    }

    pub fn apply_json(&mut self, action: serde_json::Value) -> Result<(), String> {
        let a = parse_action(action)?;
        self.session.apply(a).map_err(|e| e.to_string())
    }

    pub fn check_json(&self, check: serde_json::Value) -> Result<(bool, String), String> {
        let c: Check = from_value(check).map_err(|e| e.to_string())?;
        Ok(match evaluate(&self.session.cluster, &c) {
            Ok(d) => (true, d),
            Err(d) => (false, d),
        })
    }

    pub fn link(&self) -> String {
        LinkState::of(&self.session, LinkView::default()).to_fragment()
    }

    pub fn view(&self) -> ClusterView {
        self.session.cluster.view()
    }

    pub fn durability(&self) -> Durability {
        self.session.cluster.durability()
    }

    pub fn trace_hash(&self) -> String {
        format!("{:016x}", self.session.cluster.trace_hash())
    }
}

fn err(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

fn to_js<T: Serialize>(v: &T) -> Result<JsValue, JsError> {
    // Maps as plain objects, so results read like the JSON of the views.
    let ser = serde_wasm_bindgen::Serializer::json_compatible();
    v.serialize(&ser).map_err(err)
}

fn from_js(v: JsValue) -> Result<serde_json::Value, JsError> {
    serde_wasm_bindgen::from_value(v).map_err(err)
}

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** A scenario document (docs/scenario-format.md), as an object or JSON text. */
export type ScenarioInput = Record<string, unknown> | string;
/** A scenario action, e.g. `{ do: "stop_broker", broker: 2 }`. */
export interface Action { do: string; [field: string]: unknown }
/** A scenario check, e.g. `{ check: "lost_acked", equals: 0 }`. */
export interface Check { check: string; [field: string]: unknown }
export interface CheckResult { ok: boolean; detail: string }
/** The durability ledger checked against the logs. */
export interface Durability {
  acked: number; visible: number; pending: number; lost_acked: number; unavailable: number;
  expired: number; failed: number; duplicates: number;
  lost: { id: number; topic: string; partition: number; offset: number; explanation: string }[];
}
export interface PartitionView {
  partition: number; leader: number | null; leader_epoch: number; isr: number[];
  log_start_offset: number; log_end_offset: number; high_watermark: number; [field: string]: unknown;
}
export interface TopicView { name: string; internal: boolean; replication_factor: number; config: Record<string, string>; partitions: PartitionView[] }
/** The cluster as the page draws it (see kafka_sim::view::ClusterView for every field). */
export interface ClusterView {
  now: number; seed: number; topics: TopicView[];
  brokers: { id: number; alive: boolean; fenced: boolean; isolated: boolean; [field: string]: unknown }[];
  groups: { group: string; state: string; generation: number; lag: number; [field: string]: unknown }[];
  [field: string]: unknown;
}
"#;

/// A simulated Kafka cluster running a scenario.
#[wasm_bindgen]
pub struct Simulator {
    core: Core,
}

#[wasm_bindgen]
impl Simulator {
    /// Build the scenario's cluster at time 0. `seed` overrides the scenario's.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ScenarioInput")] scenario: JsValue,
        seed: Option<f64>,
    ) -> Result<Simulator, JsError> {
        let text = match scenario.as_string() {
            Some(s) => s,
            None => from_js(scenario)?.to_string(),
        };
        let seed = seed
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(|s| s as u64);
        Core::new(&text, seed)
            .map(|core| Simulator { core })
            .map_err(err)
    }

    /// Open a shared link (the whole URL or its `#s=…` fragment).
    #[wasm_bindgen(js_name = fromLink)]
    pub fn from_link(link: &str) -> Result<Simulator, JsError> {
        Core::from_link(link)
            .map(|core| Simulator { core })
            .map_err(err)
    }

    /// Simulated time in milliseconds.
    pub fn now(&self) -> f64 {
        self.core.session.now() as f64
    }

    /// Run `ms` milliseconds of simulated time (script steps fall due on the way).
    pub fn advance(&mut self, ms: f64) {
        self.core.session.advance(ms.max(0.0) as u64);
    }

    /// Run until simulated time `t` (ms).
    #[wasm_bindgen(js_name = advanceTo)]
    pub fn advance_to(&mut self, t: f64) {
        self.core.session.advance_to(t.max(0.0) as u64);
    }

    /// Apply a command now, e.g. `{ do: "stop_broker", broker: 2 }`.
    pub fn apply(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Action")] action: JsValue,
    ) -> Result<(), JsError> {
        let v = from_js(action)?;
        self.core.apply_json(v).map_err(err)
    }

    /// Evaluate a check now.
    #[wasm_bindgen(unchecked_return_type = "CheckResult")]
    pub fn check(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Check")] check: JsValue,
    ) -> Result<JsValue, JsError> {
        let (ok, detail) = self.core.check_json(from_js(check)?).map_err(err)?;
        to_js(&serde_json::json!({ "ok": ok, "detail": detail }))
    }

    /// The cluster: brokers, topics with every replica's offsets, clients, groups, metrics.
    #[wasm_bindgen(unchecked_return_type = "ClusterView")]
    pub fn view(&self) -> Result<JsValue, JsError> {
        to_js(&self.core.view())
    }

    /// The durability ledger: acknowledged, visible and lost records, with explanations.
    #[wasm_bindgen(unchecked_return_type = "Durability")]
    pub fn durability(&self) -> Result<JsValue, JsError> {
        to_js(&self.core.durability())
    }

    /// The scenario's expectations that are due, with pass/fail and detail.
    #[wasm_bindgen(
        unchecked_return_type = "{ index: number; at_ms: number; check: string; passed: boolean; detail: string }[]"
    )]
    pub fn expectations(&self) -> Result<JsValue, JsError> {
        to_js(&self.core.session.expectations())
    }

    /// Hash of everything that happened: equal hashes mean identical runs.
    #[wasm_bindgen(js_name = traceHash)]
    pub fn trace_hash(&self) -> String {
        self.core.trace_hash()
    }

    /// A fragment (`s=…`) that reopens this session in the playground (`page#s=…`).
    pub fn link(&self) -> String {
        self.core.link()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SC: &str = r#"{ "name": "js", "seed": 5,
      "topics": [ { "name": "orders", "partitions": 4, "replication_factor": 3 } ],
      "producers": [ { "id": "p1", "config": { "acks": "all" } } ] }"#;

    #[test]
    fn drive_a_session_through_the_core() {
        let mut c = Core::new(SC, None).unwrap();
        c.apply_json(json!({ "do": "produce", "producer": "p1", "topic": "orders", "key": "user-1", "value": "v", "count": 3 }))
            .unwrap();
        c.session.advance(2_000);
        assert_eq!(c.durability().acked, 3);
        let (ok, detail) = c
            .check_json(json!({ "check": "key_partition", "topic": "orders", "key": "user-1", "equals": 0 }))
            .unwrap();
        assert!(ok, "{detail}");
        assert!(c.apply_json(json!({ "do": "explode" })).is_err());
        assert!(c.apply_json(json!(3)).is_err());
        assert!(c.check_json(json!({ "check": "nope" })).is_err());
        // The link reopens the same run.
        let again = Core::from_link(&format!("https://example.org/#{}", c.link())).unwrap();
        assert_eq!(again.trace_hash(), c.trace_hash());
        assert!(Core::new("{", None).is_err());
        assert!(Core::from_link("#x=1").is_err());
    }
}
