/**
 * saas_authorization = {"credential_id": ...} as 2.3.3 uses it (§8.2 item 1): before every SaaS call the injected
 * O12 callback gets the built request and its answer's headers and params are merged into that call. The fake
 * SaaS's /signed route refuses a call that lacks either of them.
 */
import { fetchIntegration, parseSaasAuthorization } from '../../../src/managed/fetch/index.js';
import type { CredentialCall, CredentialSecret } from '../../../src/managed/fetch/types.js';
import type { TemplateEngine } from '../../../src/managed/template/types.js';
import { startFakeSaas, user, type FakeSaas } from '../../support/fakeSaas.js';
import { detailBehaviour, signedUsers } from '../../support/fakeSaasIntegrations.js';
import { collect, fetchInput, makeHttp, type Harness } from './harness.js';
import { useTemplateEngine } from '../../helpers/templateEngine.js';

let engine: TemplateEngine;
let saas: FakeSaas;
let h: Harness;

useTemplateEngine((e) => (engine = e));
afterEach(async () => {
  await h?.http.close();
  await saas?.close();
});

const CREDENTIAL = parseSaasAuthorization('{"credential_id": "cred-1"}');
const SIGNED: CredentialSecret = { headers: { Authorization: 'Signed key-123' }, params: { signature: 'key-123' } };

/** An O12 stand-in that records every call and answers `answer(call, n)`. */
function secrets(answer: (call: CredentialCall, n: number) => CredentialSecret | Promise<CredentialSecret> = () => SIGNED) {
  const calls: CredentialCall[] = [];
  return { calls, credentialSecret: async (call: CredentialCall) => answer(call, calls.push(call)) };
}

test('O12 before every call with the built request; its headers and params reach the SaaS', async () => {
  saas = await startFakeSaas({ users: 3 });
  h = makeHttp();
  const o12 = secrets();
  const events = await collect(fetchIntegration(fetchInput(engine, h.http, signedUsers(saas.url), { saasAuthorization: CREDENTIAL, credentialSecret: o12.credentialSecret })));
  expect(events.at(-1)).toEqual({ kind: 'end', outcome: 'done' });
  expect(events.flatMap((e) => (e.kind === 'batch' ? e.items : []))).toHaveLength(3);
  expect(o12.calls).toEqual([
    { url: `${saas.url}/signed/users`, http_method: 'GET', params: { page: '1' }, headers: { Accept: 'application/json' }, body: '' },
    { url: `${saas.url}/signed/users`, http_method: 'GET', params: { page: '2' }, headers: { Accept: 'application/json' }, body: '' },
  ]);
  expect(saas.lines()).toEqual(['GET /signed/users?page=1&signature=key-123', 'GET /signed/users?page=2&signature=key-123']);
  for (const r of saas.requests) expect(r.headers.authorization).toBe('Signed key-123');
  expect(events[0]).toEqual({ kind: 'batch', items: [user(1), user(2)].map((u) => ({ record: { ...u, pre_list_response_item: null, exploratory_list_response_item: null } })) });
});

test('the SaaS refuses a call without the merged auth: an answer without headers fails the first page', async () => {
  saas = await startFakeSaas({ users: 3 });
  h = makeHttp();
  const o12 = secrets(() => ({ headers: {}, params: { signature: 'key-123' } }));
  const events = await collect(fetchIntegration(fetchInput(engine, h.http, signedUsers(saas.url), { saasAuthorization: CREDENTIAL, credentialSecret: o12.credentialSecret })));
  expect(events).toEqual([
    expect.objectContaining({ kind: 'failed', stage: 'first-page', message: expect.stringContaining('401 Client Error: Unauthorized for url: ') }),
  ]);
  // The signature the cloud handed out is a credential: it is not in the message.
  expect((events[0] as { message: string }).message).toContain('signature=***');
});

test('a failing O12 fails the page it was for: the first page, or a later one', async () => {
  saas = await startFakeSaas({ users: 3 });
  h = makeHttp();
  const first = secrets(() => {
    throw new Error('404 Client Error: Not Found for url: http://cloud/api/v3/auth/cred-1/secret');
  });
  expect(await collect(fetchIntegration(fetchInput(engine, h.http, signedUsers(saas.url), { saasAuthorization: CREDENTIAL, credentialSecret: first.credentialSecret })))).toEqual([
    expect.objectContaining({ kind: 'failed', stage: 'first-page', message: expect.stringContaining('404 Client Error: Not Found for url: http://cloud/api/v3/auth/cred-1/secret') }),
  ]);
  expect(saas.requests).toHaveLength(0);

  const later = secrets((_call, n) => {
    if (n === 2) throw new Error('O12 refused');
    return SIGNED;
  });
  const events = await collect(fetchIntegration(fetchInput(engine, h.http, signedUsers(saas.url), { saasAuthorization: CREDENTIAL, credentialSecret: later.credentialSecret })));
  expect(events.map((e) => e.kind)).toEqual(['batch', 'failed']);
  expect(events[1]).toMatchObject({ kind: 'failed', stage: 'later-page', message: expect.stringContaining('O12 refused') });
  expect(saas.lines()).toEqual(['GET /signed/users?page=1&signature=key-123']);
});

test('a failing O12 for a detail call fails that item only', async () => {
  saas = await startFakeSaas({ users: 2 });
  h = makeHttp();
  const o12 = secrets((call) => {
    if (call.url.endsWith('/details/u2')) throw new Error('O12 refused u2');
    return SIGNED;
  });
  const def = { ...signedUsers(saas.url), detail_behavior: detailBehaviour() };
  const events = await collect(fetchIntegration(fetchInput(engine, h.http, def, { saasAuthorization: CREDENTIAL, credentialSecret: o12.credentialSecret, concurrency: 1 })));
  expect(o12.calls.map((c) => c.url)).toEqual([`${saas.url}/signed/users`, `${saas.url}/details/u1`, `${saas.url}/details/u2`]);
  const items = events.flatMap((e) => (e.kind === 'batch' ? e.items : []));
  expect(items).toHaveLength(2);
  expect(items[0]).toHaveProperty('record');
  expect(items[1]).toMatchObject({ raw: user(2), error: expect.stringContaining('O12 refused u2') });
  expect(saas.lines('/details')).toEqual(['GET /details/u1?signature=key-123']);
});
