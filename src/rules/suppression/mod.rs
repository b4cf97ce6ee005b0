//! Suppression rules: about `asl-lint-disable` directives themselves.

pub mod unknown_rule;
pub mod unused_suppression;
