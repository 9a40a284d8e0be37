import { firstFromFull } from '../../src/converters/first_from_full.js';

const run = (value: unknown) => firstFromFull({ field: 'f', record: {}, value, params: {} });

describe('first_from_full', () => {
  test.each([
    ['Jane Doe', 'Jane'],
    ['Jane Q Doe', 'Jane'],
    ['Cher', 'Cher'],
    [' Jane Doe', ''], // split on single spaces, as the original does
    ['Jane\tDoe', 'Jane\tDoe'],
    [['Jane Doe', 'x'], 'Jane'],
  ])('%j -> %j', (input, expected) => {
    expect(run(input)).toBe(expected);
  });

  test.each([
    ['empty', '', ''],
    ['null', null, null],
    ['undefined', undefined, undefined],
    ['zero', 0, 0],
    ['number (the original raised)', 12, null],
    ['object (the original raised)', { a: 1 }, null],
  ])('%s -> %j', (_label, input, expected) => {
    expect(run(input)).toEqual(expected);
  });
});
