//! Positions between the report's form (byte offsets; 1-based lines and
//! columns in Unicode code points) and the protocol's (0-based lines,
//! characters in the negotiated encoding: UTF-16 unless the client offers
//! another).

use lsp_types::Position;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    Utf32,
}

impl Encoding {
    /// The client's first preference that asl-lint speaks; UTF-16 when it
    /// names none (the protocol's default).
    pub fn negotiate(offered: Option<&[lsp_types::PositionEncodingKind]>) -> Encoding {
        for kind in offered.unwrap_or_default() {
            match kind.as_str() {
                "utf-8" => return Encoding::Utf8,
                "utf-16" => return Encoding::Utf16,
                "utf-32" => return Encoding::Utf32,
                _ => {}
            }
        }
        Encoding::Utf16
    }

    pub fn kind(self) -> lsp_types::PositionEncodingKind {
        match self {
            Encoding::Utf8 => lsp_types::PositionEncodingKind::UTF8,
            Encoding::Utf16 => lsp_types::PositionEncodingKind::UTF16,
            Encoding::Utf32 => lsp_types::PositionEncodingKind::UTF32,
        }
    }

    fn width(self, c: char) -> u32 {
        match self {
            Encoding::Utf8 => c.len_utf8() as u32,
            Encoding::Utf16 => c.len_utf16() as u32,
            Encoding::Utf32 => 1,
        }
    }
}

/// Line starts of one text, for conversions both ways. A position costs a
/// binary search, plus, on a line with non-ASCII text, a walk of at most
/// `CHECKPOINT` bytes from the nearest checkpoint: a minified file of one
/// long line with thousands of findings used to be walked from the line's
/// start for each of them.
pub struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
    /// Whether each line is ASCII, where bytes, code points and units agree.
    ascii: Vec<bool>,
    /// On lines that are not ASCII: (byte offset, code points and units
    /// from the line's start) about every `CHECKPOINT` bytes, sorted.
    checkpoints: Vec<(usize, usize, u32)>,
    encoding: Encoding,
}

const CHECKPOINT: usize = 4096;

impl<'t> Lines<'t> {
    pub fn new(text: &'t str, encoding: Encoding) -> Lines<'t> {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        let ascii: Vec<bool> = (0..starts.len())
            .map(|l| {
                let end = starts.get(l + 1).copied().unwrap_or(text.len());
                text.as_bytes()[starts[l]..end].is_ascii()
            })
            .collect();
        let mut checkpoints = Vec::new();
        for (line, _) in ascii.iter().enumerate().filter(|(_, a)| !**a) {
            let start = starts[line];
            let end = starts.get(line + 1).copied().unwrap_or(text.len());
            let (mut chars, mut units, mut next) = (0usize, 0u32, start + CHECKPOINT);
            for (i, c) in text[start..end].char_indices() {
                if start + i >= next {
                    checkpoints.push((start + i, chars, units));
                    next = start + i + CHECKPOINT;
                }
                chars += 1;
                units += encoding.width(c);
            }
        }
        Lines {
            text,
            starts,
            ascii,
            checkpoints,
            encoding,
        }
    }

    fn line_text(&self, line: usize) -> &'t str {
        let start = self.starts[line.min(self.starts.len() - 1)];
        let end = self
            .starts
            .get(line + 1)
            .map_or(self.text.len(), |&e| e - 1);
        &self.text[start..end.max(start)]
    }

    /// The nearest checkpoint at or before `offset` on `line`, or the line's
    /// start: (byte offset, code points, units).
    fn checkpoint_before(&self, line: usize, offset: usize) -> (usize, usize, u32) {
        let start = self.starts[line];
        let at = self.checkpoints.partition_point(|&(b, _, _)| b <= offset);
        match at.checked_sub(1).map(|i| self.checkpoints[i]) {
            Some(c) if c.0 >= start => c,
            _ => (start, 0, 0),
        }
    }

    /// A byte offset as a protocol position.
    pub fn position(&self, offset: usize) -> Position {
        let offset = crate::source::clamp_to_char(self.text, offset.min(self.text.len()));
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        if self.ascii[line] {
            return Position::new(line as u32, (offset - self.starts[line]) as u32);
        }
        let (from, _, units) = self.checkpoint_before(line, offset);
        let walked: u32 = self.text[from..offset]
            .chars()
            .map(|c| self.encoding.width(c))
            .sum();
        Position::new(line as u32, units + walked)
    }

    /// A report position (1-based line, code-point column) as a protocol one.
    pub fn from_line_column(&self, line: usize, column: usize) -> Position {
        let index = line.saturating_sub(1).min(self.starts.len() - 1);
        let text = self.line_text(index);
        let wanted = column.saturating_sub(1);
        if self.ascii[index] {
            return Position::new(index as u32, wanted.min(text.len()) as u32);
        }
        // The last checkpoint of the line with at most `wanted` code points
        // before it, then a walk.
        let start = self.starts[index];
        let end = start + text.len();
        let first = self.checkpoints.partition_point(|&(b, _, _)| b < start);
        let last = self.checkpoints.partition_point(|&(b, _, _)| b < end);
        let line_points = &self.checkpoints[first..last];
        let (from, chars, units) = match line_points.partition_point(|&(_, c, _)| c <= wanted) {
            0 => (start, 0, 0),
            i => line_points[i - 1],
        };
        let walked: u32 = self.text[from..end]
            .chars()
            .take(wanted - chars)
            .map(|c| self.encoding.width(c))
            .sum();
        Position::new(index as u32, units + walked)
    }

    /// A protocol position as a byte offset (clamped to the line's end).
    pub fn offset(&self, position: Position) -> usize {
        let line = position.line as usize;
        if line >= self.starts.len() {
            return self.text.len();
        }
        let start = self.starts[line];
        if self.ascii[line] {
            return start + (position.character as usize).min(self.line_text(line).len());
        }
        let mut units = 0;
        for (i, c) in self.line_text(line).char_indices() {
            if units >= position.character {
                return start + i;
            }
            units += self.encoding.width(c);
        }
        start + self.line_text(line).len()
    }

    pub fn end(&self) -> Position {
        self.position(self.text.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_counts_surrogate_pairs_twice() {
        let text = "{\n  \"😀é\": 1\n}";
        let lines = Lines::new(text, Encoding::Utf16);
        // The `:` after the key: 2 spaces, quote, 😀 (2 units), é, quote.
        let colon = text.find(':').unwrap();
        assert_eq!(lines.position(colon), Position::new(1, 7));
        assert_eq!(lines.offset(Position::new(1, 7)), colon);
        // Column 7 in code points is the same place.
        assert_eq!(lines.from_line_column(2, 7), Position::new(1, 7));
        let utf8 = Lines::new(text, Encoding::Utf8);
        assert_eq!(utf8.position(colon), Position::new(1, 10));
        let utf32 = Lines::new(text, Encoding::Utf32);
        assert_eq!(utf32.position(colon), Position::new(1, 6));
    }

    #[test]
    fn checkpoints_on_a_long_line_give_what_a_walk_gives() {
        // One minified line, long enough for many checkpoints, with
        // characters of every UTF-16 width.
        let line: String = (0..5000).map(|i| ["a", "é", "😀", "中"][i % 4]).collect();
        let text = format!("{{\n{line}\n}}");
        for encoding in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            let lines = Lines::new(&text, encoding);
            assert!(!lines.checkpoints.is_empty());
            let mut units = 0;
            for (column, (i, c)) in text[2..].char_indices().take(5000).enumerate() {
                let offset = 2 + i;
                let want = Position::new(1, units);
                assert_eq!(lines.position(offset), want, "{encoding:?} at {offset}");
                assert_eq!(lines.from_line_column(2, column + 1), want, "{encoding:?}");
                assert_eq!(lines.offset(want), offset, "{encoding:?}");
                units += encoding.width(c);
            }
        }
    }
}
