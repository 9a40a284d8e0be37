/**
 * `connector serve`: receives webhooks for every enabled section whose source declares the webhook capability
 * (`SourcePlugin.webhook`, today Jamf Pro's `[casper]`) and syncs the record each one names (the original's
 * server.py, with the hardening it lacked: see README.md). The server knows sources only through that capability.
 * Resolves with the exit code once `signal` has stopped it: stop accepting, drain the queue, send what is
 * buffered, close.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { CommonOptions } from '../cli/options.js';
import { parseBool } from '../config/settings.js';
import { parseIni } from '../config/iniReader.js';
import { loadConfig, sectionType, sourceTypesWhere, type SectionConfig } from '../config/loadConfig.js';
import { ConfigError, ConfigErrors, ConnectorError, errorMessage } from '../errors.js';
import { getLogger } from '../logging.js';
import { connectOomnitza, prepareSection, type OomnitzaConnection } from '../pipeline/prepareSection.js';
import { runOptions } from '../pipeline/runOptions.js';
import { createRuntimes, type SectionRuntime } from '../pipeline/sectionRuntime.js';
import type { RecordId, SourcePlugin, WebhookDescriptor } from '../sources/types.js';
import { createGuard, type SectionGuard } from './auth.js';
import { createListener, type ListenedSection, type WebhookOutcome } from './listener.js';
import { CoalescingQueue } from './queue.js';
import { SectionSync } from './sectionSync.js';

export interface ServerTuning {
  bodyLimitBytes: number;
  /** Records waiting to be fetched, over all sections; beyond it webhooks get 503. */
  queueCapacity: number;
  coalesceMs: number;
  /** Records per portion sent to Oomnitza, and the longest a fetched record waits for one. */
  batchMaxRecords: number;
  batchWindowMs: number;
  /** Longest graceful shutdown; what is still queued after it is dropped (and counted in the log). */
  drainTimeoutMs: number;
}

export const DEFAULT_TUNING: ServerTuning = {
  bodyLimitBytes: 1024 * 1024,
  queueCapacity: 10_000,
  coalesceMs: 1_000,
  batchMaxRecords: 100,
  batchWindowMs: 2_000,
  drainTimeoutMs: 60_000,
};

export interface ServeOptions extends CommonOptions {
  host: string;
  port: number;
  /** Tests shorten the windows; the CLI uses the defaults. */
  tuning?: Partial<ServerTuning>;
  /** Called once listening, with the bound address (port 0 picks a free port). */
  onListening?: (address: AddressInfo) => void;
}

const log = getLogger('server');
const FULL_WARNING_INTERVAL_MS = 10_000;

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
  const types = sourceTypesWhere(receivesWebhooks);
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

  // The shutdown signal stops the listener; the work in flight runs to its end under its own signal,
  // aborted only when the drain takes longer than drainTimeoutMs.
  const hardStop = new AbortController();
  const runtimes = createRuntimes(config, { signal: hardStop.signal, workers: opts.workers });
  let oomnitza: OomnitzaConnection | undefined;
  try {
    oomnitza = await connectOomnitza(config, opts.testmode);
    const syncs = await prepareSyncs(runtimes, oomnitza, opts, hardStop.signal, tuning);
    return await run(opts, signal, hardStop, tuning, guards, syncs);
  } finally {
    await Promise.allSettled([...runtimes.map((r) => r.close()), oomnitza?.client.close()]);
  }
}

async function prepareSyncs(
  runtimes: SectionRuntime[], oomnitza: OomnitzaConnection, opts: ServeOptions, hardStop: AbortSignal, tuning: ServerTuning,
): Promise<Map<string, SectionSync>> {
  const syncs = new Map<string, SectionSync>();
  const runOpts = runOptions({ ...opts, recordCount: undefined }, hardStop);
  for (const rt of runtimes) {
    let prepared;
    try {
      prepared = await prepareSection(rt, oomnitza, opts.showMappings);
    } catch (err) {
      throw new ConnectorError(`[${rt.section.name}]: ${errorMessage(err)}`);
    }
    const batching = { maxRecords: tuning.batchMaxRecords, windowMs: tuning.batchWindowMs };
    syncs.set(rt.section.name, new SectionSync(prepared, webhookOf(rt.section), runOpts, batching));
  }
  return syncs;
}

async function run(
  opts: ServeOptions, signal: AbortSignal, hardStop: AbortController, tuning: ServerTuning,
  guards: Map<string, SectionGuard>, syncs: Map<string, SectionSync>,
): Promise<number> {
  const counts = { received: 0, ignored: 0 };
  const queue = new CoalescingQueue<RecordId>({
    capacity: tuning.queueCapacity,
    coalesceMs: tuning.coalesceMs,
    concurrency: opts.workers,
    process: (queued) => syncs.get(queued.section)!.process(queued),
  });
  let stopping = false;
  // A burst can refuse thousands of events: one warning per interval, with the count, not one per event.
  let refusedSinceWarning = 0;
  let lastFullWarning = 0;
  const fullWarning = (section: string) => {
    refusedSinceWarning++;
    if (Date.now() - lastFullWarning < FULL_WARNING_INTERVAL_MS) return;
    log.warn(`[${section}] queue full (${tuning.queueCapacity} records waiting): answered 503 to ${refusedSinceWarning} webhook(s) ` +
      `since the last warning; ${syncs.get(section)!.webhook.sender} sends them again later`);
    lastFullWarning = Date.now();
    refusedSinceWarning = 0;
  };

  const onWebhook: Parameters<typeof createListener>[0]['onWebhook'] = (section, webhook): WebhookOutcome => {
    counts.received++;
    const sync = syncs.get(section)!;
    if (webhook.kind === 'unsupported') {
      counts.ignored++;
      log.info(`[${section}] ignored webhook event "${webhook.event}": not an event this server handles`);
      return 'ignored';
    }
    if (webhook.recordKind !== sync.recordKind) {
      counts.ignored++;
      const noun = (kind: string) => sync.webhook.nouns[kind] ?? kind;
      log.warn(`[${section}] ignored ${webhook.event} for ${sync.label(webhook.recordKind, webhook.id)}: this section syncs ` +
        `${noun(sync.recordKind)} records; point ${noun(webhook.recordKind)} webhooks at ${sync.webhook.sectionFor(webhook.recordKind)}`);
      return 'ignored';
    }
    if (stopping) return 'closed';
    const outcome = queue.enqueue(section, webhook.id, webhook.event);
    if (outcome === 'full') fullWarning(section);
    return outcome;
  };

  const health = () => {
    const sections = Object.fromEntries([...syncs].map(([name, s]) => [name, { ...s.totals }]));
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
  const server = createListener({ bodyLimitBytes: tuning.bodyLimitBytes, sections, onWebhook, health, log });
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

  if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));

  stopping = true;
  log.info(`stopping: no new webhooks; sending ${queue.pending + queue.inFlight} queued device(s)`);
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const drained = (async () => {
    await queue.drain();
    await Promise.all([...syncs.values()].map((s) => s.flushAll()));
  })();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    drained.then(() => false),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), tuning.drainTimeoutMs))),
  ]);
  clearTimeout(timer);
  if (timedOut) {
    const dropped = queue.discard();
    hardStop.abort();
    log.error(`shutdown took longer than ${tuning.drainTimeoutMs / 1000} s: ${dropped} queued device(s) were not sent`);
    // Aborted requests end quickly; do not let a stuck one keep the process alive.
    await Promise.race([drained.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  }
  server.closeAllConnections();
  await closed;
  const t = [...syncs.values()].reduce((a, s) => ({ pushed: a.pushed + s.totals.pushed, failed: a.failed + s.totals.failed }), { pushed: 0, failed: 0 });
  log.info(`stopped: ${counts.received} webhook(s) received, ${queue.counts.coalesced} coalesced, ${queue.counts.rejected} refused (queue full), ` +
    `${counts.ignored} ignored; ${t.pushed} device(s) ${opts.testmode ? 'printed' : 'pushed'}, ${t.failed} failed`);
  return 0;
}
