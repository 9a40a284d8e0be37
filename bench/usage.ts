/**
 * Preloaded into the CLI by runConnector (`--import dist/bench/usage.js`, file in CONNECTOR_BENCH_USAGE): at exit
 * the main thread writes the process's CPU time (user + system, every thread) and peak RSS, which on a shared
 * machine are steadier than the wall clock. Not part of the product.
 */
import fs from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const file = isMainThread ? process.env.CONNECTOR_BENCH_USAGE : undefined;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    fs.writeFileSync(file, JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssKb: u.maxRSS }));
  });
}
