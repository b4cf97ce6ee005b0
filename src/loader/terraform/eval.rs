//! An HCL expression as the JSON `jsonencode()` makes of it, in the spanned
//! tree: literals are literal, with the spans the user wrote; everything
//! Terraform knows only when it runs (references, function calls, `for`
//! and conditional expressions, interpolations alone in a string) is an
//! opaque value, and only that value.

use hcl_edit::Spanned;
use hcl_edit::expr::{Expression, ObjectKey, UnaryOperator};
use hcl_edit::template::{Element, Template};

use crate::loader::tree::{Member, Node, Number, Object, Span, Value};

/// Deeper values are opaque. The HCL parser already refuses more than 64
/// nested levels; this bounds the recursion on its own.
const MAX_DEPTH: usize = 96;

/// The byte span of an HCL element, or `fallback` when it has none.
pub(super) fn span_of(element: &impl hcl_edit::Span, fallback: Span) -> Span {
    element
        .span()
        .map_or(fallback, |r| Span::new(r.start, r.end))
}

/// The source text of `span`, shortened for a message or an opaque value.
/// The source text of an expression, as the user wrote it (for messages).
pub(super) fn written(text: &str, element: &impl hcl_edit::Span) -> String {
    source(text, span_of(element, Span::default()))
}

pub(super) fn source(text: &str, span: Span) -> String {
    let written = text
        .get(span.start as usize..span.end as usize)
        .unwrap_or("");
    let mut flat: String = written.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 80 {
        flat = flat.chars().take(77).collect::<String>() + "...";
    }
    flat
}

/// `expr` as a JSON value. `text` is the file the spans point into.
pub fn value(expr: &Expression, text: &str, fallback: Span) -> Node {
    evaluate(expr, text, fallback, 0)
}

fn opaque(text: &str, span: Span) -> Value {
    Value::Opaque(format!("${{{}}}", source(text, span)).into())
}

fn evaluate(expr: &Expression, text: &str, fallback: Span, depth: usize) -> Node {
    let span = span_of(expr, fallback);
    let node = |value| Node { value, span };
    if depth > MAX_DEPTH {
        return node(opaque(text, span));
    }
    match expr {
        Expression::Null(_) => node(Value::Null),
        Expression::Bool(b) => node(Value::Bool(*b.value())),
        Expression::Number(n) => node(number(n.value()).unwrap_or_else(|| opaque(text, span))),
        Expression::String(s) => node(Value::String(s.value().as_str().into())),
        Expression::Array(items) => node(Value::Array(
            items
                .iter()
                .map(|item| evaluate(item, text, span, depth + 1))
                .collect(),
        )),
        Expression::Object(o) => {
            let mut members = Vec::with_capacity(o.len());
            for (key, value) in o.iter() {
                let key_span = span_of(key, span);
                let key_text = match key {
                    ObjectKey::Ident(ident) => ident.value().as_str().to_string(),
                    ObjectKey::Expression(Expression::String(s)) => s.value().to_string(),
                    // `(local.name) = ...`: the object's keys are known
                    // only when Terraform runs.
                    ObjectKey::Expression(_) => return node(opaque(text, span)),
                };
                members.push(Member {
                    key: key_text.into(),
                    key_span,
                    value: evaluate(value.expr(), text, span, depth + 1),
                });
            }
            node(Value::Object(Object::new(members)))
        }
        Expression::StringTemplate(t) => node(template_string(t, text, span)),
        Expression::HeredocTemplate(h) => node(template_string(&h.template, text, span)),
        Expression::Parenthesis(p) => evaluate(p.inner(), text, span, depth + 1),
        Expression::UnaryOp(op) if *op.operator.value() == UnaryOperator::Neg => match &op.expr {
            Expression::Number(n) => node(
                number(n.value())
                    .map(|v| match v {
                        Value::Number(Number::Int(i)) => match i.checked_neg() {
                            Some(i) => Value::Number(Number::Int(i)),
                            None => Value::Number(Number::Float(-(i as f64))),
                        },
                        Value::Number(Number::Float(f)) => Value::Number(Number::Float(-f)),
                        other => other,
                    })
                    .unwrap_or_else(|| opaque(text, span)),
            ),
            _ => node(opaque(text, span)),
        },
        _ => node(opaque(text, span)),
    }
}

fn number(n: &hcl_edit::Number) -> Option<Value> {
    if let Some(i) = n.as_i64() {
        return Some(Value::Number(Number::Int(i)));
    }
    let f = n.as_f64()?;
    if !f.is_finite() {
        return None;
    }
    // `jsonencode(1.0)` is `1`.
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        return Some(Value::Number(Number::Int(f as i64)));
    }
    Some(Value::Number(Number::Float(f)))
}

/// A quoted string or heredoc with interpolations: the string it builds,
/// each interpolation kept as its `${...}` text (as a CloudFormation
/// `Fn::Sub` is), or opaque when it is one interpolation alone (its value
/// need not be a string) or holds a directive.
fn template_string(t: &Template, text: &str, span: Span) -> Value {
    let elements: Vec<&Element> = t.iter().collect();
    if let [Element::Interpolation(i)] = elements.as_slice() {
        // `"${x}"` is the value of `x`, read as the interpolation's text.
        let at = span_of(i, span);
        return Value::Opaque(eval_text(text, at).into());
    }
    let mut out = String::new();
    for element in elements {
        match element {
            Element::Literal(literal) => out.push_str(literal_text(literal)),
            Element::Interpolation(i) => {
                let at = span_of(i, span);
                out.push_str(&text[at.start as usize..at.end as usize]);
            }
            Element::Directive(_) => return opaque(text, span),
        }
    }
    Value::String(out.into())
}

fn eval_text(text: &str, span: Span) -> &str {
    text.get(span.start as usize..span.end as usize)
        .unwrap_or("${}")
}

fn literal_text(literal: &Spanned<String>) -> &str {
    literal.value()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(expr: &str) -> Node {
        let parsed = hcl_edit::parser::parse_expr(expr).unwrap();
        value(&parsed, expr, Span::new(0, expr.len()))
    }

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start as usize..span.end as usize]
    }

    #[test]
    fn literals_keep_the_spans_the_user_wrote() {
        let text = "{\n  StartAt = \"A\"\n  \"States\" = { A = { Type = \"Pass\", Result = [1, -2, 2.5, true, null], End = true } }\n}";
        let root = eval(text);
        let states = root.as_object().unwrap().member("States").unwrap();
        assert_eq!(slice(text, states.key_span), "\"States\"");
        let a = states.value.get("A").unwrap();
        let ty = a.as_object().unwrap().member("Type").unwrap();
        assert_eq!(slice(text, ty.key_span), "Type");
        assert_eq!(slice(text, ty.value.span), "\"Pass\"");
        assert_eq!(ty.value.as_str(), Some("Pass"));
        let result = a.get("Result").unwrap().as_array().unwrap();
        assert_eq!(result[1].as_number(), Some(Number::Int(-2)));
        assert_eq!(result[2].as_number(), Some(Number::Float(2.5)));
        assert_eq!(result[3].as_bool(), Some(true));
        assert!(matches!(result[4].value, Value::Null));
    }

    #[test]
    fn what_terraform_knows_when_it_runs_is_opaque_alone() {
        let text = r#"{ R = aws_lambda_function.f.arn, S = "${var.x}", T = "arn:${var.p}:x", U = [for s in var.l : s], V = var.c ? 1 : 2, W = max(1, 2), X = "a\"b", Y = "%{ if x }y%{ endif }", (local.k) = 1 }"#;
        let root = eval(text);
        // A dynamic key makes the whole object opaque.
        assert!(matches!(root.value, Value::Opaque(_)));
        let text = r#"{ R = aws_lambda_function.f.arn, S = "${var.x}", T = "arn:${var.p}:x", U = [for s in var.l : s], V = var.c ? 1 : 2, W = max(1, 2), X = "a\"b", Y = "%{ if x }y%{ endif }" }"#;
        let root = eval(text);
        let get = |k: &str| root.get(k).unwrap();
        for k in ["R", "S", "U", "V", "W", "Y"] {
            assert!(
                matches!(get(k).value, Value::Opaque(_)),
                "{k}: {:?}",
                get(k)
            );
        }
        assert_eq!(get("R").as_str(), Some("${aws_lambda_function.f.arn}"));
        assert_eq!(get("T").as_str(), Some("arn:${var.p}:x"));
        assert!(matches!(get("T").value, Value::String(_)));
        assert_eq!(get("X").as_str(), Some("a\"b"));
    }
}
