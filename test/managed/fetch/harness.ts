/** Shared setup of the fetch engine tests: one template engine, a fake SaaS, a client with a fake clock. */
import { HttpClient } from '../../../src/http/client.js';
import type { Clock } from '../../../src/http/types.js';
import { parseSaasAuthorization } from '../../../src/managed/fetch/index.js';
import type { FetchEvent, FetchInput, ManagedIntegrationDefinition } from '../../../src/managed/fetch/types.js';
import type { TemplateEngine } from '../../../src/managed/template/types.js';

export const NO_AUTH = parseSaasAuthorization({ headers: { 'X-Api-Key': 'key-123' } });

export interface Harness {
  http: HttpClient;
  /** Every wait the client asked of the clock (rate limits, backoff). */
  waits: number[];
}

export function makeHttp(): Harness {
  const waits: number[] = [];
  let now = Date.UTC(2026, 11, 2);
  const clock: Clock = {
    now: () => now,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
  };
  const http = new HttpClient({ section: 'managed.7', tls: { verify: true }, clock, retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2 } });
  return { http, waits };
}

export function fetchInput(engine: TemplateEngine, http: HttpClient, integration: ManagedIntegrationDefinition, extra: Partial<FetchInput> = {}): FetchInput {
  return {
    integration,
    saasAuthorization: NO_AUTH,
    localInputs: {},
    engine,
    http,
    globalSettings: async () => [],
    isCanceled: async () => false,
    concurrency: 4,
    testRun: false,
    ...extra,
  };
}

export async function collect(events: AsyncIterable<FetchEvent>): Promise<FetchEvent[]> {
  const out: FetchEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

/** A record as the engine yields it when there is no detail behaviour. */
export const listed = (item: Record<string, unknown>) => ({ record: { ...item, pre_list_response_item: null, exploratory_list_response_item: null } });
