//! What a rule declares about its options, and the values configuration
//! gives them. Declared here, below the configuration that reads them, so
//! rules never import the configuration.
//!
//! A rule declares each option once, as a typed constant that holds its
//! name and default (`NumberOption`, `FlagOption`, `TextOption`,
//! `ListOption`). The rule lists the constants' declarations in
//! `Rule::options`, for the configuration to validate, and reads them
//! through the same constants (`cx.number(&RULE, &MAX_ATTEMPTS)`), so a
//! name or default is never written twice. `tests/docs.rs` checks that the
//! Options section of each rule's doc names every option with this default.

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

/// An option's value when the configuration does not set it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum OptionDefault {
    Number(f64),
    Bool(bool),
    List(&'static [&'static str]),
    /// Said in words: a value the rule takes from elsewhere when the option
    /// is not set (the catalogue's word list).
    Described(&'static str),
}

impl std::fmt::Display for OptionDefault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OptionDefault::Number(n) => write!(f, "{n}"),
            OptionDefault::Bool(b) => write!(f, "`{b}`"),
            OptionDefault::List(items) => {
                let quoted: Vec<String> = items.iter().map(|i| format!("\"{i}\"")).collect();
                write!(f, "`[{}]`", quoted.join(", "))
            }
            OptionDefault::Described(words) => f.write_str(words),
        }
    }
}

/// A rule option as the configuration sees it: name, kind and default.
#[derive(Clone, Copy, Debug)]
pub struct RuleOption {
    pub name: &'static str,
    pub kind: OptionKind,
    pub default: OptionDefault,
}

/// A number option (thresholds, the values fixes write).
pub struct NumberOption(RuleOption);

impl NumberOption {
    pub const fn new(name: &'static str, default: f64) -> Self {
        NumberOption(RuleOption {
            name,
            kind: OptionKind::Number,
            default: OptionDefault::Number(default),
        })
    }

    pub const fn declared(&self) -> RuleOption {
        self.0
    }

    pub fn name(&self) -> &'static str {
        self.0.name
    }

    pub fn default(&self) -> f64 {
        match self.0.default {
            OptionDefault::Number(n) => n,
            _ => unreachable!("a NumberOption is built with a number"),
        }
    }
}

/// A true-or-false option.
pub struct FlagOption(RuleOption);

impl FlagOption {
    pub const fn new(name: &'static str, default: bool) -> Self {
        FlagOption(RuleOption {
            name,
            kind: OptionKind::Bool,
            default: OptionDefault::Bool(default),
        })
    }

    pub const fn declared(&self) -> RuleOption {
        self.0
    }

    pub fn name(&self) -> &'static str {
        self.0.name
    }

    pub fn default(&self) -> bool {
        match self.0.default {
            OptionDefault::Bool(b) => b,
            _ => unreachable!("a FlagOption is built with a bool"),
        }
    }
}

/// A text option whose default the rule works out when it is not set.
pub struct TextOption(RuleOption);

impl TextOption {
    pub const fn new(name: &'static str, default: &'static str) -> Self {
        TextOption(RuleOption {
            name,
            kind: OptionKind::Text,
            default: OptionDefault::Described(default),
        })
    }

    pub const fn declared(&self) -> RuleOption {
        self.0
    }

    pub fn name(&self) -> &'static str {
        self.0.name
    }
}

/// A list-of-strings option.
pub struct ListOption(RuleOption);

impl ListOption {
    pub const fn new(name: &'static str, default: &'static [&'static str]) -> Self {
        ListOption(RuleOption {
            name,
            kind: OptionKind::List,
            default: OptionDefault::List(default),
        })
    }

    pub fn default(&self) -> &'static [&'static str] {
        match self.0.default {
            OptionDefault::List(items) => items,
            _ => unreachable!("a ListOption is built with a list"),
        }
    }

    pub const fn declared(&self) -> RuleOption {
        self.0
    }

    pub fn name(&self) -> &'static str {
        self.0.name
    }
}
