//! `kafka-sim assign`: compute a consumer group assignment with Kafka's client-side assignors.
//!
//! ```text
//! kafka-sim assign --assignor range|roundrobin|sticky|cooperative-sticky FILE [--rounds]
//! ```
//!
//! FILE (or `-` for stdin) holds
//! `{"topics": {"t0": 3}, "members": [{"id": "c0", "topics": ["t0"], "owned": [["t0", 0]],
//! "generation": 1, "instance_id": "i0", "rack": "r1"}]}` where `owned`, `generation`,
//! `instance_id` and `rack` are optional and the members are listed in join order. The result
//! is `{"c0": [["t0", 0], ...], ...}`; with `--rounds` (cooperative-sticky only) it is an array
//! with one such object per rebalance until the assignment is stable. Invalid input prints one
//! line on stderr and exits with status 2.

use kafka_sim::vecmap::VecMap;
use std::io::Read;

use kafka_sim::assignor::{
    assign, cooperative_rounds, AssignContext, AssignorName, Subscription, TopicPartition,
};
use serde::Deserialize;

/// Usage text for `kafka-sim assign`.
pub const USAGE: &str =
    "usage: kafka-sim assign --assignor range|roundrobin|sticky|cooperative-sticky FILE [--rounds]";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    topics: VecMap<String, i32>,
    members: Vec<MemberInput>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MemberInput {
    id: String,
    topics: Vec<String>,
    #[serde(default)]
    owned: Vec<TopicPartition>,
    #[serde(default)]
    generation: Option<i32>,
    #[serde(default)]
    instance_id: Option<String>,
    #[serde(default)]
    rack: Option<String>,
}

struct Options {
    assignor: Option<AssignorName>,
    file: Option<String>,
    rounds: bool,
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        assignor: None,
        file: None,
        rounds: false,
    };
    let args = match args.first().map(String::as_str) {
        Some("assign") => args.get(1..).unwrap_or(&[]),
        _ => args,
    };
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let set_assignor = |value: &str, options: &mut Options| -> Result<(), String> {
            let name = value.parse::<AssignorName>().map_err(|e| e.to_string())?;
            options.assignor = Some(name);
            Ok(())
        };
        match arg.as_str() {
            "--assignor" => {
                let value = iter.next().ok_or_else(|| {
                    "--assignor needs a value (range, roundrobin, sticky or cooperative-sticky)"
                        .to_string()
                })?;
                set_assignor(value, &mut options)?;
            }
            "--rounds" => options.rounds = true,
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => {
                if let Some(value) = other.strip_prefix("--assignor=") {
                    set_assignor(value, &mut options)?;
                } else if other.starts_with("--") {
                    return Err(format!("unknown option {other}; {USAGE}"));
                } else if options.file.is_some() {
                    return Err(format!("more than one input file given ({other}); {USAGE}"));
                } else {
                    options.file = Some(other.to_string());
                }
            }
        }
    }
    Ok(options)
}

fn read_input(file: &str, stdin: &mut dyn Read) -> Result<String, String> {
    if file == "-" {
        let mut text = String::new();
        stdin
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read stdin: {e}"))?;
        Ok(text)
    } else {
        std::fs::read_to_string(file).map_err(|e| format!("cannot read {file}: {e}"))
    }
}

/// Runs the command and returns the text to print on stdout, or the one-line error.
pub fn execute(args: &[String], stdin: &mut dyn Read) -> Result<String, String> {
    let options = parse_args(args)?;
    let file = options
        .file
        .ok_or_else(|| format!("missing input FILE (use - for stdin); {USAGE}"))?;
    let assignor = match (options.assignor, options.rounds) {
        (Some(name), _) => name,
        (None, true) => AssignorName::CooperativeSticky,
        (None, false) => return Err(format!("missing --assignor; {USAGE}")),
    };
    if options.rounds && assignor != AssignorName::CooperativeSticky {
        return Err(format!(
            "--rounds only applies to cooperative-sticky (got {assignor})"
        ));
    }
    let text = read_input(&file, stdin)?;
    let input: Input = serde_json::from_str(&text).map_err(|e| {
        format!(
            "invalid input {}: {e}",
            if file == "-" { "on stdin" } else { &file }
        )
    })?;
    let members: Vec<Subscription> = input
        .members
        .into_iter()
        .map(|m| Subscription {
            member_id: m.id,
            group_instance_id: m.instance_id,
            topics: m.topics,
            owned_partitions: m.owned,
            generation: m.generation,
            rack: m.rack,
        })
        .collect();
    let output = if options.rounds {
        let rounds = cooperative_rounds(&input.topics, &members, &AssignContext::default())
            .map_err(|e| e.to_string())?;
        let assignments: Vec<_> = rounds.into_iter().map(|r| r.assignment).collect();
        serde_json::to_string_pretty(&assignments)
    } else {
        let assignment = assign(assignor, &input.topics, &members).map_err(|e| e.to_string())?;
        serde_json::to_string_pretty(&assignment)
    };
    output
        .map(|mut s| {
            s.push('\n');
            s
        })
        .map_err(|e| format!("cannot encode the result: {e}"))
}

/// Entry point for `kafka-sim assign ARGS...` (`args` are the words after `assign`; a leading
/// `assign` is skipped too). Prints the result on stdout and returns the exit status: 0 on
/// success, 2 on invalid input (with a one-line message on stderr).
pub fn run(args: &[String]) -> i32 {
    match execute(args, &mut std::io::stdin()) {
        Ok(text) => {
            print!("{text}");
            0
        }
        Err(message) => {
            eprintln!("kafka-sim assign: {}", message.replace('\n', " "));
            2
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn exec(list: &[&str], stdin: &str) -> Result<serde_json::Value, String> {
        execute(&args(list), &mut stdin.as_bytes())
            .map(|text| serde_json::from_str(&text).unwrap_or(serde_json::Value::Null))
    }

    #[test]
    fn sticky_from_stdin() {
        let input = r#"{"topics": {"t1": 3, "t2": 3}, "members": [
            {"id": "consumer1", "topics": ["t1", "t2"]},
            {"id": "consumer2", "topics": ["t1", "t2"]}]}"#;
        let out = exec(&["--assignor", "sticky", "-"], input).unwrap();
        assert_eq!(
            out,
            serde_json::json!({
                "consumer1": [["t1", 0], ["t1", 2], ["t2", 1]],
                "consumer2": [["t1", 1], ["t2", 0], ["t2", 2]]
            })
        );
    }

    #[test]
    fn range_with_static_member_and_leading_subcommand() {
        let input = r#"{"topics": {"t0": 3}, "members": [
            {"id": "b", "topics": ["t0"], "instance_id": "i0"},
            {"id": "a", "topics": ["t0"]}]}"#;
        let out = exec(&["assign", "--assignor=range", "-"], input).unwrap();
        assert_eq!(
            out,
            serde_json::json!({"a": [["t0", 2]], "b": [["t0", 0], ["t0", 1]]})
        );
    }

    #[test]
    fn rounds_show_the_follow_up_rebalance() {
        let input = r#"{"topics": {"t": 6}, "members": [
            {"id": "c1", "topics": ["t"], "owned": [["t", 0], ["t", 2], ["t", 4]], "generation": 1},
            {"id": "c2", "topics": ["t"], "owned": [["t", 1], ["t", 3], ["t", 5]], "generation": 1},
            {"id": "c3", "topics": ["t"]}]}"#;
        let out = exec(
            &["--assignor", "cooperative-sticky", "-", "--rounds"],
            input,
        )
        .unwrap();
        assert_eq!(
            out,
            serde_json::json!([
                {"c1": [["t", 0], ["t", 2]], "c2": [["t", 1], ["t", 3]], "c3": []},
                {"c1": [["t", 0], ["t", 2]], "c2": [["t", 1], ["t", 3]], "c3": [["t", 4], ["t", 5]]}
            ])
        );
    }

    #[test]
    fn invalid_input_is_reported() {
        let err = exec(
            &["--assignor", "range", "-"],
            r#"{"topics": {"t": -1}, "members": []}"#,
        )
        .unwrap_err();
        assert!(err.contains("negative partition count"), "{err}");
        let err = exec(&["--assignor", "range", "-"], "{").unwrap_err();
        assert!(err.starts_with("invalid input on stdin"), "{err}");
        let err = exec(
            &["--assignor", "range", "-"],
            r#"{"topics": {}, "members": [{"id": "a", "topics": []}, {"id": "a", "topics": []}]}"#,
        )
        .unwrap_err();
        assert!(err.contains("appears twice"), "{err}");
        let err = exec(&["--assignor", "fancy", "-"], "{}").unwrap_err();
        assert!(err.contains("unknown assignor"), "{err}");
        let err = exec(&["-"], "{}").unwrap_err();
        assert!(err.starts_with("missing --assignor"), "{err}");
        let err = exec(&["--assignor", "range"], "{}").unwrap_err();
        assert!(err.starts_with("missing input FILE"), "{err}");
        let err = exec(&["--assignor", "range", "--rounds", "-"], "{}").unwrap_err();
        assert!(err.contains("only applies to cooperative-sticky"), "{err}");
        let err = exec(
            &["--assignor", "range", "-"],
            r#"{"topics": {}, "members": [{"id": "a", "topics": [], "extra": 1}]}"#,
        )
        .unwrap_err();
        assert!(err.contains("unknown field"), "{err}");
        let err = exec(&["--assignor", "range", "/nonexistent/file.json"], "").unwrap_err();
        assert!(
            err.starts_with("cannot read /nonexistent/file.json"),
            "{err}"
        );
    }
}
