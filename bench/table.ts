/**
 * Issue 19's table: each case's measured value, its target, the ratio to the ideal and to the last release
 * (bench/baseline.json), and the machine it ran on.
 *
 *   npm run bench                  build, run the benches below, print the table
 *   npm run bench -- --big         the same plus the 1,000,000-row pipeline run
 *   node dist/bench/table.js       print the table of the last run again (bench/out/results.jsonl)
 *
 * --run: pipeline 100k rows at 0 and 20 ms with 8 workers (1M with --big), issue 19's own workload (cpu.js) at 20 and
 * 0 ms, start-up, LDAP (when slapd is installed) and SCCM, each in its own process; every bench appends its rows to BENCH_RESULTS (bench/results.ts).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchRow } from './results.js';
import { root } from './runConnector.js';

const out = path.join(root, 'bench/out');
const resultsFile = path.join(out, 'results.jsonl');
const baselineFile = path.join(root, 'bench/baseline.json');

interface Baseline {
  release: string;
  measured: string;
  rows: Record<string, number>;
}

function haveSlapd(): boolean {
  return ['/usr/sbin/slapd', '/usr/local/sbin/slapd', '/usr/local/libexec/slapd'].some((f) => fs.existsSync(f)) ||
    spawnSync('sh', ['-c', 'command -v slapd'], { stdio: 'ignore' }).status === 0;
}

function runAll(big: boolean): void {
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(resultsFile, '');
  const benches: Array<[string, string[]]> = [
    ['pipeline', ['dist/bench/pipeline.js', '100000', '--no-transform', '--case', '0:8', '--case', '20:8']],
    // The issue's own workload (one more custom converter than pipeline.js), 3 runs each: the median is the row.
    ['issue workload 20 ms', ['dist/bench/cpu.js', '100000', '--latency', '20', '--repeat', '3']],
    ['issue workload 0 ms', ['dist/bench/cpu.js', '100000', '--latency', '0', '--repeat', '3']],
    ...(big ? [['pipeline 1M', ['dist/bench/pipeline.js', '1000000', '--no-transform', '--case', '0:8']] as [string, string[]]] : []),
    ['startup', ['dist/bench/startup.js', '10']],
    ...(haveSlapd() ? [['ldap', ['dist/bench/ldap.js', '50000']] as [string, string[]]] : []),
    ['sccm', ['--expose-gc', 'dist/bench/sccm.js', '50000', '40']],
  ];
  if (!haveSlapd()) console.log('ldap: skipped, slapd is not installed (scripts/test.sh installs it)');
  for (const [name, args] of benches) {
    console.log(`\n== ${name}: node ${args.join(' ')}`);
    const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, BENCH_RESULTS: resultsFile } });
    if (r.status !== 0) console.log(`${name}: exited ${r.status ?? r.signal}`);
  }
}

const fmt = (n: number): string => (Math.abs(n) >= 1000 ? Math.round(n).toLocaleString('en-US') : String(Math.round(n * 10) / 10));

/** records/s: measured / ideal (1 = the ideal reached); MB and ms: measured / ideal (1 = at the ideal, lower is better). */
function ratio(row: BenchRow, to: number | undefined): string {
  return to ? `${(row.value / to).toFixed(2)}` : '-';
}

function table(rows: BenchRow[], baseline: Baseline | undefined): string {
  const head = ['case', 'measured', 'target', 'met', 'vs ideal', `vs ${baseline?.release ?? 'last release'}`, 'CPU', 'command', 'note'];
  const lines = rows.map((r) => {
    const met = r.target.op === '>=' ? r.value >= r.target.value : r.value <= r.target.value;
    const base = baseline?.rows[r.key];
    return [
      r.label,
      `${fmt(r.value)} ${r.unit}`,
      `${r.target.op} ${fmt(r.target.value)} ${r.unit}`,
      met ? 'yes' : 'NO',
      `${ratio(r, r.ideal)} (ideal ${fmt(r.ideal)})`,
      base === undefined ? '-' : `${ratio(r, base)} (was ${fmt(base)})`,
      r.cpuMs === undefined ? '' : `${fmt(r.cpuMs / 1000)} s`,
      `\`${r.command}\``,
      r.note ?? '',
    ];
  });
  return [head, head.map(() => '---'), ...lines].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length} x ${cpus[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GB, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, ` +
    `node ${process.version}, ${os.platform()} ${os.release()}`;
}

if (process.argv.includes('--run')) runAll(process.argv.includes('--big'));
const rows = fs.existsSync(resultsFile)
  ? fs.readFileSync(resultsFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as BenchRow)
  : [];
const baseline = fs.existsSync(baselineFile) ? (JSON.parse(fs.readFileSync(baselineFile, 'utf8')) as Baseline) : undefined;
console.log(`\n## Issue 19 (${new Date().toISOString().slice(0, 16)}Z)\n\nMachine: ${machine()}` +
  `${baseline ? `; last release: ${baseline.release} (measured ${baseline.measured})` : ''}\n`);
console.log(rows.length ? table(rows, baseline) : `no results yet in ${path.relative(root, resultsFile)}: run \`npm run bench\``);
console.log('\nvs ideal: records/s / 40,000 (8 workers x 100 records / 20 ms); RSS / its target; start-up / `node -e 0` measured in the same minutes.');
