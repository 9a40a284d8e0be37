/**
 * The pagination strategies, one constructor each. A strategy only reads a page and names the next token; the
 * loop in paginate.ts sends it, guards against loops and decides when to stop.
 */
import { PermanentError } from '../../errors.js';
import { kindOf, valueAt } from './bodyPath.js';
import type { Injection, Page, Place, Strategy, Token } from './types.js';

const WHOLE_URL = { url: true } as const;

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

/** Follows `Link: <...>; rel="next"` (Okta, GitHub, Meraki, Jira Cloud); the link carries the whole query. */
export function linkHeader(): Strategy {
  return { inject: WHOLE_URL, next: (page) => nextLink(page.response.headers.link, page.response.url) };
}

/** Follows a next-page URL in the body (`@odata.nextLink`, `next`, `links.next`); relative URLs are resolved. */
export function nextUrlAt(path: string): Strategy {
  return {
    inject: WHOLE_URL,
    next(page) {
      const url = bodyToken(page, path, 'next page URL');
      return url === undefined ? undefined : new URL(String(url), page.response.url).toString();
    },
  };
}

/** A cursor in the body (`nextPageToken`, `meta.next_cursor`), sent back at `to` (a bare string: a query parameter). */
export function cursorAt(path: string, to: Place): Strategy {
  return { inject: to, next: (page) => bodyToken(page, path, 'cursor') };
}

/**
 * A cursor in a response header (OneLogin API v2's `After-Cursor`), sent back at `to` (a bare string: a query
 * parameter). A page without the header, or with an empty one, is the last one.
 */
export function cursorHeader(header: string, to: Place): Strategy {
  const name = header.toLowerCase();
  return {
    inject: to,
    next(page) {
      const value = page.response.headers[name];
      const first = Array.isArray(value) ? value[0] : value;
      return first?.trim() || undefined;
    },
  };
}

/** Which page is the last one of a counting strategy: the first empty one, or also the first short one. */
export type Until = 'short' | 'empty';

export interface OffsetLimitOptions {
  pageSize: number;
  /** First offset; default 0. */
  start?: number;
  /** Where the offset goes; default the query parameter `offset`. */
  offset?: Place;
  /** Where the page size goes; default the query parameter `limit`; null: not sent. */
  limit?: Place | null;
  /**
   * 'short' (default): a page shorter than pageSize is the last one. 'empty': only an empty page (or a 204) is,
   * for APIs whose pages may come back short before the end (items filtered out after the server counted them).
   */
  until?: Until;
}

/** offset/limit paging: page i starts at start + i * pageSize. */
export function offsetLimit(o: OffsetLimitOptions): Strategy {
  const { pageSize, start = 0, offset = 'offset', limit = 'limit', until = 'short' } = o;
  positiveInteger(pageSize, 'offsetLimit pageSize');
  const tokenAt = (index: number) => start + index * pageSize;
  return {
    inject: offset,
    first: start,
    always: limit === null ? [] : [{ place: limit, value: pageSize }],
    tokenAt,
    next: (page) => (isLast(page, until, pageSize) ? undefined : tokenAt(page.index + 1)),
  };
}

export interface PageNumberOptions {
  /** Number of the first page: 1 (default) or 0. */
  start?: number;
  /** Where the page number goes; default the query parameter `page`. */
  page?: Place;
  /** Items per page; needed to recognise a short page as the last one. */
  pageSize?: number;
  /** Where the page size goes (e.g. `per_page`, `page-size`); not sent when absent. Needs pageSize. */
  size?: Place;
  /** As for offsetLimit; default 'short' with a pageSize, else 'empty'. */
  until?: Until;
}

/** Page-number paging: page i is number start + i. */
export function pageNumber(o: PageNumberOptions = {}): Strategy {
  const { start = 1, page = 'page', pageSize, size, until = pageSize === undefined ? 'empty' : 'short' } = o;
  if (pageSize !== undefined) positiveInteger(pageSize, 'pageNumber pageSize');
  if (size !== undefined && pageSize === undefined) throw new TypeError('pageNumber: `size` says where the page size goes, so it needs `pageSize`');
  if (until === 'short' && pageSize === undefined) throw new TypeError("pageNumber: until 'short' needs `pageSize` to recognise a short page");
  const tokenAt = (index: number) => start + index;
  return {
    inject: page,
    first: start,
    always: size === undefined ? [] : [{ place: size, value: pageSize! }],
    tokenAt,
    next: (p) => (isLast(p, until, pageSize) ? undefined : tokenAt(p.index + 1)),
  };
}

export interface HasMoreOptions {
  /** The flag saying another page exists: a body path (default `has_more`) or a function of the page. */
  more?: string | ((page: Page) => boolean);
  /** The next page's cursor: a body path (`data.-1.id` for the last item's id, `next_cursor`) or a function. */
  cursor: string | ((page: Page) => Token | null | undefined);
  /** Where the cursor goes (`starting_after`); a bare string is a query parameter. */
  to: Place;
}

/** A has_more flag plus a cursor (Stripe style: `has_more` and `starting_after=<last id>`). */
export function hasMore(o: HasMoreOptions): Strategy {
  const { more = 'has_more', cursor, to } = o;
  return {
    inject: to,
    next(page) {
      if (!(typeof more === 'function' ? more(page) : isTrue(valueAt(page.body, more)))) return undefined;
      const token = typeof cursor === 'function' ? cursor(page) : bodyToken(page, cursor, 'cursor');
      if (token === undefined || token === null || token === '') {
        // Stopping here would silently drop the rest of the list.
        const flag = typeof more === 'string' ? ` ("${more}")` : '';
        const at = typeof cursor === 'string' ? ` at "${cursor}"` : '';
        throw new PermanentError(`${page.where}: the server says more pages follow${flag} but there is no cursor${at}`);
      }
      return token;
    },
  };
}

/** Any other API: `next` reads the page and names the next token, which goes to `inject` (default: it is the next URL). */
export function custom(next: (page: Page) => Token | null | undefined, inject: Injection = WHOLE_URL): Strategy {
  return { inject, next };
}

function bodyToken(page: Page, path: string, what: string): Token | undefined {
  const value = valueAt(page.body, path);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string' || typeof value === 'number') return value;
  throw new PermanentError(`${page.where}: the ${what} at "${path}" is ${kindOf(value)}, not a string`);
}

function isLast(page: Page, until: Until, pageSize: number | undefined): boolean {
  return page.items.length === 0 || (until === 'short' && page.items.length < pageSize!);
}

function isTrue(value: unknown): boolean {
  return value === true || value === 1 || (typeof value === 'string' && value.toLowerCase() === 'true');
}

function positiveInteger(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${what} must be a positive integer, got ${n}`);
}
