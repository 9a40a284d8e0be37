/**
 * The connector's metrics for the long-running modes (`serve`, managed mode): records per section, HTTP request
 * latency per target, the circuit breakers (each source client's and Oomnitza's), the queue depths (the webhook
 * queue of serve, the batches waiting for a push worker per section), the last success time per section.
 *
 * Fed from outside, never by the pipeline itself: `recordSection(stats)` after each run or portion of a section (its
 * SectionStats, the same counts the summary and --report give), HTTP latency through src/http/observe.ts, and live
 * state (queue depth, breaker states) read at each scrape through the callbacks given to `watch*`, and the push
 * queue set by the run as it changes (`pushQueue`).
 */
import { observeRequests } from '../http/observe.js';
import type { BreakerState } from '../http/breaker.js';
import { Registry, type Gauge } from './registry.js';

/** The counts of one run or portion of a section (a SectionStats has them all). */
export interface SectionCounts {
  section: string;
  pulled: number;
  pushed: number;
  failed: number;
  spooled: number;
  filtered: number;
  skipped: number;
  readonly ok: boolean;
}

/** Breaker states as gauge values: a state timeline in Grafana reads 0 as healthy. */
export const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

export class ConnectorMetrics {
  readonly registry = new Registry();
  private readonly records = this.registry.counter('connector_records_total', 'Records per section and outcome (pulled, pushed, failed, spooled, filtered, skipped).', ['section', 'outcome']);
  private readonly runs = this.registry.counter('connector_section_runs_total', 'Runs (upload) or portions (serve) of a section, by result (ok, failed).', ['section', 'result']);
  private readonly lastSuccess = this.registry.gauge('connector_last_success_timestamp_seconds', 'Unix time a run or portion of the section last ended without a failure.', ['section']);
  readonly requestSeconds = this.registry.histogram('connector_http_request_duration_seconds', 'Duration of HTTP attempts per target (a section\'s source, or oomnitza), by status class (2xx ... 5xx, none).', ['target', 'status']);
  private readonly breaker = this.registry.gauge('connector_breaker_state', 'Circuit breaker per target (a section\'s source client, or oomnitza): 0 closed, 1 half-open, 2 open.', ['target']);
  private readonly pushQueueDepth = this.registry.gauge('connector_push_queue_depth', 'Batches of a section (or managed integration run) waiting for a push worker.', ['section']);
  private readonly queueDepth = this.registry.gauge('connector_queue_depth', 'Records waiting in the webhook queue (serve).');
  private readonly queueInFlight = this.registry.gauge('connector_queue_in_flight', 'Records being fetched from the source (serve).');
  private stopObserving?: () => void;

  constructor(private readonly now: () => number = Date.now) {}

  /** Adds one run's or portion's counts; a run without failure sets the section's last success time. */
  recordSection(s: SectionCounts): void {
    const outcomes = { pulled: s.pulled, pushed: s.pushed, failed: s.failed, spooled: s.spooled, filtered: s.filtered, skipped: s.skipped };
    for (const [outcome, n] of Object.entries(outcomes)) this.records.inc({ section: s.section, outcome }, n);
    this.runs.inc({ section: s.section, result: s.ok ? 'ok' : 'failed' });
    if (s.ok) this.lastSuccess.set({ section: s.section }, this.now() / 1000);
  }

  /** Measures every HTTP attempt of the process from now on (until close()). */
  observeHttp(): void {
    this.stopObserving ??= observeRequests((o) =>
      this.requestSeconds.observe({ target: o.section, status: o.status === undefined ? 'none' : `${Math.floor(o.status / 100)}xx` }, o.seconds));
  }

  /** Breaker states read at each scrape: `states()` gives target -> state (a section's name, or `oomnitza`; targets without a breaker left out). */
  watchBreakers(states: () => Iterable<readonly [string, BreakerState]>): void {
    this.breaker.collect = (g: Gauge) => {
      for (const [target, state] of states()) g.set({ target }, BREAKER_VALUE[state]);
    };
  }

  /** A run's batches waiting for a push worker, set whenever the number changes (0 when the run ends). */
  pushQueue(section: string, waiting: number): void {
    this.pushQueueDepth.set({ section }, waiting);
  }

  watchQueue(depth: () => { waiting: number; inFlight: number }): void {
    this.queueDepth.collect = (g) => g.set({}, depth().waiting);
    this.queueInFlight.collect = (g) => g.set({}, depth().inFlight);
  }

  render(): string {
    return this.registry.render();
  }

  close(): void {
    this.stopObserving?.();
    this.stopObserving = undefined;
  }
}
