import { ldapTimestamp } from '../../src/converters/ldap_timestamp.js';

const run = (value: unknown) => ldapTimestamp({ field: 'lastLogonTimestamp', record: {}, value, params: {} });

describe('ldap_timestamp', () => {
  // Expected values were produced by the original converter for the same input.
  test.each([
    ['132514357623456789', 1606962162],
    [132514357629999999n, 1606962163], // .9999999 s rounds up to the next second, as the original's float math does
    ['0', -11644473600], // "never": 1601-01-01
    ['-1', -11644473600],
    ['9223372036854775807', 253402300799], // accountExpires "never": arrow's max
    ['1834302482441771990', 171785774644],
    ['2031942628228394741', 191549789222],
    ['-1289585430775835295', 253402300799], // before year 1: the original also returns the max
    ['8384636682954395768', 253402300799],
    [' 116444736000000000 ', 0],
    ['116_444_736_000_000_000', 0],
    [116444736000000000, 0],
    [true, -11644473600], // int(True) is 1
  ])('%p -> %p', (input, expected) => {
    expect(run(input)).toBe(expected);
  });

  test.each([
    ['LDAP generalized time', '20240102030405.0Z'],
    ['text', 'never'],
    ['empty', ''],
    ['fraction in text', '1.5'],
    ['null', null],
    ['undefined', undefined],
    ['object', { a: 1 }],
  ])('%s comes back unchanged', (_label, input) => {
    expect(run(input)).toEqual(input);
  });

  test.each([
    [['132514357623456789', '0'], 1606962162],
    [[], ''],
  ])('a multi-valued attribute is read as its first value: %j', (input, expected) => {
    expect(run(input)).toBe(expected);
  });
});
