//! The `postMessage` API an embedding page uses to drive the playground. The protocol is
//! plain JSON-able objects; this module validates requests and builds the replies and state
//! events (no browser APIs here — `components::app` wires it to `window.onmessage`).
//!
//! Requests (host → playground), each optionally with an `id` echoed in the reply:
//! - `{type: "kafka-playground:load", scenario: {…} | "json", seed?: n}` or `{…, preset: "id"}`
//! - `{type: "kafka-playground:command", action: {do: "produce", …}}` (a scenario action)
//! - `{type: "kafka-playground:subscribe"}` / `{type: "kafka-playground:unsubscribe"}`
//! - `{type: "kafka-playground:play"}` / `{type: "kafka-playground:pause"}`
//! - `{type: "kafka-playground:get-state"}`
//!
//! Replies (playground → host): `kafka-playground:ready` once mounted, `kafka-playground:ok`
//! or `kafka-playground:error` (with `error`) for every request, and `kafka-playground:state`
//! events while subscribed (and in answer to `get-state`).

use kafka_sim::action::Action;
use kafka_sim::scenario::Step;
use kafka_sim::view::{ClusterView, Durability};
use serde_json::{json, Value};

pub const PREFIX: &str = "kafka-playground:";
/// Requests larger than this (as JSON) are refused.
pub const MAX_REQUEST_BYTES: usize = 1024 * 1024;
/// Protocol version announced in `ready`.
pub const API_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// A scenario document (JSON text) or a preset id.
    Load {
        scenario: Option<String>,
        preset: Option<String>,
        seed: Option<u64>,
    },
    Command(Action),
    Subscribe,
    Unsubscribe,
    Play(bool),
    GetState,
}

/// A request with its id and type name, for the reply.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    pub id: Option<Value>,
    pub kind: String,
    pub request: Request,
}

/// Why a message was refused; `None` fields when the message had none.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub id: Option<Value>,
    pub kind: Option<String>,
    pub error: String,
}

/// What to do with an incoming message.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    /// Not for us (no `kafka-playground:` type): ignore silently.
    Ignore,
    Request(Envelope),
    Refused(Refusal),
}

/// Classify a message given as JSON text (`JSON.stringify(event.data)`).
pub fn parse(text: &str) -> Incoming {
    if text.len() > MAX_REQUEST_BYTES {
        return Incoming::Refused(Refusal {
            id: None,
            kind: None,
            error: format!("message larger than {} KiB", MAX_REQUEST_BYTES / 1024),
        });
    }
    let Ok(v) = serde_json::from_str::<Value>(text) else {
        return Incoming::Ignore;
    };
    let Some(obj) = v.as_object() else {
        return Incoming::Ignore;
    };
    let Some(kind) = obj.get("type").and_then(Value::as_str) else {
        return Incoming::Ignore;
    };
    if !kind.starts_with(PREFIX) {
        return Incoming::Ignore;
    }
    let id = obj.get("id").cloned();
    let refuse = |error: String| {
        Incoming::Refused(Refusal {
            id: id.clone(),
            kind: Some(kind.to_string()),
            error,
        })
    };
    let allowed = |keys: &[&str]| -> Result<(), String> {
        for k in obj.keys() {
            if k != "type" && k != "id" && !keys.contains(&k.as_str()) {
                return Err(format!(
                    "unknown field \"{k}\" in {kind} (expected {})",
                    if keys.is_empty() {
                        "no fields".to_string()
                    } else {
                        keys.join(", ")
                    }
                ));
            }
        }
        Ok(())
    };
    let name = &kind[PREFIX.len()..];
    let request = match name {
        "load" => {
            if let Err(e) = allowed(&["scenario", "preset", "seed"]) {
                return refuse(e);
            }
            let scenario = match obj.get("scenario") {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(s.clone()),
                Some(o @ Value::Object(_)) => Some(o.to_string()),
                Some(_) => {
                    return refuse("\"scenario\" must be a scenario object or its JSON text".into())
                }
            };
            let preset = match obj.get("preset") {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(s.clone()),
                Some(_) => return refuse("\"preset\" must be a preset id (a string)".into()),
            };
            let seed = match obj.get("seed") {
                None | Some(Value::Null) => None,
                Some(s) => match s.as_u64() {
                    Some(n) => Some(n),
                    None => return refuse("\"seed\" must be a non-negative integer".into()),
                },
            };
            if scenario.is_some() == preset.is_some() {
                return refuse("give exactly one of \"scenario\" and \"preset\"".into());
            }
            Request::Load {
                scenario,
                preset,
                seed,
            }
        }
        "command" => {
            if let Err(e) = allowed(&["action"]) {
                return refuse(e);
            }
            let Some(a) = obj.get("action") else {
                return refuse("missing \"action\" (a scenario action such as {\"do\": \"heal\"})".into());
            };
            // As a scenario step: the engine's own parsing path (and its error messages).
            let mut step = a.clone();
            match step.as_object_mut() {
                Some(o) if !o.contains_key("at_ms") => {
                    o.insert("at_ms".into(), Value::from(0));
                }
                _ => return refuse("\"action\" must be an object such as {\"do\": \"heal\"}".into()),
            }
            match kafka_sim::scenario::from_value::<Step>(step) {
                Ok(s) => Request::Command(s.action),
                Err(e) => return refuse(format!("invalid action: {e}")),
            }
        }
        "subscribe" | "unsubscribe" | "play" | "pause" | "get-state" => {
            if let Err(e) = allowed(&[]) {
                return refuse(e);
            }
            match name {
                "subscribe" => Request::Subscribe,
                "unsubscribe" => Request::Unsubscribe,
                "play" => Request::Play(true),
                "pause" => Request::Play(false),
                _ => Request::GetState,
            }
        }
        _ => {
            return refuse(format!(
                "unknown message type \"{kind}\" (expected {PREFIX}load, command, subscribe, unsubscribe, play, pause or get-state)"
            ))
        }
    };
    Incoming::Request(Envelope {
        id,
        kind: kind.to_string(),
        request,
    })
}

fn with_id(mut v: Value, id: &Option<Value>) -> Value {
    if let (Some(id), Some(o)) = (id, v.as_object_mut()) {
        o.insert("id".into(), id.clone());
    }
    v
}

pub fn ready() -> Value {
    json!({ "type": format!("{PREFIX}ready"), "version": API_VERSION })
}

pub fn ok(id: &Option<Value>, request: &str) -> Value {
    with_id(
        json!({ "type": format!("{PREFIX}ok"), "request": request }),
        id,
    )
}

pub fn error(id: &Option<Value>, request: Option<&str>, error: &str) -> Value {
    let mut v = json!({ "type": format!("{PREFIX}error"), "error": error });
    if let (Some(r), Some(o)) = (request, v.as_object_mut()) {
        o.insert("request".into(), Value::String(r.to_string()));
    }
    with_id(v, id)
}

/// A state event: time, play state, the durability ledger, groups and brokers.
pub fn state_event(
    view: &ClusterView,
    d: &Durability,
    scenario: &str,
    playing: bool,
    challenge: Option<&str>,
) -> Value {
    let groups: Vec<Value> = view
        .groups
        .iter()
        .map(|g| {
            json!({
                "group": g.group, "state": g.state, "generation": g.generation,
                "members": g.members.len(), "lag": g.lag, "processed": g.processed,
            })
        })
        .collect();
    let brokers: Vec<Value> = view
        .brokers
        .iter()
        .map(|b| json!({ "id": b.id, "alive": b.alive, "isolated": b.isolated }))
        .collect();
    let mut v = json!({
        "type": format!("{PREFIX}state"),
        "time_ms": view.now,
        "playing": playing,
        "scenario": scenario,
        "ledger": {
            "acked": d.acked, "visible": d.visible, "pending": d.pending,
            "lost": d.lost_acked, "unavailable": d.unavailable, "failed": d.failed,
            "duplicates": d.duplicates,
        },
        "groups": groups,
        "brokers": brokers,
    });
    if let (Some(c), Some(o)) = (challenge, v.as_object_mut()) {
        o.insert("challenge".into(), Value::String(c.to_string()));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(text: &str) -> String {
        match parse(text) {
            Incoming::Refused(r) => r.error,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn foreign_messages_are_ignored() {
        for t in [
            "not json",
            "42",
            "[]",
            "{}",
            r#"{"type": 3}"#,
            r#"{"type":"webpackOk"}"#,
            "null",
        ] {
            assert_eq!(parse(t), Incoming::Ignore, "{t}");
        }
    }

    #[test]
    fn requests_parse() {
        match parse(
            r#"{"type":"kafka-playground:command","id":7,"action":{"do":"stop_broker","broker":2}}"#,
        ) {
            Incoming::Request(Envelope {
                id,
                request: Request::Command(Action::StopBroker { broker, .. }),
                ..
            }) => {
                assert_eq!(id, Some(json!(7)));
                assert_eq!(broker, Some(2));
            }
            other => panic!("{other:?}"),
        }
        match parse(r#"{"type":"kafka-playground:load","scenario":{"name":"x"},"seed":3}"#) {
            Incoming::Request(Envelope {
                request:
                    Request::Load {
                        scenario: Some(s),
                        preset: None,
                        seed: Some(3),
                    },
                ..
            }) => assert!(s.contains("\"name\"")),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse(r#"{"type":"kafka-playground:subscribe"}"#),
            Incoming::Request(Envelope {
                request: Request::Subscribe,
                ..
            })
        ));
        assert!(matches!(
            parse(r#"{"type":"kafka-playground:pause","id":"a"}"#),
            Incoming::Request(Envelope {
                request: Request::Play(false),
                ..
            })
        ));
    }

    #[test]
    fn invalid_requests_are_refused_with_a_reason() {
        assert!(refused(r#"{"type":"kafka-playground:command"}"#).contains("missing \"action\""));
        assert!(
            refused(r#"{"type":"kafka-playground:command","action":{"do":"explode"}}"#)
                .contains("invalid action")
        );
        assert!(
            refused(r#"{"type":"kafka-playground:command","action":{"do":"heal"},"x":1}"#)
                .contains("unknown field \"x\"")
        );
        assert!(refused(r#"{"type":"kafka-playground:load"}"#).contains("exactly one"));
        assert!(
            refused(r#"{"type":"kafka-playground:load","preset":"a","scenario":"{}"}"#)
                .contains("exactly one")
        );
        assert!(refused(r#"{"type":"kafka-playground:load","scenario":5}"#).contains("scenario"));
        assert!(
            refused(r#"{"type":"kafka-playground:load","preset":"a","seed":-1}"#).contains("seed")
        );
        assert!(
            refused(r#"{"type":"kafka-playground:frobnicate"}"#).contains("unknown message type")
        );
        let big = format!(
            r#"{{"type":"kafka-playground:load","scenario":"{}"}}"#,
            "x".repeat(MAX_REQUEST_BYTES)
        );
        assert!(refused(&big).contains("larger"));
    }

    #[test]
    fn replies_echo_the_id() {
        assert_eq!(
            ok(&Some(json!(1)), "kafka-playground:command")["id"],
            json!(1)
        );
        let e = error(&None, Some("kafka-playground:load"), "bad");
        assert_eq!(e["type"], "kafka-playground:error");
        assert_eq!(e["request"], "kafka-playground:load");
        assert!(e.get("id").is_none());
    }
}
