/** End to end: the built CLI reads an enterprise's devices from the Google test server and pushes them to the fake Oomnitza. */
import fs from 'node:fs';
import path from 'node:path';
import { runCli, tempDir } from '../../helpers/runCli.js';
import { startFakeGoogle, type FakeGoogle } from '../../support/fakeGoogle.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';

let oom: FakeOomnitza;
let g: FakeGoogle;
beforeEach(async () => {
  oom = await startFakeOomnitza();
  g = await startFakeGoogle({ androidDevices: 120 });
});
afterEach(async () => {
  await Promise.all([oom.close(), g.close()]);
});

/** The key as a file next to the config, as it was downloaded (several lines), named relative to the config. */
function section(name: string, server: FakeGoogle, enterprise = `enterprises/${server.enterpriseId}`, extra = ''): string {
  return `[${name}]
enable = True
service_account_key_file = keys/sa.json
enterprise_id = ${enterprise}
url = ${server.url}
token_url = ${server.tokenUrl}
${extra}`;
}

const config = (...sections: string[]) => `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n${sections.join('\n\n')}\n`;

test('two pages, a token expiry between them: exact payloads with the default APPLICATIONS mapping', async () => {
  g.expireTokensAfterPages(1);
  const mappings = 'sync_field = SERIAL_NUMBER\nmapping.SERIAL_NUMBER = hardwareInfo.serialNumber\nmapping.MODEL = hardwareInfo.model\nmapping.DEVICE_ID = name\nmapping.OWNERSHIP = ownership\n';
  const dir = tempDir({ 'config.ini': config(section('android_enterprise', g, undefined, mappings)), 'keys/sa.json': JSON.stringify(g.key, null, 2) });
  const res = await runCli(['upload', 'android_enterprise', '--ini', 'config.ini'], { cwd: dir });
  expect(res.stderr).toMatch(/\[android_enterprise\] pulled 120, filtered out 0, skipped 0, pushed 120, failed 0/);
  expect(res.code).toBe(0);
  const expected = Array.from({ length: 120 }, (_, k) => {
    const d = g.androidDevice(k + 1) as Record<string, unknown> & { hardwareInfo: Record<string, string> };
    const installed = (d.applicationReports as Array<Record<string, string>>).filter((a) => a.state === 'INSTALLED');
    return {
      SERIAL_NUMBER: d.hardwareInfo.serialNumber, MODEL: d.hardwareInfo.model, DEVICE_ID: d.name, OWNERSHIP: d.ownership,
      APPLICATIONS: installed.map((a) => ({ name: a.displayName ?? a.packageName, version: a.versionName, path: null, bundle_id: a.packageName })),
    };
  });
  expect(oom.records('AndroidEnterprise')).toEqual(expected);
  expect(oom.bulkRequests.every((b) => b.connector_name === 'AndroidEnterprise' && b.data_type === 'assets')).toBe(true);
  expect(g.pages.map((p) => p.status)).toEqual([200, 401, 200]);
  expect(g.tokensIssued).toBe(2);
});

test('connector test: the device read, an enterprise of another project, the API not enabled', async () => {
  const disabled = await startFakeGoogle({ disabledApis: ['androidmanagement.googleapis.com'] });
  try {
    const dir = tempDir({
      'config.ini': config(section('android_enterprise', g), section('android_enterprise.other', g, 'LC77aaaaaa'), section('android_enterprise.disabled', disabled)),
      'keys/sa.json': JSON.stringify(g.key),
    });
    const res = await runCli(['test', 'android_enterprise', 'android_enterprise.other', 'android_enterprise.disabled', '--ini', 'config.ini'], { cwd: dir });
    const line = (name: string) => res.stdout.split('\n').find((l) => l.includes(`[${name}] `)) ?? '';
    expect(line('android_enterprise')).toBe(`OK     [android_enterprise] authenticated as Google service account "${g.key.client_email}"; read device "${String(g.androidDevice(1).name)}" of enterprises/${g.enterpriseId} (Pixel 8, COMPANY_OWNED)`);
    expect(line('android_enterprise.other')).toMatch(/^FAILED \[android_enterprise\.other\] enterprise_id: service account ".*" may not read enterprises\/LC77aaaaaa \(HTTP 403: PERMISSION_DENIED: Caller is not authorized to manage enterprise\.\): .*Android Management User/);
    expect(line('android_enterprise.disabled')).toMatch(/^FAILED \[android_enterprise\.disabled\] service_account_key_file: the Android Management API is not enabled in Google Cloud project "oomnitza-sync-415210" .*Enable it: https:\/\/console\.cloud\.google\.com\/apis\/library\/androidmanagement\.googleapis\.com\?project=oomnitza-sync-415210$/);
    expect(res.code).toBe(1);
    expect(res.stdout + res.stderr).not.toContain(g.key.private_key.split('\n')[1]);
  } finally {
    await disabled.close();
  }
});

test('a key file that is missing is a config error with its line', async () => {
  const dir = tempDir({ 'config.ini': config(section('android_enterprise', g)) });
  const res = await runCli(['upload', 'android_enterprise', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(2);
  expect(res.stderr).toContain(`config.ini:7: [android_enterprise] service_account_key_file: "keys/sa.json" (${path.join(fs.realpathSync(dir), 'keys/sa.json')}) does not exist`);
});
