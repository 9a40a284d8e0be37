/**
 * The snippet sandbox as the pipeline sees it: batches of records go to a QuickJS runtime in a worker thread
 * (see README.md next to this file for what runs where and why).
 *
 * Failure handling is per batch, then per record: a batch that misses its deadline, runs the worker out of
 * memory or kills it is re-run one record at a time in a fresh worker, so every other record still gets its
 * results and the bad one gets an error naming the snippet (found through the shared progress slot).
 */
import { ConfigError, ConfigErrors } from '../errors.js';
import { getLogger } from '../logging.js';
import { escapeForLog, quoteForLog } from '../logText.js';
import { encodeBatch } from './encode.js';
import { MIN_MEMORY_MB, PROGRESS_FILTER, PROGRESS_NOT_STARTED, type OutputCaps } from './protocol.js';
import { fieldsUsed } from './recordFields.js';
import { readResults, withinCaps } from './results.js';
import { checkSnippetSyntax } from './syntax.js';
import type { SandboxItem, SandboxItemResult, SandboxLimits, SnippetOutcome, SnippetSandbox, SnippetSource } from './types.js';
import { SnippetWorker, type RunReply } from './workerHandle.js';

export const DEFAULT_LIMITS: SandboxLimits = {
  timeoutMsPerRecord: 100,
  memoryMb: 64,
  maxOutputPerRecord: 1024 * 1024,
  maxOutputPerRun: 16 * 1024 * 1024,
  maxDepth: 64,
};
/** Records per message: large enough to amortise the crossing, small enough that a failed batch is cheap to redo. */
export const MAX_ITEMS_PER_MESSAGE = 1000;
/**
 * A batch's budget is the per-record limit times its size, capped here (but never below one record's limit):
 * otherwise one looping record would hold a 1,000-record batch for 100 s before the per-record re-run.
 */
export const BATCH_BUDGET_CAP_MS = 2000;

const log = getLogger('sandbox');

export async function createSandbox(snippets: SnippetSource[], limits?: Partial<SandboxLimits>): Promise<SnippetSandbox> {
  const full = resolveLimits(limits);
  checkSnippets(snippets);
  const sandbox = new QuickJsSandbox(snippets, full);
  // Start the first worker now, so a snippet that QuickJS cannot compile fails at start-up, not mid-run.
  await sandbox.start();
  return sandbox;
}

export class QuickJsSandbox implements SnippetSandbox {
  private worker: SnippetWorker | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly progress = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  private readonly snippetsByKey: ReadonlyMap<string, SnippetSource>;
  /** The record fields the snippets can read (undefined: any); the others are not sent. */
  private readonly fields: ReadonlySet<string> | undefined;
  /** How many workers this sandbox has started (1 + replacements); for diagnostics and tests. */
  workersStarted = 0;

  constructor(
    private readonly snippets: SnippetSource[],
    private readonly limits: SandboxLimits,
  ) {
    this.snippetsByKey = new Map(snippets.map((sn) => [`${sn.kind}:${sn.name}`, sn]));
    this.fields = fieldsUsed(snippets);
  }

  async start(): Promise<void> {
    await this.ensureWorker();
  }

  run(items: SandboxItem[]): Promise<SandboxItemResult[]> {
    if (this.closed) return Promise.reject(new Error('the snippet sandbox is closed'));
    // One worker runs one message at a time: concurrent callers queue here.
    const task = this.queue.then(() => this.runAll(items));
    this.queue = task.catch(() => undefined);
    return task;
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  /** Each call of run() has one output budget (maxOutputPerRun), spent by every message it takes. */
  private async runAll(items: SandboxItem[]): Promise<SandboxItemResult[]> {
    const budget: OutputBudget = { left: this.limits.maxOutputPerRun };
    const results: SandboxItemResult[] = [];
    for (let start = 0; start < items.length; start += MAX_ITEMS_PER_MESSAGE) {
      const chunk = items.slice(start, start + MAX_ITEMS_PER_MESSAGE);
      for (const r of await this.runChunk(chunk, budget)) results.push(r);
    }
    return results;
  }

  private async runChunk(items: SandboxItem[], budget: OutputBudget): Promise<SandboxItemResult[]> {
    if (items.length === 1) return [await this.runOne(items[0], budget)];
    let json: string;
    try {
      json = encodeBatch(items, this.fields);
    } catch {
      return this.runOneByOne(items, budget); // some record cannot cross as JSON: find it and report it
    }
    const worker = await this.ensureWorker();
    const caps = this.capsFor(budget);
    const reply = await worker.run(json, batchBudgetMs(items.length, this.limits), false, caps);
    if (reply.ok && withinCaps(reply.json, items, caps)) {
      const results = this.read(reply.json, items);
      if (results) {
        budget.left -= reply.json.length;
        return results;
      }
    }
    this.discardWorker(reply);
    return this.runOneByOne(items, budget);
  }

  private async runOneByOne(items: SandboxItem[], budget: OutputBudget): Promise<SandboxItemResult[]> {
    const results: SandboxItemResult[] = [];
    for (const item of items) results.push(await this.runOne(item, budget));
    return results;
  }

  /** Runs one record traced, so that a failure can name the snippet that was running. */
  private async runOne(item: SandboxItem, budget: OutputBudget): Promise<SandboxItemResult> {
    let json: string;
    try {
      json = encodeBatch([item], this.fields);
    } catch (err) {
      return failedItem(item, `the record cannot be sent to the sandbox as JSON (${quoteForLog((err as Error).message)})`);
    }
    const worker = await this.ensureWorker();
    Atomics.store(this.progress, 0, PROGRESS_NOT_STARTED);
    const caps = this.capsFor(budget);
    const reply = await worker.run(json, this.limits.timeoutMsPerRecord, true, caps);
    const fits = reply.ok && withinCaps(reply.json, [item], caps);
    const results = reply.ok && fits ? this.read(reply.json, [item]) : undefined;
    if (reply.ok && results) {
      budget.left -= reply.json.length;
      return results[0];
    }
    this.discardWorker(reply);
    return blame(item, Atomics.load(this.progress, 0), failure(reply, fits, this.limits));
  }

  private capsFor(budget: OutputBudget): OutputCaps {
    return { perRecord: this.limits.maxOutputPerRecord, perRun: Math.max(0, budget.left), depth: this.limits.maxDepth };
  }

  private read(json: string, items: SandboxItem[]): SandboxItemResult[] | undefined {
    return readResults(json, items, { snippets: this.snippetsByKey, limits: this.limits });
  }

  private async ensureWorker(): Promise<SnippetWorker> {
    if (this.closed) throw new Error('the snippet sandbox is closed');
    if (this.worker?.alive) return this.worker;
    this.workersStarted++;
    this.worker = await SnippetWorker.start({
      snippets: this.snippets,
      limits: this.limits,
      progress: this.progress.buffer as SharedArrayBuffer,
    });
    return this.worker;
  }

  /** After a missed deadline or a crash the runtime may hold half-updated snippet state: start clean. */
  private discardWorker(reply: RunReply): void {
    if (!reply.ok) log.debug(`sandbox worker replaced after ${reply.reason}: ${quoteForLog(reply.message)}`);
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
  }
}

export function resolveLimits(limits: Partial<SandboxLimits> | undefined): SandboxLimits {
  const full = { ...DEFAULT_LIMITS, ...stripUndefined(limits ?? {}) };
  if (!Number.isFinite(full.timeoutMsPerRecord) || full.timeoutMsPerRecord <= 0) {
    throw new RangeError(`timeoutMsPerRecord must be a positive number of milliseconds, got ${full.timeoutMsPerRecord}`);
  }
  if (!Number.isInteger(full.memoryMb) || full.memoryMb < MIN_MEMORY_MB) {
    throw new RangeError(`memoryMb must be a whole number of at least ${MIN_MEMORY_MB}, got ${full.memoryMb}`);
  }
  for (const key of ['maxOutputPerRecord', 'maxOutputPerRun', 'maxDepth'] as const) {
    if (!Number.isSafeInteger(full[key]) || full[key] < 1) throw new RangeError(`${key} must be a positive whole number, got ${full[key]}`);
  }
  return full;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function batchBudgetMs(size: number, limits: SandboxLimits): number {
  return Math.min(size * limits.timeoutMsPerRecord, Math.max(limits.timeoutMsPerRecord, BATCH_BUDGET_CAP_MS));
}

/** The config loader checks syntax already; this catches callers that build snippets themselves. */
function checkSnippets(snippets: SnippetSource[]): void {
  const errors: ConfigError[] = [];
  const seen = new Set<string>();
  for (const s of snippets) {
    const key = `${s.kind}:${s.name}`;
    if (seen.has(key)) errors.push(new ConfigError({ file: s.file, line: s.line }, `${s.kind} "${s.name}" is defined more than once`));
    seen.add(key);
    // The syntax message carries file:line itself.
    const syntax = checkSnippetSyntax(s);
    if (syntax) errors.push(new ConfigError({ section: s.kind === 'converter' ? 'converters' : undefined, key: s.name }, `does not compile: ${syntax}`));
  }
  if (errors.length) throw new ConfigErrors(errors);
}

interface OutputBudget {
  /** Characters of result JSON this run() call may still receive. */
  left: number;
}

function failedItem(item: SandboxItem, message: string): SandboxItemResult {
  if (item.filter) return { filter: { error: message }, values: [] };
  return { values: item.calls.map(() => ({ error: message })) };
}

/** What went wrong with a traced run that gave no usable result, in words. */
function failure(reply: RunReply, fits: boolean, limits: SandboxLimits): string {
  if (reply.ok) return fits ? 'returned a malformed result' : 'returned more output than its limits allow';
  if (reply.reason === 'timeout') return `timed out after ${limits.timeoutMsPerRecord} ms`;
  if (/out of memory/i.test(reply.message)) return 'ran out of memory';
  return `stopped the sandbox (${quoteForLog(reply.message)})`;
}

/** Builds the result of a record whose traced run did not finish, naming the snippet that was running. */
function blame(item: SandboxItem, position: number, what: string): SandboxItemResult {
  if (position === PROGRESS_FILTER && item.filter) return { filter: { error: `filter "${escapeForLog(item.filter)}" ${what}` }, values: [] };
  const call = position >= 0 ? item.calls[position] : undefined;
  if (!call) return failedItem(item, `the sandbox ${what} while handling this record`);
  const culprit = `converter "${escapeForLog(call.converter)}" ${what}`;
  const values: SnippetOutcome[] = item.calls.map((_, i) =>
    ({ error: i === position ? culprit : `record abandoned: ${culprit}` }));
  return item.filter ? { filter: { pass: true }, values } : { values };
}
