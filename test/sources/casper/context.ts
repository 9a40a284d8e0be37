/** A recording SourceContext for the Jamf tests, on the real HttpClient with fast retries. */
import { HttpClient } from '../../../src/http/client.js';
import { getLogger } from '../../../src/logging.js';
import type { RawRecord, ReadRequest, Source, SourceContext } from '../../../src/sources/types.js';

export interface TestContext extends SourceContext {
  failures: Array<{ id: string; error: unknown }>;
  abort: AbortController;
}

export function testContext(opts: { section?: string; concurrency?: number } = {}): TestContext {
  const section = opts.section ?? 'casper';
  const abort = new AbortController();
  const failures: TestContext['failures'] = [];
  return {
    section,
    log: getLogger(`sources/${section}`),
    signal: abort.signal,
    tls: { verify: true },
    // Tiny delays keep tests fast; a server's Retry-After is capped by maxDelayMs.
    http: new HttpClient({ section, tls: { verify: true }, retry: { retries: 3, baseDelayMs: 5, maxDelayMs: 20 } }),
    configDir: process.cwd(),
    concurrency: opts.concurrency ?? 4,
    reportFailure: (id, error) => failures.push({ id, error }),
    failures,
    abort,
  };
}

export async function collect(source: Source, request: ReadRequest): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for await (const record of source.read(request)) out.push(record);
  return out;
}

export function byGeneralId(records: RawRecord[]): RawRecord[] {
  const id = (r: RawRecord) => Number((r.general as { id: number }).id);
  return [...records].sort((a, b) => id(a) - id(b));
}
