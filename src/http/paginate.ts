/**
 * Pagination as async iterables: records are yielded one by one and the next page is requested only when
 * the consumer has taken every item of the current one, so a slow pipeline never buffers a whole API.
 */
import { PermanentError } from '../errors.js';
import { safeUrl } from './httpError.js';
import type { HttpClientLike, RequestOptions } from './types.js';

type Body = unknown;
export type GetItems<T> = (body: Body) => T[] | undefined | null;

function asArray<T>(body: Body): T[] {
  return Array.isArray(body) ? (body as T[]) : [];
}

async function fetchJson(client: HttpClientLike, url: string, opts: RequestOptions | undefined) {
  const response = await client.request('GET', url, { ...opts, headers: { accept: 'application/json', ...opts?.headers } });
  return { body: response.json<Body>(), headers: response.headers };
}

/** A server that keeps sending the same "next" would make us loop forever; stop with a message instead. */
function guardLoop(seen: Set<string>, key: string, url: string): void {
  if (seen.has(key)) throw new PermanentError(`pagination of ${safeUrl(url)} loops: the server sent the same next page twice`);
  seen.add(key);
}

/** The rel="next" target of an RFC 8288 (formerly 5988) Link header, resolved against the page's URL. */
export function nextLink(header: string | string[] | undefined, base: string): string | undefined {
  const values = Array.isArray(header) ? header : header ? [header] : [];
  for (const value of values) {
    // Commas may appear inside a URL, so split only where a new <link> starts.
    for (const part of value.split(/,(?=\s*<)/)) {
      const link = /^\s*<([^>]*)>(.*)$/s.exec(part);
      const rel = link && /;\s*rel\s*=\s*(?:"([^"]*)"|([^;\s]+))/i.exec(link[2]);
      const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
      if (link && rels.includes('next')) return new URL(link[1], base).toString();
    }
  }
  return undefined;
}

export interface LinkHeaderOptions<T> extends RequestOptions {
  /** Items of one page; default: the body itself when it is an array. */
  getItems?: GetItems<T>;
}

/** Fetches page after page while `nextOf` names one; query options apply to the first page only. */
async function* followPages<T>(
  client: HttpClientLike,
  url: string,
  opts: RequestOptions,
  getItems: GetItems<T>,
  nextOf: (page: Awaited<ReturnType<typeof fetchJson>>, current: string) => string | undefined,
): AsyncGenerator<T> {
  const { query, ...requestOpts } = opts;
  const seen = new Set<string>();
  let next: string | undefined = url;
  let first = true;
  while (next) {
    guardLoop(seen, next, url);
    const page = await fetchJson(client, next, first ? { ...requestOpts, query } : requestOpts);
    first = false;
    yield* getItems(page.body) ?? [];
    next = nextOf(page, next);
  }
}

/** Follows Link: <...>; rel="next" (GitHub, Okta, Jira Cloud style). Query options apply to the first page only. */
export function paginateLinkHeader<T = unknown>(client: HttpClientLike, url: string, opts: LinkHeaderOptions<T> = {}): AsyncGenerator<T> {
  const { getItems = asArray<T>, ...requestOpts } = opts;
  return followPages(client, url, requestOpts, getItems, (page, current) => nextLink(page.headers.link, current));
}

/** Follows a next-page URL found in the body (e.g. {"next": "https://..."}); relative URLs are resolved. */
export function paginateNextUrl<T = unknown>(
  client: HttpClientLike,
  url: string,
  getItems: GetItems<T>,
  getNext: (body: Body) => string | null | undefined,
  opts: RequestOptions = {},
): AsyncGenerator<T> {
  return followPages(client, url, opts, getItems, (page, current) => {
    const link = getNext(page.body);
    return link ? new URL(link, current).toString() : undefined;
  });
}

export interface CursorOptions<T> extends RequestOptions {
  /** Query parameter that carries the cursor, e.g. "cursor" or "after". */
  cursorParam: string;
  getItems: GetItems<T>;
  /** The cursor for the next page; empty, null or undefined means this was the last page. */
  getCursor: (body: Body) => string | number | null | undefined;
}

/** Cursor in the body, sent back as a query parameter (e.g. Slack, Meraki-style APIs). */
export async function* paginateCursor<T = unknown>(client: HttpClientLike, url: string, opts: CursorOptions<T>): AsyncGenerator<T> {
  const { cursorParam, getItems, getCursor, query, ...requestOpts } = opts;
  const seen = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await fetchJson(client, url, { ...requestOpts, query: { ...query, [cursorParam]: cursor } });
    yield* getItems(page.body) ?? [];
    const next = getCursor(page.body);
    cursor = next === null || next === undefined || next === '' ? undefined : String(next);
    if (cursor !== undefined) guardLoop(seen, cursor, url);
  } while (cursor !== undefined);
}

export interface OffsetOptions<T> extends RequestOptions {
  limitParam: string;
  offsetParam: string;
  pageSize: number;
  getItems: GetItems<T>;
  /** First offset; default 0. */
  startOffset?: number;
}

/** limit/offset paging; a page shorter than pageSize (or empty) is the last one. */
export async function* paginateOffset<T = unknown>(client: HttpClientLike, url: string, opts: OffsetOptions<T>): AsyncGenerator<T> {
  const { limitParam, offsetParam, pageSize, getItems, startOffset = 0, query, ...requestOpts } = opts;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize must be a positive integer, got ${pageSize}`);
  let offset = startOffset;
  for (;;) {
    const page = await fetchJson(client, url, { ...requestOpts, query: { ...query, [limitParam]: pageSize, [offsetParam]: offset } });
    const items = getItems(page.body) ?? [];
    yield* items;
    if (items.length < pageSize) return;
    offset += items.length;
  }
}
