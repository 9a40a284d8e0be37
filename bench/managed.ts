/**
 * Managed-mode benchmark (not a test): one integration of N items (default 10,000), 100 per list page, a detail
 * call per item, every SaaS request answered after 20 ms; `connector managed --once --workers 8` through the real
 * CLI against the fake Oomnitza cloud. Prints the wall clock, items/s and the CLI's peak RSS. The original makes one
 * request at a time: 10,000 x 20 ms = over 200 s for the detail calls alone.
 *
 *   npm run build && node dist/bench/managed.js [items=10000] [workers=8] [latencyMs=20]
 *
 * Also prints the CLI's CPU time (user+sys of all its threads, from /proc: the figure to compare on a loaded machine)
 * and how many requests the SaaS held on average (8 at --workers 8 is the ideal).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { startFakeManagedCloud } from '../test/support/fakeManagedCloud.js';
import { summariseTrace } from './memoryTrace.js';
import { runConnector } from './runConnector.js';

const [items = 10_000, workers = 8, latency = 20] = process.argv.slice(2).map(Number);
const PAGE = 100;

async function startSaas(): Promise<{ url: string; requests: () => number; inFlight: () => { average: number; seconds: number }; close: () => Promise<void> }> {
  let requests = 0;
  // Time-weighted number of requests the SaaS holds (arrival to reply): how close the run keeps `workers` in flight.
  let held = 0;
  let heldSince = 0;
  let heldArea = 0;
  let first = 0;
  let last = 0;
  const tick = (delta: number) => {
    const now = performance.now();
    if (held > 0) heldArea += held * (now - heldSince);
    heldSince = now;
    held += delta;
    first ||= now;
    last = now;
  };
  const server = http.createServer((req, res) => {
    requests++;
    tick(1);
    res.on('finish', () => tick(-1));
    const url = new URL(req.url ?? '/', 'http://x');
    setTimeout(() => {
      res.setHeader('Content-Type', 'application/json');
      const detail = /^\/items\/(\d+)$/.exec(url.pathname);
      if (detail) {
        const n = Number(detail[1]);
        return res.end(JSON.stringify({ id: n, serial: `SN${n}`, model: `Model ${n % 50}`, owner: `user${n}@example.com`, os: { name: 'macOS', version: '14.2' } }));
      }
      const page = Number(url.searchParams.get('page') ?? 0);
      const list = Array.from({ length: Math.max(0, Math.min(PAGE, items - page * PAGE)) }, (_, i) => ({ id: page * PAGE + i + 1 }));
      res.end(JSON.stringify({ items: list }));
    }, latency);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    inFlight: () => ({ average: heldArea / (last - first), seconds: (last - first) / 1000 }),
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

const saas = await startSaas();
const cloud = await startFakeManagedCloud({
  countOnly: true,
  mappings: process.env.BENCH_NO_MAPPINGS ? {} : {
    '7': {
      SERIAL_NUMBER: { type: 'attribute', value: 'serial' },
      MODEL: { type: 'attribute', value: 'model' },
      ASSIGNED_TO: { type: 'attribute', value: 'owner' },
      OS_VERSION: { type: 'attribute', value: "{{ os['version'] }}" },
    },
  },
  polls: [[{
    id: 7, name: 'Bench devices', type: 'assets', update_only: 'False', insert_only: 'False', sync_field: 'SERIAL_NUMBER',
    inputs: { base_url: { value: saas.url } },
    list_behavior: {
      http_method: 'GET', url: '{{ inputs.base_url }}/items', headers: [], params: [{ key: 'page', value: '{{ iteration }}' }],
      result: "{{ list_response['items'] }}",
    },
    detail_behavior: { http_method: 'GET', url: "{{ inputs.base_url }}/items/{{ list_response_item['id'] }}", headers: [], params: [], result: '{{ detail_response }}' },
    saas_authorization: { headers: { 'X-Api-Key': 'bench' } },
  }]],
});
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-managed-'));
fs.writeFileSync(path.join(dir, 'config.ini'), `[oomnitza]\nurl = ${cloud.url}\napi_token = ${cloud.token}\n`);
// BENCH_CPU_PROF=<dir>: a V8 CPU profile per thread of the CLI there; BENCH_TRACE_MEMORY=1: peak memory per thread.
const trace = process.env.BENCH_TRACE_MEMORY ? path.join(dir, 'memory.trace') : undefined;
const run = await runConnector(['managed', '--once', '--workers', String(workers)], dir, {
  ...(process.env.BENCH_CPU_PROF ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] } : {}),
  ...(trace ? { trace } : {}),
});
const summary = /\[managed\.7[^\n]*/.exec(run.stderr)?.[0] ?? run.stderr.slice(-2000);
console.log(`managed: ${items} items, a detail call each, ${latency} ms SaaS latency, --workers ${workers}`);
console.log(`  exit ${run.code}; ${run.seconds.toFixed(1)} s wall clock (Node start-up included); ${Math.round(items / run.seconds)} items/s; peak RSS ${run.peakMb.toFixed(0)} MB`);
console.log(`  CPU ${run.cpu.total.toFixed(2)} s (user+sys, all threads) = ${((run.cpu.total * 1e6) / items).toFixed(0)} µs per item; main thread ${run.cpu.main.toFixed(2)} s, busiest other thread ${run.cpu.busiestOther.toFixed(2)} s; load ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
console.log(`  SaaS requests ${saas.requests()}, first to last ${saas.inFlight().seconds.toFixed(1)} s, ${saas.inFlight().average.toFixed(2)} held by the SaaS on average; uploads ${cloud.uploadCount}, records ${cloud.recordCount}; ideal at ${workers} in flight: ${(((items + items / PAGE) * latency) / workers / 1000).toFixed(1)} s`);
console.log(`  ${summary}`);
if (trace && fs.existsSync(trace)) process.stdout.write(summariseTrace(fs.readFileSync(trace, 'utf8')));
await Promise.all([saas.close(), cloud.close()]);
fs.rmSync(dir, { recursive: true, force: true });
