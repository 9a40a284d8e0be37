/** End to end: the built CLI reads the Meraki test server as [merakism] (API v1) and pushes to the fake Oomnitza. */
import { runCli, tempDir } from '../../helpers/runCli.js';
import { startFakeMeraki, type FakeMeraki } from '../../support/fakeMeraki.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';

/** Three pages of 1000, 1000 and 300. */
const N = 2300;
let oom: FakeOomnitza;
let meraki: FakeMeraki;
beforeEach(async () => {
  oom = await startFakeOomnitza();
  meraki = await startFakeMeraki({ devices: N });
});
afterEach(async () => {
  await oom.close();
  await meraki.close();
});

const section = (extra = '', key = meraki.key) => `[merakism]
enable = True
url = ${meraki.url}
meraki_api_key = ${key}
network_id = ${meraki.networkId}
sync_field = SERIAL_NUMBER
mapping.SERIAL_NUMBER = serialNumber
mapping.NAME = name
mapping.MODEL = systemModel
mapping.OS = osName
mapping.MAC = wifiMac
mapping.LAST_USER = lastUser
mapping.IMEI = imei
mapping.CONNECTED = lastConnected
mapping.SUPERVISED = isSupervised
${extra}`;
const config = (body: string) => `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n${body}\n`;
const run = (ini: string, ...args: string[]) => runCli([...args, '--ini', 'config.ini'], { cwd: tempDir({ 'config.ini': ini }) });
const range = (n: number) => Array.from({ length: n }, (_, k) => k + 1);
const sorted = (records: Array<Record<string, unknown>>) => [...records].sort((a, b) => String(a.SERIAL_NUMBER).localeCompare(String(b.SERIAL_NUMBER)));
const payload = (i: number) => {
  const d = meraki.device(i);
  return { SERIAL_NUMBER: d.serialNumber, NAME: d.name, MODEL: d.systemModel, OS: d.osName, MAC: d.wifiMac, LAST_USER: d.lastUser, IMEI: d.imei, CONNECTED: d.lastConnected, SUPERVISED: d.isSupervised };
};

test('an original config: API v1 pages followed by the Link header, the original\'s fields asked for, exact payloads', async () => {
  const res = await run(config(section()), 'upload', 'merakism');
  expect(res.stderr).toMatch(/\[merakism\] pulled 2300, .*pushed 2300, failed 0/);
  expect(res.code).toBe(0);
  expect(sorted(oom.records('MerakiSM'))).toEqual(range(N).map(payload));
  expect(oom.bulkRequests[0]).toMatchObject({ connector_name: 'MerakiSM', data_type: 'assets' });
  expect(meraki.log).toHaveLength(3);
  const urls = meraki.log.map((l) => new URL(l.slice(4), meraki.url));
  expect(urls.map((u) => u.searchParams.get('startingAfter'))).toEqual([null, meraki.device(1000).id, meraki.device(2000).id]);
  expect(urls[0].searchParams.getAll('fields[]')).toContain('hardwareEncryptionCaps');
  expect(urls[0].searchParams.getAll('fields[]')).toHaveLength(39);
  expect(urls.every((u) => u.searchParams.get('perPage') === '1000')).toBe(true);
  expect(res.stdout + res.stderr).not.toContain(meraki.key);
}, 60_000);

test('the record keeps the v0 field names: every field the original asked for, and the defaults', async () => {
  const res = await run(config(section('mapping.ALL = diskInfoJson\n') + 'recordfilter:\n    return record.id && "passCodeLock" in record && "hardwareEncryptionCaps" in record && "uuid" in record\n'), 'upload', 'merakism', '--record-count', '5');
  expect(res.code).toBe(0);
  expect(oom.records('MerakiSM')).toHaveLength(5);
});

test('a 429 mid-run is waited out as Retry-After asks and nothing is lost', async () => {
  meraki.throttle(1, 1);
  const res = await run(config(section()), 'upload', 'merakism');
  expect(res.code).toBe(0);
  expect(sorted(oom.records('MerakiSM'))).toEqual(range(N).map(payload));
  expect(meraki.statuses).toEqual([200, 429, 200, 200]);
  expect(res.stderr).toMatch(/\[merakism\] GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/networks\/N_24329156\/sm\/devices: rate limited \(HTTP 429\); waiting [\d.]+ s as the server asks/);
}, 60_000);

test('a wrong API key (Meraki answers 404): exit 1, the message names network_id and meraki_api_key, never the key', async () => {
  const res = await run(config(section('', '0000000000000000000000000000000000000bad')), 'upload', 'merakism');
  expect(res.code).toBe(1);
  expect(res.stderr).toMatch(/\[merakism\] network_id: Meraki has no Systems Manager network "N_24329156" for this API key \(HTTP 404: Not found\): check network_id, and meraki_api_key/);
  expect(res.stdout + res.stderr).not.toContain('0000000000000000000000000000000000000bad');
  expect(oom.records('MerakiSM')).toEqual([]);
});

test('connector test: OK, and a distinct message per failure kind', async () => {
  const empty = await startFakeMeraki({ devices: 0 });
  const closed = await startFakeMeraki();
  await closed.close();
  const on = (name: string, url: string, body: string) => body.replace('[merakism]', `[merakism.${name}]`).replaceAll(meraki.url, url);
  const sections = {
    ok: on('ok', meraki.url, section()),
    network: on('network', meraki.url, section().replace(`network_id = ${meraki.networkId}`, 'network_id = N_999')),
    empty: on('empty', empty.url, section()),
    unreachable: on('unreachable', closed.url, section()),
    tls: on('tls', meraki.url.replace('http:', 'https:'), section()),
  };
  let res;
  try {
    res = await run(config(Object.values(sections).join('\n')), 'test', ...Object.keys(sections).map((k) => `merakism.${k}`));
  } finally {
    await empty.close();
  }
  const line = (k: string) => res.stdout.split('\n').find((l) => l.includes(`[merakism.${k}]`)) ?? '';
  expect(res.code).toBe(1);
  expect(line('ok')).toBe(`OK     [merakism.ok] authenticated to ${meraki.url} with the API key; network N_24329156: read device ${meraki.device(1).id} (serial "F5XKQ00001") "Miles's phone 1"`);
  expect(line('network')).toMatch(/^FAILED \[merakism\.network\] .*network_id: Meraki has no Systems Manager network "N_999"/);
  expect(line('empty')).toMatch(/^OK     \[merakism\.empty\] .*: no devices$/);
  expect(line('unreachable')).toMatch(/^FAILED \[merakism\.unreachable\] .*connection refused/);
  expect(line('tls')).toMatch(/^FAILED \[merakism\.tls\] .*TLS/);
}, 60_000);
