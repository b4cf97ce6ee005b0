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

/// Line starts of one text, for conversions both ways.
pub struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
    encoding: Encoding,
}

impl<'t> Lines<'t> {
    pub fn new(text: &'t str, encoding: Encoding) -> Lines<'t> {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Lines {
            text,
            starts,
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

    /// A byte offset as a protocol position.
    pub fn position(&self, offset: usize) -> Position {
        let offset = crate::source::clamp_to_char(self.text, offset.min(self.text.len()));
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let before = &self.text[self.starts[line]..offset];
        let character = before.chars().map(|c| self.encoding.width(c)).sum();
        Position::new(line as u32, character)
    }

    /// A report position (1-based line, code-point column) as a protocol one.
    pub fn from_line_column(&self, line: usize, column: usize) -> Position {
        let index = line.saturating_sub(1);
        let text = self.line_text(index);
        let character = text
            .chars()
            .take(column.saturating_sub(1))
            .map(|c| self.encoding.width(c))
            .sum();
        Position::new(index as u32, character)
    }

    /// A protocol position as a byte offset (clamped to the line's end).
    pub fn offset(&self, position: Position) -> usize {
        let line = position.line as usize;
        if line >= self.starts.len() {
            return self.text.len();
        }
        let start = self.starts[line];
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
}
