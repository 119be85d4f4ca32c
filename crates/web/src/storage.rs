//! The workspace in `localStorage`: the scenario, the user's commands and the time, so a
//! reload replays to the same state (the engine is deterministic).

use kafka_sim::scenario::{Session, Step};
use serde::{Deserialize, Serialize};

const KEY: &str = "kafka-playground.workspace.v1";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Saved {
    pub preset: String,
    pub scenario: String,
    pub seed: u64,
    pub steps: Vec<Step>,
    pub now: u64,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn save(preset: &str, s: &Session) {
    let saved = Saved {
        preset: preset.to_string(),
        scenario: s.scenario.to_json(),
        seed: s.cluster.seed,
        steps: s.user_steps.clone(),
        now: s.now(),
    };
    if let (Some(st), Ok(text)) = (storage(), serde_json::to_string(&saved)) {
        let _ = st.set_item(KEY, &text);
    }
}

/// `Ok(None)` when nothing is saved; `Err` when something is saved but unreadable.
pub fn load() -> Result<Option<Saved>, String> {
    let Some(st) = storage() else { return Ok(None) };
    match st.get_item(KEY) {
        // Through `from_value`, like every JSON document the engine reads: one deserializer
        // type keeps the wasm small.
        Ok(Some(text)) => serde_json::from_str::<serde_json::Value>(&text)
            .map_err(|e| e.to_string())
            .and_then(|v| kafka_sim::scenario::from_value(v).map_err(|e| e.to_string()))
            .map(Some),
        _ => Ok(None),
    }
}

pub fn clear() {
    if let Some(st) = storage() {
        let _ = st.remove_item(KEY);
    }
}
