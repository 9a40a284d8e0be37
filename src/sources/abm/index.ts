/**
 * Apple Business Manager (or Apple School Manager) devices `[abm]`, new (the original had none), on the Apple
 * Business Manager API (https://developer.apple.com/documentation/applebusinessmanagerapi):
 * - auth: the kit's Apple client assertion (jwtBearer kind 'apple'): an ES256 JWT (raw r||s signature) with
 *   iss = sub = client_id and aud = https://account.apple.com/auth/oauth2/v2/token, POSTed to
 *   https://account.apple.com/auth/oauth2/token (not /v2/token) for an access token of 60 minutes, renewed before it
 *   runs out and after a 401; a fresh assertion (new jti) is signed for every token request;
 * - `GET /v1/orgDevices?limit=1000`, following `links.next` (JSON:API; cursor paging);
 * - optional per device, `concurrency` at a time: `GET /v1/orgDevices/{id}/assignedServer`,
 *   `GET /v1/orgDevices/{id}/appleCareCoverage`.
 * Records: `{id, ...attributes}` (serialNumber, deviceModel, productFamily, status, ...), plus `assignedServer`
 * (`{id, serverName, serverType, ...}` or null) and `appleCareCoverage` (`[{id, agreementNumber, status, ...}]`).
 * Assets; MappingName `AppleBusinessManager`; no default mappings.
 */
import fs from 'node:fs';
import { ConfigError, PermanentError } from '../../errors.js';
import { concurrencyOf, fanOut, isAuthFailure, jwtBearer, limitConcurrency, nextUrlAt, paginate, rateLimitOf, type FailedRequest, type HttpClientLike } from '../../http/index.js';
import { defineSource, type RawRecord, type Source, type SourceContext } from '../types.js';
import { abmSettings, BUSINESS_API, SCHOOL_API, type AbmSettings } from './settings.js';

/** The largest page of orgDevices. */
export const PAGE_SIZE = 1000;

interface Resource {
  type?: string;
  id?: string;
  attributes?: Record<string, unknown> | null;
}

/** A role or scope that may not read something would fail every device alike: it ends the read. */
export class AbmPermissionError extends PermanentError {}

/** Apple's `{"errors": [{"status", "code", "title", "detail"}]}`: "title: detail (code)". */
export function appleErrorText(body: string): string | undefined {
  try {
    const errors = (JSON.parse(body) as { errors?: Array<Record<string, unknown>> } | null)?.errors;
    if (!Array.isArray(errors) || errors.length === 0) return undefined;
    return errors.map((e) => [e.title, e.detail].filter((t) => typeof t === 'string' && t).join(': ') + (typeof e.code === 'string' ? ` (${e.code})` : '')).join('; ');
  } catch {
    return undefined;
  }
}

function explainAbmFailure(section: string, who: string, scope: string) {
  return (f: FailedRequest): Error | undefined => {
    const said = f.said ? `: ${f.said}` : '';
    const path = new URL(f.url).pathname;
    if (f.status === 401) {
      return new ConfigError({ section, key: 'scope' },
        `Apple refused a fresh token of ${who} on ${path} (HTTP 401${said}): check that scope (${scope}) and url belong together: business.api with ${BUSINESS_API}, school.api with ${SCHOOL_API}`);
    }
    if (f.status === 403) {
      return new AbmPermissionError(`Apple: ${who} may not read ${path} (HTTP 403${said}): the API account needs access to devices; an Organisation Administrator sets it under Preferences > API`);
    }
    return undefined;
  };
}

const flat = (r: Resource | null | undefined): RawRecord | null => (r && typeof r === 'object' ? { id: r.id ?? null, ...r.attributes } : null);

export function deviceLabel(d: RawRecord): string {
  return `device ${String(d.id ?? '(no id)')}${typeof d.serialNumber === 'string' && d.serialNumber && d.serialNumber !== d.id ? ` (serial "${d.serialNumber}")` : ''}`;
}

function privateKeyOf(s: AbmSettings, section: string): { pem: string; setting: string } {
  if (s.private_key && s.private_key_file) throw new ConfigError({ section, key: 'private_key_file' }, 'set private_key or private_key_file, not both');
  if (s.private_key) return { pem: s.private_key, setting: 'private_key' };
  if (s.private_key_file) return { pem: fs.readFileSync(s.private_key_file, 'utf8'), setting: 'private_key_file' };
  throw new ConfigError({ section, key: 'private_key' }, 'set the private key of the API account (private_key, or private_key_file: the downloaded .pem)');
}

export interface AbmOptions {
  /** Clock of the token and assertion lifetimes, for tests. */
  now?: () => number;
}

export function createAbmSource(s: AbmSettings, ctx: SourceContext, opts: AbmOptions = {}): Source {
  const key = privateKeyOf(s, ctx.section);
  let auth;
  try {
    auth = jwtBearer({
      kind: 'apple', clientId: s.client_id, keyId: s.key_id, privateKey: key.pem, scope: s.scope, tokenUrl: s.token_url,
      settings: { key: key.setting }, now: opts.now,
    });
  } catch (err) {
    // privateKeyFor names the setting but not the section.
    if (err instanceof ConfigError) throw new ConfigError({ section: ctx.section, key: key.setting }, err.message.replace(/^\w+: /, ''));
    throw err;
  }
  const url = s.url || (s.scope === 'school.api' ? SCHOOL_API : BUSINESS_API);
  const who = `Apple API account "${s.client_id}"`;
  const client = ctx.http.with({
    baseUrl: `${url}/v1`,
    auth,
    headers: { accept: 'application/json' },
    errorText: appleErrorText,
    rateLimit: rateLimitOf(s),
    explainFailure: explainAbmFailure(ctx.section, who, s.scope),
  });
  const devices = (api: HttpClientLike, limit: number) =>
    paginate<Resource>(api, { path: '/orgDevices', query: { limit }, items: 'data', strategy: nextUrlAt('links.next'), signal: ctx.signal });

  async function details(api: HttpClientLike, d: Resource): Promise<RawRecord> {
    const record = flat(d)!;
    const id = encodeURIComponent(String(d.id));
    if (s.assigned_server) {
      const res = await api.request('GET', `/orgDevices/${id}/assignedServer`, { signal: ctx.signal });
      record.assignedServer = flat(res.json<{ data?: Resource | null }>()?.data);
    }
    if (s.applecare) {
      const coverage: RawRecord[] = [];
      for await (const c of paginate<Resource>(api, { path: `/orgDevices/${id}/appleCareCoverage`, items: 'data', strategy: nextUrlAt('links.next'), signal: ctx.signal })) coverage.push(flat(c)!);
      record.appleCareCoverage = coverage;
    }
    return record;
  }

  return {
    async check() {
      const first = await devices(client.with({ retry: { retries: 1 } }), 1).next();
      const d = first.done ? undefined : flat(first.value);
      return `authenticated to ${url} as ${who} (${s.scope}); ${d ? `read ${deviceLabel(d)}${typeof d.deviceModel === 'string' ? ` "${d.deviceModel}"` : ''}` : 'no devices'}`;
    },

    async *read() {
      if (!s.assigned_server && !s.applecare) {
        for await (const d of devices(client, PAGE_SIZE)) yield flat(d)!;
        return;
      }
      const n = concurrencyOf(s, ctx.concurrency);
      const api = limitConcurrency(client, n);
      yield* fanOut(devices(api, PAGE_SIZE), {
        concurrency: n,
        fetch: (d) => details(api, d),
        label: (d) => deviceLabel(flat(d)!),
        reportFailure: ctx.reportFailure,
        signal: ctx.signal,
        isFatal: (e) => isAuthFailure(e) || e instanceof AbmPermissionError,
      });
    },
  };
}

export const abm = defineSource({
  name: 'abm',
  title: 'Apple Business Manager (or School Manager) devices, optionally with MDM server and AppleCare (not in the original)',
  dataType: 'assets',
  mappingName: 'AppleBusinessManager',
  settings: abmSettings,
  defaultMappings: () => ({}),
  create: (settings, ctx) => createAbmSource(settings, ctx),
});
