/** [azureusers] settings: the original's table, the new overrides, what create() refuses, and the original's example. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderExampleIni } from '../../../src/config/generateIni.js';
import { loadConfig } from '../../../src/config/loadConfig.js';
import { ConfigError } from '../../../src/errors.js';
import { createRuntimes } from '../../../src/pipeline/sectionRuntime.js';
import { azureusers, createAzureUsersSource, tokenUrlOf } from '../../../src/sources/azureusers/index.js';
import { azureUsersSettings, cloudOf } from '../../../src/sources/azureusers/settings.js';
import { tempDir } from '../../helpers/runCli.js';
import { closeContexts, settingsFrom, sourceContext } from '../../support/sourceContext.js';

afterEach(closeContexts);

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const base = { tenant_id: TENANT, client_id: 'c1', secret: 's3cr3t-value', default_role: '25', default_position: 'Employee' };

test('the settings table: the original five with their defaults, then the Graph host, the login host and paging', async () => {
  const table = Object.entries(azureUsersSettings).map(([key, s]) => [key, s.required, s.secret, s.default]);
  expect(table).toEqual([
    ['tenant_id', false, false, ''],
    ['client_id', false, false, ''],
    ['secret', false, true, ''],
    ['default_role', true, false, ''],
    ['default_position', true, false, ''],
    ['url', false, false, 'https://graph.microsoft.com'],
    ['token_url', false, false, ''],
    ['page_size', false, false, 999],
    ['rate_limit_max_wait', false, false, 300],
  ]);
  expect(azureusers.name).toBe('azureusers');
  expect(azureusers.dataType).toBe('users');
  expect(azureusers.defaultMappings(settingsFrom(azureUsersSettings, base))).toEqual({ PERMISSIONS_ID: { setting: 'default_role' } });
  const ini = await renderExampleIni();
  expect(ini).toContain('[azureusers]\nenable = False\n');
  expect(ini).toMatch(/\[azureusers\][\s\S]*\ntenant_id = 00000000-0000-0000-0000-000000000000\n[\s\S]*\nsecret =\n[\s\S]*\nurl = https:\/\/graph\.microsoft\.com\n/);
});

test('the login host and scope follow the cloud of url; token_url may be a host or the whole v2.0 endpoint', () => {
  const s = (raw: Record<string, string>) => settingsFrom(azureUsersSettings, { ...base, ...raw });
  expect(tokenUrlOf(s({}), 'azureusers')).toBe(`https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`);
  expect(tokenUrlOf(s({ url: 'https://graph.microsoft.us' }), 'azureusers')).toBe(`https://login.microsoftonline.us/${TENANT}/oauth2/v2.0/token`);
  expect(tokenUrlOf(s({ url: 'https://microsoftgraph.chinacloudapi.cn' }), 'azureusers')).toBe(`https://login.chinacloudapi.cn/${TENANT}/oauth2/v2.0/token`);
  expect(cloudOf('https://graph.microsoft.us').scope).toBe('https://graph.microsoft.us/.default');
  // A proxy or test server in front of Graph: tokens are still for the global Graph.
  expect(cloudOf('http://127.0.0.1:8443').scope).toBe('https://graph.microsoft.com/.default');
  expect(tokenUrlOf(s({ token_url: 'https://login.example.net/', tenant_id: 'contoso.onmicrosoft.com' }), 'azureusers')).toBe('https://login.example.net/contoso.onmicrosoft.com/oauth2/v2.0/token');
  expect(tokenUrlOf(s({ token_url: `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token` }), 'azureusers')).toBe(`https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`);
  expect(() => tokenUrlOf(s({ token_url: `https://login.microsoftonline.com/${TENANT}/oauth2/token` }), 'azureusers'))
    .toThrow('[azureusers] token_url: "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/token" is neither a login host (https://login.microsoftonline.com) nor a v2.0 token endpoint (.../oauth2/v2.0/token)');
});

test.each([
  [{ tenant_id: '' }, '[azureusers] tenant_id: is empty: set the Directory (tenant) ID of your Microsoft Entra tenant'],
  [{ client_id: ' ' }, '[azureusers] client_id: is empty: set the Application (client) ID of the app registration'],
  [{ secret: '' }, '[azureusers] secret: is empty: set a client secret of the app registration (its Value)'],
  [{ tenant_id: 'common' }, '[azureusers] tenant_id: "common" cannot be used by an application: set your tenant\'s ID or domain'],
  [{ tenant_id: 'contoso/../x' }, '[azureusers] tenant_id: "contoso/../x" is neither a tenant ID (GUID) nor a domain'],
])('create() refuses %j before any connection', (raw, message) => {
  let error: unknown;
  try {
    createAzureUsersSource(settingsFrom(azureUsersSettings, { ...base, ...raw }), sourceContext('azureusers'));
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as Error).message).toBe(message);
});

test("the original README's [azureusers] section loads unchanged once its credentials are filled in; url must be a host", async () => {
  const fixture = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures/original-example.ini');
  const text = fs.readFileSync(fixture, 'utf8')
    .replace('tenant_id = \n', `tenant_id = ${TENANT}\n`).replace('client_id = \n', 'client_id = c1\n').replace('secret = \n', 'secret = s3cr3t\n');
  const dir = tempDir({ 'config.ini': text });
  const config = await loadConfig(path.join(dir, 'config.ini'), { sections: ['azureusers'], requireEnabled: false });
  expect(config.warnings).toEqual([]);
  expect(config.sections[0].settings).toMatchObject({ tenant_id: TENANT, url: 'https://graph.microsoft.com', page_size: 999 });
  const runtimes = createRuntimes(config, { signal: new AbortController().signal, workers: 2 });
  await Promise.all(runtimes.map((r) => r.close()));

  const withPath = tempDir({ 'config.ini': `[oomnitza]\nurl = https://x.oomnitza.com\napi_token = t\n\n[azureusers]\ntenant_id = ${TENANT}\nclient_id = c\nsecret = s\ndefault_role = 25\ndefault_position = Employee\nurl = https://graph.microsoft.com/v1.0\n` });
  await expect(loadConfig(path.join(withPath, 'config.ini'), { sections: ['azureusers'], requireEnabled: false }))
    .rejects.toThrow('config.ini:11: [azureusers] url: "https://graph.microsoft.com/v1.0" must be scheme and host only');
});
