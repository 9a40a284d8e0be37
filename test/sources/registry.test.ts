/** The source registry: one lazy loader per section type, sorted, each loading the plugin its key names. */
import fs from 'node:fs';
import path from 'node:path';
import { findSource, hasSource, loadAllSources, sourceLoaders, sourceTypes } from '../../src/sources/registry.js';

test('the registry lists its section types in sorted order, one line each', () => {
  const keys = Object.keys(sourceLoaders);
  expect(keys).toEqual([...keys].sort());
  expect(sourceTypes).toEqual([...keys].sort());
  // One line per source, so that helpers adding sources touch one line each.
  const text = fs.readFileSync(path.join(process.cwd(), 'src/sources/registry.ts'), 'utf8');
  for (const key of keys) expect(text.split('\n').filter((l) => l.startsWith(`  ${key}: () => import(`))).toHaveLength(1);
});

test('each loader gives the plugin of its own section type', async () => {
  const all = await loadAllSources();
  expect([...all.keys()]).toEqual(sourceTypes);
  for (const [type, plugin] of all) {
    expect(plugin.name).toBe(type);
    expect(typeof plugin.create).toBe('function');
    expect(plugin.settings).toEqual(expect.any(Object));
  }
});

test('findSource loads one type; unknown types (and Object.prototype names) are not sources', async () => {
  expect((await findSource('csv_assets'))?.name).toBe('csv_assets');
  expect(hasSource('ldap')).toBe(true);
  for (const name of ['nope', 'constructor', 'toString', '__proto__']) {
    expect(hasSource(name)).toBe(false);
    expect(await findSource(name)).toBeUndefined();
  }
});
