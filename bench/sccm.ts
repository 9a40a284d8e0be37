/**
 * Benchmark: read N computers x S software rows from the TDS test server through the `sccm` source and
 * report throughput, round trips (queries the server received) and heap use sampled during the read.
 * The server runs in a child process so its own allocations do not blur the connector's memory curve.
 *
 *   node --expose-gc dist/bench/sccm.js [computers=50000] [softwarePerComputer=40] [--no-e2e] [--trace-memory]
 *
 * Then the real CLI reads the same database end to end (`upload sccm` to the fake Oomnitza): its peak RSS, and with
 * --trace-memory its main thread's heap at the peak (bench/memoryTrace.ts).
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getLogger } from '../src/logging.js';
import { sccm } from '../src/sources/sccm/index.js';
import type { HttpClient } from '../src/http/client.js';
import { startTdsServer } from '../test/support/tds/server.js';
import { syntheticSccm } from '../test/support/tds/synthetic.js';
import { startFakeOomnitza } from '../test/support/fakeOomnitza.js';
import { saveRow } from './results.js';
import { summariseTrace } from './memoryTrace.js';
import { runConnector } from './runConnector.js';

interface ServerReady {
  port: number;
}
interface ServerStats {
  queries: string[];
  logins: number;
}

async function serve(computers: number, software: number): Promise<void> {
  const server = await startTdsServer({ databases: [syntheticSccm(computers, software)], logins: { oomnitza: 'bench-Passw0rd' } });
  process.send?.({ port: server.port } satisfies ServerReady);
  process.on('message', (m) => {
    if (m === 'stats') process.send?.({ queries: server.queries, logins: server.logins.length } satisfies ServerStats);
    if (m === 'stop') void server.close().then(() => process.exit(0));
  });
}

function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve) => child.once('message', (m) => resolve(m as T)));
}

const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;

async function main(): Promise<void> {
  const computers = Number(process.argv[2] ?? 50_000);
  const software = Number(process.argv[3] ?? 40);
  const child = fork(fileURLToPath(import.meta.url), ['serve', String(computers), String(software)]);
  const { port } = await nextMessage<ServerReady>(child);
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const baseline = process.memoryUsage().heapUsed;
  const abort = new AbortController();
  const source = sccm.create(
    {
      ...Object.fromEntries(Object.entries(sccm.settings).map(([k, s]) => [k, s.default])),
      server: `127.0.0.1,${port}`,
      username: 'oomnitza',
      password: 'bench-Passw0rd',
      encrypt: false,
    } as Parameters<typeof sccm.create>[0],
    {
      section: 'sccm',
      log: getLogger('bench/sccm'),
      signal: abort.signal,
      tls: { verify: true },
      http: {} as HttpClient,
      configDir: process.cwd(),
      concurrency: 4,
      reportFailure: () => undefined,
    },
  );
  const started = Date.now();
  let records = 0;
  let softwareRows = 0;
  let peak = 0;
  const samples: number[] = [];
  for await (const record of source.read({ fields: [], allFields: true })) {
    records++;
    softwareRows += (record.software as unknown[]).length;
    if (records % 5000 === 0) {
      gc?.();
      const used = process.memoryUsage().heapUsed - baseline;
      samples.push(used);
      peak = Math.max(peak, used);
    }
  }
  const seconds = (Date.now() - started) / 1000;
  child.send('stats');
  const stats = await nextMessage<ServerStats>(child);
  console.log(`sccm bench: ${records} computers, ${softwareRows} software entries in ${seconds.toFixed(1)} s ` +
    `(${Math.round(records / seconds)} computers/s, ${Math.round(softwareRows / seconds)} software rows/s)`);
  console.log(`round trips: ${stats.queries.length} queries over ${stats.logins} logins`);
  console.log(`heap above baseline every 5000 computers${gc ? ' (after gc)' : ' (run with --expose-gc for stable numbers)'}: ` +
    samples.map(mb).join(', '));
  console.log(`peak ${mb(peak)}; rss ${mb(process.memoryUsage().rss)}`);
  if (!process.argv.includes('--no-e2e')) await endToEnd(port, computers, software);
  child.send('stop');
}

/** The real CLI (`connector upload sccm`) reads the same database and pushes it to the fake Oomnitza: its peak RSS. */
async function endToEnd(port: number, computers: number, software: number): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'connector-bench-sccm-'));
  const oom = await startFakeOomnitza({ countOnly: true });
  try {
    fs.writeFileSync(
      path.join(dir, 'config.ini'),
      `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n[sccm]\nenable = True\nserver = 127.0.0.1,${port}\nusername = oomnitza\n` +
        'password = bench-Passw0rd\nencrypt = False\nsync_field = SERIAL_NUMBER\nuse_server_map = False\nbatch_size = 100\n' +
        'mapping.SERIAL_NUMBER = {"source": "hardware.serial_number", "required": true}\nmapping.NAME = hardware.computer_name\n' +
        'mapping.MODEL = hardware.model\nmapping.LAST_LOGON = hardware.last_logon\n',
    );
    const trace = process.argv.includes('--trace-memory') ? path.join(dir, 'memory.txt') : undefined;
    const r = await runConnector(['upload', 'sccm', '--ini', 'config.ini', '--workers', '4'], dir, { trace });
    if (trace) process.stdout.write(summariseTrace(fs.readFileSync(trace, 'utf8')));
    if (r.code !== 0) process.stderr.write(r.stderr);
    console.log(
      `end to end (CLI, 4 workers): ${computers} computers x ${software} software rows, ${oom.recordCount} pushed in ${r.seconds.toFixed(2)} s = ` +
        `${Math.round(oom.recordCount / r.seconds)} records/s incl. start-up, exit ${r.code}, peak RSS ${r.peakMb.toFixed(0)} MB, CPU ${((r.cpuMs ?? NaN) / 1000).toFixed(1)} s; ` +
        `load ${os.loadavg()[0].toFixed(2)}`,
    );
    saveRow({
      key: 'sccm.50k.rss', label: `SCCM ${computers} computers x ${software} software, CLI end to end: peak RSS`, value: Math.round(r.peakMb), unit: 'MB',
      target: { op: '<=', value: 150 }, ideal: 150, cpuMs: r.cpuMs, command: `node --expose-gc dist/bench/sccm.js ${computers} ${software}`,
      note: `${oom.recordCount} pushed, ${Math.round(oom.recordCount / r.seconds)} records/s, exit ${r.code}`,
    });
  } finally {
    await oom.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'serve') void serve(Number(process.argv[3]), Number(process.argv[4]));
else void main();
