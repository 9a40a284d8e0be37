/**
 * Issue 11 #12 end to end: a CSV where one record is skipped and another is rejected by Oomnitza; the summary
 * names both by their sync_field value, their read number and the CSV line they start on.
 */
import path from 'node:path';
import { runCli, tempDir } from '../helpers/runCli.js';
import { startFakeOomnitza, type FakeOomnitza } from '../support/fakeOomnitza.js';

let oom: FakeOomnitza;
afterEach(async () => {
  await oom.close();
});

// Line 1 header; S1 spans lines 2-3 (a quoted cell with a line break); a malformed row on line 6 is not a record,
// so it has no read number: S4 is record #4 on line 7.
const CSV = [
  'serial,name,notes',
  'S1,alpha,"two',
  'lines"',
  'S2,beta,',
  'S3,,no name',
  'broken,row',
  'S4,delta,',
  'S5,echo,',
  'S6,foxtrot,',
  '',
].join('\n');

test('a skipped and a rejected record are named by sync_field, read number and CSV line', async () => {
  oom = await startFakeOomnitza({ rejectRecords: { field: 'SERIAL_NUMBER', values: ['S5'] } });
  const ini = `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n[csv_assets]\nenable = True\nfilename = assets.csv\n` +
    'sync_field = SERIAL_NUMBER\nmapping.SERIAL_NUMBER = serial\nmapping.NAME = {"source": "name", "required": true}\n';
  const dir = tempDir({ 'config.ini': ini, 'assets.csv': CSV });
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(1);
  expect(oom.records().map((r) => r.SERIAL_NUMBER)).toEqual(['S1', 'S2', 'S4', 'S6']);
  // The failed by class: the 400 is permanent; the bad row failed before any push.
  expect(res.stderr).toMatch(/\[csv_assets\] pulled 6, filtered out 0, skipped 1, pushed 4, failed 2 \(permanent 1, other 1\), /);
  const file = path.join(dir, 'assets.csv');
  const lines = res.stderr.split('\n');
  const detail = (start: string) => lines.find((l) => l.startsWith(start));
  expect(detail(`  failed SERIAL_NUMBER="S5" (record #5, ${file}:8): `)).toMatch(/HTTP 400.*invalid SERIAL_NUMBER \\?"S5/);
  expect(detail(`  skipped SERIAL_NUMBER="S3" (record #3, ${file}:5): `)).toMatch(/required field\(s\) empty: NAME$/);
  expect(detail(`  failed ${file}:6: `)).toMatch(/the header has 3 columns, this row has 2$/);
  // Everything failed or skipped is listed: no "... and N more" line.
  expect(res.stderr).not.toMatch(/\.\.\. and \d+ more/);
});
