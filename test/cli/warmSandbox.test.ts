/**
 * upload starts the first section's sandbox during the Oomnitza round trips (src/cli/upload.ts warmSandbox): the
 * records must come out as when the sandbox started later, whichever mappings (INI, server, defaults) are in effect.
 */
import { startFakeOomnitza, type FakeOomnitza } from '../support/fakeOomnitza.js';
import { runCli, tempDir } from '../helpers/runCli.js';

let oom: FakeOomnitza;
afterEach(async () => {
  await oom?.close();
});

const CSV = 'serial,name,status,owner\nS1,alpha,active,ann\nS2,beta,retired,bob\nS3,gamma,broken,cy\n';

function config(extra: string): string {
  return `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n[csv_assets]\nenable = True\nfilename = assets.csv\nsync_field = SERIAL_NUMBER\n` +
    `mapping.SERIAL_NUMBER = {"source": "serial", "required": true}\nmapping.STATUS = {"source": "status", "converter": "label"}\n${extra}\n` +
    '[converters]\nlabel:\n    return value === "active" ? "In use" : "Other"\nunused:\n    return "never called"\n';
}

test('server mappings, a filter and an unused custom converter: the same records as without warming', async () => {
  oom = await startFakeOomnitza({ mappings: { CSV_assets: { owner: 'ASSIGNED_TO', name: 'NAME' } } });
  const dir = tempDir({ 'config.ini': config('recordfilter:\n    return record.status !== "retired"\n'), 'assets.csv': CSV });
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir });
  expect(res.stderr).toMatch(/pulled 3, filtered out 1, skipped 0, pushed 2, failed 0/);
  expect(res.code).toBe(0);
  expect(oom.records()).toEqual([
    { ASSIGNED_TO: 'ann', NAME: 'alpha', SERIAL_NUMBER: 'S1', STATUS: 'In use' },
    { ASSIGNED_TO: 'cy', NAME: 'gamma', SERIAL_NUMBER: 'S3', STATUS: 'Other' },
  ]);
});

test('use_server_map = False, a custom converter and no filter: converted, nothing filtered', async () => {
  oom = await startFakeOomnitza();
  const dir = tempDir({ 'config.ini': config('use_server_map = False\n'), 'assets.csv': CSV });
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(0);
  expect(oom.records().map((r) => r.STATUS)).toEqual(['In use', 'Other', 'Other']);
});

test('a section whose snippet fails in the sandbox still fails by name, not at start-up', async () => {
  oom = await startFakeOomnitza();
  const dir = tempDir({ 'config.ini': config('use_server_map = False\nrecordfilter:\n    throw new Error("boom")\n'), 'assets.csv': CSV });
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(1);
  expect(res.stderr).toMatch(/boom/);
});
