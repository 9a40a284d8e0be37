import { dateFormat } from '../../src/converters/date_format.js';

const run = (value: unknown, params: Record<string, string | true> = {}) => dateFormat({ field: 'f', record: {}, value, params });

describe('date_format', () => {
  // Expected values were produced by the original converter (arrow 0.12.1) for the same input.
  test.each([
    ['2016-05-16 10:00:00', 1463392800], // Jamf report_date
    ['2016-05-16 10:00:00.5', 1463392800], // the fixed format matches a prefix
    ['2016-05-16', 1463356800],
    ['2016-05-16T10:00:00+02:00', 1463385600],
    ['2016-05-16T10:00:00Z', 1463392800],
    ['2016-05-16T10:00', 1463392800],
    ['2016/05/16', 1463356800],
    ['2016-05', 1462060800],
    ['2016.05', 2016], // float() accepts it first: epoch seconds
    ['2016', 2016],
    ['abc 2016', 'abc 2016'], // a space selects the fixed format, which does not match
    ['05/16/2016', 1451606400], // arrow finds the year only
    ['x2016.05.16y', 1463356800],
    ['1500000000', 1500000000],
    ['-1.5', -2],
  ])('%j -> %j', (input, expected) => {
    expect(run(input)).toBe(expected);
  });

  test.each([
    ['2016-13-01'],
    ['2016-02-30'],
    ['2016-05-16 10:00'], // has a space but no seconds
    ['May 16 2016'],
    ['1500000000000'], // milliseconds: past year 9999
    [''],
    ['not a date'],
  ])('%j does not parse and comes back unchanged', (input) => {
    expect(run(input)).toBe(input);
  });

  test.each([
    ['null', null],
    ['undefined', undefined],
    ['a number (the original only reads text)', 1463392800],
    ['boolean', true],
    ['object', { a: 1 }],
  ])('%s comes back unchanged', (_label, input) => {
    expect(run(input)).toEqual(input);
  });

  test('a Date (SQL Server datetime) converts to epoch seconds, floored', () => {
    expect(run(new Date(Date.UTC(2016, 4, 16, 10, 0, 0, 999)))).toBe(1463392800);
  });

  test('an invalid Date comes back unchanged', () => {
    const bad = new Date(NaN);
    expect(run(bad)).toBe(bad);
  });

  test('a list is read as its first value', () => {
    expect(run(['2016-05-16', '2017-01-01'])).toBe(1463356800);
  });

  test.each([
    ['%Y-%m-%d', '2016-05-16T10:07:09+02:00', '2016-05-16'],
    ['%d/%m/%y %H:%M:%S', '2016-05-16 22:07:09', '16/05/16 22:07:09'],
    ['%a %A %b %B', '2016-05-16', 'Mon Monday May May'],
    ['%I:%M %p', '2016-05-16 22:07:09', '10:07 PM'],
    ['%I %p', '2016-05-16 00:07:09', '12 AM'],
    ['%j', '2016-12-31', '366'],
    ['%f', '2016-05-16T10:07:09.1234567', '123457'],
    ['%Z %z %%', '2016-05-16', 'UTC +0000 %'],
    ['%Q stays', '2016-05-16', '%Q stays'],
  ])('format=%s on %j -> %j (UTC)', (format, input, expected) => {
    expect(run(input, { format })).toBe(expected);
  });

  test('format on a value that does not parse returns the value', () => {
    expect(run('garbage', { format: '%Y' })).toBe('garbage');
  });
});
