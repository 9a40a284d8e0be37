import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadModelTable, macModelForSerial, macModelFromSn } from '../../src/converters/mac_model_from_sn.js';

// A made-up table: the converter's job is the lookup, the admin supplies the data.
const tableFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'macmodels-')), 'models.csv');
fs.writeFileSync(tableFile, '\uFEFFcode,name\n# comment\nFVH3,Test Book (4-char code)\n5RU,"Test Mac (3-char code, quoted)"\n\nbad line\n');

const run = (record: Record<string, unknown>, value: unknown = 'MacBookPro12,1', table: string | null = tableFile) =>
  macModelFromSn({ field: 'hardware.model', record, value, params: table === null ? {} : { table } });

describe('mac_model_from_sn', () => {
  test.each([
    ['12 characters: last 4', 'C02PXXXXFVH3', 'Test Book (4-char code)'],
    ['11 characters: last 3', 'W8XXXXXX5RU', 'Test Mac (3-char code, quoted)'],
    ['lower case and spaces', '  c02pxxxxfvh3 ', 'Test Book (4-char code)'],
    ['scanned barcode with S prefix (13)', 'SC02PXXXXFVH3', 'Test Book (4-char code)'],
    ['scanned barcode with S prefix (12 = S + 11)', 'SW8XXXXXX5RU', 'Test Mac (3-char code, quoted)'],
  ])('%s', (_label, serial, expected) => {
    expect(run({ general: { serial_number: serial } })).toBe(expected);
  });

  test.each([
    ['unknown model code', 'C02PXXXXZZZZ'],
    ['random 10-character serial (2021 and later)', 'K7XQ4WJ2N1'],
    ['too short', 'ABC'],
    ['empty serial', ''],
    ['blank serial', '   '],
    ['null serial', null],
  ])('%s: the mapped value comes back', (_label, serial) => {
    expect(run({ general: { serial_number: serial } })).toBe('MacBookPro12,1');
  });

  test('without a table the mapped value comes back (no network lookup, ever)', () => {
    expect(run({ general: { serial_number: 'C02PXXXXFVH3' } }, 'MacBookPro12,1', null)).toBe('MacBookPro12,1');
  });

  test('a numeric serial is read as text', () => {
    expect(run({ general: { serial_number: 12345678901 } })).toBe('MacBookPro12,1');
  });

  test.each([
    ['no general', {}],
    ['general without serial_number', { general: { name: 'x' } }],
    ['general is not an object', { general: 'x' }],
  ])('%s gives null (the original raised)', (_label, record) => {
    expect(run(record)).toBeNull();
  });

  test('a flattened key "general.serial_number" is found', () => {
    expect(run({ 'general.serial_number': 'C02PXXXXFVH3' })).toBe('Test Book (4-char code)');
  });

  test('the table file: header, comments, blank and malformed lines are skipped', () => {
    expect([...loadModelTable(tableFile).entries()]).toEqual([
      ['FVH3', 'Test Book (4-char code)'],
      ['5RU', 'Test Mac (3-char code, quoted)'],
    ]);
    expect(macModelForSerial('C02PXXXX0000', loadModelTable(tableFile))).toBeUndefined();
  });

  test('a missing table file throws (the pipeline turns it into null and a warning)', () => {
    expect(() => run({ general: { serial_number: 'C02PXXXXFVH3' } }, 'x', '/nonexistent/models.csv')).toThrow(/ENOENT/);
  });
});
