import { splitEmail } from '../../src/converters/split_email.js';

const run = (value: unknown) => splitEmail({ field: 'f', record: {}, value, params: {} });

describe('split_email', () => {
  test.each([
    ['jdoe@example.com', 'jdoe'],
    ['a@b@c', 'a'],
    ['no-at-sign', 'no-at-sign'],
    ['@example.com', ''],
    [['jdoe@example.com', 'j@x'], 'jdoe'],
  ])('%j -> %j', (input, expected) => {
    expect(run(input)).toBe(expected);
  });

  test.each([
    ['empty', '', ''],
    ['null', null, null],
    ['undefined', undefined, undefined],
    ['number (the original raised)', 5, null],
    ['object (the original raised)', { mail: 'x@y' }, null],
  ])('%s -> %j', (_label, input, expected) => {
    expect(run(input)).toEqual(expected);
  });
});
