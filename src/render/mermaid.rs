//! Mermaid flowcharts of the paths findings are about (a resource left
//! running, a job chain broken by one failure), for the GitHub step
//! summary, which renders ```mermaid blocks.
//!
//! Every label is user text (state and resource names): it is written as
//! Mermaid entity codes (`#60;`) except for letters, digits and spaces, so
//! nothing in it can end a label, start a directive, close the fence or
//! reach the page as HTML.

use std::fmt::Write;

use crate::diagnostic::FlowPath;

/// At most this many states that never run are drawn.
const MAX_NEVER_RUN: usize = 8;

/// A quoted Mermaid label.
fn label(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == ' ' {
            out.push(c);
        } else {
            let _ = write!(out, "#{};", u32::from(c));
        }
    }
    out.push('"');
    out
}

/// A fenced `mermaid` block drawing `path`: the start, each state (a Catch
/// labelled on its edge), what is missing before the exit, the exit, and the
/// states that never run.
pub fn flowchart(path: &FlowPath) -> String {
    let mut out = String::from("```mermaid\nflowchart LR\n");
    let last = path.states.len().saturating_sub(1);
    for (i, (name, _)) in path.states.iter().enumerate() {
        // A one-state path (a job without a Catch) is the leak itself.
        let class = match i {
            _ if i == last => ":::leak",
            0 => ":::start",
            _ => "",
        };
        let _ = writeln!(out, "  s{i}[{}]{class}", label(name));
    }
    for (i, (_, via_catch)) in path.states.iter().enumerate().skip(1) {
        let arrow = match (path.gap_before == Some(i), *via_catch) {
            (true, _) => format!("-.->|{}|", label("…")),
            (false, true) => format!("-->|{}|", label("Catch")),
            (false, false) => "-->".to_string(),
        };
        let _ = writeln!(out, "  s{} {arrow} s{i}", i - 1);
    }
    let mut from = format!("s{last}");
    if let Some(missing) = &path.missing {
        let _ = writeln!(out, "  m[{}]:::missing", label(missing));
        let _ = writeln!(out, "  {from} --> m");
        from = "m".to_string();
    }
    // No exit word: the path ends in a Fail state.
    let exit = if path.exit.is_empty() {
        "fails"
    } else {
        &path.exit
    };
    let _ = writeln!(out, "  x(({}))", label(exit));
    let _ = writeln!(out, "  {from} --> x");
    for (j, name) in path.never_run.iter().take(MAX_NEVER_RUN).enumerate() {
        let _ = writeln!(out, "  r{j}[{}]:::skipped", label(name));
        let _ = writeln!(out, "  s{last} -.->|{}| r{j}", label("never runs"));
    }
    out.push_str(
        "  classDef start stroke:#1a7f37,stroke-width:3px\n  \
         classDef leak stroke:#cf222e,stroke-width:3px\n  \
         classDef missing stroke:#cf222e,stroke-dasharray:5 5\n  \
         classDef skipped stroke-dasharray:5 5,color:#57606a\n```\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_cannot_break_out() {
        assert_eq!(label("a\"]``` <b>"), "\"a#34;#93;#96;#96;#96; #60;b#62;\"");
    }

    #[test]
    fn a_leaking_path_is_drawn_start_to_exit() {
        let path = FlowPath {
            states: vec![
                ("Start".into(), false),
                ("Work".into(), false),
                ("Failed".into(), true),
            ],
            exit: "fails".into(),
            missing: Some("no stop".into()),
            ..Default::default()
        };
        let chart = flowchart(&path);
        for line in [
            "  s0[\"Start\"]:::start\n",
            "  s2[\"Failed\"]:::leak\n",
            "  s1 -->|\"Catch\"| s2\n",
            "  s2 --> m\n",
            "  m --> x\n",
            "  x((\"fails\"))\n",
        ] {
            assert!(chart.contains(line), "{line:?} in {chart}");
        }
    }
}
