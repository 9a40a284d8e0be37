/** In-process managed runs against the fake cloud, with a scripted fetch engine standing in for src/managed/fetch/. */
import { HttpClient } from '../../../src/http/client.js';
import { getLogger } from '../../../src/logging.js';
import type { FetchEvent, FetchInput, ManagedFetchModule, SaasAuthorization } from '../../../src/managed/fetch/types.js';
import { runManaged, type RunnerOptions } from '../../../src/managed/runner.js';
import type { ManagedSection } from '../../../src/managed/settings.js';
import type { TemplateEngine } from '../../../src/managed/template/types.js';
import { OomnitzaClient } from '../../../src/oomnitza/client.js';
import type { OomnitzaSettings } from '../../../src/oomnitza/settings.js';
import type { FakeManagedCloud } from '../../support/fakeManagedCloud.js';

export type Script = (input: FetchInput) => AsyncIterable<FetchEvent>;

/** What parseSaasAuthorization accepts (§8.2), enough for the runner's tests. */
export function parseSaasAuthorization(value: unknown): SaasAuthorization {
  let v = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      throw new Error('SaaS authorization format is invalid: not JSON');
    }
  }
  const o = v as Record<string, unknown>;
  if (o && typeof o === 'object') {
    if (typeof o.credential_id === 'string') return { kind: 'credential', credentialId: o.credential_id };
    if (o.type === 'session' && o.behavior && typeof o.behavior === 'object') return { kind: 'session', behavior: o.behavior as Record<string, unknown> };
    const headers = (o.headers ?? {}) as Record<string, string>;
    const params = (o.params ?? {}) as Record<string, string>;
    if (Object.keys(headers).length || Object.keys(params).length) return { kind: 'static', headers, params };
  }
  throw new Error('SaaS authorization format is invalid');
}

export interface FakeFetch extends ManagedFetchModule {
  inputs: FetchInput[];
}

/** `scripts[id]` yields the events of that integration's fetch; every page asks isCanceled() first, as the engine does. */
export function fakeFetch(scripts: Record<string, Script>, testResponse?: unknown): FakeFetch {
  const inputs: FetchInput[] = [];
  return {
    inputs,
    parseSaasAuthorization,
    fetchIntegration(input) {
      inputs.push(input);
      const script = scripts[String(input.integration.id)];
      if (!script) throw new Error(`no script for integration ${String(input.integration.id)}`);
      return script(input);
    },
    async fetchTestResponse(input) {
      inputs.push(input);
      return testResponse;
    },
    async listAuthorization(input) {
      // Raw cloud values (not rendered), local over them; static auth only.
      inputs.push(input);
      const cloudInputs = Object.fromEntries(Object.entries(input.integration.inputs).map(([k, v]) => [k, (v as { value?: unknown }).value]));
      const auth = input.saasAuthorization.kind === 'static' ? input.saasAuthorization : { headers: {}, params: {} };
      return { inputs: { ...cloudInputs, ...input.localInputs }, headers: auth.headers, params: auth.params };
    },
  };
}

/** Batches of records, then `end`; each page checks the cancel state first. */
export function pages(batches: Array<Array<{ record: unknown } | { raw: unknown; error: string }>>, last: FetchEvent = { kind: 'end', outcome: 'done' }): Script {
  return async function* (input) {
    for (const items of batches) {
      if (await input.isCanceled()) {
        yield { kind: 'end', outcome: 'canceled' };
        return;
      }
      yield { kind: 'batch', items };
    }
    yield last;
  };
}

export function oomnitzaSettings(cloud: FakeManagedCloud, extra: Partial<OomnitzaSettings> = {}): OomnitzaSettings {
  return {
    url: cloud.url, api_token: cloud.token, username: '', password: '', user_pem_file: '', verify_ssl: true, cacert_file: '', ssl_protocol: '',
    timeout: 10, connect_timeout: 5, retries: 0, stop_after_timeouts: 3, breaker_cooldown: 60, stop_grace: 1,
    ...extra,
  } as OomnitzaSettings;
}

export interface Harness {
  printed: string[];
  run(overrides?: Partial<RunnerOptions>): Promise<number>;
}

export function harness(cloud: FakeManagedCloud, fetch: ManagedFetchModule, engine: TemplateEngine, sections: ManagedSection[] = [], settings: Partial<OomnitzaSettings> = {}): Harness {
  const printed: string[] = [];
  return {
    printed,
    async run(overrides = {}) {
      const base = new OomnitzaClient(oomnitzaSettings(cloud, settings), getLogger('oomnitza'));
      try {
        await base.authenticate();
        return await runManaged({
          base,
          fetch,
          engine,
          sections: new Map(sections.map((s) => [s.name, s])),
          workers: 1,
          testmode: false,
          saveData: false,
          saveDir: 'save_data',
          print: (t) => printed.push(t),
          converters: [],
          connectorVersion: '9.9.9',
          saasHttp: (plan) => new HttpClient({ section: plan.label, tls: { verify: true } }),
          once: true,
          ignoreMaintenance: false,
          stop: new AbortController().signal,
          graceMs: 1000,
          pollMs: 10,
          maintenanceWaitMs: 10,
          ...overrides,
        });
      } finally {
        await base.close();
      }
    },
  };
}

/** A cloud config object the way the cloud writes it (string flags). */
export function integration(id: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    name: `Integration ${id}`,
    type: 'users',
    update_only: 'False',
    insert_only: 'False',
    inputs: { base_url: { value: 'https://saas.example' } },
    list_behavior: { http_method: 'GET', url: '{{ inputs.base_url }}/users', headers: [], params: [], result: '{{ list_response }}' },
    saas_authorization: { headers: { Authorization: 'Bearer saas-secret' } },
    ...extra,
  };
}
