use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{Edit, Fix, NewValue};
use crate::loader::tree::Node;
use crate::model::StateType;
use crate::rules::{Context, Group, Rule, add_state, new_state_name};

pub static RULE: Rule = Rule {
    name: "choice-without-default",
    severity: Severity::Warning,
    group: Group::Structural,
    summary: "a Choice state has no `Default`, so unmatched input fails the execution",
    doc: include_str!("../../../rules/choice-without-default.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for s in &cx.machine.states {
        if s.ty != StateType::Choice || s.get("Default").is_some() || s.get("Choices").is_none() {
            continue;
        }
        let rules = s.get("Choices").and_then(|c| c.as_array()).unwrap_or(&[]);
        // A rule with no test (`"BooleanEquals ": true`, a misspelt key)
        // is the defect, reported by `invalid-choice-rule`; AWS rejects the
        // definition, and a `Default` would not make it run.
        if rules
            .iter()
            .any(|r| !super::invalid_choice_rule::has_test(r))
        {
            continue;
        }
        let mut d = Diagnostic::new(
                &RULE,
                s.pointer.clone(),
                format!("Choice `{}` has no `Default`: input that matches no rule fails with `States.NoChoiceMatched`", s.name),
            )
            .on_key()
            .label("no Default")
            .help("add `\"Default\"` naming the state for everything else, even if it is a Fail state with a clear error");
        // The fix names the failure instead of letting Step Functions raise
        // `States.NoChoiceMatched`: unsafe, as the author may have meant a
        // real state for everything else.
        let fail = new_state_name(cx.machine, s.scope, &format!("{} No Match", s.name));
        d = d.fix(Fix::unsafe_(
            format!("Add `Default` to a new Fail state `{fail}`"),
            vec![
                Edit::InsertMember {
                    object: s.pointer.clone(),
                    key: "Default".into(),
                    value: NewValue::string(fail.clone()),
                },
                add_state(
                    cx.machine,
                    s.scope,
                    &fail,
                    NewValue::object([
                        ("Type", NewValue::string("Fail")),
                        ("Error", NewValue::string("NoChoiceMatched")),
                        (
                            "Cause",
                            NewValue::string(format!("no rule of Choice `{}` matched", s.name)),
                        ),
                    ]),
                ),
            ],
        ));
        if let Some(why) = exhaustive(rules) {
            d.message = format!(
                "Choice `{}` has no `Default`, but its rules cover every value ({why}); a \
                 `Default` still documents the intent",
                s.name
            );
            d = d.severity(Severity::Info);
        }
        out.push(d);
    }
}

/// A rule's test of one variable, in a form that can be compared with
/// another rule's: presence, a boolean, or a numeric half-line.
#[derive(Clone, Debug, PartialEq)]
enum Test {
    Present(bool),
    Null(bool),
    Bool(bool),
    /// `v < x` (`strict`) or `v <= x`.
    Below {
        limit: f64,
        strict: bool,
    },
    /// `v > x` (`strict`) or `v >= x`.
    Above {
        limit: f64,
        strict: bool,
    },
}

impl Test {
    fn negate(&self) -> Test {
        match *self {
            Test::Present(b) => Test::Present(!b),
            Test::Null(b) => Test::Null(!b),
            Test::Bool(b) => Test::Bool(!b),
            Test::Below { limit, strict } => Test::Above {
                limit,
                strict: !strict,
            },
            Test::Above { limit, strict } => Test::Below {
                limit,
                strict: !strict,
            },
        }
    }
}

/// The variable and test of a simple rule, or of `Not` over one.
fn test_of(rule: &Node) -> Option<(&str, Test)> {
    if let Some(inner) = rule.get("Not") {
        let (v, t) = test_of(inner)?;
        return Some((v, t.negate()));
    }
    let variable = rule.get("Variable")?.as_str()?;
    let boolean = |k: &str| rule.get(k).and_then(|n| n.as_bool());
    let number = |k: &str| rule.get(k).and_then(|n| n.as_number()).map(|n| n.as_f64());
    let test = if let Some(b) = boolean("IsPresent") {
        Test::Present(b)
    } else if let Some(b) = boolean("IsNull") {
        Test::Null(b)
    } else if let Some(b) = boolean("BooleanEquals") {
        Test::Bool(b)
    } else if let Some(x) = number("NumericLessThan") {
        Test::Below {
            limit: x,
            strict: true,
        }
    } else if let Some(x) = number("NumericLessThanEquals") {
        Test::Below {
            limit: x,
            strict: false,
        }
    } else if let Some(x) = number("NumericGreaterThan") {
        Test::Above {
            limit: x,
            strict: true,
        }
    } else if let Some(x) = number("NumericGreaterThanEquals") {
        Test::Above {
            limit: x,
            strict: false,
        }
    } else {
        return None;
    };
    Some((variable, test))
}

/// Whether the top-level rules on one variable cover every value it can
/// take: `IsPresent` true and false, `IsNull` true and false, `BooleanEquals`
/// true and false, or numeric comparisons with no gap between them
/// (`< 5` and `>= 5`). Returns how, for the message.
fn exhaustive(rules: &[Node]) -> Option<String> {
    let tests: Vec<(&str, Test)> = rules.iter().filter_map(test_of).collect();
    for (i, (var, a)) in tests.iter().enumerate() {
        for (other, b) in &tests[i + 1..] {
            if var != other {
                continue;
            }
            let covers = match (a, b) {
                (Test::Present(x), Test::Present(y))
                | (Test::Null(x), Test::Null(y))
                | (Test::Bool(x), Test::Bool(y)) => x != y,
                (
                    Test::Below {
                        limit: l,
                        strict: s,
                    },
                    Test::Above {
                        limit: m,
                        strict: t,
                    },
                )
                | (
                    Test::Above {
                        limit: m,
                        strict: t,
                    },
                    Test::Below {
                        limit: l,
                        strict: s,
                    },
                ) => {
                    // Below l and above m leave no gap when m < l, or when they
                    // meet and one of them includes the point.
                    m < l || (m == l && !(*s && *t))
                }
                _ => false,
            };
            if covers {
                return Some(match a {
                    Test::Present(_) => format!("`IsPresent` true and false on `{var}`"),
                    Test::Null(_) => format!("`IsNull` true and false on `{var}`"),
                    Test::Bool(_) => format!("`BooleanEquals` true and false on `{var}`"),
                    _ => format!("complementary numeric comparisons on `{var}`"),
                });
            }
        }
    }
    None
}
