/**
 * Host side of the template engine (see README.md beside this file): sandbox workers running QuickJS with the
 * engine's runtime (./runtime/), one request per render. Limits come from the worker machinery of
 * src/sandbox/: the QuickJS interrupt deadline, a host timer that terminates a worker that misses it, a capped
 * WebAssembly memory. A render that hits a limit fails with TemplateRenderError (`limit` says which) and its
 * worker is replaced; the scopes it held are loaded again into the next one from the JSON kept here.
 *
 * `workers` (default 1) runs that many sandboxes side by side; a scope stays on the worker it was given, a
 * one-off render goes to the least busy one. A worker renders one template at a time, and starts when a render
 * first reaches it (not with the engine).
 */
import { builtFile } from '../../builtFiles.js';
import { SnippetWorker, type RunReply } from '../../sandbox/workerHandle.js';
import { MIN_MEMORY_MB } from '../../sandbox/quickjs.js';
import {
  TemplateRenderError, TemplateSyntaxError,
  type ContextScope, type RenderMode, type TemplateContext, type TemplateEngine, type TemplateLimits,
} from './types.js';
import type { TemplateWorkerInit } from './worker.js';

export const DEFAULT_TEMPLATE_LIMITS: TemplateLimits = { timeMs: 2000, memoryMb: 128 };
/** Longest reply (characters of JSON) one render may return: a template cannot make the host hold gigabytes. */
export const DEFAULT_MAX_OUTPUT = 16 * 1024 * 1024;
/** Releases wait for the worker's next render (saving a message per scope) unless this many are pending. */
const MAX_PENDING_RELEASES = 64;
const MAX_WORKERS = 16;

export interface TemplateEngineOptions {
  limits?: Partial<TemplateLimits>;
  maxOutputChars?: number;
  /** Sandbox workers side by side (each up to `memoryMb`). Default 1. */
  workers?: number;
}

type Reply =
  | { value: unknown }
  | { ref: (string | number)[] }
  | { syntax: { message: string; line: number; column: number } }
  | { error: { type: string; message: string } }
  | { limit: 'memory'; message: string };

interface ScopeState {
  lane: Lane;
  /** The context as JSON, kept to load it again into a replacement worker. */
  json: string;
  /** The JSON parsed, on the first result that is a reference into it. */
  parsed?: unknown;
  /** Generation of the lane's worker that holds it (0: none yet). */
  loadedIn: number;
}

/** One sandbox worker and the work queued for it. */
class Lane {
  worker: SnippetWorker | undefined;
  generation = 0;
  inFlight = 0;
  queue: Promise<unknown> = Promise.resolve();
  /** Scopes released since the last request; the next request tells the worker. */
  releases: number[] = [];
}

export async function createTemplateEngine(options: TemplateEngineOptions = {}): Promise<TemplateEngine> {
  const limits = { ...DEFAULT_TEMPLATE_LIMITS, ...stripUndefined(options.limits ?? {}) };
  if (!Number.isFinite(limits.timeMs) || limits.timeMs <= 0) throw new RangeError(`timeMs must be a positive number, got ${limits.timeMs}`);
  if (!Number.isInteger(limits.memoryMb) || limits.memoryMb < MIN_MEMORY_MB) {
    throw new RangeError(`memoryMb must be a whole number of at least ${MIN_MEMORY_MB}, got ${limits.memoryMb}`);
  }
  const workers = options.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS) throw new RangeError(`workers must be a whole number from 1 to ${MAX_WORKERS}, got ${workers}`);
  const engine = new QuickJsTemplateEngine(limits, options.maxOutputChars ?? DEFAULT_MAX_OUTPUT, workers);
  await engine.start();
  return engine;
}

export class QuickJsTemplateEngine implements TemplateEngine {
  private readonly lanes: Lane[];
  private closed = false;
  private nextScope = 1;
  private nextLane = 0;
  private readonly scopes = new Map<number, ScopeState>();
  /** Workers started so far (one per lane + replacements after limit hits); for tests and diagnostics. */
  workersStarted = 0;

  constructor(private readonly limits: TemplateLimits, private readonly maxOutput: number, workers = 1) {
    this.lanes = Array.from({ length: workers }, () => new Lane());
  }

  /**
   * Nothing starts here: a sandbox starts when a render first reaches its lane. Each is ~30 MB of RSS (a V8 heap
   * and QuickJS's memory) and 0.3-0.5 s of CPU, and a run whose templates all skip the sandbox (fetch/shortcuts.ts,
   * fastPath.ts: bench/managed.ts sends it no render at all) never needs one. A sandbox that cannot start fails
   * that first render.
   */
  async start(): Promise<void> {
    if (this.closed) throw new Error('the template engine is closed');
  }

  render(template: string, context: TemplateContext, mode: RenderMode): Promise<unknown> {
    const json = contextJson(context);
    const lane = this.lanes.reduce((best, l) => (l.inFlight < best.inFlight ? l : best));
    return this.enqueue(lane, () => this.send(lane, template, mode, undefined, json));
  }

  async scope(context: TemplateContext): Promise<ContextScope> {
    if (this.closed) throw new Error('the template engine is closed');
    const id = this.nextScope++;
    const lane = this.lanes[this.nextLane++ % this.lanes.length];
    this.scopes.set(id, { lane, json: contextJson(context), loadedIn: 0 });
    let released = false;
    return {
      render: (template, mode) => {
        if (released) return Promise.reject(new Error('this template scope was released'));
        return this.enqueue(lane, () => this.send(lane, template, mode, id));
      },
      release: async () => {
        if (released) return;
        released = true;
        const state = this.scopes.get(id);
        this.scopes.delete(id);
        if (!state || state.loadedIn !== lane.generation || !lane.worker?.alive) return;
        lane.releases.push(id);
        if (lane.releases.length >= MAX_PENDING_RELEASES) {
          await this.enqueue(lane, () => this.post(lane, `{"op":"release","scopes":${JSON.stringify(lane.releases.splice(0))}}`)).catch(() => undefined);
        }
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.scopes.clear();
    await Promise.all(this.lanes.map(async (lane) => {
      const worker = lane.worker;
      lane.worker = undefined;
      await worker?.terminate();
    }));
  }

  private enqueue<T>(lane: Lane, task: () => Promise<T>): Promise<T> {
    lane.inFlight++;
    const run = lane.queue.then(task).finally(() => {
      lane.inFlight--;
    });
    lane.queue = run.catch(() => undefined);
    return run;
  }

  private async send(lane: Lane, template: string, mode: RenderMode, scopeId: number | undefined, onceJson?: string): Promise<unknown> {
    if (typeof template !== 'string') throw new TypeError('a template must be a string');
    const worker = await this.ensureWorker(lane);
    let context = onceJson;
    const state = scopeId === undefined ? undefined : this.scopes.get(scopeId);
    if (scopeId !== undefined && !state) throw new Error('this template scope was released');
    if (state && state.loadedIn !== lane.generation) context = state.json;
    const releases = lane.releases.length ? `,"release":${JSON.stringify(lane.releases.splice(0))}` : '';
    const head = `{"op":"render","mode":${JSON.stringify(mode === 'native' ? 'native' : 'string')},"template":${JSON.stringify(template)},"maxOutput":${this.maxOutput}${releases}`;
    const request = `${head}${scopeId !== undefined ? `,"scope":${scopeId}` : ''}${context !== undefined ? `,"context":${context}` : ''}}`;
    const reply = await worker.run(request, this.limits.timeMs, false, { perRecord: this.maxOutput, perRun: this.maxOutput, depth: 64 });
    if (state && reply.ok) state.loadedIn = lane.generation;
    return this.read(lane, reply, () => {
      if (state) return (state.parsed ??= JSON.parse(state.json));
      return JSON.parse(onceJson ?? 'null');
    });
  }

  private async post(lane: Lane, request: string): Promise<unknown> {
    const worker = await this.ensureWorker(lane);
    return this.read(lane, await worker.run(request, this.limits.timeMs, false, { perRecord: 1024, perRun: 1024, depth: 1 }));
  }

  /** `source` gives the context JSON parsed, for a result that is a reference into it. */
  private read(lane: Lane, reply: RunReply, source?: () => unknown): unknown {
    if (!reply.ok) {
      this.discardWorker(lane);
      if (reply.reason === 'timeout') throw new TemplateRenderError(`the template did not finish within ${this.limits.timeMs} ms`, 'time');
      if (reply.reason === 'crash' || /out of memory|stack overflow/i.test(reply.message)) {
        throw new TemplateRenderError(`the template ran out of memory (limit ${this.limits.memoryMb} MB)`, 'memory');
      }
      throw new TemplateRenderError(`the template sandbox failed: ${reply.message}`);
    }
    if (reply.json.length > this.maxOutput + 64) {
      throw new TemplateRenderError(`the template's result is larger than ${this.maxOutput} characters`, 'memory');
    }
    const parsed = JSON.parse(reply.json) as Reply;
    if ('value' in parsed) return parsed.value;
    if ('ref' in parsed) {
      if (!source) throw new TemplateRenderError('the template engine returned a reference to no context');
      return structuredClone(resolve(source(), parsed.ref));
    }
    if ('syntax' in parsed) throw new TemplateSyntaxError(parsed.syntax.message, parsed.syntax.line, parsed.syntax.column);
    if ('limit' in parsed) {
      this.discardWorker(lane);
      throw new TemplateRenderError(`the template ran out of memory or stack (${parsed.message})`, 'memory');
    }
    const { type, message } = parsed.error;
    throw new TemplateRenderError(`${type}: ${message}`, type === 'MemoryError' ? 'memory' : undefined);
  }

  private async ensureWorker(lane: Lane): Promise<SnippetWorker> {
    if (this.closed) throw new Error('the template engine is closed');
    if (lane.worker?.alive) return lane.worker;
    this.workersStarted++;
    const init: TemplateWorkerInit = { memoryMb: this.limits.memoryMb };
    lane.worker = await SnippetWorker.start(init, builtFile('managed/template/worker.js'));
    lane.generation++;
    lane.releases = [];
    return lane.worker;
  }

  /** After a limit hit the runtime may be half-updated (QuickJS after a stack overflow even more so): start clean. */
  private discardWorker(lane: Lane): void {
    const worker = lane.worker;
    lane.worker = undefined;
    void worker?.terminate();
  }
}

/** The value at `path` in parsed JSON (own keys only). */
function resolve(data: unknown, path: (string | number)[]): unknown {
  let at = data;
  for (const key of path) {
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, key)) throw new TemplateRenderError('the template engine returned a reference it cannot resolve');
    at = (at as Record<string | number, unknown>)[key];
  }
  return at;
}

function contextJson(context: TemplateContext): string {
  if (context === null || typeof context !== 'object' || Array.isArray(context)) throw new TypeError('a template context must be an object');
  return JSON.stringify(context);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
