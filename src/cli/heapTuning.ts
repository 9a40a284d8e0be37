/**
 * Keeps the main thread's V8 heap near what is live. With Node's defaults V8 lets the old generation grow to up
 * to 4x what survived the last full collection before collecting again (its growing factor is chosen from the
 * maximum heap size, about 4 GB here): a 100,000-row sync with ~30 MB live peaked at 180 MB of heap and 260 MB RSS.
 * A growing step of 30% of what is live is read by V8 at every full collection, so setting it here (before the rest
 * of the program is loaded) works without command-line flags; the heap still grows as far as the live data needs
 * (no fixed cap, so nothing runs out of memory). Measured (bench/README.md): peak RSS 261 -> 166 MB, throughput
 * unchanged within the noise.
 *
 * The young generation: V8 lets each of its two semi-spaces grow from 1 MB to 16 MB (32 MB of heap, all of it
 * resident once used), and --max-semi-space-size can only be given on node's command line. The growth step, though,
 * is read at every growth: it is set so that one step reaches SEMI_SPACE_MB, and to 1 (no further growth) as soon as
 * a collection shows that size. Measured on a quiet machine (bench/README.md, issue 19, 100,000 rows): 8 MB
 * semi-spaces peak at 120-125 MB RSS and are as fast as V8's 16 MB (142-144 MB); 4 MB saves nothing more at the peak
 * (116-127 MB: the peak is set while code is compiled) and costs 10-20% more CPU in collections.
 *
 * A user who sizes the heap themselves (--max-old-space-size, --heap-growing-percent, --max-semi-space-size in
 * NODE_OPTIONS or on node's command line) keeps their setting.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

export const HEAP_GROWING_PERCENT = 30;
export const SEMI_SPACE_MB = 8;

const flags = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;
/** What this module sets; applied again whenever a worker thread starts (see below). */
const ours: string[] = [];
if (!/--(max-old-space-size|heap-growing-percent|max-heap-size)\b/.test(flags)) ours.push(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
if (!/--(max-semi-space-size|min-semi-space-size|semi-space-growth-factor|max-heap-size)\b/.test(flags)) capYoungGeneration();
const apply = () => {
  for (const flag of ours) v8.setFlagsFromString(flag);
};
apply();
// Starting a worker thread (the sandbox) makes Node apply the process's V8 options again, on the new thread, which
// resets the flags set here to V8's defaults (measured: the young generation grew to 32 MB after the sandbox started).
if (ours.length) {
  process.on('worker', (worker) => {
    apply();
    worker.once('online', apply);
  });
}

function capYoungGeneration(): void {
  // From V8's initial 1 MB, one step: the next growth needs the semi-spaces' size surviving collections again, which
  // takes several turns of the event loop, and the observer below runs between turns.
  const step = ours.push(`--semi-space-growth-factor=${SEMI_SPACE_MB}`) - 1;
  const observer = new PerformanceObserver(() => {
    // new_space's size is both semi-spaces.
    const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    if (!young || young.space_size < 2 * SEMI_SPACE_MB * 2 ** 20) return;
    ours[step] = '--semi-space-growth-factor=1';
    apply();
    observer.disconnect();
  });
  observer.observe({ entryTypes: ['gc'] });
}
