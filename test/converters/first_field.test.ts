import { firstField } from '../../src/converters/first_field.js';

const record = { mail: '', upn: '  u@example.com  ', sn: 'Doe', nothing: null, count: 3, general: { email: 'g@example.com' }, proxy: ['p@example.com'] };
const run = (value: unknown, params: Record<string, string | true>) => firstField({ field: 'f', record, value, params });

describe('first_field', () => {
  test.each([
    ['own value wins', 'own', { fields: 'sn' }, 'own'],
    ['own non-text value wins', 7, { fields: 'sn' }, 7],
    ['first non-blank field, stripped', '', { fields: 'mail,upn,sn' }, 'u@example.com'],
    ['missing fields are skipped', null, { fields: 'nope,sn' }, 'Doe'],
    ['dotted path', undefined, { fields: 'general.email' }, 'g@example.com'],
    ['multi-valued field gives its first value', 0, { fields: 'proxy' }, 'p@example.com'],
    ['own list value gives its first value', ['a', 'b'], { fields: 'sn' }, 'a'],
    ['nothing found', '', { fields: 'mail,nope' }, null],
  ])('%s', (_label, value, params, expected) => {
    expect(run(value, params)).toEqual(expected);
  });

  test.each([
    ['no fields param', {}],
    ['fields as a flag', { fields: true as const }],
    ['a listed field holds null (the original raised)', { fields: 'nothing,sn' }],
    ['a listed field holds a number (the original raised)', { fields: 'count,sn' }],
  ])('%s gives null', (_label, params) => {
    expect(run(null, params)).toBeNull();
  });
});
