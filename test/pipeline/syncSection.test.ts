/** The pipeline in-process: back-pressure on the source, and the cancel check. */
import path from 'node:path';
import { loadConfig } from '../../src/config/loadConfig.js';
import { connectOomnitza, prepareSection } from '../../src/pipeline/prepareSection.js';
import { runOptions } from '../../src/pipeline/runOptions.js';
import { createRuntimes } from '../../src/pipeline/sectionRuntime.js';
import { syncSection } from '../../src/pipeline/syncSection.js';
import type { RawRecord } from '../../src/sources/types.js';
import { startFakeOomnitza, type FakeOomnitza } from '../support/fakeOomnitza.js';
import { tempDir } from '../helpers/runCli.js';

async function setup(oom: FakeOomnitza, workers: number) {
  const ini = `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n[csv_assets]\nenable = True\nfilename = unused.csv\nbatch_size = 10\nmapping.SERIAL_NUMBER = serial\n`;
  const dir = tempDir({ 'config.ini': ini, 'unused.csv': 'serial\n' });
  const config = await loadConfig(path.join(dir, 'config.ini'), { sections: ['csv_assets'], requireEnabled: true });
  const signal = new AbortController().signal;
  const [rt] = createRuntimes(config, { signal, workers });
  const oomnitza = await connectOomnitza(config, false);
  const prepared = await prepareSection(rt, oomnitza, false);
  const run = { ...prepared, stats: rt.stats };
  const close = async () => {
    await rt.close();
    await oomnitza.client.close();
  };
  return { run, signal, close, opts: runOptions({ testmode: false, saveData: false, workers }, signal) };
}

test('memory is bounded: the source is never read far ahead of what has been pushed', async () => {
  const oom = await startFakeOomnitza({ bulkLatencyMs: 5, countOnly: true });
  const { run, opts, close } = await setup(oom, 2);
  let produced = 0;
  let maxAhead = 0;
  async function* source(): AsyncGenerator<RawRecord> {
    for (let i = 0; i < 8_000; i++) {
      produced++;
      maxAhead = Math.max(maxAhead, produced - oom.recordCount);
      yield { serial: `S${i}` };
    }
  }
  const stats = await syncSection(run, source(), opts);
  await close();
  await oom.close();
  expect(stats.pushed).toBe(8_000);
  expect(oom.recordCount).toBe(8_000);
  // Two chunks of 1,000 being transformed plus the batches in flight: independent of the 8,000 total (an unbounded read would run 8,000 ahead).
  expect(maxAhead).toBeLessThanOrEqual(2 * 1000 + 2 * 10 + 1000);
});

test('a run canceled by an admin in Oomnitza stops reading and says so', async () => {
  const oom = await startFakeOomnitza({ cancelAfterBulks: 3 });
  const { run, opts, close } = await setup(oom, 1);
  async function* slow(): AsyncGenerator<RawRecord> {
    for (let i = 0; i < 100_000; i++) {
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 5));
      yield { serial: `S${i}` };
    }
  }
  const stats = await syncSection(run, slow(), { ...opts, cancelCheckMs: 20 });
  await close();
  await oom.close();
  expect(stats.canceled).toBe(true);
  expect(stats.pulled).toBeLessThan(100_000);
  expect(stats.pushed + stats.failed).toBe(stats.pulled);
});

/** The bulk POSTs the fake received (accepted or not). */
const bulkPosts = (oom: FakeOomnitza) => oom.log.filter((l) => l === 'POST /api/v3/bulk').length;

async function* serials(n: number): AsyncGenerator<RawRecord> {
  for (let i = 0; i < n; i++) yield { serial: `S${i}` };
}

test.each([401, 403])('after Oomnitza answers %i, no further batch is POSTed and every unsent record is failed with the cause', async (status) => {
  const oom = await startFakeOomnitza({ bulkLatencyMs: 20 });
  const { run, opts, close } = await setup(oom, 2);
  oom.failBulk(status, 10_000);
  const stats = await syncSection(run, serials(5000), opts);
  await close();
  await oom.close();
  // Only the batches already in flight when the first refusal arrived (one per worker) were sent.
  expect(bulkPosts(oom)).toBeLessThanOrEqual(2);
  expect(stats.pushed).toBe(0);
  expect(stats.failed).toBe(stats.pulled);
  expect(stats.fatal).toMatch(new RegExp(`Oomnitza refused the request: .*${status}`));
  expect(stats.failures.length).toBeGreaterThan(0);
  // The batches in flight fail with the HTTP error; the ones queued behind them name it as the reason they were not sent.
  for (const f of stats.failures) expect(f.reason).toMatch(new RegExp(`HTTP ${status}`));
  expect(stats.failures.some((f) => f.reason.startsWith('not sent: Oomnitza refused the request'))).toBe(true);
  expect(oom.finalized).toEqual([]);
});

test('records the pipeline lost (the sandbox died mid-run) are counted as failed, not silently dropped', async () => {
  const oom = await startFakeOomnitza();
  const { run, opts, close } = await setup(oom, 2);
  const sandbox = { run: async () => Promise.reject(new Error('sandbox worker exited')), close: async () => undefined };
  const stats = await syncSection({ ...run, mappings: { SERIAL_NUMBER: { source: 'serial', converter: 'my_custom' } }, sandbox }, serials(2500), opts);
  await close();
  await oom.close();
  expect(stats.pulled).toBe(2500);
  expect(stats.pushed).toBe(0);
  expect(stats.failed).toBe(2500);
  expect(stats.failures).toContainEqual({ id: '2500 record(s) not sent', reason: expect.stringContaining('sandbox worker exited'), count: 2500 });
});
