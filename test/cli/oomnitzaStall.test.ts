/**
 * An Oomnitza that accepts connections and never answers (issue 11, defect 3): the run is bounded by the
 * [oomnitza] request settings and the breaker, SIGTERM stops the sending within stop_grace, and every record
 * that was not delivered is counted and named in the summary (exit 1).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startFakeOomnitza, type FakeOomnitza } from '../support/fakeOomnitza.js';
import { repoRoot, runCli, tempDir } from '../helpers/runCli.js';

const bulkPosts = (oom: FakeOomnitza) => oom.log.filter((l) => l === 'POST /api/v3/bulk').length;

function configFor(oom: FakeOomnitza, oomnitzaExtra: string, rows: number): Record<string, string> {
  const ini = `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n${oomnitzaExtra}\n` +
    '[csv_assets]\nenable = True\nfilename = a.csv\nsync_field = SERIAL_NUMBER\nbatch_size = 10\nmapping.SERIAL_NUMBER = serial\n';
  const csv = `serial,name\n${Array.from({ length: rows }, (_, i) => `S${i},n${i}`).join('\n')}\n`;
  return { 'config.ini': ini, 'a.csv': csv };
}

/** pulled, pushed and failed of the section's summary line, and the line itself. */
function summaryOf(stderr: string): { pulled: number; pushed: number; failed: number; line: string } {
  const line = /^.*\[csv_assets\] pulled \d+.*$/m.exec(stderr)?.[0];
  expect(line).toBeDefined();
  const [pulled, pushed, failed] = /pulled (\d+), filtered out 0, skipped 0, pushed (\d+), failed (\d+)/.exec(line!)!.slice(1).map(Number);
  return { pulled, pushed, failed, line: line! };
}

test('a stalled Oomnitza (timeout = 1, stop_after_timeouts = 2) ends a 10-batch run in seconds: every record failed, exit 1', async () => {
  const oom = await startFakeOomnitza({ stallBulksAfter: 0 });
  try {
    const dir = tempDir(configFor(oom, 'timeout = 1\nretries = 0\nstop_after_timeouts = 2\n', 100));
    const started = Date.now();
    const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini', '--workers', '1'], { cwd: dir, timeoutMs: 40_000 });
    const seconds = (Date.now() - started) / 1000;
    expect(res.code).toBe(1);
    // Two pushes time out (1 s each); the other 8 batches are never sent. Without the breaker: 10 pushes; without
    // the settings, 60 s x 6 tries per batch. (The bound is loose: starting node takes seconds on a busy machine.)
    expect(bulkPosts(oom)).toBe(2);
    expect(seconds).toBeLessThan(30);
    const s = summaryOf(res.stderr);
    expect(s).toMatchObject({ pulled: 100, pushed: 0, failed: 100 });
    // Not stopped early: the read goes on, the batches go to the spool while the breaker is open.
    expect(s.line).not.toContain('(stopped early)');
    expect(s.line).toMatch(/FAILED: Oomnitza stopped answering \(timeout = 1 s, retries = 0, stop_after_timeouts = 2\): 2 batches in a row got no answer; the last: .*timed out after 1000 ms/);
    // Record-level: the two timed-out batches with their error, the rest with the reason they were not sent.
    expect(res.stderr).toMatch(/failed 10 records from SERIAL_NUMBER=\"S0\" \(record #1, .*\) to SERIAL_NUMBER=\"S9\" \(record #10, .*\): .*timed out after 1000 ms/);
    expect(res.stderr).toMatch(/failed 10 records from SERIAL_NUMBER=\"S20\" \(record #21, .*\): not sent: Oomnitza stopped answering/);
    expect(oom.finalized).toEqual([]);
  } finally {
    await oom.close();
  }
}, 45_000);

test('SIGTERM while pushes hang: no further batch is sent, the hanging ones are aborted after stop_grace, the rest is reported', async () => {
  // Two batches are accepted, then Oomnitza stops answering; timeout = 30 s, so only stop_grace (1 s) can end the run early.
  const oom = await startFakeOomnitza({ stallBulksAfter: 2 });
  try {
    const dir = tempDir(configFor(oom, 'timeout = 30\nstop_grace = 1\n', 20_000));
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/connector'), 'upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    while (oom.stalledBulks < 2) await new Promise((r) => setTimeout(r, 20));
    const postsAtSignal = bulkPosts(oom);
    const signaled = Date.now();
    child.kill('SIGTERM');
    const code = await exited;
    const seconds = (Date.now() - signaled) / 1000;
    expect(code).toBe(1);
    // Bounded by stop_grace (1 s), not by timeout x retries (30 s x 6).
    expect(seconds).toBeLessThan(15);
    // Nothing was sent after the signal: the two accepted batches and the two hanging ones.
    expect(postsAtSignal).toBe(4);
    expect(bulkPosts(oom)).toBe(4);
    expect(stderr).toMatch(/SIGTERM received: finishing batches in flight within \[oomnitza\] stop_grace, sending no further batch/);
    const s = summaryOf(stderr);
    // Reading stopped, and every record read is pushed or reported: the 20 accepted ones arrived, once.
    expect(s.pulled).toBeLessThan(20_000);
    expect(s.pushed).toBe(20);
    expect(oom.records()).toHaveLength(20);
    expect(s.pushed + s.failed).toBe(s.pulled);
    expect(s.line).toContain('(stopped early: SIGTERM)');
    expect(s.line).toMatch(/FAILED: portion \S+ was not finalized: stopped early: SIGTERM, and \[oomnitza\] stop_grace \(1 s\) ran out/);
    expect(stderr).toMatch(/failed 10 records from SERIAL_NUMBER=\"S\d+\" \(record #\d+, [^)]*\) to SERIAL_NUMBER=\"S\d+\" \(record #\d+, [^)]*\): not sent: stopped early: SIGTERM\n/);
    expect(oom.finalized).toEqual([]);
  } finally {
    await oom.close();
  }
}, 30_000);

test.each([
  ['timeout', '0', '0 is below the minimum 1'],
  ['timeout', '3601', '3601 is above the maximum 3600'],
  ['timeout', '1.5', '"1.5" is not a whole number'],
  ['connect_timeout', '0', '0 is below the minimum 1'],
  ['retries', '-1', '-1 is below the minimum 0'],
  ['retries', '21', '21 is above the maximum 20'],
  ['stop_after_timeouts', '0', '0 is below the minimum 1'],
  ['stop_grace', '301', '301 is above the maximum 300'],
  ['stop_grace', 'soon', '"soon" is not a whole number'],
])('[oomnitza] %s = %s is a config error naming file:line and the key (exit 2)', async (key, value, message) => {
  const ini = `[oomnitza]\nurl = http://127.0.0.1:1\napi_token = t0ken-123456\n${key} = ${value}\n\n` +
    '[csv_assets]\nenable = True\nfilename = a.csv\nmapping.SERIAL_NUMBER = serial\n';
  const dir = tempDir({ 'config.ini': ini, 'a.csv': 'serial\nS1\n' });
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir });
  expect(res.stderr).toContain(`config.ini:4: [oomnitza] ${key}: ${message}`);
  expect(res.code).toBe(2);
});
