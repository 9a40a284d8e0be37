/**
 * Listing directory objects (users, devices, groups) with a filter: `$filter` beyond the basics (endsWith, ne, not,
 * counting) is an "advanced query" that needs `ConsistencyLevel: eventual` and `$count=true`. Sent with every
 * filter, both kinds work (https://learn.microsoft.com/graph/aad-advanced-queries).
 */
import type { GraphPageRequest } from './graphApi.js';

/** The request of a directory listing: $select, $top, and a filter as an advanced query. */
export function directoryQuery(select: readonly string[], top: number, filter: string | undefined): GraphPageRequest {
  if (!filter) return { query: { $select: select.join(','), $top: top } };
  return { query: { $select: select.join(','), $top: top, $filter: filter, $count: 'true' }, headers: { ConsistencyLevel: 'eventual' } };
}

/**
 * Graph returns objects of a type the app may not read with their `@odata.type` and id only
 * (https://learn.microsoft.com/graph/permissions-overview#limited-information-returned-for-inaccessible-member-objects):
 * true when none of `names` came back.
 */
export function isLimited(object: Record<string, unknown>, names: readonly string[]): boolean {
  return names.every((n) => object[n] === undefined || object[n] === null);
}
