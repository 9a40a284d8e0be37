import { builtinConverters, getBuiltinConverter } from '../../src/converters/index.js';
import type { ConverterParams } from '../../src/records.js';

const ORIGINAL_NAMES = [
  'capitalize', 'casper_extension_attribute', 'concat', 'date_format', 'first_field', 'first_from_full',
  'last_from_full', 'ldap_timestamp', 'ldap_user_field', 'location', 'mac_model_from_sn', 'memberOf', 'split',
  'split_email', 'timestamp', 'uber_manager',
];

describe('builtin converter registry', () => {
  test('holds every converter of the original (but uber_position), in sorted order', () => {
    const names = Object.keys(builtinConverters);
    expect(names).toEqual(ORIGINAL_NAMES);
    expect(names).toEqual([...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
  });

  test.each(ORIGINAL_NAMES)('%s is found by its name and in other cases', (name) => {
    const converter = builtinConverters[name as keyof typeof builtinConverters];
    expect(getBuiltinConverter(name)).toBe(converter);
    expect(getBuiltinConverter(name.toLowerCase())).toBe(converter);
    expect(getBuiltinConverter(name.toUpperCase())).toBe(converter);
  });

  test.each(['uber_position', 'nope', '', 'constructor', '__proto__', 'toString'])('%j is not a built-in', (name) => {
    expect(getBuiltinConverter(name)).toBeUndefined();
  });

  // The contract: never throw on bad input, whatever the converter.
  const awkward: unknown[] = [null, undefined, '', ' ', 0, -1, NaN, Infinity, true, [], [null], [1, 2], {}, { a: 1 }, new Date(NaN), 10n, Symbol('s')];
  const records: unknown[] = [{}, { general: null, extension_attributes: 5 }, null, []];
  test.each(ORIGINAL_NAMES)('%s never throws on awkward values, records and params', (name) => {
    const converter = getBuiltinConverter(name)!;
    const paramSets: ConverterParams[] = [{}, { on: true as const, index: 'x', values: ',', fields: ',', attr: true as const, field: '' }, { default: 'd', x: 'y' }];
    for (const value of awkward) {
      for (const record of records) {
        for (const params of paramSets) {
          expect(() => converter({ field: 'f', record: record as Record<string, unknown>, value, params })).not.toThrow();
        }
      }
    }
  });
});
