/**
 * Issue 19's upload workload, measured as CPU time per record (stable on a loaded machine) next to wall clock and
 * peak RSS: the original's kind of CSV config (15 columns; 2 custom JavaScript converters, a record filter,
 * built-in converters, server mappings), `upload csv_assets --workers 8`, batch 100, the fake Oomnitza in this
 * process. The CLI runs under /usr/bin/time: user+sys include its sandbox worker thread.
 *
 *   node dist/bench/cpu.js [rows=100000] [--latency 0] [--workers 8] [--repeat 1] [--node-arg --cpu-prof ...]
 *   --trace-memory: preload bench/memoryTrace.js, print the peaks of the main thread and the sandbox worker
 *   --stderr: print the CLI's stderr (its log and summary)
 *   --dump FILE: keep the bodies and write every pushed record (sorted JSON lines) to FILE, to compare two builds
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFakeOomnitza } from '../test/support/fakeOomnitza.js';
import { writeBenchCsv } from './benchCsv.js';
import { summariseTrace } from './memoryTrace.js';
import { rowsLabel, saveRow } from './results.js';
import { launcher, root } from './runConnector.js';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
const rows = Number(argv.find((a, i) => /^\d+$/.test(a) && !argv[i - 1]?.startsWith('--')) ?? 100_000);
const latency = Number(opt('--latency', '0'));
const workers = Number(opt('--workers', '8'));
const repeat = Number(opt('--repeat', '1'));
const dump = argv.includes('--dump') ? opt('--dump', '') : undefined;
/** Columns beyond the 5 mapped ones (BENCH_EXTRA_COLUMNS, default 10: 15 in all). */
const EXTRA = Number(process.env.BENCH_EXTRA_COLUMNS ?? 10);
const traceMemory = argv.includes('--trace-memory');
const nodeArgs = [
  ...argv.flatMap((a, i) => (argv[i - 1] === '--node-arg' ? [a] : [])),
  ...(traceMemory ? ['--import', path.join(root, 'dist/bench/memoryTrace.js')] : []),
];


function config(url: string, token: string): string {
  return `[oomnitza]
url = ${url}
api_token = ${token}

[csv_assets]
enable = True
filename = data.csv
sync_field = SERIAL_NUMBER
batch_size = 100
mapping.SERIAL_NUMBER = {"source": "serial", "required": true}
mapping.NAME = {"source": "name", "converter": "split:on=-|index=0"}
mapping.MODEL = {"source": "model", "converter": "capitalize"}
mapping.ASSIGNED_TO = {"source": "owner", "converter": "mail_user"}
mapping.STATUS = {"source": "status", "converter": "status_label"}
mapping.DESCRIPTION = {"hardcoded": "from csv"}
recordfilter:
    return record.status !== "retired"

[converters]
status_label:
    return value === "active" ? "In use" : "Unknown"
mail_user:
    return String(value).split("@")[0]
`;
}

interface Measured {
  user: number;
  sys: number;
  rssMb: number;
  wall: number;
  code: number;
  stderr: string;
}

function timed(args: string[], cwd: string): Promise<Measured> {
  return new Promise((resolve) => {
    const timeFile = path.join(cwd, 'time.txt');
    const child = spawn('/usr/bin/time', ['-o', timeFile, '-f', '%U %S %M %e', process.execPath, ...launcher().flags, ...nodeArgs, path.join(root, 'bin/connector'), ...args], {
      cwd,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...launcher().env, NO_PROXY: '127.0.0.1', ...(traceMemory ? { CONNECTOR_MEMORY_TRACE: path.join(cwd, 'memory.txt') } : {}) },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      const [user, sys, rssKb, wall] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
      resolve({ user, sys, rssMb: rssKb / 1024, wall, code: code ?? -1, stderr });
    });
  });
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'connector-cpu-'));
const runs: Measured[] = [];
writeBenchCsv(path.join(dir, 'data.csv'), rows, EXTRA);
for (let round = 0; round < repeat; round++) {
  const oom = await startFakeOomnitza({
    bulkLatencyMs: latency,
    countOnly: dump === undefined,
    mappings: { CSV_assets: { col5: 'BARCODE', col6: ['NOTES', 'LOCATION'] } },
  });
  fs.writeFileSync(path.join(dir, 'config.ini'), config(oom.url, oom.token));
  const load = os.loadavg()[0];
  const serverCpu = process.cpuUsage();
  const r = await timed(['upload', 'csv_assets', '--ini', 'config.ini', '--workers', String(workers)], dir);
  const server = process.cpuUsage(serverCpu);
  const pushed = oom.recordCount;
  if (dump !== undefined) {
    const lines = oom.records().map((rec) => JSON.stringify(rec)).sort();
    fs.writeFileSync(dump, `${lines.join('\n')}\n`);
    console.log(`dumped ${lines.length} records to ${dump}, sha256 ${crypto.createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16)}`);
  }
  await oom.close();
  if (r.code !== 0 || argv.includes('--stderr')) process.stderr.write(r.stderr);
  const summary = /pulled[^\n]*/.exec(r.stderr)?.[0] ?? '';
  const cpu = r.user + r.sys;
  console.log(
    `rows=${rows} latency=${latency}ms workers=${workers}: CLI user ${r.user.toFixed(2)} s sys ${r.sys.toFixed(2)} s = ` +
      `${((cpu * 1e6) / rows).toFixed(1)} µs/record; fake server ${((server.user + server.system) / 1e6).toFixed(2)} s; peak RSS ${r.rssMb.toFixed(0)} MB; ` +
      `wall ${r.wall.toFixed(2)} s = ${Math.round(rows / r.wall)} records/s; pushed ${pushed}; exit ${r.code}; load before ${load.toFixed(2)} after ${os.loadavg()[0].toFixed(2)}`,
  );
  if (summary) console.log(`  ${summary}`);
  if (r.code === 0) runs.push(r);
  if (traceMemory) {
    process.stdout.write(summariseTrace(fs.readFileSync(path.join(dir, 'memory.txt'), 'utf8')));
    fs.rmSync(path.join(dir, 'memory.txt'));
  }
}
fs.rmSync(dir, { recursive: true, force: true });
if (workers === 8 && runs.length === repeat) saveRows();

/**
 * Issue 19's rows for its own workload (bench/table.ts): the median run's records/s over the CLI's wall time (rows /
 * wall clock, Node's start-up included) and the highest peak RSS of the runs. Only when every run exited 0 (every record pushed or filtered).
 */
function saveRows(): void {
  const median = [...runs].sort((a, b) => a.wall - b.wall)[Math.floor(runs.length / 2)];
  const rowsText = rowsLabel(rows);
  const what = `issue 19's workload (2 custom converters, a filter, server mappings) ${rowsText} rows, ${latency} ms, ${workers} workers`;
  const command = `node dist/bench/cpu.js ${rows} --latency ${latency} --repeat ${repeat}`;
  const cpuMs = (median.user + median.sys) * 1000;
  const note = `median of ${repeat} (${runs.map((r) => Math.round(rows / r.wall).toLocaleString('en-US')).join(', ')} records/s)`;
  const key = `cpu.${rowsText}.${latency}ms.${workers}w`;
  saveRow({ key: `${key}.rate`, label: `${what}: records/s over wall time`, value: Math.round(rows / median.wall), unit: 'records/s',
    target: { op: '>=', value: latency ? 36_000 : 40_000 }, ideal: 40_000, cpuMs, command, note });
  saveRow({ key: `${key}.rss`, label: `${what}: peak RSS (highest run)`, value: Math.round(Math.max(...runs.map((r) => r.rssMb))), unit: 'MB',
    target: { op: '<=', value: 120 }, ideal: 120, cpuMs, command, note });
}
