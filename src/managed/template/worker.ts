/**
 * Worker-thread entry of the template engine: one capped QuickJS runtime (src/sandbox/quickjs.ts) with the
 * engine's runtime modules (./runtime/, compiled by tsc next to this file) loaded as ES modules. It speaks the
 * sandbox worker protocol (src/sandbox/protocol.ts): a RunRequest's `json` is one engine request, the result's
 * `json` the engine's reply. A limit hit ends the run with `failed`; the host then replaces this worker.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type { QuickJSHandle } from 'quickjs-emscripten';
import type { RunRequest, WorkerMessage } from '../../sandbox/protocol.js';
import { describeHandle, openCappedQuickJS } from '../../sandbox/quickjs.js';

export interface TemplateWorkerInit {
  memoryMb: number;
}

const RUNTIME_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'runtime');
const ENTRY = 'entry.js';

const port = parentPort;
if (!port) throw new Error('src/managed/template/worker.ts must run in a worker thread');
const init = workerData as TemplateWorkerInit & { started: SharedArrayBuffer };
const started = new Int32Array(init.started);
const post = (message: WorkerMessage) => port.postMessage(message);

/** Module names are paths inside RUNTIME_DIR ("modules/index.js"); nothing outside it can be loaded. */
function normalize(base: string, requested: string): string {
  const joined = path.posix.normalize(path.posix.join(path.posix.dirname(base), requested));
  if (joined.startsWith('..') || path.posix.isAbsolute(joined) || !joined.endsWith('.js')) {
    throw new Error(`the template runtime cannot import "${requested}"`);
  }
  return joined;
}

function readModule(name: string): string {
  return fs.readFileSync(path.join(RUNTIME_DIR, ...name.split('/')), 'utf8');
}

try {
  const { runtime, context, setDeadline } = await openCappedQuickJS(init.memoryMb);
  runtime.setModuleLoader((name) => readModule(name), (base, requested) => normalize(base, requested));
  const loaded = context.evalCode(readModule(ENTRY), ENTRY, { type: 'module' });
  if (loaded.error) {
    const message = describeHandle(context, loaded.error);
    loaded.error.dispose();
    throw new Error(`loading the template runtime: ${message}`);
  }
  let exports: QuickJSHandle = loaded.value;
  let state = context.getPromiseState(exports);
  if (state.type === 'pending') {
    runtime.executePendingJobs();
    state = context.getPromiseState(exports);
  }
  if (state.type === 'rejected') {
    const message = describeHandle(context, state.error);
    throw new Error(`loading the template runtime: ${message}`);
  }
  if (state.type === 'fulfilled' && !state.notAPromise) {
    exports.dispose();
    exports = state.value;
  }
  const handle = context.getProp(exports, 'handle');
  exports.dispose();

  port.on('message', (request: RunRequest) => {
    Atomics.store(started, 0, request.id);
    const input = context.newString(request.json);
    const entropy = context.newString(randomBytes(32).toString('hex'));
    const deadline = Date.now() + request.budgetMs;
    setDeadline(deadline);
    const result = context.callFunction(handle, context.undefined, input, entropy);
    const late = Date.now() > deadline;
    setDeadline(Number.POSITIVE_INFINITY);
    input.dispose();
    entropy.dispose();
    if (result.error) {
      const message = describeHandle(context, result.error);
      result.error.dispose();
      post({ type: 'failed', id: request.id, reason: late || message.includes('interrupted') ? 'timeout' : 'error', message });
      return;
    }
    const json = context.getString(result.value);
    result.value.dispose();
    post({ type: 'result', id: request.id, json });
  });
  post({ type: 'ready' });
} catch (err) {
  post({ type: 'init-failed', message: err instanceof Error ? err.message : String(err) });
}
