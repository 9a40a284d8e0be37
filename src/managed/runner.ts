/**
 * The managed-mode main loop (managed fact sheet §1): poll check_managed every 10 s, start every integration it
 * returns, never the same id twice at once (the original would run it twice side by side), and on a stop signal
 * stop polling, let running syncs finish within a grace period, then interrupt them (each tells Oomnitza).
 */
import { errorMessage } from '../errors.js';
import { HttpError } from '../http/httpError.js';
import { getLogger, type Logger } from '../logging.js';
import type { OomnitzaClient } from '../oomnitza/client.js';
import { printSummaries } from '../pipeline/summary.js';
import { randomUUID } from 'node:crypto';
import type { ManagedFetchModule } from './fetch/types.js';
import { identify, planRun } from './integration.js';
import { runIntegration, type RunDeps, type RunResult } from './run.js';
import { isPlainObject, managedSectionKey, type ManagedSection } from './settings.js';

export interface RunnerOptions extends Omit<RunDeps, 'signal' | 'log'> {
  fetch: ManagedFetchModule;
  sections: Map<string, ManagedSection>;
  /** --once: one poll, run what it returned, then exit. */
  once: boolean;
  /** --ignore-cloud-maintenance: keep polling when check_managed fails with 429/5xx (or no answer) after retries. */
  ignoreMaintenance: boolean;
  /** SIGTERM / Ctrl-C. */
  stop: AbortSignal;
  /** Time running syncs get after a stop before they are interrupted ([oomnitza] stop_grace). */
  graceMs: number;
  pollMs?: number;
  /** Wait after a maintenance answer before the next poll (the original: 2 s). */
  maintenanceWaitMs?: number;
  /** After a poll, called with what it returned (tests). */
  onPoll?: (reply: unknown) => void;
  /** After each integration run, with its counts (the metrics endpoint). */
  onResult?: (stats: RunResult['stats']) => void;
}

export const POLL_MS = 10_000;
const MAINTENANCE_STATUSES = new Set([429, 500, 502, 503, 504]);

/** A poll that failed because Oomnitza is in maintenance (retries exhausted on 429/5xx) or gave no answer at all. */
export function isMaintenance(err: unknown): boolean {
  if (!(err instanceof HttpError)) return false;
  return err.status === undefined || MAINTENANCE_STATUSES.has(err.status);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Returns the exit code: 0 clean (all delivered with --once), 1 failures or a poll that failed. */
export async function runManaged(opts: RunnerOptions): Promise<number> {
  const log = getLogger('managed');
  const running = new Map<string, { done: Promise<void>; abort: AbortController }>();
  const results: RunResult[] = [];
  let failures = 0;
  let exitCode = 0;
  let firstPoll = true;

  const start = (cloud: unknown): void => {
    let who: ReturnType<typeof identify>;
    try {
      who = identify(cloud);
    } catch (err) {
      failures++;
      log.error(`check_managed returned ${errorMessage(err)}; skipped`);
      return;
    }
    const key = String(who.id);
    if (running.has(key)) {
      log.info(`integration ${key} "${who.name}" is still running; not started again`);
      return;
    }
    const sectionName = managedSectionKey(who.reports ? 'managed_reports' : 'managed', who.id);
    const runLog = getLogger(`managed/${key}`);
    let plan;
    try {
      plan = planRun(cloud as Record<string, unknown>, opts.sections.get(sectionName), opts.fetch);
    } catch (err) {
      failures++;
      const message = `the integration's configuration cannot be used: ${errorMessage(err)}`;
      runLog.error(`${sectionName} "${who.name}": ${message}`);
      // The original ends such a run silently; tell the cloud, so that the admin sees why nothing synced.
      const report = opts.base.addReadyPortion(who.id, {
        correlation_id: randomUUID(), failed: 1, error_message: message, test_run: false, multi_str_input_value: null, error_type: 'Fatal Error',
      }, AbortSignal.timeout(30_000)).then(() => undefined, (e: unknown) => void runLog.error(`${sectionName}: telling Oomnitza failed: ${errorMessage(e)}`));
      running.set(key, { done: report.finally(() => running.delete(key)), abort: new AbortController() });
      return;
    }
    const abort = new AbortController();
    runLog.info(`${plan.label}: starting${plan.testRun || opts.testmode ? ' (test run)' : ''}`);
    const done = runIntegration(plan, { ...opts, signal: abort.signal, log: runLog })
      .then((result) => {
        results.push(result);
        printSummaries([result.stats], opts.testmode);
        opts.onResult?.(result.stats);
      })
      .catch((err: unknown) => {
        failures++;
        runLog.error(`${plan.label}: internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      })
      .finally(() => running.delete(key));
    running.set(key, { done, abort });
  };

  while (!opts.stop.aborted) {
    let reply: unknown;
    try {
      reply = await opts.base.checkManaged(opts.connectorVersion, opts.stop);
    } catch (err) {
      if (opts.stop.aborted) break;
      if (opts.ignoreMaintenance && isMaintenance(err)) {
        log.warn(`Oomnitza maintenance detected (${errorMessage(err)}); will retry later`);
        await sleep(opts.maintenanceWaitMs ?? 2000, opts.stop);
        continue;
      }
      log.error(`polling Oomnitza failed: ${errorMessage(err)}${isMaintenance(err) ? ' (run with --ignore-cloud-maintenance to keep polling through a maintenance window)' : ''}`);
      exitCode = 1;
      break;
    }
    opts.onPoll?.(reply);
    if (!Array.isArray(reply)) {
      log.error(`check_managed answered ${JSON.stringify(reply)?.slice(0, 200)}, not a list of integrations`);
      failures++;
    } else {
      for (const cloud of reply) start(cloud);
      if (firstPoll) warnUnreturned(opts.sections, reply, log, opts.once);
    }
    firstPoll = false;
    if (opts.once) break;
    await sleep(opts.pollMs ?? POLL_MS, opts.stop);
  }

  if (running.size) {
    if (opts.stop.aborted) {
      log.warn(`stopping: ${running.size} integration run(s) in progress get ${opts.graceMs / 1000} s to finish`);
      const all = Promise.all([...running.values()].map((r) => r.done));
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<'grace'>((resolve) => (timer = setTimeout(() => resolve('grace'), opts.graceMs)));
      const first = await Promise.race([all.then(() => 'done' as const), graceOver]);
      clearTimeout(timer);
      if (first === 'grace') {
        log.warn(`interrupting ${running.size} run(s) still in progress; Oomnitza is told they were interrupted`);
        for (const r of running.values()) r.abort.abort(opts.stop.reason ?? new Error('stopped'));
      }
    }
    await Promise.all([...running.values()].map((r) => r.done));
  }
  if (exitCode) return exitCode;
  if (opts.stop.aborted && !opts.once) return 0;
  return failures === 0 && results.every((r) => r.stats.ok) ? 0 : 1;
}

/** A `[managed.N]` section whose id the cloud does not return is probably a typo or a deleted integration. */
function warnUnreturned(sections: Map<string, ManagedSection>, reply: unknown[], log: Logger, once: boolean): void {
  const returned = new Set(reply.filter(isPlainObject).map((c) => {
    try {
      const who = identify(c);
      return managedSectionKey(who.reports ? 'managed_reports' : 'managed', who.id);
    } catch {
      return '';
    }
  }));
  for (const s of sections.values()) {
    if (!returned.has(s.name)) {
      log.warn(`${s.file}:${s.line}: [${s.name}]: Oomnitza did not return integration ${s.id}${once ? '' : ' in its first answer'} (a typo in the id, or an integration not scheduled now?)`);
    }
  }
}
