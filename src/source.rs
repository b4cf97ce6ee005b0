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
        #[cfg(test)]
        LINE_INDEX_BUILDS.with(|c| c.set(c.get() + 1));
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

/// Character counts of byte ranges of one text in time independent of how
/// far apart the ends are: the count before every block of [`CHAR_BLOCK`]
/// bytes, built in one pass. The text report asks for the column of every
/// finding on a line of a minified file; counting from the line's start
/// each time made 20,000 findings on one 800 KB line quadratic.
pub struct CharIndex {
    /// Characters before each block's first byte.
    before_block: Vec<u32>,
}

const CHAR_BLOCK: usize = 1024;

/// Characters of `s`, counted like [`CharIndex`] counts (and, in tests,
/// added to [`BYTES_COUNTED`]).
pub fn count_chars(s: &str) -> usize {
    char_starts(s.as_bytes())
}

/// UTF-8 bytes that start a character (not `10xxxxxx` continuations).
fn char_starts(bytes: &[u8]) -> usize {
    #[cfg(test)]
    BYTES_COUNTED.with(|c| c.set(c.get() + bytes.len()));
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

#[cfg(test)]
thread_local! {
    /// Line indexes built on this thread (a work counter for tests).
    pub static LINE_INDEX_BUILDS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    /// Bytes looked at by character counts on this thread (a work counter
    /// for tests: no test times anything).
    pub static BYTES_COUNTED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl CharIndex {
    pub fn new(text: &str) -> CharIndex {
        let mut before_block = Vec::with_capacity(text.len() / CHAR_BLOCK + 1);
        let mut total = 0u32;
        for block in text.as_bytes().chunks(CHAR_BLOCK) {
            before_block.push(total);
            total += char_starts(block) as u32;
        }
        before_block.push(total);
        CharIndex { before_block }
    }

    /// Characters before byte `offset` (a character boundary of `text`).
    fn before(&self, text: &str, offset: usize) -> usize {
        let block = offset / CHAR_BLOCK;
        self.before_block[block] as usize
            + char_starts(&text.as_bytes()[block * CHAR_BLOCK..offset])
    }

    /// Characters in `text[from..to]` (both character boundaries).
    pub fn count(&self, text: &str, from: usize, to: usize) -> usize {
        if to - from <= CHAR_BLOCK {
            return char_starts(&text.as_bytes()[from..to]);
        }
        self.before(text, to) - self.before(text, from)
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

    #[test]
    fn char_index_counts_any_range() {
        let text: String = (0..3000)
            .map(|i| if i % 7 == 0 { "😀é" } else { "ab" })
            .collect();
        let index = CharIndex::new(&text);
        let bounds: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .step_by(97)
            .collect();
        for &a in &bounds {
            for &b in bounds.iter().filter(|&&b| b >= a) {
                assert_eq!(index.count(&text, a, b), text[a..b].chars().count());
            }
        }
    }
}
