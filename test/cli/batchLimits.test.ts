/** Oomnitza's body-size limit (413) and the record-count guard (min_records), through the CLI. */
import { runCli, tempDir } from '../helpers/runCli.js';
import { startFakeOomnitza, type FakeOomnitza } from '../support/fakeOomnitza.js';

let oom: FakeOomnitza;
beforeEach(async () => {
  oom = await startFakeOomnitza();
});
afterEach(async () => {
  await oom.close();
});

const ini = (extra = '') =>
  `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n[csv_assets]\nenable = True\nfilename = assets.csv\nsync_field = SERIAL_NUMBER\n` +
  `mapping.SERIAL_NUMBER = serial\n${extra}`;
const rows = (n: number) => `serial\n${Array.from({ length: n }, (_, i) => `S${i + 1}`).join('\n')}\n`;

test('a batch refused as too large (413) is split until it fits; nothing is lost and batch_size is named', async () => {
  oom.failBulk(413, 2); // the batch of 4, then its first half of 2
  const dir = tempDir({ 'config.ini': ini('batch_size = 4\n'), 'assets.csv': rows(4) });
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir });
  expect(res.stderr).toMatch(/pushed 4, failed 0/);
  expect(res.code).toBe(0);
  expect(oom.records().map((r) => r.SERIAL_NUMBER).sort()).toEqual(['S1', 'S2', 'S3', 'S4']);
  expect(res.stderr).toMatch(/too large \(HTTP 413\).*Lower batch_size \(now 4\)/);
});

test('one record larger than Oomnitza accepts fails alone, named, with the reason', async () => {
  oom.failBulk(413, 3); // the batch of 2, then S1 alone, then S2 alone
  const dir = tempDir({ 'config.ini': ini('batch_size = 2\n'), 'assets.csv': rows(3) });
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(1);
  expect(res.stderr).toMatch(/pushed 1, failed 2/);
  expect(res.stderr).toMatch(/SERIAL_NUMBER="S1".*larger than Oomnitza accepts/);
});

test('an empty export is a warning; below min_records the section fails', async () => {
  const empty = tempDir({ 'config.ini': ini(), 'assets.csv': 'serial\n' });
  const none = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: empty });
  expect(none.code).toBe(0);
  expect(none.stderr).toMatch(/the source returned no records/);

  const short = tempDir({ 'config.ini': ini('min_records = 5\n'), 'assets.csv': rows(2) });
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: short });
  expect(res.code).toBe(1);
  expect(res.stderr).toMatch(/read 2 record\(s\), fewer than min_records = 5/);
});

test('--save-data that cannot be written (here: save_data is a file) is said once and the sync goes on', async () => {
  const dir = tempDir({ 'config.ini': ini(), 'assets.csv': rows(3), save_data: 'not a folder' });
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini', '--save-data'], { cwd: dir });
  expect(res.stderr).toMatch(/pushed 3, failed 0/);
  expect(res.code).toBe(0);
  expect(res.stderr.match(/--save-data: cannot write/g)).toHaveLength(1);
  expect(res.stderr).not.toMatch(/reading from the source failed/);
});
