/**
 * Preloaded into the CLI by the benchmarks (`node --import dist/bench/memoryTrace.js`, file in
 * CONNECTOR_MEMORY_TRACE): every 50 ms each thread (the main thread and, since workers inherit --import, each
 * sandbox worker) appends one line of its process.memoryUsage(). Not part of the product: it explains a peak RSS.
 *
 *   <ms since start> <thread> <rss> <heapTotal> <heapUsed> <external> <arrayBuffers>   (bytes)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isMainThread, threadId } from 'node:worker_threads';

// The sandbox starts its workers with an empty environment: the main thread leaves the file's name where they look.
const pointer = path.join(os.tmpdir(), `connector-memory-trace-${process.pid}`);
if (isMainThread && process.env.CONNECTOR_MEMORY_TRACE) {
  fs.writeFileSync(pointer, process.env.CONNECTOR_MEMORY_TRACE);
  process.on('exit', () => fs.rmSync(pointer, { force: true }));
}
const file = isMainThread ? process.env.CONNECTOR_MEMORY_TRACE : fs.existsSync(pointer) ? fs.readFileSync(pointer, 'utf8') : undefined;
if (file) {
  const start = Date.now();
  const thread = isMainThread ? 'main' : `worker${threadId}`;
  const sample = () => {
    const m = process.memoryUsage();
    fs.appendFileSync(file, `${Date.now() - start} ${thread} ${m.rss} ${m.heapTotal} ${m.heapUsed} ${m.external} ${m.arrayBuffers}\n`);
  };
  setInterval(sample, 50).unref();
  process.on('exit', sample);
}

/** Peaks per thread, and what each thread held at the sample of the highest RSS. */
export function summariseTrace(text: string): string {
  const mb = (n: number) => (n / 2 ** 20).toFixed(1);
  const rows = text.trim().split('\n').map((l) => l.split(' ')).map(([t, thread, ...n]) => ({ t: Number(t), thread, n: n.map(Number) }));
  const peaks = new Map<string, number[]>();
  let top = rows[0];
  for (const r of rows) {
    const p = peaks.get(r.thread) ?? [0, 0, 0, 0, 0];
    peaks.set(r.thread, p.map((v, i) => Math.max(v, r.n[i])));
    if (r.n[0] > (top?.n[0] ?? 0)) top = r;
  }
  const lines = [...peaks].map(([thread, p]) => `  ${thread}: peak heapTotal ${mb(p[1])} heapUsed ${mb(p[2])} external ${mb(p[3])} arrayBuffers ${mb(p[4])} MB`);
  if (top) {
    const at = [...peaks.keys()].map((thread) => {
      const near = rows.filter((r) => r.thread === thread && Math.abs(r.t - top.t) <= 60).at(-1);
      return near ? `${thread} heapTotal ${mb(near.n[1])} used ${mb(near.n[2])} ext ${mb(near.n[3])}` : '';
    });
    lines.push(`  at peak RSS ${mb(top.n[0])} MB (t=${top.t} ms): ${at.filter(Boolean).join('; ')}`);
  }
  return `${lines.join('\n')}\n`;
}
