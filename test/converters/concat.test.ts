import { concat } from '../../src/converters/concat.js';

const record = { givenName: ' Jane ', sn: 'Doe', empty: '', nothing: null, count: 5, general: { name: 'Mac-01' }, cn: ['Jane Doe', 'J. Doe'] };
const run = (params: Record<string, string | true>, rec: Record<string, unknown> = record) =>
  concat({ field: 'f', record: rec, value: undefined, params });

describe('concat', () => {
  // Expected values match the original's converters/concat.py for the same record and params.
  test.each([
    ["givenName,' ',sn", 'Jane Doe'],
    ['"Mr. ",sn', 'Mr. Doe'],
    ['sn,missing,givenName', 'DoeJane'],
    ['empty', ''],
    ['"', ''],
    ["'a,b'", ''], // the comma splits the quoted text, as in the original: "'a" and "b'" are (missing) field names
    ['general.name', 'Mac-01'],
    ['cn,"!"', 'Jane Doe!'],
  ])('values=%s -> %j', (values, expected) => {
    expect(run({ values })).toBe(expected);
  });

  test.each([
    ['missing values param', {}],
    ['values as a flag', { values: true as const }],
    ['empty values', { values: '' }],
    ['empty part', { values: 'sn,,givenName' }],
    ['field holding null', { values: 'sn,nothing' }],
    ['field holding a number', { values: 'count' }],
  ])('%s gives null', (_label, params) => {
    expect(run(params)).toBeNull();
  });

  test('a record that is not an object reads every field as missing', () => {
    expect(concat({ field: 'f', record: null as unknown as Record<string, unknown>, value: undefined, params: { values: 'a,"x"' } })).toBe('x');
  });
});
