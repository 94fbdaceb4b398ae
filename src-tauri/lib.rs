//! Offprint's core: fetch, parse, sanitize and cache feed posts. The desktop app and `offprint-cli` are thin
//! adapters on top of this library.

#![deny(unsafe_code)]

pub mod cli;
#[cfg(feature = "desktop")]
pub mod desktop;
pub mod discover;
pub mod error;
pub mod export;
pub mod extract;
pub mod fetch;
pub mod localize;
pub mod model;
pub mod oembed;
pub mod opml;
pub mod parse;
pub mod paths;
pub mod pictures;
mod rewriting;
pub mod sanitize;
pub mod schedule;
mod serialized;
pub mod settings;
pub mod store;
pub mod sync;
pub mod text;
