/**
 * The `basic_connector` path of a managed run (managed fact sheet §9.1, §14; README "Managed mode"): the cloud names a
 * built-in connector, which runs with the integration's inputs as its settings plus `authorization_settings` = the
 * SaaS auth headers computed for `list_behavior`, and what it reads goes through the run's mappings and pushes, one
 * record per upload ("single" mode), each after its own cancel check (the run's per-batch check).
 *
 * The engine knows no source: the CLI injects a lookup (RunDeps.sources), and the delegated source's settings are
 * built through its own declarations (src/config/settings.ts), so validation, defaults and secret marking are those
 * of its INI section. Any failure (an unknown name, an input that does not fit, the SaaS refusing the credentials, an
 * error while reading) is the failed-first-page outcome, as in the original, whatever was already uploaded.
 */
import path from 'node:path';
import type { IniEntry } from '../config/iniReader.js';
import type { SettingsSchema } from '../config/settings.js';
import { validateSettings } from '../config/validate.js';
import { errorChain, errorMessage } from '../errors.js';
import { redactor, type Logger } from '../logging.js';
import type { Source, SourceContext, SourcePlugin } from '../sources/types.js';
import type { FetchEvent, FetchInput, FetchedItem, ListAuthorization, ManagedFetchModule } from './fetch/types.js';
import type { RunPlan } from './integration.js';

/**
 * The connectors the original can delegate to: the modules of its connectors/ folder that have `load_cloud_records`
 * (2026.08.1). Any other name fails there too (ImportError, or no load_cloud_records).
 */
export const DELEGABLE: readonly string[] = [
  'dell_asset_order_status',
  'dnac_network_devices',
  'fortimanager',
  'meraki_network_devices',
  'mobileiron',
  'vcenter',
];

/** The sources this build has, by INI section type (src/sources/registry.ts findSource, injected by the CLI). */
export type SourceLookup = (name: string) => Promise<SourcePlugin<any> | undefined>;

/** The setting a delegated connector reads the cloud-computed auth headers from. */
const AUTHORIZATION_SETTINGS = 'authorization_settings';
/** A test run (§11.7) stops at this many records, as the original's single mode does. */
const TEST_RUN_RECORDS = 10;

const firstBlockFailed = (e: string) => `Failed to fetch the first block of data. The error is: ${e}. The further processing is impossible`;

/** A problem with the integration's configuration, said to the cloud as it is (no error chain to add). */
class BasicConnectorError extends Error {
  override name = 'BasicConnectorError';
}

/** The plugin of `name`, or an error naming what this build can delegate to. */
export async function delegate(name: string, sources: SourceLookup | undefined): Promise<SourcePlugin<any>> {
  const plugin = DELEGABLE.includes(name) ? await sources?.(name) : undefined;
  if (!plugin) {
    // The registry loads sources lazily: those that can be delegated to are loaded only to name them here.
    const known: string[] = [];
    for (const n of DELEGABLE) if (await sources?.(n)) known.push(n);
    throw new BasicConnectorError(`no such connector for a managed integration in this version (it has: ${known.join(', ') || 'none'})`);
  }
  return plugin;
}

/** An input's value as INI text: what the source's setting parsers read (local inputs keep their JSON types). */
function asText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/**
 * The delegated source's settings: each declared setting from the input of the same name (absent or empty: its
 * default; required and missing: an error), `authorization_settings` = the auth headers (which win over an input of
 * that name, as in the original). Inputs the source does not declare are ignored, as the original drops them.
 * Secret settings are registered with the redactor before anything is logged.
 */
export function delegatedSettings(plugin: SourcePlugin<any>, setup: ListAuthorization, sectionName: string, configDir: string): Record<string, unknown> {
  const schema: SettingsSchema = plugin.settings;
  const entries = new Map<string, IniEntry>();
  for (const key of Object.keys(schema)) {
    const raw = key === AUTHORIZATION_SETTINGS ? JSON.stringify(setup.headers) : asText(setup.inputs[key]);
    if (raw !== undefined) entries.set(key, { key, value: raw, line: 0, valueLine: 0 });
  }
  const v = validateSettings(schema, entries, {}, { file: '', section: sectionName, sectionLine: 0, configDir });
  if (v.errors.length) {
    const problems = v.errors.map((e) => e.message.replace(/^\[[^\]]*\] /, 'input ')).join('; ');
    throw new BasicConnectorError(`the integration's inputs do not fit its settings: ${problems}`);
  }
  for (const [key, spec] of Object.entries(schema)) {
    const value = v.values[key];
    if (spec.secret && typeof value === 'string' && value) redactor.add(value);
  }
  return v.values;
}

/** What the run hands over (a subset of RunDeps). */
export interface BasicConnectorDeps {
  sources?: SourceLookup;
  fetch: Pick<ManagedFetchModule, 'listAuthorization'>;
  log: Logger;
  signal: AbortSignal;
  /** --workers: the delegated source's concurrency. */
  workers: number;
}

/**
 * The run's events when it delegates (the fetch engine's contract, fetch/types.ts): one batch per record, in the
 * order the source reads them, then `end` 'done', or `failed` 'first-page'. A record the source could not read
 * (SourceContext.reportFailure) is an error item of its own, so that the cloud sees it. Leaving the loop early (a
 * cancel) closes the source.
 */
export async function* basicConnectorEvents(plan: RunPlan, input: FetchInput, deps: BasicConnectorDeps): AsyncGenerator<FetchEvent> {
  const name = plan.basicConnector!;
  const sectionName = `managed.${String(plan.id)}/${name}`;
  let source: Source | undefined;
  const unread: FetchedItem[] = [];
  const flush = function* (): Generator<FetchEvent> {
    while (unread.length) yield { kind: 'batch', items: [unread.shift()!] };
  };
  try {
    const plugin = await delegate(name, deps.sources);
    // The auth is computed before the connector exists, as the original does (a session login happens here).
    const setup = await deps.fetch.listAuthorization(input);
    for (const value of [...Object.values(setup.headers), ...Object.values(setup.params)]) if (value) redactor.add(value);
    if (Object.keys(setup.params).length) {
      deps.log.debug(`${plan.label}: the SaaS auth params (${Object.keys(setup.params).join(', ')}) are not handed to basic_connector "${name}" (the original hands on the headers only)`);
    }
    const configDir = plan.section ? path.dirname(path.resolve(plan.section.file)) : process.cwd();
    const settings = delegatedSettings(plugin, setup, sectionName, configDir);
    const ctx: SourceContext = {
      section: sectionName,
      log: deps.log,
      signal: deps.signal,
      tls: plan.section?.tls ?? { verify: true },
      http: input.http,
      configDir,
      concurrency: deps.workers,
      reportFailure: (id, err) => {
        deps.log.warn(`${plan.label}: basic_connector "${name}" could not read ${id}: ${errorMessage(err)}`);
        unread.push({ raw: { id }, error: `Failed to fetch ${id}. The error is: ${errorMessage(err)}` });
      },
    };
    source = plugin.create(settings, ctx);
    deps.log.info(`${plan.label}: reading with basic_connector "${name}"`);
    let records = 0;
    for await (const record of source.read({ fields: [], allFields: true })) {
      yield* flush();
      yield { kind: 'batch', items: [{ record }] };
      if (input.testRun && ++records >= TEST_RUN_RECORDS) break;
    }
    yield* flush();
  } catch (err) {
    if (deps.signal.aborted) throw deps.signal.reason;
    const said = errorMessage(err);
    const message = firstBlockFailed(`basic_connector "${name}": ${said}`);
    deps.log.error(`${plan.label}: ${message}`);
    yield { kind: 'failed', stage: 'first-page', message, detail: err instanceof BasicConnectorError ? message : errorChain(err) };
    return;
  } finally {
    await source?.close?.();
  }
  yield { kind: 'end', outcome: 'done' };
}
