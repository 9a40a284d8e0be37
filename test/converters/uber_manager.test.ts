import { uberManager } from '../../src/converters/uber_manager.js';

const run = (value: unknown) => uberManager({ field: 'manager', record: {}, value, params: {} });

describe('uber_manager', () => {
  test.each([
    ['uid=jdoe,ou=People,dc=example,dc=com', 'jdoe'],
    ['uid=jdoe', 'jdoe'],
    ['cn=Jane,uid=jdoe', 'cn=Jane,uid=jdoe'], // uid must come first, as in the original
    ['UID=jdoe,ou=x', 'UID=jdoe,ou=x'],
    [['uid=a,ou=x', 'uid=b,ou=x'], 'a'],
  ])('%j -> %j', (input, expected) => {
    expect(run(input)).toBe(expected);
  });

  test.each([
    ['empty', ''],
    ['null', null],
    ['undefined', undefined],
    ['number', 5],
    ['object', { uid: 'x' }],
  ])('%s gives null', (_label, input) => {
    expect(run(input)).toBeNull();
  });
});
