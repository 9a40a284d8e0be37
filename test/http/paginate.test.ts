import { PermanentError } from '../../src/errors.js';
import { HttpClient } from '../../src/http/client.js';
import {
  cursorAt, custom, hasMore, linkHeader, nextLink, nextUrlAt, offsetLimit, pageNumber, paginate, type PaginateOptions,
} from '../../src/http/index.js';
import { startTestServer, type RecordedRequest, type TestServer } from '../support/httpTestServer.js';

let server: TestServer;
let client: HttpClient;
afterEach(async () => {
  await client?.close();
  await server?.close();
});

/** The section's client derived for the test server's API, as a source does it. */
function api(): HttpClient {
  client = new HttpClient({ section: 'okta', tls: { verify: true }, retry: { retries: 0 } });
  return client.with({ baseUrl: server.url });
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function read<T>(options: PaginateOptions<T>): Promise<T[]> {
  return collect(paginate<T>(api(), options));
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

/** The numbers 1..n, a list to serve in pages. */
function listOf(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

const bodyOf = (r: RecordedRequest) => JSON.parse(r.body) as unknown;

describe('nextLink', () => {
  test('parses RFC 8288 headers: several links, quoted and multi-valued rel, relative URLs', () => {
    const base = 'https://api.example.com/v1/users?limit=2';
    expect(nextLink('<https://api.example.com/v1/users?after=a,b>; rel="next", <https://x/first>; rel="first"', base)).toBe(
      'https://api.example.com/v1/users?after=a,b',
    );
    expect(nextLink('</v1/users?page=3>; rel="prev", </v1/users?page=5>; title="x"; rel="next last"', base)).toBe('https://api.example.com/v1/users?page=5');
    expect(nextLink(['<https://x/a>; rel=self', '<https://x/b>; rel=next'], base)).toBe('https://x/b');
    expect(nextLink('<https://x/a>; rel="prev"', base)).toBeUndefined();
    expect(nextLink(undefined, base)).toBeUndefined();
  });
});

describe('strategies and injections', () => {
  test('linkHeader follows rel="next" as the whole next URL (the first query is not resent), relative links resolved', async () => {
    server = await startTestServer({
      'GET /api/v1/users': (req) => {
        const page = Number(req.query.page ?? 1);
        const link = page < 3 ? `</api/v1/users?page=${page + 1}&limit=2>; rel="next", </api/v1/users?page=1>; rel="first"` : '</api/v1/users?page=1>; rel="first"';
        return { headers: { link }, json: [`u${page * 2 - 1}`, `u${page * 2}`] };
      },
    });
    const users = await read<string>({ path: '/api/v1/users', query: { limit: 2, filter: 'status eq "ACTIVE"' }, items: '', strategy: linkHeader() });
    expect(users).toEqual(['u1', 'u2', 'u3', 'u4', 'u5', 'u6']);
    expect(server.requests.map((r) => r.query)).toEqual([{ limit: '2', filter: 'status eq "ACTIVE"' }, { page: '2', limit: '2' }, { page: '3', limit: '2' }]);
    expect(server.requests.every((r) => r.headers.accept === 'application/json')).toBe(true);
  });

  test('nextUrlAt follows @odata.nextLink (a key with dots) and a relative links.next against the page URL', async () => {
    server = await startTestServer({
      'GET /v1.0/users': (req) =>
        req.query.$skiptoken ? { json: { value: [{ id: 3 }] } } : { json: { value: [{ id: 1 }, { id: 2 }], '@odata.nextLink': `${server.url}/v1.0/users?$skiptoken=X1` } },
      'GET /api/devices': { json: { data: [{ id: 'a' }], links: { next: 'devices/more?cursor=c2' } } },
      'GET /api/devices/more': { json: { data: [{ id: 'b' }], links: { next: null } } },
    });
    expect(await read<{ id: number }>({ path: '/v1.0/users', items: 'value', strategy: nextUrlAt('@odata.nextLink') })).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    await client.close();
    expect(await read<{ id: string }>({ path: '/api/devices', query: { per_page: 1 }, items: 'data', strategy: nextUrlAt('links.next') })).toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(server.requests.slice(2).map((r) => r.url)).toEqual(['/api/devices?per_page=1', '/api/devices/more?cursor=c2']);
  });

  test('cursorAt sends the body cursor back as a query parameter, the other query parameters kept', async () => {
    const pages: Record<string, { users?: string[]; nextPageToken?: string }> = {
      '': { users: ['a', 'b'], nextPageToken: 't1' },
      t1: { users: ['c'], nextPageToken: 't2' },
      // Google's directory API leaves `users` out of an empty page.
      t2: {},
    };
    server = await startTestServer({ 'GET /admin/directory/v1/users': (req) => ({ json: pages[req.query.pageToken ?? ''] }) });
    const users = await read<string>({ path: '/admin/directory/v1/users', query: { customer: 'my_customer', maxResults: 2 }, items: 'users', strategy: cursorAt('nextPageToken', 'pageToken') });
    expect(users).toEqual(['a', 'b', 'c']);
    expect(server.requests.map((r) => r.url)).toEqual([
      '/admin/directory/v1/users?customer=my_customer&maxResults=2',
      '/admin/directory/v1/users?customer=my_customer&maxResults=2&pageToken=t1',
      '/admin/directory/v1/users?customer=my_customer&maxResults=2&pageToken=t2',
    ]);
  });

  test('cursorAt in a header: meta.next_cursor goes to X-Cursor, and a cursor that is not a string is an error', async () => {
    server = await startTestServer({
      'GET /items': (req) =>
        req.headers['x-cursor'] === undefined
          ? { json: { items: [1, 2], meta: { next_cursor: 'abc' } } }
          : req.headers['x-cursor'] === 'abc'
            ? { json: { items: [3], meta: { next_cursor: '' } } }
            : { status: 400 },
      'GET /odd': { json: { items: [1], meta: { next_cursor: { id: 4 } } } },
    });
    expect(await read<number>({ path: '/items', items: 'items', headers: { 'X-Api-Key': 'k' }, strategy: cursorAt('meta.next_cursor', { header: 'X-Cursor' }) })).toEqual([1, 2, 3]);
    expect(server.requests.map((r) => [r.url, r.headers['x-cursor'], r.headers['x-api-key']])).toEqual([['/items', undefined, 'k'], ['/items', 'abc', 'k']]);
    await client.close();
    const err = await failure(read({ path: '/odd?key=secret', items: 'items', strategy: cursorAt('meta.next_cursor', 'cursor') }));
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toBe(`[okta] GET ${server.url}/odd: the cursor at "meta.next_cursor" is an object, not a string`);
  });

  test('POST with the cursor in a body field (JSON-RPC): the body is resent each time with only the cursor changed', async () => {
    server = await startTestServer({
      'POST /rpc': (req) => {
        const { params } = bodyOf(req) as { params: { cursor?: string } };
        return params.cursor === undefined
          ? { json: { jsonrpc: '2.0', id: 1, result: { hosts: [{ h: 1 }, { h: 2 }], cursor: 'n2' } } }
          : { json: { jsonrpc: '2.0', id: 1, result: { hosts: [{ h: 3 }], cursor: null } } };
      },
    });
    const body = { jsonrpc: '2.0', id: 1, method: 'host.list', params: { limit: 2 } };
    const hosts = await read({ path: '/rpc', method: 'POST', body, items: 'result.hosts', strategy: cursorAt('result.cursor', { body: 'params.cursor' }) });
    expect(hosts).toEqual([{ h: 1 }, { h: 2 }, { h: 3 }]);
    expect(server.requests.map(bodyOf)).toEqual([
      { jsonrpc: '2.0', id: 1, method: 'host.list', params: { limit: 2 } },
      { jsonrpc: '2.0', id: 1, method: 'host.list', params: { limit: 2, cursor: 'n2' } },
    ]);
    expect(body).toEqual({ jsonrpc: '2.0', id: 1, method: 'host.list', params: { limit: 2 } });
    expect(server.requests[0].headers['content-type']).toBe('application/json');
  });

  test('offsetLimit advances by page size and stops at the short page', async () => {
    const all = listOf(7);
    server = await startTestServer({
      'GET /assets': (req) => ({ json: { data: all.slice(Number(req.query.offset), Number(req.query.offset) + Number(req.query.limit)) } }),
    });
    expect(await read({ path: '/assets', items: 'data', strategy: offsetLimit({ pageSize: 3 }) })).toEqual(all);
    expect(server.requests.map((r) => r.url)).toEqual(['/assets?limit=3&offset=0', '/assets?limit=3&offset=3', '/assets?limit=3&offset=6']);
  });

  test('offsetLimit: a total that is a multiple of the page size ends at the empty page; start and parameter names', async () => {
    const all = listOf(4);
    server = await startTestServer({ 'GET /a': (req) => ({ json: all.slice(Number(req.query.start) - 1, Number(req.query.start) - 1 + 2) }) });
    expect(await read({ path: '/a', items: '', strategy: offsetLimit({ pageSize: 2, start: 1, offset: 'start', limit: null }) })).toEqual(all);
    expect(server.requests.map((r) => r.url)).toEqual(['/a?start=1', '/a?start=3', '/a?start=5']);
  });

  test('offsetLimit in the body of a POST search (offset and limit each in their own field)', async () => {
    const all = listOf(5);
    server = await startTestServer({
      'POST /search': (req) => {
        const { paging } = bodyOf(req) as { paging: { offset: number; limit: number } };
        return { json: { results: all.slice(paging.offset, paging.offset + paging.limit) } };
      },
    });
    const found = await read({
      path: '/search', method: 'POST', body: { filter: { os: 'mac' } }, items: 'results',
      strategy: offsetLimit({ pageSize: 2, offset: { body: 'paging.offset' }, limit: { body: 'paging.limit' } }),
    });
    expect(found).toEqual(all);
    expect(server.requests.map(bodyOf)).toEqual([0, 2, 4].map((offset) => ({ filter: { os: 'mac' }, paging: { offset, limit: 2 } })));
  });

  test("offsetLimit until 'empty': short pages do not end the list, an empty one does", async () => {
    // Some APIs count items before filtering them, so a page may come back short before the end.
    const pages = [[1, 2], [3], [4, 5], []];
    server = await startTestServer({ 'GET /filtered': (req) => ({ json: pages[Number(req.query.offset) / 2] }) });
    expect(await read({ path: '/filtered', items: '', strategy: offsetLimit({ pageSize: 2, until: 'empty' }) })).toEqual([1, 2, 3, 4, 5]);
    expect(server.requests.map((r) => r.query.offset)).toEqual(['0', '2', '4', '6']);
  });

  test('offset and page-number lists end at a 204, whatever the strategy would ask next', async () => {
    server = await startTestServer({
      'GET /o': (req) => (req.query.offset === '4' ? { status: 204 } : { json: { rows: [req.query.offset, 'x'] } }),
      'GET /p': (req) => (req.query.page === '3' ? { status: 204 } : { json: { rows: [Number(req.query.page)] } }),
    });
    expect(await read({ path: '/o', items: 'rows', strategy: offsetLimit({ pageSize: 2, until: 'empty' }) })).toHaveLength(4);
    await client.close();
    expect(await read({ path: '/p', items: 'rows', strategy: pageNumber() })).toEqual([1, 2]);
    expect(server.requests.map((r) => r.url)).toEqual(['/o?limit=2&offset=0', '/o?limit=2&offset=2', '/o?limit=2&offset=4', '/p?page=1', '/p?page=2', '/p?page=3']);
  });

  test('a 204 ends any list, even one whose strategy would follow a next link', async () => {
    server = await startTestServer({
      'GET /l': { headers: { link: '</l2>; rel="next"' }, json: [1] },
      'GET /l2': { status: 204, headers: { link: '</l3>; rel="next"' } },
      'GET /l3': { json: [3] },
    });
    expect(await read({ path: '/l', items: '', strategy: linkHeader() })).toEqual([1]);
    expect(server.requests.map((r) => r.path)).toEqual(['/l', '/l2']);
  });

  test('pageNumber: 1-based with the page size sent, and 0-based with parameter names of its own', async () => {
    const all = listOf(5);
    const slice = (page: number, size: number) => all.slice(page * size, page * size + size);
    server = await startTestServer({
      'GET /api/v1/computers-inventory': (req) => ({ json: { results: slice(Number(req.query.page) - 1, Number(req.query['page-size'])) } }),
      'GET /api/mdm/devices/search': (req) => ({ json: { Devices: slice(Number(req.query.pg), Number(req.query.pagesize)) } }),
    });
    expect(await read({ path: '/api/v1/computers-inventory', items: 'results', strategy: pageNumber({ pageSize: 2, size: 'page-size' }) })).toEqual(all);
    await client.close();
    expect(await read({ path: '/api/mdm/devices/search', items: 'Devices', strategy: pageNumber({ start: 0, page: 'pg', pageSize: 5, size: 'pagesize' }) })).toEqual(all);
    expect(server.requests.map((r) => r.url)).toEqual([
      '/api/v1/computers-inventory?page-size=2&page=1',
      '/api/v1/computers-inventory?page-size=2&page=2',
      '/api/v1/computers-inventory?page-size=2&page=3',
      '/api/mdm/devices/search?pagesize=5&pg=0',
      '/api/mdm/devices/search?pagesize=5&pg=1',
    ]);
  });

  test('pageNumber without a page size reads until the empty page', async () => {
    const pages = [[1, 2, 3], [4], []];
    server = await startTestServer({ 'GET /p': (req) => ({ json: pages[Number(req.query.page) - 1] }) });
    expect(await read({ path: '/p', items: '', strategy: pageNumber() })).toEqual([1, 2, 3, 4]);
    expect(server.requests).toHaveLength(3);
  });

  test('hasMore: Stripe style, the last item id as starting_after while has_more is true', async () => {
    const all = ['cus_1', 'cus_2', 'cus_3', 'cus_4', 'cus_5'].map((id) => ({ id }));
    server = await startTestServer({
      'GET /v1/customers': (req) => {
        const from = req.query.starting_after ? all.findIndex((c) => c.id === req.query.starting_after) + 1 : 0;
        return { json: { object: 'list', data: all.slice(from, from + 2), has_more: from + 2 < all.length } };
      },
    });
    expect(await read({ path: '/v1/customers', query: { limit: 2 }, items: 'data', strategy: hasMore({ cursor: 'data.-1.id', to: 'starting_after' }) })).toEqual(all);
    expect(server.requests.map((r) => r.query.starting_after)).toEqual([undefined, 'cus_2', 'cus_4']);
  });

  test('hasMore with a flag and cursor path of its own; "more" without a cursor is an error, not a silent end', async () => {
    server = await startTestServer({
      'GET /list': (req) => (req.query.next === 'k2' ? { json: { items: [3], paging: { more: 'false' } } } : { json: { items: [1, 2], paging: { more: 'true', next: 'k2' } } }),
      'GET /broken': { json: { items: [1], has_more: true } },
    });
    expect(await read({ path: '/list', items: 'items', strategy: hasMore({ more: 'paging.more', cursor: 'paging.next', to: { query: 'next' } }) })).toEqual([1, 2, 3]);
    await client.close();
    const err = await failure(read({ path: '/broken', items: 'items', strategy: hasMore({ cursor: 'next_id', to: 'after' }) }));
    expect(err.message).toBe(`[okta] GET ${server.url}/broken: the server says more pages follow ("has_more") but there is no cursor at "next_id"`);
  });

  test('custom: an odd API (KACE-style "paging=limit N offset M", the total in a header) in a few lines', async () => {
    const all = listOf(5);
    server = await startTestServer({
      'GET /api/inventory/machines': (req) => {
        const [, limit, offset] = /^limit (\d+) offset (\d+)$/.exec(req.query.paging)!.map(Number);
        return { headers: { 'x-total-count': String(all.length) }, json: { Machines: all.slice(offset, offset + limit) } };
      },
    });
    const paging = (offset: number) => `limit 2 offset ${offset}`;
    const strategy = custom((page) => {
      const offset = (page.index + 1) * 2;
      return offset < Number(page.response.headers['x-total-count']) ? paging(offset) : undefined;
    }, 'paging');
    expect(await read({ path: '/api/inventory/machines', query: { paging: paging(0) }, items: 'Machines', strategy })).toEqual(all);
    expect(server.requests.map((r) => r.query.paging)).toEqual(['limit 2 offset 0', 'limit 2 offset 2', 'limit 2 offset 4']);
  });

  test('custom with the default injection: the token is the next URL', async () => {
    server = await startTestServer({
      'GET /first': { json: { rows: [1], continuation: { href: '/second' } } },
      'GET /second': { json: { rows: [2] } },
    });
    const strategy = custom((page) => {
      const href = (page.body as { continuation?: { href: string } }).continuation?.href;
      return href && new URL(href, page.response.url).toString();
    });
    expect(await read({ path: '/first', query: { q: 1 }, items: 'rows', strategy })).toEqual([1, 2]);
    expect(server.requests.map((r) => r.url)).toEqual(['/first?q=1', '/second']);
  });
});

describe('items', () => {
  test('a function of the page sees the response headers and status', async () => {
    server = await startTestServer({ 'GET /x': { headers: { 'x-kind': 'device' }, json: { a: { b: [1, 2] } } } });
    const items = await read({ path: '/x', items: (page) => (page.body as { a: { b: number[] } }).a.b.map((n) => `${page.response.headers['x-kind']} ${n} (${page.response.status})`), strategy: linkHeader() });
    expect(items).toEqual(['device 1 (200)', 'device 2 (200)']);
  });

  test('a nested path, and something other than a list there is an error naming the section and URL without the query', async () => {
    server = await startTestServer({
      'GET /ok': { json: { data: { items: [{ n: 1 }] } } },
      'GET /wrong': { json: { data: { items: { n: 1 } } } },
    });
    expect(await read({ path: '/ok', items: 'data.items', strategy: linkHeader() })).toEqual([{ n: 1 }]);
    await client.close();
    const err = await failure(read({ path: '/wrong?api_key=secret', items: 'data.items', strategy: linkHeader() }));
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toBe(`[okta] GET ${server.url}/wrong: the response has no list of items at "data.items" (found an object)`);
  });

  test("format 'xml': xmltodict's shape, where an element that occurs once is one item", async () => {
    const xml = (ids: number[]) => `<?xml version="1.0"?><computers>${ids.map((id) => `<computer><id>${id}</id></computer>`).join('')}</computers>`;
    server = await startTestServer({ 'GET /computers': (req) => ({ headers: { 'content-type': 'application/xml' }, body: xml(req.query.page === '1' ? [1, 2] : [3]) }) });
    const computers = await read({ path: '/computers', format: 'xml', items: 'computers.computer', strategy: pageNumber({ pageSize: 2 }) });
    expect(computers).toEqual([{ id: '1' }, { id: '2' }, { id: '3' }]);
    expect(server.requests[0].headers.accept).toBe('application/xml');
  });
});

describe('stop, max pages and the loop guard', () => {
  test('stop(page) ends the list without another request (a total in a header)', async () => {
    server = await startTestServer({
      'GET /u': (req) => ({ headers: { 'x-total': '4' }, json: { rows: [Number(req.query.offset) + 1, Number(req.query.offset) + 2], next: 'more' } }),
    });
    const rows = await read<number>({
      path: '/u', items: 'rows', strategy: offsetLimit({ pageSize: 2 }),
      stop: (page) => Number(page.token) + page.items.length >= Number(page.response.headers['x-total']),
    });
    expect(rows).toEqual([1, 2, 3, 4]);
    expect(server.requests).toHaveLength(2);
  });

  test('maxPages: more pages than allowed is an error after the allowed pages are read', async () => {
    server = await startTestServer({ 'GET /endless': (req) => ({ json: { v: [req.query.c ?? '0'], next: `${Number(req.query.c ?? 0) + 1}` } }) });
    const seen: string[] = [];
    const err = await failure((async () => {
      for await (const v of paginate<string>(api(), { path: '/endless', items: 'v', strategy: cursorAt('next', 'c'), maxPages: 3 })) seen.push(v);
    })());
    expect(seen).toEqual(['0', '1', '2']);
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toBe(`[okta] GET ${server.url}/endless: more than 3 pages, the most this source reads; stopping`);
    expect(server.requests).toHaveLength(3);
  });

  test('the same next URL twice is an error naming the section and the URL (not its query), after two requests', async () => {
    server = await startTestServer({ 'GET /loop': { headers: { link: '</loop?token=s3cret>; rel="next"' }, json: [1] } });
    const err = await failure(read({ path: '/loop', items: '', strategy: linkHeader() }));
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toBe(`[okta] GET ${server.url}/loop: pagination loops: page 2 names the same next page as page 1; stopping`);
    expect(err.message).not.toContain('s3cret');
    expect(server.requests).toHaveLength(2);
  });

  test('a cycle of next URLs in the body (A -> B -> A) is caught', async () => {
    server = await startTestServer({
      'GET /a': { json: { items: [1], next: '/b' } },
      'GET /b': { json: { items: [2], next: '/a' } },
    });
    const err = await failure(read({ path: '/a', items: 'items', strategy: nextUrlAt('next') }));
    expect(err.message).toBe(`[okta] GET ${server.url}/a: pagination loops: page 3 names the same next page as page 1; stopping`);
    expect(server.requests.map((r) => r.path)).toEqual(['/a', '/b', '/a']);
  });

  test('the same cursor twice is caught', async () => {
    server = await startTestServer({ 'GET /c': (req) => ({ json: { items: [req.query.after ?? 'first'], next: 'same' } }) });
    const err = await failure(read({ path: '/c', items: 'items', strategy: cursorAt('next', 'after') }));
    expect(err.message).toBe(`[okta] GET ${server.url}/c: pagination loops: page 2 names the same next page as page 1; stopping`);
    expect(server.requests).toHaveLength(2);
  });

  test('a server that ignores the offset (the same full page again) is caught instead of read forever', async () => {
    server = await startTestServer({ 'GET /same': { json: [1, 2] } });
    const err = await failure(read({ path: '/same', items: '', strategy: offsetLimit({ pageSize: 2, offset: 'skip' }) }));
    expect(err.message).toBe(`[okta] GET ${server.url}/same: pagination loops: page 2 has the same items as page 1; the server seems to ignore the "skip" query parameter`);
    expect(server.requests).toHaveLength(2);
  });

  test('an HTTP error on a later page surfaces after the earlier items', async () => {
    server = await startTestServer({
      'GET /p': (req) => (req.query.page === '2' ? { status: 400, json: { error: 'bad page' } } : { headers: { link: '</p?page=2>; rel="next"' }, json: [1] }),
    });
    const seen: unknown[] = [];
    const err = await failure((async () => {
      for await (const item of paginate(api(), { path: '/p', items: '', strategy: linkHeader() })) seen.push(item);
    })());
    expect(err.message).toBe(`[okta] GET ${server.url}/p failed: HTTP 400: bad page`);
    expect(seen).toEqual([1]);
  });
});

describe('laziness, prefetch and cancellation', () => {
  test('the next page is requested only when the consumer has taken every item of the current one', async () => {
    server = await startTestServer({ 'GET /l': (req) => ({ json: { items: [`${req.query.after ?? ''}1`, `${req.query.after ?? ''}2`], next: req.query.after ? null : 'p' } }) });
    const iterator = paginate<string>(api(), { path: '/l', items: 'items', strategy: cursorAt('next', 'after') });
    expect((await iterator.next()).value).toBe('1');
    expect((await iterator.next()).value).toBe('2');
    expect(server.requests).toHaveLength(1);
    expect((await iterator.next()).value).toBe('p1');
    expect(server.requests).toHaveLength(2);
    expect((await iterator.next()).value).toBe('p2');
    expect((await iterator.next()).done).toBe(true);
    expect(server.requests).toHaveLength(2);
  });

  test('prefetch: up to n pages in flight, yielded in order although later pages answer first, none past the short page', async () => {
    const all = listOf(9);
    let inFlight = 0;
    let maxInFlight = 0;
    server = await startTestServer({
      'GET /devices': async (req) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        const page = Number(req.query.page);
        // Earlier pages answer later, so the order of answers is not the order of pages.
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, 60 - page * 20)));
        inFlight--;
        // Pages past the end are an error on AirWatch-like APIs; they must not surface.
        if (page > 4) return { status: 400, json: { message: 'page out of range' } };
        return { json: { Devices: all.slice(page * 2, page * 2 + 2) } };
      },
    });
    const devices = await read({ path: '/devices', items: 'Devices', strategy: pageNumber({ start: 0, pageSize: 2, size: 'pagesize' }), prefetch: 3 });
    expect(devices).toEqual(all);
    expect(maxInFlight).toBe(3);
    const pages = server.requests.map((r) => Number(r.query.page));
    // Page 4 (one item) is the last; at most `prefetch` pages are requested past it, and none is read.
    expect(pages.slice(0, 5).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(pages.length).toBeLessThanOrEqual(5 + 3);
  });

  test('prefetch stops at an empty page or a 204 and drops the pages requested past it', async () => {
    server = await startTestServer({
      'GET /o': (req) => {
        const offset = Number(req.query.offset);
        return offset >= 6 ? (offset === 6 ? { status: 204 } : { status: 500, body: 'no' }) : { json: [offset, offset + 1] };
      },
    });
    expect(await read({ path: '/o', items: '', strategy: offsetLimit({ pageSize: 2 }), prefetch: 4 })).toEqual([0, 1, 2, 3, 4, 5]);
  });

  test('prefetch keeps the memory bound: no more than n pages ahead of a consumer that has not asked', async () => {
    server = await startTestServer({ 'GET /p': (req) => ({ json: [Number(req.query.page)] }) });
    const iterator = paginate<number>(api(), { path: '/p', items: '', strategy: pageNumber({ pageSize: 1 }), prefetch: 2 });
    expect((await iterator.next()).value).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Page 1 is being consumed; pages 2 and 3 are ahead, page 4 waits for the consumer.
    expect(server.requests.map((r) => r.query.page).sort()).toEqual(['1', '2', '3']);
    await iterator.return(undefined);
  });

  test('prefetch needs a strategy whose tokens do not depend on the body', () => {
    server = undefined as unknown as TestServer;
    client = new HttpClient({ section: 'okta', tls: { verify: true } });
    expect(() => paginate(client, { path: 'http://127.0.0.1:9/x', items: '', strategy: linkHeader(), prefetch: 2 })).toThrow(TypeError);
    expect(() => offsetLimit({ pageSize: 0 })).toThrow('offsetLimit pageSize must be a positive integer, got 0');
    expect(() => pageNumber({ until: 'short' })).toThrow(TypeError);
  });

  test("the caller's signal cancels the read", async () => {
    server = await startTestServer({ 'GET /slow': (req) => (req.query.page === '2' ? { delayMs: 2000, json: [] } : { json: [1] }) });
    const controller = new AbortController();
    const seen: number[] = [];
    const reading = (async () => {
      for await (const n of paginate<number>(api(), { path: '/slow', items: '', strategy: pageNumber(), signal: controller.signal })) {
        seen.push(n);
        setTimeout(() => controller.abort(new Error('stopped by the test')), 50);
      }
    })();
    const started = Date.now();
    expect((await failure(reading)).message).toBe('stopped by the test');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(seen).toEqual([1]);
  });
});
