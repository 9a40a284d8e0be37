/**
 * Messages between the host (sandbox.ts) and the worker (worker.ts). Records and results cross as JSON text:
 * one string per batch is cheaper to post than a structured clone of 1,000 objects, and JSON is also the
 * boundary that keeps QuickJS values (and prototype tricks) from reaching the host.
 */
import type { SandboxLimits, SnippetSource } from './types.js';

export interface WorkerInit {
  snippets: SnippetSource[];
  limits: SandboxLimits;
  /**
   * Int32Array over a SharedArrayBuffer: slot 0 is where a traced run is (see PROGRESS_*). It stays readable
   * after the worker is terminated, which is how a hard stop still names the snippet that ran away.
   */
  progress: SharedArrayBuffer;
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
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'init-failed'; message: string }
  | { type: 'result'; id: number; json: string }
  /** The run did not finish: `timeout` when the deadline passed, otherwise QuickJS or the worker failed. */
  | { type: 'failed'; id: number; reason: 'timeout' | 'error'; message: string };
