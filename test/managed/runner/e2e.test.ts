/** The runner with the real fetch engine against the fake SaaS and the fake cloud: exact payloads end to end. */
import * as fetchEngine from '../../../src/managed/fetch/index.js';
import type { TemplateEngine } from '../../../src/managed/template/types.js';
import { startFakeManagedCloud, type FakeManagedCloud } from '../../support/fakeManagedCloud.js';
import { startFakeSaas, type FakeSaas } from '../../support/fakeSaas.js';
import { getLogger } from '../../../src/logging.js';
import { OomnitzaClient } from '../../../src/oomnitza/client.js';
import { detailBehaviour, linkUsers, offsetDevices, sessionAuthorization, sessionDevices, signedUsers, softwareBehaviour } from '../../support/fakeSaasIntegrations.js';
import { harness, oomnitzaSettings } from './harness.js';
import { useTemplateEngine } from '../../helpers/templateEngine.js';

let engine: TemplateEngine;
let cloud: FakeManagedCloud;
let saas: FakeSaas;
useTemplateEngine((e) => (engine = e));
afterEach(async () => {
  await cloud?.close();
  await saas?.close();
});

const flags = { type: 'assets', update_only: 'False', insert_only: 'False', sync_field: 'SERIAL_NUMBER' };
const apps = [{ name: 'Slack', version: '4.10', path: null }, { name: 'Zoom', version: '5.1.2', path: null }];

test('offset paging with a detail and a software call per item: batches per page, the failed detail alone, APPLICATIONS forced', async () => {
  saas = await startFakeSaas({ devices: 5, failingDetails: ['d3'] });
  const def = { ...offsetDevices(saas.url), detail_behavior: detailBehaviour(), software_behavior: softwareBehaviour() };
  cloud = await startFakeManagedCloud({
    mappings: { '7': { SERIAL_NUMBER: { type: 'attribute', value: 'serial' }, MODEL: { type: 'attribute', value: 'model' }, DEVICE: { type: 'attribute', value: 'list_response_item.id' } } },
    polls: [[{ ...def, ...flags, saas_authorization: { headers: { 'X-Api-Key': 'key-123' } } }]],
  });
  const code = await harness(cloud, fetchEngine, engine).run({ workers: 1 });
  expect(code).toBe(1);
  const rec = (n: number) => ({ SERIAL_NUMBER: `SN-d${n}`, MODEL: 'MacBook Pro', DEVICE: `d${n}`, APPLICATIONS: apps });
  expect(cloud.uploads.map((u) => [u.records, u.error])).toEqual([
    [[rec(1), rec(2)], null],
    [[{ id: 'd3', serial: 'SN1003' }], expect.stringMatching(/^Failed to fetch the details of a single item from the block\. The error is: .*404/)],
    [[rec(4)], null],
    [[rec(5)], null],
  ]);
  expect(cloud.uploads.every((u) => u.connector_id === 7 && u.data_type === 'assets' && (u.sync_field as string[])[0] === 'SERIAL_NUMBER')).toBe(true);
  expect(cloud.finalized).toEqual([cloud.uploads[0].portion]);
  // The SaaS calls carried the static auth header.
  expect(saas.requestsTo('/offset/devices').every((r) => r.headers['x-api-key'] === 'key-123')).toBe(true);
});

test('a session integration (login before every call, rotating CSRF) from the cloud alone; an empty first page', async () => {
  saas = await startFakeSaas({ devices: 3, pageSize: 2 });
  const def = sessionDevices(saas.url);
  cloud = await startFakeManagedCloud({
    mappings: { '7': { SERIAL_NUMBER: { type: 'attribute', value: 'serial' } } },
    polls: [[{ ...def, ...flags, saas_authorization: sessionAuthorization() }]],
  });
  expect(await harness(cloud, fetchEngine, engine).run()).toBe(0);
  expect(cloud.uploads.map((u) => u.records)).toEqual([[{ SERIAL_NUMBER: 'SN1001' }, { SERIAL_NUMBER: 'SN1002' }], [{ SERIAL_NUMBER: 'SN1003' }]]);
  expect(cloud.finalized).toHaveLength(1);

  await saas.close();
  saas = await startFakeSaas({ devices: 0 });
  cloud.queuePoll([{ ...sessionDevices(saas.url), ...flags, saas_authorization: sessionAuthorization() }]);
  expect(await harness(cloud, fetchEngine, engine).run()).toBe(0);
  expect(cloud.readyPortions.map(([id, b]) => [id, b.is_empty_run])).toEqual([['7', true]]);
});

test('GlobalSetting in a template: O10 fetched once per run with the base token', async () => {
  saas = await startFakeSaas({ users: 3 });
  const def = linkUsers(saas.url);
  const list = { ...def.list_behavior!, url: String(def.list_behavior!.url).replace('{{ inputs.base_url }}', '{{ GlobalSetting.saas_base }}') };
  cloud = await startFakeManagedCloud({
    globalVariables: [{ name: 'saas_base', value: saas.url }],
    storedTokens: { '3': 'sync-token-zzzzzzzzzz' },
    mappings: { '7': { USER: { type: 'attribute', value: 'id' } } },
    polls: [[{ ...def, list_behavior: list, ...flags, sync_field: 'USER', oomnitza_authorization: { token_id: 3 }, saas_authorization: { headers: { 'X-Api-Key': 'key-123' } } }]],
  });
  expect(await harness(cloud, fetchEngine, engine).run()).toBe(0);
  expect(cloud.uploads.flatMap((u) => u.records)).toEqual([{ USER: 'u1' }, { USER: 'u2' }, { USER: 'u3' }]);
  expect(cloud.calls('/api/v3/settings/global_variables').map((r) => r.token)).toEqual([cloud.token]);
});

test('saas_authorization credential_id (2.3.3): O12 with the sync token before every SaaS call, its auth merged', async () => {
  saas = await startFakeSaas({ users: 3 });
  const def = signedUsers(saas.url);
  cloud = await startFakeManagedCloud({
    storedTokens: { '5': 'sync-token-abcdefghij' },
    credentialSecrets: { 'cred-1': { headers: { Authorization: 'Signed key-123' }, params: { signature: 'key-123' } } },
    mappings: { '7': { USER: { type: 'attribute', value: 'id' } } },
    polls: [[{ ...def, ...flags, sync_field: 'USER', oomnitza_authorization: { token_id: 5 }, saas_authorization: { credential_id: 'cred-1' } }]],
  });
  expect(await harness(cloud, fetchEngine, engine).run()).toBe(0);
  expect(cloud.uploads.map((u) => u.records)).toEqual([[{ USER: 'u1' }, { USER: 'u2' }], [{ USER: 'u3' }]]);
  const o12 = cloud.calls('/api/v3/auth/cred-1/secret', 'POST');
  expect(o12.map((r) => r.token)).toEqual(['sync-token-abcdefghij', 'sync-token-abcdefghij']);
  expect(o12.map((r) => r.body)).toEqual([1, 2].map((page) => ({ url: `${saas.url}/signed/users`, http_method: 'GET', params: { page: String(page) }, headers: { Accept: 'application/json' }, body: '' })));
  expect(saas.lines()).toEqual(['GET /signed/users?page=1&signature=key-123', 'GET /signed/users?page=2&signature=key-123']);
  expect(saas.requests.every((r) => r.headers.authorization === 'Signed key-123')).toBe(true);
});

test('an unknown credential id: O12 answers 404, the first page fails, nothing reaches the SaaS', async () => {
  saas = await startFakeSaas({ users: 3 });
  cloud = await startFakeManagedCloud({
    credentialSecrets: { 'cred-1': { headers: { Authorization: 'Signed key-123' } } },
    mappings: { '7': { USER: { type: 'attribute', value: 'id' } } },
    polls: [[{ ...signedUsers(saas.url), ...flags, sync_field: 'USER', saas_authorization: { credential_id: 'nope' } }]],
  });
  expect(await harness(cloud, fetchEngine, engine).run()).toBe(1);
  expect(cloud.uploads).toEqual([]);
  expect(cloud.readyPortions).toHaveLength(1);
  expect(cloud.readyPortions[0][1]).toMatchObject({ failed: 1, error_message: expect.stringMatching(/^Failed to fetch the first block of data\. The error is: .*\/api\/v3\/auth\/nope\/secret failed: HTTP 404/) });
  expect(saas.requests).toHaveLength(0);
});

test('O12 refuses a token it does not know (401) and a credential it does not have (404)', async () => {
  cloud = await startFakeManagedCloud({ credentialSecrets: { 'cred-1': { headers: { Authorization: 'Signed key-123' } } } });
  const call = { url: 'https://saas.example/x', http_method: 'GET', params: {}, headers: {}, body: '' };
  const base = new OomnitzaClient(oomnitzaSettings(cloud), getLogger('oomnitza'));
  try {
    expect(await base.credentialSecret('cred-1', call)).toEqual({ headers: { Authorization: 'Signed key-123' }, params: {} });
    await expect(base.credentialSecret('cred-2', call)).rejects.toThrow(/404/);
    await expect(base.withToken('wrong-token-0000').credentialSecret('cred-1', call)).rejects.toThrow(/401/);
  } finally {
    await base.close();
  }
});
