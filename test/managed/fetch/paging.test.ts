/**
 * The list levels against the fake SaaS: each paging style, pagination controls, batches, test runs, and every
 * outcome (done, canceled, empty first page, first/later page failed, max iterations) with its exact text.
 */
import { fetchIntegration, parseSaasAuthorization } from '../../../src/managed/fetch/index.js';
import type { TemplateEngine } from '../../../src/managed/template/types.js';
import { startFakeSaas, user, device, type FakeSaas } from '../../support/fakeSaas.js';
import { definition, linkUsers, odataUsers, offsetDevices, sessionAuthorization, sessionDevices, tokenDevices, xmlComputers } from '../../support/fakeSaasIntegrations.js';
import { collect, fetchInput, listed, makeHttp, type Harness } from './harness.js';
import { useTemplateEngine } from '../../helpers/templateEngine.js';

let engine: TemplateEngine;
let saas: FakeSaas;
let h: Harness;

useTemplateEngine((e) => (engine = e));
afterEach(async () => {
  await h?.http.close();
  await saas?.close();
});

async function run(def: Parameters<typeof fetchInput>[2], extra: Parameters<typeof fetchInput>[3] = {}) {
  return collect(fetchIntegration(fetchInput(engine, h.http, def, extra)));
}

const list = (behaviour: Record<string, unknown>) => ({ http_method: 'GET', headers: [], params: [], ...behaviour });

test('Link header paging: follows rel="next", stops by break_early without a request; default headers sent', async () => {
  saas = await startFakeSaas({ users: 5 });
  h = makeHttp();
  const events = await run(linkUsers(saas.url));
  expect(saas.lines()).toEqual(['GET /link/users?per_page=2', 'GET /link/users?page=2&per_page=2', 'GET /link/users?page=3&per_page=2']);
  expect(events).toEqual([
    { kind: 'batch', items: [listed(user(1)), listed(user(2))] },
    { kind: 'batch', items: [listed(user(3)), listed(user(4))] },
    { kind: 'batch', items: [listed(user(5))] },
    { kind: 'end', outcome: 'done' },
  ]);
  const first = saas.requests[0];
  expect(first.headers['user-agent']).toBe('Oomnitza Connector');
  expect(first.headers.accept).toBe('application/json');
  expect(first.headers['x-api-key']).toBe('key-123');
});

test('OData @odata.nextLink paging', async () => {
  saas = await startFakeSaas({ users: 5 });
  h = makeHttp();
  const events = await run(odataUsers(saas.url));
  expect(saas.lines()).toEqual(['GET /odata/users', 'GET /odata/users?$skiptoken=skip-2', 'GET /odata/users?$skiptoken=skip-4']);
  expect(events.flatMap((e) => (e.kind === 'batch' ? e.items : []))).toEqual([1, 2, 3, 4, 5].map((n) => listed(user(n))));
  expect(events.at(-1)).toEqual({ kind: 'end', outcome: 'done' });
});

test('offset/limit with break_early on the total', async () => {
  saas = await startFakeSaas({ devices: 5 });
  h = makeHttp();
  const events = await run(offsetDevices(saas.url));
  expect(saas.lines()).toEqual(['GET /offset/devices?offset=0&limit=2', 'GET /offset/devices?offset=2&limit=2', 'GET /offset/devices?offset=4&limit=2']);
  expect(events.filter((e) => e.kind === 'batch')).toHaveLength(3);
  expect(events.at(-1)).toEqual({ kind: 'end', outcome: 'done' });
});

test('page tokens: add_if adds the pagination params from the previous page (over the behaviour\'s)', async () => {
  saas = await startFakeSaas({ devices: 5 });
  h = makeHttp();
  const events = await run(tokenDevices(saas.url));
  expect(saas.lines()).toEqual(['GET /token/devices', 'GET /token/devices?page_token=pt-2', 'GET /token/devices?page_token=pt-4']);
  expect(events.flatMap((e) => (e.kind === 'batch' ? e.items : []))).toEqual([1, 2, 3, 4, 5].map((n) => listed(device(n))));
});

test('XML bodies in xmltodict shape; a single page by break_early', async () => {
  saas = await startFakeSaas({ devices: 2 });
  h = makeHttp();
  const events = await run(xmlComputers(saas.url));
  expect(saas.lines()).toEqual(['GET /xml/computers']);
  expect(events).toEqual([
    { kind: 'batch', items: [listed({ '@id': 'd1', name: 'SN1001', os: 'macOS' }), listed({ '@id': 'd2', name: 'SN1002', os: 'macOS' })] },
    { kind: 'end', outcome: 'done' },
  ]);
});

test('session login before every SaaS request: cookie kept across logins, a fresh CSRF token on every call', async () => {
  saas = await startFakeSaas({ devices: 5 });
  h = makeHttp();
  const events = await run(sessionDevices(saas.url), { saasAuthorization: parseSaasAuthorization(JSON.stringify(sessionAuthorization())) });
  expect(saas.lines()).toEqual([
    'POST /session/login', 'GET /session/devices?page=0',
    'POST /session/login', 'GET /session/devices?page=1',
    'POST /session/login', 'GET /session/devices?page=2',
  ]);
  expect(events.at(-1)).toEqual({ kind: 'end', outcome: 'done' });
  expect(events.filter((e) => e.kind === 'batch')).toHaveLength(3);
  const logins = saas.requestsTo('/session/login');
  expect(logins[0].headers.cookie).toBeUndefined();
  const sid = /sid=([^;]+)/.exec(String(logins[1].headers.cookie))?.[1];
  expect(sid).toBeTruthy();
  expect(logins.slice(1).map((r) => r.headers.cookie)).toEqual([`sid=${sid}`, `sid=${sid}`]);
  expect(logins[0].body).toBe('{"username": "admin", "password": "s3cret"}');
  expect(logins[0].headers['content-type']).toBe('application/json');
  expect(saas.requestsTo('/session/devices').map((r) => r.headers['x-csrf-token'])).toEqual(['csrf-1', 'csrf-2', 'csrf-3']);
  expect([...saas.csrfUsed]).toEqual(saas.csrfIssued);
});

test('a session whose login is refused fails the first page with the login\'s HTTP error', async () => {
  saas = await startFakeSaas({ password: 'other' });
  h = makeHttp();
  const events = await run(sessionDevices(saas.url), { saasAuthorization: parseSaasAuthorization(sessionAuthorization()) });
  expect(events).toEqual([
    {
      kind: 'failed',
      stage: 'first-page',
      message: `Failed to fetch the first block of data. The error is: 401 Client Error: Unauthorized for url: ${saas.url}/session/login. The further processing is impossible`,
      detail: expect.stringContaining('HTTPError: 401 Client Error'),
    },
  ]);
  expect(saas.lines()).toEqual(['POST /session/login']);
});

test('a page of 250 items is cut into batches of 100, 100, 50', async () => {
  saas = await startFakeSaas({ users: 250 });
  h = makeHttp();
  const def = definition('Same', saas.url, { list_behavior: list({ url: '{{ inputs.base_url }}/same/users', result: '{{ list_response }}', pagination: { break_early: '{{ iteration > 0 }}' } }) });
  const events = await run(def);
  expect(events.map((e) => (e.kind === 'batch' ? e.items.length : e.kind))).toEqual([100, 100, 50, 'end']);
  expect((events[2] as { items: Array<{ record: { id: string } }> }).items[49].record.id).toBe('u250');
});

test('test run: the first batch only, truncated to 10 items; detail calls only for those', async () => {
  saas = await startFakeSaas({ users: 30 });
  h = makeHttp();
  const def = definition('Same', saas.url, {
    list_behavior: list({ url: '{{ inputs.base_url }}/same/users', result: '{{ list_response }}' }),
    detail_behavior: list({ url: "{{ inputs.base_url }}/details/{{ list_response_item['id'] }}" }),
  });
  const events = await run(def, { testRun: true });
  expect(events.map((e) => (e.kind === 'batch' ? e.items.length : e.kind))).toEqual([10, 'end']);
  expect(events.at(-1)).toEqual({ kind: 'end', outcome: 'done' });
  expect(saas.lines('/same')).toEqual(['GET /same/users']);
  expect(saas.lines('/details')).toHaveLength(10);
});

test('break_early true on the first page: empty first page, no request', async () => {
  saas = await startFakeSaas();
  h = makeHttp();
  const def = definition('Never', saas.url, { list_behavior: list({ url: '{{ inputs.base_url }}/same/users', result: '{{ list_response }}', pagination: { break_early: '{{ true }}' } }) });
  expect(await run(def)).toEqual([{ kind: 'end', outcome: 'empty-first-page' }]);
  expect(saas.requests).toHaveLength(0);
});

test('an empty later page ends normally; a result that is not there renders None (no results)', async () => {
  saas = await startFakeSaas({ devices: 2 });
  h = makeHttp();
  const def = definition('Offset', saas.url, {
    list_behavior: list({ url: '{{ inputs.base_url }}/offset/devices', params: [{ key: 'offset', value: '{{ iteration * 2 }}' }, { key: 'limit', value: '2' }], result: "{{ list_response['devices'] }}" }),
  });
  const events = await run(def);
  expect(saas.lines()).toEqual(['GET /offset/devices?offset=0&limit=2', 'GET /offset/devices?offset=2&limit=2']);
  expect(events.map((e) => e.kind)).toEqual(['batch', 'end']);
  const none = definition('None', saas.url, { list_behavior: list({ url: '{{ inputs.base_url }}/same/users' }) });
  expect(await run(none)).toEqual([{ kind: 'end', outcome: 'empty-first-page' }]);
});

test('without break_early a non-paginated API is fetched MAX_ITERATIONS times, then max-iterations', async () => {
  saas = await startFakeSaas({ users: 1 });
  h = makeHttp();
  const def = definition('Same', saas.url, { list_behavior: list({ url: '{{ inputs.base_url }}/same/users', result: '{{ list_response }}' }) });
  const events = await run(def, { maxIterations: 3 });
  expect(events).toEqual([
    { kind: 'batch', items: [listed(user(1))] },
    { kind: 'batch', items: [listed(user(1))] },
    { kind: 'batch', items: [listed(user(1))] },
    { kind: 'failed', stage: 'max-iterations', message: 'Connector exceeded processing limit. The error is: Reached max iterations', detail: 'MaxIterationsReached: Reached max iterations' },
  ]);
  expect(saas.requests).toHaveLength(3);
});

test('a later page that fails: later-page with requests\' error text (the full URL with its query)', async () => {
  saas = await startFakeSaas({ devices: 5 });
  h = makeHttp();
  const def = definition('Offset', saas.url, {
    list_behavior: list({
      url: '{{ inputs.base_url }}/offset/devices',
      params: [{ key: 'offset', value: '{{ iteration * 2 }}' }, { key: 'limit', value: '{{ 2 if iteration == 0 else 500 }}' }],
      result: "{{ list_response['devices'] }}",
    }),
  });
  const events = await run(def);
  expect(events).toEqual([
    { kind: 'batch', items: [listed(device(1)), listed(device(2))] },
    {
      kind: 'failed',
      stage: 'later-page',
      message: `Failed to fetch the next block of data. The error is: 400 Client Error: Bad Request for url: ${saas.url}/offset/devices?offset=2&limit=500. The further processing is impossible`,
      detail: expect.stringMatching(/^HTTPError: 400 Client Error: Bad Request for url: .*\nCaused by: HttpPermanentError: \[managed.7\] GET .*\/offset\/devices failed: HTTP 400: limit must be 1..100$/),
    },
  ]);
});

test('403: the permissions prefix; a 429 is waited out as Retry-After asks (the kit\'s client, fake clock)', async () => {
  saas = await startFakeSaas({ users: 2, retryAfter: '7' });
  h = makeHttp();
  const forbidden = definition('Forbidden', saas.url, { list_behavior: list({ url: '{{ inputs.base_url }}/forbidden/users', result: '{{ list_response }}' }) });
  expect(await run(forbidden)).toEqual([
    {
      kind: 'failed',
      stage: 'first-page',
      message: `Failed to fetch the first block of data. The error is: The Integration User must have appropriate permissions. Reason: 403 Client Error: Forbidden for url: ${saas.url}/forbidden/users. The further processing is impossible`,
      detail: expect.any(String),
    },
  ]);
  const limited = definition('Limited', saas.url, { list_behavior: list({ url: '{{ inputs.base_url }}/limited/users', result: '{{ list_response }}', pagination: { break_early: '{{ iteration > 0 }}' } }) });
  const events = await run(limited);
  expect(events).toEqual([{ kind: 'batch', items: [listed(user(1)), listed(user(2))] }, { kind: 'end', outcome: 'done' }]);
  expect(saas.lines('/limited')).toEqual(['GET /limited/users', 'GET /limited/users']);
  expect(h.waits).toEqual([7000]);
});

test('cancel check before every page: canceled after the first page; a failing check fails the page it guards', async () => {
  saas = await startFakeSaas({ users: 5 });
  h = makeHttp();
  let checks = 0;
  const events = await run(linkUsers(saas.url), { isCanceled: async () => ++checks > 1 });
  expect(events).toEqual([{ kind: 'batch', items: [listed(user(1)), listed(user(2))] }, { kind: 'end', outcome: 'canceled' }]);
  expect(checks).toBe(2);
  expect(saas.requests).toHaveLength(1);
  const failing = await run(linkUsers(saas.url), { isCanceled: async () => { throw new Error('GET /api/v3/bulk/p1 failed: HTTP 502'); } });
  expect(failing).toEqual([
    { kind: 'failed', stage: 'first-page', message: 'Failed to fetch the first block of data. The error is: GET /api/v3/bulk/p1 failed: HTTP 502. The further processing is impossible', detail: 'Error: GET /api/v3/bulk/p1 failed: HTTP 502' },
  ]);
});

test('a behaviour without headers (or params) fails the first page with KeyError text; a template error too', async () => {
  saas = await startFakeSaas();
  h = makeHttp();
  const noHeaders = definition('No headers', saas.url, { list_behavior: { http_method: 'GET', url: '{{ inputs.base_url }}/same/users', params: [], result: '{{ list_response }}' } });
  expect(await run(noHeaders)).toEqual([
    { kind: 'failed', stage: 'first-page', message: "Failed to fetch the first block of data. The error is: 'headers'. The further processing is impossible", detail: "KeyError: 'headers'" },
  ]);
  const badTemplate = definition('Bad', saas.url, { list_behavior: list({ url: '{{ inputs.base_url }}/same/users', result: '{{ list_response | nosuchfilter }}' }) });
  const [failed] = await run(badTemplate);
  expect(failed).toMatchObject({ kind: 'failed', stage: 'first-page', message: expect.stringMatching(/^Failed to fetch the first block of data\. The error is: .*nosuchfilter.*\. The further processing is impossible$/) });
  expect(saas.requests).toHaveLength(1);
});

test('credential_id cannot be used on-premise: the first request fails with a clear message', async () => {
  saas = await startFakeSaas();
  h = makeHttp();
  const events = await run(linkUsers(saas.url), { saasAuthorization: parseSaasAuthorization('{"credential_id": "abc"}') });
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ kind: 'failed', stage: 'first-page', message: expect.stringContaining('saas_authorization {"credential_id": ...} is only usable by the Oomnitza cloud') });
  expect(saas.requests).toHaveLength(0);
});

test('static params are added to the query; a refused call shows them as *** in the error', async () => {
  saas = await startFakeSaas();
  h = makeHttp();
  const def = definition('Static', saas.url, { list_behavior: list({ url: '{{ inputs.base_url }}/static/users?x=1', params: [{ key: 'q', value: 'a b&c' }], result: "{{ list_response['users'] }}", pagination: { break_early: '{{ iteration > 0 }}' } }) });
  const ok = await run(def, { saasAuthorization: parseSaasAuthorization({ params: { api_key: 'key-123' } }) });
  expect(ok.map((e) => e.kind)).toEqual(['batch', 'end']);
  expect(saas.lines()).toEqual(['GET /static/users?x=1&q=a+b%26c&api_key=key-123']);
  const refused = await run(def, { saasAuthorization: parseSaasAuthorization({ params: { tenant: 'wrong' } }) });
  expect(refused[0]).toMatchObject({ message: `Failed to fetch the first block of data. The error is: 401 Client Error: Unauthorized for url: ${saas.url}/static/users?x=1&q=a+b%26c&tenant=***. The further processing is impossible` });
  expect(JSON.stringify(refused)).not.toContain('wrong');
});

test('headers and params: later duplicates win; response headers are case-insensitive; pagination extras over the behaviour, auth over both', async () => {
  saas = await startFakeSaas({ users: 3 });
  h = makeHttp();
  const def = definition('Dup', saas.url, {
    list_behavior: list({
      url: '{{ inputs.base_url }}/link/users',
      headers: [{ key: 'X-A', value: '1' }, { key: 'X-A', value: '2' }, { key: 'X-Api-Key', value: 'from-behaviour' }, { key: 'X-B', value: 'behaviour' }],
      params: [{ key: 'per_page', value: '1' }, { key: 'per_page', value: '2' }, { key: 'total', value: "{{ list_response_headers['X-TOTAL-COUNT'] }}" }],
      result: '{{ list_response }}',
      pagination: {
        break_early: '{{ iteration > 1 }}',
        add_if: '{{ iteration > 0 }}',
        headers: [{ key: 'X-B', value: 'pagination' }],
        params: [{ key: 'page', value: '{{ iteration + 1 }}' }],
      },
    }),
  });
  const events = await run(def);
  expect(events.map((e) => (e.kind === 'batch' ? e.items.length : e.kind))).toEqual([2, 1, 'end']);
  expect(saas.lines()).toEqual(['GET /link/users?per_page=2&total=', 'GET /link/users?per_page=2&total=3&page=2']);
  expect(saas.requests.map((r) => [r.headers['x-a'], r.headers['x-b'], r.headers['x-api-key']])).toEqual([['2', 'behaviour', 'key-123'], ['2', 'pagination', 'key-123']]);
});
