/**
 * One QuickJS runtime with the snippets compiled in it. Runs inside the worker thread (worker.ts), never in
 * the host: a runaway snippet can at worst take the worker down.
 * Limits, from /work/shared/reference/sandbox.md:
 * - memory: the WebAssembly memory itself is capped (`maximum`), because `setMemoryLimit` alone does not cap
 *   what the wasm heap grows to; the QuickJS limit sits below the cap so most bombs end as a catchable
 *   "out of memory" inside the snippet's try/catch rather than a failed malloc;
 * - stack: 256 KiB at most, larger stacks let deep recursion overflow the real stack and corrupt the runtime;
 * - time: the interrupt handler stops QuickJS once the batch deadline passes (an uncatchable "interrupted").
 */
import { newQuickJSWASMModuleFromVariant, newVariant, RELEASE_SYNC } from 'quickjs-emscripten';
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime } from 'quickjs-emscripten';
import { quoteForLog } from '../logText.js';
import { RUNNER_SOURCE } from './runnerSource.js';
import { MIN_MEMORY_MB, type OutputCaps } from './protocol.js';
import type { SandboxLimits, SnippetSource } from './types.js';

const WASM_PAGE_BYTES = 64 * 1024;
const PAGES_PER_MB = (1024 * 1024) / WASM_PAGE_BYTES;
export { MIN_MEMORY_MB };
const INITIAL_PAGES = MIN_MEMORY_MB * PAGES_PER_MB;
/** Share of the capped memory QuickJS may allocate; the rest is static data, the C stack and malloc overhead. */
const QUICKJS_HEAP_SHARE = 0.75;
const MAX_STACK_BYTES = 256 * 1024;

/** tsconfig's lib has no WebAssembly types (no DOM lib, and @types/node 20 does not declare them). */
interface WasmMemoryConstructor {
  new (descriptor: { initial: number; maximum: number }): object;
}
const WasmMemory = (globalThis as unknown as { WebAssembly: { Memory: WasmMemoryConstructor } }).WebAssembly.Memory;

export type RunOutcome = { ok: true; json: string } | { ok: false; reason: 'timeout' | 'error'; message: string };

export interface SnippetRuntime {
  /** `output`: the most result JSON (characters) one record, and the whole run, may return; the deepest nesting. */
  run(json: string, budgetMs: number, trace: boolean, output: OutputCaps): RunOutcome;
}

/** A QuickJS runtime with the limits above, and the deadline its interrupt handler checks. */
export interface CappedQuickJS {
  runtime: QuickJSRuntime;
  context: QuickJSContext;
  /** Epoch ms after which QuickJS stops (an uncatchable "interrupted"); Infinity for none. */
  setDeadline(at: number): void;
}

/**
 * Opens QuickJS with the capped memory, stack and interrupt deadline. Shared by the snippet runner and any
 * other payload that runs in a sandbox worker (the managed-mode template engine).
 */
export async function openCappedQuickJS(memoryMb: number): Promise<CappedQuickJS> {
  const wasmMemory = new WasmMemory({ initial: INITIAL_PAGES, maximum: memoryMb * PAGES_PER_MB });
  const module = await newQuickJSWASMModuleFromVariant(newVariant(RELEASE_SYNC, { wasmMemory: wasmMemory as never }));
  const runtime = module.newRuntime();
  runtime.setMaxStackSize(MAX_STACK_BYTES);
  runtime.setMemoryLimit(Math.floor(memoryMb * QUICKJS_HEAP_SHARE * 1024 * 1024));
  let deadline = Number.POSITIVE_INFINITY;
  runtime.setInterruptHandler(() => Date.now() > deadline);
  return {
    runtime,
    context: runtime.newContext(),
    setDeadline: (at) => {
      deadline = at;
    },
  };
}

/** `opened`: QuickJS already opened with `limits.memoryMb` (a worker started ahead: workerHandle.ts prestart). */
export async function openSnippetRuntime(
  snippets: SnippetSource[],
  limits: SandboxLimits,
  onProgress: (position: number) => void,
  opened?: CappedQuickJS,
): Promise<SnippetRuntime> {
  const { context, setDeadline } = opened ?? (await openCappedQuickJS(limits.memoryMb));
  let deadline = Number.POSITIVE_INFINITY;
  const setDeadlineTo = (at: number) => {
    deadline = at;
    setDeadline(at);
  };
  const progress = context.newFunction('progress', (position) => {
    onProgress(context.getNumber(position));
  });
  const factory = unwrap(context, context.evalCode(RUNNER_SOURCE, 'runner.js'), 'loading the runner');
  const runner = unwrap(context, context.callFunction(factory, context.undefined, progress), 'starting the runner');
  const compile = context.getProp(runner, 'compile');
  const runBatch = context.getProp(runner, 'run');
  factory.dispose();
  progress.dispose();
  runner.dispose();

  // Compiling runs user text (QuickJS's Function evaluates a generated source), so it gets a deadline too.
  for (const s of snippets) {
    setDeadlineTo(Date.now() + limits.timeoutMsPerRecord);
    const args = [s.kind, s.name, s.code].map((v) => context.newString(v));
    const compiled = context.callFunction(compile, context.undefined, ...args);
    for (const a of args) a.dispose();
    const label = `${s.kind === 'filter' ? 'filter' : 'converter'} "${s.name}"`;
    unwrap(context, compiled, `compiling ${label}`).dispose();
  }
  setDeadlineTo(Number.POSITIVE_INFINITY);

  return {
    run(json, budgetMs, trace, output) {
      const input = context.newString(json);
      const perRecord = context.newNumber(output.perRecord);
      const perRun = context.newNumber(output.perRun);
      const depth = context.newNumber(output.depth);
      setDeadlineTo(Date.now() + budgetMs);
      const result = context.callFunction(runBatch, context.undefined, input, trace ? context.true : context.false, perRecord, perRun, depth);
      const late = Date.now() > deadline;
      setDeadlineTo(Number.POSITIVE_INFINITY);
      for (const handle of [input, perRecord, perRun, depth]) handle.dispose();
      if (result.error) {
        const message = describeHandle(context, result.error);
        result.error.dispose();
        return { ok: false, reason: late || message.includes('interrupted') ? 'timeout' : 'error', message };
      }
      const out = context.getString(result.value);
      result.value.dispose();
      return { ok: true, json: out };
    },
  };
}

function unwrap(
  context: QuickJSContext,
  result: ReturnType<QuickJSContext['callFunction']>,
  doing: string,
): QuickJSHandle {
  if (!result.error) return result.value;
  const message = describeHandle(context, result.error);
  result.error.dispose();
  throw new Error(`${doing}: ${quoteForLog(message)}`);
}

export function describeHandle(context: QuickJSContext, handle: QuickJSHandle): string {
  const dumped: unknown = context.dump(handle);
  if (dumped && typeof dumped === 'object' && 'message' in dumped) {
    const { name, message } = dumped as { name?: unknown; message?: unknown };
    return `${typeof name === 'string' ? `${name}: ` : ''}${String(message)}`;
  }
  return String(dumped);
}
