/** The BambooHR source against the BambooHR test server: the directory, throttling on a fake clock, refused keys. */
import { ConfigError, PermanentError } from '../../../src/errors.js';
import { bamboohr } from '../../../src/sources/bamboohr/index.js';
import { bamboohrSettings } from '../../../src/sources/bamboohr/settings.js';
import { collect, recordingContext, rejection, settingsFrom, type RecordingContext } from '../../helpers/sourceContext.js';
import { fakeClock, type FakeClock } from '../../http/kit/fakeClock.js';
import { startFakeBambooHR, type FakeBambooHR, type FakeBambooHROptions } from '../../support/fakeBambooHR.js';

let fake: FakeBambooHR;
let ctx: RecordingContext;
let clock: FakeClock;
afterEach(async () => {
  await ctx?.http.close();
  await fake?.close();
});

async function setup(o: FakeBambooHROptions = {}, values: Record<string, string> = {}) {
  clock = fakeClock();
  fake = await startFakeBambooHR(o);
  ctx = recordingContext('bamboohr', { clock });
  const settings = settingsFrom(bamboohrSettings, { url: fake.url, system_name: fake.company, api_token: fake.apiKey, default_role: '25', default_position: 'Employee', ...values });
  return bamboohr.create(settings, ctx);
}

test('one directory call with Basic "<key>:x" and Accept JSON; records are the employees as sent', async () => {
  const source = await setup({ employees: 4 });
  expect(await collect(source)).toEqual(fake.employees);
  expect(fake.requests).toHaveLength(1);
  const [req] = fake.requests;
  expect(req.path).toBe('/api/gateway.php/acme/v1/employees/directory');
  expect(req.headers.authorization).toBe(`Basic ${Buffer.from(`${fake.apiKey}:x`).toString('base64')}`);
  expect(req.headers.accept).toBe('application/json');
});

test('503 and 429 are waited out alike: Retry-After when given, backoff when not; nothing is lost', async () => {
  const source = await setup({ employees: 3 });
  fake.throttleNext(1, 503, 30);
  fake.throttleNext(1, 429, 20);
  fake.throttleNext(1, 503);
  fake.throttleNext(1, 429);
  expect(await collect(source)).toEqual(fake.employees);
  expect(fake.requests.map((r) => r.status)).toEqual([503, 429, 503, 429, 200]);
  // The two server-given waits exactly; the bare ones are short backoff delays (retries 3, base 1 ms).
  expect(clock.sleeps.slice(0, 2)).toEqual([30_000, 20_000]);
  expect(clock.sleeps.slice(2).every((ms) => ms <= 5)).toBe(true);
});

test('a refused key is sent once, never retried (repeated bad keys lock the company out), and names the setting', async () => {
  const source = await setup({ lockoutAfter: 3 }, { api_token: 'bad-key-0123456789' });
  const err = await rejection(collect(source));
  expect(err).toBeInstanceOf(ConfigError);
  expect(err.message).toBe('[bamboohr] api_token: BambooHR rejected the API key for company "acme" (HTTP 401: Invalid API key). Check api_token ' +
    "(and system_name); BambooHR locks the company's API access for a while after repeated invalid keys, so fix this before the next run");
  expect(fake.requests).toHaveLength(1);
  expect(fake.invalidKeys).toBe(1);
  await rejection(source.check());
  expect(fake.requests).toHaveLength(2);
  expect(fake.locked).toBe(false);
});

test('403: a key without directory access, and a company locked out, are explained; never retried', async () => {
  let source = await setup({ restrictedKey: 'restricted-key-0000' }, { api_token: 'restricted-key-0000' });
  let err = await rejection(collect(source));
  expect(err.message).toBe('[bamboohr] api_token: BambooHR refused to show the employee directory of "acme" (HTTP 403: You do not have access to this resource). ' +
    'The user who created api_token needs access to the employee directory, and the directory must be turned on for the company; ' +
    'a 403 also follows repeated invalid keys (API access locked for a while: wait before running again)');
  expect(fake.requests).toHaveLength(1);
  await ctx.http.close();
  await fake.close();

  source = await setup({ lockoutAfter: 1 });
  const bad = bamboohr.create(settingsFrom(bamboohrSettings, { url: fake.url, system_name: 'acme', api_token: 'bad-key-0123456789' }), ctx);
  await rejection(collect(bad));
  expect(fake.locked).toBe(true);
  err = await rejection(collect(source));
  expect(err.message).toContain('(HTTP 403: API access has been disabled for this company after too many invalid API keys)');
  expect(fake.requests).toHaveLength(2);
});

test('an unknown company or a wrong gateway is a 404 naming system_name', async () => {
  const source = await setup({}, { system_name: 'acme-corp' });
  const err = await rejection(source.check());
  expect(err.message).toBe('[bamboohr] system_name: BambooHR has no company "acme-corp" (HTTP 404 from /api/gateway.php/acme-corp/v1/employees/directory). ' +
    'system_name is the subdomain, "acme" for https://acme.bamboohr.com; url must stay the API gateway (default https://api.bamboohr.com/api/gateway.php)');
});

test('check() reads the directory and names an employee; an empty directory is its own failure', async () => {
  let source = await setup({ employees: 2 });
  expect(await source.check()).toBe('authenticated to BambooHR company "acme"; 2 employee(s) in the directory; read employee 101 "Fn1 Ln1"');
  await ctx.http.close();
  await fake.close();
  source = await setup({ employees: 0 });
  const err = await rejection(source.check());
  expect(err).toBeInstanceOf(PermanentError);
  expect(err.message).toBe('[bamboohr] authenticated to BambooHR company "acme", but the employee directory is empty: the user who created the API key may see no employees');
});

test.each(['acme.bamboohr.com', 'https://acme.bamboohr.com', 'YOUR BambooHR SYSTEM NAME', 'acme/v1'])('system_name %j is refused before any request', (value) => {
  const ctxNoNet = recordingContext('bamboohr');
  try {
    expect(() => bamboohr.create(settingsFrom(bamboohrSettings, { system_name: value, api_token: 'k' }), ctxNoNet))
      .toThrow(new ConfigError({ section: 'bamboohr', key: 'system_name' }, `"${value}" is not a BambooHR company subdomain: use "acme" for https://acme.bamboohr.com`));
  } finally {
    void ctxNoNet.http.close();
  }
});

test('plugin: section name, mapping name, record type and the original default mappings (POSITION from jobTitle)', () => {
  const s = settingsFrom(bamboohrSettings, { system_name: 'acme', api_token: 'k' });
  expect(bamboohr.name).toBe('bamboohr');
  expect(bamboohr.mappingName(s)).toBe('BambooHR');
  expect(bamboohr.variant(s).dataType).toBe('users');
  expect(s.url).toBe('https://api.bamboohr.com/api/gateway.php');
  expect(bamboohr.defaultMappings(s)).toEqual({
    USER: { source: 'workEmail' },
    FIRST_NAME: { source: 'firstName' },
    LAST_NAME: { source: 'lastName' },
    EMAIL: { source: 'workEmail' },
    PHONE: { source: 'mobilePhone' },
    POSITION: { source: 'jobTitle' },
    PERMISSIONS_ID: { setting: 'default_role' },
  });
});
