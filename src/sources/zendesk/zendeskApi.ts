/**
 * Zendesk Support API on the HTTP source kit: Basic `{email}/token:{api_token}`, cursor pagination and what a final
 * 401/403/404 means for the admin. 429s (Retry-After) are waited out by the kit's client.
 * - Cursor pagination: `page[size]` (at most 100), follow `links.next` while `meta.has_more` is true. Offset
 *   pagination (`next_page`, which the original followed) answers 400 beyond the first 10,000 records.
 *   https://developer.zendesk.com/api-reference/introduction/pagination/
 *   https://developer.zendesk.com/documentation/api-basics/pagination/paginating-through-lists
 */
import { ConfigError, PermanentError } from '../../errors.js';
import { basicAuth, custom, paginate, type AuthProvider, type FailedRequest, type PagingClient, type Strategy } from '../../http/index.js';
import type { RawRecord } from '../types.js';

export const PAGE_SIZE = 100;

export function zendeskAuth(username: string, apiToken: string): AuthProvider {
  return { ...basicAuth(`${username}/token`, apiToken), describe: () => `"${username}"` };
}

/**
 * `links.next` while `meta.has_more`. The next URL is re-based on the configured host: Zendesk names its own host,
 * which would bypass a proxy configured in `url` (and credentials go nowhere but the configured host).
 */
export function cursorPages(base: string): Strategy {
  return custom((page) => {
    const body = page.body as { meta?: { has_more?: unknown }; links?: { next?: unknown } } | undefined;
    if (body?.meta?.has_more !== true) return undefined;
    const next = body.links?.next;
    // Stopping here would silently drop the rest of the list.
    if (typeof next !== 'string' || next === '') throw new PermanentError(`${page.where}: Zendesk says more pages follow (meta.has_more) but gives no links.next`);
    const url = new URL(next, page.response.url);
    return `${base}${url.pathname}${url.search}`;
  });
}

/** One cursor-paged list: `/api/v2/users.json` -> `users`, `/api/v2/organizations.json` -> `organizations`. */
export function zendeskList(client: PagingClient, base: string, resource: 'users' | 'organizations', signal: AbortSignal, pageSize = PAGE_SIZE): AsyncGenerator<RawRecord> {
  return paginate<RawRecord>(client, {
    path: `${base}/api/v2/${resource}.json`, query: { 'page[size]': pageSize }, items: resource, strategy: cursorPages(base), signal,
  });
}

/** Zendesk explains itself as `{"error": "Forbidden", "description": "..."}` or `{"error": {"title", "message"}}`. */
export function zendeskErrorText(body: string): string | undefined {
  try {
    const { error, description } = JSON.parse(body) as { error?: unknown; description?: unknown };
    if (typeof error === 'string') return typeof description === 'string' && description ? `${error}: ${description}` : error;
    const { title, message } = (error ?? {}) as { title?: unknown; message?: unknown };
    if (typeof title === 'string') return typeof message === 'string' && message ? `${title}: ${message}` : title;
  } catch {
    // Not JSON (a 429 is text/plain): the kit's default reading of the body.
  }
  return undefined;
}

export function explainZendeskFailure(section: string, username: string, hostKey: 'system_name' | 'url') {
  return (f: FailedRequest): Error | undefined => {
    const path = new URL(f.url).pathname;
    const said = f.said ? `: ${f.said}` : '';
    if (f.status === 401) {
      return new ConfigError({ section, key: 'api_token' },
        `Zendesk rejected "${username}/token" with the api_token (HTTP 401${said}): check username (the agent's email address), api_token, and that token access is enabled in Admin Center > Apps and integrations > Zendesk API`);
    }
    if (f.status === 403) {
      return new PermanentError(`Zendesk: "${username}" may not read ${path} (HTTP 403${said}): listing users and organizations needs an agent or admin account`);
    }
    if (f.status === 404) return new ConfigError({ section, key: hostKey }, `Zendesk has no ${path} at ${new URL(f.url).origin} (HTTP 404${said}): check ${hostKey}`);
    return undefined;
  };
}
