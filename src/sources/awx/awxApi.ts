/**
 * The AWX / Tower / AAP controller REST API on the HTTP source kit: authentication, the paged host list and what a
 * final 401/403/404 means for the admin.
 * - Auth: `Authorization: Bearer <personal access token>` or HTTP Basic. A refused or missing credential answers
 *   401 {"detail": "..."} (Django REST framework), a missing permission 403 {"detail": "You do not have permission
 *   to perform this action."}.
 * - Lists: page-number paging `{count, next, previous, results}`; `next` is a path with its query
 *   (`/api/v2/hosts/?page=2&page_size=200`), `page_size` above MAX_PAGE_SIZE (200) is cut to 200
 *   (awx/api/pagination.py). `count_disabled` would end the list after one page, so it is not used.
 * - Facts: GET {prefix}/hosts/{id}/ansible_facts/ (awx/api/urls/urls.py); empty unless fact caching is on.
 */
import { ConfigError, PermanentError } from '../../errors.js';
import { basicAuth, bearerToken, nextUrlAt, paginate, type AuthProvider, type FailedRequest, type PagingClient } from '../../http/index.js';
import type { RawRecord } from '../types.js';

/** AWX's MAX_PAGE_SIZE. */
export const PAGE_SIZE = 200;

export interface AwxCredentials {
  auth: AuthProvider;
  /** The settings a refusal points at. */
  keys: string;
  who: string;
}

export function awxCredentials(s: { token: string; username: string; password: string }, section: string): AwxCredentials {
  if (s.token) return { auth: bearerToken(s.token), keys: 'token', who: 'the token' };
  if (s.username && s.password) return { auth: basicAuth(s.username, s.password), keys: 'username and password', who: `user "${s.username}"` };
  throw new ConfigError({ section, key: s.username ? 'password' : 'token' }, 'set token (a personal access token) or username and password');
}

/** Hosts of every inventory or of one, in id order (so that pages do not shift while hosts are added). */
export function hostList(api: PagingClient, prefix: string, inventoryId: number, signal: AbortSignal, pageSize = PAGE_SIZE): AsyncGenerator<RawRecord> {
  const path = inventoryId ? `${prefix}/inventories/${inventoryId}/hosts/` : `${prefix}/hosts/`;
  return paginate<RawRecord>(api, { path, query: { page_size: pageSize, order_by: 'id' }, items: 'results', strategy: nextUrlAt('next'), signal });
}

export function explainAwxFailure(section: string, creds: AwxCredentials, prefix: string, inventoryId: number) {
  return (f: FailedRequest): Error | undefined => {
    const path = new URL(f.url).pathname;
    const said = f.said ? `: ${f.said}` : '';
    if (f.status === 401) {
      return new ConfigError({ section, key: creds.keys.split(' ')[0] },
        `AWX refused ${creds.who} (HTTP 401${said}): check ${creds.keys}; a token may have expired or been revoked`);
    }
    if (f.status === 403) {
      const what = inventoryId ? `inventory ${inventoryId}` : 'the hosts';
      return new PermanentError(`AWX: ${creds.who} may not read ${path} (HTTP 403${said}): the account needs the Read role on ${what}`);
    }
    if (f.status === 404 && inventoryId && path.endsWith(`/inventories/${inventoryId}/hosts/`)) {
      return new ConfigError({ section, key: 'inventory_id' }, `AWX has no inventory ${inventoryId} that ${creds.who} can see (HTTP 404)`);
    }
    if (f.status === 404 && !/\/hosts\/\d+\//.test(path)) {
      const hint = prefix === '/api/v2' ? '; on AAP 2.5 and later set api_prefix = /api/controller/v2' : '';
      return new ConfigError({ section, key: 'api_prefix' }, `no AWX API at ${f.url.replace(/\?.*$/, '')} (HTTP 404): check url and api_prefix${hint}`);
    }
    return undefined;
  };
}

/** A host's facts: an object (empty when fact caching is off). */
export function checkFacts(value: unknown, id: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new PermanentError(`AWX answered the facts of host ${String(id)} with ${Array.isArray(value) ? 'a list' : typeof value}, not an object`);
  return value as Record<string, unknown>;
}
