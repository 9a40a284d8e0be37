import { memberOf } from '../../src/converters/memberOf.js';

const run = (value: unknown, params: Record<string, string | true>) => memberOf({ field: 'memberOf', record: {}, value, params });

const groups = ['CN=Domain Admins,CN=Users,DC=example,DC=com', 'CN=Staff,OU=Groups,DC=example,DC=com'];

type Params = Record<string, string | true>;

describe('memberOf', () => {
  test.each<[string, unknown, Params, unknown]>([
    ['text contains the first param', 'CN=Domain Admins,CN=Users', { 'Domain Admins': 'Administrator', default: 'User' }, 'Administrator'],
    ['first matching param wins, in written order', 'CN=Staff,CN=Domain Admins', { Staff: 'Employee', 'Domain Admins': 'Administrator' }, 'Employee'],
    ['no match gives default', 'CN=Guests', { Staff: 'Employee', default: 'Guest' }, 'Guest'],
    ['no match, no default gives null', 'CN=Guests', { Staff: 'Employee' }, null],
    ['match is case-sensitive', 'cn=staff', { Staff: 'Employee', default: 'd' }, 'd'],
    ['list: any entry containing the text', groups, { Staff: 'Employee', default: 'Guest' }, 'Employee'],
    ['list: exact entry', ['Admins', 'Staff'], { Admins: 'A' }, 'A'],
    ['list: no entry matches', groups, { Contractors: 'C', default: 'Guest' }, 'Guest'],
    ['empty list gives default', [], { Staff: 'Employee', default: 'Guest' }, 'Guest'],
    ['empty text gives default', '', { Staff: 'Employee', default: 'Guest' }, 'Guest'],
    ['a flag param returns true', 'CN=Staff', { Staff: true }, true],
    ['a default flag returns true', 'x', { Staff: 'E', default: true }, true],
    ['only a default: returned even for null', null, { default: 'Guest' }, 'Guest'],
    ['dict value: its keys are searched (Python `in`)', { Staff: 1 }, { Staff: 'E' }, 'E'],
  ])('%s', (_label, value, params, expected) => {
    expect(run(value, params)).toEqual(expected);
  });

  test.each([
    ['null', null],
    ['undefined', undefined],
    ['number', 5],
  ])('a value that cannot be searched (%s) gives null, not the default', (_label, value) => {
    expect(run(value, { Staff: 'E', default: 'Guest' })).toBeNull();
  });

  test('params are not changed', () => {
    const params = { Staff: 'E', default: 'Guest' };
    run('x', params);
    expect(params).toEqual({ Staff: 'E', default: 'Guest' });
  });
});
