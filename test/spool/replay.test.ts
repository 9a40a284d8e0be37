/**
 * Nothing lost (issue 18): batches Oomnitza did not accept go to the dead-letter spool with their cause and class,
 * `connector replay` delivers them exactly once in a new portion and keeps what is still refused; a section already
 * being synced is not run twice.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { replay } from '../../src/cli/replay.js';
import { upload } from '../../src/cli/upload.js';
import type { CommonOptions } from '../../src/cli/options.js';
import { DeadLetterSpool } from '../../src/spool/deadLetterSpool.js';
import { startFakeOomnitza, type FakeOomnitza } from '../support/fakeOomnitza.js';
import { tempDir } from '../helpers/runCli.js';

const serials = (n: number) => `serial\n${Array.from({ length: n }, (_, i) => `S${i}`).join('\n')}\n`;

function iniFor(oom: FakeOomnitza): string {
  return `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\nretries = 0\nspool_dir = dead\n\n` +
    '[csv_assets]\nenable = True\nfilename = assets.csv\nsync_field = SERIAL_NUMBER\nbatch_size = 10\nmapping.SERIAL_NUMBER = serial\n';
}

function options(ini: string): CommonOptions {
  return { ini, loggingConfig: 'none.json', loggingConfigExplicit: false, workers: 1, showMappings: false, testmode: false, saveData: false };
}

const accepted = (oom: FakeOomnitza) => oom.records().map((r) => r.SERIAL_NUMBER);

test('undelivered batches are spooled with cause and class; replay sends them once, in a new portion, and keeps what is refused again', async () => {
  const first = await startFakeOomnitza({ rejectRecords: { field: 'SERIAL_NUMBER', values: ['S25'], status: 422 } });
  let second: FakeOomnitza | undefined;
  try {
    const dir = tempDir({ 'assets.csv': serials(30) });
    const ini = path.join(dir, 'config.ini');
    fs.writeFileSync(ini, iniFor(first));
    first.failBulk(503, 1); // the first batch: a transient fault with no retries left
    expect(await upload(['csv_assets'], options(ini), new AbortController().signal)).toBe(1);
    // S25's batch was resent record by record (422), so only S25 itself failed.
    expect(accepted(first).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `S${i}`).filter((s) => !/^S[0-9]$/.test(s) && s !== 'S25').sort());

    const spool = new DeadLetterSpool(path.join(dir, 'dead'));
    const { batches } = await spool.batches('csv_assets');
    expect(batches.map((b) => [b.entry.errorClass, b.entry.records.length])).toEqual([['transient', 10], ['permanent', 1]]);
    expect(batches[0].entry).toMatchObject({
      connector_name: 'CSV_assets', data_type: 'assets', sync_field: ['SERIAL_NUMBER'], insert_only: false, update_only: false,
      cause: expect.stringContaining('503'), names: expect.arrayContaining([expect.stringContaining('SERIAL_NUMBER="S0"')]),
    });
    expect(batches[0].entry.records.map((r) => r.SERIAL_NUMBER)).toEqual(['S0', 'S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7', 'S8', 'S9']);
    expect(batches[1].entry.names).toEqual([expect.stringContaining('SERIAL_NUMBER="S25"')]);

    const listed: string[] = [];
    expect(await replay([], { ini, list: true, print: (t) => listed.push(t) }, new AbortController().signal)).toBe(0);
    expect(listed[0]).toBe('[csv_assets] 11 record(s) in 2 batch(es)');
    expect(listed[1]).toMatch(/^ {2}\d{4}-.* transient 10 records, SERIAL_NUMBER="S0".* \.\.\. SERIAL_NUMBER="S9".*: .*503/);
    expect(listed[2]).toMatch(/permanent SERIAL_NUMBER="S25".*: .*422/);

    // Replay against the same Oomnitza: the ten are delivered, S25 is refused again and stays.
    const before = first.bulkRequests.length;
    expect(await replay(['csv_assets'], { ini, list: false, print: () => undefined }, new AbortController().signal)).toBe(1);
    const replayed = first.bulkRequests.slice(before);
    const portions = new Set(replayed.map((r) => r.portion));
    expect(portions.size).toBe(1);
    const [portion] = portions;
    expect(first.bulkRequests.slice(0, before).some((r) => r.portion === portion)).toBe(false); // a new portion
    expect(first.finalized).toContain(portion);
    expect((await spool.batches('csv_assets')).batches.map((b) => b.entry.records)).toEqual([[{ SERIAL_NUMBER: 'S25' }]]);

    // Once Oomnitza accepts it, the spool is empty and every record arrived exactly once overall.
    second = await startFakeOomnitza();
    fs.writeFileSync(ini, iniFor(second));
    expect(await replay([], { ini, list: false, print: () => undefined }, new AbortController().signal)).toBe(0);
    expect(await spool.sections()).toEqual([]);
    const all = [...accepted(first), ...accepted(second)];
    expect(all.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `S${i}`).sort());
    const nothing: string[] = [];
    expect(await replay([], { ini, list: true, print: (t) => nothing.push(t) }, new AbortController().signal)).toBe(0);
    expect(nothing).toEqual([`the spool "${path.join(dir, 'dead')}" is empty`]);
  } finally {
    await first.close();
    await second?.close();
  }
});

test('a section another run is syncing is not started: exit 1 naming that run; nothing is read or sent', async () => {
  const oom = await startFakeOomnitza();
  try {
    const dir = tempDir({ 'assets.csv': serials(5) });
    const ini = path.join(dir, 'config.ini');
    fs.writeFileSync(ini, iniFor(oom));
    fs.mkdirSync(path.join(dir, 'dead'));
    // The jest runner's parent process stands in for the other run: it is alive for the whole test.
    fs.writeFileSync(path.join(dir, 'dead', 'csv_assets.lock'), JSON.stringify({ pid: process.ppid, host: os.hostname(), started: '2026-12-02T01:00:00.000Z' }));
    expect(await upload(['csv_assets'], options(ini), new AbortController().signal)).toBe(1);
    expect(oom.bulkRequests).toEqual([]);
    // --testmode sends nothing, so it takes no lock and runs beside the other run.
    expect(await upload(['csv_assets'], { ...options(ini), testmode: true }, new AbortController().signal)).toBe(0);
  } finally {
    await oom.close();
  }
});
