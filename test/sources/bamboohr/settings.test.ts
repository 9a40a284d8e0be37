/** [bamboohr] settings as the config loader reads them: the original's names and defaults, every refusal with file:line. */
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../helpers/runCli.js';
import { loadSections } from '../../helpers/loadSection.js';

/** `[bamboohr]` with these lines (or a whole INI) and its source created: the section, or the problems found. */
async function load(ini: string) {
  const { sections, errors } = await loadSections(['bamboohr'], ini);
  return { section: sections[0], errors };
}

test('the original\'s section loads unchanged, with its defaults', async () => {
  const { section, errors } = await load('url = https://api.bamboohr.com/api/gateway.php\nsystem_name = acme\napi_token = 0123abcd-key\ndefault_role = 25\ndefault_position = Employee');
  expect(errors).toEqual([]);
  expect(section!.settings).toEqual({
    url: 'https://api.bamboohr.com/api/gateway.php', system_name: 'acme', api_token: '0123abcd-key', default_role: '25', default_position: 'Employee', rate_limit_max_wait: 300,
  });
  const defaults = await load('system_name = acme\napi_token = 0123abcd-key\ndefault_role = 25\ndefault_position = Employee');
  expect(defaults.section!.settings.url).toBe('https://api.bamboohr.com/api/gateway.php');
});

const OK = 'api_token = 0123abcd-key\ndefault_role = 25\ndefault_position = Employee';
test.each([
  [OK, 'config.ini:5: [bamboohr] system_name: missing required setting (Your company\'s BambooHR subdomain: "acme" for https://acme.bamboohr.com)'],
  ['system_name = acme\ndefault_role = 25\ndefault_position = Employee', 'config.ini:5: [bamboohr] api_token: missing required setting'],
  ['system_name = acme\napi_token = k3y-value\ndefault_position = Employee', 'config.ini:5: [bamboohr] default_role: missing required setting'],
  ['system_name = acme\napi_token = k3y-value\ndefault_role = 25', 'config.ini:5: [bamboohr] default_position: missing required setting'],
  [`system_name = acme.bamboohr.com\n${OK}`, 'config.ini:7: [bamboohr] system_name: "acme.bamboohr.com" is not a BambooHR company subdomain: use "acme" for https://acme.bamboohr.com'],
  [`url = api.bamboohr.com/api/gateway.php\nsystem_name = acme\n${OK}`, 'config.ini:7: [bamboohr] url: "api.bamboohr.com/api/gateway.php" is not a URL: it has no scheme'],
])('refused: %j', async (lines, message) => {
  const { errors } = await load(lines);
  expect(errors).toHaveLength(1);
  expect(errors[0].startsWith(message)).toBe(true);
});

test('the example section of the README loads as it is', async () => {
  const readme = fs.readFileSync(path.join(repoRoot, 'src/sources/bamboohr/README.md'), 'utf8');
  const block = /```ini\n([\s\S]*?)```/.exec(readme)![1];
  const { section, errors } = await load(block);
  expect(errors).toEqual([]);
  expect(section!.name).toBe('bamboohr');
});
