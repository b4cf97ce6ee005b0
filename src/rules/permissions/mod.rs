//! Permission rules: what the state machine's execution role must allow for
//! the definition to run, read from the template that defines both.

pub mod role_missing_permission;
