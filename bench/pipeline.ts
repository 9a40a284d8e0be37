/**
 * Pipeline benchmark (not a test): N CSV rows of 15 columns, 5 mappings, 1 built-in converter, 1 custom
 * converter and 1 record filter, pushed by the real CLI to the fake Oomnitza with 0 ms and 20 ms of added
 * latency per bulk request, with 2 and 8 workers. Prints records/s and the CLI's peak RSS for each case,
 * then the transform stage alone (built-in converters only; with the sandboxed converter and filter).
 *
 *   npm run build && node dist/bench/pipeline.js [rows=100000] [--big]   (--big adds a 1,000,000-row run)
 *   node dist/bench/pipeline.js 100000 --case 0:8 --case 20:8 --repeat 2 --no-transform   (only these latency:workers cases)
 *   --trace-memory: the CLI samples process.memoryUsage() of its main thread and of the sandbox worker (bench/memoryTrace.ts)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getLogger } from '../src/logging.js';
import { Transformer } from '../src/pipeline/transform.js';
import { createSandbox } from '../src/sandbox/sandbox.js';
import { startFakeOomnitza } from '../test/support/fakeOomnitza.js';
import { writeBenchCsv } from './benchCsv.js';
import { summariseTrace } from './memoryTrace.js';
import { rowsLabel, saveRow } from './results.js';
import { runConnector } from './runConnector.js';

const rows = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 100_000);
const big = process.argv.includes('--big');
const cases = process.argv.flatMap((a, i) => (process.argv[i - 1] === '--case' ? [a.split(':').map(Number) as [number, number]] : []));
const repeat = Number(process.argv[process.argv.indexOf('--repeat') + 1] ?? 1) || 1;
const traceMemory = process.argv.includes('--trace-memory');
const BATCH = 100;


function config(url: string, token: string): string {
  return `[oomnitza]
url = ${url}
api_token = ${token}

[csv_assets]
enable = True
filename = data.csv
sync_field = SERIAL_NUMBER
batch_size = ${BATCH}
mapping.SERIAL_NUMBER = {"source": "serial", "required": true}
mapping.NAME = name
mapping.MODEL = {"source": "model", "converter": "capitalize"}
mapping.ASSIGNED_TO = owner
mapping.STATUS = {"source": "status", "converter": "status_label"}
recordfilter:
    return record.status !== "retired"

[converters]
status_label:
    return value === "active" ? "In use" : "Unknown"
`;
}

async function runCli(dir: string, workers: number): Promise<{ seconds: number; runSeconds: number; peakMb: number; code: number; cpuMs?: number }> {
  const r = await runConnector(['upload', 'csv_assets', '--ini', 'config.ini', '--workers', String(workers)], dir, traceMemory ? { trace: path.join(dir, 'memory.txt') } : {});
  if (traceMemory) {
    process.stdout.write(summariseTrace(fs.readFileSync(path.join(dir, 'memory.txt'), 'utf8')));
    fs.rmSync(path.join(dir, 'memory.txt'));
  }
  if (r.code !== 0) process.stderr.write(r.stderr);
  // The run's own duration from its summary line (reading to finalize), without Node's start-up.
  const runSeconds = Number(/failed \d+, ([\d.]+) s,/.exec(r.stderr)?.[1] ?? NaN);
  return { ...r, runSeconds };
}

async function endToEnd(n: number, runs: Array<[number, number]>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'connector-bench-'));
  writeBenchCsv(path.join(dir, 'data.csv'), n);
  for (let round = 0; round < repeat; round++) {
    for (const [latency, workers] of runs) {
      const oom = await startFakeOomnitza({ bulkLatencyMs: latency, countOnly: true });
      fs.writeFileSync(path.join(dir, 'config.ini'), config(oom.url, oom.token));
      const r = await runCli(dir, workers);
      const pushed = oom.recordCount;
      await oom.close();
      const rate = Math.round(n / r.seconds);
      const pushRate = Math.round(pushed / r.runSeconds);
      const ideal = latency ? Math.round((workers * BATCH) / (latency / 1000)) : undefined;
      console.log(
        `e2e rows=${n} latency=${latency}ms workers=${workers}: ${rate} records/s wall clock incl. Node start-up; ` +
          `${pushRate} pushed records/s over the run (pulled ${n}, pushed ${pushed}, exit ${r.code})` +
          `${ideal ? `; ideal ${ideal}/s, ${Math.round((100 * pushRate) / ideal)}% of it` : ''}; peak RSS ${r.peakMb.toFixed(0)} MB; ` +
          `load ${os.loadavg()[0].toFixed(2)}`,
      );
      if (workers === 8) saveRows(n, latency, workers, rate, r);
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Issue 19's rows for this case (bench/table.ts): records/s over the process's wall time, and peak RSS. */
function saveRows(n: number, latency: number, workers: number, rate: number, r: { peakMb: number; cpuMs?: number; code: number }): void {
  const rows = rowsLabel(n);
  const key = `pipeline.${rows}.${latency}ms.${workers}w`;
  const what = `pipeline ${rows} rows, ${latency} ms, ${workers} workers`;
  const command = `node dist/bench/pipeline.js ${n} --no-transform --case ${latency}:${workers}`;
  const note = `exit ${r.code}, load ${os.loadavg()[0].toFixed(1)}`;
  saveRow({ key: `${key}.rate`, label: `${what}: records/s over wall time`, value: rate, unit: 'records/s',
    target: { op: '>=', value: latency ? 36_000 : 40_000 }, ideal: 40_000, cpuMs: r.cpuMs, command, note });
  saveRow({ key: `${key}.rss`, label: `${what}: peak RSS`, value: Math.round(r.peakMb), unit: 'MB', target: { op: '<=', value: 120 }, ideal: 120, cpuMs: r.cpuMs, command, note });
}

async function transformOnly(n: number): Promise<void> {
  const records = Array.from({ length: 1000 }, (_, i) => {
    const r: Record<string, unknown> = { serial: `SN${i}`, name: `host-${i}`, status: i % 10 ? 'active' : 'retired', model: `model ${i}`, owner: `u${i}@x` };
    for (let c = 5; c < 15; c++) r[`col${c}`] = `v${c}-${i}`;
    return r;
  });
  const log = getLogger('bench');
  const mappings = {
    SERIAL_NUMBER: { source: 'serial', required: true },
    NAME: { source: 'name' },
    MODEL: { source: 'model', converter: 'capitalize' },
    ASSIGNED_TO: { source: 'owner' },
    STATUS: { source: 'status', converter: 'split:index=0' },
  };
  const builtin = new Transformer({ mappings, settingText: {}, log });
  let t = process.hrtime.bigint();
  for (let done = 0; done < n; done += records.length) await builtin.transform(records);
  console.log(`transform, built-in converters only: ${Math.round(n / (Number(process.hrtime.bigint() - t) / 1e9))} records/s`);

  const sandbox = await createSandbox([
    { name: 'status_label', kind: 'converter', code: 'return value === "active" ? "In use" : "Unknown"' },
    { name: 'recordfilter', kind: 'filter', code: 'return record.status !== "retired"' },
  ]);
  const custom = new Transformer({
    mappings: { ...mappings, STATUS: { source: 'status', converter: 'status_label' } },
    settingText: {},
    log,
    sandbox,
    filter: 'recordfilter',
  });
  t = process.hrtime.bigint();
  for (let done = 0; done < n; done += records.length) await custom.transform(records);
  console.log(`transform, + 1 custom converter + 1 filter in the sandbox: ${Math.round(n / (Number(process.hrtime.bigint() - t) / 1e9))} records/s`);
  await sandbox.close();
}

if (!process.argv.includes('--no-transform')) await transformOnly(rows);
await endToEnd(rows, cases.length ? cases : [[0, 2], [0, 8], [20, 2], [20, 8]]);
if (big) await endToEnd(1_000_000, cases.length ? cases : [[0, 8]]);
