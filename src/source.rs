//! Byte offsets to 1-based line and column numbers.
//!
//! Columns count Unicode scalar values (SARIF `unicodeCodePoints`), so an
//! emoji in a state name moves later columns by one, not by four.

/// A half-open byte range `[start, end)` in the file's text.
///
/// `u32` is enough: files larger than 64 MiB are never read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// Line starts of one text, built once per file that has diagnostics.
pub struct LineIndex {
    starts: Vec<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        // memchr scans a word at a time: this runs over every file with
        // findings, and a byte loop was 4% of a corpus run's instructions.
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// 0-based line holding `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.starts[line]
    }

    /// 1-based line and column of many offsets at once. Offsets on the same
    /// line share one left-to-right character count, so a minified one-line
    /// file with thousands of findings stays linear.
    pub fn positions(&self, text: &str, offsets: &[usize]) -> Vec<LineCol> {
        let mut order: Vec<usize> = (0..offsets.len()).collect();
        order.sort_by_key(|&i| offsets[i]);
        let mut out = vec![LineCol { line: 1, column: 1 }; offsets.len()];
        let mut cursor: Option<(usize, usize, usize)> = None; // (line, byte, column)
        for i in order {
            let offset = clamp_to_char(text, offsets[i]);
            let line = self.line_of(offset);
            let (mut byte, mut column) = match cursor {
                Some((l, b, c)) if l == line && b <= offset => (b, c),
                _ => (self.starts[line], 0),
            };
            column += text[byte..offset].chars().count();
            byte = offset;
            cursor = Some((line, byte, column));
            // Editors hide a byte order mark: columns on line 1 start after it.
            let bom = usize::from(line == 0 && offset >= 3 && text.starts_with('\u{feff}'));
            out[i] = LineCol {
                line: line + 1,
                column: column + 1 - bom,
            };
        }
        out
    }
}

/// Moves an offset back onto a character boundary.
pub fn clamp_to_char(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "ab\n😀x\ny";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap();
        let y = text.find('y').unwrap();
        let pos = index.positions(text, &[y, x, 0, text.len()]);
        assert_eq!(pos[0], LineCol { line: 3, column: 1 });
        assert_eq!(pos[1], LineCol { line: 2, column: 2 });
        assert_eq!(pos[2], LineCol { line: 1, column: 1 });
        assert_eq!(pos[3], LineCol { line: 3, column: 2 });
    }
}
