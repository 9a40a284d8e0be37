import { arrowGet, arrowParse, daysFromCivil, fromTimestamp } from '../../src/converters/arrowTime.js';

describe('arrow 0.12.1 date reading', () => {
  // Random inputs whose expected epoch seconds came from running the original's arrow 0.12.1 (undefined = arrow raised).
  test.each<[string | number, number | undefined]>([
    ['7487-03-11t12:32:48,5', 174105676800],
    ['2416.05.16t20:47:44-0530', 14086137600],
    ['9326-05-18T05:35:04-23:59', 232144896844],
    ['3240/04/25t17:13:08', 40087267200],
    ['3542-04-03t24:01:10,7', 49615459200],
    ['4221-11-28t21:27:09-0530', 71063308800],
    ['3668-04-06 11:43:36', 53592061416],
    ['6511/01/05t08:20:36.12050503Z', 143300448000],
    ['7018-01-13T21:19:50+02:00', 159300587990],
    ['1474x05x27t14:59:21.7288103-23:59', -15639609600],
    ['5552-03-11T12:05:01,5-0530', 113043058501],
    ['0636.01.21t23:59:44,4+14', -42095289600],
    ['0785-06-23t08:00:20.60899975+14', -37380009600],
    ['2668x10x14 05:45:27.56542771+02:00', undefined],
    ['5782/01/23 23:42:46.22776415', undefined],
    ['3198/12/15T12:47:51.69476293-23:59', undefined],
    ['9830x06x30 05:44:54,9', undefined],
    ['7462x04x26T19:16:56,6-23:59', undefined],
    ['2435109212666316924', undefined],
    [233096544694.636, 233096544694],
    [38081147175.11691, 38081147175],
    [262827213721.44232, undefined],
  ])('%j -> %j', (input, expected) => {
    expect(arrowGet(input)?.seconds).toBe(expected);
  });

  test('microseconds: rounded half-even from the 7th digit', () => {
    expect(arrowGet('2016-05-16T10:00:00.1234565')).toEqual({ seconds: 1463392800, microsecond: 123456 });
    expect(arrowGet('2016-05-16T10:00:00.1234575')).toEqual({ seconds: 1463392800, microsecond: 123458 });
    expect(fromTimestamp(-1.5)).toEqual({ seconds: -2, microsecond: 500000 });
  });

  test('arrowParse with a fixed format searches the text', () => {
    expect(arrowParse('at 2016-05-16 10:00:00 UTC', 'YYYY-MM-DD HH:mm:ss')?.seconds).toBe(1463392800);
    expect(arrowParse('2016-05-16', 'YYYY-MM-DD HH:mm:ss')).toBeUndefined();
  });

  test.each([[1970, 1, 1, 0], [2000, 3, 1, 11017], [1, 1, 1, -719162], [9999, 12, 31, 2932896]])('daysFromCivil(%p-%p-%p) = %p', (y, m, d, expected) => {
    expect(daysFromCivil(y, m, d)).toBe(expected);
  });
});
