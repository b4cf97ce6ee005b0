#![no_main]
//! The language server on arbitrary input: the bytes are the client's side
//! of the stream (frames, headers, JSON-RPC messages, documents). The
//! server must answer and end without a panic, a hang or unbounded memory;
//! `lsp::serve` returns when the input ends.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = std::io::Cursor::new(data.to_vec());
    let code = asl_lint::lsp::serve(input, Box::new(std::io::sink()));
    assert!(matches!(code, 0 | 1), "exit code {code}");
});
