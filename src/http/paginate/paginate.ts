/**
 * The one page loop of every HTTP source. Records are yielded one by one and the next page is requested only when
 * the consumer has taken every item of the current one, so memory is bounded by one page and a slow pipeline
 * never buffers a whole API. With `prefetch: n` (offset and page-number strategies, whose tokens do not depend on
 * the body; AirWatch serves pages faster in parallel) up to n pages are in flight, still yielded in order.
 */
import { createHash } from 'node:crypto';
import { PermanentError } from '../../errors.js';
import { safeUrl } from '../httpError.js';
import type { HttpClientLike, HttpResponse, RequestOptions } from '../types.js';
import { kindOf, valueAt, withValueAt } from './bodyPath.js';
import type { Page, Place, RawPage, Strategy, Token } from './types.js';

/** Any client; the section's HttpClient also names its section, which then starts every pagination error. */
export type PagingClient = HttpClientLike & { readonly section?: string };

export interface PaginateOptions<T> {
  /** The first page: relative to the client's baseUrl (`/api/v1/users`) or absolute. */
  path: string;
  /** Default GET; POST for search APIs that take their paging in the body (JSON-RPC, Tanium). */
  method?: 'GET' | 'POST';
  /** Sent with every page, except to a next URL (Link header, next URL in the body): that URL carries its own. */
  query?: RequestOptions['query'];
  headers?: Record<string, string>;
  /** JSON body sent with every page; a `{ body: 'params.cursor' }` token is set in a copy of it. */
  body?: unknown;
  /** 'json' (default) or 'xml' (HttpResponse.xml(): a single element at the `items` path is then one item). */
  format?: 'json' | 'xml';
  /**
   * Sends each page's body as this text instead of JSON (a SOAP envelope): gets `body` with the page's token set at
   * its `{ body: 'path' }` place. Say the content type (and accept) in `headers`.
   */
  encodeBody?: (body: unknown) => string;
  /** Reads a page's body instead of `format` (a SOAP envelope's payload). */
  decode?: (response: HttpResponse) => unknown;
  /** The page's items: a body path (`value`, `data.items`; '' is the body itself) or a function. */
  items: string | ((page: RawPage) => readonly T[] | null | undefined);
  strategy: Strategy;
  /** True when `page` is the last one, whatever the strategy says (totals in headers, `done` flags). */
  stop?: (page: Page<T>) => boolean;
  /** More pages than this is an error rather than an endless read. Default: no limit. */
  maxPages?: number;
  /** Pages requested ahead of the consumer (offsetLimit and pageNumber only); pages past the last one are dropped. */
  prefetch?: number;
  signal?: AbortSignal;
}

/** Reads a paged list: `for await (const user of paginate(api, { path, items, strategy: linkHeader() }))`. */
export function paginate<T = unknown>(client: PagingClient, options: PaginateOptions<T>): AsyncGenerator<T> {
  const { prefetch, maxPages, strategy } = options;
  if (maxPages !== undefined && !(Number.isInteger(maxPages) && maxPages >= 1)) throw new RangeError(`maxPages must be a positive integer, got ${maxPages}`);
  if (!prefetch) return new PageLoop(client, options).oneByOne();
  if (!(Number.isInteger(prefetch) && prefetch >= 1)) throw new RangeError(`prefetch must be a positive integer, got ${prefetch}`);
  if (!strategy.tokenAt) throw new TypeError('prefetch needs a strategy whose tokens do not depend on the body (offsetLimit, pageNumber)');
  return new PageLoop(client, options).ahead(prefetch, strategy.tokenAt);
}

type Settled<V> = { ok: true; value: V } | { ok: false; error: unknown };

class PageLoop<T> {
  private readonly prefix: string;
  /** Tokens already followed, with the page that named each. */
  private readonly seen = new Map<string, number>();
  private previousItems?: string;

  constructor(
    private readonly client: PagingClient,
    private readonly o: PaginateOptions<T>,
  ) {
    this.prefix = client.section ? `[${client.section}] ` : '';
  }

  async *oneByOne(): AsyncGenerator<T> {
    let token = this.o.strategy.first;
    for (let index = 0; ; index++) {
      const page = await this.fetch(index, token, this.o.signal);
      const next = attempt(() => this.following(page));
      yield* page.items;
      if (!next.ok) throw next.error;
      if (next.value === undefined) return;
      token = next.value;
    }
  }

  async *ahead(n: number, tokenAt: (index: number) => Token): AsyncGenerator<T> {
    const beyond = new AbortController();
    const signal = this.o.signal ? AbortSignal.any([this.o.signal, beyond.signal]) : beyond.signal;
    const window: Array<Promise<Settled<Page<T>>>> = [];
    let requested = 0;
    const fill = () => {
      while (window.length < n && requested < (this.o.maxPages ?? Infinity)) {
        const index = requested++;
        window.push(this.fetch(index, tokenAt(index), signal).then(
          (value): Settled<Page<T>> => ({ ok: true, value }),
          (error: unknown): Settled<Page<T>> => ({ ok: false, error }),
        ));
      }
    };
    try {
      fill();
      for (;;) {
        const head = await window.shift()!;
        if (!head.ok) throw head.error;
        const next = attempt(() => this.following(head.value));
        // Pages past the last one are cancelled and their answers (often errors: "no such page") ignored.
        if (next.ok && next.value !== undefined) fill();
        else beyond.abort();
        yield* head.value.items;
        if (!next.ok) throw next.error;
        if (next.value === undefined) return;
      }
    } finally {
      beyond.abort();
    }
  }

  private async fetch(index: number, token: Token | undefined, signal: AbortSignal | undefined): Promise<Page<T>> {
    const method = this.o.method ?? 'GET';
    const { url, opts } = this.request(token);
    const response = await this.client.request(method, url, { ...opts, signal });
    const body = this.o.decode ? this.o.decode(response) : parse(response, this.o.format);
    const raw: RawPage = { index, token, response, body, where: `${this.prefix}${method} ${safeUrl(response.url)}` };
    return { ...raw, items: this.itemsOf(raw) };
  }

  /** The request for a token: the strategy's constant values and the token, each in its place. */
  private request(token: Token | undefined): { url: string; opts: RequestOptions } {
    const { strategy, format } = this.o;
    const query = { ...this.o.query };
    const headers: Record<string, string> = { accept: format === 'xml' ? 'application/xml' : 'application/json', ...this.o.headers };
    let body = this.o.body;
    const put = (place: Place, value: Token) => {
      if (typeof place === 'string') query[place] = value;
      else if ('query' in place) query[place.query] = value;
      else if ('header' in place) headers[place.header] = String(value);
      else body = withValueAt(body, place.body, value);
    };
    for (const { place, value } of strategy.always ?? []) put(place, value);
    const inject = strategy.inject;
    const encoded = (b: unknown): RequestOptions => (this.o.encodeBody ? { body: this.o.encodeBody(b) } : { json: b });
    if (token !== undefined && typeof inject === 'object' && 'url' in inject) return { url: String(token), opts: { headers, ...encoded(body) } };
    if (token !== undefined) put(inject as Place, token);
    return { url: this.o.path, opts: { query, headers, ...encoded(body) } };
  }

  private itemsOf(page: RawPage): readonly T[] {
    const { items, format } = this.o;
    const found = typeof items === 'function' ? items(page) : valueAt(page.body, items);
    // Absent is empty: Google's directory API, for one, leaves `users` out of an empty page.
    if (found === undefined || found === null) return [];
    if (Array.isArray(found)) return found as T[];
    // xmltodict's shape: an element that occurs once is an object, not a list of one.
    if (format === 'xml' && typeof found === 'object') return [found as T];
    const at = typeof items === 'string' ? ` at "${items}"` : '';
    throw new PermanentError(`${page.where}: the response has no list of items${at} (found ${kindOf(found)})`);
  }

  /** The next page's token, or undefined when `page` is the last one; throws when paging has gone wrong. */
  private following(page: Page<T>): Token | undefined {
    if (page.response.status === 204 || this.o.stop?.(page)) return undefined;
    const next = this.o.strategy.next(page);
    if (next === undefined || next === null || next === '') return undefined;
    const { maxPages } = this.o;
    if (maxPages !== undefined && page.index + 1 >= maxPages) {
      throw new PermanentError(`${page.where}: more than ${maxPages} pages, the most this source reads; stopping`);
    }
    this.guardLoop(page, next);
    return next;
  }

  /** A server that keeps naming pages already read would make us loop forever: stop with a message instead. */
  private guardLoop(page: Page<T>, next: Token): void {
    const { strategy } = this.o;
    if (strategy.tokenAt) {
      // Counted tokens never repeat; a server that ignores the token repeats the page instead.
      const items = createHash('sha1').update(JSON.stringify(page.items)).digest('base64');
      if (page.index > 0 && items === this.previousItems) {
        throw new PermanentError(`${page.where}: pagination loops: page ${page.index + 1} has the same items as page ${page.index}; the server seems to ignore ${describePlace(strategy.inject as Place)}`);
      }
      this.previousItems = items;
      return;
    }
    const key = `${typeof next}:${next}`;
    const first = this.seen.get(key);
    if (first !== undefined) {
      throw new PermanentError(`${page.where}: pagination loops: page ${page.index + 1} names the same next page as page ${first + 1}; stopping`);
    }
    this.seen.set(key, page.index);
  }
}

function parse(response: HttpResponse, format: 'json' | 'xml' | undefined): unknown {
  if (response.status === 204 || response.text.trim() === '') return undefined;
  return format === 'xml' ? response.xml() : response.json();
}

function attempt<V>(f: () => V): Settled<V> {
  try {
    return { ok: true, value: f() };
  } catch (error) {
    return { ok: false, error };
  }
}

function describePlace(place: Place): string {
  if (typeof place === 'string') return `the "${place}" query parameter`;
  if ('query' in place) return `the "${place.query}" query parameter`;
  if ('header' in place) return `the "${place.header}" header`;
  return `the body field "${place.body}"`;
}
