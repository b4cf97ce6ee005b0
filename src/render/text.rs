//! The rich text report, rendered by miette: a source snippet with a label on
//! the exact span, the rule name and a help line.
//!
//! Snippets come from an [`Excerpt`]: only the lines around the labels, with
//! very long lines (minified definitions, one-line CDK output) cut to a window
//! around the label, so a 1 MB line is never printed whole. The excerpt still
//! reports true line and column numbers to miette.

use std::fmt;

use miette::{
    Diagnostic as MietteDiagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan,
    MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use crate::diagnostic::{Finding, Severity};
use crate::loader::tree::Span;
use crate::render::escape::{same_width, visible};
use crate::rules;
use crate::source::{CharIndex, LineIndex, clamp_to_char};

/// Lines longer than this many characters are shown as a window.
const MAX_LINE_CHARS: usize = 120;
/// Characters shown before the first label on a cut line.
const WINDOW_BEFORE: usize = 40;
/// Width of the window on a cut line.
const WINDOW_CHARS: usize = 100;
const ELLIPSIS: &str = "…";

pub struct TextOptions {
    pub color: bool,
    pub width: usize,
    /// Make the rule name a terminal hyperlink to its doc.
    pub links: bool,
}

/// Renders one finding, with a snippet of `text` when given.
pub fn render_finding(finding: &Finding, text: Option<&str>, options: &TextOptions) -> String {
    let source = text.map(SourceText::new);
    render_finding_indexed(finding, source.as_ref(), options)
}

/// A file's text with its line index (and, once a long line needs it, its
/// character index), built once per file by the caller: a file with 20,000
/// findings must not index its text 20,000 times, nor count the characters
/// of one long line once per finding on it.
pub struct SourceText<'a> {
    text: &'a str,
    lines: LineIndex,
    chars: std::cell::OnceCell<CharIndex>,
}

impl<'a> SourceText<'a> {
    pub fn new(text: &'a str) -> SourceText<'a> {
        SourceText {
            text,
            lines: LineIndex::new(text),
            chars: std::cell::OnceCell::new(),
        }
    }

    /// Characters in `text[from..to]` (character boundaries).
    fn chars_between(&self, from: usize, to: usize) -> usize {
        if to - from <= 4 * WINDOW_CHARS {
            return crate::source::count_chars(&self.text[from..to]);
        }
        self.chars
            .get_or_init(|| CharIndex::new(self.text))
            .count(self.text, from, to)
    }
}

/// [`render_finding`] with the file's indexes built once by the caller.
pub fn render_finding_indexed(
    finding: &Finding,
    source: Option<&SourceText<'_>>,
    options: &TextOptions,
) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_links(options.links)
        .with_urls(options.links);
    let shown = |l: &str| visible(l).into_owned();
    let mut spans = vec![(finding.span, finding.label.as_deref().map(shown), true)];
    spans.extend(
        finding
            .related
            .iter()
            .map(|(s, l)| (*s, Some(shown(l)), false)),
    );
    let excerpt =
        source.map(|source| Excerpt::new(&finding.file, source, spans.iter().map(|s| s.0)));
    let labels = excerpt
        .as_ref()
        .map(|ex| {
            spans
                .iter()
                .map(|(span, label, primary)| {
                    let (start, end) = (
                        ex.map_offset(span.start as usize),
                        ex.map_offset(span.end as usize),
                    );
                    let mut l = LabeledSpan::new(label.clone(), start, end.saturating_sub(start));
                    if *primary {
                        l = LabeledSpan::new_primary_with_span(
                            label.clone(),
                            (start, end.saturating_sub(start)),
                        );
                    }
                    l
                })
                .collect()
        })
        .unwrap_or_default();
    let report = Report {
        finding,
        excerpt,
        labels,
    };
    let mut out = String::new();
    if handler.render_report(&mut out, &report).is_err() {
        // Rendering never fails on our excerpts; stay useful if it does.
        out = format!("{}\n", crate::render::concise::line(finding));
    }
    out
}

struct Report<'a> {
    finding: &'a Finding,
    excerpt: Option<Excerpt>,
    labels: Vec<LabeledSpan>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&visible(&self.finding.message))
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&visible(&self.finding.message))
    }
}

impl std::error::Error for Report<'_> {}

impl MietteDiagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        // `[*]`: `--fix` resolves it, as ruff marks it.
        match &self.finding.fix {
            Some(fix) if fix.applicability == crate::edit::Applicability::Safe => {
                Some(Box::new(format!("{} [*]", self.finding.rule)))
            }
            _ => Some(Box::new(self.finding.rule)),
        }
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let fix = self
            .finding
            .fix
            .as_ref()
            .map(|fix| match fix.applicability {
                crate::edit::Applicability::Safe => format!("fix: {}", visible(&fix.message)),
                crate::edit::Applicability::Unsafe => {
                    format!("fix (unsafe, --unsafe-fixes): {}", visible(&fix.message))
                }
            });
        let help = self.finding.help.as_ref().map(|h| visible(h).into_owned());
        match (help, fix) {
            (None, None) => None,
            (Some(text), None) | (None, Some(text)) => Some(Box::new(text)),
            (Some(help), Some(fix)) => Some(Box::new(format!("{help}\n{fix}"))),
        }
    }

    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(rules::doc_url(self.finding.rule)))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.excerpt.as_ref().map(|e| e as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.excerpt.as_ref()?;
        Some(Box::new(self.labels.iter().cloned()))
    }
}

/// One shown line of the excerpt.
#[derive(Debug)]
struct ShownLine {
    /// 0-based line number in the file.
    number: usize,
    /// Where the line starts and ends (before `\n`) in the excerpt text.
    start: usize,
    end: usize,
    /// Lines in one group are consecutive in the file.
    group: usize,
    /// The part of the file line that is shown: byte range in the file.
    window: (usize, usize),
    /// Characters of the file line before the window.
    skipped_chars: usize,
    /// Bytes of the `…` put before the window (0 or 3).
    prefix: usize,
}

/// The lines around some spans, cut to windows where too long.
struct Excerpt {
    name: String,
    text: String,
    lines: Vec<ShownLine>,
}

impl Excerpt {
    fn new(name: &str, file: &SourceText<'_>, spans: impl Iterator<Item = Span>) -> Excerpt {
        let (source, index) = (file.text, &file.lines);
        let spans: Vec<Span> = spans.collect();
        let last_line = index.line_of(source.len());
        let mut wanted: Vec<usize> = Vec::new();
        for span in &spans {
            let first = index.line_of(span.start as usize);
            let last = index.line_of(span.end as usize).max(first);
            wanted.extend(first.saturating_sub(1)..=(last + 1).min(last_line));
        }
        wanted.sort_unstable();
        wanted.dedup();

        let mut text = String::new();
        let mut lines = Vec::with_capacity(wanted.len());
        let mut group = 0;
        for (i, &number) in wanted.iter().enumerate() {
            if i > 0 {
                if wanted[i - 1] + 1 != number {
                    group += 1;
                }
                text.push('\n');
            }
            let line_start = index.line_start(number);
            let line_end = if number < last_line {
                index.line_start(number + 1) - 1
            } else {
                source.len()
            };
            let line_end = if source[line_start..line_end].ends_with('\r') {
                line_end - 1
            } else {
                line_end
            };
            let line = &source[line_start..line_end];
            let start = text.len();
            // Only the first MAX_LINE_CHARS + 1 characters decide: a
            // megabyte line is not counted whole once per finding on it.
            let long = line.len() > MAX_LINE_CHARS && line.chars().nth(MAX_LINE_CHARS).is_some();
            let (window, skipped_chars, prefix) = if long {
                // Centre the window on the first label that starts on this line.
                let anchor = spans
                    .iter()
                    .map(|s| s.start as usize)
                    .filter(|&o| o >= line_start && o <= line_end)
                    .min()
                    .unwrap_or(line_start);
                let anchor_chars = file.chars_between(line_start, anchor);
                let skipped = anchor_chars.saturating_sub(WINDOW_BEFORE);
                // WINDOW_BEFORE characters back from the anchor (or the
                // line's start), found from the anchor's end.
                let from = if skipped == 0 {
                    line_start
                } else {
                    source[line_start..anchor]
                        .char_indices()
                        .rev()
                        .nth(WINDOW_BEFORE - 1)
                        .map_or(line_start, |(i, _)| line_start + i)
                };
                let to = nth_char(source, from, WINDOW_CHARS, line_end);
                let prefix = if from > line_start {
                    text.push_str(ELLIPSIS);
                    ELLIPSIS.len()
                } else {
                    0
                };
                text.push_str(&source[from..to]);
                if to < line_end {
                    text.push_str(ELLIPSIS);
                }
                ((from, to), skipped, prefix)
            } else {
                text.push_str(line);
                ((line_start, line_end), 0, 0)
            };
            lines.push(ShownLine {
                number,
                start,
                end: text.len(),
                group,
                window,
                skipped_chars,
                prefix,
            });
        }
        // Offsets into the excerpt stay valid: replacements keep byte lengths.
        let text = same_width(&text).into_owned();
        Excerpt {
            name: visible(name).into_owned(),
            text,
            lines,
        }
    }

    /// A file offset to an excerpt offset (clipped into the window).
    fn map_offset(&self, offset: usize) -> usize {
        let Some(line) = self.line_for_file_offset(offset) else {
            return self.text.len();
        };
        let (from, to) = line.window;
        let clipped = offset.clamp(from, to);
        (line.start + line.prefix + (clipped - from)).min(line.end)
    }

    fn line_for_file_offset(&self, offset: usize) -> Option<&ShownLine> {
        // The last shown line whose window starts at or before the offset.
        let i = self.lines.partition_point(|l| l.window.0 <= offset);
        let line = &self.lines[i.checked_sub(1)?];
        // An offset in a cut-away part of the line maps to the window's edge.
        Some(line)
    }

    fn line_index_for_excerpt_offset(&self, offset: usize) -> usize {
        let i = self.lines.partition_point(|l| l.start <= offset);
        i.saturating_sub(1)
    }

    /// The true (file) column of an excerpt offset, 0-based, in characters.
    fn file_column(&self, line: &ShownLine, offset: usize) -> usize {
        let within = offset
            .saturating_sub(line.start + line.prefix)
            .min(line.window.1 - line.window.0);
        let shown = &self.text[line.start + line.prefix..];
        let within = clamp_to_char(shown, within);
        line.skipped_chars + shown[..within].chars().count()
    }
}

/// The byte offset `n` characters after `from`, stopping at `limit`.
fn nth_char(source: &str, from: usize, n: usize, limit: usize) -> usize {
    source[from..limit]
        .char_indices()
        .nth(n)
        .map_or(limit, |(i, _)| from + i)
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        if self.lines.is_empty() {
            return Err(MietteError::OutOfBounds);
        }
        let first = self.line_index_for_excerpt_offset(span.offset());
        let last = self.line_index_for_excerpt_offset(span.offset() + span.len());
        let group = self.lines[first].group;
        if self.lines[last].group != group {
            return Err(MietteError::OutOfBounds);
        }
        let mut from = first;
        while from > 0 && first - from < context_lines_before && self.lines[from - 1].group == group
        {
            from -= 1;
        }
        let mut to = last;
        while to + 1 < self.lines.len()
            && to - last < context_lines_after
            && self.lines[to + 1].group == group
        {
            to += 1;
        }
        let data_start = self.lines[from].start;
        let data_end = self.lines[to].end;
        let column = self.file_column(&self.lines[first], span.offset());
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            &self.text.as_bytes()[data_start..data_end],
            SourceSpan::new(data_start.into(), data_end - data_start),
            self.lines[from].number,
            column,
            to - from + 1,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_cut_around_the_label_with_true_positions() {
        let mut line = String::from("{\"States\": {");
        for i in 0..200 {
            line.push_str(&format!(
                "\"S{i}\": {{\"Type\": \"Pass\", \"Next\": \"S{}\"}}, ",
                i + 1
            ));
        }
        let target = line.find("\"S150\"").unwrap();
        let excerpt = Excerpt::new(
            "x.asl.json",
            &SourceText::new(&line),
            [Span::new(target, target + 6)].into_iter(),
        );
        assert_eq!(excerpt.lines.len(), 1);
        let shown = &excerpt.text;
        assert!(
            shown.starts_with(ELLIPSIS) && shown.ends_with(ELLIPSIS),
            "{shown}"
        );
        assert!(shown.chars().count() <= WINDOW_CHARS + 2);
        let mapped = excerpt.map_offset(target);
        assert_eq!(&excerpt.text[mapped..mapped + 6], "\"S150\"");
        let contents = excerpt
            .read_span(&SourceSpan::new(mapped.into(), 6), 0, 0)
            .unwrap();
        assert_eq!(contents.line(), 0);
        assert_eq!(contents.column(), line[..target].chars().count());
    }

    #[test]
    fn findings_on_one_long_line_count_its_characters_once() {
        // A minified chain: 5,000 findings on one 180 KB line. Counting
        // each finding's column from the line's start looks at ~450 MB.
        let n = 5_000;
        let mut line = String::from("{\"States\": {");
        let mut targets = Vec::new();
        for i in 0..n {
            targets.push(line.len() + 1);
            line.push_str(&format!("\"S{i}\": {{\"Next\": \"é{}\"}}, ", i + 1));
        }
        let source = SourceText::new(&line);
        let finding = |at: usize| Finding {
            file: "x.asl.json".into(),
            rule: "unknown-transition-target",
            severity: Severity::Error,
            message: "no such state".into(),
            label: Some("here".into()),
            help: None,
            state: None,
            definition: None,
            pointer: String::new(),
            span: Span::new(at, at + 3),
            start: crate::source::LineCol { line: 1, column: 1 },
            end: crate::source::LineCol { line: 1, column: 1 },
            related: Vec::new(),
            fingerprint: String::new(),
            fix: None,
            path: None,
        };
        let options = TextOptions {
            color: false,
            width: 100,
            links: false,
        };
        crate::source::BYTES_COUNTED.with(|c| c.set(0));
        let last = render_finding_indexed(&finding(targets[n - 1]), Some(&source), &options);
        for &at in &targets[..n - 1] {
            render_finding_indexed(&finding(at), Some(&source), &options);
        }
        let counted = crate::source::BYTES_COUNTED.with(|c| c.get());
        assert!(
            counted <= 2 * line.len() + n * 4 * 1024,
            "{counted} bytes counted for a {} byte line",
            line.len()
        );
        // The true column, with the accented characters before it counted.
        let column = line[..targets[n - 1]].chars().count() + 1;
        assert!(last.contains(&format!(":1:{column}]")), "{last}");
    }
}
