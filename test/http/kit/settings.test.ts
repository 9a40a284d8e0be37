import { parseIni } from '../../../src/config/iniReader.js';
import { validateSettings } from '../../../src/config/validate.js';
import { apiTokenSetting, baseUrlSetting, checkBaseUrl, concurrencyOf, concurrencySettings, rateLimitOf, rateLimitSettings } from '../../../src/http/settings.js';

function validate(schema: Parameters<typeof validateSettings>[0], body: string) {
  const doc = parseIni(`[okta]\n${body}`, 'config.ini');
  const section = doc.sections.get('okta')!;
  return validateSettings(schema, section.entries, {}, { file: 'config.ini', section: 'okta', sectionLine: section.line, configDir: process.cwd() });
}

test.each([
  ['url = example.okta.com', 'config.ini:2: [okta] url: "example.okta.com" is not a URL: it has no scheme (expected e.g. https://host.example.com)'],
  ['url = 127.0.0.1:8080', 'config.ini:2: [okta] url: "127.0.0.1:8080" is not a URL: it has no scheme (expected e.g. https://host.example.com)'],
  ['url = ftp://example.okta.com', 'config.ini:2: [okta] url: "ftp://example.okta.com" must start with https:// or http://'],
  ['url = https://exa mple.okta.com', 'config.ini:2: [okta] url: "https://exa mple.okta.com" is not a URL (expected e.g. https://host.example.com)'],
  ['url = https://example.okta.com/?x=1', 'config.ini:2: [okta] url: "https://example.okta.com/?x=1" must not contain ? or #'],
])('a base URL that cannot work is a config error at load: %s', (line, message) => {
  const v = validate({ ...baseUrlSetting(), ...apiTokenSetting() }, `${line}\napi_token = t0ken-value`);
  expect(v.errors.map((e) => e.message)).toEqual([message]);
});

test('a vendor host default makes url optional; origin-only rejects an API path; trailing slashes go', () => {
  const schema = { ...baseUrlSetting({ default: 'https://graph.microsoft.com', origin: true }) };
  expect(validate(schema, '').values.url).toBe('https://graph.microsoft.com');
  expect(validate(schema, 'url = https://graph.microsoft.us/').values.url).toBe('https://graph.microsoft.us');
  expect(validate(schema, 'url = https://graph.microsoft.com/v1.0').errors[0].message)
    .toContain('must be scheme and host only (e.g. https://host.example.com), without a path such as "/v1.0"');
  expect(validate({ ...apiTokenSetting() }, '').errors[0].message).toBe('config.ini:1: [okta] api_token: missing required setting (API token)');
});

test('concurrency defaults to --workers; rate_limit_max_wait becomes the client policy; checkBaseUrl names the key', () => {
  expect(concurrencyOf(validate(concurrencySettings, '').values as { concurrency: number }, 6)).toBe(6);
  expect(concurrencyOf(validate(concurrencySettings, 'concurrency = 3').values as { concurrency: number }, 6)).toBe(3);
  expect(validate(concurrencySettings, 'concurrency = 500').errors[0].message).toBe('config.ini:2: [okta] concurrency: 500 is above the maximum 64');
  expect(rateLimitOf(validate(rateLimitSettings, 'rate_limit_max_wait = 90').values)).toEqual({ maxWaitMs: 90_000 });
  expect(() => checkBaseUrl('jss', { section: 'casper' })).toThrow('[casper] url: "jss" is not a URL');
});
