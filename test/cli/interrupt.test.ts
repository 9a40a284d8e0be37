/** Ctrl-C during a run: stop reading, send no further batch, finish the batches in flight, finalize, print the summary. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startFakeOomnitza } from '../support/fakeOomnitza.js';
import { repoRoot, tempDir } from '../helpers/runCli.js';

test('SIGINT stops reading and sending, lets in-flight batches finish, finalizes and names what was not sent (exit 1)', async () => {
  const oom = await startFakeOomnitza({ bulkLatencyMs: 150 });
  try {
    const rows = Array.from({ length: 20000 }, (_, i) => `S${i},n${i}`).join('\n');
    const ini = `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n[csv_assets]\nenable = True\nfilename = a.csv\nsync_field = SERIAL_NUMBER\nbatch_size = 10\nmapping.SERIAL_NUMBER = serial\n`;
    const dir = tempDir({ 'config.ini': ini, 'a.csv': `serial,name\n${rows}\n` });
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/connector'), 'upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    const bulkPosts = () => oom.log.filter((l) => l === 'POST /api/v3/bulk').length;
    while (oom.bulkRequests.length < 2) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    // Counted once the child has taken the signal: from then on it starts no batch.
    while (!stderr.includes('SIGINT received')) await new Promise((r) => setTimeout(r, 10));
    const postsAtSignal = bulkPosts();
    const code = await exited;
    expect(code).toBe(1);
    expect(stderr).toMatch(/SIGINT received: finishing batches in flight/);
    // No batch is started after the signal: only those already on their way (at most one per worker) may be logged late.
    expect(bulkPosts()).toBeLessThanOrEqual(postsAtSignal + 2);
    expect(stderr).toMatch(/: not sent: stopped early: SIGINT\n/);
    const summary = /\[csv_assets\] pulled (\d+), filtered out 0, skipped 0, pushed (\d+), failed (\d+).*\(stopped early: SIGINT\)/.exec(stderr);
    expect(summary).not.toBeNull();
    const [pulled, pushed, failed] = summary!.slice(1).map(Number);
    expect(pulled).toBeLessThan(20000);
    // Every record read was either pushed or reported; what was pushed really arrived, once.
    expect(pushed + failed).toBe(pulled);
    expect(oom.records()).toHaveLength(pushed);
    expect(oom.finalized).toHaveLength(1);
  } finally {
    await oom.close();
  }
});
