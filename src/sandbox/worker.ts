/**
 * Worker-thread entry: owns one QuickJS runtime and answers run requests from the host (sandbox.ts).
 * If QuickJS aborts (e.g. the capped wasm memory cannot grow at a bad moment), the exception ends this
 * worker, not the host: the host sees the exit and starts a fresh worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openCappedQuickJS, openSnippetRuntime, type CappedQuickJS } from './quickjs.js';
import type { PrestartedInit, RunRequest, WorkerInit, WorkerMessage } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('src/sandbox/worker.ts must run in a worker thread');
const post = (message: WorkerMessage) => port.postMessage(message);

try {
  // Started ahead (workerHandle.ts prestart): QuickJS opens while the host loads its modules and reads its config;
  // the snippets and the shared slots come in the first message.
  let opened: CappedQuickJS | undefined;
  let init: WorkerInit;
  const ahead = (workerData as Partial<PrestartedInit>).prestarted;
  if (ahead) {
    const opening = openCappedQuickJS(ahead.memoryMb);
    opening.catch(() => undefined);
    init = await new Promise<WorkerInit>((resolve) => port.once('message', (message: { init: WorkerInit }) => resolve(message.init)));
    opened = await opening;
  } else {
    init = workerData as WorkerInit;
  }
  const progress = new Int32Array(init.progress);
  const started = new Int32Array(init.started);
  const runtime = await openSnippetRuntime(init.snippets, init.limits, (position) => Atomics.store(progress, 0, position), opened);
  port.on('message', (request: RunRequest) => {
    Atomics.store(started, 0, request.id);
    const outcome = runtime.run(request.json, request.budgetMs, request.trace, request.output);
    post(outcome.ok
      ? { type: 'result', id: request.id, json: outcome.json }
      : { type: 'failed', id: request.id, reason: outcome.reason, message: outcome.message });
  });
  post({ type: 'ready' });
} catch (err) {
  post({ type: 'init-failed', message: err instanceof Error ? err.message : String(err) });
}
