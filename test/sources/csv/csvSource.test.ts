/** The CSV sources as the engine sees them: rows out, bad rows reported with file:line, bad headers refused. */
import fs from 'node:fs';
import path from 'node:path';
import { csvAssets } from '../../../src/sources/csv/index.js';
import { tempDir } from '../../helpers/runCli.js';
import { collect, testContext } from '../casper/context.js';

function source(dir: string, settings: { filename?: string; directory?: string; encoding?: string }) {
  const ctx = { ...testContext({ section: 'csv_assets' }), configDir: dir };
  const parsed = { filename: '', directory: '', ...settings, encoding: csvAssets.settings.encoding.parse(settings.encoding ?? 'utf-8') };
  return { ctx, source: csvAssets.create(parsed as Parameters<typeof csvAssets.create>[0], ctx) };
}
const read = { fields: [], allFields: true };
const failures = (ctx: ReturnType<typeof testContext>) => ctx.failures.map((f) => `${path.basename(f.id)} ${(f.error as Error).message}`);

test('invalid UTF-8 fails its row (file:line, column, byte) and is never yielded; the other rows are', async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'a.csv'), Buffer.concat([Buffer.from('serial,name\nS1,ok\nS'), Buffer.from([0xe9]), Buffer.from('2,bad\nS3,ok\n')]));
  const { ctx, source: s } = source(dir, { filename: 'a.csv' });
  expect(await collect(s, read)).toEqual([{ serial: 'S1', name: 'ok' }, { serial: 'S3', name: 'ok' }]);
  expect(failures(ctx)).toEqual(['a.csv:3 byte 0xE9 in column "serial" is not valid utf-8; set "encoding" for this section if the file is not utf-8']);
});

test('encoding = cp1252, latin1 and utf-16le (with BOM) read the exports Windows tools write', async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'w.csv'), Buffer.from([...Buffer.from('serial,name\nS1,'), 0x93, 0x4d, 0xfc, 0x80, 0x94, 0x0a]));
  fs.writeFileSync(path.join(dir, 'u.csv'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('serial,name\r\nS1,Zoë\r\n', 'utf16le')]));
  expect(await collect(source(dir, { filename: 'w.csv', encoding: 'windows-1252' }).source, read)).toEqual([{ serial: 'S1', name: '“Mü€”' }]);
  expect(await collect(source(dir, { filename: 'w.csv', encoding: 'latin1' }).source, read)).toEqual([{ serial: 'S1', name: '\u0093Mü\u0080\u0094' }]);
  expect(await collect(source(dir, { filename: 'u.csv', encoding: 'utf-16le' }).source, read)).toEqual([{ serial: 'S1', name: 'Zoë' }]);
  expect(() => csvAssets.settings.encoding.parse('ebcdic')).toThrow(/"ebcdic" is not one of: utf-8, latin1, cp1252, windows-1252, utf-16le/);
  expect(csvAssets.settings.encoding.parse('UTF8')).toBe('utf-8');
  expect(csvAssets.settings.encoding.default).toBe('utf-8');
});

test('a repeated header column stops the section before any row (file:1 and the column); unnamed columns may repeat', async () => {
  const dir = tempDir({ 'a.csv': 'serial,name, serial\nS1,a,S9\n', 'b.csv': 'serial,name,,\nS1,a,x,y\n' });
  await expect(collect(source(dir, { filename: 'a.csv' }).source, read)).rejects.toThrow(
    /a\.csv:1: column "serial" appears twice in the header \(columns 1 and 3\); rename one/,
  );
  await expect(source(dir, { filename: 'a.csv' }).source.check()).rejects.toThrow(/appears twice/);
  expect(await collect(source(dir, { filename: 'b.csv' }).source, read)).toEqual([{ serial: 'S1', name: 'a' }]);
});

test('directory mode checks every header first: a bad second file means no row of the first is read', async () => {
  const dir = tempDir({ 'in/1.csv': 'serial\nS1\n', 'in/2.csv': 'serial,serial\nS2,S3\n' });
  const { source: s } = source(dir, { directory: 'in' });
  const seen: unknown[] = [];
  await expect((async () => {
    for await (const row of s.read(read)) seen.push(row);
  })()).rejects.toThrow(/2\.csv:1: column "serial" appears twice/);
  expect(seen).toEqual([]);
});

test('headers that cannot be trusted: invalid bytes, UTF-16 read as UTF-8 (NULs), a malformed header row', async () => {
  const dir = tempDir({ 'q.csv': 'serial,"name\nS1,a\n' });
  fs.writeFileSync(path.join(dir, 'l.csv'), Buffer.from([...Buffer.from('serial,n'), 0xe4, ...Buffer.from('me\nS1,a\n')]));
  fs.writeFileSync(path.join(dir, 'u.csv'), Buffer.from('serial,name\nS1,a\n', 'utf16le'));
  await expect(collect(source(dir, { filename: 'l.csv' }).source, read)).rejects.toThrow(/l\.csv:1: the header row cannot be read: byte 0xE4 in column 2 is not valid utf-8/);
  await expect(collect(source(dir, { filename: 'u.csv' }).source, read)).rejects.toThrow(/u\.csv:1: the header row contains NUL characters; if the file is UTF-16, set encoding = utf-16le/);
  await expect(collect(source(dir, { filename: 'q.csv' }).source, read)).rejects.toThrow(/q\.csv:1: the header row is malformed: a quote opened on this line/);
});

test('an unterminated quote is one failure at the line where it opened; the rows before it arrive', async () => {
  const dir = tempDir({ 'a.csv': 'serial,name\nS1,a\nS2,"oops\nS3,c\nS4,d\n' });
  const { ctx, source: s } = source(dir, { filename: 'a.csv' });
  expect(await collect(s, read)).toEqual([{ serial: 'S1', name: 'a' }]);
  expect(failures(ctx)).toEqual(['a.csv:3 a quote opened on this line (column 2) is never closed, so lines 3 to 5 (the end of the file) could not be read']);
});

test('a row with the wrong number of columns is reported at the line where it starts', async () => {
  const dir = tempDir({ 'a.csv': 'serial,name\r\nS1,"two\r\nlines"\r\nS2\r\nS3,c\r\n' });
  const { ctx, source: s } = source(dir, { filename: 'a.csv' });
  expect(await collect(s, read)).toEqual([{ serial: 'S1', name: 'two\r\nlines' }, { serial: 'S3', name: 'c' }]);
  expect(failures(ctx)).toEqual(['a.csv:4 the header has 2 columns, this row has 1']);
});
