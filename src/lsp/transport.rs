//! LSP base protocol: `Content-Length` framed JSON-RPC on a byte stream.
//!
//! Written here rather than taken from `lsp-server`, whose reader thread
//! ends the connection at the first malformed frame; an editor plugin that
//! sends one bad message must get an error response and a server that
//! carries on.

use std::io::{BufRead, Write};

/// The largest message read: a document is capped at 64 MiB like a file,
/// and JSON escaping may double it.
const MAX_MESSAGE_BYTES: usize = 130 * 1024 * 1024;

/// What reading one frame gave.
#[derive(Debug)]
pub enum Frame {
    Message(serde_json::Value),
    /// The frame's body is not JSON: answer with a parse error.
    Malformed(String),
    /// The client closed the stream.
    Closed,
}

/// Reads the next frame. Headers other than `Content-Length` are ignored;
/// a frame without one is skipped up to the next blank line.
pub fn read(input: &mut impl BufRead) -> Frame {
    let mut length: Option<usize> = None;
    let mut saw_header = false;
    let mut bad_length = false;
    loop {
        let mut line = String::new();
        match input.read_line(&mut line) {
            Ok(0) | Err(_) => return Frame::Closed,
            Ok(_) => {}
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if saw_header {
                break;
            }
            continue;
        }
        saw_header = true;
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            match value.trim().parse::<usize>() {
                Ok(n) if n <= MAX_MESSAGE_BYTES => length = Some(n),
                _ => bad_length = true,
            }
        }
    }
    if bad_length {
        return Frame::Malformed("a Content-Length that is not a size asl-lint reads".into());
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
        assert!(matches!(read(&mut input), Frame::Malformed(_)));
    }
}
