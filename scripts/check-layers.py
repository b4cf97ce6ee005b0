#!/usr/bin/env python3
"""Checks that src/ modules import only their own layer or lower ones.

The pipeline, bottom up (a module may use anything in its own layer or
below, never above):

  0  source, read, diagnostic,     positions, capped reads, findings,
     edit                          fixes as tree edits
  1  loader                        text to a tree with spans
  2  model                         states, scopes, expressions
  3  graph, dataflow, catalog      the graph per scope; what flows along
                                   it; the resource and service data
  4  cost                          the estimate
  5  rules, rule_options          the checks, and what options they declare
  6  config, suppression           settings and what silences findings
  7  discovery                     which files to lint
  8  engine, fix                   the driver; fixes applied and written
  9  render, baseline, reaper      reports, the baseline over them, the
                                   generated reaper template
 10  cli, lib, main, lsp           the command line and the language server

Prints every upward import and exits 1 when there is one.
"""

import re
import sys
from pathlib import Path

LAYERS = [
    {"source", "read", "diagnostic", "edit"},
    {"loader"},
    {"model"},
    {"graph", "dataflow", "catalog"},
    {"cost"},
    {"rules", "rule_options"},
    {"config", "suppression"},
    {"discovery"},
    {"engine", "fix"},
    {"render", "baseline", "reaper"},
    {"cli", "lib", "main", "lsp"},
]
LEVEL = {m: i for i, layer in enumerate(LAYERS) for m in layer}
USE = re.compile(r"\bcrate::([a-z_]+)")


def module_of(path: Path, src: Path) -> str:
    rel = path.relative_to(src)
    return rel.parts[0].removesuffix(".rs")


def main() -> int:
    src = Path(__file__).resolve().parent.parent / "src"
    problems = []
    for path in sorted(src.rglob("*.rs")):
        here = module_of(path, src)
        if here not in LEVEL:
            problems.append(f"{path.relative_to(src.parent)}: module `{here}` has no layer")
            continue
        text = path.read_text()
        # Test modules may reach anywhere.
        text = text.split("#[cfg(test)]")[0]
        for n, line in enumerate(text.splitlines(), 1):
            if line.lstrip().startswith("//"):
                continue
            for used in USE.findall(line):
                if used in LEVEL and LEVEL[used] > LEVEL[here]:
                    problems.append(
                        f"{path.relative_to(src.parent)}:{n}: `{here}` (layer {LEVEL[here]}) "
                        f"uses `{used}` (layer {LEVEL[used]})"
                    )
    for p in problems:
        print(p)
    print(f"{len(problems)} upward imports")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
