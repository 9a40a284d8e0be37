import { split } from '../../src/converters/split.js';

const run = (value: unknown, params: Record<string, string | true> = {}) => split({ field: 'f', record: {}, value, params });

describe('split', () => {
  // Expected values match the original's converters/split.py (Python str.split and indexing).
  test.each([
    ['jdoe@example.com', { on: '@' }, 'jdoe'],
    ['jdoe@example.com', { on: '@', index: '1' }, 'example.com'],
    ['a/b/c', { on: '/', index: '-1' }, 'c'],
    ['a/b/c', { on: '/', index: ' 2 ' }, 'c'],
    ['a::b', { on: '::', index: '1' }, 'b'],
    ['  one   two  ', {}, 'one'], // no `on`: runs of whitespace, leading ones ignored
    ['  one \t two  ', { index: '1' }, 'two'],
    ['a b c', { index: true as const }, 'b'], // a bare flag is int(True) = 1 in Python
    [['x@y', 'z@w'], { on: '@' }, 'x'],
  ])('%j with %j -> %j', (input, params, expected) => {
    expect(run(input, params)).toBe(expected);
  });

  test.each([
    ['index out of range', 'a@b', { on: '@', index: '5' }],
    ['negative index out of range', 'a@b', { on: '@', index: '-3' }],
    ['index beyond 2^53', 'a@b', { on: '@', index: '99999999999999999999' }],
    ['negative index beyond -2^53', 'a@b', { on: '@', index: '-99999999999999999999' }],
    ['index not a number', 'a@b', { on: '@', index: 'x' }],
    ['index with a fraction', 'a@b', { on: '@', index: '1.0' }],
    ['empty separator', 'a@b', { on: '' }],
    ['separator as a flag', 'a@b', { on: true as const }],
    ['only whitespace', '   ', {}],
  ])('%s: the value comes back unchanged', (_label, input, params) => {
    expect(run(input, params)).toBe(input);
  });

  test.each([
    ['empty', ''],
    ['null', null],
    ['undefined', undefined],
    ['number', 42],
    ['object', { a: 'b' }],
  ])('%s comes back unchanged', (_label, input) => {
    expect(run(input, { on: '@' })).toEqual(input);
  });
});
