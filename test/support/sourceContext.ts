/** A recording SourceContext on the real HttpClient, with fast retries and optionally a fake clock. */
import { HttpClient } from '../../src/http/client.js';
import type { Clock } from '../../src/http/types.js';
import { getLogger } from '../../src/logging.js';
import type { RawRecord, ReadRequest, Source, SourceContext } from '../../src/sources/types.js';

export interface TestContext extends SourceContext {
  failures: Array<{ id: string; error: unknown }>;
}

const contexts: TestContext[] = [];

export function sourceContext(section: string, opts: { clock?: Clock; timeoutMs?: number } = {}): TestContext {
  const ctx: TestContext = {
    section,
    log: getLogger(`sources/${section}`),
    signal: new AbortController().signal,
    tls: { verify: true },
    http: new HttpClient({ section, tls: { verify: true }, retry: { retries: 3, baseDelayMs: 5, maxDelayMs: 20 }, clock: opts.clock, timeoutMs: opts.timeoutMs }),
    configDir: process.cwd(),
    concurrency: 2,
    reportFailure: (id, error) => ctx.failures.push({ id, error }),
    failures: [],
  };
  contexts.push(ctx);
  return ctx;
}

/** Closes the HTTP clients of every context made so far (call in afterEach). */
export async function closeContexts(): Promise<void> {
  await Promise.all(contexts.splice(0).map((c) => c.http.close()));
}

export async function collect(source: Source, request: ReadRequest = { fields: [], allFields: false }): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for await (const record of source.read(request)) out.push(record);
  return out;
}

/** As the config loader does: an empty or missing value takes the default, anything else the setting's parser. */
export function settingsFrom<S extends Record<string, { default: unknown; parse(raw: string): unknown }>>(schema: S, raw: Record<string, string>) {
  const out: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(schema)) out[key] = raw[key] ? s.parse(raw[key]) : s.default;
  return out as { [K in keyof S]: S[K]['default'] };
}
