/**
 * Start-up benchmark (not a test): runs `connector version`, `connector --help` and `upload --testmode` of a 5-row
 * CSV (with a sandboxed converter and filter) N times each, as separate processes, and prints the median, the
 * minimum and the peak RSS of each. Node's own start-up (`node -e 0`) is printed for scale: on a shared machine it
 * moves with the load as much as ours does.
 *
 *   npm run build && node dist/bench/startup.js [runs=10]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { runConnector } from './runConnector.js';

const runs = Number(process.argv[2] ?? 10);

const CONFIG = `[oomnitza]
url = http://127.0.0.1:9
api_token = not-used-in-testmode

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

function nodeAlone(): Promise<number> {
  return new Promise((resolve) => {
    const t = process.hrtime.bigint();
    spawn(process.execPath, ['-e', '0']).on('close', () => resolve(Number(process.hrtime.bigint() - t) / 1e6));
  });
}

function stats(ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  return `median ${sorted[Math.floor(sorted.length / 2)].toFixed(0)} ms, min ${sorted[0].toFixed(0)} ms`;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'connector-startup-'));
fs.writeFileSync(path.join(dir, 'config.ini'), CONFIG);
fs.writeFileSync(path.join(dir, 'data.csv'), `serial,name,status\n${Array.from({ length: 5 }, (_, i) => `SN${i},host-${i},${i ? 'active' : 'retired'}\n`).join('')}`);
// No server is needed: --testmode sends nothing, and without use_server_map nothing is asked of Oomnitza.
const cases: Array<[string, string[]]> = [
  ['connector version', ['version']],
  ['connector --help', ['--help']],
  ['upload --testmode, 5 rows, sandbox', ['upload', 'csv_assets', '--ini', 'config.ini', '--testmode']],
];
const base: number[] = [];
for (let i = 0; i < runs; i++) base.push(await nodeAlone());
console.log(`node -e 0: ${stats(base)}; load ${os.loadavg()[0].toFixed(2)}`);
for (const [name, args] of cases) {
  const ms: number[] = [];
  let peak = 0;
  let code = 0;
  for (let i = 0; i < runs; i++) {
    const r = await runConnector(args, dir);
    ms.push(r.seconds * 1000);
    peak = Math.max(peak, r.peakMb);
    code ||= r.code;
    if (r.code !== 0 && i === 0) process.stderr.write(r.stderr);
  }
  console.log(`${name}: ${stats(ms)}, peak RSS ${peak.toFixed(0)} MB, exit ${code}; load ${os.loadavg()[0].toFixed(2)}`);
}
fs.rmSync(dir, { recursive: true, force: true });
