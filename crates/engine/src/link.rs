//! Shareable links: a whole page session (scenario, seed, the user's commands, the time and a
//! few view settings) in a URL fragment, `#s=<data>`, where `<data>` is the JSON of a
//! [`LinkState`], compressed with raw deflate (`miniz_oxide`) and written in unpadded
//! base64url. Opening the link replays the session exactly ([`LinkState::replay`]).
//!
//! Decoding never panics and never allocates without bound: the encoded text is capped at
//! [`MAX_ENCODED`] characters and the inflated JSON at [`MAX_DECODED`] bytes (a deflate bomb
//! stops at the cap). Every failure is a [`LinkError`] with a sentence for the page's banner.

use crate::error::SimError;
use crate::scenario::{from_value, Scenario, Session, Step};
use crate::types::Millis;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Version of the link payload; bump it when the payload changes incompatibly.
pub const LINK_VERSION: u32 = 1;
/// Largest inflated payload accepted (bytes of JSON).
pub const MAX_DECODED: usize = 64 * 1024;
/// Largest encoded payload accepted (characters after `s=`). Deflated JSON never grows by
/// more than a few bytes per 64 KiB block, and base64 adds a third.
pub const MAX_ENCODED: usize = (MAX_DECODED / 3 + 64) * 4;
/// The fragment parameter that carries the session.
pub const PARAM: &str = "s";

/// Page settings that travel with a link; the engine ignores them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkView {
    /// The preset the scenario came from ("custom" for an edited one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// Simulated milliseconds per real millisecond. Short decimals (as the page offers)
    /// survive the JSON round trip exactly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed: Option<f64>,
    /// Whether time runs when the link opens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub playing: Option<bool>,
}

/// Everything a link carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkState {
    #[serde(default = "link_version")]
    pub v: u32,
    pub scenario: Scenario,
    pub seed: u64,
    /// The user's commands, each with the simulated time it was applied at.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<Step>,
    /// Simulated time (ms) to replay to.
    pub now: Millis,
    #[serde(default)]
    pub view: LinkView,
}

fn link_version() -> u32 {
    LINK_VERSION
}

/// Everything but the scenario (which is parsed on its own, for its error paths).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkRest {
    #[serde(default = "link_version")]
    v: u32,
    seed: u64,
    #[serde(default)]
    steps: Vec<Step>,
    now: Millis,
    #[serde(default)]
    view: LinkView,
}

fn message_of(e: SimError) -> String {
    match e {
        SimError::Scenario { path, message } if path.is_empty() => message,
        other => other.to_string(),
    }
}

/// Why a link could not be opened.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkError {
    /// There is no `s=` parameter in the fragment.
    Missing,
    /// The encoded text is longer than [`MAX_ENCODED`].
    TooLong { chars: usize },
    /// Not base64url.
    NotBase64,
    /// Not deflate data.
    NotDeflate,
    /// The inflated payload is larger than [`MAX_DECODED`].
    TooLarge,
    /// Not UTF-8 JSON of a link payload; `path` names the failing field.
    Invalid { path: String, message: String },
    /// A payload from a newer build.
    Version(u32),
    /// The session does not replay (e.g. a command refers to something that does not exist).
    Replay(String),
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::Missing => write!(f, "the link carries no session"),
            LinkError::TooLong { chars } => write!(
                f,
                "the link is too long ({chars} characters; at most {MAX_ENCODED})"
            ),
            LinkError::NotBase64 => write!(
                f,
                "the link is damaged (it is not base64url text; was it cut short or edited?)"
            ),
            LinkError::NotDeflate => write!(
                f,
                "the link is damaged (its data does not decompress; was it cut short?)"
            ),
            LinkError::TooLarge => write!(
                f,
                "the link's session is larger than {} KiB",
                MAX_DECODED / 1024
            ),
            LinkError::Invalid { path, message } => {
                if path.is_empty() {
                    write!(f, "the link's session is invalid: {message}")
                } else {
                    write!(f, "the link's session is invalid at `{path}`: {message}")
                }
            }
            LinkError::Version(v) => write!(
                f,
                "the link was made by a newer version of the playground (format {v}; this page reads {LINK_VERSION})"
            ),
            LinkError::Replay(e) => write!(f, "the link's session does not replay: {e}"),
        }
    }
}

impl std::error::Error for LinkError {}

impl LinkState {
    /// The state of a live session.
    pub fn of(session: &Session, view: LinkView) -> LinkState {
        LinkState {
            v: LINK_VERSION,
            scenario: session.scenario.clone(),
            seed: session.cluster.seed,
            steps: session.user_steps.clone(),
            now: session.now(),
            view,
        }
    }

    /// The `<data>` of `#s=<data>`.
    pub fn encode(&self) -> String {
        // Through `Value` (as the engine's other JSON): fewer serializer copies in the wasm.
        let json = serde_json::to_value(self)
            .map(|v| v.to_string())
            .unwrap_or_default()
            .into_bytes();
        let packed = miniz_oxide::deflate::compress_to_vec(&json, 9);
        URL_SAFE_NO_PAD.encode(packed)
    }

    /// A whole fragment, `s=<data>` (without the `#`).
    pub fn to_fragment(&self) -> String {
        format!("{PARAM}={}", self.encode())
    }

    /// Decode `<data>`. Never panics; see the module docs for the limits.
    pub fn decode(data: &str) -> Result<LinkState, LinkError> {
        let data = data.trim();
        if data.len() > MAX_ENCODED {
            return Err(LinkError::TooLong { chars: data.len() });
        }
        // Padding is optional: accept links whose `=` survived a copy and paste.
        let data = data.trim_end_matches('=');
        let packed = URL_SAFE_NO_PAD
            .decode(data.as_bytes())
            .map_err(|_| LinkError::NotBase64)?;
        let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_DECODED)
            .map_err(|e| match e.status {
                miniz_oxide::inflate::TINFLStatus::HasMoreOutput => LinkError::TooLarge,
                _ => LinkError::NotDeflate,
            })?;
        Self::from_json(&json)
    }

    /// Parse the inflated payload.
    pub fn from_json(json: &[u8]) -> Result<LinkState, LinkError> {
        if json.len() > MAX_DECODED {
            return Err(LinkError::TooLarge);
        }
        let mut value: serde_json::Value =
            serde_json::from_slice(json).map_err(|e| LinkError::Invalid {
                path: String::new(),
                message: e.to_string(),
            })?;
        // Read the version first, so a newer payload says so instead of "unknown field".
        if let Some(v) = value.get("v").and_then(serde_json::Value::as_u64) {
            if v != u64::from(LINK_VERSION) {
                return Err(LinkError::Version(u32::try_from(v).unwrap_or(u32::MAX)));
            }
        }
        // The scenario goes through `Scenario::parse`, which names the failing field.
        let scenario = value
            .as_object_mut()
            .and_then(|o| o.remove("scenario"))
            .ok_or_else(|| LinkError::Invalid {
                path: "scenario".into(),
                message: "missing".into(),
            })?;
        let scenario = Scenario::parse(&scenario.to_string()).map_err(|e| match e {
            SimError::Scenario { path, message } => LinkError::Invalid {
                path: if path.is_empty() {
                    "scenario".into()
                } else {
                    format!("scenario.{path}")
                },
                message,
            },
            other => LinkError::Invalid {
                path: "scenario".into(),
                message: other.to_string(),
            },
        })?;
        let rest: LinkRest = match from_value(value.clone()) {
            Ok(r) => r,
            Err(e) => {
                // Name the failing command, if it is one.
                let step = value
                    .get("steps")
                    .and_then(serde_json::Value::as_array)
                    .and_then(|steps| {
                        steps.iter().enumerate().find_map(|(i, st)| {
                            from_value::<Step>(st.clone()).err().map(|e| (i, e))
                        })
                    });
                return Err(match step {
                    Some((i, e)) => LinkError::Invalid {
                        path: format!("steps[{i}]"),
                        message: message_of(e),
                    },
                    None => LinkError::Invalid {
                        path: String::new(),
                        message: message_of(e),
                    },
                });
            }
        };
        let state = LinkState {
            v: rest.v,
            scenario,
            seed: rest.seed,
            steps: rest.steps,
            now: rest.now,
            view: rest.view,
        };
        Ok(state)
    }

    /// Find `s=<data>` in a URL fragment (with or without the leading `#`; other
    /// `&`-separated parameters are ignored) and decode it. `Ok(None)` when the fragment has
    /// no session.
    pub fn from_fragment(fragment: &str) -> Result<Option<LinkState>, LinkError> {
        match fragment_param(fragment) {
            None => Ok(None),
            Some(data) => Self::decode(data).map(Some),
        }
    }

    /// Rebuild the session the link describes.
    pub fn replay(&self) -> Result<Session, LinkError> {
        Session::replay(
            self.scenario.clone(),
            Some(self.seed),
            &self.steps,
            self.now,
        )
        .map_err(|e| LinkError::Replay(e.to_string()))
    }
}

/// The value of `s=` in a fragment such as `#s=abc&x=1`.
pub fn fragment_param(fragment: &str) -> Option<&str> {
    let f = fragment.strip_prefix('#').unwrap_or(fragment);
    f.split('&')
        .find_map(|kv| kv.strip_prefix(PARAM).and_then(|r| r.strip_prefix('=')))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Action;
    use crate::sort::SortShared;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    const PLAYGROUND: &str = r##"{
      "name": "Playground", "seed": 42,
      "cluster": { "brokers": 3, "network": { "latency_ms": 20 } },
      "topics": [ { "name": "orders", "partitions": 4, "replication_factor": 3, "config": { "min.insync.replicas": "2" } } ],
      "producers": [ { "id": "p1", "config": { "acks": "all" } } ],
      "consumers": [ { "id": "c1", "group": "billing", "topics": ["orders"], "config": { "auto.offset.reset": "earliest" } } ],
      "script": [ { "at_ms": 200, "do": "produce", "producer": "p1", "topic": "orders", "key": "user-{i}", "value": "order {i}", "count": 8 } ],
      "tour": [ { "text": "Hello", "highlight": "#produce-one" } ]
    }"##;

    fn scenario() -> Scenario {
        Scenario::parse(PLAYGROUND).unwrap()
    }

    fn produce(key: Option<String>, value: String, count: u32) -> Action {
        Action::Produce {
            producer: "p1".into(),
            topic: "orders".into(),
            key,
            value: Some(value),
            partition: None,
            count: Some(count),
            headers: BTreeMap::new(),
        }
    }

    #[test]
    fn a_session_survives_a_link_and_replays_to_the_same_trace() {
        let mut s = Session::new(scenario(), Some(7)).unwrap();
        s.advance(1_000);
        s.apply(produce(Some("user-1".into()), "a".into(), 3))
            .unwrap();
        s.advance(500);
        s.apply(Action::StopBroker {
            broker: Some(2),
            leader_of: None,
        })
        .unwrap();
        s.advance(4_321);
        let state = LinkState::of(
            &s,
            LinkView {
                preset: Some("playground".into()),
                speed: Some(2.5),
                playing: Some(false),
            },
        );
        let frag = state.to_fragment();
        assert!(frag.starts_with("s="));
        assert!(frag
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'='));
        let back = LinkState::from_fragment(&format!("#{frag}"))
            .unwrap()
            .unwrap();
        assert_eq!(back, state);
        let replayed = back.replay().unwrap();
        assert_eq!(replayed.now(), s.now());
        assert_eq!(replayed.cluster.trace_hash(), s.cluster.trace_hash());
        assert_eq!(replayed.cluster.durability(), s.cluster.durability());
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert_eq!(LinkState::from_fragment("#tab=2").unwrap(), None);
        assert_eq!(LinkState::from_fragment("").unwrap(), None);
        assert_eq!(LinkState::decode("@@@"), Err(LinkError::NotBase64));
        assert_eq!(LinkState::decode("AAAA"), Err(LinkError::NotDeflate));
        let long = "A".repeat(MAX_ENCODED + 1);
        assert!(matches!(
            LinkState::decode(&long),
            Err(LinkError::TooLong { .. })
        ));
        // A deflate bomb: 1 MiB of zeros compresses to about a kilobyte.
        let bomb = URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(
            &vec![b' '; 1 << 20],
            9,
        ));
        assert!(bomb.len() < MAX_ENCODED);
        assert_eq!(LinkState::decode(&bomb), Err(LinkError::TooLarge));
        let pack = |json: &str| {
            URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 6))
        };
        let e = LinkState::decode(&pack(r#"{"v":1,"scenario":{"name":"x","topics":[{"name":"t","partitons":2}]},"seed":1,"now":0}"#)).unwrap_err();
        match &e {
            // `topics[0]` or `topics[0].partitons`, as precise as the engine's parser is.
            LinkError::Invalid { path, .. } => {
                assert!(path.starts_with("scenario.topics[0]"), "{path}")
            }
            other => panic!("{other:?}"),
        }
        assert!(e.to_string().contains("partitons"), "{e}");
        assert_eq!(
            LinkState::decode(&pack(r#"{"v":9,"scenario":{"name":"x"},"seed":1,"now":0}"#)),
            Err(LinkError::Version(9))
        );
        let e = LinkState::decode(&pack(
            r#"{"v":1,"scenario":{"name":"x","version":2},"seed":1,"now":0}"#,
        ))
        .unwrap_err();
        assert!(e.to_string().contains("scenario.version"), "{e}");
        match LinkState::decode(&pack(
            r#"{"scenario":{"name":"x"},"seed":1,"now":10,"steps":[{"at_ms":5,"do":"heal"},{"at_ms":6,"do":"explode"}]}"#,
        )) {
            Err(LinkError::Invalid { path, message }) => {
                assert_eq!(path, "steps[1]");
                assert!(message.contains("explode"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        // Valid payload whose commands do not replay.
        let bad = pack(
            r#"{"scenario":{"name":"x"},"seed":1,"now":10,"steps":[{"at_ms":5,"do":"stop_workload","producer":"nobody"}]}"#,
        );
        let st = LinkState::decode(&bad).unwrap();
        assert!(matches!(st.replay(), Err(LinkError::Replay(_))));
    }

    fn arb_action() -> impl Strategy<Value = Action> {
        prop_oneof![
            (proptest::option::of("[a-z0-9-]{0,12}"), ".{0,20}", 1u32..20)
                .prop_map(|(k, v, n)| produce(k, v, n)),
            (1i32..=3).prop_map(|b| Action::StopBroker {
                broker: Some(b),
                leader_of: None
            }),
            (1i32..=3).prop_map(|b| Action::StartBroker {
                broker: Some(b),
                leader_of: None
            }),
            (1i32..=3).prop_map(|b| Action::PauseFetchers {
                broker: Some(b),
                leader_of: None
            }),
            Just(Action::Heal {}),
            prop_oneof![Just("0"), Just("1"), Just("all")].prop_map(|a| {
                let mut config = BTreeMap::new();
                config.insert("acks".to_string(), serde_json::json!(a));
                Action::SetProducerConfig {
                    producer: "p1".into(),
                    config,
                }
            }),
            ".{0,40}".prop_map(|text| Action::Note { text }),
        ]
    }

    fn arb_state() -> impl Strategy<Value = LinkState> {
        (
            any::<u64>(),
            proptest::collection::vec((0u64..100_000, arb_action()), 0..12),
            0u64..200_000,
            proptest::option::of("[a-z-]{1,20}"),
            // The page's speeds (0.1× … 100×): short decimals, which JSON carries exactly.
            proptest::option::of((1u32..100_000).prop_map(|n| f64::from(n) / 100.0)),
            proptest::option::of(any::<bool>()),
        )
            .prop_map(|(seed, mut steps, now, preset, speed, playing)| {
                steps.sort_by_key_shared(|s| s.0);
                LinkState {
                    v: LINK_VERSION,
                    scenario: scenario(),
                    seed,
                    steps: steps
                        .into_iter()
                        .map(|(at_ms, action)| Step { at_ms, action })
                        .collect(),
                    now,
                    view: LinkView {
                        preset,
                        speed,
                        playing,
                    },
                }
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn state_to_link_to_state_is_identity(state in arb_state()) {
            let link = state.to_fragment();
            let back = LinkState::from_fragment(&link).unwrap().unwrap();
            prop_assert_eq!(back, state);
        }

        #[test]
        fn arbitrary_text_never_panics(s in ".{0,300}") {
            let _ = LinkState::from_fragment(&s);
            let _ = LinkState::decode(&s);
        }

        #[test]
        fn arbitrary_base64url_never_panics(s in "[A-Za-z0-9_-]{0,400}") {
            let _ = LinkState::decode(&s);
        }

        #[test]
        fn arbitrary_deflated_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let data = URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&bytes, 6));
            prop_assert!(LinkState::decode(&data).is_err());
        }

        #[test]
        fn mangled_links_never_panic(state in arb_state(), cut in 0usize..2000, flip in 0usize..2000) {
            let data = state.encode();
            let mut b = data.into_bytes();
            if !b.is_empty() {
                let i = flip % b.len();
                b[i] = if b[i] == b'A' { b'B' } else { b'A' };
                b.truncate(cut.min(b.len()));
            }
            let _ = LinkState::decode(&String::from_utf8_lossy(&b));
        }
    }
}
