import { capitalize } from '../../src/converters/capitalize.js';

const run = (value: unknown) => capitalize({ field: 'f', record: {}, value, params: {} });

describe('capitalize', () => {
  // Expected values are what the original (Python str.capitalize) returns.
  test.each([
    ['hELLO wORLD', 'Hello world'],
    ['jane', 'Jane'],
    ['éCOLE', 'École'],
    ['ß', 'Ss'],
    ['ǆungla', 'ǅungla'],
    ['1ABC', '1abc'],
    [' lead', ' lead'],
  ])('%j -> %j', (input, expected) => {
    expect(run(input)).toBe(expected);
  });

  test.each([
    ['empty string', '', ''],
    ['null', null, null],
    ['undefined', undefined, undefined],
    ['zero', 0, 0],
    ['number', 42, 42],
    ['true', true, true],
    ['object', { a: 1 }, { a: 1 }],
  ])('%s comes back unchanged', (_label, input, expected) => {
    expect(run(input)).toEqual(expected);
  });

  test.each([
    [['jOHN', 'x'], 'John'],
    [[], ''],
  ])('a list is read as its first value (LDAP multi-valued): %j', (input, expected) => {
    expect(run(input)).toBe(expected);
  });
});
