import { lastFromFull } from '../../src/converters/last_from_full.js';

const run = (value: unknown) => lastFromFull({ field: 'f', record: {}, value, params: {} });

describe('last_from_full', () => {
  test.each([
    ['Jane Doe', 'Doe'],
    ['Jane Q Doe', 'Doe'],
    ['Cher', 'Cher'],
    ['Jane Doe ', ''],
    [['Jane Doe', 'x'], 'Doe'],
  ])('%j -> %j', (input, expected) => {
    expect(run(input)).toBe(expected);
  });

  test.each([
    ['empty', '', ''],
    ['null', null, null],
    ['undefined', undefined, undefined],
    ['empty list', [], ''],
    ['number (the original raised)', 12, null],
    ['true (the original raised)', true, null],
  ])('%s -> %j', (_label, input, expected) => {
    expect(run(input)).toEqual(expected);
  });
});
