/** End to end: CSV input that cannot be read correctly is never pushed altered, and the exit code says so. */
import fs from 'node:fs';
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

const config = (extra = '') =>
  `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n[csv_assets]\nenable = True\nfilename = assets.csv\nsync_field = SERIAL_NUMBER\nmapping.SERIAL_NUMBER = serial\nmapping.NAME = name\n${extra}`;

test('invalid UTF-8 in the sync key fails that row (file:line), is not pushed as a new asset, exit 1', async () => {
  const dir = tempDir({ 'config.ini': config() });
  fs.writeFileSync(path.join(dir, 'assets.csv'), Buffer.concat([Buffer.from('serial,name\nS1,a\nSN-'), Buffer.from([0xc9]), Buffer.from('01,b\nS3,c\n')]));
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(1);
  expect(oom.records().map((r) => r.SERIAL_NUMBER)).toEqual(['S1', 'S3']);
  expect(res.stderr).toMatch(/failed 1/);
  expect(res.stderr).toMatch(/assets\.csv:3: byte 0xC9 in column "serial" is not valid utf-8/);
});

test('encoding = cp1252 reads a Windows export; an unknown encoding is a config error naming the line', async () => {
  const dir = tempDir({ 'config.ini': config('encoding = cp1252\n') });
  fs.writeFileSync(path.join(dir, 'assets.csv'), Buffer.from([...Buffer.from('serial,name\nSN-'), 0xc9, ...Buffer.from('01,'), 0x93, 0x4f, 0x94, 0x0a]));
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(0);
  expect(oom.records()).toEqual([{ SERIAL_NUMBER: 'SN-É01', NAME: '“O”' }]);

  fs.writeFileSync(path.join(dir, 'config.ini'), config('encoding = ascii-ish\n'));
  const bad = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir });
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/config\.ini:11: \[csv_assets\] encoding: "ascii-ish" is not one of: utf-8, latin1, cp1252, windows-1252, utf-16le/);
});

test('a repeated header column: the section fails naming file, line 1 and the column, and nothing is pushed', async () => {
  const dir = tempDir({ 'config.ini': config(), 'assets.csv': 'serial,name,serial\nS1,a,X1\nS2,b,X2\n' });
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(1);
  expect(res.stderr).toMatch(/assets\.csv:1: column "serial" appears twice in the header \(columns 1 and 3\)/);
  expect(oom.bulkRequests).toEqual([]);
});
