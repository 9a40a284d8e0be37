import { macModelForSerial, macModelFromSn } from '../../src/converters/mac_model_from_sn.js';
import { MAC_MODEL_CODES } from '../../src/converters/macModelCodes.js';

const run = (record: Record<string, unknown>, value: unknown = 'MacBookPro12,1') =>
  macModelFromSn({ field: 'hardware.model', record, value, params: {} });

describe('mac_model_from_sn', () => {
  test.each([
    ['12 characters: last 4', 'C02PXXXXFVH3', 'MacBook Pro (Retina, 13-inch, Early 2015)'],
    ['11 characters: last 3', 'W8XXXXXX5RU', 'iMac (27-inch, Late 2009)'],
    ['lower case and spaces', '  c02pxxxxjk7q ', 'MacBook Air (Retina, 13-inch, 2018)'],
    ['scanned barcode with S prefix (13)', 'SC02PXXXXFVH3', 'MacBook Pro (Retina, 13-inch, Early 2015)'],
    ['scanned barcode with S prefix (12 = S + 11)', 'SW8XXXXXX5RU', 'iMac (27-inch, Late 2009)'],
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
    expect(run({ 'general.serial_number': 'C02PXXXXFVH3' })).toBe('MacBook Pro (Retina, 13-inch, Early 2015)');
  });

  test('the table: codes are 3 or 4 characters, each used once, names are Mac computers', () => {
    const seen = new Set<string>();
    for (const [name, codes] of MAC_MODEL_CODES) {
      expect(name).toMatch(/^(iMac|MacBook|Mac mini|Mac Pro|Xserve|eMac|iBook|PowerBook|Power Mac)/);
      for (const code of codes.split(' ')) {
        expect(code).toMatch(/^[0-9A-Z]{3,4}$/);
        expect(seen.has(code)).toBe(false);
        seen.add(code);
      }
    }
    expect(seen.size).toBeGreaterThan(6000);
  });

  test('macModelForSerial never calls out: it is synchronous and unknown codes are undefined', () => {
    expect(macModelForSerial('C02PXXXX0000')).toBeUndefined();
  });
});
