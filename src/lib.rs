//! asl-lint: a fast static analyzer for AWS Step Functions state machines.
//!
//! The pipeline, one module per stage:
//! [`discovery`] -> [`loader`] (spans) -> [`model`] -> [`graph`] -> [`rules`]
//! -> [`diagnostic`] -> [`render`]. [`engine`] runs it per file, in parallel,
//! and [`cli`] is the command line.

pub mod baseline;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod cost;
pub mod dataflow;
pub mod diagnostic;
pub mod discovery;
pub mod edit;
pub mod engine;
pub mod fix;
pub mod graph;
pub mod loader;
pub mod lsp;
pub mod model;
pub mod read;
pub mod reaper;
pub mod render;
pub mod rule_options;
pub mod rules;
pub mod source;
pub mod suppression;
