/** [netbox] in-process: the original section, token schemes, `next` kept on the configured origin, anonymous reads. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNetboxSource, netbox } from '../../../src/sources/netbox/index.js';
import { onOrigin } from '../../../src/sources/netbox/netboxApi.js';
import { netboxSettings } from '../../../src/sources/netbox/settings.js';
import { loadSection } from '../../helpers/loadSection.js';
import { collect, recordingContext, rejection, settingsFrom } from '../../helpers/sourceContext.js';
import { startFakeNetBox, type FakeNetBox } from '../../support/fakeNetBox.js';

let nb: FakeNetBox;
afterEach(() => nb?.close());

const fixture = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures/original-example.ini');
const original = /\[netbox\][\s\S]*?(?=\n\[)/.exec(fs.readFileSync(fixture, 'utf8'))![0];

test("the original README's [netbox] section loads unchanged; Netbox assets, no default mappings", async () => {
  const section = await loadSection('netbox', original);
  if (typeof section === 'string') throw new Error(section);
  // The host is case-insensitive: the URL setting normalises it.
  expect(section.settings).toEqual({ url: 'https://netbox', auth_token: '*******', page_size: 500, rate_limit_max_wait: 300 });
  expect(netbox.variant(section.settings as never)).toEqual({ mappingName: 'Netbox', dataType: 'assets' });
  expect(netbox.defaultMappings(section.settings as never)).toEqual({});
});

test('a section without url is a config error when it runs', async () => {
  expect(await loadSection('netbox', '[netbox]\nauth_token = x\n')).toContain('url: set url: the address of NetBox');
});

const source = async (token: string, extra: Record<string, string> = {}) => {
  const ctx = recordingContext('netbox');
  return { ctx, source: createNetboxSource(settingsFrom(netboxSettings, { url: nb.url, auth_token: token, ...extra }), ctx) };
};

test('v1 tokens go as Token, nbt_ tokens as Bearer, a value typed with its scheme as typed; records are NetBox devices as sent', async () => {
  nb = await startFakeNetBox({ devices: 3 });
  for (const token of [nb.v1Token, nb.v2Token, `Bearer ${nb.v2Token}`, `token ${nb.v1Token}`]) {
    const { source: src } = await source(token);
    expect(await collect(src)).toEqual([1, 2, 3].map((i) => nb.device(i)));
  }
  expect(nb.log.map((l) => l.replace(/^.* \[/, '['))).toEqual(['[Token]', '[Bearer]', '[Bearer]', '[Token]']);
  expect(nb.log[0]).toBe('GET /api/dcim/devices/?limit=500&ordering=id [Token]');
});

test('a v2 token sent as Token: the refusal explains the v2 format', async () => {
  nb = await startFakeNetBox();
  const { source: src } = await source(`Token ${nb.v2Token}`);
  const err = await rejection(collect(src));
  expect(err.message).toBe('[netbox] auth_token: NetBox refused a v1 token (HTTP 403: Invalid v1 token): check auth_token; tokens can expire or be limited to certain client IPs; a NetBox 4.5 v2 token starts with nbt_ and is sent as Bearer: copy it whole, nbt_<key>.<token>');
});

test('an empty auth_token reads anonymously where NetBox allows it (the original sent "Token " and was refused)', async () => {
  nb = await startFakeNetBox({ devices: 2, anonymous: true });
  const { source: src } = await source('');
  expect(await collect(src)).toHaveLength(2);
  expect(nb.log[0]).toMatch(/\[none\]$/);
});

test('next URLs are followed on the configured origin', () => {
  expect(onOrigin('http://netbox.internal:8000/nb/api/dcim/devices/?limit=50&offset=50', 'https://netbox.example.com/nb'))
    .toBe('https://netbox.example.com/nb/api/dcim/devices/?limit=50&offset=50');
});
