#![allow(clippy::disallowed_methods)] // std's sort is fine in native tests
#![allow(clippy::type_complexity)]
//! Differential test vectors: scenarios run through Apache Kafka's own assignor classes
//! (`RangeAssignor`, `RoundRobinAssignor`, `CooperativeStickyAssignor`, `AbstractStickyAssignor`
//! with member data taken from the subscription for the eager sticky case, and the
//! group-coordinator's `UniformAssignor` / `RangeAssignor`, from apache/kafka trunk of October
//! 2024, on OpenJDK 17). The scenarios were generated at random (rack-aware, static members,
//! conflicting generations, heterogeneous subscriptions included); the `expect` blocks are what
//! Kafka printed. Members are listed in the order they were put into Kafka's `HashMap`.
//!
//! Client format: `scenario ASSIGNOR PREFER_RACK_AWARE`, `topic NAME COUNT RACKS` (RACKS is `-` or
//! per-partition comma lists separated by `;`), `member ID inst= rack= gen= topics= owned=`.
//! Server format: `scenario uniform|range homo|hetero`, `topic ID NAME COUNT`,
//! `member ID inst= subs=ID,.. asg=ID:p,p;..` (members in `memberIds()` order).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kafka_sim::vecmap::{VecMap, VecSet};

use kafka_sim::assignor::server::{
    self, GroupSpec, MemberSpec, ServerAssignorName, TopicMetadata, Uuid,
};
use kafka_sim::assignor::{
    assign_with_context, AssignContext, AssignorError, AssignorName, Subscription, TopicPartition,
};

fn field<'a>(fields: &[&'a str], key: &str) -> Option<&'a str> {
    fields
        .iter()
        .find_map(|f| f.strip_prefix(key).and_then(|r| r.strip_prefix('=')))
        .filter(|v| *v != "-")
}

fn blocks(text: &str) -> Vec<(&str, &str)> {
    text.split("end\n")
        .filter(|b| !b.trim().is_empty())
        .map(|b| {
            let (scenario, expected) = b.split_once("expect\n").unwrap();
            (scenario, expected)
        })
        .collect()
}

fn run_client(scenario: &str) -> String {
    let mut name = AssignorName::Range;
    let mut context = AssignContext::default();
    let mut topics = VecMap::new();
    let mut members = Vec::new();
    for line in scenario.lines().filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split(' ').collect();
        match f[0] {
            "scenario" => {
                name = f[1].parse().unwrap();
                context.prefer_rack_aware_logic = f[2] == "1";
            }
            "topic" => {
                let count: i32 = f[2].parse().unwrap();
                topics.insert(f[1].to_string(), count);
                if f[3] != "-" {
                    let racks: Vec<VecSet<String>> = f[3]
                        .split(';')
                        .map(|p| {
                            p.split(',')
                                .filter(|r| !r.is_empty())
                                .map(String::from)
                                .collect()
                        })
                        .collect();
                    context.partition_racks.insert(f[1].to_string(), racks);
                }
            }
            "member" => {
                let topics: Vec<String> = field(&f, "topics")
                    .map(|t| t.split(',').map(String::from).collect())
                    .unwrap_or_default();
                let owned = field(&f, "owned")
                    .map(|o| {
                        o.split(',')
                            .map(|tp| {
                                let (t, p) = tp.rsplit_once(':').unwrap();
                                TopicPartition::new(t, p.parse().unwrap())
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                members.push(Subscription {
                    member_id: f[1].to_string(),
                    group_instance_id: field(&f, "inst").map(String::from),
                    topics,
                    owned_partitions: owned,
                    generation: field(&f, "gen").map(|g| g.parse().unwrap()),
                    rack: field(&f, "rack").map(String::from),
                });
            }
            _ => panic!("bad line {line}"),
        }
    }
    match assign_with_context(name, &topics, &members, &context) {
        Err(AssignorError::KafkaWouldThrow { exception, .. }) => format!("error {exception}\n"),
        Err(other) => format!("error {other}\n"),
        Ok(outcome) => {
            let mut s = String::from("result\n");
            for m in &members {
                let mut l: Vec<String> = outcome.assignment[&m.member_id]
                    .iter()
                    .map(|tp| format!("{}:{}", tp.topic, tp.partition))
                    .collect();
                l.sort();
                s.push_str(&format!("{} {}\n", m.member_id, l.join(",")));
            }
            if matches!(name, AssignorName::Sticky | AssignorName::CooperativeSticky) {
                match &outcome.partitions_transferring_ownership {
                    None => s.push_str("transferring null\n"),
                    Some(t) => {
                        let mut v: Vec<String> = t
                            .iter()
                            .map(|(tp, m)| format!("{}:{}={}", tp.topic, tp.partition, m))
                            .collect();
                        v.sort();
                        s.push_str(&format!("transferring {}\n", v.join(",")));
                    }
                }
            }
            s
        }
    }
}

fn run_server(scenario: &str) -> String {
    let mut name = ServerAssignorName::Uniform;
    let mut homogeneous = true;
    let mut topics = Vec::new();
    let mut members = Vec::new();
    for line in scenario.lines().filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split(' ').collect();
        match f[0] {
            "scenario" => {
                name = f[1].parse().unwrap();
                homogeneous = f[2] == "homo";
            }
            "topic" => topics.push(TopicMetadata {
                id: f[1].parse().unwrap(),
                name: f[2].to_string(),
                num_partitions: f[3].parse().unwrap(),
            }),
            "member" => {
                let subscribed_topic_ids: Vec<Uuid> = field(&f, "subs")
                    .map(|s| s.split(',').map(|u| u.parse().unwrap()).collect())
                    .unwrap_or_default();
                let assignment = field(&f, "asg")
                    .map(|a| {
                        a.split(';')
                            .map(|e| {
                                let (t, ps) = e.split_once(':').unwrap();
                                (
                                    t.parse().unwrap(),
                                    ps.split(',').map(|p| p.parse().unwrap()).collect(),
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                members.push(MemberSpec {
                    member_id: f[1].to_string(),
                    instance_id: field(&f, "inst").map(String::from),
                    rack_id: None,
                    subscribed_topic_ids,
                    assignment,
                });
            }
            _ => panic!("bad line {line}"),
        }
    }
    let spec = GroupSpec {
        members,
        subscription_type: if homogeneous {
            server::SubscriptionType::Homogeneous
        } else {
            server::SubscriptionType::Heterogeneous
        },
    };
    match server::assign(name, &spec, &topics) {
        Err(AssignorError::UnknownTopic(_)) => "error PartitionAssignorException\n".to_string(),
        Err(other) => format!("error {other}\n"),
        Ok(result) => {
            let mut s = String::from("result\n");
            for (m, a) in &result {
                let mut parts: Vec<String> = a
                    .iter()
                    .filter(|(_, ps)| !ps.is_empty())
                    .map(|(t, ps)| {
                        format!(
                            "{}:{}",
                            t,
                            ps.iter()
                                .map(|p| p.to_string())
                                .collect::<Vec<_>>()
                                .join(",")
                        )
                    })
                    .collect();
                parts.sort();
                s.push_str(&format!(
                    "{} {}\n",
                    m,
                    if parts.is_empty() {
                        "-".into()
                    } else {
                        parts.join(";")
                    }
                ));
            }
            s
        }
    }
}

#[test]
fn client_assignors_match_kafka() {
    let vectors = blocks(CLIENT_VECTORS);
    assert!(vectors.len() >= 80);
    let mut failures = Vec::new();
    for (i, (scenario, expected)) in vectors.iter().enumerate() {
        let got = run_client(scenario);
        if got != *expected {
            failures.push(format!(
                "#{i}\n{scenario}--- kafka\n{expected}--- ours\n{got}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn server_assignors_match_kafka() {
    let vectors = blocks(SERVER_VECTORS);
    assert!(vectors.len() >= 40);
    let mut failures = Vec::new();
    for (i, (scenario, expected)) in vectors.iter().enumerate() {
        let got = run_server(scenario);
        if got != *expected {
            failures.push(format!(
                "#{i}\n{scenario}--- kafka\n{expected}--- ours\n{got}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

const CLIENT_VECTORS: &str = r#"
scenario cooperative-sticky 0
topic BB 11 -
topic topic-1 0 -
topic t1 20 -
member AaAa inst=- rack=- gen=1 topics=BB,topic-1,t1 owned=BB:6,t1:12,BB:3
member Aa inst=- rack=- gen=2 topics=topic-1 owned=-
member c8 inst=- rack=- gen=2 topics=BB,topic-1 owned=BB:5,BB:0,BB:2
member c1 inst=- rack=- gen=1 topics=BB,topic-1 owned=BB:4,BB:5
member consumer-a inst=- rack=- gen=- topics=topic-1 owned=t1:19
member c9 inst=- rack=- gen=2 topics=BB,topic-1,t1 owned=t1:13,BB:2,BB:6,t1:9
member BB inst=- rack=- gen=3 topics=BB,topic-1,t1 owned=-
member AaBB inst=- rack=- gen=- topics=topic-1,t1 owned=-
member c7 inst=- rack=- gen=3 topics=topic-1 owned=-
expect
error NullPointerException
end
scenario sticky 1
topic BB 16 c;b;b,c;a;b,c;a,c;a,b,c;b,c;a,b,c;a;a,c;b,c;b;a,b;b,c;a,c
topic topic-1 16 b,c;b;a,c;a,b;b;a;;;b,c;a;b,c;a,b,c;a,b,c;b;;a,c
topic Aa 6 a,c;b;c;b,c;b,c;a,b,c
member c1 inst=- rack=- gen=1 topics=BB owned=BB:5
member consumer-b inst=- rack=- gen=2 topics=BB owned=BB:13
member consumer-a inst=i15 rack=c gen=2 topics=BB owned=-
member c8 inst=- rack=a gen=1 topics=BB owned=BB:14,BB:0
member c5 inst=- rack=c gen=3 topics=BB owned=BB:11
member c10 inst=- rack=b gen=2 topics=BB owned=BB:15
member AaAa inst=- rack=c gen=1 topics=BB owned=BB:4,BB:2,BB:1,BB:0
member c3 inst=- rack=c gen=- topics=BB owned=BB:12
member AaBB inst=- rack=c gen=2 topics=BB owned=BB:13,Aa:1
member c12 inst=- rack=a gen=1 topics=BB owned=BB:0,BB:10,BB:4
expect
result
c1 BB:5
consumer-b BB:8
consumer-a BB:0,BB:6
c8 BB:13,BB:3
c5 BB:11,BB:15
c10 BB:1,BB:12
AaAa BB:14,BB:2
c3 BB:7
AaBB BB:4
c12 BB:10,BB:9
transferring BB:0=consumer-a,BB:12=c10,BB:13=c8,BB:14=AaAa,BB:15=c5,BB:1=c10,BB:4=AaBB
end
scenario cooperative-sticky 1
topic t10 3 -
topic Aa 15 -
member BB inst=i0 rack=c gen=- topics=Aa owned=-
member c9 inst=- rack=a gen=- topics=Aa owned=-
member c4 inst=- rack=- gen=1 topics=Aa owned=Aa:0
member c3 inst=i19 rack=b gen=3 topics=Aa owned=Aa:3,Aa:7
member c1 inst=- rack=- gen=3 topics=Aa owned=Aa:3,Aa:10,Aa:2,Aa:6
member c5 inst=- rack=c gen=- topics=Aa owned=-
member c2 inst=- rack=c gen=- topics=Aa owned=-
member c7 inst=- rack=c gen=3 topics=Aa owned=Aa:14,Aa:13
member AaBB inst=- rack=c gen=1 topics=Aa owned=-
expect
result
BB Aa:12
c9 Aa:8
c4 Aa:0
c3 Aa:7,Aa:9
c1 Aa:2,Aa:6
c5 Aa:5
c2 Aa:4
c7 Aa:13,Aa:14
AaBB Aa:1,Aa:11
transferring Aa:10=c4,Aa:3=BB
end
scenario sticky 0
topic t1 1 a,b,c
member c1 inst=- rack=c gen=- topics=t1 owned=t1:0
member c10 inst=- rack=- gen=3 topics=t1 owned=-
expect
result
c1 t1:0
c10 
transferring 
end
scenario sticky 0
topic BB 2 a,b;
member c5 inst=- rack=b gen=- topics=BB owned=BB:1
member c3 inst=- rack=c gen=- topics=BB owned=BB:0,BB:1
member BBAa inst=- rack=b gen=- topics=BB owned=BB:0,BB:1
member consumer2 inst=- rack=b gen=1 topics=BB owned=BB:1
member c12 inst=- rack=- gen=3 topics=BB owned=BB:1
member BBBB inst=- rack=c gen=- topics=BB owned=BB:0
member c2 inst=- rack=a gen=- topics=BB,nonexistent owned=BB:1
member consumer-a inst=i9 rack=b gen=- topics=BB owned=BB:0,BB:1
member c8 inst=- rack=a gen=2 topics=BB owned=BB:0,BB:1
expect
result
c5 
c3 
BBAa 
consumer2 
c12 BB:1
BBBB 
c2 
consumer-a 
c8 BB:0
transferring null
end
scenario cooperative-sticky 0
topic t1 6 a,b,c;a,c;a,c;b,c;b;b
topic BB 1 b,c
topic t10 4 a;a;a,c;b,c
topic Aa 6 b,c;;a;a,c;c;
topic x 5 c;b;;a;c
member c3 inst=i4 rack=- gen=3 topics=BB,Aa,x owned=Aa:2
member consumer-a inst=i4 rack=c gen=1 topics=t1,BB,t10,Aa,x owned=Aa:0
member c7 inst=- rack=a gen=1 topics=t10,Aa,x owned=x:3
expect
result
c3 Aa:2,Aa:4,Aa:5,BB:0,x:0,x:1,x:2
consumer-a Aa:0,t1:0,t1:1,t1:2,t1:3,t1:4,t1:5,x:4
c7 Aa:1,Aa:3,t10:0,t10:1,t10:2,t10:3,x:3
transferring null
end
scenario sticky 0
topic x 5 -
member Aa inst=i3 rack=- gen=3 topics=x owned=x:2,x:4,x:1
member consumer-b inst=- rack=c gen=1 topics=x,nonexistent owned=x:3
member c9 inst=- rack=b gen=3 topics=x owned=x:0,x:2,x:3
expect
result
Aa x:1,x:4
consumer-b x:2
c9 x:0,x:3
transferring null
end
scenario cooperative-sticky 1
topic t1 1 a,b,c
member c5 inst=- rack=- gen=1 topics=t1 owned=t1:0
member c11 inst=- rack=c gen=1 topics=t1 owned=t1:0
member consumer-a inst=i15 rack=b gen=1 topics=t1 owned=-
member c7 inst=- rack=a gen=1 topics=t1 owned=t1:0
member BBAa inst=i11 rack=b gen=3 topics=t1 owned=t1:0
expect
result
c5 
c11 
consumer-a 
c7 
BBAa 
transferring t1:0=BBAa
end
scenario cooperative-sticky 0
topic t1 1 a
topic Aa 0 -
member consumer-a inst=- rack=c gen=2 topics=Aa owned=-
member c11 inst=- rack=b gen=2 topics=t1 owned=t1:0
member c5 inst=- rack=- gen=3 topics=t1 owned=t1:0
member c6 inst=- rack=a gen=3 topics=t1,Aa owned=t1:0
member c1 inst=- rack=a gen=1 topics=Aa,nonexistent owned=t1:0
member BB inst=- rack=c gen=3 topics=t1,Aa owned=t1:0
member c12 inst=- rack=c gen=3 topics=t1 owned=t1:0
member BBAa inst=- rack=c gen=2 topics=t1,Aa owned=t1:0
member c9 inst=- rack=b gen=- topics=Aa,nonexistent owned=t1:0
member BBBB inst=- rack=b gen=2 topics=t1 owned=t1:0
member c10 inst=- rack=c gen=2 topics=t1 owned=t1:0
expect
result
consumer-a 
c11 
c5 
c6 
c1 
BB t1:0
c12 
BBAa 
c9 
BBBB 
c10 
transferring null
end
scenario sticky 0
topic t2 7 a,b;c;c;;a,c;a,b;a,c
topic BB 0 -
topic x 1 -
topic t1 0 -
topic topic-1 5 a,b,c;a,c;a,b;;c
member c2 inst=- rack=a gen=3 topics=t2,BB,x,topic-1 owned=t2:4,topic-1:0,t2:1
member consumer2 inst=- rack=- gen=1 topics=t2,BB,x,topic-1 owned=topic-1:2,x:0
member AaBB inst=- rack=b gen=3 topics=t2,BB,x,topic-1 owned=topic-1:1,x:0
member c7 inst=- rack=b gen=2 topics=t2,BB,x,topic-1 owned=topic-1:1,t2:1,t2:4,t2:0
member AaAa inst=- rack=b gen=1 topics=t2,BB,x,topic-1 owned=x:0
member consumer-a inst=- rack=- gen=1 topics=t2,BB,x,topic-1 owned=t2:4
expect
result
c2 t2:4,t2:6,topic-1:0
consumer2 topic-1:2,topic-1:4
AaBB t2:2,x:0
c7 t2:0,t2:3
AaAa t2:1,t2:5
consumer-a topic-1:1,topic-1:3
transferring t2:1=AaAa,topic-1:1=consumer-a
end
scenario sticky 0
topic BB 4 b,c;a;b,c;c
topic x 4 a;a,c;a,b;a,b
topic t10 7 a;a,b;a,b,c;;;a,c;b
topic t0 2 a,c;a,b,c
member c3 inst=- rack=a gen=1 topics=BB,t10 owned=BB:0
member AaBB inst=- rack=- gen=- topics=BB,t10 owned=BB:2,BB:3,t10:5
member consumer-b inst=- rack=c gen=1 topics=BB,t10 owned=t10:6
member Aa inst=- rack=- gen=2 topics=BB,t10 owned=t10:6,t10:5
member AaAa inst=i18 rack=- gen=1 topics=BB,t10 owned=-
member c6 inst=- rack=c gen=1 topics=BB,t10 owned=BB:1,BB:2,t10:1
expect
result
c3 BB:1,t10:0
AaBB BB:3,t10:4
consumer-b BB:0,t10:1
Aa t10:5,t10:6
AaAa t10:3
c6 BB:2,t10:2
transferring BB:0=consumer-b,BB:1=c3,t10:1=consumer-b
end
scenario cooperative-sticky 1
topic Aa 2 b;b,c
topic topic-1 4 c;c;b,c;a,b,c
topic t2 5 -
topic x 2 b,c;b,c
topic BB 0 -
member c7 inst=- rack=b gen=1 topics=t2,x,nonexistent owned=t2:4,t2:3,t2:1
member c4 inst=i14 rack=- gen=- topics=Aa,topic-1,BB owned=topic-1:3
expect
result
c7 t2:0,t2:1,t2:2,t2:3,t2:4,x:0,x:1
c4 Aa:0,Aa:1,topic-1:0,topic-1:1,topic-1:2,topic-1:3
transferring null
end
scenario cooperative-sticky 0
topic BB 0 -
topic topic-1 17 ;a;b;a,b,c;a,c;c;c;a,c;a,b;b,c;b;b;c;;a,c;a,b;b,c
topic t2 4 a;b,c;a,c;b
topic t1 1 b
topic t0 0 -
member BBAa inst=- rack=b gen=- topics=t1,t0 owned=t1:0
member c6 inst=- rack=b gen=- topics=BB,topic-1,t0 owned=topic-1:2,topic-1:15
member c11 inst=- rack=c gen=- topics=BB,topic-1,t2,t1,t0 owned=t2:3,topic-1:13
member consumer-a inst=- rack=- gen=3 topics=BB,topic-1,t2,t1 owned=t2:0,t1:0,topic-1:10,t2:3,t2:2
member consumer-b inst=i4 rack=a gen=1 topics=t2,t1,t0 owned=t2:3
member c5 inst=- rack=a gen=- topics=t2,t1 owned=-
member AaAa inst=i17 rack=b gen=- topics=BB,topic-1,t2,t1 owned=topic-1:6,topic-1:4,topic-1:9
member consumer1 inst=- rack=c gen=1 topics=t2,t1 owned=-
member c10 inst=- rack=c gen=- topics=BB,topic-1,t0 owned=topic-1:7,topic-1:16
member BB inst=i10 rack=c gen=1 topics=BB owned=-
member consumer2 inst=- rack=b gen=- topics=BB,t2,t0,nonexistent owned=-
member Aa inst=i3 rack=c gen=- topics=BB,topic-1,t1 owned=topic-1:4,topic-1:2,topic-1:13
expect
result
BBAa t1:0
c6 topic-1:1,topic-1:15,topic-1:8
c11 
consumer-a topic-1:0,topic-1:10
consumer-b 
c5 
AaAa topic-1:11,topic-1:9
consumer1 t2:1
c10 topic-1:14,topic-1:16,topic-1:7
BB 
consumer2 
Aa topic-1:12,topic-1:3,topic-1:5
transferring null
end
scenario cooperative-sticky 1
topic t2 17 -
topic Aa 19 c;c;a,b,c;b;a,b,c;b,c;a,c;a,c;c;a,b,c;a;c;b,c;b,c;a,b,c;a;a,c;b;
topic BB 2 b;a,c
topic t10 1 a,b,c
topic t1 0 -
member c4 inst=i10 rack=- gen=- topics=Aa,BB,t1 owned=Aa:0,Aa:1,Aa:11,Aa:15
member AaAa inst=- rack=c gen=2 topics=t2,Aa,BB,t10 owned=BB:1,Aa:16,Aa:9,Aa:8,Aa:5
expect
result
c4 Aa:0,Aa:1,Aa:10,Aa:11,Aa:12,Aa:13,Aa:14,Aa:15,Aa:17,Aa:18,Aa:2,Aa:3,Aa:4,Aa:6,Aa:7,BB:0
AaAa Aa:16,BB:1,t10:0,t2:0,t2:1,t2:10,t2:11,t2:12,t2:13,t2:14,t2:15,t2:16,t2:2,t2:3,t2:4,t2:5,t2:6,t2:7,t2:8,t2:9
transferring null
end
scenario cooperative-sticky 1
topic t0 14 -
member c5 inst=i12 rack=b gen=3 topics=t0 owned=t0:8
member AaAa inst=- rack=- gen=2 topics=t0 owned=t0:8,t0:6
expect
result
c5 t0:1,t0:11,t0:13,t0:3,t0:5,t0:8,t0:9
AaAa t0:0,t0:10,t0:12,t0:2,t0:4,t0:6,t0:7
transferring 
end
scenario sticky 1
topic BB 0 -
topic x 6 -
topic topic-1 5 b,c;b;b,c;a,b,c;b
member BBAa inst=- rack=- gen=3 topics=x,topic-1 owned=topic-1:0
member c2 inst=- rack=c gen=2 topics=x,topic-1 owned=x:5
member BBBB inst=i19 rack=- gen=1 topics=x,topic-1 owned=x:0
member c10 inst=- rack=- gen=- topics=x,topic-1 owned=topic-1:3,x:3,topic-1:4
member c4 inst=- rack=b gen=3 topics=x,topic-1 owned=topic-1:1
member c9 inst=- rack=- gen=3 topics=x,topic-1 owned=topic-1:1
expect
result
BBAa topic-1:0,x:2
c2 topic-1:2,x:5
BBBB x:0,x:4
c10 topic-1:3,x:3
c4 topic-1:1,topic-1:4
c9 x:1
transferring topic-1:1=c4,topic-1:4=c4
end
scenario cooperative-sticky 1
topic topic-1 1 b,c
topic BB 7 b;;a,b;;b,c;a,b;a,b
topic Aa 1 -
member consumer-b inst=- rack=a gen=3 topics=topic-1,Aa owned=-
member c12 inst=i7 rack=- gen=3 topics=topic-1,BB,Aa owned=BB:5,topic-1:0
member c3 inst=- rack=b gen=3 topics=topic-1,BB owned=topic-1:0,BB:1,BB:6,BB:4
member consumer-a inst=- rack=b gen=3 topics=topic-1,BB owned=-
member BBBB inst=i1 rack=- gen=2 topics=BB owned=Aa:0,BB:1
member AaAa inst=i4 rack=b gen=2 topics=topic-1,Aa owned=-
member c8 inst=- rack=a gen=3 topics=topic-1,BB,Aa owned=BB:5,topic-1:0,BB:4,BB:0,Aa:0
expect
result
consumer-b 
c12 BB:3
c3 BB:6
consumer-a 
BBBB BB:1
AaAa 
c8 BB:2
transferring null
end
scenario cooperative-sticky 1
topic topic-1 2 -
member AaAa inst=i16 rack=- gen=- topics=topic-1,nonexistent owned=topic-1:1,topic-1:0
member consumer1 inst=i5 rack=- gen=2 topics=topic-1 owned=topic-1:1,topic-1:0
member c10 inst=- rack=b gen=3 topics=topic-1,nonexistent owned=topic-1:0,topic-1:1
member c2 inst=- rack=a gen=1 topics=topic-1 owned=topic-1:0
member consumer-b inst=- rack=a gen=2 topics=topic-1 owned=topic-1:1,topic-1:0
member AaBB inst=i16 rack=- gen=2 topics=topic-1 owned=topic-1:0
member c1 inst=- rack=a gen=1 topics=topic-1 owned=topic-1:1,topic-1:0
expect
result
AaAa 
consumer1 topic-1:0
c10 topic-1:1
c2 
consumer-b 
AaBB 
c1 
transferring null
end
scenario sticky 1
topic t2 11 -
topic t1 5 c;b;b,c;c;a,b,c
topic t10 20 a,b,c;a,c;a,b;a;a,b,c;b,c;a,c;b,c;;a,c;a,c;;a,b;c;;;a,c;a,b,c;a,b,c;b,c
topic t0 0 -
topic topic-1 9 ;b;a,c;a,b;a,c;b;a,b,c;a,b;a
member c12 inst=- rack=c gen=2 topics=t2,t1,topic-1 owned=-
member c10 inst=- rack=a gen=3 topics=t2,t1,t10 owned=-
member consumer-b inst=i18 rack=a gen=2 topics=t2,t10,t0,topic-1 owned=t10:2,t10:16,topic-1:2,t1:3,t2:6
member Aa inst=- rack=- gen=- topics=t1,t10,t0,topic-1 owned=t10:13,t10:8
member AaBB inst=- rack=b gen=3 topics=t2,t1,t10,t0 owned=t2:6
member c1 inst=- rack=b gen=1 topics=t1,t10 owned=t10:0,t10:13
expect
result
c12 t1:3,t2:0,t2:3,t2:7,topic-1:0,topic-1:4,topic-1:6
c10 t10:1,t10:3,t10:6,t10:9,t1:4,t2:10,t2:2,t2:6
consumer-b t10:16,t10:2,t2:4,t2:8,topic-1:1,topic-1:2,topic-1:7,topic-1:8
Aa t10:10,t10:11,t10:13,t10:14,t10:15,t10:8,topic-1:3,topic-1:5
AaBB t10:12,t10:18,t10:5,t1:2,t2:1,t2:5,t2:9
c1 t10:0,t10:17,t10:19,t10:4,t10:7,t1:0,t1:1
transferring null
end
scenario cooperative-sticky 0
topic BB 1 
topic t0 3 ;c;b,c
topic t1 4 a,b;a,b;a;a
topic t10 3 a;a,b,c;a,b,c
topic x 1 c
member consumer-a inst=- rack=c gen=2 topics=BB,t10,x owned=t10:2,t10:0,BB:0
member Aa inst=- rack=a gen=3 topics=BB,t0,t1,x owned=-
member c10 inst=- rack=- gen=- topics=BB,t0,t1,t10 owned=t0:1,t10:0
member c5 inst=- rack=- gen=1 topics=BB,t0,t1,nonexistent owned=t0:1
member c4 inst=- rack=- gen=3 topics=t1,x owned=t1:3
member c9 inst=- rack=a gen=- topics=BB,t0,t10,x owned=x:0,t1:0,t0:1
expect
result
consumer-a t10:2
Aa t1:1
c10 t0:0
c5 t0:1,t0:2
c4 t1:2,t1:3
c9 t10:1
transferring null
end
scenario sticky 0
topic topic-1 6 -
topic BB 3 b;a,c;c
topic t1 1 b
member consumer-a inst=- rack=c gen=2 topics=topic-1,BB,t1 owned=topic-1:4,topic-1:5,BB:2
member consumer2 inst=- rack=c gen=1 topics=topic-1,t1 owned=BB:1,topic-1:1,t1:0
member consumer1 inst=i4 rack=a gen=- topics=topic-1,BB,t1 owned=BB:0,topic-1:1,BB:2
member AaAa inst=- rack=- gen=3 topics=topic-1 owned=-
member c6 inst=- rack=b gen=2 topics=topic-1,t1 owned=topic-1:4,topic-1:1
member c5 inst=- rack=a gen=- topics=topic-1,t1 owned=topic-1:0,topic-1:4
expect
result
consumer-a BB:0,BB:2
consumer2 topic-1:2
consumer1 BB:1
AaAa topic-1:4,topic-1:5
c6 t1:0,topic-1:1
c5 topic-1:0,topic-1:3
transferring null
end
scenario cooperative-sticky 1
topic t2 8 ;a,b,c;c;;;c;b;
member BBBB inst=i6 rack=b gen=- topics=t2 owned=t2:2,t2:5,t2:3,t2:4,t2:6
member c4 inst=- rack=- gen=2 topics=t2 owned=t2:3
member BB inst=i7 rack=a gen=1 topics=t2 owned=t2:3,t2:4
member c2 inst=i14 rack=a gen=2 topics=t2 owned=t2:2,t2:1
member consumer2 inst=- rack=c gen=3 topics=t2 owned=-
member c7 inst=i9 rack=c gen=1 topics=t2 owned=-
member c1 inst=- rack=c gen=3 topics=t2 owned=-
member consumer1 inst=- rack=- gen=- topics=t2 owned=t2:3,t2:6,t2:2
member c12 inst=i3 rack=- gen=- topics=t2 owned=t2:3,t2:2,t2:0
member c8 inst=- rack=b gen=- topics=t2 owned=t2:3
expect
result
BBBB 
c4 t2:3
BB t2:4
c2 t2:1
consumer2 
c7 
c1 
consumer1 
c12 t2:0
c8 t2:7
transferring t2:2=c1,t2:5=c7,t2:6=BBBB
end
scenario cooperative-sticky 0
topic t10 3 a,b,c;a,b,c;b,c
member AaBB inst=- rack=b gen=3 topics=t10 owned=t10:2
member consumer2 inst=- rack=- gen=- topics=t10 owned=t10:0,t10:1
member c5 inst=- rack=b gen=- topics=t10 owned=t10:0
member BBAa inst=i7 rack=c gen=3 topics=t10 owned=t10:1,t10:0,t10:2
member c3 inst=- rack=a gen=2 topics=t10 owned=-
member consumer-a inst=- rack=a gen=2 topics=t10 owned=t10:1,t10:0
member c4 inst=i15 rack=b gen=3 topics=t10 owned=t10:1,t10:2,t10:0
expect
result
AaBB 
consumer2 
c5 
BBAa 
c3 
consumer-a 
c4 
transferring t10:0=BBAa,t10:1=c3,t10:2=AaBB
end
scenario sticky 1
topic t0 18 -
topic BB 0 -
topic t10 19 b,c;;a;;a,b,c;c;a,b;a;a;a,b;a,b,c;;;a,c;;b,c;b;;a
topic topic-1 10 -
member c12 inst=- rack=a gen=- topics=t0 owned=t0:15,t0:7,t0:10
member BBBB inst=- rack=a gen=1 topics=t0 owned=-
member c9 inst=- rack=- gen=- topics=t0 owned=t0:6,t0:0,t10:0
member AaBB inst=i13 rack=c gen=1 topics=t0 owned=-
member BBAa inst=- rack=b gen=- topics=t0 owned=t0:2,t0:3,t0:14
member AaAa inst=- rack=c gen=3 topics=t0 owned=-
member c2 inst=- rack=- gen=3 topics=t0 owned=t0:13
member c6 inst=- rack=- gen=1 topics=t0 owned=-
member c7 inst=- rack=- gen=2 topics=t0 owned=t0:12,topic-1:8
member c4 inst=- rack=b gen=- topics=t0 owned=-
expect
result
c12 t0:10,t0:7
BBBB t0:17,t0:5
c9 t0:0,t0:6
AaBB t0:16,t0:4
BBAa t0:2,t0:3
AaAa t0:1,t0:15
c2 t0:11,t0:13
c6 t0:9
c7 t0:12,t0:14
c4 t0:8
transferring t0:14=c7,t0:15=AaAa
end
scenario sticky 0
topic BB 17 -
member c5 inst=i8 rack=- gen=3 topics=BB owned=BB:13
member c8 inst=- rack=c gen=- topics=BB owned=BB:6,BB:11
member BB inst=i7 rack=b gen=- topics=BB owned=BB:9,BB:14
member consumer2 inst=- rack=- gen=2 topics=BB owned=BB:8,BB:0,BB:5
member c12 inst=i7 rack=b gen=- topics=BB owned=BB:13,BB:11,BB:8
member c7 inst=i2 rack=- gen=- topics=BB owned=-
expect
result
c5 BB:12,BB:13,BB:2
c8 BB:15,BB:4,BB:6
BB BB:11,BB:14,BB:9
consumer2 BB:0,BB:5,BB:8
c12 BB:1,BB:16,BB:7
c7 BB:10,BB:3
transferring BB:11=BB
end
scenario sticky 1
topic topic-1 15 b,c;b,c;a,b;a,b,c;a,c;a,b,c;b;c;a;a,b;;a,b;a,c;;a,b,c
member c5 inst=- rack=b gen=2 topics=topic-1 owned=topic-1:8,topic-1:3
member consumer-b inst=- rack=c gen=- topics=topic-1 owned=topic-1:5,topic-1:4
member c2 inst=- rack=- gen=- topics=topic-1 owned=topic-1:5,topic-1:9,topic-1:10,topic-1:12
member c4 inst=i8 rack=c gen=1 topics=topic-1 owned=topic-1:13,topic-1:3
member BB inst=- rack=- gen=- topics=topic-1 owned=topic-1:11,topic-1:8,topic-1:12
member consumer1 inst=- rack=b gen=- topics=topic-1 owned=topic-1:14,topic-1:0,topic-1:5
member BBBB inst=- rack=a gen=- topics=topic-1,nonexistent owned=topic-1:3
member c6 inst=i8 rack=b gen=1 topics=topic-1 owned=topic-1:9,topic-1:3,topic-1:2,topic-1:14,topic-1:6
member AaAa inst=- rack=- gen=1 topics=topic-1 owned=-
member c12 inst=- rack=b gen=1 topics=topic-1 owned=topic-1:3
member AaBB inst=- rack=b gen=1 topics=topic-1 owned=topic-1:11,topic-1:1,topic-1:12,topic-1:5,topic-1:4
expect
result
c5 topic-1:3
consumer-b topic-1:2
c2 topic-1:10
c4 topic-1:12
BB topic-1:6,topic-1:7
consumer1 topic-1:0
BBBB topic-1:8
c6 topic-1:14,topic-1:9
AaAa topic-1:13,topic-1:4
c12 topic-1:1
AaBB topic-1:11,topic-1:5
transferring null
end
scenario cooperative-sticky 1
topic Aa 4 -
topic topic-1 3 -
topic t10 12 -
member BBBB inst=- rack=- gen=3 topics=Aa,topic-1 owned=-
member c5 inst=- rack=- gen=3 topics=Aa,topic-1 owned=-
member BBAa inst=- rack=- gen=- topics=Aa,topic-1 owned=-
member c11 inst=- rack=- gen=2 topics=Aa,topic-1 owned=Aa:1,Aa:0
member Aa inst=- rack=- gen=2 topics=Aa,topic-1 owned=Aa:0,topic-1:1
member c4 inst=- rack=- gen=3 topics=Aa,topic-1 owned=Aa:3
expect
result
BBBB Aa:2
c5 topic-1:0
BBAa 
c11 Aa:1
Aa topic-1:1,topic-1:2
c4 Aa:3
transferring Aa:0=BBAa
end
scenario sticky 0
topic BB 1 -
member c2 inst=- rack=- gen=- topics=BB owned=BB:0
member c8 inst=- rack=- gen=2 topics=BB owned=BB:0
member BBBB inst=i10 rack=- gen=1 topics=BB owned=BB:0
member AaBB inst=- rack=- gen=3 topics=BB owned=BB:0
member c3 inst=- rack=- gen=- topics=BB owned=BB:0
member consumer-b inst=i0 rack=- gen=- topics=BB owned=BB:0
member Aa inst=i0 rack=- gen=- topics=BB owned=BB:0
member c11 inst=- rack=- gen=2 topics=BB owned=BB:0
member c10 inst=- rack=- gen=- topics=BB owned=BB:0
expect
result
c2 
c8 
BBBB 
AaBB 
c3 
consumer-b 
Aa BB:0
c11 
c10 
transferring BB:0=Aa
end
scenario sticky 0
topic topic-1 20 -
topic t10 13 -
topic t0 8 -
member c11 inst=- rack=- gen=- topics=topic-1 owned=topic-1:3,topic-1:2,topic-1:6
member Aa inst=- rack=- gen=2 topics=topic-1,t10,t0 owned=-
member AaBB inst=- rack=- gen=- topics=topic-1,t10,t0 owned=-
member c1 inst=- rack=- gen=2 topics=t0 owned=-
member consumer2 inst=- rack=- gen=- topics=topic-1,t0 owned=topic-1:18
member c4 inst=- rack=- gen=1 topics=t10 owned=-
member c12 inst=- rack=- gen=1 topics=t10 owned=-
member BBAa inst=- rack=- gen=1 topics=t10,t0 owned=-
member c3 inst=- rack=- gen=- topics=t0 owned=-
member consumer-a inst=- rack=- gen=3 topics=t0 owned=t0:3
expect
result
c11 topic-1:13,topic-1:17,topic-1:2,topic-1:3,topic-1:6
Aa topic-1:0,topic-1:11,topic-1:15,topic-1:4,topic-1:8
AaBB topic-1:1,topic-1:12,topic-1:16,topic-1:5,topic-1:9
c1 t0:0,t0:2,t0:6
consumer2 topic-1:10,topic-1:14,topic-1:18,topic-1:19,topic-1:7
c4 t10:11,t10:2,t10:5,t10:8
c12 t10:1,t10:10,t10:4,t10:7
BBAa t10:0,t10:12,t10:3,t10:6,t10:9
c3 t0:1,t0:4,t0:7
consumer-a t0:3,t0:5
transferring null
end
scenario cooperative-sticky 0
topic t0 2 b,c;a,b
member c5 inst=- rack=c gen=3 topics=t0 owned=t0:0,t0:1
member AaBB inst=i2 rack=c gen=- topics=t0,nonexistent owned=t0:1,t0:0
expect
result
c5 t0:0
AaBB t0:1
transferring null
end
scenario sticky 0
topic t0 7 -
topic topic-1 2 -
topic x 2 -
topic Aa 1 -
member c4 inst=- rack=- gen=- topics=t0,Aa owned=t0:5
member BBBB inst=- rack=- gen=2 topics=topic-1,x,Aa owned=topic-1:1
member consumer2 inst=- rack=- gen=- topics=topic-1,Aa owned=topic-1:1
member AaAa inst=- rack=- gen=- topics=t0,topic-1,x,Aa owned=t0:1,t0:3,t0:0
member c9 inst=- rack=- gen=- topics=t0,topic-1,x,Aa owned=t0:2
member c1 inst=- rack=- gen=- topics=t0,topic-1,x,Aa owned=t0:1,x:0,topic-1:1
member c5 inst=- rack=- gen=- topics=x,Aa owned=Aa:0,x:1
expect
result
c4 t0:4,t0:5
BBBB topic-1:1
consumer2 topic-1:0
AaAa t0:0,t0:3
c9 t0:2,t0:6
c1 t0:1,x:0
c5 Aa:0,x:1
transferring null
end
scenario cooperative-sticky 0
topic t1 1 -
member AaBB inst=- rack=- gen=1 topics=t1 owned=t1:0
expect
result
AaBB t1:0
transferring 
end
scenario sticky 0
topic topic-1 7 -
member c9 inst=- rack=- gen=- topics=topic-1,nonexistent owned=topic-1:3,topic-1:4
member c5 inst=- rack=- gen=- topics=topic-1,nonexistent owned=topic-1:4,topic-1:0
member c8 inst=- rack=- gen=3 topics=topic-1,nonexistent owned=topic-1:1,topic-1:5,topic-1:0,topic-1:6
expect
result
c9 topic-1:3,topic-1:4
c5 topic-1:2,topic-1:6
c8 topic-1:0,topic-1:1,topic-1:5
transferring topic-1:4=c9,topic-1:6=c5
end
scenario cooperative-sticky 1
topic t10 13 -
member c1 inst=- rack=- gen=3 topics=t10 owned=t10:12,t10:7,t10:1
member c5 inst=- rack=- gen=1 topics=t10 owned=t10:5,t10:7,t10:2,t10:0
member c3 inst=- rack=- gen=2 topics=t10 owned=t10:10
member c4 inst=- rack=- gen=3 topics=t10 owned=t10:9,t10:4,t10:10
member c7 inst=i12 rack=- gen=- topics=t10 owned=t10:6,t10:12
expect
result
c1 t10:1,t10:12,t10:7
c5 t10:0,t10:2,t10:5
c3 t10:11,t10:3
c4 t10:10,t10:4,t10:9
c7 t10:6,t10:8
transferring 
end
scenario sticky 0
topic Aa 2 -
topic t10 0 -
topic topic-1 5 -
topic x 7 -
member Aa inst=- rack=- gen=2 topics=Aa,t10,topic-1,x owned=x:6,x:2,topic-1:2
member c8 inst=- rack=- gen=2 topics=Aa,t10,topic-1,x owned=topic-1:3,topic-1:1,topic-1:4
member consumer-b inst=- rack=- gen=3 topics=Aa,t10,topic-1,x owned=topic-1:0
member BB inst=- rack=- gen=1 topics=Aa,t10,topic-1,x owned=-
member BBAa inst=- rack=- gen=- topics=Aa,t10,topic-1,x owned=x:0,x:1,x:3
member c10 inst=- rack=- gen=3 topics=Aa,t10,topic-1,x owned=topic-1:3,x:5,Aa:0
expect
result
Aa topic-1:2,x:2,x:6
c8 topic-1:1,topic-1:4
consumer-b topic-1:0,x:3
BB Aa:1,x:4
BBAa x:0,x:1
c10 Aa:0,topic-1:3,x:5
transferring x:3=consumer-b
end
scenario sticky 0
topic t10 4 -
topic Aa 0 -
topic BB 1 c
topic t1 6 b,c;b;a,b,c;a;a,b,c;b
topic t2 0 -
member consumer1 inst=i3 rack=b gen=- topics=Aa,t2 owned=-
member c7 inst=- rack=- gen=- topics=t10,BB,t2 owned=-
member BB inst=- rack=b gen=1 topics=BB,t1,t2 owned=-
member c6 inst=- rack=b gen=- topics=t10,Aa,BB,t2 owned=-
expect
result
consumer1 
c7 BB:0,t10:2,t10:3
BB t1:0,t1:1,t1:2,t1:3,t1:4,t1:5
c6 t10:0,t10:1
transferring null
end
scenario cooperative-sticky 1
topic t10 11 -
member c9 inst=i9 rack=- gen=- topics=t10 owned=-
member c5 inst=- rack=- gen=3 topics=t10 owned=t10:0,t10:6,t10:3
member c6 inst=- rack=- gen=1 topics=t10 owned=t10:5
member consumer2 inst=- rack=- gen=2 topics=t10 owned=t10:4,t10:0,t10:7,t10:5,t10:1
member c10 inst=- rack=- gen=2 topics=t10 owned=t10:5,t10:4,t10:10
member c7 inst=- rack=- gen=1 topics=t10 owned=t10:8,t10:5
member BBAa inst=- rack=- gen=3 topics=t10 owned=t10:5,t10:1
member BB inst=- rack=- gen=1 topics=t10 owned=t10:1,t10:5
member c2 inst=i14 rack=- gen=1 topics=t10 owned=-
member consumer1 inst=- rack=- gen=2 topics=t10 owned=t10:6
expect
result
c9 
c5 t10:0,t10:3
c6 
consumer2 t10:7
c10 t10:10
c7 t10:8
BBAa t10:1
BB t10:2
c2 
consumer1 t10:9
transferring t10:4=c2,t10:5=c6,t10:6=c9
end
scenario sticky 1
topic Aa 4 -
topic t1 3 -
member AaBB inst=- rack=- gen=- topics=Aa owned=Aa:0,Aa:1
member Aa inst=- rack=- gen=- topics=Aa owned=-
member c10 inst=- rack=- gen=2 topics=Aa owned=-
member c7 inst=- rack=- gen=- topics=Aa,t1 owned=Aa:1,t1:2,Aa:2
member c1 inst=- rack=- gen=1 topics=t1 owned=t1:1
member c3 inst=- rack=- gen=- topics=Aa,t1 owned=Aa:1
expect
result
AaBB Aa:0
Aa Aa:1
c10 Aa:3
c7 Aa:2,t1:2
c1 t1:1
c3 t1:0
transferring null
end
scenario cooperative-sticky 1
topic BB 2 b;a,c
topic t10 5 b,c;a;a,b;;a
topic t2 1 -
member c7 inst=- rack=a gen=1 topics=BB,t10 owned=BB:0,BB:1
member c9 inst=- rack=a gen=3 topics=t10,t2 owned=t10:3
member c5 inst=- rack=c gen=- topics=BB,t10 owned=BB:1,t10:1
expect
result
c7 BB:1,t10:2
c9 t10:4,t2:0
c5 t10:0
transferring null
end
scenario cooperative-sticky 1
topic t1 5 -
member c12 inst=- rack=- gen=2 topics=t1,nonexistent owned=t1:1,t1:0,t1:2
member consumer-b inst=- rack=- gen=1 topics=t1 owned=t1:0,t1:1,t1:4,t1:2
member c1 inst=- rack=- gen=1 topics=t1 owned=t1:1,t1:4
expect
result
c12 t1:1,t1:2
consumer-b t1:0,t1:4
c1 t1:3
transferring null
end
scenario cooperative-sticky 0
topic Aa 4 -
topic x 4 -
topic t10 2 -
topic t1 4 -
member c10 inst=- rack=- gen=- topics=Aa,t10 owned=Aa:1
member c7 inst=- rack=- gen=- topics=x,t10 owned=-
member AaAa inst=- rack=- gen=- topics=t10,t1 owned=t1:3,t1:0
member c9 inst=- rack=- gen=1 topics=t10 owned=-
expect
result
c10 Aa:0,Aa:1,Aa:2,Aa:3
c7 x:0,x:1,x:2,x:3
AaAa t1:0,t1:1,t1:2,t1:3
c9 t10:0,t10:1
transferring null
end
scenario cooperative-sticky 1
topic t1 3 -
topic topic-1 7 -
topic x 2 -
topic Aa 5 -
member consumer-b inst=i8 rack=- gen=2 topics=t1,x owned=-
member Aa inst=- rack=- gen=2 topics=t1,x owned=x:1
member c12 inst=- rack=- gen=3 topics=t1,x owned=t1:0
member c9 inst=- rack=- gen=1 topics=t1,x owned=-
expect
result
consumer-b t1:2
Aa x:0,x:1
c12 t1:0
c9 t1:1
transferring 
end
scenario sticky 1
topic t0 5 -
topic t10 5 -
member BBAa inst=i2 rack=- gen=2 topics=t10 owned=t10:0,t10:1
member c10 inst=- rack=- gen=3 topics=t10 owned=t10:0
member BBBB inst=- rack=- gen=2 topics=t10 owned=-
member c7 inst=i15 rack=- gen=3 topics=t10 owned=t10:1
member c11 inst=- rack=- gen=1 topics=t10 owned=-
expect
result
BBAa t10:2
c10 t10:0
BBBB t10:3
c7 t10:1
c11 t10:4
transferring 
end
scenario sticky 1
topic x 0 -
topic Aa 6 -
member consumer1 inst=- rack=- gen=1 topics=Aa owned=Aa:5,Aa:0
member consumer-a inst=i4 rack=- gen=3 topics=Aa owned=Aa:4
member c10 inst=- rack=- gen=2 topics=Aa owned=Aa:4,Aa:3,Aa:1,Aa:0
member consumer2 inst=- rack=- gen=1 topics=Aa owned=Aa:2,Aa:1,Aa:3,Aa:0
expect
result
consumer1 Aa:5
consumer-a Aa:3,Aa:4
c10 Aa:0,Aa:1
consumer2 Aa:2
transferring Aa:3=consumer-a
end
scenario cooperative-sticky 0
topic BB 7 -
topic t10 7 -
topic t1 7 -
member c7 inst=- rack=- gen=- topics=BB,t10,t1 owned=t10:2,BB:3
member c11 inst=i11 rack=- gen=1 topics=BB,t10,t1 owned=t1:3,BB:3,BB:1
member c10 inst=- rack=- gen=1 topics=BB,t10,t1 owned=t10:3
member BB inst=- rack=- gen=3 topics=BB,t10,t1 owned=t1:3,t10:4,t10:3,t10:0
expect
result
c7 BB:5,t10:1,t10:2,t1:1,t1:5
c11 BB:1,BB:3,BB:4,t1:0,t1:4
c10 BB:2,BB:6,t10:5,t1:2,t1:6
BB BB:0,t10:0,t10:3,t10:4,t10:6,t1:3
transferring 
end
scenario sticky 0
topic topic-1 1 -
topic Aa 5 -
member consumer2 inst=- rack=- gen=- topics=topic-1,Aa owned=Aa:4,Aa:2,Aa:0,Aa:1,topic-1:0
member c12 inst=- rack=- gen=1 topics=topic-1,Aa owned=Aa:1,Aa:4,Aa:3,Aa:2
member c3 inst=i5 rack=- gen=2 topics=topic-1,Aa owned=topic-1:0
member c9 inst=- rack=- gen=3 topics=Aa owned=Aa:2
member c7 inst=- rack=- gen=2 topics=topic-1 owned=topic-1:0
member c10 inst=- rack=- gen=1 topics=topic-1,Aa owned=-
member consumer-a inst=- rack=- gen=1 topics=topic-1,Aa owned=Aa:0,Aa:4,Aa:3
member c11 inst=- rack=- gen=- topics=Aa owned=Aa:3,Aa:2,Aa:1
expect
result
consumer2 
c12 Aa:1
c3 Aa:4
c9 Aa:2
c7 
c10 topic-1:0
consumer-a Aa:0
c11 Aa:3
transferring null
end
scenario sticky 1
topic topic-1 5 -
topic x 4 -
member c2 inst=- rack=- gen=- topics=topic-1 owned=topic-1:4,x:0,topic-1:0
member c4 inst=i1 rack=- gen=1 topics=topic-1 owned=-
member Aa inst=i1 rack=- gen=1 topics=x owned=x:2
member consumer1 inst=- rack=- gen=3 topics=topic-1,x owned=-
member c12 inst=- rack=- gen=- topics=topic-1,x owned=x:2,topic-1:4,topic-1:0,topic-1:3
member BBAa inst=- rack=- gen=- topics=topic-1,x owned=x:3,x:1,topic-1:4,topic-1:0
expect
result
c2 topic-1:0,topic-1:4
c4 topic-1:1
Aa x:2
consumer1 x:0
c12 topic-1:2,topic-1:3
BBAa x:1,x:3
transferring null
end
scenario sticky 1
topic BB 5 -
topic t10 3 -
member BBBB inst=- rack=- gen=1 topics=t10 owned=t10:0,t10:1
member c2 inst=- rack=- gen=2 topics=t10 owned=t10:1,t10:0
member AaAa inst=i13 rack=- gen=1 topics=BB,t10 owned=t10:2,BB:2,t10:1,BB:1
member BBAa inst=- rack=- gen=1 topics=t10 owned=-
member consumer2 inst=i11 rack=- gen=- topics=BB owned=BB:1
member AaBB inst=- rack=- gen=1 topics=BB,t10 owned=t10:1,BB:4,t10:2
member c10 inst=- rack=- gen=1 topics=BB,t10 owned=BB:4,BB:2,BB:1
expect
result
BBBB t10:0
c2 t10:1
AaAa BB:0,BB:4
BBAa t10:2
consumer2 BB:3
AaBB BB:1
c10 BB:2
transferring null
end
scenario sticky 1
topic t0 16 -
topic BB 6 -
topic Aa 1 -
topic t2 14 -
member c9 inst=i17 rack=- gen=1 topics=t0,Aa,t2 owned=-
member c11 inst=- rack=- gen=2 topics=t0,Aa,t2 owned=t0:14,t2:5,t0:8,t0:3
member c2 inst=- rack=- gen=- topics=t0,Aa,t2 owned=-
member c7 inst=- rack=- gen=2 topics=t0,Aa,t2 owned=t0:2,t2:11
member c3 inst=i15 rack=- gen=2 topics=t0,Aa,t2 owned=-
expect
result
c9 t0:11,t0:5,t2:0,t2:12,t2:4,t2:8
c11 Aa:0,t0:14,t0:3,t0:6,t0:8,t2:13,t2:5
c2 t0:0,t0:12,t0:7,t2:1,t2:6,t2:9
c7 t0:10,t0:15,t0:2,t0:4,t2:11,t2:3
c3 t0:1,t0:13,t0:9,t2:10,t2:2,t2:7
transferring 
end
scenario sticky 1
topic t10 7 a,c;c;;;a,b;a,c;a,b,c
member BB inst=- rack=a gen=- topics=t10 owned=t10:5,t10:2,t10:3,t10:1
member c9 inst=- rack=a gen=3 topics=t10 owned=t10:1,t10:6,t10:0
member AaAa inst=i12 rack=c gen=- topics=t10 owned=-
expect
result
BB t10:4,t10:5
c9 t10:0,t10:3,t10:6
AaAa t10:1,t10:2
transferring t10:1=AaAa,t10:2=AaAa,t10:3=c9
end
scenario sticky 1
topic BB 6 -
topic t2 4 -
topic topic-1 6 -
topic t1 2 -
member c1 inst=i13 rack=- gen=1 topics=t2,topic-1,t1 owned=t2:0,topic-1:4
member c11 inst=- rack=- gen=- topics=t2 owned=-
member c8 inst=i4 rack=- gen=- topics=topic-1,t1 owned=t1:0,topic-1:2
expect
result
c1 t1:1,topic-1:1,topic-1:4,topic-1:5
c11 t2:0,t2:1,t2:2,t2:3
c8 t1:0,topic-1:0,topic-1:2,topic-1:3
transferring null
end
scenario cooperative-sticky 1
topic t2 0 -
topic topic-1 7 -
topic t1 8 -
topic t10 20 -
member c1 inst=i3 rack=- gen=1 topics=t2,t10 owned=t10:14,t10:0
member BBAa inst=- rack=- gen=3 topics=t2,t1 owned=-
member c6 inst=- rack=- gen=1 topics=t2,t1,t10 owned=t1:3
member c12 inst=i16 rack=- gen=- topics=t2,t1 owned=-
member c9 inst=i6 rack=- gen=2 topics=t2,t1 owned=t1:2
member AaBB inst=- rack=- gen=- topics=t2,t1,t10 owned=t1:5,topic-1:1
member consumer-b inst=- rack=- gen=3 topics=t2,topic-1,t10 owned=-
member BBBB inst=- rack=- gen=2 topics=t2,topic-1,t1 owned=-
member c3 inst=- rack=- gen=- topics=topic-1,t1,t10 owned=t10:1,t1:5,topic-1:0,topic-1:3,t10:2
member consumer2 inst=- rack=- gen=- topics=t2,topic-1,t1,t10 owned=topic-1:2
expect
result
c1 t10:13,t10:14,t10:19,t10:8
BBAa t1:0,t1:4,t1:7
c6 t10:15,t10:3,t10:5,t10:9
c12 t1:1
c9 t1:2,t1:6
AaBB t10:12,t10:18,t10:4,t10:7
consumer-b t10:10,t10:16,topic-1:4,topic-1:6
BBBB topic-1:5
c3 t10:1,t10:2,topic-1:3
consumer2 t10:11,t10:17,t10:6,topic-1:2
transferring null
end
scenario cooperative-sticky 0
topic BB 1 a,c
topic topic-1 10 -
topic Aa 15 ;a,b,c;a;b;a,b,c;a,b;c;b,c;c;c;a;a;a,b;c;b
member BBBB inst=- rack=a gen=- topics=topic-1,Aa owned=Aa:9
expect
result
BBBB Aa:0,Aa:1,Aa:10,Aa:11,Aa:12,Aa:13,Aa:14,Aa:2,Aa:3,Aa:4,Aa:5,Aa:6,Aa:7,Aa:8,Aa:9,topic-1:0,topic-1:1,topic-1:2,topic-1:3,topic-1:4,topic-1:5,topic-1:6,topic-1:7,topic-1:8,topic-1:9
transferring 
end
scenario cooperative-sticky 1
topic Aa 1 -
topic t1 5 -
topic BB 6 -
member BBBB inst=- rack=- gen=- topics=t1 owned=t1:4,t1:3,t1:2
member BBAa inst=- rack=- gen=1 topics=t1,nonexistent owned=t1:3
member c7 inst=- rack=- gen=1 topics=Aa owned=-
member consumer2 inst=- rack=- gen=- topics=Aa,t1 owned=-
member c4 inst=i7 rack=- gen=1 topics=Aa,t1 owned=BB:2,Aa:0,BB:3
expect
result
BBBB t1:2,t1:4
BBAa t1:1,t1:3
c7 
consumer2 t1:0
c4 Aa:0
transferring null
end
scenario cooperative-sticky 1
topic Aa 0 -
topic x 0 -
topic t0 6 -
member Aa inst=- rack=- gen=1 topics=Aa,x,t0 owned=t0:0
member BBAa inst=i17 rack=- gen=2 topics=Aa,x,t0 owned=t0:2,t0:4,t0:5
member AaAa inst=- rack=- gen=- topics=Aa,x,t0 owned=t0:4,t0:3
expect
result
Aa t0:0,t0:1
BBAa t0:2,t0:4
AaAa t0:3
transferring t0:5=AaAa
end
scenario cooperative-sticky 1
topic BB 5 -
topic t0 7 -
topic t1 4 -
member c12 inst=- rack=- gen=1 topics=BB,t0,nonexistent owned=t0:1,t0:3,t0:2,t0:5
member consumer1 inst=- rack=- gen=3 topics=t0 owned=t0:3
member c11 inst=- rack=- gen=- topics=t0 owned=-
member c1 inst=- rack=- gen=2 topics=BB owned=-
member BBAa inst=- rack=- gen=3 topics=t0 owned=t0:2,t0:6,t0:4
member c6 inst=i8 rack=- gen=1 topics=t0,t1 owned=t0:1,t0:2
expect
result
c12 BB:2,BB:4,t0:5
consumer1 t0:3
c11 t0:0
c1 BB:0,BB:1,BB:3
BBAa t0:4,t0:6
c6 t1:0,t1:1,t1:2,t1:3
transferring null
end
scenario cooperative-sticky 0
topic BB 6 a,b,c;a,b;a,c;a,b,c;a,b,c;a,b,c
member c12 inst=- rack=- gen=1 topics=BB owned=-
member c6 inst=- rack=a gen=2 topics=BB owned=-
member BB inst=- rack=c gen=- topics=BB owned=-
expect
result
c12 BB:4,BB:5
c6 BB:1,BB:2
BB BB:0,BB:3
transferring 
end
scenario sticky 1
topic BB 2 -
topic t0 4 b,c;c;b;b,c
topic Aa 0 -
topic t2 4 b,c;b,c;c;a
member c7 inst=- rack=c gen=- topics=BB,Aa,t2 owned=-
member BB inst=- rack=a gen=- topics=BB owned=BB:0
member c8 inst=i19 rack=c gen=3 topics=t0,Aa owned=t0:0
expect
result
c7 t2:0,t2:1,t2:2,t2:3
BB BB:0,BB:1
c8 t0:0,t0:1,t0:2,t0:3
transferring null
end
scenario sticky 0
topic topic-1 1 a,b,c
topic t0 4 -
member c6 inst=i14 rack=b gen=3 topics=t0,nonexistent owned=-
member AaAa inst=- rack=- gen=- topics=topic-1 owned=-
member c12 inst=- rack=- gen=1 topics=topic-1 owned=-
member c9 inst=- rack=b gen=2 topics=t0 owned=-
member consumer-a inst=- rack=c gen=- topics=topic-1,t0 owned=-
expect
result
c6 t0:0,t0:3
AaAa topic-1:0
c12 
c9 t0:1
consumer-a t0:2
transferring null
end
scenario sticky 1
topic BB 6 c;b,c;b;c;;b,c
topic x 3 ;b,c;a,c
topic topic-1 5 b;b;a,b;a;a,c
member c1 inst=- rack=a gen=2 topics=BB owned=-
member c7 inst=i15 rack=- gen=2 topics=BB owned=-
member c2 inst=- rack=c gen=- topics=BB owned=-
member c12 inst=- rack=a gen=- topics=BB owned=-
member BBAa inst=- rack=b gen=1 topics=BB owned=-
member consumer-b inst=- rack=a gen=2 topics=BB owned=-
expect
result
c1 BB:4
c7 BB:1
c2 BB:0
c12 BB:3
BBAa BB:2
consumer-b BB:5
transferring 
end
scenario sticky 1
topic x 0 -
topic t0 19 -
topic t10 14 -
topic t2 0 -
topic BB 0 -
member c9 inst=i1 rack=- gen=3 topics=t0,t10,BB owned=-
member c1 inst=i11 rack=- gen=3 topics=x,t10,t2,BB owned=t10:7,t10:4
expect
result
c9 t0:0,t0:1,t0:10,t0:11,t0:12,t0:13,t0:14,t0:15,t0:16,t0:17,t0:18,t0:2,t0:3,t0:4,t0:5,t0:6,t0:7,t0:8,t0:9
c1 t10:0,t10:1,t10:10,t10:11,t10:12,t10:13,t10:2,t10:3,t10:4,t10:5,t10:6,t10:7,t10:8,t10:9
transferring null
end
scenario sticky 1
topic Aa 11 -
topic t1 16 -
topic t0 11 -
member c2 inst=- rack=- gen=1 topics=t0 owned=Aa:0,t0:7
member BB inst=- rack=- gen=1 topics=t0 owned=Aa:10
member Aa inst=i16 rack=- gen=2 topics=t0 owned=-
expect
result
c2 t0:2,t0:5,t0:7,t0:9
BB t0:1,t0:4,t0:8
Aa t0:0,t0:10,t0:3,t0:6
transferring 
end
scenario cooperative-sticky 1
topic x 0 -
topic t2 7 -
member c3 inst=- rack=- gen=1 topics=x,t2,nonexistent owned=-
member consumer2 inst=- rack=- gen=3 topics=t2 owned=t2:2
member BBAa inst=- rack=- gen=- topics=x,t2 owned=t2:5
member c7 inst=- rack=- gen=3 topics=t2 owned=t2:4,t2:5,t2:3,t2:2
member c2 inst=- rack=- gen=3 topics=x owned=-
member c5 inst=i8 rack=- gen=3 topics=t2 owned=t2:0
member consumer-a inst=- rack=- gen=3 topics=t2,nonexistent owned=t2:3
member AaAa inst=- rack=- gen=- topics=t2 owned=t2:4,t2:2,t2:1
member c9 inst=- rack=- gen=1 topics=x,t2,nonexistent owned=-
member c4 inst=- rack=- gen=- topics=t2 owned=t2:0,t2:3,t2:6
expect
result
c3 
consumer2 
BBAa 
c7 t2:5
c2 
c5 t2:0
consumer-a 
AaAa t2:1
c9 
c4 t2:6
transferring null
end
scenario sticky 1
topic topic-1 7 a,b,c;b,c;a;a,c;a,b;;a
topic t0 2 ;a,c
topic BB 2 -
topic Aa 7 a,b,c;c;a;b;a,c;a,b,c;a,b,c
member c4 inst=i13 rack=- gen=1 topics=t0,nonexistent owned=-
member AaBB inst=- rack=b gen=3 topics=t0,BB,Aa owned=-
expect
result
c4 t0:0,t0:1
AaBB Aa:0,Aa:1,Aa:2,Aa:3,Aa:4,Aa:5,Aa:6,BB:0,BB:1
transferring null
end
scenario sticky 1
topic t10 17 c;a,b,c;a,b;c;a,b;a,b,c;c;b,c;;a,c;b;c;a,c;;b,c;a,b;b
topic t1 9 a;b;c;b,c;a,b,c;a,b,c;a,b;a,c;a
topic BB 14 -
topic x 6 a,c;b,c;a;;b,c;a,b
member c9 inst=- rack=b gen=3 topics=t10,t1 owned=t1:6
member consumer-b inst=- rack=a gen=3 topics=t10,t1,x,nonexistent owned=t1:8,t1:6
member c5 inst=i14 rack=c gen=- topics=t10,t1 owned=t10:0,t10:9,t10:12
member consumer2 inst=- rack=a gen=- topics=t10,t1,x owned=x:5
member c2 inst=- rack=a gen=1 topics=t10,nonexistent owned=t10:15,t10:14
member c3 inst=- rack=c gen=3 topics=t10,t1,BB,x owned=t1:1,x:3
member consumer-a inst=- rack=b gen=3 topics=t1,BB,x owned=x:4,x:0,t1:7
member AaAa inst=- rack=b gen=- topics=t10 owned=-
expect
result
c9 t10:10,t10:16,t1:1,t1:3,t1:5
consumer-b t1:7,t1:8,x:0,x:2,x:4
c5 t10:12,t10:6,t10:9,t1:2,t1:6
consumer2 t1:0,t1:4,x:1,x:3,x:5
c2 t10:0,t10:11,t10:13,t10:15,t10:4,t10:8
c3 BB:0,BB:10,BB:12,BB:2,BB:4,BB:6,BB:8
consumer-a BB:1,BB:11,BB:13,BB:3,BB:5,BB:7,BB:9
AaAa t10:1,t10:14,t10:2,t10:3,t10:5,t10:7
transferring null
end
scenario cooperative-sticky 1
topic t2 7 ;b;a,b;a;a,b;a,b,c;
topic topic-1 7 -
topic BB 5 b,c;a,b;c;b;c
topic t10 3 c;a;b
topic t1 5 a,b,c;b;a,b;a,b,c;b
member Aa inst=i5 rack=c gen=1 topics=t10,t1 owned=-
member AaBB inst=- rack=a gen=3 topics=topic-1,BB,t1 owned=-
member consumer2 inst=- rack=- gen=- topics=t2,topic-1,BB,t1 owned=-
member AaAa inst=- rack=b gen=1 topics=topic-1,BB owned=-
expect
result
Aa t10:0,t10:1,t10:2,t1:0,t1:1,t1:3
AaBB BB:1,BB:4,t1:2,t1:4,topic-1:3,topic-1:5,topic-1:6
consumer2 t2:0,t2:1,t2:2,t2:3,t2:4,t2:5,t2:6
AaAa BB:0,BB:2,BB:3,topic-1:0,topic-1:1,topic-1:2,topic-1:4
transferring null
end
scenario cooperative-sticky 1
topic x 7 -
topic t0 6 -
topic t10 8 -
topic t2 3 -
topic t1 4 -
member AaBB inst=i14 rack=- gen=1 topics=x,t10,t2 owned=x:5
member c10 inst=i14 rack=- gen=3 topics=x,t0,t10 owned=x:5
member c6 inst=i1 rack=- gen=1 topics=x,t10,t2 owned=t2:1,x:3
member consumer2 inst=- rack=- gen=1 topics=t10,t2,t1 owned=t2:2
member c3 inst=- rack=- gen=3 topics=x,t10 owned=x:5,t10:5
member c7 inst=- rack=- gen=- topics=x,t0,t2,t1,nonexistent owned=x:4
member consumer-a inst=- rack=- gen=2 topics=t10,t1 owned=-
member BB inst=- rack=- gen=2 topics=x,t0,t10,t2,nonexistent owned=-
member BBAa inst=- rack=- gen=- topics=x,t0,t10,t2 owned=t0:5,x:2
member BBBB inst=- rack=- gen=1 topics=t2,t1 owned=-
expect
result
AaBB t2:0,x:0,x:5
c10 t0:1,t0:3,t10:2
c6 t10:4,t2:1,x:3
consumer2 t10:0,t10:7,t2:2
c3 t10:3,t10:5,x:1
c7 t0:4,x:4
consumer-a t10:6,t1:1,t1:3
BB t0:0,t0:2,x:6
BBAa t0:5,t10:1,x:2
BBBB t1:0,t1:2
transferring null
end
scenario cooperative-sticky 1
topic t1 11 -
member c11 inst=- rack=- gen=1 topics=t1 owned=t1:1,t1:3,t1:5
member AaAa inst=- rack=- gen=3 topics=t1 owned=t1:7,t1:6
expect
result
c11 t1:1,t1:10,t1:2,t1:3,t1:5,t1:8
AaAa t1:0,t1:4,t1:6,t1:7,t1:9
transferring 
end
scenario cooperative-sticky 0
topic BB 16 a,b;a;c;a,b;b;b;a,b;b,c;b,c;b;b,c;c;b;b;b;a,b,c
topic t10 5 c;a;b;a,b,c;
topic topic-1 10 b;a,c;a;c;a,c;c;a;a,c;a,c;a,b,c
topic Aa 15 c;b;a,b,c;b;b;a;c;b,c;c;a;b;b;c;a,b,c;b,c
topic t1 5 -
member c6 inst=- rack=a gen=2 topics=BB,t10,topic-1,Aa,t1 owned=-
member c7 inst=- rack=a gen=1 topics=topic-1,Aa,t1 owned=-
member AaAa inst=- rack=a gen=1 topics=topic-1,Aa owned=-
member consumer-b inst=i4 rack=- gen=2 topics=Aa owned=-
member c1 inst=- rack=a gen=1 topics=t10,Aa owned=-
member c11 inst=- rack=a gen=- topics=BB,topic-1 owned=-
expect
result
c6 Aa:13,BB:1,BB:10,BB:12,BB:14,BB:5,BB:6,BB:8
c7 t1:0,t1:1,t1:2,t1:3,t1:4,topic-1:2,topic-1:6,topic-1:9
AaAa Aa:1,Aa:5,topic-1:0,topic-1:1,topic-1:3,topic-1:4,topic-1:5,topic-1:7,topic-1:8
consumer-b Aa:10,Aa:11,Aa:12,Aa:14,Aa:3,Aa:4,Aa:6,Aa:7,Aa:8
c1 Aa:0,Aa:2,Aa:9,t10:0,t10:1,t10:2,t10:3,t10:4
c11 BB:0,BB:11,BB:13,BB:15,BB:2,BB:3,BB:4,BB:7,BB:9
transferring null
end
scenario cooperative-sticky 1
topic BB 4 -
topic topic-1 7 -
member c7 inst=- rack=- gen=2 topics=BB,topic-1 owned=topic-1:0
expect
result
c7 BB:0,BB:1,BB:2,BB:3,topic-1:0,topic-1:1,topic-1:2,topic-1:3,topic-1:4,topic-1:5,topic-1:6
transferring 
end
scenario cooperative-sticky 0
topic t10 7 -
topic x 6 -
topic t2 1 -
topic topic-1 4 -
member c4 inst=- rack=- gen=- topics=t2,topic-1 owned=t2:0
member BBAa inst=- rack=- gen=2 topics=t2,topic-1 owned=-
member c3 inst=- rack=- gen=- topics=t2,topic-1 owned=-
member consumer1 inst=i14 rack=- gen=1 topics=t2,topic-1 owned=x:2
member c2 inst=- rack=- gen=2 topics=t2,topic-1 owned=t2:0,topic-1:1
expect
result
c4 topic-1:2
BBAa topic-1:0
c3 
consumer1 topic-1:3
c2 t2:0
transferring topic-1:1=c3
end
scenario cooperative-sticky 1
topic t2 16 -
topic t1 14 -
topic x 3 -
topic Aa 19 -
member c3 inst=i9 rack=- gen=3 topics=t2,x,Aa,nonexistent owned=t2:13,Aa:0,t2:9,Aa:10
member c9 inst=- rack=- gen=2 topics=t2,Aa,nonexistent owned=t2:0,Aa:4
member c11 inst=i13 rack=- gen=1 topics=t2,t1,x,Aa owned=t2:5,Aa:7,t2:9
member consumer2 inst=- rack=- gen=- topics=t1,x owned=t1:11
member BBAa inst=- rack=- gen=1 topics=t2,t1,x,Aa owned=t2:7,Aa:13,t1:6,Aa:1
member c4 inst=- rack=- gen=1 topics=t2,t1,x,Aa owned=Aa:1,t1:5,Aa:3,t1:8
member c8 inst=- rack=- gen=- topics=t1,x,Aa owned=Aa:4,Aa:16
member c2 inst=- rack=- gen=2 topics=t1,Aa owned=Aa:2,Aa:8
member c5 inst=- rack=- gen=3 topics=t2,t1,Aa,nonexistent owned=t2:3,t2:14
member AaAa inst=i11 rack=- gen=- topics=t1,x owned=t1:7
member BB inst=- rack=- gen=1 topics=t2,nonexistent owned=t1:9
member c12 inst=- rack=- gen=1 topics=t2,Aa owned=t2:9,t2:4
expect
result
c3 Aa:0,Aa:10,Aa:18,t2:13,t2:9
c9 Aa:11,Aa:4,t2:0,t2:11
c11 Aa:14,Aa:7,t1:13,t2:5
consumer2 t1:1,t1:11,x:2
BBAa Aa:12,Aa:13,t1:12,t1:6,t2:7
c4 Aa:3,Aa:5,t1:5,t1:8
c8 Aa:16,Aa:9,t1:4,x:1
c2 Aa:17,Aa:2,Aa:8,t1:2
c5 Aa:6,t1:3,t2:14,t2:3
AaAa t1:0,t1:10,t1:7,x:0
BB t2:1,t2:12,t2:2,t2:8
c12 Aa:15,t2:10,t2:15,t2:4,t2:6
transferring null
end
scenario cooperative-sticky 1
topic t0 0 -
topic BB 14 -
topic t2 19 -
topic Aa 0 -
member c10 inst=- rack=- gen=1 topics=t0,BB owned=-
member c3 inst=- rack=- gen=3 topics=BB,t2 owned=t2:13,t2:7
member BBBB inst=- rack=- gen=3 topics=t0,BB,t2,Aa owned=t2:11
member Aa inst=- rack=- gen=3 topics=t0,BB,Aa owned=-
member consumer-a inst=i1 rack=- gen=3 topics=BB,t2,Aa owned=t2:7,t2:17
member AaAa inst=- rack=- gen=1 topics=t0,BB,t2,Aa owned=BB:9,BB:10,BB:12
expect
result
c10 BB:1,BB:11,BB:3,BB:5,BB:7
c3 t2:1,t2:13,t2:14,t2:4,t2:8
BBBB t2:0,t2:11,t2:12,t2:18,t2:3
Aa BB:0,BB:13,BB:2,BB:4,BB:6,BB:8
consumer-a t2:15,t2:17,t2:2,t2:5,t2:9
AaAa BB:10,BB:12,BB:9,t2:10,t2:16,t2:6
transferring null
end
scenario cooperative-sticky 1
topic BB 7 -
topic t10 3 -
topic x 4 -
topic t0 3 -
member c2 inst=- rack=- gen=2 topics=BB,t10,x,t0 owned=t0:2
member consumer-a inst=- rack=- gen=3 topics=BB,t10,x,t0 owned=x:0,x:2,BB:6,BB:2,t10:2
member c3 inst=- rack=- gen=- topics=BB,t10,x,t0 owned=t0:2,x:1
member BB inst=- rack=- gen=2 topics=BB,t10,x,t0 owned=t0:2,BB:5,t10:1
member c11 inst=- rack=- gen=3 topics=BB,t10,x,t0 owned=t10:2,BB:0,BB:4
member c12 inst=- rack=- gen=- topics=BB,t10,x,t0 owned=t0:1,x:2
member c5 inst=- rack=- gen=- topics=BB,t10,x,t0 owned=t10:0,BB:2,x:3
expect
result
c2 BB:3,t0:0
consumer-a BB:2,x:0,x:2
c3 x:1
BB BB:5,t10:1
c11 BB:0,BB:4
c12 BB:1,t0:1
c5 t10:0,x:3
transferring BB:6=c3,t0:2=BB,t10:2=c11
end
scenario cooperative-sticky 1
topic t10 1 -
topic Aa 4 -
topic t0 19 -
topic x 15 -
topic topic-1 11 -
member consumer2 inst=- rack=- gen=2 topics=Aa,x,topic-1 owned=topic-1:1,x:11,t0:4
member BBBB inst=- rack=- gen=1 topics=t10,Aa,topic-1,nonexistent owned=Aa:1,x:0
member consumer-b inst=- rack=- gen=3 topics=t10,topic-1 owned=-
member c8 inst=- rack=- gen=- topics=t10,Aa,t0,x,topic-1 owned=x:5,Aa:0,t0:13,t0:9,t10:0
expect
result
consumer2 x:1,x:10,x:11,x:12,x:13,x:14,x:2,x:3,x:4,x:6,x:7,x:8,x:9
BBBB Aa:1,Aa:2,Aa:3,topic-1:10,topic-1:4,topic-1:6,topic-1:8,x:0
consumer-b topic-1:0,topic-1:2,topic-1:3,topic-1:5,topic-1:7,topic-1:9
c8 t0:0,t0:1,t0:10,t0:11,t0:12,t0:13,t0:14,t0:15,t0:16,t0:17,t0:18,t0:2,t0:3,t0:5,t0:6,t0:7,t0:8,t0:9
transferring null
end
scenario cooperative-sticky 1
topic topic-1 7 -
topic t2 6 -
topic BB 4 -
member c2 inst=- rack=- gen=1 topics=t2,BB,nonexistent owned=-
member c6 inst=- rack=- gen=2 topics=topic-1,t2 owned=t2:0,t2:4
member BBBB inst=- rack=- gen=1 topics=BB owned=-
member c10 inst=- rack=- gen=2 topics=t2,BB owned=-
expect
result
c2 BB:2,t2:2,t2:5
c6 topic-1:0,topic-1:1,topic-1:2,topic-1:3,topic-1:4,topic-1:5,topic-1:6
BBBB BB:0,BB:1,BB:3
c10 t2:1,t2:3
transferring null
end
scenario sticky 0
topic x 3 -
topic Aa 4 -
topic t2 2 -
member AaBB inst=- rack=- gen=- topics=Aa owned=-
member c8 inst=i5 rack=- gen=1 topics=Aa owned=x:0
member c11 inst=i11 rack=- gen=- topics=x owned=-
member BBAa inst=- rack=- gen=3 topics=x,t2 owned=t2:1
member c3 inst=- rack=- gen=3 topics=x,t2 owned=x:2,x:1,t2:1
member consumer-a inst=- rack=- gen=1 topics=Aa,t2 owned=t2:1,Aa:2,Aa:3
expect
result
AaBB Aa:0
c8 Aa:1
c11 x:0
BBAa t2:0,t2:1
c3 x:1,x:2
consumer-a Aa:2,Aa:3
transferring null
end
scenario sticky 1
topic t1 5 -
topic x 11 -
topic BB 17 -
topic t10 4 -
topic Aa 1 -
member AaAa inst=- rack=- gen=1 topics=t1,x owned=t10:0,t10:2
member BBAa inst=- rack=- gen=1 topics=t1,x owned=-
member c7 inst=- rack=- gen=2 topics=t1,x owned=x:1
member c12 inst=- rack=- gen=2 topics=t1,x owned=-
member c10 inst=- rack=- gen=- topics=t1,x owned=x:5
member c5 inst=i11 rack=- gen=1 topics=t1,x owned=-
expect
result
AaAa t1:0,x:2,x:9
BBAa t1:1,x:10,x:3
c7 x:0,x:1,x:8
c12 t1:3,x:4
c10 t1:2,x:5,x:7
c5 t1:4,x:6
transferring 
end
scenario sticky 1
topic topic-1 6 -
member c10 inst=- rack=- gen=3 topics=topic-1,nonexistent owned=topic-1:5
member c11 inst=- rack=- gen=- topics=topic-1 owned=topic-1:2
member c2 inst=- rack=- gen=- topics=topic-1,nonexistent owned=topic-1:4
member c12 inst=- rack=- gen=- topics=topic-1 owned=topic-1:5,topic-1:1,topic-1:2
member BB inst=- rack=- gen=3 topics=topic-1 owned=topic-1:1,topic-1:3,topic-1:4,topic-1:2
expect
result
c10 topic-1:5
c11 topic-1:0,topic-1:2
c2 topic-1:3
c12 topic-1:1
BB topic-1:4
transferring null
end
scenario cooperative-sticky 1
topic t1 7 ;c;;;;a,b;b,c
topic t10 2 ;b,c
topic Aa 6 -
member c9 inst=i1 rack=b gen=2 topics=t1,Aa owned=t1:6,t1:4,t1:1
member Aa inst=i4 rack=c gen=- topics=t1 owned=t1:3
member BBAa inst=i7 rack=a gen=1 topics=t10 owned=-
member c4 inst=- rack=b gen=- topics=t1,t10 owned=t1:5,t1:3
member c8 inst=- rack=b gen=- topics=t10 owned=Aa:5,t10:0
expect
result
c9 Aa:0,Aa:1,Aa:2,Aa:3,Aa:4
Aa t1:0,t1:3
BBAa 
c4 t1:2,t1:5
c8 t10:1
transferring null
end
scenario sticky 1
topic x 18 -
topic BB 3 -
member consumer-a inst=- rack=- gen=- topics=x,nonexistent owned=-
member AaBB inst=- rack=- gen=2 topics=x,nonexistent owned=x:7
member BBAa inst=- rack=- gen=- topics=x,nonexistent owned=x:15,x:17,x:8
member Aa inst=i12 rack=- gen=2 topics=x,nonexistent owned=x:15
expect
result
consumer-a x:12,x:13,x:3,x:9
AaBB x:1,x:11,x:5,x:7
BBAa x:14,x:17,x:2,x:6,x:8
Aa x:0,x:10,x:15,x:16,x:4
transferring 
end
scenario sticky 0
topic BB 4 -
member c8 inst=- rack=- gen=3 topics=BB owned=BB:3,BB:2,BB:0
member c5 inst=- rack=- gen=3 topics=BB owned=BB:2,BB:0,BB:1
expect
result
c8 BB:2,BB:3
c5 BB:0,BB:1
transferring BB:0=c5,BB:2=c8
end
scenario sticky 0
topic t1 0 -
topic t10 3 -
topic Aa 0 -
member Aa inst=- rack=- gen=3 topics=t1,Aa owned=-
member c4 inst=- rack=- gen=2 topics=t1,Aa owned=t10:2
member c6 inst=i1 rack=- gen=- topics=t1,Aa owned=-
member c12 inst=- rack=- gen=3 topics=t1,t10 owned=t10:0
member c7 inst=- rack=- gen=1 topics=t10,Aa owned=t10:0,t10:2
member BBBB inst=- rack=- gen=1 topics=Aa owned=-
expect
result
Aa 
c4 
c6 
c12 t10:0,t10:2
c7 t10:1
BBBB 
transferring null
end
scenario cooperative-sticky 0
topic t1 4 -
member c5 inst=- rack=- gen=2 topics=t1 owned=t1:3,t1:0
expect
result
c5 t1:0,t1:1,t1:2,t1:3
transferring 
end
scenario cooperative-sticky 0
topic t2 1 b
topic t0 2 a;c
topic t10 6 a,b;b;a,b;a,b;a,c;b
member consumer-a inst=- rack=b gen=3 topics=t0,t10 owned=-
member BBBB inst=- rack=a gen=3 topics=t0,t10 owned=t10:2,t10:1
expect
result
consumer-a t0:1,t10:3,t10:5
BBBB t0:0,t10:0,t10:2,t10:4
transferring t10:1=consumer-a
end
scenario sticky 1
topic Aa 6 -
topic t0 6 -
topic BB 7 -
topic topic-1 1 -
topic t2 4 -
member c1 inst=- rack=- gen=- topics=BB,topic-1,t2,nonexistent owned=BB:6,topic-1:0
member c3 inst=- rack=- gen=- topics=Aa,BB,topic-1,t2 owned=-
member BBBB inst=- rack=- gen=- topics=BB,topic-1,t2,nonexistent owned=BB:3,BB:0
member Aa inst=- rack=- gen=- topics=t2 owned=-
member c9 inst=- rack=- gen=2 topics=t0,BB,topic-1,t2 owned=t2:3,t0:2,BB:1,BB:4
expect
result
c1 BB:4,BB:5,BB:6,topic-1:0
c3 Aa:0,Aa:1,Aa:2,Aa:3,Aa:4,Aa:5
BBBB BB:0,BB:1,BB:2,BB:3
Aa t2:0,t2:1,t2:2,t2:3
c9 t0:0,t0:1,t0:2,t0:3,t0:4,t0:5
transferring null
end
scenario cooperative-sticky 0
topic topic-1 4 a,b;;b;
topic t2 4 c;b,c;b,c;c
topic Aa 0 -
member c7 inst=- rack=a gen=2 topics=topic-1,Aa,nonexistent owned=-
member c6 inst=i19 rack=b gen=2 topics=topic-1 owned=-
member consumer2 inst=i3 rack=a gen=- topics=topic-1,t2,nonexistent owned=-
member BBBB inst=i19 rack=b gen=- topics=topic-1 owned=-
member c12 inst=- rack=a gen=3 topics=t2 owned=-
member AaBB inst=i10 rack=- gen=1 topics=topic-1,t2 owned=-
expect
result
c7 topic-1:1
c6 topic-1:2
consumer2 t2:1,t2:3
BBBB topic-1:0
c12 t2:0,t2:2
AaBB topic-1:3
transferring null
end
scenario cooperative-sticky 0
topic t1 0 -
topic x 6 -
member consumer2 inst=- rack=- gen=3 topics=x owned=x:5,x:4
member AaAa inst=- rack=- gen=3 topics=t1 owned=x:2
member consumer-a inst=- rack=- gen=2 topics=x owned=x:5,x:3
member BBBB inst=- rack=- gen=- topics=x owned=x:2,x:5
member c5 inst=- rack=- gen=- topics=t1,x owned=x:5,x:1,x:3
member c9 inst=i4 rack=- gen=3 topics=t1,x owned=x:5,x:3,x:2,x:4
expect
result
consumer2 x:4
AaAa 
consumer-a 
BBBB x:0,x:5
c5 x:1
c9 x:3
transferring null
end
scenario sticky 1
topic Aa 2 -
topic x 4 -
member consumer-a inst=- rack=- gen=- topics=x owned=-
member c9 inst=- rack=- gen=3 topics=x owned=x:1,x:0,x:3
member c12 inst=i1 rack=- gen=1 topics=Aa owned=-
member AaAa inst=- rack=- gen=1 topics=Aa owned=-
member AaBB inst=- rack=- gen=1 topics=x owned=x:0
member consumer2 inst=- rack=- gen=3 topics=Aa,x owned=x:3,x:2
expect
result
consumer-a x:0
c9 x:1
c12 Aa:1
AaAa Aa:0
AaBB x:3
consumer2 x:2
transferring null
end
scenario sticky 0
topic BB 3 -
topic t1 4 -
topic t2 3 -
member Aa inst=i7 rack=- gen=3 topics=t1,t2 owned=-
member c10 inst=- rack=- gen=1 topics=t1,t2 owned=-
member c1 inst=i10 rack=- gen=- topics=t1,t2 owned=t2:2,t1:0
member c5 inst=i10 rack=- gen=- topics=t1,t2 owned=t1:1,t2:1
expect
result
Aa t1:2,t2:0
c10 t1:3
c1 t1:0,t2:2
c5 t1:1,t2:1
transferring 
end
"#;

const SERVER_VECTORS: &str = r#"
scenario uniform homo
topic dqG1wskrDf-Ns0aEJkDxUA topic0-122 3
topic k7TTuAv5wHyysu3-ISPufQ topic1-830 0
topic 9W3FzLwKMdPj5hCQDcHYSg topic2-8 2
member m32x0 inst=- subs=9W3FzLwKMdPj5hCQDcHYSg,dqG1wskrDf-Ns0aEJkDxUA asg=-
member m45x1 inst=- subs=9W3FzLwKMdPj5hCQDcHYSg,dqG1wskrDf-Ns0aEJkDxUA asg=-
expect
result
m32x0 dqG1wskrDf-Ns0aEJkDxUA:0,1,2
m45x1 9W3FzLwKMdPj5hCQDcHYSg:0,1
end
scenario uniform homo
topic IRtbXMvds4tXBDVWFbotMA topic0-126 19
topic iLWaZ4_tLdhIqoxkZWSYNQ topic1-144 26
topic AOHGyQOPaYZtk0Q_-b9Jqg topic2-126 0
topic Amgdk9BrqMOIJMAwIGwCkA topic3-639 30
member m68x0 inst=- subs=iLWaZ4_tLdhIqoxkZWSYNQ,IRtbXMvds4tXBDVWFbotMA asg=Amgdk9BrqMOIJMAwIGwCkA:0,2
member m29x1 inst=- subs=iLWaZ4_tLdhIqoxkZWSYNQ,IRtbXMvds4tXBDVWFbotMA asg=Amgdk9BrqMOIJMAwIGwCkA:18,28,22;iLWaZ4_tLdhIqoxkZWSYNQ:1,10,23,25;IRtbXMvds4tXBDVWFbotMA:12
member m70x2 inst=i46 subs=iLWaZ4_tLdhIqoxkZWSYNQ,IRtbXMvds4tXBDVWFbotMA asg=iLWaZ4_tLdhIqoxkZWSYNQ:7,12,17,22;IRtbXMvds4tXBDVWFbotMA:6,18
member m69x3 inst=- subs=iLWaZ4_tLdhIqoxkZWSYNQ,IRtbXMvds4tXBDVWFbotMA asg=iLWaZ4_tLdhIqoxkZWSYNQ:20
member m93x4 inst=i33 subs=iLWaZ4_tLdhIqoxkZWSYNQ,IRtbXMvds4tXBDVWFbotMA asg=Amgdk9BrqMOIJMAwIGwCkA:20,27;IRtbXMvds4tXBDVWFbotMA:13,15
member m83x5 inst=- subs=iLWaZ4_tLdhIqoxkZWSYNQ,IRtbXMvds4tXBDVWFbotMA asg=Amgdk9BrqMOIJMAwIGwCkA:7,19
member m31x6 inst=- subs=iLWaZ4_tLdhIqoxkZWSYNQ,IRtbXMvds4tXBDVWFbotMA asg=iLWaZ4_tLdhIqoxkZWSYNQ:8,11;IRtbXMvds4tXBDVWFbotMA:7;Amgdk9BrqMOIJMAwIGwCkA:4,29
member m80x7 inst=- subs=iLWaZ4_tLdhIqoxkZWSYNQ,IRtbXMvds4tXBDVWFbotMA asg=IRtbXMvds4tXBDVWFbotMA:2;iLWaZ4_tLdhIqoxkZWSYNQ:19,24;Amgdk9BrqMOIJMAwIGwCkA:1,5
member m14x8 inst=- subs=iLWaZ4_tLdhIqoxkZWSYNQ,IRtbXMvds4tXBDVWFbotMA asg=Amgdk9BrqMOIJMAwIGwCkA:26;IRtbXMvds4tXBDVWFbotMA:5,11;iLWaZ4_tLdhIqoxkZWSYNQ:6
member m57x9 inst=- subs=iLWaZ4_tLdhIqoxkZWSYNQ,IRtbXMvds4tXBDVWFbotMA asg=Amgdk9BrqMOIJMAwIGwCkA:24
member m24x10 inst=- subs=iLWaZ4_tLdhIqoxkZWSYNQ,IRtbXMvds4tXBDVWFbotMA asg=iLWaZ4_tLdhIqoxkZWSYNQ:4;IRtbXMvds4tXBDVWFbotMA:17
member m15x11 inst=i44 subs=iLWaZ4_tLdhIqoxkZWSYNQ,IRtbXMvds4tXBDVWFbotMA asg=IRtbXMvds4tXBDVWFbotMA:1,3,8;iLWaZ4_tLdhIqoxkZWSYNQ:13;Amgdk9BrqMOIJMAwIGwCkA:10,16
member m10x12 inst=- subs=iLWaZ4_tLdhIqoxkZWSYNQ,IRtbXMvds4tXBDVWFbotMA asg=iLWaZ4_tLdhIqoxkZWSYNQ:2,9;Amgdk9BrqMOIJMAwIGwCkA:11,14,21;IRtbXMvds4tXBDVWFbotMA:16
expect
result
m10x12 IRtbXMvds4tXBDVWFbotMA:16;iLWaZ4_tLdhIqoxkZWSYNQ:2,9
m14x8 IRtbXMvds4tXBDVWFbotMA:5,11;iLWaZ4_tLdhIqoxkZWSYNQ:6
m15x11 IRtbXMvds4tXBDVWFbotMA:1,3,8
m24x10 IRtbXMvds4tXBDVWFbotMA:17;iLWaZ4_tLdhIqoxkZWSYNQ:4,13
m29x1 iLWaZ4_tLdhIqoxkZWSYNQ:1,10,23,25
m31x6 IRtbXMvds4tXBDVWFbotMA:7;iLWaZ4_tLdhIqoxkZWSYNQ:8,11
m57x9 IRtbXMvds4tXBDVWFbotMA:6,12,18
m68x0 iLWaZ4_tLdhIqoxkZWSYNQ:0,3,5,14
m69x3 iLWaZ4_tLdhIqoxkZWSYNQ:15,16,18,20
m70x2 iLWaZ4_tLdhIqoxkZWSYNQ:7,12,17,22
m80x7 IRtbXMvds4tXBDVWFbotMA:2;iLWaZ4_tLdhIqoxkZWSYNQ:19,24
m83x5 IRtbXMvds4tXBDVWFbotMA:4,9,10,14
m93x4 IRtbXMvds4tXBDVWFbotMA:0,13,15;iLWaZ4_tLdhIqoxkZWSYNQ:21
end
scenario range hetero
topic MeYyyvm9p2I0j2_ShM1tmg topic0-609 5
topic fWEu0ZGPmZ6mRxnihj2edQ topic1-712 4
topic JRSgEUItxP1Q8qUtGbYi2Q topic2-523 2
topic KxIWt_VBilzJLXMcnLH4Qg topic3-785 8
topic 1nfjpRZAH6Jv5cDeXurBFg topic4-736 6
member m87x0 inst=- subs=MeYyyvm9p2I0j2_ShM1tmg,JRSgEUItxP1Q8qUtGbYi2Q,fWEu0ZGPmZ6mRxnihj2edQ,1nfjpRZAH6Jv5cDeXurBFg,KxIWt_VBilzJLXMcnLH4Qg asg=KxIWt_VBilzJLXMcnLH4Qg:0,4;fWEu0ZGPmZ6mRxnihj2edQ:1;MeYyyvm9p2I0j2_ShM1tmg:1
member m98x1 inst=- subs=JRSgEUItxP1Q8qUtGbYi2Q,KxIWt_VBilzJLXMcnLH4Qg,MeYyyvm9p2I0j2_ShM1tmg,fWEu0ZGPmZ6mRxnihj2edQ asg=KxIWt_VBilzJLXMcnLH4Qg:1;1nfjpRZAH6Jv5cDeXurBFg:2
member m44x2 inst=- subs=MeYyyvm9p2I0j2_ShM1tmg,JRSgEUItxP1Q8qUtGbYi2Q asg=1nfjpRZAH6Jv5cDeXurBFg:3;MeYyyvm9p2I0j2_ShM1tmg:0,2;KxIWt_VBilzJLXMcnLH4Qg:3
member m80x3 inst=- subs=1nfjpRZAH6Jv5cDeXurBFg,fWEu0ZGPmZ6mRxnihj2edQ,KxIWt_VBilzJLXMcnLH4Qg asg=1nfjpRZAH6Jv5cDeXurBFg:1,5;MeYyyvm9p2I0j2_ShM1tmg:3;fWEu0ZGPmZ6mRxnihj2edQ:2
member m31x4 inst=- subs=MeYyyvm9p2I0j2_ShM1tmg,fWEu0ZGPmZ6mRxnihj2edQ asg=fWEu0ZGPmZ6mRxnihj2edQ:3;KxIWt_VBilzJLXMcnLH4Qg:7;MeYyyvm9p2I0j2_ShM1tmg:4
expect
result
m31x4 MeYyyvm9p2I0j2_ShM1tmg:0,1;fWEu0ZGPmZ6mRxnihj2edQ:0
m44x2 JRSgEUItxP1Q8qUtGbYi2Q:0;MeYyyvm9p2I0j2_ShM1tmg:2
m80x3 1nfjpRZAH6Jv5cDeXurBFg:0,1,2;KxIWt_VBilzJLXMcnLH4Qg:0,1,2;fWEu0ZGPmZ6mRxnihj2edQ:1
m87x0 1nfjpRZAH6Jv5cDeXurBFg:3,4,5;JRSgEUItxP1Q8qUtGbYi2Q:1;KxIWt_VBilzJLXMcnLH4Qg:3,4,5;MeYyyvm9p2I0j2_ShM1tmg:3;fWEu0ZGPmZ6mRxnihj2edQ:2
m98x1 KxIWt_VBilzJLXMcnLH4Qg:6,7;MeYyyvm9p2I0j2_ShM1tmg:4;fWEu0ZGPmZ6mRxnihj2edQ:3
end
scenario uniform hetero
topic zTGhJfzi5y2ay1RvgHizNw topic0-784 4
topic FGwUHwB4dHCLe7eh3zABWw topic1-376 3
member m28x0 inst=- subs=zTGhJfzi5y2ay1RvgHizNw,FGwUHwB4dHCLe7eh3zABWw asg=FGwUHwB4dHCLe7eh3zABWw:2
member m39x1 inst=- subs=zTGhJfzi5y2ay1RvgHizNw asg=zTGhJfzi5y2ay1RvgHizNw:3
member m43x2 inst=- subs=zTGhJfzi5y2ay1RvgHizNw asg=FGwUHwB4dHCLe7eh3zABWw:0
member m60x3 inst=- subs=zTGhJfzi5y2ay1RvgHizNw asg=FGwUHwB4dHCLe7eh3zABWw:1
member m67x4 inst=- subs=FGwUHwB4dHCLe7eh3zABWw asg=zTGhJfzi5y2ay1RvgHizNw:1
expect
result
m28x0 FGwUHwB4dHCLe7eh3zABWw:2
m39x1 zTGhJfzi5y2ay1RvgHizNw:3
m43x2 zTGhJfzi5y2ay1RvgHizNw:0,2
m60x3 zTGhJfzi5y2ay1RvgHizNw:1
m67x4 FGwUHwB4dHCLe7eh3zABWw:0,1
end
scenario range homo
topic rh7F2YAg_xuc7TYmQ-Kdzw topic0-593 1
member m51x0 inst=i14 subs=rh7F2YAg_xuc7TYmQ-Kdzw asg=-
member m7x1 inst=- subs=rh7F2YAg_xuc7TYmQ-Kdzw asg=rh7F2YAg_xuc7TYmQ-Kdzw:0
expect
result
m51x0 rh7F2YAg_xuc7TYmQ-Kdzw:0
m7x1 -
end
scenario range homo
topic kuvJJtxg7aE9OCdpp7lm8g topic0-395 5
topic xKrY-YqKzF1cm31RNB_icw topic1-48 1
topic SCWB_3XwnfMMD_4gl2mgHg topic2-506 2
member m9x0 inst=i11 subs=xKrY-YqKzF1cm31RNB_icw asg=-
member m99x1 inst=- subs=xKrY-YqKzF1cm31RNB_icw asg=kuvJJtxg7aE9OCdpp7lm8g:4;SCWB_3XwnfMMD_4gl2mgHg:1
member m18x2 inst=i12 subs=xKrY-YqKzF1cm31RNB_icw asg=kuvJJtxg7aE9OCdpp7lm8g:1,3
expect
result
m18x2 -
m99x1 -
m9x0 xKrY-YqKzF1cm31RNB_icw:0
end
scenario range homo
topic QnLgRvCDm3RMfo4_YAxWPA topic0-472 8
member m5x0 inst=- subs=QnLgRvCDm3RMfo4_YAxWPA asg=QnLgRvCDm3RMfo4_YAxWPA:0,1,2,3,5,6
expect
result
m5x0 QnLgRvCDm3RMfo4_YAxWPA:0,1,2,3,4,5,6,7
end
scenario uniform homo
topic nEriqzRK0NbeLbp1Mqy88Q topic0-879 6
topic Yo4lt34BtwPipP-UlaPkeQ topic1-500 7
topic fV9L985fST4a4EgbYbRwfw topic2-400 2
topic QPdnDn7GPTGHVSAMLLcc1w topic3-241 0
member m23x0 inst=- subs=fV9L985fST4a4EgbYbRwfw,Yo4lt34BtwPipP-UlaPkeQ,nEriqzRK0NbeLbp1Mqy88Q,QPdnDn7GPTGHVSAMLLcc1w asg=-
member m21x1 inst=- subs=fV9L985fST4a4EgbYbRwfw,Yo4lt34BtwPipP-UlaPkeQ,nEriqzRK0NbeLbp1Mqy88Q,QPdnDn7GPTGHVSAMLLcc1w asg=-
member m13x2 inst=- subs=fV9L985fST4a4EgbYbRwfw,Yo4lt34BtwPipP-UlaPkeQ,nEriqzRK0NbeLbp1Mqy88Q,QPdnDn7GPTGHVSAMLLcc1w asg=-
member m58x3 inst=- subs=fV9L985fST4a4EgbYbRwfw,Yo4lt34BtwPipP-UlaPkeQ,nEriqzRK0NbeLbp1Mqy88Q,QPdnDn7GPTGHVSAMLLcc1w asg=-
member m41x4 inst=i0 subs=fV9L985fST4a4EgbYbRwfw,Yo4lt34BtwPipP-UlaPkeQ,nEriqzRK0NbeLbp1Mqy88Q,QPdnDn7GPTGHVSAMLLcc1w asg=-
expect
result
m13x2 Yo4lt34BtwPipP-UlaPkeQ:6;nEriqzRK0NbeLbp1Mqy88Q:0,1
m21x1 Yo4lt34BtwPipP-UlaPkeQ:3,4,5
m23x0 Yo4lt34BtwPipP-UlaPkeQ:0,1,2
m41x4 fV9L985fST4a4EgbYbRwfw:0,1;nEriqzRK0NbeLbp1Mqy88Q:5
m58x3 nEriqzRK0NbeLbp1Mqy88Q:2,3,4
end
scenario uniform homo
topic x-bxefvetmlwjqNU-3yFxg topic0-646 4
topic W6BFGUFeGcpb4_3lHq3AMg topic1-130 0
topic 4bFWsw3tbcpyRbz0wvOs1w topic2-607 6
topic jxnHwpg4JQ4_keX8OxMdeg topic3-989 8
topic s3JEBb9-UrOXoaqKEFgohA topic4-789 3
member m92x0 inst=- subs=jxnHwpg4JQ4_keX8OxMdeg,s3JEBb9-UrOXoaqKEFgohA asg=-
member m26x1 inst=i34 subs=jxnHwpg4JQ4_keX8OxMdeg,s3JEBb9-UrOXoaqKEFgohA asg=-
member m93x2 inst=- subs=jxnHwpg4JQ4_keX8OxMdeg,s3JEBb9-UrOXoaqKEFgohA asg=-
member m84x3 inst=- subs=jxnHwpg4JQ4_keX8OxMdeg,s3JEBb9-UrOXoaqKEFgohA asg=-
member m54x4 inst=- subs=jxnHwpg4JQ4_keX8OxMdeg,s3JEBb9-UrOXoaqKEFgohA asg=-
member m23x5 inst=- subs=jxnHwpg4JQ4_keX8OxMdeg,s3JEBb9-UrOXoaqKEFgohA asg=-
expect
result
m23x5 s3JEBb9-UrOXoaqKEFgohA:2
m26x1 jxnHwpg4JQ4_keX8OxMdeg:2,3
m54x4 s3JEBb9-UrOXoaqKEFgohA:0,1
m84x3 jxnHwpg4JQ4_keX8OxMdeg:6,7
m92x0 jxnHwpg4JQ4_keX8OxMdeg:0,1
m93x2 jxnHwpg4JQ4_keX8OxMdeg:4,5
end
scenario uniform hetero
topic 6cwvYYaf1OyskSxO1LDx8g topic0-771 17
member m26x0 inst=- subs=6cwvYYaf1OyskSxO1LDx8g asg=6cwvYYaf1OyskSxO1LDx8g:1
member m2x1 inst=- subs=6cwvYYaf1OyskSxO1LDx8g asg=6cwvYYaf1OyskSxO1LDx8g:6
member m98x2 inst=- subs=6cwvYYaf1OyskSxO1LDx8g asg=6cwvYYaf1OyskSxO1LDx8g:5,10,16
member m60x3 inst=- subs=6cwvYYaf1OyskSxO1LDx8g asg=-
member m74x4 inst=- subs=6cwvYYaf1OyskSxO1LDx8g asg=6cwvYYaf1OyskSxO1LDx8g:2,3
member m78x5 inst=i45 subs=6cwvYYaf1OyskSxO1LDx8g asg=6cwvYYaf1OyskSxO1LDx8g:0,4
member m48x6 inst=- subs=- asg=6cwvYYaf1OyskSxO1LDx8g:8,13
expect
result
m26x0 6cwvYYaf1OyskSxO1LDx8g:1,9,13
m2x1 6cwvYYaf1OyskSxO1LDx8g:6,11,14
m48x6 -
m60x3 6cwvYYaf1OyskSxO1LDx8g:7,8,12
m74x4 6cwvYYaf1OyskSxO1LDx8g:2,3,15
m78x5 6cwvYYaf1OyskSxO1LDx8g:0,4
m98x2 6cwvYYaf1OyskSxO1LDx8g:5,10,16
end
scenario range homo
topic 09tOOoTbu5uKz2yM57Hk3Q topic0-45 8
topic Z9ncJxUJum195hkQG9l9Vg topic1-345 8
topic tOlGE5YwKMiEq0MaYnL4wQ topic2-469 5
topic 6b0dfpmK79uCChEo2xK_hg topic3-860 7
member m22x0 inst=i48 subs=tOlGE5YwKMiEq0MaYnL4wQ,09tOOoTbu5uKz2yM57Hk3Q,6b0dfpmK79uCChEo2xK_hg asg=-
member m47x1 inst=- subs=tOlGE5YwKMiEq0MaYnL4wQ,09tOOoTbu5uKz2yM57Hk3Q,6b0dfpmK79uCChEo2xK_hg asg=-
expect
result
m22x0 09tOOoTbu5uKz2yM57Hk3Q:0,1,2,3;6b0dfpmK79uCChEo2xK_hg:0,1,2,3;tOlGE5YwKMiEq0MaYnL4wQ:0,1,2
m47x1 09tOOoTbu5uKz2yM57Hk3Q:4,5,6,7;6b0dfpmK79uCChEo2xK_hg:4,5,6;tOlGE5YwKMiEq0MaYnL4wQ:3,4
end
scenario range hetero
topic fi4yKbSrMDuSU9X6whx7fg topic0-892 0
topic qHszV14xpw3cA5-qY_O1Vw topic1-51 7
topic 46-4Aj_YybvpMLF9XSb73g topic2-644 6
topic zBJW-H3vWrLcPzhy45kEDg topic3-406 1
member m2x0 inst=- subs=qHszV14xpw3cA5-qY_O1Vw,fi4yKbSrMDuSU9X6whx7fg,46-4Aj_YybvpMLF9XSb73g asg=46-4Aj_YybvpMLF9XSb73g:0;zBJW-H3vWrLcPzhy45kEDg:0
member m86x1 inst=- subs=46-4Aj_YybvpMLF9XSb73g,JJIJOq7gl8R7kka9v7XbsA,fi4yKbSrMDuSU9X6whx7fg asg=qHszV14xpw3cA5-qY_O1Vw:1,3
member m80x2 inst=- subs=fi4yKbSrMDuSU9X6whx7fg,zBJW-H3vWrLcPzhy45kEDg,qHszV14xpw3cA5-qY_O1Vw,46-4Aj_YybvpMLF9XSb73g asg=qHszV14xpw3cA5-qY_O1Vw:6
member m14x3 inst=- subs=fi4yKbSrMDuSU9X6whx7fg,qHszV14xpw3cA5-qY_O1Vw asg=46-4Aj_YybvpMLF9XSb73g:2;qHszV14xpw3cA5-qY_O1Vw:0,4
member m52x4 inst=- subs=qHszV14xpw3cA5-qY_O1Vw,fi4yKbSrMDuSU9X6whx7fg,46-4Aj_YybvpMLF9XSb73g asg=46-4Aj_YybvpMLF9XSb73g:1
member m30x5 inst=- subs=JJIJOq7gl8R7kka9v7XbsA,qHszV14xpw3cA5-qY_O1Vw,fi4yKbSrMDuSU9X6whx7fg,zBJW-H3vWrLcPzhy45kEDg asg=qHszV14xpw3cA5-qY_O1Vw:2,5;46-4Aj_YybvpMLF9XSb73g:4,3
expect
error PartitionAssignorException
end
scenario uniform homo
topic fPJXcxlHBG67TidDCYqjUQ topic0-389 3
topic 3f-dPtQ0lT7E59xTXQ0F9Q topic1-465 4
member m13x0 inst=- subs=fPJXcxlHBG67TidDCYqjUQ asg=-
member m43x1 inst=- subs=fPJXcxlHBG67TidDCYqjUQ asg=-
member m93x2 inst=i39 subs=fPJXcxlHBG67TidDCYqjUQ asg=3f-dPtQ0lT7E59xTXQ0F9Q:0
member m24x3 inst=- subs=fPJXcxlHBG67TidDCYqjUQ asg=3f-dPtQ0lT7E59xTXQ0F9Q:2;fPJXcxlHBG67TidDCYqjUQ:2
member m44x4 inst=i9 subs=fPJXcxlHBG67TidDCYqjUQ asg=3f-dPtQ0lT7E59xTXQ0F9Q:3
member m73x5 inst=- subs=fPJXcxlHBG67TidDCYqjUQ asg=-
expect
result
m13x0 fPJXcxlHBG67TidDCYqjUQ:0
m24x3 -
m43x1 fPJXcxlHBG67TidDCYqjUQ:1
m44x4 -
m73x5 -
m93x2 fPJXcxlHBG67TidDCYqjUQ:2
end
scenario uniform homo
topic B-5-K9CFip_GU_DGFTB-vQ topic0-735 9
topic 0x35gLD6lm8TxLsNs_7f8Q topic1-729 19
topic BoN53VLJ0WKIWNABFe-RzA topic2-364 0
topic vyH27qjOkV0lVEGoDex-dQ topic3-227 11
topic PppYRqelRApJ2KETW-lIjQ topic4-613 6
member m39x0 inst=i21 subs=B-5-K9CFip_GU_DGFTB-vQ,PppYRqelRApJ2KETW-lIjQ,BoN53VLJ0WKIWNABFe-RzA,vyH27qjOkV0lVEGoDex-dQ asg=-
member m69x1 inst=- subs=B-5-K9CFip_GU_DGFTB-vQ,PppYRqelRApJ2KETW-lIjQ,BoN53VLJ0WKIWNABFe-RzA,vyH27qjOkV0lVEGoDex-dQ asg=-
member m86x2 inst=- subs=B-5-K9CFip_GU_DGFTB-vQ,PppYRqelRApJ2KETW-lIjQ,BoN53VLJ0WKIWNABFe-RzA,vyH27qjOkV0lVEGoDex-dQ asg=-
member m22x3 inst=- subs=B-5-K9CFip_GU_DGFTB-vQ,PppYRqelRApJ2KETW-lIjQ,BoN53VLJ0WKIWNABFe-RzA,vyH27qjOkV0lVEGoDex-dQ asg=-
member m88x4 inst=- subs=B-5-K9CFip_GU_DGFTB-vQ,PppYRqelRApJ2KETW-lIjQ,BoN53VLJ0WKIWNABFe-RzA,vyH27qjOkV0lVEGoDex-dQ asg=-
expect
result
m22x3 PppYRqelRApJ2KETW-lIjQ:0;vyH27qjOkV0lVEGoDex-dQ:7,8,9,10
m39x0 B-5-K9CFip_GU_DGFTB-vQ:0,1,2,3,4,5
m69x1 B-5-K9CFip_GU_DGFTB-vQ:6,7,8;vyH27qjOkV0lVEGoDex-dQ:0,1
m86x2 vyH27qjOkV0lVEGoDex-dQ:2,3,4,5,6
m88x4 PppYRqelRApJ2KETW-lIjQ:1,2,3,4,5
end
scenario range homo
topic vbLZ4NRf2CtQYoIAldBSqg topic0-421 5
member m13x0 inst=i9 subs=vbLZ4NRf2CtQYoIAldBSqg asg=vbLZ4NRf2CtQYoIAldBSqg:0,4
member m31x1 inst=- subs=vbLZ4NRf2CtQYoIAldBSqg asg=vbLZ4NRf2CtQYoIAldBSqg:1
expect
result
m13x0 vbLZ4NRf2CtQYoIAldBSqg:0,1,2
m31x1 vbLZ4NRf2CtQYoIAldBSqg:3,4
end
scenario uniform hetero
topic 4c9potNeOYWjxOwb7S_k9A topic0-844 7
topic mtTFw1HrDoi7DAh_xht26Q topic1-150 2
topic ufPAbYtClp2eSHOxOYxjbA topic2-391 2
topic RCBdOY-YQViEGKE25YjxRw topic3-963 8
member m37x0 inst=- subs=RCBdOY-YQViEGKE25YjxRw,mtTFw1HrDoi7DAh_xht26Q asg=4c9potNeOYWjxOwb7S_k9A:0;ufPAbYtClp2eSHOxOYxjbA:1;RCBdOY-YQViEGKE25YjxRw:2,5
member m86x1 inst=- subs=RCBdOY-YQViEGKE25YjxRw,mtTFw1HrDoi7DAh_xht26Q,4c9potNeOYWjxOwb7S_k9A asg=mtTFw1HrDoi7DAh_xht26Q:0;RCBdOY-YQViEGKE25YjxRw:3,6;4c9potNeOYWjxOwb7S_k9A:1,2,5
member m17x2 inst=- subs=4c9potNeOYWjxOwb7S_k9A,ufPAbYtClp2eSHOxOYxjbA asg=4c9potNeOYWjxOwb7S_k9A:4,6;RCBdOY-YQViEGKE25YjxRw:1;mtTFw1HrDoi7DAh_xht26Q:1
expect
result
m17x2 4c9potNeOYWjxOwb7S_k9A:0,3,4,6;ufPAbYtClp2eSHOxOYxjbA:0,1
m37x0 RCBdOY-YQViEGKE25YjxRw:0,1,2,4,5,7;mtTFw1HrDoi7DAh_xht26Q:1
m86x1 4c9potNeOYWjxOwb7S_k9A:1,2,5;RCBdOY-YQViEGKE25YjxRw:3,6;mtTFw1HrDoi7DAh_xht26Q:0
end
scenario range homo
topic LGuDwWClp7-aiRNzp40BFw topic0-167 30
topic 6CDMrS5ha5qU2oFXxbhsJg topic1-786 12
member m1x0 inst=- subs=LGuDwWClp7-aiRNzp40BFw asg=LGuDwWClp7-aiRNzp40BFw:6,16
member m29x1 inst=- subs=LGuDwWClp7-aiRNzp40BFw asg=LGuDwWClp7-aiRNzp40BFw:17
member m42x2 inst=- subs=LGuDwWClp7-aiRNzp40BFw asg=6CDMrS5ha5qU2oFXxbhsJg:2,6
member m61x3 inst=- subs=LGuDwWClp7-aiRNzp40BFw asg=6CDMrS5ha5qU2oFXxbhsJg:0,4,3,5;LGuDwWClp7-aiRNzp40BFw:4,13
member m18x4 inst=- subs=LGuDwWClp7-aiRNzp40BFw asg=LGuDwWClp7-aiRNzp40BFw:0,5;6CDMrS5ha5qU2oFXxbhsJg:1
member m49x5 inst=i7 subs=LGuDwWClp7-aiRNzp40BFw asg=6CDMrS5ha5qU2oFXxbhsJg:10;LGuDwWClp7-aiRNzp40BFw:20
member m88x6 inst=- subs=LGuDwWClp7-aiRNzp40BFw asg=LGuDwWClp7-aiRNzp40BFw:12,9,8,19,26,29;6CDMrS5ha5qU2oFXxbhsJg:8
member m13x7 inst=- subs=LGuDwWClp7-aiRNzp40BFw asg=6CDMrS5ha5qU2oFXxbhsJg:11;LGuDwWClp7-aiRNzp40BFw:1,21,24,25
expect
result
m13x7 LGuDwWClp7-aiRNzp40BFw:4,5,6,7
m18x4 LGuDwWClp7-aiRNzp40BFw:8,9,10,11
m1x0 LGuDwWClp7-aiRNzp40BFw:12,13,14,15
m29x1 LGuDwWClp7-aiRNzp40BFw:16,17,18,19
m42x2 LGuDwWClp7-aiRNzp40BFw:20,21,22,23
m49x5 LGuDwWClp7-aiRNzp40BFw:0,1,2,3
m61x3 LGuDwWClp7-aiRNzp40BFw:24,25,26
m88x6 LGuDwWClp7-aiRNzp40BFw:27,28,29
end
scenario range homo
topic zpoAbPQnVvqyjL7OHmRnHQ topic0-768 5
topic goQ1ClAvdj5ntoB8RMq07g topic1-558 25
topic GRIsj0KCncHzUPeKySPWmw topic2-713 5
topic Zp4w5Cl6JC8_aNyW1BDTUg topic3-761 17
member m14x0 inst=- subs=Zp4w5Cl6JC8_aNyW1BDTUg asg=-
member m57x1 inst=- subs=Zp4w5Cl6JC8_aNyW1BDTUg asg=-
expect
result
m14x0 Zp4w5Cl6JC8_aNyW1BDTUg:0,1,2,3,4,5,6,7,8
m57x1 Zp4w5Cl6JC8_aNyW1BDTUg:9,10,11,12,13,14,15,16
end
scenario uniform homo
topic wL4sYT2up9mz2K60e3cgIA topic0-252 23
topic 8Ph0A6N9OLTrr-kxWBtI9A topic1-24 24
topic 8tPsmDzb6GTKxaGodhT-UA topic2-895 0
topic zl_GKKwFi5z60vitLxmhbg topic3-625 8
topic 9fTr0YiZp-vyczeTGCX6Pg topic4-421 24
member m49x0 inst=i4 subs=8Ph0A6N9OLTrr-kxWBtI9A,wL4sYT2up9mz2K60e3cgIA,8tPsmDzb6GTKxaGodhT-UA asg=-
member m33x1 inst=- subs=8Ph0A6N9OLTrr-kxWBtI9A,wL4sYT2up9mz2K60e3cgIA,8tPsmDzb6GTKxaGodhT-UA asg=-
member m12x2 inst=- subs=8Ph0A6N9OLTrr-kxWBtI9A,wL4sYT2up9mz2K60e3cgIA,8tPsmDzb6GTKxaGodhT-UA asg=-
member m85x3 inst=- subs=8Ph0A6N9OLTrr-kxWBtI9A,wL4sYT2up9mz2K60e3cgIA,8tPsmDzb6GTKxaGodhT-UA asg=-
expect
result
m12x2 wL4sYT2up9mz2K60e3cgIA:0,1,2,3,4,5,6,7,8,9,10,11
m33x1 8Ph0A6N9OLTrr-kxWBtI9A:12,13,14,15,16,17,18,19,20,21,22,23
m49x0 8Ph0A6N9OLTrr-kxWBtI9A:0,1,2,3,4,5,6,7,8,9,10,11
m85x3 wL4sYT2up9mz2K60e3cgIA:12,13,14,15,16,17,18,19,20,21,22
end
scenario uniform hetero
topic mlrO1Uw6_8whocq_5mfc5w topic0-370 5
topic 9nwgt6gLdsoRaY-VopfbZg topic1-539 2
topic eX7NZ-J1LAw2JO4McqgVrQ topic2-773 7
topic SQw4AlPtweNZwR_zCahqyg topic3-188 8
member m84x0 inst=- subs=eX7NZ-J1LAw2JO4McqgVrQ asg=mlrO1Uw6_8whocq_5mfc5w:0,3,4;SQw4AlPtweNZwR_zCahqyg:7
member m68x1 inst=- subs=eX7NZ-J1LAw2JO4McqgVrQ,mlrO1Uw6_8whocq_5mfc5w asg=SQw4AlPtweNZwR_zCahqyg:3;eX7NZ-J1LAw2JO4McqgVrQ:0,5
member m4x2 inst=- subs=SQw4AlPtweNZwR_zCahqyg,9nwgt6gLdsoRaY-VopfbZg,mlrO1Uw6_8whocq_5mfc5w asg=eX7NZ-J1LAw2JO4McqgVrQ:1,6;mlrO1Uw6_8whocq_5mfc5w:2;SQw4AlPtweNZwR_zCahqyg:2,5
member m60x3 inst=- subs=9nwgt6gLdsoRaY-VopfbZg,SQw4AlPtweNZwR_zCahqyg,mlrO1Uw6_8whocq_5mfc5w asg=9nwgt6gLdsoRaY-VopfbZg:0,1;SQw4AlPtweNZwR_zCahqyg:0,4
member m8x4 inst=- subs=mlrO1Uw6_8whocq_5mfc5w,eX7NZ-J1LAw2JO4McqgVrQ,SQw4AlPtweNZwR_zCahqyg asg=eX7NZ-J1LAw2JO4McqgVrQ:2,3;mlrO1Uw6_8whocq_5mfc5w:1
expect
result
m4x2 SQw4AlPtweNZwR_zCahqyg:1,2,5,6;mlrO1Uw6_8whocq_5mfc5w:2
m60x3 9nwgt6gLdsoRaY-VopfbZg:0,1;SQw4AlPtweNZwR_zCahqyg:0,4
m68x1 eX7NZ-J1LAw2JO4McqgVrQ:0,5;mlrO1Uw6_8whocq_5mfc5w:0,3,4
m84x0 eX7NZ-J1LAw2JO4McqgVrQ:1,3,4,6
m8x4 SQw4AlPtweNZwR_zCahqyg:3,7;eX7NZ-J1LAw2JO4McqgVrQ:2;mlrO1Uw6_8whocq_5mfc5w:1
end
scenario uniform hetero
topic FY4PeUiMicRo1M05ZN4Blg topic0-611 8
topic 91vI9GC-34Hdou1j3L7qQw topic1-467 4
member m53x0 inst=i18 subs=FY4PeUiMicRo1M05ZN4Blg asg=FY4PeUiMicRo1M05ZN4Blg:6,7,5
member m38x1 inst=- subs=FY4PeUiMicRo1M05ZN4Blg,91vI9GC-34Hdou1j3L7qQw asg=91vI9GC-34Hdou1j3L7qQw:3,1;FY4PeUiMicRo1M05ZN4Blg:0,1,2
expect
result
m38x1 91vI9GC-34Hdou1j3L7qQw:0,1,2,3;FY4PeUiMicRo1M05ZN4Blg:0,1
m53x0 FY4PeUiMicRo1M05ZN4Blg:2,3,4,5,6,7
end
scenario uniform hetero
topic Cx9_W6UHUMM086-GlNGAwA topic0-489 5
topic vHUYCKaZKBHcsG8oY-09cw topic1-70 2
topic dHFYqTARLLZPZ1Z7UWsOgg topic2-482 1
topic U9jxg0h9IdxVGmFuQ9dwfA topic3-655 2
member m34x0 inst=- subs=vHUYCKaZKBHcsG8oY-09cw,U9jxg0h9IdxVGmFuQ9dwfA,dHFYqTARLLZPZ1Z7UWsOgg,Cx9_W6UHUMM086-GlNGAwA asg=-
member m83x1 inst=i23 subs=Cx9_W6UHUMM086-GlNGAwA,dHFYqTARLLZPZ1Z7UWsOgg,vHUYCKaZKBHcsG8oY-09cw asg=-
member m92x2 inst=- subs=vHUYCKaZKBHcsG8oY-09cw,dHFYqTARLLZPZ1Z7UWsOgg asg=-
expect
result
m34x0 Cx9_W6UHUMM086-GlNGAwA:0,2;U9jxg0h9IdxVGmFuQ9dwfA:0,1
m83x1 Cx9_W6UHUMM086-GlNGAwA:1,3,4
m92x2 dHFYqTARLLZPZ1Z7UWsOgg:0;vHUYCKaZKBHcsG8oY-09cw:0,1
end
scenario uniform homo
topic PxPwmHDEQzfUMcn3hkKyNQ topic0-417 16
member m27x0 inst=i15 subs=PxPwmHDEQzfUMcn3hkKyNQ asg=PxPwmHDEQzfUMcn3hkKyNQ:6,11,1
member m27x1 inst=- subs=PxPwmHDEQzfUMcn3hkKyNQ asg=PxPwmHDEQzfUMcn3hkKyNQ:0
member m60x2 inst=i23 subs=PxPwmHDEQzfUMcn3hkKyNQ asg=PxPwmHDEQzfUMcn3hkKyNQ:5,7,13
member m65x3 inst=- subs=PxPwmHDEQzfUMcn3hkKyNQ asg=PxPwmHDEQzfUMcn3hkKyNQ:4,14
member m15x4 inst=- subs=PxPwmHDEQzfUMcn3hkKyNQ asg=PxPwmHDEQzfUMcn3hkKyNQ:9
expect
result
m15x4 PxPwmHDEQzfUMcn3hkKyNQ:9,12,15
m27x0 PxPwmHDEQzfUMcn3hkKyNQ:1,2,6,11
m27x1 PxPwmHDEQzfUMcn3hkKyNQ:0,3,8
m60x2 PxPwmHDEQzfUMcn3hkKyNQ:5,7,13
m65x3 PxPwmHDEQzfUMcn3hkKyNQ:4,10,14
end
scenario range hetero
topic icU23Krv5q8I1AAsEgYtvQ topic0-202 6
topic u39lvjHZ_w4E_03j6T7IBg topic1-131 0
member m82x0 inst=- subs=JJIJOq7gl8R7kka9v7XbsA,u39lvjHZ_w4E_03j6T7IBg,icU23Krv5q8I1AAsEgYtvQ asg=-
member m65x1 inst=- subs=u39lvjHZ_w4E_03j6T7IBg,icU23Krv5q8I1AAsEgYtvQ asg=-
expect
error PartitionAssignorException
end
scenario range homo
topic Lkm5orFZvngX0sC4rN6mBg topic0-396 6
member m94x0 inst=i43 subs=Lkm5orFZvngX0sC4rN6mBg asg=Lkm5orFZvngX0sC4rN6mBg:4
member m10x1 inst=- subs=Lkm5orFZvngX0sC4rN6mBg asg=Lkm5orFZvngX0sC4rN6mBg:3,5
member m34x2 inst=- subs=Lkm5orFZvngX0sC4rN6mBg asg=Lkm5orFZvngX0sC4rN6mBg:2
member m81x3 inst=- subs=Lkm5orFZvngX0sC4rN6mBg asg=Lkm5orFZvngX0sC4rN6mBg:0
expect
result
m10x1 Lkm5orFZvngX0sC4rN6mBg:2,3
m34x2 Lkm5orFZvngX0sC4rN6mBg:4
m81x3 Lkm5orFZvngX0sC4rN6mBg:5
m94x0 Lkm5orFZvngX0sC4rN6mBg:0,1
end
scenario uniform homo
topic 9lVOsR6mOzXUGE_Pjfgd6Q topic0-313 2
member m83x0 inst=- subs=9lVOsR6mOzXUGE_Pjfgd6Q asg=-
member m53x1 inst=- subs=9lVOsR6mOzXUGE_Pjfgd6Q asg=-
member m8x2 inst=- subs=9lVOsR6mOzXUGE_Pjfgd6Q asg=-
expect
result
m53x1 9lVOsR6mOzXUGE_Pjfgd6Q:1
m83x0 9lVOsR6mOzXUGE_Pjfgd6Q:0
m8x2 -
end
scenario range homo
topic R3Xyyyj8dmB5LdnksCuZZw topic0-213 7
topic fGB4F09K1Yc3CmdvO-MfLg topic1-890 2
member m47x0 inst=- subs=R3Xyyyj8dmB5LdnksCuZZw asg=-
member m97x1 inst=- subs=R3Xyyyj8dmB5LdnksCuZZw asg=R3Xyyyj8dmB5LdnksCuZZw:2
member m6x2 inst=- subs=R3Xyyyj8dmB5LdnksCuZZw asg=R3Xyyyj8dmB5LdnksCuZZw:5;fGB4F09K1Yc3CmdvO-MfLg:1
member m37x3 inst=- subs=R3Xyyyj8dmB5LdnksCuZZw asg=fGB4F09K1Yc3CmdvO-MfLg:0
member m80x4 inst=- subs=R3Xyyyj8dmB5LdnksCuZZw asg=R3Xyyyj8dmB5LdnksCuZZw:0
expect
result
m37x3 R3Xyyyj8dmB5LdnksCuZZw:0,1
m47x0 R3Xyyyj8dmB5LdnksCuZZw:2,3
m6x2 R3Xyyyj8dmB5LdnksCuZZw:4
m80x4 R3Xyyyj8dmB5LdnksCuZZw:5
m97x1 R3Xyyyj8dmB5LdnksCuZZw:6
end
scenario uniform hetero
topic qsvJYyG0HfLVsCYtMwBCjA topic0-564 5
topic 8XnGY-kyXho4PDfNWYqNnQ topic1-638 7
topic SkmDESAlq_GhHlA3RE7OlQ topic2-724 29
topic ig1-wbSag41P8zdXzUF98w topic3-780 8
topic mde2V2omy4MNx-XPnWq1uw topic4-701 30
member m69x0 inst=- subs=8XnGY-kyXho4PDfNWYqNnQ,mde2V2omy4MNx-XPnWq1uw,ig1-wbSag41P8zdXzUF98w,qsvJYyG0HfLVsCYtMwBCjA asg=mde2V2omy4MNx-XPnWq1uw:6,13,16;SkmDESAlq_GhHlA3RE7OlQ:22,9,17,27,26;8XnGY-kyXho4PDfNWYqNnQ:4,6;qsvJYyG0HfLVsCYtMwBCjA:3;ig1-wbSag41P8zdXzUF98w:6
member m24x1 inst=i30 subs=qsvJYyG0HfLVsCYtMwBCjA,8XnGY-kyXho4PDfNWYqNnQ,JJIJOq7gl8R7kka9v7XbsA,ig1-wbSag41P8zdXzUF98w,SkmDESAlq_GhHlA3RE7OlQ asg=SkmDESAlq_GhHlA3RE7OlQ:8,3,1,6;qsvJYyG0HfLVsCYtMwBCjA:4;ig1-wbSag41P8zdXzUF98w:1,2,7;8XnGY-kyXho4PDfNWYqNnQ:1;mde2V2omy4MNx-XPnWq1uw:3,2,24,1
member m11x2 inst=i5 subs=mde2V2omy4MNx-XPnWq1uw,ig1-wbSag41P8zdXzUF98w,8XnGY-kyXho4PDfNWYqNnQ asg=ig1-wbSag41P8zdXzUF98w:4;mde2V2omy4MNx-XPnWq1uw:9,0,14,5,27;SkmDESAlq_GhHlA3RE7OlQ:4,15,24
member m75x3 inst=- subs=ig1-wbSag41P8zdXzUF98w,8XnGY-kyXho4PDfNWYqNnQ,mde2V2omy4MNx-XPnWq1uw,qsvJYyG0HfLVsCYtMwBCjA asg=SkmDESAlq_GhHlA3RE7OlQ:5,10,11,12,16,20,21;mde2V2omy4MNx-XPnWq1uw:29,20,4,25,8,19;ig1-wbSag41P8zdXzUF98w:0;8XnGY-kyXho4PDfNWYqNnQ:0,5
member m81x4 inst=- subs=ig1-wbSag41P8zdXzUF98w,qsvJYyG0HfLVsCYtMwBCjA,mde2V2omy4MNx-XPnWq1uw,8XnGY-kyXho4PDfNWYqNnQ,SkmDESAlq_GhHlA3RE7OlQ asg=mde2V2omy4MNx-XPnWq1uw:10,11,17,21,28;SkmDESAlq_GhHlA3RE7OlQ:0,7,23,25;qsvJYyG0HfLVsCYtMwBCjA:0
expect
error PartitionAssignorException
end
scenario range hetero
topic Rsh6K8uvPelq85iWYcCsGQ topic0-52 8
topic MO2JX0I9SQLi9K6VOvWdsg topic1-704 4
topic bDzeTCINmSqfku0ngsTI6g topic2-791 0
topic UpqY0-93cEnOEWlCimRraw topic3-402 1
member m71x0 inst=- subs=bDzeTCINmSqfku0ngsTI6g,Rsh6K8uvPelq85iWYcCsGQ,MO2JX0I9SQLi9K6VOvWdsg asg=Rsh6K8uvPelq85iWYcCsGQ:0
member m20x1 inst=i17 subs=MO2JX0I9SQLi9K6VOvWdsg,bDzeTCINmSqfku0ngsTI6g,UpqY0-93cEnOEWlCimRraw asg=-
member m14x2 inst=- subs=bDzeTCINmSqfku0ngsTI6g,UpqY0-93cEnOEWlCimRraw asg=UpqY0-93cEnOEWlCimRraw:0;Rsh6K8uvPelq85iWYcCsGQ:6,4
member m24x3 inst=i32 subs=MO2JX0I9SQLi9K6VOvWdsg,bDzeTCINmSqfku0ngsTI6g,UpqY0-93cEnOEWlCimRraw asg=MO2JX0I9SQLi9K6VOvWdsg:0,2;Rsh6K8uvPelq85iWYcCsGQ:2,7
expect
result
m14x2 -
m20x1 MO2JX0I9SQLi9K6VOvWdsg:0,1;UpqY0-93cEnOEWlCimRraw:0
m24x3 MO2JX0I9SQLi9K6VOvWdsg:2
m71x0 MO2JX0I9SQLi9K6VOvWdsg:3;Rsh6K8uvPelq85iWYcCsGQ:0,1,2,3,4,5,6,7
end
scenario range hetero
topic rZ6ohEubne3IhZj1Zkpl5Q topic0-660 3
topic Dmtw65fqvak6TjFT66HEtg topic1-165 1
topic -e7Zo3bOFbgQz3YjvE7JqQ topic2-225 1
topic jqV0x36d-ztmlsCUDN7ksQ topic3-17 2
member m64x0 inst=- subs=jqV0x36d-ztmlsCUDN7ksQ asg=-
member m41x1 inst=- subs=rZ6ohEubne3IhZj1Zkpl5Q,Dmtw65fqvak6TjFT66HEtg,jqV0x36d-ztmlsCUDN7ksQ asg=-
member m30x2 inst=- subs=rZ6ohEubne3IhZj1Zkpl5Q,Dmtw65fqvak6TjFT66HEtg asg=jqV0x36d-ztmlsCUDN7ksQ:0
member m76x3 inst=- subs=Dmtw65fqvak6TjFT66HEtg,rZ6ohEubne3IhZj1Zkpl5Q,-e7Zo3bOFbgQz3YjvE7JqQ,jqV0x36d-ztmlsCUDN7ksQ asg=rZ6ohEubne3IhZj1Zkpl5Q:1
member m69x4 inst=i38 subs=Dmtw65fqvak6TjFT66HEtg,rZ6ohEubne3IhZj1Zkpl5Q,-e7Zo3bOFbgQz3YjvE7JqQ asg=Dmtw65fqvak6TjFT66HEtg:0;jqV0x36d-ztmlsCUDN7ksQ:1
expect
result
m30x2 rZ6ohEubne3IhZj1Zkpl5Q:1
m41x1 jqV0x36d-ztmlsCUDN7ksQ:0;rZ6ohEubne3IhZj1Zkpl5Q:2
m64x0 jqV0x36d-ztmlsCUDN7ksQ:1
m69x4 -e7Zo3bOFbgQz3YjvE7JqQ:0;Dmtw65fqvak6TjFT66HEtg:0;rZ6ohEubne3IhZj1Zkpl5Q:0
m76x3 -
end
scenario uniform hetero
topic YmkU5eIReVxC--zAhliiKw topic0-953 10
topic wedQPHaiZ-bpTJYH9AVSBA topic1-594 28
member m68x0 inst=i15 subs=wedQPHaiZ-bpTJYH9AVSBA asg=wedQPHaiZ-bpTJYH9AVSBA:8,24,9
member m75x1 inst=i7 subs=YmkU5eIReVxC--zAhliiKw asg=YmkU5eIReVxC--zAhliiKw:6,1,8
member m96x2 inst=- subs=YmkU5eIReVxC--zAhliiKw asg=YmkU5eIReVxC--zAhliiKw:0,4
member m32x3 inst=- subs=YmkU5eIReVxC--zAhliiKw asg=YmkU5eIReVxC--zAhliiKw:3;wedQPHaiZ-bpTJYH9AVSBA:17,4,15
member m79x4 inst=- subs=YmkU5eIReVxC--zAhliiKw asg=wedQPHaiZ-bpTJYH9AVSBA:0,11
member m25x5 inst=- subs=YmkU5eIReVxC--zAhliiKw asg=wedQPHaiZ-bpTJYH9AVSBA:25,23,18,6
member m33x6 inst=- subs=wedQPHaiZ-bpTJYH9AVSBA asg=YmkU5eIReVxC--zAhliiKw:2;wedQPHaiZ-bpTJYH9AVSBA:2,3,14
member m84x7 inst=i22 subs=wedQPHaiZ-bpTJYH9AVSBA asg=wedQPHaiZ-bpTJYH9AVSBA:27;YmkU5eIReVxC--zAhliiKw:7
member m50x8 inst=- subs=YmkU5eIReVxC--zAhliiKw asg=YmkU5eIReVxC--zAhliiKw:5;wedQPHaiZ-bpTJYH9AVSBA:5,12,26
member m14x9 inst=- subs=wedQPHaiZ-bpTJYH9AVSBA asg=wedQPHaiZ-bpTJYH9AVSBA:10,16,19
expect
result
m14x9 wedQPHaiZ-bpTJYH9AVSBA:7,10,15,16,19,21,26
m25x5 YmkU5eIReVxC--zAhliiKw:7
m32x3 YmkU5eIReVxC--zAhliiKw:3,8
m33x6 wedQPHaiZ-bpTJYH9AVSBA:2,3,6,13,14,20,25
m50x8 YmkU5eIReVxC--zAhliiKw:5
m68x0 wedQPHaiZ-bpTJYH9AVSBA:5,8,9,12,18,23,24
m75x1 YmkU5eIReVxC--zAhliiKw:1,6
m79x4 YmkU5eIReVxC--zAhliiKw:2,9
m84x7 wedQPHaiZ-bpTJYH9AVSBA:0,1,4,11,17,22,27
m96x2 YmkU5eIReVxC--zAhliiKw:0,4
end
scenario range homo
topic SuiSYjpbbjwkMlO2If5NwA topic0-833 1
member m82x0 inst=- subs=SuiSYjpbbjwkMlO2If5NwA asg=SuiSYjpbbjwkMlO2If5NwA:0
member m69x1 inst=- subs=SuiSYjpbbjwkMlO2If5NwA asg=-
member m86x2 inst=- subs=SuiSYjpbbjwkMlO2If5NwA asg=-
member m53x3 inst=- subs=SuiSYjpbbjwkMlO2If5NwA asg=-
member m35x4 inst=- subs=SuiSYjpbbjwkMlO2If5NwA asg=-
member m81x5 inst=- subs=SuiSYjpbbjwkMlO2If5NwA asg=-
expect
result
m35x4 SuiSYjpbbjwkMlO2If5NwA:0
m53x3 -
m69x1 -
m81x5 -
m82x0 -
m86x2 -
end
scenario range hetero
topic QE8RdjCdiHzH3ujHHjNTAg topic0-465 3
topic QUzx0Oy_ecaBQlbiwhgl1A topic1-133 7
topic QWsln9Dlfa5h1sildD3aew topic2-483 0
topic HSy9Dcg94IkVNEzPshRWNA topic3-464 1
topic s4IfYusyHnr24PM4uwyfWw topic4-629 4
member m67x0 inst=- subs=HSy9Dcg94IkVNEzPshRWNA,QWsln9Dlfa5h1sildD3aew asg=s4IfYusyHnr24PM4uwyfWw:0,2,3;QUzx0Oy_ecaBQlbiwhgl1A:6,5;QE8RdjCdiHzH3ujHHjNTAg:0
member m56x1 inst=- subs=HSy9Dcg94IkVNEzPshRWNA,s4IfYusyHnr24PM4uwyfWw,QWsln9Dlfa5h1sildD3aew,QUzx0Oy_ecaBQlbiwhgl1A asg=s4IfYusyHnr24PM4uwyfWw:1;QUzx0Oy_ecaBQlbiwhgl1A:2,1,0
expect
result
m56x1 HSy9Dcg94IkVNEzPshRWNA:0;QUzx0Oy_ecaBQlbiwhgl1A:0,1,2,3,4,5,6;s4IfYusyHnr24PM4uwyfWw:0,1,2,3
m67x0 -
end
scenario uniform hetero
topic DNKXlNV7kSWX3m8vzFNxRw topic0-579 18
member m34x0 inst=- subs=DNKXlNV7kSWX3m8vzFNxRw asg=DNKXlNV7kSWX3m8vzFNxRw:16
member m98x1 inst=- subs=DNKXlNV7kSWX3m8vzFNxRw asg=-
member m85x2 inst=- subs=DNKXlNV7kSWX3m8vzFNxRw asg=-
member m4x3 inst=- subs=DNKXlNV7kSWX3m8vzFNxRw asg=DNKXlNV7kSWX3m8vzFNxRw:15
member m54x4 inst=- subs=DNKXlNV7kSWX3m8vzFNxRw asg=-
member m71x5 inst=- subs=DNKXlNV7kSWX3m8vzFNxRw asg=-
member m8x6 inst=- subs=DNKXlNV7kSWX3m8vzFNxRw asg=DNKXlNV7kSWX3m8vzFNxRw:12,11
member m42x7 inst=i0 subs=DNKXlNV7kSWX3m8vzFNxRw asg=-
member m82x8 inst=- subs=DNKXlNV7kSWX3m8vzFNxRw asg=DNKXlNV7kSWX3m8vzFNxRw:8,9,17
member m66x9 inst=- subs=DNKXlNV7kSWX3m8vzFNxRw asg=DNKXlNV7kSWX3m8vzFNxRw:7,10,14
member m82x10 inst=- subs=- asg=DNKXlNV7kSWX3m8vzFNxRw:4
expect
result
m34x0 DNKXlNV7kSWX3m8vzFNxRw:14,16
m42x7 DNKXlNV7kSWX3m8vzFNxRw:4
m4x3 DNKXlNV7kSWX3m8vzFNxRw:15,17
m54x4 DNKXlNV7kSWX3m8vzFNxRw:2,13
m66x9 DNKXlNV7kSWX3m8vzFNxRw:7,10
m71x5 DNKXlNV7kSWX3m8vzFNxRw:3
m82x10 -
m82x8 DNKXlNV7kSWX3m8vzFNxRw:8,9
m85x2 DNKXlNV7kSWX3m8vzFNxRw:1,6
m8x6 DNKXlNV7kSWX3m8vzFNxRw:11,12
m98x1 DNKXlNV7kSWX3m8vzFNxRw:0,5
end
scenario range homo
topic LOLZmBzdSNotCt13tcZjGQ topic0-208 3
topic wbhnsZEcvg4WtA-UNb7TBA topic1-155 5
topic m33fELAv4-EZD6vXJRQL8Q topic2-52 5
topic inZh7nR_nqla6iSs8H-qYA topic3-156 4
member m73x0 inst=- subs=LOLZmBzdSNotCt13tcZjGQ,inZh7nR_nqla6iSs8H-qYA asg=-
member m32x1 inst=- subs=LOLZmBzdSNotCt13tcZjGQ,inZh7nR_nqla6iSs8H-qYA asg=-
member m97x2 inst=- subs=LOLZmBzdSNotCt13tcZjGQ,inZh7nR_nqla6iSs8H-qYA asg=-
member m4x3 inst=- subs=LOLZmBzdSNotCt13tcZjGQ,inZh7nR_nqla6iSs8H-qYA asg=-
expect
result
m32x1 LOLZmBzdSNotCt13tcZjGQ:0;inZh7nR_nqla6iSs8H-qYA:0
m4x3 LOLZmBzdSNotCt13tcZjGQ:1;inZh7nR_nqla6iSs8H-qYA:1
m73x0 LOLZmBzdSNotCt13tcZjGQ:2;inZh7nR_nqla6iSs8H-qYA:2
m97x2 inZh7nR_nqla6iSs8H-qYA:3
end
scenario range homo
topic f_A6OQ5O7JSe6D357lyxQg topic0-375 2
topic aBls_oJCoVk2pUMzl0FPtA topic1-123 2
topic RjIeH4zuIBz-Lk8lcihoQQ topic2-177 3
member m94x0 inst=- subs=RjIeH4zuIBz-Lk8lcihoQQ,f_A6OQ5O7JSe6D357lyxQg asg=-
expect
result
m94x0 RjIeH4zuIBz-Lk8lcihoQQ:0,1,2;f_A6OQ5O7JSe6D357lyxQg:0,1
end
scenario uniform hetero
topic ARlB557HVfaL0cuXPu1eDg topic0-591 5
topic yhRsZop-yslP2WHC0Svt0g topic1-612 3
topic tCVCQgW7KUEsx_XyENO8nw topic2-826 2
topic 9Yeh7YGRE5Xv0nRM8H2q_Q topic3-557 0
topic ip1xxeqTblKszd93jxRnDQ topic4-530 6
member m73x0 inst=- subs=9Yeh7YGRE5Xv0nRM8H2q_Q,ip1xxeqTblKszd93jxRnDQ asg=ARlB557HVfaL0cuXPu1eDg:0,4
member m95x1 inst=- subs=ARlB557HVfaL0cuXPu1eDg,ip1xxeqTblKszd93jxRnDQ asg=ARlB557HVfaL0cuXPu1eDg:1,3;ip1xxeqTblKszd93jxRnDQ:0
member m21x2 inst=- subs=yhRsZop-yslP2WHC0Svt0g,ARlB557HVfaL0cuXPu1eDg asg=ip1xxeqTblKszd93jxRnDQ:1,3,4,5;yhRsZop-yslP2WHC0Svt0g:2
member m43x3 inst=- subs=ARlB557HVfaL0cuXPu1eDg,ip1xxeqTblKszd93jxRnDQ,yhRsZop-yslP2WHC0Svt0g,tCVCQgW7KUEsx_XyENO8nw asg=tCVCQgW7KUEsx_XyENO8nw:0
member m41x4 inst=i19 subs=ARlB557HVfaL0cuXPu1eDg,yhRsZop-yslP2WHC0Svt0g,9Yeh7YGRE5Xv0nRM8H2q_Q asg=-
member m18x5 inst=- subs=ip1xxeqTblKszd93jxRnDQ,yhRsZop-yslP2WHC0Svt0g,ARlB557HVfaL0cuXPu1eDg asg=tCVCQgW7KUEsx_XyENO8nw:1
member m88x6 inst=- subs=yhRsZop-yslP2WHC0Svt0g,ARlB557HVfaL0cuXPu1eDg,ip1xxeqTblKszd93jxRnDQ asg=-
expect
result
m18x5 ip1xxeqTblKszd93jxRnDQ:2,5
m21x2 ARlB557HVfaL0cuXPu1eDg:4;yhRsZop-yslP2WHC0Svt0g:2
m41x4 ARlB557HVfaL0cuXPu1eDg:0,2
m43x3 tCVCQgW7KUEsx_XyENO8nw:0,1
m73x0 ip1xxeqTblKszd93jxRnDQ:1,4
m88x6 ip1xxeqTblKszd93jxRnDQ:3;yhRsZop-yslP2WHC0Svt0g:0,1
m95x1 ARlB557HVfaL0cuXPu1eDg:1,3;ip1xxeqTblKszd93jxRnDQ:0
end
scenario uniform hetero
topic 3Bo-yVgptqqLo2NnmXy7Ug topic0-621 14
topic DtQhCQaS3Ol782hQOenv8A topic1-233 8
topic LKZz2HHk9B-YWuHfSyo_XQ topic2-929 11
member m35x0 inst=- subs=LKZz2HHk9B-YWuHfSyo_XQ,DtQhCQaS3Ol782hQOenv8A asg=DtQhCQaS3Ol782hQOenv8A:6;3Bo-yVgptqqLo2NnmXy7Ug:12,13
member m77x1 inst=- subs=LKZz2HHk9B-YWuHfSyo_XQ,DtQhCQaS3Ol782hQOenv8A,3Bo-yVgptqqLo2NnmXy7Ug asg=3Bo-yVgptqqLo2NnmXy7Ug:2,7,9;LKZz2HHk9B-YWuHfSyo_XQ:6,7
member m98x2 inst=- subs=LKZz2HHk9B-YWuHfSyo_XQ,3Bo-yVgptqqLo2NnmXy7Ug asg=3Bo-yVgptqqLo2NnmXy7Ug:1;LKZz2HHk9B-YWuHfSyo_XQ:1,2,5,9,10
member m64x3 inst=- subs=3Bo-yVgptqqLo2NnmXy7Ug asg=LKZz2HHk9B-YWuHfSyo_XQ:3;3Bo-yVgptqqLo2NnmXy7Ug:6,8;DtQhCQaS3Ol782hQOenv8A:3
member m66x4 inst=- subs=LKZz2HHk9B-YWuHfSyo_XQ,DtQhCQaS3Ol782hQOenv8A asg=3Bo-yVgptqqLo2NnmXy7Ug:4
member m87x5 inst=- subs=DtQhCQaS3Ol782hQOenv8A asg=3Bo-yVgptqqLo2NnmXy7Ug:0,11,10;DtQhCQaS3Ol782hQOenv8A:0,4
member m52x6 inst=- subs=3Bo-yVgptqqLo2NnmXy7Ug asg=LKZz2HHk9B-YWuHfSyo_XQ:4;DtQhCQaS3Ol782hQOenv8A:2,5
expect
result
m35x0 DtQhCQaS3Ol782hQOenv8A:1,3,6;LKZz2HHk9B-YWuHfSyo_XQ:4,10
m52x6 3Bo-yVgptqqLo2NnmXy7Ug:0,3,4,10,12
m64x3 3Bo-yVgptqqLo2NnmXy7Ug:5,6,8,11,13
m66x4 DtQhCQaS3Ol782hQOenv8A:7;LKZz2HHk9B-YWuHfSyo_XQ:0,3,8
m77x1 3Bo-yVgptqqLo2NnmXy7Ug:2,7,9;LKZz2HHk9B-YWuHfSyo_XQ:6,7
m87x5 DtQhCQaS3Ol782hQOenv8A:0,2,4,5
m98x2 3Bo-yVgptqqLo2NnmXy7Ug:1;LKZz2HHk9B-YWuHfSyo_XQ:1,2,5,9
end
scenario uniform homo
topic -frW4UClJTzH-V0DEOsmPQ topic0-545 29
topic Vo3WJvHwahRQ8-Rcl0SzYA topic1-538 9
topic XAaZ1l4miXEUVs7OOevOaw topic2-543 11
topic 8rNMW6l0Y_j8gLdUg56u4g topic3-293 15
member m30x0 inst=i4 subs=XAaZ1l4miXEUVs7OOevOaw,-frW4UClJTzH-V0DEOsmPQ,8rNMW6l0Y_j8gLdUg56u4g asg=8rNMW6l0Y_j8gLdUg56u4g:14,10;-frW4UClJTzH-V0DEOsmPQ:13;XAaZ1l4miXEUVs7OOevOaw:9
member m11x1 inst=- subs=XAaZ1l4miXEUVs7OOevOaw,-frW4UClJTzH-V0DEOsmPQ,8rNMW6l0Y_j8gLdUg56u4g asg=-
member m34x2 inst=- subs=XAaZ1l4miXEUVs7OOevOaw,-frW4UClJTzH-V0DEOsmPQ,8rNMW6l0Y_j8gLdUg56u4g asg=-frW4UClJTzH-V0DEOsmPQ:19,21;Vo3WJvHwahRQ8-Rcl0SzYA:7;8rNMW6l0Y_j8gLdUg56u4g:1,3,8,13;XAaZ1l4miXEUVs7OOevOaw:2
member m66x3 inst=i41 subs=XAaZ1l4miXEUVs7OOevOaw,-frW4UClJTzH-V0DEOsmPQ,8rNMW6l0Y_j8gLdUg56u4g asg=Vo3WJvHwahRQ8-Rcl0SzYA:2;-frW4UClJTzH-V0DEOsmPQ:0;8rNMW6l0Y_j8gLdUg56u4g:6,5;XAaZ1l4miXEUVs7OOevOaw:5
member m51x4 inst=- subs=XAaZ1l4miXEUVs7OOevOaw,-frW4UClJTzH-V0DEOsmPQ,8rNMW6l0Y_j8gLdUg56u4g asg=-frW4UClJTzH-V0DEOsmPQ:16,11,3
member m91x5 inst=- subs=XAaZ1l4miXEUVs7OOevOaw,-frW4UClJTzH-V0DEOsmPQ,8rNMW6l0Y_j8gLdUg56u4g asg=Vo3WJvHwahRQ8-Rcl0SzYA:4;XAaZ1l4miXEUVs7OOevOaw:8;8rNMW6l0Y_j8gLdUg56u4g:11;-frW4UClJTzH-V0DEOsmPQ:1,12
member m49x6 inst=- subs=XAaZ1l4miXEUVs7OOevOaw,-frW4UClJTzH-V0DEOsmPQ,8rNMW6l0Y_j8gLdUg56u4g asg=-frW4UClJTzH-V0DEOsmPQ:4,6,20;XAaZ1l4miXEUVs7OOevOaw:1;Vo3WJvHwahRQ8-Rcl0SzYA:3
member m41x7 inst=i41 subs=XAaZ1l4miXEUVs7OOevOaw,-frW4UClJTzH-V0DEOsmPQ,8rNMW6l0Y_j8gLdUg56u4g asg=8rNMW6l0Y_j8gLdUg56u4g:0,7;XAaZ1l4miXEUVs7OOevOaw:0;-frW4UClJTzH-V0DEOsmPQ:24;Vo3WJvHwahRQ8-Rcl0SzYA:6
member m76x8 inst=i27 subs=XAaZ1l4miXEUVs7OOevOaw,-frW4UClJTzH-V0DEOsmPQ,8rNMW6l0Y_j8gLdUg56u4g asg=8rNMW6l0Y_j8gLdUg56u4g:9;XAaZ1l4miXEUVs7OOevOaw:10,3;-frW4UClJTzH-V0DEOsmPQ:2,14,26
expect
result
m11x1 -frW4UClJTzH-V0DEOsmPQ:5,7,8,9,10,15
m30x0 -frW4UClJTzH-V0DEOsmPQ:13;8rNMW6l0Y_j8gLdUg56u4g:2,4,10,12,14;XAaZ1l4miXEUVs7OOevOaw:9
m34x2 -frW4UClJTzH-V0DEOsmPQ:19,21;8rNMW6l0Y_j8gLdUg56u4g:1,3,8,13
m41x7 -frW4UClJTzH-V0DEOsmPQ:24;8rNMW6l0Y_j8gLdUg56u4g:0,7;XAaZ1l4miXEUVs7OOevOaw:0,2,7
m49x6 -frW4UClJTzH-V0DEOsmPQ:4,6,20;XAaZ1l4miXEUVs7OOevOaw:1,4,6
m51x4 -frW4UClJTzH-V0DEOsmPQ:3,11,16,22,23,25
m66x3 -frW4UClJTzH-V0DEOsmPQ:0,17,18;8rNMW6l0Y_j8gLdUg56u4g:5,6;XAaZ1l4miXEUVs7OOevOaw:5
m76x8 -frW4UClJTzH-V0DEOsmPQ:2,14,26;8rNMW6l0Y_j8gLdUg56u4g:9;XAaZ1l4miXEUVs7OOevOaw:3,10
m91x5 -frW4UClJTzH-V0DEOsmPQ:1,12,27,28;8rNMW6l0Y_j8gLdUg56u4g:11;XAaZ1l4miXEUVs7OOevOaw:8
end
scenario range hetero
topic fL1B8WtDEuIbsOfU-LD9lA topic0-420 13
topic QgGFqkErgNPd6OnjDV3NYA topic1-352 13
topic xK9hcqjNUJUL15QS2C95Eg topic2-313 8
member m44x0 inst=- subs=QgGFqkErgNPd6OnjDV3NYA asg=xK9hcqjNUJUL15QS2C95Eg:2;QgGFqkErgNPd6OnjDV3NYA:3,8;fL1B8WtDEuIbsOfU-LD9lA:3,10,11
member m28x1 inst=- subs=QgGFqkErgNPd6OnjDV3NYA,fL1B8WtDEuIbsOfU-LD9lA asg=xK9hcqjNUJUL15QS2C95Eg:5
member m87x2 inst=- subs=xK9hcqjNUJUL15QS2C95Eg asg=QgGFqkErgNPd6OnjDV3NYA:10
member m1x3 inst=- subs=QgGFqkErgNPd6OnjDV3NYA,fL1B8WtDEuIbsOfU-LD9lA asg=QgGFqkErgNPd6OnjDV3NYA:12
member m94x4 inst=- subs=QgGFqkErgNPd6OnjDV3NYA,xK9hcqjNUJUL15QS2C95Eg,fL1B8WtDEuIbsOfU-LD9lA asg=xK9hcqjNUJUL15QS2C95Eg:0
member m3x5 inst=- subs=QgGFqkErgNPd6OnjDV3NYA,fL1B8WtDEuIbsOfU-LD9lA asg=fL1B8WtDEuIbsOfU-LD9lA:4,5,6;QgGFqkErgNPd6OnjDV3NYA:5,6
member m98x6 inst=i2 subs=fL1B8WtDEuIbsOfU-LD9lA,xK9hcqjNUJUL15QS2C95Eg asg=xK9hcqjNUJUL15QS2C95Eg:3,4;fL1B8WtDEuIbsOfU-LD9lA:0;QgGFqkErgNPd6OnjDV3NYA:1,11
member m77x7 inst=- subs=xK9hcqjNUJUL15QS2C95Eg asg=xK9hcqjNUJUL15QS2C95Eg:1;QgGFqkErgNPd6OnjDV3NYA:2,9;fL1B8WtDEuIbsOfU-LD9lA:9
member m56x8 inst=i3 subs=xK9hcqjNUJUL15QS2C95Eg,QgGFqkErgNPd6OnjDV3NYA,fL1B8WtDEuIbsOfU-LD9lA asg=fL1B8WtDEuIbsOfU-LD9lA:1,2
expect
result
m1x3 QgGFqkErgNPd6OnjDV3NYA:3,4;fL1B8WtDEuIbsOfU-LD9lA:5,6
m28x1 QgGFqkErgNPd6OnjDV3NYA:5,6;fL1B8WtDEuIbsOfU-LD9lA:7,8
m3x5 QgGFqkErgNPd6OnjDV3NYA:7,8;fL1B8WtDEuIbsOfU-LD9lA:9,10
m44x0 QgGFqkErgNPd6OnjDV3NYA:9,10
m56x8 QgGFqkErgNPd6OnjDV3NYA:0,1,2;fL1B8WtDEuIbsOfU-LD9lA:3,4;xK9hcqjNUJUL15QS2C95Eg:2,3
m77x7 xK9hcqjNUJUL15QS2C95Eg:4,5
m87x2 xK9hcqjNUJUL15QS2C95Eg:6
m94x4 QgGFqkErgNPd6OnjDV3NYA:11,12;fL1B8WtDEuIbsOfU-LD9lA:11,12;xK9hcqjNUJUL15QS2C95Eg:7
m98x6 fL1B8WtDEuIbsOfU-LD9lA:0,1,2;xK9hcqjNUJUL15QS2C95Eg:0,1
end
scenario uniform hetero
topic PUp01rlBD3aA3n0EgbZ2Uw topic0-575 5
topic FC6botorW2kmcl3u5gS2og topic1-530 4
topic mRsJCQC3u1wjhYvMF-aJaQ topic2-310 3
member m24x0 inst=- subs=PUp01rlBD3aA3n0EgbZ2Uw,mRsJCQC3u1wjhYvMF-aJaQ asg=PUp01rlBD3aA3n0EgbZ2Uw:1,4;mRsJCQC3u1wjhYvMF-aJaQ:0
member m3x1 inst=- subs=mRsJCQC3u1wjhYvMF-aJaQ asg=FC6botorW2kmcl3u5gS2og:2,3;PUp01rlBD3aA3n0EgbZ2Uw:2
member m39x2 inst=i4 subs=PUp01rlBD3aA3n0EgbZ2Uw,mRsJCQC3u1wjhYvMF-aJaQ asg=mRsJCQC3u1wjhYvMF-aJaQ:2;FC6botorW2kmcl3u5gS2og:0
member m19x3 inst=- subs=mRsJCQC3u1wjhYvMF-aJaQ,FC6botorW2kmcl3u5gS2og,PUp01rlBD3aA3n0EgbZ2Uw asg=-
member m32x4 inst=i24 subs=FC6botorW2kmcl3u5gS2og,PUp01rlBD3aA3n0EgbZ2Uw asg=PUp01rlBD3aA3n0EgbZ2Uw:0
member m90x5 inst=- subs=mRsJCQC3u1wjhYvMF-aJaQ asg=PUp01rlBD3aA3n0EgbZ2Uw:3;FC6botorW2kmcl3u5gS2og:1
expect
result
m19x3 FC6botorW2kmcl3u5gS2og:0,1,3
m24x0 PUp01rlBD3aA3n0EgbZ2Uw:1,4
m32x4 FC6botorW2kmcl3u5gS2og:2;PUp01rlBD3aA3n0EgbZ2Uw:0
m39x2 PUp01rlBD3aA3n0EgbZ2Uw:2,3
m3x1 mRsJCQC3u1wjhYvMF-aJaQ:1
m90x5 mRsJCQC3u1wjhYvMF-aJaQ:0,2
end
scenario range hetero
topic 7Ohe1X7-YhwnjyEaqVxVdQ topic0-584 3
topic OMCVK2qzGQTj7RFcoo258g topic1-697 6
topic hlh8KW-AhPYpE1zg_PN_yg topic2-508 1
topic BEB_akmJ5ekvMCAbAkkRBg topic3-247 1
topic RMIOcmpFLCFpS4MwBs8vHg topic4-318 0
member m60x0 inst=- subs=7Ohe1X7-YhwnjyEaqVxVdQ,RMIOcmpFLCFpS4MwBs8vHg,hlh8KW-AhPYpE1zg_PN_yg,BEB_akmJ5ekvMCAbAkkRBg asg=7Ohe1X7-YhwnjyEaqVxVdQ:1
member m41x1 inst=- subs=7Ohe1X7-YhwnjyEaqVxVdQ,OMCVK2qzGQTj7RFcoo258g,BEB_akmJ5ekvMCAbAkkRBg,RMIOcmpFLCFpS4MwBs8vHg asg=OMCVK2qzGQTj7RFcoo258g:2,4
member m19x2 inst=- subs=hlh8KW-AhPYpE1zg_PN_yg,OMCVK2qzGQTj7RFcoo258g,RMIOcmpFLCFpS4MwBs8vHg,7Ohe1X7-YhwnjyEaqVxVdQ asg=-
member m76x3 inst=- subs=hlh8KW-AhPYpE1zg_PN_yg,RMIOcmpFLCFpS4MwBs8vHg,OMCVK2qzGQTj7RFcoo258g,BEB_akmJ5ekvMCAbAkkRBg asg=BEB_akmJ5ekvMCAbAkkRBg:0
member m23x4 inst=- subs=BEB_akmJ5ekvMCAbAkkRBg,hlh8KW-AhPYpE1zg_PN_yg,RMIOcmpFLCFpS4MwBs8vHg asg=-
member m27x5 inst=i32 subs=7Ohe1X7-YhwnjyEaqVxVdQ,OMCVK2qzGQTj7RFcoo258g,hlh8KW-AhPYpE1zg_PN_yg,BEB_akmJ5ekvMCAbAkkRBg asg=OMCVK2qzGQTj7RFcoo258g:5
member m91x6 inst=- subs=hlh8KW-AhPYpE1zg_PN_yg,7Ohe1X7-YhwnjyEaqVxVdQ,OMCVK2qzGQTj7RFcoo258g asg=OMCVK2qzGQTj7RFcoo258g:1
expect
result
m19x2 7Ohe1X7-YhwnjyEaqVxVdQ:1;OMCVK2qzGQTj7RFcoo258g:2
m23x4 -
m27x5 7Ohe1X7-YhwnjyEaqVxVdQ:0;BEB_akmJ5ekvMCAbAkkRBg:0;OMCVK2qzGQTj7RFcoo258g:0,1;hlh8KW-AhPYpE1zg_PN_yg:0
m41x1 7Ohe1X7-YhwnjyEaqVxVdQ:2;OMCVK2qzGQTj7RFcoo258g:3
m60x0 -
m76x3 OMCVK2qzGQTj7RFcoo258g:4
m91x6 OMCVK2qzGQTj7RFcoo258g:5
end
scenario uniform homo
topic e4G6O40d6KutUIkyfMBFUA topic0-237 19
member m82x0 inst=i12 subs=e4G6O40d6KutUIkyfMBFUA asg=e4G6O40d6KutUIkyfMBFUA:10,17
member m58x1 inst=- subs=e4G6O40d6KutUIkyfMBFUA asg=e4G6O40d6KutUIkyfMBFUA:9,1,2,4
member m44x2 inst=- subs=e4G6O40d6KutUIkyfMBFUA asg=e4G6O40d6KutUIkyfMBFUA:14,16
member m88x3 inst=- subs=e4G6O40d6KutUIkyfMBFUA asg=e4G6O40d6KutUIkyfMBFUA:18,13,8,12
member m12x4 inst=- subs=e4G6O40d6KutUIkyfMBFUA asg=e4G6O40d6KutUIkyfMBFUA:3,15
expect
result
m12x4 e4G6O40d6KutUIkyfMBFUA:3,11,15
m44x2 e4G6O40d6KutUIkyfMBFUA:6,7,14,16
m58x1 e4G6O40d6KutUIkyfMBFUA:1,2,4,9
m82x0 e4G6O40d6KutUIkyfMBFUA:0,5,10,17
m88x3 e4G6O40d6KutUIkyfMBFUA:8,12,13,18
end
scenario range homo
topic 4fKGYpuBWz26nGRuUfPONQ topic0-793 5
member m85x0 inst=- subs=4fKGYpuBWz26nGRuUfPONQ asg=-
member m25x1 inst=i41 subs=4fKGYpuBWz26nGRuUfPONQ asg=-
member m98x2 inst=i30 subs=4fKGYpuBWz26nGRuUfPONQ asg=-
expect
result
m25x1 4fKGYpuBWz26nGRuUfPONQ:2,3
m85x0 4fKGYpuBWz26nGRuUfPONQ:4
m98x2 4fKGYpuBWz26nGRuUfPONQ:0,1
end
scenario uniform homo
topic ulYBPTgX3F86Qb8C5Q38pQ topic0-179 0
topic MCUxTOEFQszaPD1oTzrjvA topic1-629 6
topic hoLcOjTlosIiQ5VO72jN9w topic2-831 1
topic Cc6Kt75AVIb8_MjHp0Fhqw topic3-416 5
topic cQw3vW0nHlmrleMCH6tftQ topic4-858 3
member m99x0 inst=- subs=ulYBPTgX3F86Qb8C5Q38pQ,cQw3vW0nHlmrleMCH6tftQ,hoLcOjTlosIiQ5VO72jN9w,MCUxTOEFQszaPD1oTzrjvA asg=hoLcOjTlosIiQ5VO72jN9w:0;MCUxTOEFQszaPD1oTzrjvA:2,3,4,5;Cc6Kt75AVIb8_MjHp0Fhqw:1,2;cQw3vW0nHlmrleMCH6tftQ:0,1,2
expect
result
m99x0 MCUxTOEFQszaPD1oTzrjvA:0,1,2,3,4,5;cQw3vW0nHlmrleMCH6tftQ:0,1,2;hoLcOjTlosIiQ5VO72jN9w:0
end
"#;
