/**
 * `connector serve`: receives webhooks for every enabled section whose source declares the webhook capability
 * (`SourcePlugin.webhook`, today Jamf Pro's `[casper]`) and syncs the record each one names (the original's
 * server.py, with the hardening it lacked: see README.md). The server knows sources only through that capability.
 * Resolves with the exit code once `signal` has stopped it: stop accepting, drain the queue, send what is
 * buffered, close, all within `drainTimeoutMs` (shutdown.ts).
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { CommonOptions } from '../cli/options.js';
import { parseBool } from '../config/settings.js';
import { parseIni } from '../config/iniReader.js';
import { loadConfig, sectionType, sourceTypesWhere, type SectionConfig } from '../config/loadConfig.js';
import { ConfigError, ConfigErrors, ConnectorError, errorMessage } from '../errors.js';
import { getLogger } from '../logging.js';
import { ConnectorMetrics, startMetricsEndpoint, type MetricsEndpoint } from '../metrics/index.js';
import { startServeProgress } from './serveProgress.js';
import { connectOomnitza, prepareSection, type OomnitzaConnection } from '../pipeline/prepareSection.js';
import { runOptions } from '../pipeline/runOptions.js';
import { DeadLetterSpool } from '../spool/deadLetterSpool.js';
import { spoolDirOf } from '../spool/spoolDir.js';
import { createRuntimes, type SectionRuntime } from '../pipeline/sectionRuntime.js';
import type { RecordId, SourcePlugin, WebhookDescriptor } from '../sources/types.js';
import { createGuard, type SectionGuard } from './auth.js';
import { connectionCap, openFilesLimit, reservedDescriptors } from './connectionLimits.js';
import { createListener, type ListenedSection, type WebhookOutcome } from './listener.js';
import { quoteForLog } from './logText.js';
import { CoalescingQueue } from './queue.js';
import { SectionSync } from './sectionSync.js';
import { settlesBy, stoppedSummary, stopServing } from './shutdown.js';
import { ThrottledLog } from './throttledLog.js';

export interface ServerTuning {
  bodyLimitBytes: number;
  /** Records waiting to be fetched, over all sections; beyond it webhooks get 503. */
  queueCapacity: number;
  coalesceMs: number;
  /** Records per portion sent to Oomnitza, and the longest a fetched record waits for one. */
  batchMaxRecords: number;
  batchWindowMs: number;
  /**
   * The longest a stop takes, from the signal to serve() returning (--drain-timeout): in-flight fetches and
   * pushes are aborted in time for it, and what was not sent is counted.
   */
  drainTimeoutMs: number;
  /** Client connections at most (--max-connections), lowered to fit the open-files limit. */
  maxConnections: number;
  /** --headers-timeout, --request-timeout, --keep-alive-timeout. */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** Fetches of one record at most after transient failures (--fetch-retries + 1), and the first retry's delay (doubling). */
  fetchAttempts: number;
  fetchRetryDelayMs: number;
  /** Lines caused by requests: one of each kind per interval, then a count. */
  requestLogIntervalMs: number;
}

export const DEFAULT_TUNING: ServerTuning = {
  bodyLimitBytes: 1024 * 1024,
  queueCapacity: 10_000,
  coalesceMs: 1_000,
  batchMaxRecords: 100,
  batchWindowMs: 2_000,
  // systemd kills at 90 s (TimeoutStopSec): well within, with room for the last log lines.
  drainTimeoutMs: 30_000,
  maxConnections: 256,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  fetchAttempts: 4,
  fetchRetryDelayMs: 10_000,
  requestLogIntervalMs: 10_000,
};

/** Each bound must be a positive number, and a request's headers cannot take longer than the whole request. */
function checkTuning(t: ServerTuning): void {
  const flags: Array<[keyof ServerTuning, string]> = [
    ['drainTimeoutMs', '--drain-timeout'], ['maxConnections', '--max-connections'], ['headersTimeoutMs', '--headers-timeout'],
    ['requestTimeoutMs', '--request-timeout'], ['keepAliveTimeoutMs', '--keep-alive-timeout'], ['fetchAttempts', '--fetch-retries'],
    ['fetchRetryDelayMs', '--fetch-retry-delay'],
  ];
  for (const [key, flag] of flags) {
    if (!Number.isFinite(t[key]) || t[key] <= 0) throw new ConfigError({ key: flag }, `must be a positive number (got ${t[key]})`);
  }
  if (t.headersTimeoutMs > t.requestTimeoutMs) {
    throw new ConfigError({ key: '--headers-timeout' }, `${t.headersTimeoutMs / 1000} s is longer than --request-timeout (${t.requestTimeoutMs / 1000} s), which includes the headers`);
  }
}

export interface ServeOptions extends CommonOptions {
  host: string;
  port: number;
  /** Tests shorten the windows; the CLI uses the defaults. */
  tuning?: Partial<ServerTuning>;
  /** Called once listening, with the bound address (port 0 picks a free port). */
  onListening?: (address: AddressInfo) => void;
  /** --metrics-port: serve Prometheus metrics at /metrics on this port (0 picks a free one); undefined: no endpoint. */
  metricsPort?: number;
  /** --metrics-host (default 127.0.0.1). */
  metricsHost?: string;
  /** Called once the metrics endpoint listens, with its URL. */
  onMetrics?: (url: string) => void;
}

const log = getLogger('server');

/** The capability `connector serve` serves. */
const receivesWebhooks = (plugin: SourcePlugin<any>): boolean => plugin.webhook !== undefined;

function webhookOf(section: SectionConfig): WebhookDescriptor {
  // Only sections whose plugin declares it are loaded (servedSectionNames).
  return section.plugin.webhook!;
}

/** Enabled sections of the given types, read from the raw INI (loadConfig then validates them properly). */
async function servedSectionNames(file: string, types: ReadonlyMap<string, unknown>): Promise<string[]> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch {
    return []; // loadConfig reports the unreadable file
  }
  const names: string[] = [];
  for (const [name, section] of parseIni(text, file).sections) {
    if (!types.has(sectionType(name))) continue;
    const enable = section.entries.get('enable')?.value ?? '';
    let enabled: boolean;
    try {
      enabled = enable !== '' && parseBool(enable);
    } catch {
      enabled = true; // let loadConfig name the bad value
    }
    if (enabled) names.push(name);
  }
  return names;
}

function checkAddress(host: string, port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError({ key: '--port' }, `"${port}" is not a port number (0-65535)`);
  if (!host.trim()) throw new ConfigError({ key: '--host' }, 'an address to listen on is required');
}

export async function serve(opts: ServeOptions, signal: AbortSignal): Promise<number> {
  checkAddress(opts.host, opts.port);
  const tuning = { ...DEFAULT_TUNING, ...opts.tuning };
  checkTuning(tuning);
  const types = await sourceTypesWhere(receivesWebhooks);
  const names = await servedSectionNames(opts.ini, types);
  const config = await loadConfig(opts.ini, { sections: names, requireEnabled: true });
  if (config.sections.length === 0) {
    const kinds = [...types].map(([type, plugin]) => `[${type}] (${plugin.webhook!.sender})`).join(', ');
    throw new ConfigError({ file: opts.ini }, `no enabled ${[...types.keys()].map((t) => `[${t}]`).join(' or ')} section: ` +
      `the webhook server syncs the sections whose source sends webhooks: ${kinds}; add "enable = True" to one`);
  }
  const guards = new Map<string, SectionGuard>();
  const guardErrors: ConfigError[] = [];
  for (const section of config.sections) {
    try {
      guards.set(section.name, createGuard(webhookOf(section).auth(section.settings as never), section.name));
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      guardErrors.push(new ConfigError({ ...err.location, file: section.file, line: section.lines[err.location.key ?? ''] ?? section.line }, err.message.replace(/^\[[^\]]*\] \S+: /, '')));
    }
  }
  if (guardErrors.length) throw new ConfigErrors(guardErrors);
  const limit = openFilesLimit();
  const { cap, lowered } = connectionCap(tuning.maxConnections, limit, reservedDescriptors(config.sections.length, opts.workers));
  if (lowered) {
    log.warn(`--max-connections ${tuning.maxConnections} leaves too few file descriptors for the Jamf and Oomnitza connections ` +
      `under the open-files limit (${limit}); using ${cap}`);
  }

  // The shutdown signal stops the listener; the work in flight runs to its end under its own signal, aborted
  // when the stop runs out of time (shutdown.ts). Every wait from here on ends by `closeBy`.
  const hardStop = new AbortController();
  const runtimes = createRuntimes(config, { signal: hardStop.signal, workers: opts.workers });
  const metrics = opts.metricsPort === undefined ? undefined : new ConnectorMetrics();
  let endpoint: MetricsEndpoint | undefined;
  let oomnitza: OomnitzaConnection | undefined;
  if (metrics) {
    metrics.observeHttp();
    metrics.watchBreakers(() => [
      ...(oomnitza && !oomnitza.testmode ? [['oomnitza', oomnitza.client.pushBreaker.state] as const] : []),
      ...runtimes.flatMap((r) => (r.http.breaker ? [[r.section.name, r.http.breaker.state] as const] : [])),
    ]);
    try {
      endpoint = await startMetricsEndpoint({ host: opts.metricsHost ?? '127.0.0.1', port: opts.metricsPort!, render: () => metrics.render() });
    } catch (err) {
      metrics.close();
      await Promise.allSettled(runtimes.map((r) => r.close()));
      throw err;
    }
    log.info(`metrics at ${endpoint.url}`);
    opts.onMetrics?.(endpoint.url);
  }
  let closeBy: number | undefined;
  const stopped = () => (closeBy ??= Date.now() + tuning.drainTimeoutMs);
  try {
    // Connecting to Oomnitza and loading mappings may hang: a stop during the start ends it at once (nothing was accepted).
    const starting = (async () => {
      oomnitza = await connectOomnitza(config, opts.testmode);
      return prepareSyncs(runtimes, oomnitza, opts, hardStop.signal, tuning, opts.testmode ? undefined : new DeadLetterSpool(spoolDirOf(config)));
    })();
    const syncs = await untilStopped(starting, signal);
    if (!syncs) {
      stopped();
      hardStop.abort();
      starting.catch(() => undefined);
      log.warn('stopped while starting (connecting to Oomnitza, loading mappings): no webhook was accepted yet');
      return 0;
    }
    for (const [name, sync] of syncs) {
      if (!metrics) break;
      sync.onPortion = (stats) => metrics.recordSection(stats);
      sync.onQueueDepth = (waiting) => metrics.pushQueue(name, waiting);
      metrics.pushQueue(name, 0);
    }
    return await run(opts, signal, hardStop, { ...tuning, maxConnections: cap }, guards, syncs, stopped, metrics);
  } finally {
    metrics?.close();
    await endpoint?.close();
    // A logout to a hanging Jamf (or Oomnitza) must not hold the stop past its time.
    const closing = Promise.allSettled([...runtimes.map((r) => r.close()), oomnitza?.client.close()]);
    if (closeBy === undefined) await closing;
    else if (!(await settlesBy(closing, closeBy))) log.warn('gave up waiting for the connections to Jamf and Oomnitza to close (--drain-timeout)');
  }
}

/** Resolves with what `work` resolves, or undefined as soon as `signal` aborts. */
async function untilStopped<T>(work: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return undefined;
  let onAbort!: () => void;
  const aborted = new Promise<undefined>((resolve) => signal.addEventListener('abort', (onAbort = () => resolve(undefined)), { once: true }));
  try {
    return await Promise.race([work, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

async function prepareSyncs(
  runtimes: SectionRuntime[], oomnitza: OomnitzaConnection, opts: ServeOptions, hardStop: AbortSignal, tuning: ServerTuning,
  spool: DeadLetterSpool | undefined,
): Promise<Map<string, SectionSync>> {
  const syncs = new Map<string, SectionSync>();
  const runOpts = { ...runOptions({ ...opts, recordCount: undefined }, hardStop), spool };
  for (const rt of runtimes) {
    let prepared;
    try {
      prepared = await prepareSection(rt, oomnitza, opts.showMappings);
    } catch (err) {
      throw new ConnectorError(`[${rt.section.name}]: ${errorMessage(err)}`);
    }
    const batching = { maxRecords: tuning.batchMaxRecords, windowMs: tuning.batchWindowMs };
    const retry = { attempts: tuning.fetchAttempts, delayMs: tuning.fetchRetryDelayMs };
    syncs.set(rt.section.name, new SectionSync(prepared, webhookOf(rt.section), runOpts, batching, retry));
  }
  return syncs;
}

async function run(
  opts: ServeOptions, signal: AbortSignal, hardStop: AbortController, tuning: ServerTuning,
  guards: Map<string, SectionGuard>, syncs: Map<string, SectionSync>, stopped: () => number, metrics?: ConnectorMetrics,
): Promise<number> {
  const counts = { received: 0, ignored: 0 };
  const queue = new CoalescingQueue<RecordId>({
    capacity: tuning.queueCapacity,
    coalesceMs: tuning.coalesceMs,
    concurrency: opts.workers,
    process: (queued) => syncs.get(queued.section)!.process(queued),
  });
  metrics?.watchQueue(() => ({ waiting: queue.pending, inFlight: queue.inFlight }));
  let stopping = false;
  // Anyone who reaches the port causes these lines: each kind at most once per interval, then a count.
  const requestLog = new ThrottledLog(log, tuning.requestLogIntervalMs);

  const onWebhook: Parameters<typeof createListener>[0]['onWebhook'] = (section, webhook): WebhookOutcome => {
    counts.received++;
    const sync = syncs.get(section)!;
    if (webhook.kind === 'unsupported') {
      counts.ignored++;
      requestLog.write('info', `${section}\u0000unsupported`, () =>
        `[${section}] ignored webhook event ${quoteForLog(webhook.event)}: not an event this server handles`);
      return 'ignored';
    }
    if (webhook.recordKind !== sync.recordKind) {
      counts.ignored++;
      const noun = (kind: string) => sync.webhook.nouns[kind] ?? kind;
      requestLog.write('warn', `${section}\u0000kind`, () =>
        `[${section}] ignored ${quoteForLog(webhook.event)} for ${sync.label(webhook.recordKind, webhook.id)}: this section syncs ` +
        `${noun(sync.recordKind)} records; point ${noun(webhook.recordKind)} webhooks at ${sync.webhook.sectionFor(webhook.recordKind)}`);
      return 'ignored';
    }
    if (stopping) return 'closed';
    const outcome = queue.enqueue(section, webhook.id, webhook.event);
    if (outcome === 'full') {
      // A burst can refuse thousands of events: one warning per interval, with the count, not one per event.
      requestLog.write('warn', 'queue full', () => `[${section}] queue full (${tuning.queueCapacity} records waiting): answered 503; ` +
        `${sync.webhook.sender} sends the webhook again later`);
    }
    return outcome;
  };

  const health = (visible: (section: string) => boolean) => {
    // Only the sections this client could post to: /healthz must not tell a stranger which sections exist.
    const sections = Object.fromEntries([...syncs].filter(([name]) => visible(name)).map(([name, s]) => [name, { ...s.totals }]));
    return {
      status: stopping ? 'stopping' : 'ok',
      received: counts.received,
      ignored: counts.ignored,
      ...queue.counts,
      waiting: queue.pending,
      fetching: queue.inFlight,
      sections,
    };
  };

  const sections = new Map<string, ListenedSection>([...syncs].map(([name, s]) => [name, { guard: guards.get(name)!, parse: (body) => s.webhook.parse(body) }]));
  const limits = {
    maxConnections: tuning.maxConnections,
    headersTimeoutMs: tuning.headersTimeoutMs,
    requestTimeoutMs: tuning.requestTimeoutMs,
    keepAliveTimeoutMs: tuning.keepAliveTimeoutMs,
  };
  const server = createListener({ bodyLimitBytes: tuning.bodyLimitBytes, limits, sections, onWebhook, health, log, requestLog });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new ConnectorError(`cannot listen on ${opts.host}:${opts.port}: ${err.code ?? err.message}`)));
    server.listen(opts.port, opts.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const senders = [...new Set([...syncs.values()].map((s) => s.webhook.sender))].join(', ');
  log.info(`listening on http://${shown}:${address.port} for ${senders} webhooks; sections: ${[...syncs.keys()].map((n) => `/${n}`).join(', ')}` +
    `${opts.testmode ? ' (testmode: nothing is sent)' : ''}`);
  for (const [name, guard] of guards) if (!guard.requiresAuth) log.warn(`[${name}] accepts webhooks without authentication; set webhook_token or webhook_username/webhook_password`);
  opts.onListening?.(address);

  const stopProgress = startServeProgress({ intervalMs: (opts.progressInterval ?? 30) * 1000, testmode: opts.testmode, log }, () => ({
    received: counts.received, ignored: counts.ignored, queued: queue.counts.queued, waiting: queue.pending, fetching: queue.inFlight,
    sections: [...syncs].map(([name, s]) => [name, s.totals]),
  }));
  if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));

  stopProgress();
  stopping = true;
  const deadline = stopped();
  log.info(`stopping: no new webhooks; sending ${queue.pending + queue.inFlight} queued device(s) within ${tuning.drainTimeoutMs / 1000} s (--drain-timeout)`);
  const result = await stopServing({ server, queue, syncs, hardStop, drainTimeoutMs: tuning.drainTimeoutMs, deadline, log });
  requestLog.flush();
  const summary = stoppedSummary({ ...counts, coalesced: queue.counts.coalesced, rejected: queue.counts.rejected }, syncs, result,
    { testmode: opts.testmode, drainTimeoutMs: tuning.drainTimeoutMs });
  (summary.ok ? log.info.bind(log) : log.error.bind(log))(summary.line);
  return summary.exitCode;
}
