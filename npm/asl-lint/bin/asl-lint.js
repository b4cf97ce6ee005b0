#!/usr/bin/env node
// Runs the asl-lint binary from the platform package npm installed beside
// this one (@asl-lint/cli-<platform>-<arch>, an optional dependency), with
// the same arguments, standard streams and exit status.
"use strict";

const { spawnSync } = require("child_process");
const manifest = require("../package.json");

const platform = `${process.platform}-${process.arch}`;
const pkg = `@asl-lint/cli-${platform}`;
const exe = process.platform === "win32" ? "asl-lint.exe" : "asl-lint";

function fail(message) {
  process.stderr.write(`asl-lint (npm launcher): ${message}\n`);
  process.exit(2);
}

let binary;
try {
  binary = require.resolve(`${pkg}/bin/${exe}`);
} catch (_) {
  const known = Object.keys(manifest.optionalDependencies || {});
  if (!known.includes(pkg)) {
    const built = known.map((name) => name.replace("@asl-lint/cli-", "")).join(", ");
    fail(
      `no prebuilt binary for ${platform} (there are: ${built}). ` +
        "Install from source with Rust instead: cargo install --locked asl-lint"
    );
  }
  fail(
    `the package ${pkg}, which holds the binary for this machine, is not installed. ` +
      "npm installs it as an optional dependency of asl-lint: install again without " +
      "--omit=optional (or --no-optional), e.g. `npm install --save-dev asl-lint`."
  );
}

const run = spawnSync(binary, process.argv.slice(2), { stdio: "inherit", windowsHide: true });
if (run.error) {
  fail(`could not run ${binary}: ${run.error.message}`);
}
if (run.signal) {
  // End the same way the binary did, so that a shell sees the signal.
  process.kill(process.pid, run.signal);
}
process.exit(run.status === null ? 1 : run.status);
