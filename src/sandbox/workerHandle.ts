/**
 * Host side of one worker thread: starts it, sends one run at a time, and enforces the hard stop.
 * The interrupt handler inside the worker is only polled between bytecodes, so one long built-in call
 * (a huge join or sort in a loop) can overrun the deadline by many seconds; the host timer ends the
 * worker with `terminate()` when the soft stop has not happened within HARD_STOP_GRACE_MS.
 */
import { Worker } from 'node:worker_threads';
import { builtFile } from '../builtFiles.js';
import type { OutputCaps, PrestartedInit, RunRequest, WorkerInit, WorkerMessage } from './protocol.js';
import { holdWasmTierUp } from './wasmTiering.js';

export const HARD_STOP_GRACE_MS = 500;
/**
 * How long a posted run may wait for the worker to pick it up (see WorkerInit.started) before the worker is
 * given up as stuck. Measured: a fresh worker on a busy 2-core machine was held about 0.6-1 s.
 */
export const MAX_START_WAIT_MS = 10_000;
/** The worker's own V8 heap (JSON strings in and out); QuickJS's heap is the separate, capped wasm memory. */
const WORKER_HEAP_MB = 256;
/**
 * The worker's young generation: what it allocates per run is a few strings (the batch in, the results out; long
 * ones go to the large-object space), so V8's default of up to 48 MB is only resident memory. Measured (issue 19).
 */
const WORKER_YOUNG_MB = 3;

export type RunReply =
  | { ok: true; json: string }
  | { ok: false; reason: 'timeout' | 'error' | 'crash'; message: string };

interface Pending {
  id: number;
  resolve(reply: RunReply): void;
  timer: NodeJS.Timeout;
}

const WORKER_SCRIPT = builtFile('sandbox/worker.js');

/** A sandbox worker thread: no environment, its own heap limits, never keeping the process alive while idle. */
function spawnWorker(script: URL, workerData: object): Worker {
  const worker = new Worker(script, {
    workerData,
    env: {},
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: WORKER_YOUNG_MB },
  });
  // An idle sandbox must not keep the process alive; a run in flight holds its own timer.
  worker.unref();
  return worker;
}

/** A worker started ahead (prestart), until the first start() with its memory limit takes it. */
let spare: { worker: Worker; memoryMb: number; releaseTierUp: () => void } | undefined;

export class SnippetWorker {
  /**
   * Starts a worker before its snippets are known: Node's worker start-up, QuickJS's modules and its wasm take
   * ~150-250 ms, which then overlap the host's own start-up (loading its modules, reading the config) instead of
   * following it. The next start() for the same memory limit gets this worker; an unused one ends with the process
   * (it is unref'd). One spare at most.
   */
  static prestart(memoryMb: number): void {
    if (spare) return;
    const releaseTierUp = holdWasmTierUp();
    const prestarted: PrestartedInit = { prestarted: { memoryMb } };
    const worker = spawnWorker(WORKER_SCRIPT, prestarted);
    const gone = () => {
      if (spare?.worker !== worker) return;
      spare = undefined;
      releaseTierUp();
    };
    worker.once('error', gone);
    worker.once('exit', gone);
    spare = { worker, memoryMb, releaseTierUp };
  }

  /** Whether a worker started ahead is waiting to be taken (tests, diagnostics). */
  static get hasSpare(): boolean {
    return spare !== undefined;
  }

  private pending: Pending | undefined;
  private nextId = 1;
  private dead = false;

  private constructor(
    private readonly worker: Worker,
    private readonly started: Int32Array,
  ) {
    worker.on('message', (message: WorkerMessage) => this.onMessage(message));
    worker.on('error', (err) => this.fail('crash', `the sandbox worker failed: ${err.message}`));
    worker.on('exit', (code) => this.fail('crash', `the sandbox worker exited (code ${code})`));
  }

  /**
   * Resolves once the snippets are compiled; rejects with the compile or start-up error. Another payload can
   * run in the same kind of worker (the managed-mode template engine does): `script` is then its worker entry,
   * which must speak this file's protocol (RunRequest in, `ready`/`result`/`failed` out, `started` slot).
   */
  static start(init: Omit<WorkerInit, 'started'>): Promise<SnippetWorker>;
  static start(init: object, script: URL): Promise<SnippetWorker>;
  static start(init: object, script: URL = WORKER_SCRIPT): Promise<SnippetWorker> {
    const started = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
    const full = { ...init, started: started.buffer as SharedArrayBuffer };
    const ahead = script.href === WORKER_SCRIPT.href ? takeSpare((init as Partial<WorkerInit>).limits?.memoryMb) : undefined;
    // Until the worker has opened QuickJS (its first message), see wasmTiering.ts.
    const releaseTierUp = ahead?.releaseTierUp ?? holdWasmTierUp();
    const worker = ahead?.worker ?? spawnWorker(script, full);
    if (ahead) worker.postMessage({ init: full });
    return new Promise((resolve, reject) => {
      const onEarlyExit = (code: number) => {
        releaseTierUp();
        reject(new Error(`the sandbox worker exited during start-up (code ${code})`));
      };
      const onError = (err: Error) => {
        releaseTierUp();
        reject(err);
      };
      worker.once('error', onError);
      worker.once('exit', onEarlyExit);
      worker.once('message', (message: WorkerMessage) => {
        releaseTierUp();
        worker.off('error', onError);
        worker.off('exit', onEarlyExit);
        if (message.type === 'ready') {
          resolve(new SnippetWorker(worker, started));
        } else {
          void worker.terminate();
          reject(new Error(message.type === 'init-failed' ? message.message : `unexpected message "${message.type}"`));
        }
      });
    });
  }

  get alive(): boolean {
    return !this.dead;
  }

  run(json: string, budgetMs: number, trace: boolean, output: OutputCaps): Promise<RunReply> {
    if (this.dead) return Promise.resolve({ ok: false, reason: 'crash', message: 'the sandbox worker is gone' });
    if (this.pending) throw new Error('SnippetWorker.run called while a run is in flight');
    const id = this.nextId++;
    return new Promise((resolve) => {
      const posted = Date.now();
      const hardStop = (): void => {
        const pending = this.pending;
        if (!pending || pending.id !== id) return;
        const waiting = Atomics.load(this.started, 0) !== id;
        if (waiting && Date.now() - posted < MAX_START_WAIT_MS) {
          // Not picked up yet: the budget has not started, so neither has the hard stop's clock.
          pending.timer = setTimeout(hardStop, budgetMs + HARD_STOP_GRACE_MS);
          return;
        }
        this.fail('timeout', waiting
          ? `did not start the run within ${MAX_START_WAIT_MS} ms; the worker was terminated`
          : `did not stop within ${HARD_STOP_GRACE_MS} ms of the deadline; the worker was terminated`);
        void this.terminate();
      };
      const timer = setTimeout(hardStop, budgetMs + HARD_STOP_GRACE_MS);
      this.pending = { id, resolve, timer };
      const request: RunRequest = { id, json, budgetMs, trace, output };
      this.worker.postMessage(request);
    });
  }

  async terminate(): Promise<void> {
    this.dead = true;
    this.fail('crash', 'the sandbox worker was closed');
    await this.worker.terminate();
  }

  private onMessage(message: WorkerMessage): void {
    const pending = this.pending;
    if (!pending || !('id' in message) || message.id !== pending.id) return;
    this.settle(message.type === 'result'
      ? { ok: true, json: message.json }
      : { ok: false, reason: message.reason, message: message.message });
  }

  private fail(reason: 'timeout' | 'crash', message: string): void {
    this.dead = true;
    this.settle({ ok: false, reason, message });
  }

  private settle(reply: RunReply): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    clearTimeout(pending.timer);
    pending.resolve(reply);
  }
}

/** The spare worker if it was started for this memory limit (it is then no longer the spare). */
function takeSpare(memoryMb: number | undefined): typeof spare {
  if (!spare || spare.memoryMb !== memoryMb) return undefined;
  const taken = spare;
  spare = undefined;
  return taken;
}
