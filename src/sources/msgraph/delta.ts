/**
 * Microsoft Graph delta queries (https://learn.microsoft.com/graph/delta-query-overview), the incremental read of
 * directory collections (`/users/delta`, `/devices/delta`): without a watermark the delta function lists every object
 * (page by page through `@odata.nextLink`) and its last page carries `@odata.deltaLink`; GETting that link later
 * lists the objects changed since, and the removed ones as `{id, "@removed": {reason}}` (skipped here: a deleted
 * object is the offboarding side's business, seen by full reads). The deltaLink is the watermark. It keeps the
 * first request's `$select`, so a mapping change must start over (the core does: the fingerprint changes).
 * A deltaLink Graph no longer knows (410 Gone, syncStateNotFound, resyncRequired) starts over with a full read.
 * Delta queries take no `$filter` (but by id) and no `$top` (Graph picks the page size).
 */
import { paginate, type HttpResponse, type WatermarkedRead } from '../../http/index.js';
import type { Logger } from '../../logging.js';
import type { GraphApi } from './graphApi.js';
import { nextLinksOn } from './graphApi.js';

/** Whether a saved watermark is a deltaLink of `path` (`/v1.0/users/delta`) with a state token. */
export function isDeltaLink(watermark: string, path?: string): boolean {
  try {
    const u = new URL(watermark);
    return (u.protocol === 'https:' || u.protocol === 'http:') && (path ? u.pathname === path : u.pathname.endsWith('/delta')) &&
      (u.searchParams.has('$deltatoken') || u.searchParams.has('$skiptoken'));
  } catch {
    return false;
  }
}

/** A deltaLink moved onto the configured Graph host (a state file never sends the token anywhere else). */
function onHost(link: string, base: string): string {
  const u = new URL(link);
  const b = new URL(base);
  u.protocol = b.protocol;
  u.host = b.host;
  return u.toString();
}

/** Graph's answers to a state token it no longer has. */
function isResync(err: unknown): boolean {
  const status = (err as { status?: number }).status;
  return status === 410 || (status === 400 && /syncStateNotFound|resyncRequired|syncStateInvalid/i.test(String((err as Error).message)));
}

export interface DeltaReadOptions {
  /** `/v1.0/users/delta` */
  path: string;
  select: readonly string[];
  log: Logger;
  signal?: AbortSignal;
}

/** Objects of a delta read (changed since `inc.since`, or all), then `inc.advance(deltaLink)` when the read completed. */
export async function* deltaRead<T extends Record<string, unknown>>(graph: GraphApi, inc: WatermarkedRead, o: DeltaReadOptions): AsyncGenerator<T> {
  let since = inc.since && isDeltaLink(inc.since, o.path) ? inc.since : undefined;
  let deltaLink: string | undefined;
  let removed = 0;
  const listing = (from: string | undefined) => paginate<T>(graph.client, {
    path: from ? onHost(from, graph.app.graphUrl) : o.path,
    query: from ? undefined : { $select: o.select.join(',') },
    items: 'value',
    strategy: nextLinksOn(graph.app.graphUrl),
    signal: o.signal,
    decode: (res: HttpResponse) => {
      const body = res.json<Record<string, unknown>>();
      const link = body?.['@odata.deltaLink'];
      if (typeof link === 'string' && link) deltaLink = link;
      return body;
    },
  });
  for (;;) {
    let yielded = false;
    try {
      for await (const item of listing(since)) {
        yielded = true;
        if (item['@removed'] !== undefined) {
          removed++;
          continue;
        }
        yield item;
      }
      break;
    } catch (err) {
      if (!since || yielded || !isResync(err)) throw err;
      o.log.warn(`Microsoft Graph no longer knows the saved delta link (${(err as Error).message}); reading everything`);
      since = undefined;
    }
  }
  if (removed) o.log.info(`${removed} object(s) removed since the last run (left out; full reads let offboarding see them)`);
  if (o.signal?.aborted) return;
  if (deltaLink) inc.advance(deltaLink);
  else o.log.warn(`Microsoft Graph sent no @odata.deltaLink at the end of ${o.path}: the watermark stays where it was`);
}
