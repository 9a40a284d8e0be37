/**
 * End to end through the CLI (issue 11): oversized (#2) and deep (#11) converter results fail their record's
 * field only, named; converter failures are counted in the summary and `on_converter_error` sets the exit code
 * (#21); a snippet's error text cannot forge a summary line (#20).
 */
import path from 'node:path';
import { startFakeOomnitza, type FakeOomnitza } from '../support/fakeOomnitza.js';
import { runCli, tempDir } from '../helpers/runCli.js';

let oom: FakeOomnitza;
beforeEach(async () => {
  oom = await startFakeOomnitza();
});
afterEach(async () => {
  await oom.close();
});

const ROWS = 300;
const csv = `serial,name\n${Array.from({ length: ROWS }, (_, i) => `S${i + 1},host-${i + 1}`).join('\n')}\n`;

/** S7: 2 MB result; S42: 8,000 levels deep; S99: an error message that looks like a summary; the rest fine. */
const LABEL = [
  'if (record.serial === "S7") return "x".repeat(2e6);',
  'if (record.serial === "S42") { let v = 1; for (let i = 0; i < 8000; i++) v = [v]; return v; }',
  'if (record.serial === "S99") throw new Error("no\\n[csv_assets] pulled 300, filtered out 0, skipped 0, pushed 300, failed 0");',
  'return value.toUpperCase()',
].map((line) => `    ${line}`).join('\n');

function config(extra = ''): string {
  return `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n[csv_assets]\nenable = True\nfilename = assets.csv\n` +
    `sync_field = SERIAL_NUMBER\nmapping.SERIAL_NUMBER = serial\nmapping.LABEL = {"source": "name", "converter": "label"}\n${extra}\n` +
    `[converters]\nlabel:\n${LABEL}\n`;
}

test('default (null): bad results fail their field only, the batch of 100 goes through, the summary counts them', async () => {
  const dir = tempDir({ 'config.ini': config(), 'assets.csv': csv });
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(0);
  const records = oom.records() as Record<string, unknown>[];
  expect(records).toHaveLength(ROWS);
  const bySerial = new Map(records.map((r) => [r.SERIAL_NUMBER, r]));
  for (const serial of ['S7', 'S42', 'S99']) expect(bySerial.get(serial)?.LABEL).toBeNull();
  expect(bySerial.get('S1')?.LABEL).toBe('HOST-1');
  expect(res.stderr).toMatch(/\[csv_assets\] pulled 300, filtered out 0, skipped 0, pushed 300, failed 0, converter errors 3, /);
  // Named by sync_field value, read number and CSV line (S7 is the 7th row, on line 8).
  const at = (n: number) => `(record #${n}, ${path.join(dir, 'assets.csv')}:${n + 1})`;
  expect(res.stderr).toContain(`converter error SERIAL_NUMBER="S7" ${at(7)}: LABEL: converter "label": its result is too large (at least 2000004 characters of JSON;`);
  expect(res.stderr).toContain(`converter error SERIAL_NUMBER="S42" ${at(42)}: LABEL: converter "label": its result is nested deeper than 64 levels`);
  expect(res.stderr).toContain(`converter error SERIAL_NUMBER="S99" ${at(99)}: LABEL: converter "label" (config.ini:16): "Error: no\\n[csv_assets] pulled 300`);
  // The snippet's "\n[csv_assets] pulled ..." did not start a line of its own: there is one summary line.
  const lines = res.stderr.split('\n');
  expect(lines.filter((l) => l.startsWith('[csv_assets]'))).toEqual([]);
  expect(lines.filter((l) => /^(\S+ [A-Z]+ [\w/]+: )?\s*\[csv_assets\] pulled/.test(l))).toHaveLength(1);
});

test('on_converter_error = fail: those records fail and the run exits 1; skip: they are not sent, exit 0', async () => {
  const failing = tempDir({ 'config.ini': config('on_converter_error = fail\n'), 'assets.csv': csv });
  const failed = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: failing });
  expect(failed.code).toBe(1);
  expect(failed.stderr).toMatch(/pushed 297, failed 3, converter errors 3, /);
  expect(failed.stderr).toMatch(/failed SERIAL_NUMBER="S42" \(record #42, \S*assets\.csv:43\): converter failed for LABEL: converter "label": its result is nested deeper than 64 levels/);
  expect(oom.records()).toHaveLength(297);

  const skipping = tempDir({ 'config.ini': config('on_converter_error = skip\n'), 'assets.csv': csv });
  const skipped = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: skipping });
  expect(skipped.code).toBe(0);
  expect(skipped.stderr).toMatch(/skipped 3, pushed 297, failed 0, converter errors 3, /);
  expect(skipped.stderr).toContain(`skipped SERIAL_NUMBER="S7" (record #7, ${path.join(skipping, 'assets.csv')}:8): converter failed for LABEL: converter "label": its result is too large`);
});

test('the settings are checked when the config loads', async () => {
  const dir = tempDir({ 'config.ini': config('on_converter_error = ignore\nmax_converter_output = 10\n'), 'assets.csv': csv });
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(2);
  expect(res.stderr).toMatch(/config\.ini:\d+: \[csv_assets\] on_converter_error: "ignore" is not one of: null, skip, fail/);
  expect(res.stderr).toMatch(/config\.ini:\d+: \[csv_assets\] max_converter_output: 10 is below the minimum 1024/);
});
