/** The JSON file sources as the engine sees them: records out, bad records and bad files reported with file:line:column. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../../src/errors.js';
import { jsonAssets, jsonUsers } from '../../../src/sources/json/index.js';
import { readJsonFile } from '../../../src/sources/json/jsonFileReader.js';
import { tempDir } from '../../helpers/runCli.js';
import { collect, testContext } from '../casper/context.js';

type Settings = Parameters<typeof jsonAssets.create>[0];

function source(dir: string, settings: Partial<Settings>) {
  const ctx = { ...testContext({ section: 'json_assets' }), configDir: dir };
  const parsed = { filename: '', directory: '', records_path: '', ...settings, encoding: jsonAssets.settings.encoding.parse(settings.encoding ?? 'utf-8') };
  return { ctx, source: jsonAssets.create(parsed as Settings, ctx) };
}
const read = { fields: [], allFields: true };
const failures = (ctx: ReturnType<typeof testContext>) => ctx.failures.map((f) => `${path.basename(f.id)} ${(f.error as Error).message}`);

test('a list, a single object, records under a path, and a folder of *.json files in name order', async () => {
  const dir = tempDir({
    'list.json': JSON.stringify([{ serial: 'S1' }, { serial: 'S2', nested: { a: [1, 2] } }], null, 2),
    'one.json': '{"serial": "S3"}',
    'in/b.JSON': JSON.stringify({ meta: { n: 1 }, data: { items: [{ serial: 'B1' }] } }),
    'in/a.json': JSON.stringify({ data: { items: [{ serial: 'A1' }, { serial: 'A2' }] } }),
    'in/notes.txt': 'not read',
  });
  expect(await collect(source(dir, { filename: 'list.json' }).source, read)).toEqual([{ serial: 'S1' }, { serial: 'S2', nested: { a: [1, 2] } }]);
  expect(await collect(source(dir, { filename: 'one.json' }).source, read)).toEqual([{ serial: 'S3' }]);
  const folder = source(dir, { directory: 'in', records_path: 'data.items' });
  expect(await collect(folder.source, read)).toEqual([{ serial: 'A1' }, { serial: 'A2' }, { serial: 'B1' }]);
  expect(folder.ctx.failures).toEqual([]);
});

test('a record that is not an object, or not valid JSON, is reported at file:line:column; the records after it arrive', async () => {
  const text = '[\n  {"serial": "S1"},\n  "just a string",\n  {"serial": tru},\n  {"serial":\n    "S4" "x": 1}\n, {"serial": "S5"}\n]\n';
  const dir = tempDir({ 'a.json': text });
  const { ctx, source: s } = source(dir, { filename: 'a.json' });
  expect(await collect(s, read)).toEqual([{ serial: 'S1' }, { serial: 'S5' }]);
  expect(failures(ctx)).toEqual([
    'a.json:3:3 item 2 of the list is a string, not an object (a record)',
    'a.json:4:3 item 3 of the list is not valid JSON (Unexpected token \'}\', "{"serial": tru}" is not valid JSON)',
    'a.json:6:10 item 4 of the list is not valid JSON (Expected \',\' or \'}\' after property value in JSON at position 20)',
  ]);
});

test('a file cut off, or not JSON, is reported with its place and the next file is still read', async () => {
  const dir = tempDir({
    'in/1.json': '[{"serial": "S1"},\n {"serial": "S2", "more": [1,',
    'in/2.json': '\n\n  <html>oops</html>',
    'in/4.json': '',
    'in/5.json': '[{"serial": "S5"}]',
  });
  const { ctx, source: s } = source(dir, { directory: 'in' });
  expect(await collect(s, read)).toEqual([{ serial: 'S1' }, { serial: 'S5' }]);
  expect(failures(ctx)).toEqual([
    '1.json:2:30 the file ended in the middle of the JSON after 1 item(s) of the list (cut off?)',
    '2.json:3:3 the file is not JSON; it starts with "<html>oops</html>"',
    '4.json the file is empty (expected JSON with a list at "")',
  ]);
  fs.writeFileSync(path.join(dir, '3.json'), '{"items": "none"}');
  const nested = source(dir, { filename: '3.json', records_path: 'items' });
  await collect(nested.source, read);
  expect(failures(nested.ctx)).toEqual(['3.json:1:11 "items" is a string, not a list']);
});

test('encodings: a BOM, utf-16le (PowerShell 5.1 Out-File), latin1; bytes invalid in the encoding fail only their record', async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'bom.json'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[{"name": "Zoë"}]')]));
  fs.writeFileSync(path.join(dir, 'ps.json'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('[\r\n  {\r\n    "name": "Zoë"\r\n  }\r\n]', 'utf16le')]));
  fs.writeFileSync(path.join(dir, 'l1.json'), Buffer.from([...Buffer.from('[{"name": "Zo'), 0xeb, ...Buffer.from('"},\n{"name": "ok"}]')]));
  expect(await collect(source(dir, { filename: 'bom.json' }).source, read)).toEqual([{ name: 'Zoë' }]);
  expect(await collect(source(dir, { filename: 'ps.json' }).source, read)).toEqual([{ name: 'Zoë' }]);
  expect(await collect(source(dir, { filename: 'l1.json', encoding: 'latin1' }).source, read)).toEqual([{ name: 'Zoë' }, { name: 'ok' }]);
  const utf8 = source(dir, { filename: 'l1.json' });
  expect(await collect(utf8.source, read)).toEqual([{ name: 'ok' }]);
  expect(failures(utf8.ctx)).toEqual(['l1.json:1:2 item 1 of the list contains byte 0xEB, which is not valid utf-8; set "encoding" for this section if the file is not utf-8']);
});

test('streamed: the first record arrives while the rest of the file is still being written (a FIFO)', async () => {
  const dir = tempDir();
  const fifo = path.join(dir, 'pipe.json');
  execFileSync('mkfifo', [fifo]);
  const records = readJsonFile(fifo, { recordsPath: 'data', encoding: 'utf-8', onProblem: (p) => problems.push(p) });
  const problems: unknown[] = [];
  const first = records.next();
  const writer = fs.createWriteStream(fifo);
  writer.write(`{"data": [{"serial": "S0", "pad": "${'x'.repeat(70_000)}"},\n`);
  // A reader that loads the whole file would wait here for the end that is not written yet.
  expect(((await first).value as { serial: string }).serial).toBe('S0');
  writer.end('{"serial": "S1"}]}');
  const rest: unknown[] = [];
  for await (const r of records) rest.push(r);
  expect(rest).toEqual([{ serial: 'S1' }]);
  expect(problems).toEqual([]);
});

test('a big file cut off at its end: every record before the cut arrives, then the cut is reported', async () => {
  const dir = tempDir();
  // About 600 KB: ten chunks of the file stream.
  const items = Array.from({ length: 5_000 }, (_, i) => JSON.stringify({ serial: `S${i}`, pad: 'x'.repeat(100) }));
  fs.writeFileSync(path.join(dir, 'big.json'), `[\n${items.join(',\n')},\n{"serial": "cut`);
  const { ctx, source: s } = source(dir, { filename: 'big.json' });
  const serials = (await collect(s, read)).map((r) => r.serial);
  expect(serials).toEqual(items.map((_, i) => `S${i}`));
  expect(failures(ctx)).toEqual(['big.json:5002:16 the file ended in the middle of the JSON after 5000 item(s) of the list (cut off?)']);
});

test('settings: filename or directory (one of them), records_path keys; json_users has the defaults of csv_users', async () => {
  const dir = tempDir({ 'a.json': '[]', 'in/x.json': '[]' });
  expect(() => source(dir, {})).toThrow(ConfigError);
  expect(() => source(dir, {})).toThrow(/set "filename" \(one JSON file\) or "directory" \(a folder of \*\.json files\)/);
  expect(() => source(dir, { filename: 'a.json', directory: 'in' })).toThrow(/mutually exclusive/);
  expect(() => jsonAssets.settings.records_path.parse('data..items')).toThrow(/"data\.\.items" has an empty key/);
  expect(jsonUsers.settings.default_role.default).toBe('25');
  expect(jsonUsers.settings.default_position.default).toBe('Employee');
  expect(jsonAssets.mappingName({} as never)).toBe('JSON-assets');
  expect(jsonUsers.mappingName({} as never)).toBe('JSON-users');
  expect(jsonUsers.dataType).toBe('users');
});

test('check: names the first record\'s keys, an empty file, an empty folder, and a file that is not JSON', async () => {
  const dir = tempDir({ 'a.json': '[{"serial": "S1", "name": "n"}]', 'e.json': '[]', 'bad/x.json': '{"a":', 'empty/.keep': '' });
  expect(await source(dir, { filename: 'a.json' }).source.check()).toBe(`read "${path.join(dir, 'a.json')}"; first record has keys: serial, name`);
  expect(await source(dir, { filename: 'e.json' }).source.check()).toBe(`"${path.join(dir, 'e.json')}" has no records`);
  expect(await source(dir, { directory: 'empty' }).source.check()).toBe(`no *.json files in "${path.join(dir, 'empty')}"`);
  await expect(source(dir, { directory: 'bad' }).source.check()).rejects.toThrow(/x\.json:1:6: the file ended in the middle of the JSON/);
});
