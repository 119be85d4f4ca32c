//! Internally tagged enums (`{"do": "produce", "topic": ...}`) without serde's `Content`
//! buffering, which was the largest piece of serde code in the page's wasm.
//!
//! serde's derive for `#[serde(tag = "...")]` reads every document into its private `Content`
//! tree and instantiates each variant's deserializer for it. [`internally_tagged!`] declares
//! the enum as written (its `Serialize` and `JsonSchema` derives keep the tag) and, from the
//! same variant list, a `remote` deserializer of serde's default externally tagged form
//! (`{"produce": {"topic": ...}}`). The enum's `Deserialize` reads a `serde_json::Value`,
//! moves the tag out ([`retag`]) and hands the result to that deserializer, which every JSON
//! document the engine reads already goes through (see `scenario::from_value`).

use serde_json::Value;

/// Declare an internally tagged enum whose variants are all struct variants. `serde(...)`
/// holds the container attributes other than the tag; the macro puts them, with
/// `tag = $tag`, on the enum, and them alone on the remote deserializer.
macro_rules! internally_tagged {
    (
        tag = $tag:literal, remote = $remote:literal, serde($($wire:tt)*),
        $(#[$meta:meta])* pub enum $name:ident { $($body:tt)* }
    ) => {
        $(#[$meta])*
        #[serde(tag = $tag, $($wire)*)]
        pub enum $name { $($body)* }

        const _: () = {
            #[derive(serde::Deserialize)]
            #[serde(remote = $remote, $($wire)*)]
            #[allow(dead_code)]
            enum ExternallyTagged { $($body)* }

            impl<'de> serde::Deserialize<'de> for $name {
                fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    let value = <serde_json::Value as serde::Deserialize>::deserialize(d)?;
                    let tagged = $crate::tagged::retag::<D::Error>(value, $tag)?;
                    ExternallyTagged::deserialize(tagged).map_err(serde::de::Error::custom)
                }
            }
        };
    };
}
pub(crate) use internally_tagged;

/// `{"<tag>": "x", ...fields}` → `{"x": {...fields}}`, with serde's wording for what is wrong.
pub(crate) fn retag<E: serde::de::Error>(value: Value, tag: &'static str) -> Result<Value, E> {
    let mut fields = match value {
        Value::Object(fields) => fields,
        other => {
            return Err(E::custom(format!(
                "invalid type: {}, expected an object with a \"{tag}\" field",
                kind(&other)
            )))
        }
    };
    let name = match fields.remove(tag) {
        Some(Value::String(name)) => name,
        Some(other) => {
            return Err(E::custom(format!(
                "invalid type: {} in \"{tag}\", expected a name",
                kind(&other)
            )))
        }
        None => return Err(E::missing_field(tag)),
    };
    let mut tagged = serde_json::Map::new();
    tagged.insert(name, Value::Object(fields));
    Ok(Value::Object(tagged))
}

/// How serde names a JSON value's type in its messages.
fn kind(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) => format!("number `{n}`"),
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "sequence".into(),
        Value::Object(_) => "map".into(),
    }
}

#[cfg(test)]
mod tests {
    use crate::action::Action;
    use crate::scenario::{from_value, Check, Expectation, Step};
    use serde_json::json;

    fn err<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> String {
        match from_value::<T>(v) {
            Ok(_) => "no error".into(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn tagged_documents_deserialize_to_the_named_variant() {
        let step: Step = from_value(json!({"at_ms": 5, "do": "heal"})).expect("heal");
        assert_eq!((step.at_ms, step.action), (5, Action::Heal {}));
        let a: Action = from_value(json!({"do": "stop_broker", "broker": 2})).expect("stop");
        assert_eq!(
            serde_json::to_value(&a).ok(),
            Some(json!({"do": "stop_broker", "broker": 2}))
        );
        let e: Expectation = from_value(json!({"at_ms": 9, "check": "high_watermark",
            "topic": "t", "partition": 0, "equals": 3, "why": "w"}))
        .expect("check");
        assert!(matches!(e.check, Check::HighWatermark { .. }), "{e:?}");
        assert_eq!(e.why.as_deref(), Some("w"));
    }

    #[test]
    fn malformed_tags_are_named_in_the_message() {
        assert!(err::<Action>(json!({"broker": 1})).contains("missing field \"do\""));
        let unknown = err::<Action>(json!({"do": "hel"}));
        assert!(
            unknown.contains("unknown value `hel`, expected one of"),
            "{unknown}"
        );
        let not_a_name = err::<Action>(json!({"do": 5}));
        assert!(not_a_name.contains("number `5` in \"do\""), "{not_a_name}");
        let not_an_object = err::<Action>(json!("heal"));
        assert!(
            not_an_object.contains("expected an object"),
            "{not_an_object}"
        );
        // deny_unknown_fields still applies to the variant's fields.
        let extra = err::<Action>(json!({"do": "heal", "x": 1}));
        assert!(extra.contains("unknown field `x`"), "{extra}");
        assert!(err::<Check>(json!({"topic": "t"})).contains("missing field `check`"));
    }
}
