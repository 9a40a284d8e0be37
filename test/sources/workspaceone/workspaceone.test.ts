/**
 * The Workspace ONE parts [airwatch] and [workspaceone_devicesoftware] share, through the real config loader:
 * the original sections load unchanged, which login a section uses, every ConfigError path, UEM's error texts
 * and what its failures mean.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, PermanentError } from '../../../src/errors.js';
import { airwatch } from '../../../src/sources/airwatch/index.js';
import { credentialsOf, explainUemFailure, isUemFatal, parseRegion, uemErrorText, UemPermissionError, type UemCredentials } from '../../../src/sources/workspaceone/index.js';
import { workspaceoneDevicesoftware } from '../../../src/sources/workspaceone_devicesoftware/index.js';
import { loadSection } from '../../helpers/loadSection.js';

const fixture = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures/original-example.ini');
const originalAirwatch = /\[airwatch\][\s\S]*?(?=\n\[)/.exec(fs.readFileSync(fixture, 'utf8'))![0];
/** The original's README example (2026.08.1), region as written there. */
const originalWorkspaceOne = `[workspaceone_devicesoftware]
enable = False
url = https://tech-dev.workspace.com
client_id = ***
client_secret = ***
region = na
apps_scope = all
ignore_apple = False
default_versioning = False
`;

test("the original README's [airwatch] section loads unchanged, with its defaults; AirWatch assets, no default mappings", async () => {
  const section = await loadSection('airwatch', originalAirwatch);
  if (typeof section === 'string') throw new Error(section);
  expect(section.settings).toEqual({
    url: 'https://apidev.awmdm.com', username: 'username@example.com', password: 'change-me', api_token: 'YOUR AirWatch API TOKEN', dep_uuid: '',
    client_id: '', client_secret: '', region: '', token_url: '', concurrency: 0, rate_limit_max_wait: 300,
  });
  expect(airwatch.variant(section.settings as never)).toEqual({ mappingName: 'AirWatch', dataType: 'assets' });
  expect(airwatch.defaultMappings(section.settings as never)).toEqual({});
});

test("the original README's [workspaceone_devicesoftware] section loads unchanged; APPLICATIONS <- software by default", async () => {
  const section = await loadSection('workspaceone_devicesoftware', originalWorkspaceOne);
  if (typeof section === 'string') throw new Error(section);
  expect(section.settings).toEqual({
    client_id: '***', client_secret: '***', url: 'https://tech-dev.workspace.com', region: 'na', apps_scope: 'all', ignore_apple: false,
    default_versioning: false, token_url: '', username: '', password: '', api_token: '', concurrency: 0, rate_limit_max_wait: 300,
  });
  expect(workspaceoneDevicesoftware.variant(section.settings as never)).toEqual({ mappingName: 'workspaceone_devicesoftware', dataType: 'assets' });
  expect(workspaceoneDevicesoftware.defaultMappings(section.settings as never)).toEqual({ APPLICATIONS: { source: 'software' } });
});

const AW = '[airwatch]\nurl = https://as1234.awmdm.com\n';
const WS = '[workspaceone_devicesoftware]\nurl = https://as1234.awmdm.com\n';
test.each([
  ['airwatch', 'no credentials', AW, 'username: set username, password and api_token (the REST API key), or an OAuth client: client_id, client_secret and region'],
  ['airwatch', 'no password', `${AW}username = admin\napi_token = key\n`, 'password: user "admin" needs its password'],
  ['airwatch', 'no tenant code', `${AW}username = admin\npassword = pw\n`, 'api_token: Basic auth needs the REST API key of the organization group (sent as aw-tenant-code)'],
  ['airwatch', 'client_secret alone', `${AW}client_secret = s\n`, 'client_id: client_secret is set but client_id is empty'],
  ['airwatch', 'client_id without region', `${AW}client_id = c\nclient_secret = s\n`, 'region: set region (na, emea, apac or uat: the token service of your UEM data center) or token_url'],
  ['workspaceone_devicesoftware', 'no credentials', WS, 'client_id: set client_id, client_secret and region (an OAuth client of Workspace ONE UEM), or username, password and api_token'],
  ['workspaceone_devicesoftware', 'client_id without secret', `${WS}client_id = c\nregion = na\n`, 'client_secret: OAuth client "c" needs its client_secret'],
  ['workspaceone_devicesoftware', 'the README\'s "emer"', `${WS}client_id = c\nclient_secret = s\nregion = emer\n`, 'region: "emer" is not a Workspace ONE token region: use one of na, emea, apac, uat (the original\'s README says "emer"; the region is emea), or set token_url'],
  ['workspaceone_devicesoftware', 'an unknown scope', `${WS}client_id = c\nclient_secret = s\nregion = na\napps_scope = device\n`, 'apps_scope: "device" is not one of: all, managed, installed'],
  ['workspaceone_devicesoftware', 'no url', '[workspaceone_devicesoftware]\nclient_id = c\nclient_secret = s\nregion = na\n', 'url'],
])('[%s] %s is a config error naming the setting', async (name, _case, ini, message) => {
  const result = await loadSection(name, ini);
  expect(typeof result).toBe('string');
  expect(result).toContain(message);
});

test('an OAuth client gets the regional token URL of the current token service, or token_url', async () => {
  for (const [region, expected] of [['NA', 'na'], [' emea ', 'emea'], ['apac', 'apac'], ['uat', 'uat'], ['', '']]) expect(parseRegion(region)).toBe(expected);
  const section = await loadSection('workspaceone_devicesoftware', `${WS}client_id = c\nclient_secret = s\nregion = EMEA\n`);
  if (typeof section === 'string') throw new Error(section);
  expect(section.settings.region).toBe('emea');
  expect(credentialsOf(section.settings as never, 'ws', 'oauth')).toEqual({ kind: 'oauth', clientId: 'c', clientSecret: 's', tokenUrl: 'https://emea.uemauth.workspaceone.com/connect/token', tenantCode: undefined });
  const withTokenUrl = await loadSection('airwatch', `${AW}client_id = c\nclient_secret = s\ntoken_url = https://proxy.example.com/connect/token\napi_token = key\n`);
  if (typeof withTokenUrl === 'string') throw new Error(withTokenUrl);
  expect(credentialsOf(withTokenUrl.settings as never, 'airwatch', 'basic')).toEqual({ kind: 'oauth', clientId: 'c', clientSecret: 's', tokenUrl: 'https://proxy.example.com/connect/token', tenantCode: 'key' });
});

test("UEM's error body is quoted with its errorCode", () => {
  expect(uemErrorText('{"errorCode":1005,"message":"User credentials are incorrect.","activityId":"x"}')).toBe('User credentials are incorrect. (errorCode 1005)');
  expect(uemErrorText('{"Message":"An error has occurred."}')).toBe('An error has occurred.');
  expect(uemErrorText('<html>Bad gateway</html>')).toBeUndefined();
  expect(uemErrorText('{"error":"invalid_client"}')).toBeUndefined();
});

describe('what a final failure means', () => {
  const basic: UemCredentials = { kind: 'basic', username: 'admin', password: 'pw', tenantCode: 'key' };
  const oauth: UemCredentials = { kind: 'oauth', clientId: 'client-1', clientSecret: 's', tokenUrl: 'https://na.uemauth.workspaceone.com/connect/token' };
  const failure = (status: number, pathname: string, said = 'x') => ({ method: 'GET', url: `https://as1.awmdm.com${pathname}`, status, said });

  test('a 401 is a config error naming the settings of the login in use', () => {
    const b = explainUemFailure('airwatch', basic)(failure(401, '/api/mdm/devices/search'));
    expect(b).toBeInstanceOf(ConfigError);
    expect(b!.message).toMatch(/^\[airwatch\] password: Workspace ONE UEM refused user "admin" with the tenant code .*check username, password and api_token/);
    const o = explainUemFailure('ws', oauth)(failure(401, '/api/mdm/devices/search'));
    expect(o!.message).toMatch(/^\[ws\] client_id: Workspace ONE UEM refused a fresh token of OAuth client "client-1"/);
  });

  test('a 403 names the permission of the area, and ends a fan-out instead of failing every item', () => {
    const explain = explainUemFailure('ws', oauth);
    const apps = explain(failure(403, '/api/mam/apps/search', 'Access is denied'));
    expect(apps).toBeInstanceOf(UemPermissionError);
    expect(apps!.message).toContain('give its admin role the permission REST API > Apps (read)');
    expect(explain(failure(403, '/api/mdm/devices/5/network'))!.message).toContain('REST API > Devices (read)');
    expect(explain(failure(403, '/api/mdm/dep/groups/g/devices'))!.message).toContain('Apple DEP');
    expect(isUemFatal(apps)).toBe(true);
    expect(isUemFatal(new PermanentError('one device'))).toBe(false);
  });

  test('a 404 on a list means the wrong server; on one device it is that device\'s own failure', () => {
    const explain = explainUemFailure('ws', oauth);
    expect(explain(failure(404, '/api/mdm/devices/search'))!.message).toMatch(/^\[ws\] url: Workspace ONE UEM has no \/api\/mdm\/devices\/search at https:\/\/as1\.awmdm\.com .*not the console/);
    expect(explain(failure(404, '/api/mam/apps/search'))).toBeInstanceOf(ConfigError);
    expect(explain(failure(404, '/api/mdm/devices/5e1f/apps/search'))).toBeUndefined();
    expect(explain(failure(500, '/api/mdm/devices/search'))).toBeUndefined();
  });
});
