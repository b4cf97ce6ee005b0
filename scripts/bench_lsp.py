#!/usr/bin/env python3
"""How fast the editor sees findings: `asl-lint --lsp` from didChange to
publishDiagnostics, against the CLI linting the same text, in one run.

    bench_lsp.py ASL_LINT_BINARY [RUNS]

For a 3 KB definition and a 1 MB one (written by gen_synthetic.py), the
server gets RUNS changes, each waited for; the CLI lints the same bytes RUNS
times (process start to exit). Prints a Markdown table of medians. The
server's time includes its debounce (the quiet spell it waits for after a
change, so that a burst of keystrokes is linted once).
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def frame(message):
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read(stream):
    headers = b""
    while not headers.endswith(b"\r\n\r\n"):
        c = stream.read(1)
        if not c:
            raise EOFError
        headers += c
    length = next(int(h.split(b":")[1]) for h in headers.split(b"\r\n") if h.lower().startswith(b"content-length"))
    return json.loads(stream.read(length))


def server_times(binary, path, text, runs):
    p = subprocess.Popen([binary, "--lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    send = lambda m: (p.stdin.write(frame(m)), p.stdin.flush())
    send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
    read(p.stdout)
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    uri = "file://" + path
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
          "params": {"textDocument": {"uri": uri, "languageId": "json", "version": 1, "text": text}}})
    while read(p.stdout).get("method") != "textDocument/publishDiagnostics":
        pass
    times = []
    for version in range(2, runs + 2):
        start = time.perf_counter()
        send({"jsonrpc": "2.0", "method": "textDocument/didChange",
              "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}})
        while True:
            m = read(p.stdout)
            if m.get("method") == "textDocument/publishDiagnostics" and m["params"].get("version") == version:
                break
        times.append(time.perf_counter() - start)
    send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    read(p.stdout)
    send({"jsonrpc": "2.0", "method": "exit"})
    p.wait(10)
    return times


def cli_times(binary, path, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([binary, "--no-config", "--format", "concise", path], capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def main():
    binary = os.path.abspath(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    scratch = tempfile.mkdtemp()
    cases = []
    for name, states in (("3 KB", 16), ("1 MB", 5000)):
        path = os.path.join(scratch, f"chain-{states}.asl.json")
        subprocess.run([sys.executable, os.path.join(HERE, "gen_synthetic.py"), "chain", str(states), path], check=True)
        text = open(path).read()
        cases.append((f"{name} ({len(text) // 1024} KiB)", path, text))
    print("| definition | --lsp didChange -> diagnostics | CLI on the same text | ratio |")
    print("|---|---|---|---|")
    for name, path, text in cases:
        server = statistics.median(server_times(binary, path, text, runs))
        cli = statistics.median(cli_times(binary, path, runs))
        print(f"| {name} | {server * 1000:.1f} ms | {cli * 1000:.1f} ms | {server / cli:.2f}x |")


if __name__ == "__main__":
    main()
