//! How the classic protocol picks an assignor and a rebalance protocol.

use crate::vecmap::{VecMap, VecSet};

use super::{AssignorName, RebalanceProtocol};
use crate::java::JavaHashSet;

/// `ConsumerPartitionAssignor.supportedProtocols()`, in Kafka's order.
pub fn supported_protocols(name: AssignorName) -> &'static [RebalanceProtocol] {
    match name {
        AssignorName::CooperativeSticky => {
            &[RebalanceProtocol::Cooperative, RebalanceProtocol::Eager]
        }
        AssignorName::Range | AssignorName::RoundRobin | AssignorName::Sticky => {
            &[RebalanceProtocol::Eager]
        }
    }
}

/// The rebalance protocol a consumer uses (`ConsumerCoordinator` constructor): the highest
/// protocol that every configured assignor supports. Kafka rejects an empty assignor list; this
/// function returns `Eager` for it.
///
/// ```
/// use kafka_sim::assignor::{rebalance_protocol, AssignorName, RebalanceProtocol};
/// // The default strategy since 3.0: [RangeAssignor, CooperativeStickyAssignor].
/// assert_eq!(
///     rebalance_protocol(&[AssignorName::Range, AssignorName::CooperativeSticky]),
///     RebalanceProtocol::Eager
/// );
/// assert_eq!(
///     rebalance_protocol(&[AssignorName::CooperativeSticky]),
///     RebalanceProtocol::Cooperative
/// );
/// ```
pub fn rebalance_protocol(configured: &[AssignorName]) -> RebalanceProtocol {
    let Some((first, rest)) = configured.split_first() else {
        return RebalanceProtocol::Eager;
    };
    let mut common: VecSet<RebalanceProtocol> =
        supported_protocols(*first).iter().copied().collect();
    for name in rest {
        let supported: VecSet<RebalanceProtocol> =
            supported_protocols(*name).iter().copied().collect();
        common.retain(|p| supported.contains(p));
    }
    common.last().copied().unwrap_or(RebalanceProtocol::Eager)
}

/// `ClassicGroup.selectProtocol`: the candidates are the protocols every member supports; each
/// member votes for the first candidate in its own preference list; the protocol with the most
/// votes wins.
///
/// Ties go to the protocol that comes first in the iteration order of the coordinator's
/// `HashMap<String, Integer>` of votes (`Stream.max` keeps the first of equal elements), and
/// members vote in the iteration order of the group's `HashMap` of members. `members` is taken in
/// join order and both orders are reproduced. A protocol listed twice by one member counts once.
///
/// Returns `None` for an empty group or when no protocol is supported by every member (Kafka
/// rejects such a member at join time).
pub fn select_protocol(members: &[(String, Vec<String>)]) -> Option<String> {
    if members.is_empty() {
        return None;
    }
    let mut support: VecMap<&str, usize> = VecMap::new();
    for (_, protocols) in members {
        let distinct: VecSet<&str> = protocols.iter().map(String::as_str).collect();
        for protocol in distinct {
            *support.entry(protocol).or_default() += 1;
        }
    }
    let candidates: VecSet<&str> = support
        .into_iter()
        .filter(|&(_, count)| count == members.len())
        .map(|(protocol, _)| protocol)
        .collect();

    // Members in the iteration order of the group's HashMap<String, ClassicGroupMember>.
    let mut member_order = JavaHashSet::new();
    for (id, _) in members {
        member_order.insert(id.as_str());
    }
    let preferences: VecMap<&str, &Vec<String>> =
        members.iter().map(|(id, p)| (id.as_str(), p)).collect();

    let mut votes: VecMap<&str, usize> = VecMap::new();
    let mut vote_order = JavaHashSet::new();
    for id in member_order.iter() {
        let list = preferences.get(id)?;
        let vote = list
            .iter()
            .map(String::as_str)
            .find(|p| candidates.contains(p))?;
        *votes.entry(vote).or_default() += 1;
        vote_order.insert(vote);
    }
    let mut best: Option<(&str, usize)> = None;
    for protocol in vote_order.iter() {
        let count = votes.get(protocol).copied().unwrap_or(0);
        if best.is_none_or(|(_, c)| count > c) {
            best = Some((protocol, count));
        }
    }
    best.map(|(p, _)| p.to_string())
}
