//! kafka-sim: a deterministic, sans-IO simulator of an Apache Kafka cluster.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod partitioner;
