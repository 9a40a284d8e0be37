/**
 * Issue 11 #12: one record numbering everywhere (read order), records named by their sync_field values, and an
 * exact "... and N more" under the summary.
 */
import path from 'node:path';
import { loadConfig } from '../../src/config/loadConfig.js';
import { redactor } from '../../src/logging.js';
import { connectOomnitza, prepareSection } from '../../src/pipeline/prepareSection.js';
import { batchName, recordName } from '../../src/pipeline/recordName.js';
import { runOptions } from '../../src/pipeline/runOptions.js';
import { createRuntimes } from '../../src/pipeline/sectionRuntime.js';
import { SectionStats } from '../../src/pipeline/summary.js';
import { syncSection } from '../../src/pipeline/syncSection.js';
import { withRecordOrigin } from '../../src/recordOrigin.js';
import type { RawRecord } from '../../src/sources/types.js';
import { startFakeOomnitza, type FakeOomnitza } from '../support/fakeOomnitza.js';
import { tempDir } from '../helpers/runCli.js';

const unsafe = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

async function sync(oom: FakeOomnitza, records: RawRecord[], extra = ''): Promise<SectionStats> {
  const ini = `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n[csv_assets]\nenable = True\nfilename = unused.csv\n` +
    `sync_field = SERIAL_NUMBER\nmapping.SERIAL_NUMBER = serial\nmapping.NAME = {"source": "name", "required": true}\n${extra}`;
  const dir = tempDir({ 'config.ini': ini, 'unused.csv': 'serial\n' });
  const config = await loadConfig(path.join(dir, 'config.ini'), { sections: ['csv_assets'], requireEnabled: true });
  const signal = new AbortController().signal;
  // One worker: batches are pushed one after the other, so which ones fail is deterministic.
  const [rt] = createRuntimes(config, { signal, workers: 1 });
  const oomnitza = await connectOomnitza(config, false);
  try {
    const prepared = await prepareSection(rt, oomnitza, false);
    async function* source(): AsyncGenerator<RawRecord> {
      yield* records;
    }
    return await syncSection({ ...prepared, stats: rt.stats }, source(), runOptions({ testmode: false, saveData: false, workers: 1 }, signal));
  } finally {
    await rt.close();
    await oomnitza.client.close();
  }
}

const hosts = (n: number) => Array.from({ length: n }, (_, i) => ({ serial: `S${i + 1}`, name: `host-${i + 1}` }));

let oom: FakeOomnitza | undefined;
afterEach(async () => {
  await oom?.close();
  oom = undefined;
  redactor.clear();
});

describe('"... and N more" is exact', () => {
  test('300 failures in 3 listed batches: every one is accounted for, so there is no "more" line', async () => {
    oom = await startFakeOomnitza();
    oom.failBulk(401, 10);
    const stats = await sync(oom, hosts(300), 'batch_size = 100\n');
    expect(stats.failed).toBe(300);
    const details = stats.details();
    expect(details).toEqual([
      expect.stringMatching(/^ {2}failed 100 records from SERIAL_NUMBER="S1" \(record #1\) to SERIAL_NUMBER="S100" \(record #100\): .*HTTP 401/),
      expect.stringMatching(/^ {2}failed 100 records from SERIAL_NUMBER="S101" \(record #101\) to SERIAL_NUMBER="S200" \(record #200\): not sent: Oomnitza refused/),
      expect.stringMatching(/^ {2}failed 100 records from SERIAL_NUMBER="S201" \(record #201\) to SERIAL_NUMBER="S300" \(record #300\): not sent: Oomnitza refused/),
    ]);
  });

  test('300 records rejected one by one: the first 10 are listed and exactly 290 more are counted', async () => {
    const serials = hosts(300).map((h) => h.serial);
    oom = await startFakeOomnitza({ rejectRecords: { field: 'SERIAL_NUMBER', values: serials } });
    const stats = await sync(oom, hosts(300), 'batch_size = 100\n');
    expect(stats.failed).toBe(300);
    const details = stats.details();
    expect(details).toHaveLength(11);
    expect(details[0]).toMatch(/^ {2}failed SERIAL_NUMBER="S1" \(record #1\): .*HTTP 400.*invalid SERIAL_NUMBER/);
    expect(details[9]).toMatch(/^ {2}failed SERIAL_NUMBER="S10" \(record #10\): /);
    expect(details[10]).toBe('  ... and 290 more failed record(s)');
  });

  test('the count of the rest is in records, whatever mix of batches and single records is listed', () => {
    const stats = new SectionStats('s');
    stats.fail('batch A', 'x', 100);
    for (let i = 0; i < 9; i++) stats.fail(`r${i}`, 'y');
    stats.fail('batch B', 'z', 100);
    stats.fail('r10', 'y');
    for (let i = 0; i < 20; i++) stats.skip(`k${i}`, 'empty');
    const details = stats.details();
    expect(details.filter((l) => l.startsWith('  failed '))).toHaveLength(10);
    // Listed: batch A (100) and 9 single records; not listed: batch B (100) and r10 (1).
    expect(details).toContain('  ... and 101 more failed record(s)');
    expect(details).toContain('  ... and 10 more skipped record(s)');
  });
});

test('a failed batch names its records by read number, not by push order: skipped records in between keep their numbers', async () => {
  // Rejected whole (409 is not split), so each batch fails as one problem.
  oom = await startFakeOomnitza({ rejectRecords: { field: 'SERIAL_NUMBER', values: ['S1', 'S5'], status: 409 } });
  const records = hosts(6).map((h) => (h.serial === 'S2' || h.serial === 'S3' ? { ...h, name: '' } : h));
  const stats = await sync(oom, records, 'batch_size = 2\n');
  expect(stats.failures.map((f) => f.id)).toEqual([
    '2 records from SERIAL_NUMBER="S1" (record #1) to SERIAL_NUMBER="S4" (record #4)',
    '2 records from SERIAL_NUMBER="S5" (record #5) to SERIAL_NUMBER="S6" (record #6)',
  ]);
  expect(stats.skips.map((s) => s.id)).toEqual(['SERIAL_NUMBER="S2" (record #2)', 'SERIAL_NUMBER="S3" (record #3)']);
});

describe('record names', () => {
  test('sync_field values, read number and origin; without values, the number (and origin) alone', () => {
    const ref = { n: 5, origin: '/data/assets.csv:6' };
    expect(recordName({ SERIAL_NUMBER: 'C02XK1', NAME: 'x' }, ['SERIAL_NUMBER'], ref)).toBe('SERIAL_NUMBER="C02XK1" (record #5, /data/assets.csv:6)');
    expect(recordName({ SERIAL_NUMBER: 'C02XK1', ASSET_TAG: 77 }, ['SERIAL_NUMBER', 'ASSET_TAG'], { n: 5 })).toBe('SERIAL_NUMBER="C02XK1" ASSET_TAG=77 (record #5)');
    expect(recordName({ SERIAL_NUMBER: '' }, ['SERIAL_NUMBER'], ref)).toBe('record #5 (/data/assets.csv:6)');
    expect(recordName(undefined, ['SERIAL_NUMBER'], { n: 5 })).toBe('record #5');
  });

  test('a secret in a sync_field value is redacted; control characters and ANSI codes are escaped; length is capped', () => {
    redactor.add('hunter2-secret');
    const name = recordName({ USER: 'a\u001b[2J\n[csv] pulled 1 hunter2-secret', EMAIL: 'x'.repeat(500) }, ['USER', 'EMAIL'], { n: 1 });
    expect(name).not.toContain('hunter2-secret');
    expect(name).not.toMatch(unsafe);
    expect(name).toBe(`USER="a\\u001b[2J\\n[csv] pulled 1 ***" EMAIL="${'x'.repeat(60)}"...(440 more characters) (record #1)`);
  });

  test('a batch of one is named as its record', () => {
    const one = [{ payload: { SERIAL_NUMBER: 'S1' }, ref: { n: 3 } }];
    expect(batchName(one, ['SERIAL_NUMBER'])).toBe('SERIAL_NUMBER="S1" (record #3)');
  });

  test('the origin a source sets is hidden from the record: not a key, not in JSON, not copied by spreading', () => {
    const row = withRecordOrigin({ serial: 'S1' } as RawRecord, 'a.csv:2');
    expect(Object.keys(row)).toEqual(['serial']);
    expect(JSON.stringify(row)).toBe('{"serial":"S1"}');
    expect(Object.getOwnPropertySymbols({ ...row })).toEqual([]);
  });
});
