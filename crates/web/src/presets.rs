//! The preset scenarios. Only the default one is compiled into the app, so that the first
//! draw needs no round trip; the others are the files served from `scenarios/` (the same ones
//! `kafka-sim check static/scenarios` checks), fetched when first chosen and kept for the rest
//! of the page's life. Keeping them out of the wasm keeps their 99 KB (19 KB gzipped) out of
//! what every visit downloads and compiles.
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

pub struct Preset {
    pub id: &'static str,
    /// The scenario's own `name` (a test checks that they agree).
    pub name: &'static str,
}

pub const PRESETS: &[Preset] = &[
    Preset {
        id: "playground",
        name: "Playground",
    },
    Preset {
        id: "acks-table",
        name: "The acks table: 0, 1 and all side by side",
    },
    Preset {
        id: "acks-1-loss",
        name: "acks=1 loses a record when the leader dies",
    },
    Preset {
        id: "min-isr-refusal",
        name: "min.insync.replicas refuses writes it cannot protect",
    },
    Preset {
        id: "producer-backpressure",
        name: "buffer.memory full: send() blocks the application",
    },
    Preset {
        id: "large-records",
        name: "Large records: max.request.size and max.message.bytes",
    },
    Preset {
        id: "unclean-election",
        name: "Unclean leader election loses acknowledged writes",
    },
    Preset {
        id: "power-loss",
        name: "Power loss: acks=all is not fsync",
    },
    Preset {
        id: "partitions-and-consumers",
        name: "4 partitions with 2, 4 and 8 consumers",
    },
    Preset {
        id: "eager-vs-cooperative",
        name: "Rebalancing: eager stops the group, cooperative does not",
    },
    Preset {
        id: "delivery-semantics",
        name: "Commit before or after processing: at-most-once vs at-least-once",
    },
    Preset {
        id: "replay-new-group",
        name: "Replay: a new consumer group reads the retained log",
    },
    Preset {
        id: "kip848-consumer-protocol",
        name: "KIP-848: the consumer rebalance protocol (Kafka 4.0)",
    },
    Preset {
        id: "share-groups",
        name: "Share groups: more consumers than partitions (Kafka 4.0+)",
    },
    Preset {
        id: "idempotence",
        name: "Retries duplicate; idempotence stops it",
    },
    Preset {
        id: "transactions",
        name: "Transactions: read_committed vs read_uncommitted",
    },
    Preset {
        id: "exactly-once-pipeline",
        name: "Read-process-write: at-least-once vs exactly-once",
    },
    Preset {
        id: "keyed-vs-keyless",
        name: "Keyed vs keyless: ordering or spreading",
    },
    Preset {
        id: "many-groups",
        name: "Many independent consumer groups on one topic",
    },
    Preset {
        id: "time-travel",
        name: "Time-travel debugging: seek to a timestamp",
    },
    Preset {
        id: "interview-tip",
        name: "The interview answer, in four steps",
    },
    Preset {
        id: "when-to-choose-kafka",
        name: "When to choose Kafka: a log you can replay",
    },
    Preset {
        id: "log-vs-queue",
        name: "Log versus queue",
    },
    Preset {
        id: "retention",
        name: "Retention: records stay until time deletes them",
    },
    Preset {
        id: "event-sourcing",
        name: "Event sourcing: rebuild a projection by replay",
    },
    Preset {
        id: "scale",
        name: "Scale: 12 brokers, 100 partitions, 10,000 records/s",
    },
    Preset {
        id: "challenge-durable-writes",
        name: "Challenge: survive the leader's crash",
    },
];

pub const DEFAULT_PRESET: &str = "playground";
const DEFAULT_JSON: &str = include_str!("../../../static/scenarios/playground.json");

/// A preset's downloaded JSON, or why its download failed.
type Fetched = Result<Rc<str>, String>;

thread_local! {
    /// Presets fetched so far: their JSON, or why the fetch failed (a later `load` retries).
    static FETCHED: RefCell<Vec<(&'static str, Fetched)>> =
        const { RefCell::new(Vec::new()) };
    /// The preset the last `load` asked for: only its fetch reports back.
    static WANTED: RefCell<Option<&'static str>> = const { RefCell::new(None) };
}

pub fn find(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}

/// The display name of preset `id` (the id itself if there is no such preset).
pub fn name(id: &str) -> String {
    find(id).map_or_else(|| id.to_string(), |p| p.name.to_string())
}

fn fetched(id: &str) -> Option<Fetched> {
    FETCHED.with(|f| {
        f.borrow()
            .iter()
            .find(|(k, _)| *k == id)
            .map(|(_, v)| v.clone())
    })
}

/// The scenario JSON of preset `id`: compiled in or fetched. An error says why not (no such
/// preset, not fetched yet, or why its fetch failed).
pub fn json(id: &str) -> Result<Rc<str>, String> {
    let p = find(id).ok_or_else(|| format!("no preset named '{id}'"))?;
    if p.id == DEFAULT_PRESET {
        return Ok(Rc::from(DEFAULT_JSON));
    }
    fetched(p.id).unwrap_or_else(|| Err(format!("the scenario '{id}' has not been downloaded yet")))
}

/// Whether `json(id)` can answer without a fetch: the default preset, one fetched already,
/// or an id that is no preset (its error needs no fetch).
pub fn at_hand(id: &str) -> bool {
    match find(id) {
        None => true,
        Some(p) => p.id == DEFAULT_PRESET || matches!(fetched(p.id), Some(Ok(_))),
    }
}

/// Keep `json` as preset `id`'s scenario (what a fetch does; tests use it to skip the fetch).
/// Ignored for an id that is no preset.
pub fn store(id: &str, json: Result<String, String>) {
    let Some(p) = find(id) else { return };
    FETCHED.with(|f| {
        let mut f = f.borrow_mut();
        let v = json.map(Rc::from);
        match f.iter_mut().find(|(k, _)| *k == p.id) {
            Some(slot) => slot.1 = v,
            None => f.push((p.id, v)),
        }
    });
}

/// Where the page fetches preset `id` from, relative to the page.
pub fn url(id: &str) -> String {
    format!("scenarios/{id}.json")
}

/// Make preset `id` at hand, then call `done` (at once if it is already). Only the latest
/// `load` reports back: choosing another preset while one downloads drops the first one's
/// `done` (its JSON is still kept). Then `json(id)` has the scenario or says why not.
pub fn load(id: &str, done: impl FnOnce() + 'static) {
    let Some(p) = find(id) else {
        WANTED.with(|w| *w.borrow_mut() = None);
        return done();
    };
    WANTED.with(|w| *w.borrow_mut() = Some(p.id));
    if at_hand(p.id) {
        return done();
    }
    wasm_bindgen_futures::spawn_local(async move {
        let result = download(&url(p.id)).await;
        store(p.id, result);
        if WANTED.with(|w| *w.borrow() == Some(p.id)) {
            done();
        }
    });
}

async fn download(url: &str) -> Result<String, String> {
    let failed = |why: String| format!("{url} could not be downloaded ({why})");
    let window = web_sys::window().ok_or_else(|| failed("no window".into()))?;
    let response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|e| failed(js_error(&e)))?
        .dyn_into::<web_sys::Response>()
        .map_err(|_| failed("not a response".into()))?;
    if !response.ok() {
        return Err(failed(format!("HTTP {}", response.status())));
    }
    let text = response.text().map_err(|e| failed(js_error(&e)))?;
    JsFuture::from(text)
        .await
        .map_err(|e| failed(js_error(&e)))?
        .as_string()
        .ok_or_else(|| failed("not text".into()))
}

fn js_error(e: &wasm_bindgen::JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "network error".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_sim::sort::SortShared;

    /// Preset `id`'s file, as the page would fetch it.
    fn file(id: &str) -> String {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../static/scenarios/");
        std::fs::read_to_string(format!("{path}{id}.json")).unwrap()
    }

    #[test]
    fn every_scenario_file_is_offered_and_parses() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../static/scenarios");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .collect();
        files.sort_shared();
        let mut ids: Vec<String> = PRESETS.iter().map(|p| p.id.to_string()).collect();
        ids.sort_shared();
        assert_eq!(
            ids, files,
            "presets.rs must list every file in static/scenarios"
        );
        for p in PRESETS {
            let sc = kafka_sim::scenario::Scenario::parse(&file(p.id))
                .unwrap_or_else(|e| panic!("{}: {e}", p.id));
            assert_eq!(
                p.name, sc.name,
                "presets.rs names {} as its file does",
                p.id
            );
        }
        assert!(find(DEFAULT_PRESET).is_some());
        assert_eq!(&*json(DEFAULT_PRESET).unwrap(), file(DEFAULT_PRESET));
    }

    #[test]
    fn a_preset_is_at_hand_once_stored_and_a_failed_fetch_says_why() {
        assert!(at_hand(DEFAULT_PRESET));
        assert!(!at_hand("scale"));
        assert_eq!(
            json("scale").unwrap_err(),
            "the scenario 'scale' has not been downloaded yet"
        );
        assert_eq!(json("nope").unwrap_err(), "no preset named 'nope'");
        assert!(at_hand("nope"), "an unknown id needs no fetch to fail");
        store(
            "scale",
            Err("scenarios/scale.json could not be downloaded (HTTP 404)".into()),
        );
        assert!(!at_hand("scale"), "a failed fetch is tried again");
        assert_eq!(
            json("scale").unwrap_err(),
            "scenarios/scale.json could not be downloaded (HTTP 404)"
        );
        store("scale", Ok(file("scale")));
        assert!(at_hand("scale"));
        assert_eq!(&*json("scale").unwrap(), file("scale"));
        // `load` of a preset at hand reports back at once, without a fetch.
        let called = Rc::new(std::cell::Cell::new(false));
        let c = called.clone();
        load("scale", move || c.set(true));
        assert!(called.get());
    }

    use kafka_sim::scenario::{evaluate, ChallengeStatus, Scenario, Session};

    /// Run a preset unattended and walk its tour as the page does: a step with `until` waits
    /// for it; a step without one moves on (the user would press Next).
    fn walk_tour(sc: &Scenario) -> Result<(), String> {
        let mut s = Session::new(sc.clone(), None).map_err(|e| e.to_string())?;
        let end = sc.default_end() + 30_000;
        let mut step = 0;
        while step < sc.tour.len() {
            match &sc.tour[step].until {
                None => step += 1,
                Some(c) if evaluate(&s.cluster, c).is_ok() => step += 1,
                Some(c) => {
                    if s.now() >= end {
                        return Err(format!(
                            "tour step {step} never completes by {end} ms: {:?}",
                            evaluate(&s.cluster, c)
                        ));
                    }
                    s.advance(100);
                }
            }
        }
        Ok(())
    }

    #[test]
    fn every_tour_completes_when_the_scenario_runs_by_itself() {
        for p in PRESETS {
            let sc = Scenario::parse(&file(p.id)).unwrap();
            for (i, t) in sc.tour.iter().enumerate() {
                assert!(!t.text.trim().is_empty(), "{} tour[{i}] has no text", p.id);
                if let Some(h) = &t.highlight {
                    assert!(
                        h.starts_with('#') || h.starts_with('['),
                        "{} tour[{i}]: highlight {h:?} should name an id or a data-testid",
                        p.id
                    );
                }
            }
            walk_tour(&sc).unwrap_or_else(|e| panic!("{}: {e}", p.id));
        }
    }

    #[test]
    fn the_durability_challenge_fails_as_given_and_succeeds_with_acks_all() {
        let sc = Scenario::parse(&file("challenge-durable-writes")).unwrap();
        let ch = sc.challenge.clone().unwrap();
        let run = |fix: bool| {
            let mut s = Session::new(sc.clone(), None).unwrap();
            if fix {
                let mut config = std::collections::BTreeMap::new();
                config.insert("acks".to_string(), serde_json::json!("all"));
                s.apply(kafka_sim::action::Action::SetProducerConfig {
                    producer: "p1".into(),
                    config,
                })
                .unwrap();
            }
            let mut outcome = ChallengeStatus::InProgress;
            while s.now() < 40_000 && outcome == ChallengeStatus::InProgress {
                s.advance(100);
                outcome = ch.status(&s.cluster);
            }
            (outcome, s.now())
        };
        let (as_given, _) = run(false);
        assert!(
            matches!(as_given, ChallengeStatus::Failed(_)),
            "{as_given:?}"
        );
        let (fixed, at) = run(true);
        assert_eq!(fixed, ChallengeStatus::Succeeded, "at {at} ms");
        assert!(at > 9_000, "success only after the crash ({at} ms)");
    }
}
