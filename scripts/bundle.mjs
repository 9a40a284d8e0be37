// Bundles the CLI that bin/connector starts (run by `npm run build`, after tsc): tsc's output in dist/src is ~130
// modules for an upload, and Node's ESM loader spends ~0.3 ms on each (resolve, stat, read, compile, link) before
// the first request goes out. One entry file plus one chunk per lazily imported part (`import()` stays lazy:
// sources, secrets backends, commands) took ~45 ms off every upload's start (bench/README.md, issue 19).
//
// Only our code is bundled; packages stay external, loaded from node_modules as before. Every output file lands in
// dist/src itself, next to src/builtFiles.ts's output: the files loaded by path (worker scripts, package.json) are
// found from there, bundled or not. tsc stays the compiler and type checker; this only joins its output.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist/src');
const PREFIX = 'connector.bundle';

// The chunks of an earlier build have other hashes: remove them, so that dist/src holds only what this build made.
for (const f of fs.readdirSync(outdir)) if (f.startsWith(`${PREFIX}.`) || f.startsWith(`${PREFIX}-`)) fs.rmSync(path.join(outdir, f));

await build({
  // bin/connector loads `.early` first, then the CLI: they share one copy of what both import (the sandbox's worker
  // handle, which keeps the worker started early for the CLI to take).
  entryPoints: { [PREFIX]: path.join(outdir, 'cli/connector.js'), [`${PREFIX}.early`]: path.join(outdir, 'cli/earlyStart.js') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  chunkNames: `${PREFIX}-[hash]`,
  // tsc's source maps are read and carried through, so a stack still points at src/*.ts.
  sourcemap: 'linked',
  logLevel: 'warning',
});
