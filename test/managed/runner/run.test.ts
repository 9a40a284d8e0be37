/** Managed runs in process: tokens (§2.3), envelope (§11.1), batching (§11.2), outcomes (§11.4), test runs (§11.7). */
import type { TemplateEngine } from '../../../src/managed/template/types.js';
import { startFakeManagedCloud, type FakeManagedCloud } from '../../support/fakeManagedCloud.js';
import { fakeFetch, harness, integration, pages } from './harness.js';
import { useTemplateEngine } from '../../helpers/templateEngine.js';

let engine: TemplateEngine;
let cloud: FakeManagedCloud;
useTemplateEngine((e) => (engine = e));
afterEach(async () => {
  await cloud?.close();
});

const MAPPINGS = {
  USER: { type: 'attribute', value: 'profile.login' },
  EMAIL: { type: 'attribute', value: '{{ profile.email|lower }}' },
  EMPLOYEE_ID: { type: 'attribute', value: '_AT_id' },
  SOURCE: { type: 'value', value: 'okta' },
};

function envelope(over: Record<string, unknown>): Record<string, unknown> {
  return {
    connector_version: '9.9.9',
    sync_field: ['USER'],
    records: [],
    portion: expect.any(String),
    data_type: 'users',
    insert_only: false,
    update_only: true,
    error: null,
    test_run: false,
    multi_str_input_value: null,
    connector_id: 7,
    ...over,
  };
}

test('a run: mappings with escaped keys, an error item alone and in place, the batch after it, finalize; tokens as §2.3 says', async () => {
  cloud = await startFakeManagedCloud({
    storedTokens: { '5': 'sync-token-abcdefghij' },
    mappings: { '7': MAPPINGS },
    csrfToken: 'csrf-1',
    polls: [[integration(7, { update_only: 'yes', sync_field: 'USER', oomnitza_authorization: { token_id: 5 } })]],
  });
  const fetch = fakeFetch({
    '7': pages([
      [
        { record: { profile: { login: 'ann', email: 'Ann@X.COM' }, '@id': '42' } },
        { raw: { id: 'broken' }, error: 'Failed to fetch the details of a single item from the block. The error is: 404' },
        { record: { profile: { login: 'bob', email: 'bob@x.com' }, '@id': 'x-1' } },
      ],
      [{ record: { profile: { login: 'cy' } } }],
    ]),
  });
  const code = await harness(cloud, fetch, engine).run();
  expect(code).toBe(1); // one item failed
  expect(cloud.uploads).toEqual([
    envelope({ records: [{ id: 'broken' }], error: 'Failed to fetch the details of a single item from the block. The error is: 404' }),
    envelope({ records: [
      { USER: 'ann', EMAIL: 'ann@x.com', EMPLOYEE_ID: 42, SOURCE: 'okta' },
      { USER: 'bob', EMAIL: 'bob@x.com', EMPLOYEE_ID: 'x-1', SOURCE: 'okta' },
    ] }),
    envelope({ records: [{ USER: 'cy', EMAIL: '', EMPLOYEE_ID: null, SOURCE: 'okta' }] }),
  ]);
  const portion = cloud.uploads[0].portion as string;
  expect(new Set(cloud.uploads.map((u) => u.portion))).toEqual(new Set([portion]));
  expect(cloud.finalized).toEqual([portion]);
  // Base token: the poll, O4, O5. Sync token: AuthTest, cancel checks, uploads, finalize.
  const by = (path: string) => cloud.requests.filter((r) => r.path === path).map((r) => r.token);
  expect(by('/api/v3/bulk/check_managed')).toEqual([cloud.token]);
  expect(cloud.calls('/api/v3/auth/oomnitza_tokens/5').map((r) => r.token)).toEqual([cloud.token]);
  expect(cloud.requests.filter((r) => r.query.connector_id === '7').map((r) => r.token)).toEqual([cloud.token]);
  const syncCalls = cloud.requests.filter((r) => r.path.startsWith('/api/v3/bulk') && r.path !== '/api/v3/bulk/check_managed');
  expect(syncCalls.every((r) => r.token === 'sync-token-abcdefghij')).toBe(true);
  expect(syncCalls.every((r) => r.csrf === 'csrf-1')).toBe(true);
  // Order: O4 before O5 before the sync token's AuthTest; per batch: the page's check, the batch's check, uploads.
  // (The engine's page checks are the fake fetch module's here.)
  const order = cloud.requests.map((r) => `${r.method} ${r.path}${r.query.name ? `?name=${r.query.name}` : r.query.connector_id ? `?connector_id=${r.query.connector_id}` : ''} ${r.token === cloud.token ? 'base' : 'sync'}`);
  expect(order).toEqual([
    'GET /api/v2/mappings?name=AuthTest base',
    'POST /api/v3/bulk/check_managed base',
    'GET /api/v2/mappings?connector_id=7 base',
    'GET /api/v3/auth/oomnitza_tokens/5 base',
    'GET /api/v2/mappings?name=AuthTest sync',
    `GET /api/v3/bulk/${portion} sync`, // page 1
    `GET /api/v3/bulk/${portion} sync`, // batch 1
    `GET /api/v3/bulk/${portion} sync`, // page 2, read ahead while batch 1 is pushed
    'POST /api/v3/bulk sync',
    'POST /api/v3/bulk sync',
    `GET /api/v3/bulk/${portion} sync`, // batch 2
    'POST /api/v3/bulk sync',
    `POST /api/v3/bulk/${portion}/finalize sync`,
  ]);
});

test('a mapping that fails sends the raw record alone with the §11.3 text; a JSON boolean update_only is accepted', async () => {
  cloud = await startFakeManagedCloud({
    mappings: { '7': { USER: { type: 'attribute', value: '{{ profile.login + 1 }}' } } },
    polls: [[integration(7, { update_only: true })]],
  });
  const fetch = fakeFetch({ '7': pages([[{ record: { profile: { login: 'ann' } } }, { record: 'not an object' }]]) });
  expect(await harness(cloud, fetch, engine).run()).toBe(1);
  expect(cloud.uploads.map((u) => [u.records, u.error])).toEqual([
    [[{ profile: { login: 'ann' } }], expect.stringMatching(/^Failed to process the mapping value: \{\{ profile\.login \+ 1 \}\}\. The error is: TypeError: .+/)],
    [['not an object'], 'Failed to process the mapping value: {{ profile.login + 1 }}. The error is: the record is a string, not an object'],
  ]);
  expect(cloud.uploads[0].update_only).toBe(true);
  expect(cloud.finalized).toHaveLength(1);
});

test('the first page failed: a failed synthetic portion under a fresh correlation id, no finalize', async () => {
  cloud = await startFakeManagedCloud({
    polls: [[integration(7, { inputs: { tags: { value: ['A', 'B'], type: 'multi_str' } }, test_run: 'True' })]],
  });
  const fetch = fakeFetch({
    '7': async function* () {
      yield { kind: 'failed', stage: 'first-page', message: 'Failed to fetch the first block of data. The error is: 404 Client Error. The further processing is impossible', detail: 'HTTP 404 at /users' };
    },
  });
  expect(await harness(cloud, fetch, engine).run()).toBe(1);
  expect(cloud.uploads).toEqual([]);
  expect(cloud.finalized).toEqual([]);
  expect(cloud.readyPortions).toEqual([['7', {
    correlation_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    failed: 1,
    error_message: 'Failed to fetch the first block of data. The error is: 404 Client Error. The further processing is impossible\nHTTP 404 at /users',
    test_run: true,
    multi_str_input_value: ['A', 'B'],
    error_type: 'Fatal Error',
  }]]);
  expect(Object.keys(cloud.readyPortions[0][1])).toEqual(['correlation_id', 'failed', 'error_message', 'test_run', 'multi_str_input_value', 'error_type']);
});

test('an empty first page: an is_empty_run portion, no finalize; exit 0', async () => {
  cloud = await startFakeManagedCloud({ polls: [[integration(7)]] });
  const fetch = fakeFetch({ '7': pages([], { kind: 'end', outcome: 'empty-first-page' }) });
  expect(await harness(cloud, fetch, engine).run()).toBe(0);
  expect(cloud.readyPortions).toEqual([['7', { correlation_id: expect.any(String), is_empty_run: true, multi_str_input_value: null }]]);
  expect(cloud.finalized).toEqual([]);
});

test('a later page failed: the fatal error record on the portion, then finalize', async () => {
  cloud = await startFakeManagedCloud({ mappings: { '7': { USER: { type: 'attribute', value: 'login' } } }, polls: [[integration(7)]] });
  const fetch = fakeFetch({
    '7': pages([[{ record: { login: 'ann' } }]], { kind: 'failed', stage: 'later-page', message: 'Failed to fetch the next block of data. The error is: 500. The further processing is impossible', detail: '' }),
  });
  expect(await harness(cloud, fetch, engine).run()).toBe(1);
  expect(cloud.uploads.map((u) => [u.records, u.error, u.error_type])).toEqual([
    [[{ USER: 'ann' }], null, undefined],
    [[{}], 'Failed to fetch the next block of data. The error is: 500. The further processing is impossible', 'Fatal Error'],
  ]);
  expect(Object.keys(cloud.uploads[1]).at(-1)).toBe('error_type');
  expect(cloud.finalized).toEqual([cloud.uploads[0].portion]);
});

test('canceled in Oomnitza: the batch fetched is dropped, the portion is finalized', async () => {
  cloud = await startFakeManagedCloud({ mappings: { '7': { USER: { type: 'attribute', value: 'login' } } }, polls: [[integration(7)]] });
  cloud.cancelAfterUploads = 1;
  const fetch = fakeFetch({
    '7': async function* () {
      yield { kind: 'batch', items: [{ record: { login: 'a' } }] };
      yield { kind: 'batch', items: [{ record: { login: 'b' } }] };
      yield { kind: 'end', outcome: 'done' };
    },
  });
  expect(await harness(cloud, fetch, engine).run()).toBe(0);
  expect(cloud.uploads.map((u) => u.records)).toEqual([[{ USER: 'a' }]]);
  expect(cloud.finalized).toHaveLength(1);
});

test('the same id twice in one answer runs once; two ids run side by side', async () => {
  cloud = await startFakeManagedCloud({ polls: [[integration(7), integration(7), integration(8)]] });
  let active = 0;
  let peak = 0;
  const slow = async function* () {
    active++;
    peak = Math.max(peak, active);
    await new Promise((r) => setTimeout(r, 50));
    active--;
    yield { kind: 'end', outcome: 'done' } as const;
  };
  const fetch = fakeFetch({ '7': slow, '8': slow });
  expect(await harness(cloud, fetch, engine).run()).toBe(0);
  expect(fetch.inputs.map((i) => i.integration.id)).toEqual([7, 8]);
  expect(peak).toBe(2);
  expect(cloud.finalized).toHaveLength(2);
});

test('--testmode prints the payloads and sends none, but the cancel checks and finalize go to Oomnitza; a test run is marked', async () => {
  cloud = await startFakeManagedCloud({ mappings: { '7': { USER: { type: 'attribute', value: 'login' } } }, polls: [[integration(7, { test_run: true })]] });
  const fetch = fakeFetch({ '7': pages([[{ record: { login: 'a' } }]]) });
  const h = harness(cloud, fetch, engine);
  expect(await h.run({ testmode: true })).toBe(0);
  expect(cloud.uploads).toEqual([]);
  expect(h.printed.map((t) => JSON.parse(t))).toEqual([envelope({ records: [{ USER: 'a' }], update_only: false, sync_field: [], test_run: true })]);
  expect(fetch.inputs[0].testRun).toBe(true);
  expect(cloud.finalized).toHaveLength(1);
});

test('a wrong sync token: AuthTest is refused (401), nothing is fetched or sent, exit 1', async () => {
  cloud = await startFakeManagedCloud({ polls: [[integration(7, { oomnitza_authorization: 'not-a-valid-token' })]] });
  const fetch = fakeFetch({ '7': pages([]) });
  expect(await harness(cloud, fetch, engine).run()).toBe(1);
  expect(fetch.inputs).toEqual([]);
  expect(cloud.calls('/api/v2/mappings').filter((r) => r.query.name === 'AuthTest').map((r) => [r.token])).toEqual([[cloud.token], ['not-a-valid-token']]);
  expect(cloud.uploads).toEqual([]);
});

test('a cloud config the run cannot use (update_only missing) is reported to Oomnitza as a failed portion', async () => {
  const bad = integration(7);
  delete bad.update_only;
  cloud = await startFakeManagedCloud({ polls: [[bad]] });
  const fetch = fakeFetch({});
  expect(await harness(cloud, fetch, engine).run()).toBe(1);
  expect(cloud.readyPortions).toEqual([['7', expect.objectContaining({ failed: 1, error_message: 'the integration\'s configuration cannot be used: the integration has no "update_only"' })]]);
});

test('maintenance: without the flag a poll that keeps getting 503 exits 1; with it the loop polls on', async () => {
  cloud = await startFakeManagedCloud();
  cloud.failPolls(503, 1);
  const fetch = fakeFetch({ '7': pages([], { kind: 'end', outcome: 'empty-first-page' }) });
  expect(await harness(cloud, fetch, engine).run()).toBe(1);

  cloud.failPolls(503, 2);
  cloud.queuePoll([integration(7)]);
  const stop = new AbortController();
  const polls: unknown[] = [];
  const code = await harness(cloud, fetch, engine).run({
    once: false, ignoreMaintenance: true, stop: stop.signal,
    onPoll: (reply) => {
      polls.push(reply);
      if (polls.length === 2) stop.abort(new Error('SIGTERM'));
    },
  });
  expect(code).toBe(0);
  expect(cloud.calls('/api/v3/bulk/check_managed').length).toBe(1 + 2 + 2);
  expect(cloud.readyPortions.map(([id, b]) => [id, b.is_empty_run])).toEqual([['7', true]]);
});

test('SIGTERM: a run that does not finish within the grace is interrupted and reported (fatal record + finalize), exit 0', async () => {
  cloud = await startFakeManagedCloud({ mappings: { '7': { USER: { type: 'attribute', value: 'login' } } }, polls: [[integration(7)]] });
  const stop = new AbortController();
  const fetch = fakeFetch({
    '7': async function* (input) {
      yield { kind: 'batch', items: [{ record: { login: 'a' } }] };
      stop.abort(new Error('SIGTERM'));
      await new Promise((resolve) => input.signal!.addEventListener('abort', resolve, { once: true }));
      yield { kind: 'batch', items: [{ record: { login: 'never' } }] };
    },
  });
  const code = await harness(cloud, fetch, engine).run({ once: false, stop: stop.signal, graceMs: 50 });
  expect(code).toBe(0);
  expect(cloud.uploads.map((u) => [u.records, u.error_type])).toEqual([
    [[{ USER: 'a' }], undefined],
    [[{}], 'Fatal Error'],
  ]);
  expect(cloud.uploads[1].error).toMatch(/^The connector was stopped \(SIGTERM\) before the run finished/);
  expect(cloud.finalized).toHaveLength(1);
});

test('SIGTERM before anything was sent: a failed portion says the run was interrupted', async () => {
  cloud = await startFakeManagedCloud({ polls: [[integration(7)]] });
  const stop = new AbortController();
  const fetch = fakeFetch({
    '7': async function* (input) {
      stop.abort(new Error('SIGINT'));
      await new Promise((resolve) => input.signal!.addEventListener('abort', resolve, { once: true }));
      yield { kind: 'end', outcome: 'done' } as const;
    },
  });
  expect(await harness(cloud, fetch, engine).run({ once: false, stop: stop.signal, graceMs: 20 })).toBe(0);
  expect(cloud.uploads).toEqual([]);
  expect(cloud.finalized).toEqual([]);
  expect(cloud.readyPortions).toEqual([['7', expect.objectContaining({ failed: 1, error_message: expect.stringMatching(/stopped \(SIGINT\)/), error_type: 'Fatal Error' })]]);
});

test('is_custom with a test run: the first response is saved to save_data/<name>.json and nothing is sent', async () => {
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'managed-custom-'));
  cloud = await startFakeManagedCloud({ polls: [[integration(7, { is_custom: 'true', test_run: 'true', name: 'My ../app' })]] });
  const fetch = fakeFetch({}, { users: [{ id: 1 }] });
  expect(await harness(cloud, fetch, engine).run({ saveDir: dir })).toBe(0);
  expect(JSON.parse(fs.readFileSync(path.join(dir, 'My .._app.json'), 'utf8'))).toEqual({ users: [{ id: 1 }] });
  expect(cloud.uploads).toEqual([]);
  expect(cloud.finalized).toEqual([]);
  expect(cloud.readyPortions).toEqual([]);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('INI mapping lines: converter and required as in upload mode, recordfilter on the raw record; username/password base login', async () => {
  const { readManagedSections } = await import('../../../src/managed/settings.js');
  const { parseIni } = await import('../../../src/config/iniReader.js');
  const { parseSaasAuthorization } = await import('./harness.js');
  const errors: unknown[] = [];
  const sections = await readManagedSections(parseIni([
    '[managed.7]',
    'mapping.USER = {"source": "login", "converter": "capitalize", "required": true}',
    'mapping.SITE = {"hardcoded": "HQ"}',
    'recordfilter = return record.active !== false',
  ].join('\n'), 'config.ini'), { parseSaasAuthorization }, new Set(), errors as never, []);
  expect(errors).toEqual([]);
  cloud = await startFakeManagedCloud({
    login: { username: 'svc', password: 'pw' },
    mappings: { '7': { USER: { type: 'attribute', value: 'nothing' }, EMAIL: { type: 'attribute', value: 'mail' } } },
    polls: [[integration(7)]],
  });
  const fetch = fakeFetch({
    '7': pages([[
      { record: { login: 'ann', mail: 'a@x' } },
      { record: { login: 'bob', mail: 'b@x', active: false } },
      { record: { login: '', mail: 'c@x' } },
    ]]),
  });
  const h = harness(cloud, fetch, engine, [...sections.values()], { api_token: '', username: 'svc', password: 'pw' } as never);
  expect(await h.run()).toBe(0);
  expect(cloud.uploads.map((u) => u.records)).toEqual([[{ USER: 'Ann', EMAIL: 'a@x', SITE: 'HQ' }]]);
  // The login's session token is the base token, and (no oomnitza_authorization) the sync token too.
  expect(new Set(cloud.requests.filter((r) => r.path !== '/api/request_token').map((r) => r.token))).toEqual(new Set(['session-token-0123456789']));
});

test('catalog_input (the cloud input, rendered as a string) and credential_input (O11 once, sync token)', async () => {
  cloud = await startFakeManagedCloud({
    credentials: { c1: { name: 'Okta production', secret: 'never read' } },
    mappings: { '7': { USER: { type: 'attribute', value: 'login' }, REGION: { type: 'catalog_input', value: 'region' }, CRED: { type: 'credential_input', value: 'c1' } } },
    polls: [[integration(7, { inputs: { region: { value: null } }, saas_authorization: { credential_id: 'c1' } })]],
  });
  const fetch = fakeFetch({ '7': pages([[{ record: { login: 'a' } }, { record: { login: 'b' } }]]) });
  expect(await harness(cloud, fetch, engine).run()).toBe(0);
  expect(cloud.uploads.map((u) => u.records)).toEqual([[{ USER: 'a', REGION: 'None', CRED: 'Okta production' }, { USER: 'b', REGION: 'None', CRED: 'Okta production' }]]);
  expect(cloud.calls('/api/v3/auth/c1').map((r) => r.token)).toEqual([cloud.token]);
});
