/**
 * bin/connector started as an admin starts it (the file itself, through its `#!/usr/bin/env -S node ...` line, not
 * `node bin/connector`): it must start at all on this system's `env`, and Node must get the launcher's flags
 * (--liftoff-only and MALLOC_ARENA_MAX=2 keep the peak RSS down: bin/connector, bench/README.md). A preload given in NODE_OPTIONS writes
 * the process's execArgv, which holds what the shebang passed.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, tempDir } from '../helpers/runCli.js';

function runLauncher(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(repoRoot, 'bin', 'connector'), args, {
      cwd: repoRoot,
      // `env node` finds the node running these tests first.
      env: { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

function recorder(dir: string): { env: Record<string, string>; seen: () => { execArgv: string[]; arenas?: string } } {
  const out = path.join(dir, 'execArgv.json');
  const preload = path.join(dir, 'record.mjs');
  fs.writeFileSync(preload, `import fs from 'node:fs';\nfs.writeFileSync(${JSON.stringify(out)}, JSON.stringify({ execArgv: process.execArgv, arenas: process.env.MALLOC_ARENA_MAX }));\n`);
  return { env: { NODE_OPTIONS: `--import ${preload}` }, seen: () => JSON.parse(fs.readFileSync(out, 'utf8')) as { execArgv: string[]; arenas?: string } };
}

test('the launcher starts the CLI with --liftoff-only and two malloc arenas', async () => {
  const dir = tempDir();
  const { env, seen } = recorder(dir);
  const r = await runLauncher(['version'], env);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  expect(seen().execArgv).toContain('--liftoff-only');
  expect(seen().arenas).toBe('2');
});

test("README's first sync runs through the launcher: the sandbox (QuickJS) works under the launcher's flags", async () => {
  const r = await runLauncher(['upload', 'csv_assets', '--ini', 'examples/config.ini', '--testmode'], {});
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/pulled 5, filtered out 1, skipped 1, printed \(testmode\) 3, failed 0/);
  // The converters ran in the sandbox: "In use" comes from status_label.
  expect(r.stdout).toContain('"STATUS": "In use"');
});
