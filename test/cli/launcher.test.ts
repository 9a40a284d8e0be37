/**
 * bin/connector started as an admin starts it (the file itself, through its `#!/usr/bin/env -S node ...` line, not
 * `node bin/connector`): it must start at all on this system's `env`, and Node must get the launcher's flags
 * (--liftoff-only and MALLOC_ARENA_MAX=2 keep the peak RSS down, --v8-pool-size=1 the contention for 2 cores: bin/connector,
 * bench/README.md). A preload given in NODE_OPTIONS writes
 * the process's execArgv, which holds what the shebang passed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runCli, tempDir } from '../helpers/runCli.js';

function recorder(dir: string): { env: Record<string, string>; seen: () => { execArgv: string[]; arenas?: string } } {
  const out = path.join(dir, 'execArgv.json');
  const preload = path.join(dir, 'record.mjs');
  fs.writeFileSync(preload, `import fs from 'node:fs';\nfs.writeFileSync(${JSON.stringify(out)}, JSON.stringify({ execArgv: process.execArgv, arenas: process.env.MALLOC_ARENA_MAX }));\n`);
  return { env: { NODE_OPTIONS: `--import ${preload}` }, seen: () => JSON.parse(fs.readFileSync(out, 'utf8')) as { execArgv: string[]; arenas?: string } };
}

test('the launcher starts the CLI with --liftoff-only, one V8 background thread and two malloc arenas', async () => {
  const dir = tempDir();
  const { env, seen } = recorder(dir);
  const r = await runCli(['version'], { env, viaShebang: true });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  expect(seen().execArgv).toContain('--liftoff-only');
  expect(seen().execArgv).toContain('--v8-pool-size=1');
  expect(seen().arenas).toBe('2');
});

test("README's first sync runs through the launcher: the sandbox (QuickJS) works under the launcher's flags", async () => {
  const r = await runCli(['upload', 'csv_assets', '--ini', 'examples/config.ini', '--testmode'], { viaShebang: true });
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/pulled 5, filtered out 1, skipped 1, printed \(testmode\) 3, failed 0/);
  // The converters ran in the sandbox: "In use" comes from status_label.
  expect(r.stdout).toContain('"STATUS": "In use"');
});
