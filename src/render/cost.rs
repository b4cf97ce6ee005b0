//! `--cost` output: a compact table per definition, or the JSON of `schemas/cost.v1.json`.

use crate::cost::{Assumptions, Estimate, Figure};
use crate::engine::CostReport;

/// Dollars with thousands separators: `$1,234,567.89` (and `$1.23e25` past
/// what 64 bits count).
fn usd(x: f64) -> String {
    if x.abs() >= 18_000_000_000_000_000_000.0 {
        return format!("${x:e}");
    }
    let cents = format!("{:.2}", x.abs());
    let (whole, fraction) = cents.split_once('.').unwrap_or((&cents, "00"));
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let sign = if x < 0.0 { "-" } else { "" };
    format!("{sign}${grouped}.{fraction}")
}

pub fn range_usd(min: f64, max: Option<f64>) -> String {
    match max {
        Some(max) if (max - min).abs() < 0.005 => usd(min),
        Some(max) => format!("{} – {}", usd(min), usd(max)),
        None => format!("{} – unbounded", usd(min)),
    }
}

/// Dollars that may be a lower bound: `$75.00` or `more than $2.49e22`.
fn figure_usd(f: Figure) -> String {
    if f.more_than {
        format!("more than {}", usd(f.value))
    } else {
        usd(f.value)
    }
}

/// A range of dollars that may be lower bounds, as [`range_usd`] shows
/// exact ones.
pub fn range_figure_usd(min: Figure, max: Option<Figure>) -> String {
    match max {
        Some(max) if max.more_than || min.more_than => {
            if max == min {
                figure_usd(min)
            } else {
                format!("{} – {}", figure_usd(min), figure_usd(max))
            }
        }
        Some(max) => range_usd(min.value, Some(max.value)),
        None => format!("{} – unbounded", figure_usd(min)),
    }
}

/// One block per definition, and a footer with the assumptions unless
/// `quiet`.
pub fn text(reports: &[CostReport], a: &Assumptions, quiet: bool) -> String {
    let mut out = String::new();
    for r in reports {
        let Ok(e) = &r.estimate else {
            continue;
        };
        let name = match &r.definition {
            Some(d) => format!("{} {d}", r.file),
            None => r.file.clone(),
        };
        out.push_str(&format!("{name}\n"));
        out.push_str(&table(e));
        out.push('\n');
    }
    if quiet {
        return out;
    }
    out.push_str(&format!(
        "Per million executions, free tier not subtracted; Map items: {}{}, request-response \
         task: {} s. Prices: {} (read {}).\n",
        a.items,
        if a.map_items.is_empty() {
            ""
        } else {
            " (some Maps set in [cost.map-items])"
        },
        a.task_seconds,
        // `--prices` files name their own source and date: shown escaped.
        crate::render::escape::visible(&a.prices.source),
        crate::render::escape::visible(&a.prices.read)
    ));
    out
}

fn table(e: &Estimate) -> String {
    let mut out = String::new();
    let transitions = match e.transitions.max {
        Some(max) if max == e.transitions.min => max.to_string(),
        Some(max) => format!("{} – {max}", e.transitions.min),
        None => format!("{} – unbounded", e.transitions.min),
    };
    out.push_str(&format!("  transitions per execution  {transitions}\n"));
    for (choice, n) in &e.bounded_loops {
        out.push_str(&format!(
            "    a loop runs at most {n} times (bounded by `{choice}`)\n"
        ));
    }
    out.push_str(&format!(
        "  Standard                   {}\n",
        range_figure_usd(
            e.standard_usd_per_million.min,
            e.standard_usd_per_million.max
        )
    ));
    let express = match (&e.express_usd_per_million, e.express_possible) {
        (Some(r), _) => range_usd(r.min, r.max),
        (None, false) => format!("not possible: {}", e.express_blockers.join("; ")),
        (None, true) => "unknown (a step's duration is not known)".to_string(),
    };
    out.push_str(&format!("  Express                    {express}\n"));
    if !e.top_states.is_empty() {
        let list: Vec<String> = e
            .top_states
            .iter()
            .map(|t| match t.transitions {
                Some(n) => format!("{} ({n})", t.state),
                None => format!("{} (in an unbounded loop)", t.state),
            })
            .collect();
        out.push_str(&format!(
            "  where it goes              {}\n",
            list.join(", ")
        ));
    }
    out
}

/// `{"min": .., "max": ..}`, with `min_is_lower_bound` or
/// `max_is_lower_bound` (true) when that figure is only a lower bound.
fn range_json(
    r: crate::cost::Range<Figure>,
    number: impl Fn(&Figure) -> serde_json::Value,
) -> serde_json::Value {
    let mut out = serde_json::json!({
        "min": number(&r.min),
        "max": r.max.as_ref().map(&number),
    });
    if r.min.more_than {
        out["min_is_lower_bound"] = true.into();
    }
    if r.max.is_some_and(|m| m.more_than) {
        out["max_is_lower_bound"] = true.into();
    }
    out
}

/// `{"version":1,"definitions":[...]}` as `schemas/cost.v1.json` fixes it.
pub fn json(reports: &[CostReport]) -> String {
    let definitions: Vec<serde_json::Value> = reports
        .iter()
        .filter_map(|r| {
            let e = r.estimate.as_ref().ok()?;
            Some(serde_json::json!({
                "file": r.file,
                "definition": r.definition,
                "transitions": range_json(e.transitions, Figure::json_count),
                "unbounded": e.unbounded,
                "standard_usd_per_million": range_json(
                    e.standard_usd_per_million,
                    |f| serde_json::Value::from(f.value),
                ),
                "express_possible": e.express_possible,
                "express_usd_per_million": e.express_usd_per_million.map(|r| serde_json::json!({
                    "min": r.min, "max": r.max,
                })),
                "top_states": e.top_states.iter().map(|t| {
                    let mut state = serde_json::json!({
                        "state": t.state,
                        "transitions": t.transitions.map(|f| f.json_count()),
                    });
                    if t.transitions.is_some_and(|f| f.more_than) {
                        state["transitions_is_lower_bound"] = true.into();
                    }
                    state
                }).collect::<Vec<_>>(),
                "bounded_loops": e.bounded_loops.iter().map(|(choice, n)| serde_json::json!({
                    "choice": choice, "max_iterations": n,
                })).collect::<Vec<_>>(),
                "express_blockers": e.express_blockers,
            }))
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&serde_json::json!({
        "version": 1,
        "definitions": definitions,
    }))
    .expect("serializes");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn dollars_have_thousands_separators() {
        assert_eq!(super::usd(0.0), "$0.00");
        assert_eq!(super::usd(999.5), "$999.50");
        assert_eq!(super::usd(1150.0), "$1,150.00");
        assert_eq!(super::usd(1234567.891), "$1,234,567.89");
    }
}
