//! Function components, one per file.
pub mod app;
pub mod broker_card;
pub mod broker_row;
pub mod challenge_panel;
pub mod choose_kafka;
pub mod consumer_chip;
pub mod consumer_panel;
pub mod event_log;
pub mod export_panel;
pub mod fast_forward;
pub mod field_error;
pub mod fork_panel;
pub mod group_box;
pub mod groups_board;
pub mod header;
pub mod hold;
pub mod internal_topics;
pub mod isolation_compare;
pub mod lag_chart;
pub mod ledger_panel;
pub mod lessons;
pub mod log_legend;
pub mod metrics_strip;
pub mod network_view;
pub mod partition_row;
pub mod pipeline_view;
pub mod producer_panel;
pub mod producer_state;
pub mod projection_panel;
pub mod queue_view;
pub mod record_cell;
pub mod restore_banner;
pub mod scenario_editor;
pub mod segment_bar;
pub mod share;
pub mod share_groups;
pub mod time_controls;
pub mod timeline;
pub mod topic_settings;
pub mod topic_view;
pub mod tour_panel;
pub mod txn_code;

use crate::state::{AppContext, Dispatch, Msg};
use kafka_sim::action::Action;
use yew::prelude::*;

/// The app state from context. Every component below `App` has it.
#[hook]
pub fn use_app() -> AppContext {
    match use_context::<AppContext>() {
        Some(ctx) => ctx,
        None => unreachable_context(),
    }
}

/// The app's dispatcher alone (stable across frames): for components that take their data as
/// props and should re-render only when those change.
#[hook]
pub fn use_dispatch() -> Dispatch {
    match use_context::<Dispatch>() {
        Some(d) => d,
        None => unreachable_dispatch(),
    }
}

#[allow(clippy::panic)]
fn unreachable_dispatch() -> Dispatch {
    panic!("components must be rendered inside App's ContextProvider")
}

#[allow(clippy::panic)]
fn unreachable_context() -> AppContext {
    panic!("components must be rendered inside App's ContextProvider")
}

/// A callback that applies `action` and reports errors at `control`.
pub fn command(ctx: &AppContext, control: &str, action: Action) {
    ctx.dispatch(Msg::Command {
        control: control.to_string(),
        action,
    });
}

/// [`command`] through the dispatcher alone.
pub fn command_via(d: &Dispatch, control: &str, action: Action) {
    d.dispatch(Msg::Command {
        control: control.to_string(),
        action,
    });
}

/// Seconds with two decimals.
pub fn secs(ms: u64) -> String {
    format!("{:.2} s", ms as f64 / 1000.0)
}
