//! `asl-lint --lsp`: a Language Server Protocol 3.17 server on stdin/stdout.
//!
//! It lints the editor's text through the same engine and configuration as
//! the command line, so a document shows what `asl-lint FILE` prints for the
//! saved text. Linting runs on a worker thread: changes are debounced, and a
//! result for a version the editor has already replaced is dropped, so a
//! burst of edits publishes once. Types come from `lsp-types`; the framing
//! is in [`transport`].

mod actions;
pub mod position;
pub mod transport;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

use crate::config::{self, Config};
use crate::diagnostic::{Finding, Severity};
use crate::engine::{self, FileReport, Input, Outcome, Settings, Source};
use crate::render::escape::visible;
use crate::rules;
use position::{Encoding, Lines};

/// Quiet time after the last change before a document is linted.
const DEBOUNCE: Duration = Duration::from_millis(20);

// JSON-RPC and LSP error codes.
const PARSE_ERROR: i64 = -32700;
/// LSP's `RequestCancelled`.
const REQUEST_CANCELLED: i64 = -32800;
const INVALID_REQUEST: i64 = -32600;
const METHOD_NOT_FOUND: i64 = -32601;
const INVALID_PARAMS: i64 = -32602;
const INTERNAL_ERROR: i64 = -32603;
const SERVER_NOT_INITIALIZED: i64 = -32002;

/// An open document: the editor's text, not the file on disk.
#[derive(Clone)]
struct Document {
    text: String,
    version: i32,
    path: PathBuf,
}

struct Shared {
    documents: Mutex<BTreeMap<String, Document>>,
    out: Mutex<Box<dyn std::io::Write + Send>>,
    encoding: Mutex<Encoding>,
    /// The files each open document deploys (`DefinitionUri`), by URI, for
    /// the version they were read from: a template is linted once per
    /// version to find them, not once for every other document's lint.
    links: Mutex<BTreeMap<String, (i32, Vec<engine::Link>)>>,
}

impl Shared {
    fn send(&self, message: &Value) {
        if let Ok(mut out) = self.out.lock() {
            let _ = transport::write(&mut *out, message);
        }
    }

    fn notify(&self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn encoding(&self) -> Encoding {
        *self.encoding.lock().unwrap()
    }
}

/// Runs the server until `exit` or the end of stdin; the process's exit code.
pub fn run() -> i32 {
    engine::install_panic_hook();
    serve(
        std::io::BufReader::new(std::io::stdin()),
        Box::new(std::io::stdout()),
    )
}

/// Serves the protocol from `input` to `output` until `exit` or the end of
/// the input (the fuzz target drives it with arbitrary bytes).
pub fn serve(
    mut input: impl std::io::BufRead + Send + 'static,
    output: Box<dyn std::io::Write + Send>,
) -> i32 {
    let shared = Arc::new(Shared {
        documents: Mutex::new(BTreeMap::new()),
        out: Mutex::new(output),
        encoding: Mutex::new(Encoding::Utf16),
        links: Mutex::new(BTreeMap::new()),
    });
    let (lint_tx, lint_rx) = mpsc::channel::<String>();
    let worker = {
        let shared = Arc::clone(&shared);
        std::thread::spawn(move || lint_worker(&shared, &lint_rx))
    };
    let mut server = Server {
        shared: Arc::clone(&shared),
        lint: lint_tx,
        initialized: false,
        shutdown: false,
        resolves_edits: false,
    };
    // Frames are read on their own thread, so that a `$/cancelRequest`
    // already sent can be seen before the request it cancels is served.
    let (frames_tx, frames) = mpsc::channel::<transport::Frame>();
    std::thread::spawn(move || {
        loop {
            let frame = transport::read(&mut input);
            let closed = matches!(frame, transport::Frame::Closed);
            if frames_tx.send(frame).is_err() || closed {
                return;
            }
        }
    });
    let mut pending: std::collections::VecDeque<transport::Frame> = Default::default();
    let code = loop {
        let Some(frame) = pending.pop_front().or_else(|| frames.recv().ok()) else {
            break if server.shutdown { 0 } else { 1 };
        };
        match frame {
            // The stream ended: cleanly after `shutdown`, otherwise the
            // client went away (or crashed) and the exit code says so.
            transport::Frame::Closed => break if server.shutdown { 0 } else { 1 },
            transport::Frame::Malformed(why) => {
                server.error(Value::Null, PARSE_ERROR, &why);
            }
            transport::Frame::Message(message) => {
                pending.extend(frames.try_iter());
                if let Some(id) = message
                    .get("id")
                    .filter(|_| message.get("method").is_some())
                    && cancelled(&pending, id)
                {
                    server.error(id.clone(), REQUEST_CANCELLED, "cancelled by the client");
                    continue;
                }
                if let Some(code) = server.handle(message) {
                    break code;
                }
            }
        }
    };
    drop(server);
    let _ = worker.join();
    code
}

/// Whether a `$/cancelRequest` for `id` is among the frames read ahead.
fn cancelled(pending: &std::collections::VecDeque<transport::Frame>, id: &Value) -> bool {
    pending.iter().any(|f| {
        matches!(f, transport::Frame::Message(m)
            if m.get("method").and_then(Value::as_str) == Some("$/cancelRequest")
                && m.pointer("/params/id") == Some(id))
    })
}

struct Server {
    shared: Arc<Shared>,
    lint: mpsc::Sender<String>,
    initialized: bool,
    shutdown: bool,
    /// The client resolves a code action's edit lazily
    /// (`codeAction/resolve` with `edit` among its properties).
    resolves_edits: bool,
}

impl Server {
    fn reply(&self, id: Value, result: Value) {
        self.shared
            .send(&json!({"jsonrpc": "2.0", "id": id, "result": result}));
    }

    fn error(&self, id: Value, code: i64, message: &str) {
        self.shared.send(&json!({
            "jsonrpc": "2.0", "id": id,
            "error": {"code": code, "message": message}
        }));
    }

    /// One message; `Some(code)` ends the server.
    fn handle(&mut self, message: Value) -> Option<i32> {
        let Some(method) = message.get("method").and_then(Value::as_str) else {
            // A response to a request of ours (none are sent) or garbage.
            if message.get("id").is_none() || message.get("result").is_none() {
                self.error(
                    message.get("id").cloned().unwrap_or(Value::Null),
                    INVALID_REQUEST,
                    "not a JSON-RPC request or notification",
                );
            }
            return None;
        };
        let method = method.to_string();
        let params = message.get("params").cloned().unwrap_or(Value::Null);
        let id = message.get("id").cloned();
        if method == "exit" {
            return Some(if self.shutdown { 0 } else { 1 });
        }
        let Some(id) = id else {
            if self.initialized {
                let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    self.notification(&method, params)
                }));
                if outcome.is_err() {
                    self.shared.notify(
                        "window/logMessage",
                        json!({"type": 1, "message": format!("asl-lint: internal error handling {method}")}),
                    );
                }
            }
            return None;
        };
        if method == "initialize" {
            self.initialize(id, &params);
            return None;
        }
        if !self.initialized {
            self.error(id, SERVER_NOT_INITIALIZED, "initialize first");
            return None;
        }
        if self.shutdown {
            self.error(id, INVALID_REQUEST, "the server is shutting down");
            return None;
        }
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.request(&method, params)
        }));
        match outcome {
            Ok(Ok(result)) => self.reply(id, result),
            Ok(Err((code, why))) => self.error(id, code, &why),
            Err(_) => self.error(id, INTERNAL_ERROR, &format!("asl-lint failed on {method}")),
        }
        None
    }

    fn initialize(&mut self, id: Value, params: &Value) {
        let offered: Option<Vec<lsp_types::PositionEncodingKind>> = params
            .pointer("/capabilities/general/positionEncodings")
            .and_then(|v| serde_json::from_value(v.clone()).ok());
        let encoding = Encoding::negotiate(offered.as_deref());
        *self.shared.encoding.lock().unwrap() = encoding;
        self.initialized = true;
        self.resolves_edits = params
            .pointer("/capabilities/textDocument/codeAction/resolveSupport/properties")
            .and_then(Value::as_array)
            .is_some_and(|p| p.iter().any(|v| v == "edit"));
        let capabilities = lsp_types::ServerCapabilities {
            position_encoding: Some(encoding.kind()),
            text_document_sync: Some(lsp_types::TextDocumentSyncCapability::Options(
                lsp_types::TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(lsp_types::TextDocumentSyncKind::FULL),
                    save: Some(lsp_types::TextDocumentSyncSaveOptions::Supported(true)),
                    ..Default::default()
                },
            )),
            code_action_provider: Some(lsp_types::CodeActionProviderCapability::Options(
                lsp_types::CodeActionOptions {
                    code_action_kinds: Some(vec![
                        lsp_types::CodeActionKind::QUICKFIX,
                        lsp_types::CodeActionKind::SOURCE_FIX_ALL,
                    ]),
                    resolve_provider: Some(true),
                    ..Default::default()
                },
            )),
            hover_provider: Some(lsp_types::HoverProviderCapability::Simple(true)),
            code_lens_provider: Some(lsp_types::CodeLensOptions {
                resolve_provider: Some(false),
            }),
            ..Default::default()
        };
        let result = lsp_types::InitializeResult {
            capabilities,
            server_info: Some(lsp_types::ServerInfo {
                name: "asl-lint".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
        };
        self.reply(id, serde_json::to_value(result).unwrap_or(Value::Null));
    }

    fn notification(&mut self, method: &str, params: Value) {
        match method {
            "textDocument/didOpen" => {
                let Ok(p) = serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(params)
                else {
                    return;
                };
                let uri = p.text_document.uri.as_str().to_string();
                if is_config(&uri) {
                    return self.relint_all();
                }
                let Some(path) = file_path(&uri) else { return };
                let template = deploys_files(&p.text_document.text);
                let mut documents = self.shared.documents.lock().unwrap();
                documents.insert(
                    uri.clone(),
                    Document {
                        text: p.text_document.text,
                        version: p.text_document.version,
                        path,
                    },
                );
                // A template opened beside the files it deploys changes
                // how they are linted.
                let others: Vec<String> = if template {
                    documents.keys().filter(|u| **u != uri).cloned().collect()
                } else {
                    Vec::new()
                };
                drop(documents);
                let _ = self.lint.send(uri);
                for other in others {
                    let _ = self.lint.send(other);
                }
            }
            "textDocument/didChange" => {
                let Ok(p) =
                    serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(params)
                else {
                    return;
                };
                let uri = p.text_document.uri.as_str().to_string();
                // Full sync: the last change holds the whole text.
                let Some(change) = p.content_changes.into_iter().last() else {
                    return;
                };
                if change.range.is_some() {
                    return;
                }
                let mut documents = self.shared.documents.lock().unwrap();
                if let Some(doc) = documents.get_mut(&uri) {
                    doc.text = change.text;
                    doc.version = p.text_document.version;
                    // A template and the files it deploys depend on each
                    // other: both sides are linted again.
                    let linked: Vec<String> = if deploys_files(&doc.text) {
                        documents.keys().filter(|u| **u != uri).cloned().collect()
                    } else {
                        documents
                            .iter()
                            .filter(|(u, d)| **u != uri && deploys_files(&d.text))
                            .map(|(u, _)| u.clone())
                            .collect()
                    };
                    drop(documents);
                    let _ = self.lint.send(uri);
                    for other in linked {
                        let _ = self.lint.send(other);
                    }
                }
            }
            "textDocument/didSave" => {
                let uri = params
                    .pointer("/textDocument/uri")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                if is_config(&uri) {
                    self.relint_all();
                }
            }
            "textDocument/didClose" => {
                let uri = params
                    .pointer("/textDocument/uri")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                if self.shared.documents.lock().unwrap().remove(&uri).is_some() {
                    self.shared.notify(
                        "textDocument/publishDiagnostics",
                        json!({"uri": uri, "diagnostics": []}),
                    );
                }
            }
            // A configuration file changed on disk, or the editor's settings.
            "workspace/didChangeWatchedFiles" | "workspace/didChangeConfiguration" => {
                self.relint_all();
            }
            _ => {}
        }
    }

    fn relint_all(&self) {
        let uris: Vec<String> = self
            .shared
            .documents
            .lock()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        for uri in uris {
            let _ = self.lint.send(uri);
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Result<Value, (i64, String)> {
        let bad = |e: serde_json::Error| (INVALID_PARAMS, format!("invalid params: {e}"));
        match method {
            "shutdown" => {
                self.shutdown = true;
                Ok(Value::Null)
            }
            "textDocument/codeAction" => {
                let p: lsp_types::CodeActionParams = serde_json::from_value(params).map_err(bad)?;
                let Some(doc) = self.document(p.text_document.uri.as_str()) else {
                    return Ok(json!([]));
                };
                let actions =
                    actions::code_actions(&doc, &p, self.shared.encoding(), self.resolves_edits);
                Ok(serde_json::to_value(actions).unwrap_or(json!([])))
            }
            "codeAction/resolve" => {
                let action: lsp_types::CodeAction = serde_json::from_value(params).map_err(bad)?;
                let uri = action
                    .data
                    .as_ref()
                    .and_then(|d| d.get("uri"))
                    .and_then(Value::as_str)
                    .map(str::to_string);
                let resolved = uri.as_deref().and_then(|u| {
                    let doc = self.document(u)?;
                    let uri: lsp_types::Uri = u.parse().ok()?;
                    actions::fix_all(&doc, &uri, self.shared.encoding())
                });
                // Nothing left to fix (the text changed meanwhile): the
                // action comes back as it was, without an edit.
                Ok(serde_json::to_value(resolved.unwrap_or(action)).unwrap_or(Value::Null))
            }
            "textDocument/hover" => {
                let p: lsp_types::HoverParams = serde_json::from_value(params).map_err(bad)?;
                let uri = p.text_document_position_params.text_document.uri;
                let Some(doc) = self.document(uri.as_str()) else {
                    return Ok(Value::Null);
                };
                let hover = actions::hover(
                    &doc,
                    p.text_document_position_params.position,
                    self.shared.encoding(),
                );
                Ok(serde_json::to_value(hover).unwrap_or(Value::Null))
            }
            "textDocument/codeLens" => {
                let p: lsp_types::CodeLensParams = serde_json::from_value(params).map_err(bad)?;
                let Some(doc) = self.document(p.text_document.uri.as_str()) else {
                    return Ok(json!([]));
                };
                let lenses = actions::cost_lenses(&doc, self.shared.encoding());
                Ok(serde_json::to_value(lenses).unwrap_or(json!([])))
            }
            _ => Err((
                METHOD_NOT_FOUND,
                format!("asl-lint does not serve `{method}`"),
            )),
        }
    }

    fn document(&self, uri: &str) -> Option<Document> {
        self.shared.documents.lock().unwrap().get(uri).cloned()
    }
}

/// Lints what the main loop queues, newest text first, after a quiet spell.
fn lint_worker(shared: &Shared, queue: &mpsc::Receiver<String>) {
    while let Ok(first) = queue.recv() {
        let mut pending = BTreeSet::from([first]);
        loop {
            match queue.recv_timeout(DEBOUNCE) {
                Ok(uri) => {
                    pending.insert(uri);
                }
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
        }
        for uri in pending {
            let Some(doc) = shared.documents.lock().unwrap().get(&uri).cloned() else {
                continue;
            };
            let others: Vec<(String, Document)> = shared
                .documents
                .lock()
                .unwrap()
                .iter()
                .filter(|(u, d)| **u != uri && deploys_files(&d.text))
                .map(|(u, d)| (u.clone(), d.clone()))
                .collect();
            let links: Vec<engine::Link> = others
                .iter()
                .flat_map(|(u, d)| links_of(shared, u, d))
                .collect();
            let (report, _) = lint_document_beside(&doc, &links);
            // Dropped when the editor has moved on (a later change, a close).
            let current = shared
                .documents
                .lock()
                .unwrap()
                .get(&uri)
                .map(|d| d.version);
            if current != Some(doc.version) {
                continue;
            }
            let lines = Lines::new(&doc.text, shared.encoding());
            let findings = collapse_unreachable(report.findings);
            let diagnostics: Vec<lsp_types::Diagnostic> = findings
                .iter()
                .map(|f| diagnostic(f, &lines, &uri))
                .collect();
            shared.notify(
                "textDocument/publishDiagnostics",
                json!({"uri": uri, "version": doc.version, "diagnostics": diagnostics}),
            );
        }
    }
}

/// Whether a text may be a template that deploys definition files.
fn deploys_files(text: &str) -> bool {
    text.contains("DefinitionUri") || text.contains("templatefile") || text.contains("file(")
}

/// The files an open document deploys, read from the version it has now:
/// linted once per version (the cache), whatever number of other documents
/// ask.
fn links_of(shared: &Shared, uri: &str, doc: &Document) -> Vec<engine::Link> {
    if let Some((version, links)) = shared.links.lock().unwrap().get(uri)
        && *version == doc.version
    {
        return links.clone();
    }
    let (report, _) = lint_document(doc);
    shared
        .links
        .lock()
        .unwrap()
        .insert(uri.to_string(), (doc.version, report.links.clone()));
    report.links
}

/// [`lint_document`], and when an open template deploys this file
/// (`DefinitionUri`), linted as that template deploys it, with the
/// editor's text of both. `links` are the open templates' links.
fn lint_document_beside(doc: &Document, links: &[engine::Link]) -> (FileReport, Settings) {
    let settings = settings_for(&doc.path);
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let me = canonical(&doc.path);
    let links: Vec<engine::Link> = links
        .iter()
        .filter(|l| canonical(&l.target) == me)
        .cloned()
        .collect();
    if links.is_empty() {
        return lint_document(doc);
    }
    let input = Input {
        display: display_path(&doc.path),
        source: Source::Path(doc.path.clone()),
        explicit: true,
    };
    let report =
        engine::lint_bytes_deployed(&input, doc.text.clone().into_bytes(), &settings, &links);
    (report, settings)
}

/// The document linted as the command line lints the file: the nearest
/// `.asl-lint.toml` from its folder up, its overrides, the same engine.
fn lint_document(doc: &Document) -> (FileReport, Settings) {
    let settings = settings_for(&doc.path);
    let input = Input {
        display: display_path(&doc.path),
        source: Source::Path(doc.path.clone()),
        explicit: true,
    };
    let report = engine::lint_bytes_guarded(&input, doc.text.clone().into_bytes(), &settings);
    let report = if report.outcome == Outcome::NotADefinition {
        FileReport {
            findings: Vec::new(),
            ..report
        }
    } else {
        report
    };
    (report, settings)
}

fn settings_for(path: &Path) -> Settings {
    let config = path
        .parent()
        .and_then(config::find)
        .and_then(|p| cached_config(&p));
    let Some(config) = config else {
        return Settings::default();
    };
    // Override globs are relative to the configuration's folder.
    let relative = config
        .path
        .as_ref()
        .and_then(|c| c.parent())
        .and_then(|root| path.strip_prefix(root).ok())
        .map_or_else(|| display_path(path), display_path);
    Settings::from_layer(&config.layer_for(&relative))
}

/// The configuration at `path`, loaded (and its globs compiled) once per
/// modification: a lint of every document used to reload it.
fn cached_config(path: &Path) -> Option<Arc<Config>> {
    type Cache = BTreeMap<PathBuf, (Option<std::time::SystemTime>, u64, Arc<Config>)>;
    static CACHE: std::sync::OnceLock<Mutex<Cache>> = std::sync::OnceLock::new();
    let meta = std::fs::metadata(path).ok()?;
    let stamp = (meta.modified().ok(), meta.len());
    let cache = CACHE.get_or_init(|| Mutex::new(BTreeMap::new()));
    if let Some((modified, len, config)) = cache.lock().unwrap().get(path)
        && (*modified, *len) == stamp
        && stamp.0.is_some()
    {
        return Some(Arc::clone(config));
    }
    let config = Arc::new(Config::load(path).ok()?);
    cache
        .lock()
        .unwrap()
        .insert(path.to_path_buf(), (stamp.0, stamp.1, Arc::clone(&config)));
    Some(config)
}

fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

fn is_config(uri: &str) -> bool {
    uri.ends_with(config::FILE_NAME)
}

/// The path of a `file:` URI, percent-decoded; other schemes are not linted.
fn file_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    // `file://host/path`: only the local host.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    use std::os::unix::ffi::OsStringExt;
    Some(PathBuf::from(std::ffi::OsString::from_vec(out)))
}

/// A finding as an LSP diagnostic: the rule as `code` with a link to its
/// doc, related places, and `Unnecessary` for states nothing reaches.
/// More unreachable states than this in one document are one diagnostic:
/// a typo in a long chain cuts off everything after it, and a thousand
/// squiggles say less than one that lists them.
const UNREACHABLE_SHOWN_APART: usize = 10;

/// The unreachable-state findings of a document as one diagnostic when
/// there are many: the first, with the others as related information
/// (up to 200 of them listed) and their number in its message.
fn collapse_unreachable(findings: Vec<Finding>) -> Vec<Finding> {
    let unreachable = findings
        .iter()
        .filter(|f| f.rule == "unreachable-state")
        .count();
    if unreachable <= UNREACHABLE_SHOWN_APART {
        return findings;
    }
    let mut out = Vec::with_capacity(findings.len() - unreachable + 1);
    let mut first: Option<usize> = None;
    for f in findings {
        if f.rule != "unreachable-state" {
            out.push(f);
            continue;
        }
        match first {
            None => {
                first = Some(out.len());
                out.push(f);
            }
            Some(i) => {
                let head = &mut out[i];
                if head.related.len() < 200 {
                    let name = f.state.as_deref().unwrap_or("a state");
                    head.related
                        .push((f.span, format!("`{name}` is never reached either")));
                }
            }
        }
    }
    if let Some(i) = first {
        let more = unreachable - 1;
        out[i].message.push_str(&format!(
            "; {more} more states are never reached either (see the related locations): \
             fix the transition that should lead here first"
        ));
    }
    out
}

fn diagnostic(f: &Finding, lines: &Lines<'_>, uri: &str) -> lsp_types::Diagnostic {
    let range = lsp_types::Range::new(
        lines.from_line_column(f.start.line, f.start.column),
        lines.from_line_column(f.end.line, f.end.column),
    );
    let severity = match f.severity {
        Severity::Error => lsp_types::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp_types::DiagnosticSeverity::WARNING,
        Severity::Info => lsp_types::DiagnosticSeverity::INFORMATION,
    };
    let related: Vec<lsp_types::DiagnosticRelatedInformation> = f
        .related
        .iter()
        .filter_map(|(span, label)| {
            Some(lsp_types::DiagnosticRelatedInformation {
                location: lsp_types::Location {
                    uri: uri.parse().ok()?,
                    range: lsp_types::Range::new(
                        lines.position(span.start as usize),
                        lines.position(span.end as usize),
                    ),
                },
                message: visible(label).into_owned(),
            })
        })
        .collect();
    let mut message = visible(&f.message).into_owned();
    if let Some(help) = &f.help {
        message.push_str("\nhelp: ");
        message.push_str(&visible(help));
    }
    lsp_types::Diagnostic {
        range,
        severity: Some(severity),
        code: Some(lsp_types::NumberOrString::String(f.rule.to_string())),
        code_description: rules::doc_url(f.rule)
            .parse()
            .ok()
            .map(|href| lsp_types::CodeDescription { href }),
        source: Some("asl-lint".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: (f.rule == "unreachable-state").then(|| vec![lsp_types::DiagnosticTag::UNNECESSARY]),
        data: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_decode_to_paths() {
        assert_eq!(
            file_path("file:///home/me/My%20Machines/a.asl.json"),
            Some(PathBuf::from("/home/me/My Machines/a.asl.json"))
        );
        assert_eq!(file_path("untitled:Untitled-1"), None);
        assert_eq!(file_path("file:///x%2"), Some(PathBuf::from("/x%2")));
    }
}
