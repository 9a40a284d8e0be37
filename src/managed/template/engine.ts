/**
 * Host side of the template engine (see README.md beside this file): one sandbox worker running QuickJS with
 * the engine's runtime (./runtime/), one request per render. Limits come from the worker machinery of
 * src/sandbox/: the QuickJS interrupt deadline, a host timer that terminates a worker that misses it, a capped
 * WebAssembly memory. A render that hits a limit fails with TemplateRenderError (`limit` says which) and the
 * worker is replaced; scopes it held are loaded again into the next worker from the JSON kept here.
 */
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

export interface TemplateEngineOptions {
  limits?: Partial<TemplateLimits>;
  maxOutputChars?: number;
}

type Reply =
  | { value: unknown }
  | { syntax: { message: string; line: number; column: number } }
  | { error: { type: string; message: string } }
  | { limit: 'memory'; message: string };

interface ScopeState {
  /** The context as JSON, kept to load it again into a replacement worker. */
  json: string;
  /** Generation of the worker that holds it (0: none yet). */
  loadedIn: number;
}

export async function createTemplateEngine(options: TemplateEngineOptions = {}): Promise<TemplateEngine> {
  const limits = { ...DEFAULT_TEMPLATE_LIMITS, ...stripUndefined(options.limits ?? {}) };
  if (!Number.isFinite(limits.timeMs) || limits.timeMs <= 0) throw new RangeError(`timeMs must be a positive number, got ${limits.timeMs}`);
  if (!Number.isInteger(limits.memoryMb) || limits.memoryMb < MIN_MEMORY_MB) {
    throw new RangeError(`memoryMb must be a whole number of at least ${MIN_MEMORY_MB}, got ${limits.memoryMb}`);
  }
  const engine = new QuickJsTemplateEngine(limits, options.maxOutputChars ?? DEFAULT_MAX_OUTPUT);
  await engine.start();
  return engine;
}

export class QuickJsTemplateEngine implements TemplateEngine {
  private worker: SnippetWorker | undefined;
  private generation = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private nextScope = 1;
  private readonly scopes = new Map<number, ScopeState>();
  /** Workers started so far (1 + replacements after limit hits); for tests and diagnostics. */
  workersStarted = 0;

  constructor(private readonly limits: TemplateLimits, private readonly maxOutput: number) {}

  async start(): Promise<void> {
    await this.ensureWorker();
  }

  render(template: string, context: TemplateContext, mode: RenderMode): Promise<unknown> {
    const json = contextJson(context);
    return this.enqueue(() => this.send(template, mode, undefined, json));
  }

  async scope(context: TemplateContext): Promise<ContextScope> {
    if (this.closed) throw new Error('the template engine is closed');
    const id = this.nextScope++;
    this.scopes.set(id, { json: contextJson(context), loadedIn: 0 });
    let released = false;
    return {
      render: (template, mode) => {
        if (released) return Promise.reject(new Error('this template scope was released'));
        return this.enqueue(() => this.send(template, mode, id));
      },
      release: async () => {
        if (released) return;
        released = true;
        const state = this.scopes.get(id);
        this.scopes.delete(id);
        if (state && state.loadedIn === this.generation && this.worker?.alive) {
          await this.enqueue(() => this.post(`{"op":"release","scope":${id}}`)).catch(() => undefined);
        }
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.scopes.clear();
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async send(template: string, mode: RenderMode, scopeId: number | undefined, onceJson?: string): Promise<unknown> {
    if (typeof template !== 'string') throw new TypeError('a template must be a string');
    const worker = await this.ensureWorker();
    let context = onceJson;
    const state = scopeId === undefined ? undefined : this.scopes.get(scopeId);
    if (scopeId !== undefined && !state) throw new Error('this template scope was released');
    if (state && state.loadedIn !== this.generation) context = state.json;
    const head = `{"op":"render","mode":${JSON.stringify(mode === 'native' ? 'native' : 'string')},"template":${JSON.stringify(template)},"maxOutput":${this.maxOutput}`;
    const request = `${head}${scopeId !== undefined ? `,"scope":${scopeId}` : ''}${context !== undefined ? `,"context":${context}` : ''}}`;
    const reply = await worker.run(request, this.limits.timeMs, false, { perRecord: this.maxOutput, perRun: this.maxOutput, depth: 64 });
    if (state && reply.ok) state.loadedIn = this.generation;
    return this.read(reply);
  }

  private async post(request: string): Promise<unknown> {
    const worker = await this.ensureWorker();
    return this.read(await worker.run(request, this.limits.timeMs, false, { perRecord: 1024, perRun: 1024, depth: 1 }));
  }

  private read(reply: RunReply): unknown {
    if (!reply.ok) {
      this.discardWorker();
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
    if ('syntax' in parsed) throw new TemplateSyntaxError(parsed.syntax.message, parsed.syntax.line, parsed.syntax.column);
    if ('limit' in parsed) {
      this.discardWorker();
      throw new TemplateRenderError(`the template ran out of memory or stack (${parsed.message})`, 'memory');
    }
    const { type, message } = parsed.error;
    throw new TemplateRenderError(`${type}: ${message}`, type === 'MemoryError' ? 'memory' : undefined);
  }

  private async ensureWorker(): Promise<SnippetWorker> {
    if (this.closed) throw new Error('the template engine is closed');
    if (this.worker?.alive) return this.worker;
    this.workersStarted++;
    const init: TemplateWorkerInit = { memoryMb: this.limits.memoryMb };
    this.worker = await SnippetWorker.start(init, new URL('./worker.js', import.meta.url));
    this.generation++;
    return this.worker;
  }

  /** After a limit hit the runtime may be half-updated (QuickJS after a stack overflow even more so): start clean. */
  private discardWorker(): void {
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
  }
}

function contextJson(context: TemplateContext): string {
  if (context === null || typeof context !== 'object' || Array.isArray(context)) throw new TypeError('a template context must be an object');
  return JSON.stringify(context);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
