/**
 * Messages between the host (sandbox.ts) and the worker (worker.ts). Records and results cross as JSON text:
 * one string per batch is cheaper to post than a structured clone of 1,000 objects, and JSON is also the
 * boundary that keeps QuickJS values (and prototype tricks) from reaching the host.
 */
import type { SandboxLimits, SnippetSource } from './types.js';

/**
 * The QuickJS build declares 256 initial pages (16 MB); a smaller memory fails to link. Here, not in quickjs.ts,
 * so that the host checks limits without loading QuickJS itself (only the worker needs it).
 */
export const MIN_MEMORY_MB = 16;

export interface WorkerInit {
  snippets: SnippetSource[];
  limits: SandboxLimits;
  /**
   * Int32Array over a SharedArrayBuffer: slot 0 is where a traced run is (see PROGRESS_*). It stays readable
   * after the worker is terminated, which is how a hard stop still names the snippet that ran away.
   */
  progress: SharedArrayBuffer;
  /**
   * Int32Array over a SharedArrayBuffer: slot 0 is the id of the last run the worker started. The host's
   * hard-stop clock counts from there, not from when the request was posted: a fresh worker's thread can be
   * held for a second or more while V8 optimises the QuickJS WebAssembly, before it even reads the request.
   */
  started: SharedArrayBuffer;
}

/** The workerData of a worker started ahead of its snippets: its WorkerInit follows as its first message (`{ init }`). */
export interface PrestartedInit {
  prestarted: { memoryMb: number };
}

/** Progress slot values; a value >= 0 is the index of the converter call being run. */
export const PROGRESS_NOT_STARTED = -3;
export const PROGRESS_SERIALISING = -2;
export const PROGRESS_FILTER = -1;

export interface RunRequest {
  id: number;
  /** JSON array of SandboxItem. */
  json: string;
  /** Soft deadline for the whole message; the interrupt handler stops QuickJS when it passes. */
  budgetMs: number;
  /** Report progress into the shared slot (used when re-running one record at a time). */
  trace: boolean;
  output: OutputCaps;
}

/**
 * How much result JSON (in characters) may come back: per record, and for this whole message (what is left of
 * the caller's run). A result that does not fit comes back as a small fault entry instead.
 */
export interface OutputCaps {
  perRecord: number;
  perRun: number;
  /** Levels of arrays and objects a value may have (a deeper one comes back as a `depth` fault). */
  depth: number;
}

/**
 * One entry of a result as the runner returns it (host words the errors; only `threw` is snippet text):
 * `[value]` | `{threw, length?, line?}` (the snippet threw; `length` of its text when cut; line within its body) |
 * `{fault: 'async' | 'unknown' | 'run-limit' | 'depth'}` | `{fault: 'record-limit', size}` | `{fault: 'json', threw}`.
 * A value is wrapped in an array so that it cannot be mistaken for an error entry, whatever it is.
 */
export type WireEntry =
  | [value: unknown]
  | { threw: string; length?: number; line?: number }
  | { fault: 'async' | 'unknown' | 'run-limit' | 'depth' }
  | { fault: 'record-limit'; size: number }
  | { fault: 'json'; threw: string; length?: number };

/**
 * One record's result: `[filter, ...entries]`. `filter` is null when the record had no filter, 1 when it passed,
 * 0 when it filtered the record out, or a fault entry when it failed; the entries (one per converter call) follow
 * only when it passed or there was none. Arrays rather than `{"filter": ..., "values": [{"value": ...}]}`: the
 * runner builds this text in QuickJS's interpreter and the host parses it, for every record (issue 19).
 */
export type WireItem = [filter: null | 0 | 1 | Exclude<WireEntry, [unknown]>, ...entries: WireEntry[]];

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'init-failed'; message: string }
  | { type: 'result'; id: number; json: string }
  /** The run did not finish: `timeout` when the deadline passed, otherwise QuickJS or the worker failed. */
  | { type: 'failed'; id: number; reason: 'timeout' | 'error'; message: string };
