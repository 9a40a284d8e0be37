/** `[onelogin]` settings through the real config loader: the original's section loads, every ConfigError path. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { onelogin } from '../../../src/sources/onelogin/index.js';
import { loadSection } from '../../helpers/loadSection.js';

const fixture = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures/original-example.ini');
const originalSection = /\[onelogin\][\s\S]*?(?=\n\[)/.exec(fs.readFileSync(fixture, 'utf8'))![0];

test('the original README\'s [onelogin] section loads unchanged, with its defaults', async () => {
  const section = await loadSection('onelogin', originalSection);
  if (typeof section === 'string') throw new Error(section);
  expect(section.settings).toEqual({
    url: 'https://api.us.onelogin.com/api/1/users', client_id: 'qwerty12345678901234567890', client_secret: 'qwerty12345678901234567890',
    default_role: '25', default_position: 'Employee', api_token: '', rate_limit_max_wait: 300,
  });
});

test('an empty url is the original\'s default; the plugin reports users as "OneLogin" with the original\'s mappings', async () => {
  const section = await loadSection('onelogin', '[onelogin]\nurl =\nclient_id = abc\nclient_secret = xyz-secret\ndefault_role = 25\ndefault_position = Employee\n');
  if (typeof section === 'string') throw new Error(section);
  expect(section.settings.url).toBe('https://api.us.onelogin.com/api/1/users');
  expect(onelogin.variant(section.settings as never)).toEqual({ mappingName: 'OneLogin', dataType: 'users' });
  expect(onelogin.defaultMappings(section.settings as never)).toEqual({
    USER: { source: 'username' }, FIRST_NAME: { source: 'firstname' }, LAST_NAME: { source: 'lastname' },
    EMAIL: { source: 'email' }, PHONE: { source: 'phone' }, PERMISSIONS_ID: { setting: 'default_role' },
  });
});

const ROLE = 'default_role = 25\ndefault_position = Employee\n';
test.each([
  ['no credentials', ROLE, 'client_id: set client_id and client_secret (an API credential with the "Read users" scope), or the legacy api_token'],
  ['client_id alone', `client_id = abc\n${ROLE}`, 'client_secret: client_id "abc" needs its client_secret'],
  ['client_secret alone', `client_secret = xyz-secret\n${ROLE}`, 'client_id: client_secret is set but client_id is empty'],
  ['api_token with the API/1 url', `api_token = legacy-key-1\n${ROLE}`, 'url: api_token is for the legacy XML API: set url = https://app.onelogin.com/api/v2/users.xml'],
  ['client credentials with the XML url', `url = https://app.onelogin.com/api/v2/users.xml\nclient_id = abc\nclient_secret = xyz-secret\n${ROLE}`, 'url: https://app.onelogin.com/api/v2/users.xml is the legacy XML API'],
  ['a url that is not a users URL', `url = https://acme.onelogin.com/api/1/groups\nclient_id = abc\nclient_secret = xyz-secret\n${ROLE}`, 'url: https://acme.onelogin.com/api/1/groups is not a OneLogin users URL: write https://<subdomain>.onelogin.com/api/1/users'],
  ['a url without scheme', `url = api.eu.onelogin.com/api/1/users\nclient_id = abc\nclient_secret = xyz-secret\n${ROLE}`, 'url: "api.eu.onelogin.com/api/1/users" is not a URL: it has no scheme'],
  ['no default_role', 'client_id = abc\nclient_secret = xyz-secret\ndefault_position = Employee\n', 'default_role'],
  ['no default_position', 'client_id = abc\nclient_secret = xyz-secret\ndefault_role = 25\n', 'default_position'],
])('%s is a config error naming the setting', async (_, body, message) => {
  const result = await loadSection('onelogin', `[onelogin]\n${body}`);
  expect(typeof result).toBe('string');
  expect(result).toMatch(/config\.ini:\d+: \[onelogin\]/);
  expect(result).toContain(message);
});
