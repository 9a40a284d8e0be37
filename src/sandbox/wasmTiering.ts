/**
 * Holds back V8's wasm tier-up while a sandbox worker opens QuickJS.
 *
 * bin/connector starts node with --liftoff-only (no wasm tier-up at all: the recompiles of QuickJS's interpreter and
 * llhttp's parser held 20-30 MB each mid-run, bench/README.md), which turns this hold off; it still applies when the
 * CLI is started as `node bin/connector` without that flag, and in tests.
 *
 * V8 first compiles wasm with its baseline compiler (Liftoff) and recompiles a function with TurboFan once the
 * function has used up a "tiering budget" of work. Opening QuickJS (runtime, context, the runner, the snippets) is
 * enough work to use up the default budget of many of QuickJS's large C functions at once, so every start-up queued
 * ~300 ms of CPU of TurboFan jobs for code that mostly never runs again; on a 2-core machine they held up the worker's
 * first batch by 60-300 ms, and whatever was still compiling when the run ended held up the exit (Node waits for V8's
 * background jobs). Measured (bench/README.md, start-up notes): a 5-row upload with a converter and a filter took
 * ~300 ms less CPU and 100-300 ms less wall clock with the budget below; 18M (10x the default) left half the gain.
 * V8 gives each function its budget when the module is instantiated (measured: a 1G budget set back to the default
 * once QuickJS was open still left bench/sandbox.ts ~25% slower, as if nothing tiered up), so setting the default
 * back once the worker has opened QuickJS does not end the hold for this worker: its hot functions tier up after
 * ~55x the default work. At 100M a 100,000-record run through bench/sandbox.ts was as fast as with the default,
 * within the noise. Only the tiering budget changes: the sandbox's limits
 * (memory, stack, deadline) and what a snippet can reach are untouched.
 *
 * V8's flags are per process: a wasm module instantiated elsewhere in the window (undici's llhttp, in the main
 * thread) starts with the larger budget too, i.e. tiers up later (it parses a few KB per Oomnitza response). A user
 * who sets --wasm-tiering-budget (or turns tiering off) on node's command line or in NODE_OPTIONS keeps the setting.
 */
import v8 from 'node:v8';

/** V8's default in Node 20 (`node --v8-options`). */
export const DEFAULT_TIERING_BUDGET = 1_800_000;
export const START_UP_TIERING_BUDGET = 100_000_000;

const userFlags = (): string => `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;
const USER_TIERING = /--(wasm-tiering-budget|no-wasm-dynamic-tiering|wasm-dynamic-tiering|liftoff-only)\b/;

/** Raises the tiering budget; the returned function sets the default back (call it once QuickJS is open). */
export function holdWasmTierUp(flags: string = userFlags()): () => void {
  if (USER_TIERING.test(flags)) return () => undefined;
  v8.setFlagsFromString(`--wasm-tiering-budget=${START_UP_TIERING_BUDGET}`);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    v8.setFlagsFromString(`--wasm-tiering-budget=${DEFAULT_TIERING_BUDGET}`);
  };
}
