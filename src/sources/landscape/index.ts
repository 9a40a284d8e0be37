/**
 * Canonical Landscape computers `[landscape]`: every computer the account sees (or those `query` selects), with
 * hardware, network devices and annotations, and (load_packages) each computer's installed packages as
 * `software`, one detail read per computer through the kit's fan-out. Email and password use the REST API (a
 * JWT login); an access key and secret key use the legacy API with HMAC-signed requests.
 */
import { ConfigError } from '../../errors.js';
import type { FieldMappings } from '../../records.js';
import { checkBaseUrl, concurrencyOf, displayUrl, fanOut, rateLimitOf, type HttpClient } from '../../http/index.js';
import { defineSource, type RawRecord, type Source, type SourceContext } from '../types.js';
import { explainLandscapeFailure, hardwareValues, landscapeErrorText, legacyApi, restApi, type LandscapeApi } from './landscapeApi.js';
import { landscapeSettings, type LandscapeSettings } from './settings.js';

function chooseApi(s: LandscapeSettings, base: string, client: () => HttpClient, section: string): LandscapeApi {
  const rest = Boolean(s.email || s.password);
  const legacy = Boolean(s.access_key || s.secret_key);
  if (rest && legacy) {
    throw new ConfigError({ section, key: 'access_key' },
      'set either email and password (REST API, Landscape 24.04 and later) or access_key and secret_key (legacy API), not both');
  }
  if (rest) {
    if (!s.email || !s.password) throw new ConfigError({ section, key: s.email ? 'password' : 'email' }, 'the REST API login needs both email and password');
    return restApi(base, { email: s.email, password: s.password, account: s.account.trim() }, client, section);
  }
  if (legacy) {
    if (!s.access_key || !s.secret_key) throw new ConfigError({ section, key: s.access_key ? 'secret_key' : 'access_key' }, 'the legacy API needs both access_key and secret_key');
    return legacyApi(base, s.access_key, s.secret_key, client);
  }
  throw new ConfigError({ section, key: 'email' }, 'set email and password (REST API) or access_key and secret_key (legacy API)');
}

/** The computer as Landscape sends it, plus `hardware_values` when it carries the hardware list. */
function computerRecord(computer: RawRecord): RawRecord {
  const values = hardwareValues(computer.hardware);
  return values ? { ...computer, hardware_values: values } : computer;
}

/** Validates the settings (ConfigError) and builds the source; nothing connects until check() or read(). */
export function createLandscapeSource(s: LandscapeSettings, ctx: SourceContext): Source {
  const base = checkBaseUrl(s.url, { section: ctx.section }, { origin: true });
  let client: HttpClient | undefined;
  const api = chooseApi(s, base, () => client!, ctx.section);
  const who = api.auth.describe?.() ?? 'the account';
  client = ctx.http.with({
    baseUrl: base,
    auth: api.auth,
    headers: { accept: 'application/json' },
    rateLimit: rateLimitOf(s),
    errorText: landscapeErrorText,
    explainFailure: explainLandscapeFailure(ctx.section, () => api, who),
  });
  const query = s.query.trim();
  const selected = query ? ` matching "${query}"` : '';

  return {
    async check() {
      const intro = `authenticated to ${displayUrl(base)} (${api.kind} API) as ${who}`;
      for await (const computer of api.computers(query, ctx.signal, 1)) {
        const packages = s.load_packages ? `; ${(await api.packages(computer.id, ctx.signal)).length} installed package(s)` : '';
        return `${intro}; read computer ${String(computer.id)} "${String(computer.title ?? computer.hostname ?? '')}"${packages}`;
      }
      return `${intro}; no computers${selected}`;
    },
    async *read() {
      const computers = api.computers(query, ctx.signal);
      if (!s.load_packages) {
        for await (const computer of computers) yield computerRecord(computer);
        return;
      }
      yield* fanOut(computers, {
        concurrency: concurrencyOf(s, ctx.concurrency),
        fetch: async (computer) => ({ ...computerRecord(computer), software: await api.packages(computer.id, ctx.signal) }),
        label: (computer) => `computer ${String(computer.id)} "${String(computer.title ?? computer.hostname ?? '')}"`,
        reportFailure: ctx.reportFailure,
        signal: ctx.signal,
      });
    },
  };
}

export const landscape = defineSource({
  name: 'landscape',
  title: 'Canonical Landscape computers with hardware and installed packages',
  dataType: 'assets',
  mappingName: 'Landscape',
  settings: landscapeSettings,
  defaultMappings: (s): FieldMappings => (s.load_packages ? { APPLICATIONS: { source: 'software' } } : {}),
  create: (settings, ctx) => createLandscapeSource(settings, ctx),
});
