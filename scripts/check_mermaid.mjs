// Parses every ```mermaid block of a Markdown file with Mermaid's own parser
// (mermaid.parse, in jsdom for the DOM it expects). Exits 1 when a block
// does not parse. Run from a folder whose node_modules holds mermaid and
// jsdom (NODE_PATH), as tests/step_summary.rs does.
//
//   node scripts/check_mermaid.mjs FILE.md
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(path.join(process.env.ASL_LINT_MERMAID ?? process.cwd(), 'x.js'));
const { JSDOM } = require('jsdom');
const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.DOMParser = dom.window.DOMParser;
const { default: mermaid } = await import(require.resolve('mermaid'));
mermaid.initialize({ startOnLoad: false });

const text = fs.readFileSync(process.argv[2], 'utf8');
const blocks = [...text.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]);
let invalid = 0;
for (const block of blocks) {
  try {
    await mermaid.parse(block);
  } catch (e) {
    invalid += 1;
    console.log(`invalid: ${String(e.message ?? e).split('\n')[0]}\n${block}`);
  }
}
console.log(`${blocks.length} diagrams, ${invalid} invalid`);
process.exit(invalid ? 1 : 0);
