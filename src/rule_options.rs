//! What a rule declares about its options, and the values configuration
//! gives them. Declared here, below the configuration that reads them, so
//! rules never import the configuration.

/// A rule option's value.
#[derive(Clone, Debug, PartialEq)]
pub enum OptionValue {
    Number(f64),
    Bool(bool),
    Text(String),
    List(Vec<String>),
}

/// What kind of value a rule option takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptionKind {
    Number,
    Bool,
    Text,
    List,
}

/// A rule option a rule declares: name, kind and what it does.
#[derive(Debug)]
pub struct RuleOption {
    pub name: &'static str,
    pub kind: OptionKind,
    pub help: &'static str,
}
