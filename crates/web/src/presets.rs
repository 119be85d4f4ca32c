//! Preset scenarios, compiled into the app so they load without a network round trip. The
//! same files are served from `scenarios/` and checked by `kafka-sim check static/scenarios`.

pub struct Preset {
    pub id: &'static str,
    pub json: &'static str,
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
        id: "unclean-election",
        json: include_str!("../../../static/scenarios/unclean-election.json"),
    },
    Preset {
        id: "partitions-and-consumers",
        json: include_str!("../../../static/scenarios/partitions-and-consumers.json"),
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
];

pub const DEFAULT_PRESET: &str = "playground";

pub fn find(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        files.sort();
        let mut ids: Vec<String> = PRESETS.iter().map(|p| p.id.to_string()).collect();
        ids.sort();
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
}
