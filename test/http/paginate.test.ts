import { PermanentError } from '../../src/errors.js';
import { HttpClient } from '../../src/http/client.js';
import { nextLink, paginateCursor, paginateLinkHeader, paginateNextUrl, paginateOffset } from '../../src/http/paginate.js';
import { startTestServer, type TestServer } from '../support/httpTestServer.js';

let server: TestServer;
let client: HttpClient;
afterEach(async () => {
  await client?.close();
  await server?.close();
});

function newClient(): HttpClient {
  client = new HttpClient({ section: 'okta', tls: { verify: true }, retry: { retries: 0 } });
  return client;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

test('nextLink parses RFC 8288 headers: several links, quoted and multi-valued rel, relative URLs', () => {
  const base = 'https://api.example.com/v1/users?limit=2';
  expect(nextLink('<https://api.example.com/v1/users?after=a,b>; rel="next", <https://x/first>; rel="first"', base)).toBe(
    'https://api.example.com/v1/users?after=a,b',
  );
  expect(nextLink('</v1/users?page=3>; rel="prev", </v1/users?page=5>; title="x"; rel="next last"', base)).toBe('https://api.example.com/v1/users?page=5');
  expect(nextLink(['<https://x/a>; rel=self', '<https://x/b>; rel=next'], base)).toBe('https://x/b');
  expect(nextLink('<https://x/a>; rel="prev"', base)).toBeUndefined();
  expect(nextLink(undefined, base)).toBeUndefined();
});

test('paginateLinkHeader follows rel="next" and fetches a page only when consumed', async () => {
  server = await startTestServer({
    'GET /users': (req) => {
      const page = Number(req.query.page ?? 1);
      const headers: Record<string, string> = page < 3 ? { link: `</users?page=${page + 1}>; rel="next", </users?page=1>; rel="first"` } : {};
      return { headers, json: [`u${page * 2 - 1}`, `u${page * 2}`] };
    },
  });
  const iterator = paginateLinkHeader<string>(newClient(), `${server.url}/users`, { query: { limit: 2 } })[Symbol.asyncIterator]();
  expect((await iterator.next()).value).toBe('u1');
  expect((await iterator.next()).value).toBe('u2');
  expect(server.requests).toHaveLength(1);
  expect((await iterator.next()).value).toBe('u3');
  expect(server.requests).toHaveLength(2);
  const rest: string[] = [];
  for (let r = await iterator.next(); !r.done; r = await iterator.next()) rest.push(r.value);
  expect(rest).toEqual(['u4', 'u5', 'u6']);
  expect(server.requests.map((r) => r.url)).toEqual(['/users?limit=2', '/users?page=2', '/users?page=3']);
});

test('paginateLinkHeader stops with a clear error when the server loops', async () => {
  server = await startTestServer({ 'GET /loop': { headers: { link: '</loop>; rel="next"' }, json: [1] } });
  await expect(collect(paginateLinkHeader(newClient(), `${server.url}/loop`))).rejects.toThrow(
    new PermanentError(`pagination of ${server.url}/loop loops: the server sent the same next page twice`),
  );
});

test('paginateNextUrl follows a URL in the body', async () => {
  server = await startTestServer({
    'GET /devices': (req) =>
      req.query.cursor === 'p2'
        ? { json: { results: [{ id: 3 }], next: null } }
        : { json: { results: [{ id: 1 }, { id: 2 }], next: `${server.url}/devices?cursor=p2` } },
  });
  type Page = { results: Array<{ id: number }>; next: string | null };
  const items = await collect(
    paginateNextUrl(newClient(), `${server.url}/devices`, (b) => (b as Page).results, (b) => (b as Page).next),
  );
  expect(items.map((d) => d.id)).toEqual([1, 2, 3]);
  expect(server.requests).toHaveLength(2);
});

test('paginateCursor sends the body cursor back as a query parameter until it is empty', async () => {
  const pages: Record<string, { items: string[]; cursor: string }> = {
    '': { items: ['a', 'b'], cursor: 'c1' },
    c1: { items: ['c'], cursor: 'c2' },
    c2: { items: [], cursor: '' },
  };
  server = await startTestServer({ 'GET /list': (req) => ({ json: pages[req.query.after ?? ''] }) });
  type Page = { items: string[]; cursor: string };
  const items = await collect(
    paginateCursor(newClient(), `${server.url}/list`, {
      cursorParam: 'after',
      query: { limit: 2 },
      getItems: (b) => (b as Page).items,
      getCursor: (b) => (b as Page).cursor,
    }),
  );
  expect(items).toEqual(['a', 'b', 'c']);
  expect(server.requests.map((r) => r.url)).toEqual(['/list?limit=2', '/list?limit=2&after=c1', '/list?limit=2&after=c2']);
});

test('paginateOffset advances by page size and stops on a short page', async () => {
  const all = Array.from({ length: 7 }, (_, i) => ({ n: i }));
  server = await startTestServer({
    'GET /assets': (req) => {
      const offset = Number(req.query.offset);
      return { json: { data: all.slice(offset, offset + Number(req.query.limit)) } };
    },
  });
  const items = await collect(
    paginateOffset(newClient(), `${server.url}/assets`, { limitParam: 'limit', offsetParam: 'offset', pageSize: 3, getItems: (b) => (b as { data: unknown[] }).data }),
  );
  expect(items).toEqual(all);
  expect(server.requests.map((r) => r.query.offset)).toEqual(['0', '3', '6']);
});

test('paginateOffset makes one extra request when the total is a multiple of the page size', async () => {
  const all = [1, 2, 3, 4];
  server = await startTestServer({
    'GET /a': (req) => ({ json: all.slice(Number(req.query.start), Number(req.query.start) + Number(req.query.count)) }),
  });
  const items = await collect(paginateOffset<number>(newClient(), `${server.url}/a`, { limitParam: 'count', offsetParam: 'start', pageSize: 2, getItems: (b) => b as number[] }));
  expect(items).toEqual(all);
  expect(server.requests).toHaveLength(3);
});

test('paginators surface HTTP errors from a later page', async () => {
  server = await startTestServer({
    'GET /p': (req) => (req.query.page === '2' ? { status: 400, json: { error: 'bad page' } } : { headers: { link: '</p?page=2>; rel="next"' }, json: [1] }),
  });
  const seen: unknown[] = [];
  await expect(
    (async () => {
      for await (const item of paginateLinkHeader(newClient(), `${server.url}/p`)) seen.push(item);
    })(),
  ).rejects.toThrow(`[okta] GET ${server.url}/p failed: HTTP 400: bad page`);
  expect(seen).toEqual([1]);
});
