/** [okta] settings as the config loader reads them: the original's names and defaults, every refusal with file:line. */
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../helpers/runCli.js';
import { loadSections } from '../../helpers/loadSection.js';

/** `[okta]` with these lines (or a whole INI) and its source created: the section, or the problems found. */
async function load(ini: string) {
  const { sections, errors } = await loadSections(['okta'], ini);
  return { section: sections[0], errors };
}

test('the original\'s section loads unchanged, with its defaults', async () => {
  // The block the original's README prints (generate-ini of 2.3.3), with the token filled in.
  const { section, errors } = await load('url = https://example-admin.okta.com\napi_token = 00aBcD-token\ndefault_role = 25\ndefault_position = Employee\ndeprovisioned = false');
  expect(errors).toEqual([]);
  expect(section!.settings).toEqual({
    url: 'https://example-admin.okta.com', api_token: '00aBcD-token', default_role: '25', default_position: 'Employee', deprovisioned: false, rate_limit_max_wait: 300,
  });
  const defaults = await load('api_token = t0ken-value\ndefault_role = 25\ndefault_position = Employee');
  expect(defaults.section!.settings).toMatchObject({ url: 'https://example-admin.okta.com', deprovisioned: false });
  expect(defaults.section!.settingText.deprovisioned).toBe('False');
});

test.each([
  ['deprovisioned = Y', true],
  ['deprovisioned = yes', true],
  ['deprovisioned = TRUE', true],
  ['deprovisioned = n', false],
  ['deprovisioned =', false],
  ['url = https://example.okta.com/', 'https://example.okta.com'],
])('%s', async (line, expected) => {
  const { section, errors } = await load(`api_token = t0ken-value\ndefault_role = 25\ndefault_position = Employee\n${line}`);
  expect(errors).toEqual([]);
  expect(Object.values(section!.settings)).toContain(expected);
});

test.each([
  ['default_role = 25\ndefault_position = Employee', 'config.ini:5: [okta] api_token: missing required setting (Okta API token (Admin Console > Security > API > Tokens); sent as "Authorization: SSWS <token>")'],
  ['api_token = t0ken-value\ndefault_position = Employee', 'config.ini:5: [okta] default_role: missing required setting'],
  ['api_token = t0ken-value\ndefault_role = 25', 'config.ini:5: [okta] default_position: missing required setting'],
  ['api_token = t0ken-value\ndefault_role = 25\ndefault_position = Employee\ndeprovisioned = maybe',
    'config.ini:10: [okta] deprovisioned: "maybe" is neither true nor false (use true to also read DEPROVISIONED users, false to leave them out)'],
  ['url = example.okta.com\napi_token = t0ken-value\ndefault_role = 25\ndefault_position = Employee', 'config.ini:7: [okta] url: "example.okta.com" is not a URL: it has no scheme'],
  ['api_token = t0ken-value\ndefault_role = 25\ndefault_position = Employee\nrate_limit_max_wait = 0', 'config.ini:10: [okta] rate_limit_max_wait: 0 is below the minimum 1'],
])('refused: %j', async (lines, message) => {
  const { errors } = await load(lines);
  expect(errors).toHaveLength(1);
  expect(errors[0].startsWith(message)).toBe(true);
});

test('the example section of the README loads as it is', async () => {
  const readme = fs.readFileSync(path.join(repoRoot, 'src/sources/okta/README.md'), 'utf8');
  const block = /```ini\n([\s\S]*?)```/.exec(readme)![1];
  const { section, errors } = await load(block);
  expect(errors).toEqual([]);
  expect(section!.name).toBe('okta');
});
