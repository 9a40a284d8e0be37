/** The settings of the Graph sources: their tables, generate-ini, configs that load, and what loading refuses. */
import path from 'node:path';
import { renderExampleIni } from '../../../src/config/generateIni.js';
import { loadConfig } from '../../../src/config/loadConfig.js';
import { ConfigError, ConfigErrors } from '../../../src/errors.js';
import { createRuntimes } from '../../../src/pipeline/sectionRuntime.js';
import { entraDevicesSettings } from '../../../src/sources/entra_devices/settings.js';
import { entraGroupsSettings } from '../../../src/sources/entra_groups/settings.js';
import { intuneSettings } from '../../../src/sources/intune_devices/settings.js';
import { graphErrorText, tokenUrlOf } from '../../../src/sources/msgraph/index.js';
import { tempDir } from '../../helpers/runCli.js';

const table = (schema: Record<string, { required: boolean; secret: boolean; default: unknown }>) =>
  Object.entries(schema).map(([key, s]) => [key, s.required, s.secret, s.default]);
const APP = [
  ['tenant_id', true, false, ''],
  ['client_id', true, false, ''],
  ['client_secret', false, true, ''],
  ['certificate_file', false, false, ''],
  ['certificate_key', false, true, ''],
  ['url', false, false, 'https://graph.microsoft.com'],
  ['token_url', false, false, ''],
];
const LIMITS = [['concurrency', false, false, 0], ['rate_limit_max_wait', false, false, 300]];

test('the settings tables: the shared app and host settings, then each source\'s own', async () => {
  expect(table(intuneSettings)).toEqual([...APP, ['filter', false, false, ''], ['load_software', false, false, false], ...LIMITS]);
  expect(table(entraDevicesSettings)).toEqual([...APP, ['filter', false, false, ''], ['load_owners', false, false, false], ['page_size', false, false, 999], ...LIMITS]);
  expect(table(entraGroupsSettings)).toEqual([
    ...APP, ['member_type', false, false, 'users'], ['filter', false, false, ''], ['transitive', false, false, false],
    ['default_role', false, false, ''], ['default_position', false, false, ''], ['page_size', false, false, 999], ...LIMITS,
  ]);
  const ini = await renderExampleIni();
  for (const name of ['intune_devices', 'entra_devices', 'entra_groups']) {
    expect(ini).toMatch(new RegExp(`\\[${name}\\]\\nenable = False\\n[\\s\\S]*?\\ntenant_id = 00000000-0000-0000-0000-000000000000\\n[\\s\\S]*?\\nclient_secret =\\n[\\s\\S]*?\\ncertificate_file =\\n`));
  }
});

async function load(sections: string, names: string[], files: Record<string, string> = {}) {
  const dir = tempDir({ ...files, 'config.ini': `[oomnitza]\nurl = https://x.oomnitza.com\napi_token = t\n\n${sections}` });
  return { dir, config: await loadConfig(path.join(dir, 'config.ini'), { sections: names, requireEnabled: false }) };
}

test('sections load with a secret or a certificate file relative to the INI; create() accepts them', async () => {
  const app = 'tenant_id = contoso.onmicrosoft.com\nclient_id = 6731de76-14a6-49ae-97bc-6eba6914391e\n';
  const { dir, config } = await load(
    `[intune_devices]\n${app}client_secret = s\nload_software = yes\n\n[entra_devices]\n${app}client_secret = s\nurl = https://graph.microsoft.us\n\n[entra_groups.devices]\n${app}client_secret = s\nmember_type = devices\n`,
    ['intune_devices', 'entra_devices', 'entra_groups.devices'],
  );
  expect(config.warnings).toEqual([]);
  expect(config.sections.map((s) => s.settings)).toMatchObject([
    { load_software: true, url: 'https://graph.microsoft.com' }, { url: 'https://graph.microsoft.us' }, { member_type: 'devices' },
  ]);
  const runtimes = createRuntimes(config, { signal: new AbortController().signal, workers: 2 });
  await Promise.all(runtimes.map((r) => r.close()));
  // A national cloud's login host follows url.
  expect(tokenUrlOf(config.sections[1].settings as never, 'entra_devices')).toBe('https://login.microsoftonline.us/contoso.onmicrosoft.com/oauth2/v2.0/token');
  expect(dir).toBeTruthy();
});

test('loading refuses a missing tenant_id, a certificate file that does not exist and a url with a path, with file:line', async () => {
  let error: unknown;
  try {
    await load('[intune_devices]\nclient_id = c\ncertificate_file = certs/app.pem\nurl = https://graph.microsoft.com/v1.0\n', ['intune_devices']);
  } catch (err) {
    error = err;
  }
  const messages = (error instanceof ConfigErrors ? error.errors : [error as ConfigError]).map((e) => e.message.replace(/^.*config\.ini/, 'config.ini'));
  expect(messages).toEqual(expect.arrayContaining([
    expect.stringMatching(/^config\.ini.*\[intune_devices\] tenant_id: missing required setting/),
    expect.stringMatching(/^config\.ini:7: \[intune_devices\] certificate_file: ".*certs\/app\.pem.*does not exist/),
    expect.stringMatching(/^config\.ini:8: \[intune_devices\] url: "https:\/\/graph\.microsoft\.com\/v1\.0" must be scheme and host only/),
  ]));
});

test("Intune's error text is the Message inside Graph's message, without its ids", () => {
  const inner = JSON.stringify({ _version: 3, Message: 'Application is not authorized to perform this operation. - Operation ID (for customer support): 0 - Activity ID: 1 - Url: https://x', CustomApiErrorPhrase: '' });
  expect(graphErrorText(JSON.stringify({ error: { code: 'Forbidden', message: inner } }))).toBe('Forbidden: Application is not authorized to perform this operation.');
  expect(graphErrorText(JSON.stringify({ error: { code: 'BadRequest', message: '{not json' } }))).toBe('BadRequest: {not json');
});
