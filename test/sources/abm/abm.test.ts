/** [abm] settings and in-process reads: the host per scope, the key from a file, the record shape. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appleErrorText, createAbmSource } from '../../../src/sources/abm/index.js';
import { abmSettings } from '../../../src/sources/abm/settings.js';
import type { RawRecord } from '../../../src/sources/types.js';
import { recordingContext, settingsFrom } from '../../helpers/sourceContext.js';
import { startFakeAppleBusiness } from '../../support/fakeAppleBusiness.js';

test('defaults: business.api on api-business.apple.com, Apple\'s token URL, no detail calls', () => {
  const s = settingsFrom(abmSettings, {});
  expect([s.scope, s.url, s.token_url, s.assigned_server, s.applecare]).toEqual(['business.api', '', 'https://account.apple.com/auth/oauth2/token', false, false]);
  expect(abmSettings.private_key.secret).toBe(true);
});

test('no private key, or both forms, is a config error naming the setting', () => {
  const ctx = recordingContext('abm');
  expect(() => createAbmSource(settingsFrom(abmSettings, { client_id: 'c', key_id: 'k' }), ctx)).toThrow(/^\[abm\] private_key: set the private key/);
  const s = { ...settingsFrom(abmSettings, { client_id: 'c', key_id: 'k', private_key: 'x' }), private_key_file: '/etc/hostname' };
  expect(() => createAbmSource(s, ctx)).toThrow(/private_key_file: set private_key or private_key_file, not both/);
});

test('the key from private_key_file; records are {id, ...attributes} with assignedServer and appleCareCoverage', async () => {
  const apple = await startFakeAppleBusiness({ devices: 3 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'abm-'));
  fs.writeFileSync(path.join(dir, 'key.pem'), apple.privateKeyPem);
  const ctx = recordingContext('abm');
  const s = {
    ...settingsFrom(abmSettings, { url: apple.url, token_url: apple.tokenUrl, client_id: apple.clientId, key_id: apple.keyId, assigned_server: 'true', applecare: 'true' }),
    private_key_file: path.join(dir, 'key.pem'),
  };
  const out: RawRecord[] = [];
  for await (const r of createAbmSource(s, ctx).read({ fields: [], allFields: false })) out.push(r);
  expect(out[0]).toEqual({
    id: 'DMPXK0000001', ...apple.device(1).attributes,
    assignedServer: { id: '1F97349736CF4614A94F624E705841AD', ...apple.server_(1)!.attributes },
    appleCareCoverage: apple.coverage(1).map((c) => ({ id: c.id, ...c.attributes })),
  });
  expect(out[2].assignedServer).toBeNull();
  expect(ctx.failures).toEqual([]);
  await ctx.http.close();
  await apple.close();
  fs.rmSync(dir, { recursive: true });
});

test('Apple\'s error texts', () => {
  expect(appleErrorText('{"errors":[{"status":"401","code":"NOT_AUTHORIZED","title":"Bad","detail":"Why."}]}')).toBe('Bad: Why. (NOT_AUTHORIZED)');
  expect(appleErrorText('nope')).toBeUndefined();
});
