/**
 * `connector managed` (and plain `connector`): the original's cloud-managed mode (src/managed/runner.ts). Exit codes:
 * 0 a clean stop (SIGTERM / Ctrl-C), or with --once every run delivered; 1 a poll that failed (Oomnitza refused the
 * token, unreachable, in maintenance without --ignore-cloud-maintenance) or, with --once, a run with failures;
 * 2 a configuration error, before any network call.
 */
import { loadConfig } from '../config/loadConfig.js';
import { ConfigError, ConfigErrors, errorMessage } from '../errors.js';
import { DEFAULT_SOURCE_BREAKER } from '../http/breaker.js';
import { HttpClient } from '../http/client.js';
import { getLogger } from '../logging.js';
import * as fetchEngine from '../managed/fetch/index.js';
import type { ManagedFetchModule } from '../managed/fetch/types.js';
import { runManaged } from '../managed/runner.js';
import { ConnectorMetrics, startMetricsEndpoint, type MetricsEndpoint } from '../metrics/index.js';
import { readManagedSections } from '../managed/settings.js';
import { createTemplateEngine } from '../managed/template/engine.js';
import { OomnitzaClient } from '../oomnitza/client.js';
import { Progress } from '../pipeline/progress.js';
import { findSource } from '../sources/registry.js';
import { VERSION } from '../version.js';
import type { CommonOptions } from './options.js';

export interface ManagedOptions extends CommonOptions {
  once: boolean;
  ignoreCloudMaintenance: boolean;
  /** --metrics-port: serve Prometheus metrics at /metrics on this port (0 picks a free one); undefined: no endpoint. */
  metricsPort?: number;
  /** --metrics-host (default 127.0.0.1). */
  metricsHost?: string;
  /** Called once the metrics endpoint listens, with its URL. */
  onMetrics?: (url: string) => void;
}

const log = getLogger('connector');

export async function managed(opts: ManagedOptions, signal: AbortSignal, fetchModule?: ManagedFetchModule): Promise<number> {
  const config = await loadConfig(opts.ini, { sections: [], requireEnabled: false });
  const fetch: ManagedFetchModule = fetchModule ?? fetchEngine;
  const errors: ConfigError[] = [];
  const warnings: string[] = [];
  const sections = await readManagedSections(config.doc, fetch, new Set(config.converters.map((c) => c.name)), errors, warnings);
  if (errors.length) throw new ConfigErrors(errors);
  for (const w of warnings) log.warn(w);

  // As in serve: counts per integration run and HTTP latency; started before the first poll so a scrape sees the
  // connector up even while Oomnitza has nothing for it.
  const metrics = opts.metricsPort === undefined ? undefined : new ConnectorMetrics();
  let endpoint: MetricsEndpoint | undefined;
  if (metrics) {
    metrics.observeHttp();
    try {
      endpoint = await startMetricsEndpoint({ host: opts.metricsHost ?? '127.0.0.1', port: opts.metricsPort!, render: () => metrics.render() });
    } catch (err) {
      metrics.close();
      throw err;
    }
    log.info(`metrics at ${endpoint.url}`);
    opts.onMetrics?.(endpoint.url);
  }
  const base = new OomnitzaClient(config.oomnitza, getLogger('oomnitza'));
  /** The SaaS client of each integration's latest run: its breaker state is a gauge (the last run's, once it ended). */
  const saasClients = new Map<string, HttpClient>();
  metrics?.watchBreakers(() => [
    ...(opts.testmode ? [] : [['oomnitza', base.pushBreaker.state] as const]),
    ...[...saasClients].flatMap(([label, http]) => (http.breaker ? [[label, http.breaker.state] as const] : [])),
  ]);
  try {
    try {
      await base.authenticate(signal);
    } catch (err) {
      if (signal.aborted) return 0;
      const status = (err as { status?: number }).status;
      log.error(`${status === 401 || status === 403 ? 'Oomnitza refused the [oomnitza] credentials' : 'cannot connect to Oomnitza'}: ${errorMessage(err)}`);
      return 1;
    }
    const engine = await createTemplateEngine({ workers: Math.min(4, Math.max(1, Math.ceil(opts.workers / 4))) });
    // As upload: a live line per running integration on a terminal, else a log line every --progress-interval.
    const progress = new Progress({ intervalMs: (opts.progressInterval ?? 30) * 1000, testmode: opts.testmode, logFor: () => getLogger('managed') });
    try {
      return await runManaged({
        base,
        fetch,
        engine,
        sections,
        workers: opts.workers,
        testmode: opts.testmode,
        saveData: opts.saveData,
        saveDir: 'save_data',
        print: (text) => process.stdout.write(`${text}\n`),
        converters: config.converters,
        connectorVersion: VERSION,
        sources: findSource,
        saasHttp: (plan) => {
          // A source breaker as in upload (stop_after_failures, breaker_cooldown defaults): a SaaS that stopped
          // answering ends the run with one message instead of each detail call paying its retries.
          const http = new HttpClient({
            section: plan.label, tls: plan.section?.tls ?? { verify: true }, log: getLogger(`managed/${String(plan.id)}`), connections: Math.max(16, opts.workers),
            breaker: DEFAULT_SOURCE_BREAKER,
          });
          if (metrics) saasClients.set(plan.label, http);
          return http;
        },
        once: opts.once,
        ignoreMaintenance: opts.ignoreCloudMaintenance,
        stop: signal,
        graceMs: config.oomnitza.stop_grace * 1000,
        onResult: metrics ? (stats) => metrics.recordSection(stats) : undefined,
        onPushQueue: metrics ? (label, waiting) => metrics.pushQueue(label, waiting) : undefined,
        track: (stats) => progress.track(stats),
      });
    } finally {
      progress.stop();
      await engine.close();
    }
  } finally {
    await base.close();
    await endpoint?.close();
    metrics?.close();
  }
}
