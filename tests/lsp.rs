//! `asl-lint --lsp` over its stdio, as an editor drives it: initialize,
//! open, change (one and a burst of 100), code actions, hover, code lens,
//! garbage frames, shutdown and exit. Diagnostics must match what
//! `asl-lint --format json` reports for the same text.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: mpsc::Receiver<Value>,
    next_id: i64,
}

impl Client {
    fn start() -> Client {
        Client::start_with(json!({}))
    }

    fn start_with(capabilities: Value) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
            .arg("--lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if stdout.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.unwrap()];
                stdout.read_exact(&mut body).unwrap();
                if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            messages: rx,
            next_id: 0,
        };
        let init = client.request(
            "initialize",
            json!({"processId": null, "capabilities": capabilities}),
        );
        assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-16");
        client.notify("initialized", json!({}));
        client
    }

    fn raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).unwrap();
        self.stdin.flush().unwrap();
    }

    fn send(&mut self, message: Value) {
        let body = serde_json::to_vec(&message).unwrap();
        let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        frame.extend(body);
        self.raw(&frame);
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.response(json!(id))
    }

    fn response(&mut self, id: Value) -> Value {
        loop {
            let m = self.next();
            if m.get("id") == Some(&id) && m.get("method").is_none() {
                return m;
            }
        }
    }

    fn next(&mut self) -> Value {
        self.messages
            .recv_timeout(Duration::from_secs(30))
            .expect("the server answers within 30 s")
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Value {
        loop {
            let m = self.next();
            if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri {
                return m["params"].clone();
            }
        }
    }

    fn open(&mut self, uri: &str, text: &str) -> Value {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "json", "version": 1, "text": text}}),
        );
        self.diagnostics(uri)
    }

    fn finish(mut self) {
        let shutdown = self.request("shutdown", Value::Null);
        assert_eq!(shutdown["result"], Value::Null);
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        assert_eq!(status.code(), Some(0));
    }
}

fn uri_of(path: &std::path::Path) -> String {
    format!("file://{}", path.display())
}

/// The JSON report's findings for `text`, as (rule, 0-based line, UTF-16
/// start character) triples.
fn cli_findings(name: &str, text: &str) -> Vec<(String, u64, u64)> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(["--format", "json", "-", "--stdin-filename", name])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let lines: Vec<&str> = text.split('\n').collect();
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let line = d["line"].as_u64().unwrap() - 1;
            let column = d["column"].as_u64().unwrap() as usize - 1;
            let utf16: usize = lines[line as usize]
                .chars()
                .take(column)
                .map(char::len_utf16)
                .sum();
            (d["rule"].as_str().unwrap().to_string(), line, utf16 as u64)
        })
        .collect()
}

fn lsp_findings(published: &Value) -> Vec<(String, u64, u64)> {
    published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["range"]["start"]["line"].as_u64().unwrap(),
                d["range"]["start"]["character"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn diagnostics_match_the_cli_and_quick_fixes_and_hover_work() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("order.asl.json");
    // A non-ASCII name before the typo: UTF-16 columns differ from code points.
    let text = "{\n  \"Comment\": \"Bestellung 😀\", \"StartAt\": \"First\",\n  \"States\": {\n    \"First\": {\"Comment\": \"😀\", \"Type\": \"Pass\", \"Next\": \"Secnod\"},\n    \"Second\": {\"Type\": \"Succeed\"},\n    \"Orphan\": {\"Type\": \"Succeed\"}\n  }\n}\n";
    std::fs::write(&path, text).unwrap();
    let uri = uri_of(&path);
    let mut client = Client::start();
    let published = client.open(&uri, text);
    assert_eq!(
        lsp_findings(&published),
        cli_findings("order.asl.json", text)
    );
    let diagnostics = published["diagnostics"].as_array().unwrap();
    let typo = diagnostics
        .iter()
        .find(|d| d["code"] == "unknown-transition-target")
        .unwrap();
    assert!(
        typo["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with("rules/unknown-transition-target.md")
    );
    let unreachable = diagnostics
        .iter()
        .find(|d| d["code"] == "unreachable-state")
        .unwrap();
    assert_eq!(unreachable["tags"], json!([1]));

    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": typo["range"], "context": {"diagnostics": [typo]}}),
    );
    let actions = actions["result"].as_array().unwrap().clone();
    let quick = actions
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .unwrap()
                .starts_with("Change `Secnod` to `Second`")
        })
        .expect("the fix is a quick fix");
    assert_eq!(quick["isPreferred"], true);
    let edit = &quick["edit"]["changes"][&uri][0];
    assert_eq!(edit["newText"], "\"Second\"");
    assert_eq!(edit["range"]["start"], typo["range"]["start"]);
    // Fixing all is a whole --fix run: not computed on a cursor move,
    // only when the editor asks for it by name (on save).
    assert!(
        !actions.iter().any(|a| a["kind"] == "source.fixAll"),
        "fix all is not computed for a quick-fix request: {actions:?}"
    );
    let fix_all = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": typo["range"], "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
    );
    let fix_all = fix_all["result"].as_array().unwrap().clone();
    assert!(
        fix_all
            .iter()
            .any(|a| a["kind"] == "source.fixAll" && a["edit"].is_object()),
        "fix all is offered when asked for: {fix_all:?}"
    );

    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": typo["range"]["start"]}),
    );
    let shown = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(
        shown.starts_with("**unknown-transition-target** (error)"),
        "{shown}"
    );

    // A definition AWS would reject has no estimate, and the lens says why.
    let lenses = client.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": uri}}),
    );
    let title = lenses["result"][0]["command"]["title"].as_str().unwrap();
    assert!(
        title.starts_with(
            "no cost estimate: its definition has errors (`unknown-transition-target`)"
        ),
        "{title}"
    );
    let valid_uri = uri_of(&dir.path().join("valid.asl.json"));
    client.open(
        &valid_uri,
        "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"B\"}, \"B\": {\"Type\": \"Succeed\"}}}",
    );
    let lenses = client.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": valid_uri}}),
    );
    let title = lenses["result"][0]["command"]["title"].as_str().unwrap();
    assert_eq!(
        title,
        "2 transitions · $50.00 per million executions (Standard)"
    );
    client.finish();
}

#[test]
fn a_burst_of_changes_publishes_only_the_last() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("burst.asl.json");
    let good = "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Succeed\"}}}";
    let uri = uri_of(&path);
    let mut client = Client::start();
    client.open(&uri, good);
    for version in 2..=101 {
        // Every text but the last has a finding.
        let text = if version == 101 {
            good.to_string()
        } else {
            good.replace("\"A\"}", &format!("\"B{version}\"}}"))
        };
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }
    let published = client.diagnostics(&uri);
    assert_eq!(
        published["version"], 101,
        "an intermediate result was published"
    );
    assert_eq!(published["diagnostics"], json!([]));
    // Nothing else comes after it.
    let stray = client.messages.recv_timeout(Duration::from_millis(300));
    assert!(stray.is_err(), "{stray:?}");
    client.finish();
}

#[test]
fn templates_are_linted_and_other_files_are_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("template.yaml");
    let text = std::fs::read_to_string(
        common::root()
            .join("tests/fixtures/unknown-transition-target/fix/sam-inline.template.yaml"),
    )
    .unwrap();
    let mut client = Client::start();
    let published = client.open(&uri_of(&template), &text);
    assert_eq!(
        lsp_findings(&published),
        cli_findings("template.yaml", &text)
    );
    assert!(!published["diagnostics"].as_array().unwrap().is_empty());
    let other = dir.path().join("package.json");
    let published = client.open(&uri_of(&other), "{\"name\": \"x\"}");
    assert_eq!(published["diagnostics"], json!([]));
    client.finish();
}

#[test]
fn garbage_gets_errors_and_the_server_carries_on() {
    let mut client = Client::start();
    client.raw(b"Content-Length: 9\r\n\r\nnot json!");
    let error = client.next();
    assert_eq!(error["error"]["code"], -32700);
    client.raw(b"X-Nothing: 1\r\n\r\n");
    let error = client.next();
    assert_eq!(error["error"]["code"], -32700);
    client.send(
        json!({"jsonrpc": "2.0", "id": 7, "method": "textDocument/hover", "params": {"bogus": 1}}),
    );
    let error = client.response(json!(7));
    assert_eq!(error["error"]["code"], -32602);
    client.send(json!({"jsonrpc": "2.0", "id": 8, "method": "workspace/unknown"}));
    let error = client.response(json!(8));
    assert_eq!(error["error"]["code"], -32601);
    client.send(json!([1, 2, 3]));
    let error = client.next();
    assert_eq!(error["error"]["code"], -32600);
    client.finish();
}

#[test]
fn the_server_exits_when_the_client_closes_stdin() {
    // Without `shutdown` first the client went away: exit code 1 (LSP).
    let client = Client::start();
    let Client {
        mut child, stdin, ..
    } = client;
    drop(stdin);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1));
    // After `shutdown`, the end of the stream is a clean exit.
    let mut client = Client::start();
    client.request("shutdown", Value::Null);
    let Client {
        mut child, stdin, ..
    } = client;
    drop(stdin);
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[test]
fn a_non_utf8_header_gets_an_error_and_the_server_carries_on() {
    let mut client = Client::start();
    // A header line with bytes that are not UTF-8, then one with a bad
    // Content-Length: each frame is answered with a parse error.
    client.raw(b"Content-Length: 2\xff\r\n\r\n");
    let error = client.next();
    assert_eq!(error["error"]["code"], -32700);
    client.raw(b"X-Editor: caf\xe9\r\nContent-Length: 2\r\n\r\n{}");
    let error = client.next();
    assert_eq!(error["error"]["code"], -32600, "{error}");
    // Still alive: a request is answered.
    client.send(json!({"jsonrpc": "2.0", "id": 41, "method": "workspace/unknown"}));
    let error = client.response(json!(41));
    assert_eq!(error["error"]["code"], -32601);
    client.finish();
}

#[test]
fn the_governing_config_applies_and_a_change_to_it_relints() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let path = dir.path().join("m.asl.json");
    let text = "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"Bee\"}, \"B\": {\"Type\": \"Succeed\"}}}";
    let uri = uri_of(&path);
    let mut client = Client::start();
    let published = client.open(&uri, text);
    assert!(
        lsp_findings(&published)
            .iter()
            .any(|f| f.0 == "unreachable-state")
    );
    // The disable action puts the directive in the state's Comment.
    let unreachable = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "unreachable-state")
        .unwrap()
        .clone();
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": unreachable["range"], "context": {"diagnostics": []}}),
    );
    let disable = actions["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Disable `unreachable-state` for state `B`")
        .expect("a disable action")
        .clone();
    assert_eq!(
        disable["edit"]["changes"][&uri][0]["newText"],
        ", \"Comment\": \"asl-lint-disable unreachable-state\""
    );

    std::fs::write(
        dir.path().join(".asl-lint.toml"),
        "ignore = [\"unreachable-state\"]\n",
    )
    .unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri_of(&dir.path().join(".asl-lint.toml")), "type": 1}]}),
    );
    let published = client.diagnostics(&uri);
    let rules: Vec<String> = lsp_findings(&published).into_iter().map(|f| f.0).collect();
    assert!(
        !rules.contains(&"unreachable-state".to_string()),
        "{rules:?}"
    );
    assert!(
        rules.contains(&"unknown-transition-target".to_string()),
        "{rules:?}"
    );
    client.finish();
}

#[test]
fn a_definition_open_beside_its_template_is_linted_as_deployed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let definition = dir.path().join("sm.asl.json");
    let template = dir.path().join("template.yaml");
    let def_text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "${NextState}"}, "B": {"Type": "Succeed"}}}"#;
    let tpl = |next: &str| {
        format!(
            "Transform: AWS::Serverless-2016-10-31\nResources:\n  Machine:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: sm.asl.json\n      DefinitionSubstitutions:\n        NextState: {next}\n"
        )
    };
    // On disk as well: the template finds the file it deploys there.
    std::fs::write(&definition, def_text).unwrap();
    let (def_uri, tpl_uri) = (uri_of(&definition), uri_of(&template));
    std::fs::write(&template, tpl("B")).unwrap();
    let mut client = Client::start();
    let alone = client.open(&def_uri, def_text);
    assert!(
        alone.to_string().contains("${NextState}"),
        "alone, the placeholder is a name: {alone}"
    );
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": tpl_uri, "languageId": "yaml", "version": 1, "text": tpl("B")}}),
    );
    let deployed = loop {
        let published = client.diagnostics(&def_uri);
        if !published.to_string().contains("${NextState}") {
            break published;
        }
    };
    assert_eq!(deployed["diagnostics"], json!([]), "as deployed, Next is B");
    // The editor's template text counts, not the file on disk.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": tpl_uri, "version": 2}, "contentChanges": [{"text": tpl("Nope")}]}),
    );
    let broken = loop {
        let published = client.diagnostics(&def_uri);
        if published.to_string().contains("`Nope`") {
            break published;
        }
    };
    let rules: Vec<String> = lsp_findings(&broken).into_iter().map(|f| f.0).collect();
    assert!(
        rules.contains(&"unknown-transition-target".to_string()),
        "{broken}"
    );
    client.finish();
}

#[test]
fn hover_on_a_finding_shows_its_own_severity() {
    // The configuration lowers the rule: hover says what the editor shows.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(
        dir.path().join(".asl-lint.toml"),
        "[severity]\nunknown-transition-target = \"warning\"\n",
    )
    .unwrap();
    let path = dir.path().join("m.asl.json");
    let text = "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"Bee\"}, \"B\": {\"Type\": \"Succeed\"}}}";
    std::fs::write(&path, text).unwrap();
    let uri = uri_of(&path);
    let mut client = Client::start();
    let published = client.open(&uri, text);
    let typo = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "unknown-transition-target")
        .unwrap()
        .clone();
    assert_eq!(typo["severity"], 2, "a warning");
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": typo["range"]["start"]}),
    );
    let shown = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(
        shown.starts_with("**unknown-transition-target** (warning)"),
        "{shown}"
    );
    client.finish();
}

#[test]
fn hover_on_a_state_name_shows_what_reaches_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let path = dir.path().join("m.asl.json");
    let text = "{\"StartAt\": \"Invoke\",\n\"States\": {\n\"Invoke\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::lambda:invoke\", \"Parameters\": {\"FunctionName\": \"f\", \"Payload.$\": \"$\"}, \"Next\": \"Check\"},\n\"Check\": {\"Type\": \"Pass\", \"OutputPath\": \"$.Payload\", \"End\": true}}}";
    std::fs::write(&path, text).unwrap();
    let uri = uri_of(&path);
    let mut client = Client::start();
    client.open(&uri, text);
    // Line 3 is `"Check": {...}`; the cursor on the name.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 3, "character": 2}}),
    );
    let shown = hover["result"]["contents"]["value"].as_str().unwrap();
    // A finding on the name (a Pass after a Task) comes first, then the data.
    assert!(shown.contains("**Check** receives"), "{shown}");
    assert!(
        shown.contains("Payload: any"),
        "the Lambda envelope: {shown}"
    );
    assert!(shown.contains("(from `Invoke`)"), "{shown}");
    assert!(shown.contains("passes on `any`"), "{shown}");
    let start = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 2, "character": 2}}),
    );
    let shown = start["result"]["contents"]["value"].as_str().unwrap();
    assert!(shown.contains("the execution input"), "{shown}");
    client.finish();
}

#[test]
fn fix_all_is_resolved_lazily_for_a_client_that_resolves_edits() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.asl.json");
    let text = "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"Dnoe\"}, \"Done\": {\"Type\": \"Succeed\"}}}";
    std::fs::write(&path, text).unwrap();
    let uri = uri_of(&path);
    let mut client = Client::start_with(json!({
        "textDocument": {"codeAction": {"resolveSupport": {"properties": ["edit"]}}}
    }));
    client.open(&uri, text);
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}}, "context": {"diagnostics": []}}),
    );
    let lazy = actions["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "source.fixAll")
        .expect("fix all is offered")
        .clone();
    assert!(lazy.get("edit").is_none(), "no edit until resolved: {lazy}");
    let resolved = client.request("codeAction/resolve", lazy);
    let edit = &resolved["result"]["edit"]["changes"][&uri][0]["newText"];
    assert!(
        edit.as_str().unwrap().contains("\"Next\": \"Done\""),
        "{resolved}"
    );
    client.finish();
}

#[test]
fn a_quick_fix_that_would_break_the_file_is_not_offered() {
    // "Disable ... for this state" on a state whose Comment is a block
    // scalar used to glue the next state onto the comment.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.asl.yaml");
    let text = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Comment: |\n      Says hello.\n    Next: Bee\n  B:\n    Type: Succeed\n";
    std::fs::write(&path, text).unwrap();
    let uri = uri_of(&path);
    let mut client = Client::start();
    let published = client.open(&uri, text);
    let typo = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "unknown-transition-target")
        .unwrap()
        .clone();
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": typo["range"], "context": {"diagnostics": [typo]}}),
    );
    let actions = actions["result"].as_array().unwrap().clone();
    for action in &actions {
        // Every offered edit, applied alone, leaves a file that parses.
        let edits = action["edit"]["changes"][&uri].as_array().unwrap();
        let mut fixed = text.to_string();
        for e in edits.iter().rev() {
            let offset = |p: &Value| {
                let (line, ch) = (
                    p["line"].as_u64().unwrap() as usize,
                    p["character"].as_u64().unwrap() as usize,
                );
                fixed
                    .split_inclusive('\n')
                    .take(line)
                    .map(str::len)
                    .sum::<usize>()
                    + ch
            };
            let (a, b) = (offset(&e["range"]["start"]), offset(&e["range"]["end"]));
            fixed.replace_range(a..b, e["newText"].as_str().unwrap());
        }
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_asl-lint"))
            .args([
                "--no-config",
                "--format",
                "concise",
                "--stdin-filename",
                "m.asl.yaml",
                "-",
            ])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut c| {
                use std::io::Write;
                c.stdin.take().unwrap().write_all(fixed.as_bytes())?;
                c.wait_with_output()
            })
            .unwrap();
        let report = String::from_utf8_lossy(&out.stdout);
        assert!(
            !report.contains("invalid-yaml") && !report.contains("field-not-allowed"),
            "{}: {fixed}\n{report}",
            action["title"]
        );
    }
    assert!(
        actions
            .iter()
            .any(|a| a["title"].as_str().unwrap().starts_with("Disable")),
        "{actions:?}"
    );
    client.finish();
}

#[test]
fn one_typo_in_a_long_chain_is_one_unreachable_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chain.asl.json");
    let mut states = vec![r#""S0": {"Type": "Pass", "Next": "S1x"}"#.to_string()];
    for i in 1..300 {
        states.push(format!(
            r#""S{i}": {{"Type": "Pass", "Next": "S{}"}}"#,
            i + 1
        ));
    }
    states.push(r#""S300": {"Type": "Succeed"}"#.to_string());
    let text = format!(
        "{{\"StartAt\": \"S0\", \"States\": {{\n{}\n}}}}",
        states.join(",\n")
    );
    std::fs::write(&path, &text).unwrap();
    let uri = uri_of(&path);
    let mut client = Client::start();
    let published = client.open(&uri, &text);
    let diagnostics = published["diagnostics"].as_array().unwrap();
    let unreachable: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["code"] == "unreachable-state")
        .collect();
    assert_eq!(unreachable.len(), 1, "{}", diagnostics.len());
    assert!(
        unreachable[0]["message"]
            .as_str()
            .unwrap()
            .contains("299 more states are never reached either"),
        "{}",
        unreachable[0]["message"]
    );
    assert_eq!(
        unreachable[0]["relatedInformation"]
            .as_array()
            .unwrap()
            .len(),
        200
    );
    // The cause is its own diagnostic.
    assert!(
        diagnostics
            .iter()
            .any(|d| d["code"] == "unknown-transition-target")
    );
    client.finish();
}

#[test]
fn a_request_cancelled_before_it_is_served_is_answered_as_cancelled() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chain.asl.json");
    let mut states = Vec::new();
    for i in 0..2000 {
        states.push(format!(
            r#""S{i}": {{"Type": "Pass", "Next": "S{}"}}"#,
            i + 1
        ));
    }
    states.push(r#""S2000": {"Type": "Succeed"}"#.to_string());
    let text = format!(
        "{{\"StartAt\": \"S0\", \"States\": {{\n{}\n}}}}",
        states.join(",\n")
    );
    std::fs::write(&path, &text).unwrap();
    let uri = uri_of(&path);
    let mut client = Client::start();
    client.open(&uri, &text);
    // A slow request, then one the client cancels right after sending it:
    // while the first is served, the cancellation arrives.
    let frame = |m: Value| {
        let body = serde_json::to_vec(&m).unwrap();
        let mut f = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        f.extend(body);
        f
    };
    let mut bytes = frame(
        json!({"jsonrpc": "2.0", "id": 900, "method": "textDocument/codeLens", "params": {"textDocument": {"uri": uri}}}),
    );
    bytes.extend(frame(json!({"jsonrpc": "2.0", "id": 901, "method": "textDocument/hover", "params": {"textDocument": {"uri": uri}, "position": {"line": 1, "character": 2}}})));
    bytes.extend(frame(
        json!({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 901}}),
    ));
    client.raw(&bytes);
    let slow = client.response(json!(900));
    assert!(slow.get("result").is_some(), "{slow}");
    let cancelled = client.response(json!(901));
    assert_eq!(cancelled["error"]["code"], -32800, "{cancelled}");
    client.finish();
}
