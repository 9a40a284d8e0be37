/**
 * `connector serve`: receives Jamf Pro webhooks for every enabled `[casper]` section and syncs the device each
 * one names (the original's server.py, with the hardening it lacked: see README.md). Resolves with the exit code
 * once `signal` has stopped it: stop accepting, drain the queue, send what is buffered, close.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { CommonOptions } from '../cli/options.js';
import { parseBool } from '../config/settings.js';
import { parseIni } from '../config/iniReader.js';
import { loadConfig, sectionType } from '../config/loadConfig.js';
import { ConfigError, ConfigErrors, ConnectorError, errorMessage } from '../errors.js';
import { getLogger } from '../logging.js';
import { connectOomnitza, prepareSection, runOptions, type OomnitzaConnection } from '../pipeline/prepareSection.js';
import { createRuntimes, type SectionRuntime } from '../pipeline/sectionRuntime.js';
import { isCasperSource } from '../sources/casper/index.js';
import { createGuard, type SectionGuard, type WebhookAuthSettings } from './auth.js';
import { createListener, type WebhookOutcome } from './listener.js';
import { CoalescingQueue } from './queue.js';
import { SectionSync } from './sectionSync.js';

export interface ServerTuning {
  bodyLimitBytes: number;
  /** Devices waiting to be fetched, over all sections; beyond it webhooks get 503. */
  queueCapacity: number;
  coalesceMs: number;
  /** Devices per portion sent to Oomnitza, and the longest a fetched device waits for one. */
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

/** Enabled sections of type casper, read from the raw INI (loadConfig then validates them properly). */
async function servedSectionNames(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch {
    return []; // loadConfig reports the unreadable file
  }
  const names: string[] = [];
  for (const [name, section] of parseIni(text, file).sections) {
    if (sectionType(name) !== 'casper') continue;
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
  const names = await servedSectionNames(opts.ini);
  const config = await loadConfig(opts.ini, { sections: names, requireEnabled: true });
  if (config.sections.length === 0) {
    throw new ConfigError({ file: opts.ini }, 'no enabled [casper] section: the webhook server syncs Jamf Pro sections (add "enable = True" to [casper] or [casper.MDM])');
  }
  const guards = new Map<string, SectionGuard>();
  const guardErrors: ConfigError[] = [];
  for (const section of config.sections) {
    try {
      guards.set(section.name, createGuard(section.settings as unknown as WebhookAuthSettings, section.name));
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
  const runOpts = { ...runOptions({ ...opts, recordCount: undefined }, hardStop) };
  for (const rt of runtimes) {
    if (!isCasperSource(rt.source)) throw new Error(`[${rt.section.name}] is not a Jamf source`);
    let prepared;
    try {
      prepared = await prepareSection(rt, oomnitza, opts.showMappings);
    } catch (err) {
      throw new ConnectorError(`[${rt.section.name}]: ${errorMessage(err)}`);
    }
    const client = opts.testmode ? undefined : oomnitza.client;
    syncs.set(rt.section.name, new SectionSync(rt, rt.source, prepared, client, runOpts, { maxRecords: tuning.batchMaxRecords, windowMs: tuning.batchWindowMs }));
  }
  return syncs;
}

async function run(
  opts: ServeOptions, signal: AbortSignal, hardStop: AbortController, tuning: ServerTuning,
  guards: Map<string, SectionGuard>, syncs: Map<string, SectionSync>,
): Promise<number> {
  const counts = { received: 0, ignored: 0 };
  const queue = new CoalescingQueue({
    capacity: tuning.queueCapacity,
    coalesceMs: tuning.coalesceMs,
    concurrency: opts.workers,
    process: (device) => syncs.get(device.section)!.process(device),
  });
  let stopping = false;
  // A burst can refuse thousands of events: one warning per interval, with the count, not one per event.
  let refusedSinceWarning = 0;
  let lastFullWarning = 0;
  const fullWarning = (section: string) => {
    refusedSinceWarning++;
    if (Date.now() - lastFullWarning < FULL_WARNING_INTERVAL_MS) return;
    log.warn(`[${section}] queue full (${tuning.queueCapacity} devices waiting): answered 503 to ${refusedSinceWarning} webhook(s) ` +
      'since the last warning; Jamf Pro sends them again later');
    lastFullWarning = Date.now();
    refusedSinceWarning = 0;
  };

  const onWebhook: Parameters<typeof createListener>[0]['onWebhook'] = (section, webhook): WebhookOutcome => {
    counts.received++;
    const sync = syncs.get(section)!;
    if (webhook.kind === 'unsupported') {
      counts.ignored++;
      log.info(`[${section}] ignored webhook event "${webhook.event}": not a device event this server handles`);
      return 'ignored';
    }
    if (webhook.deviceType !== sync.syncType) {
      counts.ignored++;
      log.warn(`[${section}] ignored ${webhook.event} for device ${webhook.id}: this section has sync_type = ${sync.syncType}; ` +
        `point ${webhook.deviceType === 'mobiledevices' ? 'mobile device' : 'computer'} webhooks at a section with sync_type = ${webhook.deviceType}`);
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

  const server = createListener({ bodyLimitBytes: tuning.bodyLimitBytes, guards, onWebhook, health, log });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new ConnectorError(`cannot listen on ${opts.host}:${opts.port}: ${err.code ?? err.message}`)));
    server.listen(opts.port, opts.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  log.info(`listening on http://${shown}:${address.port} for Jamf Pro webhooks; sections: ${[...syncs.keys()].map((n) => `/${n}`).join(', ')}` +
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
