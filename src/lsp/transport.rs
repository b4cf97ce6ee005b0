//! LSP base protocol: `Content-Length` framed JSON-RPC on a byte stream.
//!
//! Written here rather than taken from `lsp-server`, whose reader thread
//! ends the connection at the first malformed frame; an editor plugin that
//! sends one bad message must get an error response and a server that
//! carries on.

use std::io::{BufRead, Read, Write};

/// The largest message read. AWS takes definitions of up to 1 MB and
/// templates of a few; 16 MiB leaves room for both, JSON-escaped, while a
/// parsed message stays well under a gigabyte of memory. A larger frame is
/// skipped without being held in memory, and answered with an error.
const MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;

/// The longest header line kept; the rest of a longer one is discarded as
/// it is read, so a line without a newline cannot grow without bound.
const MAX_HEADER_LINE: usize = 8 * 1024;

/// What reading one frame gave.
#[derive(Debug)]
pub enum Frame {
    Message(serde_json::Value),
    /// The frame is not a message asl-lint reads: answer with a parse error.
    Malformed(String),
    /// The client closed the stream.
    Closed,
}

/// One header line as bytes, without its line break, at most
/// `MAX_HEADER_LINE` of them kept; `None` at the end of the stream.
fn header_line(input: &mut impl BufRead) -> Option<(Vec<u8>, bool)> {
    let mut line = Vec::new();
    let mut too_long = false;
    loop {
        let buffer = match input.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return None,
        };
        if buffer.is_empty() {
            return (!line.is_empty() || too_long).then_some((line, too_long));
        }
        let (taken, done) = match memchr::memchr(b'\n', buffer) {
            Some(i) => (i + 1, true),
            None => (buffer.len(), false),
        };
        let room = MAX_HEADER_LINE.saturating_sub(line.len());
        let keep = taken.min(room);
        line.extend_from_slice(&buffer[..keep]);
        too_long |= keep < taken;
        input.consume(taken);
        if done {
            while matches!(line.last(), Some(b'\n' | b'\r')) {
                line.pop();
            }
            return Some((line, too_long));
        }
    }
}

/// Reads and drops `n` bytes; false when the stream ends first.
fn skip(input: &mut impl BufRead, n: usize) -> bool {
    std::io::copy(&mut input.by_ref().take(n as u64), &mut std::io::sink())
        .is_ok_and(|c| c == n as u64)
}

/// Reads the next frame. Headers are read as bytes: headers other than
/// `Content-Length` are ignored whatever they hold, a header line longer
/// than `MAX_HEADER_LINE` is refused, and a frame without a usable length
/// is skipped up to the next blank line.
pub fn read(input: &mut impl BufRead) -> Frame {
    let mut length: Option<usize> = None;
    let mut saw_header = false;
    let mut problem: Option<String> = None;
    loop {
        let Some((line, too_long)) = header_line(input) else {
            return Frame::Closed;
        };
        if line.is_empty() && !too_long {
            if saw_header {
                break;
            }
            continue;
        }
        saw_header = true;
        if too_long {
            problem = Some(format!("a header line longer than {MAX_HEADER_LINE} bytes"));
            continue;
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        if !line[..colon]
            .trim_ascii()
            .eq_ignore_ascii_case(b"content-length")
        {
            continue;
        }
        match std::str::from_utf8(line[colon + 1..].trim_ascii())
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
        {
            Some(n) => length = Some(n),
            None => problem = Some("a Content-Length that is not a number".into()),
        }
    }
    if let Some(n) = length.filter(|&n| n > MAX_MESSAGE_BYTES) {
        if !skip(input, n) {
            return Frame::Closed;
        }
        return Frame::Malformed(format!(
            "a message of {n} bytes; asl-lint reads messages of up to {MAX_MESSAGE_BYTES} bytes"
        ));
    }
    if let Some(problem) = problem {
        if let Some(n) = length
            && !skip(input, n)
        {
            return Frame::Closed;
        }
        return Frame::Malformed(problem);
    }
    let Some(length) = length else {
        return Frame::Malformed("a frame without Content-Length".into());
    };
    let mut body = vec![0u8; length];
    if input.read_exact(&mut body).is_err() {
        return Frame::Closed;
    }
    match serde_json::from_slice(&body) {
        Ok(value) => Frame::Message(value),
        Err(e) => Frame::Malformed(format!("the message is not JSON: {e}")),
    }
}

/// Writes one message as a frame and flushes it.
pub fn write(output: &mut impl Write, message: &serde_json::Value) -> std::io::Result<()> {
    let body = serde_json::to_vec(message).map_err(std::io::Error::other)?;
    write!(output, "Content-Length: {}\r\n\r\n", body.len())?;
    output.write_all(&body)?;
    output.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_read_and_garbage_is_reported_not_fatal() {
        let text = "Content-Length: 2\r\n\r\n{}Content-Type: x\r\nContent-Length: 3\r\n\r\nnopContent-Length: 7\r\n\r\n[1,2,3]";
        let mut input = std::io::Cursor::new(text.as_bytes());
        assert!(matches!(read(&mut input), Frame::Message(v) if v == serde_json::json!({})));
        assert!(matches!(read(&mut input), Frame::Malformed(_)));
        assert!(matches!(read(&mut input), Frame::Message(v) if v == serde_json::json!([1, 2, 3])));
        assert!(matches!(read(&mut input), Frame::Closed));
    }

    #[test]
    fn a_huge_length_is_refused_before_allocating() {
        let text = "Content-Length: 99999999999999\r\n\r\n";
        let mut input = std::io::Cursor::new(text.as_bytes());
        assert!(matches!(read(&mut input), Frame::Closed));
        let text = "Content-Length: x99\r\n\r\nContent-Length: 2\r\n\r\n{}";
        let mut input = std::io::Cursor::new(text.as_bytes());
        assert!(matches!(read(&mut input), Frame::Malformed(_)));
        assert!(matches!(read(&mut input), Frame::Message(_)));
    }

    #[test]
    fn an_oversized_frame_is_skipped_without_holding_it() {
        let n = MAX_MESSAGE_BYTES + 1;
        let mut text = format!("Content-Length: {n}\r\n\r\n").into_bytes();
        text.resize(text.len() + n, b' ');
        text.extend_from_slice(b"Content-Length: 2\r\n\r\n{}");
        let mut input = std::io::Cursor::new(text);
        assert!(matches!(read(&mut input), Frame::Malformed(m) if m.contains("up to")));
        assert!(matches!(read(&mut input), Frame::Message(_)));
    }

    #[test]
    fn non_utf8_and_endless_header_lines_are_errors_not_the_end() {
        let mut text = b"X-Junk: \xff\xfe\r\nContent-Length: 2\r\n\r\n{}".to_vec();
        text.extend_from_slice(b"Content-\xffLength: 2\r\n\r\n");
        let mut input = std::io::Cursor::new(text);
        assert!(matches!(read(&mut input), Frame::Message(_)));
        assert!(matches!(read(&mut input), Frame::Malformed(_)));
        // A header line without an end is read in bounded memory.
        let endless = vec![b'a'; 3 * MAX_HEADER_LINE];
        let mut input = std::io::Cursor::new(endless);
        assert!(matches!(read(&mut input), Frame::Closed));
        let mut long = vec![b'a'; 3 * MAX_HEADER_LINE];
        long.extend_from_slice(b"\r\n\r\nContent-Length: 2\r\n\r\n{}");
        let mut input = std::io::Cursor::new(long);
        assert!(matches!(read(&mut input), Frame::Malformed(m) if m.contains("longer")));
        assert!(matches!(read(&mut input), Frame::Message(_)));
    }
}
