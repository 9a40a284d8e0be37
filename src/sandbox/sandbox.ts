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
import { encodeBatch } from './encode.js';
import { PROGRESS_FILTER, PROGRESS_NOT_STARTED } from './protocol.js';
import { MIN_MEMORY_MB } from './quickjs.js';
import { checkSnippetSyntax } from './syntax.js';
import type { SandboxItem, SandboxItemResult, SandboxLimits, SnippetOutcome, SnippetSandbox, SnippetSource } from './types.js';
import { SnippetWorker, type RunReply } from './workerHandle.js';

export const DEFAULT_LIMITS: SandboxLimits = { timeoutMsPerRecord: 100, memoryMb: 64 };
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
  /** How many workers this sandbox has started (1 + replacements); for diagnostics and tests. */
  workersStarted = 0;

  constructor(
    private readonly snippets: SnippetSource[],
    private readonly limits: SandboxLimits,
  ) {}

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

  private async runAll(items: SandboxItem[]): Promise<SandboxItemResult[]> {
    const results: SandboxItemResult[] = [];
    for (let start = 0; start < items.length; start += MAX_ITEMS_PER_MESSAGE) {
      const chunk = items.slice(start, start + MAX_ITEMS_PER_MESSAGE);
      for (const r of await this.runChunk(chunk)) results.push(r);
    }
    return results;
  }

  private async runChunk(items: SandboxItem[]): Promise<SandboxItemResult[]> {
    if (items.length === 1) return [await this.runOne(items[0])];
    let json: string;
    try {
      json = encodeBatch(items);
    } catch {
      return this.runOneByOne(items); // some record cannot cross as JSON: find it and report it
    }
    const worker = await this.ensureWorker();
    const reply = await worker.run(json, batchBudgetMs(items.length, this.limits), false);
    const results = reply.ok ? parseResults(reply.json, items) : undefined;
    if (results) return results;
    this.discardWorker(reply);
    return this.runOneByOne(items);
  }

  private async runOneByOne(items: SandboxItem[]): Promise<SandboxItemResult[]> {
    const results: SandboxItemResult[] = [];
    for (const item of items) results.push(await this.runOne(item));
    return results;
  }

  /** Runs one record traced, so that a failure can name the snippet that was running. */
  private async runOne(item: SandboxItem): Promise<SandboxItemResult> {
    let json: string;
    try {
      json = encodeBatch([item]);
    } catch (err) {
      return failedItem(item, `the record cannot be sent to the sandbox as JSON (${(err as Error).message})`);
    }
    const worker = await this.ensureWorker();
    Atomics.store(this.progress, 0, PROGRESS_NOT_STARTED);
    const reply = await worker.run(json, this.limits.timeoutMsPerRecord, true);
    const results = reply.ok ? parseResults(reply.json, [item]) : undefined;
    if (results) return results[0];
    this.discardWorker(reply);
    return blame(item, Atomics.load(this.progress, 0), reply, this.limits);
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
    if (!reply.ok) log.debug(`sandbox worker replaced after ${reply.reason}: "${reply.message}"`);
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

/** Accepts the worker's JSON only if it has one well-formed result per item; anything else counts as a failure. */
function parseResults(json: string, items: SandboxItem[]): SandboxItemResult[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== items.length) return undefined;
  const ok = parsed.every((r: unknown, i) => isItemResult(r, items[i]));
  return ok ? (parsed as SandboxItemResult[]) : undefined;
}

function isItemResult(r: unknown, item: SandboxItem): boolean {
  if (!r || typeof r !== 'object' || !Array.isArray((r as SandboxItemResult).values)) return false;
  const { filter, values } = r as SandboxItemResult;
  const ran = !item.filter || (!!filter && 'pass' in filter && filter.pass);
  return (item.filter ? !!filter : filter === undefined) && values.length === (ran ? item.calls.length : 0);
}

function failedItem(item: SandboxItem, message: string): SandboxItemResult {
  if (item.filter) return { filter: { error: message }, values: [] };
  return { values: item.calls.map(() => ({ error: message })) };
}

/** Builds the result of a record whose traced run did not finish, naming the snippet that was running. */
function blame(item: SandboxItem, position: number, reply: RunReply, limits: SandboxLimits): SandboxItemResult {
  const what = reply.ok
    ? 'returned a malformed result'
    : reply.reason === 'timeout'
      ? `timed out after ${limits.timeoutMsPerRecord} ms`
      : /out of memory/i.test(reply.message)
        ? 'ran out of memory'
        : `stopped the sandbox (${reply.message})`;
  if (position === PROGRESS_FILTER && item.filter) return { filter: { error: `filter "${item.filter}" ${what}` }, values: [] };
  const call = position >= 0 ? item.calls[position] : undefined;
  if (!call) return failedItem(item, `the sandbox ${what} while handling this record`);
  const culprit = `converter "${call.converter}" ${what}`;
  const values: SnippetOutcome[] = item.calls.map((_, i) =>
    ({ error: i === position ? culprit : `record abandoned: ${culprit}` }));
  return item.filter ? { filter: { pass: true }, values } : { values };
}
