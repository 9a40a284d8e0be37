/** §10: key escaping, the mappings in effect, and records mapped with the template engine. */
import type { TemplateEngine } from '../../../src/managed/template/types.js';
import { attributeTemplate, effectiveManagedMappings, escapeKey, mapRecord } from '../../../src/managed/mappings.js';
import { useTemplateEngine } from '../../helpers/templateEngine.js';

let engine: TemplateEngine;
useTemplateEngine((e) => (engine = e));

test('top-level keys are escaped as the original does; nested keys are not', () => {
  expect(['@id', 'a.b', 'x-y', 'c:d', '#h', '$d', 'a/b', '*', '!', '£', '%', '^', '?', '=', '+', '&', '<', '>', '(', ')', 'a b'].map(escapeKey)).toEqual([
    '_AT_id', 'a_DOT_b', 'x_DASH_y', 'c_COLON_d', '_HASH_h', '_DOLLAR_d', 'a_SLASH_b', '_STAR_', '_EXCLAIM_', '_POUND_', '_PERCENT_', '_CIRCUM_',
    '_QUES_', '_EQUAL_', '_PLUS_', '_AMPERSAND_', '_LESSTHAN_', '_GRTRTHAN_', '_OPENBRAC_', '_CLOSEBRAC_', 'a_SPACE_b',
  ]);
  expect(['not', 'self', 'False', 'None', 'True', 'false', 'true', 'notes'].map(escapeKey)).toEqual(['_NOT_', '_SELF_', '_FALSE_', '_NONE_', '_TRUE_', '_FALSE_', '_TRUE_', 'notes']);
  expect(attributeTemplate('profile.email')).toBe('{{profile.email}}');
  expect(attributeTemplate('{{ a }}-x')).toBe('{{ a }}-x');
});

test('cloud, then INI lines, then forced APPLICATIONS/SAAS', () => {
  const m = effectiveManagedMappings(
    { USER: { type: 'attribute', value: 'login' }, TAG: { type: 'value', value: 'x' }, APPLICATIONS: { type: 'value', value: null } },
    { USER: { converter: 'capitalize' }, EMAIL: { source: 'mail' }, SITE: { hardcoded: 'HQ' }, ROLE: { setting: 'role' } } as never,
    { role: '25' },
    { software: true, saas: true },
  );
  expect(m).toEqual({
    USER: { type: 'attribute', value: 'login', converter: 'capitalize' },
    TAG: { type: 'value', value: 'x' },
    APPLICATIONS: { type: 'attribute', value: 'software' },
    EMAIL: { type: 'attribute', value: 'mail' },
    SITE: { type: 'value', value: 'HQ' },
    ROLE: { type: 'value', value: '25' },
    SAAS: { type: 'attribute', value: 'saas' },
  });
});

test('records: native values with type guessing, escaped keys, catalog inputs, missing keys as null', async () => {
  const mappings = {
    ID: { type: 'attribute', value: '_AT_id' },
    VERSION: { type: 'attribute', value: "os['@version']" },
    NOTHING: { type: 'attribute', value: 'missing' },
    NAME: { type: 'attribute', value: '{{ first }} {{ last }}' },
    CAT: { type: 'catalog_input', value: 'region' },
    CRED: { type: 'credential_input', value: 'x' },
  };
  const out = await mapRecord({ '@id': '14.2', os: { '@version': '10' }, first: 'Ann', last: 'Lee' }, mappings, engine, {
    catalog: { CAT: 'EU' }, credentialName: { value: 'Okta prod' },
  });
  expect(out).toEqual({ payload: { ID: 14.2, VERSION: 10, NOTHING: null, NAME: 'Ann Lee', CAT: 'EU', CRED: 'Okta prod' } });
  expect(await mapRecord({}, { C: { type: 'credential_input', value: 'x' } }, engine, { catalog: {} })).toEqual({
    error: 'Failed to process the mapping value: x. The error is: the integration has no credential_id in saas_authorization',
  });
});
