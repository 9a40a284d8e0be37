/**
 * Zendesk users `[zendesk]`: every user of the account, cursor-paged, optionally with the full organization object
 * of each (load_organizations). Records are Zendesk's user objects, as the original pushed them.
 */
import { ConfigError } from '../../errors.js';
import { rateLimitOf } from '../../http/index.js';
import { defineSource, type RawRecord, type Source, type SourceContext } from '../types.js';
import { explainZendeskFailure, zendeskAuth, zendeskErrorText, zendeskList } from './zendeskApi.js';
import { zendeskSettings, type ZendeskSettings } from './settings.js';

/** A subdomain label; "acme.zendesk.com" or a URL here would build https://acme.zendesk.com.zendesk.com. */
const SUBDOMAIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;

/** Validates the settings (ConfigError) and builds the source; nothing connects until check() or read(). */
export function createZendeskSource(s: ZendeskSettings, ctx: SourceContext): Source {
  const systemName = s.system_name.trim();
  if (!SUBDOMAIN.test(systemName)) {
    throw new ConfigError({ section: ctx.section, key: 'system_name' }, `"${s.system_name}" is not a Zendesk subdomain: write only the part before .zendesk.com (e.g. acme)`);
  }
  const base = s.url || `https://${systemName}.zendesk.com`;
  const api = ctx.http.with({
    auth: zendeskAuth(s.username, s.api_token),
    headers: { accept: 'application/json' },
    errorText: zendeskErrorText,
    rateLimit: { ...rateLimitOf(s), remainingHeader: 'x-rate-limit-remaining', paceBelow: 0 },
    explainFailure: explainZendeskFailure(ctx.section, s.username, s.url ? 'url' : 'system_name'),
  });

  async function organizationsById(): Promise<Map<unknown, RawRecord>> {
    const byId = new Map<unknown, RawRecord>();
    for await (const org of zendeskList(api, base, 'organizations', ctx.signal)) byId.set(org.id, org);
    ctx.log.info(`loaded ${byId.size} organization(s)`);
    return byId;
  }

  return {
    async check() {
      // One retry and one user: `connector test` answers in seconds.
      for await (const u of zendeskList(api.with({ retry: { retries: 1 } }), base, 'users', ctx.signal, 1)) {
        return `authenticated to ${base} as "${s.username}"; read user ${String(u.id)} "${String(u.email ?? u.name ?? '')}"`;
      }
      return `authenticated to ${base} as "${s.username}"; no users`;
    },
    async *read() {
      const orgs = s.load_organizations ? await organizationsById() : undefined;
      for await (const user of zendeskList(api, base, 'users', ctx.signal)) {
        // As the original: an account without organizations (an empty, falsy map there) adds no `organization` key.
        if (orgs && orgs.size > 0) user.organization = orgs.get(user.organization_id) ?? {};
        yield user;
      }
    },
  };
}

export const zendesk = defineSource({
  name: 'zendesk',
  title: 'Zendesk users (optionally with their organizations)',
  dataType: 'users',
  mappingName: 'Zendesk',
  settings: zendeskSettings,
  defaultMappings: () => ({
    USER: { source: 'email' },
    FIRST_NAME: { source: 'name', converter: 'first_from_full' },
    LAST_NAME: { source: 'name', converter: 'last_from_full' },
    EMAIL: { source: 'email' },
    PHONE: { source: 'phone' },
    PERMISSIONS_ID: { setting: 'default_role' },
  }),
  create: (settings, ctx) => createZendeskSource(settings, ctx),
});
