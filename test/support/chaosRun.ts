/** Shared by the process-fault chaos tests: a CSV section of 5,000 serials, a spawned upload signalled mid-run, the spool. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { DeadLetterSpool } from '../../src/spool/deadLetterSpool.js';
import type { FakeOomnitza } from './fakeOomnitza.js';
import { repoRoot, tempDir } from '../helpers/runCli.js';

export const ROWS = 5000;
export const all = Array.from({ length: ROWS }, (_, i) => `S${i}`);

export function setup(oom: FakeOomnitza): string {
  const ini = `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\nretries = 0\nspool_dir = dead\n\n` +
    '[csv_assets]\nenable = True\nfilename = a.csv\nsync_field = SERIAL_NUMBER\nbatch_size = 10\nmapping.SERIAL_NUMBER = serial\n';
  return tempDir({ 'config.ini': ini, 'a.csv': `serial\n${all.join('\n')}\n` });
}

/** Starts `connector upload`, sends `signal` once Oomnitza has `afterBulks` batches; resolves with exit code and stderr. */
export async function interrupted(dir: string, oom: FakeOomnitza, signal: NodeJS.Signals, afterBulks: number, section = 'csv_assets'): Promise<{ code: number | null; stderr: string; pid: number }> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/connector'), 'upload', section, '--ini', 'config.ini', '--workers', '3', '--report', 'report.json'], {
    cwd: dir,
    env: { ...process.env, NO_PROXY: '127.0.0.1,localhost' },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  while (oom.bulkRequests.length < afterBulks) await new Promise((r) => setTimeout(r, 10));
  child.kill(signal);
  return { code: await exited, stderr, pid: child.pid! };
}

export async function spooled(dir: string): Promise<{ serials: string[]; unreadable: unknown[] }> {
  const { batches, unreadable } = await new DeadLetterSpool(path.join(dir, 'dead')).batches('csv_assets');
  return { serials: batches.flatMap((b) => b.entry.records.map((r) => String(r.SERIAL_NUMBER))), unreadable };
}

export const accepted = (oom: FakeOomnitza) => oom.records().map((r) => String(r.SERIAL_NUMBER));

