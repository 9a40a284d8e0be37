/**
 * listAuthorization (§14 basic_connector): the run's inputs and the SaaS auth computed for list_behavior, without the
 * list call itself. No SaaS server: static auth and O12 need none.
 */
import { listAuthorization, parseSaasAuthorization } from '../../../src/managed/fetch/index.js';
import type { CredentialCall } from '../../../src/managed/fetch/types.js';
import type { TemplateEngine } from '../../../src/managed/template/types.js';
import { fetchInput, makeHttp, type Harness } from './harness.js';
import { useTemplateEngine } from '../../helpers/templateEngine.js';

let engine: TemplateEngine;
let h: Harness;
useTemplateEngine((e) => (engine = e));
afterEach(async () => {
  await h?.http.close();
});

const definition = (extra: Record<string, unknown> = {}) => ({
  id: 12, name: 'Delegated',
  inputs: { url: { value: 'https://vc.example' }, port: { value: 443 }, tags: { value: ['a', 'b'] }, host: { value: '{{ inputs.url }}/x' } },
  list_behavior: { http_method: 'GET', url: '{{ inputs.url }}/list', headers: [{ key: 'Accept', value: 'application/json' }], params: [], result: '{{ list_response }}' },
  ...extra,
});

test('inputs rendered as strings (Python str()), earlier inputs visible, local ones over them with their JSON types; static headers and params', async () => {
  h = makeHttp();
  const auth = parseSaasAuthorization({ headers: { Authorization: 'Basic abc' }, params: { key: 'k1' } });
  const got = await listAuthorization(fetchInput(engine, h.http, definition(), { saasAuthorization: auth, localInputs: { password: 's3cret', port: 8443 } }));
  expect(got).toEqual({
    inputs: { url: 'https://vc.example', port: 8443, tags: "['a', 'b']", host: 'https://vc.example/x', password: 's3cret' },
    headers: { Authorization: 'Basic abc' },
    params: { key: 'k1' },
  });
});

test('a stored credential: O12 is asked once, with the list_behavior call as built; no list_behavior is KeyError', async () => {
  h = makeHttp();
  const calls: CredentialCall[] = [];
  const got = await listAuthorization(fetchInput(engine, h.http, definition(), {
    saasAuthorization: parseSaasAuthorization({ credential_id: 'cred-1' }),
    credentialSecret: async (call) => (calls.push(call), { headers: { Authorization: 'Signed' }, params: {} }),
  }));
  expect(got.headers).toEqual({ Authorization: 'Signed' });
  expect(calls).toEqual([{ url: 'https://vc.example/list', http_method: 'GET', params: {}, headers: { Accept: 'application/json' }, body: '' }]);
  await expect(listAuthorization(fetchInput(engine, h.http, definition({ list_behavior: undefined })))).rejects.toThrow("'list_behavior'");
});
