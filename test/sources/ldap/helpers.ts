/** Shared by the LDAP tests: settings with defaults, a recording context, reading a source to the end. */
import type { SettingsSchema, SettingsOf } from '../../../src/config/settings.js';
import type { HttpClient } from '../../../src/http/client.js';
import type { TlsSettings } from '../../../src/http/types.js';
import { addLogTransport, getLogger } from '../../../src/logging.js';
import type { RawRecord, Source, SourceContext, SourcePlugin } from '../../../src/sources/types.js';

export function settingsFor<S extends SettingsSchema>(schema: S, values: Partial<Record<keyof S, unknown>>): SettingsOf<S> {
  const out: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(schema)) out[key] = key in values ? values[key] : s.default;
  return out as SettingsOf<S>;
}

export interface RecordingContext extends SourceContext {
  failures: Array<{ id: string; error: unknown }>;
  abort: AbortController;
}

export function makeContext(section: string, tls: TlsSettings = { verify: true }, concurrency = 4): RecordingContext {
  const abort = new AbortController();
  const failures: Array<{ id: string; error: unknown }> = [];
  return {
    section,
    log: getLogger(`sources/${section}`),
    signal: abort.signal,
    abort,
    tls,
    http: {} as HttpClient,
    configDir: process.cwd(),
    concurrency,
    failures,
    reportFailure: (id, error) => failures.push({ id, error }),
  };
}

export function createSource<S extends SettingsSchema>(
  plugin: SourcePlugin<S>,
  values: Partial<Record<keyof S, unknown>>,
  ctx: SourceContext = makeContext(plugin.name),
): Source {
  return plugin.create(settingsFor(plugin.settings, values), ctx);
}

export async function readAll(source: Source, fields: string[], allFields = false): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for await (const record of source.read({ fields, allFields })) out.push(record);
  return out;
}

/** Collects log lines (level + message) while a test runs. */
export function captureLogs(): { lines: string[]; stop: () => void } {
  const lines: string[] = [];
  const stop = addLogTransport({ write: (_line, info) => lines.push(`${info.level}: ${info.message}`) });
  return { lines, stop };
}
