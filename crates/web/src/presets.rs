//! Preset scenarios, compiled into the app so they load without a network round trip. The
//! same files are served from `scenarios/` and checked by `kafka-sim check static/scenarios`.

pub struct Preset {
    pub id: &'static str,
    pub json: &'static str,
}

thread_local! {
    /// Each preset's display name (its scenario's `name`), parsed once: the header lists them
    /// on every render.
    static NAMES: kafka_sim::vecmap::VecMap<&'static str, String> = PRESETS
        .iter()
        .map(|p| {
            let name = kafka_sim::scenario::Scenario::parse(p.json)
                .map(|s| s.name)
                .unwrap_or_else(|_| p.id.to_string());
            (p.id, name)
        })
        .collect();
}

/// The display name of preset `id` (the id itself if there is no such preset).
pub fn name(id: &str) -> String {
    NAMES
        .with(|n| n.get(id).cloned())
        .unwrap_or_else(|| id.to_string())
}

pub const PRESETS: &[Preset] = &[
    Preset {
        id: "playground",
        json: include_str!("../../../static/scenarios/playground.json"),
    },
    Preset {
        id: "acks-table",
        json: include_str!("../../../static/scenarios/acks-table.json"),
    },
    Preset {
        id: "acks-1-loss",
        json: include_str!("../../../static/scenarios/acks-1-loss.json"),
    },
    Preset {
        id: "min-isr-refusal",
        json: include_str!("../../../static/scenarios/min-isr-refusal.json"),
    },
    Preset {
        id: "producer-backpressure",
        json: include_str!("../../../static/scenarios/producer-backpressure.json"),
    },
    Preset {
        id: "large-records",
        json: include_str!("../../../static/scenarios/large-records.json"),
    },
    Preset {
        id: "unclean-election",
        json: include_str!("../../../static/scenarios/unclean-election.json"),
    },
    Preset {
        id: "power-loss",
        json: include_str!("../../../static/scenarios/power-loss.json"),
    },
    Preset {
        id: "partitions-and-consumers",
        json: include_str!("../../../static/scenarios/partitions-and-consumers.json"),
    },
    Preset {
        id: "eager-vs-cooperative",
        json: include_str!("../../../static/scenarios/eager-vs-cooperative.json"),
    },
    Preset {
        id: "delivery-semantics",
        json: include_str!("../../../static/scenarios/delivery-semantics.json"),
    },
    Preset {
        id: "replay-new-group",
        json: include_str!("../../../static/scenarios/replay-new-group.json"),
    },
    Preset {
        id: "kip848-consumer-protocol",
        json: include_str!("../../../static/scenarios/kip848-consumer-protocol.json"),
    },
    Preset {
        id: "share-groups",
        json: include_str!("../../../static/scenarios/share-groups.json"),
    },
    Preset {
        id: "idempotence",
        json: include_str!("../../../static/scenarios/idempotence.json"),
    },
    Preset {
        id: "transactions",
        json: include_str!("../../../static/scenarios/transactions.json"),
    },
    Preset {
        id: "exactly-once-pipeline",
        json: include_str!("../../../static/scenarios/exactly-once-pipeline.json"),
    },
    Preset {
        id: "keyed-vs-keyless",
        json: include_str!("../../../static/scenarios/keyed-vs-keyless.json"),
    },
    Preset {
        id: "many-groups",
        json: include_str!("../../../static/scenarios/many-groups.json"),
    },
    Preset {
        id: "time-travel",
        json: include_str!("../../../static/scenarios/time-travel.json"),
    },
    Preset {
        id: "interview-tip",
        json: include_str!("../../../static/scenarios/interview-tip.json"),
    },
    Preset {
        id: "when-to-choose-kafka",
        json: include_str!("../../../static/scenarios/when-to-choose-kafka.json"),
    },
    Preset {
        id: "log-vs-queue",
        json: include_str!("../../../static/scenarios/log-vs-queue.json"),
    },
    Preset {
        id: "retention",
        json: include_str!("../../../static/scenarios/retention.json"),
    },
    Preset {
        id: "event-sourcing",
        json: include_str!("../../../static/scenarios/event-sourcing.json"),
    },
    Preset {
        id: "scale",
        json: include_str!("../../../static/scenarios/scale.json"),
    },
    Preset {
        id: "challenge-durable-writes",
        json: include_str!("../../../static/scenarios/challenge-durable-writes.json"),
    },
];

pub const DEFAULT_PRESET: &str = "playground";

pub fn find(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_sim::sort::SortShared;

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
            kafka_sim::scenario::Scenario::parse(p.json)
                .unwrap_or_else(|e| panic!("{}: {e}", p.id));
        }
        assert!(find(DEFAULT_PRESET).is_some());
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
            let sc = Scenario::parse(p.json).unwrap();
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
        let sc = Scenario::parse(find("challenge-durable-writes").unwrap().json).unwrap();
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
