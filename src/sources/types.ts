/**
 * The contract every source implements. A source only reads: the core maps, converts, filters,
 * batches and pushes. Adding a source = a folder under src/sources/ plus one line in registry.ts.
 */
import type { Logger } from '../logging.js';
import type { SettingsSchema, SettingsOf } from '../config/settings.js';
import type { FieldMappings, RawRecord } from '../records.js';
import type { HttpClient } from '../http/client.js';
import type { TlsSettings } from '../http/types.js';
import type { WebhookSettings } from './webhookSettings.js';

export type { RawRecord } from '../records.js';

export interface SourceContext {
  /** Section name as written in the INI, e.g. `ldap.Contractors`. */
  section: string;
  log: Logger;
  /** Aborted on Ctrl-C / SIGTERM: stop reading, return from read(). */
  signal: AbortSignal;
  /** TLS options from the common settings (verify_ssl, cacert_file, ssl_protocol). */
  tls: TlsSettings;
  /** An HTTP client configured for this section (TLS, retries, proxy); closed by the core. */
  http: HttpClient;
  /** Directory of the INI file: relative paths in settings resolve against it. */
  configDir: string;
  /** --workers: how many requests a source may have in flight (e.g. Jamf detail fetches). */
  concurrency: number;
  /**
   * A record the source could not produce (a failed detail fetch, a malformed CSV row). The core counts it
   * as failed and lists it in the summary; the source keeps going. `id` names the record for the admin.
   */
  reportFailure(id: string, error: unknown): void;
}

/** What the core asks a source to read. */
export interface ReadRequest {
  /** Source paths used by the mappings in effect (e.g. `givenName`, `general.serial_number`). */
  fields: string[];
  /**
   * True when a record filter or a custom converter may read any field: then request everything
   * the source can cheaply provide, not only `fields`.
   */
  allFields: boolean;
  /**
   * Present when the section has `sync_mode = incremental` (only for plugins that declare `incremental`): read only
   * what changed since `since`, or everything when `since` is undefined (the first run, a full sweep, changed
   * settings), and report the watermark this read earns with `advance`. The core saves it only after a complete,
   * successful run (the same gate as Source.onRunComplete), so what a failed run missed is read again.
   */
  incremental?: IncrementalRead;
}

/** The incremental part of a read request (ReadRequest.incremental). */
export interface IncrementalRead {
  /** The watermark the last complete run earned; undefined: read everything. */
  readonly since?: string;
  /**
   * The watermark of this read, to be saved if the run completes: called once the read reached its end (a later
   * call replaces an earlier one). A source that never calls it leaves the saved watermark where it was.
   */
  advance(watermark: string): void;
}

/**
 * A source capability: its API can list only the records changed since a watermark (Okta `lastUpdated`, Graph
 * delta links, ServiceNow `sys_updated_on`). Sections of such a plugin may set `sync_mode = incremental`.
 */
export interface IncrementalDescriptor {
  /** What the watermark is, for logs and docs: "the time the read began (lastUpdated gt)". */
  readonly watermark: string;
  /** Whether a saved watermark is one this plugin writes; another (a hand-edited state file) means a full read. */
  valid(watermark: string): boolean;
  /** Why a section with these settings cannot read incrementally (a config error at sync_mode), or undefined. */
  unavailable?(settings: Record<string, unknown>): string | undefined;
}

export interface Source {
  /** A cheap, real probe used by `connector test`: connect, authenticate, read one record. Returns what it saw. */
  check(): Promise<string>;
  /** Raw records, streamed: never collect the whole data set in memory. */
  read(request: ReadRequest): AsyncIterable<RawRecord>;
  /**
   * One record by its id in the source, with what `request` needs: how `connector serve` syncs the record a
   * webhook names. Required of a source whose plugin declares `webhook`. Rejects when the source has no such record.
   */
  fetchOne?(id: RecordId, request: ReadRequest): Promise<RawRecord>;
  /**
   * Called by `upload` once the section's run succeeded: read() finished, every record it yielded was pushed to
   * Oomnitza (or filtered out or skipped by the mappings), nothing failed, and it was not a --testmode,
   * --record-count or canceled run. A source that keeps state between runs (Jasper's watermark) saves it here, so
   * that what a failed run missed is read again next time. A rejection fails the section.
   */
  onRunComplete?(outcome: RunOutcome): Promise<void>;
  close?(): Promise<void>;
}

/** What the pipeline tells a source about a successful run (Source.onRunComplete). */
export interface RunOutcome {
  /** Records read from the source in this run. */
  pulled: number;
  /** Records Oomnitza accepted. */
  pushed: number;
}

/** What a section syncs: the record type and the name of its mapping in Oomnitza (also sent as `connector_name`). */
export interface SourceVariant {
  mappingName: string;
  dataType: 'assets' | 'users';
}

export interface SourcePlugin<S extends SettingsSchema = SettingsSchema> {
  /** = INI section type = registry key (`[ldap]`, `[ldap.Contractors]`). */
  readonly name: string;
  /** One line shown above the section by generate-ini. */
  readonly title: string;
  /** What a section of this type syncs, given its settings (see `variants` in defineSource). The engine reads this. */
  variant(settings: SettingsOf<S>): SourceVariant;
  /** The record type, when every variant has the same one. */
  readonly dataType?: 'assets' | 'users';
  /** Shortcut for variant(settings).mappingName (reference/oomnitza-api.md). */
  mappingName(settings: SettingsOf<S>): string;
  readonly settings: S;
  /**
   * Converters applied to any mapping (default, server or INI) whose source is one of these fields and
   * which names no converter itself (the original's DefaultConverters, e.g. Jamf date fields).
   */
  readonly defaultConverters?: Readonly<Record<string, string>>;
  /** Mappings applied before server and INI mappings. */
  defaultMappings(settings: SettingsOf<S>): FieldMappings;
  /** Validate only (throw ConfigError); never connect here. */
  create(settings: SettingsOf<S>, ctx: SourceContext): Source;
  /** The vendor sends webhooks when a record changes: `connector serve` serves this plugin's sections. */
  readonly webhook?: WebhookDescriptor<S>;
  /** The API can filter by modification time: the plugin's sections may set `sync_mode = incremental`. */
  readonly incremental?: IncrementalDescriptor;
}

/** A record's id in its source, as a webhook names it (Jamf's are whole numbers). */
export type RecordId = string | number;

/** What a webhook request body says, read by a source's WebhookDescriptor. */
export type WebhookEvent =
  /** The event names one record: sync it. `recordKind` is one of the descriptor's `events` values. */
  | { kind: 'record'; event: string; recordKind: string; id: RecordId }
  /** A well-formed webhook of an event the source does not handle: answered and ignored. */
  | { kind: 'unsupported'; event: string }
  /** Not a webhook of this vendor (answered 400 with `reason`). */
  | { kind: 'invalid'; reason: string };

/**
 * A source capability: the vendor calls a URL when a record changes. The webhook server knows sources only through
 * this and `Source.fetchOne`: which events there are, how a body names the record and its kind, and which
 * settings say who may send. The plugin's schema spreads `webhookSettings` (src/sources/webhookSettings.ts).
 */
export interface WebhookDescriptor<S extends SettingsSchema = SettingsSchema> {
  /** Who sends the webhooks, for log lines: "Jamf Pro". */
  readonly sender: string;
  /** The events handled, each with the kind of record it names (e.g. ComputerAdded: computers). */
  readonly events: Readonly<Record<string, string>>;
  /** A record of each kind in log lines and failure reports: { computers: 'computer' }. */
  readonly nouns: Readonly<Record<string, string>>;
  /** Reads a request body; never throws. */
  parse(body: string): WebhookEvent;
  /** The kind of record a section with these settings syncs; an event naming another kind is ignored there. */
  recordKind(settings: SettingsOf<S>): string;
  /** Where events naming `kind` belong, for the warning when one reaches another section ("a section with sync_type = computers"). */
  sectionFor(kind: string): string;
  /** The section's webhook settings (token, Basic credentials, allowed addresses). */
  auth(settings: SettingsOf<S>): WebhookSettings;
}

/**
 * A source whose record type or mapping name depends on a setting (Jamf `sync_type`, Azure users vs devices,
 * ServiceNow assets vs users) declares its variants in one table keyed by that setting's value.
 */
export interface VariantTable<S extends SettingsSchema> {
  by: keyof S & string;
  table: Readonly<Record<string, SourceVariant>>;
}

type Common<S extends SettingsSchema> = Omit<SourcePlugin<S>, 'variant' | 'dataType' | 'mappingName' | 'defaultMappings'> & {
  defaultMappings?(settings: SettingsOf<S>): FieldMappings;
};
export type SourceDefinition<S extends SettingsSchema> = Common<S> &
  ({ dataType: 'assets' | 'users'; mappingName: string; variants?: never } | { variants: VariantTable<S>; dataType?: never; mappingName?: never });

/** Builds a plugin from its declaration: one fixed variant (dataType + mappingName) or a table of variants. */
export function defineSource<S extends SettingsSchema>(def: SourceDefinition<S>): SourcePlugin<S> {
  const { variants } = def;
  const variant = (settings: SettingsOf<S>): SourceVariant => {
    if (!variants) return { mappingName: def.mappingName!, dataType: def.dataType! };
    const key = String((settings as Record<string, unknown>)[variants.by]);
    const found = variants.table[key];
    // The setting is a choice validated at load time, so a miss is a bug in the declaration.
    if (!found) throw new Error(`[${def.name}] no variant for ${variants.by} = "${key}"`);
    return found;
  };
  const types = new Set(variants ? Object.values(variants.table).map((v) => v.dataType) : [def.dataType!]);
  return {
    ...def,
    variant,
    dataType: types.size === 1 ? [...types][0] : undefined,
    mappingName: (settings) => variant(settings).mappingName,
    defaultMappings: def.defaultMappings ?? (() => ({})),
  };
}
