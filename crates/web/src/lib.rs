//! Kafka Playground: the Yew UI over the `kafka-sim` engine.
//!
//! The UI renders engine views and sends engine commands; it holds no Kafka logic. State
//! lives in one reducer ([`state::AppState`]); components read it from context.

pub mod api;
pub mod components;
pub mod editor;
pub mod frame;
pub mod heap;
pub mod hooks;
pub mod page;
pub mod palette;
pub mod presets;
pub mod state;
pub mod storage;

pub use components::app::App;
