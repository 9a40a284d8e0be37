/**
 * basic_connector integrations (managed fact sheet §9.1, §14): the runner with the real fetch engine and the real
 * sources (the registry's lookup, as the CLI injects it) against the sources' protocol test servers and the fake
 * cloud. One upload per record, finalize; a refused credential, a bad input or an unknown name is a failed portion.
 */
import { redactor } from '../../../src/logging.js';
import * as fetchEngine from '../../../src/managed/fetch/index.js';
import type { TemplateEngine } from '../../../src/managed/template/types.js';
import { findSource } from '../../../src/sources/registry.js';
import { startFakeDell } from '../../support/fakeDell.js';
import { startFakeDnac, type FakeDnac } from '../../support/fakeDnac.js';
import { startFakeFortiManager, type FakeFortiManager } from '../../support/fakeFortiManager.js';
import { startFakeManagedCloud, type FakeManagedCloud } from '../../support/fakeManagedCloud.js';
import { startFakeMeraki, type FakeMeraki } from '../../support/fakeMerakiNetwork.js';
import { startFakeMobileIron, type FakeMobileIron } from '../../support/fakeMobileIron.js';
import { startFakeVcenter, type FakeVcenter } from '../../support/fakeVcenter.js';
import { harness } from './harness.js';
import { useTemplateEngine } from '../../helpers/templateEngine.js';

let engine: TemplateEngine;
let cloud: FakeManagedCloud;
const closers: Array<() => Promise<void>> = [];
useTemplateEngine((e) => (engine = e));
afterEach(async () => {
  await Promise.all([cloud?.close(), ...closers.splice(0).map((c) => c())]);
});

const basic = (name: string) => basicWith(name, {});
const basicWith = (name: string, extra: Record<string, unknown>) => ({
  id: 12, name: `Delegated ${name}`, type: 'assets', update_only: 'False', insert_only: 'False', sync_field: 'SERIAL_NUMBER',
  basic_connector: name,
  // The original renders list_behavior to compute the auth it hands over; the call itself is never made.
  list_behavior: { http_method: 'GET', url: '{{ inputs.url }}/unused', headers: [], params: [], result: '{{ list_response }}' },
  saas_authorization: { headers: { 'X-Unused': 'nothing' } },
  ...extra,
});
const inputs = (values: Record<string, unknown>) => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v }]));
const run = (workers = 1) => harness(cloud, fetchEngine, engine).run({ workers, sources: findSource });
const basicAuth = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const failed = () => cloud.readyPortions.map(([id, body]) => [id, body.failed, body.error_type, String(body.error_message)]);

test('vcenter: cloud inputs (url, username, use_legacy_apis) and a local password; one upload per VM with the managed envelope, then finalize', async () => {
  const vc: FakeVcenter = await startFakeVcenter({ hostsPerDatacenter: 1, vmsPerHost: 3, only: 'api' });
  closers.push(() => vc.close());
  cloud = await startFakeManagedCloud({
    mappings: { '12': { SERIAL_NUMBER: { type: 'attribute', value: 'vm.vm' }, NAME: { type: 'attribute', value: 'name' }, HOST: { type: 'attribute', value: 'host.name' } } },
    polls: [[basicWith('vcenter', {
      inputs: inputs({ url: vc.url, username: vc.username, use_legacy_apis: 'False', password: 'not-this-one' }),
      local_inputs: { password: vc.password },
    })]],
  });
  expect(await run()).toBe(0);
  const portion = cloud.uploads[0].portion;
  expect(cloud.uploads).toEqual(vc.vms.map((v) => ({
    connector_version: '9.9.9', sync_field: ['SERIAL_NUMBER'],
    records: [{ SERIAL_NUMBER: v.id, NAME: v.name, HOST: 'esx1-1.example.com' }],
    portion, data_type: 'assets', insert_only: false, update_only: false, error: null, test_run: false, multi_str_input_value: null, connector_id: 12,
  })));
  expect(cloud.finalized).toEqual([portion]);
  expect(cloud.readyPortions).toEqual([]);
  // A cancel check before each record (single mode), with the run's sync token.
  expect(cloud.calls(`/api/v3/bulk/${portion}`, 'GET')).toHaveLength(3);
  expect(vc.logins).toBe(1);
});

test('vcenter: a password the server refuses is the failed-first-page outcome naming the connector; nothing uploaded, no finalize', async () => {
  const vc = await startFakeVcenter({ hostsPerDatacenter: 1, vmsPerHost: 1, only: 'api' });
  closers.push(() => vc.close());
  cloud = await startFakeManagedCloud({
    polls: [[basicWith('vcenter', { inputs: inputs({ url: vc.url, username: vc.username, password: 'wrong-password', use_legacy_apis: 'False' }) })]],
  });
  expect(await run()).toBe(1);
  expect(cloud.uploads).toEqual([]);
  expect(cloud.finalized).toEqual([]);
  expect(failed()).toEqual([['12', 1, 'Fatal Error', expect.stringMatching(/^Failed to fetch the first block of data\. The error is: basic_connector "vcenter": .*401.*\. The further processing is impossible/)]]);
  expect(String(cloud.readyPortions[0][1].error_message)).not.toContain('wrong-password');
  // The source's secret settings are secrets of the run: no log line shows them.
  expect(redactor.redact('password=wrong-password')).not.toContain('wrong-password');
});

test('mobileiron: the saas_authorization headers become authorization_settings (its Authorization replaces username/password)', async () => {
  const mi: FakeMobileIron = await startFakeMobileIron();
  closers.push(() => mi.close());
  cloud = await startFakeManagedCloud({
    mappings: { '12': { SERIAL_NUMBER: { type: 'attribute', value: 'id' }, MODEL: { type: 'attribute', value: 'model' } } },
    polls: [[basicWith('mobileiron', {
      inputs: inputs({ url: mi.url, partitions: '["Sales"]', api_version: '1' }),
      saas_authorization: { headers: { Authorization: basicAuth(mi.username, mi.password) } },
    })]],
  });
  expect(await run()).toBe(0);
  // Sales: 4 devices checked in recently (newest first), 1 stale left out; device 4 is a Windows one.
  expect(cloud.uploads.map((u) => u.records)).toEqual([1, 2, 3, 4].map((k) => [{ SERIAL_NUMBER: 100300000 + k, MODEL: k === 4 ? 'Surface Laptop 5' : 'iPhone 15' }]));
  expect(cloud.finalized).toEqual([cloud.uploads[0].portion]);
  expect(mi.log.some((l) => l.includes('/api/v1/device/100300004/hardwareinventory'))).toBe(true);
});

test('mobileiron: a device the source could not read (its hardware inventory failed) is an error record of its own, in place', async () => {
  const mi = await startFakeMobileIron();
  closers.push(() => mi.close());
  mi.failHardware(1003, 4);
  cloud = await startFakeManagedCloud({
    mappings: { '12': { SERIAL_NUMBER: { type: 'attribute', value: 'id' } } },
    polls: [[basicWith('mobileiron', {
      inputs: inputs({ url: mi.url, partitions: '["Sales"]' }),
      saas_authorization: { headers: { Authorization: basicAuth(mi.username, mi.password) } },
    })]],
  });
  expect(await run()).toBe(1);
  expect(cloud.uploads.map((u) => [u.records, u.error])).toEqual([
    ...[1, 2, 3].map((k) => [[{ SERIAL_NUMBER: 100300000 + k }], null]),
    [[{ id: 'device 100300004 (serial "MI1003S0004")' }], expect.stringMatching(/^Failed to fetch device 100300004 \(serial "MI1003S0004"\)\. The error is: .*400.*Unable to read the hardware inventory/)],
  ]);
  expect(cloud.finalized).toHaveLength(1);
});

test('mobileiron: an Authorization the server refuses: failed first page; a session-less static header is never logged', async () => {
  const mi = await startFakeMobileIron();
  closers.push(() => mi.close());
  cloud = await startFakeManagedCloud({
    polls: [[basicWith('mobileiron', {
      inputs: inputs({ url: mi.url, partitions: '["Sales"]' }),
      saas_authorization: { headers: { Authorization: basicAuth(mi.username, 'stale-Pass-0') } },
    })]],
  });
  expect(await run()).toBe(1);
  expect(cloud.uploads).toEqual([]);
  expect(failed()).toEqual([['12', 1, 'Fatal Error', expect.stringMatching(/^Failed to fetch the first block of data\. The error is: basic_connector "mobileiron": .*HTTP 401/)]]);
  expect(String(cloud.readyPortions[0][1].error_message)).not.toContain(Buffer.from(`${mi.username}:stale-Pass-0`).toString('base64'));
});

test('dnac_network_devices: authorization_settings Authorization on the token request; canceled in Oomnitza after 2 uploads: 2 sent, finalize', async () => {
  const dnac: FakeDnac = await startFakeDnac({ devices: 5 });
  closers.push(() => dnac.close());
  cloud = await startFakeManagedCloud({
    mappings: { '12': { SERIAL_NUMBER: { type: 'attribute', value: 'serialNumber' }, NAME: { type: 'attribute', value: 'hostname' } } },
    polls: [[basicWith('dnac_network_devices', {
      inputs: inputs({ base_url: dnac.url }),
      saas_authorization: { headers: { Authorization: basicAuth(dnac.username, dnac.password) } },
    })]],
  });
  cloud.cancelAfterUploads = 2;
  expect(await run()).toBe(0);
  const device = (i: number) => [{ SERIAL_NUMBER: `FCW22${String(i).padStart(4, '0')}A`, NAME: `sw-${i}.campus.example.com` }];
  expect(cloud.uploads.map((u) => u.records)).toEqual([device(1), device(2)]);
  expect(cloud.finalized).toEqual([cloud.uploads[0].portion]);
  expect(dnac.log[0]).toBe('POST /dna/system/api/v1/auth/token');
});

test('meraki_network_devices: the cloud header X-Cisco-Meraki-API-Key is the key; fortimanager: inputs url/user/password, JSON-RPC login', async () => {
  const meraki: FakeMeraki = await startFakeMeraki({ networks: 1, devicesPerNetwork: 2, spares: 0 });
  closers.push(() => meraki.close());
  cloud = await startFakeManagedCloud({
    mappings: { '12': { SERIAL_NUMBER: { type: 'attribute', value: 'serial' } }, '15': { SERIAL_NUMBER: { type: 'attribute', value: 'sn' }, NAME: { type: 'attribute', value: 'name' } } },
    polls: [[basicWith('meraki_network_devices', {
      inputs: inputs({ url: meraki.url, org_id: meraki.orgId }),
      saas_authorization: { headers: { 'X-Cisco-Meraki-API-Key': meraki.apiKey } },
    })]],
  });
  expect(await run()).toBe(0);
  expect(cloud.uploads.map((u) => u.records)).toEqual([1, 2].map((k) => [{ SERIAL_NUMBER: meraki.networkDevice(1, k).serial }]));
  expect(cloud.finalized).toHaveLength(1);

  const fmg: FakeFortiManager = await startFakeFortiManager({ devices: 2 });
  closers.push(() => fmg.close());
  cloud.queuePoll([{ ...basicWith('fortimanager', { inputs: inputs({ url: fmg.url, user: fmg.user, password: fmg.password, filter_fields: '["name", "sn"]' }) }), id: 15 }]);
  const before = cloud.uploads.length;
  expect(await run()).toBe(0);
  expect(cloud.uploads.slice(before).map((u) => [u.connector_id, u.records])).toEqual([1, 2].map((i) => {
    const d = fmg.device(i);
    return [15, [{ SERIAL_NUMBER: d.sn, NAME: d.name }]];
  }));
  expect(fmg.calls).toEqual(['exec /sys/login/user', 'get /dvmdb/device', 'exec /sys/logout']);
  expect(fmg.open()).toEqual([]);
});

test('dell_asset_order_status: a session login in saas_authorization gives the Authorization it hands over; a test run stops at 10 records', async () => {
  const dell = await startFakeDell();
  closers.push(() => dell.close());
  const login = {
    http_method: 'POST', url: `${dell.url}/auth/oauth/v2/token`,
    headers: [{ key: 'Content-Type', value: 'application/x-www-form-urlencoded' }], params: [],
    body: 'grant_type=client_credentials&client_id={{ inputs.dell_client }}&client_secret={{ inputs.dell_secret }}',
    result: { headers: [{ key: 'Authorization', value: 'Bearer {{ response.access_token }}' }], params: [] },
  };
  cloud = await startFakeManagedCloud({
    mappings: { '12': { SERIAL_NUMBER: { type: 'attribute', value: 'serialnumber' }, PO: { type: 'attribute', value: 'purchaseOrderNumber' } } },
    polls: [[basicWith('dell_asset_order_status', {
      test_run: 'True',
      inputs: inputs({ url: dell.url, values: '["PO-1", "PO-2", "PO-3"]', is_po_numbers: 'True', dell_client: dell.clientId }),
      local_inputs: { dell_secret: dell.clientSecret },
      saas_authorization: { type: 'session', behavior: login },
    })]],
  });
  expect(await run()).toBe(0);
  const all = [1, 2, 3].flatMap((n) => dell.tags(`PO-${n}`).map((tag) => [{ SERIAL_NUMBER: tag, PO: `PO-${n}` }]));
  expect(all).toHaveLength(12);
  expect(cloud.uploads.map((u) => u.records)).toEqual(all.slice(0, 10));
  expect(cloud.uploads.every((u) => u.test_run === true)).toBe(true);
  expect(cloud.finalized).toEqual([cloud.uploads[0].portion]);
  // One login (the auth computed once for list_behavior), one search with the PO numbers.
  expect(dell.tokensIssued).toBe(1);
  expect(dell.searches).toEqual([[{ key: 'po_numbers', values: ['PO-1', 'PO-2', 'PO-3'] }]]);
});

test('an unknown basic_connector, one this version cannot delegate to, and an input that does not fit: clear failed portions, nothing read', async () => {
  cloud = await startFakeManagedCloud({
    polls: [[
      basic('no_such_connector'),
      { ...basic('okta'), id: 13 },
      { ...basicWith('vcenter', { inputs: inputs({ url: 'vcenter.example.com', username: 'u' }) }), id: 14 },
    ]],
  });
  expect(await run()).toBe(1);
  const byId = Object.fromEntries(failed().map(([id, , , message]) => [id, message]));
  const has = 'it has: dell_asset_order_status, dnac_network_devices, fortimanager, meraki_network_devices, mobileiron, vcenter';
  expect(byId['12']).toBe(`Failed to fetch the first block of data. The error is: basic_connector "no_such_connector": no such connector for a managed integration in this version (${has}). The further processing is impossible`);
  expect(byId['13']).toMatch(/basic_connector "okta": no such connector for a managed integration/);
  expect(byId['14']).toMatch(/basic_connector "vcenter": the integration's inputs do not fit its settings: input url: "vcenter\.example\.com" is not a URL: it has no scheme.*; input password: missing required setting/);
  expect(cloud.uploads).toEqual([]);
  expect(cloud.finalized).toEqual([]);
});
