/**
 * Webhook server benchmark (not a test): the built CLI runs `connector serve --workers 8` against the fake Jamf
 * (5 ms per detail request) and the fake Oomnitza; C concurrent senders post N Jamf webhooks naming D distinct
 * computers (so repeats coalesce), retrying 503s like Jamf. Prints accepted webhooks/s, response latency
 * percentiles, the time until every device reached Oomnitza, Jamf fetches made, and the server's peak RSS.
 *
 *   npm run build && node dist/bench/webhooks.js [events=20000] [devices=2000] [senders=32]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeJamf } from '../test/support/fakeJamf.js';
import { startFakeOomnitza } from '../test/support/fakeOomnitza.js';
import { tempDir } from '../test/helpers/runCli.js';
import { launcher } from './runConnector.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const [events = 20_000, devices = 2_000, senders = 32] = process.argv.slice(2).map(Number);

function body(id: number, i: number): string {
  const event = i % 2 ? 'ComputerCheckIn' : 'ComputerInventoryCompleted';
  return JSON.stringify({ webhook: { id: 1, name: 'bench', webhookEvent: event, eventTimestamp: Date.now() }, event: { jssID: id, udid: `U${id}` } });
}

function peakRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

async function main(): Promise<void> {
  const oom = await startFakeOomnitza({ countOnly: true });
  const jamf = await startFakeJamf({ computers: devices });
  const dir = tempDir({
    'config.ini': `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n[casper]\nenable = True\nurl = ${jamf.url}\n` +
      'client_id = client-abc\nclient_secret = client-s3cret-value\nsync_field = SERIAL_NUMBER\n' +
      'mapping.SERIAL_NUMBER = general.serial_number\nmapping.MODEL = hardware.model\n',
  });
  const child = spawn(process.execPath, [...launcher().flags, path.join(root, 'bin', 'connector'), 'serve', '--ini', 'config.ini', '--port', '0', '--workers', '8'], {
    cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...launcher().env },
  });
  let log = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      log += d.toString();
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(log);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${log}`)));
  });
  const url = `http://127.0.0.1:${port}/hooks/casper`;

  const latencies: number[] = [];
  let refused = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: senders }, async () => {
    for (let i = next++; i < events; i = next++) {
      for (;;) {
        const t = performance.now();
        const res = await fetch(url, { method: 'POST', body: body((i % devices) + 1, i) });
        await res.arrayBuffer();
        latencies.push(performance.now() - t);
        if (res.status === 204) break;
        if (res.status !== 503) throw new Error(`unexpected ${res.status}`);
        refused++;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }));
  const acceptedAt = performance.now();
  const health = async () => (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { waiting: number; fetching: number; queued: number; sections: { casper: { fetched: number; pushed: number } } };
  for (;;) {
    const h = await health();
    if (h.waiting === 0 && h.fetching === 0 && h.sections.casper.pushed === h.sections.casper.fetched && h.sections.casper.pushed >= devices) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const doneAt = performance.now();
  const rss = peakRssMb(child.pid!);
  const fetches = jamf.requests.filter((r) => r.path.includes('/computers/id/')).length;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(1);
  console.log(`${events} webhooks for ${devices} computers, ${senders} senders, --workers 8`);
  console.log(`  accepted: ${Math.round(events / ((acceptedAt - started) / 1000))} webhooks/s; latency p50 ${pct(50)} ms, p99 ${pct(99)} ms; ${refused} answered 503 (retried)`);
  console.log(`  every device in Oomnitza after ${((doneAt - started) / 1000).toFixed(1)} s; ${fetches} Jamf detail fetches; ${oom.recordCount} records pushed`);
  console.log(`  server peak RSS ${rss} MB`);
  await Promise.all([oom.close(), jamf.close()]);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
