/** A recording SourceContext on the real HttpClient, with a clock the test may fake (rate-limit waits take no time). */
import { HttpClient } from '../../src/http/client.js';
import type { Clock } from '../../src/http/types.js';
import { getLogger } from '../../src/logging.js';
import type { RawRecord, Source, SourceContext } from '../../src/sources/types.js';

export interface TestContext extends SourceContext {
  http: HttpClient;
  failures: Array<{ id: string; error: unknown }>;
}

export function testContext(section: string, opts: { clock?: Clock } = {}): TestContext {
  const failures: TestContext['failures'] = [];
  return {
    section,
    log: getLogger(`sources/${section}`),
    signal: new AbortController().signal,
    tls: { verify: true },
    http: new HttpClient({ section, tls: { verify: true }, clock: opts.clock, retry: { retries: 2, baseDelayMs: 5, maxDelayMs: 20 } }),
    configDir: process.cwd(),
    concurrency: 2,
    reportFailure: (id, error) => failures.push({ id, error }),
    failures,
  };
}

export async function collect(source: Source, each?: (record: RawRecord, index: number) => void): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for await (const record of source.read({ fields: [], allFields: true })) {
    each?.(record, out.length);
    out.push(record);
  }
  return out;
}
