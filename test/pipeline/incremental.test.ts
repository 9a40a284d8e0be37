/** The core's side of incremental reads (src/pipeline/incremental.ts): which runs are full, what is saved, and when. */
import fs from 'node:fs';
import path from 'node:path';
import type { SectionConfig } from '../../src/config/loadConfig.js';
import { parseFullSweep } from '../../src/config/commonSettings.js';
import { ConfigError } from '../../src/errors.js';
import { readClock } from '../../src/http/incremental.js';
import { fingerprintOf, incrementalStateFile, openIncremental } from '../../src/pipeline/incremental.js';
import { completeRun } from '../../src/pipeline/runComplete.js';
import { SectionStats } from '../../src/pipeline/summary.js';
import { getLogger } from '../../src/logging.js';
import { tempDir } from '../helpers/runCli.js';

const log = getLogger('test');
const section = (common: Record<string, unknown> = {}, name = 'okta.Staff'): SectionConfig => ({
  name, type: 'okta',
  plugin: { name: 'okta', settings: { url: { secret: false }, api_token: { secret: true } }, incremental: { watermark: 'a time', valid: (w: string) => w.startsWith('20') } },
  settings: { url: 'https://acme.okta.com', api_token: 'tok' },
  common: { sync_mode: 'incremental', full_sweep_every: '3', ...common },
} as unknown as SectionConfig);
const source = { check: async () => '', read: async function* () {} };

async function cycle(dir: string, s = section(), ok = true, fingerprint = 'f1') {
  const inc = (await openIncremental(s, dir, fingerprint, log))!;
  inc.read.advance(`2026-12-0${Math.floor(Math.random() * 9) + 1}T00:00:00.000Z`);
  const stats = new SectionStats(s.name);
  if (!ok) stats.fail('record #1', 'HTTP 400');
  await completeRun(source, stats, { testmode: false }, inc);
  return inc;
}

test('no state: full; then incremental runs until one in full_sweep_every is full again; a failed run changes nothing', async () => {
  const dir = tempDir({});
  const seen: boolean[] = [];
  for (let i = 0; i < 4; i++) seen.push((await cycle(dir)).full);
  expect(seen).toEqual([true, false, false, true]);
  const file = incrementalStateFile(dir, 'okta.Staff');
  const before = fs.readFileSync(file, 'utf8');
  await cycle(dir, section(), false);
  expect(fs.readFileSync(file, 'utf8')).toBe(before);
  expect(JSON.parse(before)).toMatchObject({ version: 1, source: 'okta', incrementalRuns: 0 });
});

test('full_sweep_every = 1 reads everything every run, 0 never again after the first', async () => {
  const one = tempDir({});
  expect([(await cycle(one, section({ full_sweep_every: '1' }))).full, (await cycle(one, section({ full_sweep_every: '1' }))).full]).toEqual([true, true]);
  const never = tempDir({});
  const runs = [];
  for (let i = 0; i < 5; i++) runs.push((await cycle(never, section({ full_sweep_every: '0' }))).full);
  expect(runs).toEqual([true, false, false, false, false]);
});

test('full_sweep_every = 7d: a full read once the last full read is 7 days old, whatever the number of runs', async () => {
  const dir = tempDir({});
  const weekly = section({ full_sweep_every: '7d' });
  const at = (day: number) => () => new Date(Date.UTC(2026, 11, day, 2, 0));
  const run = async (day: number) => {
    const inc = (await openIncremental(weekly, dir, 'f1', log, at(day)))!;
    inc.read.advance(`2026-12-${String(day).padStart(2, '0')}T00:00:00.000Z`);
    await completeRun(source, new SectionStats(weekly.name), { testmode: false }, inc);
    return inc;
  };
  const days = [1, 2, 3, 4, 5, 6, 7, 8, 9];
  const notes: string[] = [];
  for (const d of days) notes.push((await run(d)).note);
  expect(notes.map((n) => n.startsWith('full'))).toEqual([true, false, false, false, false, false, false, true, false]);
  expect(notes[7]).toBe('full read (full sweep: the last full read is 7 day(s) old (full_sweep_every = 7d))');
  expect(parseFullSweep('7 days')).toEqual({ days: 7 });
  expect(parseFullSweep('3')).toEqual({ runs: 3 });
  expect(() => parseFullSweep('weekly')).toThrow('"weekly" is not a number of runs (7) or of days (7d)');
});

test('another fingerprint, another source type or a watermark the source does not accept: full read', async () => {
  const dir = tempDir({});
  await cycle(dir);
  expect((await openIncremental(section(), dir, 'f2', log))!.note).toMatch(/settings, mappings or filter changed/);
  const file = incrementalStateFile(dir, 'okta.Staff');
  const state = JSON.parse(fs.readFileSync(file, 'utf8'));
  fs.writeFileSync(file, JSON.stringify({ ...state, watermark: 'garbage' }));
  expect((await openIncremental(section(), dir, 'f1', log))!.note).toMatch(/not one this source wrote/);
  fs.writeFileSync(file, JSON.stringify({ ...state, source: 'zendesk' }));
  expect((await openIncremental(section(), dir, 'f1', log))!.note).toMatch(/of another source/);
});

test('a state file that is not ours is a ConfigError naming state_dir, never overwritten', async () => {
  const dir = tempDir({ 'okta.Staff.incremental.json': 'SQLite format 3' });
  const err = await openIncremental(section(), dir, 'f1', log).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as Error).message).toMatch(/state_dir: the state file ".*okta\.Staff\.incremental\.json" does not hold the incremental state/);
});

test('sync_mode = full: no incremental run at all; state files are named safely', async () => {
  expect(await openIncremental(section({ sync_mode: 'full' }), tempDir({}), 'f', log)).toBeUndefined();
  expect(path.basename(incrementalStateFile('/s', 'okta.A/B C'))).toBe('okta.A%2fB%20C.incremental.json');
});

test('the fingerprint leaves secrets out and changes with mappings, filter and fields', () => {
  const s = section();
  const base = fingerprintOf(s, { USER: { source: 'login' } }, ['login'], false);
  expect(fingerprintOf({ ...s, settings: { ...s.settings, api_token: 'rotated' } }, { USER: { source: 'login' } }, ['login'], false)).toBe(base);
  expect(fingerprintOf(s, { USER: { source: 'email' } }, ['login'], false)).not.toBe(base);
  expect(fingerprintOf(s, { USER: { source: 'login' } }, ['login', 'x'], false)).not.toBe(base);
  expect(fingerprintOf({ ...s, filter: { name: 'recordfilter', kind: 'filter', code: 'return true', file: 'f', line: 1 } }, { USER: { source: 'login' } }, ['login'], false)).not.toBe(base);
});

test('readClock: the first answer\'s Date header minus the overlap; the local clock without one', () => {
  const c = readClock(() => Date.parse('2026-12-02T04:00:00Z'));
  c.note({ headers: { date: 'Wed, 02 Dec 2026 03:58:07 GMT' } });
  c.note({ headers: { date: 'Wed, 02 Dec 2026 03:59:00 GMT' } });
  expect(c.watermark().toISOString()).toBe('2026-12-02T03:53:07.000Z');
  const local = readClock(() => Date.parse('2026-12-02T04:00:00Z'));
  local.note({ headers: {} });
  expect(local.watermark().toISOString()).toBe('2026-12-02T03:55:00.000Z');
});
