import { timestamp } from '../../src/converters/timestamp.js';

const run = (value: unknown) => timestamp({ field: 'Last_inventory', record: {}, value, params: {} });

describe('timestamp', () => {
  // Expected values were produced by the original converter (arrow 0.12.1), including its quirks:
  // lower-case 't' is not a date/time divider, so only the date is read; '.' in a format matches any character.
  test.each([
    ['2016-05-16T10:00:00+02:00', 1463385600],
    ['2016-05-16 10:00:00', 1463392800],
    ['2016-05-16T10:00:00.123456-0730', 1463419800],
    ['1500000000', 1500000000],
    [' 1_000 ', 1000],
    ['1e9', 1000000000],
    ['-1.5', -2],
    [1500000000, 1500000000],
    [1500000000.9, 1500000000],
    [253402300799, 253402300799],
    [-62135596800, -62135596800],
    ['7487-03-11t12:32:48,5', 174105676800],
    ['9653x02x16t09:00:09,9+02:00', 242456112000],
    ['6500-05-02T18:15:12,8Z', 142963553712],
    ['3339-03-14T21:21:45.64387905+14', 43207716105],
    ['2719-10-11 23:40:47.52948592-0530', 23660658647],
    ['0105-06-27t23:58:29Z', -58838400000],
  ])('%j -> %j', (input, expected) => {
    expect(run(input)).toBe(expected);
  });

  test.each([
    ['1500000000000'], // milliseconds are past year 9999 for arrow 0.12.1
    [1500000000000],
    [253402300800],
    [-62135596801],
    ['inf'],
    ['nan'],
    ['2016-13-01'],
    ['9608-12-00t25:24:29-0530'],
    ['8010.06.31T06:50:34,1+02:00'],
    ['2016-05-16T10:00:00+25:00'],
    ['2016-05-16T10:00:00.9999995Z'], // rounds to 1,000,000 microseconds: Python refuses it
    [''],
    ['yesterday'],
  ])('%j does not parse and comes back unchanged', (input) => {
    expect(run(input)).toBe(input);
  });

  test.each([
    ['null', null],
    ['undefined', undefined],
    ['true (arrow refuses booleans)', true],
    ['object', { a: 1 }],
  ])('%s comes back unchanged', (_label, input) => {
    expect(run(input)).toEqual(input);
  });

  test('a Date converts to epoch seconds', () => {
    expect(run(new Date('2016-05-16T10:00:00.750Z'))).toBe(1463392800);
  });

  test('a list is read as its first value', () => {
    expect(run(['1500000000', '1'])).toBe(1500000000);
  });
});
