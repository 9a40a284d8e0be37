/** End to end: the built CLI reads the AWX test server and pushes to the fake Oomnitza. */
import { runCli, tempDir } from '../../helpers/runCli.js';
import { startFakeAwx, type FakeAwx } from '../../support/fakeAwx.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';
import { unordered } from '../../helpers/unordered.js';

let oom: FakeOomnitza;
let awx: FakeAwx;
const closers: Array<() => Promise<void>> = [];
beforeEach(async () => {
  oom = await startFakeOomnitza();
  awx = await startFakeAwx({ hosts: 450 });
});
afterEach(async () => {
  await Promise.all([oom.close(), awx.close(), ...closers.splice(0).map((c) => c())]);
});

const MAPPINGS = 'mapping.NAME = name\nmapping.SERIAL_NUMBER = variables.serial\nmapping.IP = variables.ansible_host\nmapping.INVENTORY = summary_fields.inventory.name\n';
const section = (name: string, url: string, auth: string, extra = '') => `[${name}]\nenable = True\nurl = ${url}\n${auth}\nsync_field = NAME\n${MAPPINGS}${extra}`;
const config = (...sections: string[]) => `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n${sections.join('\n')}`;
const range = (n: number) => Array.from({ length: n }, (_, k) => k + 1);

async function upload(ini: string, ...names: string[]) {
  return runCli(['upload', ...names, '--ini', 'config.ini'], { cwd: tempDir({ 'config.ini': ini }) });
}

/** What the INI mappings make of host i: YAML and JSON variables alike, empty variables give nulls. */
function expected(i: number) {
  const ip = i % 3 === 1 ? `10.0.0.${i}` : i % 3 === 2 ? `10.0.1.${i}` : null;
  return { NAME: `host${i}.example.com`, SERIAL_NUMBER: i % 3 ? `SN${i}` : null, IP: ip, INVENTORY: (i % 2) + 1 === 1 ? 'Production' : 'Lab' };
}

test('bearer token: three pages of 200 in id order via next, variables (YAML and JSON) parsed; exact payloads', async () => {
  const res = await upload(config(section('awx', awx.url, `token = ${awx.token}`)), 'awx');
  expect(res.stderr).toMatch(/\[awx\] pulled 450, .*pushed 450, failed 0/);
  expect(res.code).toBe(0);
  expect(unordered(oom.records('AWX'))).toEqual(unordered(range(450).map(expected)));
  expect(oom.bulkRequests[0]).toMatchObject({ connector_name: 'AWX', data_type: 'assets', sync_field: ['NAME'] });
  expect(awx.log).toEqual([
    'GET /api/v2/hosts/?page_size=200&order_by=id',
    'GET /api/v2/hosts/?order_by=id&page=2&page_size=200',
    'GET /api/v2/hosts/?order_by=id&page=3&page_size=200',
  ]);
  expect(res.stdout + res.stderr).not.toContain(awx.token);
});

test('AAP 2.5 prefix, Basic auth, load_facts: facts per host, a 429 waited out, one failed host reported, the rest arrive', async () => {
  const aap = await startFakeAwx({ hosts: 30, prefix: '/api/controller/v2' });
  closers.push(() => aap.close());
  aap.throttlePage(1, 1, '0.1');
  aap.failFacts(107, 403, 10);
  const ini = config(section('awx', aap.url, 'username = admin\npassword = awx-password-123', 'api_prefix = /api/controller/v2\ninventory_id = 2\nload_facts = True\nmapping.MODEL = ansible_facts.ansible_product_name\nmapping.PSERIAL = ansible_facts.ansible_product_serial\n'));
  const res = await upload(ini, 'awx');
  const odd = range(30).filter((i) => i % 2 === 1 && i !== 7);
  expect(unordered(oom.records('AWX'))).toEqual(unordered(odd.map((i) => ({ ...expected(i), MODEL: 'PowerEdge R650', PSERIAL: `PS-${i}` }))));
  expect(res.stderr).toMatch(/\[awx\] pulled 14, .*pushed 14, failed 1/);
  expect(res.stdout + res.stderr).toMatch(/host 107 "host7\.example\.com".*may not read \/api\/controller\/v2\/hosts\/107\/ansible_facts\/ \(HTTP 403/);
  expect(res.stderr).toMatch(/rate limited \(HTTP 429\); waiting 0\.1 s as the server asks/);
  expect(aap.log[0]).toBe('GET /api/controller/v2/inventories/2/hosts/?page_size=200&order_by=id');
  expect(aap.log.filter((l) => l.endsWith('/ansible_facts/'))).toHaveLength(15);
  expect(res.code).toBe(1);
});

test('bad credentials and a token revoked mid-run: exit 1, a message naming the setting, no secret', async () => {
  const revoked = await startFakeAwx({ hosts: 450 });
  closers.push(() => revoked.close());
  revoked.revokeTokenAfter(1);
  const res = await upload(config(
    section('awx', awx.url, 'token = wrong-token-000011112222'),
    section('awx.basic', awx.url, 'username = admin\npassword = not-the-password'),
    section('awx.revoked', revoked.url, `token = ${revoked.token}`),
  ), 'awx', 'awx.basic', 'awx.revoked');
  const out = res.stdout + res.stderr;
  expect(res.code).toBe(1);
  expect(out).toMatch(/\[awx\] token: AWX refused the token \(HTTP 401: Authentication credentials were not provided\.\): check token; a token may have expired or been revoked/);
  expect(out).toMatch(/\[awx\.basic\] username: AWX refused user "admin" \(HTTP 401: Invalid username\/password\.\): check username and password/);
  expect(out).toMatch(/\[awx\.revoked\] pulled 200, .*FAILED: .*token: AWX refused the token \(HTTP 401/);
  expect(oom.records('AWX')).toHaveLength(200);
  for (const secret of ['wrong-token-000011112222', 'not-the-password', awx.token]) expect(out).not.toContain(secret);
});

test('connector test: OK, and a distinct message per failure kind', async () => {
  const empty = await startFakeAwx({ hosts: 0 });
  const forbidden = await startFakeAwx({ forbiddenInventories: [1] });
  const closed = await startFakeAwx();
  await closed.close();
  closers.push(() => empty.close(), () => forbidden.close());
  const token = `token = ${awx.token}`;
  const sections = {
    ok: section('awx.ok', awx.url, token, 'load_facts = True\n'),
    credentials: section('awx.credentials', awx.url, 'token = bad-token-4444555566667777'),
    permission: section('awx.permission', forbidden.url, `token = ${forbidden.token}`, 'inventory_id = 1\n'),
    inventory: section('awx.inventory', awx.url, token, 'inventory_id = 9\n'),
    prefix: section('awx.prefix', awx.url, token, 'api_prefix = /api/controller/v2\n'),
    empty: section('awx.empty', empty.url, `token = ${empty.token}`),
    unreachable: section('awx.unreachable', closed.url, token),
    tls: section('awx.tls', awx.url.replace('http:', 'https:'), token),
  };
  const dir = tempDir({ 'config.ini': config(...Object.values(sections)) });
  const res = await runCli(['test', ...Object.keys(sections).map((k) => `awx.${k}`), '--ini', 'config.ini'], { cwd: dir });
  const line = (k: string) => res.stdout.split('\n').find((l) => l.includes(`[awx.${k}]`)) ?? '';
  expect(res.code).toBe(1);
  expect(line('ok')).toBe(`OK     [awx.ok] authenticated to ${awx.url}/api/v2 as "admin" (the token); read host 101 "host1.example.com"; 7 fact(s)`);
  expect(line('credentials')).toMatch(/^FAILED \[awx.credentials\] .*token: AWX refused the token \(HTTP 401/);
  expect(line('permission')).toMatch(/^FAILED \[awx.permission\] AWX: the token may not read \/api\/v2\/inventories\/1\/hosts\/ \(HTTP 403: You do not have permission to perform this action\.\): the account needs the Read role on inventory 1$/);
  expect(line('inventory')).toMatch(/^FAILED \[awx.inventory\] .*inventory_id: AWX has no inventory 9 that the token can see \(HTTP 404\)/);
  expect(line('prefix')).toMatch(/^FAILED \[awx.prefix\] .*api_prefix: no AWX API at http:\/\/127\.0\.0\.1:\d+\/api\/controller\/v2\/me\/ \(HTTP 404\): check url and api_prefix$/);
  expect(line('empty')).toBe(`OK     [awx.empty] authenticated to ${empty.url}/api/v2 as "admin" (the token); no hosts`);
  expect(line('unreachable')).toMatch(/^FAILED \[awx.unreachable\] .*connection refused/);
  expect(line('tls')).toMatch(/^FAILED \[awx.tls\] .*TLS handshake failed/);
  expect(res.stdout + res.stderr).not.toContain('bad-token-4444555566667777');
}, 60_000);
