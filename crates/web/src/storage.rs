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

/// JSON text of a value, through `serde_json::Value` like the rest of the app's JSON (one
/// serializer per type keeps the wasm small).
pub fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .map(|v| v.to_string())
        .unwrap_or_default()
}

/// Indented JSON text, for people (the scenario editor).
pub fn to_json_pretty<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_default()
}

pub fn save(preset: &str, s: &Session) {
    save_toward(preset, s, &s.user_steps, s.now());
}

/// A session still being replayed (`state::Restoring`) is saved as what it replays to: its
/// commands `steps` and the moment `now`, not the part replayed so far.
pub fn save_toward(preset: &str, s: &Session, steps: &[Step], now: u64) {
    let saved = Saved {
        preset: preset.to_string(),
        scenario: to_json(&s.scenario),
        seed: s.cluster.seed,
        steps: steps.to_vec(),
        now,
    };
    if let Some(st) = storage() {
        let _ = st.set_item(KEY, &to_json(&saved));
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

/// The user's own scenarios, kept in `localStorage` by the scenario editor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LibraryItem {
    pub name: String,
    pub json: String,
}

const LIBRARY_KEY: &str = "kafka-playground.library.v1";

/// The library, newest first; an unreadable library reads as empty.
pub fn library() -> Vec<LibraryItem> {
    let Some(st) = storage() else {
        return Vec::new();
    };
    match st.get_item(LIBRARY_KEY) {
        Ok(Some(text)) => serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// Save the library; `Err` when the browser refuses (quota, private mode).
pub fn set_library(items: &[LibraryItem]) -> Result<(), String> {
    let st = storage().ok_or("this browser has no localStorage")?;
    st.set_item(LIBRARY_KEY, &to_json(&items))
        .map_err(|_| "the browser refused to store the library (storage full?)".to_string())
}
