import * as fetchModule from '../../../src/managed/fetch/index.js';
import { parseSaasAuthorization } from '../../../src/managed/fetch/index.js';
import { shownUrl, withParams } from '../../../src/managed/fetch/request.js';
import { parseBody, parseLinks } from '../../../src/managed/fetch/response.js';
import { pyIter, truthy } from '../../../src/managed/fetch/python.js';
import type { ManagedFetchModule } from '../../../src/managed/fetch/types.js';

test('index.ts offers the contract of types.ts', () => {
  const module: ManagedFetchModule = fetchModule;
  expect(Object.keys(module).sort()).toEqual(['fetchIntegration', 'fetchTestResponse', 'listAuthorization', 'parseSaasAuthorization']);
});

test('parseSaasAuthorization: object or JSON text, checked in the original\'s order', () => {
  expect(parseSaasAuthorization('{"credential_id": "c1", "headers": {"a": "b"}}')).toEqual({ kind: 'credential', credentialId: 'c1' });
  const behavior = { http_method: 'POST', url: 'u', headers: [], params: [] };
  expect(parseSaasAuthorization({ type: 'session', behavior })).toEqual({ kind: 'session', behavior });
  expect(parseSaasAuthorization({ headers: { Authorization: 'Bearer t' } })).toEqual({ kind: 'static', headers: { Authorization: 'Bearer t' }, params: {} });
  expect(parseSaasAuthorization({ headers: 'x', params: { key: 1, on: true } })).toEqual({ kind: 'static', headers: {}, params: { key: '1', on: 'True' } });
  for (const invalid of [{}, { headers: {}, params: {} }, '[]', 'not json', 5, null, { type: 'session' }, { credential_id: 5 }]) {
    expect(() => parseSaasAuthorization(invalid)).toThrow(/^SaaS authorization format is invalid/);
  }
});

test('Link headers parsed as requests does: keyed by rel, else by URL; params trimmed of quotes', () => {
  expect(parseLinks('<https://a/x?page=2>; rel="next", <https://a/x?page=9>; rel="last"; title=\'end\'')).toEqual({
    next: { url: 'https://a/x?page=2', rel: 'next' },
    last: { url: 'https://a/x?page=9', rel: 'last', title: 'end' },
  });
  expect(parseLinks('<https://a/y>')).toEqual({ 'https://a/y': { url: 'https://a/y' } });
  expect(parseLinks(undefined)).toEqual({});
  expect(parseLinks('')).toEqual({});
});

test('params appended as requests encodes them; credentials hidden in messages', () => {
  expect(withParams('https://a/x', { q: 'a b/c', e: '' })).toBe('https://a/x?q=a+b%2Fc&e=');
  expect(withParams('https://a/x?top=5', { skip: '10' })).toBe('https://a/x?top=5&skip=10');
  expect(withParams('https://a/x?', { k: "it's" })).toBe('https://a/x?k=it%27s');
  expect(withParams('https://a/x', {})).toBe('https://a/x');
  expect(shownUrl('https://u:p@a/x?page=2&api_key=s&tenant=t', ['tenant'])).toBe('https://a/x?page=2&api_key=***&tenant=***');
});

test('bodies: JSON, else XML (xmltodict shape), else the text', () => {
  expect(parseBody('{"a": [1]}')).toEqual({ a: [1] });
  expect(parseBody('<r><i>1</i><i>2</i><e/></r>')).toEqual({ r: { i: ['1', '2'], e: null } });
  expect(parseBody('<html><body>Oops</body>')).toBe('<html><body>Oops</body>');
  expect(parseBody('plain')).toBe('plain');
  expect(parseBody('')).toBe('');
});

test('Python truthiness and iteration', () => {
  expect([null, false, 0, '', [], {}].map(truthy)).toEqual([false, false, false, false, false, false]);
  expect([1, 'x', [0], { a: 1 }, true].map(truthy)).toEqual([true, true, true, true, true]);
  expect(pyIter({ a: 1, b: 2 })).toEqual(['a', 'b']);
  expect(pyIter('ab')).toEqual(['a', 'b']);
  expect(() => pyIter(null)).toThrow("'NoneType' object is not iterable");
  expect(() => pyIter(3)).toThrow("'int' object is not iterable");
});
