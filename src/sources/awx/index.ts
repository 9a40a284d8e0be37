/**
 * Ansible AWX / Tower / AAP controller inventory hosts `[awx]`: every host (or one inventory's), paged, with its
 * `variables` text parsed into an object and, with load_facts, the host's cached Ansible facts (one detail call
 * per host, bounded by the kit's fan-out).
 */
import { checkBaseUrl, concurrencyOf, displayUrl, fanOut, rateLimitOf } from '../../http/index.js';
import { defineSource, type RawRecord, type Source, type SourceContext } from '../types.js';
import { awxCredentials, checkFacts, explainAwxFailure, hostList } from './awxApi.js';
import { awxSettings, type AwxSettings } from './settings.js';
import { parseVariables } from './variables.js';

/** Validates the settings (ConfigError) and builds the source; nothing connects until check() or read(). */
export function createAwxSource(s: AwxSettings, ctx: SourceContext): Source {
  const url = checkBaseUrl(s.url, { section: ctx.section });
  const prefix = s.api_prefix.trim().replace(/\/+$/, '');
  const creds = awxCredentials(s, ctx.section);
  if (s.token && s.username) ctx.log.info('token and username are both set: using the token');
  const api = ctx.http.with({
    baseUrl: url,
    auth: creds.auth,
    headers: { accept: 'application/json' },
    rateLimit: rateLimitOf(s),
    explainFailure: explainAwxFailure(ctx.section, creds, prefix, s.inventory_id),
  });
  const scope = s.inventory_id ? ` in inventory ${s.inventory_id}` : '';

  /** The host as AWX sends it, with `variables` made mappable (a host whose text does not parse keeps it, and says so). */
  const withVariables = (host: RawRecord): RawRecord => {
    const parsed = parseVariables(host.variables);
    if (parsed.ok) return { ...host, variables: parsed.value };
    ctx.log.warn(`host ${String(host.id)} "${String(host.name)}": variables ${parsed.reason}; they are passed on as text`);
    return host;
  };
  const facts = async (host: RawRecord) =>
    checkFacts(await api.getJson(`${prefix}/hosts/${encodeURIComponent(String(host.id))}/ansible_facts/`, { signal: ctx.signal }), host.id);

  return {
    async check() {
      const quick = api.with({ retry: { retries: 1 } });
      const me = await quick.getJson<{ results?: Array<{ username?: string }> }>(`${prefix}/me/`, { signal: ctx.signal });
      const who = `authenticated to ${displayUrl(url)}${prefix} as "${me.results?.[0]?.username ?? '?'}" (${creds.who})`;
      for await (const host of hostList(quick, prefix, s.inventory_id, ctx.signal, 1)) {
        const factCount = s.load_facts ? `; ${Object.keys(await facts(host)).length} fact(s)` : '';
        return `${who}; read host ${String(host.id)} "${String(host.name)}"${scope}${factCount}`;
      }
      return `${who}; no hosts${scope}`;
    },
    async *read() {
      const hosts = hostList(api, prefix, s.inventory_id, ctx.signal);
      if (!s.load_facts) {
        for await (const host of hosts) yield withVariables(host);
        return;
      }
      yield* fanOut(hosts, {
        concurrency: concurrencyOf(s, ctx.concurrency),
        fetch: async (host) => ({ ...withVariables(host), ansible_facts: await facts(host) }),
        label: (host) => `host ${String(host.id)} "${String(host.name)}"`,
        reportFailure: ctx.reportFailure,
        signal: ctx.signal,
      });
    },
  };
}

export const awx = defineSource({
  name: 'awx',
  title: 'Ansible AWX / Tower / AAP controller inventory hosts (optionally with their Ansible facts)',
  dataType: 'assets',
  mappingName: 'AWX',
  settings: awxSettings,
  defaultMappings: () => ({}),
  create: (settings, ctx) => createAwxSource(settings, ctx),
});
