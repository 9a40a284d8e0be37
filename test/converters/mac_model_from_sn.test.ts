import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadModelTable, macModelForSerial, macModelFromSn, prepareMacModel } from '../../src/converters/mac_model_from_sn.js';

// A made-up table: the converter's job is the lookup, the admin supplies the data.
const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'macmodels-'));
const tableFile = path.join(configDir, 'models.csv');
fs.writeFileSync(tableFile, '\uFEFFcode,name\n# comment\nFVH3,Test Book (4-char code)\n5RU,"Test Mac (3-char code, quoted)"\n\n');

const run = (record: Record<string, unknown>, value: unknown = 'MacBookPro12,1', table: string | null = tableFile) => {
  const params: Record<string, string> = table === null ? {} : { table };
  return prepareMacModel(params, { configDir })({ field: 'hardware.model', record, value, params });
};
const prepareError = (params: Record<string, string | true>) => {
  try {
    prepareMacModel(params, { configDir });
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected prepare to throw');
};

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

  test('the table file: header, comments and blank lines are skipped', () => {
    expect([...loadModelTable(tableFile).entries()]).toEqual([
      ['FVH3', 'Test Book (4-char code)'],
      ['5RU', 'Test Mac (3-char code, quoted)'],
    ]);
    expect(macModelForSerial('C02PXXXX0000', loadModelTable(tableFile))).toBeUndefined();
  });

  test('a relative table= resolves against the INI folder, not the working directory', () => {
    expect(process.cwd()).not.toBe(configDir);
    expect(run({ general: { serial_number: 'C02PXXXXFVH3' } }, 'x', 'models.csv')).toBe('Test Book (4-char code)');
  });

  test.each([
    ['a missing table', { table: 'missing.csv' }, `cannot read the model table "${path.join(configDir, 'missing.csv')}": file not found`],
    ['a folder', { table: '.' }, `cannot read the model table "${configDir}": is a folder`],
    ['table without a file', { table: true as const }, 'mac_model_from_sn: table= needs the path of a code,name CSV file'],
    ['an empty table=', { table: ' ' }, 'mac_model_from_sn: table= needs the path of a code,name CSV file'],
    ['a misspelt argument', { tabel: 'models.csv' }, 'mac_model_from_sn takes only table=<file>, not "tabel"'],
  ])('prepare refuses %s', (_label, params, message) => {
    expect(prepareError(params)).toBe(message);
  });

  test.each([
    ['a line without a comma', 'code,name\nFVH3,Book\nbad line\n', 'line 3 is not "code,name" with a 3- or 4-character model code: "bad line"'],
    ['a code that is no model code', 'FVH3,Book\nTOOLONG,Book\n', 'line 2 is not "code,name"'],
    ['a code without a name', 'FVH3,\n', 'line 1 is not "code,name"'],
    ['only a header', 'code,name\n# nothing yet\n', 'holds no "code,name" lines'],
  ])('a malformed table is refused with its line: %s', (_label, text, message) => {
    fs.writeFileSync(path.join(configDir, 'bad.csv'), text);
    expect(prepareError({ table: 'bad.csv' })).toContain(message);
  });

  test('the unprepared registry entry never reads a table from the working directory', () => {
    const input = { field: 'hardware.model', record: { general: { serial_number: 'C02PXXXXFVH3' } }, value: 'x' };
    expect(() => macModelFromSn({ ...input, params: { table: 'models.csv' } })).toThrow(/read when the config loads/);
    expect(macModelFromSn({ ...input, params: {} })).toBe('x');
  });
});
