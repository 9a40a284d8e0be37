/**
 * The NetBox REST API as [netbox] reads it (https://netboxlabs.com/docs/netbox/integrations/rest-api/):
 * - Auth: `Authorization: Token <40 hex>` (v1 tokens, deprecated in 4.5, removed in 5.0) or, from NetBox 4.5,
 *   `Authorization: Bearer nbt_<key>.<token>` (v2 tokens, the default for new tokens); a v2 token sent as `Token`
 *   fails with "Invalid v1 token" (https://github.com/netbox-community/netbox/discussions/23131). NetBox answers a
 *   refused or expired token with **403** `{"detail": "Invalid token"}` (Django REST framework gives 403, not 401,
 *   because session authentication comes first), and a user without the view permission with 403
 *   `{"detail": "You do not have permission to perform this action."}`.
 * - Lists: `limit` / `offset`, `{count, next, previous, results}` with `next` an absolute URL; `limit` above
 *   MAX_PAGE_SIZE is cut to it.
 */
import { ConfigError, PermanentError } from '../../errors.js';
import { custom, paginate, tokenHeader, type AuthProvider, type FailedRequest, type PagingClient } from '../../http/index.js';
import type { RawRecord } from '../types.js';

export const DEVICES = '/api/dcim/devices/';

export interface NetboxToken {
  auth?: AuthProvider;
  /** For messages: "a v2 token", "a v1 token", "no token". */
  kind: string;
}

/** v2 tokens (nbt_...) go as Bearer, anything else as the original's `Token`; a value typed with its scheme is kept. */
export function netboxToken(value: string): NetboxToken {
  const v = value.trim();
  if (!v) return { kind: 'no token (anonymous)' };
  const typed = /^(Token|Bearer)\s+(\S+)$/i.exec(v);
  if (typed) return { auth: tokenHeader('Authorization', `${typed[1][0].toUpperCase()}${typed[1].slice(1).toLowerCase()} ${typed[2]}`), kind: `a ${typed[1].toLowerCase() === 'bearer' ? 'v2' : 'v1'} token` };
  if (v.startsWith('nbt_')) return { auth: tokenHeader('Authorization', `Bearer ${v}`), kind: 'a v2 token' };
  return { auth: tokenHeader('Authorization', `Token ${v}`), kind: 'a v1 token' };
}

export function explainNetboxFailure(section: string, token: NetboxToken) {
  return (f: FailedRequest): Error | undefined => {
    const path = new URL(f.url).pathname;
    const said = f.said ? `: ${f.said}` : '';
    if ((f.status === 401 || f.status === 403) && /token|credentials|authenticat/i.test(f.said)) {
      const hint = /v1 token/i.test(f.said) ? '; a NetBox 4.5 v2 token starts with nbt_ and is sent as Bearer: copy it whole, nbt_<key>.<token>' : '';
      return new ConfigError({ section, key: 'auth_token' }, `NetBox refused ${token.kind} (HTTP ${f.status}${said}): check auth_token; tokens can expire or be limited to certain client IPs${hint}`);
    }
    if (f.status === 403) {
      return new PermanentError(`NetBox: the token's user may not read ${path} (HTTP 403${said}): it needs the permission to view devices (dcim.view_device)`);
    }
    if (f.status === 404 && path.endsWith(DEVICES)) {
      return new ConfigError({ section, key: 'url' }, `no NetBox API at ${f.url.replace(/\?.*$/, '')} (HTTP 404): url must be NetBox itself (with its BASE_PATH), without /api`);
    }
    return undefined;
  };
}

/**
 * The `next` URL on the configured origin. NetBox builds `next` from the Host and scheme it was reached by, so
 * behind a TLS-terminating proxy without SECURE_PROXY_SSL_HEADER it names http://: following it as given would
 * send the token in clear text, or to a host the admin did not configure.
 */
export function onOrigin(next: string, base: string): string {
  const target = new URL(next, base);
  return new URL(`${target.pathname}${target.search}`, new URL(base).origin).toString();
}

/** Every device, in id order (stable while devices are added), following `next`. */
export function devices(api: PagingClient, base: string, pageSize: number, signal: AbortSignal): AsyncGenerator<RawRecord> {
  return paginate<RawRecord>(api, {
    path: DEVICES,
    query: { limit: pageSize, ordering: 'id' },
    items: 'results',
    strategy: custom((page) => {
      const next = (page.body as { next?: unknown } | undefined)?.next;
      return typeof next === 'string' && next ? onOrigin(next, base) : undefined;
    }),
    signal,
  });
}

/** The NetBox version (`/api/status/`, NetBox 2.10 and later), for `connector test`. */
export async function netboxVersion(api: PagingClient, signal: AbortSignal): Promise<string | undefined> {
  const res = await api.request('GET', '/api/status/', { acceptStatus: [404], signal });
  if (res.status === 404) return undefined;
  const version = res.json<{ 'netbox-version'?: unknown }>()?.['netbox-version'];
  return typeof version === 'string' ? version : undefined;
}
