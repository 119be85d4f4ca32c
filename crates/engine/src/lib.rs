//! kafka-sim: a deterministic, sans-IO simulator of an Apache Kafka cluster.
//!
//! Start at [`cluster::Cluster`] (the event loop and commands) or [`scenario::Scenario`]
//! (the JSON format). `ARCHITECTURE.md` at the repository root has the map.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]
// Request handlers take the request's fields as arguments, as Kafka's handlers do.
#![allow(clippy::too_many_arguments)]

pub mod action;
pub mod admin;
pub mod assignor;
pub mod broker;
pub mod broker_txn;
pub mod client;
pub mod cluster;
pub mod config;
pub mod consumer;
pub mod consumer_coordinator;
pub mod consumer_group;
pub mod consumer_membership;
pub mod controller;
pub mod durability;
pub mod error;
mod event_queue;
pub mod export;
pub mod fuzz;
pub mod group;
pub mod history;
pub mod invariants;
pub mod java;
pub mod ledger;
pub mod link;
pub mod log;
pub mod message;
pub mod metadata;
pub mod network;
pub mod onevec;
pub mod partitioner;
pub mod placement;
pub mod processor;
pub mod producer;
pub mod projection;
pub mod queue;
pub mod record;
pub mod replica;
pub mod scenario;
pub mod share_consumer;
pub mod share_group;
pub mod share_partition;
pub mod share_view;
pub mod sim;
pub mod sort;
pub mod tagged;
pub mod trace;
pub mod transaction_manager;
pub mod txn;
pub mod types;
pub mod vecmap;
pub mod view;
pub mod workload;

pub use cluster::{Cluster, ClusterSpec};
pub use error::{ErrorCode, SimError, SimResult};
