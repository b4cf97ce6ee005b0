//! User-controlled text in human-readable output. A state name, a value or
//! a file name can hold terminal escapes (ESC, BEL, C1 controls: screen
//! clears, OSC 52 clipboard writes, fake OSC 8 links), bidirectional
//! overrides that reorder what a reviewer reads, or newlines that start a
//! GitHub workflow command of their own. Such characters are shown as
//! visible escapes (`\u{1b}`), as ripgrep and git do, never written raw.

use std::borrow::Cow;

/// Characters that must not reach a terminal or a log raw.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// `s` with every unsafe character (newlines and tabs included: one finding
/// is one line) written as `\u{..}`.
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Source text for a snippet: unsafe characters other than newline and tab
/// replaced by a placeholder of the same UTF-8 length, so byte offsets and
/// character columns into the text stay valid.
pub fn same_width(s: &str) -> Cow<'_, str> {
    let unsafe_here = |c: char| is_unsafe(c) && !matches!(c, '\n' | '\t');
    if !s.chars().any(unsafe_here) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if unsafe_here(c) {
            out.push(match c.len_utf8() {
                1 => '?',
                2 => '¿',
                _ => '\u{FFFD}',
            });
        } else {
            out.push(c);
        }
    }
    debug_assert_eq!(out.len(), s.len());
    Cow::Owned(out)
}

/// Text for a GitHub step summary table cell: no live HTML or Markdown
/// (`<img>`, links, images, mentions), no code span a name could close, no
/// cell or line break, and no unsafe character.
pub fn markdown_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in visible(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' => out.push_str("&#124;"),
            '`' => out.push_str("&#96;"),
            '[' => out.push_str("&#91;"),
            ']' => out.push_str("&#93;"),
            '!' => out.push_str("&#33;"),
            '@' => out.push_str("&#64;"),
            '*' => out.push_str("&#42;"),
            '_' => out.push_str("&#95;"),
            '\\' => out.push_str("&#92;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_overrides_become_visible() {
        assert_eq!(visible("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(visible("x\n::set-output"), "x\\u{a}::set-output");
        assert_eq!(visible("\u{202e}txt"), "\\u{202e}txt");
        assert_eq!(visible("plain `name`"), "plain `name`");
        let s = "a\u{1b}b\u{85}c\u{202e}d\ne";
        assert_eq!(same_width(s).len(), s.len());
        assert_eq!(same_width(s), "a?b¿c\u{FFFD}d\ne");
        assert_eq!(
            markdown_cell("<img src=x> `a` [l](u)"),
            "&lt;img src=x&gt; &#96;a&#96; &#91;l&#93;(u)"
        );
    }
}
