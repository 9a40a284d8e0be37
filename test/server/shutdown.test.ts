/**
 * Issue 11 #15: a stop is bounded by --drain-timeout whatever Jamf and Oomnitza do, and its `stopped:` line counts
 * every device it could not sync (exit code 1 then).
 */
import { captureLogs } from '../http/logCapture.js';
import { startHarness, waitFor, webhook, type Harness } from './harness.js';

let h: Harness | undefined;
let logs: ReturnType<typeof captureLogs> | undefined;
afterEach(async () => {
  logs?.stop();
  logs = undefined;
  await h?.close();
  h = undefined;
});

const stoppedLine = () => logs!.lines.map((l) => l.message).find((m) => m.startsWith('stopped:')) ?? '';

test('a Jamf that hangs: the stop ends within --drain-timeout, aborts the fetches, names every device lost, exits 1', async () => {
  h = await startHarness({ jamf: { computers: 10 }, workers: 2, tuning: { drainTimeoutMs: 800, coalesceMs: 10 } });
  // One device synced first, so the section holds a Jamf session whose logout will hang too.
  expect((await h.post('/casper', webhook('ComputerAdded', 1))).status).toBe(204);
  await waitFor(() => h!.oom.records('Casper').length === 1);
  h.jamf.stall();
  for (const id of [2, 3, 4, 5, 6, 7]) expect((await h.post('/casper', webhook('ComputerCheckIn', id))).status).toBe(204);
  await waitFor(async () => {
    const s = await h!.health();
    return s.fetching === 2 && s.waiting === 4;
  });
  logs = captureLogs();
  const started = Date.now();
  const code = await h.stop();
  const took = Date.now() - started;
  expect(code).toBe(1);
  expect(took).toBeGreaterThanOrEqual(500);
  expect(took).toBeLessThan(800 + 400);
  const line = stoppedLine();
  expect(line).toMatch(/1 device\(s\) pushed, 0 failed, 4 dropped \(still queued\), 2 not sent \(fetch or push cut short\)/);
  expect(line).toContain('(stopped early: --drain-timeout of 0.8 s ran out)');
  for (const id of [2, 3, 4, 5, 6, 7]) expect(line).toMatch(new RegExp(`computer ${id}\\b`));
  expect(logs.lines.find((l) => l.message.startsWith('stopped:'))?.level).toBe('error');
}, 10_000);

test('an Oomnitza that does not answer the last push: the push is aborted in time and counted as not sent', async () => {
  h = await startHarness({ oomnitza: { bulkLatencyMs: 3_000 }, tuning: { drainTimeoutMs: 600, coalesceMs: 10, batchWindowMs: 20 } });
  for (const id of [1, 2]) expect((await h.post('/casper', webhook('ComputerAdded', id))).status).toBe(204);
  await waitFor(async () => (await h!.health()).sections.casper.fetched === 2);
  logs = captureLogs();
  const started = Date.now();
  expect(await h.stop()).toBe(1);
  expect(Date.now() - started).toBeLessThan(600 + 400);
  const line = stoppedLine();
  expect(line).toMatch(/0 device\(s\) pushed, 0 failed, 0 dropped \(still queued\), 2 not sent/);
  expect(line).toMatch(/not synced: computer [12], computer [12]$/);
}, 10_000);

test('a stop with nothing lost still exits 0 and says so', async () => {
  h = await startHarness({ tuning: { coalesceMs: 60_000, batchWindowMs: 60_000, drainTimeoutMs: 5_000 } });
  expect((await h.post('/casper', webhook('ComputerAdded', 1))).status).toBe(204);
  logs = captureLogs();
  expect(await h.stop()).toBe(0);
  expect(stoppedLine()).toMatch(/1 device\(s\) pushed, 0 failed, 0 dropped \(still queued\), 0 not sent \(fetch or push cut short\), 0 filtered out, 0 skipped, 0 fetch retries$/);
});
