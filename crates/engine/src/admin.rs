//! Admin operations the controller performs for `CreateTopics`: replica placement with
//! Kafka's KRaft `StripedReplicaPlacer` (see [`crate::placement`]) driven by the cluster's
//! seeded RNG, and the validation of an explicit `--replica-assignment`.

use crate::controller::Controller;
use crate::error::SimResult;
use crate::placement::{
    self, ClusterDescription, RegisteredBroker, RngPlacementRandom, UsableBroker,
};
use crate::types::BrokerId;
use rand_chacha::ChaCha8Rng;

/// Place `partitions` × `rf` replicas over the registered brokers.
pub fn place(
    controller: &Controller,
    partitions: i32,
    rf: i32,
    rng: &mut ChaCha8Rng,
) -> SimResult<Vec<Vec<BrokerId>>> {
    let brokers: Vec<UsableBroker> = controller
        .image
        .brokers
        .values()
        .map(|b| UsableBroker {
            id: b.id,
            rack: b.rack.clone(),
            fenced: b.fenced,
        })
        .collect();
    let rf = i16::try_from(rf).unwrap_or(i16::MAX);
    let mut random = RngPlacementRandom(rng);
    Ok(placement::place(&brokers, 0, partitions, rf, &mut random)?)
}

fn description(controller: &Controller) -> ClusterDescription {
    ClusterDescription::new(controller.image.brokers.values().map(|b| {
        let mut r = RegisteredBroker::new(b.id).fenced(b.fenced);
        if let Some(rack) = &b.rack {
            r = r.with_rack(rack);
        }
        r
    }))
}

/// Validate a manual replica assignment as `ReplicationControlManager.createTopic` does.
pub fn validate_assignment(assignment: &[Vec<BrokerId>], controller: &Controller) -> SimResult<()> {
    placement::validate_manual_assignment(assignment, &description(controller))?;
    Ok(())
}
