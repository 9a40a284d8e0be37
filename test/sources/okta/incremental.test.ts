/**
 * [okta] sync_mode = incremental, in process (upload() against the Okta test server and the fake Oomnitza): the
 * second run asks only for users updated since the watermark, a failed run leaves the watermark where it was, and one
 * run in full_sweep_every reads everything.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CommonOptions } from '../../../src/cli/options.js';
import { upload } from '../../../src/cli/upload.js';
import { okta } from '../../../src/sources/okta/index.js';
import { oktaSettings } from '../../../src/sources/okta/settings.js';
import { tempDir } from '../../helpers/runCli.js';
import { recordingContext, settingsFrom } from '../../helpers/sourceContext.js';
import { startFakeOkta, type FakeOkta } from '../../support/fakeOkta.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';

let oom: FakeOomnitza;
let fake: FakeOkta;
beforeEach(async () => {
  oom = await startFakeOomnitza();
  fake = await startFakeOkta({ users: 6, deprovisioned: 2, maxLimit: 3 });
});
afterEach(async () => {
  await Promise.all([oom.close(), fake.close()]);
});

function setup(extra = '') {
  const dir = tempDir({
    'config.ini': `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\nretries = 0\n\n` +
      `[okta]\nenable = True\nurl = ${fake.url}\napi_token = ${fake.token}\nsync_field = USER\ndefault_role = 25\ndefault_position = Employee\ndeprovisioned = True\n` +
      `sync_mode = incremental\nfull_sweep_every = 3\n${extra}`,
  });
  const opts: CommonOptions = {
    ini: path.join(dir, 'config.ini'), loggingConfig: 'none.json', loggingConfigExplicit: false, workers: 1, showMappings: false,
    testmode: false, saveData: false,
  };
  const stateFile = path.join(dir, 'state', 'okta.incremental.json');
  const state = () => (fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : undefined);
  const run = async (o: Partial<CommonOptions> = {}) => {
    const before = fake.requests.length;
    oom.bulkRequests.length = 0;
    const code = await upload(['okta'], { ...opts, ...o }, new AbortController().signal);
    return { code, filters: fake.requests.slice(before).map((r) => r.query.filter ?? ''), users: oom.records('Okta').map((r) => r.USER) };
  };
  return { dir, run, state };
}

const logins = (...indexes: number[]) => indexes.map((i) => fake.users[i].profile.login);

test('the first run reads everything and saves a watermark; the second asks only for users updated since', async () => {
  const { run, state } = setup();
  const t0 = Date.now();
  const first = await run();
  expect(first.code).toBe(0);
  expect(first.users).toHaveLength(8);
  expect(first.filters).toEqual(['', '', 'status eq "DEPROVISIONED"']);
  const saved = state();
  expect(saved).toMatchObject({ version: 1, source: 'okta', incrementalRuns: 0 });
  // When the read began by Okta's Date header (whole seconds), minus the 5-minute overlap.
  const w = Date.parse(saved.watermark);
  expect(w).toBeLessThanOrEqual(t0 - 5 * 60_000 + 1000);
  expect(w).toBeGreaterThan(t0 - 5 * 60_000 - 5000);

  fake.touch(2, { department: 'Legal' });
  fake.touch(1); // DEPROVISIONED: only in the second pass
  const second = await run();
  expect(second.code).toBe(0);
  expect(second.filters).toEqual([`lastUpdated gt "${saved.watermark}"`, `status eq "DEPROVISIONED" and lastUpdated gt "${saved.watermark}"`]);
  expect(second.users).toEqual(logins(2, 1));
  expect(state()).toMatchObject({ incrementalRuns: 1, lastFullRead: saved.lastFullRead });
  expect(Date.parse(state().watermark)).toBeGreaterThanOrEqual(w);
});

test('a run whose push failed leaves the watermark where it was; the next run reads the same changes again', async () => {
  const { run, state } = setup();
  await run();
  const saved = state();
  fake.touch(0);
  oom.failBulk(503, 1);
  const failed = await run();
  expect(failed.code).toBe(1);
  expect(state()).toEqual(saved);
  const again = await run();
  expect(again.code).toBe(0);
  expect(again.filters[0]).toBe(`lastUpdated gt "${saved.watermark}"`);
  expect(again.users).toEqual(logins(0));
  expect(state().incrementalRuns).toBe(1);
});

test('--testmode and --record-count read incrementally but save nothing', async () => {
  const { run, state } = setup();
  await run();
  const saved = state();
  fake.touch(0);
  expect((await run({ testmode: true })).code).toBe(0);
  expect((await run({ recordCount: 1 })).code).toBe(0);
  expect(state()).toEqual(saved);
});

test('a source failure (a page Okta keeps refusing) saves nothing', async () => {
  const { run, state } = setup();
  await run();
  const saved = state();
  fake.failPage(0, { filter: `status eq "DEPROVISIONED" and lastUpdated gt "${saved.watermark}"`, status: 400 });
  expect((await run()).code).toBe(1);
  expect(state()).toEqual(saved);
});

test('full_sweep_every = 3: runs 1 and 4 read everything, 2 and 3 only the changes', async () => {
  const { run, state } = setup('min_records = 5\n');
  const modes: string[] = [];
  for (let i = 0; i < 4; i++) {
    const r = await run();
    expect(r.code).toBe(0);
    modes.push(r.filters[0] === '' ? 'full' : 'incremental');
  }
  expect(modes).toEqual(['full', 'incremental', 'incremental', 'full']);
  // min_records counts full reads only: an incremental run of few changes is not an empty source.
  expect(state().incrementalRuns).toBe(0);
});

test('changed settings or mappings since the watermark: the next run reads everything', async () => {
  const { dir, run, state } = setup();
  await run();
  expect((await run()).filters[0]).toMatch(/^lastUpdated gt/);
  const ini = path.join(dir, 'config.ini');
  fs.appendFileSync(ini, 'mapping.TITLE = profile.title\n');
  const r = await run();
  expect(r.filters[0]).toBe('');
  expect(r.users).toHaveLength(8);
  expect(state().incrementalRuns).toBe(0);
});

test('sync_mode = full (the default) never asks for a filter and writes no state', async () => {
  const { dir, run } = setup();
  const ini = path.join(dir, 'config.ini');
  fs.writeFileSync(ini, fs.readFileSync(ini, 'utf8').replace('sync_mode = incremental\n', ''));
  expect((await run()).filters).toEqual(['', '', 'status eq "DEPROVISIONED"']);
  expect(fs.existsSync(path.join(dir, 'state'))).toBe(false);
});

test('the test server refuses a malformed lastUpdated filter as Okta does (E0000031)', async () => {
  const ctx = recordingContext('okta', { retry: { retries: 0 } });
  try {
    const source = okta.create(settingsFrom(oktaSettings, { url: fake.url, api_token: fake.token }), ctx);
    const read = async (since: string) => {
      const out: unknown[] = [];
      for await (const r of source.read({ fields: [], allFields: true, incremental: { since, advance: () => undefined } })) out.push(r);
      return out;
    };
    await expect(read('2026-12-01 03:00:00')).rejects.toThrow(/400/);
    expect(await read('2000-01-01T00:00:00.000Z')).toHaveLength(6);
  } finally {
    await ctx.http.close();
  }
});
