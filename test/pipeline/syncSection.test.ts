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
  const dir = tempDir({ 'config.ini': ini });
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
    for (let i = 0; i < 20_000; i++) {
      produced++;
      maxAhead = Math.max(maxAhead, produced - oom.recordCount);
      yield { serial: `S${i}` };
    }
  }
  const stats = await syncSection(run, source(), opts);
  await close();
  await oom.close();
  expect(stats.pushed).toBe(20_000);
  expect(oom.recordCount).toBe(20_000);
  // Two chunks of 1,000 being transformed plus the batches in flight: independent of the 20,000 total.
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
