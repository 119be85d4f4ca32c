//! `RoundRobinAssignor` (clients).

use super::input::Prepared;

pub(crate) fn assign(prep: &Prepared) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); prep.members.len()];
    let sorted = prep.member_info_order(&prep.hash_order);
    if sorted.is_empty() {
        return out;
    }
    // One circular iterator over the sorted members, never reset between topics. Topics are in
    // TreeSet (String.compareTo) order, which is the order of the prepared topic indices.
    let mut next = 0usize;
    for gp in 0..prep.total_partitions() {
        let Some(topic) = prep.topics.get(prep.topic_of(gp)) else {
            continue;
        };
        let subscribed = |pos: usize| {
            sorted
                .get(pos)
                .and_then(|&m| prep.members.get(m))
                .is_some_and(|m| m.topic_set.contains(&topic.name))
        };
        let mut skipped = 0;
        while !subscribed(next) && skipped < sorted.len() {
            next = (next + 1) % sorted.len();
            skipped += 1;
        }
        if let Some(list) = sorted.get(next).and_then(|&m| out.get_mut(m)) {
            list.push(gp);
        }
        next = (next + 1) % sorted.len();
    }
    out
}
