/** Runs the built CLI as a child process and samples its peak RSS (VmHWM) from /proc while it runs. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface MeasuredRun {
  /** Wall clock, Node start-up included. */
  seconds: number;
  /** CPU time of the whole process (user + system, all threads), from bench/usage.ts; undefined if it did not exit normally. */
  cpuMs?: number;
  peakMb: number;
  code: number;
  stderr: string;
  /** CPU seconds (user+sys) from /proc, sampled every 50 ms: the whole process, its main thread, its busiest other thread. */
  cpu: { total: number; main: number; busiestOther: number };
}

export interface RunConnectorOptions {
  /** Preload bench/memoryTrace.js in the CLI: it appends memory samples of the main thread and workers to this file. */
  trace?: string;
  env?: Record<string, string>;
  /** More node options for the CLI (e.g. --cpu-prof, which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
}

/**
 * What bin/connector's first line gives (`#!/usr/bin/env -S VAR=value node --flag ...`): the environment and the node
 * options. A benchmark that runs `node bin/connector` must pass both, or it measures a different program than the one
 * users start.
 */
export function launcher(): { env: Record<string, string>; flags: string[] } {
  return (launcherOptions ??= readLauncher(path.join(root, 'bin/connector')));
}
let launcherOptions: ReturnType<typeof readLauncher> | undefined;

function readLauncher(bin: string): { env: Record<string, string>; flags: string[] } {
  const shebang = fs.readFileSync(bin, 'utf8').split('\n', 1)[0];
  const words = shebang.replace(/^#!\s*/, '').split(/\s+/);
  const node = words.findIndex((w) => w === 'node' || w.endsWith('/node'));
  if (node < 0) return { env: {}, flags: [] };
  const env = Object.fromEntries(words.slice(0, node).filter((w) => /^[A-Z_][A-Z0-9_]*=/.test(w)).map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]));
  return { env, flags: words.slice(node + 1) };
}

export function runConnector(args: string[], cwd: string, opts: RunConnectorOptions = {}): Promise<MeasuredRun> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const usage = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'connector-usage-')), 'usage.json');
    const preload = ['--import', path.join(root, 'dist/bench/usage.js'), ...(opts.trace ? ['--import', path.join(root, 'dist/bench/memoryTrace.js')] : [])];
    const child = spawn(process.execPath, [...launcher().flags, ...preload, ...(opts.nodeArgs ?? []), path.join(root, 'bin/connector'), ...args], {
      cwd,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...launcher().env, NO_PROXY: '127.0.0.1', CONNECTOR_BENCH_USAGE: usage, ...(opts.trace ? { CONNECTOR_MEMORY_TRACE: opts.trace } : {}), ...opts.env },
    });
    let peakKb = 0;
    // Per thread (tid → user+sys ticks): threads that end before the process keep their last sample.
    const ticks = new Map<string, number>();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
        for (const tid of fs.readdirSync(`/proc/${child.pid}/task`)) {
          const stat = fs.readFileSync(`/proc/${child.pid}/task/${tid}/stat`, 'utf8');
          const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on: utime is 14, stime 15
          ticks.set(tid, Number(f[11]) + Number(f[12]));
        }
      } catch {
        /* exited */
      }
    }, 50);
    child.on('close', (code) => {
      clearInterval(timer);
      let cpuMs: number | undefined;
      try {
        const u = JSON.parse(fs.readFileSync(usage, 'utf8')) as { cpuMs: number; maxRssKb: number };
        cpuMs = u.cpuMs;
        // The kernel's own peak beats a 50 ms sample of a short process.
        peakKb = Math.max(peakKb, u.maxRssKb);
      } catch {
        /* killed, or exited before the preload ran */
      }
      fs.rmSync(path.dirname(usage), { recursive: true, force: true });
      const hz = 100; // USER_HZ on Linux
      const main = (ticks.get(String(child.pid)) ?? 0) / hz;
      const others = [...ticks].filter(([tid]) => tid !== String(child.pid)).map(([, t]) => t / hz);
      const cpu = { total: main + others.reduce((a, b) => a + b, 0), main, busiestOther: Math.max(0, ...others) };
      resolve({ seconds: Number(process.hrtime.bigint() - started) / 1e9, cpuMs, peakMb: peakKb / 1024, code: code ?? -1, stderr, cpu });
    });
  });
}
