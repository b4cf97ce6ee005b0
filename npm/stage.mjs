#!/usr/bin/env node
// Lays out the npm packages, ready for `npm pack` / `npm publish`:
//
//   node npm/stage.mjs launcher OUT_DIR
//       the `asl-lint` launcher (npm/asl-lint), its version and the versions
//       of its optional platform packages set to Cargo.toml's
//   node npm/stage.mjs platform BINARY TARGET_TRIPLE OUT_DIR
//       @asl-lint/cli-<os>-<cpu> from the template in npm/platform, holding
//       BINARY as bin/asl-lint (bin/asl-lint.exe on Windows)
//
// The version is Cargo.toml's unless ASL_LINT_VERSION says otherwise. Both
// commands print the folder they wrote.
import { chmodSync, copyFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);

// The platforms the release workflow builds; the launcher lists one optional
// dependency for each.
const PLATFORMS = ["darwin-arm64", "darwin-x64", "linux-arm64", "linux-x64", "win32-x64"];

function die(message) {
  process.stderr.write(`stage.mjs: ${message}\n`);
  process.exit(1);
}

function version() {
  if (process.env.ASL_LINT_VERSION) return process.env.ASL_LINT_VERSION.replace(/^v/, "");
  const cargo = readFileSync(join(root, "Cargo.toml"), "utf8");
  const match = cargo.match(/^\[package\][^[]*?^version\s*=\s*"([^"]+)"/ms);
  if (!match) die("no version in Cargo.toml's [package]");
  return match[1];
}

// x86_64-unknown-linux-musl -> { os: "linux", cpu: "x64" }
function platformOf(target) {
  const [arch] = target.split("-");
  const cpu = { x86_64: "x64", aarch64: "arm64" }[arch];
  const os = target.includes("-linux-")
    ? "linux"
    : target.includes("-apple-darwin")
      ? "darwin"
      : target.includes("-windows-")
        ? "win32"
        : undefined;
  if (!cpu || !os) die(`no npm platform for the target ${target}`);
  if (!PLATFORMS.includes(`${os}-${cpu}`)) die(`${os}-${cpu} is not in PLATFORMS`);
  return { os, cpu };
}

function licenses(out) {
  for (const name of ["LICENSE-MIT", "LICENSE-APACHE"]) copyFileSync(join(root, name), join(out, name));
}

function launcher(out) {
  const v = version();
  const manifest = JSON.parse(readFileSync(join(here, "asl-lint", "package.json"), "utf8"));
  const listed = Object.keys(manifest.optionalDependencies).sort();
  const expected = PLATFORMS.map((p) => `@asl-lint/cli-${p}`).sort();
  if (JSON.stringify(listed) !== JSON.stringify(expected)) {
    die(`npm/asl-lint/package.json lists ${listed.join(", ")}; PLATFORMS gives ${expected.join(", ")}`);
  }
  manifest.version = v;
  for (const name of listed) manifest.optionalDependencies[name] = v;
  mkdirSync(out, { recursive: true });
  cpSync(join(here, "asl-lint"), out, { recursive: true });
  writeFileSync(join(out, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  chmodSync(join(out, "bin", "asl-lint.js"), 0o755);
  licenses(out);
  return out;
}

function platform(binary, target, out) {
  const v = version();
  const { os, cpu } = platformOf(target);
  const fill = (text) => text.replaceAll("@OS@", os).replaceAll("@CPU@", cpu).replaceAll("@VERSION@", v);
  mkdirSync(join(out, "bin"), { recursive: true });
  for (const name of ["package.json", "README.md"]) {
    writeFileSync(join(out, name), fill(readFileSync(join(here, "platform", name), "utf8")));
  }
  JSON.parse(readFileSync(join(out, "package.json"), "utf8"));
  const exe = os === "win32" ? "asl-lint.exe" : "asl-lint";
  copyFileSync(binary, join(out, "bin", exe));
  chmodSync(join(out, "bin", exe), 0o755);
  licenses(out);
  return out;
}

const [command, ...args] = process.argv.slice(2);
if (command === "launcher" && args.length === 1) {
  console.log(launcher(args[0]));
} else if (command === "platform" && args.length === 3) {
  console.log(platform(...args));
} else {
  die("usage: stage.mjs launcher OUT_DIR | stage.mjs platform BINARY TARGET_TRIPLE OUT_DIR");
}
