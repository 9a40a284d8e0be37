/** In process: the device list in pages (limit/offset) until a short page, as the original (pages of 1000) pages. */
import { createOpenAuditSource } from '../../../src/sources/open_audit/index.js';
import { openAuditSettings } from '../../../src/sources/open_audit/settings.js';
import { collect, recordingContext, settingsFrom } from '../../helpers/sourceContext.js';
import { startFakeOpenAudit, type FakeOpenAudit } from '../../support/fakeOpenAudit.js';

let oa: FakeOpenAudit;
afterEach(() => oa.close());

test.each([[5, ['0', '2', '4']], [4, ['0', '2', '4']]])('%i devices in pages of 2: offsets %j', async (devices, offsets) => {
  oa = await startFakeOpenAudit({ devices });
  const ctx = recordingContext('open_audit');
  const s = settingsFrom(openAuditSettings, { url: oa.url, username: oa.username, password: oa.password });
  const records = await collect(createOpenAuditSource(s, ctx, { pageSize: 2 }));
  expect(records.map((r) => (r.hardware as { id: number }).id)).toEqual(Array.from({ length: devices }, (_, k) => k + 1));
  expect(oa.log.filter((l) => l.includes('/devices?'))).toEqual(offsets.map((o) => `GET /open-audit/index.php/devices?limit=2&offset=${o}`));
  expect(records[0]).toEqual({
    hardware: { ...oa.attributes(1), mac: '00:1a:2b:3c:4d:01', mac_vendor: 'Intel Corporation' },
    software: [{ name: 'App 0', version: '0.1', publisher: 'Acme', path: '' }, { name: 'App 1', version: '1.1', publisher: 'Acme', path: 'C:\\Program Files\\App1' }],
  });
  expect(ctx.failures).toEqual([]);
  await ctx.http.close();
});
