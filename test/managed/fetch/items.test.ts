/**
 * Per item (detail, software, saas), nesting of the levels, inputs and GlobalSetting, template limits, the is_custom
 * test response, request bodies.
 */
import { fetchIntegration, fetchTestResponse, parseSaasAuthorization } from '../../../src/managed/fetch/index.js';
import { createTemplateEngine } from '../../../src/managed/template/engine.js';
import type { TemplateEngine } from '../../../src/managed/template/types.js';
import { startFakeSaas, user, device, type FakeSaas } from '../../support/fakeSaas.js';
import { definition, detailBehaviour, linkUsers, offsetDevices, sessionAuthorization, softwareBehaviour, tokenDevices, xmlComputers } from '../../support/fakeSaasIntegrations.js';
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

const list = (behaviour: Record<string, unknown>) => ({ http_method: 'GET', headers: [], params: [], ...behaviour });
const origin = { pre_list_response_item: null, exploratory_list_response_item: null };
const detailOf = (d: { id: string; serial: string }) => ({ id: d.id, serial: `SN-${d.id}`, model: 'MacBook Pro', list_response_item: d, ...origin });
const apps = [{ name: 'Slack', version: '4.10', path: null }, { name: 'Zoom', version: '5.1.2', path: null }];

test('detail + software per item, 4 in flight: order kept, each item sees its own context; a 404 detail is an error item', async () => {
  saas = await startFakeSaas({ devices: 7, failingDetails: ['d3'], software: { d2: [{ name: '2048', version: '4.10' }, { name: 'NoVersion', version: null }] } });
  h = makeHttp();
  const def = { ...offsetDevices(saas.url, 100), detail_behavior: detailBehaviour(), software_behavior: softwareBehaviour() };
  const events = await collect(fetchIntegration(fetchInput(engine, h.http, def, { concurrency: 4 })));
  expect(events).toEqual([
    {
      kind: 'batch',
      items: [
        { record: { ...detailOf(device(1)), software: apps } },
        { record: { ...detailOf(device(2)), software: [{ name: 2048, version: '4.10', path: null }, { name: 'NoVersion', version: null, path: null }] } },
        { raw: device(3), error: `Failed to fetch the details of a single item from the block. The error is: 404 Client Error: Not Found for url: ${saas.url}/details/d3` },
        ...[4, 5, 6, 7].map((n) => ({ record: { ...detailOf(device(n)), software: apps } })),
      ],
    },
    { kind: 'end', outcome: 'done' },
  ]);
  expect(saas.lines('/details').sort()).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => `GET /details/d${n}`));
  expect(saas.lines('/software').sort()).toEqual([1, 2, 4, 5, 6, 7].map((n) => `GET /software/d${n}`));
});

test('items in flight at once each see their own context, whatever order their calls finish in', async () => {
  saas = await startFakeSaas({ devices: 4, detailDelays: { d1: 120, d2: 60, d3: 0, d4: 30 } });
  h = makeHttp();
  const def = {
    ...offsetDevices(saas.url, 100),
    detail_behavior: { ...detailBehaviour(), result: "{{ {'own': detail_response['id'], 'item': list_response_item['id'], 'serial': list_response_item['serial']} }}" },
    software_behavior: { enabled: true, result: "{{ [detail_response['own'], list_response_item['id']] }}", name: '{{ software_response_item }}', version: "{{ detail_response['item'] }}" },
  };
  const events = await collect(fetchIntegration(fetchInput(engine, h.http, def, { concurrency: 4 })));
  const expected = [1, 2, 3, 4].map((n) => ({
    record: {
      own: `d${n}`, item: `d${n}`, serial: `SN${1000 + n}`, list_response_item: device(n), ...origin,
      software: [{ name: `d${n}`, version: `d${n}`, path: null }, { name: `d${n}`, version: `d${n}`, path: null }],
    },
  }));
  expect(events).toEqual([{ kind: 'batch', items: expected }, { kind: 'end', outcome: 'done' }]);
});

test('software without its own call reads the record; a result that is not iterable fails that item; saas info copied', async () => {
  saas = await startFakeSaas({ users: 2 });
  h = makeHttp();
  const def = {
    ...linkUsers(saas.url, 5),
    software_behavior: { enabled: true, result: "{{ [detail_response['email']] if detail_response['id'] == 'u1' else None }}", name: '{{ software_response_item }}', version: '{{ none_here }}' },
    saas_behavior: { enabled: true, sync_key: 'email', selected_saas_id: 42, name: '' },
  };
  const events = await collect(fetchIntegration(fetchInput(engine, h.http, def)));
  expect(events[0]).toEqual({
    kind: 'batch',
    items: [
      { record: { ...user(1), ...origin, software: [{ name: 'u1@example.com', version: null, path: null }], saas: { sync_key: 'email', selected_saas_id: 42 } } },
      { raw: user(2), error: "Failed to fetch the software information. The error is: 'NoneType' object is not iterable" },
    ],
  });
});

test('a session integration with detail calls in flight: every call has its own login and CSRF token', async () => {
  saas = await startFakeSaas({ devices: 4, pageSize: 4 });
  h = makeHttp();
  const def = definition('Session', saas.url, {
    list_behavior: list({ url: '{{ inputs.base_url }}/session/devices', result: "{{ list_response['devices'] }}", pagination: { break_early: '{{ iteration > 0 }}' } }),
    detail_behavior: detailBehaviour(),
  }, { username: { value: 'admin' }, password: { value: 's3cret' } });
  const events = await collect(fetchIntegration(fetchInput(engine, h.http, def, { saasAuthorization: parseSaasAuthorization(sessionAuthorization()), concurrency: 3 })));
  expect(events.map((e) => (e.kind === 'batch' ? e.items.map((i) => ('record' in i ? (i.record as { id: string }).id : i.error)) : e.kind))).toEqual([['d1', 'd2', 'd3', 'd4'], 'end']);
  expect(saas.lines('/session/login')).toHaveLength(5);
  const tokens = saas.requests.filter((r) => !r.path.startsWith('/session/login')).map((r) => r.headers['x-csrf-token']);
  expect(new Set(tokens).size).toBe(5);
  expect(saas.requests.filter((r) => r.path.startsWith('/details')).every((r) => /^sid=/.test(String(r.headers.cookie)))).toBe(true);
});

test('pre-list → list nesting: the list restarts per group; a failing inner list is classified by the outer counter', async () => {
  saas = await startFakeSaas({ users: 3, failingDetails: ['u3'] });
  h = makeHttp();
  const def = {
    ...linkUsers(saas.url, 5),
    pre_list_behavior: list({ url: '{{ inputs.base_url }}/link/users?per_page=5', result: '{{ pre_list_response }}', pagination: { break_early: '{{ pre_list_iteration > 0 }}' } }),
    list_behavior: list({
      url: "{{ inputs.base_url }}/details/{{ pre_list_response_item['id'] }}",
      params: [{ key: 'i', value: '{{ iteration }}' }, { key: 'p', value: '{{ pre_list_iteration }}' }],
      result: '{{ [list_response] }}',
      pagination: { break_early: '{{ iteration > 0 }}' },
    }),
  };
  const events = await collect(fetchIntegration(fetchInput(engine, h.http, def)));
  const rec = (n: number) => ({ record: { id: `u${n}`, serial: `SN-u${n}`, model: 'MacBook Pro', pre_list_response_item: user(n), exploratory_list_response_item: null } });
  expect(events).toEqual([
    { kind: 'batch', items: [rec(1)] },
    { kind: 'batch', items: [rec(2)] },
    {
      kind: 'failed',
      stage: 'first-page',
      message: `Failed to fetch the first block of data. The error is: 404 Client Error: Not Found for url: ${saas.url}/details/u3?i=0&p=0. The further processing is impossible`,
      detail: expect.any(String),
    },
  ]);
  expect(saas.lines()).toEqual(['GET /link/users?per_page=5', 'GET /details/u1?i=0&p=0', 'GET /details/u2?i=0&p=0', 'GET /details/u3?i=0&p=0']);
});

test('exploratory → pre-list → list; only the outermost level reports an empty first page', async () => {
  saas = await startFakeSaas({ users: 2, devices: 1 });
  h = makeHttp();
  const once = { break_early: '{{ exploratory_list_iteration > 0 }}' };
  const def = definition('Three levels', saas.url, {
    exploratory_list_behavior: list({ url: '{{ inputs.base_url }}/same/users', result: '{{ exploratory_list_response }}', pagination: once }),
    pre_list_behavior: list({ url: '{{ inputs.base_url }}/same/users', result: "{{ [exploratory_list_response_item['id']] if pre_list_iteration == 0 else [] }}" }),
    list_behavior: list({
      url: '{{ inputs.base_url }}/offset/devices',
      params: [{ key: 'offset', value: '0' }, { key: 'limit', value: '1' }],
      result: "{{ list_response['devices'] if pre_list_response_item != 'u2' and iteration == 0 else [] }}",
    }),
  });
  const events = await collect(fetchIntegration(fetchInput(engine, h.http, def)));
  expect(events).toEqual([
    { kind: 'batch', items: [{ record: { ...device(1), pre_list_response_item: 'u1', exploratory_list_response_item: user(1) } }] },
    { kind: 'end', outcome: 'done' },
  ]);
  // exploratory page 1, then per user: pre-list pages 1-2, list pages (u1: 2, u2: 1); exploratory page 2 suppressed
  expect(saas.lines().map((l) => l.replace(/\?.*/, ''))).toEqual([
    'GET /same/users',
    'GET /same/users', 'GET /offset/devices', 'GET /offset/devices', 'GET /same/users',
    'GET /same/users', 'GET /offset/devices', 'GET /same/users',
  ]);
});

test('inputs: cloud inputs render as strings (GlobalSetting, earlier inputs), local inputs win with their JSON types', async () => {
  saas = await startFakeSaas({ devices: 3 });
  h = makeHttp();
  let globalCalls = 0;
  const def = definition('Inputs', '', {
    list_behavior: list({
      url: '{{ inputs.api }}/offset/devices',
      params: [{ key: 'offset', value: '{{ inputs.start + 1 }}' }, { key: 'limit', value: '{{ inputs.limit }}' }, { key: 'flag', value: '{{ inputs.flag }}' }, { key: 'tags', value: '{{ inputs.tags }}' }],
      result: "{{ list_response['devices'] }}",
      pagination: { break_early: '{{ iteration > 0 }}' },
    }),
  }, { host: { value: '{{ GlobalSetting.saas_host }}' }, api: { value: '{{ inputs.host }}' }, limit: { value: 2 }, flag: { value: true }, tags: { value: ['A', 'B'] }, start: { value: '5' } });
  const events = await collect(fetchIntegration(fetchInput(engine, h.http, def, {
    localInputs: { start: 0 },
    globalSettings: async () => {
      globalCalls++;
      return [{ name: 'saas_host', value: saas.url }];
    },
  })));
  expect(events.map((e) => e.kind)).toEqual(['batch', 'end']);
  expect(saas.lines()).toEqual(["GET /offset/devices?offset=1&limit=2&flag=True&tags=%5B%27A%27%2C+%27B%27%5D"]);
  expect(globalCalls).toBe(1);
});

test('a template that hits the time limit fails its item, not the process; the next items work', async () => {
  const slow = await createTemplateEngine({ limits: { timeMs: 200 } });
  try {
    saas = await startFakeSaas({ users: 3 });
    h = makeHttp();
    const def = {
      ...linkUsers(saas.url, 5),
      detail_behavior: { ...detailBehaviour(), result: "{% if list_response_item['id'] == 'u2' %}{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}{% endif %}{{ detail_response['id'] }}" },
    };
    const events = await collect(fetchIntegration(fetchInput(slow, h.http, def, { concurrency: 1 })));
    expect(events).toEqual([
      {
        kind: 'batch',
        items: [
          { record: 'u1' },
          { raw: user(2), error: 'Failed to fetch the details of a single item from the block. The error is: the template did not finish within 200 ms' },
          { record: 'u3' },
        ],
      },
      { kind: 'end', outcome: 'done' },
    ]);
    const slowPage = definition('Slow page', saas.url, { list_behavior: list({ url: '{{ inputs.base_url }}/same/users', result: '{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}' }) });
    expect(await collect(fetchIntegration(fetchInput(slow, h.http, slowPage)))).toEqual([
      { kind: 'failed', stage: 'first-page', message: 'Failed to fetch the first block of data. The error is: the template did not finish within 200 ms. The further processing is impossible', detail: 'TemplateRenderError: the template did not finish within 200 ms' },
    ]);
  } finally {
    await slow.close();
  }
}, 30_000);

test('fetchTestResponse: the one list request (no pagination, no iteration), its JSON body; XML gives undefined', async () => {
  saas = await startFakeSaas({ devices: 2 });
  h = makeHttp();
  let canceledChecks = 0;
  const body = await fetchTestResponse(fetchInput(engine, h.http, tokenDevices(saas.url), { isCanceled: async () => (canceledChecks++, false) }));
  expect(body).toEqual({ devices: [device(1), device(2)] });
  expect(saas.lines()).toEqual(['GET /token/devices']);
  expect(canceledChecks).toBe(0);
  expect(await fetchTestResponse(fetchInput(engine, h.http, xmlComputers(saas.url)))).toBeUndefined();
});

test('bodies: rendered and sent raw; "body": null sends None; an empty body sends nothing; User-Agent as configured', async () => {
  saas = await startFakeSaas();
  h = makeHttp();
  const post = (body: unknown) => definition('Post', saas.url, {
    list_behavior: { http_method: 'POST', url: '{{ inputs.base_url }}/session/login', headers: [{ key: 'User-Agent', value: 'custom/1' }], params: [], body },
  });
  await expect(fetchTestResponse(fetchInput(engine, h.http, post(null)))).rejects.toThrow(`400 Client Error: Bad Request for url: ${saas.url}/session/login`);
  await expect(fetchTestResponse(fetchInput(engine, h.http, post('')))).rejects.toThrow('400 Client Error');
  expect(await fetchTestResponse(fetchInput(engine, h.http, post('{"username": "{{ inputs.u }}", "password": "s3cret"}'), { localInputs: { u: 'admin' } }))).toEqual({ csrf: 'csrf-1' });
  expect(saas.requests.map((r) => r.body)).toEqual(['None', '', '{"username": "admin", "password": "s3cret"}']);
  expect(saas.requests.map((r) => r.headers['user-agent'])).toEqual(['custom/1', 'custom/1', 'custom/1']);
});
