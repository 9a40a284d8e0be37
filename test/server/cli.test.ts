/** `connector serve` as an admin runs it: the built CLI, a real SIGTERM, the log lines it writes. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { repoRoot, tempDir } from '../helpers/runCli.js';
import { startFakeJamf, type FakeJamf } from '../support/fakeJamf.js';
import { startFakeOomnitza, type FakeOomnitza } from '../support/fakeOomnitza.js';
import { iniFor, webhook } from './harness.js';

let oom: FakeOomnitza;
let jamf: FakeJamf;
let child: ChildProcess | undefined;
beforeEach(async () => {
  oom = await startFakeOomnitza();
  jamf = await startFakeJamf({ computers: 5, mobileDevices: 5 });
});
afterEach(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await Promise.all([oom.close(), jamf.close()]);
});

const TOKEN = 'cli-webhook-token-8e1f3a';

interface Running {
  port: number;
  exited: Promise<number | null>;
  output(): { stdout: string; stderr: string };
}

/** Spawns `connector serve --port 0 ...` in `dir` and waits for its "listening on" line. */
async function startServe(dir: string, extraArgs: string[] = []): Promise<Running> {
  const proc = spawn(process.execPath, [path.join(repoRoot, 'bin', 'connector'), 'serve', '--ini', 'config.ini', '--port', '0', ...extraArgs], {
    cwd: dir, env: { ...process.env, NO_PROXY: '127.0.0.1,localhost' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  let stderr = '';
  let stdout = '';
  proc.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    proc.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
      if (m) resolve(Number(m[1]));
    });
    void exited.then((code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
  return { port, exited, output: () => ({ stdout, stderr }) };
}

test('serve --port 0 logs its address, ignores unknown events with a log line, drains on SIGTERM and exits 0', async () => {
  const dir = tempDir({ 'config.ini': iniFor(oom, jamf, { casper: `webhook_token = ${TOKEN}` }) });
  const server = await startServe(dir);
  const { port, exited } = server;
  const post = async (p: string, body: string, headers: Record<string, string> = {}) =>
    (await fetch(`http://127.0.0.1:${port}${p}`, { method: 'POST', body, headers })).status;

  expect(await post('/hooks/casper', webhook('ComputerAdded', 1), { 'X-Webhook-Token': 'not-the-token' })).toBe(401);
  expect(await post('/hooks/casper', JSON.stringify({ webhook: { webhookEvent: 'SmartGroupComputerMembershipChange' }, event: {} }), { 'X-Webhook-Token': TOKEN })).toBe(204);
  for (const id of [1, 2]) expect(await post('/hooks/casper', webhook('ComputerCheckIn', id, { nested: true }), { 'X-Webhook-Token': TOKEN })).toBe(204);
  expect(await post('/hooks/casper.MDM', webhook('MobileDeviceCheckIn', 5))).toBe(204);

  // The defaults wait 1 s to coalesce and 2 s to batch; SIGTERM must not wait for them, nor lose the devices.
  child!.kill('SIGTERM');
  expect(await exited).toBe(0);
  const { stdout, stderr } = server.output();
  expect(oom.records('Casper').map((r) => r.SERIAL_NUMBER).sort()).toEqual(['C02X000001', 'C02X000002']);
  expect(oom.records('Casper.MDM').map((r) => r.SERIAL_NUMBER)).toEqual(['F17X000005']);
  expect(stderr).toMatch(/\[casper\] ignored webhook event "SmartGroupComputerMembershipChange"/);
  expect(stderr).toMatch(/\[casper\] webhook from \S+ refused: wrong webhook credentials/);
  expect(stderr).toMatch(/stopped: 4 webhook\(s\) received, 0 coalesced, 0 refused \(queue full\), 1 ignored; 3 device\(s\) pushed, 0 failed/);
  expect(stderr + stdout).not.toContain(TOKEN);
  expect(stderr + stdout).not.toContain('client-s3cret-value');
}, 30_000);

test('SIGTERM while Jamf hangs: serve --drain-timeout 1 exits 1 within it (plus the 2 s exit grace), naming what it lost', async () => {
  const dir = tempDir({ 'config.ini': iniFor(oom, jamf) });
  const server = await startServe(dir, ['--drain-timeout', '1', '--workers', '1']);
  const base = `http://127.0.0.1:${server.port}`;
  expect((await fetch(`${base}/casper`, { method: 'POST', body: webhook('ComputerAdded', 1) })).status).toBe(204);
  const synced = Date.now() + 10_000;
  while (oom.records('Casper').length === 0 && Date.now() < synced) await new Promise((r) => setTimeout(r, 20));
  jamf.stall();
  for (const id of [2, 3]) expect((await fetch(`${base}/casper`, { method: 'POST', body: webhook('ComputerAdded', id) })).status).toBe(204);
  const started = Date.now();
  child!.kill('SIGTERM');
  expect(await server.exited).toBe(1);
  expect(Date.now() - started).toBeLessThan(1_000 + 2_000 + 1_000);
  const { stderr } = server.output();
  expect(stderr).toMatch(/ERROR server: stopped: .*1 device\(s\) pushed, 0 failed, (1 dropped \(still queued\), 1 not sent|0 dropped \(still queued\), 2 not sent).*--drain-timeout of 1 s ran out.*not synced: computer [23], computer [23]/);
}, 30_000);

test('serve --testmode prints the payloads and sends nothing', async () => {
  const dir = tempDir({ 'config.ini': iniFor(oom, jamf) });
  const server = await startServe(dir, ['--testmode']);
  const status = (await fetch(`http://127.0.0.1:${server.port}/casper`, { method: 'POST', body: webhook('ComputerAdded', 3) })).status;
  expect(status).toBe(204);
  child!.kill('SIGTERM');
  expect(await server.exited).toBe(0);
  const { stdout, stderr } = server.output();
  expect(stdout).toContain('"SERIAL_NUMBER": "C02X000003"');
  expect(stdout).toContain('"connector_name": "Casper"');
  expect(oom.bulkRequests).toHaveLength(0);
  expect(stderr).toMatch(/printed \(testmode\) 1/);
}, 30_000);

test('serve with no enabled [casper] section is a configuration error (exit 2)', async () => {
  const dir = tempDir({ 'config.ini': `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n[casper]\nenable = False\nurl = ${jamf.url}\n` });
  child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'connector'), 'serve', '--ini', 'config.ini', '--port', '0'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child!.once('exit', resolve));
  expect(code).toBe(2);
  expect(stderr).toMatch(/configuration error: .*no enabled \[casper\] section/);
});
