import { firstValue, isTruthy, pyFloat, pyInt, pySplitWhitespace, pyStrip, roundHalfEven } from '../../src/converters/python.js';

describe('Python semantics helpers', () => {
  test.each([
    [null, false], [undefined, false], [false, false], [0, false], [0n, false], ['', false], [[], false], [{}, false],
    [new Map(), false], [true, true], [NaN, true], [' ', true], ['0', true], [[0], true], [{ a: 0 }, true], [new Date(0), true],
  ])('isTruthy(%p) = %p', (value, expected) => {
    expect(isTruthy(value)).toBe(expected);
  });

  test.each([
    ['12', 12n], [' -7 ', -7n], ['+3', 3n], ['1_000', 1000n], [1.9, 1n], [-1.9, -1n], [true, 1n], [5n, 5n],
    ['1.0', undefined], ['1__0', undefined], ['_1', undefined], ['', undefined], ['0x10', undefined], [NaN, undefined], [null, undefined],
  ])('pyInt(%p) = %p', (value, expected) => {
    expect(pyInt(value)).toBe(expected);
  });

  test.each([
    ['1.5', 1.5], [' 1e3 ', 1000], ['.5', 0.5], ['5.', 5], ['-inf', -Infinity], ['Infinity', Infinity], ['1_0.5', 10.5],
    ['1.5.', undefined], ['e5', undefined], ['', undefined], ['abc', undefined], [null, undefined],
  ])('pyFloat(%p) = %p', (value, expected) => {
    expect(pyFloat(value)).toBe(expected);
  });

  test('pyFloat("nan") is NaN', () => {
    expect(pyFloat('nan')).toBeNaN();
  });

  test.each([
    ['  a \t b\n', ['a', 'b']], ['', []], ['   ', []], ['a\u00a0b', ['a', 'b']], ['a\u200bb', ['a\u200bb']],
  ])('pySplitWhitespace(%j) = %j', (text, expected) => {
    expect(pySplitWhitespace(text)).toEqual(expected);
  });

  test('pyStrip strips Python whitespace only', () => {
    expect(pyStrip('\x1c a \u3000')).toBe('a');
    expect(pyStrip('\ufeffa')).toBe('\ufeffa');
  });

  test.each([[0.5, 0], [1.5, 2], [2.5, 2], [2.4, 2], [2.6, 3], [-0.5, 0], [-1.5, -2]])('roundHalfEven(%p) = %p', (x, expected) => {
    expect(roundHalfEven(x)).toBe(expected);
  });

  test.each([[['a', 'b'], 'a'], [[], ''], ['x', 'x'], [null, null]])('firstValue(%j) = %j', (value, expected) => {
    expect(firstValue(value)).toEqual(expected);
  });
});
