/** The service account setup the Google sources share: where the key comes from, and Google's errors read for the admin. */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, PermanentError } from '../../../src/errors.js';
import type { HttpResponse } from '../../../src/http/index.js';
import { googleErrorReasons, googleErrorText, isGoogleRateLimit } from '../../../src/sources/google/errors.js';
import { explainTokenRejection, serviceAccountOf } from '../../../src/sources/google/serviceAccount.js';
import { tempDir } from '../../helpers/runCli.js';
import { startFakeGoogle, type FakeGoogle } from '../../support/fakeGoogle.js';

let g: FakeGoogle;
beforeAll(async () => {
  g = await startFakeGoogle();
});
afterAll(() => g.close());

const keyText = () => g.keyJson;
const none = { service_account_json_key: '{}', service_account_key_file: '' };

function refusal(settings: { service_account_json_key: string; service_account_key_file: string }): Error {
  try {
    serviceAccountOf(settings, 'chromebooks');
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a ConfigError');
}

test('the key pasted on one line (the original\'s setting) or read from service_account_key_file', () => {
  expect(serviceAccountOf({ ...none, service_account_json_key: keyText() }, 's')).toEqual({ key: g.key, setting: 'service_account_json_key' });
  const dir = tempDir({ 'key.json': JSON.stringify(g.key, null, 2) });
  const file = path.join(dir, 'key.json');
  expect(serviceAccountOf({ ...none, service_account_key_file: file }, 's')).toEqual({ key: g.key, setting: 'service_account_key_file' });
  // The original's default '{}' next to a file is "not pasted", not a conflict.
  expect(serviceAccountOf({ service_account_json_key: '{}', service_account_key_file: file }, 's').setting).toBe('service_account_key_file');
  fs.rmSync(dir, { recursive: true });
});

test.each([
  [none, "[chromebooks] service_account_json_key: is empty: paste the service account's JSON key on one line, or set service_account_key_file to the key file"],
  [{ ...none, service_account_json_key: '' }, "[chromebooks] service_account_json_key: is empty: paste the service account's JSON key on one line, or set service_account_key_file to the key file"],
  [{ service_account_json_key: '{"type":"service_account"}', service_account_key_file: '/etc/hosts' }, '[chromebooks] service_account_key_file: set either service_account_json_key or service_account_key_file, not both'],
  [{ ...none, service_account_json_key: '{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEv' }, '[chromebooks] service_account_json_key: is not valid JSON: use the key file exactly as Google Cloud downloaded it, on one line'],
  [{ ...none, service_account_json_key: '{"type":"authorized_user","client_id":"x","refresh_token":"y"}' }, '[chromebooks] service_account_json_key: holds "authorized_user" credentials, not a service account key (type "service_account")'],
  [{ ...none, service_account_json_key: '{"type":"service_account","client_email":"a@b.iam.gserviceaccount.com"}' }, '[chromebooks] service_account_json_key: lacks client_email or private_key: use a service account key file (IAM & Admin > Service accounts > Keys > Add key > JSON)'],
])('a ConfigError naming the setting for %j', (settings, message) => {
  const error = refusal(settings);
  expect(error).toBeInstanceOf(ConfigError);
  expect(error.message).toBe(message);
  // The key text is never quoted back.
  expect(error.message).not.toContain('MIIEv');
});

test('Google\'s API error bodies: reason first, so that a long message cut short keeps it; rate-limit 403s are retryable', () => {
  const body = (error: unknown) => JSON.stringify({ error });
  const forbidden = body({ code: 403, message: 'Not Authorized to access this resource/api', errors: [{ message: 'Not Authorized to access this resource/api', domain: 'global', reason: 'forbidden' }] });
  expect(googleErrorText(forbidden)).toBe('forbidden: Not Authorized to access this resource/api');
  const modern = body({ code: 403, message: 'Caller is not authorized to manage enterprise.', status: 'PERMISSION_DENIED' });
  expect(googleErrorText(modern)).toBe('PERMISSION_DENIED: Caller is not authorized to manage enterprise.');
  const disabled = body({ code: 403, message: 'API disabled', status: 'PERMISSION_DENIED', details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'SERVICE_DISABLED' }] });
  expect(googleErrorReasons(disabled)).toEqual(['SERVICE_DISABLED', 'PERMISSION_DENIED']);
  // A token endpoint's body is left to the kit's default reading (error: error_description).
  expect(googleErrorText('{"error":"invalid_grant","error_description":"Invalid JWT Signature."}')).toBeUndefined();
  expect(googleErrorText('<html>502</html>')).toBeUndefined();

  const response = (status: number, text: string) => ({ status, text, headers: {} }) as unknown as HttpResponse;
  const quota = (reason: string) => body({ code: 403, message: 'Quota exceeded', errors: [{ domain: 'usageLimits', reason }] });
  expect(isGoogleRateLimit(response(403, quota('userRateLimitExceeded')))).toBe(true);
  expect(isGoogleRateLimit(response(403, quota('quotaExceeded')))).toBe(true);
  expect(isGoogleRateLimit(response(403, forbidden))).toBe(false);
  expect(isGoogleRateLimit(response(400, quota('userRateLimitExceeded')))).toBe(false);
});

test('a refused assertion time points at the clock, not at the key', () => {
  const explain = explainTokenRejection({ section: 'android_enterprise', account: { key: g.key, setting: 'service_account_key_file' }, scope: 's' });
  const error = explain(400, 'invalid_grant: Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.');
  expect(error).toBeInstanceOf(PermanentError);
  expect(error!.message).toMatch(/^\[android_enterprise\] Google refused the times of the signed assertion .*: this machine's clock is off; synchronise it \(NTP\)$/);
  // Without a subject, unauthorized_client is not read as missing delegation; the kit's message stays.
  expect(explain(401, 'unauthorized_client: Client is unauthorized')).toBeUndefined();
  const gone = explain(400, 'invalid_grant: Invalid grant: account not found');
  expect(gone!.message).toBe(`[android_enterprise] service_account_key_file: Google does not know service account "${g.key.client_email}" (HTTP 400: invalid_grant: Invalid grant: account not found): ` +
    'the service account was deleted from project "oomnitza-sync-415210"; create one and use its key');
});
