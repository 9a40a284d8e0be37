/**
 * One managed run (managed fact sheet §3, §10, §11): token, mappings, the fetch engine's batches mapped and pushed
 * with the managed envelope by up to `workers` concurrent requests, and the outcome the cloud must see (§11.4).
 *
 * Why not src/pipeline/syncSection.ts: a managed run's records arrive as the fetch engine's batches (each with its
 * cancel check), failed items go alone and in place, and the end of a run is one of five outcomes the cloud tells
 * apart; what fits is shared instead: the Oomnitza client (retries, timeouts, redaction), the summary
 * (SectionStats), the converters and filter sandbox, and the Transformer for `converter` / `required` mappings.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { SnippetSource } from '../sandbox/types.js';
import { errorClass, errorMessage, TransientError } from '../errors.js';
import type { HttpClient } from '../http/client.js';
import { HttpError } from '../http/httpError.js';
import { redactor, type Logger } from '../logging.js';
import type { ManagedBulkPayload, OomnitzaClient } from '../oomnitza/client.js';
import { Transformer } from '../pipeline/transform.js';
import { SectionStats } from '../pipeline/summary.js';
import type { FieldMappings } from '../records.js';
import { createSandbox } from '../sandbox/sandbox.js';
import type { SnippetSandbox } from '../sandbox/types.js';
import type { AwsIamOptions, FetchEvent, FetchInput, FetchedItem, ManagedFetchModule } from './fetch/types.js';
import { basicConnectorEvents, type SourceLookup } from './basicConnector.js';
import type { RunPlan } from './integration.js';
import { effectiveManagedMappings, mapRecord, type ManagedMappings, type RunConstants } from './mappings.js';
import { runReports } from './reports.js';
import type { TemplateEngine } from './template/types.js';

export interface RunDeps {
  /** The `[oomnitza]` client (base token): O4, O5, O10 and what has no sync token (§2.3). */
  base: OomnitzaClient;
  fetch: ManagedFetchModule;
  engine: TemplateEngine;
  /** --workers: pushes in flight, and the fetch engine's detail/software calls in flight. */
  workers: number;
  testmode: boolean;
  saveData: boolean;
  saveDir: string;
  print: (text: string) => void;
  /** Aborted when the run must end now (after a stop's grace ran out): it is then reported as interrupted. */
  signal: AbortSignal;
  log: Logger;
  /** The run's HTTP client for SaaS calls (TLS of its section); closed by the run. */
  saasHttp(plan: RunPlan): HttpClient;
  /** Custom converters of [converters], for `mapping.FIELD` lines that use them. */
  converters: SnippetSource[];
  connectorVersion: string;
  /** MAX_ITERATIONS for the fetch engine (tests lower it). */
  maxIterations?: number;
  /** How long the reports of an interrupted run may take (ms). */
  reportTimeoutMs?: number;
  /** The built-in sources a `basic_connector` integration may delegate to (§14); injected by the CLI. */
  sources?: SourceLookup;
  /** The AWS IAM path's endpoints and clock (tests). */
  aws?: AwsIamOptions;
  /** Called with a run's uploads waiting for a push worker whenever that changes (the metrics endpoint). */
  onPushQueue?: (label: string, waiting: number) => void;
  /** Shows the run's counts while it runs (src/pipeline/progress.ts); returns what ends the showing. */
  track?: (stats: SectionStats) => () => void;
}

/** What the cloud was told at the end; the summary and tests read it. */
export type RunOutcome =
  | 'done' | 'canceled' | 'empty-first-page' | 'failed-first-page' | 'failed-later-page' | 'interrupted'
  | 'not-started' | 'custom-test-saved' | 'reports';

export interface RunResult {
  stats: SectionStats;
  outcome: RunOutcome;
  portion?: string;
}

const FATAL = 'Fatal Error' as const;

/** Local inputs named like credentials are secrets (they are how admins keep passwords out of the cloud). */
const SECRET_INPUT = /pass(word|wd)?|token|secret|api_?key|private|credential|auth/i;

/** Every credential value of a run is masked in logs, summaries and --save-data files from the start. */
function registerSecrets(plan: RunPlan): void {
  const auth = plan.saasAuthorization;
  if (auth?.kind === 'static') for (const v of [...Object.values(auth.headers), ...Object.values(auth.params)]) if (typeof v === 'string' && v) redactor.add(v);
  if (plan.oomnitzaAuthorization.kind === 'token') redactor.add(plan.oomnitzaAuthorization.token);
  for (const [k, v] of Object.entries(plan.localInputs)) if (SECRET_INPUT.test(k) && typeof v === 'string' && v) redactor.add(v);
}

export async function runIntegration(plan: RunPlan, deps: RunDeps): Promise<RunResult> {
  registerSecrets(plan);
  const stats = new SectionStats(plan.label);
  stats.start();
  const log = deps.log;
  let client: OomnitzaClient | undefined;
  const untrack = deps.track?.(stats);
  try {
    // O4 (base token) before the token choice, as the original constructs a run; export files have no mappings.
    let cloudMappings: unknown = {};
    if (!plan.reports && (plan.section?.useServerMap ?? true)) cloudMappings = await deps.base.getManagedMappings(plan.id, deps.signal);
    client = await syncClient(plan, deps);
    if (plan.reports) {
      await runReports(plan, client, deps, stats);
      return { stats, outcome: 'reports' };
    }
    return await runList(plan, deps, client, cloudMappings, stats);
  } catch (err) {
    stats.fatal ??= deps.signal.aborted ? `interrupted before it started: ${errorMessage(deps.signal.reason)}` : errorMessage(err);
    log.error(`${plan.label}: ${stats.fatal}`);
    return { stats, outcome: 'not-started' };
  } finally {
    untrack?.();
    stats.finish();
    await client?.close();
  }
}

/** §2.3: the run's own Oomnitza client with the sync token, proven by AuthTest. */
async function syncClient(plan: RunPlan, deps: RunDeps): Promise<OomnitzaClient> {
  const auth = plan.oomnitzaAuthorization;
  const token = auth.kind === 'token' ? auth.token
    : auth.kind === 'token_id' ? await deps.base.getStoredToken(auth.tokenId, deps.signal)
      : await deps.base.baseToken();
  redactor.add(token);
  const client = deps.base.withToken(token);
  try {
    await client.authenticate(deps.signal);
  } catch (err) {
    throw new Error(`Oomnitza refused the integration's token (${auth.kind === 'base' ? '[oomnitza]' : 'oomnitza_authorization'}): ${errorMessage(err)}`);
  }
  return client;
}

async function runList(plan: RunPlan, deps: RunDeps, client: OomnitzaClient, cloudMappings: unknown, stats: SectionStats): Promise<RunResult> {
  const { log, engine } = deps;
  const portion = randomUUID();
  const section = plan.section;
  const mappings = effectiveManagedMappings(cloudMappings, plan.localMappings, section?.settingText ?? {}, {
    software: plan.softwareEnabled,
    saas: plan.saasEnabled,
  });
  const testRun = plan.testRun || deps.testmode;
  const http = deps.saasHttp(plan);
  let globals: Promise<Array<{ name: string; value: unknown }>> | undefined;
  const input: FetchInput = {
    integration: plan.definition,
    saasAuthorization: plan.saasAuthorization!,
    localInputs: plan.localInputs,
    engine,
    http,
    globalSettings: () => (globals ??= deps.base.globalVariables(deps.signal)),
    isCanceled: () => client.portionCanceled(portion, deps.signal),
    credentialSecret: credentialSecretOf(plan, client, deps.signal),
    concurrency: deps.workers,
    testRun,
    maxIterations: deps.maxIterations,
    signal: deps.signal,
    aws: deps.aws,
  };
  const stage = await RecordStage.create(plan, mappings, deps);
  const saver = deps.saveData ? new Saver(path.join(deps.saveDir, `managed.${safeName(String(plan.id))}`), log) : undefined;
  try {
    if (plan.isCustom && testRun) {
      // §11.8: one list request, its JSON saved, nothing sent to Oomnitza.
      const body = await deps.fetch.fetchTestResponse(input);
      const file = path.join(deps.saveDir, `${safeName(plan.name)}.json`);
      if (body === undefined) {
        log.warn(`${plan.label}: is_custom test run: the response is not JSON; nothing saved`);
      } else {
        await fs.promises.mkdir(deps.saveDir, { recursive: true });
        await fs.promises.writeFile(file, JSON.stringify(redactor.redactDeep(body), null, 2), { mode: 0o600 });
        log.info(`${plan.label}: is_custom test run: the response is saved in ${file}; nothing is sent to Oomnitza`);
      }
      return { stats, outcome: 'custom-test-saved' };
    }

    const constants = await runConstants(plan, mappings, client, deps);
    const pusher = new Pusher(plan, portion, client, deps, stats, saver);
    let outcome: RunOutcome = 'done';
    let failure: { message: string; detail: string } | undefined;
    let seenBatch = false;
    let itemNo = 0;
    try {
      const events = plan.basicConnector ? basicConnectorEvents(plan, input, deps) : deps.fetch.fetchIntegration(input);
      for await (const event of readAhead(events)) {
        if (deps.signal.aborted) break;
        if (event.kind === 'batch') {
          seenBatch = true;
          // The per-batch cancel check (§11.6); one Oomnitza cannot answer is not worth failing a run that works.
          try {
            if (await client.portionCanceled(portion, deps.signal)) {
              outcome = 'canceled';
              stats.pulled += event.items.length;
              stats.canceled = true;
              stats.stoppedBecause = 'canceled in Oomnitza';
              log.warn(`${plan.label}: canceled in Oomnitza; the batch just fetched is not sent`);
              break;
            }
          } catch (err) {
            if (deps.signal.aborted) break;
            log.warn(`${plan.label}: the cancel check failed (${errorMessage(err)}); sending on`);
          }
          const first = itemNo + 1;
          itemNo += event.items.length;
          stats.pulled += event.items.length;
          await saver?.write('raw', event.items.map((i) => ('record' in i ? i.record : i.raw)));
          if (!plan.singleMode) await stage.process(event.items, first, constants, pusher);
          // Single mode (§11.2): every record alone, in record order, error records at their place.
          else for (const [i, item] of event.items.entries()) await stage.process([item], first + i, constants, pusher);
        } else if (event.kind === 'end') {
          if (event.outcome === 'canceled') {
            outcome = 'canceled';
            stats.canceled = true;
            stats.stoppedBecause = 'canceled in Oomnitza';
          } else if (event.outcome === 'empty-first-page') {
            outcome = 'empty-first-page';
          }
          break;
        } else {
          outcome = event.stage === 'first-page' ? 'failed-first-page' : 'failed-later-page';
          failure = { message: event.message, detail: event.detail };
          break;
        }
      }
    } catch (err) {
      // The fetch engine ends with a `failed` event for what it knows; anything it throws is failed the same way.
      if (!deps.signal.aborted) {
        outcome = seenBatch ? 'failed-later-page' : 'failed-first-page';
        const message = `Failed to fetch the ${seenBatch ? 'next' : 'first'} block of data. The error is: ${errorMessage(err)}. The further processing is impossible`;
        failure = { message, detail: err instanceof Error && err.stack ? err.stack : message };
      }
    }
    if (deps.signal.aborted) outcome = 'interrupted';
    await pusher.drain();
    await tellTheCloud(outcome, failure, plan, portion, client, pusher, deps, stats);
    return { stats, outcome, portion };
  } finally {
    await Promise.allSettled([http.close(), stage.close()]);
  }
}

/** O12 per SaaS call, with the run's sync token, when saas_authorization names a stored credential (2.3.3, §8.2). */
function credentialSecretOf(plan: RunPlan, client: OomnitzaClient, signal?: AbortSignal): FetchInput['credentialSecret'] {
  const auth = plan.saasAuthorization;
  if (auth?.kind !== 'credential') return undefined;
  return (call) => client.credentialSecret(auth.credentialId, call, signal);
}

/**
 * The fetch engine's events with the next one already being fetched while the current batch is mapped and pushed:
 * the SaaS calls of page N+1 overlap the uploads of page N. Leaving the loop ends the generator (after the event
 * in flight, which is dropped: a canceled run does not send what it fetched after the cancel).
 */
async function* readAhead(events: AsyncIterable<FetchEvent>): AsyncGenerator<FetchEvent> {
  const it = events[Symbol.asyncIterator]();
  let next = it.next();
  let finished = false;
  try {
    for (;;) {
      const r = await next;
      if (r.done) {
        finished = true;
        return;
      }
      const event = r.value;
      if (event.kind === 'batch') next = it.next();
      else finished = true;
      yield event;
      if (finished) return;
    }
  } finally {
    if (!finished) {
      // The read-ahead may still be running: let it settle (its result is dropped), then end the generator.
      await next.then(() => undefined, () => undefined);
      await it.return?.(undefined);
    }
  }
}

/** The §11.4 outcome: finalize, a fatal error record, or a synthetic portion under a fresh correlation id. */
async function tellTheCloud(
  outcome: RunOutcome,
  failure: { message: string; detail: string } | undefined,
  plan: RunPlan,
  portion: string,
  client: OomnitzaClient,
  pusher: Pusher,
  deps: RunDeps,
  stats: SectionStats,
): Promise<void> {
  // After an interruption the run's own signal is aborted: the reports get a short time of their own.
  const signal = deps.signal.aborted ? AbortSignal.timeout(deps.reportTimeoutMs ?? 5000) : deps.signal;
  const errorText = (f: { message: string; detail: string }) => (f.detail && f.detail !== f.message ? `${f.message}\n${f.detail}` : f.message);
  const readyFailed = (message: string) => client.addReadyPortion(plan.id, {
    correlation_id: randomUUID(),
    failed: 1,
    error_message: message,
    test_run: plan.testRun,
    multi_str_input_value: plan.multiStrInputValue,
    error_type: FATAL,
  }, signal);
  try {
    switch (outcome) {
      case 'done':
      case 'canceled':
        await client.finalize(portion, signal);
        break;
      case 'empty-first-page':
        deps.log.info(`${plan.label}: the first page had no records; telling Oomnitza it was an empty run`);
        await client.addReadyPortion(plan.id, { correlation_id: randomUUID(), is_empty_run: true, multi_str_input_value: plan.multiStrInputValue }, signal);
        break;
      case 'failed-first-page':
        stats.fatal = failure!.message;
        await readyFailed(errorText(failure!));
        break;
      case 'failed-later-page':
        stats.fatal = failure!.message;
        await pusher.sendFatal(errorText(failure!), signal);
        await client.finalize(portion, signal);
        break;
      case 'interrupted': {
        const message = `The connector was stopped (${errorMessage(deps.signal.reason)}) before the run finished; the records after those already sent were not synced`;
        stats.fatal = message;
        stats.canceled = true;
        stats.stoppedBecause = errorMessage(deps.signal.reason);
        // Uploads already made: close the portion with the reason; none: a failed portion, as for a first-page failure.
        if (pusher.uploads > 0) {
          await pusher.sendFatal(message, signal);
          await client.finalize(portion, signal);
        } else {
          await readyFailed(message);
        }
        break;
      }
      default:
        break;
    }
  } catch (err) {
    const message = `telling Oomnitza the outcome (${outcome}) failed: ${errorMessage(err)}`;
    stats.fatal = stats.fatal ? `${stats.fatal}; ${message}` : message;
  }
}

/** Catalog inputs (rendered once as strings, §10) and the stored credential's name (O11, once) when mappings use them. */
async function runConstants(plan: RunPlan, mappings: ManagedMappings, client: OomnitzaClient, deps: RunDeps): Promise<RunConstants> {
  const constants: RunConstants = { catalog: Object.create(null) as Record<string, unknown> };
  for (const [field, m] of Object.entries(mappings)) {
    if (m.type === 'catalog_input') {
      const input = plan.definition.inputs[String(m.value)] as { value?: unknown } | undefined;
      const value = input && typeof input === 'object' ? input.value : undefined;
      constants.catalog[field] = typeof value === 'string'
        ? await deps.engine.render(value, {}, 'string')
        : await deps.engine.render('{{ v }}', { v: value ?? null }, 'string');
    }
  }
  if (Object.values(mappings).some((m) => m.type === 'credential_input')) {
    const auth = plan.saasAuthorization;
    if (auth?.kind === 'credential') {
      try {
        constants.credentialName = { value: (await client.credentialDetails(auth.credentialId, deps.signal)).name ?? null };
      } catch (err) {
        constants.credentialName = { error: errorMessage(err) };
      }
    }
  }
  return constants;
}

/**
 * Mapping, then the INI's recordfilter (on the raw record, as in upload mode) and `converter` / `required` of
 * `mapping.FIELD` lines (the upload pipeline's Transformer, on the mapped record), then the pushes of one batch:
 * failed items alone and in place, the good records of the batch in one upload after them (§11.2).
 */
class RecordStage {
  private constructor(
    private readonly plan: RunPlan,
    private readonly mappings: ManagedMappings,
    private readonly deps: RunDeps,
    private readonly sandbox: SnippetSandbox | undefined,
    private readonly transformer: Transformer | undefined,
    private readonly stats: SectionStats,
  ) {}

  static async create(plan: RunPlan, mappings: ManagedMappings, deps: RunDeps): Promise<RecordStage> {
    const section = plan.section;
    const needsTransform = Object.values(mappings).some((m) => m.converter || m.required);
    const customNames = new Set(deps.converters.map((c) => c.name));
    const used = new Set(Object.values(mappings).flatMap((m) => (m.converter ? [m.converter.split(':')[0].trim()] : [])));
    const snippets: SnippetSource[] = deps.converters.filter((c) => used.has(c.name));
    if (section?.filter) snippets.push(section.filter);
    const sandbox = snippets.length
      ? await createSandbox(snippets, { maxOutputPerRecord: section?.maxConverterOutput, maxOutputPerRun: section?.maxConverterChunkOutput })
      : undefined;
    const stats = new SectionStats(plan.label);
    let transformer: Transformer | undefined;
    if (needsTransform) {
      const fieldMappings: FieldMappings = Object.create(null);
      for (const [field, m] of Object.entries(mappings)) {
        fieldMappings[field] = { source: field, ...(m.converter ? { converter: m.converter } : {}), ...(m.required ? { required: true } : {}) };
      }
      const usesCustom = [...used].some((n) => customNames.has(n));
      transformer = new Transformer({
        mappings: fieldMappings,
        settingText: section?.settingText ?? {},
        sandbox: usesCustom ? sandbox : undefined,
        log: deps.log,
        onConverterError: section?.onConverterError,
        stats,
      });
    }
    return new RecordStage(plan, mappings, deps, sandbox, transformer, stats);
  }

  async process(items: FetchedItem[], firstNo: number, constants: RunConstants, pusher: Pusher): Promise<void> {
    const stats = pusher.stats;
    const good: Array<{ payload: Record<string, unknown>; raw: unknown; n: number }> = [];
    for (const [i, item] of items.entries()) {
      const n = firstNo + i;
      if ('error' in item) {
        stats.fail(`item #${n}`, item.error);
        pusher.sendError(item.raw, item.error);
        continue;
      }
      const mapped = await mapRecord(item.record, this.mappings, this.deps.engine, constants);
      if ('error' in mapped) {
        stats.fail(`item #${n}`, mapped.error);
        pusher.sendError(item.record, mapped.error);
        continue;
      }
      good.push({ payload: mapped.payload, raw: item.record, n });
    }
    let kept = good;
    if (this.plan.section?.filter && this.sandbox && good.length) {
      const results = await this.sandbox.run(good.map((g) => ({ record: g.raw as Record<string, unknown>, filter: 'recordfilter', calls: [] })));
      kept = good.filter((g, i) => {
        const f = results[i].filter;
        if (f && 'error' in f) {
          stats.fail(pusher.name(g.payload, g.n), `recordfilter failed: ${f.error}`);
          return false;
        }
        if (f && !f.pass) stats.filtered++;
        return !f || f.pass;
      });
    }
    if (this.transformer && kept.length) {
      const outcomes = await this.transformer.transform(kept.map((g) => g.payload as never), kept[0].n);
      const next: typeof kept = [];
      outcomes.forEach((o, i) => {
        const g = kept[i];
        if (o.kind === 'record') next.push({ ...g, payload: o.payload });
        else if (o.kind === 'skipped') stats.skip(pusher.name(g.payload, g.n), o.reason);
        else if (o.kind === 'failed') stats.fail(pusher.name(g.payload, g.n), o.reason);
        else stats.filtered++;
      });
      for (const p of this.stats.converterProblems.splice(0)) stats.converterError(p.id, p.reason);
      kept = next;
    }
    if (kept.length) pusher.sendRecords(kept.map((g) => g.payload), kept.map((g) => g.n));
    // Pushes go out in the order they were queued; the next batch is not fetched past `workers` pushes in flight.
    await pusher.backPressure();
  }

  async close(): Promise<void> {
    await this.sandbox?.close();
  }
}

/** The envelope (§11.1) and up to `workers` uploads in flight, queued in record order. */
class Pusher {
  /** Uploads made on the portion (attempted), so an interrupted run knows whether the portion exists. */
  uploads = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly queue: Array<() => Promise<void>> = [];

  constructor(
    private readonly plan: RunPlan,
    private readonly portion: string,
    private readonly client: OomnitzaClient,
    private readonly deps: RunDeps,
    readonly stats: SectionStats,
    private readonly saver: Saver | undefined,
  ) {}

  payload(records: unknown[], error: string | null, fatal = false): ManagedBulkPayload {
    const p: ManagedBulkPayload = {
      connector_version: this.deps.connectorVersion,
      sync_field: this.plan.syncField,
      records,
      portion: this.portion,
      data_type: this.plan.dataType,
      insert_only: this.plan.insertOnly,
      update_only: this.plan.updateOnly,
      error,
      test_run: this.plan.testRun,
      multi_str_input_value: this.plan.multiStrInputValue,
      connector_id: this.plan.id,
    };
    if (fatal) p.error_type = FATAL;
    return p;
  }

  /** A record's name in the summary: its sync_field values, else its number. */
  name(payload: Record<string, unknown>, n: number): string {
    const values = this.plan.syncField.filter((f) => payload[f] !== undefined && payload[f] !== null && payload[f] !== '').map((f) => `${f}=${JSON.stringify(payload[f])}`);
    return values.length ? `${values.join(', ')} (item #${n})` : `item #${n}`;
  }

  sendError(raw: unknown, error: string): void {
    this.enqueue(this.payload([raw], error), () => undefined, (err) => this.deps.log.error(`${this.plan.label}: sending an error record failed: ${errorMessage(err)}`));
  }

  sendRecords(records: Record<string, unknown>[], numbers: number[]): void {
    const label = records.length === 1 ? this.name(records[0], numbers[0]) : `${records.length} records from ${this.name(records[0], numbers[0])} to ${this.name(records[records.length - 1], numbers[numbers.length - 1])}`;
    this.enqueue(this.payload(records, null), () => { this.stats.pushed += records.length; }, (err) => this.stats.fail(label, errorMessage(err), records.length, errorClass(err)));
  }

  /** The fatal error record of §11.4 (`records: [{}]`), sent after every queued upload. */
  async sendFatal(message: string, signal: AbortSignal): Promise<void> {
    await this.drain();
    await this.send(this.payload([{}], message, true), signal);
  }

  private enqueue(payload: ManagedBulkPayload, ok: () => void, failed: (err: unknown) => void): void {
    this.queue.push(async () => {
      try {
        await this.send(payload, this.deps.signal);
        ok();
      } catch (err) {
        failed(err);
      }
    });
    this.pump();
    this.deps.onPushQueue?.(this.plan.label, this.queue.length);
  }

  private pump(): void {
    while (this.inFlight.size < this.deps.workers && this.queue.length) {
      const job = this.queue.shift()!;
      this.deps.onPushQueue?.(this.plan.label, this.queue.length);
      const p = job().finally(() => {
        this.inFlight.delete(p);
        this.pump();
      });
      this.inFlight.add(p);
    }
  }

  private async send(payload: ManagedBulkPayload, signal: AbortSignal): Promise<void> {
    // The [oomnitza] push breaker (src/http/breaker.ts), shared by the runs: once Oomnitza stopped answering, an
    // upload is failed at once (not counted as attempted) instead of waiting timeout x retries, until a probe after
    // breaker_cooldown is answered.
    const breaker = this.deps.base.pushBreaker;
    const admitted = this.deps.testmode ? { probe: false } : breaker.tryAdmit();
    if (!admitted) throw new TransientError(`not sent: Oomnitza stopped answering (${breaker.reason}; ${breaker.nextProbe})`);
    this.uploads++;
    try {
      await this.saver?.write('payload', payload);
      if (this.deps.testmode) {
        this.deps.print(redactor.redact(JSON.stringify(payload, null, 2)));
        return;
      }
      await this.client.pushManaged(payload, signal);
      breaker.answered(admitted.probe);
    } catch (err) {
      // Only Oomnitza's own answer (or silence) decides; our abort or a local failure lets the next upload probe.
      if (signal.aborted || !(err instanceof HttpError)) breaker.released(admitted.probe);
      else breaker.failed(err, admitted.probe);
      throw err;
    }
  }

  async backPressure(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight.size >= this.deps.workers) {
      if (this.inFlight.size === 0) this.pump();
      await Promise.race(this.inFlight);
    }
  }

  async drain(): Promise<void> {
    while (this.queue.length || this.inFlight.size) {
      this.pump();
      await Promise.allSettled([...this.inFlight]);
    }
  }
}

/** A name usable as a file name: what the cloud calls an integration may hold `/` or `..`. */
export function safeName(name: string): string {
  const cleaned = name.replace(/[^\w.@ -]+/g, '_').replace(/^\.+/, '_').trim();
  return cleaned || 'integration';
}

/** --save-data: raw items and payloads, redacted; a disk problem stops the saving, never the run. */
class Saver {
  private n = 0;
  private stopped = false;
  private ready: Promise<unknown>;
  constructor(private readonly dir: string, private readonly log: Logger) {
    this.ready = fs.promises.mkdir(dir, { recursive: true }).catch((err: unknown) => this.stop(err));
  }
  async write(kind: 'raw' | 'payload', data: unknown): Promise<void> {
    await this.ready;
    if (this.stopped) return;
    const file = path.join(this.dir, `${kind}-${String(++this.n).padStart(5, '0')}.json`);
    await fs.promises.writeFile(file, JSON.stringify(redactor.redactDeep(data), null, 2), { mode: 0o600 }).catch((err: unknown) => this.stop(err));
  }
  private stop(err: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    this.log.error(`--save-data: cannot write under "${this.dir}" (${errorMessage(err)}); no more save-data files for this run`);
  }
}
