/**
 * Offboarding end to end on CSV (issue 20): upload() in process against the fake Oomnitza. A record missing from two
 * complete runs is retired once (update-only, the retire mapping, in the run's portion before finalize); partial
 * runs never retire; retire_max holds a mass retirement until `connector retire --confirm N`; a returning record is
 * pushed again and its state reset; a damaged state retires nothing and is rebuilt.
 */
import fs from 'node:fs';
import path from 'node:path';
import { retire } from '../../src/cli/retire.js';
import { readEntries, readTrailer } from '../../src/offboarding/stateFile.js';
import { startFakeOomnitza, type FakeOomnitza } from '../support/fakeOomnitza.js';
import os from 'node:os';
import { runCli, tempDir } from '../helpers/runCli.js';
import { run } from './helpers.js';

let oom: FakeOomnitza;
beforeEach(async () => {
  oom = await startFakeOomnitza();
});
afterEach(async () => {
  await oom.close();
});

const ALL = Array.from({ length: 20 }, (_, i) => `S${i}`);
const csv = (serials: string[], extraLines = '') => `serial,model\n${serials.map((s) => `${s},M`).join('\n')}\n${extraLines}`;

function setup(extra = ''): { dir: string; ini: string; write: (serials: string[], extraLines?: string) => void; config: (more: string) => void } {
  const dir = tempDir({ 'assets.csv': csv(ALL) });
  const ini = path.join(dir, 'config.ini');
  const config = (more: string) => fs.writeFileSync(ini, `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\nretries = 0\n\n` +
    '[csv_assets]\nenable = True\nfilename = assets.csv\nsync_field = SERIAL_NUMBER\nbatch_size = 50\n' +
    'mapping.SERIAL_NUMBER = serial\nmapping.MODEL = model\nretire_missing = True\n' +
    (more.includes('retire_mapping') ? '' : 'retire_mapping = {"STATUS": "Retired", "NOTE": {"hardcoded": "gone"}}\n') + extra + more);
  config('');
  return { dir, ini, config, write: (serials, extraLines = '') => fs.writeFileSync(path.join(dir, 'assets.csv'), csv(serials, extraLines)) };
}
const without = (...gone: string[]) => ALL.filter((s) => !gone.includes(s));

test('a record missing from two complete runs is retired once, in the run\'s portion before finalize; when it returns it is pushed again and its state reset', async () => {
  const { dir, ini, write } = setup();
  const first = await run(oom, ini, 'csv_assets');
  expect(first.code).toBe(0);
  expect(first.logs).toMatch(/offboarding: nothing retired: first run with retire_missing/);
  expect(first.logs).not.toMatch(/retired \d/);

  write(without('S3'));
  const second = await run(oom, ini, 'csv_assets');
  expect(second.code).toBe(0);
  expect(second.retired).toEqual([]);

  const third = await run(oom, ini, 'csv_assets');
  expect(third.code).toBe(0);
  expect(third.retired).toEqual([{ SERIAL_NUMBER: 'S3', STATUS: 'Retired', NOTE: 'gone' }]);
  const retireBulk = third.bulks.find((b) => b.update_only)!;
  expect(retireBulk).toMatchObject({ insert_only: false, update_only: true, connector_name: 'CSV_assets', sync_field: ['SERIAL_NUMBER'] });
  // Same portion as the run's other batches, sent before the portion was finalized.
  expect(new Set(third.bulks.map((b) => b.portion)).size).toBe(1);
  expect(third.finalized).toEqual([retireBulk.portion]);
  expect(third.requests.filter((r) => r.startsWith('POST')).pop()).toMatch(/finalize$/);
  expect(third.logs).toMatch(/\[csv_assets\] pulled 19, .*pushed 19, failed 0, retired 1, /);

  // Retired once: a further run does not retire it again.
  const fourth = await run(oom, ini, 'csv_assets');
  expect(fourth.retired).toEqual([]);
  expect(fourth.logs).not.toMatch(/retired 1/);

  // Back at the source: pushed normally, counted as returned, and missing twice more it is retired again.
  write(ALL);
  const back = await run(oom, ini, 'csv_assets');
  expect(back.code).toBe(0);
  expect(back.pushed.map((r) => r.SERIAL_NUMBER)).toContain('S3');
  expect(back.logs).toMatch(/pushed 20, failed 0, returned 1, /);
  write(without('S3'));
  expect((await run(oom, ini, 'csv_assets')).retired).toEqual([]);
  expect((await run(oom, ini, 'csv_assets')).retired).toEqual([{ SERIAL_NUMBER: 'S3', STATUS: 'Retired', NOTE: 'gone' }]);

  const file = path.join(dir, 'state', 'csv_assets.state');
  const entries: string[] = [];
  for await (const e of readEntries(file)) entries.push(`${e.key} ${e.missed} ${e.flag}`);
  expect(entries).toHaveLength(20);
  expect(entries).toContain('["S3"] 2 p');
  expect(await readTrailer(file)).toMatchObject({ section: 'csv_assets', entries: 20, seen: 19, complete: true, pendingApplied: true, held: 0 });
  expect(fs.readdirSync(path.join(dir, 'state'))).toEqual(['csv_assets.state']);
});

test('partial runs never retire: a source failure, --record-count, a filter change, a failed push', async () => {
  const { ini, write, config } = setup('retire_max = 2\n');
  await run(oom, ini, 'csv_assets');
  write(without('S5'));
  expect((await run(oom, ini, 'csv_assets')).retired).toEqual([]); // S5 missed once

  // A row that cannot be read: a source failure.
  write(without('S5'), '"broken,M\n');
  const bad = await run(oom, ini, 'csv_assets');
  expect(bad.code).toBe(1);
  expect(bad.retired).toEqual([]);
  expect(bad.logs).toMatch(/offboarding: nothing retired: 1 record\(s\) could not be read from the source/);

  write(without('S5'));
  const limited = await run(oom, ini, 'csv_assets', { recordCount: 10 });
  expect(limited.retired).toEqual([]);
  expect(limited.logs).toMatch(/offboarding: nothing retired: --record-count 10 limits the read/);

  config('recordfilter = return record.serial !== "S7"\n');
  const changed = await run(oom, ini, 'csv_assets');
  expect(changed.retired).toEqual([]);
  expect(changed.logs).toMatch(/nothing retired: the section's filter, mappings or source settings changed since the last run/);

  // A failed push (Oomnitza refuses the first batch).
  oom.failBulk(503, 1);
  const failed = await run(oom, ini, 'csv_assets');
  expect(failed.code).toBe(1);
  expect(failed.retired).toEqual([]);
  expect(failed.logs).toMatch(/nothing retired: \d+ record\(s\) failed/);

  // The filter change started the counts over: two complete runs with the new filter retire S5 (gone) and S7 (now
  // filtered out).
  const next = await run(oom, ini, 'csv_assets');
  expect(next.code).toBe(0);
  expect(next.retired).toEqual([]);
  const after = await run(oom, ini, 'csv_assets');
  expect(after.retired.map((r) => r.SERIAL_NUMBER)).toEqual(['S5', 'S7']);
});

test('retire_max holds a retirement above the threshold (exit 1, the count in the summary) until `connector retire --confirm N`', async () => {
  const { ini, write } = setup();
  await run(oom, ini, 'csv_assets');
  // 5% of 20 records: one record may be retired, two may not.
  write(without('S1', 'S2'));
  await run(oom, ini, 'csv_assets');
  const preview = await run(oom, ini, 'csv_assets', { testmode: true });
  expect(preview.bulks).toEqual([]);
  expect(preview.logs).toMatch(/held 2 \(not retired\)/);

  const held = await run(oom, ini, 'csv_assets');
  expect(held.code).toBe(1);
  expect(held.retired).toEqual([]);
  expect(held.logs).toMatch(/held 2 \(not retired\), .* - FAILED: 2 record\(s\) missing from 2 complete run\(s\) would be retired, more than retire_max = 5% \(1 of the 18 records of the previous run\).*connector retire csv_assets --confirm 2/);

  const print = () => undefined;
  expect(await retire('csv_assets', { ini, confirm: 1, print }, new AbortController().signal)).toBe(1);
  expect(oom.bulkRequests.filter((b) => b.update_only)).toEqual([]);
  const before = oom.bulkRequests.length;
  expect(await retire('csv_assets', { ini, confirm: 2, print }, new AbortController().signal)).toBe(0);
  const applied = oom.bulkRequests.slice(before);
  expect(applied.map((b) => [b.update_only, b.insert_only])).toEqual([[true, false]]);
  expect(applied[0].records).toEqual([{ SERIAL_NUMBER: 'S1', STATUS: 'Retired', NOTE: 'gone' }, { SERIAL_NUMBER: 'S2', STATUS: 'Retired', NOTE: 'gone' }]);
  expect(oom.finalized).toContain(applied[0].portion);
  // Applied once: nothing is held any more, and the next run retires nothing.
  expect(await retire('csv_assets', { ini, confirm: 2, print }, new AbortController().signal)).toBe(1);
  const next = await run(oom, ini, 'csv_assets');
  expect(next.code).toBe(0);
  expect(next.retired).toEqual([]);

  // At the threshold (one of the 18) it retires; --testmode prints the retirement and changes no state.
  write(without('S1', 'S2', 'S9'));
  await run(oom, ini, 'csv_assets');
  const shown = await run(oom, ini, 'csv_assets', { testmode: true });
  expect(shown.code).toBe(0);
  expect(shown.bulks).toEqual([]);
  expect(shown.stdout).toMatch(/"update_only": true/);
  expect(shown.stdout).toMatch(/"SERIAL_NUMBER": "S9",\s+"STATUS": "Retired"/);
  expect(shown.logs).toMatch(/would retire 1, /);
  const real = await run(oom, ini, 'csv_assets');
  expect(real.retired.map((r) => r.SERIAL_NUMBER)).toEqual(['S9']);
});

test('a count retire_max; a retirement Oomnitza refuses is failed, spooled and retried by the next complete run', async () => {
  const { ini, write } = setup('retire_max = 3\n');
  await run(oom, ini, 'csv_assets');
  write(without('S1', 'S2', 'S3'));
  await run(oom, ini, 'csv_assets');
  // The normal batch is accepted, the retirement is refused.
  const failing = await startFakeOomnitza({ token: oom.token, rejectRecords: { field: 'STATUS', values: ['Retired'], status: 422 } });
  try {
    const text = fs.readFileSync(ini, 'utf8').replace(oom.url, failing.url);
    fs.writeFileSync(ini, text);
    const refused = await run(failing, ini, 'csv_assets');
    expect(refused.code).toBe(1);
    expect(refused.retired).toEqual([]);
    expect(refused.logs).toMatch(/spooled 3 .*- FAILED|spooled 3/);
    expect(refused.logs).toMatch(/3 record\(s\) were not retired/);
    fs.writeFileSync(ini, text.replace(failing.url, oom.url));
  } finally {
    await failing.close();
  }
  const retried = await run(oom, ini, 'csv_assets');
  expect(retried.code).toBe(0);
  expect(retried.retired.map((r) => r.SERIAL_NUMBER)).toEqual(['S1', 'S2', 'S3']);
});

test('retire_mapping that is not a JSON object of fields, or retire_missing without a mapping, is a config error with file:line', async () => {
  const { ini, config } = setup();
  config('retire_mapping = ["Retired"]\n');
  await expect(run(oom, ini, 'csv_assets')).rejects.toThrow(/config\.ini:\d+: \[csv_assets\] retire_mapping: must be a JSON object/);
  config('retire_mapping = {"STATUS": {"source": "x"}}\n');
  await expect(run(oom, ini, 'csv_assets')).rejects.toThrow(/retire_mapping: STATUS: a retired record has no source values/);
  config('retire_max = lots\n');
  await expect(run(oom, ini, 'csv_assets')).rejects.toThrow(/config\.ini:\d+: \[csv_assets\] retire_max: "lots" is neither a count/);
});

test('the `connector retire` command: --ini is honoured; nothing held is exit 1 and says so; --confirm is required', async () => {
  const { dir } = setup();
  const res = await runCli(['retire', 'csv_assets', '--ini', path.join(dir, 'config.ini'), '--confirm', '3'], { cwd: os.tmpdir() });
  expect(res.code).toBe(1);
  expect(res.stderr).toMatch(/\[csv_assets\] no retirement is held \(no state in ".*csv_assets\.state"\)/);
  const missing = await runCli(['retire', 'csv_assets', '--ini', path.join(dir, 'config.ini')], { cwd: os.tmpdir() });
  expect(missing.code).toBe(2);
  expect(missing.stderr).toMatch(/--confirm/);
});
