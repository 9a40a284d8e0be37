/** `connector managed` through the CLI: few runs (each spawn costs about a second); the rest is in-process. */
import fs from 'node:fs';
import path from 'node:path';
import { runCli, tempDir } from '../helpers/runCli.js';
import { startFakeManagedCloud, type FakeManagedCloud } from '../support/fakeManagedCloud.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { linkUsers } from '../support/fakeSaasIntegrations.js';

let cloud: FakeManagedCloud;
let saas: FakeSaas;
afterEach(async () => {
  await cloud?.close();
  await saas?.close();
});

const oomnitza = () => `[oomnitza]\nurl = ${cloud.url}\napi_token = ${cloud.token}\nretries = 0\n`;

test('plain `connector --once`: runs what one poll returned with [managed.7] from config.ini, exit 0; a section the cloud did not return is a warning', async () => {
  saas = await startFakeSaas({ users: 3 });
  cloud = await startFakeManagedCloud({
    mappings: { '7': { USER: { type: 'attribute', value: 'id' }, EMAIL: { type: 'attribute', value: 'email' } } },
    polls: [[{ ...linkUsers(saas.url), type: 'users', update_only: 'False', insert_only: 'False', sync_field: 'USER' }]],
  });
  const dir = tempDir({
    'config.ini': `${oomnitza()}\n[managed.7]\nsaas_authorization = {"headers": {"X-Api-Key": "key-123"}}\noomnitza_authorization =\n\n[managed.99]\nsaas_authorization = {"params": {"k": "v"}}\n`,
  });
  const res = await runCli(['--once', '--ini', 'config.ini', '--save-data'], { cwd: dir, env: { OOMNITZA_CONNECTOR_SOURCE: 'default' } });
  expect(res.stderr).toMatch(/\[managed\.7 "Link users"\] pulled 3, filtered out 0, skipped 0, pushed 3, failed 0/);
  expect(res.stderr).toMatch(/config\.ini:10: \[managed\.99\]: Oomnitza did not return integration 99/);
  expect(res.code).toBe(0);
  expect(cloud.uploads.flatMap((u) => u.records)).toEqual([
    { USER: 'u1', EMAIL: 'u1@example.com' }, { USER: 'u2', EMAIL: 'u2@example.com' }, { USER: 'u3', EMAIL: 'u3@example.com' },
  ]);
  expect(cloud.requests.every((r) => r.path.startsWith('/media') || r.source === 'default')).toBe(true);
  expect(saas.requestsTo('/link/users').every((r) => r.headers['x-api-key'] === 'key-123')).toBe(true);
  // --save-data: raw items and payloads, the SaaS key nowhere in them.
  const saved = fs.readdirSync(path.join(dir, 'save_data', 'managed.7'));
  expect(saved.some((f) => f.startsWith('payload-'))).toBe(true);
  const text = saved.map((f) => fs.readFileSync(path.join(dir, 'save_data', 'managed.7', f), 'utf8')).join('\n');
  expect(text).not.toMatch(/key-123/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('basic_connector through the CLI: the registry is injected, [managed.12] local_inputs hold the password of the delegated vcenter', async () => {
  const { startFakeVcenter } = await import('../support/fakeVcenter.js');
  const vc = await startFakeVcenter({ hostsPerDatacenter: 1, vmsPerHost: 2, only: 'api' });
  try {
    cloud = await startFakeManagedCloud({
      mappings: { '12': { NAME: { type: 'attribute', value: 'name' } } },
      polls: [[{
        id: 12, name: 'vCenter VMs', type: 'assets', update_only: 'False', insert_only: 'False', basic_connector: 'vcenter',
        inputs: { url: { value: vc.url }, username: { value: vc.username }, use_legacy_apis: { value: 'False' } },
        list_behavior: { http_method: 'GET', url: '{{ inputs.url }}', headers: [], params: [], result: '{{ list_response }}' },
        saas_authorization: { headers: { 'X-Unused': 'x' } },
      }]],
    });
    const dir = tempDir({ 'config.ini': `${oomnitza()}
[managed.12]
local_inputs = {"password": "${vc.password}"}
` });
    const res = await runCli(['managed', '--once', '--ini', 'config.ini'], { cwd: dir });
    expect(res.stderr).toMatch(/\[managed\.12 "vCenter VMs"\] pulled 2, filtered out 0, skipped 0, pushed 2, failed 0/);
    expect(res.code).toBe(0);
    expect(cloud.uploads.map((u) => u.records)).toEqual(vc.vms.map((v) => [{ NAME: v.name }]));
    expect(cloud.finalized).toHaveLength(1);
    expect(res.stderr).not.toContain(vc.password);
    fs.rmSync(dir, { recursive: true, force: true });
  } finally {
    await vc.close();
  }
});

test('an invalid [managed.N] shape is a config error with file:line (exit 2) before any network call', async () => {
  cloud = await startFakeManagedCloud();
  const dir = tempDir({
    'config.ini': `${oomnitza()}\n[managed.7]\nsaas_authorization = {"headers": {}, "params": {}}\nlocal_inputs = [1, 2]\ntest_run = maybe\n`,
  });
  const res = await runCli(['managed', '--once', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(2);
  expect(res.stderr).toMatch(/config\.ini:7: \[managed\.7\] saas_authorization: SaaS authorization format is invalid/);
  expect(res.stderr).toMatch(/config\.ini:8: \[managed\.7\] local_inputs: local_inputs must be a JSON object/);
  expect(res.stderr).toMatch(/config\.ini:9: \[managed\.7\] test_run: "maybe" is not a boolean/);
  expect(cloud.requests).toEqual([]);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('SIGTERM: no further poll, the run in progress gets stop_grace, then is interrupted and Oomnitza is told; exit 0', async () => {
  const { spawn } = await import('node:child_process');
  const { repoRoot } = await import('../helpers/runCli.js');
  // The second page goes to a port where nothing listens: its retries (with backoff) keep the run going while the
  // signal arrives.
  saas = await startFakeSaas({ users: 3 });
  cloud = await startFakeManagedCloud({
    mappings: { '7': { USER: { type: 'attribute', value: 'id' } } },
    polls: [[{
      id: 7, name: 'Slow', type: 'users', update_only: 'False', insert_only: 'False',
      list_behavior: {
        http_method: 'GET', url: `{% if iteration == 0 %}${saas.url}/same/users{% else %}http://127.0.0.1:9/unreachable{% endif %}`,
        headers: [], params: [], result: '{{ list_response }}',
      },
      saas_authorization: { headers: { 'X-Api-Key': 'k-1234' } },
    }]],
  });
  const dir = tempDir({ 'config.ini': `${oomnitza()}stop_grace = 1\n` });
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'connector'), 'managed'], { cwd: dir, env: { ...process.env, NO_PROXY: '127.0.0.1' } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  // Signal once the run has asked for its first page.
  while (saas.requestsTo('/same/users').length === 0) await new Promise((r) => setTimeout(r, 20));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(stderr).toMatch(/SIGTERM received/);
  expect(stderr).toMatch(/\[managed\.7 "Slow"\].*\(stopped early: SIGTERM\)/);
  const told = [...cloud.uploads.map((u) => String(u.error)), ...cloud.readyPortions.map(([, b]) => String(b.error_message))];
  expect(told.some((t) => /^The connector was stopped \(SIGTERM\)/.test(t))).toBe(true);
  expect(cloud.calls('/api/v3/bulk/check_managed')).toHaveLength(1);
  fs.rmSync(dir, { recursive: true, force: true });
}, 30_000);
