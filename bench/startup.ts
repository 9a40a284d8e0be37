/**
 * Start-up benchmark (not a test): runs `connector version`, `connector --help` and `upload --testmode` of a 5-row
 * CSV (with a sandboxed converter and filter) N times each, as separate processes, and prints the median, the
 * minimum, the median CPU time (user + system, all threads: steadier than the wall clock on a shared machine) and
 * the peak RSS of each, and each median as a multiple of Node's own start-up (`node -e 0`, measured the same way in
 * the same minutes: on a shared machine it moves with the load as much as ours does). The upload talks to a local
 * fake Oomnitza (a testmode run still asks Oomnitza for a session; an unreachable one would add its retry delay).
 *
 *   npm run build && node dist/bench/startup.js [runs=10]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { startFakeOomnitza } from '../test/support/fakeOomnitza.js';
import { saveRow } from './results.js';
import { runConnector, type MeasuredRun } from './runConnector.js';

const runs = Number(process.argv[2] ?? 10);

const config = (url: string, token: string): string => `[oomnitza]
url = ${url}
api_token = ${token}

[csv_assets]
enable = True
filename = data.csv
sync_field = SERIAL_NUMBER
use_server_map = False
mapping.SERIAL_NUMBER = {"source": "serial", "required": true}
mapping.NAME = name
mapping.STATUS = {"source": "status", "converter": "status_label"}
recordfilter:
    return record.status !== "retired"

[converters]
status_label:
    return value === "active" ? "In use" : "Unknown"
`;

/** `node -e 0`, with the CPU time the process has used by its last statement (an empty script otherwise). */
function nodeAlone(): Promise<{ ms: number; cpuMs: number }> {
  return new Promise((resolve) => {
    const t = process.hrtime.bigint();
    const child = spawn(process.execPath, ['-e', 'const u = process.resourceUsage(); console.log(u.userCPUTime + u.systemCPUTime)'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', () => resolve({ ms: Number(process.hrtime.bigint() - t) / 1e6, cpuMs: Number(out) / 1000 }));
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const min = (xs: number[]): number => Math.min(...xs);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'connector-startup-'));
const oom = await startFakeOomnitza({ countOnly: true });
fs.writeFileSync(path.join(dir, 'config.ini'), config(oom.url, oom.token));
fs.writeFileSync(path.join(dir, 'data.csv'), `serial,name,status\n${Array.from({ length: 5 }, (_, i) => `SN${i},host-${i},${i ? 'active' : 'retired'}\n`).join('')}`);
const cases: Array<[key: string, name: string, targetMs: number, args: string[]]> = [
  ['startup.version', 'connector version', 150, ['version']],
  ['startup.help', 'connector --help', 150, ['--help']],
  ['startup.upload', 'upload --testmode, 5-row CSV, sandboxed converter + filter', 600, ['upload', 'csv_assets', '--ini', 'config.ini', '--testmode']],
];
// Interleaved (node, then each case, round after round), so that a change of load hits every figure alike.
const base: Array<{ ms: number; cpuMs: number }> = [];
const measured = new Map<string, MeasuredRun[]>(cases.map(([key]) => [key, []]));
for (let i = 0; i < runs; i++) {
  base.push(await nodeAlone());
  for (const [key, , , args] of cases) {
    const r = await runConnector(args, dir);
    if (r.code !== 0) process.stderr.write(r.stderr);
    measured.get(key)!.push(r);
  }
}
await oom.close();
fs.rmSync(dir, { recursive: true, force: true });
const nodeMs = median(base.map((b) => b.ms));
const nodeCpu = median(base.map((b) => b.cpuMs));
const load = os.loadavg()[0].toFixed(2);
console.log(`node -e 0: median ${nodeMs.toFixed(0)} ms (min ${min(base.map((b) => b.ms)).toFixed(0)}), CPU ${nodeCpu.toFixed(0)} ms; load ${load}`);
for (const [key, name, targetMs] of cases) {
  const rs = measured.get(key)!;
  const ms = median(rs.map((r) => r.seconds * 1000));
  const cpu = median(rs.map((r) => r.cpuMs ?? NaN));
  const peak = Math.max(...rs.map((r) => r.peakMb));
  const code = rs.find((r) => r.code !== 0)?.code ?? 0;
  console.log(`${name}: median ${ms.toFixed(0)} ms (min ${min(rs.map((r) => r.seconds * 1000)).toFixed(0)}) = ${(ms / nodeMs).toFixed(2)} x node -e 0, ` +
    `CPU ${cpu.toFixed(0)} ms = ${(cpu / nodeCpu).toFixed(2)} x node's, peak RSS ${peak.toFixed(0)} MB, exit ${code}; load ${load}`);
  saveRow({
    key, label: `${name}: wall clock (median of ${runs})`, value: Math.round(ms), unit: 'ms', target: { op: '<=', value: targetMs }, ideal: Math.round(nodeMs),
    cpuMs: Math.round(cpu), command: `node dist/bench/startup.js ${runs}`,
    note: `node -e 0: ${nodeMs.toFixed(0)} ms wall, ${nodeCpu.toFixed(0)} ms CPU; this: ${cpu.toFixed(0)} ms CPU (${(cpu / nodeCpu).toFixed(1)}x), peak RSS ${peak.toFixed(0)} MB`,
  });
}
