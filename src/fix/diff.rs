//! `--diff` from what the fixes changed: the lines around each change are
//! diffed on their own (Myers, as `similar` diffs a whole file), and the
//! lines between changes are known to be equal. A whole-file Myers diff
//! costs the file's lines times the lines changed, so 50,000 fixes took
//! seconds; this costs the file's length plus the changed lines.

use std::borrow::Cow;
use std::ops::Range;

use similar::{Algorithm, DiffOp, DiffTag};

/// What the fixes changed: the `old` bytes of the original became the
/// `new` bytes of the fixed text. Between changes the texts are the same.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub old: Range<usize>,
    pub new: Range<usize>,
}

/// The changes from the original to the text that `edits` (ranges of the
/// current text, sorted and disjoint, each with its replacement's length)
/// make of the current text, which `changes` made of the original.
/// Changes and edits that overlap or touch become one change.
pub fn compose(changes: &[Change], edits: &[(Range<usize>, usize)]) -> Vec<Change> {
    let mut out = Vec::with_capacity(changes.len() + edits.len());
    // For a current position outside every change and edit so far:
    // original = current + to_old, result = current + to_new.
    let (mut to_old, mut to_new) = (0isize, 0isize);
    let (mut i, mut j) = (0, 0);
    let at = |p: usize, d: isize| (p as isize + d) as usize;
    while i < changes.len() || j < edits.len() {
        let start = match (changes.get(i), edits.get(j)) {
            (Some(c), Some((e, _))) => c.new.start.min(e.start),
            (Some(c), None) => c.new.start,
            (None, Some((e, _))) => e.start,
            (None, None) => unreachable!(),
        };
        let (old_start, new_start) = (at(start, to_old), at(start, to_new));
        let mut end = start;
        loop {
            if let Some(c) = changes.get(i).filter(|c| c.new.start <= end) {
                end = end.max(c.new.end);
                to_old += c.old.len() as isize - c.new.len() as isize;
                i += 1;
            } else if let Some((e, len)) = edits.get(j).filter(|(e, _)| e.start <= end) {
                end = end.max(e.end);
                to_new += *len as isize - e.len() as isize;
                j += 1;
            } else {
                break;
            }
        }
        out.push(Change {
            old: old_start..at(end, to_old),
            new: new_start..at(end, to_new),
        });
    }
    out
}

/// Where each line starts, as `similar` splits lines (after `\n`, `\r\n`
/// or a lone `\r`), and the text's length last.
fn line_starts(text: &[u8]) -> Vec<usize> {
    let mut starts = vec![0];
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'\r' if text.get(i + 1) == Some(&b'\n') => {
                i += 1;
                starts.push(i + 1);
            }
            b'\n' | b'\r' => starts.push(i + 1),
            _ => {}
        }
        i += 1;
    }
    if starts.last() != Some(&text.len()) {
        starts.push(text.len());
    }
    starts
}

/// One side of the diff: its text and line starts.
struct Side<'a> {
    text: &'a [u8],
    starts: Vec<usize>,
    /// Positions just after a `\n`, and 0: where a block may begin or end
    /// on both sides alike (a `\r` could pair with a `\n` on either side).
    after_newline: Vec<usize>,
}

impl<'a> Side<'a> {
    fn new(text: &'a [u8]) -> Side<'a> {
        let mut after_newline = vec![0];
        after_newline.extend(
            text.iter()
                .enumerate()
                .filter(|&(_, &b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Side {
            text,
            starts: line_starts(text),
            after_newline,
        }
    }

    fn lines(&self) -> usize {
        self.starts.len() - 1
    }

    /// The index of the line starting at `at`, a line start or the end.
    fn line_at(&self, at: usize) -> usize {
        self.starts.partition_point(|&s| s < at)
    }

    fn line(&self, i: usize) -> Cow<'a, str> {
        String::from_utf8_lossy(&self.text[self.starts[i]..self.starts[i + 1]])
    }

    /// The last position after a `\n` at or before `at`.
    fn block_start(&self, at: usize) -> usize {
        let i = self.after_newline.partition_point(|&p| p <= at);
        self.after_newline[i - 1]
    }

    /// The first position after a `\n` past `at`, or the end.
    fn block_end(&self, at: usize) -> usize {
        let i = self.after_newline.partition_point(|&p| p <= at);
        self.after_newline
            .get(i)
            .copied()
            .unwrap_or(self.text.len())
    }
}

/// A block of whole lines, old and new, that holds changes.
type Block = (Range<usize>, Range<usize>);

/// Blocks of bytes, old and new, that hold whole lines and every change;
/// between blocks (and before the first, after the last) the two texts are
/// the same. Blocks with no line between them come in one group.
fn blocks(old: &Side<'_>, new: &Side<'_>, changes: &[Change]) -> Vec<Vec<Block>> {
    let mut out: Vec<Vec<Block>> = Vec::new();
    let mut k = 0;
    while k < changes.len() {
        let c = &changes[k];
        let a = old.block_start(c.old.start);
        let a_new = c.new.start - (c.old.start - a);
        // The end: after a `\n` on both sides (the text after a change is
        // the same on both, so one more line reaches one).
        let end = |c: &Change| {
            let whole = c.old.end > a
                && old.text[c.old.end - 1] == b'\n'
                && c.new.end > a_new
                && new.text[c.new.end - 1] == b'\n';
            if whole || c.old.end == old.text.len() {
                (c.old.end, c.new.end)
            } else {
                let b = old.block_end(c.old.end);
                (b, c.new.end + (b - c.old.end))
            }
        };
        let (mut b, mut b_new) = end(c);
        k += 1;
        // A change that starts inside the block joins it.
        while let Some(next) = changes.get(k).filter(|n| n.old.start < b) {
            (b, b_new) = end(next);
            k += 1;
        }
        match out.last_mut() {
            Some(group) if group.last().is_some_and(|(o, _)| o.end == a) => {
                group.push((a..b, a_new..b_new));
            }
            _ => out.push(vec![(a..b, a_new..b_new)]),
        }
    }
    out
}

/// `--diff` for `old` fixed into `new` by `changes`: the unified diff, with
/// three lines of context, that `similar` makes of the whole texts.
pub fn unified(
    header_old: &str,
    header_new: &str,
    old: &[u8],
    new: &[u8],
    changes: &[Change],
) -> String {
    let old = Side::new(old);
    let new = Side::new(new);
    let mut ops: Vec<DiffOp> = Vec::new();
    // Ops as a whole-file diff has them: a run of equal lines in one op,
    // and changes with no equal line between them in one op.
    let mut push = |op: DiffOp| {
        if op.old_range().is_empty() && op.new_range().is_empty() {
            return;
        }
        let equal = |op: &DiffOp| matches!(op, DiffOp::Equal { .. });
        match ops.last_mut() {
            Some(last) if equal(last) == equal(&op) => {
                let (old, new) = (
                    last.old_range().start..op.old_range().end,
                    last.new_range().start..op.new_range().end,
                );
                *last = if equal(&op) {
                    DiffOp::Equal {
                        old_index: old.start,
                        new_index: new.start,
                        len: old.len(),
                    }
                } else if old.is_empty() {
                    DiffOp::Insert {
                        old_index: old.start,
                        new_index: new.start,
                        new_len: new.len(),
                    }
                } else if new.is_empty() {
                    DiffOp::Delete {
                        old_index: old.start,
                        old_len: old.len(),
                        new_index: new.start,
                    }
                } else {
                    DiffOp::Replace {
                        old_index: old.start,
                        old_len: old.len(),
                        new_index: new.start,
                        new_len: new.len(),
                    }
                };
            }
            _ => ops.push(op),
        }
    };
    let (mut done_old, mut done_new) = (0, 0);
    for group in blocks(&old, &new, changes) {
        let lines: Vec<Block> = group
            .iter()
            .map(|(o, n)| {
                (
                    old.line_at(o.start)..old.line_at(o.end),
                    new.line_at(n.start)..new.line_at(n.end),
                )
            })
            .collect();
        let (o, n) = (
            lines[0].0.start..lines[lines.len() - 1].0.end,
            lines[0].1.start..lines[lines.len() - 1].1.end,
        );
        debug_assert_eq!(o.start - done_old, n.start - done_new);
        push(DiffOp::Equal {
            old_index: done_old,
            new_index: done_new,
            len: o.start - done_old,
        });
        for op in block_ops(&old, &new, o.clone(), n.clone(), &lines) {
            push(op);
        }
        (done_old, done_new) = (o.end, n.end);
    }
    push(DiffOp::Equal {
        old_index: done_old,
        new_index: done_new,
        len: old.lines() - done_old,
    });
    let mut out = String::new();
    for group in similar::group_diff_ops(ops, 3) {
        if group.is_empty() {
            continue;
        }
        if out.is_empty() {
            out.push_str(&format!("--- {header_old}\n+++ {header_new}\n"));
        }
        let (first, last) = (&group[0], &group[group.len() - 1]);
        out.push_str(&format!(
            "@@ -{} +{} @@\n",
            hunk_range(first.old_range().start, last.old_range().end),
            hunk_range(first.new_range().start, last.new_range().end)
        ));
        for op in &group {
            let (tag, o, n) = op.as_tag_tuple();
            let mut emit = |sign: char, line: Cow<'_, str>| {
                out.push(sign);
                out.push_str(&line);
                if !line.ends_with(['\r', '\n']) {
                    out.push_str("\n\\ No newline at end of file\n");
                }
            };
            match tag {
                DiffTag::Equal => o.for_each(|i| emit(' ', old.line(i))),
                DiffTag::Delete => o.for_each(|i| emit('-', old.line(i))),
                DiffTag::Insert => n.for_each(|i| emit('+', new.line(i))),
                DiffTag::Replace => {
                    o.for_each(|i| emit('-', old.line(i)));
                    n.for_each(|i| emit('+', new.line(i)));
                }
            }
        }
    }
    out
}

#[cfg(test)]
thread_local! {
    /// Lines given to Myers, for the tests that count work.
    static MYERS_RUN: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Myers on two slices of lines, as `similar` diffs a whole text.
fn myers(old: &[Cow<'_, str>], new: &[Cow<'_, str>]) -> Vec<DiffOp> {
    #[cfg(test)]
    MYERS_RUN.with(|n| n.set(n.get() + old.len() + new.len()));
    similar::capture_diff_slices(Algorithm::Myers, old, new)
}

/// Lines in a group of blocks that Myers diffs as one; a larger group with
/// lines in common is diffed block by block.
const MYERS_LINES: usize = 2_000;

/// The ops of the lines `o` (old) and `n` (new), a group of adjacent
/// `blocks`. As a whole-file Myers diff has them: Myers runs on the group,
/// so that lines moved between adjacent blocks (two list items swapped)
/// pair up. Its cost is the lines times the lines changed, so a group with
/// no line in common, the usual case (every line rewritten in place), is
/// one replacement without it, which is what Myers finds there; and a
/// large group with lines in common is diffed block by block.
fn block_ops(
    old: &Side<'_>,
    new: &Side<'_>,
    o: Range<usize>,
    n: Range<usize>,
    blocks: &[Block],
) -> Vec<DiffOp> {
    let old_lines: Vec<Cow<'_, str>> = o.clone().map(|i| old.line(i)).collect();
    let new_lines: Vec<Cow<'_, str>> = n.clone().map(|i| new.line(i)).collect();
    let seen: std::collections::HashSet<&str> = old_lines.iter().map(|l| l.as_ref()).collect();
    if !new_lines.iter().any(|l| seen.contains(l.as_ref())) {
        return vec![match (o.is_empty(), n.is_empty()) {
            (true, true) => return Vec::new(),
            (true, false) => DiffOp::Insert {
                old_index: o.start,
                new_index: n.start,
                new_len: n.len(),
            },
            (false, true) => DiffOp::Delete {
                old_index: o.start,
                old_len: o.len(),
                new_index: n.start,
            },
            (false, false) => DiffOp::Replace {
                old_index: o.start,
                old_len: o.len(),
                new_index: n.start,
                new_len: n.len(),
            },
        }];
    }
    if blocks.len() == 1 || o.len() + n.len() <= MYERS_LINES {
        return myers(&old_lines, &new_lines)
            .into_iter()
            .map(|op| shift(op, o.start, n.start))
            .collect();
    }
    blocks
        .iter()
        .flat_map(|(bo, bn)| {
            let (bo, bn) = (
                bo.start - o.start..bo.end - o.start,
                bn.start - n.start..bn.end - n.start,
            );
            myers(&old_lines[bo.clone()], &new_lines[bn.clone()])
                .into_iter()
                .map(move |op| shift(op, o.start + bo.start, n.start + bn.start))
        })
        .collect()
}

fn shift(op: DiffOp, old: usize, new: usize) -> DiffOp {
    match op {
        DiffOp::Equal {
            old_index,
            new_index,
            len,
        } => DiffOp::Equal {
            old_index: old_index + old,
            new_index: new_index + new,
            len,
        },
        DiffOp::Delete {
            old_index,
            old_len,
            new_index,
        } => DiffOp::Delete {
            old_index: old_index + old,
            old_len,
            new_index: new_index + new,
        },
        DiffOp::Insert {
            old_index,
            new_index,
            new_len,
        } => DiffOp::Insert {
            old_index: old_index + old,
            new_index: new_index + new,
            new_len,
        },
        DiffOp::Replace {
            old_index,
            old_len,
            new_index,
            new_len,
        } => DiffOp::Replace {
            old_index: old_index + old,
            old_len,
            new_index: new_index + new,
            new_len,
        },
    }
}

/// `start,len` as unified diffs write a hunk's lines (1-based; `start` alone
/// for one line; the line before for none).
fn hunk_range(start: usize, end: usize) -> String {
    let len = end.saturating_sub(start);
    match len {
        1 => format!("{}", start + 1),
        0 => format!("{start},0"),
        _ => format!("{},{len}", start + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(old: &str, new: &str) -> String {
        similar::TextDiff::from_lines(old, new)
            .unified_diff()
            .context_radius(3)
            .header("a", "b")
            .to_string()
    }

    /// Applies `edits` (ranges of `text` and their text) in passes, and
    /// checks the diff from the composed changes against `similar`'s diff
    /// of the whole texts.
    fn check(text: &str, passes: &[&[(Range<usize>, &str)]]) {
        let mut current = text.to_string();
        let mut changes = Vec::new();
        for edits in passes {
            let mut next = String::new();
            let mut at = 0;
            for (r, s) in edits.iter() {
                next.push_str(&current[at..r.start]);
                next.push_str(s);
                at = r.end;
            }
            next.push_str(&current[at..]);
            let lens: Vec<(Range<usize>, usize)> =
                edits.iter().map(|(r, s)| (r.clone(), s.len())).collect();
            changes = compose(&changes, &lens);
            current = next;
        }
        // Between changes, and after the last, the texts are the same.
        let (mut o, mut n) = (0, 0);
        for c in &changes {
            assert_eq!(text[o..c.old.start], current[n..c.new.start], "{changes:?}");
            (o, n) = (c.old.end, c.new.end);
        }
        assert_eq!(text[o..], current[n..], "{changes:?}");
        assert_eq!(
            unified("a", "b", text.as_bytes(), current.as_bytes(), &changes),
            whole(text, &current),
            "{text:?} -> {current:?} by {changes:?}"
        );
    }

    #[test]
    fn diffs_from_changes_match_a_whole_file_diff() {
        let text = "a: on\nb: 1\nc: off\nd: 2\ne: 3\nf: 4\ng: 5\nh: 6\ni: yes\nj: 7\n";
        check(text, &[&[(3..5, "\"on\"")]]);
        check(text, &[&[(3..5, "\"on\""), (14..17, "\"off\"")]]);
        check(text, &[&[(3..5, "\"on\"")], &[(0..1, "A")]]);
        check(text, &[&[(3..5, "\"on\"")], &[(2..7, " x")]]);
        check(text, &[&[(46..49, "true")]]);
        // A line removed, a line added, the last newline removed.
        check(text, &[&[(6..11, "")]]);
        check(text, &[&[(6..6, "x: 0\n")]]);
        check(text, &[&[(text.len() - 1..text.len(), "")]]);
        check("a\nb", &[&[(2..3, "c\n")]]);
        check("", &[&[(0..0, "x")]]);
        check("x\r\ny\rz\n", &[&[(3..4, "Y")]]);
        // Edits in passes that touch and overlap what went before.
        check(
            text,
            &[
                &[(3..5, "\"on\""), (30..31, "9")],
                &[(1..4, ""), (5..8, "ON\"\n"), (30..33, "")],
            ],
        );
    }

    /// Every line of a long run rewritten in place (50,000 implicit-type
    /// fixes): one replacement, found without Myers, whose cost is the
    /// lines times the lines changed. A run of swaps (lines in common) is
    /// diffed block by block. Each as a whole-file diff prints it.
    #[test]
    fn long_runs_of_changed_lines_cost_no_whole_run_myers() {
        let n = 3_000;
        let text: String = (0..n).map(|i| format!("k{i}: yes\n")).collect();
        let mut edits = Vec::new();
        let mut at = 0;
        for i in 0..n {
            let line = format!("k{i}: yes\n");
            let value = at + line.len() - 4;
            edits.push((value..value + 3, "\"yes\""));
            at += line.len();
        }
        let before = MYERS_RUN.with(|c| c.get());
        check(&text, &[&edits]);
        assert_eq!(MYERS_RUN.with(|c| c.get()), before, "Myers ran");
        // Pairs of lines swapped, pair after pair: lines in common.
        let text: String = (0..n).map(|i| format!("- {i}\n")).collect();
        let mut edits = Vec::new();
        let mut at = 0;
        for pair in (0..n).collect::<Vec<_>>().chunks(2) {
            let (a, b) = (format!("- {}\n", pair[0]), format!("- {}\n", pair[1]));
            edits.push((at..at + a.len() + b.len(), format!("{b}{a}")));
            at += a.len() + b.len();
        }
        let edits: Vec<(Range<usize>, &str)> =
            edits.iter().map(|(r, s)| (r.clone(), s.as_str())).collect();
        let before = MYERS_RUN.with(|c| c.get());
        let mut changes = Vec::new();
        let mut fixed = String::new();
        let mut at = 0;
        for (r, s) in &edits {
            fixed.push_str(&text[at..r.start]);
            fixed.push_str(s);
            at = r.end;
        }
        let lens: Vec<(Range<usize>, usize)> =
            edits.iter().map(|(r, s)| (r.clone(), s.len())).collect();
        changes = compose(&changes, &lens);
        let diff = unified("a", "b", text.as_bytes(), fixed.as_bytes(), &changes);
        // Block by block: each block's 2 + 2 lines once.
        assert_eq!(MYERS_RUN.with(|c| c.get()) - before, 2 * n);
        assert_eq!(diff, whole(&text, &fixed));
    }
}
