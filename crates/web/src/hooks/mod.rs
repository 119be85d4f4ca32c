//! Hooks.
pub mod use_animation_frame;
pub mod use_media_query;
pub mod use_visible;
pub use use_animation_frame::use_animation_frame;
pub use use_media_query::use_media_query;
