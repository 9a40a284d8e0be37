/**
 * The vocabulary of pagination. A Strategy says what the next page's token is (a next URL, a cursor, an offset,
 * a page number); its Injection says where that token goes in the next request (the whole URL, a query parameter,
 * a header, a field of the JSON body). As in Airbyte's declarative CDK (pagination_strategy vs page_token_option)
 * and Meltano's paginators (one `advance(response)` each), the page loop itself is shared: see paginate.ts.
 */
import type { HttpResponse } from '../types.js';

/** A next page's token: a URL, a cursor, an offset or a page number. */
export type Token = string | number;

/** One page as `items` sees it. */
export interface RawPage {
  /** 0 for the first page. */
  readonly index: number;
  /** The token this page was requested with; undefined for a first page requested as given. */
  readonly token: Token | undefined;
  /** Status and headers too, for APIs that put totals or cursors there. */
  readonly response: HttpResponse;
  /** The parsed body (JSON, or XML with `format: 'xml'`); undefined when it is empty (a 204). */
  readonly body: unknown;
  /** How messages name this page's request: `[section] GET https://host/path` (never the query string). */
  readonly where: string;
}

/** One page as the strategy and `stop` see it: with its items. */
export interface Page<T = unknown> extends RawPage {
  readonly items: readonly T[];
}

/** Where a value goes in a request. In strategy options a bare string is a query parameter's name. */
export type Place = string | { query: string } | { header: string } | { body: string };

/** Where a token goes: a Place, or (next-URL strategies) the whole URL of the next request. */
export type Injection = Place | { url: true };

/** What the next page is. Write one with `custom()` for an API that none of the constructors fits. */
export interface Strategy {
  /** Where the token goes. */
  readonly inject: Injection;
  /** Token of the first page (offset 0, page 1); undefined: the first request goes out as given. */
  readonly first?: Token;
  /** Values sent with every page, each in its own place (the page size). */
  readonly always?: ReadonlyArray<{ place: Place; value: Token }>;
  /** The token of the page after `page`; null, undefined or '' when `page` was the last one. */
  next(page: Page): Token | null | undefined;
  /**
   * Present when page i's token is known without reading any page (offset, page number): such pages may be
   * requested ahead (`prefetch`), and a server that ignores the token is caught by comparing pages, not tokens.
   */
  tokenAt?(index: number): Token;
}
