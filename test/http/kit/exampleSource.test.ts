import { ConfigError } from '../../../src/errors.js';
import { HttpClient } from '../../../src/http/client.js';
import { getLogger } from '../../../src/logging.js';
import type { SourceContext } from '../../../src/sources/types.js';
import { startTestServer, type TestServer } from '../../support/httpTestServer.js';
import { example } from './exampleSource.js';

/** The example's API: JSON login -> session (ttl 60 s), Link-paged list of 5 devices, one detail each; device 3 fails. */
async function exampleApi(): Promise<TestServer & { sessions: () => number }> {
  let sessions = 0;
  const valid = new Set<string>();
  const server: TestServer = await startTestServer((req) => {
    if (req.method === 'POST' && req.path === '/api/login') {
      const { user, password } = JSON.parse(req.body || '{}');
      if (user !== 'svc' || password !== 'Right-pw-1') return { status: 401, json: { error: 'bad login' } };
      const session = `sess-${++sessions}-abcdef`;
      valid.add(session);
      return { json: { session, ttl: 60 } };
    }
    if (!valid.has(String(req.headers['x-session']))) return { status: 401, json: { error: 'no session' } };
    if (req.path === '/api/devices') {
      const offset = Number(req.query.offset ?? 0);
      const next = offset + 2 < 5 ? `<${server.url}/api/devices?offset=${offset + 2}>; rel="next"` : undefined;
      const ids = ['1', '2', '3', '4', '5'].slice(offset, offset + 2);
      return { headers: (next ? { link: next } : {}) as Record<string, string>, json: { devices: ids.map((id) => ({ id })) } };
    }
    const id = /^\/api\/devices\/(\d+)$/.exec(req.path)?.[1];
    if (id === '3') return { status: 404, json: { error: 'gone' } };
    return id ? { json: { id, serial: `SN${id}`, site: req.query.site ?? null } } : { status: 404 };
  });
  return Object.assign(server, { sessions: () => sessions });
}

function context(failures: string[]): SourceContext & { http: HttpClient } {
  return {
    section: 'example', log: getLogger('sources/example'), signal: new AbortController().signal, tls: { verify: true },
    http: new HttpClient({ section: 'example', tls: { verify: true }, retry: { retries: 0 } }), configDir: process.cwd(),
    concurrency: 2, reportFailure: (id) => failures.push(id),
  };
}

test('the example source: login, three Link-header pages, details in list order, one failed device reported', async () => {
  const api = await exampleApi();
  const failures: string[] = [];
  const ctx = context(failures);
  try {
    const source = example.create({ url: api.url, username: 'svc', password: 'Right-pw-1', concurrency: 0, site: '' }, ctx);
    const records = [];
    for await (const r of source.read({ fields: ['serial'], allFields: false })) records.push(r);
    expect(records.map((r) => r.serial)).toEqual(['SN1', 'SN2', 'SN4', 'SN5']);
    expect(failures).toEqual(['device 3']);
    expect(api.sessions()).toBe(1);
    expect(await source.check()).toBe('authenticated as user "svc"; read device 1');
    const wrong = example.create({ url: api.url, username: 'svc', password: 'nope', concurrency: 0, site: '' }, ctx);
    await expect(wrong.check()).rejects.toBeInstanceOf(ConfigError);
  } finally {
    await ctx.http.close();
    await api.close();
  }
});
