/** `[zendesk]` settings through the real config loader: the original's section loads, every ConfigError path. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { zendesk } from '../../../src/sources/zendesk/index.js';
import { loadSection } from '../../helpers/loadSection.js';

const fixture = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures/original-example.ini');
const originalSection = /\[zendesk\][\s\S]*?(?=\n\[|$)/.exec(fs.readFileSync(fixture, 'utf8'))![0];
const BASE = 'system_name = acme\napi_token = zd-token-123456\nusername = admin@example.com\ndefault_role = 25\ndefault_position = Employee\n';

test('the original README\'s [zendesk] section loads unchanged, with its defaults', async () => {
  const section = await loadSection('zendesk', originalSection);
  if (typeof section === 'string') throw new Error(section);
  expect(section.settings).toEqual({
    system_name: 'oomnitza', api_token: 'YOUR Zendesk API TOKEN', username: 'username@example.com',
    default_role: '25', default_position: 'Employee', load_organizations: false, url: '', rate_limit_max_wait: 300,
  });
  expect(zendesk.variant(section.settings as never)).toEqual({ mappingName: 'Zendesk', dataType: 'users' });
  expect(zendesk.defaultMappings(section.settings as never)).toEqual({
    USER: { source: 'email' }, FIRST_NAME: { source: 'name', converter: 'first_from_full' }, LAST_NAME: { source: 'name', converter: 'last_from_full' },
    EMAIL: { source: 'email' }, PHONE: { source: 'phone' }, PERMISSIONS_ID: { setting: 'default_role' },
  });
});

// FIX: the original enabled organizations for any non-empty text, "False" and "0" included.
test.each([['True', true], ['yes', true], ['1', true], ['False', false], ['false', false], ['0', false], ['', false]])(
  'load_organizations = %s is %s', async (text, value) => {
    const section = await loadSection('zendesk', `[zendesk]\n${BASE}load_organizations = ${text}\n`);
    if (typeof section === 'string') throw new Error(section);
    expect(section.settings.load_organizations).toBe(value);
  });

test('url replaces https://{system_name}.zendesk.com (a trailing slash is dropped)', async () => {
  const section = await loadSection('zendesk', `[zendesk]\n${BASE}url = https://zendesk-proxy.example.com/\n`);
  if (typeof section === 'string') throw new Error(section);
  expect(section.settings.url).toBe('https://zendesk-proxy.example.com');
});

test.each([
  ['no system_name', BASE.replace('system_name = acme\n', ''), 'system_name'],
  ['no api_token', BASE.replace('api_token = zd-token-123456\n', ''), 'api_token'],
  ['no username', BASE.replace('username = admin@example.com\n', ''), 'username'],
  ['no default_role', BASE.replace('default_role = 25\n', ''), 'default_role'],
  ['a host as system_name', BASE.replace('= acme', '= acme.zendesk.com'), 'system_name: "acme.zendesk.com" is not a Zendesk subdomain: write only the part before .zendesk.com'],
  ['a url with an API path', `${BASE}url = https://proxy.example.com/api/v2\n`, 'url: "https://proxy.example.com/api/v2" must be scheme and host only'],
  ['a load_organizations that is not a boolean', `${BASE}load_organizations = maybe\n`, 'load_organizations: "maybe" is not a boolean'],
])('%s is a config error naming the setting', async (_, body, message) => {
  const result = await loadSection('zendesk', `[zendesk]\n${body}`);
  expect(typeof result).toBe('string');
  expect(result).toMatch(/config\.ini:\d+: \[zendesk\]/);
  expect(result).toContain(message);
});
