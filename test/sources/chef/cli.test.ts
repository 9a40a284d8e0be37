/** End to end: the built CLI reads the Chef server test server (signatures checked with the public key) and pushes to the fake Oomnitza. */
import { generateKeyPairSync } from 'node:crypto';
import { runCli, tempDir } from '../../helpers/runCli.js';
import { audit } from '../../../src/sources/chef/audit.js';
import { startFakeChef, type FakeChef } from '../../support/fakeChef.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = keys.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
const otherPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;

let oom: FakeOomnitza;
let chef: FakeChef;
const closers: Array<() => Promise<void>> = [];
beforeEach(async () => {
  oom = await startFakeOomnitza();
  chef = await startFakeChef({ publicKey: keys.publicKey, nodes: 6 });
});
afterEach(async () => {
  await Promise.all([oom.close(), chef.close(), ...closers.splice(0).map((c) => c())]);
});

const MAPPINGS = `sync_field = NAME
mapping.NAME = hardware.name
mapping.SERIAL_NUMBER = hardware.serial_number
mapping.MODEL = hardware.model
mapping.MEMORY = hardware.total_memory_mb
mapping.PLATFORM = hardware.platform
`;
const section = (name: string, s: FakeChef, extra = '', key = 'client.pem') =>
  `[${name}]\nenable = True\nurl = ${s.orgUrl}\nclient = ${s.client}\nkey_file = ${key}\n${MAPPINGS}${extra}`;
const config = (...sections: string[]) => `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n${sections.join('\n')}`;
const files = (ini: string) => tempDir({ 'config.ini': ini, 'client.pem': pem, 'other.pem': otherPem });
const upload = (ini: string, ...names: string[]) => runCli(['upload', ...names, '--ini', 'config.ini'], { cwd: files(ini) });
const range = (n: number) => Array.from({ length: n }, (_, k) => k + 1);
const byName = (records: Array<Record<string, unknown>>) => [...records].sort((a, b) => String(a.NAME).localeCompare(String(b.NAME)));

function expected(s: FakeChef, i: number, nodeMappings = {}) {
  const { hardware: h } = audit(s.node(i), { attributeExtension: {}, nodeMappings }) as { hardware: Record<string, unknown> };
  return { NAME: h.name, SERIAL_NUMBER: h.serial_number, MODEL: h.model, MEMORY: h.total_memory_mb, PLATFORM: h.platform };
}

test('an original config: signed 1.0 requests, node search in pages of 1000 (rows/start), exact payloads; a 429 waited out and re-signed', async () => {
  const big = await startFakeChef({ publicKey: keys.publicKey, nodes: 1003 });
  closers.push(() => big.close());
  big.throttle(1, '0.1', 1);
  const nodeMappings = '{"__default__": {"serial_number": "automatic.dmi.system.serial_number"}}';
  const res = await upload(config(section('chef', big, `node_mappings = ${nodeMappings}\n`)), 'chef');
  expect(res.stderr).toMatch(/\[chef\] pulled 1003, .*pushed 1003, failed 0/);
  expect(res.code).toBe(0);
  expect(byName(oom.records('Chef'))).toEqual(byName(range(1003).map((i) => expected(big, i, JSON.parse(nodeMappings)))));
  expect(oom.records('Chef').find((r) => r.NAME === 'node3')).toEqual({ NAME: 'node3', SERIAL_NUMBER: 'VMW-3', MODEL: null, MEMORY: 15625, PLATFORM: 'ubuntu' });
  expect(oom.bulkRequests[0]).toMatchObject({ connector_name: 'Chef', data_type: 'assets' });
  expect(res.stderr).toMatch(/rate limited \(HTTP 429\); waiting 0\.1 s as the server asks/);
  expect(big.log).toEqual([
    'GET /organizations/acme/search/node?q=name%3A*&rows=1000&start=0',
    'GET /organizations/acme/search/node?q=name%3A*&rows=1000&start=1000',
    'GET /organizations/acme/search/node?q=name%3A*&rows=1000&start=1000',
  ]);
  expect(big.statuses).toEqual([200, 429, 200]);
  expect(new Set(big.signs)).toEqual(new Set(['version=1.0']));
});

test('sign_version = 1.3 on a server that accepts only 1.3 (FIPS); 1.0 there says which setting to change', async () => {
  const fips = await startFakeChef({ publicKey: keys.publicKey, nodes: 4, versions: ['1.3'] });
  closers.push(() => fips.close());
  const ok = await upload(config(section('chef', fips, 'sign_version = 1.3\n')), 'chef');
  expect(ok.code).toBe(0);
  expect(byName(oom.records('Chef'))).toEqual(range(4).map((i) => expected(fips, i)));
  expect(new Set(fips.signs)).toEqual(new Set(['algorithm=sha256;version=1.3']));
  const old = await upload(config(section('chef', fips)), 'chef');
  expect(old.code).toBe(1);
  expect(old.stdout + old.stderr).toMatch(/\[chef\] sign_version: the Chef server does not accept signing protocol 1\.0 \(HTTP 400: unsupported authentication protocol version: 1\.0\): set sign_version = 1\.3/);
});

test('a bad signature (another key) and an unknown client: exit 1, the setting to check, no key material', async () => {
  const res = await upload(config(section('chef', chef, '', 'other.pem'), section('chef.who', chef).replace(`client = ${chef.client}`, 'client = nobody')), 'chef', 'chef.who');
  const out = res.stdout + res.stderr;
  expect(res.code).toBe(1);
  expect(out).toMatch(/\[chef\] key_file: the Chef server refused the signed request of client "connector" \(HTTP 401: Failed to authenticate as 'connector'\. Ensure that your node_name and client key are correct\.\): check client and key_file; a server in FIPS mode needs sign_version = 1\.3/);
  expect(out).toMatch(/\[chef\.who\] key_file: the Chef server refused the signed request of client "nobody" \(HTTP 401: Failed to authenticate as 'nobody'/);
  expect(chef.statuses.filter((s) => s === 401)).toHaveLength(2);
  expect(out).not.toMatch(/BEGIN RSA PRIVATE KEY|X-Ops-Authorization/i);
  expect(oom.records()).toEqual([]);
});

test('a key file that is not a key is a config error (exit 2) before any request', async () => {
  const res = await runCli(['upload', 'chef', '--ini', 'config.ini'], { cwd: tempDir({ 'config.ini': config(section('chef', chef)), 'client.pem': 'not a key' }) });
  expect(res.code).toBe(2);
  expect(res.stderr).toMatch(/\[chef\] key_file: .*client\.pem is not a readable PEM private key/);
  expect(chef.log).toEqual([]);
});

test('connector test: OK, and a distinct message per failure kind', async () => {
  const empty = await startFakeChef({ publicKey: keys.publicKey, nodes: 0 });
  const forbidden = await startFakeChef({ publicKey: keys.publicKey, forbidden: true });
  const skewed = await startFakeChef({ publicKey: keys.publicKey, now: () => Date.now() + 3_600_000 });
  const closed = await startFakeChef({ publicKey: keys.publicKey });
  await closed.close();
  closers.push(() => empty.close(), () => forbidden.close(), () => skewed.close());
  const sections = {
    ok: section('chef.ok', chef),
    signature: section('chef.signature', chef, '', 'other.pem'),
    clock: section('chef.clock', skewed),
    permission: section('chef.permission', forbidden),
    org: section('chef.org', chef).replace('/organizations/acme', '/organizations/nope'),
    empty: section('chef.empty', empty),
    unreachable: section('chef.unreachable', closed),
    tls: section('chef.tls', chef).replace(chef.url, chef.url.replace('http:', 'https:')),
  };
  const res = await runCli(['test', ...Object.keys(sections).map((k) => `chef.${k}`), '--ini', 'config.ini'], { cwd: files(config(...Object.values(sections))) });
  const line = (k: string) => res.stdout.split('\n').find((l) => l.includes(`[chef.${k}]`)) ?? '';
  expect(res.code).toBe(1);
  expect(line('ok')).toBe(`OK     [chef.ok] authenticated to ${chef.orgUrl} as client "connector" (signing 1.0); read node "node1" (mac_os_x 14.5)`);
  expect(line('signature')).toMatch(/^FAILED \[chef.signature\] .*key_file: the Chef server refused the signed request of client "connector" .*check client and key_file/);
  expect(line('clock')).toMatch(/^FAILED \[chef.clock\] .*Synchronize the clock on your host\.\)\: this machine's clock is off/);
  expect(line('permission')).toMatch(/^FAILED \[chef.permission\] Chef: client "connector" may not search nodes \(HTTP 403: missing read permission\)/);
  expect(line('org')).toMatch(/^FAILED \[chef.org\] .*url: no Chef organization at .*\/organizations\/nope \(HTTP 404: Cannot load organization nope\)/);
  expect(line('empty')).toBe(`OK     [chef.empty] authenticated to ${empty.orgUrl} as client "connector" (signing 1.0); no nodes`);
  expect(line('unreachable')).toMatch(/^FAILED \[chef.unreachable\] .*connection refused/);
  expect(line('tls')).toMatch(/^FAILED \[chef.tls\] .*TLS handshake failed/);
}, 60_000);
