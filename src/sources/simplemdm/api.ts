/**
 * SimpleMDM's REST API v1 (https://simplemdm.com/docs/api/) on the kit:
 * - Auth: HTTP Basic with the API key as the user name and an empty password.
 * - Errors: `{"errors": [{"title": "object not found"}]}` with the HTTP status; a refused key is a 401.
 * - Lists: cursor paging with `limit` (1-100) and `starting_after=<id of the last item>`, while `has_more`.
 * - Throttling: 429, waited out as `Retry-After` asks (the kit's default reading of rate-limit headers).
 */
import { ConfigError, PermanentError } from '../../errors.js';
import { redactor } from '../../logging.js';
import { basicAuth, hasMore, paginate, type FailedRequest, type HttpClient, type PagingClient, type RateLimitPolicy } from '../../http/index.js';

/** The most SimpleMDM returns per page (the original asked for 100 too). */
export const PAGE_SIZE = 100;

/** A JSON:API-like item of SimpleMDM: `{type, id, attributes, relationships}`. */
export interface Item {
  type?: string;
  id?: number | string;
  attributes?: Record<string, unknown> | null;
  relationships?: { device_group?: { data?: { id?: unknown } | null } | null } | null;
}

/** "object not found; another" from SimpleMDM's `errors[].title`. */
export function simplemdmErrorText(body: string): string | undefined {
  try {
    const errors = (JSON.parse(body) as { errors?: Array<{ title?: unknown }> } | null)?.errors;
    if (!Array.isArray(errors)) return undefined;
    const titles = errors.map((e) => e?.title).filter((t): t is string => typeof t === 'string' && t !== '');
    return titles.length ? titles.join('; ') : undefined;
  } catch {
    return undefined;
  }
}

export function explainSimplemdmFailure(section: string) {
  return (f: FailedRequest): Error | undefined => {
    const said = f.said ? `: ${f.said}` : '';
    if (f.status === 401) {
      return new ConfigError({ section, key: 'secret_access_key' },
        `SimpleMDM refused the API key (HTTP 401${said}): check secret_access_key (Settings > API in SimpleMDM); a key that was deleted or regenerated stops working`);
    }
    if (f.status === 403) {
      return new PermanentError(`SimpleMDM: the API key may not read ${new URL(f.url).pathname} (HTTP 403${said}): give the key the Devices read permission (Settings > API > the key's permissions)`);
    }
    return undefined;
  };
}

export function simplemdmClient(http: HttpClient, o: { section: string; url: string; key: string; rateLimit?: Partial<RateLimitPolicy> }): HttpClient {
  // The key is the Basic *user name*, which basicAuth does not treat as a secret.
  redactor.add(o.key);
  return http.with({
    baseUrl: `${o.url.replace(/\/+$/, '')}/api/v1`,
    auth: basicAuth(o.key, ''),
    headers: { accept: 'application/json' },
    errorText: simplemdmErrorText,
    rateLimit: o.rateLimit,
    explainFailure: explainSimplemdmFailure(o.section),
  });
}

/** Every item of a list, `starting_after` the last id while `has_more` (a has_more with an empty page is an error). */
export function list(api: PagingClient, path: string, signal: AbortSignal): AsyncGenerator<Item> {
  return paginate<Item>(api, {
    path,
    query: { limit: PAGE_SIZE },
    items: 'data',
    strategy: hasMore({ more: 'has_more', cursor: 'data.-1.id', to: 'starting_after' }),
    signal,
  });
}
