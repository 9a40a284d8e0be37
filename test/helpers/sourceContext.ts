/**
 * Running one source in-process: settings parsed from INI text by the source's own schema, a recording context on
 * the real HttpClient (optionally on a fake clock, so that rate-limit waits take no time), and reading to the end.
 */
import type { SettingsOf, SettingsSchema } from '../../src/config/settings.js';
import { HttpClient } from '../../src/http/client.js';
import type { Clock, RetryPolicy } from '../../src/http/types.js';
import { getLogger } from '../../src/logging.js';
import type { RawRecord, Source, SourceContext } from '../../src/sources/types.js';

/** The schema's defaults, with `values` (INI text) parsed as the config loader would. */
export function settingsFrom<S extends SettingsSchema>(schema: S, values: Partial<Record<keyof S, string>>): SettingsOf<S> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(schema)) {
    const raw = values[key as keyof S];
    out[key] = raw === undefined || raw === '' ? spec.default : spec.parse(raw);
  }
  return out as SettingsOf<S>;
}

export interface RecordingContext extends SourceContext {
  failures: Array<{ id: string; error: unknown }>;
}

export function recordingContext(section: string, opts: { clock?: Clock; retry?: Partial<RetryPolicy> } = {}): RecordingContext {
  const failures: RecordingContext['failures'] = [];
  return {
    section,
    log: getLogger(`sources/${section}`),
    signal: new AbortController().signal,
    tls: { verify: true },
    // Tiny backoff keeps retries fast; rate-limit waits follow the clock.
    http: new HttpClient({ section, tls: { verify: true }, clock: opts.clock, retry: { retries: 3, baseDelayMs: 1, maxDelayMs: 5, ...opts.retry } }),
    configDir: process.cwd(),
    concurrency: 2,
    reportFailure: (id, error) => failures.push({ id, error }),
    failures,
  };
}

/** The OneLogin and Zendesk tests' name for it, with their retry budget (2 retries). */
export type TestContext = RecordingContext & { http: HttpClient };
export function testContext(section: string, opts: { clock?: Clock } = {}): TestContext {
  return recordingContext(section, { clock: opts.clock, retry: { retries: 2, baseDelayMs: 5, maxDelayMs: 20 } }) as TestContext;
}

export async function collect(source: Source, each?: (record: RawRecord, index: number) => void): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for await (const record of source.read({ fields: [], allFields: true })) {
    each?.(record, out.length);
    out.push(record);
  }
  return out;
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}
