/** Runs the built CLI as a child process, as an admin's cron job would. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const connectorBin = path.join(repoRoot, 'bin', 'connector');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  opts: {
    cwd?: string; env?: Record<string, string>; input?: string; bin?: string; timeoutMs?: number;
    /** Run the file itself, through its `#!` line (as an admin's shell does), with this node first on PATH. */
    viaShebang?: boolean;
  } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const bin = opts.bin ?? connectorBin;
    const PATH = `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`;
    const child = spawn(opts.viaShebang ? bin : process.execPath, opts.viaShebang ? args : [bin, ...args], {
      cwd: opts.cwd ?? repoRoot,
      env: { ...process.env, NO_PROXY: '127.0.0.1,localhost', ...(opts.viaShebang ? { PATH } : {}), ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** A temp directory with the given files; returns its path. */
export function tempDir(files: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'connector-test-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}
