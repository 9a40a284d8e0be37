/**
 * [meraki_network_devices], [dnac_network_devices] and [fortimanager] settings as the config loader reads them: the
 * original's sections load unchanged with its defaults, each README example loads, and every refusal names the key.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SectionConfig } from '../../../src/config/loadConfig.js';
import { jsonRpcUrl } from '../../../src/sources/fortimanager/jsonRpc.js';
import { withInventory } from '../../../src/sources/meraki_network_devices/index.js';
import { loadSection } from '../../helpers/loadSection.js';
import { repoRoot } from '../../helpers/runCli.js';

const section = async (name: string, lines: string) => loadSection(name, `[${name}]\nenable = True\n${lines}\n`);
const settings = (s: SectionConfig | string) => {
  if (typeof s === 'string') throw new Error(s);
  return s.settings;
};

test('the original\'s sections load unchanged, with its defaults', async () => {
  expect(settings(await section('meraki_network_devices', 'meraki_api_key = 6bec40cf957de430a6f1f2baa056b99a4fac9ea0\norg_id = 549236'))).toEqual({
    meraki_api_key: '6bec40cf957de430a6f1f2baa056b99a4fac9ea0', org_id: '549236', url: 'https://api.meraki.com', concurrency: 0, rate_limit_max_wait: 300, authorization_settings: {},
  });
  expect(settings(await section('dnac_network_devices', 'username = admin\npassword = secret-pass\nbase_url = https://10.0.0.5/'))).toEqual({
    username: 'admin', password: 'secret-pass', base_url: 'https://10.0.0.5', authorization_settings: {}, rate_limit_max_wait: 300,
  });
  expect(settings(await section('fortimanager', 'url = https://fmg.example.com/jsonrpc\nuser = api\npassword = p4ss\nfilter_fields = ["name", "sn", "oid"]'))).toEqual({
    url: 'https://fmg.example.com/jsonrpc', user: 'api', password: 'p4ss', filter_fields: ['name', 'sn', 'oid'], rate_limit_max_wait: 300,
  });
  expect(settings(await section('fortimanager', 'url = https://fmg.example.com\nuser = api\npassword = p4ss')).filter_fields).toEqual([]);
});

test.each([
  ['meraki_network_devices', 'org_id = 1', '[meraki_network_devices] meraki_api_key: missing the Meraki Dashboard API key'],
  ['meraki_network_devices', 'meraki_api_key = k3y-value\nurl = https://api.meraki.com/api/v1', 'url: "https://api.meraki.com/api/v1" must be scheme and host only'],
  ['dnac_network_devices', 'username = admin\npassword = p', 'base_url: missing required setting'],
  ['dnac_network_devices', 'base_url = https://dnac.example.com\nusername = admin', '[dnac_network_devices] password: set username and password of a Catalyst Center user'],
  ['dnac_network_devices', 'base_url = https://dnac.example.com\nauthorization_settings = {"Authorization": ', 'authorization_settings: not valid JSON'],
  ['fortimanager', 'url = https://fmg.example.com\nuser = api', '[fortimanager] password: set user and password of a FortiManager administrator'],
  ['fortimanager', 'url = https://fmg.example.com\nuser = api\npassword = p\nfilter_fields = name,sn', 'filter_fields: "name,sn" is not a JSON list (write it as ["name", "sn", "oid"])'],
  ['fortimanager', 'url = https://fmg.example.com\nuser = api\npassword = p\nfilter_fields = [1, 2]', 'filter_fields: "[1, 2]" is not a JSON list of field names'],
])('[%s] refused: %j', async (name, lines, message) => {
  const result = await section(name, lines);
  expect(typeof result).toBe('string');
  expect(result).toContain(message);
});

test.each(['meraki_network_devices', 'dnac_network_devices', 'fortimanager'])('[%s]: the example section of the README loads as it is', async (name) => {
  const readme = fs.readFileSync(path.join(repoRoot, `src/sources/${name}/README.md`), 'utf8');
  const block = /```ini\n([\s\S]*?)```/.exec(readme)![1];
  const result = await loadSection(name, block);
  expect(typeof result === 'string' ? result : result.name).toBe(name);
});

test('FortiManager URL as the original builds it; Meraki join keeps the network view and adds the inventory keys', () => {
  expect(jsonRpcUrl('https://fmg.example.com')).toBe('https://fmg.example.com/jsonrpc');
  expect(jsonRpcUrl('https://fmg.example.com/jsonrpc')).toBe('https://fmg.example.com/jsonrpc');
  expect(jsonRpcUrl('https://fmg.example.com/jsonrpc/')).toBe('https://fmg.example.com/jsonrpc');
  const device = { name: 'sw-1', serial: 'Q2AB', tags: ['core'], lanIp: '10.0.0.1' };
  expect(withInventory(device, { serial: 'Q2AB', name: 'old-name', tags: [], orderNumber: '4C1', claimedAt: '2023-01-01' }))
    .toEqual({ name: 'sw-1', serial: 'Q2AB', tags: ['core'], lanIp: '10.0.0.1', orderNumber: '4C1', claimedAt: '2023-01-01' });
  expect(withInventory(device, undefined)).toBe(device);
});
