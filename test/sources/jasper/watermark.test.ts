/** The storage state file: read where the setting says, replaced atomically, refused when it is not ours. */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../../src/errors.js';
import { WatermarkFile } from '../../../src/sources/jasper/watermark.js';
import { tempDir } from '../../helpers/runCli.js';

test('no file yet, or an empty one: no watermark', async () => {
  const dir = tempDir({ 'empty.db': '  \n' });
  expect(await new WatermarkFile(path.join(dir, 'storage.db'), 'jasper').read()).toBeUndefined();
  expect(await new WatermarkFile(path.join(dir, 'empty.db'), 'jasper').read()).toBeUndefined();
});

test("the original's file (the date-time alone) is read as it is", async () => {
  const dir = tempDir({ 'storage.db': '2016-04-01T10:00:00Z\n' });
  expect(await new WatermarkFile(path.join(dir, 'storage.db'), 'jasper').read()).toBe('2016-04-01T10:00:00Z');
});

test('a write replaces the file through a temporary one in the same folder, creating the folder; nothing else is left', async () => {
  const dir = tempDir({ 'state/storage.db': '2016-04-01T10:00:00Z' });
  const file = new WatermarkFile(path.join(dir, 'state', 'storage.db'), 'jasper');
  const renames: string[] = [];
  const rename = fs.promises.rename;
  fs.promises.rename = async (from, to) => {
    renames.push(`${path.relative(dir, String(from))} -> ${path.relative(dir, String(to))}`);
    return rename(from, to);
  };
  try {
    await file.write('2026-05-01T12:00:01.000Z');
  } finally {
    fs.promises.rename = rename;
  }
  expect(renames).toHaveLength(1);
  expect(renames[0]).toMatch(/^state\/\.storage\.db\.\d+\.[0-9a-f]{8}\.tmp -> state\/storage\.db$/);
  expect(fs.readFileSync(path.join(dir, 'state', 'storage.db'), 'utf8')).toBe('2026-05-01T12:00:01.000Z');
  expect(fs.readdirSync(path.join(dir, 'state'))).toEqual(['storage.db']);

  const nested = new WatermarkFile(path.join(dir, 'new', 'deeper', 'w.txt'), 'jasper');
  await nested.write('2026-05-01T12:00:02Z');
  expect(await nested.read()).toBe('2026-05-01T12:00:02Z');
});

test('a file that holds something else is refused (never overwritten by a later write)', async () => {
  const dir = tempDir({ 'storage.db': 'SQLite format 3' });
  const err = await new WatermarkFile(path.join(dir, 'storage.db'), 'jasper').read().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as Error).message).toMatch(/^\[jasper\] storage: the state file ".*storage\.db" does not hold a date-time/);
});

test('a write that cannot happen says where, and leaves no temporary file behind', async () => {
  const dir = tempDir({ 'state/placeholder': '' });
  fs.mkdirSync(path.join(dir, 'state', 'storage.db')); // a folder where the file should be: rename fails
  await expect(new WatermarkFile(path.join(dir, 'state', 'storage.db'), 'jasper').write('2026-05-01T12:00:01Z'))
    .rejects.toThrow(/cannot save the state file ".*storage\.db" \(E(ISDIR|EXIST|NOTEMPTY|PERM)\)/);
  expect(fs.readdirSync(path.join(dir, 'state')).sort()).toEqual(['placeholder', 'storage.db']);
  await expect(new WatermarkFile(path.join(dir, 'w'), 'jasper').write('secret-ish')).rejects.toThrow('not a date-time');
});
