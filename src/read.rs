//! Reading what the user names (definitions, stdin, configuration,
//! baselines, price files) without being made to block, read without end,
//! or follow something that is not a file.

use std::fs::File;
use std::io::Read;

/// Why a file could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// Over the cap; the size when it is known (stdin's is not).
    TooLarge(Option<u64>),
    Io(String),
}

/// Reads a regular file, refusing to open anything else (a FIFO would block
/// forever) and never reading more than the cap.
pub fn read_capped(path: &std::path::Path, cap: u64) -> Result<Vec<u8>, ReadError> {
    let io = |e: std::io::Error| ReadError::Io(e.to_string().to_lowercase());
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        // A folder discovery could not walk: say why it cannot be listed.
        return Err(ReadError::Io(match std::fs::read_dir(path) {
            Err(e) => format!(
                "the folder cannot be read: {}",
                e.to_string().to_lowercase()
            ),
            Ok(_) => describe_non_file(&meta),
        }));
    }
    if !meta.is_file() {
        return Err(ReadError::Io(describe_non_file(&meta)));
    }
    if meta.len() > cap {
        return Err(ReadError::TooLarge(Some(meta.len())));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
    File::open(path)
        .map_err(io)?
        .take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > cap {
        return Err(ReadError::TooLarge(None));
    }
    Ok(bytes)
}

pub fn describe_non_file(meta: &std::fs::Metadata) -> String {
    if meta.is_dir() {
        return "it is a directory".to_string();
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        let kind = if t.is_fifo() {
            "a FIFO (named pipe)"
        } else if t.is_socket() {
            "a socket"
        } else if t.is_block_device() || t.is_char_device() {
            "a device"
        } else {
            return "it is not a regular file".to_string();
        };
        format!("it is {kind}, not a regular file")
    }
    #[cfg(not(unix))]
    {
        "it is not a regular file".to_string()
    }
}

/// Reads stdin up to `cap` bytes and one more, so a caller can tell "too
/// large" without reading an endless stream.
pub fn read_stdin_capped(cap: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::io::stdin().take(cap + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// A small text file the user names (configuration, baseline, prices): a
/// regular file of at most `cap` bytes, in UTF-8. The error says which
/// rule was broken, in words for a usage error.
pub fn read_text_capped(path: &std::path::Path, cap: u64) -> Result<String, String> {
    let bytes = read_capped(path, cap).map_err(|e| match e {
        ReadError::TooLarge(_) => format!("it is larger than {cap} bytes"),
        ReadError::Io(what) => what,
    })?;
    String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_string())
}
