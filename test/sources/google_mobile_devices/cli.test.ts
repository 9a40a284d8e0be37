/** End to end: the built CLI reads the Google test server's mobile devices and pushes them to the fake Oomnitza. */
import { runCli, tempDir } from '../../helpers/runCli.js';
import { startFakeGoogle, type FakeGoogle } from '../../support/fakeGoogle.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';

let oom: FakeOomnitza;
let g: FakeGoogle;
beforeEach(async () => {
  oom = await startFakeOomnitza();
  g = await startFakeGoogle({ mobileDevices: 5 });
});
afterEach(async () => {
  await Promise.all([oom.close(), g.close()]);
});

function section(name: string, admin = 'admin@example.com', extra = ''): string {
  return `[${name}]
enable = True
service_account_impersonate = ${admin}
service_account_json_key = ${g.keyJson}
url = ${g.url}
token_url = ${g.tokenUrl}
${extra}`;
}

const config = (...sections: string[]) => `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n${sections.join('\n\n')}\n`;

test('two pages and a 429 without Retry-After: exact payloads, with mappings written for the original (email.0)', async () => {
  g.throttle(1, { afterPages: 1 });
  const mappings = 'page_size = 3\nsync_field = SERIAL_NUMBER\nmapping.SERIAL_NUMBER = serialNumber\nmapping.ASSIGNED_TO = email.0\nmapping.MODEL = model\nmapping.OS = os\nmapping.IMEI = imei\n';
  const dir = tempDir({ 'config.ini': config(section('google_mobile_devices', 'admin@example.com', mappings)) });
  const res = await runCli(['upload', 'google_mobile_devices', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(0);
  expect(oom.log).toContain('GET /api/v2/mappings?name=GoogleMobileDevices');
  expect(oom.records('GoogleMobileDevices')).toEqual([1, 2, 3, 4, 5].map((i) => {
    const d = g.mobileDevice(i) as Record<string, unknown> & { email: string[] };
    return { SERIAL_NUMBER: d.serialNumber, ASSIGNED_TO: d.email[0], MODEL: d.model, OS: d.os, IMEI: d.imei };
  }));
  expect(oom.bulkRequests.every((b) => b.connector_name === 'GoogleMobileDevices' && b.data_type === 'assets')).toBe(true);
  expect(g.pages.map((p) => p.status)).toEqual([200, 429, 200]);
});

test('connector test: the device read, and an administrator without the privilege', async () => {
  const dir = tempDir({ 'config.ini': config(section('google_mobile_devices'), section('google_mobile_devices.user', 'user@example.com')) });
  const res = await runCli(['test', 'google_mobile_devices', 'google_mobile_devices.user', '--ini', 'config.ini'], { cwd: dir });
  const line = (name: string) => res.stdout.split('\n').find((l) => l.includes(`[${name}] `)) ?? '';
  expect(line('google_mobile_devices')).toBe(`OK     [google_mobile_devices] authenticated as Google service account "${g.key.client_email}" acting as "admin@example.com"; read mobile device "${String(g.mobileDevice(1).model)}" of employee1@example.com`);
  expect(line('google_mobile_devices.user')).toMatch(/^FAILED \[google_mobile_devices\.user\] service_account_impersonate: "user@example\.com" may not read mobile devices \(HTTP 403: forbidden: Not Authorized to access this resource\/api\): .*Services > Mobile Device Management/);
  expect(res.code).toBe(1);
});
