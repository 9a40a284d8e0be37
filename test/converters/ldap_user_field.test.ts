import { ldapUserField } from '../../src/converters/ldap_user_field.js';

const run = (value: unknown, record: Record<string, unknown>) => ldapUserField({ field: 'uid', record, value, params: {} });

describe('ldap_user_field', () => {
  test.each([
    ['uid present', 'jdoe', { sAMAccountName: 'JDOE' }, 'jdoe'],
    ['uid empty: sAMAccountName', '', { sAMAccountName: 'JDOE' }, 'JDOE'],
    ['uid missing: sAMAccountName', undefined, { sAMAccountName: 'JDOE' }, 'JDOE'],
    ['attribute name in another case', null, { samaccountname: 'jd' }, 'jd'],
    ['multi-valued uid', ['jdoe', 'john'], {}, 'jdoe'],
    ['multi-valued sAMAccountName', null, { sAMAccountName: ['jd', 'x'] }, 'jd'],
    ['empty uid list', [], { sAMAccountName: 'jd' }, 'jd'],
    ['neither', '', {}, null],
    ['sAMAccountName null', '', { sAMAccountName: null }, null],
    ['own non-text value kept', 1001, {}, 1001],
  ])('%s', (_label, value, record, expected) => {
    expect(run(value, record)).toEqual(expected);
  });
});
